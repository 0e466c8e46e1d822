//! MIKEY next-payload chain with a length function that reads a length byte, as MIKEY's
//! variable-length payloads do; checks termination, offsets and slice consistency.
#![no_main]

use keying_tlv::{Chain, ErrorKind, Mikey, Reader, Result};
use libfuzzer_sys::fuzz_target;

fn len_of(kind: u8, mut r: Reader<'_>) -> Result<usize> {
    match kind {
        4 => Ok(1 + usize::from(r.u8("sign len")?)),
        1..=30 => {
            r.u8("next")?;
            Ok(2 + usize::from(r.u8("len")?))
        }
        _ => Err(r.error(
            "payload type",
            ErrorKind::UnknownType { value: kind.into() },
        )),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let mut steps = 0;
    let mut end = 0;
    for e in Chain::new(
        Mikey {
            payloads: len_of as keying_tlv::MikeyLenFn,
            terminal: Some(4),
        },
        first,
        Reader::at(rest, 1),
    ) {
        steps += 1;
        assert!(steps <= rest.len() + 1, "chain did not terminate");
        match e {
            Ok(e) => {
                assert!(e.offset >= end && e.offset + e.raw.len() <= data.len());
                assert!(e.body.len() <= e.raw.len());
                end = e.offset + e.raw.len();
            }
            Err(e) => assert!(e.offset <= data.len()),
        }
    }
});
