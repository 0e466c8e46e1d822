//! The MIKEY error type and its mapping onto the Error payload codes (RFC 3830 §6.12).

use core::fmt;

use crate::err::ErrorNo;
use crate::header::DataType;
use crate::payload::PayloadType;
use crate::timestamp::TimestampProblem;

/// Names of the fields whose decoding errors map onto a specific MIKEY Error no
/// ([`Error::error_no`]); they are the `expected` strings of [`keying_tlv::Error`].
pub(crate) mod what {
    pub const VERSION: &str = "HDR version";
    pub const DATA_TYPE: &str = "HDR data type";
    pub const PRF_FUNC: &str = "HDR PRF func";
    pub const MAP_TYPE: &str = "HDR CS ID map type";
    pub const PAYLOAD_TYPE: &str = "MIKEY payload type";
    pub const ENCR_ALG: &str = "KEMAC Encr alg";
    pub const MAC_ALG: &str = "MAC alg";
    pub const DH_GROUP: &str = "DH-Group";
    pub const ID_TYPE: &str = "ID type";
    pub const CERT_TYPE: &str = "Cert type";
    pub const HASH_FUNC: &str = "CHASH Hash func";
    pub const TS_TYPE: &str = "TS type";
    pub const SP_PROT_TYPE: &str = "SP Prot type";
    pub const SP_PARAM: &str = "SP policy param";
    pub const KEY_TYPE: &str = "Key data Type";
    pub const KV: &str = "KV";
}

/// Why a MIKEY message was rejected.
///
/// Like rustls' `InvalidMessage` → `AlertDescription`, every error maps onto the Error
/// payload code a responder sends back ([`Error::error_no`], RFC 3830 §6.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The bytes do not form a MIKEY message: truncated, trailing bytes, a length or value
    /// out of range, or an unknown payload type (which cannot be skipped, RFC 3830 §6).
    Decode(keying_tlv::Error),
    /// A payload the message's data type requires is missing (RFC 3830 §3, RFC 4650 §3,
    /// RFC 4738 §3, RFC 6509 §2).
    MissingPayload {
        /// The missing payload.
        payload: PayloadType,
        /// The message's data type.
        data_type: DataType,
    },
    /// A payload is present where the message's data type does not allow it (wrong
    /// position, e.g. a V payload that is not last, RFC 3830 §5.2).
    Misplaced {
        /// The payload.
        payload: PayloadType,
        /// Its byte offset.
        offset: usize,
    },
    /// The timestamp is structurally valid but cannot be what it claims
    /// (see [`TimestampProblem`]).
    MalformedTimestamp {
        /// Byte offset of the T payload.
        offset: usize,
        /// What is wrong with it.
        problem: TimestampProblem,
    },
}

impl Error {
    /// The Error no a responder reports for this error (RFC 3830 §6.12, RFC 4738 §3.9.2,
    /// RFC 6043 §6.9).
    pub fn error_no(&self) -> ErrorNo {
        match self {
            Self::Decode(e) => match e.expected {
                what::DATA_TYPE | what::VERSION => ErrorNo::InvalidDt,
                what::PRF_FUNC => ErrorNo::InvalidPrf,
                what::ENCR_ALG => ErrorNo::InvalidEa,
                what::MAC_ALG | what::HASH_FUNC => ErrorNo::InvalidHa,
                what::DH_GROUP => ErrorNo::InvalidDh,
                what::ID_TYPE => ErrorNo::InvalidId,
                what::CERT_TYPE => ErrorNo::InvalidCert,
                what::SP_PROT_TYPE => ErrorNo::InvalidSp,
                what::SP_PARAM => ErrorNo::InvalidSpPar,
                what::TS_TYPE => ErrorNo::InvalidTs,
                _ => ErrorNo::Unspecified,
            },
            Self::MissingPayload { data_type, .. } if !data_type.is_known() => ErrorNo::InvalidDt,
            Self::MissingPayload {
                payload: PayloadType::T,
                ..
            } => ErrorNo::InvalidTs,
            Self::MissingPayload { .. } | Self::Misplaced { .. } => ErrorNo::Unspecified,
            Self::MalformedTimestamp { .. } => ErrorNo::InvalidTs,
        }
    }
}

impl From<keying_tlv::Error> for Error {
    fn from(e: keying_tlv::Error) -> Self {
        Self::Decode(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Decode(e) => write!(f, "malformed MIKEY message: {e}"),
            Self::MissingPayload { payload, data_type } => {
                write!(f, "{data_type:?} message lacks its {payload:?} payload")
            }
            Self::Misplaced { payload, offset } => {
                write!(
                    f,
                    "{payload:?} payload at byte {offset} is not allowed there"
                )
            }
            Self::MalformedTimestamp { offset, problem } => {
                write!(f, "timestamp at byte {offset}: {problem}")
            }
        }
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::Message;

    /// A PSK header with one payload type `kind` whose first field is `byte`.
    fn first_field(kind: u8, bytes: &[u8]) -> Error {
        let mut m = alloc::vec![1, 0, kind, 0, 0, 0, 0, 1, 0, 0, 0];
        m.extend_from_slice(bytes);
        Message::parse(&m).unwrap_err()
    }

    #[test]
    fn decode_errors_map_to_error_numbers() {
        assert_eq!(first_field(1, &[0, 0, 0, 9]).error_no(), ErrorNo::InvalidHa);
        assert_eq!(first_field(3, &[9]).error_no(), ErrorNo::InvalidDh);
        assert_eq!(first_field(5, &[9]).error_no(), ErrorNo::InvalidTs);
        assert_eq!(first_field(8, &[9]).error_no(), ErrorNo::InvalidHa);
        assert_eq!(
            first_field(10, &[0, 0, 0, 2, 1]).error_no(),
            ErrorNo::InvalidSpPar
        );
        assert_eq!(first_field(99, &[]).error_no(), ErrorNo::Unspecified);
        let e = Message::parse(&[2, 0, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap_err();
        assert_eq!(e.error_no(), ErrorNo::InvalidDt);
        let e = Message::parse(&[1, 0, 0, 0, 0, 0, 0, 0, 0, 9]).unwrap_err();
        assert_eq!(e.error_no(), ErrorNo::Unspecified);
    }
}
