//! Interop with an implementation nobody here wrote: the `mykey` crate 2.3.1.
//!
//! mykey departs from RFC 3830 in two ways that matter here, both handled explicitly:
//! - it derives the HMAC-SHA-1-160 auth_key with 32 bytes (RFC 3830 §4.2.4 / §6.2: 160
//!   bits) — our side sets [`Policy::sha1_auth_key_len`] = 32 to talk to it;
//! - its `complete_psk` / DHHMAC `complete` derive SRTP keys with cs_id 0, while the
//!   SRTP-ID map numbers crypto sessions from 1 (RFC 3830 §6.1.1) — we compare against
//!   mykey's own `derive_srtp_keys` with cs_id 1 on the TGK mykey recovered, and show that
//!   its cs_id 0 shortcut differs.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod km;

use std::time::{Duration, UNIX_EPOCH};

use keying_crypto::rustcrypto::RustCrypto;
use km::*;
use mikey_core::Time;
use mikey_core::hooks::StaticPsk;
use mikey_core::offer::Offer;
use mikey_core::policy::Policy;
use mikey_core::psk::{PskInitiator, PskResponder};
use mykey::MikeyMessage;
use mykey::srtp::{SrtpCryptoSuite, derive_srtp_keys};

const PSK: &[u8] = b"interop pre-shared key, 32 bytes";

fn mykey_policy() -> Policy {
    Policy {
        sha1_auth_key_len: 32,
        ..Policy::default()
    }
}

/// Our virtual clock's `now(secs)` as a SystemTime for mykey.
fn sys(at: Time) -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(at.unix_secs())
}

#[test]
fn mykey_accepts_our_psk_message_and_derives_the_same_keys() {
    let offer = Offer {
        tgk_len: 32,
        verification: true,
        ..Offer::new(0x0bad_cafe, &STREAMS[..1], ntp_ts(now(0)))
    };
    let mut i = PskInitiator::new(RustCrypto, mykey_policy());
    let mut buf = [0u8; 512];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            PSK,
            &mut rng(21),
            &mut buf,
        )
        .unwrap();
    let ours = MikeyMessage::from_bytes(&buf[..n]).unwrap();
    let tgk = ours.verify_and_extract_tgk(PSK).unwrap();
    let rand = ours.rand_bytes().unwrap().to_vec();
    let mk = derive_srtp_keys(
        &tgk,
        &rand,
        1,
        0x0bad_cafe,
        SrtpCryptoSuite::AES_128_CM_SHA1_80,
    )
    .unwrap();
    // mykey answers with its verification message; we verify it.
    let v = MikeyMessage::new_psk_verification(&ours, PSK).unwrap();
    i.handle_response(now(0), v.to_bytes()).unwrap();
    let sa = &i.poll_keys().unwrap()[0];
    assert_eq!(sa.master_key.expose(), &mk.master_key[..]);
    assert_eq!(sa.master_salt.expose(), &mk.master_salt[..]);
    let shortcut = ours
        .complete_psk(PSK, SrtpCryptoSuite::AES_128_CM_SHA1_80)
        .unwrap();
    assert_ne!(
        sa.master_key.expose(),
        &shortcut.master_key[..],
        "mykey uses cs_id 0"
    );
    // Tampered: mykey refuses it.
    let mut bad = buf[..n].to_vec();
    bad[n - 1] ^= 1;
    assert!(
        MikeyMessage::from_bytes(&bad)
            .unwrap()
            .verify_and_extract_tgk(PSK)
            .is_err()
    );
}

#[test]
fn we_accept_mykey_psk_messages_and_it_accepts_our_verification() {
    let at = now(50);
    let rand = [0x42u8; 16];
    let theirs = MikeyMessage::new_psk_init_requiring_verification_at(
        0x5151_0001,
        0xdead_beef,
        &rand,
        PSK,
        mykey::payload::Timestamp::Ntp(sys(at)),
    );
    let theirs = match theirs {
        Ok(m) => m,
        Err(_) => {
            // Older path name: fall back to the public builder with a timestamp.
            panic!("mykey builder failed")
        }
    };
    let mut r: PskResponder<_> = PskResponder::new(RustCrypto, mykey_policy());
    let mut out = [0u8; 512];
    let acc = r
        .handle(
            now(51),
            theirs.to_bytes(),
            &StaticPsk::new(PSK).unwrap(),
            &mut out,
        )
        .unwrap();
    let tgk = theirs.verify_and_extract_tgk(PSK).unwrap();
    let mk = derive_srtp_keys(
        &tgk,
        &rand,
        1,
        0x5151_0001,
        SrtpCryptoSuite::AES_128_CM_SHA1_80,
    )
    .unwrap();
    assert_eq!(acc.sas[0].master_key.expose(), &mk.master_key[..]);
    assert_eq!(acc.sas[0].master_salt.expose(), &mk.master_salt[..]);
    assert_eq!(acc.sas[0].ssrc, 0xdead_beef);
    // Our verification message passes mykey's check.
    let reply = MikeyMessage::from_bytes(&out[..acc.reply_len.unwrap()]).unwrap();
    reply.verify_psk_verification(&theirs, PSK).unwrap();
    // And a replay of mykey's message is refused.
    assert!(
        r.handle(
            now(52),
            theirs.to_bytes(),
            &StaticPsk::new(PSK).unwrap(),
            &mut out
        )
        .is_err()
    );
}

fn mykey_dh_policy() -> Policy {
    Policy {
        sha1_auth_key_len: 32,
        first_cs_id: 0,
        dhhmac_resp_without_dhi: true,
        dh_groups: mikey_core::DhGroups::ALL,
        ..Policy::default()
    }
}

#[test]
fn we_answer_mykey_dhhmac_and_both_derive_the_same_keys() {
    use mikey_core::dhhmac::DhHmacResponder;
    for group in [
        mykey::payload::DhGroup::Oakley2,
        mykey::payload::DhGroup::Oakley5,
    ] {
        let init = mykey::message::DhHmacInitiator::new(0x7777_0001, 0xabad_1dea, group, PSK)
            .unwrap()
            .with_timestamp(mykey::payload::Timestamp::Ntp(sys(now(10))));
        let msg = init.init_message().unwrap();
        let mut r: DhHmacResponder<_> = DhHmacResponder::new(RustCrypto, mykey_dh_policy());
        let mut out = [0u8; 1024];
        let acc = r
            .handle(
                now(10),
                msg.to_bytes(),
                &StaticPsk::new(PSK).unwrap(),
                &mut rng(41),
                &mut out,
            )
            .unwrap();
        let resp = MikeyMessage::from_bytes(&out[..acc.reply_len.unwrap()]).unwrap();
        let mk = init
            .complete(&resp, SrtpCryptoSuite::AES_128_CM_SHA1_80)
            .unwrap();
        assert_eq!(acc.sas[0].master_key.expose(), &mk.master_key[..]);
        assert_eq!(acc.sas[0].master_salt.expose(), &mk.master_salt[..]);
    }
}

#[test]
fn mykey_answers_our_dhhmac_and_both_derive_the_same_keys() {
    use mikey_core::dhhmac::DhHmacInitiator;
    let offer = Offer::new(0x7777_0002, &STREAMS[..1], ntp_ts(now(20)));
    let mut i = DhHmacInitiator::new(RustCrypto, mykey_dh_policy());
    let mut buf = [0u8; 1024];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            mikey_core::DhGroup::Oakley2,
            PSK,
            &mut rng(42),
            &mut buf,
        )
        .unwrap();
    let ours = MikeyMessage::from_bytes(&buf[..n]).unwrap();
    let r = mykey::message::DhHmacResponder::for_offer(&ours, PSK).unwrap();
    let resp = r.resp_message(&ours).unwrap();
    i.handle_response(now(20), resp.to_bytes()).unwrap();
    let mk = r
        .complete(&ours, SrtpCryptoSuite::AES_128_CM_SHA1_80)
        .unwrap();
    let sa = &i.poll_keys().unwrap()[0];
    assert_eq!(sa.master_key.expose(), &mk.master_key[..]);
    assert_eq!(sa.master_salt.expose(), &mk.master_salt[..]);
    // Without the mykey leniency its R_MESSAGE (no DHi echo) is refused, typed.
    let mut strict = DhHmacInitiator::new(
        RustCrypto,
        Policy {
            dhhmac_resp_without_dhi: false,
            ..mykey_dh_policy()
        },
    );
    let n = strict
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            mikey_core::DhGroup::Oakley2,
            PSK,
            &mut rng(43),
            &mut buf,
        )
        .unwrap();
    let ours = MikeyMessage::from_bytes(&buf[..n]).unwrap();
    let r = mykey::message::DhHmacResponder::for_offer(&ours, PSK).unwrap();
    let resp = r.resp_message(&ours).unwrap();
    assert!(matches!(
        strict.handle_response(now(20), resp.to_bytes()),
        Err(mikey_core::error::KmError::Message(_))
    ));
}
