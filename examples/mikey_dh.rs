//! MIKEY signed Diffie-Hellman mode (RFC 3830 §3.3) over OAKLEY 5 (DH-Group 0), CERT and
//! SIGN (RSA-PSS) both ways. Prints what crosses the wire and the
//! SRTP keys each side derived; exits non-zero if they differ.
//!
//! `cargo run --example mikey_dh`

// An example over its own fixed inputs.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;
use common::*;

use std::process::ExitCode;
use std::time::Instant;

use keying::crypto::rustcrypto::{HashDrbg, RsaPrivate, RustCrypto};
use keying::mikey::Time;
use keying::mikey::dh::{DhInitiator, DhResponder};
use keying::mikey::offer::Offer;
use keying::mikey::policy::Policy;
use keying::mikey::{DhGroup, SrtpCs, Timestamp, TsType};

fn main() -> ExitCode {
    let now = Time::from_unix_secs(3_972_844_800 - keying::crypto::NTP_UNIX_OFFSET_SECS);
    let a_key = RsaPrivate::from_pkcs1_der(A_KEY).unwrap();
    let b_key = RsaPrivate::from_pkcs1_der(B_KEY).unwrap();
    let alice = identity(&a_key, A_CERT, b"sip:alice@example.com");
    let bob = identity(&b_key, B_CERT, b"sip:bob@example.com");
    let streams = [SrtpCs {
        policy_no: 0,
        ssrc: 0xcafe_f00d,
        roc: 0,
    }];
    let offer = Offer::new(
        0x3830_0005,
        &streams,
        Timestamp {
            ts_type: TsType::NtpUtc,
            value: now.to_ntp(),
        },
    );
    let started = Instant::now();
    let mut initiator = DhInitiator::new(RustCrypto, Policy::default());
    let mut responder = DhResponder::new(RustCrypto, Policy::default());
    let mut i_msg = [0u8; 2048];
    let n = initiator
        .start(
            now,
            &offer,
            DhGroup::Oakley5,
            &alice,
            &mut HashDrbg::new(&[4; 32]),
            &mut i_msg,
        )
        .unwrap();
    println!("I_MESSAGE  -> {}", hex(&i_msg[..n]));
    let mut r_msg = [0u8; 2048];
    let accepted = responder
        .handle(
            now,
            &i_msg[..n],
            &bob,
            &pinned(&[A_SPKI]),
            &mut HashDrbg::new(&[5; 32]),
            &mut r_msg,
        )
        .unwrap();
    let m = accepted.reply_len.unwrap();
    println!("R_MESSAGE <-  {}", hex(&r_msg[..m]));
    initiator
        .handle_response(now, &r_msg[..m], &pinned(&[B_SPKI]))
        .unwrap();
    let elapsed = started.elapsed();
    let ikeys = initiator.poll_keys().unwrap();
    show("initiator", ikeys);
    show("responder", accepted.sas);
    println!("full exchange: {elapsed:?}");
    if ikeys.len() == accepted.sas.len()
        && ikeys.iter().zip(accepted.sas).all(|(a, b)| a.same_keys(b))
    {
        println!("SRTP keys equal on both ends");
        ExitCode::SUCCESS
    } else {
        println!("MISMATCH");
        ExitCode::FAILURE
    }
}
