//! Time for the access router to process one RtSolPr (parse, SEND verification, handover
//! key generation and encryption, PrRtAdv signing), with the RSA operations timed apart.
//! `cargo bench -p send-hokey` (plain `main`, no harness).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

use std::{hint::black_box, time::Instant};

use keying_crypto::{
    RsaEncryptionPadding, RsaPrivateKeyOps, RsaPublicKeyOps,
    rustcrypto::{HashDrbg, RsaPrivate, RsaPublic, RustCrypto},
};
use send_hokey::RouterIdentity;
use send_hokey::{
    Time,
    ar::{AccessRouter, AccessRouterConfig, PrRtAdvInfo, Received},
    cga::{self, SecPolicy},
    policy::{NoRateLimit, SendPolicy},
    send::{self, KeySizePolicy, SignedData},
    wire::rtsolpr::{Fmip6Message, PrRtAdvCode},
};

macro_rules! v {
    ($n:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/send-hokey/",
            $n
        ))
    };
}

fn time<R>(name: &str, n: u32, mut f: impl FnMut() -> R) {
    for _ in 0..n.min(10) {
        black_box(f());
    }
    let t = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    println!(
        "{name:<48} {:>10.1} µs",
        t.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    );
}

fn main() {
    let c = RustCrypto;
    let rtsolpr: &[u8] = v!("rtsolpr_icmpv6.bin");
    let ar1 = RsaPrivate::from_pkcs1_der(v!("ar1.key.pkcs1.der")).unwrap();
    let mn1 = RsaPublic::from_spki_der(v!("mn1.pub.der")).unwrap();
    let mn2 = RsaPublic::from_spki_der(v!("mn2.pub.der")).unwrap();
    let mn = "2003::3049:deeb:fd31:70b0".parse().unwrap();
    let arll = "fe80::20a7:895c:2302:73f1".parse().unwrap();
    let now = Time::from_unix_secs(1_735_689_600);
    let rx = Received {
        src: mn,
        dst: arll,
        hop_limit: 255,
        bytes: rtsolpr,
    };
    let info = PrRtAdvInfo {
        code: PrRtAdvCode::Tuple,
        options: &[],
    };
    let mut rng = HashDrbg::new(b"bench");
    let mut out = [0u8; 1500];

    time("AR: one RtSolPr end to end (1024-bit keys)", 200, || {
        let mut ar = AccessRouter::<'_, _, 4, 4>::with_capacity(
            &c,
            // The vectors' keys are RSA-1024: weak, refused by default, opted in here.
            AccessRouterConfig {
                policy: SendPolicy {
                    key_sizes: KeySizePolicy::LEGACY_1024,
                    ..SendPolicy::default()
                },
                ..AccessRouterConfig::default()
            },
            RouterIdentity {
                address: arll,
                cga_params: v!("ar1_ll.cga.params"),
                signer: &ar1,
                source_lla: None,
            },
        )
        .unwrap();
        ar.handle_rtsolpr(now, &rx, &info, &mut NoRateLimit, &mut rng, &mut out)
            .unwrap()
    });
    time("  of which: parse + checksum", 20_000, || {
        Fmip6Message::parse(rtsolpr, &mn, &arll).unwrap()
    });
    time("  of which: CGA verify (2 SHA-1)", 20_000, || {
        cga::verify(&c, v!("mn1.cga.params"), &mn, SecPolicy::Rfc4982).unwrap()
    });
    let m = Fmip6Message::parse(rtsolpr, &mn, &arll).unwrap();
    let sd = SignedData::new(rtsolpr, 432, &mn, &arll);
    time("  of which: RSA verify (SEND signature)", 2_000, || {
        mn1.verify(send::SEND_SIGNATURE, &sd.parts(), &rtsolpr[452..580])
            .unwrap()
    });
    time(
        "  of which: RSA load SPKI x2 (CGA + HK keys)",
        2_000,
        || {
            (
                RsaPublic::from_spki_der_max_bits(v!("mn1.pub.der"), 2048).unwrap(),
                RsaPublic::from_spki_der_max_bits(v!("mn2.pub.der"), 2048).unwrap(),
            )
        },
    );
    let mut ct = [0u8; 128];
    time("  of which: RSA encrypt (handover key)", 2_000, || {
        mn2.encrypt(
            &mut rng,
            RsaEncryptionPadding::Pkcs1v15,
            &[7u8; 20],
            &mut ct,
        )
        .unwrap()
    });
    let mut sig = [0u8; 128];
    time("  of which: RSA sign (PrRtAdv)", 200, || {
        ar1.sign(&mut rng, send::SEND_SIGNATURE, &sd.parts(), &mut sig)
            .unwrap()
    });
    black_box(m);
}
