//! Shared by the `hokey_*` targets: the committed send-hokey vectors, the addresses of the
//! RFC 5269 exchange of tests/vectors/send-hokey, the RSA keys (loaded once per process: loading is slow), the control
//! octet every role target starts with, and the fix-ups that let mutated messages get past
//! the checksum, the RSA signature and the BADF authenticator.
#![allow(dead_code)]

use send_hokey::badf::BadfKey;
use send_hokey::send::SendSigner;
use std::{net::Ipv6Addr, sync::OnceLock};

use keying_crypto::{
    Rng,
    rustcrypto::{HashDrbg, RsaPrivate, RustCrypto},
};
use send_hokey::{
    Time,
    ar::Received,
    badf,
    send::{self, MAX_SIGNATURE_LEN},
    wire::AuthAlgorithm,
    wire::checksum::{NEXT_HEADER_MOBILITY, pseudo_header_checksum},
    wire::fbu::{MH_CHECKSUM_OFFSET, MobilityMessage},
    wire::{NdOption, NdOptionIter},
};

macro_rules! vector {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/vectors/send-hokey/",
            $name
        ))
    };
}

pub const RTSOLPR: &[u8] = vector!("rtsolpr_icmpv6.bin");
pub const PRRTADV: &[u8] = vector!("prrtadv_icmpv6.bin");
pub const FBU_MH: &[u8] = vector!("fbu_mh.bin");
pub const MN1_PARAMS: &[u8] = vector!("mn1.cga.params");
pub const MN2_PARAMS: &[u8] = vector!("mn2.cga.params");
pub const AR1_PARAMS: &[u8] = vector!("ar1_ll.cga.params");
pub const RFC_PARAMS: &[u8] = vector!("rfc_example.params");
pub const MN1_KEY: &[u8] = vector!("mn1.key.pkcs1.der");
pub const MN2_KEY: &[u8] = vector!("mn2.key.pkcs1.der");
pub const AR1_KEY: &[u8] = vector!("ar1.key.pkcs1.der");
pub const MN1_PUB: &[u8] = vector!("mn1.pub.der");
pub const MN2_PUB: &[u8] = vector!("mn2.pub.der");
pub const AR1_PUB: &[u8] = vector!("ar1.pub.der");

pub const C: RustCrypto = RustCrypto;
/// 2025-01-01T00:00:00Z, the vectors' Timestamp.
pub const T0: u64 = 1_735_689_600;
/// The handover key of the vectors (hk_ciphertext.bin, fbu_mh.bin).
pub const HK: [u8; 20] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
];
pub const AT: AuthAlgorithm = AuthAlgorithm::HmacSha1_96;
/// The nonce and identifier of rtsolpr_icmpv6.bin (echoed in prrtadv_icmpv6.bin).
pub const NONCE: [u8; 14] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
pub const IDENTIFIER: [u8; 2] = [0x12, 0x34];
pub const MN_MAC: [u8; 6] = [2, 0, 0, 0, 0, 1];
pub const NEW_AP: [u8; 6] = [2, 0, 0, 0, 0, 0xaa];

/// The MN's care-of CGA (mn1) = PCoA.
pub const MN_CGA: Ipv6Addr = Ipv6Addr::new(0x2003, 0, 0, 0, 0x3049, 0xdeeb, 0xfd31, 0x70b0);
/// The AR's link-local CGA (ar1).
pub const AR_LL: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0x20a7, 0x895c, 0x2302, 0x73f1);
/// The PAR's global address (FBU destination, FBack source).
pub const PAR: Ipv6Addr = Ipv6Addr::new(0x2003, 0, 0, 0, 0, 0, 0, 1);
/// The NCoA.
pub const NCOA: Ipv6Addr = Ipv6Addr::new(0x2004, 0, 0, 0, 0x3049, 0xdeeb, 0xfd31, 0x70b0);

pub fn t(secs: u64) -> Time {
    Time::from_unix_secs(T0 + secs)
}

pub struct Keys {
    pub mn1: RsaPrivate,
    pub mn2: RsaPrivate,
    pub ar1: RsaPrivate,
}

/// The vector keys, parsed once per process.
pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        mn1: RsaPrivate::from_pkcs1_der(MN1_KEY).expect("mn1 key"),
        mn2: RsaPrivate::from_pkcs1_der(MN2_KEY).expect("mn2 key"),
        ar1: RsaPrivate::from_pkcs1_der(AR1_KEY).expect("ar1 key"),
    })
}

pub fn rx(src: Ipv6Addr, dst: Ipv6Addr, hop_limit: u8, bytes: &[u8]) -> Received<'_> {
    Received {
        src,
        dst,
        hop_limit,
        bytes,
    }
}

/// The first input octet of the role targets.
///
/// - bit 0: which message (0: RtSolPr / PrRtAdv, 1: FBU / FBack);
/// - bit 1: fill in the checksum;
/// - bit 2: re-sign the part before the RSA Signature option with the sender's real key
///   (ND messages) or recompute the BADF authenticator with the real handover key
///   (Mobility Headers), then fill in the checksum, so the checks after those run;
/// - bit 3: Hop Limit 254 instead of 255;
/// - bits 4–5: which `now` (target specific);
/// - bit 6: a short output buffer;
/// - bit 7: target specific variant.
#[derive(Debug, Clone, Copy)]
pub struct Control {
    pub mobility: bool,
    pub fix_checksum: bool,
    pub fix_auth: bool,
    pub hop_limit: u8,
    pub now: usize,
    pub short_out: bool,
    pub variant: bool,
}

impl Control {
    pub fn split(data: &[u8]) -> Option<(Self, &[u8])> {
        let (&c, rest) = data.split_first()?;
        Some((
            Self {
                mobility: c & 1 != 0,
                fix_checksum: c & 2 != 0,
                fix_auth: c & 4 != 0,
                hop_limit: if c & 8 != 0 { 254 } else { 255 },
                now: usize::from((c >> 4) & 3),
                short_out: c & 0x40 != 0,
                variant: c & 0x80 != 0,
            },
            rest,
        ))
    }
}

/// An RNG that first hands out scripted byte strings, then deterministic ones.
pub struct Scripted<'a> {
    script: &'a [&'a [u8]],
    rest: HashDrbg,
}

impl<'a> Scripted<'a> {
    pub fn new(script: &'a [&'a [u8]]) -> Self {
        Self {
            script,
            rest: HashDrbg::new(b"hokey fuzz scripted"),
        }
    }
}

impl Rng for Scripted<'_> {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), keying_crypto::CryptoError> {
        match self.script.split_first() {
            Some((next, rest)) => {
                assert_eq!(next.len(), dest.len(), "scripted RNG out of step");
                dest.copy_from_slice(next);
                self.script = rest;
                Ok(())
            }
            None => self.rest.fill_bytes(dest),
        }
    }
}

/// Re-signs an RtSolPr / PrRtAdv: keeps everything before the first RSA Signature option
/// (the whole message if none decodes), signs it as `src` → `dst` with `key` and appends the
/// signature option with the received Key Hash (`default_key_hash` if there was none); the
/// checksum is filled in.
pub fn resign(
    msg: &[u8],
    key: &RsaPrivate,
    default_key_hash: [u8; 16],
    src: &Ipv6Addr,
    dst: &Ipv6Addr,
) -> Vec<u8> {
    let mut sig_at = msg.len();
    let mut key_hash = default_key_hash;
    if let Some(options) = msg.get(8..) {
        for o in NdOptionIter::new(options, 8) {
            let Ok(o) = o else { break };
            if let NdOption::RsaSignature(s) = o.option {
                sig_at = o.offset;
                key_hash = s.key_hash;
                break;
            }
        }
    }
    let mut buf = msg.get(..sig_at).unwrap_or(msg).to_vec();
    buf.resize(sig_at + 24 + MAX_SIGNATURE_LEN, 0);
    let mut rng = HashDrbg::new(b"hokey fuzz resign");
    match send::sign_in_place(
        &SendSigner {
            key,
            key_hash: key_hash,
        },
        &mut rng,
        &mut buf,
        sig_at,
        src,
        dst,
    ) {
        Ok(n) => {
            buf.truncate(n);
            buf
        }
        Err(_) => msg.to_vec(),
    }
}

/// The Key Hash of an SPKI.
pub fn key_hash(spki: &[u8]) -> [u8; 16] {
    send::key_hash(&C, spki)
}

/// Fills in the Mobility Header checksum for the pseudo-header `src` → `dst`.
pub fn fill_mh_checksum(mh: &mut [u8], src: &Ipv6Addr, dst: &Ipv6Addr) {
    if mh.len() < MH_CHECKSUM_OFFSET + 2 {
        return;
    }
    let c = {
        let (head, rest) = mh.split_at(MH_CHECKSUM_OFFSET);
        pseudo_header_checksum(src, dst, NEXT_HEADER_MOBILITY, &[head, &[0, 0], &rest[2..]])
    };
    mh[MH_CHECKSUM_OFFSET..MH_CHECKSUM_OFFSET + 2].copy_from_slice(&c.to_be_bytes());
}

/// Recomputes the authenticator of the last BADF option of a Mobility Header with the
/// vectors' handover key (`coa` = `None`: the Alternate CoA, else `fallback_coa`), then the
/// checksum over `pseudo`. Leaves a header it cannot decode as it is.
pub fn reauthenticate(
    mh: &mut [u8],
    coa: Option<Ipv6Addr>,
    fallback_coa: Ipv6Addr,
    par: &Ipv6Addr,
    pseudo: (&Ipv6Addr, &Ipv6Addr),
) {
    let Ok(m) = MobilityMessage::parse_unchecked(mh) else {
        return;
    };
    let Some((off, _)) = m.last_badf() else {
        return;
    };
    let coa = coa.or(m.alternate_coa()).unwrap_or(fallback_coa);
    let _ = badf::authenticate_in_place(
        &C,
        BadfKey {
            at: AT,
            key: &HK,
            coa: &coa,
            par,
        },
        mh,
        off + 6,
        pseudo,
    );
}
