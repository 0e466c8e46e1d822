//! `serve`: the RID server role over HTTP/1.1 and mutual TLS.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use http_body_util::{BodyExt as _, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{ALLOW, CONTENT_TYPE, HeaderMap, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use rid_https::{CALLBACK_TOKEN_HEADER, Disposition, Limits, MEDIA_TYPE};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::Error;
use crate::store::{Store, meta};
use crate::tls::{PeerVerifier, VERSIONS, describe, peer_key, peer_label, provider};

/// How long a TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the request header may take to arrive (slow clients).
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the request body may take to arrive.
const BODY_TIMEOUT: Duration = Duration::from_secs(60);

/// What `serve` needs.
#[derive(Debug)]
pub struct ServeConfig {
    /// The address to listen on (RFC 6546 §5: port 4590 by default).
    pub listen: SocketAddr,
    /// Our certificate chain, end-entity first.
    pub cert_chain: Vec<CertificateDer<'static>>,
    /// Our private key.
    pub key: PrivateKeyDer<'static>,
    /// The whitelist: the only peer certificates accepted (RFC 6546 §4).
    pub peers: Vec<CertificateDer<'static>>,
    /// Reference identifiers: when not empty, the peer's certificate must carry one as a
    /// dNSName (RFC 6546 §4).
    pub peer_names: Vec<String>,
    /// The store directory.
    pub store: PathBuf,
    /// Body limits (a longer body is answered `413`).
    pub limits: Limits,
}

/// Counters of a running server.
#[derive(Debug, Default)]
pub struct Stats {
    connections: AtomicU64,
    handshakes: AtomicU64,
    requests: AtomicU64,
}

impl Stats {
    /// TCP connections accepted.
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// TLS handshakes completed (peer accepted).
    pub fn handshakes(&self) -> u64 {
        self.handshakes.load(Ordering::Relaxed)
    }

    /// HTTP requests answered.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

struct Shared {
    store: Store,
    limits: Limits,
    stats: Arc<Stats>,
}

/// A bound server, ready to [`run`](Listener::run).
pub struct Listener {
    listener: TcpListener,
    acceptor: TlsAcceptor,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("listener", &self.listener)
            .finish_non_exhaustive()
    }
}

/// Binds and runs a server until an error ([`Listener::bind`] then [`Listener::run`]).
pub async fn serve(config: ServeConfig) -> Result<(), Error> {
    Listener::bind(config).await?.run().await
}

impl Listener {
    /// Opens the store, builds the TLS configuration and binds the address.
    pub async fn bind(config: ServeConfig) -> Result<Listener, Error> {
        let store = Store::open(&config.store)?;
        // Fail now, not at the first request, on an unreadable state.
        let _ = store.lock()?.roles(config.limits)?;
        let provider = provider();
        let verifier = PeerVerifier::new(&config.peers, &config.peer_names, provider.clone())?;
        let mut tls = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(VERSIONS)
            .map_err(|e| Error::Tls(e.to_string()))?
            .with_client_cert_verifier(Arc::new(verifier))
            .with_single_cert(config.cert_chain, config.key)
            .map_err(|e| Error::Config(format!("certificate / key: {e}")))?;
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|e| Error::Io(format!("listen on {}: {e}", config.listen)))?;
        Ok(Listener {
            listener,
            acceptor: TlsAcceptor::from(Arc::new(tls)),
            shared: Arc::new(Shared {
                store,
                limits: config.limits,
                stats: Arc::new(Stats::default()),
            }),
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> Result<SocketAddr, Error> {
        self.listener
            .local_addr()
            .map_err(|e| Error::Io(e.to_string()))
    }

    /// The counters.
    pub fn stats(&self) -> Arc<Stats> {
        self.shared.stats.clone()
    }

    /// Accepts connections forever, each on its own task.
    pub async fn run(self) -> Result<(), Error> {
        if let Ok(a) = self.listener.local_addr() {
            eprintln!(
                "rid-agent: listening on {a} (HTTP/1.1 over TLS 1.2/1.3, mutual authentication)"
            );
        }
        loop {
            let (tcp, addr) = match self.listener.accept().await {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("rid-agent: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            self.shared
                .stats
                .connections
                .fetch_add(1, Ordering::Relaxed);
            let acceptor = self.acceptor.clone();
            let shared = self.shared.clone();
            tokio::spawn(async move { connection(acceptor, shared, tcp, addr).await });
        }
    }
}

async fn connection(
    acceptor: TlsAcceptor,
    shared: Arc<Shared>,
    tcp: tokio::net::TcpStream,
    addr: SocketAddr,
) {
    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(t)) => t,
        Ok(Err(e)) => {
            eprintln!("rid-agent: {addr}: TLS handshake refused: {}", describe(&e));
            return;
        }
        Err(_) => {
            eprintln!("rid-agent: {addr}: TLS handshake timed out");
            return;
        }
    };
    let conn = tls.get_ref().1;
    let Some(cert) = conn.peer_certificates().and_then(|c| c.first()).cloned() else {
        eprintln!("rid-agent: {addr}: no client certificate (RFC 6546 §4: mutual authentication)");
        return;
    };
    let version = conn
        .protocol_version()
        .map_or_else(|| String::from("?"), |v| format!("{v:?}"));
    shared.stats.handshakes.fetch_add(1, Ordering::Relaxed);
    let peer = Arc::new((peer_key(&cert), format!("{} at {addr}", peer_label(&cert))));
    eprintln!(
        "rid-agent: {}: {version}, certificate on the whitelist",
        peer.1
    );
    let svc = service_fn(move |req| {
        let shared = shared.clone();
        let peer = peer.clone();
        async move { Ok::<_, Infallible>(handle(shared, peer, req).await) }
    });
    let r = http1::Builder::new()
        .keep_alive(true)
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(TokioIo::new(tls), svc)
        .await;
    match r {
        // A peer that closes without close_notify, or between requests: nothing to say.
        Err(e) if e.is_shutdown() || e.is_incomplete_message() => {}
        Err(e) => eprintln!("rid-agent: {addr}: connection: {e}"),
        Ok(()) => {}
    }
}

fn reply(status: u16) -> hyper::Response<Full<Bytes>> {
    let mut r = hyper::Response::new(Full::new(Bytes::new()));
    *r.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    r
}

/// The value of a header field that may occur once: `Err` when repeated or not text.
fn single<'h>(headers: &'h HeaderMap, name: &str) -> Result<Option<&'h str>, String> {
    let mut it = headers.get_all(name).iter();
    match (it.next(), it.next()) {
        (None, _) => Ok(None),
        (Some(v), None) => v
            .to_str()
            .map(Some)
            .map_err(|_| format!("{name} is not visible ASCII")),
        (Some(_), Some(_)) => Err(format!("{name} repeated")),
    }
}

async fn handle(
    shared: Arc<Shared>,
    peer: Arc<(String, String)>,
    req: hyper::Request<Incoming>,
) -> hyper::Response<Full<Bytes>> {
    shared.stats.requests.fetch_add(1, Ordering::Relaxed);
    let label = &peer.1;
    let method = req.method().as_str().to_owned();
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| String::from("/"), |p| p.as_str().to_owned());
    let fields = single(req.headers(), CONTENT_TYPE.as_str()).and_then(|ct| {
        single(req.headers(), CALLBACK_TOKEN_HEADER)
            .map(|t| (ct.map(str::to_owned), t.map(str::to_owned)))
    });
    let (content_type, token) = match fields {
        Ok(f) => f,
        Err(why) => {
            eprintln!("rid-agent: {label}: {method} {target} -> 400 ({why})");
            return reply(400);
        }
    };
    let collect = Limited::new(req.into_body(), shared.limits.max_body).collect();
    let Ok(body) = tokio::time::timeout(BODY_TIMEOUT, collect).await else {
        eprintln!("rid-agent: {label}: {method} {target} -> 408 (body too slow)");
        return reply(408);
    };
    let body = match body {
        Ok(b) => b.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            eprintln!(
                "rid-agent: {label}: {method} {target} -> 413 (body over {} octets)",
                shared.limits.max_body
            );
            return reply(413);
        }
        Err(e) => {
            eprintln!("rid-agent: {label}: {method} {target} -> 400 (body: {e})");
            return reply(400);
        }
    };
    let shared2 = shared.clone();
    let peer2 = peer.clone();
    let r = tokio::task::spawn_blocking(move || {
        process(
            &shared2,
            &peer2,
            &method,
            &target,
            content_type.as_deref(),
            token.as_deref(),
            &body,
        )
    })
    .await;
    match r {
        Ok(resp) => resp,
        Err(e) => {
            eprintln!("rid-agent: {label}: -> 500 (task: {e})");
            reply(500)
        }
    }
}

fn process(
    shared: &Shared,
    peer: &(String, String),
    method: &str,
    target: &str,
    content_type: Option<&str>,
    callback_token: Option<&str>,
    body: &[u8],
) -> hyper::Response<Full<Bytes>> {
    let request = rid_https::Request {
        method,
        target,
        content_type,
        callback_token,
        body,
        peer: &peer.0,
    };
    let label = peer.1.as_str();
    match decide(shared, label, &request) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rid-agent: {label}: {method} {target} -> 500 (store: {e})");
            reply(500)
        }
    }
}

/// Hands `request` from the peer shown as `label` to the Sans-IO server, stores what it
/// accepted and builds the HTTP response.
fn decide(
    shared: &Shared,
    label: &str,
    request: &rid_https::Request<'_>,
) -> Result<hyper::Response<Full<Bytes>>, Error> {
    let (key, method, target, body) = (request.peer, request.method, request.target, request.body);
    let mut locked = shared.store.lock()?;
    let (mut server, mut client) = locked.roles(shared.limits)?;
    let resp = server.handle_request(request, &mut client);
    let mut what = String::new();
    if let Some(acc) = &resp.accepted {
        let t = acc.message.msg_type;
        let (disposition, token) = match &acc.disposition {
            Disposition::Deferred(tok) => {
                what = format!("{t} deferred, callback owed with token {tok} (RFC 6546 §3 202)");
                ("deferred", Some(tok))
            }
            Disposition::Answered(r) => {
                what = format!("{t} answered with a {r}");
                ("answered", None)
            }
            Disposition::Filed => {
                what = format!("{t} filed (RFC 6546 §3 200, empty)");
                ("filed", None)
            }
            Disposition::Callback {
                token,
                request,
                closed,
            } => {
                what = format!(
                    "{t} callback for our {request}, token {token} matched{}",
                    if *closed {
                        ", exchange closed"
                    } else {
                        ", exchange still open"
                    }
                );
                ("callback", Some(token))
            }
        };
        // The message first, then the tables: a failure in between leaves a message that
        // the peer will send again, never a token spent on a message we do not hold.
        let stem = locked.save_message(&meta(key, label, t, disposition, token), body)?;
        locked.save(&server, &client)?;
        what.push_str(&format!("; stored as messages/{stem}.xml"));
    } else if let Some(i) = &resp.improper {
        what = format!("improper: {i}");
    } else if let Some(f) = &resp.failure {
        what = format!("our failure: {f}");
    }
    eprintln!(
        "rid-agent: {label}: {method} {target} -> {} {what}",
        resp.status
    );
    let mut out = reply(resp.status);
    if let Some(v) = resp
        .token
        .as_ref()
        .and_then(|t| HeaderValue::from_str(t.as_str()).ok())
    {
        out.headers_mut().insert(CALLBACK_TOKEN_HEADER, v);
    }
    if resp.status == 405 {
        out.headers_mut()
            .insert(ALLOW, HeaderValue::from_static(rid_https::Response::ALLOW));
    }
    if let Some(b) = resp.body {
        out.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
        *out.body_mut() = Full::new(Bytes::from(b));
    }
    Ok(out)
}
