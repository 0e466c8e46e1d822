//! The Identification payload ([RFC 2408 §3.8](https://www.rfc-editor.org/rfc/rfc2408#section-3.8),
//! [RFC 2407 §4.6.2](https://www.rfc-editor.org/rfc/rfc2407#section-4.6.2),
//! GDOI: [RFC 6407 §5.1](https://www.rfc-editor.org/rfc/rfc6407#section-5.1), ID_OID:
//! [RFC 8052 §4](https://www.rfc-editor.org/rfc/rfc8052#section-4)), and the ID selectors
//! inside SA KEK / SA TEK ([RFC 6407 §5.3, §5.5.1](https://www.rfc-editor.org/rfc/rfc6407#section-5.3)).
//!
//! ```text
//! ! Next Payload  !   RESERVED    !         Payload Length        !
//! !   ID Type     !  Protocol ID  !             Port              !
//! ~                     Identification Data                       ~
//! ```

use keying_tlv::{Error, ErrorKind, Reader, Result, Writer};

use keying_tlv::Codec;

use crate::wire::{PayloadType, emit_len_u8, emit_len_u16, take_body};

keying_tlv::wire_enum! {
    /// Identification types (IPsec DOI, RFC 2407 §4.6.2.1; ID_OID from RFC 8052).
    pub enum IdType: u8 {
        /// A single IPv4 address.
        Ipv4Addr = 1,
        /// A fully qualified domain name.
        Fqdn = 2,
        /// A user FQDN.
        UserFqdn = 3,
        /// An IPv4 subnet (address, mask).
        Ipv4AddrSubnet = 4,
        /// A single IPv6 address.
        Ipv6Addr = 5,
        /// An IPv6 subnet.
        Ipv6AddrSubnet = 6,
        /// An IPv4 range.
        Ipv4AddrRange = 7,
        /// An IPv6 range.
        Ipv6AddrRange = 8,
        /// DER ASN.1 distinguished name.
        DerAsn1Dn = 9,
        /// DER ASN.1 general name.
        DerAsn1Gn = 10,
        /// Opaque key identifier (GDOI group id in a PULL).
        KeyId = 11,
        /// An object identifier (RFC 8052).
        Oid = 13,
    }
}

/// The typed identification data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdData<'a> {
    /// ID_IPV4_ADDR.
    Ipv4([u8; 4]),
    /// ID_IPV6_ADDR.
    Ipv6([u8; 16]),
    /// ID_OID (RFC 8052 §4): `OID length (1) | OID (DER) | payload length (2) | payload`.
    Oid {
        /// The DER-encoded OID.
        oid: &'a [u8],
        /// The OID-specific payload.
        payload: &'a [u8],
    },
    /// Any other type, kept as bytes.
    Other {
        /// The ID type.
        id_type: IdType,
        /// The identification data.
        data: &'a [u8],
    },
}

impl IdData<'_> {
    /// The ID type.
    pub const fn id_type(&self) -> IdType {
        match *self {
            Self::Ipv4(_) => IdType::Ipv4Addr,
            Self::Ipv6(_) => IdType::Ipv6Addr,
            Self::Oid { .. } => IdType::Oid,
            Self::Other { id_type, .. } => id_type,
        }
    }

    /// Encoded size of the identification data.
    pub const fn buffer_len(&self) -> usize {
        match *self {
            Self::Ipv4(_) => 4,
            Self::Ipv6(_) => 16,
            Self::Oid { oid, payload } => 3 + oid.len() + payload.len(),
            Self::Other { data, .. } => data.len(),
        }
    }

    fn emit(&self, w: &mut Writer<'_>) {
        match *self {
            Self::Ipv4(a) => w.bytes(&a),
            Self::Ipv6(a) => w.bytes(&a),
            Self::Oid { oid, payload } => {
                emit_len_u8(w, oid.len(), "ID_OID OID length");
                w.bytes(oid);
                emit_len_u16(w, payload.len(), "ID_OID payload length");
                w.bytes(payload);
            }
            Self::Other { data, .. } => w.bytes(data),
        }
    }

    fn parse<'a>(id_type: IdType, mut r: Reader<'a>) -> Result<IdData<'a>> {
        let d = match id_type {
            IdType::Ipv4Addr => IdData::Ipv4(r.array("ID_IPV4_ADDR address")?),
            IdType::Ipv6Addr => IdData::Ipv6(r.array("ID_IPV6_ADDR address")?),
            IdType::Oid => {
                let n = r.u8("ID_OID OID length")?;
                let oid = r.bytes(usize::from(n), "ID_OID OID")?;
                let m = r.u16("ID_OID payload length")?;
                let payload = r.bytes(usize::from(m), "ID_OID payload")?;
                IdData::Oid { oid, payload }
            }
            _ => IdData::Other {
                id_type,
                data: r.take_rest(),
            },
        };
        r.finish("end of identification data")?;
        Ok(d)
    }
}

/// An Identification payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Identification<'a> {
    /// IPsec DOI Protocol ID (GDOI: 0).
    pub protocol: u8,
    /// IPsec DOI port (GDOI: 0).
    pub port: u16,
    /// Type and data.
    pub data: IdData<'a>,
}

impl<'a> Identification<'a> {
    /// An identification with protocol and port 0 (as GDOI requires).
    pub const fn new(data: IdData<'a>) -> Self {
        Self {
            protocol: 0,
            port: 0,
            data,
        }
    }

    /// Size of the whole payload, generic header included.
    pub const fn payload_len(&self) -> usize {
        8 + self.data.buffer_len()
    }
}

impl<'a> Codec<'a> for Identification<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Id;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let mut r = take_body(r);
        let id_type = IdType::from(r.u8("ID type")?);
        let protocol = r.u8("ID protocol")?;
        let port = r.u16("ID port")?;
        let data = IdData::parse(id_type, r)?;
        Ok(Self {
            protocol,
            port,
            data,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.data.id_type().to_wire());
        w.u8(self.protocol);
        w.u16(self.port);
        self.data.emit(w);
    }
}

/// An ID selector inside an SA KEK or SA TEK payload:
/// `ID Type (1) | Port (2) | Data Len (1) | Data` (RFC 6407 Figures 5 and 8; the length is
/// **one** octet, see the crate docs on Wireshark's two-octet reading).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdSelector<'a> {
    /// ID type.
    pub id_type: IdType,
    /// Port (0 = any).
    pub port: u16,
    /// Identification data (≤ 255 octets).
    pub data: &'a [u8],
}

impl<'a> IdSelector<'a> {
    /// Reads a selector.
    ///
    /// # Errors
    /// Truncation.
    pub fn read(r: &mut Reader<'a>, what: &'static str) -> Result<Self> {
        let id_type = IdType::from(r.u8(what)?);
        let port = r.u16(what)?;
        let len = r.u8(what)?;
        let data = r.bytes(usize::from(len), what)?;
        Ok(Self {
            id_type,
            port,
            data,
        })
    }

    /// Writes a selector (data longer than 255 octets is recorded as `TooLong`).
    pub fn emit(&self, w: &mut Writer<'_>) {
        w.u8(self.id_type.to_wire());
        w.u16(self.port);
        emit_len_u8(w, self.data.len(), "ID data length");
        w.bytes(self.data);
    }
}

/// Requires that an ACK identification is of a type RFC 8263 §3.4 allows, with protocol
/// and port 0.
pub(crate) fn check_ack_id(id: &Identification<'_>, offset: usize) -> Result<()> {
    if !matches!(
        id.data,
        IdData::Ipv4(_) | IdData::Ipv6(_) | IdData::Oid { .. }
    ) {
        return Err(Error::new(
            offset,
            "ACK ID type IPV4_ADDR, IPV6_ADDR or OID",
            ErrorKind::InvalidValue {
                value: u32::from(id.data.id_type().to_wire()),
            },
        ));
    }
    if id.protocol != 0 || id.port != 0 {
        return Err(Error::new(
            offset + 1,
            "ACK ID protocol and port 0",
            ErrorKind::InvalidValue {
                value: (u32::from(id.protocol) << 16) | u32::from(id.port),
            },
        ));
    }
    Ok(())
}
