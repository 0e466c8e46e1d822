//! GDOI group member: GROUPKEY-PUSH verification + RFC 8263 ACK build, with the crypto
//! primitives it calls measured apart on the same inputs, and their sum measured as one
//! sequence; forged PUSHes rejected (bad signature, replayed SEQ, unknown cookies). GDOI key
//! server at 100,000 members (`gdoi_gcks`): `handle_ack` per ACK against the bare
//! HMAC-SHA-256 HASH check of the same datagrams, and `handle_timeout` with every member
//! silent (the worst case: 100,000 reports). `cargo bench -p keying-bench --bench gdoi`.
//!
//! Setup follows `crates/gdoi-ack/tests/timing.rs`: the hand-assembled PUSH vector
//! (`tests/vectors/gdoi/push_wire.hex`, 476 B, AES-128-CBC, ECDSA P-256 SIG, SEQ 2,
//! REKEY_ACK_KEK_SHA256). A PUSH is accepted once per group member (replay protection),
//! so every iteration gets a fresh member from `iter_batched`'s untimed setup.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

use std::hint::black_box;

use std::time::{Duration, Instant as StdInstant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use gdoi_ack::Delivery;
use gdoi_ack::Rejected;
use gdoi_ack::Time;
use gdoi_ack::ack::ACK_LABEL;
use gdoi_ack::gm::{GmConfig, GmIdentity, GroupMember, KekInstall, PushError, push_cookies};
use gdoi_ack::keys::{EcdsaP256, PushVerifier};
use gdoi_ack::wire::sa_kek::KekAckRequested;
use keying_bench::gcks::{ACK_LEN, Fleet};
use keying_bench::hex_vector;
use keying_crypto::rustcrypto::{HashDrbg, P256VerifyingKey, RustCrypto};
use keying_crypto::{HashAlg, Symmetric};

const COOKIES: [u8; 16] = [
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
];
const KEK_KEY: [u8; 16] = [
    0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
];
const KEK_IV: [u8; 16] = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
];
/// ISAKMP header length.
const HDR: usize = 28;

type Gm = GroupMember<RustCrypto, EcdsaP256<P256VerifyingKey>, 4>;

fn gdoi(c: &mut Criterion) {
    let wire = hex_vector("gdoi", "push_wire.hex").unwrap();
    let plain = hex_vector("gdoi", "push_plaintext.hex").unwrap();
    let vk = EcdsaP256(
        P256VerifyingKey::from_spki_der(&hex_vector("gdoi", "gcks_p256_spki.hex").unwrap())
            .unwrap(),
    );
    let key: Vec<u8> = [KEK_IV.as_slice(), KEK_KEY.as_slice()].concat();
    let new_gm = || {
        let mut gm: Gm = GroupMember::new(
            RustCrypto,
            GmConfig::new(GmIdentity::Ipv4([192, 0, 2, 100])),
        );
        gm.install_kek(KekInstall {
            spi: COOKIES,
            algorithm_key: &key,
            last_seq: 1,
            ack_requested: Some(KekAckRequested::KekSha256),
            verifier: vk.clone(),
        })
        .unwrap();
        gm
    };
    let mut rng = HashDrbg::new(b"bench");
    let mut scratch = [0u8; 512];
    let mut out = [0u8; 128];

    // Sanity: the exchange works and yields the vector ACK (ack_sha256.hex).
    let mut gm = new_gm();
    gm.handle_push(
        Time::UNIX_EPOCH,
        &wire,
        Delivery::Unicast,
        &mut rng,
        &mut scratch,
    )
    .unwrap();
    let n = gm
        .handle_timeout(Time::UNIX_EPOCH, &mut out)
        .unwrap()
        .unwrap();
    assert_eq!(
        &out[..n],
        hex_vector("gdoi", "ack_sha256.hex").unwrap().as_slice()
    );

    // The signed bytes exactly as the GM verifies them: header with the length patched to
    // header + chain (the PUSH's payloads without padding), then the payloads up to SIG.
    let mut hdr = wire[..HDR].to_vec();
    hdr[24..28].copy_from_slice(&465u32.to_be_bytes());
    let signed = &plain[..0x171];
    let sig = &plain[0x175..];
    assert!(vk.verify(&[b"rekey", &hdr, signed], sig).is_ok());
    let ct = &wire[HDR..];
    let l = 512u16.to_be_bytes();
    let ack_covered = out[HDR + 4 + 32..n].to_vec();
    let ack_covered = ack_covered.as_slice();

    let mut g = c.benchmark_group("gdoi");
    g.bench_function("gm_push_verify_and_ack", |b| {
        b.iter_batched(
            new_gm,
            |mut gm| {
                gm.handle_push(
                    Time::UNIX_EPOCH,
                    black_box(&wire),
                    Delivery::Unicast,
                    &mut rng,
                    &mut scratch,
                )
                .unwrap();
                gm.handle_timeout(Time::UNIX_EPOCH, &mut out)
                    .unwrap()
                    .unwrap();
                gm
            },
            BatchSize::SmallInput,
        )
    });
    // The untimed setup of the bench above, alone (for reference).
    g.bench_function("gm_new_and_install_kek", |b| b.iter(new_gm));
    g.bench_function("ecdsa_p256_verify", |b| {
        b.iter(|| {
            vk.verify(&[b"rekey", black_box(&hdr), signed], sig)
                .unwrap()
        })
    });
    let mut buf = [0u8; 512];
    g.bench_function("aes128_cbc_decrypt_448", |b| {
        b.iter(|| {
            let p = &mut buf[..ct.len()];
            p.copy_from_slice(black_box(ct));
            RustCrypto.aes_cbc_decrypt(&KEK_KEY, &KEK_IV, p).unwrap();
        })
    });
    g.bench_function("hmac_sha256_x2_ack", |b| {
        b.iter(|| {
            let k = RustCrypto.hmac(
                HashAlg::Sha256,
                black_box(&KEK_KEY),
                &[ACK_LABEL, &COOKIES, &l],
            );
            RustCrypto.hmac(HashAlg::Sha256, k.as_bytes(), &[black_box(ack_covered)])
        })
    });
    // Every primitive the GM calls for one PUSH + ACK, in sequence, on the same inputs.
    g.bench_function("primitives_sum", |b| {
        b.iter(|| {
            let p = &mut buf[..ct.len()];
            p.copy_from_slice(black_box(ct));
            RustCrypto.aes_cbc_decrypt(&KEK_KEY, &KEK_IV, p).unwrap();
            vk.verify(&[b"rekey", black_box(&hdr), signed], sig)
                .unwrap();
            let k = RustCrypto.hmac(
                HashAlg::Sha256,
                black_box(&KEK_KEY),
                &[ACK_LABEL, &COOKIES, &l],
            );
            RustCrypto.hmac(HashAlg::Sha256, k.as_bytes(), &[black_box(ack_covered)])
        })
    });
    // Forged PUSHes: a rejected PUSH changes nothing, so one member serves every iteration.
    let mut bad_sig = wire.clone();
    let n = bad_sig.len();
    bad_sig[n - 17] ^= 1; // the last plaintext block: inside SIG
    let mut unknown = wire.clone();
    unknown[0] ^= 0xff;
    let mut fresh = new_gm();
    g.bench_function("gm_reject_bad_signature", |b| {
        b.iter(|| {
            let r = fresh.handle_push(
                Time::UNIX_EPOCH,
                black_box(&bad_sig),
                Delivery::Multicast,
                &mut rng,
                &mut scratch,
            );
            assert_eq!(r, Err(Rejected::silent(PushError::BadSignature)));
        })
    });
    let mut gm = new_gm();
    gm.handle_push(
        Time::UNIX_EPOCH,
        &wire,
        Delivery::Multicast,
        &mut rng,
        &mut scratch,
    )
    .unwrap();
    g.bench_function("gm_reject_replay", |b| {
        b.iter(|| {
            let r = gm.handle_push(
                Time::UNIX_EPOCH,
                black_box(&wire),
                Delivery::Multicast,
                &mut rng,
                &mut scratch,
            );
            assert_eq!(
                r,
                Err(Rejected::silent(PushError::Replay { seq: 2, last: 2 }))
            );
        })
    });
    g.bench_function("gm_reject_unknown_cookies", |b| {
        b.iter(|| {
            let r = gm.handle_push(
                Time::UNIX_EPOCH,
                black_box(&unknown),
                Delivery::Multicast,
                &mut rng,
                &mut scratch,
            );
            assert_eq!(r, Err(Rejected::silent(PushError::UnknownKek)));
        })
    });
    g.bench_function("isakmp_header_parse", |b| {
        b.iter(|| push_cookies(black_box(&unknown)).unwrap())
    });
    g.finish();
}

/// The key server at 100,000 members, 1 % silent.
fn gdoi_gcks(c: &mut Criterion) {
    const MEMBERS: usize = 100_000;
    let mut fleet = Fleet::new(MEMBERS, 100);
    fleet.rekey();
    let reference: Vec<u8> = (0..fleet.remaining())
        .flat_map(|k| fleet.ack(k).to_vec())
        .collect();
    let key = fleet.key.clone();
    let mut g = c.benchmark_group("gdoi_gcks");
    g.throughput(Throughput::Elements(1));
    g.bench_function("handle_ack_100k_members", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                if fleet.remaining() == 0 {
                    fleet.rekey();
                }
                let n = left.min(fleet.remaining() as u64);
                let t = StdInstant::now();
                for _ in 0..n {
                    black_box(fleet.handle_next_ack()).unwrap();
                }
                total += t.elapsed();
                left -= n;
            }
            total
        })
    });
    let mut r = 0;
    g.bench_function("hmac_sha256_hash_check", |b| {
        b.iter(|| {
            let dg = &reference[r..r + ACK_LEN];
            r = (r + ACK_LEN) % reference.len();
            let h = RustCrypto.hmac(HashAlg::Sha256, key.as_bytes(), &[black_box(&dg[64..])]);
            assert!(h.ct_eq_truncated(&dg[32..64], 32));
        })
    });
    g.finish();

    // Every member silent: each deadline reports all 100,000.
    let mut silent = Fleet::new(MEMBERS, 1);
    silent.rekey();
    let mut g = c.benchmark_group("gdoi_gcks");
    g.sample_size(10);
    g.bench_function("handle_timeout_100k_members_all_silent", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| silent.rekey().pass).sum())
    });
    g.finish();
}

criterion_group!(benches, gdoi, gdoi_gcks);
criterion_main!(benches);
