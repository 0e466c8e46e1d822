//! The Group Associated Policy payload
//! ([RFC 6407 §5.4](https://www.rfc-editor.org/rfc/rfc6407#section-5.4)).
//!
//! ```text
//! ! Next Payload  !   RESERVED    !         Payload Length        !
//! ~                     Group Associated Policy Attributes        ~
//! ```

use keying_tlv::{Reader, Result, Writer};

use crate::wire::attributes::Attributes;
use keying_tlv::Codec;

use crate::wire::{PayloadType, take_body};

keying_tlv::wire_enum! {
    /// GAP attribute types (all TV).
    pub enum GapAttribute: u16 {
        /// ACTIVATION_TIME_DELAY in seconds.
        ActivationTimeDelay = 1,
        /// DEACTIVATION_TIME_DELAY in seconds.
        DeactivationTimeDelay = 2,
        /// SENDER_ID_REQUEST (GM → GCKS, PULL message 3 only).
        SenderIdRequest = 3,
    }
}

/// A GAP payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Gap<'a> {
    /// The attributes (the three known ones checked to be TV).
    pub attributes: Attributes<'a>,
}

impl Gap<'_> {
    fn basic(&self, a: GapAttribute) -> Option<u16> {
        self.attributes.get(a.to_wire()).and_then(|a| a.as_basic())
    }

    /// ACTIVATION_TIME_DELAY.
    pub fn activation_time_delay(&self) -> Option<u16> {
        self.basic(GapAttribute::ActivationTimeDelay)
    }

    /// DEACTIVATION_TIME_DELAY.
    pub fn deactivation_time_delay(&self) -> Option<u16> {
        self.basic(GapAttribute::DeactivationTimeDelay)
    }

    /// SENDER_ID_REQUEST.
    pub fn sender_id_request(&self) -> Option<u16> {
        self.basic(GapAttribute::SenderIdRequest)
    }
}

impl<'a> Codec<'a> for Gap<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Gap;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let r = take_body(r);
        let base = r.offset();
        let attributes = Attributes::parse(r)?;
        attributes.check_forms(base, &[1, 2, 3], &[], "GAP attribute form")?;
        Ok(Self { attributes })
    }

    fn write(&self, w: &mut Writer<'_>) {
        self.attributes.emit(w);
    }
}
