//! Helpers shared by the CLI tests: running the command in-process, reading vectors, and a
//! minimal JSON reader to look at `--json` output.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::{Command, Stdio};

/// Exit status, standard output, standard error.
pub struct Run {
    pub code: i32,
    pub out: String,
    pub err: String,
}

/// Runs `keying ARGS` in-process with `stdin`.
pub fn keying_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut input = stdin;
    let code = keying_cli::run(&args, &mut input, &mut out, &mut err);
    Run {
        code,
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    }
}

/// Runs `keying ARGS` in-process.
pub fn keying(args: &[&str]) -> Run {
    keying_stdin(args, b"")
}

/// The path of a vector file under the workspace's `tests/vectors`.
pub fn vector_path(rel: &str) -> String {
    format!("{}/../../tests/vectors/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// A vector file's bytes: hex text for `.hex`, raw otherwise.
pub fn vector(rel: &str) -> Vec<u8> {
    let raw = std::fs::read(vector_path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    if rel.ends_with(".hex") {
        keying_cli::input::hex(std::str::from_utf8(&raw).unwrap()).unwrap()
    } else {
        raw
    }
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(BTreeMap<String, Json>),
}

impl Json {
    /// Parses one JSON text (RFC 8259), panicking on anything else.
    pub fn parse(s: &str) -> Json {
        let b = s.trim().as_bytes();
        let mut i = 0;
        let v = value(b, &mut i);
        assert_eq!(i, b.len(), "trailing characters after the JSON value");
        v
    }

    /// `self[key]` for an object (Null when absent).
    pub fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(m) => m.get(key).unwrap_or(&Json::Null),
            _ => &Json::Null,
        }
    }

    /// Follows a path of object keys and array indexes (`"payloads.0.type.value"`).
    pub fn at(&self, path: &str) -> &Json {
        let mut v = self;
        for part in path.split('.') {
            v = match (v, part.parse::<usize>()) {
                (Json::Arr(a), Ok(i)) => a.get(i).unwrap_or(&Json::Null),
                _ => v.get(part),
            };
        }
        v
    }

    pub fn num(&self) -> u64 {
        match self {
            Json::Num(n) => *n as u64,
            other => panic!("not a number: {other:?}"),
        }
    }

    pub fn str(&self) -> &str {
        match self {
            Json::Str(s) => s,
            other => panic!("not a string: {other:?}"),
        }
    }

    pub fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            other => panic!("not an array: {other:?}"),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }
}

fn ws(b: &[u8], i: &mut usize) {
    while *i < b.len() && matches!(b[*i], b' ' | b'\t' | b'\n' | b'\r') {
        *i += 1;
    }
}

fn value(b: &[u8], i: &mut usize) -> Json {
    ws(b, i);
    let v = match b[*i] {
        b'{' => {
            *i += 1;
            let mut m = BTreeMap::new();
            ws(b, i);
            if b[*i] == b'}' {
                *i += 1;
            } else {
                loop {
                    ws(b, i);
                    let Json::Str(k) = string(b, i) else {
                        unreachable!()
                    };
                    ws(b, i);
                    assert_eq!(b[*i], b':');
                    *i += 1;
                    let v = value(b, i);
                    assert!(m.insert(k.clone(), v).is_none(), "duplicate key {k}");
                    ws(b, i);
                    match b[*i] {
                        b',' => *i += 1,
                        b'}' => {
                            *i += 1;
                            break;
                        }
                        c => panic!("unexpected {:?}", c as char),
                    }
                }
            }
            Json::Obj(m)
        }
        b'[' => {
            *i += 1;
            let mut a = Vec::new();
            ws(b, i);
            if b[*i] == b']' {
                *i += 1;
            } else {
                loop {
                    a.push(value(b, i));
                    ws(b, i);
                    match b[*i] {
                        b',' => *i += 1,
                        b']' => {
                            *i += 1;
                            break;
                        }
                        c => panic!("unexpected {:?}", c as char),
                    }
                }
            }
            Json::Arr(a)
        }
        b'"' => string(b, i),
        b't' if b[*i..].starts_with(b"true") => {
            *i += 4;
            Json::Bool(true)
        }
        b'f' if b[*i..].starts_with(b"false") => {
            *i += 5;
            Json::Bool(false)
        }
        b'n' if b[*i..].starts_with(b"null") => {
            *i += 4;
            Json::Null
        }
        _ => {
            let start = *i;
            while *i < b.len() && matches!(b[*i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                *i += 1;
            }
            let s = std::str::from_utf8(&b[start..*i]).unwrap();
            Json::Num(s.parse().unwrap_or_else(|_| panic!("bad number {s:?}")))
        }
    };
    ws(b, i);
    v
}

fn string(b: &[u8], i: &mut usize) -> Json {
    assert_eq!(b[*i], b'"');
    *i += 1;
    let mut out = Vec::new();
    loop {
        match b[*i] {
            b'"' => {
                *i += 1;
                break;
            }
            b'\\' => {
                let c = b[*i + 1];
                *i += 2;
                match c {
                    b'"' => out.push(b'"'),
                    b'\\' => out.push(b'\\'),
                    b'/' => out.push(b'/'),
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'u' => {
                        let h = std::str::from_utf8(&b[*i..*i + 4]).unwrap();
                        let cp = u32::from_str_radix(h, 16).unwrap();
                        *i += 4;
                        let ch = char::from_u32(cp).unwrap_or('\u{fffd}');
                        out.extend_from_slice(ch.to_string().as_bytes());
                    }
                    c => panic!("bad escape {:?}", c as char),
                }
            }
            c => {
                assert!(c >= 0x20, "raw control character in a JSON string");
                out.push(c);
                *i += 1;
            }
        }
    }
    Json::Str(String::from_utf8(out).unwrap())
}

/// Whether `python3` can run (the JSON cross-check uses it).
pub fn have_python() -> bool {
    Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Checks with Python's `json` module that `text` is one JSON document.
pub fn python_json_ok(text: &str) {
    let mut child = Command::new("python3")
        .args(["-c", "import json,sys; json.load(sys.stdin)"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python3 rejected the JSON: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether a tool runs at all (`tool -v` / `--version`).
pub fn have_tool(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// `tshark -r PCAP [extra] -T fields -e ...` rows, fields split on `|` (`extra`: e.g.
/// `-d` decode-as rules or a display filter).
pub fn tshark_fields(pcap: &std::path::Path, extra: &[&str], fields: &[&str]) -> Vec<Vec<String>> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-r").arg(pcap).args(extra);
    cmd.args(["-T", "fields", "-E", "separator=|"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "tshark failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('|').map(str::to_owned).collect())
        .collect()
}
