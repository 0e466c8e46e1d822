//! The key server: builds, signs and encrypts GROUPKEY-PUSH messages
//! ([RFC 6407 §4](https://www.rfc-editor.org/rfc/rfc6407#section-4)) and tracks the
//! acknowledgements ([RFC 8263 §5, §6](https://www.rfc-editor.org/rfc/rfc8263#section-5)).
//! Sans-IO.
//!
//! # Driving it
//! - [`Gcks::add_member`] for each registered GM (after its GROUPKEY-PULL);
//!   [`Gcks::build_push`] writes a PUSH into the caller's buffer;
//!   [`Gcks::handle_ack`] for each datagram of exchange type 35.
//! - [`Gcks::poll_timeout`] → [`Gcks::handle_timeout`] at that time →
//!   [`Gcks::poll_event`] for "ack missing" / "member lost" events.
//!
//! # ACK processing order
//! parse (header, HASH, SEQ, ID; type 34 and malformed order rejected) → ACKs enabled →
//! cookies name a KEK of this group → the ID names a member → SEQ was sent under that KEK →
//! **duplicate drop** (SEQ ≤ the member's last acked under that KEK, or the member already
//! acked under a newer KEK) — all before any crypto → HASH verified in constant time →
//! commit. Member lookup is O(1) expected (see below); a rejected ACK changes nothing.
//!
//! # Members table
//! The caller owns the storage: one [`Slot`] per member the server may hold, in anything
//! that is `AsRef<[Slot]> + AsMut<[Slot]>` — an array (`[Slot::EMPTY; 8]`) or a `&'static mut
//! [Slot]` on firmware, a [`Slot::table`] (`Box<[Slot]>`, feature `alloc`) on a server.
//! Nothing in the key server allocates. The capacity is the number of slots; adding to a
//! full table is [`GcksError::TableFull`] and changes nothing. [`MemberId`] is the slot
//! index (`u32`): stable while the member is registered, reused after
//! [`Gcks::remove_member`].
//!
//! Memory: the whole state is the table plus about 1 KiB of fixed fields;
//! [`size_of::<Slot>()`](Slot) octets per member of capacity (240 on 64-bit targets: the
//! identity, up to an ID_OID with 32 + 32 octets; the LKH leaf key, up to 64 octets; the
//! last acknowledged KEK SPI and SEQ; the per-PUSH ACK and report state; two buckets of the
//! identity index and two list links). 100,000 members take 24.0 MB. Size the table for
//! the largest group plus the members that join between two removals; the identity index
//! has two buckets per slot, so it never fills more than half way.
//!
//! Lookup by identity (each ACK, [`Gcks::add_member`]) goes through that index: open
//! addressing with linear probing over a SipHash-2-4 of the identity, keyed from the RNG at
//! construction (members cannot pick identities that collide), at most half full —
//! O(1) expected, whatever the group size. Lookup by [`MemberId`] is an index. A new member
//! goes in the slot that holds its home bucket when that slot is free, so that for most
//! members an ACK's lookup touches one slot (one cache miss in a table too large for the
//! cache); otherwise in any free slot.
//!
//! # Events
//! [`Gcks::handle_timeout`] makes one pass over the table for each PUSH whose ACK
//! deadline passed (linear in the table's capacity, no allocation; a unicast PUSH
//! only looks at its member). It records each silent member's report in the member's own
//! slot and links the member into a report list threaded through the table, so no event is
//! ever dropped and the memory is the table's: every member that did not ack a PUSH in time
//! is reported by [`Gcks::poll_event`] exactly once for that PUSH, and
//! [`GcksEvent::MemberLost`] once when its run of misses reaches `max_missed`. An ACK whose
//! `now` ([`Gcks::handle_ack`]) is at or past that PUSH's deadline does not count for it,
//! whether or not `handle_timeout` ran that deadline yet. `poll_event` is O(1) per event.
//!
//! Order: members in the order a pass first found them with an unreported miss (within a
//! pass, by [`MemberId`]; passes in deadline order); each member's reports together, its
//! oldest PUSH first; a [`GcksEvent::MemberLost`] right after the
//! [`GcksEvent::AckMissing`] that reached `max_missed`.
//!
//! A PUSH's outstanding-table entry stays taken until its deadline passed and every report
//! of it was polled: with [`MAX_OUTSTANDING`] PUSHes waiting or unreported,
//! [`Gcks::build_push`] fails with [`BuildError::TableFull`] — drain `poll_event`.
//! Removing a member discards its unreported events.

use core::time::Duration;

use heapless::Vec;
use keying_crypto::{CryptoError, Rejected, Rng, SecretBuf, Symmetric, Time};
use keying_tlv::{ChainWriter, WriteError, Writer};

use crate::DecodeError;
use crate::ack::{AckKey, AckType, LEncoding};
use crate::gm::{GmIdentity, MAX_KEK_KEY, MAX_LKH_KEY, split_kek_key};
use crate::keys::PushSigner;
use crate::push::PushBuilder;
use crate::wire::delete::{DELETE_PROTOCOL_KEK, Delete};
use crate::wire::header::{ExchangeType, FLAG_ENCRYPTION, HEADER_LEN, Header, VERSION};
use crate::wire::identification::IdData;
use crate::wire::key_download::{KdType, KeyDownload};
use crate::wire::message::{Ack, CBC_BLOCK};
use crate::wire::sa::Sa;
use crate::wire::sa_kek::KekAckRequested;
use crate::wire::seq::Seq;
use crate::wire::{PayloadType, emit};

/// The RFC 8263 §6 lower bound before an ACK may be called missing.
pub const MIN_ACK_TIMEOUT: Duration = Duration::from_secs(10);
/// KEKs kept at once (current + retired ones still needed for late ACKs).
pub const MAX_KEKS: usize = 3;
/// PUSHes whose ACKs are tracked at once (waiting for their deadline, or with reports not
/// yet polled).
pub const MAX_OUTSTANDING: usize = 8;
/// Most slots a table can use (larger tables use this many).
pub const MAX_SLOTS: usize = (u32::MAX - 1) as usize;

/// A member handle: the index of its [`Slot`]. Stable while the member is registered;
/// reused for a later member after [`Gcks::remove_member`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberId(pub u32);

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
    /// The RNG failed (keying the identity index).
    Rng(CryptoError),
}

impl core::fmt::Display for GcksError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::TableFull => f.write_str("member table full"),
            Self::Duplicate => f.write_str("a member with this identity exists"),
            Self::UnknownMember => f.write_str("no such member"),
            Self::BadKey => f.write_str("malformed KEK or LKH key"),
            Self::Rng(e) => write!(f, "random source failed: {e}"),
        }
    }
}

impl core::error::Error for GcksError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Rng(e) => Some(e),
            _ => None,
        }
    }
}

/// Why the content of a PUSH cannot be sent ([`BuildError::BadContent`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContentError {
    /// The target member is not registered.
    UnknownTarget,
    /// An SA without a KD or a KD without an SA.
    SaWithoutKd,
    /// Neither SA / KD nor a Delete: nothing to push.
    Empty,
    /// The SA KEK's KEK_ACK_REQUESTED is not the configured ack policy.
    AckPolicy,
    /// The SA KEK's SIG_ALGORITHM is not the signer's.
    SigAlgorithm,
    /// An SA KEK without its KD KEK packet.
    KekWithoutKeyPacket,
    /// A KEK_ALGORITHM_KEY that is not a 16-octet IV and a 16/24/32-octet key.
    KekAlgorithmKey,
    /// A new KEK SPI this server used before.
    KekSpiReused,
    /// The PUSH is longer than a 32-bit ISAKMP Length.
    TooLong,
    /// A TEK key longer than MAX_TEK_KEY.
    TekKeyTooLong,
    /// More than MAX_PUSH_TEKS TEKs.
    TooManyTeks,
    /// More than MAX_PUSH_DELETES KEK or TEK deletions.
    TooManyDeletes,
}

impl core::fmt::Display for ContentError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::UnknownTarget => "unknown target member",
            Self::SaWithoutKd => "SA and KD go together",
            Self::Empty => "PUSH with neither SA/KD nor Delete",
            Self::AckPolicy => "SA KEK KEK_ACK_REQUESTED ≠ policy",
            Self::SigAlgorithm => "SA KEK SIG_ALGORITHM ≠ signer",
            Self::KekWithoutKeyPacket => "SA KEK without its KD KEK packet",
            Self::KekAlgorithmKey => "bad KEK_ALGORITHM_KEY",
            Self::KekSpiReused => "KEK SPI reused",
            Self::TooLong => "PUSH too long",
            Self::TekKeyTooLong => "TEK key longer than MAX_TEK_KEY",
            Self::TooManyTeks => "more than MAX_PUSH_TEKS TEKs",
            Self::TooManyDeletes => "more than MAX_PUSH_DELETES KEK or TEK deletions",
        })
    }
}

impl core::error::Error for ContentError {}

/// Why a PUSH could not be built. Nothing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// The output buffer is too small: `needed` is the length of the whole PUSH.
    BufferTooSmall {
        /// Octets the whole PUSH needs.
        needed: usize,
    },
    /// A value of the content does not fit its wire field.
    Encoding(WriteError),
    /// Signing or encryption failed.
    Crypto(CryptoError),
    /// No current KEK (it was deleted).
    NoKek,
    /// The SEQ counter of the KEK is exhausted: roll the KEK over.
    SeqExhausted,
    /// The content is inconsistent (which rule it breaks).
    BadContent(ContentError),
    /// The KEK table or the outstanding-PUSH table is full (PUSHes still waiting for their
    /// ACK deadline, or with events not yet polled: see [`Gcks::poll_event`]).
    TableFull,
}

impl core::fmt::Display for BuildError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::BufferTooSmall { needed } => write!(
                f,
                "GROUPKEY-PUSH not built: output buffer too small ({needed} bytes needed)"
            ),
            Self::Encoding(e) => write!(f, "GROUPKEY-PUSH not built: {e}"),
            Self::Crypto(e) => write!(f, "GROUPKEY-PUSH not built: {e}"),
            Self::NoKek => f.write_str("GROUPKEY-PUSH not built: no current KEK"),
            Self::SeqExhausted => {
                f.write_str("GROUPKEY-PUSH not built: SEQ exhausted, roll the KEK over")
            }
            Self::BadContent(why) => write!(f, "GROUPKEY-PUSH not built: {why}"),
            Self::TableFull => {
                f.write_str("GROUPKEY-PUSH not built: KEK or outstanding-PUSH table full")
            }
        }
    }
}

impl From<WriteError> for BuildError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::BufferTooSmall { needed } => Self::BufferTooSmall { needed },
            e => Self::Encoding(e),
        }
    }
}

impl core::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Encoding(e) => Some(e),
            Self::Crypto(e) => Some(e),
            Self::BadContent(e) => Some(e),
            _ => None,
        }
    }
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
    /// Already acknowledged: the member acked this SEQ or a later one under this KEK, or
    /// acked under a newer KEK (dropped before any crypto).
    Duplicate(u32),
    /// HASH wrong.
    BadHash,
}

impl From<DecodeError> for AckError {
    fn from(e: DecodeError) -> Self {
        Self::Malformed(e)
    }
}

impl core::fmt::Display for AckError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Malformed(e) => write!(f, "ACK malformed: {e}"),
            Self::NotExpected => f.write_str("ACK not requested by this group"),
            Self::UnknownGroup => f.write_str("ACK under a KEK of no group here"),
            Self::UnknownMember => f.write_str("ACK from an unknown member"),
            Self::WrongSeq(seq) => write!(f, "ACK of SEQ {seq}, never sent under this KEK"),
            Self::Duplicate(seq) => write!(f, "ACK of SEQ {seq} already received"),
            Self::BadHash => f.write_str("ACK HASH does not verify"),
        }
    }
}

impl core::error::Error for AckError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Malformed(e) => Some(e),
            _ => None,
        }
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

/// Events from [`Gcks::handle_timeout`].
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

/// "No slot" in the table's links.
const NONE: u32 = u32::MAX;

struct Member {
    identity: GmIdentity,
    /// The keyed hash of `identity` (its home in the identity index).
    hash: u64,
    lkh_key: Option<SecretBuf<MAX_LKH_KEY>>,
    last_acked: Option<([u8; 16], u32)>,
    /// Bit `s`: acknowledged the PUSH of outstanding entry `s` before its deadline ran.
    acked: u8,
    /// Consecutive misses.
    missed: u8,
    /// Bit `s`: an [`GcksEvent::AckMissing`] for outstanding entry `s` not yet polled.
    pending: u8,
    /// Bit `s`: that report is followed by a [`GcksEvent::MemberLost`].
    lost: u8,
    /// The consecutive misses reported with each pending entry.
    consecutive: [u8; MAX_OUTSTANDING],
}

/// One entry of the key server's members table: a member (or nothing), plus its share of
/// the identity index and of the report list. The caller provides the storage (see the
/// module docs); the contents are private. `Debug` shows only whether it is in use.
pub struct Slot {
    member: Option<Member>,
    /// Two buckets of the identity index: 0 = empty, else slot index + 1.
    index: [u32; 2],
    next_free: u32,
    next_report: u32,
    /// In the free list (possibly taken since, by a member placed at its home: skipped
    /// when reached).
    listed_free: bool,
    /// In the report list (possibly left there by a removed member: skipped when reached).
    queued: bool,
}

impl Slot {
    /// An unused slot.
    pub const EMPTY: Self = Self {
        member: None,
        index: [0; 2],
        next_free: NONE,
        next_report: NONE,
        listed_free: false,
        queued: false,
    };

    /// A heap-allocated table of `capacity` unused slots (the only allocation; the key
    /// server itself never allocates).
    #[cfg(feature = "alloc")]
    pub fn table(capacity: usize) -> alloc::boxed::Box<[Slot]> {
        core::iter::repeat_with(|| Self::EMPTY)
            .take(capacity)
            .collect()
    }
}

impl core::fmt::Debug for Slot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Slot")
            .field("used", &self.member.is_some())
            .finish_non_exhaustive()
    }
}

struct GcksKek {
    spi: [u8; 16],
    key: SecretBuf<MAX_KEK_KEY>,
    iv: [u8; 16],
    last_seq: u32,
    retire_at: Option<Time>,
    ack_key: Option<AckKey>,
}

/// Who must ack an outstanding PUSH.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    All,
    Member(u32),
    /// A unicast PUSH whose member was removed.
    Nobody,
}

impl Expect {
    fn includes(self, slot: u32) -> bool {
        match self {
            Self::All => true,
            Self::Member(m) => m == slot,
            Self::Nobody => false,
        }
    }
}

#[derive(Clone, Copy)]
struct Outstanding {
    spi: [u8; 16],
    seq: u32,
    deadline: Time,
    expect: Expect,
    /// `None`: waiting for the deadline; `Some(n)`: deadline ran, `n` reports not polled.
    unreported: Option<u32>,
}

/// A key server for one group, owning its crypto provider `C` and signer `Sg`; `T` is the
/// members table (see the module docs).
///
/// # Example
///
/// A key server and one member sharing the KEK from their GROUPKEY-PULL: the GCKS sends a
/// PUSH with a new TEK, the member verifies it and acknowledges at once
/// ([`AckDelay::Immediate`](crate::AckDelay::Immediate)), the GCKS takes the ACK.
///
/// ```
/// use gdoi_ack::keying_crypto::rustcrypto::{HashDrbg, P256SigningKey, RustCrypto};
/// use gdoi_ack::push::{EspTek, PushBuilder, Selector};
/// use gdoi_ack::{
///     AckDelay, Delivery, EcdsaP256, Gcks, GcksConfig, GmConfig, GmIdentity, GroupMember,
///     InitialKek, KekAckRequested, KekInstall, MAX_ACK_LEN, Outcome, Slot, Target, Time,
/// };
///
/// let spi = [0x11; 16]; // KEK SPI = the PUSH cookies
/// let kek = [0x2b; 32]; // KEK_ALGORITHM_KEY: IV ‖ AES-128 key
/// let policy = Some(KekAckRequested::KekSha256);
/// let signer = P256SigningKey::from_scalar_bytes(&[0x42; 32])?;
/// let verifier = signer.verifying_key();
/// let mut rng = HashDrbg::new(b"doc example");
/// let now = Time::from_unix_secs(1_700_000_000);
///
/// // The key server, with room for 8 members, and one member.
/// let mut gcks = Gcks::new(
///     RustCrypto,
///     GcksConfig::new(policy),
///     EcdsaP256(signer),
///     InitialKek { spi, algorithm_key: &kek, last_seq: 0 },
///     [Slot::EMPTY; 8],
///     &mut rng,
/// )?;
/// let identity = GmIdentity::Ipv4([192, 0, 2, 100]);
/// gcks.add_member(identity.clone(), None)?;
///
/// let mut config = GmConfig::new(identity);
/// config.ack_delay = AckDelay::Immediate;
/// let mut gm = GroupMember::new(RustCrypto, config);
/// gm.install_kek(KekInstall {
///     spi,
///     algorithm_key: &kek,
///     last_seq: 0,
///     ack_requested: policy,
///     verifier: EcdsaP256(verifier),
/// })?;
///
/// // GCKS → group: GROUPKEY-PUSH with a new ESP TEK.
/// let group = Selector::ipv4([239, 1, 1, 1], 0);
/// let tek_key = [7; 16];
/// let push = PushBuilder::new().tek(EspTek::aes_cbc([0, 0, 0, 1], group, group, &tek_key))?;
/// let mut datagram = [0u8; 512];
/// let built = gcks.push(now, Target::All, &push, &mut rng, &mut datagram)?;
///
/// // The member verifies and applies it; `plain` then holds the decrypted keys.
/// let mut plain = [0u8; 512];
/// let outcome = gm.handle_push(now, &datagram[..built.len], Delivery::Multicast, &mut rng, &mut plain)?;
/// let Outcome::Accepted(accepted) = outcome else { unreachable!() };
/// assert_eq!(accepted.kd.and_then(|kd| kd.tek(&[0, 0, 0, 1])).and_then(|p| p.tek_algorithm_key()), Some(&tek_key[..]));
///
/// // Member → GCKS: the ACK, due now.
/// let mut ack = [0u8; MAX_ACK_LEN];
/// let n = gm.handle_timeout(now, &mut ack)?.expect("an ACK is due");
/// let received = gcks.handle_ack(now, &ack[..n])?;
/// assert_eq!((received.seq, received.kek_spi), (1, spi));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Gcks<C, Sg, T> {
    crypto: C,
    config: GcksConfig,
    signer: Sg,
    keks: Vec<GcksKek, MAX_KEKS>,
    table: T,
    /// SipHash key of the identity index.
    hash_key: (u64, u64),
    members: u32,
    free_head: u32,
    report_head: u32,
    report_tail: u32,
    /// A [`GcksEvent::MemberLost`] to return before anything else.
    lost_next: Option<MemberId>,
    outstanding: [Option<Outstanding>; MAX_OUTSTANDING],
}

impl<C, Sg, T> core::fmt::Debug for Gcks<C, Sg, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Gcks")
            .field("keks", &self.keks.len())
            .field("members", &self.members)
            .finish_non_exhaustive()
    }
}

/// The key server's first KEK: what GROUPKEY-PULL message 4 hands the members.
///
/// `Debug` shows the KEK_ALGORITHM_KEY length, not the key.
#[derive(Clone, Copy)]
pub struct InitialKek<'a> {
    /// The KEK SPI (the PUSH cookies).
    pub spi: [u8; 16],
    /// KEK_ALGORITHM_KEY: IV (16) ‖ AES key (16 / 24 / 32).
    pub algorithm_key: &'a [u8],
    /// The last SEQ used under it (0 if none).
    pub last_seq: u32,
}

impl core::fmt::Debug for InitialKek<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InitialKek")
            .field("spi", &self.spi)
            .field("algorithm_key_len", &self.algorithm_key.len())
            .field("last_seq", &self.last_seq)
            .finish()
    }
}

impl<C: Symmetric, Sg: PushSigner, T: AsRef<[Slot]> + AsMut<[Slot]>> Gcks<C, Sg, T> {
    /// A key server owning its crypto provider `crypto` (pass `&provider` to share one),
    /// signing with `signer`, whose current KEK is `kek`, with the members table `table`
    /// (any contents; every slot is reset to [`Slot::EMPTY`]; its length is the
    /// capacity). `rng` keys the identity index.
    ///
    /// # Errors
    /// [`GcksError::BadKey`]; [`GcksError::Rng`].
    pub fn new(
        crypto: C,
        config: GcksConfig,
        signer: Sg,
        kek: InitialKek<'_>,
        mut table: T,
        rng: &mut dyn Rng,
    ) -> Result<Self, GcksError> {
        let (iv, key) = split_kek_key(kek.algorithm_key).ok_or(GcksError::BadKey)?;
        let mut seed = [0u8; 16];
        rng.fill_bytes(&mut seed).map_err(GcksError::Rng)?;
        let (k0, k1) = seed.split_at(8);
        let word = |b: &[u8]| b.try_into().map(u64::from_le_bytes).unwrap_or(0);
        let mut keks = Vec::new();
        let _ = keks.push(GcksKek {
            spi: kek.spi,
            key,
            iv,
            last_seq: kek.last_seq,
            retire_at: None,
            ack_key: None,
        });
        let free_head = reset_table(table.as_mut());
        Ok(Self {
            crypto,
            config,
            signer,
            keks,
            table,
            hash_key: (word(k0), word(k1)),
            members: 0,
            free_head,
            report_head: NONE,
            report_tail: NONE,
            lost_next: None,
            outstanding: [None; MAX_OUTSTANDING],
        })
    }

    /// The crypto provider.
    pub fn crypto(&self) -> &C {
        &self.crypto
    }

    /// The current KEK SPI and last used SEQ (for PULL message 4).
    pub fn current(&self) -> Option<([u8; 16], u32)> {
        self.current_kek().map(|k| (k.spi, k.last_seq))
    }

    fn current_kek(&self) -> Option<&GcksKek> {
        self.keks.iter().rev().find(|k| k.retire_at.is_none())
    }

    /// The number of slots in use at most (the table's length, up to [`MAX_SLOTS`]).
    pub fn capacity(&self) -> usize {
        self.table.as_ref().len().min(MAX_SLOTS)
    }

    /// Registers a member (after its GROUPKEY-PULL). `lkh_key` is its LKH leaf key (IV
    /// stripped) for the LKH ACK types. Amortised O(1).
    ///
    /// # Errors
    /// [`GcksError::TableFull`] when every slot is in use; [`GcksError::Duplicate`];
    /// [`GcksError::BadKey`]. Nothing changes on error.
    pub fn add_member(
        &mut self,
        identity: GmIdentity,
        lkh_key: Option<&[u8]>,
    ) -> Result<MemberId, GcksError> {
        let cap = self.capacity();
        let id = identity.to_id();
        let hash = id_hash(self.hash_key, &id.data).ok_or(GcksError::BadKey)?;
        let slots = self.table.as_mut();
        if find(slots, cap, hash, &id.data).is_some() {
            return Err(GcksError::Duplicate);
        }
        let lkh_key = match lkh_key {
            Some(k) => Some(SecretBuf::from_slice(k).map_err(|_| GcksError::BadKey)?),
            None => None,
        };
        if self.members as usize >= cap {
            return Err(GcksError::TableFull);
        }
        // The slot of the member's home bucket if it is free (then an ACK's lookup finds
        // bucket and member in one slot: one cache miss, not two), else the free list's.
        let home_slot = home(hash, buckets(cap)) / 2;
        let i = match slots.get(home_slot) {
            Some(s) if s.member.is_none() => u32::try_from(home_slot).unwrap_or(NONE),
            _ => pop_free(slots, &mut self.free_head),
        };
        let Some(slot) = slots.get_mut(i as usize) else {
            return Err(GcksError::TableFull);
        };
        slot.member = Some(Member {
            identity,
            hash,
            lkh_key,
            last_acked: None,
            acked: 0,
            missed: 0,
            pending: 0,
            lost: 0,
            consecutive: [0; MAX_OUTSTANDING],
        });
        insert(slots, cap, hash, i);
        self.members += 1;
        Ok(MemberId(i))
    }

    /// Removes a member, with its unreported events. O(1) expected.
    ///
    /// # Errors
    /// [`GcksError::UnknownMember`].
    pub fn remove_member(&mut self, id: MemberId) -> Result<(), GcksError> {
        let cap = self.capacity();
        let slots = self.table.as_mut();
        let m = slot_member(slots, id.0).ok_or(GcksError::UnknownMember)?;
        let (b, _) =
            find(slots, cap, m.hash, &m.identity.to_id().data).ok_or(GcksError::UnknownMember)?;
        let pending = m.pending;
        remove_bucket(slots, cap, b);
        if let Some(s) = slots.get_mut(id.0 as usize) {
            // Still linked in the report list, if it was: skipped when reached.
            s.member = None;
            if !s.listed_free {
                s.listed_free = true;
                s.next_free = self.free_head;
                self.free_head = id.0;
            }
        }
        self.members -= 1;
        for (s, o) in self.outstanding.iter_mut().enumerate() {
            if let Some(out) = o.as_mut()
                && out.expect == Expect::Member(id.0)
            {
                out.expect = Expect::Nobody;
            }
            if pending & bit(s) != 0 {
                release(o);
            }
        }
        if self.lost_next == Some(id) {
            self.lost_next = None;
        }
        Ok(())
    }

    /// Number of members.
    pub fn member_count(&self) -> usize {
        self.members as usize
    }

    /// The member with this identity. O(1) expected.
    pub fn find_member(&self, identity: &GmIdentity) -> Option<MemberId> {
        let id = identity.to_id();
        let hash = id_hash(self.hash_key, &id.data)?;
        find(self.table.as_ref(), self.capacity(), hash, &id.data).map(|(_, i)| MemberId(i))
    }

    /// A member's last acknowledged (KEK SPI, SEQ).
    pub fn last_acked(&self, id: MemberId) -> Option<([u8; 16], u32)> {
        slot_member(self.table.as_ref(), id.0)?.last_acked
    }

    /// Builds the next GROUPKEY-PUSH into `out` at `now` (the ACK deadline and the
    /// retention of replaced KEKs count from it): SEQ = last + 1 under the current KEK,
    /// `content`, SIG over `"rekey" ‖ HDR (E set, unpadded Length) ‖ payloads`, zero
    /// padding to the AES block, AES-CBC with the KEK's static IV. An SA KEK in `content`
    /// (with its KD KEK packet) makes that KEK current after this PUSH (its SEQ restarts);
    /// a KEK Delete retires the named KEK (kept `retain_old_kek` for late ACKs). `rng` is
    /// the signer's (RSA blinding, …). Typed content: [`Gcks::push`].
    ///
    /// # Errors
    /// [`BuildError`]; the counter and tables are unchanged. A short `out` is
    /// [`BuildError::BufferTooSmall`] with the length of the whole PUSH.
    pub fn build_push(
        &mut self,
        now: Time,
        target: Target,
        content: &PushContent<'_>,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<Built, BuildError> {
        let plan = self.plan_push(target, content)?;
        let layout = emit_push(&plan, content, self.signer.signature_len(), out)?;
        self.sign_and_encrypt(&layout, rng, out)?;
        let (seq, kek_spi) = (plan.seq, plan.spi);
        self.commit_push(now, plan);
        Ok(Built {
            len: layout.len,
            seq,
            kek_spi,
        })
    }

    /// [`Gcks::build_push`] with typed content: the PUSH `push` describes.
    ///
    /// # Errors
    /// As [`Gcks::build_push`], and [`PushBuilder::with_content`]'s.
    pub fn push(
        &mut self,
        now: Time,
        target: Target,
        push: &PushBuilder<'_>,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<Built, BuildError> {
        push.with_content(|c| self.build_push(now, target, c, rng, out))?
    }

    /// The checks of [`Gcks::build_push`] and what it will change, into locals.
    fn plan_push(&self, target: Target, content: &PushContent<'_>) -> Result<PushPlan, BuildError> {
        let cur = self.current_kek().ok_or(BuildError::NoKek)?;
        let seq = cur
            .last_seq
            .checked_add(1)
            .ok_or(BuildError::SeqExhausted)?;
        let spi = cur.spi;
        let expect = match target {
            Target::All => Expect::All,
            Target::Member(id) if slot_member(self.table.as_ref(), id.0).is_some() => {
                Expect::Member(id.0)
            }
            Target::Member(_) => return Err(BuildError::BadContent(ContentError::UnknownTarget)),
        };
        if content.sa.is_some() != content.kd.is_some() {
            return Err(BuildError::BadContent(ContentError::SaWithoutKd));
        }
        if content.sa.is_none() && content.deletes.is_empty() {
            return Err(BuildError::BadContent(ContentError::Empty));
        }
        let new_kek = self.rollover(content)?;
        if new_kek.is_some()
            && self.keks.is_full()
            && !self
                .keks
                .iter()
                .any(|k| k.retire_at.is_some() && k.spi != spi)
        {
            // No retired KEK to drop for the new one.
            return Err(BuildError::TableFull);
        }
        let slot = match self.config.ack_requested {
            Some(_) => Some(
                self.outstanding
                    .iter()
                    .position(Option::is_none)
                    .ok_or(BuildError::TableFull)?,
            ),
            None => None,
        };
        Ok(PushPlan {
            seq,
            spi,
            expect,
            new_kek,
            retire: self.retired_by(content.deletes),
            slot,
        })
    }

    /// The new KEK of an SA KEK in `content` (with its KD KEK packet), checked.
    fn rollover(&self, content: &PushContent<'_>) -> Result<Option<GcksKek>, BuildError> {
        let (Some(sa), Some(kd)) = (&content.sa, &content.kd) else {
            return Ok(None);
        };
        let Some(sak) = &sa.kek else {
            return Ok(None);
        };
        if sak.ack_requested() != self.config.ack_requested {
            return Err(BuildError::BadContent(ContentError::AckPolicy));
        }
        if sak.sig_algorithm() != Some(self.signer.algorithm()) {
            return Err(BuildError::BadContent(ContentError::SigAlgorithm));
        }
        let p = kd
            .packets
            .iter()
            .find(|p| p.kd_type == KdType::Kek && p.spi == sak.spi)
            .ok_or(BuildError::BadContent(ContentError::KekWithoutKeyPacket))?;
        let (iv, key) = p
            .kek_algorithm_key()
            .and_then(split_kek_key)
            .ok_or(BuildError::BadContent(ContentError::KekAlgorithmKey))?;
        if self.keks.iter().any(|k| k.spi == sak.spi) {
            return Err(BuildError::BadContent(ContentError::KekSpiReused));
        }
        Ok(Some(GcksKek {
            spi: sak.spi,
            key,
            iv,
            last_seq: 0,
            retire_at: None,
            ack_key: None,
        }))
    }

    /// Entry `i`: KEK `i` is named by a KEK Delete of `deletes`.
    fn retired_by(&self, deletes: &[Delete<'_>]) -> [bool; MAX_KEKS] {
        let mut retire = [false; MAX_KEKS];
        for d in deletes
            .iter()
            .filter(|d| d.protocol_id == DELETE_PROTOCOL_KEK)
        {
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
        retire
    }

    /// Signs the emitted PUSH over its header with the unpadded length, then restores the
    /// padded length and encrypts the chain with the current KEK.
    fn sign_and_encrypt(
        &self,
        l: &PushLayout,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<(), BuildError> {
        let n = l.len;
        let short = BuildError::BufferTooSmall { needed: n };
        let padded_len =
            u32::try_from(n).map_err(|_| BuildError::BadContent(ContentError::TooLong))?;
        let unpadded_len =
            u32::try_from(l.unpadded).map_err(|_| BuildError::BadContent(ContentError::TooLong))?;
        let (head, rest) = out.split_at_mut_checked(l.sig_at + 4).ok_or(short)?;
        if let Some(f) = head.get_mut(24..28) {
            f.copy_from_slice(&unpadded_len.to_be_bytes());
        }
        let (hdr, signed) = head.split_at_checked(HEADER_LEN).ok_or(short)?;
        let signed = signed.get(..l.sig_at - HEADER_LEN).unwrap_or_default();
        let sig_out = rest.get_mut(..l.sig_len).unwrap_or_default();
        self.signer
            .sign(rng, &[b"rekey", hdr, signed], sig_out)
            .map_err(BuildError::Crypto)?;
        if let Some(f) = out.get_mut(24..28) {
            f.copy_from_slice(&padded_len.to_be_bytes());
        }
        let cur = self.current_kek().ok_or(BuildError::NoKek)?;
        let body = out.get_mut(HEADER_LEN..n).unwrap_or_default();
        self.crypto
            .aes_cbc_encrypt(cur.key.expose(), &cur.iv, body)
            .map_err(BuildError::Crypto)
    }

    /// Applies a built PUSH: the SEQ counter, retired and new KEKs, the ACK deadline.
    fn commit_push(&mut self, now: Time, plan: PushPlan) {
        let PushPlan {
            seq,
            spi,
            expect,
            new_kek,
            retire,
            slot,
        } = plan;
        if let Some(k) = self.keks.iter_mut().find(|k| k.spi == spi) {
            k.last_seq = seq;
        }
        let ack_timeout = self.config.ack_timeout.max(MIN_ACK_TIMEOUT);
        let retire_at = now.saturating_add(self.config.retain_old_kek.max(ack_timeout));
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
        // (No member holds this entry's bits: a deadline's pass cleared its `acked` bits,
        // and the entry is free only once every report of it was polled.)
        if let Some(o) = slot.and_then(|s| self.outstanding.get_mut(s)) {
            *o = Some(Outstanding {
                spi,
                seq,
                deadline: now.saturating_add(ack_timeout),
                expect,
                unreported: None,
            });
        }
    }

    /// Processes an ACK received at `now` (see the module docs for the order of checks).
    ///
    /// `now` decides lateness the same way whether or not [`Gcks::handle_timeout`] already
    /// ran: an ACK counts for a PUSH only if it arrives strictly before that PUSH's ACK
    /// deadline (a later one is still accepted — it updates the member's last acked SEQ
    /// and resets its run of misses — but the PUSH will be reported missing), and a retired
    /// KEK whose retention ended at or before `now` is gone ([`AckError::UnknownGroup`]).
    ///
    /// # Errors
    /// [`Rejected`] with an [`AckError`], never a reply — discarded, nothing changed; log
    /// it.
    pub fn handle_ack(
        &mut self,
        now: Time,
        datagram: &[u8],
    ) -> Result<AckReceived, Rejected<AckError>> {
        self.ack(now, datagram).map_err(Rejected::silent)
    }

    fn ack(&mut self, now: Time, datagram: &[u8]) -> Result<AckReceived, AckError> {
        let ack = Ack::parse(datagram)?;
        let policy = self.config.ack_requested.ok_or(AckError::NotExpected)?;
        let ty = AckType::new(policy).ok_or(AckError::NotExpected)?;
        let spi = ack.header.cookies();
        let ki = self
            .keks
            .iter()
            .position(|k| k.spi == spi && k.retire_at.is_none_or(|t| t > now))
            .ok_or(AckError::UnknownGroup)?;
        let kek = self.keks.get(ki).ok_or(AckError::UnknownGroup)?;
        let slots = self.table.as_ref();
        let (_, mi) = id_hash(self.hash_key, &ack.id.data)
            .and_then(|h| find(slots, self.capacity(), h, &ack.id.data))
            .ok_or(AckError::UnknownMember)?;
        let member = slot_member(slots, mi).ok_or(AckError::UnknownMember)?;
        let seq = ack.seq.0;
        if seq == 0 || seq > kek.last_seq {
            return Err(AckError::WrongSeq(seq));
        }
        // Already acked: this SEQ or a later one under this KEK, or anything under a newer
        // KEK (the table holds KEKs oldest first) — a replay, whatever its HASH.
        if let Some((s, last)) = member.last_acked
            && ((s == spi && seq <= last) || self.keks.iter().skip(ki + 1).any(|k| k.spi == s))
        {
            return Err(AckError::Duplicate(seq));
        }
        let cache = self.verify_ack_hash(ty, ki, member, &ack)?;
        // Commit.
        // This ACK answers every PUSH up to `seq` under that KEK whose deadline is still
        // ahead (an earlier SEQ can no longer be acked: it would be a duplicate).
        let mut bits = 0u8;
        for (s, o) in self.outstanding.iter().enumerate() {
            if let Some(o) = o
                && o.unreported.is_none()
                && o.deadline > now
                && o.spi == spi
                && o.seq <= seq
                && o.expect.includes(mi)
            {
                bits |= bit(s);
            }
        }
        if let Some(m) = slot_member_mut(self.table.as_mut(), mi) {
            m.last_acked = Some((spi, seq));
            m.acked |= bits;
            m.missed = 0;
        }
        if let (Some(c), Some(k)) = (cache, self.keks.get_mut(ki)) {
            k.ack_key = Some(c);
        }
        Ok(AckReceived {
            member: MemberId(mi),
            seq,
            kek_spi: spi,
        })
    }

    /// Checks an ACK's HASH (constant time); returns the KEK's ack key to cache, if it was
    /// derived now.
    fn verify_ack_hash(
        &self,
        ty: AckType,
        ki: usize,
        member: &Member,
        ack: &Ack<'_>,
    ) -> Result<Option<AckKey>, AckError> {
        let kek = self.keks.get(ki).ok_or(AckError::UnknownGroup)?;
        let l = self.config.l_encoding;
        let derived;
        let key = if ty.lkh {
            let base = member.lkh_key.as_ref().ok_or(AckError::NotExpected)?;
            derived = AckKey::derive(&self.crypto, ty, base.expose(), &kek.spi, l);
            &derived
        } else {
            match &kek.ack_key {
                Some(k) if k.ty == ty => k,
                _ => {
                    derived = AckKey::derive(&self.crypto, ty, kek.key.expose(), &kek.spi, l);
                    &derived
                }
            }
        };
        if !key.verify(&self.crypto, ack) {
            return Err(AckError::BadHash);
        }
        Ok((!ty.lkh && kek.ack_key.is_none()).then(|| key.clone()))
    }

    /// The next deadline: an ACK-missing check or a retired KEK's removal.
    pub fn poll_timeout(&self) -> Option<Time> {
        let o = self
            .outstanding
            .iter()
            .flatten()
            .filter(|o| o.unreported.is_none())
            .map(|o| o.deadline);
        let k = self.keks.iter().filter_map(|k| k.retire_at);
        o.chain(k).min()
    }

    /// Runs the deadlines due at `now`, oldest first: each PUSH whose ACK timeout passed
    /// gets one pass over the members it expected, recording a report for each that did not
    /// ack it (and a [`GcksEvent::MemberLost`] at `max_missed`) for
    /// [`Gcks::poll_event`]; retired KEKs past their retention are erased. Linear in
    /// the table, no allocation.
    pub fn handle_timeout(&mut self, now: Time) {
        while let Some(s) = self.next_due(now) {
            self.run_deadline(s);
        }
        let keep_until = |k: &GcksKek| k.retire_at.is_none_or(|t| t > now);
        self.keks.retain(keep_until);
    }

    fn next_due(&self, now: Time) -> Option<usize> {
        let due = |(s, o): (usize, &Option<Outstanding>)| {
            o.filter(|o| o.unreported.is_none() && o.deadline <= now)
                .map(|o| (o.deadline, o.seq, s))
        };
        let first = self.outstanding.iter().enumerate().filter_map(due).min();
        first.map(|(_, _, s)| s)
    }

    /// The pass of outstanding entry `s`, whose deadline passed.
    fn run_deadline(&mut self, s: usize) {
        let Some(o) = self.outstanding.get(s).copied().flatten() else {
            return;
        };
        let b = bit(s);
        let members = match o.expect {
            Expect::All => 0..u32::try_from(self.capacity()).unwrap_or(NONE),
            Expect::Member(m) => m..m.saturating_add(1),
            Expect::Nobody => 0..0,
        };
        let max_missed = self.config.max_missed;
        let slots = self.table.as_mut();
        let mut unreported = 0u32;
        for i in members {
            let Some(m) = slot_member_mut(slots, i) else {
                continue;
            };
            let acked = m.acked & b != 0;
            m.acked &= !b;
            if acked {
                continue;
            }
            let missed = m.missed.saturating_add(1);
            m.missed = missed;
            m.pending |= b;
            if let Some(c) = m.consecutive.get_mut(s) {
                *c = missed;
            }
            // RFC 8263 §6: not "gone" before at least one ACK was ever received.
            if missed == max_missed && m.last_acked.is_some() {
                m.lost |= b;
            }
            unreported += 1;
            enqueue(slots, &mut self.report_head, &mut self.report_tail, i);
        }
        if let Some(e) = self.outstanding.get_mut(s) {
            *e = (unreported > 0).then_some(Outstanding {
                unreported: Some(unreported),
                ..o
            });
        }
    }

    /// The next event (see the module docs for their order). O(1).
    pub fn poll_event(&mut self) -> Option<GcksEvent> {
        if let Some(member) = self.lost_next.take() {
            return Some(GcksEvent::MemberLost { member });
        }
        loop {
            let head = self.report_head;
            if head == NONE {
                return None;
            }
            let slots = self.table.as_mut();
            let outstanding = &self.outstanding;
            // The member's oldest unreported PUSH.
            let oldest = slot_member(slots, head).and_then(|m| {
                (0..MAX_OUTSTANDING)
                    .filter(|&s| m.pending & bit(s) != 0)
                    .filter_map(|s| {
                        let o = outstanding.get(s).copied().flatten()?;
                        Some((o.deadline, o.seq, s))
                    })
                    .min()
            });
            let Some((_, seq, s)) = oldest else {
                // Nothing (left) to report here, or a removed member: unlink it.
                if let Some(m) = slot_member_mut(slots, head) {
                    m.pending = 0;
                }
                dequeue(slots, &mut self.report_head, &mut self.report_tail);
                continue;
            };
            let b = bit(s);
            let (consecutive, lost, done) = match slot_member_mut(slots, head) {
                Some(m) => {
                    m.pending &= !b;
                    let lost = m.lost & b != 0;
                    m.lost &= !b;
                    let c = m.consecutive.get(s).copied().unwrap_or(0);
                    (c, lost, m.pending == 0)
                }
                None => (0, false, true),
            };
            if done {
                dequeue(slots, &mut self.report_head, &mut self.report_tail);
            }
            if let Some(o) = self.outstanding.get_mut(s) {
                release(o);
            }
            let member = MemberId(head);
            if lost {
                self.lost_next = Some(member);
            }
            return Some(GcksEvent::AckMissing {
                member,
                seq,
                consecutive,
            });
        }
    }
}

/// What [`Gcks::build_push`] will change once the PUSH is built.
struct PushPlan {
    seq: u32,
    spi: [u8; 16],
    expect: Expect,
    new_kek: Option<GcksKek>,
    retire: [bool; MAX_KEKS],
    slot: Option<usize>,
}

/// Where the parts of an emitted (not yet signed) PUSH are.
struct PushLayout {
    /// The whole padded PUSH.
    len: usize,
    /// The SIG payload's generic header.
    sig_at: usize,
    sig_len: usize,
    /// The end of the chain before padding.
    unpadded: usize,
}

/// Writes `HDR, SEQ, D*, [SA, KD,] SIG` with a zeroed signature and zero padding to the
/// AES block.
fn emit_push(
    plan: &PushPlan,
    content: &PushContent<'_>,
    sig_len: usize,
    out: &mut [u8],
) -> Result<PushLayout, BuildError> {
    let (ic, rc) = Header::split_cookies(&plan.spi);
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
    emit(&Seq(plan.seq), &mut chain, &mut w);
    for d in content.deletes {
        emit(d, &mut chain, &mut w);
    }
    if let Some(sa) = &content.sa {
        emit(sa, &mut chain, &mut w);
    }
    if let Some(kd) = &content.kd {
        emit(kd, &mut chain, &mut w);
    }
    let sig_at = w.position();
    let p = chain.begin_isakmp(&mut w, PayloadType::Sig.to_wire());
    w.zeros(sig_len);
    chain.end_isakmp(&mut w, p);
    let unpadded = w.position();
    w.zeros((CBC_BLOCK - (unpadded - HEADER_LEN) % CBC_BLOCK) % CBC_BLOCK);
    w.close_len(len_field);
    let len = w.finish()?;
    Ok(PushLayout {
        len,
        sig_at,
        sig_len,
        unpadded,
    })
}

/// Empties every slot and threads the usable ones into the free list; returns its head.
fn reset_table(slots: &mut [Slot]) -> u32 {
    let cap = slots.len().min(MAX_SLOTS);
    for (i, s) in slots.iter_mut().enumerate() {
        *s = Slot::EMPTY;
        if i < cap {
            s.listed_free = true;
            s.next_free = u32::try_from(i + 1)
                .ok()
                .filter(|&n| (n as usize) < cap)
                .unwrap_or(NONE);
        }
    }
    if cap > 0 { 0 } else { NONE }
}

/// The bit of outstanding entry `s` in a member's `acked` / `pending` / `lost`.
const fn bit(s: usize) -> u8 {
    1 << (s % MAX_OUTSTANDING)
}

/// One report of an outstanding entry was polled (or its member removed): the entry is
/// free once none is left.
fn release(o: &mut Option<Outstanding>) {
    if let Some(Outstanding {
        unreported: Some(n),
        ..
    }) = o
    {
        *n = n.saturating_sub(1);
        if *n == 0 {
            *o = None;
        }
    }
}

fn slot_member(slots: &[Slot], i: u32) -> Option<&Member> {
    slots.get(usize::try_from(i).ok()?)?.member.as_ref()
}

fn slot_member_mut(slots: &mut [Slot], i: u32) -> Option<&mut Member> {
    slots.get_mut(usize::try_from(i).ok()?)?.member.as_mut()
}

/// Takes a free slot from the free list, dropping the entries taken meanwhile by members
/// placed at their home (each is dropped once: amortised O(1)). `NONE` if none is left.
fn pop_free(slots: &mut [Slot], head: &mut u32) -> u32 {
    while *head != NONE {
        let i = *head;
        let Some(s) = usize::try_from(i).ok().and_then(|h| slots.get_mut(h)) else {
            break;
        };
        *head = core::mem::replace(&mut s.next_free, NONE);
        s.listed_free = false;
        if s.member.is_none() {
            return i;
        }
    }
    NONE
}

/// Appends slot `i` to the report list (unless it is in it).
fn enqueue(slots: &mut [Slot], head: &mut u32, tail: &mut u32, i: u32) {
    let Some(s) = usize::try_from(i).ok().and_then(|i| slots.get_mut(i)) else {
        return;
    };
    if s.queued {
        return;
    }
    s.queued = true;
    s.next_report = NONE;
    match usize::try_from(*tail).ok().and_then(|t| slots.get_mut(t)) {
        Some(t) if *tail != NONE => t.next_report = i,
        _ => *head = i,
    }
    *tail = i;
}

/// Unlinks the head of the report list.
fn dequeue(slots: &mut [Slot], head: &mut u32, tail: &mut u32) {
    let next = match usize::try_from(*head).ok().and_then(|h| slots.get_mut(h)) {
        Some(s) => {
            s.queued = false;
            core::mem::replace(&mut s.next_report, NONE)
        }
        None => NONE,
    };
    *head = next;
    if next == NONE {
        *tail = NONE;
    }
}

/// The keyed hash of an identity; `None` for ID types a member cannot have.
// `core::hash::SipHasher` (SipHash-2-4) is deprecated only in favour of std's
// `DefaultHasher`, which a `no_std` crate cannot use; it is keyed and stable.
#[allow(deprecated)]
fn id_hash(key: (u64, u64), id: &IdData<'_>) -> Option<u64> {
    use core::hash::Hasher;
    let mut h = core::hash::SipHasher::new_with_keys(key.0, key.1);
    match *id {
        IdData::Ipv4(a) => {
            h.write_u8(1);
            h.write(&a);
        }
        IdData::Ipv6(a) => {
            h.write_u8(2);
            h.write(&a);
        }
        IdData::Oid { oid, payload } => {
            h.write_u8(3);
            h.write_usize(oid.len());
            h.write(oid);
            h.write(payload);
        }
        IdData::Other { .. } => return None,
    }
    Some(h.finish())
}

/// The identity index: `2 × capacity` buckets, bucket `b` in slot `b / 2`.
fn buckets(cap: usize) -> usize {
    cap.saturating_mul(2)
}

/// A hash's home bucket (the high bits of `hash × n`).
fn home(hash: u64, n: usize) -> usize {
    let n64 = u64::try_from(n).unwrap_or(u64::MAX);
    let h = (u128::from(hash) * u128::from(n64)) >> 64;
    usize::try_from(h).unwrap_or(0)
}

fn next_bucket(b: usize, n: usize) -> usize {
    if b + 1 >= n { 0 } else { b + 1 }
}

fn bucket(slots: &[Slot], b: usize) -> u32 {
    slots
        .get(b / 2)
        .and_then(|s| s.index.get(b % 2))
        .copied()
        .unwrap_or(0)
}

fn set_bucket(slots: &mut [Slot], b: usize, v: u32) {
    if let Some(x) = slots.get_mut(b / 2).and_then(|s| s.index.get_mut(b % 2)) {
        *x = v;
    }
}

/// The bucket and slot of the member with identity `id` (hash `hash`).
fn find(slots: &[Slot], cap: usize, hash: u64, id: &IdData<'_>) -> Option<(usize, u32)> {
    let n = buckets(cap);
    if n == 0 {
        return None;
    }
    let mut b = home(hash, n);
    // At most half the buckets are full: an empty one ends every probe.
    for _ in 0..n {
        let i = bucket(slots, b).checked_sub(1)?;
        if let Some(m) = slot_member(slots, i)
            && m.hash == hash
            && m.identity.to_id().data == *id
        {
            return Some((b, i));
        }
        b = next_bucket(b, n);
    }
    None
}

/// Indexes slot `i` (hash `hash`; not indexed yet).
fn insert(slots: &mut [Slot], cap: usize, hash: u64, i: u32) {
    let n = buckets(cap);
    let mut b = home(hash, n);
    for _ in 0..n {
        if bucket(slots, b) == 0 {
            set_bucket(slots, b, i + 1);
            return;
        }
        b = next_bucket(b, n);
    }
}

/// Empties bucket `b`, shifting back the entries after it that may not stay behind the
/// gap (linear probing without tombstones).
fn remove_bucket(slots: &mut [Slot], cap: usize, b: usize) {
    let n = buckets(cap);
    let mut hole = b;
    let mut j = b;
    for _ in 0..n {
        j = next_bucket(j, n);
        let v = bucket(slots, j);
        let Some(h) = v
            .checked_sub(1)
            .and_then(|i| slot_member(slots, i))
            .map(|m| home(m.hash, n))
        else {
            break;
        };
        // The entry at `j` may move into the hole if the hole lies on its probe path,
        // i.e. cyclically in [home, j).
        if (hole + n - h) % n < (j + n - h) % n {
            set_bucket(slots, hole, v);
            hole = j;
        }
    }
    set_bucket(slots, hole, 0);
}
