//! ECDSA P-256 / SHA-256 verification for ARMv7E-M firmware (feature `p256-cm4`), on the
//! [`p256-cm4`](https://crates.io/crates/p256-cm4) crate 0.4: Rust with Cortex-M4 assembly
//! (a port of Emil Lenngren's P256-Cortex-M4), no dependencies. On the GDOI group member
//! (Cortex-M4, QEMU) it takes under a third of the flash of RustCrypto's `p256`, half the
//! stack, and a fourteenth of the instructions per verification.
//!
//! [`P256VerifyingKey`] implements [`EcdsaP256Verifier`], the trait RustCrypto's
//! `rustcrypto::P256VerifyingKey` implements, so a protocol role takes either unchanged
//! (for example the GDOI group member's `EcdsaP256<K>`). The message hash is SHA-256 of the
//! RustCrypto provider (the feature enables `sha256`).
//!
//! # Targets
//!
//! | target | implementation |
//! |---|---|
//! | `thumbv7em-none-eabi`, `thumbv7em-none-eabihf` (Cortex-M4, M7) | the `p256-cm4` assembly ([`ASSEMBLY`] is `true`) |
//! | other bare-metal ARM (`target_arch = "arm"`, `target_os = "none"`: Cortex-M0/M0+, M3, M23, M33, …) | `compile_error!`: the assembly needs the ARMv7E-M DSP instructions (`UMAAL`); use the `ecdsa-p256` feature there |
//! | everything else (hosts: tests, `--all-features` builds, docs) | the same type on RustCrypto's `p256` (the workspace's version), [`ASSEMBLY`] is `false` |
//!
//! The fallback keeps code written against this module testable on a host with the same
//! results: the firmware harness checks that both give the same verdict on every Wycheproof
//! ECDSA P-256 / SHA-256 vector. A firmware that must not fall back can assert
//! `const _: () = assert!(keying_crypto::p256cm4::ASSEMBLY);`.
//!
//! # Checks
//!
//! As [`EcdsaP256Verifier`] requires and the verification of
//! [SEC 1 v2 §4.1.4](https://www.secg.org/sec1-v2.pdf) /
//! [FIPS 186-5 §6.4.2](https://csrc.nist.gov/pubs/fips/186-5/final) asks: a key is loaded only
//! if it is a SEC 1 point (§2.3.4: `04 ‖ x ‖ y`, or `02`/`03 ‖ x` decompressed) with
//! coordinates below p on the curve (`p256-cm4` checks this, and the verification checks it
//! again); `r` and `s` must lie in `[1, n − 1]`, checked here before `p256-cm4`'s own
//! check; the signature is `r ‖ s`, 64 bytes exactly. The hybrid encodings `06`/`07` that
//! `p256-cm4` would decode are refused, as RustCrypto refuses them.
//!
//! Signing is not offered: `p256-cm4` signs with a caller-chosen nonce and has no
//! [RFC 6979](https://www.rfc-editor.org/rfc/rfc6979) derivation; a signer uses the
//! `ecdsa-p256` feature's `rustcrypto::P256SigningKey`.
//!
//! # Linking
//!
//! `p256-cm4` puts its assembly in the section `.p256-cortex-m4`. `cortex-m-rt`'s linker
//! script has no rule for it, so the linker places it as an orphan section after `.text`,
//! in flash, outside `.text`: count it when measuring code size (`crates/footprint/measure`
//! does).
//!
//! p256-cm4 0.4.0 assembles one load in `mul288x288` as a one-register `LDM` without
//! write-back, which LLVM encodes as the 32-bit LDM that the ARMv7-M Architecture Reference
//! Manual makes UNPREDICTABLE for fewer than two registers; QEMU faults on it (a Cortex-M4
//! chip executes it as the load). This workspace builds p256-cm4 with that line written as
//! `LDR` (`[patch.crates-io]` to `vendor/p256-cm4`); a project using keying-crypto from a
//! registry gets the published crate unless it patches it the same way.

#[cfg(all(target_arch = "arm", target_os = "none", not(p256_cm4_asm)))]
compile_error!(
    "keying-crypto feature `p256-cm4` needs an ARMv7E-M target (thumbv7em-none-eabi or \
     thumbv7em-none-eabihf): the p256-cm4 assembly uses the DSP extension. On other \
     bare-metal ARM targets use the `ecdsa-p256` feature (RustCrypto's p256)."
);

use core::fmt;

use crate::{CryptoError, EcdsaP256Verifier};

/// `true` where verification runs on the `p256-cm4` assembly (the ARMv7E-M targets),
/// `false` where it falls back to RustCrypto's `p256` (see the module documentation).
pub const ASSEMBLY: bool = cfg!(p256_cm4_asm);

/// The DER `SubjectPublicKeyInfo` of a P-256 key up to its point
/// ([RFC 5480 §2](https://www.rfc-editor.org/rfc/rfc5480#section-2): `id-ecPublicKey`,
/// `secp256r1`), for an uncompressed point (65 octets). DER is canonical, so this prefix
/// is the only encoding of these fields.
const SPKI_UNCOMPRESSED: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// As [`SPKI_UNCOMPRESSED`], for a compressed point (33 octets).
const SPKI_COMPRESSED: [u8; 26] = [
    0x30, 0x39, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x22, 0x00,
];

/// A P-256 public key for ECDSA verification with SHA-256, on `p256-cm4` (on ARMv7E-M).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct P256VerifyingKey {
    key: backend::Key,
}

impl P256VerifyingKey {
    /// Load a SEC 1 encoded point, uncompressed (65 bytes, `04 ‖ x ‖ y`) or compressed
    /// (33 bytes, `02`/`03 ‖ x`) ([SEC 1 v2 §2.3.4](https://www.secg.org/sec1-v2.pdf)). The
    /// coordinates are checked to be below p and the point to be on the curve.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] for anything else.
    pub fn from_sec1_bytes(point: &[u8]) -> Result<Self, CryptoError> {
        match (point.first(), point.len()) {
            (Some(4), 65) | (Some(2 | 3), 33) => {
                backend::Key::from_sec1(point).map(|key| Self { key })
            }
            _ => Err(CryptoError::InvalidKey),
        }
    }

    /// Load a DER `SubjectPublicKeyInfo`
    /// ([RFC 5480 §2](https://www.rfc-editor.org/rfc/rfc5480#section-2)) with algorithm
    /// `id-ecPublicKey` and curve `secp256r1` and an uncompressed or compressed point.
    ///
    /// # Errors
    /// [`CryptoError::InvalidKey`] if the DER is not exactly such a key.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, CryptoError> {
        let point = der
            .strip_prefix(&SPKI_UNCOMPRESSED)
            .filter(|p| p.len() == 65)
            .or_else(|| der.strip_prefix(&SPKI_COMPRESSED).filter(|p| p.len() == 33))
            .ok_or(CryptoError::InvalidKey)?;
        Self::from_sec1_bytes(point)
    }

    /// The uncompressed SEC 1 encoding `04 ‖ x ‖ y` (65 bytes).
    #[must_use]
    pub fn to_sec1_uncompressed(&self) -> [u8; 65] {
        self.key.sec1_uncompressed()
    }
}

impl EcdsaP256Verifier for P256VerifyingKey {
    fn verify(&self, msg_parts: &[&[u8]], sig_r_s: &[u8]) -> Result<(), CryptoError> {
        let sig = <&[u8; 64]>::try_from(sig_r_s).map_err(|_| CryptoError::VerifyFailed)?;
        if self.key.verify(msg_parts, sig) {
            Ok(())
        } else {
            Err(CryptoError::VerifyFailed)
        }
    }
}

impl fmt::Debug for P256VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("P256VerifyingKey(")?;
        for b in self.to_sec1_uncompressed() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// The `p256-cm4` assembly (ARMv7E-M).
#[cfg(p256_cm4_asm)]
mod backend {
    use crate::rustcrypto::RustCrypto;
    use crate::{CryptoError, HashAlg, Symmetric};

    /// The affine point, each coordinate as `p256-cm4` takes it: eight 32-bit words, least
    /// significant first.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub(super) struct Key {
        x: [u32; 8],
        y: [u32; 8],
    }

    /// A 32-byte big-endian integer as eight words, least significant first (written in
    /// place: no copies in the frame that holds them).
    fn load_words(w: &mut [u32; 8], be: &[u8; 32]) {
        for (word, bytes) in w.iter_mut().zip(be.as_chunks::<4>().0.iter().rev()) {
            *word = u32::from_be_bytes(*bytes);
        }
    }

    /// The inverse of [`load_words`].
    fn big_endian(w: &[u32; 8], out: &mut [u8]) {
        for (bytes, word) in out.as_chunks_mut::<4>().0.iter_mut().rev().zip(w) {
            *bytes = word.to_be_bytes();
        }
    }

    impl Key {
        /// `point` is `04 ‖ x ‖ y` (65 octets) or `02`/`03 ‖ x` (33 octets): the caller
        /// checked, since `p256-cm4` indexes the input and also decodes `06`/`07`.
        pub(super) fn from_sec1(point: &[u8]) -> Result<Self, CryptoError> {
            let (mut x, mut y) = ([0u32; 8], [0u32; 8]);
            // Checks x, y < p and the point on the curve (or decompresses x, failing when
            // x³ − 3x + b has no square root).
            if p256_cm4::octet_string_to_point(&mut x, &mut y, point) {
                Ok(Self { x, y })
            } else {
                Err(CryptoError::InvalidKey)
            }
        }

        pub(super) fn sec1_uncompressed(&self) -> [u8; 65] {
            let mut out = [0u8; 65];
            if let Some((tag, xy)) = out.split_first_mut() {
                *tag = 4;
                let (x, y) = xy.split_at_mut(32);
                big_endian(&self.x, x);
                big_endian(&self.y, y);
            }
            out
        }

        pub(super) fn verify(&self, msg_parts: &[&[u8]], sig: &[u8; 64]) -> bool {
            let [r, s] = sig.as_chunks::<32>().0 else {
                return false;
            };
            let (r_be, s_be) = (r, s);
            let (mut r, mut s) = ([0u32; 8], [0u32; 8]);
            load_words(&mut r, r_be);
            load_words(&mut s, s_be);
            // SEC 1 v2 §4.1.4 step 1 (FIPS 186-5 §6.4.2 step 2): r, s in [1, n − 1]. p256-cm4
            // checks this too; the verdict must not depend on that.
            if !(p256_cm4::check_range_n(&r) && p256_cm4::check_range_n(&s)) {
                return false;
            }
            let mut e = [0u8; 32];
            if !sha256(msg_parts, &mut e) {
                return false;
            }
            self.curve_verify(&e, &r, &s)
        }

        /// p256-cm4 checks the key again (coordinates below p, on the curve), computes
        /// u1·G + u2·Q and accepts iff it is not the identity and its x ≡ r (mod n).
        ///
        /// Not inlined, nor is [`sha256`]: the 1.7 KiB of p256-cm4's tables and the
        /// hash's frames are never on the stack together (the group member's stack budget
        /// is 4 KiB).
        #[inline(never)]
        fn curve_verify(&self, e: &[u8; 32], r: &[u32; 8], s: &[u32; 8]) -> bool {
            p256_cm4::verify(&self.x, &self.y, e, r, s)
        }
    }

    /// SHA-256 of the concatenation of `parts` into `out`; `false` if the provider has none.
    #[inline(never)]
    fn sha256(parts: &[&[u8]], out: &mut [u8; 32]) -> bool {
        let d = RustCrypto.hash(HashAlg::Sha256, parts);
        match <&[u8; 32]>::try_from(d.as_bytes()) {
            Ok(d) => {
                *out = *d;
                true
            }
            Err(_) => false,
        }
    }
}

/// RustCrypto's `p256` where the assembly does not exist (hosts).
#[cfg(not(all(target_arch = "arm", target_os = "none")))]
mod backend {
    use p256::ecdsa::signature::MultipartVerifier;
    use p256::ecdsa::{Signature, VerifyingKey};

    use crate::CryptoError;

    #[derive(Clone, Copy, PartialEq, Eq)]
    pub(super) struct Key(VerifyingKey);

    impl Key {
        pub(super) fn from_sec1(point: &[u8]) -> Result<Self, CryptoError> {
            VerifyingKey::from_sec1_bytes(point)
                .map(Self)
                .map_err(|_| CryptoError::InvalidKey)
        }

        pub(super) fn sec1_uncompressed(&self) -> [u8; 65] {
            let point = self.0.to_sec1_point(false);
            let mut out = [0u8; 65];
            if let Ok(b) = <[u8; 65]>::try_from(point.as_bytes()) {
                out = b;
            }
            out
        }

        pub(super) fn verify(&self, msg_parts: &[&[u8]], sig: &[u8; 64]) -> bool {
            // Refuses r or s outside [1, n − 1].
            Signature::from_slice(sig)
                .is_ok_and(|sig| self.0.multipart_verify(msg_parts, &sig).is_ok())
        }
    }
}
