//! MIKEY-RSA-R (RFC 4738) group key distribution: one sender (Responder) serves a group TGK
//! and CSB ID to three receivers (Initiators) that join at different times, then re-keys
//! the group and every receiver joins again. Prints what crosses the wire and the SRTP
//! keys each side derived; exits non-zero on any mismatch.
//!
//! `cargo run --example mikey_rsa_r`

// An example over its own fixed inputs.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;
use common::*;

use std::process::ExitCode;
use std::time::Instant;

use keying::crypto::rustcrypto::{HashDrbg, RsaPrivate, RustCrypto};
use keying::mikey::Time;
use keying::mikey::hooks::LocalIdentity;
use keying::mikey::policy::Policy;
use keying::mikey::rsa_r::{RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
use keying::mikey::srtp::{SrtpPolicy, SrtpSas};
use keying::mikey::{Id, IdType, SrtpCs, Timestamp, TsType};

const SENDER_KEY: &[u8] = include_bytes!("../tests/vectors/mikey/rsa2048_sender.pkcs1.der");
const SENDER_CERT: &[u8] = include_bytes!("../tests/vectors/mikey/rsa2048_sender.cert.der");
const SENDER_SPKI: &[u8] = include_bytes!("../tests/vectors/mikey/rsa2048_sender.spki.der");
/// A receiver: private key, self-signed X.509 certificate, public key (pinned by the
/// sender) and URI.
struct Receiver {
    key: &'static [u8],
    cert: &'static [u8],
    spki: &'static [u8],
    uri: &'static [u8],
}

const RECV: [Receiver; 3] = [
    Receiver {
        key: include_bytes!("../tests/vectors/mikey/rsa2048_recv1.pkcs1.der"),
        cert: include_bytes!("../tests/vectors/mikey/rsa2048_recv1.cert.der"),
        spki: include_bytes!("../tests/vectors/mikey/rsa2048_recv1.spki.der"),
        uri: b"sip:recv1@example.com",
    },
    Receiver {
        key: include_bytes!("../tests/vectors/mikey/rsa2048_recv2.pkcs1.der"),
        cert: include_bytes!("../tests/vectors/mikey/rsa2048_recv2.cert.der"),
        spki: include_bytes!("../tests/vectors/mikey/rsa2048_recv2.spki.der"),
        uri: b"sip:recv2@example.com",
    },
    Receiver {
        key: include_bytes!("../tests/vectors/mikey/rsa2048_recv3.pkcs1.der"),
        cert: include_bytes!("../tests/vectors/mikey/rsa2048_recv3.cert.der"),
        spki: include_bytes!("../tests/vectors/mikey/rsa2048_recv3.spki.der"),
        uri: b"sip:recv3@example.com",
    },
];

fn show(who: &str, csb: u32, sas: &SrtpSas) {
    for sa in sas {
        println!(
            "{who}: CSB {csb:08x} CS {} SSRC {:08x} key {} salt {}",
            sa.cs_id,
            sa.ssrc,
            hex(sa.master_key.expose()),
            hex(sa.master_salt.expose())
        );
    }
}

fn main() -> ExitCode {
    let t0 = Time::from_unix_secs(3_972_844_800 - keying::crypto::NTP_UNIX_OFFSET_SECS);
    let sender_key = RsaPrivate::from_pkcs1_der(SENDER_KEY).unwrap();
    let sender_id = LocalIdentity {
        key: &sender_key,
        cert: Some(SENDER_CERT),
        id: Some(Id {
            id_type: IdType::Uri,
            data: b"sip:sender@example.com",
        }),
    };
    let keys: Vec<RsaPrivate> = RECV
        .iter()
        .map(|r| RsaPrivate::from_pkcs1_der(r.key).unwrap())
        .collect();
    let receivers: Vec<LocalIdentity<'_, RsaPrivate>> = RECV
        .iter()
        .zip(&keys)
        .map(|(r, key)| LocalIdentity {
            key,
            cert: Some(r.cert),
            id: Some(Id {
                id_type: IdType::Uri,
                data: r.uri,
            }),
        })
        .collect();
    let trusted_receivers = pinned(&RECV.map(|r| r.spki));
    let streams = [
        SrtpCs {
            policy_no: 0,
            ssrc: 0x5e4d_0001,
            roc: 0,
        },
        SrtpCs {
            policy_no: 1,
            ssrc: 0x5e4d_0002,
            roc: 0,
        },
    ];
    let policies = [
        (0, SrtpPolicy::DEFAULT),
        (
            1,
            SrtpPolicy {
                encr_key_len: 32,
                ..SrtpPolicy::DEFAULT
            },
        ),
    ];
    let mut sender = RsaRResponder::new(RustCrypto, Policy::default(), &[], &[]).unwrap();
    let mut rng = HashDrbg::new(&[6; 32]);
    sender
        .serve_group(&streams, &policies, 32, &mut rng)
        .unwrap();
    let mut ok = true;
    for round in 0..2 {
        if round == 1 {
            sender.rekey_group(&mut rng).unwrap();
            println!(
                "--- group re-key (generation {}) ---",
                sender.group().unwrap().generation()
            );
        }
        let sender_sas = sender.group_sas().unwrap();
        show("sender   ", sender.group().unwrap().csb_id(), &sender_sas);
        for (k, me) in receivers.iter().enumerate() {
            // Receivers join at different times: 0 s, 40 s and 120 s after the round starts.
            let at = t0.saturating_add(core::time::Duration::from_secs(u64::from(
                1000 * round + [0, 40, 120][k],
            )));
            let started = Instant::now();
            let mut receiver = RsaRInitiator::new(RustCrypto, Policy::default());
            let offer = RsaROffer::new(
                0x100 * (round + 1) + u32::try_from(k).unwrap(),
                Timestamp {
                    ts_type: TsType::NtpUtc,
                    value: at.to_ntp(),
                },
                RsaRMode::Group,
            );
            let mut i_msg = [0u8; 2048];
            let n = receiver
                .start(at, &offer, me, &mut rng, &mut i_msg)
                .unwrap();
            println!("recv{} I_MESSAGE  -> {}", k + 1, hex(&i_msg[..n]));
            let mut r_msg = [0u8; 2048];
            let acc = sender
                .handle(
                    at,
                    &i_msg[..n],
                    &sender_id,
                    &trusted_receivers,
                    &mut rng,
                    &mut r_msg,
                )
                .unwrap();
            let m = acc.reply_len.unwrap();
            println!("recv{} R_MESSAGE <-  {}", k + 1, hex(&r_msg[..m]));
            receiver
                .handle_response(at, &r_msg[..m], me, &pinned(&[SENDER_SPKI]), &mut rng)
                .unwrap();
            let (csb, sas) = receiver.poll_keys().unwrap();
            println!("recv{} full exchange: {:?}", k + 1, started.elapsed());
            show(&format!("recv{}    ", k + 1), csb, sas);
            ok &= same(sas, &sender_sas) && csb == sender.group().unwrap().csb_id();
        }
    }
    if ok {
        println!("every receiver holds the sender's SRTP keys, before and after the re-key");
        ExitCode::SUCCESS
    } else {
        println!("MISMATCH");
        ExitCode::FAILURE
    }
}
