//! Every error a gdoi-ack role returns is a `std::error::Error` with a readable message,
//! so callers can use `?` into `Box<dyn Error>` and log it.
#![allow(clippy::unwrap_used)]

use std::error::Error;

use gdoi_ack::Rejected;
use gdoi_ack::gcks::{AckError, BuildError, GcksError};
use gdoi_ack::gm::{InstallError, PushError};
use keying_crypto::CryptoError;

fn boxed<E: Error + 'static>(e: E) -> Result<(), Box<dyn Error>> {
    Err(e)?
}

#[test]
fn role_errors_convert_with_question_mark_and_name_the_problem() {
    let cases: [(Box<dyn Error>, &str); 8] = [
        (
            boxed(PushError::Replay { seq: 7, last: 9 }).unwrap_err(),
            "GROUPKEY-PUSH replayed: SEQ 7, last accepted 9",
        ),
        (
            boxed(InstallError::Duplicate).unwrap_err(),
            "a KEK with this SPI is installed with a different key",
        ),
        (
            boxed(GcksError::UnknownMember).unwrap_err(),
            "no such member",
        ),
        (
            boxed(BuildError::SeqExhausted).unwrap_err(),
            "GROUPKEY-PUSH not built: SEQ exhausted, roll the KEK over",
        ),
        (
            boxed(AckError::Duplicate(3)).unwrap_err(),
            "ACK of SEQ 3 already received",
        ),
        (
            boxed(PushError::BufferTooSmall { needed: 96 }).unwrap_err(),
            "output buffer too small (96 bytes needed)",
        ),
        (
            boxed(BuildError::BufferTooSmall { needed: 476 }).unwrap_err(),
            "GROUPKEY-PUSH not built: output buffer too small (476 bytes needed)",
        ),
        (
            boxed(Rejected::silent(AckError::BadHash)).unwrap_err(),
            "ACK HASH does not verify",
        ),
    ];
    for (e, text) in cases {
        assert_eq!(e.to_string(), text);
    }
}

#[test]
fn wrapped_causes_are_reachable_through_source() {
    let e = PushError::Decrypt(CryptoError::DecryptFailed);
    assert_eq!(
        e.source().map(ToString::to_string).as_deref(),
        Some("decryption failed")
    );
    let e = BuildError::Crypto(CryptoError::Rng);
    assert_eq!(
        e.source().map(ToString::to_string).as_deref(),
        Some("random number generator failed")
    );
    assert!(AckError::BadHash.source().is_none());
    let e = PushError::Policy(gdoi_ack::PolicyViolation::KekAlgorithm);
    assert_eq!(
        e.to_string(),
        "GROUPKEY-PUSH refused by policy: KEK algorithm not AES-CBC"
    );
    assert_eq!(
        e.source().map(ToString::to_string).as_deref(),
        Some("KEK algorithm not AES-CBC")
    );
}
