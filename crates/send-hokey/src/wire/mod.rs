//! IPv6 Neighbor Discovery options ([RFC 4861 §4.6](https://www.rfc-editor.org/rfc/rfc4861#section-4.6))
//! as they occur in SEND-protected FMIPv6 messages: one enum, [`NdOption`], with a typed
//! view for every option this crate knows and [`NdOption::Unknown`] for the rest, so that an
//! unknown option survives a parse → emit round trip.
//!
//! ```text
//!  0                   1
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+---
//! |     Type      |    Length     | ... (Length × 8 octets in all)
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+---
//! ```
//!
//! All framing goes through [`keying_tlv::Chain`] with [`keying_tlv::NdOptions`]: a zero
//! Length is [`ErrorKind::ZeroLength`], an option running past the end is
//! [`ErrorKind::Truncated`].

use keying_tlv::{Chain, Codec, Element, Error, ErrorKind, NdOptions, Reader, Writer};

pub mod badf;
pub mod certificate;
pub mod cga;
pub mod checksum;
pub(crate) mod der;
pub mod fbu;
pub mod handover_key_reply;
pub mod handover_key_request;
pub mod ip_prefix;
pub mod link_layer_address;
pub mod naack;
pub mod nonce;
pub mod rsa_signature;
pub mod rtsolpr;
pub mod timestamp;
pub mod trust_anchor;

pub use badf::Badf;
pub use certificate::Certificate;
pub use cga::{CGA_PARAMS_FIXED_LEN, CgaOption, CgaParams};
pub use fbu::{FBack, FastBinding, Fbu, MhOption, MhOptionIter, MobilityMessage};
pub use handover_key_reply::HandoverKeyReply;
pub use handover_key_request::{AuthAlgorithm, HandoverKeyRequest};
pub use ip_prefix::{IpAddrPrefix, IpAddrPrefixCode};
pub use link_layer_address::{LinkLayerAddress, LlaCode};
pub use naack::Naack;
pub use nonce::Nonce;
pub use rsa_signature::RsaSignature;
pub use rtsolpr::{Fmip6Header, Fmip6Message, Fmip6Subtype, PrRtAdvCode};
pub use timestamp::Timestamp;
pub use trust_anchor::TrustAnchor;

keying_tlv::wire_enum! {
    /// ND option type codes used here (IANA "IPv6 Neighbor Discovery Option Formats").
    pub enum NdOptionType: u8 {
        /// CGA (RFC 3971 §5.1).
        Cga = 11,
        /// RSA Signature (RFC 3971 §5.2).
        RsaSignature = 12,
        /// Timestamp (RFC 3971 §5.3.1).
        Timestamp = 13,
        /// Nonce (RFC 3971 §5.3.2).
        Nonce = 14,
        /// Trust Anchor (RFC 3971 §6.4.3).
        TrustAnchor = 15,
        /// Certificate (RFC 3971 §6.4.4).
        Certificate = 16,
        /// IP Address/Prefix (RFC 5568 §6.4.1).
        IpAddrPrefix = 17,
        /// Link-Layer Address (RFC 5568 §6.4.3).
        LinkLayerAddress = 19,
        /// Neighbor Advertisement Acknowledgment (RFC 5568 §6.4.6).
        Naack = 20,
        /// Handover Key Request (RFC 5269 §4.1).
        HandoverKeyRequest = 27,
        /// Handover Key Reply (RFC 5269 §4.2).
        HandoverKeyReply = 28,
    }
}

/// One ND option, borrowed from the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NdOption<'a> {
    /// Link-Layer Address, type 19.
    LinkLayerAddress(LinkLayerAddress<'a>),
    /// IP Address/Prefix, type 17.
    IpAddrPrefix(IpAddrPrefix),
    /// NAACK, type 20.
    Naack(Naack),
    /// CGA, type 11.
    Cga(CgaOption<'a>),
    /// RSA Signature, type 12.
    RsaSignature(RsaSignature<'a>),
    /// Timestamp, type 13.
    Timestamp(Timestamp),
    /// Nonce, type 14.
    Nonce(Nonce<'a>),
    /// Trust Anchor, type 15.
    TrustAnchor(TrustAnchor<'a>),
    /// Certificate, type 16.
    Certificate(Certificate<'a>),
    /// Handover Key Request, type 27.
    HandoverKeyRequest(HandoverKeyRequest<'a>),
    /// Handover Key Reply, type 28.
    HandoverKeyReply(HandoverKeyReply<'a>),
    /// Any other option, kept as is (`data` is everything after the Length octet).
    Unknown {
        /// The option type.
        type_: u8,
        /// The option body after Type and Length, padding included.
        data: &'a [u8],
    },
}

impl<'a> NdOption<'a> {
    /// Decodes one framed option (from [`Chain`] over [`NdOptions`]).
    ///
    /// # Errors
    /// A typed [`Error`] with the absolute offset of the offending field.
    pub fn parse(e: &Element<'a>) -> Result<Self, Error> {
        let r = &mut option_body(e);
        Ok(match NdOptionType::from(e.kind) {
            NdOptionType::LinkLayerAddress => Self::LinkLayerAddress(Codec::read(r)?),
            NdOptionType::IpAddrPrefix => Self::IpAddrPrefix(Codec::read(r)?),
            NdOptionType::Naack => Self::Naack(Codec::read(r)?),
            NdOptionType::Cga => Self::Cga(Codec::read(r)?),
            NdOptionType::RsaSignature => Self::RsaSignature(Codec::read(r)?),
            NdOptionType::Timestamp => Self::Timestamp(Codec::read(r)?),
            NdOptionType::Nonce => Self::Nonce(Codec::read(r)?),
            NdOptionType::TrustAnchor => Self::TrustAnchor(Codec::read(r)?),
            NdOptionType::Certificate => Self::Certificate(Codec::read(r)?),
            NdOptionType::HandoverKeyRequest => Self::HandoverKeyRequest(Codec::read(r)?),
            NdOptionType::HandoverKeyReply => Self::HandoverKeyReply(Codec::read(r)?),
            NdOptionType::Unknown(type_) => Self::Unknown {
                type_,
                data: e.body,
            },
        })
    }

    /// The option type.
    #[must_use]
    pub fn option_type(&self) -> NdOptionType {
        NdOptionType::from(match self {
            Self::LinkLayerAddress(_) => 19,
            Self::IpAddrPrefix(_) => 17,
            Self::Naack(_) => 20,
            Self::Cga(_) => 11,
            Self::RsaSignature(_) => 12,
            Self::Timestamp(_) => 13,
            Self::Nonce(_) => 14,
            Self::TrustAnchor(_) => 15,
            Self::Certificate(_) => 16,
            Self::HandoverKeyRequest(_) => 27,
            Self::HandoverKeyReply(_) => 28,
            Self::Unknown { type_, .. } => *type_,
        })
    }

    /// Writes the option (header, body, zero padding to a multiple of 8 octets).
    pub fn emit(&self, w: &mut Writer<'_>) {
        match self {
            Self::LinkLayerAddress(x) => write_option(w, x),
            Self::IpAddrPrefix(x) => write_option(w, x),
            Self::Naack(x) => write_option(w, x),
            Self::Cga(x) => write_option(w, x),
            Self::RsaSignature(x) => write_option(w, x),
            Self::Timestamp(x) => write_option(w, x),
            Self::Nonce(x) => write_option(w, x),
            Self::TrustAnchor(x) => write_option(w, x),
            Self::Certificate(x) => write_option(w, x),
            Self::HandoverKeyRequest(x) => write_option(w, x),
            Self::HandoverKeyReply(x) => write_option(w, x),
            Self::Unknown { type_, data } => {
                let o = w.begin_nd_option(*type_);
                w.bytes(data);
                w.end_nd_option(o);
            }
        }
    }

    /// The number of octets [`NdOption::emit`] writes.
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        let mut w = Writer::new(&mut []);
        self.emit(&mut w);
        match w.finish() {
            Err(keying_tlv::WriteError::BufferTooSmall { needed }) => needed,
            Ok(n) => n,
            Err(_) => 0,
        }
    }
}

/// Decodes the body of one framed ND option (RFC 4861 §4.6) as `T`: the reader starts
/// after the Type and Length octets, at the option's absolute offset + 2, and ends at the
/// end of the option (padding included).
///
/// # Errors
/// `T`'s decoding error, with the absolute offset of the offending field.
pub fn read_option<'a, T>(e: &Element<'a>) -> Result<T, T::Error>
where
    T: Codec<'a, Kind = NdOptionType>,
{
    T::read(&mut option_body(e))
}

/// A reader over an ND option's body: after Type and Length, with absolute offsets.
fn option_body<'a>(e: &Element<'a>) -> Reader<'a> {
    Reader::at(e.body, e.offset + 2)
}

/// Writes `option` framed as an ND option (RFC 4861 §4.6): Type (`T::KIND`), Length in
/// units of 8 octets, the body, zero padding to a multiple of 8 octets.
pub fn write_option<'a, T>(w: &mut Writer<'_>, option: &T)
where
    T: Codec<'a, Kind = NdOptionType>,
{
    let o = w.begin_nd_option(T::KIND.to_wire());
    option.write(w);
    w.end_nd_option(o);
}

/// Iterator over the typed options of an options area; stops after the first error.
#[derive(Debug, Clone)]
pub struct NdOptionIter<'a> {
    chain: Chain<'a, NdOptions>,
    failed: bool,
}

impl<'a> NdOptionIter<'a> {
    /// Options in `bytes`, whose first byte sits at absolute offset `base` of the message.
    #[must_use]
    pub fn new(bytes: &'a [u8], base: usize) -> Self {
        Self {
            chain: Chain::new(NdOptions, 0, Reader::at(bytes, base)),
            failed: false,
        }
    }
}

/// One option with its position and raw bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlacedOption<'a> {
    /// Absolute offset of the option's Type octet.
    pub offset: usize,
    /// The whole option as on the wire.
    pub raw: &'a [u8],
    /// The decoded option.
    pub option: NdOption<'a>,
}

impl<'a> Iterator for NdOptionIter<'a> {
    type Item = Result<PlacedOption<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let item = self.chain.next()?.and_then(|e| {
            NdOption::parse(&e).map(|option| PlacedOption {
                offset: e.offset,
                raw: e.raw,
                option,
            })
        });
        self.failed = item.is_err();
        Some(item)
    }
}

/// The smallest pad making `fixed + payload` a multiple of 8 (0 to 7).
#[must_use]
pub const fn min_pad(fixed: usize, payload: usize) -> usize {
    (8 - (fixed + payload) % 8) % 8
}

/// Splits the body of an option with an explicit Pad Length (options 11, 15, 27 and 28):
/// `r` is positioned after the option's fixed fields; returns the payload without its
/// padding. The pad must be below 8 (stricter than RFC 3971 / RFC 5269, see the crate docs)
/// and not longer than what is left.
pub(crate) fn padded_payload<'a>(
    r: &mut Reader<'a>,
    pad_len: u8,
    pad_offset: usize,
    what: &'static str,
) -> Result<&'a [u8], Error> {
    let pad = usize::from(pad_len);
    let avail = r.remaining();
    if pad >= 8 || pad > avail {
        return Err(Error::new(
            pad_offset,
            what,
            ErrorKind::BadLength { value: pad },
        ));
    }
    let payload = r.bytes(avail - pad, what)?;
    r.take_rest();
    Ok(payload)
}

/// Writes the Pad Length octet a payload of `payload` octets after `fixed` fixed octets
/// needs (the smallest one), returning it.
pub(crate) fn pad_len_u8(fixed: usize, payload: usize) -> u8 {
    // min_pad is always below 8.
    u8::try_from(min_pad(fixed, payload)).unwrap_or(0)
}
