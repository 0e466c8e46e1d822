//! Known answers for SHA-1/2 (FIPS 180-4 examples) and HMAC (RFC 2202, RFC 4231).
//! Run against every provider.
#![cfg(feature = "rustcrypto")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod rustcrypto {
    const P: keying_crypto::rustcrypto::RustCrypto = keying_crypto::rustcrypto::RustCrypto;
    include!("suite/hash_hmac.rs");
}

#[cfg(feature = "aws-lc")]
mod awslc {
    const P: keying_crypto::awslc::AwsLc = keying_crypto::awslc::AwsLc;
    include!("suite/hash_hmac.rs");
}
