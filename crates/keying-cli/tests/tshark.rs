//! The `keying` binary against what Wireshark sees: the same messages written to pcap files
//! (`text2pcap`) or read from the committed capture (`hokey.pcap`), decoded by `tshark` and
//! by `keying --json`, compared field by field. Needs Debian's `tshark` (which provides
//! `text2pcap`); the test fails when it is missing, like the other interop tests
//! (`bash .ci/test` installs it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;
use common::*;

use std::fmt::Write as _;
use std::net::Ipv6Addr;
use std::process::Command;

fn require(tool: &str) {
    assert!(
        have_tool(tool),
        "{tool} is missing (Debian: apt-get install -y tshark, which also provides text2pcap)"
    );
}

/// Runs the real binary, returns (exit code, stdout).
fn bin(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_keying"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// Writes `messages` as UDP datagrams between `port`s into a pcap; returns its path.
fn udp_pcap(name: &str, port: u16, messages: &[Vec<u8>]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("keying-cli-tshark-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut dump = String::new();
    for m in messages {
        for (i, chunk) in m.chunks(16).enumerate() {
            let _ = write!(dump, "{:06x}", i * 16);
            for b in chunk {
                let _ = write!(dump, " {b:02x}");
            }
            dump.push('\n');
        }
        dump.push('\n');
    }
    let txt = dir.join(format!("{name}.txt"));
    let pcap = dir.join(format!("{name}.pcap"));
    std::fs::write(&txt, dump).unwrap();
    let st = Command::new("text2pcap")
        .args(["-q", "-u", &format!("{port},{port}")])
        .arg(&txt)
        .arg(&pcap)
        .status()
        .unwrap();
    assert!(st.success(), "text2pcap failed");
    pcap
}

#[test]
fn mikey_fields_match_tshark() {
    require("tshark");
    require("text2pcap");
    let names = [
        "gst_unit_hdr_2cs",
        "m3_psk_null_interval",
        "m9_error",
        "m10_two_cs_counter_genext",
        "g1_gst_psk_null",
        "gortsplib_case_a",
        "java_tsitle_example1",
        "streamwide_gmk_legacy_iwf",
    ];
    let msgs: Vec<Vec<u8>> = names
        .iter()
        .map(|n| vector(&format!("mikey/{n}.hex")))
        .collect();
    let pcap = udp_pcap("mikey", 2269, &msgs);
    let rows = tshark_fields(
        &pcap,
        &[],
        &[
            "mikey.version",
            "mikey.type",
            "mikey.csb_id",
            "mikey.prf_func",
        ],
    );
    assert_eq!(rows.len(), names.len());
    for ((name, m), row) in names.iter().zip(&msgs).zip(&rows) {
        let (code, out) = bin(&["mikey", "decode", "--json", &hex(m)]);
        assert_eq!(code, 0, "{name}");
        let v = Json::parse(&out);
        assert_eq!(row[0], v.get("version").num().to_string(), "{name}");
        assert_eq!(row[1], v.at("data_type.value").num().to_string(), "{name}");
        assert_eq!(row[2], format!("0x{:08x}", v.get("csb_id").num()), "{name}");
        assert_eq!(row[3], v.at("prf_func.value").num().to_string(), "{name}");
    }
}

#[test]
fn gdoi_fields_match_tshark() {
    require("tshark");
    require("text2pcap");
    let names = ["ack_sha256", "ack_sha512", "push_wire"];
    let msgs: Vec<Vec<u8>> = names
        .iter()
        .map(|n| vector(&format!("gdoi/{n}.hex")))
        .collect();
    let pcap = udp_pcap("gdoi", 848, &msgs);
    // UDP 848 (GDOI) is not one of Wireshark's ISAKMP ports.
    let rows = tshark_fields(
        &pcap,
        &["-d", "udp.port==848,isakmp"],
        &[
            "isakmp.ispi",
            "isakmp.rspi",
            "isakmp.nextpayload",
            "isakmp.exchangetype",
            "isakmp.length",
        ],
    );
    assert_eq!(rows.len(), names.len());
    for ((name, m), row) in names.iter().zip(&msgs).zip(&rows) {
        let (code, out) = bin(&["gdoi", "decode", "--json", &hex(m)]);
        assert_eq!(code, 0, "{name}");
        let v = Json::parse(&out);
        assert_eq!(row[0], v.at("header.initiator_cookie").str(), "{name}");
        assert_eq!(row[1], v.at("header.responder_cookie").str(), "{name}");
        // tshark may list the next payload of every payload: the first is the header's.
        assert_eq!(
            row[2].split(',').next().unwrap(),
            v.at("header.next_payload.value").num().to_string(),
            "{name}"
        );
        assert_eq!(
            row[3],
            v.at("header.exchange.value").num().to_string(),
            "{name}"
        );
        assert_eq!(row[4], v.at("header.length").num().to_string(), "{name}");
    }
}

/// The IPv6 packets of an Ethernet pcap: (src, dst, upper-layer protocol, payload).
fn ipv6_packets(pcap: &[u8]) -> Vec<(Ipv6Addr, Ipv6Addr, u8, Vec<u8>)> {
    assert_eq!(&pcap[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "little-endian pcap");
    let mut out = Vec::new();
    let mut at = 24;
    while at + 16 <= pcap.len() {
        let caplen = u32::from_le_bytes(pcap[at + 8..at + 12].try_into().unwrap()) as usize;
        let frame = &pcap[at + 16..at + 16 + caplen];
        at += 16 + caplen;
        assert_eq!(&frame[12..14], &[0x86, 0xdd], "IPv6 over Ethernet");
        let ip = &frame[14..];
        let src = Ipv6Addr::from(<[u8; 16]>::try_from(&ip[8..24]).unwrap());
        let dst = Ipv6Addr::from(<[u8; 16]>::try_from(&ip[24..40]).unwrap());
        let mut next = ip[6];
        let mut p = &ip[40..];
        // Skip a Destination Options header (the FBU's Home Address option).
        while next == 60 {
            let len = (usize::from(p[1]) + 1) * 8;
            next = p[0];
            p = &p[len..];
        }
        out.push((src, dst, next, p.to_vec()));
    }
    out
}

#[test]
fn hokey_capture_matches_tshark_and_verifies() {
    require("tshark");
    let path = vector_path("send-hokey/hokey.pcap");
    let packets = ipv6_packets(&std::fs::read(&path).unwrap());
    let rows = tshark_fields(
        std::path::Path::new(&path),
        &[],
        &[
            "ipv6.src",
            "ipv6.dst",
            "icmpv6.fmip6.subtype",
            "icmpv6.fmip6.identifier",
            "mip6.mhtype",
            "mip6.fbu.seqnr",
        ],
    );
    assert_eq!(rows.len(), packets.len());
    assert_eq!(packets.len(), 3);
    for ((src, dst, proto, payload), row) in packets.iter().zip(&rows) {
        assert_eq!(row[0], src.to_string());
        assert_eq!(row[1], dst.to_string());
        let (s, d) = (src.to_string(), dst.to_string());
        let (code, out) = bin(&[
            "nd",
            "decode",
            "--json",
            "--src",
            &s,
            "--dst",
            &d,
            &hex(payload),
        ]);
        assert_eq!(code, 0, "{out}");
        let v = Json::parse(&out);
        assert_eq!(v.get("checksum_ok"), &Json::Bool(true));
        match proto {
            58 => {
                assert_eq!(v.get("kind").str(), "fmipv6");
                assert_eq!(row[2], v.at("message.subtype.value").num().to_string());
                assert_eq!(row[3], v.at("message.identifier").num().to_string());
                assert_eq!(v.get("cga_ok"), &Json::Bool(true));
                assert_eq!(v.at("send.ok"), &Json::Bool(true));
            }
            135 => {
                assert_eq!(v.get("kind").str(), "mobility");
                assert_eq!(row[4], v.at("message.mh_type.value").num().to_string());
                assert_eq!(row[5], v.at("message.sequence").num().to_string());
            }
            p => panic!("unexpected protocol {p}"),
        }
    }
}
