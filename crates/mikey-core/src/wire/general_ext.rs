//! General extension payload (RFC 3830 §6.15; types from RFC 4738 §3.9.3 and 3GPP).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next payload  !     Type      !            Length             !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !                             Data                              ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use keying_tlv::{Reader, Result, Writer, wire_enum};

use crate::wire::{PayloadType, read_len16, write_len};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const TYPE: usize = 1;
    pub const LENGTH: core::ops::Range<usize> = 2..4;
    pub const DATA: usize = 4;
}

wire_enum! {
    /// General extension type (RFC 3830 §6.15 Table 6.15; 2-4 as listed in RFC 4738
    /// §3.9.3; 7 used by 3GPP TS 33.180 for the MIKEY-SAKKE associated parameters).
    pub enum GenExtType: u8 {
        /// Vendor ID.
        VendorId = 0,
        /// SDP IDs: the key-management protocol identifiers offered in SDP, for
        /// bidding-down protection (RFC 4567 §3.1.1).
        SdpIds = 1,
        /// TESLA I-Key (RFC 4442).
        TeslaIKey = 2,
        /// Key ID (RFC 4563).
        KeyId = 3,
        /// CSB_ID: a new CSB ID chosen by the Responder for group keys (RFC 4738 §3.6).
        CsbId = 4,
        /// MIKEY-SAKKE associated parameters (3GPP TS 33.180; not an IETF registration).
        SakkeParams3gpp = 7,
    }
}

/// General extension payload (RFC 3830 §6.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeneralExtension<'a> {
    /// Extension type.
    pub ext_type: GenExtType,
    /// Extension data.
    pub data: &'a [u8],
}

impl<'a> GeneralExtension<'a> {
    /// The protocol identifiers of an SDP-IDs extension (space-separated, as in the SDP
    /// `a=key-mgmt` attribute names), or `None` for other types.
    pub fn sdp_ids(&self) -> Option<impl Iterator<Item = &'a [u8]> + 'a> {
        (self.ext_type == GenExtType::SdpIds)
            .then(|| self.data.split(|&b| b == b' ').filter(|id| !id.is_empty()))
    }

    /// The CSB ID of a CSB_ID extension (RFC 4738 §3.6), or `None`.
    pub fn csb_id(&self) -> Option<u32> {
        if self.ext_type != GenExtType::CsbId {
            return None;
        }
        let b: [u8; 4] = self.data.try_into().ok()?;
        Some(u32::from_be_bytes(b))
    }
}

impl<'a> Codec<'a> for GeneralExtension<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::GeneralExt;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let ext_type = GenExtType::from(r.u8("General extension type")?);
        let data = read_len16(r, "General extension data")?;
        Ok(Self { ext_type, data })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.ext_type.to_wire());
        write_len(w, self.data.len(), 2, "General extension length");
        w.bytes(self.data);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    use crate::wire::tests::check_payload;

    #[test]
    fn capture_m10_sdp_ids() {
        let bytes = hex_literal::hex!("15 01 0003 312032");
        let p = GeneralExtension {
            ext_type: GenExtType::SdpIds,
            data: b"1 2",
        };
        check_payload(&bytes, p, PayloadType::GeneralExt);
        let ids: [&[u8]; 2] = [b"1", b"2"];
        assert!(p.sdp_ids().unwrap().eq(ids));
        assert_eq!(p.csb_id(), None);
        let csb = GeneralExtension {
            ext_type: GenExtType::CsbId,
            data: &[1, 2, 3, 4],
        };
        assert_eq!(csb.csb_id(), Some(0x0102_0304));
    }
}
