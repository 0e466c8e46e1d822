//! CGA verification and generation ([RFC 3972 §4, §5](https://www.rfc-editor.org/rfc/rfc3972#section-5)).

use core::net::Ipv6Addr;

use keying_crypto::{HashAlg, Symmetric};

use keying_tlv::Writer;

use crate::wire::{CGA_PARAMS_FIXED_LEN, CgaParams};

/// Why a CGA failed verification (RFC 3972 §5), in the order the checks run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CgaError {
    /// The parameters do not decode.
    Malformed,
    /// Collision count above 2 (step 1).
    CollisionCount,
    /// The subnet prefix differs from the address's (step 2).
    SubnetPrefix,
    /// Hash1 does not match the interface identifier (steps 3–4).
    Hash1,
    /// Sec is above 2 under the RFC 4982 policy (Sec is a hash selector; 3–7 unassigned).
    UnsupportedSec,
    /// Hash2's leftmost 16·Sec bits are not zero (steps 6–7).
    Hash2,
    /// The crypto provider has no SHA-1 (its digest is not 20 octets), so nothing can be
    /// verified.
    NoSha1,
}

impl core::fmt::Display for CgaError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::Malformed => "malformed CGA parameters",
            Self::CollisionCount => "collision count above 2",
            Self::SubnetPrefix => "subnet prefix differs from the address",
            Self::Hash1 => "Hash1 does not match the interface identifier",
            Self::UnsupportedSec => "unassigned Sec value",
            Self::Hash2 => "Hash2 bits not zero",
            Self::NoSha1 => "the crypto provider has no SHA-1",
        })
    }
}

impl core::error::Error for CgaError {}

/// How the Sec parameter (the top 3 bits of the interface identifier) is read: RFC 3972 §4
/// (Sec 0 to 7, SHA-1) or RFC 4982 §6 (Sec selects the hash, 0 to 2 assigned).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecPolicy {
    /// RFC 4982 §6: Sec selects the hash function; 0 to 2 are SHA-1 with 0, 16 and 32
    /// Hash2 bits, 3 to 7 are unassigned and rejected ([`CgaError::UnsupportedSec`]).
    /// The default.
    #[default]
    Rfc4982,
    /// RFC 3972 §5: every Sec 0 to 7 is SHA-1 with 16·Sec Hash2 bits.
    Rfc3972,
}

/// Mask of the interface-identifier bits Hash1 is compared on: Sec (3 bits) and the u and g
/// bits (6 and 7) are ignored (RFC 3972 §5 step 4).
pub const HASH1_MASK: u64 = 0x1cff_ffff_ffff_ffff;

/// Largest collision count a valid CGA has (RFC 3972 §5 step 1).
pub const MAX_COLLISION_COUNT: u8 = 2;

fn hash1<S: Symmetric + ?Sized>(crypto: &S, params: &[u8]) -> Result<u64, CgaError> {
    let d = crypto
        .hash(HashAlg::Sha1, &[params])
        .checked(HashAlg::Sha1)
        .map_err(|_| CgaError::NoSha1)?;
    let mut h = [0u8; 8];
    if let Some(src) = d.as_bytes().get(..8) {
        h.copy_from_slice(src);
    }
    Ok(u64::from_be_bytes(h))
}

/// Whether Hash2 = SHA-1(modifier ‖ 9 zero octets ‖ public key ‖ extensions) starts with
/// 16·`sec` zero bits (RFC 3972 §4 step 3, §5 step 7).
fn hash2_ok<S: Symmetric + ?Sized>(
    crypto: &S,
    modifier: &[u8; 16],
    public_key: &[u8],
    extensions: &[u8],
    sec: u8,
) -> bool {
    if sec == 0 {
        return true;
    }
    let d = crypto.hash(
        HashAlg::Sha1,
        &[modifier, &[0u8; 9], public_key, extensions],
    );
    let n = 2 * usize::from(sec.min(7));
    d.as_bytes()
        .get(..n)
        .is_some_and(|z| z.iter().all(|&b| b == 0))
}

/// Verifies that `address` is a CGA for the encoded parameters `params` (RFC 3972 §5),
/// stopping at the first failing step; at most two SHA-1 computations. The u and g bits are
/// ignored, as RFC 3972 requires.
///
/// # Errors
/// The [`CgaError`] of the first failing step.
pub fn verify<'a, S: Symmetric + ?Sized>(
    crypto: &S,
    params: &'a [u8],
    address: &Ipv6Addr,
    policy: SecPolicy,
) -> Result<CgaParams<'a>, CgaError> {
    let p = CgaParams::parse(params).map_err(|_| CgaError::Malformed)?;
    if p.collision_count > MAX_COLLISION_COUNT {
        return Err(CgaError::CollisionCount);
    }
    let octets = address.octets();
    let (prefix, iid) = octets.split_at(8);
    if prefix != p.subnet_prefix {
        return Err(CgaError::SubnetPrefix);
    }
    let mut iid8 = [0u8; 8];
    iid8.copy_from_slice(iid);
    let iid = u64::from_be_bytes(iid8);
    if (hash1(crypto, params)? ^ iid) & HASH1_MASK != 0 {
        return Err(CgaError::Hash1);
    }
    let sec = iid8[0] >> 5;
    if policy == SecPolicy::Rfc4982 && sec > 2 {
        return Err(CgaError::UnsupportedSec);
    }
    if !hash2_ok(crypto, &p.modifier, p.public_key, p.extensions, sec) {
        return Err(CgaError::Hash2);
    }
    Ok(p)
}

/// The address for `params` with security parameter `sec` (RFC 3972 §4 steps 5–7): the
/// prefix, then Hash1 with Sec in the top 3 bits and u, g cleared. (Under a provider
/// without SHA-1 the interface identifier is zero apart from Sec; [`verify`] refuses such
/// a provider with [`CgaError::NoSha1`].)
#[must_use]
pub fn address<S: Symmetric + ?Sized>(crypto: &S, params: &CgaParams<'_>, sec: u8) -> Ipv6Addr {
    let mut w_buf = [0u8; CGA_PARAMS_FIXED_LEN];
    let mut w = Writer::new(&mut w_buf);
    w.bytes(&params.modifier);
    w.bytes(&params.subnet_prefix);
    w.u8(params.collision_count);
    let d = crypto.hash(
        HashAlg::Sha1,
        &[&w_buf, params.public_key, params.extensions],
    );
    let mut out = [0u8; 16];
    if let (Some(dst), Some(src)) = (out.get_mut(8..16), d.as_bytes().get(..8)) {
        dst.copy_from_slice(src);
    }
    if let Some(dst) = out.get_mut(..8) {
        dst.copy_from_slice(&params.subnet_prefix);
    }
    if let Some(b) = out.get_mut(8) {
        *b = ((sec & 7) << 5) | (*b & 0x1c);
    }
    Ipv6Addr::from(out)
}

/// A resumable, step-budgeted search for a modifier whose Hash2 has 16·Sec leading zero
/// bits (RFC 3972 §4 steps 1–3). Sans-IO: [`ModifierSearch::step`] does at most `budget`
/// SHA-1 computations and returns; the caller drives it (expected cost 2^(16·Sec)).
/// The modifier is incremented as one 128-bit big-endian integer (RFC 3972 §4 step 2;
/// some implementations increment only a host-order 64-bit half).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModifierSearch {
    modifier: u128,
    sec: u8,
    tried: u64,
    found: bool,
}

impl ModifierSearch {
    /// A search starting at `initial` (a random value, RFC 3972 §4 step 1) for `sec`
    /// (values above 7 are treated as 7).
    #[must_use]
    pub const fn new(initial: [u8; 16], sec: u8) -> Self {
        Self {
            modifier: u128::from_be_bytes(initial),
            sec: if sec > 7 { 7 } else { sec },
            tried: 0,
            found: false,
        }
    }

    /// The modifier currently under test (the answer once [`ModifierSearch::step`]
    /// returned it).
    #[must_use]
    pub const fn modifier(&self) -> [u8; 16] {
        self.modifier.to_be_bytes()
    }

    /// Number of Hash2 computations done so far.
    #[must_use]
    pub const fn tried(&self) -> u64 {
        self.tried
    }

    /// Tries up to `budget` modifiers. `Some(modifier)` when found (further calls return
    /// it again at no cost), `None` when the budget ran out.
    pub fn step<S: Symmetric + ?Sized>(
        &mut self,
        crypto: &S,
        public_key: &[u8],
        extensions: &[u8],
        budget: u32,
    ) -> Option<[u8; 16]> {
        if self.found {
            return Some(self.modifier());
        }
        for _ in 0..budget {
            let m = self.modifier();
            if hash2_ok(crypto, &m, public_key, extensions, self.sec) {
                self.found = true;
                return Some(m);
            }
            self.tried = self.tried.saturating_add(1);
            self.modifier = self.modifier.wrapping_add(1);
        }
        None
    }
}
