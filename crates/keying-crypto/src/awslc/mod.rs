//! The server provider, on [aws-lc-rs](https://github.com/aws/aws-lc-rs) 1.19 (AWS-LC, the
//! library rustls uses by default; feature `aws-lc`, which needs `std` and a C compiler).
//!
//! For servers that key thousands of peers: AWS-LC's RSA private-key operations run on
//! constant-time assembly, about 7.7× faster than the `rsa` crate's on an AVX-512 server
//! (RSA-2048; `keying-bench`'s `BENCHMARKS.md`); AWS-LC is maintained by AWS, and has FIPS
//! 140-3 validated versions (aws-lc-rs's `fips` feature, not used here). Firmware keeps the
//! RustCrypto provider; nothing here is built without the feature.
//!
//! The types mirror [`rustcrypto`](crate::rustcrypto)'s, so switching provider is a change
//! of `use` line:
//!
//! - [`AwsLc`] implements [`Symmetric`] and
//!   [`RsaKeyLoader`](crate::RsaKeyLoader);
//! - [`RsaPrivate`] / [`RsaPublic`] implement the RSA traits;
//! - [`P256VerifyingKey`] implements [`EcdsaP256Verifier`](crate::EcdsaP256Verifier), and
//!   [`P256SigningKey`] (re-exported from `rustcrypto`) the signer.
//!
//! # What runs where
//!
//! Keys are parsed, validated and encoded by the RustCrypto code (one parser, the same
//! limits and the same errors for both providers), then handed to AWS-LC. The operations
//! run on AWS-LC except these, for which aws-lc-rs has no safe API; they run on the
//! RustCrypto provider, for that operation alone:
//!
//! | operation | why not AWS-LC |
//! |---|---|
//! | RSAES-PKCS1-v1_5 **decryption** | aws-lc-rs's `Pkcs1PrivateDecryptingKey` rejects a bad padding with an error (explicit rejection); the trait promises *implicit* rejection (a bad padding yields a pseudo-random plaintext), so that no padding oracle reaches the protocol ([RFC 8017 §7.2.2](https://www.rfc-editor.org/rfc/rfc8017#section-7.2.2) note) |
//! | RSASSA-PKCS1-v1_5 and PSS **signing with SHA-1**, and the bare-hash `Pkcs1v15Raw` form | aws-lc-rs signs with SHA-256/384/512 only, and never without DigestInfo |
//! | AES key wrap with an IV other than RFC 3394's default (MIKEY AES-KW-128) | aws-lc-rs's `AesKek` takes no IV |
//! | RSA verification that AWS-LC refuses: PSS with a salt length other than the hash's, PSS with SHA-1, `Pkcs1v15Raw`, keys under 2048 bits for PSS and PKCS#1 SHA-384 | aws-lc-rs verifies PSS with `sLen = hLen` only and has no parameters for the others; a signature AWS-LC rejects is checked again by RustCrypto, so the trait's "any salt length" holds (a bad signature then costs two public-key operations) |
//! | RSA encryption to a key outside 2048–8192 bits (a 1024-bit SEND key, for instance) | aws-lc-rs's `PublicEncryptingKey` refuses such keys |
//! | AES key wrap with a 192-bit KEK | aws-lc-rs's `key_wrap` has AES-128 and AES-256 only |
//! | ECDSA P-256 **signing** | aws-lc-rs signs with random nonces only; the trait's signer is deterministic ([RFC 6979](https://www.rfc-editor.org/rfc/rfc6979)) |
//!
//! PKCS#1 v1.5 decryption therefore carries the residual timing risk the crate
//! documentation states for the `rsa` crate (Marvin); prefer OAEP envelopes where the
//! protocol allows, which AWS-LC decrypts.
//!
//! MIKEY's hot path on a server — an RSA-R sender's signature (PKCS#1 v1.5 or PSS with
//! SHA-256), its PKE encryption and the verification of the joining receiver's signature —
//! runs entirely on AWS-LC.
//!
//! # Randomness
//!
//! AWS-LC draws RSA blinding factors, PSS salts and encryption padding from its own
//! generator (seeded by the operating system), **not** from the [`Rng`](crate::Rng) the
//! trait methods take: aws-lc-rs accepts no outside generator. The caller's `Rng` is used
//! only by the RustCrypto fallbacks above. A failing caller `Rng` therefore does not make
//! an AWS-LC operation fail.

mod ecdsa;
mod rsa;

pub use self::ecdsa::P256VerifyingKey;
pub use self::rsa::{RsaPrivate, RsaPublic};
pub use crate::rustcrypto::P256SigningKey;

use aws_lc_rs::cipher::{
    AES_128, AES_192, AES_256, Algorithm, DecryptingKey, DecryptionContext, EncryptingKey,
    EncryptionContext, UnboundCipherKey,
};
use aws_lc_rs::key_wrap::{self, AesKek, KeyWrap};
use aws_lc_rs::{digest, hmac};

use crate::rustcrypto::{RustCrypto, kw_unwrapped_len, kw_wrapped_len};
use crate::{CryptoError, Digest, HashAlg, Symmetric, WithKeyedHmac};

/// The aws-lc-rs provider for [`Symmetric`]. A zero-sized value: pass
/// `&AwsLc` wherever a provider is wanted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AwsLc;

/// The aws-lc-rs digest of `alg`.
fn digest_alg(alg: HashAlg) -> &'static digest::Algorithm {
    match alg {
        HashAlg::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        HashAlg::Sha256 => &digest::SHA256,
        HashAlg::Sha384 => &digest::SHA384,
        HashAlg::Sha512 => &digest::SHA512,
    }
}

/// The aws-lc-rs digest of the concatenation of `parts` (what the RSA and ECDSA code
/// signs and verifies).
fn digest_parts(alg: HashAlg, parts: &[&[u8]]) -> digest::Digest {
    let mut ctx = digest::Context::new(digest_alg(alg));
    for p in parts {
        ctx.update(p);
    }
    ctx.finish()
}

/// The AES variant for a key of `len` bytes.
fn aes_alg(len: usize) -> Result<&'static Algorithm, CryptoError> {
    match len {
        16 => Ok(&AES_128),
        24 => Ok(&AES_192),
        32 => Ok(&AES_256),
        _ => Err(CryptoError::InvalidKey),
    }
}

/// Checks what every CBC call needs before anything is touched: the key length and whole
/// blocks.
fn cbc_check(key: &[u8], data: &[u8]) -> Result<&'static Algorithm, CryptoError> {
    let alg = aes_alg(key.len())?;
    if !data.len().is_multiple_of(16) {
        return Err(CryptoError::InvalidLength);
    }
    Ok(alg)
}

/// aws-lc-rs's HMAC algorithm for a hash.
fn hmac_alg(alg: HashAlg) -> hmac::Algorithm {
    match alg {
        HashAlg::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        HashAlg::Sha256 => hmac::HMAC_SHA256,
        HashAlg::Sha384 => hmac::HMAC_SHA384,
        HashAlg::Sha512 => hmac::HMAC_SHA512,
    }
}

impl Symmetric for AwsLc {
    fn hash(&self, alg: HashAlg, parts: &[&[u8]]) -> Digest {
        let d = digest_parts(alg, parts);
        Digest::from_prefix(d.as_ref())
    }

    fn hmac(&self, alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Digest {
        let key = hmac::Key::new(hmac_alg(alg), key);
        let mut ctx = hmac::Context::with_key(&key);
        for p in parts {
            ctx.update(p);
        }
        Digest::from_prefix(ctx.sign().as_ref())
    }

    fn with_hmac_key(&self, alg: HashAlg, key: &[u8], f: &mut WithKeyedHmac<'_>) {
        // `hmac::Key` holds the padded key blocks already hashed; each context starts
        // from them.
        let key = hmac::Key::new(hmac_alg(alg), key);
        f(&|parts| {
            let mut ctx = hmac::Context::with_key(&key);
            for p in parts {
                ctx.update(p);
            }
            Digest::from_prefix(ctx.sign().as_ref())
        });
    }

    fn aes_ctr(&self, key: &[u8], iv: &[u8; 16], data: &mut [u8]) -> Result<(), CryptoError> {
        let alg = aes_alg(key.len())?;
        // The counter is one 128-bit integer; refuse to wrap it (keystream reuse), as the
        // RustCrypto provider does.
        let blocks =
            u128::try_from(data.len().div_ceil(16)).map_err(|_| CryptoError::InvalidLength)?;
        if blocks > 0 && u128::MAX - u128::from_be_bytes(*iv) < blocks - 1 {
            return Err(CryptoError::InvalidLength);
        }
        let key = UnboundCipherKey::new(alg, key).map_err(|_| CryptoError::InvalidKey)?;
        if data.is_empty() {
            return Ok(());
        }
        EncryptingKey::ctr(key)
            .and_then(|k| k.less_safe_encrypt(data, EncryptionContext::Iv128((*iv).into())))
            .map(|_| ())
            .map_err(|_| CryptoError::Unsupported)
    }

    fn aes_cbc_encrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError> {
        let alg = cbc_check(key, data)?;
        let key = UnboundCipherKey::new(alg, key).map_err(|_| CryptoError::InvalidKey)?;
        if data.is_empty() {
            return Ok(());
        }
        EncryptingKey::cbc(key)
            .and_then(|k| k.less_safe_encrypt(data, EncryptionContext::Iv128((*iv).into())))
            .map(|_| ())
            .map_err(|_| CryptoError::Unsupported)
    }

    fn aes_cbc_decrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError> {
        let alg = cbc_check(key, data)?;
        let key = UnboundCipherKey::new(alg, key).map_err(|_| CryptoError::InvalidKey)?;
        if data.is_empty() {
            return Ok(());
        }
        DecryptingKey::cbc(key)
            .and_then(|k| {
                k.decrypt(data, DecryptionContext::Iv128((*iv).into()))
                    .map(|_| ())
            })
            .map_err(|_| CryptoError::Unsupported)
    }

    fn aes_kw_wrap(&self, kek: &[u8], key: &[u8], out: &mut [u8]) -> Result<usize, CryptoError> {
        let cipher = match kek.len() {
            16 => &key_wrap::AES_128,
            32 => &key_wrap::AES_256,
            // aws-lc-rs has no AES-192 key wrap.
            24 => return RustCrypto.aes_kw_wrap(kek, key, out),
            _ => return Err(CryptoError::InvalidKey),
        };
        let needed = kw_wrapped_len(key.len())?;
        let out = out
            .get_mut(..needed)
            .ok_or(CryptoError::BufferTooSmall { needed })?;
        AesKek::new(cipher, kek)
            .map_err(|_| CryptoError::InvalidKey)?
            .wrap(key, out)
            .map(|w| w.len())
            .map_err(|_| CryptoError::InvalidLength)
    }

    fn aes_kw_unwrap(
        &self,
        kek: &[u8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let cipher = match kek.len() {
            16 => &key_wrap::AES_128,
            32 => &key_wrap::AES_256,
            // aws-lc-rs has no AES-192 key wrap.
            24 => return RustCrypto.aes_kw_unwrap(kek, wrapped, out),
            _ => return Err(CryptoError::InvalidKey),
        };
        let needed = kw_unwrapped_len(wrapped.len())?;
        let out = out
            .get_mut(..needed)
            .ok_or(CryptoError::BufferTooSmall { needed })?;
        let r = AesKek::new(cipher, kek)
            .map_err(|_| CryptoError::InvalidKey)?
            .unwrap(wrapped, out)
            .map(|k| k.len());
        r.map_err(|_| {
            zeroize::Zeroize::zeroize(out);
            CryptoError::DecryptFailed
        })
    }

    // aws-lc-rs's `AesKek` takes no IV: an IV other than RFC 3394's default (MIKEY's
    // AES-KW-128, RFC 3830 §4.2.3) runs on RustCrypto.
    fn aes_kw_wrap_with_iv(
        &self,
        kek: &[u8],
        iv: &[u8; 8],
        key: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        if *iv == crate::AES_KW_DEFAULT_IV {
            self.aes_kw_wrap(kek, key, out)
        } else {
            RustCrypto.aes_kw_wrap_with_iv(kek, iv, key, out)
        }
    }

    fn aes_kw_unwrap_with_iv(
        &self,
        kek: &[u8],
        iv: &[u8; 8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        if *iv == crate::AES_KW_DEFAULT_IV {
            self.aes_kw_unwrap(kek, wrapped, out)
        } else {
            RustCrypto.aes_kw_unwrap_with_iv(kek, iv, wrapped, out)
        }
    }
}
