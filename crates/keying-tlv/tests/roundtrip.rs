//! Property tests: random element sequences, written with the `Writer` for each framing,
//! come back unchanged from the `Chain` iterator; and no input makes any framing panic.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

use keying_tlv::{
    Chain, ChainWriter, ErrorKind, Isakmp, Mikey, NdOptions, Reader, Result, WriteError, Writer,
};
use proptest::prelude::*;

/// Toy MIKEY layout: type 4 is terminal (len8 | data), every other type is next | len8 | data.
fn toy_len(kind: u8, mut r: Reader<'_>) -> Result<usize> {
    if kind == 4 {
        return Ok(1 + usize::from(r.u8("len")?));
    }
    r.u8("next")?;
    Ok(2 + usize::from(r.u8("len")?))
}
const TOY: Mikey = Mikey {
    payloads: toy_len as keying_tlv::MikeyLenFn,
    terminal: Some(4),
};

fn body() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..40)
}

proptest! {
    #[test]
    fn mikey_roundtrip(items in proptest::collection::vec((1u8..=255, body()), 0..8), sign in proptest::option::of(body())) {
        let items: Vec<_> = items.into_iter().filter(|(k, _)| *k != 4).collect();
        let mut buf = [0x2a; 1024];
        let mut w = Writer::new(&mut buf);
        let first = w.next_payload();
        let mut chain = ChainWriter::new(first);
        for (kind, data) in &items {
            chain.begin_mikey(&mut w, *kind);
            let l = w.open_len_after(1, "len");
            w.bytes(data);
            w.close_len(l);
        }
        if let Some(s) = &sign {
            chain.begin_mikey_terminal(&mut w, 4);
            let l = w.open_len_after(1, "len");
            w.bytes(s);
            w.close_len(l);
        }
        let n = w.finish().unwrap();
        let mut r = Reader::new(&buf[..n]);
        let first = r.u8("header").unwrap();
        let got: Vec<_> = Chain::new(TOY, first, r).collect::<Result<_>>().unwrap();
        prop_assert_eq!(got.len(), items.len() + usize::from(sign.is_some()));
        for (e, (kind, data)) in got.iter().zip(&items) {
            prop_assert_eq!(e.kind, *kind);
            prop_assert_eq!(&e.body[1..], &data[..]);
        }
        if let Some(s) = &sign {
            let e = got.last().unwrap();
            prop_assert_eq!(e.kind, 4);
            prop_assert_eq!(e.next, None);
            prop_assert_eq!(&e.body[1..], &s[..]);
        }
    }

    #[test]
    fn isakmp_roundtrip(items in proptest::collection::vec((1u8..=255, body()), 0..8)) {
        let mut buf = [0x2a; 1024];
        let mut w = Writer::new(&mut buf);
        let first = w.next_payload();
        let mut chain = ChainWriter::new(first);
        for (kind, data) in &items {
            let p = chain.begin_isakmp(&mut w, *kind);
            w.bytes(data);
            chain.end_isakmp(&mut w, p);
        }
        let n = w.finish().unwrap();
        let mut r = Reader::new(&buf[..n]);
        let first = r.u8("header").unwrap();
        let got: Vec<_> = Chain::new(Isakmp, first, r).collect::<Result<_>>().unwrap();
        prop_assert_eq!(got.len(), items.len());
        for (e, (kind, data)) in got.iter().zip(&items) {
            prop_assert_eq!(e.kind, *kind);
            prop_assert_eq!(e.raw[1], 0, "reserved byte written");
            prop_assert_eq!(e.body, &data[..]);
        }
    }

    #[test]
    fn nd_roundtrip(items in proptest::collection::vec((any::<u8>(), body()), 0..8)) {
        let mut buf = [0x2a; 1024];
        let mut w = Writer::new(&mut buf);
        for (kind, data) in &items {
            let o = w.begin_nd_option(*kind);
            w.bytes(data);
            w.end_nd_option(o);
        }
        let n = w.finish().unwrap();
        prop_assert_eq!(n % 8, 0);
        let got: Vec<_> = Chain::new(NdOptions, 0, Reader::new(&buf[..n])).collect::<Result<_>>().unwrap();
        prop_assert_eq!(got.len(), items.len());
        for (e, (kind, data)) in got.iter().zip(&items) {
            prop_assert_eq!(e.kind, *kind);
            prop_assert_eq!(&e.body[..data.len()], &data[..]);
            prop_assert!(e.body[data.len()..].iter().all(|&b| b == 0), "padding is zero");
            prop_assert!(e.body.len() - data.len() < 8);
        }
    }

    #[test]
    fn short_buffer_reports_exact_need(items in proptest::collection::vec((any::<u8>(), body()), 1..6), cut in 0usize..64) {
        let mut big = [0u8; 1024];
        let write = |buf: &mut [u8]| {
            let mut w = Writer::new(buf);
            for (kind, data) in &items {
                let o = w.begin_nd_option(*kind);
                w.bytes(data);
                w.end_nd_option(o);
            }
            w.finish()
        };
        let n = write(&mut big).unwrap();
        let mut small = vec![0u8; n.saturating_sub(cut + 1)];
        prop_assert_eq!(write(&mut small), Err(WriteError::BufferTooSmall { needed: n }));
    }

    #[test]
    fn arbitrary_input_never_panics_and_always_terminates(data in proptest::collection::vec(any::<u8>(), 0..256), first in any::<u8>()) {
        for f in [0, 1, 2] {
            let steps = match f {
                0 => Chain::new(TOY, first, Reader::new(&data)).count(),
                1 => Chain::new(Isakmp, first, Reader::new(&data)).count(),
                _ => Chain::new(NdOptions, first, Reader::new(&data)).count(),
            };
            prop_assert!(steps <= data.len() + 1);
        }
    }

    #[test]
    fn errors_point_inside_the_input(data in proptest::collection::vec(any::<u8>(), 0..128)) {
        for e in Chain::new(Isakmp, 1, Reader::new(&data)).filter_map(|e| e.err()) {
            prop_assert!(e.offset <= data.len());
            let unknown = matches!(e.kind, ErrorKind::UnknownType { .. });
            prop_assert!(!unknown);
        }
    }
}
