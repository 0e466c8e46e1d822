//! The primitive calls of each full MIKEY exchange, recorded through wrapping providers
//! (`keying_bench::exchange::Recorder`), must be exactly the model below: the "primitives"
//! side of `benches/mikey_exchange.rs` and `examples/paired.rs` replays these calls, so an
//! exchange that starts calling more (or fewer) primitives fails here instead of silently
//! moving the overhead figure. Also checks that both sides derive the same keys and that
//! the replay reproduces every call successfully.
//!
//! The model, counted from mikey-core (`psk.rs`, `rsa_r.rs`, `dh.rs`, `steps/`,
//! `kdf.rs`, `srtp.rs`; one SRTP stream, MIKEY-1 PRF, AES-CM-128, HMAC-SHA-1-160, SIGN = RSA-PSS /
//! SHA-256, PKE = PKCS#1 v1.5):
//! - one PRF output of ≤ 20 bytes costs 2 HMAC-SHA-1 per 32-byte chunk of the input key
//!   (A_1 and HMAC(A_1 ‖ label); RFC 3830 §4.1.2 — A_2 is not needed for one block and
//!   is not computed); KEMAC keys (encr, auth, salt) = 3 outputs; SRTP master key + salt
//!   = 2 outputs per side; the outputs of one derivation share one keyed HMAC state per
//!   chunk (`hmac_sha1_key`: the KEMAC keys once, the SRTP keys once, per side); the
//!   model counts those keyed states and the one-off HMACs (`hmac_sha1`: KEMAC MAC, V)
//!   per label, and all HMAC messages together (`hmac_messages`);
//! - PSK: Initiator 6 (KEMAC keys) + 1 (KEMAC MAC) + 4 (SAs); Responder 6 + 1 (MAC
//!   check) + 4 (SAs) + 1 (V); Initiator 1 (V check) = 24 HMAC; AES-CM encrypt + decrypt;
//!   no digest for the replay cache (the verified KEMAC MAC identifies the message; the
//!   peer is digested only for COUNTER timestamps); RNG: RAND, TGK;
//! - RSA-R: SIGNi, SIGNr (2 signs), 2 verifies (each side loads the peer's key from CERT
//!   first), PKE encrypt / decrypt, 2 × (6 + 1 + 4) HMAC, 2 AES-CM, 1 HMAC-SHA-1 (the
//!   replay cache's message digest); RNG: RAND, TGK, envelope key;
//! - DH: 2 signs, 2 verifies, 2 SPKI loads, 1 HMAC-SHA-1 (the replay cache's message
//!   digest); the 192-byte TGK is 6 PRF chunks,
//!   so the SAs cost 6 × 2 × 2 = 24 HMAC per side under 6 keyed states; RNG: RAND and
//!   one private exponent per side; MODP: 2 key pairs + 2 agreements (not observable through the provider traits,
//!   added from the model by `dh_model_calls`).
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::BTreeMap;

use keying_bench::exchange::{Call, Fixture, Mode, Replay, counts, hmac_messages};
use keying_crypto::rustcrypto::HashDrbg;

fn model(mode: Mode) -> BTreeMap<String, usize> {
    let m: &[(&str, usize)] = match mode {
        Mode::Psk => &[
            ("hmac_sha1", 4),
            ("hmac_sha1_key", 4),
            ("aes128_cm", 2),
            ("drbg", 2),
        ],
        Mode::RsaR => &[
            ("rsa2048_sign_pkcs1v15_sha256", 2),
            ("rsa2048_verify_pkcs1v15_sha256", 2),
            ("rsa2048_encrypt_pkcs1v15", 1),
            ("rsa2048_decrypt_pkcs1v15", 1),
            ("rsa_load_spki", 2),
            ("hmac_sha1", 3),
            ("hmac_sha1_key", 4),
            ("aes128_cm", 2),
            ("drbg", 3),
        ],
        Mode::Dh => &[
            ("rsa2048_sign_pkcs1v15_sha256", 2),
            ("rsa2048_verify_pkcs1v15_sha256", 2),
            ("rsa_load_spki", 2),
            ("modp1536_keypair", 2),
            ("modp1536_agree", 2),
            ("hmac_sha1", 1),
            ("hmac_sha1_key", 12),
            ("drbg", 3),
        ],
    };
    m.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
}

#[test]
fn every_exchange_calls_exactly_the_modelled_primitives() {
    let f = Fixture::load().unwrap();
    for mode in Mode::ALL {
        let calls = f.record(mode).unwrap();
        assert_eq!(counts(&calls), model(mode), "{mode:?}: {calls:?}");
        // HMAC messages, one-off and under keyed states together (RSA-R and DH: with the
        // replay cache's message digest).
        let messages = match mode {
            Mode::Psk => 24,
            Mode::RsaR => 23,
            Mode::Dh => 49,
        };
        assert_eq!(hmac_messages(&calls), messages, "{mode:?}");
        // The random requests a role makes: 16-byte RANDs / TGKs, 31-byte envelope key
        // and DH exponents.
        let rnd: Vec<usize> = calls
            .iter()
            .filter_map(|c| match c {
                Call::Random { len } => Some(*len),
                _ => None,
            })
            .collect();
        let want: &[usize] = match mode {
            Mode::Psk => &[16, 16],
            Mode::RsaR => &[16, 16, 31],
            Mode::Dh => &[16, 32, 32],
        };
        assert_eq!(rnd, want, "{mode:?}");
        // The replay reproduces every call, successfully.
        let replay = Replay::new(&calls, &f.keys(), |_| true).unwrap();
        assert_eq!(replay.len(), calls.len());
        assert_eq!(
            replay.run(&mut HashDrbg::new(b"replay")),
            calls.len(),
            "{mode:?}"
        );
    }
}

#[test]
fn the_benchmarked_exchanges_agree_and_repeat_byte_for_byte() {
    let f = Fixture::load().unwrap();
    for mode in Mode::ALL {
        let mut msgs = Vec::new();
        for _ in 0..2 {
            let mut fresh = f.fresh(mode).unwrap();
            let out = f.run(&mut fresh).unwrap();
            assert!(out.agree(), "{mode:?}");
            let (i_len, r_len) = (out.i_len, out.r_len);
            let (i, r) = fresh.bufs().messages(i_len, r_len);
            msgs.push((i.to_vec(), r.to_vec()));
        }
        assert_eq!(msgs[0], msgs[1], "{mode:?}: not deterministic");
    }
}
