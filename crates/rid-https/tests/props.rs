//! Property tests: no panic on arbitrary input, never a 3xx, and classification linear in
//! the body, checked structurally (events and octets consumed), not with a clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use proptest::prelude::*;
use rid_https::{
    CallbackToken, Client, ClientConfig, Exchange, HttpResponse, Limits, MsgType, Request, Server,
    ServerConfig, scan,
};

/// Fragments that make XML-shaped bodies, RID elements and hostile constructs included.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(r#"<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0" lang="en">"#.to_string()),
        Just(r#"<r:RID xmlns:r="urn:ietf:params:xml:ns:iodef-rid-2.0">"#.to_string()),
        Just("</RID>".to_string()),
        Just("</r:RID>".to_string()),
        Just(r#"<RIDPolicy MsgType="Query">"#.to_string()),
        Just(r#"<r:RIDPolicy MsgType="Report"/>"#.to_string()),
        Just("</RIDPolicy>".to_string()),
        Just(r#"<ReportSchema><XMLDocument>"#.to_string()),
        Just("</XMLDocument></ReportSchema>".to_string()),
        Just(r#"<RequestStatus AuthorizationStatus="Pending"/>"#.to_string()),
        Just(r#"<!DOCTYPE RID [<!ENTITY a "aaaa">]>"#.to_string()),
        Just("&a;&lt;&#65;".to_string()),
        Just("<![CDATA[x]]><!-- c --><?pi x?>".to_string()),
        Just(r#"<a xmlns:p="urn:x" p:b="1">"#.to_string()),
        Just("</a>".to_string()),
        Just("<a>".to_string()),
        "[ -~]{0,12}",
    ]
}

fn xmlish() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(fragment(), 0..40).prop_map(|v| v.concat().into_bytes())
}

fn check_linear(body: &[u8], limits: &Limits) {
    let (_, stats) = scan(body, limits);
    // Each event but the final end of input consumes at least one octet.
    assert!(
        stats.events <= body.len() + 1,
        "{stats:?} for {} octets",
        body.len()
    );
    assert!(stats.consumed <= body.len());
}

fn small_limits() -> impl Strategy<Value = Limits> {
    (1usize..4096, 1usize..16, 1usize..16, 0usize..16).prop_map(|(b, d, a, n)| Limits {
        max_body: b,
        max_depth: d,
        max_attributes: a,
        max_namespace_bindings: n,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn classify_arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        check_linear(&body, &Limits::DEFAULT);
    }

    #[test]
    fn classify_xmlish(body in xmlish(), limits in small_limits()) {
        check_linear(&body, &Limits::DEFAULT);
        check_linear(&body, &limits);
    }

    #[test]
    fn server_never_panics_never_redirects(
        method in prop_oneof![Just("POST".to_string()), Just("GET".to_string()), Just("HEAD".to_string()), "[A-Z]{0,7}"],
        target in prop_oneof![Just("/".to_string()), "[ -~]{0,8}"],
        content_type in prop::option::of(prop_oneof![Just("text/xml".to_string()), "[ -~]{0,20}"]),
        token in prop::option::of("[ -~]{0,300}"),
        peer in "[a-c]",
        body in prop_oneof![xmlish(), prop::collection::vec(any::<u8>(), 0..512)],
    ) {
        let mut s = Server::new(ServerConfig { max_owed: 4, ..ServerConfig::default() }).unwrap();
        let mut c = Client::new(ClientConfig::default());
        let tok = CallbackToken::parse("t").unwrap();
        c.await_callback("a", tok, MsgType::TraceRequest).unwrap();
        let req = Request {
            method: &method,
            target: &target,
            content_type: content_type.as_deref(),
            callback_token: token.as_deref(),
            body: &body,
            peer: &peer,
        };
        let r = s.handle_request(&req, &mut c);
        prop_assert!(!(300..400).contains(&r.status));
        prop_assert!([200, 202, 204, 400, 404, 405, 413, 415, 500, 503].contains(&r.status));
        prop_assert_eq!(r.token.is_some(), r.status == 202);
        prop_assert_eq!(r.accepted.is_some(), r.status == 200 || r.status == 202);
        prop_assert_eq!(r.improper.is_some(), (400..500).contains(&r.status) && r.status != 404 && r.status != 405);
    }

    #[test]
    fn client_never_panics(
        status in 0u16..700,
        content_type in prop::option::of(prop_oneof![Just("text/xml".to_string()), "[ -~]{0,20}"]),
        token in prop::option::of("[ -~]{0,300}"),
        body in prop_oneof![xmlish(), prop::collection::vec(any::<u8>(), 0..512)],
        sent in prop::sample::select(vec![MsgType::Query, MsgType::TraceRequest, MsgType::InvestigationRequest, MsgType::Report]),
    ) {
        let mut c = Client::new(ClientConfig::default());
        let ex = Exchange::request("p", sent).unwrap();
        let r = c.handle_response(&ex, &HttpResponse {
            status,
            content_type: content_type.as_deref(),
            callback_token: token.as_deref(),
            body: &body,
        });
        if (300..400).contains(&status) {
            prop_assert_eq!(r, Err(rid_https::ImproperResponse::Redirect(status)));
        } else if r.is_ok() {
            prop_assert!(status == 200 || status == 202);
        }
    }

    #[test]
    fn token_grammar(s in "[\\x00-\\x7f]{0,300}") {
        let trimmed = s.trim_matches([' ', '\t']);
        let valid = !trimmed.is_empty()
            && trimmed.len() <= 255
            && trimmed.bytes().all(|b| (0x21..=0x7e).contains(&b));
        prop_assert_eq!(CallbackToken::parse(&s).is_ok(), valid);
    }
}

#[test]
fn hostile_bodies_stay_linear() {
    let l = Limits::DEFAULT;
    let max = l.max_body;
    // Many elements, each resolving a prefix against bindings in scope.
    let mut many = String::from(
        r#"<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0"><RIDPolicy MsgType="Query"/>"#,
    );
    while many.len() < max - 100 {
        many.push_str("<x/>");
    }
    many.push_str("</RID>");
    let (r, stats) = scan(many.as_bytes(), &l);
    assert!(r.is_ok());
    assert!(stats.events <= many.len() / 4 + 8);
    assert_eq!(stats.consumed, many.len());
    // Long attribute values and text: few events, every octet read once.
    let long = format!(
        r#"<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0"><RIDPolicy MsgType="Query" a="{}"/>{}</RID>"#,
        "v".repeat(max / 3),
        "t".repeat(max / 3)
    );
    let (r, stats) = scan(long.as_bytes(), &l);
    assert!(r.is_ok());
    assert!(stats.events <= 6, "{stats:?}");
}
