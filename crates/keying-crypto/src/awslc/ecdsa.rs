//! ECDSA P-256 / SHA-256 verification on AWS-LC. Keys are parsed and validated by the
//! RustCrypto code; signing stays there (deterministic nonces, RFC 6979).

use core::fmt;

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};

use super::digest_parts;
use crate::rustcrypto;
use crate::{CryptoError, EcdsaP256Verifier, HashAlg};

/// A P-256 public key; verification runs on AWS-LC.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct P256VerifyingKey {
    key: rustcrypto::P256VerifyingKey,
    sec1: [u8; 65],
}

impl From<rustcrypto::P256VerifyingKey> for P256VerifyingKey {
    fn from(key: rustcrypto::P256VerifyingKey) -> Self {
        Self {
            sec1: key.to_sec1_uncompressed(),
            key,
        }
    }
}

impl P256VerifyingKey {
    /// Load a SEC 1 encoded point, uncompressed (65 bytes) or compressed (33 bytes),
    /// checked to be on the curve and not the identity.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] for anything else.
    pub fn from_sec1_bytes(point: &[u8]) -> Result<Self, CryptoError> {
        rustcrypto::P256VerifyingKey::from_sec1_bytes(point).map(Self::from)
    }

    /// Load a DER `SubjectPublicKeyInfo`
    /// ([RFC 5480 §2](https://www.rfc-editor.org/rfc/rfc5480#section-2)) of a P-256 key.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if the DER is malformed or not a P-256 key.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, CryptoError> {
        rustcrypto::P256VerifyingKey::from_spki_der(der).map(Self::from)
    }

    /// The uncompressed SEC 1 encoding `04 ‖ x ‖ y` (65 bytes).
    #[must_use]
    pub fn to_sec1_uncompressed(&self) -> [u8; 65] {
        self.sec1
    }
}

impl EcdsaP256Verifier for P256VerifyingKey {
    fn verify(&self, msg_parts: &[&[u8]], sig_r_s: &[u8]) -> Result<(), CryptoError> {
        if sig_r_s.len() != 64 {
            return Err(CryptoError::VerifyFailed);
        }
        let digest = digest_parts(HashAlg::Sha256, msg_parts);
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &self.sec1)
            .verify_digest(&digest, sig_r_s)
            .map_err(|_| CryptoError::VerifyFailed)
    }
}

impl fmt::Debug for P256VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.key, f)
    }
}
