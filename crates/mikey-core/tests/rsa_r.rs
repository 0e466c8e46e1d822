//! MIKEY-RSA-R (RFC 4738): one sender (Responder) serving a group TGK and CSB ID to three
//! receivers (Initiators) that join at different times, then a group re-key; unicast;
//! wrong certificate; tamper and the PKE-vs-MAC indistinguishability (Marvin).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod km;

use keying_crypto::HashAlg;
use keying_crypto::rustcrypto::RustCrypto;
use km::pki::{Party, party, pinned};
use km::*;
use mikey_core::Time;
use mikey_core::error::KmError;
use mikey_core::policy::Policy;
use mikey_core::rsa_r::{RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
use mikey_core::srtp::{SrtpPolicy, SrtpSas};
use mikey_core::{DataType, ErrorNo, Message, Payload, PayloadType};

fn join(
    sender: &mut RsaRResponder<RustCrypto>,
    s: &Party,
    recv: &Party,
    at: Time,
    csb: u32,
    seed: u8,
) -> (RsaRInitiator<RustCrypto>, Vec<u8>, Vec<u8>, SrtpSas) {
    let mut i = RsaRInitiator::new(RustCrypto, Policy::default());
    let mut buf = vec![0u8; 4096];
    let n = i
        .start(
            mikey_core::Time::from_ntp(
                (RsaROffer::new(csb, ntp_ts(at), RsaRMode::Group))
                    .t
                    .value64(),
            )
            .unwrap_or_default(),
            &RsaROffer::new(csb, ntp_ts(at), RsaRMode::Group),
            &recv.me(),
            &mut rng(seed),
            &mut buf,
        )
        .unwrap();
    let imsg = buf[..n].to_vec();
    let mut out = vec![0u8; 4096];
    let acc = sender
        .handle(
            at,
            &imsg,
            &s.me(),
            &pinned([&recv.spki]),
            &mut rng(seed + 1),
            &mut out,
        )
        .unwrap();
    let rmsg = out[..acc.reply_len.unwrap()].to_vec();
    i.handle_response(
        at,
        &rmsg,
        &recv.me(),
        &pinned([&s.spki]),
        &mut rng(seed + 2),
    )
    .unwrap();
    (i, imsg, rmsg, acc.sas.clone())
}

#[test]
fn one_sender_three_receivers_join_at_different_times_then_rekey() {
    let s = party("sender");
    let receivers = [party("recv1"), party("recv2"), party("recv3")];
    let pol = [
        (0, SrtpPolicy::DEFAULT),
        (
            1,
            SrtpPolicy {
                encr_key_len: 32,
                ..SrtpPolicy::DEFAULT
            },
        ),
    ];
    let mut sender: RsaRResponder<RustCrypto> =
        RsaRResponder::new(RustCrypto, Policy::default(), &[], &[]).unwrap();
    sender
        .serve_group(&STREAMS, &pol, 32, &mut rng(50))
        .unwrap();
    let group_csb = sender.group().unwrap().csb_id();
    let sender_sas = sender.group_sas().unwrap();
    let mut old = Vec::new();
    for (k, (r, at)) in receivers.iter().zip([0u32, 90, 1800]).enumerate() {
        let (i, imsg, rmsg, sas) = join(
            &mut sender,
            &s,
            r,
            now(at),
            0x1000 + k as u32,
            60 + 3 * k as u8,
        );
        let (csb, keys) = i.poll_keys().unwrap();
        assert_eq!(csb, group_csb);
        assert_same(keys, &sender_sas);
        assert_same(&sas, &sender_sas);
        // The group R_MESSAGE: CSB_ID extension, RAND, SP; the I_MESSAGE: V = 1, no SP.
        let rm = Message::parse(&rmsg).unwrap();
        assert_eq!(rm.data_type(), DataType::RsaRResp);
        assert!(
            rm.payloads().any(
                |p| matches!(p.payload, Payload::GeneralExt(g) if g.csb_id() == Some(group_csb))
            )
        );
        assert!(rm.rand().is_some() && rm.find(PayloadType::Sp).is_some());
        let im = Message::parse(&imsg).unwrap();
        assert!(im.header().v && im.find(PayloadType::Sp).is_none());
        old.push(keys.clone());
    }
    // Group re-key: new TGK, CSB ID and RAND; every receiver joins again and gets them.
    sender.rekey_group(&mut rng(70)).unwrap();
    assert_eq!(sender.group().unwrap().generation(), 1);
    let new_sas = sender.group_sas().unwrap();
    assert!(
        !new_sas[0]
            .master_key
            .ct_eq(sender_sas[0].master_key.expose())
    );
    for (k, r) in receivers.iter().enumerate() {
        let (i, _, _, _) = join(
            &mut sender,
            &s,
            r,
            now(2000 + k as u32),
            0x2000 + k as u32,
            80 + 3 * k as u8,
        );
        let (csb, keys) = i.poll_keys().unwrap();
        assert_eq!(csb, sender.group().unwrap().csb_id());
        assert_ne!(csb, group_csb);
        assert_same(keys, &new_sas);
        assert!(!keys[0].master_key.ct_eq(old[k][0].master_key.expose()));
    }
}

#[test]
fn unicast_rsa_r_with_oaep_and_pkcs1_signatures() {
    let s = party("sender");
    let r = party("recv1");
    for (pke, sig) in [
        (
            keying_crypto::RsaEncryptionPadding::Oaep(HashAlg::Sha256),
            mikey_core::SType::RsaPkcs1,
        ),
        (
            keying_crypto::RsaEncryptionPadding::Pkcs1v15,
            mikey_core::SType::RsaPss,
        ),
    ] {
        let policy = Policy {
            pke_padding: pke,
            sign_type: sig,
            ..Policy::default()
        };
        let pol = [(0, SrtpPolicy::DEFAULT)];
        let mut sender: RsaRResponder<RustCrypto> =
            RsaRResponder::new(RustCrypto, policy, &STREAMS[..1], &pol).unwrap();
        let mut i = RsaRInitiator::new(RustCrypto, policy);
        let mut buf = vec![0u8; 4096];
        let offer = RsaROffer {
            policies: &pol,
            ..RsaROffer::new(0x55, ntp_ts(now(5)), RsaRMode::Unicast)
        };
        let n = i
            .start(
                mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
                &offer,
                &r.me(),
                &mut rng(90),
                &mut buf,
            )
            .unwrap();
        let mut out = vec![0u8; 4096];
        let acc = sender
            .handle(
                now(5),
                &buf[..n],
                &s.me(),
                &pinned([&r.spki]),
                &mut rng(91),
                &mut out,
            )
            .unwrap();
        let rmsg = &out[..acc.reply_len.unwrap()];
        assert!(
            Message::parse(rmsg)
                .unwrap()
                .find(PayloadType::GeneralExt)
                .is_none()
        );
        i.handle_response(now(5), rmsg, &r.me(), &pinned([&s.spki]), &mut rng(92))
            .unwrap();
        assert_same(i.poll_keys().unwrap().1, acc.sas);
        assert_eq!(i.poll_keys().unwrap().0, 0x55);
    }
}

#[test]
fn wrong_certificate_and_replay_are_typed_errors() {
    let s = party("sender");
    let r = party("recv1");
    let intruder = party("intruder");
    let mut sender: RsaRResponder<RustCrypto> =
        RsaRResponder::new(RustCrypto, Policy::default(), &[], &[]).unwrap();
    sender
        .serve_group(&STREAMS[..1], &[], 16, &mut rng(1))
        .unwrap();
    // The sender does not trust the intruder's certificate.
    let mut i = RsaRInitiator::new(RustCrypto, Policy::default());
    let mut buf = vec![0u8; 4096];
    let n = i
        .start(
            mikey_core::Time::from_ntp(
                (RsaROffer::new(7, ntp_ts(now(0)), RsaRMode::Group))
                    .t
                    .value64(),
            )
            .unwrap_or_default(),
            &RsaROffer::new(7, ntp_ts(now(0)), RsaRMode::Group),
            &intruder.me(),
            &mut rng(2),
            &mut buf,
        )
        .unwrap();
    let mut out = vec![0u8; 4096];
    let e = sender
        .handle(
            now(0),
            &buf[..n],
            &s.me(),
            &pinned([&r.spki]),
            &mut rng(3),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error, KmError::CertRejected);
    assert_eq!(e.error.error_no(), ErrorNo::InvalidCert);
    // A receiver refuses an R_MESSAGE from a sender it does not trust.
    let n = i
        .start(
            mikey_core::Time::from_ntp(
                (RsaROffer::new(8, ntp_ts(now(0)), RsaRMode::Group))
                    .t
                    .value64(),
            )
            .unwrap_or_default(),
            &RsaROffer::new(8, ntp_ts(now(0)), RsaRMode::Group),
            &r.me(),
            &mut rng(4),
            &mut buf,
        )
        .err();
    assert_eq!(n, Some(KmError::WrongState));
    let mut i = RsaRInitiator::new(RustCrypto, Policy::default());
    let n = i
        .start(
            mikey_core::Time::from_ntp(
                (RsaROffer::new(9, ntp_ts(now(1)), RsaRMode::Group))
                    .t
                    .value64(),
            )
            .unwrap_or_default(),
            &RsaROffer::new(9, ntp_ts(now(1)), RsaRMode::Group),
            &r.me(),
            &mut rng(5),
            &mut buf,
        )
        .unwrap();
    let imsg = buf[..n].to_vec();
    let acc = sender
        .handle(
            now(1),
            &imsg,
            &s.me(),
            &pinned([&r.spki]),
            &mut rng(6),
            &mut out,
        )
        .unwrap();
    let rmsg = out[..acc.reply_len.unwrap()].to_vec();
    let e = i
        .handle_response(
            now(1),
            &rmsg,
            &r.me(),
            &pinned([&intruder.spki]),
            &mut rng(7),
        )
        .unwrap_err();
    assert_eq!(e, KmError::CertRejected);
    i.handle_response(now(1), &rmsg, &r.me(), &pinned([&s.spki]), &mut rng(7))
        .unwrap();
    // Replay of the accepted I_MESSAGE.
    let e = sender
        .handle(
            now(2),
            &imsg,
            &s.me(),
            &pinned([&r.spki]),
            &mut rng(8),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error, KmError::Replay);
    // Timestamp outside the window.
    let mut i = RsaRInitiator::new(RustCrypto, Policy::default());
    let n = i
        .start(
            mikey_core::Time::from_ntp(
                (RsaROffer::new(10, ntp_ts(now(0)), RsaRMode::Group))
                    .t
                    .value64(),
            )
            .unwrap_or_default(),
            &RsaROffer::new(10, ntp_ts(now(0)), RsaRMode::Group),
            &r.me(),
            &mut rng(9),
            &mut buf,
        )
        .unwrap();
    let e = sender
        .handle(
            now(10_000),
            &buf[..n],
            &s.me(),
            &pinned([&r.spki]),
            &mut rng(10),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error.error_no(), ErrorNo::InvalidTs);
}

/// Re-signs a tampered R_MESSAGE as the genuine sender would (SIGNr over the message ‖
/// IDi ‖ IDr ‖ T), so that only the part under test is wrong.
fn resign(msg: &mut [u8], s: &Party, id_i: &[u8], t: &[u8]) {
    km::pki::resign(msg, &s.key, &[id_i, &s.id, t]);
}

#[test]
fn corrupt_pke_is_indistinguishable_from_a_mac_failure_and_flips_are_rejected() {
    let s = party("sender");
    let r = party("recv2");
    let mut sender: RsaRResponder<RustCrypto> =
        RsaRResponder::new(RustCrypto, Policy::default(), &[], &[]).unwrap();
    sender
        .serve_group(&STREAMS[..1], &[], 16, &mut rng(11))
        .unwrap();
    let at = now(3);
    let mut i = RsaRInitiator::new(RustCrypto, Policy::default());
    let mut buf = vec![0u8; 4096];
    let n = i
        .start(
            mikey_core::Time::from_ntp(
                (RsaROffer::new(11, ntp_ts(at), RsaRMode::Group))
                    .t
                    .value64(),
            )
            .unwrap_or_default(),
            &RsaROffer::new(11, ntp_ts(at), RsaRMode::Group),
            &r.me(),
            &mut rng(12),
            &mut buf,
        )
        .unwrap();
    let imsg = buf[..n].to_vec();
    let mut out = vec![0u8; 4096];
    let acc = sender
        .handle(
            at,
            &imsg,
            &s.me(),
            &pinned([&r.spki]),
            &mut rng(13),
            &mut out,
        )
        .unwrap();
    let rmsg = out[..acc.reply_len.unwrap()].to_vec();
    let sender_sas = acc.sas.clone();
    let m = Message::parse(&rmsg).unwrap();
    let t = at.to_ntp().to_be_bytes();
    let pke_at = m.find(PayloadType::Pke).unwrap().offset + 3;
    let mac_at = m.kemac_covered().unwrap().mac.start;
    let pin = pinned([&s.spki]);
    // Corrupt PKE (the padding), validly signed.
    let mut bad_pke = rmsg.clone();
    bad_pke[pke_at + 5] ^= 0x40;
    resign(&mut bad_pke, &s, &r.id, &t);
    let e1 = i
        .handle_response(at, &bad_pke, &r.me(), &pin, &mut rng(14))
        .unwrap_err();
    // Corrupt KEMAC MAC, validly signed.
    let mut bad_mac = rmsg.clone();
    bad_mac[mac_at] ^= 1;
    resign(&mut bad_mac, &s, &r.id, &t);
    let e2 = i
        .handle_response(at, &bad_mac, &r.me(), &pin, &mut rng(15))
        .unwrap_err();
    assert_eq!(e1, KmError::AuthFailed);
    assert_eq!(e1, e2);
    assert!(i.poll_keys().is_none());
    // Every single-bit flip of the R_MESSAGE: rejected, Initiator still waiting.
    for (bit, bad) in flips(&rmsg) {
        assert!(
            i.handle_response(at, &bad, &r.me(), &pin, &mut rng(16))
                .is_err(),
            "bit {bit}"
        );
        assert!(i.poll_keys().is_none());
    }
    // Every single-bit flip of the I_MESSAGE: rejected, sender's cache unchanged.
    let before = sender.replay_cache().len();
    let mut sender2: RsaRResponder<RustCrypto> =
        RsaRResponder::new(RustCrypto, Policy::default(), &[], &[]).unwrap();
    sender2
        .serve_group(&STREAMS[..1], &[], 16, &mut rng(17))
        .unwrap();
    for (bit, bad) in flips(&imsg) {
        let e = sender2
            .handle(
                at,
                &bad,
                &s.me(),
                &pinned([&r.spki]),
                &mut rng(18),
                &mut out,
            )
            .unwrap_err();
        check_flip_error_no(&imsg, bit, e.error.error_no());
        assert_eq!(sender2.replay_cache().len(), 0, "bit {bit}");
    }
    assert_eq!(sender.replay_cache().len(), before);
    i.handle_response(at, &rmsg, &r.me(), &pin, &mut rng(19))
        .unwrap();
    assert_same(i.poll_keys().unwrap().1, &sender_sas);
}

#[test]
fn a_receiver_offering_another_prf_still_gets_the_group_keys() {
    let s = party("sender");
    let r = party("recv3");
    let mut sender: RsaRResponder<RustCrypto> =
        RsaRResponder::new(RustCrypto, Policy::default(), &[], &[]).unwrap();
    sender.serve_group(&STREAMS, &[], 16, &mut rng(30)).unwrap();
    let mut i = RsaRInitiator::new(RustCrypto, Policy::default());
    let offer = RsaROffer {
        prf: mikey_core::PrfFunc::HmacSha256,
        ..RsaROffer::new(0x77, ntp_ts(now(0)), RsaRMode::Group)
    };
    let mut buf = vec![0u8; 4096];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &r.me(),
            &mut rng(31),
            &mut buf,
        )
        .unwrap();
    let mut out = vec![0u8; 4096];
    let acc = sender
        .handle(
            now(0),
            &buf[..n],
            &s.me(),
            &pinned([&r.spki]),
            &mut rng(32),
            &mut out,
        )
        .unwrap();
    assert_eq!(&acc.peer.unwrap().data[..], &r.id[..]);
    i.handle_response(
        now(0),
        &out[..acc.reply_len.unwrap()],
        &r.me(),
        &pinned([&s.spki]),
        &mut rng(33),
    )
    .unwrap();
    assert_same(i.poll_keys().unwrap().1, &sender.group_sas().unwrap());
}

/// RFC 4738 §3.6 applies RFC 3830 §5.2 to the R_MESSAGE's KEMAC: its MAC covers the KEMAC
/// payload with the Next payload byte set to zero — recomputed here with `openssl`, for
/// both rounds of a group join and a unicast exchange.
#[test]
fn r_message_kemac_mac_covers_the_payload_with_its_next_payload_byte_zeroed() {
    let s = party("sender");
    let r = party("recv1");
    let mut sender: RsaRResponder<RustCrypto> =
        RsaRResponder::new(RustCrypto, Policy::default(), &[], &[]).unwrap();
    sender
        .serve_group(&STREAMS, &[(0, SrtpPolicy::DEFAULT)], 16, &mut rng(80))
        .unwrap();
    for round in 0..2 {
        let (_, imsg, rmsg, _) = join(&mut sender, &s, &r, now(round), 0x4738, 81 + round as u8);
        let rm = Message::parse(&rmsg).unwrap();
        let rand = rm
            .rand()
            .or_else(|| Message::parse(&imsg).unwrap().rand())
            .unwrap()
            .to_vec();
        // A group R_MESSAGE's keys derive from the group's CSB ID (GenExt CSB_ID).
        let csb = rm
            .payloads()
            .find_map(|p| match p.payload {
                Payload::GeneralExt(g) => g.csb_id(),
                _ => None,
            })
            .unwrap();
        let (wire, rfc, as_sent) = km::pki::kemac_macs(&rmsg, &r.key, csb, &rand);
        assert_eq!(wire, rfc, "round {round}");
        assert_ne!(
            rfc, as_sent,
            "round {round}: the KEMAC's Next payload byte is not zero"
        );
        sender.rekey_group(&mut rng(90)).unwrap();
    }
}
