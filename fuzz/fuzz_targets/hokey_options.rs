//! send-hokey ND options: every item of `NdOptionIter` over arbitrary bytes is an option or a
//! typed error; every option that decoded survives emit → parse unchanged, and emitting it
//! again gives the same octets.
#![no_main]

use keying_tlv::Writer;
use libfuzzer_sys::fuzz_target;
use send_hokey::wire::{NdOption, NdOptionIter};

/// Offset of the options area in an RtSolPr / PrRtAdv.
const BASE: usize = 8;

fuzz_target!(|data: &[u8]| {
    let mut covered = 0;
    for item in NdOptionIter::new(data, BASE) {
        let o = match item {
            Ok(o) => o,
            Err(e) => {
                assert!(e.offset >= BASE && e.offset <= BASE + data.len(), "{e:?}");
                // Framing stops at a bad element; what follows is not checked here.
                break;
            }
        };
        // Framing: contiguous, whole 8-octet units, the raw octets are the input's.
        assert_eq!(o.offset, BASE + covered);
        assert!(o.raw.len() >= 8 && o.raw.len() % 8 == 0);
        assert_eq!(Some(o.raw), data.get(covered..covered + o.raw.len()));
        assert_eq!(o.raw[0], o.option.option_type().to_wire());
        covered += o.raw.len();

        // The accessors never fail on a decoded option.
        match o.option {
            NdOption::Cga(c) => {
                let _ = c.params();
            }
            NdOption::RsaSignature(s) => {
                let _ = s.signature(128);
            }
            NdOption::LinkLayerAddress(l) => {
                let _ = l.mac48();
            }
            NdOption::Certificate(c) => {
                let _ = c.certificate();
            }
            _ => {}
        }

        // parse → emit → parse.
        let need = o.option.buffer_len();
        assert_eq!(need, o.raw.len(), "{:?}", o.option);
        let mut buf = vec![0u8; need];
        let mut w = Writer::new(&mut buf);
        o.option.emit(&mut w);
        assert_eq!(w.finish(), Ok(need));
        let mut again = NdOptionIter::new(&buf, 0);
        let back = again
            .next()
            .expect("one option")
            .unwrap_or_else(|e| panic!("re-parse of {:?}: {e:?}", o.option));
        assert!(again.next().is_none());
        assert_eq!(back.option, o.option);
        assert_eq!(back.raw, &buf[..]);
        let mut buf2 = vec![0u8; need];
        let mut w = Writer::new(&mut buf2);
        back.option.emit(&mut w);
        assert_eq!(w.finish(), Ok(need));
        assert_eq!(buf, buf2);

        // A short buffer reports the size it needs.
        let mut short = vec![0u8; need - 1];
        let mut w = Writer::new(&mut short);
        o.option.emit(&mut w);
        assert_eq!(
            w.finish(),
            Err(keying_tlv::WriteError::BufferTooSmall { needed: need })
        );
    }
    assert!(covered <= data.len());
});
