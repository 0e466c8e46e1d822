//! ID payload (RFC 3830 §6.7; ID type "byte string" from RFC 6043 §6.5).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next payload  !    ID Type    !             ID len            !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !                       ID Data                                 ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use keying_tlv::{Reader, Result, Writer, wire_enum};

use crate::error::what;
use crate::wire::{PayloadType, read_len16, write_len};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const ID_TYPE: usize = 1;
    pub const ID_LEN: core::ops::Range<usize> = 2..4;
    pub const ID_DATA: usize = 4;
}

wire_enum! {
    /// ID type (RFC 3830 §6.7 Table 6.7.a; RFC 6043 §6.5 Table 6.10).
    pub enum IdType: u8 {
        /// Network Access Identifier (RFC 4282).
        Nai = 0,
        /// URI (RFC 3986).
        Uri = 1,
        /// Byte string without encoding rules (RFC 6043).
        ByteString = 2,
    }
}

/// ID payload (RFC 3830 §6.7): an identity, e.g. IDi / IDr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id<'a> {
    /// ID type.
    pub id_type: IdType,
    /// The identity, raw (no terminating NUL).
    pub data: &'a [u8],
}

impl<'a> Codec<'a> for Id<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Id;
    type Error = keying_tlv::Error;

    #[inline]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let id_type = IdType::from(r.u8(what::ID_TYPE)?);
        let data = read_len16(r, "ID data")?;
        Ok(Self { id_type, data })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.id_type.to_wire());
        write_len(w, self.data.len(), 2, "ID len");
        w.bytes(self.data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wire::tests::check_payload;

    #[test]
    fn uri_idi_from_the_dhhmac_init_vector() {
        // IDi of the DHHMAC I_MESSAGE vector (tests/vectors/mikey/m5_dhhmac_init.hex):
        // next ID (6), URI, 21 bytes.
        let bytes = b"\x06\x01\x00\x15sip:alice@example.com";
        let id = Id {
            id_type: IdType::Uri,
            data: b"sip:alice@example.com",
        };
        check_payload(bytes, id, PayloadType::Id);
    }
}
