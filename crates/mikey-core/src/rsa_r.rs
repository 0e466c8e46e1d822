//! MIKEY-RSA-R (RFC 4738): receiver-initiated key transport, data types 9 and 10.
//!
//! ```text
//! Initiator (receiver)                        Responder (sender)
//! I_MESSAGE = HDR(V=1), T, [RAND], [IDi|CERTi], [IDr], {SP}, SIGNi   --->
//!   <---  R_MESSAGE = HDR, [GenExt(CSB_ID)], T, [RAND], [IDr|CERTr], [SP],
//!                     KEMAC, PKE, SIGNr
//! ```
//!
//! The Responder supplies the TGK and the CS ID map. KEMAC = E(encr_key, IDr ‖ {TGK}) ‖
//! MAC over the KEMAC payload; encr_key / auth_key come from the envelope key, which PKE
//! carries encrypted to the Initiator's public key. SIGNr covers the R_MESSAGE up to the
//! signature ‖ IDi ‖ IDr ‖ T (RFC 4738 §3.6); SIGNi covers the I_MESSAGE.
//!
//! **Group** (RFC 4738 §3.2): one Responder serves a group TGK to many receivers that
//! join at different times. The R_MESSAGE then carries a General Extension CSB_ID (the
//! group's CSB ID, used for key derivation instead of the I_MESSAGE's), a mandatory RAND
//! (the group's, used for derivation; an I_MESSAGE RAND is ignored) and SP; the
//! Initiator sends no SP. Every receiver thus derives the sender's TEKs.
//! [`RsaRResponder::rekey_group`] replaces the group TGK, CSB ID and RAND; receivers
//! then run the exchange again (a new I_MESSAGE each) and get the new keys.
//!
//! **Unicast**: exactly one side sends RAND (the Initiator SHOULD); the R_MESSAGE must not
//! carry the CSB_ID extension.

use keying_crypto::{Rng, RsaPrivateKeyOps, SecretBuf, Symmetric};

use crate::error::{KmError, Rejected};
use crate::hooks::{CertResolver, LocalIdentity};
use crate::kdf::KemacKeys;
use crate::offer::{Bundle, MAX_PAYLOADS, SpStore, bundle_sas, push_prefix};
use crate::policy::{MAX_KEMAC_PLAIN, MAX_RAND, Policy};
use crate::protect;
use crate::replay::ReplayCache;
use crate::responder::Accepted;
use crate::srtp::{Keying, MAX_CS, SrtpPolicy, SrtpSas, build_sas};
use crate::steps::key_data::{MAX_TGK, key_data_chain, read_key_data};
use crate::steps::rsa::{self, ENV_KEY_LEN, MAX_RSA_LEN, pke_encrypt, verify_sign, write_signed};
use crate::steps::{
    self,
    signed::{SignedIn, open_envelope, write_kemac_signed},
};
use crate::wire::ALL_PAYLOADS;
use crate::wire::general_ext::{GenExtType, GeneralExtension};
use crate::wire::header::{CommonHeader, CsIdMap, DataType, PrfFunc, SrtpCs};
use crate::wire::id::Id;
use crate::wire::kemac::{EncrAlg, Kemac, MacAlg};
use crate::wire::key_data::KeyValidity;
use crate::wire::list::List;
use crate::wire::message::KemacScope;
use crate::wire::pke::{Pke, PkeCache};
use crate::wire::rand::Rand;
use crate::wire::timestamp::Timestamp;
use crate::wire::{Payload, PayloadType};
use keying_crypto::Time;

/// Unicast or group key establishment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RsaRMode {
    /// One-to-one: the R_MESSAGE has no CSB_ID extension; exactly one side sends RAND.
    Unicast,
    /// Joining a group: the R_MESSAGE carries the group CSB ID, RAND and SP.
    Group,
}

/// What the RSA-R Initiator sends.
#[derive(Debug, Clone, Copy)]
pub struct RsaROffer<'a> {
    /// CSB ID (random).
    pub csb_id: u32,
    /// Timestamp (unique per Initiator).
    pub t: Timestamp,
    /// Unicast or group.
    pub mode: RsaRMode,
    /// Send a RAND (unicast: SHOULD; group: ignored by the Responder).
    pub send_rand: bool,
    /// The streams this side sends (#CS = 0 for a listen-only receiver).
    pub streams: &'a [SrtpCs],
    /// Offered SRTP policies (unicast only; a group Initiator MUST NOT send SP).
    pub policies: &'a [(u8, SrtpPolicy)],
    /// The Responder's identity, sent as IDr, if known.
    pub id_r: Option<Id<'a>>,
    /// PRF func.
    pub prf: PrfFunc,
}

impl<'a> RsaROffer<'a> {
    /// A listen-only offer.
    pub fn new(csb_id: u32, t: Timestamp, mode: RsaRMode) -> Self {
        Self {
            csb_id,
            t,
            mode,
            send_rand: mode == RsaRMode::Unicast,
            streams: &[],
            policies: &[],
            id_r: None,
            prf: PrfFunc::Mikey1,
        }
    }
}

#[derive(Debug, Clone)]
struct Pending {
    csb_id: u32,
    t: Timestamp,
    mode: RsaRMode,
    rand: Option<heapless::Vec<u8, MAX_RAND>>,
    id_i: heapless::Vec<u8, { crate::policy::MAX_ID }>,
    id_r: Option<heapless::Vec<u8, { crate::policy::MAX_ID }>>,
    offered: heapless::Vec<u8, MAX_CS>,
}

/// The RSA-R Initiator (the receiver of the keys).
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
/// use mikey_core::{RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
/// // Bob sends, Alice receives: Alice's I_MESSAGE asks, Bob's R_MESSAGE carries the keys.
/// let mut receiver = RsaRInitiator::new(RustCrypto, policy);
/// let mut sender = RsaRResponder::new(RustCrypto, policy, &streams, &[])?;
/// let offer = RsaROffer::new(1, t, RsaRMode::Unicast);
/// let n = receiver.start(now, &offer, &alice, &mut rng, &mut i_msg)?;
/// let trust_alice = PinnedKeys::new(&RustCrypto, [a_spki], &policy)?;
/// let trust_bob = PinnedKeys::new(&RustCrypto, [b_spki], &policy)?;
/// let accepted = sender.handle(now, &i_msg[..n], &bob, &trust_alice, &mut rng, &mut r_msg)?;
/// let m = accepted.reply_len.expect("an R_MESSAGE");
/// receiver.handle_response(now, &r_msg[..m], &alice, &trust_bob, &mut rng)?;
/// assert!(receiver.poll_keys().is_some());
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "alloc"))]
/// # fn main() {}
/// ```
pub struct RsaRInitiator<C> {
    crypto: C,
    policy: Policy,
    pending: Option<Pending>,
    sas: Option<(u32, SrtpSas)>,
}

impl<C> core::fmt::Debug for RsaRInitiator<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RsaRInitiator")
            .field("pending", &self.pending.is_some())
            .finish_non_exhaustive()
    }
}

/// `IDi ‖ IDr ‖ T` appended to SIGNr (RFC 4738 §3.6).
fn sign_r_extra<'x>(id_i: &'x [u8], id_r: &'x [u8], t: &'x [u8]) -> [&'x [u8]; 3] {
    [id_i, id_r, t]
}

/// What libmikey appends to its SIGNr instead: the R_MESSAGE's own IDr and T
/// ([`Policy::libmikey_compat`]).
fn sign_r_extra_libmikey<'x>(id_r: &'x [u8], t: &'x [u8]) -> [&'x [u8]; 3] {
    [id_r, &[], t]
}

impl<C: Symmetric> RsaRInitiator<C> {
    /// A new Initiator.
    pub fn new(crypto: C, policy: Policy) -> Self {
        Self {
            crypto,
            policy,
            pending: None,
            sas: None,
        }
    }

    /// Builds the signed I_MESSAGE. `me.id` is required (sent as IDi); `me.cert`, if any,
    /// is sent as CERTi.
    pub fn start<K: RsaPrivateKeyOps>(
        &mut self,
        now: Time,
        offer: &RsaROffer<'_>,
        me: &LocalIdentity<'_, K>,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<usize, KmError> {
        let offer = &RsaROffer {
            t: crate::replay::stamp(&offer.t, now, &self.policy.time),
            ..*offer
        };
        if self.pending.is_some() {
            return Err(KmError::WrongState);
        }
        let id_i = me.id.ok_or(KmError::UnknownIdentity)?;
        let mut rand = [0u8; 16];
        let rand_opt = if offer.send_rand {
            rng.fill_bytes(&mut rand).map_err(KmError::Crypto)?;
            Some(&rand[..])
        } else {
            None
        };
        let policies = if offer.mode == RsaRMode::Group {
            &[][..]
        } else {
            offer.policies
        };
        let store = SpStore::new(policies);
        let mut payloads = heapless::Vec::<Payload<'_>, MAX_PAYLOADS>::new();
        push_prefix(&mut payloads, offer.t, rand_opt, Some(id_i), None)?;
        if let Some(c) = me.cert_payload() {
            payloads
                .push(c)
                .map_err(|_| KmError::InvalidArgument("more payloads than an I_MESSAGE holds"))?;
        }
        if let Some(idr) = offer.id_r {
            payloads
                .push(Payload::Id(idr))
                .map_err(|_| KmError::InvalidArgument("more payloads than a message holds"))?;
        }
        for sp in store.sps() {
            payloads
                .push(Payload::Sp(sp))
                .map_err(|_| KmError::InvalidArgument("more payloads than a message holds"))?;
        }
        let header = CommonHeader {
            data_type: DataType::RsaRInit,
            v: true,
            prf_func: offer.prf,
            csb_id: offer.csb_id,
            cs_id_map: CsIdMap::SrtpId(List::Items(offer.streams)),
        };
        let n = write_signed(out, &header, &payloads, me.key, rng, &self.policy, &[])?;
        self.pending = Some(Pending {
            csb_id: offer.csb_id,
            t: offer.t,
            mode: offer.mode,
            rand: rand_opt.map(protect::keep).transpose()?,
            id_i: protect::keep(id_i.data)?,
            id_r: offer.id_r.map(|i| protect::keep(i.data)).transpose()?,
            offered: policies.iter().map(|(n, _)| *n).collect(),
        });
        Ok(n)
    }

    /// Handles the R_MESSAGE: the cheap checks first (PRF, T, RAND / CSB_ID rules, KEMAC
    /// algorithms, the SRTP policies against [`Policy::check_srtp`] and that only offered
    /// ones are used), then SIGNr (with the Responder's key from `peers`), then PKE (own
    /// key `me`), then the KEMAC MAC: a message refused by policy costs no public- or
    /// private-key operation. A rejected message leaves the Initiator waiting; an
    /// R_MESSAGE breaking the RAND / CSB_ID rules is [`KmError::Mismatch`] (RFC 4738 §3.7:
    /// discarded).
    pub fn handle_response<K: RsaPrivateKeyOps, R: CertResolver>(
        &mut self,
        now: Time,
        msg: &[u8],
        me: &LocalIdentity<'_, K>,
        peers: &R,
        rng: &mut dyn Rng,
    ) -> Result<(), KmError> {
        let p = self.pending.as_ref().ok_or(KmError::WrongState)?;
        let s = &self.crypto;
        let m = steps::answer::<_, ALL_PAYLOADS>(s, msg, p.csb_id, DataType::RsaRResp, None)?;
        m.check_mode_rules()?;
        let h = *m.header();
        self.policy.check_prf(h.prf_func)?;
        let libmikey = self.policy.libmikey_compat;
        let t_r = steps::response_t(&m, &p.t, now, &self.policy)?;
        let group_csb = m.payloads().find_map(|x| match x.payload {
            Payload::GeneralExt(g) => g.csb_id(),
            _ => None,
        });
        let r_rand = m.rand();
        let (csb, rand) = match (p.mode, group_csb, r_rand, &p.rand) {
            (RsaRMode::Group, Some(c), Some(r), _) => (c, r),
            (RsaRMode::Unicast, None, Some(r), None) => (h.csb_id, r),
            (RsaRMode::Unicast, None, None, Some(r)) => (h.csb_id, &r[..]),
            // libmikey answers with a RAND of its own but keys with the I_MESSAGE's.
            (RsaRMode::Unicast, None, Some(_), Some(r)) if libmikey => (h.csb_id, &r[..]),
            _ => return Err(KmError::Mismatch),
        };
        let kemac = m
            .kemac()
            .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Kemac))?;
        self.policy.check_encr(kemac.encr_alg)?;
        self.policy.check_mac(kemac.mac_alg)?;
        // A policy that was not offered (when we offered any) is discarded (§3.7).
        if !p.offered.is_empty()
            && m.payloads()
                .any(|x| matches!(x.payload, Payload::Sp(sp) if !p.offered.contains(&sp.policy_no)))
        {
            return Err(KmError::Mismatch);
        }
        // The SRTP policies the Responder chose (RFC 4738 §3.6), as a Responder checks an
        // offer (Policy::check_srtp).
        steps::check_offered_sps(&m, &self.policy)?;
        // SIGNr, before anything touches PKE.
        let id_r = check_sign_r(&m, p, &self.policy, peers, &t_r)?;
        let label = crate::kdf::Derivation::new(h.prf_func, &[], csb, rand);
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
        let mut plain = SecretBuf::new();
        protect::kemac_decrypt_into(
            s,
            kemac.encr_alg,
            &kk,
            csb,
            &t_r,
            kemac.encr_data,
            &mut plain,
        )?;
        let mut teks = heapless::Vec::new();
        let found = read_key_data(plain.expose(), PayloadType::Id, &mut teks)?;
        if let (Some(inner), Some(outer)) = (found.id, id_r)
            && inner.data != outer
        {
            return Err(KmError::Mismatch);
        }
        let sas = build_sas(
            s,
            &crate::srtp::SaInputs {
                prf_func: h.prf_func,
                map: &h.cs_id_map,
                policy_for: |no| crate::srtp::SrtpPolicy::offered_in(&m, no),
                keying: &found.keying,
                csb_id: csb,
                rand,
                kv: &found.kv,
                first_cs_id: self.policy.first_cs_id,
            },
        )?;
        self.sas = Some((csb, sas));
        self.pending = None;
        Ok(())
    }

    /// The SAs and the CSB ID they belong to (the group's in group mode) once complete.
    pub fn poll_keys(&self) -> Option<(u32, &SrtpSas)> {
        self.sas.as_ref().map(|(c, s)| (*c, s))
    }

    /// Forgets a completed exchange so that the Initiator can join again (re-key).
    pub fn reset(&mut self) {
        self.pending = None;
        self.sas = None;
    }
}

/// What a response serves: CSB ID, RAND, TGK, streams, policies, group or not.
type Serving<'a> = (
    u32,
    &'a [u8],
    &'a [u8],
    &'a [SrtpCs],
    &'a [(u8, SrtpPolicy)],
    bool,
);

/// A group served by the Responder: its TGK, CSB ID, RAND, streams and policies.
#[derive(Clone)]
pub struct GroupKeys {
    csb_id: u32,
    tgk: SecretBuf<MAX_TGK>,
    rand: [u8; 16],
    streams: heapless::Vec<SrtpCs, MAX_CS>,
    policies: heapless::Vec<(u8, SrtpPolicy), MAX_CS>,
    generation: u32,
}

impl core::fmt::Debug for GroupKeys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("GroupKeys")
            .field("csb_id", &self.csb_id)
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl GroupKeys {
    /// The group CSB ID.
    pub fn csb_id(&self) -> u32 {
        self.csb_id
    }

    /// How many times the group was re-keyed.
    pub fn generation(&self) -> u32 {
        self.generation
    }
}

/// The RSA-R Responder (the sender of the keys).
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
/// use mikey_core::{RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
/// // Bob sends, Alice receives: Alice's I_MESSAGE asks, Bob's R_MESSAGE carries the keys.
/// let mut receiver = RsaRInitiator::new(RustCrypto, policy);
/// let mut sender = RsaRResponder::new(RustCrypto, policy, &streams, &[])?;
/// let offer = RsaROffer::new(1, t, RsaRMode::Unicast);
/// let n = receiver.start(now, &offer, &alice, &mut rng, &mut i_msg)?;
/// let trust_alice = PinnedKeys::new(&RustCrypto, [a_spki], &policy)?;
/// let trust_bob = PinnedKeys::new(&RustCrypto, [b_spki], &policy)?;
/// let accepted = sender.handle(now, &i_msg[..n], &bob, &trust_alice, &mut rng, &mut r_msg)?;
/// let m = accepted.reply_len.expect("an R_MESSAGE");
/// receiver.handle_response(now, &r_msg[..m], &alice, &trust_bob, &mut rng)?;
/// assert!(receiver.poll_keys().is_some());
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "alloc"))]
/// # fn main() {}
/// ```
pub struct RsaRResponder<C, const N: usize = 32, const P: usize = 16> {
    crypto: C,
    policy: Policy,
    cache: ReplayCache<N, P>,
    /// The SAs of the last message accepted, lent to its [`Accepted`].
    sas: SrtpSas,
    group: Option<GroupKeys>,
    /// KEMAC algorithms used in R_MESSAGEs.
    pub encr: EncrAlg,
    /// KEMAC MAC used in R_MESSAGEs.
    pub mac: MacAlg,
    unicast_streams: heapless::Vec<SrtpCs, MAX_CS>,
    unicast_policies: heapless::Vec<(u8, SrtpPolicy), MAX_CS>,
}

impl<C, const N: usize, const P: usize> core::fmt::Debug for RsaRResponder<C, N, P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RsaRResponder")
            .field("group", &self.group)
            .finish_non_exhaustive()
    }
}

impl<C: Symmetric> RsaRResponder<C> {
    /// A new Responder; `streams` / `policies` describe what it sends to unicast peers.
    ///
    /// The default capacities (`N` = 32 replay-cache entries, `P` = 16 peer counters);
    /// [`RsaRResponder::with_capacity`] builds others.
    pub fn new(
        crypto: C,
        policy: Policy,
        streams: &[SrtpCs],
        policies: &[(u8, SrtpPolicy)],
    ) -> Result<Self, KmError> {
        Self::with_capacity(crypto, policy, streams, policies)
    }
}

impl<C: Symmetric, const N: usize, const P: usize> RsaRResponder<C, N, P> {
    /// A new Responder; `streams` / `policies` describe what it sends to unicast peers.
    pub fn with_capacity(
        crypto: C,
        policy: Policy,
        streams: &[SrtpCs],
        policies: &[(u8, SrtpPolicy)],
    ) -> Result<Self, KmError> {
        Ok(Self {
            crypto,
            policy,
            cache: ReplayCache::new(),
            sas: SrtpSas::new(),
            group: None,
            encr: EncrAlg::AesCm128,
            mac: MacAlg::HmacSha1_160,
            unicast_streams: heapless::Vec::from_slice(streams)
                .map_err(|_| KmError::InvalidArgument("more than MAX_CS streams"))?,
            unicast_policies: heapless::Vec::from_slice(policies)
                .map_err(|_| KmError::InvalidArgument("more than MAX_CS policies"))?,
        })
    }

    /// Starts serving a group: a fresh group TGK (`tgk_len` bytes), CSB ID and RAND.
    pub fn serve_group(
        &mut self,
        streams: &[SrtpCs],
        policies: &[(u8, SrtpPolicy)],
        tgk_len: usize,
        rng: &mut dyn Rng,
    ) -> Result<(), KmError> {
        let mut g = GroupKeys {
            csb_id: 0,
            tgk: SecretBuf::zeroed(tgk_len)
                .map_err(|_| KmError::InvalidArgument("TGK length above MAX_TGK"))?,
            rand: [0; 16],
            streams: heapless::Vec::from_slice(streams)
                .map_err(|_| KmError::InvalidArgument("more than MAX_CS streams"))?,
            policies: heapless::Vec::from_slice(policies)
                .map_err(|_| KmError::InvalidArgument("more than MAX_CS policies"))?,
            generation: 0,
        };
        Self::fresh(&mut g, rng)?;
        self.group = Some(g);
        Ok(())
    }

    fn fresh(g: &mut GroupKeys, rng: &mut dyn Rng) -> Result<(), KmError> {
        let mut csb = [0u8; 4];
        rng.fill_bytes(&mut csb).map_err(KmError::Crypto)?;
        rng.fill_bytes(&mut g.rand).map_err(KmError::Crypto)?;
        rng.fill_bytes(g.tgk.expose_mut())
            .map_err(KmError::Crypto)?;
        g.csb_id = u32::from_be_bytes(csb);
        Ok(())
    }

    /// Re-keys the group: new TGK, CSB ID and RAND. Receivers get the new keys by running
    /// the exchange again.
    pub fn rekey_group(&mut self, rng: &mut dyn Rng) -> Result<(), KmError> {
        let mut g = self.group.clone().ok_or(KmError::WrongState)?;
        Self::fresh(&mut g, rng)?;
        g.generation = g.generation.wrapping_add(1);
        self.group = Some(g);
        Ok(())
    }

    /// The group being served.
    pub fn group(&self) -> Option<&GroupKeys> {
        self.group.as_ref()
    }

    /// The sender's own SAs for the group (what every receiver derives).
    pub fn group_sas(&self) -> Result<SrtpSas, KmError> {
        let g = self.group.as_ref().ok_or(KmError::WrongState)?;
        bundle_sas(
            &self.crypto,
            &Bundle {
                prf: PrfFunc::Mikey1,
                streams: &g.streams,
                policies: &g.policies,
                keying: &Keying::Tgk {
                    tgk: g.tgk.expose(),
                    salt: None,
                },
                csb_id: g.csb_id,
                rand: &g.rand,
                kv: &KeyValidity::Null,
                first_cs_id: self.policy.first_cs_id,
            },
        )
    }

    /// The replay cache.
    pub fn replay_cache(&self) -> &ReplayCache<N, P> {
        &self.cache
    }

    /// Handles an I_MESSAGE: the PRF, T window and (unicast) offered policy numbers, then
    /// the replay lookup, then SIGNi with the Initiator's verified key; then answers
    /// with an R_MESSAGE in `out` (group or unicast per the Responder's configuration and
    /// the absence / presence of a group). `me.id` is required (IDr, first KEMAC
    /// sub-payload). A replay (or a full replay cache) is refused before any public- or
    /// private-key operation, with no Error message; other errors before SIGNi verified
    /// are answered with an unsigned Error message, later ones with a SIGNed one.
    ///
    /// RFC 4738 §3.5: an unparseable message is answered with Error 13 "Unsupported message
    /// type" when its CSB ID and T can be read; here: no reply (nothing to echo reliably),
    /// the typed error says why. A group's keys are derived with the group's PRF (MIKEY-1)
    /// whatever a receiver offered, so that every receiver gets the sender's TEKs.
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
        let (m, h, t) = steps::receive::<ALL_PAYLOADS>(msg, DataType::RsaRInit, &self.policy)?;
        let r = SignedIn::new(s, &h, t, me.key, self.policy);
        // Offered policies (unicast), PRF and T window: cheap checks before any key work;
        // then not a replay, then authenticated.
        let cheap = steps::check_prf_window(&self.policy, h.prf_func, &t, now)
            .and(self.check_offered_policies(&m));
        let a = r.authenticate(
            &m,
            msg,
            cheap,
            peers,
            b"mikey rsa-r peer",
            &self.cache,
            now,
            out,
        )?;
        let (peer, id_i) = (a.key, a.id_i);
        let id_r = me.id.ok_or(KmError::UnknownIdentity)?;
        let i_rand = m.rand();
        let mut own_rand = [0u8; 16];
        let mut unicast_tgk = SecretBuf::<MAX_TGK>::new();
        let (csb, rand, tgk, streams, policies, group) = serving(
            self.group.as_ref(),
            (&self.unicast_streams, &self.unicast_policies),
            h.csb_id,
            i_rand,
            (&mut own_rand, &mut unicast_tgk),
            rng,
        )?;
        let prf = if group { PrfFunc::Mikey1 } else { h.prf_func };
        let sealed = self.seal(
            &peer,
            &Seal {
                prf,
                csb,
                rand,
                t,
                id_r,
                tgk,
            },
            rng,
        )?;
        let store = SpStore::new(policies);
        let csb_bytes = csb.to_be_bytes();
        let payloads = r_message_payloads(&RMessage {
            group_csb: group.then_some(&csb_bytes[..]),
            t,
            rand: (group || i_rand.is_none()).then_some(rand),
            id_r,
            cert: me.cert_payload(),
            sps: &store,
            kemac: sealed.kemac(self.encr, self.mac)?,
            pke: sealed.pke()?,
        })?;
        let len = self.sign_r_message(
            &RSigned {
                header: r_header(prf, h.csb_id, streams),
                payloads: &payloads,
                auth_key: sealed.kk.auth.expose(),
                t,
                id_i,
                id_r,
            },
            me.key,
            rng,
            out,
        )?;
        let sas = bundle_sas(
            s,
            &Bundle {
                prf,
                streams,
                policies,
                keying: &Keying::Tgk { tgk, salt: None },
                csb_id: csb,
                rand,
                kv: &KeyValidity::Null,
                first_cs_id: self.policy.first_cs_id,
            },
        )?;
        // Every fallible step before the commit: a rejected message leaves the cache alone.
        a.seen.commit(&mut self.cache)?;
        self.sas = sas;
        Ok(Accepted::new(csb, &self.sas, Some(len), a.peer_id))
    }
}

impl<C: Symmetric, const N: usize, const P: usize> RsaRResponder<C, N, P> {
    /// Unicast: the Responder answers with its policies only if the Initiator offered them
    /// (when it offered any); RFC 4738 §3.6: none of the offered policies is supported:
    /// Error 10. A cheap check of the I_MESSAGE, made before any key work.
    fn check_offered_policies(&self, m: &crate::wire::message::Message<'_>) -> Result<(), KmError> {
        if self.group.is_some() {
            return Ok(());
        }
        let offered: heapless::Vec<u8, MAX_CS> = m
            .payloads()
            .filter_map(|x| match x.payload {
                Payload::Sp(sp) => Some(sp.policy_no),
                _ => None,
            })
            .collect();
        if !offered.is_empty()
            && self
                .unicast_policies
                .iter()
                .any(|(n, _)| !offered.contains(n))
        {
            Err(KmError::Sp(crate::srtp::SpProblem::Param(0)))
        } else {
            Ok(())
        }
    }

    /// A fresh envelope key, the KEMAC keys derived from it, the key data chain (IDr, TGK)
    /// encrypted under them, and the envelope key encrypted to `peer` (RFC 4738 §3.1).
    fn seal<K: keying_crypto::RsaPublicKeyOps>(
        &self,
        peer: &K,
        x: &Seal<'_>,
        rng: &mut dyn Rng,
    ) -> Result<Sealed, KmError> {
        let s = &self.crypto;
        let mut env =
            SecretBuf::<ENV_KEY_LEN>::zeroed(ENV_KEY_LEN).map_err(|_| KmError::BufferTooSmall {
                needed: ENV_KEY_LEN,
            })?;
        rng.fill_bytes(env.expose_mut()).map_err(KmError::Crypto)?;
        let auth_len = self.policy.auth_key_len(self.mac);
        let encr_len = protect::kemac_encr_key_len(self.encr);
        let label = crate::kdf::Derivation::new(x.prf, env.expose(), x.csb, x.rand);
        let kk = KemacKeys::derive(s, &label, encr_len, auth_len).map_err(KmError::from)?;
        let mut plain = SecretBuf::<MAX_KEMAC_PLAIN>::zeroed(MAX_KEMAC_PLAIN).map_err(|_| {
            KmError::BufferTooSmall {
                needed: MAX_KEMAC_PLAIN,
            }
        })?;
        let n = key_data_chain(Some(&x.id_r), x.tgk, &[], plain.expose_mut())?;
        let n = protect::kemac_encrypt(s, self.encr, &kk, x.csb, &x.t, &mut plain, n)?;
        let mut pke = [0u8; MAX_RSA_LEN];
        let pn = pke_encrypt(peer, rng, self.policy.pke_padding, env.expose(), &mut pke)?;
        Ok(Sealed {
            kk,
            plain,
            n,
            pke,
            pn,
        })
    }
}

/// What the KEMAC and PKE of an R_MESSAGE protect (RFC 4738 §3.1).
struct Seal<'a> {
    prf: PrfFunc,
    csb: u32,
    rand: &'a [u8],
    t: Timestamp,
    id_r: Id<'a>,
    tgk: &'a [u8],
}

/// The sealed KEMAC Encr data (`plain[..n]`), the keys its MAC is computed with, and the
/// envelope key encrypted to the peer (`pke[..pn]`).
struct Sealed {
    kk: KemacKeys,
    plain: SecretBuf<MAX_KEMAC_PLAIN>,
    n: usize,
    pke: [u8; MAX_RSA_LEN],
    pn: usize,
}

/// What an R_MESSAGE carries before its SIGN (RFC 4738 §3.1, §3.6).
struct RMessage<'p> {
    /// The group's CSB ID as a GenExt CSB_ID (group mode only).
    group_csb: Option<&'p [u8]>,
    t: Timestamp,
    /// RAND, when this side sends it.
    rand: Option<&'p [u8]>,
    id_r: Id<'p>,
    cert: Option<Payload<'p>>,
    sps: &'p SpStore,
    kemac: Kemac<'p>,
    pke: &'p [u8],
}

/// The R_MESSAGE payloads up to SIGN: [GenExt CSB_ID], T, [RAND], IDr, [CERT], {SP},
/// KEMAC, PKE.
fn r_message_payloads<'p>(
    r: &RMessage<'p>,
) -> Result<heapless::Vec<Payload<'p>, MAX_PAYLOADS>, KmError> {
    let mut payloads = heapless::Vec::<Payload<'p>, MAX_PAYLOADS>::new();
    let e = |_| KmError::InvalidArgument("more payloads than a message holds");
    if let Some(data) = r.group_csb {
        payloads
            .push(Payload::GeneralExt(GeneralExtension {
                ext_type: GenExtType::CsbId,
                data,
            }))
            .map_err(e)?;
    }
    payloads.push(Payload::Timestamp(r.t)).map_err(e)?;
    if let Some(rand) = r.rand {
        payloads.push(Payload::Rand(Rand { rand })).map_err(e)?;
    }
    payloads.push(Payload::Id(r.id_r)).map_err(e)?;
    if let Some(c) = r.cert {
        payloads.push(c).map_err(e)?;
    }
    for sp in r.sps.sps() {
        payloads.push(Payload::Sp(sp)).map_err(e)?;
    }
    payloads.push(Payload::Kemac(r.kemac)).map_err(e)?;
    payloads
        .push(Payload::Pke(Pke {
            cache: PkeCache::NoCache,
            data: r.pke,
        }))
        .map_err(e)?;
    Ok(payloads)
}

/// What a response serves: the group's keys, or for unicast a fresh 16-byte TGK (in
/// `fresh.1`), the Initiator's RAND or a fresh one (in `fresh.0`) and the unicast streams
/// and policies.
fn serving<'a>(
    group: Option<&'a GroupKeys>,
    unicast: (&'a [SrtpCs], &'a [(u8, SrtpPolicy)]),
    csb_id: u32,
    i_rand: Option<&'a [u8]>,
    fresh: (&'a mut [u8; 16], &'a mut SecretBuf<MAX_TGK>),
    rng: &mut dyn Rng,
) -> Result<Serving<'a>, KmError> {
    if let Some(g) = group {
        return Ok((
            g.csb_id,
            &g.rand,
            g.tgk.expose(),
            &g.streams,
            &g.policies,
            true,
        ));
    }
    let (own_rand, tgk) = fresh;
    *tgk = SecretBuf::zeroed(16).map_err(|_| KmError::BufferTooSmall { needed: 16 })?;
    rng.fill_bytes(tgk.expose_mut()).map_err(KmError::Crypto)?;
    let rand = match i_rand {
        Some(r) => r,
        None => {
            rng.fill_bytes(own_rand).map_err(KmError::Crypto)?;
            &own_rand[..]
        }
    };
    Ok((csb_id, rand, tgk.expose(), unicast.0, unicast.1, false))
}

/// An R_MESSAGE ready for its KEMAC MAC and SIGN (RFC 4738 §3.6).
struct RSigned<'a> {
    header: CommonHeader<'a>,
    payloads: &'a [Payload<'a>],
    auth_key: &'a [u8],
    /// The I_MESSAGE's T, IDi and this side's IDr: appended to the signed bytes.
    t: Timestamp,
    id_i: Option<&'a [u8]>,
    id_r: Id<'a>,
}

impl<C: Symmetric, const N: usize, const P: usize> RsaRResponder<C, N, P> {
    /// Writes the R_MESSAGE into `out`: the KEMAC MAC first, then SIGNr over the message ‖
    /// IDi ‖ IDr ‖ T (RFC 4738 §3.6; IDr ‖ T with [`Policy::libmikey_compat`]).
    fn sign_r_message<K: RsaPrivateKeyOps>(
        &self,
        r: &RSigned<'_>,
        key: &K,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<usize, KmError> {
        let (tb, tl) = protect::ts_bytes(&r.t);
        let t_bytes = tb.get(..tl).unwrap_or(&[]);
        let extra = if self.policy.libmikey_compat {
            sign_r_extra_libmikey(r.id_r.data, t_bytes)
        } else {
            sign_r_extra(r.id_i.unwrap_or(&[]), r.id_r.data, t_bytes)
        };
        write_kemac_signed(
            &self.crypto,
            out,
            &r.header,
            r.payloads,
            self.mac,
            r.auth_key,
            key,
            rng,
            &self.policy,
            &extra,
        )
    }
}

impl Sealed {
    /// The KEMAC payload: the sealed Encr data and a zero MAC of `mac`'s length, filled in
    /// when the message is written.
    fn kemac(&self, encr_alg: EncrAlg, mac_alg: MacAlg) -> Result<Kemac<'_>, KmError> {
        const ZERO: [u8; 32] = [0; 32];
        let mac_len = mac_alg.mac_len().ok_or(KmError::MacRefused(mac_alg))?;
        Ok(Kemac {
            encr_alg,
            encr_data: self
                .plain
                .expose()
                .get(..self.n)
                .ok_or(KmError::BufferTooSmall { needed: self.n })?,
            mac_alg,
            mac: ZERO
                .get(..mac_len)
                .ok_or(KmError::BufferTooSmall { needed: mac_len })?,
        })
    }

    /// The PKE payload's data: the envelope key encrypted to the peer.
    fn pke(&self) -> Result<&[u8], KmError> {
        self.pke
            .get(..self.pn)
            .ok_or(KmError::BufferTooSmall { needed: self.pn })
    }
}

/// The R_MESSAGE's common header: the PRF and CS ID map it keys with, the I_MESSAGE's CSB ID.
fn r_header(prf: PrfFunc, csb_id: u32, streams: &[SrtpCs]) -> CommonHeader<'_> {
    CommonHeader {
        data_type: DataType::RsaRResp,
        v: false,
        prf_func: prf,
        csb_id,
        cs_id_map: CsIdMap::SrtpId(List::Items(streams)),
    }
}

/// Verifies the R_MESSAGE's SIGNr (RFC 4738 §3.2) under the key `peers` vouches for (its
/// CERT, IDr or the IDr the Initiator named); returns the IDr the message carries.
fn check_sign_r<'m, R: CertResolver>(
    m: &crate::wire::message::Message<'m>,
    p: &Pending,
    policy: &Policy,
    peers: &R,
    t_r: &Timestamp,
) -> Result<Option<&'m [u8]>, KmError> {
    let libmikey = policy.libmikey_compat;
    let (cert, id_r) = rsa::cert_and_id(m);
    let peer = peers.verified_key(cert.as_ref(), id_r.or(p.id_r.as_deref()))?;
    let (tb, tl) = protect::ts_bytes(t_r);
    let t_bytes = tb.get(..tl).unwrap_or(&[]);
    let id_r_sig = id_r.or(p.id_r.as_deref()).unwrap_or(&[]);
    match verify_sign(m, &peer, policy, &sign_r_extra(&p.id_i, id_r_sig, t_bytes)) {
        Err(KmError::AuthFailed) if libmikey => {
            verify_sign(m, &peer, policy, &sign_r_extra_libmikey(id_r_sig, t_bytes))?
        }
        r => r?,
    }
    Ok(id_r)
}
