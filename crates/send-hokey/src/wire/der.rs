//! The one piece of DER the crate needs: the length of a TLV
//! ([X.690 §8.1](https://www.itu.int/rec/T-REC-X.690)), to find where a SubjectPublicKeyInfo
//! or a certificate ends.

/// Total length (identifier, length octets and contents) of the DER TLV at the start of
/// `bytes`, if its header is well formed (definite, minimal length form, at most 4 length
/// octets) and it fits in `bytes`.
pub(crate) fn tlv_len(bytes: &[u8]) -> Option<usize> {
    let (&_tag, rest) = bytes.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (header, content) = if first < 0x80 {
        (2usize, usize::from(first))
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let octets = rest.get(..n)?;
        if octets.first() == Some(&0) {
            return None;
        }
        let mut v = 0usize;
        for &o in octets {
            v = (v << 8) | usize::from(o);
        }
        if v < 0x80 {
            return None;
        }
        (2 + n, v)
    };
    let total = header.checked_add(content)?;
    (total <= bytes.len()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(tlv_len(&[0x30, 0x01, 0x00]), Some(3));
        assert_eq!(tlv_len(&[0x30, 0x02, 0x00]), None);
        assert_eq!(tlv_len(&[0x30, 0x81, 0x7f]), None);
        assert_eq!(tlv_len(&[0x30, 0x80]), None);
        assert_eq!(tlv_len(&[0x30]), None);
        let mut v = [0u8; 0x84];
        v[0] = 0x30;
        v[1] = 0x81;
        v[2] = 0x81;
        assert_eq!(tlv_len(&v), Some(0x84));
    }
}
