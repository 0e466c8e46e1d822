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
//! Every subcommand has its own `--help`; `keying completions SHELL` prints a completion
//! script (bash, zsh, fish, elvish, powershell).
//!
//! ```text
#![doc = include_str!("help.txt")]
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
//! "padding", "hash_check", "sig_ok", "error"}`
//!
//! - `ciphertext_length`: for an encrypted PUSH decoded without `--kek`, else null.
//!
//! - `payloads`: null for an encrypted PUSH decoded without `--kek`; otherwise one object
//!   per ISAKMP payload (`type`, `offset`, `length` and its fields: `seq`, `data`, `doi`,
//!   `kek`, `gap`, `teks`, `packets`, `attributes`, `id_type`, `address`, ...). Offsets in
//!   a decrypted PUSH count from the start of the datagram (the plaintext starts at 28).
//!   An identity (SA KEK / SA TEK source and destination, ID payload) has `address`, and
//!   for ID_IPV4_ADDR_SUBNET / ID_IPV6_ADDR_SUBNET its netmask in `mask`, for
//!   ID_IPV4_ADDR_RANGE / ID_IPV6_ADDR_RANGE the range's last address in `end_address`
//!   (RFC 2407 §4.6.2.1); null when the type has none.
//! - `padding`: the bytes after the decrypted chain (CBC padding) as hex, null when not
//!   decrypted (or when the chain does not decode).
//! - `hash_check` (an ACK decoded with `--kek`): `{"ok", "ack_type", "l_encoding"}`; `ok`
//!   false when no KEK ACK type / L encoding reproduces the HASH. The LKH ACK types use a
//!   per-member leaf key, which `--kek` is not.
//! - `--kek` is KEK_ALGORITHM_KEY as the GROUPKEY-PULL delivered it: the 16-octet IV then
//!   the AES key (32, 40 or 48 octets in all).
//! - `sig_ok` (a PUSH decoded with `--gcks-key FILE`, the key server's public key as PEM or
//!   DER SubjectPublicKeyInfo, RSA or ECDSA P-256): whether the SIG payload verifies over
//!   "rekey" ‖ the header (Length of the unpadded message, or as sent) ‖ the payloads
//!   before SIG (RFC 6407 §4); false, and exit status 1, when it does not or cannot be
//!   checked (the signature covers the plaintext: it needs `--kek`); null without
//!   `--gcks-key`.
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
//!   `encrypted_key`), or mobility options for `"mobility"`. A Timestamp option (RFC 3971
//!   §5.3.1, 48.16 fixed point) has `timestamp` (the raw 64-bit value), `seconds` (its
//!   integer part), `fraction` (the 16-bit fraction, in 1/65536 s), `seconds_decimal`
//!   (exact decimal seconds, e.g. `"1700000000.5"`) and `utc` (with the fraction digits).
//! - `checksum_ok`: with `--src` and `--dst`, whether the ICMPv6 / MH checksum is right
//!   (null otherwise).
//! - `cga_ok`: with `--src`, whether `--src` is a CGA of every CGA option's parameters
//!   (RFC 3972 §5, RFC 4982 Sec values); null when there is no CGA option or no `--src`.
//!   Each CGA option also carries `cga_check: {"ok", "error"}`.
//! - `send`: for an FMIPv6 message with `--src` and `--dst` that carries SEND options, the
//!   full RFC 3971 verification (CGA, key hash, key size, RSA signature):
//!   `{"ok", "error", "key_bits", "timestamp", "nonce"}`; null otherwise.
//!
//! ## `keying decode CAPTURE`
//!
//! One JSON array (text: one list item per message), in capture order, of
//! `{"frame", "time", "utc", "protocol", "src", "dst", "carrier", "decode"}`:
//!
//! - `frame`: the frame number, counted from 1 over every packet of the capture (as
//!   tshark counts); `time`: the capture time as decimal seconds since 1970 with nine
//!   digits (tshark's `frame.time_epoch`), `utc` the same as ISO 8601; both null for a
//!   pcapng Simple Packet Block.
//! - `protocol`: `"mikey"`, `"gdoi"` or `"nd"`; `decode`: exactly what `keying mikey
//!   decode --json`, `keying gdoi decode --json` or `keying nd decode --json --src SRC --dst
//!   DST` prints for the message (null when it could not be extracted, e.g. a malformed
//!   base64 key-mgmt attribute: the reason goes to standard error and the exit status is 1).
//! - `src`, `dst`: the IP addresses; `carrier`: where the message was found (`"udp/2269"`,
//!   `"sdp a=key-mgmt/udp"`, `"sdp a=key-mgmt/tcp"`, `"rtsp KeyMgmt/udp"`,
//!   `"rtsp KeyMgmt/tcp"`, `"udp/848"`, `"udp/4500 non-ESP"`, `"icmpv6"`,
//!   `"mobility-header"`).
//!
//! `--psk`, `--kek` and `--gcks-key` apply as in the per-protocol subcommands (a MIKEY
//! message `--psk` cannot check is decoded without it, with a warning). What is searched
//! for, and what is not (TCP reassembly, IP fragments), is in [`capture`]. Messages are
//! written as they are decoded, so memory does not grow with the capture.
//!
//! # Exit status
//!
//! 0: decoded, and every requested check passed. 1: malformed input (the byte offset and
//! what was expected go to standard error), a failed check, or an unreadable file.
//! 2: a usage error, or an operation that is not supported (`--psk` on a response
//! message). No input makes it panic.

use std::io::{Read, Write};

pub mod capture;
pub mod cli;
pub mod gdoi;
pub mod input;
pub mod mikey;
pub mod nd;
pub mod value;

use value::{Obj, Value};

/// The usage synopsis (the `Usage:` lines of `keying --help`).
pub const USAGE: &str = include_str!("usage.txt");

/// What `keying --help` prints after the command list: INPUT forms, limits, exit status.
pub const HELP_DETAILS: &str = include_str!("help.txt");

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

/// Writes a decoder's report (`--json` or text) and its diagnostics; returns the exit status.
fn print_report(r: Report, json: bool, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
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

/// Where a decoding subcommand writes, and what it reads INPUT `-` from.
struct Io<'a> {
    stdin: &'a mut dyn Read,
    stdout: &'a mut dyn Write,
    stderr: &'a mut dyn Write,
}

impl Io<'_> {
    /// Reports `e` on standard error; returns its exit status.
    fn fail(&mut self, e: &CliError) -> i32 {
        let _ = writeln!(self.stderr, "keying: {}", e.message);
        e.code
    }

    /// Reads INPUT (`mikey`: the SDP / RTSP forms too), decodes it with `run`, prints.
    fn decode(
        &mut self,
        input: &str,
        json: bool,
        mikey: bool,
        run: impl FnOnce(&[u8]) -> Result<Report, CliError>,
    ) -> i32 {
        match input::read(input, self.stdin, mikey).and_then(|i| run(&i.bytes)) {
            Err(e) => self.fail(&e),
            Ok(r) => print_report(r, json, self.stdout, self.stderr),
        }
    }
}

/// Reports a command-line error as the documented exit status: help and version on
/// standard output (0), every other error on standard error (2).
fn clap_error(e: &clap::Error, io: &mut Io<'_>) -> i32 {
    use clap::error::ErrorKind;
    let text = e.render().to_string();
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = io.stdout.write_all(text.as_bytes());
            EXIT_OK
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = writeln!(io.stderr, "keying: a command or subcommand is missing");
            let _ = io.stderr.write_all(text.as_bytes());
            EXIT_USAGE
        }
        _ => {
            let text = text.strip_prefix("error: ").unwrap_or(&text);
            let _ = write!(io.stderr, "keying: {text}");
            EXIT_USAGE
        }
    }
}

/// `keying mikey psk-init`.
fn psk_init(a: cli::PskInitArgs, io: &mut Io<'_>) -> i32 {
    let (psk, ssrc) = match (a.psk, a.ssrc) {
        (Some(p), Some(s)) => (p.0, s),
        (p, _) => {
            let missing = if p.is_none() { "--psk HEX" } else { "--ssrc N" };
            return io.fail(&CliError::usage(format!(
                "`keying mikey psk-init` needs {missing}"
            )));
        }
    };
    let args = mikey::PskInit {
        psk,
        ssrc,
        roc: a.roc,
        csb_id: a.csb_id,
        time: a.time,
    };
    let msg = match mikey::psk_init(&args) {
        Ok(m) => m,
        Err(e) => return io.fail(&e),
    };
    let line = if a.sdp {
        let mut out = vec![0u8; msg.len() * 2 + 64];
        match mikey_core::sdp::write_sdp_attribute(&msg, &mut out) {
            Ok(n) => String::from_utf8_lossy(out.get(..n).unwrap_or_default()).into_owned(),
            Err(e) => {
                return io.fail(&CliError::io(format!("cannot write the SDP line: {e}")));
            }
        }
    } else {
        value::hex(&msg)
    };
    let _ = writeln!(io.stdout, "{line}");
    EXIT_OK
}

/// `keying gdoi decode`.
fn gdoi_decode(a: cli::GdoiDecode, io: &mut Io<'_>) -> i32 {
    let kek = a.kek.map(|k| k.0);
    if let Some(k) = &kek
        && let Err(e) = gdoi::check_kek(k)
    {
        return io.fail(&e);
    }
    let gcks = match a.gcks_key.as_deref().map(gdoi::GcksKey::load).transpose() {
        Ok(g) => g,
        Err(e) => return io.fail(&e),
    };
    io.decode(&a.input, a.json, false, |b| {
        gdoi::decode_with(b, kek.as_deref(), gcks.as_ref())
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
    use clap::{CommandFactory as _, Parser as _};
    use cli::{Command, GdoiCommand, MikeyCommand, NdCommand};
    let mut io = Io {
        stdin,
        stdout,
        stderr,
    };
    let argv = std::iter::once("keying").chain(args.iter().map(String::as_str));
    let parsed = match cli::Cli::try_parse_from(argv) {
        Ok(c) => c,
        Err(e) => return clap_error(&e, &mut io),
    };
    match parsed.command {
        Command::Mikey(MikeyCommand::Decode(a)) => {
            let psk = a.psk.map(|k| k.0);
            io.decode(&a.input, a.json, true, |b| mikey::decode(b, psk.as_deref()))
        }
        Command::Mikey(MikeyCommand::PskInit(a)) => psk_init(a, &mut io),
        Command::Gdoi(GdoiCommand::Decode(a)) => gdoi_decode(a, &mut io),
        Command::Nd(NdCommand::Decode(a)) => {
            let (src, dst) = (a.src, a.dst);
            io.decode(&a.input, a.json, false, |b| nd::decode(b, src, dst))
        }
        Command::Decode(a) => capture::run(&a, io.stdout, io.stderr),
        Command::Completions { shell } => {
            // Into a buffer first: clap_complete panics on a write error (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cli::Cli::command(), "keying", &mut script);
            match io.stdout.write_all(&script) {
                Ok(()) => EXIT_OK,
                Err(e) => io.fail(&CliError::io(format!("cannot write: {e}"))),
            }
        }
    }
}
