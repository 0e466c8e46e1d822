//! `keying mikey decode --psk` and `keying mikey psk-init`: the MAC check, KEMAC
//! decryption and SRTP keys against mikey-core's own PSK Responder, against the MIKEY
//! vectors (tests/vectors/mikey/README.md) and key derivations computed by an independent
//! Python implementation of RFC 3830 §4.1, and the exit codes of failed checks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;
use common::*;

use keying_crypto::rustcrypto::{HashDrbg, RustCrypto};
use keying_crypto::{HashAlg, Symmetric};
use mikey_core::Time;
use mikey_core::hooks::StaticPsk;
use mikey_core::kdf::{self, C_TEK, KemacKeys};
use mikey_core::offer::Offer;
use mikey_core::policy::Policy;
use mikey_core::protect::aes_cm_iv;
use mikey_core::psk::{PskInitiator, PskResponder};
use mikey_core::srtp::SrtpSas;
use mikey_core::{EncrAlg, MacAlg, Message, PrfFunc, SrtpCs, Timestamp, TsType};

/// The PSK of the vectors in tests/vectors/mikey (`m5_dhhmac_init.hex` is MACed with it).
const VECTOR_PSK: &str = "000102030405060708090a0b0c0d0e0f";
/// The timestamp (NTP-UTC) of those vectors.
const VECTOR_T: u64 = 0xe6a1_b2c3_0000_0000;

/// `keying mikey decode --json --psk PSK INPUT`: exit code, the parsed JSON (checked by
/// Python too) and standard error.
fn decode_psk(psk: &str, input: &str) -> (i32, Json, String) {
    let r = keying(&["mikey", "decode", "--json", "--psk", psk, input]);
    assert_eq!(r.out.lines().count(), 1, "one line of JSON: {}", r.err);
    if have_python() {
        python_json_ok(&r.out);
    }
    (r.code, Json::parse(&r.out), r.err)
}

/// [`decode_psk`] without the Python check (for loops over many messages).
fn decode_psk_quick(psk: &str, input: &str) -> (i32, Json, String) {
    let r = keying(&["mikey", "decode", "--json", "--psk", psk, input]);
    (r.code, Json::parse(&r.out), r.err)
}

fn bytes_of(j: &Json) -> Vec<u8> {
    keying_cli::input::hex(j.str()).unwrap()
}

/// `srtp` as (ssrc, key, salt, policy).
fn srtp(v: &Json) -> Vec<(u64, Vec<u8>, Vec<u8>, u64)> {
    v.get("srtp")
        .arr()
        .iter()
        .map(|s| {
            (
                s.get("ssrc").num(),
                bytes_of(s.get("master_key")),
                bytes_of(s.get("master_salt")),
                s.get("policy").num(),
            )
        })
        .collect()
}

fn sas(s: &SrtpSas) -> Vec<(u64, Vec<u8>, Vec<u8>, u64)> {
    s.iter()
        .map(|sa| {
            (
                u64::from(sa.ssrc),
                sa.master_key.expose().to_vec(),
                sa.master_salt.expose().to_vec(),
                u64::from(sa.policy_no),
            )
        })
        .collect()
}

/// What mikey-core's PSK Responder derives for `msg` at its own timestamp.
fn responder_keys(msg: &[u8], psk: &[u8]) -> SrtpSas {
    let t = Message::parse(msg).unwrap().timestamp().unwrap();
    let policy = Policy {
        allow_null_encryption: true,
        ..Policy::default()
    };
    let mut r: PskResponder<_> = PskResponder::new(RustCrypto, policy);
    let mut out = [0u8; 512];
    r.handle(
        Time::from_ntp(t.value).unwrap_or_default(),
        msg,
        &StaticPsk::new(psk).unwrap(),
        &mut out,
    )
    .unwrap()
    .sas
    .clone()
}

/// The TGK the Initiator put in `msg`'s KEMAC, decrypted here without the CLI and without
/// mikey-core's KEMAC decryption: the KEMAC keys from the PSK (RFC 3830 §4.1.4), then the
/// provider's AES-CM (§4.2.3 IV) or AES key unwrap, and the first key data's Key field
/// (`next ‖ type|kv ‖ key len ‖ key …`, §6.13).
fn initiator_tgk(msg: &[u8], psk: &[u8]) -> Vec<u8> {
    let m = Message::parse(msg).unwrap();
    let h = m.header();
    let kemac = m.kemac().unwrap();
    let rand = m.rand().unwrap();
    let t = m.timestamp().unwrap();
    let encr_len = if kemac.encr_alg == EncrAlg::AesCm256 {
        32
    } else {
        16
    };
    let k = KemacKeys::derive(
        &RustCrypto,
        &mikey_core::kdf::Derivation::new(h.prf_func, psk, h.csb_id, rand),
        encr_len,
        20,
    )
    .unwrap();
    let mut plain = kemac.encr_data.to_vec();
    match kemac.encr_alg {
        EncrAlg::Null => {}
        EncrAlg::AesCm128 | EncrAlg::AesCm256 => {
            let iv = aes_cm_iv(k.salt.expose(), h.csb_id, &t);
            RustCrypto
                .aes_ctr(k.encr.expose(), &iv, &mut plain)
                .unwrap();
        }
        EncrAlg::AesKw128 => {
            // RFC 3830 §4.2.3: the key wrap IV is the 64-bit salt S (the first 8 bytes of
            // the salt_key, the PRF's outputs being prefixes of each other); messages
            // wrapped with RFC 3394's default IV are accepted too.
            let s: [u8; 8] = k.salt.expose()[..8].try_into().unwrap();
            let n = RustCrypto
                .aes_kw_unwrap_with_iv(k.encr.expose(), &s, kemac.encr_data, &mut plain)
                .or_else(|_| RustCrypto.aes_kw_unwrap(k.encr.expose(), kemac.encr_data, &mut plain))
                .unwrap();
            plain.truncate(n);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(plain[1] >> 4, 0, "key data type TGK");
    let len = usize::from(u16::from_be_bytes([plain[2], plain[3]]));
    plain[4..4 + len].to_vec()
}

/// The SRTP master key of CS `cs_id` from `tgk` (RFC 3830 §4.1.3), for `msg`'s PRF, CSB ID
/// and RAND.
fn tek_from(msg: &[u8], tgk: &[u8], cs_id: u8) -> Vec<u8> {
    let m = Message::parse(msg).unwrap();
    let h = m.header();
    let rand = m.rand().unwrap();
    kdf::derive(
        &RustCrypto,
        &mikey_core::kdf::Derivation::new(h.prf_func, tgk, h.csb_id, rand),
        C_TEK,
        cs_id,
        16,
    )
    .unwrap()
    .expose()
    .to_vec()
}

fn psk_init(args: &[&str]) -> String {
    let mut a = vec!["mikey", "psk-init"];
    a.extend_from_slice(args);
    let r = keying(&a);
    assert_eq!(r.code, 0, "{args:?}: {}", r.err);
    assert!(r.err.is_empty());
    assert_eq!(r.out.lines().count(), 1);
    r.out.trim_end().to_owned()
}

#[test]
fn psk_init_decodes_with_the_keys_the_responder_derives() {
    let psk = "5e1ec7ed5e1ec7ed5e1ec7ed5e1ec7ed5e1ec7ed";
    let hex_msg = psk_init(&[
        "--psk",
        psk,
        "--ssrc",
        "0xdeadbeef",
        "--roc",
        "7",
        "--csb-id",
        "0x01020304",
        "--time",
        "0xe6a1b2c300000000",
    ]);
    let msg = keying_cli::input::hex(&hex_msg).unwrap();
    let (code, v, err) = decode_psk(psk, &hex_msg);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v.at("data_type.name").str(), "PskInit");
    assert_eq!(v.get("csb_id").num(), 0x0102_0304);
    assert_eq!(v.at("cs_id_map.entries.0.ssrc").num(), 0xdead_beef);
    assert_eq!(v.at("cs_id_map.entries.0.roc").num(), 7);
    assert_eq!(v.at("payloads.0.ntp_utc").str(), "2022-08-13T05:18:59Z");
    assert_eq!(v.get("mac_ok"), &Json::Bool(true));
    assert!(v.get("error").is_null());
    let kemac = v.get("payloads").arr().last().unwrap();
    assert_eq!(kemac.at("encr_alg.name").str(), "AesCm128");
    assert_eq!(kemac.at("mac_alg.name").str(), "HmacSha1_160");
    let psk_b = keying_cli::input::hex(psk).unwrap();
    let want = sas(&responder_keys(&msg, &psk_b));
    assert_eq!(srtp(&v), want);
    assert_eq!(want.len(), 1);
    assert_eq!((want[0].1.len(), want[0].2.len()), (16, 14));
    // AES-CM KEMAC: the TGK is shown, the one the Initiator sent (decrypted independently),
    // and the SRTP master key is derived from it.
    let tgk = bytes_of(v.get("tgk"));
    assert_eq!(tgk.len(), 16);
    assert_eq!(tgk, initiator_tgk(&msg, &psk_b));
    assert_eq!(tek_from(&msg, &tgk, 1), want[0].1);
    assert!(
        v.get("warnings")
            .arr()
            .iter()
            .all(|w| !w.str().contains("TGK")),
        "no 'TGK not shown' warning"
    );
    // The text listing says the same.
    let r = keying(&["mikey", "decode", "--psk", psk, &hex_msg]);
    assert_eq!(r.code, 0);
    assert!(r.out.contains("mac_ok: yes"), "{}", r.out);
    assert!(r.out.contains(&format!("master_key: {}", hex(&want[0].1))));
}

#[test]
fn psk_init_is_random_and_current_by_default_and_writes_sdp() {
    let a = psk_init(&["--psk", "0011", "--ssrc", "1"]);
    let b = psk_init(&["--psk", "0011", "--ssrc", "1"]);
    assert_ne!(a, b, "fresh CSB ID, RAND and TGK each time");
    let (code, v, _) = decode_psk("0011", &a);
    assert_eq!(code, 0);
    // No --time: now (NTP-UTC, so within a day of this machine's clock).
    let year: u32 = v.at("payloads.0.ntp_utc").str()[..4].parse().unwrap();
    assert!(year >= 2024, "{year}");
    assert!(
        v.get("warnings")
            .arr()
            .iter()
            .all(|w| !w.str().contains("timestamp"))
    );
    // --sdp: an RFC 4567 attribute line that decodes again.
    let line = psk_init(&[
        "--psk",
        "0011",
        "--ssrc",
        "0xdeadbeef",
        "--roc",
        "1",
        "--sdp",
    ]);
    assert!(line.starts_with("a=key-mgmt:mikey "), "{line}");
    let (code, v, err) = decode_psk("0011", &line);
    assert_eq!(code, 0, "{err}");
    assert_eq!(v.get("mac_ok"), &Json::Bool(true));
    assert_eq!(v.at("srtp.0.ssrc").num(), 0xdead_beef);
    assert_eq!(v.at("cs_id_map.entries.0.roc").num(), 1);
    // The same line through standard input.
    let r = keying_stdin(
        &["mikey", "decode", "--json", "--psk", "0011", "-"],
        line.as_bytes(),
    );
    assert_eq!(r.code, 0, "{}", r.err);
}

#[test]
fn wrong_psk_and_flipped_mac_fail_with_exit_1() {
    let psk = "000102030405060708090a0b0c0d0e0f";
    let hex_msg = psk_init(&["--psk", psk, "--ssrc", "42", "--csb-id", "9"]);
    let (code, v, err) = decode_psk("000102030405060708090a0b0c0d0e0e", &hex_msg);
    assert_eq!(code, 1);
    assert_eq!(v.get("mac_ok"), &Json::Bool(false));
    assert!(v.get("tgk").is_null());
    assert!(v.get("srtp").arr().is_empty());
    assert!(
        v.get("error").is_null(),
        "the message itself is well-formed"
    );
    assert!(err.contains("the MAC does not verify"), "{err}");
    // Every bit of the 20-byte MAC, and a bit of RAND / of the KEMAC data.
    let msg = keying_cli::input::hex(&hex_msg).unwrap();
    let n = msg.len();
    let rand_at = 19 + 10 + 2; // HDR with 1 CS, T (NTP-UTC), RAND header
    let kemac_data_at = n - 20 - 1 - 25; // encr data (25 bytes) before MAC alg and MAC
    let bits = (8 * (n - 20)..8 * n).chain([8 * rand_at + 3, 8 * kemac_data_at]);
    for bit in bits {
        let mut bad = msg.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        let (code, v, err) = decode_psk_quick(psk, &hex(&bad));
        assert_eq!(code, 1, "bit {bit}");
        assert_eq!(v.get("mac_ok"), &Json::Bool(false), "bit {bit}");
        assert!(err.contains("does not verify"), "bit {bit}: {err}");
    }
    // The genuine message still verifies.
    assert_eq!(decode_psk(psk, &hex_msg).0, 0);
}

/// Messages the PSK Initiator builds with every KEMAC / MAC / PRF choice decode with the
/// keys both mikey-core ends derive.
#[test]
fn every_kemac_algorithm_and_prf() {
    let streams = [
        SrtpCs {
            policy_no: 0,
            ssrc: 0x1111_1111,
            roc: 0,
        },
        SrtpCs {
            policy_no: 0,
            ssrc: 0x2222_2222,
            roc: 5,
        },
    ];
    let psk = b"a pre-shared key";
    for encr in [EncrAlg::Null, EncrAlg::AesCm128, EncrAlg::AesKw128] {
        for mac in [MacAlg::HmacSha1_160, MacAlg::HmacSha256_256] {
            for (prf, verification) in [(PrfFunc::Mikey1, false), (PrfFunc::HmacSha256, true)] {
                let offer = Offer {
                    encr,
                    mac,
                    prf,
                    verification,
                    mki: &[0, 0, 0, 1],
                    ..Offer::new(
                        0x7777_0000,
                        &streams,
                        Timestamp {
                            ts_type: TsType::NtpUtc,
                            value: VECTOR_T,
                        },
                    )
                };
                let mut i = PskInitiator::new(RustCrypto, Policy::default());
                let mut out = [0u8; 1024];
                let n = i
                    .start(
                        mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
                        &offer,
                        psk,
                        &mut HashDrbg::new(&[9; 32]),
                        &mut out,
                    )
                    .unwrap();
                let case = format!("{encr:?} {mac:?} {prf:?}");
                let (code, v, err) = decode_psk(&hex(psk), &hex(&out[..n]));
                assert_eq!(code, 0, "{case}: {err}");
                assert_eq!(v.get("mac_ok"), &Json::Bool(true), "{case}");
                // The Initiator's SAs (verification pending or not, they are the ones the
                // Responder derives; compare with the Responder).
                let want = sas(&responder_keys(&out[..n], psk));
                assert_eq!(srtp(&v), want, "{case}");
                assert_eq!(want.len(), 2);
                assert_ne!(want[0].1, want[1].1, "{case}");
                if let Some(k) = i.poll_keys() {
                    assert_eq!(sas(k), want, "{case}");
                }
                // Every Encr alg (NULL, AES-CM, AES-KW): the TGK is shown — the one the
                // Initiator sent, decrypted here independently of the CLI — and each CS's
                // SRTP master key comes from it (CS IDs 1 and 2).
                let tgk = bytes_of(v.get("tgk"));
                assert_eq!(tgk, initiator_tgk(&out[..n], psk), "{case}");
                assert!(tgk.len() >= 16, "{case}");
                for (cs_id, sa) in (1..).zip(&want) {
                    assert_eq!(tek_from(&out[..n], &tgk, cs_id), sa.1, "{case}");
                }
                let (code, v, _) = decode_psk_quick("00", &hex(&out[..n]));
                assert_eq!((code, v.get("mac_ok")), (1, &Json::Bool(false)), "{case}");
            }
        }
    }
}

/// The KEMAC encr_key (RFC 3830 §4.1.4) from [`VECTOR_PSK`], CSB ID 0x12345678 and RAND
/// 00..0f, computed by an independent Python implementation.
const VECTOR_ENCR_KEY: &str = "0ba791ea8e44e90440814effec472a7e";

/// An I_MESSAGE of the vectors' inputs (HDR with CSB ID 0x12345678 and 1 CS, SSRC
/// 0xdeadbeef; T; RAND 00..0f) whose KEMAC carries `encr_data` under Encr alg `encr_alg`,
/// MACed (HMAC-SHA-1-160) with the independently computed auth_key, not mikey-core's PRF.
fn psk_i_message_with_kemac(encr_alg: u8, encr_data: &[u8]) -> Vec<u8> {
    let h = |s: &str| keying_cli::input::hex(s).unwrap();
    let auth_key = h("6fbbae19df76a4f63e1817f2201a21c37c1d4789");
    let mut msg = h(concat!(
        "0100050012345678010000deadbeef00000000", // HDR, SRTP-ID map, 1 CS
        "0b00e6a1b2c300000000",                   // T NTP-UTC
        "011000010203040506070809",               // RAND 00..0f (next: KEMAC)
        "0a0b0c0d0e0f",
    ));
    // KEMAC: next Last, Encr alg, Encr data length, data, HMAC-SHA-1-160, MAC.
    msg.extend_from_slice(&[0, encr_alg]);
    msg.extend_from_slice(&u16::try_from(encr_data.len()).unwrap().to_be_bytes());
    msg.extend_from_slice(encr_data);
    msg.push(1);
    let mac = RustCrypto.hmac(HashAlg::Sha1, &auth_key, &[&msg]);
    msg.extend_from_slice(&mac.as_bytes()[..20]);
    msg
}

/// The vectors' inputs (PSK, CSB, RAND, T, TGK = 16×0x11, KV SPI 1, 1 CS) built into an
/// AES-CM-128 / HMAC-SHA-1-160 I_MESSAGE with independently derived encr_key, IV and
/// auth_key (not mikey-core's PRF); the SRTP keys must be the independently computed TEK
/// and salt of TGK 16×0x11 (RFC 3830 §4.1.3, cs_id 1; see `mikey-core/tests/prf_vectors.rs`).
#[test]
fn aes_cm_kemac_message_built_independently_decodes_to_the_expected_keys() {
    let h = |s: &str| keying_cli::input::hex(s).unwrap();
    let iv: [u8; 16] = h("3ba51208e6eacedc8e4a104fdcab0000").try_into().unwrap();
    // The plaintext key data: TGK, 16 bytes of 0x11, KV SPI 1: `00 01 0010 11…11 04 00000001`.
    let mut plain = h(&format!("00010010{}0400000001", "11".repeat(16)));
    assert_eq!(plain.len(), 25);
    RustCrypto
        .aes_ctr(&h(VECTOR_ENCR_KEY), &iv, &mut plain)
        .unwrap();
    let msg = psk_i_message_with_kemac(1, &plain); // AES-CM-128
    let (code, v, err) = decode_psk(VECTOR_PSK, &hex(&msg));
    assert_eq!(code, 0, "{err}");
    assert_eq!(v.get("mac_ok"), &Json::Bool(true));
    assert_eq!(
        srtp(&v),
        [(
            0xdead_beef,
            h("434b4682ec757653eeeae35db1acc6b8"),
            h("854fd841302b863fd43730303793"),
            0
        )]
    );
    // The TGK of the encrypted KEMAC is shown: 16×0x11.
    assert_eq!(bytes_of(v.get("tgk")), [0x11; 16]);
    let (code, v, _) = decode_psk("000102030405060708090a0b0c0d0e", &hex(&msg));
    assert_eq!((code, v.get("mac_ok")), (1, &Json::Bool(false)));
    assert!(v.get("tgk").is_null());
}

/// The vectors' inputs with an AES-KW-128 KEMAC (RFC 6043): key data `00 00 0014`
/// ‖ TGK = 20×0x11 (KV NULL; 24 bytes, whole 64-bit blocks) wrapped with the independently
/// computed encr_key and MACed with its auth_key, independent of mikey-core's PRF. The TGK shown
/// must be the one wrapped, and the SRTP keys those the Responder derives.
#[test]
fn aes_kw_kemac_message_built_independently_decodes_to_the_wrapped_tgk() {
    let h = |s: &str| keying_cli::input::hex(s).unwrap();
    let plain = h(&format!("00000014{}", "11".repeat(20)));
    let mut wrapped = [0u8; 32];
    assert_eq!(
        RustCrypto
            .aes_kw_wrap(&h(VECTOR_ENCR_KEY), &plain, &mut wrapped)
            .unwrap(),
        32
    );
    let msg = psk_i_message_with_kemac(2, &wrapped); // AES-KW-128
    let (code, v, err) = decode_psk(VECTOR_PSK, &hex(&msg));
    assert_eq!(code, 0, "{err}");
    assert_eq!(v.get("mac_ok"), &Json::Bool(true));
    assert_eq!(bytes_of(v.get("tgk")), [0x11; 20]);
    let psk = h(VECTOR_PSK);
    assert_eq!(srtp(&v), sas(&responder_keys(&msg, &psk)));
    assert_eq!(srtp(&v)[0].1, tek_from(&msg, &[0x11; 20], 1));
    assert_eq!(initiator_tgk(&msg, &psk), [0x11; 20]);
}

/// The MIKEY vector files: NULL-MAC messages decode unauthenticated with the keys as sent,
/// the DHHMAC message's MAC verifies with the PSK, an Error message's V cannot be checked.
#[test]
fn mikey_vector_files_decode_with_the_expected_mac_result_and_keys() {
    let h = |s: &str| keying_cli::input::hex(s).unwrap();
    let path = |n: &str| format!("@{}", vector_path(&format!("mikey/{n}.hex")));
    // NULL / NULL KEMAC with TEK + SALT (the encoder-built m3 and the GStreamer-built g1):
    // nothing authenticates them (mac_ok false, exit 1), the keys are shown as sent.
    for name in ["m3_psk_null_interval", "g1_gst_psk_null"] {
        let (code, v, err) = decode_psk(VECTOR_PSK, &path(name));
        assert_eq!(code, 1, "{name}");
        assert_eq!(v.get("mac_ok"), &Json::Bool(false), "{name}");
        assert!(err.contains("MAC alg is NULL"), "{name}: {err}");
        assert_eq!(
            bytes_of(v.get("tgk")),
            h("202122232425262728292a2b2c2d2e2f")
        );
        assert_eq!(
            srtp(&v),
            [(
                0xdead_beef,
                h("202122232425262728292a2b2c2d2e2f"),
                h("404142434445464748494a4b4c4d"),
                0
            )],
            "{name}"
        );
    }
    // m10: NULL / NULL with TGK = 16×0x11, 2 CS: CS 1 has the independently computed TEK
    // and salt of TGK 16×0x11, CSB 0x12345678, RAND 00..0f, cs_id 1.
    let (code, v, _) = decode_psk(VECTOR_PSK, &path("m10_two_cs_counter_genext"));
    assert_eq!(code, 1);
    assert_eq!(bytes_of(v.get("tgk")), [0x11; 16]);
    let s = srtp(&v);
    assert_eq!(s.len(), 2);
    assert_eq!(
        s[0],
        (
            0xdead_beef,
            h("434b4682ec757653eeeae35db1acc6b8"),
            h("854fd841302b863fd43730303793"),
            1
        )
    );
    assert_eq!((s[1].0, s[1].3), (0x0102_0304, 2));
    assert_ne!(s[1].1, s[0].1);
    // ONVIF PR #555: a 30-byte TEK = key ‖ salt.
    let (code, v, _) = decode_psk(VECTOR_PSK, &path("onvif_pr555"));
    assert_eq!(code, 1);
    assert_eq!(
        srtp(&v),
        [(
            0xc20f_551c,
            h("df40b9f54ac2944d1edbb50fe61fd6b7"),
            h("2f542fcf9d7f383edadb669a8de4"),
            0
        )]
    );
    // m5: DHHMAC I_MESSAGE, KEMAC HMAC with the auth_key of PSK 00..0f: the MAC verifies
    // with that PSK (keys need the DH secret: none shown).
    let (code, v, err) = decode_psk(VECTOR_PSK, &path("m5_dhhmac_init"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(v.get("mac_ok"), &Json::Bool(true));
    assert!(v.get("srtp").arr().is_empty() && v.get("tgk").is_null());
    assert!(
        v.get("warnings")
            .arr()
            .iter()
            .any(|w| w.str().contains("DHHMAC"))
    );
    let (code, v, err) = decode_psk("00", &path("m5_dhhmac_init"));
    assert_eq!((code, v.get("mac_ok")), (1, &Json::Bool(false)));
    assert!(err.contains("does not verify"), "{err}");
    // m9: an Error message's V key needs the I_MESSAGE's RAND: not supported (exit 2).
    let r = keying(&["mikey", "decode", "--psk", VECTOR_PSK, &path("m9_error")]);
    assert_eq!(r.code, 2);
    assert!(r.out.is_empty());
    assert!(r.err.contains("RAND"), "{}", r.err);
}

#[test]
fn argument_errors() {
    let r = keying(&["mikey", "psk-init", "--ssrc", "1"]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("needs --psk"), "{}", r.err);
    let r = keying(&["mikey", "psk-init", "--psk", "00"]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("needs --ssrc"), "{}", r.err);
    let r = keying(&["mikey", "psk-init", "--psk", "00", "--ssrc", "4294967296"]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("32 bits"), "{}", r.err);
    let long = "00".repeat(257);
    let r = keying(&["mikey", "psk-init", "--psk", &long, "--ssrc", "1"]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("at most 256"), "{}", r.err);
    let path = format!("@{}", vector_path("mikey/g1_gst_psk_null.hex"));
    let r = keying(&["mikey", "decode", "--psk", "xyz", &path]);
    assert_eq!(r.code, 2);
    let r = keying(&["mikey", "decode", "--psk", &long, &path]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("at most 256"), "{}", r.err);
    // Malformed input with --psk: decoded as far as it goes, exit 1, no keys.
    let r = keying(&["mikey", "decode", "--json", "--psk", "00", "0100"]);
    assert_eq!(r.code, 1);
    assert!(Json::parse(&r.out).get("mac_ok").is_null());
}
