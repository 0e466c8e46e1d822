//! rid-https: the RID envelope reader (`scan` / `classify`) on arbitrary bytes, then the
//! same bytes as a request body to the server (with and without a callback token) and as a
//! `200` response body to the client. Asserts linear cost (events <= octets + 1), a
//! document range inside the body, never a 3xx, and only table-allowed replies accepted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rid_https::{
    CallbackToken, Client, ClientConfig, Exchange, HttpResponse, Limits, MsgType, Outcome, Request,
    Server, ServerConfig, allowed, scan,
};

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_body: 4096,
        ..Limits::DEFAULT
    };
    let (r, stats) = scan(data, &limits);
    assert!(stats.events <= data.len() + 1);
    assert!(stats.consumed <= data.len());
    if let Ok(m) = &r
        && let Some(range) = &m.document
    {
        assert!(range.start <= range.end && range.end <= data.len());
    }

    let Ok(mut server) = Server::new(ServerConfig {
        limits,
        max_owed: 8,
        ..ServerConfig::default()
    }) else {
        return;
    };
    let mut client = Client::new(ClientConfig {
        limits,
        ..ClientConfig::default()
    });
    if let Ok(t) = CallbackToken::parse("t") {
        let _ = client.await_callback("p", t, MsgType::TraceRequest);
    }
    for token in [None, Some("t")] {
        let resp = server.handle_request(
            &Request {
                method: "POST",
                target: "/",
                content_type: Some("text/xml"),
                callback_token: token,
                body: data,
                peer: "p",
            },
            &mut client,
        );
        assert!(!(300..400).contains(&resp.status));
        assert_eq!(
            resp.status >= 400 && resp.status < 500,
            resp.improper.is_some()
        );
        if r.is_err() {
            assert!(resp.accepted.is_none());
        }
    }

    for sent in [
        MsgType::Query,
        MsgType::TraceRequest,
        MsgType::InvestigationRequest,
        MsgType::Report,
    ] {
        let Some(ex) = Exchange::request("p", sent) else {
            continue;
        };
        let out = client.handle_response(
            &ex,
            &HttpResponse {
                status: 200,
                content_type: Some("text/xml"),
                callback_token: None,
                body: data,
            },
        );
        if let Ok(Outcome::Reply(m)) = out {
            assert!(allowed(sent, false, 200, Some(m.msg_type)));
        }
    }
});
