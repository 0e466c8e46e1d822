//! The crate's error type.

use core::fmt;

/// Why a message was rejected or could not be built.
///
/// Every variant is a reason to silently discard the message on the wire (RFC 3971 §5,
/// RFC 5269 §3); the distinction is for logs and tests. A state machine that returns an
/// error has not changed its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Malformed bytes: truncation, a zero or bad length, pad length too large, trailing
    /// bytes... with the absolute offset.
    Decode(keying_tlv::Error),
    /// The caller's output buffer is too small: `needed` is the total length the message
    /// needs (for a signed message, including its RSA Signature option).
    BufferTooSmall {
        /// Octets the whole output needs.
        needed: usize,
    },
    /// A value does not fit its wire field (e.g. an option body longer than 2040 octets).
    Write(keying_tlv::WriteError),
    /// A caller-supplied value is longer than this crate allows (see the size constants at
    /// the crate root).
    TooLong {
        /// What was too long.
        what: &'static str,
        /// The most octets allowed.
        max: usize,
    },
    /// Not an FMIPv6 message (ICMPv6 type 154) or not the expected subtype / MH type.
    UnexpectedMessage {
        /// The type (or subtype) found.
        found: u8,
    },
    /// The IPv6 Hop Limit is not 255 (RFC 5568 §6.1: the message may have been forwarded).
    HopLimit {
        /// The Hop Limit found.
        found: u8,
    },
    /// The message is addressed to another node (a PrRtAdv not sent to this MN's CGA).
    WrongDestination,
    /// A Code value not allowed for the subtype (RtSolPr: 0; PrRtAdv: 0 to 5).
    UnexpectedCode {
        /// The code found.
        found: u8,
    },
    /// The ICMPv6 or Mobility Header checksum is wrong.
    Checksum {
        /// The checksum on the wire.
        found: u16,
        /// The checksum computed over the pseudo-header and message.
        computed: u16,
    },
    /// An option the message needs is absent (its name).
    MissingOption(&'static str),
    /// An option that may appear once appeared twice with different contents (its name).
    ConflictingOption(&'static str),
    /// CGA verification failed (RFC 3972 §5).
    Cga(crate::cga::CgaError),
    /// The RSA Signature's Key Hash does not name the CGA key.
    KeyHashMismatch,
    /// A public key is not an RSA SubjectPublicKeyInfo the provider accepts.
    BadPublicKey,
    /// The RSA modulus is outside the configured window (bits).
    KeySize {
        /// Modulus size found, in bits.
        bits: usize,
    },
    /// The RSA Signature option is shorter than the signer's modulus.
    SignatureTooShort,
    /// The RSA signature does not verify.
    BadSignature,
    /// The Timestamp is outside the accepted window or not newer than the last one.
    Timestamp,
    /// The Nonce is missing, too short, or matches no outstanding request.
    Nonce,
    /// The PrRtAdv signer key is not an authorised router key (RFC 5269 §3.3: a valid CGA
    /// alone does not authorise a router).
    UnauthorizedRouter,
    /// The AR answered with an algorithm weaker than requested, or one not supported.
    WeakerAlgorithm,
    /// The handover key could not be recovered (uniform: says nothing about why).
    KeyDecrypt,
    /// The handover-key encryption key does not meet the policy (same size as the CGA key,
    /// at least the minimum size).
    HandoverKeyPolicy,
    /// No handover key for the address.
    NoKey,
    /// The BADF option is missing, not last, or has a wrong length or SPI.
    Badf,
    /// The BADF authenticator does not verify.
    BadAuthenticator,
    /// A fixed-capacity table is full.
    TableFull,
    /// The source prefix already holds as many handover keys as the access router allows
    /// it, all confirmed by an FBU ([`crate::ar::AccessRouterConfig::max_keys_per_prefix`]).
    PrefixLimit,
    /// The caller's rate limit refused the message.
    RateLimited,
    /// The crypto provider failed.
    Crypto(keying_crypto::CryptoError),
}

impl From<keying_tlv::Error> for Error {
    fn from(e: keying_tlv::Error) -> Self {
        Self::Decode(e)
    }
}

impl From<keying_tlv::WriteError> for Error {
    fn from(e: keying_tlv::WriteError) -> Self {
        match e {
            keying_tlv::WriteError::BufferTooSmall { needed } => Self::BufferTooSmall { needed },
            e => Self::Write(e),
        }
    }
}

impl From<crate::cga::CgaError> for Error {
    fn from(e: crate::cga::CgaError) -> Self {
        Self::Cga(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Decode(e) => write!(f, "malformed: {e}"),
            Self::BufferTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} octets needed")
            }
            Self::Write(e) => write!(f, "cannot emit: {e}"),
            Self::TooLong { what, max } => write!(f, "{what} longer than {max} octets"),
            Self::UnexpectedMessage { found } => write!(f, "unexpected message type {found}"),
            Self::HopLimit { found } => write!(f, "hop limit {found}, expected 255"),
            Self::WrongDestination => f.write_str("not addressed to this node"),
            Self::UnexpectedCode { found } => write!(f, "unexpected code {found}"),
            Self::Checksum { found, computed } => {
                write!(f, "checksum {found:#06x}, expected {computed:#06x}")
            }
            Self::MissingOption(o) => write!(f, "missing {o} option"),
            Self::ConflictingOption(o) => write!(f, "conflicting {o} options"),
            Self::Cga(e) => write!(f, "CGA verification failed: {e:?}"),
            Self::KeyHashMismatch => f.write_str("key hash does not match the CGA key"),
            Self::BadPublicKey => f.write_str("unusable public key"),
            Self::KeySize { bits } => write!(f, "RSA key size {bits} outside the window"),
            Self::SignatureTooShort => f.write_str("RSA Signature option too short"),
            Self::BadSignature => f.write_str("bad signature"),
            Self::Timestamp => f.write_str("timestamp outside the window"),
            Self::Nonce => f.write_str("nonce missing or unmatched"),
            Self::UnauthorizedRouter => f.write_str("router key not authorised"),
            Self::WeakerAlgorithm => f.write_str("weaker or unsupported AT"),
            Self::KeyDecrypt => f.write_str("handover key not recovered"),
            Self::HandoverKeyPolicy => f.write_str("handover-key encryption key refused"),
            Self::NoKey => f.write_str("no handover key"),
            Self::Badf => f.write_str("BADF option missing or malformed"),
            Self::BadAuthenticator => f.write_str("bad BADF authenticator"),
            Self::TableFull => f.write_str("table full"),
            Self::PrefixLimit => f.write_str("per-prefix key limit reached"),
            Self::RateLimited => f.write_str("rate limited"),
            Self::Crypto(e) => write!(f, "crypto: {e}"),
        }
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Decode(e) => Some(e),
            Self::Write(e) => Some(e),
            Self::Cga(e) => Some(e),
            Self::Crypto(e) => Some(e),
            _ => None,
        }
    }
}
