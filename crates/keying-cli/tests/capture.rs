//! `keying decode CAPTURE` on captures written by outside tools at test time: `text2pcap`
//! (Wireshark) wrapping the committed vectors in UDP / IPv4 / IPv6 headers (pcap and
//! pcapng, Ethernet and raw IP), and Scapy writing SIP over UDP with an SDP key-mgmt
//! attribute, an RTSP SETUP over TCP with a KeyMgmt header, a GDOI PUSH on UDP 4500 after
//! the non-ESP marker and an ICMPv6 RtSolPr (pcap over Ethernet and Linux cooked capture,
//! pcapng). Frame numbers and times are checked against the times written into the
//! captures and against `tshark -T fields` on the same file, the decoded fields against
//! tshark's MIKEY / ISAKMP / FMIPv6 dissectors and the values the vectors are known to
//! carry, and every decode against the per-protocol subcommand on the same bytes.
//!
//! Needs `tshark` / `text2pcap` and Python 3 with Scapy; the tests fail when they are
//! missing (`bash .ci/test` runs .ci/install-tools, which installs them).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation,
    missing_docs
)]

mod common;
use common::*;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const KEK: &str = "000102030405060708090a0b0c0d0e0f2b7e151628aed2a6abf7158809cf4f3c";
const MN: &str = "2003::3049:deeb:fd31:70b0";
const AR: &str = "fe80::20a7:895c:2302:73f1";
const PAR: &str = "2003::1";
/// 2026-12-03T10:00:00Z.
const T0: u64 = 1_796_292_000;

fn require(tool: &str) {
    assert!(
        have_tool(tool),
        "{tool} is missing (Debian: apt-get install -y tshark, which also provides text2pcap)"
    );
}

fn require_scapy() {
    let ok = Command::new("python3")
        .args(["-c", "import scapy"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "Python 3 with Scapy is missing (python3 -m pip install scapy)"
    );
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("keying-cli-capture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Writes `messages` with `text2pcap ARGS` (each packet preceded by its ISO 8601 time
/// T0 + i + 0.25 s); returns the capture's path.
fn text2pcap(name: &str, args: &[&str], messages: &[Vec<u8>]) -> PathBuf {
    let mut dump = String::new();
    for (i, m) in messages.iter().enumerate() {
        let _ = writeln!(dump, "2026-12-03T10:00:{i:02}.250000Z");
        for (j, chunk) in m.chunks(16).enumerate() {
            let _ = write!(dump, "{:06x}", j * 16);
            for b in chunk {
                let _ = write!(dump, " {b:02x}");
            }
            dump.push('\n');
        }
        dump.push('\n');
    }
    let txt = tmp(&format!("{name}.txt"));
    let out = tmp(name);
    std::fs::write(&txt, dump).unwrap();
    let r = Command::new("text2pcap")
        .args(["-q", "-t", "ISO"])
        .args(args)
        .arg(&txt)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        r.status.success(),
        "text2pcap {args:?} failed: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    out
}

/// The times text2pcap was given, as tshark's `frame.time_epoch` prints them.
fn written_time(i: usize) -> String {
    format!("{}.250000000", T0 + i as u64)
}

/// `keying decode --json [extra] CAPTURE`: exit status, the array, standard error.
fn decode(pcap: &Path, extra: &[&str]) -> (i32, Vec<Json>, String) {
    let mut args = vec!["decode", "--json"];
    args.extend_from_slice(extra);
    let p = pcap.to_str().unwrap();
    args.push(p);
    let r = keying(&args);
    assert_eq!(r.out.lines().count(), 1, "one line of JSON: {}", r.err);
    if have_python() {
        python_json_ok(&r.out);
    }
    (r.code, Json::parse(&r.out).arr().to_vec(), r.err)
}

/// The per-protocol subcommand's JSON for the same bytes.
fn subcommand(args: &[&str], bytes: &[u8]) -> Json {
    let mut a = args.to_vec();
    a.insert(2, "--json");
    let h = hex(bytes);
    a.push(&h);
    Json::parse(&keying(&a).out)
}

fn hexnum(s: &str) -> u64 {
    u64::from_str_radix(s.trim_start_matches("0x"), 16).unwrap()
}

const MIKEY: &[&str] = &[
    "gst_unit_hdr_2cs",
    "m3_psk_null_interval",
    "m9_error",
    "m10_two_cs_counter_genext",
    "g1_gst_psk_null",
    "gortsplib_case_a",
    "java_tsitle_example1",
    "streamwide_gmk_legacy_iwf",
];

/// The text2pcap options of each capture variant: (name, format and link type options).
const VARIANTS: &[(&str, &[&str])] = &[
    ("eth.pcap", &["-F", "pcap"]),
    ("eth.pcapng", &["-F", "pcapng"]),
    ("raw.pcap", &["-F", "pcap", "-l", "101"]),
    ("raw.pcapng", &["-F", "pcapng", "-l", "101"]),
];

fn opts<'a>(variant: &[&'a str], more: &[&'a str]) -> Vec<&'a str> {
    [variant, more].concat()
}

#[test]
fn text2pcap_mikey_over_udp_ipv6() {
    require("tshark");
    require("text2pcap");
    let msgs: Vec<Vec<u8>> = MIKEY
        .iter()
        .map(|n| vector(&format!("mikey/{n}.hex")))
        .collect();
    for (variant, o) in VARIANTS {
        let name = format!("mikey-{variant}");
        let more = ["-6", "2001:db8::1,2001:db8::2", "-u", "2269,2269"];
        let pcap = text2pcap(&name, &opts(o, &more), &msgs);
        let rows = tshark_fields(
            &pcap,
            &[],
            &[
                "frame.number",
                "frame.time_epoch",
                "mikey.csb_id",
                "mikey.type",
            ],
        );
        let (code, items, err) = decode(&pcap, &[]);
        assert_eq!(code, 0, "{variant}: {err}");
        assert_eq!(items.len(), MIKEY.len(), "{variant}");
        assert_eq!(rows.len(), MIKEY.len(), "{variant}");
        for (i, ((item, row), m)) in items.iter().zip(&rows).zip(&msgs).enumerate() {
            let what = format!("{variant} {}", MIKEY[i]);
            assert_eq!(item.get("frame").num(), i as u64 + 1, "{what}");
            assert_eq!(row[0], (i + 1).to_string(), "{what}");
            assert_eq!(item.get("time").str(), written_time(i), "{what}");
            assert_eq!(item.get("time").str(), row[1], "{what}");
            assert_eq!(item.get("protocol").str(), "mikey", "{what}");
            assert_eq!(item.get("carrier").str(), "udp/2269", "{what}");
            assert_eq!(item.get("src").str(), "2001:db8::1", "{what}");
            let d = item.get("decode");
            assert_eq!(d.get("csb_id").num(), hexnum(&row[2]), "{what}");
            assert_eq!(d.at("data_type.value").num().to_string(), row[3], "{what}");
            assert_eq!(d, &subcommand(&["mikey", "decode"], m), "{what}");
        }
        // Values the vectors are known to carry (tests/vectors/mikey/README.md).
        assert_eq!(items[0].at("decode.csb_id").num(), 0x1234_5678);
        assert_eq!(
            items[0].at("decode.cs_id_map.entries.1.ssrc").num(),
            0x2345_6789
        );
        assert_eq!(
            items[1].at("decode.cs_id_map.entries.0.ssrc").num(),
            0xdead_beef
        );
    }
}

#[test]
fn text2pcap_gdoi_over_udp_ipv4_with_kek_and_gcks_key() {
    require("tshark");
    require("text2pcap");
    let names = ["ack_sha256", "ack_sha512", "push_wire"];
    let msgs: Vec<Vec<u8>> = names
        .iter()
        .map(|n| vector(&format!("gdoi/{n}.hex")))
        .collect();
    let key = tmp("gcks_p256_spki.der");
    std::fs::write(&key, vector("gdoi/gcks_p256_spki.hex")).unwrap();
    let key = key.to_str().unwrap().to_owned();
    for (variant, o) in VARIANTS {
        let more = ["-4", "192.0.2.1,192.0.2.2", "-u", "848,848"];
        let pcap = text2pcap(&format!("gdoi-{variant}"), &opts(o, &more), &msgs);
        let rows = tshark_fields(
            &pcap,
            &["-d", "udp.port==848,isakmp"],
            &[
                "frame.time_epoch",
                "isakmp.ispi",
                "isakmp.exchangetype",
                "isakmp.length",
            ],
        );
        let (code, items, err) = decode(&pcap, &["--kek", KEK, "--gcks-key", &key]);
        assert_eq!(code, 0, "{variant}: {err}");
        assert_eq!((items.len(), rows.len()), (3, 3), "{variant}");
        for (i, ((item, row), m)) in items.iter().zip(&rows).zip(&msgs).enumerate() {
            let what = format!("{variant} {}", names[i]);
            assert_eq!(item.get("frame").num(), i as u64 + 1, "{what}");
            assert_eq!(item.get("time").str(), written_time(i), "{what}");
            assert_eq!(item.get("time").str(), row[0], "{what}");
            assert_eq!(item.get("protocol").str(), "gdoi", "{what}");
            assert_eq!(item.get("src").str(), "192.0.2.1", "{what}");
            let d = item.get("decode");
            assert_eq!(d.at("header.initiator_cookie").str(), row[1], "{what}");
            assert_eq!(
                d.at("header.exchange.value").num().to_string(),
                row[2],
                "{what}"
            );
            assert_eq!(d.at("header.length").num().to_string(), row[3], "{what}");
            let want = subcommand(&["gdoi", "decode", "--kek", KEK, "--gcks-key", &key], m);
            assert_eq!(d, &want, "{what}");
        }
        assert_eq!(items[0].at("decode.hash_check.ok"), &Json::Bool(true));
        assert_eq!(items[1].at("decode.hash_check.ok"), &Json::Bool(true));
        let push = items[2].get("decode");
        assert_eq!(push.get("decrypted"), &Json::Bool(true));
        assert_eq!(push.at("payloads.0.seq").num(), 2);
        assert_eq!(push.get("sig_ok"), &Json::Bool(true));
    }
}

#[test]
fn text2pcap_fmipv6_and_mobility_header_over_ipv6() {
    require("tshark");
    require("text2pcap");
    let cases = [
        ("rtsolpr_icmpv6.bin", MN, AR, "58"),
        ("prrtadv_icmpv6.bin", AR, MN, "58"),
        ("fbu_mh.bin", MN, PAR, "135"),
    ];
    for (variant, o) in VARIANTS {
        for (file, src, dst, proto) in cases {
            let m = vector(&format!("send-hokey/{file}"));
            let addrs = format!("{src},{dst}");
            let more = ["-6", addrs.as_str(), "-i", proto];
            let pcap = text2pcap(
                &format!("{file}-{variant}"),
                &opts(o, &more),
                std::slice::from_ref(&m),
            );
            let rows = tshark_fields(
                &pcap,
                &[],
                &[
                    "frame.time_epoch",
                    "icmpv6.fmip6.subtype",
                    "icmpv6.fmip6.identifier",
                    "mip6.fbu.seqnr",
                ],
            );
            let (code, items, err) = decode(&pcap, &[]);
            let what = format!("{variant} {file}");
            assert_eq!(code, 0, "{what}: {err}");
            assert_eq!((items.len(), rows.len()), (1, 1), "{what}");
            let (item, row) = (&items[0], &rows[0]);
            assert_eq!(item.get("frame").num(), 1, "{what}");
            assert_eq!(item.get("time").str(), row[0], "{what}");
            assert_eq!(item.get("protocol").str(), "nd", "{what}");
            let d = item.get("decode");
            assert_eq!(d.get("checksum_ok"), &Json::Bool(true), "{what}");
            if proto == "58" {
                assert_eq!(item.get("carrier").str(), "icmpv6");
                assert_eq!(d.at("message.subtype.value").num().to_string(), row[1]);
                assert_eq!(d.at("message.identifier").num().to_string(), row[2]);
                assert_eq!(d.at("send.ok"), &Json::Bool(true), "{what}");
            } else {
                assert_eq!(item.get("carrier").str(), "mobility-header");
                assert_eq!(d.get("kind").str(), "mobility");
                assert_eq!(d.at("message.sequence").num().to_string(), row[3]);
            }
            let want = subcommand(&["nd", "decode", "--src", src, "--dst", dst], &m);
            assert_eq!(d, &want, "{what}");
        }
    }
}

/// The Scapy script: argv is the output directory, the base64 of the MIKEY message in the
/// SIP INVITE, the base64 of the one in the RTSP SETUP, and the hex of the GDOI PUSH.
const SCAPY: &str = r#"
import sys
from scapy.all import Ether, IP, IPv6, UDP, TCP, Raw, DNS, DNSQR, CookedLinux, wrpcap, wrpcapng
from scapy.layers.inet6 import ICMPv6Unknown
from scapy.layers.ipsec import NON_ESP
out, sip_b64, rtsp_b64, push_hex = sys.argv[1:5]
sdp = ("v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
       "a=key-mgmt:mikey " + sip_b64 + "\r\n"
       "m=audio 49170 RTP/SAVP 0\r\n")
sip = ("INVITE sip:bob@example.com SIP/2.0\r\n"
       "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds\r\n"
       "Max-Forwards: 70\r\nTo: <sip:bob@example.com>\r\n"
       "From: <sip:alice@example.com>;tag=1928301774\r\n"
       "Call-ID: a84b4c76e66710@192.0.2.10\r\nCSeq: 314159 INVITE\r\n"
       "Contact: <sip:alice@192.0.2.10>\r\nContent-Type: application/sdp\r\n"
       "Content-Length: %d\r\n\r\n%s" % (len(sdp), sdp))
rtsp = ("SETUP rtsp://192.0.2.20/stream/track1 RTSP/1.0\r\nCSeq: 3\r\n"
        "Transport: RTP/SAVP;unicast;client_port=4588-4589\r\n"
        'KeyMgmt: prot=mikey; uri="rtsp://192.0.2.20/stream"; data="' + rtsp_b64 + '"\r\n\r\n')
rtsolpr = bytes([2, 0, 0x12, 0x34,  # subtype RtSolPr, reserved, identifier 0x1234
                 19, 2, 1, 0x02, 0, 0, 0, 0, 0xaa, 0, 0, 0, 0, 0, 0, 0])  # LLA of the new AP
l3 = [
    IP(src="192.0.2.10", dst="192.0.2.30") / UDP(sport=5060, dport=5060) / Raw(sip.encode()),
    IP(src="192.0.2.10", dst="192.0.2.20") / TCP(sport=40000, dport=554, flags="PA", seq=1000)
        / Raw(rtsp.encode()),
    IP(src="192.0.2.10", dst="192.0.2.53") / UDP(sport=5353, dport=53) / DNS(qd=DNSQR(qname="example.com")),
    IP(src="192.0.2.1", dst="192.0.2.40") / UDP(sport=4500, dport=4500) / NON_ESP()
        / Raw(bytes.fromhex(push_hex)),
    IPv6(src="2001:db8::10", dst="2001:db8::1") / ICMPv6Unknown(type=154, code=0, msgbody=rtsolpr),
]
times = [1700000000.125, 1700000001.5, 1700000002, 1700000002.75, 1700000003.000001]
def stamp(pkts):
    for p, t in zip(pkts, times):
        p.time = t
    return pkts
eth = stamp([Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / p for p in l3])
wrpcap(out + "/scapy-eth.pcap", eth)
wrpcapng(out + "/scapy-eth.pcapng", eth)
sll = stamp([CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=b"\x02\0\0\0\0\x01\0\0",
                         proto=(0x86dd if p.version == 6 else 0x0800)) / p for p in l3])
wrpcap(out + "/scapy-sll.pcap", sll)
"#;

#[test]
fn scapy_sip_rtsp_nat_t_and_rtsolpr() {
    require("tshark");
    require_scapy();
    // SIP carries m3 (CSB 0x12345678, SSRC 0xdeadbeef); RTSP a PSK I_MESSAGE built here.
    let sip_msg = vector("mikey/m3_psk_null_interval.hex");
    let psk = "00112233445566778899aabbccddeeff";
    let r = keying(&[
        "mikey",
        "psk-init",
        "--psk",
        psk,
        "--ssrc",
        "0xcafebabe",
        "--csb-id",
        "0x01020304",
        "--time",
        "0xe6a1b2c300000000",
    ]);
    assert_eq!(r.code, 0, "{}", r.err);
    let rtsp_msg = keying_cli::input::hex(r.out.trim()).unwrap();
    let push = vector("gdoi/push_wire.hex");
    let b64 = |m: &[u8]| {
        let mut out = vec![0u8; m.len() * 2 + 4];
        let n = mikey_core::base64::encode(m, &mut out).unwrap();
        String::from_utf8(out[..n].to_vec()).unwrap()
    };
    let dir = tmp("scapy");
    std::fs::create_dir_all(&dir).unwrap();
    let r = Command::new("python3")
        .args(["-c", SCAPY])
        .arg(&dir)
        .args([b64(&sip_msg), b64(&rtsp_msg), hex(&push)])
        .output()
        .unwrap();
    assert!(
        r.status.success(),
        "the Scapy script failed: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    let key = tmp("scapy-gcks.der");
    std::fs::write(&key, vector("gdoi/gcks_p256_spki.hex")).unwrap();
    for file in ["scapy-eth.pcap", "scapy-eth.pcapng", "scapy-sll.pcap"] {
        let pcap = dir.join(file);
        let (code, items, err) = decode(
            &pcap,
            &[
                "--psk",
                psk,
                "--kek",
                KEK,
                "--gcks-key",
                key.to_str().unwrap(),
            ],
        );
        // m3's KEKMAC MAC alg is NULL: --psk reports it unauthenticated (a failed check).
        assert_eq!(code, 1, "{file}: {err}");
        assert!(err.contains("frame 1: check failed"), "{file}: {err}");
        assert!(err.contains("MAC alg is NULL"), "{file}: {err}");
        let frames: Vec<u64> = items.iter().map(|i| i.get("frame").num()).collect();
        assert_eq!(
            frames,
            [1, 2, 4, 5],
            "{file}: the DNS query (frame 3) carries none"
        );
        let protocols: Vec<&str> = items.iter().map(|i| i.get("protocol").str()).collect();
        assert_eq!(protocols, ["mikey", "mikey", "gdoi", "nd"], "{file}");
        let carriers: Vec<&str> = items.iter().map(|i| i.get("carrier").str()).collect();
        assert_eq!(
            carriers,
            [
                "sdp a=key-mgmt/udp",
                "rtsp KeyMgmt/tcp",
                "udp/4500 non-ESP",
                "icmpv6"
            ],
            "{file}"
        );
        let times: Vec<&str> = items.iter().map(|i| i.get("time").str()).collect();
        assert_eq!(
            times,
            [
                "1700000000.125000000",
                "1700000001.500000000",
                "1700000002.750000000",
                "1700000003.000001000"
            ],
            "{file}"
        );
        assert_eq!(items[0].get("utc").str(), "2023-11-14T22:13:20.125000000Z");
        // tshark on the same file: frame times, and what its SIP / SDP / MIKEY, ISAKMP and
        // ICMPv6 dissectors read.
        let rows = tshark_fields(
            &pcap,
            &[],
            &[
                "frame.number",
                "frame.time_epoch",
                "mikey.csb_id",
                "isakmp.ispi",
                "isakmp.exchangetype",
                "icmpv6.fmip6.identifier",
            ],
        );
        assert_eq!(rows.len(), 5, "{file}");
        for item in &items {
            let row = &rows[item.get("frame").num() as usize - 1];
            assert_eq!(row[0], item.get("frame").num().to_string(), "{file}");
            assert_eq!(row[1], item.get("time").str(), "{file}");
        }
        // SIP / SDP: m3, the keys of its NULL / NULL KEMAC shown unauthenticated.
        let sip = items[0].get("decode");
        assert_eq!(sip.get("csb_id").num(), 0x1234_5678);
        assert_eq!(
            hexnum(&rows[0][2]),
            0x1234_5678,
            "{file}: tshark's SDP MIKEY"
        );
        assert_eq!(sip.at("cs_id_map.entries.0.ssrc").num(), 0xdead_beef);
        assert_eq!(sip.get("mac_ok"), &Json::Bool(false));
        assert_eq!(
            sip,
            &subcommand(&["mikey", "decode", "--psk", psk], &sip_msg)
        );
        // RTSP over TCP: the MAC verifies with the PSK, the SRTP keys are derived.
        let rtsp = items[1].get("decode");
        assert_eq!(rtsp.get("csb_id").num(), 0x0102_0304);
        assert_eq!(rtsp.get("mac_ok"), &Json::Bool(true));
        assert_eq!(rtsp.at("srtp.0.ssrc").num(), 0xcafe_babe);
        assert_eq!(rtsp.at("srtp.0.master_key").str().len(), 32);
        assert_eq!(
            rtsp,
            &subcommand(&["mikey", "decode", "--psk", psk], &rtsp_msg)
        );
        // UDP 4500, after the non-ESP marker: the PUSH, decrypted and its signature checked.
        let gdoi = items[2].get("decode");
        assert_eq!(gdoi.at("header.initiator_cookie").str(), rows[3][3]);
        assert_eq!(gdoi.at("header.initiator_cookie").str(), "1122334455667788");
        assert_eq!(
            gdoi.at("header.exchange.value").num().to_string(),
            rows[3][4]
        );
        assert_eq!(gdoi.at("payloads.0.seq").num(), 2);
        assert_eq!(gdoi.get("sig_ok"), &Json::Bool(true));
        // The RtSolPr Scapy built (its checksum Scapy's).
        let nd = items[3].get("decode");
        assert_eq!(items[3].get("src").str(), "2001:db8::10");
        assert_eq!(nd.get("kind").str(), "fmipv6");
        assert_eq!(nd.at("message.subtype.name").str(), "RtSolPr");
        assert_eq!(nd.at("message.identifier").num(), 0x1234);
        assert_eq!(rows[4][5], "4660", "{file}: tshark's identifier");
        assert_eq!(nd.get("checksum_ok"), &Json::Bool(true));
        assert_eq!(nd.at("options.0.mac").str(), "02:00:00:00:00:aa");
    }
}

/// An RTSP SETUP whose KeyMgmt header is split across two TCP segments (mid base64), the
/// first one retransmitted in between: argv is the output file and the base64.
const SCAPY_SPLIT: &str = r#"
import sys
from scapy.all import Ether, IP, TCP, Raw, wrpcap
out, b64 = sys.argv[1:3]
rtsp = ("SETUP rtsp://192.0.2.20/stream/track1 RTSP/1.0\r\nCSeq: 3\r\n"
        "Transport: RTP/SAVP;unicast;client_port=4588-4589\r\n"
        'KeyMgmt: prot=mikey; uri="rtsp://192.0.2.20/stream"; data="' + b64 + '"\r\n\r\n').encode()
cut = rtsp.index(b"data=") + 20
def seg(seq, data, t):
    p = (Ether() / IP(src="192.0.2.10", dst="192.0.2.20")
         / TCP(sport=40000, dport=554, flags="PA", seq=seq, ack=1) / Raw(data))
    p.time = t
    return p
wrpcap(out, [seg(1000, rtsp[:cut], 1700000000.0), seg(1000, rtsp[:cut], 1700000000.2),
             seg(1000 + cut, rtsp[cut:], 1700000000.4)])
"#;

#[test]
fn scapy_rtsp_keymgmt_split_across_tcp_segments() {
    require("tshark");
    require_scapy();
    let m = vector("mikey/gortsplib_case_a.hex");
    let mut b64 = vec![0u8; m.len() * 2 + 4];
    let n = mikey_core::base64::encode(&m, &mut b64).unwrap();
    let pcap = tmp("split.pcap");
    let r = Command::new("python3")
        .args(["-c", SCAPY_SPLIT])
        .arg(&pcap)
        .arg(std::str::from_utf8(&b64[..n]).unwrap())
        .output()
        .unwrap();
    assert!(
        r.status.success(),
        "the Scapy script failed: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    let (code, items, err) = decode(&pcap, &[]);
    assert_eq!(code, 0, "{err}");
    // One message, at the frame that completes the header (not the retransmission).
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0].get("frame").num(), 3);
    assert_eq!(items[0].get("time").str(), "1700000000.400000000");
    assert_eq!(items[0].get("carrier").str(), "rtsp KeyMgmt/tcp");
    assert_eq!(
        items[0].get("decode"),
        &subcommand(&["mikey", "decode"], &m)
    );
    // tshark reassembles the RTSP request at the same frame (it does not dissect the
    // KeyMgmt header's MIKEY: the decode is checked against the subcommand above).
    let rows = tshark_fields(
        &pcap,
        &["-Y", "rtsp.request"],
        &["frame.number", "rtsp.method"],
    );
    assert_eq!(rows, [["3", "SETUP"]]);
}

#[test]
fn capture_errors() {
    // Not a capture: exit 1 with a message; a missing file: exit 1.
    let r = keying(&["decode", &vector_path("gdoi/push_wire.hex")]);
    assert_eq!(r.code, 1, "{}", r.err);
    assert!(r.err.contains("not a readable pcap or pcapng"), "{}", r.err);
    let r = keying(&["decode", "/nonexistent/capture.pcap"]);
    assert_eq!(r.code, 1);
    // A malformed --kek is a usage error, as for `keying gdoi decode`.
    let r = keying(&[
        "decode",
        "--kek",
        "00",
        &vector_path("send-hokey/hokey.pcap"),
    ]);
    assert_eq!(r.code, 2);
    // The committed capture: three messages, the text output names the frames.
    let r = keying(&["decode", &vector_path("send-hokey/hokey.pcap")]);
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.starts_with("- frame: 1\n"), "{}", r.out);
    assert!(r.out.contains("- frame: 3\n"), "{}", r.out);
    // A capture cut in the middle of a frame: what was read, then exit 1.
    let full = std::fs::read(vector_path("send-hokey/hokey.pcap")).unwrap();
    let cut = tmp("cut.pcap");
    std::fs::write(&cut, &full[..full.len() - 10]).unwrap();
    let (code, items, err) = decode(&cut, &[]);
    assert_eq!(code, 1);
    assert_eq!(items.len(), 2);
    assert!(err.contains("truncated"), "{err}");
}
