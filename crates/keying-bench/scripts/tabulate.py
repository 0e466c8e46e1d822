#!/usr/bin/env python3
"""Turns criterion results (and `openssl speed` TSVs) into the BENCHMARKS.md tables.

    tabulate.py --run RUN1_CRITERION_DIR --run RUN2_CRITERION_DIR \
                --openssl RUN1.tsv --openssl RUN2.tsv [--paired RUN1.txt --paired RUN2.txt]

Each criterion directory is a copy of $CARGO_TARGET_DIR/criterion after one
`cargo bench -p keying-bench`; every number is criterion's median point estimate
(`new/estimates.json`). Ratios are computed within one run, never across runs.
"""
import argparse
import json
import os
import sys


def load_run(root):
    """full_id ('group/function') -> median ns."""
    out = {}
    for dirpath, _dirs, files in os.walk(root):
        if os.path.basename(dirpath) != "new" or "benchmark.json" not in files:
            continue
        with open(os.path.join(dirpath, "benchmark.json")) as f:
            meta = json.load(f)
        with open(os.path.join(dirpath, "estimates.json")) as f:
            est = json.load(f)
        out[meta["full_id"]] = est["median"]["point_estimate"]
        # Lower envelope: the fastest sample's per-iteration time (load only adds time).
        try:
            with open(os.path.join(dirpath, "sample.json")) as f:
                smp = json.load(f)
            out["min:" + meta["full_id"]] = min(t / i for t, i in zip(smp["times"], smp["iters"]))
        except (OSError, KeyError, ValueError):
            pass
    return out


def load_tsv(path):
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.strip().split("\t")
            if len(parts) == 2:
                out[parts[0]] = float(parts[1])
    return out


def fmt(ns):
    if ns is None:
        return "—"
    if ns < 0:
        return "−" + fmt(-ns)
    if ns < 10:
        return f"{ns:.2f} ns"
    if ns < 1000:
        return f"{ns:.1f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns / 1e6:.2f} ms"


def ratio(a, b, digits=1):
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.{digits}f}×"


def both(runs, key):
    return " / ".join(fmt(r.get(key)) for r in runs)


def both_ratio(runs, a, b, digits=1):
    return " / ".join(ratio(r.get(a), r.get(b), digits) for r in runs)


VECTOR_BYTES = {
    "g1_gst_psk_null": 113,
    "gortsplib_case_a": 112,
    "m3_psk_null_interval": 122,
    "m10_two_cs_counter_genext": 92,
    "m5_dhhmac_init": 251,
    "m9_error": 59,
    "streamwide_gmk": 701,
}


def mikey_tables(runs):
    if not any(k.startswith("mikey_parse/") or k.startswith("mikey_emit/") for r in runs for k in r):
        return
    print("### MIKEY parse + validate (run 1 / run 2, criterion median)\n")
    print("| vector | B | keying parse+validate | keying parse only | mykey | GStreamer | "
          "memcpy (Rust) | memcpy (C harness) | GStreamer ÷ keying | mykey ÷ keying | "
          "keying ÷ memcpy |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for v, n in VECTOR_BYTES.items():
        p = f"mikey_parse/{v}/"
        if not any(p + "keying" in r for r in runs):
            continue
        print(f"| {v} | {n} | {both(runs, p + 'keying')} | {both(runs, p + 'keying_parse_only')} | "
              f"{both(runs, p + 'mykey')} | {both(runs, p + 'gstreamer')} | "
              f"{both(runs, p + 'memcpy')} | {both(runs, p + 'memcpy_c_harness')} | "
              f"{both_ratio(runs, p + 'gstreamer', p + 'keying')} | "
              f"{both_ratio(runs, p + 'mykey', p + 'keying', 2)} | "
              f"{both_ratio(runs, p + 'keying', p + 'memcpy', 0)} |")
    print()
    print("### MIKEY emit (run 1 / run 2)\n")
    print("| vector | B | MessageWriter (views → bytes) | Message::emit (re-walk + write) | "
          "GStreamer to_bytes | memcpy | GStreamer ÷ MessageWriter |")
    print("|---|---|---|---|---|---|---|")
    for v, n in VECTOR_BYTES.items():
        p = f"mikey_emit/{v}/"
        if not any(p + "keying_writer" in r for r in runs):
            continue
        print(f"| {v} | {n} | {both(runs, p + 'keying_writer')} | "
              f"{both(runs, p + 'keying_message_emit')} | {both(runs, p + 'gstreamer')} | "
              f"{both(runs, p + 'memcpy')} | "
              f"{both_ratio(runs, p + 'gstreamer', p + 'keying_writer')} |")
    print()


def share_table(runs, title, full, parts, total):
    if not any(full in r for r in runs):
        return
    print(f"### {title} (run 1 / run 2)\n")
    print("| measurement | time | share of the full operation |")
    print("|---|---|---|")
    print(f"| **full operation** (`{full}`) | {both(runs, full)} | 100 % |")
    for key in parts:
        shares = " / ".join(
            f"{100 * r[key] / r[full]:.1f} %" if key in r and full in r else "—" for r in runs)
        print(f"| {key} | {both(runs, key)} | {shares} |")
    shares = " / ".join(
        f"{100 * r[total] / r[full]:.1f} %" if total in r and full in r else "—" for r in runs)
    over = " / ".join(
        f"{100 * (r[full] / r[total] - 1):+.1f} %" if total in r and full in r else "—"
        for r in runs)
    print(f"| **all primitives in sequence** (`{total}`) | {both(runs, total)} | {shares} |")
    print(f"| **own code = full ÷ primitives − 1** | | {over} |")
    print()


EXCHANGES = [("psk", "PSK with verification (I_MESSAGE → verification → check)"),
             ("rsa_r", "RSA-R unicast (signed I_MESSAGE → KEMAC + PKE + SIGN → check)"),
             ("dh", "signed DH, OAKLEY 5 (DHi + SIGN → DHr + SIGN → check)")]


def exchange_share_tables(runs):
    """Criterion groups mikey_<mode>: exchange, primitives_sum and one <kind>_x<count> each."""
    for mode, title in EXCHANGES:
        g = f"mikey_{mode}/"
        parts = sorted({k for r in runs for k in r
                        if k.startswith(g) and not k.startswith("min:")
                        and k not in (g + "exchange", g + "primitives_sum")})
        if parts:
            share_table(runs, f"MIKEY {title}, criterion", g + "exchange", parts,
                        g + "primitives_sum")


def read_paired(paths, tag):
    for i, path in enumerate(paths):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if parts[0] == tag:
                    yield i, parts


def exchange_headline(paths):
    """The MIKEY exchange table from the paired `paired` / `share` lines."""
    full = {}
    shares = {}
    for i, parts in read_paired(paths, "paired"):
        if parts[1].startswith("mikey ") and " exchange / its primitives" in parts[1]:
            name = parts[1].split(" / ")[0]
            full.setdefault(name, [None] * len(paths))[i] = [float(x) for x in parts[2:8]]
    for i, parts in read_paired(paths, "share"):
        shares.setdefault(parts[1], {}).setdefault(parts[2], [None] * len(paths))[i] = (
            float(parts[3]), float(parts[4]))
    if not full:
        return
    print("### MIKEY full exchanges vs the primitives they call (paired, interleaved; "
          "run 1 / run 2)\n")
    print("| exchange | full (p10) | primitives back to back (p10) | own code = full ÷ "
          "primitives − 1 (p10s) | (median of round ratios) | < 5 %? |")
    print("|---|---|---|---|---|---|")
    for name, vals in full.items():
        def col(f):
            return " / ".join(f(v) if v else "—" for v in vals)
        ok = all(v and v[0] - 1 < 0.05 for v in vals)
        print(f"| {name[6:]} | {col(lambda v: fmt(v[2]))} | {col(lambda v: fmt(v[3]))} | "
              f"{col(lambda v: f'{100 * (v[0] - 1):+.1f} %')} | "
              f"{col(lambda v: f'{100 * (v[1] - 1):+.1f} %')} | {'yes' if ok else '**no**'} |")
    print()
    for name, kinds in shares.items():
        print(f"#### {name[6:]}: share of each primitive (p10 of the kind alone ÷ p10 of the "
              "full exchange)\n")
        print("| primitive × calls per exchange | time (p10) | share of the exchange |")
        print("|---|---|---|")
        for kind, vals in sorted(kinds.items(), key=lambda kv: -(kv[1][0] or (0, 0))[0]):
            t = " / ".join(fmt(v[0]) if v else "—" for v in vals)
            sh = " / ".join(f"{v[1]:.2f} %" if v else "—" for v in vals)
            label = f"**{kind}**" if kind == "sum of the kinds" else f"`{kind}`"
            print(f"| {label} | {t} | {sh} |")
        own = full.get(name)
        if own:
            t = " / ".join(fmt(v[2] - v[3]) if v else "—" for v in own)
            sh = " / ".join(f"{100 * (1 - v[3] / v[2]):.2f} %" if v else "—" for v in own)
            print(f"| **own code** (full − primitives) | {t} | {sh} |")
        print()


def primitives_table(runs, ossl):
    keys = sorted({k for r in runs for k in r if k.startswith("prim/")},
                  key=lambda k: (k.split("/")[1].split("_")[0].rstrip("0123456789"), k))
    if not keys:
        return
    print("### RustCrypto (through `keying_crypto::rustcrypto`) vs `openssl speed` "
          "(run 1 / run 2; ratio within each run)\n")
    print("| primitive | keying-crypto (median) | keying-crypto (fastest sample) | openssl speed | "
          "keying ÷ openssl (median) | keying ÷ openssl (fastest) |")
    print("|---|---|---|---|---|---|")
    for k in keys:
        ours = " / ".join(fmt(r.get(k)) for r in runs)
        theirs = " / ".join(fmt(o.get(k)) for o in ossl) if ossl else "—"
        fast = " / ".join(fmt(r.get("min:" + k)) for r in runs)
        rat = " / ".join(ratio(r.get(k), o.get(k), 2) for r, o in zip(runs, ossl)) if ossl else "—"
        ratf = (" / ".join(ratio(r.get("min:" + k), o.get(k), 2) for r, o in zip(runs, ossl))
                if ossl else "—")
        print(f"| {k[5:]} | {ours} | {fast} | {theirs} | {rat} | {ratf} |")
    print()


def paired_table(paths):
    """Lines 'paired<TAB>name<TAB>p10 ratio<TAB>median ratio<TAB>A p10<TAB>B p10<TAB>A min<TAB>B min'."""
    rows = {}
    for i, path in enumerate(paths):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if parts[0] != "paired" or len(parts) < 8:
                    continue
                rows.setdefault(parts[1], [None] * len(paths))[i] = [float(x) for x in parts[2:8]]
    if not rows:
        return
    print("### Paired, interleaved measurements (`examples/paired.rs`; run 1 / run 2)\n")
    print("| A / B | A (p10 per op) | B (p10 per op) | A ÷ B (p10s) | A ÷ B (median of round ratios) |")
    print("|---|---|---|---|---|")
    for name, vals in rows.items():
        def col(j, f):
            return " / ".join(f(v[j]) if v else "—" for v in vals)
        print(f"| {name} | {col(2, fmt)} | {col(3, fmt)} | {col(0, lambda x: f'{x:.3f}')} | "
              f"{col(1, lambda x: f'{x:.3f}')} |")
    print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", action="append", required=True)
    ap.add_argument("--openssl", action="append", default=[])
    ap.add_argument("--paired", action="append", default=[])
    a = ap.parse_args()
    runs = [load_run(d) for d in a.run]
    ossl = [load_tsv(p) for p in a.openssl]
    if not any(runs):
        sys.exit("no criterion results found")
    mikey_tables(runs)
    share_table(runs, "GDOI: group member PUSH verify + ACK build", "gdoi/gm_push_verify_and_ack",
                ["gdoi/ecdsa_p256_verify", "gdoi/aes128_cbc_decrypt_448",
                 "gdoi/hmac_sha256_x2_ack"], "gdoi/primitives_sum")
    share_table(runs, "send-hokey: access router, one RtSolPr → PrRtAdv", "hokey/ar_rtsolpr",
                ["hokey/rsa1024_sign", "hokey/rsa1024_verify", "hokey/rsa1024_encrypt_pkcs1v15",
                 "hokey/rsa1024_load_spki_x2", "hokey/cga_verify_sha1",
                 "hokey/parse_and_checksum"], "hokey/primitives_sum")
    exchange_share_tables(runs)
    primitives_table(runs, ossl)
    paired_table(a.paired)
    exchange_headline(a.paired)


if __name__ == "__main__":
    main()
