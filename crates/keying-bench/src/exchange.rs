//! Full MIKEY exchanges (PSK with verification, RSA-R unicast, signed DH over OAKLEY 5)
//! driven through mikey-core's public Sans-IO roles on fixed inputs, and the exact list of
//! crypto-primitive calls each one makes ([`Call`]), recorded by wrapping the provider,
//! the RSA key handles, the certificate hook and the RNG ([`Recorder`]) and replayed on
//! the same inputs by [`Replay`]: the "primitives" side of `benches/mikey_exchange.rs`
//! and of `examples/paired.rs`. `tests/mikey_exchange_calls.rs` asserts the recorded
//! counts against the model written out there, so the primitives figure cannot drift.
//!
//! Fixed inputs: the clock ([`now`]), the offer's timestamp, CSB IDs, the PSK, the RSA-2048
//! identities of `tests/vectors/mikey/` (Alice = `rsa2048_recv1`, Bob = `rsa2048_sender`)
//! and a [`HashDrbg`] seeded with a constant per exchange, so every exchange measured is
//! byte-for-byte the same.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::rc::Rc;

use keying_crypto::rustcrypto::{HashDrbg, RsaPrivate, RsaPublic, RustCrypto};
use keying_crypto::{
    CryptoError, Digest, HashAlg, Rng, RsaEncryptionPadding, RsaPrivateKeyOps, RsaPublicKeyOps,
    RsaSignatureScheme, SecretBytes, Symmetric, WithKeyedHmac,
};
use mikey_core::Time;
use mikey_core::dh::{DhInitiator, DhResponder};
use mikey_core::error::KmError;
use mikey_core::hooks::StaticPsk;
use mikey_core::hooks::{CertResolver, LocalIdentity};
use mikey_core::modp::{DhKeyPair, PRIVATE_LEN};
use mikey_core::offer::Offer;
use mikey_core::policy::Policy;
use mikey_core::psk::{PskInitiator, PskResponder};
use mikey_core::rsa_r::{RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
use mikey_core::srtp::SrtpSas;
use mikey_core::{Cert, DhGroup, Id, IdType, SrtpCs, Timestamp, TsType};

use crate::bin_vector;

/// The caller's clock for every exchange (NTP seconds; 2025-11-23).
pub const NOW_SECS: u32 = 3_972_844_800;
/// The pre-shared key of the PSK exchange (28 bytes: one PRF chunk).
pub const PSK: &[u8] = b"a pre-shared key of 28 bytes";
/// DH group of the signed DH exchange (OAKLEY 5, 1536-bit MODP), as `examples/mikey_dh.rs`.
pub const DH_GROUP: DhGroup = DhGroup::Oakley5;
/// The CSB ID of the PSK exchange's offer.
pub const PSK_CSB_ID: u32 = 0x3830_0001;
/// The crypto session bundle of every exchange: one SRTP stream, RFC 3711 default policy.
pub const STREAMS: [SrtpCs; 1] = [SrtpCs {
    policy_no: 0,
    ssrc: 0xcafe_f00d,
    roc: 0,
}];

/// The fixed clock.
#[must_use]
pub const fn now() -> Time {
    Time::from_unix_secs(NOW_SECS as u64 - keying_crypto::NTP_UNIX_OFFSET_SECS)
}

/// The offer's NTP-UTC timestamp: [`now`].
#[must_use]
pub const fn ts() -> Timestamp {
    Timestamp {
        ts_type: TsType::NtpUtc,
        value: now().to_ntp(),
    }
}

/// The three exchanges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// PSK (RFC 3830 §3.1) with the verification message.
    Psk,
    /// RSA-R unicast (RFC 4738).
    RsaR,
    /// Signed Diffie-Hellman (RFC 3830 §3.3), OAKLEY 5, SIGN (RSA-PSS) both ways.
    Dh,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Self; 3] = [Self::Psk, Self::RsaR, Self::Dh];

    /// Short name (criterion group suffix, paired mode).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Psk => "psk",
            Self::RsaR => "rsa_r",
            Self::Dh => "dh",
        }
    }

    /// The DRBG seed of an exchange in this mode.
    #[must_use]
    pub const fn seed(self) -> &'static [u8] {
        match self {
            Self::Psk => b"keying-bench mikey psk",
            Self::RsaR => b"keying-bench mikey rsa-r",
            Self::Dh => b"keying-bench mikey dh",
        }
    }
}

/// A signed-mode party: RSA-2048 private key handle, SPKI "certificate", SIP URI.
pub struct Party {
    /// The private key.
    pub key: RsaPrivate,
    /// The SPKI DER sent as CERT (and pinned by the peer).
    pub cert: Vec<u8>,
    /// The URI sent as ID.
    pub uri: &'static [u8],
}

impl std::fmt::Debug for Party {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Party")
            .field("uri", &String::from_utf8_lossy(self.uri))
            .finish_non_exhaustive()
    }
}

impl Party {
    fn load(stem: &str, uri: &'static [u8]) -> std::io::Result<Self> {
        let der = bin_vector("mikey", &format!("{stem}.pkcs1.der"))?;
        let key = RsaPrivate::from_pkcs1_der(&der)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{e:?}")))?;
        Ok(Self {
            key,
            cert: bin_vector("mikey", &format!("{stem}.spki.der"))?,
            uri,
        })
    }

    /// The Initiator: `rsa2048_recv1`, `sip:alice@example.com`.
    ///
    /// # Errors
    /// The vector files cannot be read or parsed.
    pub fn alice() -> std::io::Result<Self> {
        Self::load("rsa2048_recv1", b"sip:alice@example.com")
    }

    /// The Responder: `rsa2048_sender`, `sip:bob@example.com`.
    ///
    /// # Errors
    /// The vector files cannot be read or parsed.
    pub fn bob() -> std::io::Result<Self> {
        Self::load("rsa2048_sender", b"sip:bob@example.com")
    }

    /// This party's identity with key handle `key` (its own key, or a recording wrapper).
    pub fn identity<'a, K>(&'a self, key: &'a K) -> LocalIdentity<'a, K> {
        LocalIdentity {
            key,
            cert: Some(&self.cert),
            id: Some(Id {
                id_type: IdType::Uri,
                data: self.uri,
            }),
        }
    }

    /// A resolver that trusts exactly this party's certificate.
    #[must_use]
    pub fn pinned(&self) -> Pinned {
        Pinned(self.cert.clone())
    }
}

/// The benchmarks' certificate hook: trusts one pinned SPKI sent raw as CERT and loads the
/// key at every call. Deliberately not `mikey_core::PinnedKeys` (which parses X.509 and
/// loads each pinned key once): a deployment's resolver parses and loads the peer's key per
/// message, and the benchmarks keep that cost in the measured exchange.
#[derive(Debug, Clone)]
pub struct Pinned(pub Vec<u8>);

impl CertResolver for Pinned {
    type Key = RsaPublic;
    fn verified_key(
        &self,
        cert: Option<&Cert<'_>>,
        _: Option<&[u8]>,
    ) -> Result<RsaPublic, KmError> {
        match cert {
            Some(c) if c.data == self.0.as_slice() => {
                RsaPublic::from_spki_der(c.data).map_err(|_| KmError::CertRejected)
            }
            _ => Err(KmError::CertRejected),
        }
    }
}

/// Message buffers of one exchange.
#[derive(Debug, Clone)]
pub struct Bufs {
    i_msg: Vec<u8>,
    r_msg: Vec<u8>,
}

impl Default for Bufs {
    fn default() -> Self {
        Self {
            i_msg: vec![0; 4096],
            r_msg: vec![0; 4096],
        }
    }
}

impl Bufs {
    /// The I_MESSAGE and R_MESSAGE of the last exchange (lengths as returned by the roles).
    #[must_use]
    pub fn messages(&self, i_len: usize, r_len: usize) -> (&[u8], &[u8]) {
        (
            self.i_msg.get(..i_len).unwrap_or(&[]),
            self.r_msg.get(..r_len).unwrap_or(&[]),
        )
    }
}

/// What a completed exchange returns: both sides' SAs (lent by the roles, not copied) and
/// the message lengths.
#[derive(Debug)]
pub struct Outcome<'a> {
    /// The Initiator's SRTP SAs (`None` if it did not complete).
    pub initiator: Option<&'a SrtpSas>,
    /// The Responder's SRTP SAs.
    pub responder: &'a SrtpSas,
    /// I_MESSAGE length.
    pub i_len: usize,
    /// R_MESSAGE length.
    pub r_len: usize,
}

impl Outcome<'_> {
    /// Whether both sides derived the same keys for every crypto session.
    #[must_use]
    pub fn agree(&self) -> bool {
        same_keys(self.initiator, self.responder)
    }
}

/// Whether both sides derived the same keys for every crypto session.
#[must_use]
pub fn same_keys(initiator: Option<&SrtpSas>, responder: &SrtpSas) -> bool {
    initiator.is_some_and(|i| {
        !i.is_empty()
            && i.len() == responder.len()
            && i.iter().zip(responder).all(|(a, b)| a.same_keys(b))
    })
}

/// One PSK exchange's roles, RNG and buffers, built outside the timed region (the
/// Responder's replay cache accepts a given I_MESSAGE once, so each exchange needs fresh
/// roles).
pub struct PskRun<C, G> {
    initiator: PskInitiator<C>,
    responder: PskResponder<C>,
    rng: G,
    bufs: Bufs,
}

impl<C: Symmetric + Clone, G: Rng> PskRun<C, G> {
    /// Fresh roles over `crypto`, with `rng`.
    pub fn new(crypto: C, rng: G) -> Self {
        Self {
            initiator: PskInitiator::new(crypto.clone(), Policy::default()),
            responder: PskResponder::new(crypto, Policy::default()),
            rng,
            bufs: Bufs::default(),
        }
    }

    /// The whole exchange: Initiator `start` (I_MESSAGE with V flag) → Responder `handle`
    /// (verification message) → Initiator `handle_response`.
    ///
    /// # Errors
    /// Any role's rejection.
    pub fn run(&mut self, psk: &StaticPsk) -> Result<Outcome<'_>, KmError> {
        let offer = Offer {
            verification: true,
            ..Offer::new(PSK_CSB_ID, &STREAMS, ts())
        };
        let b = &mut self.bufs;
        let i_len = self.initiator.start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            PSK,
            &mut self.rng,
            &mut b.i_msg,
        )?;
        let i_msg = b
            .i_msg
            .get(..i_len)
            .ok_or(KmError::BufferTooSmall { needed: i_len })?;
        let acc = self
            .responder
            .handle(now(), i_msg, psk, &mut b.r_msg)
            .map_err(|r| r.error)?;
        let r_len = acc
            .reply_len
            .ok_or(KmError::InvalidArgument("no reply written"))?;
        let r_msg = b
            .r_msg
            .get(..r_len)
            .ok_or(KmError::BufferTooSmall { needed: r_len })?;
        self.initiator.handle_response(now(), r_msg)?;
        Ok(Outcome {
            initiator: self.initiator.poll_keys(),
            responder: acc.sas,
            i_len,
            r_len,
        })
    }

    /// The Initiator's SAs once complete.
    pub fn initiator_keys(&self) -> Option<&SrtpSas> {
        self.initiator.poll_keys()
    }

    /// The buffers (messages of the last run).
    pub fn bufs(&self) -> &Bufs {
        &self.bufs
    }
}

/// One RSA-R unicast exchange's roles, RNG and buffers (see [`PskRun`]).
pub struct RsaRRun<C, G> {
    initiator: RsaRInitiator<C>,
    responder: RsaRResponder<C>,
    rng: G,
    bufs: Bufs,
}

impl<C: Symmetric + Clone, G: Rng> RsaRRun<C, G> {
    /// Fresh roles over `crypto`, with `rng`; the Responder serves [`STREAMS`] to unicast
    /// peers.
    ///
    /// # Errors
    /// The Responder cannot be configured.
    pub fn new(crypto: C, rng: G) -> Result<Self, KmError> {
        Ok(Self {
            initiator: RsaRInitiator::new(crypto.clone(), Policy::default()),
            responder: RsaRResponder::new(crypto, Policy::default(), &STREAMS, &[])?,
            rng,
            bufs: Bufs::default(),
        })
    }

    /// The whole exchange: Initiator `start` (signed I_MESSAGE with RAND, IDi, CERTi) →
    /// Responder `handle` (SIGNi checked with the key `trust_i` returns; R_MESSAGE with
    /// KEMAC, PKE, SIGNr) → Initiator `handle_response` (SIGNr, PKE, KEMAC).
    ///
    /// # Errors
    /// Any role's rejection.
    pub fn run<K: RsaPrivateKeyOps, RI: CertResolver, RR: CertResolver>(
        &mut self,
        alice: &LocalIdentity<'_, K>,
        bob: &LocalIdentity<'_, K>,
        trust_alice: &RI,
        trust_bob: &RR,
    ) -> Result<Outcome<'_>, KmError> {
        let offer = RsaROffer::new(0x3830_0009, ts(), RsaRMode::Unicast);
        let b = &mut self.bufs;
        let i_len = self.initiator.start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            alice,
            &mut self.rng,
            &mut b.i_msg,
        )?;
        let i_msg = b
            .i_msg
            .get(..i_len)
            .ok_or(KmError::BufferTooSmall { needed: i_len })?;
        let acc = self
            .responder
            .handle(now(), i_msg, bob, trust_alice, &mut self.rng, &mut b.r_msg)
            .map_err(|r| r.error)?;
        let r_len = acc
            .reply_len
            .ok_or(KmError::InvalidArgument("no reply written"))?;
        let r_msg = b
            .r_msg
            .get(..r_len)
            .ok_or(KmError::BufferTooSmall { needed: r_len })?;
        self.initiator
            .handle_response(now(), r_msg, alice, trust_bob, &mut self.rng)?;
        Ok(Outcome {
            initiator: self.initiator.poll_keys().map(|(_, s)| s),
            responder: acc.sas,
            i_len,
            r_len,
        })
    }

    /// The Initiator's SAs once complete.
    pub fn initiator_keys(&self) -> Option<&SrtpSas> {
        self.initiator.poll_keys().map(|(_, s)| s)
    }

    /// The buffers (messages of the last run).
    pub fn bufs(&self) -> &Bufs {
        &self.bufs
    }
}

/// One signed-DH exchange's roles, RNG and buffers (see [`PskRun`]).
pub struct DhRun<C, G> {
    initiator: DhInitiator<C>,
    responder: DhResponder<C>,
    rng: G,
    bufs: Bufs,
}

impl<C: Symmetric + Clone, G: Rng> DhRun<C, G> {
    /// Fresh roles over `crypto`, with `rng`.
    pub fn new(crypto: C, rng: G) -> Self {
        Self {
            initiator: DhInitiator::new(crypto.clone(), Policy::default()),
            responder: DhResponder::new(crypto, Policy::default()),
            rng,
            bufs: Bufs::default(),
        }
    }

    /// The whole exchange: Initiator `start` (RAND, IDi, CERTi, DHi, SIGNi) → Responder
    /// `handle` (SIGNi, DH agreement, R_MESSAGE with DHr, DHi, SIGNr) → Initiator
    /// `handle_response` (SIGNr, DH agreement).
    ///
    /// # Errors
    /// Any role's rejection.
    pub fn run<K: RsaPrivateKeyOps, RI: CertResolver, RR: CertResolver>(
        &mut self,
        alice: &LocalIdentity<'_, K>,
        bob: &LocalIdentity<'_, K>,
        trust_alice: &RI,
        trust_bob: &RR,
    ) -> Result<Outcome<'_>, KmError> {
        let offer = Offer::new(0x3830_0005, &STREAMS, ts());
        let b = &mut self.bufs;
        let i_len = self.initiator.start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            DH_GROUP,
            alice,
            &mut self.rng,
            &mut b.i_msg,
        )?;
        let i_msg = b
            .i_msg
            .get(..i_len)
            .ok_or(KmError::BufferTooSmall { needed: i_len })?;
        let acc = self
            .responder
            .handle(now(), i_msg, bob, trust_alice, &mut self.rng, &mut b.r_msg)
            .map_err(|r| r.error)?;
        let r_len = acc
            .reply_len
            .ok_or(KmError::InvalidArgument("no reply written"))?;
        let r_msg = b
            .r_msg
            .get(..r_len)
            .ok_or(KmError::BufferTooSmall { needed: r_len })?;
        self.initiator.handle_response(now(), r_msg, trust_bob)?;
        Ok(Outcome {
            initiator: self.initiator.poll_keys(),
            responder: acc.sas,
            i_len,
            r_len,
        })
    }

    /// The Initiator's SAs once complete.
    pub fn initiator_keys(&self) -> Option<&SrtpSas> {
        self.initiator.poll_keys()
    }

    /// The buffers (messages of the last run).
    pub fn bufs(&self) -> &Bufs {
        &self.bufs
    }
}

/// The fixed inputs of the signed exchanges, loaded once.
#[derive(Debug)]
pub struct Fixture {
    /// The Initiator.
    pub alice: Party,
    /// The Responder.
    pub bob: Party,
    /// The Responder's hook (trusts Alice).
    pub trust_alice: Pinned,
    /// The Initiator's hook (trusts Bob).
    pub trust_bob: Pinned,
    /// The PSK hook.
    pub psk: StaticPsk,
}

impl Fixture {
    /// Loads the keys.
    ///
    /// # Errors
    /// The vector files cannot be read or parsed.
    pub fn load() -> std::io::Result<Self> {
        let alice = Party::alice()?;
        let bob = Party::bob()?;
        let psk = StaticPsk::new(PSK)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
        Ok(Self {
            trust_alice: alice.pinned(),
            trust_bob: bob.pinned(),
            alice,
            bob,
            psk,
        })
    }

    /// Fresh roles (and DRBG) for one exchange in `mode`, over the plain RustCrypto
    /// provider: what the "full exchange" benchmarks time with [`Fixture::run`].
    ///
    /// # Errors
    /// A role cannot be configured.
    pub fn fresh(&self, mode: Mode) -> Result<Fresh, KmError> {
        let rng = HashDrbg::new(mode.seed());
        Ok(match mode {
            Mode::Psk => Fresh::Psk(PskRun::new(RustCrypto, rng)),
            Mode::RsaR => Fresh::RsaR(RsaRRun::new(RustCrypto, rng)?),
            Mode::Dh => Fresh::Dh(DhRun::new(RustCrypto, rng)),
        })
    }

    /// Runs one exchange on roles from [`Fixture::fresh`].
    ///
    /// # Errors
    /// Any role's rejection.
    pub fn run<'f>(&self, fresh: &'f mut Fresh) -> Result<Outcome<'f>, KmError> {
        let (a, b) = (
            self.alice.identity(&self.alice.key),
            self.bob.identity(&self.bob.key),
        );
        match fresh {
            Fresh::Psk(r) => r.run(&self.psk),
            Fresh::RsaR(r) => r.run(&a, &b, &self.trust_alice, &self.trust_bob),
            Fresh::Dh(r) => r.run(&a, &b, &self.trust_alice, &self.trust_bob),
        }
    }

    /// Runs one exchange in `mode` through a [`Recorder`] and returns the primitive calls
    /// it made, in order, plus the MODP operations of [`dh_model_calls`] for DH.
    ///
    /// # Errors
    /// Any role's rejection, or keys that do not agree ([`KmError::Mismatch`]).
    pub fn record(&self, mode: Mode) -> Result<Vec<Call>, KmError> {
        let rec = Recorder::default();
        let crypto = rec.provider(RustCrypto);
        let rng = rec.rng(HashDrbg::new(mode.seed()));
        let (ka, kb) = (rec.key(&self.alice.key, 0), rec.key(&self.bob.key, 1));
        let (a, b) = (self.alice.identity(&ka), self.bob.identity(&kb));
        let (ta, tb) = (
            rec.resolver(self.trust_alice.clone()),
            rec.resolver(self.trust_bob.clone()),
        );
        let agree = match mode {
            Mode::Psk => {
                let mut r = PskRun::new(crypto, rng);
                r.run(&self.psk)?.agree()
            }
            Mode::RsaR => {
                let mut r = RsaRRun::new(crypto, rng)?;
                r.run(&a, &b, &ta, &tb)?.agree()
            }
            Mode::Dh => {
                let mut r = DhRun::new(crypto, rng);
                r.run(&a, &b, &ta, &tb)?.agree()
            }
        };
        if !agree {
            return Err(KmError::Mismatch);
        }
        let mut calls = rec.take();
        if mode == Mode::Dh {
            calls.extend(dh_model_calls(DH_GROUP)?);
        }
        Ok(calls)
    }

    /// The private keys by the index [`Recorder::key`] gave them (0 = Alice, 1 = Bob).
    #[must_use]
    pub fn keys(&self) -> [&RsaPrivate; 2] {
        [&self.alice.key, &self.bob.key]
    }
}

/// Roles ready for one exchange (see [`Fixture::fresh`]).
// Built outside the timed region and used in place; no boxing (no extra indirection).
#[allow(clippy::large_enum_variant)]
pub enum Fresh {
    /// PSK.
    Psk(PskRun<RustCrypto, HashDrbg>),
    /// RSA-R.
    RsaR(RsaRRun<RustCrypto, HashDrbg>),
    /// DH.
    Dh(DhRun<RustCrypto, HashDrbg>),
}

impl std::fmt::Debug for Fresh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Psk(_) => "Fresh::Psk",
            Self::RsaR(_) => "Fresh::RsaR",
            Self::Dh(_) => "Fresh::Dh",
        })
    }
}

impl Fresh {
    /// The Initiator's SAs once the exchange ran.
    #[must_use]
    pub fn initiator_keys(&self) -> Option<&SrtpSas> {
        match self {
            Self::Psk(r) => r.initiator_keys(),
            Self::RsaR(r) => r.initiator_keys(),
            Self::Dh(r) => r.initiator_keys(),
        }
    }

    /// The buffers (messages of the last run).
    #[must_use]
    pub fn bufs(&self) -> &Bufs {
        match self {
            Self::Psk(r) => r.bufs(),
            Self::RsaR(r) => r.bufs(),
            Self::Dh(r) => r.bufs(),
        }
    }
}

/// The MODP operations of one signed-DH exchange. They cannot be recorded: mikey-core's
/// `modp::DhKeyPair` does the arithmetic itself (crypto-bigint), not through a provider
/// trait. Read off `dh_mode.rs` / `steps.rs`: the Initiator's `start` generates a key pair,
/// the Responder generates one and agrees with DHi (`agree` checks the peer value:
/// `2 ≤ y ≤ p − 2` and `y^q = 1`), the Initiator agrees with DHr. Each key pair's 32-byte
/// private exponent comes from the RNG, which *is* recorded ([`Call::Random`]); the
/// key-pair entry here is the exponentiation alone (`DhKeyPair::from_private`).
///
/// # Errors
/// The group is not supported.
pub fn dh_model_calls(group: DhGroup) -> Result<Vec<Call>, KmError> {
    let mut drbg = HashDrbg::new(b"keying-bench dh model");
    let mut x = || -> Result<[u8; PRIVATE_LEN], KmError> {
        let mut x = [0u8; PRIVATE_LEN];
        drbg.fill_bytes(&mut x).map_err(KmError::Crypto)?;
        Ok(x)
    };
    let (xi, xr) = (x()?, x()?);
    let pi = DhKeyPair::from_private(group, SecretBytes::new(xi))?;
    let pr = DhKeyPair::from_private(group, SecretBytes::new(xr))?;
    Ok(vec![
        Call::DhKeyPair { group, x: xi },
        Call::DhKeyPair { group, x: xr },
        Call::DhAgree {
            group,
            x: xr,
            peer: pi.public().to_vec(),
        },
        Call::DhAgree {
            group,
            x: xi,
            peer: pr.public().to_vec(),
        },
    ])
}

/// One primitive call with its inputs.
#[derive(Clone)]
pub enum Call {
    /// `Symmetric::hmac`.
    Hmac {
        /// Hash.
        alg: HashAlg,
        /// Key.
        key: Vec<u8>,
        /// Message parts, as passed.
        parts: Vec<Vec<u8>>,
    },
    /// `Symmetric::with_hmac_key`: one key prepared, the HMAC of every message computed
    /// from it.
    HmacKeyed {
        /// Hash.
        alg: HashAlg,
        /// Key.
        key: Vec<u8>,
        /// Each message's parts, in order.
        msgs: Vec<Vec<Vec<u8>>>,
    },
    /// `Symmetric::hash`.
    Hash {
        /// Hash.
        alg: HashAlg,
        /// Message parts.
        parts: Vec<Vec<u8>>,
    },
    /// `Symmetric::aes_ctr` (AES-CM).
    AesCtr {
        /// Key.
        key: Vec<u8>,
        /// Initial counter block.
        iv: [u8; 16],
        /// Data (the input as passed).
        data: Vec<u8>,
    },
    /// Another `Symmetric` method (AES-CBC, AES-KW): counted, not replayed.
    OtherSymmetric(&'static str),
    /// `RsaPrivateKeyOps::sign`.
    RsaSign {
        /// Key index ([`Fixture::keys`]).
        key: usize,
        /// Modulus bits.
        bits: usize,
        /// Scheme.
        scheme: RsaSignatureScheme,
        /// Message parts.
        parts: Vec<Vec<u8>>,
    },
    /// `RsaPrivateKeyOps::decrypt`.
    RsaDecrypt {
        /// Key index.
        key: usize,
        /// Modulus bits.
        bits: usize,
        /// Padding.
        padding: RsaEncryptionPadding,
        /// Ciphertext.
        ct: Vec<u8>,
    },
    /// `RsaPublicKeyOps::verify` with a key the certificate hook loaded.
    RsaVerify {
        /// The key's SPKI.
        spki: Vec<u8>,
        /// Modulus bits.
        bits: usize,
        /// Scheme.
        scheme: RsaSignatureScheme,
        /// Message parts.
        parts: Vec<Vec<u8>>,
        /// Signature.
        sig: Vec<u8>,
    },
    /// `RsaPublicKeyOps::encrypt`.
    RsaEncrypt {
        /// The key's SPKI.
        spki: Vec<u8>,
        /// Modulus bits.
        bits: usize,
        /// Padding.
        padding: RsaEncryptionPadding,
        /// Plaintext.
        pt: Vec<u8>,
    },
    /// The certificate hook loading the peer's key (`RsaPublic::from_spki_der`).
    SpkiLoad {
        /// SPKI DER.
        spki: Vec<u8>,
    },
    /// `Rng::fill_bytes` called by a role (not from inside an RSA operation, whose own
    /// blinding / padding randomness belongs to that operation).
    Random {
        /// Bytes requested.
        len: usize,
    },
    /// MODP key pair (the exponentiation `g^x`); see [`dh_model_calls`].
    DhKeyPair {
        /// Group.
        group: DhGroup,
        /// Private exponent.
        x: [u8; PRIVATE_LEN],
    },
    /// MODP agreement with the peer-value checks; see [`dh_model_calls`].
    DhAgree {
        /// Group.
        group: DhGroup,
        /// Own private exponent.
        x: [u8; PRIVATE_LEN],
        /// Peer's public value.
        peer: Vec<u8>,
    },
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

fn hash_name(h: HashAlg) -> &'static str {
    match h {
        HashAlg::Sha1 => "sha1",
        HashAlg::Sha256 => "sha256",
        HashAlg::Sha384 => "sha384",
        HashAlg::Sha512 => "sha512",
    }
}

fn scheme_name(s: RsaSignatureScheme) -> String {
    match s {
        RsaSignatureScheme::Pkcs1v15(h) => format!("pkcs1v15_{}", hash_name(h)),
        RsaSignatureScheme::Pkcs1v15Raw(h) => format!("pkcs1v15raw_{}", hash_name(h)),
        RsaSignatureScheme::Pss(h) => format!("pss_{}", hash_name(h)),
    }
}

fn padding_name(p: RsaEncryptionPadding) -> String {
    match p {
        RsaEncryptionPadding::Pkcs1v15 => "pkcs1v15".into(),
        RsaEncryptionPadding::Oaep(h) => format!("oaep_{}", hash_name(h)),
    }
}

fn group_bits(g: DhGroup) -> usize {
    g.value_len().unwrap_or(0) * 8
}

impl Call {
    /// The kind of primitive, with its parameters: `hmac_sha1`, `sha256`, `aes128_cm`,
    /// `rsa2048_sign_pss_sha256`, `rsa_load_spki`, `drbg`, `modp1536_keypair`, … (the
    /// criterion benchmark names and the keys of [`counts`]).
    #[must_use]
    pub fn label(&self) -> String {
        match self {
            Self::Hmac { alg, .. } => format!("hmac_{}", hash_name(*alg)),
            Self::HmacKeyed { alg, .. } => format!("hmac_{}_key", hash_name(*alg)),
            Self::Hash { alg, .. } => hash_name(*alg).into(),
            Self::AesCtr { key, .. } => format!("aes{}_cm", key.len() * 8),
            Self::OtherSymmetric(name) => (*name).into(),
            Self::RsaSign { bits, scheme, .. } => {
                format!("rsa{bits}_sign_{}", scheme_name(*scheme))
            }
            Self::RsaDecrypt { bits, padding, .. } => {
                format!("rsa{bits}_decrypt_{}", padding_name(*padding))
            }
            Self::RsaVerify { bits, scheme, .. } => {
                format!("rsa{bits}_verify_{}", scheme_name(*scheme))
            }
            Self::RsaEncrypt { bits, padding, .. } => {
                format!("rsa{bits}_encrypt_{}", padding_name(*padding))
            }
            Self::SpkiLoad { .. } => "rsa_load_spki".into(),
            Self::Random { .. } => "drbg".into(),
            Self::DhKeyPair { group, .. } => format!("modp{}_keypair", group_bits(*group)),
            Self::DhAgree { group, .. } => format!("modp{}_agree", group_bits(*group)),
        }
    }
}

/// How many calls of each [`Call::label`].
#[must_use]
/// (A [`Call::HmacKeyed`] is one call, `hmac_<hash>_key`, whatever the number of messages
/// it MACs: [`hmac_messages`] counts those.)
pub fn counts(calls: &[Call]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for c in calls {
        *m.entry(c.label()).or_insert(0) += 1;
    }
    m
}

/// The number of messages MACed: one per [`Call::Hmac`], one per message of each
/// [`Call::HmacKeyed`].
#[must_use]
pub fn hmac_messages(calls: &[Call]) -> usize {
    calls
        .iter()
        .map(|c| match c {
            Call::Hmac { .. } => 1,
            Call::HmacKeyed { msgs, .. } => msgs.len(),
            _ => 0,
        })
        .sum()
}

/// Shared call log of a [`Recorder`].
#[derive(Default)]
struct Log {
    calls: Vec<Call>,
    /// Inside an RSA operation: RNG requests belong to it.
    in_rsa: bool,
}

/// Records every primitive call of an exchange: wrap the provider ([`Recorder::provider`]),
/// the private keys ([`Recorder::key`]), the certificate hooks ([`Recorder::resolver`])
/// and the RNG ([`Recorder::rng`]) and run the exchange with the wrappers.
#[derive(Clone, Default)]
pub struct Recorder(Rc<RefCell<Log>>);

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recorder({} calls)", self.0.borrow().calls.len())
    }
}

impl Recorder {
    fn push(&self, c: Call) {
        self.0.borrow_mut().calls.push(c);
    }

    fn rsa<T>(&self, f: impl FnOnce() -> T) -> T {
        self.0.borrow_mut().in_rsa = true;
        let r = f();
        self.0.borrow_mut().in_rsa = false;
        r
    }

    /// The calls so far, in order.
    #[must_use]
    pub fn take(&self) -> Vec<Call> {
        std::mem::take(&mut self.0.borrow_mut().calls)
    }

    /// A recording `Symmetric` provider over `inner`.
    #[must_use]
    pub fn provider<S>(&self, inner: S) -> RecProvider<S> {
        RecProvider {
            inner,
            rec: self.clone(),
        }
    }

    /// A recording private-key handle over `key`, logged as key number `index`.
    #[must_use]
    pub fn key<'k>(&self, key: &'k RsaPrivate, index: usize) -> RecKey<'k> {
        RecKey {
            inner: key,
            index,
            rec: self.clone(),
        }
    }

    /// A recording certificate hook over `inner` (its SPKI load and the key it returns).
    #[must_use]
    pub fn resolver(&self, inner: Pinned) -> RecResolver {
        RecResolver {
            inner,
            rec: self.clone(),
        }
    }

    /// A recording RNG over `inner`.
    #[must_use]
    pub fn rng<G>(&self, inner: G) -> RecRng<G> {
        RecRng {
            inner,
            rec: self.clone(),
        }
    }
}

fn owned(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}

/// See [`Recorder::provider`].
#[derive(Clone, Debug)]
pub struct RecProvider<S> {
    inner: S,
    rec: Recorder,
}

impl<S: Symmetric> Symmetric for RecProvider<S> {
    fn hash(&self, alg: HashAlg, parts: &[&[u8]]) -> Digest {
        self.rec.push(Call::Hash {
            alg,
            parts: owned(parts),
        });
        self.inner.hash(alg, parts)
    }

    fn hmac(&self, alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Digest {
        self.rec.push(Call::Hmac {
            alg,
            key: key.to_vec(),
            parts: owned(parts),
        });
        self.inner.hmac(alg, key, parts)
    }

    fn with_hmac_key(&self, alg: HashAlg, key: &[u8], f: &mut WithKeyedHmac<'_>) {
        let msgs = RefCell::new(Vec::new());
        self.inner.with_hmac_key(alg, key, &mut |h| {
            f(&|parts| {
                msgs.borrow_mut().push(owned(parts));
                h(parts)
            });
        });
        self.rec.push(Call::HmacKeyed {
            alg,
            key: key.to_vec(),
            msgs: msgs.into_inner(),
        });
    }

    fn aes_ctr(&self, key: &[u8], iv: &[u8; 16], data: &mut [u8]) -> Result<(), CryptoError> {
        self.rec.push(Call::AesCtr {
            key: key.to_vec(),
            iv: *iv,
            data: data.to_vec(),
        });
        self.inner.aes_ctr(key, iv, data)
    }

    fn aes_cbc_encrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError> {
        self.rec.push(Call::OtherSymmetric("aes_cbc_encrypt"));
        self.inner.aes_cbc_encrypt(key, iv, data)
    }

    fn aes_cbc_decrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError> {
        self.rec.push(Call::OtherSymmetric("aes_cbc_decrypt"));
        self.inner.aes_cbc_decrypt(key, iv, data)
    }

    fn aes_kw_wrap(&self, kek: &[u8], key: &[u8], out: &mut [u8]) -> Result<usize, CryptoError> {
        self.rec.push(Call::OtherSymmetric("aes_kw_wrap"));
        self.inner.aes_kw_wrap(kek, key, out)
    }

    fn aes_kw_unwrap(
        &self,
        kek: &[u8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        self.rec.push(Call::OtherSymmetric("aes_kw_unwrap"));
        self.inner.aes_kw_unwrap(kek, wrapped, out)
    }

    fn aes_kw_wrap_with_iv(
        &self,
        kek: &[u8],
        iv: &[u8; 8],
        key: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        self.rec.push(Call::OtherSymmetric("aes_kw_wrap"));
        self.inner.aes_kw_wrap_with_iv(kek, iv, key, out)
    }

    fn aes_kw_unwrap_with_iv(
        &self,
        kek: &[u8],
        iv: &[u8; 8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        self.rec.push(Call::OtherSymmetric("aes_kw_unwrap"));
        self.inner.aes_kw_unwrap_with_iv(kek, iv, wrapped, out)
    }
}

/// See [`Recorder::key`].
#[derive(Debug)]
pub struct RecKey<'k> {
    inner: &'k RsaPrivate,
    index: usize,
    rec: Recorder,
}

impl RsaPrivateKeyOps for RecKey<'_> {
    fn modulus_len(&self) -> usize {
        self.inner.modulus_len()
    }

    fn sign(
        &self,
        rng: &mut dyn Rng,
        scheme: RsaSignatureScheme,
        msg_parts: &[&[u8]],
        sig_out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        self.rec.push(Call::RsaSign {
            key: self.index,
            bits: self.modulus_len() * 8,
            scheme,
            parts: owned(msg_parts),
        });
        self.rec
            .rsa(|| self.inner.sign(rng, scheme, msg_parts, sig_out))
    }

    fn decrypt(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        ciphertext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        self.rec.push(Call::RsaDecrypt {
            key: self.index,
            bits: self.modulus_len() * 8,
            padding,
            ct: ciphertext.to_vec(),
        });
        self.rec
            .rsa(|| self.inner.decrypt(rng, padding, ciphertext, out))
    }
}

/// See [`Recorder::resolver`].
#[derive(Debug)]
pub struct RecResolver {
    inner: Pinned,
    rec: Recorder,
}

impl CertResolver for RecResolver {
    type Key = RecPublic;
    fn verified_key(
        &self,
        cert: Option<&Cert<'_>>,
        id: Option<&[u8]>,
    ) -> Result<RecPublic, KmError> {
        if let Some(c) = cert {
            self.rec.push(Call::SpkiLoad {
                spki: c.data.to_vec(),
            });
        }
        let key = self.inner.verified_key(cert, id)?;
        Ok(RecPublic {
            key,
            spki: self.inner.0.clone(),
            rec: self.rec.clone(),
        })
    }
}

/// A public key returned by a [`RecResolver`].
#[derive(Debug)]
pub struct RecPublic {
    key: RsaPublic,
    spki: Vec<u8>,
    rec: Recorder,
}

impl RsaPublicKeyOps for RecPublic {
    fn modulus_len(&self) -> usize {
        self.key.modulus_len()
    }

    fn verify(
        &self,
        scheme: RsaSignatureScheme,
        msg_parts: &[&[u8]],
        sig: &[u8],
    ) -> Result<(), CryptoError> {
        self.rec.push(Call::RsaVerify {
            spki: self.spki.clone(),
            bits: self.modulus_len() * 8,
            scheme,
            parts: owned(msg_parts),
            sig: sig.to_vec(),
        });
        self.key.verify(scheme, msg_parts, sig)
    }

    fn encrypt(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        self.rec.push(Call::RsaEncrypt {
            spki: self.spki.clone(),
            bits: self.modulus_len() * 8,
            padding,
            pt: plaintext.to_vec(),
        });
        self.rec
            .rsa(|| self.key.encrypt(rng, padding, plaintext, out))
    }
}

/// See [`Recorder::rng`].
#[derive(Debug)]
pub struct RecRng<G> {
    inner: G,
    rec: Recorder,
}

impl<G: Rng> Rng for RecRng<G> {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), CryptoError> {
        let in_rsa = self.rec.0.borrow().in_rsa;
        if !in_rsa {
            self.rec.push(Call::Random { len: dest.len() });
        }
        self.inner.fill_bytes(dest)
    }
}

/// A recorded call ready to replay (inputs borrowed, keys loaded).
enum Op<'a> {
    Hmac(HashAlg, &'a [u8], Vec<&'a [u8]>),
    HmacKeyed(HashAlg, &'a [u8], Vec<Vec<&'a [u8]>>),
    Hash(HashAlg, Vec<&'a [u8]>),
    AesCtr(&'a [u8], [u8; 16], &'a [u8]),
    Sign(&'a RsaPrivate, RsaSignatureScheme, Vec<&'a [u8]>),
    Decrypt(&'a RsaPrivate, RsaEncryptionPadding, &'a [u8]),
    Verify(RsaPublic, RsaSignatureScheme, Vec<&'a [u8]>, &'a [u8]),
    Encrypt(RsaPublic, RsaEncryptionPadding, &'a [u8]),
    Spki(&'a [u8]),
    Random(usize),
    DhKeyPair(DhGroup, SecretBytes<PRIVATE_LEN>),
    DhAgree(DhKeyPair, &'a [u8]),
}

/// Replays recorded calls on the plain RustCrypto provider and the real keys, in order,
/// with the recorded inputs: "the same primitives run back to back".
pub struct Replay<'a> {
    ops: Vec<Op<'a>>,
}

impl std::fmt::Debug for Replay<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Replay({} ops)", self.ops.len())
    }
}

fn borrowed(parts: &[Vec<u8>]) -> Vec<&[u8]> {
    parts.iter().map(Vec::as_slice).collect()
}

impl<'a> Replay<'a> {
    /// The calls of `calls` that `keep` selects, with `keys` the private keys by index.
    ///
    /// # Errors
    /// A call that cannot be replayed (unknown key index, unsupported symmetric method,
    /// bad SPKI or DH group).
    pub fn new(
        calls: &'a [Call],
        keys: &[&'a RsaPrivate],
        keep: impl Fn(&Call) -> bool,
    ) -> Result<Self, String> {
        let key = |i: usize| keys.get(i).copied().ok_or(format!("no key {i}"));
        let public = |spki: &[u8]| RsaPublic::from_spki_der(spki).map_err(|e| format!("{e:?}"));
        let dh = |e: KmError| e.to_string();
        let mut ops = Vec::new();
        for c in calls.iter().filter(|c| keep(c)) {
            ops.push(match c {
                Call::Hmac { alg, key, parts } => Op::Hmac(*alg, key, borrowed(parts)),
                Call::HmacKeyed { alg, key, msgs } => {
                    Op::HmacKeyed(*alg, key, msgs.iter().map(|m| borrowed(m)).collect())
                }
                Call::Hash { alg, parts } => Op::Hash(*alg, borrowed(parts)),
                Call::AesCtr { key, iv, data } => Op::AesCtr(key, *iv, data),
                Call::OtherSymmetric(name) => return Err(format!("{name} is not replayed")),
                Call::RsaSign {
                    key: k,
                    scheme,
                    parts,
                    ..
                } => Op::Sign(key(*k)?, *scheme, borrowed(parts)),
                Call::RsaDecrypt {
                    key: k,
                    padding,
                    ct,
                    ..
                } => Op::Decrypt(key(*k)?, *padding, ct),
                Call::RsaVerify {
                    spki,
                    scheme,
                    parts,
                    sig,
                    ..
                } => Op::Verify(public(spki)?, *scheme, borrowed(parts), sig),
                Call::RsaEncrypt {
                    spki, padding, pt, ..
                } => Op::Encrypt(public(spki)?, *padding, pt),
                Call::SpkiLoad { spki } => Op::Spki(spki),
                Call::Random { len } => Op::Random(*len),
                Call::DhKeyPair { group, x } => Op::DhKeyPair(*group, SecretBytes::new(*x)),
                Call::DhAgree { group, x, peer } => Op::DhAgree(
                    DhKeyPair::from_private(*group, SecretBytes::new(*x)).map_err(dh)?,
                    peer,
                ),
            });
        }
        Ok(Self { ops })
    }

    /// Number of calls replayed per [`Replay::run`].
    #[must_use]
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether nothing is replayed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Runs every call once with `rng`; returns how many succeeded (all, for a faithful
    /// recording: checked by the benches before timing).
    pub fn run(&self, rng: &mut dyn Rng) -> usize {
        let c = RustCrypto;
        let mut buf = [0u8; 512];
        let mut ok = 0;
        for op in &self.ops {
            let good = match op {
                Op::Hmac(alg, key, parts) => {
                    black_box(c.hmac(*alg, key, parts));
                    true
                }
                Op::HmacKeyed(alg, key, msgs) => {
                    c.with_hmac_key(*alg, key, &mut |h| {
                        for m in msgs {
                            black_box(h(m));
                        }
                    });
                    true
                }
                Op::Hash(alg, parts) => {
                    black_box(c.hash(*alg, parts));
                    true
                }
                Op::AesCtr(key, iv, data) => match buf.get_mut(..data.len()) {
                    Some(b) => {
                        b.copy_from_slice(data);
                        c.aes_ctr(key, iv, b).is_ok()
                    }
                    None => false,
                },
                Op::Sign(k, scheme, parts) => k.sign(rng, *scheme, parts, &mut buf).is_ok(),
                Op::Decrypt(k, padding, ct) => k.decrypt(rng, *padding, ct, &mut buf).is_ok(),
                Op::Verify(k, scheme, parts, sig) => k.verify(*scheme, parts, sig).is_ok(),
                Op::Encrypt(k, padding, pt) => k.encrypt(rng, *padding, pt, &mut buf).is_ok(),
                Op::Spki(der) => black_box(RsaPublic::from_spki_der(der)).is_ok(),
                Op::Random(len) => match buf.get_mut(..*len) {
                    Some(b) => rng.fill_bytes(b).is_ok(),
                    None => false,
                },
                Op::DhKeyPair(group, x) => {
                    black_box(DhKeyPair::from_private(*group, x.clone())).is_ok()
                }
                Op::DhAgree(pair, peer) => black_box(pair.agree(peer)).is_ok(),
            };
            ok += usize::from(good);
            black_box(&buf);
        }
        ok
    }
}
