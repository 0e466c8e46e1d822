// The ecdsa suite, included once per provider by `tests/ecdsa.rs`.
use hex_literal::hex;
use keying_crypto::rustcrypto::HashDrbg;
use keying_crypto::{CryptoError, EcdsaP256Signer, EcdsaP256Verifier};

const X: [u8; 32] = hex!("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
const UX: [u8; 32] = hex!("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6");
const UY: [u8; 32] = hex!("7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");

fn rfc6979_key() -> P256SigningKey {
    P256SigningKey::from_scalar_bytes(&X).unwrap()
}

/// The provider's verifying key of `k` (signing keys are RustCrypto's in every provider).
fn vk_of(k: &P256SigningKey) -> P256VerifyingKey {
    P256VerifyingKey::from(k.verifying_key())
}

fn rfc6979_pub() -> P256VerifyingKey {
    let mut sec1 = [0u8; 65];
    sec1[0] = 4;
    sec1[1..33].copy_from_slice(&UX);
    sec1[33..].copy_from_slice(&UY);
    P256VerifyingKey::from_sec1_bytes(&sec1).unwrap()
}

/// RFC 6979 A.2.5, P-256 with SHA-256, messages "sample" and "test": exact r and s.
#[test]
fn rfc6979_a25_sha256() {
    let key = rfc6979_key();
    let sig = key.sign(&[b"sample"]).unwrap();
    assert_eq!(
        sig[..32],
        hex!("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716")
    );
    assert_eq!(
        sig[32..],
        hex!("F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8")
    );
    let sig = key.sign(&[b"te", b"", b"st"]).unwrap();
    assert_eq!(
        sig[..32],
        hex!("F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367")
    );
    assert_eq!(
        sig[32..],
        hex!("019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083")
    );
}

#[test]
fn public_key_matches_rfc6979() {
    let derived = vk_of(&rfc6979_key());
    assert_eq!(derived, rfc6979_pub());
    let sec1 = derived.to_sec1_uncompressed();
    assert_eq!(sec1[0], 4);
    assert_eq!(sec1[1..33], UX);
    assert_eq!(sec1[33..], UY);
    // Compressed form loads to the same key (Uy is odd → prefix 03).
    let mut compressed = [0u8; 33];
    compressed[0] = 0x03;
    compressed[1..].copy_from_slice(&UX);
    assert_eq!(
        P256VerifyingKey::from_sec1_bytes(&compressed).unwrap(),
        derived
    );
}

#[test]
fn verify_accepts_and_rejects_bit_flips() {
    let key = rfc6979_key();
    let vk = rfc6979_pub();
    let sig = key.sign(&[b"sam", b"ple"]).unwrap();
    vk.verify(&[b"sample"], &sig).unwrap();
    vk.verify(&[b"s", b"a", b"mple"], &sig).unwrap();
    for i in 0..sig.len() * 8 {
        let mut bad = sig;
        bad[i / 8] ^= 1 << (i % 8);
        assert_eq!(
            vk.verify(&[b"sample"], &bad),
            Err(CryptoError::VerifyFailed),
            "bit {i}"
        );
    }
    assert_eq!(
        vk.verify(&[b"samplf"], &sig),
        Err(CryptoError::VerifyFailed)
    );
    assert_eq!(
        vk.verify(&[b"sample"], &sig[..63]),
        Err(CryptoError::VerifyFailed)
    );
    assert_eq!(vk.verify(&[b"sample"], &[]), Err(CryptoError::VerifyFailed));
    assert_eq!(
        vk.verify(&[b"sample"], &[0u8; 64]),
        Err(CryptoError::VerifyFailed)
    );
    assert_eq!(
        vk.verify(&[b"sample"], &[0xffu8; 64]),
        Err(CryptoError::VerifyFailed)
    );
    let mut long = [0u8; 65];
    long[..64].copy_from_slice(&sig);
    assert_eq!(
        vk.verify(&[b"sample"], &long),
        Err(CryptoError::VerifyFailed)
    );
}

#[test]
fn scalar_and_point_validation() {
    assert_eq!(
        P256SigningKey::from_scalar_bytes(&[0u8; 32]).unwrap_err(),
        CryptoError::InvalidKey
    );
    assert_eq!(
        P256SigningKey::from_scalar_bytes(&[0xffu8; 32]).unwrap_err(),
        CryptoError::InvalidKey
    );
    assert_eq!(
        P256SigningKey::from_scalar_bytes(&X[..31]).unwrap_err(),
        CryptoError::InvalidKey
    );
    // Off-curve point.
    let mut sec1 = rfc6979_pub().to_sec1_uncompressed();
    sec1[64] ^= 1;
    assert_eq!(
        P256VerifyingKey::from_sec1_bytes(&sec1).unwrap_err(),
        CryptoError::InvalidKey
    );
    assert_eq!(
        P256VerifyingKey::from_sec1_bytes(&[]).unwrap_err(),
        CryptoError::InvalidKey
    );
    assert_eq!(
        P256VerifyingKey::from_sec1_bytes(&[0]).unwrap_err(),
        CryptoError::InvalidKey
    );
    assert_eq!(
        rfc6979_key().to_scalar_bytes().expose(),
        &X,
        "scalar export round-trips"
    );
}

/// Keys written by `openssl` (PKCS#8 private, SubjectPublicKeyInfo public) and a signature
/// made by `openssl dgst -sha256 -sign` (DER, converted to r‖s here).
#[test]
fn openssl_der_keys_and_signature() {
    let sk = P256SigningKey::from_pkcs8_der(include_bytes!("../vectors/p256_pkcs8.der")).unwrap();
    let vk = P256VerifyingKey::from_spki_der(include_bytes!("../vectors/p256_spki.der")).unwrap();
    assert_eq!(vk_of(&sk), vk);

    let msg = include_bytes!("../vectors/msg.txt");
    let der_sig =
        p256::ecdsa::Signature::from_der(include_bytes!("../vectors/msg.sig_p256_der")).unwrap();
    let rs: [u8; 64] = der_sig.to_bytes().into();
    vk.verify(&[msg], &rs).unwrap();
    let mut bad = rs;
    bad[10] ^= 4;
    assert_eq!(vk.verify(&[msg], &bad), Err(CryptoError::VerifyFailed));

    let ours = sk.sign(&[msg]).unwrap();
    vk.verify(&[msg], &ours).unwrap();

    // Cross-type confusion: an RSA SPKI / garbage is not a P-256 key.
    assert!(
        P256VerifyingKey::from_spki_der(include_bytes!("../vectors/rsa2048_spki.der")).is_err()
    );
    assert!(
        P256SigningKey::from_pkcs8_der(include_bytes!("../vectors/rsa2048_pkcs8.der")).is_err()
    );
    assert!(P256VerifyingKey::from_spki_der(&[0x30, 0x00]).is_err());
}

#[test]
fn generate_sign_verify() {
    let mut rng = HashDrbg::new(b"ecdsa generate test");
    let a = P256SigningKey::generate(&mut rng).unwrap();
    let b = P256SigningKey::generate(&mut rng).unwrap();
    assert_ne!(vk_of(&a), vk_of(&b));
    let sig = a.sign(&[b"hello"]).unwrap();
    vk_of(&a).verify(&[b"hello"], &sig).unwrap();
    assert_eq!(
        vk_of(&b).verify(&[b"hello"], &sig),
        Err(CryptoError::VerifyFailed)
    );
    // Deterministic: same key, same message, same signature.
    assert_eq!(a.sign(&[b"hello"]).unwrap(), sig);
}
