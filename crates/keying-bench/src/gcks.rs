//! A GDOI key server at size, for the GCKS benchmarks (`benches/gdoi.rs`, `examples/paired.rs`
//! mode `gdoi-gcks`): [`Fleet`] holds a [`Gcks`] with `members` registered members
//! (IPv4 identities), a PUSH outstanding under KEK_ACK_REQUESTED = REKEY_ACK_KEK_SHA256, and
//! the real ACK datagram of every member that acks it, in shuffled member order, back to
//! back in one buffer as a receive ring would hold them; one member in
//! `silent_every` stays silent. [`Fleet::rekey`] runs the outstanding PUSH's deadline, polls
//! its events and sends the next PUSH (a TEK Delete, ECDSA P-256 signed, AES-128-CBC) with
//! fresh ACKs; a new fleet has no PUSH outstanding until its first `rekey`.
// Fixed inputs: a failure while setting up is a bug in this fixture, reported as a panic.
#![allow(clippy::expect_used)]

use std::time::{Duration, Instant as StdInstant};

use gdoi_ack::InitialKek;
use gdoi_ack::Time;
use gdoi_ack::ack::{AckKey, AckType, LEncoding};
use gdoi_ack::gcks::{AckError, AckReceived, GcksConfig, Slot, Target};
use gdoi_ack::gm::GmIdentity;
use gdoi_ack::keys::EcdsaP256;
use gdoi_ack::push::PushBuilder;
use gdoi_ack::wire::sa_kek::KekAckRequested;
use gdoi_ack::wire::seq::Seq;
use keying_crypto::rustcrypto::{HashDrbg, P256SigningKey, RustCrypto};

/// The key server type measured.
pub type Gcks = gdoi_ack::Gcks<RustCrypto, EcdsaP256<P256SigningKey>, Box<[Slot]>>;

const POLICY: KekAckRequested = KekAckRequested::KekSha256;
const SPI: [u8; 16] = [0x11; 16];
/// IV ‖ AES-128 key.
const KEK: [u8; 32] = [0x2b; 32];
/// The GCKS ECDSA P-256 scalar of the GDOI vectors (RFC 6979 A.2.5).
const SCALAR: [u8; 32] = [
    0xc9, 0xaf, 0xa9, 0xd8, 0x45, 0xba, 0x75, 0x16, 0x6b, 0x5c, 0x21, 0x57, 0x67, 0xb1, 0xd6, 0x93,
    0x4e, 0x50, 0xc3, 0xdb, 0x36, 0xe8, 0x9b, 0x12, 0x7b, 0x8a, 0x62, 0x2b, 0x12, 0x0f, 0x67, 0x21,
];

/// The length of every ACK here (REKEY_ACK_KEK_SHA256, an IPv4 identity).
pub const ACK_LEN: usize = 84;

/// Member `i`'s identity: 10.x.y.z.
#[must_use]
pub fn identity(i: usize) -> GmIdentity {
    let b = u32::try_from(i).unwrap_or(u32::MAX).to_be_bytes();
    GmIdentity::Ipv4([10, b[1], b[2], b[3]])
}

/// What one deadline cost: `handle_timeout` (the pass over the table) and polling its
/// events.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// `handle_timeout`.
    pub pass: Duration,
    /// Every `poll_event` until `None`.
    pub drain: Duration,
    /// Events polled.
    pub events: usize,
}

/// A key server with its members and the ACKs of its outstanding PUSH.
pub struct Fleet {
    /// The key server.
    pub ks: Gcks,
    members: usize,
    silent_every: usize,
    /// The outstanding PUSH's ACK datagrams, [`ACK_LEN`] octets each.
    acks: Vec<u8>,
    next: usize,
    /// The ack key of the current KEK.
    pub key: AckKey,
    now: Time,
    rng: HashDrbg,
}

impl Fleet {
    /// A key server with `members` members (table capacity `members`), no PUSH yet.
    ///
    /// # Panics
    /// If the key server cannot be built (a bug in this fixture).
    #[must_use]
    pub fn new(members: usize, silent_every: usize) -> Self {
        let signer = P256SigningKey::from_scalar_bytes(&SCALAR).expect("scalar");
        let mut rng = HashDrbg::new(b"keying-bench gcks fleet");
        let mut ks = Gcks::new(
            RustCrypto,
            GcksConfig::new(Some(POLICY)),
            EcdsaP256(signer),
            InitialKek {
                spi: SPI,
                algorithm_key: &KEK,
                last_seq: 0,
            },
            Slot::table(members),
            &mut rng,
        )
        .expect("key server");
        for i in 0..members {
            ks.add_member(identity(i), None).expect("member");
        }
        let ty = AckType::new(POLICY).expect("ACK type");
        let key = AckKey::derive(&RustCrypto, ty, &KEK[16..], &SPI, LEncoding::BlockBits);
        Self {
            ks,
            members,
            silent_every,
            acks: Vec::new(),
            next: 0,
            key,
            now: Time::from_unix_secs(1_000),
            rng,
        }
    }

    /// ACKs of the outstanding PUSH not handled yet.
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.acks.len() / ACK_LEN - self.next
    }

    /// The `k`-th ACK datagram of the outstanding PUSH (empty past the end).
    #[must_use]
    pub fn ack(&self, k: usize) -> &[u8] {
        self.acks
            .get(k * ACK_LEN..(k + 1) * ACK_LEN)
            .unwrap_or_default()
    }

    /// Handles the next ACK datagram.
    ///
    /// # Errors
    /// The key server's verdict; `NotExpected` when none is left (call [`Fleet::rekey`]).
    pub fn handle_next_ack(&mut self) -> Result<AckReceived, AckError> {
        let k = self.next;
        let Some(dg) = self.acks.get(k * ACK_LEN..(k + 1) * ACK_LEN) else {
            return Err(AckError::NotExpected);
        };
        self.next += 1;
        self.ks.handle_ack(self.now, dg).map_err(|r| r.error)
    }

    /// Runs the outstanding PUSH's deadline (timed), polls every event (timed), then sends
    /// the next PUSH and builds its ACKs (untimed).
    pub fn rekey(&mut self) -> Deadline {
        self.now = self.now.saturating_add(Duration::from_secs(10));
        let t = StdInstant::now();
        self.ks.handle_timeout(self.now);
        let pass = t.elapsed();
        let t = StdInstant::now();
        let events = std::iter::from_fn(|| self.ks.poll_event()).count();
        let drain = t.elapsed();
        self.push();
        Deadline {
            pass,
            drain,
            events,
        }
    }

    fn push(&mut self) {
        let tek = [0x70, 0, 0, 1];
        let content = PushBuilder::new().delete_tek(tek).expect("Delete");
        let mut out = [0u8; 512];
        let b = self
            .ks
            .push(self.now, Target::All, &content, &mut self.rng, &mut out)
            .expect("PUSH");
        // Fisher-Yates with a fixed xorshift: arrival order unrelated to the table's.
        let mut order: Vec<usize> = (0..self.members)
            .filter(|i| i % self.silent_every != 0)
            .collect();
        let mut x = 0x9e37_79b9_7f4a_7c15_u64 ^ u64::from(b.seq);
        for i in (1..order.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let j = usize::try_from(x % (i as u64 + 1)).unwrap_or(0);
            order.swap(i, j);
        }
        self.acks.clear();
        self.acks.resize(order.len() * ACK_LEN, 0);
        self.next = 0;
        for (dg, &i) in self.acks.chunks_exact_mut(ACK_LEN).zip(&order) {
            let n = self
                .key
                .emit_ack(&RustCrypto, Seq(b.seq), &identity(i).to_id(), dg)
                .expect("ACK");
            assert_eq!(n, ACK_LEN);
        }
    }
}
