//! Trust Anchor option, type 15 ([RFC 3971 §6.4.3](https://www.rfc-editor.org/rfc/rfc3971#section-6.4.3)).
//!
//! ```text
//! | Type=15 | Length | Name Type | Pad Length | Name ... | Padding |
//! ```

use keying_tlv::{Codec, Error, Reader, Writer};

use super::NdOptionType;

use super::{pad_len_u8, padded_payload};

/// Trust Anchor option view. Name Type 1 is a DER-encoded X.501 Name, 2 an FQDN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustAnchor<'a> {
    /// Name Type.
    pub name_type: u8,
    /// The name, without padding.
    pub name: &'a [u8],
}

impl<'a> Codec<'a> for TrustAnchor<'a> {
    type Kind = NdOptionType;
    const KIND: NdOptionType = NdOptionType::TrustAnchor;
    type Error = Error;

    fn read(r: &mut Reader<'a>) -> Result<Self, Error> {
        let name_type = r.u8("Trust Anchor name type")?;
        let pad_at = r.offset();
        let pad = r.u8("Trust Anchor pad length")?;
        let name = padded_payload(r, pad, pad_at, "Trust Anchor name")?;
        Ok(Self { name_type, name })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.name_type);
        w.u8(pad_len_u8(4, self.name.len()));
        w.bytes(self.name);
    }
}
