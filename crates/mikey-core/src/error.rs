//! The MIKEY error type and its mapping onto the Error payload codes (RFC 3830 §6.12).

use keying_crypto::CryptoError;
use keying_tlv::WriteError;

use crate::kdf::KdfError;
use crate::replay::{ReplayError, TsError};
use crate::srtp::{SaError, SpProblem};
use crate::wire::header::PrfFunc;
use crate::wire::kemac::{EncrAlg, MacAlg};

use core::fmt;

use crate::wire::PayloadType;
use crate::wire::err::ErrorNo;
use crate::wire::header::DataType;
use crate::wire::timestamp::TimestampProblem;

/// Names of the fields whose decoding errors map onto a specific MIKEY Error no
/// ([`Error::error_no`]); they are the `expected` strings of [`keying_tlv::Error`].
pub(crate) mod what {
    pub const VERSION: &str = "HDR version";
    pub const DATA_TYPE: &str = "HDR data type";
    pub const MAP_TYPE: &str = "HDR CS ID map type";
    pub const PAYLOAD_TYPE: &str = "MIKEY payload type";
    pub const ENCR_ALG: &str = "KEMAC Encr alg";
    pub const MAC_ALG: &str = "MAC alg";
    pub const DH_GROUP: &str = "DH-Group";
    pub const ID_TYPE: &str = "ID type";
    pub const CERT_TYPE: &str = "Cert type";
    pub const HASH_FUNC: &str = "CHASH Hash func";
    pub const TS_TYPE: &str = "TS type";
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

/// The Error no of a decoding error in a field that has one of its own (RFC 3830 §6.12):
/// the field's name, as the decoders report it, and the number.
const FIELD_ERROR_NO: [(&str, ErrorNo); 10] = [
    (what::DATA_TYPE, ErrorNo::InvalidDt),
    (what::VERSION, ErrorNo::InvalidDt),
    (what::ENCR_ALG, ErrorNo::InvalidEa),
    (what::MAC_ALG, ErrorNo::InvalidHa),
    (what::HASH_FUNC, ErrorNo::InvalidHa),
    (what::DH_GROUP, ErrorNo::InvalidDh),
    (what::ID_TYPE, ErrorNo::InvalidId),
    (what::CERT_TYPE, ErrorNo::InvalidCert),
    (what::SP_PARAM, ErrorNo::InvalidSpPar),
    (what::TS_TYPE, ErrorNo::InvalidTs),
];

impl Error {
    /// The Error no a responder reports for this error (RFC 3830 §6.12, RFC 4738 §3.9.2,
    /// RFC 6043 §6.9).
    pub fn error_no(&self) -> ErrorNo {
        match self {
            // One loop over a table rather than a string comparison per field.
            Self::Decode(e) => FIELD_ERROR_NO
                .iter()
                .find(|(field, _)| *field == e.expected)
                .map_or(ErrorNo::Unspecified, |&(_, no)| no),
            Self::MissingPayload { data_type, .. } if !data_type.is_known() => ErrorNo::InvalidDt,
            Self::MissingPayload {
                payload: PayloadType::Timestamp,
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

/// Why a role rejected a message. [`KmError::error_no`] gives the Error no to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KmError {
    /// Not a well-formed MIKEY message of its data type.
    Message(Error),
    /// A data type this role does not handle here (a response to the responder, an
    /// unexpected reply, a mode the policy refuses).
    UnexpectedDataType(DataType),
    /// PRF func refused by policy or unknown.
    PrfRefused(PrfFunc),
    /// KEMAC encryption algorithm refused: unknown, or NULL when policy forbids a
    /// downgrade to cleartext keys.
    EncrRefused(EncrAlg),
    /// MAC algorithm refused: NULL (never authentication) or unsupported.
    MacRefused(MacAlg),
    /// Hash / signature scheme refused (CHASH, SIGN S type).
    HashRefused,
    /// DH group refused.
    DhGroupRefused,
    /// DH value outside `[2, p − 2]` (RFC 2631 §2.1.5 style range check).
    DhValueOutOfRange,
    /// The peer's identity is unknown to the key hook.
    UnknownIdentity,
    /// Certificate missing, unparseable, not verified by the hook, or too large a key.
    CertRejected,
    /// SP payload unusable.
    Sp(SpProblem),
    /// Authentication failed: KEMAC MAC, V MAC, signature — and PKE decryption, which
    /// reports the very same value so that no padding oracle exists.
    AuthFailed,
    /// Timestamp outside the window, refused COUNTER, non-increasing COUNTER.
    Timestamp(TsError),
    /// An authenticated message already accepted inside the window.
    Replay,
    /// The replay cache is full of live entries: rejected until the window passes.
    ReplayCacheFull,
    /// Authenticated but the key data is missing or malformed.
    KeyData,
    /// Authenticated (the KEMAC MAC verified) but the AES-KW-128 Encr data does not unwrap:
    /// the RFC 3394 integrity check fails with IV = S (RFC 3830 §4.2.3) and with the RFC
    /// 3394 default IV. The MAC is not at fault: the peer wraps under another key or IV.
    /// Reported as Error no Invalid EA (the peer's key wrap is not one this side accepts).
    KeyUnwrapFailed,
    /// A response does not belong to the exchange (CSB ID, echoed T, RAND rules, a
    /// policy that was not offered).
    Mismatch,
    /// The peer answered with an Error message carrying this Error no (authenticated
    /// when `authenticated`).
    PeerError {
        /// First Error no of the message.
        error_no: ErrorNo,
        /// Whether its V / SIGN verified.
        authenticated: bool,
    },
    /// The role cannot take this call in its current state.
    WrongState,
    /// The output buffer is too small: `needed` is the total length the output needs when
    /// the writer could measure it (a message), or the length known when writing stopped
    /// (a buffer filled in steps).
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
    },
    /// The crypto provider failed: the RNG, a primitive or key size it lacks, a key
    /// operation.
    Crypto(CryptoError),
    /// A caller's input is out of range (an offer's TGK or RAND length, more streams or
    /// policies than the role keeps, a key longer than the role holds): names it.
    InvalidArgument(&'static str),
}

impl KmError {
    /// The Error no to send for this rejection (RFC 3830 §6.12, RFC 4738 §3.9.2).
    #[inline(never)]
    pub fn error_no(&self) -> ErrorNo {
        match self {
            Self::Message(e) => e.error_no(),
            Self::UnexpectedDataType(_) => ErrorNo::InvalidDt,
            Self::PrfRefused(_) => ErrorNo::InvalidPrf,
            Self::EncrRefused(_) | Self::KeyUnwrapFailed => ErrorNo::InvalidEa,
            Self::MacRefused(_) => ErrorNo::InvalidMac,
            Self::HashRefused => ErrorNo::InvalidHa,
            Self::DhGroupRefused | Self::DhValueOutOfRange => ErrorNo::InvalidDh,
            Self::UnknownIdentity => ErrorNo::InvalidId,
            Self::CertRejected => ErrorNo::InvalidCert,
            Self::Sp(SpProblem::ProtType) => ErrorNo::InvalidSp,
            Self::Sp(SpProblem::Param(_)) => ErrorNo::InvalidSpPar,
            Self::AuthFailed => ErrorNo::AuthFailure,
            Self::Timestamp(_) | Self::Replay => ErrorNo::InvalidTs,
            Self::ReplayCacheFull
            | Self::KeyData
            | Self::Mismatch
            | Self::PeerError { .. }
            | Self::WrongState
            | Self::BufferTooSmall { .. }
            | Self::Crypto(_)
            | Self::InvalidArgument(_) => ErrorNo::Unspecified,
        }
    }
}

/// Where a PSK or DHHMAC Responder stood when it rejected an I_MESSAGE: before or after
/// the KEMAC MAC verified (RFC 3830 §5.2, RFC 4650 §3). See [`KmError::stage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// Rejected before the KEMAC MAC verified, or by the MAC itself: nothing in the
    /// message is authenticated.
    BeforeMac,
    /// Rejected after the KEMAC MAC verified: the sender knows the PSK.
    AfterMac,
    /// An error both sides of the MAC check raise: the error alone does not say.
    Either,
}

impl KmError {
    /// Where in a PSK / DHHMAC Responder's checks this error arises. Their order: parse and
    /// header checks (`Message`, `UnexpectedDataType`), PRF, MAC alg and identity
    /// (`PrfRefused`, `MacRefused`, `UnknownIdentity`), Encr alg, time window and offered
    /// SPs (`EncrRefused`, `Timestamp`, `Sp`), the MAC (`AuthFailed`); then DH group and
    /// value (DHHMAC), replay (`Replay`, `ReplayCacheFull`, `Timestamp`), KEMAC unwrap and
    /// key data (`KeyUnwrapFailed`, `KeyData`), the SAs (`Sp`), the peer's ID and the
    /// response (`Message`, `InvalidArgument`, `BufferTooSmall`). `KeyData` is also what a
    /// [`crate::policy::Policy::sha1_auth_key_len`] above [`crate::kdf::MAX_OUT`] gives
    /// before the MAC: a configuration error, not a property of the message.
    pub fn stage(&self) -> Stage {
        match self {
            Self::UnexpectedDataType(_)
            | Self::PrfRefused(_)
            | Self::EncrRefused(_)
            | Self::MacRefused(_)
            | Self::HashRefused
            | Self::UnknownIdentity
            | Self::CertRejected
            | Self::AuthFailed
            | Self::WrongState => Stage::BeforeMac,
            Self::Replay
            | Self::ReplayCacheFull
            | Self::KeyData
            | Self::KeyUnwrapFailed
            | Self::DhGroupRefused
            | Self::DhValueOutOfRange => Stage::AfterMac,
            Self::Message(_)
            | Self::Sp(_)
            | Self::Timestamp(_)
            | Self::Mismatch
            | Self::PeerError { .. }
            | Self::BufferTooSmall { .. }
            | Self::Crypto(_)
            | Self::InvalidArgument(_) => Stage::Either,
        }
    }
}

impl fmt::Display for KmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "MIKEY exchange rejected: {self:?} (Error no {:?})",
            self.error_no()
        )
    }
}

impl core::error::Error for KmError {}

impl From<Error> for KmError {
    fn from(e: Error) -> Self {
        Self::Message(e)
    }
}

impl From<KdfError> for KmError {
    fn from(e: KdfError) -> Self {
        match e {
            KdfError::UnsupportedPrf => Self::PrfRefused(PrfFunc::Unknown(0x7f)),
            KdfError::BadLength => Self::KeyData,
        }
    }
}

impl From<TsError> for KmError {
    fn from(e: TsError) -> Self {
        Self::Timestamp(e)
    }
}

impl From<ReplayError> for KmError {
    fn from(e: ReplayError) -> Self {
        match e {
            ReplayError::Replay => Self::Replay,
            ReplayError::Full => Self::ReplayCacheFull,
            ReplayError::Ts(t) => Self::Timestamp(t),
        }
    }
}

impl From<SaError> for KmError {
    fn from(e: SaError) -> Self {
        match e {
            SaError::Kdf(k) => k.into(),
            SaError::Sp(p) => Self::Sp(p),
            SaError::Shape => Self::KeyData,
        }
    }
}

impl From<WriteError> for KmError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::BufferTooSmall { needed } => Self::BufferTooSmall { needed },
            WriteError::TooLong { field, .. } => Self::InvalidArgument(field),
            _ => Self::InvalidArgument("a value the wire format cannot carry"),
        }
    }
}

impl From<CryptoError> for KmError {
    fn from(e: CryptoError) -> Self {
        Self::Crypto(e)
    }
}

/// A payload the message's data type requires is missing from `m` (the accessors of a
/// message whose mode rules were checked).
pub(crate) fn missing<const PS: u32>(
    m: &crate::wire::message::Message<'_, PS>,
    payload: crate::wire::PayloadType,
) -> KmError {
    KmError::Message(Error::MissingPayload {
        payload,
        data_type: m.data_type(),
    })
}

/// A rejected message: [`keying_crypto::Rejected`] over [`KmError`] — the error, and the
/// length of the Error message written into the caller's output buffer, if one should be
/// sent.
pub type Rejected = keying_crypto::Rejected<KmError>;

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

#[cfg(test)]
mod km_tests {
    use super::*;

    #[test]
    fn every_rejection_maps_to_its_error_no() {
        use crate::replay::TsError;
        let cases = [
            (KmError::AuthFailed, ErrorNo::AuthFailure),
            (KmError::Timestamp(TsError::OutOfWindow), ErrorNo::InvalidTs),
            (KmError::Replay, ErrorNo::InvalidTs),
            (
                KmError::PrfRefused(PrfFunc::HmacSha256),
                ErrorNo::InvalidPrf,
            ),
            (KmError::MacRefused(MacAlg::Null), ErrorNo::InvalidMac),
            (KmError::EncrRefused(EncrAlg::Null), ErrorNo::InvalidEa),
            (KmError::HashRefused, ErrorNo::InvalidHa),
            (KmError::DhGroupRefused, ErrorNo::InvalidDh),
            (KmError::DhValueOutOfRange, ErrorNo::InvalidDh),
            (KmError::UnknownIdentity, ErrorNo::InvalidId),
            (KmError::CertRejected, ErrorNo::InvalidCert),
            (KmError::Sp(SpProblem::ProtType), ErrorNo::InvalidSp),
            (KmError::Sp(SpProblem::Param(1)), ErrorNo::InvalidSpPar),
            (
                KmError::UnexpectedDataType(DataType::PskResp),
                ErrorNo::InvalidDt,
            ),
            (KmError::ReplayCacheFull, ErrorNo::Unspecified),
            (KmError::KeyData, ErrorNo::Unspecified),
            (KmError::KeyUnwrapFailed, ErrorNo::InvalidEa),
            (KmError::EncrRefused(EncrAlg::AesCm256), ErrorNo::InvalidEa),
        ];
        for (e, no) in cases {
            assert_eq!(e.error_no(), no, "{e:?}");
        }
    }
}
