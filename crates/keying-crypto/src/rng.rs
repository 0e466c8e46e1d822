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
