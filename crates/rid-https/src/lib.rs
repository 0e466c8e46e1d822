//! Sans-IO core of RID — Real-time Inter-network Defense
//! ([RFC 6545](https://www.rfc-editor.org/rfc/rfc6545)), IODEF documents in a RID envelope —
//! over HTTP/TLS ([RFC 6546](https://www.rfc-editor.org/rfc/rfc6546)).
//!
//! No sockets, no TLS, no HTTP library, no clock: the agent (tokio / hyper / rustls) reads
//! an HTTP message, hands its method, target, two header fields, body and the peer's
//! identity to this crate, and writes out what it returns.
//!
//! - [`classify`] reads the envelope with quick-xml's namespace-resolving reader (events,
//!   no DOM, no DTD, bounded by [`Limits`]) into a [`RidMessage`]: the `MsgType` of
//!   `RIDPolicy` (RFC 6545 §5.1) and where the included document lies in the body.
//! - [`TABLE`] is the table of RFC 6546 §3 (request type → allowed status and response
//!   type), used by both roles.
//! - [`Server`] answers requests: `204` for `GET /` / `HEAD /`, `404` for any other
//!   target, `405` for other methods, a 4xx for an improper RID message ([`Improper`]), a
//!   5xx for its own failure ([`ServerFailure`]), `202` + [`CallbackToken`] for a reply that
//!   comes later (the callback then owed, [`Server::callback`]), `200` otherwise; never a
//!   3xx.
//! - [`Client`] checks a response against the table for the [`Exchange`] it belongs to,
//!   never follows a redirect, records the token of a `202` and matches the callback that
//!   later arrives at the server ([`Client::match_callback`]); an improper response is an
//!   [`ImproperResponse`] to log and present to the administrator.
//!
//! Every RID system is both server and client (RFC 6546 §3); the agent keeps one
//! [`Server`] and one [`Client`] and passes the client to [`Server::handle_request`]
//! because a callback answering *our* request arrives at *our* server.
//!
//! # Example
//! System B sends system A a Query; A's server accepts it with `202` and a token. Later A
//! calls back with a Report (a Result does not answer a Query, so the table refuses it);
//! B's server matches the callback to its Query and answers `200`.
//!
//! ```
//! # #[cfg(feature = "std")] {
//! use rid_https::{
//!     classify, Client, ClientConfig, Disposition, Exchange, HttpResponse, MsgType, Outcome,
//!     Request, Server, ServerConfig, Limits,
//! };
//!
//! fn rid(msg_type: &str) -> String {
//!     format!(
//!         r#"<?xml version="1.0" encoding="UTF-8"?>
//! <iodef-rid:RID lang="en" xmlns:iodef-rid="urn:ietf:params:xml:ns:iodef-rid-2.0">
//!   <iodef-rid:RIDPolicy MsgType="{msg_type}" MsgDestination="RIDSystem">
//!     <iodef-rid:PolicyRegion region="PeerToPeer"/>
//!     <iodef-rid:TrafficType type="Attack"/>
//!   </iodef-rid:RIDPolicy>
//! </iodef-rid:RID>"#
//!     )
//! }
//!
//! let (mut a_server, mut a_client) = (Server::new(ServerConfig::default()).unwrap(),
//!                                     Client::new(ClientConfig::default()));
//! let (mut b_server, mut b_client) = (Server::new(ServerConfig::default()).unwrap(),
//!                                     Client::new(ClientConfig::default()));
//!
//! // B sends a Query to A; A defers: 202 + token.
//! let query = rid("Query");
//! let exchange = Exchange::request("a.example", MsgType::Query).unwrap();
//! let response = a_server.handle_request(
//!     &Request {
//!         method: "POST", target: "/", content_type: Some("text/xml"), callback_token: None,
//!         body: query.as_bytes(), peer: "b.example",
//!     },
//!     &mut a_client,
//! );
//! assert_eq!(response.status, 202);
//! let token = response.token.clone().unwrap();
//! assert!(matches!(response.accepted.unwrap().disposition, Disposition::Deferred(_)));
//!
//! // B's client takes the 202 and now awaits the callback.
//! let outcome = b_client.handle_response(&exchange, &HttpResponse {
//!     status: 202, content_type: None, callback_token: Some(token.as_str()), body: b"",
//! });
//! assert_eq!(outcome, Ok(Outcome::Deferred(token.clone())));
//!
//! // Later A calls back with the answer (a Result does not answer a Query; a Report does).
//! let result = rid("Result");
//! let result_msg = classify(Some("text/xml"), result.as_bytes(), &Limits::DEFAULT).unwrap();
//! assert!(a_server.callback("b.example", &token, &result_msg).is_err());
//! let report = rid("Report");
//! let report_msg = classify(Some("text/xml"), report.as_bytes(), &Limits::DEFAULT).unwrap();
//! let callback = a_server.callback("b.example", &token, &report_msg).unwrap();
//!
//! // B's server matches the callback to its Query: 200, empty body.
//! let response = b_server.handle_request(
//!     &Request {
//!         method: "POST", target: "/", content_type: Some("text/xml; charset=UTF-8"),
//!         callback_token: callback.callback_token().map(|t| t.as_str()),
//!         body: report.as_bytes(), peer: "a.example",
//!     },
//!     &mut b_client,
//! );
//! assert_eq!(response.status, 200);
//! assert_eq!(response.body, None);
//!
//! // A's client checks that 200 and A stops owing the callback.
//! let outcome = a_client.handle_response(&callback, &HttpResponse {
//!     status: 200, content_type: None, callback_token: None, body: b"",
//! });
//! assert_eq!(outcome, Ok(Outcome::Empty));
//! assert!(a_server.callback_delivered(&callback));
//! assert_eq!(a_server.owed_len(), 0);
//! # }
//! ```
//!
//! # Resolutions
//! | Question | Resolution |
//! |---|---|
//! | Root element name (RFC 6545 §5.4 text says `RID-Document`; the schema and every example use `RID`) | `RID` in `urn:ietf:params:xml:ns:iodef-rid-2.0`, any prefix |
//! | Media type parameters | tolerated (`text/xml; charset=UTF-8`), type/subtype case-insensitive |
//! | XML declaration (RFC 6545 §5.5: MUST begin with one) | not required (liberal in what is accepted) |
//! | DTD / entity declarations | refused ([`Improper::Dtd`]); only predefined entities and character references are read |
//! | Callback types | a callback must answer the request its token stands for: the types the table allows in a `200` to it ([`callback_allowed`]) |
//! | Acknowledgement then Result on one token (RFC 6545 §6.2) | an Acknowledgement `Approved` / `Pending` keeps the token open ([`RidMessage::closes_exchange`]) |
//! | Repeated callback after its token closed | `400` [`Improper::UnknownToken`] (the first delivery was taken) |
//! | Report answered later | the table has no `202` for a Report: [`Reply::Later`] files it, `200` empty |
//! | Token lifetime (no upper bound) and a full table | nothing is evicted; a new deferral is refused with `503` ([`ServerFailure::CallbacksFull`]) |
//! | Token uniqueness across restarts | prefix + hex counter; the agent persists the counter or draws a random prefix ([`ServerConfig::token_prefix`]) |
//! | Status codes | `415` media type, `413` oversize, `400` other improper, `405` other method on `/` (with `Allow`), `500` own invalid reply, `503` table full |
//!
//! # Features
//! - `std` (default): [`classify`] and the entry points that read XML (quick-xml needs
//!   `std`). Without it the crate is `no_std` + `alloc`: table, tokens, media type and both
//!   roles, through [`Server::handle_classified`] and [`Client::handle_response_with`].
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "std")]
mod classify;
mod client;
mod error;
mod limits;
mod message;
mod server;
mod token;

#[cfg(feature = "std")]
pub use classify::{ScanStats, classify, classify_body, scan};
pub use client::{Client, ClientConfig, Exchange, HttpResponse, Outcome};
pub use error::{Improper, ImproperResponse, ServerFailure};
pub use limits::{Limits, MEDIA_TYPE, PORT, is_rid_media_type};
pub use message::{
    AuthorizationStatus, MsgType, RID_NAMESPACE, RidMessage, Row, TABLE, allowed, callback_allowed,
};
pub use server::{
    Accepted, CallbackError, Disposition, Reply, Request, Response, Server, ServerConfig,
};
pub use token::{CALLBACK_TOKEN_HEADER, CallbackToken, MAX_TOKEN_LEN, TokenError};
