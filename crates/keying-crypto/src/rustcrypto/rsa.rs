//! RSA on rsa 0.10 (alloc). Private operations are always blinded.

use alloc::vec::Vec;
use core::fmt;

use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPublicKey, RsaPublicKeyRef};
use rsa::pkcs8::der::Decode;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey, SubjectPublicKeyInfoRef};
use rsa::traits::PublicKeyParts;
use rsa::{BoxedUint, Oaep, Pkcs1v15Encrypt, Pkcs1v15Sign, PrivateKey, Pss, PublicKey};
use sha2::digest::FixedOutputReset;
use zeroize::{Zeroize, Zeroizing};

use super::{RngAdapter, RustCrypto};
use crate::{
    CryptoError, Digest, HashAlg, Rng, RsaEncryptionPadding, RsaPrivateKeyOps, RsaPublicKeyOps,
    RsaSignatureScheme, Symmetric, rsa_max_plaintext_len,
};

/// The smallest modulus accepted anywhere, in bits (the rsa crate's floor).
pub const MIN_MODULUS_BITS: usize = PublicKey::MIN_SIZE;
/// The largest modulus accepted by the loaders without an explicit cap, in bits.
pub const DEFAULT_MAX_MODULUS_BITS: usize = PublicKey::MAX_SIZE;

/// id-RSASSA-PSS ([RFC 4055 §3.1](https://www.rfc-editor.org/rfc/rfc4055#section-3.1)).
const ID_RSASSA_PSS: rsa::pkcs8::ObjectIdentifier =
    rsa::pkcs8::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// An RSA private key in memory, implementing [`RsaPrivateKeyOps`].
///
/// Every private-key operation is blinded with the caller's [`Rng`]
/// (`decrypt_blinded` / `sign_with_rng` in rsa 0.10). Zeroized on drop (rsa's `PrivateKey`
/// is `ZeroizeOnDrop`); `Debug` prints only the modulus size.
pub struct RsaPrivate {
    key: PrivateKey,
}

/// An RSA public key, implementing [`RsaPublicKeyOps`].
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublic {
    key: PublicKey,
}

/// Hash `parts` with `alg` using the RustCrypto provider.
fn hash_parts(alg: HashAlg, parts: &[&[u8]]) -> Digest {
    RustCrypto.hash(alg, parts)
}

fn pkcs1v15_sign_scheme(alg: HashAlg) -> Pkcs1v15Sign {
    match alg {
        HashAlg::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
        HashAlg::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
        HashAlg::Sha384 => Pkcs1v15Sign::new::<sha2::Sha384>(),
        HashAlg::Sha512 => Pkcs1v15Sign::new::<sha2::Sha512>(),
    }
}

/// PSS for verification: salt length recovered from the encoding (any length accepted).
fn pss_verify_scheme<D: sha2::Digest + FixedOutputReset>() -> Pss<D> {
    let mut p = Pss::<D>::new();
    p.salt_len = None;
    p
}

impl RsaPrivate {
    /// Load a PKCS#1 `RSAPrivateKey` DER
    /// ([RFC 8017 App. A.1.2](https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2)),
    /// as `openssl genrsa -traditional` / `openssl rsa -traditional -outform DER` write it.
    /// Two-prime keys only.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if the DER is malformed or the key inconsistent.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, CryptoError> {
        PrivateKey::from_pkcs1_der(der)
            .map(|key| Self { key })
            .map_err(|_| CryptoError::InvalidKey)
    }

    /// Load an unencrypted PKCS#8 `PrivateKeyInfo` DER
    /// ([RFC 5208 §5](https://www.rfc-editor.org/rfc/rfc5208#section-5)) holding an RSA key.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if the DER is malformed, not RSA, or inconsistent.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, CryptoError> {
        PrivateKey::from_pkcs8_der(der)
            .map(|key| Self { key })
            .map_err(|_| CryptoError::InvalidKey)
    }

    /// Generate a key with a `bits`-bit modulus and `e = 65537`
    /// ([RFC 8017 §3.2](https://www.rfc-editor.org/rfc/rfc8017#section-3.2)), for tests and
    /// examples. Slow (seconds for 2048 bits in an optimised build, far more in debug).
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] for `bits` below 1024; [`CryptoError::Rng`] if the
    /// generator fails.
    pub fn generate(rng: &mut dyn Rng, bits: usize) -> Result<Self, CryptoError> {
        if bits < MIN_MODULUS_BITS {
            return Err(CryptoError::InvalidKey);
        }
        PrivateKey::new(&mut RngAdapter(rng), bits)
            .map(|key| Self { key })
            .map_err(|e| match e {
                rsa::Error::Rng => CryptoError::Rng,
                _ => CryptoError::InvalidKey,
            })
    }

    /// The key as an unencrypted PKCS#8 DER, zeroized on drop: how the `aws-lc` provider
    /// hands a key this provider parsed and validated to AWS-LC.
    #[cfg(feature = "aws-lc")]
    pub(crate) fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        use rsa::pkcs8::EncodePrivateKey;
        self.key
            .to_pkcs8_der()
            .map(|d| Zeroizing::new(d.as_bytes().to_vec()))
            .map_err(|_| CryptoError::InvalidKey)
    }

    /// The public half.
    #[must_use]
    pub fn public_key(&self) -> RsaPublic {
        RsaPublic {
            key: self.key.to_public_key(),
        }
    }

    /// The modulus size in bits.
    #[must_use]
    pub fn modulus_bits(&self) -> usize {
        self.key.n().bit_width_vartime() as usize
    }

    fn sign_hash(
        &self,
        rng: &mut dyn Rng,
        scheme: RsaSignatureScheme,
        hash: &Digest,
    ) -> Result<Vec<u8>, rsa::Error> {
        let rng = &mut RngAdapter(rng);
        let h = hash.as_bytes();
        match scheme {
            RsaSignatureScheme::Pkcs1v15(alg) => {
                self.key.sign_with_rng(rng, pkcs1v15_sign_scheme(alg), h)
            }
            RsaSignatureScheme::Pkcs1v15Raw(_) => {
                self.key
                    .sign_with_rng(rng, Pkcs1v15Sign::new_unprefixed(), h)
            }
            RsaSignatureScheme::Pss(HashAlg::Sha1) => {
                self.key.sign_with_rng(rng, Pss::<sha1::Sha1>::new(), h)
            }
            RsaSignatureScheme::Pss(HashAlg::Sha256) => {
                self.key.sign_with_rng(rng, Pss::<sha2::Sha256>::new(), h)
            }
            RsaSignatureScheme::Pss(HashAlg::Sha384) => {
                self.key.sign_with_rng(rng, Pss::<sha2::Sha384>::new(), h)
            }
            RsaSignatureScheme::Pss(HashAlg::Sha512) => {
                self.key.sign_with_rng(rng, Pss::<sha2::Sha512>::new(), h)
            }
        }
    }

    fn decrypt_vec(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, rsa::Error> {
        let rng = &mut RngAdapter(rng);
        let k = &self.key;
        let pt = match padding {
            RsaEncryptionPadding::Pkcs1v15 => k.decrypt_blinded(rng, Pkcs1v15Encrypt, ciphertext),
            RsaEncryptionPadding::Oaep(HashAlg::Sha1) => {
                k.decrypt_blinded(rng, Oaep::<sha1::Sha1>::new(), ciphertext)
            }
            RsaEncryptionPadding::Oaep(HashAlg::Sha256) => {
                k.decrypt_blinded(rng, Oaep::<sha2::Sha256>::new(), ciphertext)
            }
            RsaEncryptionPadding::Oaep(HashAlg::Sha384) => {
                k.decrypt_blinded(rng, Oaep::<sha2::Sha384>::new(), ciphertext)
            }
            RsaEncryptionPadding::Oaep(HashAlg::Sha512) => {
                k.decrypt_blinded(rng, Oaep::<sha2::Sha512>::new(), ciphertext)
            }
        }?;
        Ok(Zeroizing::new(pt))
    }
}

impl RsaPrivateKeyOps for RsaPrivate {
    fn modulus_len(&self) -> usize {
        self.key.size()
    }

    fn sign(
        &self,
        rng: &mut dyn Rng,
        scheme: RsaSignatureScheme,
        msg_parts: &[&[u8]],
        sig_out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let k = self.key.size();
        let out = sig_out
            .get_mut(..k)
            .ok_or(CryptoError::BufferTooSmall { needed: k })?;
        let alg = match scheme {
            RsaSignatureScheme::Pkcs1v15(a)
            | RsaSignatureScheme::Pkcs1v15Raw(a)
            | RsaSignatureScheme::Pss(a) => a,
        };
        let hash = hash_parts(alg, msg_parts);
        let sig = self.sign_hash(rng, scheme, &hash).map_err(|e| match e {
            rsa::Error::Rng => CryptoError::Rng,
            _ => CryptoError::Unsupported,
        })?;
        if sig.len() != k {
            return Err(CryptoError::Unsupported);
        }
        out.copy_from_slice(&sig);
        Ok(k)
    }

    fn decrypt(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        ciphertext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        // Size check first, from public values only: it must not depend on the ciphertext.
        let max = rsa_max_plaintext_len(self.key.size(), padding);
        if max == 0 {
            return Err(CryptoError::DecryptFailed);
        }
        if out.len() < max {
            return Err(CryptoError::BufferTooSmall { needed: max });
        }
        // One opaque error for everything past this point (RFC 8017 §7.1.2 note).
        let pt = self
            .decrypt_vec(rng, padding, ciphertext)
            .map_err(|_| CryptoError::DecryptFailed)?;
        let n = pt.len();
        match out.get_mut(..n) {
            Some(dst) => {
                dst.copy_from_slice(&pt);
                Ok(n)
            }
            None => {
                out.zeroize();
                Err(CryptoError::DecryptFailed)
            }
        }
    }
}

impl fmt::Debug for RsaPrivate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RsaPrivate({} bits, <redacted>)", self.modulus_bits())
    }
}

impl RsaPublic {
    /// Build a key from the big-endian modulus `n` and exponent `e` (leading zeros
    /// allowed), accepting moduli of 1024 to `max_bits` bits. Use this for keys from the
    /// wire: the cap bounds the cost an attacker can make us spend.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if `n` is even, outside the size range, or `e` is out of
    /// range (`2 < e < 2³³`, odd).
    pub fn from_n_e(n: &[u8], e: &[u8], max_bits: usize) -> Result<Self, CryptoError> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        // Cheap pre-check before any big-integer work.
        if n.len() > max_bits.div_ceil(8) || e.len() > 8 || max_bits < MIN_MODULUS_BITS {
            return Err(CryptoError::InvalidKey);
        }
        let n_bits =
            u32::try_from(n.len().saturating_mul(8)).map_err(|_| CryptoError::InvalidKey)?;
        let e_bits =
            u32::try_from(e.len().saturating_mul(8)).map_err(|_| CryptoError::InvalidKey)?;
        let n = BoxedUint::from_be_slice(n, n_bits).map_err(|_| CryptoError::InvalidKey)?;
        let e = BoxedUint::from_be_slice(e, e_bits).map_err(|_| CryptoError::InvalidKey)?;
        PublicKey::new_with_size_limits(n, e, MIN_MODULUS_BITS..=max_bits)
            .map(|key| Self { key })
            .map_err(|_| CryptoError::InvalidKey)
    }

    /// Load a PKCS#1 `RSAPublicKey` DER
    /// ([RFC 8017 App. A.1.1](https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.1)),
    /// accepting moduli of 1024 to `max_bits` bits.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if the DER is malformed or the key out of range.
    pub fn from_pkcs1_der_max_bits(der: &[u8], max_bits: usize) -> Result<Self, CryptoError> {
        let k = RsaPublicKeyRef::from_der(der).map_err(|_| CryptoError::InvalidKey)?;
        Self::from_n_e(k.modulus.as_bytes(), k.public_exponent.as_bytes(), max_bits)
    }

    /// [`RsaPublic::from_pkcs1_der_max_bits`] with the default cap of 8192 bits, for
    /// configured (trusted) keys.
    ///
    /// # Errors
    /// As [`RsaPublic::from_pkcs1_der_max_bits`].
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, CryptoError> {
        Self::from_pkcs1_der_max_bits(der, DEFAULT_MAX_MODULUS_BITS)
    }

    /// Load a DER `SubjectPublicKeyInfo`
    /// ([RFC 5280 §4.1](https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.7), RSA per
    /// [RFC 3279 §2.3.1](https://www.rfc-editor.org/rfc/rfc3279#section-2.3.1)), accepting
    /// moduli of 1024 to `max_bits` bits. This is the form of keys in certificates and in
    /// the SEND CGA parameters ([RFC 3972 §3](https://www.rfc-editor.org/rfc/rfc3972#section-3));
    /// use it, with the protocol's cap (e.g. 3072), for every key from the wire.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if the DER is malformed, not an RSA key, or out of range.
    pub fn from_spki_der_max_bits(der: &[u8], max_bits: usize) -> Result<Self, CryptoError> {
        let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|_| CryptoError::InvalidKey)?;
        let params_ok = match spki.algorithm.oid {
            rsa::pkcs1::ALGORITHM_OID => spki.algorithm.parameters.is_none_or(|p| p.is_null()),
            ID_RSASSA_PSS => spki.algorithm.parameters.is_none(),
            _ => false,
        };
        if !params_ok {
            return Err(CryptoError::InvalidKey);
        }
        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or(CryptoError::InvalidKey)?;
        Self::from_pkcs1_der_max_bits(bits, max_bits)
    }

    /// [`RsaPublic::from_spki_der_max_bits`] with the default cap of 8192 bits, for
    /// configured (trusted) keys.
    ///
    /// # Errors
    /// As [`RsaPublic::from_spki_der_max_bits`].
    pub fn from_spki_der(der: &[u8]) -> Result<Self, CryptoError> {
        Self::from_spki_der_max_bits(der, DEFAULT_MAX_MODULUS_BITS)
    }

    /// Encode as a DER `SubjectPublicKeyInfo` (algorithm `rsaEncryption`, NULL parameters).
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if encoding fails (not expected for a valid key).
    pub fn to_spki_der(&self) -> Result<Vec<u8>, CryptoError> {
        self.key
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .map_err(|_| CryptoError::InvalidKey)
    }

    /// Encode as a PKCS#1 `RSAPublicKey` DER.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if encoding fails (not expected for a valid key).
    pub fn to_pkcs1_der(&self) -> Result<Vec<u8>, CryptoError> {
        self.key
            .to_pkcs1_der()
            .map(|d| d.as_bytes().to_vec())
            .map_err(|_| CryptoError::InvalidKey)
    }

    /// The modulus size in bits.
    #[must_use]
    pub fn modulus_bits(&self) -> usize {
        self.key.n().bit_width_vartime() as usize
    }

    /// The big-endian modulus `n`, without leading zeros.
    #[must_use]
    pub fn modulus_be(&self) -> Vec<u8> {
        strip_leading_zeros(&self.key.n_bytes()).to_vec()
    }

    /// The big-endian public exponent `e`, without leading zeros.
    #[must_use]
    pub fn exponent_be(&self) -> Vec<u8> {
        strip_leading_zeros(&self.key.e_bytes()).to_vec()
    }

    fn verify_hash(
        &self,
        scheme: RsaSignatureScheme,
        hash: &Digest,
        sig: &[u8],
    ) -> Result<(), rsa::Error> {
        let h = hash.as_bytes();
        let k = &self.key;
        match scheme {
            RsaSignatureScheme::Pkcs1v15(alg) => k.verify(pkcs1v15_sign_scheme(alg), h, sig),
            RsaSignatureScheme::Pkcs1v15Raw(_) => k.verify(Pkcs1v15Sign::new_unprefixed(), h, sig),
            RsaSignatureScheme::Pss(HashAlg::Sha1) => {
                k.verify(pss_verify_scheme::<sha1::Sha1>(), h, sig)
            }
            RsaSignatureScheme::Pss(HashAlg::Sha256) => {
                k.verify(pss_verify_scheme::<sha2::Sha256>(), h, sig)
            }
            RsaSignatureScheme::Pss(HashAlg::Sha384) => {
                k.verify(pss_verify_scheme::<sha2::Sha384>(), h, sig)
            }
            RsaSignatureScheme::Pss(HashAlg::Sha512) => {
                k.verify(pss_verify_scheme::<sha2::Sha512>(), h, sig)
            }
        }
    }

    fn encrypt_vec(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, rsa::Error> {
        let rng = &mut RngAdapter(rng);
        let k = &self.key;
        match padding {
            RsaEncryptionPadding::Pkcs1v15 => k.encrypt(rng, Pkcs1v15Encrypt, plaintext),
            RsaEncryptionPadding::Oaep(HashAlg::Sha1) => {
                k.encrypt(rng, Oaep::<sha1::Sha1>::new(), plaintext)
            }
            RsaEncryptionPadding::Oaep(HashAlg::Sha256) => {
                k.encrypt(rng, Oaep::<sha2::Sha256>::new(), plaintext)
            }
            RsaEncryptionPadding::Oaep(HashAlg::Sha384) => {
                k.encrypt(rng, Oaep::<sha2::Sha384>::new(), plaintext)
            }
            RsaEncryptionPadding::Oaep(HashAlg::Sha512) => {
                k.encrypt(rng, Oaep::<sha2::Sha512>::new(), plaintext)
            }
        }
    }
}

impl crate::RsaKeyLoader for super::RustCrypto {
    type PublicKey = RsaPublic;

    fn load_spki(&self, spki: &[u8], max_bits: usize) -> Result<RsaPublic, CryptoError> {
        RsaPublic::from_spki_der_max_bits(spki, max_bits)
    }
}

impl RsaPublicKeyOps for RsaPublic {
    fn modulus_len(&self) -> usize {
        self.key.size()
    }

    fn verify(
        &self,
        scheme: RsaSignatureScheme,
        msg_parts: &[&[u8]],
        sig: &[u8],
    ) -> Result<(), CryptoError> {
        if sig.len() != self.key.size() {
            return Err(CryptoError::VerifyFailed);
        }
        let alg = match scheme {
            RsaSignatureScheme::Pkcs1v15(a)
            | RsaSignatureScheme::Pkcs1v15Raw(a)
            | RsaSignatureScheme::Pss(a) => a,
        };
        let hash = hash_parts(alg, msg_parts);
        self.verify_hash(scheme, &hash, sig)
            .map_err(|_| CryptoError::VerifyFailed)
    }

    fn encrypt(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let k = self.key.size();
        let out = out
            .get_mut(..k)
            .ok_or(CryptoError::BufferTooSmall { needed: k })?;
        if plaintext.len() > rsa_max_plaintext_len(k, padding) {
            return Err(CryptoError::InvalidLength);
        }
        let ct = self
            .encrypt_vec(rng, padding, plaintext)
            .map_err(|e| match e {
                rsa::Error::Rng => CryptoError::Rng,
                rsa::Error::MessageTooLong => CryptoError::InvalidLength,
                _ => CryptoError::Unsupported,
            })?;
        if ct.len() != k {
            return Err(CryptoError::Unsupported);
        }
        out.copy_from_slice(&ct);
        Ok(k)
    }
}

impl fmt::Debug for RsaPublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RsaPublic({} bits)", self.modulus_bits())
    }
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b.get(first..).unwrap_or(&[])
}
