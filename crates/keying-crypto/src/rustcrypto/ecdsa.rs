//! ECDSA P-256 / SHA-256 on p256 0.14 (no alloc).

use core::fmt;

use p256::ecdsa::signature::{MultipartSigner, MultipartVerifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey};

use crate::{CryptoError, EcdsaP256Signer, EcdsaP256Verifier, Rng};

/// A P-256 private key held in memory, signing deterministically per
/// [RFC 6979 §3.2](https://www.rfc-editor.org/rfc/rfc6979#section-3.2) with SHA-256.
///
/// Zeroized on drop (p256's `SigningKey` is `ZeroizeOnDrop`); `Debug` prints `<redacted>`.
pub struct P256SigningKey {
    key: SigningKey,
}

impl P256SigningKey {
    /// Load the raw 32-byte big-endian scalar `d`
    /// ([SEC 1 v2 §2.3.6](https://www.secg.org/sec1-v2.pdf)).
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] unless `scalar` is 32 bytes encoding `1 ≤ d < n`.
    pub fn from_scalar_bytes(scalar: &[u8]) -> Result<Self, CryptoError> {
        if scalar.len() != 32 {
            return Err(CryptoError::InvalidKey);
        }
        SigningKey::from_slice(scalar)
            .map(|key| Self { key })
            .map_err(|_| CryptoError::InvalidKey)
    }

    /// Load an unencrypted PKCS#8 `PrivateKeyInfo` DER
    /// ([RFC 5208 §5](https://www.rfc-editor.org/rfc/rfc5208#section-5), EC key per
    /// [RFC 5915](https://www.rfc-editor.org/rfc/rfc5915)), as `openssl pkcs8 -topk8 -nocrypt
    /// -outform DER` writes it.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if the DER is malformed or not a P-256 key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, CryptoError> {
        SigningKey::from_pkcs8_der(der)
            .map(|key| Self { key })
            .map_err(|_| CryptoError::InvalidKey)
    }

    /// Generate a key from `rng` (rejection sampling of 32-byte candidates, as in
    /// [FIPS 186-5 §A.2.2](https://csrc.nist.gov/pubs/fips/186-5/final)).
    ///
    /// # Errors
    /// [`CryptoError::Rng`] if the generator fails (or, with probability ≈ 2⁻²⁰⁴⁸, if 64
    /// candidates in a row are out of range).
    pub fn generate(rng: &mut dyn Rng) -> Result<Self, CryptoError> {
        let mut candidate = crate::SecretBytes::<32>::zero();
        for _ in 0..64 {
            rng.fill_bytes(candidate.expose_mut())?;
            if let Ok(key) = SigningKey::from_slice(candidate.expose()) {
                return Ok(Self { key });
            }
        }
        Err(CryptoError::Rng)
    }

    /// The matching public key.
    #[must_use]
    pub fn verifying_key(&self) -> P256VerifyingKey {
        P256VerifyingKey {
            key: *self.key.verifying_key(),
        }
    }

    /// The raw 32-byte scalar, for storage. Handle with care.
    #[must_use]
    pub fn to_scalar_bytes(&self) -> crate::SecretBytes<32> {
        let mut out = crate::SecretBytes::<32>::zero();
        let mut bytes = self.key.to_bytes();
        out.expose_mut().copy_from_slice(&bytes);
        zeroize::Zeroize::zeroize(bytes.as_mut_slice());
        out
    }
}

impl EcdsaP256Signer for P256SigningKey {
    fn sign(&self, msg_parts: &[&[u8]]) -> Result<[u8; 64], CryptoError> {
        let sig: Signature = self
            .key
            .try_multipart_sign(msg_parts)
            .map_err(|_| CryptoError::Unsupported)?;
        Ok(sig.to_bytes().into())
    }
}

impl fmt::Debug for P256SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("P256SigningKey(<redacted>)")
    }
}

/// A P-256 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct P256VerifyingKey {
    key: VerifyingKey,
}

impl P256VerifyingKey {
    /// Load a SEC 1 encoded point, uncompressed (65 bytes, `04 ‖ x ‖ y`) or compressed
    /// (33 bytes) ([SEC 1 v2 §2.3.3](https://www.secg.org/sec1-v2.pdf)). The point is
    /// checked to be on the curve and not the identity.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] for anything else.
    pub fn from_sec1_bytes(point: &[u8]) -> Result<Self, CryptoError> {
        VerifyingKey::from_sec1_bytes(point)
            .map(|key| Self { key })
            .map_err(|_| CryptoError::InvalidKey)
    }

    /// Load a DER `SubjectPublicKeyInfo`
    /// ([RFC 5480 §2](https://www.rfc-editor.org/rfc/rfc5480#section-2)) with algorithm
    /// `id-ecPublicKey` and curve `secp256r1`.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if the DER is malformed or not a P-256 key.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, CryptoError> {
        VerifyingKey::from_public_key_der(der)
            .map(|key| Self { key })
            .map_err(|_| CryptoError::InvalidKey)
    }

    /// The uncompressed SEC 1 encoding `04 ‖ x ‖ y` (65 bytes).
    #[must_use]
    pub fn to_sec1_uncompressed(&self) -> [u8; 65] {
        let point = self.key.to_sec1_point(false);
        let mut out = [0u8; 65];
        let bytes = point.as_bytes();
        if bytes.len() == out.len() {
            out.copy_from_slice(bytes);
        }
        out
    }
}

impl EcdsaP256Verifier for P256VerifyingKey {
    fn verify(&self, msg_parts: &[&[u8]], sig_r_s: &[u8]) -> Result<(), CryptoError> {
        if sig_r_s.len() != 64 {
            return Err(CryptoError::VerifyFailed);
        }
        let sig = Signature::from_slice(sig_r_s).map_err(|_| CryptoError::VerifyFailed)?;
        self.key
            .multipart_verify(msg_parts, &sig)
            .map_err(|_| CryptoError::VerifyFailed)
    }
}

impl fmt::Debug for P256VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("P256VerifyingKey(")?;
        for b in self.to_sec1_uncompressed() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}
