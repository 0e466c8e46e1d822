//! DH data payload (RFC 3830 §6.4).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next payload  !   DH-Group    !  DH-value                     ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Reserv! KV    ! KV data (optional)                            ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! There is no length field: the DH-value length follows from the group (fixed width,
//! left-padded), so an unknown group makes the message unparseable. The reserved bits are
//! written as zero and ignored on input.

use keying_tlv::{Reader, Result, WriteError, Writer, wire_enum};

use crate::error::what;
use crate::wire::key_data::{KeyValidity, Kv};
use crate::wire::{PayloadType, unknown};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const GROUP: usize = 1;
    pub const VALUE: usize = 2;
}

wire_enum! {
    /// DH-Group (RFC 3830 §6.4 Table 6.4). Not the OAKLEY numbers: 0 is OAKLEY 5.
    pub enum DhGroup: u8 {
        /// OAKLEY 5, 1536-bit MODP (the default).
        Oakley5 = 0,
        /// OAKLEY 1, 768-bit MODP.
        Oakley1 = 1,
        /// OAKLEY 2, 1024-bit MODP.
        Oakley2 = 2,
    }
}

impl DhGroup {
    /// DH-value length in bytes, `None` for unknown groups.
    pub const fn value_len(self) -> Option<usize> {
        match self {
            Self::Oakley5 => Some(192),
            Self::Oakley1 => Some(96),
            Self::Oakley2 => Some(128),
            Self::Unknown(_) => None,
        }
    }
}

/// DH data payload (RFC 3830 §6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dh<'a> {
    /// DH group.
    pub group: DhGroup,
    /// The public value g^x, exactly the group's width.
    pub value: &'a [u8],
    /// Key validity of the resulting TGK.
    pub kv: KeyValidity<'a>,
}

impl<'a> Codec<'a> for Dh<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Dh;
    type Error = keying_tlv::Error;

    #[inline]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let at = r.offset();
        let group = DhGroup::from(r.u8(what::DH_GROUP)?);
        let len = group
            .value_len()
            .ok_or_else(|| unknown(at, what::DH_GROUP, u16::from(group.to_wire())))?;
        let value = r.bytes(len, "DH-value")?;
        let kv_at = r.offset();
        let kv = Kv::from(r.u8("DH KV")? & 0x0f);
        let kv = KeyValidity::read(kv, kv_at, r)?;
        Ok(Self { group, value, kv })
    }

    fn write(&self, w: &mut Writer<'_>) {
        if self.group.value_len() != Some(self.value.len()) {
            w.fail(WriteError::TooLong {
                field: "DH-value",
                value: self.value.len(),
            });
        }
        w.u8(self.group.to_wire());
        w.bytes(self.value);
        w.u8(self.kv.kv().to_wire());
        self.kv.write(w);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::wire::Framed;
    use crate::wire::tests::check_payload;
    use keying_tlv::ErrorKind;

    #[test]
    fn capture_m5_dh() {
        let mut bytes = vec![0x01, 0x02];
        bytes.extend([0xbb; 128]);
        bytes.push(0);
        let p = Dh {
            group: DhGroup::Oakley2,
            value: &[0xbb; 128],
            kv: KeyValidity::Null,
        };
        check_payload(&bytes, p, PayloadType::Kemac);
        let e = Dh::parse(&[0, 7, 0]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownType { value: 7 });
        assert_eq!(e.expected, what::DH_GROUP);
    }
}
