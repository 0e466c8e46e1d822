//! The handover-key table both roles keep: the access router one key per PCoA, the mobile
//! node one per router. Fixed capacity `N`; every change is planned first ([`KeyTable::slot`],
//! no state change) and applied as the caller's last step ([`KeyTable::commit`]).

use core::net::Ipv6Addr;

use keying_crypto::{SecretBuf, Time};

use crate::{Error, wire::AuthAlgorithm};

/// Longest handover key the tables hold.
pub const MAX_HK_LEN: usize = 32;

/// One handover key.
#[derive(Debug)]
pub struct KeyEntry {
    /// The peer the key is shared with (the AR: the PCoA; the MN: the router).
    pub peer: Ipv6Addr,
    /// The key.
    pub key: SecretBuf<MAX_HK_LEN>,
    /// The FBU authenticator algorithm.
    pub at: AuthAlgorithm,
    /// When the key was last sent or received (its lifetime runs from here).
    pub issued: Time,
    /// When it expires.
    pub expires: Time,
    /// Last use (RtSolPr, PrRtAdv or accepted FBU).
    pub last_used: Time,
    /// An FBU authenticated with it was accepted (the mobile node's keys always are).
    pub confirmed: bool,
}

/// Where a new key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The peer's own slot.
    Own(usize),
    /// A new slot at the end.
    Push,
    /// An expired or evicted slot.
    Replace(usize),
}

/// How many keys one source prefix may hold (the access router's rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefixLimit {
    /// Most keys per prefix.
    pub max_keys: usize,
    /// Prefix length in bits (above 128 counts as 128).
    pub prefix_len: u8,
}

/// Whether `a` and `b` share their first `len` bits.
fn same_prefix(a: &Ipv6Addr, b: &Ipv6Addr, len: u8) -> bool {
    let len = u32::from(len.min(128));
    let x = u128::from_be_bytes(a.octets()) ^ u128::from_be_bytes(b.octets());
    x.checked_shr(128 - len).unwrap_or(0) == 0
}

/// A fixed-capacity table of handover keys, one per peer.
#[derive(Debug)]
pub struct KeyTable<const N: usize> {
    entries: heapless::Vec<KeyEntry, N>,
}

impl<const N: usize> Default for KeyTable<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> KeyTable<N> {
    /// An empty table.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            entries: heapless::Vec::new(),
        }
    }

    /// Number of keys held.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The key for `peer`, live or not.
    #[must_use]
    pub fn get(&self, peer: &Ipv6Addr) -> Option<&KeyEntry> {
        self.entries.iter().find(|k| k.peer == *peer)
    }

    /// The entry at `i`.
    #[must_use]
    pub fn at(&self, i: usize) -> Option<&KeyEntry> {
        self.entries.get(i)
    }

    /// The index of the key for `peer` if it is live at `now`.
    #[must_use]
    pub fn live(&self, peer: &Ipv6Addr, now: Time) -> Option<usize> {
        self.entries
            .iter()
            .position(|k| k.peer == *peer && k.expires > now)
    }

    /// Deletes the key for `peer`.
    pub fn remove(&mut self, peer: &Ipv6Addr) {
        self.entries.retain(|k| k.peer != *peer);
    }

    /// The next expiry.
    #[must_use]
    pub fn next_expiry(&self) -> Option<Time> {
        self.entries.iter().map(|k| k.expires).min()
    }

    /// Deletes the keys expired at `now`.
    pub fn expire(&mut self, now: Time) {
        self.entries.retain(|k| k.expires > now);
    }

    /// The slot a key for `peer` would take at `now`; no state change. In order: the
    /// peer's own slot; with `limit`, when `peer`'s prefix holds `limit.max_keys` live keys,
    /// that prefix's least recently used unconfirmed key ([`Error::PrefixLimit`] if none);
    /// a free slot; an expired one; the least recently used unconfirmed key;
    /// [`Error::TableFull`].
    ///
    /// # Errors
    /// [`Error::PrefixLimit`], [`Error::TableFull`].
    pub fn slot(
        &self,
        peer: &Ipv6Addr,
        now: Time,
        limit: Option<PrefixLimit>,
    ) -> Result<Slot, Error> {
        if let Some(i) = self.entries.iter().position(|e| e.peer == *peer) {
            return Ok(Slot::Own(i));
        }
        let lru_unconfirmed = |prefix: Option<u8>| {
            self.entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.expires > now && !e.confirmed)
                .filter(|(_, e)| prefix.is_none_or(|l| same_prefix(&e.peer, peer, l)))
                .min_by_key(|(_, e)| e.last_used)
                .map(|(i, _)| i)
        };
        if let Some(l) = limit {
            let held = self
                .entries
                .iter()
                .filter(|e| e.expires > now && same_prefix(&e.peer, peer, l.prefix_len))
                .count();
            if held >= l.max_keys {
                return lru_unconfirmed(Some(l.prefix_len))
                    .map(Slot::Replace)
                    .ok_or(Error::PrefixLimit);
            }
        }
        if !self.entries.is_full() {
            return Ok(Slot::Push);
        }
        self.entries
            .iter()
            .position(|e| e.expires <= now)
            .or_else(|| lru_unconfirmed(None))
            .map(Slot::Replace)
            .ok_or(Error::TableFull)
    }

    /// Stores `entry` in `slot` (from [`KeyTable::slot`] on the unchanged table).
    pub fn commit(&mut self, slot: Slot, entry: KeyEntry) {
        match slot {
            Slot::Own(i) | Slot::Replace(i) => {
                if let Some(e) = self.entries.get_mut(i) {
                    *e = entry;
                }
            }
            Slot::Push => {
                let _ = self.entries.push(entry);
            }
        }
    }

    /// Marks the key at `i` confirmed by an FBU, expiring at `expires`, used at `now`.
    pub fn confirm(&mut self, i: usize, expires: Time, now: Time) {
        if let Some(e) = self.entries.get_mut(i) {
            e.confirmed = true;
            e.expires = expires;
            e.last_used = now;
        }
    }
}
