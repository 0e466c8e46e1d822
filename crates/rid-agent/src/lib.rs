//! RID ([RFC 6545](https://www.rfc-editor.org/rfc/rfc6545)) over HTTP/TLS
//! ([RFC 6546](https://www.rfc-editor.org/rfc/rfc6546)): the agent around the
//! [`rid_https`] Sans-IO core — tokio, hyper (HTTP/1.1, persistent connections, chunked
//! request bodies) and rustls (aws-lc-rs provider) with mutual authentication.
//!
//! - [`serve`] / [`Listener`]: accepts RID messages from whitelisted peers, stores each one
//!   durably in the store directory ([`Store`]) before answering, and answers as the core
//!   decides: a Report `200` empty; a Query, TraceRequest or InvestigationRequest `202`
//!   with a `RID-Callback-Token` (the operator answers later with `send --callback`); a
//!   callback carrying a token we received in a `202` as client, matched, `200` empty.
//! - [`send`] / [`Connection`]: sends one message (or several on one connection), checks
//!   the response against the RFC 6546 §3 table, never follows a redirect, and remembers
//!   the token of a `202` in the store, where `serve` finds it when the callback arrives.
//!
//! # Security (RFC 6546 §4)
//! - Both sides present X.509 certificates. A peer is accepted only if its end-entity
//!   certificate is byte-for-byte one of the `--peer` certificates (the whitelist), and
//!   its chain validates (webpki: signature, validity period, extended key usage) against
//!   those same certificates as trust anchors. Agent certificates are usually
//!   self-signed, and carry both `serverAuth` and `clientAuth` extended key usages (or
//!   none), as one certificate serves both roles.
//! - A certificate with a wildcard dNSName (`*`) is refused, on the whitelist and at the
//!   handshake. With `--peer-name NAME`, one dNSName of the peer must equal `NAME`
//!   (ASCII case-insensitive, a trailing dot ignored): the DNS-ID check of RFC 6125.
//! - TLS 1.2 and 1.3 only. RFC 6546 §4 still allows TLS 1.0 and 1.1; RFC 8996 has since
//!   deprecated them (MUST NOT be used), and rustls implements neither.
//! - The peer key given to the core ([`peer_key`]) is the SHA-256 of the peer's
//!   certificate: the same whether the peer connects to us or we to it, so a token
//!   received in a `202` matches the callback that peer later sends.
//!
//! # Store
//! See [`Store`]: messages and token tables are written atomically and durably (temporary
//! file, `fsync`, rename, directory `fsync`); `serve` and `send` on one directory
//! coordinate through a `flock`ed lock file.
//!
//! # Example
//! `examples/rid_exchange.rs` runs two agents in-process: A sends a Query to B, B answers
//! `202` + token, B's operator sends the Report as a callback, A matches it and stores it.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod server;
mod store;
mod tls;

use std::fmt;

pub use client::{Connection, SendConfig, Sent, msg_type_of, send};
pub use rid_https;
pub use server::{Listener, ServeConfig, Stats, serve};
pub use store::{MessageMeta, State, Store, TokenEntry};
pub use tls::{dns_names, load_certs, load_key, peer_key, peer_label};

/// Everything that can go wrong, with a message for people.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Bad configuration or arguments (certificates, URL, `--callback`).
    Config(String),
    /// Network failure.
    Io(String),
    /// TLS failure (the peer refused us, or we refused it).
    Tls(String),
    /// HTTP failure (connection closed, malformed response).
    Http(String),
    /// The message to send is not a RID message.
    Message(String),
    /// The peer's response is improper (RFC 6546 §3): status and why.
    Improper(u16, String),
    /// The store directory failed.
    Store(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(m) => write!(f, "configuration: {m}"),
            Error::Io(m) => write!(f, "network: {m}"),
            Error::Tls(m) => write!(f, "TLS: {m}"),
            Error::Http(m) => write!(f, "HTTP: {m}"),
            Error::Message(m) => write!(f, "message: {m}"),
            Error::Improper(s, m) => write!(f, "improper response (status {s}): {m}"),
            Error::Store(m) => write!(f, "store: {m}"),
        }
    }
}

impl std::error::Error for Error {}
