//! IPv6 ND options: termination, bounds, zero length rejected.
#![no_main]

use keying_tlv::{Chain, NdOptions, Reader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut covered = 0;
    for e in Chain::new(NdOptions, 0, Reader::new(data)) {
        match e {
            Ok(e) => {
                assert_eq!(e.offset, covered);
                assert!(e.raw.len() >= 8 && e.raw.len() % 8 == 0);
                covered += e.raw.len();
            }
            Err(e) => assert!(e.offset <= data.len()),
        }
    }
    assert!(covered <= data.len());
});
