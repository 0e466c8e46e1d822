//! The capability traits protocol crates code against.

use crate::{CryptoError, Digest, HashAlg, Rng};

/// HMAC of a message (its parts concatenated) under the key prepared by
/// [`Symmetric::with_hmac_key`].
pub type KeyedHmac<'k> = dyn Fn(&[&[u8]]) -> Digest + 'k;

/// What [`Symmetric::with_hmac_key`] runs with a [`KeyedHmac`].
pub type WithKeyedHmac<'f> = dyn FnMut(&KeyedHmac<'_>) + 'f;

/// Symmetric primitives. No allocation, no randomness, no private-key handles.
///
/// Every method writes into caller memory; none panics on any input.
pub trait Symmetric {
    /// Hash the concatenation of `parts`
    /// ([FIPS 180-4](https://csrc.nist.gov/pubs/fips/180-4/upd1/final)).
    ///
    /// A provider without `alg` returns a digest of another length ([`Digest::EMPTY`]);
    /// callers that use the output as more than a MAC to compare check it with
    /// [`Digest::checked`].
    fn hash(&self, alg: HashAlg, parts: &[&[u8]]) -> Digest;

    /// HMAC ([RFC 2104](https://www.rfc-editor.org/rfc/rfc2104)) with hash `alg` and `key`
    /// (any length; keys longer than the block are hashed first, per RFC 2104 §2) over the
    /// concatenation of `parts`. Returns the full-length tag; truncate with
    /// [`Digest::truncate`] / compare with [`Digest::ct_eq_truncated`]. A provider without
    /// `alg` returns a digest of another length, as [`Symmetric::hash`].
    fn hmac(&self, alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Digest;

    /// HMAC of several messages under one key: prepares `key` for hash `alg` once (RFC
    /// 2104 §2's inner and outer padded key blocks hashed) and calls `f` with a function
    /// returning `HMAC(key, parts)`, the value [`Symmetric::hmac`] returns, from that state.
    /// For derivations that MAC many messages under one key (the MIKEY PRF, RFC 3830
    /// §4.1.2). The default calls [`Symmetric::hmac`] for each message.
    fn with_hmac_key(&self, alg: HashAlg, key: &[u8], f: &mut WithKeyedHmac<'_>) {
        f(&|parts| self.hmac(alg, key, parts));
    }

    /// AES in counter mode, in place: encryption and decryption are the same operation.
    ///
    /// `key` is 16, 24 or 32 bytes. `iv` is the initial 128-bit counter block, incremented
    /// as one 128-bit big-endian integer per block
    /// ([SP 800-38A §6.5](https://csrc.nist.gov/pubs/sp/800/38/a/final), App. B.1). This is
    /// AES-CM as SRTP and MIKEY use it
    /// ([RFC 3711 §4.1.1](https://www.rfc-editor.org/rfc/rfc3711#section-4.1.1),
    /// [RFC 3830 §4.2.3](https://www.rfc-editor.org/rfc/rfc3830#section-4.2.3)): the caller
    /// builds the IV from salt, SSRC / CSB ID and index.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] for another key length; [`CryptoError::Unsupported`]
    /// for a key size the provider is built without (this holds for every AES method).
    fn aes_ctr(&self, key: &[u8], iv: &[u8; 16], data: &mut [u8]) -> Result<(), CryptoError>;

    /// AES-CBC encryption in place, **without padding**
    /// ([SP 800-38A §6.2](https://csrc.nist.gov/pubs/sp/800/38/a/final)); the protocol pads
    /// (GDOI KEK, [RFC 6407 §5.3.3](https://www.rfc-editor.org/rfc/rfc6407#section-5.3.3)).
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] unless `key` is 16, 24 or 32 bytes;
    /// [`CryptoError::InvalidLength`] unless `data.len()` is a multiple of 16. `data` is
    /// untouched on error.
    fn aes_cbc_encrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError>;

    /// AES-CBC decryption in place, without padding removal.
    ///
    /// # Errors
    /// As [`Symmetric::aes_cbc_encrypt`].
    fn aes_cbc_decrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError>;

    /// AES key wrap ([RFC 3394 §2.2.1](https://www.rfc-editor.org/rfc/rfc3394#section-2.2.1),
    /// default IV `A6A6A6A6A6A6A6A6`) of `key` under `kek`, into `out`. Returns the wrapped
    /// length, `key.len() + 8`.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] unless `kek` is 16, 24 or 32 bytes;
    /// [`CryptoError::InvalidLength`] unless `key` is at least 16 bytes and a multiple of 8
    /// (RFC 3394 §2: n ≥ 2 64-bit blocks); [`CryptoError::BufferTooSmall`] if `out` is
    /// shorter than `key.len() + 8`.
    fn aes_kw_wrap(&self, kek: &[u8], key: &[u8], out: &mut [u8]) -> Result<usize, CryptoError>;

    /// AES key unwrap ([RFC 3394 §2.2.2](https://www.rfc-editor.org/rfc/rfc3394#section-2.2.2)
    /// with the integrity check of §2.2.3) of `wrapped` under `kek`, into `out`. Returns the
    /// key length, `wrapped.len() - 8`.
    ///
    /// Implementations **must** reject `wrapped` shorter than 24 bytes themselves (RFC 3394
    /// needs n ≥ 2; `aes-kw` 0.3.1 accepts 8 and 16 bytes — Wycheproof `aes_wrap` tc 11 and
    /// tc 13).
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] for a bad `kek` length; [`CryptoError::InvalidLength`]
    /// unless `wrapped` is at least 24 bytes and a multiple of 8;
    /// [`CryptoError::BufferTooSmall`] if `out` is shorter than `wrapped.len() - 8`;
    /// [`CryptoError::DecryptFailed`] if the integrity check fails (then `out` is zeroed).
    fn aes_kw_unwrap(
        &self,
        kek: &[u8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError>;

    /// [`Symmetric::aes_kw_wrap`] with the initial value `iv` in place of the default
    /// ([RFC 3394 §2.2.3.2](https://www.rfc-editor.org/rfc/rfc3394#section-2.2.3.2),
    /// alternative initial values): `A[0] = iv`. MIKEY's AES-KW-128 sets it to a derived
    /// salt (RFC 3830 §4.2.3).
    ///
    /// The provided method handles [`AES_KW_DEFAULT_IV`] only (by calling
    /// [`Symmetric::aes_kw_wrap`]) and gives [`CryptoError::Unsupported`] for any other
    /// `iv`; a provider that can set the IV overrides it.
    ///
    /// # Errors
    /// As [`Symmetric::aes_kw_wrap`]; [`CryptoError::Unsupported`] as above.
    fn aes_kw_wrap_with_iv(
        &self,
        kek: &[u8],
        iv: &[u8; 8],
        key: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        if *iv == AES_KW_DEFAULT_IV {
            self.aes_kw_wrap(kek, key, out)
        } else {
            Err(CryptoError::Unsupported)
        }
    }

    /// [`Symmetric::aes_kw_unwrap`] whose integrity check expects `A[0] = iv`
    /// ([RFC 3394 §2.2.3.2](https://www.rfc-editor.org/rfc/rfc3394#section-2.2.3.2)),
    /// compared in constant time. Must reject `wrapped` shorter than 24 bytes, as
    /// [`Symmetric::aes_kw_unwrap`].
    ///
    /// The provided method handles [`AES_KW_DEFAULT_IV`] only, as
    /// [`Symmetric::aes_kw_wrap_with_iv`].
    ///
    /// # Errors
    /// As [`Symmetric::aes_kw_unwrap`] ([`CryptoError::DecryptFailed`], `out` zeroed, when
    /// the unwrapped `A[0]` is not `iv`); [`CryptoError::Unsupported`] as above.
    fn aes_kw_unwrap_with_iv(
        &self,
        kek: &[u8],
        iv: &[u8; 8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        if *iv == AES_KW_DEFAULT_IV {
            self.aes_kw_unwrap(kek, wrapped, out)
        } else {
            Err(CryptoError::Unsupported)
        }
    }
}

/// The default AES key-wrap initial value `A6A6A6A6A6A6A6A6`
/// ([RFC 3394 §2.2.3.1](https://www.rfc-editor.org/rfc/rfc3394#section-2.2.3.1)).
pub const AES_KW_DEFAULT_IV: [u8; 8] = [0xA6; 8];

/// RSA encryption schemes ([RFC 8017 §7](https://www.rfc-editor.org/rfc/rfc8017#section-7)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RsaEncryptionPadding {
    /// RSAES-PKCS1-v1_5 ([RFC 8017 §7.2](https://www.rfc-editor.org/rfc/rfc8017#section-7.2)),
    /// which MIKEY public-key mode (RFC 3830 §3.2) and RSA-R (RFC 4738) use. Decryption in
    /// the default provider uses *implicit rejection*: a bad padding yields a pseudo-random
    /// plaintext, not an error, so the protocol's MAC must catch it.
    Pkcs1v15,
    /// RSAES-OAEP ([RFC 8017 §7.1](https://www.rfc-editor.org/rfc/rfc8017#section-7.1)) with
    /// this hash for both the label hash and MGF1, and an empty label.
    ///
    /// Known deviation of the default provider: rsa 0.10.0 deliberately ignores the leading
    /// octet `Y` of the encoded message instead of requiring `Y = 0` (§7.1.2 step 3g), so
    /// Wycheproof's "First byte is 1" case decrypts. All other checks (label hash, padding
    /// string, separator) are enforced; the test suite pins this behaviour.
    Oaep(HashAlg),
}

/// RSA signature schemes ([RFC 8017 §8](https://www.rfc-editor.org/rfc/rfc8017#section-8)).
/// Each hashes the concatenated message parts with the given hash first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RsaSignatureScheme {
    /// RSASSA-PKCS1-v1_5 ([RFC 8017 §8.2](https://www.rfc-editor.org/rfc/rfc8017#section-8.2))
    /// with the DigestInfo prefix of the hash (EMSA-PKCS1-v1_5, §9.2).
    Pkcs1v15(HashAlg),
    /// PKCS#1 v1.5 type-1 padding over the **bare** hash, without DigestInfo (the IKEv1 /
    /// form of the Cisco `gdoid` reference code, needed for GDOI interop, where RFC 6407
    /// §5.3.7 names EMSA-PKCS1-v1_5; see "GDOI peers" in docs/interop.md).
    Pkcs1v15Raw(HashAlg),
    /// RSASSA-PSS ([RFC 8017 §8.1](https://www.rfc-editor.org/rfc/rfc8017#section-8.1)) with
    /// MGF1 of the same hash. Signing uses a salt as long as the hash; verification accepts
    /// any salt length.
    Pss(HashAlg),
}

/// An RSA private key, used only through operations: the "handle".
///
/// A secure element can implement this trait; the library never needs the key bytes.
/// Implementations must blind the private-key operation (the `rng` is there for that, and
/// for PSS salts) and must report every decryption failure as the single value
/// [`CryptoError::DecryptFailed`].
pub trait RsaPrivateKeyOps {
    /// The modulus length `k` in bytes (the signature and ciphertext length).
    fn modulus_len(&self) -> usize;

    /// Sign the concatenation of `msg_parts` with `scheme`, writing the `k`-byte signature
    /// into `sig_out`. Returns `k`.
    ///
    /// # Errors
    /// [`CryptoError::BufferTooSmall`] if `sig_out` is shorter than `k`;
    /// [`CryptoError::Rng`] if the generator fails; [`CryptoError::Unsupported`] for a
    /// scheme the key cannot do (for example a hash too long for the modulus).
    fn sign(
        &self,
        rng: &mut dyn Rng,
        scheme: RsaSignatureScheme,
        msg_parts: &[&[u8]],
        sig_out: &mut [u8],
    ) -> Result<usize, CryptoError>;

    /// Decrypt `ciphertext` with `padding`, writing the plaintext into `out`. Returns its
    /// length.
    ///
    /// `out` must hold the *largest possible* plaintext, [`rsa_max_plaintext_len`]
    /// (`k − 11` for PKCS#1 v1.5, `k − 2·hLen − 2` for OAEP), whatever the actual
    /// plaintext length: the size check happens before decryption so that it cannot leak
    /// anything about the ciphertext.
    ///
    /// # Errors
    /// [`CryptoError::BufferTooSmall`] (checked first, independent of the ciphertext);
    /// otherwise [`CryptoError::DecryptFailed`] for every failure, with no reason.
    fn decrypt(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        ciphertext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError>;
}

/// An RSA public key: verification and encryption.
pub trait RsaPublicKeyOps {
    /// The modulus length `k` in bytes.
    fn modulus_len(&self) -> usize;

    /// Verify `sig` over the concatenation of `msg_parts` with `scheme`.
    ///
    /// # Errors
    /// [`CryptoError::VerifyFailed`] for every failure (including a wrong signature length).
    fn verify(
        &self,
        scheme: RsaSignatureScheme,
        msg_parts: &[&[u8]],
        sig: &[u8],
    ) -> Result<(), CryptoError>;

    /// Encrypt `plaintext` with `padding`, writing the `k`-byte ciphertext into `out`.
    /// Returns `k`.
    ///
    /// # Errors
    /// [`CryptoError::BufferTooSmall`] if `out` is shorter than `k`;
    /// [`CryptoError::InvalidLength`] if `plaintext` is longer than
    /// [`rsa_max_plaintext_len`]; [`CryptoError::Rng`] if the generator fails.
    fn encrypt(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError>;
}

/// The largest plaintext `padding` can carry under a `modulus_len`-byte key
/// ([RFC 8017 §7.1.1](https://www.rfc-editor.org/rfc/rfc8017#section-7.1.1) step 1b,
/// [§7.2.1](https://www.rfc-editor.org/rfc/rfc8017#section-7.2.1) step 1); 0 if none fits.
#[must_use]
pub const fn rsa_max_plaintext_len(modulus_len: usize, padding: RsaEncryptionPadding) -> usize {
    match padding {
        RsaEncryptionPadding::Pkcs1v15 => modulus_len.saturating_sub(11),
        RsaEncryptionPadding::Oaep(h) => modulus_len
            .saturating_sub(2 * h.output_len())
            .saturating_sub(2),
    }
}

/// An ECDSA P-256 private key handle ([FIPS 186-5](https://csrc.nist.gov/pubs/fips/186-5/final)
/// §6.4, curve P-256 from [SP 800-186](https://csrc.nist.gov/pubs/sp/800/186/final)),
/// with SHA-256 as the message hash.
///
/// A secure element can implement this trait. The default provider signs
/// deterministically ([RFC 6979](https://www.rfc-editor.org/rfc/rfc6979)).
pub trait EcdsaP256Signer {
    /// Sign SHA-256 of the concatenation of `msg_parts`. Returns `r ‖ s`, each a 32-byte
    /// big-endian integer (the fixed-width form of
    /// [RFC 4754 §7](https://www.rfc-editor.org/rfc/rfc4754#section-7), used by GDOI).
    ///
    /// # Errors
    /// Provider-specific; the default provider does not fail.
    fn sign(&self, msg_parts: &[&[u8]]) -> Result<[u8; 64], CryptoError>;
}

/// An ECDSA P-256 public key.
pub trait EcdsaP256Verifier {
    /// Verify the `r ‖ s` signature `sig_r_s` (64 bytes) over SHA-256 of the concatenation
    /// of `msg_parts`.
    ///
    /// # Errors
    /// [`CryptoError::VerifyFailed`] for every failure, including a length other than 64 and
    /// `r` or `s` outside `[1, n − 1]`.
    fn verify(&self, msg_parts: &[&[u8]], sig_r_s: &[u8]) -> Result<(), CryptoError>;
}

/// Loads RSA public keys that arrive on the wire (a SEND CGA key, a MIKEY CERT or PKE peer
/// key): the one key-handling capability protocols need beyond the operations above.
/// Implementations must bound the modulus size before any arithmetic, so a hostile 16k-bit
/// key cannot make verification arbitrarily slow.
pub trait RsaKeyLoader {
    /// The loaded key.
    type PublicKey: RsaPublicKeyOps;
    /// Loads a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7, rsaEncryption), refusing moduli
    /// above `max_bits`.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] for a malformed, non-RSA or too large key.
    fn load_spki(&self, spki: &[u8], max_bits: usize) -> Result<Self::PublicKey, CryptoError>;
}

/// A role owns its provider; callers that share one pass a reference.
impl<T: Symmetric + ?Sized> Symmetric for &T {
    fn hash(&self, alg: HashAlg, parts: &[&[u8]]) -> Digest {
        (**self).hash(alg, parts)
    }
    fn hmac(&self, alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Digest {
        (**self).hmac(alg, key, parts)
    }
    fn with_hmac_key(&self, alg: HashAlg, key: &[u8], f: &mut WithKeyedHmac<'_>) {
        (**self).with_hmac_key(alg, key, f);
    }
    fn aes_ctr(&self, key: &[u8], iv: &[u8; 16], data: &mut [u8]) -> Result<(), CryptoError> {
        (**self).aes_ctr(key, iv, data)
    }
    fn aes_cbc_encrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError> {
        (**self).aes_cbc_encrypt(key, iv, data)
    }
    fn aes_cbc_decrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError> {
        (**self).aes_cbc_decrypt(key, iv, data)
    }
    fn aes_kw_wrap(&self, kek: &[u8], key: &[u8], out: &mut [u8]) -> Result<usize, CryptoError> {
        (**self).aes_kw_wrap(kek, key, out)
    }
    fn aes_kw_unwrap(
        &self,
        kek: &[u8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        (**self).aes_kw_unwrap(kek, wrapped, out)
    }
    fn aes_kw_wrap_with_iv(
        &self,
        kek: &[u8],
        iv: &[u8; 8],
        key: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        (**self).aes_kw_wrap_with_iv(kek, iv, key, out)
    }
    fn aes_kw_unwrap_with_iv(
        &self,
        kek: &[u8],
        iv: &[u8; 8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        (**self).aes_kw_unwrap_with_iv(kek, iv, wrapped, out)
    }
}

/// A shared loader, by reference.
impl<T: RsaKeyLoader + ?Sized> RsaKeyLoader for &T {
    type PublicKey = T::PublicKey;
    fn load_spki(&self, spki: &[u8], max_bits: usize) -> Result<Self::PublicKey, CryptoError> {
        (**self).load_spki(spki, max_bits)
    }
}
