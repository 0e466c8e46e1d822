//! A loop over one of the benchmarked full MIKEY exchanges (fresh roles each time, as the
//! benchmarks build them), or over the primitive calls it makes replayed back to back (the
//! "primitives" side of `examples/paired.rs`), for profilers (callgrind, perf):
//! `CARGO_PROFILE_BENCH_DEBUG=true cargo build --profile bench -p keying-bench --example
//! mikey_exchange_loop`, then e.g.
//! `valgrind --tool=callgrind $CARGO_TARGET_DIR/release/examples/mikey_exchange_loop [ITERS] [MODE]`
//! or `perf record -g …` (with `RUSTFLAGS="-C force-frame-pointers=yes"` for call graphs).
//! MODE: `psk` (default), `rsa_r`, `dh`; `psk_primitives`, `rsa_r_primitives`,
//! `dh_primitives` for the replay. Profiling both and subtracting per symbol gives the
//! exchange's own code.
#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use keying_bench::exchange::{Fixture, Mode, Replay};
use keying_crypto::rustcrypto::HashDrbg;

fn main() {
    let mut args = std::env::args().skip(1);
    let iters: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let arg = args.next().unwrap_or_else(|| "psk".into());
    let (name, primitives) = match arg.strip_suffix("_primitives") {
        Some(m) => (m, true),
        None => (arg.as_str(), false),
    };
    let mode = match name {
        "psk" => Mode::Psk,
        "rsa_r" => Mode::RsaR,
        "dh" => Mode::Dh,
        other => panic!("unknown mode {other}"),
    };
    let f = Fixture::load().unwrap();
    let mut n = 0usize;
    if primitives {
        let calls = f.record(mode).unwrap();
        let keys = f.keys();
        let all = Replay::new(&calls, &keys, |_| true).unwrap();
        let mut rng = HashDrbg::new(b"replay loop");
        for _ in 0..iters {
            n += all.run(black_box(&mut rng));
        }
    } else {
        for _ in 0..iters {
            let mut fresh = f.fresh(mode).unwrap();
            n += f.run(black_box(&mut fresh)).unwrap().r_len;
        }
    }
    println!("{n}");
}
