//! Codec tests against the vectors in tests/vectors/send-hokey: field-by-field parse,
//! byte-identical re-emit, every truncation, zero lengths, every pad length, round trips
//! and never-panics.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use hex_literal::hex;
use keying_tlv::{ErrorKind, Writer};
use proptest::prelude::*;
use send_hokey::{
    Error,
    wire::CgaOption,
    wire::fbu::{FastBinding, MhOption, MobilityMessage, emit_fast_binding},
    wire::ip_prefix::{IpAddrPrefix, IpAddrPrefixCode},
    wire::link_layer_address::{LinkLayerAddress, LlaCode},
    wire::rtsolpr::{Fmip6Message, Fmip6Subtype, fill_checksum},
    wire::timestamp::Timestamp,
    wire::trust_anchor::TrustAnchor,
    wire::{AuthAlgorithm, HandoverKeyReply, HandoverKeyRequest},
    wire::{NdOption, NdOptionIter},
};

fn reemit(m: &Fmip6Message<'_>, src: &core::net::Ipv6Addr, dst: &core::net::Ipv6Addr) -> Vec<u8> {
    let mut buf = vec![0x2a; m.as_bytes().len()];
    let mut w = Writer::new(&mut buf);
    m.header.emit(&mut w);
    for o in m.options() {
        o.option.emit(&mut w);
    }
    let n = w.finish().unwrap();
    fill_checksum(&mut buf[..n], src, dst);
    buf.truncate(n);
    buf
}

#[test]
fn rtsolpr_vector_field_by_field() {
    let m = Fmip6Message::parse(RTSOLPR, &mn_cga(), &ar_ll()).unwrap();
    assert_eq!(m.header.subtype, Fmip6Subtype::RtSolPr);
    assert_eq!(m.header.code, 0);
    assert_eq!(m.header.identifier, 0x1234);
    assert_eq!(m.checksum, 0x62e8);
    let opts: Vec<_> = m.options().collect();
    let offsets: Vec<_> = opts.iter().map(|o| o.offset).collect();
    assert_eq!(offsets, [8, 24, 40, 232, 248, 264, 432]);
    assert_eq!(
        opts[0].option,
        NdOption::LinkLayerAddress(LinkLayerAddress {
            code: LlaCode::Source,
            address: &hex!("020000000001 00000000000000 00")[..13],
        })
    );
    let NdOption::LinkLayerAddress(l) = opts[1].option else {
        panic!()
    };
    assert_eq!(l.code, LlaCode::NewAccessPoint);
    assert_eq!(l.mac48(), Some(hex!("0200000000aa")));
    let NdOption::Cga(c) = opts[2].option else {
        panic!()
    };
    assert_eq!(c.parameters, MN1_PARAMS);
    let p = c.params().unwrap();
    assert_eq!(p.public_key, MN1_PUB);
    assert_eq!(p.collision_count, 0);
    assert_eq!(p.subnet_prefix, hex!("2003000000000000"));
    assert!(p.extensions.is_empty());
    let NdOption::Timestamp(t) = opts[3].option else {
        panic!()
    };
    assert_eq!(t, Timestamp::from_secs(1_735_689_600));
    assert_eq!(
        opts[4].option,
        NdOption::Nonce(send_hokey::wire::nonce::Nonce { nonce: &NONCE })
    );
    let NdOption::HandoverKeyRequest(h) = opts[5].option else {
        panic!()
    };
    assert_eq!(h.at, AuthAlgorithm::HmacSha1_96);
    assert_eq!(h.public_key, MN2_PUB);
    assert_eq!(&opts[5].raw[..4], &hex!("1b150200"));
    let NdOption::RsaSignature(s) = opts[6].option else {
        panic!()
    };
    assert_eq!(s.key_hash, hex!("968d29712a3a07273a46558b2266a84b"));
    assert_eq!(s.signature(128).unwrap(), RTSOLPR_SIG);
    assert_eq!(s.signature_and_padding.len(), 132);
    assert_eq!(reemit(&m, &mn_cga(), &ar_ll()), RTSOLPR);
}

#[test]
fn prrtadv_vector_field_by_field() {
    let m = Fmip6Message::parse(PRRTADV, &ar_ll(), &mn_cga()).unwrap();
    assert_eq!(m.header.subtype, Fmip6Subtype::PrRtAdv);
    assert_eq!(m.header.code, 0);
    assert_eq!(m.header.identifier, 0x1234);
    assert_eq!(m.checksum, 0x09db);
    let opts: Vec<_> = m.options().collect();
    let offsets: Vec<_> = opts.iter().map(|o| o.offset).collect();
    assert_eq!(offsets, [8, 24, 40, 56, 80, 104, 296, 312, 328, 464]);
    let codes: Vec<_> = opts[..3]
        .iter()
        .map(|o| match o.option {
            NdOption::LinkLayerAddress(l) => l.code,
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        codes,
        [
            LlaCode::Source,
            LlaCode::NewAccessPoint,
            LlaCode::NewAccessRouter
        ]
    );
    assert_eq!(
        opts[3].option,
        NdOption::IpAddrPrefix(IpAddrPrefix {
            code: IpAddrPrefixCode::NarAddress,
            prefix_len: 128,
            address: addr("2004::1"),
        })
    );
    assert_eq!(
        opts[4].option,
        NdOption::IpAddrPrefix(IpAddrPrefix {
            code: IpAddrPrefixCode::NarPrefix,
            prefix_len: 64,
            address: addr("2004::"),
        })
    );
    let NdOption::Cga(c) = opts[5].option else {
        panic!()
    };
    assert_eq!(c.parameters, AR1_PARAMS);
    assert_eq!(
        opts[6].option,
        NdOption::Timestamp(Timestamp::from_secs(1_735_689_601))
    );
    let NdOption::HandoverKeyReply(h) = opts[8].option else {
        panic!()
    };
    assert_eq!(h.at, AuthAlgorithm::HmacSha1_96);
    assert_eq!(h.lifetime, 43200);
    assert_eq!(h.encrypted_key, HK_CIPHERTEXT);
    let NdOption::RsaSignature(s) = opts[9].option else {
        panic!()
    };
    assert_eq!(s.key_hash, hex!("f2f2b96b4b929dd4a10062d3170b829a"));
    assert_eq!(s.signature(128).unwrap(), PRRTADV_SIG);
    assert_eq!(reemit(&m, &ar_ll(), &mn_cga()), PRRTADV);
}

#[test]
fn wrong_checksum_or_addresses_rejected() {
    assert!(matches!(
        Fmip6Message::parse(RTSOLPR, &mn_cga(), &par()),
        Err(Error::Checksum { found: 0x62e8, .. })
    ));
    let mut b = RTSOLPR.to_vec();
    b[3] ^= 1;
    assert!(matches!(
        Fmip6Message::parse(&b, &mn_cga(), &ar_ll()),
        Err(Error::Checksum { .. })
    ));
    b = RTSOLPR.to_vec();
    b[0] = 133;
    assert_eq!(
        Fmip6Message::parse_unchecked(&b),
        Err(Error::UnexpectedMessage { found: 133 })
    );
    b = RTSOLPR.to_vec();
    b[4] = 4;
    assert_eq!(
        Fmip6Message::parse_unchecked(&b),
        Err(Error::UnexpectedMessage { found: 4 })
    );
}

fn option_boundaries(msg: &[u8]) -> Vec<usize> {
    let m = Fmip6Message::parse_unchecked(msg).unwrap();
    let mut v: Vec<_> = m.options().map(|o| o.offset).collect();
    v.push(msg.len());
    v
}

#[test]
fn every_truncation_is_a_typed_error() {
    for (msg, src, dst) in [(RTSOLPR, mn_cga(), ar_ll()), (PRRTADV, ar_ll(), mn_cga())] {
        let bounds = option_boundaries(msg);
        for n in 0..msg.len() {
            let t = &msg[..n];
            // With addresses, every truncation fails (at a boundary, on the checksum).
            assert!(Fmip6Message::parse(t, &src, &dst).is_err(), "n = {n}");
            let r = Fmip6Message::parse_unchecked(t);
            if n < 8 {
                assert!(
                    matches!(r, Err(Error::Decode(e)) if matches!(e.kind, ErrorKind::Truncated { .. }) && e.offset <= n),
                    "n = {n}: {r:?}"
                );
            } else if bounds.contains(&n) {
                assert!(r.is_ok(), "n = {n}");
            } else {
                let Err(Error::Decode(e)) = r else {
                    panic!("n = {n}: {r:?}")
                };
                // The option that runs past the end is reported where it starts.
                let start = *bounds.iter().filter(|&&b| b < n).max().unwrap();
                if n - start >= 2 {
                    assert_eq!(e.offset, start, "n = {n}");
                    assert_eq!(
                        e.kind,
                        ErrorKind::Truncated {
                            needed: usize::from(msg[start + 1]) * 8 - (n - start)
                        }
                    );
                } else {
                    // Only the Type octet is there: the Length octet is missing.
                    assert_eq!(e.offset, start + 1, "n = {n}");
                    assert_eq!(e.kind, ErrorKind::Truncated { needed: 1 });
                }
            }
        }
    }
}

#[test]
fn zero_length_option_rejects_the_message() {
    for at in option_boundaries(RTSOLPR) {
        if at == RTSOLPR.len() {
            continue;
        }
        let mut b = RTSOLPR.to_vec();
        b[at + 1] = 0;
        let Err(Error::Decode(e)) = Fmip6Message::parse_unchecked(&b) else {
            panic!()
        };
        assert_eq!(e.kind, ErrorKind::ZeroLength);
        assert_eq!(e.offset, at + 1);
    }
}

fn emit_one(o: &NdOption<'_>) -> Vec<u8> {
    let mut buf = vec![0x2a; o.buffer_len()];
    let mut w = Writer::new(&mut buf);
    o.emit(&mut w);
    assert_eq!(w.finish().unwrap(), buf.len());
    buf
}

fn parse_one(b: &[u8]) -> Result<NdOption<'_>, keying_tlv::Error> {
    let mut it = NdOptionIter::new(b, 0);
    let o = it.next().unwrap()?;
    assert!(it.next().is_none());
    Ok(o.option)
}

#[test]
fn every_pad_length_for_options_with_pad_length() {
    let payload = [0x55u8; 40];
    for len in 16..24 {
        let p = &payload[..len];
        let cases = [
            (NdOption::Cga(CgaOption { parameters: p }), 4),
            (
                NdOption::TrustAnchor(TrustAnchor {
                    name_type: 1,
                    name: p,
                }),
                4,
            ),
            (
                NdOption::HandoverKeyRequest(HandoverKeyRequest {
                    at: AuthAlgorithm::HmacSha1_96,
                    public_key: p,
                }),
                4,
            ),
            (
                NdOption::HandoverKeyReply(HandoverKeyReply {
                    at: AuthAlgorithm::Unknown(9),
                    lifetime: 600,
                    encrypted_key: p,
                }),
                6,
            ),
        ];
        for (o, fixed) in cases {
            let b = emit_one(&o);
            let pad = (8 - (fixed + len) % 8) % 8;
            assert_eq!(b.len(), fixed + len + pad);
            assert_eq!(usize::from(b[1]) * 8, b.len());
            let pad_at = if matches!(o, NdOption::TrustAnchor(_)) {
                3
            } else {
                2
            };
            assert_eq!(usize::from(b[pad_at]), pad, "{o:?}");
            assert!(b[fixed + len..].iter().all(|&x| x == 0));
            assert_eq!(parse_one(&b).unwrap(), o);
            // Pad Length larger than what is there, or 8 and more: rejected.
            for bad in [pad + 8, 8, 255] {
                let mut t = b.clone();
                t[pad_at] = u8::try_from(bad).unwrap();
                let e = parse_one(&t).unwrap_err();
                assert_eq!(e.kind, ErrorKind::BadLength { value: bad });
                assert_eq!(e.offset, pad_at);
            }
        }
    }
}

#[test]
fn unknown_options_round_trip() {
    let b = hex!("63 02 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e");
    let o = parse_one(&b).unwrap();
    assert_eq!(
        o,
        NdOption::Unknown {
            type_: 0x63,
            data: &b[2..]
        }
    );
    assert_eq!(emit_one(&o), b);
}

#[test]
fn fixed_size_options_check_their_length() {
    // IP Address/Prefix with Length 2, Timestamp with Length 3, NAACK with Length 2.
    for b in [
        &hex!("11 02 03 80 00000000 0000000000000000")[..],
        &hex!("0d 03 000000000000 0000677485800000 0000000000000000")[..],
        &hex!("14 02 00 01 00000000 0000000000000000")[..],
    ] {
        let e = parse_one(b).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::BadLength { .. }), "{e:?}");
        assert_eq!(e.offset, 1);
    }
}

#[test]
fn fbu_vector_parses_and_reemits() {
    let m = MobilityMessage::parse(FBU_MH, &mn_cga(), &par()).unwrap();
    let FastBinding::Fbu(f) = m.message else {
        panic!()
    };
    assert_eq!(m.payload_proto, 59);
    assert_eq!(m.checksum, 0x3a21);
    assert_eq!(f.sequence, 1);
    assert!(f.ack && f.home && !f.link_local && !f.key_mgmt);
    assert_eq!(f.lifetime, 60);
    assert_eq!(m.alternate_coa(), Some(ncoa()));
    let (off, badf) = m.last_badf().unwrap();
    assert_eq!(off, 38);
    assert_eq!(badf.spi, 0);
    assert_eq!(badf.authenticator, hex!("97799c08f017722112fea4c3"));
    let opts: Vec<_> = m.options().collect();
    assert_eq!(opts[0], (12, MhOption::PadN(&[])));
    assert_eq!(opts[2], (32, MhOption::PadN(&[0; 4])));

    let mut buf = vec![0x2a; 56];
    let mut w = Writer::new(&mut buf);
    let at = emit_fast_binding(&mut w, &m.message, Some(&ncoa()), 0, 12);
    assert_eq!(w.finish().unwrap(), 56);
    assert_eq!(at, 44);
    buf[at..].copy_from_slice(badf.authenticator);
    send_hokey::wire::rtsolpr::fill_checksum(&mut [], &par(), &par());
    let c = send_hokey::wire::checksum::pseudo_header_checksum(
        &mn_cga(),
        &par(),
        send_hokey::wire::checksum::NEXT_HEADER_MOBILITY,
        &[&buf],
    );
    buf[4..6].copy_from_slice(&c.to_be_bytes());
    assert_eq!(buf, FBU_MH);
}

#[test]
fn mobility_header_truncations_and_bad_lengths() {
    for n in 0..FBU_MH.len() {
        assert!(
            MobilityMessage::parse_unchecked(&FBU_MH[..n]).is_err(),
            "n = {n}"
        );
    }
    let mut b = FBU_MH.to_vec();
    b[2] = 5;
    assert_eq!(
        MobilityMessage::parse_unchecked(&b),
        Err(Error::UnexpectedMessage { found: 5 })
    );
    // Alternate CoA with length 15.
    b = FBU_MH.to_vec();
    b[15] = 15;
    assert!(MobilityMessage::parse_unchecked(&b).is_err());
}

fn arb_option() -> impl Strategy<Value = Vec<u8>> {
    let body = prop::collection::vec(any::<u8>(), 0..60);
    (0usize..12, body, any::<u8>(), any::<u16>()).prop_map(|(kind, body, b, w)| {
        let o = match kind {
            0 => NdOption::Cga(CgaOption { parameters: &body }),
            1 => NdOption::HandoverKeyRequest(HandoverKeyRequest {
                at: AuthAlgorithm::from(b & 0x0f),
                public_key: &body,
            }),
            2 => NdOption::HandoverKeyReply(HandoverKeyReply {
                at: AuthAlgorithm::from(b >> 4),
                lifetime: w,
                encrypted_key: &body,
            }),
            3 => NdOption::TrustAnchor(TrustAnchor {
                name_type: b,
                name: &body,
            }),
            4 => NdOption::Timestamp(Timestamp {
                value: u64::from(w) << 20 | u64::from(b),
            }),
            5 => NdOption::IpAddrPrefix(IpAddrPrefix {
                code: IpAddrPrefixCode::from(b),
                prefix_len: b,
                address: core::net::Ipv6Addr::from(u128::from(w) << 64 | 7),
            }),
            6 => NdOption::Naack(send_hokey::wire::naack::Naack {
                code: 0,
                status: b,
                new_coa: (w % 2 == 0).then(|| core::net::Ipv6Addr::from(u128::from(w))),
            }),
            _ => {
                // Options whose body fills the option: give them a canonical body length.
                let n = body.len() / 8 * 8 + if kind == 9 { 22 } else { 6 };
                let mut full = body.clone();
                full.resize(n, 0);
                // Reserved fields are zero in canonical input.
                match kind {
                    9 => full[..2].fill(0),
                    10 => full[1] = 0,
                    _ => {}
                }
                let mut buf = vec![0; n + 2];
                buf[0] = [19u8, 14, 12, 16, 99][kind - 7];
                buf[1] = u8::try_from((n + 2) / 8).unwrap();
                buf[2..].copy_from_slice(&full);
                return buf;
            }
        };
        emit_one(&o)
    })
}

proptest! {
    #[test]
    fn options_round_trip(opts in prop::collection::vec(arb_option(), 0..8)) {
        let mut msg = vec![154, 0, 0, 0, 2, 0, 0x12, 0x34];
        for o in &opts {
            msg.extend_from_slice(o);
        }
        let src = mn_cga();
        let dst = ar_ll();
        fill_checksum(&mut msg, &src, &dst);
        let m = Fmip6Message::parse(&msg, &src, &dst).unwrap();
        prop_assert_eq!(m.options().count(), opts.len());
        prop_assert_eq!(reemit(&m, &src, &dst), msg);
    }

    #[test]
    fn parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = Fmip6Message::parse_unchecked(&bytes);
        let _ = Fmip6Message::parse(&bytes, &mn_cga(), &ar_ll());
        let _ = MobilityMessage::parse_unchecked(&bytes);
        let _ = send_hokey::wire::CgaParams::parse(&bytes);
        for o in NdOptionIter::new(&bytes, 0) {
            let _ = o;
        }
    }

    #[test]
    fn mutated_vectors_never_panic(i in 0usize..616, v in any::<u8>(), which in 0usize..3) {
        let base = [RTSOLPR, PRRTADV, FBU_MH][which];
        let mut b = base.to_vec();
        let i = i % b.len();
        b[i] = v;
        let _ = Fmip6Message::parse_unchecked(&b);
        let _ = MobilityMessage::parse_unchecked(&b);
    }
}

#[test]
fn option_iterator_stops_after_an_option_level_error() {
    // A Timestamp option of length 1 (invalid: it must be 2), then a valid Nonce.
    let b = hex_literal::hex!("0d01000000000000 0e01010203040506");
    let items: Vec<_> = send_hokey::wire::NdOptionIter::new(&b, 0).collect();
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(items[0].is_err());
}
