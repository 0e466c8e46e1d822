//! Receiver policy: which modes, algorithms and sizes a role accepts, and the sizes a
//! role keeps.

use crate::error::KmError;
use crate::replay::TimePolicy;
use crate::srtp::{SpProblem, SrtpPolicy};
use crate::wire::dh::DhGroup;
use crate::wire::header::DataType;
use crate::wire::header::PrfFunc;
use crate::wire::kemac::{EncrAlg, MacAlg};
use crate::wire::sp::{SrtpAuthAlg, SrtpEncrAlg, SrtpParamType};

/// Largest plaintext KEMAC sub-payload chain a role handles (key data, IDs).
pub const MAX_KEMAC_PLAIN: usize = 1024;
/// Longest PSK a [`crate::hooks::StaticPsk`] holds.
pub const MAX_PSK: usize = 256;
/// Longest RAND a role keeps.
pub const MAX_RAND: usize = 64;
/// Longest identity (ID payload data) a role keeps.
pub const MAX_ID: usize = 128;

/// Receiver policy: which modes, algorithms and sizes a role accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Accept PRF-HMAC-SHA-256 (RFC 6043) besides MIKEY-1.
    pub allow_prf_sha256: bool,
    /// Accept KEMAC Encr alg NULL (cleartext key data under a MAC). Off by default: a
    /// message downgraded to NULL is [`KmError::EncrRefused`].
    pub allow_null_encryption: bool,
    /// Accept AES-KW-128 (RFC 3830 §4.2.3; see [`crate::protect::kemac_decrypt_into`] for the IVs).
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
    /// Accepted modes, named by their initiating data types (see [`Policy::accepts`]).
    pub modes: Modes,
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
    /// `dh_groups: Policy::DH_GROUPS_DEFAULT.with(DhGroup::Oakley2)`.
    pub dh_groups: DhGroups,
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
    pub sign_type: crate::wire::sign::SType,
    /// The CHASH payload a PK Initiator sends when it is given the Responder's certificate
    /// (RFC 3830 §3.2, §6.8): its hash function, or `None` to send no CHASH. Default SHA-1
    /// (hash func 0), the one RFC 3830 defines: an RFC 3830-only parser cannot skip hash
    /// func 2 (SHA-256, RFC 6043), whose length it does not know. CHASH only tells the
    /// Responder which of its certificates the envelope key was encrypted to. Received
    /// CHASH payloads are checked with SHA-1 or SHA-256 whatever this says.
    pub chash: Option<crate::wire::chash::HashFunc>,
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
    /// **Insecure**: accept a PSK I_MESSAGE whose KEMAC has Encr alg NULL *and* MAC alg
    /// NULL (RFC 3830 §6.2): the key data travels in the clear and nothing in the message
    /// is authenticated, so anyone who sees it learns the SRTP keys and anyone on the path
    /// can replace them. No PSK is looked up and none is needed; the SAs are taken from the
    /// key data as sent, bound to no authenticated peer ([`crate::Accepted::peer`] is
    /// `None`), and no verification message can be sent (a V flag is refused). Timestamp
    /// window, replay cache and SRTP policy checks still apply. Off by default: such a
    /// message is refused with [`KmError::MacRefused`] (a NULL MAC authenticates nothing).
    /// This is the only form some RTSP / SDP peers send (GStreamer's RTSP server puts its
    /// SRTP key in `a=key-mgmt:mikey` this way); turn it on only where the signalling
    /// channel itself is confidential and authenticated (e.g. RTSP over TLS), or for tests.
    pub insecure_accept_unprotected_kemac: bool,
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
            modes: Modes::ALL,
            dh_groups: Self::DH_GROUPS_DEFAULT,
            max_rsa_bits: 4096,
            min_rsa_bits: 2048,
            sha1_auth_key_len: 20,
            dhhmac_resp_without_dhi: false,
            first_cs_id: 1,
            sign_hash: keying_crypto::HashAlg::Sha256,
            accept_sha1_signatures: true,
            chash: Some(crate::wire::chash::HashFunc::Sha1),
            libmikey_compat: false,
            sign_type: crate::wire::sign::SType::RsaPkcs1,
            pke_padding: keying_crypto::RsaEncryptionPadding::Pkcs1v15,
            allow_aes_cm_256: true,
            insecure_accept_unprotected_kemac: false,
        }
    }
}

impl Policy {
    /// The default [`Policy::dh_groups`]: OAKLEY 5 (1536-bit MODP, DH-Group 0) only.
    pub const DH_GROUPS_DEFAULT: DhGroups = DhGroups::OAKLEY5;

    /// `self` with RFC 3830's mandatory algorithms only (§4.2: PRF MIKEY-1, MAC
    /// HMAC-SHA-1-160, Encr AES-CM-128): PRF-HMAC-SHA-256, HMAC-SHA-256-256, AES-KW-128
    /// and AES-CM-256 refused by name. For firmware whose provider is built with SHA-1 and
    /// AES-128 alone (keying-crypto features `sha1`, `aes128`).
    pub const fn mandatory_algorithms_only(self) -> Self {
        Self {
            allow_prf_sha256: false,
            allow_hmac_sha256: false,
            allow_aes_kw: false,
            allow_aes_cm_256: false,
            ..self
        }
    }

    /// Whether `dt` is among the accepted initiating data types.
    pub fn accepts(&self, dt: DataType) -> bool {
        self.modes.contains(dt)
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

    /// Whether a PSK I_MESSAGE whose KEMAC has `encr` and `mac` is taken in its
    /// NULL-protected form (no PSK, no MAC checked): only both NULL, and only under
    /// [`Policy::insecure_accept_unprotected_kemac`].
    pub fn takes_unprotected_kemac(&self, encr: EncrAlg, mac: MacAlg) -> bool {
        self.insecure_accept_unprotected_kemac && encr == EncrAlg::Null && mac == MacAlg::Null
    }

    /// Checks a KEMAC / V MAC alg: NULL is never accepted (it authenticates nothing). The
    /// NULL-protected PSK I_MESSAGE of [`Policy::insecure_accept_unprotected_kemac`] is
    /// handled apart and never reaches this check.
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

/// A set of MIKEY modes, named by their initiating data types (RFC 3830 §6.1: PSK 0, PK 2,
/// DH 4; RFC 4650: DHHMAC 7; RFC 4738: RSA-R 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Modes(u32);

impl Modes {
    /// No mode.
    pub const NONE: Self = Self(0);
    /// Pre-shared key (data type 0).
    pub const PSK: Self = Self(1 << 0);
    /// Public-key encryption (data type 2).
    pub const PK: Self = Self(1 << 2);
    /// Signed Diffie-Hellman (data type 4).
    pub const DH: Self = Self(1 << 4);
    /// DH with HMAC authentication (data type 7).
    pub const DHHMAC: Self = Self(1 << 7);
    /// Reverse RSA (data type 9).
    pub const RSA_R: Self = Self(1 << 9);
    /// Every mode this crate implements (the default).
    pub const ALL: Self = Self::PSK
        .union(Self::PK)
        .union(Self::DH)
        .union(Self::DHHMAC)
        .union(Self::RSA_R);

    /// Both sets.
    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// This set with the mode whose I_MESSAGE is of data type `dt`.
    #[must_use]
    pub const fn with(self, dt: DataType) -> Self {
        let v = dt.to_wire();
        if v < 32 { Self(self.0 | 1 << v) } else { self }
    }

    /// This set without the mode of data type `dt`.
    #[must_use]
    pub const fn without(self, dt: DataType) -> Self {
        let v = dt.to_wire();
        if v < 32 {
            Self(self.0 & !(1 << v))
        } else {
            self
        }
    }

    /// Whether the set holds the mode of data type `dt`.
    #[must_use]
    pub const fn contains(self, dt: DataType) -> bool {
        let v = dt.to_wire();
        v < 32 && self.0 & (1 << v) != 0
    }
}

/// A set of MIKEY DH groups (RFC 3830 §6.4 numbering).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DhGroups(u8);

impl DhGroups {
    /// No group.
    pub const NONE: Self = Self(0);
    /// OAKLEY 5, 1536-bit MODP (DH-Group 0).
    pub const OAKLEY5: Self = Self(1 << 0);
    /// OAKLEY 1, 768-bit MODP (DH-Group 1): weak, see [`Policy::dh_groups`].
    pub const OAKLEY1: Self = Self(1 << 1);
    /// OAKLEY 2, 1024-bit MODP (DH-Group 2): weak, see [`Policy::dh_groups`].
    pub const OAKLEY2: Self = Self(1 << 2);
    /// The three groups RFC 3830 defines.
    pub const ALL: Self = Self::OAKLEY5.union(Self::OAKLEY1).union(Self::OAKLEY2);

    /// Both sets.
    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// This set with `group`.
    #[must_use]
    pub const fn with(self, group: DhGroup) -> Self {
        let g = group.to_wire();
        if g < 8 { Self(self.0 | 1 << g) } else { self }
    }

    /// Whether the set holds `group`.
    #[must_use]
    pub const fn contains(self, group: DhGroup) -> bool {
        let g = group.to_wire();
        g < 8 && self.0 & (1 << g) != 0
    }
}
