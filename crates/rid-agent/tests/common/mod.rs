//! Helpers shared by the agent tests: certificates (rcgen), agents on 127.0.0.1 with
//! ephemeral ports, RID messages.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyPair};
use rid_agent::rid_https::Limits;
use rid_agent::{Listener, SendConfig, ServeConfig, Stats};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// An agent's identity: certificate and key, in memory and as PEM files.
pub struct Ident {
    pub name: String,
    pub der: CertificateDer<'static>,
    pub key: Vec<u8>,
    pub cert_pem: PathBuf,
    pub key_pem: PathBuf,
}

impl Ident {
    pub fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.clone()))
    }
}

/// A self-signed certificate for `name` (dNSNames `name` and `localhost`, IP 127.0.0.1),
/// with both the serverAuth and clientAuth extended key usages.
pub fn ident(dir: &Path, name: &str) -> Ident {
    ident_with(
        dir,
        name,
        vec![name.to_owned(), "localhost".into(), "127.0.0.1".into()],
    )
}

pub fn ident_with(dir: &Path, name: &str, sans: Vec<String>) -> Ident {
    let mut params = CertificateParams::new(sans).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let stem = name.replace('*', "star");
    let cert_pem = dir.join(format!("{stem}.crt"));
    let key_pem = dir.join(format!("{stem}.key"));
    std::fs::write(&cert_pem, cert.pem()).unwrap();
    std::fs::write(&key_pem, key.serialize_pem()).unwrap();
    Ident {
        name: name.to_owned(),
        der: cert.der().clone(),
        key: key.serialize_der(),
        cert_pem,
        key_pem,
    }
}

/// Another self-signed certificate with the same key and names as `like` (a new serial
/// number, so a different DER): chain validation alone would accept it.
pub fn reissued(dir: &Path, like: &Ident) -> Ident {
    let key = KeyPair::try_from(like.key.as_slice()).unwrap();
    let mut params = CertificateParams::new(vec![
        like.name.clone(),
        "localhost".into(),
        "127.0.0.1".into(),
    ])
    .unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, like.name.as_str());
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let cert = params.self_signed(&key).unwrap();
    assert_ne!(cert.der(), &like.der);
    let cert_pem = dir.join(format!("{}-reissued.crt", like.name));
    std::fs::write(&cert_pem, cert.pem()).unwrap();
    Ident {
        name: like.name.clone(),
        der: cert.der().clone(),
        key: like.key.clone(),
        cert_pem,
        key_pem: like.key_pem.clone(),
    }
}

/// A minimal RID message of this type.
pub fn rid(msg_type: &str) -> String {
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

pub fn serve_config(me: &Ident, peers: &[&Ident], store: &Path) -> ServeConfig {
    ServeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        cert_chain: vec![me.der.clone()],
        key: me.key(),
        peers: peers.iter().map(|p| p.der.clone()).collect(),
        peer_names: vec![],
        store: store.to_path_buf(),
        limits: Limits::DEFAULT,
    }
}

/// A running agent.
pub struct Running {
    pub addr: SocketAddr,
    pub stats: Arc<Stats>,
    pub task: tokio::task::JoinHandle<Result<(), rid_agent::Error>>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("https://localhost:{}/", self.addr.port())
    }

    /// Stops the agent (its connections go on until they end; tests don't rely on them).
    pub async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

pub async fn start(config: ServeConfig) -> Running {
    let listener = Listener::bind(config).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stats = listener.stats();
    let task = tokio::spawn(listener.run());
    Running { addr, stats, task }
}

pub fn send_config(me: &Ident, peers: &[&Ident], to: &Running, store: Option<&Path>) -> SendConfig {
    SendConfig {
        to: to.url(),
        cert_chain: vec![me.der.clone()],
        key: me.key(),
        peers: peers.iter().map(|p| p.der.clone()).collect(),
        peer_names: vec![],
        store: store.map(Path::to_path_buf),
        limits: Limits::DEFAULT,
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Whether a program is on PATH.
pub fn have(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok()
}
