//! An authentic I_MESSAGE whose IDi is longer than a Responder keeps
//! ([`mikey_core::policy::MAX_ID`] bytes) is rejected with a typed error and leaves the
//! Responder exactly as it was (commit-last: the replay-cache entry is the last step), in
//! every mode; an IDi of exactly `MAX_ID` bytes is accepted.
//!
//! Our Initiators refuse such IDs, so the message is built here: the real Initiator's
//! I_MESSAGE with a `MAX_ID`-byte IDi, re-emitted with the IDi one byte longer (nothing else
//! changes: same HDR, T, RAND, CERT, SP, DH / KEMAC, PKE), then sealed again the way the
//! Initiator seals it (KEMAC MAC under the PSK, SIGNi with the Initiator's key).
//!
//! The Responders have a replay cache of one entry, so that an entry left by the rejected
//! message would also make the accepted one fail (`Full`) — besides the second copy of the
//! rejected message, which would be a `Replay` instead of the same error.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod km;

use keying_crypto::rustcrypto::{RsaPrivate, RsaPublic, RustCrypto};
use keying_crypto::{HashAlg, RsaEncryptionPadding, RsaPrivateKeyOps, Symmetric};
use km::pki::{Party, party, pinned};
use km::*;
use mikey_core::dh::{DhInitiator, DhResponder};
use mikey_core::dhhmac::{DhHmacInitiator, DhHmacResponder};
use mikey_core::error::{KmError, Rejected};
use mikey_core::hooks::LocalIdentity;
use mikey_core::hooks::StaticPsk;
use mikey_core::kdf::KemacKeys;
use mikey_core::offer::Offer;
use mikey_core::pk::{PkInitiator, PkResponder};
use mikey_core::policy::{MAX_ID, Policy};
use mikey_core::protect::kemac_decrypt;
use mikey_core::psk::{PskInitiator, PskResponder};
use mikey_core::responder::Accepted;
use mikey_core::rsa_r::{RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
use mikey_core::wire::emit_sub_payloads;
use mikey_core::{
    DataType, DhGroup, EncrAlg, Id, IdType, Kemac, KemacScope, Message, MessageWriter, Payload,
    PayloadType,
};

const PSK: &[u8] = b"long peer id shared secret";

/// A SIP URI of exactly `len` bytes.
fn uri(len: usize) -> Vec<u8> {
    let mut v = b"sip:".to_vec();
    v.resize(len - b"@example.com".len(), b'a');
    v.extend_from_slice(b"@example.com");
    assert_eq!(v.len(), len);
    v
}

fn identity<'a>(p: &'a Party, id: &'a [u8]) -> LocalIdentity<'a, RsaPrivate> {
    LocalIdentity {
        key: &p.key,
        cert: Some(&p.cert),
        id: Some(Id {
            id_type: IdType::Uri,
            data: id,
        }),
    }
}

/// The data of the first ID payload (IDi) of `msg`.
fn id_i(msg: &[u8]) -> Vec<u8> {
    let m = Message::parse(msg).unwrap();
    m.payloads()
        .find_map(|p| match p.payload {
            Payload::Id(id) => Some(id.data.to_vec()),
            _ => None,
        })
        .unwrap()
}

/// `msg` re-emitted with the first ID payload's data replaced by `id_i` and, when given,
/// the KEMAC Encr data by `encr`; every other payload (KEMAC MAC and SIGN included) as it
/// was.
fn rebuild(msg: &[u8], id_i: &[u8], encr: Option<&[u8]>) -> Vec<u8> {
    let m = Message::parse(msg).unwrap();
    let mut buf = vec![0u8; msg.len() + 1024];
    let mut w = MessageWriter::new(&mut buf, m.header());
    let mut first_id = true;
    for item in m.payloads() {
        let p = match (item.payload, encr) {
            (Payload::Id(id), _) if first_id => {
                first_id = false;
                Payload::Id(Id { data: id_i, ..id })
            }
            (Payload::Kemac(k), Some(e)) => Payload::Kemac(Kemac { encr_data: e, ..k }),
            (p, _) => p,
        };
        w.push(&p);
    }
    let n = w.finish().unwrap();
    buf.truncate(n);
    buf
}

/// The KEMAC auth key (HMAC-SHA-1-160) of PSK / DHHMAC `msg` under [`PSK`].
fn psk_auth(msg: &[u8]) -> Vec<u8> {
    let m = Message::parse(msg).unwrap();
    let h = m.header();
    KemacKeys::derive(
        &RustCrypto,
        &mikey_core::kdf::Derivation::new(h.prf_func, PSK, h.csb_id, m.rand().unwrap()),
        16,
        20,
    )
    .unwrap()
    .auth
    .expose()
    .to_vec()
}

/// Recomputes the KEMAC MAC of `msg` (HMAC-SHA-1-160 under `auth`) over the whole message
/// (PSK, DHHMAC) or the KEMAC payload (PK).
fn remac(msg: &mut [u8], auth: &[u8], whole: bool) {
    let (range, mac) = {
        let m = Message::parse(msg).unwrap();
        let cov = m.kemac_covered().unwrap();
        let scope = if whole {
            KemacScope::Message
        } else {
            KemacScope::Payload
        };
        (
            cov.mac.clone(),
            RustCrypto.hmac(HashAlg::Sha1, auth, &cov.input(scope)),
        )
    };
    msg[range].copy_from_slice(mac.as_bytes());
}

/// SIGNi again with the Initiator's key (the default policy: RSASSA-PSS, SHA-256), over
/// the message up to the signature (no extra: I_MESSAGE).
fn resign(msg: &mut [u8], key: &RsaPrivate) {
    km::pki::resign(msg, key, &[]);
}

/// The default policy with the weak OAKLEY 2 group opted in: the DH tests here use it for
/// its short DH values, their subject being the IDi length, not the group.
fn oakley2_policy() -> Policy {
    Policy {
        dh_groups: Policy::DH_GROUPS_DEFAULT.with(DhGroup::Oakley2),
        ..Policy::default()
    }
}

/// One call of a Responder (with a one-entry replay cache): the result, its replay-cache
/// length afterwards and its `out` buffer.
type Handled = (Result<Kept, Rejected>, usize, Vec<u8>);

/// What the test keeps of an [`Accepted`] (which borrows the Responder's SAs).
#[derive(Debug)]
struct Kept {
    sas: mikey_core::SrtpSas,
    peer: Option<mikey_core::OwnedId>,
    reply_len: Option<usize>,
}

impl From<Accepted<'_>> for Kept {
    fn from(a: Accepted<'_>) -> Self {
        Self {
            sas: a.sas.clone(),
            peer: a.peer,
            reply_len: a.reply_len,
        }
    }
}

/// `long` (IDi of `MAX_ID + 1` bytes, authentic) is rejected twice with the same typed
/// error and no cache entry; then `real` (the same message with a `MAX_ID`-byte IDi, same
/// T and RAND) is accepted and a copy of it is a replay. Returns what `real` got. With
/// `silent`, the rejection must not have built a reply either (`out` stays zero): the ID
/// is checked before any PKE, signature or DH work is spent on an answer.
fn check_commit_last(
    real: &[u8],
    long: &[u8],
    silent: bool,
    mut handle: impl FnMut(&[u8]) -> Handled,
) -> (Kept, Vec<u8>) {
    let (a, b) = (Message::parse(real).unwrap(), Message::parse(long).unwrap());
    assert_eq!(a.header(), b.header());
    assert_eq!(a.timestamp(), b.timestamp());
    assert_eq!(a.rand(), b.rand());
    assert_eq!(a.payload_count(), b.payload_count());
    assert_eq!(id_i(real).len(), MAX_ID);
    assert_eq!(id_i(long).len(), MAX_ID + 1);
    for round in 0..2 {
        let (res, cached, out) = handle(long);
        if silent {
            assert!(
                out.iter().all(|&b| b == 0),
                "round {round}: a reply was built for a message that is then rejected"
            );
        }
        let e = res.unwrap_err();
        assert_eq!(e.error, KmError::KeyData, "round {round}");
        assert_eq!(
            cached, 0,
            "round {round}: the rejected message left a cache entry"
        );
    }
    let (res, cached, out) = handle(real);
    let acc = res.unwrap();
    assert_eq!(cached, 1);
    assert_eq!(&acc.peer.as_ref().unwrap().data[..], &id_i(real)[..]);
    let (res, cached, _) = handle(real);
    assert_eq!(res.unwrap_err().error, KmError::Replay);
    assert_eq!(cached, 1);
    (acc, out)
}

#[test]
fn rsa_r_idi_longer_than_max_id_is_rejected_and_leaves_no_replay_entry() {
    let s = party("sender");
    let r = party("recv1");
    let (id, long) = (uri(MAX_ID), uri(MAX_ID + 1));
    let offer = RsaROffer::new(0x4738_0001, ntp_ts(now(0)), RsaRMode::Unicast);
    let mut buf = vec![0u8; 4096];
    // Our Initiator refuses the long IDi.
    let e = RsaRInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &identity(&r, &long),
            &mut rng(1),
            &mut buf,
        )
        .unwrap_err();
    assert_eq!(e, KmError::KeyData);
    let me = identity(&r, &id);
    let mut i = RsaRInitiator::new(RustCrypto, Policy::default());
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &me,
            &mut rng(2),
            &mut buf,
        )
        .unwrap();
    let real = buf[..n].to_vec();
    assert_eq!(
        Message::parse(&real).unwrap().data_type(),
        DataType::RsaRInit
    );
    let mut long_msg = rebuild(&real, &long, None);
    resign(&mut long_msg, &r.key);

    let mut sender: RsaRResponder<RustCrypto, 1, 1> =
        RsaRResponder::with_capacity(RustCrypto, Policy::default(), &STREAMS[..1], &[]).unwrap();
    let pin = pinned([&r.spki]);
    let mut seed = 10;
    let (acc, out) = check_commit_last(&real, &long_msg, true, |msg| {
        let mut out = vec![0u8; 4096];
        seed += 1;
        let res = sender
            .handle(now(1), msg, &s.me(), &pin, &mut rng(seed), &mut out)
            .map(Kept::from);
        (res, sender.replay_cache().len(), out)
    });
    // The R_MESSAGE (SIGNr covers the 128-byte IDi) completes the real Initiator.
    i.handle_response(
        now(1),
        &out[..acc.reply_len.unwrap()],
        &me,
        &pinned([&s.spki]),
        &mut rng(30),
    )
    .unwrap();
    assert_same(i.poll_keys().unwrap().1, &acc.sas);
}

#[test]
fn psk_idi_longer_than_max_id_is_rejected_and_leaves_no_replay_entry() {
    let (id, long) = (uri(MAX_ID), uri(MAX_ID + 1));
    let offer = |data| Offer {
        id_i: Some(Id {
            id_type: IdType::Uri,
            data,
        }),
        verification: true,
        ..Offer::new(0x3830_0001, &STREAMS, ntp_ts(now(0)))
    };
    let mut buf = vec![0u8; 4096];
    let e = PskInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((offer(&long)).t.value64()).unwrap_or_default(),
            &offer(&long),
            PSK,
            &mut rng(1),
            &mut buf,
        )
        .unwrap_err();
    assert_eq!(e, KmError::KeyData);
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer(&id)).t.value64()).unwrap_or_default(),
            &offer(&id),
            PSK,
            &mut rng(2),
            &mut buf,
        )
        .unwrap();
    let real = buf[..n].to_vec();
    let mut long_msg = rebuild(&real, &long, None);
    let auth = psk_auth(&long_msg);
    remac(&mut long_msg, &auth, true);

    let mut r: PskResponder<RustCrypto, 1, 1> =
        PskResponder::with_capacity(RustCrypto, Policy::default());
    let keys = StaticPsk::new(PSK).unwrap();
    let (acc, out) = check_commit_last(&real, &long_msg, false, |msg| {
        let mut out = vec![0u8; 4096];
        let res = r.handle(now(1), msg, &keys, &mut out).map(Kept::from);
        (res, r.replay_cache().len(), out)
    });
    i.handle_response(now(1), &out[..acc.reply_len.unwrap()])
        .unwrap();
    assert_same(i.poll_keys().unwrap(), &acc.sas);
}

#[test]
fn dhhmac_idi_longer_than_max_id_is_rejected_and_leaves_no_replay_entry() {
    let (id, long) = (uri(MAX_ID), uri(MAX_ID + 1));
    let offer = |data| Offer {
        id_i: Some(Id {
            id_type: IdType::Uri,
            data,
        }),
        ..Offer::new(0x4650_0001, &STREAMS, ntp_ts(now(0)))
    };
    let mut buf = vec![0u8; 4096];
    let e = DhHmacInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((offer(&long)).t.value64()).unwrap_or_default(),
            &offer(&long),
            DhGroup::Oakley2,
            PSK,
            &mut rng(1),
            &mut buf,
        )
        .unwrap_err();
    assert_eq!(e, KmError::KeyData);
    let mut i = DhHmacInitiator::new(RustCrypto, Policy::default());
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer(&id)).t.value64()).unwrap_or_default(),
            &offer(&id),
            DhGroup::Oakley2,
            PSK,
            &mut rng(2),
            &mut buf,
        )
        .unwrap();
    let real = buf[..n].to_vec();
    let mut long_msg = rebuild(&real, &long, None);
    let auth = psk_auth(&long_msg);
    remac(&mut long_msg, &auth, true);

    let mut r: DhHmacResponder<RustCrypto, 1, 1> =
        DhHmacResponder::with_capacity(RustCrypto, oakley2_policy());
    let keys = StaticPsk::new(PSK).unwrap();
    let mut seed = 10;
    let (acc, out) = check_commit_last(&real, &long_msg, true, |msg| {
        let mut out = vec![0u8; 4096];
        seed += 1;
        let res = r
            .handle(now(1), msg, &keys, &mut rng(seed), &mut out)
            .map(Kept::from);
        (res, r.replay_cache().len(), out)
    });
    i.handle_response(now(1), &out[..acc.reply_len.unwrap()])
        .unwrap();
    assert_same(i.poll_keys().unwrap(), &acc.sas);
}

#[test]
fn dh_idi_longer_than_max_id_is_rejected_and_leaves_no_replay_entry() {
    let a = party("recv1");
    let b = party("sender");
    let (id, long) = (uri(MAX_ID), uri(MAX_ID + 1));
    let offer = Offer::new(0x3300_0001, &STREAMS, ntp_ts(now(0)));
    let mut buf = vec![0u8; 4096];
    let e = DhInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            DhGroup::Oakley2,
            &identity(&a, &long),
            &mut rng(1),
            &mut buf,
        )
        .unwrap_err();
    assert_eq!(e, KmError::KeyData);
    let mut i = DhInitiator::new(RustCrypto, Policy::default());
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            DhGroup::Oakley2,
            &identity(&a, &id),
            &mut rng(2),
            &mut buf,
        )
        .unwrap();
    let real = buf[..n].to_vec();
    let mut long_msg = rebuild(&real, &long, None);
    resign(&mut long_msg, &a.key);

    let mut r: DhResponder<RustCrypto, 1, 1> =
        DhResponder::with_capacity(RustCrypto, oakley2_policy());
    let pin = pinned([&a.spki]);
    let mut seed = 10;
    let (acc, out) = check_commit_last(&real, &long_msg, true, |msg| {
        let mut out = vec![0u8; 4096];
        seed += 1;
        let res = r
            .handle(now(1), msg, &b.me(), &pin, &mut rng(seed), &mut out)
            .map(Kept::from);
        (res, r.replay_cache().len(), out)
    });
    i.handle_response(now(1), &out[..acc.reply_len.unwrap()], &pinned([&b.spki]))
        .unwrap();
    assert_same(i.poll_keys().unwrap(), &acc.sas);
}

/// PK: the IDi inside the KEMAC must equal the outer one, so the KEMAC is re-encrypted
/// too: the envelope key from PKE (the Responder's key, blinded decryption), the chain
/// with the long IDi under the same KEMAC keys, the MAC over the KEMAC payload, SIGNi.
fn pk_with_id_i(msg: &[u8], id_i: &[u8], responder: &Party, initiator: &Party) -> Vec<u8> {
    let m = Message::parse(msg).unwrap();
    let h = m.header();
    let t = m.timestamp().unwrap();
    let Payload::Pke(pke) = m.find(PayloadType::Pke).unwrap().payload else {
        panic!("no PKE")
    };
    let mut env = vec![0u8; responder.key.modulus_len()];
    let el = responder
        .key
        .decrypt(
            &mut rng(77),
            RsaEncryptionPadding::Pkcs1v15,
            pke.data,
            &mut env,
        )
        .unwrap();
    let kk = KemacKeys::derive(
        &RustCrypto,
        &mikey_core::kdf::Derivation::new(h.prf_func, &env[..el], h.csb_id, m.rand().unwrap()),
        16,
        20,
    )
    .unwrap();
    let kemac = m.kemac().unwrap();
    assert_eq!(kemac.encr_alg, EncrAlg::AesCm128);
    let plain = kemac_decrypt(
        &RustCrypto,
        kemac.encr_alg,
        &kk,
        h.csb_id,
        &t,
        kemac.encr_data,
    )
    .unwrap();
    let subs: Vec<Payload<'_>> = Kemac::sub_payloads(plain.expose(), PayloadType::Id)
        .map(|x| match x.unwrap().payload {
            Payload::Id(i) => Payload::Id(Id { data: id_i, ..i }),
            p => p,
        })
        .collect();
    assert!(matches!(subs[0], Payload::Id(_)));
    let mut chain = vec![0u8; 1024];
    let n = emit_sub_payloads(&subs, &mut chain).unwrap();
    // AES-CM: the key stream that decrypts also encrypts.
    let encr = kemac_decrypt(&RustCrypto, kemac.encr_alg, &kk, h.csb_id, &t, &chain[..n]).unwrap();
    let mut out = rebuild(msg, id_i, Some(encr.expose()));
    remac(&mut out, kk.auth.expose(), false);
    resign(&mut out, &initiator.key);
    out
}

#[test]
fn pk_idi_longer_than_max_id_is_rejected_and_leaves_no_replay_entry() {
    let a = party("recv1");
    let b = party("sender");
    let b_pub = RsaPublic::from_spki_der(&b.spki).unwrap();
    let (id, long) = (uri(MAX_ID), uri(MAX_ID + 1));
    let offer = Offer {
        verification: true,
        ..Offer::new(0x3830_0002, &STREAMS, ntp_ts(now(0)))
    };
    let mut buf = vec![0u8; 4096];
    let e = PkInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &identity(&a, &long),
            &b_pub,
            Some(&b.cert),
            &mut rng(1),
            &mut buf,
        )
        .unwrap_err();
    assert_eq!(e, KmError::KeyData);
    let mut i = PkInitiator::new(RustCrypto, Policy::default());
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &identity(&a, &id),
            &b_pub,
            Some(&b.cert),
            &mut rng(2),
            &mut buf,
        )
        .unwrap();
    let real = buf[..n].to_vec();
    let long_msg = pk_with_id_i(&real, &long, &b, &a);

    let mut r: PkResponder<RustCrypto, 1, 1> =
        PkResponder::with_capacity(RustCrypto, Policy::default());
    let pin = pinned([&a.spki]);
    let mut seed = 10;
    let (acc, out) = check_commit_last(&real, &long_msg, true, |msg| {
        let mut out = vec![0u8; 4096];
        seed += 1;
        let res = r
            .handle(now(1), msg, &b.me(), &pin, &mut rng(seed), &mut out)
            .map(Kept::from);
        (res, r.replay_cache().len(), out)
    });
    i.handle_response(now(1), &out[..acc.reply_len.unwrap()])
        .unwrap();
    assert_same(i.poll_keys().unwrap(), &acc.sas);
}
