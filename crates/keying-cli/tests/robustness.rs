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
