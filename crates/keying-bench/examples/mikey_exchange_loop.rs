//! A loop over one of the benchmarked full MIKEY exchanges (fresh roles each time, as the
//! benchmarks build them), for profilers (callgrind, perf):
//! `CARGO_PROFILE_BENCH_DEBUG=true cargo build --profile bench -p keying-bench --example
//! mikey_exchange_loop`, then e.g.
//! `valgrind --tool=callgrind $CARGO_TARGET_DIR/release/examples/mikey_exchange_loop [ITERS] [MODE]`.
//! MODE: `psk` (default), `rsa_r`, `dh`.
#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use keying_bench::exchange::{Fixture, Mode};

fn main() {
    let mut args = std::env::args().skip(1);
    let iters: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let mode = match args.next().as_deref().unwrap_or("psk") {
        "psk" => Mode::Psk,
        "rsa_r" => Mode::RsaR,
        "dh" => Mode::Dh,
        other => panic!("unknown mode {other}"),
    };
    let f = Fixture::load().unwrap();
    let mut n = 0usize;
    for _ in 0..iters {
        let mut fresh = f.fresh(mode).unwrap();
        n += f.run(black_box(&mut fresh)).unwrap().r_len;
    }
    println!("{n}");
}
