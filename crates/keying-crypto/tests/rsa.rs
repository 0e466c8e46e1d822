//! RSA: openssl-made fixed vectors (see tests/vectors/README.md), round trips, tamper
//! rejection, key loading and the modulus cap.
//! Run against every provider.
#![cfg(feature = "rustcrypto-rsa")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod rustcrypto {
    use keying_crypto::rustcrypto::{RsaPrivate, RsaPublic};

    /// Blinding and padding draw from the caller's generator.
    const USES_CALLER_RNG: bool = true;
    /// Key generation is slow in RustCrypto (debug builds): the smallest size it takes.
    const KEYGEN_BITS: usize = 1024;
    const TOO_SMALL_BITS: usize = 512;

    fn generate(bits: usize) -> Result<RsaPrivate, CryptoError> {
        RsaPrivate::generate(&mut HashDrbg::new(&bits.to_be_bytes()), bits)
    }

    include!("suite/rsa.rs");
}

#[cfg(feature = "aws-lc")]
mod awslc {
    use keying_crypto::awslc::{RsaPrivate, RsaPublic};

    /// AWS-LC blinds and pads with its own generator.
    const USES_CALLER_RNG: bool = false;
    /// AWS-LC's private keys start at 2048 bits.
    const KEYGEN_BITS: usize = 2048;
    const TOO_SMALL_BITS: usize = 1024;

    fn generate(bits: usize) -> Result<RsaPrivate, CryptoError> {
        RsaPrivate::generate(bits)
    }

    include!("suite/rsa.rs");
}
