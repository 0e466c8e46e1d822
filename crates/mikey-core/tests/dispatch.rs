//! The dispatching Responder: per-mode policy, PSK / DHHMAC / PK through one object, a
//! refused mode answered with Error 11.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod km;

use keying_crypto::rustcrypto::{RsaPrivate, RsaPublic, RustCrypto};
use km::pki::{party, pinned};
use km::*;
use mikey_core::error::KmError;
use mikey_core::hooks::PinnedKeys;
use mikey_core::hooks::StaticPsk;
use mikey_core::offer::Offer;
use mikey_core::policy::Policy;
use mikey_core::responder::{Hooks, ModePolicies, Responder};
use mikey_core::{DataType, DhGroup, ErrorNo, Message};

#[test]
fn one_responder_every_mode_with_per_mode_policy() {
    let psk = b"dispatch psk";
    let a = party("recv1");
    let b = party("sender");
    let policies = ModePolicies {
        dh: Policy {
            modes: mikey_core::Modes::NONE,
            ..Policy::default()
        },
        ..ModePolicies::default()
    };
    let mut r: Responder<RustCrypto> = Responder::new(RustCrypto, policies).unwrap();
    let resolver = StaticPsk::new(psk).unwrap();
    let pin = pinned([&a.spki]);
    let bme = b.me();
    let hooks: Hooks<'_, RsaPrivate, PinnedKeys<RsaPublic>> = Hooks {
        psks: &resolver,
        me: Some(&bme),
        certs: &pin,
    };
    let mut buf = vec![0u8; 4096];
    let mut out = vec![0u8; 4096];
    let offer = Offer::new(1, &STREAMS[..1], ntp_ts(now(0)));
    // PSK.
    let mut i = mikey_core::psk::PskInitiator::new(RustCrypto, Policy::default());
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            psk,
            &mut rng(1),
            &mut buf,
        )
        .unwrap();
    let acc = r
        .handle(now(0), &buf[..n], &hooks, &mut rng(2), &mut out)
        .unwrap();
    assert_same(i.poll_keys().unwrap(), acc.sas);
    // DHHMAC.
    let mut i = mikey_core::dhhmac::DhHmacInitiator::new(RustCrypto, Policy::default());
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            DhGroup::Oakley5,
            psk,
            &mut rng(3),
            &mut buf,
        )
        .unwrap();
    let acc = r
        .handle(now(0), &buf[..n], &hooks, &mut rng(4), &mut out)
        .unwrap();
    i.handle_response(now(0), &out[..acc.reply_len.unwrap()])
        .unwrap();
    assert_same(i.poll_keys().unwrap(), acc.sas);
    // PK.
    let mut i = mikey_core::pk::PkInitiator::new(RustCrypto, Policy::default());
    let b_pub = RsaPublic::from_spki_der(&b.spki).unwrap();
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &a.me(),
            &b_pub,
            None,
            &mut rng(5),
            &mut buf,
        )
        .unwrap();
    let acc = r
        .handle(now(0), &buf[..n], &hooks, &mut rng(6), &mut out)
        .unwrap();
    assert_same(i.poll_keys().unwrap(), acc.sas);
    // DH refused by its policy: Error 11.
    let mut i = mikey_core::dh::DhInitiator::new(RustCrypto, Policy::default());
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            DhGroup::Oakley1,
            &a.me(),
            &mut rng(7),
            &mut buf,
        )
        .unwrap();
    let e = r
        .handle(now(0), &buf[..n], &hooks, &mut rng(8), &mut out)
        .unwrap_err();
    assert_eq!(e.error, KmError::UnexpectedDataType(DataType::DhInit));
    assert_eq!(e.error.error_no(), ErrorNo::InvalidDt);
    let em = Message::parse(&out[..e.reply_len.unwrap()]).unwrap();
    assert_eq!(em.data_type(), DataType::Error);
}
