#!/usr/bin/env bash
# The RSA bans of `.clippy.toml`, checked: clippy on the canary crate here must fail with
# a disallowed-method/-type/-field error at each line marked `// banned: <path>`, naming that
# path; every path in `.clippy.toml` must have such a line; no path may fail to resolve.
set -euo pipefail
cd "$(dirname "$0")"
root=../..
v() { sed -n '/^name = "rsa"$/{n;p;}' "$1"; }
[ "$(v $root/Cargo.lock)" = "$(v Cargo.lock)" ] || { echo "canary: rsa version differs from Cargo.lock's"; exit 1; }
cargo fmt -- --check

log=$root/target/clippy-canary.log
mkdir -p $root/target
if cargo clippy --locked -q --target-dir $root/target/clippy-canary --message-format=short -- \
    -D clippy::disallowed_methods -D clippy::disallowed_types -D clippy::disallowed_fields >"$log" 2>&1; then
    cat "$log"; echo "canary: clippy passed on calls it must refuse"; exit 1
fi
fail=0
if grep -F 'does not refer to' "$log"; then
    echo "canary: a .clippy.toml path does not resolve (it bans nothing)"; fail=1
fi
n=0
while IFS=: read -r line path; do
    path=${path#*// banned: }
    n=$((n + 1))
    if ! grep -Eq "^src/lib\.rs:$line:[0-9]+: error: use of a disallowed (method|type|field) \`$path\`" "$log"; then
        echo "canary: not reported: src/lib.rs:$line ($path)"; fail=1
    fi
done < <(grep -n '; // banned: ' src/lib.rs)
for path in $(sed -n 's/.*path = "\([^"]*\)".*/\1/p' $root/.clippy.toml); do
    grep -qF "; // banned: $path" src/lib.rs || { echo "canary: no call to $path"; fail=1; }
done
if [ "$fail" = 1 ]; then cat "$log"; exit 1; fi
echo "canary: all $n banned calls reported"
