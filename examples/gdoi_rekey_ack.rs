//! GDOI rekeying with acknowledgements (RFC 6407 GROUPKEY-PUSH, RFC 8263 ACK): a key server
//! (GCKS) and five group members on a virtual clock. Three rekeys: a new TEK whose ACK from
//! one member is lost (the GCKS notices after 10 s and re-sends to that member alone), a KEK
//! rollover that also deletes the old KEK, and a new TEK under the new KEK that deletes the
//! first TEK. Prints every datagram in hex and, at the end, each member's installed keys;
//! exits non-zero if any member holds different keys than the server.
//!
//! `cargo run --example gdoi_rekey_ack`
//!
//! The GCKS signing key is the RFC 6979 A.2.5 P-256 test key, the one the GDOI vectors use
//! (tests/vectors/gdoi/README.md): a public test key, never use it for anything else.

// An example over its own fixed buffers and tables, not wire input from a peer.
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::time::Duration;

use keying::crypto::Rng;
use keying::crypto::rustcrypto::{HashDrbg, P256SigningKey, P256VerifyingKey, RustCrypto};
use keying::gdoi::wire::delete::DELETE_PROTOCOL_KEK;
use keying::gdoi::wire::key_download::KdType;
use keying::gdoi::{
    Accepted, AckStatus, Delivery, EcdsaP256, EspTek, GcksConfig, GcksEvent, GmConfig, GmIdentity,
    GroupMember, InitialKek, KekAckRequested, KekInstall, KekRollover, MemberId, Outcome,
    PushBuilder, Selector, SigAlgorithm, Slot, Target, Time,
};

type Gcks = keying::gdoi::Gcks<RustCrypto, EcdsaP256<P256SigningKey>, [Slot; 8]>;
type Gm = GroupMember<RustCrypto, EcdsaP256<P256VerifyingKey>, 4>;

/// RFC 6979 A.2.5: the P-256 private key of the GDOI vectors.
const GCKS_SCALAR: [u8; 32] = [
    0xc9, 0xaf, 0xa9, 0xd8, 0x45, 0xba, 0x75, 0x16, 0x6b, 0x5c, 0x21, 0x57, 0x67, 0xb1, 0xd6, 0x93,
    0x4e, 0x50, 0xc3, 0xdb, 0x36, 0xe8, 0x9b, 0x12, 0x7b, 0x8a, 0x62, 0x2b, 0x12, 0x0f, 0x67, 0x21,
];
const POLICY: KekAckRequested = KekAckRequested::KekSha256;
/// The member whose first ACK is lost on the way back.
const UNLUCKY: usize = 2;

/// The keys one party holds: the current KEK (SPI, IV ‖ key) and the TEKs by SPI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Keys {
    kek: Option<([u8; 16], Vec<u8>)>,
    teks: BTreeMap<[u8; 4], Vec<u8>>,
}

struct Member {
    gm: Gm,
    id: MemberId,
    addr: [u8; 4],
    keys: Keys,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Prints a datagram, 32 octets per line.
fn wire(label: &str, b: &[u8]) {
    println!("  {label} ({} octets):", b.len());
    for chunk in b.chunks(32) {
        println!("      {}", hex(chunk));
    }
}

/// One rekey's content, as the GCKS decided it.
struct Rekey {
    tek_spi: [u8; 4],
    tek_key: [u8; 16],
    new_kek: Option<([u8; 16], [u8; 32])>,
    delete_kek: Option<[u8; 16]>,
    delete_tek: Option<[u8; 4]>,
}

/// Builds and signs the PUSH for `r` into `out`; returns its length.
fn build(ks: &mut Gcks, now: Time, target: Target, to: &str, r: &Rekey, out: &mut [u8]) -> usize {
    // ESP AES-CBC, tunnel mode, one hour, for the group address.
    let group = Selector::ipv4([239, 1, 1, 1], 0);
    let mut push = PushBuilder::new()
        .tek(EspTek::aes_cbc(r.tek_spi, group, group, &r.tek_key))
        .unwrap();
    if let Some((spi, key)) = &r.new_kek {
        // AES-CBC KEK for UDP PUSHes from the GCKS (port 848) to the rekey group.
        push = push.kek(KekRollover::aes_cbc(
            *spi,
            Selector::ipv4([192, 0, 2, 1], 848),
            Selector::ipv4([239, 192, 0, 1], 848),
            key,
            SigAlgorithm::Ecdsa256,
            Some(POLICY),
        ));
    }
    if let Some(spi) = r.delete_kek {
        push = push.delete_kek(spi).unwrap();
    }
    if let Some(spi) = r.delete_tek {
        push = push.delete_tek(spi).unwrap();
    }
    let mut rng = HashDrbg::new(b"gcks signing");
    let b = ks.push(now, target, &push, &mut rng, out).unwrap();
    println!(
        "  GCKS → {to}: GROUPKEY-PUSH SEQ {} under KEK {}",
        b.seq,
        hex(&b.kek_spi)
    );
    b.len
}

/// What the member learnt from an accepted PUSH, applied to its key table.
fn apply(keys: &mut Keys, acc: &Accepted<'_>) {
    for d in acc.deletes.iter() {
        if d.protocol_id != DELETE_PROTOCOL_KEK {
            for spi in d.spis() {
                if let Ok(spi) = <[u8; 4]>::try_from(spi) {
                    keys.teks.remove(&spi);
                }
            }
        }
    }
    if let Some(kd) = &acc.kd {
        for p in kd.packets.iter() {
            match p.kd_type {
                KdType::Tek => {
                    if let (Ok(spi), Some(k)) = (<[u8; 4]>::try_from(p.spi), p.tek_algorithm_key())
                    {
                        keys.teks.insert(spi, k.to_vec());
                    }
                }
                KdType::Kek => {
                    if let (Ok(spi), Some(k)) = (<[u8; 16]>::try_from(p.spi), p.kek_algorithm_key())
                    {
                        keys.kek = Some((spi, k.to_vec()));
                    }
                }
                _ => {}
            }
        }
    }
}

struct World {
    now: Time,
    ks: Gcks,
    server: Keys,
    members: Vec<Member>,
    rng: HashDrbg,
}

impl World {
    /// Delivers a PUSH to the members `to`.
    fn deliver(&mut self, push: &[u8], to: &[usize], unicast: bool) {
        for &i in to {
            let m = &mut self.members[i];
            let mut scratch = [0u8; 1024];
            match m.gm.handle_push(
                self.now,
                push,
                if unicast {
                    Delivery::Unicast
                } else {
                    Delivery::Multicast
                },
                &mut self.rng,
                &mut scratch,
            ) {
                Ok(Outcome::Accepted(acc)) => {
                    apply(&mut m.keys, &acc);
                    let ack = match acc.ack {
                        AckStatus::Scheduled(t) => {
                            format!("ACK due at t = {:.3} s", t.unix_millis() as f64 / 1000.0)
                        }
                        other => format!("{other:?}"),
                    };
                    println!("  member {} accepted SEQ {}; {ack}", i + 1, acc.seq);
                }
                Ok(Outcome::Retransmission { .. }) => {
                    println!("  member {}: retransmission", i + 1)
                }
                Err(e) => println!("  member {} rejected the PUSH: {e:?}", i + 1),
            }
            scratch.fill(0);
        }
    }

    /// Runs the members' ACK timers for up to `max`; ACKs from `lose` never arrive.
    fn acks(&mut self, max: Duration, lose: Option<usize>) {
        let end = self.now.saturating_add(max);
        while let Some(t) = self
            .members
            .iter()
            .filter_map(|m| m.gm.poll_timeout())
            .min()
        {
            if t > end {
                break;
            }
            self.now = self.now.max(t);
            for i in 0..self.members.len() {
                let mut out = [0u8; 256];
                while let Some(n) = self.members[i]
                    .gm
                    .handle_timeout(self.now, &mut out)
                    .unwrap()
                {
                    let ack = &out[..n];
                    wire(&format!("member {} → GCKS: GROUPKEY-PUSH-ACK", i + 1), ack);
                    if lose == Some(i) {
                        println!("  (lost on the way)");
                        continue;
                    }
                    match self.ks.handle_ack(self.now, ack) {
                        Ok(a) => println!(
                            "  GCKS: valid ACK of SEQ {} from member {}",
                            a.seq,
                            self.index(a.member) + 1
                        ),
                        Err(e) => println!("  GCKS dropped the ACK: {e:?}"),
                    }
                }
            }
        }
        self.now = end;
    }

    fn index(&self, id: MemberId) -> usize {
        self.members.iter().position(|m| m.id == id).unwrap()
    }

    /// Advances the GCKS clock; returns its events.
    fn gcks_events(&mut self) -> Vec<GcksEvent> {
        while let Some(t) = self.ks.poll_timeout() {
            if t > self.now {
                break;
            }
            self.ks.handle_timeout(self.now);
        }
        std::iter::from_fn(|| self.ks.poll_event()).collect()
    }

    fn rekey(&mut self, r: &Rekey, lose: Option<usize>) {
        let mut out = [0u8; 1024];
        let n = build(&mut self.ks, self.now, Target::All, "all", r, &mut out);
        let push = out[..n].to_vec();
        wire("GROUPKEY-PUSH (multicast)", &push);
        if r.delete_tek.is_none() && r.delete_kek.is_none() && r.new_kek.is_none() {
            let (_, key) = self.server.kek.clone().unwrap_or_default();
            println!(
                "  (decode it: cargo run -p keying-cli -- gdoi decode --kek {} <hex>)",
                hex(&key)
            );
        }
        // The server's own view of the group keys after this PUSH.
        if let Some(spi) = r.delete_tek {
            self.server.teks.remove(&spi);
        }
        self.server.teks.insert(r.tek_spi, r.tek_key.to_vec());
        if let Some((spi, key)) = r.new_kek {
            self.server.kek = Some((spi, key.to_vec()));
        }
        let all: Vec<usize> = (0..self.members.len()).collect();
        self.deliver(&push, &all, false);
        self.acks(Duration::from_secs(5), lose);
        // The GCKS calls an ACK missing after 10 s and re-sends to that member alone.
        self.now = self.now.saturating_add(Duration::from_secs(10));
        for ev in self.gcks_events() {
            if let GcksEvent::AckMissing { member, seq, .. } = ev {
                let i = self.index(member);
                println!(
                    "  GCKS: no ACK of SEQ {seq} from member {} after 10 s",
                    i + 1
                );
                let to = format!("member {} (unicast)", i + 1);
                let n = build(
                    &mut self.ks,
                    self.now,
                    Target::Member(member),
                    &to,
                    r,
                    &mut out,
                );
                let push = out[..n].to_vec();
                wire(
                    &format!("GROUPKEY-PUSH (unicast to member {})", i + 1),
                    &push,
                );
                self.deliver(&push, &[i], true);
                self.acks(Duration::from_secs(1), None);
            }
        }
        self.now = self.now.saturating_add(Duration::from_secs(10));
        for ev in self.gcks_events() {
            println!("  GCKS event: {ev:?}");
        }
    }
}

fn random<const N: usize>(rng: &mut HashDrbg) -> [u8; N] {
    let mut b = [0u8; N];
    rng.fill_bytes(&mut b).unwrap();
    b
}

fn main() {
    let mut keygen = HashDrbg::new(b"gdoi_rekey_ack example keys");
    let signer = P256SigningKey::from_scalar_bytes(&GCKS_SCALAR).unwrap();
    let verifier = signer.verifying_key();
    let k1: [u8; 16] = random(&mut keygen);
    let k1_key: [u8; 32] = random(&mut keygen); // IV ‖ AES-128 key
    let mut ks: Gcks = Gcks::new(
        RustCrypto,
        GcksConfig::new(Some(POLICY)),
        EcdsaP256(signer),
        InitialKek {
            spi: k1,
            algorithm_key: &k1_key,
            last_seq: 0,
        },
        [Slot::EMPTY; 8],
        &mut HashDrbg::new(b"gdoi_rekey_ack member index"),
    )
    .unwrap();
    println!("GCKS: KEK {} (IV ‖ key {})", hex(&k1), hex(&k1_key));
    let mut members = Vec::new();
    for i in 1..=5u8 {
        let addr = [10, 0, 0, i];
        // What each member's GROUPKEY-PULL delivered.
        let mut gm = Gm::new(RustCrypto, GmConfig::new(GmIdentity::Ipv4(addr)));
        gm.install_kek(KekInstall {
            spi: k1,
            algorithm_key: &k1_key,
            last_seq: ks.current().unwrap().1,
            ack_requested: Some(POLICY),
            verifier: EcdsaP256(verifier),
        })
        .unwrap();
        let id = ks.add_member(GmIdentity::Ipv4(addr), None).unwrap();
        members.push(Member {
            gm,
            id,
            addr,
            keys: Keys {
                kek: Some((k1, k1_key.to_vec())),
                teks: BTreeMap::new(),
            },
        });
    }
    let mut w = World {
        now: Time::from_unix_secs(1_000),
        ks,
        server: Keys {
            kek: Some((k1, k1_key.to_vec())),
            teks: BTreeMap::new(),
        },
        members,
        rng: HashDrbg::new(b"network"),
    };

    let tek1 = [0, 0, 0, 1];
    println!(
        "\n== rekey 1: new TEK {}; the ACK of member {} is lost",
        hex(&tek1),
        UNLUCKY + 1
    );
    let r1 = Rekey {
        tek_spi: tek1,
        tek_key: random(&mut keygen),
        new_kek: None,
        delete_kek: None,
        delete_tek: None,
    };
    w.rekey(&r1, Some(UNLUCKY));

    let k2: [u8; 16] = random(&mut keygen);
    println!(
        "\n== rekey 2: KEK rollover {} → {}, the old KEK deleted in the same PUSH",
        hex(&k1),
        hex(&k2)
    );
    let r2 = Rekey {
        tek_spi: [0, 0, 0, 2],
        tek_key: random(&mut keygen),
        new_kek: Some((k2, random(&mut keygen))),
        delete_kek: Some(k1),
        delete_tek: None,
    };
    w.rekey(&r2, None);

    println!(
        "\n== rekey 3: under the new KEK, TEK 00000003; TEK {} deleted",
        hex(&tek1)
    );
    let r3 = Rekey {
        tek_spi: [0, 0, 0, 3],
        tek_key: random(&mut keygen),
        new_kek: None,
        delete_kek: None,
        delete_tek: Some(tek1),
    };
    w.rekey(&r3, None);

    println!("\n== installed keys");
    let show = |who: &str, k: &Keys| {
        let (spi, key) = k
            .kek
            .as_ref()
            .map(|(s, k)| (hex(s), hex(k)))
            .unwrap_or_default();
        println!("{who}: KEK {spi} (IV ‖ key {key})");
        for (spi, key) in &k.teks {
            println!(
                "{:width$}  TEK {} key {}",
                "",
                hex(spi),
                hex(key),
                width = who.len()
            );
        }
    };
    show("GCKS     ", &w.server);
    let server_kek = w.ks.current().map(|(spi, _)| spi);
    let mut bad = 0;
    for (i, m) in w.members.iter().enumerate() {
        show(&format!("member {} ", i + 1), &m.keys);
        let gm_keks: Vec<[u8; 16]> = m.gm.kek_spis().collect();
        let same = m.keys == w.server && server_kek.is_some_and(|s| gm_keks == [s]);
        let acked = w.ks.last_acked(m.id);
        println!(
            "           {}.{}.{}.{}: {} (last ACK received: {})",
            m.addr[0],
            m.addr[1],
            m.addr[2],
            m.addr[3],
            if same {
                "same keys as the GCKS"
            } else {
                "DIFFERENT keys from the GCKS"
            },
            acked.map_or("none".to_owned(), |(spi, seq)| format!(
                "SEQ {seq} under {}",
                hex(&spi)
            ))
        );
        if !same {
            bad += 1;
        }
    }
    if bad > 0 {
        eprintln!("{bad} member(s) hold different keys than the GCKS");
        std::process::exit(1);
    }
    println!("\nall 5 members hold the GCKS's keys");
}
