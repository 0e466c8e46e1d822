//! `Debug` never prints key bytes (RFC 3830 §6.2, §6.13: the KEMAC key data and its TGK /
//! TEK / salt), whether the value is a payload view, a decrypted chain or a whole message.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod km;

use keying_crypto::rustcrypto::RustCrypto;
use km::*;
use mikey_core::hooks::StaticPsk;
use mikey_core::offer::Offer;
use mikey_core::policy::Policy;
use mikey_core::psk::{PskInitiator, PskResponder};
use mikey_core::{Covered, Kemac, MacAlg};
use mikey_core::{EncrAlg, KeyData, KeyType, KeyValidity, Message, Payload, PayloadType};

/// A key pattern no length, type or offset looks like.
const KEY: [u8; 16] = [
    0xa5, 0x3c, 0xe1, 0x97, 0xb2, 0x5d, 0xf0, 0x8e, 0xc4, 0x69, 0xd3, 0xaa, 0x81, 0xfe, 0x47, 0x9b,
];
const SALT: [u8; 14] = [
    0xd9, 0x72, 0xb6, 0xe8, 0x93, 0xcf, 0x58, 0xa1, 0xec, 0x64, 0xbd, 0x8a, 0xf3, 0x7e,
];

/// Fails if `s` shows any 4-byte window of `secret`, in hex or as a decimal slice (any
/// whitespace, so `{:#?}` is covered too).
fn assert_hidden(s: &str, secret: &[u8]) {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let lower = compact.to_lowercase();
    for w in secret.windows(4) {
        let hex: String = w.iter().map(|b| format!("{b:02x}")).collect();
        let dec = w.iter().map(u8::to_string).collect::<Vec<_>>().join(",");
        let hex_list = w
            .iter()
            .map(|b| format!("0x{b:02x}"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(!lower.contains(&hex), "hex {hex} in {s}");
        assert!(!compact.contains(&dec), "[{dec}] in {s}");
        assert!(!lower.contains(&hex_list), "[{hex_list}] in {s}");
    }
}

fn assert_redacted<T: core::fmt::Debug>(v: &T, secrets: &[&[u8]]) {
    for s in [format!("{v:?}"), format!("{v:#?}")] {
        for secret in secrets {
            assert_hidden(&s, secret);
        }
    }
}

/// One key data sub-payload (RFC 3830 §6.13): TEK+SALT, KV = SPI/MKI.
fn key_data_bytes() -> Vec<u8> {
    let mut b = vec![0, (3 << 4) | 1, 0, 16];
    b.extend_from_slice(&KEY);
    b.extend_from_slice(&[0, 14]);
    b.extend_from_slice(&SALT);
    b.extend_from_slice(&[4, 0, 0, 0, 7]);
    b
}

#[test]
fn key_data_shows_type_lengths_and_kv_not_the_key() {
    let kd = KeyData {
        key_type: KeyType::TekSalt,
        key: &KEY,
        salt: Some(&SALT),
        kv: KeyValidity::Spi(&[0, 0, 0, 7]),
    };
    assert_redacted(&kd, &[&KEY, &SALT]);
    let s = format!("{kd:?}");
    assert!(
        s.contains("TekSalt") && s.contains("16") && s.contains("14"),
        "{s}"
    );
    assert!(s.contains("Spi"), "{s}");
}

#[test]
fn decrypted_key_data_chain_and_its_items_hide_the_key() {
    let plain = key_data_bytes();
    let chain = Kemac::sub_payloads(&plain, PayloadType::KeyData);
    assert_redacted(&chain, &[&KEY, &SALT]);
    let items: Vec<_> = chain.map(Result::unwrap).collect();
    assert_eq!(items.len(), 1);
    assert!(matches!(items[0].payload, Payload::KeyData(k) if k.key == KEY));
    assert_redacted(&items[0], &[&KEY, &SALT]);
    assert_redacted(&items[0].payload, &[&KEY, &SALT]);
}

#[test]
fn null_encrypted_kemac_hides_its_key_data() {
    let plain = key_data_bytes();
    let kemac = Kemac {
        encr_alg: EncrAlg::Null,
        encr_data: &plain,
        mac_alg: MacAlg::Null,
        mac: &[],
    };
    assert_redacted(&kemac, &[&KEY, &SALT]);
    assert!(format!("{kemac:?}").contains("Null"));
}

#[test]
fn psk_message_with_null_kemac_hides_the_tgk() {
    let offer = Offer {
        encr: EncrAlg::Null,
        ..Offer::new(0xabcd_0007, &STREAMS[..1], ntp_ts(now(0)))
    };
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let mut out = [0u8; 1024];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            b"debug psk",
            &mut rng(3),
            &mut out,
        )
        .unwrap();
    let msg = Message::parse(&out[..n]).unwrap();
    let kemac = msg.kemac().unwrap();
    let tgk = Kemac::sub_payloads(kemac.encr_data, PayloadType::KeyData)
        .find_map(|p| match p.unwrap().payload {
            Payload::KeyData(k) => Some(k.key.to_vec()),
            _ => None,
        })
        .unwrap();
    assert!(tgk.len() >= 16);
    assert_redacted(&msg, &[&tgk]);
    assert_redacted(&msg.kemac_covered().unwrap(), &[&tgk]);
    let all = msg.bytes();
    let covered = Covered {
        first: &all[..all.len() / 2],
        second: &all[all.len() / 2..],
    };
    assert_redacted(&covered, &[&tgk]);
    for item in msg.payloads() {
        assert_redacted(&item, &[&tgk]);
    }
}

#[test]
fn psk_roles_and_their_srtp_keys_hide_the_psk_and_master_keys() {
    let psk = b"a pre-shared key for debug";
    let offer = Offer::new(0xabcd_0009, &STREAMS, ntp_ts(now(0)));
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let mut out = [0u8; 1024];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            psk,
            &mut rng(4),
            &mut out,
        )
        .unwrap();
    let mut r: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
    let resolver = StaticPsk::new(psk).unwrap();
    let mut reply = [0u8; 512];
    let acc = r.handle(now(0), &out[..n], &resolver, &mut reply).unwrap();
    let sas = i.poll_keys().unwrap();
    assert_same(sas, acc.sas);
    let mut secrets: Vec<Vec<u8>> = vec![psk.to_vec()];
    for sa in sas {
        secrets.push(sa.master_key.expose().to_vec());
        secrets.push(sa.master_salt.expose().to_vec());
    }
    let secrets: Vec<&[u8]> = secrets.iter().map(Vec::as_slice).collect();
    assert_redacted(&i, &secrets);
    assert_redacted(&acc, &secrets);
    assert_redacted(&r, &secrets);
    assert_redacted(&resolver, &secrets);
}
