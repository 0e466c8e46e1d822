//! Certificate option, type 16 ([RFC 3971 §6.4.4](https://www.rfc-editor.org/rfc/rfc3971#section-6.4.4)).
//!
//! ```text
//! | Type=16 | Length | Cert Type | Reserved | Certificate ... | Padding |
//! ```
//! There is no Pad Length: the padding is whatever follows the certificate's DER encoding.
//! The view keeps certificate and padding together; [`Certificate::certificate`] cuts at
//! the end of the DER encoding. This crate does not parse X.509 (see the crate docs on the
//! router-authorisation hook).

use keying_tlv::{Codec, Error, Reader, Writer};

use super::NdOptionType;

/// Certificate option view. Cert Type 1 is X.509v3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Certificate<'a> {
    /// Cert Type.
    pub cert_type: u8,
    /// The certificate followed by the option's padding.
    pub data: &'a [u8],
}

impl<'a> Codec<'a> for Certificate<'a> {
    type Kind = NdOptionType;
    const KIND: NdOptionType = NdOptionType::Certificate;
    type Error = Error;

    fn read(r: &mut Reader<'a>) -> Result<Self, Error> {
        let cert_type = r.u8("Certificate cert type")?;
        r.u8("Certificate reserved")?;
        Ok(Self {
            cert_type,
            data: r.take_rest(),
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.cert_type);
        w.u8(0);
        w.bytes(self.data);
    }
}

impl<'a> Certificate<'a> {
    /// The DER certificate without padding, if its outer length is well formed.
    #[must_use]
    pub fn certificate(&self) -> Option<&'a [u8]> {
        self.data.get(..crate::wire::der::tlv_len(self.data)?)
    }
}
