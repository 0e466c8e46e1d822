//! MIKEY-RSA-R (RFC 4738) at server scale: one sender (Responder) serving a group TGK and
//! CSB ID to 10,000 receivers (Initiators) that join one group, then a group re-key that
//! every receiver joins again; every receiver ends with the sender's SRTP master keys and
//! salts. On the `aws-lc` provider, as a server would run it.
//!
//! 20,000 exchanges (three RSA-2048 private-key operations each, all sides in process):
//! about 30 s of CPU in a debug build on a 2-core development machine.
//!
//! The receivers share the three receiver keys of `tests/vectors/mikey` (each with its own
//! ID), so the test spends its time in the exchange, not in key generation. The PKE
//! envelope is OAEP (SHA-256), which AWS-LC decrypts; PKCS#1 v1.5 envelopes decrypt on the
//! RustCrypto fallback (implicit rejection), several times slower on the receivers' side
//! and the same on the sender's.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod km;

use keying_crypto::awslc::{AwsLc, RsaPrivate, RsaPublic};
use keying_crypto::{HashAlg, RsaEncryptionPadding};
use km::*;
use mikey_core::Time;
use mikey_core::hooks::{LocalIdentity, PinnedKeys};
use mikey_core::policy::Policy;
use mikey_core::rsa_r::{RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
use mikey_core::srtp::{SrtpPolicy, SrtpSas};
use mikey_core::{Id, IdType};

/// Replay-cache capacity of the sender: every join inside one replay window is a live
/// entry, so a server sizes it for its largest join burst.
const CACHE: usize = 12_000;

type Sender = RsaRResponder<AwsLc, CACHE, 16>;

/// A private key, its self-signed X.509 certificate and its public key (pinned by the
/// peers).
struct Key {
    key: RsaPrivate,
    cert: Vec<u8>,
    spki: Vec<u8>,
}

fn key(name: &str) -> Key {
    Key {
        key: RsaPrivate::from_pkcs1_der(&pki::der(&format!("rsa2048_{name}.pkcs1.der"))).unwrap(),
        cert: pki::der(&format!("rsa2048_{name}.cert.der")),
        spki: pki::der(&format!("rsa2048_{name}.spki.der")),
    }
}

fn me<'a>(k: &'a Key, id: &'a [u8]) -> LocalIdentity<'a, RsaPrivate> {
    LocalIdentity {
        key: &k.key,
        cert: Some(&k.cert),
        id: Some(Id {
            id_type: IdType::Uri,
            data: id,
        }),
    }
}

/// Trusts the certificates carrying these keys (loaded once, as a server does).
fn pinned(keys: &[&Key]) -> PinnedKeys<RsaPublic> {
    PinnedKeys::new(&AwsLc, keys.iter().map(|k| &k.spki), &policy()).unwrap()
}

fn policy() -> Policy {
    Policy {
        pke_padding: RsaEncryptionPadding::Oaep(HashAlg::Sha256),
        ..Policy::default()
    }
}

/// One receiver joins at `at`; returns the CSB ID and SAs it ended with.
#[allow(clippy::too_many_arguments)]
fn join(
    sender: &mut Sender,
    s: &Key,
    senders_peers: &PinnedKeys<RsaPublic>,
    recv: &Key,
    recv_id: &[u8],
    receivers_peers: &PinnedKeys<RsaPublic>,
    at: Time,
    seed: u32,
) -> (u32, SrtpSas) {
    let mut rng = keying_crypto::rustcrypto::HashDrbg::new(&seed.to_be_bytes());
    let mut i = RsaRInitiator::new(AwsLc, policy());
    let mut imsg = [0u8; 2048];
    let n = i
        .start(
            mikey_core::Time::from_ntp(
                (RsaROffer::new(seed, ntp_ts(at), RsaRMode::Group))
                    .t
                    .value64(),
            )
            .unwrap_or_default(),
            &RsaROffer::new(seed, ntp_ts(at), RsaRMode::Group),
            &me(recv, recv_id),
            &mut rng,
            &mut imsg,
        )
        .unwrap();
    let mut rmsg = [0u8; 2048];
    let acc = sender
        .handle(
            at,
            &imsg[..n],
            &me(s, b"sip:sender@example.com"),
            senders_peers,
            &mut rng,
            &mut rmsg,
        )
        .unwrap();
    i.handle_response(
        at,
        &rmsg[..acc.reply_len.unwrap()],
        &me(recv, recv_id),
        receivers_peers,
        &mut rng,
    )
    .unwrap();
    let (csb, keys) = i.poll_keys().unwrap();
    (csb, keys.clone())
}

/// `count` receivers join one group over a minute, then the sender re-keys the group and
/// every receiver joins again an hour later (the first joins' replay entries have expired).
fn join_then_rekey(count: u32) {
    let s = key("sender");
    let recv = [key("recv1"), key("recv2"), key("recv3")];
    let senders_peers = pinned(&[&recv[0], &recv[1], &recv[2]]);
    let receivers_peers = pinned(&[&s]);
    let ids: Vec<Vec<u8>> = (0..count)
        .map(|n| format!("sip:recv{n}@example.com").into_bytes())
        .collect();
    let pol = [
        (0, SrtpPolicy::DEFAULT),
        (
            1,
            SrtpPolicy {
                encr_key_len: 32,
                ..SrtpPolicy::DEFAULT
            },
        ),
    ];
    // The responder holds a replay cache of CACHE entries: keep it off the test thread's
    // stack.
    let mut sender = Box::new(Sender::with_capacity(AwsLc, policy(), &[], &[]).unwrap());
    sender
        .serve_group(&STREAMS, &pol, 32, &mut rng(50))
        .unwrap();

    for generation in 0..2u32 {
        let group_csb = sender.group().unwrap().csb_id();
        let sender_sas = sender.group_sas().unwrap();
        let start = 3600 * generation;
        let mut joined = 0u32;
        for n in 0..count {
            let r = &recv[n as usize % recv.len()];
            let at = now(start + n * 60 / count);
            let (csb, keys) = join(
                &mut sender,
                &s,
                &senders_peers,
                r,
                &ids[n as usize],
                &receivers_peers,
                at,
                generation * count + n,
            );
            assert_eq!(csb, group_csb, "receiver {n}, generation {generation}");
            assert_same(&keys, &sender_sas);
            joined += 1;
        }
        assert_eq!(joined, count);
        assert_eq!(sender.replay_cache().len(), count as usize);
        if generation == 0 {
            sender.rekey_group(&mut rng(70)).unwrap();
            assert_eq!(sender.group().unwrap().generation(), 1);
            assert_ne!(sender.group().unwrap().csb_id(), group_csb);
            let new_sas = sender.group_sas().unwrap();
            assert!(
                !new_sas[0]
                    .master_key
                    .ct_eq(sender_sas[0].master_key.expose())
            );
        }
    }
}

#[test]
fn ten_thousand_receivers_join_one_group_then_rekey() {
    join_then_rekey(10_000);
}
