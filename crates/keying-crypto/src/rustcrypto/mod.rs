//! The default provider, built on the [RustCrypto](https://github.com/RustCrypto) crates
//! (sha1 0.11, sha2 0.11, aes 0.9, ctr 0.10, cbc 0.2, aes-kw 0.3, p256 0.14 and,
//! with `rustcrypto-rsa`, rsa 0.10).
//!
//! - [`RustCrypto`] implements [`Symmetric`](crate::Symmetric) (no alloc), with the hashes
//!   and AES key sizes of the features `sha1`, `sha256`, `sha512`, `aes128`, `aes192` and
//!   `aes256` (all of them with `rustcrypto`).
//! - `P256SigningKey` / `P256VerifyingKey` implement the ECDSA traits (no alloc; feature
//!   `ecdsa-p256`).
//! - `RsaPrivate` / `RsaPublic` implement the RSA traits (feature `rustcrypto-rsa`, alloc).
//! - [`RngAdapter`] turns a [`Rng`] into a `rand_core` 0.10 generator for the
//!   RustCrypto calls; `HashDrbg` is a deterministic generator for tests and examples
//!   (feature `sha256`).

#[cfg(feature = "sha256")]
mod drbg;
#[cfg(feature = "ecdsa-p256")]
mod ecdsa;
#[cfg(any(feature = "sha1", feature = "sha256", feature = "sha512"))]
mod md;
#[cfg(feature = "rustcrypto-rsa")]
mod rsa;
#[cfg(all(feature = "sha1", any(test, keying_sha1_backend = "compact")))]
mod sha1_compact;
mod symmetric;

#[cfg(feature = "sha256")]
pub use drbg::HashDrbg;
#[cfg(feature = "ecdsa-p256")]
pub use ecdsa::{P256SigningKey, P256VerifyingKey};
#[cfg(feature = "rustcrypto-rsa")]
pub use rsa::{DEFAULT_MAX_MODULUS_BITS, MIN_MODULUS_BITS, RsaPrivate, RsaPublic};
#[cfg(feature = "aws-lc")]
pub(crate) use symmetric::{kw_unwrapped_len, kw_wrapped_len};

use core::fmt;

use crate::{CryptoError, Rng};

/// The RustCrypto provider for [`Symmetric`](crate::Symmetric). A zero-sized value: pass
/// `&RustCrypto` wherever a provider is wanted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RustCrypto;

/// Adapts the crate's [`Rng`] to `rand_core` 0.10
/// ([`TryRng`](rand_core::TryRng) + [`TryCryptoRng`](rand_core::TryCryptoRng)), which the
/// RustCrypto crates take. Failures surface as [`CryptoError::Rng`].
pub struct RngAdapter<'a>(pub &'a mut dyn Rng);

impl fmt::Debug for RngAdapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RngAdapter")
    }
}

impl rand_core::TryRng for RngAdapter<'_> {
    type Error = CryptoError;

    fn try_next_u32(&mut self) -> Result<u32, CryptoError> {
        let mut b = [0u8; 4];
        self.0.fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, CryptoError> {
        let mut b = [0u8; 8];
        self.0.fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), CryptoError> {
        self.0.fill_bytes(dst)
    }
}

/// The [`Rng`] contract requires a cryptographically secure generator.
impl rand_core::TryCryptoRng for RngAdapter<'_> {}
