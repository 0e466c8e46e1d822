// The hash_hmac suite, included once per provider by `tests/hash_hmac.rs`.
use hex_literal::hex;
use keying_crypto::{HashAlg, Symmetric};

const ABC: &[u8] = b"abc";
const MSG448: &[u8] = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const MSG896: &[u8] = b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

fn h(alg: HashAlg, m: &[u8]) -> Vec<u8> {
    P.hash(alg, &[m]).as_ref().to_vec()
}

#[test]
fn sha1_fips180_examples() {
    assert_eq!(
        h(HashAlg::Sha1, ABC),
        hex!("a9993e364706816aba3e25717850c26c9cd0d89d")
    );
    assert_eq!(
        h(HashAlg::Sha1, MSG448),
        hex!("84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    );
}

#[test]
fn sha256_fips180_examples() {
    assert_eq!(
        h(HashAlg::Sha256, ABC),
        hex!("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    assert_eq!(
        h(HashAlg::Sha256, MSG448),
        hex!("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    );
}

#[test]
fn sha384_fips180_examples() {
    assert_eq!(
        h(HashAlg::Sha384, ABC),
        hex!(
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        )
    );
    assert_eq!(
        h(HashAlg::Sha384, MSG896),
        hex!(
            "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039"
        )
    );
}

#[test]
fn sha512_fips180_examples() {
    assert_eq!(
        h(HashAlg::Sha512, ABC),
        hex!(
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        )
    );
    assert_eq!(
        h(HashAlg::Sha512, MSG448),
        hex!(
            "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445"
        )
    );
    assert_eq!(
        h(HashAlg::Sha512, MSG896),
        hex!(
            "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"
        )
    );
}

#[test]
fn hash_parts_equal_concatenation() {
    for alg in [
        HashAlg::Sha1,
        HashAlg::Sha256,
        HashAlg::Sha384,
        HashAlg::Sha512,
    ] {
        let whole = P.hash(alg, &[MSG896]);
        let split = P.hash(alg, &[&MSG896[..3], &[], &MSG896[3..70], &MSG896[70..]]);
        assert!(whole.ct_eq(split.as_ref()));
        assert_eq!(whole.len(), alg.output_len());
    }
    // Empty message (FIPS 180 SHA-256 of "").
    assert_eq!(
        P.hash(HashAlg::Sha256, &[]).as_ref(),
        hex!("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
}

#[test]
fn hash_lengths() {
    assert_eq!(HashAlg::Sha1.output_len(), 20);
    assert_eq!(HashAlg::Sha256.output_len(), 32);
    assert_eq!(HashAlg::Sha384.output_len(), 48);
    assert_eq!(HashAlg::Sha512.output_len(), 64);
    assert_eq!(HashAlg::Sha1.block_len(), 64);
    assert_eq!(HashAlg::Sha256.block_len(), 64);
    assert_eq!(HashAlg::Sha384.block_len(), 128);
    assert_eq!(HashAlg::Sha512.block_len(), 128);
}

/// HMAC of `data` under `key`, by [`Symmetric::hmac`] and by a keyed state
/// ([`Symmetric::with_hmac_key`], twice from the same state): every known answer below
/// checks both.
fn mac(alg: HashAlg, key: &[u8], data: &[u8]) -> Vec<u8> {
    let one = P.hmac(alg, key, &[data]).as_ref().to_vec();
    let mut keyed = Vec::new();
    P.with_hmac_key(alg, key, &mut |h| {
        keyed.push(h(&[data]).as_ref().to_vec());
        keyed.push(h(&[&data[..data.len() / 2], &data[data.len() / 2..]]).as_ref().to_vec());
    });
    assert_eq!(keyed, [one.clone(), one.clone()], "{alg:?}");
    one
}

/// RFC 2202 §3, all seven HMAC-SHA-1 cases.
#[test]
fn hmac_sha1_rfc2202() {
    let key4: Vec<u8> = (1u8..=25).collect();
    let cases: [(&[u8], &[u8], [u8; 20]); 7] = [
        (
            &[0x0b; 20],
            b"Hi There",
            hex!("b617318655057264e28bc0b6fb378c8ef146be00"),
        ),
        (
            b"Jefe",
            b"what do ya want for nothing?",
            hex!("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        ),
        (
            &[0xaa; 20],
            &[0xdd; 50],
            hex!("125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
        ),
        (
            &key4,
            &[0xcd; 50],
            hex!("4c9007f4026250c6bc8414f9bf50c86c2d7235da"),
        ),
        (
            &[0x0c; 20],
            b"Test With Truncation",
            hex!("4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"),
        ),
        (
            &[0xaa; 80],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            hex!("aa4ae5e15272d00e95705637ce8a3b55ed402112"),
        ),
        (
            &[0xaa; 80],
            b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
            hex!("e8e99d0f45237d786d6bbaa7965c7808bbff1a91"),
        ),
    ];
    for (i, (key, data, want)) in cases.iter().enumerate() {
        assert_eq!(
            mac(HashAlg::Sha1, key, data),
            want,
            "RFC 2202 case {}",
            i + 1
        );
    }
    // Case 5's 96-bit truncation.
    let d = P.hmac(HashAlg::Sha1, &[0x0c; 20], &[b"Test With Truncation"]);
    assert!(d.ct_eq_truncated(&hex!("4c1a03424b55e07fe7f27be1"), 12));
}

/// RFC 4231 §4, cases 1–7, HMAC-SHA-256 and HMAC-SHA-512 (and SHA-384 for case 1–2).
#[test]
fn hmac_sha2_rfc4231() {
    let key4: Vec<u8> = (1u8..=25).collect();
    let long_key = [0xaa; 131];
    let c7: &[u8] = b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.";
    /// (key, data, HMAC-SHA-256, HMAC-SHA-512)
    type Case<'a> = (&'a [u8], &'a [u8], &'a [u8], &'a [u8]);
    let cases: [Case<'_>; 6] = [
        (
            &[0x0b; 20],
            b"Hi There",
            &hex!("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            &hex!(
                "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
            ),
        ),
        (
            b"Jefe",
            b"what do ya want for nothing?",
            &hex!("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            &hex!(
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
            ),
        ),
        (
            &[0xaa; 20],
            &[0xdd; 50],
            &hex!("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            &hex!(
                "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"
            ),
        ),
        (
            &key4,
            &[0xcd; 50],
            &hex!("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            &hex!(
                "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"
            ),
        ),
        (
            &long_key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            &hex!("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            &hex!(
                "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"
            ),
        ),
        (
            &long_key,
            c7,
            &hex!("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
            &hex!(
                "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"
            ),
        ),
    ];
    let case_no = [1, 2, 3, 4, 6, 7];
    for (n, (key, data, s256, s512)) in case_no.iter().zip(cases.iter()) {
        assert_eq!(
            mac(HashAlg::Sha256, key, data),
            *s256,
            "RFC 4231 case {n} SHA-256"
        );
        assert_eq!(
            mac(HashAlg::Sha512, key, data),
            *s512,
            "RFC 4231 case {n} SHA-512"
        );
    }
    // Case 1 and 2 with SHA-384.
    assert_eq!(
        mac(HashAlg::Sha384, &[0x0b; 20], b"Hi There"),
        hex!(
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"
        )
    );
    assert_eq!(
        mac(HashAlg::Sha384, b"Jefe", b"what do ya want for nothing?"),
        hex!(
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"
        )
    );

    // Case 5: output truncated to 128 bits.
    let mut d256 = P.hmac(HashAlg::Sha256, &[0x0c; 20], &[b"Test With Truncation"]);
    let mut d512 = P.hmac(HashAlg::Sha512, &[0x0c; 20], &[b"Test With Truncation"]);
    let t256 = hex!("a3b6167473100ee06e0c796c2955552b");
    let t512 = hex!("415fad6271580a531d4179bc891d87a6");
    assert!(d256.ct_eq_truncated(&t256, 16));
    assert!(d512.ct_eq_truncated(&t512, 16));
    d256.truncate(16);
    d512.truncate(16);
    assert_eq!(d256.as_ref(), t256);
    assert_eq!(d512.as_ref(), t512);
}

#[test]
fn hmac_parts_equal_concatenation() {
    let data = b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data";
    for alg in [HashAlg::Sha1, HashAlg::Sha256, HashAlg::Sha512] {
        let whole = P.hmac(alg, b"key", &[data]);
        let split = P.hmac(alg, b"key", &[&data[..10], &data[10..11], &[], &data[11..]]);
        assert!(whole.ct_eq(split.as_ref()));
        // A different split point of *different* data must differ.
        let other = P.hmac(alg, b"kez", &[data]);
        assert!(!whole.ct_eq(other.as_ref()));
    }
}

#[test]
fn truncated_tag_rules() {
    let d = P.hmac(HashAlg::Sha1, &[0x0c; 20], &[b"Test With Truncation"]);
    let full = hex!("4c1a03424b55e07fe7f27be1d58bb9324a9a5a04");
    assert!(d.ct_eq(&full));
    assert!(d.ct_eq_truncated(&full, 20));
    // The tag length is the protocol's, not the attacker's.
    assert!(!d.ct_eq_truncated(&full[..1], 12));
    assert!(!d.ct_eq_truncated(&[], 0));
    assert!(!d.ct_eq_truncated(&full[..12], 21));
    let mut bad = full;
    bad[11] ^= 1;
    assert!(!d.ct_eq_truncated(&bad[..12], 12));
    assert!(!d.ct_eq(&full[..19]));
}

/// `Digest::checked` passes a whole output of the named hash and refuses anything else
/// (what a provider lacking the hash returns).
#[test]
fn checked_accepts_only_a_whole_output_of_the_hash() {
    use keying_crypto::{CryptoError, Digest};
    for alg in [
        HashAlg::Sha1,
        HashAlg::Sha256,
        HashAlg::Sha384,
        HashAlg::Sha512,
    ] {
        let d = P.hmac(alg, b"k", &[ABC]).checked(alg).unwrap();
        assert_eq!(d.len(), alg.output_len());
        assert_eq!(
            Digest::EMPTY.checked(alg).unwrap_err(),
            CryptoError::Unsupported
        );
    }
    let sha1 = P.hash(HashAlg::Sha1, &[ABC]);
    assert_eq!(
        sha1.checked(HashAlg::Sha256).unwrap_err(),
        CryptoError::Unsupported
    );
}
