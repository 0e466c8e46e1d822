//! MIKEY pre-shared-key mode (RFC 3830 §3.1) with the verification message: prints what
//! crosses the wire and the SRTP keys each side derived; exits non-zero if they differ.
//!
//! `cargo run --example mikey_psk`

// An example over its own fixed inputs.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;
use common::*;

use std::process::ExitCode;
use std::time::Instant;

use keying::crypto::rustcrypto::{HashDrbg, RustCrypto};
use keying::mikey::Time;
use keying::mikey::hooks::StaticPsk;
use keying::mikey::offer::Offer;
use keying::mikey::policy::Policy;
use keying::mikey::psk::{PskInitiator, PskResponder};
use keying::mikey::{SrtpCs, Timestamp, TsType};

fn main() -> ExitCode {
    // The caller's clock: the library never reads one.
    let now = Time::from_unix_secs(3_972_844_800 - keying::crypto::NTP_UNIX_OFFSET_SECS);
    let psk = b"a pre-shared key of 20 bytes";
    let streams = [SrtpCs {
        policy_no: 0,
        ssrc: 0xdead_beef,
        roc: 0,
    }];
    let offer = Offer {
        verification: true,
        ..Offer::new(
            0x1234_5678,
            &streams,
            Timestamp {
                ts_type: TsType::NtpUtc,
                value: now.to_ntp(),
            },
        )
    };
    let started = Instant::now();
    let mut initiator = PskInitiator::new(RustCrypto, Policy::default());
    let mut responder = PskResponder::new(RustCrypto, Policy::default());
    let mut i_msg = [0u8; 512];
    let n = initiator
        .start(now, &offer, psk, &mut HashDrbg::new(&[1; 32]), &mut i_msg)
        .unwrap();
    println!("I_MESSAGE  -> {}", hex(&i_msg[..n]));
    let mut r_msg = [0u8; 512];
    let accepted = responder
        .handle(now, &i_msg[..n], &StaticPsk::new(psk).unwrap(), &mut r_msg)
        .unwrap();
    let m = accepted.reply_len.unwrap();
    println!("R_MESSAGE <-  {}", hex(&r_msg[..m]));
    initiator.handle_response(now, &r_msg[..m]).unwrap();
    let elapsed = started.elapsed();
    let ikeys = initiator.poll_keys().unwrap();
    show("initiator", ikeys);
    show("responder", accepted.sas);
    println!("full exchange: {elapsed:?}");
    let same = ikeys.len() == accepted.sas.len()
        && ikeys.iter().zip(accepted.sas).all(|(a, b)| a.same_keys(b));
    if same {
        println!("SRTP keys equal on both ends");
        ExitCode::SUCCESS
    } else {
        println!("MISMATCH");
        ExitCode::FAILURE
    }
}
