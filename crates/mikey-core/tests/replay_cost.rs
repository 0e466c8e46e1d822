//! What a replayed signed I_MESSAGE costs the Responder (PK, DH, RSA-R): nothing but a
//! parse, the policy checks and the replay-cache lookup. The Responder's private key, the
//! certificate hook, the peer's public key and the random generator are wrapped in
//! recorders that count every RSA sign, decrypt, verify and encrypt, every key lookup and
//! every draw of randomness (a DH key pair, RSA blinding or a fresh key all need one).
//!
//! The first message is accepted; the same bytes again are each refused as a replay with
//! none of those operations and no Error message at all (`reply_len` is `None`, `out`
//! untouched): the message is not authenticated, so no key answers it (RFC 3830 §5.1.2
//! adds V or SIGN to an Error message only when a key exists). With the one-entry replay
//! cache full, a fresh message is refused the same way (RFC 3830 §5.4: reject until the
//! cache can store new entries). A forged message costs its SIGN verification but no
//! private-key operation, is answered with an unsigned Error message and never enters the
//! cache.
//!
//! The Initiators of the signed modes likewise run every cheap check of a response (the
//! KEMAC algorithms and SRTP policy of an RSA-R R_MESSAGE, the T and DHi echo of a DH
//! R_MESSAGE) before its SIGNr and any private-key operation.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod km;

use std::cell::Cell;

use keying_crypto::rustcrypto::{RsaPrivate, RsaPublic, RustCrypto};
use keying_crypto::{
    CryptoError, RsaEncryptionPadding, RsaPrivateKeyOps, RsaPublicKeyOps, RsaSignatureScheme,
};
use keying_crypto::{Rng, rustcrypto::HashDrbg};
use km::pki::{Party, party, pinned};
use km::*;
use mikey_core::dh::{DhInitiator, DhResponder};
use mikey_core::error::{KmError, Rejected};
use mikey_core::hooks::{CertResolver, LocalIdentity, PinnedKeys};
use mikey_core::offer::Offer;
use mikey_core::pk::{PkInitiator, PkResponder};
use mikey_core::policy::Policy;
use mikey_core::rsa_r::{RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
use mikey_core::srtp::{SpProblem, SrtpPolicy};
use mikey_core::{Cert, DataType, DhGroup, EncrAlg, Id, IdType, MacAlg, Message};

/// How many times the captured message is replayed.
const REPLAYS: usize = 20;

/// The operations the Responder spent.
#[derive(Debug, Default)]
struct Counts {
    sign: Cell<u32>,
    decrypt: Cell<u32>,
    verify: Cell<u32>,
    encrypt: Cell<u32>,
    resolve: Cell<u32>,
    random: Cell<u32>,
}

impl Counts {
    fn bump(c: &Cell<u32>) {
        c.set(c.get() + 1);
    }

    fn private(&self) -> u32 {
        self.sign.get() + self.decrypt.get()
    }

    fn public(&self) -> u32 {
        self.verify.get() + self.encrypt.get()
    }

    fn total(&self) -> u32 {
        self.private() + self.public() + self.resolve.get() + self.random.get()
    }

    fn reset(&self) {
        for c in [
            &self.sign,
            &self.decrypt,
            &self.verify,
            &self.encrypt,
            &self.resolve,
            &self.random,
        ] {
            c.set(0);
        }
    }
}

/// The Responder's private key, counted.
struct RecKey<'a> {
    key: &'a RsaPrivate,
    c: &'a Counts,
}

impl RsaPrivateKeyOps for RecKey<'_> {
    fn modulus_len(&self) -> usize {
        self.key.modulus_len()
    }

    fn sign(
        &self,
        rng: &mut dyn Rng,
        scheme: RsaSignatureScheme,
        msg_parts: &[&[u8]],
        sig_out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        Counts::bump(&self.c.sign);
        self.key.sign(rng, scheme, msg_parts, sig_out)
    }

    fn decrypt(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        ciphertext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        Counts::bump(&self.c.decrypt);
        self.key.decrypt(rng, padding, ciphertext, out)
    }
}

/// The Initiator's public key as the certificate hook hands it out, counted.
#[derive(Clone)]
struct RecPub<'a> {
    key: RsaPublic,
    c: &'a Counts,
}

impl RsaPublicKeyOps for RecPub<'_> {
    fn modulus_len(&self) -> usize {
        self.key.modulus_len()
    }

    fn verify(
        &self,
        scheme: RsaSignatureScheme,
        msg_parts: &[&[u8]],
        sig: &[u8],
    ) -> Result<(), CryptoError> {
        Counts::bump(&self.c.verify);
        self.key.verify(scheme, msg_parts, sig)
    }

    fn encrypt(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        Counts::bump(&self.c.encrypt);
        self.key.encrypt(rng, padding, plaintext, out)
    }
}

/// The certificate hook, counted.
struct RecPeers<'a> {
    pinned: PinnedKeys<RsaPublic>,
    c: &'a Counts,
}

impl<'a> CertResolver for RecPeers<'a> {
    type Key = RecPub<'a>;

    fn verified_key(
        &self,
        cert: Option<&Cert<'_>>,
        id: Option<&[u8]>,
    ) -> Result<Self::Key, KmError> {
        Counts::bump(&self.c.resolve);
        Ok(RecPub {
            key: self.pinned.verified_key(cert, id)?,
            c: self.c,
        })
    }
}

/// The Responder's random generator, counted.
struct RecRng<'a> {
    rng: HashDrbg,
    c: &'a Counts,
}

impl Rng for RecRng<'_> {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), CryptoError> {
        Counts::bump(&self.c.random);
        self.rng.fill_bytes(dest)
    }
}

/// The Responder's side: its counted key, identity and certificate hook.
struct Recorded<'a> {
    key: RecKey<'a>,
    party: &'a Party,
    peers: RecPeers<'a>,
}

impl<'a> Recorded<'a> {
    fn new(me: &'a Party, peer: &Party, c: &'a Counts) -> Self {
        Self {
            key: RecKey { key: &me.key, c },
            party: me,
            peers: RecPeers {
                pinned: pinned([&peer.spki]),
                c,
            },
        }
    }

    fn me(&self) -> LocalIdentity<'_, RecKey<'a>> {
        LocalIdentity {
            key: &self.key,
            cert: Some(&self.party.cert),
            id: Some(Id {
                id_type: IdType::Uri,
                data: &self.party.id,
            }),
        }
    }
}

/// `msg` accepted once (spending real work), then refused `REPLAYS` times as a replay
/// with nothing spent and nothing written; then `fresh`, an authentic new message, is
/// refused as the one-entry cache is full, also with nothing spent and nothing written.
/// `handle` returns the outcome and the replay cache's length afterwards.
fn replays_cost_nothing(
    c: &Counts,
    msg: &[u8],
    fresh: &[u8],
    mut handle: impl FnMut(&[u8], &mut [u8]) -> (Result<(), Rejected>, usize),
) {
    let mut out = vec![0u8; 4096];
    c.reset();
    let (res, cached) = handle(msg, &mut out);
    res.unwrap();
    assert!(c.verify.get() >= 1 && c.resolve.get() >= 1, "{c:?}");
    assert!(c.private() + c.encrypt.get() >= 1, "{c:?}");
    assert_eq!(cached, 1);
    for (shown, want) in [(msg, KmError::Replay), (fresh, KmError::ReplayCacheFull)] {
        for round in 0..REPLAYS {
            c.reset();
            let mut out = vec![0u8; 4096];
            let (res, cached) = handle(shown, &mut out);
            let e = res.unwrap_err();
            assert_eq!(e.error, want, "round {round}");
            assert_eq!(c.private(), 0, "round {round}: private-key work {c:?}");
            assert_eq!(c.public(), 0, "round {round}: public-key work {c:?}");
            assert_eq!(c.total(), 0, "round {round}: {c:?}");
            assert_eq!(
                e.reply_len, None,
                "round {round}: an Error message was built"
            );
            assert!(out.iter().all(|&b| b == 0), "round {round}: bytes written");
            assert_eq!(cached, 1, "round {round}");
        }
    }
}

fn dh_policy() -> Policy {
    Policy {
        dh_groups: mikey_core::DhGroups::ALL,
        ..Policy::default()
    }
}

fn dh_message(a: &Party, csb_id: u32, group: DhGroup, seed: u8) -> Vec<u8> {
    let offer = Offer::new(csb_id, &STREAMS[..1], ntp_ts(now(0)));
    let mut buf = vec![0u8; 4096];
    let n = DhInitiator::new(RustCrypto, dh_policy())
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            group,
            &a.me(),
            &mut rng(seed),
            &mut buf,
        )
        .unwrap();
    buf.truncate(n);
    buf
}

#[test]
fn dh_replays_and_a_full_cache_cost_no_key_operation() {
    let (a, b) = (party("recv1"), party("sender"));
    let c = Counts::default();
    let rec = Recorded::new(&b, &a, &c);
    let mut r: DhResponder<_, 1, 1> = DhResponder::with_capacity(RustCrypto, dh_policy());
    let msg = dh_message(&a, 0x3300_0101, DhGroup::Oakley1, 1);
    let fresh = dh_message(&a, 0x3300_0102, DhGroup::Oakley1, 2);
    let mut rng = RecRng {
        rng: rng(40),
        c: &c,
    };
    replays_cost_nothing(&c, &msg, &fresh, |m, out| {
        let res = r.handle(now(1), m, &rec.me(), &rec.peers, &mut rng, out);
        (res.map(|_| ()), r.replay_cache().len())
    });
}

#[test]
fn dh_group_refused_before_any_key_operation_with_an_unsigned_error() {
    let (a, b) = (party("recv1"), party("sender"));
    let c = Counts::default();
    let rec = Recorded::new(&b, &a, &c);
    // The policy takes only OAKLEY 5; the message is in OAKLEY 1.
    let mut r: DhResponder<_, 1, 1> = DhResponder::with_capacity(
        RustCrypto,
        Policy {
            dh_groups: mikey_core::DhGroups::OAKLEY5,
            ..Policy::default()
        },
    );
    let msg = dh_message(&a, 0x3300_0103, DhGroup::Oakley1, 3);
    let mut out = vec![0u8; 4096];
    let mut rng = RecRng {
        rng: rng(40),
        c: &c,
    };
    let e = r
        .handle(now(1), &msg, &rec.me(), &rec.peers, &mut rng, &mut out)
        .unwrap_err();
    assert_eq!(e.error, KmError::DhGroupRefused);
    assert_eq!(c.total(), 0, "{c:?}");
    let em = Message::parse(&out[..e.reply_len.unwrap()]).unwrap();
    assert_eq!(em.data_type(), DataType::Error);
    assert!(em.sign().is_none());
    assert_eq!(r.replay_cache().len(), 0);
}

fn pk_message(a: &Party, b: &Party, csb_id: u32, seed: u8) -> Vec<u8> {
    let offer = Offer::new(csb_id, &STREAMS[..1], ntp_ts(now(0)));
    let b_pub = RsaPublic::from_spki_der(&b.spki).unwrap();
    let mut buf = vec![0u8; 4096];
    let n = PkInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &a.me(),
            &b_pub,
            None,
            &mut rng(seed),
            &mut buf,
        )
        .unwrap();
    buf.truncate(n);
    buf
}

#[test]
fn pk_replays_and_a_full_cache_cost_no_key_operation() {
    let (a, b) = (party("recv1"), party("sender"));
    let c = Counts::default();
    let rec = Recorded::new(&b, &a, &c);
    let mut r: PkResponder<_, 1, 1> = PkResponder::with_capacity(RustCrypto, Policy::default());
    let msg = pk_message(&a, &b, 0x3830_0101, 4);
    let fresh = pk_message(&a, &b, 0x3830_0102, 5);
    let mut rng = RecRng {
        rng: rng(40),
        c: &c,
    };
    replays_cost_nothing(&c, &msg, &fresh, |m, out| {
        let res = r.handle(now(1), m, &rec.me(), &rec.peers, &mut rng, out);
        (res.map(|_| ()), r.replay_cache().len())
    });
}

fn rsa_r_message(r: &Party, csb_id: u32, seed: u8) -> Vec<u8> {
    let mut buf = vec![0u8; 4096];
    let n = RsaRInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp(
                (RsaROffer::new(csb_id, ntp_ts(now(0)), RsaRMode::Group))
                    .t
                    .value64(),
            )
            .unwrap_or_default(),
            &RsaROffer::new(csb_id, ntp_ts(now(0)), RsaRMode::Group),
            &r.me(),
            &mut rng(seed),
            &mut buf,
        )
        .unwrap();
    buf.truncate(n);
    buf
}

#[test]
fn rsa_r_replays_and_a_full_cache_cost_no_key_operation() {
    let (s, r) = (party("sender"), party("recv1"));
    let c = Counts::default();
    let rec = Recorded::new(&s, &r, &c);
    let mut sender: RsaRResponder<_, 1, 1> =
        RsaRResponder::with_capacity(RustCrypto, Policy::default(), &[], &[]).unwrap();
    sender
        .serve_group(&STREAMS[..1], &[], 16, &mut rng(6))
        .unwrap();
    let msg = rsa_r_message(&r, 0x4738_0101, 7);
    let fresh = rsa_r_message(&r, 0x4738_0102, 8);
    let mut rng = RecRng {
        rng: rng(40),
        c: &c,
    };
    replays_cost_nothing(&c, &msg, &fresh, |m, out| {
        let res = sender.handle(now(1), m, &rec.me(), &rec.peers, &mut rng, out);
        (res.map(|_| ()), sender.replay_cache().len())
    });
}

#[test]
fn a_forged_message_costs_no_private_key_operation_and_never_enters_the_cache() {
    let (a, b) = (party("recv1"), party("sender"));
    let c = Counts::default();
    let rec = Recorded::new(&b, &a, &c);
    let mut r: PkResponder<_, 1, 1> = PkResponder::with_capacity(RustCrypto, Policy::default());
    let msg = pk_message(&a, &b, 0x3830_0103, 9);
    let mut forged = msg.clone();
    // The last byte belongs to SIGNi.
    *forged.last_mut().unwrap() ^= 1;
    let mut rng = RecRng {
        rng: rng(40),
        c: &c,
    };
    for round in 0..2 {
        c.reset();
        let mut out = vec![0u8; 4096];
        let e = r
            .handle(now(1), &forged, &rec.me(), &rec.peers, &mut rng, &mut out)
            .unwrap_err();
        assert_eq!(e.error, KmError::AuthFailed, "round {round}");
        // One verification per hash the policy accepts for SIGN, nothing more.
        assert!(c.verify.get() >= 1, "round {round}: {c:?}");
        assert_eq!(c.private() + c.encrypt.get(), 0, "round {round}: {c:?}");
        let em = Message::parse(&out[..e.reply_len.unwrap()]).unwrap();
        assert_eq!(em.data_type(), DataType::Error);
        assert!(em.sign().is_none(), "round {round}: a SIGNed Error message");
        assert_eq!(r.replay_cache().len(), 0, "round {round}");
    }
    // The genuine message still gets through the one-entry cache.
    let mut out = vec![0u8; 4096];
    r.handle(now(1), &msg, &rec.me(), &rec.peers, &mut rng, &mut out)
        .unwrap();
    assert_eq!(r.replay_cache().len(), 1);
}

/// An RSA-R Initiator's I_MESSAGE (unicast when `policies` are offered, else group), and
/// the Initiator waiting for its answer.
fn rsa_r_start(
    r: &Party,
    policy: Policy,
    csb_id: u32,
    policies: &[(u8, SrtpPolicy)],
    seed: u8,
) -> (RsaRInitiator<RustCrypto>, Vec<u8>) {
    let mode = if policies.is_empty() {
        RsaRMode::Group
    } else {
        RsaRMode::Unicast
    };
    let mut i = RsaRInitiator::new(RustCrypto, policy);
    let mut buf = vec![0u8; 4096];
    let n = i
        .start(
            now(0),
            &RsaROffer {
                policies,
                ..RsaROffer::new(csb_id, ntp_ts(now(0)), mode)
            },
            &r.me(),
            &mut rng(seed),
            &mut buf,
        )
        .unwrap();
    buf.truncate(n);
    (i, buf)
}

/// An R_MESSAGE that the Initiator's policy refuses for a cheap reason (a KEMAC Encr or
/// MAC algorithm, an SRTP policy without authentication) costs it no public-key operation
/// (no SIGNr verification, not even the certificate hook) and no private-key operation
/// (no PKE decryption): the policy checks come first. The same Initiator then accepts a
/// genuine R_MESSAGE, spending both.
#[test]
fn rsa_r_initiator_refuses_by_policy_before_any_key_operation() {
    let (s, r) = (party("sender"), party("recv1"));
    let c = Counts::default();
    // The Initiator's side is the recorded one: its key, the Responder's public key.
    let rec = Recorded::new(&r, &s, &c);
    let no_sha256 = Policy {
        allow_hmac_sha256: false,
        ..Policy::default()
    };
    let null_auth = SrtpPolicy {
        auth_alg: mikey_core::wire::sp::SrtpAuthAlg::Null,
        ..SrtpPolicy::DEFAULT
    };
    let cases: [(EncrAlg, MacAlg, Policy, SrtpPolicy, KmError); 3] = [
        (
            EncrAlg::Null,
            MacAlg::HmacSha1_160,
            Policy::default(),
            SrtpPolicy::DEFAULT,
            KmError::EncrRefused(EncrAlg::Null),
        ),
        (
            EncrAlg::AesCm128,
            MacAlg::HmacSha256_256,
            no_sha256,
            SrtpPolicy::DEFAULT,
            KmError::MacRefused(MacAlg::HmacSha256_256),
        ),
        (
            EncrAlg::AesCm128,
            MacAlg::HmacSha1_160,
            Policy::default(),
            null_auth,
            KmError::Sp(SpProblem::Param(2)),
        ),
    ];
    for (k, (encr, mac, policy, srtp, want)) in cases.into_iter().enumerate() {
        let offered = [(0u8, srtp)];
        let mut sender: RsaRResponder<_> =
            RsaRResponder::new(RustCrypto, Policy::default(), &STREAMS[..1], &offered).unwrap();
        sender.encr = encr;
        sender.mac = mac;
        let k8 = k as u8;
        let (mut i, imsg) = rsa_r_start(&r, policy, 0x4738_0200 + k as u32, &offered, 50 + k8);
        let mut out = vec![0u8; 4096];
        let acc = sender
            .handle(
                now(1),
                &imsg,
                &s.me(),
                &pinned([&r.spki]),
                &mut rng(60 + k8),
                &mut out,
            )
            .unwrap();
        let rmsg = &out[..acc.reply_len.unwrap()];
        let mut rng = RecRng {
            rng: rng(70 + k8),
            c: &c,
        };
        for round in 0..2 {
            c.reset();
            let e = i
                .handle_response(now(1), rmsg, &rec.me(), &rec.peers, &mut rng)
                .unwrap_err();
            assert_eq!(e, want, "case {k} round {round}");
            assert_eq!(c.public(), 0, "case {k}: public-key work {c:?}");
            assert_eq!(c.private(), 0, "case {k}: private-key work {c:?}");
            assert_eq!(c.total(), 0, "case {k}: {c:?}");
            assert!(i.poll_keys().is_none());
        }
    }
    // A genuine R_MESSAGE: SIGNr verified, PKE decrypted (the recorders do count).
    let mut sender: RsaRResponder<_> =
        RsaRResponder::new(RustCrypto, Policy::default(), &[], &[]).unwrap();
    sender
        .serve_group(&STREAMS[..1], &[], 16, &mut rng(80))
        .unwrap();
    let (mut i, imsg) = rsa_r_start(&r, Policy::default(), 0x4738_0210, &[], 81);
    let mut out = vec![0u8; 4096];
    let acc = sender
        .handle(
            now(1),
            &imsg,
            &s.me(),
            &pinned([&r.spki]),
            &mut rng(82),
            &mut out,
        )
        .unwrap();
    let mut rng = RecRng {
        rng: rng(83),
        c: &c,
    };
    c.reset();
    i.handle_response(
        now(1),
        &out[..acc.reply_len.unwrap()],
        &rec.me(),
        &rec.peers,
        &mut rng,
    )
    .unwrap();
    assert!(c.verify.get() >= 1 && c.decrypt.get() == 1, "{c:?}");
}

/// A DH R_MESSAGE that does not answer the I_MESSAGE (another T, another DHi) is refused
/// before SIGNr is verified: no public-key operation.
#[test]
fn dh_initiator_checks_the_echo_before_the_signature() {
    let (a, b) = (party("recv1"), party("sender"));
    let c = Counts::default();
    let rec = Recorded::new(&a, &b, &c);
    let offer = Offer::new(0x3300_0300, &STREAMS[..1], ntp_ts(now(0)));
    let mut buf = vec![0u8; 4096];
    let mut i = DhInitiator::new(RustCrypto, Policy::default());
    i.start(
        mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
        &offer,
        DhGroup::Oakley5,
        &a.me(),
        &mut rng(90),
        &mut buf,
    )
    .unwrap();
    // A valid R_MESSAGE, but to another I_MESSAGE of the same CSB ID (other T, other DHi).
    let other = Offer::new(0x3300_0300, &STREAMS[..1], ntp_ts(now(5)));
    let mut obuf = vec![0u8; 4096];
    let on = DhInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((other).t.value64()).unwrap_or_default(),
            &other,
            DhGroup::Oakley5,
            &a.me(),
            &mut rng(91),
            &mut obuf,
        )
        .unwrap();
    let mut r: DhResponder<_> = DhResponder::new(RustCrypto, Policy::default());
    let mut out = vec![0u8; 4096];
    let acc = r
        .handle(
            now(5),
            &obuf[..on],
            &b.me(),
            &pinned([&a.spki]),
            &mut rng(92),
            &mut out,
        )
        .unwrap();
    c.reset();
    let e = i
        .handle_response(now(5), &out[..acc.reply_len.unwrap()], &rec.peers)
        .unwrap_err();
    assert_eq!(e, KmError::Mismatch);
    assert_eq!(c.total(), 0, "{c:?}");
}

/// A unicast RSA-R I_MESSAGE that offers none of the Responder's policies is refused with
/// Invalid SPpar (RFC 4738 §3.6) before the replay lookup and any key operation, with an
/// unsigned Error message.
#[test]
fn rsa_r_responder_refuses_unoffered_policies_before_any_key_operation() {
    let (s, r) = (party("sender"), party("recv1"));
    let c = Counts::default();
    let rec = Recorded::new(&s, &r, &c);
    let mut sender: RsaRResponder<_, 1, 1> = RsaRResponder::with_capacity(
        RustCrypto,
        Policy::default(),
        &STREAMS[..1],
        &[(5, SrtpPolicy::DEFAULT)],
    )
    .unwrap();
    let (_, imsg) = rsa_r_start(
        &r,
        Policy::default(),
        0x4738_0300,
        &[(0, SrtpPolicy::DEFAULT)],
        95,
    );
    let mut rng = RecRng {
        rng: rng(96),
        c: &c,
    };
    let mut out = vec![0u8; 4096];
    let e = sender
        .handle(now(1), &imsg, &rec.me(), &rec.peers, &mut rng, &mut out)
        .unwrap_err();
    assert_eq!(e.error, KmError::Sp(SpProblem::Param(0)));
    assert_eq!(c.total(), 0, "{c:?}");
    let em = Message::parse(&out[..e.reply_len.unwrap()]).unwrap();
    assert_eq!(em.data_type(), DataType::Error);
    assert!(em.sign().is_none());
    assert_eq!(sender.replay_cache().len(), 0);
}
