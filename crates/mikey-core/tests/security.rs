//! The deps-perf-security §2.4 MIKEY items: SIGN is checked before PKE reaches the
//! private key; AES-KW inputs below 24 bytes are refused; a COUNTER cannot roll over.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod km;

use std::cell::Cell;

use keying_crypto::rustcrypto::{RsaPrivate, RsaPublic, RustCrypto};
use keying_crypto::{
    CryptoError, HashAlg, Rng, RsaEncryptionPadding, RsaPrivateKeyOps, RsaSignatureScheme,
    Symmetric,
};
use km::pki::{party, pinned};
use km::*;
use mikey_core::error::KmError;
use mikey_core::hooks::LocalIdentity;
use mikey_core::hooks::StaticPsk;
use mikey_core::kdf::KemacKeys;
use mikey_core::offer::Offer;
use mikey_core::pk::{PkInitiator, PkResponder};
use mikey_core::policy::Policy;
use mikey_core::psk::{PskInitiator, PskResponder};
use mikey_core::replay::TsError;
use mikey_core::{
    CommonHeader, CsIdMap, DataType, EncrAlg, Kemac, List, MacAlg, Message, MessageWriter, Payload,
    PrfFunc, Rand, Timestamp, TsType,
};

/// A private-key handle that counts decryptions.
struct Counting<'a>(&'a RsaPrivate, Cell<u32>);

impl RsaPrivateKeyOps for Counting<'_> {
    fn modulus_len(&self) -> usize {
        self.0.modulus_len()
    }
    fn sign(
        &self,
        rng: &mut dyn Rng,
        scheme: RsaSignatureScheme,
        parts: &[&[u8]],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        self.0.sign(rng, scheme, parts, out)
    }
    fn decrypt(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        c: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        self.1.set(self.1.get() + 1);
        self.0.decrypt(rng, padding, c, out)
    }
}

#[test]
fn unauthenticated_pke_never_reaches_the_private_key() {
    let a = party("recv1");
    let b = party("sender");
    let b_pub = RsaPublic::from_spki_der(&b.spki).unwrap();
    let mut buf = vec![0u8; 4096];
    let n = PkInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((Offer::new(1, &STREAMS[..1], ntp_ts(now(0)))).t.value64())
                .unwrap_or_default(),
            &Offer::new(1, &STREAMS[..1], ntp_ts(now(0))),
            &a.me(),
            &b_pub,
            None,
            &mut rng(1),
            &mut buf,
        )
        .unwrap();
    let msg = buf[..n].to_vec();
    let counting = Counting(&b.key, Cell::new(0));
    let me = LocalIdentity {
        key: &counting,
        cert: Some(&b.cert),
        id: b.me().id,
    };
    let pin = pinned([&a.spki]);
    let mut r: PkResponder<_> = PkResponder::new(RustCrypto, Policy::default());
    let mut out = vec![0u8; 4096];
    // Bad signature, bad PKE, untrusted signer, stale T: no decryption.
    let sig = Message::parse(&msg).unwrap().signature_range().unwrap();
    let mut bad = msg.clone();
    bad[sig.start + 7] ^= 1;
    assert_eq!(
        r.handle(now(0), &bad, &me, &pin, &mut rng(2), &mut out)
            .unwrap_err()
            .error,
        KmError::AuthFailed
    );
    let pke = Message::parse(&msg)
        .unwrap()
        .find(mikey_core::PayloadType::Pke)
        .unwrap()
        .offset;
    let mut bad = msg.clone();
    bad[pke + 10] ^= 1;
    assert!(
        r.handle(now(0), &bad, &me, &pin, &mut rng(3), &mut out)
            .is_err()
    );
    let other = pinned([&b.spki]);
    assert!(
        r.handle(now(0), &msg, &me, &other, &mut rng(4), &mut out)
            .is_err()
    );
    assert!(
        r.handle(now(9999), &msg, &me, &pin, &mut rng(5), &mut out)
            .is_err()
    );
    assert_eq!(
        counting.1.get(),
        0,
        "PKE reached the private key unauthenticated"
    );
    r.handle(now(0), &msg, &me, &pin, &mut rng(6), &mut out)
        .unwrap();
    assert_eq!(counting.1.get(), 1);
}

/// A PSK I_MESSAGE whose KEMAC is AES-KW over `wrapped`, correctly MAC-ed.
fn kw_msg(wrapped: &[u8]) -> Vec<u8> {
    let rand = [1u8; 16];
    let h = CommonHeader {
        data_type: DataType::PskInit,
        v: false,
        prf_func: PrfFunc::Mikey1,
        csb_id: 5,
        cs_id_map: CsIdMap::SrtpId(List::Items(&STREAMS[..1])),
    };
    let mut buf = vec![0u8; 512];
    let mut w = MessageWriter::new(&mut buf, &h);
    w.push(&Payload::Timestamp(ntp_ts(now(0))))
        .push(&Payload::Rand(Rand { rand: &rand }))
        .push(&Payload::Kemac(Kemac {
            encr_alg: EncrAlg::AesKw128,
            encr_data: wrapped,
            mac_alg: MacAlg::HmacSha1_160,
            mac: &[0; 20],
        }));
    let n = w.finish().unwrap();
    buf.truncate(n);
    let k = KemacKeys::derive(
        &RustCrypto,
        &mikey_core::kdf::Derivation::new(PrfFunc::Mikey1, b"kw psk", 5, &rand),
        16,
        20,
    )
    .unwrap();
    let m = Message::parse(&buf).unwrap();
    let cov = m.kemac_covered().unwrap();
    let mac = RustCrypto.hmac(HashAlg::Sha1, k.auth.expose(), &[cov.message]);
    let r = cov.mac.clone();
    buf[r].copy_from_slice(mac.as_bytes());
    buf
}

#[test]
fn aes_kw_below_24_bytes_is_refused() {
    let mut out = [0u8; 512];
    let psk = StaticPsk::new(b"kw psk").unwrap();
    // RFC 3394's IV alone (8 bytes) and one semiblock (16): refused even with a valid MAC,
    // as malformed key data; 24 bytes that do not unwrap fail the key wrap's integrity
    // check, which is not a MAC failure.
    for (wrapped, want) in [
        (&[0xa6u8; 8][..], KmError::KeyData),
        (&[0xa6; 16][..], KmError::KeyData),
        (&[0; 24][..], KmError::KeyUnwrapFailed),
    ] {
        let mut r: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
        let e = r
            .handle(now(0), &kw_msg(wrapped), &psk, &mut out)
            .unwrap_err();
        assert_eq!(e.error, want, "{} bytes", wrapped.len());
        assert_eq!(r.replay_cache().len(), 0);
    }
    // A real AES-KW exchange works.
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let mut buf = [0u8; 512];
    let offer = Offer {
        encr: EncrAlg::AesKw128,
        ..Offer::new(6, &STREAMS[..1], ntp_ts(now(0)))
    };
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            b"kw psk",
            &mut rng(7),
            &mut buf,
        )
        .unwrap();
    let mut r: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
    let acc = r.handle(now(0), &buf[..n], &psk, &mut out).unwrap();
    assert_same(i.poll_keys().unwrap(), acc.sas);
}

#[test]
fn counter_cannot_roll_over() {
    let psk = StaticPsk::new(b"ctr").unwrap();
    // COUNTER timestamps are refused by default: opted in to test them.
    let mut r: PskResponder<_> = PskResponder::new(
        RustCrypto,
        Policy {
            time: mikey_core::replay::TimePolicy {
                accept_counter: true,
                ..Default::default()
            },
            ..Policy::default()
        },
    );
    let mut out = [0u8; 512];
    let ctr = |value| Timestamp {
        ts_type: TsType::Counter,
        value,
    };
    let mut send = |v: u64, seed: u8| {
        let mut i = PskInitiator::new(RustCrypto, Policy::default());
        let mut buf = [0u8; 512];
        let n = i
            .start(
                mikey_core::Time::from_ntp((Offer::new(1, &STREAMS[..1], ctr(v))).t.value64())
                    .unwrap_or_default(),
                &Offer::new(1, &STREAMS[..1], ctr(v)),
                b"ctr",
                &mut rng(seed),
                &mut buf,
            )
            .unwrap();
        r.handle(now(0), &buf[..n], &psk, &mut out).map(|_| ())
    };
    send(u64::from(u32::MAX), 1).unwrap();
    let e = send(0, 2).unwrap_err();
    assert_eq!(e.error, KmError::Timestamp(TsError::CounterNotIncreasing));
}
