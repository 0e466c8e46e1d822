//! Pluggable crypto for the `keying` protocols: MIKEY
//! ([RFC 3830](https://www.rfc-editor.org/rfc/rfc3830) and family), the GDOI
//! GROUPKEY-PUSH ack ([RFC 8263](https://www.rfc-editor.org/rfc/rfc8263)) and the FMIPv6
//! handover key over SEND ([RFC 5269](https://www.rfc-editor.org/rfc/rfc5269)).
//!
//! `#![no_std]` always. The traits and secret types need neither `alloc` nor `std`; the
//! default provider (module `rustcrypto`, feature `rustcrypto`) needs no `alloc` for hashes,
//! HMAC, AES and ECDSA P-256, and needs `alloc` only for RSA (feature `rustcrypto-rsa`).
//!
//! # The trait split
//!
//! Protocols ask for *operations*, never for key bytes they do not need:
//!
//! | trait | what | keys |
//! |---|---|---|
//! | [`Symmetric`] | SHA-1/-256/-384/-512, HMAC over several slices, AES-CTR (AES-CM), AES-CBC, AES key wrap | passed as byte slices (the protocol derived them) |
//! | [`RsaPublicKeyOps`] / [`EcdsaP256Verifier`] | verify, RSA encrypt | public key *values* |
//! | [`RsaPrivateKeyOps`] / [`EcdsaP256Signer`] | sign, RSA decrypt | private-key **handles** |
//! | [`Rng`] | random bytes | — |
//!
//! # The handle rule
//!
//! Long-term private keys (a MIKEY-RSA/RSA-R or GDOI GCKS RSA key, an ECDSA key, a SEND
//! CGA key) are only ever reached through [`RsaPrivateKeyOps`] and [`EcdsaP256Signer`].
//! Protocol code never sees their bytes, so firmware can implement these traits with a
//! secure element or HSM and the protocol crates do not change. Private-key methods take
//! the caller's [`Rng`] (RSA blinding, PSS salt); nothing in this crate reads a global
//! generator, except AWS-LC under the `aws-lc` provider (it accepts no outside generator;
//! see `awslc`).
//!
//! Implementations of [`RsaPrivateKeyOps`] must blind every private-key operation and must
//! return the single value [`CryptoError::DecryptFailed`] for every decryption failure.
//! The RustCrypto provider calls only rsa 0.10's blinded entry points
//! (`PrivateKey::decrypt_blinded`, `PrivateKey::sign_with_rng`), never the unblinded
//! `decrypt` / `sign` (which, without the `getrandom` feature, skip blinding).
//!
//! # Secrets
//!
//! [`SecretBytes`], [`SecretBuf`] and [`Digest`] (which also carries HMAC / PRF output) are
//! zeroized on drop, are never `Copy`, and print `<redacted>` under `Debug`. Compare MACs
//! with [`ct_eq`] / [`Digest::ct_eq_truncated`] (constant time, via `subtle`).
//!
//! # Residual risk: Marvin (RUSTSEC-2023-0071)
//!
//! The RSA timing side channel "Marvin" ([RUSTSEC-2023-0071](https://rustsec.org/advisories/RUSTSEC-2023-0071))
//! is listed against the `rsa` crate with **no patched version** in the advisory database.
//! rsa 0.10 performs modular exponentiation with constant-time `crypto-bigint`, uses
//! implicit rejection for PKCS#1 v1.5 decryption (a bad padding gives a pseudo-random
//! plaintext, not an error), and this crate always blinds. That removes the known
//! exploitable leaks, but no audit has established the absence of all timing variation, so
//! `cargo audit` / `cargo deny` still flag it and deployments that care should prefer OAEP
//! or ECDSA and keep RSA private-key operations off attacker-triggerable paths where the
//! protocol allows. Key *loading* (CRT precomputation) is not constant time; load keys
//! from trusted storage only.
//!
//! Two tolerances of the RSA provider are pinned by the Wycheproof tests: OAEP decryption
//! ignores the leading octet of the encoded message (rsa 0.10.0 behaviour, see
//! [`RsaEncryptionPadding::Oaep`]), and PSS verification recovers the salt length from the
//! signature instead of requiring `hLen` (see [`RsaSignatureScheme::Pss`]). Neither lets
//! anyone forge a signature or learn anything about a plaintext.
//!
//! # The AES key-wrap guard
//!
//! `aes-kw` 0.3.1 unwraps inputs of 8 and 16 bytes (an empty key, and a single 64-bit
//! block), which [RFC 3394](https://www.rfc-editor.org/rfc/rfc3394) does not allow (n ≥ 2)
//! and Wycheproof flags (`aes_wrap` tc 11 and tc 13). [`Symmetric::aes_kw_unwrap`] requires
//! every implementation to reject wrapped input shorter than 24 bytes, and the RustCrypto
//! provider does so before calling `aes-kw`.
//!
//! [`Symmetric::aes_kw_wrap_with_iv`] / [`Symmetric::aes_kw_unwrap_with_iv`] take another
//! initial value (RFC 3394 §2.2.3.2), which `aes-kw` 0.3 cannot: the RustCrypto provider
//! runs RFC 3394 §2.2 itself on the `aes` block cipher for them, and every Wycheproof
//! `aes_wrap` case passes through it with the default IV as well. Their provided methods
//! handle the default IV only, so a provider that does not override them refuses any other
//! IV with [`CryptoError::Unsupported`].
//!
//! # Features
//!
//! - `rustcrypto` (default): the `rustcrypto` provider without RSA; no `alloc`. It is the
//!   sum of the algorithm features `sha1`, `sha256`, `sha512` (SHA-384 and SHA-512),
//!   `aes128`, `aes192`, `aes256`, `aes-kw` (AES key wrap for the AES sizes enabled; without
//!   it the key-wrap methods give [`CryptoError::Unsupported`]) and `ecdsa-p256`; firmware
//!   that needs fewer enables only
//!   those (with `default-features = false`). The provider picks the algorithm at run time,
//!   so every algorithm compiled in is linked whether called or not; one left out costs no
//!   flash and is refused: a hash or HMAC returns [`Digest::EMPTY`] (check it with
//!   [`Digest::checked`]), an AES key of that size gives [`CryptoError::Unsupported`], and
//!   the ECDSA key types do not exist.
//! - `p256-cm4`: `p256cm4::P256VerifyingKey`, ECDSA P-256 verification on the `p256-cm4`
//!   assembly for ARMv7E-M firmware (`thumbv7em-none-eabi[hf]`), with the `sha256`
//!   provider for the hash: a quarter of `ecdsa-p256`'s flash. Refused with a
//!   `compile_error!` on other bare-metal ARM targets; elsewhere (hosts) the same type
//!   runs on RustCrypto's `p256` (see the module).
//! - `rustcrypto-rsa`: adds `rustcrypto::RsaPrivate` / `rustcrypto::RsaPublic`; enables
//!   `alloc`.
//! - `aws-lc`: the server provider `awslc` (`AwsLc`, `awslc::RsaPrivate`, …) on aws-lc-rs;
//!   implies `std` and `rustcrypto-rsa` (the few operations aws-lc-rs has no safe API for
//!   run on RustCrypto, listed in the module documentation). Needs a C compiler.
//! - `alloc`, `std`: link those crates (nothing here needs `std`).
//! - `insecure-fuzzing`: the [`insecure`] provider, under which every MAC and signature check
//!   passes, so fuzzers reach the code behind them. **Never enable it in a product.**
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod error;
mod hash;
mod rng;
mod role;
mod secret;
mod time;
mod traits;

#[cfg(any(
    feature = "sha1",
    feature = "sha256",
    feature = "sha512",
    feature = "aes128",
    feature = "aes192",
    feature = "aes256",
    feature = "ecdsa-p256"
))]
pub mod rustcrypto;

#[cfg(feature = "aws-lc")]
pub mod awslc;

#[cfg(feature = "p256-cm4")]
pub mod p256cm4;

#[cfg(feature = "insecure-fuzzing")]
pub mod insecure;

pub use error::CryptoError;
pub use hash::{Digest, HashAlg};
#[cfg(feature = "std")]
pub use rng::OsRng;
pub use rng::Rng;
pub use role::Rejected;
pub use secret::{SecretBuf, SecretBytes, ct_eq};
pub use time::{NTP_UNIX_OFFSET_SECS, Time};
pub use traits::{
    AES_KW_DEFAULT_IV, EcdsaP256Signer, EcdsaP256Verifier, KeyedHmac, RsaEncryptionPadding,
    RsaKeyLoader, RsaPrivateKeyOps, RsaPublicKeyOps, RsaSignatureScheme, Symmetric, WithKeyedHmac,
    rsa_max_plaintext_len,
};
