//! Unit tests for the three framings: good chains, truncation at every length, overlong
//! and zero lengths, chains that never end, trailing bytes.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

use keying_tlv::{Chain, Element, Error, ErrorKind, Isakmp, Mikey, NdOptions, Reader, Result};

/// A toy MIKEY-like length function: type 1 = fixed 3 bytes, type 2 = next | len(8) | data,
/// type 4 = terminal "SIGN": len(8) | data (no next byte); anything else is unknown.
fn toy_len(kind: u8, mut r: Reader<'_>) -> Result<usize> {
    match kind {
        1 => Ok(3),
        2 => {
            r.u8("next")?;
            Ok(2 + usize::from(r.u8("len")?))
        }
        4 => Ok(1 + usize::from(r.u8("sign len")?)),
        _ => Err(r.error(
            "payload type",
            ErrorKind::UnknownType { value: kind.into() },
        )),
    }
}

const TOY: Mikey = Mikey {
    payloads: toy_len as keying_tlv::MikeyLenFn,
    terminal: Some(4),
};

fn collect<F: keying_tlv::Framing>(f: F, first: u8, b: &[u8]) -> Result<Vec<(u8, Vec<u8>, usize)>> {
    Chain::new(f, first, Reader::new(b))
        .map(|e| e.map(|e: Element<'_, _>| (e.kind, e.body.to_vec(), e.offset)))
        .collect()
}

#[test]
fn mikey_good_chain_with_terminal() {
    // [1: next=2, aa, bb] [2: next=4, len 1, cc] [4: len 2, dd ee]
    let b = [2, 0xaa, 0xbb, 4, 1, 0xcc, 2, 0xdd, 0xee];
    let got = collect(TOY, 1, &b).unwrap();
    assert_eq!(
        got,
        vec![
            (1, vec![0xaa, 0xbb], 0),
            (2, vec![1, 0xcc], 3),
            (4, vec![2, 0xdd, 0xee], 6)
        ]
    );
}

#[test]
fn mikey_last_payload_zero_ends() {
    let b = [0, 0xaa, 0xbb];
    assert_eq!(collect(TOY, 1, &b).unwrap().len(), 1);
    assert_eq!(collect(TOY, 0, &[]).unwrap().len(), 0);
}

#[test]
fn mikey_truncated_at_every_length() {
    let b = [2, 0xaa, 0xbb, 4, 1, 0xcc, 2, 0xdd, 0xee];
    for n in 0..b.len() {
        let err = collect(TOY, 1, &b[..n]).unwrap_err();
        assert!(
            matches!(err.kind, ErrorKind::Truncated { .. }),
            "n={n}: {err:?}"
        );
        assert!(err.offset <= n, "n={n}: {err:?}");
    }
}

#[test]
fn mikey_chain_that_never_ends() {
    // Every payload announces another one: the input runs out.
    let b = [1, 0, 0, 1, 0, 0, 1, 0, 0];
    let err = collect(TOY, 1, &b).unwrap_err();
    assert_eq!(
        err,
        Error::new(9, "MIKEY payload", ErrorKind::Truncated { needed: 3 })
    );
}

#[test]
fn mikey_unknown_type_names_type_and_offset() {
    let b = [9, 0, 0, 0, 0];
    let err = collect(TOY, 1, &b).unwrap_err();
    assert_eq!(
        err,
        Error::new(3, "payload type", ErrorKind::UnknownType { value: 9 })
    );
}

#[test]
fn mikey_overlong_length() {
    let b = [0, 200, 1, 2];
    let err = collect(TOY, 2, &b).unwrap_err();
    assert_eq!(
        err,
        Error::new(0, "MIKEY payload", ErrorKind::Truncated { needed: 198 })
    );
}

#[test]
fn mikey_trailing_bytes_after_last_and_after_terminal() {
    let err = collect(TOY, 1, &[0, 1, 2, 0xff]).unwrap_err();
    assert_eq!(
        err,
        Error::new(3, "end of chain", ErrorKind::TrailingBytes { len: 1 })
    );
    let err = collect(TOY, 4, &[1, 7, 0xff, 0xfe]).unwrap_err();
    assert_eq!(
        err,
        Error::new(2, "end of chain", ErrorKind::TrailingBytes { len: 2 })
    );
    // Allowed trailing bytes stay readable.
    let b = [0, 1, 2, 0xff];
    let mut c = Chain::new(TOY, 1, Reader::new(&b)).allow_trailing();
    assert!(c.next().unwrap().is_ok());
    assert!(c.next().is_none());
    assert_eq!(c.rest(), &[0xff]);
}

#[test]
fn mikey_zero_length_from_callback_is_rejected() {
    fn zero(_: u8, _: Reader<'_>) -> Result<usize> {
        Ok(0)
    }
    let f = Mikey {
        payloads: zero as keying_tlv::MikeyLenFn,
        terminal: None,
    };
    let err = collect(f, 1, &[0, 0]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::BadLength { value: 0 });
}

#[test]
fn iterator_stops_after_error() {
    let b = [9, 0, 0, 0, 0];
    let mut c = Chain::new(TOY, 1, Reader::new(&b));
    assert!(c.next().unwrap().is_ok());
    assert!(c.next().unwrap().is_err());
    assert!(c.next().is_none());
    assert!(c.next().is_none());
}

#[test]
fn isakmp_good_chain() {
    // HASH(8) then NONCE(10), then NONE.
    let b = [10, 0, 0, 6, 0xaa, 0xbb, 0, 0, 0, 4];
    let got = collect(Isakmp, 8, &b).unwrap();
    assert_eq!(got, vec![(8, vec![0xaa, 0xbb], 0), (10, vec![], 6)]);
}

#[test]
fn isakmp_length_below_header_is_bad() {
    for len in 0u8..4 {
        let err = collect(Isakmp, 8, &[0, 0, 0, len]).unwrap_err();
        assert_eq!(
            err,
            Error::new(
                2,
                "ISAKMP payload length",
                ErrorKind::BadLength { value: len.into() }
            )
        );
    }
}

#[test]
fn isakmp_truncated_overlong_neverending_trailing() {
    let b = [10, 0, 0, 6, 0xaa, 0xbb, 0, 0, 0, 4];
    for n in 0..b.len() {
        assert!(
            matches!(
                collect(Isakmp, 8, &b[..n]).unwrap_err().kind,
                ErrorKind::Truncated { .. }
            ),
            "n={n}"
        );
    }
    let err = collect(Isakmp, 8, &[0, 0, 0x10, 0, 1, 2]).unwrap_err();
    assert_eq!(
        err,
        Error::new(
            0,
            "ISAKMP payload",
            ErrorKind::Truncated { needed: 0x1000 - 6 }
        )
    );
    let err = collect(Isakmp, 8, &[8, 0, 0, 4, 8, 0, 0, 4]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Truncated { needed: 1 });
    assert_eq!(err.offset, 8);
    let err = collect(Isakmp, 8, &[0, 0, 0, 4, 0, 0, 0]).unwrap_err();
    assert_eq!(
        err,
        Error::new(4, "end of chain", ErrorKind::TrailingBytes { len: 3 })
    );
}

#[test]
fn nd_good_options() {
    // Nonce (14) with 6 bytes; then an unknown type 200 of 16 bytes.
    let mut b = vec![14, 1, 1, 2, 3, 4, 5, 6, 200, 2];
    b.extend([0u8; 14]);
    let got = collect(NdOptions, 0, &b).unwrap();
    assert_eq!(got[0], (14, vec![1, 2, 3, 4, 5, 6], 0));
    assert_eq!(got[1], (200, vec![0; 14], 8));
}

#[test]
fn nd_zero_length_truncated_overlong() {
    let err = collect(NdOptions, 0, &[14, 0, 0, 0, 0, 0, 0, 0]).unwrap_err();
    assert_eq!(
        err,
        Error::new(1, "ND option length", ErrorKind::ZeroLength)
    );
    let b = [14, 1, 1, 2, 3, 4, 5, 6];
    for n in 1..b.len() {
        assert!(
            matches!(
                collect(NdOptions, 0, &b[..n]).unwrap_err().kind,
                ErrorKind::Truncated { .. }
            ),
            "n={n}"
        );
    }
    let err = collect(NdOptions, 0, &[14, 2, 0, 0, 0, 0, 0, 0]).unwrap_err();
    assert_eq!(
        err,
        Error::new(0, "ND option", ErrorKind::Truncated { needed: 8 })
    );
    // A trailing partial option (fewer than 2 bytes) is reported, not ignored.
    let err = collect(NdOptions, 0, &[14, 1, 0, 0, 0, 0, 0, 0, 9]).unwrap_err();
    assert_eq!(
        err,
        Error::new(9, "ND option length", ErrorKind::Truncated { needed: 1 })
    );
}

#[test]
fn mobility_options_pad1_padn_and_data() {
    use keying_tlv::MobilityOptions;
    // Pad1, PadN(2), Alternate CoA-like type 3 with 4 bytes, Pad1.
    let b = [0, 1, 2, 0, 0, 3, 4, 9, 8, 7, 6, 0];
    let got = collect(MobilityOptions, 0, &b).unwrap();
    assert_eq!(
        got,
        vec![
            (0, vec![], 0),
            (1, vec![0, 0], 1),
            (3, vec![9, 8, 7, 6], 5),
            (0, vec![], 11)
        ]
    );
    for n in 0..b.len() {
        let r = collect(MobilityOptions, 0, &b[..n]);
        // Cuts that fall between options are valid shorter lists; the others are truncations.
        if ![0, 1, 5, 11].contains(&n) {
            assert!(
                matches!(r.unwrap_err().kind, ErrorKind::Truncated { .. }),
                "n={n}"
            );
        }
    }
    let err = collect(MobilityOptions, 0, &[3, 200, 1]).unwrap_err();
    assert_eq!(
        err,
        Error::new(0, "mobility option", ErrorKind::Truncated { needed: 199 })
    );
}
