//! GM ↔ GCKS on a virtual clock: several members, lost PUSH, lost ACK, KEK rollover with a
//! PUSH that deletes its own KEK, a member lost after missed rekeys; ACK tampering; the
//! members table's capacity.
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
use gdoi_ack::Rejected;
use gdoi_ack::Time;
use gdoi_ack::gcks::{
    AckError, Gcks, GcksConfig, GcksError, GcksEvent, MemberId, PushContent, Slot, Target,
};
use gdoi_ack::gm::{
    AckStatus, GmConfig, GmIdentity, GroupMember, InstallError, KekInstall, MAX_PENDING_ACKS,
    Outcome, PushError,
};
use gdoi_ack::keys::EcdsaP256;
use gdoi_ack::wire::message::Ack;
use gdoi_ack::wire::sa_kek::KekAckRequested;
use gdoi_ack::{Delivery, InitialKek};
use keying_crypto::rustcrypto::{HashDrbg, P256SigningKey, P256VerifyingKey, RustCrypto};

type Ks<const M: usize> = Gcks<RustCrypto, EcdsaP256<P256SigningKey>, [Slot; M]>;
type Gm = GroupMember<RustCrypto, EcdsaP256<P256VerifyingKey>, 4>;

const K1: [u8; 16] = COOKIES;
const K2: [u8; 16] = [0xa2; 16];
const K3: [u8; 16] = [0xa3; 16];

fn gcks<const M: usize>(policy: KekAckRequested) -> Ks<M> {
    Gcks::new(
        RustCrypto,
        GcksConfig::new(Some(policy)),
        EcdsaP256(signer()),
        InitialKek {
            spi: K1,
            algorithm_key: &kek_key(&K1),
            last_seq: 0,
        },
        [Slot::EMPTY; M],
        &mut HashDrbg::new(b"index"),
    )
    .unwrap()
}

fn gm(addr: u8, policy: KekAckRequested, last_seq: u32) -> Gm {
    let mut g = Gm::new(
        RustCrypto,
        GmConfig::new(GmIdentity::Ipv4([10, 0, 0, addr])),
    );
    g.install_kek(KekInstall {
        spi: K1,
        algorithm_key: &kek_key(&K1),
        last_seq,
        ack_requested: Some(policy),
        verifier: EcdsaP256(signer().verifying_key()),
    })
    .unwrap();
    g
}

/// The members and the network, on a virtual clock.
struct World<const M: usize> {
    now: Time,
    ks: Ks<M>,
    gms: Vec<Gm>,
    ids: Vec<MemberId>,
    rng: HashDrbg,
}

impl<const M: usize> World<M> {
    fn new(n: u8, policy: KekAckRequested) -> Self {
        let mut ks = gcks::<M>(policy);
        let mut gms = Vec::new();
        let mut ids = Vec::new();
        for i in 0..n {
            gms.push(gm(i + 1, policy, ks.current().unwrap().1));
            ids.push(
                ks.add_member(GmIdentity::Ipv4([10, 0, 0, i + 1]), None)
                    .unwrap(),
            );
        }
        Self {
            now: Time::from_unix_secs(1000),
            ks,
            gms,
            ids,
            rng: HashDrbg::new(b"world"),
        }
    }

    /// Delivers `wire` to the members in `to`; returns how many accepted it.
    fn deliver_push(&mut self, wire: &[u8], to: &[usize]) -> usize {
        let mut accepted = 0;
        for &i in to {
            let mut scratch = [0u8; 1024];
            match self.gms[i].handle_push(
                self.now,
                wire,
                Delivery::Multicast,
                &mut self.rng,
                &mut scratch,
            ) {
                Ok(Outcome::Accepted(_)) => accepted += 1,
                r => panic!("member {i}: {r:?}"),
            }
        }
        accepted
    }

    /// Advances the clock to the next deadline of anyone (or by `max`), returning the ACKs
    /// the members sent (member index, bytes).
    fn run_acks(&mut self, max: Duration) -> Vec<(usize, Vec<u8>)> {
        let end = self.now.saturating_add(max);
        let mut sent = Vec::new();
        loop {
            let next = self.gms.iter().filter_map(Gm::poll_timeout).min();
            match next {
                Some(t) if t <= end => {
                    self.now = self.now.max(t);
                    for (i, g) in self.gms.iter_mut().enumerate() {
                        let mut out = [0u8; 300];
                        while let Some(n) = g.handle_timeout(self.now, &mut out).unwrap() {
                            sent.push((i, out[..n].to_vec()));
                        }
                    }
                }
                _ => break,
            }
        }
        self.now = end;
        sent
    }

    fn gcks_timeout(&mut self) -> Vec<GcksEvent> {
        while let Some(t) = self.ks.poll_timeout() {
            if t > self.now {
                break;
            }
            self.ks.handle_timeout(self.now);
        }
        std::iter::from_fn(|| self.ks.poll_event()).collect()
    }
}

#[test]
fn exchange_with_losses_rollover_and_member_loss() {
    let policy = KekAckRequested::KekSha256;
    let mut w: World<8> = World::new(3, policy);
    let mut wire = [0u8; 1024];

    // 1. Multicast PUSH, all receive, all ack within 5 s.
    let b = push(
        &mut w.ks,
        w.now,
        Target::All,
        Rekey {
            tek_spi: [0, 0, 0, 1],
            new_kek: None,
            delete_kek: None,
            policy,
        },
        &mut wire,
    );
    assert_eq!((b.seq, b.kek_spi), (1, K1));
    assert_eq!(w.deliver_push(&wire[..b.len], &[0, 1, 2]), 3);
    let acks = w.run_acks(Duration::from_secs(5));
    assert_eq!(acks.len(), 3);
    for (i, a) in &acks {
        let r = w.ks.handle_ack(w.now, a).unwrap();
        assert_eq!((r.member, r.seq, r.kek_spi), (w.ids[*i], 1, K1));
        // A duplicate is dropped before any crypto.
        assert_eq!(
            w.ks.handle_ack(w.now, a),
            Err(Rejected::silent(AckError::Duplicate(1)))
        );
    }
    // No "missing" is reported before 10 s, none at all here.
    assert!(w.ks.poll_timeout().unwrap() >= w.now.saturating_add(Duration::from_secs(4)));
    w.now = w.now.saturating_add(Duration::from_secs(10));
    assert!(w.gcks_timeout().is_empty());

    // 2. Lost PUSH for member 2, lost ACK for member 1.
    let b = push(
        &mut w.ks,
        w.now,
        Target::All,
        Rekey {
            tek_spi: [0, 0, 0, 2],
            new_kek: None,
            delete_kek: None,
            policy,
        },
        &mut wire,
    );
    assert_eq!(b.seq, 2);
    w.deliver_push(&wire[..b.len], &[0, 1]);
    let t_push = w.now;
    for (i, a) in w.run_acks(Duration::from_secs(5)) {
        if i != 1 {
            w.ks.handle_ack(w.now, &a).unwrap();
        }
    }
    // Just before 10 s: nothing; at 10 s: members 1 and 2 missing.
    w.now = t_push.saturating_add(Duration::from_millis(9_999));
    assert!(w.gcks_timeout().is_empty());
    w.now = t_push.saturating_add(Duration::from_secs(10));
    let ev = w.gcks_timeout();
    // One pass: in MemberId order.
    let mut missing = [w.ids[1], w.ids[2]];
    missing.sort();
    assert_eq!(
        ev,
        missing.map(|member| GcksEvent::AckMissing {
            member,
            seq: 2,
            consecutive: 1
        })
    );

    // 3. KEK rollover K1 → K2 in a PUSH that also deletes K1 (its own KEK). Member 2 missed
    //    SEQ 2 but still accepts SEQ 3 (greater). The ACK uses K1's cookies and key.
    let b = push(
        &mut w.ks,
        w.now,
        Target::All,
        Rekey {
            tek_spi: [0, 0, 0, 3],
            new_kek: Some(K2),
            delete_kek: Some(K1),
            policy,
        },
        &mut wire,
    );
    assert_eq!((b.seq, b.kek_spi), (3, K1));
    w.deliver_push(&wire[..b.len], &[0, 1, 2]);
    for g in &w.gms {
        assert_eq!(
            g.kek_spis().collect::<Vec<_>>(),
            vec![K2],
            "K1 deleted, K2 installed"
        );
        assert_eq!(g.last_seq(&K2), Some(0));
    }
    let acks = w.run_acks(Duration::from_secs(5));
    assert_eq!(acks.len(), 3);
    for (_, a) in &acks {
        assert_eq!(&a[..16], &K1);
        let r = w.ks.handle_ack(w.now, a).unwrap();
        assert_eq!((r.seq, r.kek_spi), (3, K1));
    }
    assert_eq!(w.ks.current(), Some((K2, 0)));
    w.now = w.now.saturating_add(Duration::from_secs(10));
    assert!(w.gcks_timeout().is_empty(), "acks reset the miss counters");

    // 4. Under K2, SEQ restarts at 1. Member 2 then misses three rekeys in a row.
    for n in 1..=3u32 {
        let b = push(
            &mut w.ks,
            w.now,
            Target::All,
            Rekey {
                tek_spi: [0, 0, 1, n as u8],
                new_kek: None,
                delete_kek: None,
                policy,
            },
            &mut wire,
        );
        assert_eq!((b.seq, b.kek_spi), (n, K2));
        w.deliver_push(&wire[..b.len], &[0, 1]);
        for (_, a) in w.run_acks(Duration::from_secs(5)) {
            w.ks.handle_ack(w.now, &a).unwrap();
        }
        w.now = w.now.saturating_add(Duration::from_secs(10));
        let ev = w.gcks_timeout();
        let mut want = vec![GcksEvent::AckMissing {
            member: w.ids[2],
            seq: n,
            consecutive: n as u8,
        }];
        if n == 3 {
            want.push(GcksEvent::MemberLost { member: w.ids[2] });
        }
        assert_eq!(ev, want);
    }
    w.ks.remove_member(w.ids[2]).unwrap();
    assert_eq!(w.ks.member_count(), 2);
    // Its stale K1 is gone from the GCKS after retention; its old ACK is now unknown.
    w.now = w.now.saturating_add(Duration::from_secs(60));
    w.gcks_timeout();
    assert_eq!(
        w.ks.handle_ack(w.now, &acks[0].1),
        Err(Rejected::silent(AckError::UnknownGroup))
    );

    // 5. Unicast rekey to member 0 only: only it is expected.
    let b = push(
        &mut w.ks,
        w.now,
        Target::Member(w.ids[0]),
        Rekey {
            tek_spi: [0, 0, 2, 0],
            new_kek: None,
            delete_kek: None,
            policy,
        },
        &mut wire,
    );
    let mut scratch = [0u8; 1024];
    w.gms[0]
        .handle_push(
            w.now,
            &wire[..b.len],
            Delivery::Unicast,
            &mut w.rng,
            &mut scratch,
        )
        .unwrap();
    let acks = w.run_acks(Duration::ZERO);
    assert_eq!(acks.len(), 1, "unicast: no jitter");
    w.ks.handle_ack(w.now, &acks[0].1).unwrap();
    w.now = w.now.saturating_add(Duration::from_secs(10));
    assert!(w.gcks_timeout().is_empty());
    let _ = K3;
}

#[test]
fn sha512_and_lkh_policies() {
    // SHA-512 KEK type end to end.
    let policy = KekAckRequested::KekSha512;
    let mut w: World<4> = World::new(2, policy);
    let mut wire = [0u8; 1024];
    let b = push(
        &mut w.ks,
        w.now,
        Target::All,
        Rekey {
            tek_spi: [9, 9, 9, 9],
            new_kek: None,
            delete_kek: None,
            policy,
        },
        &mut wire,
    );
    w.deliver_push(&wire[..b.len], &[0, 1]);
    let acks = w.run_acks(Duration::from_secs(5));
    assert_eq!(acks.len(), 2);
    for (_, a) in &acks {
        assert_eq!(a.len(), 28 + 68 + 8 + 12);
        w.ks.handle_ack(w.now, a).unwrap();
    }
    // LKH type: per-member leaf keys.
    let policy = KekAckRequested::LkhSha256;
    let mut ks = gcks::<4>(policy);
    let id = ks
        .add_member(GmIdentity::Ipv4([10, 0, 0, 1]), Some(&[7u8; 16]))
        .unwrap();
    let mut g = gm(1, policy, 0);
    g.set_lkh_leaf_key(&[7u8; 16]).unwrap();
    let mut other = gm(1, policy, 0); // same address, wrong leaf key
    other.set_lkh_leaf_key(&[8u8; 16]).unwrap();
    let now = Time::from_unix_secs(1);
    let b = push(
        &mut ks,
        now,
        Target::All,
        Rekey {
            tek_spi: [1, 1, 1, 1],
            new_kek: None,
            delete_kek: None,
            policy,
        },
        &mut wire,
    );
    let mut rng = HashDrbg::new(b"l");
    let mut scratch = [0u8; 1024];
    let mut out = [0u8; 300];
    other
        .handle_push(
            now,
            &wire[..b.len],
            Delivery::Unicast,
            &mut rng,
            &mut scratch,
        )
        .unwrap();
    let n = other.handle_timeout(now, &mut out).unwrap().unwrap();
    assert_eq!(
        ks.handle_ack(Time::UNIX_EPOCH, &out[..n]),
        Err(Rejected::silent(AckError::BadHash))
    );
    g.handle_push(
        now,
        &wire[..b.len],
        Delivery::Unicast,
        &mut rng,
        &mut scratch,
    )
    .unwrap();
    let n = g.handle_timeout(now, &mut out).unwrap().unwrap();
    assert_eq!(
        ks.handle_ack(Time::UNIX_EPOCH, &out[..n]).unwrap().member,
        id
    );
}

#[test]
fn every_bit_flip_of_a_valid_ack_is_rejected_by_the_gcks() {
    let policy = KekAckRequested::KekSha256;
    let mut w: World<4> = World::new(1, policy);
    let mut wire = [0u8; 1024];
    let b = push(
        &mut w.ks,
        w.now,
        Target::All,
        Rekey {
            tek_spi: [0, 0, 0, 1],
            new_kek: None,
            delete_kek: None,
            policy,
        },
        &mut wire,
    );
    w.deliver_push(&wire[..b.len], &[0]);
    let acks = w.run_acks(Duration::from_secs(5));
    let ack = &acks[0].1;
    for bit in 0..ack.len() * 8 {
        let mut x = ack.clone();
        x[bit / 8] ^= 1 << (bit % 8);
        assert!(w.ks.handle_ack(w.now, &x).is_err(), "bit {bit} accepted");
        assert_eq!(w.ks.last_acked(w.ids[0]), None, "bit {bit} changed state");
    }
    // Exchange type 34 is rejected as such.
    let mut x = ack.clone();
    x[18] = 34;
    assert!(
        matches!(w.ks.handle_ack(w.now, &x), Err(Rejected { error: AckError::Malformed(e), .. }) if e.kind == gdoi_ack::ErrorKind::UnknownType { value: 34 })
    );
    w.ks.handle_ack(w.now, ack).unwrap();
    assert_eq!(w.ks.last_acked(w.ids[0]), Some((K1, 1)));
}

#[test]
fn members_table_full_and_unexpected_acks() {
    let mut ks = gcks::<2>(KekAckRequested::KekSha256);
    ks.add_member(GmIdentity::Ipv4([10, 0, 0, 1]), None)
        .unwrap();
    assert_eq!(
        ks.add_member(GmIdentity::Ipv4([10, 0, 0, 1]), None),
        Err(GcksError::Duplicate)
    );
    ks.add_member(GmIdentity::Ipv4([10, 0, 0, 2]), None)
        .unwrap();
    assert_eq!(
        ks.add_member(GmIdentity::Ipv4([10, 0, 0, 3]), None),
        Err(GcksError::TableFull)
    );
    assert_eq!(ks.member_count(), 2);
    // An ACK for a SEQ never sent, from an unknown member, or to a group without ACKs.
    let ack = vector("ack_sha256.hex"); // SEQ 2, 192.0.2.100, cookies K1
    assert_eq!(
        ks.handle_ack(Time::UNIX_EPOCH, &ack),
        Err(Rejected::silent(AckError::UnknownMember))
    );
    ks.add_member(GmIdentity::Ipv4([192, 0, 2, 100]), None)
        .unwrap_err();
    let mut ks = gcks::<2>(KekAckRequested::KekSha256);
    ks.add_member(GmIdentity::Ipv4([192, 0, 2, 100]), None)
        .unwrap();
    assert_eq!(
        ks.handle_ack(Time::UNIX_EPOCH, &ack),
        Err(Rejected::silent(AckError::WrongSeq(2)))
    );
    let mut none: Ks<2> = Gcks::new(
        RustCrypto,
        GcksConfig::new(None),
        EcdsaP256(signer()),
        InitialKek {
            spi: K1,
            algorithm_key: &kek_key(&K1),
            last_seq: 5,
        },
        [Slot::EMPTY; 2],
        &mut HashDrbg::new(b"index"),
    )
    .unwrap();
    assert_eq!(
        none.handle_ack(Time::UNIX_EPOCH, &ack),
        Err(Rejected::silent(AckError::NotExpected))
    );
}

#[test]
fn gcks_builds_the_vector_push_byte_for_byte() {
    // The encrypted PUSH of tests/vectors/gdoi/push_wire.hex: cookies K1 with the current
    // KEK of that README, SEQ 2 (last used 1), the content of push_plaintext.hex,
    // deterministic (RFC 6979) ECDSA: our build must equal the vector.
    let plain = vector("push_plaintext.hex");
    let p = gdoi_ack::wire::message::PushPayloads::parse(18, &plain, 28, 0).unwrap();
    let key = [KEK_IV.as_slice(), KEK_KEY.as_slice()].concat();
    let mut ks: Ks<2> = Gcks::new(
        RustCrypto,
        GcksConfig::new(Some(KekAckRequested::KekSha256)),
        EcdsaP256(signer()),
        InitialKek {
            spi: COOKIES,
            algorithm_key: &key,
            last_seq: 1,
        },
        [Slot::EMPTY; 2],
        &mut HashDrbg::new(b"index"),
    )
    .unwrap();
    let content = PushContent {
        deletes: &[],
        sa: p.sa,
        kd: p.kd,
    };
    let mut out = [0x2a; 600];
    let mut rng = HashDrbg::new(b"x");
    let b = ks
        .build_push(Time::UNIX_EPOCH, Target::All, &content, &mut rng, &mut out)
        .unwrap();
    assert_eq!(&out[..b.len], vector("push_wire.hex"));
    // Too small a buffer: the whole size is reported and nothing changed.
    let mut ks2: Ks<2> = Gcks::new(
        RustCrypto,
        GcksConfig::new(Some(KekAckRequested::KekSha256)),
        EcdsaP256(signer()),
        InitialKek {
            spi: COOKIES,
            algorithm_key: &key,
            last_seq: 1,
        },
        [Slot::EMPTY; 2],
        &mut HashDrbg::new(b"index"),
    )
    .unwrap();
    let e = ks2
        .build_push(
            Time::UNIX_EPOCH,
            Target::All,
            &content,
            &mut rng,
            &mut out[..100],
        )
        .unwrap_err();
    assert_eq!(
        e,
        gdoi_ack::gcks::BuildError::BufferTooSmall { needed: 476 }
    );
    assert_eq!(ks2.current(), Some((COOKIES, 1)));
}

#[test]
fn a_member_that_never_acked_is_reported_missing_but_never_lost() {
    let policy = KekAckRequested::KekSha256;
    let mut w: World<4> = World::new(1, policy);
    let mut wire = [0u8; 1024];
    for n in 1..=4u8 {
        push(
            &mut w.ks,
            w.now,
            Target::All,
            Rekey {
                tek_spi: [0, 0, 0, n],
                new_kek: None,
                delete_kek: None,
                policy,
            },
            &mut wire,
        );
        w.now = w.now.saturating_add(Duration::from_secs(10));
        let ev = w.gcks_timeout();
        assert_eq!(
            ev,
            vec![GcksEvent::AckMissing {
                member: w.ids[0],
                seq: u32::from(n),
                consecutive: n
            }]
        );
    }
}

#[test]
fn delete_only_push_deleting_its_own_kek_is_acked_with_the_old_key() {
    let policy = KekAckRequested::KekSha256;
    let mut w: World<4> = World::new(2, policy);
    let mut wire = [0u8; 1024];
    // Delete-only form: SEQ, D(TEK), D(KEK K1), SIG.
    let tek_spi = [0u8, 0, 0, 9];
    let content = gdoi_ack::push::PushBuilder::new()
        .delete_tek(tek_spi)
        .unwrap()
        .delete_kek(K1)
        .unwrap();
    let mut rng = HashDrbg::new(b"d");
    let b =
        w.ks.push(w.now, Target::All, &content, &mut rng, &mut wire)
            .unwrap();
    let older = wire[..b.len].to_vec();
    for (i, g) in w.gms.iter_mut().enumerate() {
        let mut scratch = [0u8; 1024];
        let Outcome::Accepted(a) = g
            .handle_push(w.now, &older, Delivery::Multicast, &mut w.rng, &mut scratch)
            .unwrap()
        else {
            panic!()
        };
        assert!(a.sa.is_none() && a.kd.is_none(), "member {i}");
        let d: Vec<_> = a.deletes.iter().collect();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].spis().next().unwrap(), tek_spi);
        assert_eq!(g.kek_spis().count(), 0, "K1 deleted");
    }
    // Acked with K1's cookies and key; the GCKS still holds K1 for that.
    let acks = w.run_acks(Duration::from_secs(5));
    assert_eq!(acks.len(), 2);
    for (_, a) in &acks {
        assert_eq!(&a[..16], &K1);
        w.ks.handle_ack(w.now, a).unwrap();
    }
    // No current KEK: the GCKS cannot build another PUSH; a GM drops PUSHes under K1.
    assert_eq!(w.ks.current(), None);
    assert_eq!(
        w.ks.push(w.now, Target::All, &content, &mut rng, &mut wire),
        Err(gdoi_ack::gcks::BuildError::NoKek)
    );
    let mut scratch = [0u8; 1024];
    assert_eq!(
        w.gms[0]
            .handle_push(w.now, &older, Delivery::Multicast, &mut w.rng, &mut scratch)
            .unwrap_err(),
        gdoi_ack::gm::PushError::UnknownKek.into()
    );
}

#[test]
fn kek_install_from_the_pull_payloads() {
    // The SA KEK and KD of push_plaintext.hex, as a PULL message 2/4 would carry them.
    let plain = vector("push_plaintext.hex");
    let p = gdoi_ack::wire::message::PushPayloads::parse(18, &plain, 28, 0).unwrap();
    let sak = p.sa.unwrap().kek.unwrap();
    let kd = p.kd.unwrap();
    let vk = EcdsaP256(signer().verifying_key());
    let k = KekInstall::from_pull(&sak, &kd, gdoi_ack::wire::seq::Seq(0), vk).unwrap();
    assert_eq!(k.spi, hex_literal::hex!("a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8"));
    assert_eq!(k.algorithm_key.len(), 32);
    assert_eq!(k.ack_requested, Some(KekAckRequested::KekSha256));
    let mut g = Gm::new(RustCrypto, GmConfig::new(GmIdentity::Ipv4([10, 0, 0, 1])));
    g.install_kek(k).unwrap();
    assert_eq!(
        g.last_seq(&hex_literal::hex!("a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8")),
        Some(0)
    );
}

mod gcks_never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn handle_ack(random in proptest::collection::vec(any::<u8>(), 0..200),
                      flips in proptest::collection::vec((0usize..84, any::<u8>()), 1..4), cut in 0usize..84) {
            let mut ks = gcks::<2>(KekAckRequested::KekSha256);
            let id = ks.add_member(GmIdentity::Ipv4([192, 0, 2, 100]), None).unwrap();
            let _ = ks.handle_ack(Time::UNIX_EPOCH, &random);
            let mut ack = vector("ack_sha256.hex");
            for (i, x) in flips { ack[i] ^= x; }
            ack.truncate(84 - cut);
            let _ = ks.handle_ack(Time::UNIX_EPOCH, &ack);
            prop_assert_eq!(ks.last_acked(id), None);
        }
    }
}

/// The GM's tables that can fill: the pending-ACK queue (a PUSH accepted while it is full
/// is applied and its ACK reported as `QueueFull`; nothing queued is dropped, and the key
/// server reports exactly that PUSH as unacknowledged) and the KEK table (a PUSH that would
/// overflow it is rejected whole).
#[test]
fn gm_tables_that_fill_drop_nothing_silently() {
    let policy = KekAckRequested::KekSha256;
    let mut w: World<4> = World::new(1, policy);
    let mut wire = [0u8; 1024];
    let mut scratch = [0u8; 1024];
    let mut statuses = Vec::new();
    for n in 1..=5u8 {
        let b = push(
            &mut w.ks,
            w.now,
            Target::All,
            Rekey {
                tek_spi: [0, 0, 0, n],
                new_kek: None,
                delete_kek: None,
                policy,
            },
            &mut wire,
        );
        let Outcome::Accepted(a) = w.gms[0]
            .handle_push(
                w.now,
                &wire[..b.len],
                Delivery::Multicast,
                &mut w.rng,
                &mut scratch,
            )
            .unwrap()
        else {
            panic!()
        };
        statuses.push(a.ack);
        assert_eq!(w.gms[0].last_seq(&K1), Some(u32::from(n)), "applied");
    }
    assert!(
        statuses[..MAX_PENDING_ACKS]
            .iter()
            .all(|s| matches!(s, AckStatus::Scheduled(_)))
    );
    assert_eq!(statuses[MAX_PENDING_ACKS], AckStatus::QueueFull);
    let acks = w.run_acks(Duration::from_secs(5));
    let mut seqs: Vec<u32> = acks
        .iter()
        .map(|(_, a)| Ack::parse(a).unwrap().seq.0)
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, [1, 2, 3, 4], "every queued ACK is sent");
    for (_, a) in &acks {
        // In jitter order: an ACK of a later SEQ makes an earlier one a duplicate.
        let r = w.ks.handle_ack(w.now, a);
        assert!(
            matches!(
                r,
                Ok(_)
                    | Err(Rejected {
                        error: AckError::Duplicate(_),
                        ..
                    })
            ),
            "{r:?}"
        );
    }
    w.now = w.now.saturating_add(Duration::from_secs(5));
    assert_eq!(
        w.gcks_timeout(),
        [GcksEvent::AckMissing {
            member: w.ids[0],
            seq: 5,
            consecutive: 1
        }]
    );

    // The KEK table: K1 plus three rollovers fill it (no KEK is deleted); a fourth
    // rollover is rejected with nothing changed and no ACK, and so is a fifth KEK from a
    // PULL.
    let k4 = [0xa4; 16];
    let k5 = [0xa5; 16];
    for (i, next) in [K2, K3, k4].into_iter().enumerate() {
        let b = push(
            &mut w.ks,
            w.now,
            Target::All,
            Rekey {
                tek_spi: [0, 0, 1, i as u8],
                new_kek: Some(next),
                delete_kek: None,
                policy,
            },
            &mut wire,
        );
        assert_eq!(w.deliver_push(&wire[..b.len], &[0]), 1);
        w.run_acks(Duration::from_secs(5));
    }
    assert_eq!(w.gms[0].kek_spis().collect::<Vec<_>>(), [K1, K2, K3, k4]);
    let before: Vec<_> = [K1, K2, K3, k4]
        .iter()
        .map(|s| w.gms[0].last_seq(s))
        .collect();
    let b = push(
        &mut w.ks,
        w.now,
        Target::All,
        Rekey {
            tek_spi: [0, 0, 1, 9],
            new_kek: Some(k5),
            delete_kek: None,
            policy,
        },
        &mut wire,
    );
    assert_eq!(
        w.gms[0].handle_push(
            w.now,
            &wire[..b.len],
            Delivery::Multicast,
            &mut w.rng,
            &mut scratch
        ),
        Err(Rejected::silent(PushError::TableFull))
    );
    let after: Vec<_> = [K1, K2, K3, k4]
        .iter()
        .map(|s| w.gms[0].last_seq(s))
        .collect();
    assert_eq!(after, before);
    assert_eq!(w.gms[0].poll_timeout(), None, "no ACK for a rejected PUSH");
    assert_eq!(
        w.gms[0].install_kek(KekInstall {
            spi: k5,
            algorithm_key: &kek_key(&k5),
            last_seq: 0,
            ack_requested: Some(policy),
            verifier: EcdsaP256(signer().verifying_key()),
        }),
        Err(InstallError::TableFull)
    );
    assert_eq!(w.gms[0].kek_spis().count(), 4);
}
