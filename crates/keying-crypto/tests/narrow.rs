//! The RustCrypto provider built with only some algorithms, as firmware builds it (the
//! footprint step of `.ci/run` runs both):
//! `cargo test -p keying-crypto --no-default-features --features sha1,sha256,aes128,aes-kw --test narrow`
//! (the MIKEY PSK default policy's algorithms) and
//! `cargo test -p keying-crypto --no-default-features --features sha1,aes128 --test narrow`
//! (RFC 3830's mandatory ones: no SHA-256, no key wrap). Algorithms left out are refused,
//! never a panic and never a wrong answer. With the default features this file compiles
//! to nothing.
#![cfg(all(
    feature = "sha1",
    feature = "aes128",
    not(feature = "sha512"),
    not(feature = "aes192"),
    not(feature = "aes256"),
    not(feature = "ecdsa-p256")
))]
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use keying_crypto::rustcrypto::RustCrypto;
use keying_crypto::{CryptoError, Digest, HashAlg, Symmetric};

/// SHA-256 is in or out with its feature; SHA-384 / SHA-512 are always out here.
const SHA256: bool = cfg!(feature = "sha256");

#[test]
fn hashes_compiled_in_work_and_the_others_are_empty() {
    let (with, without): (&[HashAlg], &[HashAlg]) = if SHA256 {
        (
            &[HashAlg::Sha1, HashAlg::Sha256],
            &[HashAlg::Sha384, HashAlg::Sha512],
        )
    } else {
        (
            &[HashAlg::Sha1],
            &[HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512],
        )
    };
    for &alg in with {
        let d = RustCrypto.hash(alg, &[b"abc"]).checked(alg).unwrap();
        assert_eq!(d.len(), alg.output_len());
        let m = RustCrypto
            .hmac(alg, b"key", &[b"abc"])
            .checked(alg)
            .unwrap();
        assert_eq!(m.len(), alg.output_len());
    }
    for &alg in without {
        let d = RustCrypto.hash(alg, &[b"abc"]);
        assert!(d.is_empty());
        assert_eq!(d.checked(alg).unwrap_err(), CryptoError::Unsupported);
        let m = RustCrypto.hmac(alg, b"key", &[b"abc"]);
        assert!(m.is_empty());
        // An empty MAC never verifies.
        assert!(!m.ct_eq_truncated(&[0; 32], 32));
        assert_eq!(m.checked(alg).unwrap_err(), CryptoError::Unsupported);
    }
    // SHA-1("abc"), FIPS 180-4 example.
    assert_eq!(
        RustCrypto.hash(HashAlg::Sha1, &[b"abc"]).as_bytes(),
        &[
            0xa9, 0x99, 0x3e, 0x36, 0x47, 0x06, 0x81, 0x6a, 0xba, 0x3e, 0x25, 0x71, 0x78, 0x50,
            0xc2, 0x6c, 0x9c, 0xd0, 0xd8, 0x9d
        ]
    );
    assert_eq!(Digest::EMPTY.len(), 0);
}

#[test]
fn aes_key_sizes_left_out_are_unsupported() {
    let iv = [7u8; 16];
    let mut data = [0x5au8; 32];
    RustCrypto.aes_ctr(&[1; 16], &iv, &mut data).unwrap();
    RustCrypto.aes_ctr(&[1; 16], &iv, &mut data).unwrap();
    assert_eq!(data, [0x5a; 32]);
    for len in [24, 32] {
        let key = vec![1u8; len];
        assert_eq!(
            RustCrypto.aes_ctr(&key, &iv, &mut data),
            Err(CryptoError::Unsupported)
        );
        assert_eq!(
            RustCrypto.aes_cbc_encrypt(&key, &iv, &mut data),
            Err(CryptoError::Unsupported)
        );
        assert_eq!(
            RustCrypto.aes_cbc_decrypt(&key, &iv, &mut data),
            Err(CryptoError::Unsupported)
        );
        let mut out = [0u8; 40];
        assert_eq!(
            RustCrypto.aes_kw_wrap(&key, &[2; 32], &mut out),
            Err(CryptoError::Unsupported)
        );
        assert_eq!(
            RustCrypto.aes_kw_unwrap(&key, &[2; 40], &mut out),
            Err(CryptoError::Unsupported)
        );
        assert_eq!(
            RustCrypto.aes_kw_wrap_with_iv(&key, &[3; 8], &[2; 32], &mut out),
            Err(CryptoError::Unsupported)
        );
        assert_eq!(
            RustCrypto.aes_kw_unwrap_with_iv(&key, &[3; 8], &[2; 40], &mut out),
            Err(CryptoError::Unsupported)
        );
        assert_eq!(data, [0x5a; 32], "untouched");
    }
    // A length AES does not have is still an invalid key.
    assert_eq!(
        RustCrypto.aes_ctr(&[1; 17], &iv, &mut data),
        Err(CryptoError::InvalidKey)
    );
    let mut wrapped = [0u8; 40];
    let mut key = [0u8; 32];
    if cfg!(feature = "aes-kw") {
        let n = RustCrypto
            .aes_kw_wrap(&[3; 16], &[4; 32], &mut wrapped)
            .unwrap();
        assert_eq!(
            RustCrypto.aes_kw_unwrap(&[3; 16], &wrapped[..n], &mut key),
            Ok(32)
        );
        assert_eq!(key, [4; 32]);
    } else {
        // Without `aes-kw`, key wrap is refused at every key size, AES-128 included.
        let kek = [3u8; 16];
        assert_eq!(
            RustCrypto.aes_kw_wrap(&kek, &[4; 32], &mut wrapped),
            Err(CryptoError::Unsupported)
        );
        assert_eq!(
            RustCrypto.aes_kw_unwrap(&kek, &[4; 40], &mut key),
            Err(CryptoError::Unsupported)
        );
        assert_eq!(
            RustCrypto.aes_kw_wrap_with_iv(&kek, &[3; 8], &[4; 32], &mut wrapped),
            Err(CryptoError::Unsupported)
        );
        assert_eq!(
            RustCrypto.aes_kw_unwrap_with_iv(&kek, &[3; 8], &[4; 40], &mut key),
            Err(CryptoError::Unsupported)
        );
        assert_eq!((wrapped, key), ([0; 40], [0; 32]), "untouched");
    }
}
