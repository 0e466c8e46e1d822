//! Error payload (ERR, RFC 3830 §6.12; Error no additions in RFC 4738 §3.9.2 and
//! RFC 6043 §6.9).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next Payload  !   Error no    !           Reserved            !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use keying_tlv::{Reader, Result, Writer, wire_enum};

use crate::wire::PayloadType;
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const ERROR_NO: usize = 1;
    pub const RESERVED: core::ops::Range<usize> = 2..4;
}

wire_enum! {
    /// Error no (RFC 3830 §6.12 Table 6.12; 13 from RFC 4738 §3.9.2; 14-15 from
    /// RFC 6043 §6.9 Table 6.14).
    pub enum ErrorNo: u8 {
        /// Authentication failure.
        AuthFailure = 0,
        /// Invalid timestamp.
        InvalidTs = 1,
        /// PRF function not supported.
        InvalidPrf = 2,
        /// MAC algorithm not supported / MAC check failed.
        InvalidMac = 3,
        /// Encryption algorithm not supported.
        InvalidEa = 4,
        /// Hash function not supported.
        InvalidHa = 5,
        /// DH group not supported.
        InvalidDh = 6,
        /// ID not supported.
        InvalidId = 7,
        /// Certificate not supported.
        InvalidCert = 8,
        /// SP type not supported.
        InvalidSp = 9,
        /// SP parameters not supported.
        InvalidSpPar = 10,
        /// Data type not supported.
        InvalidDt = 11,
        /// Unspecified error.
        Unspecified = 12,
        /// Unsupported message type (RFC 4738).
        UnsupportedMessageType = 13,
        /// Ticket type not supported (RFC 6043).
        InvalidTicket = 14,
        /// TP parameters not supported (RFC 6043).
        InvalidTpPar = 15,
    }
}

/// Error payload (ERR, RFC 3830 §6.12). The Reserved field is written as zero and ignored
/// on input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorPayload {
    /// The error.
    pub error_no: ErrorNo,
}

impl<'a> Codec<'a> for ErrorPayload {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Err;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let error_no = ErrorNo::from(r.u8("Error no")?);
        r.u16("ERR reserved")?;
        Ok(Self { error_no })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.error_no.to_wire());
        w.u16(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wire::tests::check_payload;

    #[test]
    fn capture_m9_err() {
        let bytes = hex_literal::hex!("0c 04 0000");
        let p = ErrorPayload {
            error_no: ErrorNo::InvalidEa,
        };
        check_payload(&bytes, p, PayloadType::Err);
    }
}
