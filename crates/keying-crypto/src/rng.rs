//! The crate's own random-number-generator trait.

use crate::CryptoError;

/// A cryptographically secure random number generator, supplied by the caller.
///
/// This is the crate's own one-method trait, so protocol crates and firmware do not depend
/// on a particular `rand_core` generation. Implementations **must** be suitable for key
/// generation, nonces and RSA blinding (for example an
/// [SP 800-90A](https://csrc.nist.gov/pubs/sp/800/90/a/r1/final) DRBG seeded from a hardware
/// entropy source, or the operating system's generator).
///
/// The RustCrypto provider adapts it to `rand_core` 0.10 internally
/// (`rustcrypto::RngAdapter`).
pub trait Rng {
    /// Fill `dest` entirely with random bytes.
    ///
    /// # Errors
    /// [`CryptoError::Rng`] if the generator cannot produce output (for example a failed
    /// health test). `dest` must then be treated as unspecified.
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), CryptoError>;
}

impl<R: Rng + ?Sized> Rng for &mut R {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), CryptoError> {
        (**self).fill_bytes(dest)
    }
}

/// The operating system's random source (`getrandom(2)`, `/dev/urandom`, `BCryptGenRandom`
/// …, through the [`getrandom`](https://docs.rs/getrandom) crate): the generator a `std`
/// program should hand to the roles. Firmware supplies its own [`Rng`] (a DRBG seeded from
/// the hardware entropy source).
///
/// ```
/// use keying_crypto::{OsRng, Rng};
/// let mut nonce = [0u8; 16];
/// OsRng.fill_bytes(&mut nonce)?;
/// # Ok::<(), keying_crypto::CryptoError>(())
/// ```
#[cfg(feature = "std")]
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRng;

#[cfg(feature = "std")]
impl Rng for OsRng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), CryptoError> {
        getrandom::fill(dest).map_err(|_| CryptoError::Rng)
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::{OsRng, Rng};

    #[test]
    fn os_rng_fills_the_whole_buffer_with_fresh_bytes() {
        let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
        assert!(OsRng.fill_bytes(&mut a).is_ok());
        assert!(OsRng.fill_bytes(&mut b).is_ok());
        // 2^-512 chance of a false failure per comparison.
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 64]);
        // The tail is written too (no short fill).
        assert_ne!(a[32..], [0u8; 32]);
    }
}
