//! mikey-core SDP / RTSP carriage (RFC 4567) and base64 on arbitrary text: the parsers never
//! panic, what they return are sub-slices of the input, and wherever base64 decoding
//! succeeds, encoding the bytes again gives the same text (the decoder is strict), and the
//! writers' output parses back to the same message.
//!
//! Input: the first byte picks the media index for `sdp_mikey_for_media`; the rest is taken
//! as UTF-8 text (lossily) and fed to every parser, and as raw bytes to the base64 decoder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mikey_core::base64;
use mikey_core::sdp::{
    self, KeyMgmtAttribute, KeyMgmtError, Level, parse_rtsp_header, parse_sdp_attribute,
    sdp_attributes, sdp_mikey_for_media, write_rtsp_header, write_sdp_attribute,
};

fn inside(text: &str, s: &str) -> bool {
    let (a, b) = (text.as_ptr() as usize, s.as_ptr() as usize);
    b >= a && b + s.len() <= a + text.len()
}

/// Decodes base64 text; if it decodes, re-encodes it and checks it is the same text, and
/// that the writers carry it through their own parsers.
fn round_trip(b64: &[u8]) {
    let mut out = vec![0u8; base64::decoded_len_max(b64.len())];
    let Ok(n) = base64::decode(b64, &mut out) else {
        // Too small an output buffer is never the reason with decoded_len_max.
        if let Err(e) = base64::decode(b64, &mut out) {
            assert!(
                !matches!(e, base64::Base64Error::BufferTooSmall { .. }),
                "decoded_len_max too small: {e:?}"
            );
        }
        return;
    };
    let msg = &out[..n];
    let len = base64::encoded_len(n).expect("encoded length");
    let mut enc = vec![0u8; len];
    assert_eq!(base64::encode(msg, &mut enc), Ok(len));
    assert_eq!(enc, b64, "decode → encode is not the identity");
    if len > 0 {
        let mut short = vec![0u8; len - 1];
        assert!(base64::encode(msg, &mut short).is_err());
    }

    // Writers → parsers.
    let mut line = vec![0u8; len + 64];
    let l = write_sdp_attribute(msg, &mut line).expect("SDP attribute fits");
    let line = std::str::from_utf8(&line[..l]).expect("SDP attribute is text");
    if n > 0 {
        let (prot, data) = parse_sdp_attribute(line)
            .expect("a key-mgmt attribute")
            .expect("written attribute parses");
        assert_eq!(prot, sdp::MIKEY);
        assert_eq!(data.as_bytes(), b64);
    }
    for uri in [None, Some(""), Some("rtsp://example.com/s")] {
        let mut hdr = vec![0u8; len + 128];
        let l = write_rtsp_header(uri, msg, &mut hdr).expect("RTSP header fits");
        let hdr = std::str::from_utf8(&hdr[..l]).expect("RTSP header is text");
        let specs: Vec<_> = parse_rtsp_header(hdr).collect();
        assert_eq!(specs.len(), 1, "{hdr}");
        let spec = specs[0].expect("written header parses");
        assert!(spec.is_mikey());
        assert_eq!(spec.uri, uri);
        assert_eq!(spec.data.as_bytes(), b64);
        let mut back = vec![0u8; n];
        assert_eq!(spec.decode(&mut back), Ok(msg));
    }
}

fn check_attr(text: &str, a: &KeyMgmtAttribute<'_>) {
    assert!(inside(text, a.protocol) && inside(text, a.data));
    assert!(!a.protocol.is_empty() && !a.data.is_empty() && !a.data.contains(' '));
    let mut out = vec![0u8; base64::decoded_len_max(a.data.len())];
    if let Ok(m) = a.decode(&mut out) {
        let m = m.to_vec();
        round_trip(a.data.as_bytes());
        assert!(m.len() <= a.data.len());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&media, rest)) = data.split_first() else {
        return;
    };
    round_trip(rest);
    let text = String::from_utf8_lossy(rest);
    let text: &str = &text;

    // SDP: every line alone, then the description.
    for line in text.split('\n') {
        match parse_sdp_attribute(line) {
            None => {}
            Some(Ok((prot, d))) => {
                assert!(inside(line, prot) && inside(line, d));
                round_trip(d.as_bytes());
            }
            Some(Err(KeyMgmtError::Syntax { offset })) => assert!(offset <= line.len()),
            Some(Err(e)) => panic!("SDP attribute parser returned {e:?}"),
        }
    }
    let mut last_media = None;
    for a in sdp_attributes(text) {
        if let Level::Media(n) = a.level {
            assert!(last_media.is_none_or(|l| n >= l));
            last_media = Some(n);
        } else {
            assert!(last_media.is_none(), "session level after a media level");
        }
        check_attr(text, &a);
    }
    if let Some(a) = sdp_mikey_for_media(text, usize::from(media)) {
        assert!(a.is_mikey());
        assert!(matches!(a.level, Level::Session) || a.level == Level::Media(usize::from(media)));
        check_attr(text, &a);
    }

    // RTSP.
    for spec in parse_rtsp_header(text).take(text.len() + 1) {
        match spec {
            Ok(s) => {
                assert!(inside(text, s.prot) && inside(text, s.data));
                assert!(s.uri.is_none_or(|u| inside(text, u)));
                let mut out = vec![0u8; base64::decoded_len_max(s.data.len())];
                if s.decode(&mut out).is_ok() {
                    round_trip(s.data.as_bytes());
                }
            }
            Err(KeyMgmtError::Syntax { offset }) => assert!(offset <= text.len(), "{offset}"),
            Err(e) => panic!("RTSP parser returned {e:?}"),
        }
    }
});
