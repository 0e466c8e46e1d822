//! ECDSA P-256 / SHA-256: RFC 6979 A.2.5 known answers, tamper rejection, key loading.
//! Run against every provider.
#![cfg(feature = "rustcrypto")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    // `P256VerifyingKey::from` is the identity for the RustCrypto provider.
    clippy::useless_conversion
)]

mod rustcrypto {
    use keying_crypto::rustcrypto::{P256SigningKey, P256VerifyingKey};
    include!("suite/ecdsa.rs");
}

#[cfg(feature = "aws-lc")]
mod awslc {
    use keying_crypto::awslc::{P256SigningKey, P256VerifyingKey};
    include!("suite/ecdsa.rs");
}
