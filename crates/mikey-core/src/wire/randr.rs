//! RAND payload with role indicator (RANDR, RFC 6043 §6.8).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next Payload  !    RAND Role  !  RAND length  !     RAND      ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use keying_tlv::{Reader, Result, Writer, wire_enum};

use crate::wire::{PayloadType, read_len8, write_len};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const ROLE: usize = 1;
    pub const RAND_LEN: usize = 2;
    pub const RAND: usize = 3;
}

wire_enum! {
    /// RAND role (RFC 6043 §6.8 Table 6.13).
    pub enum RandRole: u8 {
        /// Initiator (RANDRi).
        Initiator = 1,
        /// Responder (RANDRr).
        Responder = 2,
        /// KMS (RANDRkms).
        Kms = 3,
    }
}

/// RAND payload with role indicator (RANDR, RFC 6043 §6.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Randr<'a> {
    /// Which entity generated the RAND.
    pub role: RandRole,
    /// The random bytes.
    pub rand: &'a [u8],
}

impl<'a> Codec<'a> for Randr<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Randr;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let role = RandRole::from(r.u8("RAND Role")?);
        let rand = read_len8(r, "RAND")?;
        Ok(Self { role, rand })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.role.to_wire());
        write_len(w, self.rand.len(), 1, "RAND length");
        w.bytes(self.rand);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wire::tests::check_payload;

    #[test]
    fn kms_rand() {
        let bytes = hex_literal::hex!("00 03 04 deadbeef");
        let p = Randr {
            role: RandRole::Kms,
            rand: &hex_literal::hex!("deadbeef"),
        };
        check_payload(&bytes, p, PayloadType::Last);
    }
}
