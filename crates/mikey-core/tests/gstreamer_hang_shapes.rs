//! Messages whose payloads make GStreamer 1.22's parser loop forever (V, ERR, ID, CERT, DH,
//! SIGN, CHASH, general extension, unknown types: its `payloads_from_bytes` neither consumes
//! them nor advances; see docs/interop.md) parse here: the walk
//! terminates, and the number of chain steps never exceeds the number of bytes. No timing
//! assertions: termination and the step bound are what is checked.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use keying_tlv::ErrorKind;
use mikey_core::*;

fn steps_of(bytes: &[u8]) -> usize {
    // Walk the chain the way Message::parse does, counting steps.
    let mut r = keying_tlv::Reader::new(bytes);
    let Ok((_, first)) = CommonHeader::read(&mut r) else {
        return 0;
    };
    let mut p = Payloads::new(r.rest(), r.offset(), PayloadType::from(first));
    for _ in p.by_ref() {}
    p.steps()
}

fn header() -> CommonHeader<'static> {
    CommonHeader {
        data_type: DataType::Error,
        v: false,
        prf_func: PrfFunc::Mikey1,
        csb_id: 1,
        cs_id_map: CsIdMap::SrtpId(List::Items(&[])),
    }
}

#[test]
fn vector_messages_with_payloads_that_hang_gstreamer_parse() {
    // m5_dhhmac_init (ID, DH), m9_error (ERR, V), m10_two_cs_counter_genext (general
    // extensions), streamwide_pck (SIGN, IDR, SAKKE).
    for b in [
        common::vector!("m5_dhhmac_init"),
        common::vector!("m9_error"),
        common::vector!("m10_two_cs_counter_genext"),
        common::vector!("streamwide_pck"),
    ] {
        let m = Message::parse(&b).unwrap();
        assert!(m.payload_count() <= b.len());
        assert_eq!(steps_of(&b), m.payload_count());
    }
}

#[test]
fn every_hang_shape_parses_and_is_bounded() {
    let cert = [0x30, 0x03, 0x02, 0x01, 0x00];
    let mac = [1u8; 20];
    let dh = [2u8; 96];
    let sig = [3u8; 64];
    let shapes: [Payload<'_>; 8] = [
        Payload::V(Verification {
            auth_alg: MacAlg::HmacSha1_160,
            ver_data: &mac,
        }),
        Payload::Err(ErrorPayload {
            error_no: ErrorNo::Unspecified,
        }),
        Payload::Id(Id {
            id_type: IdType::Uri,
            data: b"sip:a@b",
        }),
        Payload::Cert(Cert {
            cert_type: CertType::X509v3,
            data: &cert,
        }),
        Payload::Dh(Dh {
            group: DhGroup::Oakley1,
            value: &dh,
            kv: KeyValidity::Null,
        }),
        Payload::Chash(Chash {
            hash_func: HashFunc::Sha1,
            hash: &mac,
        }),
        Payload::GeneralExt(GeneralExtension {
            ext_type: GenExtType::VendorId,
            data: b"x",
        }),
        Payload::Sign(Sign {
            s_type: SType::RsaPkcs1,
            signature: &sig,
        }),
    ];
    for shape in shapes {
        let mut buf = [0u8; 512];
        let mut w = MessageWriter::new(&mut buf, &header());
        w.push(&Payload::Timestamp(Timestamp {
            ts_type: TsType::Counter,
            value: 1,
        }));
        w.push(&shape);
        let n = w.finish().unwrap();
        let m = Message::parse(&buf[..n]).unwrap();
        assert_eq!(m.payload_count(), 2);
        assert_eq!(m.last().unwrap().payload, shape);
    }
}

#[test]
fn long_chains_and_unknown_types_stay_linear() {
    // 20 000 ERR payloads: one step per payload, 4 bytes each.
    let errs = vec![
        Payload::Err(ErrorPayload {
            error_no: ErrorNo::InvalidTs
        });
        20_000
    ];
    let mut buf = vec![0u8; 100_000];
    let mut w = MessageWriter::new(&mut buf, &header());
    for p in &errs {
        w.push(p);
    }
    let n = w.finish().unwrap();
    let m = Message::parse(&buf[..n]).unwrap();
    assert_eq!(m.payload_count(), 20_000);
    assert!(steps_of(&buf[..n]) <= n);

    // An unknown payload type after a valid one: a typed error naming type and offset,
    // after exactly two steps (GStreamer loops here forever).
    let mut b = common::vector!("m9_error");
    // The first ERR's next-payload byte: announce type 99 instead of ERR.
    let first_err = Message::parse(&b)
        .unwrap()
        .find(PayloadType::Err)
        .unwrap()
        .offset;
    b[first_err] = 99;
    let e = Message::parse(&b).unwrap_err();
    let Error::Decode(e) = e else { panic!("{e:?}") };
    assert_eq!(e.kind, ErrorKind::UnknownType { value: 99 });
    assert_eq!(e.offset, first_err + 4);
    assert_eq!(steps_of(&b), 3);

    // Adversarial: every byte value as the HDR's first payload type over junk.
    for kind in 0u8..=255 {
        let mut b = common::vector!("m3_psk_null_interval");
        b[2] = kind;
        let steps = steps_of(&b);
        assert!(steps <= b.len());
        let _ = Message::parse(&b);
    }
}
