//! CGA option, type 11 ([RFC 3971 §5.1](https://www.rfc-editor.org/rfc/rfc3971#section-5.1)),
//! and CGA Parameters ([RFC 3972 §3](https://www.rfc-editor.org/rfc/rfc3972#section-3),
//! extensions [RFC 4581](https://www.rfc-editor.org/rfc/rfc4581)).
//!
//! ```text
//! Option:     | 11 | Length | Pad Length | Reserved | CGA Parameters ... | Padding |
//! Parameters: | Modifier (128) | Subnet Prefix (64) | Collision Count (8) |
//!             | Public Key (DER SubjectPublicKeyInfo) | Extension Fields ...  |
//! Extension:  | Type (16) | Length (16, octets of data) | data |
//! ```

use keying_tlv::{Codec, Error, ErrorKind, Reader, Writer};

use super::NdOptionType;

use super::{pad_len_u8, padded_payload};

/// CGA option view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CgaOption<'a> {
    /// The encoded CGA Parameters, without padding.
    pub parameters: &'a [u8],
}

impl<'a> Codec<'a> for CgaOption<'a> {
    type Kind = NdOptionType;
    const KIND: NdOptionType = NdOptionType::Cga;
    type Error = Error;

    fn read(r: &mut Reader<'a>) -> Result<Self, Error> {
        let pad_at = r.offset();
        let pad = r.u8("CGA pad length")?;
        r.u8("CGA reserved")?;
        let parameters = padded_payload(r, pad, pad_at, "CGA parameters")?;
        Ok(Self { parameters })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(pad_len_u8(4, self.parameters.len()));
        w.u8(0);
        w.bytes(self.parameters);
    }
}

impl<'a> CgaOption<'a> {
    /// Decodes the parameters, reporting offsets relative to the parameters' first octet.
    ///
    /// # Errors
    /// As [`CgaParams::parse`].
    pub fn params(&self) -> Result<CgaParams<'a>, Error> {
        CgaParams::parse(self.parameters)
    }
}

/// Length of the fixed part of the CGA Parameters (modifier, prefix, collision count).
pub const CGA_PARAMS_FIXED_LEN: usize = 25;

/// CGA Parameters view (RFC 3972 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CgaParams<'a> {
    /// The 128-bit modifier.
    pub modifier: [u8; 16],
    /// The 64-bit subnet prefix.
    pub subnet_prefix: [u8; 8],
    /// Collision count (0, 1 or 2 for a valid CGA; the codec keeps any value).
    pub collision_count: u8,
    /// The public key: the exact DER SubjectPublicKeyInfo octets received.
    pub public_key: &'a [u8],
    /// The extension fields (RFC 4581 TLVs), possibly empty; unknown ones are kept because
    /// they enter both hashes.
    pub extensions: &'a [u8],
}

impl<'a> CgaParams<'a> {
    /// Decodes `bytes` (the whole parameters).
    ///
    /// # Errors
    /// [`ErrorKind::Truncated`] for a short fixed part; [`ErrorKind::InvalidValue`] if the
    /// public key is not one well-formed DER TLV; [`ErrorKind::Truncated`] or
    /// [`ErrorKind::TrailingBytes`] for extension fields that do not parse as TLVs.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes);
        let modifier = r.array("CGA modifier")?;
        let subnet_prefix = r.array("CGA subnet prefix")?;
        let collision_count = r.u8("CGA collision count")?;
        let key_len = crate::wire::der::tlv_len(r.rest()).ok_or_else(|| {
            r.error(
                "CGA public key (DER SubjectPublicKeyInfo)",
                ErrorKind::InvalidValue {
                    value: r.rest().first().copied().map_or(0, u32::from),
                },
            )
        })?;
        let public_key = r.bytes(key_len, "CGA public key")?;
        let ext_at = r.offset();
        let extensions = r.take_rest();
        let mut e = Reader::at(extensions, ext_at);
        while !e.is_empty() {
            e.u16("CGA extension type")?;
            let n = e.u16("CGA extension length")?;
            e.bytes(usize::from(n), "CGA extension data")?;
        }
        Ok(Self {
            modifier,
            subnet_prefix,
            collision_count,
            public_key,
            extensions,
        })
    }

    /// Writes the parameters.
    pub fn emit(&self, w: &mut Writer<'_>) {
        w.bytes(&self.modifier);
        w.bytes(&self.subnet_prefix);
        w.u8(self.collision_count);
        w.bytes(self.public_key);
        w.bytes(self.extensions);
    }

    /// Encoded length.
    #[must_use]
    pub fn buffer_len(&self) -> usize {
        CGA_PARAMS_FIXED_LEN + self.public_key.len() + self.extensions.len()
    }
}
