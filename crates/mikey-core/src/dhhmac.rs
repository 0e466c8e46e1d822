//! HMAC-authenticated Diffie-Hellman (DHHMAC, RFC 4650): data types 7 and 8.
//!
//! ```text
//! I_MESSAGE = HDR, T, RAND, [IDi], [IDr], {SP}, DHi, KEMAC       --->
//!                  <---   R_MESSAGE = HDR, T, [IDr], IDi, DHr, DHi, KEMAC
//! ```
//!
//! KEMAC carries no key data (Encr alg NULL, empty Encr data) and the MAC over the whole
//! message up to the MAC, keyed by the auth_key derived from the PSK with the Initiator's
//! RAND and the CSB ID (RFC 4650 §3, citing RFC 3830 §4.1.4). The TGK is `g^(xi·xr)`
//! at the group's width; SRTP keys follow RFC 3830 §4.1.3 with the Initiator's RAND.

use keying_crypto::{Rng, SecretBuf, Symmetric};

use crate::error::Error;
use crate::error::{KmError, Rejected};
use crate::hooks::KeyResolver;
use crate::kdf::{KemacKeys, MAX_OUT};
use crate::modp::DhKeyPair;
use crate::offer::{Kept, MAX_PAYLOADS, Offer, PayloadSink, SpStore, push_prefix};
use crate::policy::Policy;
use crate::protect::{self, OwnedId, VKey};
use crate::replay::{ReplayCache, check_window};
use crate::responder::Accepted;
use crate::srtp::SrtpSas;
use crate::steps::key_data::fill_kemac_mac;
use crate::steps::{self, Reply, Seen};
use crate::wire::ALL_PAYLOADS;
use crate::wire::dh::DhGroup;
use crate::wire::header::{CommonHeader, DataType};
use crate::wire::id::Id;
use crate::wire::kemac::{EncrAlg, Kemac, MacAlg};
use crate::wire::message::{KemacScope, MessageWriter};
use crate::wire::timestamp::Timestamp;
use crate::wire::{Payload, PayloadType};
use keying_crypto::Time;

/// Writes a message ending with a NULL-encrypted, empty KEMAC whose MAC covers the whole
/// message.
fn write_with_kemac<S: Symmetric + ?Sized>(
    s: &S,
    out: &mut [u8],
    header: &CommonHeader<'_>,
    payloads: &mut heapless::Vec<Payload<'_>, MAX_PAYLOADS>,
    mac_alg: crate::wire::kemac::MacAlg,
    auth_key: &[u8],
) -> Result<usize, KmError> {
    let zero = [0u8; 32];
    let mac_len = mac_alg.mac_len().ok_or(KmError::MacRefused(mac_alg))?;
    let kemac = Payload::Kemac(Kemac {
        encr_alg: EncrAlg::Null,
        encr_data: &[],
        mac_alg,
        mac: zero
            .get(..mac_len)
            .ok_or(KmError::BufferTooSmall { needed: mac_len })?,
    });
    let n = {
        let mut w = MessageWriter::new(out, header);
        for p in payloads.iter() {
            w.push(p);
        }
        w.push(&kemac);
        w.finish().map_err(KmError::from)?
    };
    fill_kemac_mac(s, out, n, mac_alg, auth_key, KemacScope::Message)?;
    Ok(n)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Await,
    Complete,
}

/// The DHHMAC Initiator.
///
/// # Example
///
/// ```
/// use mikey_core::keying_crypto::rustcrypto::{HashDrbg, RustCrypto};
/// use mikey_core::{DhGroup, DhHmacInitiator, DhHmacResponder, Offer, Policy, SrtpCs};
/// use mikey_core::{StaticPsk, Time, Timestamp, TsType};
///
/// let now = Time::from_unix_secs(1_763_856_000);
/// let psk = b"a pre-shared key of 20 bytes";
/// let streams = [SrtpCs { policy_no: 0, ssrc: 0xdead_beef, roc: 0 }];
/// let t = Timestamp { ts_type: TsType::NtpUtc, value: 0 };
/// let offer = Offer::new(0x1234_5678, &streams, t);
/// let mut initiator = DhHmacInitiator::new(RustCrypto, Policy::default());
/// let mut responder = DhHmacResponder::new(RustCrypto, Policy::default());
/// let mut rng = HashDrbg::new(&[2; 32]);
///
/// let mut i_msg = [0u8; 512];
/// let n = initiator.start(now, &offer, DhGroup::Oakley5, psk, &mut rng, &mut i_msg)?;
/// let mut r_msg = [0u8; 512];
/// let keys = StaticPsk::new(psk)?;
/// let accepted = responder.handle(now, &i_msg[..n], &keys, &mut rng, &mut r_msg)?;
/// let m = accepted.reply_len.expect("an R_MESSAGE");
/// initiator.handle_response(now, &r_msg[..m])?;
/// assert!(initiator.poll_keys().expect("complete")[0].same_keys(&accepted.sas[0]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct DhHmacInitiator<C> {
    crypto: C,
    policy: Policy,
    state: State,
    kept: Option<Kept>,
    pair: Option<DhKeyPair>,
    auth_key: SecretBuf<MAX_OUT>,
    sas: SrtpSas,
}

impl<C> core::fmt::Debug for DhHmacInitiator<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DhHmacInitiator")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl<C: Symmetric> DhHmacInitiator<C> {
    /// A new Initiator.
    pub fn new(crypto: C, policy: Policy) -> Self {
        Self {
            crypto,
            policy,
            state: State::Idle,
            kept: None,
            pair: None,
            auth_key: SecretBuf::new(),
            sas: SrtpSas::new(),
        }
    }

    /// Builds the I_MESSAGE in `group` into `out`.
    pub fn start(
        &mut self,
        now: Time,
        offer: &Offer<'_>,
        group: DhGroup,
        psk: &[u8],
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
        let mut rand = [0u8; crate::policy::MAX_RAND];
        let rand = offer.fresh_rand(&mut rand, rng)?;
        let pair = DhKeyPair::generate(group, rng)?;
        let auth_len = self.policy.auth_key_len(offer.mac);
        let label = crate::kdf::Derivation::new(offer.prf, psk, offer.csb_id, rand);
        let keys = KemacKeys::derive(s, &label, 0, auth_len)?;
        let store = SpStore::new(offer.policies);
        let mut payloads = heapless::Vec::new();
        push_prefix(&mut payloads, offer.t, Some(rand), offer.id_i, offer.id_r)?;
        for sp in store.sps() {
            payloads.put(sp)?;
        }
        payloads.put(steps::dh_payload(&pair))?;
        let n = write_with_kemac(
            s,
            out,
            &offer.header(DataType::DhHmacInit, false),
            &mut payloads,
            offer.mac,
            keys.auth.expose(),
        )?;
        drop(payloads);
        self.kept = Some(Kept::new(offer, rand)?);
        self.pair = Some(pair);
        self.auth_key = keys.auth.clone();
        self.state = State::Await;
        Ok(n)
    }

    /// Handles the R_MESSAGE (or an Error message). A rejected message leaves the
    /// Initiator waiting.
    pub fn handle_response(&mut self, now: Time, msg: &[u8]) -> Result<(), KmError> {
        let (State::Await, Some(kept), Some(pair)) = (self.state, &self.kept, &self.pair) else {
            return Err(KmError::WrongState);
        };
        let s = &self.crypto;
        let (tb, tl) = protect::ts_bytes(&kept.t);
        let v = VKey {
            alg: kept.mac,
            key: self.auth_key.expose(),
            tail: [&[], &[], tb.get(..tl).unwrap_or(&[])],
        };
        let m =
            steps::answer::<_, ALL_PAYLOADS>(s, msg, kept.csb_id, DataType::DhHmacResp, Some(&v))?;
        match m.check_mode_rules() {
            Ok(()) => {}
            Err(Error::MissingPayload {
                payload: PayloadType::Dh,
                ..
            }) if self.policy.dhhmac_resp_without_dhi => {}
            Err(e) => return Err(e.into()),
        }
        let kemac = m
            .kemac()
            .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Kemac))?;
        if kemac.mac_alg != kept.mac {
            return Err(KmError::MacRefused(kemac.mac_alg));
        }
        let cov = m
            .kemac_covered()
            .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Kemac))?;
        protect::verify_mac(
            s,
            kemac.mac_alg,
            self.auth_key.expose(),
            &cov.input(KemacScope::Message),
            kemac.mac,
        )?;
        steps::response_t(&m, &kept.t, now, &self.policy)?;
        let (dhr, dhi) = steps::dh_values(&m);
        let dhr = dhr.ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Dh))?;
        if let Some(dhi) = dhi
            && (dhi.group != pair.group() || dhi.value != pair.public())
        {
            return Err(KmError::Mismatch);
        }
        if dhr.group != pair.group() {
            return Err(KmError::DhGroupRefused);
        }
        let sas = steps::dh_initiator_sas(s, kept, pair, dhr.value, self.policy.first_cs_id)?;
        self.sas = sas;
        self.pair = None;
        self.state = State::Complete;
        Ok(())
    }

    /// The SRTP SAs once complete.
    pub fn poll_keys(&self) -> Option<&SrtpSas> {
        (self.state == State::Complete).then_some(&self.sas)
    }
}

/// The DHHMAC Responder.
///
/// # Example
///
/// ```
/// use mikey_core::keying_crypto::rustcrypto::{HashDrbg, RustCrypto};
/// use mikey_core::{DhGroup, DhHmacInitiator, DhHmacResponder, Offer, Policy, SrtpCs};
/// use mikey_core::{StaticPsk, Time, Timestamp, TsType};
///
/// let now = Time::from_unix_secs(1_763_856_000);
/// let psk = b"a pre-shared key of 20 bytes";
/// let streams = [SrtpCs { policy_no: 0, ssrc: 0xdead_beef, roc: 0 }];
/// let t = Timestamp { ts_type: TsType::NtpUtc, value: 0 };
/// let offer = Offer::new(0x1234_5678, &streams, t);
/// let mut initiator = DhHmacInitiator::new(RustCrypto, Policy::default());
/// let mut responder = DhHmacResponder::new(RustCrypto, Policy::default());
/// let mut rng = HashDrbg::new(&[2; 32]);
///
/// let mut i_msg = [0u8; 512];
/// let n = initiator.start(now, &offer, DhGroup::Oakley5, psk, &mut rng, &mut i_msg)?;
/// let mut r_msg = [0u8; 512];
/// let keys = StaticPsk::new(psk)?;
/// let accepted = responder.handle(now, &i_msg[..n], &keys, &mut rng, &mut r_msg)?;
/// let m = accepted.reply_len.expect("an R_MESSAGE");
/// initiator.handle_response(now, &r_msg[..m])?;
/// assert!(initiator.poll_keys().expect("complete")[0].same_keys(&accepted.sas[0]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct DhHmacResponder<C, const N: usize = 32, const P: usize = 16> {
    crypto: C,
    policy: Policy,
    cache: ReplayCache<N, P>,
    /// The SAs of the last message accepted, lent to its [`Accepted`].
    sas: SrtpSas,
    id_r: Option<OwnedId>,
}

impl<C, const N: usize, const P: usize> core::fmt::Debug for DhHmacResponder<C, N, P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DhHmacResponder")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl<C: Symmetric> DhHmacResponder<C> {
    /// A new Responder.
    ///
    /// The default capacities (`N` = 32 replay-cache entries, `P` = 16 peer counters);
    /// [`DhHmacResponder::with_capacity`] builds others.
    pub fn new(crypto: C, policy: Policy) -> Self {
        Self::with_capacity(crypto, policy)
    }
}

impl<C: Symmetric, const N: usize, const P: usize> DhHmacResponder<C, N, P> {
    /// A new Responder.
    pub fn with_capacity(crypto: C, policy: Policy) -> Self {
        Self {
            crypto,
            policy,
            cache: ReplayCache::new(),
            sas: SrtpSas::new(),
            id_r: None,
        }
    }

    /// Sends `id` as IDr.
    pub fn set_identity(&mut self, id: &Id<'_>) -> Result<(), KmError> {
        self.id_r = Some(OwnedId::new(id)?);
        Ok(())
    }

    /// The replay cache.
    pub fn replay_cache(&self) -> &ReplayCache<N, P> {
        &self.cache
    }

    /// Handles an I_MESSAGE: on success the SAs and the R_MESSAGE in `out`.
    pub fn handle(
        &mut self,
        now: Time,
        msg: &[u8],
        keys: &dyn KeyResolver,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<Accepted<'_>, Rejected> {
        self.sas.clear();
        let s = &self.crypto;
        let (m, h, t) = steps::receive::<ALL_PAYLOADS>(msg, DataType::DhHmacInit, &self.policy)?;
        let rand = m
            .rand()
            .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Rand))?;
        let kemac = m
            .kemac()
            .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Kemac))?;
        let (id_i, id_r) = protect::ids(&m);
        let (tb, tl) = protect::ts_bytes(&t);
        // No key yet: an unauthenticated Error message (RFC 3830 §5.1.2).
        let r = Reply::new(s, &h, t);
        let psk = match self.psk(&h, kemac.mac_alg, keys, id_i, id_r) {
            Ok(psk) => psk,
            Err(e) => return Err(r.reject(e, out, None)),
        };
        let auth_len = self.policy.auth_key_len(kemac.mac_alg);
        let label = crate::kdf::Derivation::new(h.prf_func, psk, h.csb_id, rand);
        let kk = KemacKeys::derive(s, &label, 0, auth_len).map_err(KmError::from)?;
        let err_v = VKey {
            alg: kemac.mac_alg,
            key: kk.auth.expose(),
            tail: [&[], &[], tb.get(..tl).unwrap_or(&[])],
        };
        let fail = |e: KmError, out: &mut [u8]| r.reject(e, out, Some(&err_v));
        if let Err(e) = check_window(&t, now, &self.policy.time) {
            return Err(fail(e.into(), out));
        }
        if let Err(e) = steps::check_offered_sps(&m, &self.policy) {
            return Err(fail(e, out));
        }
        let cov = m
            .kemac_covered()
            .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Kemac))?;
        if let Err(e) = protect::verify_mac(
            s,
            kemac.mac_alg,
            kk.auth.expose(),
            &cov.input(KemacScope::Message),
            kemac.mac,
        ) {
            return Err(fail(e, out));
        }
        // The peer's ID is copied (and an over-long one refused) before any reply is built:
        // a message that will be rejected costs no PKE / signature / DH work. The replay
        // commit stays last.
        let peer_id = steps::peer_id(&m).map_err(Rejected::from)?;
        let (dhi, _) = steps::dh_values(&m);
        let dhi = dhi.ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Dh))?;
        if let Err(e) = steps::check_dh_group(&self.policy, &dhi) {
            return Err(fail(e, out));
        }
        let seen = self
            .seen(now, msg, kemac.mac, t, id_i, psk)
            .map_err(|e| fail(e, out))?;
        let (pair, sas) = match steps::dh_agree(s, &m, &h, &dhi, rand, self.policy.first_cs_id, rng)
        {
            Ok(x) => x,
            Err(e) => return Err(fail(e, out)),
        };
        // R_MESSAGE = HDR, T, [IDr], IDi, DHr, DHi, KEMAC.
        let own = self.id_r.as_ref().map(OwnedId::view);
        let mut payloads = steps::dh_resp_payloads(t, own, None, &m, &pair, dhi);
        let header = CommonHeader {
            data_type: DataType::DhHmacResp,
            v: false,
            ..h
        };
        let n = write_with_kemac(
            s,
            out,
            &header,
            &mut payloads,
            kemac.mac_alg,
            kk.auth.expose(),
        )
        .map_err(Rejected::from)?;
        seen.commit(&mut self.cache)?;
        self.sas = sas;
        Ok(Accepted::new(h.csb_id, &self.sas, Some(n), peer_id))
    }

    /// The PSK of the peer, once the PRF and the MAC algorithm pass the policy.
    fn psk<'k>(
        &self,
        h: &CommonHeader<'_>,
        mac: MacAlg,
        keys: &'k dyn KeyResolver,
        id_i: Option<&[u8]>,
        id_r: Option<&[u8]>,
    ) -> Result<&'k [u8], KmError> {
        self.policy
            .check_prf(h.prf_func)
            .and_then(|()| self.policy.check_mac(mac))
            .and_then(|()| keys.psk(id_i, id_r).ok_or(KmError::UnknownIdentity))
    }

    /// The replay cache's verdict on the I_MESSAGE `msg` with T `t` from the peer `id_i`
    /// holding `psk` (looked up, not yet recorded); `mac` is its verified KEMAC MAC, which
    /// covers all of it (RFC 4650 §3) and so identifies it.
    fn seen(
        &self,
        now: Time,
        msg: &[u8],
        mac: &[u8],
        t: Timestamp,
        id_i: Option<&[u8]>,
        psk: &[u8],
    ) -> Result<Seen, KmError> {
        Seen::check(
            &self.crypto,
            &[b"mikey dhhmac peer", id_i.unwrap_or(&[]), &[0], psk],
            msg,
            Some(mac),
            t,
            now,
            self.policy.time,
            &self.cache,
        )
    }
}
