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

keying_tlv::wire_enum! {
    /// ESP transform identifiers (IPsec DOI registry, RFC 2407 §4.4.4 and its updates),
    /// the Transform ID of an ESP SA TEK (RFC 6407 §5.5.1).
    pub enum EspTransform: u8 {
        /// ESP_3DES.
        TripleDes = 3,
        /// ESP_NULL (RFC 2410).
        Null = 11,
        /// ESP_AES, AES-CBC (RFC 3602).
        AesCbc = 12,
        /// ESP_AES-CTR (RFC 3686).
        AesCtr = 13,
        /// ESP_AES-CCM_8 (RFC 4309).
        AesCcm8 = 14,
        /// ESP_AES-CCM_12.
        AesCcm12 = 15,
        /// ESP_AES-CCM_16.
        AesCcm16 = 16,
        /// ESP_AES-GCM_8 (RFC 4106).
        AesGcm8 = 18,
        /// ESP_AES-GCM_12.
        AesGcm12 = 19,
        /// ESP_AES-GCM_16.
        AesGcm16 = 20,
        /// ESP_NULL_AUTH_AES-GMAC (RFC 4543).
        NullAuthAesGmac = 23,
    }
}

keying_tlv::wire_enum! {
    /// IPsec DOI SA attribute classes (RFC 2407 §4.5), the attributes of an ESP / AH SA
    /// TEK.
    pub enum IpsecAttribute: u16 {
        /// SA Life Type (B): [`SaLifeType`].
        SaLifeType = 1,
        /// SA Life Duration (B or V), in the unit of the preceding SA Life Type.
        SaLifeDuration = 2,
        /// Group Description (B).
        GroupDescription = 3,
        /// Encapsulation Mode (B): [`EncapsulationMode`].
        EncapsulationMode = 4,
        /// Authentication Algorithm (B): [`AuthAlgorithm`].
        AuthAlgorithm = 5,
        /// Key Length in bits (B).
        KeyLength = 6,
        /// Key Rounds (B).
        KeyRounds = 7,
        /// Compress Dictionary Size (B).
        CompressDictionarySize = 8,
        /// Compress Private Algorithm (V).
        CompressPrivateAlgorithm = 9,
    }
}

keying_tlv::wire_enum! {
    /// SA Life Type values (RFC 2407 §4.5).
    pub enum SaLifeType: u16 {
        /// Seconds.
        Seconds = 1,
        /// Kilobytes.
        Kilobytes = 2,
    }
}

keying_tlv::wire_enum! {
    /// Encapsulation Mode values (RFC 2407 §4.5, RFC 3947 §5).
    pub enum EncapsulationMode: u16 {
        /// Tunnel (RFC 6407 §5.5.1: tunnel mode with address preservation is the usual
        /// group SA).
        Tunnel = 1,
        /// Transport.
        Transport = 2,
        /// UDP-Encapsulated-Tunnel (RFC 3947).
        UdpTunnel = 3,
        /// UDP-Encapsulated-Transport (RFC 3947).
        UdpTransport = 4,
    }
}

keying_tlv::wire_enum! {
    /// Authentication Algorithm values (IPsec DOI registry, RFC 2407 §4.5 and updates).
    pub enum AuthAlgorithm: u16 {
        /// HMAC-MD5.
        HmacMd5 = 1,
        /// HMAC-SHA (HMAC-SHA1-96).
        HmacSha1 = 2,
        /// HMAC-SHA2-256 (RFC 4868).
        HmacSha256 = 5,
        /// HMAC-SHA2-384.
        HmacSha384 = 6,
        /// HMAC-SHA2-512.
        HmacSha512 = 7,
        /// AES-XCBC-MAC (RFC 3566).
        AesXcbcMac = 9,
        /// AES-128-GMAC (RFC 4543).
        Aes128Gmac = 11,
        /// AES-192-GMAC.
        Aes192Gmac = 12,
        /// AES-256-GMAC.
        Aes256Gmac = 13,
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
