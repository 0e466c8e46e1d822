//! The RSA path: a GCKS signing with RSA-2048 PKCS#1 v1.5 (DigestInfo or raw hash) and GMs
//! configured to accept one form, the other, or both.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::expect_used,
    clippy::panic
)]

mod common;
use common::*;

use gdoi_ack::push::{EspTek, PushBuilder, Selector};
use gdoi_ack::{
    Delivery, Gcks, GcksConfig, GmConfig, GmIdentity, GroupMember, InitialKek, KekAckRequested,
    KekInstall, PushError, Rsa, RsaForms, Slot, Target, Time,
};
use keying_crypto::HashAlg;
use keying_crypto::rustcrypto::{HashDrbg, RsaPrivate, RsaPublic, RustCrypto};

fn rsa_key() -> RsaPrivate {
    let der = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../keying-crypto/tests/vectors/rsa2048_pkcs8.der"
    ))
    .unwrap();
    RsaPrivate::from_pkcs8_der(&der).unwrap()
}

fn build(forms: RsaForms) -> Vec<u8> {
    let key = [KEK_IV.as_slice(), KEK_KEY.as_slice()].concat();
    let mut ks: Gcks<_, _, [Slot; 4]> = Gcks::new(
        RustCrypto,
        GcksConfig::new(Some(KekAckRequested::KekSha256)),
        Rsa {
            key: rsa_key(),
            hash: HashAlg::Sha256,
            forms,
        },
        InitialKek {
            spi: COOKIES,
            algorithm_key: &key,
            last_seq: 0,
        },
        [Slot::EMPTY; 4],
        &mut HashDrbg::new(b"index"),
    )
    .unwrap();
    let group = Selector::ipv4([239, 1, 1, 1], 0);
    let content = PushBuilder::new()
        .tek(EspTek::aes_cbc([1, 2, 3, 4], group, group, &[7; 16]))
        .unwrap();
    let mut out = [0u8; 1024];
    let b = ks
        .push(
            Time::UNIX_EPOCH,
            Target::All,
            &content,
            &mut HashDrbg::new(b"rsa"),
            &mut out,
        )
        .unwrap();
    out[..b.len].to_vec()
}

fn gm(forms: RsaForms) -> GroupMember<RustCrypto, Rsa<RsaPublic>, 2> {
    let key = [KEK_IV.as_slice(), KEK_KEY.as_slice()].concat();
    let mut g =
        GroupMember::with_capacity(RustCrypto, GmConfig::new(GmIdentity::Ipv4([10, 0, 0, 1])));
    g.install_kek(KekInstall {
        spi: COOKIES,
        algorithm_key: &key,
        last_seq: 0,
        ack_requested: Some(KekAckRequested::KekSha256),
        verifier: Rsa {
            key: rsa_key().public_key(),
            hash: HashAlg::Sha256,
            forms,
        },
    })
    .unwrap();
    g
}

#[test]
fn rsa_digest_info_and_raw_hash_forms() {
    let di = build(RsaForms::DigestInfo);
    let raw = build(RsaForms::RawHash);
    assert_ne!(di, raw);
    let mut scratch = [0u8; 1024];
    let mut rng = HashDrbg::new(b"g");
    for (gm_forms, di_ok, raw_ok) in [
        (RsaForms::DigestInfo, true, false),
        (RsaForms::RawHash, false, true),
        (RsaForms::Both, true, true),
    ] {
        for (msg, ok) in [(&di, di_ok), (&raw, raw_ok)] {
            let mut g = gm(gm_forms);
            let r = g.handle_push(
                Time::UNIX_EPOCH,
                msg,
                Delivery::Unicast,
                &mut rng,
                &mut scratch,
            );
            if ok {
                r.unwrap();
                assert_eq!(
                    g.handle_timeout(Time::UNIX_EPOCH, &mut [0u8; 200]).unwrap(),
                    Some(28 + 36 + 8 + 12)
                );
            } else {
                assert_eq!(r.unwrap_err(), PushError::BadSignature.into());
                assert_eq!(g.last_seq(&COOKIES), Some(0));
                assert_eq!(g.poll_timeout(), None);
            }
        }
    }
}
