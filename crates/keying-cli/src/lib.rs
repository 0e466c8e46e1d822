//! The `keying` command: decodes MIKEY, GDOI (ISAKMP) and ND / SEND / FMIPv6 messages for an
//! engineer debugging a deployment. The binary is a thin wrapper around [`run`], which tests
//! call in-process.
//!
//! # Usage
//!
//! ```text
#![doc = include_str!("usage.txt")]
//! ```
//!
//! # Output
//!
//! Without `--json`, an indented `field: value` listing (bytes in hex, enums as
//! `Name (value)`). With `--json`, one JSON object on one line, with the field names below.
//! Both are rendered from the same tree, so they carry the same fields. Conventions:
//!
//! - bytes are lowercase hex strings;
//! - a wire enum is `{"value": n, "name": "Name"}`, `name` null for a value the decoder
//!   does not know;
//! - every decoded payload / option has `type` (an enum), `offset` (of its first byte, from
//!   the start of the message) and `length` (in bytes, its header included);
//! - `error` is null, or `{"offset", "expected", "problem", "message"}` for the first
//!   malformed field (everything before it is still shown); `offset` is null when the
//!   problem has no single location.
//! - at most [`MAX_ELEMENTS`] (4096) payloads, options, attributes and parameters are
//!   decoded per message, counted together: past that the output stops and `error` says
//!   "message has more than 4096 payloads, options or attributes" (exit status 1), so that
//!   a long chain of minimal payloads cannot make the memory taken grow without bound
//!   (peak memory stays a small multiple of the INPUT, itself at most 16 MiB).
//!
//! ## `keying mikey decode`
//!
//! `{"version", "data_type", "v", "prf_func", "csb_id", "cs_id_map", "payloads": [...],
//! "warnings": [...], "mac_ok", "tgk", "srtp": [{"ssrc", "master_key", "master_salt",
//! "policy"}], "error"}`
//!
//! - `cs_id_map`: `{"type", "n_cs", "entries"}`; SRTP-ID entries `{"policy_no", "ssrc",
//!   "roc"}`, GENERIC-ID entries `{"cs_id", "prot_type", "s", "policies", "session_data",
//!   "spi", "srtp"}`.
//! - `payloads`: one object per payload with `type`, `offset`, `length`, `next` (the Next
//!   payload value it carries; null for SIGN) and the payload's fields (named after RFC 3830
//!   and its extensions: `encr_alg`, `encr_data`, `mac_alg`, `mac`, `sub_payloads` (KEMAC
//!   with NULL encryption), `ts_type`, `value`, `ntp_utc` (T), `rand`, `id_type`, `data`,
//!   `text`, `policy_no`, `prot_type`, `params`, `key_type`, `key`, `salt`, `kv`, ...).
//! - `warnings`: what [`mikey_core::Message::check_mode_rules`] and
//!   [`mikey_core::Message::check_timestamp`] report (the message still decodes).
//! - `mac_ok`, `tgk`, `srtp`: results of `--psk`, null without it (see
//!   [`mikey::psk_keys`]). `mac_ok`: whether the KEMAC MAC verified with the PSK (false,
//!   and exit status 1, when it does not, or cannot be checked — a NULL MAC alg
//!   authenticates nothing). `tgk`: the TGK / TEK key data when the KEMAC is
//!   NULL-encrypted, else null. `srtp`: per crypto session of the SRTP-ID map, the SRTP
//!   master key and salt mikey-core's PSK Responder derives (for a NULL / NULL KEMAC: the
//!   keys as sent, unauthenticated; empty for DHHMAC, whose keys need the Responder's DH
//!   secret). The CLI runs the Responder with the message's own timestamp as "now" and a
//!   fresh replay cache: it does not judge freshness or replay. `--psk` on a verification
//!   message, R_MESSAGE or Error message exits 2: their MAC key needs the I_MESSAGE's RAND.
//!
//! ## `keying gdoi decode`
//!
//! `{"header": {"initiator_cookie", "responder_cookie", "next_payload", "version",
//! "exchange", "flags": {"value", "encryption", "commit", "auth_only"}, "message_id",
//! "length", "length_ok"}, "encrypted", "decrypted", "ciphertext_length", "payloads": [...],
//! "padding", "hash_check", "error"}`
//!
//! - `ciphertext_length`: for an encrypted PUSH decoded without `--kek`, else null.
//!
//! - `payloads`: null for an encrypted PUSH decoded without `--kek`; otherwise one object
//!   per ISAKMP payload (`type`, `offset`, `length` and its fields: `seq`, `data`, `doi`,
//!   `kek`, `gap`, `teks`, `packets`, `attributes`, `id_type`, `address`, ...). Offsets in
//!   a decrypted PUSH count from the start of the datagram (the plaintext starts at 28).
//! - `padding`: bytes after the decrypted chain (CBC padding), null when not decrypted.
//! - `hash_check` (an ACK decoded with `--kek`): `{"ok", "ack_type", "l_encoding"}`; `ok`
//!   false when no KEK ACK type / L encoding reproduces the HASH. The LKH ACK types use a
//!   per-member leaf key, which `--kek` is not.
//! - `--kek` is KEK_ALGORITHM_KEY as the GROUPKEY-PULL delivered it: the 16-octet IV then
//!   the AES key (32, 40 or 48 octets in all). The PUSH signature is not verified (that
//!   needs the GCKS public key).
//!
//! ## `keying nd decode`
//!
//! `{"kind", "message", "options": [...], "checksum_ok", "cga_ok", "send", "error"}`
//!
//! - `kind`: `"fmipv6"` (ICMPv6 type 154: RtSolPr / PrRtAdv), `"icmpv6"` (RS, RA, NS, NA,
//!   Redirect: types 133 to 137), `"mobility"` (a Mobility Header FBU / FBack: first byte
//!   59, MH type 8 or 9), else `"options"` (a bare ND option list).
//! - `message`: the fixed fields (`type`, `code`, `checksum`, `subtype`, `identifier`,
//!   `target`, `sequence`, `lifetime`, `status`, ...), null for a bare option list.
//! - `options`: ND options (`type`, `offset`, `length` and fields such as `code`,
//!   `address`, `parameters`, `key_hash`, `timestamp`, `nonce`, `at`, `public_key`,
//!   `encrypted_key`), or mobility options for `"mobility"`.
//! - `checksum_ok`: with `--src` and `--dst`, whether the ICMPv6 / MH checksum is right
//!   (null otherwise).
//! - `cga_ok`: with `--src`, whether `--src` is a CGA of every CGA option's parameters
//!   (RFC 3972 §5, RFC 4982 Sec values); null when there is no CGA option or no `--src`.
//!   Each CGA option also carries `cga_check: {"ok", "error"}`.
//! - `send`: for an FMIPv6 message with `--src` and `--dst` that carries SEND options, the
//!   full RFC 3971 verification (CGA, key hash, key size, RSA signature):
//!   `{"ok", "error", "key_bits", "timestamp", "nonce"}`; null otherwise.
//!
//! # Exit status
//!
//! 0: decoded, and every requested check passed. 1: malformed input (the byte offset and
//! what was expected go to standard error), a failed check, or an unreadable file.
//! 2: a usage error, or an operation that is not supported (`--psk` on a response
//! message). No input makes it panic.

use std::io::{Read, Write};
use std::net::Ipv6Addr;

pub mod gdoi;
pub mod input;
pub mod mikey;
pub mod nd;
pub mod value;

use value::{Obj, Value};

/// The usage text (also `keying --help`).
pub const USAGE: &str = include_str!("usage.txt");

/// Exit status: decoded, every check passed.
pub const EXIT_OK: i32 = 0;
/// Exit status: malformed input, a failed check or an I/O error.
pub const EXIT_FAILED: i32 = 1;
/// Exit status: usage error or unsupported operation.
pub const EXIT_USAGE: i32 = 2;

/// An error that stops the command before any output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// The exit status.
    pub code: i32,
    /// What to print on standard error.
    pub message: String,
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

impl CliError {
    /// A usage error (exit 2).
    pub fn usage(m: impl Into<String>) -> Self {
        Self {
            code: EXIT_USAGE,
            message: m.into(),
        }
    }

    /// An unsupported operation (exit 2).
    pub fn unsupported(m: impl Into<String>) -> Self {
        Self {
            code: EXIT_USAGE,
            message: m.into(),
        }
    }

    /// INPUT could not be turned into bytes (exit 1).
    pub fn input(m: impl Into<String>) -> Self {
        Self {
            code: EXIT_FAILED,
            message: m.into(),
        }
    }

    /// An I/O error (exit 1).
    pub fn io(m: impl Into<String>) -> Self {
        Self {
            code: EXIT_FAILED,
            message: m.into(),
        }
    }
}

/// What a decoder produced: the tree, the first decoding error, and failed checks.
#[derive(Debug, Clone)]
pub struct Report {
    /// The output object (partial when `error` is set).
    pub value: Obj,
    /// The first decoding error, for standard error.
    pub error: Option<String>,
    /// Checks that were requested and failed, for standard error.
    pub failed: Vec<String>,
}

impl Report {
    /// The exit status this report calls for.
    pub fn exit_code(&self) -> i32 {
        if self.error.is_some() || !self.failed.is_empty() {
            EXIT_FAILED
        } else {
            EXIT_OK
        }
    }
}

/// The most payloads, options, attributes and parameters (counted together) one message
/// decodes into. Beyond it the decoder stops with an `error` ("message has more than 4096
/// payloads ...") and exit status 1, so that a long chain of minimal payloads in a large
/// INPUT (16 MiB) cannot make the output tree, and the memory it takes, grow without
/// bound. Real messages carry a few dozen.
pub const MAX_ELEMENTS: usize = 4096;

/// Counts the elements a decoder puts in its output against [`MAX_ELEMENTS`].
#[derive(Debug)]
pub struct Budget {
    left: std::cell::Cell<usize>,
    over: std::cell::Cell<bool>,
    at: std::cell::Cell<Option<usize>>,
}

impl Default for Budget {
    fn default() -> Self {
        Self::new()
    }
}

impl Budget {
    /// A budget of [`MAX_ELEMENTS`].
    pub fn new() -> Self {
        Self {
            left: std::cell::Cell::new(MAX_ELEMENTS),
            over: std::cell::Cell::new(false),
            at: std::cell::Cell::new(None),
        }
    }

    /// Takes one element; false once the budget is spent (the decoder then stops).
    pub fn admit(&self) -> bool {
        match self.left.get().checked_sub(1) {
            Some(l) if !self.over.get() => {
                self.left.set(l);
                true
            }
            _ => {
                self.over.set(true);
                false
            }
        }
    }

    /// [`Budget::admit`] for an element at byte `offset`, remembered when it is the first
    /// one refused.
    pub fn admit_at(&self, offset: usize) -> bool {
        let ok = self.admit();
        if !ok && self.at.get().is_none() {
            self.at.set(Some(offset));
        }
        ok
    }

    /// Whether an element was refused.
    pub fn exceeded(&self) -> bool {
        self.over.get()
    }

    /// The `error` object once the budget is exceeded.
    pub fn error(&self) -> (Value, String) {
        let problem = format!(
            "message has more than {MAX_ELEMENTS} payloads, options or attributes (the \
             limit of this decoder)"
        );
        let message = match self.at.get() {
            Some(o) => format!("at byte {o}: {problem}"),
            None => problem.clone(),
        };
        (
            Obj::new()
                .with("offset", self.at.get())
                .with("expected", format!("at most {MAX_ELEMENTS} elements"))
                .with("problem", problem)
                .with("message", message.clone())
                .into(),
            message,
        )
    }
}

/// The `error` object of a decoding error carrying its location.
pub fn tlv_error(e: &keying_tlv::Error) -> (Value, String) {
    let message = format!("at byte {}: expected {}: {}", e.offset, e.expected, e.kind);
    (
        Obj::new()
            .with("offset", e.offset)
            .with("expected", e.expected)
            .with("problem", e.kind.to_string())
            .with("message", message.clone())
            .into(),
        message,
    )
}

/// The `error` object of an error without a single location.
pub fn plain_error(message: String) -> (Value, String) {
    (
        Obj::new()
            .with("offset", Value::Null)
            .with("expected", Value::Null)
            .with("problem", message.clone())
            .with("message", message.clone())
            .into(),
        message,
    )
}

/// Options of one command: flags (no value) and options (one value each).
#[derive(Debug, Default)]
struct Parsed {
    flags: Vec<&'static str>,
    opts: Vec<(&'static str, String)>,
    positionals: Vec<String>,
    help: bool,
}

impl Parsed {
    fn flag(&self, name: &str) -> bool {
        self.flags.contains(&name)
    }

    fn opt(&self, name: &str) -> Option<&str> {
        self.opts
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    fn input(&self, cmd: &str) -> Result<&str, CliError> {
        match self.positionals.as_slice() {
            [one] => Ok(one),
            [] => Err(CliError::usage(format!("`keying {cmd}` needs an INPUT"))),
            _ => Err(CliError::usage(format!(
                "`keying {cmd}` takes one INPUT, got {}",
                self.positionals.len()
            ))),
        }
    }
}

/// Parses `args` against `spec` (`(name, takes_value)`, names with their `--`).
fn parse_opts(
    cmd: &str,
    args: &[String],
    spec: &[(&'static str, bool)],
) -> Result<Parsed, CliError> {
    let mut p = Parsed::default();
    let mut it = args.iter();
    let mut only_positional = false;
    while let Some(a) = it.next() {
        if only_positional || a == "-" || !a.starts_with('-') {
            p.positionals.push(a.clone());
            continue;
        }
        if a == "--" {
            only_positional = true;
            continue;
        }
        if a == "-h" || a == "--help" {
            p.help = true;
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v.to_owned())),
            None => (a.as_str(), None),
        };
        let Some(&(known, takes_value)) = spec.iter().find(|(n, _)| *n == name) else {
            return Err(CliError::usage(format!(
                "unknown option {name} for `keying {cmd}` (see `keying --help`)"
            )));
        };
        if p.flag(known) || p.opt(known).is_some() {
            return Err(CliError::usage(format!("{known} given twice")));
        }
        if takes_value {
            let v = match inline {
                Some(v) => v,
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| CliError::usage(format!("{known} needs a value")))?,
            };
            p.opts.push((known, v));
        } else if inline.is_some() {
            return Err(CliError::usage(format!("{known} takes no value")));
        } else {
            p.flags.push(known);
        }
    }
    Ok(p)
}

fn parse_u32(name: &str, v: &str) -> Result<u32, CliError> {
    parse_u64(name, v).and_then(|n| {
        u32::try_from(n).map_err(|_| CliError::usage(format!("{name} {v} does not fit 32 bits")))
    })
}

fn parse_u64(name: &str, v: &str) -> Result<u64, CliError> {
    let r = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => v.parse(),
    };
    r.map_err(|_| CliError::usage(format!("{name} needs a number, got {v:?}")))
}

fn parse_hex_key(name: &str, v: &str) -> Result<Vec<u8>, CliError> {
    let k = input::hex(v).map_err(|e| CliError::usage(format!("{name}: {}", e.message)))?;
    if k.is_empty() {
        return Err(CliError::usage(format!("{name} is empty")));
    }
    Ok(k)
}

fn parse_addr(name: &str, v: &str) -> Result<Ipv6Addr, CliError> {
    v.parse()
        .map_err(|_| CliError::usage(format!("{name} needs an IPv6 address, got {v:?}")))
}

/// A decoder bound to its options, waiting for the INPUT bytes.
type Decoder = Box<dyn FnOnce(&[u8]) -> Result<Report, CliError>>;

/// What to do.
enum Command {
    Help,
    Version,
    Decode {
        json: bool,
        run: Decoder,
        input: String,
        mikey: bool,
    },
    PskInit {
        args: mikey::PskInit,
        sdp: bool,
    },
}

fn command(args: &[String]) -> Result<Command, CliError> {
    let (first, rest) = match args.split_first() {
        None => return Err(CliError::usage("no command given")),
        Some(x) => x,
    };
    match first.as_str() {
        "help" | "-h" | "--help" => return Ok(Command::Help),
        "-V" | "--version" => return Ok(Command::Version),
        _ => {}
    }
    let (sub, rest) = match rest.split_first() {
        Some((s, r)) => (s.as_str(), r),
        None => ("", rest),
    };
    match (first.as_str(), sub) {
        ("mikey", "decode") => mikey_decode(rest),
        ("mikey", "psk-init") => mikey_psk_init(rest),
        ("gdoi", "decode") => gdoi_decode(rest),
        ("nd", "decode") => nd_decode(rest),
        ("mikey" | "gdoi" | "nd", "") => Err(CliError::usage(format!(
            "`keying {first}` needs a subcommand (see `keying --help`)"
        ))),
        ("mikey" | "gdoi" | "nd", s) => Err(CliError::usage(format!(
            "unknown subcommand `{s}` for `keying {first}` (see `keying --help`)"
        ))),
        (c, _) => Err(CliError::usage(format!(
            "unknown command `{c}` (see `keying --help`)"
        ))),
    }
}

/// `keying mikey decode` options.
fn mikey_decode(rest: &[String]) -> Result<Command, CliError> {
    let p = parse_opts("mikey decode", rest, &[("--json", false), ("--psk", true)])?;
    if p.help {
        return Ok(Command::Help);
    }
    let psk = p
        .opt("--psk")
        .map(|v| parse_hex_key("--psk", v))
        .transpose()?;
    Ok(Command::Decode {
        json: p.flag("--json"),
        input: p.input("mikey decode")?.to_owned(),
        mikey: true,
        run: Box::new(move |b| mikey::decode(b, psk.as_deref())),
    })
}

/// `keying mikey psk-init` options.
fn mikey_psk_init(rest: &[String]) -> Result<Command, CliError> {
    let p = parse_opts(
        "mikey psk-init",
        rest,
        &[
            ("--psk", true),
            ("--ssrc", true),
            ("--roc", true),
            ("--csb-id", true),
            ("--time", true),
            ("--sdp", false),
        ],
    )?;
    if p.help {
        return Ok(Command::Help);
    }
    if let Some(extra) = p.positionals.first() {
        return Err(CliError::usage(format!(
            "`keying mikey psk-init` takes no INPUT, got {extra:?}"
        )));
    }
    let psk = parse_hex_key(
        "--psk",
        p.opt("--psk")
            .ok_or_else(|| CliError::usage("`keying mikey psk-init` needs --psk HEX"))?,
    )?;
    let ssrc = parse_u32(
        "--ssrc",
        p.opt("--ssrc")
            .ok_or_else(|| CliError::usage("`keying mikey psk-init` needs --ssrc N"))?,
    )?;
    let args = mikey::PskInit {
        psk,
        ssrc,
        roc: p
            .opt("--roc")
            .map(|v| parse_u32("--roc", v))
            .transpose()?
            .unwrap_or(0),
        csb_id: p
            .opt("--csb-id")
            .map(|v| parse_u32("--csb-id", v))
            .transpose()?,
        time: p
            .opt("--time")
            .map(|v| parse_u64("--time", v))
            .transpose()?,
    };
    Ok(Command::PskInit {
        args,
        sdp: p.flag("--sdp"),
    })
}

/// `keying gdoi decode` options.
fn gdoi_decode(rest: &[String]) -> Result<Command, CliError> {
    let p = parse_opts("gdoi decode", rest, &[("--json", false), ("--kek", true)])?;
    if p.help {
        return Ok(Command::Help);
    }
    let kek = p
        .opt("--kek")
        .map(|v| parse_hex_key("--kek", v))
        .transpose()?;
    if let Some(k) = &kek {
        gdoi::check_kek(k)?;
    }
    Ok(Command::Decode {
        json: p.flag("--json"),
        input: p.input("gdoi decode")?.to_owned(),
        mikey: false,
        run: Box::new(move |b| gdoi::decode(b, kek.as_deref())),
    })
}

/// `keying nd decode` options.
fn nd_decode(rest: &[String]) -> Result<Command, CliError> {
    let p = parse_opts(
        "nd decode",
        rest,
        &[("--json", false), ("--src", true), ("--dst", true)],
    )?;
    if p.help {
        return Ok(Command::Help);
    }
    let src = p.opt("--src").map(|v| parse_addr("--src", v)).transpose()?;
    let dst = p.opt("--dst").map(|v| parse_addr("--dst", v)).transpose()?;
    if dst.is_some() && src.is_none() {
        return Err(CliError::usage("--dst needs --src"));
    }
    Ok(Command::Decode {
        json: p.flag("--json"),
        input: p.input("nd decode")?.to_owned(),
        mikey: false,
        run: Box::new(move |b| nd::decode(b, src, dst)),
    })
}

/// Runs the `keying` command line (`args` without the program name) and returns the exit
/// status. Output goes to `stdout`, diagnostics to `stderr`; INPUT `-` reads `stdin`.
pub fn run(
    args: &[String],
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> i32 {
    let cmd = match command(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(stderr, "keying: {}", e.message);
            if e.code == EXIT_USAGE && args.is_empty() {
                let _ = stderr.write_all(USAGE.as_bytes());
            }
            return e.code;
        }
    };
    match cmd {
        Command::Help => {
            let _ = stdout.write_all(USAGE.as_bytes());
            EXIT_OK
        }
        Command::Version => {
            let _ = writeln!(stdout, "keying {}", env!("CARGO_PKG_VERSION"));
            EXIT_OK
        }
        Command::PskInit { args, sdp } => match mikey::psk_init(&args) {
            Ok(msg) => {
                let line = if sdp {
                    let mut out = vec![0u8; msg.len() * 2 + 64];
                    match mikey_core::sdp::write_sdp_attribute(&msg, &mut out) {
                        Ok(n) => {
                            String::from_utf8_lossy(out.get(..n).unwrap_or_default()).into_owned()
                        }
                        Err(e) => {
                            let _ = writeln!(stderr, "keying: cannot write the SDP line: {e}");
                            return EXIT_FAILED;
                        }
                    }
                } else {
                    value::hex(&msg)
                };
                let _ = writeln!(stdout, "{line}");
                EXIT_OK
            }
            Err(e) => {
                let _ = writeln!(stderr, "keying: {}", e.message);
                e.code
            }
        },
        Command::Decode {
            json,
            run,
            input,
            mikey,
        } => {
            let report = input::read(&input, stdin, mikey).and_then(|i| run(&i.bytes));
            match report {
                Err(e) => {
                    let _ = writeln!(stderr, "keying: {}", e.message);
                    e.code
                }
                Ok(r) => {
                    let code = r.exit_code();
                    let Report {
                        value,
                        error,
                        failed,
                    } = r;
                    let v = Value::Obj(value);
                    let mut s = String::new();
                    if json {
                        v.write_json(&mut s);
                        s.push('\n');
                    } else {
                        v.write_text(&mut s);
                    }
                    drop(v);
                    let _ = stdout.write_all(s.as_bytes());
                    drop(s);
                    if let Some(e) = &error {
                        let _ = writeln!(stderr, "keying: malformed input {e}");
                    }
                    for f in &failed {
                        let _ = writeln!(stderr, "keying: check failed: {f}");
                    }
                    code
                }
            }
        }
    }
}
