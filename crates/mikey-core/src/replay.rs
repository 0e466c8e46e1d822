//! Timestamps against the caller's clock and the replay cache (RFC 3830 §5.4, §6.6).
//!
//! The library never reads a clock: every `handle_*` call takes the current time as an
//! [`Time`] (compared with the NTP timestamps through [`Time::to_ntp`]). NTP-UTC, NTP and NTP-UTC-32 timestamps must lie within the configured skew
//! window around it; COUNTER timestamps carry no time and must instead strictly increase
//! per peer. Accepted messages are entered into a fixed-capacity cache **only after**
//! authentication.
//!
//! Time-stamped messages: when the cache is full and nothing in it has expired, every new
//! message is rejected until the window has passed (RFC 3830 §5.4: "reject all messages
//! until the replay cache can store new entries" — no eviction of live entries). The
//! window bounds how long that lasts.
//!
//! COUNTER timestamps are refused by default ([`TimePolicy::accept_counter`]): a counter
//! gives no freshness (RFC 3830 §5.4, §6.6), and its replay protection lives only as long
//! as the receiver remembers the peer's last counter. When they are accepted, the per-peer
//! counter table (`P` slots) never refuses a peer for lack of room: a slot is created only
//! for an authenticated, accepted message, and when the table is full the least recently
//! used peer's slot is evicted ([`ReplayCache::insert`]). The consequence: an evicted peer's
//! next counter is taken as first-seen, so an old message of that peer, recorded by an
//! attacker, can be replayed once its slot is gone. Evicting it takes authenticated
//! messages from `P` other peers after the evicted peer's last one, i.e. valid keys of `P`
//! other peers (or their cooperation); size `P` above the number of peers that talk to
//! the receiver, or keep COUNTER off.

use keying_crypto::Time;

use crate::wire::timestamp::{Timestamp, TsType};

/// Timestamp policy of a receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimePolicy {
    /// Allowed clock skew, seconds, on either side of the receiver's clock (RFC 3830 §5.4;
    /// minisip uses one hour).
    pub skew_secs: u32,
    /// Accept COUNTER timestamps. Off by default: a counter carries no time, so it gives
    /// no freshness (RFC 3830 §5.4, §6.6), and replay protection rests on the receiver's
    /// per-peer table of last counters alone, whose least recently used slot is evicted
    /// when it is full (see the [module documentation](self) for what that allows). Turn
    /// it on only for peers that cannot send a clock value.
    pub accept_counter: bool,
    /// Offset in seconds added to the receiver's UTC clock to compare a type-1 "NTP"
    /// (local time) timestamp.
    pub ntp_local_offset_secs: i32,
}

impl Default for TimePolicy {
    fn default() -> Self {
        Self {
            skew_secs: 300,
            accept_counter: false,
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

/// The timestamp as a 64-bit NTP-UTC value (local offset of a type-1 "NTP" timestamp
/// removed), `None` for COUNTER.
pub fn ts_as_ntp(t: &Timestamp, p: &TimePolicy) -> Result<Option<u64>, TsError> {
    match t.ts_type {
        TsType::NtpUtc | TsType::NtpUtc32 => Ok(Some(t.value64())),
        TsType::Ntp => {
            // value − offset, clamped to the u64 range (no 128-bit arithmetic).
            let off = i64::from(p.ntp_local_offset_secs) << 32;
            Ok(Some(if off >= 0 {
                t.value.saturating_sub(off.unsigned_abs())
            } else {
                t.value.saturating_add(off.unsigned_abs())
            }))
        }
        TsType::Counter => Ok(None),
        TsType::Unknown(_) => Err(TsError::UnknownType),
    }
}

/// The timestamp an Initiator sends at `now`: an NTP type (NTP-UTC, NTP-UTC-32, NTP) takes
/// its value from `now` (NTP adding [`TimePolicy::ntp_local_offset_secs`], the inverse of
/// what a receiver removes), COUNTER keeps the caller's value (RFC 3830 §6.6).
#[must_use]
pub fn stamp(t: &Timestamp, now: Time, p: &TimePolicy) -> Timestamp {
    let ntp = now.to_ntp();
    let value = match t.ts_type {
        TsType::NtpUtc => ntp,
        TsType::NtpUtc32 => ntp >> 32,
        // ntp + offset, clamped to the u64 range.
        TsType::Ntp => ntp.saturating_add_signed(i64::from(p.ntp_local_offset_secs) << 32),
        TsType::Counter | TsType::Unknown(_) => t.value,
    };
    Timestamp {
        ts_type: t.ts_type,
        value,
    }
}

/// Checks `t` against `now` (window) — the stateless part; counters are checked by
/// [`ReplayCache::check`].
pub fn check_window(t: &Timestamp, now: Time, p: &TimePolicy) -> Result<(), TsError> {
    match ts_as_ntp(t, p)? {
        Some(ts) => {
            let skew = u64::from(p.skew_secs) << 32;
            if ts.abs_diff(now.to_ntp()) > skew {
                Err(TsError::OutOfWindow)
            } else {
                Ok(())
            }
        }
        None if p.accept_counter => Ok(()),
        None => Err(TsError::CounterRefused),
    }
}

/// A message's identity in the cache: 16 bytes of its verified MAC (PSK) or of a digest of
/// the authenticated message (the other modes).
pub type Fingerprint = [u8; 16];

/// A peer's identity for counters: a digest of its identity (or of its PSK id).
pub type PeerKey = [u8; 16];

#[derive(Debug, Clone, Copy)]
struct Entry {
    fp: Fingerprint,
    /// NTP value after which the entry may go.
    expires: u64,
}

/// Why the cache refuses a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayError {
    /// Already accepted inside the window.
    Replay,
    /// The cache is full of live time-stamped entries: reject until the window passes.
    /// (The COUNTER table never refuses for lack of room: it evicts.)
    Full,
    /// Timestamp problem (counter).
    Ts(TsError),
}

/// Fixed-capacity replay cache: `N` time-stamped messages and `P` per-peer counters.
///
/// The per-peer counters are kept in least recently used order (the most recent last); a
/// new peer evicts the least recently used one when all `P` slots are taken (see the
/// [module documentation](self)).
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

    /// Number of peers whose last COUNTER is remembered (at most `P`).
    pub fn counter_peers(&self) -> usize {
        self.counters.len()
    }

    /// Would `fp` (timestamp `t`, from `peer`) be accepted at `now`? Read-only.
    pub fn check(
        &self,
        t: &Timestamp,
        peer: &PeerKey,
        fp: &Fingerprint,
        now: Time,
        p: &TimePolicy,
    ) -> Result<(), ReplayError> {
        match ts_as_ntp(t, p).map_err(ReplayError::Ts)? {
            None => {
                let value = u32::try_from(t.value).unwrap_or(u32::MAX);
                match self.counters.iter().find(|(k, _)| k == peer) {
                    Some((_, last)) if value <= *last => {
                        Err(ReplayError::Ts(TsError::CounterNotIncreasing))
                    }
                    // No table to remember the counter in: a replay could not be told.
                    None if P == 0 => Err(ReplayError::Full),
                    // A peer not in the table (never seen, or evicted) is first-seen.
                    Some(_) | None => Ok(()),
                }
            }
            Some(_) => {
                let now = now.to_ntp();
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
    ///
    /// A COUNTER updates the peer's slot and makes it the most recently used; a peer
    /// without a slot gets one, evicting the least recently used peer's slot when all `P`
    /// are taken. With `P = 0` every COUNTER is refused ([`ReplayError::Full`]).
    pub fn insert(
        &mut self,
        t: &Timestamp,
        peer: &PeerKey,
        fp: &Fingerprint,
        now: Time,
        p: &TimePolicy,
    ) -> Result<(), ReplayError> {
        self.check(t, peer, fp, now, p)?;
        self.record(t, peer, fp, now, p)
    }

    /// [`ReplayCache::insert`] without its check, for a message [`ReplayCache::check`]
    /// passed on this same cache with no change in between (the roles check before they
    /// authenticate and record once they accept, in one call).
    pub(crate) fn record(
        &mut self,
        t: &Timestamp,
        peer: &PeerKey,
        fp: &Fingerprint,
        now: Time,
        p: &TimePolicy,
    ) -> Result<(), ReplayError> {
        match ts_as_ntp(t, p).map_err(ReplayError::Ts)? {
            None => {
                let value = u32::try_from(t.value).unwrap_or(u32::MAX);
                // Most recently used last: the peer's slot (or, when all are taken, the
                // least recently used one, first) moves to the end, the others keeping
                // their order, and takes the new value. Adjacent swaps, not a remove: no
                // memmove is linked into firmware for this.
                let slot = match self.counters.iter().position(|(k, _)| k == peer) {
                    Some(i) => Some(i),
                    None if self.counters.is_full() && !self.counters.is_empty() => Some(0),
                    None => None,
                };
                match slot.and_then(|i| self.counters.get_mut(i..)) {
                    Some(tail) => {
                        for j in 1..tail.len() {
                            tail.swap(j - 1, j);
                        }
                        if let Some(last) = tail.last_mut() {
                            *last = (*peer, value);
                        }
                        Ok(())
                    }
                    // There is room (P = 0 was refused by the check).
                    None => self
                        .counters
                        .push((*peer, value))
                        .map_err(|_| ReplayError::Full),
                }
            }
            Some(ts) => {
                let now = now.to_ntp();
                self.entries.retain(|e| e.expires >= now);
                // An entry can be dropped once its timestamp has left the window.
                let expires = ts.saturating_add(u64::from(p.skew_secs) << 32);
                self.entries
                    .push(Entry { fp: *fp, expires })
                    .map_err(|_| ReplayError::Full)
            }
        }
    }
}

impl core::fmt::Display for TsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::OutOfWindow => "timestamp outside the accepted window",
            Self::CounterRefused => "COUNTER timestamps refused by policy",
            Self::CounterNotIncreasing => "COUNTER not above the last one accepted from this peer",
            Self::UnknownType => "unknown timestamp type",
        })
    }
}

impl core::error::Error for TsError {}

impl core::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Replay => f.write_str("message already accepted (replay)"),
            Self::Full => f.write_str("replay cache full of live entries"),
            Self::Ts(e) => write!(f, "{e}"),
        }
    }
}

impl core::error::Error for ReplayError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Ts(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(offset: i32) -> TimePolicy {
        TimePolicy {
            ntp_local_offset_secs: offset,
            ..TimePolicy::default()
        }
    }

    /// A type-1 "NTP" timestamp is local time (RFC 3830 §6.6): the receiver removes the
    /// local offset, clamped to the 64-bit range; the sender adds it. Checked against the
    /// same arithmetic on 128-bit integers, at the edges of both ranges.
    #[test]
    fn ntp_local_offset_is_removed_and_added_with_clamping() {
        let offsets = [0, 1, 3600, -3600, i32::MAX, i32::MIN];
        let values = [0, 1, 1 << 32, 0x8000_0000_0000_0000, u64::MAX - 1, u64::MAX];
        for off in offsets {
            let p = policy(off);
            let shift = i128::from(off) << 32;
            let clamp = |v: i128| u64::try_from(v.clamp(0, i128::from(u64::MAX))).unwrap_or(0);
            for value in values {
                let t = Timestamp {
                    ts_type: TsType::Ntp,
                    value,
                };
                assert_eq!(
                    ts_as_ntp(&t, &p),
                    Ok(Some(clamp(i128::from(value) - shift))),
                    "{off} {value:#x}"
                );
            }
        }
        // UTC+1: 13:00 local is 12:00 UTC; what a sender stamps, a receiver reads back.
        let p = policy(3600);
        let utc = Time::from_unix_secs(1_763_856_000);
        let sent = stamp(
            &Timestamp {
                ts_type: TsType::Ntp,
                value: 0,
            },
            utc,
            &p,
        );
        assert_eq!(sent.value, utc.to_ntp() + (3600 << 32));
        assert_eq!(ts_as_ntp(&sent, &p), Ok(Some(utc.to_ntp())));
        assert_eq!(check_window(&sent, utc, &p), Ok(()));
    }
}
