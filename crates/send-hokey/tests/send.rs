//! RFC 3971 signed data and signatures against the vectors in tests/vectors/send-hokey,
//! the Key Hash, and the verification order.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use common::*;
use hex_literal::hex;
use keying_crypto::{
    HashAlg, Symmetric,
    rustcrypto::{HashDrbg, RsaPrivate, RustCrypto},
};
use send_hokey::send::SendSigner;
use send_hokey::{
    Error,
    cga::{CgaError, SecPolicy},
    send::{self, KeySizePolicy, SignedData},
    wire::rtsolpr::Fmip6Message,
};

const C: RustCrypto = RustCrypto;

fn sig_at(msg: &[u8]) -> usize {
    msg.len() - 152
}

#[test]
fn signed_data_matches_the_vectors() {
    for (msg, tbs, src, dst, cks, sha) in [
        (
            RTSOLPR,
            RTSOLPR_TBS,
            mn_cga(),
            ar_ll(),
            0x9062,
            hex!("ed4698db928d6a264471c27cf08a28fed12dcf32"),
        ),
        (
            PRRTADV,
            PRRTADV_TBS,
            ar_ll(),
            mn_cga(),
            0x345b,
            hex!("70ee0186a4dcc49f894298332d5d6cbb89aa561b"),
        ),
    ] {
        let sd = SignedData::new(msg, sig_at(msg), &src, &dst);
        assert_eq!(sd.checksum(), cks);
        assert_eq!(sd.parts().concat(), tbs);
        assert_eq!(C.hash(HashAlg::Sha1, &sd.parts()).as_bytes(), sha);
    }
}

#[test]
fn key_hashes() {
    assert_eq!(
        send::key_hash(&C, MN1_PUB),
        hex!("968d29712a3a07273a46558b2266a84b")
    );
    assert_eq!(
        send::key_hash(&C, MN2_PUB),
        hex!("23887b3f533ee6b8ef0ed8f57c461f24")
    );
    assert_eq!(
        send::key_hash(&C, AR1_PUB),
        hex!("f2f2b96b4b929dd4a10062d3170b829a")
    );
    assert_eq!(
        send::key_hash(&C, &RFC_PARAMS[25..]),
        hex!("2ccba7cb07398e018b791e06b9f72c6f")
    );
}

#[test]
fn messages_are_reproduced_with_the_given_keys() {
    for (msg, key, src, dst) in [
        (RTSOLPR, MN1_KEY, mn_cga(), ar_ll()),
        (PRRTADV, AR1_KEY, ar_ll(), mn_cga()),
    ] {
        let key = RsaPrivate::from_pkcs1_der(key).unwrap();
        let n = sig_at(msg);
        let mut buf = vec![0x2a; 1024];
        buf[..n].copy_from_slice(&msg[..n]);
        let kh: [u8; 16] = msg[n + 4..n + 20].try_into().unwrap();
        let mut rng = HashDrbg::new(b"test");
        let total = send::sign_in_place(
            &SendSigner {
                key: &key,
                key_hash: kh,
            },
            &mut rng,
            &mut buf,
            n,
            &src,
            &dst,
        )
        .unwrap();
        assert_eq!(&buf[..total], msg);
    }
}

#[test]
fn vectors_verify_and_report_their_fields() {
    let m = Fmip6Message::parse(RTSOLPR, &mn_cga(), &ar_ll()).unwrap();
    let v = send::verify(&C, &m, &mn_cga(), &ar_ll(), SecPolicy::default(), KEY_SIZES).unwrap();
    assert_eq!(v.nonce, Some(&NONCE[..]));
    assert_eq!(v.cga.public_key, MN1_PUB);
    let m = Fmip6Message::parse(PRRTADV, &ar_ll(), &mn_cga()).unwrap();
    send::verify(&C, &m, &ar_ll(), &mn_cga(), SecPolicy::default(), KEY_SIZES).unwrap();
}

fn verify_bytes(
    b: &[u8],
    src: &core::net::Ipv6Addr,
    dst: &core::net::Ipv6Addr,
) -> Result<(), Error> {
    let m = Fmip6Message::parse(b, src, dst)?;
    send::verify(&C, &m, src, dst, SecPolicy::default(), KEY_SIZES).map(|_| ())
}

#[test]
fn every_bit_flip_is_rejected() {
    for (msg, src, dst) in [(RTSOLPR, mn_cga(), ar_ll()), (PRRTADV, ar_ll(), mn_cga())] {
        let pad_start = msg.len() - 4; // RSA Signature padding, which nothing covers
        for i in 0..pad_start * 8 {
            let mut b = msg.to_vec();
            b[i / 8] ^= 1 << (i % 8);
            // As received (checksum wrong) and with the checksum fixed up.
            assert!(verify_bytes(&b, &src, &dst).is_err(), "bit {i}");
            send_hokey::wire::rtsolpr::fill_checksum(&mut b, &src, &dst);
            let byte = i / 8;
            if byte == 2 || byte == 3 {
                continue; // the checksum itself: fixed up, the message is the original
            }
            if byte == sig_at(msg) + 2 || byte == sig_at(msg) + 3 {
                continue; // RSA Signature Reserved: not signed, ignored (RFC 3971 §5.2)
            }
            assert!(verify_bytes(&b, &src, &dst).is_err(), "bit {i} (fixed up)");
        }
    }
}

#[test]
fn checks_run_in_dos_order() {
    // A bad CGA (prefix) fails before anything else is looked at.
    let m = Fmip6Message::parse_unchecked(RTSOLPR).unwrap();
    let other = addr("2005::3049:deeb:fd31:70b0");
    assert_eq!(
        send::verify(&C, &m, &other, &ar_ll(), SecPolicy::default(), KEY_SIZES).unwrap_err(),
        Error::Cga(CgaError::SubnetPrefix)
    );
    // Key hash mismatch (byte in the key hash flipped).
    let mut b = RTSOLPR.to_vec();
    b[436] ^= 1;
    send_hokey::wire::rtsolpr::fill_checksum(&mut b, &mn_cga(), &ar_ll());
    assert_eq!(
        verify_bytes(&b, &mn_cga(), &ar_ll()),
        Err(Error::KeyHashMismatch)
    );
    // Key size window: 1024-bit keys refused when min is 2048.
    let m = Fmip6Message::parse(RTSOLPR, &mn_cga(), &ar_ll()).unwrap();
    let r = send::verify(
        &C,
        &m,
        &mn_cga(),
        &ar_ll(),
        SecPolicy::default(),
        KeySizePolicy {
            min_bits: 2048,
            max_bits: 4096,
        },
    );
    assert_eq!(r.unwrap_err(), Error::KeySize { bits: 1024 });
    // Oversized: max below the key size refuses to load it.
    let r = send::verify(
        &C,
        &m,
        &mn_cga(),
        &ar_ll(),
        SecPolicy::default(),
        KeySizePolicy {
            min_bits: 512,
            max_bits: 1000,
        },
    );
    assert_eq!(r.unwrap_err(), Error::BadPublicKey);
    // Signature bit flipped.
    let mut b = RTSOLPR.to_vec();
    b[460] ^= 0x80;
    send_hokey::wire::rtsolpr::fill_checksum(&mut b, &mn_cga(), &ar_ll());
    assert_eq!(
        verify_bytes(&b, &mn_cga(), &ar_ll()),
        Err(Error::BadSignature)
    );
    // Message without the signature option.
    let mut b = RTSOLPR[..432].to_vec();
    send_hokey::wire::rtsolpr::fill_checksum(&mut b, &mn_cga(), &ar_ll());
    assert_eq!(
        verify_bytes(&b, &mn_cga(), &ar_ll()),
        Err(Error::MissingOption("RSA Signature"))
    );
}
