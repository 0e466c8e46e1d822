//! The provider's hashes and HMACs: one copy of the Merkle–Damgård framing and one of HMAC,
//! over the RustCrypto compression functions.
//!
//! SHA-1 and SHA-256 share their block length (64 bytes), their word size and their padding
//! (FIPS 180-4 §5.1.1, §6.1.2, §6.2.2), so one engine, `Md`, buffers, pads and finishes
//! both; only the compression function differs: `sha1::block_api::compress` and
//! `sha2::block_api::compress256`, each with its crate's hardware paths on hosts (or, with
//! `--cfg keying_sha1_backend="compact"`, SHA-1's from module `sha1_compact`). HMAC
//! (RFC 2104 §2) is written once, over `Hasher`, which adds SHA-384 and SHA-512 (the sha2
//! crate's `Sha384` / `Sha512`, their 128-byte blocks and 64-bit words being the one
//! difference a runtime switch would not absorb).
//!
//! Why not `sha1::Sha1`, `sha2::Sha256` and `hmac::Hmac`: they are generic over the hash,
//! so a firmware with HMAC-SHA-1 and HMAC-SHA-256 (MIKEY's default algorithms) linked the
//! block buffer, the padding and HMAC's keying and finishing twice, about 3 KB of Thumb-2
//! more than this. Switching on the hash at run time inside one HMAC is how the small C
//! libraries do it (BearSSL's `br_hmac` over a hash class, Mbed TLS's `mbedtls_md`).
//!
//! Every state here is wiped when dropped, and nothing branches or indexes on secret data
//! (the padding's position depends on the message length only).

use zeroize::Zeroize;

use crate::{Digest, HashAlg};

#[cfg(any(feature = "sha1", feature = "sha256"))]
/// The hashes on the 64-byte-block engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    #[cfg(feature = "sha1")]
    Sha1,
    #[cfg(feature = "sha256")]
    Sha256,
}

/// FIPS 180-4 §5.3.1: SHA-1's initial hash value (five words; the engine's other three
/// stay zero and unused).
#[cfg(feature = "sha1")]
const SHA1_H0: [u32; 8] = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
    0,
    0,
    0,
];

/// FIPS 180-4 §5.3.3: SHA-256's initial hash value.
#[cfg(feature = "sha256")]
const SHA256_H0: [u32; 8] = [
    0x6A09_E667,
    0xBB67_AE85,
    0x3C6E_F372,
    0xA54F_F53A,
    0x510E_527F,
    0x9B05_688C,
    0x1F83_D9AB,
    0x5BE0_CD19,
];

#[cfg(any(feature = "sha1", feature = "sha256"))]
/// SHA-1 or SHA-256 in progress: chaining value, partial block, blocks compressed so far.
struct Md {
    h: [u32; 8],
    buf: [u8; 64],
    /// Bytes held in `buf` (always < 64 between calls).
    fill: usize,
    /// Whole blocks compressed (the message length is `64 * blocks + fill`).
    blocks: u64,
    kind: Kind,
}

#[cfg(any(feature = "sha1", feature = "sha256"))]
impl Md {
    fn new(kind: Kind) -> Self {
        Self {
            h: Self::initial(kind),
            buf: [0; 64],
            fill: 0,
            blocks: 0,
            kind,
        }
    }

    /// The initial hash value.
    fn initial(kind: Kind) -> [u32; 8] {
        match kind {
            #[cfg(feature = "sha1")]
            Kind::Sha1 => SHA1_H0,
            #[cfg(feature = "sha256")]
            Kind::Sha256 => SHA256_H0,
        }
    }

    /// The digest length: 20 or 32 bytes.
    fn output_len(&self) -> usize {
        match self.kind {
            #[cfg(feature = "sha1")]
            Kind::Sha1 => 20,
            #[cfg(feature = "sha256")]
            Kind::Sha256 => 32,
        }
    }

    /// Runs the hash's compression function over `blocks`.
    fn compress(h: &mut [u32; 8], kind: Kind, blocks: &[[u8; 64]]) {
        match kind {
            #[cfg(feature = "sha1")]
            Kind::Sha1 => {
                if let Some((h, _)) = h.split_first_chunk_mut::<5>() {
                    #[cfg(keying_sha1_backend = "compact")]
                    for b in blocks {
                        super::sha1_compact::compress(h, b);
                    }
                    #[cfg(not(keying_sha1_backend = "compact"))]
                    sha1::block_api::compress(h, blocks);
                }
            }
            #[cfg(feature = "sha256")]
            Kind::Sha256 => sha2::block_api::compress256(h, blocks),
        }
    }

    fn update(&mut self, mut data: &[u8]) {
        if self.fill > 0 {
            let n = (64 - self.fill).min(data.len());
            let (head, rest) = data.split_at(n);
            if let Some(room) = self.buf.get_mut(self.fill..self.fill + n) {
                room.copy_from_slice(head);
            }
            self.fill += n;
            data = rest;
            if self.fill < 64 {
                return;
            }
            Self::compress(&mut self.h, self.kind, core::slice::from_ref(&self.buf));
            self.blocks = self.blocks.wrapping_add(1);
            self.fill = 0;
        }
        let (blocks, tail) = data.as_chunks::<64>();
        if !blocks.is_empty() {
            Self::compress(&mut self.h, self.kind, blocks);
            self.blocks = self.blocks.wrapping_add(blocks.len() as u64);
        }
        if let Some(dst) = self.buf.get_mut(..tail.len()) {
            dst.copy_from_slice(tail);
            self.fill = tail.len();
        }
    }

    /// Pads the message (FIPS 180-4 §5.1.1: a one bit, zeros, the 64-bit bit length),
    /// compresses the last block or two and writes the digest to the front of `out`
    /// (at least 32 bytes). Returns the digest length; the hash starts over.
    fn finish(&mut self, out: &mut [u8]) -> usize {
        let bits = self
            .blocks
            .wrapping_mul(64)
            .wrapping_add(self.fill as u64)
            .wrapping_mul(8);
        if let Some((one, zeros)) = self
            .buf
            .get_mut(self.fill..)
            .and_then(<[u8]>::split_first_mut)
        {
            *one = 0x80;
            zeros.fill(0);
        }
        if self.fill >= 56 {
            Self::compress(&mut self.h, self.kind, core::slice::from_ref(&self.buf));
            self.buf.fill(0);
        }
        if let Some(len) = self.buf.last_chunk_mut::<8>() {
            *len = bits.to_be_bytes();
        }
        Self::compress(&mut self.h, self.kind, core::slice::from_ref(&self.buf));
        let n = self.output_len();
        let out = out.get_mut(..n).unwrap_or_default();
        for (o, w) in out.chunks_exact_mut(4).zip(self.h) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        // Start over (the buffer's stale bytes are never read: `update` fills it from
        // the front and `finish` pads over the rest).
        self.h = Self::initial(self.kind);
        self.fill = 0;
        self.blocks = 0;
        n
    }
}

#[cfg(any(feature = "sha1", feature = "sha256"))]
impl Clone for Md {
    /// Out of line: the copy is then written straight into the caller's slot, not built
    /// in a temporary first (one state less on the stack of every HMAC).
    #[inline(never)]
    fn clone(&self) -> Self {
        Self {
            h: self.h,
            buf: self.buf,
            fill: self.fill,
            blocks: self.blocks,
            kind: self.kind,
        }
    }
}

#[cfg(any(feature = "sha1", feature = "sha256"))]
impl Drop for Md {
    fn drop(&mut self) {
        self.h.as_mut_slice().zeroize();
        self.buf.as_mut_slice().zeroize();
    }
}

/// One of the provider's hashes in progress.
#[derive(Clone)]
enum Hasher {
    #[cfg(any(feature = "sha1", feature = "sha256"))]
    Md(Md),
    #[cfg(feature = "sha512")]
    Sha384(sha2::Sha384),
    #[cfg(feature = "sha512")]
    Sha512(sha2::Sha512),
}

/// The largest block length of the hashes compiled in (HMAC's key block).
const MAX_BLOCK: usize = if cfg!(feature = "sha512") { 128 } else { 64 };

impl Hasher {
    /// A fresh `alg`, or `None` when that hash is not compiled in.
    fn new(alg: HashAlg) -> Option<Self> {
        // With every hash compiled in, the last arm is unreachable.
        #[allow(unreachable_patterns)]
        match alg {
            #[cfg(feature = "sha1")]
            HashAlg::Sha1 => Some(Self::Md(Md::new(Kind::Sha1))),
            #[cfg(feature = "sha256")]
            HashAlg::Sha256 => Some(Self::Md(Md::new(Kind::Sha256))),
            #[cfg(feature = "sha512")]
            HashAlg::Sha384 => Some(Self::Sha384(sha2::Digest::new())),
            #[cfg(feature = "sha512")]
            HashAlg::Sha512 => Some(Self::Sha512(sha2::Digest::new())),
            _ => None,
        }
    }

    /// The block length (RFC 2104's `B`).
    fn block_len(&self) -> usize {
        match self {
            #[cfg(any(feature = "sha1", feature = "sha256"))]
            Self::Md(_) => 64,
            #[cfg(feature = "sha512")]
            Self::Sha384(_) | Self::Sha512(_) => 128,
        }
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            #[cfg(any(feature = "sha1", feature = "sha256"))]
            Self::Md(m) => m.update(data),
            #[cfg(feature = "sha512")]
            Self::Sha384(h) => sha2::Digest::update(h, data),
            #[cfg(feature = "sha512")]
            Self::Sha512(h) => sha2::Digest::update(h, data),
        }
    }

    /// Writes the digest to the front of `out` (at least as long as the block) and returns
    /// its length; the hash starts over.
    fn finish(&mut self, out: &mut [u8]) -> usize {
        match self {
            #[cfg(any(feature = "sha1", feature = "sha256"))]
            Self::Md(m) => m.finish(out),
            #[cfg(feature = "sha512")]
            Self::Sha384(h) => finish_sha2(h, out),
            #[cfg(feature = "sha512")]
            Self::Sha512(h) => finish_sha2(h, out),
        }
    }
}

/// [`Hasher::finish`] for a sha2 crate hash (its output copy wiped).
#[cfg(feature = "sha512")]
fn finish_sha2<D: sha2::Digest + sha2::digest::FixedOutputReset>(
    h: &mut D,
    out: &mut [u8],
) -> usize {
    let mut d = sha2::Digest::finalize_reset(h);
    let n = d.len().min(out.len());
    for (o, b) in out.iter_mut().zip(d.iter()) {
        *o = *b;
    }
    d.as_mut_slice().zeroize();
    n
}

/// HMAC's keyed state (RFC 2104 §2): the hash after `K ⊕ ipad`, and after `K ⊕ opad`.
/// Cloned for every message, so the key's two blocks are compressed once per key.
#[derive(Clone)]
pub(super) struct Hmac {
    inner: Hasher,
    outer: Hasher,
}

impl Hmac {
    /// Both hashes fresh, to be keyed with [`Hmac::key`]; `None` when `alg` is not
    /// compiled in. (Two steps, so that callers key the state where it lives: on firmware
    /// every copy of it is stack.)
    #[inline(never)]
    pub(super) fn unkeyed(alg: HashAlg) -> Option<Self> {
        let inner = Hasher::new(alg)?;
        Some(Self {
            outer: inner.clone(),
            inner,
        })
    }

    /// Keys the fresh state with `key` (any length: a key longer than the block is hashed
    /// first, RFC 2104 §3).
    #[inline(never)]
    pub(super) fn key(&mut self, key: &[u8]) {
        let mut k = [0u8; MAX_BLOCK];
        let block = k.get_mut(..self.inner.block_len()).unwrap_or_default();
        if key.len() > block.len() {
            // The outer hash, still fresh, hashes the key; finishing resets it.
            self.outer.update(key);
            self.outer.finish(block);
        } else {
            for (b, x) in block.iter_mut().zip(key) {
                *b = *x;
            }
        }
        for b in block.iter_mut() {
            *b ^= 0x36;
        }
        self.inner.update(block);
        for b in block.iter_mut() {
            *b ^= 0x36 ^ 0x5c;
        }
        self.outer.update(block);
        k.as_mut_slice().zeroize();
    }

    /// The tag of the concatenation of `parts`: `H(K ⊕ opad, H(K ⊕ ipad, text))`.
    #[inline(never)]
    pub(super) fn mac(&self, parts: &[&[u8]]) -> Digest {
        let mut t = [0u8; 64];
        // One state at a time (their stack slots can be shared).
        let n = {
            let mut h = self.inner.clone();
            for p in parts {
                h.update(p);
            }
            h.finish(&mut t)
        };
        let n = {
            let mut h = self.outer.clone();
            h.update(t.get(..n).unwrap_or_default());
            h.finish(&mut t)
        };
        let d = Digest::from_prefix(t.get(..n).unwrap_or_default());
        t.as_mut_slice().zeroize();
        d
    }
}

/// The `alg` hash of the concatenation of `parts`, or [`Digest::EMPTY`] when that hash is
/// not compiled in.
pub(super) fn hash(alg: HashAlg, parts: &[&[u8]]) -> Digest {
    let Some(h) = &mut Hasher::new(alg) else {
        return Digest::EMPTY;
    };
    for p in parts {
        h.update(p);
    }
    let mut t = [0u8; 64];
    let n = h.finish(&mut t);
    let d = Digest::from_prefix(t.get(..n).unwrap_or_default());
    t.as_mut_slice().zeroize();
    d
}

#[cfg(test)]
mod tests {
    //! The engine against the RustCrypto types it replaces (`sha1::Sha1`, `sha2::Sha256`,
    //! `hmac::Hmac`) at every buffer fill level, padding case and key length around the
    //! block; the RFC and Wycheproof vectors run through the provider in `tests/`.
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    extern crate std;
    use super::{HashAlg, Hmac, hash};
    use hmac::{KeyInit, Mac};
    use sha2::Digest as _;
    use std::vec::Vec;

    fn data(len: usize) -> Vec<u8> {
        (0..len)
            .map(|i| (i.wrapping_mul(131) + 7).to_le_bytes()[0])
            .collect()
    }

    fn reference_hash(alg: HashAlg, m: &[u8]) -> Vec<u8> {
        match alg {
            HashAlg::Sha1 => sha1::Sha1::digest(m).to_vec(),
            HashAlg::Sha256 => sha2::Sha256::digest(m).to_vec(),
            HashAlg::Sha384 => sha2::Sha384::digest(m).to_vec(),
            HashAlg::Sha512 => sha2::Sha512::digest(m).to_vec(),
        }
    }

    fn reference_hmac(alg: HashAlg, key: &[u8], m: &[u8]) -> Vec<u8> {
        fn tag<M: Mac + KeyInit>(key: &[u8], m: &[u8]) -> Vec<u8> {
            let mut mac = <M as KeyInit>::new_from_slice(key).unwrap();
            mac.update(m);
            mac.finalize().into_bytes().to_vec()
        }
        match alg {
            HashAlg::Sha1 => tag::<hmac::Hmac<sha1::Sha1>>(key, m),
            HashAlg::Sha256 => tag::<hmac::Hmac<sha2::Sha256>>(key, m),
            HashAlg::Sha384 => tag::<hmac::Hmac<sha2::Sha384>>(key, m),
            HashAlg::Sha512 => tag::<hmac::Hmac<sha2::Sha512>>(key, m),
        }
    }

    const ALGS: [HashAlg; 4] = [
        HashAlg::Sha1,
        HashAlg::Sha256,
        HashAlg::Sha384,
        HashAlg::Sha512,
    ];

    /// Every length over three 128-byte blocks, whole and in three pieces (each piece
    /// length in turn), so every fill level of the buffer and both padding cases (the
    /// length fits in the last block, or needs one more) are crossed.
    #[test]
    fn hashes_equal_the_rustcrypto_hashes_at_every_length() {
        let m = data(400);
        for alg in ALGS {
            for len in 0..m.len() {
                let m = &m[..len];
                let want = reference_hash(alg, m);
                assert_eq!(hash(alg, &[m]).as_bytes(), want, "{alg:?} length {len}");
                let (a, rest) = m.split_at(len / 3);
                let (b, c) = rest.split_at(rest.len() / 2);
                assert_eq!(
                    hash(alg, &[a, &[], b, c]).as_bytes(),
                    want,
                    "{alg:?} length {len} in pieces"
                );
            }
        }
    }

    /// Keys of every length from empty to beyond two blocks (hashed first when longer than
    /// the block, RFC 2104 §3) and messages across the padding cases; one keyed state
    /// reused for several messages gives each message's own tag.
    #[test]
    fn hmacs_equal_the_hmac_crate_for_every_key_length() {
        let keys = data(300);
        let m = data(300);
        for alg in ALGS {
            for klen in 0..keys.len() {
                let key = &keys[..klen];
                let mut keyed = Hmac::unkeyed(alg).unwrap();
                keyed.key(key);
                for len in [0, 1, 55, 56, 63, 64, 111, 112, 128, 200, 299] {
                    let msg = &m[..len];
                    let (a, b) = msg.split_at(len / 2);
                    assert_eq!(
                        keyed.mac(&[a, b]).as_bytes(),
                        reference_hmac(alg, key, msg),
                        "{alg:?} key {klen} message {len}"
                    );
                }
            }
        }
    }
}
