//! RSA on AWS-LC, with the RustCrypto fallbacks listed in the module documentation.

use alloc::vec::Vec;
use core::fmt;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{
    KeyPair, KeySize, OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OAEP_SHA384_MGF1SHA384,
    OAEP_SHA512_MGF1SHA512, OaepAlgorithm, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    Pkcs1PublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
};
use aws_lc_rs::signature::{self, RsaEncoding, RsaParameters, UnparsedPublicKey};
use zeroize::{Zeroize, Zeroizing};

use super::digest_parts;
use crate::rustcrypto;
use crate::{
    CryptoError, HashAlg, Rng, RsaEncryptionPadding, RsaPrivateKeyOps, RsaPublicKeyOps,
    RsaSignatureScheme, rsa_max_plaintext_len,
};

/// An RSA private key held by AWS-LC, implementing [`RsaPrivateKeyOps`]. 2048 to 8192 bits
/// (AWS-LC refuses smaller private keys).
///
/// AWS-LC blinds every private-key operation with its own generator. The key also lives in
/// a RustCrypto [`rustcrypto::RsaPrivate`] for the fallbacks (PKCS#1 v1.5 decryption with
/// implicit rejection, SHA-1 and bare-hash signatures). Both copies are freed and wiped on
/// drop (AWS-LC clears its key material when freeing it); `Debug` prints the modulus size.
pub struct RsaPrivate {
    sign: KeyPair,
    oaep: OaepPrivateDecryptingKey,
    fallback: rustcrypto::RsaPrivate,
    public: RsaPublic,
}

/// An RSA public key, implementing [`RsaPublicKeyOps`]: the DER AWS-LC parses, next to the
/// RustCrypto key that validated it (and answers the fallbacks).
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublic {
    fallback: rustcrypto::RsaPublic,
    spki: Vec<u8>,
}

/// The OAEP parameters of `alg` (label hash and MGF1 hash the same, as the trait says).
fn oaep_alg(alg: HashAlg) -> &'static OaepAlgorithm {
    match alg {
        HashAlg::Sha1 => &OAEP_SHA1_MGF1SHA1,
        HashAlg::Sha256 => &OAEP_SHA256_MGF1SHA256,
        HashAlg::Sha384 => &OAEP_SHA384_MGF1SHA384,
        HashAlg::Sha512 => &OAEP_SHA512_MGF1SHA512,
    }
}

/// The AWS-LC signing encoding of `scheme`, or `None` where aws-lc-rs has none (SHA-1, the
/// bare-hash form).
fn sign_encoding(scheme: RsaSignatureScheme) -> Option<&'static dyn RsaEncoding> {
    match scheme {
        RsaSignatureScheme::Pkcs1v15(HashAlg::Sha256) => Some(&signature::RSA_PKCS1_SHA256),
        RsaSignatureScheme::Pkcs1v15(HashAlg::Sha384) => Some(&signature::RSA_PKCS1_SHA384),
        RsaSignatureScheme::Pkcs1v15(HashAlg::Sha512) => Some(&signature::RSA_PKCS1_SHA512),
        RsaSignatureScheme::Pss(HashAlg::Sha256) => Some(&signature::RSA_PSS_SHA256),
        RsaSignatureScheme::Pss(HashAlg::Sha384) => Some(&signature::RSA_PSS_SHA384),
        RsaSignatureScheme::Pss(HashAlg::Sha512) => Some(&signature::RSA_PSS_SHA512),
        RsaSignatureScheme::Pkcs1v15(HashAlg::Sha1)
        | RsaSignatureScheme::Pss(HashAlg::Sha1)
        | RsaSignatureScheme::Pkcs1v15Raw(_) => None,
    }
}

/// The AWS-LC verification parameters of `scheme` for a `bits`-bit key, or `None` where
/// aws-lc-rs has none. The key size was bounded when the key was loaded, so the widest
/// range aws-lc-rs offers is used.
fn verify_params(scheme: RsaSignatureScheme, bits: usize) -> Option<&'static RsaParameters> {
    let p: &'static RsaParameters = match scheme {
        RsaSignatureScheme::Pkcs1v15(HashAlg::Sha1) => {
            &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
        }
        RsaSignatureScheme::Pkcs1v15(HashAlg::Sha256) => {
            &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
        }
        RsaSignatureScheme::Pkcs1v15(HashAlg::Sha384) => &signature::RSA_PKCS1_2048_8192_SHA384,
        RsaSignatureScheme::Pkcs1v15(HashAlg::Sha512) => {
            &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY
        }
        RsaSignatureScheme::Pss(HashAlg::Sha256) => &signature::RSA_PSS_2048_8192_SHA256,
        RsaSignatureScheme::Pss(HashAlg::Sha384) => &signature::RSA_PSS_2048_8192_SHA384,
        RsaSignatureScheme::Pss(HashAlg::Sha512) => &signature::RSA_PSS_2048_8192_SHA512,
        RsaSignatureScheme::Pss(HashAlg::Sha1) | RsaSignatureScheme::Pkcs1v15Raw(_) => {
            return None;
        }
    };
    let fits =
        u32::try_from(bits).is_ok_and(|b| (p.min_modulus_len()..=p.max_modulus_len()).contains(&b));
    fits.then_some(p)
}

/// The hash a signature scheme uses.
fn scheme_hash(scheme: RsaSignatureScheme) -> HashAlg {
    match scheme {
        RsaSignatureScheme::Pkcs1v15(a)
        | RsaSignatureScheme::Pkcs1v15Raw(a)
        | RsaSignatureScheme::Pss(a) => a,
    }
}

impl RsaPrivate {
    /// Load a PKCS#1 `RSAPrivateKey` DER
    /// ([RFC 8017 App. A.1.2](https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2)).
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if the DER is malformed, the key inconsistent, or
    /// shorter than 2048 bits.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, CryptoError> {
        Self::from_rustcrypto(rustcrypto::RsaPrivate::from_pkcs1_der(der)?)
    }

    /// Load an unencrypted PKCS#8 `PrivateKeyInfo` DER
    /// ([RFC 5208 §5](https://www.rfc-editor.org/rfc/rfc5208#section-5)) holding an RSA key.
    ///
    /// # Errors
    /// As [`RsaPrivate::from_pkcs1_der`].
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, CryptoError> {
        Self::from_rustcrypto(rustcrypto::RsaPrivate::from_pkcs8_der(der)?)
    }

    /// Generate a key with a `bits`-bit modulus (2048, 3072, 4096 or 8192) and `e = 65537`
    /// with AWS-LC's generator (it takes no outside one).
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] for another size; [`CryptoError::Rng`] if AWS-LC fails.
    pub fn generate(bits: usize) -> Result<Self, CryptoError> {
        let size = match bits {
            2048 => KeySize::Rsa2048,
            3072 => KeySize::Rsa3072,
            4096 => KeySize::Rsa4096,
            8192 => KeySize::Rsa8192,
            _ => return Err(CryptoError::InvalidKey),
        };
        let pair = KeyPair::generate(size).map_err(|_| CryptoError::Rng)?;
        let der = pair.as_der().map_err(|_| CryptoError::Rng)?;
        Self::from_pkcs8_der(der.as_ref())
    }

    /// Hands a key the RustCrypto code parsed and validated to AWS-LC.
    fn from_rustcrypto(fallback: rustcrypto::RsaPrivate) -> Result<Self, CryptoError> {
        let der = fallback.to_pkcs8_der()?;
        let sign = KeyPair::from_pkcs8(&der).map_err(|_| CryptoError::InvalidKey)?;
        let oaep = PrivateDecryptingKey::from_pkcs8(&der).map_err(|_| CryptoError::InvalidKey)?;
        let oaep = OaepPrivateDecryptingKey::new(oaep).map_err(|_| CryptoError::InvalidKey)?;
        let public = RsaPublic::from_rustcrypto(fallback.public_key())?;
        Ok(Self {
            sign,
            oaep,
            fallback,
            public,
        })
    }

    /// The public half.
    #[must_use]
    pub fn public_key(&self) -> RsaPublic {
        self.public.clone()
    }

    /// The modulus size in bits.
    #[must_use]
    pub fn modulus_bits(&self) -> usize {
        self.fallback.modulus_bits()
    }
}

impl RsaPrivateKeyOps for RsaPrivate {
    fn modulus_len(&self) -> usize {
        self.sign.public_modulus_len()
    }

    fn sign(
        &self,
        rng: &mut dyn Rng,
        scheme: RsaSignatureScheme,
        msg_parts: &[&[u8]],
        sig_out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let Some(encoding) = sign_encoding(scheme) else {
            return self.fallback.sign(rng, scheme, msg_parts, sig_out);
        };
        let k = self.modulus_len();
        let out = sig_out
            .get_mut(..k)
            .ok_or(CryptoError::BufferTooSmall { needed: k })?;
        let digest = digest_parts(scheme_hash(scheme), msg_parts);
        self.sign
            .sign_digest(encoding, &digest, out)
            .map_err(|_| CryptoError::Unsupported)?;
        Ok(k)
    }

    fn decrypt(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        ciphertext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let alg = match padding {
            // Implicit rejection: RustCrypto (see the module documentation).
            RsaEncryptionPadding::Pkcs1v15 => {
                return self.fallback.decrypt(rng, padding, ciphertext, out);
            }
            RsaEncryptionPadding::Oaep(alg) => oaep_alg(alg),
        };
        // Size check first, from public values only: it must not depend on the ciphertext.
        let k = self.modulus_len();
        let max = rsa_max_plaintext_len(k, padding);
        if max == 0 {
            return Err(CryptoError::DecryptFailed);
        }
        if out.len() < max {
            return Err(CryptoError::BufferTooSmall { needed: max });
        }
        // aws-lc-rs wants room for k bytes; one opaque error for everything past here.
        let mut pt = Zeroizing::new(alloc::vec![0u8; k]);
        let n = self
            .oaep
            .decrypt(alg, ciphertext, &mut pt, None)
            .map(|p| p.len())
            .map_err(|_| CryptoError::DecryptFailed)?;
        match (out.get_mut(..n), pt.get(..n)) {
            (Some(dst), Some(src)) => {
                dst.copy_from_slice(src);
                Ok(n)
            }
            _ => {
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
    fn from_rustcrypto(fallback: rustcrypto::RsaPublic) -> Result<Self, CryptoError> {
        let spki = fallback.to_spki_der()?;
        Ok(Self { fallback, spki })
    }

    /// Build a key from the big-endian modulus `n` and exponent `e`, accepting moduli of
    /// 1024 to `max_bits` bits (as [`rustcrypto::RsaPublic::from_n_e`]).
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if `n` is even, outside the size range, or `e` is out of
    /// range (`2 < e < 2³³`, odd).
    pub fn from_n_e(n: &[u8], e: &[u8], max_bits: usize) -> Result<Self, CryptoError> {
        Self::from_rustcrypto(rustcrypto::RsaPublic::from_n_e(n, e, max_bits)?)
    }

    /// Load a PKCS#1 `RSAPublicKey` DER, accepting moduli of 1024 to `max_bits` bits.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if the DER is malformed or the key out of range.
    pub fn from_pkcs1_der_max_bits(der: &[u8], max_bits: usize) -> Result<Self, CryptoError> {
        Self::from_rustcrypto(rustcrypto::RsaPublic::from_pkcs1_der_max_bits(
            der, max_bits,
        )?)
    }

    /// [`RsaPublic::from_pkcs1_der_max_bits`] with the default cap of 8192 bits, for
    /// configured (trusted) keys.
    ///
    /// # Errors
    /// As [`RsaPublic::from_pkcs1_der_max_bits`].
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, CryptoError> {
        Self::from_rustcrypto(rustcrypto::RsaPublic::from_pkcs1_der(der)?)
    }

    /// Load a DER `SubjectPublicKeyInfo` (RSA), accepting moduli of 1024 to `max_bits`
    /// bits; use it, with the protocol's cap, for every key from the wire.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if the DER is malformed, not an RSA key, or out of range.
    pub fn from_spki_der_max_bits(der: &[u8], max_bits: usize) -> Result<Self, CryptoError> {
        Self::from_rustcrypto(rustcrypto::RsaPublic::from_spki_der_max_bits(
            der, max_bits,
        )?)
    }

    /// [`RsaPublic::from_spki_der_max_bits`] with the default cap of 8192 bits.
    ///
    /// # Errors
    /// As [`RsaPublic::from_spki_der_max_bits`].
    pub fn from_spki_der(der: &[u8]) -> Result<Self, CryptoError> {
        Self::from_rustcrypto(rustcrypto::RsaPublic::from_spki_der(der)?)
    }

    /// The DER `SubjectPublicKeyInfo` (algorithm `rsaEncryption`, NULL parameters).
    ///
    /// # Errors
    /// Never for a loaded key; the `Result` matches [`rustcrypto::RsaPublic::to_spki_der`].
    pub fn to_spki_der(&self) -> Result<Vec<u8>, CryptoError> {
        Ok(self.spki.clone())
    }

    /// Encode as a PKCS#1 `RSAPublicKey` DER.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if encoding fails (not expected for a valid key).
    pub fn to_pkcs1_der(&self) -> Result<Vec<u8>, CryptoError> {
        self.fallback.to_pkcs1_der()
    }

    /// The modulus size in bits.
    #[must_use]
    pub fn modulus_bits(&self) -> usize {
        self.fallback.modulus_bits()
    }

    /// The big-endian modulus `n`, without leading zeros.
    #[must_use]
    pub fn modulus_be(&self) -> Vec<u8> {
        self.fallback.modulus_be()
    }

    /// The big-endian public exponent `e`, without leading zeros.
    #[must_use]
    pub fn exponent_be(&self) -> Vec<u8> {
        self.fallback.exponent_be()
    }
}

impl crate::RsaKeyLoader for super::AwsLc {
    type PublicKey = RsaPublic;

    fn load_spki(&self, spki: &[u8], max_bits: usize) -> Result<RsaPublic, CryptoError> {
        RsaPublic::from_spki_der_max_bits(spki, max_bits)
    }
}

impl RsaPublicKeyOps for RsaPublic {
    fn modulus_len(&self) -> usize {
        RsaPublicKeyOps::modulus_len(&self.fallback)
    }

    fn verify(
        &self,
        scheme: RsaSignatureScheme,
        msg_parts: &[&[u8]],
        sig: &[u8],
    ) -> Result<(), CryptoError> {
        if sig.len() != self.modulus_len() {
            return Err(CryptoError::VerifyFailed);
        }
        if let Some(params) = verify_params(scheme, self.modulus_bits()) {
            let digest = digest_parts(scheme_hash(scheme), msg_parts);
            let ok = UnparsedPublicKey::new(params, &self.spki)
                .verify_digest(&digest, sig)
                .is_ok();
            // PSS with another salt length than the hash's is AWS-LC's "no" but may be a
            // valid signature: RustCrypto, which recovers the salt length, decides.
            if ok || !matches!(scheme, RsaSignatureScheme::Pss(_)) {
                return if ok {
                    Ok(())
                } else {
                    Err(CryptoError::VerifyFailed)
                };
            }
        }
        self.fallback.verify(scheme, msg_parts, sig)
    }

    fn encrypt(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let k = self.modulus_len();
        let out = out
            .get_mut(..k)
            .ok_or(CryptoError::BufferTooSmall { needed: k })?;
        if plaintext.len() > rsa_max_plaintext_len(k, padding) {
            return Err(CryptoError::InvalidLength);
        }
        // aws-lc-rs encrypts to 2048- to 8192-bit keys only; RustCrypto takes the others.
        let Ok(key) = PublicEncryptingKey::from_der(&self.spki) else {
            return self.fallback.encrypt(rng, padding, plaintext, out);
        };
        let ct = match padding {
            RsaEncryptionPadding::Pkcs1v15 => Pkcs1PublicEncryptingKey::new(key)
                .and_then(|k| k.encrypt(plaintext, out).map(|c| c.len())),
            RsaEncryptionPadding::Oaep(alg) => OaepPublicEncryptingKey::new(key).and_then(|k| {
                k.encrypt(oaep_alg(alg), plaintext, out, None)
                    .map(|c| c.len())
            }),
        }
        .map_err(|_| CryptoError::Unsupported)?;
        if ct != k {
            return Err(CryptoError::Unsupported);
        }
        Ok(k)
    }
}

impl fmt::Debug for RsaPublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RsaPublic({} bits)", self.modulus_bits())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::{HashAlg, RsaSignatureScheme as Sig, sign_encoding, verify_params};
    use crate::{RsaEncryptionPadding, RsaPrivateKeyOps, RsaPublicKeyOps};

    /// MIKEY's schemes with SHA-256 on a 2048-bit key take the AWS-LC path, signing and
    /// verifying; only the documented ones fall back.
    #[test]
    fn aws_lc_paths() {
        for s in [Sig::Pkcs1v15(HashAlg::Sha256), Sig::Pss(HashAlg::Sha256)] {
            assert!(sign_encoding(s).is_some(), "{s:?}");
            assert!(verify_params(s, 2048).is_some(), "{s:?}");
            assert!(verify_params(s, 4096).is_some(), "{s:?}");
        }
        assert!(verify_params(Sig::Pkcs1v15(HashAlg::Sha1), 1024).is_some());
        assert!(verify_params(Sig::Pss(HashAlg::Sha256), 1024).is_none());
        for s in [
            Sig::Pkcs1v15(HashAlg::Sha1),
            Sig::Pss(HashAlg::Sha1),
            Sig::Pkcs1v15Raw(HashAlg::Sha1),
        ] {
            assert!(sign_encoding(s).is_none(), "{s:?}");
        }
        assert!(verify_params(Sig::Pkcs1v15Raw(HashAlg::Sha1), 2048).is_none());
    }

    /// AWS-LC takes private keys from 2048 bits: a 1024-bit key RustCrypto accepts is
    /// refused at load, not at first use; encryption to such a public key works.
    #[test]
    fn below_2048_bits_private_keys_are_refused_public_keys_encrypt() {
        let mut rng = crate::rustcrypto::HashDrbg::new(b"1024");
        let small = crate::rustcrypto::RsaPrivate::generate(&mut rng, 1024).unwrap();
        // Its public half is usable: encryption to it falls back to RustCrypto.
        let der = small.public_key().to_spki_der().unwrap();
        let public = super::RsaPublic::from_spki_der(&der).unwrap();
        let mut ct = [0u8; 128];
        let enc = public.encrypt(&mut rng, RsaEncryptionPadding::Pkcs1v15, b"secret", &mut ct);
        assert_eq!(enc, Ok(128));
        let mut pt = [0u8; 128];
        let dec = small.decrypt(&mut rng, RsaEncryptionPadding::Pkcs1v15, &ct, &mut pt);
        assert_eq!(dec, Ok(6));
        assert_eq!(&pt[..6], b"secret");
        let refused = super::RsaPrivate::from_rustcrypto(small);
        assert_eq!(refused.err(), Some(crate::CryptoError::InvalidKey));
    }
}
