//! `ct-check`: the constant-time check ("ctgrind") of the secret-dependent operations.
//!
//! Each case marks its secret inputs *undefined* for valgrind memcheck
//! (`VALGRIND_MAKE_MEM_UNDEFINED`), runs the operation, and marks the result *defined* again
//! (`VALGRIND_MAKE_MEM_DEFINED`) before looking at it, since the verdict of a MAC check or
//! the ciphertext on the wire is public by design. Memcheck follows undefinedness through
//! every instruction, so a conditional branch or a memory address computed from a secret is
//! reported ("Conditional jump or move depends on uninitialised value(s)", "Use of
//! uninitialised value of size N"): exactly the timing leaks the constant-time rule forbids.
//!
//! `ct-check CASE` runs one case (run each under valgrind on its own, as `run.sh` does);
//! `ct-check --list` prints the cases as `name kind description`. Kinds: `gate` must be
//! clean, `canary` must be reported (it leaks on purpose: proof the harness sees leaks),
//! `info` is reported but not gated. Outside valgrind the cases still run and check their
//! results, which is what the unit tests do.

use std::hint::black_box;
use std::process::ExitCode;

use crabgrind::memcheck::{MemState, mark_mem};
use keying_crypto::rustcrypto::{P256SigningKey, RustCrypto};
use keying_crypto::{
    CryptoError, Digest, EcdsaP256Signer, EcdsaP256Verifier, HashAlg, Symmetric, ct_eq,
};
use mikey_core::kdf;
use mikey_core::wire::header::PrfFunc;

/// How `run.sh` judges a case's memcheck report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Must produce no memcheck error.
    Gate,
    /// Leaks on purpose: must produce at least one.
    Canary,
    /// Reported, not gated.
    Info,
}

impl Kind {
    const fn name(self) -> &'static str {
        match self {
            Self::Gate => "gate",
            Self::Canary => "canary",
            Self::Info => "info",
        }
    }
}

/// A case: its name, kind, what it checks, and the code. The code returns `Err` when an
/// operation gives a wrong answer (a functional failure, not a timing finding).
struct Case {
    name: &'static str,
    kind: Kind,
    what: &'static str,
    run: fn() -> Result<(), String>,
}

const CASES: &[Case] = &[
    Case {
        name: "ct-eq-equal",
        kind: Kind::Gate,
        what: "keying_crypto::ct_eq on two equal secret 32-byte strings",
        run: ct_eq_equal,
    },
    Case {
        name: "ct-eq-unequal",
        kind: Kind::Gate,
        what: "keying_crypto::ct_eq on secret strings differing in the first, a middle, the last byte",
        run: ct_eq_unequal,
    },
    Case {
        name: "digest-ct-eq",
        kind: Kind::Gate,
        what: "Digest::ct_eq / ct_eq_truncated of a secret digest against a received tag",
        run: digest_ct_eq,
    },
    Case {
        name: "hmac-sha1",
        kind: Kind::Gate,
        what: "Symmetric::hmac SHA-1 with a secret 20-byte key + tag check (160 and 96 bits)",
        run: hmac_sha1,
    },
    Case {
        name: "hmac-sha256",
        kind: Kind::Gate,
        what: "Symmetric::hmac SHA-256 with secret 32- and 100-byte keys + tag check (256 and 128 bits)",
        run: hmac_sha256,
    },
    Case {
        name: "aes-ctr",
        kind: Kind::Gate,
        what: "Symmetric::aes_ctr (AES-CM) with secret 128/256-bit key, IV (salt) and plaintext",
        run: aes_ctr,
    },
    Case {
        name: "aes-cbc",
        kind: Kind::Gate,
        what: "Symmetric::aes_cbc_encrypt / _decrypt with a secret 128/256-bit key and plaintext",
        run: aes_cbc,
    },
    Case {
        name: "aes-kw-wrap",
        kind: Kind::Gate,
        what: "Symmetric::aes_kw_wrap of a secret key under a secret 128/256-bit KEK",
        run: aes_kw_wrap,
    },
    Case {
        name: "aes-kw-unwrap",
        kind: Kind::Gate,
        what: "Symmetric::aes_kw_unwrap under a secret KEK, intact and tampered input",
        run: aes_kw_unwrap,
    },
    Case {
        name: "aes-kw-iv",
        kind: Kind::Gate,
        what: "Symmetric::aes_kw_wrap_with_iv / _unwrap_with_iv under a secret KEK and a secret IV (MIKEY's IV = S, RFC 3830 §4.2.3), intact and tampered input",
        run: aes_kw_iv,
    },
    Case {
        name: "mikey-prf",
        kind: Kind::Gate,
        what: "mikey_core::kdf::derive (MIKEY-1 and PRF-HMAC-SHA-256) of the TEK from a secret TGK",
        run: mikey_prf,
    },
    Case {
        name: "canary-branch",
        kind: Kind::Canary,
        what: "branches on a secret byte (must be reported)",
        run: canary_branch,
    },
    Case {
        name: "canary-index",
        kind: Kind::Canary,
        what: "indexes a table with a secret byte (must be reported)",
        run: canary_index,
    },
    Case {
        name: "canary-mac-eq",
        kind: Kind::Canary,
        what: "compares a secret MAC with `==` instead of ct_eq (must be reported)",
        run: canary_mac_eq,
    },
    Case {
        name: "ecdsa-p256-sign",
        kind: Kind::Info,
        what: "P256SigningKey::from_scalar_bytes + sign with a secret scalar (not gated)",
        run: ecdsa_sign,
    },
    Case {
        name: "ecdsa-p256-verify",
        kind: Kind::Info,
        what: "P256VerifyingKey::verify with the signature and message marked secret (not gated)",
        run: ecdsa_verify,
    },
];

// ---- the two client requests -------------------------------------------------------------

/// Marks `buf` secret: memcheck treats its bytes as undefined from here on, and so every value
/// computed from them. Outside valgrind the request is a no-op (and says so with `Err`).
fn secret(buf: &mut [u8]) {
    let _ = mark_mem(buf.as_mut_ptr().cast(), buf.len(), MemState::Undefined);
}

/// Declassifies `buf`: a result that is public by design (a ciphertext, or a plaintext the
/// case is about to compare with its expectation).
fn public_bytes(buf: &mut [u8]) {
    let _ = mark_mem(buf.as_mut_ptr().cast(), buf.len(), MemState::Defined);
}

/// Declassifies a value (a verdict) before the case branches on it.
fn public<T: Copy>(mut v: T) -> T {
    let _ = mark_mem(
        (&raw mut v).cast(),
        core::mem::size_of::<T>(),
        MemState::Defined,
    );
    v
}

// ---- helpers -----------------------------------------------------------------------------

fn check<T: PartialEq + core::fmt::Debug>(what: &str, got: T, want: T) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

/// `n` bytes of a fixed pattern (the values do not matter to the check, only that the case
/// computes the right answer).
fn pattern(n: usize, seed: u8) -> Vec<u8> {
    let mut v = Vec::with_capacity(n);
    let mut x = seed;
    for _ in 0..n {
        v.push(x);
        x = x.wrapping_mul(31).wrapping_add(17);
    }
    v
}

/// Flips the low bit of byte `i` of `v`.
fn flip(v: &mut [u8], i: usize) -> Result<(), String> {
    let b = v.get_mut(i).ok_or("flip: index out of range")?;
    *b ^= 1;
    Ok(())
}

fn crypto(what: &str) -> impl FnOnce(CryptoError) -> String + '_ {
    move |e| format!("{what}: {e:?}")
}

// ---- gate cases --------------------------------------------------------------------------

fn ct_eq_equal() -> Result<(), String> {
    let mut a = pattern(32, 0x5a);
    let mut b = a.clone();
    secret(&mut a);
    secret(&mut b);
    check("ct_eq(a, a)", public(ct_eq(&a, &b)), true)
}

fn ct_eq_unequal() -> Result<(), String> {
    for pos in [0, 13, 31] {
        let mut a = pattern(32, 0x5a);
        let mut b = a.clone();
        flip(&mut b, pos)?;
        secret(&mut a);
        secret(&mut b);
        check(
            &format!("ct_eq, differing at {pos}"),
            public(ct_eq(&a, &b)),
            false,
        )?;
    }
    // Different lengths: `false` at once (lengths are public).
    let mut a = pattern(32, 0x5a);
    secret(&mut a);
    check("ct_eq, shorter", public(ct_eq(&a, &[0; 20])), false)
}

fn digest_ct_eq() -> Result<(), String> {
    let received = pattern(32, 0xc3);
    let mut mac = received.clone();
    secret(&mut mac);
    let d = Digest::from_slice(&mac).map_err(crypto("Digest::from_slice"))?;
    check("Digest::ct_eq", public(d.ct_eq(&received)), true)?;
    let tag = received.get(..12).ok_or("tag")?;
    check(
        "ct_eq_truncated(12)",
        public(d.ct_eq_truncated(tag, 12)),
        true,
    )?;
    let mut forged = tag.to_vec();
    flip(&mut forged, 11)?;
    check(
        "ct_eq_truncated(12), forged",
        public(d.ct_eq_truncated(&forged, 12)),
        false,
    )?;
    check("Digest::ct_eq, forged", public(d.ct_eq(&forged)), false)
}

/// HMAC with a secret key over a public message, then the check of the peer's tag (intact and
/// forged) truncated to `tag_len`.
fn hmac_case(alg: HashAlg, key_len: usize, tag_lens: &[usize]) -> Result<(), String> {
    let msg = pattern(300, 0x11);
    let mut key = pattern(key_len, 0x0b);
    // The peer's tag, computed before the key is marked.
    let peer = RustCrypto.hmac(alg, &key, &[&msg]);
    secret(&mut key);
    let mac = RustCrypto.hmac(
        alg,
        &key,
        &[msg.get(..100).ok_or("msg")?, msg.get(100..).ok_or("msg")?],
    );
    for &tag_len in tag_lens {
        let mut tag = peer.as_bytes().get(..tag_len).ok_or("tag")?.to_vec();
        let what = format!("HMAC-{alg:?}, {key_len}-byte key, {tag_len}-byte tag");
        check(&what, public(mac.ct_eq_truncated(&tag, tag_len)), true)?;
        flip(&mut tag, tag_len / 2)?;
        check(
            &format!("{what}, forged"),
            public(mac.ct_eq_truncated(&tag, tag_len)),
            false,
        )?;
    }
    Ok(())
}

fn hmac_sha1() -> Result<(), String> {
    hmac_case(HashAlg::Sha1, 20, &[20, 12])
}

fn hmac_sha256() -> Result<(), String> {
    hmac_case(HashAlg::Sha256, 32, &[32, 16])?;
    // Longer than the block: RFC 2104 hashes the key first.
    hmac_case(HashAlg::Sha256, 100, &[32])
}

fn aes_ctr() -> Result<(), String> {
    for key_len in [16, 32] {
        let mut key = pattern(key_len, 0x2b);
        let mut iv: [u8; 16] = pattern(16, 0xf0).try_into().map_err(|_| "iv")?;
        let plain = pattern(45, 0x6b); // two blocks and a partial one
        let mut want = plain.clone();
        RustCrypto
            .aes_ctr(&key, &iv, &mut want)
            .map_err(crypto("aes_ctr"))?;
        let mut data = plain.clone();
        secret(&mut key);
        secret(&mut iv);
        secret(&mut data);
        // The Result depends on the key length only: not declassified.
        RustCrypto
            .aes_ctr(&key, &iv, &mut data)
            .map_err(crypto("aes_ctr"))?;
        public_bytes(&mut data);
        check(&format!("AES-{}-CTR", key_len * 8), data, want)?;
    }
    Ok(())
}

fn aes_cbc() -> Result<(), String> {
    for key_len in [16, 32] {
        let mut key = pattern(key_len, 0x2b);
        let iv: [u8; 16] = pattern(16, 0xf0).try_into().map_err(|_| "iv")?;
        let plain = pattern(64, 0x6b);
        secret(&mut key);
        let mut data = plain.clone();
        secret(&mut data);
        RustCrypto
            .aes_cbc_encrypt(&key, &iv, &mut data)
            .map_err(crypto("aes_cbc_encrypt"))?;
        public_bytes(&mut data); // the ciphertext goes on the wire
        RustCrypto
            .aes_cbc_decrypt(&key, &iv, &mut data)
            .map_err(crypto("aes_cbc_decrypt"))?;
        public_bytes(&mut data);
        check(&format!("AES-{}-CBC round trip", key_len * 8), data, plain)?;
    }
    Ok(())
}

fn aes_kw_wrap() -> Result<(), String> {
    for kek_len in [16, 32] {
        let mut kek = pattern(kek_len, 0x3c);
        let mut tgk = pattern(32, 0x77);
        let mut want = [0u8; 40];
        RustCrypto
            .aes_kw_wrap(&kek, &tgk, &mut want)
            .map_err(crypto("aes_kw_wrap"))?;
        secret(&mut kek);
        secret(&mut tgk);
        let mut out = [0u8; 40];
        // The length depends on the key data length only: not declassified.
        let n = RustCrypto
            .aes_kw_wrap(&kek, &tgk, &mut out)
            .map_err(crypto("aes_kw_wrap"))?;
        check("wrapped length", n, 40)?;
        public_bytes(&mut out);
        check(&format!("AES-{}-KW wrap", kek_len * 8), out, want)?;
    }
    Ok(())
}

fn aes_kw_unwrap() -> Result<(), String> {
    for kek_len in [16, 32] {
        let mut kek = pattern(kek_len, 0x3c);
        let tgk = pattern(32, 0x77);
        let mut wrapped = [0u8; 40];
        RustCrypto
            .aes_kw_wrap(&kek, &tgk, &mut wrapped)
            .map_err(crypto("aes_kw_wrap"))?;
        secret(&mut kek);
        let mut out = [0u8; 32];
        // The integrity check's verdict is public (it is the protocol's answer).
        let r = public(RustCrypto.aes_kw_unwrap(&kek, &wrapped, &mut out));
        check("unwrap", r, Ok(32))?;
        public_bytes(&mut out);
        check(&format!("AES-{}-KW unwrap", kek_len * 8), out.to_vec(), tgk)?;
        flip(&mut wrapped, 20)?;
        let r = public(RustCrypto.aes_kw_unwrap(&kek, &wrapped, &mut out));
        check("unwrap, tampered", r, Err(CryptoError::DecryptFailed))?;
    }
    Ok(())
}

fn aes_kw_iv() -> Result<(), String> {
    for kek_len in [16, 32] {
        let mut kek = pattern(kek_len, 0x3c);
        let mut iv: [u8; 8] = [0x5a, 0x17, 0x33, 0x0c, 0x91, 0x42, 0xee, 0x08];
        let mut tgk = pattern(32, 0x77);
        let mut want = [0u8; 40];
        RustCrypto
            .aes_kw_wrap_with_iv(&kek, &iv, &tgk, &mut want)
            .map_err(crypto("aes_kw_wrap_with_iv"))?;
        secret(&mut kek);
        secret(&mut iv);
        secret(&mut tgk);
        let mut wrapped = [0u8; 40];
        let n = RustCrypto
            .aes_kw_wrap_with_iv(&kek, &iv, &tgk, &mut wrapped)
            .map_err(crypto("aes_kw_wrap_with_iv"))?;
        check("wrapped length", n, 40)?;
        public_bytes(&mut wrapped);
        check(&format!("AES-{}-KW wrap, IV", kek_len * 8), wrapped, want)?;
        let mut out = [0u8; 32];
        // The integrity check's verdict is public (it is the protocol's answer).
        let r = public(RustCrypto.aes_kw_unwrap_with_iv(&kek, &iv, &wrapped, &mut out));
        check("unwrap, IV", r, Ok(32))?;
        public_bytes(&mut out);
        public_bytes(&mut tgk);
        check(
            &format!("AES-{}-KW unwrap, IV", kek_len * 8),
            out.to_vec(),
            tgk.clone(),
        )?;
        flip(&mut wrapped, 20)?;
        let r = public(RustCrypto.aes_kw_unwrap_with_iv(&kek, &iv, &wrapped, &mut out));
        check(
            "unwrap with IV, tampered",
            r,
            Err(CryptoError::DecryptFailed),
        )?;
    }
    Ok(())
}

fn mikey_prf() -> Result<(), String> {
    let rand = pattern(16, 0x99);
    // MIKEY-1 with a 16-byte and a 48-byte (two 256-bit chunks) TGK; PRF-HMAC-SHA-256.
    for (prf, tgk_len) in [
        (PrfFunc::Mikey1, 16),
        (PrfFunc::Mikey1, 48),
        (PrfFunc::HmacSha256, 32),
    ] {
        let mut tgk = pattern(tgk_len, 0x42);
        let derive = |tgk: &[u8]| {
            kdf::derive(
                &RustCrypto,
                &mikey_core::kdf::Derivation::new(prf, tgk, 0x1234_5678, &rand),
                kdf::C_TEK,
                1,
                30,
            )
            .map_err(|e| format!("kdf::derive: {e:?}"))
        };
        let want = derive(&tgk)?.expose().to_vec();
        secret(&mut tgk);
        let mut tek = derive(&tgk)?.expose().to_vec();
        public_bytes(&mut tek);
        check(&format!("{prf:?} TEK from a {tgk_len}-byte TGK"), tek, want)?;
    }
    Ok(())
}

// ---- canaries: leak on purpose -----------------------------------------------------------

fn canary_branch() -> Result<(), String> {
    let mut s = pattern(16, 0x42);
    secret(&mut s);
    let b = black_box(s.first().copied().unwrap_or(0));
    // The leak: which arm runs depends on the secret.
    let n = if b & 1 == 0 {
        black_box(1_u32)
    } else {
        black_box(2_u32)
    };
    black_box(n);
    Ok(())
}

fn canary_index() -> Result<(), String> {
    let table: Vec<u32> = (0..256).collect();
    let table = black_box(table);
    let mut s = pattern(16, 0x42);
    secret(&mut s);
    let b = black_box(s.first().copied().unwrap_or(0));
    // The leak: the address read depends on the secret (an S-box lookup).
    black_box(table.get(usize::from(b)).copied());
    Ok(())
}

fn canary_mac_eq() -> Result<(), String> {
    let received = pattern(20, 0xc3);
    let mut key = pattern(20, 0x0b);
    secret(&mut key);
    let mac = RustCrypto.hmac(HashAlg::Sha1, &key, &[b"message"]);
    // The leak: slice `==` is memcmp, which stops at the first difference.
    let naive = black_box(mac.as_bytes()) == black_box(received.as_slice());
    black_box(public(naive));
    Ok(())
}

// ---- informational: ECDSA P-256 ----------------------------------------------------------

fn ecdsa_sign() -> Result<(), String> {
    let mut d = pattern(32, 0x01);
    if let Some(b) = d.first_mut() {
        *b = 0x3a; // below n
    }
    secret(&mut d);
    // The range check 1 <= d < n is a verdict on the secret: it branches inside.
    let key = P256SigningKey::from_scalar_bytes(&d).map_err(crypto("from_scalar_bytes"))?;
    let mut sig = key.sign(&[b"GROUPKEY-PUSH"]).map_err(crypto("sign"))?;
    public_bytes(&mut sig);
    // The public key is derived from the secret but public by design.
    let vk = public(key.verifying_key());
    vk.verify(&[b"GROUPKEY-PUSH"], &sig)
        .map_err(crypto("verify own signature"))
}

fn ecdsa_verify() -> Result<(), String> {
    let mut d = pattern(32, 0x01);
    if let Some(b) = d.first_mut() {
        *b = 0x3a;
    }
    let key = P256SigningKey::from_scalar_bytes(&d).map_err(crypto("from_scalar_bytes"))?;
    let mut msg = b"GROUPKEY-PUSH".to_vec();
    let mut sig = key.sign(&[&msg]).map_err(crypto("sign"))?;
    let vk = key.verifying_key();
    secret(&mut sig);
    secret(&mut msg);
    let r = public(vk.verify(&[&msg], &sig));
    check("verify", r, Ok(()))
}

// ---- driver ------------------------------------------------------------------------------

fn usage() -> ExitCode {
    eprintln!("usage: ct-check CASE | --list   (run each case under valgrind: see run.sh)");
    ExitCode::from(64)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [arg] = args.as_slice() else {
        return usage();
    };
    if arg == "--list" {
        for c in CASES {
            println!("{} {} {}", c.name, c.kind.name(), c.what);
        }
        return ExitCode::SUCCESS;
    }
    let Some(case) = CASES.iter().find(|c| c.name == arg) else {
        return usage();
    };
    let under = crabgrind::run_mode();
    #[cfg(target_arch = "x86_64")]
    let aes_ni = std::arch::is_x86_feature_detected!("aes");
    #[cfg(not(target_arch = "x86_64"))]
    let aes_ni = false;
    println!(
        "ct-check {} ({}): run mode {under:?}, cpuid reports AES-NI: {aes_ni}",
        case.name,
        case.kind.name()
    );
    match (case.run)() {
        Ok(()) => {
            println!("ct-check {}: results correct", case.name);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ct-check {}: WRONG RESULT: {e}", case.name);
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Outside valgrind the client requests are no-ops: every case must still compute the
    /// right answers (the timing verdict is `run.sh`'s, under valgrind).
    #[test]
    fn every_case_computes_the_right_answer() {
        for c in CASES {
            assert_eq!((c.run)(), Ok(()), "{}", c.name);
        }
    }

    #[test]
    fn names_are_unique_and_each_kind_is_present() {
        for (i, a) in CASES.iter().enumerate() {
            assert!(
                CASES.iter().skip(i + 1).all(|b| b.name != a.name),
                "{}",
                a.name
            );
        }
        for k in [Kind::Gate, Kind::Canary, Kind::Info] {
            assert!(CASES.iter().any(|c| c.kind == k));
        }
    }
}
