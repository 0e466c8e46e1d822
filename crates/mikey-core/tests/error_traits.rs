//! A rejected message is a `std::error::Error`: a Responder's `handle` result can be
//! propagated with `?`, and the log line names the failure and the RFC 3830 §6.12 Error no.
#![allow(clippy::unwrap_used)]

use keying_crypto::rustcrypto::RustCrypto;
use mikey_core::Time;
use mikey_core::error::{KmError, Rejected};
use mikey_core::hooks::StaticPsk;
use mikey_core::policy::Policy;
use mikey_core::psk::PskResponder;

fn respond(msg: &[u8]) -> Result<usize, Box<dyn std::error::Error>> {
    let mut responder: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
    let mut out = [0u8; 512];
    let accepted = responder.handle(
        Time::from_unix_secs(3_900_000_000 - keying_crypto::NTP_UNIX_OFFSET_SECS),
        msg,
        &StaticPsk::new(b"psk").unwrap(),
        &mut out,
    )?;
    Ok(accepted.reply_len.unwrap_or(0))
}

#[test]
fn a_rejected_message_propagates_with_question_mark() {
    // Not a MIKEY message: a truncated common header.
    let e = respond(&[0x01, 0x00]).unwrap_err();
    let rejected = e.downcast_ref::<Rejected>().unwrap();
    assert!(matches!(rejected.error, KmError::Message(_)));
    assert_eq!(e.to_string(), rejected.error.to_string());
    assert!(e.to_string().starts_with("MIKEY exchange rejected: "));
    // The cause is reachable for logging.
    assert_eq!(
        e.source().map(ToString::to_string),
        Some(rejected.error.to_string())
    );
}

#[test]
fn the_reply_length_is_part_of_the_message() {
    let r = Rejected {
        error: KmError::WrongState,
        reply_len: Some(40),
    };
    assert_eq!(
        r.to_string(),
        format!("{} (40-byte reply to send)", KmError::WrongState)
    );
}

/// Every error type of the crate is a `std::error::Error` with a message, and the wrapping
/// ones name their cause.
#[test]
fn every_error_type_implements_error_with_its_cause() {
    use mikey_core::TimestampProblem;
    use mikey_core::kdf::KdfError;
    use mikey_core::replay::{ReplayError, TsError};
    use mikey_core::srtp::{SaError, SpProblem};
    fn is_error<E: std::error::Error + 'static>(e: E) -> Box<dyn std::error::Error> {
        Box::new(e)
    }
    let leaves: Vec<Box<dyn std::error::Error>> = vec![
        is_error(TsError::OutOfWindow),
        is_error(TsError::CounterRefused),
        is_error(TsError::CounterNotIncreasing),
        is_error(TsError::UnknownType),
        is_error(SpProblem::ProtType),
        is_error(SpProblem::Param(4)),
        is_error(SaError::Shape),
        is_error(SaError::Kdf(KdfError::BadLength)),
        is_error(ReplayError::Replay),
        is_error(ReplayError::Full),
        is_error(TimestampProblem::WindowsFiletime { unix_seconds: 1 }),
    ];
    for e in &leaves {
        assert!(!e.to_string().is_empty());
    }
    let wrapped = is_error(ReplayError::Ts(TsError::CounterNotIncreasing));
    assert_eq!(
        wrapped.source().map(ToString::to_string),
        Some(TsError::CounterNotIncreasing.to_string())
    );
    let sa = is_error(SaError::Sp(SpProblem::Param(4)));
    assert!(sa.to_string().contains("type 4"));
    assert_eq!(
        sa.source().map(ToString::to_string),
        Some(SpProblem::Param(4).to_string())
    );
}
