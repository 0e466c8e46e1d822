//! The `rid-agent` binary: `serve` and `send` as separate processes sharing store
//! directories, exit status and messages.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::*;

const BIN: &str = env!("CARGO_BIN_EXE_rid-agent");

/// A `serve` process; killed on drop.
struct Serve {
    child: Child,
    port: u16,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(me: &Ident, peer: &Ident, store: &Path) -> Serve {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--store"])
        .arg(store)
        .arg("--cert")
        .arg(&me.cert_pem)
        .arg("--key")
        .arg(&me.key_pem)
        .arg("--peer")
        .arg(&peer.cert_pem)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first.split_whitespace().nth(3).unwrap();
    let port = addr.rsplit(':').next().unwrap().parse().unwrap();
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        for l in lines.map_while(Result::ok) {
            eprintln!("{l}")
        }
    });
    Serve { child, port }
}

fn send(
    me: &Ident,
    peer: &Ident,
    port: u16,
    store: Option<&Path>,
    file: &Path,
    extra: &[&str],
) -> (bool, String, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(["send", "--to", &format!("https://localhost:{port}/")])
        .arg("--cert")
        .arg(&me.cert_pem)
        .arg("--key")
        .arg(&me.key_pem)
        .arg("--peer")
        .arg(&peer.cert_pem)
        .args(extra);
    if let Some(s) = store {
        cmd.arg("--store").arg(s);
    }
    let out = cmd.arg(file).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn serve_and_send_processes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, m) = (
        ident(tmp.path(), "a.example"),
        ident(tmp.path(), "b.example"),
        ident(tmp.path(), "mallory.example"),
    );
    let (store_a, store_b) = (tmp.path().join("store-a"), tmp.path().join("store-b"));
    let trace = tmp.path().join("trace.xml");
    let result = tmp.path().join("result.xml");
    std::fs::write(&trace, rid("TraceRequest")).unwrap();
    std::fs::write(&result, rid("Result")).unwrap();
    let serve_a = serve(&a, &b, &store_a);
    let serve_b = serve(&b, &a, &store_b);

    // A → B TraceRequest: 202 and a token, remembered in A's store for A's running serve.
    let (ok, out, err) = send(&a, &b, serve_b.port, Some(&store_a), &trace, &[]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("status: 202"), "{out}");
    let token = out
        .lines()
        .find_map(|l| l.strip_prefix("callback-token: "))
        .unwrap()
        .to_owned();

    // B's operator: the Result as a callback to A.
    let (ok, out, err) = send(
        &b,
        &a,
        serve_a.port,
        Some(&store_b),
        &result,
        &["--callback", &token],
    );
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("status: 200") && out.contains("response: empty"),
        "{out}"
    );
    assert_eq!(
        rid_agent::Store::open(&store_a)
            .unwrap()
            .messages()
            .unwrap()
            .len(),
        1
    );

    // Failures: non-zero exit and a clear message.
    let (ok, _, err) = send(&m, &b, serve_b.port, None, &trace, &[]);
    assert!(
        !ok && err.contains("rid-agent: error:"),
        "not whitelisted: {err}"
    );
    let (ok, _, err) = send(&a, &m, serve_b.port, None, &trace, &[]);
    assert!(
        !ok && err.contains("not on the --peer whitelist"),
        "server not whitelisted: {err}"
    );
    let (ok, _, err) = send(
        &b,
        &a,
        serve_a.port,
        Some(&store_b),
        &result,
        &["--callback", &token],
    );
    assert!(
        !ok && err.contains("no callback with this token is owed"),
        "spent token: {err}"
    );
    let (ok, _, err) = send(&a, &b, serve_b.port, None, &result, &[]);
    assert!(!ok && err.contains("only sent as a callback"), "{err}");
    let (ok, _, err) = send(&a, &b, 1, None, &trace, &[]);
    assert!(!ok && err.contains("network"), "{err}");
}
