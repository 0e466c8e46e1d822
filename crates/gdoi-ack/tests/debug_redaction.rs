//! `Debug` never prints key bytes: the Key Download payload and its key packets, their
//! attributes and LKH keys (RFC 6407 §5.6), the decrypted PUSH chain (RFC 6407 §4.2) and
//! what a GM is given from the GROUPKEY-PULL (RFC 8263 §2).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::expect_used,
    clippy::panic
)]

mod common;
use common::*;

use gdoi_ack::Codec;
use gdoi_ack::gm::KekInstall;
use gdoi_ack::wire::Payloads;
use gdoi_ack::wire::attributes::{Attribute, Attributes};
use gdoi_ack::wire::key_download::{KdType, KeyDownload, KeyPacket, LkhDownloadArray};
use gdoi_ack::wire::message::PushPayloads;
use gdoi_ack::wire::{emit, from_element};
use gdoi_ack::{Delivery, InitialKek};
use keying_tlv::{ChainWriter, Reader, Writer};

/// Key patterns no length, type, SPI or offset looks like.
const TEK_KEY: [u8; 16] = [
    0xa5, 0x3c, 0xe1, 0x97, 0xb2, 0x5d, 0xf0, 0x8e, 0xc4, 0x69, 0xd3, 0xaa, 0x81, 0xfe, 0x47, 0x9b,
];
const TEK_AUTH: [u8; 20] = [
    0xd9, 0x72, 0xb6, 0xe8, 0x93, 0xcf, 0x58, 0xa1, 0xec, 0x64, 0xbd, 0x8a, 0xf3, 0x7e, 0x95, 0xc2,
    0xe7, 0x6b, 0xa8, 0xd4,
];
/// KEK_ALGORITHM_KEY: IV ‖ key.
const KEK_ALG_KEY: [u8; 32] = [
    0xb7, 0x4e, 0xd1, 0x8c, 0xf5, 0x69, 0xae, 0xc3, 0x9d, 0xe2, 0x56, 0xbb, 0x87, 0xfa, 0x63, 0xcd,
    0xa9, 0xe4, 0x5b, 0xd7, 0x8f, 0xc6, 0x71, 0xeb, 0x94, 0xb5, 0xde, 0x68, 0xa3, 0xf9, 0x7c, 0xe0,
];
const LKH_KEY: [u8; 32] = [
    0xc8, 0x95, 0xea, 0x57, 0xb1, 0xdc, 0x6f, 0xa4, 0xf2, 0x8b, 0xd6, 0x73, 0xe9, 0xa6, 0x5e, 0xbf,
    0x84, 0xcb, 0x79, 0xed, 0x92, 0xb8, 0x6d, 0xf7, 0xa2, 0xc5, 0x8d, 0xe5, 0x7a, 0xb4, 0xd2, 0x99,
];

/// Fails if `s` shows any 4-byte window of `secret`, in hex or as a decimal or hex slice
/// (whitespace ignored, so `{:#?}` is covered too).
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

const ALL: [&[u8]; 4] = [&TEK_KEY, &TEK_AUTH, &KEK_ALG_KEY, &LKH_KEY];

/// An LKH_DOWNLOAD_ARRAY with one key (RFC 6407 Figure 11, Figure 12).
fn lkh_array() -> Vec<u8> {
    let mut a = vec![1, 0, 1, 0];
    a.extend_from_slice(&[0, 7, 12, 0]); // LKH ID 7, key type AES-CBC
    a.extend_from_slice(&[0; 12]); // created, expires, handle
    a.extend_from_slice(&LKH_KEY);
    a
}

/// A KD with a TEK, a KEK and an LKH packet, emitted as one payload (generic header
/// included, Next Payload 0).
fn kd_bytes() -> Vec<u8> {
    let lkh = lkh_array();
    let (mut tb, mut kb, mut lb) = ([0u8; 128], [0u8; 128], [0u8; 128]);
    let tek = Attributes::encode(
        &[
            Attribute::variable(1, &TEK_KEY),
            Attribute::variable(2, &TEK_AUTH),
        ],
        &mut tb,
    )
    .unwrap();
    let kek = Attributes::encode(&[Attribute::variable(1, &KEK_ALG_KEY)], &mut kb).unwrap();
    let lkh = Attributes::encode(&[Attribute::variable(1, &lkh)], &mut lb).unwrap();
    let packets = [
        KeyPacket {
            kd_type: KdType::Tek,
            spi: &[0, 0, 0x10, 0x01],
            attributes: tek,
        },
        KeyPacket {
            kd_type: KdType::Kek,
            spi: &COOKIES,
            attributes: kek,
        },
        KeyPacket {
            kd_type: KdType::Lkh,
            spi: &[],
            attributes: lkh,
        },
    ];
    let kd = KeyDownload::new(&packets);
    assert_redacted(&kd, &ALL);
    let mut buf = vec![0; 512];
    let mut w = Writer::new(&mut buf);
    let slot = w.next_payload();
    let mut chain = ChainWriter::new(slot);
    emit(&kd, &mut chain, &mut w);
    let n = w.finish().unwrap();
    buf[1..n].to_vec()
}

#[test]
fn key_download_built_and_parsed_hides_every_key() {
    let b = kd_bytes();
    let mut it = Payloads::new(KeyDownload::KIND.to_wire(), Reader::new(&b));
    let e = it.next().unwrap().unwrap();
    let kd = from_element::<KeyDownload>(&e).unwrap();
    assert_eq!(
        kd.kek().unwrap().kek_algorithm_key(),
        Some(&KEK_ALG_KEY[..])
    );
    assert_redacted(&kd, &ALL);
    assert_redacted(&kd.packets, &ALL);
    let s = format!("{kd:?}");
    assert!(
        s.contains("Kek") && s.contains("Lkh") && s.contains("Tek"),
        "{s}"
    );

    let tek = kd.tek(&[0, 0, 0x10, 0x01]).unwrap();
    assert_eq!(tek.tek_algorithm_key(), Some(&TEK_KEY[..]));
    for p in [tek, kd.kek().unwrap(), kd.lkh().unwrap()] {
        assert_redacted(&p, &ALL);
        assert_redacted(&p.attributes, &ALL);
        assert_redacted(&p.attributes.iter(), &ALL);
        for a in &p.attributes {
            assert_redacted(&a, &ALL);
            assert_redacted(&a.value, &ALL);
        }
    }
    // The key packet still names its SPI and attribute lengths.
    let s = format!("{:?}", kd.kek().unwrap());
    assert!(s.contains("17, 34, 51, 68") && s.contains("32"), "{s}");
}

#[test]
fn lkh_array_and_key_hide_the_key_data() {
    let a = lkh_array();
    let arr = LkhDownloadArray::parse(Reader::new(&a)).unwrap();
    let k = arr.first_key(None).unwrap();
    assert_eq!(k.key_data, LKH_KEY);
    assert_redacted(&arr, &[&LKH_KEY]);
    assert_redacted(&k, &[&LKH_KEY]);
    let s = format!("{k:?}");
    assert!(s.contains("id: 7") && s.contains("32"), "{s}");
}

#[test]
fn kek_install_hides_the_kek() {
    let k = KekInstall {
        spi: COOKIES,
        algorithm_key: &KEK_ALG_KEY,
        last_seq: 3,
        ack_requested: None,
        verifier: (),
    };
    assert_redacted(&k, &[&KEK_ALG_KEY]);
    assert!(format!("{k:?}").contains("last_seq: 3"));
}

#[test]
fn decrypted_push_chain_hides_its_keys() {
    let p = vector("push_plaintext.hex");
    let push = PushPayloads::parse(18, &p, 28, 15).unwrap();
    let kd = push.kd.unwrap();
    let mut keys: Vec<&[u8]> = kd
        .packets
        .iter()
        .filter_map(|k| k.tek_algorithm_key())
        .collect();
    keys.extend(kd.kek().and_then(|k| k.kek_algorithm_key()));
    assert!(!keys.is_empty());
    assert_redacted(&push, &keys);
    assert_redacted(&push.deletes, &keys);
    assert_redacted(&Payloads::new(18, Reader::new(&p)), &keys);
}

#[test]
fn delete_payloads_do_not_print_the_rest_of_the_chain() {
    // SEQ, D, SIG (RFC 6407 §4.2), with a key pattern standing in the SIG data: the Delete
    // view borrows the chain from the first D to its end.
    let seq = hex("0c000008 00000003");
    let del = hex("09 00 001c 00000002 00 10 0001 112233445566778899aabbccddeeff00");
    let mut sig = hex("00 00 0014");
    sig.extend_from_slice(&TEK_KEY);
    let chain = [seq, del, sig].concat();
    let push = PushPayloads::parse(18, &chain, 28, 0).unwrap();
    assert_eq!(push.deletes.len(), 1);
    assert_redacted(&push.deletes, &[&TEK_KEY]);
    let s = format!("{:?}", push.deletes);
    assert!(s.contains("Delete"), "{s}");
}

#[test]
fn roles_and_an_accepted_push_hide_keks_teks_and_leaf_keys() {
    use common::rekey::{Rekey, kek_key, push, signer};
    use gdoi_ack::Time;
    use gdoi_ack::gcks::{Gcks, GcksConfig, Slot, Target};
    use gdoi_ack::gm::{GmConfig, GmIdentity, GroupMember, Outcome};
    use gdoi_ack::keys::EcdsaP256;
    use gdoi_ack::wire::sa_kek::KekAckRequested;
    use keying_crypto::rustcrypto::{HashDrbg, RustCrypto};

    let policy = KekAckRequested::LkhSha256;
    let new_spi = [0xa2; 16];
    let tek_spi = [0, 0, 0, 0xc7];
    let (kek1, kek2, tek) = (kek_key(&COOKIES), kek_key(&new_spi), [0xc7; 16]);
    let secrets: [&[u8]; 4] = [&kek1[16..], &kek2[16..], &tek, &LKH_KEY];
    let mut ks = Gcks::new(
        RustCrypto,
        GcksConfig::new(Some(policy)),
        EcdsaP256(signer()),
        InitialKek {
            spi: COOKIES,
            algorithm_key: &kek1,
            last_seq: 0,
        },
        [Slot::EMPTY; 2],
        &mut HashDrbg::new(b"index"),
    )
    .unwrap();
    ks.add_member(GmIdentity::Ipv4([10, 0, 0, 1]), Some(&LKH_KEY))
        .unwrap();
    let mut g: GroupMember<_, _, 4> =
        GroupMember::new(RustCrypto, GmConfig::new(GmIdentity::Ipv4([10, 0, 0, 1])));
    g.install_kek(KekInstall {
        spi: COOKIES,
        algorithm_key: &kek1,
        last_seq: 0,
        ack_requested: Some(policy),
        verifier: EcdsaP256(signer().verifying_key()),
    })
    .unwrap();
    g.set_lkh_leaf_key(&LKH_KEY).unwrap();
    let now = Time::from_unix_secs(1);
    let mut wire = [0u8; 1024];
    let b = push(
        &mut ks,
        now,
        Target::All,
        Rekey {
            tek_spi,
            new_kek: Some(new_spi),
            delete_kek: None,
            policy,
        },
        &mut wire,
    );
    let mut scratch = [0u8; 1024];
    let outcome = g
        .handle_push(
            now,
            &wire[..b.len],
            Delivery::Unicast,
            &mut HashDrbg::new(b"l"),
            &mut scratch,
        )
        .unwrap();
    let Outcome::Accepted(acc) = outcome else {
        panic!("{outcome:?}");
    };
    let kd = acc.kd.unwrap();
    assert_eq!(
        kd.tek(&tek_spi).unwrap().tek_algorithm_key(),
        Some(&tek[..])
    );
    assert_eq!(kd.kek().unwrap().kek_algorithm_key(), Some(&kek2[..]));
    assert_redacted(&acc, &secrets);
    assert_redacted(&g, &secrets);
    assert_redacted(&ks, &secrets);
}
