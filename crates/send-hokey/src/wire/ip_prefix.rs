//! IP Address/Prefix option, type 17
//! ([RFC 5568 §6.4.1](https://www.rfc-editor.org/rfc/rfc5568#section-6.4.1)).
//!
//! ```text
//! | Type=17 | Length=3 | Option-Code | Prefix Length |
//! |                  Reserved (32)                     |
//! |                  IPv6 Address (128)                |
//! ```

use core::net::Ipv6Addr;

use keying_tlv::{Codec, Error, ErrorKind, Reader, Writer};

use super::NdOptionType;

keying_tlv::wire_enum! {
    /// IP Address/Prefix Option-Code (RFC 5568 §6.4.1).
    pub enum IpAddrPrefixCode: u8 {
        /// Old care-of address.
        OldCoa = 1,
        /// New care-of address.
        NewCoa = 2,
        /// NAR's IP address.
        NarAddress = 3,
        /// NAR's prefix (Prefix Length is valid).
        NarPrefix = 4,
    }
}

/// IP Address/Prefix option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpAddrPrefix {
    /// Option-Code.
    pub code: IpAddrPrefixCode,
    /// Prefix Length in bits (128 for a full address).
    pub prefix_len: u8,
    /// The address or prefix.
    pub address: Ipv6Addr,
}

impl<'a> Codec<'a> for IpAddrPrefix {
    type Kind = NdOptionType;
    const KIND: NdOptionType = NdOptionType::IpAddrPrefix;
    type Error = Error;

    fn read(r: &mut Reader<'a>) -> Result<Self, Error> {
        if r.remaining() != 22 {
            return Err(Error::new(
                r.offset().saturating_sub(1),
                "IP Address/Prefix option length",
                ErrorKind::BadLength {
                    value: (r.remaining() + 2) / 8,
                },
            ));
        }
        let code = IpAddrPrefixCode::from(r.u8("IP Address/Prefix option-code")?);
        let prefix_len = r.u8("prefix length")?;
        r.u32("IP Address/Prefix reserved")?;
        let address = Ipv6Addr::from(r.array::<16>("IPv6 address")?);
        Ok(Self {
            code,
            prefix_len,
            address,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.code.to_wire());
        w.u8(self.prefix_len);
        w.u32(0);
        w.bytes(&self.address.octets());
    }
}
