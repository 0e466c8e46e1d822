//! `KmError::stage` against the PSK Responder's actual check order: a message whose MAC
//! verifies and that fails a later check gives an error whose stage is `AfterMac`; a bad
//! MAC, or a check before the MAC, gives `BeforeMac`.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod km;

use keying_crypto::rustcrypto::RustCrypto;
use km::*;
use mikey_core::{KmError, Offer, Policy, PskInitiator, PskResponder, Stage, StaticPsk};

const PSK: &[u8] = b"a pre-shared key of 20 bytes";

fn i_message() -> Vec<u8> {
    let offer = Offer::new(0x5747_0000, &STREAMS, ntp_ts(now(0)));
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let mut out = [0u8; 1024];
    let n = i.start(now(0), &offer, PSK, &mut rng(3), &mut out).unwrap();
    out[..n].to_vec()
}

#[test]
fn psk_stage_follows_the_check_order() {
    let msg = i_message();
    let psk = StaticPsk::new(PSK).unwrap();
    let mut r = PskResponder::new(RustCrypto, Policy::default());
    let mut out = [0u8; 1024];
    r.handle(now(0), &msg, &psk, &mut out).unwrap();

    // Valid MAC, then the replay check fails.
    let e = r.handle(now(0), &msg, &psk, &mut out).unwrap_err().error;
    assert_eq!(e, KmError::Replay);
    assert_eq!(e.stage(), Stage::AfterMac);

    // A flipped MAC bit (the MAC is the message's last bytes).
    let mut bad = msg.clone();
    *bad.last_mut().unwrap() ^= 1;
    let mut fresh = PskResponder::new(RustCrypto, Policy::default());
    let e = fresh
        .handle(now(0), &bad, &psk, &mut out)
        .unwrap_err()
        .error;
    assert_eq!(e, KmError::AuthFailed);
    assert_eq!(e.stage(), Stage::BeforeMac);

    // An unknown identity: refused before the MAC.
    let e = fresh
        .handle(now(0), &msg, &NoOne, &mut out)
        .unwrap_err()
        .error;
    assert_eq!(e, KmError::UnknownIdentity);
    assert_eq!(e.stage(), Stage::BeforeMac);
}

struct NoOne;

impl mikey_core::KeyResolver for NoOne {
    fn psk(&self, _: Option<&[u8]>, _: Option<&[u8]>) -> Option<&[u8]> {
        None
    }
}
