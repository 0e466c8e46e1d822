//! The durable store: accepted messages and the token tables, in one directory.
//!
//! Layout of `DIR`:
//! - `messages/<seq>.xml`: the body of every accepted RID message, exactly as received;
//!   `messages/<seq>.json`: what was done with it (`peer`, `msg_type`, `disposition`,
//!   `token`), written after the body, so a `.json` always has its `.xml`.
//! - `state.json`: `token_prefix`, `next_token` (the counter of the next token issued),
//!   `owed` (callbacks we owe, from our `202`s) and `awaited` (callbacks we await, from
//!   the `202`s we received), each entry `{peer, token, request}`.
//! - `lock`: `serve` and `send` on the same directory take it (`flock`) around each
//!   load-change-save, so tokens recorded by `send` are seen by a running `serve`.
//!
//! Every file is written to a temporary file in its directory, `fsync`ed, renamed over
//! the final name, and the directory is `fsync`ed: a crash leaves the old file or the new
//! one, never half a message.

use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use rid_https::{CallbackToken, Client, ClientConfig, Limits, MsgType, Server, ServerConfig};
use serde::{Deserialize, Serialize};

use crate::Error;

/// One token table entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenEntry {
    /// The peer key ([`peer_key`](crate::peer_key)).
    pub peer: String,
    /// The `RID-Callback-Token`.
    pub token: String,
    /// The RID message type of the request the callback answers.
    pub request: String,
}

/// The content of `state.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Prefix of the tokens this agent issues (random, drawn when the store is created).
    pub token_prefix: String,
    /// Counter of the next token issued.
    pub next_token: u64,
    /// Callbacks owed (we answered `202`).
    pub owed: Vec<TokenEntry>,
    /// Callbacks awaited (we received `202`).
    pub awaited: Vec<TokenEntry>,
}

/// Metadata of a stored message (`messages/<seq>.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageMeta {
    /// The peer key.
    pub peer: String,
    /// The peer's certificate name, for people.
    pub peer_label: String,
    /// `RIDPolicy@MsgType`.
    pub msg_type: String,
    /// `deferred`, `answered`, `filed` or `callback`.
    pub disposition: String,
    /// The token issued (`deferred`) or matched (`callback`).
    pub token: Option<String>,
    /// Seconds since the Unix epoch.
    pub received: u64,
}

/// A store directory.
#[derive(Clone, Debug)]
pub struct Store {
    dir: PathBuf,
}

static SEQ: AtomicU64 = AtomicU64::new(0);

fn io_err(what: &Path, e: std::io::Error) -> Error {
    Error::Store(format!("{}: {e}", what.display()))
}

/// Writes `data` to `dir/name` atomically and durably.
pub(crate) fn write_atomic(dir: &Path, name: &str, data: &[u8]) -> Result<(), Error> {
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    let r = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, dir.join(name))?;
        File::open(dir)?.sync_all()
    })();
    if r.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    r.map_err(|e| io_err(&dir.join(name), e))
}

fn random_hex(n: usize) -> Result<String, Error> {
    let mut b = vec![0u8; n];
    aws_lc_rs::rand::fill(&mut b).map_err(|_| Error::Store(String::from("no random source")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The store locked for one load-change-save (the lock is released on drop).
pub(crate) struct Locked<'a> {
    store: &'a Store,
    _lock: File,
    /// The state as loaded.
    pub(crate) state: State,
}

impl Store {
    /// Opens (creating it if needed) a store directory.
    pub fn open(dir: &Path) -> Result<Store, Error> {
        fs::create_dir_all(dir.join("messages")).map_err(|e| io_err(dir, e))?;
        let store = Store {
            dir: dir.to_path_buf(),
        };
        // A new store draws its token prefix once, now.
        if !dir.join("state.json").exists() {
            let mut locked = store.lock()?;
            if !dir.join("state.json").exists() {
                let json = serde_json::to_vec_pretty(&locked.state)
                    .map_err(|e| Error::Store(e.to_string()))?;
                write_atomic(dir, "state.json", &json)?;
                locked.state = store.load()?;
            }
        }
        Ok(store)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads `state.json` (a fresh state with a random token prefix if absent).
    pub fn load(&self) -> Result<State, Error> {
        let path = self.dir.join("state.json");
        match fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b)
                .map_err(|e| Error::Store(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State {
                token_prefix: format!("{}-", random_hex(8)?),
                ..State::default()
            }),
            Err(e) => Err(io_err(&path, e)),
        }
    }

    pub(crate) fn lock(&self) -> Result<Locked<'_>, Error> {
        let path = self.dir.join("lock");
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io_err(&path, e))?;
        f.lock().map_err(|e| io_err(&path, e))?;
        let state = self.load()?;
        Ok(Locked {
            store: self,
            _lock: f,
            state,
        })
    }

    /// Every stored message: (metadata, body), oldest first.
    pub fn messages(&self) -> Result<Vec<(MessageMeta, Vec<u8>)>, Error> {
        let dir = self.dir.join("messages");
        let mut names: Vec<PathBuf> = fs::read_dir(&dir)
            .map_err(|e| io_err(&dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        let mut out = Vec::new();
        for p in names {
            let meta = fs::read(&p).map_err(|e| io_err(&p, e))?;
            let meta: MessageMeta = serde_json::from_slice(&meta)
                .map_err(|e| Error::Store(format!("{}: {e}", p.display())))?;
            let body_path = p.with_extension("xml");
            let body = fs::read(&body_path).map_err(|e| io_err(&body_path, e))?;
            out.push((meta, body));
        }
        Ok(out)
    }
}

impl Locked<'_> {
    /// The rid-https roles rebuilt from the state.
    pub(crate) fn roles(&self, limits: Limits) -> Result<(Server, Client), Error> {
        let mut server = Server::new(ServerConfig {
            limits,
            token_prefix: self.state.token_prefix.clone(),
            first_token: self.state.next_token,
            ..ServerConfig::default()
        })
        .map_err(|e| Error::Store(format!("token prefix: {e}")))?;
        let mut client = Client::new(ClientConfig {
            limits,
            ..ClientConfig::default()
        });
        for e in &self.state.owed {
            let (token, request) = entry(e)?;
            server
                .restore(&e.peer, token, request)
                .map_err(|f| Error::Store(format!("owed callbacks: {f}")))?;
        }
        for e in &self.state.awaited {
            let (token, request) = entry(e)?;
            client
                .await_callback(&e.peer, token, request)
                .map_err(|f| Error::Store(format!("awaited callbacks: {f}")))?;
        }
        Ok((server, client))
    }

    /// Saves the roles' tables if they changed.
    pub(crate) fn save(&mut self, server: &Server, client: &Client) -> Result<(), Error> {
        let entries = |it: &mut dyn Iterator<Item = (&str, &CallbackToken, MsgType)>| {
            it.map(|(p, t, r)| TokenEntry {
                peer: String::from(p),
                token: String::from(t.as_str()),
                request: String::from(r.as_str()),
            })
            .collect::<Vec<_>>()
        };
        let state = State {
            token_prefix: self.state.token_prefix.clone(),
            next_token: server.next_token(),
            owed: entries(&mut server.owed()),
            awaited: entries(&mut client.awaited()),
        };
        if state == self.state && self.store.dir.join("state.json").exists() {
            return Ok(());
        }
        let json = serde_json::to_vec_pretty(&state).map_err(|e| Error::Store(e.to_string()))?;
        write_atomic(&self.store.dir, "state.json", &json)?;
        self.state = state;
        Ok(())
    }

    /// Stores one accepted message durably; returns its file stem.
    pub(crate) fn save_message(&self, meta: &MessageMeta, body: &[u8]) -> Result<String, Error> {
        let dir = self.store.dir.join("messages");
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let stem = format!(
            "{nanos:024}-{}-{}",
            SEQ.fetch_add(1, Ordering::Relaxed),
            meta.msg_type
        );
        write_atomic(&dir, &format!("{stem}.xml"), body)?;
        let json = serde_json::to_vec_pretty(meta).map_err(|e| Error::Store(e.to_string()))?;
        write_atomic(&dir, &format!("{stem}.json"), &json)?;
        Ok(stem)
    }
}

pub(crate) fn meta(
    peer: &str,
    peer_label: &str,
    msg_type: MsgType,
    disposition: &str,
    token: Option<&CallbackToken>,
) -> MessageMeta {
    MessageMeta {
        peer: String::from(peer),
        peer_label: String::from(peer_label),
        msg_type: String::from(msg_type.as_str()),
        disposition: String::from(disposition),
        token: token.map(|t| String::from(t.as_str())),
        received: now_secs(),
    }
}

fn entry(e: &TokenEntry) -> Result<(CallbackToken, MsgType), Error> {
    let token = CallbackToken::parse(&e.token)
        .map_err(|x| Error::Store(format!("token {:?}: {x}", e.token)))?;
    let request = MsgType::from_value(e.request.as_bytes())
        .ok_or_else(|| Error::Store(format!("message type {:?}", e.request)))?;
    Ok((token, request))
}
