//! The one absolute time type the roles share, and its wire encodings.
//!
//! The library never reads a clock: the caller passes the current [`Time`] to every call
//! that needs one. It is wall-clock time (UTC, as POSIX counts it: leap seconds are not
//! counted) because two of the protocols put it on the wire — MIKEY's NTP timestamps
//! (RFC 3830 §6.6) and SEND's 48.16 Timestamp option (RFC 3971 §5.3.1) — and compare a
//! peer's against it. Timers (ACK jitter, retransmission, key lifetimes) are computed from
//! the same values, so the caller's clock should not step backwards by more than those
//! timers' precision; a firmware without a calendar can count from any epoch it likes for
//! GDOI alone.

use core::time::Duration;

/// Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01).
pub const NTP_UNIX_OFFSET_SECS: u64 = 2_208_988_800;

const NANOS_PER_SEC: u64 = 1_000_000_000;

/// `n / 10^9`, as `(n / 2^9) / 5^9` by long division in base 2^8: every step divides a
/// 32-bit value (the remainder is below 5^9 < 2^21), so a 32-bit target links no 64-bit
/// division routine for the clock conversions.
const fn div_1e9(n: u64) -> u64 {
    const FIVE_POW_9: u32 = 1_953_125;
    let n = n >> 9;
    let (mut q, mut r, mut shift) = (0u64, 0u32, 64u32);
    while shift > 0 {
        shift -= 8;
        #[allow(clippy::cast_possible_truncation)] // masked to one byte
        let cur = (r << 8) | ((n >> shift) & 0xff) as u32;
        q = (q << 8) | (cur / FIVE_POW_9) as u64;
        r = cur % FIVE_POW_9;
    }
    q
}

/// A point in time: nanoseconds since 1970-01-01T00:00:00Z (until the year 2554).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Time {
    nanos: u64,
}

impl Time {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Self = Self { nanos: 0 };

    /// `secs` seconds after the Unix epoch (saturating).
    #[must_use]
    pub const fn from_unix_secs(secs: u64) -> Self {
        Self {
            nanos: secs.saturating_mul(NANOS_PER_SEC),
        }
    }

    /// `millis` milliseconds after the Unix epoch (saturating).
    #[must_use]
    pub const fn from_unix_millis(millis: u64) -> Self {
        Self {
            nanos: millis.saturating_mul(1_000_000),
        }
    }

    /// `nanos` nanoseconds after the Unix epoch.
    #[must_use]
    pub const fn from_unix_nanos(nanos: u64) -> Self {
        Self { nanos }
    }

    /// Whole seconds since the Unix epoch.
    #[must_use]
    pub const fn unix_secs(self) -> u64 {
        div_1e9(self.nanos)
    }

    /// Whole milliseconds since the Unix epoch.
    #[must_use]
    pub const fn unix_millis(self) -> u64 {
        self.nanos / 1_000_000
    }

    /// Nanoseconds since the Unix epoch.
    #[must_use]
    pub const fn unix_nanos(self) -> u64 {
        self.nanos
    }

    /// The time a 64-bit NTP timestamp (32-bit seconds since 1900 ‖ 32-bit fraction)
    /// names, reading the seconds field by RFC 4330 §3's rule: most significant bit set —
    /// 1968 to 2036 (era 0); clear — 2036 to 2104 (era 1). `None` before the Unix epoch.
    /// The fraction is truncated to whole nanoseconds.
    #[must_use]
    pub const fn from_ntp(ntp: u64) -> Option<Self> {
        let field = ntp >> 32;
        let secs_1900 = if field & 0x8000_0000 != 0 {
            field
        } else {
            field + (1 << 32)
        };
        if secs_1900 < NTP_UNIX_OFFSET_SECS {
            return None;
        }
        let frac_nanos = ((ntp & 0xffff_ffff) * NANOS_PER_SEC) >> 32;
        Some(Self {
            nanos: (secs_1900 - NTP_UNIX_OFFSET_SECS) * NANOS_PER_SEC + frac_nanos,
        })
    }

    /// This time as a 64-bit NTP timestamp (seconds since 1900 modulo 2^32, so 2036 and
    /// later wrap into era 1 as RFC 4330 §3 specifies ‖ the fraction, rounded down).
    #[must_use]
    pub const fn to_ntp(self) -> u64 {
        let secs = self.unix_secs();
        // The remainder is below 10^9 < 2^30: shifted, it fits, and the quotient is the
        // 32-bit fraction.
        let frac = div_1e9((self.nanos - secs * NANOS_PER_SEC) << 32);
        (((secs + NTP_UNIX_OFFSET_SECS) & 0xffff_ffff) << 32) | frac
    }

    /// This time as SEND's 48.16 fixed-point seconds since the Unix epoch (RFC 3971
    /// §5.3.1), the fraction rounded down.
    #[must_use]
    pub const fn to_unix_48_16(self) -> u64 {
        let secs = self.unix_secs();
        let frac = div_1e9((self.nanos - secs * NANOS_PER_SEC) << 16);
        (secs << 16) | frac
    }

    /// The time a 48.16 fixed-point count of seconds since the Unix epoch names (RFC 3971
    /// §5.3.1); `None` past the year 2554.
    #[must_use]
    pub const fn from_unix_48_16(value: u64) -> Option<Self> {
        let Some(whole) = (value >> 16).checked_mul(NANOS_PER_SEC) else {
            return None;
        };
        let frac = ((value & 0xffff) * NANOS_PER_SEC) >> 16;
        match whole.checked_add(frac) {
            Some(nanos) => Some(Self { nanos }),
            None => None,
        }
    }

    /// `self + d`, or `None` past the year 2554.
    #[must_use]
    pub fn checked_add(self, d: Duration) -> Option<Self> {
        let d = u64::try_from(d.as_nanos()).ok()?;
        Some(Self {
            nanos: self.nanos.checked_add(d)?,
        })
    }

    /// `self + d`, saturating.
    #[must_use]
    pub fn saturating_add(self, d: Duration) -> Self {
        self.checked_add(d).unwrap_or(Self { nanos: u64::MAX })
    }

    /// `self − earlier`, or zero if `earlier` is later.
    #[must_use]
    pub const fn saturating_duration_since(self, earlier: Self) -> Duration {
        Duration::from_nanos(self.nanos.saturating_sub(earlier.nanos))
    }

    /// The system clock's current time (`SystemTime::now()`); the Unix epoch if the clock
    /// reads earlier.
    #[cfg(feature = "std")]
    #[must_use]
    pub fn now() -> Self {
        Self::from(std::time::SystemTime::now())
    }
}

#[cfg(feature = "std")]
impl From<std::time::SystemTime> for Time {
    /// Saturating: before the Unix epoch is the epoch, after 2554 the last nanosecond.
    fn from(t: std::time::SystemTime) -> Self {
        let since = t
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        Self {
            nanos: u64::try_from(since.as_nanos()).unwrap_or(u64::MAX),
        }
    }
}

#[cfg(feature = "std")]
impl From<Time> for std::time::SystemTime {
    fn from(t: Time) -> Self {
        std::time::UNIX_EPOCH + Duration::from_nanos(t.nanos)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn division_free_conversions_equal_the_plain_formulas() {
        let mut x: u64 = 0x0123_4567_89ab_cdef;
        for k in 0..10_000u64 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            for n in [x, x >> 3, k * 999_999_999, k, u64::MAX - k] {
                let t = Time::from_unix_nanos(n);
                let (secs, rem) = (n / NANOS_PER_SEC, n % NANOS_PER_SEC);
                assert_eq!(t.unix_secs(), secs, "{n}");
                let ntp = (((secs + NTP_UNIX_OFFSET_SECS) & 0xffff_ffff) << 32)
                    | ((rem << 32) / NANOS_PER_SEC);
                assert_eq!(t.to_ntp(), ntp, "{n}");
                assert_eq!(
                    t.to_unix_48_16(),
                    (secs << 16) | ((rem << 16) / NANOS_PER_SEC)
                );
            }
        }
    }

    #[test]
    fn ntp_of_the_unix_epoch_is_2208988800_seconds() {
        assert_eq!(Time::UNIX_EPOCH.to_ntp(), NTP_UNIX_OFFSET_SECS << 32);
        assert_eq!(
            Time::from_ntp(NTP_UNIX_OFFSET_SECS << 32),
            Some(Time::UNIX_EPOCH)
        );
        // Before 1970 (era 0, most significant bit set): not representable.
        assert_eq!(Time::from_ntp((NTP_UNIX_OFFSET_SECS - 1) << 32), None);
    }

    #[test]
    fn ntp_era_1_starts_at_2036_02_07t06_28_16z() {
        // RFC 4330 §3: seconds field 0 with the most significant bit clear is 2036-02-07
        // 06:28:16 UTC = 2085978496 seconds after the Unix epoch.
        let era1 = Time::from_unix_secs(2_085_978_496);
        assert_eq!(era1.to_ntp(), 0);
        assert_eq!(Time::from_ntp(0), Some(era1));
        let before = Time::from_unix_secs(2_085_978_495);
        assert_eq!(before.to_ntp(), 0xffff_ffff_0000_0000);
        assert_eq!(Time::from_ntp(0xffff_ffff_0000_0000), Some(before));
    }

    #[test]
    fn fractions_convert_to_the_nanosecond_below() {
        // 0.5 s in each encoding.
        let t = Time::from_unix_millis(1_700_000_000_500);
        assert_eq!(t.to_ntp() & 0xffff_ffff, 0x8000_0000);
        assert_eq!(t.to_unix_48_16(), (1_700_000_000 << 16) | 0x8000);
        assert_eq!(Time::from_ntp(t.to_ntp()), Some(t));
        assert_eq!(Time::from_unix_48_16(t.to_unix_48_16()), Some(t));
        // One NTP fraction unit (about 0.23 ns) truncates to 0 ns.
        let ntp = ((NTP_UNIX_OFFSET_SECS + 5) << 32) | 1;
        assert_eq!(Time::from_ntp(ntp), Some(Time::from_unix_secs(5)));
        // The largest fraction stays below the next second.
        let ntp = ((NTP_UNIX_OFFSET_SECS + 5) << 32) | 0xffff_ffff;
        assert_eq!(
            Time::from_ntp(ntp).unwrap().unix_nanos(),
            5 * NANOS_PER_SEC + 999_999_999
        );
    }

    #[test]
    fn arithmetic_saturates() {
        let t = Time::from_unix_secs(10);
        assert_eq!(
            t.saturating_add(Duration::from_millis(1500)),
            Time::from_unix_millis(11_500)
        );
        assert_eq!(
            t.saturating_duration_since(Time::from_unix_secs(12)),
            Duration::ZERO
        );
        assert_eq!(
            Time::from_unix_secs(12).saturating_duration_since(t),
            Duration::from_secs(2)
        );
        assert_eq!(t.checked_add(Duration::MAX), None);
        assert_eq!(Time::from_unix_48_16(u64::MAX), None);
    }

    #[cfg(feature = "std")]
    #[test]
    fn system_time_round_trips() {
        let now = std::time::SystemTime::now();
        let t = Time::from(now);
        assert_eq!(std::time::SystemTime::from(t), now);
        assert!(Time::now() >= t);
        // After 2023-11-14 (this test was written later).
        assert!(t.unix_secs() > 1_700_000_000);
    }
}
