//! The client role: checks responses against the RFC 6546 §3 table and keeps the callbacks
//! awaited after a `202 Accepted`.

use alloc::collections::BTreeMap;
use alloc::string::String;

use crate::error::{Improper, ImproperResponse};
use crate::limits::{Limits, is_rid_media_type};
use crate::message::{MsgType, RidMessage, allowed, callback_allowed};
use crate::token::CallbackToken;

/// Client configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    /// Limits for response bodies.
    pub limits: Limits,
    /// Most callbacks awaited at once, over all peers (default 4096). When full, a `202`
    /// is reported as [`ImproperResponse::AwaitedFull`] (our own failure, to be logged):
    /// nothing awaited is ever evicted, as RFC 6546 §3 bounds no callback's delay.
    pub max_awaited: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            limits: Limits::DEFAULT,
            max_awaited: 4096,
        }
    }
}

/// One HTTP request this system sends and the response it expects: a RID message opening
/// an exchange ([`Exchange::request`]) or a callback answering one
/// ([`Server::callback`](crate::Server::callback)).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Exchange {
    peer: String,
    sent: MsgType,
    callback: Option<Callback>,
}

/// The callback half of an [`Exchange`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Callback {
    pub(crate) token: CallbackToken,
    pub(crate) request: MsgType,
    pub(crate) closes: bool,
}

impl Exchange {
    /// An exchange opened by sending a `msg_type` to `peer` (the peer key the agent uses
    /// for the TLS identity, the same string its server sees for that peer). `None` for
    /// Acknowledgement and Result, which are only sent as callbacks (RFC 6546 §3).
    pub fn request(peer: &str, msg_type: MsgType) -> Option<Exchange> {
        msg_type.is_request().then(|| Exchange {
            peer: String::from(peer),
            sent: msg_type,
            callback: None,
        })
    }

    pub(crate) fn new_callback(peer: &str, sent: MsgType, callback: Callback) -> Exchange {
        Exchange {
            peer: String::from(peer),
            sent,
            callback: Some(callback),
        }
    }

    /// The peer.
    pub fn peer(&self) -> &str {
        &self.peer
    }

    /// The RID message type sent.
    pub fn msg_type(&self) -> MsgType {
        self.sent
    }

    /// The `RID-Callback-Token` header to send, for a callback.
    pub fn callback_token(&self) -> Option<&CallbackToken> {
        self.callback.as_ref().map(|c| &c.token)
    }

    /// For a callback: whether delivering it ends the exchange
    /// ([`RidMessage::closes_exchange`]).
    pub fn closes(&self) -> bool {
        self.callback.as_ref().is_none_or(|c| c.closes)
    }
}

/// An HTTP response, as the agent read it. Header values are the field values (the agent
/// rejects a response carrying one of these fields twice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpResponse<'a> {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` field.
    pub content_type: Option<&'a str>,
    /// The `RID-Callback-Token` field.
    pub callback_token: Option<&'a str>,
    /// The body (after any transfer coding).
    pub body: &'a [u8],
}

/// What a proper response means.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// `200` with a RID message (its type allowed for the request).
    Reply(RidMessage),
    /// `200` with an empty body: a Report filed, or a callback delivered.
    Empty,
    /// `202`: the reply comes later as a callback with this token; it is now awaited.
    Deferred(CallbackToken),
}

/// The client role: owns the callbacks awaited from each peer.
#[derive(Clone, Debug)]
pub struct Client {
    config: ClientConfig,
    /// peer → token → the request type the callback answers.
    awaited: BTreeMap<String, BTreeMap<CallbackToken, MsgType>>,
    count: usize,
}

impl Client {
    /// A client with nothing awaited.
    pub fn new(config: ClientConfig) -> Client {
        Client {
            config,
            awaited: BTreeMap::new(),
            count: 0,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Checks a response to `exchange` (RFC 6546 §3), reading its body with quick-xml.
    /// On `202` the token is recorded until the matching callback arrives at the server
    /// ([`Server::handle_request`](crate::Server::handle_request)).
    #[cfg(feature = "std")]
    pub fn handle_response(
        &mut self,
        exchange: &Exchange,
        response: &HttpResponse<'_>,
    ) -> Result<Outcome, ImproperResponse> {
        let limits = self.config.limits;
        self.handle_response_with(exchange, response, |ct, body| {
            crate::classify(ct, body, &limits)
        })
    }

    /// [`Client::handle_response`] with the caller's envelope reader (no `std` needed):
    /// `classify` is called only for a non-empty `200` body.
    pub fn handle_response_with(
        &mut self,
        exchange: &Exchange,
        response: &HttpResponse<'_>,
        classify: impl FnOnce(Option<&str>, &[u8]) -> Result<RidMessage, Improper>,
    ) -> Result<Outcome, ImproperResponse> {
        let callback = exchange.callback.is_some();
        let sent = exchange.sent;
        match response.status {
            300..=399 => Err(ImproperResponse::Redirect(response.status)),
            400..=599 => Err(ImproperResponse::Refused(response.status)),
            202 if !callback && allowed(sent, false, 202, None) => {
                if !response.body.is_empty() {
                    return Err(ImproperResponse::Body202);
                }
                let token = CallbackToken::parse(response.callback_token.unwrap_or(""))
                    .map_err(ImproperResponse::BadToken)?;
                self.await_callback(&exchange.peer, token.clone(), sent)?;
                Ok(Outcome::Deferred(token))
            }
            200 if response.body.is_empty() => {
                if allowed(sent, callback, 200, None) {
                    Ok(Outcome::Empty)
                } else {
                    Err(ImproperResponse::TypeNotAllowed {
                        request: sent,
                        response: None,
                    })
                }
            }
            200 => {
                if !response.content_type.is_some_and(is_rid_media_type) {
                    return Err(ImproperResponse::Body(Improper::MediaType));
                }
                let msg = classify(response.content_type, response.body)
                    .map_err(ImproperResponse::Body)?;
                if allowed(sent, callback, 200, Some(msg.msg_type)) {
                    Ok(Outcome::Reply(msg))
                } else {
                    Err(ImproperResponse::TypeNotAllowed {
                        request: sent,
                        response: Some(msg.msg_type),
                    })
                }
            }
            s => Err(ImproperResponse::UnexpectedStatus(s)),
        }
    }

    /// Records a callback awaited from `peer` (also used to reload the table from durable
    /// storage after a restart).
    pub fn await_callback(
        &mut self,
        peer: &str,
        token: CallbackToken,
        request: MsgType,
    ) -> Result<(), ImproperResponse> {
        if self
            .awaited
            .get(peer)
            .is_some_and(|m| m.contains_key(&token))
        {
            return Err(ImproperResponse::DuplicateToken);
        }
        if self.count >= self.config.max_awaited {
            return Err(ImproperResponse::AwaitedFull);
        }
        self.awaited
            .entry(String::from(peer))
            .or_default()
            .insert(token, request);
        self.count += 1;
        Ok(())
    }

    /// Matches a callback that arrived at the server: the token must be awaited from this
    /// very peer and the message must answer the request it stands for. When the message
    /// [closes the exchange](RidMessage::closes_exchange), the token is forgotten.
    /// Returns the type of the request answered.
    pub fn match_callback(
        &mut self,
        peer: &str,
        token: &CallbackToken,
        msg: &RidMessage,
    ) -> Result<MsgType, Improper> {
        let Some(per_peer) = self.awaited.get_mut(peer) else {
            return Err(Improper::UnknownToken);
        };
        let Some(&request) = per_peer.get(token) else {
            return Err(Improper::UnknownToken);
        };
        if !callback_allowed(request, msg.msg_type) {
            return Err(Improper::NotACallback(msg.msg_type));
        }
        if msg.closes_exchange() {
            per_peer.remove(token);
            if per_peer.is_empty() {
                self.awaited.remove(peer);
            }
            self.count = self.count.saturating_sub(1);
        }
        Ok(request)
    }

    /// Gives up waiting for a callback (the agent's own expiry policy, if any). Returns
    /// the request type it stood for.
    pub fn forget(&mut self, peer: &str, token: &CallbackToken) -> Option<MsgType> {
        let per_peer = self.awaited.get_mut(peer)?;
        let r = per_peer.remove(token)?;
        if per_peer.is_empty() {
            self.awaited.remove(peer);
        }
        self.count = self.count.saturating_sub(1);
        Some(r)
    }

    /// Number of callbacks awaited.
    pub fn awaited_len(&self) -> usize {
        self.count
    }

    /// Every awaited callback: (peer, token, request type), for durable storage.
    pub fn awaited(&self) -> impl Iterator<Item = (&str, &CallbackToken, MsgType)> {
        self.awaited
            .iter()
            .flat_map(|(p, m)| m.iter().map(move |(t, r)| (p.as_str(), t, *r)))
    }
}
