//! RID message types (RFC 6545 §5.1, `RIDPolicy@MsgType`), the classified message, and the
//! request / response table of RFC 6546 §3.

use core::fmt;
use core::ops::Range;

/// The XML namespace of the RID schema (RFC 6545 §5.4).
pub const RID_NAMESPACE: &str = "urn:ietf:params:xml:ns:iodef-rid-2.0";

/// The value of `RIDPolicy@MsgType` (RFC 6545 §5.1): the six selections of the five message
/// types of RFC 6545 §4.2 (a Request is either `TraceRequest` or `InvestigationRequest`).
///
/// The escape value `ext-value` is not a type this transport can place in the RFC 6546 §3
/// table, so it classifies as [`Improper::UnknownMsgType`](crate::Improper::UnknownMsgType).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MsgType {
    /// A Request to trace traffic upstream (RFC 6545 §6.1).
    TraceRequest,
    /// The status of a message, or why it could not be processed (RFC 6545 §6.2).
    Acknowledgement,
    /// The outcome of a trace or investigation (RFC 6545 §6.3).
    Result,
    /// A Request to the party closest to a believed-valid source (RFC 6545 §6.1).
    InvestigationRequest,
    /// A report of an incident, no action requested (RFC 6545 §6.4).
    Report,
    /// A request for information about an incident (RFC 6545 §6.5).
    Query,
}

impl MsgType {
    /// Every type, in the order of RFC 6545 §5.1.
    pub const ALL: [MsgType; 6] = [
        MsgType::TraceRequest,
        MsgType::Acknowledgement,
        MsgType::Result,
        MsgType::InvestigationRequest,
        MsgType::Report,
        MsgType::Query,
    ];

    /// The attribute value as written in the schema.
    pub const fn as_str(self) -> &'static str {
        match self {
            MsgType::TraceRequest => "TraceRequest",
            MsgType::Acknowledgement => "Acknowledgement",
            MsgType::Result => "Result",
            MsgType::InvestigationRequest => "InvestigationRequest",
            MsgType::Report => "Report",
            MsgType::Query => "Query",
        }
    }

    /// Parses an attribute value (exact, case-sensitive, as the schema's enumeration).
    pub fn from_value(value: &[u8]) -> Option<MsgType> {
        MsgType::ALL
            .into_iter()
            .find(|t| t.as_str().as_bytes() == value)
    }

    /// May open an exchange, i.e. be sent without a `RID-Callback-Token` (RFC 6546 §3
    /// table rows without "Callback"): Query, TraceRequest, InvestigationRequest, Report.
    pub fn is_request(self) -> bool {
        TABLE.iter().any(|r| r.request == self && !r.callback)
    }

    /// May be sent as a callback, carrying a `RID-Callback-Token` (RFC 6546 §3 table rows
    /// marked "Callback"): Acknowledgement, Result, Report.
    pub fn is_callback(self) -> bool {
        TABLE.iter().any(|r| r.request == self && r.callback)
    }
}

impl fmt::Display for MsgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `RequestStatus@AuthorizationStatus` of an Acknowledgement (RFC 6545 §5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthorizationStatus {
    /// The request was approved and will begin.
    Approved,
    /// The request was denied.
    Denied,
    /// Awaiting approval.
    Pending,
    /// `ext-value` or a value this crate does not know.
    Other,
}

impl AuthorizationStatus {
    /// Parses an attribute value; anything but the three listed values is [`Self::Other`].
    pub fn from_value(value: &[u8]) -> AuthorizationStatus {
        match value {
            b"Approved" => AuthorizationStatus::Approved,
            b"Denied" => AuthorizationStatus::Denied,
            b"Pending" => AuthorizationStatus::Pending,
            _ => AuthorizationStatus::Other,
        }
    }
}

/// A classified RID message: what the transport needs from the envelope. The IODEF (or
/// other) document inside is carried as a byte range of the body, not interpreted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RidMessage {
    /// `RIDPolicy@MsgType`.
    pub msg_type: MsgType,
    /// `RequestStatus@AuthorizationStatus`, when the envelope has a RequestStatus.
    pub status: Option<AuthorizationStatus>,
    /// The content of `RIDPolicy/ReportSchema/XMLDocument` (RFC 6545 §5.1.1): the bytes
    /// between its start and end tags, as a range of the body.
    pub document: Option<Range<usize>>,
}

impl RidMessage {
    /// A message of this type with no status and no document (for tests and for callers
    /// that classify with their own reader).
    pub const fn new(msg_type: MsgType) -> RidMessage {
        RidMessage {
            msg_type,
            status: None,
            document: None,
        }
    }

    /// The included document's bytes, cut from the body this message was classified from.
    pub fn document<'b>(&self, body: &'b [u8]) -> Option<&'b [u8]> {
        body.get(self.document.clone()?)
    }

    /// Whether this message, sent as a callback, ends the callback's exchange.
    ///
    /// RFC 6545 §6.2–§6.3 let an Acknowledgement report that a request was approved or is
    /// pending and a Result follow; RFC 6546 §3 has one token per callback and no way to
    /// issue another. Resolution: an Acknowledgement whose AuthorizationStatus is
    /// `Approved` or `Pending` keeps the token open for the Result (or Report) that
    /// follows; any other callback (Result, Report, a Denied or status-less
    /// Acknowledgement) closes it.
    pub fn closes_exchange(&self) -> bool {
        !(self.msg_type == MsgType::Acknowledgement
            && matches!(
                self.status,
                Some(AuthorizationStatus::Approved | AuthorizationStatus::Pending)
            ))
    }
}

/// One row of the table of RFC 6546 §3: for a RID message type in an HTTP request (sent as
/// a callback or not), an allowed HTTP status and the RID message type of the response
/// body (`None`: empty body).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Row {
    /// The RID message type of the request.
    pub request: MsgType,
    /// The request is a callback (carries a `RID-Callback-Token`).
    pub callback: bool,
    /// The HTTP status of the response.
    pub status: u16,
    /// The RID message type of the response body; `None` for an empty body.
    pub response: Option<MsgType>,
}

const fn row(request: MsgType, callback: bool, status: u16, response: Option<MsgType>) -> Row {
    Row {
        request,
        callback,
        status,
        response,
    }
}

/// The table of RFC 6546 §3, row for row.
pub const TABLE: [Row; 16] = {
    use MsgType::*;
    [
        row(InvestigationRequest, false, 200, Some(Acknowledgement)),
        row(InvestigationRequest, false, 200, Some(Result)),
        row(InvestigationRequest, false, 200, Some(Report)),
        row(InvestigationRequest, false, 202, None),
        row(TraceRequest, false, 200, Some(Acknowledgement)),
        row(TraceRequest, false, 200, Some(Result)),
        row(TraceRequest, false, 200, Some(Report)),
        row(TraceRequest, false, 202, None),
        row(Query, false, 200, Some(Acknowledgement)),
        row(Query, false, 200, Some(Report)),
        row(Query, false, 202, None),
        row(Acknowledgement, true, 200, None),
        row(Result, true, 200, None),
        row(Report, false, 200, Some(Acknowledgement)),
        row(Report, false, 200, None),
        row(Report, true, 200, None),
    ]
};

/// Whether the table of RFC 6546 §3 allows this response to this request.
pub fn allowed(request: MsgType, callback: bool, status: u16, response: Option<MsgType>) -> bool {
    TABLE.contains(&row(request, callback, status, response))
}

/// Whether `reply` may answer a `request` later, as a callback: the types the table allows
/// in a `200` response to that request (a callback carries what the immediate response
/// would have carried).
pub fn callback_allowed(request: MsgType, reply: MsgType) -> bool {
    reply.is_callback() && allowed(request, false, 200, Some(reply))
}
