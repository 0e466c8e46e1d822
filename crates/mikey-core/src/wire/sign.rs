//! Signature payload (SIGN, RFC 3830 §6.5; ECCSI from RFC 6509 §4.3).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! S type| Signature len         ! Signature                     ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! SIGN has no Next payload field and is always the last payload of a message.

use keying_tlv::{Reader, Result, WriteError, Writer, wire_enum};

use crate::wire::{PayloadType, check_bits};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const S_TYPE_LEN: core::ops::Range<usize> = 0..2;
    pub const SIGNATURE: usize = 2;
}

/// Largest Signature len (12 bits).
pub const MAX_SIGNATURE_LEN: usize = 0x0fff;

wire_enum! {
    /// S type (RFC 3830 §6.5; ECCSI from RFC 6509 §4.3), 4 bits.
    pub enum SType: u8 {
        /// RSA / PKCS#1 v1.5.
        RsaPkcs1 = 0,
        /// RSA / PSS.
        RsaPss = 1,
        /// ECCSI (RFC 6507).
        Eccsi = 2,
    }
}

/// Signature payload (SIGN, RFC 3830 §6.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sign<'a> {
    /// Signature type.
    pub s_type: SType,
    /// The signature.
    pub signature: &'a [u8],
}

impl Sign<'_> {
    /// Offset of the signature within the payload: the signed bytes of a message end here.
    pub const SIGNATURE_OFFSET: usize = field::SIGNATURE;
}

impl<'a> Codec<'a> for Sign<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Sign;
    type Error = keying_tlv::Error;

    #[inline]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let v = r.u16("SIGN S type / Signature len")?;
        let s_type = SType::from(u8::try_from(v >> 12).unwrap_or_default());
        let signature = r.bytes(usize::from(v & 0x0fff), "SIGN Signature")?;
        Ok(Self { s_type, signature })
    }

    fn write(&self, w: &mut Writer<'_>) {
        let s = check_bits(w, self.s_type.to_wire(), 4, "SIGN S type");
        let len = self.signature.len();
        if len > MAX_SIGNATURE_LEN {
            w.fail(WriteError::TooLong {
                field: "SIGN Signature len",
                value: len,
            });
        }
        let len = u16::try_from(len & MAX_SIGNATURE_LEN).unwrap_or_default();
        w.u16((u16::from(s & 0xf) << 12) | len);
        w.bytes(self.signature);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wire::tests::check_payload;

    #[test]
    fn eccsi_sign() {
        let mut bytes = vec![0x20, 0x81];
        bytes.extend([0x11; 129]);
        let p = Sign {
            s_type: SType::Eccsi,
            signature: &[0x11; 129],
        };
        check_payload(&bytes, p, PayloadType::Last);
    }
}
