//! The role contract as it shows at the API: the clock argument of `handle_ack`, the
//! immediate-ACK option, the size constants, and the typed PUSH content matching the
//! hand-assembled payloads.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::expect_used,
    clippy::panic
)]

mod common;

use core::time::Duration;

use common::COOKIES;
use common::rekey::{Rekey, kek_key, push, signer};
use gdoi_ack::ack::{AckKey, AckType};
use gdoi_ack::push::{EspTek, KekRollover, PushBuilder, Selector};
use gdoi_ack::wire::attributes::{Attribute, Attributes};
use gdoi_ack::wire::identification::{IdSelector, IdType};
use gdoi_ack::wire::key_download::{KdType, KeyDownload, KeyPacket};
use gdoi_ack::wire::sa::Sa;
use gdoi_ack::wire::sa_kek::{SaKek, SigAlgorithm};
use gdoi_ack::wire::sa_tek::{IpsecTek, SaTek, TekBody, TekProtocol};
use gdoi_ack::wire::seq::Seq;
use gdoi_ack::{
    AckDelay, AckError, AckStatus, Delivery, EcdsaP256, Gcks, GcksConfig, GcksEvent, GmConfig,
    GmIdentity, GroupMember, InitialKek, KekAckRequested, KekInstall, LEncoding, MAX_ACK_LEN,
    Outcome, Rejected, Slot, Target, Time,
};
use keying_crypto::rustcrypto::{HashDrbg, P256SigningKey, P256VerifyingKey, RustCrypto};

const POLICY: KekAckRequested = KekAckRequested::KekSha256;
type Ks = Gcks<RustCrypto, EcdsaP256<P256SigningKey>, [Slot; 4]>;
type Gm = GroupMember<RustCrypto, EcdsaP256<P256VerifyingKey>>;

fn gcks() -> Ks {
    Gcks::new(
        RustCrypto,
        GcksConfig::new(Some(POLICY)),
        EcdsaP256(signer()),
        InitialKek {
            spi: COOKIES,
            algorithm_key: &kek_key(&COOKIES),
            last_seq: 0,
        },
        [Slot::EMPTY; 4],
        &mut HashDrbg::new(b"index"),
    )
    .unwrap()
}

fn gm(delay: AckDelay) -> Gm {
    let mut c = GmConfig::new(GmIdentity::Ipv4([10, 0, 0, 1]));
    c.ack_delay = delay;
    let mut g = GroupMember::new(RustCrypto, c);
    g.install_kek(KekInstall {
        spi: COOKIES,
        algorithm_key: &kek_key(&COOKIES),
        last_seq: 0,
        ack_requested: Some(POLICY),
        verifier: EcdsaP256(signer().verifying_key()),
    })
    .unwrap();
    g
}

/// One PUSH at `t0` from the GCKS to the member, acknowledged at once: the ACK bytes.
fn push_and_ack(ks: &mut Ks, g: &mut Gm, t0: Time, tek: u8, kek: Option<[u8; 16]>) -> Vec<u8> {
    let mut wire = [0u8; 1024];
    let b = push(
        ks,
        t0,
        Target::All,
        Rekey {
            tek_spi: [0, 0, 0, tek],
            new_kek: kek,
            delete_kek: None,
            policy: POLICY,
        },
        &mut wire,
    );
    let mut plain = [0u8; 1024];
    let r = g
        .handle_push(
            t0,
            &wire[..b.len],
            Delivery::Multicast,
            &mut HashDrbg::new(b"gm"),
            &mut plain,
        )
        .unwrap();
    let Outcome::Accepted(a) = r else {
        panic!("{r:?}")
    };
    assert_eq!(a.ack, AckStatus::Scheduled(t0), "immediate ACK");
    let mut ack = [0u8; MAX_ACK_LEN];
    let n = g
        .handle_timeout(t0, &mut ack)
        .unwrap()
        .expect("due at once");
    ack[..n].to_vec()
}

#[test]
fn immediate_ack_is_due_at_the_push_and_the_default_is_jittered() {
    let mut ks = gcks();
    ks.add_member(GmIdentity::Ipv4([10, 0, 0, 1]), None)
        .unwrap();
    let t0 = Time::from_unix_secs(1_000);
    let mut g = gm(AckDelay::Immediate);
    let ack = push_and_ack(&mut ks, &mut g, t0, 1, None);
    assert_eq!(ks.handle_ack(t0, &ack).unwrap().seq, 1);
    assert_eq!(
        GmConfig::new(GmIdentity::Ipv4([1; 4])).ack_delay,
        AckDelay::DEFAULT
    );
    assert_eq!(
        AckDelay::DEFAULT,
        AckDelay::Jittered {
            max: gdoi_ack::MAX_ACK_JITTER
        }
    );
}

/// `handle_ack(now, …)`: an ACK counts for a PUSH only strictly before that PUSH's ACK
/// deadline, whether or not `handle_timeout` already ran it.
#[test]
fn an_ack_at_or_after_its_deadline_does_not_count_even_before_handle_timeout() {
    let t0 = Time::from_unix_secs(1_000);
    let deadline = t0.saturating_add(Duration::from_secs(10));
    let just_before = Time::from_unix_nanos(deadline.unix_nanos() - 1);
    for (at, missing) in [(just_before, false), (deadline, true)] {
        let mut ks = gcks();
        let id = ks
            .add_member(GmIdentity::Ipv4([10, 0, 0, 1]), None)
            .unwrap();
        let mut g = gm(AckDelay::Immediate);
        let ack = push_and_ack(&mut ks, &mut g, t0, 1, None);
        // Accepted either way (the member is alive) …
        let r = ks.handle_ack(at, &ack).unwrap();
        assert_eq!((r.member, r.seq), (id, 1));
        assert_eq!(ks.last_acked(id), Some((COOKIES, 1)));
        // … but a late one does not answer the PUSH.
        ks.handle_timeout(deadline);
        let ev: Vec<_> = std::iter::from_fn(|| ks.poll_event()).collect();
        let want: Vec<GcksEvent> = if missing {
            vec![GcksEvent::AckMissing {
                member: id,
                seq: 1,
                consecutive: 1,
            }]
        } else {
            vec![]
        };
        assert_eq!(ev, want, "ACK at {at:?}");
        // Same verdict when handle_timeout ran first: a duplicate now, nothing else.
        assert_eq!(
            ks.handle_ack(at, &ack),
            Err(Rejected::silent(AckError::Duplicate(1)))
        );
    }
}

/// A replaced KEK is kept `retain_old_kek` for late ACKs; at `now` past that it is gone,
/// whether or not `handle_timeout` erased it yet.
#[test]
fn an_ack_under_a_kek_past_its_retention_is_unknown_even_before_handle_timeout() {
    let t0 = Time::from_unix_secs(1_000);
    let mut ks = gcks();
    ks.add_member(GmIdentity::Ipv4([10, 0, 0, 1]), None)
        .unwrap();
    let mut g = gm(AckDelay::Immediate);
    // SEQ 1 under K1, not acked yet; SEQ 2 rolls the KEK over to K2.
    let ack1 = push_and_ack(&mut ks, &mut g, t0, 1, None);
    let _ = push_and_ack(&mut ks, &mut g, t0, 2, Some([0xa2; 16]));
    let retired = t0.saturating_add(Duration::from_secs(30));
    let before = Time::from_unix_nanos(retired.unix_nanos() - 1);
    assert_eq!(
        ks.handle_ack(retired, &ack1),
        Err(Rejected::silent(AckError::UnknownGroup))
    );
    assert_eq!(ks.handle_ack(before, &ack1).unwrap().seq, 1);
}

/// No ACK a member writes exceeds `MAX_ACK_LEN`: the largest is HMAC-SHA-512 with an
/// ID_OID of 32 + 32 octets.
#[test]
fn the_largest_ack_fits_max_ack_len() {
    let ty = AckType::new(KekAckRequested::KekSha512).unwrap();
    let key = AckKey::derive(&RustCrypto, ty, &[1; 32], &COOKIES, LEncoding::BlockBits);
    let id = GmIdentity::Oid {
        oid: heapless::Vec::from_slice(&[0x2b; 32]).unwrap(),
        payload: heapless::Vec::from_slice(&[0x55; 32]).unwrap(),
    };
    let mut out = [0u8; 1024];
    let n = key
        .emit_ack(&RustCrypto, Seq(u32::MAX), &id.to_id(), &mut out)
        .unwrap();
    assert!(n <= MAX_ACK_LEN, "{n} > {MAX_ACK_LEN}");
    // And a short buffer says how much it needs.
    let mut short = [0u8; 16];
    assert_eq!(
        key.emit_ack(&RustCrypto, Seq(1), &id.to_id(), &mut short),
        Err(gdoi_ack::WriteError::BufferTooSmall { needed: n })
    );
}

/// The typed content encodes exactly the payloads a caller assembled by hand with the
/// RFC 6407 / IPsec DOI numbers.
#[test]
fn push_builder_encodes_the_hand_assembled_payloads() {
    let mut sak_buf = [0u8; 64];
    let sak_attrs = Attributes::encode(
        &[
            Attribute::basic(2, 3),                      // KEK_ALGORITHM: AES-CBC
            Attribute::basic(3, 128),                    // KEK_KEY_LENGTH
            Attribute::variable(4, &[0, 0, 0x0e, 0x10]), // KEK_KEY_LIFETIME: 3600 s
            Attribute::basic(5, 3),                      // SIG_HASH_ALGORITHM: SHA-256
            Attribute::basic(6, 4),                      // SIG_ALGORITHM: ECDSA-256
            Attribute::basic(9, 1),                      // KEK_ACK_REQUESTED
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
            Attribute::basic(5, 5),    // Authentication Algorithm: HMAC-SHA2-256
            Attribute::basic(6, 256),  // Key Length
        ],
        &mut tek_buf,
    )
    .unwrap();
    let group = [239, 1, 1, 1];
    let sel = IdSelector {
        id_type: IdType::Ipv4Addr,
        port: 0,
        data: &group,
    };
    let teks = [SaTek {
        protocol_id: TekProtocol::IpsecEsp,
        body: TekBody::Ipsec(IpsecTek {
            protocol: 0,
            src: sel,
            dst: sel,
            transform_id: 12,
            spi: [0, 0, 0, 5],
            attributes: tek_attrs,
        }),
    }];
    let new_kek = kek_key(&[0xa2; 16]);
    let sak = SaKek {
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
        spi: [0xa2; 16],
        attributes: sak_attrs,
    };
    let (aes, hmac) = ([3; 32], [4; 32]);
    let mut tk = [0u8; 80];
    let tek_keys = Attributes::encode(
        &[Attribute::variable(1, &aes), Attribute::variable(2, &hmac)],
        &mut tk,
    )
    .unwrap();
    let mut kk = [0u8; 48];
    let kek_keys = Attributes::encode(&[Attribute::variable(1, &new_kek)], &mut kk).unwrap();
    let packets = [
        KeyPacket {
            kd_type: KdType::Tek,
            spi: &[0, 0, 0, 5],
            attributes: tek_keys,
        },
        KeyPacket {
            kd_type: KdType::Kek,
            spi: &[0xa2; 16],
            attributes: kek_keys,
        },
    ];
    let by_hand = (
        emit(&Sa::new(Some(sak), None, &teks)),
        emit(&KeyDownload::new(&packets)),
    );

    let mut tek = EspTek::aes_cbc(
        [0, 0, 0, 5],
        Selector::ipv4(group, 0),
        Selector::ipv4(group, 0),
        &aes,
    );
    tek.auth = Some(gdoi_ack::wire::sa_tek::AuthAlgorithm::HmacSha256);
    tek.key_length_bits = Some(256);
    tek.integrity_key = Some(&hmac);
    let builder = PushBuilder::new()
        .tek(tek)
        .unwrap()
        .kek(KekRollover::aes_cbc(
            [0xa2; 16],
            Selector::ipv4([192, 0, 2, 1], 848),
            Selector::ipv4([239, 192, 0, 1], 848),
            &new_kek,
            SigAlgorithm::Ecdsa256,
            Some(KekAckRequested::KekSha256),
        ));
    let typed = builder
        .with_content(|c| {
            assert!(c.deletes.is_empty());
            (emit(&c.sa.unwrap()), emit(&c.kd.unwrap()))
        })
        .unwrap();
    assert_eq!(typed, by_hand);
    // The Debug form names the key lengths, not the keys.
    let dbg = format!("{builder:?}");
    assert!(!dbg.contains(&format!("{:?}", &aes[..4])) && dbg.contains("key_len: 32"));
}

fn emit<'a, P: gdoi_ack::Codec<'a, Kind = gdoi_ack::PayloadType>>(p: &P) -> Vec<u8> {
    let mut buf = vec![0u8; 1024];
    let mut w = keying_tlv::Writer::new(&mut buf);
    let slot = w.next_payload();
    let mut chain = keying_tlv::ChainWriter::new(slot);
    gdoi_ack::wire::emit(p, &mut chain, &mut w);
    let n = w.finish().unwrap();
    buf.truncate(n);
    buf
}

/// A provider and keys shared by reference: `&C`, `&signer` and `&verifier` work as the
/// owned values.
#[test]
fn roles_own_a_shared_provider_and_keys_by_reference() {
    let crypto = RustCrypto;
    let signing = EcdsaP256(signer());
    let verifying = EcdsaP256(signer().verifying_key());
    let t0 = Time::from_unix_secs(1_000);
    let mut ks = Gcks::new(
        &crypto,
        GcksConfig::new(Some(POLICY)),
        &signing,
        InitialKek {
            spi: COOKIES,
            algorithm_key: &kek_key(&COOKIES),
            last_seq: 0,
        },
        [Slot::EMPTY; 2],
        &mut HashDrbg::new(b"index"),
    )
    .unwrap();
    let identity = GmIdentity::Ipv4([10, 0, 0, 1]);
    ks.add_member(identity.clone(), None).unwrap();
    let mut c = GmConfig::new(identity);
    c.ack_delay = AckDelay::Immediate;
    let mut g = GroupMember::new(&crypto, c);
    g.install_kek(KekInstall {
        spi: COOKIES,
        algorithm_key: &kek_key(&COOKIES),
        last_seq: 0,
        ack_requested: Some(POLICY),
        verifier: &verifying,
    })
    .unwrap();
    let group = Selector::ipv4([239, 1, 1, 1], 0);
    let content = PushBuilder::new()
        .tek(EspTek::aes_cbc([0, 0, 0, 1], group, group, &[9; 16]))
        .unwrap();
    let mut wire = [0u8; 512];
    let b = ks
        .push(
            t0,
            Target::All,
            &content,
            &mut HashDrbg::new(b"s"),
            &mut wire,
        )
        .unwrap();
    let mut plain = [0u8; 512];
    g.handle_push(
        t0,
        &wire[..b.len],
        Delivery::Multicast,
        &mut HashDrbg::new(b"g"),
        &mut plain,
    )
    .unwrap();
    let mut ack = [0u8; MAX_ACK_LEN];
    let n = g.handle_timeout(t0, &mut ack).unwrap().unwrap();
    assert_eq!(ks.handle_ack(t0, &ack[..n]).unwrap().seq, 1);
}

/// A signer with the longest signature `MAX_PUSH_LEN` allows for (its bytes do not matter
/// to the length).
struct LongSigner;

impl gdoi_ack::PushSigner for LongSigner {
    fn algorithm(&self) -> SigAlgorithm {
        SigAlgorithm::Rsa
    }

    fn signature_len(&self) -> usize {
        gdoi_ack::push::MAX_SIGNATURE_LEN
    }

    fn sign(
        &self,
        _rng: &mut dyn keying_crypto::Rng,
        _parts: &[&[u8]],
        out: &mut [u8],
    ) -> Result<(), keying_crypto::CryptoError> {
        out.fill(0x5a);
        Ok(())
    }
}

/// The largest content a `PushBuilder` takes fits `MAX_PUSH_LEN`.
#[test]
fn the_largest_push_fits_max_push_len() {
    use gdoi_ack::push::{MAX_KEK_ALGORITHM_KEY, MAX_PUSH_DELETES, MAX_PUSH_TEKS, MAX_TEK_KEY};
    let mut ks = Gcks::new(
        RustCrypto,
        GcksConfig::new(Some(KekAckRequested::KekSha512)),
        LongSigner,
        InitialKek {
            spi: COOKIES,
            algorithm_key: &kek_key(&COOKIES),
            last_seq: 0,
        },
        [Slot::EMPTY; 1],
        &mut HashDrbg::new(b"index"),
    )
    .unwrap();
    let v6 = Selector::ipv6([0xff; 16], 0xffff);
    let key = [1u8; MAX_TEK_KEY];
    let mut kek = [2u8; MAX_KEK_ALGORITHM_KEY];
    kek[16..].fill(3);
    let mut tek = EspTek::aes_cbc([0; 4], v6, v6, &key);
    tek.auth = Some(gdoi_ack::AuthAlgorithm::HmacSha512);
    tek.key_length_bits = Some(256);
    tek.integrity_key = Some(&key);
    tek.lifetime = Duration::from_secs(u64::from(u32::MAX));
    let mut content = PushBuilder::new();
    for i in (0u8..).take(MAX_PUSH_TEKS) {
        tek.spi = [0, 0, 1, i];
        content = content.tek(tek).unwrap();
    }
    for i in (0u8..).take(MAX_PUSH_DELETES) {
        content = content
            .delete_kek([i; 16])
            .unwrap()
            .delete_tek([0, 0, 2, i])
            .unwrap();
    }
    let mut rollover = KekRollover::aes_cbc(
        [0xa2; 16],
        v6,
        v6,
        &kek,
        SigAlgorithm::Rsa,
        Some(KekAckRequested::KekSha512),
    );
    rollover.lifetime = Duration::from_secs(u64::from(u32::MAX));
    content = content.kek(rollover);
    let mut out = vec![0u8; 4096];
    let b = ks
        .push(
            Time::UNIX_EPOCH,
            Target::All,
            &content,
            &mut HashDrbg::new(b"s"),
            &mut out,
        )
        .unwrap();
    assert!(b.len <= gdoi_ack::MAX_PUSH_LEN, "{}", b.len);
    assert!(
        b.len + 64 > gdoi_ack::MAX_PUSH_LEN,
        "{} is a loose bound",
        b.len
    );
}
