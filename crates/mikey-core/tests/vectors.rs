//! Every message vector of tests/vectors/mikey (its README.md gives their provenance:
//! GStreamer's unit test, messages built with GStreamer or an independent encoder, and
//! published third-party messages): parse, field checks, byte-identical re-emit, per-mode rules.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;
use common::vector;

use mikey_core::*;

/// Parses, re-emits byte-identically, and returns the message.
fn roundtrip(bytes: &[u8]) -> Message<'_> {
    let msg = Message::parse(bytes).unwrap_or_else(|e| panic!("{e}"));
    let mut buf = vec![0x2a; bytes.len() + 16];
    let n = msg.emit(&mut buf).unwrap();
    assert_eq!(&buf[..n], bytes, "re-emit differs");
    // Every strict prefix is a typed error, never a panic.
    for cut in 0..bytes.len() {
        assert!(
            Message::parse(&bytes[..cut]).is_err(),
            "prefix {cut} parsed"
        );
    }
    msg
}

fn kinds(msg: &Message<'_>) -> Vec<PayloadType> {
    msg.payloads().map(|p| p.payload.kind()).collect()
}

use PayloadType as P;

#[test]
fn gstreamer_unit_test_headers() {
    let b = vector!("gst_unit_hdr");
    let m = roundtrip(&b);
    assert_eq!(m.data_type(), DataType::PskInit);
    assert_eq!(m.header().csb_id, 0x1234_5678);
    assert!(!m.header().v);
    assert_eq!(m.header().prf_func, PrfFunc::Mikey1);
    assert_eq!(m.payload_count(), 0);
    let b = vector!("gst_unit_hdr_2cs");
    let m = roundtrip(&b);
    let CsIdMap::SrtpId(map) = m.header().cs_id_map else {
        panic!()
    };
    let cs: Vec<_> = map.iter().collect();
    assert_eq!(
        cs,
        [
            SrtpCs {
                policy_no: 1,
                ssrc: 0x1234_5678,
                roc: 0
            },
            SrtpCs {
                policy_no: 2,
                ssrc: 0x2345_6789,
                roc: 1
            },
        ]
    );
}

fn check_psk_null(m: &Message<'_>) -> KeyData<'static> {
    let k = m.kemac().unwrap();
    assert_eq!(k.encr_alg, EncrAlg::Null);
    assert_eq!(k.mac_alg, MacAlg::Null);
    let subs: Vec<_> = k
        .plain_sub_payloads(P::KeyData)
        .unwrap()
        .map(|p| p.unwrap().payload)
        .collect();
    assert_eq!(subs.len(), 1);
    let Payload::KeyData(kd) = subs[0] else {
        panic!()
    };
    // Re-emitting the sub-payload chain gives the Encr data back.
    let mut buf = [0x2a; 256];
    let n = wire::emit_sub_payloads(&subs, &mut buf).unwrap();
    assert_eq!(&buf[..n], k.encr_data);
    KeyData {
        key_type: kd.key_type,
        key: kd.key.to_vec().leak(),
        salt: kd.salt.map(|s| &*s.to_vec().leak()),
        kv: match kd.kv {
            KeyValidity::Null => KeyValidity::Null,
            KeyValidity::Spi(s) => KeyValidity::Spi(s.to_vec().leak()),
            KeyValidity::Interval { from, to } => KeyValidity::Interval {
                from: from.to_vec().leak(),
                to: to.to_vec().leak(),
            },
        },
    }
}

#[test]
fn m3_psk_null_interval() {
    let b = vector!("m3_psk_null_interval");
    let m = roundtrip(&b);
    assert_eq!(kinds(&m), [P::Timestamp, P::Rand, P::Sp, P::Kemac]);
    assert_eq!(
        m.timestamp(),
        Some(Timestamp {
            ts_type: TsType::NtpUtc,
            value: 0xe6a1_b2c3_0000_0000
        })
    );
    assert_eq!(m.rand().unwrap(), (0u8..16).collect::<Vec<_>>());
    let kd = check_psk_null(&m);
    assert_eq!(kd.key_type, KeyType::TekSalt);
    assert_eq!(
        kd.kv,
        KeyValidity::Interval {
            from: &[0; 6],
            to: &[0, 0, 0xff, 0xff, 0xff, 0xff]
        }
    );
    m.check_mode_rules().unwrap();
    m.check_timestamp().unwrap();
    // PSK: the KEMAC MAC covers the whole message before the (empty) MAC.
    let cov = m.kemac_covered().unwrap();
    assert_eq!(cov.message, &b[..]);
    assert_eq!(cov.mac, b.len()..b.len());
}

#[test]
fn g1_gstreamer_psk_null() {
    let b = vector!("g1_gst_psk_null");
    let m = roundtrip(&b);
    assert_eq!(kinds(&m), [P::Timestamp, P::Rand, P::Sp, P::Kemac]);
    let Payload::Sp(sp) = m.find(P::Sp).unwrap().payload else {
        panic!()
    };
    assert_eq!(sp.policy_no, 0);
    assert_eq!(sp.prot_type, ProtType::Srtp);
    let params: Vec<_> = sp
        .params
        .iter()
        .map(|p| (p.srtp_type(), p.uint().unwrap()))
        .collect();
    assert_eq!(
        params,
        [
            (SrtpParamType::EncrAlg, 1),
            (SrtpParamType::SessionEncrKeyLen, 16),
            (SrtpParamType::AuthAlg, 1),
            (SrtpParamType::SessionAuthKeyLen, 20),
            (SrtpParamType::SessionSaltKeyLen, 14),
        ]
    );
    let kd = check_psk_null(&m);
    assert_eq!(kd.kv, KeyValidity::Spi(&[0, 0, 0, 1]));
    m.check_mode_rules().unwrap();
}

#[test]
fn m5_dhhmac_init() {
    let b = vector!("m5_dhhmac_init");
    let m = roundtrip(&b);
    assert_eq!(m.data_type(), DataType::DhHmacInit);
    assert_eq!(
        kinds(&m),
        [P::Timestamp, P::Rand, P::Id, P::Id, P::Dh, P::Kemac]
    );
    let ids: Vec<_> = m
        .find_all(P::Id)
        .map(|p| match p.payload {
            Payload::Id(id) => (id.id_type, id.data),
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        ids,
        [
            (IdType::Uri, &b"sip:alice@example.com"[..]),
            (IdType::Uri, &b"sip:bob@example.com"[..])
        ]
    );
    let Payload::Dh(dh) = m.find(P::Dh).unwrap().payload else {
        panic!()
    };
    assert_eq!(dh.group, DhGroup::Oakley2);
    assert_eq!(dh.value, [0xbb; 128]);
    let k = m.kemac().unwrap();
    assert_eq!(k.encr_data, []);
    assert_eq!(k.mac_alg, MacAlg::HmacSha1_160);
    // DHHMAC: the MAC covers the whole message up to the MAC (RFC 4650 §3).
    let cov = m.kemac_covered().unwrap();
    assert_eq!(cov.mac, b.len() - 20..b.len());
    assert_eq!(cov.message, &b[..b.len() - 20]);
    assert_eq!(&b[cov.mac.clone()], k.mac);
    m.check_mode_rules().unwrap();
}

#[test]
fn m9_error_with_v() {
    let b = vector!("m9_error");
    let m = roundtrip(&b);
    assert_eq!(m.data_type(), DataType::Error);
    let errs: Vec<_> = m
        .find_all(P::Err)
        .map(|p| match p.payload {
            Payload::Err(e) => e.error_no,
            _ => panic!(),
        })
        .collect();
    assert_eq!(errs, [ErrorNo::InvalidEa, ErrorNo::InvalidSp]);
    let v = m.verification().unwrap();
    assert_eq!(v.auth_alg, MacAlg::HmacSha1_160);
    let r = m.verification_mac_range().unwrap();
    assert_eq!(r, b.len() - 20..b.len());
    let cov = m.verification_covered().unwrap();
    assert_eq!(cov.first, &b[..b.len() - 20]);
    assert!(cov.second.is_empty());
    m.check_mode_rules().unwrap();
}

#[test]
fn m10_two_cs_counter_general_extensions() {
    let b = vector!("m10_two_cs_counter_genext");
    let m = roundtrip(&b);
    let CsIdMap::SrtpId(map) = m.header().cs_id_map else {
        panic!()
    };
    assert_eq!(
        map.get(0),
        Some(SrtpCs {
            policy_no: 1,
            ssrc: 0xdead_beef,
            roc: 7
        })
    );
    assert_eq!(
        map.get(1),
        Some(SrtpCs {
            policy_no: 2,
            ssrc: 0x0102_0304,
            roc: 0
        })
    );
    assert_eq!(
        m.timestamp(),
        Some(Timestamp {
            ts_type: TsType::Counter,
            value: 42
        })
    );
    let exts: Vec<_> = m
        .find_all(P::GeneralExt)
        .map(|p| match p.payload {
            Payload::GeneralExt(g) => (g.ext_type, g.data),
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        exts,
        [
            (GenExtType::SdpIds, &b"1 2"[..]),
            (GenExtType::VendorId, &b"ACME"[..])
        ]
    );
    let kd = check_psk_null(&m);
    assert_eq!(kd.key_type, KeyType::Tgk);
    assert_eq!(kd.key, [0x11; 16]);
    m.check_mode_rules().unwrap();
}

#[test]
fn m11_ticket_header_with_idr() {
    let b = vector!("m11_ticket_idr");
    let m = roundtrip(&b);
    // The encoder that built this vector meant data type 13 as "TRANSFER_INIT"; RFC 6043
    // Table 6.1 assigns 13 to REQUEST_RESP (TRANSFER_INIT is 14). We follow the RFC.
    assert_eq!(m.data_type(), DataType::RequestResp);
    assert_eq!(kinds(&m), [P::Timestamp, P::Rand, P::Idr, P::Idr]);
    let roles: Vec<_> = m
        .find_all(P::Idr)
        .map(|p| match p.payload {
            Payload::Idr(i) => (i.role, i.id_type),
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        roles,
        [
            (IdRole::Initiator, IdType::Uri),
            (IdRole::Responder, IdType::Uri)
        ]
    );
    m.check_mode_rules().unwrap();
}

#[test]
fn onvif_pr555_example() {
    let b = vector!("onvif_pr555");
    let m = roundtrip(&b);
    assert_eq!(m.header().csb_id, 0xfd6d_77d0);
    let CsIdMap::SrtpId(map) = m.header().cs_id_map else {
        panic!()
    };
    assert_eq!(
        map.get(0),
        Some(SrtpCs {
            policy_no: 0,
            ssrc: 0xc20f_551c,
            roc: 0
        })
    );
    assert_eq!(kinds(&m), [P::Timestamp, P::Sp, P::Kemac]);
    let t = m.timestamp().unwrap();
    assert_eq!(t.value, 0x01d3_8e19_cef9_5c3d);
    // The malformed timestamp is reported as what it is: a Windows FILETIME.
    let e = m.check_timestamp().unwrap_err();
    let Error::MalformedTimestamp {
        offset: 19,
        problem: TimestampProblem::WindowsFiletime { unix_seconds },
    } = e
    else {
        panic!("{e:?}")
    };
    // 2018-01-15 (UTC).
    assert_eq!(unix_seconds / 86_400, 17_546);
    assert_eq!(e.error_no(), ErrorNo::InvalidTs);
    // No RAND: RFC 3830 §3.1 requires one in a PSK I_MESSAGE.
    assert_eq!(
        m.check_mode_rules(),
        Err(Error::MissingPayload {
            payload: P::Rand,
            data_type: DataType::PskInit
        })
    );
    let Payload::Sp(sp) = m.find(P::Sp).unwrap().payload else {
        panic!()
    };
    assert_eq!(sp.srtp_auth_tag_len(), Some(10));
    let kd = check_psk_null(&m);
    assert_eq!(kd.key_type, KeyType::Tek);
    assert_eq!(kd.key.len(), 30);
    assert_eq!(kd.kv, KeyValidity::Spi(&[0, 0, 0, 0x2f]));
}

#[test]
fn gortsplib_and_java_camera_messages() {
    for b in [vector!("gortsplib_case_a"), vector!("java_tsitle_example1")] {
        let m = roundtrip(&b);
        assert_eq!(kinds(&m), [P::Timestamp, P::Rand, P::Sp, P::Kemac]);
        let Payload::Sp(sp) = m.find(P::Sp).unwrap().payload else {
            panic!()
        };
        // GStreamer layout: tag length 10 in type 3, no type 11 (RFC 3830 §6.10.1 puts
        // the authentication key length, 20, in type 3 and the tag length in type 11).
        assert_eq!(
            sp.srtp_param(SrtpParamType::SessionAuthKeyLen)
                .unwrap()
                .uint(),
            Some(10)
        );
        assert_eq!(sp.srtp_auth_tag_len(), Some(10));
        let kd = check_psk_null(&m);
        assert_eq!(kd.key_type, KeyType::Tek);
        assert_eq!(kd.key.len(), 30);
        m.check_mode_rules().unwrap();
        m.check_timestamp().unwrap();
    }
}

fn check_sakke(b: &[u8]) {
    let m = roundtrip(b);
    assert_eq!(m.data_type(), DataType::Sakke);
    assert_eq!(m.header().prf_func, PrfFunc::HmacSha256);
    assert_eq!(
        kinds(&m),
        [
            P::Timestamp,
            P::Rand,
            P::Idr,
            P::Idr,
            P::Idr,
            P::Idr,
            P::Sp,
            P::Sakke,
            P::GeneralExt,
            P::Sign
        ]
    );
    let roles: Vec<_> = m
        .find_all(P::Idr)
        .map(|p| match p.payload {
            Payload::Idr(i) => i.role.to_wire(),
            _ => panic!(),
        })
        .collect();
    assert_eq!(roles, [8, 9, 6, 7]);
    let Payload::Sakke(s) = m.find(P::Sakke).unwrap().payload else {
        panic!()
    };
    assert_eq!(s.params, SakkeParams::ParameterSet1);
    assert_eq!(s.id_scheme, SakkeIdScheme::Unknown(2));
    let (r, h) = s.encapsulated().unwrap();
    assert_eq!((r.len(), r[0], h.len()), (257, 4, 16));
    let Payload::Sp(sp) = m.find(P::Sp).unwrap().payload else {
        panic!()
    };
    let types: Vec<_> = sp.params.iter().map(|p| p.kind).collect();
    assert_eq!(types, [0, 1, 2, 4, 5, 6, 18, 19, 20]);
    assert_eq!(
        sp.srtp_param(SrtpParamType::EncrAlg).unwrap().uint(),
        Some(u64::from(SrtpEncrAlg::AesGcm.to_wire()))
    );
    let Payload::GeneralExt(g) = m.find(P::GeneralExt).unwrap().payload else {
        panic!()
    };
    assert_eq!(g.ext_type, GenExtType::SakkeParams3gpp);
    let sign = m.sign().unwrap();
    assert_eq!(sign.s_type, SType::Eccsi);
    assert_eq!(sign.signature.len(), 129);
    let range = m.signature_range().unwrap();
    assert_eq!(range, b.len() - 129..b.len());
    assert_eq!(m.signed_bytes().unwrap(), &b[..b.len() - 129]);
    m.check_mode_rules().unwrap();
    m.check_timestamp().unwrap();
}

#[test]
fn streamwide_sakke_pck() {
    let b = vector!("streamwide_pck");
    check_sakke(&b);
    let m = Message::parse(&b).unwrap();
    assert_eq!(m.header().csb_id, 0x1699_2638);
    assert_eq!(m.header().cs_id_map, CsIdMap::Empty { n_cs: 0 });
    assert_eq!(
        m.rand().unwrap(),
        common::hex("02a28bddaf984c5e0563bc1ce857df83")
    );
}

#[test]
fn streamwide_sakke_gmk_csk_generic_id() {
    for (b, cs_id, spi) in [
        (
            vector!("streamwide_gmk"),
            4,
            common::hex("0df9bc39 06a12aea"),
        ),
        (vector!("streamwide_csk"), 6, common::hex("2ddd5bf0")),
    ] {
        check_sakke(&b);
        let m = Message::parse(&b).unwrap();
        let CsIdMap::GenericId(map) = m.header().cs_id_map else {
            panic!()
        };
        let cs = map.get(0).unwrap();
        assert_eq!(map.len(), 1);
        assert_eq!(
            (cs.cs_id, cs.prot_type, cs.s),
            (cs_id, ProtType::Srtp, false)
        );
        assert_eq!(cs.policies, [0]);
        assert_eq!(cs.session_data, []);
        assert_eq!(cs.spi, &spi[..]);
    }
}

#[test]
fn streamwide_sakke_legacy_iwf_srtp_map() {
    let b = vector!("streamwide_gmk_legacy_iwf");
    check_sakke(&b);
    let m = Message::parse(&b).unwrap();
    let CsIdMap::SrtpId(map) = m.header().cs_id_map else {
        panic!()
    };
    assert_eq!(
        map.get(0),
        Some(SrtpCs {
            policy_no: 0,
            ssrc: 0xcafe_babe,
            roc: 0
        })
    );
    assert_eq!(map.len(), 2);
}
