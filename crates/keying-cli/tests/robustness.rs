//! Random and mutated input through every decoder, in-process: nothing panics, and the
//! exit status is always 0, 1 or 2.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    missing_docs
)]

mod common;
use common::*;

/// xorshift64*: deterministic, so a failure reproduces.
struct Prng(u64);

impl Prng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

const KEK: &str = "000102030405060708090a0b0c0d0e0f2b7e151628aed2a6abf7158809cf4f3c";

fn commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["mikey", "decode"],
        vec!["mikey", "decode", "--json"],
        vec!["gdoi", "decode", "--json"],
        vec!["gdoi", "decode", "--kek", KEK],
        vec!["nd", "decode"],
        vec![
            "nd",
            "decode",
            "--json",
            "--src",
            "2003::3049:deeb:fd31:70b0",
            "--dst",
            "fe80::20a7:895c:2302:73f1",
        ],
    ]
}

fn check(args: &[&str], input: &[u8]) {
    let h = hex(input);
    let mut a = args.to_vec();
    a.push(&h);
    let r = keying(&a);
    assert!(
        matches!(r.code, 0..=2),
        "{args:?} {h}: exit {} ({})",
        r.code,
        r.err
    );
    if args.contains(&"--json") && !r.out.is_empty() {
        Json::parse(&r.out);
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Prng(0x6b65_7969_6e67_2d63);
    let cmds = commands();
    for i in 0..3000 {
        let len = match i % 4 {
            0 => rng.below(16),
            1 => rng.below(64),
            _ => rng.below(600),
        };
        let mut b = rng.bytes(len);
        // Steer some inputs past the first checks of each decoder.
        if !b.is_empty() {
            match i % 6 {
                0 => b[0] = 1,   // MIKEY version
                1 => b[0] = 154, // FMIPv6
                2 => b[0] = 59,  // Mobility Header
                3 if b.len() > 28 => {
                    b[17] = 0x10; // ISAKMP version
                    b[18] = [33, 35, 5][i % 3];
                }
                _ => {}
            }
        }
        check(&cmds[i % cmds.len()], &b);
    }
}

#[test]
fn mutated_vectors_never_panic() {
    let mut rng = Prng(0x1234_5678_9abc_def1);
    let cases: Vec<(Vec<u8>, usize)> = vec![
        (vector("mikey/g1_gst_psk_null.hex"), 0),
        (vector("mikey/m5_dhhmac_init.hex"), 0),
        (vector("mikey/m11_ticket_idr.hex"), 1),
        (vector("mikey/streamwide_gmk.hex"), 1),
        (vector("gdoi/ack_sha256.hex"), 2),
        (vector("gdoi/push_wire.hex"), 3),
        (vector("gdoi/push_delete_cleartext.hex"), 2),
        (vector("send-hokey/rtsolpr_icmpv6.bin"), 4),
        (vector("send-hokey/prrtadv_icmpv6.bin"), 5),
        (vector("send-hokey/fbu_mh.bin"), 4),
    ];
    let cmds = commands();
    for i in 0..1500 {
        let (base, cmd) = &cases[i % cases.len()];
        let mut b = base.clone();
        for _ in 0..=rng.below(4) {
            let at = rng.below(b.len());
            match rng.below(3) {
                0 => b[at] ^= 1 << rng.below(8),
                1 => b[at] = rng.next() as u8,
                _ => b.truncate(at),
            }
            if b.is_empty() {
                break;
            }
        }
        check(&cmds[*cmd], &b);
    }
}

/// The frames of a little-endian legacy pcap: (seconds, microseconds, data).
fn legacy_frames(pcap: &[u8]) -> Vec<(u32, u32, Vec<u8>)> {
    let le = |b: &[u8]| u32::from_le_bytes(b.try_into().unwrap());
    let mut out = Vec::new();
    let mut at = 24;
    while at + 16 <= pcap.len() {
        let caplen = le(&pcap[at + 8..at + 12]) as usize;
        out.push((
            le(&pcap[at..at + 4]),
            le(&pcap[at + 4..at + 8]),
            pcap[at + 16..at + 16 + caplen].to_vec(),
        ));
        at += 16 + caplen;
    }
    out
}

/// The same frames as a pcapng (RFC-draft "pcapng" section, interface, enhanced packet
/// blocks; nanosecond if_tsresol), to mutate.
fn pcapng_of(frames: &[(u32, u32, Vec<u8>)]) -> Vec<u8> {
    fn block(out: &mut Vec<u8>, kind: u32, body: &[u8]) {
        let len = (12 + body.len().div_ceil(4) * 4) as u32;
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(body);
        out.resize(out.len() + (4 - body.len() % 4) % 4, 0);
        out.extend_from_slice(&len.to_le_bytes());
    }
    let mut out = Vec::new();
    let mut shb = 0x1a2b_3c4d_u32.to_le_bytes().to_vec();
    shb.extend_from_slice(&[1, 0, 0, 0]);
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    block(&mut out, 0x0a0d_0d0a, &shb);
    let mut idb = vec![1, 0, 0, 0, 0, 0, 4, 0]; // Ethernet, snaplen 0x40000
    idb.extend_from_slice(&[9, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0]); // if_tsresol 9, end
    block(&mut out, 1, &idb);
    for (s, us, data) in frames {
        let ns = u64::from(*s) * 1_000_000_000 + u64::from(*us) * 1000;
        let mut epb = 0u32.to_le_bytes().to_vec();
        epb.extend_from_slice(&((ns >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(ns as u32).to_le_bytes());
        epb.extend_from_slice(&(data.len() as u32).to_le_bytes());
        epb.extend_from_slice(&(data.len() as u32).to_le_bytes());
        epb.extend_from_slice(data);
        block(&mut out, 6, &epb);
    }
    out
}

#[test]
fn mutated_captures_never_panic() {
    let pcap = std::fs::read(vector_path("send-hokey/hokey.pcap")).unwrap();
    let frames = legacy_frames(&pcap);
    assert_eq!(frames.len(), 3);
    let ng = pcapng_of(&frames);
    let dir = std::env::temp_dir().join(format!("keying-cli-robust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The pcapng built here decodes like the pcap: the same three messages and times.
    let path = dir.join("hokey.pcapng");
    std::fs::write(&path, &ng).unwrap();
    let a = keying(&["decode", "--json", path.to_str().unwrap()]);
    let b = keying(&["decode", "--json", &vector_path("send-hokey/hokey.pcap")]);
    assert_eq!((a.code, b.code), (0, 0), "{} {}", a.err, b.err);
    assert_eq!(Json::parse(&a.out), Json::parse(&b.out));
    let mut rng = Prng(0x7063_6170_6e67_0001);
    for i in 0..600 {
        let mut m = if i % 2 == 0 { pcap.clone() } else { ng.clone() };
        for _ in 0..=rng.below(6) {
            let at = rng.below(m.len());
            match rng.below(4) {
                0 => m[at] ^= 1 << rng.below(8),
                1 => m[at] = rng.next() as u8,
                2 => m.truncate(at.max(1)),
                _ => m[at] = [0, 0xff, 0x86, 0x3a, 154, 135][rng.below(6)],
            }
        }
        let path = dir.join(format!("m{}.cap", i % 8));
        std::fs::write(&path, &m).unwrap();
        let r = keying(&["decode", "--json", path.to_str().unwrap()]);
        assert!(
            matches!(r.code, 0..=2),
            "mutant {i}: exit {} ({})",
            r.code,
            r.err
        );
        Json::parse(&r.out);
    }
}
