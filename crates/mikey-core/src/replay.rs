//! Timestamps against the caller's clock and the replay cache (RFC 3830 §5.4, §6.6).
//!
//! The library never reads a clock: every `handle_*` call takes the current time as an
//! [`NtpTime`]. NTP-UTC, NTP and NTP-UTC-32 timestamps must lie within the configured skew
//! window around it; COUNTER timestamps carry no time and must instead strictly increase
//! per peer. Accepted messages are entered into a fixed-capacity cache **only after**
//! authentication; when the cache is full and nothing in it has expired, every new message
//! is rejected until the window has passed (RFC 3830 §5.4: "reject all messages until
//! the replay cache can store new entries" — no eviction of live entries).

use crate::timestamp::{Timestamp, TsType};

/// A 64-bit NTP time (seconds since 1900 in the upper 32 bits, fraction in the lower),
/// as the caller's clock reports it. With RFC 4330 era handling left to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NtpTime(pub u64);

impl NtpTime {
    /// `secs` whole seconds.
    pub const fn from_secs(secs: u32) -> Self {
        Self((secs as u64) << 32)
    }

    /// This time plus `secs` seconds (saturating).
    #[must_use]
    pub const fn plus_secs(self, secs: u32) -> Self {
        Self(self.0.saturating_add((secs as u64) << 32))
    }
}

/// Timestamp policy of a receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimePolicy {
    /// Allowed clock skew, seconds, on either side of the receiver's clock (RFC 3830 §5.4;
    /// minisip uses one hour).
    pub skew_secs: u32,
    /// Accept COUNTER timestamps (no freshness, replay protection by counter only).
    pub accept_counter: bool,
    /// Offset in seconds added to the receiver's UTC clock to compare a type-1 "NTP"
    /// (local time) timestamp.
    pub ntp_local_offset_secs: i32,
}

impl Default for TimePolicy {
    fn default() -> Self {
        Self {
            skew_secs: 300,
            accept_counter: true,
            ntp_local_offset_secs: 0,
        }
    }
}

/// Why a timestamp is refused (Error no 1, Invalid TS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsError {
    /// Outside the skew window.
    OutOfWindow,
    /// COUNTER not accepted by policy.
    CounterRefused,
    /// COUNTER not greater than the last accepted one from this peer.
    CounterNotIncreasing,
    /// TS type unknown.
    UnknownType,
}

/// The timestamp as an NTP time, `None` for COUNTER.
pub fn ts_as_ntp(t: &Timestamp, p: &TimePolicy) -> Result<Option<NtpTime>, TsError> {
    match t.ts_type {
        TsType::NtpUtc | TsType::NtpUtc32 => Ok(Some(NtpTime(t.value64()))),
        TsType::Ntp => {
            let off = i64::from(p.ntp_local_offset_secs) << 32;
            let v = i128::from(t.value) - i128::from(off);
            Ok(Some(NtpTime(u64::try_from(v.max(0)).unwrap_or(u64::MAX))))
        }
        TsType::Counter => Ok(None),
        TsType::Unknown(_) => Err(TsError::UnknownType),
    }
}

/// Checks `t` against `now` (window) — the stateless part; counters are checked by
/// [`ReplayCache::check`].
pub fn check_window(t: &Timestamp, now: NtpTime, p: &TimePolicy) -> Result<(), TsError> {
    match ts_as_ntp(t, p)? {
        Some(ts) => {
            let skew = u64::from(p.skew_secs) << 32;
            if ts.0.abs_diff(now.0) > skew {
                Err(TsError::OutOfWindow)
            } else {
                Ok(())
            }
        }
        None if p.accept_counter => Ok(()),
        None => Err(TsError::CounterRefused),
    }
}

/// A message's identity in the cache: a digest of the authenticated message.
pub type Fingerprint = [u8; 16];

/// A peer's identity for counters: a digest of its identity (or of its PSK id).
pub type PeerKey = [u8; 16];

#[derive(Debug, Clone, Copy)]
struct Entry {
    fp: Fingerprint,
    expires: NtpTime,
}

/// Why the cache refuses a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayError {
    /// Already accepted inside the window.
    Replay,
    /// The cache is full of live entries: reject until the window passes.
    Full,
    /// Timestamp problem (counter).
    Ts(TsError),
}

/// Fixed-capacity replay cache: `N` time-stamped messages and `P` per-peer counters.
#[derive(Debug, Clone)]
pub struct ReplayCache<const N: usize, const P: usize> {
    entries: heapless::Vec<Entry, N>,
    counters: heapless::Vec<(PeerKey, u32), P>,
}

impl<const N: usize, const P: usize> Default for ReplayCache<N, P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, const P: usize> ReplayCache<N, P> {
    /// An empty cache.
    pub const fn new() -> Self {
        Self {
            entries: heapless::Vec::new(),
            counters: heapless::Vec::new(),
        }
    }

    /// Number of live entries (as of the last insertion).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds no time-stamped entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Would `fp` (timestamp `t`, from `peer`) be accepted at `now`? Read-only.
    pub fn check(
        &self,
        t: &Timestamp,
        peer: &PeerKey,
        fp: &Fingerprint,
        now: NtpTime,
        p: &TimePolicy,
    ) -> Result<(), ReplayError> {
        match ts_as_ntp(t, p).map_err(ReplayError::Ts)? {
            None => {
                let value = u32::try_from(t.value).unwrap_or(u32::MAX);
                match self.counters.iter().find(|(k, _)| k == peer) {
                    Some((_, last)) if value <= *last => {
                        Err(ReplayError::Ts(TsError::CounterNotIncreasing))
                    }
                    Some(_) => Ok(()),
                    None if self.counters.is_full() => Err(ReplayError::Full),
                    None => Ok(()),
                }
            }
            Some(_) => {
                if self.entries.iter().any(|e| e.fp == *fp && e.expires >= now) {
                    return Err(ReplayError::Replay);
                }
                let live = self.entries.iter().filter(|e| e.expires >= now).count();
                if live >= N {
                    return Err(ReplayError::Full);
                }
                Ok(())
            }
        }
    }

    /// Records an authenticated, accepted message (call only after [`ReplayCache::check`]
    /// succeeded and the message authenticated).
    pub fn insert(
        &mut self,
        t: &Timestamp,
        peer: &PeerKey,
        fp: &Fingerprint,
        now: NtpTime,
        p: &TimePolicy,
    ) -> Result<(), ReplayError> {
        self.check(t, peer, fp, now, p)?;
        match ts_as_ntp(t, p).map_err(ReplayError::Ts)? {
            None => {
                let value = u32::try_from(t.value).unwrap_or(u32::MAX);
                if let Some(slot) = self.counters.iter_mut().find(|(k, _)| k == peer) {
                    slot.1 = value;
                    Ok(())
                } else {
                    self.counters
                        .push((*peer, value))
                        .map_err(|_| ReplayError::Full)
                }
            }
            Some(ts) => {
                self.entries.retain(|e| e.expires >= now);
                // An entry can be dropped once its timestamp has left the window.
                let expires = NtpTime(ts.0.saturating_add(u64::from(p.skew_secs) << 32));
                self.entries
                    .push(Entry { fp: *fp, expires })
                    .map_err(|_| ReplayError::Full)
            }
        }
    }
}
