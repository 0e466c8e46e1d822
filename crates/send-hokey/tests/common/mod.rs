#![allow(clippy::unwrap_used)]
//! Shared test fixtures: the vector files and the addresses of the RFC 5269 exchange they
//! record (tests/vectors/send-hokey/README.md).
#![allow(dead_code)]

use core::net::Ipv6Addr;

use send_hokey::{ar::AccessRouterConfig, mn::MobileNodeConfig, send::KeySizePolicy};

macro_rules! vector {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/send-hokey/",
            $name
        ))
    };
}
#[allow(unused_imports)]
pub(crate) use vector;

pub const RTSOLPR: &[u8] = vector!("rtsolpr_icmpv6.bin");
pub const PRRTADV: &[u8] = vector!("prrtadv_icmpv6.bin");
pub const RTSOLPR_TBS: &[u8] = vector!("rtsolpr_tbs.bin");
pub const PRRTADV_TBS: &[u8] = vector!("prrtadv_tbs.bin");
pub const RTSOLPR_SIG: &[u8] = vector!("rtsolpr_sig.bin");
pub const PRRTADV_SIG: &[u8] = vector!("prrtadv_sig.bin");
pub const FBU_MH: &[u8] = vector!("fbu_mh.bin");
pub const FBU_HMAC_INPUT: &[u8] = vector!("fbu_hmac_input.bin");
pub const HK_CIPHERTEXT: &[u8] = vector!("hk_ciphertext.bin");
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

pub const HK: [u8; 20] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
];
pub const NONCE: [u8; 14] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];

pub fn addr(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}
/// The MN's care-of CGA (mn1) = PCoA.
pub fn mn_cga() -> Ipv6Addr {
    addr("2003::3049:deeb:fd31:70b0")
}
/// The AR's link-local CGA (ar1).
pub fn ar_ll() -> Ipv6Addr {
    addr("fe80::20a7:895c:2302:73f1")
}
/// The PAR's global address (FBU destination).
pub fn par() -> Ipv6Addr {
    addr("2003::1")
}
/// The NCoA.
pub fn ncoa() -> Ipv6Addr {
    addr("2004::3049:deeb:fd31:70b0")
}

/// The vectors' keys are RSA-1024 (the DoCoMo SEND examples and the Scapy-built RFC 5269
/// exchange). 1024-bit RSA is weak and refused by default; these tests opt in explicitly
/// to the legacy window (RFC 3971 §5.2 allows 384 to 2048 bits) so the vectors still run.
pub const KEY_SIZES: KeySizePolicy = KeySizePolicy::LEGACY_1024;

/// The default access-router settings with the explicit 1024-bit opt-in ([`KEY_SIZES`]).
pub fn ar_config() -> AccessRouterConfig {
    let mut c = AccessRouterConfig::default();
    c.policy.key_sizes = KEY_SIZES;
    c
}

/// The default mobile-node settings with the explicit 1024-bit opt-in ([`KEY_SIZES`]).
pub fn mn_config() -> MobileNodeConfig {
    let mut c = MobileNodeConfig::default();
    c.policy.key_sizes = KEY_SIZES;
    c
}
