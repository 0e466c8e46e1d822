#!/usr/bin/env bash
# `openssl speed` for the primitives benches/primitives.rs measures, on this machine.
# Prints TSV lines "bench-id <TAB> ns/op" using the ids of benches/primitives.rs
# (group "prim"), for scripts/tabulate.py. Wall-clock time (-elapsed), 2 s per algorithm.
set -euo pipefail
secs="${SECONDS_PER_ALG:-2}"
sp() { openssl speed -elapsed -mr -seconds "$secs" "$@" 2>/dev/null; }
# Symmetric: "+F:n:name:bytes-per-second" for the one size asked.
sym() { # id bytes args...
    local id=$1 bytes=$2; shift 2
    sp -bytes "$bytes" "$@" | awk -F: -v id="$id" -v n="$bytes" '$1=="+F"{printf "%s\t%.2f\n", id, n/$4*1e9}'
}
for alg in sha1 sha256; do
    for n in 64 1024; do
        sym "prim/${alg}_$n" "$n" -evp "$alg"
        sym "prim/hmac_${alg}_$n" "$n" -hmac "$alg"
    done
done
sym prim/aes128_ctr_1024 1024 -evp aes-128-ctr
sym prim/aes128_cbc_decrypt_1024 1024 -decrypt -evp aes-128-cbc
# RSA: "+F2:n:bits:sign/s:verify/s" (openssl 3.0 speed: PKCS#1 v1.5 over a 36-byte input).
for bits in 1024 2048; do
    sp "rsa$bits" | awk -F: -v b="$bits" '$1=="+F2"{
        printf "prim/rsa%s_sign_pkcs1v15_sha256\t%.1f\n", b, 1e9/$4;
        printf "prim/rsa%s_verify_pkcs1v15_sha256\t%.1f\n", b, 1e9/$5}'
done
# ECDSA: "+F4:n:256:sign/s:verify/s".
sp ecdsap256 | awk -F: '$1=="+F4"{
    printf "prim/ecdsa_p256_sign\t%.1f\n", 1e9/$4;
    printf "prim/ecdsa_p256_verify\t%.1f\n", 1e9/$5}'
