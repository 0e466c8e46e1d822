//! The MIKEY PRF and key derivation (RFC 3830 §4.1.2-§4.1.4; PRF-HMAC-SHA-256 of
//! RFC 6043 §6.1).
//!
//! ```text
//! A_0 = label,  A_i = HMAC(s, A_{i-1})
//! P(s, label, m) = HMAC(s, A_1 ‖ label) ‖ … ‖ HMAC(s, A_m ‖ label)
//! PRF(inkey, label) = P(s_1, label, m) ⊕ … ⊕ P(s_n, label, m)   (truncated)
//! ```
//!
//! `inkey` is split into 256-bit chunks `s_1 … s_n`; only `s_n` may be shorter, and a full
//! final 32-byte chunk is used whole (libmikey passes `len % 32 = 0` bytes for it, an
//! empty HMAC key, so its keys differ at every multiple of 32 bytes — not copied here).
//!
//! Label = `constant (4) ‖ cs_id (1) ‖ CSB ID (4) ‖ RAND` (RFC 3830 §4.1.3); the KEMAC /
//! V keys from the PSK or envelope key use `cs_id = 0xFF` (§4.1.4).

use keying_crypto::{Digest, HashAlg, KeyedHmac, SecretBuf, Symmetric};

use crate::wire::header::PrfFunc;

/// TEK (SRTP master key) from the TGK.
pub const C_TEK: u32 = 0x2AD0_1C64;
/// Authentication key from the TGK (for protocols that need one).
pub const C_TGK_AUTH: u32 = 0x1B5C_7973;
/// Encryption key from the TGK (for protocols that need one).
pub const C_TGK_ENCR: u32 = 0x1579_8CEF;
/// Salting key (SRTP master salt) from the TGK.
pub const C_TGK_SALT: u32 = 0x39A2_C14B;
/// KEMAC encr_key from the PSK or envelope key.
pub const C_KEMAC_ENCR: u32 = 0x1505_33E1;
/// KEMAC / V auth_key from the PSK or envelope key.
pub const C_KEMAC_AUTH: u32 = 0x2D22_AC75;
/// KEMAC salt_key (AES-CM IV) from the PSK or envelope key.
pub const C_KEMAC_SALT: u32 = 0x29B8_8916;

/// The `cs_id` byte of the labels keyed by the PSK or envelope key (RFC 3830 §4.1.4).
pub const CS_ID_PSK: u8 = 0xFF;

/// Longest RAND the label can hold (the RAND payload's length field is 8 bits).
pub const MAX_RAND_LEN: usize = 255;

/// Largest PRF output this module produces in one call.
pub const MAX_OUT: usize = 64;

/// Why a derivation could not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KdfError {
    /// The PRF func is not one this crate implements, or the crypto provider lacks its
    /// hash.
    UnsupportedPrf,
    /// Empty inkey (no chunk, so no output), output longer than [`MAX_OUT`], or a RAND
    /// longer than [`MAX_RAND_LEN`].
    BadLength,
}

impl core::fmt::Display for KdfError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::UnsupportedPrf => "PRF func not supported",
            Self::BadLength => "key derivation input or output length out of range",
        })
    }
}

impl core::error::Error for KdfError {}

/// The PRF's hash for a PRF func (`None` for unknown values).
pub const fn prf_hash(prf: PrfFunc) -> Option<HashAlg> {
    match prf {
        PrfFunc::Mikey1 => Some(HashAlg::Sha1),
        PrfFunc::HmacSha256 => Some(HashAlg::Sha256),
        PrfFunc::Unknown(_) => None,
    }
}

/// A label (RFC 3830 §4.1.3) in a fixed buffer.
#[derive(Clone)]
pub struct Label {
    buf: [u8; 9 + MAX_RAND_LEN],
    len: usize,
}

impl Label {
    /// `constant ‖ cs_id ‖ csb_id ‖ rand`.
    pub fn new(constant: u32, cs_id: u8, csb_id: u32, rand: &[u8]) -> Result<Self, KdfError> {
        let mut buf = [0u8; 9 + MAX_RAND_LEN];
        let len = 9 + rand.len();
        let (head, tail) = buf.split_at_mut(9);
        let dst = tail.get_mut(..rand.len()).ok_or(KdfError::BadLength)?;
        dst.copy_from_slice(rand);
        let c = constant.to_be_bytes();
        let csb = csb_id.to_be_bytes();
        head.copy_from_slice(&[
            c[0], c[1], c[2], c[3], cs_id, csb[0], csb[1], csb[2], csb[3],
        ]);
        Ok(Self { buf, len })
    }

    /// The label bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

/// The MIKEY PRF: `out.len()` bytes of `PRF(inkey, label)` with the hash of `prf`
/// (HMAC-SHA-1 for MIKEY-1, HMAC-SHA-256 for PRF-HMAC-SHA-256).
///
/// # Errors
/// [`KdfError::BadLength`] for an empty `inkey` or more than [`MAX_OUT`] bytes;
/// [`KdfError::UnsupportedPrf`] when the provider lacks `hash` (`out` is then unspecified).
pub fn prf<S: Symmetric + ?Sized>(
    s: &S,
    hash: HashAlg,
    inkey: &[u8],
    label: &[u8],
    out: &mut [u8],
) -> Result<(), KdfError> {
    prf_parts(s, hash, inkey, [label, &[]], out)
}

/// [`prf`] with the label given as two parts (`constant ‖ cs_id ‖ CSB ID` and RAND), so
/// that it is never copied into one buffer.
fn prf_parts<S: Symmetric + ?Sized>(
    s: &S,
    hash: HashAlg,
    inkey: &[u8],
    label: [&[u8]; 2],
    out: &mut [u8],
) -> Result<(), KdfError> {
    prf_many(s, hash, inkey, &mut [(label, out)])
}

/// `PRF(inkey, label_j)` into every `out_j` of `jobs`: each 256-bit chunk of `inkey` is
/// keyed for HMAC once ([`Symmetric::with_hmac_key`]) for all the outputs.
fn prf_many<S: Symmetric + ?Sized>(
    s: &S,
    hash: HashAlg,
    inkey: &[u8],
    jobs: &mut [([&[u8]; 2], &mut [u8])],
) -> Result<(), KdfError> {
    if inkey.is_empty() || jobs.iter().any(|(_, out)| out.len() > MAX_OUT) {
        return Err(KdfError::BadLength);
    }
    for (_, out) in jobs.iter_mut() {
        out.fill(0);
    }
    let mut result = Ok(());
    for chunk in inkey.chunks(32) {
        s.with_hmac_key(hash, chunk, &mut |h| {
            result = jobs
                .iter_mut()
                .try_for_each(|(label, out)| p_xor(h, hash.output_len(), *label, out));
        });
        result?;
    }
    Ok(())
}

/// `out ^= P(s, label, m)` (RFC 3830 §4.1.2) with `h` keyed by `s` and a hash of `hlen`
/// bytes. A_{i+1} is computed only when block i+1 exists: A_{m+1} is never used. A
/// provider without the hash returns a digest of another length: refused, never a short
/// (or all-zero) key.
fn p_xor(
    h: &KeyedHmac<'_>,
    hlen: usize,
    label: [&[u8]; 2],
    out: &mut [u8],
) -> Result<(), KdfError> {
    let whole = |d: &Digest| {
        if d.as_bytes().len() == hlen {
            Ok(())
        } else {
            Err(KdfError::UnsupportedPrf)
        }
    };
    let [head, tail] = label;
    let mut a = h(&label);
    let mut blocks = out.chunks_mut(hlen).peekable();
    while let Some(block) = blocks.next() {
        whole(&a)?;
        let p = h(&[a.as_bytes(), head, tail]);
        whole(&p)?;
        for (o, b) in block.iter_mut().zip(p.as_bytes()) {
            *o ^= *b;
        }
        if blocks.peek().is_some() {
            a = h(&[a.as_bytes()]);
        }
    }
    Ok(())
}

/// `PRF(inkey, label(constant, cs_id, csb_id, rand))` into a zeroizing buffer of `len`
/// bytes (RFC 3830 §4.1.3), with the inkey, CSB ID and RAND of `d`.
pub fn derive<S: Symmetric + ?Sized>(
    s: &S,
    d: &Derivation<'_>,
    constant: u32,
    cs_id: u8,
    len: usize,
) -> Result<SecretBuf<MAX_OUT>, KdfError> {
    let mut out = SecretBuf::<MAX_OUT>::zeroed(len).map_err(|_| KdfError::BadLength)?;
    derive_many(s, d, &mut [(constant, cs_id, out.expose_mut())])?;
    Ok(out)
}

/// What the outputs of one derivation share: `PRF(inkey, constant ‖ cs_id ‖ csb_id ‖
/// rand)` (RFC 3830 §4.1.3) differs between them only in the constant and cs_id.
#[derive(Clone, Copy)]
pub struct Derivation<'a> {
    /// The PRF func of the header.
    pub prf_func: PrfFunc,
    /// The TGK, PSK or envelope key.
    pub inkey: &'a [u8],
    /// The CSB ID.
    pub csb_id: u32,
    /// The RAND.
    pub rand: &'a [u8],
}

impl<'a> Derivation<'a> {
    /// The derivation from `inkey` under PRF func `prf_func`, CSB ID `csb_id` and `rand`.
    #[must_use]
    pub const fn new(prf_func: PrfFunc, inkey: &'a [u8], csb_id: u32, rand: &'a [u8]) -> Self {
        Self {
            prf_func,
            inkey,
            csb_id,
            rand,
        }
    }
}

impl core::fmt::Debug for Derivation<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Derivation")
            .field("prf_func", &self.prf_func)
            .field("inkey_len", &self.inkey.len())
            .field("csb_id", &self.csb_id)
            .field("rand_len", &self.rand.len())
            .finish()
    }
}

/// The outputs `(constant, cs_id, out)` of one derivation, each `out.len()` bytes (at most
/// [`MAX_OUT`]), into the caller's buffers (the SRTP master key and salt, the KEMAC keys):
/// each chunk of the inkey is keyed once for all of them.
pub(crate) fn derive_many<S: Symmetric + ?Sized>(
    s: &S,
    d: &Derivation<'_>,
    outputs: &mut [(u32, u8, &mut [u8])],
) -> Result<(), KdfError> {
    const MAX_OUTPUTS: usize = 3;
    let hash = prf_hash(d.prf_func).ok_or(KdfError::UnsupportedPrf)?;
    if d.rand.len() > MAX_RAND_LEN || outputs.len() > MAX_OUTPUTS {
        return Err(KdfError::BadLength);
    }
    // The labels of `Label::new`, as their two parts.
    let csb = d.csb_id.to_be_bytes();
    let mut heads = [[0u8; 9]; MAX_OUTPUTS];
    for ((constant, cs_id, _), head) in outputs.iter().zip(heads.iter_mut()) {
        let c = constant.to_be_bytes();
        *head = [
            c[0], c[1], c[2], c[3], *cs_id, csb[0], csb[1], csb[2], csb[3],
        ];
    }
    let mut jobs: heapless::Vec<([&[u8]; 2], &mut [u8]), MAX_OUTPUTS> = heapless::Vec::new();
    for ((_, _, out), head) in outputs.iter_mut().zip(heads.iter()) {
        jobs.push(([&head[..], d.rand], &mut **out))
            .map_err(|_| KdfError::BadLength)?;
    }
    prf_many(s, hash, d.inkey, &mut jobs)
}

/// The three keys protecting a KEMAC / V payload (RFC 3830 §4.1.4), from the PSK or the
/// envelope key.
#[derive(Clone, Debug)]
pub struct KemacKeys {
    /// encr_key (16 bytes for the 128-bit algorithms).
    pub encr: SecretBuf<MAX_OUT>,
    /// auth_key (20 bytes for HMAC-SHA-1-160, 32 for HMAC-SHA-256-256).
    pub auth: SecretBuf<MAX_OUT>,
    /// salt_key (14 bytes, the AES-CM IV salt).
    pub salt: SecretBuf<MAX_OUT>,
}

impl KemacKeys {
    /// Derives encr_key (`encr_len`), auth_key (`auth_len`) and the 14-byte salt_key from
    /// the PSK or envelope key of `d` (its `inkey`).
    pub fn derive<S: Symmetric + ?Sized>(
        s: &S,
        d: &Derivation<'_>,
        encr_len: usize,
        auth_len: usize,
    ) -> Result<Self, KdfError> {
        // Each key derived straight into its buffer.
        let buf = |len| SecretBuf::<MAX_OUT>::zeroed(len).map_err(|_| KdfError::BadLength);
        let mut keys = Self {
            encr: buf(encr_len)?,
            auth: buf(auth_len)?,
            salt: buf(14)?,
        };
        derive_many(
            s,
            d,
            &mut [
                (C_KEMAC_ENCR, CS_ID_PSK, keys.encr.expose_mut()),
                (C_KEMAC_AUTH, CS_ID_PSK, keys.auth.expose_mut()),
                (C_KEMAC_SALT, CS_ID_PSK, keys.salt.expose_mut()),
            ],
        )?;
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// HMAC-SHA-1 / SHA-256 from first principles would need a hash; the crate's own
    /// tests run against the RustCrypto provider in `tests/`. Here: label layout only.
    #[test]
    fn label_layout() {
        let l = Label::new(C_TEK, 1, 0x1234_5678, &[0xaa, 0xbb]).unwrap();
        assert_eq!(
            l.as_bytes(),
            &[
                0x2a, 0xd0, 0x1c, 0x64, 1, 0x12, 0x34, 0x56, 0x78, 0xaa, 0xbb
            ]
        );
        assert!(Label::new(C_TEK, 1, 0, &[0; 256]).is_err());
    }
}
