//! `rid-agent`: RID (RFC 6545) over HTTP/TLS (RFC 6546). See the library docs.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rid_agent::rid_https::{Limits, Outcome};
use rid_agent::{Error, SendConfig, ServeConfig, load_certs, load_key};

/// RID (RFC 6545) over HTTP/TLS (RFC 6546), with mutual TLS against a certificate whitelist.
#[derive(Parser)]
#[command(name = "rid-agent", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The TLS identity and the whitelist, common to both commands.
#[derive(clap::Args)]
struct Tls {
    /// Our certificate chain (PEM, end-entity first).
    #[arg(long, value_name = "PEM")]
    cert: PathBuf,
    /// Our private key (PEM).
    #[arg(long, value_name = "PEM")]
    key: PathBuf,
    /// A peer certificate accepted (PEM, its first certificate); repeat for each peer.
    /// Nothing else is accepted (RFC 6546 §4 whitelist).
    #[arg(long = "peer", value_name = "PEM", required = true)]
    peers: Vec<PathBuf>,
    /// The peer's certificate must carry this dNSName (repeatable: any one of them).
    #[arg(long = "peer-name", value_name = "NAME")]
    peer_names: Vec<String>,
    /// Longest message body accepted, in octets.
    #[arg(long, value_name = "OCTETS", default_value_t = Limits::DEFAULT.max_body)]
    max_body: usize,
}

#[derive(Subcommand)]
enum Command {
    /// Accepts RID messages and stores each one in DIR before answering.
    Serve {
        /// The address to listen on.
        #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:4590")]
        listen: SocketAddr,
        #[command(flatten)]
        tls: Tls,
        /// The store: messages, owed and awaited callback tokens.
        #[arg(long, value_name = "DIR")]
        store: PathBuf,
    },
    /// Sends one RID message (POST / text/xml) and prints the answer.
    Send {
        /// The peer: https://host[:port]/ (port 4590 by default).
        #[arg(long, value_name = "URL")]
        to: String,
        #[command(flatten)]
        tls: Tls,
        /// The store: a 202's token is remembered there for `serve`; needed by --callback.
        #[arg(long, value_name = "DIR")]
        store: Option<PathBuf>,
        /// Send the message as the callback owed for this token (RID-Callback-Token).
        #[arg(long, value_name = "TOKEN")]
        callback: Option<String>,
        /// The RID message (XML).
        file: PathBuf,
    },
}

struct Loaded {
    cert_chain: Vec<rustls_pki_types::CertificateDer<'static>>,
    key: rustls_pki_types::PrivateKeyDer<'static>,
    peers: Vec<rustls_pki_types::CertificateDer<'static>>,
    limits: Limits,
}

fn load(tls: &Tls) -> Result<Loaded, Error> {
    let mut peers = Vec::new();
    for p in &tls.peers {
        // The end-entity certificate of each file is the one whitelisted.
        peers.extend(load_certs(p)?.into_iter().take(1));
    }
    Ok(Loaded {
        cert_chain: load_certs(&tls.cert)?,
        key: load_key(&tls.key)?,
        peers,
        limits: Limits {
            max_body: tls.max_body,
            ..Limits::DEFAULT
        },
    })
}

async fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Serve { listen, tls, store } => {
            let l = load(&tls)?;
            rid_agent::serve(ServeConfig {
                listen,
                cert_chain: l.cert_chain,
                key: l.key,
                peers: l.peers,
                peer_names: tls.peer_names,
                store,
                limits: l.limits,
            })
            .await
        }
        Command::Send {
            to,
            tls,
            store,
            callback,
            file,
        } => {
            let l = load(&tls)?;
            let body = std::fs::read(&file)
                .map_err(|e| Error::Config(format!("{}: {e}", file.display())))?;
            let config = SendConfig {
                to,
                cert_chain: l.cert_chain,
                key: l.key,
                peers: l.peers,
                peer_names: tls.peer_names,
                store,
                limits: l.limits,
            };
            let sent = rid_agent::send(&config, &body, callback.as_deref()).await?;
            println!("peer: {}", sent.peer);
            println!("status: {}", sent.status);
            match &sent.outcome {
                Outcome::Deferred(token) => {
                    println!("callback-token: {token}");
                    if !sent.remembered {
                        eprintln!(
                            "rid-agent: no --store: the token is not remembered, the callback will be refused"
                        );
                    }
                }
                Outcome::Empty => println!("response: empty"),
                Outcome::Reply(m) => {
                    println!("response: {}", m.msg_type);
                    println!("{}", String::from_utf8_lossy(&sent.body));
                }
            }
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rid-agent: error: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rid-agent: error: {e}");
            ExitCode::FAILURE
        }
    }
}
