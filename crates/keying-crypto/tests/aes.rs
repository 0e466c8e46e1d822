//! AES-CTR / AES-CBC (NIST SP 800-38A App. F) and AES key wrap (RFC 3394 §4).
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
    include!("suite/aes.rs");
}

#[cfg(feature = "aws-lc")]
mod awslc {
    const P: keying_crypto::awslc::AwsLc = keying_crypto::awslc::AwsLc;
    include!("suite/aes.rs");
}
