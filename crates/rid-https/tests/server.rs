//! The server role against RFC 6546 §3: every table row, status codes, tokens.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::collections::HashSet;

use common::{ack, awaiting, client, handle, post, rid, server};
use rid_https::{
    Disposition, Improper, MsgType, Reply, Request, Server, ServerConfig, ServerFailure, TABLE,
    TokenError,
};

const PEER: &str = "peer-b";

#[test]
fn every_non_callback_row_is_answered() {
    // RFC 6546 §3 table, rows without "Callback": the server can produce each response.
    for row in TABLE.iter().filter(|r| !r.callback) {
        let (mut s, mut c) = (server(), client());
        let body = rid(row.request.as_str());
        let reply_body = row.response.map(|t| rid(t.as_str()));
        let resp = s.handle_request_with(&post(body.as_bytes(), PEER, None), &mut c, |m| {
            assert_eq!(m.msg_type, row.request);
            match (row.status, row.response) {
                (202, None) => Reply::Later,
                (200, None) => Reply::Empty,
                (_, Some(t)) => Reply::Now {
                    msg_type: t,
                    body: reply_body.as_deref().unwrap().as_bytes(),
                },
                _ => unreachable!(),
            }
        });
        assert_eq!(resp.status, row.status, "{row:?}");
        let acc = resp.accepted.expect("accepted");
        assert_eq!(acc.peer, PEER);
        assert_eq!(acc.message.msg_type, row.request);
        match (row.status, row.response) {
            (202, None) => {
                let t = resp.token.expect("202 carries a token");
                assert_eq!(acc.disposition, Disposition::Deferred(t));
                assert_eq!(resp.body, None, "202 has a zero-length body");
                assert_eq!(s.owed_len(), 1);
            }
            (200, None) => {
                assert_eq!(acc.disposition, Disposition::Filed);
                assert_eq!(resp.body, None);
                assert_eq!(resp.token, None);
            }
            (200, Some(t)) => {
                assert_eq!(acc.disposition, Disposition::Answered(t));
                assert_eq!(
                    resp.body.as_deref(),
                    reply_body.as_deref().map(str::as_bytes)
                );
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn every_callback_row_is_answered() {
    // Rows marked "Callback": Acknowledgement, Result, Report → 200, empty body.
    for row in TABLE.iter().filter(|r| r.callback) {
        assert_eq!((row.status, row.response), (200, None));
        let (mut s, mut c) = (server(), client());
        let token = awaiting(&mut c, PEER, MsgType::TraceRequest, "tok-1");
        let body = rid(row.request.as_str());
        let resp = handle(
            &mut s,
            &mut c,
            &post(body.as_bytes(), PEER, Some(token.as_str())),
        );
        assert_eq!(resp.status, 200, "{row:?}");
        assert_eq!(resp.body, None);
        assert_eq!(
            resp.accepted.unwrap().disposition,
            Disposition::Callback {
                token: token.clone(),
                request: MsgType::TraceRequest,
                closed: true
            }
        );
        assert_eq!(c.awaited_len(), 0, "matched and consumed");
    }
}

#[test]
fn responses_outside_the_table_are_our_failure() {
    // RFC 6546 §3: MUST NOT send a response with any other RID message: 500 instead.
    for req in MsgType::ALL.into_iter().filter(|t| t.is_request()) {
        for resp in MsgType::ALL {
            if rid_https::allowed(req, false, 200, Some(resp)) {
                continue;
            }
            let (mut s, mut c) = (server(), client());
            let body = rid(req.as_str());
            let rb = rid(resp.as_str());
            let r =
                s.handle_request_with(&post(body.as_bytes(), PEER, None), &mut c, |_| Reply::Now {
                    msg_type: resp,
                    body: rb.as_bytes(),
                });
            assert_eq!(r.status, 500, "{req} -> {resp}");
            assert_eq!(r.failure, Some(ServerFailure::ReplyNotAllowed));
            assert_eq!(r.accepted, None);
        }
    }
    // 200 empty is only for a Report.
    let (mut s, mut c) = (server(), client());
    let q = rid("Query");
    let r = s.handle_request_with(&post(q.as_bytes(), PEER, None), &mut c, |_| Reply::Empty);
    assert_eq!(r.status, 500);
    // The stated type must be the body's.
    let rep = rid("Report");
    let r = s.handle_request_with(&post(q.as_bytes(), PEER, None), &mut c, |_| Reply::Now {
        msg_type: MsgType::Acknowledgement,
        body: rep.as_bytes(),
    });
    assert_eq!(r.status, 500);
}

#[test]
fn report_is_never_deferred() {
    let (mut s, mut c) = (server(), client());
    let b = rid("Report");
    let r = handle(&mut s, &mut c, &post(b.as_bytes(), PEER, None));
    assert_eq!(r.status, 200);
    assert_eq!(r.token, None);
    assert_eq!(r.accepted.unwrap().disposition, Disposition::Filed);
    assert_eq!(s.owed_len(), 0);
}

#[test]
fn ack_and_result_cannot_open_an_exchange() {
    for t in [MsgType::Acknowledgement, MsgType::Result] {
        let (mut s, mut c) = (server(), client());
        let b = rid(t.as_str());
        let r = handle(&mut s, &mut c, &post(b.as_bytes(), PEER, None));
        assert_eq!(r.status, 400);
        assert_eq!(r.improper, Some(Improper::NotARequest(t)));
    }
}

#[test]
fn requests_cannot_be_callbacks() {
    for t in [
        MsgType::Query,
        MsgType::TraceRequest,
        MsgType::InvestigationRequest,
    ] {
        let (mut s, mut c) = (server(), client());
        let tok = awaiting(&mut c, PEER, MsgType::TraceRequest, "t");
        let b = rid(t.as_str());
        let r = handle(
            &mut s,
            &mut c,
            &post(b.as_bytes(), PEER, Some(tok.as_str())),
        );
        assert_eq!(r.status, 400);
        assert_eq!(r.improper, Some(Improper::NotACallback(t)));
        assert_eq!(c.awaited_len(), 1, "not consumed");
    }
    // A Result does not answer a Query (the Query's replies are Acknowledgement, Report).
    let (mut s, mut c) = (server(), client());
    let tok = awaiting(&mut c, PEER, MsgType::Query, "q");
    let b = rid("Result");
    let r = handle(
        &mut s,
        &mut c,
        &post(b.as_bytes(), PEER, Some(tok.as_str())),
    );
    assert_eq!(r.improper, Some(Improper::NotACallback(MsgType::Result)));
    assert_eq!(c.awaited_len(), 1);
}

#[test]
fn get_head_other_targets_methods() {
    let (mut s, mut c) = (server(), client());
    let req = |method, target| Request {
        method,
        target,
        content_type: None,
        callback_token: None,
        body: b"",
        peer: PEER,
    };
    // RFC 6546 §3: SHOULD answer GET / and HEAD / with 204.
    assert_eq!(handle(&mut s, &mut c, &req("GET", "/")).status, 204);
    assert_eq!(handle(&mut s, &mut c, &req("HEAD", "/")).status, 204);
    // Other Request-URIs: 404 by any method.
    for m in ["GET", "HEAD", "POST", "PUT", "DELETE"] {
        for t in ["/x", "", "/rid", "//", "/?a", "*"] {
            assert_eq!(handle(&mut s, &mut c, &req(m, t)).status, 404, "{m} {t}");
        }
    }
    // Other methods on /: 405.
    for m in ["PUT", "DELETE", "OPTIONS", "PATCH", "post"] {
        assert_eq!(handle(&mut s, &mut c, &req(m, "/")).status, 405, "{m}");
    }
    // A RID message under another target is not taken.
    let b = rid("Query");
    let r = handle(
        &mut s,
        &mut c,
        &Request {
            target: "/rid",
            ..post(b.as_bytes(), PEER, None)
        },
    );
    assert_eq!((r.status, r.accepted), (404, None));
    assert_eq!(s.owed_len(), 0);
}

#[test]
fn improper_messages_are_4xx() {
    let (mut s, mut c) = (server(), client());
    let q = rid("Query");
    let cases: Vec<(Request<'_>, u16, &str)> = vec![
        (Request { content_type: None, ..post(q.as_bytes(), PEER, None) }, 415, "no type"),
        (Request { content_type: Some("application/xml"), ..post(q.as_bytes(), PEER, None) }, 415, "type"),
        (post(b"not xml", PEER, None), 400, "not xml"),
        (post(b"", PEER, None), 400, "empty"),
        (post(br#"<RID xmlns="urn:ietf:params:xml:ns:iodef-1.0"/>"#, PEER, None), 400, "foreign ns"),
        (post(br#"<!DOCTYPE RID [<!ENTITY a "a">]><RID/>"#, PEER, None), 400, "dtd"),
        (post(br#"<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0"><RIDPolicy MsgType="Nope"/></RID>"#, PEER, None), 400, "msgtype"),
    ];
    for (req, status, what) in cases {
        let r = handle(&mut s, &mut c, &req);
        assert_eq!(r.status, status, "{what}");
        assert!(r.improper.is_some(), "{what}");
        assert_eq!(r.accepted, None);
    }
    let mut small = Server::new(ServerConfig {
        limits: rid_https::Limits {
            max_body: 10,
            ..rid_https::Limits::DEFAULT
        },
        ..ServerConfig::default()
    })
    .unwrap();
    let r = handle(&mut small, &mut c, &post(q.as_bytes(), PEER, None));
    assert_eq!(r.status, 413);
    assert_eq!(s.owed_len(), 0);
}

#[test]
fn tokens_unique_and_valid() {
    // RFC 6546 §3: unique among all callbacks to that peer; 1*255 VCHAR.
    let mut s = Server::new(ServerConfig {
        token_prefix: "4f2a9c-".into(),
        first_token: u64::MAX - 500,
        ..ServerConfig::default()
    })
    .unwrap();
    let mut c = client();
    let q = rid("Query");
    let mut seen = HashSet::new();
    for _ in 0..500 {
        let r = handle(&mut s, &mut c, &post(q.as_bytes(), PEER, None));
        assert_eq!(r.status, 202);
        let t = r.token.unwrap();
        assert!(t.as_str().starts_with("4f2a9c-"));
        assert!(t.as_str().len() <= 255);
        assert!(t.as_str().bytes().all(|b| (0x21..=0x7e).contains(&b)));
        assert!(seen.insert(t), "duplicate token");
    }
    assert_eq!(s.owed().count(), 500);
    // The counter never wraps: exhaustion is our failure, 503.
    let r = handle(&mut s, &mut c, &post(q.as_bytes(), PEER, None));
    assert_eq!(
        (r.status, r.failure),
        (503, Some(ServerFailure::TokensExhausted))
    );

    assert_eq!(
        Server::new(ServerConfig {
            token_prefix: "a b".into(),
            ..ServerConfig::default()
        })
        .err(),
        Some(TokenError::NotVchar)
    );
    assert_eq!(
        Server::new(ServerConfig {
            token_prefix: "x".repeat(240),
            ..ServerConfig::default()
        })
        .err(),
        Some(TokenError::TooLong)
    );
}

#[test]
fn full_table_is_503_and_nothing_evicted() {
    let mut s = Server::new(ServerConfig {
        max_owed: 3,
        max_owed_per_peer: 2,
        ..ServerConfig::default()
    })
    .unwrap();
    let mut c = client();
    let q = rid("Query");
    let st = |s: &mut Server, c: &mut _, p| handle(s, c, &post(q.as_bytes(), p, None)).status;
    assert_eq!(st(&mut s, &mut c, "a"), 202);
    assert_eq!(st(&mut s, &mut c, "a"), 202);
    let r = handle(&mut s, &mut c, &post(q.as_bytes(), "a", None));
    assert_eq!(
        (r.status, r.failure),
        (503, Some(ServerFailure::CallbacksFull))
    );
    assert_eq!(st(&mut s, &mut c, "b"), 202);
    assert_eq!(st(&mut s, &mut c, "c"), 503, "overall bound");
    assert_eq!(s.owed_len(), 3);
    // A Report needs no table entry.
    let rep = rid("Report");
    assert_eq!(
        handle(&mut s, &mut c, &post(rep.as_bytes(), "c", None)).status,
        200
    );
}

#[test]
fn unknown_duplicate_and_foreign_tokens() {
    let (mut s, mut c) = (server(), client());
    let tok = awaiting(&mut c, "peer-a", MsgType::Query, "abc");
    let rep = rid("Report");
    // Never issued.
    let r = handle(&mut s, &mut c, &post(rep.as_bytes(), "peer-a", Some("zzz")));
    assert_eq!((r.status, r.improper), (400, Some(Improper::UnknownToken)));
    // Another peer presenting peer-a's token.
    let r = handle(
        &mut s,
        &mut c,
        &post(rep.as_bytes(), "peer-x", Some(tok.as_str())),
    );
    assert_eq!((r.status, r.improper), (400, Some(Improper::UnknownToken)));
    assert_eq!(c.awaited_len(), 1);
    // The right peer: matched and consumed.
    let r = handle(
        &mut s,
        &mut c,
        &post(rep.as_bytes(), "peer-a", Some(tok.as_str())),
    );
    assert_eq!(r.status, 200);
    // The same token again.
    let r = handle(
        &mut s,
        &mut c,
        &post(rep.as_bytes(), "peer-a", Some(tok.as_str())),
    );
    assert_eq!((r.status, r.improper), (400, Some(Improper::UnknownToken)));
    // Syntax: whitespace inside, too long, empty.
    for (bad, e) in [
        ("a b", TokenError::NotVchar),
        ("", TokenError::Empty),
        ("é", TokenError::NotVchar),
    ] {
        let r = handle(&mut s, &mut c, &post(rep.as_bytes(), "peer-a", Some(bad)));
        assert_eq!((r.status, r.improper), (400, Some(Improper::BadToken(e))));
    }
    let long = "x".repeat(256);
    let r = handle(&mut s, &mut c, &post(rep.as_bytes(), "peer-a", Some(&long)));
    assert_eq!(r.improper, Some(Improper::BadToken(TokenError::TooLong)));
}

#[test]
fn acknowledgement_pending_then_result() {
    // RFC 6545 §6.2–6.3: an Acknowledgement (Pending / Approved) may precede the Result.
    let (mut s, mut c) = (server(), client());
    let tok = awaiting(&mut c, PEER, MsgType::TraceRequest, "trace-1");
    for st in ["Pending", "Approved"] {
        let a = ack(st);
        let r = handle(
            &mut s,
            &mut c,
            &post(a.as_bytes(), PEER, Some(tok.as_str())),
        );
        assert_eq!(r.status, 200);
        assert!(matches!(
            r.accepted.unwrap().disposition,
            Disposition::Callback { closed: false, .. }
        ));
        assert_eq!(c.awaited_len(), 1);
    }
    let res = rid("Result");
    let r = handle(
        &mut s,
        &mut c,
        &post(res.as_bytes(), PEER, Some(tok.as_str())),
    );
    assert!(matches!(
        r.accepted.unwrap().disposition,
        Disposition::Callback { closed: true, .. }
    ));
    assert_eq!(c.awaited_len(), 0);
    // A Denied acknowledgement closes.
    let tok = awaiting(&mut c, PEER, MsgType::InvestigationRequest, "inv-1");
    let a = ack("Denied");
    assert_eq!(
        handle(
            &mut s,
            &mut c,
            &post(a.as_bytes(), PEER, Some(tok.as_str()))
        )
        .status,
        200
    );
    assert_eq!(c.awaited_len(), 0);
}

#[test]
fn owed_callbacks_round_trip() {
    let (mut s, mut c) = (server(), client());
    let q = rid("TraceRequest");
    let r = handle(&mut s, &mut c, &post(q.as_bytes(), PEER, None));
    let tok = r.token.unwrap();
    let classify =
        |b: &str| rid_https::classify_body(b.as_bytes(), &rid_https::Limits::DEFAULT).unwrap();
    // Not owed to another peer; a Query is no answer.
    assert_eq!(
        s.callback("other", &tok, &classify(&rid("Result"))).err(),
        Some(rid_https::CallbackError::NotOwed)
    );
    assert_eq!(
        s.callback(PEER, &tok, &classify(&rid("Query"))).err(),
        Some(rid_https::CallbackError::NotAllowed)
    );
    // A pending Acknowledgement keeps it owed; the Result ends it.
    let ex = s.callback(PEER, &tok, &classify(&ack("Pending"))).unwrap();
    assert_eq!(ex.callback_token(), Some(&tok));
    assert!(!s.callback_delivered(&ex));
    assert_eq!(s.owed_len(), 1);
    let ex = s.callback(PEER, &tok, &classify(&rid("Result"))).unwrap();
    assert!(s.callback_delivered(&ex));
    assert_eq!(s.owed_len(), 0);
    // Restore from storage, then forget.
    s.restore(PEER, tok.clone(), MsgType::TraceRequest).unwrap();
    assert_eq!(s.owed().next(), Some((PEER, &tok, MsgType::TraceRequest)));
    assert_eq!(s.forget(PEER, &tok), Some(MsgType::TraceRequest));
    assert_eq!(s.owed_len(), 0);
}
