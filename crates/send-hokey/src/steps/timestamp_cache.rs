//! The Timestamp check of [RFC 3971 §5.3.4](https://www.rfc-editor.org/rfc/rfc3971#section-5.3.4): per-peer cache, both roles.

use keying_crypto::Time;

use crate::wire::Timestamp;

/// One 48.16 unit per second.
const SECOND: i128 = 1 << 16;

/// Timestamp acceptance parameters (RFC 3971 §5.3.4, §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampPolicy {
    /// TIMESTAMP_DELTA in seconds (default 300).
    pub delta_secs: u32,
    /// TIMESTAMP_FUZZ in seconds (default 1).
    pub fuzz_secs: u32,
    /// TIMESTAMP_DRIFT in percent (default 1).
    pub drift_percent: u32,
}

impl Default for TimestampPolicy {
    fn default() -> Self {
        Self {
            delta_secs: 300,
            fuzz_secs: 1,
            drift_percent: 1,
        }
    }
}

/// A pending cache update, returned by [`TimestampCache::check`] and applied by
/// [`TimestampCache::commit`] once the whole message has been accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct TimestampUpdate {
    peer: [u8; 16],
    rd: u64,
    ts: u64,
    store: bool,
}

/// Per-peer `(RDlast, TSlast)` cache of RFC 3971 §5.3.4.2, fixed capacity `N`.
///
/// When full, a new peer replaces the entry with the oldest receive time (documented
/// behaviour: an attacker flooding with many valid CGAs can push out a peer, which then
/// falls back to the new-peer check, still bounded by TIMESTAMP_DELTA).
#[derive(Debug, Clone, Default)]
pub struct TimestampCache<const N: usize> {
    entries: heapless::Vec<([u8; 16], u64, u64), N>,
    /// The acceptance parameters.
    pub policy: TimestampPolicy,
}

impl<const N: usize> TimestampCache<N> {
    /// An empty cache with the default policy.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            entries: heapless::Vec::new(),
            policy: TimestampPolicy {
                delta_secs: 300,
                fuzz_secs: 1,
                drift_percent: 1,
            },
        }
    }

    /// Checks `ts` from `peer` received at `now`, without changing the cache.
    ///
    /// # Errors
    /// [`crate::Error::Timestamp`] when the timestamp is outside the window or older than
    /// the peer's last one allows.
    pub fn check(
        &self,
        peer: &core::net::Ipv6Addr,
        ts: Timestamp,
        now: Time,
    ) -> Result<TimestampUpdate, crate::Error> {
        let now = Timestamp::from(now);
        let p = peer.octets();
        let rd_new = i128::from(now.value);
        let ts_new = i128::from(ts.value);
        let delta = i128::from(self.policy.delta_secs) * SECOND;
        let fuzz = i128::from(self.policy.fuzz_secs) * SECOND;
        let ok_new = (rd_new - ts_new).abs() < delta;
        let mut update = TimestampUpdate {
            peer: p,
            rd: now.value,
            ts: ts.value,
            store: true,
        };
        match self.entries.iter().find(|e| e.0 == p) {
            None if ok_new => Ok(update),
            None => Err(crate::Error::Timestamp),
            Some(&(_, rd_last, ts_last)) => {
                let elapsed = rd_new - i128::from(rd_last);
                let drift = i128::from(100u32.saturating_sub(self.policy.drift_percent));
                let expected = i128::from(ts_last) + elapsed * drift / 100 - fuzz;
                if ts_new + fuzz > expected && ok_new {
                    update.store = ts_new > i128::from(ts_last);
                    Ok(update)
                } else {
                    Err(crate::Error::Timestamp)
                }
            }
        }
    }

    /// Applies an accepted update.
    pub fn commit(&mut self, u: TimestampUpdate) {
        if !u.store {
            return;
        }
        if let Some(e) = self.entries.iter_mut().find(|e| e.0 == u.peer) {
            e.1 = u.rd;
            e.2 = u.ts;
            return;
        }
        if self.entries.is_full()
            && let Some(i) = self
                .entries
                .iter()
                .enumerate()
                .min_by_key(|(_, e)| e.1)
                .map(|(i, _)| i)
        {
            self.entries.swap_remove(i);
        }
        let _ = self.entries.push((u.peer, u.rd, u.ts));
    }

    /// Number of peers cached.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no peer is cached.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
