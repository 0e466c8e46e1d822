#!/usr/bin/env python3
"""Worst-case stack depth of a Thumb-2 (thumbv7em) ELF, from a static call graph.

usage: stack.py ELF [--entry SYMBOL] [--objdump PATH] [--cxxfilt PATH] [--check-stack-sizes]
                [--verbose]

Frame sizes: every function's frame is read from its own code (the pushes, `vpush`,
pre-indexed stores and `sub sp` of its prologue, as a running maximum of the stack pointer
offset over its instructions). When the ELF carries a `.stack_sizes` section (rustc
`-Z emit-stack-sizes`), `--check-stack-sizes` compares the two for every function the
section lists and fails on any difference, which keeps the prologue reading honest.

Call edges: `bl`/`blx` to a label, and branches (conditional or not) that leave the
function, which are tail calls (counted as a call: conservative). Indirect calls
(`blx rN`, `bx rN` other than `bx lr`, `mov pc`/`ldr pc`) are resolved to every
address-taken function (an address that appears as a data word in an allocated section or
as a `movw`/`movt` pair, with the Thumb bit set); they are listed in the report. Recursion
(a cycle in the graph) makes the depth unbounded: it is reported and the exit status is 1.

Prints the worst-case depth from the entry and the deepest chain; exit status 0, or 1 for
recursion, unresolved indirect calls or a `.stack_sizes` mismatch.
"""
import argparse
import re
import struct
import subprocess
import sys

SHT_SYMTAB = 2
SHF_ALLOC = 0x2
STT_FUNC = 2


def read_elf(path):
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        sys.exit(f"{path}: not a 32-bit little-endian ELF")
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
    raw = [struct.unpack_from("<10I", data, shoff + i * shentsize) for i in range(shnum)]
    strtab_off = raw[shstrndx][4]

    def cstr(off):
        return data[off:data.index(b"\0", off)].decode()

    sections = []
    for (name, typ, flags, addr, off, size, link, _info, _align, entsize) in raw:
        sections.append(dict(name=cstr(strtab_off + name), type=typ, flags=flags, addr=addr,
                             off=off, size=size, link=link, entsize=entsize))
    funcs = {}
    for s in sections:
        if s["type"] != SHT_SYMTAB:
            continue
        strs = sections[s["link"]]["off"]
        for i in range(s["size"] // 16):
            name, value, size, info, _other, shndx = struct.unpack_from("<IIIBBH", data, s["off"] + 16 * i)
            if info & 0xF == STT_FUNC and shndx != 0 and size > 0:
                addr = value & ~1
                funcs.setdefault(addr, (cstr(strs + name), size))
    return data, sections, funcs


def stack_sizes(data, sections):
    out = {}
    for s in sections:
        if s["name"] != ".stack_sizes":
            continue
        b = data[s["off"]:s["off"] + s["size"]]
        i = 0
        while i + 4 <= len(b):
            addr, = struct.unpack_from("<I", b, i)
            i += 4
            size = shift = 0
            while True:
                byte = b[i]
                i += 1
                size |= (byte & 0x7F) << shift
                shift += 7
                if byte < 0x80:
                    break
            out[addr & ~1] = size
    return out


def address_taken(data, sections, funcs):
    """Function addresses (Thumb bit set) stored as aligned words in allocated sections."""
    taken = set()
    for s in sections:
        if not s["flags"] & SHF_ALLOC or s["type"] == 8:  # SHT_NOBITS
            continue
        b = data[s["off"]:s["off"] + s["size"]]
        start = (-s["addr"]) % 4
        for i in range(start, len(b) - 3, 4):
            w, = struct.unpack_from("<I", b, i)
            if w & 1 and (w & ~1) in funcs:
                taken.add(w & ~1)
    return taken


INSN = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
TARGET = re.compile(r"^(?:0x)?([0-9a-f]+)\s+<")
REGS = re.compile(r"\{([^}]*)\}")


def reg_count(operands):
    m = REGS.search(operands)
    if not m:
        return 0
    n = 0
    for part in m.group(1).split(","):
        part = part.strip()
        if "-" in part:
            a, b = part.split("-")
            n += int(b.strip()[1:]) - int(a.strip()[1:]) + 1
        elif part:
            n += 1
    return n


def imm(operands):
    m = re.search(r"#(-?(?:0x[0-9a-f]+|\d+))", operands)
    return int(m.group(1), 0) if m else None


def sp_delta(mn, ops):
    """How much the instruction moves sp down (positive), up (negative), or None."""
    base = re.sub(r"(\.w|\.n)$", "", mn)
    if base in ("push", "vpush"):
        n = reg_count(ops)
        return n * (8 if base == "vpush" and "d" in ops.split("{")[1][:2] else 4)
    if base in ("pop", "vpop"):
        n = reg_count(ops)
        return -n * (8 if base == "vpop" and "d" in ops.split("{")[1][:2] else 4)
    if base in ("stmdb", "stmfd") and ops.startswith("sp!"):
        return 4 * reg_count(ops)
    if base in ("ldm", "ldmia", "ldmfd") and ops.startswith("sp!"):
        return -4 * reg_count(ops)
    if base in ("vstmdb",) and ops.startswith("sp!"):
        return 8 * reg_count(ops)
    if base in ("vldmia", "vldm") and ops.startswith("sp!"):
        return -8 * reg_count(ops)
    pre = re.search(r"\[sp, #-((?:0x)?[0-9a-f]+)\]!", ops)
    if base.startswith("str") and pre:
        return int(pre.group(1), 0)
    post = re.search(r"\[sp\], #((?:0x)?[0-9a-f]+)", ops)
    if base.startswith("ldr") and post:
        return -int(post.group(1), 0)
    if base in ("sub", "subw", "subs") and re.match(r"sp,\s*(sp,\s*)?#", ops):
        return imm(ops)
    if base in ("add", "addw", "adds") and re.match(r"sp,\s*(sp,\s*)?#", ops):
        return -imm(ops)
    if base in ("sub", "add") and re.match(r"sp,\s*(sp,\s*)?r\d+$", ops):
        return "dynamic"
    return None


def disassemble(objdump, path, funcs):
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", path], check=True,
                         capture_output=True, text=True).stdout
    starts = sorted(funcs)
    import bisect

    def owner(addr):
        i = bisect.bisect_right(starts, addr) - 1
        if i >= 0 and addr < starts[i] + funcs[starts[i]][1]:
            return starts[i]
        return None

    info = {a: dict(frame=0, depth=0, calls=set(), indirect=0, dynamic=False, unknown_targets=set())
            for a in funcs}
    regs = {}
    cur = None
    for line in out.splitlines():
        # Instructions are attributed by address, not by the last label: objdump also
        # prints ARM mapping symbols ($t, $d) as labels inside functions.
        m = INSN.match(line)
        if not m:
            continue
        a = owner(int(m.group(1), 16))
        if a is None:
            continue
        if cur is None or cur["_addr"] != a:
            cur = info[a]
            cur["_addr"] = a
            regs = {}
        mn, ops = m.group(2), m.group(3).split(";")[0].split("@")[0].strip()
        d = sp_delta(mn, ops)
        if d == "dynamic":
            cur["dynamic"] = True
        elif d:
            cur["depth"] += d
            cur["frame"] = max(cur["frame"], cur["depth"])
        base = re.sub(r"(\.w|\.n)$", "", mn)
        # movw/movt pairs build constants, possibly function addresses.
        mw = re.match(r"(r\d+|r1[0-2]|lr|ip), #(-?(?:0x[0-9a-f]+|\d+))$", ops)
        if base == "movw" and mw:
            regs[mw.group(1)] = int(mw.group(2), 0) & 0xFFFF
        elif base == "movt" and mw and mw.group(1) in regs:
            v = (int(mw.group(2), 0) << 16) | regs.pop(mw.group(1))
            if v & 1 and (v & ~1) in funcs:
                cur.setdefault("_taken", set()).add(v & ~1)
        t = TARGET.match(ops)
        if base in ("bl", "blx") and t:
            tgt = owner(int(t.group(1), 16))
            (cur["calls"].add(tgt) if tgt is not None else cur["unknown_targets"].add(t.group(1)))
        elif base in ("blx",) or (base.startswith("bx") and ops != "lr") \
                or (base in ("mov", "ldr") and ops.startswith("pc,")
                    and not re.match(r"pc,\s*(lr$|\[sp\])", ops)):
            cur["indirect"] += 1
        elif (re.match(r"^(b|cbn?z)(eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?$", base)) and t:
            tgt_addr = int(t.group(1), 16)
            tgt = owner(tgt_addr)
            if tgt != cur["_addr"]:
                (cur["calls"].add(tgt) if tgt is not None else cur["unknown_targets"].add(t.group(1)))
    return info


LEGACY_ESCAPES = {"$LT$": "<", "$GT$": ">", "$u20$": " ", "$RF$": "&", "$BP$": "*",
                  "$C$": ",", "$LP$": "(", "$RP$": ")", "$u7b$": "{", "$u7d$": "}",
                  "$u3b$": ";", "$u5b$": "[", "$u5d$": "]", "$u27$": "'", "$SP$": "@"}


def demangle_legacy(sym):
    """Rust's legacy (`_ZN…E`) mangling, when no llvm-cxxfilt is at hand."""
    m = re.match(r"^_ZN(.*)E$", sym)
    if not m:
        return sym
    rest, parts = m.group(1), []
    while rest:
        n = re.match(r"^(\d+)", rest)
        if not n:
            return sym
        k = int(n.group(1))
        ident = rest[len(n.group(1)):len(n.group(1)) + k]
        rest = rest[len(n.group(1)) + k:]
        if ident.startswith("_$"):
            ident = ident[1:]
        for e, c in LEGACY_ESCAPES.items():
            ident = ident.replace(e, c)
        parts.append(ident.replace("..", "::"))
    return "::".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("elf")
    ap.add_argument("--entry", default="_start")
    ap.add_argument("--objdump", default="llvm-objdump")
    ap.add_argument("--check-stack-sizes", action="store_true")
    ap.add_argument("--cxxfilt", default="llvm-cxxfilt")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()

    data, sections, funcs = read_elf(a.elf)
    info = disassemble(a.objdump, a.elf, funcs)
    names = {addr: n for addr, (n, _s) in funcs.items()}
    names = {k: demangle_legacy(n) for k, n in names.items()}
    v0 = [k for k, n in names.items() if n.startswith("_R")]
    try:
        out = subprocess.run([a.cxxfilt], input="\n".join(names[k] for k in v0), check=True,
                             capture_output=True, text=True).stdout.splitlines()
        if len(out) == len(v0):
            names.update(zip(v0, out))
    except (OSError, subprocess.CalledProcessError):
        pass
    names = {k: re.sub(r"::h[0-9a-f]{16}$", "", n) for k, n in names.items()}
    status = frames_status = 0

    ss = stack_sizes(data, sections)
    if a.check_stack_sizes:
        if not ss:
            print(f"{a.elf}: no .stack_sizes section (build with -Z emit-stack-sizes)")
            return 1
        bad = [(names[f], ss[f], info[f]["frame"]) for f in ss if f in info and ss[f] != info[f]["frame"]]
        for n, want, got in bad:
            print(f"frame mismatch: {n}: .stack_sizes {want}, prologue {got}")
        print(f"frames: {len(ss) - len(bad)} of {len(ss)} functions in .stack_sizes agree with the prologue reading")
        frames_status = 1 if bad else 0

    taken = address_taken(data, sections, funcs)
    for f in info.values():
        taken |= f.pop("_taken", set())

    entry = next((addr for addr, (n, _s) in funcs.items() if n == a.entry), None)
    if entry is None:
        sys.exit(f"{a.elf}: no function {a.entry}")

    memo, on_path, cycles, indirect_sites = {}, [], [], []

    def cost(f):
        if f in memo:
            return memo[f]
        if f in on_path:
            cycle = on_path[on_path.index(f):]
            if frozenset(cycle) not in {frozenset(c) for c in cycles}:
                cycles.append(cycle)
            return (0, [])
        on_path.append(f)
        i = info[f]
        callees = set(i["calls"])
        if i["indirect"]:
            indirect_sites.append((names[f], i["indirect"]))
            callees |= taken
        best = (0, [])
        for c in callees:
            sub = cost(c)
            if sub[0] > best[0]:
                best = sub
        on_path.pop()
        memo[f] = (i["frame"] + best[0], [f] + best[1])
        return memo[f]

    total, chain = cost(entry)
    reachable = set(memo)
    for f in sorted(reachable, key=lambda x: names[x]):
        i = info[f]
        if i["dynamic"]:
            print(f"dynamic stack adjustment (unbounded frame): {names[f]}")
            status = 1
        if i["unknown_targets"]:
            print(f"call to an address outside any function in {names[f]}: {sorted(i['unknown_targets'])}")
            status = 1
    for n, k in indirect_sites:
        print(f"indirect call ({k} site(s)) in {n}: resolved to the {len(taken)} address-taken function(s)")
    if indirect_sites and not taken:
        print("indirect call with no address-taken function to resolve it to")
        status = 1
    for c in cycles:
        print("recursion: " + " -> ".join(names[g] for g in c + c[:1]))
        status = 1
    if ss:
        missing = sorted(names[f] for f in reachable if f not in ss)
        if missing and a.verbose:
            print("frames read from the prologue only (not in .stack_sizes): " + ", ".join(missing))
    print(f"worst-case stack from {a.entry}: {total} bytes{' (plus recursion)' if cycles else ''}")
    for f in chain:
        print(f"  {info[f]['frame']:6d}  {names[f]}")
    return frames_status if a.check_stack_sizes else status


if __name__ == "__main__":
    sys.exit(main())
