//! Robustness: both roles' `handle` never panic on arbitrary or mutated input and never
//! change state when they reject; the timestamp cache rules; options after the RSA
//! Signature are ignored; emitters report the size they need.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use common::*;
use keying_crypto::rustcrypto::{HashDrbg, RsaPrivate, RustCrypto};
use keying_tlv::Writer;
use proptest::prelude::*;
use send_hokey::send::SendSigner;
use send_hokey::{
    Error,
    ar::{AccessRouter, PrRtAdvInfo, Received},
    cga::SecPolicy,
    mn::MobileNode,
    policy::{NoRateLimit, TrustedRouterKeys},
    send,
    wire::rtsolpr::{Fmip6Message, PrRtAdvCode, fill_checksum},
    {steps::timestamp_cache::TimestampCache, wire::Timestamp},
};
use send_hokey::{MobileNodeIdentity, RouterIdentity, Time};

const C: RustCrypto = RustCrypto;
const T0: u64 = 1_735_689_600;

fn rx<'a>(src: core::net::Ipv6Addr, dst: core::net::Ipv6Addr, b: &'a [u8]) -> Received<'a> {
    Received {
        src,
        dst,
        hop_limit: 255,
        bytes: b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn roles_never_panic_and_keep_state(
        which in 0usize..2,
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
        fix in any::<bool>(),
    ) {
        let mn1 = RsaPrivate::from_pkcs1_der(MN1_KEY).unwrap();
        let mn2 = RsaPrivate::from_pkcs1_der(MN2_KEY).unwrap();
        let ar1 = RsaPrivate::from_pkcs1_der(AR1_KEY).unwrap();
        let mut rng = HashDrbg::new(b"prop");
        let mut b = [RTSOLPR, PRRTADV][which].to_vec();
        for (i, v) in &edits {
            let i = i.index(b.len());
            b[i] = *v;
        }
        if truncate {
            b.truncate(cut.index(b.len() + 1));
        }
        let (src, dst) = if which == 0 { (mn_cga(), ar_ll()) } else { (ar_ll(), mn_cga()) };
        if fix && b.len() >= 4 {
            fill_checksum(&mut b, &src, &dst);
        }
        let now = Time::from_unix_secs(T0);
        let mut out = [0u8; 1500];
        let mut ar: AccessRouter<'_, &'static RustCrypto, 2, 2> =
            AccessRouter::with_capacity(&C, ar_config(), RouterIdentity { address: ar_ll(), cga_params: AR1_PARAMS, signer: &ar1, source_lla: None }).unwrap();
        let r = ar.handle_rtsolpr(now, &rx(src, dst, &b), &PrRtAdvInfo { code: PrRtAdvCode::Tuple, options: &[] }, &mut NoRateLimit, &mut rng, &mut out);
        if r.is_err() {
            prop_assert_eq!(ar.key_count(), 0);
        }
        let mut mn: MobileNode<'_, &'static RustCrypto, 2, 2, 2> = MobileNode::with_capacity(&C, mn_config(), MobileNodeIdentity { address: mn_cga(), cga_params: MN1_PARAMS, signer: &mn1, hk_spki: MN2_PUB, hk_key: &mn2, source_lla: None }).unwrap();
        let r = mn.handle_prrtadv(now, &rx(src, dst, &b), &TrustedRouterKeys(&[AR1_PUB]), &mut rng);
        prop_assert!(r.is_err()); // no request outstanding
        prop_assert_eq!(mn.key_info(&ar_ll()), None);
        let mut fback = [0u8; 128];
        prop_assert!(ar.handle_fbu(now, &rx(src, dst, &b), &mn_cga(), &mut fback).is_err() || r.is_ok());
    }

    #[test]
    fn random_bytes_never_panic_the_roles(b in prop::collection::vec(any::<u8>(), 0..700)) {
        let ar1 = RsaPrivate::from_pkcs1_der(AR1_KEY).unwrap();
        let mut rng = HashDrbg::new(b"rand");
        let now = Time::from_unix_secs(T0);
        let mut out = [0u8; 1500];
        let mut ar: AccessRouter<'_, &'static RustCrypto, 2, 2> =
            AccessRouter::with_capacity(&C, ar_config(), RouterIdentity { address: ar_ll(), cga_params: AR1_PARAMS, signer: &ar1, source_lla: None }).unwrap();
        let _ = ar.handle_rtsolpr(now, &rx(mn_cga(), ar_ll(), &b), &PrRtAdvInfo { code: PrRtAdvCode::Tuple, options: &[] }, &mut NoRateLimit, &mut rng, &mut out);
        let _ = ar.handle_fbu(now, &rx(mn_cga(), par(), &b), &mn_cga(), &mut out);
        prop_assert_eq!(ar.key_count(), 0);
    }
}

#[test]
fn options_after_the_signature_are_ignored() {
    // RFC 3971 §5.2.2: an option appended after the RSA Signature changes nothing.
    let mut b = RTSOLPR.to_vec();
    b.extend_from_slice(&[99, 1, 0, 0, 0, 0, 0, 0]);
    fill_checksum(&mut b, &mn_cga(), &ar_ll());
    let m = Fmip6Message::parse(&b, &mn_cga(), &ar_ll()).unwrap();
    assert_eq!(m.options().count(), 8);
    assert_eq!(m.send_options().count(), 7);
    send::verify(&C, &m, &mn_cga(), &ar_ll(), SecPolicy::default(), KEY_SIZES).unwrap();
}

#[test]
fn timestamp_cache_rules() {
    let peer = mn_cga();
    let other = ar_ll();
    let t = |s: u64, frac: u64| Timestamp {
        value: (s << 16) | frac,
    };
    let mut c: TimestampCache<1> = TimestampCache::new();
    // New peer: within ±300 s.
    assert!(
        c.check(&peer, t(1000, 0), t(1299, 0).to_time().unwrap())
            .is_ok()
    );
    assert_eq!(
        c.check(&peer, t(1000, 0), t(1300, 0).to_time().unwrap()),
        Err(Error::Timestamp)
    );
    assert_eq!(
        c.check(&peer, t(1300, 0), t(1000, 0).to_time().unwrap()),
        Err(Error::Timestamp)
    );
    let u = c
        .check(&peer, t(1000, 0), t(1000, 0).to_time().unwrap())
        .unwrap();
    assert!(c.is_empty(), "check does not change the cache");
    c.commit(u);
    assert_eq!(c.len(), 1);
    // Known peer: 100 s later (receiver time), the sender's clock must have advanced by at
    // least 100·0.99 − 2 fuzz seconds.
    assert!(
        c.check(&peer, t(1097, 1), t(1100, 0).to_time().unwrap())
            .is_ok()
    );
    assert_eq!(
        c.check(&peer, t(1096, 0), t(1100, 0).to_time().unwrap()),
        Err(Error::Timestamp)
    );
    // A replay of the same timestamp a second later is within the fuzz, but is not stored.
    let u = c
        .check(&peer, t(1000, 0), t(1000, 0).to_time().unwrap())
        .unwrap();
    c.commit(u);
    // Full: a new peer evicts the oldest entry.
    let u = c
        .check(&other, t(2000, 0), t(2000, 0).to_time().unwrap())
        .unwrap();
    c.commit(u);
    assert_eq!(c.len(), 1);
    assert!(
        c.check(&peer, t(1000, 0), t(1000, 0).to_time().unwrap())
            .is_ok()
    );
}

#[test]
fn emitters_report_the_size_they_need() {
    let m = Fmip6Message::parse(PRRTADV, &ar_ll(), &mn_cga()).unwrap();
    for n in [0, 1, 7, 8, 100, 615] {
        let mut buf = vec![0u8; n];
        let mut w = Writer::new(&mut buf);
        m.header.emit(&mut w);
        for o in m.options() {
            o.option.emit(&mut w);
        }
        assert_eq!(
            w.finish(),
            Err(keying_tlv::WriteError::BufferTooSmall { needed: 616 })
        );
    }
    // Signing into a short buffer fails cleanly.
    let key = RsaPrivate::from_pkcs1_der(AR1_KEY).unwrap();
    let mut buf = PRRTADV[..464].to_vec();
    let mut rng = HashDrbg::new(b"x");
    assert_eq!(
        send::sign_in_place(
            &SendSigner {
                key: &key,
                key_hash: [0; 16]
            },
            &mut rng,
            &mut buf,
            464,
            &ar_ll(),
            &mn_cga()
        ),
        Err(Error::BufferTooSmall { needed: 616 })
    );
}
