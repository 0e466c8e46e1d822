//! Improper RID messages in requests (RFC 6546 §3: answered with 4xx) and improper
//! responses (RFC 6546 §3: logged and presented to the administrator).

use core::fmt;

use crate::message::MsgType;
use crate::token::TokenError;

/// Why a RID message in an HTTP request (or in a response body) is improper, or why the
/// server could not take it. [`Improper::status`] is the HTTP status the server answers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Improper {
    /// Content-Type absent or not `text/xml` (RFC 6546 §3). `415`.
    MediaType,
    /// The body is longer than [`Limits::max_body`](crate::Limits::max_body). `413`.
    Oversize {
        /// The configured limit, in octets.
        limit: usize,
    },
    /// Elements nested deeper than [`Limits::max_depth`](crate::Limits::max_depth). `400`.
    TooDeep {
        /// The configured limit.
        limit: usize,
    },
    /// An element with more attributes than
    /// [`Limits::max_attributes`](crate::Limits::max_attributes), or more namespace
    /// bindings in scope than
    /// [`Limits::max_namespace_bindings`](crate::Limits::max_namespace_bindings). `400`.
    TooManyAttributes,
    /// A document type declaration (DTD, entity declarations): refused outright, so no
    /// entity is ever expanded. `400`.
    Dtd,
    /// Not well-formed XML: syntax error, mismatched or missing end tag, unbound prefix,
    /// content outside the root element, truncated document. `400`.
    Malformed {
        /// Octet offset near the error.
        offset: usize,
    },
    /// The root element is not `RID` in the namespace `urn:ietf:params:xml:ns:iodef-rid-2.0`
    /// (RFC 6545 §5.4). `400`.
    NotRid,
    /// No `RIDPolicy` with a `MsgType` (RFC 6545 §5.1: REQUIRED), or more than one. `400`.
    MissingMsgType,
    /// `MsgType` is not one of the six values of RFC 6545 §5.1. `400`.
    UnknownMsgType,
    /// A type that cannot open an exchange (Acknowledgement, Result) sent without a
    /// `RID-Callback-Token`: not in the RFC 6546 §3 table. `400`.
    NotARequest(MsgType),
    /// A `RID-Callback-Token` on a type that is never a callback (Query, TraceRequest,
    /// InvestigationRequest), or a callback type that does not answer the request the
    /// token stands for. `400`.
    NotACallback(MsgType),
    /// The `RID-Callback-Token` header is not `1*255(VCHAR)`. `400`.
    BadToken(TokenError),
    /// A `RID-Callback-Token` this system is not waiting for from this peer: never
    /// received, already answered, or received from another peer. `400`.
    UnknownToken,
}

impl Improper {
    /// The HTTP status a server answers with (RFC 6546 §3: an appropriate 4xx).
    pub fn status(&self) -> u16 {
        match self {
            Improper::MediaType => 415,
            Improper::Oversize { .. } => 413,
            _ => 400,
        }
    }
}

impl fmt::Display for Improper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Improper::MediaType => f.write_str("Content-Type is not text/xml"),
            Improper::Oversize { limit } => write!(f, "body longer than {limit} octets"),
            Improper::TooDeep { limit } => write!(f, "elements nested deeper than {limit}"),
            Improper::TooManyAttributes => f.write_str("too many attributes or namespace bindings"),
            Improper::Dtd => f.write_str("document type declaration refused"),
            Improper::Malformed { offset } => write!(f, "not well-formed XML near octet {offset}"),
            Improper::NotRid => f.write_str("root element is not iodef-rid-2.0 RID"),
            Improper::MissingMsgType => f.write_str("no single RIDPolicy with a MsgType"),
            Improper::UnknownMsgType => f.write_str("unknown RIDPolicy MsgType"),
            Improper::NotARequest(t) => write!(f, "{t} cannot be sent without a callback token"),
            Improper::NotACallback(t) => write!(f, "{t} is not a callback for this token"),
            Improper::BadToken(e) => fmt::Display::fmt(e, f),
            Improper::UnknownToken => f.write_str("unknown RID-Callback-Token for this peer"),
        }
    }
}

impl core::error::Error for Improper {}

/// A failure on the server's own side (RFC 6546 §3: an appropriate 5xx).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServerFailure {
    /// The table of callbacks owed is full (overall or for this peer): `503`. Entries are
    /// never evicted (RFC 6546 §3 sets no upper bound on a token's lifetime).
    CallbacksFull,
    /// The token counter is exhausted: `503`.
    TokensExhausted,
    /// The application's immediate reply is not allowed by the RFC 6546 §3 table for
    /// this request, or its body does not classify as the stated type: `500`.
    ReplyNotAllowed,
}

impl ServerFailure {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            ServerFailure::ReplyNotAllowed => 500,
            ServerFailure::CallbacksFull | ServerFailure::TokensExhausted => 503,
        }
    }
}

impl fmt::Display for ServerFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ServerFailure::CallbacksFull => "table of owed callbacks full",
            ServerFailure::TokensExhausted => "callback token counter exhausted",
            ServerFailure::ReplyNotAllowed => "own reply not allowed for this request",
        })
    }
}

impl core::error::Error for ServerFailure {}

/// An improper HTTP response to a RID request, or one this client cannot process: to be
/// logged and presented to the administrator (RFC 6546 §3).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImproperResponse {
    /// A 3xx: never followed (RFC 6546 §3: SHOULD NOT follow any 3xx Redirection).
    Redirect(u16),
    /// The peer refused the request (4xx) or failed (5xx).
    Refused(u16),
    /// Any other status the RFC 6546 §3 table does not list for this request.
    UnexpectedStatus(u16),
    /// The body is not a proper RID message.
    Body(Improper),
    /// The response's RID message type (`None`: empty body) is not allowed for the request
    /// by the RFC 6546 §3 table.
    TypeNotAllowed {
        /// The type sent.
        request: MsgType,
        /// The type received; `None` for an empty body.
        response: Option<MsgType>,
    },
    /// A `202` with a non-empty body (RFC 6546 §3: MUST be zero-length).
    Body202,
    /// A `202` without a valid `RID-Callback-Token`.
    BadToken(TokenError),
    /// A `202` whose token is already awaited from this peer (RFC 6546 §3: MUST be unique).
    DuplicateToken,
    /// Our own failure: the table of awaited callbacks is full, the callback cannot be
    /// matched when it comes.
    AwaitedFull,
}

impl fmt::Display for ImproperResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImproperResponse::Redirect(s) => write!(f, "redirect {s} not followed"),
            ImproperResponse::Refused(s) => write!(f, "peer answered {s}"),
            ImproperResponse::UnexpectedStatus(s) => write!(f, "unexpected status {s}"),
            ImproperResponse::Body(e) => write!(f, "improper response body: {e}"),
            ImproperResponse::TypeNotAllowed { request, response } => match response {
                Some(r) => write!(f, "{r} is not an allowed response to {request}"),
                None => write!(f, "an empty body is not an allowed response to {request}"),
            },
            ImproperResponse::Body202 => f.write_str("202 with a non-empty body"),
            ImproperResponse::BadToken(e) => write!(f, "202: {e}"),
            ImproperResponse::DuplicateToken => f.write_str("202 token already awaited"),
            ImproperResponse::AwaitedFull => f.write_str("table of awaited callbacks full"),
        }
    }
}

impl core::error::Error for ImproperResponse {}
