//! Independent clients against `serve`: curl (HTTP/1.1 over TLS with a client certificate)
//! and openssl s_client (TLS versions, no client certificate).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::*;
use rid_agent::Store;

/// Runs curl against the agent and returns (exit status success, HTTP status, headers).
fn curl(client: &Ident, server: &Ident, port: u16, args: &[&str]) -> (bool, u16, String) {
    let out = Command::new("curl")
        .args([
            "-s",
            "-S",
            "--max-time",
            "20",
            "-D",
            "-",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
        ])
        .args([
            "--connect-to",
            &format!("b.example:{port}:127.0.0.1:{port}"),
        ])
        .arg("--cacert")
        .arg(&server.cert_pem)
        .arg("--cert")
        .arg(&client.cert_pem)
        .arg("--key")
        .arg(&client.key_pem)
        .args(args)
        .output()
        .unwrap();
    parse(out)
}

fn parse(out: Output) -> (bool, u16, String) {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let code = stdout.trim_end().rsplit('\n').next().unwrap_or("").trim();
    let code = code
        .get(code.len().saturating_sub(3)..)
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    (out.status.success(), code, stdout)
}

/// The independent client must be there: a test that skipped would prove nothing
/// (`bash .ci/test` installs it through `.ci/install-tools`).
fn skip(program: &str) -> bool {
    assert!(
        have(program),
        "{program} is not installed: run `bash .ci/install-tools` (or `bash .ci/test`)"
    );
    false
}

/// RFC 6546 §2/§3 with curl as the client: POST / text/xml Report → 200 (also chunked);
/// GET / → 204; POST /other → 404; application/json → 415; a token never issued → 400;
/// no client certificate, or one not on the whitelist → refused at the handshake.
#[test]
fn curl_as_an_independent_client() {
    if skip("curl") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, m) = (
        ident(tmp.path(), "a.example"),
        ident(tmp.path(), "b.example"),
        ident(tmp.path(), "mallory.example"),
    );
    let report = tmp.path().join("report.xml");
    std::fs::write(&report, rid("Report")).unwrap();
    let data = format!("@{}", report.display());
    let store = tmp.path().join("store-b");
    let rt = runtime();
    let agent = rt.block_on(start(serve_config(&b, &[&a], &store)));
    let port = agent.addr.port();
    let url = format!("https://b.example:{port}/");
    let other = format!("https://b.example:{port}/other");

    let xml = ["-H", "Content-Type: text/xml"];
    let (ok, code, head) = curl(
        &a,
        &b,
        port,
        &[&["--data-binary", &data], &xml[..], &[&url]].concat(),
    );
    assert!(ok && code == 200, "{head}");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let (ok, code, head) = curl(
        &a,
        &b,
        port,
        &[
            &["--data-binary", &data, "-H", "Transfer-Encoding: chunked"],
            &xml[..],
            &[&url],
        ]
        .concat(),
    );
    assert!(ok && code == 200, "chunked: {head}");
    let msgs = Store::open(&store).unwrap().messages().unwrap();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[1].1, rid("Report").as_bytes());

    let (_, code, head) = curl(&a, &b, port, &[&url]);
    assert_eq!(code, 204, "GET /: {head}");
    let (_, code, head) = curl(
        &a,
        &b,
        port,
        &[&["--data-binary", &data], &xml[..], &[&other]].concat(),
    );
    assert_eq!(code, 404, "POST /other: {head}");
    let (_, code, head) = curl(
        &a,
        &b,
        port,
        &[
            "--data-binary",
            &data,
            "-H",
            "Content-Type: application/json",
            &url,
        ],
    );
    assert_eq!(code, 415, "application/json: {head}");
    let (_, code, head) = curl(
        &a,
        &b,
        port,
        &[
            "-X",
            "PUT",
            "--data-binary",
            &data,
            "-H",
            "Content-Type: text/xml",
            &url,
        ],
    );
    assert_eq!(code, 405, "PUT: {head}");
    assert!(
        head.to_ascii_lowercase().contains("allow: get, head, post"),
        "{head}"
    );
    let (_, code, head) = curl(
        &a,
        &b,
        port,
        &[
            &["--data-binary", &data, "-H", "RID-Callback-Token: nonesuch"],
            &xml[..],
            &[&url],
        ]
        .concat(),
    );
    assert_eq!(code, 400, "unknown token: {head}");
    let query = tmp.path().join("query.xml");
    std::fs::write(&query, rid("Query")).unwrap();
    let (_, code, head) = curl(
        &a,
        &b,
        port,
        &[
            &["--data-binary", &format!("@{}", query.display())],
            &xml[..],
            &[&url],
        ]
        .concat(),
    );
    assert_eq!(code, 202, "Query: {head}");
    assert!(
        head.to_ascii_lowercase().contains("rid-callback-token: "),
        "{head}"
    );

    // No client certificate; a certificate not on the whitelist.
    let out = Command::new("curl")
        .args([
            "-s",
            "-S",
            "--max-time",
            "20",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
        ])
        .args([
            "--connect-to",
            &format!("b.example:{port}:127.0.0.1:{port}"),
        ])
        .arg("--cacert")
        .arg(&b.cert_pem)
        .args(["--data-binary", &data, "-H", "Content-Type: text/xml", &url])
        .output()
        .unwrap();
    let (ok, code, _) = parse(out);
    assert!(
        !ok && code == 0,
        "no client certificate: accepted with {code}"
    );
    let (ok, code, _) = curl(
        &m,
        &b,
        port,
        &[&["--data-binary", &data], &xml[..], &[&url]].concat(),
    );
    assert!(
        !ok && code == 0,
        "certificate not on the whitelist: accepted with {code}"
    );
    assert_eq!(Store::open(&store).unwrap().messages().unwrap().len(), 3);
    rt.block_on(agent.stop());
}

fn s_client(port: u16, client: Option<&Ident>, server: &Path, version: &str) -> (bool, String) {
    let mut cmd = Command::new("openssl");
    cmd.args([
        "s_client",
        "-connect",
        &format!("127.0.0.1:{port}"),
        version,
        "-brief",
    ])
    // Let OpenSSL itself offer the old versions, so only the server refuses them.
    .args(["-cipher", "DEFAULT:@SECLEVEL=0"])
    .arg("-CAfile")
    .arg(server);
    if let Some(c) = client {
        cmd.arg("-cert")
            .arg(&c.cert_pem)
            .arg("-key")
            .arg(&c.key_pem);
    }
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// RFC 8996 over RFC 6546 §4: TLS 1.0 / 1.1 refused, TLS 1.2 and 1.3 accepted.
#[test]
fn openssl_old_tls_versions_refused() {
    if skip("openssl") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (
        ident(tmp.path(), "a.example"),
        ident(tmp.path(), "b.example"),
    );
    let rt = runtime();
    let agent = rt.block_on(start(serve_config(&b, &[&a], &tmp.path().join("store-b"))));
    let port = agent.addr.port();
    for v in ["-tls1_1", "-tls1"] {
        let (ok, text) = s_client(port, Some(&a), &b.cert_pem, v);
        assert!(!ok, "{v} accepted: {text}");
        // Refused by the server (an alert), not by OpenSSL's own configuration.
        assert!(text.contains("alert"), "{v}: {text}");
        assert!(
            !text.contains("Protocol version: TLSv1.1")
                && !text.contains("Protocol version: TLSv1\n"),
            "{text}"
        );
    }
    for (v, name) in [("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")] {
        let (ok, text) = s_client(port, Some(&a), &b.cert_pem, v);
        assert!(
            ok && text.contains(&format!("Protocol version: {name}")),
            "{v}: {text}"
        );
    }
    rt.block_on(agent.stop());
}
