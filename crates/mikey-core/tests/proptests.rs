//! Property tests: `parse(emit(x)) == x` for every payload and for whole messages, and
//! "never panics" for `Message::parse` on arbitrary and on mutated real bytes.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use mikey_core::*;
use proptest::collection::vec;
use proptest::prelude::*;

/// Owned material from which a payload view is built.
#[derive(Debug, Clone)]
struct Spec {
    sel: u8,
    a: u8,
    b: u8,
    c: u8,
    v64: u64,
    d1: Vec<u8>,
    d2: Vec<u8>,
    d3: Vec<u8>,
    params: Vec<(u8, Vec<u8>)>,
    fixed: Vec<u8>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0u8..20,
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        any::<u64>(),
        vec(any::<u8>(), 0..300),
        vec(any::<u8>(), 0..40),
        vec(any::<u8>(), 0..40),
        vec((any::<u8>(), vec(any::<u8>(), 0..6)), 0..6),
        vec(any::<u8>(), 192..=192),
    )
        .prop_map(|(sel, a, b, c, v64, d1, d2, d3, params, fixed)| Spec {
            sel,
            a,
            b,
            c,
            v64,
            d1,
            d2,
            d3,
            params,
            fixed,
        })
}

fn pick<T: Copy>(options: &[T], i: u8) -> T {
    options[usize::from(i) % options.len()]
}

fn mac_alg(i: u8) -> (MacAlg, usize) {
    pick(
        &[
            (MacAlg::Null, 0),
            (MacAlg::HmacSha1_160, 20),
            (MacAlg::HmacSha256_256, 32),
        ],
        i,
    )
}

fn kv<'a>(s: &'a Spec, i: u8) -> KeyValidity<'a> {
    match i % 3 {
        0 => KeyValidity::Null,
        1 => KeyValidity::Spi(&s.d2),
        _ => KeyValidity::Interval {
            from: &s.d2,
            to: &s.d3,
        },
    }
}

fn build<'a>(s: &'a Spec, params: &'a [SpParam<'a>]) -> Payload<'a> {
    let big = &s.d1;
    match s.sel {
        0 => {
            let (mac_alg, n) = mac_alg(s.b);
            Payload::Kemac(Kemac {
                encr_alg: EncrAlg::from(s.a),
                encr_data: big,
                mac_alg,
                mac: &s.fixed[..n],
            })
        }
        1 => Payload::Pke(Pke {
            cache: PkeCache::from(s.a & 3),
            data: big,
        }),
        2 => {
            let (group, n) = pick(
                &[
                    (DhGroup::Oakley5, 192),
                    (DhGroup::Oakley1, 96),
                    (DhGroup::Oakley2, 128),
                ],
                s.a,
            );
            Payload::Dh(Dh {
                group,
                value: &s.fixed[..n],
                kv: kv(s, s.b),
            })
        }
        3 => Payload::Sign(Sign {
            s_type: SType::from(s.a & 0xf),
            signature: big,
        }),
        4 => {
            let ts_type = TsType::from(s.a % 4);
            let value = if ts_type.value_len() == Some(4) {
                s.v64 & 0xffff_ffff
            } else {
                s.v64
            };
            Payload::Timestamp(Timestamp { ts_type, value })
        }
        5 => Payload::Id(Id {
            id_type: IdType::from(s.a),
            data: big,
        }),
        6 => Payload::Cert(Cert {
            cert_type: CertType::from(s.a),
            data: big,
        }),
        7 => {
            let (hash_func, n) = pick(
                &[
                    (HashFunc::Sha1, 20),
                    (HashFunc::Md5, 16),
                    (HashFunc::Sha256, 32),
                ],
                s.a,
            );
            Payload::Chash(Chash {
                hash_func,
                hash: &s.fixed[..n],
            })
        }
        8 => {
            let (auth_alg, n) = mac_alg(s.a);
            Payload::V(Verification {
                auth_alg,
                ver_data: &s.fixed[..n],
            })
        }
        9 => Payload::Sp(Sp {
            policy_no: s.a,
            prot_type: ProtType::from(s.b),
            params: List::Items(params),
        }),
        10 => Payload::Rand(Rand {
            rand: &big[..big.len().min(255)],
        }),
        11 => Payload::Err(ErrorPayload {
            error_no: ErrorNo::from(s.a),
        }),
        12 => {
            let ts_type = TsType::from(s.b % 4);
            let value = if ts_type.value_len() == Some(4) {
                s.v64 & 0xffff_ffff
            } else {
                s.v64
            };
            Payload::Tr(Tr {
                role: TsRole::from(s.a),
                ts: Timestamp { ts_type, value },
            })
        }
        13 => Payload::Idr(Idr {
            role: IdRole::from(s.a),
            id_type: IdType::from(s.b),
            data: big,
        }),
        14 => Payload::Randr(Randr {
            role: RandRole::from(s.a),
            rand: &s.d2,
        }),
        15 | 16 => {
            let policy = TicketPolicyFields {
                ticket_type: TicketType::from(u16::from_be_bytes([s.a, s.b])),
                subtype: s.c,
                version: s.a,
                prf_func: PrfFunc::from(s.b & 0x7f),
                flags: TicketFlags(u16::from(s.c) << 4 | u16::from(s.a & 0xf)),
                reserved: s.b & 0x1f,
                tp_data: &s.d2,
            };
            if s.sel == 15 {
                Payload::Tp(TicketPolicy { policy })
            } else {
                Payload::Ticket(Ticket {
                    policy,
                    ticket_data: big,
                    initiator_data: &s.d3,
                })
            }
        }
        17 => {
            let key_type = KeyType::from(s.a % 7);
            let salt = key_type.has_salt().unwrap().then_some(&s.d3[..]);
            Payload::KeyData(KeyData {
                key_type,
                key: big,
                salt,
                kv: kv(s, s.b),
            })
        }
        18 => Payload::GeneralExt(GeneralExtension {
            ext_type: GenExtType::from(s.a),
            data: big,
        }),
        _ => Payload::Sakke(Sakke {
            params: SakkeParams::from(s.a),
            id_scheme: SakkeIdScheme::from(s.b),
            data: big,
        }),
    }
}

fn sp_params(s: &Spec) -> Vec<SpParam<'_>> {
    s.params
        .iter()
        .map(|(k, v)| SpParam { kind: *k, value: v })
        .collect()
}

fn header<'a>(s: &'a Spec, cs: &'a [SrtpCs], gen_cs: &'a [GenericCs<'a>]) -> CommonHeader<'a> {
    CommonHeader {
        data_type: DataType::from(s.a),
        v: s.b & 0x80 != 0,
        prf_func: PrfFunc::from(s.b & 0x7f),
        csb_id: (s.v64 >> 32) as u32,
        cs_id_map: match s.c % 3 {
            0 => CsIdMap::SrtpId(List::Items(cs)),
            1 => CsIdMap::Empty { n_cs: s.a },
            _ => CsIdMap::GenericId(List::Items(gen_cs)),
        },
    }
}

proptest! {
    #[test]
    fn payload_roundtrip(s in spec(), next in any::<u8>()) {
        let params = sp_params(&s);
        let p = build(&s, &params);
        let mut buf = vec![0x2a; 1024];
        let mut w = keying_tlv::Writer::new(&mut buf);
        let has_next = p.kind() != PayloadType::Sign;
        if has_next {
            w.u8(next);
        }
        p.write_body(&mut w);
        let n = w.finish().unwrap();
        // Parse through the MIKEY length function and the view.
        let len = wire::len_of(p.kind().to_wire(), keying_tlv::Reader::new(&buf[..n]));
        prop_assert_eq!(len, Ok(n));
        let mut r = keying_tlv::Reader::new(&buf[usize::from(has_next)..n]);
        let parsed = Payload::read_body(p.kind(), &mut r).unwrap();
        prop_assert!(r.is_empty());
        prop_assert_eq!(parsed, p);
        // And back: emit(parse(b)) == b.
        let mut again = vec![0x2a; 1024];
        let mut w = keying_tlv::Writer::new(&mut again);
        if has_next {
            w.u8(next);
        }
        parsed.write_body(&mut w);
        prop_assert_eq!(w.finish(), Ok(n));
        prop_assert_eq!(&again[..n], &buf[..n]);
    }

    #[test]
    fn message_roundtrip(h in spec(), specs in vec(spec(), 0..6), cs in vec((any::<u8>(), any::<u32>(), any::<u32>()), 0..4)) {
        let cs: Vec<_> = cs.iter().map(|&(policy_no, ssrc, roc)| SrtpCs { policy_no, ssrc, roc }).collect();
        let gen_cs: Vec<_> = cs.iter().map(|c| GenericCs {
            cs_id: c.policy_no,
            prot_type: ProtType::Srtp,
            s: c.ssrc & 1 == 1,
            policies: &h.d2[..h.d2.len().min(127)],
            session_data: &h.d3,
            spi: &h.d2,
        }).collect();
        let hdr = header(&h, &cs, &gen_cs);
        let params: Vec<_> = specs.iter().map(sp_params).collect();
        let mut payloads: Vec<_> = specs.iter().zip(&params).map(|(s, p)| build(s, p)).collect();
        // SIGN only last.
        let sign_at = payloads.iter().position(|p| p.kind() == PayloadType::Sign);
        if let Some(i) = sign_at {
            payloads.truncate(i + 1);
        }
        let mut buf = vec![0x2a; 8192];
        let mut w = MessageWriter::new(&mut buf, &hdr);
        for p in &payloads {
            w.push(p);
        }
        let n = w.finish().unwrap();
        let m = Message::parse(&buf[..n]).unwrap();
        prop_assert_eq!(m.header(), &hdr);
        let got: Vec<_> = m.payloads().map(|p| p.payload).collect();
        prop_assert_eq!(&got, &payloads);
        prop_assert!(m.payload_count() <= n);
        let mut again = vec![0u8; n];
        prop_assert_eq!(m.emit(&mut again), Ok(n));
        prop_assert_eq!(&again[..], &buf[..n]);
        // Every strict prefix is an error.
        for cut in (0..n).step_by(7) {
            prop_assert!(Message::parse(&buf[..cut]).is_err());
        }
        // Covered bytes are consistent with the ranges.
        if let Some(signed) = m.signed_bytes() {
            prop_assert_eq!(signed.len(), m.signature_range().unwrap().start);
        }
        if let Some(cov) = m.kemac_covered() {
            prop_assert_eq!(cov.message.len(), cov.mac.start);
        }
        let _ = m.check_mode_rules();
        let _ = m.check_timestamp();
    }

    #[test]
    fn parse_never_panics(bytes in vec(any::<u8>(), 0..600)) {
        if let Ok(m) = Message::parse(&bytes) {
            prop_assert!(m.payload_count() <= bytes.len());
            let _ = m.check_mode_rules();
            let _ = m.kemac_covered();
            let _ = m.verification_covered();
            let _ = m.signed_bytes();
        }
    }

    #[test]
    fn parse_never_panics_on_mutated_vectors(which in 0usize..6, flips in vec((any::<usize>(), any::<u8>()), 1..6)) {
        let vectors = [
            common::vector!("m3_psk_null_interval"),
            common::vector!("m5_dhhmac_init"),
            common::vector!("m9_error"),
            common::vector!("m10_two_cs_counter_genext"),
            common::vector!("m11_ticket_idr"),
            common::vector!("streamwide_gmk"),
        ];
        let mut b = vectors[which].clone();
        for (at, v) in flips {
            let i = at % b.len();
            b[i] = v;
        }
        if let Ok(m) = Message::parse(&b) {
            let mut out = vec![0u8; b.len() + 8];
            // Reserved bits may differ; the re-emitted message must parse to the same.
            let n = m.emit(&mut out).unwrap();
            let m2 = Message::parse(&out[..n]).unwrap();
            prop_assert_eq!(m2.header(), m.header());
            prop_assert!(m2.payloads().map(|p| p.payload).eq(m.payloads().map(|p| p.payload)));
        }
    }
}

proptest! {
    #[test]
    fn base64_roundtrip_and_strictness(data in vec(any::<u8>(), 0..200), junk in vec(any::<u8>(), 0..64)) {
        let mut enc = vec![0u8; 300];
        let n = base64::encode(&data, &mut enc).unwrap();
        prop_assert_eq!(Some(n), base64::encoded_len(data.len()));
        let mut dec = vec![0u8; 200];
        let m = base64::decode(&enc[..n], &mut dec).unwrap();
        prop_assert_eq!(&dec[..m], &data[..]);
        // Arbitrary input never panics; whatever decodes re-encodes to the same text.
        let mut out = vec![0u8; 64];
        if let Ok(k) = base64::decode(&junk, &mut out) {
            let mut again = vec![0u8; 128];
            let j = base64::encode(&out[..k], &mut again).unwrap();
            prop_assert_eq!(&again[..j], &junk[..]);
        }
    }

    #[test]
    fn key_mgmt_text_never_panics(s in "\\PC{0,200}") {
        for spec in sdp::parse_rtsp_header(&s) {
            let _ = spec;
        }
        let _ = sdp::sdp_attributes(&s).count();
        let _ = sdp::parse_sdp_attribute(&s);
        let _ = sdp::sdp_mikey_for_media(&s, 1);
    }
}
