//! KEMAC encryption recomputed outside the crate with the `aes`, `aes-kw` and `ctr` crates:
//! AES-KW-128 with the key wrap IV set to the 64-bit salt S (RFC 3830 §4.2.3) or to RFC
//! 3394's default IV, an unwrap failure under a valid MAC, and AES-CM-256 (RFC 6043 §6.2).
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod km;

use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, KeyInit, KeyIvInit, StreamCipher};
use keying_crypto::rustcrypto::RustCrypto;
use keying_crypto::{CryptoError, HashAlg, Symmetric};
use km::*;
use mikey_core::error::KmError;
use mikey_core::hooks::StaticPsk;
use mikey_core::kdf;
use mikey_core::offer::Offer;
use mikey_core::policy::Policy;
use mikey_core::psk::{PskInitiator, PskResponder};
use mikey_core::{EncrAlg, ErrorNo, MacAlg, Message, PayloadType, PrfFunc};

const PSK: &[u8] = b"kemac encryption psk";
const CSB: u32 = 0x0bad_cafe;

/// RFC 3394 §2.2.1 key wrap (index-based form) with `A[0] = iv`, written from the RFC.
fn rfc3394_wrap(kek: &[u8; 16], iv: [u8; 8], p: &[u8]) -> Vec<u8> {
    let aes = aes::Aes128::new(kek.into());
    let n = p.len() / 8;
    let mut a = iv;
    let mut r: Vec<[u8; 8]> = p.chunks(8).map(|c| c.try_into().unwrap()).collect();
    for j in 0..6 {
        for i in 1..=n {
            let mut b = [0u8; 16];
            b[..8].copy_from_slice(&a);
            b[8..].copy_from_slice(&r[i - 1]);
            aes.encrypt_block((&mut b).into());
            let t = (n * j + i) as u64;
            a = (u64::from_be_bytes(b[..8].try_into().unwrap()) ^ t).to_be_bytes();
            r[i - 1].copy_from_slice(&b[8..]);
        }
    }
    let mut c = a.to_vec();
    for ri in r {
        c.extend_from_slice(&ri);
    }
    c
}

/// RFC 3394 §2.2.2 key unwrap without the integrity check: (`A[0]`, the key data).
fn rfc3394_unwrap(kek: &[u8; 16], c: &[u8]) -> ([u8; 8], Vec<u8>) {
    let aes = aes::Aes128::new(kek.into());
    let n = c.len() / 8 - 1;
    let mut a: [u8; 8] = c[..8].try_into().unwrap();
    let mut r: Vec<[u8; 8]> = c[8..].chunks(8).map(|x| x.try_into().unwrap()).collect();
    for j in (0..6).rev() {
        for i in (1..=n).rev() {
            let t = (n * j + i) as u64;
            let mut b = [0u8; 16];
            b[..8].copy_from_slice(&(u64::from_be_bytes(a) ^ t).to_be_bytes());
            b[8..].copy_from_slice(&r[i - 1]);
            aes.decrypt_block((&mut b).into());
            a.copy_from_slice(&b[..8]);
            r[i - 1].copy_from_slice(&b[8..]);
        }
    }
    (a, r.concat())
}

/// The helpers agree with RFC 3394 §4.1 and with the `aes-kw` crate (default IV).
#[test]
fn reference_key_wrap_matches_rfc3394_and_aes_kw() {
    let kek: [u8; 16] = hex_literal::hex!("000102030405060708090A0B0C0D0E0F");
    let key = hex_literal::hex!("00112233445566778899AABBCCDDEEFF");
    let c = rfc3394_wrap(&kek, [0xa6; 8], &key);
    assert_eq!(
        c,
        hex_literal::hex!("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5")
    );
    let mut out = [0u8; 24];
    aes_kw::KwAes128::new(&kek.into())
        .wrap_key(&key, &mut out)
        .unwrap();
    assert_eq!(c, out);
    assert_eq!(rfc3394_unwrap(&kek, &c), ([0xa6; 8], key.to_vec()));
}

/// encr_key (`len` bytes), auth_key (20) and the salt `salt_len` bytes long, each derived
/// on its own with the §4.1.4 constants (cs_id 0xFF), from the PSK, CSB ID and RAND.
fn derived(prf: PrfFunc, rand: &[u8], len: usize, salt_len: usize) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let d = |c, l| {
        kdf::derive(
            &RustCrypto,
            &mikey_core::kdf::Derivation::new(prf, PSK, CSB, rand),
            c,
            0xff,
            l,
        )
        .unwrap()
        .expose()
        .to_vec()
    };
    (
        d(kdf::C_KEMAC_ENCR, len),
        d(kdf::C_KEMAC_AUTH, 20),
        d(kdf::C_KEMAC_SALT, salt_len),
    )
}

/// A PSK I_MESSAGE from our Initiator for `encr` (MIKEY-1 PRF, HMAC-SHA-1-160).
fn initiator_message(encr: EncrAlg, seed: u8) -> (PskInitiator<RustCrypto>, Vec<u8>) {
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let offer = Offer {
        encr,
        ..Offer::new(CSB, &STREAMS[..1], ntp_ts(now(0)))
    };
    let mut out = [0u8; 1024];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            PSK,
            &mut rng(seed),
            &mut out,
        )
        .unwrap();
    (i, out[..n].to_vec())
}

/// `msg` with its KEMAC Encr data replaced by `encr` (same length) and the KEMAC MAC
/// recomputed over the message (HMAC-SHA-1 under `auth`), as a peer holding the PSK would.
fn with_encr_data(msg: &[u8], encr: &[u8], auth: &[u8]) -> Vec<u8> {
    let m = Message::parse(msg).unwrap();
    let at = m.find(PayloadType::Kemac).unwrap().offset + 4;
    assert_eq!(m.kemac().unwrap().encr_data.len(), encr.len());
    let mut out = msg.to_vec();
    out[at..at + encr.len()].copy_from_slice(encr);
    let m = Message::parse(&out).unwrap();
    let cov = m.kemac_covered().unwrap();
    let mac = RustCrypto.hmac(HashAlg::Sha1, auth, &[cov.message]);
    let range = cov.mac.clone();
    out[range].copy_from_slice(mac.as_bytes());
    out
}

fn responder(policy: Policy) -> PskResponder<RustCrypto> {
    PskResponder::new(RustCrypto, policy)
}

#[test]
fn aes_kw_initiator_wraps_with_iv_s() {
    let (_, msg) = initiator_message(EncrAlg::AesKw128, 1);
    let m = Message::parse(&msg).unwrap();
    let kemac = m.kemac().unwrap();
    assert_eq!(kemac.encr_alg, EncrAlg::AesKw128);
    // "The 128-bit key and a 64-bit salt, S, are derived in accordance to Section 4.1.4
    // and the key wrap IV is then set to S."
    let (encr, _, s) = derived(PrfFunc::Mikey1, m.rand().unwrap(), 16, 8);
    let (a, plain) = rfc3394_unwrap(&encr.try_into().unwrap(), kemac.encr_data);
    assert_eq!(&a[..], &s[..], "the key wrap IV is S");
    assert_ne!(a, [0xa6; 8]);
    // The key data sub-payload: last, TGK with KV NULL, its length.
    assert_eq!(plain[0], 0);
    assert_eq!(
        usize::from(u16::from_be_bytes([plain[2], plain[3]])),
        plain.len() - 4
    );
}

#[test]
fn aes_kw_accepts_iv_s_and_the_default_iv() {
    let psk = StaticPsk::new(PSK).unwrap();
    let (i, msg) = initiator_message(EncrAlg::AesKw128, 2);
    let keys = i.poll_keys().unwrap().clone();
    let m = Message::parse(&msg).unwrap();
    let (encr, auth, s) = derived(PrfFunc::Mikey1, m.rand().unwrap(), 16, 8);
    let kek: [u8; 16] = encr.try_into().unwrap();
    let (_, plain) = rfc3394_unwrap(&kek, m.kemac().unwrap().encr_data);

    // Wrapped here from the RFC text with IV = S.
    let iv_s = with_encr_data(
        &msg,
        &rfc3394_wrap(&kek, s.clone().try_into().unwrap(), &plain),
        &auth,
    );
    // Wrapped by the `aes-kw` crate with RFC 3394's default IV.
    let mut dflt = vec![0u8; plain.len() + 8];
    aes_kw::KwAes128::new(&kek.into())
        .wrap_key(&plain, &mut dflt)
        .unwrap();
    let default_iv = with_encr_data(&msg, &dflt, &auth);
    assert_ne!(iv_s, default_iv);

    for (what, m) in [("IV = S", &iv_s), ("default IV", &default_iv)] {
        let mut out = [0u8; 512];
        let mut r = responder(Policy::default());
        let acc = r
            .handle(now(0), m, &psk, &mut out)
            .unwrap_or_else(|e| panic!("{what}: {e:?}"));
        assert_same(&keys, acc.sas);
    }
}

#[test]
fn aes_kw_unwrap_failure_under_a_valid_mac_is_not_a_mac_failure() {
    let psk = StaticPsk::new(PSK).unwrap();
    let (_, msg) = initiator_message(EncrAlg::AesKw128, 3);
    let m = Message::parse(&msg).unwrap();
    let (encr, auth, s) = derived(PrfFunc::Mikey1, m.rand().unwrap(), 16, 8);
    let kek: [u8; 16] = encr.try_into().unwrap();
    let wrapped = m.kemac().unwrap().encr_data.to_vec();
    let (_, plain) = rfc3394_unwrap(&kek, &wrapped);

    let mut flipped = wrapped.clone();
    flipped[9] ^= 0x40;
    let mut other_iv: [u8; 8] = s.try_into().unwrap();
    other_iv[7] ^= 1;
    let cases = [
        ("corrupted wrap", with_encr_data(&msg, &flipped, &auth)),
        (
            "another IV",
            with_encr_data(&msg, &rfc3394_wrap(&kek, other_iv, &plain), &auth),
        ),
    ];
    for (what, bad) in cases {
        let mut r = responder(Policy::default());
        let mut out = [0u8; 512];
        let e = r.handle(now(0), &bad, &psk, &mut out).unwrap_err();
        assert_eq!(e.error, KmError::KeyUnwrapFailed, "{what}");
        assert_ne!(e.error.error_no(), ErrorNo::AuthFailure, "{what}");
        // The Error message says so (Invalid EA), and nothing was recorded.
        let reply = Message::parse(&out[..e.reply_len.unwrap()]).unwrap();
        let Some(mikey_core::Payload::Err(err)) = reply.find(PayloadType::Err).map(|p| p.payload)
        else {
            panic!("{what}: no ERR payload");
        };
        assert_eq!(err.error_no, ErrorNo::InvalidEa, "{what}");
        assert_eq!(r.replay_cache().len(), 0, "{what}");
        // The untouched message is still accepted afterwards.
        r.handle(now(0), &msg, &psk, &mut out).unwrap();
    }
}

#[test]
fn aes_cm_256_round_trip() {
    let psk = StaticPsk::new(PSK).unwrap();
    for (prf, mac) in [
        (PrfFunc::HmacSha256, MacAlg::HmacSha256_256),
        (PrfFunc::Mikey1, MacAlg::HmacSha1_160),
    ] {
        let offer = Offer {
            encr: EncrAlg::AesCm256,
            prf,
            mac,
            verification: true,
            ..Offer::new(CSB, &STREAMS, ntp_ts(now(0)))
        };
        let mut i = PskInitiator::new(RustCrypto, Policy::default());
        let mut buf = [0u8; 1024];
        let n = i
            .start(
                mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
                &offer,
                PSK,
                &mut rng(4),
                &mut buf,
            )
            .unwrap();
        let msg = &buf[..n];
        assert_eq!(
            Message::parse(msg).unwrap().kemac().unwrap().encr_alg,
            EncrAlg::AesCm256
        );
        let mut r = responder(Policy::default());
        let mut out = [0u8; 512];
        let acc = r.handle(now(0), msg, &psk, &mut out).unwrap();
        i.handle_response(now(0), &out[..acc.reply_len.unwrap()])
            .unwrap();
        assert_same(i.poll_keys().unwrap(), acc.sas);
    }
}

/// AES-CM IV of RFC 3830 §4.2.3, from the text: `(S ⊕ (0x0000 ‖ CSB ID ‖ T)) ‖ 0x0000`
/// with the 112-bit salt S.
fn aes_cm_iv(salt: &[u8], t: u64) -> [u8; 16] {
    let mut x = [0u8; 14];
    x[2..6].copy_from_slice(&CSB.to_be_bytes());
    x[6..14].copy_from_slice(&t.to_be_bytes());
    let mut iv = [0u8; 16];
    for k in 0..14 {
        iv[k] = salt[k] ^ x[k];
    }
    iv
}

/// The AES-CM-256 Encr data is AES-256 in counter mode under the 256-bit encr_key with the
/// AES-CM-128 IV (RFC 6043 §6.2: "defined as described in Section 4.2.3 of [RFC3830] with
/// the only difference being that a 256-bit key SHALL be used"), over the very key data
/// the AES-CM-128 message from the same random bytes carries.
#[test]
fn aes_cm_256_known_answer() {
    let t = now(0).to_ntp();
    let (_, m128) = initiator_message(EncrAlg::AesCm128, 5);
    let (_, m256) = initiator_message(EncrAlg::AesCm256, 5);
    let m128 = Message::parse(&m128).unwrap();
    let m256 = Message::parse(&m256).unwrap();
    let rand = m128.rand().unwrap();
    assert_eq!(rand, m256.rand().unwrap());

    let (k128, _, salt) = derived(PrfFunc::Mikey1, rand, 16, 14);
    let mut plain = m128.kemac().unwrap().encr_data.to_vec();
    ctr::Ctr128BE::<aes::Aes128>::new_from_slices(&k128, &aes_cm_iv(&salt, t))
        .unwrap()
        .apply_keystream(&mut plain);
    // A key data sub-payload: last, TGK with KV NULL, 16-byte key.
    assert_eq!(&plain[..4], &[0, 0, 0, 16]);
    assert_eq!(plain.len(), 20);

    let (k256, _, salt256) = derived(PrfFunc::Mikey1, rand, 32, 14);
    assert_eq!(salt, salt256);
    let mut expected = plain.clone();
    ctr::Ctr128BE::<aes::Aes256>::new_from_slices(&k256, &aes_cm_iv(&salt, t))
        .unwrap()
        .apply_keystream(&mut expected);
    assert_eq!(m256.kemac().unwrap().encr_data, &expected[..]);
    assert_ne!(
        m256.kemac().unwrap().encr_data,
        m128.kemac().unwrap().encr_data
    );
}

#[test]
fn aes_cm_256_refused_by_policy() {
    let psk = StaticPsk::new(PSK).unwrap();
    let (_, msg) = initiator_message(EncrAlg::AesCm256, 6);
    let policy = Policy {
        allow_aes_cm_256: false,
        ..Policy::default()
    };
    let mut r = responder(policy);
    let mut out = [0u8; 512];
    let e = r.handle(now(0), &msg, &psk, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::EncrRefused(EncrAlg::AesCm256));
    assert_eq!(e.error.error_no(), ErrorNo::InvalidEa);
    assert!(e.reply_len.is_some());
    assert_eq!(r.replay_cache().len(), 0);
    // The default policy takes the same message.
    responder(Policy::default())
        .handle(now(0), &msg, &psk, &mut out)
        .unwrap();
}

/// RustCrypto without AES-256, and with only the provided (default-IV) key wrap methods:
/// a firmware build with `aes128` only, or a provider that cannot set the key wrap IV.
struct Narrow;

impl Symmetric for Narrow {
    fn hash(&self, alg: HashAlg, parts: &[&[u8]]) -> keying_crypto::Digest {
        RustCrypto.hash(alg, parts)
    }
    fn hmac(&self, alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> keying_crypto::Digest {
        RustCrypto.hmac(alg, key, parts)
    }
    fn aes_ctr(&self, k: &[u8], iv: &[u8; 16], d: &mut [u8]) -> Result<(), CryptoError> {
        if k.len() == 32 {
            return Err(CryptoError::Unsupported);
        }
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

#[test]
fn a_provider_lacking_aes_256_or_the_kw_iv_refuses_typed() {
    let psk = StaticPsk::new(PSK).unwrap();
    let mut out = [0u8; 1024];
    // Sending.
    for encr in [EncrAlg::AesCm256, EncrAlg::AesKw128] {
        let offer = Offer {
            encr,
            ..Offer::new(CSB, &STREAMS[..1], ntp_ts(now(0)))
        };
        let e = PskInitiator::new(Narrow, Policy::default())
            .start(
                mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
                &offer,
                PSK,
                &mut rng(7),
                &mut out,
            )
            .unwrap_err();
        assert_eq!(e, KmError::EncrRefused(encr));
    }
    // Receiving: refused once authenticated, with nothing recorded.
    for encr in [EncrAlg::AesCm256, EncrAlg::AesKw128] {
        let (_, msg) = initiator_message(encr, 8);
        let mut r: PskResponder<_> = PskResponder::new(Narrow, Policy::default());
        let e = r.handle(now(0), &msg, &psk, &mut out).unwrap_err();
        assert_eq!(e.error, KmError::EncrRefused(encr));
        assert_eq!(r.replay_cache().len(), 0);
    }
    // A default-IV wrap needs no IV support.
    let (_, msg) = initiator_message(EncrAlg::AesKw128, 9);
    let m = Message::parse(&msg).unwrap();
    let (encr, auth, _) = derived(PrfFunc::Mikey1, m.rand().unwrap(), 16, 8);
    let kek: [u8; 16] = encr.try_into().unwrap();
    let (_, plain) = rfc3394_unwrap(&kek, m.kemac().unwrap().encr_data);
    let msg = with_encr_data(&msg, &rfc3394_wrap(&kek, [0xa6; 8], &plain), &auth);
    let mut r: PskResponder<_> = PskResponder::new(Narrow, Policy::default());
    r.handle(now(0), &msg, &psk, &mut out).unwrap();
}

/// The RAND (drawn first, public) as a run of 0x11, then the TGK as a run of 0xa5.
struct Pattern(usize);

impl keying_crypto::Rng for Pattern {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), CryptoError> {
        dest.fill(if self.0 == 0 { 0x11 } else { 0xa5 });
        self.0 += 1;
        Ok(())
    }
}

/// The Initiator writes its key data into the KEMAC's Encr data field of the output and
/// encrypts it there: when the encryption fails (here a provider that cannot set the key
/// wrap IV), the field is wiped, so no TGK byte is left in the caller's buffer, and the
/// Initiator stays idle.
#[test]
fn a_failed_key_wrap_leaves_no_key_data_in_the_output() {
    let mut i = PskInitiator::new(Narrow, Policy::default());
    let offer = Offer {
        encr: EncrAlg::AesKw128,
        ..Offer::new(CSB, &STREAMS[..1], ntp_ts(now(0)))
    };
    let time = mikey_core::Time::from_ntp(offer.t.value64()).unwrap_or_default();
    let mut out = [0u8; 1024];
    let e = i
        .start(time, &offer, PSK, &mut Pattern(0), &mut out)
        .unwrap_err();
    assert_eq!(e, KmError::EncrRefused(EncrAlg::AesKw128));
    let run = [0xa5u8; 8];
    assert!(
        !out.windows(run.len()).any(|w| w == run),
        "TGK bytes left in the output"
    );
    assert!(i.poll_keys().is_none());
    // The same Initiator then starts with AES-CM, whose TGK is encrypted in place.
    let offer = Offer {
        encr: EncrAlg::AesCm128,
        ..offer
    };
    let n = i
        .start(time, &offer, PSK, &mut Pattern(0), &mut out)
        .unwrap();
    assert!(!out[..n].windows(run.len()).any(|w| w == run));
    let msg = Message::parse(&out[..n]).unwrap();
    assert_eq!(msg.kemac().unwrap().encr_alg, EncrAlg::AesCm128);
}

/// The same when the output buffer is too small for the whole I_MESSAGE but holds the Encr
/// data field: the key data written there is wiped before the error is returned.
#[test]
fn an_output_too_small_for_the_mac_keeps_no_key_data() {
    let offer = Offer {
        encr: EncrAlg::AesCm128,
        ..Offer::new(CSB, &STREAMS[..1], ntp_ts(now(0)))
    };
    let time = mikey_core::Time::from_ntp(offer.t.value64()).unwrap_or_default();
    let mut full = [0u8; 1024];
    let n = PskInitiator::new(RustCrypto, Policy::default())
        .start(time, &offer, PSK, &mut Pattern(0), &mut full)
        .unwrap();
    let run = [0xa5u8; 8];
    // Every length that cuts into the MAC (20 bytes) or its algorithm byte.
    for short in n - 21..n {
        let mut i = PskInitiator::new(RustCrypto, Policy::default());
        let mut out = vec![0u8; short];
        let e = i
            .start(time, &offer, PSK, &mut Pattern(0), &mut out)
            .unwrap_err();
        assert_eq!(e, KmError::BufferTooSmall { needed: n }, "{short}");
        assert!(
            !out.windows(run.len()).any(|w| w == run),
            "TGK bytes left in a {short}-byte output"
        );
        assert!(i.poll_keys().is_none());
    }
}
