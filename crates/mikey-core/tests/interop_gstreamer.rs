//! GStreamer oracle (GStreamer 1.22's GstSdp MIKEY API, called from Python) through
//! `tests/interop/gst_mikey.py`:
//! GStreamer parses our PSK-NULL messages and re-serialises them byte-identically, and we
//! parse the messages GStreamer builds. Only MIKEY-NULL shapes are sent: GStreamer 1.22
//! loops forever on V, ERR, ID, CERT, DH, SIGN, CHASH and general extension payloads
//! (see `gstreamer_hang_shapes.rs` for those), and the script runs under `timeout`.
//!
//! Needs Debian's `python3-gi gir1.2-gst-plugins-base-1.0 libgstreamer-plugins-base1.0-0`
//! and `/usr/bin/python3`; the test FAILS when they are missing.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use std::io::Write as _;
use std::process::{Command, Stdio};

use mikey_core::*;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/gst_mikey.py");
const PYTHON: &str = "/usr/bin/python3";

fn run(mode: &str, input: &str) -> String {
    let mut child = Command::new("timeout")
        .args(["60", PYTHON, SCRIPT, mode])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `timeout {PYTHON}`: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "GStreamer oracle failed (status {:?}). It needs Debian's python3-gi, \
         gir1.2-gst-plugins-base-1.0 and libgstreamer-plugins-base1.0-0 \
         (apt-get install -y python3-gi gir1.2-gst-plugins-base-1.0 \
         libgstreamer-plugins-base1.0-0).\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn build(h: &CommonHeader<'_>, payloads: &[Payload<'_>]) -> Vec<u8> {
    let mut buf = vec![0u8; 2048];
    let mut w = MessageWriter::new(&mut buf, h);
    for p in payloads {
        w.push(p);
    }
    let n = w.finish().unwrap();
    buf.truncate(n);
    buf
}

/// PSK-NULL messages built with our emitters.
fn ours() -> Vec<(&'static str, Vec<u8>)> {
    let cs = [
        SrtpCs {
            policy_no: 0,
            ssrc: 0xdead_beef,
            roc: 0,
        },
        SrtpCs {
            policy_no: 1,
            ssrc: 0,
            roc: 0x10,
        },
        SrtpCs {
            policy_no: 1,
            ssrc: 0xffff_ffff,
            roc: 1,
        },
    ];
    let h = |v, cs| CommonHeader {
        data_type: DataType::PskInit,
        v,
        prf_func: PrfFunc::Mikey1,
        csb_id: 0xfeed_f00d,
        cs_id_map: CsIdMap::SrtpId(List::Items(cs)),
    };
    let t = Payload::Timestamp(Timestamp {
        ts_type: TsType::NtpUtc,
        value: 0xec89_8da8_1234_5678,
    });
    let t_ntp = Payload::Timestamp(Timestamp {
        ts_type: TsType::Ntp,
        value: 0xec89_8da8_0000_0001,
    });
    let rand_b: Vec<u8> = (0x80..0x90).collect();
    let rand = Payload::Rand(Rand { rand: &rand_b });
    let all: Vec<SpParam<'_>> = [
        (0u8, 1u8),
        (1, 16),
        (2, 1),
        (3, 20),
        (4, 14),
        (5, 0),
        (6, 0),
        (7, 1),
        (8, 1),
        (9, 0),
        (10, 1),
        (11, 10),
        (12, 0),
    ]
    .iter()
    .map(|(k, v)| SpParam {
        kind: *k,
        value: std::slice::from_ref(v).to_vec().leak(),
    })
    .collect();
    let gcm: Vec<SpParam<'_>> = [
        (0u8, 6u8),
        (1, 16),
        (2, 0),
        (4, 12),
        (7, 1),
        (8, 1),
        (10, 1),
        (20, 16),
    ]
    .iter()
    .map(|(k, v)| SpParam {
        kind: *k,
        value: std::slice::from_ref(v).to_vec().leak(),
    })
    .collect();
    let sp0 = Payload::Sp(Sp {
        policy_no: 0,
        prot_type: ProtType::Srtp,
        params: List::Items(&all),
    });
    let sp1 = Payload::Sp(Sp {
        policy_no: 1,
        prot_type: ProtType::Srtp,
        params: List::Items(&gcm),
    });
    let key: Vec<u8> = (0..16).collect();
    let salt: Vec<u8> = (0x30..0x3e).collect();
    let kemac = |subs: &[Payload<'_>]| {
        let mut buf = [0u8; 512];
        let n = wire::emit_sub_payloads(subs, &mut buf).unwrap();
        buf[..n].to_vec()
    };
    let tek_salt_spi = kemac(&[Payload::KeyData(KeyData {
        key_type: KeyType::TekSalt,
        key: &key,
        salt: Some(&salt),
        kv: KeyValidity::Spi(&[0, 0, 0, 9]),
    })]);
    let tgk_interval = kemac(&[Payload::KeyData(KeyData {
        key_type: KeyType::Tgk,
        key: &key,
        salt: None,
        kv: KeyValidity::Interval {
            from: &[0; 6],
            to: &[0, 0, 0xff, 0xff, 0xff, 0xff],
        },
    })]);
    let key30: Vec<u8> = (0..30).collect();
    let tek30 = kemac(&[Payload::KeyData(KeyData {
        key_type: KeyType::Tek,
        key: &key30,
        salt: None,
        kv: KeyValidity::Null,
    })]);
    let key28: Vec<u8> = (0..28).collect();
    let tek28 = kemac(&[Payload::KeyData(KeyData {
        key_type: KeyType::Tek,
        key: &key28,
        salt: None,
        kv: KeyValidity::Spi(&[1, 2, 3, 4]),
    })]);
    let k = |data: &[u8]| {
        Payload::Kemac(Kemac {
            encr_alg: EncrAlg::Null,
            encr_data: data.to_vec().leak(),
            mac_alg: MacAlg::Null,
            mac: &[],
        })
    };
    vec![
        (
            "rfc_psk_null",
            build(&h(false, &cs[..1]), &[t, rand, sp0, k(&tek_salt_spi)]),
        ),
        (
            "three_cs_two_sp",
            build(&h(true, &cs), &[t, rand, sp0, sp1, k(&tgk_interval)]),
        ),
        (
            "camera_tek30",
            build(&h(false, &cs[..1]), &[t_ntp, rand, sp0, k(&tek30)]),
        ),
        (
            "gcm_tek28",
            build(&h(false, &cs[..1]), &[t, rand, sp1, k(&tek28)]),
        ),
        ("header_only", build(&h(false, &[]), &[])),
        ("m3", common::vector!("m3_psk_null_interval")),
        ("g1", common::vector!("g1_gst_psk_null")),
        ("onvif", common::vector!("onvif_pr555")),
        ("gortsplib_a", common::vector!("gortsplib_case_a")),
        ("java_1", common::vector!("java_tsitle_example1")),
    ]
}

#[test]
fn gstreamer_parses_and_reserialises_our_psk_null_messages() {
    let msgs = ours();
    let input: String = msgs
        .iter()
        .map(|(n, b)| format!("{n} {}\n", hex(b)))
        .collect();
    let out = run("parse", &input);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), msgs.len(), "GStreamer output:\n{out}");
    for ((name, bytes), line) in msgs.iter().zip(lines) {
        let f: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(f[0], *name);
        assert_eq!(f[1], "OK", "GStreamer rejected {name}");
        let ours = Message::parse(bytes).unwrap();
        assert_eq!(
            f[2].parse::<usize>().unwrap(),
            ours.payload_count(),
            "{name}: payload count"
        );
        assert_eq!(
            f[3].parse::<usize>().unwrap(),
            ours.header().cs_id_map.n_cs(),
            "{name}: #CS"
        );
        let reser = f.get(4).copied().unwrap_or("");
        assert_eq!(
            reser,
            hex(bytes),
            "{name}: GStreamer re-serialisation differs"
        );
    }
}

#[test]
fn we_parse_messages_gstreamer_builds() {
    let out = run("build", "");
    let mut seen = 0;
    for line in out.lines() {
        let (name, h) = line.split_once(' ').unwrap();
        let bytes = common::hex(h);
        let m = Message::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut again = vec![0u8; bytes.len()];
        assert_eq!(m.emit(&mut again), Ok(bytes.len()));
        assert_eq!(again, bytes, "{name}: re-emit differs");
        m.check_mode_rules().unwrap();
        let kemac = m.kemac().unwrap();
        let subs: Vec<_> = kemac
            .plain_sub_payloads(PayloadType::KeyData)
            .unwrap()
            .map(|p| p.unwrap().payload)
            .collect();
        let [Payload::KeyData(kd)] = subs[..] else {
            panic!("{name}: {subs:?}")
        };
        let Payload::Sp(sp) = m.find(PayloadType::Sp).unwrap().payload else {
            panic!()
        };
        match name {
            "gst_built_psk" => {
                seen += 1;
                assert_eq!(m.header().csb_id, 0x1234_5678);
                let CsIdMap::SrtpId(map) = m.header().cs_id_map else {
                    panic!()
                };
                assert_eq!(
                    map.get(1),
                    Some(SrtpCs {
                        policy_no: 1,
                        ssrc: 0x0102_0304,
                        roc: 7
                    })
                );
                assert_eq!(m.timestamp().unwrap().value, 0xe6a1_b2c3_0000_0000);
                assert_eq!(m.rand().unwrap(), (0u8..16).collect::<Vec<_>>());
                assert_eq!(sp.srtp_auth_tag_len(), Some(10));
                assert_eq!(kd.key_type, KeyType::TekSalt);
                assert_eq!(kd.key, (0x20u8..0x30).collect::<Vec<_>>());
                assert_eq!(kd.salt.unwrap(), (0x40u8..0x4e).collect::<Vec<_>>());
                assert_eq!(kd.kv, KeyValidity::Spi(&[0, 0, 0, 1]));
            }
            "gst_from_caps" => {
                seen += 1;
                let CsIdMap::SrtpId(map) = m.header().cs_id_map else {
                    panic!()
                };
                assert_eq!(map.get(0).unwrap().ssrc, 0x1122_3344);
                // GStreamer's layout: TEK = master key ‖ salt (30 bytes), tag length in
                // SP type 3 where RFC 3830 §6.10.1 has it in type 11 (docs/interop.md).
                assert_eq!(kd.key_type, KeyType::Tek);
                assert_eq!(kd.key, (0u8..30).collect::<Vec<_>>());
                assert_eq!(
                    sp.srtp_param(SrtpParamType::SessionAuthKeyLen)
                        .unwrap()
                        .uint(),
                    Some(10)
                );
                assert_eq!(sp.srtp_auth_tag_len(), Some(10));
                assert_eq!(m.rand().unwrap().len(), 16);
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(seen, 2);
}
