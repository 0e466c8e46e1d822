//! Each failure gives its RFC 3830 §6.12 Error no, and the Error message reaches the
//! Initiator authenticated (V) when a key exists.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod km;

use keying_crypto::rustcrypto::RustCrypto;
use keying_crypto::{HashAlg, Symmetric};
use km::*;
use mikey_core::error::KmError;
use mikey_core::hooks::StaticPsk;
use mikey_core::kdf::KemacKeys;
use mikey_core::offer::Offer;
use mikey_core::policy::Policy;
use mikey_core::psk::{PskInitiator, PskResponder};
use mikey_core::wire::sp::{ProtType, SpParam};
use mikey_core::{
    CommonHeader, CsIdMap, DataType, EncrAlg, ErrorNo, Kemac, KeyData, KeyType, KeyValidity, List,
    MacAlg, Message, MessageWriter, Payload, PrfFunc, Rand, Sp,
};

const PSK: &[u8] = b"error-path psk";

/// A PSK I_MESSAGE with `sp` and NULL-encrypted key data, correctly MAC-ed.
fn psk_msg(prf: PrfFunc, sp: Sp<'_>) -> Vec<u8> {
    psk_msg_with(prf, sp, &[])
}

/// [`psk_msg`] with `extra` payloads before the KEMAC.
fn psk_msg_with(prf: PrfFunc, sp: Sp<'_>, extra: &[Payload<'_>]) -> Vec<u8> {
    let rand = [7u8; 16];
    let cs = [mikey_core::SrtpCs {
        policy_no: 0,
        ssrc: 9,
        roc: 0,
    }];
    let h = CommonHeader {
        data_type: DataType::PskInit,
        v: false,
        prf_func: prf,
        csb_id: 0x600d,
        cs_id_map: CsIdMap::SrtpId(List::Items(&cs)),
    };
    let mut plain = [0u8; 64];
    let n = mikey_core::wire::emit_sub_payloads(
        &[Payload::KeyData(KeyData {
            key_type: KeyType::Tgk,
            key: &[0x33; 16],
            salt: None,
            kv: KeyValidity::Null,
        })],
        &mut plain,
    )
    .unwrap();
    let mut buf = vec![0u8; 512];
    let mut w = MessageWriter::new(&mut buf, &h);
    w.push(&Payload::Timestamp(ntp_ts(now(0))))
        .push(&Payload::Rand(Rand { rand: &rand }))
        .push(&Payload::Sp(sp));
    for p in extra {
        w.push(p);
    }
    w.push(&Payload::Kemac(Kemac {
        encr_alg: EncrAlg::Null,
        encr_data: &plain[..n],
        mac_alg: MacAlg::HmacSha1_160,
        mac: &[0; 20],
    }));
    let len = w.finish().unwrap();
    buf.truncate(len);
    let hash_prf = if prf == PrfFunc::HmacSha256 {
        prf
    } else {
        PrfFunc::Mikey1
    };
    let k = KemacKeys::derive(
        &RustCrypto,
        &mikey_core::kdf::Derivation::new(hash_prf, PSK, 0x600d, &rand),
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

fn responder(policy: Policy) -> PskResponder<RustCrypto> {
    PskResponder::new(
        RustCrypto,
        Policy {
            allow_null_encryption: true,
            ..policy
        },
    )
}

fn reject(policy: Policy, msg: &[u8]) -> (KmError, Option<Vec<u8>>) {
    let mut out = [0u8; 512];
    let e = responder(policy)
        .handle(now(0), msg, &StaticPsk::new(PSK).unwrap(), &mut out)
        .unwrap_err();
    (e.error, e.reply_len.map(|n| out[..n].to_vec()))
}

fn srtp_sp<'a>(params: &'a [SpParam<'a>]) -> Sp<'a> {
    Sp {
        policy_no: 0,
        prot_type: ProtType::Srtp,
        params: List::Items(params),
    }
}

#[test]
fn each_failure_has_its_error_no() {
    let ok = psk_msg(PrfFunc::Mikey1, srtp_sp(&[]));
    let mut out = [0u8; 512];
    responder(Policy::default())
        .handle(now(0), &ok, &StaticPsk::new(PSK).unwrap(), &mut out)
        .unwrap();
    // Invalid SP (Prot type TESLA).
    let tesla = Sp {
        prot_type: ProtType::Tesla,
        ..srtp_sp(&[])
    };
    let (e, reply) = reject(Policy::default(), &psk_msg(PrfFunc::Mikey1, tesla));
    assert_eq!(e.error_no(), ErrorNo::InvalidSp);
    let em = Message::parse(reply.as_deref().unwrap()).unwrap();
    assert!(em.verification().is_some(), "V-protected: the PSK is known");
    // Invalid SPpar (a 5-byte session key).
    let p = [SpParam {
        kind: 1,
        value: &[5],
    }];
    let (e, _) = reject(Policy::default(), &psk_msg(PrfFunc::Mikey1, srtp_sp(&p)));
    assert_eq!(e.error_no(), ErrorNo::InvalidSpPar);
    // SRTP key below the policy's minimum: Invalid SPpar.
    let p = [SpParam {
        kind: 1,
        value: &[16],
    }];
    let (e, _) = reject(
        Policy {
            min_srtp_key_len: 32,
            ..Policy::default()
        },
        &psk_msg(PrfFunc::Mikey1, srtp_sp(&p)),
    );
    assert_eq!(e.error_no(), ErrorNo::InvalidSpPar);
    // Invalid PRF: PRF-HMAC-SHA-256 refused by policy, and an unknown PRF.
    let (e, _) = reject(
        Policy {
            allow_prf_sha256: false,
            ..Policy::default()
        },
        &psk_msg(PrfFunc::HmacSha256, srtp_sp(&[])),
    );
    assert_eq!(e.error_no(), ErrorNo::InvalidPrf);
    let (e, _) = reject(
        Policy::default(),
        &psk_msg(PrfFunc::Unknown(9), srtp_sp(&[])),
    );
    assert_eq!(e.error_no(), ErrorNo::InvalidPrf);
    // Invalid MAC (HMAC-SHA-256 refused), Invalid EA (AES-KW refused).
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let mut buf = [0u8; 512];
    let offer = Offer {
        mac: MacAlg::HmacSha256_256,
        ..Offer::new(1, &STREAMS[..1], ntp_ts(now(0)))
    };
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            PSK,
            &mut rng(1),
            &mut buf,
        )
        .unwrap();
    let (e, _) = reject(
        Policy {
            allow_hmac_sha256: false,
            ..Policy::default()
        },
        &buf[..n],
    );
    assert_eq!(e.error_no(), ErrorNo::InvalidMac);
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let offer = Offer {
        encr: EncrAlg::AesKw128,
        ..Offer::new(2, &STREAMS[..1], ntp_ts(now(0)))
    };
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            PSK,
            &mut rng(2),
            &mut buf,
        )
        .unwrap();
    let (e, _) = reject(
        Policy {
            allow_aes_kw: false,
            ..Policy::default()
        },
        &buf[..n],
    );
    assert_eq!(e.error_no(), ErrorNo::InvalidEa);
    // Invalid DT: a response sent to a Responder.
    let (e, _) = reject(Policy::default(), &hex_resp());
    assert_eq!(e.error_no(), ErrorNo::InvalidDt);
}

fn hex_resp() -> Vec<u8> {
    // HDR (PSK verification), T, V with a 20-byte MAC.
    let h = CommonHeader {
        data_type: DataType::PskResp,
        v: false,
        prf_func: PrfFunc::Mikey1,
        csb_id: 1,
        cs_id_map: CsIdMap::SrtpId(List::Items(&[])),
    };
    let mut buf = vec![0u8; 128];
    let mut w = MessageWriter::new(&mut buf, &h);
    w.push(&Payload::Timestamp(ntp_ts(now(0))))
        .push(&Payload::V(mikey_core::Verification {
            auth_alg: MacAlg::HmacSha1_160,
            ver_data: &[0; 20],
        }));
    let n = w.finish().unwrap();
    buf.truncate(n);
    buf
}

#[test]
fn the_initiator_receives_an_authenticated_error() {
    let offer = Offer {
        encr: EncrAlg::Null,
        verification: true,
        ..Offer::new(3, &STREAMS[..1], ntp_ts(now(0)))
    };
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let mut buf = [0u8; 512];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            PSK,
            &mut rng(3),
            &mut buf,
        )
        .unwrap();
    let mut r: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
    let mut out = [0u8; 512];
    let e = r
        .handle(now(0), &buf[..n], &StaticPsk::new(PSK).unwrap(), &mut out)
        .unwrap_err();
    let reply = &out[..e.reply_len.unwrap()];
    assert_eq!(
        i.handle_response(now(0), reply),
        Err(KmError::PeerError {
            error_no: ErrorNo::InvalidEa,
            authenticated: true
        })
    );
    // A forged (unauthenticated) one is reported as such; the Initiator keeps waiting.
    let mut forged = reply.to_vec();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    assert_eq!(
        i.handle_response(now(0), &forged),
        Err(KmError::PeerError {
            error_no: ErrorNo::InvalidEa,
            authenticated: false
        })
    );
    assert!(i.is_waiting());
}

/// Key data belongs inside the KEMAC (RFC 3830 §3.1, §6.2): a Key data payload in the
/// I_MESSAGE itself is refused as misplaced while the message is parsed, before the MAC
/// is checked (even when the MAC covers it), as a payload of an unknown type is.
#[test]
fn a_key_data_payload_outside_the_kemac_is_refused() {
    let stray = Payload::KeyData(KeyData {
        key_type: KeyType::Tgk,
        key: &[0x44; 16],
        salt: None,
        kv: KeyValidity::Null,
    });
    let msg = psk_msg_with(PrfFunc::Mikey1, srtp_sp(&[]), &[stray]);
    let (e, reply) = reject(Policy::default(), &msg);
    assert!(
        matches!(
            e,
            KmError::Message(mikey_core::error::Error::Misplaced {
                payload: mikey_core::PayloadType::KeyData,
                ..
            })
        ),
        "{e:?}"
    );
    assert_eq!(e.error_no(), ErrorNo::Unspecified);
    // As for any message that does not parse: no Error message.
    assert!(reply.is_none());
    // The same message without the stray payload is accepted.
    let mut out = [0u8; 512];
    let ok = psk_msg(PrfFunc::Mikey1, srtp_sp(&[]));
    responder(Policy::default())
        .handle(now(0), &ok, &StaticPsk::new(PSK).unwrap(), &mut out)
        .unwrap();
}
