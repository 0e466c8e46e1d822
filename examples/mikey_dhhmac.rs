//! MIKEY DHHMAC (RFC 4650): HMAC-authenticated Diffie-Hellman over OAKLEY 2. Prints what
//! crosses the wire and the SRTP keys each side derived; exits non-zero if they differ.
//!
//! `cargo run --example mikey_dhhmac`

// An example over its own fixed inputs.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;
use common::*;

use std::process::ExitCode;
use std::time::Instant;

use keying::crypto::rustcrypto::{HashDrbg, RustCrypto};
use keying::mikey::Time;
use keying::mikey::dhhmac::{DhHmacInitiator, DhHmacResponder};
use keying::mikey::hooks::StaticPsk;
use keying::mikey::offer::Offer;
use keying::mikey::policy::Policy;
use keying::mikey::{DhGroup, SrtpCs, Timestamp, TsType};

fn main() -> ExitCode {
    let now = Time::from_unix_secs(3_972_844_800 - keying::crypto::NTP_UNIX_OFFSET_SECS);
    let psk = b"dhhmac pre-shared key";
    let streams = [
        SrtpCs {
            policy_no: 0,
            ssrc: 0x1111_1111,
            roc: 0,
        },
        SrtpCs {
            policy_no: 0,
            ssrc: 0x2222_2222,
            roc: 0,
        },
    ];
    let offer = Offer::new(
        0x4650_0001,
        &streams,
        Timestamp {
            ts_type: TsType::NtpUtc,
            value: now.to_ntp(),
        },
    );
    let policy = Policy {
        dh_groups: keying::mikey::DhGroups::ALL,
        ..Policy::default()
    };
    let started = Instant::now();
    let mut initiator = DhHmacInitiator::new(RustCrypto, policy);
    let mut responder = DhHmacResponder::new(RustCrypto, policy);
    let mut i_msg = [0u8; 1024];
    let n = initiator
        .start(
            now,
            &offer,
            DhGroup::Oakley2,
            psk,
            &mut HashDrbg::new(&[2; 32]),
            &mut i_msg,
        )
        .unwrap();
    println!("I_MESSAGE  -> {}", hex(&i_msg[..n]));
    let mut r_msg = [0u8; 1024];
    let accepted = responder
        .handle(
            now,
            &i_msg[..n],
            &StaticPsk::new(psk).unwrap(),
            &mut HashDrbg::new(&[3; 32]),
            &mut r_msg,
        )
        .unwrap();
    let m = accepted.reply_len.unwrap();
    println!("R_MESSAGE <-  {}", hex(&r_msg[..m]));
    initiator.handle_response(now, &r_msg[..m]).unwrap();
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
