//! MIKEY in SDP and RTSP (RFC 4567): the `a=key-mgmt:mikey <base64>` attribute at session
//! and media level (§3.1) and the RTSP `KeyMgmt:` header (§3.2, §4), parsed and built
//! without allocation.
//!
//! ```text
//! key-mgmt-attribute = "key-mgmt:" prtcl-id SP keymgmt-data       (SDP, RFC 4567 §3.1)
//! KeyMgmt            = "KeyMgmt" ":" key-mgmt-spec 0*("," key-mgmt-spec)   (RTSP, §3.2)
//! key-mgmt-spec      = "prot" "=" KMPID ";" ["uri" "=" DQUOTE URI DQUOTE ";"]
//!                      "data" "=" DQUOTE KMDATA DQUOTE
//! ```
//! A media-level attribute overrides the session-level one for that media (§3.1).
//! Input is accepted with optional white space around `;`, `,` and `=`, with the
//! parameters in any order and with case-insensitive names (ONVIF examples write
//! `prot=mikey;uri="";data="…"`); output follows the grammar exactly.

use core::fmt;

use keying_tlv::WriteError;

use crate::base64::{self, Base64Error};

/// The MIKEY protocol identifier (RFC 4567 §7.1).
pub const MIKEY: &str = "mikey";

/// Errors of the SDP / RTSP helpers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyMgmtError {
    /// The text does not follow the grammar; `offset` is where it stopped.
    Syntax {
        /// Byte offset in the text.
        offset: usize,
    },
    /// The data is not strict base64.
    Base64(Base64Error),
}

impl From<Base64Error> for KeyMgmtError {
    fn from(e: Base64Error) -> Self {
        Self::Base64(e)
    }
}

impl fmt::Display for KeyMgmtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax { offset } => write!(f, "key-mgmt syntax error at byte {offset}"),
            Self::Base64(e) => write!(f, "key-mgmt data: {e}"),
        }
    }
}

impl core::error::Error for KeyMgmtError {}

/// Where an SDP attribute sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Session level (before the first `m=` line).
    Session,
    /// Media level: the n-th `m=` section, counted from 0.
    Media(usize),
}

/// One `a=key-mgmt` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyMgmtAttribute<'a> {
    /// Where it was found.
    pub level: Level,
    /// The protocol identifier (`mikey` for MIKEY).
    pub protocol: &'a str,
    /// The base64 data.
    pub data: &'a str,
}

impl KeyMgmtAttribute<'_> {
    /// Whether the protocol is MIKEY (compared case-insensitively).
    pub fn is_mikey(&self) -> bool {
        self.protocol.eq_ignore_ascii_case(MIKEY)
    }

    /// Decodes the data into `out`; returns the message bytes.
    pub fn decode<'o>(&self, out: &'o mut [u8]) -> Result<&'o [u8], Base64Error> {
        let n = base64::decode(self.data.as_bytes(), out)?;
        Ok(out.get(..n).unwrap_or_default())
    }
}

/// Parses one attribute line, `a=key-mgmt:<prtcl-id> <data>` (the `a=` prefix and a
/// trailing CR are optional). Returns `None` for other attributes.
pub fn parse_sdp_attribute(line: &str) -> Option<Result<(&str, &str), KeyMgmtError>> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let (skip, rest) = match line.strip_prefix("a=") {
        Some(r) => (2, r),
        None => (0, line),
    };
    let rest = rest.strip_prefix("key-mgmt:")?;
    let start = skip + "key-mgmt:".len();
    let Some((protocol, data)) = rest.split_once(' ') else {
        return Some(Err(KeyMgmtError::Syntax {
            offset: start + rest.len(),
        }));
    };
    let data = data.trim_end();
    if protocol.is_empty() || data.is_empty() || data.contains(' ') {
        return Some(Err(KeyMgmtError::Syntax {
            offset: start + protocol.len(),
        }));
    }
    Some(Ok((protocol, data)))
}

/// Every `a=key-mgmt` attribute of an SDP description with its level; malformed
/// attributes are skipped.
pub fn sdp_attributes(sdp: &str) -> impl Iterator<Item = KeyMgmtAttribute<'_>> + '_ {
    let mut level = Level::Session;
    sdp.split('\n').filter_map(move |line| {
        if line.starts_with("m=") {
            level = match level {
                Level::Session => Level::Media(0),
                Level::Media(n) => Level::Media(n + 1),
            };
            return None;
        }
        let (protocol, data) = parse_sdp_attribute(line)?.ok()?;
        Some(KeyMgmtAttribute {
            level,
            protocol,
            data,
        })
    })
}

/// The MIKEY attribute that applies to media section `media` (0-based): its own
/// media-level one, else the session-level one (RFC 4567 §3.1).
pub fn sdp_mikey_for_media(sdp: &str, media: usize) -> Option<KeyMgmtAttribute<'_>> {
    let mut session = None;
    for a in sdp_attributes(sdp).filter(KeyMgmtAttribute::is_mikey) {
        match a.level {
            Level::Media(n) if n == media => return Some(a),
            Level::Session if session.is_none() => session = Some(a),
            _ => {}
        }
    }
    session
}

/// Small bounded text writer over a caller buffer.
struct Text<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl Text<'_> {
    fn str(&mut self, s: &str) {
        let end = self.pos + s.len();
        if let Some(dst) = self.buf.get_mut(self.pos..end) {
            dst.copy_from_slice(s.as_bytes());
        }
        self.pos = end;
    }

    fn base64(&mut self, message: &[u8]) -> Result<(), WriteError> {
        let len = base64::encoded_len(message.len()).ok_or(WriteError::TooLong {
            field: "base64",
            value: message.len(),
        })?;
        if let Some(dst) = self.buf.get_mut(self.pos..) {
            // Too small is reported by `finish` with the total need.
            let _ = base64::encode(message, dst);
        }
        self.pos += len;
        Ok(())
    }

    fn finish(self) -> Result<usize, WriteError> {
        if self.pos > self.buf.len() {
            Err(WriteError::BufferTooSmall { needed: self.pos })
        } else {
            Ok(self.pos)
        }
    }
}

/// Writes `a=key-mgmt:mikey <base64 of message>` (no line ending) into `out`.
pub fn write_sdp_attribute(message: &[u8], out: &mut [u8]) -> Result<usize, WriteError> {
    let mut t = Text { buf: out, pos: 0 };
    t.str("a=key-mgmt:mikey ");
    t.base64(message)?;
    t.finish()
}

/// One key-mgmt-spec of an RTSP `KeyMgmt` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtspKeyMgmt<'a> {
    /// `prot`, the protocol identifier.
    pub prot: &'a str,
    /// `uri`, the RTSP URL the keys apply to (may be empty), if present.
    pub uri: Option<&'a str>,
    /// `data`, the base64 message.
    pub data: &'a str,
}

impl RtspKeyMgmt<'_> {
    /// Whether the protocol is MIKEY.
    pub fn is_mikey(&self) -> bool {
        self.prot.eq_ignore_ascii_case(MIKEY)
    }

    /// Decodes the data into `out`.
    pub fn decode<'o>(&self, out: &'o mut [u8]) -> Result<&'o [u8], Base64Error> {
        let n = base64::decode(self.data.as_bytes(), out)?;
        Ok(out.get(..n).unwrap_or_default())
    }
}

/// Splits `s` at `sep` outside double quotes; yields (offset, piece).
fn split_unquoted(s: &str, sep: u8) -> impl Iterator<Item = (usize, &str)> + '_ {
    let mut start = 0;
    let mut done = false;
    let mut quoted = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    core::iter::from_fn(move || {
        if done {
            return None;
        }
        while let Some(&b) = bytes.get(i) {
            i += 1;
            if b == b'"' {
                quoted = !quoted;
            } else if b == sep && !quoted {
                let piece = s.get(start..i - 1).unwrap_or_default();
                let at = start;
                start = i;
                return Some((at, piece));
            }
        }
        done = true;
        Some((start, s.get(start..).unwrap_or_default()))
    })
}

/// Parses the value of an RTSP `KeyMgmt` header (with or without the `KeyMgmt:` name):
/// one item per key-mgmt-spec.
pub fn parse_rtsp_header(
    value: &str,
) -> impl Iterator<Item = Result<RtspKeyMgmt<'_>, KeyMgmtError>> + '_ {
    let (skip, value) = match value.split_once(':') {
        Some((name, rest)) if name.trim().eq_ignore_ascii_case("KeyMgmt") => (name.len() + 1, rest),
        _ => (0, value),
    };
    split_unquoted(value, b',').map(move |(at, spec)| parse_spec(spec, skip + at))
}

fn parse_spec(spec: &str, base: usize) -> Result<RtspKeyMgmt<'_>, KeyMgmtError> {
    let mut prot = None;
    let mut uri = None;
    let mut data = None;
    for (at, param) in split_unquoted(spec, b';') {
        let at = base + at;
        let param = param.trim();
        if param.is_empty() {
            continue;
        }
        let (name, val) = param
            .split_once('=')
            .ok_or(KeyMgmtError::Syntax { offset: at })?;
        let (name, val) = (name.trim(), val.trim());
        let unquoted = val.strip_prefix('"').and_then(|v| v.strip_suffix('"'));
        if name.eq_ignore_ascii_case("prot") {
            if val.is_empty() || val.contains('"') {
                return Err(KeyMgmtError::Syntax { offset: at });
            }
            prot = Some(val);
        } else if name.eq_ignore_ascii_case("uri") {
            uri = Some(unquoted.ok_or(KeyMgmtError::Syntax { offset: at })?);
        } else if name.eq_ignore_ascii_case("data") {
            data = Some(unquoted.ok_or(KeyMgmtError::Syntax { offset: at })?);
        } else {
            return Err(KeyMgmtError::Syntax { offset: at });
        }
    }
    match (prot, data) {
        (Some(prot), Some(data)) => Ok(RtspKeyMgmt { prot, uri, data }),
        _ => Err(KeyMgmtError::Syntax {
            offset: base + spec.len(),
        }),
    }
}

/// Writes `KeyMgmt: prot=mikey; uri="<uri>"; data="<base64>"` (no line ending) into
/// `out`; `uri` is omitted when `None`.
pub fn write_rtsp_header(
    uri: Option<&str>,
    message: &[u8],
    out: &mut [u8],
) -> Result<usize, WriteError> {
    let mut t = Text { buf: out, pos: 0 };
    t.str("KeyMgmt: prot=mikey; ");
    if let Some(uri) = uri {
        if uri.contains('"') {
            return Err(WriteError::TooLong {
                field: "KeyMgmt uri (contains a double quote)",
                value: uri.len(),
            });
        }
        t.str("uri=\"");
        t.str(uri);
        t.str("\"; ");
    }
    t.str("data=\"");
    t.base64(message)?;
    t.str("\"");
    t.finish()
}
