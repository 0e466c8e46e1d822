//! Finite-field Diffie-Hellman over the MODP groups MIKEY defines (RFC 3830 §4.2.7,
//! §6.4). Beware: the DH-Group field is **not** the OAKLEY number — 0 is OAKLEY 5
//! (1536-bit, RFC 3526 §2), 1 is OAKLEY 1 (768-bit, RFC 2409 §6.1), 2 is OAKLEY 2
//! (1024-bit, RFC 2409 §6.2); the generator is 2 in all three.
//!
//! Arithmetic is `crypto-bigint`'s fixed-size Montgomery form (no allocation) at 1536
//! bits for every group; the private exponentiation is constant time. A peer's value is
//! range-checked (`2 ≤ y ≤ p − 2`) and checked to lie in the prime-order subgroup
//! (`y^q = 1`, `q = (p − 1) / 2`; the primes are safe primes, RFC 2412 App. E, so this is
//! the Legendre symbol `(y | p) = 1`, computed variable-time on public data). The
//! TGK is the raw `g^(xi·xr) mod p`, big-endian at the group's width (RFC 3830 §3.3,
//! RFC 4650 §3) — no PRF wrapping.

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{JacobiSymbol, Odd, U256, U1536};
use keying_crypto::{Rng, SecretBuf, SecretBytes};
use zeroize::Zeroize;

use crate::error::KmError;
use crate::wire::dh::DhGroup;

/// Largest DH value (OAKLEY 5), bytes.
pub const MAX_DH_LEN: usize = 192;

/// Private exponent length, bytes (256 bits, above RFC 3526 §8's 240 for OAKLEY 5).
pub const PRIVATE_LEN: usize = 32;

const P768: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A63A3620FFFFFFFFFFFFFFFF",
);
const P1024: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF",
);
const P1536: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF",
);

fn hexval(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// The group's prime as a 1536-bit integer.
fn prime(group: DhGroup) -> Option<U1536> {
    let hex = match group {
        DhGroup::Oakley1 => P768,
        DhGroup::Oakley2 => P1024,
        DhGroup::Oakley5 => P1536,
        DhGroup::Unknown(_) => return None,
    };
    let mut be = [0u8; MAX_DH_LEN];
    let off = MAX_DH_LEN - hex.len() / 2;
    for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
        if let (Some(d), [hi, lo]) = (be.get_mut(off + i), pair) {
            *d = (hexval(*hi) << 4) | hexval(*lo);
        }
    }
    Some(U1536::from_be_slice(&be))
}

fn to_fixed(value: &[u8]) -> Option<U1536> {
    let mut be = [0u8; MAX_DH_LEN];
    let off = MAX_DH_LEN.checked_sub(value.len())?;
    be.get_mut(off..)?.copy_from_slice(value);
    Some(U1536::from_be_slice(&be))
}

fn params(group: DhGroup) -> Option<(U1536, FixedMontyParams<{ U1536::LIMBS }>)> {
    let p = prime(group)?;
    let odd = Odd::new(p).into_option()?;
    Some((p, FixedMontyParams::new_vartime(odd)))
}

/// Writes `x` big-endian at `len` bytes into a zeroizing buffer.
fn encode(x: &U1536, len: usize) -> Result<SecretBuf<MAX_DH_LEN>, KmError> {
    let mut enc = x.to_be_bytes();
    let bytes: &[u8] = enc.as_ref();
    let tail = bytes
        .get(MAX_DH_LEN.saturating_sub(len)..)
        .ok_or(KmError::BufferTooSmall { needed: len })?;
    let out = SecretBuf::from_slice(tail).map_err(|_| KmError::BufferTooSmall { needed: len });
    enc.zeroize();
    out
}

/// An ephemeral DH key pair.
#[derive(Clone)]
pub struct DhKeyPair {
    group: DhGroup,
    x: SecretBytes<PRIVATE_LEN>,
    public: SecretBuf<MAX_DH_LEN>,
}

impl core::fmt::Debug for DhKeyPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DhKeyPair")
            .field("group", &self.group)
            .finish_non_exhaustive()
    }
}

impl DhKeyPair {
    /// A fresh key pair in `group` from `rng`.
    pub fn generate(group: DhGroup, rng: &mut dyn Rng) -> Result<Self, KmError> {
        let mut x = SecretBytes::<PRIVATE_LEN>::zero();
        rng.fill_bytes(x.expose_mut()).map_err(KmError::Crypto)?;
        Self::from_private(group, x)
    }

    /// The key pair of a given private exponent (tests, deterministic vectors).
    pub fn from_private(group: DhGroup, x: SecretBytes<PRIVATE_LEN>) -> Result<Self, KmError> {
        let (_, params) = params(group).ok_or(KmError::DhGroupRefused)?;
        let len = group.value_len().ok_or(KmError::DhGroupRefused)?;
        let mut e = U256::from_be_slice(x.expose());
        let g = FixedMontyForm::new(&U1536::from_u8(2), &params);
        let mut y = g.pow(&e).retrieve();
        e.zeroize();
        let public = encode(&y, len)?;
        y.zeroize();
        Ok(Self { group, x, public })
    }

    /// The group.
    pub fn group(&self) -> DhGroup {
        self.group
    }

    /// The public value `g^x`, at the group's width.
    pub fn public(&self) -> &[u8] {
        self.public.expose()
    }

    /// `peer^x mod p` after checking the peer's value (the TGK), at the group's width.
    pub fn agree(&self, peer: &[u8]) -> Result<SecretBuf<MAX_DH_LEN>, KmError> {
        let len = self.group.value_len().ok_or(KmError::DhGroupRefused)?;
        let y = check_public(self.group, peer)?;
        let (_, params) = params(self.group).ok_or(KmError::DhGroupRefused)?;
        let mut e = U256::from_be_slice(self.x.expose());
        let mut z = FixedMontyForm::new(&y, &params).pow(&e).retrieve();
        e.zeroize();
        let out = encode(&z, len);
        z.zeroize();
        out
    }
}

/// Checks a received DH value: exact width, `2 ≤ y ≤ p − 2`, and `y^q = 1` (membership of
/// the order-`q` subgroup). The OAKLEY primes are safe primes (`p = 2q + 1`), whose order-`q`
/// subgroup is exactly the quadratic residues, so `y^q = 1` is decided by the Legendre
/// symbol `(y | p) = 1` — a gcd-like computation about ten times cheaper than the
/// exponentiation; `y` is public, so the variable-time algorithm is fine.
pub fn check_public(group: DhGroup, value: &[u8]) -> Result<U1536, KmError> {
    let (p, params) = params(group).ok_or(KmError::DhGroupRefused)?;
    if Some(value.len()) != group.value_len() {
        return Err(KmError::DhValueOutOfRange);
    }
    let y = to_fixed(value).ok_or(KmError::DhValueOutOfRange)?;
    let two = U1536::from_u8(2);
    let p_minus_2 = p.wrapping_sub(&two);
    if y < two || y > p_minus_2 {
        return Err(KmError::DhValueOutOfRange);
    }
    if y.jacobi_symbol_vartime(params.modulus()) != JacobiSymbol::One {
        return Err(KmError::DhValueOutOfRange);
    }
    Ok(y)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    /// The Legendre-symbol check accepts exactly the values with `y^q = 1` (the definition
    /// RFC 3830 §4.2.7 / RFC 2785 asks for), in every group, for small values and for
    /// pseudo-random full-width ones; both outcomes occur, so the comparison is not vacuous.
    #[test]
    fn legendre_check_equals_subgroup_exponentiation() {
        for group in [DhGroup::Oakley1, DhGroup::Oakley2, DhGroup::Oakley5] {
            let (p, params) = params(group).unwrap();
            let q = p.shr_vartime(1);
            let len = group.value_len().unwrap();
            let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
            let (mut inside, mut outside) = (0, 0);
            for i in 0..160u64 {
                let mut be = [0u8; MAX_DH_LEN];
                if i < 40 {
                    be[MAX_DH_LEN - 8..].copy_from_slice(&(i + 2).to_be_bytes());
                } else {
                    for b in be[MAX_DH_LEN - len..].iter_mut() {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        *b = seed.to_le_bytes()[0];
                    }
                }
                let y = U1536::from_be_slice(&be);
                let value = &be[MAX_DH_LEN - len..];
                let in_range = y >= U1536::from_u8(2) && y <= p.wrapping_sub(&U1536::from_u8(2));
                let subgroup =
                    FixedMontyForm::new(&y, &params).pow_vartime(&q).retrieve() == U1536::ONE;
                let expected = in_range && subgroup;
                assert_eq!(
                    check_public(group, value).is_ok(),
                    expected,
                    "{group:?} {i}"
                );
                if in_range {
                    if subgroup { inside += 1 } else { outside += 1 }
                }
            }
            assert!(
                inside > 20 && outside > 20,
                "{group:?}: {inside} / {outside}"
            );
        }
    }
}
