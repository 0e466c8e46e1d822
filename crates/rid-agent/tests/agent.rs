//! Two agents in-process over mutual TLS on 127.0.0.1: the RFC 6546 §3 exchanges, the
//! store and its restarts, persistent connections, the RFC 6546 §4 whitelist.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use common::*;
use rid_agent::rid_https::{Limits, Outcome};
use rid_agent::{Connection, Error, Store, peer_key, send};

/// RFC 6546 §3: A sends an InvestigationRequest to B; B answers 202 + token; B's operator
/// sends the Result as a callback to A carrying that token; A matches it (a token A
/// received as client), answers 200 and stores the Result.
#[test]
fn request_202_then_callback_between_two_agents() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (
        ident(tmp.path(), "a.example"),
        ident(tmp.path(), "b.example"),
    );
    let (store_a, store_b) = (tmp.path().join("store-a"), tmp.path().join("store-b"));
    runtime().block_on(async {
        let agent_a = start(serve_config(&a, &[&b], &store_a)).await;
        let agent_b = start(serve_config(&b, &[&a], &store_b)).await;

        let request = rid("InvestigationRequest");
        let sent = send(
            &send_config(&a, &[&b], &agent_b, Some(&store_a)),
            request.as_bytes(),
            None,
        )
        .await
        .unwrap();
        assert_eq!(sent.status, 202);
        let Outcome::Deferred(token) = sent.outcome else {
            panic!("{:?}", sent.outcome)
        };
        assert!(sent.remembered);

        // B stored the request and owes A a callback; A awaits it.
        let b_store = Store::open(&store_b).unwrap();
        let msgs = b_store.messages().unwrap();
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].1, request.as_bytes());
        assert_eq!(msgs[0].0.disposition, "deferred");
        let owed = b_store.load().unwrap().owed;
        assert_eq!(owed.len(), 1);
        assert_eq!(owed[0].token, token.as_str());
        assert_eq!(owed[0].peer, peer_key(&a.der));
        let awaited = Store::open(&store_a).unwrap().load().unwrap().awaited;
        assert_eq!(awaited.len(), 1);
        assert_eq!(awaited[0].peer, peer_key(&b.der));

        // B's operator answers later: the Result as a callback to A.
        let result = rid("Result");
        let cfg = send_config(&b, &[&a], &agent_a, Some(&store_b));
        let sent = send(&cfg, result.as_bytes(), Some(token.as_str()))
            .await
            .unwrap();
        assert_eq!((sent.status, &sent.outcome), (200, &Outcome::Empty));

        // A stored the Result; B owes nothing, A awaits nothing.
        let a_msgs = Store::open(&store_a).unwrap().messages().unwrap();
        assert_eq!(a_msgs.len(), 1);
        assert_eq!(a_msgs[0].1, result.as_bytes());
        assert_eq!(a_msgs[0].0.disposition, "callback");
        assert_eq!(a_msgs[0].0.token.as_deref(), Some(token.as_str()));
        assert!(b_store.load().unwrap().owed.is_empty());
        assert!(
            Store::open(&store_a)
                .unwrap()
                .load()
                .unwrap()
                .awaited
                .is_empty()
        );

        // The same callback again: the token is spent (400), the client reports it.
        let again = send(&cfg, result.as_bytes(), Some(token.as_str())).await;
        assert!(matches!(again, Err(Error::Config(_))), "{again:?}");
        // A Result to a token A never received: refused 400 at A.
        let cfg_nostore = send_config(&b, &[&a], &agent_a, None);
        let r = send(&cfg_nostore, result.as_bytes(), Some("nonesuch")).await;
        assert!(matches!(r, Err(Error::Config(_))), "{r:?}");
        agent_a.stop().await;
        agent_b.stop().await;
    });
}

/// A Report is filed (200, empty) and is on disk when the 200 arrives; after a restart of
/// both agents the owed and awaited tokens are still there and the callback is matched.
#[test]
fn store_survives_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (
        ident(tmp.path(), "a.example"),
        ident(tmp.path(), "b.example"),
    );
    let (store_a, store_b) = (tmp.path().join("store-a"), tmp.path().join("store-b"));
    runtime().block_on(async {
        let agent_b = start(serve_config(&b, &[&a], &store_b)).await;
        let report = rid("Report");
        let sent = send(
            &send_config(&a, &[&b], &agent_b, Some(&store_a)),
            report.as_bytes(),
            None,
        )
        .await
        .unwrap();
        assert_eq!((sent.status, &sent.outcome), (200, &Outcome::Empty));
        let msgs = Store::open(&store_b).unwrap().messages().unwrap();
        assert_eq!(msgs.len(), 1);
        assert_eq!(
            (msgs[0].0.msg_type.as_str(), msgs[0].1.as_slice()),
            ("Report", report.as_bytes())
        );
        // No temporary file left behind.
        for e in std::fs::read_dir(store_b.join("messages")).unwrap() {
            let name = e.unwrap().file_name();
            assert!(!name.to_string_lossy().ends_with(".tmp"), "{name:?}");
        }

        let query = rid("Query");
        let sent = send(
            &send_config(&a, &[&b], &agent_b, Some(&store_a)),
            query.as_bytes(),
            None,
        )
        .await
        .unwrap();
        let Outcome::Deferred(token) = sent.outcome else {
            panic!()
        };
        agent_b.stop().await;

        // Both restart (A was not even running when its request was answered).
        let agent_b = start(serve_config(&b, &[&a], &store_b)).await;
        let agent_a = start(serve_config(&a, &[&b], &store_a)).await;
        assert_eq!(Store::open(&store_b).unwrap().messages().unwrap().len(), 2);
        assert_eq!(Store::open(&store_b).unwrap().load().unwrap().owed.len(), 1);

        // A Report answers a Query (RFC 6546 §3 table); A matches the token after its restart.
        let answer = rid("Report");
        let sent = send(
            &send_config(&b, &[&a], &agent_a, Some(&store_b)),
            answer.as_bytes(),
            Some(token.as_str()),
        )
        .await
        .unwrap();
        assert_eq!((sent.status, &sent.outcome), (200, &Outcome::Empty));
        let a_msgs = Store::open(&store_a).unwrap().messages().unwrap();
        assert_eq!(a_msgs.len(), 1);
        assert_eq!(a_msgs[0].0.disposition, "callback");
        assert!(
            Store::open(&store_b)
                .unwrap()
                .load()
                .unwrap()
                .owed
                .is_empty()
        );

        // Tokens stay unique across the restart: the next 202 carries a new token.
        let sent = send(
            &send_config(&a, &[&b], &agent_b, Some(&store_a)),
            query.as_bytes(),
            None,
        )
        .await
        .unwrap();
        let Outcome::Deferred(token2) = sent.outcome else {
            panic!()
        };
        assert_ne!(token, token2);
        agent_a.stop().await;
        agent_b.stop().await;
    });
}

/// HTTP/1.1 persistent connections: several messages over one TLS connection.
#[test]
fn several_messages_over_one_connection() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (
        ident(tmp.path(), "a.example"),
        ident(tmp.path(), "b.example"),
    );
    runtime().block_on(async {
        let agent_b = start(serve_config(&b, &[&a], &tmp.path().join("store-b"))).await;
        let mut conn = Connection::connect(&send_config(&a, &[&b], &agent_b, None))
            .await
            .unwrap();
        for t in ["Report", "Query", "Report", "TraceRequest"] {
            let sent = conn.send(rid(t).as_bytes(), None).await.unwrap();
            assert!(sent.status == 200 || sent.status == 202, "{sent:?}");
        }
        assert_eq!(agent_b.stats.requests(), 4);
        assert_eq!(agent_b.stats.handshakes(), 1);
        assert_eq!(agent_b.stats.connections(), 1);
        agent_b.stop().await;
    });
}

/// A body over the limit is answered 413; the client reports the improper answer.
#[test]
fn body_over_limit_is_413() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (
        ident(tmp.path(), "a.example"),
        ident(tmp.path(), "b.example"),
    );
    runtime().block_on(async {
        let mut cfg = serve_config(&b, &[&a], &tmp.path().join("store-b"));
        cfg.limits = Limits {
            max_body: 512,
            ..Limits::DEFAULT
        };
        let agent_b = start(cfg).await;
        let big = rid("Report").replace(
            "<iodef-rid:RIDPolicy",
            &format!("<!--{}-->\n<iodef-rid:RIDPolicy", "x".repeat(1000)),
        );
        let r = send(
            &send_config(&a, &[&b], &agent_b, None),
            big.as_bytes(),
            None,
        )
        .await;
        assert!(matches!(r, Err(Error::Improper(413, _))), "{r:?}");
        assert!(
            Store::open(&tmp.path().join("store-b"))
                .unwrap()
                .messages()
                .unwrap()
                .is_empty()
        );
        agent_b.stop().await;
    });
}

/// RFC 6546 §4: a client certificate not on the whitelist is refused at the handshake;
/// so is a server certificate not on the client's whitelist.
#[test]
fn certificates_not_on_the_whitelist_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, m) = (
        ident(tmp.path(), "a.example"),
        ident(tmp.path(), "b.example"),
        ident(tmp.path(), "mallory.example"),
    );
    runtime().block_on(async {
        let agent_b = start(serve_config(&b, &[&a], &tmp.path().join("store-b"))).await;
        // Mallory's certificate (she trusts B's): B refuses her.
        let r = send(
            &send_config(&m, &[&b], &agent_b, None),
            rid("Report").as_bytes(),
            None,
        )
        .await;
        assert!(matches!(r, Err(Error::Tls(_) | Error::Http(_))), "{r:?}");
        // A whitelists only Mallory: A refuses B as server.
        let r = send(
            &send_config(&a, &[&m], &agent_b, None),
            rid("Report").as_bytes(),
            None,
        )
        .await;
        assert!(matches!(r, Err(Error::Tls(_))), "{r:?}");
        // The same key and name as A's certificate, but not the whitelisted certificate:
        // refused (exact DER comparison, not only chain validation).
        let a2 = reissued(tmp.path(), &a);
        let r = send(
            &send_config(&a2, &[&b], &agent_b, None),
            rid("Report").as_bytes(),
            None,
        )
        .await;
        assert!(matches!(r, Err(Error::Tls(_) | Error::Http(_))), "{r:?}");
        assert_eq!(agent_b.stats.handshakes(), 0);
        // The genuine A is accepted.
        let r = send(
            &send_config(&a, &[&b], &agent_b, None),
            rid("Report").as_bytes(),
            None,
        )
        .await;
        assert_eq!(r.unwrap().status, 200);
        let stored = Store::open(&tmp.path().join("store-b"))
            .unwrap()
            .messages()
            .unwrap();
        assert_eq!(stored.len(), 1, "only the genuine A's message");
        agent_b.stop().await;
    });
}

/// RFC 6546 §4 DNS-ID: with a reference identifier the peer's dNSName must match it
/// exactly; a wildcard dNSName is refused.
#[test]
fn reference_identifier_and_wildcards() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (
        ident(tmp.path(), "a.example"),
        ident(tmp.path(), "b.example"),
    );
    let w = ident_with(
        tmp.path(),
        "*.example",
        vec!["*.example".into(), "localhost".into()],
    );
    runtime().block_on(async {
        let agent_b = start(serve_config(&b, &[&a], &tmp.path().join("store-b"))).await;
        let mut cfg = send_config(&a, &[&b], &agent_b, None);
        cfg.peer_names = vec!["B.example".into()];
        let r = send(&cfg, rid("Report").as_bytes(), None).await.unwrap();
        assert_eq!(r.status, 200);
        let mut cfg = send_config(&a, &[&b], &agent_b, None);
        cfg.peer_names = vec!["c.example".into()];
        let r = send(&cfg, rid("Report").as_bytes(), None).await;
        assert!(matches!(r, Err(Error::Tls(_))), "{r:?}");
        // The server side checks it too.
        let mut scfg = serve_config(&b, &[&a], &tmp.path().join("store-b2"));
        scfg.peer_names = vec!["z.example".into()];
        let agent_b2 = start(scfg).await;
        let r = send(
            &send_config(&a, &[&b], &agent_b2, None),
            rid("Report").as_bytes(),
            None,
        )
        .await;
        assert!(r.is_err(), "{r:?}");

        // A wildcard certificate cannot even be whitelisted.
        let r =
            rid_agent::Listener::bind(serve_config(&b, &[&w], &tmp.path().join("store-b3"))).await;
        assert!(
            matches!(r, Err(Error::Config(ref m)) if m.contains("wildcard")),
            "{r:?}"
        );
        let agent_w = start(serve_config(&w, &[&a], &tmp.path().join("store-w"))).await;
        let r = send(
            &send_config(&a, &[&w], &agent_w, None),
            rid("Report").as_bytes(),
            None,
        )
        .await;
        assert!(
            matches!(r, Err(Error::Config(ref m)) if m.contains("wildcard")),
            "{r:?}"
        );
        assert_eq!(
            rid_agent::dns_names(&w.der).unwrap(),
            vec!["*.example".to_owned(), "localhost".to_owned()]
        );
        agent_b.stop().await;
        agent_b2.stop().await;
        agent_w.stop().await;
    });
}

/// The client never sends an Acknowledgement / Result except as a callback, and refuses
/// non-https URLs (RFC 6546 §2).
#[test]
fn send_refuses_what_it_must_not_send() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (
        ident(tmp.path(), "a.example"),
        ident(tmp.path(), "b.example"),
    );
    runtime().block_on(async {
        let agent_b = start(serve_config(&b, &[&a], &tmp.path().join("store-b"))).await;
        let cfg = send_config(&a, &[&b], &agent_b, None);
        let r = send(&cfg, rid("Result").as_bytes(), None).await;
        assert!(matches!(r, Err(Error::Config(_))), "{r:?}");
        let r = send(&cfg, b"not xml", None).await;
        assert!(matches!(r, Err(Error::Message(_))), "{r:?}");
        let mut http = send_config(&a, &[&b], &agent_b, None);
        http.to = format!("http://127.0.0.1:{}/", agent_b.addr.port());
        assert!(matches!(
            send(&http, rid("Report").as_bytes(), None).await,
            Err(Error::Config(_))
        ));
        assert_eq!(agent_b.stats.requests(), 0);
        agent_b.stop().await;
    });
}
