//! SAKKE payload (RFC 6509 §4.2): SAKKE encapsulated data as a framed, typed view.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next payload  ! SAKKE params  !   ID scheme   ! SAKKE data len
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!   (cont.)       !                  SAKKE data                   ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use keying_tlv::{Reader, Result, Writer, wire_enum};

use crate::wire::{PayloadType, read_len16, write_len};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const PARAMS: usize = 1;
    pub const ID_SCHEME: usize = 2;
    pub const DATA_LEN: core::ops::Range<usize> = 3..5;
    pub const DATA: usize = 5;
}

wire_enum! {
    /// SAKKE params (RFC 6509 §4.2).
    pub enum SakkeParams: u8 {
        /// Parameter set 1 of RFC 6509 Appendix A.
        ParameterSet1 = 1,
    }
}

wire_enum! {
    /// SAKKE ID scheme (RFC 6509 §4.2; 3GPP TS 33.180 uses 2, which stays `Unknown`).
    pub enum SakkeIdScheme: u8 {
        /// tel URI with monthly keys (RFC 6509 §3.2).
        TelUriMonthlyKeys = 1,
    }
}

/// SAKKE payload (RFC 6509 §4.2). For parameter set 1 the data is the encapsulated
/// data R ‖ H: a 257-byte uncompressed point and a 16-byte H (273 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sakke<'a> {
    /// SAKKE parameter set.
    pub params: SakkeParams,
    /// Identifier scheme.
    pub id_scheme: SakkeIdScheme,
    /// SAKKE encapsulated data.
    pub data: &'a [u8],
}

impl<'a> Sakke<'a> {
    /// The point R (0x04 ‖ x ‖ y) and H of parameter-set-1 encapsulated data, when the data
    /// has that shape.
    pub fn encapsulated(&self) -> Option<(&'a [u8], &'a [u8])> {
        (self.params == SakkeParams::ParameterSet1 && self.data.len() == 273)
            .then(|| self.data.split_at(257))
    }
}

impl<'a> Codec<'a> for Sakke<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Sakke;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let params = SakkeParams::from(r.u8("SAKKE params")?);
        let id_scheme = SakkeIdScheme::from(r.u8("SAKKE ID scheme")?);
        let data = read_len16(r, "SAKKE data")?;
        Ok(Self {
            params,
            id_scheme,
            data,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.params.to_wire());
        w.u8(self.id_scheme.to_wire());
        write_len(w, self.data.len(), 2, "SAKKE data length");
        w.bytes(self.data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wire::tests::check_payload;

    #[test]
    fn small_sakke() {
        let bytes = hex_literal::hex!("15 01 02 0003 040506");
        let p = Sakke {
            params: SakkeParams::ParameterSet1,
            id_scheme: SakkeIdScheme::Unknown(2),
            data: &[4, 5, 6],
        };
        check_payload(&bytes, p, PayloadType::GeneralExt);
        assert_eq!(p.encapsulated(), None);
    }
}
