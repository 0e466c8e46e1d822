//! Verification message payload (V, RFC 3830 §6.9).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next Payload  ! Auth alg      ! Ver data                      ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! Auth alg uses the KEMAC MAC alg numbering ([`MacAlg`]); the Ver data length follows
//! from it.

use keying_tlv::{Reader, Result, Writer};

use crate::wire::PayloadType;
use crate::wire::kemac::{MacAlg, read_mac, write_mac};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const AUTH_ALG: usize = 1;
    pub const VER_DATA: usize = 2;
}

/// Verification message payload (V, RFC 3830 §6.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification<'a> {
    /// Authentication algorithm.
    pub auth_alg: MacAlg,
    /// The MAC (Ver data).
    pub ver_data: &'a [u8],
}

impl Verification<'_> {
    /// Offset of the Ver data within the payload.
    pub const MAC_OFFSET: usize = 2;
}

impl<'a> Codec<'a> for Verification<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::V;
    type Error = keying_tlv::Error;

    #[inline]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let (auth_alg, ver_data) = read_mac(r)?;
        Ok(Self { auth_alg, ver_data })
    }

    fn write(&self, w: &mut Writer<'_>) {
        write_mac(w, self.auth_alg, self.ver_data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wire::tests::check_payload;

    #[test]
    fn capture_m9_v() {
        let bytes = hex_literal::hex!("00 01 685cc35abd6b2830bf48275c2219dd8c6e51cb02");
        let p = Verification {
            auth_alg: MacAlg::HmacSha1_160,
            ver_data: &hex_literal::hex!("685cc35abd6b2830bf48275c2219dd8c6e51cb02"),
        };
        check_payload(&bytes, p, PayloadType::Last);
    }
}
