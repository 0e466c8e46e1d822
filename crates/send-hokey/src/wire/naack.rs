//! Neighbor Advertisement Acknowledgment option, type 20
//! ([RFC 5568 §6.4.6](https://www.rfc-editor.org/rfc/rfc5568#section-6.4.6)).
//!
//! ```text
//! | Type=20 | Length (1 or 3) | Option-Code | Status |
//! |                Reserved (32)                      |
//! |         [ new CoA (128) when Length is 3 ]        |
//! ```

use core::net::Ipv6Addr;

use keying_tlv::{Codec, Error, ErrorKind, Reader, Writer};

use super::NdOptionType;

/// NAACK option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Naack {
    /// Option-Code (0).
    pub code: u8,
    /// Status: 1 NCoA invalid, configure; 2 NCoA invalid, use the supplied one; 3 NCoA
    /// invalid, use the PCoA; 4 NCoA in use; 128 link-layer address unrecognised.
    pub status: u8,
    /// The NCoA supplied by the NAR (Length 3).
    pub new_coa: Option<Ipv6Addr>,
}

impl<'a> Codec<'a> for Naack {
    type Kind = NdOptionType;
    const KIND: NdOptionType = NdOptionType::Naack;
    type Error = Error;

    fn read(r: &mut Reader<'a>) -> Result<Self, Error> {
        let len_at = r.offset().saturating_sub(1);
        let has_coa = match r.remaining() {
            6 => false,
            22 => true,
            n => {
                return Err(Error::new(
                    len_at,
                    "NAACK option length",
                    ErrorKind::BadLength { value: (n + 2) / 8 },
                ));
            }
        };
        let code = r.u8("NAACK option-code")?;
        let status = r.u8("NAACK status")?;
        r.u32("NAACK reserved")?;
        let new_coa = if has_coa {
            Some(Ipv6Addr::from(u128::from_be_bytes(
                r.array("NAACK new CoA")?,
            )))
        } else {
            None
        };
        Ok(Self {
            code,
            status,
            new_coa,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.code);
        w.u8(self.status);
        w.u32(0);
        if let Some(a) = self.new_coa {
            w.bytes(&a.octets());
        }
    }
}
