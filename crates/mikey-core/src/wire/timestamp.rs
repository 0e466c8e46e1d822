//! Timestamp payload (T, RFC 3830 §6.6; NTP-UTC-32 from RFC 6043 §6.3).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next Payload  !   TS type     ! TS value                      ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! The TS value is 64 bits for NTP-UTC and NTP, 32 bits for COUNTER and NTP-UTC-32.

use core::fmt;

use keying_tlv::{Reader, Result, WriteError, Writer, wire_enum};

use crate::error::what;
use crate::wire::{PayloadType, unknown};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const TS_TYPE: usize = 1;
    pub const TS_VALUE: usize = 2;
}

wire_enum! {
    /// TS type (RFC 3830 §6.6 Table 6.6; NTP-UTC-32 from RFC 6043 §6.3 Table 6.8).
    pub enum TsType: u8 {
        /// NTP timestamp in UTC, 64 bits.
        NtpUtc = 0,
        /// NTP timestamp, 64 bits.
        Ntp = 1,
        /// Counter, 32 bits.
        Counter = 2,
        /// NTP seconds in UTC, 32 bits (RFC 6043).
        NtpUtc32 = 3,
    }
}

impl TsType {
    /// TS value length in bytes, `None` for unknown types.
    pub const fn value_len(self) -> Option<usize> {
        match self {
            Self::NtpUtc | Self::Ntp => Some(8),
            Self::Counter | Self::NtpUtc32 => Some(4),
            Self::Unknown(_) => None,
        }
    }
}

/// Seconds between the NTP era-0 epoch (1900) and the Unix epoch (1970).
const NTP_UNIX_OFFSET: u64 = 2_208_988_800;
/// Seconds between the FILETIME epoch (1601) and the Unix epoch.
const FILETIME_UNIX_OFFSET: u64 = 11_644_473_600;

/// Why a structurally valid timestamp cannot be what its TS type claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampProblem {
    /// A 64-bit "NTP" value that is a Windows FILETIME (100 ns units since 1601), as in the
    /// ONVIF PR #555 example (`01d38e19cef95c3d` = 2018-01-15). Read as NTP it would be
    /// 1901 (era 0) or 2037 (era 1, RFC 4330).
    WindowsFiletime {
        /// The FILETIME as Unix seconds.
        unix_seconds: u64,
    },
}

impl fmt::Display for TimestampProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WindowsFiletime { unix_seconds } => write!(
                f,
                "NTP timestamp holds a Windows FILETIME (Unix time {unix_seconds})"
            ),
        }
    }
}

impl core::error::Error for TimestampProblem {}

/// Timestamp payload (T, RFC 3830 §6.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    /// Timestamp type.
    pub ts_type: TsType,
    /// The value; for the 32-bit types it must fit in 32 bits.
    pub value: u64,
}

impl Timestamp {
    /// The value as the 64-bit quantity used in the AES-CM IV (RFC 3830 §4.2.3):
    /// NTP types as they are, NTP-UTC-32 padded with a zero fraction (RFC 6043 §6.3),
    /// COUNTER right-aligned (RFC 3830 is not explicit; this follows mykey).
    pub const fn value64(&self) -> u64 {
        match self.ts_type {
            TsType::NtpUtc32 => self.value << 32,
            _ => self.value,
        }
    }

    /// Checks that an NTP-typed value can be an NTP time. Values whose reading as a Windows
    /// FILETIME falls in 1980-2100 are reported as such: read as NTP they lie in 1900-1901
    /// or (RFC 4330 era 1) early 2036-2037, where no conforming sender produces them
    /// today. Freshness against a clock is the key-management layer's job.
    pub fn check(&self) -> core::result::Result<(), TimestampProblem> {
        if !matches!(self.ts_type, TsType::NtpUtc | TsType::Ntp) {
            return Ok(());
        }
        let ft_secs = self.value / 10_000_000;
        let Some(unix) = ft_secs.checked_sub(FILETIME_UNIX_OFFSET) else {
            return Ok(());
        };
        // 1980-01-01 .. 2100-01-01 as Unix seconds.
        if (315_532_800..4_102_444_800).contains(&unix) {
            // A real NTP time in 1968-2036 (era 0) has the top bit set; FILETIMEs of that
            // range have it clear.
            let ntp_secs = self.value >> 32;
            let ntp_unix_era0 = ntp_secs.checked_sub(NTP_UNIX_OFFSET);
            if ntp_unix_era0.is_none() {
                return Err(TimestampProblem::WindowsFiletime { unix_seconds: unix });
            }
        }
        Ok(())
    }
}

impl<'a> Codec<'a> for Timestamp {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Timestamp;
    type Error = keying_tlv::Error;

    #[inline]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        read_ts(r)
    }

    fn write(&self, w: &mut Writer<'_>) {
        write_ts(self, w);
    }
}

/// Reads TS type and TS value.
#[inline(always)]
pub(crate) fn read_ts(r: &mut Reader<'_>) -> Result<Timestamp> {
    let at = r.offset();
    let ts_type = TsType::from(r.u8(what::TS_TYPE)?);
    let Some(len) = ts_type.value_len() else {
        return Err(unknown(at, what::TS_TYPE, u16::from(ts_type.to_wire())));
    };
    // 8 or 4 bytes, big-endian: one read (one bounds check, one error) for either length.
    let value = match *r.bytes(len, "TS value")? {
        [a, b, c, d, e, f, g, h] => u64::from_be_bytes([a, b, c, d, e, f, g, h]),
        [a, b, c, d] => u64::from(u32::from_be_bytes([a, b, c, d])),
        _ => 0,
    };
    Ok(Timestamp { ts_type, value })
}

/// Writes TS type and TS value.
pub(crate) fn write_ts(t: &Timestamp, w: &mut Writer<'_>) {
    w.u8(t.ts_type.to_wire());
    match t.ts_type.value_len() {
        Some(8) => w.u64(t.value),
        Some(_) => match u32::try_from(t.value) {
            Ok(v) => w.u32(v),
            Err(_) => w.fail(WriteError::TooLong {
                field: "TS value",
                value: usize::try_from(t.value).unwrap_or(usize::MAX),
            }),
        },
        None => w.fail(WriteError::TooLong {
            field: what::TS_TYPE,
            value: usize::from(t.ts_type.to_wire()),
        }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::wire::Framed;
    use crate::wire::tests::check_payload;

    #[test]
    fn ntp_utc_and_counter() {
        let bytes = hex_literal::hex!("0b 00 e6a1b2c300000000");
        let t = Timestamp {
            ts_type: TsType::NtpUtc,
            value: 0xe6a1_b2c3_0000_0000,
        };
        check_payload(&bytes, t, PayloadType::Rand);
        assert_eq!(t.check(), Ok(()));
        let bytes = hex_literal::hex!("0b 02 0000002a");
        let t = Timestamp {
            ts_type: TsType::Counter,
            value: 42,
        };
        check_payload(&bytes, t, PayloadType::Rand);
        assert_eq!(t.value64(), 42);
        let t32 = Timestamp {
            ts_type: TsType::NtpUtc32,
            value: 0xec89_8da8,
        };
        assert_eq!(t32.value64(), 0xec89_8da8_0000_0000);
        let mut buf = [0u8; 8];
        let big = Timestamp {
            ts_type: TsType::Counter,
            value: 1 << 40,
        };
        assert!(big.to_bytes(PayloadType::Last, &mut buf).is_err());
    }

    #[test]
    fn onvif_filetime_is_reported() {
        let t = Timestamp {
            ts_type: TsType::NtpUtc,
            value: 0x01d3_8e19_cef9_5c3d,
        };
        // 2018-01-15.
        let Err(TimestampProblem::WindowsFiletime { unix_seconds }) = t.check() else {
            panic!("not detected");
        };
        assert_eq!(unix_seconds / 86_400, 17_546);
    }
}
