//! Rough timings (run with `cargo test --release -p gdoi-ack --test timing -- --ignored
//! --nocapture`): GM PUSH processing (decrypt + parse + ECDSA P-256 verify + ACK build), the
//! signature verification alone, and the GCKS ACK check.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::expect_used,
    clippy::panic
)]

mod common;
use common::*;

use std::time::Instant as StdInstant;

use gdoi_ack::Delivery;
use gdoi_ack::Time;
use gdoi_ack::ack::{AckKey, AckType, LEncoding};
use gdoi_ack::gm::{GmConfig, GmIdentity, GroupMember, KekInstall};
use gdoi_ack::keys::{EcdsaP256, PushVerifier};
use gdoi_ack::wire::message::Ack;
use gdoi_ack::wire::sa_kek::KekAckRequested;
use keying_crypto::rustcrypto::{HashDrbg, P256VerifyingKey, RustCrypto};

#[test]
#[ignore = "timing; run in release with --ignored --nocapture"]
fn timings() {
    let wire = vector("push_wire.hex");
    let plain = vector("push_plaintext.hex");
    let vk = EcdsaP256(P256VerifyingKey::from_spki_der(&vector("gcks_p256_spki.hex")).unwrap());
    let key = [KEK_IV.as_slice(), KEK_KEY.as_slice()].concat();
    let n = 200u32;
    let mut scratch = [0u8; 512];
    let mut rng = HashDrbg::new(b"t");
    let t = StdInstant::now();
    for _ in 0..n {
        let mut gm: GroupMember<_, _, 4> = GroupMember::new(
            RustCrypto,
            GmConfig::new(GmIdentity::Ipv4([192, 0, 2, 100])),
        );
        gm.install_kek(KekInstall {
            spi: COOKIES,
            algorithm_key: &key,
            last_seq: 1,
            ack_requested: Some(KekAckRequested::KekSha256),
            verifier: vk.clone(),
        })
        .unwrap();
        gm.handle_push(
            Time::UNIX_EPOCH,
            &wire,
            Delivery::Unicast,
            &mut rng,
            &mut scratch,
        )
        .unwrap();
        let mut out = [0u8; 128];
        gm.handle_timeout(Time::UNIX_EPOCH, &mut out)
            .unwrap()
            .unwrap();
    }
    let full = t.elapsed() / n;
    let mut hdr = wire[..28].to_vec();
    hdr[24..28].copy_from_slice(&465u32.to_be_bytes());
    let t = StdInstant::now();
    for _ in 0..n {
        vk.verify(&[b"rekey", &hdr, &plain[..0x171]], &plain[0x175..])
            .unwrap();
    }
    let verify = t.elapsed() / n;
    let ack = vector("ack_sha256.hex");
    let k = AckKey::derive(
        &RustCrypto,
        AckType::new(KekAckRequested::KekSha256).unwrap(),
        &KEK_KEY,
        &COOKIES,
        LEncoding::BlockBits,
    );
    let t = StdInstant::now();
    for _ in 0..n {
        assert!(k.verify(&RustCrypto, &Ack::parse(&ack).unwrap()));
    }
    let ack_check = t.elapsed() / n;
    println!(
        "GM PUSH verify + ACK: {full:?} per PUSH (ECDSA P-256 verify alone: {verify:?}); GCKS ACK parse + HASH check: {ack_check:?}"
    );
}
