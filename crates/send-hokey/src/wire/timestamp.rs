//! Timestamp option, type 13 ([RFC 3971 §5.3.1](https://www.rfc-editor.org/rfc/rfc3971#section-5.3.1)).
//!
//! ```text
//! | Type=13 | Length=2 | Reserved (48)              |
//! | Timestamp (64): 48-bit seconds . 16-bit fraction |
//! ```
//! The timestamp is unsigned 48.16 fixed point, seconds since 1970-01-01 00:00 UTC.

use keying_crypto::Time;
use keying_tlv::{Codec, Error, ErrorKind, Reader, Writer};

use super::NdOptionType;

/// Timestamp option: the 48.16 fixed-point time since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// The raw 64-bit value (seconds << 16 | 1/65536 fractions).
    pub value: u64,
}

impl<'a> Codec<'a> for Timestamp {
    type Kind = NdOptionType;
    const KIND: NdOptionType = NdOptionType::Timestamp;
    type Error = Error;

    fn read(r: &mut Reader<'a>) -> Result<Self, Error> {
        if r.remaining() != 14 {
            return Err(Error::new(
                r.offset().saturating_sub(1),
                "Timestamp option length",
                ErrorKind::BadLength {
                    value: (r.remaining() + 2) / 8,
                },
            ));
        }
        r.bytes(6, "Timestamp reserved")?;
        Ok(Self {
            value: r.u64("Timestamp")?,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.zeros(6);
        w.u64(self.value);
    }
}

impl Timestamp {
    /// A timestamp of whole seconds since the epoch (the top 16 bits of `secs` are lost).
    #[must_use]
    pub const fn from_secs(secs: u64) -> Self {
        Self { value: secs << 16 }
    }

    /// The time this timestamp names; `None` past the year 2554.
    #[must_use]
    pub const fn to_time(self) -> Option<Time> {
        Time::from_unix_48_16(self.value)
    }

    /// The whole seconds.
    #[must_use]
    pub const fn secs(&self) -> u64 {
        self.value >> 16
    }
}

impl From<Time> for Timestamp {
    /// `t` in 48.16 fixed point, the fraction rounded down.
    fn from(t: Time) -> Self {
        Self {
            value: t.to_unix_48_16(),
        }
    }
}
