//! SHA-1's compression function (FIPS 180-4 §6.1.2) in compact form, for firmware built
//! with `--cfg keying_sha1_backend="compact"`.
//!
//! The sha1 crate's software compression unrolls the 80 steps (about 2.8 KB of Thumb-2
//! code), and unlike sha2's and aes's it has no compact variant. This one runs the steps
//! in a loop over a 16-word message schedule (FIPS 180-4 §6.1.3, the alternate method):
//! 298 bytes, for about a fifth more instructions per message on a Cortex-M4. Everything
//! around it (buffer, padding, HMAC, wiping) is module `md`'s, as for the sha1 crate's
//! compression on hosts. It runs in constant time: no branch or index depends on the data.

/// FIPS 180-4 §4.2.1: the constant of each group of 20 steps.
const K: [u32; 4] = [0x5A82_7999, 0x6ED9_EBA1, 0x8F1B_BCDC, 0xCA62_C1D6];

/// Processes one 64-byte block (FIPS 180-4 §6.1.2 with the 16-word schedule of §6.1.3).
pub(super) fn compress(h: &mut [u32; 5], block: &[u8; 64]) {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::compress;

    const H0: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];

    /// RFC 3174 §7.3 TEST1 ("abc"), which pads to one block: the compression of that block
    /// from the initial value is the digest.
    #[test]
    fn rfc3174_test1_is_one_compression() {
        let mut block = [0u8; 64];
        block[..4].copy_from_slice(b"abc\x80");
        block[63] = 24;
        let mut h = H0;
        compress(&mut h, &block);
        assert_eq!(
            h,
            [
                0xa999_3e36,
                0x4706_816a,
                0xba3e_2571,
                0x7850_c26c,
                0x9cd0_d89d
            ]
        );
    }

    /// The same chaining values as the sha1 crate's compression over 2,000 blocks of
    /// varied bytes, chained (every step's input is the previous output).
    #[test]
    fn equals_the_sha1_crate_compression() {
        let mut ours = H0;
        let mut theirs = H0;
        let mut x = 0x9e37_79b9_u32;
        for i in 0..2000 {
            let block: [u8; 64] = core::array::from_fn(|j| {
                x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                match i % 3 {
                    0 => (x >> 24) as u8,
                    1 => 0xff,
                    _ => u8::try_from(j).unwrap(),
                }
            });
            compress(&mut ours, &block);
            sha1::block_api::compress(&mut theirs, &[block]);
            assert_eq!(ours, theirs, "block {i}");
        }
    }
}
