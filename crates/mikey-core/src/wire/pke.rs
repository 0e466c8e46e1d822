//! Envelope data payload (PKE, RFC 3830 §6.3).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next payload  ! C ! Data len                  ! Data          ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! C is 2 bits and Data len 14 bits (at most 16383 bytes). GStreamer writes this field
//! with a logical OR (`0x0001`) and Wireshark's walker masks 10 bits; neither is followed.

use keying_tlv::{Reader, Result, WriteError, Writer, wire_enum};

use crate::wire::{PayloadType, check_bits};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const C_DATA_LEN: core::ops::Range<usize> = 1..3;
    pub const DATA: usize = 3;
}

/// Largest PKE Data len (14 bits).
pub const MAX_DATA_LEN: usize = 0x3fff;

wire_enum! {
    /// C, the envelope-key cache indicator (RFC 3830 §6.3), 2 bits.
    pub enum PkeCache: u8 {
        /// No cache.
        NoCache = 0,
        /// Cache.
        Cache = 1,
        /// Cache for the CSB only.
        CacheForCsb = 2,
    }
}

/// Envelope data payload (PKE, RFC 3830 §6.3): the envelope key encrypted with the
/// recipient's public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pke<'a> {
    /// Cache indicator.
    pub cache: PkeCache,
    /// The encrypted envelope key.
    pub data: &'a [u8],
}

impl<'a> Codec<'a> for Pke<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Pke;
    type Error = keying_tlv::Error;

    #[inline]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let v = r.u16("PKE C / Data len")?;
        let cache = PkeCache::from(u8::try_from(v >> 14).unwrap_or_default());
        let data = r.bytes(usize::from(v & 0x3fff), "PKE Data")?;
        Ok(Self { cache, data })
    }

    fn write(&self, w: &mut Writer<'_>) {
        let c = check_bits(w, self.cache.to_wire(), 2, "PKE C");
        let len = self.data.len();
        if len > MAX_DATA_LEN {
            w.fail(WriteError::TooLong {
                field: "PKE Data len",
                value: len,
            });
        }
        let len = u16::try_from(len & MAX_DATA_LEN).unwrap_or_default();
        w.u16((u16::from(c & 3) << 14) | len);
        w.bytes(self.data);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::wire::Framed;
    use crate::wire::tests::check_payload;

    #[test]
    fn cache_bits_and_14_bit_length() {
        let mut bytes = vec![4u8, 0x80 | 0x04, 0x4c];
        bytes.extend(core::iter::repeat_n(0x55, 1100));
        let p = Pke {
            cache: PkeCache::CacheForCsb,
            data: &[0x55; 1100],
        };
        check_payload(&bytes, p, PayloadType::Sign);
        let too_long = Pke {
            cache: PkeCache::NoCache,
            data: &[0; MAX_DATA_LEN + 1],
        };
        let mut buf = vec![0u8; 20000];
        assert!(too_long.to_bytes(PayloadType::Last, &mut buf).is_err());
    }
}
