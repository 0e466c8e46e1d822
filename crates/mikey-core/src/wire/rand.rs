//! RAND payload (RFC 3830 §6.11).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next payload  !   RAND len    !             RAND              ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use keying_tlv::{Reader, Result, Writer};

use crate::wire::{PayloadType, read_len8, write_len};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const RAND_LEN: usize = 1;
    pub const RAND: usize = 2;
}

/// RAND payload (RFC 3830 §6.11): the Initiator's random value, input to every key
/// derivation (RFC 3830 recommends at least 128 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rand<'a> {
    /// The random bytes.
    pub rand: &'a [u8],
}

impl<'a> Codec<'a> for Rand<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Rand;
    type Error = keying_tlv::Error;

    #[inline]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        Ok(Self {
            rand: read_len8(r, "RAND")?,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        write_len(w, self.rand.len(), 1, "RAND len");
        w.bytes(self.rand);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wire::tests::check_payload;

    #[test]
    fn capture_m3_rand() {
        let bytes = hex_literal::hex!("0a 10 000102030405060708090a0b0c0d0e0f");
        let rand = Rand {
            rand: &hex_literal::hex!("000102030405060708090a0b0c0d0e0f"),
        };
        check_payload(&bytes, rand, PayloadType::Sp);
    }
}
