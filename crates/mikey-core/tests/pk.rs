//! Public-key mode (RFC 3830 §3.2): PKE envelope (PKCS#1 v1.5 and OAEP), CERT / ID,
//! CHASH, SIGN (PKCS#1 v1.5 and PSS), verification message, signed Error messages,
//! wrong certificate, PKE corruption indistinguishable from a MAC failure, bit flips.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod km;

use keying_crypto::rustcrypto::{RsaPublic, RustCrypto};
use keying_crypto::{HashAlg, RsaEncryptionPadding};
use km::pki::{party, pinned};
use km::*;
use mikey_core::error::KmError;
use mikey_core::offer::Offer;
use mikey_core::pk::{PkInitiator, PkResponder};
use mikey_core::policy::Policy;
use mikey_core::{DataType, EncrAlg, ErrorNo, Message, PayloadType, SType};

#[test]
fn pk_every_padding_and_signature_with_verification() {
    let a = party("recv1");
    let b = party("sender");
    let b_pub = RsaPublic::from_spki_der(&b.spki).unwrap();
    for (pke, sig, encr) in [
        (
            RsaEncryptionPadding::Pkcs1v15,
            SType::RsaPkcs1,
            EncrAlg::AesCm128,
        ),
        (
            RsaEncryptionPadding::Oaep(HashAlg::Sha256),
            SType::RsaPss,
            EncrAlg::AesKw128,
        ),
    ] {
        let policy = Policy {
            pke_padding: pke,
            sign_type: sig,
            ..Policy::default()
        };
        let offer = Offer {
            verification: true,
            encr,
            ..Offer::new(0x3830_0002, &STREAMS, ntp_ts(now(0)))
        };
        let mut i = PkInitiator::new(RustCrypto, policy);
        let mut buf = vec![0u8; 4096];
        let n = i
            .start(
                mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
                &offer,
                &a.me(),
                &b_pub,
                Some(&b.cert),
                &mut rng(1),
                &mut buf,
            )
            .unwrap();
        let msg = buf[..n].to_vec();
        let m = Message::parse(&msg).unwrap();
        assert!(m.find(PayloadType::Chash).is_some());
        assert_eq!(m.sign().unwrap().s_type, sig);
        let mut r: PkResponder<_> = PkResponder::new(RustCrypto, policy);
        let mut out = vec![0u8; 4096];
        let acc = r
            .handle(
                now(1),
                &msg,
                &b.me(),
                &pinned([&a.spki]),
                &mut rng(2),
                &mut out,
            )
            .unwrap();
        let reply = &out[..acc.reply_len.unwrap()];
        assert_eq!(Message::parse(reply).unwrap().data_type(), DataType::PkResp);
        for (bit, bad) in flips(reply) {
            assert!(i.handle_response(now(1), &bad).is_err(), "bit {bit}");
            assert!(i.poll_keys().is_none());
        }
        i.handle_response(now(1), reply).unwrap();
        assert_same(i.poll_keys().unwrap(), acc.sas);
        assert_eq!(&acc.peer.unwrap().data[..], &a.id[..]);
    }
}

#[test]
fn wrong_certificate_chash_and_replay() {
    let a = party("recv1");
    let b = party("sender");
    let x = party("intruder");
    let b_pub = RsaPublic::from_spki_der(&b.spki).unwrap();
    let offer = Offer::new(0x3830_0003, &STREAMS[..1], ntp_ts(now(0)));
    let mut buf = vec![0u8; 4096];
    let mut out = vec![0u8; 4096];
    let mut r: PkResponder<_> = PkResponder::new(RustCrypto, Policy::default());
    // Signed by a certificate the Responder does not trust: Error 8, unsigned (no
    // private-key operation before the sender is authenticated).
    let n = PkInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &x.me(),
            &b_pub,
            None,
            &mut rng(3),
            &mut buf,
        )
        .unwrap();
    let e = r
        .handle(
            now(0),
            &buf[..n],
            &b.me(),
            &pinned([&a.spki]),
            &mut rng(4),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error, KmError::CertRejected);
    assert_eq!(e.error.error_no(), ErrorNo::InvalidCert);
    let em = Message::parse(&out[..e.reply_len.unwrap()]).unwrap();
    assert_eq!(em.data_type(), DataType::Error);
    assert!(em.sign().is_none());
    // CHASH naming another certificate.
    let n = PkInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &a.me(),
            &b_pub,
            Some(&x.cert),
            &mut rng(5),
            &mut buf,
        )
        .unwrap();
    let e = r
        .handle(
            now(0),
            &buf[..n],
            &b.me(),
            &pinned([&a.spki]),
            &mut rng(6),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error, KmError::CertRejected);
    // Accepted, then replayed.
    let n = PkInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &a.me(),
            &b_pub,
            Some(&b.cert),
            &mut rng(7),
            &mut buf,
        )
        .unwrap();
    r.handle(
        now(0),
        &buf[..n],
        &b.me(),
        &pinned([&a.spki]),
        &mut rng(8),
        &mut out,
    )
    .unwrap();
    let e = r
        .handle(
            now(0),
            &buf[..n],
            &b.me(),
            &pinned([&a.spki]),
            &mut rng(9),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error, KmError::Replay);
    // A replay is refused before SIGNi is checked: no Error message at all (RFC 3830
    // §5.1.2 adds SIGN only when a key exists; nothing authenticated it).
    assert_eq!(e.reply_len, None);
}

#[test]
fn pke_corruption_equals_mac_failure_and_flips_rejected() {
    let a = party("recv1");
    let b = party("sender");
    let b_pub = RsaPublic::from_spki_der(&b.spki).unwrap();
    let offer = Offer::new(0x3830_0004, &STREAMS[..1], ntp_ts(now(0)));
    let mut buf = vec![0u8; 4096];
    let n = PkInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &a.me(),
            &b_pub,
            None,
            &mut rng(10),
            &mut buf,
        )
        .unwrap();
    let msg = buf[..n].to_vec();
    let resign = |m: &mut Vec<u8>| km::pki::resign(m, &a.key, &[]);
    let p = Message::parse(&msg).unwrap();
    let pke_at = p.find(PayloadType::Pke).unwrap().offset + 3;
    let mac_at = p.kemac_covered().unwrap().mac.start;
    let mut bad_pke = msg.clone();
    bad_pke[pke_at + 3] ^= 0x80;
    resign(&mut bad_pke);
    let mut bad_mac = msg.clone();
    bad_mac[mac_at] ^= 0x80;
    resign(&mut bad_mac);
    let mut r: PkResponder<_> = PkResponder::new(RustCrypto, Policy::default());
    let mut out = vec![0u8; 4096];
    let pin = pinned([&a.spki]);
    let e1 = r
        .handle(now(0), &bad_pke, &b.me(), &pin, &mut rng(12), &mut out)
        .unwrap_err();
    let e2 = r
        .handle(now(0), &bad_mac, &b.me(), &pin, &mut rng(13), &mut out)
        .unwrap_err();
    assert_eq!(e1.error, KmError::AuthFailed);
    assert_eq!(e1.error, e2.error);
    for (bit, bad) in flips(&msg) {
        let e = r
            .handle(now(0), &bad, &b.me(), &pin, &mut rng(14), &mut out)
            .unwrap_err();
        check_flip_error_no(&msg, bit, e.error.error_no());
        assert_eq!(r.replay_cache().len(), 0, "bit {bit}");
    }
    r.handle(now(0), &msg, &b.me(), &pin, &mut rng(15), &mut out)
        .unwrap();
}

/// RFC 3830 §5.2: "The MAC is calculated over the entire Key data transport payload except
/// the MAC field. Before calculating the MAC, the Next payload field is set to zero." The
/// MAC of our I_MESSAGE is recomputed with `openssl` over the zeroed payload; a message
/// MACed over the payload with its Next payload byte as sent (and signed again) is refused.
#[test]
fn kemac_mac_covers_the_payload_with_its_next_payload_byte_zeroed() {
    let a = party("recv1");
    let b = party("sender");
    let b_pub = RsaPublic::from_spki_der(&b.spki).unwrap();
    let offer = Offer::new(0x3830_0005, &STREAMS, ntp_ts(now(0)));
    let mut buf = vec![0u8; 4096];
    let n = PkInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &a.me(),
            &b_pub,
            None,
            &mut rng(20),
            &mut buf,
        )
        .unwrap();
    let msg = buf[..n].to_vec();
    let m = Message::parse(&msg).unwrap();
    let kemac_at = m.find(PayloadType::Kemac).unwrap().offset;
    assert_ne!(msg[kemac_at], 0, "the KEMAC is not the last payload");
    let (wire, rfc, as_sent) =
        km::pki::kemac_macs(&msg, &b.key, m.header().csb_id, m.rand().unwrap());
    assert_eq!(wire, rfc);
    assert_ne!(rfc, as_sent);

    let mut other = msg.clone();
    let mac = m.kemac_covered().unwrap().mac;
    other[mac].copy_from_slice(&as_sent);
    km::pki::resign(&mut other, &a.key, &[]);
    let pin = pinned([&a.spki]);
    let mut r: PkResponder<_> = PkResponder::new(RustCrypto, Policy::default());
    let mut out = vec![0u8; 4096];
    let e = r
        .handle(now(0), &other, &b.me(), &pin, &mut rng(21), &mut out)
        .unwrap_err();
    assert_eq!(e.error, KmError::AuthFailed);
    r.handle(now(0), &msg, &b.me(), &pin, &mut rng(22), &mut out)
        .unwrap();
}

/// SIGN is verified with SHA-256 and, unless refused by policy, SHA-1 (RFC 3830 §4.2.1:
/// SHA-1 is MIKEY's mandatory hash; the SIGN payload does not name its hash), for both S
/// types (RFC 3830 §6.5); the default is PKCS#1 v1.5 with SHA-256, which `openssl`
/// verifies over the signed bytes.
#[test]
fn sign_both_s_types_with_sha256_and_sha1() {
    let a = party("recv1");
    let b = party("sender");
    let b_pub = RsaPublic::from_spki_der(&b.spki).unwrap();
    let pin = pinned([&a.spki]);
    let start = |policy: Policy, seed: u8| {
        let offer = Offer::new(0x3830_0006, &STREAMS[..1], ntp_ts(now(0)));
        let mut buf = vec![0u8; 4096];
        let n = PkInitiator::new(RustCrypto, policy)
            .start(
                mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
                &offer,
                &a.me(),
                &b_pub,
                None,
                &mut rng(seed),
                &mut buf,
            )
            .unwrap();
        buf.truncate(n);
        buf
    };
    let default = start(Policy::default(), 30);
    let m = Message::parse(&default).unwrap();
    assert_eq!(m.sign().unwrap().s_type, SType::RsaPkcs1);
    assert!(km::pki::openssl_verifies(
        &a.spki,
        m.signed_bytes().unwrap(),
        m.sign().unwrap().signature,
        "sha256",
        false
    ));
    for (s_type, hash, seed) in [
        (SType::RsaPkcs1, HashAlg::Sha1, 31),
        (SType::RsaPss, HashAlg::Sha1, 32),
        (SType::RsaPss, HashAlg::Sha256, 33),
    ] {
        let msg = start(
            Policy {
                sign_type: s_type,
                sign_hash: hash,
                ..Policy::default()
            },
            seed,
        );
        let m = Message::parse(&msg).unwrap();
        let name = if hash == HashAlg::Sha1 {
            "sha1"
        } else {
            "sha256"
        };
        assert!(km::pki::openssl_verifies(
            &a.spki,
            m.signed_bytes().unwrap(),
            m.sign().unwrap().signature,
            name,
            s_type == SType::RsaPss
        ));
        let mut out = vec![0u8; 4096];
        PkResponder::<_>::with_capacity(RustCrypto, Policy::default())
            .handle(now(0), &msg, &b.me(), &pin, &mut rng(seed), &mut out)
            .unwrap();
        if hash == HashAlg::Sha1 {
            let strict = Policy {
                accept_sha1_signatures: false,
                ..Policy::default()
            };
            let e = PkResponder::<_>::with_capacity(RustCrypto, strict)
                .handle(now(0), &msg, &b.me(), &pin, &mut rng(seed), &mut out)
                .unwrap_err();
            assert_eq!(e.error, KmError::AuthFailed);
        }
    }
}

/// The shipped pinning resolver reads the public key out of the X.509 certificate in the
/// CERT payload (RFC 3830 §6.7, Cert type 0) and trusts it only when pinned and within the
/// policy's modulus bound.
#[test]
fn pinned_keys_match_the_key_inside_an_x509_certificate() {
    use mikey_core::hooks::{CertResolver, PinnedKeys, certificate_spki};
    use mikey_core::{Cert, CertType};
    let a = party("recv1");
    let x = party("intruder");
    let x509 = |data| Cert {
        cert_type: CertType::X509v3,
        data,
    };
    assert_eq!(certificate_spki(&x509(&a.cert)).unwrap(), a.spki);
    let r = pinned([&a.spki]);
    assert!(r.verified_key(Some(&x509(&a.cert)), None).is_ok());
    let refused = |c: Option<&Cert<'_>>| r.verified_key(c, None).err();
    assert_eq!(refused(Some(&x509(&x.cert))), Some(KmError::CertRejected));
    // A bare SubjectPublicKeyInfo is not an X.509 certificate.
    assert_eq!(refused(Some(&x509(&a.spki))), Some(KmError::CertRejected));
    let url = Cert {
        cert_type: CertType::X509v3Url,
        data: b"http://a.example/c1",
    };
    assert_eq!(refused(Some(&url)), Some(KmError::CertRejected));
    assert_eq!(refused(None), Some(KmError::CertRejected));
    let mut cut = a.cert.clone();
    cut.truncate(cut.len() - 1);
    assert_eq!(refused(Some(&x509(&cut))), Some(KmError::CertRejected));
    let small = PinnedKeys::new(
        &RustCrypto,
        [&a.spki],
        &Policy {
            max_rsa_bits: 1024,
            ..Policy::default()
        },
    );
    assert_eq!(small.err(), Some(KmError::CertRejected));
}

/// CHASH (RFC 3830 §6.8): SHA-1 (hash func 0) by default, which an RFC 3830-only parser
/// can read; SHA-256 (hash func 2, RFC 6043) or none by policy. The Responder accepts each
/// and refuses a CHASH of another certificate.
#[test]
fn chash_hash_function_is_a_policy_choice() {
    use mikey_core::{Chash, HashFunc, Payload};
    let a = party("recv1");
    let b = party("sender");
    let b_pub = RsaPublic::from_spki_der(&b.spki).unwrap();
    let pin = pinned([&a.spki]);
    let openssl = |alg: &str| {
        let out = std::process::Command::new("openssl")
            .args(["dgst", alg, "-binary", "-keyform", "DER"])
            .arg(format!(
                "{}/../../tests/vectors/mikey/rsa2048_sender.cert.der",
                env!("CARGO_MANIFEST_DIR")
            ))
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    for (chash, expect, seed) in [
        (
            Policy::default().chash,
            Some((HashFunc::Sha1, openssl("-sha1"))),
            40,
        ),
        (
            Some(HashFunc::Sha256),
            Some((HashFunc::Sha256, openssl("-sha256"))),
            41,
        ),
        (None, None, 42),
    ] {
        let policy = Policy {
            chash,
            ..Policy::default()
        };
        let offer = Offer::new(0x3830_0007, &STREAMS[..1], ntp_ts(now(0)));
        let mut buf = vec![0u8; 4096];
        let n = PkInitiator::new(RustCrypto, policy)
            .start(
                mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
                &offer,
                &a.me(),
                &b_pub,
                Some(&b.cert),
                &mut rng(seed),
                &mut buf,
            )
            .unwrap();
        let msg = buf[..n].to_vec();
        let m = Message::parse(&msg).unwrap();
        let sent = m.find(PayloadType::Chash).map(|p| match p.payload {
            Payload::Chash(Chash { hash_func, hash }) => (hash_func, hash.to_vec()),
            _ => unreachable!(),
        });
        assert_eq!(sent, expect);
        let mut out = vec![0u8; 4096];
        PkResponder::<_>::with_capacity(RustCrypto, Policy::default())
            .handle(now(0), &msg, &b.me(), &pin, &mut rng(seed), &mut out)
            .unwrap();
        if sent.is_some() {
            // The same message as received by a party holding another certificate.
            let mut other = party("sender");
            other.cert = party("intruder").cert;
            let e = PkResponder::<_>::with_capacity(RustCrypto, Policy::default())
                .handle(now(0), &msg, &other.me(), &pin, &mut rng(seed), &mut out)
                .unwrap_err();
            assert_eq!(e.error, KmError::CertRejected);
        }
    }
}
