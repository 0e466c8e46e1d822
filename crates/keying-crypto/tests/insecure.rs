//! The insecure fuzzing provider does what fuzz targets rely on: zero MACs pass, ciphers are
//! the identity, signatures of the right shape verify.
#![cfg(feature = "insecure-fuzzing")]
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

use keying_crypto::insecure::{InsecureEcdsaKey, InsecureFuzzing, InsecureRsaKey};
use keying_crypto::*;

struct NoRng;
impl Rng for NoRng {
    fn fill_bytes(&mut self, _: &mut [u8]) -> Result<(), CryptoError> {
        Err(CryptoError::Rng)
    }
}

#[test]
fn macs_are_zero_and_ciphers_identity() {
    let c = InsecureFuzzing;
    let t = c.hmac(HashAlg::Sha1, b"k", &[b"m"]);
    assert_eq!(t.as_bytes(), &[0u8; 20]);
    assert!(t.ct_eq(&[0u8; 20]));
    assert_eq!(c.hash(HashAlg::Sha512, &[]).as_bytes().len(), 64);
    let mut d = *b"0123456789abcdef";
    c.aes_ctr(&[0; 16], &[0; 16], &mut d).unwrap();
    c.aes_cbc_decrypt(&[0; 16], &[0; 16], &mut d).unwrap();
    assert_eq!(&d, b"0123456789abcdef");
    assert!(c.aes_cbc_encrypt(&[0; 16], &[0; 16], &mut d[..15]).is_err());
    let mut w = [0u8; 24];
    assert_eq!(c.aes_kw_wrap(&[0; 16], &[7; 16], &mut w).unwrap(), 24);
    let mut u = [0u8; 16];
    assert_eq!(c.aes_kw_unwrap(&[0; 16], &w, &mut u).unwrap(), 16);
    assert_eq!(u, [7; 16]);
    assert!(c.aes_kw_unwrap(&[0; 16], &w[..16], &mut u).is_err());
}

#[test]
fn signatures_verify_and_rsa_round_trips() {
    let key: InsecureRsaKey = InsecureFuzzing.load_spki(b"x", 1024).unwrap();
    assert_eq!(RsaPublicKeyOps::modulus_len(&key), 128);
    let scheme = RsaSignatureScheme::Pkcs1v15(HashAlg::Sha1);
    assert!(key.verify(scheme, &[b"m"], &[1]).is_ok());
    assert!(key.verify(scheme, &[b"m"], &[]).is_err());
    let mut ct = [0u8; 128];
    key.encrypt(
        &mut NoRng,
        RsaEncryptionPadding::Pkcs1v15,
        b"secret",
        &mut ct,
    )
    .unwrap();
    let mut pt = [0u8; 128];
    let n = key
        .decrypt(
            &mut NoRng,
            RsaEncryptionPadding::Pkcs1v15,
            &ct[..6],
            &mut pt,
        )
        .unwrap();
    assert_eq!(&pt[..n], b"secret");
    assert!(InsecureEcdsaKey.verify(&[b"m"], &[0; 64]).is_ok());
    assert!(InsecureEcdsaKey.verify(&[b"m"], &[0; 63]).is_err());
}
