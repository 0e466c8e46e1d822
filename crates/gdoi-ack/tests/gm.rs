//! Group-member tests: the PUSH of tests/vectors/gdoi is accepted and produces the
//! REKEY_ACK_KEK_SHA256 ACK of `ack_sha256.hex` byte for byte; every tampering is
//! rejected with the state unchanged and no ACK.
#![allow(
    clippy::type_complexity,
    clippy::let_and_return,
    clippy::cast_possible_truncation,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::expect_used,
    clippy::panic
)]

mod common;
use common::*;

use core::time::Duration;
use gdoi_ack::Delivery;
use gdoi_ack::Time;
use gdoi_ack::ack::{AckKey, AckType, LEncoding};
use gdoi_ack::gm::{
    AckStatus, GmConfig, GmIdentity, GroupMember, KekInstall, Outcome, PushError, ReAck,
};
use gdoi_ack::keys::EcdsaP256;
use gdoi_ack::wire::message::Ack;
use gdoi_ack::wire::sa_kek::KekAckRequested;
use gdoi_ack::wire::seq::Seq;
use gdoi_ack::{AckDelay, Rejected};
use keying_crypto::rustcrypto::{HashDrbg, P256VerifyingKey, RustCrypto};

type Gm = GroupMember<RustCrypto, EcdsaP256<P256VerifyingKey>, 4>;

fn verifier() -> EcdsaP256<P256VerifyingKey> {
    EcdsaP256(P256VerifyingKey::from_spki_der(&vector("gcks_p256_spki.hex")).unwrap())
}

fn gm_with(last_seq: u32, cfg: impl FnOnce(&mut GmConfig)) -> Gm {
    let mut c = GmConfig::new(GmIdentity::Ipv4([192, 0, 2, 100]));
    cfg(&mut c);
    let mut gm = Gm::new(RustCrypto, c);
    let key = [KEK_IV.as_slice(), KEK_KEY.as_slice()].concat();
    gm.install_kek(KekInstall {
        spi: COOKIES,
        algorithm_key: &key,
        last_seq,
        ack_requested: Some(KekAckRequested::KekSha256),
        verifier: verifier(),
    })
    .unwrap();
    gm
}

fn gm(last_seq: u32) -> Gm {
    gm_with(last_seq, |_| {})
}

/// Observable state, to prove a rejection changed nothing.
fn snapshot(
    gm: &Gm,
) -> (
    Vec<[u8; 16]>,
    Vec<Option<u32>>,
    Option<KekAckRequested>,
    Option<Time>,
) {
    let spis: Vec<_> = gm.kek_spis().collect();
    let seqs = spis.iter().map(|s| gm.last_seq(s)).collect();
    (spis, seqs, gm.ack_policy(), gm.poll_timeout())
}

fn drain(gm: &mut Gm, now: Time) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    let mut out = [0u8; 300];
    while let Some(n) = gm.handle_timeout(now, &mut out).unwrap() {
        v.push(out[..n].to_vec());
    }
    v
}

#[test]
fn vector_push_is_accepted_and_acked_byte_for_byte() {
    let wire = vector("push_wire.hex");
    let mut g = gm(1);
    let mut scratch = [0u8; 512];
    let mut rng = HashDrbg::new(b"gm");
    let now = Time::from_unix_secs(100);
    let out = g
        .handle_push(now, &wire, Delivery::Unicast, &mut rng, &mut scratch)
        .unwrap();
    let Outcome::Accepted(a) = out else { panic!() };
    assert_eq!(a.seq, 2);
    assert_eq!(a.kek_spi, COOKIES);
    assert_eq!(a.ack, AckStatus::Scheduled(now));
    let sa = a.sa.unwrap();
    let tek = sa.teks.iter().next().unwrap();
    let kd = a.kd.unwrap();
    let keys = kd.tek(&tek.spi().unwrap()).unwrap();
    assert_eq!(
        keys.tek_algorithm_key().unwrap(),
        hex("00112233445566778899aabbccddeeff")
    );
    // New KEK installed with counter 0; old one advanced to 2.
    let new_spi = hex_literal::hex!("a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8");
    assert_eq!(g.last_seq(&COOKIES), Some(2));
    assert_eq!(g.last_seq(&new_spi), Some(0));
    assert_eq!(g.poll_timeout(), Some(now));
    assert_eq!(
        g.handle_timeout(Time::from_unix_secs(99), &mut [0u8; 300])
            .unwrap(),
        None
    );
    let acks = drain(&mut g, now);
    assert_eq!(acks, vec![vector("ack_sha256.hex")]);
    assert_eq!(g.poll_timeout(), None);
    // Same PUSH again: replay, no ACK (RFC-strict default).
    let before = snapshot(&g);
    let e = g
        .handle_push(now, &wire, Delivery::Unicast, &mut rng, &mut scratch)
        .unwrap_err();
    assert_eq!(e, PushError::Replay { seq: 2, last: 2 }.into());
    assert_eq!(snapshot(&g), before);
    assert!(drain(&mut g, Time::from_unix_secs(1000)).is_empty());
}

#[test]
fn ack_key_and_hash_known_answers() {
    // Intermediate values (ack_key, HASH) of the ack_sha256.hex / ack_sha512.hex vectors,
    // cross-checked with `openssl dgst -mac HMAC` (tests/vectors/gdoi/README.md).
    let ty = AckType::new(KekAckRequested::KekSha256).unwrap();
    let k = AckKey::derive(&RustCrypto, ty, &KEK_KEY, &COOKIES, LEncoding::BlockBits);
    assert_eq!(
        k.as_bytes(),
        hex("3b4c948a5454c2ae07b2fb9da5c367741814e479ef3646591eff9aef7e8537e9")
    );
    let covered = hex("05000008000000020000000c01000000c0000264");
    assert_eq!(
        k.hash(&RustCrypto, &covered).as_bytes(),
        hex("665b66e6baab86c004790bfd25fc2ac8d9061c69c96d88d3912b84f6349f45c9")
    );
    // The alternative L reading (256).
    let k256 = AckKey::derive(&RustCrypto, ty, &KEK_KEY, &COOKIES, LEncoding::AckKeyBits);
    assert_eq!(
        k256.hash(&RustCrypto, &covered).as_bytes(),
        hex("f4a1bd737d4396e5339f165840c97129e7f9aed5ff0eda491ca2d6806762ff2d")
    );
    let ty512 = AckType::new(KekAckRequested::KekSha512).unwrap();
    let k5 = AckKey::derive(&RustCrypto, ty512, &KEK_KEY, &COOKIES, LEncoding::BlockBits);
    assert_eq!(
        k5.as_bytes(),
        hex(
            "b2fc36dbe14679a9ba20985d2ddafa7f2f1f11342236cec854d8524981760571bdd7632ae22565ccc9d6e15a251fdab4b4937ed89ec95381d7b480cca4e93def"
        )
    );
    let id = GmIdentity::Ipv4([192, 0, 2, 100]);
    let mut out = [0x2a; 200];
    let n = k5
        .emit_ack(&RustCrypto, Seq(2), &id.to_id(), &mut out)
        .unwrap();
    assert_eq!(&out[..n], vector("ack_sha512.hex"));
    let n = k
        .emit_ack(&RustCrypto, Seq(2), &id.to_id(), &mut out)
        .unwrap();
    assert_eq!(&out[..n], vector("ack_sha256.hex"));
    assert!(k.verify(&RustCrypto, &Ack::parse(&out[..n]).unwrap()));
    assert!(!k256.verify(&RustCrypto, &Ack::parse(&out[..n]).unwrap()));
    // Too small: the needed size is reported.
    assert_eq!(
        k.emit_ack(&RustCrypto, Seq(2), &id.to_id(), &mut [0u8; 50]),
        Err(gdoi_ack::WriteError::BufferTooSmall { needed: 84 })
    );
}

#[test]
fn push_with_seq_not_above_the_last_is_dropped_without_ack() {
    let wire = vector("push_wire.hex");
    let mut scratch = [0u8; 512];
    let mut rng = HashDrbg::new(b"gm");
    // GM state after PULL with SEQ = 2: the SEQ-2 PUSH is a replay.
    for last in [2, 3, 100] {
        let mut g = gm(last);
        let before = snapshot(&g);
        let e = g
            .handle_push(
                Time::UNIX_EPOCH,
                &wire,
                Delivery::Multicast,
                &mut rng,
                &mut scratch,
            )
            .unwrap_err();
        assert_eq!(e, PushError::Replay { seq: 2, last }.into());
        assert_eq!(snapshot(&g), before);
        assert!(drain(&mut g, Time::from_unix_secs(10)).is_empty());
    }
}

#[test]
fn multicast_ack_jitter_is_at_most_5s() {
    let wire = vector("push_wire.hex");
    let mut scratch = [0u8; 512];
    for seed in 0..20u8 {
        let mut g = gm_with(1, |c| {
            c.ack_delay = AckDelay::Jittered {
                max: Duration::from_secs(60),
            }
        });
        let mut rng = HashDrbg::new(&[seed]);
        let now = Time::from_unix_secs(1);
        g.handle_push(now, &wire, Delivery::Multicast, &mut rng, &mut scratch)
            .unwrap();
        let at = g.poll_timeout().unwrap();
        assert!(at >= now && at <= now.saturating_add(Duration::from_secs(5)));
        assert_eq!(drain(&mut g, at).len(), 1);
    }
}

#[test]
fn every_single_bit_flip_of_the_push_is_rejected_without_ack_or_state_change() {
    let wire = vector("push_wire.hex");
    let mut scratch = [0u8; 512];
    let mut rng = HashDrbg::new(b"flip");
    let mut g = gm(1);
    let before = snapshot(&g);
    for bit in 0..wire.len() * 8 {
        let mut x = wire.clone();
        x[bit / 8] ^= 1 << (bit % 8);
        let r = g.handle_push(
            Time::UNIX_EPOCH,
            &x,
            Delivery::Unicast,
            &mut rng,
            &mut scratch,
        );
        assert!(r.is_err(), "bit {bit} accepted");
        assert_eq!(snapshot(&g), before, "bit {bit}");
    }
    assert!(drain(&mut g, Time::from_unix_secs(100)).is_empty());
    // And the untampered one still works afterwards.
    g.handle_push(
        Time::UNIX_EPOCH,
        &wire,
        Delivery::Unicast,
        &mut rng,
        &mut scratch,
    )
    .unwrap();
}

#[test]
fn tampering_cases() {
    let wire = vector("push_wire.hex");
    let mut scratch = [0u8; 512];
    let mut rng = HashDrbg::new(b"t");
    let mut g = gm(1);
    let before = snapshot(&g);
    let mut run = |x: &[u8]| {
        let e = g
            .handle_push(
                Time::UNIX_EPOCH,
                x,
                Delivery::Unicast,
                &mut rng,
                &mut scratch,
            )
            .unwrap_err();
        e
    };
    // Wrong cookies.
    let mut x = wire.clone();
    x[0] ^= 0xff;
    assert_eq!(run(&x), PushError::UnknownKek.into());
    // Exchange 34.
    let mut x = wire.clone();
    x[18] = 34;
    assert!(
        matches!(run(&x).error, PushError::Malformed(e) if e.kind == gdoi_ack::ErrorKind::UnknownType { value: 34 })
    );
    // Exchange 35 (an ACK) / IKEv2 version.
    let mut x = wire.clone();
    x[18] = 35;
    assert!(matches!(run(&x).error, PushError::Malformed(_)));
    let mut x = wire.clone();
    x[17] = 0x20;
    assert!(matches!(run(&x).error, PushError::Malformed(e) if e.offset == 17));
    // Signature bit flipped (last ciphertext block holds the end of the signature): the
    // flip lands in the plaintext SIG after CBC decryption of the last block.
    let mut x = wire.clone();
    let n = x.len();
    x[n - 17] ^= 0x01; // flips one bit of the last plaintext block (inside SIG r‖s)
    assert_eq!(run(&x), PushError::BadSignature.into());
    // Truncated by one block.
    let mut x = wire[..wire.len() - 16].to_vec();
    let l = (x.len() as u32).to_be_bytes();
    x[24..28].copy_from_slice(&l);
    let _ = run(&x);
    // Scratch too small.
    let mut small = [0u8; 100];
    let e = g
        .handle_push(
            Time::UNIX_EPOCH,
            &wire,
            Delivery::Unicast,
            &mut rng,
            &mut small,
        )
        .unwrap_err();
    assert_eq!(e, PushError::BufferTooSmall { needed: 448 }.into());
    assert_eq!(snapshot(&g), before);
    assert!(drain(&mut g, Time::from_unix_secs(100)).is_empty());
}

#[test]
fn opt_in_re_ack_of_bit_identical_unicast_push_is_rate_limited() {
    let wire = vector("push_wire.hex");
    let mut scratch = [0u8; 512];
    let mut rng = HashDrbg::new(b"r");
    let mut g = gm_with(1, |c| {
        c.re_ack = Some(ReAck {
            min_interval: Duration::from_secs(2),
        })
    });
    let t0 = Time::from_unix_secs(10);
    g.handle_push(t0, &wire, Delivery::Unicast, &mut rng, &mut scratch)
        .unwrap();
    let first = drain(&mut g, t0);
    assert_eq!(first.len(), 1);
    // Retransmission within the interval: no re-ack.
    let r = g
        .handle_push(
            t0.saturating_add(Duration::from_secs(1)),
            &wire,
            Delivery::Unicast,
            &mut rng,
            &mut scratch,
        )
        .unwrap();
    assert_eq!(r, Outcome::Retransmission { ack_at: None });
    assert!(drain(&mut g, Time::from_unix_secs(100)).is_empty());
    // After the interval: the cached ACK again, identical.
    let t2 = t0.saturating_add(Duration::from_secs(3));
    let r = g
        .handle_push(t2, &wire, Delivery::Unicast, &mut rng, &mut scratch)
        .unwrap();
    assert_eq!(r, Outcome::Retransmission { ack_at: Some(t2) });
    assert_eq!(drain(&mut g, t2), first);
    // A multicast copy is never re-acked (replay).
    assert!(matches!(
        g.handle_push(
            Time::from_unix_secs(100),
            &wire,
            Delivery::Multicast,
            &mut rng,
            &mut scratch
        ),
        Err(Rejected {
            error: PushError::Replay { .. },
            ..
        })
    ));
    // Without the option, the same is a replay.
    let mut strict = gm(1);
    strict
        .handle_push(t0, &wire, Delivery::Unicast, &mut rng, &mut scratch)
        .unwrap();
    assert!(matches!(
        strict.handle_push(t2, &wire, Delivery::Unicast, &mut rng, &mut scratch),
        Err(Rejected {
            error: PushError::Replay { .. },
            ..
        })
    ));
}

#[test]
fn pull_racing_a_push_keeps_the_higher_seq() {
    let wire = vector("push_wire.hex");
    let mut g = gm(1);
    let mut scratch = [0u8; 512];
    let mut rng = HashDrbg::new(b"p");
    g.handle_push(
        Time::UNIX_EPOCH,
        &wire,
        Delivery::Unicast,
        &mut rng,
        &mut scratch,
    )
    .unwrap();
    let key = [KEK_IV.as_slice(), KEK_KEY.as_slice()].concat();
    // A late PULL reporting SEQ 1 is stale: last SEQ stays 2.
    g.install_kek(KekInstall {
        spi: COOKIES,
        algorithm_key: &key,
        last_seq: 1,
        ack_requested: Some(KekAckRequested::KekSha256),
        verifier: verifier(),
    })
    .unwrap();
    assert_eq!(g.last_seq(&COOKIES), Some(2));
    // A different key under the same SPI is refused.
    let other = [KEK_IV.as_slice(), &[9u8; 16]].concat();
    assert_eq!(
        g.install_kek(KekInstall {
            spi: COOKIES,
            algorithm_key: &other,
            last_seq: 9,
            ack_requested: None,
            verifier: verifier(),
        }),
        Err(gdoi_ack::gm::InstallError::Duplicate)
    );
    assert_eq!(g.last_seq(&COOKIES), Some(2));
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Random ciphertext behind a valid header, and mutated copies of the real PUSH:
        /// never a panic, never an ACK, never a state change.
        #[test]
        fn gm_handle_push(blocks in 1usize..20, body in proptest::collection::vec(any::<u8>(), 320),
                          flips in proptest::collection::vec((0usize..476, any::<u8>()), 0..4),
                          cut in 0usize..30, unicast in any::<bool>()) {
            let mut g = gm(1);
            let before = snapshot(&g);
            let mut scratch = [0u8; 512];
            let mut rng = HashDrbg::new(b"n");
            let mut random = vector("push_wire.hex")[..28].to_vec();
            random.extend_from_slice(&body[..blocks * 16]);
            let l = (random.len() as u32).to_be_bytes();
            random[24..28].copy_from_slice(&l);
            let mut mutated = vector("push_wire.hex");
            for (i, x) in &flips { mutated[*i] ^= x | 1; }
            mutated.truncate(mutated.len() - cut);
            let original = vector("push_wire.hex");
            for m in [&random, &mutated] {
                if *m == original {
                    continue;
                }
                prop_assert!(g.handle_push(Time::UNIX_EPOCH, m, delivery(unicast), &mut rng, &mut scratch).is_err());
                prop_assert_eq!(snapshot(&g), before.clone());
            }
            prop_assert!(drain(&mut g, Time::from_unix_secs(100)).is_empty());
        }
    }
}

/// A provider whose HMAC yields a digest of the wrong length (as one built without the
/// needed hash would) makes `emit_ack` fail instead of panicking.
#[test]
fn emit_ack_with_a_provider_lacking_the_prf_fails_cleanly() {
    use keying_crypto::{CryptoError, Digest, HashAlg, Symmetric};

    struct NoSha512;
    impl Symmetric for NoSha512 {
        fn hash(&self, alg: HashAlg, parts: &[&[u8]]) -> Digest {
            RustCrypto.hash(alg, parts)
        }
        fn hmac(&self, alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Digest {
            match alg {
                HashAlg::Sha512 => Digest::EMPTY,
                _ => RustCrypto.hmac(alg, key, parts),
            }
        }
        fn aes_ctr(&self, k: &[u8], iv: &[u8; 16], d: &mut [u8]) -> Result<(), CryptoError> {
            RustCrypto.aes_ctr(k, iv, d)
        }
        fn aes_cbc_encrypt(
            &self,
            k: &[u8],
            iv: &[u8; 16],
            d: &mut [u8],
        ) -> Result<(), CryptoError> {
            RustCrypto.aes_cbc_encrypt(k, iv, d)
        }
        fn aes_cbc_decrypt(
            &self,
            k: &[u8],
            iv: &[u8; 16],
            d: &mut [u8],
        ) -> Result<(), CryptoError> {
            RustCrypto.aes_cbc_decrypt(k, iv, d)
        }
        fn aes_kw_wrap(&self, k: &[u8], key: &[u8], o: &mut [u8]) -> Result<usize, CryptoError> {
            RustCrypto.aes_kw_wrap(k, key, o)
        }
        fn aes_kw_unwrap(&self, k: &[u8], w: &[u8], o: &mut [u8]) -> Result<usize, CryptoError> {
            RustCrypto.aes_kw_unwrap(k, w, o)
        }
    }
    let ty512 = AckType::new(KekAckRequested::KekSha512).unwrap();
    let k5 = AckKey::derive(&NoSha512, ty512, &KEK_KEY, &COOKIES, LEncoding::BlockBits);
    let id = GmIdentity::Ipv4([192, 0, 2, 100]);
    let mut out = [0x2a; 200];
    assert!(
        k5.emit_ack(&NoSha512, Seq(2), &id.to_id(), &mut out)
            .is_err()
    );
}

fn delivery(unicast: bool) -> gdoi_ack::Delivery {
    if unicast {
        gdoi_ack::Delivery::Unicast
    } else {
        gdoi_ack::Delivery::Multicast
    }
}
