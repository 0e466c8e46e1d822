//! [`Symmetric`] on sha1 / sha2 (hashes and HMAC: module `md`) and aes / ctr / cbc / aes-kw.
//!
//! Which hashes and AES key sizes are compiled in is chosen by the crate features `sha1`,
//! `sha256`, `sha512`, `aes128`, `aes192` and `aes256` (all on with `rustcrypto`): the
//! provider dispatches on the algorithm at run time, so an algorithm that is compiled in
//! is linked into every firmware that uses the provider, called or not. A hash that is
//! left out yields [`Digest::EMPTY`] (see [`Digest::checked`]); an AES key of a size
//! that is left out gives [`CryptoError::Unsupported`].

use super::RustCrypto;
#[cfg(any(feature = "sha1", feature = "sha256", feature = "sha512"))]
use super::md;
use crate::{CryptoError, Digest, HashAlg, Symmetric, WithKeyedHmac};
#[cfg(any(feature = "aes128", feature = "aes192", feature = "aes256"))]
use aes::cipher::{
    BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt, BlockSizeUser,
    KeyInit, KeyIvInit, StreamCipherCore, array::Array, consts::U16,
};

/// Evaluates `$body` with the type `$c` naming the AES variant for a key of `$len` bytes;
/// [`CryptoError::Unsupported`] for a size that is not compiled in and
/// [`CryptoError::InvalidKey`] for a length AES does not have (one place decides which
/// key sizes exist).
/// [`with_aes!`] for AES key wrap, which has a feature of its own (`aes-kw`): without it
/// every key is refused as unsupported, and no key-wrap code is linked.
macro_rules! with_kw {
    ($len:expr, $c:ident => $body:expr) => {{
        #[cfg(feature = "aes-kw")]
        let r = {
            with_aes!($len, $c => $body)
        };
        #[cfg(not(feature = "aes-kw"))]
        let r = {
            let _ = $len;
            Err(CryptoError::Unsupported)
        };
        r
    }};
}

macro_rules! with_aes {
    ($len:expr, $c:ident => $body:expr) => {
        // With every key size compiled in, the `16 | 24 | 32` arm is unreachable.
        #[allow(unreachable_patterns)]
        match $len {
            #[cfg(feature = "aes128")]
            16 => {
                type $c = aes::Aes128;
                $body
            }
            #[cfg(feature = "aes192")]
            24 => {
                type $c = aes::Aes192;
                $body
            }
            #[cfg(feature = "aes256")]
            32 => {
                type $c = aes::Aes256;
                $body
            }
            16 | 24 | 32 => Err(CryptoError::Unsupported),
            _ => Err(CryptoError::InvalidKey),
        }
    };
}

// Most operations below are `#[inline(never)]`: its cipher or hash state then lives in its
// own stack frame, once, instead of every operation's state being merged into the frame of
// the protocol function that calls them (with LTO, firmware inlines across crates). On
// bare-metal targets AES-CTR, key unwrap with an IV and the keyed HMAC are left to the
// inliner: on the thumbv7em MIKEY PSK Responder that is 136 B less flash for 88 B more
// stack, within its 4 KiB.

/// HMAC of `parts` under `key` ([`Digest::EMPTY`] when `alg` is not compiled in).
#[cfg(any(feature = "sha1", feature = "sha256", feature = "sha512"))]
#[inline(never)]
fn hmac_once(alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Digest {
    match &mut md::Hmac::unkeyed(alg) {
        Some(keyed) => {
            keyed.key(key);
            keyed.mac(parts)
        }
        None => Digest::EMPTY,
    }
}

/// [`Symmetric::with_hmac_key`]: the keyed state (RFC 2104's padded key blocks hashed) is
/// built once and cloned for every message.
#[cfg(any(feature = "sha1", feature = "sha256", feature = "sha512"))]
#[cfg_attr(not(target_os = "none"), inline(never))]
fn hmac_keyed(alg: HashAlg, key: &[u8], f: &mut WithKeyedHmac<'_>) {
    match &mut md::Hmac::unkeyed(alg) {
        Some(keyed) => {
            keyed.key(key);
            f(&|parts| keyed.mac(parts));
        }
        None => f(&|_| Digest::EMPTY),
    }
}

#[cfg(any(feature = "aes128", feature = "aes192", feature = "aes256"))]
#[cfg_attr(not(target_os = "none"), inline(never))]
fn ctr_apply<C>(key: &[u8], iv: &[u8; 16], data: &mut [u8]) -> Result<(), CryptoError>
where
    C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    // ctr's counter core one block at a time: `try_apply_keystream` would run the
    // cipher's parallel-block path, whose state needs three times the stack.
    let mut core = ctr::CtrCore::<C, ctr::flavors::Ctr128BE>::new_from_slices(key, iv)
        .map_err(|_| CryptoError::InvalidKey)?;
    // The check `try_apply_keystream` makes: no more blocks than the counter has left.
    if let Some(left) = core.remaining_blocks()
        && data.len().div_ceil(16) > left
    {
        return Err(CryptoError::InvalidLength);
    }
    let (blocks, tail) = Array::<u8, U16>::slice_as_chunks_mut(data);
    for b in blocks {
        core.apply_keystream_block_inout(b.into());
    }
    if !tail.is_empty() {
        let mut block = Array::<u8, U16>::default();
        let part = block
            .get_mut(..tail.len())
            .ok_or(CryptoError::InvalidLength)?;
        part.copy_from_slice(tail);
        core.apply_keystream_block_inout((&mut block).into());
        let part = block.get(..tail.len()).ok_or(CryptoError::InvalidLength)?;
        tail.copy_from_slice(part);
        zeroize::Zeroize::zeroize(block.as_mut_slice());
    }
    Ok(())
}

#[cfg(any(feature = "aes128", feature = "aes192", feature = "aes256"))]
#[inline(never)]
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

#[cfg(any(feature = "aes128", feature = "aes192", feature = "aes256"))]
#[inline(never)]
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
    for b in blocks {
        d.decrypt_block(b);
    }
    Ok(())
}

#[cfg(all(
    feature = "aes-kw",
    any(feature = "aes128", feature = "aes192", feature = "aes256")
))]
#[inline(never)]
fn kw_wrap<C>(kek: &[u8], key: &[u8], out: &mut [u8]) -> Result<usize, CryptoError>
where
    C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    let needed = kw_wrapped_len(key.len())?;
    let out = out
        .get_mut(..needed)
        .ok_or(CryptoError::BufferTooSmall { needed })?;
    aes_kw::AesKw::<C>::new_from_slice(kek)
        .map_err(|_| CryptoError::InvalidKey)?
        .wrap_key(key, out)
        .map(<[u8]>::len)
        .map_err(|_| CryptoError::InvalidLength)
}

#[cfg(all(
    feature = "aes-kw",
    any(feature = "aes128", feature = "aes192", feature = "aes256")
))]
#[inline(never)]
fn kw_unwrap<C>(kek: &[u8], wrapped: &[u8], out: &mut [u8]) -> Result<usize, CryptoError>
where
    C: BlockCipherDecrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    let needed = kw_unwrapped_len(wrapped.len())?;
    let out = out
        .get_mut(..needed)
        .ok_or(CryptoError::BufferTooSmall { needed })?;
    let r = aes_kw::AesKw::<C>::new_from_slice(kek)
        .map_err(|_| CryptoError::InvalidKey)?
        .unwrap_key(wrapped, out)
        .map(<[u8]>::len);
    r.map_err(|_| {
        zeroize::Zeroize::zeroize(out);
        CryptoError::DecryptFailed
    })
}

/// RFC 3394 §2.2.1 key wrap (index-based form) with `A[0] = iv`: the alternative initial
/// values of §2.2.3.2, which `aes-kw` 0.3 does not offer.
#[cfg(all(
    feature = "aes-kw",
    any(feature = "aes128", feature = "aes192", feature = "aes256")
))]
#[inline(never)]
fn kw_wrap_iv<C>(kek: &[u8], iv: &[u8; 8], key: &[u8], out: &mut [u8]) -> Result<usize, CryptoError>
where
    C: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
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
    let cipher = C::new_from_slice(kek).map_err(|_| CryptoError::InvalidKey)?;
    let (c0, r) = out.split_at_mut(KW_SEMIBLOCK);
    r.copy_from_slice(key);
    let mut a = *iv;
    let mut block = Array::<u8, U16>::default();
    let mut t = 0u64;
    for _ in 0..6 {
        for ri in r.chunks_exact_mut(KW_SEMIBLOCK) {
            t += 1;
            // B = AES(K, A | R[i]); A = MSB(64, B) ^ t; R[i] = LSB(64, B).
            let (hi, lo) = block.split_at_mut(KW_SEMIBLOCK);
            hi.copy_from_slice(&a);
            lo.copy_from_slice(ri);
            cipher.encrypt_block(&mut block);
            let (hi, lo) = block.split_at(KW_SEMIBLOCK);
            for ((d, b), tb) in a.iter_mut().zip(hi).zip(t.to_be_bytes()) {
                *d = b ^ tb;
            }
            ri.copy_from_slice(lo);
        }
    }
    c0.copy_from_slice(&a);
    zeroize::Zeroize::zeroize(block.as_mut_slice());
    Ok(needed)
}

/// RFC 3394 §2.2.2 key unwrap (index-based form) whose integrity check (§2.2.3) expects
/// `A[0] = iv`, compared in constant time; `out` is zeroed when it fails.
#[cfg(all(
    feature = "aes-kw",
    any(feature = "aes128", feature = "aes192", feature = "aes256")
))]
#[cfg_attr(not(target_os = "none"), inline(never))]
fn kw_unwrap_iv<C>(
    kek: &[u8],
    iv: &[u8; 8],
    wrapped: &[u8],
    out: &mut [u8],
) -> Result<usize, CryptoError>
where
    C: BlockCipherDecrypt + BlockSizeUser<BlockSize = U16> + KeyInit,
{
    if wrapped.len() < KW_MIN_KEY + KW_SEMIBLOCK || !wrapped.len().is_multiple_of(KW_SEMIBLOCK) {
        return Err(CryptoError::InvalidLength);
    }
    let needed = wrapped.len().saturating_sub(KW_SEMIBLOCK);
    let out = out
        .get_mut(..needed)
        .ok_or(CryptoError::BufferTooSmall { needed })?;
    let cipher = C::new_from_slice(kek).map_err(|_| CryptoError::InvalidKey)?;
    let (c0, c) = wrapped.split_at(KW_SEMIBLOCK);
    out.copy_from_slice(c);
    let mut a = [0u8; KW_SEMIBLOCK];
    a.copy_from_slice(c0);
    let mut block = Array::<u8, U16>::default();
    let n = (needed / KW_SEMIBLOCK) as u64;
    let mut t = n * 6;
    for _ in 0..6 {
        for ri in out.chunks_exact_mut(KW_SEMIBLOCK).rev() {
            // B = AES-1(K, (A ^ t) | R[i]); A = MSB(64, B); R[i] = LSB(64, B).
            let (hi, lo) = block.split_at_mut(KW_SEMIBLOCK);
            for ((d, x), tb) in hi.iter_mut().zip(a).zip(t.to_be_bytes()) {
                *d = x ^ tb;
            }
            lo.copy_from_slice(ri);
            cipher.decrypt_block(&mut block);
            let (hi, lo) = block.split_at(KW_SEMIBLOCK);
            a.copy_from_slice(hi);
            ri.copy_from_slice(lo);
            t -= 1;
        }
    }
    zeroize::Zeroize::zeroize(block.as_mut_slice());
    let ok = crate::ct_eq(&a, iv);
    zeroize::Zeroize::zeroize(&mut a);
    if ok {
        Ok(needed)
    } else {
        zeroize::Zeroize::zeroize(out);
        Err(CryptoError::DecryptFailed)
    }
}

/// RFC 3394 needs at least two 64-bit blocks of key data.
#[cfg(all(
    feature = "aes-kw",
    any(feature = "aes128", feature = "aes192", feature = "aes256")
))]
const KW_MIN_KEY: usize = 16;
#[cfg(all(
    feature = "aes-kw",
    any(feature = "aes128", feature = "aes192", feature = "aes256")
))]
const KW_SEMIBLOCK: usize = 8;

/// The wrapped length of a `key_len`-byte key, `key_len + 8`, or
/// [`CryptoError::InvalidLength`] unless the key is at least two 64-bit semiblocks
/// (RFC 3394 §2: n ≥ 2). The one length rule of every provider's key wrap.
#[cfg(all(
    feature = "aes-kw",
    any(feature = "aes128", feature = "aes192", feature = "aes256")
))]
pub(crate) fn kw_wrapped_len(key_len: usize) -> Result<usize, CryptoError> {
    if key_len < KW_MIN_KEY || !key_len.is_multiple_of(KW_SEMIBLOCK) {
        return Err(CryptoError::InvalidLength);
    }
    key_len
        .checked_add(KW_SEMIBLOCK)
        .ok_or(CryptoError::InvalidLength)
}

/// The unwrapped length of `wrapped_len` bytes, `wrapped_len - 8`, or
/// [`CryptoError::InvalidLength`] unless at least 24 bytes and whole semiblocks: the guard
/// aes-kw 0.3.1 lacks (RFC 3394 §2 needs n ≥ 2).
#[cfg(all(
    feature = "aes-kw",
    any(feature = "aes128", feature = "aes192", feature = "aes256")
))]
pub(crate) fn kw_unwrapped_len(wrapped_len: usize) -> Result<usize, CryptoError> {
    if wrapped_len < KW_MIN_KEY + KW_SEMIBLOCK || !wrapped_len.is_multiple_of(KW_SEMIBLOCK) {
        return Err(CryptoError::InvalidLength);
    }
    Ok(wrapped_len.saturating_sub(KW_SEMIBLOCK))
}

// A build without any hash, without any AES key size or without key wrap leaves
// arguments unread.
#[cfg_attr(
    not(all(
        any(feature = "sha1", feature = "sha256", feature = "sha512"),
        any(feature = "aes128", feature = "aes192", feature = "aes256"),
        feature = "aes-kw"
    )),
    allow(unused_variables)
)]
impl Symmetric for RustCrypto {
    #[cfg(any(feature = "sha1", feature = "sha256", feature = "sha512"))]
    #[inline(never)]
    fn hash(&self, alg: HashAlg, parts: &[&[u8]]) -> Digest {
        md::hash(alg, parts)
    }
    #[cfg(not(any(feature = "sha1", feature = "sha256", feature = "sha512")))]
    fn hash(&self, _: HashAlg, _: &[&[u8]]) -> Digest {
        Digest::EMPTY
    }

    #[cfg(any(feature = "sha1", feature = "sha256", feature = "sha512"))]
    fn hmac(&self, alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Digest {
        hmac_once(alg, key, parts)
    }
    #[cfg(not(any(feature = "sha1", feature = "sha256", feature = "sha512")))]
    fn hmac(&self, _: HashAlg, _: &[u8], _: &[&[u8]]) -> Digest {
        Digest::EMPTY
    }

    #[cfg(any(feature = "sha1", feature = "sha256", feature = "sha512"))]
    fn with_hmac_key(&self, alg: HashAlg, key: &[u8], f: &mut WithKeyedHmac<'_>) {
        hmac_keyed(alg, key, f);
    }
    #[cfg(not(any(feature = "sha1", feature = "sha256", feature = "sha512")))]
    fn with_hmac_key(&self, _: HashAlg, _: &[u8], f: &mut WithKeyedHmac<'_>) {
        f(&|_| Digest::EMPTY);
    }

    fn aes_ctr(&self, key: &[u8], iv: &[u8; 16], data: &mut [u8]) -> Result<(), CryptoError> {
        with_aes!(key.len(), C => ctr_apply::<C>(key, iv, data))
    }

    fn aes_cbc_encrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError> {
        // `cbc_encrypt` rejects a partial block before touching the data.
        with_aes!(key.len(), C => cbc_encrypt::<C>(key, iv, data))
    }

    fn aes_cbc_decrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError> {
        // `cbc_decrypt` rejects a partial block before touching the data.
        with_aes!(key.len(), C => cbc_decrypt::<C>(key, iv, data))
    }

    fn aes_kw_wrap(&self, kek: &[u8], key: &[u8], out: &mut [u8]) -> Result<usize, CryptoError> {
        with_kw!(kek.len(), C => kw_wrap::<C>(kek, key, out))
    }

    fn aes_kw_unwrap(
        &self,
        kek: &[u8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        with_kw!(kek.len(), C => kw_unwrap::<C>(kek, wrapped, out))
    }

    fn aes_kw_wrap_with_iv(
        &self,
        kek: &[u8],
        iv: &[u8; 8],
        key: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        with_kw!(kek.len(), C => kw_wrap_iv::<C>(kek, iv, key, out))
    }

    fn aes_kw_unwrap_with_iv(
        &self,
        kek: &[u8],
        iv: &[u8; 8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        with_kw!(kek.len(), C => kw_unwrap_iv::<C>(kek, iv, wrapped, out))
    }
}
