//! Handover Key Request option (type 27), the AT both options carry, and the layout of both
//! options 27 and 28
//! ([RFC 5269 §4](https://www.rfc-editor.org/rfc/rfc5269#section-4)).
//!
//! ```text
//! Request: | 27 | Length | Pad Length | AT | Resrvd | HK Encryption Public Key | Padding |
//! Reply:   | 28 | Length | Pad Length | AT | Resrvd | Key Lifetime (16) |
//!          | Encrypted Handover Key | Padding |
//! ```
//! The public key is a DER SubjectPublicKeyInfo, like the CGA key (RFC 5269 §4.1). The key
//! is `8·Length − 4 − PadLength` octets, the ciphertext `8·Length − 6 − PadLength`.
//!
//! RFC 5269 §4.2's figure leaves the two octets to the right of Key Lifetime blank; this
//! crate, like Wireshark, libtins and the vectors in tests/vectors/send-hokey, starts the
//! ciphertext right after Key Lifetime (octet 6).

use keying_tlv::{Codec, Error, Reader, Writer};

use super::NdOptionType;

use super::{pad_len_u8, padded_payload};

keying_tlv::wire_enum! {
    /// The 4-bit AT (algorithm type) of options 27 and 28.
    ///
    /// RFC 5269 refers to [FMIP] for the values, but neither RFC 5268, RFC 5568 nor IANA
    /// defines any (there is no IANA registry for AT). This crate's local mapping:
    /// **AT 0 = HMAC-SHA1-96**, the RFC 5568 §6.4.5 default MAC. Values it does not name are
    /// [`AuthAlgorithm::Unknown`] and unsupported.
    pub enum AuthAlgorithm: u8 {
        /// HMAC-SHA1 truncated to 96 bits (RFC 5568 §6.4.5 default).
        HmacSha1_96 = 0,
    }
}

impl AuthAlgorithm {
    /// The AT this crate requests by default.
    pub const DEFAULT: Self = Self::HmacSha1_96;

    /// Relative strength, for the bid-down check: `None` for an algorithm this crate does
    /// not support.
    #[must_use]
    pub const fn strength(self) -> Option<u8> {
        match self {
            Self::HmacSha1_96 => Some(1),
            Self::Unknown(_) => None,
        }
    }

    /// Authenticator length in octets.
    #[must_use]
    pub const fn mac_len(self) -> Option<usize> {
        match self {
            Self::HmacSha1_96 => Some(12),
            Self::Unknown(_) => None,
        }
    }

    /// Handover-key length this crate generates for the algorithm (the HMAC hash's output
    /// size, RFC 5269 §3.6 "sufficient strength").
    #[must_use]
    pub const fn key_len(self) -> Option<usize> {
        match self {
            Self::HmacSha1_96 => Some(20),
            Self::Unknown(_) => None,
        }
    }

    pub(crate) fn from_nibble(octet: u8) -> Self {
        Self::from(octet >> 4)
    }

    pub(crate) fn to_octet(self) -> u8 {
        (self.to_wire() & 0x0f) << 4
    }
}

/// Handover Key Request option (type 27).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandoverKeyRequest<'a> {
    /// The algorithm the MN prefers for the FBU authenticator.
    pub at: AuthAlgorithm,
    /// The handover-key encryption public key (DER SPKI), without padding.
    pub public_key: &'a [u8],
}

impl<'a> Codec<'a> for HandoverKeyRequest<'a> {
    type Kind = NdOptionType;
    const KIND: NdOptionType = NdOptionType::HandoverKeyRequest;
    type Error = Error;

    fn read(r: &mut Reader<'a>) -> Result<Self, Error> {
        let pad_at = r.offset();
        let pad = r.u8("HK Request pad length")?;
        let at = AuthAlgorithm::from_nibble(r.u8("HK Request AT")?);
        let public_key = padded_payload(r, pad, pad_at, "HK encryption public key")?;
        Ok(Self { at, public_key })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(pad_len_u8(4, self.public_key.len()));
        w.u8(self.at.to_octet());
        w.bytes(self.public_key);
    }
}
