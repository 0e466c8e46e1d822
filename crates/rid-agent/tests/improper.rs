//! `send` against a scripted peer (a raw TLS server): improper responses are reported,
//! redirects never followed (RFC 6546 §3).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use rid_agent::Error;
use rid_agent::rid_https::Limits;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Serves `response` (raw HTTP) to every request; counts the requests.
async fn scripted(me: &Ident, response: String) -> (u16, Arc<AtomicUsize>) {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![me.der.clone()], me.key())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let Ok(mut tls) = acceptor.accept(tcp).await else {
                continue;
            };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Read the header and the Content-Length body.
            loop {
                let n = tls.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).into_owned();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len: usize = text
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap())
                        })
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + len {
                        break;
                    }
                }
            }
            c.fetch_add(1, Ordering::SeqCst);
            let _ = tls.write_all(response.as_bytes()).await;
            let _ = tls.shutdown().await;
        }
    });
    (port, count)
}

fn config(a: &Ident, b: &Ident, port: u16) -> rid_agent::SendConfig {
    rid_agent::SendConfig {
        to: format!("https://localhost:{port}/"),
        cert_chain: vec![a.der.clone()],
        key: a.key(),
        peers: vec![b.der.clone()],
        peer_names: vec![],
        store: None,
        limits: Limits::DEFAULT,
    }
}

#[test]
fn improper_responses_are_reported_and_redirects_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (
        ident(tmp.path(), "a.example"),
        ident(tmp.path(), "b.example"),
    );
    let result = rid("Result");
    let cases = [
        (
            "redirect",
            String::from(
                "HTTP/1.1 302 Found\r\nLocation: https://localhost:1/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            ),
            302,
        ),
        (
            "202 without a token",
            String::from("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
            202,
        ),
        (
            "two tokens",
            String::from(
                "HTTP/1.1 202 Accepted\r\nRID-Callback-Token: x\r\nRID-Callback-Token: y\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            ),
            202,
        ),
        (
            "a Result answering a Query",
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{result}",
                result.len()
            ),
            200,
        ),
        (
            "a RID body as application/json",
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{result}",
                result.len()
            ),
            200,
        ),
    ];
    runtime().block_on(async {
        for (what, response, status) in cases {
            let (port, count) = scripted(&b, response).await;
            let r = rid_agent::send(&config(&a, &b, port), rid("Query").as_bytes(), None).await;
            match r {
                Err(Error::Improper(s, _)) if s == status => {}
                other => panic!("{what}: {other:?}"),
            }
            assert_eq!(count.load(Ordering::SeqCst), 1, "{what}: one request only");
        }
        // A proper 200 with a Report answering the Query is taken.
        let report = rid("Report");
        let (port, _) = scripted(
            &b,
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Length: {}\r\n\r\n{report}",
                report.len()
            ),
        )
        .await;
        let sent = rid_agent::send(&config(&a, &b, port), rid("Query").as_bytes(), None).await.unwrap();
        assert_eq!(sent.body, report.as_bytes());
    });
}
