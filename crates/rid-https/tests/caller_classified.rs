//! The entry points that take the caller's classification (the `no_std` path): the same
//! decisions as the XML-reading ones.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use rid_https::{
    Client, ClientConfig, Disposition, Exchange, HttpResponse, Improper, ImproperResponse, MsgType,
    Outcome, Reply, Request, RidMessage, Server, ServerConfig, ServerFailure,
};

fn req<'a>(token: Option<&'a str>) -> Request<'a> {
    Request {
        method: "POST",
        target: "/",
        content_type: Some("text/xml"),
        callback_token: token,
        body: b"<opaque/>",
        peer: "p",
    }
}

#[test]
fn server_with_caller_classification() {
    let mut s = Server::new(ServerConfig::default()).unwrap();
    let mut c = Client::new(ClientConfig::default());
    let q = Ok(RidMessage::new(MsgType::Query));
    let r = s.handle_classified(&req(None), q.clone(), &mut c, |_| Ok(Reply::Later));
    assert_eq!(r.status, 202);
    let r = s.handle_classified(&req(None), q.clone(), &mut c, |_| {
        Ok(Reply::Now {
            msg_type: MsgType::Report,
            body: b"<report/>",
        })
    });
    assert_eq!(
        (r.status, r.body.as_deref()),
        (200, Some(&b"<report/>"[..]))
    );
    assert_eq!(
        r.accepted.unwrap().disposition,
        Disposition::Answered(MsgType::Report)
    );
    // The application may report its own failure.
    let r = s.handle_classified(&req(None), q, &mut c, |_| Err(ServerFailure::CallbacksFull));
    assert_eq!(r.status, 503);
    // The caller's classification error is answered as such.
    let r = s.handle_classified(&req(None), Err(Improper::Dtd), &mut c, |_| Ok(Reply::Later));
    assert_eq!((r.status, r.improper), (400, Some(Improper::Dtd)));
    // GET / is answered before the classification is looked at.
    let get = Request {
        method: "GET",
        ..req(None)
    };
    let r = s.handle_classified(&get, Err(Improper::MediaType), &mut c, |_| Ok(Reply::Later));
    assert_eq!(r.status, 204);
}

#[test]
fn client_with_caller_classification() {
    let mut c = Client::new(ClientConfig::default());
    let ex = Exchange::request("p", MsgType::Query).unwrap();
    let body = HttpResponse {
        status: 200,
        content_type: Some("text/xml"),
        callback_token: None,
        body: b"<x/>",
    };
    let out = c.handle_response_with(&ex, &body, |_, _| Ok(RidMessage::new(MsgType::Report)));
    assert_eq!(out, Ok(Outcome::Reply(RidMessage::new(MsgType::Report))));
    let out = c.handle_response_with(&ex, &body, |_, _| Ok(RidMessage::new(MsgType::Result)));
    assert_eq!(
        out,
        Err(ImproperResponse::TypeNotAllowed {
            request: MsgType::Query,
            response: Some(MsgType::Result)
        })
    );
    let out = c.handle_response_with(&ex, &body, |_, _| Err(Improper::NotRid));
    assert_eq!(out, Err(ImproperResponse::Body(Improper::NotRid)));
}
