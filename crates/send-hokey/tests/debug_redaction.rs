//! `Debug` never prints a handover key (RFC 5269 §3: the key the access router draws and
//! sends encrypted, the mobile node decrypts): not from the roles holding it, not from what
//! they return.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::*;
use keying_crypto::Rng;
use keying_crypto::rustcrypto::{HashDrbg, RsaPrivate, RustCrypto};
use send_hokey::{MobileNodeIdentity, RouterIdentity, Time};
use send_hokey::{
    ar::{AccessRouter, PrRtAdvInfo, Received},
    mn::MobileNode,
    policy::{NoRateLimit, TrustedRouterKeys},
    wire::rtsolpr::PrRtAdvCode,
};

const C: RustCrypto = RustCrypto;
/// 2025-01-01T00:00:00Z.
const T0: u64 = 1_735_689_600;

/// Fails if `s` shows any 4-byte window of `secret`, in hex or as a decimal or hex slice
/// (whitespace ignored, so `{:#?}` is covered too).
fn assert_hidden(s: &str, secret: &[u8]) {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let lower = compact.to_lowercase();
    for w in secret.windows(4) {
        let hex: String = w.iter().map(|b| format!("{b:02x}")).collect();
        let dec = w.iter().map(u8::to_string).collect::<Vec<_>>().join(",");
        let hex_list = w
            .iter()
            .map(|b| format!("0x{b:02x}"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(!lower.contains(&hex), "hex {hex} in {s}");
        assert!(!compact.contains(&dec), "[{dec}] in {s}");
        assert!(!lower.contains(&hex_list), "[{hex_list}] in {s}");
    }
}

fn assert_redacted<T: core::fmt::Debug>(v: &T, secret: &[u8]) {
    for s in [format!("{v:?}"), format!("{v:#?}")] {
        assert_hidden(&s, secret);
    }
}

/// Plays the vectors' nonce and modifier, then a DRBG; keeps everything it handed out.
struct Recording {
    script: Vec<Vec<u8>>,
    rest: HashDrbg,
    given: Vec<Vec<u8>>,
}

impl Rng for Recording {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), keying_crypto::CryptoError> {
        if self.script.is_empty() {
            self.rest.fill_bytes(dest)?;
        } else {
            dest.copy_from_slice(&self.script.remove(0));
        }
        self.given.push(dest.to_vec());
        Ok(())
    }
}

#[test]
fn mobile_node_holding_the_vector_key_hides_it() {
    let mn1 = RsaPrivate::from_pkcs1_der(MN1_KEY).unwrap();
    let mn2 = RsaPrivate::from_pkcs1_der(MN2_KEY).unwrap();
    let mut mn: MobileNode<'_, &'static RustCrypto, 4, 4, 4> = MobileNode::with_capacity(
        &C,
        mn_config(),
        MobileNodeIdentity {
            address: mn_cga(),
            cga_params: MN1_PARAMS,
            signer: &mn1,
            hk_spki: MN2_PUB,
            hk_key: &mn2,
            source_lla: None,
        },
    )
    .unwrap();
    let mut rng = Recording {
        script: vec![NONCE.to_vec(), vec![0x12, 0x34]],
        rest: HashDrbg::new(b"vectors"),
        given: Vec::new(),
    };
    let mut out = [0u8; 1500];
    mn.build_rtsolpr(Time::from_unix_secs(T0), &ar_ll(), None, &mut rng, &mut out)
        .unwrap();
    let rx = Received {
        src: ar_ll(),
        dst: mn_cga(),
        hop_limit: 255,
        bytes: PRRTADV,
    };
    let est = mn
        .handle_prrtadv(
            Time::from_unix_secs(T0 + 1),
            &rx,
            &TrustedRouterKeys(&[AR1_PUB]),
            &mut rng,
        )
        .unwrap();
    assert!(mn.key_matches(&ar_ll(), &HK));
    assert_redacted(&mn, &HK);
    assert_redacted(&est, &HK);
}

#[test]
fn access_router_holding_a_fresh_key_hides_it() {
    let ar1 = RsaPrivate::from_pkcs1_der(AR1_KEY).unwrap();
    let mut ar: AccessRouter<'_, &'static RustCrypto, 4, 8> = AccessRouter::with_capacity(
        &C,
        ar_config(),
        RouterIdentity {
            address: ar_ll(),
            cga_params: AR1_PARAMS,
            signer: &ar1,
            source_lla: None,
        },
    )
    .unwrap();
    let mut rng = Recording {
        script: Vec::new(),
        rest: HashDrbg::new(b"debug"),
        given: Vec::new(),
    };
    let mut reply = [0u8; 1500];
    let rx = Received {
        src: mn_cga(),
        dst: ar_ll(),
        hop_limit: 255,
        bytes: RTSOLPR,
    };
    let info = PrRtAdvInfo {
        code: PrRtAdvCode::Tuple,
        options: &[],
    };
    let out = ar
        .handle_rtsolpr(
            Time::from_unix_secs(T0),
            &rx,
            &info,
            &mut NoRateLimit,
            &mut rng,
            &mut reply,
        )
        .unwrap();
    let hk = rng
        .given
        .iter()
        .find(|k| ar.key_matches(&mn_cga(), k))
        .expect("the handover key came from the RNG");
    assert_redacted(&ar, hk);
    assert_redacted(&out, hk);
}

#[test]
fn the_check_finds_a_printed_key() {
    for s in [format!("{HK:?}"), format!("{HK:#?}"), format!("{HK:02x?}")] {
        assert!(
            std::panic::catch_unwind(|| assert_hidden(&s, &HK)).is_err(),
            "{s}"
        );
    }
}
