//! The Signature payload ([RFC 2408 §3.12](https://www.rfc-editor.org/rfc/rfc2408#section-3.12);
//! in the PUSH: [RFC 6407 §4.2](https://www.rfc-editor.org/rfc/rfc6407#section-4.2)).
//!
//! ```text
//! ! Next Payload  !   RESERVED    !         Payload Length        !
//! ~                         Signature Data                        ~
//! ```
//!
//! RSA: modulus-length octets; ECDSA: fixed-width `r ‖ s` (RFC 4754), not DER.

use keying_tlv::{ErrorKind, Reader, Result, Writer};

use keying_tlv::Codec;

use crate::wire::{PayloadType, take_body};

/// A SIG payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature<'a> {
    /// The signature data (non-empty).
    pub data: &'a [u8],
}

impl<'a> Codec<'a> for Signature<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Sig;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let mut r = take_body(r);
        if r.is_empty() {
            return Err(r.error("SIG data", ErrorKind::BadLength { value: 4 }));
        }
        Ok(Self {
            data: r.take_rest(),
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.bytes(self.data);
    }
}
