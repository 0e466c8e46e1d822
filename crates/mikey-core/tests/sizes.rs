//! The output-size constants of `mikey_core::sizes` against what the roles write: every
//! role driven with the largest inputs the limits allow (MAX_CS crypto sessions and SP
//! payloads, MAX_ID-byte identities, a MAX_RAND-byte RAND, a MAX_TGK-byte TGK with a
//! MAX_MKI-byte MKI, HMAC-SHA-256-256) writes at most the bound, and one byte less than
//! what it wrote is `BufferTooSmall { needed }` with `needed` at least that length.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod km;

use keying_crypto::rustcrypto::RustCrypto;
use km::*;
use mikey_core::srtp::{MAX_CS, MAX_MKI};
use mikey_core::{
    Id, IdType, KmError, MAX_ERROR_MESSAGE_LEN, MAX_ID, MAX_PSK_I_MESSAGE_LEN,
    MAX_PSK_RESPONSE_LEN, MAX_RAND, MAX_TGK, MacAlg, Offer, Policy, PskInitiator, PskResponder,
    SrtpCs, SrtpPolicy, StaticPsk,
};

const PSK: &[u8] = b"a pre-shared key of 20 bytes";
const BIG: usize = 4096;

fn streams() -> Vec<SrtpCs> {
    (0..MAX_CS)
        .map(|i| SrtpCs {
            policy_no: i as u8,
            ssrc: 0x1000_0000 + i as u32,
            roc: u32::MAX,
        })
        .collect()
}

fn policies() -> Vec<(u8, SrtpPolicy)> {
    (0..MAX_CS)
        .map(|i| (i as u8, SrtpPolicy::DEFAULT))
        .collect()
}

/// The largest PSK I_MESSAGE: returns it with the Initiator that sent it.
fn largest_psk_offer(
    streams: &[SrtpCs],
    policies: &[(u8, SrtpPolicy)],
    ids: &[u8],
    mki: &[u8],
) -> (PskInitiator<RustCrypto>, Vec<u8>) {
    let offer = Offer {
        policies,
        mac: MacAlg::HmacSha256_256,
        id_i: Some(Id {
            id_type: IdType::Uri,
            data: ids,
        }),
        id_r: Some(Id {
            id_type: IdType::Uri,
            data: ids,
        }),
        mki,
        tgk_len: MAX_TGK,
        verification: true,
        rand_len: MAX_RAND,
        ..Offer::new(0x5123_0000, streams, ntp_ts(now(0)))
    };
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let mut buf = vec![0u8; BIG];
    let n = i.start(now(0), &offer, PSK, &mut rng(1), &mut buf).unwrap();
    assert!(
        n <= MAX_PSK_I_MESSAGE_LEN,
        "PSK I_MESSAGE {n} > {MAX_PSK_I_MESSAGE_LEN}"
    );
    // One byte short: BufferTooSmall, and the Initiator can still start.
    let mut short = PskInitiator::new(RustCrypto, Policy::default());
    let mut buf2 = vec![0u8; n - 1];
    match short.start(now(0), &offer, PSK, &mut rng(1), &mut buf2) {
        Err(KmError::BufferTooSmall { needed }) => assert!(needed >= n, "needed {needed} < {n}"),
        other => panic!("one byte short: {other:?}"),
    }
    assert!(!short.is_waiting());
    buf.truncate(n);
    (i, buf)
}

#[test]
fn psk_messages_within_bounds() {
    let (streams, policies) = (streams(), policies());
    let ids = [b'a'; MAX_ID];
    let mki = [7u8; MAX_MKI];
    let (mut i, msg) = largest_psk_offer(&streams, &policies, &ids, &mki);
    println!("PSK I_MESSAGE {} / {MAX_PSK_I_MESSAGE_LEN}", msg.len());

    let mut r = PskResponder::new(RustCrypto, Policy::default());
    r.set_identity(&Id {
        id_type: IdType::Uri,
        data: &ids,
    })
    .unwrap();
    let psk = StaticPsk::new(PSK).unwrap();
    // Measure the response, then one byte short of it (nothing committed, so the same
    // message is accepted afterwards).
    let mut probe = PskResponder::new(RustCrypto, Policy::default());
    probe
        .set_identity(&Id {
            id_type: IdType::Uri,
            data: &ids,
        })
        .unwrap();
    let mut out = vec![0u8; BIG];
    let n = probe
        .handle(now(0), &msg, &psk, &mut out)
        .unwrap()
        .reply_len
        .unwrap();
    assert!(
        n <= MAX_PSK_RESPONSE_LEN,
        "PSK response {n} > {MAX_PSK_RESPONSE_LEN}"
    );
    println!("PSK response {n} / {MAX_PSK_RESPONSE_LEN}");
    let mut short = vec![0u8; n - 1];
    match r.handle(now(0), &msg, &psk, &mut short) {
        Err(e) => match e.error {
            KmError::BufferTooSmall { needed } => assert!(needed >= n, "needed {needed} < {n}"),
            other => panic!("one byte short: {other:?}"),
        },
        Ok(_) => panic!("one byte short accepted"),
    }
    let mut out = vec![0u8; MAX_PSK_RESPONSE_LEN];
    let acc = r.handle(now(0), &msg, &psk, &mut out).unwrap();
    let n = acc.reply_len.unwrap();
    i.handle_response(now(0), &out[..n]).unwrap();
}

#[test]
fn psk_error_message_within_bound() {
    let (streams, policies) = (streams(), policies());
    let ids = [b'a'; MAX_ID];
    let (_, msg) = largest_psk_offer(&streams, &policies, &ids, &[7u8; MAX_MKI]);
    let psk = StaticPsk::new(PSK).unwrap();
    // Outside the time window: an Error message carrying V (the largest kind a PSK
    // Responder writes).
    let late = now(3600);
    let mut r = PskResponder::new(RustCrypto, Policy::default());
    let mut out = vec![0u8; MAX_ERROR_MESSAGE_LEN];
    let e = r.handle(late, &msg, &psk, &mut out).unwrap_err();
    let n = e.reply_len.unwrap();
    assert!(
        n <= MAX_ERROR_MESSAGE_LEN,
        "Error message {n} > {MAX_ERROR_MESSAGE_LEN}"
    );
    let m = mikey_core::Message::parse(&out[..n]).unwrap();
    assert!(m.verification().is_some());
    // One byte short: the typed error stays, no Error message is written.
    let mut short = vec![0u8; n - 1];
    let e2 = r.handle(late, &msg, &psk, &mut short).unwrap_err();
    assert_eq!(e2.error, e.error);
    assert_eq!(e2.reply_len, None);
}

#[test]
fn dhhmac_messages_within_bounds() {
    use mikey_core::{
        DhGroup, DhGroups, DhHmacInitiator, DhHmacResponder, MAX_DHHMAC_I_MESSAGE_LEN,
        MAX_DHHMAC_R_MESSAGE_LEN,
    };
    let (streams, policies) = (streams(), policies());
    let ids = [b'a'; MAX_ID];
    let offer = Offer {
        policies: &policies,
        mac: MacAlg::HmacSha256_256,
        id_i: Some(Id {
            id_type: IdType::Uri,
            data: &ids,
        }),
        id_r: Some(Id {
            id_type: IdType::Uri,
            data: &ids,
        }),
        rand_len: MAX_RAND,
        ..Offer::new(0x4650_0000, &streams, ntp_ts(now(0)))
    };
    let g = DhGroup::Oakley5;
    let mut i = DhHmacInitiator::new(RustCrypto, Policy::default());
    let mut buf = vec![0u8; BIG];
    let n = i
        .start(now(0), &offer, g, PSK, &mut rng(5), &mut buf)
        .unwrap();
    println!("DHHMAC I_MESSAGE {n} / {MAX_DHHMAC_I_MESSAGE_LEN}");
    assert!(n <= MAX_DHHMAC_I_MESSAGE_LEN, "DHHMAC I_MESSAGE {n}");
    let mut short_i = DhHmacInitiator::new(RustCrypto, Policy::default());
    match short_i.start(
        now(0),
        &offer,
        g,
        PSK,
        &mut rng(5),
        &mut buf[..n - 1].to_vec(),
    ) {
        Err(KmError::BufferTooSmall { needed }) => assert!(needed >= n, "needed {needed} < {n}"),
        other => panic!("one byte short: {other:?}"),
    }
    let msg = buf[..n].to_vec();

    let policy = Policy {
        dh_groups: DhGroups::ALL,
        ..Policy::default()
    };
    let psk = StaticPsk::new(PSK).unwrap();
    let responder = || {
        let mut r = DhHmacResponder::new(RustCrypto, policy);
        r.set_identity(&Id {
            id_type: IdType::Uri,
            data: &ids,
        })
        .unwrap();
        r
    };
    let mut out = vec![0u8; BIG];
    let mut r = responder();
    let acc = r.handle(now(0), &msg, &psk, &mut rng(6), &mut out).unwrap();
    let m = acc.reply_len.unwrap();
    println!("DHHMAC R_MESSAGE {m} / {MAX_DHHMAC_R_MESSAGE_LEN}");
    assert!(m <= MAX_DHHMAC_R_MESSAGE_LEN, "DHHMAC R_MESSAGE {m}");
    let mut short = vec![0u8; m - 1];
    match responder().handle(now(0), &msg, &psk, &mut rng(6), &mut short) {
        Err(e) => match e.error {
            KmError::BufferTooSmall { needed } => assert!(needed >= m, "needed {needed} < {m}"),
            other => panic!("one byte short: {other:?}"),
        },
        Ok(_) => panic!("one byte short accepted"),
    }
    i.handle_response(now(0), &out[..m]).unwrap();
}
