#!/usr/bin/env bash
# A longer fuzzing run than CI's smoke step (nightly-style; not part of .ci/run).
#
#   bash fuzz/run-long.sh [TARGET...]
#
# Every target (default: all of `cargo fuzz list`) is built once with `-O -a` (optimised,
# debug assertions, and so overflow checks) and run for a while on its corpus
# (fuzz/corpus/TARGET, grown in place) plus its seeds (fuzz/seeds/TARGET). Printed per
# target: seconds, total executions, executions per second, libFuzzer's final coverage
# (cov: edges, ft: features), corpus size, and crashes (new crash / leak / timeout / OOM
# files under fuzz/artifacts/TARGET). A crashing target does not stop the others; the exit
# status is 1 when any target crashed or failed, else 0.
#
# Environment:
#   FUZZ_SECS       seconds per target (default 120)
#   FUZZ_SECS_RSA   seconds for the RSA-bound targets, whose inputs are slow (default 600)
#   FUZZ_RSA        the RSA-bound targets (default "mikey_roles hokey_ar hokey_mn")
#   FUZZ_MAX_LEN    -max_len (default 4096)
#   FUZZ_TIMEOUT    -timeout per input, seconds (default 10)
#   FUZZ_RSS_MB     -rss_limit_mb (default 2048)
set -uo pipefail
cd "$(dirname "$0")"

secs=${FUZZ_SECS:-120}
secs_rsa=${FUZZ_SECS_RSA:-600}
rsa=" ${FUZZ_RSA:-mikey_roles hokey_ar hokey_mn} "
max_len=${FUZZ_MAX_LEN:-4096}
timeout=${FUZZ_TIMEOUT:-10}
rss=${FUZZ_RSS_MB:-2048}

cargo +nightly fuzz build -O -a || { echo "fuzz build failed"; exit 1; }
if [ "$#" -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo +nightly fuzz list); fi

mkdir -p target
status=0
rows=()
for t in "${targets[@]}"; do
    s=$secs
    case $rsa in *" $t "*) s=$secs_rsa ;; esac
    mkdir -p "corpus/$t" "artifacts/$t"
    seeds="seeds/$t"; [ -d "$seeds" ] || seeds=
    log="target/fuzz-long-$t.log"
    stamp=$(mktemp)
    echo "== $t: $s s" >&2
    cargo +nightly fuzz run -O -a "$t" "corpus/$t" $seeds -- -max_total_time="$s" \
        -max_len="$max_len" -timeout="$timeout" -rss_limit_mb="$rss" -print_final_stats=1 \
        >"$log" 2>&1
    rc=$?
    crashes=$(find "artifacts/$t" -type f -newer "$stamp" | wc -l)
    rm -f "$stamp"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -n 1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
    note=
    if [ "$rc" != 0 ] || [ "$crashes" != 0 ]; then
        status=1
        note="FAILED (exit $rc; see $PWD/$log)"
        [ "$crashes" != 0 ] || crashes=1
        tail -n 30 "$log" >&2
    fi
    rows+=("$(printf '%-16s %5s %11s %8s %6s %7s %6s %7s  %s' "$t" "$s" "${execs:--}" \
        "${eps:--}" "${cov:--}" "${ft:--}" "${corp:--}" "$crashes" "$note")")
done

printf '%-16s %5s %11s %8s %6s %7s %6s %7s\n' target secs execs exec/s cov ft corpus crashes
printf '%s\n' "${rows[@]}"
exit "$status"
