#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: two full runs of `cargo bench -p keying-bench` (criterion
# defaults), of scripts/openssl-speed.sh and of examples/paired.rs, then the tables
# (scripts/tabulate.py).
#   crates/keying-bench/scripts/run.sh [RUNS]      (default 2)
# Results: $CARGO_TARGET_DIR/keying-bench-runs/run<N>/ (criterion JSON, openssl TSV, logs)
# and $CARGO_TARGET_DIR/keying-bench-runs/tables.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/target-bench}"
runs="${1:-2}"
out="$CARGO_TARGET_DIR/keying-bench-runs"
mkdir -p "$out"
# GStreamer headers for the C harness (the bench builds it; this only makes sure apt works).
bash crates/keying-bench/gst-harness/build.sh "$CARGO_TARGET_DIR/gst_mikey_harness_check"
cargo bench -p keying-bench --no-run
args=()
for i in $(seq 1 "$runs"); do
    d="$out/run$i"
    rm -rf "$d" "$CARGO_TARGET_DIR/criterion"
    mkdir -p "$d"
    echo "=== run $i: openssl speed ($(date -u +%H:%M:%S))"
    bash crates/keying-bench/scripts/openssl-speed.sh | tee "$d/openssl.tsv"
    echo "=== run $i: cargo bench ($(date -u +%H:%M:%S))"
    cargo bench -p keying-bench -- --noplot 2>&1 | tee "$d/bench.log" |
        grep -E '^(alloc-check|gstreamer harness)|time:' || true
    cp -r "$CARGO_TARGET_DIR/criterion" "$d/criterion"
    echo "=== run $i: paired ($(date -u +%H:%M:%S))"
    cargo run -q --profile bench -p keying-bench --example paired | tee "$d/paired.txt"
    args+=(--run "$d/criterion" --openssl "$d/openssl.tsv" --paired "$d/paired.txt")
done
python3 crates/keying-bench/scripts/tabulate.py "${args[@]}" | tee "$out/tables.md"
