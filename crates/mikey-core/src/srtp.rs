//! What a MIKEY exchange hands to SRTP: one security association per crypto session
//! (RFC 3830 §4.1.3 key derivation, §6.10.1 policy), in zeroizing types.

use keying_crypto::{SecretBuf, Symmetric};

use crate::header::{CsIdMap, PrfFunc};
use crate::kdf::{self, C_TEK, C_TGK_SALT, KdfError};
use crate::key_data::KeyValidity;
use crate::list::List;
use crate::sp::{ProtType, Sp, SpParam, SrtpAuthAlg, SrtpEncrAlg, SrtpParamType};

/// Most crypto sessions a bundle may hold in this crate (a role's fixed capacity).
pub const MAX_CS: usize = 8;
/// Longest SRTP master key (AES-256).
pub const MAX_MASTER_KEY: usize = 32;
/// Longest SRTP master salt (112 bits).
pub const MAX_MASTER_SALT: usize = 14;
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

    /// The parameter values in RFC 3830 form (type 3 = auth key length, type 11 = tag
    /// length), for [`SrtpPolicy::to_sp`].
    pub fn param_values(&self) -> [[u8; 1]; 12] {
        [
            [self.encr_alg.to_wire()],
            [self.encr_key_len],
            [self.auth_alg.to_wire()],
            [self.auth_key_len],
            [self.salt_len],
            [self.srtp_prf],
            [u8::try_from(self.kdr).unwrap_or(0)],
            [u8::from(self.srtp_encryption)],
            [u8::from(self.srtcp_encryption)],
            [self.fec_order],
            [u8::from(self.srtp_auth)],
            [self.auth_tag_len],
        ]
    }

    /// The SP payload parameters for `values` (from [`SrtpPolicy::param_values`]).
    pub fn sp_params(values: &[[u8; 1]; 12]) -> [SpParam<'_>; 12] {
        core::array::from_fn(|i| SpParam {
            kind: u8::try_from(i).unwrap_or(0),
            value: values.get(i).map_or(&[][..], |v| &v[..]),
        })
    }

    /// An SP payload over `params` (from [`SrtpPolicy::sp_params`]).
    pub fn to_sp<'a>(policy_no: u8, params: &'a [SpParam<'a>]) -> Sp<'a> {
        Sp {
            policy_no,
            prot_type: ProtType::Srtp,
            params: List::Items(params),
        }
    }
}

/// One SRTP security association created by MIKEY: everything an SRTP library needs.
#[derive(Debug, Clone)]
pub struct SrtpSa {
    /// The crypto session's CS ID (1-based position in the SRTP-ID map, RFC 3830 §6.1.1;
    /// see [`crate::exchange::Policy::first_cs_id`]).
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

/// Key material carried for the bundle: a TGK (keys derived per CS) or TEKs.
pub(crate) enum Keying<'k> {
    /// A TGK and optionally a transported salt.
    Tgk {
        tgk: &'k [u8],
        salt: Option<&'k [u8]>,
    },
    /// One TEK (and salt) per crypto session, in map order.
    Teks(&'k [(&'k [u8], Option<&'k [u8]>)]),
}

/// Why SRTP keys cannot be produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SaError {
    Kdf(KdfError),
    Sp(SpProblem),
    /// No SP payload for a policy number, not an SRTP-ID map, too many CS, or a TEK of
    /// the wrong length.
    Shape,
}

/// Builds the SAs of a bundle: per CS of the SRTP-ID map, the policy with its number
/// (default policy when no SP names it) and the keys.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build_sas<'m, S: Symmetric + ?Sized>(
    s: &S,
    prf_func: PrfFunc,
    map: &CsIdMap<'_>,
    sp_for: impl Fn(u8) -> Option<Sp<'m>>,
    keying: &Keying<'_>,
    csb_id: u32,
    rand: &[u8],
    kv: &KeyValidity<'_>,
    first_cs_id: u8,
) -> Result<SrtpSas, SaError> {
    let CsIdMap::SrtpId(list) = map else {
        return Err(SaError::Shape);
    };
    let mut out = SrtpSas::new();
    for (i, cs) in list.iter().enumerate() {
        let cs_id = u8::try_from(i + usize::from(first_cs_id)).map_err(|_| SaError::Shape)?;
        let policy = match sp_for(cs.policy_no) {
            Some(sp) => SrtpPolicy::from_sp(&sp).map_err(SaError::Sp)?,
            None => SrtpPolicy::DEFAULT,
        };
        let klen = usize::from(policy.encr_key_len);
        let slen = usize::from(policy.salt_len);
        let mut master_key = SecretBuf::<MAX_MASTER_KEY>::new();
        let mut master_salt = SecretBuf::<MAX_MASTER_SALT>::new();
        match *keying {
            Keying::Tgk { tgk, salt } => {
                let k = kdf::derive(s, prf_func, tgk, C_TEK, cs_id, csb_id, rand, klen)
                    .map_err(SaError::Kdf)?;
                master_key
                    .extend_from_slice(k.expose())
                    .map_err(|_| SaError::Shape)?;
                // RFC 3830 §4.1.3: a salt transported with the TGK is used as the salting
                // key; otherwise it is derived.
                let derived;
                let salt_bytes = match salt {
                    Some(sb) => sb.get(..slen).ok_or(SaError::Shape)?,
                    None => {
                        derived =
                            kdf::derive(s, prf_func, tgk, C_TGK_SALT, cs_id, csb_id, rand, slen)
                                .map_err(SaError::Kdf)?;
                        derived.expose()
                    }
                };
                master_salt
                    .extend_from_slice(salt_bytes)
                    .map_err(|_| SaError::Shape)?;
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
        let mut mki = heapless::Vec::new();
        if let KeyValidity::Spi(spi) = kv {
            mki.extend_from_slice(spi).map_err(|_| SaError::Shape)?;
        }
        out.push(SrtpSa {
            cs_id,
            policy_no: cs.policy_no,
            ssrc: cs.ssrc,
            roc: cs.roc,
            master_key,
            master_salt,
            mki,
            policy,
        })
        .map_err(|_| SaError::Shape)?;
    }
    Ok(out)
}
