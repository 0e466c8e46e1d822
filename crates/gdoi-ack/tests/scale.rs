//! The key server at size. 1,000 members and no ACK: all 1,000 reported missing, once each.
//! 100,000 members over four rekeys with a KEK rollover: real HMAC-checked ACK datagrams in
//! shuffled order, with duplicates, late ACKs (one round under the KEK that was by then
//! retired), replays under the retired and then erased KEK, forged HASHes, strangers and
//! wrong SEQs mixed in; every event checked against a model of each member's misses.
//! Reports waiting across several deadlines, and the identity index under add / remove churn.
//!
//! These are correctness tests; speed is measured by `crates/keying-bench` (`benches/gdoi.rs`).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod common;
use common::rekey::*;
use common::*;

use core::time::Duration;
use std::collections::{BTreeSet, HashMap};

use gdoi_ack::Rejected;
use gdoi_ack::Time;
use gdoi_ack::ack::{AckKey, AckType, LEncoding};
use gdoi_ack::gcks::{
    AckError, AckReceived, BuildError, Gcks, GcksConfig, GcksError, GcksEvent, MemberId, Slot,
    Target,
};
use gdoi_ack::gm::{GmConfig, GmIdentity, GroupMember, KekInstall, Outcome};
use gdoi_ack::keys::EcdsaP256;
use gdoi_ack::wire::sa_kek::KekAckRequested;
use gdoi_ack::wire::seq::Seq;
use gdoi_ack::{Delivery, InitialKek};
use keying_crypto::rustcrypto::{HashDrbg, P256SigningKey, P256VerifyingKey, RustCrypto};

type Ks = Gcks<RustCrypto, EcdsaP256<P256SigningKey>, Box<[Slot]>>;
type Gm = GroupMember<RustCrypto, EcdsaP256<P256VerifyingKey>, 4>;

const POLICY: KekAckRequested = KekAckRequested::KekSha256;
const K1: [u8; 16] = COOKIES;
const K2: [u8; 16] = [0xa2; 16];

fn gcks(capacity: usize) -> Ks {
    let table: Box<[Slot]> = (0..capacity).map(|_| Slot::EMPTY).collect();
    Gcks::new(
        RustCrypto,
        GcksConfig::new(Some(POLICY)),
        EcdsaP256(signer()),
        InitialKek {
            spi: K1,
            algorithm_key: &kek_key(&K1),
            last_seq: 0,
        },
        table,
        &mut HashDrbg::new(b"index"),
    )
    .unwrap()
}

/// Member `i`'s identity: 10.x.y.z.
fn identity(i: usize) -> GmIdentity {
    GmIdentity::Ipv4([10, (i >> 16) as u8, (i >> 8) as u8, i as u8])
}

fn events(ks: &mut Ks) -> Vec<GcksEvent> {
    std::iter::from_fn(|| ks.poll_event()).collect()
}

/// `got == want`, reporting the first difference rather than both lists.
fn assert_events(got: &[GcksEvent], want: &[GcksEvent]) {
    if let Some(i) = (0..got.len().min(want.len())).find(|&i| got[i] != want[i]) {
        panic!("event {i}: got {:?}, want {:?}", got[i], want[i]);
    }
    assert_eq!(got.len(), want.len(), "number of events");
}

fn ack_key(spi: &[u8; 16]) -> AckKey {
    let ty = AckType::new(POLICY).unwrap();
    AckKey::derive(
        &RustCrypto,
        ty,
        &kek_key(spi)[16..],
        spi,
        LEncoding::BlockBits,
    )
}

/// The ACK a member with `id` sends for `seq` (what `GroupMember` writes: see the real
/// members below).
fn ack(key: &AckKey, seq: u32, id: &GmIdentity) -> Vec<u8> {
    let mut out = [0u8; 128];
    let n = key
        .emit_ack(&RustCrypto, Seq(seq), &id.to_id(), &mut out)
        .unwrap();
    out[..n].to_vec()
}

/// xorshift64*: deterministic shuffles and picks.
struct Prng(u64);

impl Prng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }

    /// `k` distinct values of `range` outside `not`.
    fn pick(
        &mut self,
        k: usize,
        range: std::ops::Range<usize>,
        not: &BTreeSet<usize>,
    ) -> BTreeSet<usize> {
        let mut s = BTreeSet::new();
        while s.len() < k {
            let i = range.start + self.below(range.len());
            if !not.contains(&i) {
                s.insert(i);
            }
        }
        s
    }
}

#[test]
fn a_thousand_members_none_acking_are_each_reported_missing_once() {
    let mut ks = gcks(1_000);
    let ids: Vec<MemberId> = (0..1_000)
        .map(|i| ks.add_member(identity(i), None).unwrap())
        .collect();
    let t = Time::from_unix_secs(1_000);
    let mut wire = [0u8; 1024];
    let b = push(
        &mut ks,
        t,
        Target::All,
        Rekey {
            tek_spi: [0, 0, 0, 1],
            new_kek: None,
            delete_kek: None,
            policy: POLICY,
        },
        &mut wire,
    );
    ks.handle_timeout(t.saturating_add(Duration::from_millis(9_999)));
    assert_eq!(ks.poll_event(), None, "nothing is missing before 10 s");
    ks.handle_timeout(t.saturating_add(Duration::from_secs(10)));
    let mut by_id = ids.clone();
    by_id.sort();
    let want: Vec<GcksEvent> = by_id
        .iter()
        .map(|&member| GcksEvent::AckMissing {
            member,
            seq: b.seq,
            consecutive: 1,
        })
        .collect();
    // All 1,000, each once, in MemberId order; none of them had ever acked: no MemberLost.
    assert_events(&events(&mut ks), &want);
    ks.handle_timeout(t.saturating_add(Duration::from_secs(60)));
    assert!(events(&mut ks).is_empty());
    assert_eq!(ks.poll_timeout(), None);
}

/// Reports stay in the table across deadlines until polled: nothing is dropped, the
/// PUSH's outstanding entry stays taken meanwhile (a ninth PUSH is refused, not a report),
/// an ACK after a deadline ran does not cancel its report, and a removed member's reports
/// go with it.
#[test]
fn reports_wait_in_the_table_across_deadlines() {
    const M: usize = 300;
    let mut ks = gcks(M);
    let ids: Vec<MemberId> = (0..M)
        .map(|i| ks.add_member(identity(i), None).unwrap())
        .collect();
    let mut t = Time::from_unix_secs(1_000);
    let mut wire = [0u8; 1024];
    let key = ack_key(&K1);
    for n in 1..=8u8 {
        let b = push(
            &mut ks,
            t,
            Target::All,
            Rekey {
                tek_spi: [0, 0, 0, n],
                new_kek: None,
                delete_kek: None,
                policy: POLICY,
            },
            &mut wire,
        );
        assert_eq!(b.seq, u32::from(n));
        if n == 1 {
            // Member 0 acks the first PUSH only: it can be "lost" later.
            ks.handle_ack(t, &ack(&key, 1, &identity(0))).unwrap();
        }
        t = t.saturating_add(Duration::from_secs(1));
    }
    // Every deadline runs; nothing is polled yet.
    t = t.saturating_add(Duration::from_secs(10));
    ks.handle_timeout(t);
    assert_eq!(ks.poll_timeout(), None);
    // Member 1 acks SEQ 8 after its deadline ran: accepted, but too late for the reports.
    let r = ks.handle_ack(t, &ack(&key, 8, &identity(1))).unwrap();
    assert_eq!(r.member, ids[1]);
    // The eight entries are held by unpolled reports.
    assert_eq!(
        ks.push(
            t,
            Target::All,
            &gdoi_ack::push::PushBuilder::new()
                .delete_tek([0, 0, 0, 9])
                .unwrap(),
            &mut HashDrbg::new(b"p"),
            &mut wire
        ),
        Err(BuildError::TableFull)
    );
    ks.remove_member(ids[2]).unwrap();
    // Members in the order the passes found them: the first pass (SEQ 1) found all but
    // member 0 (it acked SEQ 1), in MemberId order; the second found member 0. Each member's reports oldest
    // first, MemberLost right after the third miss in a row.
    let mut want = Vec::new();
    let mut first_pass: Vec<MemberId> = ids[1..].iter().copied().filter(|&m| m != ids[2]).collect();
    first_pass.sort();
    for member in first_pass {
        want.extend((1..=8u32).map(|seq| GcksEvent::AckMissing {
            member,
            seq,
            consecutive: seq as u8,
        }));
    }
    for seq in 2..=8u32 {
        let consecutive = (seq - 1) as u8;
        want.push(GcksEvent::AckMissing {
            member: ids[0],
            seq,
            consecutive,
        });
        if consecutive == 3 {
            want.push(GcksEvent::MemberLost { member: ids[0] });
        }
    }
    assert_events(&events(&mut ks), &want);
    // Polled: the entries are free again.
    push(
        &mut ks,
        t,
        Target::All,
        Rekey {
            tek_spi: [0, 0, 0, 9],
            new_kek: None,
            delete_kek: None,
            policy: POLICY,
        },
        &mut wire,
    );
}

#[test]
fn the_identity_index_survives_add_remove_churn() {
    // A small table so that probe runs are long and wrap around the end.
    const CAP: usize = 64;
    const POOL: usize = 200;
    let mut ks = gcks(CAP);
    let mut model: HashMap<usize, MemberId> = HashMap::new();
    let mut rng = Prng(7);
    for step in 0..20_000 {
        let i = rng.below(POOL);
        match (model.get(&i).copied(), rng.below(2)) {
            (Some(id), 0) => {
                ks.remove_member(id).unwrap();
                model.remove(&i);
                assert_eq!(ks.remove_member(id), Err(GcksError::UnknownMember));
            }
            (Some(_), _) => assert_eq!(
                ks.add_member(identity(i), None),
                Err(GcksError::Duplicate),
                "step {step}"
            ),
            (None, _) if model.len() == CAP => assert_eq!(
                ks.add_member(identity(i), None),
                Err(GcksError::TableFull),
                "step {step}"
            ),
            (None, _) => {
                let id = ks.add_member(identity(i), None).unwrap();
                assert!(model.values().all(|&m| m != id), "step {step}: id in use");
                model.insert(i, id);
            }
        }
        assert_eq!(ks.member_count(), model.len());
        let probe = rng.below(POOL);
        assert_eq!(
            ks.find_member(&identity(probe)),
            model.get(&probe).copied(),
            "step {step}"
        );
    }
    for i in 0..POOL {
        assert_eq!(ks.find_member(&identity(i)), model.get(&i).copied());
    }
}

/// What an ACK in the simulated traffic must do.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A member's ACK of this round's PUSH (some sent twice).
    Fresh(usize),
    /// A member's ACK of an earlier PUSH, sent after that PUSH's deadline ran: accepted.
    Late(usize),
    /// A member's earlier ACK again, under the KEK before the rollover.
    Replay(usize),
    /// HASH altered.
    Forged(usize),
    /// A valid HASH from an identity that is no member.
    Stranger,
    /// A valid HASH for a SEQ never sent.
    WrongSeq(usize),
}

#[test]
fn a_hundred_thousand_members_over_four_rekeys() {
    const N: usize = 100_000;
    const SILENT: usize = 1_000;
    // Members 0..REAL run the real GM code on the real PUSH; their ACKs must be the ones
    // the simulation sends for everybody.
    const REAL: usize = 3;
    let mut rng = Prng(0x9e37_79b9_7f4a_7c15);
    let mut ks = gcks(N);
    let ids: Vec<MemberId> = (0..N)
        .map(|i| ks.add_member(identity(i), None).unwrap())
        .collect();
    assert_eq!(ks.member_count(), N);
    assert!(ks.member_count() > usize::from(u16::MAX));
    assert_eq!(ks.add_member(identity(N), None), Err(GcksError::TableFull));
    let mut gms: Vec<Gm> = (0..REAL)
        .map(|i| {
            let mut g = Gm::new(RustCrypto, GmConfig::new(identity(i)));
            g.install_kek(KekInstall {
                spi: K1,
                algorithm_key: &kek_key(&K1),
                last_seq: 0,
                ack_requested: Some(POLICY),
                verifier: EcdsaP256(signer().verifying_key()),
            })
            .unwrap();
            g
        })
        .collect();
    let mut gm_rng = HashDrbg::new(b"gm");

    // Silent in round 1: R1 (they ack late, in round 2). Silent in rounds 2–4: S, of which
    // L send their round-2 ACK late, in round 3, under the retired K1.
    let r1 = rng.pick(SILENT, REAL..N, &BTreeSet::new());
    let s = rng.pick(SILENT, REAL..N, &r1);
    let l: BTreeSet<usize> = s.iter().copied().take(100).collect();
    // The model: consecutive misses and "acked at least once", per member.
    let mut missed = vec![0u8; N];
    let mut ever = vec![false; N];

    let mut t = Time::from_unix_secs(1_000);
    let mut wire = [0u8; 1024];
    for round in 1..=4u8 {
        let new_kek = (round == 2).then_some(K2);
        let b = push(
            &mut ks,
            t,
            Target::All,
            Rekey {
                tek_spi: [0, 0, 1, round],
                new_kek,
                delete_kek: None,
                policy: POLICY,
            },
            &mut wire,
        );
        let (spi, seq) = (b.kek_spi, b.seq);
        assert_eq!(
            (spi, seq),
            [(K1, 1), (K1, 2), (K2, 1), (K2, 2)][usize::from(round - 1)]
        );
        let key = ack_key(&spi);
        let silent = if round == 1 { &r1 } else { &s };
        for (i, g) in gms.iter_mut().enumerate() {
            let mut scratch = [0u8; 1024];
            let r = g.handle_push(
                t,
                &wire[..b.len],
                Delivery::Multicast,
                &mut gm_rng,
                &mut scratch,
            );
            assert!(matches!(r, Ok(Outcome::Accepted(_))), "GM {i}: {r:?}");
            let mut out = [0u8; 256];
            let at = t.saturating_add(Duration::from_secs(5));
            let n = g.handle_timeout(at, &mut out).unwrap().unwrap();
            assert_eq!(out[..n], ack(&key, seq, &identity(i)), "GM {i}");
        }

        // Late ACKs arrive first (they answer an earlier PUSH).
        let mut late: Vec<(Vec<u8>, Kind)> = match round {
            2 => r1
                .iter()
                .take(500)
                .map(|&i| (ack(&ack_key(&K1), 1, &identity(i)), Kind::Late(i)))
                .collect(),
            3 => l
                .iter()
                .map(|&i| (ack(&ack_key(&K1), 2, &identity(i)), Kind::Late(i)))
                .collect(),
            _ => Vec::new(),
        };
        rng.shuffle(&mut late);
        let mut stream: Vec<(Vec<u8>, Kind)> = Vec::new();
        for i in (0..N).filter(|i| !silent.contains(i)) {
            let a = ack(&key, seq, &identity(i));
            if i % 20 == 0 {
                stream.push((a.clone(), Kind::Fresh(i)));
            }
            stream.push((a, Kind::Fresh(i)));
        }
        for _ in 0..1_000 {
            // Half from silent members: a forgery must not make them count as acked.
            let i = if stream.len().is_multiple_of(2) {
                *silent.iter().nth(rng.below(SILENT)).unwrap()
            } else {
                rng.below(N)
            };
            let mut a = ack(&key, seq, &identity(i));
            let h = 28 + 4 + rng.below(32);
            a[h] ^= 1 << rng.below(8);
            stream.push((a, Kind::Forged(i)));
        }
        for j in 0..200 {
            let stranger = GmIdentity::Ipv4([192, 0, 2, j as u8]);
            stream.push((ack(&key, seq, &stranger), Kind::Stranger));
            let i = rng.below(N);
            stream.push((ack(&key, seq + 5, &identity(i)), Kind::WrongSeq(i)));
        }
        if round >= 3 {
            for _ in 0..2_000 {
                let i = rng.below(N);
                if !s.contains(&i) {
                    stream.push((ack(&ack_key(&K1), 2, &identity(i)), Kind::Replay(i)));
                }
            }
        }
        rng.shuffle(&mut stream);

        t = t.saturating_add(Duration::from_secs(5));
        let mut fresh_ok = vec![false; N];
        for (dg, kind) in late.iter().chain(&stream) {
            let who = match *kind {
                Kind::Fresh(i)
                | Kind::Late(i)
                | Kind::Replay(i)
                | Kind::Forged(i)
                | Kind::WrongSeq(i) => Some(i),
                Kind::Stranger => None,
            };
            let before = who.map(|i| ks.last_acked(ids[i]));
            let r = ks.handle_ack(t, dg);
            match *kind {
                Kind::Fresh(i) if !fresh_ok[i] => {
                    let want = AckReceived {
                        member: ids[i],
                        seq,
                        kek_spi: spi,
                    };
                    assert_eq!(r, Ok(want), "round {round}, member {i}");
                    fresh_ok[i] = true;
                }
                Kind::Late(i) => {
                    let late_seq = u32::from(round - 1);
                    assert_eq!(
                        r.map(|a| (a.member, a.seq, a.kek_spi)),
                        Ok((ids[i], late_seq, K1))
                    );
                }
                Kind::Fresh(_) => assert_eq!(r, Err(Rejected::silent(AckError::Duplicate(seq)))),
                Kind::Replay(_) if round == 3 => {
                    assert_eq!(r, Err(Rejected::silent(AckError::Duplicate(2))))
                }
                Kind::Replay(_) => assert_eq!(
                    r,
                    Err(Rejected::silent(AckError::UnknownGroup)),
                    "K1 erased"
                ),
                // (Dropped as a duplicate before the HASH check once the member acked.)
                Kind::Forged(i) if fresh_ok[i] => {
                    assert_eq!(r, Err(Rejected::silent(AckError::Duplicate(seq))))
                }
                Kind::Forged(_) => assert_eq!(r, Err(Rejected::silent(AckError::BadHash))),
                Kind::Stranger => assert_eq!(r, Err(Rejected::silent(AckError::UnknownMember))),
                Kind::WrongSeq(_) => {
                    assert_eq!(r, Err(Rejected::silent(AckError::WrongSeq(seq + 5))))
                }
            }
            match (r, who) {
                (Ok(_), Some(i)) => {
                    missed[i] = 0;
                    ever[i] = true;
                }
                (Err(e), Some(i)) => {
                    assert_eq!(Some(ks.last_acked(ids[i])), before, "{e:?} changed state");
                }
                _ => {}
            }
        }
        assert_eq!(fresh_ok.iter().filter(|&&x| x).count(), N - SILENT);

        // The deadline: exactly the silent members, once each, in MemberId order.
        t = t.saturating_add(Duration::from_secs(5));
        ks.handle_timeout(Time::from_unix_millis(t.unix_millis() - 1));
        assert_eq!(ks.poll_event(), None, "round {round}: early");
        ks.handle_timeout(t);
        let mut want = Vec::new();
        for &i in silent {
            missed[i] += 1;
            want.push(GcksEvent::AckMissing {
                member: ids[i],
                seq,
                consecutive: missed[i],
            });
            if missed[i] == 3 && ever[i] {
                want.push(GcksEvent::MemberLost { member: ids[i] });
            }
        }
        want.sort_by_key(|e| match *e {
            GcksEvent::AckMissing { member, .. } => (member, 0),
            GcksEvent::MemberLost { member } => (member, 1),
        });
        let got = events(&mut ks);
        let lost = got
            .iter()
            .filter(|e| matches!(e, GcksEvent::MemberLost { .. }))
            .count();
        assert_events(&got, &want);
        // Round 4: S's third miss in a row, except for L, whose late ACK reset the count.
        assert_eq!(lost, if round == 4 { SILENT - l.len() } else { 0 });
        t = t.saturating_add(Duration::from_secs(10));
        ks.handle_timeout(t);
        assert!(events(&mut ks).is_empty());
    }
}

/// Random interleavings of joins, removals, PUSHes, ACKs (on time, late, again), deadlines
/// and partial event polling against a model: every event polled is one the model expects
/// (each member's miss of each PUSH once, with its consecutive count, and MemberLost right
/// after the miss that reached three), and when everything is polled nothing the model
/// expects is missing — including reports left unpolled across later deadlines and the
/// reports of members removed meanwhile, which must not appear.
#[test]
fn random_interleavings_lose_and_invent_no_event() {
    const CAP: usize = 48;
    const POOL: usize = 64;
    let key = ack_key(&K1);
    // What the runs went through, to show the cases are reached.
    let (mut missing, mut lost, mut full, mut dropped) = (0, 0, 0, 0);
    for seed in 1..=20u64 {
        let mut rng = Prng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut ks = gcks(CAP);
        // The model.
        let mut reg: HashMap<usize, MemberId> = HashMap::new();
        let mut missed: HashMap<usize, u8> = HashMap::new();
        let mut ever: HashMap<usize, bool> = HashMap::new();
        let mut last_acked: HashMap<usize, u32> = HashMap::new();
        // PUSHes: (seq, deadline, waiting, members acked before the deadline).
        let mut pushes: Vec<(u32, Time, bool, BTreeSet<usize>)> = Vec::new();
        // Reports not yet polled: (member, seq, consecutive, lost after it).
        let mut pending: Vec<(usize, u32, u8, bool)> = Vec::new();
        let mut lost_next: Option<usize> = None;
        let mut t = Time::from_unix_secs(1_000);
        let mut wire = [0u8; 1024];
        let mut last_seq = 0u32;
        for step in 0..400 {
            t = t.saturating_add(Duration::from_millis(rng.below(3_000) as u64));
            match rng.below(10) {
                0 | 1 => {
                    let i = rng.below(POOL);
                    let r = ks.add_member(identity(i), None);
                    if reg.contains_key(&i) {
                        assert_eq!(r, Err(GcksError::Duplicate));
                    } else if reg.len() == CAP {
                        assert_eq!(r, Err(GcksError::TableFull));
                    } else {
                        reg.insert(i, r.unwrap());
                        missed.insert(i, 0);
                        ever.insert(i, false);
                        last_acked.remove(&i);
                        // A new registration has acked nothing, whatever an earlier one did.
                        for p in &mut pushes {
                            p.3.remove(&i);
                        }
                    }
                }
                2 => {
                    if let Some(&i) = reg.keys().nth(rng.below(reg.len().max(1))) {
                        ks.remove_member(reg[&i]).unwrap();
                        reg.remove(&i);
                        dropped += pending.iter().filter(|p| p.0 == i).count();
                        pending.retain(|p| p.0 != i);
                        if lost_next == Some(i) {
                            lost_next = None;
                        }
                    }
                }
                3 => {
                    // An entry is held while waiting or while reports of it are unpolled.
                    let held = pushes
                        .iter()
                        .filter(|p| p.2 || pending.iter().any(|q| q.1 == p.0))
                        .count();
                    let r = ks.push(
                        t,
                        Target::All,
                        &gdoi_ack::push::PushBuilder::new()
                            .delete_tek([0, 0, 0, 1])
                            .unwrap(),
                        &mut HashDrbg::new(b"p"),
                        &mut wire,
                    );
                    if held == 8 {
                        assert_eq!(r, Err(BuildError::TableFull), "seed {seed} step {step}");
                        full += 1;
                    } else {
                        let b = r.unwrap();
                        last_seq += 1;
                        assert_eq!(b.seq, last_seq);
                        let deadline = t.saturating_add(Duration::from_secs(10));
                        pushes.retain(|p| p.2 || pending.iter().any(|q| q.1 == p.0));
                        pushes.push((b.seq, deadline, true, BTreeSet::new()));
                    }
                }
                4..=6 => {
                    // A member (or a stranger to the table) acks some SEQ sent so far.
                    if last_seq == 0 {
                        continue;
                    }
                    let i = rng.below(POOL);
                    let q = 1 + rng.below(last_seq as usize) as u32;
                    let r = ks.handle_ack(t, &ack(&key, q, &identity(i)));
                    match reg.get(&i) {
                        None => assert_eq!(r, Err(Rejected::silent(AckError::UnknownMember))),
                        Some(_) if last_acked.get(&i).is_some_and(|&l| q <= l) => {
                            assert_eq!(r, Err(Rejected::silent(AckError::Duplicate(q))))
                        }
                        Some(&id) => {
                            assert_eq!(r.map(|a| a.member), Ok(id), "seed {seed} step {step}");
                            last_acked.insert(i, q);
                            missed.insert(i, 0);
                            ever.insert(i, true);
                            // Counts for the PUSHes whose deadline is still ahead at `t`,
                            // whether or not `handle_timeout` ran them yet.
                            for p in pushes.iter_mut().filter(|p| p.2 && p.0 <= q && t < p.1) {
                                p.3.insert(i);
                            }
                        }
                    }
                }
                7 => {
                    ks.handle_timeout(t);
                    let mut due: Vec<usize> = (0..pushes.len())
                        .filter(|&k| pushes[k].2 && pushes[k].1 <= t)
                        .collect();
                    due.sort_by_key(|&k| (pushes[k].1, pushes[k].0));
                    for k in due {
                        pushes[k].2 = false;
                        let mut silent: Vec<usize> = reg
                            .keys()
                            .copied()
                            .filter(|i| !pushes[k].3.contains(i))
                            .collect();
                        silent.sort_by_key(|i| reg[i]);
                        for i in silent {
                            let m = missed.get_mut(&i).unwrap();
                            *m += 1;
                            pending.push((i, pushes[k].0, *m, *m == 3 && ever[&i]));
                        }
                    }
                }
                _ => {
                    // Poll a few events.
                    for _ in 0..rng.below(6) {
                        let Some(e) = ks.poll_event() else {
                            assert!(lost_next.is_none() && pending.is_empty());
                            break;
                        };
                        count(e, &mut missing, &mut lost);
                        check_event(e, &reg, &mut pending, &mut lost_next, seed, step);
                    }
                }
            }
        }
        // Everything still owed comes out, and nothing else.
        while let Some(e) = ks.poll_event() {
            count(e, &mut missing, &mut lost);
            check_event(e, &reg, &mut pending, &mut lost_next, seed, 400);
        }
        assert!(
            pending.is_empty() && lost_next.is_none(),
            "seed {seed}: {pending:?}"
        );
    }
    // (These seeds: thousands of misses, over a hundred MemberLost, hundreds of refused
    // PUSHes and of discarded reports of removed members.)
    assert!(
        missing > 1_000 && lost > 10 && full > 0 && dropped > 10,
        "{missing} {lost} {full} {dropped}"
    );
}

fn count(e: GcksEvent, missing: &mut usize, lost: &mut usize) {
    match e {
        GcksEvent::AckMissing { .. } => *missing += 1,
        GcksEvent::MemberLost { .. } => *lost += 1,
    }
}

/// Takes a polled event off the model: a MemberLost owed first, else one of the pending
/// misses (each member's oldest first), which may owe a MemberLost next.
fn check_event(
    e: GcksEvent,
    reg: &HashMap<usize, MemberId>,
    pending: &mut Vec<(usize, u32, u8, bool)>,
    lost_next: &mut Option<usize>,
    seed: u64,
    step: usize,
) {
    let who = |m: MemberId| reg.iter().find(|(_, id)| **id == m).map(|(&i, _)| i);
    match e {
        GcksEvent::MemberLost { member } => {
            assert_eq!(
                lost_next.take(),
                who(member),
                "seed {seed} step {step}: {e:?}"
            );
        }
        GcksEvent::AckMissing {
            member,
            seq,
            consecutive,
        } => {
            assert!(
                lost_next.is_none(),
                "seed {seed} step {step}: MemberLost owed"
            );
            let i = who(member).expect("a registered member");
            let oldest = pending
                .iter()
                .position(|p| p.0 == i)
                .expect("an owed report");
            let p = pending.remove(oldest);
            assert_eq!((p.1, p.2), (seq, consecutive), "seed {seed} step {step}");
            if p.3 {
                *lost_next = Some(i);
            }
        }
    }
}
