//! Nonce option, type 14 ([RFC 3971 §5.3.2](https://www.rfc-editor.org/rfc/rfc3971#section-5.3.2)).
//!
//! ```text
//! | Type=14 | Length | Nonce (8·Length − 2 octets, at least 6) |
//! ```
//! The nonce fills the option: its length is `8·Length − 2`, so a nonce to be emitted must be
//! 6, 14, 22, … octets long for the round trip to hold.

use keying_tlv::{Codec, Error, Reader, Writer};

use super::NdOptionType;

/// Nonce option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nonce<'a> {
    /// The nonce (every octet after Length).
    pub nonce: &'a [u8],
}

impl<'a> Codec<'a> for Nonce<'a> {
    type Kind = NdOptionType;
    const KIND: NdOptionType = NdOptionType::Nonce;
    type Error = Error;

    fn read(r: &mut Reader<'a>) -> Result<Self, Error> {
        Ok(Self {
            nonce: r.take_rest(),
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.bytes(self.nonce);
    }
}
