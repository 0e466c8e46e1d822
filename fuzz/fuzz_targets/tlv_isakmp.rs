//! ISAKMP generic payload chain: termination, bounds, and write-back equivalence.
#![no_main]

use keying_tlv::{Chain, ChainWriter, Isakmp, Reader, Writer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let chain = Chain::new(Isakmp, first, Reader::at(rest, 1));
    let mut items = Vec::new();
    let mut ok = true;
    for e in chain {
        match e {
            Ok(e) => {
                assert!(e.raw.len() >= 4 && e.offset + e.raw.len() <= data.len());
                items.push((e.kind, e.body, e.raw[1]));
            }
            Err(e) => {
                assert!(e.offset <= data.len());
                ok = false;
            }
        }
        assert!(items.len() <= rest.len());
    }
    // A fully valid chain with zero reserved bytes re-emits byte-identically.
    if ok && items.iter().all(|i| i.2 == 0) {
        let mut buf = vec![0u8; data.len()];
        let mut w = Writer::new(&mut buf);
        let slot = w.next_payload();
        let mut cw = ChainWriter::new(slot);
        for (kind, body, _) in &items {
            let p = cw.begin_isakmp(&mut w, *kind);
            w.bytes(body);
            cw.end_isakmp(&mut w, p);
        }
        let n = w.finish().expect("fits: same size as the input");
        assert_eq!(&buf[..n], data);
    }
});
