//! `PskResponder::handle_inspect` shows the key data the Responder decrypted (RFC 3830
//! §6.13) only for a message that authenticated, and the TGK it shows is the one the
//! Initiator drew.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use keying_crypto::rustcrypto::{HashDrbg, RustCrypto};
use keying_crypto::{CryptoError, Rng};
use mikey_core::srtp::Keying;
use mikey_core::{Offer, Policy, PskInitiator, PskResponder, SrtpCs, StaticPsk, Time};
use mikey_core::{Timestamp, TsType};

const PSK: &[u8] = b"a pre-shared key of 20 bytes";

/// Every fill the Initiator asks for, recorded.
struct Recording(HashDrbg, Vec<Vec<u8>>);

impl Rng for Recording {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), CryptoError> {
        self.0.fill_bytes(dest)?;
        self.1.push(dest.to_vec());
        Ok(())
    }
}

fn i_message() -> (Vec<u8>, Time, Vec<Vec<u8>>) {
    let now = Time::from_unix_secs(1_763_856_000);
    let streams = [SrtpCs {
        policy_no: 0,
        ssrc: 7,
        roc: 0,
    }];
    let t = Timestamp {
        ts_type: TsType::NtpUtc,
        value: 0,
    };
    let offer = Offer::new(0x0102_0304, &streams, t);
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let mut rng = Recording(HashDrbg::new(&[3; 32]), Vec::new());
    let mut out = [0u8; 512];
    let n = i.start(now, &offer, PSK, &mut rng, &mut out).unwrap();
    (out[..n].to_vec(), now, rng.1)
}

/// Runs `handle_inspect`; returns the outcome and the TGK shown, if any.
fn inspect(msg: &[u8], now: Time) -> (bool, Option<Vec<u8>>) {
    let mut r = PskResponder::new(RustCrypto, Policy::default());
    let mut shown = None;
    let mut out = [0u8; 512];
    let res = r.handle_inspect(
        now,
        msg,
        &StaticPsk::new(PSK).unwrap(),
        &mut |found| {
            if let Keying::Tgk { tgk, .. } = found.keying {
                shown = Some(tgk.to_vec());
            }
        },
        &mut out,
    );
    (res.is_ok(), shown)
}

#[test]
fn an_authenticated_message_shows_the_tgk_the_initiator_drew() {
    let (msg, now, drawn) = i_message();
    let (ok, shown) = inspect(&msg, now);
    assert!(ok);
    let tgk = shown.expect("the key data was shown");
    assert!(tgk.len() >= 16);
    assert!(
        drawn.contains(&tgk),
        "the TGK is one of the Initiator's random draws"
    );
}

#[test]
fn a_tampered_message_shows_nothing() {
    let (msg, now, _) = i_message();
    // The KEMAC MAC is the message's last bytes (RFC 3830 §6.2): flip one of its bits.
    let mut bad = msg.clone();
    *bad.last_mut().unwrap() ^= 0x01;
    assert_eq!(inspect(&bad, now), (false, None));
}
