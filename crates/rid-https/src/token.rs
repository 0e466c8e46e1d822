//! The `RID-Callback-Token` entity header field (RFC 6546 §3).

use alloc::string::String;
use core::fmt;

/// The name of the header field that carries a [`CallbackToken`] (RFC 6546 §3).
pub const CALLBACK_TOKEN_HEADER: &str = "RID-Callback-Token";

/// The longest token: `callback-token = 1*255(VCHAR)` (RFC 6546 §3).
pub const MAX_TOKEN_LEN: usize = 255;

/// A syntactically valid `RID-Callback-Token`: 1 to 255 VCHAR (`0x21`–`0x7E`), so
/// whitespace-free printable ASCII (RFC 6546 §3).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallbackToken(String);

/// Why a header value is not a [`CallbackToken`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenError {
    /// Empty (after the optional whitespace around a field value).
    Empty,
    /// Longer than 255 octets.
    TooLong,
    /// An octet outside VCHAR (space, control, or non-ASCII).
    NotVchar,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenError::Empty => "empty RID-Callback-Token",
            TokenError::TooLong => "RID-Callback-Token longer than 255 octets",
            TokenError::NotVchar => "RID-Callback-Token octet outside VCHAR",
        })
    }
}

impl core::error::Error for TokenError {}

impl CallbackToken {
    /// Validates a header field value. Optional whitespace (SP / HTAB) around the value is
    /// not part of it (RFC 7230 §3.2) and is removed first.
    pub fn parse(value: &str) -> Result<CallbackToken, TokenError> {
        let v = value.trim_matches([' ', '\t']);
        check(v)?;
        Ok(CallbackToken(String::from(v)))
    }

    /// The token text, as sent in the header.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks the token grammar on a value that has no surrounding whitespace.
pub(crate) fn check(v: &str) -> Result<(), TokenError> {
    if v.is_empty() {
        return Err(TokenError::Empty);
    }
    if v.len() > MAX_TOKEN_LEN {
        return Err(TokenError::TooLong);
    }
    if !v.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(TokenError::NotVchar);
    }
    Ok(())
}

impl fmt::Debug for CallbackToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CallbackToken").field(&self.0).finish()
    }
}

impl fmt::Display for CallbackToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
