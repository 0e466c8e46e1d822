//! Envelope classification (RFC 6545 §5, RFC 6546 §3): media type, namespaces, MsgType,
//! limits, DTDs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{ack, rid, rid_with};
use rid_https::{
    AuthorizationStatus, Improper, Limits, MsgType, classify, classify_body, is_rid_media_type,
    scan,
};

const L: Limits = Limits::DEFAULT;

fn body(s: &str) -> Result<MsgType, Improper> {
    classify_body(s.as_bytes(), &L).map(|m| m.msg_type)
}

#[test]
fn every_msg_type_value() {
    // RFC 6545 §5.1: the six selections of MsgType.
    for t in MsgType::ALL {
        assert_eq!(body(&rid(t.as_str())), Ok(t));
    }
}

#[test]
fn unknown_and_missing_msg_type() {
    assert_eq!(body(&rid("ext-value")), Err(Improper::UnknownMsgType));
    assert_eq!(body(&rid("query")), Err(Improper::UnknownMsgType));
    assert_eq!(
        body(&rid("RequestAuthorization")),
        Err(Improper::UnknownMsgType)
    );
    let no_attr = rid("Query").replace(r#"MsgType="Query""#, "");
    assert_eq!(body(&no_attr), Err(Improper::MissingMsgType));
    let no_policy = r#"<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0" lang="en"/>"#;
    assert_eq!(body(no_policy), Err(Improper::MissingMsgType));
    let two = rid_with("Query", r#"<iodef-rid:RIDPolicy MsgType="Report"/>"#);
    assert_eq!(body(&two), Err(Improper::MissingMsgType));
    // A RIDPolicy in a foreign namespace is not the RID one.
    let foreign_policy = r#"<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0"><x:RIDPolicy xmlns:x="urn:example" MsgType="Query"/></RID>"#;
    assert_eq!(body(foreign_policy), Err(Improper::MissingMsgType));
    // Nested deeper than RID/RIDPolicy does not count.
    let nested = r#"<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0"><Other><RIDPolicy MsgType="Query"/></Other></RID>"#;
    assert_eq!(body(nested), Err(Improper::MissingMsgType));
}

#[test]
fn prefix_agnostic() {
    let default_ns = r#"<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0" lang="en"><RIDPolicy MsgType="Report"/></RID>"#;
    assert_eq!(body(default_ns), Ok(MsgType::Report));
    let other = r#"<r:RID xmlns:r="urn:ietf:params:xml:ns:iodef-rid-2.0"><r:RIDPolicy MsgType=" Result "/></r:RID>"#;
    assert_eq!(body(other), Ok(MsgType::Result));
    // A character reference in the attribute is read as XML defines it.
    let charref = r#"<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0"><RIDPolicy MsgType="&#81;uery"/></RID>"#;
    assert_eq!(body(charref), Ok(MsgType::Query));
}

#[test]
fn foreign_namespace_or_root_is_not_rid() {
    let iodef_ns =
        r#"<RID xmlns="urn:ietf:params:xml:ns:iodef-1.0"><RIDPolicy MsgType="Query"/></RID>"#;
    assert_eq!(body(iodef_ns), Err(Improper::NotRid));
    let no_ns = r#"<RID><RIDPolicy MsgType="Query"/></RID>"#;
    assert_eq!(body(no_ns), Err(Improper::NotRid));
    let rfc6045 =
        r#"<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-1.0"><RIDPolicy MsgType="Query"/></RID>"#;
    assert_eq!(body(rfc6045), Err(Improper::NotRid));
    let iodef = r#"<IODEF-Document xmlns="urn:ietf:params:xml:ns:iodef-1.0" lang="en"/>"#;
    assert_eq!(body(iodef), Err(Improper::NotRid));
    // The prefix alone does not make the namespace.
    let prefix_only = r#"<iodef-rid:RID xmlns:iodef-rid="urn:example"><iodef-rid:RIDPolicy MsgType="Query"/></iodef-rid:RID>"#;
    assert_eq!(body(prefix_only), Err(Improper::NotRid));
}

#[test]
fn media_type() {
    // RFC 6546 §3: Content-Type MUST be text/xml.
    let b = rid("Query");
    assert_eq!(classify(None, b.as_bytes(), &L), Err(Improper::MediaType));
    for bad in [
        "application/xml",
        "text/html",
        "text/xml-external",
        "",
        "xml",
    ] {
        assert_eq!(
            classify(Some(bad), b.as_bytes(), &L),
            Err(Improper::MediaType),
            "{bad}"
        );
        assert!(!is_rid_media_type(bad));
    }
    for good in [
        "text/xml",
        "TEXT/XML",
        " text/xml ",
        "text/xml; charset=UTF-8",
        "Text/Xml;charset=\"utf-8\"",
    ] {
        assert!(classify(Some(good), b.as_bytes(), &L).is_ok(), "{good}");
    }
    assert_eq!(Improper::MediaType.status(), 415);
}

#[test]
fn malformed() {
    let good = rid("Query");
    let cases: Vec<String> = vec![
        String::new(),
        "hello".into(),
        "   ".into(),
        good[..good.len() / 2].to_string(), // truncated
        good.replace("</iodef-rid:RID>", "</iodef-rid:RIDX>"), // mismatched end
        format!("{good}{good}"),            // two roots
        format!("{good}trailing text"),
        good.replace("MsgType=\"Query\"", "MsgType=\"Query\" MsgType=\"Query\""), // duplicate attribute
        good.replace("iodef:Node>", "undeclared:Node>"),                          // unbound prefix
        rid_with("Query", "<iodef-rid:X>&lol;</iodef-rid:X>"), // undeclared entity
        "<RID xmlns=\"urn:ietf:params:xml:ns:iodef-rid-2.0\"><RIDPolicy MsgType=\"Query\">".into(),
    ];
    for c in &cases {
        let r = body(c);
        assert!(
            matches!(r, Err(Improper::Malformed { .. } | Improper::NotRid)),
            "{c:?} -> {r:?}"
        );
        assert_eq!(r.unwrap_err().status(), 400);
    }
    // The XML declaration only at the start; a byte order mark before it is fine.
    let late_decl = format!("{good}<?xml version=\"1.0\"?>");
    assert!(matches!(body(&late_decl), Err(Improper::Malformed { .. })));
    assert_eq!(body(&format!("\u{feff}{good}")), Ok(MsgType::Query));
    // Not UTF-8 (RFC 6545 §5.5 requires UTF-8).
    let mut latin1 = good.clone().into_bytes();
    latin1.insert(good.find("192.0").unwrap(), 0xe9);
    assert!(matches!(
        classify_body(&latin1, &L),
        Err(Improper::Malformed { .. })
    ));
    // Predefined entities and character references are fine.
    assert!(
        body(&rid_with(
            "Query",
            "<iodef-rid:X>&lt;&amp;&#65;</iodef-rid:X>"
        ))
        .is_ok()
    );
}

#[test]
fn dtd_and_entity_bomb_refused() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE RID [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0"><RIDPolicy MsgType="&lol3;"/></RID>"#;
    let (r, stats) = scan(bomb.as_bytes(), &L);
    assert_eq!(r, Err(Improper::Dtd));
    assert!(stats.events <= 3, "stopped at the DOCTYPE: {stats:?}");
    let external = r#"<!DOCTYPE RID SYSTEM "http://example.invalid/rid.dtd"><RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0"><RIDPolicy MsgType="Query"/></RID>"#;
    assert_eq!(body(external), Err(Improper::Dtd));
    assert_eq!(Improper::Dtd.status(), 400);
}

#[test]
fn oversize() {
    let b = rid("Query");
    let exact = Limits {
        max_body: b.len(),
        ..L
    };
    assert!(classify_body(b.as_bytes(), &exact).is_ok());
    let small = Limits {
        max_body: b.len() - 1,
        ..L
    };
    let (r, stats) = scan(b.as_bytes(), &small);
    assert_eq!(r, Err(Improper::Oversize { limit: b.len() - 1 }));
    assert_eq!(stats.events, 0, "refused before reading");
    assert_eq!(r.unwrap_err().status(), 413);
    assert_eq!(Limits::default().max_body, 1 << 20);
}

#[test]
fn too_deep() {
    let nest = |n: usize| {
        let mut s = String::from(
            r#"<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0"><RIDPolicy MsgType="Query"/>"#,
        );
        s.push_str(&"<a>".repeat(n));
        s.push_str(&"</a>".repeat(n));
        s.push_str("</RID>");
        s
    };
    let lim = Limits { max_depth: 8, ..L };
    assert!(classify_body(nest(7).as_bytes(), &lim).is_ok());
    assert_eq!(
        classify_body(nest(8).as_bytes(), &lim),
        Err(Improper::TooDeep { limit: 8 })
    );
    // A deep hostile body stops at the limit, well before its end.
    let (r, stats) = scan(nest(100_000).as_bytes(), &L);
    assert_eq!(r, Err(Improper::TooDeep { limit: 64 }));
    assert!(stats.events < 100, "{stats:?}");
}

#[test]
fn attribute_and_namespace_bounds() {
    let attrs: String = (0..65).map(|i| format!(" a{i}=\"x\"")).collect();
    let many = format!(
        r#"<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0"><RIDPolicy MsgType="Query"/><x{attrs}/></RID>"#
    );
    assert_eq!(body(&many), Err(Improper::TooManyAttributes));
    let ns: String = (0..70)
        .map(|i| format!(" xmlns:p{i}=\"urn:x:{i}\""))
        .collect();
    let many_ns = format!(
        r#"<RID xmlns="urn:ietf:params:xml:ns:iodef-rid-2.0"><RIDPolicy MsgType="Query"/><x{ns}/></RID>"#
    );
    assert_eq!(body(&many_ns), Err(Improper::TooManyAttributes));
    let loose = Limits {
        max_attributes: 200,
        max_namespace_bindings: 200,
        ..L
    };
    assert!(classify_body(many.as_bytes(), &loose).is_ok());
    assert!(classify_body(many_ns.as_bytes(), &loose).is_ok());
}

#[test]
fn request_status_and_document() {
    let m = classify_body(ack("Pending").as_bytes(), &L).unwrap();
    assert_eq!(m.msg_type, MsgType::Acknowledgement);
    assert_eq!(m.status, Some(AuthorizationStatus::Pending));
    assert!(!m.closes_exchange());
    let m = classify_body(ack("Denied").as_bytes(), &L).unwrap();
    assert_eq!(m.status, Some(AuthorizationStatus::Denied));
    assert!(m.closes_exchange());
    assert_eq!(
        classify_body(ack("ext-value").as_bytes(), &L)
            .unwrap()
            .status,
        Some(AuthorizationStatus::Other)
    );

    // RFC 6545 §5.1.1: the IODEF document rides in RIDPolicy/ReportSchema/XMLDocument.
    let iodef = r#"<iodef:IODEF-Document lang="en"><iodef:Incident purpose="traceback"/></iodef:IODEF-Document>"#;
    let b = format!(
        r#"<iodef-rid:RID lang="en" xmlns:iodef-rid="urn:ietf:params:xml:ns:iodef-rid-2.0" xmlns:iodef="urn:ietf:params:xml:ns:iodef-1.0">
  <iodef-rid:RIDPolicy MsgType="Report" MsgDestination="RIDSystem">
    <iodef-rid:ReportSchema Version="1.0">
      <iodef-rid:XMLDocument dtype="xml" meaning="xml">{iodef}</iodef-rid:XMLDocument>
    </iodef-rid:ReportSchema>
  </iodef-rid:RIDPolicy>
</iodef-rid:RID>"#
    );
    let m = classify_body(b.as_bytes(), &L).unwrap();
    assert_eq!(m.document(b.as_bytes()), Some(iodef.as_bytes()));
    // Without ReportSchema there is no document.
    assert_eq!(
        classify_body(rid("Query").as_bytes(), &L).unwrap().document,
        None
    );
}
