//! The server role: answers HTTP requests as RFC 6546 §3 requires and keeps the callbacks
//! owed after a `202 Accepted`.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;

use crate::client::{Callback, Client, Exchange};
use crate::error::{Improper, ServerFailure};
use crate::limits::Limits;
use crate::message::{MsgType, RidMessage, allowed, callback_allowed};
use crate::token::{self, CallbackToken, MAX_TOKEN_LEN, TokenError};

/// Server configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerConfig {
    /// Limits for request bodies.
    pub limits: Limits,
    /// Most callbacks owed at once, over all peers (default 4096).
    pub max_owed: usize,
    /// Most callbacks owed to one peer (default 1024), so that one peer cannot fill the
    /// table for the others.
    pub max_owed_per_peer: usize,
    /// Prefix of every token issued, VCHAR only, at most 239 octets (default empty).
    /// Tokens must be unique per peer with no time bound (RFC 6546 §3), across restarts
    /// too: the agent either persists [`Server::next_token`] and passes it back as
    /// `first_token`, or draws a fresh random prefix (e.g. 16 random octets in hex) at
    /// each start.
    pub token_prefix: String,
    /// The counter value of the first token issued (default 0).
    pub first_token: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            limits: Limits::DEFAULT,
            max_owed: 4096,
            max_owed_per_peer: 1024,
            token_prefix: String::new(),
            first_token: 0,
        }
    }
}

/// An HTTP request as the agent read it. Header values are field values (the agent
/// answers `400` itself to a request carrying one of these fields twice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    /// The method, e.g. `POST`.
    pub method: &'a str,
    /// The request target in origin form, e.g. `/`.
    pub target: &'a str,
    /// The `Content-Type` field.
    pub content_type: Option<&'a str>,
    /// The `RID-Callback-Token` field.
    pub callback_token: Option<&'a str>,
    /// The body (after any transfer coding, chunked included).
    pub body: &'a [u8],
    /// The peer's identity: an opaque key the agent derives from the peer's validated TLS
    /// certificate (RFC 6546 §3: mutual authentication), the same string it uses when it
    /// connects to that peer.
    pub peer: &'a str,
}

/// How the application answers a request that opens an exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply<'a> {
    /// The reply comes later: `202 Accepted` with a fresh token (Query, TraceRequest,
    /// InvestigationRequest). For a Report, which the table never defers, `200` empty.
    Later,
    /// `200` with an empty body (allowed for a Report only).
    Empty,
    /// `200` with this RID message now.
    Now {
        /// Its `MsgType` (checked against the body by [`Server::handle_request_with`]).
        msg_type: MsgType,
        /// The whole RID document, sent as `text/xml`.
        body: &'a [u8],
    },
}

/// The HTTP response to send, and what the agent stores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code; never 3xx (RFC 6546 §3).
    pub status: u16,
    /// The `RID-Callback-Token` field of a `202` (its body is empty).
    pub token: Option<CallbackToken>,
    /// A `200` body, sent with `Content-Type: text/xml`.
    pub body: Option<Vec<u8>>,
    /// The RID message taken, when one was (status `200` or `202`).
    pub accepted: Option<Accepted>,
    /// Why the request was refused (4xx), for the log.
    pub improper: Option<Improper>,
    /// Why we failed (5xx), for the log.
    pub failure: Option<ServerFailure>,
}

impl Response {
    fn status(status: u16) -> Response {
        Response {
            status,
            token: None,
            body: None,
            accepted: None,
            improper: None,
            failure: None,
        }
    }

    fn improper(e: Improper) -> Response {
        Response {
            improper: Some(e.clone()),
            ..Response::status(e.status())
        }
    }

    fn failure(e: ServerFailure) -> Response {
        Response {
            failure: Some(e),
            ..Response::status(e.status())
        }
    }

    /// For a `405`: the `Allow` field value to send.
    pub const ALLOW: &'static str = "GET, HEAD, POST";
}

/// A RID message the server took: the agent stores it durably (with the body) before it
/// sends the response.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Accepted {
    /// The peer it came from.
    pub peer: String,
    /// The message.
    pub message: RidMessage,
    /// What was promised.
    pub disposition: Disposition,
}

/// What the server did with an accepted message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Disposition {
    /// `202`: we owe the peer a callback with this token ([`Server::callback`]).
    Deferred(CallbackToken),
    /// `200` with our reply of this type.
    Answered(MsgType),
    /// `200` empty: a Report filed.
    Filed,
    /// `200` empty: a callback answering our earlier request of type `request`, which
    /// the token stood for.
    Callback {
        /// The token.
        token: CallbackToken,
        /// The type of our request it answers.
        request: MsgType,
        /// Whether it ended the exchange ([`RidMessage::closes_exchange`]).
        closed: bool,
    },
}

/// Why a callback cannot be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallbackError {
    /// No callback with this token is owed to this peer.
    NotOwed,
    /// The reply type does not answer the request (RFC 6546 §3 table).
    NotAllowed,
}

impl core::fmt::Display for CallbackError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            CallbackError::NotOwed => "no callback with this token is owed to this peer",
            CallbackError::NotAllowed => "reply type does not answer the request",
        })
    }
}

impl core::error::Error for CallbackError {}

/// The server role: owns the callbacks owed to each peer and the token counter.
#[derive(Clone, Debug)]
pub struct Server {
    config: ServerConfig,
    /// peer → token → the request type owed an answer.
    owed: BTreeMap<String, BTreeMap<CallbackToken, MsgType>>,
    count: usize,
    next: u64,
}

impl Server {
    /// A server owing nothing. Fails if the token prefix is not VCHAR or leaves no room
    /// for the counter (16 hex digits) within 255 octets.
    pub fn new(config: ServerConfig) -> Result<Server, TokenError> {
        if config.token_prefix.len() > MAX_TOKEN_LEN - 16 {
            return Err(TokenError::TooLong);
        }
        if !config.token_prefix.is_empty() {
            token::check(&config.token_prefix)?;
        }
        Ok(Server {
            next: config.first_token,
            config,
            owed: BTreeMap::new(),
            count: 0,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// The counter value of the next token (persist it to keep tokens unique across
    /// restarts).
    pub fn next_token(&self) -> u64 {
        self.next
    }

    /// Answers one HTTP request, deferring every reply (`202` + token for Query,
    /// TraceRequest and InvestigationRequest; `200` empty for a Report). Callbacks are
    /// matched against the callbacks `client` awaits.
    #[cfg(feature = "std")]
    pub fn handle_request(&mut self, req: &Request<'_>, client: &mut Client) -> Response {
        self.handle_request_with(req, client, |_| Reply::Later)
    }

    /// Answers one HTTP request (RFC 6546 §3), `reply` choosing how a request that opens
    /// an exchange is answered (it sees the classified message; it is not called for
    /// anything else). An immediate reply's body must classify as its stated type and
    /// the type must be allowed by the table, else `500`.
    #[cfg(feature = "std")]
    pub fn handle_request_with<'r>(
        &mut self,
        req: &Request<'_>,
        client: &mut Client,
        reply: impl FnOnce(&RidMessage) -> Reply<'r>,
    ) -> Response {
        let limits = self.config.limits;
        let classified = if req.method == "POST" && req.target == "/" {
            crate::classify(req.content_type, req.body, &limits)
        } else {
            Err(Improper::MediaType) // not used: answered before classification matters
        };
        self.handle_classified(req, classified, client, |m| {
            let r = reply(m);
            if let Reply::Now { msg_type, body } = r {
                match crate::classify_body(body, &limits) {
                    Ok(own) if own.msg_type == msg_type => {}
                    _ => return Err(ServerFailure::ReplyNotAllowed),
                }
            }
            Ok(r)
        })
    }

    /// [`Server::handle_request_with`] with the classification done by the caller (no
    /// `std` needed): `classified` is the result of reading `req`'s Content-Type and body
    /// (used only for `POST /`); `reply` may veto its own reply with a failure.
    pub fn handle_classified<'r>(
        &mut self,
        req: &Request<'_>,
        classified: Result<RidMessage, Improper>,
        client: &mut Client,
        reply: impl FnOnce(&RidMessage) -> Result<Reply<'r>, ServerFailure>,
    ) -> Response {
        // RFC 6546 §3: other Request-URIs are reserved: 404 for any method.
        if req.target != "/" {
            return Response::status(404);
        }
        match req.method {
            "GET" | "HEAD" => return Response::status(204),
            "POST" => {}
            _ => return Response::status(405),
        }
        let msg = match classified {
            Ok(m) => m,
            Err(e) => return Response::improper(e),
        };
        match req.callback_token {
            Some(raw) => self.take_callback(req.peer, raw, msg, client),
            None => self.take_request(req.peer, msg, reply),
        }
    }

    fn take_callback(
        &mut self,
        peer: &str,
        raw: &str,
        msg: RidMessage,
        client: &mut Client,
    ) -> Response {
        let token = match CallbackToken::parse(raw) {
            Ok(t) => t,
            Err(e) => return Response::improper(Improper::BadToken(e)),
        };
        if !msg.msg_type.is_callback() {
            return Response::improper(Improper::NotACallback(msg.msg_type));
        }
        match client.match_callback(peer, &token, &msg) {
            Ok(request) => {
                let closed = msg.closes_exchange();
                Response {
                    accepted: Some(Accepted {
                        peer: String::from(peer),
                        message: msg,
                        disposition: Disposition::Callback {
                            token,
                            request,
                            closed,
                        },
                    }),
                    ..Response::status(200)
                }
            }
            Err(e) => Response::improper(e),
        }
    }

    fn take_request<'r>(
        &mut self,
        peer: &str,
        msg: RidMessage,
        reply: impl FnOnce(&RidMessage) -> Result<Reply<'r>, ServerFailure>,
    ) -> Response {
        let t = msg.msg_type;
        if !t.is_request() {
            return Response::improper(Improper::NotARequest(t));
        }
        let r = match reply(&msg) {
            Ok(r) => r,
            Err(f) => return Response::failure(f),
        };
        let accepted = |disposition| Accepted {
            peer: String::from(peer),
            message: msg.clone(),
            disposition,
        };
        match r {
            Reply::Later if allowed(t, false, 202, None) => match self.issue(peer, t) {
                Ok(token) => Response {
                    token: Some(token.clone()),
                    accepted: Some(accepted(Disposition::Deferred(token))),
                    ..Response::status(202)
                },
                Err(f) => Response::failure(f),
            },
            Reply::Later | Reply::Empty if allowed(t, false, 200, None) => Response {
                accepted: Some(accepted(Disposition::Filed)),
                ..Response::status(200)
            },
            Reply::Now { msg_type, body } if allowed(t, false, 200, Some(msg_type)) => Response {
                body: Some(Vec::from(body)),
                accepted: Some(accepted(Disposition::Answered(msg_type))),
                ..Response::status(200)
            },
            _ => Response::failure(ServerFailure::ReplyNotAllowed),
        }
    }

    fn issue(&mut self, peer: &str, request: MsgType) -> Result<CallbackToken, ServerFailure> {
        let per_peer = self.owed.get(peer).map_or(0, BTreeMap::len);
        if self.count >= self.config.max_owed || per_peer >= self.config.max_owed_per_peer {
            return Err(ServerFailure::CallbacksFull);
        }
        let n = self.next;
        self.next = n.checked_add(1).ok_or(ServerFailure::TokensExhausted)?;
        let mut s = self.config.token_prefix.clone();
        // Writing to a String cannot fail.
        let _ = write!(s, "{n:x}");
        let token = CallbackToken::parse(&s).map_err(|_| ServerFailure::TokensExhausted)?;
        self.owed
            .entry(String::from(peer))
            .or_default()
            .insert(token.clone(), request);
        self.count += 1;
        Ok(token)
    }

    /// The callback exchange that sends `reply` to `peer` for the request `token` stands
    /// for: the agent POSTs the reply to `/` on the peer, at the address the request came
    /// from (RFC 6546 §3), with [`Exchange::callback_token`] as `RID-Callback-Token`, and
    /// checks the answer with [`Client::handle_response`]. The callback stays owed until
    /// [`Server::callback_delivered`].
    pub fn callback(
        &self,
        peer: &str,
        token: &CallbackToken,
        reply: &RidMessage,
    ) -> Result<Exchange, CallbackError> {
        let request = *self
            .owed
            .get(peer)
            .and_then(|m| m.get(token))
            .ok_or(CallbackError::NotOwed)?;
        if !callback_allowed(request, reply.msg_type) {
            return Err(CallbackError::NotAllowed);
        }
        Ok(Exchange::new_callback(
            peer,
            reply.msg_type,
            Callback {
                token: token.clone(),
                request,
                closes: reply.closes_exchange(),
            },
        ))
    }

    /// The peer answered the callback `exchange` with `200`: the callback is no longer
    /// owed if that reply [closed](Exchange::closes) the exchange. Returns whether it was
    /// removed.
    pub fn callback_delivered(&mut self, exchange: &Exchange) -> bool {
        match exchange.callback_token() {
            Some(t) if exchange.closes() => self.forget(exchange.peer(), t).is_some(),
            _ => false,
        }
    }

    /// Drops an owed callback (the application gives up). Returns the request type it
    /// stood for.
    pub fn forget(&mut self, peer: &str, token: &CallbackToken) -> Option<MsgType> {
        let per_peer = self.owed.get_mut(peer)?;
        let r = per_peer.remove(token)?;
        if per_peer.is_empty() {
            self.owed.remove(peer);
        }
        self.count = self.count.saturating_sub(1);
        Some(r)
    }

    /// Reloads an owed callback from durable storage after a restart.
    pub fn restore(
        &mut self,
        peer: &str,
        token: CallbackToken,
        request: MsgType,
    ) -> Result<(), ServerFailure> {
        if self.count >= self.config.max_owed {
            return Err(ServerFailure::CallbacksFull);
        }
        let m = self.owed.entry(String::from(peer)).or_default();
        if m.insert(token, request).is_none() {
            self.count += 1;
        }
        Ok(())
    }

    /// Number of callbacks owed.
    pub fn owed_len(&self) -> usize {
        self.count
    }

    /// Every owed callback: (peer, token, request type), for durable storage.
    pub fn owed(&self) -> impl Iterator<Item = (&str, &CallbackToken, MsgType)> {
        self.owed
            .iter()
            .flat_map(|(p, m)| m.iter().map(move |(t, r)| (p.as_str(), t, *r)))
    }
}
