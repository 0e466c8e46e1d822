//! The SA TEK payload ([RFC 6407 §5.5](https://www.rfc-editor.org/rfc/rfc6407#section-5.5))
//! with the ESP / AH protocol-specific part (§5.5.1); other protocols are kept opaque.
//!
//! ```text
//! ! Next Payload  !   RESERVED    !         Payload Length        !
//! !  Protocol-ID  !       TEK Protocol-Specific Payload           ~
//!
//! ESP / AH (Figure 8):
//! !    Protocol   !  SRC ID Type  !         SRC ID Port           !
//! !SRC ID Data Len!          SRC Identification Data              ~
//! ! DST ID Type   !         DST ID Port           !DST ID Data Len!
//! !                    DST Identification Data                    ~
//! ! Transform ID  !                        SPI                    !
//! !      SPI      !                  SA Attributes                ~
//! ```

use keying_tlv::{Reader, Result, Writer};

use crate::wire::attributes::Attributes;
use crate::wire::identification::IdSelector;
use keying_tlv::Codec;

use crate::wire::{PayloadType, take_body};

keying_tlv::wire_enum! {
    /// SA TEK Protocol-ID (RFC 6407 §5.5; IEC 61850 from RFC 8052).
    pub enum TekProtocol: u8 {
        /// GDOI_PROTO_IPSEC_ESP.
        IpsecEsp = 1,
        /// GDOI_PROTO_IPSEC_AH.
        IpsecAh = 2,
    }
}

/// The ESP / AH protocol-specific part of an SA TEK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpsecTek<'a> {
    /// IP protocol of the traffic (0 = any).
    pub protocol: u8,
    /// Source selector.
    pub src: IdSelector<'a>,
    /// Destination selector.
    pub dst: IdSelector<'a>,
    /// ESP / AH transform ID (e.g. 12 = ESP_AES).
    pub transform_id: u8,
    /// The TEK SPI.
    pub spi: [u8; 4],
    /// IPsec DOI SA attributes (RFC 2407 §4.5).
    pub attributes: Attributes<'a>,
}

/// The protocol-specific part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TekBody<'a> {
    /// ESP or AH (RFC 6407 §5.5.1).
    Ipsec(IpsecTek<'a>),
    /// Another protocol, kept as bytes.
    Opaque(&'a [u8]),
}

/// An SA TEK payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SaTek<'a> {
    /// Protocol-ID.
    pub protocol_id: TekProtocol,
    /// Protocol-specific part.
    pub body: TekBody<'a>,
}

impl SaTek<'_> {
    /// The SPI, for ESP / AH.
    pub fn spi(&self) -> Option<[u8; 4]> {
        match self.body {
            TekBody::Ipsec(t) => Some(t.spi),
            TekBody::Opaque(_) => None,
        }
    }
}

impl<'a> Codec<'a> for SaTek<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::SaTek;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let mut r = take_body(r);
        let protocol_id = TekProtocol::from(r.u8("SA TEK protocol-ID")?);
        let body = match protocol_id {
            TekProtocol::IpsecEsp | TekProtocol::IpsecAh => {
                let protocol = r.u8("SA TEK protocol")?;
                let src = IdSelector::read(&mut r, "SA TEK source ID")?;
                let dst = IdSelector::read(&mut r, "SA TEK destination ID")?;
                let transform_id = r.u8("SA TEK transform ID")?;
                let spi = r.array("SA TEK SPI")?;
                let attributes = Attributes::parse(r)?;
                TekBody::Ipsec(IpsecTek {
                    protocol,
                    src,
                    dst,
                    transform_id,
                    spi,
                    attributes,
                })
            }
            _ => TekBody::Opaque(r.take_rest()),
        };
        Ok(Self { protocol_id, body })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.protocol_id.to_wire());
        match self.body {
            TekBody::Ipsec(t) => {
                w.u8(t.protocol);
                t.src.emit(w);
                t.dst.emit(w);
                w.u8(t.transform_id);
                w.bytes(&t.spi);
                t.attributes.emit(w);
            }
            TekBody::Opaque(b) => w.bytes(b),
        }
    }
}
