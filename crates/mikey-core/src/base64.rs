//! Base64 (RFC 4648 §4, standard alphabet, padded) into caller buffers, as RFC 4567 uses
//! for `a=key-mgmt` and `KeyMgmt:` data. Decoding is strict: the length must be a multiple
//! of 4, padding must be exactly what the length needs, and the unused bits before the
//! padding must be zero, so every message has exactly one encoding.

use core::fmt;

use keying_tlv::WriteError;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const INVALID: u8 = 0xff;

// Index and cast are in range by construction (const evaluation would fail otherwise).
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const DECODE: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Why base64 text was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Base64Error {
    /// The length is not a multiple of 4.
    InvalidLength {
        /// The text's length.
        len: usize,
    },
    /// A byte outside the alphabet (or `=` where padding cannot be).
    InvalidByte {
        /// Its offset.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// Padding malformed, or non-zero bits before it.
    InvalidPadding {
        /// Offset of the offending quantum.
        offset: usize,
    },
    /// The output buffer is too small.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
    },
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidLength { len } => write!(f, "base64 length {len} is not a multiple of 4"),
            Self::InvalidByte { offset, byte } => {
                write!(f, "invalid base64 byte 0x{byte:02x} at {offset}")
            }
            Self::InvalidPadding { offset } => write!(f, "invalid base64 padding at {offset}"),
            Self::BufferTooSmall { needed } => write!(f, "buffer too small: {needed} bytes needed"),
        }
    }
}

impl core::error::Error for Base64Error {}

/// Length of the encoding of `n` bytes (`None` on overflow).
pub const fn encoded_len(n: usize) -> Option<usize> {
    n.div_ceil(3).checked_mul(4)
}

/// Upper bound of the decoded length of `n` characters.
pub const fn decoded_len_max(n: usize) -> usize {
    n / 4 * 3
}

fn sextet(i: u32) -> u8 {
    ALPHABET.get((i & 0x3f) as usize).copied().unwrap_or(b'A')
}

/// Encodes `input` into `out`; returns the length written.
pub fn encode(input: &[u8], out: &mut [u8]) -> Result<usize, WriteError> {
    let needed = encoded_len(input.len()).ok_or(WriteError::TooLong {
        field: "base64",
        value: input.len(),
    })?;
    let Some(out) = out.get_mut(..needed) else {
        return Err(WriteError::BufferTooSmall { needed });
    };
    for (chunk, dst) in input.chunks(3).zip(out.chunks_mut(4)) {
        let b = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let v = (b(0) << 16) | (b(1) << 8) | b(2);
        let mut q = [sextet(v >> 18), sextet(v >> 12), sextet(v >> 6), sextet(v)];
        if chunk.len() < 3 {
            q[3] = b'=';
        }
        if chunk.len() < 2 {
            q[2] = b'=';
        }
        dst.copy_from_slice(&q);
    }
    Ok(needed)
}

/// Decodes strict, padded base64 `input` into `out`; returns the length written.
pub fn decode(input: &[u8], out: &mut [u8]) -> Result<usize, Base64Error> {
    if !input.len().is_multiple_of(4) {
        return Err(Base64Error::InvalidLength { len: input.len() });
    }
    let quanta = input.len() / 4;
    let pad_total = input
        .iter()
        .rev()
        .take(2)
        .take_while(|&&c| c == b'=')
        .count();
    let exact = decoded_len_max(input.len()).saturating_sub(pad_total);
    if out.len() < exact {
        return Err(Base64Error::BufferTooSmall { needed: exact });
    }
    let mut n = 0;
    for (qi, q) in input.chunks_exact(4).enumerate() {
        let last = qi + 1 == quanta;
        let base = qi * 4;
        let pad = q.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return Err(Base64Error::InvalidPadding { offset: base });
        }
        let mut v: u32 = 0;
        for (i, &c) in q.iter().enumerate() {
            let d = if i >= 4 - pad {
                0
            } else {
                match DECODE.get(usize::from(c)).copied().unwrap_or(INVALID) {
                    INVALID => {
                        return Err(Base64Error::InvalidByte {
                            offset: base + i,
                            byte: c,
                        });
                    }
                    d => d,
                }
            };
            v = (v << 6) | u32::from(d);
        }
        let bytes = v.to_be_bytes();
        let (_, tail) = bytes.split_at(1);
        let keep = 3 - pad;
        // Bits that the padding drops must be zero (canonical encoding).
        if tail
            .get(keep..)
            .is_some_and(|dropped| dropped.iter().any(|&b| b != 0))
        {
            return Err(Base64Error::InvalidPadding { offset: base });
        }
        let src = tail.get(..keep).unwrap_or_default();
        match out.get_mut(n..n + keep) {
            Some(dst) => dst.copy_from_slice(src),
            None => return Err(Base64Error::BufferTooSmall { needed: exact }),
        }
        n += keep;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        let cases: [(&[u8], &[u8]); 7] = [
            (b"", b""),
            (b"f", b"Zg=="),
            (b"fo", b"Zm8="),
            (b"foo", b"Zm9v"),
            (b"foob", b"Zm9vYg=="),
            (b"fooba", b"Zm9vYmE="),
            (b"foobar", b"Zm9vYmFy"),
        ];
        for (plain, enc) in cases {
            let mut buf = [0x2a; 16];
            let n = encode(plain, &mut buf).unwrap();
            assert_eq!(&buf[..n], enc);
            let mut dec = [0x2a; 16];
            let n = decode(enc, &mut dec).unwrap();
            assert_eq!(&dec[..n], plain);
        }
    }

    #[test]
    fn strict_rejections() {
        let mut out = [0u8; 16];
        assert_eq!(
            decode(b"Zg=", &mut out),
            Err(Base64Error::InvalidLength { len: 3 })
        );
        assert_eq!(
            decode(b"Zg", &mut out),
            Err(Base64Error::InvalidLength { len: 2 })
        );
        assert_eq!(
            decode(b"Zh==", &mut out),
            Err(Base64Error::InvalidPadding { offset: 0 })
        );
        assert_eq!(
            decode(b"Zg==Zm9v", &mut out),
            Err(Base64Error::InvalidPadding { offset: 0 })
        );
        assert_eq!(
            decode(b"Z===", &mut out),
            Err(Base64Error::InvalidPadding { offset: 0 })
        );
        assert_eq!(
            decode(b"Zm9v Zg==", &mut out),
            Err(Base64Error::InvalidLength { len: 9 })
        );
        assert_eq!(
            decode(b"Zm=v", &mut out),
            Err(Base64Error::InvalidByte {
                offset: 2,
                byte: b'='
            })
        );
        assert_eq!(
            decode(b"Zm-v", &mut out),
            Err(Base64Error::InvalidByte {
                offset: 2,
                byte: b'-'
            })
        );
        assert_eq!(
            decode(b"Zm9vYmFy", &mut out[..5]),
            Err(Base64Error::BufferTooSmall { needed: 6 })
        );
        assert_eq!(
            decode(b"Zm9vYg==", &mut out[..3]),
            Err(Base64Error::BufferTooSmall { needed: 4 })
        );
        assert_eq!(decode(b"Zm9vYg==", &mut out[..4]), Ok(4));
        assert_eq!(
            encode(b"foobar", &mut out[..7]),
            Err(WriteError::BufferTooSmall { needed: 8 })
        );
    }
}
