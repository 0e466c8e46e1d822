//! The GCKS signature keys: what a GM verifies a PUSH with, and what a GCKS signs it with
//! ([RFC 6407 §4.2, §5.3.6–5.3.7](https://www.rfc-editor.org/rfc/rfc6407#section-5.3.7)).
//!
//! RSA: RFC 6407 names EMSA-PKCS1-v1_5 (with DigestInfo); the Cisco reference code signs
//! the bare hash (IKEv1 style). [`RsaForms`] selects which the GM accepts. ECDSA P-256:
//! fixed-width `r ‖ s` (RFC 4754), SHA-256.

use keying_crypto::{
    CryptoError, EcdsaP256Signer, EcdsaP256Verifier, HashAlg, Rng, RsaPrivateKeyOps,
    RsaPublicKeyOps, RsaSignatureScheme,
};

use crate::wire::sa_kek::SigAlgorithm;

/// Verifies GROUPKEY-PUSH signatures.
pub trait PushVerifier {
    /// The SIG_ALGORITHM this key serves (checked against a new SA KEK's).
    fn algorithm(&self) -> SigAlgorithm;

    /// Verifies `sig` over the concatenation of `parts`.
    ///
    /// # Errors
    /// [`CryptoError::VerifyFailed`].
    fn verify(&self, parts: &[&[u8]], sig: &[u8]) -> Result<(), CryptoError>;
}

/// Signs GROUPKEY-PUSH messages.
pub trait PushSigner {
    /// The SIG_ALGORITHM.
    fn algorithm(&self) -> SigAlgorithm;

    /// The signature length (known before signing: it enters the signed header length).
    fn signature_len(&self) -> usize;

    /// Signs the concatenation of `parts` into `out` (exactly `signature_len()` octets).
    ///
    /// # Errors
    /// From the key.
    fn sign(&self, rng: &mut dyn Rng, parts: &[&[u8]], out: &mut [u8]) -> Result<(), CryptoError>;
}

/// A shared verifier: `&V` verifies as `V` (a group member can borrow a key it does not
/// own).
impl<V: PushVerifier + ?Sized> PushVerifier for &V {
    fn algorithm(&self) -> SigAlgorithm {
        (**self).algorithm()
    }

    fn verify(&self, parts: &[&[u8]], sig: &[u8]) -> Result<(), CryptoError> {
        (**self).verify(parts, sig)
    }
}

/// A shared signer: `&S` signs as `S` (a key server can borrow a key in a secure element
/// driver it does not own).
impl<S: PushSigner + ?Sized> PushSigner for &S {
    fn algorithm(&self) -> SigAlgorithm {
        (**self).algorithm()
    }

    fn signature_len(&self) -> usize {
        (**self).signature_len()
    }

    fn sign(&self, rng: &mut dyn Rng, parts: &[&[u8]], out: &mut [u8]) -> Result<(), CryptoError> {
        (**self).sign(rng, parts, out)
    }
}

/// An ECDSA P-256 GCKS key (verifying or signing).
#[derive(Debug, Clone)]
pub struct EcdsaP256<K>(pub K);

impl<K: EcdsaP256Verifier> PushVerifier for EcdsaP256<K> {
    fn algorithm(&self) -> SigAlgorithm {
        SigAlgorithm::Ecdsa256
    }

    fn verify(&self, parts: &[&[u8]], sig: &[u8]) -> Result<(), CryptoError> {
        self.0.verify(parts, sig)
    }
}

impl<K: EcdsaP256Signer> PushSigner for EcdsaP256<K> {
    fn algorithm(&self) -> SigAlgorithm {
        SigAlgorithm::Ecdsa256
    }

    fn signature_len(&self) -> usize {
        64
    }

    fn sign(&self, _rng: &mut dyn Rng, parts: &[&[u8]], out: &mut [u8]) -> Result<(), CryptoError> {
        let s = self.0.sign(parts)?;
        match out.get_mut(..64) {
            Some(dst) if out_len_ok(dst.len(), 64) => {
                dst.copy_from_slice(&s);
                Ok(())
            }
            _ => Err(CryptoError::BufferTooSmall { needed: 64 }),
        }
    }
}

const fn out_len_ok(have: usize, want: usize) -> bool {
    have == want
}

/// Smallest RSA modulus accepted for PUSH signatures, in octets (2048 bits).
pub const MIN_RSA_MODULUS_LEN: usize = 256;

/// Which RSA PKCS#1 v1.5 encodings a GM accepts (and which a GCKS produces: the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RsaForms {
    /// EMSA-PKCS1-v1_5 with DigestInfo (RFC 6407 as written).
    DigestInfo,
    /// Type-1 padding over the bare hash (gdoid / IKEv1 style).
    RawHash,
    /// Accept either (try DigestInfo first). A GCKS signs with DigestInfo.
    Both,
}

/// An RSA GCKS key with the SIG_HASH_ALGORITHM hash.
#[derive(Debug, Clone)]
pub struct Rsa<K> {
    /// The key.
    pub key: K,
    /// The signature hash (SIG_HASH_ALGORITHM; SHA-256 is the MUST).
    pub hash: HashAlg,
    /// Accepted / produced encodings.
    pub forms: RsaForms,
}

impl<K: RsaPublicKeyOps> PushVerifier for Rsa<K> {
    fn algorithm(&self) -> SigAlgorithm {
        SigAlgorithm::Rsa
    }

    /// Keys below 2048 bits are refused (RFC 6407 §5.3.7 makes 2048 the MUST).
    /// Check the public exponent (65537, not 3) when loading the key: the trait does not
    /// expose it.
    fn verify(&self, parts: &[&[u8]], sig: &[u8]) -> Result<(), CryptoError> {
        if self.key.modulus_len() < MIN_RSA_MODULUS_LEN {
            return Err(CryptoError::VerifyFailed);
        }
        let di = || {
            self.key
                .verify(RsaSignatureScheme::Pkcs1v15(self.hash), parts, sig)
        };
        let raw = || {
            self.key
                .verify(RsaSignatureScheme::Pkcs1v15Raw(self.hash), parts, sig)
        };
        match self.forms {
            RsaForms::DigestInfo => di(),
            RsaForms::RawHash => raw(),
            RsaForms::Both => di().or_else(|_| raw()),
        }
    }
}

impl<K: RsaPrivateKeyOps> PushSigner for Rsa<K> {
    fn algorithm(&self) -> SigAlgorithm {
        SigAlgorithm::Rsa
    }

    fn signature_len(&self) -> usize {
        self.key.modulus_len()
    }

    fn sign(&self, rng: &mut dyn Rng, parts: &[&[u8]], out: &mut [u8]) -> Result<(), CryptoError> {
        let scheme = match self.forms {
            RsaForms::RawHash => RsaSignatureScheme::Pkcs1v15Raw(self.hash),
            RsaForms::DigestInfo | RsaForms::Both => RsaSignatureScheme::Pkcs1v15(self.hash),
        };
        self.key.sign(rng, scheme, parts, out).map(|_| ())
    }
}
