//! `keying` on messages built by this workspace's libraries (the committed vectors), by
//! GStreamer, and on malformed input: fields, checks, JSON shape, errors and exit codes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;
use common::*;

const KEK: &str = "000102030405060708090a0b0c0d0e0f2b7e151628aed2a6abf7158809cf4f3c";
const MN: &str = "2003::3049:deeb:fd31:70b0";
const AR: &str = "fe80::20a7:895c:2302:73f1";
const PAR: &str = "2003::1";

/// Runs with `--json`, checks exit code and that the output parses (here and in Python).
fn json(args: &[&str], code: i32) -> Json {
    let mut a = args.to_vec();
    a.insert(2, "--json");
    let r = keying(&a);
    assert_eq!(r.code, code, "{args:?}: stderr {}", r.err);
    assert_eq!(r.out.lines().count(), 1, "one line of JSON");
    if have_python() {
        python_json_ok(&r.out);
    }
    Json::parse(&r.out)
}

fn types(v: &Json, list: &str) -> Vec<u64> {
    v.at(list)
        .arr()
        .iter()
        .map(|p| p.at("type.value").num())
        .collect()
}

const MIKEY_MESSAGES: &[&str] = &[
    "gst_unit_hdr",
    "gst_unit_hdr_2cs",
    "m3_psk_null_interval",
    "m5_dhhmac_init",
    "m9_error",
    "m10_two_cs_counter_genext",
    "m11_ticket_idr",
    "g1_gst_psk_null",
    "onvif_pr555",
    "gortsplib_case_a",
    "java_tsitle_example1",
    "streamwide_gmk",
    "streamwide_csk",
    "streamwide_pck",
    "streamwide_gmk_legacy_iwf",
];

#[test]
fn mikey_every_vector_decodes_with_stable_fields() {
    for name in MIKEY_MESSAGES {
        let path = format!("@{}", vector_path(&format!("mikey/{name}.hex")));
        let v = json(&["mikey", "decode", &path], 0);
        for k in [
            "version",
            "data_type",
            "csb_id",
            "cs_id_map",
            "payloads",
            "mac_ok",
            "tgk",
            "srtp",
            "error",
        ] {
            assert!(
                matches!(v, Json::Obj(ref m) if m.contains_key(k)),
                "{name}: {k}"
            );
        }
        assert_eq!(v.get("version").num(), 1, "{name}");
        assert!(v.get("mac_ok").is_null() && v.get("srtp").is_null());
        assert!(v.get("error").is_null(), "{name}");
        // Offsets and lengths tile the message after the header.
        let bytes = vector(&format!("mikey/{name}.hex"));
        let ps = v.get("payloads").arr();
        for w in ps.windows(2) {
            assert_eq!(
                w[0].get("offset").num() + w[0].get("length").num(),
                w[1].get("offset").num(),
                "{name}"
            );
        }
        if let Some(last) = ps.last() {
            assert_eq!(
                last.get("offset").num() + last.get("length").num(),
                bytes.len() as u64,
                "{name}"
            );
        }
        // The text output carries the same data.
        let t = keying(&["mikey", "decode", &path]);
        assert_eq!(t.code, 0);
        assert!(
            t.out
                .contains(&format!("csb_id: {}", v.get("csb_id").num()))
        );
    }
    // The .b64 files hold the same messages.
    for name in ["onvif_pr555", "streamwide_gmk", "streamwide_pck"] {
        let a = keying(&[
            "mikey",
            "decode",
            "--json",
            &format!("@{}", vector_path(&format!("mikey/{name}.b64"))),
        ]);
        let b = keying(&[
            "mikey",
            "decode",
            "--json",
            &format!("@{}", vector_path(&format!("mikey/{name}.hex"))),
        ]);
        assert_eq!((a.code, &a.out), (0, &b.out), "{name}");
    }
}

#[test]
fn mikey_gstreamer_message_every_field() {
    // g1_gst_psk_null: built with GStreamer 1.22 through GI (tests/vectors/mikey/README.md).
    let path = format!("@{}", vector_path("mikey/g1_gst_psk_null.hex"));
    let v = json(&["mikey", "decode", &path], 0);
    assert_eq!(v.at("data_type.name").str(), "PskInit");
    assert_eq!(v.get("csb_id").num(), 0x1234_5678);
    assert_eq!(v.at("cs_id_map.type.name").str(), "SrtpId");
    assert_eq!(v.at("cs_id_map.entries.0.ssrc").num(), 0xdead_beef);
    assert_eq!(types(&v, "payloads"), [5, 11, 10, 1]);
    assert_eq!(
        v.at("payloads.1.rand").str(),
        "000102030405060708090a0b0c0d0e0f"
    );
    assert_eq!(
        v.at("payloads.2.params.1.type.name").str(),
        "SessionEncrKeyLen"
    );
    assert_eq!(v.at("payloads.2.params.1.uint").num(), 16);
    assert_eq!(v.at("payloads.3.encr_alg.name").str(), "Null");
    let kd = v.at("payloads.3.sub_payloads.0");
    assert_eq!(kd.at("key_type.name").str(), "TekSalt");
    assert_eq!(kd.get("key").str(), "202122232425262728292a2b2c2d2e2f");
    assert_eq!(kd.get("salt").str(), "404142434445464748494a4b4c4d");
    assert_eq!(kd.at("key_validity.spi").str(), "00000001");
    assert_eq!(v.get("warnings").arr().len(), 0);

    // The same message as an SDP line, a whole SDP, an RTSP header, base64, stdin.
    let bytes = vector("mikey/g1_gst_psk_null.hex");
    let mut b64 = vec![0u8; 200];
    let n = mikey_core::base64::encode(&bytes, &mut b64).unwrap();
    let b64 = std::str::from_utf8(&b64[..n]).unwrap().to_owned();
    let want = keying(&["mikey", "decode", "--json", &path]).out;
    for input in [
        format!("a=key-mgmt:mikey {b64}"),
        format!(
            "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nm=video 5004 RTP/SAVP 96\r\na=key-mgmt:mikey {b64}\r\n"
        ),
        format!("KeyMgmt: prot=mikey; uri=\"rtsp://192.0.2.1/s\"; data=\"{b64}\""),
        b64.clone(),
    ] {
        let r = keying(&["mikey", "decode", "--json", &input]);
        assert_eq!((r.code, &r.out), (0, &want), "{input}");
        let r = keying_stdin(&["mikey", "decode", "--json", "-"], input.as_bytes());
        assert_eq!((r.code, &r.out), (0, &want), "stdin {input}");
    }
}

#[test]
fn mikey_warnings_and_nested_payloads() {
    // ONVIF PR #555: no RAND, and a Windows FILETIME in the NTP field: decodes, with warnings.
    let v = json(
        &[
            "mikey",
            "decode",
            &format!("@{}", vector_path("mikey/onvif_pr555.hex")),
        ],
        0,
    );
    let w: Vec<&str> = v.get("warnings").arr().iter().map(Json::str).collect();
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[1].contains("FILETIME"), "{w:?}");
    // Streamwide GMK: SAKKE with a GENERIC-ID map.
    let v = json(
        &[
            "mikey",
            "decode",
            &format!("@{}", vector_path("mikey/streamwide_gmk.hex")),
        ],
        0,
    );
    assert_eq!(v.at("data_type.name").str(), "Sakke");
    assert_eq!(v.at("cs_id_map.type.name").str(), "GenericId");
    assert!(types(&v, "payloads").contains(&26));
    // m10_two_cs_counter_genext: General extension SDP IDs as text.
    let v = json(
        &[
            "mikey",
            "decode",
            &format!("@{}", vector_path("mikey/m10_two_cs_counter_genext.hex")),
        ],
        0,
    );
    let ext = v
        .get("payloads")
        .arr()
        .iter()
        .find(|p| p.at("ext_type.name") == &Json::Str("SdpIds".into()))
        .unwrap();
    assert!(!ext.get("sdp_ids").arr().is_empty());
}

#[test]
fn mikey_errors_carry_offset_and_expectation() {
    let bytes = vector("mikey/g1_gst_psk_null.hex");
    // Every truncation: exit 1, an offset within the input, and the reason on stderr.
    for cut in 0..bytes.len() {
        let h = hex(&bytes[..cut]);
        let r = keying(&["mikey", "decode", "--json", &h]);
        assert_eq!(r.code, 1, "cut {cut}");
        let v = Json::parse(&r.out);
        let off = v.at("error.offset").num();
        assert!(off <= cut as u64, "cut {cut}: {}", r.out);
        assert!(
            r.err.contains(&format!("at byte {off}: expected ")),
            "{}",
            r.err
        );
    }
    // An unknown payload type in the chain: named with its offset; earlier payloads shown.
    let mut b = bytes.clone();
    b[29] = 99; // the RAND payload's Next payload byte (announcing the SP)
    let r = keying(&["mikey", "decode", "--json", &hex(&b)]);
    assert_eq!(r.code, 1);
    let v = Json::parse(&r.out);
    assert_eq!(v.at("error.offset").num(), 47);
    assert_eq!(v.at("error.problem").str(), "unknown type 99");
    assert_eq!(types(&v, "payloads"), [5, 11]);
    // Text mode: the partial listing, then the error on stderr.
    let r = keying(&["mikey", "decode", &hex(&b)]);
    assert_eq!(r.code, 1);
    assert!(r.out.contains("type: Rand (11)"));
    assert!(
        r.err
            .contains("at byte 47: expected MIKEY payload type: unknown type 99"),
        "{}",
        r.err
    );
}

#[test]
fn gdoi_ack_decodes_and_checks_its_hash() {
    for (name, len, ack_type) in [
        ("ack_sha256", 32, "KekSha256"),
        ("ack_sha512", 64, "KekSha512"),
    ] {
        let path = format!("@{}", vector_path(&format!("gdoi/{name}.hex")));
        let v = json(&["gdoi", "decode", &path], 0);
        assert_eq!(v.at("header.exchange.name").str(), "GroupkeyPushAck");
        assert_eq!(v.at("header.initiator_cookie").str(), "1122334455667788");
        assert_eq!(types(&v, "payloads"), [8, 18, 5]);
        assert_eq!(v.at("payloads.0.data").str().len(), len * 2);
        assert_eq!(v.at("payloads.1.seq").num(), 2);
        assert_eq!(v.at("payloads.2.address").str(), "192.0.2.100");
        assert!(v.get("hash_check").is_null());
        let v = json(&["gdoi", "decode", "--kek", KEK, &path], 0);
        assert_eq!(v.at("hash_check.ok"), &Json::Bool(true));
        assert_eq!(v.at("hash_check.ack_type.name").str(), ack_type);
        assert_eq!(v.at("hash_check.l_encoding").str(), "BlockBits");
        // Another KEK: the check fails, exit 1, the decode is still printed.
        let other = KEK.replace("2b7e", "2b7f");
        let r = keying(&["gdoi", "decode", "--json", "--kek", &other, &path]);
        assert_eq!(r.code, 1);
        assert!(r.err.contains("HASH"), "{}", r.err);
        assert_eq!(Json::parse(&r.out).at("hash_check.ok"), &Json::Bool(false));
    }
}

#[test]
fn gdoi_push_decrypts_with_the_kek() {
    let path = format!("@{}", vector_path("gdoi/push_wire.hex"));
    let v = json(&["gdoi", "decode", &path], 0);
    assert_eq!(v.get("encrypted"), &Json::Bool(true));
    assert_eq!(v.get("decrypted"), &Json::Bool(false));
    assert_eq!(v.get("ciphertext_length").num(), 448);
    assert!(v.get("payloads").is_null());
    let v = json(&["gdoi", "decode", "--kek", KEK, &path], 0);
    assert_eq!(v.get("decrypted"), &Json::Bool(true));
    assert_eq!(types(&v, "payloads"), [18, 1, 17, 9]);
    // The CBC padding as bytes (11 zero octets, see tests/vectors/gdoi/README.md), as the
    // crate docs describe it.
    assert_eq!(v.get("padding").str(), "00".repeat(11));
    assert_eq!(v.at("payloads.0.seq").num(), 2);
    assert_eq!(
        v.at("payloads.1.kek.spi").str(),
        "a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8"
    );
    assert_eq!(v.at("payloads.1.kek.ack_requested.name").str(), "KekSha256");
    assert_eq!(v.at("payloads.1.teks.0.spi").str(), "12345678");
    let packets = v.at("payloads.2.packets").arr();
    assert_eq!(packets[0].at("kd_type.name").str(), "Tek");
    assert_eq!(packets[1].at("kd_type.name").str(), "Kek");
    // The decrypted chain equals the plaintext vector (push_plaintext.hex).
    let plain = vector("gdoi/push_plaintext.hex");
    assert_eq!(
        v.at("payloads.3.offset").num() + v.at("payloads.3.length").num(),
        28 + plain.len() as u64
    );
    // A wrong KEK: garbage after decryption, reported with an offset and a hint.
    let other = KEK.replace("2b7e", "2b7f");
    let r = keying(&["gdoi", "decode", "--kek", &other, &path]);
    assert_eq!(r.code, 1);
    assert!(
        r.err.contains("at byte") && r.err.contains("KEK"),
        "{}",
        r.err
    );
    // The KEK's shape is checked up front.
    let r = keying(&["gdoi", "decode", "--kek", "0011", &path]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("KEK_ALGORITHM_KEY"), "{}", r.err);
}

#[test]
fn gdoi_cleartext_and_malformed() {
    let v = json(
        &[
            "gdoi",
            "decode",
            &format!("@{}", vector_path("gdoi/push_delete_cleartext.hex")),
        ],
        0,
    );
    assert_eq!(types(&v, "payloads"), [18, 12]);
    assert_eq!(
        v.at("payloads.1.spis.0").str(),
        "112233445566778899aabbccddeeff00"
    );
    let ack = vector("gdoi/ack_sha256.hex");
    for cut in 0..ack.len() {
        let r = keying(&["gdoi", "decode", "--json", &hex(&ack[..cut])]);
        assert_eq!(r.code, 1, "cut {cut}");
        assert!(r.err.contains("at byte"), "cut {cut}: {}", r.err);
    }
    // IKEv2 version: the offset of the version octet.
    let mut b = ack.clone();
    b[17] = 0x20;
    let v = Json::parse(&keying(&["gdoi", "decode", "--json", &hex(&b)]).out);
    assert_eq!(v.at("error.offset").num(), 17);
}

#[test]
fn nd_fmipv6_with_send_verification() {
    for (file, src, dst, subtype, opts) in [
        (
            "rtsolpr_icmpv6.bin",
            MN,
            AR,
            "RtSolPr",
            vec![19, 19, 11, 13, 14, 27, 12],
        ),
        (
            "prrtadv_icmpv6.bin",
            AR,
            MN,
            "PrRtAdv",
            vec![19, 19, 19, 17, 17, 11, 13, 14, 28, 12],
        ),
    ] {
        let path = format!("@{}", vector_path(&format!("send-hokey/{file}")));
        let v = json(&["nd", "decode", &path], 0);
        assert_eq!(v.get("kind").str(), "fmipv6");
        assert_eq!(v.at("message.subtype.name").str(), subtype);
        assert_eq!(v.at("message.identifier").num(), 0x1234);
        assert_eq!(types(&v, "options"), opts);
        assert!(
            v.get("checksum_ok").is_null() && v.get("cga_ok").is_null() && v.get("send").is_null()
        );
        let v = json(&["nd", "decode", "--src", src, "--dst", dst, &path], 0);
        assert_eq!(v.get("checksum_ok"), &Json::Bool(true));
        assert_eq!(v.get("cga_ok"), &Json::Bool(true));
        assert_eq!(v.at("send.ok"), &Json::Bool(true));
        assert_eq!(v.at("send.key_bits").num(), 1024);
        // CGA only.
        let v = json(&["nd", "decode", "--src", src, &path], 0);
        assert_eq!(v.get("cga_ok"), &Json::Bool(true));
        assert!(v.get("send").is_null());
        // Wrong source: not its CGA.
        let r = keying(&["nd", "decode", "--json", "--src", PAR, &path]);
        assert_eq!(r.code, 1);
        assert!(r.err.contains("not a CGA"), "{}", r.err);
        // A flipped signature bit: SEND fails, exit 1.
        let mut b = std::fs::read(vector_path(&format!("send-hokey/{file}"))).unwrap();
        let n = b.len();
        b[n - 20] ^= 1;
        let r = keying(&[
            "nd",
            "decode",
            "--json",
            "--src",
            src,
            "--dst",
            dst,
            &hex(&b),
        ]);
        assert_eq!(r.code, 1);
        let v = Json::parse(&r.out);
        assert_eq!(v.get("checksum_ok"), &Json::Bool(false));
        assert_eq!(v.at("send.ok"), &Json::Bool(false));
    }
    let hkr = json(
        &[
            "nd",
            "decode",
            &format!("@{}", vector_path("send-hokey/prrtadv_icmpv6.bin")),
        ],
        0,
    );
    let o = hkr
        .get("options")
        .arr()
        .iter()
        .find(|o| o.at("type.value").num() == 28)
        .unwrap();
    assert_eq!(o.get("lifetime").num(), 43200);
    assert_eq!(o.at("at.name").str(), "HmacSha1_96");
}

#[test]
fn nd_mobility_header_and_bare_options() {
    let path = format!("@{}", vector_path("send-hokey/fbu_mh.bin"));
    let v = json(&["nd", "decode", "--src", MN, "--dst", PAR, &path], 0);
    assert_eq!(v.get("kind").str(), "mobility");
    assert_eq!(v.at("message.mh_type.name").str(), "FBU");
    assert_eq!(v.get("checksum_ok"), &Json::Bool(true));
    let names: Vec<&str> = v
        .get("options")
        .arr()
        .iter()
        .map(|o| o.at("type.name").str())
        .collect();
    assert!(
        names.contains(&"AlternateCoa") && names.last() == Some(&"Badf"),
        "{names:?}"
    );
    // The RtSolPr's options alone.
    let b = std::fs::read(vector_path("send-hokey/rtsolpr_icmpv6.bin")).unwrap();
    let v = json(&["nd", "decode", "--src", MN, &hex(&b[8..])], 0);
    assert_eq!(v.get("kind").str(), "options");
    assert_eq!(types(&v, "options"), [19, 19, 11, 13, 14, 27, 12]);
    assert_eq!(v.get("cga_ok"), &Json::Bool(true));
    // A zero-length option: its offset.
    let mut bad = b[8..].to_vec();
    bad[17] = 0;
    let r = keying(&["nd", "decode", "--json", &hex(&bad)]);
    assert_eq!(r.code, 1);
    assert_eq!(Json::parse(&r.out).at("error.offset").num(), 17);
    assert!(r.err.contains("zero length"), "{}", r.err);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec![],
        vec!["frobnicate"],
        vec!["mikey"],
        vec!["mikey", "encode", "00"],
        vec!["mikey", "decode"],
        vec!["mikey", "decode", "00", "11"],
        vec!["mikey", "decode", "--bogus", "00"],
        vec!["mikey", "decode", "--json", "--json", "00"],
        vec!["gdoi", "decode", "--kek"],
        vec!["nd", "decode", "--dst", "::1", "00"],
        vec!["nd", "decode", "--src", "not-an-address", "00"],
    ] {
        let r = keying(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.err);
        assert!(r.err.starts_with("keying: "), "{args:?}");
    }
    let r = keying(&["--help"]);
    assert_eq!(r.code, 0);
    assert!(
        r.out
            .contains("keying mikey decode [--psk HEX] [--json] INPUT")
    );
    assert_eq!(keying(&["mikey", "decode", "--help"]).code, 0);
    // Input that is not a message encoding: exit 1.
    let r = keying(&["mikey", "decode", "not base64!"]);
    assert_eq!(r.code, 1);
    let r = keying(&["mikey", "decode", "0x123"]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("odd number of hex digits"), "{}", r.err);
    let r = keying(&["gdoi", "decode", "@/nonexistent/file"]);
    assert_eq!(r.code, 1);
}
