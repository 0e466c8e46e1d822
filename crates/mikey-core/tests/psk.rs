//! PSK mode (RFC 3830 §3.1) end to end on a virtual clock with the RustCrypto provider:
//! keys equal on both ends, verification message, Error messages, replay, timestamp
//! window, NULL-encryption downgrade, every single-bit flip.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod km;

use keying_crypto::rustcrypto::RustCrypto;
use keying_crypto::{CryptoError, Digest, HashAlg, Symmetric};
use km::*;
use mikey_core::error::KmError;
use mikey_core::hooks::StaticPsk;
use mikey_core::offer::Offer;
use mikey_core::policy::Policy;
use mikey_core::psk::{PskInitiator, PskResponder};
use mikey_core::replay::TsError;
use mikey_core::srtp::SrtpPolicy;
use mikey_core::{DataType, EncrAlg, ErrorNo, Id, IdType, Message, Payload, PrfFunc};

const PSK: &[u8] = b"0123456789abcdef0123";

fn policies() -> [(u8, SrtpPolicy); 2] {
    [
        (0, SrtpPolicy::DEFAULT),
        (
            1,
            SrtpPolicy {
                encr_key_len: 32,
                auth_tag_len: 4,
                ..SrtpPolicy::DEFAULT
            },
        ),
    ]
}

fn start(offer: &Offer<'_>, seed: u8) -> (PskInitiator<RustCrypto>, Vec<u8>) {
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let mut out = [0u8; 1024];
    let n = i
        .start(
            mikey_core::Time::from_ntp(offer.t.value64()).unwrap_or_default(),
            offer,
            PSK,
            &mut rng(seed),
            &mut out,
        )
        .unwrap();
    (i, out[..n].to_vec())
}

#[test]
fn psk_without_verification() {
    let pol = policies();
    let offer = Offer {
        policies: &pol,
        mki: &[0, 0, 0, 7],
        ..Offer::new(0xabcd_0001, &STREAMS, ntp_ts(now(0)))
    };
    let (i, msg) = start(&offer, 1);
    let mut r: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
    let mut out = [0u8; 512];
    let acc = r
        .handle(now(2), &msg, &StaticPsk::new(PSK).unwrap(), &mut out)
        .unwrap();
    assert_eq!(acc.reply_len, None);
    assert_same(i.poll_keys().unwrap(), acc.sas);
    assert_eq!(acc.sas[1].policy.encr_key_len, 32);
    assert_eq!(acc.sas[1].roc, 3);
    assert_eq!(&acc.sas[0].mki[..], &[0, 0, 0, 7]);
    // The TGK travelled encrypted: no 16-byte window of the message equals a key.
    let m = Message::parse(&msg).unwrap();
    assert_eq!(m.kemac().unwrap().encr_alg, EncrAlg::AesCm128);
}

#[test]
fn psk_with_verification_ids_and_every_kemac_alg() {
    for (encr, prf) in [
        (EncrAlg::AesCm128, PrfFunc::Mikey1),
        (EncrAlg::AesKw128, PrfFunc::Mikey1),
        (EncrAlg::AesCm128, PrfFunc::HmacSha256),
    ] {
        for mac in [
            mikey_core::MacAlg::HmacSha1_160,
            mikey_core::MacAlg::HmacSha256_256,
        ] {
            let offer = Offer {
                encr,
                prf,
                mac,
                verification: true,
                id_i: Some(Id {
                    id_type: IdType::Uri,
                    data: b"sip:alice@example.com",
                }),
                ..Offer::new(0xabcd_0002, &STREAMS[..1], ntp_ts(now(0)))
            };
            let (mut i, msg) = start(&offer, 2);
            assert!(i.poll_keys().is_none());
            let mut r: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
            r.set_identity(&Id {
                id_type: IdType::Uri,
                data: b"sip:bob@example.com",
            })
            .unwrap();
            let mut out = [0u8; 512];
            let acc = r
                .handle(now(1), &msg, &StaticPsk::new(PSK).unwrap(), &mut out)
                .unwrap();
            let reply = &out[..acc.reply_len.unwrap()];
            assert_eq!(
                Message::parse(reply).unwrap().data_type(),
                DataType::PskResp
            );
            assert_eq!(
                &acc.peer.as_ref().unwrap().data[..],
                b"sip:alice@example.com"
            );
            // A flipped verification message is refused and the Initiator keeps waiting.
            for (_, bad) in flips(reply) {
                assert!(i.handle_response(now(1), &bad).is_err());
                assert!(i.is_waiting());
            }
            i.handle_response(now(1), reply).unwrap();
            assert_same(i.poll_keys().unwrap(), acc.sas);
        }
    }
}

#[test]
fn replay_window_and_cache() {
    let offer = Offer::new(0xabcd_0003, &STREAMS[..1], ntp_ts(now(100)));
    let (_, msg) = start(&offer, 3);
    let mut r: PskResponder<_, 2, 2> = PskResponder::with_capacity(RustCrypto, Policy::default());
    let psk = StaticPsk::new(PSK).unwrap();
    let mut out = [0u8; 512];
    // Outside the window (default 300 s), either side.
    let e = r.handle(now(100 + 301), &msg, &psk, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::Timestamp(TsError::OutOfWindow));
    assert_eq!(e.error.error_no(), ErrorNo::InvalidTs);
    let e = r
        .handle(
            now(0).saturating_add(core::time::Duration::from_secs(0)),
            &[],
            &psk,
            &mut out,
        )
        .unwrap_err();
    assert!(matches!(e.error, KmError::Message(_)));
    assert_eq!(r.replay_cache().len(), 0);
    // Accepted once, then a replay.
    r.handle(now(100), &msg, &psk, &mut out).unwrap();
    let e = r.handle(now(101), &msg, &psk, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::Replay);
    // The Error message is V-protected (the PSK is known) and echoes T.
    let em = Message::parse(&out[..e.reply_len.unwrap()]).unwrap();
    assert_eq!(em.data_type(), DataType::Error);
    assert!(em.verification().is_some());
    assert!(
        em.payloads()
            .any(|p| matches!(p.payload, Payload::Err(x) if x.error_no == ErrorNo::InvalidTs))
    );
    // Fill the cache (capacity 2): a third fresh message is refused until the window
    // has passed, then accepted.
    let (_, m2) = start(&Offer::new(0xabcd_0004, &STREAMS[..1], ntp_ts(now(102))), 4);
    r.handle(now(102), &m2, &psk, &mut out).unwrap();
    let (_, m3) = start(&Offer::new(0xabcd_0005, &STREAMS[..1], ntp_ts(now(103))), 5);
    let e = r.handle(now(103), &m3, &psk, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::ReplayCacheFull);
    let (_, m4) = start(&Offer::new(0xabcd_0006, &STREAMS[..1], ntp_ts(now(500))), 6);
    r.handle(now(500), &m4, &psk, &mut out).unwrap();
}

#[test]
fn counters_strictly_increase_per_peer() {
    let psk = StaticPsk::new(PSK).unwrap();
    // COUNTER timestamps are refused by default (below): opted in to test them.
    let mut r: PskResponder<_> = PskResponder::new(
        RustCrypto,
        Policy {
            time: mikey_core::replay::TimePolicy {
                accept_counter: true,
                ..Default::default()
            },
            ..Policy::default()
        },
    );
    let mut out = [0u8; 512];
    let ctr = |v| mikey_core::Timestamp {
        ts_type: mikey_core::TsType::Counter,
        value: v,
    };
    let (_, a) = start(&Offer::new(1, &STREAMS[..1], ctr(10)), 7);
    let (_, b) = start(&Offer::new(2, &STREAMS[..1], ctr(10)), 8);
    let (_, c) = start(&Offer::new(3, &STREAMS[..1], ctr(11)), 9);
    r.handle(now(0), &a, &psk, &mut out).unwrap();
    let e = r.handle(now(0), &b, &psk, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::Timestamp(TsError::CounterNotIncreasing));
    r.handle(now(0), &c, &psk, &mut out).unwrap();
    let e = r.handle(now(0), &a, &psk, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::Timestamp(TsError::CounterNotIncreasing));
    // Refused by policy, which is the default.
    let mut strict: PskResponder<_> = PskResponder::new(
        RustCrypto,
        Policy {
            time: mikey_core::replay::TimePolicy {
                accept_counter: false,
                ..Default::default()
            },
            ..Policy::default()
        },
    );
    let e = strict.handle(now(0), &a, &psk, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::Timestamp(TsError::CounterRefused));
    let mut strict: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
    let e = strict.handle(now(0), &a, &psk, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::Timestamp(TsError::CounterRefused));
}

#[test]
fn null_encryption_downgrade_refused_unless_allowed() {
    let offer = Offer {
        encr: EncrAlg::Null,
        ..Offer::new(0xabcd_0007, &STREAMS[..1], ntp_ts(now(0)))
    };
    let (i, msg) = start(&offer, 10);
    let psk = StaticPsk::new(PSK).unwrap();
    let mut out = [0u8; 512];
    let mut r: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
    let e = r.handle(now(0), &msg, &psk, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::EncrRefused(EncrAlg::Null));
    assert_eq!(e.error.error_no(), ErrorNo::InvalidEa);
    assert!(e.reply_len.is_some());
    let mut lax: PskResponder<_> = PskResponder::new(
        RustCrypto,
        Policy {
            allow_null_encryption: true,
            ..Policy::default()
        },
    );
    let acc = lax.handle(now(0), &msg, &psk, &mut out).unwrap();
    assert_same(i.poll_keys().unwrap(), acc.sas);
}

#[test]
fn wrong_psk_unknown_identity_and_null_mac() {
    let offer = Offer::new(0xabcd_0008, &STREAMS[..1], ntp_ts(now(0)));
    let (_, msg) = start(&offer, 11);
    let mut out = [0u8; 512];
    let mut r: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
    let e = r
        .handle(
            now(0),
            &msg,
            &StaticPsk::new(b"another key").unwrap(),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error, KmError::AuthFailed);
    assert_eq!(e.error.error_no(), ErrorNo::AuthFailure);
    struct Nobody;
    impl mikey_core::KeyResolver for Nobody {
        fn psk(&self, _: Option<&[u8]>, _: Option<&[u8]>) -> Option<&[u8]> {
            None
        }
    }
    let e = r.handle(now(0), &msg, &Nobody, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::UnknownIdentity);
    assert_eq!(e.error.error_no(), ErrorNo::InvalidId);
    // No key: the Error message is sent unauthenticated.
    let em = Message::parse(&out[..e.reply_len.unwrap()]).unwrap();
    assert_eq!(em.data_type(), DataType::Error);
    assert!(em.verification().is_none());
    // NULL MAC is never authentication.
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let mut buf = [0u8; 512];
    let n = i
        .start(
            mikey_core::Time::from_ntp(offer.t.value64()).unwrap_or_default(),
            &Offer {
                mac: mikey_core::MacAlg::Null,
                ..offer
            },
            PSK,
            &mut rng(12),
            &mut buf,
        )
        .unwrap();
    let e = r
        .handle(now(0), &buf[..n], &StaticPsk::new(PSK).unwrap(), &mut out)
        .unwrap_err();
    assert_eq!(e.error.error_no(), ErrorNo::InvalidMac);
}

#[test]
fn every_bit_flip_rejected_without_state_change() {
    let pol = policies();
    let offer = Offer {
        policies: &pol,
        verification: true,
        ..Offer::new(0xabcd_0009, &STREAMS, ntp_ts(now(0)))
    };
    let (_, msg) = start(&offer, 13);
    let psk = StaticPsk::new(PSK).unwrap();
    let mut r: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
    let mut out = [0u8; 1024];
    for (bit, bad) in flips(&msg) {
        let e = r.handle(now(0), &bad, &psk, &mut out).unwrap_err();
        // Every failure has a definite Error no (RFC 3830 §6.12): Invalid DT for the version
        // and data type octets, Invalid PRF for an undefined PRF func, Auth failure in the
        // MAC; elsewhere an authentication failure unless the flip changes a field checked
        // before the MAC (algorithms, T, SP).
        check_flip_error_no(&msg, bit, e.error.error_no());
        assert_eq!(r.replay_cache().len(), 0, "bit {bit}");
        if bit / 8 >= msg.len() - 20 {
            assert_eq!(e.error, KmError::AuthFailed, "bit {bit} in the MAC");
        }
    }
    // Unchanged: the genuine message is still accepted, once.
    r.handle(now(0), &msg, &psk, &mut out).unwrap();
    assert_eq!(r.replay_cache().len(), 1);
}

/// RFC 3830 §4.2.3 AES-CM IV = (salt_key ⊕ (0x0000 ‖ CSB ID ‖ T)) ‖ 0x0000, for the salt_key
/// derived from PSK 00..0f, CSB 0x12345678 and RAND 00..0f (see `prf_vectors.rs`).
#[test]
fn aes_cm_iv_is_salt_key_xor_csb_id_and_t() {
    let t = ntp_ts(mikey_core::Time::from_ntp(0xe6a1_b2c3_0000_0000).unwrap_or_default());
    let salt = [
        0x3b, 0xa5, 0x00, 0x3c, 0xb0, 0x92, 0x28, 0x7d, 0x3c, 0x89, 0x10, 0x4f, 0xdc, 0xab,
    ];
    let iv = mikey_core::protect::aes_cm_iv(&salt, 0x1234_5678, &t);
    assert_eq!(
        iv,
        [
            0x3b, 0xa5, 0x12, 0x08, 0xe6, 0xea, 0xce, 0xdc, 0x8e, 0x4a, 0x10, 0x4f, 0xdc, 0xab, 0,
            0
        ]
    );
}

/// RustCrypto without one hash (its hash and HMAC return `Digest::EMPTY`).
struct Without(HashAlg);

impl Symmetric for Without {
    fn hash(&self, alg: HashAlg, parts: &[&[u8]]) -> Digest {
        if alg == self.0 {
            Digest::EMPTY
        } else {
            RustCrypto.hash(alg, parts)
        }
    }
    fn hmac(&self, alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Digest {
        if alg == self.0 {
            Digest::EMPTY
        } else {
            RustCrypto.hmac(alg, key, parts)
        }
    }
    fn aes_ctr(&self, k: &[u8], iv: &[u8; 16], d: &mut [u8]) -> Result<(), CryptoError> {
        RustCrypto.aes_ctr(k, iv, d)
    }
    fn aes_cbc_encrypt(&self, k: &[u8], iv: &[u8; 16], d: &mut [u8]) -> Result<(), CryptoError> {
        RustCrypto.aes_cbc_encrypt(k, iv, d)
    }
    fn aes_cbc_decrypt(&self, k: &[u8], iv: &[u8; 16], d: &mut [u8]) -> Result<(), CryptoError> {
        RustCrypto.aes_cbc_decrypt(k, iv, d)
    }
    fn aes_kw_wrap(&self, k: &[u8], key: &[u8], o: &mut [u8]) -> Result<usize, CryptoError> {
        RustCrypto.aes_kw_wrap(k, key, o)
    }
    fn aes_kw_unwrap(&self, k: &[u8], w: &[u8], o: &mut [u8]) -> Result<usize, CryptoError> {
        RustCrypto.aes_kw_unwrap(k, w, o)
    }
}

/// A provider built without a hash (as firmware trims `keying-crypto`) makes the Responder
/// refuse with a typed error, never a panic, never keys derived from an empty PRF block.
#[test]
fn a_provider_lacking_a_hash_refuses_typed() {
    use mikey_core::MacAlg;

    for (prf, mac, missing, want) in [
        (
            PrfFunc::HmacSha256,
            MacAlg::HmacSha1_160,
            HashAlg::Sha256,
            KmError::PrfRefused(PrfFunc::Unknown(0x7f)),
        ),
        (
            PrfFunc::Mikey1,
            MacAlg::HmacSha1_160,
            HashAlg::Sha1,
            KmError::PrfRefused(PrfFunc::Unknown(0x7f)),
        ),
        (
            PrfFunc::Mikey1,
            MacAlg::HmacSha256_256,
            HashAlg::Sha256,
            KmError::MacRefused(MacAlg::HmacSha256_256),
        ),
    ] {
        let offer = Offer {
            prf,
            mac,
            ..Offer::new(0xabcd_0005, &STREAMS, ntp_ts(now(0)))
        };
        let (_, msg) = start(&offer, 5);
        let mut r: PskResponder<_> = PskResponder::new(Without(missing), Policy::default());
        let mut out = [0u8; 512];
        let e = r
            .handle(now(1), &msg, &StaticPsk::new(PSK).unwrap(), &mut out)
            .unwrap_err();
        assert_eq!(e.error, want, "{prf:?} {mac:?} without {missing:?}");
        assert!(r.replay_cache().is_empty());
    }
}

/// `start` builds the Initiator's SAs in place as its last fallible step: an offer whose
/// MKI is longer than an SA holds (`MAX_MKI`) is refused there, and the Initiator stays
/// idle, without keys, and starts the same exchange with a valid MKI afterwards.
#[test]
fn a_start_refused_while_building_the_sas_leaves_the_initiator_idle() {
    let long_mki = [7u8; mikey_core::srtp::MAX_MKI + 1];
    let bad = Offer {
        mki: &long_mki,
        ..Offer::new(0xabcd_0100, &STREAMS, ntp_ts(now(0)))
    };
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let mut out = [0u8; 1024];
    let at = mikey_core::Time::from_ntp(bad.t.value64()).unwrap_or_default();
    let e = i.start(at, &bad, PSK, &mut rng(40), &mut out).unwrap_err();
    assert!(
        !matches!(e, KmError::BufferTooSmall { .. }),
        "refused for the MKI, not for room: {e:?}"
    );
    assert!(i.poll_keys().is_none());
    assert!(!i.is_waiting());
    let good = Offer {
        mki: &long_mki[..4],
        ..bad
    };
    let n = i.start(at, &good, PSK, &mut rng(41), &mut out).unwrap();
    assert_eq!(i.poll_keys().unwrap()[0].mki.as_slice(), &long_mki[..4]);
    let mut r = PskResponder::new(RustCrypto, Policy::default());
    let mut reply = [0u8; 512];
    let acc = r
        .handle(now(1), &out[..n], &StaticPsk::new(PSK).unwrap(), &mut reply)
        .unwrap();
    assert_same(i.poll_keys().unwrap(), acc.sas);
}

/// Firmware with RFC 3830's mandatory algorithms only (§4.2: MIKEY-1, HMAC-SHA-1-160,
/// AES-CM-128): a provider without SHA-256 (as `keying-crypto` built with `sha1` and
/// `aes128` alone) and a policy that allows nothing more. The exchange with verification
/// still completes with the same keys on both sides; the replay cache (which knows the
/// message by its verified MAC) still refuses the replay; and each
/// optional algorithm a peer offers is refused by name (its RFC 3830 §6.12 Error no), not
/// by a MAC that cannot be computed.
#[test]
fn mandatory_algorithms_only_provider_and_policy() {
    use mikey_core::{EncrAlg, MacAlg};
    let mandatory = Policy::default().mandatory_algorithms_only();
    let psk = StaticPsk::new(PSK).unwrap();
    let offer = Offer {
        verification: true,
        ..Offer::new(0xabcd_0200, &STREAMS, ntp_ts(now(0)))
    };
    let mut i = PskInitiator::new(Without(HashAlg::Sha256), mandatory);
    let mut msg = [0u8; 1024];
    let at = mikey_core::Time::from_ntp(offer.t.value64()).unwrap_or_default();
    let n = i.start(at, &offer, PSK, &mut rng(50), &mut msg).unwrap();
    let mut r = PskResponder::new(Without(HashAlg::Sha256), mandatory);
    let mut out = [0u8; 512];
    let acc = r.handle(now(1), &msg[..n], &psk, &mut out).unwrap();
    let v = acc.reply_len.unwrap();
    let sas = acc.sas.clone();
    i.handle_response(now(1), &out[..v]).unwrap();
    assert_same(i.poll_keys().unwrap(), &sas);
    assert_eq!(r.replay_cache().len(), 1);
    let e = r.handle(now(1), &msg[..n], &psk, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::Replay);
    assert_eq!(r.replay_cache().len(), 1);

    for (prf, mac, encr, want) in [
        (
            PrfFunc::HmacSha256,
            MacAlg::HmacSha1_160,
            EncrAlg::AesCm128,
            KmError::PrfRefused(PrfFunc::HmacSha256),
        ),
        (
            PrfFunc::Mikey1,
            MacAlg::HmacSha256_256,
            EncrAlg::AesCm128,
            KmError::MacRefused(MacAlg::HmacSha256_256),
        ),
        (
            PrfFunc::Mikey1,
            MacAlg::HmacSha1_160,
            EncrAlg::AesKw128,
            KmError::EncrRefused(EncrAlg::AesKw128),
        ),
        (
            PrfFunc::Mikey1,
            MacAlg::HmacSha1_160,
            EncrAlg::AesCm256,
            KmError::EncrRefused(EncrAlg::AesCm256),
        ),
    ] {
        let offer = Offer {
            prf,
            mac,
            encr,
            ..Offer::new(0xabcd_0201, &STREAMS, ntp_ts(now(0)))
        };
        let (_, msg) = start(&offer, 51);
        let mut r = PskResponder::new(Without(HashAlg::Sha256), mandatory);
        let e = r.handle(now(1), &msg, &psk, &mut out).unwrap_err();
        assert_eq!(e.error, want, "{prf:?} {mac:?} {encr:?}");
        assert!(r.replay_cache().is_empty());
    }
}
