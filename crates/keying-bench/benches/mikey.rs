//! MIKEY parse + validate and emit, against GStreamer's `gst_mikey_message_new_from_bytes`
//! (a C harness in a separate process, see `gst-harness/`), the `mykey` crate, and a
//! `memcpy` of the same bytes. `cargo bench -p keying-bench --bench mikey`.
//!
//! "Parse + validate" for this crate is [`Message::parse`] (the header and every payload
//! validated, the chain walked to its end) + [`Message::check_mode_rules`] (mandatory
//! payloads and placement for the data type) + walking the KEMAC's Key data / ID
//! sub-payloads when Encr alg is NULL. That it allocates nothing is asserted by
//! `tests/no_alloc.rs` (a counting global allocator), not here: an instrumented allocator
//! would slow down mykey, which allocates about 20 times per parse.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use keying_bench::{MIKEY_VECTORS, hex_vector, vector_path};
use mikey_core::{DataType, Error, Message, MessageWriter, Payload, PayloadType};

/// Parse + validate: returns the number of payloads and sub-payloads seen.
fn ours(bytes: &[u8]) -> Result<usize, Error> {
    let m = Message::parse(bytes)?;
    m.check_mode_rules()?;
    let mut n = m.payload_count();
    if let Some(k) = m.kemac() {
        let first = match m.data_type() {
            DataType::PkInit | DataType::RsaRResp => PayloadType::Id,
            _ => PayloadType::KeyData,
        };
        if let Some(subs) = k.plain_sub_payloads(first) {
            for s in subs {
                s?;
                n += 1;
            }
        }
    }
    Ok(n)
}

/// The same through `mykey` 2.3.1: `MikeyMessage::from_bytes` (which does not look inside
/// the KEMAC) + `KeyDataSubPayload::parse_chain` over a NULL-encrypted KEMAC's Encr data.
fn theirs(bytes: &[u8]) -> Result<usize, mykey::MikeyError> {
    let m = mykey::MikeyMessage::from_bytes(bytes)?;
    let mut n = m.payloads.len();
    for p in &m.payloads {
        if let mykey::payload::Payload::Kemac(k) = p
            && k.enc_alg == mykey::payload::EncAlg::Null
            && !k.enc_data.is_empty()
        {
            n += mykey::payload::KeyDataSubPayload::parse_chain(&k.enc_data)?.len();
        }
    }
    Ok(n)
}

/// The GStreamer harness process (line protocol, see `gst-harness/gst_mikey_harness.c`).
struct Gst {
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    /// Per vector: whether GStreamer parses it (it hangs on V, ERR, ID, DH, SIGN, ...).
    ok: Vec<bool>,
}

impl Gst {
    fn start(files: &[PathBuf]) -> Result<Self, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let out = exe.with_file_name("gst_mikey_harness");
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("gst-harness/build.sh");
        let st = Command::new("bash")
            .arg(&script)
            .arg(&out)
            .status()
            .map_err(|e| format!("{}: {e}", script.display()))?;
        if !st.success() {
            return Err(format!("{} failed ({st})", script.display()));
        }
        let mut child = Command::new(&out)
            .arg("--serve")
            .args(files)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{}: {e}", out.display()))?;
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut ok = Vec::new();
        // One verdict line per vector (GStreamer may log criticals in between).
        while ok.len() < files.len() {
            let mut line = String::new();
            if err.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
                return Err("harness exited during start-up".into());
            }
            eprintln!("gstreamer harness: {}", line.trim_end());
            let verdict = line.split_whitespace().next().unwrap_or_default();
            if matches!(verdict, "OK" | "HANG" | "REJECT") {
                ok.push(verdict == "OK");
            }
        }
        // Keep draining stderr so GStreamer's logging can never block the harness.
        std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
        Ok(Self {
            stdin: child.stdin.take().unwrap(),
            stdout: BufReader::new(child.stdout.take().unwrap()),
            _child: child,
            ok,
        })
    }

    /// Runs `iters` iterations of `op` on vector `idx` in the harness; its elapsed time.
    fn run(&mut self, op: char, idx: usize, iters: u64) -> Duration {
        writeln!(self.stdin, "{op} {idx} {iters}").unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let ns: i64 = line.trim().parse().unwrap();
        assert!(ns >= 0, "harness refused {op} {idx}");
        Duration::from_nanos(u64::try_from(ns).unwrap())
    }
}

struct Vector {
    stem: &'static str,
    bytes: Vec<u8>,
}

fn vectors() -> Vec<Vector> {
    MIKEY_VECTORS
        .iter()
        .map(|&(stem, _)| Vector {
            stem,
            bytes: hex_vector("mikey", &format!("{stem}.hex")).unwrap(),
        })
        .collect()
}

fn bench_parse(c: &mut Criterion) {
    let vs = vectors();
    for v in &vs {
        ours(&v.bytes).unwrap_or_else(|e| panic!("{}: {e}", v.stem));
    }
    let files: Vec<PathBuf> = vs
        .iter()
        .map(|v| vector_path("mikey", &format!("{}.hex", v.stem)))
        .collect();
    let mut gst = match Gst::start(&files) {
        Ok(g) => Some(g),
        Err(e) => {
            eprintln!("GStreamer rows skipped: {e}");
            None
        }
    };
    for (i, v) in vs.iter().enumerate() {
        let mut g = c.benchmark_group(format!("mikey_parse/{}", v.stem));
        let bytes = v.bytes.as_slice();
        g.bench_function("keying", |b| b.iter(|| ours(black_box(bytes)).unwrap()));
        g.bench_function("keying_parse_only", |b| {
            b.iter(|| Message::parse(black_box(bytes)).unwrap().payload_count())
        });
        if theirs(bytes).is_ok() {
            g.bench_function("mykey", |b| b.iter(|| theirs(black_box(bytes)).unwrap()));
        }
        if let Some(gst) = gst.as_mut()
            && gst.ok[i]
        {
            g.bench_function("gstreamer", |b| b.iter_custom(|n| gst.run('g', i, n)));
        }
        if let Some(gst) = gst.as_mut() {
            g.bench_function("memcpy_c_harness", |b| {
                b.iter_custom(|n| gst.run('c', i, n))
            });
        }
        let mut buf = [0u8; 2048];
        g.bench_function("memcpy", |b| {
            b.iter(|| {
                let dst = &mut buf[..bytes.len()];
                dst.copy_from_slice(black_box(bytes));
                black_box(dst);
            })
        });
        g.finish();
    }
}

fn bench_emit(c: &mut Criterion) {
    let vs = vectors();
    let files: Vec<PathBuf> = vs
        .iter()
        .map(|v| vector_path("mikey", &format!("{}.hex", v.stem)))
        .collect();
    let mut gst = Gst::start(&files).ok();
    for (i, v) in vs.iter().enumerate() {
        let m = Message::parse(&v.bytes).unwrap();
        let header = *m.header();
        let payloads: Vec<Payload<'_>> = m.payloads().map(|p| p.payload).collect();
        let mut buf = [0u8; 2048];
        // Byte-identical re-emit (canonical vectors).
        let mut w = MessageWriter::new(&mut buf, &header);
        for p in &payloads {
            w.push(p);
        }
        let n = w.finish().unwrap();
        assert_eq!(&buf[..n], v.bytes.as_slice(), "{}", v.stem);

        let mut g = c.benchmark_group(format!("mikey_emit/{}", v.stem));
        g.bench_function("keying_writer", |b| {
            b.iter(|| {
                let mut w = MessageWriter::new(&mut buf, black_box(&header));
                for p in black_box(&payloads) {
                    w.push(p);
                }
                w.finish().unwrap()
            })
        });
        g.bench_function("keying_message_emit", |b| {
            b.iter(|| black_box(&m).emit(&mut buf).unwrap())
        });
        if let Some(gst) = gst.as_mut()
            && gst.ok[i]
        {
            g.bench_function("gstreamer", |b| b.iter_custom(|n| gst.run('e', i, n)));
        }
        let bytes = v.bytes.as_slice();
        g.bench_function("memcpy", |b| {
            b.iter(|| {
                let dst = &mut buf[..bytes.len()];
                dst.copy_from_slice(black_box(bytes));
                black_box(dst);
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench_parse, bench_emit);
criterion_main!(benches);
