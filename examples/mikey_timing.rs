//! Times full MIKEY exchanges (PSK, DHHMAC, signed DH, PK, one RSA-R group join) and the
//! primitives apart (PRF, MODP key generation / agreement per group, RSA-2048 operations),
//! both sides in one process, on this machine.
//!
//! `cargo run --release --example mikey_timing [iterations]` (default 3; the median is
//! printed).

// An example over its own fixed inputs.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;
use common::{A_CERT, A_KEY, A_SPKI, B_CERT, B_KEY, B_SPKI, pinned};

use std::time::{Duration, Instant};

use keying::crypto::rustcrypto::{HashDrbg, RsaPrivate, RsaPublic, RustCrypto};
use keying::crypto::{
    HashAlg, RsaEncryptionPadding, RsaPrivateKeyOps, RsaPublicKeyOps, RsaSignatureScheme,
};
use keying::mikey::Time;
use keying::mikey::dh::{DhInitiator, DhResponder};
use keying::mikey::dhhmac::{DhHmacInitiator, DhHmacResponder};
use keying::mikey::hooks::LocalIdentity;
use keying::mikey::hooks::StaticPsk;
use keying::mikey::kdf;
use keying::mikey::modp::DhKeyPair;
use keying::mikey::offer::Offer;
use keying::mikey::pk::{PkInitiator, PkResponder};
use keying::mikey::policy::Policy;
use keying::mikey::psk::{PskInitiator, PskResponder};
use keying::mikey::rsa_r::{RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
use keying::mikey::{DhGroup, Id, IdType, PrfFunc, SrtpCs, Timestamp, TsType};

fn median(n: usize, mut f: impl FnMut(u32)) -> Duration {
    let mut v: Vec<Duration> = (0..n)
        .map(|k| {
            let t = Instant::now();
            f(u32::try_from(k).unwrap());
            t.elapsed()
        })
        .collect();
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let t0 = Time::from_unix_secs(3_972_844_800 - keying::crypto::NTP_UNIX_OFFSET_SECS);
    let at = |k: u32| t0.saturating_add(core::time::Duration::from_secs(u64::from(k)));
    let ts = |k: u32| Timestamp {
        ts_type: TsType::NtpUtc,
        value: at(k).to_ntp(),
    };
    let streams = [SrtpCs {
        policy_no: 0,
        ssrc: 1,
        roc: 0,
    }];
    let policy = Policy {
        dh_groups: keying::mikey::DhGroups::ALL,
        time: keying::mikey::replay::TimePolicy {
            skew_secs: 100_000,
            ..Default::default()
        },
        ..Policy::default()
    };
    let mut rng = HashDrbg::new(&[9; 32]);
    let a_key = RsaPrivate::from_pkcs1_der(A_KEY).unwrap();
    let b_key = RsaPrivate::from_pkcs1_der(B_KEY).unwrap();
    let b_pub = RsaPublic::from_spki_der(B_SPKI).unwrap();
    let alice = LocalIdentity {
        key: &a_key,
        cert: Some(A_CERT),
        id: Some(Id {
            id_type: IdType::Uri,
            data: b"sip:alice@example.com",
        }),
    };
    let bob = LocalIdentity {
        key: &b_key,
        cert: Some(B_CERT),
        id: Some(Id {
            id_type: IdType::Uri,
            data: b"sip:bob@example.com",
        }),
    };
    let psk = StaticPsk::new(b"timing psk").unwrap();
    let mut buf = [0u8; 4096];
    let mut out = [0u8; 4096];
    println!("median of {n} runs");

    println!("-- primitives");
    let d = median(n, |_| {
        kdf::derive(
            &RustCrypto,
            &mikey_core::kdf::Derivation::new(PrfFunc::Mikey1, &[1; 16], 1, &[2; 16]),
            kdf::C_TEK,
            1,
            16,
        )
        .unwrap();
    });
    println!("PRF (16-byte TGK -> 16-byte TEK): {d:?}");
    for g in [DhGroup::Oakley1, DhGroup::Oakley2, DhGroup::Oakley5] {
        let peer = DhKeyPair::generate(g, &mut rng).unwrap();
        let d1 = median(n, |_| {
            DhKeyPair::generate(g, &mut HashDrbg::new(&[1; 32])).unwrap();
        });
        let me = DhKeyPair::generate(g, &mut rng).unwrap();
        let d2 = median(n, |_| {
            me.agree(peer.public()).unwrap();
        });
        println!("MODP {g:?}: key pair {d1:?}, agreement incl. peer-value checks {d2:?}");
    }
    let pss = RsaSignatureScheme::Pss(HashAlg::Sha256);
    let mut sig = [0u8; 256];
    let d = median(n, |_| {
        b_key
            .sign(&mut HashDrbg::new(&[2; 32]), pss, &[b"m"], &mut sig)
            .unwrap();
    });
    println!("RSA-2048 PSS sign (blinded): {d:?}");
    let d = median(n, |_| b_pub.verify(pss, &[b"m"], &sig).unwrap());
    println!("RSA-2048 PSS verify: {d:?}");
    let mut ct = [0u8; 256];
    b_pub
        .encrypt(&mut rng, RsaEncryptionPadding::Pkcs1v15, &[7; 32], &mut ct)
        .unwrap();
    let mut pt = [0u8; 256];
    let d = median(n, |_| {
        b_key
            .decrypt(
                &mut HashDrbg::new(&[3; 32]),
                RsaEncryptionPadding::Pkcs1v15,
                &ct,
                &mut pt,
            )
            .unwrap();
    });
    println!("RSA-2048 PKCS#1 v1.5 decrypt (blinded): {d:?}");

    println!("-- full exchanges (both sides)");
    let d = median(n, |k| {
        let offer = Offer {
            verification: true,
            ..Offer::new(k, &streams, ts(k))
        };
        let mut i = PskInitiator::new(RustCrypto, policy);
        let mut r = PskResponder::new(RustCrypto, policy);
        let m = i
            .start(at(k), &offer, b"timing psk", &mut rng, &mut buf)
            .unwrap();
        let acc = r.handle(at(k), &buf[..m], &psk, &mut out).unwrap();
        i.handle_response(t0, &out[..acc.reply_len.unwrap()])
            .unwrap();
    });
    println!("PSK with verification: {d:?}");
    for g in [DhGroup::Oakley2, DhGroup::Oakley5] {
        let d = median(n, |k| {
            let offer = Offer::new(k, &streams, ts(k));
            let mut i = DhHmacInitiator::new(RustCrypto, policy);
            let mut r = DhHmacResponder::new(RustCrypto, policy);
            let m = i
                .start(at(k), &offer, g, b"timing psk", &mut rng, &mut buf)
                .unwrap();
            let acc = r
                .handle(at(k), &buf[..m], &psk, &mut rng, &mut out)
                .unwrap();
            i.handle_response(t0, &out[..acc.reply_len.unwrap()])
                .unwrap();
        });
        println!("DHHMAC {g:?}: {d:?}");
    }
    let d = median(n, |k| {
        let offer = Offer::new(k, &streams, ts(k));
        let mut i = DhInitiator::new(RustCrypto, policy);
        let mut r = DhResponder::new(RustCrypto, policy);
        let m = i
            .start(at(k), &offer, DhGroup::Oakley5, &alice, &mut rng, &mut buf)
            .unwrap();
        let acc = r
            .handle(
                at(k),
                &buf[..m],
                &bob,
                &pinned(&[A_SPKI]),
                &mut rng,
                &mut out,
            )
            .unwrap();
        i.handle_response(t0, &out[..acc.reply_len.unwrap()], &pinned(&[B_SPKI]))
            .unwrap();
    });
    println!("DH Oakley5 + RSA-2048 PSS SIGN both ways: {d:?}");
    let d = median(n, |k| {
        let offer = Offer::new(k, &streams, ts(k));
        let mut i = PkInitiator::new(RustCrypto, policy);
        let mut r = PkResponder::new(RustCrypto, policy);
        let m = i
            .start(at(k), &offer, &alice, &b_pub, None, &mut rng, &mut buf)
            .unwrap();
        r.handle(
            at(k),
            &buf[..m],
            &bob,
            &pinned(&[A_SPKI]),
            &mut rng,
            &mut out,
        )
        .unwrap();
    });
    println!("PK (PKE v1.5 + PSS SIGN): {d:?}");
    let mut sender = RsaRResponder::new(RustCrypto, policy, &[], &[]).unwrap();
    sender.serve_group(&streams, &[], 16, &mut rng).unwrap();
    let d = median(n, |k| {
        let mut i = RsaRInitiator::new(RustCrypto, policy);
        let m = i
            .start(
                at(k),
                &RsaROffer::new(k, ts(k), RsaRMode::Group),
                &alice,
                &mut rng,
                &mut buf,
            )
            .unwrap();
        let acc = sender
            .handle(
                at(k),
                &buf[..m],
                &bob,
                &pinned(&[A_SPKI]),
                &mut rng,
                &mut out,
            )
            .unwrap();
        i.handle_response(
            t0,
            &out[..acc.reply_len.unwrap()],
            &alice,
            &pinned(&[B_SPKI]),
            &mut rng,
        )
        .unwrap();
    });
    println!("RSA-R group join (SIGNi, PKE, KEMAC, SIGNr): {d:?}");
}
