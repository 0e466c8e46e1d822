//! Full MIKEY exchanges — PSK with verification, RSA-R unicast, signed DH over OAKLEY 5 —
//! both roles in one process through mikey-core's Sans-IO API, against exactly the crypto
//! primitives each exchange calls, replayed back to back on the same inputs
//! (`primitives_sum`), and each kind of primitive alone (`<kind>_x<count>`), for the
//! share of each. `cargo bench -p keying-bench --bench mikey_exchange`.
//!
//! The exchanges, their fixed inputs (clock, timestamps, CSB IDs, PSK, RSA-2048 keys from
//! `tests/vectors/mikey/`, seeded DRBG) and the recording / replay of the primitive calls
//! are in `src/exchange.rs`; `tests/mikey_exchange_calls.rs` asserts the recorded calls
//! against the model. A Responder accepts an I_MESSAGE once (replay cache), so every
//! exchange gets fresh roles from `iter_batched_ref`'s untimed setup.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use keying_bench::exchange::{Fixture, Mode, Replay, counts};
use keying_crypto::rustcrypto::HashDrbg;

fn exchanges(c: &mut Criterion) {
    let f = Fixture::load().unwrap();
    for mode in Mode::ALL {
        // Sanity: the exchange completes with equal keys on both sides.
        let mut fresh = f.fresh(mode).unwrap();
        let out = f.run(&mut fresh).unwrap();
        assert!(out.agree());

        let calls = f.record(mode).unwrap();
        let keys = f.keys();
        let all = Replay::new(&calls, &keys, |_| true).unwrap();
        let mut rng = HashDrbg::new(b"bench replay");
        assert_eq!(all.run(&mut rng), calls.len());

        let mut g = c.benchmark_group(format!("mikey_{}", mode.name()));
        if mode != Mode::Psk {
            // Milliseconds per iteration: flat sampling, fewer samples.
            g.sampling_mode(SamplingMode::Flat)
                .sample_size(30)
                .measurement_time(Duration::from_secs(8));
        }
        g.bench_function("exchange", |b| {
            b.iter_batched_ref(
                || f.fresh(mode).unwrap(),
                |fresh| f.run(fresh).unwrap().r_len,
                BatchSize::SmallInput,
            )
        });
        g.bench_function("primitives_sum", |b| b.iter(|| all.run(&mut rng)));
        for (label, n) in counts(&calls) {
            let some = Replay::new(&calls, &keys, |c| c.label() == label).unwrap();
            assert_eq!(some.run(&mut rng), n);
            g.bench_function(format!("{label}_x{n}"), |b| {
                b.iter(|| black_box(some.run(&mut rng)))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, exchanges);
criterion_main!(benches);
