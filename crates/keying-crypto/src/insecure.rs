//! **Deliberately insecure** crypto for fuzzing, in the spirit of rustls'
//! `rustls-fuzzing-provider`: a fuzzer cannot forge an HMAC or a signature, so with a real
//! provider it never reaches the code behind those checks. Under [`InsecureFuzzing`]:
//!
//! - every hash and HMAC is all-zero bytes of the algorithm's output length, so a message
//!   whose MAC field is zero passes its MAC check;
//! - AES-CTR / AES-CBC leave data unchanged; AES key wrap prepends / strips the RFC 3394
//!   default IV, or the IV given (and still rejects input shorter than 24 bytes; the IV
//!   is never checked);
//! - RSA and ECDSA signatures verify whatever they are (if non-empty), signing yields zeros,
//!   RSA "encryption" copies the plaintext into a modulus-sized block and decryption copies
//!   it back.
//!
//! The feature `insecure-fuzzing` that enables this module must never be on in a product
//! build; nothing in the workspace enables it except the fuzz targets.

use crate::{
    CryptoError, Digest, EcdsaP256Signer, EcdsaP256Verifier, HashAlg, Rng, RsaEncryptionPadding,
    RsaKeyLoader, RsaPrivateKeyOps, RsaPublicKeyOps, RsaSignatureScheme, Symmetric,
};

/// The insecure provider: [`Symmetric`] and [`RsaKeyLoader`]. See the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct InsecureFuzzing;

/// An RSA key (public or private) of `modulus_len` bytes under [`InsecureFuzzing`].
#[derive(Debug, Clone, Copy)]
pub struct InsecureRsaKey {
    /// Modulus length in bytes.
    pub modulus_len: usize,
}

/// An ECDSA P-256 key (signing or verifying) under [`InsecureFuzzing`].
#[derive(Debug, Clone, Copy, Default)]
pub struct InsecureEcdsaKey;

const KW_IV: [u8; 8] = [0xa6; 8];

fn zeros(alg: HashAlg) -> Digest {
    let zero = [0u8; 64];
    Digest::from_slice(zero.get(..alg.output_len()).unwrap_or_default()).unwrap_or(Digest::EMPTY)
}

fn block_len_ok(data: &[u8]) -> Result<(), CryptoError> {
    if data.len().is_multiple_of(16) {
        Ok(())
    } else {
        Err(CryptoError::InvalidLength)
    }
}

impl Symmetric for InsecureFuzzing {
    fn hash(&self, alg: HashAlg, _parts: &[&[u8]]) -> Digest {
        zeros(alg)
    }

    fn hmac(&self, alg: HashAlg, _key: &[u8], _parts: &[&[u8]]) -> Digest {
        zeros(alg)
    }

    fn aes_ctr(&self, _key: &[u8], _iv: &[u8; 16], _data: &mut [u8]) -> Result<(), CryptoError> {
        Ok(())
    }

    fn aes_cbc_encrypt(&self, _: &[u8], _: &[u8; 16], data: &mut [u8]) -> Result<(), CryptoError> {
        block_len_ok(data)
    }

    fn aes_cbc_decrypt(&self, _: &[u8], _: &[u8; 16], data: &mut [u8]) -> Result<(), CryptoError> {
        block_len_ok(data)
    }

    fn aes_kw_wrap(&self, _kek: &[u8], key: &[u8], out: &mut [u8]) -> Result<usize, CryptoError> {
        let needed = key.len() + 8;
        let (iv, body) = out
            .get_mut(..needed)
            .ok_or(CryptoError::BufferTooSmall { needed })?
            .split_at_mut(8);
        iv.copy_from_slice(&KW_IV);
        body.copy_from_slice(key);
        Ok(needed)
    }

    fn aes_kw_wrap_with_iv(
        &self,
        _kek: &[u8],
        iv: &[u8; 8],
        key: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let n = self.aes_kw_wrap(&[], key, out)?;
        if let Some(head) = out.get_mut(..8) {
            head.copy_from_slice(iv);
        }
        Ok(n)
    }

    fn aes_kw_unwrap_with_iv(
        &self,
        kek: &[u8],
        _iv: &[u8; 8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        self.aes_kw_unwrap(kek, wrapped, out)
    }

    fn aes_kw_unwrap(
        &self,
        _kek: &[u8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        if wrapped.len() < 24 || !wrapped.len().is_multiple_of(8) {
            return Err(CryptoError::InvalidLength);
        }
        let body = wrapped.get(8..).unwrap_or_default();
        let dst = out
            .get_mut(..body.len())
            .ok_or(CryptoError::BufferTooSmall { needed: body.len() })?;
        dst.copy_from_slice(body);
        Ok(body.len())
    }
}

impl RsaKeyLoader for InsecureFuzzing {
    type PublicKey = InsecureRsaKey;

    /// Accepts any non-empty input as a key whose modulus is `max_bits` long.
    fn load_spki(&self, spki: &[u8], max_bits: usize) -> Result<InsecureRsaKey, CryptoError> {
        if spki.is_empty() {
            return Err(CryptoError::InvalidKey);
        }
        Ok(InsecureRsaKey {
            modulus_len: max_bits.div_ceil(8),
        })
    }
}

impl RsaPublicKeyOps for InsecureRsaKey {
    fn modulus_len(&self) -> usize {
        self.modulus_len
    }

    fn verify(&self, _: RsaSignatureScheme, _: &[&[u8]], sig: &[u8]) -> Result<(), CryptoError> {
        if sig.is_empty() {
            Err(CryptoError::VerifyFailed)
        } else {
            Ok(())
        }
    }

    fn encrypt(
        &self,
        _rng: &mut dyn Rng,
        _padding: RsaEncryptionPadding,
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let k = self.modulus_len;
        let out = out
            .get_mut(..k)
            .ok_or(CryptoError::BufferTooSmall { needed: k })?;
        out.fill(0);
        let dst = out
            .get_mut(..plaintext.len())
            .ok_or(CryptoError::InvalidLength)?;
        dst.copy_from_slice(plaintext);
        Ok(k)
    }
}

impl RsaPrivateKeyOps for InsecureRsaKey {
    fn modulus_len(&self) -> usize {
        self.modulus_len
    }

    fn sign(
        &self,
        _rng: &mut dyn Rng,
        _scheme: RsaSignatureScheme,
        _msg_parts: &[&[u8]],
        sig_out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let k = self.modulus_len;
        sig_out
            .get_mut(..k)
            .ok_or(CryptoError::BufferTooSmall { needed: k })?
            .fill(0);
        Ok(k)
    }

    /// Returns the ciphertext itself (at most the modulus length).
    fn decrypt(
        &self,
        _rng: &mut dyn Rng,
        _padding: RsaEncryptionPadding,
        ciphertext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let n = ciphertext.len().min(self.modulus_len);
        let dst = out.get_mut(..n).ok_or(CryptoError::DecryptFailed)?;
        dst.copy_from_slice(ciphertext.get(..n).unwrap_or_default());
        Ok(n)
    }
}

impl EcdsaP256Signer for InsecureEcdsaKey {
    fn sign(&self, _msg_parts: &[&[u8]]) -> Result<[u8; 64], CryptoError> {
        Ok([0; 64])
    }
}

impl EcdsaP256Verifier for InsecureEcdsaKey {
    fn verify(&self, _msg_parts: &[&[u8]], sig_r_s: &[u8]) -> Result<(), CryptoError> {
        if sig_r_s.len() == 64 {
            Ok(())
        } else {
            Err(CryptoError::VerifyFailed)
        }
    }
}
