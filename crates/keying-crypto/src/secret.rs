//! Zeroizing secret containers and constant-time comparison.

use core::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::CryptoError;

/// Compare two byte strings in constant time (for equal lengths), using [`subtle`].
///
/// Returns `false` when the lengths differ; the lengths themselves are treated as public.
/// Use this for every MAC or tag comparison.
#[must_use]
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    // `subtle`'s slice impl already returns 0 for different lengths, but say it explicitly.
    if a.len() != b.len() {
        return false;
    }
    bool::from(a.ct_eq(b))
}

/// A fixed-size secret (a key, a salt that must stay private, …).
///
/// Zeroized on drop, never `Copy`, and its `Debug` prints `<redacted>`. Read it with
/// [`SecretBytes::expose`].
#[derive(Clone)]
pub struct SecretBytes<const N: usize> {
    bytes: [u8; N],
}

/// Wipes the bytes as one slice (zeroize's slice path: the stores, then one compiler
/// fence), not one fenced store per array element as zeroize's impl for arrays does.
impl<const N: usize> Zeroize for SecretBytes<N> {
    fn zeroize(&mut self) {
        self.bytes.as_mut_slice().zeroize();
    }
}

impl<const N: usize> Drop for SecretBytes<N> {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl<const N: usize> ZeroizeOnDrop for SecretBytes<N> {}

impl<const N: usize> SecretBytes<N> {
    /// The size of the secret in bytes.
    pub const LEN: usize = N;

    /// Take ownership of `bytes`.
    ///
    /// The caller's copy (the argument was moved, but arrays are `Copy`) is not wiped: build
    /// the value in place with [`SecretBytes::zero`] + [`SecretBytes::expose_mut`] when that
    /// matters.
    #[must_use]
    pub const fn new(bytes: [u8; N]) -> Self {
        Self { bytes }
    }

    /// An all-zero secret, to be filled through [`SecretBytes::expose_mut`].
    #[must_use]
    pub const fn zero() -> Self {
        Self { bytes: [0; N] }
    }

    /// Copy a secret out of a slice of exactly `N` bytes.
    ///
    /// # Errors
    /// [`CryptoError::InvalidLength`] if `bytes.len() != N`.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let mut s = Self::zero();
        if bytes.len() != N {
            return Err(CryptoError::InvalidLength);
        }
        s.bytes.copy_from_slice(bytes);
        Ok(s)
    }

    /// Borrow the secret bytes.
    #[must_use]
    pub const fn expose(&self) -> &[u8; N] {
        &self.bytes
    }

    /// Borrow the secret bytes mutably (to fill them in place).
    pub fn expose_mut(&mut self) -> &mut [u8; N] {
        &mut self.bytes
    }

    /// Constant-time equality with `other`.
    #[must_use]
    pub fn ct_eq(&self, other: &Self) -> bool {
        ct_eq(&self.bytes, &other.bytes)
    }
}

impl<const N: usize> fmt::Debug for SecretBytes<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes<{N}>(<redacted>)")
    }
}

/// Wipes the first `len` bytes of `bytes` (all of them when `len` is beyond its end) as one
/// slice: for buffers whose bytes past `len` are always zero ([`SecretBuf`], `Digest`),
/// that wipes every byte they ever held.
#[inline(never)]
pub(crate) fn wipe_held(bytes: &mut [u8], len: usize) {
    match bytes.get_mut(..len) {
        Some(held) => held.zeroize(),
        None => bytes.zeroize(),
    }
}

/// A variable-length secret of at most `N` bytes, without heap allocation.
///
/// Zeroized on drop, never `Copy`, `Debug` prints `<redacted>`. The bytes past the length
/// are always zero (every method keeps them so), so wiping the first `len` bytes wipes
/// every byte the buffer ever held: a 1 KiB buffer holding a 16-byte key costs 16 stores to
/// wipe, not 1,024.
#[derive(Clone)]
pub struct SecretBuf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

/// Wipes the bytes held as one slice (see [`SecretBytes`]'s `Zeroize`; the rest are zero
/// already) and empties the buffer.
impl<const N: usize> Zeroize for SecretBuf<N> {
    #[cfg_attr(target_os = "none", inline(never))]
    fn zeroize(&mut self) {
        wipe_held(&mut self.bytes, self.len);
        self.len = 0;
    }
}

impl<const N: usize> Drop for SecretBuf<N> {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl<const N: usize> ZeroizeOnDrop for SecretBuf<N> {}

impl<const N: usize> SecretBuf<N> {
    /// The capacity in bytes.
    pub const CAPACITY: usize = N;

    /// An empty buffer.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            bytes: [0; N],
            len: 0,
        }
    }

    /// Copy `bytes` into a new buffer.
    ///
    /// # Errors
    /// [`CryptoError::BufferTooSmall`] if `bytes.len() > N`.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let mut s = Self::new();
        s.extend_from_slice(bytes)?;
        Ok(s)
    }

    /// A buffer of `len` zero bytes, to be filled through [`SecretBuf::expose_mut`].
    ///
    /// # Errors
    /// [`CryptoError::BufferTooSmall`] if `len > N`.
    pub fn zeroed(len: usize) -> Result<Self, CryptoError> {
        let mut s = Self::new();
        s.set_len(len)?;
        Ok(s)
    }

    /// Append `bytes`.
    ///
    /// # Errors
    /// [`CryptoError::BufferTooSmall`] if the result would exceed `N` bytes; the buffer is
    /// then unchanged.
    pub fn extend_from_slice(&mut self, bytes: &[u8]) -> Result<(), CryptoError> {
        let end = self
            .len
            .checked_add(bytes.len())
            .filter(|&e| e <= N)
            .ok_or(CryptoError::BufferTooSmall {
                needed: self.len.saturating_add(bytes.len()),
            })?;
        let dst = self
            .bytes
            .get_mut(self.len..end)
            .ok_or(CryptoError::BufferTooSmall { needed: end })?;
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// Set the length to `len`, zeroing bytes beyond it when shrinking and exposing zero
    /// bytes when growing.
    ///
    /// # Errors
    /// [`CryptoError::BufferTooSmall`] if `len > N`.
    pub fn set_len(&mut self, len: usize) -> Result<(), CryptoError> {
        if len > N {
            return Err(CryptoError::BufferTooSmall { needed: len });
        }
        // Growing exposes bytes that are zero already; shrinking wipes the bytes let go.
        if let Some(tail) = self.bytes.get_mut(len..self.len) {
            tail.zeroize();
        }
        self.len = len;
        Ok(())
    }

    /// Wipe and empty the buffer.
    pub fn clear(&mut self) {
        self.zeroize();
    }

    /// The number of bytes held.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the buffer is empty.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Borrow the secret bytes.
    #[must_use]
    #[cfg_attr(target_os = "none", inline(never))]
    pub fn expose(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// Borrow the secret bytes mutably.
    pub fn expose_mut(&mut self) -> &mut [u8] {
        self.bytes.get_mut(..self.len).unwrap_or(&mut [])
    }

    /// Constant-time equality of the contents (lengths are public).
    #[must_use]
    pub fn ct_eq(&self, other: &[u8]) -> bool {
        ct_eq(self.expose(), other)
    }
}

impl<const N: usize> Default for SecretBuf<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Debug for SecretBuf<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBuf<{N}>(<redacted>)")
    }
}
