//! [`Symmetric`] on sha1 / sha2 / hmac / aes / ctr / cbc / aes-kw.

use aes::cipher::{
    BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt, BlockSizeUser,
    KeyInit, KeyIvInit, StreamCipher, array::Array, consts::U16,
};
use hmac::{Hmac, Mac};
use sha2::digest::{FixedOutput, Update, block_api::EagerHash};
use zeroize::Zeroize;

use super::RustCrypto;
use crate::{CryptoError, Digest, HashAlg, Symmetric};

/// Hash `parts` with `D` into a [`Digest`].
fn digest_parts<D: sha2::Digest>(parts: &[&[u8]]) -> Digest {
    let mut h = D::new();
    for p in parts {
        sha2::Digest::update(&mut h, p);
    }
    let mut out = h.finalize();
    let d = Digest::from_prefix(&out);
    out.as_mut_slice().zeroize();
    d
}

/// HMAC-`D` of `parts` under `key` into a [`Digest`].
fn hmac_parts<D>(key: &[u8], parts: &[&[u8]]) -> Digest
where
    D: EagerHash,
    Hmac<D>: KeyInit + Update + FixedOutput,
{
    // HMAC accepts keys of any length (RFC 2104 §2), so this never fails in practice.
    // An empty digest never compares equal to a real tag.
    let Ok(mut mac) = <Hmac<D> as KeyInit>::new_from_slice(key) else {
        return Digest::EMPTY;
    };
    for p in parts {
        Mac::update(&mut mac, p);
    }
    let mut out = mac.finalize_fixed();
    let d = Digest::from_prefix(&out);
    out.as_mut_slice().zeroize();
    d
}

fn ctr_apply<C>(key: &[u8], iv: &[u8; 16], data: &mut [u8]) -> Result<(), CryptoError>
where
    C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    let mut c =
        ctr::Ctr128BE::<C>::new_from_slices(key, iv).map_err(|_| CryptoError::InvalidKey)?;
    c.try_apply_keystream(data)
        .map_err(|_| CryptoError::InvalidLength)
}

fn cbc_encrypt<C>(key: &[u8], iv: &[u8; 16], data: &mut [u8]) -> Result<(), CryptoError>
where
    C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    let mut e =
        cbc::Encryptor::<C>::new_from_slices(key, iv).map_err(|_| CryptoError::InvalidKey)?;
    let (blocks, rest) = Array::<u8, U16>::slice_as_chunks_mut(data);
    if !rest.is_empty() {
        return Err(CryptoError::InvalidLength);
    }
    e.encrypt_blocks(blocks);
    Ok(())
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8; 16], data: &mut [u8]) -> Result<(), CryptoError>
where
    C: BlockCipherDecrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    let mut d =
        cbc::Decryptor::<C>::new_from_slices(key, iv).map_err(|_| CryptoError::InvalidKey)?;
    let (blocks, rest) = Array::<u8, U16>::slice_as_chunks_mut(data);
    if !rest.is_empty() {
        return Err(CryptoError::InvalidLength);
    }
    d.decrypt_blocks(blocks);
    Ok(())
}

/// The AES variant for a key length, or `InvalidKey`.
#[derive(Clone, Copy)]
enum AesKey {
    A128,
    A192,
    A256,
}

fn aes_key(key: &[u8]) -> Result<AesKey, CryptoError> {
    match key.len() {
        16 => Ok(AesKey::A128),
        24 => Ok(AesKey::A192),
        32 => Ok(AesKey::A256),
        _ => Err(CryptoError::InvalidKey),
    }
}

/// RFC 3394 needs at least two 64-bit blocks of key data.
const KW_MIN_KEY: usize = 16;
const KW_SEMIBLOCK: usize = 8;

impl Symmetric for RustCrypto {
    fn hash(&self, alg: HashAlg, parts: &[&[u8]]) -> Digest {
        match alg {
            HashAlg::Sha1 => digest_parts::<sha1::Sha1>(parts),
            HashAlg::Sha256 => digest_parts::<sha2::Sha256>(parts),
            HashAlg::Sha384 => digest_parts::<sha2::Sha384>(parts),
            HashAlg::Sha512 => digest_parts::<sha2::Sha512>(parts),
        }
    }

    fn hmac(&self, alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Digest {
        match alg {
            HashAlg::Sha1 => hmac_parts::<sha1::Sha1>(key, parts),
            HashAlg::Sha256 => hmac_parts::<sha2::Sha256>(key, parts),
            HashAlg::Sha384 => hmac_parts::<sha2::Sha384>(key, parts),
            HashAlg::Sha512 => hmac_parts::<sha2::Sha512>(key, parts),
        }
    }

    fn aes_ctr(&self, key: &[u8], iv: &[u8; 16], data: &mut [u8]) -> Result<(), CryptoError> {
        match aes_key(key)? {
            AesKey::A128 => ctr_apply::<aes::Aes128>(key, iv, data),
            AesKey::A192 => ctr_apply::<aes::Aes192>(key, iv, data),
            AesKey::A256 => ctr_apply::<aes::Aes256>(key, iv, data),
        }
    }

    fn aes_cbc_encrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError> {
        // `cbc_encrypt` rejects a partial block before touching the data.
        match aes_key(key)? {
            AesKey::A128 => cbc_encrypt::<aes::Aes128>(key, iv, data),
            AesKey::A192 => cbc_encrypt::<aes::Aes192>(key, iv, data),
            AesKey::A256 => cbc_encrypt::<aes::Aes256>(key, iv, data),
        }
    }

    fn aes_cbc_decrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError> {
        // `cbc_decrypt` rejects a partial block before touching the data.
        match aes_key(key)? {
            AesKey::A128 => cbc_decrypt::<aes::Aes128>(key, iv, data),
            AesKey::A192 => cbc_decrypt::<aes::Aes192>(key, iv, data),
            AesKey::A256 => cbc_decrypt::<aes::Aes256>(key, iv, data),
        }
    }

    fn aes_kw_wrap(&self, kek: &[u8], key: &[u8], out: &mut [u8]) -> Result<usize, CryptoError> {
        let k = aes_key(kek)?;
        if key.len() < KW_MIN_KEY || !key.len().is_multiple_of(KW_SEMIBLOCK) {
            return Err(CryptoError::InvalidLength);
        }
        let needed = key
            .len()
            .checked_add(KW_SEMIBLOCK)
            .ok_or(CryptoError::InvalidLength)?;
        let out = out
            .get_mut(..needed)
            .ok_or(CryptoError::BufferTooSmall { needed })?;
        let r = match k {
            AesKey::A128 => aes_kw::KwAes128::new_from_slice(kek)
                .map_err(|_| CryptoError::InvalidKey)?
                .wrap_key(key, out)
                .map(<[u8]>::len),
            AesKey::A192 => aes_kw::KwAes192::new_from_slice(kek)
                .map_err(|_| CryptoError::InvalidKey)?
                .wrap_key(key, out)
                .map(<[u8]>::len),
            AesKey::A256 => aes_kw::KwAes256::new_from_slice(kek)
                .map_err(|_| CryptoError::InvalidKey)?
                .wrap_key(key, out)
                .map(<[u8]>::len),
        };
        r.map_err(|_| CryptoError::InvalidLength)
    }

    fn aes_kw_unwrap(
        &self,
        kek: &[u8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        let k = aes_key(kek)?;
        // The guard aes-kw 0.3.1 lacks: RFC 3394 §2 needs n >= 2, i.e. >= 24 wrapped bytes.
        if wrapped.len() < KW_MIN_KEY + KW_SEMIBLOCK || !wrapped.len().is_multiple_of(KW_SEMIBLOCK)
        {
            return Err(CryptoError::InvalidLength);
        }
        let needed = wrapped.len().saturating_sub(KW_SEMIBLOCK);
        let out = out
            .get_mut(..needed)
            .ok_or(CryptoError::BufferTooSmall { needed })?;
        let r = match k {
            AesKey::A128 => aes_kw::KwAes128::new_from_slice(kek)
                .map_err(|_| CryptoError::InvalidKey)?
                .unwrap_key(wrapped, out)
                .map(<[u8]>::len),
            AesKey::A192 => aes_kw::KwAes192::new_from_slice(kek)
                .map_err(|_| CryptoError::InvalidKey)?
                .unwrap_key(wrapped, out)
                .map(<[u8]>::len),
            AesKey::A256 => aes_kw::KwAes256::new_from_slice(kek)
                .map_err(|_| CryptoError::InvalidKey)?
                .unwrap_key(wrapped, out)
                .map(<[u8]>::len),
        };
        match r {
            Ok(n) => Ok(n),
            Err(_) => {
                out.zeroize();
                Err(CryptoError::DecryptFailed)
            }
        }
    }
}
