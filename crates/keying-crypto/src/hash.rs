//! Hash algorithm identifiers and the fixed-size digest / MAC output.

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::CryptoError;
use crate::secret::{ct_eq, wipe_held};

/// A hash function from the SHA family
/// ([FIPS 180-4](https://csrc.nist.gov/pubs/fips/180-4/upd1/final)).
///
/// Used directly, as the hash inside HMAC ([RFC 2104](https://www.rfc-editor.org/rfc/rfc2104)),
/// and as the message hash of RSA / ECDSA signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlg {
    /// SHA-1 (FIPS 180-4 §6.1). Only for HMAC-SHA-1 and legacy signatures the protocols
    /// mandate (MIKEY [RFC 3830 §4.2.1](https://www.rfc-editor.org/rfc/rfc3830#section-4.2.1),
    /// SEND [RFC 3971 §5.2](https://www.rfc-editor.org/rfc/rfc3971#section-5.2)).
    Sha1,
    /// SHA-256 (FIPS 180-4 §6.2).
    Sha256,
    /// SHA-384 (FIPS 180-4 §6.5).
    Sha384,
    /// SHA-512 (FIPS 180-4 §6.4).
    Sha512,
}

impl HashAlg {
    /// The output length in bytes (20, 32, 48 or 64).
    #[must_use]
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// The internal block length in bytes (64 or 128), the `B` of
    /// [RFC 2104 §2](https://www.rfc-editor.org/rfc/rfc2104#section-2).
    #[must_use]
    pub const fn block_len(self) -> usize {
        match self {
            Self::Sha1 | Self::Sha256 => 64,
            Self::Sha384 | Self::Sha512 => 128,
        }
    }
}

/// The output of a hash or of an HMAC: up to 64 bytes, no heap.
///
/// HMAC output is keying material in the protocols (MIKEY's PRF, RFC 3830 §4.1.2), so this
/// type is treated as secret: zeroized on drop, `Debug` prints `<redacted>`, not `Copy`.
/// Compare tags with [`Digest::ct_eq`] / [`Digest::ct_eq_truncated`], never with `==`.
#[derive(Clone)]
pub struct Digest {
    bytes: [u8; 64],
    len: usize,
}

/// Wipes the digest's bytes as one slice (zeroize's slice path: the stores, then one
/// compiler fence), not one fenced store per byte as zeroize's impl for arrays does. The
/// bytes past `len` are always zero (every constructor and [`Digest::truncate`] keep them
/// so): wiping the first `len` wipes every byte ever set (20 stores for SHA-1, not 64).
impl Zeroize for Digest {
    #[cfg_attr(target_os = "none", inline(never))]
    fn zeroize(&mut self) {
        wipe_held(&mut self.bytes, self.len);
        self.len = 0;
    }
}

impl Drop for Digest {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for Digest {}

impl Digest {
    /// The largest digest this type holds (SHA-512).
    pub const MAX_LEN: usize = 64;

    /// The empty digest (length 0); it compares equal to nothing but the empty string.
    pub const EMPTY: Self = Self {
        bytes: [0; 64],
        len: 0,
    };

    /// Copy the first (at most) [`Digest::MAX_LEN`] bytes of `bytes`.
    #[cfg(any(feature = "sha1", feature = "sha256", feature = "sha512"))]
    pub(crate) fn from_prefix(bytes: &[u8]) -> Self {
        let mut d = Self::EMPTY;
        for (dst, src) in d.bytes.iter_mut().zip(bytes) {
            *dst = *src;
        }
        d.len = bytes.len().min(Self::MAX_LEN);
        d
    }

    /// Copy a digest out of `bytes` (for providers other than the built-in one).
    ///
    /// # Errors
    /// [`CryptoError::InvalidLength`] if `bytes` is longer than [`Digest::MAX_LEN`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let mut d = Self {
            bytes: [0; 64],
            len: 0,
        };
        let dst = d
            .bytes
            .get_mut(..bytes.len())
            .ok_or(CryptoError::InvalidLength)?;
        dst.copy_from_slice(bytes);
        d.len = bytes.len();
        Ok(d)
    }

    /// `self` if it is a whole `alg` output, else [`CryptoError::Unsupported`].
    ///
    /// A provider that lacks a hash returns a digest of another length from
    /// [`Symmetric::hash`](crate::Symmetric::hash) / [`Symmetric::hmac`](crate::Symmetric::hmac)
    /// (the RustCrypto provider built without it returns [`Digest::EMPTY`]); protocol code
    /// checks with this before using a digest as a key, a PRF block or an identifier.
    /// (A MAC compared with [`Digest::ct_eq_truncated`] fails on its own.)
    ///
    /// # Errors
    /// [`CryptoError::Unsupported`] when `self.len() != alg.output_len()`.
    pub fn checked(self, alg: HashAlg) -> Result<Self, CryptoError> {
        if self.len == alg.output_len() {
            Ok(self)
        } else {
            Err(CryptoError::Unsupported)
        }
    }

    /// The digest bytes.
    #[must_use]
    #[cfg_attr(target_os = "none", inline(never))]
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// The digest length in bytes.
    #[must_use]
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the digest is empty (never, for digests a provider returns).
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Shorten the digest to its first `len` bytes (HMAC truncation,
    /// [RFC 2104 §5](https://www.rfc-editor.org/rfc/rfc2104#section-5)). Longer `len` is a
    /// no-op.
    pub fn truncate(&mut self, len: usize) {
        if len < self.len {
            if let Some(tail) = self.bytes.get_mut(len..self.len) {
                tail.zeroize();
            }
            self.len = len;
        }
    }

    /// Constant-time comparison with `other` (the whole digest; different length ⇒ `false`).
    #[must_use]
    pub fn ct_eq(&self, other: &[u8]) -> bool {
        ct_eq(self.as_bytes(), other)
    }

    /// Constant-time check of a truncated tag: `true` iff `tag.len() == tag_len`,
    /// `0 < tag_len <= self.len()` and `tag` equals the first `tag_len` bytes.
    ///
    /// `tag_len` must come from the protocol (the negotiated MAC algorithm), **never** from
    /// the received tag's length, or an attacker could send a one-byte tag.
    #[must_use]
    pub fn ct_eq_truncated(&self, tag: &[u8], tag_len: usize) -> bool {
        if tag_len == 0 || tag.len() != tag_len {
            return false;
        }
        match self.as_bytes().get(..tag_len) {
            Some(prefix) => ct_eq(prefix, tag),
            None => false,
        }
    }
}

impl AsRef<[u8]> for Digest {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({} bytes, <redacted>)", self.len)
    }
}
