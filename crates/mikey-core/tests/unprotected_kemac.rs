//! The NULL-protected PSK I_MESSAGE (KEMAC Encr alg NULL and MAC alg NULL, RFC 3830 §6.2:
//! key data in the clear, nothing authenticated), the only form GStreamer's RTSP server and
//! SDP code send: refused by `Policy::default()`, accepted only with the explicit
//! `Policy::insecure_accept_unprotected_kemac`. The message used is GStreamer's own (vector
//! `g1_gst_psk_null`, built by GstSdp's MIKEY API).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use keying_crypto::rustcrypto::RustCrypto;
use mikey_core::*;

/// A key resolver that knows no peer: the unprotected path must not need one.
struct Nobody;

impl KeyResolver for Nobody {
    fn psk(&self, _id_i: Option<&[u8]>, _id_r: Option<&[u8]>) -> Option<&[u8]> {
        None
    }
}

fn gst() -> Vec<u8> {
    common::vector!("g1_gst_psk_null")
}

/// The message's own T as "now" (inside the window).
fn now_of(msg: &[u8]) -> Time {
    Time::from_ntp(Message::parse(msg).unwrap().timestamp().unwrap().value).unwrap()
}

fn opt_in() -> Policy {
    Policy {
        insecure_accept_unprotected_kemac: true,
        ..Policy::default()
    }
}

/// The vector's key data (TEK + SALT), as sent.
fn sent_key_and_salt(msg: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let m = Message::parse(msg).unwrap();
    let kemac = m.kemac().unwrap();
    let sub = kemac
        .plain_sub_payloads(PayloadType::KeyData)
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let Payload::KeyData(kd) = sub.payload else {
        panic!("{sub:?}")
    };
    (kd.key.to_vec(), kd.salt.unwrap().to_vec())
}

#[test]
fn default_policy_refuses_gstreamers_null_protected_message() {
    assert!(!Policy::default().insecure_accept_unprotected_kemac);
    let msg = gst();
    let mut out = [0u8; 512];
    // Whatever PSK the resolver holds: a NULL MAC authenticates nothing.
    for keys in [
        &Nobody as &dyn KeyResolver,
        &StaticPsk::new(b"any pre-shared key").unwrap(),
    ] {
        let mut r = PskResponder::new(RustCrypto, Policy::default());
        let e = r.handle(now_of(&msg), &msg, keys, &mut out).unwrap_err();
        assert_eq!(e.error, KmError::MacRefused(MacAlg::Null));
        assert_eq!(e.error.error_no(), ErrorNo::InvalidMac);
        assert!(r.replay_cache().is_empty());
    }
    // NULL encryption allowed does not make a NULL MAC acceptable.
    let mut r = PskResponder::new(
        RustCrypto,
        Policy {
            allow_null_encryption: true,
            ..Policy::default()
        },
    );
    let e = r.handle(now_of(&msg), &msg, &Nobody, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::MacRefused(MacAlg::Null));
}

#[test]
fn opt_in_accepts_it_with_the_keys_as_sent_and_no_peer() {
    let msg = gst();
    let (key, salt) = sent_key_and_salt(&msg);
    let mut r = PskResponder::new(RustCrypto, opt_in());
    let mut out = [0u8; 512];
    let a = r.handle(now_of(&msg), &msg, &Nobody, &mut out).unwrap();
    assert_eq!(a.reply_len, None);
    assert_eq!(a.peer, None, "nothing was authenticated");
    assert_eq!(a.sas.len(), 1);
    let sa = &a.sas[0];
    assert_eq!(sa.master_key.expose(), &key[..]);
    assert_eq!(sa.master_salt.expose(), &salt[..]);
    assert_eq!(sa.mki.as_slice(), &[0, 0, 0, 1]);
    assert_eq!(sa.policy.encr_alg, SrtpEncrAlg::AesCm);
    // The replay cache still applies: the same message again is a replay.
    let e = r.handle(now_of(&msg), &msg, &Nobody, &mut out).unwrap_err();
    assert!(matches!(e.error, KmError::Replay), "{:?}", e.error);
}

#[test]
fn opt_in_still_checks_time_and_refuses_a_verification_request() {
    let msg = gst();
    let mut out = [0u8; 512];
    let mut r = PskResponder::new(RustCrypto, opt_in());
    // An hour late: outside the window.
    let late = Time::from_unix_secs(now_of(&msg).unix_secs() + 3600);
    let e = r.handle(late, &msg, &Nobody, &mut out).unwrap_err();
    assert!(matches!(e.error, KmError::Timestamp(_)), "{:?}", e.error);
    // The Error message is sent unauthenticated (there is no key).
    let em = Message::parse(&out[..e.reply_len.unwrap()]).unwrap();
    assert_eq!(em.data_type(), DataType::Error);
    assert!(em.verification().is_none());
    // V set: a verification message needs a MAC key.
    let mut v = msg.clone();
    v[3] |= 0x80; // the V bit (RFC 3830 §6.1)
    let e = r.handle(now_of(&v), &v, &Nobody, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::MacRefused(MacAlg::Null));
    assert!(r.replay_cache().is_empty());
    // A NULL-encrypted message under a real MAC still goes through the PSK path.
    let psk = b"a pre-shared key of 20 bytes";
    let streams = [SrtpCs {
        policy_no: 0,
        ssrc: 0x1234_5678,
        roc: 0,
    }];
    let t = Timestamp {
        ts_type: TsType::NtpUtc,
        value: 0,
    };
    let offer = Offer {
        encr: EncrAlg::Null,
        ..Offer::new(0x0102_0304, &streams, t)
    };
    let now = now_of(&msg);
    let mut i = PskInitiator::new(RustCrypto, opt_in());
    let mut buf = [0u8; 512];
    let n = i
        .start(
            now,
            &offer,
            psk,
            &mut keying_crypto::rustcrypto::HashDrbg::new(&[1; 32]),
            &mut buf,
        )
        .unwrap();
    let e = r.handle(now, &buf[..n], &Nobody, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::UnknownIdentity);
}
