//! Codec tests: every payload parsed from bytes, emitted into a 0x2a-filled buffer and
//! compared; truncations; the tests/vectors/gdoi vectors; proptest round trips and
//! never-panics.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod common;
use common::*;

use gdoi_ack::wire::attributes::{Attribute, AttributeValue, Attributes};
use gdoi_ack::wire::delete::Delete;
use gdoi_ack::wire::gap::Gap;
use gdoi_ack::wire::hash::HashPayload;
use gdoi_ack::wire::header::{ExchangeType, HEADER_LEN, Header};
use gdoi_ack::wire::identification::{IdData, IdSelector, IdType, Identification};
use gdoi_ack::wire::key_download::{KdType, KeyDownload, KeyPacket};
use gdoi_ack::wire::message::{Ack, PushPayloads, parse_push_header};
use gdoi_ack::wire::nonce::Nonce;
use gdoi_ack::wire::notification::{Notification, NotifyType};
use gdoi_ack::wire::sa::Sa;
use gdoi_ack::wire::sa_kek::{
    KekAckRequested, KekAlgorithm, SaKek, SigAlgorithm, SigHashAlgorithm,
};
use gdoi_ack::wire::sa_tek::{SaTek, TekBody, TekProtocol};
use gdoi_ack::wire::seq::Seq;
use gdoi_ack::wire::sig::Signature;
use gdoi_ack::wire::{emit, from_element};
use gdoi_ack::{Codec, ErrorKind, PayloadType};
use keying_tlv::{ChainWriter, Reader, Writer};
use proptest::prelude::*;

/// Parses `whole` (one payload with generic header, Next Payload 0) as `P`.
fn parse_one<'a, P: Codec<'a, Kind = PayloadType, Error = gdoi_ack::DecodeError>>(
    whole: &'a [u8],
) -> Result<P, gdoi_ack::DecodeError> {
    let mut it = gdoi_ack::wire::Payloads::new(P::KIND.to_wire(), Reader::new(whole));
    let e = it.next().unwrap()?;
    assert!(it.next().is_none());
    from_element::<P>(&e)
}

/// Emits `p` as a lone payload into a 0x2a-filled buffer; returns the payload bytes.
fn emit_one<'a, P: Codec<'a, Kind = PayloadType, Error = gdoi_ack::DecodeError>>(p: &P) -> Vec<u8> {
    let mut buf = vec![0x2a; 2048];
    let mut w = Writer::new(&mut buf);
    let slot = w.next_payload();
    let mut chain = ChainWriter::new(slot);
    emit(p, &mut chain, &mut w);
    let n = w.finish().unwrap();
    assert_eq!(buf[0], P::KIND.to_wire());
    buf[1..n].to_vec()
}

/// Parse → fields checked by `check` → emit into 0x2a → identical bytes; every truncation
/// of the payload is a Truncated error.
fn check_payload<
    'a,
    P: Codec<'a, Kind = PayloadType, Error = gdoi_ack::DecodeError> + PartialEq + core::fmt::Debug,
>(
    whole: &'a [u8],
    check: impl Fn(&P),
) {
    let p: P = parse_one(whole).unwrap();
    check(&p);
    assert_eq!(emit_one(&p), whole, "emit(parse(b)) == b");
    for len in 0..whole.len() {
        let mut it = gdoi_ack::wire::Payloads::new(P::KIND.to_wire(), Reader::new(&whole[..len]));
        let e = it.next().unwrap().unwrap_err();
        match e.kind {
            ErrorKind::Truncated { needed } => {
                if len >= 4 {
                    assert_eq!(needed, whole.len() - len, "len {len}");
                }
            }
            k => panic!("len {len}: {k:?}"),
        }
    }
}

fn plain() -> Vec<u8> {
    vector("push_plaintext.hex")
}

#[test]
fn seq_payload() {
    let b = hex("00000008 00000002");
    check_payload::<Seq>(&b, |s| assert_eq!(s.0, 2));
    // SEQ body must be exactly 4 octets.
    for bad in [
        "00000007 000000",
        "00000009 0000000200",
        "0000000c 0000000200000000",
    ] {
        let b = hex(bad);
        let e = parse_one::<Seq>(&b).unwrap_err();
        assert!(
            matches!(e.kind, ErrorKind::BadLength { .. }),
            "{bad}: {e:?}"
        );
    }
    assert_eq!(
        Seq(2).to_payload_bytes(5),
        hex("0500000800000002").as_slice()
    );
}

#[test]
fn hash_sig_nonce_payloads() {
    let b = hex("00000008 deadbeef");
    check_payload::<HashPayload>(&b, |h| assert_eq!(h.data, hex("deadbeef")));
    check_payload::<Signature>(&b, |s| assert_eq!(s.data.len(), 4));
    assert!(parse_one::<HashPayload>(&hex("00000004")).is_err());
    assert!(parse_one::<Signature>(&hex("00000004")).is_err());
    let n = hex("0000000c 0102030405060708");
    check_payload::<Nonce>(&n, |x| assert_eq!(x.data.len(), 8));
    assert!(matches!(
        parse_one::<Nonce>(&hex("0000000b 01020304050607"))
            .unwrap_err()
            .kind,
        ErrorKind::BadLength { value: 11 }
    ));
}

#[test]
fn id_payloads() {
    let v4 = hex("0000000c 01000000 c0000264");
    check_payload::<Identification>(&v4, |i| {
        assert_eq!(i.data, IdData::Ipv4([192, 0, 2, 100]));
        assert_eq!((i.protocol, i.port), (0, 0));
    });
    let v6 = hex("00000018 05000000 20010db8000000000000000000000001");
    check_payload::<Identification>(&v6, |i| assert!(matches!(i.data, IdData::Ipv6(_))));
    // RFC 8052 IEC 61850 OID.
    let oid = hex("0000001a 0d000000 0d 060b2a8648ce5683e31a080102 0003 aabbcc");
    let oid = {
        let mut o = oid;
        let n = o.len() as u16;
        o[2..4].copy_from_slice(&n.to_be_bytes());
        o
    };
    check_payload::<Identification>(&oid, |i| match i.data {
        IdData::Oid { oid, payload } => {
            assert_eq!(oid.len(), 13);
            assert_eq!(payload, [0xaa, 0xbb, 0xcc]);
        }
        d => panic!("{d:?}"),
    });
    let key_id = hex("0000000c 0b000000 00000457");
    check_payload::<Identification>(&key_id, |i| {
        assert_eq!(i.data.id_type(), IdType::KeyId);
    });
    // IPv4 with 3 or 5 octets is rejected.
    assert!(parse_one::<Identification>(&hex("0000000b 01000000 c00002")).is_err());
    assert!(parse_one::<Identification>(&hex("0000000d 01000000 c000026401")).is_err());
}

#[test]
fn delete_and_notify_payloads() {
    let d = hex("0000001c 00000002 00 10 0001 112233445566778899aabbccddeeff00");
    check_payload::<Delete>(&d, |d| {
        assert_eq!(
            (d.doi, d.protocol_id, d.spi_size(), d.count()),
            (2, 0, 16, 1)
        );
        assert_eq!(d.spis().next().unwrap(), COOKIES);
    });
    let d2 = hex("00000014 00000002 01 04 0002 12345678 9abcdef0");
    check_payload::<Delete>(&d2, |d| assert_eq!(d.spis().count(), 2));
    // SPI count inconsistent with the length.
    assert!(parse_one::<Delete>(&hex("00000014 00000002 01 04 0003 12345678 9abcdef0")).is_err());
    let n = hex("00000012 00000002 01 04 0010 12345678 abcd");
    check_payload::<Notification>(&n, |n| {
        assert_eq!(n.notify_type, NotifyType::PayloadMalformed);
        assert_eq!(n.spi, hex("12345678"));
        assert_eq!(n.data, hex("abcd"));
    });
}

#[test]
fn sa_kek_gap_sat_kd_from_the_push_vector() {
    let p = plain();
    // SA at 0x08, length 0x88.
    let sa_bytes = {
        let mut s = p[0x08..0x08 + 0x88].to_vec();
        s[0] = 0; // NP=KD → 0 for a lone payload
        s
    };
    check_payload::<Sa>(&sa_bytes, |sa| {
        assert_eq!(sa.doi, 2);
        let k = sa.kek.unwrap();
        assert_eq!(k.protocol, 17);
        assert_eq!(
            k.src,
            IdSelector {
                id_type: IdType::Ipv4Addr,
                port: 848,
                data: &[192, 0, 2, 1]
            }
        );
        assert_eq!(k.dst.data, [239, 192, 0, 1]);
        assert_eq!(k.spi, hex_literal::hex!("a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8"));
        assert_eq!(k.kek_algorithm(), Some(KekAlgorithm::AesCbc));
        assert_eq!(k.key_length_bits(), Some(128));
        assert_eq!(k.key_lifetime(), Some(86400));
        assert_eq!(k.sig_hash_algorithm(), Some(SigHashAlgorithm::Sha256));
        assert_eq!(k.sig_algorithm(), Some(SigAlgorithm::Ecdsa256));
        assert_eq!(k.ack_requested(), Some(KekAckRequested::KekSha256));
        assert_eq!(k.unknown_attribute(), None);
        assert!(sa.gap.is_none());
        let teks: Vec<_> = sa.teks.iter().collect();
        assert_eq!(teks.len(), 1);
        assert_eq!(teks[0].protocol_id, TekProtocol::IpsecEsp);
        match teks[0].body {
            TekBody::Ipsec(t) => {
                assert_eq!(t.spi, hex_literal::hex!("12345678"));
                assert_eq!(t.transform_id, 12);
                assert_eq!(t.src.id_type, IdType::Ipv4AddrSubnet);
                assert_eq!(t.src.data, hex("c0000200ffffff00"));
                assert_eq!(t.attributes.iter().count(), 5);
            }
            TekBody::Opaque(_) => panic!(),
        }
    });
    let kd_bytes = {
        let mut s = p[0x90..0x90 + 0xe1].to_vec();
        s[0] = 0;
        s
    };
    check_payload::<KeyDownload>(&kd_bytes, |kd| {
        assert_eq!(kd.packets.len(), 2);
        let tek = kd.tek(&hex("12345678")).unwrap();
        assert_eq!(
            tek.tek_algorithm_key().unwrap(),
            hex("00112233445566778899aabbccddeeff")
        );
        assert_eq!(tek.tek_integrity_key().unwrap().len(), 32);
        let kek = kd.kek().unwrap();
        assert_eq!(kek.spi.len(), 16);
        assert_eq!(kek.kek_algorithm_key().unwrap().len(), 32);
        assert_eq!(
            kek.sig_algorithm_key().unwrap(),
            vector("gcks_p256_spki.hex")
        );
        assert!(kd.lkh().is_none());
    });
}

#[test]
fn kek_attributes_all_values() {
    for v in 1..=4u16 {
        let attrs = [
            Attribute::basic(1, 1),
            Attribute::basic(2, 3),
            Attribute::basic(3, 128),
            Attribute::variable(4, &[0, 1, 0x51, 0x80]),
            Attribute::basic(5, 3),
            Attribute::basic(6, 1),
            Attribute::basic(7, 2048),
            Attribute::basic(9, v),
        ];
        let mut ab = [0u8; 64];
        let attributes = Attributes::encode(&attrs, &mut ab).unwrap();
        let k = SaKek {
            protocol: 17,
            src: IdSelector {
                id_type: IdType::Ipv4Addr,
                port: 848,
                data: &[192, 0, 2, 1],
            },
            dst: IdSelector {
                id_type: IdType::Ipv4Addr,
                port: 848,
                data: &[239, 1, 1, 1],
            },
            spi: [7; 16],
            attributes,
        };
        let b = emit_one(&k);
        check_payload::<SaKek>(&b, |k| {
            assert_eq!(k.ack_requested(), Some(KekAckRequested::from(v)));
            assert!(k.ack_requested().unwrap().is_known());
            assert_eq!(
                k.management_algorithm(),
                Some(gdoi_ack::wire::sa_kek::KekManagement::Lkh)
            );
            assert_eq!(k.sig_algorithm(), Some(SigAlgorithm::Rsa));
            assert_eq!(k.sig_key_length_bits(), Some(2048));
        });
    }
    // KEK_KEY_LIFETIME in TV form, KEK_ALGORITHM in TLV form, duplicates: rejected.
    for bad in [
        vec![Attribute::basic(4, 1)],
        vec![Attribute::variable(2, &[0, 3])],
        vec![Attribute::basic(9, 1), Attribute::basic(9, 2)],
    ] {
        let mut ab = [0u8; 64];
        let attributes = Attributes::encode(&bad, &mut ab).unwrap();
        let k = SaKek {
            protocol: 17,
            src: IdSelector {
                id_type: IdType::Ipv4Addr,
                port: 0,
                data: &[],
            },
            dst: IdSelector {
                id_type: IdType::Ipv4Addr,
                port: 0,
                data: &[],
            },
            spi: [7; 16],
            attributes,
        };
        assert!(parse_one::<SaKek>(&emit_one(&k)).is_err(), "{bad:?}");
    }
}

#[test]
fn gap_and_opaque_sat() {
    let g = hex("0000000c 8001000a 80020014");
    check_payload::<Gap>(&g, |g| {
        assert_eq!(g.activation_time_delay(), Some(10));
        assert_eq!(g.deactivation_time_delay(), Some(20));
        assert_eq!(g.sender_id_request(), None);
    });
    let t = hex("0000000a 03 0102030405");
    check_payload::<SaTek>(&t, |t| {
        assert_eq!(t.protocol_id, TekProtocol::Unknown(3));
        assert_eq!(t.body, TekBody::Opaque(&[1, 2, 3, 4, 5]));
    });
}

#[test]
fn sa_rules() {
    // SA with GAP before SAK → rejected; SA with only a GAP → rejected; SA attribute NP
    // high byte non-zero → rejected; DOI 1 → rejected.
    let gap = hex("10 00 0008 80010001");
    let sat = hex("00 00 000a 03 0102030405");
    let mk = |first: u16, inner: &[u8], doi: u32| {
        let mut v = vec![0, 0, 0, 0];
        v.extend_from_slice(&doi.to_be_bytes());
        v.extend_from_slice(&[0, 0, 0, 0]);
        v.extend_from_slice(&first.to_be_bytes());
        v.extend_from_slice(&[0, 0]);
        v.extend_from_slice(inner);
        let n = v.len() as u16;
        v[2..4].copy_from_slice(&n.to_be_bytes());
        v
    };
    let ok = mk(22, &[gap.clone(), sat.clone()].concat(), 2);
    check_payload::<Sa>(&ok, |s| {
        assert!(s.gap.is_some());
        assert_eq!(s.teks.len(), 1);
    });
    let mut only_gap = gap.clone();
    only_gap[0] = 0;
    assert!(parse_one::<Sa>(&mk(22, &only_gap, 2)).is_err());
    assert!(parse_one::<Sa>(&mk(0x0116, &[gap.clone(), sat.clone()].concat(), 2)).is_err());
    assert!(parse_one::<Sa>(&mk(22, &[gap.clone(), sat.clone()].concat(), 1)).is_err());
    let mut sat_then_gap = sat.clone();
    sat_then_gap[0] = 22;
    let mut g2 = gap.clone();
    g2[0] = 0;
    assert!(parse_one::<Sa>(&mk(16, &[sat_then_gap, g2].concat(), 2)).is_err());
}

#[test]
fn kd_bounds_and_lkh() {
    // Count larger than the body can hold → TooMany before reading packets.
    let e = parse_one::<KeyDownload>(&hex("0000000d ffff0000 0100000500")).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::TooMany { .. }), "{e:?}");
    // Count smaller than the packets present → trailing bytes.
    assert!(parse_one::<KeyDownload>(&hex("00000012 00010000 0100000500 0100000500")).is_err());
    // Two KEK packets → rejected.
    assert!(parse_one::<KeyDownload>(&hex("00000012 00020000 0200000500 0200000500")).is_err());
    // KD length < 5.
    assert!(parse_one::<KeyDownload>(&hex("0000000c 00010000 01000004")).is_err());
    // LKH packet with a download array of two keys; the first key with 32 octets of data.
    let mut arr = vec![1, 0, 2, 0];
    for (id, fill) in [(7u16, 0xaa), (3, 0xbb)] {
        arr.extend_from_slice(&id.to_be_bytes());
        arr.extend_from_slice(&[3, 0]);
        arr.extend_from_slice(&[0; 12]);
        arr.extend_from_slice(&[fill; 32]);
    }
    let mut ab = [0u8; 256];
    let attrs = Attributes::encode(&[Attribute::variable(1, &arr)], &mut ab).unwrap();
    let pk = [KeyPacket {
        kd_type: KdType::Lkh,
        spi: &[],
        attributes: attrs,
    }];
    let b = emit_one(&KeyDownload::new(&pk));
    check_payload::<KeyDownload>(&b, |kd| {
        let a = kd.lkh().unwrap().lkh_download_array().unwrap();
        assert_eq!(a.count, 2);
        assert!(a.first_key(None).is_none());
        let k = a.first_key(Some(32)).unwrap();
        assert_eq!((k.id, k.key_type), (7, 3));
        assert_eq!(k.key_data, [0xaa; 32]);
    });
    // LKH count bounded by the attribute size.
    let bad = [1u8, 0xff, 0xff, 0, 0, 0];
    let attrs = Attributes::encode(&[Attribute::variable(1, &bad)], &mut ab).unwrap();
    let pk = [KeyPacket {
        kd_type: KdType::Lkh,
        spi: &[],
        attributes: attrs,
    }];
    assert!(parse_one::<KeyDownload>(&emit_one(&KeyDownload::new(&pk))).is_err());
}

#[test]
fn attributes_tv_tlv_bounds() {
    let b = hex("8002 0003 0004 0004 00015180");
    let a = Attributes::parse(Reader::new(&b)).unwrap();
    let v: Vec<_> = a.iter().collect();
    assert_eq!(
        v[0],
        Attribute {
            kind: 2,
            value: AttributeValue::Basic(3)
        }
    );
    assert_eq!(v[1].as_variable(), Some(&hex("00015180")[..]));
    for len in 1..b.len() {
        if len == 4 {
            continue;
        }
        let e = Attributes::parse(Reader::new(&b[..len])).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{len}");
    }
    // TLV length beyond the parent.
    assert!(Attributes::parse(Reader::new(&hex("0004 0005 00015180"))).is_err());
}

#[test]
fn header_checks() {
    let w = vector("push_wire.hex");
    let h = parse_push_header(&w).unwrap();
    assert_eq!(h.cookies(), COOKIES);
    assert_eq!(h.next_payload, PayloadType::Seq.to_wire());
    assert_eq!(h.exchange, ExchangeType::GroupkeyPush);
    assert_eq!(h.length, 476);
    // Emit into 0x2a and compare.
    let mut buf = [0x2a; 28];
    let mut wr = Writer::new(&mut buf);
    h.emit(&mut wr);
    assert_eq!(wr.finish().unwrap(), 28);
    assert_eq!(buf, w[..28]);
    for len in 0..HEADER_LEN {
        let e = Header::parse(&mut Reader::new(&w[..len])).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{len}");
    }
    let with = |at: usize, v: u8| {
        let mut x = w.clone();
        x[at] = v;
        parse_push_header(&x).unwrap_err()
    };
    // Version 2.0 (IKEv2) with exchange 35 = IKE_AUTH: version error, not exchange error.
    let mut ikev2 = w.clone();
    ikev2[17] = 0x20;
    ikev2[18] = 35;
    let e = parse_push_header(&ikev2).unwrap_err();
    assert_eq!(e.offset, 17);
    // Exchange 34 is rejected as such.
    let e = with(18, 34);
    assert_eq!(e.offset, 18);
    assert!(e.expected.contains("34"));
    assert_eq!(e.kind, ErrorKind::UnknownType { value: 34 });
    assert_eq!(with(18, 35).offset, 18);
    assert_eq!(with(18, 32).offset, 18);
    assert_eq!(with(19, 0).offset, 19); // E not set
    assert_eq!(with(19, 3).offset, 19); // commit
    assert_eq!(with(23, 1).offset, 20); // M-ID
    assert_eq!(with(27, 0xdd).offset, 24); // length ≠ datagram
    // Ciphertext not whole blocks.
    let mut short = w[..w.len() - 1].to_vec();
    short[27] -= 1;
    assert!(matches!(
        parse_push_header(&short).unwrap_err().kind,
        ErrorKind::BadLength { .. }
    ));
}

#[test]
fn push_plaintext_vector_parses_and_reemits() {
    let p = plain();
    let push = PushPayloads::parse(18, &p, 28, 15).unwrap();
    assert_eq!(push.seq, Seq(2));
    assert!(push.deletes.is_empty());
    assert_eq!(push.chain_len, 437);
    assert_eq!(push.signed.len(), 0x171);
    assert_eq!(push.signature.data.len(), 64);
    // Re-emit the chain from the parsed values into 0x2a and compare byte for byte.
    let mut buf = vec![0x2a; 600];
    let mut w = Writer::new(&mut buf);
    let first = w.next_payload();
    let mut chain = ChainWriter::new(first);
    emit(&push.seq, &mut chain, &mut w);
    emit(&push.sa.unwrap(), &mut chain, &mut w);
    emit(&push.kd.unwrap(), &mut chain, &mut w);
    emit(&push.signature, &mut chain, &mut w);
    let n = w.finish().unwrap();
    assert_eq!(buf[0], 18);
    assert_eq!(&buf[1..n], &p[..]);
    // Padding: up to 15 octets tolerated, 16 not.
    let mut padded = p.clone();
    padded.extend_from_slice(&[0; 15]);
    assert!(PushPayloads::parse(18, &padded, 28, 15).is_ok());
    padded.push(0);
    assert!(PushPayloads::parse(18, &padded, 28, 15).is_err());
    // Every truncation is an error.
    for len in 0..p.len() {
        assert!(PushPayloads::parse(18, &p[..len], 28, 15).is_err(), "{len}");
    }
}

#[test]
fn push_order_rules() {
    let seq = hex("0c000008 00000003");
    let del = hex("09 00001c 00000002 00 10 0001 112233445566778899aabbccddeeff00");
    let del = {
        let mut d = del;
        d.remove(1);
        d.insert(1, 0);
        d
    };
    let sig = hex("00000008 01020304");
    let ok = [seq.clone(), del.clone(), sig.clone()].concat();
    let p = PushPayloads::parse(18, &ok, 28, 0).unwrap();
    assert_eq!(p.deletes.len(), 1);
    assert_eq!(
        p.deletes.iter().next().unwrap().spis().next().unwrap(),
        COOKIES
    );
    assert!(p.sa.is_none() && p.kd.is_none());
    // SEQ not first.
    assert!(PushPayloads::parse(12, &[del.clone(), sig.clone()].concat(), 28, 0).is_err());
    // No SIG.
    let mut seq_only = seq.clone();
    seq_only[0] = 0;
    assert!(PushPayloads::parse(18, &seq_only, 28, 0).is_err());
    // SEQ then SIG without D or SA/KD.
    let mut s2 = seq.clone();
    s2[0] = 9;
    assert!(PushPayloads::parse(18, &[s2, sig.clone()].concat(), 28, 0).is_err());
    // Payload after SIG.
    let mut sig2 = sig.clone();
    sig2[0] = 9;
    assert!(
        PushPayloads::parse(
            18,
            &[seq.clone(), del.clone(), sig2, sig.clone()].concat(),
            28,
            0
        )
        .is_err()
    );
}

#[test]
fn delete_only_cleartext_vector() {
    let v = vector("push_delete_cleartext.hex");
    let mut r = Reader::new(&v);
    let h = Header::parse(&mut r).unwrap();
    assert_eq!(h.flags, 0);
    assert_eq!(h.length, 64);
    // Without SIG this debug view is not a valid PUSH ...
    assert!(PushPayloads::parse(h.next_payload, &v[28..], 28, 0).is_err());
    // ... but its chain is SEQ 3, D(KEK).
    let els: Vec<_> = gdoi_ack::wire::Payloads::new(h.next_payload, Reader::at(&v[28..], 28))
        .map(Result::unwrap)
        .collect();
    assert_eq!(from_element::<Seq>(&els[0]).unwrap(), Seq(3));
    let d = from_element::<Delete>(&els[1]).unwrap();
    assert_eq!(d.protocol_id, 0);
    assert_eq!(d.spis().next().unwrap(), COOKIES);
}

#[test]
fn ack_vectors_parse_and_reemit() {
    for (name, hlen) in [("ack_sha256.hex", 32), ("ack_sha512.hex", 64)] {
        let v = vector(name);
        let a = Ack::parse(&v).unwrap();
        assert_eq!(a.header.cookies(), COOKIES);
        assert_eq!(a.header.exchange, ExchangeType::GroupkeyPushAck);
        assert_eq!(a.hash.data.len(), hlen);
        assert_eq!(a.seq, Seq(2));
        assert_eq!(a.id.data, IdData::Ipv4([192, 0, 2, 100]));
        assert_eq!(a.hashed, hex("05000008000000020000000c01000000c0000264"));
        let mut buf = vec![0x2a; v.len()];
        let mut w = Writer::new(&mut buf);
        Ack::emit(&mut w, &COOKIES, a.hash.data, a.seq, &a.id);
        assert_eq!(w.finish().unwrap(), v.len());
        assert_eq!(buf, v);
        // Too small a buffer: the whole size is reported.
        let mut small = [0u8; 10];
        let mut w = Writer::new(&mut small);
        Ack::emit(&mut w, &COOKIES, a.hash.data, a.seq, &a.id);
        assert_eq!(
            w.finish(),
            Err(gdoi_ack::WriteError::BufferTooSmall { needed: v.len() })
        );
        for len in 0..v.len() {
            assert!(Ack::parse(&v[..len]).is_err());
        }
        // Exchange type 34 → rejected as such.
        let mut x = v.clone();
        x[18] = 34;
        assert_eq!(
            Ack::parse(&x).unwrap_err().kind,
            ErrorKind::UnknownType { value: 34 }
        );
    }
}

#[test]
fn ack_every_bit_flip_is_rejected_by_the_parser_or_changes_a_checked_field() {
    // Fields the parser does not check (cookies, hash data, seq value, address) are checked
    // by the GCKS; every other bit flip must fail to parse.
    let v = vector("ack_sha256.hex");
    for bit in 0..v.len() * 8 {
        let mut x = v.clone();
        x[bit / 8] ^= 1 << (bit % 8);
        let byte = bit / 8;
        let free = byte < 16
            || (0x20..0x40).contains(&byte)
            || (0x44..0x48).contains(&byte)
            || byte >= 0x50;
        match Ack::parse(&x) {
            Ok(_) => assert!(free, "flip of bit {bit} (byte {byte:#x}) accepted"),
            Err(_) => assert!(!free, "flip of bit {bit} rejected"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// proptest

fn sel() -> impl Strategy<Value = (u8, u16, Vec<u8>)> {
    (
        any::<u8>(),
        any::<u16>(),
        proptest::collection::vec(any::<u8>(), 0..20),
    )
}

fn attr_list() -> impl Strategy<Value = Vec<(u16, Option<u16>, Vec<u8>)>> {
    proptest::collection::vec(
        (
            10u16..0x7fff,
            proptest::option::of(any::<u16>()),
            proptest::collection::vec(any::<u8>(), 0..12),
        ),
        0..5,
    )
}

fn build_attrs<'a>(l: &'a [(u16, Option<u16>, Vec<u8>)]) -> Vec<Attribute<'a>> {
    l.iter()
        .map(|(k, b, v)| match b {
            Some(b) => Attribute::basic(*k, *b),
            None => Attribute::variable(*k, v),
        })
        .collect()
}

proptest! {
    #[test]
    fn roundtrip_seq(s in any::<u32>()) {
        let b = emit_one(&Seq(s));
        prop_assert_eq!(parse_one::<Seq>(&b).unwrap(), Seq(s));
    }

    #[test]
    fn roundtrip_delete(doi in any::<u32>(), proto in any::<u8>(), size in 0u8..20, n in 0usize..5, fill in any::<u8>()) {
        let spis = vec![fill; usize::from(size) * n];
        let d = Delete::new(doi, proto, size, &spis).unwrap();
        let b = emit_one(&d);
        prop_assert_eq!(parse_one::<Delete>(&b).unwrap(), d);
    }

    #[test]
    fn roundtrip_id(kind in 0u8..4, a in proptest::collection::vec(any::<u8>(), 16), p in proptest::collection::vec(any::<u8>(), 0..30)) {
        let data = match kind {
            0 => IdData::Ipv4([a[0], a[1], a[2], a[3]]),
            1 => IdData::Ipv6(a.clone().try_into().unwrap()),
            2 => IdData::Oid { oid: &a, payload: &p },
            _ => IdData::Other { id_type: IdType::KeyId, data: &p },
        };
        let id = Identification::new(data);
        let b = emit_one(&id);
        prop_assert_eq!(parse_one::<Identification>(&b).unwrap(), id);
    }

    #[test]
    fn roundtrip_notify(spi in proptest::collection::vec(any::<u8>(), 0..20), data in proptest::collection::vec(any::<u8>(), 0..20), t in any::<u16>()) {
        let n = Notification { doi: 2, protocol_id: 1, notify_type: NotifyType::from(t), spi: &spi, data: &data };
        let b = emit_one(&n);
        prop_assert_eq!(parse_one::<Notification>(&b).unwrap(), n);
    }

    #[test]
    fn roundtrip_sa_and_kd(
        s in sel(), d in sel(), spi in any::<[u8; 16]>(), al in attr_list(),
        ack in 0u16..6, teks in proptest::collection::vec((sel(), sel(), any::<u8>(), any::<[u8; 4]>(), attr_list()), 0..3),
        keys in proptest::collection::vec((1u8..3, proptest::collection::vec(any::<u8>(), 0..40)), 1..4),
    ) {
        let mut list = build_attrs(&al);
        list.push(Attribute::basic(9, ack));
        let mut ab = [0u8; 512];
        let attributes = Attributes::encode(&list, &mut ab).unwrap();
        // Attribute types ≥ 10 are unknown → kept; the same type twice is only rejected
        // for types < 128, so drop lists that would repeat one.
        let mut kinds: Vec<u16> = list.iter().map(|a| a.kind).filter(|k| *k < 128).collect();
        kinds.sort();
        let dup = kinds.windows(2).any(|w| w[0] == w[1]);
        let kek = SaKek {
            protocol: 17,
            src: IdSelector { id_type: IdType::from(s.0), port: s.1, data: &s.2 },
            dst: IdSelector { id_type: IdType::from(d.0), port: d.1, data: &d.2 },
            spi,
            attributes,
        };
        let mut tek_bufs = vec![[0u8; 512]; teks.len()];
        let mut tek_vals = Vec::new();
        for ((ts, td, tr, tspi, tal), buf) in teks.iter().zip(tek_bufs.iter_mut()) {
            let attributes = Attributes::encode(&build_attrs(tal), buf).unwrap();
            tek_vals.push(SaTek {
                protocol_id: TekProtocol::IpsecEsp,
                body: TekBody::Ipsec(gdoi_ack::wire::sa_tek::IpsecTek {
                    protocol: 0,
                    src: IdSelector { id_type: IdType::from(ts.0), port: ts.1, data: &ts.2 },
                    dst: IdSelector { id_type: IdType::from(td.0), port: td.1, data: &td.2 },
                    transform_id: *tr,
                    spi: *tspi,
                    attributes,
                }),
            });
        }
        let sa = Sa::new(Some(kek), None, &tek_vals);
        let b = emit_one(&sa);
        match parse_one::<Sa>(&b) {
            Ok(p) => { prop_assert!(!dup); prop_assert_eq!(p, sa); }
            Err(_) => prop_assert!(dup),
        }
        let mut kbufs = vec![[0u8; 64]; keys.len()];
        let mut packets = Vec::new();
        for (i, ((t, k), buf)) in keys.iter().zip(kbufs.iter_mut()).enumerate() {
            let attributes = Attributes::encode(&[Attribute::variable(1, k)], buf).unwrap();
            // Only the first may be a KEK (at most one KEK packet).
            let kd_type = if i == 0 && *t == 2 { KdType::Kek } else { KdType::Tek };
            packets.push(KeyPacket { kd_type, spi: &spi[..if kd_type == KdType::Kek { 16 } else { 4 }], attributes });
        }
        let kd = KeyDownload::new(&packets);
        let b = emit_one(&kd);
        prop_assert_eq!(parse_one::<KeyDownload>(&b).unwrap(), kd);
    }

    #[test]
    fn never_panics_on_random_input(b in proptest::collection::vec(any::<u8>(), 0..300), first in any::<u8>()) {
        let _ = PushPayloads::parse(first, &b, 28, 15);
        let _ = Ack::parse(&b);
        let _ = parse_push_header(&b);
        let _ = Header::parse(&mut Reader::new(&b));
        let _ = Sa::read(&mut Reader::new(&b));
        let _ = KeyDownload::read(&mut Reader::new(&b));
        let _ = SaKek::read(&mut Reader::new(&b));
        let _ = SaTek::read(&mut Reader::new(&b));
        let _ = Identification::read(&mut Reader::new(&b));
        let _ = Delete::read(&mut Reader::new(&b));
        let _ = Notification::read(&mut Reader::new(&b));
        let _ = Gap::read(&mut Reader::new(&b));
        let _ = Attributes::parse(Reader::new(&b));
        for e in gdoi_ack::wire::Payloads::new(first, Reader::new(&b)).flatten() {
            let _ = e;
        }
    }

    #[test]
    fn never_panics_on_mutated_vector(flips in proptest::collection::vec((0usize..437, any::<u8>()), 1..6), cut in 0usize..437) {
        let mut p = plain();
        for (i, x) in flips { p[i] ^= x; }
        p.truncate(p.len() - cut);
        if let Ok(push) = PushPayloads::parse(18, &p, 28, 15) {
            // Everything reachable from a parsed value works.
            if let Some(sa) = push.sa { let _ = sa.teks.iter().count(); if let Some(k) = sa.kek { let _ = k.key_lifetime(); } }
            if let Some(kd) = push.kd { for pk in kd.packets.iter() { let _ = pk.lkh_download_array(); } }
            let _ = push.deletes.iter().count();
        }
    }
}
