//! The Sequence Number payload
//! ([RFC 6407 §5.7](https://www.rfc-editor.org/rfc/rfc6407#section-5.7)).
//!
//! ```text
//! ! Next Payload  !   RESERVED    !         Payload Length = 8    !
//! !                        Sequence Number                        !
//! ```

use keying_tlv::{ErrorKind, Reader, Result, Writer};

use keying_tlv::Codec;

use crate::wire::{PayloadType, take_body};

/// Length of the whole SEQ payload (generic header + 4 octets); RFC 6407 §5.7 fixes it.
pub const SEQ_PAYLOAD_LEN: usize = 8;

/// A Sequence Number payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Seq(pub u32);

impl<'a> Codec<'a> for Seq {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Seq;
    type Error = keying_tlv::Error;

    /// The body must be exactly 4 octets (payload length 8).
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let r = take_body(r);
        if r.remaining() != 4 {
            return Err(r.error(
                "SEQ payload length 8",
                ErrorKind::BadLength {
                    value: r.remaining() + 4,
                },
            ));
        }
        let mut r = r;
        Ok(Self(r.u32("sequence number")?))
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u32(self.0);
    }
}

impl Seq {
    /// The whole payload as it enters the ACK HASH (`next` is its Next Payload octet).
    pub const fn to_payload_bytes(self, next: u8) -> [u8; SEQ_PAYLOAD_LEN] {
        let [a, b, c, d] = self.0.to_be_bytes();
        [next, 0, 0, 8, a, b, c, d]
    }
}
