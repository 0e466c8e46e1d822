//! SHA-1 (FIPS 180-4 §6.1.2) with a compact compression function, for firmware built with
//! `--cfg keying_sha1_backend="compact"`.
//!
//! The sha1 crate's software compression unrolls the 80 steps (about 2.8 KB of Thumb-2
//! code), and unlike sha2's and aes's it has no compact variant. This one runs the steps
//! in a loop over a 16-word message schedule (FIPS 180-4 §6.1.3, the alternate method):
//! 298 bytes, for about a fifth more instructions per message on a Cortex-M4. The rest is the same
//! RustCrypto machinery: the block buffer and padding of `digest`, the `hmac` crate on
//! top. Like the sha1 crate's, the chaining state is wiped when the hash is dropped, and
//! the compression runs in constant time (no branch or index depends on the data).

use hmac::digest::{
    HashMarker, Output,
    block_api::{
        AlgorithmName, Block, BlockSizeUser, Buffer, BufferKindUser, Eager, FixedOutputCore,
        OutputSizeUser, Reset, UpdateCore,
    },
    typenum::{U20, U64},
};

/// FIPS 180-4 §5.3.1: the initial hash value.
const H0: [u32; 5] = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
];

/// FIPS 180-4 §4.2.1: the constant of each group of 20 steps.
const K: [u32; 4] = [0x5A82_7999, 0x6ED9_EBA1, 0x8F1B_BCDC, 0xCA62_C1D6];

/// Processes one 64-byte block (FIPS 180-4 §6.1.2 with the 16-word schedule of §6.1.3).
fn compress(h: &mut [u32; 5], block: &[u8; 64]) {
    let mut w = [0u32; 16];
    for (w, b) in w.iter_mut().zip(block.as_chunks::<4>().0) {
        *w = u32::from_be_bytes(*b);
    }
    let [mut a, mut b, mut c, mut d, mut e] = *h;
    for t in 0..80 {
        let s = t & 15;
        let word = if t < 16 {
            w.get(s).copied().unwrap_or_default()
        } else {
            let at = |i: usize| w.get((s + i) & 15).copied().unwrap_or_default();
            let x = (at(13) ^ at(8) ^ at(2) ^ at(0)).rotate_left(1);
            if let Some(slot) = w.get_mut(s) {
                *slot = x;
            }
            x
        };
        // Ch, Parity, Maj, Parity (§4.1.1).
        let (f, k) = match t / 20 {
            0 => ((b & c) | (!b & d), K[0]),
            1 => (b ^ c ^ d, K[1]),
            2 => ((b & c) | (b & d) | (c & d), K[2]),
            _ => (b ^ c ^ d, K[3]),
        };
        let temp = a
            .rotate_left(5)
            .wrapping_add(f)
            .wrapping_add(e)
            .wrapping_add(k)
            .wrapping_add(word);
        e = d;
        d = c;
        c = b.rotate_left(30);
        b = a;
        a = temp;
    }
    for (h, v) in h.iter_mut().zip([a, b, c, d, e]) {
        *h = h.wrapping_add(v);
    }
}

/// The block-level SHA-1 core (what `sha1::block_api::Sha1Core` is to `sha1::Sha1`).
#[derive(Clone)]
pub struct Sha1Core {
    h: [u32; 5],
    block_len: u64,
}

impl HashMarker for Sha1Core {}

impl BlockSizeUser for Sha1Core {
    type BlockSize = U64;
}

impl BufferKindUser for Sha1Core {
    type BufferKind = Eager;
}

impl OutputSizeUser for Sha1Core {
    type OutputSize = U20;
}

impl UpdateCore for Sha1Core {
    #[inline]
    fn update_blocks(&mut self, blocks: &[Block<Self>]) {
        self.block_len = self.block_len.wrapping_add(blocks.len() as u64);
        for b in blocks {
            compress(&mut self.h, &b.0);
        }
    }
}

impl FixedOutputCore for Sha1Core {
    #[inline]
    fn finalize_fixed_core(&mut self, buffer: &mut Buffer<Self>, out: &mut Output<Self>) {
        let bit_len = 8 * (buffer.get_pos() as u64 + 64 * self.block_len);
        let mut h = self.h;
        buffer.len64_padding_be(bit_len, |b| compress(&mut h, &b.0));
        for (chunk, v) in out.chunks_exact_mut(4).zip(h) {
            chunk.copy_from_slice(&v.to_be_bytes());
        }
        zeroize::Zeroize::zeroize(&mut h);
    }
}

impl Default for Sha1Core {
    #[inline]
    fn default() -> Self {
        Self {
            h: H0,
            block_len: 0,
        }
    }
}

impl Reset for Sha1Core {
    #[inline]
    fn reset(&mut self) {
        *self = Self::default();
    }
}

impl AlgorithmName for Sha1Core {
    fn write_alg_name(f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Sha1")
    }
}

impl core::fmt::Debug for Sha1Core {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Sha1Core { ... }")
    }
}

impl Drop for Sha1Core {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.h);
        zeroize::Zeroize::zeroize(&mut self.block_len);
    }
}

hmac::digest::buffer_fixed!(
    /// SHA-1 on the compact compression function: a `Digest` for the `hmac` crate.
    pub struct Sha1(Sha1Core);
    impl: BaseFixedTraits AlgorithmName Default Clone HashMarker Reset FixedOutputReset;
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::Sha1;
    use hmac::digest::Digest;
    use hmac::{Hmac, KeyInit, Mac};

    fn hex(s: &str) -> [u8; 20] {
        core::array::from_fn(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
    }

    /// RFC 3174 §7.3's four tests (TEST1 to TEST4, with their repeat counts).
    #[test]
    fn rfc3174_test_vectors() {
        let cases: [(&[u8], usize, &str); 4] = [
            (
                b"abc".as_slice(),
                1,
                "a9993e364706816aba3e25717850c26c9cd0d89d",
            ),
            (
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".as_slice(),
                1,
                "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
            ),
            (
                b"a".as_slice(),
                1_000_000,
                "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
            ),
            (
                b"0123456701234567012345670123456701234567012345670123456701234567".as_slice(),
                10,
                "dea356a2cddd90c7a7ecedc5ebb563934f460452",
            ),
        ];
        for (part, n, want) in cases {
            let mut h = Sha1::new();
            for _ in 0..n {
                h.update(part);
            }
            assert_eq!(<[u8; 20]>::from(h.finalize()), hex(want));
        }
    }

    /// The same digest as the sha1 crate for every length over three blocks, fed whole and
    /// in two pieces (the buffer's every fill level and both padding cases).
    #[test]
    fn equals_the_sha1_crate_at_every_length() {
        let data: [u8; 200] = core::array::from_fn(|i| (i.wrapping_mul(131) + 7).to_le_bytes()[0]);
        for len in 0..data.len() {
            let m = &data[..len];
            let want = sha1::Sha1::digest(m);
            assert_eq!(Sha1::digest(m), want, "length {len}");
            let (x, y) = m.split_at(len / 3);
            let mut h = Sha1::new();
            h.update(x);
            h.update(y);
            assert_eq!(h.finalize(), want, "length {len} in two pieces");
        }
    }

    /// HMAC (the `hmac` crate) over it: RFC 2202 §3's test cases 1, 2 and 6 (the key longer
    /// than a block, hashed first).
    #[test]
    fn rfc2202_hmac_sha1() {
        let cases: [(&[u8], &[u8], &str); 3] = [
            (
                &[0x0b; 20],
                b"Hi There".as_slice(),
                "b617318655057264e28bc0b6fb378c8ef146be00",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?".as_slice(),
                "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
            ),
            (
                &[0xaa; 80],
                b"Test Using Larger Than Block-Size Key - Hash Key First".as_slice(),
                "aa4ae5e15272d00e95705637ce8a3b55ed402112",
            ),
        ];
        for (key, data, want) in cases {
            let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key).unwrap();
            mac.update(data);
            assert_eq!(<[u8; 20]>::from(mac.finalize().into_bytes()), hex(want));
        }
    }
}
