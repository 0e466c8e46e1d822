//! RFC 4567 carriage: SDP `a=key-mgmt` (session and media level) and the RTSP `KeyMgmt`
//! header, with base64 into caller buffers. The SDP / RTSP texts follow the shapes of
//! RFC 4567 §3.1 / §3.2 and §4 (the RFC's own example texts were not available offline);
//! the RTSP header is the ONVIF PR #555 example verbatim.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use mikey_core::base64::Base64Error;
use mikey_core::sdp::*;
use mikey_core::{Message, PayloadType};

const ONVIF_B64: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/mikey/onvif_pr555.b64"
));

#[test]
fn onvif_rtsp_keymgmt_header() {
    let b64 = ONVIF_B64.trim();
    let header = format!("KeyMgmt: prot=mikey;uri=\"\";data=\"{b64}\"");
    let specs: Vec<_> = parse_rtsp_header(&header).collect();
    assert_eq!(specs.len(), 1);
    let spec = specs[0].unwrap();
    assert!(spec.is_mikey());
    assert_eq!(spec.uri, Some(""));
    let mut buf = [0u8; 256];
    let msg = spec.decode(&mut buf).unwrap();
    assert_eq!(msg, &common::vector!("onvif_pr555")[..]);
    Message::parse(msg).unwrap();
}

#[test]
fn rtsp_build_and_parse_multiple_specs() {
    let m = common::vector!("g1_gst_psk_null");
    let mut out = [0x2a; 400];
    let n = write_rtsp_header(Some("rtsp://cam.example.com/stream"), &m, &mut out).unwrap();
    let text = std::str::from_utf8(&out[..n]).unwrap().to_owned();
    assert!(
        text.starts_with("KeyMgmt: prot=mikey; uri=\"rtsp://cam.example.com/stream\"; data=\"")
    );
    assert_eq!(
        write_rtsp_header(None, &m, &mut [0u8; 20]),
        Err(keying_tlv::WriteError::BufferTooSmall {
            needed: 21 + 6 + 152 + 1
        })
    );
    // Two specs (RFC 4567 §3.2 allows a comma-separated list); a URI with a comma.
    let two = format!("{text}, prot=other; uri=\"rtsp://x/a,b\"; data=\"AAAA\"");
    let specs: Vec<_> = parse_rtsp_header(&two).map(Result::unwrap).collect();
    assert_eq!(specs.len(), 2);
    assert!(specs[0].is_mikey());
    assert_eq!(specs[1].prot, "other");
    assert_eq!(specs[1].uri, Some("rtsp://x/a,b"));
    let mut buf = [0u8; 200];
    assert_eq!(specs[0].decode(&mut buf).unwrap(), &m[..]);
    // Missing data, unquoted data, unknown parameter.
    for bad in [
        "KeyMgmt: prot=mikey",
        "prot=mikey; data=AAAA",
        "prot=mikey; foo=\"x\"; data=\"AAAA\"",
        "data=\"AAAA\"",
    ] {
        assert!(
            matches!(
                parse_rtsp_header(bad).next().unwrap(),
                Err(KeyMgmtError::Syntax { .. })
            ),
            "{bad}"
        );
    }
}

#[test]
fn sdp_session_and_media_level() {
    let session = common::vector!("m3_psk_null_interval");
    let media = common::vector!("g1_gst_psk_null");
    let mut a1 = [0u8; 256];
    let n1 = write_sdp_attribute(&session, &mut a1).unwrap();
    let a1 = std::str::from_utf8(&a1[..n1]).unwrap();
    let mut a2 = [0u8; 256];
    let n2 = write_sdp_attribute(&media, &mut a2).unwrap();
    let a2 = std::str::from_utf8(&a2[..n2]).unwrap();
    assert!(a1.starts_with("a=key-mgmt:mikey AQAF"));
    let sdp = format!(
        "v=0\r\no=alice 2891092738 2891092738 IN IP4 w-land.example.com\r\ns=Cool stuff\r\n\
         t=0 0\r\nc=IN IP4 w-land.example.com\r\n{a1}\r\n\
         m=audio 49000 RTP/SAVP 98\r\na=rtpmap:98 AMR/8000\r\n\
         m=video 52230 RTP/SAVP 31\r\n{a2}\r\na=rtpmap:31 H261/90000\r\n"
    );
    let attrs: Vec<_> = sdp_attributes(&sdp).collect();
    assert_eq!(attrs.len(), 2);
    assert_eq!(attrs[0].level, Level::Session);
    assert_eq!(attrs[1].level, Level::Media(1));
    // Media 0 (audio) falls back to the session level; media 1 has its own.
    let mut buf = [0u8; 256];
    let m0 = sdp_mikey_for_media(&sdp, 0).unwrap();
    assert_eq!(m0.decode(&mut buf).unwrap(), &session[..]);
    let m1 = sdp_mikey_for_media(&sdp, 1).unwrap();
    assert_eq!(m1.decode(&mut buf).unwrap(), &media[..]);
    let msg = Message::parse(m1.decode(&mut buf).unwrap()).unwrap();
    assert!(msg.find(PayloadType::Kemac).is_some());
}

#[test]
fn sdp_attribute_syntax_and_bad_base64() {
    assert_eq!(
        parse_sdp_attribute("a=key-mgmt:mikey AQAF\r"),
        Some(Ok(("mikey", "AQAF")))
    );
    assert_eq!(parse_sdp_attribute("a=rtpmap:98 AMR/8000"), None);
    assert!(matches!(
        parse_sdp_attribute("a=key-mgmt:mikey"),
        Some(Err(KeyMgmtError::Syntax { .. }))
    ));
    let mut buf = [0u8; 64];
    let attr = |data| KeyMgmtAttribute {
        level: Level::Session,
        protocol: "mikey",
        data,
    };
    // Missing padding, bad byte, non-zero pad bits, data after padding.
    assert_eq!(
        attr("AQAFAP1").decode(&mut buf),
        Err(Base64Error::InvalidLength { len: 7 })
    );
    assert_eq!(
        attr("AQ*F").decode(&mut buf),
        Err(Base64Error::InvalidByte {
            offset: 2,
            byte: b'*'
        })
    );
    assert_eq!(
        attr("AR==").decode(&mut buf),
        Err(Base64Error::InvalidPadding { offset: 0 })
    );
    assert_eq!(
        attr("AQ==AQAF").decode(&mut buf),
        Err(Base64Error::InvalidPadding { offset: 0 })
    );
    // A malformed attribute is skipped by the SDP walker.
    let sdp = "v=0\r\na=key-mgmt:mikey\r\n";
    assert_eq!(sdp_attributes(sdp).count(), 0);
}
