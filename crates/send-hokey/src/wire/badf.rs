//! Binding Authorization Data for FMIPv6 (BADF) option, mobility option type 21
//! ([RFC 5568 §6.4.5](https://www.rfc-editor.org/rfc/rfc5568#section-6.4.5)).

use keying_tlv::{Error as DecodeError, ErrorKind, Writer};

/// BADF option view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Badf<'a> {
    /// Security Parameter Index (0 for RFC 5269 keys).
    pub spi: u32,
    /// The authenticator.
    pub authenticator: &'a [u8],
}

impl<'a> Badf<'a> {
    /// Decodes the option data (after the Length octet); `offset` is the option's Type
    /// octet.
    pub(crate) fn parse(data: &'a [u8], offset: usize) -> Result<Self, DecodeError> {
        match data.split_first_chunk::<4>() {
            Some((spi, authenticator)) => Ok(Self {
                spi: u32::from_be_bytes(*spi),
                authenticator,
            }),
            None => Err(DecodeError::new(
                offset + 1,
                "BADF option length",
                ErrorKind::BadLength { value: data.len() },
            )),
        }
    }

    /// Writes the option.
    pub fn emit(&self, w: &mut Writer<'_>) {
        w.u8(crate::wire::fbu::MH_OPT_BADF);
        let l = w.open_len_after(1, "BADF option length");
        w.u32(self.spi);
        w.bytes(self.authenticator);
        w.close_len(l);
    }
}
