//! The HASH payload ([RFC 2408 §3.11](https://www.rfc-editor.org/rfc/rfc2408#section-3.11);
//! in the ACK: [RFC 8263 §3.2](https://www.rfc-editor.org/rfc/rfc8263#section-3.2)).
//!
//! ```text
//! ! Next Payload  !   RESERVED    !         Payload Length        !
//! ~                           Hash Data                           ~
//! ```

use keying_tlv::{ErrorKind, Reader, Result, Writer};

use keying_tlv::Codec;

use crate::wire::{PayloadType, take_body};

/// A HASH payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HashPayload<'a> {
    /// The hash data (non-empty).
    pub data: &'a [u8],
}

impl<'a> Codec<'a> for HashPayload<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Hash;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let mut r = take_body(r);
        if r.is_empty() {
            return Err(r.error("HASH data", ErrorKind::BadLength { value: 4 }));
        }
        Ok(Self {
            data: r.take_rest(),
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.bytes(self.data);
    }
}
