//! RSA Signature option, type 12 ([RFC 3971 §5.2](https://www.rfc-editor.org/rfc/rfc3971#section-5.2)).
//!
//! ```text
//! | Type=12 | Length | Reserved (16) |
//! | Key Hash (128)                   |
//! | Digital Signature ... | Padding  |
//! ```
//! The signature length is not encoded: it is the signer's modulus length `k`, and the rest
//! of the option is padding (RFC 3971 §5.2).

use keying_tlv::{Codec, Error, Reader, Writer};

use super::NdOptionType;

/// RSA Signature option view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RsaSignature<'a> {
    /// First 128 bits of SHA-1 over the signer's DER SubjectPublicKeyInfo.
    pub key_hash: [u8; 16],
    /// The signature followed by the option's padding.
    pub signature_and_padding: &'a [u8],
}

impl<'a> Codec<'a> for RsaSignature<'a> {
    type Kind = NdOptionType;
    const KIND: NdOptionType = NdOptionType::RsaSignature;
    type Error = Error;

    fn read(r: &mut Reader<'a>) -> Result<Self, Error> {
        r.u16("RSA Signature reserved")?;
        let key_hash = r.array("RSA Signature key hash")?;
        Ok(Self {
            key_hash,
            signature_and_padding: r.take_rest(),
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u16(0);
        w.bytes(&self.key_hash);
        w.bytes(self.signature_and_padding);
    }
}

impl<'a> RsaSignature<'a> {
    /// The first `k` octets after the Key Hash, for a `k`-octet modulus; `None` if the
    /// option is shorter (it must then be rejected).
    #[must_use]
    pub fn signature(&self, k: usize) -> Option<&'a [u8]> {
        self.signature_and_padding.get(..k)
    }
}
