//! Caller-supplied hooks and the settings both roles share.

use core::{net::Ipv6Addr, time::Duration};

use keying_crypto::Time;

use crate::{
    cga::SecPolicy, send::KeySizePolicy, steps::timestamp_cache::TimestampPolicy,
    wire::AuthAlgorithm,
};

/// Decides whether a PrRtAdv signer is an authorised router (RFC 5269 §3.3, RFC 3971 §6.3).
/// A CGA check alone proves only address ownership; the mobile node must also
/// know the key is a router's — normally through the certification path it obtained with
/// CPS/CPA. This crate does not parse X.509: the hook is where the caller's path
/// validation plugs in.
///
/// The mobile node asks this before any SHA-1 or RSA work on the PrRtAdv (RFC 3971 §5.2.2
/// leaves the order of the checks open): `spki` has not been verified yet, so a "yes"
/// authorises nothing by itself; the CGA and signature checks that follow bind the message
/// to the key.
pub trait RouterAuthorizer {
    /// Whether `spki` (the exact DER SubjectPublicKeyInfo of the PrRtAdv's CGA option) is an
    /// authorised router key for `router` (the PrRtAdv source address).
    fn is_authorized(&self, router: &Ipv6Addr, spki: &[u8]) -> bool;
}

/// A fixed list of router keys (DER SPKIs), compared octet for octet: for tests and for
/// deployments that provision router keys directly.
#[derive(Debug, Clone, Copy)]
pub struct TrustedRouterKeys<'a>(pub &'a [&'a [u8]]);

impl RouterAuthorizer for TrustedRouterKeys<'_> {
    fn is_authorized(&self, _router: &Ipv6Addr, spki: &[u8]) -> bool {
        self.0.contains(&spki)
    }
}

/// Rate limit for RtSolPr processing on the access router (RFC 3971 §11: SEND
/// verification is itself a denial-of-service target): consulted before any crypto work.
pub trait RateLimiter {
    /// Whether a message from `src` at `now` may be processed.
    fn allow(&mut self, src: &Ipv6Addr, now: Time) -> bool;
}

/// No rate limit.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRateLimit;

impl RateLimiter for NoRateLimit {
    fn allow(&mut self, _: &Ipv6Addr, _: Time) -> bool {
        true
    }
}

/// A global token bucket: `per_sec` messages per second, bursts of `burst`.
#[derive(Debug, Clone, Copy)]
pub struct TokenBucket {
    /// Tokens added per second.
    pub per_sec: u32,
    /// Bucket size.
    pub burst: u32,
    tokens: u64,
    last: u64,
}

impl TokenBucket {
    /// A full bucket.
    #[must_use]
    pub const fn new(per_sec: u32, burst: u32) -> Self {
        Self {
            per_sec,
            burst,
            tokens: (burst as u64) << 16,
            last: 0,
        }
    }
}

impl RateLimiter for TokenBucket {
    fn allow(&mut self, _: &Ipv6Addr, now: Time) -> bool {
        let now = crate::wire::Timestamp::from(now);
        let elapsed = now.value.saturating_sub(self.last);
        self.last = self.last.max(now.value);
        let cap = u64::from(self.burst) << 16;
        self.tokens = self
            .tokens
            .saturating_add(elapsed.saturating_mul(u64::from(self.per_sec)))
            .min(cap);
        if self.tokens >= 1 << 16 {
            self.tokens -= 1 << 16;
            true
        } else {
            false
        }
    }
}

/// Settings shared by both roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SendPolicy {
    /// How Sec is read (default RFC 4982).
    pub sec: SecPolicy,
    /// RSA key-size window (default 2048 bits only; 1024-bit keys need the explicit, weak
    /// opt-in [`KeySizePolicy::LEGACY_1024`]).
    pub key_sizes: KeySizePolicy,
    /// Timestamp window.
    pub timestamps: TimestampPolicy,
    /// The FBU algorithm asked for (MN) / preferred (AR).
    pub at: AuthAlgorithmSetting,
}

/// Wrapper so [`SendPolicy`] can derive `Default` with [`AuthAlgorithm::DEFAULT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthAlgorithmSetting(pub AuthAlgorithm);

impl Default for AuthAlgorithmSetting {
    fn default() -> Self {
        Self(AuthAlgorithm::DEFAULT)
    }
}

/// HK-LIFETIME default: 12 hours in seconds (RFC 5269 §3.7).
pub const HK_LIFETIME_SECS: u16 = 43200;

/// Hop Limit every RtSolPr / PrRtAdv must arrive with (RFC 5568 §6.1).
pub const ND_HOP_LIMIT: u8 = 255;

/// `now` plus `secs` seconds (saturating).
#[must_use]
pub fn after(now: Time, secs: u32) -> Time {
    now.saturating_add(Duration::from_secs(u64::from(secs)))
}
