//! DHHMAC (RFC 4650) end to end: every MODP group (note the DH-Group numbering), keys
//! equal on both ends, DH value range checks, replay, every single-bit flip of both
//! messages.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod km;

use keying_crypto::Symmetric;
use keying_crypto::rustcrypto::RustCrypto;
use km::*;
use mikey_core::dhhmac::{DhHmacInitiator, DhHmacResponder};
use mikey_core::error::KmError;
use mikey_core::hooks::StaticPsk;
use mikey_core::kdf::KemacKeys;
use mikey_core::offer::Offer;
use mikey_core::policy::Policy;
use mikey_core::{DataType, DhGroup, ErrorNo, Message, Payload, PayloadType, PrfFunc};

const PSK: &[u8] = b"dhhmac shared secret";

fn exchange(group: DhGroup) -> (Vec<u8>, Vec<u8>) {
    let offer = Offer::new(
        0x4650_0000 + u32::from(group.to_wire()),
        &STREAMS,
        ntp_ts(now(0)),
    );
    let mut i = DhHmacInitiator::new(RustCrypto, Policy::default());
    let mut buf = [0u8; 1024];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            group,
            PSK,
            &mut rng(31),
            &mut buf,
        )
        .unwrap();
    let init = buf[..n].to_vec();
    let mut r: DhHmacResponder<_> = DhHmacResponder::new(
        RustCrypto,
        Policy {
            dh_groups: mikey_core::DhGroups::ALL,
            ..Policy::default()
        },
    );
    let mut out = [0u8; 1024];
    let acc = r
        .handle(
            now(1),
            &init,
            &StaticPsk::new(PSK).unwrap(),
            &mut rng(32),
            &mut out,
        )
        .unwrap();
    let resp = out[..acc.reply_len.unwrap()].to_vec();
    let m = Message::parse(&resp).unwrap();
    assert_eq!(m.data_type(), DataType::DhHmacResp);
    assert_eq!(m.find_all(PayloadType::Dh).count(), 2);
    i.handle_response(now(1), &resp).unwrap();
    assert_same(i.poll_keys().unwrap(), acc.sas);
    (init, resp)
}

#[test]
fn every_group_agrees() {
    for (group, len) in [
        (DhGroup::Oakley1, 96),
        (DhGroup::Oakley2, 128),
        (DhGroup::Oakley5, 192),
    ] {
        let (init, _) = exchange(group);
        let m = Message::parse(&init).unwrap();
        let dh = m
            .payloads()
            .find_map(|p| match p.payload {
                Payload::Dh(d) => Some(d),
                _ => None,
            })
            .unwrap();
        assert_eq!(dh.value.len(), len, "{group:?}");
    }
    // DH-Group 0 is OAKLEY 5 on the wire.
    assert_eq!(DhGroup::Oakley5.to_wire(), 0);
}

/// Rewrites the first DH value of `msg` and re-MACs it with the PSK (a peer that holds
/// the PSK but sends a bad value).
fn with_dh_value(msg: &[u8], value: &[u8]) -> Vec<u8> {
    let m = Message::parse(msg).unwrap();
    let at = m.find(PayloadType::Dh).unwrap().offset + 2;
    let mut out = msg.to_vec();
    out[at..at + value.len()].copy_from_slice(value);
    let m = Message::parse(&out).unwrap();
    let keys = KemacKeys::derive(
        &RustCrypto,
        &mikey_core::kdf::Derivation::new(
            PrfFunc::Mikey1,
            PSK,
            m.header().csb_id,
            m.rand().unwrap(),
        ),
        0,
        20,
    )
    .unwrap();
    let cov = m.kemac_covered().unwrap();
    let mac = RustCrypto.hmac(
        keying_crypto::HashAlg::Sha1,
        keys.auth.expose(),
        &[cov.message],
    );
    let range = cov.mac.clone();
    out[range].copy_from_slice(mac.as_bytes());
    out
}

#[test]
fn dh_value_out_of_range_is_typed() {
    let offer = Offer::new(0x4650_0010, &STREAMS[..1], ntp_ts(now(0)));
    let mut i = DhHmacInitiator::new(RustCrypto, Policy::default());
    let mut buf = [0u8; 1024];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            DhGroup::Oakley1,
            PSK,
            &mut rng(33),
            &mut buf,
        )
        .unwrap();
    let good = buf[..n].to_vec();
    let p_minus_1 = {
        let mut v = vec![0xffu8; 96];
        // p − 1 for OAKLEY 1 ends in ...FFFE.
        let p = hex96();
        v.copy_from_slice(&p);
        v[95] -= 1;
        v
    };
    let mut one = vec![0u8; 96];
    one[95] = 1;
    let zero = vec![0u8; 96];
    let psk = StaticPsk::new(PSK).unwrap();
    let mut r: DhHmacResponder<_> = DhHmacResponder::new(
        RustCrypto,
        Policy {
            dh_groups: mikey_core::DhGroups::ALL,
            ..Policy::default()
        },
    );
    let mut out = [0u8; 1024];
    for bad in [zero, one, p_minus_1, vec![0xff; 96]] {
        let msg = with_dh_value(&good, &bad);
        let e = r
            .handle(now(0), &msg, &psk, &mut rng(34), &mut out)
            .unwrap_err();
        assert_eq!(e.error, KmError::DhValueOutOfRange);
        assert_eq!(e.error.error_no(), ErrorNo::InvalidDh);
        assert_eq!(r.replay_cache().len(), 0);
    }
    // Refused group.
    let mut strict: DhHmacResponder<_> = DhHmacResponder::new(
        RustCrypto,
        Policy {
            dh_groups: mikey_core::DhGroups::OAKLEY5,
            ..Policy::default()
        },
    );
    let e = strict
        .handle(now(0), &good, &psk, &mut rng(35), &mut out)
        .unwrap_err();
    assert_eq!(e.error, KmError::DhGroupRefused);
    // The genuine one is accepted, then is a replay.
    r.handle(now(0), &good, &psk, &mut rng(36), &mut out)
        .unwrap();
    let e = r
        .handle(now(0), &good, &psk, &mut rng(37), &mut out)
        .unwrap_err();
    assert_eq!(e.error, KmError::Replay);
}

/// One Responder takes two different I_MESSAGEs under the same PSK and T (each known to
/// its replay cache by its own verified MAC), and refuses each one's replay.
#[test]
fn one_responder_takes_two_messages_and_refuses_both_replays() {
    let psk = StaticPsk::new(PSK).unwrap();
    let offer = Offer::new(0x4650_0300, &STREAMS, ntp_ts(now(0)));
    let msgs: Vec<Vec<u8>> = (0..2u8)
        .map(|k| {
            let mut i = DhHmacInitiator::new(RustCrypto, Policy::default());
            let mut buf = [0u8; 1024];
            let n = i
                .start(
                    mikey_core::Time::from_ntp(offer.t.value64()).unwrap_or_default(),
                    &offer,
                    DhGroup::Oakley5,
                    PSK,
                    &mut rng(40 + k),
                    &mut buf,
                )
                .unwrap();
            buf[..n].to_vec()
        })
        .collect();
    assert_ne!(msgs[0], msgs[1]);
    let mut r: DhHmacResponder<_> = DhHmacResponder::new(RustCrypto, Policy::default());
    let mut out = [0u8; 1024];
    for (k, msg) in msgs.iter().enumerate() {
        r.handle(now(1), msg, &psk, &mut rng(50 + k as u8), &mut out)
            .unwrap();
        assert_eq!(r.replay_cache().len(), k + 1);
    }
    for msg in &msgs {
        let e = r
            .handle(now(1), msg, &psk, &mut rng(60), &mut out)
            .unwrap_err();
        assert_eq!(e.error, KmError::Replay);
    }
    assert_eq!(r.replay_cache().len(), 2);
}

fn hex96() -> Vec<u8> {
    let h = concat!(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
        "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
        "4FE1356D6D51C245E485B576625E7EC6F44C42E9A63A3620FFFFFFFFFFFFFFFF",
    );
    (0..96)
        .map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

#[test]
fn every_bit_flip_of_both_messages_rejected() {
    let offer = Offer::new(0x4650_0020, &STREAMS[..1], ntp_ts(now(0)));
    let mut i = DhHmacInitiator::new(RustCrypto, Policy::default());
    let mut buf = [0u8; 1024];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            DhGroup::Oakley1,
            PSK,
            &mut rng(38),
            &mut buf,
        )
        .unwrap();
    let init = buf[..n].to_vec();
    let psk = StaticPsk::new(PSK).unwrap();
    let pol = Policy {
        dh_groups: mikey_core::DhGroups::ALL,
        ..Policy::default()
    };
    let mut r: DhHmacResponder<_> = DhHmacResponder::new(RustCrypto, pol);
    let mut out = [0u8; 1024];
    for (bit, bad) in flips(&init) {
        let e = r
            .handle(now(0), &bad, &psk, &mut rng(39), &mut out)
            .unwrap_err();
        check_flip_error_no(&init, bit, e.error.error_no());
        assert_eq!(r.replay_cache().len(), 0, "bit {bit}");
    }
    let acc = r
        .handle(now(0), &init, &psk, &mut rng(40), &mut out)
        .unwrap();
    let resp = out[..acc.reply_len.unwrap()].to_vec();
    for (bit, bad) in flips(&resp) {
        assert!(i.handle_response(now(0), &bad).is_err(), "bit {bit}");
        assert!(i.poll_keys().is_none());
    }
    i.handle_response(now(0), &resp).unwrap();
    assert_same(i.poll_keys().unwrap(), acc.sas);
}

/// tests/vectors/mikey/m5_dhhmac_init.hex: a DHHMAC I_MESSAGE MAC-ed by an independent
/// (Python) encoder with the
/// auth_key from PSK 00..0f. Our Responder must authenticate it (the DH value, 0xBB × 128,
/// then decides), and reject it once a MAC byte changes.
#[test]
fn independently_built_dhhmac_message_authenticates() {
    let hex = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/mikey/m5_dhhmac_init.hex"
    ));
    let msg: Vec<u8> = (0..hex.trim().len() / 2)
        .map(|i| u8::from_str_radix(&hex.trim()[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let psk: Vec<u8> = (0..16).collect();
    let at = mikey_core::Time::from_ntp(0xe6a1_b2c3_0000_0000).unwrap_or_default();
    let pol = Policy {
        dh_groups: mikey_core::DhGroups::ALL,
        ..Policy::default()
    };
    let mut out = [0u8; 1024];
    let mut r: DhHmacResponder<_> = DhHmacResponder::new(RustCrypto, pol);
    let res = r.handle(
        at,
        &msg,
        &StaticPsk::new(&psk).unwrap(),
        &mut rng(50),
        &mut out,
    );
    // Accepted (0xBB…BB happens to lie in the prime-order subgroup of OAKLEY 2): our MAC
    // coverage and auth_key equal the independent encoder's.
    let acc = res.unwrap();
    assert_eq!(acc.csb_id, 0x1234_5678);
    assert_eq!(&acc.peer.unwrap().data[..], b"sip:alice@example.com");
    let mut bad = msg.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    let mut r: DhHmacResponder<_> = DhHmacResponder::new(RustCrypto, pol);
    let e = r
        .handle(
            at,
            &bad,
            &StaticPsk::new(&psk).unwrap(),
            &mut rng(51),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error, KmError::AuthFailed);
}
