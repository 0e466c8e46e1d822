//! The key server: builds, signs and encrypts GROUPKEY-PUSH messages
//! ([RFC 6407 §4](https://www.rfc-editor.org/rfc/rfc6407#section-4)) and tracks the
//! acknowledgements ([RFC 8263 §5, §6](https://www.rfc-editor.org/rfc/rfc8263#section-5)).
//! Sans-IO.
//!
//! # Driving it
//! - [`KeyServer::add_member`] for each registered GM (after its GROUPKEY-PULL);
//!   [`KeyServer::build_push`] writes a PUSH into the caller's buffer;
//!   [`KeyServer::handle_ack`] for each datagram of exchange type 35.
//! - [`KeyServer::poll_timeout`] → [`KeyServer::handle_timeout`] at that time →
//!   [`KeyServer::poll_event`] for "ack missing" / "member lost" events.
//!
//! # ACK processing order
//! parse (header, HASH, SEQ, ID; type 34 and malformed order rejected) → ACKs enabled →
//! cookies name a KEK of this group → the ID names a member → SEQ was sent under that KEK →
//! **duplicate drop** (SEQ ≤ the member's last acked under that KEK) — all before any
//! crypto → HASH verified in constant time → commit.
//!
//! # Members table
//! Fixed capacity `M` ([`heapless::Vec`]); adding to a full table is
//! [`GcksError::TableFull`] and changes nothing.

use core::time::Duration;

use heapless::{Deque, Vec};
use keying_crypto::{CryptoError, Rng, SecretBuf, Symmetric};
use keying_tlv::{ChainWriter, WriteError, Writer};

use crate::DecodeError;
use crate::ack::{AckKey, AckType, LEncoding};
use crate::delete::{DELETE_PROTOCOL_KEK, Delete};
use crate::gm::{GmIdentity, MAX_KEK_KEY, MAX_LKH_KEY};
use crate::header::{ExchangeType, FLAG_ENCRYPTION, HEADER_LEN, Header, VERSION};
use crate::id::IdData;
use crate::kd::{KdType, KeyDownload};
use crate::keys::PushSigner;
use crate::message::{Ack, CBC_BLOCK};
use crate::payload::{Payload, PayloadType};
use crate::sa::Sa;
use crate::sa_kek::KekAckRequested;
use crate::seq::Seq;
use crate::time::Instant;

/// The RFC 8263 §6 lower bound before an ACK may be called missing.
pub const MIN_ACK_TIMEOUT: Duration = Duration::from_secs(10);
/// KEKs kept at once (current + retired ones still needed for late ACKs).
pub const MAX_KEKS: usize = 3;
/// PUSHes whose ACKs are tracked at once.
pub const MAX_OUTSTANDING: usize = 8;
/// Events buffered; when full the oldest is dropped.
pub const MAX_EVENTS: usize = 32;

/// A member handle, stable across removals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberId(pub u16);

/// Key-server configuration.
#[derive(Debug, Clone)]
pub struct GcksConfig {
    /// KEK_ACK_REQUESTED sent in every SA KEK (`None`: ACKs are not collected and every
    /// ACK is discarded).
    pub ack_requested: Option<KekAckRequested>,
    /// How long to wait before calling an ACK missing (at least 10 s; smaller values are
    /// raised to 10 s).
    pub ack_timeout: Duration,
    /// Consecutive missed rekeys after which [`GcksEvent::MemberLost`] is reported.
    pub max_missed: u8,
    /// L encoding in the ack-key derivation.
    pub l_encoding: LEncoding,
    /// How long a replaced or deleted KEK is kept for late ACKs (at least the ack
    /// timeout), then erased.
    pub retain_old_kek: Duration,
}

impl GcksConfig {
    /// Defaults: ACKs of `ack_requested`, 10 s timeout, 3 misses (Cisco GETVPN's choice),
    /// L = 512/1024, old KEKs kept 30 s.
    pub const fn new(ack_requested: Option<KekAckRequested>) -> Self {
        Self {
            ack_requested,
            ack_timeout: MIN_ACK_TIMEOUT,
            max_missed: 3,
            l_encoding: LEncoding::BlockBits,
            retain_old_kek: Duration::from_secs(30),
        }
    }
}

/// Key-server table errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GcksError {
    /// The members table is full (capacity `M`).
    TableFull,
    /// A member with that identity exists.
    Duplicate,
    /// No such member.
    UnknownMember,
    /// A key is malformed (KEK: 16-octet IV ‖ 16/24/32-octet key; LKH key ≤ 64 octets).
    BadKey,
}

/// Why a PUSH could not be built. Nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// The output buffer is too small (`needed` is the whole PUSH).
    Write(WriteError),
    /// Signing or encryption failed.
    Crypto(CryptoError),
    /// No current KEK (it was deleted).
    NoKek,
    /// The SEQ counter of the KEK is exhausted: roll the KEK over.
    SeqExhausted,
    /// The content is inconsistent (reason).
    BadContent(&'static str),
    /// The KEK table or the outstanding-PUSH table is full.
    TableFull,
}

/// Why an ACK was discarded (for the caller's log). Nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AckError {
    /// Not a well-formed ACK (wrong exchange type incl. 34, flags, order, lengths …).
    Malformed(DecodeError),
    /// The group does not request ACKs (or not of a type this GCKS can check).
    NotExpected,
    /// The cookies name no KEK of this group.
    UnknownGroup,
    /// The ID names no member.
    UnknownMember,
    /// A SEQ never sent under these cookies.
    WrongSeq(u32),
    /// Already acknowledged (dropped before any crypto).
    Duplicate(u32),
    /// HASH wrong.
    BadHash,
}

impl From<DecodeError> for AckError {
    fn from(e: DecodeError) -> Self {
        Self::Malformed(e)
    }
}

/// A valid ACK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AckReceived {
    /// Who.
    pub member: MemberId,
    /// Which PUSH.
    pub seq: u32,
    /// Under which KEK (the PUSH cookies).
    pub kek_spi: [u8; 16],
}

/// Events from [`KeyServer::handle_timeout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GcksEvent {
    /// A member did not ack a PUSH within the timeout.
    AckMissing {
        /// Who.
        member: MemberId,
        /// Which PUSH.
        seq: u32,
        /// Consecutive misses so far.
        consecutive: u8,
    },
    /// A member that acked at least once (RFC 8263 §6: a GCKS SHOULD NOT consider a GM
    /// gone before that) missed `max_missed` consecutive rekeys (policy: drop it, alert, …).
    MemberLost {
        /// Who.
        member: MemberId,
    },
}

/// To whom a PUSH goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Every member (multicast): every member is expected to ack.
    All,
    /// One member (unicast rekey).
    Member(MemberId),
}

/// What a PUSH carries besides SEQ and SIG.
#[derive(Debug, Clone, Copy)]
pub struct PushContent<'a> {
    /// Delete payloads.
    pub deletes: &'a [Delete<'a>],
    /// SA (with an SA KEK for a KEK rollover).
    pub sa: Option<Sa<'a>>,
    /// KD (with the new KEK's packet for a rollover).
    pub kd: Option<KeyDownload<'a>>,
}

/// A built PUSH.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Built {
    /// Octets written.
    pub len: usize,
    /// Its SEQ.
    pub seq: u32,
    /// Its cookies.
    pub kek_spi: [u8; 16],
}

struct Member {
    id: MemberId,
    identity: GmIdentity,
    lkh_key: Option<SecretBuf<MAX_LKH_KEY>>,
    last_acked: Option<([u8; 16], u32)>,
    acked_slots: u8,
    missed: u8,
}

struct GcksKek {
    spi: [u8; 16],
    key: SecretBuf<MAX_KEK_KEY>,
    iv: [u8; 16],
    last_seq: u32,
    retire_at: Option<Instant>,
    ack_key: Option<AckKey>,
}

#[derive(Clone, Copy)]
struct Outstanding {
    spi: [u8; 16],
    seq: u32,
    deadline: Instant,
    target: Target,
}

/// A key server for one group with up to `M` members.
pub struct KeyServer<Sg, const M: usize> {
    config: GcksConfig,
    signer: Sg,
    keks: Vec<GcksKek, MAX_KEKS>,
    members: Vec<Member, M>,
    next_id: u16,
    outstanding: [Option<Outstanding>; MAX_OUTSTANDING],
    events: Deque<GcksEvent, MAX_EVENTS>,
}

impl<Sg, const M: usize> core::fmt::Debug for KeyServer<Sg, M> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyServer")
            .field("keks", &self.keks.len())
            .field("members", &self.members.len())
            .finish_non_exhaustive()
    }
}

fn split_kek(k: &[u8]) -> Option<([u8; 16], SecretBuf<MAX_KEK_KEY>)> {
    let (iv, key) = k.split_at_checked(16)?;
    if !matches!(key.len(), 16 | 24 | 32) {
        return None;
    }
    let mut ivb = [0u8; 16];
    ivb.copy_from_slice(iv);
    Some((ivb, SecretBuf::from_slice(key).ok()?))
}

impl<Sg: PushSigner, const M: usize> KeyServer<Sg, M> {
    /// A key server whose current KEK is `spi` with KEK_ALGORITHM_KEY `iv_key` (IV ‖ key),
    /// whose last used SEQ is `last_seq` (what PULL message 4 tells members).
    ///
    /// # Errors
    /// [`GcksError::BadKey`].
    pub fn new(
        config: GcksConfig,
        signer: Sg,
        spi: [u8; 16],
        iv_key: &[u8],
        last_seq: u32,
    ) -> Result<Self, GcksError> {
        let (iv, key) = split_kek(iv_key).ok_or(GcksError::BadKey)?;
        let mut keks = Vec::new();
        let _ = keks.push(GcksKek {
            spi,
            key,
            iv,
            last_seq,
            retire_at: None,
            ack_key: None,
        });
        Ok(Self {
            config,
            signer,
            keks,
            members: Vec::new(),
            next_id: 0,
            outstanding: [None; MAX_OUTSTANDING],
            events: Deque::new(),
        })
    }

    /// The current KEK SPI and last used SEQ (for PULL message 4).
    pub fn current(&self) -> Option<([u8; 16], u32)> {
        self.current_kek().map(|k| (k.spi, k.last_seq))
    }

    fn current_kek(&self) -> Option<&GcksKek> {
        self.keks.iter().rev().find(|k| k.retire_at.is_none())
    }

    /// Registers a member (after its GROUPKEY-PULL). `lkh_key` is its LKH leaf key (IV
    /// stripped) for the LKH ACK types.
    ///
    /// # Errors
    /// [`GcksError::TableFull`] when `M` members exist; [`GcksError::Duplicate`].
    pub fn add_member(
        &mut self,
        identity: GmIdentity,
        lkh_key: Option<&[u8]>,
    ) -> Result<MemberId, GcksError> {
        if self.members.iter().any(|m| m.identity == identity) {
            return Err(GcksError::Duplicate);
        }
        if self.members.is_full() {
            return Err(GcksError::TableFull);
        }
        let lkh_key = match lkh_key {
            Some(k) => Some(SecretBuf::from_slice(k).map_err(|_| GcksError::BadKey)?),
            None => None,
        };
        let id = MemberId(self.next_id);
        self.members
            .push(Member {
                id,
                identity,
                lkh_key,
                last_acked: None,
                acked_slots: 0,
                missed: 0,
            })
            .map_err(|_| GcksError::TableFull)?;
        self.next_id = self.next_id.wrapping_add(1);
        Ok(id)
    }

    /// Removes a member.
    ///
    /// # Errors
    /// [`GcksError::UnknownMember`].
    pub fn remove_member(&mut self, id: MemberId) -> Result<(), GcksError> {
        let i = self
            .members
            .iter()
            .position(|m| m.id == id)
            .ok_or(GcksError::UnknownMember)?;
        self.members.swap_remove(i);
        Ok(())
    }

    /// Number of members.
    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    /// A member's last acknowledged (KEK SPI, SEQ).
    pub fn last_acked(&self, id: MemberId) -> Option<([u8; 16], u32)> {
        self.members.iter().find(|m| m.id == id)?.last_acked
    }

    /// Builds the next GROUPKEY-PUSH into `out`: SEQ = last + 1 under the current KEK,
    /// `content`, SIG over `"rekey" ‖ HDR (E set, unpadded Length) ‖ payloads`, zero
    /// padding to the AES block, AES-CBC with the KEK's static IV. An SA KEK in `content`
    /// (with its KD KEK packet) makes that KEK current after this PUSH (its SEQ restarts);
    /// a KEK Delete retires the named KEK (kept `retain_old_kek` for late ACKs).
    ///
    /// # Errors
    /// [`BuildError`]; the counter and tables are unchanged.
    pub fn build_push<S: Symmetric + ?Sized>(
        &mut self,
        now: Instant,
        target: Target,
        content: &PushContent<'_>,
        crypto: &S,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<Built, BuildError> {
        let cur = self.current_kek().ok_or(BuildError::NoKek)?;
        let seq = cur
            .last_seq
            .checked_add(1)
            .ok_or(BuildError::SeqExhausted)?;
        let spi = cur.spi;
        if let Target::Member(id) = target
            && !self.members.iter().any(|m| m.id == id)
        {
            return Err(BuildError::BadContent("unknown target member"));
        }
        // Content checks and the new KEK, into locals.
        let mut new_kek = None;
        if content.sa.is_some() != content.kd.is_some() {
            return Err(BuildError::BadContent("SA and KD go together"));
        }
        if content.sa.is_none() && content.deletes.is_empty() {
            return Err(BuildError::BadContent("PUSH with neither SA/KD nor Delete"));
        }
        if let (Some(sa), Some(kd)) = (&content.sa, &content.kd)
            && let Some(sak) = &sa.kek
        {
            if sak.ack_requested() != self.config.ack_requested {
                return Err(BuildError::BadContent("SA KEK KEK_ACK_REQUESTED ≠ policy"));
            }
            if sak.sig_algorithm() != Some(self.signer.algorithm()) {
                return Err(BuildError::BadContent("SA KEK SIG_ALGORITHM ≠ signer"));
            }
            let p = kd
                .packets
                .iter()
                .find(|p| p.kd_type == KdType::Kek && p.spi == sak.spi)
                .ok_or(BuildError::BadContent("SA KEK without its KD KEK packet"))?;
            let (iv, key) = p
                .kek_algorithm_key()
                .and_then(split_kek)
                .ok_or(BuildError::BadContent("bad KEK_ALGORITHM_KEY"))?;
            if self.keks.iter().any(|k| k.spi == sak.spi) {
                return Err(BuildError::BadContent("KEK SPI reused"));
            }
            new_kek = Some(GcksKek {
                spi: sak.spi,
                key,
                iv,
                last_seq: 0,
                retire_at: None,
                ack_key: None,
            });
        }
        let mut retire = [false; MAX_KEKS];
        for d in content.deletes {
            if d.protocol_id == DELETE_PROTOCOL_KEK {
                for s in d.spis() {
                    let all = s.iter().all(|&b| b == 0);
                    for (i, k) in self.keks.iter().enumerate() {
                        if (all || k.spi.as_slice() == s)
                            && let Some(r) = retire.get_mut(i)
                        {
                            *r = true;
                        }
                    }
                }
            }
        }
        if new_kek.is_some() && self.keks.is_full() {
            // Drop the oldest retired KEK if there is one; otherwise refuse.
            if !self
                .keks
                .iter()
                .any(|k| k.retire_at.is_some() && k.spi != spi)
            {
                return Err(BuildError::TableFull);
            }
        }
        let slot = if self.config.ack_requested.is_some() {
            Some(
                self.outstanding
                    .iter()
                    .position(Option::is_none)
                    .ok_or(BuildError::TableFull)?,
            )
        } else {
            None
        };

        // Emit.
        let sig_len = self.signer.signature_len();
        let (ic, rc) = Header::split_cookies(&spi);
        let header = Header {
            initiator_cookie: ic,
            responder_cookie: rc,
            next_payload: 0,
            version: VERSION,
            exchange: ExchangeType::GroupkeyPush,
            flags: FLAG_ENCRYPTION,
            message_id: 0,
            length: 0,
        };
        let mut w = Writer::new(out);
        let (first, len_field) = header.begin(&mut w);
        let mut chain = ChainWriter::new(first);
        Seq(seq).emit(&mut chain, &mut w);
        for d in content.deletes {
            d.emit(&mut chain, &mut w);
        }
        if let Some(sa) = &content.sa {
            sa.emit(&mut chain, &mut w);
        }
        if let Some(kd) = &content.kd {
            kd.emit(&mut chain, &mut w);
        }
        let sig_at = w.position();
        let p = chain.begin_isakmp(&mut w, PayloadType::Sig.to_wire());
        w.zeros(sig_len);
        chain.end_isakmp(&mut w, p);
        let unpadded = w.position();
        w.zeros((CBC_BLOCK - (unpadded - HEADER_LEN) % CBC_BLOCK) % CBC_BLOCK);
        w.close_len(len_field);
        let n = w.finish().map_err(BuildError::Write)?;
        let padded_len = u32::try_from(n).map_err(|_| BuildError::BadContent("PUSH too long"))?;
        let unpadded_len =
            u32::try_from(unpadded).map_err(|_| BuildError::BadContent("PUSH too long"))?;

        // Sign over the header with the unpadded length.
        let (head, rest) = out
            .split_at_mut_checked(sig_at + 4)
            .ok_or(BuildError::Write(WriteError::BufferTooSmall { needed: n }))?;
        if let Some(l) = head.get_mut(24..28) {
            l.copy_from_slice(&unpadded_len.to_be_bytes());
        }
        let (hdr, signed) = head
            .split_at_checked(HEADER_LEN)
            .ok_or(BuildError::Write(WriteError::BufferTooSmall { needed: n }))?;
        let signed = signed.get(..sig_at - HEADER_LEN).unwrap_or_default();
        let sig_out = rest.get_mut(..sig_len).unwrap_or_default();
        self.signer
            .sign(rng, &[b"rekey", hdr, signed], sig_out)
            .map_err(BuildError::Crypto)?;
        if let Some(l) = out.get_mut(24..28) {
            l.copy_from_slice(&padded_len.to_be_bytes());
        }
        let cur = self.current_kek().ok_or(BuildError::NoKek)?;
        let body = out.get_mut(HEADER_LEN..n).unwrap_or_default();
        crypto
            .aes_cbc_encrypt(cur.key.expose(), &cur.iv, body)
            .map_err(BuildError::Crypto)?;

        // Commit.
        if let Some(k) = self.keks.iter_mut().find(|k| k.spi == spi) {
            k.last_seq = seq;
        }
        let retire_at = now.saturating_add(
            self.config
                .retain_old_kek
                .max(self.config.ack_timeout.max(MIN_ACK_TIMEOUT)),
        );
        for (k, r) in self.keks.iter_mut().zip(retire) {
            if r && k.retire_at.is_none() {
                k.retire_at = Some(retire_at);
            }
        }
        if let Some(nk) = new_kek {
            if let Some(old) = self
                .keks
                .iter_mut()
                .find(|k| k.spi == spi && k.retire_at.is_none())
            {
                old.retire_at = Some(retire_at);
            }
            if self.keks.is_full()
                && let Some(i) = self
                    .keks
                    .iter()
                    .position(|k| k.retire_at.is_some() && k.spi != spi)
            {
                self.keks.remove(i);
            }
            let _ = self.keks.push(nk);
        }
        if let Some(slot) = slot {
            let bit = 1u8 << (slot % 8);
            for m in self.members.iter_mut() {
                m.acked_slots &= !bit;
            }
            if let Some(o) = self.outstanding.get_mut(slot) {
                *o = Some(Outstanding {
                    spi,
                    seq,
                    deadline: now.saturating_add(self.config.ack_timeout.max(MIN_ACK_TIMEOUT)),
                    target,
                });
            }
        }
        Ok(Built {
            len: n,
            seq,
            kek_spi: spi,
        })
    }

    /// Processes a received ACK (see the module docs for the order of checks).
    ///
    /// # Errors
    /// [`AckError`] — discarded, nothing changed; log it.
    pub fn handle_ack<S: Symmetric + ?Sized>(
        &mut self,
        datagram: &[u8],
        crypto: &S,
    ) -> Result<AckReceived, AckError> {
        let ack = Ack::parse(datagram)?;
        let policy = self.config.ack_requested.ok_or(AckError::NotExpected)?;
        let ty = AckType::new(policy).ok_or(AckError::NotExpected)?;
        let spi = ack.header.cookies();
        let ki = self
            .keks
            .iter()
            .position(|k| k.spi == spi)
            .ok_or(AckError::UnknownGroup)?;
        let kek = self.keks.get(ki).ok_or(AckError::UnknownGroup)?;
        let mi = self
            .members
            .iter()
            .position(|m| id_matches(&m.identity, &ack.id.data))
            .ok_or(AckError::UnknownMember)?;
        let member = self.members.get(mi).ok_or(AckError::UnknownMember)?;
        let seq = ack.seq.0;
        if seq == 0 || seq > kek.last_seq {
            return Err(AckError::WrongSeq(seq));
        }
        if let Some((s, last)) = member.last_acked
            && s == spi
            && seq <= last
        {
            return Err(AckError::Duplicate(seq));
        }
        // Crypto.
        let derived;
        let key = if ty.lkh {
            let base = member.lkh_key.as_ref().ok_or(AckError::NotExpected)?;
            derived = AckKey::derive(crypto, ty, base.expose(), &spi, self.config.l_encoding);
            &derived
        } else {
            match &kek.ack_key {
                Some(k) if k.ty == ty => k,
                _ => {
                    derived =
                        AckKey::derive(crypto, ty, kek.key.expose(), &spi, self.config.l_encoding);
                    &derived
                }
            }
        };
        if !key.verify(crypto, &ack) {
            return Err(AckError::BadHash);
        }
        let cache = (!ty.lkh && kek.ack_key.is_none()).then(|| key.clone());
        // Commit.
        let mut bits = 0u8;
        for (i, o) in self.outstanding.iter().enumerate() {
            if let Some(o) = o
                && o.spi == spi
                && o.seq == seq
            {
                bits |= 1u8 << (i % 8);
            }
        }
        if let Some(m) = self.members.get_mut(mi) {
            m.last_acked = Some((spi, seq));
            m.acked_slots |= bits;
            m.missed = 0;
        }
        if let (Some(c), Some(k)) = (cache, self.keks.get_mut(ki)) {
            k.ack_key = Some(c);
        }
        let member = self.members.get(mi).map_or(MemberId(0), |m| m.id);
        Ok(AckReceived {
            member,
            seq,
            kek_spi: spi,
        })
    }

    /// The next deadline: an ACK-missing check or a retired KEK's removal.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let o = self.outstanding.iter().flatten().map(|o| o.deadline);
        let k = self.keks.iter().filter_map(|k| k.retire_at);
        o.chain(k).min()
    }

    /// Runs the deadlines due at `now`: members that did not ack a PUSH whose timeout
    /// passed get [`GcksEvent::AckMissing`] (and [`GcksEvent::MemberLost`] at
    /// `max_missed`); retired KEKs past their retention are erased.
    pub fn handle_timeout(&mut self, now: Instant) {
        for slot in 0..MAX_OUTSTANDING {
            let Some(Some(o)) = self.outstanding.get(slot).copied() else {
                continue;
            };
            if o.deadline > now {
                continue;
            }
            let bit = 1u8 << (slot % 8);
            for m in self.members.iter_mut() {
                let expected = match o.target {
                    Target::All => true,
                    Target::Member(id) => id == m.id,
                };
                let later = m.last_acked.is_some_and(|(s, q)| s == o.spi && q >= o.seq);
                let acked = m.acked_slots & bit != 0 || later;
                m.acked_slots &= !bit;
                if !expected || acked {
                    continue;
                }
                m.missed = m.missed.saturating_add(1);
                push_event(
                    &mut self.events,
                    GcksEvent::AckMissing {
                        member: m.id,
                        seq: o.seq,
                        consecutive: m.missed,
                    },
                );
                // RFC 8263 §6: not "gone" before at least one ACK was ever received.
                if m.missed == self.config.max_missed && m.last_acked.is_some() {
                    push_event(&mut self.events, GcksEvent::MemberLost { member: m.id });
                }
            }
            if let Some(s) = self.outstanding.get_mut(slot) {
                *s = None;
            }
        }
        let keep_until = |k: &GcksKek| k.retire_at.is_none_or(|t| t > now);
        self.keks.retain(keep_until);
    }

    /// The next event.
    pub fn poll_event(&mut self) -> Option<GcksEvent> {
        self.events.pop_front()
    }
}

fn push_event(q: &mut Deque<GcksEvent, MAX_EVENTS>, e: GcksEvent) {
    if q.is_full() {
        q.pop_front();
    }
    let _ = q.push_back(e);
}

fn id_matches(identity: &GmIdentity, data: &IdData<'_>) -> bool {
    identity.to_id().data == *data
}
