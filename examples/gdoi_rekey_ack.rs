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
use keying::gdoi::gcks::{GcksConfig, GcksEvent, MemberId, PushContent, Slot, Target};
use keying::gdoi::gm::{
    Accepted, AckStatus, GmConfig, GmIdentity, GroupMember, KekInstall, Outcome,
};
use keying::gdoi::keys::EcdsaP256;
use keying::gdoi::wire::attributes::{Attribute, Attributes};
use keying::gdoi::wire::delete::{DELETE_PROTOCOL_KEK, Delete};
use keying::gdoi::wire::identification::{IdSelector, IdType};
use keying::gdoi::wire::key_download::{KdType, KeyDownload, KeyPacket};
use keying::gdoi::wire::sa::Sa;
use keying::gdoi::wire::sa_kek::{KekAckRequested, SaKek};
use keying::gdoi::wire::sa_tek::{IpsecTek, SaTek, TekBody, TekProtocol};
use keying::gdoi::{Delivery, InitialKek, Time};

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
    let mut sak_buf = [0u8; 64];
    let sak_attrs = Attributes::encode(
        &[
            Attribute::basic(2, 3),                      // KEK_ALGORITHM: AES-CBC
            Attribute::basic(3, 128),                    // KEK_KEY_LENGTH
            Attribute::variable(4, &[0, 0, 0x0e, 0x10]), // KEK_KEY_LIFETIME: 3600 s
            Attribute::basic(5, 3),                      // SIG_HASH_ALGORITHM: SHA-256
            Attribute::basic(6, 4),                      // SIG_ALGORITHM: ECDSA-256
            Attribute::basic(9, POLICY.to_wire()),       // KEK_ACK_REQUESTED
        ],
        &mut sak_buf,
    )
    .unwrap();
    let mut tek_buf = [0u8; 64];
    let tek_attrs = Attributes::encode(
        &[
            Attribute::basic(1, 1),    // SA Life Type: seconds
            Attribute::basic(2, 3600), // SA Life Duration
            Attribute::basic(4, 1),    // Encapsulation Mode: tunnel
        ],
        &mut tek_buf,
    )
    .unwrap();
    let group = IdSelector {
        id_type: IdType::Ipv4Addr,
        port: 0,
        data: &[239, 1, 1, 1],
    };
    let teks = [SaTek {
        protocol_id: TekProtocol::IpsecEsp,
        body: TekBody::Ipsec(IpsecTek {
            protocol: 0,
            src: group,
            dst: group,
            transform_id: 12, // ESP_AES
            spi: r.tek_spi,
            attributes: tek_attrs,
        }),
    }];
    let sak = r.new_kek.map(|(spi, _)| SaKek {
        protocol: 17,
        src: IdSelector {
            id_type: IdType::Ipv4Addr,
            port: 848,
            data: &[192, 0, 2, 1],
        },
        dst: IdSelector {
            id_type: IdType::Ipv4Addr,
            port: 848,
            data: &[239, 192, 0, 1],
        },
        spi,
        attributes: sak_attrs,
    });
    let mut tek_key_buf = [0u8; 32];
    let tek_keys =
        Attributes::encode(&[Attribute::variable(1, &r.tek_key)], &mut tek_key_buf).unwrap();
    let (new_spi, new_key) = r.new_kek.unwrap_or(([0; 16], [0; 32]));
    let mut kek_key_buf = [0u8; 48];
    let kek_keys =
        Attributes::encode(&[Attribute::variable(1, &new_key)], &mut kek_key_buf).unwrap();
    let mut packets = vec![KeyPacket {
        kd_type: KdType::Tek,
        spi: &r.tek_spi,
        attributes: tek_keys,
    }];
    if r.new_kek.is_some() {
        packets.push(KeyPacket {
            kd_type: KdType::Kek,
            spi: &new_spi,
            attributes: kek_keys,
        });
    }
    let del_kek = r.delete_kek.unwrap_or([0; 16]);
    let del_tek = r.delete_tek.unwrap_or([0; 4]);
    let mut deletes = Vec::new();
    if r.delete_kek.is_some() {
        deletes.push(Delete::new(2, DELETE_PROTOCOL_KEK, 16, &del_kek).unwrap());
    }
    if r.delete_tek.is_some() {
        deletes.push(Delete::new(2, 1, 4, &del_tek).unwrap()); // Protocol-ID 1: ESP
    }
    let content = PushContent {
        deletes: &deletes,
        sa: Some(Sa::new(sak, None, &teks)),
        kd: Some(KeyDownload::new(&packets)),
    };
    let mut rng = HashDrbg::new(b"gcks signing");
    let b = ks.build_push(now, target, &content, &mut rng, out).unwrap();
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
