//! Signed Diffie-Hellman mode (RFC 3830 §3.3): data types 4 and 5.
//!
//! ```text
//! I_MESSAGE = HDR, T, RAND, [IDi|CERTi], [IDr], {SP}, DHi, SIGNi        --->
//!            <---   R_MESSAGE = HDR, T, [IDr|CERTr], IDi, DHr, DHi, SIGNr
//! ```
//!
//! The TGK is `g^(xi·xr)` at the group's width (see [`crate::modp`]); SRTP keys follow
//! RFC 3830 §4.1.3 with the Initiator's RAND. Each side checks the other's SIGN with the
//! key its certificate hook verified, and the peer's DH value range.

use keying_crypto::{Rng, RsaPrivateKeyOps, Symmetric};

use crate::error::{KmError, Rejected};
use crate::hooks::{CertResolver, LocalIdentity};
use crate::modp::DhKeyPair;
use crate::offer::{Kept, MAX_PAYLOADS, Offer, SpStore, push_prefix};
use crate::policy::Policy;
use crate::replay::ReplayCache;
use crate::responder::Accepted;
use crate::srtp::SrtpSas;
use crate::steps::rsa::write_signed;
use crate::steps::{
    self,
    signed::{Authenticated, SignedIn, verified_signer},
};
use crate::wire::ALL_PAYLOADS;
use crate::wire::Payload;
use crate::wire::dh::DhGroup;
use crate::wire::header::{CommonHeader, DataType};
use keying_crypto::Time;

/// The DH Initiator.
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
/// use mikey_core::{DhGroup, DhInitiator, DhResponder};
/// let mut initiator = DhInitiator::new(RustCrypto, policy);
/// let mut responder = DhResponder::new(RustCrypto, policy);
/// let offer = Offer::new(1, &streams, t);
/// let n = initiator.start(now, &offer, DhGroup::Oakley5, &alice, &mut rng, &mut i_msg)?;
/// let trust_alice = PinnedKeys::new(&RustCrypto, [a_spki], &policy)?;
/// let trust_bob = PinnedKeys::new(&RustCrypto, [b_spki], &policy)?;
/// let accepted = responder.handle(now, &i_msg[..n], &bob, &trust_alice, &mut rng, &mut r_msg)?;
/// let m = accepted.reply_len.expect("an R_MESSAGE");
/// initiator.handle_response(now, &r_msg[..m], &trust_bob)?;
/// assert!(initiator.poll_keys().expect("complete")[0].same_keys(&accepted.sas[0]));
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "alloc"))]
/// # fn main() {}
/// ```
pub struct DhInitiator<C> {
    crypto: C,
    policy: Policy,
    kept: Option<Kept>,
    pair: Option<DhKeyPair>,
    sas: Option<SrtpSas>,
}

impl<C> core::fmt::Debug for DhInitiator<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DhInitiator")
            .field("waiting", &self.pair.is_some())
            .finish_non_exhaustive()
    }
}

impl<C: Symmetric> DhInitiator<C> {
    /// A new Initiator.
    pub fn new(crypto: C, policy: Policy) -> Self {
        Self {
            crypto,
            policy,
            kept: None,
            pair: None,
            sas: None,
        }
    }

    /// Builds the signed I_MESSAGE in `group`.
    pub fn start<K: RsaPrivateKeyOps>(
        &mut self,
        now: Time,
        offer: &Offer<'_>,
        group: DhGroup,
        me: &LocalIdentity<'_, K>,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<usize, KmError> {
        let offer = &Offer {
            t: crate::replay::stamp(&offer.t, now, &self.policy.time),
            ..*offer
        };
        if self.pair.is_some() || self.sas.is_some() {
            return Err(KmError::WrongState);
        }
        offer.check()?;
        let mut rand = [0u8; crate::policy::MAX_RAND];
        let rand = offer.fresh_rand(&mut rand, rng)?;
        let pair = DhKeyPair::generate(group, rng)?;
        let store = SpStore::new(offer.policies);
        let mut payloads = heapless::Vec::<Payload<'_>, MAX_PAYLOADS>::new();
        let e = |_| KmError::InvalidArgument("more payloads than an I_MESSAGE holds");
        push_prefix(
            &mut payloads,
            offer.t,
            Some(rand),
            me.id.or(offer.id_i),
            None,
        )?;
        if let Some(c) = me.cert_payload() {
            payloads.push(c).map_err(e)?;
        }
        if let Some(idr) = offer.id_r {
            payloads.push(Payload::Id(idr)).map_err(e)?;
        }
        for sp in store.sps() {
            payloads.push(Payload::Sp(sp)).map_err(e)?;
        }
        payloads
            .push(Payload::Dh(steps::dh_payload(&pair)))
            .map_err(e)?;
        let n = write_signed(
            out,
            &offer.header(DataType::DhInit, false),
            &payloads,
            me.key,
            rng,
            &self.policy,
            &[],
        )?;
        drop(payloads);
        self.kept = Some(Kept::new(
            &Offer {
                id_i: me.id.or(offer.id_i),
                ..*offer
            },
            rand,
        )?);
        self.pair = Some(pair);
        Ok(n)
    }

    /// Handles the R_MESSAGE: the T echo, DHi echo and DHr group first (no key work), then
    /// SIGNr with the Responder's verified key, then the DHr range and the DH agreement. A
    /// rejected message leaves the Initiator waiting.
    pub fn handle_response<R: CertResolver>(
        &mut self,
        now: Time,
        msg: &[u8],
        peers: &R,
    ) -> Result<(), KmError> {
        let (Some(kept), Some(pair)) = (&self.kept, &self.pair) else {
            return Err(KmError::WrongState);
        };
        let s = &self.crypto;
        let m = steps::answer::<_, ALL_PAYLOADS>(s, msg, kept.csb_id, DataType::DhResp, None)?;
        m.check_mode_rules()?;
        // The cheap checks first: the public-key operation comes last.
        steps::response_t(&m, &kept.t, now, &self.policy)?;
        let (dhr, dhi) = steps::dh_values(&m);
        let (Some(dhr), Some(dhi)) = (dhr, dhi) else {
            return Err(KmError::Mismatch);
        };
        if dhi.group != pair.group() || dhi.value != pair.public() || dhr.group != pair.group() {
            return Err(KmError::Mismatch);
        }
        verified_signer(&m, peers, &self.policy, &[])?;
        let sas = steps::dh_initiator_sas(s, kept, pair, dhr.value, self.policy.first_cs_id)?;
        self.sas = Some(sas);
        self.pair = None;
        Ok(())
    }

    /// The SAs once complete.
    pub fn poll_keys(&self) -> Option<&SrtpSas> {
        self.sas.as_ref()
    }
}

/// The DH Responder.
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
/// use mikey_core::{DhGroup, DhInitiator, DhResponder};
/// let mut initiator = DhInitiator::new(RustCrypto, policy);
/// let mut responder = DhResponder::new(RustCrypto, policy);
/// let offer = Offer::new(1, &streams, t);
/// let n = initiator.start(now, &offer, DhGroup::Oakley5, &alice, &mut rng, &mut i_msg)?;
/// let trust_alice = PinnedKeys::new(&RustCrypto, [a_spki], &policy)?;
/// let trust_bob = PinnedKeys::new(&RustCrypto, [b_spki], &policy)?;
/// let accepted = responder.handle(now, &i_msg[..n], &bob, &trust_alice, &mut rng, &mut r_msg)?;
/// let m = accepted.reply_len.expect("an R_MESSAGE");
/// initiator.handle_response(now, &r_msg[..m], &trust_bob)?;
/// assert!(initiator.poll_keys().expect("complete")[0].same_keys(&accepted.sas[0]));
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "alloc"))]
/// # fn main() {}
/// ```
pub struct DhResponder<C, const N: usize = 32, const P: usize = 16> {
    crypto: C,
    policy: Policy,
    cache: ReplayCache<N, P>,
    /// The SAs of the last message accepted, lent to its [`Accepted`].
    sas: SrtpSas,
}

impl<C, const N: usize, const P: usize> core::fmt::Debug for DhResponder<C, N, P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DhResponder")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl<C: Symmetric> DhResponder<C> {
    /// A new Responder.
    ///
    /// The default capacities (`N` = 32 replay-cache entries, `P` = 16 peer counters);
    /// [`DhResponder::with_capacity`] builds others.
    pub fn new(crypto: C, policy: Policy) -> Self {
        Self::with_capacity(crypto, policy)
    }
}

impl<C: Symmetric, const N: usize, const P: usize> DhResponder<C, N, P> {
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

    /// Handles an I_MESSAGE: the PRF, T window, DH group and offered SRTP policies
    /// ([`Policy::check_srtp`]), then the replay lookup, then
    /// SIGNi, then the DH value; answers with the signed R_MESSAGE in `out`. Errors after
    /// SIGNi verified are answered with a SIGNed Error message, earlier ones with an
    /// unsigned one; a replay (or a full replay cache) with none, and no public- or
    /// private-key operation.
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
        let (m, h, t) = steps::receive::<ALL_PAYLOADS>(msg, DataType::DhInit, &self.policy)?;
        let rand = m
            .rand()
            .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Rand))?;
        let (dhi, _) = steps::dh_values(&m);
        let dhi = dhi.ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Dh))?;
        let r = SignedIn::new(s, &h, t, me.key, self.policy);
        let Authenticated { peer_id, seen, .. } = r.authenticate(
            &m,
            msg,
            steps::check_prf_window(&self.policy, h.prf_func, &t, now)
                .and_then(|()| steps::check_dh_group(&self.policy, &dhi))
                .and_then(|()| steps::check_offered_sps(&m, &self.policy)),
            peers,
            b"mikey dh peer",
            &self.cache,
            now,
            out,
        )?;
        let (pair, sas) = match steps::dh_agree(s, &m, &h, &dhi, rand, self.policy.first_cs_id, rng)
        {
            Ok(x) => x,
            Err(e) => return Err(r.fail(e, out, rng)),
        };
        let payloads = steps::dh_resp_payloads(t, me.id, me.cert_payload(), &m, &pair, dhi);
        let header = CommonHeader {
            data_type: DataType::DhResp,
            v: false,
            ..h
        };
        let n = write_signed(out, &header, &payloads, me.key, rng, &self.policy, &[])
            .map_err(Rejected::from)?;
        seen.commit(&mut self.cache)?;
        self.sas = sas;
        Ok(Accepted::new(h.csb_id, &self.sas, Some(n), peer_id))
    }
}
