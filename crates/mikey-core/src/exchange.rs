//! What every key-exchange role shares: the typed rejection ([`KmError`]) and its Error
//! no, the receiver policy, the identity hook, KEMAC / V protection and the Error
//! message (RFC 3830 §4.2, §5.1.2, §5.2, §6.12).

use core::fmt;

use keying_crypto::{AES_KW_DEFAULT_IV, CryptoError, Digest, HashAlg, SecretBuf, Symmetric};

use crate::err::{ErrorNo, ErrorPayload};
use crate::error::Error;
use crate::header::{CommonHeader, CsIdMap, DataType, PrfFunc};
use crate::id::Id;
use crate::kdf::{KdfError, KemacKeys};
use crate::kemac::{EncrAlg, MacAlg};
use crate::list::List;
use crate::message::{Message, MessageWriter};
use crate::payload::{Payload, PayloadType};
use crate::replay::{ReplayError, TimePolicy, TsError};
use crate::sp::{SrtpAuthAlg, SrtpEncrAlg, SrtpParamType};
use crate::srtp::{SaError, SpProblem, SrtpPolicy};
use crate::timestamp::Timestamp;
use crate::verification::Verification;

/// Largest plaintext KEMAC sub-payload chain a role handles (key data, IDs).
pub const MAX_KEMAC_PLAIN: usize = 1024;
/// Longest PSK a [`StaticPsk`] holds.
pub const MAX_PSK: usize = 256;
/// Longest RAND a role keeps.
pub const MAX_RAND: usize = 64;
/// Longest identity (ID payload data) a role keeps.
pub const MAX_ID: usize = 128;

/// Why a role rejected a message. [`KmError::error_no`] gives the Error no to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KmError {
    /// Not a well-formed MIKEY message of its data type.
    Message(Error),
    /// A data type this role does not handle here (a response to the responder, an
    /// unexpected reply, a mode the policy refuses).
    UnexpectedDataType(DataType),
    /// PRF func refused by policy or unknown.
    PrfRefused(PrfFunc),
    /// KEMAC encryption algorithm refused: unknown, or NULL when policy forbids a
    /// downgrade to cleartext keys.
    EncrRefused(EncrAlg),
    /// MAC algorithm refused: NULL (never authentication) or unsupported.
    MacRefused(MacAlg),
    /// Hash / signature scheme refused (CHASH, SIGN S type).
    HashRefused,
    /// DH group refused.
    DhGroupRefused,
    /// DH value outside `[2, p − 2]` (RFC 2631 §2.1.5 style range check).
    DhValueOutOfRange,
    /// The peer's identity is unknown to the key hook.
    UnknownIdentity,
    /// Certificate missing, unparseable, not verified by the hook, or too large a key.
    CertRejected,
    /// SP payload unusable.
    Sp(SpProblem),
    /// Authentication failed: KEMAC MAC, V MAC, signature — and PKE decryption, which
    /// reports the very same value so that no padding oracle exists.
    AuthFailed,
    /// Timestamp outside the window, refused COUNTER, non-increasing COUNTER.
    Timestamp(TsError),
    /// An authenticated message already accepted inside the window.
    Replay,
    /// The replay cache is full of live entries: rejected until the window passes.
    ReplayCacheFull,
    /// Authenticated but the key data is missing or malformed.
    KeyData,
    /// Authenticated (the KEMAC MAC verified) but the AES-KW-128 Encr data does not unwrap:
    /// the RFC 3394 integrity check fails with IV = S (RFC 3830 §4.2.3) and with the RFC
    /// 3394 default IV. The MAC is not at fault: the peer wraps under another key or IV.
    /// Reported as Error no Invalid EA (the peer's key wrap is not one this side accepts).
    KeyUnwrapFailed,
    /// A response does not belong to the exchange (CSB ID, echoed T, RAND rules, a
    /// policy that was not offered).
    Mismatch,
    /// The peer answered with an Error message carrying this Error no (authenticated
    /// when `authenticated`).
    PeerError {
        /// First Error no of the message.
        error_no: ErrorNo,
        /// Whether its V / SIGN verified.
        authenticated: bool,
    },
    /// The role cannot take this call in its current state.
    WrongState,
    /// The output buffer is too small, or a crypto provider call failed.
    Internal,
}

impl KmError {
    /// The Error no to send for this rejection (RFC 3830 §6.12, RFC 4738 §3.9.2).
    pub fn error_no(&self) -> ErrorNo {
        match self {
            Self::Message(e) => e.error_no(),
            Self::UnexpectedDataType(_) => ErrorNo::InvalidDt,
            Self::PrfRefused(_) => ErrorNo::InvalidPrf,
            Self::EncrRefused(_) | Self::KeyUnwrapFailed => ErrorNo::InvalidEa,
            Self::MacRefused(_) => ErrorNo::InvalidMac,
            Self::HashRefused => ErrorNo::InvalidHa,
            Self::DhGroupRefused | Self::DhValueOutOfRange => ErrorNo::InvalidDh,
            Self::UnknownIdentity => ErrorNo::InvalidId,
            Self::CertRejected => ErrorNo::InvalidCert,
            Self::Sp(SpProblem::ProtType) => ErrorNo::InvalidSp,
            Self::Sp(SpProblem::Param(_)) => ErrorNo::InvalidSpPar,
            Self::AuthFailed => ErrorNo::AuthFailure,
            Self::Timestamp(_) | Self::Replay => ErrorNo::InvalidTs,
            Self::ReplayCacheFull
            | Self::KeyData
            | Self::Mismatch
            | Self::PeerError { .. }
            | Self::WrongState
            | Self::Internal => ErrorNo::Unspecified,
        }
    }
}

impl fmt::Display for KmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "MIKEY exchange rejected: {self:?} (Error no {:?})",
            self.error_no()
        )
    }
}

impl core::error::Error for KmError {}

impl From<Error> for KmError {
    fn from(e: Error) -> Self {
        Self::Message(e)
    }
}

impl From<KdfError> for KmError {
    fn from(e: KdfError) -> Self {
        match e {
            KdfError::UnsupportedPrf => Self::PrfRefused(PrfFunc::Unknown(0x7f)),
            KdfError::BadLength => Self::KeyData,
        }
    }
}

impl From<TsError> for KmError {
    fn from(e: TsError) -> Self {
        Self::Timestamp(e)
    }
}

impl From<ReplayError> for KmError {
    fn from(e: ReplayError) -> Self {
        match e {
            ReplayError::Replay => Self::Replay,
            ReplayError::Full => Self::ReplayCacheFull,
            ReplayError::Ts(t) => Self::Timestamp(t),
        }
    }
}

impl From<SaError> for KmError {
    fn from(e: SaError) -> Self {
        match e {
            SaError::Kdf(k) => k.into(),
            SaError::Sp(p) => Self::Sp(p),
            SaError::Shape => Self::KeyData,
        }
    }
}

/// A rejected message: the error, and the length of the Error message written into the
/// caller's output buffer, if one should be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected {
    /// Why.
    pub error: KmError,
    /// Bytes of `out` holding the Error message (data type 6) to send, if any.
    pub reply_len: Option<usize>,
}

impl From<KmError> for Rejected {
    fn from(error: KmError) -> Self {
        Self {
            error,
            reply_len: None,
        }
    }
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reply_len {
            Some(n) => write!(f, "{} ({n}-byte Error message to send)", self.error),
            None => write!(f, "{}", self.error),
        }
    }
}

impl core::error::Error for Rejected {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Receiver policy: which modes, algorithms and sizes a role accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Accept PRF-HMAC-SHA-256 (RFC 6043) besides MIKEY-1.
    pub allow_prf_sha256: bool,
    /// Accept KEMAC Encr alg NULL (cleartext key data under a MAC). Off by default: a
    /// message downgraded to NULL is [`KmError::EncrRefused`].
    pub allow_null_encryption: bool,
    /// Accept AES-KW-128 (RFC 3830 §4.2.3; see [`kemac_decrypt_into`] for the IVs).
    pub allow_aes_kw: bool,
    /// Accept HMAC-SHA-256-256 as KEMAC / V MAC.
    pub allow_hmac_sha256: bool,
    /// Timestamps and replay.
    pub time: TimePolicy,
    /// Smallest SRTP master key accepted, bytes.
    pub min_srtp_key_len: u8,
    /// **Insecure**: accept an SRTP policy without encryption — SRTP encryption
    /// algorithm NULL (RFC 3830 §6.10.1, type 0 = 0), SRTP encryption off (type 7 = 0) or
    /// SRTCP encryption off (type 8 = 0). The media then travels in the clear. Off by
    /// default: such an SP is refused ([`KmError::Sp`], Error no Invalid SPpar, RFC 3830
    /// §6.12). Turn it on only for a peer that must send NULL-encrypted SRTP.
    pub allow_null_srtp_encryption: bool,
    /// **Insecure**: accept an SRTP policy without authentication — SRTP authentication
    /// algorithm NULL (RFC 3830 §6.10.1, type 2 = 0) or SRTP authentication off (type
    /// 10 = 0). Unauthenticated SRTP can be forged and, with AES-CM, altered bit by bit;
    /// RFC 3711 §9.5 says SRTP authentication should not be turned off. Off by default:
    /// such an SP is refused ([`KmError::Sp`], Error no Invalid SPpar, RFC 3830 §6.12).
    pub allow_null_srtp_auth: bool,
    /// Accepted data types, as a bit mask of `1 << data type` (see [`Policy::accepts`]).
    pub modes: u32,
    /// Accepted DH groups, a bit mask of `1 << DH-Group` (RFC 3830 §6.4 numbering:
    /// [`crate::DhGroup::Oakley5`] = 0, [`crate::DhGroup::Oakley1`] = 1,
    /// [`crate::DhGroup::Oakley2`] = 2). Default [`Policy::DH_GROUPS_DEFAULT`]: OAKLEY 5
    /// (1536-bit MODP) only, the largest group MIKEY defines.
    ///
    /// OAKLEY 1 (768-bit MODP) and OAKLEY 2 (1024-bit MODP) are **weak**: discrete
    /// logarithms in 768-bit fields have been computed publicly, and 1024-bit fields are
    /// within reach of a well-resourced attacker who, having precomputed once for the
    /// fixed OAKLEY prime, breaks each exchange cheaply afterwards and so learns the TGK and
    /// every SRTP key derived from it. RFC 8247 §2.4 says the 768-bit group MUST NOT and
    /// the 1024-bit group SHOULD NOT be used (for IKEv2; it rates even the 1536-bit group
    /// SHOULD NOT, but MIKEY defines nothing larger). Accept them only by an explicit
    /// opt-in for a peer that offers nothing else, e.g.
    /// `dh_groups: Policy::DH_GROUPS_DEFAULT | 1 << DhGroup::Oakley2.to_wire()`.
    pub dh_groups: u8,
    /// Largest RSA modulus accepted from a peer, bits.
    pub max_rsa_bits: usize,
    /// Smallest RSA modulus accepted from a peer, bits.
    pub min_rsa_bits: usize,
    /// Length of the KEMAC / V auth_key for HMAC-SHA-1-160. RFC 3830 §4.2.4 / §6.2: 20
    /// bytes (the default). mykey 2.3.1 derives 32; set 32 to talk to it.
    pub sha1_auth_key_len: usize,
    /// Accept a DHHMAC R_MESSAGE that omits the echoed DHi (mykey 2.3.1 sends
    /// `HDR, T, DHr, KEMAC`; RFC 4650 §3 requires `DHr, DHi`). Off by default.
    pub dhhmac_resp_without_dhi: bool,
    /// CS ID of the first SRTP-ID map entry in the TEK / salt labels: 1 per RFC 3830
    /// §6.1.1 (the default); mykey 2.3.1 derives with 0.
    pub first_cs_id: u8,
    /// Hash this side signs SIGN with (either S type): SHA-256 (the default) or SHA-1. The
    /// SIGN payload does not say which hash was used (RFC 3830 §6.5); SHA-1 is MIKEY's
    /// mandatory hash (RFC 3830 §4.2.1) and what RFC 3830-only peers verify with, SHA-256
    /// what a signature made today should use. Set SHA-1 to talk to an RFC 3830-only peer.
    pub sign_hash: keying_crypto::HashAlg,
    /// Also accept SIGN payloads made with SHA-1 (tried after SHA-256; see
    /// [`Policy::sign_verify_hashes`]). On by default: RFC 3830 peers sign with SHA-1.
    pub accept_sha1_signatures: bool,
    /// S type this side signs with. Default RSA PKCS#1 v1.5 (S type 0), the one RFC 3830
    /// §6.5 makes mandatory to implement; PSS (S type 1) where the peer supports it. Both
    /// are verified whatever this says.
    pub sign_type: crate::sign::SType,
    /// The CHASH payload a PK Initiator sends when it is given the Responder's certificate
    /// (RFC 3830 §3.2, §6.8): its hash function, or `None` to send no CHASH. Default SHA-1
    /// (hash func 0), the one RFC 3830 defines: an RFC 3830-only parser cannot skip hash
    /// func 2 (SHA-256, RFC 6043), whose length it does not know. CHASH only tells the
    /// Responder which of its certificates the envelope key was encrypted to. Received
    /// CHASH payloads are checked with SHA-1 or SHA-256 whatever this says.
    pub chash: Option<crate::chash::HashFunc>,
    /// Also talk to minisip's libmikey where it departs from RFC 3830 / RFC 4738. Off by
    /// default; with it on, the RFC forms are still accepted, and this side additionally:
    /// - accepts a verification message, DH or RSA-R R_MESSAGE whose T is the Responder's
    ///   own clock, within the time window, instead of the echo of the I_MESSAGE's T (RFC
    ///   3830 §5.2, RFC 4738 §3.6);
    /// - checks a V MAC computed over the message ‖ T_i without IDi ‖ IDr, and writes its
    ///   own V MACs that way (they equal the RFC's when no ID payload is sent);
    /// - as RSA-R Initiator, accepts a unicast R_MESSAGE that carries RAND although the
    ///   I_MESSAGE did (keys derived with the I_MESSAGE's RAND), and a SIGNr over the
    ///   R_MESSAGE ‖ IDr ‖ T_r instead of ‖ IDi ‖ IDr ‖ T_i;
    /// - as RSA-R Responder, signs its R_MESSAGE that way (so RFC 4738 Initiators that are
    ///   not libmikey cannot verify it: turn it on only for libmikey receivers).
    pub libmikey_compat: bool,
    /// PKE padding (not signalled on the wire: both ends must agree). RFC 3830 / RFC 4738
    /// use RSAES-PKCS1-v1_5; OAEP is the safer choice where both ends support it.
    pub pke_padding: keying_crypto::RsaEncryptionPadding,
    /// Accept AES-CM-256 (RFC 6043 §6.2, Encr alg 3) as KEMAC encryption. On by default,
    /// as the other RFC 6043 algorithms are. A crypto provider built without AES-256 still
    /// refuses it ([`KmError::EncrRefused`]).
    pub allow_aes_cm_256: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            allow_prf_sha256: true,
            allow_null_encryption: false,
            allow_aes_kw: true,
            allow_hmac_sha256: true,
            time: TimePolicy::default(),
            min_srtp_key_len: 16,
            allow_null_srtp_encryption: false,
            allow_null_srtp_auth: false,
            modes: (1 << 0) | (1 << 2) | (1 << 4) | (1 << 7) | (1 << 9),
            dh_groups: Self::DH_GROUPS_DEFAULT,
            max_rsa_bits: 4096,
            min_rsa_bits: 2048,
            sha1_auth_key_len: 20,
            dhhmac_resp_without_dhi: false,
            first_cs_id: 1,
            sign_hash: keying_crypto::HashAlg::Sha256,
            accept_sha1_signatures: true,
            chash: Some(crate::chash::HashFunc::Sha1),
            libmikey_compat: false,
            sign_type: crate::sign::SType::RsaPkcs1,
            pke_padding: keying_crypto::RsaEncryptionPadding::Pkcs1v15,
            allow_aes_cm_256: true,
        }
    }
}

impl Policy {
    /// The default [`Policy::dh_groups`]: OAKLEY 5 (1536-bit MODP, DH-Group 0) only.
    pub const DH_GROUPS_DEFAULT: u8 = 1 << 0;

    /// Whether `dt` is among the accepted initiating data types.
    pub fn accepts(&self, dt: DataType) -> bool {
        let v = u32::from(dt.to_wire());
        v < 32 && self.modes & (1 << v) != 0
    }

    /// Checks the HDR PRF func.
    pub fn check_prf(&self, prf: PrfFunc) -> Result<(), KmError> {
        match prf {
            PrfFunc::Mikey1 => Ok(()),
            PrfFunc::HmacSha256 if self.allow_prf_sha256 => Ok(()),
            other => Err(KmError::PrfRefused(other)),
        }
    }

    /// Checks a KEMAC Encr alg that carries key data.
    pub fn check_encr(&self, alg: EncrAlg) -> Result<(), KmError> {
        match alg {
            EncrAlg::AesCm128 => Ok(()),
            EncrAlg::AesKw128 if self.allow_aes_kw => Ok(()),
            EncrAlg::AesCm256 if self.allow_aes_cm_256 => Ok(()),
            EncrAlg::Null if self.allow_null_encryption => Ok(()),
            other => Err(KmError::EncrRefused(other)),
        }
    }

    /// Checks a KEMAC / V MAC alg: NULL is never accepted (it authenticates nothing).
    pub fn check_mac(&self, alg: MacAlg) -> Result<(), KmError> {
        match alg {
            MacAlg::HmacSha1_160 => Ok(()),
            MacAlg::HmacSha256_256 if self.allow_hmac_sha256 => Ok(()),
            other => Err(KmError::MacRefused(other)),
        }
    }

    /// Checks an SRTP policy a peer offered or chose (RFC 3830 §6.10.1): the master key
    /// at least [`Policy::min_srtp_key_len`], encryption unless
    /// [`Policy::allow_null_srtp_encryption`], authentication unless
    /// [`Policy::allow_null_srtp_auth`].
    ///
    /// # Errors
    /// [`KmError::Sp`] with [`SpProblem::Param`] naming the refused parameter type (Error
    /// no Invalid SPpar, RFC 3830 §6.12): 1 for a short key, 0 / 7 / 8 for NULL encryption
    /// or SRTP / SRTCP encryption off, 2 / 10 for NULL authentication or SRTP
    /// authentication off.
    pub fn check_srtp(&self, p: &SrtpPolicy) -> Result<(), KmError> {
        let refuse = |t: SrtpParamType| Err(KmError::Sp(SpProblem::Param(t.to_wire())));
        if p.encr_key_len < self.min_srtp_key_len {
            return refuse(SrtpParamType::SessionEncrKeyLen);
        }
        if !self.allow_null_srtp_encryption {
            if p.encr_alg == SrtpEncrAlg::Null {
                return refuse(SrtpParamType::EncrAlg);
            }
            if !p.srtp_encryption {
                return refuse(SrtpParamType::SrtpEncryption);
            }
            if !p.srtcp_encryption {
                return refuse(SrtpParamType::SrtcpEncryption);
            }
        }
        if !self.allow_null_srtp_auth {
            if p.auth_alg == SrtpAuthAlg::Null {
                return refuse(SrtpParamType::AuthAlg);
            }
            if !p.srtp_auth {
                return refuse(SrtpParamType::SrtpAuthentication);
            }
        }
        Ok(())
    }

    /// The hashes a received SIGN is verified with, in the order tried: SHA-256, then SHA-1
    /// when [`Policy::accept_sha1_signatures`]. With PKCS#1 v1.5 the signature names its
    /// hash (DigestInfo), so at most one can match; with PSS each is a separate check.
    pub fn sign_verify_hashes(&self) -> impl Iterator<Item = keying_crypto::HashAlg> {
        use keying_crypto::HashAlg;
        [HashAlg::Sha256, HashAlg::Sha1]
            .into_iter()
            .filter(|h| *h != HashAlg::Sha1 || self.accept_sha1_signatures)
    }

    /// The auth_key length for `alg`.
    pub fn auth_key_len(&self, alg: MacAlg) -> usize {
        match alg {
            MacAlg::HmacSha256_256 => 32,
            _ => self.sha1_auth_key_len,
        }
    }
}

/// Resolves peer identities to keys: the hook a responder (or initiator) calls. Every
/// method defaults to "unknown".
pub trait KeyResolver {
    /// The PSK shared with the peer named by `id_i` (the Initiator's ID data, if sent)
    /// for a message addressed to `id_r` (if sent), borrowed from the resolver's storage:
    /// the roles feed it to the PRF without copying it.
    fn psk(&self, id_i: Option<&[u8]>, id_r: Option<&[u8]>) -> Option<&[u8]> {
        let _ = (id_i, id_r);
        None
    }
}

/// One fixed PSK for every peer.
#[derive(Clone)]
pub struct StaticPsk(pub SecretBuf<MAX_PSK>);

impl StaticPsk {
    /// From key bytes (at most [`MAX_PSK`]).
    pub fn new(psk: &[u8]) -> Result<Self, KmError> {
        SecretBuf::from_slice(psk)
            .map(Self)
            .map_err(|_| KmError::Internal)
    }
}

impl fmt::Debug for StaticPsk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticPsk(<redacted>)")
    }
}

impl KeyResolver for StaticPsk {
    fn psk(&self, _: Option<&[u8]>, _: Option<&[u8]>) -> Option<&[u8]> {
        Some(self.0.expose())
    }
}

/// HMAC alg for a MAC alg.
pub(crate) fn mac_hash(alg: MacAlg) -> Option<HashAlg> {
    match alg {
        MacAlg::HmacSha1_160 => Some(HashAlg::Sha1),
        MacAlg::HmacSha256_256 => Some(HashAlg::Sha256),
        _ => None,
    }
}

/// HMAC over `parts` with `alg`, full length; [`KmError::MacRefused`] for an alg that is
/// not an HMAC or whose hash the provider lacks.
pub(crate) fn mac<S: Symmetric + ?Sized>(
    s: &S,
    alg: MacAlg,
    key: &[u8],
    parts: &[&[u8]],
) -> Result<Digest, KmError> {
    let h = mac_hash(alg).ok_or(KmError::MacRefused(alg))?;
    s.hmac(h, key, parts)
        .checked(h)
        .map_err(|_| KmError::MacRefused(alg))
}

/// Verifies a MAC in constant time.
pub(crate) fn verify_mac<S: Symmetric + ?Sized>(
    s: &S,
    alg: MacAlg,
    key: &[u8],
    parts: &[&[u8]],
    tag: &[u8],
) -> Result<(), KmError> {
    let d = mac(s, alg, key, parts)?;
    let len = alg.mac_len().ok_or(KmError::MacRefused(alg))?;
    if d.ct_eq_truncated(tag, len) {
        Ok(())
    } else {
        Err(KmError::AuthFailed)
    }
}

/// The T value as its wire bytes (8 or 4), for the V MAC input and the AES-CM IV.
pub fn ts_bytes(t: &Timestamp) -> ([u8; 8], usize) {
    let len = t.ts_type.value_len().unwrap_or(8);
    let b = t.value.to_be_bytes();
    let mut out = [0u8; 8];
    let start = 8usize.saturating_sub(len);
    if let (Some(dst), Some(src)) = (out.get_mut(..len), b.get(start..)) {
        dst.copy_from_slice(src);
    }
    (out, len)
}

/// AES-CM IV (KEMAC encryption) of RFC 3830 §4.2.3: `(salt ⊕ (0x0000 ‖ CSB ID ‖ T64)) ‖ 0x0000`.
pub fn aes_cm_iv(salt: &[u8], csb_id: u32, t: &Timestamp) -> [u8; 16] {
    let mut block = [0u8; 14];
    let csb = csb_id.to_be_bytes();
    let tv = t.value64().to_be_bytes();
    for (i, b) in csb.iter().chain(tv.iter()).enumerate() {
        if let Some(d) = block.get_mut(i + 2) {
            *d = *b;
        }
    }
    let mut iv = [0u8; 16];
    for ((d, b), s) in iv.iter_mut().zip(block.iter()).zip(salt.iter()) {
        *d = b ^ s;
    }
    iv
}

/// The KEMAC encr_key length for `alg`, bytes, to pass to [`KemacKeys::derive`]: 32 for
/// AES-CM-256 ("a 256-bit key SHALL be used", RFC 6043 §6.2), 16 otherwise (RFC 3830
/// §4.2.3; NULL uses none).
pub const fn kemac_encr_key_len(alg: EncrAlg) -> usize {
    match alg {
        EncrAlg::AesCm256 => 32,
        _ => 16,
    }
}

/// The AES-KW-128 key wrap IV of RFC 3830 §4.2.3: "The 128-bit key and a 64-bit salt, S,
/// are derived in accordance to Section 4.1.4 and the key wrap IV is then set to S." S is
/// the salt_key (constant 0x29B88916) of 64 bits: the MIKEY PRF's output is a prefix of
/// any longer output, so S is the first 8 bytes of the 112-bit salt_key
/// [`KemacKeys::derive`] gives.
pub fn aes_kw_iv(keys: &KemacKeys) -> Result<[u8; 8], KmError> {
    let mut iv = [0u8; 8];
    iv.copy_from_slice(keys.salt.expose().get(..8).ok_or(KmError::Internal)?);
    Ok(iv)
}

/// The AES-CM key for `alg` (AES-CM-128 or AES-CM-256): `keys.encr`, which must have the
/// algorithm's length. An encr_key derived for the other length is refused, never used
/// with the wrong AES.
fn aes_cm_key(alg: EncrAlg, keys: &KemacKeys) -> Result<&[u8], KmError> {
    let key = keys.encr.expose();
    if key.len() == kemac_encr_key_len(alg) {
        Ok(key)
    } else {
        Err(KmError::EncrRefused(alg))
    }
}

/// A provider error of AES-CM or AES-KW for `alg`: an AES key size the provider was built
/// without (e.g. AES-256 in a firmware build with `aes128` only) refuses the algorithm.
fn encr_error(alg: EncrAlg, e: CryptoError) -> KmError {
    match e {
        CryptoError::Unsupported => KmError::EncrRefused(alg),
        _ => KmError::Internal,
    }
}

/// Encrypts a KEMAC sub-payload chain in place (`buf[..len]`); returns the new length
/// (AES-KW adds 8 bytes, `buf` must have room). AES-CM-128 / AES-CM-256 as RFC 3830
/// §4.2.3 (RFC 6043 §6.2); AES-KW-128 wraps with IV = S ([`aes_kw_iv`]).
pub(crate) fn kemac_encrypt<S: Symmetric + ?Sized>(
    s: &S,
    alg: EncrAlg,
    keys: &KemacKeys,
    csb_id: u32,
    t: &Timestamp,
    buf: &mut [u8],
    len: usize,
) -> Result<usize, KmError> {
    match alg {
        EncrAlg::Null => Ok(len),
        EncrAlg::AesCm128 | EncrAlg::AesCm256 => {
            let key = aes_cm_key(alg, keys)?;
            let iv = aes_cm_iv(keys.salt.expose(), csb_id, t);
            let data = buf.get_mut(..len).ok_or(KmError::Internal)?;
            s.aes_ctr(key, &iv, data).map_err(|e| encr_error(alg, e))?;
            Ok(len)
        }
        EncrAlg::AesKw128 => {
            let iv = aes_kw_iv(keys)?;
            let mut plain =
                SecretBuf::<MAX_KEMAC_PLAIN>::from_slice(buf.get(..len).ok_or(KmError::Internal)?)
                    .map_err(|_| KmError::Internal)?;
            let n = s
                .aes_kw_wrap_with_iv(keys.encr.expose(), &iv, plain.expose(), buf)
                .map_err(|e| match e {
                    CryptoError::Unsupported => KmError::EncrRefused(alg),
                    _ => KmError::KeyData,
                })?;
            plain.clear();
            Ok(n)
        }
        other => Err(KmError::EncrRefused(other)),
    }
}

/// Decrypts a KEMAC payload's Encr data (RFC 3830 §6.2) into a new zeroizing buffer: the
/// plaintext sub-payload chain (key data, and an ID first in PK / RSA-R), to be read with
/// [`crate::psk::read_key_data`]. The same as [`kemac_decrypt_into`] (which the roles
/// use, to keep the 1 KiB buffer in one stack frame), returning the buffer.
///
/// # Errors
/// As [`kemac_decrypt_into`].
pub fn kemac_decrypt<S: Symmetric + ?Sized>(
    s: &S,
    alg: EncrAlg,
    keys: &KemacKeys,
    csb_id: u32,
    t: &Timestamp,
    data: &[u8],
) -> Result<SecretBuf<MAX_KEMAC_PLAIN>, KmError> {
    let mut plain = SecretBuf::new();
    kemac_decrypt_into(s, alg, keys, csb_id, t, data, &mut plain)?;
    Ok(plain)
}

/// Decrypts a KEMAC payload's Encr data (RFC 3830 §6.2) into `plain`: the plaintext
/// sub-payload chain (key data, and an ID first in PK / RSA-R), to be read with
/// [`crate::psk::read_key_data`].
///
/// Every mikey-core role decrypts with this once the KEMAC MAC verified; a caller should
/// do the same (AES-CM has no integrity of its own).
///
/// Arguments:
/// - `s`: the crypto provider.
/// - `alg`: the KEMAC's Encr alg. NULL copies the data; AES-CM-128 is §4.2.3 (key stream
///   with the IV of [`aes_cm_iv`]), AES-CM-256 the same with a 256-bit key (RFC 6043
///   §6.2); AES-KW-128 is RFC 3394 key unwrap (§4.2.3) whose integrity check accepts
///   IV = S ([`aes_kw_iv`], what §4.2.3 says and what this crate sends) or the RFC 3394
///   default IV `A6A6A6A6A6A6A6A6` (what a peer applying RFC 3394 unchanged sends). Both
///   readings are integrity-checked twice: by the KEMAC MAC, verified first, and by the
///   unwrap's 64-bit check.
/// - `keys`: the KEMAC keys (§4.1.4): [`KemacKeys::derive`] from the PSK (PSK mode) or the
///   envelope key (PK, RSA-R) with the message's PRF func, CSB ID and RAND, and an encr_key
///   of [`kemac_encr_key_len`]; `encr` is the AES key and `salt` the IV salt.
/// - `csb_id`, `t`: the common header's CSB ID and the message's T payload (in the AES-CM
///   IV; unused by NULL and AES-KW).
/// - `data`: the KEMAC's Encr data field.
/// - `plain`: receives the plaintext (its previous contents are wiped); empty on error.
///
/// # Errors
/// [`KmError::KeyData`] when `data` is longer than [`MAX_KEMAC_PLAIN`] or, for AES-KW, not
/// a multiple of 8 bytes of at least 24;
/// [`KmError::KeyUnwrapFailed`] when the AES-KW integrity check fails under both IVs
/// (wrong key or altered data: never [`KmError::AuthFailed`], the MAC having verified);
/// [`KmError::EncrRefused`] for an Encr alg this crate does not implement, an encr_key of
/// the wrong length for it, or an AES key size or IV the provider lacks;
/// [`KmError::Internal`] when the provider fails otherwise.
pub fn kemac_decrypt_into<S: Symmetric + ?Sized>(
    s: &S,
    alg: EncrAlg,
    keys: &KemacKeys,
    csb_id: u32,
    t: &Timestamp,
    data: &[u8],
    plain: &mut SecretBuf<MAX_KEMAC_PLAIN>,
) -> Result<(), KmError> {
    plain.clear();
    let r = decrypt_into(s, alg, keys, csb_id, t, data, plain);
    if r.is_err() {
        plain.clear();
    }
    r
}

fn decrypt_into<S: Symmetric + ?Sized>(
    s: &S,
    alg: EncrAlg,
    keys: &KemacKeys,
    csb_id: u32,
    t: &Timestamp,
    data: &[u8],
    plain: &mut SecretBuf<MAX_KEMAC_PLAIN>,
) -> Result<(), KmError> {
    plain
        .extend_from_slice(data)
        .map_err(|_| KmError::KeyData)?;
    match alg {
        EncrAlg::Null => {}
        EncrAlg::AesCm128 | EncrAlg::AesCm256 => {
            let key = aes_cm_key(alg, keys)?;
            let iv = aes_cm_iv(keys.salt.expose(), csb_id, t);
            s.aes_ctr(key, &iv, plain.expose_mut())
                .map_err(|e| encr_error(alg, e))?;
        }
        EncrAlg::AesKw128 => {
            let n = aes_kw_unwrap(s, keys, data, plain.expose_mut())?;
            plain.set_len(n).map_err(|_| KmError::Internal)?;
        }
        other => return Err(KmError::EncrRefused(other)),
    }
    Ok(())
}

/// AES-KW-128 unwrap of `data` into `out` with IV = S, then with the RFC 3394 default IV
/// (see [`kemac_decrypt_into`]); the plaintext length.
fn aes_kw_unwrap<S: Symmetric + ?Sized>(
    s: &S,
    keys: &KemacKeys,
    data: &[u8],
    out: &mut [u8],
) -> Result<usize, KmError> {
    let kek = keys.encr.expose();
    let first = match s.aes_kw_unwrap_with_iv(kek, &aes_kw_iv(keys)?, data, out) {
        Ok(n) => return Ok(n),
        Err(e) => e,
    };
    match (
        first,
        s.aes_kw_unwrap_with_iv(kek, &AES_KW_DEFAULT_IV, data, out),
    ) {
        (_, Ok(n)) => Ok(n),
        (CryptoError::InvalidLength, _) | (_, Err(CryptoError::InvalidLength)) => {
            Err(KmError::KeyData)
        }
        (CryptoError::DecryptFailed, Err(CryptoError::DecryptFailed)) => {
            Err(KmError::KeyUnwrapFailed)
        }
        // The provider cannot check IV = S (or lacks the key size): the wrap may be fine.
        (CryptoError::Unsupported, _) | (_, Err(CryptoError::Unsupported)) => {
            Err(KmError::EncrRefused(EncrAlg::AesKw128))
        }
        _ => Err(KmError::Internal),
    }
}

/// A 16-byte digest identifying an accepted message in the replay cache;
/// [`KmError::Internal`] when the provider has no SHA-256.
pub(crate) fn fingerprint<S: Symmetric + ?Sized>(
    s: &S,
    parts: &[&[u8]],
) -> Result<[u8; 16], KmError> {
    let d = s
        .hash(HashAlg::Sha256, parts)
        .checked(HashAlg::Sha256)
        .map_err(|_| KmError::Internal)?;
    let mut fp = [0u8; 16];
    for (o, b) in fp.iter_mut().zip(d.as_bytes()) {
        *o = *b;
    }
    Ok(fp)
}

/// Copies `src` into a bounded vector.
pub(crate) fn keep<const N: usize>(src: &[u8]) -> Result<heapless::Vec<u8, N>, KmError> {
    heapless::Vec::from_slice(src).map_err(|_| KmError::KeyData)
}

/// The ID payloads' data of a message: first and second ID payload (IDi, IDr in an
/// I_MESSAGE; IDr / IDi per mode in a response).
pub(crate) fn ids<'a>(m: &Message<'a>) -> (Option<&'a [u8]>, Option<&'a [u8]>) {
    let mut it = m.payloads().filter_map(|p| match p.payload {
        Payload::Id(id) => Some(id.data),
        _ => None,
    });
    (it.next(), it.next())
}

/// How to authenticate an Error or verification message.
pub(crate) struct VKey<'k> {
    pub alg: MacAlg,
    pub key: &'k [u8],
    /// Appended after the message: IDi ‖ IDr ‖ T_i (RFC 3830 §5.2).
    pub tail: [&'k [u8]; 3],
}

/// Writes `HDR, T, payloads…, [V]` with the V MAC filled in; returns the length.
pub(crate) fn write_with_v<S: Symmetric + ?Sized>(
    s: &S,
    out: &mut [u8],
    header: &CommonHeader<'_>,
    payloads: &[Payload<'_>],
    v: Option<&VKey<'_>>,
) -> Result<usize, KmError> {
    let zero = [0u8; 32];
    let n = {
        let mut w = MessageWriter::new(out, header);
        for p in payloads {
            w.push(p);
        }
        if let Some(v) = v {
            let len = v.alg.mac_len().ok_or(KmError::MacRefused(v.alg))?;
            w.push(&Payload::V(Verification {
                auth_alg: v.alg,
                ver_data: zero.get(..len).ok_or(KmError::Internal)?,
            }));
        }
        w.finish().map_err(|_| KmError::Internal)?
    };
    if let Some(v) = v {
        let bytes = out.get(..n).ok_or(KmError::Internal)?;
        let m = Message::parse(bytes)?;
        let range = m.verification_mac_range().ok_or(KmError::Internal)?;
        let cov = m.verification_covered().ok_or(KmError::Internal)?;
        let d = mac(
            s,
            v.alg,
            v.key,
            &[cov.first, cov.second, v.tail[0], v.tail[1], v.tail[2]],
        )?;
        let len = range.len();
        let dst = out.get_mut(range).ok_or(KmError::Internal)?;
        dst.copy_from_slice(d.as_bytes().get(..len).ok_or(KmError::Internal)?);
    }
    Ok(n)
}

/// Checks the V payload of a received message against `v`.
pub(crate) fn check_v<S: Symmetric + ?Sized>(
    s: &S,
    m: &Message<'_>,
    v: &VKey<'_>,
) -> Result<(), KmError> {
    let ver = m
        .verification()
        .ok_or(KmError::Message(Error::MissingPayload {
            payload: PayloadType::V,
            data_type: m.data_type(),
        }))?;
    if ver.auth_alg != v.alg {
        return Err(KmError::MacRefused(ver.auth_alg));
    }
    let cov = m.verification_covered().ok_or(KmError::Internal)?;
    verify_mac(
        s,
        v.alg,
        v.key,
        &[cov.first, cov.second, v.tail[0], v.tail[1], v.tail[2]],
        ver.ver_data,
    )
}

/// Writes an Error message (data type 6): `HDR, T, ERR, [V]` answering the message
/// with `csb_id` and timestamp `t` (RFC 3830 §5.1.2), V-protected when `v` is given.
pub(crate) fn write_error<S: Symmetric + ?Sized>(
    s: &S,
    out: &mut [u8],
    csb_id: u32,
    prf_func: PrfFunc,
    t: Timestamp,
    error_no: ErrorNo,
    v: Option<&VKey<'_>>,
) -> Result<usize, KmError> {
    let header = CommonHeader {
        data_type: DataType::Error,
        v: false,
        prf_func,
        csb_id,
        cs_id_map: CsIdMap::SrtpId(List::Items(&[])),
    };
    write_with_v(
        s,
        out,
        &header,
        &[Payload::T(t), Payload::Err(ErrorPayload { error_no })],
        v,
    )
}

/// Reads an Error message received in place of a response.
pub(crate) fn peer_error<S: Symmetric + ?Sized>(
    s: &S,
    m: &Message<'_>,
    v: Option<&VKey<'_>>,
) -> KmError {
    let error_no = m
        .payloads()
        .find_map(|p| match p.payload {
            Payload::Err(e) => Some(e.error_no),
            _ => None,
        })
        .unwrap_or(ErrorNo::Unspecified);
    let authenticated = match v {
        Some(v) if m.verification().is_some() => check_v(s, m, v).is_ok(),
        _ => false,
    };
    KmError::PeerError {
        error_no,
        authenticated,
    }
}

/// An owned copy of an ID payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedId {
    /// ID type.
    pub id_type: crate::id::IdType,
    /// ID data.
    pub data: heapless::Vec<u8, MAX_ID>,
}

impl OwnedId {
    /// Copies an ID.
    pub fn new(id: &Id<'_>) -> Result<Self, KmError> {
        Ok(Self {
            id_type: id.id_type,
            data: keep(id.data)?,
        })
    }

    /// The payload view.
    pub fn view(&self) -> Id<'_> {
        Id {
            id_type: self.id_type,
            data: &self.data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rejection_maps_to_its_error_no() {
        use crate::replay::TsError;
        let cases = [
            (KmError::AuthFailed, ErrorNo::AuthFailure),
            (KmError::Timestamp(TsError::OutOfWindow), ErrorNo::InvalidTs),
            (KmError::Replay, ErrorNo::InvalidTs),
            (
                KmError::PrfRefused(PrfFunc::HmacSha256),
                ErrorNo::InvalidPrf,
            ),
            (KmError::MacRefused(MacAlg::Null), ErrorNo::InvalidMac),
            (KmError::EncrRefused(EncrAlg::Null), ErrorNo::InvalidEa),
            (KmError::HashRefused, ErrorNo::InvalidHa),
            (KmError::DhGroupRefused, ErrorNo::InvalidDh),
            (KmError::DhValueOutOfRange, ErrorNo::InvalidDh),
            (KmError::UnknownIdentity, ErrorNo::InvalidId),
            (KmError::CertRejected, ErrorNo::InvalidCert),
            (KmError::Sp(SpProblem::ProtType), ErrorNo::InvalidSp),
            (KmError::Sp(SpProblem::Param(1)), ErrorNo::InvalidSpPar),
            (
                KmError::UnexpectedDataType(DataType::PskResp),
                ErrorNo::InvalidDt,
            ),
            (KmError::ReplayCacheFull, ErrorNo::Unspecified),
            (KmError::KeyData, ErrorNo::Unspecified),
            (KmError::KeyUnwrapFailed, ErrorNo::InvalidEa),
            (KmError::EncrRefused(EncrAlg::AesCm256), ErrorNo::InvalidEa),
        ];
        for (e, no) in cases {
            assert_eq!(e.error_no(), no, "{e:?}");
        }
    }
}
