//! The Nonce payload ([RFC 2408 §3.13](https://www.rfc-editor.org/rfc/rfc2408#section-3.13),
//! size per [RFC 6407 §5.8](https://www.rfc-editor.org/rfc/rfc6407#section-5.8):
//! 8 to 128 octets).
//!
//! ```text
//! ! Next Payload  !   RESERVED    !         Payload Length        !
//! ~                            Nonce Data                         ~
//! ```

use keying_tlv::{ErrorKind, Reader, Result, Writer};

use keying_tlv::Codec;

use crate::wire::{PayloadType, take_body};

/// Smallest nonce GDOI allows.
pub const NONCE_MIN: usize = 8;
/// Largest nonce GDOI allows.
pub const NONCE_MAX: usize = 128;

/// A NONCE payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Nonce<'a> {
    /// The nonce data, 8..=128 octets.
    pub data: &'a [u8],
}

impl<'a> Codec<'a> for Nonce<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Nonce;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let mut r = take_body(r);
        let n = r.remaining();
        if !(NONCE_MIN..=NONCE_MAX).contains(&n) {
            return Err(r.error(
                "NONCE data of 8..128 octets",
                ErrorKind::BadLength { value: n + 4 },
            ));
        }
        Ok(Self {
            data: r.take_rest(),
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.bytes(self.data);
    }
}
