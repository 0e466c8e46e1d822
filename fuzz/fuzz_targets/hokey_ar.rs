//! send-hokey access router: arbitrary RtSolPr and FBU bytes never panic it, and a rejected
//! message leaves its observable state (key count, key for the PCoA, next timeout) as it
//! was. What it accepts it answers with a PrRtAdv that parses and verifies, or an FBack
//! that authenticates with the same key.
//!
//! Input: a control octet (see `hokey_common::Control`; bit 7 = a fresh router without
//! keys for RtSolPr, the FBU sent from the NCoA for FBU; `now` = T0, T0+1, T0+300,
//! T0+43200), then the message. The keyed router holds the vectors' handover key for the
//! MN's CGA, obtained from rtsolpr_icmpv6.bin; it is kept across inputs (RSA is slow) and
//! rebuilt after an input it accepted.
#![no_main]

mod hokey_common;

use send_hokey::badf::BadfKey;
use std::cell::RefCell;

use hokey_common::*;
use keying_crypto::rustcrypto::HashDrbg;
use libfuzzer_sys::fuzz_target;
use send_hokey::{
    RouterIdentity, Time,
    ar::{AccessRouter, AccessRouterConfig, PrRtAdvInfo},
    badf,
    cga::SecPolicy,
    policy::{NoRateLimit, SendPolicy},
    send::{self, KeySizePolicy},
    wire::NdOption,
    wire::fbu::{FastBinding, MobilityMessage},
    wire::ip_prefix::{IpAddrPrefix, IpAddrPrefixCode},
    wire::rtsolpr::{Fmip6Message, Fmip6Subtype, PrRtAdvCode, fill_checksum},
};

type Ar = AccessRouter<'static, &'static keying_crypto::rustcrypto::RustCrypto, 2, 2>;

const AR_MAC: [u8; 6] = [2, 0, 0, 0, 0, 0xfe];
const NAR_OPTS: [NdOption<'static>; 1] = [NdOption::IpAddrPrefix(IpAddrPrefix {
    code: IpAddrPrefixCode::NarPrefix,
    prefix_len: 64,
    address: std::net::Ipv6Addr::new(0x2004, 0, 0, 0, 0, 0, 0, 0),
})];
const INFO: PrRtAdvInfo<'static> = PrRtAdvInfo {
    code: PrRtAdvCode::Tuple,
    options: &NAR_OPTS,
};

fn fresh() -> Ar {
    AccessRouter::with_capacity(
        &C,
        AccessRouterConfig {
            // The vectors' keys are RSA-1024: weak, refused by default, opted in here.
            policy: SendPolicy {
                key_sizes: KeySizePolicy::LEGACY_1024,
                ..SendPolicy::default()
            },
            ..AccessRouterConfig::default()
        },
        RouterIdentity {
            address: AR_LL,
            cga_params: AR1_PARAMS,
            signer: &keys().ar1,
            source_lla: Some(&AR_MAC),
        },
    )
    .expect("router")
}

fn keyed() -> Ar {
    let mut ar = fresh();
    let mut rng = Scripted::new(&[&HK]);
    let mut out = [0u8; 1500];
    ar.handle_rtsolpr(
        t(0),
        &rx(MN_CGA, AR_LL, 255, RTSOLPR),
        &INFO,
        &mut NoRateLimit,
        &mut rng,
        &mut out,
    )
    .expect("vector RtSolPr accepted");
    assert!(ar.key_matches(&MN_CGA, &HK));
    // The vectors' FBU confirms the key, so it lives HK-LIFETIME and an accepted FBU
    // changes nothing observable.
    let mut fback = [0u8; 128];
    ar.handle_fbu(t(0), &rx(MN_CGA, PAR, 255, FBU_MH), &MN_CGA, &mut fback)
        .expect("vector FBU accepted");
    ar
}

thread_local! {
    static KEYED: RefCell<Option<Ar>> = const { RefCell::new(None) };
}

type State = (
    usize,
    Option<Time>,
    Option<(send_hokey::wire::AuthAlgorithm, Time)>,
    bool,
);

fn state(ar: &Ar) -> State {
    (
        ar.key_count(),
        ar.poll_timeout(),
        ar.key_info(&MN_CGA),
        ar.key_matches(&MN_CGA, &HK),
    )
}

fn rtsolpr(ar: &mut Ar, c: Control, now: Time, msg: &[u8]) -> bool {
    let mut msg = msg.to_vec();
    if c.fix_auth {
        msg = resign(&msg, &keys().mn1, key_hash(MN1_PUB), &MN_CGA, &AR_LL);
    } else if c.fix_checksum {
        fill_checksum(&mut msg, &MN_CGA, &AR_LL);
    }
    let before = state(ar);
    let mut out = vec![0u8; if c.short_out { 300 } else { 1500 }];
    let mut rng = HashDrbg::new(b"hokey_ar");
    let r = ar.handle_rtsolpr(
        now,
        &rx(MN_CGA, AR_LL, c.hop_limit, &msg),
        &INFO,
        &mut NoRateLimit,
        &mut rng,
        &mut out,
    );
    let Ok(o) = r else {
        assert_eq!(state(ar), before, "state changed on {r:?}");
        return false;
    };
    // Accepted: a key for the sender, and a signed PrRtAdv to it that verifies.
    assert_eq!((o.dst, o.pcoa), (MN_CGA, MN_CGA));
    assert!(ar.key_info(&MN_CGA).is_some());
    assert!(ar.key_count() >= before.0 && ar.key_count() <= before.0 + 1);
    let reply = &out[..o.len];
    let m = Fmip6Message::parse(reply, &AR_LL, &MN_CGA).expect("PrRtAdv parses");
    assert_eq!(m.header.subtype, Fmip6Subtype::PrRtAdv);
    let v = send::verify(
        &C,
        &m,
        &AR_LL,
        &MN_CGA,
        SecPolicy::default(),
        KeySizePolicy::LEGACY_1024,
    )
    .expect("PrRtAdv verifies");
    assert_eq!(v.cga.public_key, AR1_PUB);
    assert_eq!(v.timestamp, now.into());
    true
}

fn fbu(ar: &mut Ar, c: Control, now: Time, msg: &[u8]) {
    let src = if c.variant { NCOA } else { MN_CGA };
    let mut msg = msg.to_vec();
    if c.fix_auth {
        reauthenticate(&mut msg, None, src, &PAR, (&MN_CGA, &PAR));
    } else if c.fix_checksum {
        fill_mh_checksum(&mut msg, &MN_CGA, &PAR);
    }
    let before = state(ar);
    let mut out = vec![0u8; if c.short_out { 20 } else { 128 }];
    let r = ar.handle_fbu(now, &rx(src, PAR, c.hop_limit, &msg), &MN_CGA, &mut out);
    assert_eq!(state(ar), before, "state changed on {r:?}");
    let Ok(a) = r else { return };
    // Accepted: the FBack authenticates with the same key, for the NCoA.
    assert_eq!(a.pcoa, MN_CGA);
    let fback = &out[..a.len];
    let m = MobilityMessage::parse(fback, &PAR, &a.ncoa).expect("FBack parses");
    let FastBinding::FBack(b) = m.message else {
        panic!("not an FBack: {m:?}")
    };
    assert_eq!((b.sequence, b.lifetime), (a.sequence, a.lifetime));
    badf::verify(
        &C,
        BadfKey {
            at: AT,
            key: &HK,
            coa: &a.ncoa,
            par: &PAR,
        },
        &m,
    )
    .expect("FBack authenticates");
}

fuzz_target!(|data: &[u8]| {
    let Some((c, msg)) = Control::split(data) else {
        return;
    };
    let now = [t(0), t(1), t(300), t(43200)][c.now];
    if !c.mobility && c.variant {
        let mut ar = fresh();
        rtsolpr(&mut ar, c, now, msg);
        return;
    }
    KEYED.with_borrow_mut(|slot| {
        let ar = slot.get_or_insert_with(keyed);
        let accepted = if c.mobility {
            fbu(ar, c, now, msg);
            false
        } else {
            rtsolpr(ar, c, now, msg)
        };
        if accepted {
            *slot = None;
        }
    });
});
