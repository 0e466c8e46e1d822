//! Two RID agents in-process over mutual TLS on 127.0.0.1 (RFC 6546): A sends a Query to
//! B, B answers `202` with a `RID-Callback-Token`, B's operator later sends the Report as
//! a callback carrying that token, A matches it, answers `200` and stores it.
//!
//! `cargo run -p rid-agent --example rid_exchange` (exits non-zero on any failure).

use std::path::Path;
use std::process::ExitCode;

use rcgen::{CertificateParams, ExtendedKeyUsagePurpose, KeyPair};
use rid_agent::rid_https::{Limits, Outcome};
use rid_agent::{Listener, SendConfig, ServeConfig, Store, send};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

struct Ident {
    cert: CertificateDer<'static>,
    key: Vec<u8>,
}

impl Ident {
    fn new(name: &str) -> Res<Ident> {
        let mut params = CertificateParams::new(vec![name.to_owned(), "localhost".to_owned()])?;
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        let key = KeyPair::generate()?;
        let cert = params.self_signed(&key)?;
        Ok(Ident {
            cert: cert.der().clone(),
            key: key.serialize_der(),
        })
    }

    fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.clone()))
    }

    fn serve(&self, peer: &Ident, store: &Path) -> ServeConfig {
        ServeConfig {
            listen: ([127, 0, 0, 1], 0).into(),
            cert_chain: vec![self.cert.clone()],
            key: self.key(),
            peers: vec![peer.cert.clone()],
            peer_names: vec![],
            store: store.to_path_buf(),
            limits: Limits::DEFAULT,
        }
    }

    fn send(&self, peer: &Ident, name: &str, port: u16, store: &Path) -> SendConfig {
        SendConfig {
            to: format!("https://localhost:{port}/"),
            cert_chain: vec![self.cert.clone()],
            key: self.key(),
            peers: vec![peer.cert.clone()],
            peer_names: vec![name.to_owned()],
            store: Some(store.to_path_buf()),
            limits: Limits::DEFAULT,
        }
    }
}

fn rid(msg_type: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<iodef-rid:RID lang="en" xmlns:iodef-rid="urn:ietf:params:xml:ns:iodef-rid-2.0">
  <iodef-rid:RIDPolicy MsgType="{msg_type}" MsgDestination="RIDSystem">
    <iodef-rid:PolicyRegion region="PeerToPeer"/>
    <iodef-rid:TrafficType type="Attack"/>
  </iodef-rid:RIDPolicy>
</iodef-rid:RID>
"#
    )
}

async fn exchange() -> Res<()> {
    let tmp = tempfile::tempdir()?;
    let (store_a, store_b) = (tmp.path().join("a"), tmp.path().join("b"));
    let (a, b) = (Ident::new("a.example")?, Ident::new("b.example")?);

    let listener_a = Listener::bind(a.serve(&b, &store_a)).await?;
    let listener_b = Listener::bind(b.serve(&a, &store_b)).await?;
    let (port_a, port_b) = (
        listener_a.local_addr()?.port(),
        listener_b.local_addr()?.port(),
    );
    let task_a = tokio::spawn(listener_a.run());
    let task_b = tokio::spawn(listener_b.run());

    println!("A -> B: Query");
    let sent = send(
        &a.send(&b, "b.example", port_b, &store_a),
        rid("Query").as_bytes(),
        None,
    )
    .await?;
    let Outcome::Deferred(token) = sent.outcome else {
        return Err(format!("expected 202, got {} {:?}", sent.status, sent.outcome).into());
    };
    println!("B answers: {} RID-Callback-Token: {token}", sent.status);

    println!("B -> A: Report, callback with token {token}");
    let sent = send(
        &b.send(&a, "a.example", port_a, &store_b),
        rid("Report").as_bytes(),
        Some(token.as_str()),
    )
    .await?;
    if (sent.status, &sent.outcome) != (200, &Outcome::Empty) {
        return Err(format!("expected 200 empty, got {} {:?}", sent.status, sent.outcome).into());
    }
    println!("A answers: 200 (callback matched)");

    let stored = Store::open(&store_a)?.messages()?;
    let [(meta, _)] = stored.as_slice() else {
        return Err(format!("A stored {} messages, expected 1", stored.len()).into());
    };
    println!(
        "A stored the {} ({}, token {})",
        meta.msg_type,
        meta.disposition,
        meta.token.as_deref().unwrap_or("-")
    );
    let (owed, awaited) = (
        Store::open(&store_b)?.load()?.owed,
        Store::open(&store_a)?.load()?.awaited,
    );
    if !owed.is_empty() || !awaited.is_empty() {
        return Err("tokens left over".into());
    }
    println!("exchange complete: B owes nothing, A awaits nothing");
    task_a.abort();
    task_b.abort();
    Ok(())
}

fn main() -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rid_exchange: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(exchange()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rid_exchange: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}
