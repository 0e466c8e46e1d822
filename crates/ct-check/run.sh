#!/usr/bin/env bash
# The constant-time check ("ctgrind"): builds crates/ct-check with the release code generation
# (profile `ct-check` = release + line tables) twice — AES backend autodetected (AES-NI when
# cpuid reports it, as under valgrind on x86-64) and the software AES backend forced
# (fixsliced, what targets without AES instructions run) — and runs every case under valgrind
# memcheck with the secrets marked undefined. Exits non-zero if a gate case reports anything,
# a canary case reports nothing (or not the expected kind of error), or a case computes a
# wrong result. `info` cases are printed, not gated. Logs: $CARGO_TARGET_DIR/ct-check/*.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Valgrind and its client-request headers (crabgrind's C shim includes them at build time).
if ! command -v valgrind >/dev/null || [ ! -e /usr/include/valgrind/memcheck.h ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends valgrind >/dev/null
fi

target=${CARGO_TARGET_DIR:-target}
logs=$target/ct-check/logs
rm -rf "$logs" && mkdir -p "$logs"
supp=crates/ct-check/known.supp
# What each canary must provoke.
declare -A canary_error=(
    [canary-branch]='Conditional jump or move depends on uninitialised value'
    [canary-index]='Use of uninitialised value of size'
    [canary-mac-eq]='Conditional jump or move depends on uninitialised value'
)

failed=0
for backend in autodetect soft; do
    if [ "$backend" = soft ]; then
        tdir=$target/ct-check-soft
        export RUSTFLAGS="${RUSTFLAGS:-} --cfg aes_backend=\"soft\""
    else
        tdir=$target
    fi
    CARGO_TARGET_DIR=$tdir cargo build --locked -q -p ct-check --features valgrind --profile ct-check
    bin=$tdir/ct-check/ct-check
    echo "--- AES backend: $backend"
    while read -r name kind what; do
        log=$logs/$backend-$name.log
        out=$logs/$backend-$name.out
        rc=0
        valgrind -v --tool=memcheck --error-exitcode=99 --track-origins=yes --leak-check=no \
            --num-callers=40 --suppressions="$supp" --log-file="$log" \
            "$bin" "$name" >"$out" 2>&1 || rc=$?
        errors=$(sed -n 's/^==[0-9]*== ERROR SUMMARY: \([0-9]*\) errors from \([0-9]*\) contexts.*/\1 error(s) in \2 context(s)/p' "$log" | tail -n 1)
        used=$(grep -E 'used_suppression:' "$log" | awk '{printf "%s%s x%s", sep, $4, $3; sep=", "}' || true)
        note="${errors:-no ERROR SUMMARY}${used:+; suppressed (known.supp): $used}"
        verdict=ok
        if ! grep -q 'run mode Valgrind' "$out"; then
            verdict="FAIL (not running under valgrind: the client requests did nothing)"
        elif [ "$rc" != 0 ] && [ "$rc" != 99 ]; then
            verdict="FAIL (exit $rc: $(tail -n 1 "$out"))"
        elif grep -q 'WRONG RESULT' "$out"; then
            verdict="FAIL ($(grep 'WRONG RESULT' "$out"))"
        else
            case $kind in
            gate) [ "$rc" = 0 ] && [ "${errors%% *}" = 0 ] || verdict="FAIL (secret-dependent branch or address)" ;;
            canary)
                if [ "$rc" != 99 ] || ! grep -q "${canary_error[$name]}" "$log"; then
                    verdict="FAIL (the deliberate leak was not reported: the harness is blind)"
                fi ;;
            info) verdict=info ;;
            *) verdict="FAIL (unknown kind $kind)" ;;
            esac
        fi
        printf '%-6s %-7s %-18s %s\n' "${verdict%% *}" "$kind" "$name" "$note"
        if [ "${verdict%% *}" = FAIL ]; then
            failed=1
            echo "       ${verdict#FAIL }: $what"
            awk '/^==[0-9]+== (Conditional jump|Use of uninitialised|Invalid|Syscall param)/ { p = 1 }
                 p { print; if (++n >= 80) exit } /^==[0-9]+== $/ { p = 0 }' "$log" | sed 's/^/       /'
        elif [ "$kind" = canary ]; then
            grep -m1 -A1 "${canary_error[$name]}" "$log" | sed 's/^/       /'
        fi
    done < <("$bin" --list)
done

if [ "$failed" != 0 ]; then
    echo "ct-check: FAILED (logs in $logs)"
    exit 1
fi
echo "ct-check: every gate case is clean and every canary was caught (logs in $logs)"
