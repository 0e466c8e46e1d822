//! MIKEY parse + validate (as benchmarked in `benches/mikey.rs`) performs no heap
//! allocation, on every benchmarked vector: a counting global allocator (`stats_alloc`,
//! usable without `unsafe`) sees 0 allocations, 0 reallocations and 0 bytes over 1 000
//! rounds. Also prints what the `mykey` crate allocates for one parse of the same bytes.
#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use std::alloc::System;
use std::hint::black_box;

use keying_bench::{MIKEY_VECTORS, hex_vector};
use mikey_core::{DataType, Message, PayloadType};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

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

#[test]
fn mikey_parse_and_validate_does_not_allocate() {
    // The test harness's own threads may allocate concurrently; retry a few times and
    // require one clean window per vector.
    for (stem, _) in MIKEY_VECTORS {
        let bytes = hex_vector("mikey", &format!("{stem}.hex")).unwrap();
        let n = ours(&bytes);
        let clean = (0..5).any(|_| {
            let reg = Region::new(GLOBAL);
            for _ in 0..1000 {
                black_box(ours(black_box(&bytes)));
            }
            let s = reg.change();
            (s.allocations, s.reallocations, s.bytes_allocated) == (0, 0, 0)
        });
        assert!(clean, "{stem}: parse + validate allocated");
        let reg = Region::new(GLOBAL);
        let mykey = mykey::MikeyMessage::from_bytes(&bytes).is_ok();
        let s = reg.change();
        println!(
            "{stem:<28} {:>4} B  keying: {n} payloads, 0 allocations | mykey from_bytes: {}, {} allocations, {} bytes",
            bytes.len(),
            if mykey { "parses" } else { "refuses" },
            s.allocations + s.reallocations,
            s.bytes_allocated
        );
    }
}
