//! The Notification payload
//! ([RFC 2408 §3.14](https://www.rfc-editor.org/rfc/rfc2408#section-3.14)).
//!
//! ```text
//! ! Next Payload  !   RESERVED    !         Payload Length        !
//! !              Domain of Interpretation  (DOI)                  !
//! !  Protocol-ID  !   SPI Size    !      Notify Message Type      !
//! ~                Security Parameter Index (SPI)                 ~
//! ~                       Notification Data                       ~
//! ```
//!
//! RFC 8263 defines no notification for ACK failures; this codec exists for the GDOI
//! informational messages around it.

use keying_tlv::{Reader, Result, Writer};

use keying_tlv::Codec;

use crate::wire::{PayloadType, emit_len_u8, take_body};

keying_tlv::wire_enum! {
    /// Notify message types (RFC 2408 §3.14.1 errors, and status values).
    pub enum NotifyType: u16 {
        /// INVALID-PAYLOAD-TYPE.
        InvalidPayloadType = 1,
        /// PAYLOAD-MALFORMED.
        PayloadMalformed = 16,
        /// INVALID-HASH-INFORMATION.
        InvalidHashInformation = 23,
        /// AUTHENTICATION-FAILED.
        AuthenticationFailed = 24,
        /// INVALID-SIGNATURE.
        InvalidSignature = 25,
        /// CONNECTED.
        Connected = 16384,
    }
}

/// A Notification payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Notification<'a> {
    /// DOI.
    pub doi: u32,
    /// Protocol-ID.
    pub protocol_id: u8,
    /// Notify message type.
    pub notify_type: NotifyType,
    /// SPI (its length is the SPI Size field, ≤ 255).
    pub spi: &'a [u8],
    /// Notification data.
    pub data: &'a [u8],
}

impl<'a> Codec<'a> for Notification<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Notification;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let mut r = take_body(r);
        let doi = r.u32("Notification DOI")?;
        let protocol_id = r.u8("Notification protocol-ID")?;
        let spi_size = r.u8("Notification SPI size")?;
        let notify_type = NotifyType::from(r.u16("Notify message type")?);
        let spi = r.bytes(usize::from(spi_size), "Notification SPI")?;
        Ok(Self {
            doi,
            protocol_id,
            notify_type,
            spi,
            data: r.take_rest(),
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u32(self.doi);
        w.u8(self.protocol_id);
        emit_len_u8(w, self.spi.len(), "Notification SPI size");
        w.u16(self.notify_type.to_wire());
        w.bytes(self.spi);
        w.bytes(self.data);
    }
}
