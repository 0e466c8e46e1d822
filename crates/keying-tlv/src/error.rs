//! Error types shared by every decoder and emitter in the workspace.

use core::fmt;

/// What went wrong while decoding, without the location (see [`Error`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended before the field was complete; `needed` more bytes were required.
    Truncated {
        /// How many more bytes the field needed.
        needed: usize,
    },
    /// Bytes were left over after the element or message ended.
    TrailingBytes {
        /// How many bytes were left.
        len: usize,
    },
    /// A length field is inconsistent: below the minimum for its element, or not a whole
    /// multiple of its unit.
    BadLength {
        /// The length value found on the wire (in the field's own unit).
        value: usize,
    },
    /// An ND-style option has length 0 (RFC 4861 §4.6: such an option must be discarded).
    ZeroLength,
    /// A type code the decoder does not know and cannot skip.
    UnknownType {
        /// The type code found on the wire.
        value: u16,
    },
    /// A field value is outside what the protocol allows.
    InvalidValue {
        /// The value found on the wire (widened).
        value: u32,
    },
    /// More elements than the fixed capacity allows.
    TooMany {
        /// The capacity that was exceeded.
        max: usize,
    },
    /// A protocol rule about which elements appear, or in which order, was broken.
    Inconsistent,
}

/// A decoding error: what was expected, what went wrong, and at which byte offset (from the
/// start of the outermost input the reader was created for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error {
    /// Byte offset from the start of the input at which the problem was found.
    pub offset: usize,
    /// What the decoder was reading, e.g. `"KEMAC MAC"` or `"ISAKMP payload length"`.
    pub expected: &'static str,
    /// What went wrong.
    pub kind: ErrorKind,
}

impl Error {
    /// Creates an error.
    pub const fn new(offset: usize, expected: &'static str, kind: ErrorKind) -> Self {
        Self {
            offset,
            expected,
            kind,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Truncated { needed } => write!(f, "truncated: {needed} more byte(s) needed"),
            Self::TrailingBytes { len } => write!(f, "{len} trailing byte(s)"),
            Self::BadLength { value } => write!(f, "bad length {value}"),
            Self::ZeroLength => f.write_str("zero length"),
            Self::UnknownType { value } => write!(f, "unknown type {value}"),
            Self::InvalidValue { value } => write!(f, "invalid value {value}"),
            Self::TooMany { max } => write!(f, "more than {max} elements"),
            Self::Inconsistent => f.write_str("inconsistent with the rest of the message"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at byte {}: {}: {}",
            self.offset, self.expected, self.kind
        )
    }
}

impl core::error::Error for Error {}

/// An emitting error. The output buffer's contents are unspecified after an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WriteError {
    /// The caller's buffer is too small; `needed` is the size the whole output needs.
    BufferTooSmall {
        /// Bytes the complete output needs.
        needed: usize,
    },
    /// A value does not fit its wire field (e.g. a payload longer than a 16-bit length).
    TooLong {
        /// The field that overflowed.
        field: &'static str,
        /// The value that did not fit.
        value: usize,
    },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::BufferTooSmall { needed } => write!(f, "buffer too small: {needed} bytes needed"),
            Self::TooLong { field, value } => write!(f, "{field}: {value} does not fit"),
        }
    }
}

impl core::error::Error for WriteError {}

/// Result of a decoding step.
pub type Result<T, E = Error> = core::result::Result<T, E>;
