//! SEND protection of RtSolPr / PrRtAdv ([RFC 3971 §5](https://www.rfc-editor.org/rfc/rfc3971#section-5)):
//! the signed data, signing, and verification in DoS order: options gathered without
//! crypto ([`Unverified::collect`], so the roles can run their cheap checks first), then
//! CGA (two SHA-1) → Key Hash → key size → RSA signature ([`Unverified::verify`]).
//!
//! **Signed data** (RFC 3971 §5.2):
//! `CGA tag ‖ source ‖ destination ‖ Type ‖ Code ‖ Checksum ‖ Subtype ‖ Reserved ‖
//! Identifier ‖ options before the RSA Signature option`, in wire order. The Checksum is the
//! one the message would have **if it ended just before the RSA Signature option** (as
//! DoCoMo sendd, NDprotector and thc-ipv6 do); the wire carries the checksum of the
//! whole message. RFC 3971 §5.2 only says "the 16-bit Checksum field from the ICMP header",
//! which cannot be the final checksum (it depends on the signature); this reading is the
//! one every implementation interoperates with.

use core::net::Ipv6Addr;

use keying_crypto::{
    HashAlg, Rng, RsaPrivateKeyOps, RsaPublicKeyOps, RsaSignatureScheme, Symmetric,
};
use keying_tlv::Writer;

use crate::{
    Error,
    cga::{self, SecPolicy},
    wire::rtsolpr::{Fmip6Message, fill_checksum, truncated_checksum},
    wire::{CgaParams, NdOption, RsaSignature, Timestamp},
};

/// The CGA Message Type tag of SEND (RFC 3971 §5.2, §11).
pub const CGA_MESSAGE_TYPE_TAG: [u8; 16] = [
    0x08, 0x6f, 0xca, 0x5e, 0x10, 0xb2, 0x00, 0xc9, 0x9c, 0x8c, 0xe0, 0x01, 0x64, 0x27, 0x7c, 0x08,
];

/// The SEND signature scheme: RSASSA-PKCS1-v1_5 with SHA-1 (RFC 3971 §5.2).
pub const SEND_SIGNATURE: RsaSignatureScheme = RsaSignatureScheme::Pkcs1v15(HashAlg::Sha1);

pub use keying_crypto::RsaKeyLoader;

/// Key Hash: the first 128 bits of SHA-1 over the exact DER SubjectPublicKeyInfo octets
/// (RFC 3971 §5.2; never re-encoded). (All zero under a provider without
/// SHA-1; every verifying path first runs [`crate::cga::verify`], which refuses such a
/// provider.)
#[must_use]
pub fn key_hash<S: Symmetric + ?Sized>(crypto: &S, spki: &[u8]) -> [u8; 16] {
    let d = crypto.hash(HashAlg::Sha1, &[spki]);
    let mut h = [0u8; 16];
    if let Some(src) = d.as_bytes().get(..16) {
        h.copy_from_slice(src);
    }
    h
}

/// The signed data of a message whose RSA Signature option starts at `sig_at` (or of an
/// unsigned message of `sig_at` octets), as parts to feed a hash without copying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedData<'a> {
    src: [u8; 16],
    dst: [u8; 16],
    checksum: [u8; 2],
    head: &'a [u8],
    rest: &'a [u8],
}

impl<'a> SignedData<'a> {
    /// The signed data of `msg[..sig_at]` sent from `src` to `dst`.
    #[must_use]
    pub fn new(msg: &'a [u8], sig_at: usize, src: &Ipv6Addr, dst: &Ipv6Addr) -> Self {
        let body = msg.get(..sig_at).unwrap_or(msg);
        Self {
            src: src.octets(),
            dst: dst.octets(),
            checksum: truncated_checksum(msg, sig_at, src, dst).to_be_bytes(),
            head: body.get(..2).unwrap_or(body),
            rest: body.get(4..).unwrap_or_default(),
        }
    }

    /// The checksum embedded in the signed data (see the module documentation).
    #[must_use]
    pub fn checksum(&self) -> u16 {
        u16::from_be_bytes(self.checksum)
    }

    /// The parts, in order; their concatenation is what is signed.
    #[must_use]
    pub fn parts(&self) -> [&[u8]; 6] {
        [
            &CGA_MESSAGE_TYPE_TAG,
            &self.src,
            &self.dst,
            self.head,
            &self.checksum,
            self.rest,
        ]
    }
}

/// Appends an RSA Signature option to the unsigned message `buf[..len]` (header and every
/// option before the signature, checksum field anything) and fills the final checksum.
/// Returns the total length.
///
/// `signer` signs with the CGA key; its Key Hash names that key.
///
/// # Errors
/// [`Error::BufferTooSmall`] (the total length) if `buf` is too small; [`Error::Crypto`] if
/// signing fails.
pub fn sign_in_place(
    signer: &SendSigner<'_>,
    rng: &mut dyn Rng,
    buf: &mut [u8],
    len: usize,
    src: &Ipv6Addr,
    dst: &Ipv6Addr,
) -> Result<usize, Error> {
    let SendSigner { key, key_hash } = *signer;
    let k = key.modulus_len();
    let opt_len = signature_option_len(k);
    let total = len.saturating_add(opt_len);
    if buf.len() < total {
        return Err(Error::BufferTooSmall { needed: total });
    }
    let (msg, tail) = buf.split_at_mut(len);
    let mut sig = [0u8; MAX_SIGNATURE_LEN];
    let sig = sig.get_mut(..k).ok_or(Error::KeySize { bits: k * 8 })?;
    {
        let sd = SignedData::new(msg, len, src, dst);
        key.sign(rng, SEND_SIGNATURE, &sd.parts(), sig)
            .map_err(Error::Crypto)?;
    }
    let mut w = Writer::new(tail);
    NdOption::RsaSignature(RsaSignature {
        key_hash,
        signature_and_padding: sig,
    })
    .emit(&mut w);
    let n = w.finish()?;
    let total = len + n;
    if let Some(m) = buf.get_mut(..total) {
        fill_checksum(m, src, dst);
    }
    Ok(total)
}

/// Length of the RSA Signature option for a `k`-octet modulus (RFC 3971 §5.2).
pub(crate) const fn signature_option_len(k: usize) -> usize {
    (20 + k).div_ceil(8) * 8
}

/// Finishes the unsigned part of a message that [`sign_in_place`] will sign with a
/// `k`-octet key: a short buffer reports the length of the whole signed message.
pub(crate) fn finish_unsigned(w: keying_tlv::Writer<'_>, k: usize) -> Result<usize, Error> {
    w.finish().map_err(|e| match e {
        keying_tlv::WriteError::BufferTooSmall { needed } => Error::BufferTooSmall {
            needed: needed.saturating_add(signature_option_len(k)),
        },
        e => Error::from(e),
    })
}

/// A SEND signer: the CGA private key and the Key Hash of its public key.
#[derive(Clone, Copy)]
pub struct SendSigner<'k> {
    /// The CGA private key.
    pub key: &'k dyn RsaPrivateKeyOps,
    /// [`key_hash`] of the signer's SPKI (the one in its CGA option).
    pub key_hash: [u8; 16],
}

impl core::fmt::Debug for SendSigner<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SendSigner")
            .field("key_hash", &self.key_hash)
            .finish_non_exhaustive()
    }
}

/// Largest RSA signature this crate handles (4096-bit keys).
pub const MAX_SIGNATURE_LEN: usize = 512;

/// Key-size window for SEND keys (RFC 3971 §5.1.3, §5.2; RFC 3972 §5).
///
/// The default accepts only 2048-bit RSA moduli. RFC 3971 §5.2 lets a verifier accept
/// CGA keys of 384 to 2048 bits, but a 1024-bit RSA modulus no longer gives adequate
/// security (NIST SP 800-131A Rev. 2 disallows RSA below 2048 bits), and the access router
/// encrypts the handover key to a key of the same size as the CGA key (RFC 5269 §4.1): a
/// broken CGA key means a broken handover key. Smaller moduli are an explicit opt-in
/// ([`KeySizePolicy::LEGACY_1024`], or `min_bits` set by hand), for interoperating with
/// deployments and captures that still use them.
///
/// The upper bound caps what one message can cost: every RSA public-key operation on a
/// received key grows with the square of its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySizePolicy {
    /// Smallest accepted modulus in bits (default 2048, [`KeySizePolicy::MIN_BITS`]).
    pub min_bits: usize,
    /// Largest accepted modulus in bits (default 2048; at most `8 *`
    /// [`MAX_SIGNATURE_LEN`] = 4096 is usable).
    pub max_bits: usize,
}

impl KeySizePolicy {
    /// Checks a modulus of `bytes` octets against the window.
    ///
    /// # Errors
    /// [`Error::KeySize`] outside the window.
    pub const fn check(&self, bytes: usize) -> Result<(), Error> {
        let bits = bytes.saturating_mul(8);
        if bits < self.min_bits || bits > self.max_bits {
            Err(Error::KeySize { bits })
        } else {
            Ok(())
        }
    }

    /// The default smallest modulus: 2048 bits.
    pub const MIN_BITS: usize = 2048;

    /// The default window: 2048-bit moduli only.
    pub const DEFAULT: Self = Self {
        min_bits: Self::MIN_BITS,
        max_bits: 2048,
    };

    /// **Weak, opt-in.** Also accepts 1024-bit RSA keys (1024 to 2048 bits), as older SEND
    /// deployments, the DoCoMo SEND examples and RFC 5269 captures use. 1024-bit RSA is
    /// below today's minimum (NIST SP 800-131A Rev. 2); use only for interoperability
    /// with peers that cannot be upgraded, or for test vectors.
    pub const LEGACY_1024: Self = Self {
        min_bits: 1024,
        max_bits: 2048,
    };
}

impl Default for KeySizePolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What a SEND verification proved about a message.
#[derive(Debug)]
pub struct Verified<'a, K> {
    /// The sender's CGA parameters.
    pub cga: CgaParams<'a>,
    /// The sender's public key, loaded.
    pub public_key: K,
    /// The Timestamp option.
    pub timestamp: Timestamp,
    /// The first Nonce option before the signature, if any.
    pub nonce: Option<&'a [u8]>,
}

/// The SEND options of a parsed RtSolPr / PrRtAdv, gathered without any cryptography:
/// what a role checks cheaply (nonce, timestamp, router key) before it pays for SHA-1 and
/// RSA ([`Unverified::verify`]). Nothing here is authenticated yet.
#[derive(Debug, Clone, Copy)]
pub struct Unverified<'a> {
    params: &'a [u8],
    spki: &'a [u8],
    sig_at: usize,
    sig: RsaSignature<'a>,
    /// The Timestamp option (unauthenticated).
    pub timestamp: Timestamp,
    /// The first Nonce option (unauthenticated), if any.
    pub nonce: Option<&'a [u8]>,
}

impl<'a> Unverified<'a> {
    /// Gathers the CGA, Timestamp, Nonce and RSA Signature options of `msg` (RFC 3971
    /// §5.1.2, §5.2.2) and decodes the CGA Parameters far enough to find the public key.
    ///
    /// # Errors
    /// [`Error::MissingOption`] (RSA Signature, Timestamp, CGA),
    /// [`Error::ConflictingOption`] (two different CGA options),
    /// [`Error::Cga`] ([`cga::CgaError::Malformed`]) for undecodable CGA Parameters.
    pub fn collect(msg: &Fmip6Message<'a>) -> Result<Self, Error> {
        let mut cga_params: Option<&'a [u8]> = None;
        let mut timestamp = None;
        let mut nonce = None;
        let mut sig = None;
        for o in msg.send_options() {
            match o.option {
                NdOption::Cga(c) => match cga_params {
                    None => cga_params = Some(c.parameters),
                    Some(p) if p == c.parameters => {}
                    Some(_) => return Err(Error::ConflictingOption("CGA")),
                },
                NdOption::Timestamp(t) => {
                    timestamp.get_or_insert(t);
                }
                NdOption::Nonce(n) => {
                    nonce.get_or_insert(n.nonce);
                }
                NdOption::RsaSignature(s) => sig = Some((o.offset, s)),
                _ => {}
            }
        }
        let (sig_at, sig) = sig.ok_or(Error::MissingOption("RSA Signature"))?;
        let timestamp = timestamp.ok_or(Error::MissingOption("Timestamp"))?;
        let params = cga_params.ok_or(Error::MissingOption("CGA"))?;
        let spki = CgaParams::parse(params)
            .map_err(|_| Error::Cga(cga::CgaError::Malformed))?
            .public_key;
        Ok(Self {
            params,
            spki,
            sig_at,
            sig,
            timestamp,
            nonce,
        })
    }

    /// The public key (DER SubjectPublicKeyInfo) the CGA option claims, not yet verified.
    #[must_use]
    pub const fn claimed_spki(&self) -> &'a [u8] {
        self.spki
    }

    /// Verifies the SEND protection of `msg` (the message these options came from) sent
    /// from `src` to `dst`: the CGA option and `src`, the Key Hash, the key size, then the
    /// signature (RFC 3971 §5.1.2, §5.2.2), in that order so that a forged message costs two
    /// SHA-1 and no RSA.
    ///
    /// # Errors
    /// [`Error::Cga`], [`Error::KeyHashMismatch`], [`Error::BadPublicKey`],
    /// [`Error::KeySize`], [`Error::SignatureTooShort`], [`Error::BadSignature`].
    pub fn verify<C: Symmetric + RsaKeyLoader + ?Sized>(
        self,
        crypto: &C,
        msg: &Fmip6Message<'a>,
        src: &Ipv6Addr,
        dst: &Ipv6Addr,
        sec: SecPolicy,
        sizes: KeySizePolicy,
    ) -> Result<Verified<'a, C::PublicKey>, Error> {
        let cga = cga::verify(crypto, self.params, src, sec)?;
        if key_hash(crypto, cga.public_key) != self.sig.key_hash {
            return Err(Error::KeyHashMismatch);
        }
        let public_key = crypto
            .load_spki(cga.public_key, sizes.max_bits)
            .map_err(|_| Error::BadPublicKey)?;
        sizes.check(public_key.modulus_len())?;
        let signature = self
            .sig
            .signature(public_key.modulus_len())
            .ok_or(Error::SignatureTooShort)?;
        let sd = SignedData::new(msg.as_bytes(), self.sig_at, src, dst);
        public_key
            .verify(SEND_SIGNATURE, &sd.parts(), signature)
            .map_err(|_| Error::BadSignature)?;
        Ok(Verified {
            cga,
            public_key,
            timestamp: self.timestamp,
            nonce: self.nonce,
        })
    }
}

/// Verifies the SEND protection of a parsed RtSolPr / PrRtAdv sent from `src` to `dst`:
/// [`Unverified::collect`] then [`Unverified::verify`]. Timestamp freshness and nonce
/// matching are the caller's steps ([`crate::steps::timestamp_cache::TimestampCache`]); the roles run
/// them before this, between the two halves.
///
/// # Errors
/// [`Error::MissingOption`] (CGA, RSA Signature, Timestamp),
/// [`Error::ConflictingOption`] (two different CGA options), [`Error::Cga`],
/// [`Error::KeyHashMismatch`], [`Error::KeySize`], [`Error::BadPublicKey`],
/// [`Error::SignatureTooShort`], [`Error::BadSignature`].
pub fn verify<'a, C: Symmetric + RsaKeyLoader + ?Sized>(
    crypto: &C,
    msg: &Fmip6Message<'a>,
    src: &Ipv6Addr,
    dst: &Ipv6Addr,
    sec: SecPolicy,
    sizes: KeySizePolicy,
) -> Result<Verified<'a, C::PublicKey>, Error> {
    Unverified::collect(msg)?.verify(crypto, msg, src, dst, sec, sizes)
}
