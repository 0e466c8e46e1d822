//! Signed DH mode (RFC 3830 §3.3): MODP groups, SIGN both ways, keys equal, DH value out
//! of range (a validly signed message with a bad value), wrong certificate, bit flips.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod km;

use keying_crypto::rustcrypto::RustCrypto;
use km::pki::{party, pinned};
use km::*;
use mikey_core::dh::{DhInitiator, DhResponder};
use mikey_core::error::KmError;
use mikey_core::offer::Offer;
use mikey_core::policy::Policy;
use mikey_core::{DataType, DhGroup, ErrorNo, Message, PayloadType};

fn policy() -> Policy {
    Policy {
        dh_groups: mikey_core::DhGroups::ALL,
        ..Policy::default()
    }
}

#[test]
fn signed_dh_every_group() {
    let a = party("recv1");
    let b = party("sender");
    for group in [DhGroup::Oakley5, DhGroup::Oakley1, DhGroup::Oakley2] {
        let offer = Offer::new(
            0x3300_0000 + u32::from(group.to_wire()),
            &STREAMS,
            ntp_ts(now(0)),
        );
        let mut i = DhInitiator::new(RustCrypto, policy());
        let mut buf = vec![0u8; 4096];
        let n = i
            .start(
                mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
                &offer,
                group,
                &a.me(),
                &mut rng(1),
                &mut buf,
            )
            .unwrap();
        let mut r: DhResponder<_> = DhResponder::new(RustCrypto, policy());
        let mut out = vec![0u8; 4096];
        let acc = r
            .handle(
                now(1),
                &buf[..n],
                &b.me(),
                &pinned([&a.spki]),
                &mut rng(2),
                &mut out,
            )
            .unwrap();
        let resp = out[..acc.reply_len.unwrap()].to_vec();
        assert_eq!(Message::parse(&resp).unwrap().data_type(), DataType::DhResp);
        // Not trusting the Responder's certificate: typed, and still waiting.
        let e = i
            .handle_response(now(1), &resp, &pinned([&a.spki]))
            .unwrap_err();
        assert_eq!(e, KmError::CertRejected);
        i.handle_response(now(1), &resp, &pinned([&b.spki]))
            .unwrap();
        assert_same(i.poll_keys().unwrap(), acc.sas);
    }
}

#[test]
fn dh_value_out_of_range_wrong_cert_and_flips() {
    let a = party("recv1");
    let b = party("sender");
    let x = party("intruder");
    let offer = Offer::new(0x3300_0010, &STREAMS[..1], ntp_ts(now(0)));
    let mut i = DhInitiator::new(RustCrypto, policy());
    let mut buf = vec![0u8; 4096];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            DhGroup::Oakley1,
            &a.me(),
            &mut rng(3),
            &mut buf,
        )
        .unwrap();
    let msg = buf[..n].to_vec();
    let mut out = vec![0u8; 4096];
    let pin = pinned([&a.spki]);
    // A validly signed message whose DH value is 1.
    let mut bad = msg.clone();
    let m = Message::parse(&bad).unwrap();
    let at = m.find(PayloadType::Dh).unwrap().offset + 2;
    bad[at..at + 96].fill(0);
    bad[at + 95] = 1;
    km::pki::resign(&mut bad, &a.key, &[]);
    let mut r: DhResponder<_> = DhResponder::new(RustCrypto, policy());
    let e = r
        .handle(now(0), &bad, &b.me(), &pin, &mut rng(5), &mut out)
        .unwrap_err();
    assert_eq!(e.error, KmError::DhValueOutOfRange);
    assert_eq!(e.error.error_no(), ErrorNo::InvalidDh);
    assert!(
        Message::parse(&out[..e.reply_len.unwrap()])
            .unwrap()
            .sign()
            .is_some()
    );
    assert_eq!(r.replay_cache().len(), 0);
    // Wrong certificate.
    let e = r
        .handle(
            now(0),
            &msg,
            &b.me(),
            &pinned([&x.spki]),
            &mut rng(6),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error, KmError::CertRejected);
    // Every single-bit flip.
    for (bit, f) in flips(&msg) {
        let e = r
            .handle(now(0), &f, &b.me(), &pin, &mut rng(7), &mut out)
            .unwrap_err();
        check_flip_error_no(&msg, bit, e.error.error_no());
        assert_eq!(r.replay_cache().len(), 0, "bit {bit}");
    }
    let acc = r
        .handle(now(0), &msg, &b.me(), &pin, &mut rng(8), &mut out)
        .unwrap();
    let resp = out[..acc.reply_len.unwrap()].to_vec();
    let bpin = pinned([&b.spki]);
    for (bit, f) in flips(&resp) {
        assert!(i.handle_response(now(0), &f, &bpin).is_err(), "bit {bit}");
        assert!(i.poll_keys().is_none());
    }
    i.handle_response(now(0), &resp, &bpin).unwrap();
    assert_same(i.poll_keys().unwrap(), acc.sas);
    // Replay.
    let e = r
        .handle(now(0), &msg, &b.me(), &pin, &mut rng(9), &mut out)
        .unwrap_err();
    assert_eq!(e.error, KmError::Replay);
}
