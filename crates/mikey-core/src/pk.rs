//! Public-key transport mode (RFC 3830 §3.2): data types 2 and 3.
//!
//! ```text
//! I_MESSAGE = HDR, T, RAND, [IDi|CERTi], [IDr], {SP}, KEMAC, [CHASH], PKE, SIGNi  --->
//!                            <---   R_MESSAGE = HDR, T, [IDr], V    (only if V = 1)
//! ```
//!
//! KEMAC = E(encr_key, IDi ‖ {TGK}) ‖ MAC over the KEMAC payload; encr_key / auth_key /
//! salt_key come from the envelope key, which PKE carries encrypted to the Responder's
//! public key (RSAES-PKCS1-v1_5 per RFC 3830, or OAEP by policy). The Responder checks
//! SIGNi **before** decrypting PKE, and reports a PKE failure exactly like a MAC failure.

pub use crate::hooks::{CertResolver, LocalIdentity};
#[cfg(feature = "alloc")]
pub use crate::hooks::{PinnedKeys, certificate_spki};
pub use crate::steps::rsa::{ENV_KEY_LEN, MAX_RSA_LEN, scheme};

use keying_crypto::{Rng, RsaPrivateKeyOps, RsaPublicKeyOps, SecretBuf, Symmetric};

use crate::error::{KmError, Rejected};
use crate::kdf::{KemacKeys, MAX_OUT};
use crate::offer::{Kept, MAX_PAYLOADS, Offer, SpStore, push_prefix};
use crate::policy::{MAX_ID, MAX_KEMAC_PLAIN, MAX_RAND, Policy};
use crate::protect;
use crate::replay::{ReplayCache, check_window};
use crate::responder::Accepted;
use crate::srtp::{Keying, SrtpSas, build_sas};
use crate::steps::key_data::{MAX_TGK, key_data_chain, read_key_data, tgk_len_for};
use crate::steps::rsa::{self, pke_encrypt};
use crate::steps::{
    self,
    signed::{Authenticated, SignedIn, open_envelope, write_kemac_signed},
};
use crate::wire::ALL_PAYLOADS;
use crate::wire::chash::{Chash, HashFunc};
use crate::wire::header::{CommonHeader, DataType};
use crate::wire::id::Id;
use crate::wire::kemac::{Kemac, MacAlg};
use crate::wire::key_data::KeyValidity;
use crate::wire::message::{KemacScope, Message};
use crate::wire::pke::{Pke, PkeCache};
use crate::wire::timestamp::Timestamp;
use crate::wire::{Payload, PayloadType};
use keying_crypto::Digest;
use keying_crypto::Time;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Await,
    Complete,
}

/// The PK Initiator.
///
/// # Example
///
/// ```
/// # #[cfg(feature = "alloc")]
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # use mikey_core::keying_crypto::rustcrypto::{HashDrbg, RsaPrivate, RsaPublic, RustCrypto};
/// # use mikey_core::{Id, IdType, LocalIdentity, PinnedKeys, Policy, SrtpCs, Time};
/// # use mikey_core::{Offer, Timestamp, TsType};
/// let a_key = RsaPrivate::from_pkcs1_der(include_bytes!("../../../tests/vectors/mikey/rsa2048_recv1.pkcs1.der"))?;
/// let b_key = RsaPrivate::from_pkcs1_der(include_bytes!("../../../tests/vectors/mikey/rsa2048_sender.pkcs1.der"))?;
/// let a_cert: &[u8] = include_bytes!("../../../tests/vectors/mikey/rsa2048_recv1.cert.der");
/// let b_cert: &[u8] = include_bytes!("../../../tests/vectors/mikey/rsa2048_sender.cert.der");
/// let a_spki: &[u8] = include_bytes!("../../../tests/vectors/mikey/rsa2048_recv1.spki.der");
/// let b_spki: &[u8] = include_bytes!("../../../tests/vectors/mikey/rsa2048_sender.spki.der");
/// let alice = LocalIdentity { key: &a_key, cert: Some(a_cert),
///     id: Some(Id { id_type: IdType::Uri, data: b"sip:alice@example.com" }) };
/// let bob = LocalIdentity { key: &b_key, cert: Some(b_cert),
///     id: Some(Id { id_type: IdType::Uri, data: b"sip:bob@example.com" }) };
/// let policy = Policy::default();
/// let now = Time::from_unix_secs(1_763_856_000);
/// let streams = [SrtpCs { policy_no: 0, ssrc: 0xdead_beef, roc: 0 }];
/// let t = Timestamp { ts_type: TsType::NtpUtc, value: 0 };
/// let mut rng = HashDrbg::new(&[3; 32]);
/// let (mut i_msg, mut r_msg) = ([0u8; 2048], [0u8; 2048]);
/// use mikey_core::{PkInitiator, PkResponder};
/// let mut initiator = PkInitiator::new(RustCrypto, policy);
/// let mut responder = PkResponder::new(RustCrypto, policy);
/// let bob_pub = RsaPublic::from_spki_der(b_spki)?;
/// let offer = Offer::new(1, &streams, t);
/// let n = initiator.start(now, &offer, &alice, &bob_pub, Some(b_cert), &mut rng, &mut i_msg)?;
/// let trust_alice = PinnedKeys::new(&RustCrypto, [a_spki], &policy)?;
/// let accepted = responder.handle(now, &i_msg[..n], &bob, &trust_alice, &mut rng, &mut r_msg)?;
/// assert!(initiator.poll_keys().expect("complete")[0].same_keys(&accepted.sas[0]));
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "alloc"))]
/// # fn main() {}
/// ```
pub struct PkInitiator<C> {
    crypto: C,
    policy: Policy,
    state: State,
    csb_id: u32,
    t: Timestamp,
    mac: MacAlg,
    id_i: heapless::Vec<u8, MAX_ID>,
    auth_key: SecretBuf<MAX_OUT>,
    sas: SrtpSas,
}

impl<C> core::fmt::Debug for PkInitiator<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PkInitiator")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl<C: Symmetric> PkInitiator<C> {
    /// A new Initiator.
    pub fn new(crypto: C, policy: Policy) -> Self {
        Self {
            crypto,
            policy,
            state: State::Idle,
            csb_id: 0,
            t: Timestamp {
                ts_type: crate::wire::timestamp::TsType::Counter,
                value: 0,
            },
            mac: MacAlg::HmacSha1_160,
            id_i: heapless::Vec::new(),
            auth_key: SecretBuf::new(),
            sas: SrtpSas::new(),
        }
    }

    /// Builds the signed I_MESSAGE: `me` signs and is named by IDi (required) / CERTi;
    /// `responder` is the Responder's verified public key, `responder_cert` its
    /// certificate (hashed into a CHASH payload as [`Policy::chash`] says, when given).
    #[allow(clippy::too_many_arguments)]
    pub fn start<K: RsaPrivateKeyOps, P: RsaPublicKeyOps>(
        &mut self,
        now: Time,
        offer: &Offer<'_>,
        me: &LocalIdentity<'_, K>,
        responder: &P,
        responder_cert: Option<&[u8]>,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<usize, KmError> {
        let offer = &Offer {
            t: crate::replay::stamp(&offer.t, now, &self.policy.time),
            ..*offer
        };
        if self.state != State::Idle {
            return Err(KmError::WrongState);
        }
        offer.check()?;
        let s = &self.crypto;
        let id_i = me.id.or(offer.id_i).ok_or(KmError::UnknownIdentity)?;
        let mut rand = [0u8; MAX_RAND];
        let rand = offer.fresh_rand(&mut rand, rng)?;
        let overhead = 4
            + 4
            + id_i.data.len()
            + if offer.mki.is_empty() {
                0
            } else {
                1 + offer.mki.len()
            };
        let tgk_len = tgk_len_for(offer.encr, offer.tgk_len, overhead);
        let mut tgk = SecretBuf::<MAX_TGK>::zeroed(tgk_len)
            .map_err(|_| KmError::InvalidArgument("TGK length above MAX_TGK"))?;
        rng.fill_bytes(tgk.expose_mut()).map_err(KmError::Crypto)?;
        let (env, kk) = envelope_keys(s, &self.policy, offer, rand, rng)?;
        let mut plain = SecretBuf::<MAX_KEMAC_PLAIN>::zeroed(MAX_KEMAC_PLAIN).map_err(|_| {
            KmError::BufferTooSmall {
                needed: MAX_KEMAC_PLAIN,
            }
        })?;
        let n = key_data_chain(Some(&id_i), tgk.expose(), offer.mki, plain.expose_mut())?;
        let n = protect::kemac_encrypt(s, offer.encr, &kk, offer.csb_id, &offer.t, &mut plain, n)?;
        let mut pke_buf = [0u8; MAX_RSA_LEN];
        let pn = pke_encrypt(
            responder,
            rng,
            self.policy.pke_padding,
            env.expose(),
            &mut pke_buf,
        )?;
        let hash = chash_of(s, &self.policy, responder_cert)?;
        let store = SpStore::new(offer.policies);
        let payloads = i_payloads(&IPayloads {
            offer,
            rand,
            id_i,
            cert: me.cert_payload(),
            sps: &store,
            encr_data: (plain.expose(), n),
            hash: hash.as_ref().map(|(f, d)| (*f, d.as_bytes())),
            pke: (&pke_buf, pn),
        })?;
        let header = offer.header(DataType::PkInit, offer.verification);
        let len = write_kemac_signed(
            s,
            out,
            &header,
            &payloads,
            offer.mac,
            kk.auth.expose(),
            me.key,
            rng,
            &self.policy,
            &[],
        )?;
        let sas = offer_sas(s, offer, rand, tgk.expose(), self.policy.first_cs_id)?;
        let kept_id_i = protect::keep(id_i.data)?;
        // Commit.
        self.csb_id = offer.csb_id;
        self.t = offer.t;
        self.mac = offer.mac;
        self.id_i = kept_id_i;
        self.auth_key = kk.auth.clone();
        self.sas = sas;
        self.state = if offer.verification {
            State::Await
        } else {
            State::Complete
        };
        Ok(len)
    }

    /// Handles the verification message (data type 3) or an Error message.
    pub fn handle_response(&mut self, now: Time, msg: &[u8]) -> Result<(), KmError> {
        if self.state != State::Await {
            return Err(KmError::WrongState);
        }
        let s = &self.crypto;
        let m = steps::answer::<_, ALL_PAYLOADS>(s, msg, self.csb_id, DataType::PkResp, None)?;
        m.check_mode_rules()?;
        steps::check_verification(
            s,
            &m,
            self.mac,
            self.auth_key.expose(),
            &self.id_i,
            &self.t,
            self.policy.libmikey_compat,
        )?;
        steps::response_t(&m, &self.t, now, &self.policy)?;
        self.state = State::Complete;
        Ok(())
    }

    /// The SAs once complete.
    pub fn poll_keys(&self) -> Option<&SrtpSas> {
        (self.state == State::Complete).then_some(&self.sas)
    }
}

/// The PK Responder.
///
/// # Example
///
/// ```
/// # #[cfg(feature = "alloc")]
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # use mikey_core::keying_crypto::rustcrypto::{HashDrbg, RsaPrivate, RsaPublic, RustCrypto};
/// # use mikey_core::{Id, IdType, LocalIdentity, PinnedKeys, Policy, SrtpCs, Time};
/// # use mikey_core::{Offer, Timestamp, TsType};
/// let a_key = RsaPrivate::from_pkcs1_der(include_bytes!("../../../tests/vectors/mikey/rsa2048_recv1.pkcs1.der"))?;
/// let b_key = RsaPrivate::from_pkcs1_der(include_bytes!("../../../tests/vectors/mikey/rsa2048_sender.pkcs1.der"))?;
/// let a_cert: &[u8] = include_bytes!("../../../tests/vectors/mikey/rsa2048_recv1.cert.der");
/// let b_cert: &[u8] = include_bytes!("../../../tests/vectors/mikey/rsa2048_sender.cert.der");
/// let a_spki: &[u8] = include_bytes!("../../../tests/vectors/mikey/rsa2048_recv1.spki.der");
/// let b_spki: &[u8] = include_bytes!("../../../tests/vectors/mikey/rsa2048_sender.spki.der");
/// let alice = LocalIdentity { key: &a_key, cert: Some(a_cert),
///     id: Some(Id { id_type: IdType::Uri, data: b"sip:alice@example.com" }) };
/// let bob = LocalIdentity { key: &b_key, cert: Some(b_cert),
///     id: Some(Id { id_type: IdType::Uri, data: b"sip:bob@example.com" }) };
/// let policy = Policy::default();
/// let now = Time::from_unix_secs(1_763_856_000);
/// let streams = [SrtpCs { policy_no: 0, ssrc: 0xdead_beef, roc: 0 }];
/// let t = Timestamp { ts_type: TsType::NtpUtc, value: 0 };
/// let mut rng = HashDrbg::new(&[3; 32]);
/// let (mut i_msg, mut r_msg) = ([0u8; 2048], [0u8; 2048]);
/// use mikey_core::{PkInitiator, PkResponder};
/// let mut initiator = PkInitiator::new(RustCrypto, policy);
/// let mut responder = PkResponder::new(RustCrypto, policy);
/// let bob_pub = RsaPublic::from_spki_der(b_spki)?;
/// let offer = Offer::new(1, &streams, t);
/// let n = initiator.start(now, &offer, &alice, &bob_pub, Some(b_cert), &mut rng, &mut i_msg)?;
/// let trust_alice = PinnedKeys::new(&RustCrypto, [a_spki], &policy)?;
/// let accepted = responder.handle(now, &i_msg[..n], &bob, &trust_alice, &mut rng, &mut r_msg)?;
/// assert!(initiator.poll_keys().expect("complete")[0].same_keys(&accepted.sas[0]));
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "alloc"))]
/// # fn main() {}
/// ```
pub struct PkResponder<C, const N: usize = 32, const P: usize = 16> {
    crypto: C,
    policy: Policy,
    cache: ReplayCache<N, P>,
    /// The SAs of the last message accepted, lent to its [`Accepted`].
    sas: SrtpSas,
}

impl<C, const N: usize, const P: usize> core::fmt::Debug for PkResponder<C, N, P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PkResponder")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl<C: Symmetric> PkResponder<C> {
    /// A new Responder.
    ///
    /// The default capacities (`N` = 32 replay-cache entries, `P` = 16 peer counters);
    /// [`PkResponder::with_capacity`] builds others.
    pub fn new(crypto: C, policy: Policy) -> Self {
        Self::with_capacity(crypto, policy)
    }
}

impl<C: Symmetric, const N: usize, const P: usize> PkResponder<C, N, P> {
    /// A new Responder.
    pub fn with_capacity(crypto: C, policy: Policy) -> Self {
        Self {
            crypto,
            policy,
            cache: ReplayCache::new(),
            sas: SrtpSas::new(),
        }
    }

    /// The replay cache.
    pub fn replay_cache(&self) -> &ReplayCache<N, P> {
        &self.cache
    }

    /// Handles an I_MESSAGE: the policy, T window and CHASH checks, then the replay
    /// lookup, then SIGNi (Initiator's key from `peers`), then PKE (own key), then the
    /// KEMAC MAC. Errors before SIGNi verified are answered with an unsigned Error message
    /// in `out`, later ones with a SIGNed one; a replay (or a full replay cache) with
    /// none, and no public- or private-key operation.
    pub fn handle<K: RsaPrivateKeyOps, R: CertResolver>(
        &mut self,
        now: Time,
        msg: &[u8],
        me: &LocalIdentity<'_, K>,
        peers: &R,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<Accepted<'_>, Rejected> {
        self.sas.clear();
        let s = &self.crypto;
        let (m, h, t) = steps::receive::<ALL_PAYLOADS>(msg, DataType::PkInit, &self.policy)?;
        let r = SignedIn::new(s, &h, t, me.key, self.policy);
        let rand = m
            .rand()
            .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Rand))?;
        let kemac = m
            .kemac()
            .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Kemac))?;
        let checks = (|| {
            self.policy.check_prf(h.prf_func)?;
            self.policy.check_mac(kemac.mac_alg)?;
            self.policy.check_encr(kemac.encr_alg)?;
            check_window(&t, now, &self.policy.time)?;
            steps::check_offered_sps(&m, &self.policy)?;
            rsa::check_chash(s, &m, me.cert)
        })();
        let Authenticated {
            id_i,
            peer_id,
            seen,
            ..
        } = r.authenticate(
            &m,
            msg,
            checks,
            peers,
            b"mikey pk peer",
            &self.cache,
            now,
            out,
        )?;
        let result = (|| -> Result<(SrtpSas, KemacKeys), KmError> {
            let label = crate::kdf::Derivation::new(h.prf_func, &[], h.csb_id, rand);
            let kk = open_envelope(s, &m, me.key, rng, &self.policy, &label)?;
            let cov = m
                .kemac_covered()
                .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Kemac))?;
            protect::verify_mac(
                s,
                kemac.mac_alg,
                kk.auth.expose(),
                &cov.input(KemacScope::Payload),
                kemac.mac,
            )?;
            let i = PkIn {
                m: &m,
                h: &h,
                t: &t,
                rand,
                kemac: &kemac,
                id_i,
            };
            let sas = sas_of(s, &self.policy, &i, &kk)?;
            Ok((sas, kk))
        })();
        let (sas, kk) = match result {
            Ok(x) => x,
            Err(e) => return Err(r.fail(e, out, rng)),
        };
        let reply_len = if h.v {
            Some(
                steps::write_verification(
                    s,
                    out,
                    m.header_bytes(),
                    DataType::PkResp,
                    t,
                    id_i,
                    me.id,
                    kemac.mac_alg,
                    kk.auth.expose(),
                    self.policy.libmikey_compat,
                )
                .map_err(Rejected::from)?,
            )
        } else {
            None
        };
        seen.commit(&mut self.cache)?;
        self.sas = sas;
        Ok(Accepted::new(h.csb_id, &self.sas, reply_len, peer_id))
    }
}

/// A fresh envelope key from `rng` and the KEMAC keys derived from it (RFC 3830 §3.2).
fn envelope_keys<S: Symmetric + ?Sized>(
    s: &S,
    policy: &Policy,
    offer: &Offer<'_>,
    rand: &[u8],
    rng: &mut dyn Rng,
) -> Result<(SecretBuf<ENV_KEY_LEN>, KemacKeys), KmError> {
    let mut env =
        SecretBuf::<ENV_KEY_LEN>::zeroed(ENV_KEY_LEN).map_err(|_| KmError::BufferTooSmall {
            needed: ENV_KEY_LEN,
        })?;
    rng.fill_bytes(env.expose_mut()).map_err(KmError::Crypto)?;
    let auth_len = policy.auth_key_len(offer.mac);
    let encr_len = protect::kemac_encr_key_len(offer.encr);
    let label = crate::kdf::Derivation::new(offer.prf, env.expose(), offer.csb_id, rand);
    let kk = KemacKeys::derive(s, &label, encr_len, auth_len)?;
    Ok((env, kk))
}

/// The SAs of `offer` keyed by `tgk`, as the Responder will derive them.
fn offer_sas<S: Symmetric + ?Sized>(
    s: &S,
    offer: &Offer<'_>,
    rand: &[u8],
    tgk: &[u8],
    first_cs_id: u8,
) -> Result<SrtpSas, KmError> {
    let kept = Kept::new(offer, rand)?;
    let kv = if offer.mki.is_empty() {
        KeyValidity::Null
    } else {
        KeyValidity::Spi(offer.mki)
    };
    kept.sas(s, &Keying::Tgk { tgk, salt: None }, rand, &kv, first_cs_id)
}

/// The CHASH of the Responder's certificate, as [`Policy::chash`] asks (RFC 3830 §6.11).
fn chash_of<S: Symmetric + ?Sized>(
    s: &S,
    policy: &Policy,
    responder_cert: Option<&[u8]>,
) -> Result<Option<(HashFunc, Digest)>, KmError> {
    match (policy.chash, responder_cert) {
        (Some(func), Some(cert)) => {
            let alg = rsa::chash_alg(func).ok_or(KmError::HashRefused)?;
            let d = s.hash(alg, &[cert]).checked(alg);
            Ok(Some((func, d.map_err(|_| KmError::HashRefused)?)))
        }
        _ => Ok(None),
    }
}

/// What the PK I_MESSAGE carries besides its header; `(buffer, length)` pairs for the
/// Encr data and the PKE data.
struct IPayloads<'p> {
    offer: &'p Offer<'p>,
    rand: &'p [u8],
    id_i: Id<'p>,
    cert: Option<Payload<'p>>,
    sps: &'p SpStore,
    encr_data: (&'p [u8], usize),
    hash: Option<(HashFunc, &'p [u8])>,
    pke: (&'p [u8], usize),
}

/// The PK I_MESSAGE's payloads: `T, RAND, IDi, [CERTi], [IDr], {SP}, KEMAC, [CHASH], PKE`
/// (RFC 3830 §3.2), the KEMAC's MAC zero (filled once the message is written).
fn i_payloads<'p>(p: &IPayloads<'p>) -> Result<heapless::Vec<Payload<'p>, MAX_PAYLOADS>, KmError> {
    let offer = p.offer;
    let zero: &'static [u8; 32] = &[0; 32];
    let mac_len = offer.mac.mac_len().ok_or(KmError::MacRefused(offer.mac))?;
    let mut payloads = heapless::Vec::<Payload<'_>, MAX_PAYLOADS>::new();
    let e = |_| KmError::InvalidArgument("more payloads than a message holds");
    push_prefix(&mut payloads, offer.t, Some(p.rand), Some(p.id_i), None)?;
    if let Some(c) = p.cert {
        payloads.push(c).map_err(e)?;
    }
    if let Some(idr) = offer.id_r {
        payloads.push(Payload::Id(idr)).map_err(e)?;
    }
    for sp in p.sps.sps() {
        payloads.push(Payload::Sp(sp)).map_err(e)?;
    }
    let (encr, n) = p.encr_data;
    payloads
        .push(Payload::Kemac(Kemac {
            encr_alg: offer.encr,
            encr_data: encr.get(..n).ok_or(KmError::BufferTooSmall { needed: n })?,
            mac_alg: offer.mac,
            mac: zero
                .get(..mac_len)
                .ok_or(KmError::BufferTooSmall { needed: mac_len })?,
        }))
        .map_err(e)?;
    if let Some((hash_func, hash)) = p.hash {
        payloads
            .push(Payload::Chash(Chash { hash_func, hash }))
            .map_err(e)?;
    }
    let (pke, pn) = p.pke;
    payloads
        .push(Payload::Pke(Pke {
            cache: PkeCache::NoCache,
            data: pke
                .get(..pn)
                .ok_or(KmError::BufferTooSmall { needed: pn })?,
        }))
        .map_err(e)?;
    Ok(payloads)
}

/// An authenticated PK I_MESSAGE as [`sas_of`] reads it.
struct PkIn<'a> {
    m: &'a Message<'a>,
    h: &'a CommonHeader<'a>,
    t: &'a Timestamp,
    rand: &'a [u8],
    kemac: &'a Kemac<'a>,
    id_i: Option<&'a [u8]>,
}

/// The key data of an authenticated PK I_MESSAGE, decrypted under `kk` (its IDi, when it
/// carries one, must be the message's), and the SAs derived from it.
fn sas_of<S: Symmetric + ?Sized>(
    s: &S,
    policy: &Policy,
    i: &PkIn<'_>,
    kk: &KemacKeys,
) -> Result<SrtpSas, KmError> {
    let (h, kemac) = (i.h, i.kemac);
    let mut plain = SecretBuf::new();
    protect::kemac_decrypt_into(
        s,
        kemac.encr_alg,
        kk,
        h.csb_id,
        i.t,
        kemac.encr_data,
        &mut plain,
    )?;
    let mut teks = heapless::Vec::new();
    let found = read_key_data(plain.expose(), PayloadType::Id, &mut teks)?;
    if let (Some(inner), Some(outer)) = (found.id, i.id_i)
        && inner.data != outer
    {
        return Err(KmError::Mismatch);
    }
    let sas = build_sas(
        s,
        &crate::srtp::SaInputs {
            prf_func: h.prf_func,
            map: &h.cs_id_map,
            policy_for: |no| crate::srtp::SrtpPolicy::offered_in(i.m, no),
            keying: &found.keying,
            csb_id: h.csb_id,
            rand: i.rand,
            kv: &found.kv,
            first_cs_id: policy.first_cs_id,
        },
    )?;
    Ok(sas)
}
