//! INPUT: hex, base64, a file (`@path`), standard input (`-`), and for MIKEY an SDP
//! `a=key-mgmt:mikey` line (or a whole SDP description) or an RTSP `KeyMgmt` header.

use std::io::Read;

use mikey_core::sdp::{parse_rtsp_header, parse_sdp_attribute};

use crate::CliError;

/// Largest input read from a file or standard input.
pub const MAX_INPUT: usize = 16 << 20;

/// How the message bytes were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Hex digits.
    Hex,
    /// Base64.
    Base64,
    /// An SDP `a=key-mgmt:mikey` attribute.
    Sdp,
    /// An RTSP `KeyMgmt` header.
    Rtsp,
    /// Raw bytes from a file or standard input.
    Binary,
}

/// What the input held.
#[derive(Debug, Clone)]
pub struct Input {
    /// The message bytes.
    pub bytes: Vec<u8>,
    /// How they were written.
    pub format: Format,
}

fn read_limited(r: &mut dyn Read, what: &str) -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    let limit = u64::try_from(MAX_INPUT + 1).unwrap_or(u64::MAX);
    r.take(limit)
        .read_to_end(&mut buf)
        .map_err(|e| CliError::io(format!("cannot read {what}: {e}")))?;
    if buf.len() > MAX_INPUT {
        return Err(CliError::io(format!(
            "{what} is larger than {MAX_INPUT} bytes"
        )));
    }
    Ok(buf)
}

/// Reads INPUT (`arg`); `mikey` enables the SDP / RTSP forms.
///
/// # Errors
/// Unreadable files (exit 1), text that is none of the accepted forms (exit 1).
pub fn read(arg: &str, stdin: &mut dyn Read, mikey: bool) -> Result<Input, CliError> {
    let (raw, from_stream) = if arg == "-" {
        (read_limited(stdin, "standard input")?, true)
    } else if let Some(path) = arg.strip_prefix('@') {
        let mut f = std::fs::File::open(path)
            .map_err(|e| CliError::io(format!("cannot open {path}: {e}")))?;
        (read_limited(&mut f, path)?, true)
    } else {
        (arg.as_bytes().to_vec(), false)
    };
    match std::str::from_utf8(&raw) {
        Ok(text) => match interpret(text.trim(), mikey) {
            Ok(i) => Ok(i),
            // Not text after all: raw bytes from a file or standard input.
            Err(_) if from_stream && !looks_textual(text) => Ok(Input {
                bytes: raw,
                format: Format::Binary,
            }),
            Err(e) => Err(e),
        },
        Err(_) if from_stream => Ok(Input {
            bytes: raw,
            format: Format::Binary,
        }),
        Err(_) => Err(CliError::input("INPUT is not valid UTF-8 text")),
    }
}

/// Whether the text is mostly printable (so a failed text interpretation is an error, not
/// binary data).
fn looks_textual(t: &str) -> bool {
    !t.is_empty()
        && t.chars()
            .all(|c| !c.is_control() || c == '\n' || c == '\r' || c == '\t')
}

fn interpret(t: &str, mikey: bool) -> Result<Input, CliError> {
    if let Some(h) = t.strip_prefix("hex:") {
        return hex(h).map(|bytes| Input {
            bytes,
            format: Format::Hex,
        });
    }
    if let Some(b) = t.strip_prefix("base64:").or_else(|| t.strip_prefix("b64:")) {
        return base64(b).map(|bytes| Input {
            bytes,
            format: Format::Base64,
        });
    }
    if mikey {
        if t.contains("key-mgmt:") {
            return sdp(t).map(|bytes| Input {
                bytes,
                format: Format::Sdp,
            });
        }
        if t.get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("KeyMgmt:"))
            || t.starts_with("prot=")
        {
            return rtsp(t).map(|bytes| Input {
                bytes,
                format: Format::Rtsp,
            });
        }
    }
    let compact = strip_hex_separators(t);
    if compact.bytes().all(|b| b.is_ascii_hexdigit()) {
        return hex(t).map(|bytes| Input {
            bytes,
            format: Format::Hex,
        });
    }
    let b64: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if !b64.is_empty()
        && b64
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
    {
        return base64(&b64).map(|bytes| Input {
            bytes,
            format: Format::Base64,
        });
    }
    Err(CliError::input(if mikey {
        "INPUT is neither hex, base64, an SDP a=key-mgmt:mikey line nor an RTSP KeyMgmt header"
    } else {
        "INPUT is neither hex nor base64"
    }))
}

fn strip_hex_separators(t: &str) -> String {
    let t = t.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    t.chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect()
}

/// Decodes hex digits; whitespace and `:` are ignored, a leading `0x` is allowed.
///
/// # Errors
/// A non-hex character or an odd number of digits.
pub fn hex(t: &str) -> Result<Vec<u8>, CliError> {
    let s = strip_hex_separators(t);
    if let Some((i, c)) = s.char_indices().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(CliError::input(format!(
            "invalid hex digit {c:?} at digit {i}"
        )));
    }
    if !s.len().is_multiple_of(2) {
        return Err(CliError::input(format!(
            "odd number of hex digits ({})",
            s.len()
        )));
    }
    let digits = s.as_bytes();
    let mut out = Vec::with_capacity(digits.len() / 2);
    for pair in digits.chunks_exact(2) {
        let txt = std::str::from_utf8(pair).unwrap_or("00");
        out.push(u8::from_str_radix(txt, 16).unwrap_or(0));
    }
    Ok(out)
}

/// Decodes strict padded base64 (RFC 4648 §4); whitespace is ignored.
///
/// # Errors
/// Whatever makes it invalid, with the offset.
pub fn base64(t: &str) -> Result<Vec<u8>, CliError> {
    let s: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = vec![0u8; mikey_core::base64::decoded_len_max(s.len())];
    let n = mikey_core::base64::decode(s.as_bytes(), &mut out)
        .map_err(|e| CliError::input(format!("invalid base64: {e}")))?;
    out.truncate(n);
    Ok(out)
}

pub(crate) fn sdp(t: &str) -> Result<Vec<u8>, CliError> {
    let mut line_at = 0;
    for line in t.split('\n') {
        let at = line_at;
        line_at += line.len() + 1;
        let trimmed = line.trim();
        let lead = line.len() - line.trim_start().len();
        match parse_sdp_attribute(trimmed) {
            None => {}
            Some(Err(e)) => {
                let offset = match e {
                    mikey_core::sdp::KeyMgmtError::Syntax { offset } => at + lead + offset,
                    _ => at,
                };
                return Err(CliError::input(format!(
                    "SDP key-mgmt attribute at character {offset}: {e}"
                )));
            }
            Some(Ok((protocol, data))) => {
                if !protocol.eq_ignore_ascii_case(mikey_core::sdp::MIKEY) {
                    continue;
                }
                return base64(data);
            }
        }
    }
    Err(CliError::input(
        "no a=key-mgmt:mikey attribute in the SDP text",
    ))
}

pub(crate) fn rtsp(t: &str) -> Result<Vec<u8>, CliError> {
    for spec in parse_rtsp_header(t) {
        let spec = spec.map_err(|e| CliError::input(format!("RTSP KeyMgmt header: {e}")))?;
        if spec.is_mikey() {
            return base64(spec.data);
        }
    }
    Err(CliError::input(
        "no prot=mikey key-mgmt-spec in the RTSP KeyMgmt header",
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn lit(s: &str, mikey: bool) -> Result<Input, CliError> {
        read(s, &mut std::io::empty(), mikey)
    }

    #[test]
    fn forms() {
        assert_eq!(lit("0x01:02 03", false).unwrap().bytes, [1, 2, 3]);
        assert_eq!(lit("AQID", false).unwrap().bytes, [1, 2, 3]);
        assert_eq!(lit("base64:abcd", false).unwrap().bytes, [0x69, 0xb7, 0x1d]);
        assert_eq!(lit("abcd", false).unwrap().bytes, [0xab, 0xcd]);
        let i = lit("a=key-mgmt:mikey AQID\r", true).unwrap();
        assert_eq!((i.bytes, i.format), (vec![1, 2, 3], Format::Sdp));
        let i = lit("v=0\no=- 0 0 IN IP4 0.0.0.0\na=key-mgmt:mikey AQID\n", true).unwrap();
        assert_eq!(i.bytes, [1, 2, 3]);
        let i = lit(r#"KeyMgmt: prot=mikey; uri=""; data="AQID""#, true).unwrap();
        assert_eq!((i.bytes, i.format), (vec![1, 2, 3], Format::Rtsp));
        assert!(lit("abc", false).is_err());
        assert!(lit("not input!", false).is_err());
        assert!(lit("", false).unwrap().bytes.is_empty());
        let mut stdin: &[u8] = &[0xff, 0, 1];
        let i = read("-", &mut stdin, false).unwrap();
        assert_eq!((i.bytes, i.format), (vec![0xff, 0, 1], Format::Binary));
        let mut stdin: &[u8] = b"0102\n";
        assert_eq!(read("-", &mut stdin, false).unwrap().bytes, [1, 2]);
    }
}
