//! What `Policy::default()` refuses, and the explicit opt-ins that accept it:
//! - the weak DH groups OAKLEY 1 (768-bit MODP) and OAKLEY 2 (1024-bit MODP), RFC 3830
//!   §6.4 DH-Group 1 and 2: refused by a DH and a DHHMAC Responder with Invalid DH (RFC
//!   3830 §6.12), accepted once `dh_groups` names them; OAKLEY 5 is accepted by default;
//! - SRTP policies without encryption or authentication (RFC 3830 §6.10.1: SRTP encr alg
//!   NULL, SRTP auth alg NULL, SRTP / SRTCP encryption off, SRTP authentication off, the
//!   last of which RFC 3711 §9.5 advises against): refused by a Responder with Invalid
//!   SPpar naming the parameter, accepted with `allow_null_srtp_encryption` /
//!   `allow_null_srtp_auth` (the PSK, DH, DHHMAC and public-key Responders); refused
//!   likewise by an RSA-R Initiator when the Responder chooses such a policy.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod km;

use keying_crypto::rustcrypto::{RsaPublic, RustCrypto};
use km::pki::{party, pinned};
use km::*;
use mikey_core::dh::{DhInitiator, DhResponder};
use mikey_core::dhhmac::{DhHmacInitiator, DhHmacResponder};
use mikey_core::error::KmError;
use mikey_core::hooks::StaticPsk;
use mikey_core::offer::Offer;
use mikey_core::pk::{PkInitiator, PkResponder};
use mikey_core::policy::Policy;
use mikey_core::psk::{PskInitiator, PskResponder};
use mikey_core::rsa_r::{RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
use mikey_core::srtp::{SpProblem, SrtpPolicy};
use mikey_core::wire::sp::{SrtpAuthAlg, SrtpEncrAlg, SrtpParamType};
use mikey_core::{DataType, DhGroup, ErrorNo, Message, Payload};

const PSK: &[u8] = b"default policy shared secret";

/// The Error no of the Error message in `out[..len]`, checking it is one.
fn error_no_of(out: &[u8], len: Option<usize>) -> ErrorNo {
    let m = Message::parse(&out[..len.unwrap()]).unwrap();
    assert_eq!(m.data_type(), DataType::Error);
    m.payloads()
        .find_map(|p| match p.payload {
            Payload::Err(e) => Some(e.error_no),
            _ => None,
        })
        .unwrap()
}

fn with_groups(groups: &[DhGroup]) -> Policy {
    Policy {
        dh_groups: groups
            .iter()
            .fold(mikey_core::DhGroups::NONE, |m, g| m.with(*g)),
        ..Policy::default()
    }
}

#[test]
fn default_dh_groups_are_oakley5_only() {
    let p = Policy::default();
    assert_eq!(p.dh_groups, Policy::DH_GROUPS_DEFAULT);
    assert_eq!(p.dh_groups, mikey_core::DhGroups::OAKLEY5);
}

#[test]
fn dhhmac_responder_refuses_oakley1_and_oakley2_by_default() {
    let psk = StaticPsk::new(PSK).unwrap();
    for (seed, group) in [(1u8, DhGroup::Oakley1), (2, DhGroup::Oakley2)] {
        let offer = Offer::new(0x4650_0100 + u32::from(seed), &STREAMS, ntp_ts(now(0)));
        let mut buf = vec![0u8; 4096];
        // The Initiator sends the weak group it is told to (its own choice).
        let mut i = DhHmacInitiator::new(RustCrypto, with_groups(&[group]));
        let n = i
            .start(
                mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
                &offer,
                group,
                PSK,
                &mut rng(seed),
                &mut buf,
            )
            .unwrap();
        let msg = &buf[..n];

        let mut r: DhHmacResponder<_> = DhHmacResponder::new(RustCrypto, Policy::default());
        let mut out = vec![0u8; 4096];
        let e = r
            .handle(now(1), msg, &psk, &mut rng(10 + seed), &mut out)
            .unwrap_err();
        assert_eq!(e.error, KmError::DhGroupRefused, "{group:?}");
        assert_eq!(error_no_of(&out, e.reply_len), ErrorNo::InvalidDh);
        assert_eq!(r.replay_cache().len(), 0);

        // Opted in: accepted, same keys on both ends.
        let mut lax: DhHmacResponder<_> = DhHmacResponder::new(
            RustCrypto,
            with_groups(&[DhGroup::Oakley5, DhGroup::Oakley1, DhGroup::Oakley2]),
        );
        let acc = lax
            .handle(now(1), msg, &psk, &mut rng(20 + seed), &mut out)
            .unwrap();
        i.handle_response(now(1), &out[..acc.reply_len.unwrap()])
            .unwrap();
        assert_same(i.poll_keys().unwrap(), acc.sas);
    }
}

#[test]
fn dh_responder_refuses_oakley1_and_oakley2_by_default_and_takes_oakley5() {
    let (a, b) = (party("recv1"), party("sender"));
    let peers = pinned([&a.spki]);
    for (seed, group) in [
        (1u8, DhGroup::Oakley1),
        (2, DhGroup::Oakley2),
        (3, DhGroup::Oakley5),
    ] {
        let offer = Offer::new(0x3300_0100 + u32::from(seed), &STREAMS, ntp_ts(now(0)));
        let mut buf = vec![0u8; 4096];
        let mut i = DhInitiator::new(RustCrypto, with_groups(&[group]));
        let n = i
            .start(
                mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
                &offer,
                group,
                &a.me(),
                &mut rng(seed),
                &mut buf,
            )
            .unwrap();
        let msg = &buf[..n];
        let mut out = vec![0u8; 4096];
        let mut r: DhResponder<_> = DhResponder::new(RustCrypto, Policy::default());
        let res = r.handle(now(1), msg, &b.me(), &peers, &mut rng(10 + seed), &mut out);
        if group == DhGroup::Oakley5 {
            let acc = res.unwrap();
            i.handle_response(now(1), &out[..acc.reply_len.unwrap()], &pinned([&b.spki]))
                .unwrap();
            assert_same(i.poll_keys().unwrap(), acc.sas);
            continue;
        }
        let e = res.unwrap_err();
        assert_eq!(e.error, KmError::DhGroupRefused, "{group:?}");
        assert_eq!(error_no_of(&out, e.reply_len), ErrorNo::InvalidDh);
        assert_eq!(r.replay_cache().len(), 0);
        // Opted in to exactly this weak group: accepted.
        let mut lax: DhResponder<_> = DhResponder::new(
            RustCrypto,
            Policy {
                dh_groups: Policy::DH_GROUPS_DEFAULT.with(group),
                ..Policy::default()
            },
        );
        let acc = lax
            .handle(now(1), msg, &b.me(), &peers, &mut rng(20 + seed), &mut out)
            .unwrap();
        i.handle_response(now(1), &out[..acc.reply_len.unwrap()], &pinned([&b.spki]))
            .unwrap();
        assert_same(i.poll_keys().unwrap(), acc.sas);
    }
}

/// The SRTP policies without encryption or authentication, with the parameter type the
/// refusal names and whether it lacks encryption (else authentication).
fn null_policies() -> [(SrtpPolicy, SrtpParamType, bool); 5] {
    let d = SrtpPolicy::DEFAULT;
    [
        (
            SrtpPolicy {
                encr_alg: SrtpEncrAlg::Null,
                ..d
            },
            SrtpParamType::EncrAlg,
            true,
        ),
        (
            SrtpPolicy {
                srtp_encryption: false,
                ..d
            },
            SrtpParamType::SrtpEncryption,
            true,
        ),
        (
            SrtpPolicy {
                srtcp_encryption: false,
                ..d
            },
            SrtpParamType::SrtcpEncryption,
            true,
        ),
        (
            SrtpPolicy {
                auth_alg: SrtpAuthAlg::Null,
                ..d
            },
            SrtpParamType::AuthAlg,
            false,
        ),
        (
            SrtpPolicy {
                srtp_auth: false,
                ..d
            },
            SrtpParamType::SrtpAuthentication,
            false,
        ),
    ]
}

#[test]
fn psk_responder_refuses_null_srtp_protection_by_default() {
    let psk = StaticPsk::new(PSK).unwrap();
    for (k, (weak, param, is_encr)) in null_policies().into_iter().enumerate() {
        // Crypto session 1 (policy 1) is offered without protection; session 0 is fine.
        let policies = [(0, SrtpPolicy::DEFAULT), (1, weak)];
        let offer = Offer {
            policies: &policies,
            ..Offer::new(0x3830_0100 + k as u32, &STREAMS, ntp_ts(now(0)))
        };
        let mut i = PskInitiator::new(RustCrypto, Policy::default());
        let mut buf = vec![0u8; 1024];
        let n = i
            .start(
                mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
                &offer,
                PSK,
                &mut rng(k as u8),
                &mut buf,
            )
            .unwrap();
        let msg = &buf[..n];

        let mut r: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
        let mut out = vec![0u8; 1024];
        let e = r.handle(now(1), msg, &psk, &mut out).unwrap_err();
        assert_eq!(
            e.error,
            KmError::Sp(SpProblem::Param(param.to_wire())),
            "{param:?}"
        );
        assert_eq!(e.error.error_no(), ErrorNo::InvalidSpPar);
        assert_eq!(error_no_of(&out, e.reply_len), ErrorNo::InvalidSpPar);
        assert_eq!(r.replay_cache().len(), 0);

        // The opt-in for the other kind of protection does not help.
        let other = Policy {
            allow_null_srtp_encryption: !is_encr,
            allow_null_srtp_auth: is_encr,
            ..Policy::default()
        };
        let mut r: PskResponder<_> = PskResponder::new(RustCrypto, other);
        let e = r.handle(now(1), msg, &psk, &mut out).unwrap_err();
        assert_eq!(e.error, KmError::Sp(SpProblem::Param(param.to_wire())));

        // The matching opt-in accepts it, with the policy as offered.
        let lax = Policy {
            allow_null_srtp_encryption: is_encr,
            allow_null_srtp_auth: !is_encr,
            ..Policy::default()
        };
        let mut r: PskResponder<_> = PskResponder::new(RustCrypto, lax);
        let acc = r.handle(now(1), msg, &psk, &mut out).unwrap();
        assert_same(i.poll_keys().unwrap(), acc.sas);
        assert_eq!(acc.sas[1].policy, weak);
    }
}

#[test]
fn dhhmac_responder_refuses_null_srtp_protection_by_default() {
    let psk = StaticPsk::new(PSK).unwrap();
    for (k, (weak, param, is_encr)) in null_policies().into_iter().enumerate() {
        let policies = [(0, SrtpPolicy::DEFAULT), (1, weak)];
        let offer = Offer {
            policies: &policies,
            ..Offer::new(0x4650_0200 + k as u32, &STREAMS, ntp_ts(now(0)))
        };
        let mut i = DhHmacInitiator::new(RustCrypto, Policy::default());
        let mut buf = vec![0u8; 4096];
        let n = i
            .start(
                mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
                &offer,
                DhGroup::Oakley5,
                PSK,
                &mut rng(k as u8),
                &mut buf,
            )
            .unwrap();
        let msg = &buf[..n];

        let mut r: DhHmacResponder<_> = DhHmacResponder::new(RustCrypto, Policy::default());
        let mut out = vec![0u8; 4096];
        let e = r
            .handle(now(1), msg, &psk, &mut rng(10), &mut out)
            .unwrap_err();
        assert_eq!(
            e.error,
            KmError::Sp(SpProblem::Param(param.to_wire())),
            "{param:?}"
        );
        assert_eq!(error_no_of(&out, e.reply_len), ErrorNo::InvalidSpPar);
        assert_eq!(r.replay_cache().len(), 0);

        // The opt-in for the other kind of protection does not help.
        let other = Policy {
            allow_null_srtp_encryption: !is_encr,
            allow_null_srtp_auth: is_encr,
            ..Policy::default()
        };
        let mut r: DhHmacResponder<_> = DhHmacResponder::new(RustCrypto, other);
        let e = r
            .handle(now(1), msg, &psk, &mut rng(11), &mut out)
            .unwrap_err();
        assert_eq!(e.error, KmError::Sp(SpProblem::Param(param.to_wire())));

        // The matching opt-in accepts it, with the policy as offered.
        let lax = Policy {
            allow_null_srtp_encryption: is_encr,
            allow_null_srtp_auth: !is_encr,
            ..Policy::default()
        };
        let mut r: DhHmacResponder<_> = DhHmacResponder::new(RustCrypto, lax);
        let acc = r.handle(now(1), msg, &psk, &mut rng(12), &mut out).unwrap();
        i.handle_response(now(1), &out[..acc.reply_len.unwrap()])
            .unwrap();
        assert_same(i.poll_keys().unwrap(), acc.sas);
        assert_eq!(acc.sas[1].policy, weak);
    }
}

#[test]
fn pk_responder_refuses_null_srtp_protection_by_default() {
    let (a, b) = (party("recv1"), party("sender"));
    let b_pub = RsaPublic::from_spki_der(&b.spki).unwrap();
    let peers = pinned([&a.spki]);
    for (k, (weak, param, is_encr)) in null_policies().into_iter().enumerate() {
        let policies = [(0, SrtpPolicy::DEFAULT), (1, weak)];
        let offer = Offer {
            policies: &policies,
            verification: true,
            ..Offer::new(0x3830_0300 + k as u32, &STREAMS, ntp_ts(now(0)))
        };
        let mut i = PkInitiator::new(RustCrypto, Policy::default());
        let mut buf = vec![0u8; 4096];
        let n = i
            .start(
                mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
                &offer,
                &a.me(),
                &b_pub,
                Some(&b.cert),
                &mut rng(k as u8),
                &mut buf,
            )
            .unwrap();
        let msg = &buf[..n];

        let mut r: PkResponder<_> = PkResponder::new(RustCrypto, Policy::default());
        let mut out = vec![0u8; 4096];
        let e = r
            .handle(now(1), msg, &b.me(), &peers, &mut rng(10), &mut out)
            .unwrap_err();
        assert_eq!(
            e.error,
            KmError::Sp(SpProblem::Param(param.to_wire())),
            "{param:?}"
        );
        // Refused before the PKE is opened: the Error message is not signed.
        assert_eq!(error_no_of(&out, e.reply_len), ErrorNo::InvalidSpPar);
        assert!(
            Message::parse(&out[..e.reply_len.unwrap()])
                .unwrap()
                .sign()
                .is_none()
        );
        assert_eq!(r.replay_cache().len(), 0);

        // The opt-in for the other kind of protection does not help.
        let other = Policy {
            allow_null_srtp_encryption: !is_encr,
            allow_null_srtp_auth: is_encr,
            ..Policy::default()
        };
        let mut r: PkResponder<_> = PkResponder::new(RustCrypto, other);
        let e = r
            .handle(now(1), msg, &b.me(), &peers, &mut rng(11), &mut out)
            .unwrap_err();
        assert_eq!(e.error, KmError::Sp(SpProblem::Param(param.to_wire())));

        // The matching opt-in accepts it, with the policy as offered.
        let lax = Policy {
            allow_null_srtp_encryption: is_encr,
            allow_null_srtp_auth: !is_encr,
            ..Policy::default()
        };
        let mut r: PkResponder<_> = PkResponder::new(RustCrypto, lax);
        let acc = r
            .handle(now(1), msg, &b.me(), &peers, &mut rng(12), &mut out)
            .unwrap();
        i.handle_response(now(1), &out[..acc.reply_len.unwrap()])
            .unwrap();
        assert_same(i.poll_keys().unwrap(), acc.sas);
        assert_eq!(acc.sas[1].policy, weak);
    }
}

#[test]
fn dh_responder_refuses_null_srtp_protection_before_any_key_work() {
    let (a, b) = (party("recv1"), party("sender"));
    let peers = pinned([&a.spki]);
    let weak = SrtpPolicy {
        auth_alg: SrtpAuthAlg::Null,
        ..SrtpPolicy::DEFAULT
    };
    let policies = [(0, weak), (1, SrtpPolicy::DEFAULT)];
    let offer = Offer {
        policies: &policies,
        ..Offer::new(0x3300_0200, &STREAMS, ntp_ts(now(0)))
    };
    let mut buf = vec![0u8; 4096];
    let mut i = DhInitiator::new(RustCrypto, Policy::default());
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            DhGroup::Oakley5,
            &a.me(),
            &mut rng(1),
            &mut buf,
        )
        .unwrap();
    let msg = &buf[..n];
    let mut out = vec![0u8; 4096];
    let mut r: DhResponder<_> = DhResponder::new(RustCrypto, Policy::default());
    let e = r
        .handle(now(1), msg, &b.me(), &peers, &mut rng(2), &mut out)
        .unwrap_err();
    assert_eq!(
        e.error,
        KmError::Sp(SpProblem::Param(SrtpParamType::AuthAlg.to_wire()))
    );
    // Refused before SIGNi: the Error message is not signed.
    assert_eq!(error_no_of(&out, e.reply_len), ErrorNo::InvalidSpPar);
    assert!(
        Message::parse(&out[..e.reply_len.unwrap()])
            .unwrap()
            .sign()
            .is_none()
    );
    assert_eq!(r.replay_cache().len(), 0);
    let mut lax: DhResponder<_> = DhResponder::new(
        RustCrypto,
        Policy {
            allow_null_srtp_auth: true,
            ..Policy::default()
        },
    );
    let acc = lax
        .handle(now(1), msg, &b.me(), &peers, &mut rng(3), &mut out)
        .unwrap();
    i.handle_response(now(1), &out[..acc.reply_len.unwrap()], &pinned([&b.spki]))
        .unwrap();
    assert_same(i.poll_keys().unwrap(), acc.sas);
}

#[test]
fn rsa_r_initiator_refuses_a_null_srtp_policy_chosen_by_the_responder() {
    let (s, r) = (party("sender"), party("recv1"));
    let weak = SrtpPolicy {
        encr_alg: SrtpEncrAlg::Null,
        ..SrtpPolicy::DEFAULT
    };
    let mut sender: RsaRResponder<RustCrypto> =
        RsaRResponder::new(RustCrypto, Policy::default(), &[], &[]).unwrap();
    sender
        .serve_group(&STREAMS[..1], &[(0, weak)], 16, &mut rng(1))
        .unwrap();
    let run = |policy: Policy, csb: u32, seed: u8, sender: &mut RsaRResponder<RustCrypto>| {
        let mut i = RsaRInitiator::new(RustCrypto, policy);
        let mut buf = vec![0u8; 4096];
        let n = i
            .start(
                mikey_core::Time::from_ntp(
                    (RsaROffer::new(csb, ntp_ts(now(0)), RsaRMode::Group))
                        .t
                        .value64(),
                )
                .unwrap_or_default(),
                &RsaROffer::new(csb, ntp_ts(now(0)), RsaRMode::Group),
                &r.me(),
                &mut rng(seed),
                &mut buf,
            )
            .unwrap();
        let mut out = vec![0u8; 4096];
        let acc = sender
            .handle(
                now(1),
                &buf[..n],
                &s.me(),
                &pinned([&r.spki]),
                &mut rng(seed + 1),
                &mut out,
            )
            .unwrap();
        let rmsg = out[..acc.reply_len.unwrap()].to_vec();
        let res = i.handle_response(
            now(1),
            &rmsg,
            &r.me(),
            &pinned([&s.spki]),
            &mut rng(seed + 2),
        );
        (res, i, acc.sas.clone())
    };
    let (res, i, _) = run(Policy::default(), 0x4738_0100, 10, &mut sender);
    assert_eq!(
        res.unwrap_err(),
        KmError::Sp(SpProblem::Param(SrtpParamType::EncrAlg.to_wire()))
    );
    assert!(i.poll_keys().is_none());
    let lax = Policy {
        allow_null_srtp_encryption: true,
        ..Policy::default()
    };
    let (res, i, sender_sas) = run(lax, 0x4738_0101, 20, &mut sender);
    res.unwrap();
    let (_, sas) = i.poll_keys().unwrap();
    assert_same(sas, &sender_sas);
    assert_eq!(sas[0].policy, weak);
}

/// The DH Responder holds an offer to `min_srtp_key_len` as the other Responders do, an
/// SP-less crypto session (RFC 3711 defaults, 16-byte key) included.
#[test]
fn dh_responder_enforces_the_minimum_srtp_key_length() {
    let (a, b) = (party("recv1"), party("sender"));
    let peers = pinned([&a.spki]);
    let offer = Offer::new(0x3300_0400, &STREAMS[..1], ntp_ts(now(0)));
    let mut buf = vec![0u8; 4096];
    let n = DhInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            DhGroup::Oakley5,
            &a.me(),
            &mut rng(1),
            &mut buf,
        )
        .unwrap();
    let mut out = vec![0u8; 4096];
    let mut r: DhResponder<_> = DhResponder::new(
        RustCrypto,
        Policy {
            min_srtp_key_len: 32,
            ..Policy::default()
        },
    );
    let e = r
        .handle(now(1), &buf[..n], &b.me(), &peers, &mut rng(2), &mut out)
        .unwrap_err();
    assert_eq!(
        e.error,
        KmError::Sp(SpProblem::Param(SrtpParamType::SessionEncrKeyLen.to_wire()))
    );
    assert_eq!(error_no_of(&out, e.reply_len), ErrorNo::InvalidSpPar);
    assert_eq!(r.replay_cache().len(), 0);
}
