//! BADF authenticator (RFC 5568 §6.4.5 / RFC 3775 §6.2.7) against the FBU vector
//! (tests/vectors/send-hokey/fbu_mh.bin, fbu_hmac_input.bin).
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use common::*;
use hex_literal::hex;
use keying_crypto::rustcrypto::RustCrypto;
use keying_tlv::Writer;
use send_hokey::badf::BadfKey;
use send_hokey::{
    Error, badf,
    wire::AuthAlgorithm,
    wire::fbu::{FBack, FastBinding, Fbu, MobilityMessage, emit_fast_binding},
};

const C: RustCrypto = RustCrypto;
const AT: AuthAlgorithm = AuthAlgorithm::HmacSha1_96;

#[test]
fn hmac_input_and_authenticator_match_the_vector() {
    // The MAC input of fbu_hmac_input.bin: NCoA ‖ PAR ‖ MH (checksum 0, no authenticator).
    let mut mh = FBU_MH[..44].to_vec();
    mh[4..6].fill(0);
    let input = [&ncoa().octets()[..], &par().octets(), &mh].concat();
    assert_eq!(input, FBU_HMAC_INPUT);

    let d = badf::authenticator(
        &C,
        BadfKey {
            at: AT,
            key: &HK,
            coa: &ncoa(),
            par: &par(),
        },
        FBU_MH,
        44,
    )
    .unwrap();
    assert_eq!(d.as_bytes(), hex!("97799c08f017722112fea4c3"));
    let m = MobilityMessage::parse(FBU_MH, &mn_cga(), &par()).unwrap();
    badf::verify(
        &C,
        BadfKey {
            at: AT,
            key: &HK,
            coa: &ncoa(),
            par: &par(),
        },
        &m,
    )
    .unwrap();
}

#[test]
fn fbu_is_reproduced_byte_for_byte() {
    let fbu = FastBinding::Fbu(Fbu {
        sequence: 1,
        ack: true,
        home: true,
        link_local: false,
        key_mgmt: false,
        lifetime: 60,
    });
    let mut buf = [0x2a; 56];
    let mut w = Writer::new(&mut buf);
    let at = emit_fast_binding(&mut w, &fbu, Some(&ncoa()), badf::SPI_SEND_HANDOVER_KEY, 12);
    assert_eq!(w.finish().unwrap(), 56);
    badf::authenticate_in_place(
        &C,
        BadfKey {
            at: AT,
            key: &HK,
            coa: &ncoa(),
            par: &par(),
        },
        &mut buf,
        at,
        (&mn_cga(), &par()),
    )
    .unwrap();
    assert_eq!(&buf[..], FBU_MH);
}

#[test]
fn wrong_key_spi_or_placement_rejected() {
    let m = MobilityMessage::parse(FBU_MH, &mn_cga(), &par()).unwrap();
    let mut k = HK;
    k[0] ^= 1;
    assert_eq!(
        badf::verify(
            &C,
            BadfKey {
                at: AT,
                key: &k,
                coa: &ncoa(),
                par: &par()
            },
            &m
        ),
        Err(Error::BadAuthenticator)
    );
    // The CoA in the MAC is the NCoA: the PCoA gives a different MAC.
    assert_eq!(
        badf::verify(
            &C,
            BadfKey {
                at: AT,
                key: &HK,
                coa: &mn_cga(),
                par: &par()
            },
            &m
        ),
        Err(Error::BadAuthenticator)
    );
    // Every bit flip of the MH (checksum fixed up) is rejected.
    for i in 0..FBU_MH.len() * 8 {
        if (4 * 8..6 * 8).contains(&i) {
            continue;
        }
        let mut b = FBU_MH.to_vec();
        b[i / 8] ^= 1 << (i % 8);
        b[4..6].fill(0);
        let c = send_hokey::wire::checksum::pseudo_header_checksum(
            &mn_cga(),
            &par(),
            send_hokey::wire::checksum::NEXT_HEADER_MOBILITY,
            &[&b],
        );
        b[4..6].copy_from_slice(&c.to_be_bytes());
        let Ok(m) = MobilityMessage::parse(&b, &mn_cga(), &par()) else {
            continue;
        };
        assert!(
            badf::verify(
                &C,
                BadfKey {
                    at: AT,
                    key: &HK,
                    coa: &ncoa(),
                    par: &par()
                },
                &m
            )
            .is_err(),
            "bit {i}"
        );
    }
    // SPI 1.
    let mut b = FBU_MH.to_vec();
    b[43] = 1;
    let m = MobilityMessage::parse_unchecked(&b).unwrap();
    assert_eq!(
        badf::verify(
            &C,
            BadfKey {
                at: AT,
                key: &HK,
                coa: &ncoa(),
                par: &par()
            },
            &m
        ),
        Err(Error::Badf)
    );
    // Option Length 12 (the RFC 5568 text's reading): the option no longer ends the header.
    let mut b = FBU_MH.to_vec();
    b[39] = 12;
    // It either fails to parse or leaves a non-BADF option last.
    if let Ok(m) = MobilityMessage::parse_unchecked(&b) {
        assert_eq!(
            badf::verify(
                &C,
                BadfKey {
                    at: AT,
                    key: &HK,
                    coa: &ncoa(),
                    par: &par()
                },
                &m
            ),
            Err(Error::Badf)
        );
    }
}

#[test]
fn fback_round_trip() {
    let fback = FastBinding::FBack(FBack {
        status: 0,
        key_mgmt: false,
        sequence: 1,
        lifetime: 60,
    });
    let mut buf = [0x2a; 64];
    let mut w = Writer::new(&mut buf);
    let at = emit_fast_binding(&mut w, &fback, None, 0, 12);
    let n = w.finish().unwrap();
    assert_eq!(n % 8, 0);
    assert_eq!((at - 6) % 8, 6);
    badf::authenticate_in_place(
        &C,
        BadfKey {
            at: AT,
            key: &HK,
            coa: &ncoa(),
            par: &par(),
        },
        &mut buf[..n],
        at,
        (&par(), &ncoa()),
    )
    .unwrap();
    let m = MobilityMessage::parse(&buf[..n], &par(), &ncoa()).unwrap();
    assert_eq!(m.message, fback);
    badf::verify(
        &C,
        BadfKey {
            at: AT,
            key: &HK,
            coa: &ncoa(),
            par: &par(),
        },
        &m,
    )
    .unwrap();
}
