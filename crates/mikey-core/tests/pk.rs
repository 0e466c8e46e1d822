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
use keying_crypto::{HashAlg, RsaEncryptionPadding, RsaPrivateKeyOps, RsaSignatureScheme};
use km::pki::{Pinned, party};
use km::*;
use mikey_core::exchange::{KmError, Policy};
use mikey_core::offer::Offer;
use mikey_core::pk_mode::{PkInitiator, PkResponder};
use mikey_core::{DataType, EncrAlg, ErrorNo, Message, PayloadType, SType};

#[test]
fn pk_every_padding_and_signature_with_verification() {
    let a = party("recv1");
    let b = party("sender");
    let b_pub = RsaPublic::from_spki_der(&b.cert).unwrap();
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
                &Pinned(vec![a.cert.clone()]),
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
        assert_same(i.poll_keys().unwrap(), &acc.sas);
        assert_eq!(&acc.peer.unwrap().data[..], &a.id[..]);
    }
}

#[test]
fn wrong_certificate_chash_and_replay() {
    let a = party("recv1");
    let b = party("sender");
    let x = party("intruder");
    let b_pub = RsaPublic::from_spki_der(&b.cert).unwrap();
    let offer = Offer::new(0x3830_0003, &STREAMS[..1], ntp_ts(now(0)));
    let mut buf = vec![0u8; 4096];
    let mut out = vec![0u8; 4096];
    let mut r: PkResponder<_> = PkResponder::new(RustCrypto, Policy::default());
    // Signed by a certificate the Responder does not trust: Error 8, unsigned (no
    // private-key operation before the sender is authenticated).
    let n = PkInitiator::new(RustCrypto, Policy::default())
        .start(&offer, &x.me(), &b_pub, None, &mut rng(3), &mut buf)
        .unwrap();
    let e = r
        .handle(
            now(0),
            &buf[..n],
            &b.me(),
            &Pinned(vec![a.cert.clone()]),
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
            &Pinned(vec![a.cert.clone()]),
            &mut rng(6),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error, KmError::CertRejected);
    // Accepted, then replayed.
    let n = PkInitiator::new(RustCrypto, Policy::default())
        .start(
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
        &Pinned(vec![a.cert.clone()]),
        &mut rng(8),
        &mut out,
    )
    .unwrap();
    let e = r
        .handle(
            now(0),
            &buf[..n],
            &b.me(),
            &Pinned(vec![a.cert.clone()]),
            &mut rng(9),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error, KmError::Replay);
    // After authentication the Error message is SIGNed.
    let em = Message::parse(&out[..e.reply_len.unwrap()]).unwrap();
    assert!(em.sign().is_some());
    assert_eq!(em.data_type(), DataType::Error);
}

#[test]
fn pke_corruption_equals_mac_failure_and_flips_rejected() {
    let a = party("recv1");
    let b = party("sender");
    let b_pub = RsaPublic::from_spki_der(&b.cert).unwrap();
    let offer = Offer::new(0x3830_0004, &STREAMS[..1], ntp_ts(now(0)));
    let mut buf = vec![0u8; 4096];
    let n = PkInitiator::new(RustCrypto, Policy::default())
        .start(&offer, &a.me(), &b_pub, None, &mut rng(10), &mut buf)
        .unwrap();
    let msg = buf[..n].to_vec();
    let resign = |m: &mut Vec<u8>| {
        let p = Message::parse(m).unwrap();
        let signed = p.signed_bytes().unwrap().to_vec();
        let range = p.signature_range().unwrap();
        let mut sig = vec![0u8; 256];
        a.key
            .sign(
                &mut rng(11),
                RsaSignatureScheme::Pss(HashAlg::Sha256),
                &[&signed],
                &mut sig,
            )
            .unwrap();
        m[range].copy_from_slice(&sig);
    };
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
    let pin = Pinned(vec![a.cert.clone()]);
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
        let _ = e.error.error_no();
        assert_eq!(r.replay_cache().len(), 0, "bit {bit}");
    }
    r.handle(now(0), &msg, &b.me(), &pin, &mut rng(15), &mut out)
        .unwrap();
}
