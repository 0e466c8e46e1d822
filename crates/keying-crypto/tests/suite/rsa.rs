// The rsa suite, included once per provider by `tests/rsa.rs`.
use keying_crypto::rustcrypto::HashDrbg;
use keying_crypto::{
    CryptoError, HashAlg, RsaEncryptionPadding as Enc, RsaPrivateKeyOps, RsaPublicKeyOps,
    RsaSignatureScheme as Sig, rsa_max_plaintext_len,
};

const PKCS1_PRIV: &[u8] = include_bytes!("../vectors/rsa2048_pkcs1.der");
const PKCS8_PRIV: &[u8] = include_bytes!("../vectors/rsa2048_pkcs8.der");
const SPKI_PUB: &[u8] = include_bytes!("../vectors/rsa2048_spki.der");
const PKCS1_PUB: &[u8] = include_bytes!("../vectors/rsa2048_pub_pkcs1.der");
const SPKI_4096: &[u8] = include_bytes!("../vectors/rsa4096_spki.der");
const PKCS1_PUB_4096: &[u8] = include_bytes!("../vectors/rsa4096_pub_pkcs1.der");
const MSG: &[u8] = include_bytes!("../vectors/msg.txt");
const SECRET: &[u8] = include_bytes!("../vectors/secret.txt");

fn key() -> RsaPrivate {
    RsaPrivate::from_pkcs1_der(PKCS1_PRIV).unwrap()
}

fn public() -> RsaPublic {
    RsaPublic::from_spki_der_max_bits(SPKI_PUB, 2048).unwrap()
}

fn rng() -> HashDrbg {
    HashDrbg::new(b"keying-crypto rsa tests")
}

fn flip(v: &[u8], bit: usize) -> Vec<u8> {
    let mut v = v.to_vec();
    v[bit / 8] ^= 1 << (bit % 8);
    v
}

#[test]
fn key_loading_all_formats_agree() {
    let k1 = key();
    let k8 = RsaPrivate::from_pkcs8_der(PKCS8_PRIV).unwrap();
    assert_eq!(k1.modulus_bits(), 2048);
    assert_eq!(k1.modulus_len(), 256);
    assert_eq!(k1.public_key(), k8.public_key());
    assert_eq!(k1.public_key(), public());
    assert_eq!(RsaPublic::from_pkcs1_der(PKCS1_PUB).unwrap(), public());
    assert_eq!(RsaPublic::from_spki_der(SPKI_PUB).unwrap(), public());
    // Encoding reproduces openssl's bytes exactly.
    assert_eq!(public().to_spki_der().unwrap(), SPKI_PUB);
    assert_eq!(public().to_pkcs1_der().unwrap(), PKCS1_PUB);
    assert_eq!(public().exponent_be(), [1, 0, 1]);
    assert_eq!(public().modulus_be().len(), 256);
    let rebuilt =
        RsaPublic::from_n_e(&public().modulus_be(), &public().exponent_be(), 2048).unwrap();
    assert_eq!(rebuilt, public());
}

#[test]
fn key_loading_rejects_garbage_and_wrong_formats() {
    assert_eq!(
        RsaPrivate::from_pkcs1_der(PKCS8_PRIV).unwrap_err(),
        CryptoError::InvalidKey
    );
    assert_eq!(
        RsaPrivate::from_pkcs8_der(PKCS1_PRIV).unwrap_err(),
        CryptoError::InvalidKey
    );
    assert_eq!(
        RsaPublic::from_spki_der(PKCS1_PUB).unwrap_err(),
        CryptoError::InvalidKey
    );
    assert_eq!(
        RsaPublic::from_pkcs1_der(SPKI_PUB).unwrap_err(),
        CryptoError::InvalidKey
    );
    assert!(RsaPublic::from_spki_der(include_bytes!("../vectors/p256_spki.der")).is_err());
    for n in [0, 1, 2, 10, 100, SPKI_PUB.len() - 1] {
        assert!(
            RsaPublic::from_spki_der(&SPKI_PUB[..n]).is_err(),
            "truncated at {n}"
        );
        assert!(
            RsaPrivate::from_pkcs1_der(&PKCS1_PRIV[..n]).is_err(),
            "truncated at {n}"
        );
    }
    let mut trailing = SPKI_PUB.to_vec();
    trailing.push(0);
    assert!(
        RsaPublic::from_spki_der(&trailing).is_err(),
        "trailing data"
    );
    // Even modulus, tiny exponent, tiny modulus.
    let mut n = public().modulus_be();
    *n.last_mut().unwrap() &= 0xfe;
    assert!(RsaPublic::from_n_e(&n, &[1, 0, 1], 2048).is_err());
    assert!(RsaPublic::from_n_e(&public().modulus_be(), &[1], 2048).is_err());
    assert!(RsaPublic::from_n_e(&[0xc5; 64], &[1, 0, 1], 2048).is_err());
}

/// Wire keys: the caller's cap on the modulus size.
#[test]
fn max_bits_cap() {
    assert_eq!(
        RsaPublic::from_spki_der_max_bits(SPKI_4096, 3072).unwrap_err(),
        CryptoError::InvalidKey
    );
    assert_eq!(
        RsaPublic::from_pkcs1_der_max_bits(PKCS1_PUB_4096, 3072).unwrap_err(),
        CryptoError::InvalidKey
    );
    let k4096 = RsaPublic::from_spki_der_max_bits(SPKI_4096, 4096).unwrap();
    assert_eq!(k4096.modulus_bits(), 4096);
    assert_eq!(k4096.modulus_len(), 512);
    assert_eq!(
        RsaPublic::from_pkcs1_der_max_bits(PKCS1_PUB_4096, 4096).unwrap(),
        k4096
    );
    assert!(RsaPublic::from_spki_der_max_bits(SPKI_PUB, 2048).is_ok());
    assert!(RsaPublic::from_spki_der_max_bits(SPKI_PUB, 2047).is_err());
    assert!(RsaPublic::from_spki_der_max_bits(SPKI_PUB, 0).is_err());
}

/// PKCS#1 v1.5 signatures are deterministic: ours must equal openssl's byte for byte.
#[test]
fn pkcs1v15_sign_matches_openssl() {
    let k = key();
    let mut out = [0u8; 300];
    let n = k
        .sign(&mut rng(), Sig::Pkcs1v15(HashAlg::Sha256), &[MSG], &mut out)
        .unwrap();
    assert_eq!(
        &out[..n],
        include_bytes!("../vectors/msg.sig_pkcs1v15_sha256")
    );
    let n = k
        .sign(
            &mut rng(),
            Sig::Pkcs1v15(HashAlg::Sha1),
            &[&MSG[..5], &MSG[5..]],
            &mut out,
        )
        .unwrap();
    assert_eq!(
        &out[..n],
        include_bytes!("../vectors/msg.sig_pkcs1v15_sha1")
    );
    let n = k
        .sign(
            &mut rng(),
            Sig::Pkcs1v15Raw(HashAlg::Sha1),
            &[MSG],
            &mut out,
        )
        .unwrap();
    assert_eq!(
        &out[..n],
        include_bytes!("../vectors/msg.sig_pkcs1v15_raw_sha1")
    );
    assert_eq!(
        k.sign(
            &mut rng(),
            Sig::Pkcs1v15(HashAlg::Sha256),
            &[MSG],
            &mut out[..255]
        ),
        Err(CryptoError::BufferTooSmall { needed: 256 })
    );
}

#[test]
fn pkcs1v15_verify_openssl_and_tamper() {
    let p = public();
    let cases: [(Sig, &[u8]); 3] = [
        (
            Sig::Pkcs1v15(HashAlg::Sha256),
            include_bytes!("../vectors/msg.sig_pkcs1v15_sha256"),
        ),
        (
            Sig::Pkcs1v15(HashAlg::Sha1),
            include_bytes!("../vectors/msg.sig_pkcs1v15_sha1"),
        ),
        (
            Sig::Pkcs1v15Raw(HashAlg::Sha1),
            include_bytes!("../vectors/msg.sig_pkcs1v15_raw_sha1"),
        ),
    ];
    for (scheme, sig) in cases {
        p.verify(scheme, &[MSG], sig).unwrap();
        for bit in [0, 7, 1000, 2047] {
            assert_eq!(
                p.verify(scheme, &[MSG], &flip(sig, bit)),
                Err(CryptoError::VerifyFailed)
            );
        }
        assert_eq!(
            p.verify(scheme, &[&MSG[1..]], sig),
            Err(CryptoError::VerifyFailed)
        );
        assert_eq!(
            p.verify(scheme, &[MSG], &sig[1..]),
            Err(CryptoError::VerifyFailed)
        );
        assert_eq!(
            p.verify(scheme, &[MSG], &[]),
            Err(CryptoError::VerifyFailed)
        );
    }
    // Scheme confusion: a prefixed SHA-1 signature is not a raw one, and not SHA-256.
    let sig1 = include_bytes!("../vectors/msg.sig_pkcs1v15_sha1");
    assert!(
        p.verify(Sig::Pkcs1v15Raw(HashAlg::Sha1), &[MSG], sig1)
            .is_err()
    );
    assert!(
        p.verify(Sig::Pkcs1v15(HashAlg::Sha256), &[MSG], sig1)
            .is_err()
    );
    assert!(p.verify(Sig::Pss(HashAlg::Sha1), &[MSG], sig1).is_err());
}

#[test]
fn pss_openssl_and_round_trip() {
    let p = public();
    let sig = include_bytes!("../vectors/msg.sig_pss_sha256");
    p.verify(Sig::Pss(HashAlg::Sha256), &[MSG], sig).unwrap();
    let sig_max = include_bytes!("../vectors/msg.sig_pss_sha256_saltmax");
    p.verify(Sig::Pss(HashAlg::Sha256), &[MSG], sig_max)
        .unwrap();
    assert_eq!(
        p.verify(Sig::Pss(HashAlg::Sha256), &[MSG], &flip(sig, 100)),
        Err(CryptoError::VerifyFailed)
    );
    assert!(
        p.verify(Sig::Pkcs1v15(HashAlg::Sha256), &[MSG], sig)
            .is_err()
    );

    let k = key();
    let mut out = [0u8; 256];
    let mut r = rng();
    let n = k
        .sign(&mut r, Sig::Pss(HashAlg::Sha256), &[b"a", b"bc"], &mut out)
        .unwrap();
    assert_eq!(n, 256);
    p.verify(Sig::Pss(HashAlg::Sha256), &[b"abc"], &out)
        .unwrap();
    assert!(
        p.verify(Sig::Pss(HashAlg::Sha256), &[b"abd"], &out)
            .is_err()
    );
    assert!(
        p.verify(Sig::Pss(HashAlg::Sha256), &[b"abc"], &flip(&out, 2000))
            .is_err()
    );
    // Randomised salt: a second signature differs but verifies.
    let mut out2 = [0u8; 256];
    k.sign(&mut r, Sig::Pss(HashAlg::Sha256), &[b"abc"], &mut out2)
        .unwrap();
    assert_ne!(out, out2);
    p.verify(Sig::Pss(HashAlg::Sha256), &[b"abc"], &out2)
        .unwrap();
}

/// Ciphertexts made by `openssl pkeyutl -encrypt` decrypt to the secret.
#[test]
fn decrypt_openssl_ciphertexts() {
    let k = key();
    let mut out = [0u8; 256];
    let cases: [(Enc, &[u8]); 3] = [
        (
            Enc::Oaep(HashAlg::Sha256),
            include_bytes!("../vectors/secret.oaep_sha256"),
        ),
        (
            Enc::Oaep(HashAlg::Sha1),
            include_bytes!("../vectors/secret.oaep_sha1"),
        ),
        (Enc::Pkcs1v15, include_bytes!("../vectors/secret.pkcs1v15")),
    ];
    for (pad, ct) in cases {
        let n = k.decrypt(&mut rng(), pad, ct, &mut out).unwrap();
        assert_eq!(&out[..n], SECRET, "{pad:?}");
    }
}

#[test]
fn oaep_round_trip_and_tamper() {
    let k = key();
    let p = k.public_key();
    for alg in [HashAlg::Sha1, HashAlg::Sha256] {
        let pad = Enc::Oaep(alg);
        let mut r = rng();
        let mut ct = [0u8; 256];
        assert_eq!(p.encrypt(&mut r, pad, SECRET, &mut ct).unwrap(), 256);
        let mut pt = [0u8; 256];
        let n = k.decrypt(&mut r, pad, &ct, &mut pt).unwrap();
        assert_eq!(&pt[..n], SECRET);
        for bit in [0usize, 8 * 128, 2047] {
            assert_eq!(
                k.decrypt(&mut r, pad, &flip(&ct, bit), &mut pt),
                Err(CryptoError::DecryptFailed),
                "{alg:?} bit {bit}"
            );
        }
        // Wrong hash, wrong length: same opaque error.
        let other = if alg == HashAlg::Sha1 {
            HashAlg::Sha256
        } else {
            HashAlg::Sha1
        };
        assert_eq!(
            k.decrypt(&mut r, Enc::Oaep(other), &ct, &mut pt),
            Err(CryptoError::DecryptFailed)
        );
        assert_eq!(
            k.decrypt(&mut r, pad, &ct[1..], &mut pt),
            Err(CryptoError::DecryptFailed)
        );
        // Largest plaintext fits, one more does not.
        let max = rsa_max_plaintext_len(256, pad);
        assert_eq!(max, 256 - 2 * alg.output_len() - 2);
        let big = vec![0x42u8; max];
        p.encrypt(&mut r, pad, &big, &mut ct).unwrap();
        let n = k.decrypt(&mut r, pad, &ct, &mut pt).unwrap();
        assert_eq!(&pt[..n], &big[..]);
        assert_eq!(
            p.encrypt(&mut r, pad, &vec![0u8; max + 1], &mut ct),
            Err(CryptoError::InvalidLength)
        );
    }
}

#[test]
fn pkcs1v15_round_trip_and_implicit_rejection() {
    let k = key();
    let p = k.public_key();
    let mut r = rng();
    let mut ct = [0u8; 256];
    p.encrypt(&mut r, Enc::Pkcs1v15, SECRET, &mut ct).unwrap();
    let mut pt = [0u8; 256];
    let n = k.decrypt(&mut r, Enc::Pkcs1v15, &ct, &mut pt).unwrap();
    assert_eq!(&pt[..n], SECRET);
    // Two encryptions of the same message differ (random padding).
    let mut ct2 = [0u8; 256];
    p.encrypt(&mut r, Enc::Pkcs1v15, SECRET, &mut ct2).unwrap();
    assert_ne!(ct, ct2);
    // Implicit rejection: a tampered ciphertext never yields the original plaintext.
    for bit in [0usize, 100, 1024, 2047] {
        match k.decrypt(&mut r, Enc::Pkcs1v15, &flip(&ct, bit), &mut pt) {
            Ok(n) => assert_ne!(&pt[..n], SECRET, "bit {bit}"),
            Err(e) => assert_eq!(e, CryptoError::DecryptFailed),
        }
    }
    // And the synthetic plaintext is deterministic (no oracle from repetition).
    let bad = flip(&ct, 100);
    let a = k
        .decrypt(&mut r, Enc::Pkcs1v15, &bad, &mut pt)
        .map(|n| pt[..n].to_vec());
    let mut pt2 = [0u8; 256];
    let b = k
        .decrypt(&mut r, Enc::Pkcs1v15, &bad, &mut pt2)
        .map(|n| pt2[..n].to_vec());
    assert_eq!(a, b);
}

#[test]
fn decrypt_buffer_rule_is_independent_of_ciphertext() {
    let k = key();
    let mut r = rng();
    let mut small = [0u8; 244];
    let need = rsa_max_plaintext_len(256, Enc::Pkcs1v15);
    assert_eq!(need, 245);
    let ct = include_bytes!("../vectors/secret.pkcs1v15");
    assert_eq!(
        k.decrypt(&mut r, Enc::Pkcs1v15, ct, &mut small),
        Err(CryptoError::BufferTooSmall { needed: 245 })
    );
    // Same answer for garbage: the check precedes decryption.
    assert_eq!(
        k.decrypt(&mut r, Enc::Pkcs1v15, &[0u8; 3], &mut small),
        Err(CryptoError::BufferTooSmall { needed: 245 })
    );
    let mut ok = [0u8; 245];
    assert_eq!(
        k.decrypt(&mut r, Enc::Pkcs1v15, ct, &mut ok),
        Ok(SECRET.len())
    );
    let mut ct_out = [0u8; 255];
    assert_eq!(
        k.public_key()
            .encrypt(&mut r, Enc::Pkcs1v15, SECRET, &mut ct_out),
        Err(CryptoError::BufferTooSmall { needed: 256 })
    );
}

/// A failing RNG surfaces as `Rng` for signing/encryption and stays opaque for decryption
/// when the provider draws from the caller's generator; a provider with its own generator
/// (AWS-LC) succeeds without it, and its RustCrypto fallbacks still fail on it.
#[test]
fn failing_rng() {
    struct Broken;
    impl keying_crypto::Rng for Broken {
        fn fill_bytes(&mut self, _: &mut [u8]) -> Result<(), CryptoError> {
            Err(CryptoError::Rng)
        }
    }
    let k = key();
    let mut out = [0u8; 256];
    let enc = k
        .public_key()
        .encrypt(&mut Broken, Enc::Oaep(HashAlg::Sha256), b"x", &mut out);
    let sig = k.sign(&mut Broken, Sig::Pss(HashAlg::Sha256), &[b"x"], &mut out);
    let dec = k.decrypt(
        &mut Broken,
        Enc::Oaep(HashAlg::Sha256),
        include_bytes!("../vectors/secret.oaep_sha256"),
        &mut out,
    );
    if USES_CALLER_RNG {
        assert_eq!(enc, Err(CryptoError::Rng));
        assert_eq!(sig, Err(CryptoError::Rng));
        assert_eq!(dec, Err(CryptoError::DecryptFailed));
    } else {
        assert_eq!(enc, Ok(256));
        assert_eq!(sig, Ok(256));
        assert_eq!(dec, Ok(SECRET.len()));
        assert_eq!(&out[..SECRET.len()], SECRET);
    }
    // PSS with SHA-1 and PKCS#1 v1.5 decryption use the caller's generator everywhere.
    assert_eq!(
        k.sign(&mut Broken, Sig::Pss(HashAlg::Sha1), &[b"x"], &mut out),
        Err(CryptoError::Rng)
    );
    assert_eq!(
        k.decrypt(
            &mut Broken,
            Enc::Pkcs1v15,
            include_bytes!("../vectors/secret.pkcs1v15"),
            &mut out
        ),
        Err(CryptoError::DecryptFailed)
    );
}

#[test]
fn debug_does_not_print_private_key() {
    let s = format!("{:?}", key());
    assert_eq!(s, "RsaPrivate(2048 bits, <redacted>)");
    assert_eq!(format!("{:?}", public()), "RsaPublic(2048 bits)");
}

#[test]
fn generate_key() {
    assert_eq!(
        generate(TOO_SMALL_BITS).unwrap_err(),
        CryptoError::InvalidKey
    );
    let k = generate(KEYGEN_BITS).unwrap();
    assert_eq!(k.modulus_bits(), KEYGEN_BITS);
    let mut r = HashDrbg::new(b"rsa keygen");
    let mut sig = [0u8; 512];
    let n = k
        .sign(&mut r, Sig::Pkcs1v15(HashAlg::Sha256), &[b"m"], &mut sig)
        .unwrap();
    assert_eq!(n, KEYGEN_BITS / 8);
    k.public_key()
        .verify(Sig::Pkcs1v15(HashAlg::Sha256), &[b"m"], &sig[..n])
        .unwrap();
    let der = k.public_key().to_spki_der().unwrap();
    assert_eq!(
        RsaPublic::from_spki_der_max_bits(&der, KEYGEN_BITS).unwrap(),
        k.public_key()
    );
}
