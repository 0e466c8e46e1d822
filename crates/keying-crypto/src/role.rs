//! What every Sans-IO role of the protocol crates returns when it rejects an input.

use core::fmt;

/// A rejected input: why, and the length of the reply the role wrote into the caller's
/// output buffer, if one should be sent (a MIKEY Error message; most rejections send
/// nothing). A role that rejects an input keeps its state exactly as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected<E> {
    /// Why the input was rejected.
    pub error: E,
    /// Bytes at the start of `out` holding a reply to send, if any.
    pub reply_len: Option<usize>,
}

impl<E> Rejected<E> {
    /// A rejection without a reply.
    pub const fn silent(error: E) -> Self {
        Self {
            error,
            reply_len: None,
        }
    }

    /// A rejection answered by the `len`-byte reply at the start of `out`.
    pub const fn with_reply(error: E, len: usize) -> Self {
        Self {
            error,
            reply_len: Some(len),
        }
    }
}

impl<E> From<E> for Rejected<E> {
    fn from(error: E) -> Self {
        Self::silent(error)
    }
}

impl<E: fmt::Display> fmt::Display for Rejected<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reply_len {
            Some(n) => write!(f, "{} ({n}-byte reply to send)", self.error),
            None => fmt::Display::fmt(&self.error, f),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for Rejected<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        Some(&self.error)
    }
}
