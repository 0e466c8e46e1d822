//! Paired (interleaved) ratio measurements, robust to a machine whose load changes while
//! the criterion benches run one after another: for each ratio, R rounds of short
//! `A, B, B, A` batches (ABBA cancels a linear drift within a round; a batch is well under
//! a scheduler time slice). Preemption only ever adds time, so besides the median of the
//! per-round ratios it reports each side's 10th-percentile and minimum per-iteration time
//! and the ratio of the 10th percentiles (the "lower envelope", closest to an idle machine).
//!
//! The MIKEY exchange modes (`mikey-psk`, `mikey-rsa-r`, `mikey-dh`) interleave more than
//! two sides: the full exchange, all its primitives replayed back to back, and each kind
//! of primitive alone, run forward then backward in every round (the mirrored order gives
//! every side the same mean position, so a linear drift cancels as in ABBA). The headline
//! "exchange / its primitives" line has the two-sided format; `share` lines give each kind
//! of primitive's 10th percentile as a share of the full exchange's.
//!
//! `mikey-psk-mykey` pairs the full PSK exchange with verification through mikey-core
//! (the `mikey-psk` exchange side) with the same exchange through the mykey 2.3.1 crate's
//! PSK API (see [`mykey_psk_exchange`]), after checking that each side's Initiator and
//! Responder derive the same SRTP keys and that the two implementations interoperate.
//!
//! `wipe` pairs `SecretBuf::clear` (the derived `Zeroize` of its `[u8; N]`: zeroize's array
//! impl writes one volatile byte at a time; drop does the same) with zeroize on the same
//! bytes as a `[u8]` slice (one bulk fill and an optimisation barrier), at 1 KiB (the
//! KEMAC plaintext buffers of the PSK roles) and 64 B (`Digest`, the PRF's key buffers).
//!
//! `mykey-psk-loop [ITERS]` (for profilers; not part of "all") runs the mykey PSK exchange
//! of `mikey-psk-mykey` ITERS times (default 100 000), as `examples/mikey_exchange_loop.rs`
//! runs mikey-core's.
//!
//! `cargo run --profile bench -p keying-bench --example paired [mode]`, mode one of
//! `mikey`, `gdoi`, `gdoi-gcks`, `hokey`, `mikey-psk`, `mikey-rsa-r`, `mikey-dh`,
//! `mikey-psk-mykey`, `wipe` (default: all)
//! (`scripts/run.sh` runs it once per run; see BENCHMARKS.md).
//!
//! `rsa-r-joins` (run only when asked; see [`rsa_r_joins`]): an MIKEY-RSA-R group
//! sender's joins per second per core on the RustCrypto and the aws-lc provider, their RSA
//! primitives alone, and `openssl speed rsa2048` in the same run.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation,
    missing_docs
)]

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gdoi_ack::ack::ACK_LABEL;
use gdoi_ack::gcks::Slot;
use gdoi_ack::gm::{GmConfig, GmIdentity, GroupMember, KekInstall, PushError, push_cookies};
use gdoi_ack::keys::{EcdsaP256, PushVerifier};
use gdoi_ack::wire::sa_kek::KekAckRequested;
use keying_bench::exchange::{Fixture, Mode, Replay, counts};
use keying_bench::gcks::{ACK_LEN, Fleet, Gcks};
use keying_bench::{bin_vector, hex_vector, vector_path};
use keying_crypto::awslc::{self, AwsLc};
use keying_crypto::rustcrypto::{HashDrbg, P256VerifyingKey, RsaPrivate, RustCrypto};
use keying_crypto::{HashAlg, RsaEncryptionPadding, RsaKeyLoader, RsaPrivateKeyOps};
use keying_crypto::{RsaPublicKeyOps, RsaSignatureScheme, Symmetric};
use mikey_core::Time;
use mikey_core::error::KmError;
use mikey_core::hooks::{CertResolver, LocalIdentity};
use mikey_core::policy::Policy;
use mikey_core::rsa_r::{RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
use mikey_core::srtp::SrtpPolicy;
use mikey_core::{Cert, DataType, Id, IdType, Message, PayloadType};
use send_hokey::ar::{AccessRouter, AccessRouterConfig, PrRtAdvInfo, Received, RouterIdentity};
use send_hokey::cga::{self, SecPolicy};
use send_hokey::policy::{NoRateLimit, SendPolicy};
use send_hokey::send::{self, KeySizePolicy, SignedData};
use send_hokey::wire::rtsolpr::PrRtAdvCode;
use std::cell::RefCell;

#[path = "common/mykey_psk.rs"]
mod mykey_psk;
use mykey_psk::{keying_to_mykey, mykey_cache, mykey_compat, mykey_psk_exchange, mykey_to_keying};

const ROUNDS: usize = 201;

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p).round() as usize]
}

/// `a` and `b` run `n` iterations and return their elapsed time.
fn paired(
    name: &str,
    n: u64,
    mut a: impl FnMut(u64) -> Duration,
    mut b: impl FnMut(u64) -> Duration,
) {
    a(n);
    b(n);
    let (mut ratios, mut ta, mut tb) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let a1 = a(n);
        let b1 = b(n);
        let b2 = b(n);
        let a2 = a(n);
        let per = |d: Duration| d.as_secs_f64() * 1e9 / n as f64;
        ta.extend([per(a1), per(a2)]);
        tb.extend([per(b1), per(b2)]);
        ratios.push((per(a1) + per(a2)) / (per(b1) + per(b2)));
    }
    let med = pct(&mut ratios, 0.5);
    let (a10, b10) = (pct(&mut ta, 0.1), pct(&mut tb, 0.1));
    let (amin, bmin) = (pct(&mut ta, 0.0), pct(&mut tb, 0.0));
    println!(
        "paired\t{name}\t{:.4}\t{med:.4}\t{a10:.1}\t{b10:.1}\t{amin:.1}\t{bmin:.1}\t# ratio of p10s, median round ratio, A p10 ns, B p10 ns, A min, B min",
        a10 / b10
    );
}

fn time(n: u64, mut f: impl FnMut()) -> Duration {
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    t.elapsed()
}

fn ours(bytes: &[u8]) -> usize {
    let m = Message::parse(bytes).unwrap();
    m.check_mode_rules().unwrap();
    let mut n = m.payload_count();
    if let Some(k) = m.kemac() {
        let first = match m.data_type() {
            DataType::PkInit | DataType::RsaRResp => PayloadType::Id,
            _ => PayloadType::KeyData,
        };
        if let Some(subs) = k.plain_sub_payloads(first) {
            for s in subs {
                s.unwrap();
                n += 1;
            }
        }
    }
    n
}

fn theirs(bytes: &[u8]) -> usize {
    let m = mykey::MikeyMessage::from_bytes(bytes).unwrap();
    let mut n = m.payloads.len();
    for p in &m.payloads {
        if let mykey::payload::Payload::Kemac(k) = p
            && k.enc_alg == mykey::payload::EncAlg::Null
            && !k.enc_data.is_empty()
        {
            n += mykey::payload::KeyDataSubPayload::parse_chain(&k.enc_data)
                .unwrap()
                .len();
        }
    }
    n
}

fn mikey() {
    let stem = "g1_gst_psk_null";
    let bytes = hex_vector("mikey", &format!("{stem}.hex")).unwrap();
    let b = bytes.as_slice();
    let n = 100;
    paired(
        "mikey g1 keying parse+validate / memcpy",
        n,
        |n| {
            time(n, || {
                black_box(ours(black_box(b)));
            })
        },
        |n| {
            let mut buf = [0u8; 256];
            time(n, || {
                buf[..b.len()].copy_from_slice(black_box(b));
                black_box(&buf);
            })
        },
    );
    paired(
        "mikey g1 keying parse+validate / parse only",
        n,
        |n| {
            time(n, || {
                black_box(ours(black_box(b)));
            })
        },
        |n| {
            time(n, || {
                black_box(Message::parse(black_box(b)).unwrap().payload_count());
            })
        },
    );
    paired(
        "mikey g1 mykey / keying parse+validate",
        n,
        |n| {
            time(n, || {
                black_box(theirs(black_box(b)));
            })
        },
        |n| {
            time(n, || {
                black_box(ours(black_box(b)));
            })
        },
    );
    // GStreamer through the harness (its own clock_gettime around the loop).
    let exe = std::env::current_exe()
        .unwrap()
        .with_file_name("gst_mikey_harness");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("gst-harness/build.sh");
    if !Command::new("bash")
        .arg(&script)
        .arg(&exe)
        .status()
        .unwrap()
        .success()
    {
        println!("paired\tGStreamer skipped: harness not built");
        return;
    }
    let mut child = Command::new(&exe)
        .arg("--serve")
        .arg(vector_path("mikey", &format!("{stem}.hex")))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut gst = |n: u64| {
        writeln!(stdin, "g 0 {n}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let ns: i64 = line.trim().parse().unwrap();
        assert!(ns >= 0, "GStreamer refused the vector");
        Duration::from_nanos(ns as u64)
    };
    paired(
        "mikey g1 GStreamer / keying parse+validate",
        n,
        &mut gst,
        |n| {
            time(n, || {
                black_box(ours(black_box(b)));
            })
        },
    );
    drop(stdin);
    child.wait().unwrap();
}

const COOKIES: [u8; 16] = [
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
];
const KEK_KEY: [u8; 16] = [
    0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
];
const KEK_IV: [u8; 16] = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
];

fn gdoi() {
    type Gm = GroupMember<RustCrypto, EcdsaP256<P256VerifyingKey>, 4>;
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
    let mut rng = HashDrbg::new(b"paired");
    let mut scratch = [0u8; 512];
    let mut out = [0u8; 128];
    let mut hdr = wire[..28].to_vec();
    hdr[24..28].copy_from_slice(&465u32.to_be_bytes());
    let (signed, sig) = (&plain[..0x171], &plain[0x175..]);
    let ct = &wire[28..];
    let l = 512u16.to_be_bytes();
    let ack_covered = [0x5au8; 20];
    let mut buf = [0u8; 512];
    let full = |n: u64| {
        // Fresh members built outside the timed region (a PUSH is accepted once).
        let mut gms: Vec<Gm> = (0..n).map(|_| new_gm()).collect();
        let t = Instant::now();
        for gm in &mut gms {
            gm.handle_push(
                gdoi_ack::Time::UNIX_EPOCH,
                black_box(&wire),
                gdoi_ack::Delivery::Unicast,
                &mut rng,
                &mut scratch,
            )
            .unwrap();
            gm.handle_timeout(gdoi_ack::Time::UNIX_EPOCH, &mut out)
                .unwrap()
                .unwrap();
        }
        t.elapsed()
    };
    let prims = |n: u64| {
        time(n, || {
            let p = &mut buf[..ct.len()];
            p.copy_from_slice(black_box(ct));
            RustCrypto.aes_cbc_decrypt(&KEK_KEY, &KEK_IV, p).unwrap();
            vk.verify(&[b"rekey", black_box(&hdr), signed], sig)
                .unwrap();
            let k = RustCrypto.hmac(HashAlg::Sha256, &KEK_KEY, &[ACK_LABEL, &COOKIES, &l]);
            black_box(RustCrypto.hmac(HashAlg::Sha256, k.as_bytes(), &[&ack_covered]));
        })
    };
    paired("gdoi GM PUSH+ACK / its primitives", 1, full, prims);

    // Forged PUSHes, each paired with the one primitive that dominates its rejection. A
    // rejected PUSH changes nothing, so one member serves every iteration.
    let zero = gdoi_ack::Time::UNIX_EPOCH;
    let mut s = [0u8; 512];
    let mut bad_sig = wire.clone();
    let n = bad_sig.len();
    bad_sig[n - 17] ^= 1; // the last plaintext block: inside SIG
    let mut unknown = wire.clone();
    unknown[0] ^= 0xff;
    let mut fresh = new_gm();
    paired(
        "gdoi GM rejects a PUSH with a bad signature / ECDSA P-256 verify",
        2,
        |n| {
            time(n, || {
                let e = fresh.handle_push(
                    zero,
                    black_box(&bad_sig),
                    gdoi_ack::Delivery::Multicast,
                    &mut rng,
                    &mut s,
                );
                assert_eq!(e.map_err(|r| r.error), Err(PushError::BadSignature));
            })
        },
        |n| {
            time(n, || {
                vk.verify(&[b"rekey", black_box(&hdr), signed], sig)
                    .unwrap()
            })
        },
    );
    // After one accept the vector is a replay (SEQ 2, last 2).
    let mut gm = new_gm();
    gm.handle_push(zero, &wire, gdoi_ack::Delivery::Multicast, &mut rng, &mut s)
        .unwrap();
    paired(
        "gdoi GM rejects a replayed PUSH (SEQ check, no signature) / AES-128-CBC decrypt 448 B",
        200,
        |n| {
            time(n, || {
                let e = gm.handle_push(
                    zero,
                    black_box(&wire),
                    gdoi_ack::Delivery::Multicast,
                    &mut rng,
                    &mut s,
                );
                assert_eq!(
                    e.map_err(|r| r.error),
                    Err(PushError::Replay { seq: 2, last: 2 })
                );
            })
        },
        |n| {
            time(n, || {
                let p = &mut buf[..ct.len()];
                p.copy_from_slice(black_box(ct));
                RustCrypto.aes_cbc_decrypt(&KEK_KEY, &KEK_IV, p).unwrap();
            })
        },
    );
    paired(
        "gdoi GM rejects a PUSH under unknown cookies / ISAKMP header parse",
        10_000,
        |n| {
            time(n, || {
                let e = gm.handle_push(
                    zero,
                    black_box(&unknown),
                    gdoi_ack::Delivery::Multicast,
                    &mut rng,
                    &mut s,
                );
                assert_eq!(e.map_err(|r| r.error), Err(PushError::UnknownKek));
            })
        },
        |n| time(n, || assert!(push_cookies(black_box(&unknown)).is_some())),
    );
}

/// The resident set size of this process in KiB (Linux `/proc/self/status`).
fn rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The GDOI key server at 100,000 members, 1 % silent: ACKs verified per second per core
/// (`handle_ack`: parse, KEK and member lookup, duplicate check, HMAC-SHA-256 HASH, commit)
/// paired with the bare HASH check of the same datagrams; `handle_timeout` and the event
/// drain per deadline; the members table's memory.
fn gdoi_gcks() {
    const MEMBERS: usize = 100_000;
    let rss0 = rss_kib();
    let mut fleet = Fleet::new(MEMBERS, 100);
    let rss1 = rss_kib();
    let slot = size_of::<Slot>();
    println!(
        "gcks\tmemory\t{MEMBERS} members\ttable {} B = {slot} B per member\tKeyServer value {} B\tRSS growth {} KiB while building table + members",
        MEMBERS * slot,
        size_of::<Gcks>(),
        match (rss0, rss1) {
            (Some(a), Some(b)) => (b - a).to_string(),
            _ => "n/a".into(),
        }
    );
    fleet.rekey();
    // The reference: HMAC-SHA-256 over SEQ | ID with the ack key, compared in constant
    // time with the HASH payload's data, on the same datagrams.
    let reference: Vec<u8> = (0..fleet.remaining())
        .flat_map(|k| fleet.ack(k).to_vec())
        .collect();
    let key = fleet.key.clone();
    let mut deadlines = Vec::new();
    let mut r = 0usize;
    let ours = |n: u64| {
        if (fleet.remaining() as u64) < n {
            deadlines.push(fleet.rekey());
        }
        let t = Instant::now();
        for _ in 0..n {
            black_box(fleet.handle_next_ack()).unwrap();
        }
        t.elapsed()
    };
    let bare = |n: u64| {
        time(n, || {
            let dg = &reference[r..r + ACK_LEN];
            r = (r + ACK_LEN) % reference.len();
            let h = RustCrypto.hmac(HashAlg::Sha256, key.as_bytes(), &[black_box(&dg[64..])]);
            assert!(h.ct_eq_truncated(&dg[32..64], 32));
        })
    };
    paired(
        "gdoi GCKS handle_ack at 100,000 members / HMAC-SHA-256 HASH check alone",
        1000,
        ours,
        bare,
    );
    // The same with 1,000 members: a table (240 kB) that stays in the cache.
    let mut small = Fleet::new(1_000, 100);
    small.rekey();
    let reference: Vec<u8> = (0..small.remaining())
        .flat_map(|k| small.ack(k).to_vec())
        .collect();
    let key = small.key.clone();
    let mut r = 0usize;
    paired(
        "gdoi GCKS handle_ack at 1,000 members / HMAC-SHA-256 HASH check alone",
        500,
        |n| {
            if (small.remaining() as u64) < n {
                small.rekey();
            }
            let t = Instant::now();
            for _ in 0..n {
                black_box(small.handle_next_ack()).unwrap();
            }
            t.elapsed()
        },
        |n| {
            time(n, || {
                let dg = &reference[r..r + ACK_LEN];
                r = (r + ACK_LEN) % reference.len();
                let h = RustCrypto.hmac(HashAlg::Sha256, key.as_bytes(), &[black_box(&dg[64..])]);
                assert!(h.ct_eq_truncated(&dg[32..64], 32));
            })
        },
    );
    // Whole rounds: every ACK of a PUSH, then its deadline.
    let mut per_ack = Vec::new();
    for _ in 0..10 {
        let n = fleet.remaining();
        let t = Instant::now();
        while fleet.handle_next_ack().is_ok() {}
        per_ack.push(t.elapsed().as_secs_f64() * 1e9 / n as f64);
        deadlines.push(fleet.rekey());
    }
    let mut pass: Vec<f64> = deadlines
        .iter()
        .map(|d| d.pass.as_secs_f64() * 1e6)
        .collect();
    let mut drain: Vec<f64> = deadlines
        .iter()
        .map(|d| d.drain.as_secs_f64() * 1e6)
        .collect();
    let events = deadlines.iter().map(|d| d.events).max().unwrap_or(0);
    println!(
        "gcks\tround\t{MEMBERS} members\thandle_ack over a whole round p10 {:.1} ns, median {:.1} ns per ACK ({} rounds)",
        pct(&mut per_ack.clone(), 0.1),
        pct(&mut per_ack, 0.5),
        10
    );
    println!(
        "gcks\tdeadline\t{MEMBERS} members, {events} silent\thandle_timeout p10 {:.0} µs, median {:.0} µs\tpoll_event × {events} p10 {:.0} µs, median {:.0} µs\t({} deadlines)",
        pct(&mut pass.clone(), 0.1),
        pct(&mut pass, 0.5),
        pct(&mut drain.clone(), 0.1),
        pct(&mut drain, 0.5),
        deadlines.len()
    );
}

fn hokey() {
    let c = RustCrypto;
    let v = |n: &str| bin_vector("send-hokey", n).unwrap();
    let rtsolpr = v("rtsolpr_icmpv6.bin");
    let ar_params = v("ar1_ll.cga.params");
    let mn1_params = v("mn1.cga.params");
    let (mn1_der, mn2_der) = (v("mn1.pub.der"), v("mn2.pub.der"));
    let ar1 = RsaPrivate::from_pkcs1_der(&v("ar1.key.pkcs1.der")).unwrap();
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
    let mut rng = HashDrbg::new(b"paired");
    let mut rng2 = HashDrbg::new(b"paired2");
    let mut out = [0u8; 1500];
    let sd = SignedData::new(&rtsolpr, 432, &mn, &arll);
    let sig_in = &rtsolpr[452..580];
    let (mut ct, mut sig) = ([0u8; 128], [0u8; 128]);
    let full = |n: u64| {
        let mut ars: Vec<_> = (0..n)
            .map(|_| {
                AccessRouter::<'_, _, 4, 4>::with_capacity(
                    &c,
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
            })
            .collect();
        let t = Instant::now();
        for ar in &mut ars {
            ar.handle_rtsolpr(now, &rx, &info, &mut NoRateLimit, &mut rng, &mut out)
                .unwrap();
        }
        t.elapsed()
    };
    let prims = |n: u64| {
        time(n, || {
            let p = cga::verify(&c, black_box(&mn1_params), &mn, SecPolicy::Rfc4982).unwrap();
            black_box(send::key_hash(&c, p.public_key));
            let k1 = c.load_spki(&mn1_der, 2048).unwrap();
            let k2 = c.load_spki(&mn2_der, 2048).unwrap();
            k1.verify(send::SEND_SIGNATURE, &sd.parts(), sig_in)
                .unwrap();
            k2.encrypt(
                &mut rng2,
                RsaEncryptionPadding::Pkcs1v15,
                &[7u8; 20],
                &mut ct,
            )
            .unwrap();
            ar1.sign(&mut rng2, send::SEND_SIGNATURE, &sd.parts(), &mut sig)
                .unwrap();
        })
    };
    paired("hokey AR RtSolPr / its primitives", 1, full, prims);
}

type Side<'a> = (String, Box<dyn FnMut(u64) -> Duration + 'a>);

/// Runs every side `n` iterations per batch, forward then backward, `rounds` times;
/// returns each side's per-iteration times and the per-round ratios of side 0 to side 1.
fn interleaved(n: u64, rounds: usize, sides: &mut [Side<'_>]) -> (Vec<Vec<f64>>, Vec<f64>) {
    for (_, f) in sides.iter_mut() {
        f(n);
    }
    let per = |d: Duration| d.as_secs_f64() * 1e9 / n as f64;
    let mut t = vec![Vec::new(); sides.len()];
    let mut ratios = Vec::new();
    for _ in 0..rounds {
        let mut this = vec![0.0; sides.len()];
        for i in (0..sides.len()).chain((0..sides.len()).rev()) {
            let x = per((sides[i].1)(n));
            t[i].push(x);
            this[i] += x;
        }
        ratios.push(this[0] / this[1]);
    }
    (t, ratios)
}

fn mikey_exchange(mode: Mode) {
    let f = Fixture::load().unwrap();
    let mut fresh = f.fresh(mode).unwrap();
    let out = f.run(&mut fresh).unwrap();
    assert!(out.agree());
    let calls = f.record(mode).unwrap();
    let keys = f.keys();
    let kinds: Vec<(String, usize)> = counts(&calls).into_iter().collect();
    let all = Replay::new(&calls, &keys, |_| true).unwrap();
    let mut rng = HashDrbg::new(b"paired replay");
    assert_eq!(all.run(&mut rng), calls.len());
    let parts: Vec<Replay<'_>> = kinds
        .iter()
        .map(|(label, _)| Replay::new(&calls, &keys, |c| c.label() == *label).unwrap())
        .collect();
    let rng = std::cell::RefCell::new(rng);
    let (n, rounds) = match mode {
        Mode::Psk => (20, ROUNDS),
        Mode::RsaR | Mode::Dh => (1, ROUNDS),
    };
    let f = &f;
    let mut sides: Vec<Side<'_>> = vec![
        (
            "exchange".into(),
            Box::new(move |n| {
                // Fresh roles built outside the timed region (an I_MESSAGE is accepted
                // once); the outcomes are dropped after it, as criterion does.
                let mut states: Vec<_> = (0..n).map(|_| f.fresh(mode).unwrap()).collect();
                let mut outs = Vec::with_capacity(states.len());
                let t = Instant::now();
                for s in &mut states {
                    outs.push(f.run(s).unwrap());
                }
                let d = t.elapsed();
                black_box(&outs);
                d
            }),
        ),
        (
            "primitives".into(),
            Box::new(|n| {
                time(n, || {
                    assert_eq!(all.run(&mut *rng.borrow_mut()), calls.len())
                })
            }),
        ),
    ];
    for ((label, k), r) in kinds.iter().zip(&parts) {
        let rng = &rng;
        sides.push((
            format!("{label} x{k}"),
            Box::new(move |n| time(n, || assert_eq!(r.run(&mut *rng.borrow_mut()), *k))),
        ));
    }
    let (mut t, mut ratios) = interleaved(n, rounds, &mut sides);
    let p10: Vec<f64> = t.iter_mut().map(|v| pct(v, 0.1)).collect();
    let min: Vec<f64> = t.iter_mut().map(|v| pct(v, 0.0)).collect();
    let name = match mode {
        Mode::Psk => "mikey PSK exchange",
        Mode::RsaR => "mikey RSA-R exchange",
        Mode::Dh => "mikey DH exchange",
    };
    println!(
        "paired\t{name} / its primitives\t{:.4}\t{:.4}\t{:.1}\t{:.1}\t{:.1}\t{:.1}\t# ratio of p10s, median round ratio, A p10 ns, B p10 ns, A min, B min",
        p10[0] / p10[1],
        pct(&mut ratios, 0.5),
        p10[0],
        p10[1],
        min[0],
        min[1]
    );
    for (i, (label, _)) in sides.iter().enumerate().skip(2) {
        println!(
            "share\t{name}\t{label}\t{:.1}\t{:.2}\t{:.2}\t# p10 ns, % of the exchange's p10, % of the primitives' p10",
            p10[i],
            100.0 * p10[i] / p10[0],
            100.0 * p10[i] / p10[1]
        );
    }
    let sum: f64 = p10[2..].iter().sum();
    println!(
        "share\t{name}\tsum of the kinds\t{sum:.1}\t{:.2}\t{:.2}\t# p10 ns, % of the exchange's p10, % of the primitives' p10",
        100.0 * sum / p10[0],
        100.0 * sum / p10[1]
    );
}

/// What the RSA-R joins benchmark needs of a provider: its symmetric side and key loader,
/// and its private-key type.
trait JoinProvider: Symmetric + RsaKeyLoader + Copy {
    type Key: RsaPrivateKeyOps;
    const NAME: &'static str;
    fn key(der: &[u8]) -> Self::Key;
}

impl JoinProvider for RustCrypto {
    type Key = RsaPrivate;
    const NAME: &'static str = "RustCrypto";
    fn key(der: &[u8]) -> RsaPrivate {
        RsaPrivate::from_pkcs1_der(der).unwrap()
    }
}

impl JoinProvider for AwsLc {
    type Key = awslc::RsaPrivate;
    const NAME: &'static str = "aws-lc";
    fn key(der: &[u8]) -> awslc::RsaPrivate {
        awslc::RsaPrivate::from_pkcs1_der(der).unwrap()
    }
}

/// The sender's certificate hook: trusts the receivers' certificate and loads its key from
/// the CERT payload at every join (each receiver of a real group has its own).
struct LoadsPinned<P>(P, Vec<u8>);

impl<P: JoinProvider> CertResolver for LoadsPinned<P> {
    type Key = P::PublicKey;
    fn verified_key(
        &self,
        cert: Option<&Cert<'_>>,
        _: Option<&[u8]>,
    ) -> Result<P::PublicKey, KmError> {
        match cert {
            Some(c) if c.data == self.1.as_slice() => self
                .0
                .load_spki(c.data, 4096)
                .map_err(|_| KmError::CertRejected),
            _ => Err(KmError::CertRejected),
        }
    }
}

/// Join `k` happens at T0 + k hours: each I_MESSAGE's timestamp is current when it
/// arrives and the previous joins' replay entries have expired, so the cache stays small
/// and every join is accepted.
fn join_time(k: usize) -> Time {
    Time::from_unix_secs(3_972_844_800 - keying_crypto::NTP_UNIX_OFFSET_SECS)
        .saturating_add(core::time::Duration::from_secs(u64::from(3600 * k as u32)))
}

/// A group sender on provider `P` and the joins waiting for it.
struct GroupSender<'a, P: JoinProvider> {
    sender: RsaRResponder<P>,
    key: P::Key,
    cert: Vec<u8>,
    peers: LoadsPinned<P>,
    joins: &'a [Vec<u8>],
    next: usize,
    rng: HashDrbg,
    out: Vec<u8>,
}

impl<'a, P: JoinProvider> GroupSender<'a, P> {
    fn new(
        p: P,
        sender_der: &[u8],
        cert: &[u8],
        receiver_cert: &[u8],
        joins: &'a [Vec<u8>],
    ) -> Self {
        let mut sender = RsaRResponder::new(p, Policy::default(), &[], &[]).unwrap();
        let pol = [(0, SrtpPolicy::DEFAULT)];
        sender
            .serve_group(&RSA_R_STREAMS, &pol, 32, &mut HashDrbg::new(b"group"))
            .unwrap();
        Self {
            sender,
            key: P::key(sender_der),
            cert: cert.to_vec(),
            peers: LoadsPinned(p, receiver_cert.to_vec()),
            joins,
            next: 0,
            rng: HashDrbg::new(P::NAME.as_bytes()),
            out: vec![0u8; 4096],
        }
    }

    /// The next receiver's join: I_MESSAGE in, R_MESSAGE out.
    fn join(&mut self) -> usize {
        let k = self.next;
        self.next += 1;
        let me = LocalIdentity {
            key: &self.key,
            cert: Some(self.cert.as_slice()),
            id: Some(Id {
                id_type: IdType::Uri,
                data: b"sip:sender@example.com",
            }),
        };
        let acc = self
            .sender
            .handle(
                join_time(k),
                &self.joins[k],
                &me,
                &self.peers,
                &mut self.rng,
                &mut self.out,
            )
            .unwrap();
        acc.reply_len.unwrap()
    }
}

/// The RSA operations a join costs the sender, on provider `P`: load the receiver's key
/// from its certificate, verify its RSASSA-PSS / SHA-256 signature over the I_MESSAGE,
/// encrypt a 32-byte envelope key with RSAES-PKCS1-v1_5 (the PKE payload), sign the
/// R_MESSAGE with RSASSA-PSS / SHA-256 (`Policy::default()`).
struct SenderPrimitives<P: JoinProvider> {
    p: P,
    key: P::Key,
    receiver_cert: Vec<u8>,
    imsg: Vec<u8>,
    isig: Vec<u8>,
    rng: HashDrbg,
}

impl<P: JoinProvider> SenderPrimitives<P> {
    fn new(
        p: P,
        sender_der: &[u8],
        receiver_der: &[u8],
        receiver_cert: &[u8],
        imsg: &[u8],
    ) -> Self {
        let mut rng = HashDrbg::new(b"primitives");
        let (body, _) = imsg.split_at(imsg.len() - 256);
        let mut isig = vec![0u8; 256];
        P::key(receiver_der)
            .sign(
                &mut rng,
                RsaSignatureScheme::Pss(HashAlg::Sha256),
                &[body],
                &mut isig,
            )
            .unwrap();
        Self {
            p,
            key: P::key(sender_der),
            receiver_cert: receiver_cert.to_vec(),
            imsg: body.to_vec(),
            isig,
            rng,
        }
    }

    fn run(&mut self) {
        let pss = RsaSignatureScheme::Pss(HashAlg::Sha256);
        let peer = self.p.load_spki(&self.receiver_cert, 4096).unwrap();
        peer.verify(pss, &[&self.imsg], &self.isig).unwrap();
        let mut ct = [0u8; 256];
        peer.encrypt(
            &mut self.rng,
            RsaEncryptionPadding::Pkcs1v15,
            &[0x5a; 32],
            &mut ct,
        )
        .unwrap();
        let mut sig = [0u8; 256];
        self.key
            .sign(&mut self.rng, pss, &[&self.imsg, &ct], &mut sig)
            .unwrap();
        black_box((&ct, &sig));
    }

    fn sign(&mut self) {
        let mut sig = [0u8; 256];
        self.key
            .sign(
                &mut self.rng,
                RsaSignatureScheme::Pss(HashAlg::Sha256),
                &[&self.imsg],
                &mut sig,
            )
            .unwrap();
        black_box(&sig);
    }
}

const RSA_R_STREAMS: [mikey_core::SrtpCs; 1] = [mikey_core::SrtpCs {
    policy_no: 0,
    ssrc: 0xdead_beef,
    roc: 0,
}];

/// `openssl speed -seconds SECS -mr rsa2048`: (sign/s, verify/s) of RSA-2048 PKCS#1 v1.5.
fn openssl_rsa2048(secs: u32) -> Option<(f64, f64)> {
    let out = Command::new("openssl")
        .args([
            "speed",
            "-elapsed",
            "-mr",
            "-seconds",
            &secs.to_string(),
            "rsa2048",
        ])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        if f.first() != Some(&"+F2") || f.len() < 5 {
            return None;
        }
        Some((f[3].parse().ok()?, f[4].parse().ok()?))
    })
}

/// MIKEY-RSA-R at server scale, the sender's side: joins per second on one core with the
/// RustCrypto and the aws-lc provider (a join = `RsaRResponder::handle` of one receiver's
/// I_MESSAGE into its R_MESSAGE, the group TGK under PKE), each provider's RSA primitives
/// of a join alone, its PSS signature alone, and `openssl speed rsa2048` (the PKCS#1 v1.5
/// sign rate, the bound: a join costs one private-key operation) in the same run. The
/// sides run interleaved (forward then backward in every round), one join per batch.
fn rsa_r_joins() {
    let sender_der = bin_vector("mikey", "rsa2048_sender.pkcs1.der").unwrap();
    let sender_cert = bin_vector("mikey", "rsa2048_sender.spki.der").unwrap();
    let recv_der = bin_vector("mikey", "rsa2048_recv1.pkcs1.der").unwrap();
    let recv_cert = bin_vector("mikey", "rsa2048_recv1.spki.der").unwrap();
    // The receivers' I_MESSAGEs, one per join (each is accepted once), built beforehand.
    let count = 2 * ROUNDS + 1;
    let recv = awslc::RsaPrivate::from_pkcs1_der(&recv_der).unwrap();
    let mut rng = HashDrbg::new(b"receivers");
    let joins: Vec<Vec<u8>> = (0..count)
        .map(|k| {
            let id = format!("sip:recv{k}@example.com").into_bytes();
            let me = LocalIdentity {
                key: &recv,
                cert: Some(recv_cert.as_slice()),
                id: Some(Id {
                    id_type: IdType::Uri,
                    data: &id,
                }),
            };
            let at = join_time(k);
            let t = mikey_core::Timestamp {
                ts_type: mikey_core::TsType::NtpUtc,
                value: at.to_ntp(),
            };
            let mut i = RsaRInitiator::new(AwsLc, Policy::default());
            let mut buf = vec![0u8; 4096];
            let n = i
                .start(
                    mikey_core::Time::from_ntp(
                        (RsaROffer::new(k as u32, t, RsaRMode::Group)).t.value64(),
                    )
                    .unwrap_or_default(),
                    &RsaROffer::new(k as u32, t, RsaRMode::Group),
                    &me,
                    &mut rng,
                    &mut buf,
                )
                .unwrap();
            buf.truncate(n);
            buf
        })
        .collect();
    let secs = std::env::var("OPENSSL_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    // Before and after the interleaved sides; the faster of the two is the closer to an
    // idle machine.
    let before = openssl_rsa2048(secs);
    let rc = RefCell::new(GroupSender::new(
        RustCrypto,
        &sender_der,
        &sender_cert,
        &recv_cert,
        &joins,
    ));
    let aws = RefCell::new(GroupSender::new(
        AwsLc,
        &sender_der,
        &sender_cert,
        &recv_cert,
        &joins,
    ));
    let rc_p = RefCell::new(SenderPrimitives::new(
        RustCrypto,
        &sender_der,
        &recv_der,
        &recv_cert,
        &joins[0],
    ));
    let aws_p = RefCell::new(SenderPrimitives::new(
        AwsLc,
        &sender_der,
        &recv_der,
        &recv_cert,
        &joins[0],
    ));
    let mut sides: Vec<Side<'_>> = vec![
        (
            "aws-lc join".into(),
            Box::new(|n| {
                time(n, || {
                    black_box(aws.borrow_mut().join());
                })
            }),
        ),
        (
            "aws-lc RSA primitives of a join".into(),
            Box::new(|n| time(n, || aws_p.borrow_mut().run())),
        ),
        (
            "aws-lc PSS sign".into(),
            Box::new(|n| time(n, || aws_p.borrow_mut().sign())),
        ),
        (
            "RustCrypto join".into(),
            Box::new(|n| {
                time(n, || {
                    black_box(rc.borrow_mut().join());
                })
            }),
        ),
        (
            "RustCrypto RSA primitives of a join".into(),
            Box::new(|n| time(n, || rc_p.borrow_mut().run())),
        ),
        (
            "RustCrypto PSS sign".into(),
            Box::new(|n| time(n, || rc_p.borrow_mut().sign())),
        ),
    ];
    let (mut t, _) = interleaved(1, ROUNDS, &mut sides);
    let p10: Vec<f64> = t.iter_mut().map(|v| pct(v, 0.1)).collect();
    let med: Vec<f64> = t.iter_mut().map(|v| pct(v, 0.5)).collect();
    for (i, (label, _)) in sides.iter().enumerate() {
        println!(
            "joins\t{label}\t{:.1}\t{:.1}\t{:.0}\t{:.0}\t# p10 ns, median ns, per second per core at p10, at median",
            p10[i],
            med[i],
            1e9 / p10[i],
            1e9 / med[i]
        );
    }
    for (name, j, prims) in [("aws-lc", 0, 1), ("RustCrypto", 3, 4)] {
        println!(
            "joins\t{name} join / its RSA primitives\t{:.4}\t{:.1}\t# ratio of p10s, exchange overhead ns (p10 difference)",
            p10[j] / p10[prims],
            p10[j] - p10[prims]
        );
    }
    println!(
        "joins\taws-lc join / RustCrypto join\t{:.4}\t# ratio of p10s",
        p10[0] / p10[3]
    );
    let after = openssl_rsa2048(secs);
    for (when, r) in [("before", before), ("after", after)] {
        if let Some((sign, verify)) = r {
            println!(
                "openssl\trsa2048 {when}\tsign/s\t{sign:.1}\tverify/s\t{verify:.1}\t# openssl speed -seconds {secs} rsa2048 (PKCS#1 v1.5)"
            );
        }
    }
    let sign = [before, after]
        .into_iter()
        .flatten()
        .map(|(s, _)| s)
        .fold(0.0, f64::max);
    if sign > 0.0 {
        println!(
            "joins\taws-lc joins/s (p10) / openssl sign/s (faster run)\t{:.4}\t# RustCrypto: {:.4}",
            1e9 / p10[0] / sign,
            1e9 / p10[3] / sign
        );
    } else {
        println!("openssl\tnot found");
    }
}

/// The full PSK exchange with verification, mikey-core (the `mikey-psk` exchange side:
/// `Fixture`'s fresh roles, 20 exchanges per batch) paired with the same exchange through
/// mykey 2.3.1 ([`mykey_psk_exchange`]); before timing, asserts that each implementation's
/// two sides derive the same SRTP keys and that the two interoperate both ways under
/// [`mykey_compat`].
fn mikey_psk_mykey() {
    let f = Fixture::load().unwrap();
    let mut fresh = f.fresh(Mode::Psk).unwrap();
    let ours = f.run(&mut fresh).unwrap();
    assert!(ours.agree());
    let mut rng = HashDrbg::new(b"paired mykey");
    let theirs = mykey_psk_exchange(&mut rng, &mut mykey_cache());
    assert!(theirs.agree(), "mykey's two sides derived different keys");
    println!(
        "mykey\tmessages\tkeying I_MESSAGE {} B, R_MESSAGE {} B\tmykey I_MESSAGE {} B, R_MESSAGE {} B",
        ours.i_len, ours.r_len, theirs.i_len, theirs.r_len
    );
    mykey_to_keying(&f, mykey_compat()).unwrap();
    keying_to_mykey(mykey_compat()).unwrap();
    println!(
        "interop\tmykey I_MESSAGE -> keying PskResponder -> mykey, and keying PskInitiator -> mykey -> keying: accepted, same SRTP keys (Policy sha1_auth_key_len 32, first_cs_id 0)"
    );
    for (what, r) in [
        (
            "mykey -> keying, Policy::default()",
            mykey_to_keying(&f, Policy::default()),
        ),
        (
            "keying -> mykey, Policy::default()",
            keying_to_mykey(Policy::default()),
        ),
    ] {
        let r = r.err().unwrap_or_else(|| "accepted".into());
        println!("interop\t{what}\t{r}");
    }
    let n = 20;
    paired(
        "mikey PSK exchange keying / mykey",
        n,
        |n| {
            let mut states: Vec<_> = (0..n).map(|_| f.fresh(Mode::Psk).unwrap()).collect();
            let mut outs = Vec::with_capacity(states.len());
            let t = Instant::now();
            for s in &mut states {
                outs.push(f.run(s).unwrap());
            }
            let d = t.elapsed();
            black_box(&outs);
            d
        },
        |n| {
            let mut caches: Vec<_> = (0..n).map(|_| mykey_cache()).collect();
            let mut outs = Vec::with_capacity(caches.len());
            let t = Instant::now();
            for c in &mut caches {
                outs.push(mykey_psk_exchange(&mut rng, c));
            }
            let d = t.elapsed();
            black_box(&outs);
            d
        },
    );
}

/// One wipe of a `SecretBuf<N>` (`clear`: its derived `Zeroize`) paired with zeroize of `N`
/// bytes as a slice, `n` wipes per batch.
fn wipe_pair<const N: usize>(n: u64) {
    let mut s = keying_crypto::SecretBuf::<N>::zeroed(N).unwrap();
    let mut raw = [0u8; N];
    paired(
        &format!("wipe {N} B: SecretBuf<{N}>::clear / zeroize of a [u8] slice"),
        n,
        |n| {
            time(n, || {
                black_box(&mut s).clear();
            })
        },
        |n| {
            time(n, || {
                zeroize::Zeroize::zeroize(black_box(&mut raw).as_mut_slice());
            })
        },
    );
}

fn wipe() {
    wipe_pair::<1024>(1000);
    wipe_pair::<64>(10_000);
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    if which == "rsa-r-joins" {
        rsa_r_joins();
        return;
    }
    if which == "mykey-psk-loop" {
        let iters: u32 = std::env::args()
            .nth(2)
            .and_then(|a| a.parse().ok())
            .unwrap_or(100_000);
        let mut rng = HashDrbg::new(b"mykey loop");
        let mut n = 0;
        for _ in 0..iters {
            n += mykey_psk_exchange(&mut rng, &mut mykey_cache()).r_len;
        }
        println!("{n}");
        return;
    }
    if which.is_empty() || which == "mikey" {
        mikey();
    }
    if which.is_empty() || which == "gdoi" {
        gdoi();
    }
    if which.is_empty() || which == "gdoi-gcks" {
        gdoi_gcks();
    }
    if which.is_empty() || which == "hokey" {
        hokey();
    }
    if which.is_empty() || which == "mikey-psk-mykey" {
        mikey_psk_mykey();
    }
    if which.is_empty() || which == "wipe" {
        wipe();
    }
    for (arg, mode) in [
        ("mikey-psk", Mode::Psk),
        ("mikey-rsa-r", Mode::RsaR),
        ("mikey-dh", Mode::Dh),
    ] {
        if which.is_empty() || which == arg {
            mikey_exchange(mode);
        }
    }
}
