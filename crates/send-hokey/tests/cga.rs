//! CGA (RFC 3972) verification and generation: Appendix A, the DoCoMo CGAs, every mutated
//! field, the Sec policy switch, and the resumable modifier search.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use common::*;
use hex_literal::hex;
use keying_crypto::rustcrypto::RustCrypto;
use send_hokey::badf::BadfKey;
use send_hokey::{
    cga::{self, CgaError, ModifierSearch, SecPolicy},
    wire::CgaParams,
};

const C: RustCrypto = RustCrypto;

fn all_vectors() -> [(&'static [u8], core::net::Ipv6Addr); 4] {
    [
        (RFC_PARAMS, addr("fe80::3c4a:5bf6:ffb4:ca6c")),
        (MN1_PARAMS, mn_cga()),
        (MN2_PARAMS, addr("2003::206d:250:e986:4ab4")),
        (AR1_PARAMS, ar_ll()),
    ]
}

#[test]
fn vectors_verify_under_both_policies() {
    for (params, a) in all_vectors() {
        for policy in [SecPolicy::Rfc4982, SecPolicy::Rfc3972] {
            let p = cga::verify(&C, params, &a, policy).unwrap();
            assert_eq!(p.buffer_len(), params.len());
            assert_eq!(cga::address(&C, &p, 1), a);
        }
    }
}

#[test]
fn rfc3972_appendix_a_generation() {
    let key = &RFC_PARAMS[25..];
    let mut s = ModifierSearch::new(hex!("89a8a8b2e858d8b8f2633f44d2d4ce9a"), 1);
    assert_eq!(s.step(&C, key, &[], 1), None);
    let m = s.step(&C, key, &[], 1).unwrap();
    assert_eq!(m, hex!("89a8a8b2e858d8b8f2633f44d2d4ce9b"));
    assert_eq!(s.tried(), 1);
    assert_eq!(s.step(&C, key, &[], 0), Some(m));
    let p = CgaParams {
        modifier: m,
        subnet_prefix: hex!("fe80000000000000"),
        collision_count: 0,
        public_key: key,
        extensions: &[],
    };
    assert_eq!(cga::address(&C, &p, 1), addr("fe80::3c4a:5bf6:ffb4:ca6c"));
    let mut buf = [0u8; 119];
    let mut w = keying_tlv::Writer::new(&mut buf);
    p.emit(&mut w);
    assert_eq!(w.finish().unwrap(), 119);
    assert_eq!(&buf[..], RFC_PARAMS);
}

#[test]
fn ar1_modifier_search_is_resumable() {
    let key = &AR1_PARAMS[25..];
    let mut s = ModifierSearch::new([0; 16], 1);
    let mut calls = 0;
    let m = loop {
        calls += 1;
        if let Some(m) = s.step(&C, key, &[], 10_000) {
            break m;
        }
    };
    assert_eq!(calls, 6);
    assert_eq!(m, hex!("0000000000000000000000000000e6d1"));
    assert_eq!(s.tried(), 0xe6d1);
    assert_eq!(&AR1_PARAMS[..16], &m);
}

#[test]
fn each_mutated_field_fails_in_order() {
    let a = mn_cga();
    let mut p = MN1_PARAMS.to_vec();
    p[24] = 3;
    assert_eq!(
        cga::verify(&C, &p, &a, SecPolicy::Rfc3972),
        Err(CgaError::CollisionCount)
    );
    p[24] = 1; // a valid count but not the one the address was made with
    assert_eq!(
        cga::verify(&C, &p, &a, SecPolicy::Rfc3972),
        Err(CgaError::Hash1)
    );
    assert_eq!(
        cga::verify(
            &C,
            MN1_PARAMS,
            &addr("2005::3049:deeb:fd31:70b0"),
            SecPolicy::Rfc3972
        ),
        Err(CgaError::SubnetPrefix)
    );
    // Every bit of the modifier, prefix field and key changes Hash1.
    for i in 0..MN1_PARAMS.len() {
        if (16..24).contains(&i) || i == 24 {
            continue;
        }
        let mut p = MN1_PARAMS.to_vec();
        p[i] ^= 0x01;
        let r = cga::verify(&C, &p, &a, SecPolicy::Rfc3972);
        assert!(
            r == Err(CgaError::Hash1) || r == Err(CgaError::Malformed),
            "byte {i}: {r:?}"
        );
    }
    // Sec raised to 2: Hash2 fails; lowered to 0: valid; u/g set: valid (RFC 3972).
    assert_eq!(
        cga::verify(
            &C,
            MN1_PARAMS,
            &addr("2003::5049:deeb:fd31:70b0"),
            SecPolicy::Rfc3972
        ),
        Err(CgaError::Hash2)
    );
    assert!(
        cga::verify(
            &C,
            MN1_PARAMS,
            &addr("2003::1049:deeb:fd31:70b0"),
            SecPolicy::Rfc3972
        )
        .is_ok()
    );
    assert!(
        cga::verify(
            &C,
            MN1_PARAMS,
            &addr("2003::3349:deeb:fd31:70b0"),
            SecPolicy::Rfc3972
        )
        .is_ok()
    );
    // Sec 3 under RFC 4982 is unsupported; under RFC 3972 it is a Hash2 failure.
    let sec3 = addr("2003::7049:deeb:fd31:70b0");
    assert_eq!(
        cga::verify(&C, MN1_PARAMS, &sec3, SecPolicy::Rfc4982),
        Err(CgaError::UnsupportedSec)
    );
    assert_eq!(
        cga::verify(&C, MN1_PARAMS, &sec3, SecPolicy::Rfc3972),
        Err(CgaError::Hash2)
    );
    assert_eq!(
        cga::verify(&C, &MN1_PARAMS[..30], &a, SecPolicy::Rfc3972),
        Err(CgaError::Malformed)
    );
}

#[test]
fn extensions_enter_both_hashes() {
    // An unknown extension appended to the RFC example changes Hash1: the address no
    // longer verifies.
    let mut p = RFC_PARAMS.to_vec();
    p.extend_from_slice(&hex!("fffd 0002 abcd"));
    let parsed = CgaParams::parse(&p).unwrap();
    assert_eq!(parsed.extensions, hex!("fffd0002abcd"));
    assert_eq!(
        cga::verify(
            &C,
            &p,
            &addr("fe80::3c4a:5bf6:ffb4:ca6c"),
            SecPolicy::Rfc3972
        ),
        Err(CgaError::Hash1)
    );
    // Malformed extension framing.
    p.push(0xff);
    assert!(CgaParams::parse(&p).is_err());
}

/// A provider built without SHA-1 is refused with a typed error, never a verified CGA: an
/// empty Hash1 would otherwise match an interface identifier of zeros (and Sec 0 skips
/// Hash2).
#[test]
fn a_provider_without_sha1_is_refused() {
    use keying_crypto::{CryptoError, Digest, HashAlg, Symmetric};
    struct NoSha1;
    impl Symmetric for NoSha1 {
        fn hash(&self, alg: HashAlg, parts: &[&[u8]]) -> Digest {
            match alg {
                HashAlg::Sha1 => Digest::EMPTY,
                _ => C.hash(alg, parts),
            }
        }
        fn hmac(&self, alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Digest {
            match alg {
                HashAlg::Sha1 => Digest::EMPTY,
                _ => C.hmac(alg, key, parts),
            }
        }
        fn aes_ctr(&self, _: &[u8], _: &[u8; 16], _: &mut [u8]) -> Result<(), CryptoError> {
            Err(CryptoError::Unsupported)
        }
        fn aes_cbc_encrypt(&self, _: &[u8], _: &[u8; 16], _: &mut [u8]) -> Result<(), CryptoError> {
            Err(CryptoError::Unsupported)
        }
        fn aes_cbc_decrypt(&self, _: &[u8], _: &[u8; 16], _: &mut [u8]) -> Result<(), CryptoError> {
            Err(CryptoError::Unsupported)
        }
        fn aes_kw_wrap(&self, _: &[u8], _: &[u8], _: &mut [u8]) -> Result<usize, CryptoError> {
            Err(CryptoError::Unsupported)
        }
        fn aes_kw_unwrap(&self, _: &[u8], _: &[u8], _: &mut [u8]) -> Result<usize, CryptoError> {
            Err(CryptoError::Unsupported)
        }
    }
    let p = CgaParams::parse(MN1_PARAMS).unwrap();
    let mut zero_iid = [0u8; 16];
    zero_iid[..8].copy_from_slice(&p.subnet_prefix);
    let a = core::net::Ipv6Addr::from(zero_iid);
    for policy in [SecPolicy::Rfc4982, SecPolicy::Rfc3972] {
        assert_eq!(
            cga::verify(&NoSha1, MN1_PARAMS, &a, policy).unwrap_err(),
            CgaError::NoSha1
        );
        assert_eq!(
            cga::verify(&NoSha1, MN1_PARAMS, &mn_cga(), policy).unwrap_err(),
            CgaError::NoSha1
        );
    }
    let (coa, par) = (mn_cga(), ar_ll());
    let mh = [0u8; 40];
    assert_eq!(
        send_hokey::badf::authenticator(
            &NoSha1,
            BadfKey {
                at: send_hokey::wire::AuthAlgorithm::DEFAULT,
                key: &[1; 20],
                coa: &coa,
                par: &par
            },
            &mh,
            20
        )
        .unwrap_err(),
        send_hokey::Error::Crypto(CryptoError::Unsupported)
    );
}
