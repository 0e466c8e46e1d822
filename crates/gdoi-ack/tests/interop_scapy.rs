//! Interop with Scapy's ISAKMP layer: it decodes our ACKs (SHA-256 and SHA-512 types, IPv4
//! and IPv6 identities) and re-serialises them byte for byte. The test FAILS (does not skip)
//! when python3 or Scapy is missing: `pip install scapy`.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::expect_used,
    clippy::panic
)]

mod common;
use common::*;

use std::process::Command;

use gdoi_ack::ack::{AckKey, AckType, LEncoding};
use gdoi_ack::gm::GmIdentity;
use gdoi_ack::wire::sa_kek::KekAckRequested;
use gdoi_ack::wire::seq::Seq;
use keying_crypto::rustcrypto::RustCrypto;

const SCRIPT: &str = r#"
import sys
from scapy.layers.isakmp import ISAKMP
for line in sys.stdin.read().split():
    b = bytes.fromhex(line)
    p = ISAKMP(b)
    assert bytes(p) == b, "re-serialisation differs"
    h = p.payload
    print(p.exch_type, int(p.flags), p.id, p.length, h.name, bytes(h.hash).hex(), p.payload.payload.payload.IDtype)
"#;

#[test]
fn scapy_reserialises_our_acks() {
    let mut lines = Vec::new();
    let mut want = Vec::new();
    for (v, id, idtype) in [
        (
            KekAckRequested::KekSha256,
            GmIdentity::Ipv4([192, 0, 2, 100]),
            1,
        ),
        (
            KekAckRequested::KekSha512,
            GmIdentity::Ipv4([192, 0, 2, 100]),
            1,
        ),
        (
            KekAckRequested::KekSha256,
            GmIdentity::Ipv6([0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
            5,
        ),
    ] {
        let ty = AckType::new(v).unwrap();
        let k = AckKey::derive(&RustCrypto, ty, &KEK_KEY, &COOKIES, LEncoding::BlockBits);
        let mut out = [0u8; 256];
        let n = k
            .emit_ack(&RustCrypto, Seq(7), &id.to_id(), &mut out)
            .unwrap();
        let hl = ty.hash_len();
        let hash: String = out[32..32 + hl]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        lines.push(
            out[..n]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>(),
        );
        want.push(format!("35 0 0 {n} ISAKMP Hash {hash} {idtype}"));
    }
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("python3 with Scapy is required for this test: {e}"));
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.join("\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "Scapy failed (pip install scapy): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(got, want);
}
