//! Hostile long chains: a 10 MB message made of minimal payloads / options. The built
//! `keying` binary must stop at `keying_cli::MAX_ELEMENTS` with a clear error (exit 1), and
//! its peak memory must stay a small multiple of the input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation,
    missing_docs
)]

mod common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Size of the hostile messages.
const SIZE: usize = 10 << 20;

/// MIKEY (RFC 3830 §6.1 common header, §6.15 General Extension payloads): a PSK
/// I_MESSAGE whose header's next payload is General Extension (21), then 4-byte General
/// Extensions (next payload, type 0, length 0), each naming General Extension as the next
/// payload except the last (Last payload, 0).
fn mikey_chain() -> Vec<u8> {
    // version 1, data type PSK init (0), next payload GE (21), V=0 / PRF MIKEY-1 (0),
    // CSB ID, #CS 0, CS ID map type SRTP-ID (0).
    let mut m = vec![1, 0, 21, 0, 0x12, 0x34, 0x56, 0x78, 0, 0];
    let n = (SIZE - m.len()) / 4;
    for i in 0..n {
        let next = if i + 1 == n { 0 } else { 21 };
        m.extend_from_slice(&[next, 0, 0, 0]);
    }
    m
}

/// ISAKMP (RFC 2408 §3.1 header, §3.2 generic payload header): a GROUPKEY-PULL
/// (RFC 6407, exchange type 32) of 4-byte Vendor ID payloads (RFC 2408 §3.16, type 13,
/// empty body).
fn gdoi_chain() -> Vec<u8> {
    let mut m = Vec::with_capacity(SIZE);
    m.extend_from_slice(&[0x11; 8]); // initiator cookie
    m.extend_from_slice(&[0x22; 8]); // responder cookie
    m.extend_from_slice(&[13, 0x10, 32, 0]); // next payload, version 1.0, exchange, flags
    m.extend_from_slice(&[0, 0, 0, 1]); // message ID
    let n = (SIZE - 28) / 4;
    let len = (28 + 4 * n) as u32;
    m.extend_from_slice(&len.to_be_bytes());
    for i in 0..n {
        let next = if i + 1 == n { 0 } else { 13 };
        m.extend_from_slice(&[next, 0, 0, 4]);
    }
    m
}

/// A bare ND option list (RFC 4861 §4.6): 8-byte options of an unassigned type (200),
/// length 1 (in units of 8 octets).
fn nd_chain() -> Vec<u8> {
    nd_options(SIZE / 8)
}

fn nd_options(n: usize) -> Vec<u8> {
    let mut m = Vec::with_capacity(n * 8);
    for _ in 0..n {
        m.extend_from_slice(&[200, 1, 0, 0, 0, 0, 0, 0]);
    }
    m
}

fn write_input(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("limits-{name}.bin"));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs the binary and returns its output and peak resident set size in KiB: under
/// `/usr/bin/time -f %M` when available, else from the last `VmHWM` read while it runs.
fn run_measured(args: &[String]) -> (Output, u64) {
    let bin = env!("CARGO_BIN_EXE_keying");
    if std::path::Path::new("/usr/bin/time").exists() {
        let rss_file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "limits-rss-{}.txt",
            args.join("-").replace('/', "_")
        ));
        let out = Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&rss_file)
            .arg(bin)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let rss = std::fs::read_to_string(&rss_file).unwrap();
        let kib = rss
            .lines()
            .filter_map(|l| l.trim().parse::<u64>().ok())
            .next_back()
            .unwrap_or_else(|| panic!("no RSS figure in {rss:?}"));
        return (out, kib);
    }
    let mut child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    // Drain the pipes on threads so that the child never blocks on a full pipe.
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut v).unwrap();
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut se, &mut v).unwrap();
        v
    });
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        if let Ok(s) = std::fs::read_to_string(&status) {
            for l in s.lines() {
                if let Some(v) = l.strip_prefix("VmHWM:") {
                    let kib = v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
                    peak = peak.max(kib);
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let status = child.wait().unwrap();
    let out = Output {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    };
    (out, peak)
}

fn check(proto: &str, bytes: &[u8]) {
    let path = write_input(proto, bytes);
    let input = format!("@{}", path.display());
    for json in [false, true] {
        let mut args = vec![proto.to_owned(), "decode".to_owned()];
        if json {
            args.push("--json".to_owned());
        }
        args.push(input.clone());
        let (out, peak_kib) = run_measured(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        eprintln!(
            "{proto} decode{}: {} bytes in, peak RSS {peak_kib} KiB, {} bytes out, exit {:?}",
            if json { " --json" } else { "" },
            bytes.len(),
            out.stdout.len(),
            out.status.code()
        );
        let bound_kib = (10 * bytes.len() as u64 + (64 << 20)) / 1024;
        assert!(
            peak_kib < bound_kib,
            "{proto}: peak RSS {peak_kib} KiB, bound {bound_kib} KiB"
        );
        let limit = format!(
            "message has more than {} payloads",
            keying_cli::MAX_ELEMENTS
        );
        assert_eq!(out.status.code(), Some(1), "{proto}: {err}");
        assert!(err.contains(&limit), "{proto}: {err}");
        // The output is bounded too: a few hundred bytes per element at most.
        assert!(
            out.stdout.len() < keying_cli::MAX_ELEMENTS * 512,
            "{proto}: {} bytes of output",
            out.stdout.len()
        );
    }
    std::fs::remove_file(&path).ok();
}

#[test]
fn mikey_long_general_extension_chain() {
    check("mikey", &mikey_chain());
}

#[test]
fn gdoi_long_vendor_id_chain() {
    check("gdoi", &gdoi_chain());
}

#[test]
fn nd_long_option_chain() {
    check("nd", &nd_chain());
}

#[test]
fn the_limit_is_exact() {
    let max = keying_cli::MAX_ELEMENTS;
    let ok = common::keying(&["nd", "decode", "--json", &common::hex(&nd_options(max))]);
    assert_eq!(ok.code, 0, "{}", ok.err);
    let over = common::keying(&["nd", "decode", "--json", &common::hex(&nd_options(max + 1))]);
    assert_eq!(over.code, 1);
    assert!(
        over.err.contains(&format!(
            "at byte {}: message has more than {max} payloads",
            max * 8
        )),
        "{}",
        over.err
    );
    let at = format!("\"error\":{{\"offset\":{},", max * 8);
    assert!(over.out.contains(&at), "{}", over.out);
}
