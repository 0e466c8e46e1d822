//! The client role against RFC 6546 §3: every table row accepted, everything else an
//! improper response; no redirect followed; 202 tokens.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{ack, client, rid, server};
use rid_https::{
    Client, ClientConfig, Exchange, HttpResponse, Improper, ImproperResponse, MsgType, Outcome,
    TABLE, TokenError, allowed,
};

const PEER: &str = "peer-a";

fn ok200<'a>(body: &'a [u8]) -> HttpResponse<'a> {
    HttpResponse {
        status: 200,
        content_type: (!body.is_empty()).then_some("text/xml"),
        callback_token: None,
        body,
    }
}

/// A callback exchange for `reply` answering a `request`, as the server side builds it.
fn callback_exchange(request: MsgType, reply: &str) -> Exchange {
    let mut s = server();
    let mut c = client();
    let q = rid(request.as_str());
    let tok = s
        .handle_request(&common::post(q.as_bytes(), PEER, None), &mut c)
        .token
        .unwrap();
    let m = rid_https::classify_body(reply.as_bytes(), &rid_https::Limits::DEFAULT).unwrap();
    s.callback(PEER, &tok, &m).unwrap()
}

#[test]
fn every_row_is_accepted() {
    for row in TABLE {
        let mut c = client();
        let (ex, body) = if row.callback {
            // The callback request itself is the row's type; it answers some request.
            let answered = if row.request == MsgType::Result {
                MsgType::TraceRequest
            } else {
                MsgType::Query
            };
            (
                callback_exchange(answered, &rid(row.request.as_str())),
                String::new(),
            )
        } else {
            (
                Exchange::request(PEER, row.request).unwrap(),
                row.response.map(|t| rid(t.as_str())).unwrap_or_default(),
            )
        };
        assert_eq!(ex.msg_type(), row.request);
        let resp = match row.status {
            202 => HttpResponse {
                status: 202,
                content_type: None,
                callback_token: Some("tok"),
                body: b"",
            },
            _ => ok200(body.as_bytes()),
        };
        let out = c.handle_response(&ex, &resp);
        match (row.status, row.response) {
            (202, None) => {
                assert_eq!(
                    out,
                    Ok(Outcome::Deferred(
                        rid_https::CallbackToken::parse("tok").unwrap()
                    ))
                );
                assert_eq!(c.awaited_len(), 1);
            }
            (200, None) => assert_eq!(out, Ok(Outcome::Empty), "{row:?}"),
            (200, Some(t)) => match out {
                Ok(Outcome::Reply(m)) => assert_eq!(m.msg_type, t),
                o => panic!("{row:?}: {o:?}"),
            },
            _ => unreachable!(),
        }
    }
}

#[test]
fn everything_outside_the_table_is_improper() {
    // RFC 6546 §3: be prepared for the listed responses; anything else is improper.
    for req in MsgType::ALL.into_iter().filter(|t| t.is_request()) {
        for resp in MsgType::ALL.map(Some).into_iter().chain([None]) {
            if allowed(req, false, 200, resp) {
                continue;
            }
            let mut c = client();
            let ex = Exchange::request(PEER, req).unwrap();
            let body = resp.map(|t| rid(t.as_str())).unwrap_or_default();
            assert_eq!(
                c.handle_response(&ex, &ok200(body.as_bytes())),
                Err(ImproperResponse::TypeNotAllowed {
                    request: req,
                    response: resp
                }),
                "{req} -> {resp:?}"
            );
        }
        // 202 only where the table has it (not for a Report).
        let mut c = client();
        let ex = Exchange::request(PEER, req).unwrap();
        let r = c.handle_response(
            &ex,
            &HttpResponse {
                status: 202,
                content_type: None,
                callback_token: Some("t"),
                body: b"",
            },
        );
        assert_eq!(r.is_ok(), allowed(req, false, 202, None), "{req}");
        if req == MsgType::Report {
            assert_eq!(r, Err(ImproperResponse::UnexpectedStatus(202)));
        }
    }
    // A callback's answer is 200 empty, nothing else.
    let ex = callback_exchange(MsgType::Query, &rid("Report"));
    let mut c = client();
    let ackb = rid("Acknowledgement");
    assert!(matches!(
        c.handle_response(&ex, &ok200(ackb.as_bytes())),
        Err(ImproperResponse::TypeNotAllowed { .. })
    ));
    let r = c.handle_response(
        &ex,
        &HttpResponse {
            status: 202,
            content_type: None,
            callback_token: Some("t"),
            body: b"",
        },
    );
    assert_eq!(r, Err(ImproperResponse::UnexpectedStatus(202)));
    // Acknowledgement and Result never open an exchange.
    assert!(Exchange::request(PEER, MsgType::Acknowledgement).is_none());
    assert!(Exchange::request(PEER, MsgType::Result).is_none());
}

#[test]
fn redirects_are_never_followed() {
    // RFC 6546 §3: SHOULD NOT follow any 3xx.
    let mut c = client();
    let ex = Exchange::request(PEER, MsgType::Query).unwrap();
    for s in [300, 301, 302, 303, 304, 307, 308] {
        let r = c.handle_response(
            &ex,
            &HttpResponse {
                status: s,
                content_type: None,
                callback_token: None,
                body: b"",
            },
        );
        assert_eq!(r, Err(ImproperResponse::Redirect(s)));
    }
}

#[test]
fn other_statuses() {
    let mut c = client();
    let ex = Exchange::request(PEER, MsgType::Query).unwrap();
    let st = |c: &mut Client, s| {
        c.handle_response(
            &ex,
            &HttpResponse {
                status: s,
                content_type: None,
                callback_token: None,
                body: b"",
            },
        )
    };
    for s in [400, 404, 413, 415, 500, 503] {
        assert_eq!(st(&mut c, s), Err(ImproperResponse::Refused(s)));
    }
    for s in [100, 201, 204, 206, 299, 600, 0] {
        assert_eq!(st(&mut c, s), Err(ImproperResponse::UnexpectedStatus(s)));
    }
}

#[test]
fn improper_bodies() {
    let mut c = client();
    let ex = Exchange::request(PEER, MsgType::Query).unwrap();
    let rep = rid("Report");
    let r = c.handle_response(
        &ex,
        &HttpResponse {
            status: 200,
            content_type: Some("application/json"),
            callback_token: None,
            body: rep.as_bytes(),
        },
    );
    assert_eq!(r, Err(ImproperResponse::Body(Improper::MediaType)));
    let r = c.handle_response(&ex, &ok200(b"<oops"));
    assert!(matches!(
        r,
        Err(ImproperResponse::Body(Improper::Malformed { .. }))
    ));
    let r = c.handle_response(&ex, &ok200(br#"<!DOCTYPE x [<!ENTITY a "b">]><x/>"#));
    assert_eq!(r, Err(ImproperResponse::Body(Improper::Dtd)));
    let r = c.handle_response(&ex, &ok200(br#"<RID xmlns="urn:example"/>"#));
    assert_eq!(r, Err(ImproperResponse::Body(Improper::NotRid)));
}

#[test]
fn accepted_202_rules() {
    let mut c = client();
    let ex = Exchange::request(PEER, MsgType::TraceRequest).unwrap();
    let r202 = |tok: Option<&'static str>, body: &'static [u8]| HttpResponse {
        status: 202,
        content_type: None,
        callback_token: tok,
        body,
    };
    // RFC 6546 §3: zero-length body, a token header.
    assert_eq!(
        c.handle_response(&ex, &r202(Some("t"), b"x")),
        Err(ImproperResponse::Body202)
    );
    assert_eq!(
        c.handle_response(&ex, &r202(None, b"")),
        Err(ImproperResponse::BadToken(TokenError::Empty))
    );
    assert_eq!(
        c.handle_response(&ex, &r202(Some("a b"), b"")),
        Err(ImproperResponse::BadToken(TokenError::NotVchar))
    );
    assert!(c.handle_response(&ex, &r202(Some(" t1 "), b"")).is_ok());
    // Unique per peer: the same token again from that peer is a duplicate ...
    assert_eq!(
        c.handle_response(&ex, &r202(Some("t1"), b"")),
        Err(ImproperResponse::DuplicateToken)
    );
    // ... but another peer may use the same text.
    let ex2 = Exchange::request("peer-z", MsgType::TraceRequest).unwrap();
    assert!(c.handle_response(&ex2, &r202(Some("t1"), b"")).is_ok());
    assert_eq!(c.awaited().count(), 2);

    let mut small = Client::new(ClientConfig {
        max_awaited: 1,
        ..ClientConfig::default()
    });
    assert!(small.handle_response(&ex, &r202(Some("a"), b"")).is_ok());
    assert_eq!(
        small.handle_response(&ex, &r202(Some("b"), b"")),
        Err(ImproperResponse::AwaitedFull)
    );
    let t = rid_https::CallbackToken::parse("a").unwrap();
    assert_eq!(small.forget(PEER, &t), Some(MsgType::TraceRequest));
    assert!(small.handle_response(&ex, &r202(Some("b"), b"")).is_ok());
}

#[test]
fn callback_delivery_checked_by_client() {
    // The Acknowledgement(Pending) callback leaves the exchange open.
    let ex = callback_exchange(MsgType::InvestigationRequest, &ack("Pending"));
    assert!(!ex.closes());
    assert_eq!(
        client().handle_response(&ex, &ok200(b"")),
        Ok(Outcome::Empty)
    );
}
