//! `send`: the RID client role over HTTP/1.1 and mutual TLS.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http1;
use hyper::header::{CONTENT_TYPE, HOST, HeaderValue};
use hyper_util::rt::TokioIo;
use rid_https::{
    CALLBACK_TOKEN_HEADER, CallbackToken, Client, ClientConfig, Exchange, HttpResponse, Limits,
    MEDIA_TYPE, MsgType, Outcome, PORT,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::Error;
use crate::store::{Store, meta};
use crate::tls::{PeerVerifier, VERSIONS, describe, peer_key, peer_label, provider};

/// How long connecting (TCP and TLS) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the response may take.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(60);

/// What `send` needs.
#[derive(Debug)]
pub struct SendConfig {
    /// `https://host[:port]/` (port 4590 by default, RFC 6546 §5).
    pub to: String,
    /// Our certificate chain, end-entity first.
    pub cert_chain: Vec<CertificateDer<'static>>,
    /// Our private key.
    pub key: PrivateKeyDer<'static>,
    /// The whitelist: the only server certificates accepted (RFC 6546 §4).
    pub peers: Vec<CertificateDer<'static>>,
    /// Reference identifiers: when not empty, the server's certificate must carry one as
    /// a dNSName (RFC 6546 §4).
    pub peer_names: Vec<String>,
    /// The store directory (where a `202` token is remembered for `serve`, and where an
    /// owed callback is looked up); without it nothing is remembered.
    pub store: Option<PathBuf>,
    /// Body limits for the response.
    pub limits: Limits,
}

/// The result of one message sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    /// The peer, for people.
    pub peer: String,
    /// The HTTP status.
    pub status: u16,
    /// What the response means (checked against the RFC 6546 §3 table).
    pub outcome: Outcome,
    /// The response body (a RID message for [`Outcome::Reply`]).
    pub body: Vec<u8>,
    /// Whether a `202` token was remembered in the store.
    pub remembered: bool,
}

/// Where to connect: host (for TCP and SNI), port, and the `Host` field.
fn parse_url(url: &str) -> Result<(String, u16, String), Error> {
    let bad = |why: &str| Error::Config(format!("--to {url:?}: {why}"));
    let rest = url
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .and_then(|_| url.get(8..))
        .ok_or_else(|| bad("must start with https:// (RFC 6546 §2: HTTP over TLS)"))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if !(path.is_empty() || path == "/") {
        return Err(bad("the path must be / (RFC 6546 §3)"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, p) = v6.split_once(']').ok_or_else(|| bad("unclosed ["))?;
        (h, p.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    let port = match port {
        Some(p) => p.parse().map_err(|_| bad("bad port"))?,
        None => PORT,
    };
    Ok((host.to_owned(), port, authority.to_owned()))
}

/// One persistent HTTP/1.1 connection to a peer (several messages may be sent on it).
pub struct Connection {
    sender: http1::SendRequest<Full<Bytes>>,
    peer: String,
    label: String,
    authority: String,
    store: Option<Store>,
    limits: Limits,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("peer", &self.label)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// Connects and completes the mutual TLS handshake (the server's certificate must be
    /// on the whitelist).
    pub async fn connect(config: &SendConfig) -> Result<Connection, Error> {
        let (host, port, authority) = parse_url(&config.to)?;
        let store = config.store.as_deref().map(Store::open).transpose()?;
        let provider = provider();
        let verifier = PeerVerifier::new(&config.peers, &config.peer_names, provider.clone())?;
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(VERSIONS)
            .map_err(|e| Error::Tls(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_client_auth_cert(config.cert_chain.clone(), config.key.clone_key())
            .map_err(|e| Error::Config(format!("certificate / key: {e}")))?;
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        let name = ServerName::try_from(host.clone())
            .map_err(|e| Error::Config(format!("--to host {host:?}: {e}")))?;
        let connect = async {
            let tcp = TcpStream::connect((host.as_str(), port))
                .await
                .map_err(|e| Error::Io(format!("connect to {authority}: {e}")))?;
            TlsConnector::from(Arc::new(tls))
                .connect(name, tcp)
                .await
                .map_err(|e| Error::Tls(format!("handshake with {authority}: {}", describe(&e))))
        };
        let stream = tokio::time::timeout(CONNECT_TIMEOUT, connect)
            .await
            .map_err(|_| Error::Io(format!("connect to {authority}: timed out")))??;
        let cert = stream
            .get_ref()
            .1
            .peer_certificates()
            .and_then(|c| c.first())
            .cloned()
            .ok_or_else(|| Error::Tls(String::from("the server presented no certificate")))?;
        let (sender, conn) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| Error::Http(e.to_string()))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Connection {
            sender,
            peer: peer_key(&cert),
            label: peer_label(&cert),
            authority,
            store,
            limits: config.limits,
        })
    }

    /// The peer's certificate name, for people.
    pub fn peer_label(&self) -> &str {
        &self.label
    }

    /// The peer key (as the rid-https core sees the peer).
    pub fn peer_key(&self) -> &str {
        &self.peer
    }

    /// Sends one RID message: a request, or with `callback` the reply owed for that token
    /// (which must be owed to this peer in the store). Never follows a redirect.
    pub async fn send(&mut self, body: &[u8], callback: Option<&str>) -> Result<Sent, Error> {
        let msg = rid_https::classify(Some(MEDIA_TYPE), body, &self.limits)
            .map_err(|e| Error::Message(format!("the message to send: {e}")))?;
        let exchange = self.exchange(&msg, callback)?;
        let req = self.request(body, &exchange)?;
        let (status, headers, resp_body) = self.round_trip(req).await?;
        let field = |name: &str| -> Result<Option<String>, Error> {
            let mut it = headers.get_all(name).iter();
            match (it.next(), it.next()) {
                (None, _) => Ok(None),
                (Some(v), None) => v
                    .to_str()
                    .map(|s| Some(s.to_owned()))
                    .map_err(|_| Error::Improper(status, format!("{name} is not visible ASCII"))),
                (Some(_), Some(_)) => Err(Error::Improper(status, format!("{name} repeated"))),
            }
        };
        let content_type = field(CONTENT_TYPE.as_str())?;
        let token = field(CALLBACK_TOKEN_HEADER)?;
        let response = HttpResponse {
            status,
            content_type: content_type.as_deref(),
            callback_token: token.as_deref(),
            body: &resp_body,
        };
        let (outcome, remembered) = self.judge(&exchange, &response)?;
        Ok(Sent {
            peer: self.label.clone(),
            status,
            outcome,
            body: resp_body.to_vec(),
            remembered,
        })
    }

    /// The exchange `msg` opens, or the owed callback it answers.
    fn exchange(
        &self,
        msg: &rid_https::RidMessage,
        callback: Option<&str>,
    ) -> Result<Exchange, Error> {
        match callback {
            Some(raw) => {
                let token = CallbackToken::parse(raw)
                    .map_err(|e| Error::Config(format!("--callback: {e}")))?;
                let store = self.store.as_ref().ok_or_else(|| {
                    Error::Config(String::from(
                        "--callback needs --store (where the owed callback is recorded)",
                    ))
                })?;
                let locked = store.lock()?;
                let (server, _) = locked.roles(self.limits)?;
                server.callback(&self.peer, &token, msg).map_err(|e| {
                    Error::Config(format!(
                        "--callback {token}: {e} ({} to peer {})",
                        msg.msg_type, self.label
                    ))
                })
            }
            None => Exchange::request(&self.peer, msg.msg_type).ok_or_else(|| {
                Error::Config(format!(
                    "a {} is only sent as a callback (--callback TOKEN, RFC 6546 §3)",
                    msg.msg_type
                ))
            }),
        }
    }

    /// The HTTP request carrying `body` (RFC 6546 §3: POST to `/`, `text/xml`).
    fn request(
        &self,
        body: &[u8],
        exchange: &Exchange,
    ) -> Result<hyper::Request<Full<Bytes>>, Error> {
        let mut req = hyper::Request::post("/")
            .header(HOST, self.authority.as_str())
            .header(CONTENT_TYPE, MEDIA_TYPE)
            .body(Full::new(Bytes::copy_from_slice(body)))
            .map_err(|e| Error::Http(e.to_string()))?;
        if let Some(t) = exchange.callback_token() {
            let v = HeaderValue::from_str(t.as_str()).map_err(|e| Error::Http(e.to_string()))?;
            req.headers_mut().insert(CALLBACK_TOKEN_HEADER, v);
        }
        Ok(req)
    }

    /// Sends `req` and reads the response (status, headers, body up to the size limit).
    async fn round_trip(
        &mut self,
        req: hyper::Request<Full<Bytes>>,
    ) -> Result<(u16, hyper::HeaderMap, Bytes), Error> {
        let exchange_io = async {
            self.sender
                .ready()
                .await
                .map_err(|e| Error::Http(format!("connection to {}: {e}", self.label)))?;
            let resp = self
                .sender
                .send_request(req)
                .await
                .map_err(|e| Error::Http(format!("request to {}: {e}", self.label)))?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = Limited::new(resp.into_body(), self.limits.max_body)
                .collect()
                .await
                .map_err(|e| Error::Http(format!("response body: {e}")))?
                .to_bytes();
            Ok::<_, Error>((status, headers, body))
        };
        tokio::time::timeout(RESPONSE_TIMEOUT, exchange_io)
            .await
            .map_err(|_| Error::Http(format!("no response from {} in time", self.label)))?
    }

    /// Checks `response` against the exchange and records what it changes in the store:
    /// the outcome, and whether a callback token was remembered.
    fn judge(
        &self,
        exchange: &Exchange,
        response: &HttpResponse<'_>,
    ) -> Result<(Outcome, bool), Error> {
        let status = response.status;
        let Some(store) = &self.store else {
            let outcome = Client::new(ClientConfig {
                limits: self.limits,
                ..ClientConfig::default()
            })
            .handle_response(exchange, response)
            .map_err(|e| Error::Improper(status, e.to_string()))?;
            return Ok((outcome, false));
        };
        let mut locked = store.lock()?;
        let (mut server, mut client) = locked.roles(self.limits)?;
        let outcome = client
            .handle_response(exchange, response)
            .map_err(|e| Error::Improper(status, e.to_string()))?;
        if let Outcome::Reply(m) = &outcome {
            locked.save_message(
                &meta(&self.peer, &self.label, m.msg_type, "reply", None),
                response.body,
            )?;
        }
        if exchange.callback_token().is_some() {
            server.callback_delivered(exchange);
        }
        let remembered = matches!(outcome, Outcome::Deferred(_));
        locked.save(&server, &client)?;
        Ok((outcome, remembered))
    }
}

/// Connects, sends one message ([`Connection::send`]) and closes.
pub async fn send(config: &SendConfig, body: &[u8], callback: Option<&str>) -> Result<Sent, Error> {
    Connection::connect(config)
        .await?
        .send(body, callback)
        .await
}

/// The RID message types, for messages that name one.
pub fn msg_type_of(body: &[u8]) -> Option<MsgType> {
    rid_https::classify(Some(MEDIA_TYPE), body, &Limits::DEFAULT)
        .ok()
        .map(|m| m.msg_type)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::parse_url;

    #[test]
    fn urls() {
        // RFC 6546 §5: port 4590 unless given.
        assert_eq!(
            parse_url("https://rid.example/").unwrap(),
            ("rid.example".into(), 4590, "rid.example".into())
        );
        assert_eq!(
            parse_url("HTTPS://[::1]:8443").unwrap(),
            ("::1".into(), 8443, "[::1]:8443".into())
        );
        for bad in [
            "http://rid.example/",
            "https://rid.example/x",
            "https://:1/",
            "https://h:x/",
            "rid.example",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
    }
}
