//! The group member: GROUPKEY-PUSH verification and the ACK
//! ([RFC 6407 §4.4](https://www.rfc-editor.org/rfc/rfc6407#section-4.4),
//! [RFC 8263 §4](https://www.rfc-editor.org/rfc/rfc8263#section-4)). Sans-IO.
//!
//! # Driving it
//! - **Input:** [`GroupMember::install_kek`] with what the GROUPKEY-PULL delivered (KEK SPI,
//!   IV ‖ key, the SEQ of message 4, KEK_ACK_REQUESTED, the GCKS verification key); then
//!   [`GroupMember::handle_push`] for every datagram on the rekey port.
//! - **Output:** `handle_push` returns views of the accepted PUSH's SA / KD / Delete
//!   payloads (the TEK and KEK keys) inside the caller's output buffer `out`, and schedules the
//!   ACK. [`GroupMember::poll_timeout`] gives the next ACK send time;
//!   [`GroupMember::handle_timeout`] writes each due ACK into the caller's buffer.
//! - **Time:** the caller passes `now`; nothing here reads a clock.
//!
//! # Processing order (each step rejects without touching state)
//! 1. header: version 0x10, exchange 33 (34 rejected as such), flags exactly E,
//!    Message ID 0, Length = datagram, whole AES blocks; cookies name an installed KEK;
//! 2. AES-CBC decrypt with that KEK's static IV into `out`;
//! 3. payload chain: `SEQ, [D,] SA, KD, SIG` (or `SEQ, D+, SIG`), padding < 16 octets;
//! 4. SEQ > last SEQ of that KEK (0 never valid) — before the signature, it is cheap;
//! 5. signature over `"rekey" ‖ HDR ‖ payloads before SIG`, HDR with E set and Length =
//!    28 + the unpadded chain (optionally retried with the wire Length);
//! 6. D / SA / KD checked and the new state computed into locals (KEK algorithm AES-CBC,
//!    SIG algorithm = the configured key's, no unknown KEK attribute, a KD KEK packet for a
//!    new SAK, a KD TEK packet for each ESP/AH SAT, no SID packet, capacity);
//! 7. commit: last SEQ, deleted and new KEKs, ack policy — one infallible step;
//! 8. ACK (if the most recent SA KEK asks for one): built with the ack key of the KEK that
//!    protected this PUSH, also when the PUSH deletes that KEK.

use core::time::Duration;

use heapless::{Deque, Vec};
use keying_crypto::{CryptoError, HashAlg, Rejected, Rng, SecretBuf, Symmetric, Time};
use keying_tlv::{WriteError, Writer};

use crate::DecodeError;
use crate::ack::{AckKey, AckType, LEncoding};
use crate::keys::PushVerifier;
use crate::wire::delete::DELETE_PROTOCOL_KEK;
use crate::wire::header::{HEADER_LEN, Header};
use crate::wire::identification::{IdData, Identification};
use crate::wire::key_download::{KdType, KeyDownload};
use crate::wire::message::{CBC_BLOCK, Deletes, PushPayloads, parse_push_header};
use crate::wire::sa::Sa;
use crate::wire::sa_kek::{KekAckRequested, KekAlgorithm, SaKek};
use crate::wire::sa_tek::TekBody;
use crate::wire::seq::Seq;

/// Longest ACK: header + HASH(64) + SEQ + ID (≤ 8 + 3 + 32 + 32 for an OID).
pub const MAX_ACK_LEN: usize = 256;
/// The RFC 8263 §6 upper bound on ACK jitter.
pub const MAX_ACK_JITTER: Duration = Duration::from_secs(5);
/// Largest KEK key (AES-256); the IV is 16 octets.
pub const MAX_KEK_KEY: usize = 32;
/// Largest LKH leaf key (IV + AES-256 key).
pub const MAX_LKH_KEY: usize = 64;
/// Pending ACKs kept at once. Nothing queued is ever dropped: a PUSH accepted while this
/// many ACKs wait (more than four PUSHes within the jitter window) is applied, and its ACK
/// is reported as [`AckStatus::QueueFull`] instead of queued.
pub const MAX_PENDING_ACKS: usize = 4;

/// Why a PUSH was rejected. A rejected PUSH changed nothing and produced no ACK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PushError {
    /// Header or payloads malformed (includes exchange type 34 and wrong flags).
    Malformed(DecodeError),
    /// The cookies name no installed KEK.
    UnknownKek,
    /// The output buffer is smaller than the ciphertext.
    BufferTooSmall {
        /// Octets needed: the ciphertext length (datagram − 28).
        needed: usize,
    },
    /// Decryption failed (bad key state).
    Decrypt(CryptoError),
    /// SEQ 0 (never valid in a PUSH).
    SeqZero,
    /// SEQ not greater than the last accepted for this KEK.
    Replay {
        /// The received SEQ.
        seq: u32,
        /// The last accepted SEQ.
        last: u32,
    },
    /// The signature did not verify.
    BadSignature,
    /// The content is not acceptable (which rule it breaks).
    Policy(PolicyViolation),
    /// The KEK table would overflow.
    TableFull,
}

impl From<DecodeError> for PushError {
    fn from(e: DecodeError) -> Self {
        Self::Malformed(e)
    }
}

impl core::fmt::Display for PushError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Malformed(e) => write!(f, "GROUPKEY-PUSH malformed: {e}"),
            Self::UnknownKek => f.write_str("GROUPKEY-PUSH under a KEK this member does not hold"),
            Self::BufferTooSmall { needed } => {
                write!(f, "output buffer too small ({needed} bytes needed)")
            }
            Self::Decrypt(e) => write!(f, "GROUPKEY-PUSH decryption failed: {e}"),
            Self::SeqZero => f.write_str("GROUPKEY-PUSH with SEQ 0"),
            Self::Replay { seq, last } => {
                write!(f, "GROUPKEY-PUSH replayed: SEQ {seq}, last accepted {last}")
            }
            Self::BadSignature => f.write_str("GROUPKEY-PUSH signature does not verify"),
            Self::Policy(why) => write!(f, "GROUPKEY-PUSH refused by policy: {why}"),
            Self::TableFull => f.write_str("KEK table full"),
        }
    }
}

impl core::error::Error for PushError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Malformed(e) => Some(e),
            Self::Decrypt(e) => Some(e),
            Self::Policy(e) => Some(e),
            _ => None,
        }
    }
}

/// Why the content of an authentic PUSH is not acceptable ([`PushError::Policy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyViolation {
    /// The PUSH is longer than a 32-bit ISAKMP Length.
    TooLong,
    /// A SID key packet (RFC 6407 §5.6.4: PULL only).
    SidKeyPacket,
    /// An LKH_DOWNLOAD_ARRAY in a multicast PUSH (its leaf keys are per member).
    LkhDownloadArrayMulticast,
    /// An SA payload without a KD payload.
    SaWithoutKd,
    /// An ESP / AH SA TEK without its TEK key packet.
    TekWithoutKeyPacket,
    /// A Delete payload whose DOI is not GDOI (2).
    DeleteDoi,
    /// A KEK Delete whose SPI size is not 16.
    KekDeleteSpiSize,
    /// An SA KEK attribute this member does not know (RFC 6407 §5.3).
    UnknownKekAttribute,
    /// A KEK_ALGORITHM other than AES-CBC.
    KekAlgorithm,
    /// A SIG_ALGORITHM other than the configured GCKS key's.
    SigAlgorithm,
    /// An SA KEK without its KEK key packet.
    KekWithoutKeyPacket,
    /// A KEK_ALGORITHM_KEY that is not a 16-octet IV and a 16/24/32-octet key.
    KekAlgorithmKey,
    /// A KEK_KEY_LENGTH other than the key's length.
    KekKeyLength,
    /// A new KEK whose SPI is already installed.
    KekSpiInUse,
}

impl core::fmt::Display for PolicyViolation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::TooLong => "PUSH too long",
            Self::SidKeyPacket => "SID key packet in a PUSH",
            Self::LkhDownloadArrayMulticast => "LKH_DOWNLOAD_ARRAY in a multicast PUSH",
            Self::SaWithoutKd => "SA without KD",
            Self::TekWithoutKeyPacket => "SA TEK without a TEK key packet",
            Self::DeleteDoi => "Delete DOI not GDOI",
            Self::KekDeleteSpiSize => "KEK Delete SPI size not 16",
            Self::UnknownKekAttribute => "unknown KEK attribute",
            Self::KekAlgorithm => "KEK algorithm not AES-CBC",
            Self::SigAlgorithm => "SIG algorithm not the configured key's",
            Self::KekWithoutKeyPacket => "SA KEK without a KEK key packet",
            Self::KekAlgorithmKey => "bad KEK_ALGORITHM_KEY",
            Self::KekKeyLength => "KEK key length mismatch",
            Self::KekSpiInUse => "new KEK SPI already installed",
        })
    }
}

impl core::error::Error for PolicyViolation {}

/// Errors of [`GroupMember::install_kek`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InstallError {
    /// The KEK table is full.
    TableFull,
    /// A KEK with that SPI is installed with a different key.
    Duplicate,
    /// KEK_ALGORITHM_KEY is not a 16-octet IV followed by a 16/24/32-octet key.
    BadKey,
}

impl core::fmt::Display for InstallError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::TableFull => "KEK table full",
            Self::Duplicate => "a KEK with this SPI is installed with a different key",
            Self::BadKey => "KEK_ALGORITHM_KEY is not a 16-octet IV and a 16/24/32-octet key",
        })
    }
}

impl core::error::Error for InstallError {}

/// What happened to the ACK of an accepted PUSH.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckStatus {
    /// Scheduled for this time (see [`GroupMember::poll_timeout`]).
    Scheduled(Time),
    /// The most recent SA KEK requests no ACK.
    NotRequested,
    /// An ACK is requested with a type this GM cannot produce (unknown value, or an LKH
    /// type without a configured leaf key): RFC 8263 §4 — participate without acking.
    Unsupported(KekAckRequested),
    /// The PUSH was applied but its ACK was not queued: [`MAX_PENDING_ACKS`] ACKs are
    /// waiting for their send time. The GCKS will count this PUSH as unacknowledged (with
    /// [`GmConfig::re_ack`], a retransmission of a unicast PUSH is acked again).
    QueueFull,
}

/// An accepted PUSH. The views borrow the caller's output buffer, which then holds
/// decrypted key material: zeroize it when done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted<'s> {
    /// The PUSH SEQ.
    pub seq: u32,
    /// The KEK SPI (cookies) that protected it.
    pub kek_spi: [u8; 16],
    /// Delete payloads (TEK deletions are the caller's to apply; KEK deletions are done).
    pub deletes: Deletes<'s>,
    /// The SA (new SA KEK / GAP / SA TEKs).
    pub sa: Option<Sa<'s>>,
    /// The key download (TEK keys for the SA TEKs; the new KEK is installed here already).
    pub kd: Option<KeyDownload<'s>>,
    /// The ACK.
    pub ack: AckStatus,
}

/// Result of [`GroupMember::handle_push`].
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'s> {
    /// A new PUSH, verified and applied.
    Accepted(Accepted<'s>),
    /// A bit-identical copy of the last accepted unicast PUSH, with re-acking enabled: the
    /// cached ACK was rescheduled (or not, when rate-limited or the ACK queue is full).
    /// Nothing else changed.
    Retransmission {
        /// When the cached ACK goes out, if it was rescheduled.
        ack_at: Option<Time>,
    },
}

/// The GM identity carried in its ACKs (RFC 8263 §3.4): the address used for the most
/// recent GROUPKEY-PULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GmIdentity {
    /// ID_IPV4_ADDR.
    Ipv4([u8; 4]),
    /// ID_IPV6_ADDR.
    Ipv6([u8; 16]),
    /// ID_OID (RFC 8052).
    Oid {
        /// DER OID.
        oid: Vec<u8, 32>,
        /// OID-specific payload.
        payload: Vec<u8, 32>,
    },
}

impl GmIdentity {
    /// The ID payload value.
    pub fn to_id(&self) -> Identification<'_> {
        Identification::new(match self {
            Self::Ipv4(a) => IdData::Ipv4(*a),
            Self::Ipv6(a) => IdData::Ipv6(*a),
            Self::Oid { oid, payload } => IdData::Oid { oid, payload },
        })
    }
}

/// Opt-in re-acknowledgement of retransmitted PUSHes. RFC 8263 never re-acks a resent PUSH
/// (its replay check fails first), so a lost ACK cannot be repaired by retransmission; this
/// re-sends the cached ACK for a bit-identical copy of the last accepted unicast PUSH,
/// rate-limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReAck {
    /// Minimum time between two re-sent ACKs.
    pub min_interval: Duration,
}

/// How a PUSH reached the GM (RFC 8263 §6: a unicast PUSH is acked without delay).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Delivery {
    /// Sent to the GM's own (unicast) address: acked at once; eligible for re-ack.
    Unicast,
    /// Sent to the group's multicast address: acked per [`GmConfig::ack_delay`].
    Multicast,
}

/// When the ACK of a multicast PUSH is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AckDelay {
    /// At once (due at the `now` of [`GroupMember::handle_push`]): for tests and for
    /// small groups where ACK implosion at the GCKS is no concern.
    Immediate,
    /// A random delay in `0..=max` (millisecond steps; `max` is clamped to
    /// [`MAX_ACK_JITTER`], the RFC 8263 §6 bound), spreading the group's ACKs.
    Jittered {
        /// The largest delay.
        max: Duration,
    },
}

impl AckDelay {
    /// Jittered up to [`MAX_ACK_JITTER`].
    pub const DEFAULT: Self = Self::Jittered {
        max: MAX_ACK_JITTER,
    };
}

impl Default for AckDelay {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// GM configuration.
#[derive(Debug, Clone)]
pub struct GmConfig {
    /// The identity put in ACKs.
    pub identity: GmIdentity,
    /// When the ACK of a multicast PUSH goes out (unicast PUSHes are acked without delay).
    /// Default: [`AckDelay::Jittered`] up to [`MAX_ACK_JITTER`] (RFC 8263 §6).
    pub ack_delay: AckDelay,
    /// L encoding in the ack-key derivation.
    pub l_encoding: LEncoding,
    /// Re-send the cached ACK for a bit-identical copy of the last accepted unicast PUSH.
    /// `None` (default): RFC-strict, no re-ack.
    pub re_ack: Option<ReAck>,
    /// If the signature over the header with the unpadded Length fails, retry with the
    /// on-the-wire Length (RFC 6407 §4 signs the header before padding; a peer that signs
    /// the padded wire header would otherwise not verify). Off by default.
    pub wire_length_fallback: bool,
}

impl GmConfig {
    /// Defaults: jitter up to 5 s, L = 512/1024, no re-ack, no wire-length fallback.
    pub fn new(identity: GmIdentity) -> Self {
        Self {
            identity,
            ack_delay: AckDelay::DEFAULT,
            l_encoding: LEncoding::BlockBits,
            re_ack: None,
            wire_length_fallback: false,
        }
    }
}

/// What the GROUPKEY-PULL delivered for one KEK.
///
/// `Debug` shows the KEK_ALGORITHM_KEY length, not the key.
#[derive(Clone)]
pub struct KekInstall<'a, V> {
    /// SPI from the SA KEK (= PUSH cookies).
    pub spi: [u8; 16],
    /// KEK_ALGORITHM_KEY: IV (16) ‖ AES key.
    pub algorithm_key: &'a [u8],
    /// SEQ from PULL message 4 (last used push SEQ; 0 if none).
    pub last_seq: u32,
    /// KEK_ACK_REQUESTED of that SA KEK.
    pub ack_requested: Option<KekAckRequested>,
    /// The GCKS verification key.
    pub verifier: V,
}

impl<'a, V> KekInstall<'a, V> {
    /// From the PULL's SA KEK, KD and SEQ payloads.
    pub fn from_pull(sak: &SaKek<'_>, kd: &KeyDownload<'a>, seq: Seq, verifier: V) -> Option<Self> {
        let p = kd
            .packets
            .iter()
            .find(|p| p.kd_type == KdType::Kek && p.spi == sak.spi)?;
        Some(Self {
            spi: sak.spi,
            algorithm_key: p.kek_algorithm_key()?,
            last_seq: seq.0,
            ack_requested: sak.ack_requested(),
            verifier,
        })
    }
}

impl<V: core::fmt::Debug> core::fmt::Debug for KekInstall<'_, V> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KekInstall")
            .field("spi", &self.spi)
            .field("algorithm_key_len", &self.algorithm_key.len())
            .field("last_seq", &self.last_seq)
            .field("ack_requested", &self.ack_requested)
            .field("verifier", &self.verifier)
            .finish()
    }
}

struct Kek<V> {
    spi: [u8; 16],
    key: SecretBuf<MAX_KEK_KEY>,
    iv: [u8; 16],
    verifier: V,
    last_seq: u32,
    ack_key: Option<AckKey>,
}

/// A KEK_ALGORITHM_KEY as the IV and a zeroized copy of the key (both roles keep KEKs so).
pub(crate) fn split_kek_key(k: &[u8]) -> Option<([u8; 16], SecretBuf<MAX_KEK_KEY>)> {
    let (iv, key) = crate::wire::key_download::split_kek_algorithm_key(k)?;
    Some((iv, SecretBuf::from_slice(key).ok()?))
}

/// What an accepted PUSH changes (step 6, applied in step 7).
struct Change<V> {
    delete_mask: u64,
    new_kek: Option<Kek<V>>,
    policy: Option<KekAckRequested>,
}

/// What the ACK of an accepted PUSH is computed from.
struct AckInput<'d> {
    now: Time,
    ki: usize,
    cookies: [u8; 16],
    seq: Seq,
    policy: Option<KekAckRequested>,
    delivery: Delivery,
    datagram: &'d [u8],
}

/// The ACK of an accepted PUSH (step 8, applied in step 7).
struct AckPlan {
    status: AckStatus,
    /// Send time and bytes.
    ack: Option<(Time, Vec<u8, MAX_ACK_LEN>)>,
    /// The KEK's ack key after this PUSH.
    ack_key: Option<AckKey>,
    /// SHA-256 of the PUSH, for a re-ack.
    digest: Option<[u8; 32]>,
}

struct PendingAck {
    at: Time,
    bytes: Vec<u8, MAX_ACK_LEN>,
}

struct LastPush {
    digest: [u8; 32],
    ack: Vec<u8, MAX_ACK_LEN>,
    last_sent: Option<Time>,
}

/// A group member of one group, with up to `K` installed KEKs (current and rolled-over).
///
/// # Example
///
/// A key server and one member sharing the KEK from their GROUPKEY-PULL: the GCKS sends a
/// PUSH with a new TEK, the member verifies it and acknowledges at once
/// ([`AckDelay::Immediate`]), the GCKS takes the ACK.
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
pub struct GroupMember<C, V, const K: usize = 4> {
    crypto: C,
    config: GmConfig,
    keks: Vec<Kek<V>, K>,
    policy: Option<KekAckRequested>,
    lkh_leaf: Option<SecretBuf<MAX_LKH_KEY>>,
    pending: Deque<PendingAck, MAX_PENDING_ACKS>,
    last_push: Option<LastPush>,
}

impl<C, V, const K: usize> core::fmt::Debug for GroupMember<C, V, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("GroupMember")
            .field("keks", &self.keks.len())
            .field("policy", &self.policy)
            .field("pending_acks", &self.pending.len())
            .finish_non_exhaustive()
    }
}

impl<C: Symmetric, V: PushVerifier + Clone> GroupMember<C, V> {
    /// A GM with no KEK installed, room for 4 KEKs, owning its crypto provider `crypto`
    /// (pass `&provider` to share one). Other capacities: [`GroupMember::with_capacity`].
    pub fn new(crypto: C, config: GmConfig) -> Self {
        Self::with_capacity(crypto, config)
    }
}

impl<C: Symmetric, V: PushVerifier + Clone, const K: usize> GroupMember<C, V, K> {
    /// A GM with no KEK installed and room for `K` KEKs (at most 64, checked at compile
    /// time): `GroupMember::<_, _, 8>::with_capacity(crypto, config)`.
    pub fn with_capacity(crypto: C, config: GmConfig) -> Self {
        const { assert!(K <= 64, "GroupMember supports at most 64 KEKs") };
        Self {
            crypto,
            config,
            keks: Vec::new(),
            policy: None,
            lkh_leaf: None,
            pending: Deque::new(),
            last_push: None,
        }
    }

    /// The crypto provider.
    pub fn crypto(&self) -> &C {
        &self.crypto
    }

    /// Installs a KEK from a GROUPKEY-PULL. Its KEK_ACK_REQUESTED becomes the group's ack
    /// policy (the most recent SA KEK governs).
    ///
    /// If that KEK is already installed (a PULL racing a PUSH), the PULL's SEQ only raises
    /// the last SEQ: a lower value is stale and ignored
    /// ([RFC 6407 §3.2](https://www.rfc-editor.org/rfc/rfc6407#section-3.2)); the key must be
    /// the same, else [`InstallError::Duplicate`].
    ///
    /// # Errors
    /// [`InstallError`]; nothing changes on error.
    pub fn install_kek(&mut self, k: KekInstall<'_, V>) -> Result<(), InstallError> {
        let (iv, key) = split_kek_key(k.algorithm_key).ok_or(InstallError::BadKey)?;
        if let Some(x) = self.keks.iter_mut().find(|x| x.spi == k.spi) {
            if x.iv != iv || !x.key.ct_eq(key.expose()) {
                return Err(InstallError::Duplicate);
            }
            x.last_seq = x.last_seq.max(k.last_seq);
            self.policy = k.ack_requested;
            return Ok(());
        }
        self.keks
            .push(Kek {
                spi: k.spi,
                key,
                iv,
                verifier: k.verifier,
                last_seq: k.last_seq,
                ack_key: None,
            })
            .map_err(|_| InstallError::TableFull)?;
        self.policy = k.ack_requested;
        Ok(())
    }

    /// Sets the GM's LKH leaf key (Key Data of the first LKH key of the PULL's
    /// LKH_DOWNLOAD_ARRAY, IV stripped), the base key of the LKH ACK types.
    ///
    /// # Errors
    /// [`InstallError::BadKey`] if longer than 64 octets.
    pub fn set_lkh_leaf_key(&mut self, key: &[u8]) -> Result<(), InstallError> {
        self.lkh_leaf = Some(SecretBuf::from_slice(key).map_err(|_| InstallError::BadKey)?);
        Ok(())
    }

    /// The installed KEK SPIs.
    pub fn kek_spis(&self) -> impl Iterator<Item = [u8; 16]> + '_ {
        self.keks.iter().map(|k| k.spi)
    }

    /// The last accepted SEQ of a KEK.
    pub fn last_seq(&self, spi: &[u8; 16]) -> Option<u32> {
        self.keks.iter().find(|k| &k.spi == spi).map(|k| k.last_seq)
    }

    /// The current ack policy (from the most recent SA KEK).
    pub fn ack_policy(&self) -> Option<KekAckRequested> {
        self.policy
    }

    /// Processes one datagram received on the rekey port at `now`. `delivery` says how it
    /// arrived: [`Delivery::Unicast`] (to the GM's own address: acked without delay,
    /// eligible for re-ack) or [`Delivery::Multicast`] (acked per
    /// [`GmConfig::ack_delay`]). `out` must hold the ciphertext (datagram − 28 octets, at
    /// most the datagram length); on success it holds the plaintext the returned views
    /// borrow. The ACK, if any, is written later by [`GroupMember::handle_timeout`].
    ///
    /// # Errors
    /// [`Rejected`] with a [`PushError`] and no reply: the PUSH was dropped, nothing
    /// changed, nothing will be sent. A short `out` is [`PushError::BufferTooSmall`] with
    /// the ciphertext length.
    pub fn handle_push<'s>(
        &mut self,
        now: Time,
        datagram: &[u8],
        delivery: Delivery,
        rng: &mut dyn Rng,
        out: &'s mut [u8],
    ) -> Result<Outcome<'s>, Rejected<PushError>> {
        self.push(now, datagram, delivery, rng, out)
            .map_err(Rejected::silent)
    }

    /// [`GroupMember::handle_push`], step by step (each step rejects without touching the
    /// state; the commit is last and infallible).
    fn push<'s>(
        &mut self,
        now: Time,
        datagram: &[u8],
        delivery: Delivery,
        rng: &mut dyn Rng,
        out: &'s mut [u8],
    ) -> Result<Outcome<'s>, PushError> {
        // 1. Header; the cookies name the KEK.
        let header = parse_push_header(datagram)?;
        let cookies = header.cookies();
        let ki = self
            .keks
            .iter()
            .position(|k| k.spi == cookies)
            .ok_or(PushError::UnknownKek)?;
        if delivery == Delivery::Unicast
            && let Some(ack_at) = self.re_ack(now, datagram)
        {
            return Ok(Outcome::Retransmission { ack_at });
        }
        // 2. Decrypt into `out`; 3. the chain.
        let plain = self.decrypt(ki, datagram, out)?;
        let push = PushPayloads::parse(header.next_payload, plain, HEADER_LEN, CBC_BLOCK - 1)?;
        // 4. SEQ; 5. signature.
        let seq = self.check_seq(ki, push.seq.0)?;
        self.verify_signature(ki, datagram, &push)?;
        // 6. The new state, into locals.
        let change = self.plan(ki, &push, delivery)?;
        // 8. The ACK (before the commit, with the KEK that protected this PUSH).
        let ack = self.prepare_ack(
            AckInput {
                now,
                ki,
                cookies,
                seq: push.seq,
                policy: change.policy,
                delivery,
                datagram,
            },
            rng,
        );
        // 7. Commit (infallible from here).
        let status = ack.status;
        self.commit(ki, seq, change, ack);
        Ok(Outcome::Accepted(Accepted {
            seq,
            kek_spi: cookies,
            deletes: push.deletes,
            sa: push.sa,
            kd: push.kd,
            ack: status,
        }))
    }

    /// Opt-in re-ack of a bit-identical unicast retransmission: `Some(when the cached ACK
    /// goes out, if rescheduled)` when `datagram` is the last accepted unicast PUSH.
    fn re_ack(&mut self, now: Time, datagram: &[u8]) -> Option<Option<Time>> {
        let (Some(re), Some(last)) = (self.config.re_ack, &self.last_push) else {
            return None;
        };
        let d = self.crypto.hash(HashAlg::Sha256, &[datagram]);
        if d.as_bytes() != last.digest {
            return None;
        }
        let allowed = !self.pending.is_full()
            && last
                .last_sent
                .is_none_or(|t| now.saturating_duration_since(t) >= re.min_interval);
        if allowed {
            let ack = last.ack.clone();
            self.queue_ack(now, ack);
            if let Some(l) = self.last_push.as_mut() {
                l.last_sent = Some(now);
            }
        }
        Some(allowed.then_some(now))
    }

    /// Decrypts the datagram's body with KEK `ki` into `out`.
    fn decrypt<'s>(
        &self,
        ki: usize,
        datagram: &[u8],
        out: &'s mut [u8],
    ) -> Result<&'s [u8], PushError> {
        let kek = self.keks.get(ki).ok_or(PushError::UnknownKek)?;
        let ct = datagram.get(HEADER_LEN..).unwrap_or_default();
        let plain = out
            .get_mut(..ct.len())
            .ok_or(PushError::BufferTooSmall { needed: ct.len() })?;
        plain.copy_from_slice(ct);
        self.crypto
            .aes_cbc_decrypt(kek.key.expose(), &kek.iv, plain)
            .map_err(PushError::Decrypt)?;
        Ok(plain)
    }

    /// SEQ > the last SEQ of KEK `ki` (0 is never valid).
    fn check_seq(&self, ki: usize, seq: u32) -> Result<u32, PushError> {
        let kek = self.keks.get(ki).ok_or(PushError::UnknownKek)?;
        if seq == 0 {
            return Err(PushError::SeqZero);
        }
        if seq <= kek.last_seq {
            return Err(PushError::Replay {
                seq,
                last: kek.last_seq,
            });
        }
        Ok(seq)
    }

    /// The signature over `"rekey" ‖ HDR (unpadded Length) ‖ payloads before SIG`,
    /// optionally retried over the wire header.
    fn verify_signature(
        &self,
        ki: usize,
        datagram: &[u8],
        push: &PushPayloads<'_>,
    ) -> Result<(), PushError> {
        let kek = self.keks.get(ki).ok_or(PushError::UnknownKek)?;
        let mut hdr = [0u8; HEADER_LEN];
        hdr.copy_from_slice(datagram.get(..HEADER_LEN).unwrap_or(&[0; HEADER_LEN]));
        let signed_len = u32::try_from(HEADER_LEN + push.chain_len)
            .map_err(|_| PushError::Policy(PolicyViolation::TooLong))?;
        if let Some(l) = hdr.get_mut(24..28) {
            l.copy_from_slice(&signed_len.to_be_bytes());
        }
        let sig = push.signature.data;
        let verify = |h: &[u8]| {
            kek.verifier
                .verify(&[b"rekey", h, push.signed], sig)
                .is_ok()
        };
        let ok = verify(&hdr)
            || (self.config.wire_length_fallback
                && verify(datagram.get(..HEADER_LEN).unwrap_or_default()));
        if ok {
            Ok(())
        } else {
            Err(PushError::BadSignature)
        }
    }

    /// Step 6: the deleted KEKs, the new KEK and the ack policy, checked.
    fn plan(
        &self,
        ki: usize,
        push: &PushPayloads<'_>,
        delivery: Delivery,
    ) -> Result<Change<V>, PushError> {
        let delete_mask = self.delete_mask(push)?;
        if let Some(kd) = &push.kd {
            for p in kd.packets.iter() {
                match p.kd_type {
                    KdType::Sid => return Err(PushError::Policy(PolicyViolation::SidKeyPacket)),
                    KdType::Lkh
                        if delivery == Delivery::Multicast && p.lkh_download_array().is_some() =>
                    {
                        return Err(PushError::Policy(
                            PolicyViolation::LkhDownloadArrayMulticast,
                        ));
                    }
                    _ => {}
                }
            }
        }
        let mut new_kek: Option<Kek<V>> = None;
        let mut policy = self.policy;
        if let Some(sa) = &push.sa {
            let kd = push
                .kd
                .as_ref()
                .ok_or(PushError::Policy(PolicyViolation::SaWithoutKd))?;
            for t in sa.teks.iter() {
                if let TekBody::Ipsec(t) = t.body
                    && kd.tek(&t.spi).is_none()
                {
                    return Err(PushError::Policy(PolicyViolation::TekWithoutKeyPacket));
                }
            }
            if let Some(sak) = &sa.kek {
                new_kek = Some(self.new_kek(ki, sak, kd, delete_mask)?);
                policy = sak.ack_requested();
            }
        }
        let deleted = usize::try_from(delete_mask.count_ones()).unwrap_or(0);
        if self.keks.len() - deleted + usize::from(new_kek.is_some()) > K {
            return Err(PushError::TableFull);
        }
        Ok(Change {
            delete_mask,
            new_kek,
            policy,
        })
    }

    /// Bit `i`: installed KEK `i` is deleted by the PUSH's KEK Delete payloads.
    fn delete_mask(&self, push: &PushPayloads<'_>) -> Result<u64, PushError> {
        let mut delete_mask: u64 = 0;
        for d in push.deletes.iter() {
            if d.doi != crate::wire::sa::DOI_GDOI {
                return Err(PushError::Policy(PolicyViolation::DeleteDoi));
            }
            if d.protocol_id != DELETE_PROTOCOL_KEK {
                continue;
            }
            if d.spi_size() != 16 {
                return Err(PushError::Policy(PolicyViolation::KekDeleteSpiSize));
            }
            for spi in d.spis() {
                let all = spi.iter().all(|&b| b == 0);
                for (i, k) in self.keks.iter().enumerate() {
                    if all || k.spi.as_slice() == spi {
                        delete_mask |= 1u64
                            .checked_shl(u32::try_from(i).unwrap_or(64))
                            .unwrap_or(0);
                    }
                }
            }
        }
        Ok(delete_mask)
    }

    /// The KEK an SA KEK (with its KD KEK packet) installs, checked against KEK `ki`.
    fn new_kek(
        &self,
        ki: usize,
        sak: &SaKek<'_>,
        kd: &KeyDownload<'_>,
        delete_mask: u64,
    ) -> Result<Kek<V>, PushError> {
        let kek = self.keks.get(ki).ok_or(PushError::UnknownKek)?;
        if sak.unknown_attribute().is_some() {
            return Err(PushError::Policy(PolicyViolation::UnknownKekAttribute));
        }
        if sak.kek_algorithm() != Some(KekAlgorithm::AesCbc) {
            return Err(PushError::Policy(PolicyViolation::KekAlgorithm));
        }
        if sak.sig_algorithm() != Some(kek.verifier.algorithm()) {
            return Err(PushError::Policy(PolicyViolation::SigAlgorithm));
        }
        let p = kd
            .packets
            .iter()
            .find(|p| p.kd_type == KdType::Kek && p.spi == sak.spi)
            .ok_or(PushError::Policy(PolicyViolation::KekWithoutKeyPacket))?;
        let (iv, key) = p
            .kek_algorithm_key()
            .and_then(split_kek_key)
            .ok_or(PushError::Policy(PolicyViolation::KekAlgorithmKey))?;
        if let Some(bits) = sak.key_length_bits()
            && usize::from(bits) != key.len() * 8
        {
            return Err(PushError::Policy(PolicyViolation::KekKeyLength));
        }
        let survives =
            |i: usize, k: &Kek<V>| k.spi == sak.spi && delete_mask & (1u64 << (i % 64)) == 0;
        if self.keks.iter().enumerate().any(|(i, k)| survives(i, k)) {
            return Err(PushError::Policy(PolicyViolation::KekSpiInUse));
        }
        Ok(Kek {
            spi: sak.spi,
            key,
            iv,
            verifier: kek.verifier.clone(),
            last_seq: 0,
            ack_key: None,
        })
    }

    /// Step 8: the ACK of an accepted PUSH, computed (not yet queued).
    fn prepare_ack(&self, a: AckInput<'_>, rng: &mut dyn Rng) -> AckPlan {
        let kek = self.keks.get(a.ki);
        let mut plan = AckPlan {
            status: AckStatus::NotRequested,
            ack: None,
            ack_key: kek.and_then(|k| k.ack_key.clone()),
            digest: None,
        };
        let Some(v) = a.policy else {
            return plan;
        };
        plan.status = AckStatus::Unsupported(v);
        let (Some(ty), Some(kek)) = (AckType::new(v), kek) else {
            return plan;
        };
        let base = if ty.lkh {
            self.lkh_leaf.as_ref().map(SecretBuf::expose)
        } else {
            Some(kek.key.expose())
        };
        let Some(base) = base else {
            return plan;
        };
        if plan.ack_key.as_ref().is_none_or(|k| k.ty != ty) {
            plan.ack_key = Some(AckKey::derive(
                &self.crypto,
                ty,
                base,
                &a.cookies,
                self.config.l_encoding,
            ));
        }
        // Written straight into the returned plan (no copy of the ACK on the stack).
        let Some(key) = plan.ack_key.as_ref() else {
            return plan;
        };
        let id = self.config.identity.to_id();
        let (at, bytes) = plan.ack.insert((a.now, Vec::new()));
        let _ = bytes.resize(MAX_ACK_LEN, 0);
        match key.emit_ack(&self.crypto, a.seq, &id, bytes) {
            Ok(n) => bytes.truncate(n),
            Err(_) => {
                plan.ack = None;
                return plan;
            }
        }
        if self.pending.is_full() {
            // Kept for a re-ack, not queued.
            plan.status = AckStatus::QueueFull;
        } else {
            *at = a.now.saturating_add(self.delay(a.delivery, rng));
            plan.status = AckStatus::Scheduled(*at);
        }
        if a.delivery == Delivery::Unicast && self.config.re_ack.is_some() {
            plan.digest = self.push_digest(a.datagram);
        }
        plan
    }

    /// SHA-256 of a PUSH, kept for a re-ack. (`None` when the provider has no SHA-256: no
    /// re-ack rather than a wrong match.) Not inlined: its digest stays off the stack of
    /// the ACK computation.
    #[inline(never)]
    fn push_digest(&self, datagram: &[u8]) -> Option<[u8; 32]> {
        self.crypto
            .hash(HashAlg::Sha256, &[datagram])
            .checked(HashAlg::Sha256)
            .ok()
            .and_then(|d| d.as_bytes().get(..32)?.try_into().ok())
    }

    /// Step 7: applies a checked PUSH. Infallible.
    fn commit(&mut self, ki: usize, seq: u32, change: Change<V>, ack: AckPlan) {
        if let Some(k) = self.keks.get_mut(ki) {
            k.last_seq = seq;
            k.ack_key = ack.ack_key;
        }
        let mut i = 0usize;
        self.keks.retain(|_| {
            let keep = change.delete_mask & (1u64 << (i % 64)) == 0;
            i += 1;
            keep
        });
        if let Some(n) = change.new_kek {
            // Capacity checked in `plan`.
            let _ = self.keks.push(n);
        }
        self.policy = change.policy;
        if let Some((at, bytes)) = ack.ack {
            let queued = ack.status != AckStatus::QueueFull;
            if let Some(digest) = ack.digest {
                self.last_push = Some(LastPush {
                    digest,
                    ack: bytes.clone(),
                    last_sent: queued.then_some(at),
                });
            }
            if queued {
                self.queue_ack(at, bytes);
            }
        }
    }

    /// The ACK delay: none for a unicast PUSH, else per [`GmConfig::ack_delay`].
    fn delay(&self, delivery: Delivery, rng: &mut dyn Rng) -> Duration {
        let max = match (delivery, self.config.ack_delay) {
            (Delivery::Unicast, _) | (_, AckDelay::Immediate) => return Duration::ZERO,
            (Delivery::Multicast, AckDelay::Jittered { max }) => max.min(MAX_ACK_JITTER),
        };
        let max_ms = u64::try_from(max.as_millis()).unwrap_or(0);
        let mut b = [0u8; 8];
        if max_ms == 0 || rng.fill_bytes(&mut b).is_err() {
            return Duration::ZERO;
        }
        Duration::from_millis(u64::from_be_bytes(b) % (max_ms + 1))
    }

    /// Queues an ACK; the callers checked that the queue has room.
    fn queue_ack(&mut self, at: Time, bytes: Vec<u8, MAX_ACK_LEN>) {
        let _ = self.pending.push_back(PendingAck { at, bytes });
    }

    /// When the next ACK is due.
    pub fn poll_timeout(&self) -> Option<Time> {
        self.pending.iter().map(|p| p.at).min()
    }

    /// Writes the next ACK due at `now` into `out` and returns its length (send it to the
    /// PUSH's source address and port, from the port the PUSH arrived on); `Ok(None)` when
    /// nothing is due. Call until `Ok(None)`.
    ///
    /// # Errors
    /// [`WriteError::BufferTooSmall`]: the ACK stays pending.
    pub fn handle_timeout(
        &mut self,
        now: Time,
        out: &mut [u8],
    ) -> Result<Option<usize>, WriteError> {
        let Some(idx) = self
            .pending
            .iter()
            .enumerate()
            .filter(|(_, p)| p.at <= now)
            .min_by_key(|(_, p)| p.at)
            .map(|(i, _)| i)
        else {
            return Ok(None);
        };
        let Some(p) = self.pending.iter().nth(idx) else {
            return Ok(None);
        };
        let len = p.bytes.len();
        if out.len() < len {
            return Err(WriteError::BufferTooSmall { needed: len });
        }
        let mut w = Writer::new(out);
        w.bytes(&p.bytes);
        let written = w.finish();
        // Remove element idx, keeping the order of the others: one turn of the queue in
        // place (no second queue on the stack).
        for i in 0..self.pending.len() {
            if let Some(p) = self.pending.pop_front()
                && i != idx
            {
                let _ = self.pending.push_back(p);
            }
        }
        written.map(Some)
    }
}

/// The cookie pair (KEK SPI) of a datagram, for callers that route by cookies to a group
/// before calling [`GroupMember::handle_push`].
pub fn push_cookies(datagram: &[u8]) -> Option<[u8; 16]> {
    let mut r = keying_tlv::Reader::new(datagram);
    Header::parse(&mut r).ok().map(|h| h.cookies())
}
