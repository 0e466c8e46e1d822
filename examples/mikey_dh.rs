//! MIKEY signed Diffie-Hellman mode (RFC 3830 §3.3) over OAKLEY 5 (DH-Group 0), CERT and
//! SIGN (RSA-PSS) both ways. Prints what crosses the wire and the
//! SRTP keys each side derived; exits non-zero if they differ.
//!
//! `cargo run --example mikey_dh`

// An example over its own fixed inputs.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::process::ExitCode;
use std::time::Instant;

use keying::crypto::rustcrypto::{HashDrbg, RsaPrivate, RsaPublic, RustCrypto};
use keying::mikey::dh_mode::{DhInitiator, DhResponder};
use keying::mikey::exchange::{KmError, Policy};
use keying::mikey::offer::Offer;
use keying::mikey::pk::{CertResolver, LocalIdentity};
use keying::mikey::replay::NtpTime;
use keying::mikey::srtp::SrtpSas;
use keying::mikey::{Cert, DhGroup, Id, IdType, SrtpCs, Timestamp, TsType};

const A_KEY: &[u8] = include_bytes!("../tests/vectors/mikey/rsa2048_recv1.pkcs1.der");
const A_CERT: &[u8] = include_bytes!("../tests/vectors/mikey/rsa2048_recv1.spki.der");
const B_KEY: &[u8] = include_bytes!("../tests/vectors/mikey/rsa2048_sender.pkcs1.der");
const B_CERT: &[u8] = include_bytes!("../tests/vectors/mikey/rsa2048_sender.spki.der");

/// Trusts one pinned "certificate" (here an SPKI; a real deployment validates X.509).
struct Pinned(&'static [u8]);

impl CertResolver for Pinned {
    type Key = RsaPublic;
    fn verified_key(
        &self,
        cert: Option<&Cert<'_>>,
        _: Option<&[u8]>,
    ) -> Result<RsaPublic, KmError> {
        match cert {
            Some(c) if c.data == self.0 => {
                RsaPublic::from_spki_der(c.data).map_err(|_| KmError::CertRejected)
            }
            _ => Err(KmError::CertRejected),
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn show(who: &str, sas: &SrtpSas) {
    for sa in sas {
        println!(
            "{who}: CS {} SSRC {:08x} key {} salt {}",
            sa.cs_id,
            sa.ssrc,
            hex(sa.master_key.expose()),
            hex(sa.master_salt.expose())
        );
    }
}

fn main() -> ExitCode {
    let now = NtpTime::from_secs(3_972_844_800);
    let a_key = RsaPrivate::from_pkcs1_der(A_KEY).unwrap();
    let b_key = RsaPrivate::from_pkcs1_der(B_KEY).unwrap();
    let alice = LocalIdentity {
        key: &a_key,
        cert: Some(A_CERT),
        id: Some(Id {
            id_type: IdType::Uri,
            data: b"sip:alice@example.com",
        }),
    };
    let bob = LocalIdentity {
        key: &b_key,
        cert: Some(B_CERT),
        id: Some(Id {
            id_type: IdType::Uri,
            data: b"sip:bob@example.com",
        }),
    };
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
            value: now.0,
        },
    );
    let started = Instant::now();
    let mut initiator = DhInitiator::new(RustCrypto, Policy::default());
    let mut responder: DhResponder<_> = DhResponder::new(RustCrypto, Policy::default());
    let mut i_msg = [0u8; 2048];
    let n = initiator
        .start(
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
            &Pinned(A_CERT),
            &mut HashDrbg::new(&[5; 32]),
            &mut r_msg,
        )
        .unwrap();
    let m = accepted.reply_len.unwrap();
    println!("R_MESSAGE <-  {}", hex(&r_msg[..m]));
    initiator
        .handle_response(now, &r_msg[..m], &Pinned(B_CERT))
        .unwrap();
    let elapsed = started.elapsed();
    let ikeys = initiator.poll_keys().unwrap();
    show("initiator", ikeys);
    show("responder", &accepted.sas);
    println!("full exchange: {elapsed:?}");
    if ikeys.len() == accepted.sas.len()
        && ikeys.iter().zip(&accepted.sas).all(|(a, b)| a.same_keys(b))
    {
        println!("SRTP keys equal on both ends");
        ExitCode::SUCCESS
    } else {
        println!("MISMATCH");
        ExitCode::FAILURE
    }
}
