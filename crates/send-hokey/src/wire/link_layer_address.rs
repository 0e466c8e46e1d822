//! Link-Layer Address option, type 19
//! ([RFC 5568 §6.4.3](https://www.rfc-editor.org/rfc/rfc5568#section-6.4.3)).
//!
//! ```text
//! | Type=19 | Length | Option-Code | LLA ... (padded to 8n) |
//! ```
//! The option has no LLA length field; the link type decides it. The view keeps every
//! octet after Option-Code (address and padding, as Wireshark does) so that the option
//! round-trips; [`LinkLayerAddress::mac48`] reads an Ethernet address.

use keying_tlv::{Codec, Error, Reader, Writer};

use super::NdOptionType;

keying_tlv::wire_enum! {
    /// LLA Option-Code (RFC 5568 §6.4.3).
    pub enum LlaCode: u8 {
        /// Wildcard: all nearby access points.
        Wildcard = 0,
        /// Link-layer address of the New Access Point.
        NewAccessPoint = 1,
        /// Link-layer address of the MN.
        MobileNode = 2,
        /// Link-layer address of the NAR.
        NewAccessRouter = 3,
        /// Link-layer address of the sender of the RtSolPr or PrRtAdv.
        Source = 4,
        /// The AP is on the current router interface (no CoA change).
        CurrentRouterAp = 5,
        /// No prefix information is available for the AP.
        NoPrefixInfo = 6,
        /// No fast handover support for the AP.
        NoFastHandover = 7,
    }
}

/// Link-Layer Address option view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkLayerAddress<'a> {
    /// Option-Code.
    pub code: LlaCode,
    /// Link-layer address followed by the option's zero padding (on emit, the Writer pads).
    pub address: &'a [u8],
}

impl<'a> Codec<'a> for LinkLayerAddress<'a> {
    type Kind = NdOptionType;
    const KIND: NdOptionType = NdOptionType::LinkLayerAddress;
    type Error = Error;

    fn read(r: &mut Reader<'a>) -> Result<Self, Error> {
        let code = LlaCode::from(r.u8("LLA option-code")?);
        Ok(Self {
            code,
            address: r.take_rest(),
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.code.to_wire());
        w.bytes(self.address);
    }
}

impl<'a> LinkLayerAddress<'a> {
    /// The first six octets of the address field: an IEEE 802 MAC address.
    #[must_use]
    pub fn mac48(&self) -> Option<[u8; 6]> {
        self.address.get(..6)?.try_into().ok()
    }
}
