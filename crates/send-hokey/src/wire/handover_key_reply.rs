//! Handover Key Reply option, type 28 ([RFC 5269 §4.2](https://www.rfc-editor.org/rfc/rfc5269#section-4.2)).
//! Layout and the position of the ciphertext: [`super::handover_key_request`].

use keying_tlv::{Codec, Error, Reader, Writer};

use super::NdOptionType;

use super::{AuthAlgorithm, pad_len_u8, padded_payload};

/// Handover Key Reply option (type 28).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandoverKeyReply<'a> {
    /// The algorithm the AR chose.
    pub at: AuthAlgorithm,
    /// HK-LIFETIME in seconds.
    pub lifetime: u16,
    /// The RSAES-PKCS1-v1_5 encrypted handover key, without padding.
    pub encrypted_key: &'a [u8],
}

impl<'a> Codec<'a> for HandoverKeyReply<'a> {
    type Kind = NdOptionType;
    const KIND: NdOptionType = NdOptionType::HandoverKeyReply;
    type Error = Error;

    fn read(r: &mut Reader<'a>) -> Result<Self, Error> {
        let pad_at = r.offset();
        let pad = r.u8("HK Reply pad length")?;
        let at = AuthAlgorithm::from_nibble(r.u8("HK Reply AT")?);
        let lifetime = r.u16("HK Reply key lifetime")?;
        let encrypted_key = padded_payload(r, pad, pad_at, "encrypted handover key")?;
        Ok(Self {
            at,
            lifetime,
            encrypted_key,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(pad_len_u8(6, self.encrypted_key.len()));
        w.u8(self.at.to_octet());
        w.u16(self.lifetime);
        w.bytes(self.encrypted_key);
    }
}
