//! ID payload with role indicator (IDR, RFC 6043 §6.6; roles 6 and 7 from RFC 6509 §4.4).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next Payload  !    ID Role    !    ID Type    !     ID len
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   ID len (cont) !                    ID Data                    ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use keying_tlv::{Reader, Result, Writer, wire_enum};

use crate::error::what;
use crate::wire::id::IdType;
use crate::wire::{PayloadType, read_len16, write_len};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const ROLE: usize = 1;
    pub const ID_TYPE: usize = 2;
    pub const ID_LEN: core::ops::Range<usize> = 3..5;
    pub const ID_DATA: usize = 5;
}

wire_enum! {
    /// ID role (RFC 6043 §6.6 Table 6.11; 6 and 7 from RFC 6509 §4.4). 3GPP MCX messages
    /// also use 8 and 9 (initiator / responder UID); they stay `Unknown`.
    pub enum IdRole: u8 {
        /// Initiator (IDRi).
        Initiator = 1,
        /// Responder (IDRr).
        Responder = 2,
        /// KMS (IDRkms).
        Kms = 3,
        /// Pre-shared key (IDRpsk).
        PreSharedKey = 4,
        /// Application (IDRapp).
        Application = 5,
        /// Initiator's KMS (IDRkmsi, RFC 6509).
        InitiatorKms = 6,
        /// Responder's KMS (IDRkmsr, RFC 6509).
        ResponderKms = 7,
    }
}

/// ID payload with role indicator (IDR, RFC 6043 §6.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Idr<'a> {
    /// What the identity is.
    pub role: IdRole,
    /// ID type.
    pub id_type: IdType,
    /// The identity.
    pub data: &'a [u8],
}

impl<'a> Codec<'a> for Idr<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Idr;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let role = IdRole::from(r.u8("ID Role")?);
        let id_type = IdType::from(r.u8(what::ID_TYPE)?);
        let data = read_len16(r, "ID data")?;
        Ok(Self {
            role,
            id_type,
            data,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.role.to_wire());
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
    fn capture_m11_idrr() {
        let bytes = b"\x00\x02\x01\x00\x13sip:bob@example.com";
        let p = Idr {
            role: IdRole::Responder,
            id_type: IdType::Uri,
            data: b"sip:bob@example.com",
        };
        check_payload(bytes, p, PayloadType::Last);
    }
}
