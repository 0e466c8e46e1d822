//! The one error type of the crypto layer.

use core::fmt;

/// Why a crypto operation failed.
///
/// The variants are deliberately coarse. In particular, every RSA decryption failure is
/// [`CryptoError::DecryptFailed`] and every signature failure is
/// [`CryptoError::VerifyFailed`], with no reason attached: a reason would be a padding
/// oracle (Bleichenbacher 1998, Manger 2001, "Marvin" 2023 — see
/// [RFC 8017 §7.1.2 note](https://www.rfc-editor.org/rfc/rfc8017#section-7.1.2) and
/// [§7.2.2 note](https://www.rfc-editor.org/rfc/rfc8017#section-7.2.2)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CryptoError {
    /// A key (or key encoding) is malformed, of a size the operation does not support, or
    /// outside a configured limit (for example an RSA modulus above the caller's cap).
    InvalidKey,
    /// An input has a length the operation does not accept (for example AES-CBC data that
    /// is not a multiple of 16 bytes, or an AES key-wrap input shorter than 24 bytes).
    InvalidLength,
    /// The output buffer is too small; `needed` bytes are required. The buffer is left
    /// unspecified (it may have been partly written) and holds no secret.
    BufferTooSmall {
        /// The number of bytes the output buffer must hold.
        needed: usize,
    },
    /// A signature or integrity check did not verify.
    VerifyFailed,
    /// Decryption or key unwrapping failed. Deliberately says nothing about why.
    DecryptFailed,
    /// The random number generator failed.
    Rng,
    /// The provider does not implement this algorithm or parameter combination.
    Unsupported,
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidKey => f.write_str("invalid key"),
            Self::InvalidLength => f.write_str("invalid input length"),
            Self::BufferTooSmall { needed } => {
                write!(f, "output buffer too small ({needed} bytes needed)")
            }
            Self::VerifyFailed => f.write_str("verification failed"),
            Self::DecryptFailed => f.write_str("decryption failed"),
            Self::Rng => f.write_str("random number generator failed"),
            Self::Unsupported => f.write_str("unsupported algorithm or parameter"),
        }
    }
}

impl core::error::Error for CryptoError {}
