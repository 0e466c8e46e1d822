//! gdoi-ack key server under the insecure provider (every HMAC is zeros, so an ACK whose
//! HASH is all zeros authenticates): three members, PUSHes built (and KEKs rolled over) at
//! fuzzer-chosen times, arbitrary ACK datagrams through `handle_ack`, deadlines through
//! `poll_timeout` / `handle_timeout` / `poll_event`. Invariants:
//! - a discarded ACK changes nothing: each member's `last_acked`, `poll_timeout`,
//!   `current`, the member count; `handle_ack` never produces an event;
//! - an accepted ACK records (KEK, SEQ) as that member's last acked, for a SEQ that was
//!   sent under that KEK; the same datagram again is a duplicate and changes nothing;
//! - events name registered members.
//!
//! Input: a config octet (bits 0-2: KEK_ACK_REQUESTED, 0 = ACKs off, 1-4 the RFC 8263
//! types, 5-7 unknown values; bits 3-4: PUSHes built before the first op, 1-4), then
//! operations `op ‖ [len (2) ‖ datagram]`:
//! - `op & 3 == 0`: an ACK of `len` octets; bit 2: fix the header (cookies of the KEK
//!   picked by bits 4-5 among current and retired, Length = datagram);
//! - `op & 3 == 1`: `handle_timeout` at now, then every event;
//! - `op & 3 == 2`: build a PUSH to all members (bit 2: with a KEK rollover; bit 3: to
//!   member 0 only);
//! - `op & 3 == 3`: nothing but the time step.
//!
//! Each op first advances now by `(op >> 4) * 1.5` s.
#![no_main]

use std::time::Duration;

use gdoi_ack::wire::header::HEADER_LEN;
use gdoi_ack::{
    EcdsaP256, EspTek, GcksConfig, GcksEvent, GmIdentity, InitialKek, KekAckRequested, KekRollover,
    MemberId, PushBuilder, Selector, SigAlgorithm, Slot, Target, Time,
};
use keying_crypto::insecure::{InsecureEcdsaKey, InsecureFuzzing};
use keying_crypto::rustcrypto::HashDrbg;
use libfuzzer_sys::fuzz_target;

type Gcks = gdoi_ack::Gcks<InsecureFuzzing, EcdsaP256<InsecureEcdsaKey>, [Slot; 4]>;

/// The vectors' cookies: the first KEK's SPI.
const K1: [u8; 16] = [
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00,
];

fn kek_key(spi: &[u8; 16]) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&[0x0f; 16]);
    k[16..].copy_from_slice(&[spi[0] ^ 0x5a; 16]);
    k
}

fn identities() -> [GmIdentity; 3] {
    [
        GmIdentity::Ipv4([10, 0, 0, 1]),
        GmIdentity::Ipv6([0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
        GmIdentity::Oid {
            oid: heapless::Vec::from_slice(&[0x2b, 6, 1, 4, 1]).unwrap_or_default(),
            payload: heapless::Vec::from_slice(b"gm-3").unwrap_or_default(),
        },
    ]
}

struct Run {
    ks: Gcks,
    ids: Vec<MemberId>,
    policy: Option<KekAckRequested>,
    now: Time,
    /// Every KEK SPI used, with the last SEQ built under it.
    sent: Vec<([u8; 16], u32)>,
    rollovers: u8,
    rng: HashDrbg,
}

type State = (
    Vec<Option<([u8; 16], u32)>>,
    Option<Time>,
    Option<([u8; 16], u32)>,
    usize,
);

impl Run {
    fn state(&self) -> State {
        (
            self.ids.iter().map(|&m| self.ks.last_acked(m)).collect(),
            self.ks.poll_timeout(),
            self.ks.current(),
            self.ks.member_count(),
        )
    }

    fn build(&mut self, rollover: bool, target: Target) {
        let sel = Selector::ipv4([239, 1, 1, 1], 0);
        let tek_spi = [0x70, 0, 0, self.sent.len() as u8];
        let new_spi = [0xa0 + self.rollovers; 16];
        let new_key = kek_key(&new_spi);
        let mut content = PushBuilder::new()
            .tek(EspTek::aes_cbc(tek_spi, sel, sel, &[7; 16]))
            .expect("TEK");
        if rollover {
            content = content.kek(KekRollover::aes_cbc(
                new_spi,
                sel,
                sel,
                &new_key,
                SigAlgorithm::Ecdsa256,
                self.policy,
            ));
        }
        let mut out = vec![0u8; 1024];
        let acks_before: Vec<_> = self.ids.iter().map(|&m| self.ks.last_acked(m)).collect();
        if let Ok(b) = self
            .ks
            .push(self.now, target, &content, &mut self.rng, &mut out)
        {
            match self.sent.iter_mut().find(|(s, _)| *s == b.kek_spi) {
                Some(e) => {
                    assert_eq!(b.seq, e.1 + 1);
                    e.1 = b.seq;
                }
                None => self.sent.push((b.kek_spi, b.seq)),
            }
            if rollover {
                self.rollovers += 1;
                assert_eq!(self.ks.current(), Some((new_spi, 0)));
            }
        }
        let acks_after: Vec<_> = self.ids.iter().map(|&m| self.ks.last_acked(m)).collect();
        assert_eq!(acks_before, acks_after, "building a PUSH changed acks");
    }

    fn ack(&mut self, dg: &[u8]) {
        while self.ks.poll_event().is_some() {}
        let before = self.state();
        let r = self.ks.handle_ack(self.now, dg);
        let after = self.state();
        assert!(
            self.ks.poll_event().is_none(),
            "handle_ack produced an event"
        );
        match r {
            Err(e) => assert_eq!(after, before, "state changed on {e:?}"),
            Ok(a) => {
                let i = self
                    .ids
                    .iter()
                    .position(|&m| m == a.member)
                    .expect("a member");
                assert_eq!(self.ks.last_acked(a.member), Some((a.kek_spi, a.seq)));
                assert!(a.seq >= 1);
                let sent = self
                    .sent
                    .iter()
                    .find(|(s, _)| *s == a.kek_spi)
                    .expect("ACK under a KEK that sent");
                assert!(a.seq <= sent.1, "ACK for SEQ {} never sent", a.seq);
                if let Some((s, q)) = before.0[i]
                    && s == a.kek_spi
                {
                    assert!(a.seq > q, "ACK of SEQ {} after {q}", a.seq);
                }
                // Other members untouched.
                for (j, (b, c)) in before.0.iter().zip(&after.0).enumerate() {
                    if j != i {
                        assert_eq!(b, c);
                    }
                }
                assert_eq!((before.1, before.2, before.3), (after.1, after.2, after.3));
                // The same datagram again: duplicate, nothing changes.
                let again = self.state();
                assert!(self.ks.handle_ack(self.now, dg).is_err());
                assert_eq!(self.state(), again);
            }
        }
    }

    fn timeout(&mut self) {
        let members = self.ks.member_count();
        self.ks.handle_timeout(self.now);
        assert!(self.ks.poll_timeout().is_none_or(|t| t > self.now));
        assert_eq!(self.ks.member_count(), members);
        while let Some(e) = self.ks.poll_event() {
            let m = match e {
                GcksEvent::AckMissing { member, .. } | GcksEvent::MemberLost { member } => member,
            };
            assert!(self.ids.contains(&m), "event for an unknown member");
        }
    }
}

fn fix_header(dg: &mut Vec<u8>, spi: [u8; 16]) {
    if dg.len() < HEADER_LEN {
        dg.resize(HEADER_LEN, 0);
    }
    dg[..16].copy_from_slice(&spi);
    let len = u32::try_from(dg.len()).unwrap_or(0);
    dg[24..28].copy_from_slice(&len.to_be_bytes());
}

fuzz_target!(|data: &[u8]| {
    let Some((&cfg, mut ops)) = data.split_first() else {
        return;
    };
    let policy = match cfg & 7 {
        0 => None,
        v => Some(KekAckRequested::from(u16::from(v))),
    };
    let ks = Gcks::new(
        InsecureFuzzing,
        GcksConfig::new(policy),
        EcdsaP256(InsecureEcdsaKey),
        InitialKek {
            spi: K1,
            algorithm_key: &kek_key(&K1),
            last_seq: 0,
        },
        [Slot::EMPTY; 4],
        &mut HashDrbg::new(b"gdoi_gcks index"),
    )
    .expect("key server");
    let mut run = Run {
        ks,
        ids: Vec::new(),
        policy,
        now: Time::from_unix_secs(1000),
        sent: Vec::new(),
        rollovers: 0,
        rng: HashDrbg::new(b"gdoi_gcks"),
    };
    for (i, id) in identities().into_iter().enumerate() {
        let lkh = [0x30 + i as u8; 32];
        run.ids
            .push(run.ks.add_member(id, Some(&lkh)).expect("member"));
    }
    for _ in 0..=((cfg >> 3) & 3) {
        run.build(false, Target::All);
    }
    let mut steps = 0;
    while let Some((&op, rest)) = ops.split_first() {
        ops = rest;
        steps += 1;
        if steps > 64 {
            break;
        }
        run.now = run
            .now
            .saturating_add(Duration::from_millis(u64::from(op >> 4) * 1500));
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
                if op & 4 != 0 {
                    let spis: Vec<[u8; 16]> = run.sent.iter().map(|s| s.0).collect();
                    let spi = spis[usize::from((op >> 4) & 3) % spis.len().max(1)..]
                        .first()
                        .copied()
                        .unwrap_or(K1);
                    fix_header(&mut dg, spi);
                }
                run.ack(&dg);
            }
            1 => run.timeout(),
            2 => {
                let target = if op & 8 != 0 {
                    Target::Member(run.ids[0])
                } else {
                    Target::All
                };
                run.build(op & 4 != 0, target);
            }
            _ => {}
        }
    }
});
