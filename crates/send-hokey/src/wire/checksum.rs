//! The Internet checksum over the IPv6 pseudo-header
//! ([RFC 8200 §8.1](https://www.rfc-editor.org/rfc/rfc8200#section-8.1)), used by ICMPv6
//! ([RFC 4443 §2.3](https://www.rfc-editor.org/rfc/rfc4443#section-2.3)) and the Mobility
//! Header ([RFC 3775 §6.1.1](https://www.rfc-editor.org/rfc/rfc3775#section-6.1.1)).

use core::net::Ipv6Addr;

/// IPv6 next-header value of ICMPv6.
pub const NEXT_HEADER_ICMPV6: u8 = 58;
/// IPv6 next-header value of the Mobility Header (RFC 3775 §6.1).
pub const NEXT_HEADER_MOBILITY: u8 = 135;

/// A one's-complement sum that accepts its input in pieces of any length.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sum {
    acc: u64,
    odd: Option<u8>,
}

impl Sum {
    pub(crate) fn add(&mut self, data: &[u8]) {
        let mut rest = data;
        if let Some(hi) = self.odd.take() {
            match rest.split_first() {
                Some((&lo, tail)) => {
                    self.acc += u64::from(u16::from_be_bytes([hi, lo]));
                    rest = tail;
                }
                None => {
                    self.odd = Some(hi);
                    return;
                }
            }
        }
        let mut chunks = rest.chunks_exact(2);
        for c in &mut chunks {
            if let [a, b] = *c {
                self.acc += u64::from(u16::from_be_bytes([a, b]));
            }
        }
        if let [last] = *chunks.remainder() {
            self.odd = Some(last);
        }
    }

    pub(crate) fn finish(mut self) -> u16 {
        if let Some(hi) = self.odd.take() {
            self.acc += u64::from(u16::from_be_bytes([hi, 0]));
        }
        let mut s = self.acc;
        while s > 0xffff {
            s = (s & 0xffff) + (s >> 16);
        }
        let folded = u16::try_from(s).unwrap_or(0xffff);
        !folded
    }
}

/// The checksum of an upper-layer packet whose bytes are the concatenation of `parts`
/// (with the checksum field already zero), over the pseudo-header with `src`, `dst`, the
/// total length of `parts` and `next_header`.
///
/// A result of `0x0000` is sent as is: ICMPv6 and the Mobility Header have no "no checksum"
/// value.
#[must_use]
pub fn pseudo_header_checksum(
    src: &Ipv6Addr,
    dst: &Ipv6Addr,
    next_header: u8,
    parts: &[&[u8]],
) -> u16 {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    let mut s = Sum::default();
    s.add(&src.octets());
    s.add(&dst.octets());
    s.add(&len.to_be_bytes());
    s.add(&[0, 0, 0, next_header]);
    for p in parts {
        s.add(p);
    }
    s.finish()
}

/// The checksum of `packet` whose 16-bit checksum field sits at `at`, computed as if that
/// field were zero.
pub(crate) fn checksum_with_hole(
    src: &Ipv6Addr,
    dst: &Ipv6Addr,
    next_header: u8,
    packet: &[u8],
    at: usize,
) -> u16 {
    let head = packet.get(..at).unwrap_or_default();
    let tail = packet.get(at.saturating_add(2)..).unwrap_or_default();
    pseudo_header_checksum(src, dst, next_header, &[head, &[0, 0], tail])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_parts_do_not_change_the_sum() {
        let data: [u8; 7] = [1, 2, 3, 4, 5, 6, 7];
        let a = Ipv6Addr::LOCALHOST;
        let whole = pseudo_header_checksum(&a, &a, 58, &[&data]);
        for i in 0..=data.len() {
            let (x, y) = data.split_at(i);
            assert_eq!(pseudo_header_checksum(&a, &a, 58, &[x, y]), whole);
        }
    }
}
