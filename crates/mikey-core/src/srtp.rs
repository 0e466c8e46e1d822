//! What a MIKEY exchange hands to SRTP: one security association per crypto session
//! (RFC 3830 §4.1.3 key derivation, §6.10.1 policy), in zeroizing types.

use keying_crypto::{SecretBuf, Symmetric};

use crate::kdf::{self, C_TEK, C_TGK_SALT, KdfError};
use crate::wire::header::{CsIdMap, PrfFunc};
use crate::wire::key_data::KeyValidity;
use crate::wire::list::List;
use crate::wire::message::Message;
use crate::wire::sp::{ProtType, Sp, SrtpAuthAlg, SrtpEncrAlg, SrtpParamType};
use crate::wire::{Payload, PayloadType};

/// Most crypto sessions a bundle may hold in this crate (a role's fixed capacity).
pub const MAX_CS: usize = 8;
/// Longest SRTP master key (AES-256).
pub const MAX_MASTER_KEY: usize = 32;
/// Longest SRTP master salt (112 bits).
pub const MAX_MASTER_SALT: usize = 14;

/// The length of [`SrtpPolicy::sp_wire`]: 12 parameters of 3 bytes.
pub const SP_WIRE_LEN: usize = 36;
/// Longest MKI / SPI kept.
pub const MAX_MKI: usize = 16;

/// The negotiated SRTP policy of one crypto session (RFC 3830 §6.10.1; defaults of
/// RFC 3711 for absent parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SrtpPolicy {
    /// SRTP encryption algorithm (type 0).
    pub encr_alg: SrtpEncrAlg,
    /// Session encryption key length = master key length, bytes (type 1).
    pub encr_key_len: u8,
    /// SRTP authentication algorithm (type 2).
    pub auth_alg: SrtpAuthAlg,
    /// Session authentication key length, bytes (type 3).
    pub auth_key_len: u8,
    /// Session salt length = master salt length, bytes (type 4).
    pub salt_len: u8,
    /// SRTP PRF (type 5; 0 = AES-CM).
    pub srtp_prf: u8,
    /// Key derivation rate (type 6; 0 = derive once).
    pub kdr: u64,
    /// SRTP encryption on (type 7).
    pub srtp_encryption: bool,
    /// SRTCP encryption on (type 8).
    pub srtcp_encryption: bool,
    /// Sender's FEC order (type 9).
    pub fec_order: u8,
    /// SRTP authentication on (type 10).
    pub srtp_auth: bool,
    /// Authentication tag length, bytes (type 11; or a GStreamer-style type 3 of 4 / 10).
    pub auth_tag_len: u8,
    /// SRTP prefix length (type 12).
    pub prefix_len: u8,
}

/// Why an SP payload cannot be used (RFC 3830 §6.12: Invalid SP / Invalid SPpar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpProblem {
    /// Prot type other than SRTP (Error no 9).
    ProtType,
    /// A parameter value outside what this crate supports (Error no 10).
    Param(u8),
}

impl SrtpPolicy {
    /// AES_CM_128_HMAC_SHA1_80 (the RFC 3711 defaults).
    pub const DEFAULT: Self = Self {
        encr_alg: SrtpEncrAlg::AesCm,
        encr_key_len: 16,
        auth_alg: SrtpAuthAlg::HmacSha1,
        auth_key_len: 20,
        salt_len: 14,
        srtp_prf: 0,
        kdr: 0,
        srtp_encryption: true,
        srtcp_encryption: true,
        fec_order: 0,
        srtp_auth: true,
        auth_tag_len: 10,
        prefix_len: 0,
    };

    /// The policy an SRTP SP payload describes; absent parameters keep their default.
    pub fn from_sp(sp: &Sp<'_>) -> Result<Self, SpProblem> {
        if sp.prot_type != ProtType::Srtp {
            return Err(SpProblem::ProtType);
        }
        let mut p = Self::DEFAULT;
        let mut saw_tag = false;
        for param in sp.params.iter() {
            let v = param.uint().ok_or(SpProblem::Param(param.kind))?;
            let bad = SpProblem::Param(param.kind);
            let byte = u8::try_from(v).map_err(|_| bad)?;
            match param.srtp_type() {
                SrtpParamType::EncrAlg => p.encr_alg = SrtpEncrAlg::from(byte),
                SrtpParamType::SessionEncrKeyLen => p.encr_key_len = byte,
                SrtpParamType::AuthAlg => p.auth_alg = SrtpAuthAlg::from(byte),
                SrtpParamType::SessionAuthKeyLen => p.auth_key_len = byte,
                SrtpParamType::SessionSaltKeyLen => p.salt_len = byte,
                SrtpParamType::SrtpPrf => p.srtp_prf = byte,
                SrtpParamType::KeyDerivationRate => p.kdr = v,
                SrtpParamType::SrtpEncryption => p.srtp_encryption = v != 0,
                SrtpParamType::SrtcpEncryption => p.srtcp_encryption = v != 0,
                SrtpParamType::FecOrder => p.fec_order = byte,
                SrtpParamType::SrtpAuthentication => p.srtp_auth = v != 0,
                SrtpParamType::AuthTagLen => {
                    p.auth_tag_len = byte;
                    saw_tag = true;
                }
                SrtpParamType::SrtpPrefixLen => p.prefix_len = byte,
                _ => {}
            }
        }
        // GStreamer-style: tag length in type 3, no type 11.
        if !saw_tag && matches!(p.auth_key_len, 4 | 10) {
            p.auth_tag_len = p.auth_key_len;
            p.auth_key_len = 20;
        }
        let key_ok = matches!(p.encr_key_len, 16 | 24 | 32);
        if !key_ok {
            return Err(SpProblem::Param(SrtpParamType::SessionEncrKeyLen.to_wire()));
        }
        if usize::from(p.salt_len) > MAX_MASTER_SALT || p.salt_len == 0 {
            return Err(SpProblem::Param(SrtpParamType::SessionSaltKeyLen.to_wire()));
        }
        Ok(p)
    }

    /// The SP payload's parameters for this policy as wire bytes, in RFC 3830 form (§6.10.1:
    /// types 0 to 11, each with length 1; type 3 = auth key length, type 11 = tag length),
    /// for [`SrtpPolicy::to_sp`].
    pub fn sp_wire(&self) -> [u8; SP_WIRE_LEN] {
        let values = [
            self.encr_alg.to_wire(),
            self.encr_key_len,
            self.auth_alg.to_wire(),
            self.auth_key_len,
            self.salt_len,
            self.srtp_prf,
            u8::try_from(self.kdr).unwrap_or(0),
            u8::from(self.srtp_encryption),
            u8::from(self.srtcp_encryption),
            self.fec_order,
            u8::from(self.srtp_auth),
            self.auth_tag_len,
        ];
        let mut wire = [0u8; SP_WIRE_LEN];
        for ((kind, value), param) in (0u8..).zip(values).zip(wire.chunks_exact_mut(3)) {
            param.copy_from_slice(&[kind, 1, value]);
        }
        wire
    }

    /// The policy numbered `no` among `policies` as the receiver of its SP payload reads
    /// it ([`SrtpPolicy::from_sp`] of [`SrtpPolicy::sp_wire`]: what both ends key with),
    /// [`SrtpPolicy::DEFAULT`] when `policies` has none with that number.
    ///
    /// # Errors
    /// What [`SrtpPolicy::from_sp`] refuses in it.
    pub fn offered(policies: &[(u8, Self)], no: u8) -> Result<Self, SpProblem> {
        match policies.iter().find(|(n, _)| *n == no) {
            Some((_, p)) => Self::from_sp(&Self::to_sp(no, &p.sp_wire())),
            None => Ok(Self::DEFAULT),
        }
    }

    /// The policy numbered `no` that the message `m` offers: its SP payload with that
    /// number read with [`SrtpPolicy::from_sp`], [`SrtpPolicy::DEFAULT`] when it has none.
    ///
    /// # Errors
    /// What [`SrtpPolicy::from_sp`] refuses in the SP payload.
    pub fn offered_in<const PS: u32>(m: &Message<'_, PS>, no: u8) -> Result<Self, SpProblem> {
        let sp = m
            .payloads_with(PayloadType::Sp)
            .find_map(|p| match p.payload {
                Payload::Sp(sp) if sp.policy_no == no => Some(sp),
                _ => None,
            });
        match sp {
            Some(sp) => Self::from_sp(&sp),
            None => Ok(Self::DEFAULT),
        }
    }

    /// An SRTP SP payload numbered `policy_no` over `wire` (from [`SrtpPolicy::sp_wire`]).
    pub fn to_sp(policy_no: u8, wire: &[u8; SP_WIRE_LEN]) -> Sp<'_> {
        Sp {
            policy_no,
            prot_type: ProtType::Srtp,
            params: List::Wire(wire),
        }
    }
}

/// One SRTP security association created by MIKEY: everything an SRTP library needs.
#[derive(Debug, Clone)]
pub struct SrtpSa {
    /// The crypto session's CS ID (1-based position in the SRTP-ID map, RFC 3830 §6.1.1;
    /// see [`crate::policy::Policy::first_cs_id`]).
    pub cs_id: u8,
    /// The policy number in the CS ID map.
    pub policy_no: u8,
    /// The stream's SSRC (0 = not yet known).
    pub ssrc: u32,
    /// The stream's rollover counter at key installation.
    pub roc: u32,
    /// SRTP master key (TEK).
    pub master_key: SecretBuf<MAX_MASTER_KEY>,
    /// SRTP master salt.
    pub master_salt: SecretBuf<MAX_MASTER_SALT>,
    /// MKI (from the key data's KV SPI), empty when none.
    pub mki: heapless::Vec<u8, MAX_MKI>,
    /// The negotiated policy.
    pub policy: SrtpPolicy,
}

impl SrtpSa {
    /// Whether both ends hold the same keys, stream and policy (constant time on the keys).
    pub fn same_keys(&self, other: &Self) -> bool {
        let k = self.master_key.ct_eq(other.master_key.expose());
        let s = self.master_salt.ct_eq(other.master_salt.expose());
        k & s
            & (self.cs_id == other.cs_id)
            & (self.ssrc == other.ssrc)
            & (self.roc == other.roc)
            & (self.policy == other.policy)
            & (self.mki == other.mki)
    }
}

/// The security associations of a crypto session bundle.
pub type SrtpSas = heapless::Vec<SrtpSa, MAX_CS>;

/// Key material carried for the bundle (the decrypted KEMAC key data, RFC 3830 §6.13):
/// a TGK from which each crypto session's keys are derived, or the TEKs themselves.
///
/// Read from a decrypted KEMAC chain by [`crate::steps::key_data::read_key_data`]; turned into SAs by
/// [`build_sas`].
#[derive(Clone, Copy)]
pub enum Keying<'k> {
    /// A TGK (key data type TGK or TGK+SALT), from which the TEK and salt of every crypto
    /// session are derived (RFC 3830 §4.1.3).
    Tgk {
        /// The TGK.
        tgk: &'k [u8],
        /// The salt sent with it (TGK+SALT), used as the SRTP master salt; `None` derives
        /// the salt with the §4.1.3 salting-key constant.
        salt: Option<&'k [u8]>,
    },
    /// One TEK (key data type TEK or TEK+SALT) and its salt per crypto session, in map
    /// order; the last one serves any further sessions. A TEK without a salt may be the
    /// de-facto `key ‖ salt` (GStreamer, Live555, ONVIF).
    Teks(&'k [(&'k [u8], Option<&'k [u8]>)]),
}

impl core::fmt::Debug for Keying<'_> {
    /// Shows the kind and lengths only, never key bytes.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Tgk { tgk, salt } => f
                .debug_struct("Tgk")
                .field("tgk_len", &tgk.len())
                .field("salt_len", &salt.map(<[u8]>::len))
                .finish(),
            Self::Teks(teks) => f.debug_tuple("Teks").field(&teks.len()).finish(),
        }
    }
}

/// Why [`build_sas`] cannot produce SRTP keys. A role reports it as
/// [`crate::error::KmError`] (`From`): `Kdf` as a PRF / key data error, `Sp` as
/// Error no 9 / 10 (RFC 3830 §6.12), `Shape` as [`crate::error::KmError::KeyData`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaError {
    /// The §4.1.2 PRF could not run: unknown PRF func, empty TGK, a key longer than
    /// [`kdf::MAX_OUT`] or a RAND longer than [`kdf::MAX_RAND_LEN`].
    Kdf(KdfError),
    /// An SP payload named by the CS ID map is not a usable SRTP policy (§6.10.1).
    Sp(SpProblem),
    /// The CS ID map is not an SRTP-ID map, it has more than [`MAX_CS`] sessions, or a
    /// TEK / salt / MKI does not fit the policy (wrong length, too long).
    Shape,
}

/// What the SRTP SAs of a bundle are derived from (RFC 3830 §4.1.3, §6.1, §6.13): the input
/// of [`build_sas`].
#[derive(Clone, Copy)]
pub struct SaInputs<'a, F> {
    /// The common header's PRF func (§6.1).
    pub prf_func: PrfFunc,
    /// The common header's CS ID map; only SRTP-ID maps are supported.
    pub map: &'a CsIdMap<'a>,
    /// The SRTP policy for a policy number: for a message, its SP payload with that
    ///   `policy_no` read with [`SrtpPolicy::from_sp`], [`SrtpPolicy::DEFAULT`] when it has
    ///   none ([`SrtpPolicy::offered`] for an offer's policies).
    pub policy_for: F,
    /// The TGK or the TEKs ([`Keying`]). With a TGK, each session's master key is
    ///   `PRF(TGK, label(C_TEK, cs_id, CSB ID, RAND))` and its salt the transported salt or
    ///   `PRF(TGK, label(C_TGK_SALT, …))` (§4.1.3), with the lengths of its policy.
    pub keying: &'a Keying<'a>,
    /// The common header's CSB ID (in the §4.1.3 label).
    pub csb_id: u32,
    /// The RAND payload's value (in the label; unused for TEKs).
    pub rand: &'a [u8],
    /// The key data's Key validity (§6.13); an SPI becomes every SA's MKI.
    pub kv: &'a KeyValidity<'a>,
    /// The CS ID of the first map entry in the label: 1 per §6.1.1 (see
    ///   [`crate::policy::Policy::first_cs_id`]).
    pub first_cs_id: u8,
}

impl<F> core::fmt::Debug for SaInputs<'_, F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SaInputs")
            .field("prf_func", &self.prf_func)
            .field("csb_id", &self.csb_id)
            .field("first_cs_id", &self.first_cs_id)
            .finish_non_exhaustive()
    }
}

/// Builds the SRTP SAs of a crypto session bundle from its key data: for each entry of the
/// SRTP-ID map (RFC 3830 §6.1.1), the policy its policy number names (§6.10.1; the
/// RFC 3711 defaults when no SP payload names it) and its master key and salt.
///
/// Every mikey-core role calls this once its KEMAC is verified and decrypted; it is public
/// so that a tool holding a parsed [`crate::Message`] and the decrypted key data
/// ([`crate::protect::kemac_decrypt`], [`crate::steps::key_data::read_key_data`]) gets the very keys
/// a Responder would.
///
/// `s` is the crypto provider (the PRF's HMAC); `inputs` says what the SAs are derived
/// from ([`SaInputs`]).
///
/// # Errors
/// [`SaError::Shape`] for a map other than SRTP-ID, more than [`MAX_CS`] sessions, no TEK
/// or one whose length does not match its policy (`key`, or `key ‖ salt` without a salt),
/// a transported salt shorter than the policy's, or an MKI longer than [`MAX_MKI`];
/// [`SaError::Sp`] for an SP payload that is not a usable SRTP policy;
/// [`SaError::Kdf`] when the PRF cannot run.
#[inline]
pub fn build_sas<S: Symmetric + ?Sized, F: Fn(u8) -> Result<SrtpPolicy, SpProblem>>(
    s: &S,
    inputs: &SaInputs<'_, F>,
) -> Result<SrtpSas, SaError> {
    let mut out = SrtpSas::new();
    build_sas_into(s, inputs, &mut out)?;
    Ok(out)
}

/// [`build_sas`] into `out` (its previous SAs are dropped, which wipes their keys; empty
/// on error): what the roles call, so that the SAs (about 1 KiB for [`MAX_CS`]) are built
/// where they are returned instead of being moved through the stack.
///
/// # Errors
/// As [`build_sas`].
#[inline]
pub fn build_sas_into<S: Symmetric + ?Sized, F: Fn(u8) -> Result<SrtpPolicy, SpProblem>>(
    s: &S,
    inputs: &SaInputs<'_, F>,
    out: &mut SrtpSas,
) -> Result<(), SaError> {
    out.clear();
    let r = push_sas(s, inputs, out);
    if r.is_err() {
        out.clear();
    }
    r
}

fn push_sas<S: Symmetric + ?Sized, F: Fn(u8) -> Result<SrtpPolicy, SpProblem>>(
    s: &S,
    inputs: &SaInputs<'_, F>,
    out: &mut SrtpSas,
) -> Result<(), SaError> {
    let CsIdMap::SrtpId(list) = inputs.map else {
        return Err(SaError::Shape);
    };
    for (i, cs) in list.iter().enumerate() {
        let cs_id =
            u8::try_from(i + usize::from(inputs.first_cs_id)).map_err(|_| SaError::Shape)?;
        let policy = (inputs.policy_for)(cs.policy_no).map_err(SaError::Sp)?;
        let klen = usize::from(policy.encr_key_len);
        let slen = usize::from(policy.salt_len);
        // Each SA is built in place in `out` (on failure `build_sas_into` clears `out`):
        // no key copies on the stack.
        out.push(SrtpSa {
            cs_id,
            policy_no: cs.policy_no,
            ssrc: cs.ssrc,
            roc: cs.roc,
            master_key: SecretBuf::new(),
            master_salt: SecretBuf::new(),
            mki: heapless::Vec::new(),
            policy,
        })
        .map_err(|_| SaError::Shape)?;
        let sa = out.last_mut().ok_or(SaError::Shape)?;
        let (master_key, master_salt) = (&mut sa.master_key, &mut sa.master_salt);
        match *inputs.keying {
            Keying::Tgk { tgk, salt } => {
                // Derived straight into the SA's buffers, the TGK keyed once for both.
                // RFC 3830 §4.1.3: a salt transported with the TGK is used as the salting
                // key; otherwise it is derived.
                master_key.set_len(klen).map_err(|_| SaError::Shape)?;
                let d = kdf::Derivation::new(inputs.prf_func, tgk, inputs.csb_id, inputs.rand);
                match salt {
                    Some(sb) => {
                        master_salt
                            .extend_from_slice(sb.get(..slen).ok_or(SaError::Shape)?)
                            .map_err(|_| SaError::Shape)?;
                        kdf::derive_many(s, &d, &mut [(C_TEK, cs_id, master_key.expose_mut())])
                    }
                    None => {
                        master_salt.set_len(slen).map_err(|_| SaError::Shape)?;
                        kdf::derive_many(
                            s,
                            &d,
                            &mut [
                                (C_TEK, cs_id, master_key.expose_mut()),
                                (C_TGK_SALT, cs_id, master_salt.expose_mut()),
                            ],
                        )
                    }
                }
                .map_err(SaError::Kdf)?;
            }
            Keying::Teks(teks) => {
                let (tek, salt) = teks.get(i).or(teks.last()).ok_or(SaError::Shape)?;
                match salt {
                    Some(sb) if tek.len() == klen && sb.len() == slen => {
                        master_key
                            .extend_from_slice(tek)
                            .map_err(|_| SaError::Shape)?;
                        master_salt
                            .extend_from_slice(sb)
                            .map_err(|_| SaError::Shape)?;
                    }
                    // De-facto "TEK = key ‖ salt" (GStreamer, Live555, ONVIF).
                    None if tek.len() == klen + slen => {
                        let (k, sl) = tek.split_at(klen);
                        master_key
                            .extend_from_slice(k)
                            .map_err(|_| SaError::Shape)?;
                        master_salt
                            .extend_from_slice(sl)
                            .map_err(|_| SaError::Shape)?;
                    }
                    _ => return Err(SaError::Shape),
                }
            }
        }
        if let KeyValidity::Spi(spi) = inputs.kv {
            sa.mki.extend_from_slice(spi).map_err(|_| SaError::Shape)?;
        }
    }
    Ok(())
}

impl core::fmt::Display for SpProblem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::ProtType => f.write_str("security policy for a protocol other than SRTP"),
            Self::Param(t) => write!(f, "unsupported SRTP policy parameter (type {t})"),
        }
    }
}

impl core::error::Error for SpProblem {}

impl core::fmt::Display for SaError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Kdf(e) => write!(f, "SRTP key derivation: {e}"),
            Self::Sp(p) => write!(f, "SRTP policy: {p}"),
            Self::Shape => f.write_str(
                "CS ID map or key data unusable for SRTP (map type, session count or key length)",
            ),
        }
    }
}

impl core::error::Error for SaError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Kdf(e) => Some(e),
            Self::Sp(p) => Some(p),
            Self::Shape => None,
        }
    }
}
