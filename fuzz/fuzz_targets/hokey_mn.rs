//! send-hokey mobile node: arbitrary PrRtAdv bytes (with the vectors' RtSolPr outstanding)
//! and arbitrary FBack bytes (with the vectors' handover key) never panic it, and a
//! rejected message leaves its observable state (outstanding requests, key for the router,
//! next timeout) as it was. An accepted PrRtAdv consumes one request and stores a key.
//!
//! Input: a control octet (see `hokey_common::Control`; bit 7 = for PrRtAdv, a node that
//! already holds a key from the router and has the request outstanding again; `now` =
//! T0+1, T0, T0+4 (request expired), T0+43201 (key expired)), then the message. The nodes
//! are kept across inputs (RSA is slow) and rebuilt after an input they accepted.
#![no_main]

mod hokey_common;

use std::cell::RefCell;

use hokey_common::*;
use keying_crypto::rustcrypto::HashDrbg;
use libfuzzer_sys::fuzz_target;
use send_hokey::{
    MobileNodeIdentity, Time,
    mn::{MobileNode, MobileNodeConfig},
    policy::{SendPolicy, TrustedRouterKeys},
    send::KeySizePolicy,
    wire::AuthAlgorithm,
    wire::fbu::{FastBinding, MobilityMessage},
    wire::rtsolpr::fill_checksum,
};

type Mn = MobileNode<'static, &'static keying_crypto::rustcrypto::RustCrypto, 2, 2, 2>;

const ROUTERS: TrustedRouterKeys<'static> = TrustedRouterKeys(&[AR1_PUB]);

/// MN with CGA mn1 and HK encryption key mn2 (the setup of the vector exchange in tests/vectors/send-hokey).
fn node() -> Mn {
    let k = keys();
    MobileNode::with_capacity(
        &C,
        MobileNodeConfig {
            // The vectors' keys are RSA-1024: weak, refused by default, opted in here.
            policy: SendPolicy {
                key_sizes: KeySizePolicy::LEGACY_1024,
                ..SendPolicy::default()
            },
            ..MobileNodeConfig::default()
        },
        MobileNodeIdentity {
            address: MN_CGA,
            cga_params: MN1_PARAMS,
            signer: &k.mn1,
            hk_spki: MN2_PUB,
            hk_key: &k.mn2,
            source_lla: Some(&MN_MAC),
        },
    )
    .expect("mobile node")
}

/// Sends the vectors' RtSolPr (its nonce and identifier) at `now`.
fn request(mn: &mut Mn, now: Time) {
    let mut rng = Scripted::new(&[&NONCE, &IDENTIFIER]);
    let mut out = [0u8; 1500];
    mn.build_rtsolpr(now, &AR_LL, Some(&NEW_AP), &mut rng, &mut out)
        .expect("RtSolPr");
}

/// A node with the RtSolPr outstanding.
fn pending() -> Mn {
    let mut mn = node();
    request(&mut mn, t(0));
    mn
}

/// A node holding the vectors' handover key from the router.
fn keyed() -> Mn {
    let mut mn = pending();
    let mut rng = HashDrbg::new(b"hokey_mn keyed");
    mn.handle_prrtadv(t(1), &rx(AR_LL, MN_CGA, 255, PRRTADV), &ROUTERS, &mut rng)
        .expect("vector PrRtAdv accepted");
    assert!(mn.key_matches(&AR_LL, &HK));
    mn
}

/// A node holding the key with the RtSolPr outstanding again.
fn keyed_pending() -> Mn {
    let mut mn = keyed();
    request(&mut mn, t(0));
    mn
}

thread_local! {
    static PENDING: RefCell<Option<Mn>> = const { RefCell::new(None) };
    static KEYED_PENDING: RefCell<Option<Mn>> = const { RefCell::new(None) };
    static KEYED: RefCell<Option<Mn>> = const { RefCell::new(None) };
}

type State = (usize, Option<Time>, Option<(AuthAlgorithm, Time)>, bool);

fn state(mn: &Mn) -> State {
    (
        mn.pending_count(),
        mn.poll_timeout(),
        mn.key_info(&AR_LL),
        mn.key_matches(&AR_LL, &HK),
    )
}

/// Returns whether the node accepted the message (and so must be rebuilt).
fn prrtadv(mn: &mut Mn, c: Control, now: Time, msg: &[u8]) -> bool {
    let mut msg = msg.to_vec();
    if c.fix_auth {
        msg = resign(&msg, &keys().ar1, key_hash(AR1_PUB), &AR_LL, &MN_CGA);
    } else if c.fix_checksum {
        fill_checksum(&mut msg, &AR_LL, &MN_CGA);
    }
    let before = state(mn);
    let mut rng = HashDrbg::new(b"hokey_mn");
    let r = mn.handle_prrtadv(
        now,
        &rx(AR_LL, MN_CGA, c.hop_limit, &msg),
        &ROUTERS,
        &mut rng,
    );
    let Ok(k) = r else {
        assert_eq!(state(mn), before, "state changed on {r:?}");
        return false;
    };
    assert_eq!(k.router, AR_LL);
    assert_eq!(mn.pending_count() + 1, before.0);
    assert_eq!(mn.key_info(&AR_LL), Some((k.at, k.expires)));
    true
}

fn fback(mn: &Mn, c: Control, now: Time, msg: &[u8]) {
    let mut msg = msg.to_vec();
    if c.fix_auth {
        reauthenticate(&mut msg, Some(NCOA), NCOA, &PAR, (&PAR, &NCOA));
    } else if c.fix_checksum {
        fill_mh_checksum(&mut msg, &PAR, &NCOA);
    }
    let before = state(mn);
    let r = mn.handle_fback(now, &rx(PAR, NCOA, c.hop_limit, &msg), &AR_LL, &NCOA);
    assert_eq!(state(mn), before);
    if let Ok(b) = r {
        let m = MobilityMessage::parse(&msg, &PAR, &NCOA).expect("accepted FBack parses");
        assert_eq!(m.message, FastBinding::FBack(b));
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((c, msg)) = Control::split(data) else {
        return;
    };
    let now = [t(1), t(0), t(4), t(43201)][c.now];
    if c.mobility {
        KEYED.with_borrow_mut(|slot| fback(slot.get_or_insert_with(keyed), c, now, msg));
        return;
    }
    let (cell, build): (
        &'static std::thread::LocalKey<RefCell<Option<Mn>>>,
        fn() -> Mn,
    ) = if c.variant {
        (&KEYED_PENDING, keyed_pending)
    } else {
        (&PENDING, pending)
    };
    cell.with_borrow_mut(|slot| {
        if prrtadv(slot.get_or_insert_with(build), c, now, msg) {
            *slot = None;
        }
    });
});
