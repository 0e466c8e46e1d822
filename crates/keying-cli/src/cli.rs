//! The command line, declared with `clap`'s derive API: one struct per subcommand, each with
//! its own `--help`.

use std::net::Ipv6Addr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::input;

/// The INPUT forms, shown under each decoding subcommand's `--help`.
const INPUT_HELP: &str = "INPUT: hex, base64 (hex:... / base64:... force one), @PATH (a file: \
                          text or raw binary), - (standard input); for mikey also an SDP \
                          a=key-mgmt:mikey line or an RTSP KeyMgmt header.";

/// `keying`: decode MIKEY, GDOI (ISAKMP) and ND / SEND / FMIPv6 messages.
#[derive(Debug, Parser)]
#[command(
    name = "keying",
    version,
    about = "keying: decode MIKEY, GDOI (ISAKMP) and ND / SEND / FMIPv6 messages",
    override_usage = include_str!("usage.txt"),
    after_help = include_str!("help.txt"),
    arg_required_else_help = true,
    max_term_width = 100
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// MIKEY (RFC 3830 and its extensions): decode a message, build a PSK I_MESSAGE.
    #[command(subcommand, arg_required_else_help = true)]
    Mikey(MikeyCommand),
    /// GDOI / ISAKMP (RFC 6407, RFC 8263): decode a GROUPKEY-PUSH or GROUPKEY-PUSH-ACK.
    #[command(subcommand, arg_required_else_help = true)]
    Gdoi(GdoiCommand),
    /// ND / SEND / FMIPv6 (RFC 4861, RFC 3971, RFC 5568, RFC 5269): decode an ICMPv6 message,
    /// a Mobility Header or an ND option list.
    #[command(subcommand, arg_required_else_help = true)]
    Nd(NdCommand),
    /// Decode every MIKEY, GDOI / ISAKMP, ND / FMIPv6 and Mobility Header message of a
    /// pcap or pcapng capture.
    Decode(CaptureArgs),
    /// Print a shell completion script for `keying` to standard output.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `keying mikey ...`.
#[derive(Debug, Subcommand)]
pub enum MikeyCommand {
    /// Every payload and field of a MIKEY message (RFC 3830, 4650, 4738, 6043, 6509).
    ///
    /// --psk verifies the KEMAC MAC of a PSK I_MESSAGE (or a DHHMAC I_MESSAGE), decrypts the
    /// KEMAC and prints the SRTP master key and salt per crypto session (freshness and
    /// replay are not judged).
    #[command(after_help = INPUT_HELP)]
    Decode(MikeyDecode),
    /// Build a PSK-mode I_MESSAGE (one SRTP stream, AES-CM-128 KEMAC with HMAC-SHA-1-160,
    /// random TGK / RAND), as hex or (--sdp) an SDP line.
    PskInit(PskInitArgs),
}

/// `keying gdoi ...`.
#[derive(Debug, Subcommand)]
pub enum GdoiCommand {
    /// An ISAKMP / GDOI message (GROUPKEY-PUSH, GROUPKEY-PUSH-ACK, ...).
    ///
    /// --kek IV||KEY (KEK_ALGORITHM_KEY) decrypts a PUSH and checks an ACK's HASH;
    /// --gcks-key verifies a decrypted PUSH's SIG payload with the key server's public key.
    #[command(after_help = INPUT_HELP)]
    Decode(GdoiDecode),
}

/// `keying nd ...`.
#[derive(Debug, Subcommand)]
pub enum NdCommand {
    /// An ICMPv6 message (FMIPv6 RtSolPr / PrRtAdv, RS, RA, NS, NA, Redirect), an FBU /
    /// FBack Mobility Header, or a bare ND option list.
    ///
    /// --src checks CGA options against the source address; --src and --dst also check the
    /// checksum and (FMIPv6) the SEND signature.
    #[command(after_help = INPUT_HELP)]
    Decode(NdDecode),
}

/// `keying mikey decode`.
#[derive(Debug, Args)]
pub struct MikeyDecode {
    /// The pre-shared key, in hex.
    #[arg(long, value_name = "HEX", value_parser = hex_key)]
    pub psk: Option<HexKey>,
    /// One JSON object with stable field names.
    #[arg(long)]
    pub json: bool,
    /// The message (see INPUT below).
    #[arg(value_name = "INPUT")]
    pub input: String,
}

/// `keying mikey psk-init`.
#[derive(Debug, Args)]
pub struct PskInitArgs {
    /// The pre-shared key, in hex (required).
    #[arg(long, value_name = "HEX", value_parser = hex_key)]
    pub psk: Option<HexKey>,
    /// The crypto session's SSRC (decimal or 0x hex; required).
    #[arg(long, value_name = "N", value_parser = number_u32)]
    pub ssrc: Option<u32>,
    /// Its rollover counter.
    #[arg(long, value_name = "N", value_parser = number_u32, default_value = "0")]
    pub roc: u32,
    /// The CSB ID (random when absent).
    #[arg(long = "csb-id", value_name = "N", value_parser = number_u32)]
    pub csb_id: Option<u32>,
    /// The 64-bit NTP-UTC timestamp (the current time when absent).
    #[arg(long, value_name = "NTP", value_parser = number_u64)]
    pub time: Option<u64>,
    /// Print an SDP a=key-mgmt:mikey line instead of hex.
    #[arg(long)]
    pub sdp: bool,
}

/// `keying gdoi decode`.
#[derive(Debug, Args)]
pub struct GdoiDecode {
    /// KEK_ALGORITHM_KEY in hex: the 16-octet IV then the AES key (32, 40 or 48 octets).
    #[arg(long, value_name = "HEX", value_parser = hex_key)]
    pub kek: Option<HexKey>,
    /// The GCKS public key (PEM or DER SubjectPublicKeyInfo; RSA or ECDSA P-256): verify a
    /// decrypted PUSH's SIG payload.
    #[arg(long = "gcks-key", value_name = "FILE")]
    pub gcks_key: Option<PathBuf>,
    /// One JSON object with stable field names.
    #[arg(long)]
    pub json: bool,
    /// The message (see INPUT below).
    #[arg(value_name = "INPUT")]
    pub input: String,
}

/// `keying nd decode`.
#[derive(Debug, Args)]
pub struct NdDecode {
    /// The IPv6 source address (CGA check).
    #[arg(long, value_name = "ADDR")]
    pub src: Option<Ipv6Addr>,
    /// The IPv6 destination address (with --src: checksum and SEND checks).
    #[arg(long, value_name = "ADDR", requires = "src")]
    pub dst: Option<Ipv6Addr>,
    /// One JSON object with stable field names.
    #[arg(long)]
    pub json: bool,
    /// The message (see INPUT below).
    #[arg(value_name = "INPUT")]
    pub input: String,
}

/// `keying decode`.
#[derive(Debug, Args)]
pub struct CaptureArgs {
    /// The pre-shared key for MIKEY messages, in hex.
    #[arg(long, value_name = "HEX", value_parser = hex_key)]
    pub psk: Option<HexKey>,
    /// KEK_ALGORITHM_KEY for GDOI messages, in hex (as for `keying gdoi decode`).
    #[arg(long, value_name = "HEX", value_parser = hex_key)]
    pub kek: Option<HexKey>,
    /// The GCKS public key for GDOI PUSH signatures (as for `keying gdoi decode`).
    #[arg(long = "gcks-key", value_name = "FILE")]
    pub gcks_key: Option<PathBuf>,
    /// One JSON array: {frame, time, protocol, decode} per message.
    #[arg(long)]
    pub json: bool,
    /// A pcap or pcapng file.
    #[arg(value_name = "CAPTURE")]
    pub capture: PathBuf,
}

/// A key given in hex on the command line (non-empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexKey(pub Vec<u8>);

impl HexKey {
    /// The key bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// A non-empty hex key.
fn hex_key(v: &str) -> Result<HexKey, String> {
    let k = input::hex(v).map_err(|e| e.message)?;
    if k.is_empty() {
        return Err("empty".to_owned());
    }
    Ok(HexKey(k))
}

/// A number, decimal or `0x` hex.
fn number_u64(v: &str) -> Result<u64, String> {
    let r = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => v.parse(),
    };
    r.map_err(|_| format!("needs a number, got {v:?}"))
}

/// A number that fits 32 bits.
fn number_u32(v: &str) -> Result<u32, String> {
    number_u64(v).and_then(|n| u32::try_from(n).map_err(|_| format!("{v} does not fit 32 bits")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
