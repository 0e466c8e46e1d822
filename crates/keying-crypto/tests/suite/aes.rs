// The aes suite, included once per provider by `tests/aes.rs`.
use hex_literal::hex;
use keying_crypto::{CryptoError, Symmetric};

const K128: [u8; 16] = hex!("2b7e151628aed2a6abf7158809cf4f3c");
const K256: [u8; 32] = hex!("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
const PT: [u8; 64] = hex!(
    "6bc1bee22e409f96e93d7e117393172a"
    "ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef"
    "f69f2445df4f9b17ad2b417be66c3710"
);
const CBC_IV: [u8; 16] = hex!("000102030405060708090a0b0c0d0e0f");
const CTR_IV: [u8; 16] = hex!("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");

fn check_ctr(key: &[u8], ct: &[u8; 64]) {
    let mut buf = PT;
    P.aes_ctr(key, &CTR_IV, &mut buf).unwrap();
    assert_eq!(&buf, ct);
    P.aes_ctr(key, &CTR_IV, &mut buf).unwrap();
    assert_eq!(buf, PT);
    // Streaming property: a non-block-aligned prefix gives the same keystream prefix.
    let mut part = [0u8; 37];
    part.copy_from_slice(&PT[..37]);
    P.aes_ctr(key, &CTR_IV, &mut part).unwrap();
    assert_eq!(&part[..], &ct[..37]);
}

/// SP 800-38A F.5.1 / F.5.2 (CTR-AES128) and F.5.5 / F.5.6 (CTR-AES256).
#[test]
fn ctr_sp800_38a() {
    check_ctr(
        &K128,
        &hex!(
            "874d6191b620e3261bef6864990db6ce"
            "9806f66b7970fdff8617187bb9fffdff"
            "5ae4df3edbd5d35e5b4f09020db03eab"
            "1e031dda2fbe03d1792170a0f3009cee"
        ),
    );
    check_ctr(
        &K256,
        &hex!(
            "601ec313775789a5b7a7f504bbf3d228"
            "f443e3ca4d62b59aca84e990cacaf5c5"
            "2b0930daa23de94ce87017ba2d84988d"
            "dfc9c58db67aada613c2dd08457941a6"
        ),
    );
}

/// The counter is one 128-bit big-endian integer: it carries across all 16 bytes.
#[test]
fn ctr_counter_carries_over_128_bits() {
    let iv = hex!("00000000000000ffffffffffffffffff");
    let mut two_blocks = [0u8; 32];
    P.aes_ctr(&K128, &iv, &mut two_blocks).unwrap();
    let next = hex!("00000000000001000000000000000000");
    let mut second = [0u8; 16];
    P.aes_ctr(&K128, &next, &mut second).unwrap();
    assert_eq!(&two_blocks[16..], &second);
}

fn check_cbc(key: &[u8], ct: &[u8; 64]) {
    let mut buf = PT;
    P.aes_cbc_encrypt(key, &CBC_IV, &mut buf).unwrap();
    assert_eq!(&buf, ct);
    P.aes_cbc_decrypt(key, &CBC_IV, &mut buf).unwrap();
    assert_eq!(buf, PT);
}

/// SP 800-38A F.2.1 / F.2.2 (CBC-AES128) and F.2.5 / F.2.6 (CBC-AES256).
#[test]
fn cbc_sp800_38a() {
    check_cbc(
        &K128,
        &hex!(
            "7649abac8119b246cee98e9b12e9197d"
            "5086cb9b507219ee95db113a917678b2"
            "73bed6b8e3c1743b7116e69e22229516"
            "3ff1caa1681fac09120eca307586e1a7"
        ),
    );
    check_cbc(
        &K256,
        &hex!(
            "f58c4c04d6e5f1ba779eabfb5f7bfbd6"
            "9cfc4e967edb808d679f777bc6702c7d"
            "39f23369a9d9bacfa530e26304231461"
            "b2eb05e2c39be9fcda6c19078c6a9d1b"
        ),
    );
}

#[test]
fn cbc_rejects_partial_blocks_and_bad_keys() {
    for len in [1usize, 15, 17, 63] {
        let mut buf = vec![0x5a; len];
        assert_eq!(
            P.aes_cbc_encrypt(&K128, &CBC_IV, &mut buf),
            Err(CryptoError::InvalidLength)
        );
        assert_eq!(
            P.aes_cbc_decrypt(&K128, &CBC_IV, &mut buf),
            Err(CryptoError::InvalidLength)
        );
        assert!(buf.iter().all(|&b| b == 0x5a), "data untouched on error");
    }
    let mut empty = [0u8; 0];
    assert_eq!(P.aes_cbc_encrypt(&K128, &CBC_IV, &mut empty), Ok(()));
    let mut buf = [0u8; 16];
    for bad in [
        &[0u8; 0][..],
        &[0u8; 15],
        &[0u8; 17],
        &[0u8; 31],
        &[0u8; 33],
    ] {
        assert_eq!(
            P.aes_cbc_encrypt(bad, &CBC_IV, &mut buf),
            Err(CryptoError::InvalidKey)
        );
        assert_eq!(
            P.aes_cbc_decrypt(bad, &CBC_IV, &mut buf),
            Err(CryptoError::InvalidKey)
        );
        assert_eq!(
            P.aes_ctr(bad, &CTR_IV, &mut buf),
            Err(CryptoError::InvalidKey)
        );
    }
    // AES-192 keys are accepted (SP 800-38A F.2.3 first block).
    let k192 = hex!("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b");
    let mut b = [0u8; 16];
    b.copy_from_slice(&PT[..16]);
    P.aes_cbc_encrypt(&k192, &CBC_IV, &mut b).unwrap();
    assert_eq!(b, hex!("4f021db243bc633d7178183a9fa071e8"));
}

const KW_KEY128: [u8; 16] = hex!("00112233445566778899AABBCCDDEEFF");
const KEK128: [u8; 16] = hex!("000102030405060708090A0B0C0D0E0F");
const KW_41: [u8; 24] = hex!("1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5");
const KEK256: [u8; 32] = hex!("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");
const KW_KEY256: [u8; 32] =
    hex!("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F");
const KW_46: [u8; 40] =
    hex!("28C9F404C4B810F4 CBCCB35CFB87F826 3F5786E2D80ED326 CBC7F0E71A99F43B FB988B9B7A02DD21");

/// RFC 3394 §4.1 (128-bit KEK, 128-bit key) and §4.6 (256-bit KEK, 256-bit key).
#[test]
fn key_wrap_rfc3394() {
    let mut out = [0u8; 48];
    let n = P.aes_kw_wrap(&KEK128, &KW_KEY128, &mut out).unwrap();
    assert_eq!(&out[..n], &KW_41);
    let mut key = [0u8; 40];
    let n = P.aes_kw_unwrap(&KEK128, &KW_41, &mut key).unwrap();
    assert_eq!(&key[..n], &KW_KEY128);

    let n = P.aes_kw_wrap(&KEK256, &KW_KEY256, &mut out).unwrap();
    assert_eq!(&out[..n], &KW_46);
    let n = P.aes_kw_unwrap(&KEK256, &KW_46, &mut key).unwrap();
    assert_eq!(&key[..n], &KW_KEY256);
}

/// The `_with_iv` methods: with the default IV they give the RFC 3394 §4.1 / §4.6 vectors;
/// with another IV (RFC 3394 §2.2.3.2) the wrap round-trips under that IV only.
#[test]
fn key_wrap_with_alternative_iv() {
    use keying_crypto::AES_KW_DEFAULT_IV;
    let mut out = [0u8; 48];
    let mut key = [0u8; 40];
    for (kek, k, c) in [
        (&KEK128[..], &KW_KEY128[..], &KW_41[..]),
        (&KEK256[..], &KW_KEY256[..], &KW_46[..]),
    ] {
        let n = P
            .aes_kw_wrap_with_iv(kek, &AES_KW_DEFAULT_IV, k, &mut out)
            .unwrap();
        assert_eq!(&out[..n], c);
        let n = P
            .aes_kw_unwrap_with_iv(kek, &AES_KW_DEFAULT_IV, c, &mut key)
            .unwrap();
        assert_eq!(&key[..n], k);
    }

    let iv = hex!("0123456789abcdef");
    let n = P
        .aes_kw_wrap_with_iv(&KEK128, &iv, &KW_KEY128, &mut out)
        .unwrap();
    assert_eq!(n, 24);
    let wrapped: [u8; 24] = out[..24].try_into().unwrap();
    assert_ne!(wrapped, KW_41);
    let n = P
        .aes_kw_unwrap_with_iv(&KEK128, &iv, &wrapped, &mut key)
        .unwrap();
    assert_eq!(&key[..n], &KW_KEY128);
    // Unwrapping recovers A[0] = iv, which the default check refuses, and vice versa.
    let mut k16 = [0xeeu8; 16];
    assert_eq!(
        P.aes_kw_unwrap(&KEK128, &wrapped, &mut k16),
        Err(CryptoError::DecryptFailed)
    );
    assert_eq!(
        P.aes_kw_unwrap_with_iv(&KEK128, &iv, &KW_41, &mut k16),
        Err(CryptoError::DecryptFailed)
    );
    assert_eq!(k16, [0u8; 16], "output zeroed on failure");
    // Every flipped bit breaks the check.
    for i in 0..wrapped.len() * 8 {
        let mut bad = wrapped;
        bad[i / 8] ^= 1 << (i % 8);
        assert_eq!(
            P.aes_kw_unwrap_with_iv(&KEK128, &iv, &bad, &mut k16),
            Err(CryptoError::DecryptFailed),
            "bit {i}"
        );
    }
    // The same length rules as the default-IV methods.
    assert_eq!(
        P.aes_kw_unwrap_with_iv(&KEK128, &iv, &wrapped[..16], &mut k16),
        Err(CryptoError::InvalidLength)
    );
    assert_eq!(
        P.aes_kw_wrap_with_iv(&KEK128, &iv, &KW_KEY128[..8], &mut out),
        Err(CryptoError::InvalidLength)
    );
    assert_eq!(
        P.aes_kw_wrap_with_iv(&KEK128, &iv, &KW_KEY128, &mut out[..23]),
        Err(CryptoError::BufferTooSmall { needed: 24 })
    );
    assert_eq!(
        P.aes_kw_unwrap_with_iv(&KEK128[..15], &iv, &wrapped, &mut k16),
        Err(CryptoError::InvalidKey)
    );
}

#[test]
fn key_wrap_rejects_short_and_tampered_input() {
    let mut out = [0xeeu8; 64];
    // 8 bytes: the bare default IV, which aes-kw 0.3.1 alone would unwrap to an empty key
    // (Wycheproof aes_wrap tc 11).
    assert_eq!(
        P.aes_kw_unwrap(&KEK128, &hex!("a6a6a6a6a6a6a6a6"), &mut out),
        Err(CryptoError::InvalidLength)
    );
    // 16 bytes: one semiblock (Wycheproof tc 13 class).
    assert_eq!(
        P.aes_kw_unwrap(&KEK128, &KW_41[..16], &mut out),
        Err(CryptoError::InvalidLength)
    );
    // Not a multiple of 8, and empty.
    assert_eq!(
        P.aes_kw_unwrap(&KEK128, &KW_41[..23], &mut out),
        Err(CryptoError::InvalidLength)
    );
    assert_eq!(
        P.aes_kw_unwrap(&KEK128, &[], &mut out),
        Err(CryptoError::InvalidLength)
    );
    // Every single flipped bit breaks the integrity check, and the output is wiped.
    for i in 0..KW_41.len() * 8 {
        let mut bad = KW_41;
        bad[i / 8] ^= 1 << (i % 8);
        let mut key = [0xeeu8; 16];
        assert_eq!(
            P.aes_kw_unwrap(&KEK128, &bad, &mut key),
            Err(CryptoError::DecryptFailed),
            "bit {i}"
        );
        assert_eq!(key, [0u8; 16], "output zeroed on failure");
    }
    // Wrong KEK.
    let mut other = KEK128;
    other[0] ^= 0x80;
    assert_eq!(
        P.aes_kw_unwrap(&other, &KW_41, &mut out),
        Err(CryptoError::DecryptFailed)
    );
    // Too small an output buffer, bad KEK length.
    assert_eq!(
        P.aes_kw_unwrap(&KEK128, &KW_41, &mut out[..15]),
        Err(CryptoError::BufferTooSmall { needed: 16 })
    );
    assert_eq!(
        P.aes_kw_unwrap(&KEK128[..15], &KW_41, &mut out),
        Err(CryptoError::InvalidKey)
    );
}

#[test]
fn key_wrap_rejects_bad_wrap_input() {
    let mut out = [0u8; 64];
    assert_eq!(
        P.aes_kw_wrap(&KEK128, &[], &mut out),
        Err(CryptoError::InvalidLength)
    );
    assert_eq!(
        P.aes_kw_wrap(&KEK128, &[0; 8], &mut out),
        Err(CryptoError::InvalidLength)
    );
    assert_eq!(
        P.aes_kw_wrap(&KEK128, &[0; 20], &mut out),
        Err(CryptoError::InvalidLength)
    );
    assert_eq!(
        P.aes_kw_wrap(&KEK128, &KW_KEY128, &mut out[..23]),
        Err(CryptoError::BufferTooSmall { needed: 24 })
    );
    assert_eq!(
        P.aes_kw_wrap(&[0; 17], &KW_KEY128, &mut out),
        Err(CryptoError::InvalidKey)
    );
}
