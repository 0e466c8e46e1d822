//! send-hokey access router: processing of one RtSolPr carrying a Handover Key Request
//! (parse, SEND verification, handover key generation and RSA encryption, PrRtAdv build and
//! RSA signature), with the RSA and hash primitives measured apart and their sum measured as
//! one sequence. `cargo bench -p keying-bench --bench hokey`.
//!
//! Setup reuses `crates/send-hokey/benches/ar_rtsolpr.rs` (the committed vectors of
//! `tests/vectors/send-hokey`, 1024-bit RSA keys as in the RFC 5269 captures). The router's
//! timestamp cache rejects a replayed RtSolPr, so every iteration gets a fresh router from
//! `iter_batched`'s untimed setup.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use keying_bench::bin_vector;
use keying_crypto::rustcrypto::{HashDrbg, RsaPrivate, RsaPublic, RustCrypto};
use keying_crypto::{RsaEncryptionPadding, RsaKeyLoader, RsaPrivateKeyOps, RsaPublicKeyOps};
use send_hokey::Time;
use send_hokey::ar::{AccessRouter, AccessRouterConfig, PrRtAdvInfo, Received, RouterIdentity};
use send_hokey::cga::{self, SecPolicy};
use send_hokey::policy::{NoRateLimit, SendPolicy};
use send_hokey::send::{self, KeySizePolicy, SignedData};
use send_hokey::wire::rtsolpr::{Fmip6Message, PrRtAdvCode};

fn v(name: &str) -> Vec<u8> {
    bin_vector("send-hokey", name).unwrap()
}

fn hokey(c: &mut Criterion) {
    let crypto = RustCrypto;
    let rtsolpr = v("rtsolpr_icmpv6.bin");
    let ar_params = v("ar1_ll.cga.params");
    let mn1_params = v("mn1.cga.params");
    let mn1_der = v("mn1.pub.der");
    let mn2_der = v("mn2.pub.der");
    let ar1 = RsaPrivate::from_pkcs1_der(&v("ar1.key.pkcs1.der")).unwrap();
    let mn1 = RsaPublic::from_spki_der(&mn1_der).unwrap();
    let mn2 = RsaPublic::from_spki_der(&mn2_der).unwrap();
    let mn = "2003::3049:deeb:fd31:70b0".parse().unwrap();
    let arll = "fe80::20a7:895c:2302:73f1".parse().unwrap();
    let now = Time::from_unix_secs(1_735_689_600);
    let rx = Received {
        src: mn,
        dst: arll,
        hop_limit: 255,
        bytes: &rtsolpr,
    };
    let info = PrRtAdvInfo {
        code: PrRtAdvCode::Tuple,
        options: &[],
    };
    let mut rng = HashDrbg::new(b"bench");
    let mut out = [0u8; 1500];
    let new_ar = || {
        AccessRouter::<'_, _, 4, 4>::with_capacity(
            &crypto,
            AccessRouterConfig {
                // The vectors' keys are RSA-1024: weak, refused by default, opted in here.
                policy: SendPolicy {
                    key_sizes: KeySizePolicy::LEGACY_1024,
                    ..SendPolicy::default()
                },
                ..AccessRouterConfig::default()
            },
            RouterIdentity {
                address: arll,
                cga_params: &ar_params,
                signer: &ar1,
                source_lla: None,
            },
        )
        .unwrap()
    };
    // Sanity: the exchange succeeds.
    new_ar()
        .handle_rtsolpr(now, &rx, &info, &mut NoRateLimit, &mut rng, &mut out)
        .unwrap();

    let sd = SignedData::new(&rtsolpr, 432, &mn, &arll);
    let sig_in = &rtsolpr[452..580];
    mn1.verify(send::SEND_SIGNATURE, &sd.parts(), sig_in)
        .unwrap();
    let mut ct = [0u8; 128];
    let mut sig = [0u8; 128];

    let mut g = c.benchmark_group("hokey");
    g.bench_function("ar_rtsolpr", |b| {
        b.iter_batched(
            new_ar,
            |mut ar| {
                ar.handle_rtsolpr(
                    now,
                    black_box(&rx),
                    &info,
                    &mut NoRateLimit,
                    &mut rng,
                    &mut out,
                )
                .unwrap();
                ar
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("ar_new_setup_only", |b| b.iter(new_ar));
    g.bench_function("parse_and_checksum", |b| {
        b.iter(|| Fmip6Message::parse(black_box(&rtsolpr), &mn, &arll).unwrap())
    });
    g.bench_function("cga_verify_sha1", |b| {
        b.iter(|| cga::verify(&crypto, black_box(&mn1_params), &mn, SecPolicy::Rfc4982).unwrap())
    });
    g.bench_function("rsa1024_load_spki_x2", |b| {
        b.iter(|| {
            (
                crypto.load_spki(black_box(&mn1_der), 2048).unwrap(),
                crypto.load_spki(black_box(&mn2_der), 2048).unwrap(),
            )
        })
    });
    g.bench_function("rsa1024_verify", |b| {
        b.iter(|| {
            mn1.verify(send::SEND_SIGNATURE, &sd.parts(), black_box(sig_in))
                .unwrap()
        })
    });
    g.bench_function("rsa1024_encrypt_pkcs1v15", |b| {
        b.iter(|| {
            mn2.encrypt(
                &mut rng,
                RsaEncryptionPadding::Pkcs1v15,
                black_box(&[7u8; 20]),
                &mut ct,
            )
            .unwrap()
        })
    });
    g.bench_function("rsa1024_sign", |b| {
        b.iter(|| {
            ar1.sign(&mut rng, send::SEND_SIGNATURE, &sd.parts(), &mut sig)
                .unwrap()
        })
    });
    // The crypto-provider work of one RtSolPr, in sequence: CGA check (SHA-1), key hash
    // (SHA-1), two SPKI loads, RSA verify, RSA encrypt, RSA sign.
    g.bench_function("primitives_sum", |b| {
        b.iter(|| {
            let p = cga::verify(&crypto, black_box(&mn1_params), &mn, SecPolicy::Rfc4982).unwrap();
            black_box(send::key_hash(&crypto, p.public_key));
            let k1 = crypto.load_spki(black_box(&mn1_der), 2048).unwrap();
            let k2 = crypto.load_spki(black_box(&mn2_der), 2048).unwrap();
            k1.verify(send::SEND_SIGNATURE, &sd.parts(), sig_in)
                .unwrap();
            k2.encrypt(
                &mut rng,
                RsaEncryptionPadding::Pkcs1v15,
                &[7u8; 20],
                &mut ct,
            )
            .unwrap();
            ar1.sign(&mut rng, send::SEND_SIGNATURE, &sd.parts(), &mut sig)
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, hokey);
criterion_main!(benches);
