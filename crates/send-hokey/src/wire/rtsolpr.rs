//! FMIPv6 ICMPv6 messages, type 154
//! ([RFC 5568 §6.1](https://www.rfc-editor.org/rfc/rfc5568#section-6.1)): Router Solicitation
//! for Proxy Advertisement (RtSolPr, subtype 2) and Proxy Router Advertisement (PrRtAdv,
//! subtype 3).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Type = 154   |     Code      |           Checksum            |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |    Subtype    |   Reserved    |          Identifier           |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Options ...
//! ```
//! The checksum covers the IPv6 pseudo-header: the caller passes the source and destination
//! addresses. The Hop Limit (must be 255) is in the IPv6 header, which the caller owns: the
//! roles take it as an argument.

use core::net::Ipv6Addr;

use keying_tlv::{Reader, Writer};

use crate::{
    Error,
    wire::checksum::{NEXT_HEADER_ICMPV6, checksum_with_hole},
    wire::{NdOption, NdOptionIter},
};

/// ICMPv6 type "FMIPv6 Messages" (RFC 5568 §6).
pub const ICMPV6_TYPE_FMIPV6: u8 = 154;
/// Length of the FMIPv6 ICMPv6 header; options start here.
pub const HEADER_LEN: usize = 8;

mod field {
    pub(super) const CHECKSUM: usize = 2;
}

keying_tlv::wire_enum! {
    /// FMIPv6 Subtype (RFC 5568 §6.1, §11).
    pub enum Fmip6Subtype: u8 {
        /// Router Solicitation for Proxy Advertisement.
        RtSolPr = 2,
        /// Proxy Router Advertisement.
        PrRtAdv = 3,
    }
}

keying_tlv::wire_enum! {
    /// PrRtAdv Code (RFC 5568 §6.1.2).
    pub enum PrRtAdvCode: u8 {
        /// Use the [AP-ID, AR-Info] tuple.
        Tuple = 0,
        /// Unsolicited, network-initiated handover trigger.
        NetworkInitiated = 1,
        /// No new router information.
        NoNewRouterInfo = 2,
        /// Information only for a subset of the APs.
        Subset = 3,
        /// Unsolicited, not a handover trigger.
        UnsolicitedInfo = 4,
        /// DHCP must be used on the NAR link.
        Dhcp = 5,
    }
}

/// The fixed header of a type-154 message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fmip6Header {
    /// Subtype.
    pub subtype: Fmip6Subtype,
    /// Code (0 for RtSolPr; [`PrRtAdvCode`] for PrRtAdv).
    pub code: u8,
    /// Identifier (chosen by the RtSolPr sender, copied into the PrRtAdv).
    pub identifier: u16,
}

impl Fmip6Header {
    /// Writes the header with a zero checksum (fill it with [`fill_checksum`]).
    pub fn emit(&self, w: &mut Writer<'_>) {
        w.u8(ICMPV6_TYPE_FMIPV6);
        w.u8(self.code);
        w.u16(0);
        w.u8(self.subtype.to_wire());
        w.u8(0);
        w.u16(self.identifier);
    }
}

/// Computes the ICMPv6 checksum of the complete message `msg` (from the Type octet) and
/// writes it into the Checksum field. Does nothing to a message shorter than 4 octets.
pub fn fill_checksum(msg: &mut [u8], src: &Ipv6Addr, dst: &Ipv6Addr) {
    let c = checksum_with_hole(src, dst, NEXT_HEADER_ICMPV6, msg, field::CHECKSUM);
    if let Some(f) = msg.get_mut(field::CHECKSUM..field::CHECKSUM + 2) {
        f.copy_from_slice(&c.to_be_bytes());
    }
}

/// The checksum the message would have if it ended at `end` (octets from the Type octet):
/// the value SEND puts into the signed data (RFC 3971 §5.2's "Checksum field", read as
/// DoCoMo sendd, NDprotector and thc-ipv6 do; see the crate docs).
#[must_use]
pub fn truncated_checksum(msg: &[u8], end: usize, src: &Ipv6Addr, dst: &Ipv6Addr) -> u16 {
    let m = msg.get(..end).unwrap_or(msg);
    checksum_with_hole(src, dst, NEXT_HEADER_ICMPV6, m, field::CHECKSUM)
}

/// A validated RtSolPr or PrRtAdv: header fields plus the options area, every option of
/// which decoded without error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fmip6Message<'a> {
    /// The fixed header.
    pub header: Fmip6Header,
    /// The Checksum field as received.
    pub checksum: u16,
    bytes: &'a [u8],
}

impl<'a> Fmip6Message<'a> {
    /// Decodes and validates `bytes` (the ICMPv6 message from its Type octet), checking the
    /// checksum against the pseudo-header made of `src` and `dst`.
    ///
    /// # Errors
    /// [`Error::UnexpectedMessage`] for a type other than 154 or a subtype other than 2 or
    /// 3; [`Error::Checksum`]; [`Error::Decode`] for any framing or option error.
    pub fn parse(bytes: &'a [u8], src: &Ipv6Addr, dst: &Ipv6Addr) -> Result<Self, Error> {
        let m = Self::parse_unchecked(bytes)?;
        let computed = checksum_with_hole(src, dst, NEXT_HEADER_ICMPV6, bytes, field::CHECKSUM);
        if computed != m.checksum {
            return Err(Error::Checksum {
                found: m.checksum,
                computed,
            });
        }
        Ok(m)
    }

    /// As [`Fmip6Message::parse`] without the checksum check (for captures whose addresses
    /// are unknown).
    ///
    /// # Errors
    /// As [`Fmip6Message::parse`], minus [`Error::Checksum`].
    pub fn parse_unchecked(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes);
        let ty = r.u8("ICMPv6 type")?;
        if ty != ICMPV6_TYPE_FMIPV6 {
            return Err(Error::UnexpectedMessage { found: ty });
        }
        let code = r.u8("ICMPv6 code")?;
        let checksum = r.u16("ICMPv6 checksum")?;
        let subtype = Fmip6Subtype::from(r.u8("FMIPv6 subtype")?);
        if !subtype.is_known() {
            return Err(Error::UnexpectedMessage {
                found: subtype.to_wire(),
            });
        }
        r.u8("FMIPv6 reserved")?;
        let identifier = r.u16("FMIPv6 identifier")?;
        for o in NdOptionIter::new(r.rest(), HEADER_LEN) {
            o?;
        }
        Ok(Self {
            header: Fmip6Header {
                subtype,
                code,
                identifier,
            },
            checksum,
            bytes,
        })
    }

    /// The whole message.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The options area.
    #[must_use]
    pub fn options_bytes(&self) -> &'a [u8] {
        self.bytes.get(HEADER_LEN..).unwrap_or_default()
    }

    /// The options in wire order, with their offsets (from the Type octet).
    pub fn options(&self) -> impl Iterator<Item = crate::wire::PlacedOption<'a>> + 'a {
        NdOptionIter::new(self.options_bytes(), HEADER_LEN).map_while(Result::ok)
    }

    /// The options that count for SEND and ND: those before the first RSA Signature option,
    /// and that option itself (RFC 3971 §5.2.2: everything after it is ignored).
    pub fn send_options(&self) -> impl Iterator<Item = crate::wire::PlacedOption<'a>> + 'a {
        let mut done = false;
        self.options().take_while(move |o| {
            let keep = !done;
            done |= matches!(o.option, NdOption::RsaSignature(_));
            keep
        })
    }
}
