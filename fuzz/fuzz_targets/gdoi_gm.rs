//! gdoi-ack group member under the insecure provider (AES-CBC is the identity, every HMAC is
//! zeros, any 64-octet ECDSA signature verifies), so mutated PUSHes reach the SEQ, policy
//! and commit steps. Arbitrary datagrams at fuzzer-chosen times through `handle_push`,
//! `poll_timeout` and `handle_timeout`. Invariants:
//! - a rejected PUSH leaves the observable state (installed KEK SPIs, each KEK's last SEQ,
//!   the ack policy, `poll_timeout`) as it was, and schedules no ACK: a shadow model of the
//!   pending ACKs (what accepted PUSHes and re-acks scheduled, at most `MAX_PENDING_ACKS`;
//!   an accepted PUSH reports `QueueFull` exactly when that many wait, and nothing queued is
//!   dropped) must predict exactly how many ACKs each `handle_timeout` drain writes;
//! - an accepted PUSH raised its KEK's last SEQ to the PUSH's SEQ, and its ACK is due no
//!   earlier than now and no later than now + 5 s;
//! - every ACK written parses as a GROUPKEY-PUSH-ACK carrying the GM's identity.
//!
//! Input: a config octet (bit 0 re-ack, bit 1 wire-length fallback, bits 2-3 the installed
//! KEK's KEK_ACK_REQUESTED 1-4, bit 4 an LKH leaf key, bit 5 OID identity, bits 6-7 the
//! PULL's last SEQ 0 / 1 / 2 / 0xffff_fffe), then operations `op ‖ [len (2) ‖ datagram]`:
//! - `op & 3 == 0`: a PUSH of `len` octets; bit 2 unicast; bit 3 fix the header (cookies of
//!   an installed KEK, Length = datagram, zero padding to whole AES blocks);
//! - `op & 3 == 1`: `handle_timeout` at now (bit 2: a 40-octet output buffer, too small);
//! - `op & 3 == 2`: `poll_timeout`, then `handle_timeout` at that deadline;
//! - `op & 3 == 3`: nothing but the time step.
//!
//! Each op first advances now by `(op >> 4) * 400` ms.
#![no_main]

use std::collections::VecDeque;
use std::time::Duration;

use gdoi_ack::Time;
use gdoi_ack::gm::{
    AckStatus, GmConfig, GmIdentity, GroupMember, KekInstall, MAX_ACK_JITTER, MAX_PENDING_ACKS,
    Outcome, ReAck,
};
use gdoi_ack::keys::EcdsaP256;
use gdoi_ack::wire::header::HEADER_LEN;
use gdoi_ack::wire::message::{Ack, CBC_BLOCK};
use gdoi_ack::wire::sa_kek::KekAckRequested;
use keying_crypto::insecure::{InsecureEcdsaKey, InsecureFuzzing};
use keying_crypto::rustcrypto::HashDrbg;
use libfuzzer_sys::fuzz_target;

type Gm = GroupMember<InsecureFuzzing, EcdsaP256<InsecureEcdsaKey>, 4>;

/// The vectors' PUSH cookies (tests/vectors/gdoi/README.md).
const COOKIES: [u8; 16] = [
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
];
const KEK: [u8; 32] = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
];

type State = (
    Vec<[u8; 16]>,
    Vec<Option<u32>>,
    Option<KekAckRequested>,
    Option<Time>,
);

fn state(gm: &Gm) -> State {
    let spis: Vec<_> = gm.kek_spis().collect();
    let seqs = spis.iter().map(|s| gm.last_seq(s)).collect();
    (spis, seqs, gm.ack_policy(), gm.poll_timeout())
}

/// The pending ACKs as the GM should hold them: their due times, in queue order.
struct Shadow(VecDeque<Time>);

impl Shadow {
    fn push(&mut self, at: Time) {
        assert!(
            self.0.len() < MAX_PENDING_ACKS,
            "ACK queued beyond the capacity"
        );
        self.0.push_back(at);
    }

    fn full(&self) -> bool {
        self.0.len() == MAX_PENDING_ACKS
    }

    fn due(&self, now: Time) -> usize {
        self.0.iter().filter(|&&t| t <= now).count()
    }

    fn take_due(&mut self, now: Time) {
        self.0.retain(|&t| t > now);
    }
}

struct Run {
    gm: Gm,
    shadow: Shadow,
    now: Time,
    identity: GmIdentity,
    rng: HashDrbg,
}

impl Run {
    fn check_ack(&self, ack: &[u8]) {
        let a = Ack::parse(ack).unwrap_or_else(|e| panic!("ACK does not parse: {e:?}"));
        let want = self.identity.to_id();
        assert_eq!(a.id.data, want.data, "ACK identity");
        assert!(matches!(a.hash.data.len(), 32 | 64));
        assert_ne!(a.seq.0, 0);
    }

    fn drain(&mut self, now: Time, small: bool) {
        let due = self.shadow.due(now);
        let mut out = [0u8; 300];
        let out: &mut [u8] = if small { &mut out[..40] } else { &mut out };
        let mut written = 0;
        loop {
            match self.gm.handle_timeout(now, out) {
                Ok(Some(n)) => {
                    written += 1;
                    assert!(written <= due, "more ACKs than were scheduled");
                    let ack = out[..n].to_vec();
                    self.check_ack(&ack);
                }
                Ok(None) => break,
                Err(_) => {
                    // Too small: the ACK stays pending, nothing was written.
                    assert!(small);
                    assert_eq!(written, 0);
                    assert!(due > 0);
                    return;
                }
            }
        }
        assert_eq!(written, due, "fewer ACKs than were scheduled");
        self.shadow.take_due(now);
        assert!(self.gm.poll_timeout().is_none_or(|t| t > now));
        assert_eq!(self.gm.poll_timeout(), self.shadow.0.iter().copied().min());
    }

    fn push(&mut self, dg: &[u8], unicast: bool) {
        let before = state(&self.gm);
        let mut scratch = vec![0u8; dg.len()];
        let r = self
            .gm
            .handle_push(self.now, dg, delivery(unicast), &mut self.rng, &mut scratch);
        let after = state(&self.gm);
        match r {
            Err(e) => assert_eq!(after, before, "state changed on {e:?}"),
            Ok(Outcome::Retransmission { ack_at }) => {
                // Only the cached ACK may be rescheduled.
                assert_eq!(
                    (&after.0, &after.1, after.2),
                    (&before.0, &before.1, before.2)
                );
                if let Some(at) = ack_at {
                    assert_eq!(at, self.now);
                    self.shadow.push(at);
                }
            }
            Ok(Outcome::Accepted(a)) => {
                let last = before
                    .0
                    .iter()
                    .position(|s| *s == a.kek_spi)
                    .and_then(|i| before.1[i])
                    .expect("accepted under an installed KEK");
                assert!(a.seq > last, "SEQ {} not above {last}", a.seq);
                // The KEK may have deleted itself; if it is still there it advanced.
                if let Some(s) = self.gm.last_seq(&a.kek_spi) {
                    assert!(
                        s == a.seq || s == 0,
                        "last SEQ {s} after accepting {}",
                        a.seq
                    );
                }
                assert!(after.0.len() <= 4);
                assert_eq!(
                    a.ack == AckStatus::QueueFull,
                    self.shadow.full()
                        && !matches!(a.ack, AckStatus::NotRequested | AckStatus::Unsupported(_)),
                    "QueueFull exactly when the queue is full"
                );
                if let AckStatus::Scheduled(at) = a.ack {
                    assert!(at >= self.now);
                    assert!(at <= self.now.saturating_add(MAX_ACK_JITTER));
                    if unicast {
                        assert_eq!(at, self.now);
                    }
                    self.shadow.push(at);
                }
            }
        }
        assert_eq!(
            self.gm.poll_timeout(),
            self.shadow.0.iter().copied().min(),
            "pending ACKs differ from what was scheduled"
        );
    }
}

/// Cookies of an installed KEK, Length = datagram, whole AES blocks after the header.
fn fix_header(dg: &mut Vec<u8>, spis: &[[u8; 16]], pick: u8) {
    if dg.len() < HEADER_LEN {
        dg.resize(HEADER_LEN, 0);
    }
    if let Some(spi) = spis.get(usize::from(pick) % spis.len().max(1)) {
        dg[..16].copy_from_slice(spi);
    }
    let ct = dg.len() - HEADER_LEN;
    let padded = ct.div_ceil(CBC_BLOCK).max(1) * CBC_BLOCK;
    dg.resize(HEADER_LEN + padded, 0);
    let len = u32::try_from(dg.len()).unwrap_or(0);
    dg[24..28].copy_from_slice(&len.to_be_bytes());
}

fuzz_target!(|data: &[u8]| {
    let Some((&cfg, mut ops)) = data.split_first() else {
        return;
    };
    let identity = if cfg & 0x20 != 0 {
        GmIdentity::Oid {
            oid: heapless::Vec::from_slice(&[0x2b, 6, 1, 4, 1]).unwrap_or_default(),
            payload: heapless::Vec::from_slice(b"gm-1").unwrap_or_default(),
        }
    } else {
        GmIdentity::Ipv4([192, 0, 2, 100])
    };
    let mut c = GmConfig::new(identity.clone());
    if cfg & 1 != 0 {
        c.re_ack = Some(ReAck {
            min_interval: Duration::from_secs(1),
        });
    }
    c.wire_length_fallback = cfg & 2 != 0;
    let mut gm = Gm::new(InsecureFuzzing, c);
    let policy = KekAckRequested::from(u16::from((cfg >> 2) & 3) + 1);
    let last_seq = [0, 1, 2, 0xffff_fffe][usize::from(cfg >> 6)];
    gm.install_kek(KekInstall {
        spi: COOKIES,
        algorithm_key: &KEK,
        last_seq,
        ack_requested: Some(policy),
        verifier: EcdsaP256(InsecureEcdsaKey),
    })
    .expect("install");
    if cfg & 0x10 != 0 {
        gm.set_lkh_leaf_key(&[0x4c; 32]).expect("leaf key");
    }
    let mut run = Run {
        gm,
        shadow: Shadow(VecDeque::new()),
        now: Time::from_unix_secs(1000),
        identity,
        rng: HashDrbg::new(b"gdoi_gm"),
    };
    let mut steps = 0;
    while let Some((&op, rest)) = ops.split_first() {
        ops = rest;
        steps += 1;
        if steps > 64 {
            break;
        }
        run.now = run
            .now
            .saturating_add(Duration::from_millis(u64::from(op >> 4) * 400));
        match op & 3 {
            0 => {
                let len = match ops {
                    [a, b, ..] => usize::from(u16::from_be_bytes([*a, *b])),
                    _ => ops.len(),
                };
                ops = ops.get(2..).unwrap_or_default();
                let len = len.min(ops.len());
                let (dg, rest) = ops.split_at(len);
                ops = rest;
                let mut dg = dg.to_vec();
                if op & 8 != 0 {
                    let spis: Vec<_> = run.gm.kek_spis().collect();
                    fix_header(&mut dg, &spis, op >> 4);
                }
                run.push(&dg, op & 4 != 0);
            }
            1 => run.drain(run.now, op & 4 != 0),
            2 => {
                if let Some(t) = run.gm.poll_timeout() {
                    assert!(run.shadow.due(t) > 0);
                    run.now = run.now.max(t);
                    run.drain(t, false);
                }
            }
            _ => {}
        }
    }
    // Everything scheduled goes out eventually, once.
    let end = run.now.saturating_add(Duration::from_secs(3600));
    run.drain(end, false);
    assert!(run.gm.poll_timeout().is_none());
});

fn delivery(unicast: bool) -> gdoi_ack::Delivery {
    if unicast {
        gdoi_ack::Delivery::Unicast
    } else {
        gdoi_ack::Delivery::Multicast
    }
}
