//! A loop over the benchmark's MIKEY parse + validate, for profilers (callgrind, perf):
//! `cargo build --profile bench --example mikey_parse_loop` with
//! `CARGO_PROFILE_BENCH_DEBUG=true`, then e.g.
//! `valgrind --tool=callgrind $CARGO_TARGET_DIR/release/examples/mikey_parse_loop [ITERS] [STEP]`.
//! STEP: `all` (parse + check_mode_rules + KEMAC walk, default), `parse`, `rules`.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;

use mikey_core::{DataType, Message, PayloadType};

fn main() {
    let mut args = std::env::args().skip(1);
    let iters: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let step = args.next().unwrap_or_else(|| "all".into());
    let bytes = keying_bench::hex_vector("mikey", "g1_gst_psk_null.hex").unwrap();
    let mut n = 0usize;
    for _ in 0..iters {
        let m = Message::parse(black_box(&bytes)).unwrap();
        n += m.payload_count();
        if step == "parse" {
            continue;
        }
        m.check_mode_rules().unwrap();
        if step == "rules" {
            continue;
        }
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
    }
    println!("{n}");
}
