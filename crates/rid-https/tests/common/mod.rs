//! Shared builders for the tests.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use rid_https::{
    CallbackToken, Client, ClientConfig, Exchange, HttpResponse, MsgType, Outcome, Request,
    Response, Server, ServerConfig,
};

/// A minimal RID envelope of this type (RFC 6545 §5, prefixed as in its examples).
pub fn rid(msg_type: &str) -> String {
    rid_with(msg_type, "")
}

/// A RID envelope with extra content inside RID after RIDPolicy.
pub fn rid_with(msg_type: &str, extra: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<iodef-rid:RID lang="en"
               xmlns:iodef-rid="urn:ietf:params:xml:ns:iodef-rid-2.0"
               xmlns:iodef="urn:ietf:params:xml:ns:iodef-1.0">
  <iodef-rid:RIDPolicy MsgType="{msg_type}" MsgDestination="RIDSystem">
    <iodef-rid:PolicyRegion region="IntraConsortium"/>
    <iodef:Node>
      <iodef:Address category="ipv4-addr">192.0.2.67</iodef:Address>
    </iodef:Node>
    <iodef-rid:TrafficType type="Attack"/>
  </iodef-rid:RIDPolicy>{extra}
</iodef-rid:RID>
"#
    )
}

/// An Acknowledgement with this AuthorizationStatus.
pub fn ack(status: &str) -> String {
    rid_with(
        "Acknowledgement",
        &format!(r#"<iodef-rid:RequestStatus AuthorizationStatus="{status}"/>"#),
    )
}

pub fn post<'a>(body: &'a [u8], peer: &'a str, token: Option<&'a str>) -> Request<'a> {
    Request {
        method: "POST",
        target: "/",
        content_type: Some("text/xml"),
        callback_token: token,
        body,
        peer,
    }
}

pub fn server() -> Server {
    Server::new(ServerConfig::default()).unwrap()
}

pub fn client() -> Client {
    Client::new(ClientConfig::default())
}

/// Makes `client` await a callback with a fresh token from `peer` for a request of
/// `request` type, as after a 202. Returns the token.
pub fn awaiting(client: &mut Client, peer: &str, request: MsgType, token: &str) -> CallbackToken {
    let ex = Exchange::request(peer, request).unwrap();
    let out = client
        .handle_response(
            &ex,
            &HttpResponse {
                status: 202,
                content_type: None,
                callback_token: Some(token),
                body: b"",
            },
        )
        .unwrap();
    match out {
        Outcome::Deferred(t) => t,
        o => panic!("{o:?}"),
    }
}

pub fn handle(server: &mut Server, client: &mut Client, req: &Request<'_>) -> Response {
    server.handle_request(req, client)
}
