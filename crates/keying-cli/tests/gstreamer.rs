//! `keying mikey decode` on messages GStreamer builds live (GstSdp's MIKEY API through
//! mikey-core's `tests/interop/gst_mikey.py`), in every INPUT form. Needs Debian's
//! `python3-gi gir1.2-gst-plugins-base-1.0` and `/usr/bin/python3` (`bash .ci/test`
//! installs them); the test fails when they are missing, like mikey-core's GStreamer test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;
use common::*;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../mikey-core/tests/interop/gst_mikey.py"
);

fn gstreamer_messages() -> Vec<(String, Vec<u8>)> {
    let out = std::process::Command::new("/usr/bin/python3")
        .args([SCRIPT, "build"])
        .output()
        .expect("/usr/bin/python3");
    assert!(
        out.status.success(),
        "the GStreamer oracle failed: it needs python3-gi and gir1.2-gst-plugins-base-1.0: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (name, h) = l.split_once(' ').unwrap();
            (name.to_owned(), keying_cli::input::hex(h).unwrap())
        })
        .collect()
}

#[test]
fn gstreamer_built_messages_decode() {
    let msgs = gstreamer_messages();
    assert!(msgs.len() >= 2);
    for (name, m) in &msgs {
        let r = keying(&["mikey", "decode", "--json", &hex(m)]);
        assert_eq!(r.code, 0, "{name}: {}", r.err);
        let v = Json::parse(&r.out);
        assert_eq!(v.at("data_type.name").str(), "PskInit", "{name}");
        let kemac = v
            .get("payloads")
            .arr()
            .iter()
            .find(|p| p.at("type.name").str() == "Kemac")
            .unwrap();
        let kd = kemac.at("sub_payloads.0");
        assert_eq!(kd.at("type.name").str(), "KeyData", "{name}");
        match name.as_str() {
            "gst_built_psk" => {
                assert_eq!(v.get("csb_id").num(), 0x1234_5678);
                assert_eq!(v.at("cs_id_map.n_cs").num(), 2);
                assert_eq!(v.at("cs_id_map.entries.1.roc").num(), 7);
                assert_eq!(kd.get("key").str(), "202122232425262728292a2b2c2d2e2f");
            }
            "gst_from_caps" => {
                assert_eq!(v.at("cs_id_map.entries.0.ssrc").num(), 0x1122_3344);
                // Key ‖ salt in one TEK (30 octets), as GStreamer sends it.
                assert_eq!(kd.get("key").str().len(), 60);
            }
            _ => {}
        }
        // The same through SDP, with text output.
        let mut b64 = vec![0u8; m.len() * 2 + 4];
        let n = mikey_core::base64::encode(m, &mut b64).unwrap();
        let line = format!(
            "a=key-mgmt:mikey {}",
            std::str::from_utf8(&b64[..n]).unwrap()
        );
        let t = keying(&["mikey", "decode", &line]);
        assert_eq!(t.code, 0, "{name}");
        assert!(t.out.contains("data_type: PskInit (0)"), "{name}");
    }
}
