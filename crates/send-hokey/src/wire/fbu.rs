//! Mobility Header Fast Binding Update (MH type 8) and Fast Binding Acknowledgment (MH type
//! 9) ([RFC 5568 §6.2.2, §6.2.3](https://www.rfc-editor.org/rfc/rfc5568#section-6.2.2)) with
//! their mobility options ([RFC 3775 §6.2](https://www.rfc-editor.org/rfc/rfc3775#section-6.2)).
//!
//! ```text
//! | Payload Proto | Header Len | MH Type | Reserved | Checksum (16) |
//! FBU:   | Sequence # (16) | A|H|L|K| Reserved (12) | Lifetime (16) | options
//! FBack: | Status | K | Reserved (7) | Sequence # (16) | Lifetime (16) | options
//! option: | Type | Length (octets after Length) | data |   Pad1 = a single 0 octet
//! ```
//!
//! Mobility options are not an ND framing (Pad1 is one octet, the length counts octets after
//! the Length field): [`MhOptionIter`] decodes them on the TLV engine's
//! [`keying_tlv::MobilityOptions`] framing.
//!
//! **Lifetime units.** RFC 5568 §6.2.2 says the FBU Lifetime is in seconds; RFC 3775's Binding
//! Update uses 4-second units and Wireshark 4.0 decodes FBUs that way (a Lifetime of 60
//! shows as 240 s). This crate
//! follows RFC 5568: the field is a number of seconds.

use core::net::Ipv6Addr;

use keying_tlv::{
    Chain, Element, Error as DecodeError, ErrorKind, MobilityOptions, Reader, Writer,
};

use crate::{
    Error,
    wire::Badf,
    wire::checksum::{NEXT_HEADER_MOBILITY, checksum_with_hole},
};

/// MH Type of the FBU.
pub const MH_TYPE_FBU: u8 = 8;
/// MH Type of the FBack.
pub const MH_TYPE_FBACK: u8 = 9;
/// Payload Proto value IPPROTO_NONE (RFC 3775 §6.1.1 SHOULD).
pub const IPPROTO_NONE: u8 = 59;
/// Mobility option Pad1.
pub const MH_OPT_PAD1: u8 = 0;
/// Mobility option PadN.
pub const MH_OPT_PADN: u8 = 1;
/// Mobility option Alternate Care-of Address (RFC 3775 §6.2.5).
pub const MH_OPT_ALTERNATE_COA: u8 = 3;
/// Mobility option Binding Authorization Data for FMIPv6 (RFC 5568 §6.4.5).
pub const MH_OPT_BADF: u8 = 21;
/// Offset of the MH Checksum field.
pub const MH_CHECKSUM_OFFSET: usize = 4;
/// Length of the MH header plus the FBU / FBack fixed fields.
pub const MH_FIXED_LEN: usize = 12;

/// One mobility option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MhOption<'a> {
    /// Pad1.
    Pad1,
    /// PadN with its data (normally zeros).
    PadN(&'a [u8]),
    /// Alternate Care-of Address.
    AlternateCoa(Ipv6Addr),
    /// Binding Authorization Data for FMIPv6.
    Badf(Badf<'a>),
    /// Another option, kept as is.
    Unknown {
        /// Option type.
        type_: u8,
        /// Option data (after the Length octet).
        data: &'a [u8],
    },
}

impl MhOption<'_> {
    /// Writes the option.
    pub fn emit(&self, w: &mut Writer<'_>) {
        match self {
            Self::Pad1 => w.u8(MH_OPT_PAD1),
            Self::PadN(d) => tlv(w, MH_OPT_PADN, d),
            Self::AlternateCoa(a) => tlv(w, MH_OPT_ALTERNATE_COA, &a.octets()),
            Self::Badf(b) => b.emit(w),
            Self::Unknown { type_, data } => tlv(w, *type_, data),
        }
    }
}

fn tlv(w: &mut Writer<'_>, t: u8, data: &[u8]) {
    w.u8(t);
    let l = w.open_len_after(1, "mobility option length");
    w.bytes(data);
    w.close_len(l);
}

/// Iterator over mobility options, with absolute offsets. Yields one error and stops on
/// malformed input.
#[derive(Debug, Clone)]
pub struct MhOptionIter<'a> {
    chain: Chain<'a, MobilityOptions>,
    failed: bool,
}

impl<'a> MhOptionIter<'a> {
    /// Options in `bytes`, whose first octet is at absolute offset `base`.
    #[must_use]
    pub fn new(bytes: &'a [u8], base: usize) -> Self {
        Self {
            chain: Chain::new(MobilityOptions, MH_OPT_PAD1, Reader::at(bytes, base)),
            failed: false,
        }
    }

    fn decode(e: Element<'a>) -> Result<(usize, MhOption<'a>), DecodeError> {
        let data = e.body;
        let opt = match e.kind {
            MH_OPT_PAD1 => MhOption::Pad1,
            MH_OPT_PADN => MhOption::PadN(data),
            MH_OPT_ALTERNATE_COA => {
                let a: [u8; 16] = data.try_into().map_err(|_| {
                    DecodeError::new(
                        e.offset + 1,
                        "Alternate CoA option length",
                        ErrorKind::BadLength { value: data.len() },
                    )
                })?;
                MhOption::AlternateCoa(Ipv6Addr::from(a))
            }
            MH_OPT_BADF => MhOption::Badf(Badf::parse(data, e.offset)?),
            type_ => MhOption::Unknown { type_, data },
        };
        Ok((e.offset, opt))
    }
}

impl<'a> Iterator for MhOptionIter<'a> {
    type Item = Result<(usize, MhOption<'a>), DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let res = self.chain.next()?.and_then(Self::decode);
        self.failed = res.is_err();
        Some(res)
    }
}

/// FBU fixed fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fbu {
    /// Sequence number.
    pub sequence: u16,
    /// A: acknowledgment requested (MUST be 1).
    pub ack: bool,
    /// H: home registration (MUST be 1).
    pub home: bool,
    /// L: link-local address compatibility.
    pub link_local: bool,
    /// K: key management mobility capability.
    pub key_mgmt: bool,
    /// Lifetime in seconds (RFC 5568 §6.2.2; see the module docs).
    pub lifetime: u16,
}

/// FBack fixed fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FBack {
    /// Status (< 128 accepted).
    pub status: u8,
    /// K flag.
    pub key_mgmt: bool,
    /// Sequence number copied from the FBU.
    pub sequence: u16,
    /// Granted lifetime in seconds.
    pub lifetime: u16,
}

/// FBack Status: accepted.
pub const FBACK_ACCEPTED: u8 = 0;
/// FBack Status: accepted, but the NCoA is invalid; use the Alternate CoA.
pub const FBACK_ACCEPTED_USE_ALT_COA: u8 = 1;
/// FBack Status: reason unspecified (used by this crate for authorisation failures).
pub const FBACK_REJECTED_UNSPECIFIED: u8 = 128;

/// The message carried by a fast-binding Mobility Header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FastBinding {
    /// MH type 8.
    Fbu(Fbu),
    /// MH type 9.
    FBack(FBack),
}

/// A validated FBU or FBack Mobility Header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MobilityMessage<'a> {
    /// Payload Proto.
    pub payload_proto: u8,
    /// The fixed fields.
    pub message: FastBinding,
    /// Checksum as received.
    pub checksum: u16,
    bytes: &'a [u8],
}

impl<'a> MobilityMessage<'a> {
    /// Decodes `bytes` (the Mobility Header from Payload Proto, exactly `8·(Header Len + 1)`
    /// octets), checking the checksum with the pseudo-header `src` / `dst` (for a message
    /// with a Home Address option, `src` is the home address, RFC 3775 §6.1.1).
    ///
    /// # Errors
    /// [`Error::Decode`], [`Error::UnexpectedMessage`] for an MH type other than 8 or 9,
    /// [`Error::Checksum`].
    pub fn parse(bytes: &'a [u8], src: &Ipv6Addr, dst: &Ipv6Addr) -> Result<Self, Error> {
        let m = Self::parse_unchecked(bytes)?;
        let computed =
            checksum_with_hole(src, dst, NEXT_HEADER_MOBILITY, bytes, MH_CHECKSUM_OFFSET);
        if computed != m.checksum {
            return Err(Error::Checksum {
                found: m.checksum,
                computed,
            });
        }
        Ok(m)
    }

    /// As [`MobilityMessage::parse`] without the checksum check.
    ///
    /// # Errors
    /// As [`MobilityMessage::parse`], minus [`Error::Checksum`].
    pub fn parse_unchecked(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes);
        let payload_proto = r.u8("MH payload proto")?;
        let len_at = r.offset();
        let hdr_len = r.u8("MH header len")?;
        let total = (usize::from(hdr_len) + 1) * 8;
        if total != bytes.len() {
            return Err(if total > bytes.len() {
                DecodeError::new(
                    bytes.len(),
                    "Mobility Header",
                    ErrorKind::Truncated {
                        needed: total - bytes.len(),
                    },
                )
            } else {
                DecodeError::new(
                    len_at,
                    "MH header len",
                    ErrorKind::TrailingBytes {
                        len: bytes.len() - total,
                    },
                )
            }
            .into());
        }
        let mh_type = r.u8("MH type")?;
        r.u8("MH reserved")?;
        let checksum = r.u16("MH checksum")?;
        let message = match mh_type {
            MH_TYPE_FBU => {
                let sequence = r.u16("FBU sequence")?;
                let flags = r.u16("FBU flags")?;
                let lifetime = r.u16("FBU lifetime")?;
                FastBinding::Fbu(Fbu {
                    sequence,
                    ack: flags & 0x8000 != 0,
                    home: flags & 0x4000 != 0,
                    link_local: flags & 0x2000 != 0,
                    key_mgmt: flags & 0x1000 != 0,
                    lifetime,
                })
            }
            MH_TYPE_FBACK => {
                let status = r.u8("FBack status")?;
                let k = r.u8("FBack flags")?;
                let sequence = r.u16("FBack sequence")?;
                let lifetime = r.u16("FBack lifetime")?;
                FastBinding::FBack(FBack {
                    status,
                    key_mgmt: k & 0x80 != 0,
                    sequence,
                    lifetime,
                })
            }
            found => return Err(Error::UnexpectedMessage { found }),
        };
        for o in MhOptionIter::new(r.rest(), MH_FIXED_LEN) {
            o?;
        }
        Ok(Self {
            payload_proto,
            message,
            checksum,
            bytes,
        })
    }

    /// The whole Mobility Header.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The mobility options with their absolute offsets.
    pub fn options(&self) -> impl Iterator<Item = (usize, MhOption<'a>)> + 'a {
        MhOptionIter::new(
            self.bytes.get(MH_FIXED_LEN..).unwrap_or_default(),
            MH_FIXED_LEN,
        )
        .map_while(Result::ok)
    }

    /// The Alternate CoA option's address, if present (the first one).
    #[must_use]
    pub fn alternate_coa(&self) -> Option<Ipv6Addr> {
        self.options().find_map(|(_, o)| match o {
            MhOption::AlternateCoa(a) => Some(a),
            _ => None,
        })
    }

    /// The BADF option and its offset, if it is the last option and ends the header (RFC
    /// 5568 §6.4.5, RFC 3775 §6.2: last, no trailing padding).
    #[must_use]
    pub fn last_badf(&self) -> Option<(usize, Badf<'a>)> {
        let (off, last) = self.options().last()?;
        match last {
            MhOption::Badf(b) => Some((off, b)),
            _ => None,
        }
    }
}

/// Writes padding so that the next option starts at `8n + want` (relative to `start`).
pub(crate) fn align(w: &mut Writer<'_>, start: usize, want: usize) {
    let at = w.position().saturating_sub(start) % 8;
    let n = (want % 8 + 8 - at) % 8;
    match n {
        0 => {}
        1 => w.u8(MH_OPT_PAD1),
        _ => {
            w.u8(MH_OPT_PADN);
            // n is at most 7.
            w.u8(u8::try_from(n - 2).unwrap_or(0));
            w.zeros(n - 2);
        }
    }
}

/// Emits the Mobility Header of an FBU or FBack: the header, the fixed fields, an Alternate
/// CoA option (at 8n+6, RFC 3775 §6.2.5) if given, and a BADF option with SPI `spi` and a
/// zero authenticator of `auth_len` octets, placed last so that it ends the header on an
/// 8-octet boundary (at 8n+6 for HMAC-SHA1-96). The checksum is left zero.
///
/// Returns the offset of the authenticator (fill it with
/// [`crate::badf::authenticate_in_place`]).
pub fn emit_fast_binding(
    w: &mut Writer<'_>,
    message: &FastBinding,
    alternate_coa: Option<&Ipv6Addr>,
    spi: u32,
    auth_len: usize,
) -> usize {
    let start = w.position();
    w.u8(IPPROTO_NONE);
    let hdr_len = w.position();
    w.u8(0);
    match message {
        FastBinding::Fbu(f) => {
            w.u8(MH_TYPE_FBU);
            w.u8(0);
            w.u16(0);
            w.u16(f.sequence);
            let flags = (u16::from(f.ack) << 15)
                | (u16::from(f.home) << 14)
                | (u16::from(f.link_local) << 13)
                | (u16::from(f.key_mgmt) << 12);
            w.u16(flags);
            w.u16(f.lifetime);
        }
        FastBinding::FBack(b) => {
            w.u8(MH_TYPE_FBACK);
            w.u8(0);
            w.u16(0);
            w.u8(b.status);
            w.u8(u8::from(b.key_mgmt) << 7);
            w.u16(b.sequence);
            w.u16(b.lifetime);
        }
    }
    if let Some(a) = alternate_coa {
        align(w, start, 6);
        MhOption::AlternateCoa(*a).emit(w);
    }
    let badf_len = 2 + 4 + auth_len;
    align(w, start, 8 - badf_len % 8);
    w.u8(MH_OPT_BADF);
    let l = w.open_len_after(1, "BADF option length");
    w.u32(spi);
    let auth_at = w.position().saturating_sub(start);
    w.zeros(auth_len);
    w.close_len(l);
    align(w, start, 0);
    let total = w.position().saturating_sub(start);
    let units = (total / 8).saturating_sub(1);
    match u8::try_from(units) {
        Ok(u) => w.patch(hdr_len, &[u]),
        Err(_) => w.fail(keying_tlv::WriteError::TooLong {
            field: "MH header len",
            value: units,
        }),
    }
    auth_at
}
