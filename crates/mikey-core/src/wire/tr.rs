//! Timestamp payload with role indicator (TR, RFC 6043 §6.4).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next Payload  !    TS Role    !    TS Type    !    TS Value   ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use keying_tlv::{Reader, Result, Writer, wire_enum};

use crate::wire::PayloadType;
use crate::wire::timestamp::{Timestamp, read_ts, write_ts};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const ROLE: usize = 1;
    pub const TS_TYPE: usize = 2;
    pub const TS_VALUE: usize = 3;
}

wire_enum! {
    /// TS role (RFC 6043 §6.4 Table 6.9).
    pub enum TsRole: u8 {
        /// Time of issue (TRi).
        TimeOfIssue = 1,
        /// Start of validity period (TRs).
        ValidityStart = 2,
        /// End of validity period (TRe).
        ValidityEnd = 3,
        /// Rekeying interval (TRr).
        RekeyingInterval = 4,
    }
}

/// Timestamp payload with role indicator (TR, RFC 6043 §6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    /// What the timestamp means.
    pub role: TsRole,
    /// The timestamp.
    pub ts: Timestamp,
}

impl<'a> Codec<'a> for Tr {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Tr;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let role = TsRole::from(r.u8("TS Role")?);
        let ts = read_ts(r)?;
        Ok(Self { role, ts })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.role.to_wire());
        write_ts(&self.ts, w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wire::tests::check_payload;
    use crate::wire::timestamp::TsType;

    #[test]
    fn rekeying_interval() {
        let bytes = hex_literal::hex!("00 04 03 00000e10");
        let p = Tr {
            role: TsRole::RekeyingInterval,
            ts: Timestamp {
                ts_type: TsType::NtpUtc32,
                value: 3600,
            },
        };
        check_payload(&bytes, p, PayloadType::Last);
    }
}
