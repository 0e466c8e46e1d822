//! Pre-shared key mode (RFC 3830 §3.1): data types 0 (I_MESSAGE) and 1 (verification).
//!
//! ```text
//! Initiator                                Responder
//! I_MESSAGE = HDR, T, RAND, [IDi], [IDr], {SP}, KEMAC   --->
//!                        <---   R_MESSAGE = HDR, T, [IDr], V     (only if V = 1)
//! ```
//!
//! KEMAC = E(encr_key, {key data}) ‖ MAC(auth_key, message up to the MAC); the keys come
//! from the PSK with the `0xFF` labels; V = MAC(auth_key, R_MESSAGE up to the Ver data ‖
//! IDi ‖ IDr ‖ T_i) (RFC 3830 §5.2, the identities' ID data as mykey does).

use keying_crypto::{Rng, SecretBuf, Symmetric};

use crate::exchange::{
    self, KeyResolver, KmError, MAX_ID, MAX_KEMAC_PLAIN, MAX_RAND, OwnedId, Policy, Rejected, VKey,
};
use crate::header::{CommonHeader, DataType, PrfFunc};
use crate::id::Id;
use crate::kdf::{KemacKeys, MAX_OUT};
use crate::kemac::{EncrAlg, Kemac, MacAlg};
use crate::key_data::{KeyData, KeyType, KeyValidity};
use crate::message::{KemacScope, Message, MessageWriter};
use crate::offer::{MAX_PAYLOADS, Offer, SpStore, push_prefix};
use crate::payload::{Payload, PayloadType, emit_sub_payloads};
use crate::replay::{NtpTime, ReplayCache, check_window};
use crate::srtp::{Keying, SrtpSas, build_sas, build_sas_into};
use crate::steps::{self, Reply, Seen};
use crate::timestamp::Timestamp;

/// Largest TGK this crate generates or accepts.
pub const MAX_TGK: usize = 256;

/// Builds the key data chain and the KEMAC-protected tail of an I_MESSAGE (PSK, PK):
/// returns the plaintext chain length written into `plain`.
pub(crate) fn key_data_chain(
    prefix: Option<&Id<'_>>,
    tgk: &[u8],
    mki: &[u8],
    plain: &mut [u8],
) -> Result<usize, KmError> {
    let kv = if mki.is_empty() {
        KeyValidity::Null
    } else {
        KeyValidity::Spi(mki)
    };
    let kd = Payload::KeyData(KeyData {
        key_type: KeyType::Tgk,
        key: tgk,
        salt: None,
        kv,
    });
    let n = match prefix {
        Some(id) => emit_sub_payloads(&[Payload::Id(*id), kd], plain),
        None => emit_sub_payloads(&[kd], plain),
    };
    n.map_err(|_| KmError::Internal)
}

/// TGK length adjusted so that the key data chain is a whole number of 64-bit blocks
/// (AES-KW has no padding in RFC 3830 / RFC 6043).
pub(crate) fn tgk_len_for(encr: EncrAlg, tgk_len: usize, overhead: usize) -> usize {
    if encr == EncrAlg::AesKw128 {
        let total = tgk_len + overhead;
        tgk_len + (8 - total % 8) % 8
    } else {
        tgk_len
    }
}

/// Key data found in a decrypted KEMAC chain by [`read_key_data`].
#[derive(Debug, Clone, Copy)]
pub struct FoundKeys<'p> {
    /// The TGK (the first TGK / TGK+SALT key data) or, when there is none, the TEKs (every
    /// TEK / TEK+SALT key data, in order); input of [`crate::srtp::build_sas`].
    pub keying: Keying<'p>,
    /// The Key validity of the first key data sub-payload (RFC 3830 §6.13).
    pub kv: KeyValidity<'p>,
    /// An ID sub-payload in front of the key data (PK, RSA-R: IDi / IDr).
    pub id: Option<Id<'p>>,
}

/// Room for the TEKs of a bundle, filled by [`read_key_data`] (at most
/// [`crate::srtp::MAX_CS`]).
pub type TekList<'p> = heapless::Vec<(&'p [u8], Option<&'p [u8]>), { crate::srtp::MAX_CS }>;

/// Reads the key data of a decrypted KEMAC chain (RFC 3830 §6.2, §6.13): `plain` as
/// [`crate::exchange::kemac_decrypt_into`] leaves it, whose first sub-payload is `first`
/// ([`PayloadType::KeyData`] in PSK mode, [`PayloadType::Id`] in PK and RSA-R). TEKs are
/// kept in `teks`, which the result borrows.
///
/// Every mikey-core role reads its key data with this.
///
/// # Errors
/// [`KmError::KeyData`] when the chain does not parse, holds a sub-payload other than key
/// data (and one leading ID), a key type other than TGK / TEK (with or without salt), more
/// than [`crate::srtp::MAX_CS`] TEKs, an empty TGK or one longer than [`MAX_TGK`], or no
/// key at all.
pub fn read_key_data<'p: 't, 't>(
    plain: &'p [u8],
    first: PayloadType,
    teks: &'t mut TekList<'p>,
) -> Result<FoundKeys<'t>, KmError> {
    let mut tgk = None;
    let mut kv = None;
    let mut id = None;
    let mut tek_list: heapless::Vec<(&'p [u8], Option<&'p [u8]>), { crate::srtp::MAX_CS }> =
        heapless::Vec::new();
    for item in Kemac::sub_payloads(plain, first) {
        let item = item.map_err(|_| KmError::KeyData)?;
        match item.payload {
            Payload::KeyData(kd) => {
                kv.get_or_insert(kd.kv);
                match kd.key_type {
                    KeyType::Tgk | KeyType::TgkSalt if tgk.is_none() => {
                        tgk = Some((kd.key, kd.salt));
                    }
                    KeyType::Tek | KeyType::TekSalt => {
                        tek_list
                            .push((kd.key, kd.salt))
                            .map_err(|_| KmError::KeyData)?;
                    }
                    _ => return Err(KmError::KeyData),
                }
            }
            Payload::Id(i) if id.is_none() => id = Some(i),
            _ => return Err(KmError::KeyData),
        }
    }
    let keying = if let Some((tgk, salt)) = tgk {
        if tgk.is_empty() || tgk.len() > MAX_TGK {
            return Err(KmError::KeyData);
        }
        Keying::Tgk { tgk, salt }
    } else if !tek_list.is_empty() {
        *teks = tek_list;
        Keying::Teks(teks)
    } else {
        return Err(KmError::KeyData);
    };
    Ok(FoundKeys {
        keying,
        kv: kv.unwrap_or(KeyValidity::Null),
        id,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    AwaitVerification,
    Complete,
}

/// The PSK Initiator.
pub struct PskInitiator<C> {
    crypto: C,
    policy: Policy,
    state: State,
    csb_id: u32,
    prf: PrfFunc,
    t: Timestamp,
    mac_alg: MacAlg,
    id_i: Option<heapless::Vec<u8, MAX_ID>>,
    auth_key: SecretBuf<MAX_OUT>,
    sas: SrtpSas,
}

impl<C> core::fmt::Debug for PskInitiator<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PskInitiator")
            .field("state", &self.state)
            .field("csb_id", &self.csb_id)
            .finish_non_exhaustive()
    }
}

impl<C: Symmetric> PskInitiator<C> {
    /// A new Initiator.
    pub fn new(crypto: C, policy: Policy) -> Self {
        Self {
            crypto,
            policy,
            state: State::Idle,
            csb_id: 0,
            prf: PrfFunc::Mikey1,
            t: Timestamp {
                ts_type: crate::timestamp::TsType::Counter,
                value: 0,
            },
            mac_alg: MacAlg::HmacSha1_160,
            id_i: None,
            auth_key: SecretBuf::new(),
            sas: SrtpSas::new(),
        }
    }

    /// Builds the I_MESSAGE for `offer` under `psk` into `out`; returns its length. The
    /// TGK and RAND come from `rng`. Without a verification request the keys are ready at
    /// once ([`PskInitiator::poll_keys`]).
    pub fn start(
        &mut self,
        offer: &Offer<'_>,
        psk: &[u8],
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<usize, KmError> {
        if self.state != State::Idle {
            return Err(KmError::WrongState);
        }
        offer.check()?;
        let s = &self.crypto;
        let mut rand = [0u8; MAX_RAND];
        let rand = offer.fresh_rand(&mut rand, rng)?;
        let kv_overhead = 4 + if offer.mki.is_empty() {
            0
        } else {
            1 + offer.mki.len()
        };
        let tgk_len = tgk_len_for(offer.encr, offer.tgk_len, kv_overhead);
        let mut tgk = SecretBuf::<MAX_TGK>::zeroed(tgk_len).map_err(|_| KmError::Internal)?;
        rng.fill_bytes(tgk.expose_mut())
            .map_err(|_| KmError::Internal)?;
        let auth_len = self.policy.auth_key_len(offer.mac);
        let encr_len = exchange::kemac_encr_key_len(offer.encr);
        let keys = KemacKeys::derive(s, offer.prf, psk, offer.csb_id, rand, encr_len, auth_len)?;

        let mut plain =
            SecretBuf::<MAX_KEMAC_PLAIN>::zeroed(MAX_KEMAC_PLAIN).map_err(|_| KmError::Internal)?;
        let n = key_data_chain(None, tgk.expose(), offer.mki, plain.expose_mut())?;
        let n = exchange::kemac_encrypt(
            s,
            offer.encr,
            &keys,
            offer.csb_id,
            &offer.t,
            plain.expose_mut(),
            n,
        )?;
        let encr_data = plain.expose().get(..n).ok_or(KmError::Internal)?;
        let len = write_kemac_message(
            s,
            out,
            &offer.header(DataType::PskInit, offer.verification),
            offer,
            Some(rand),
            encr_data,
            offer.encr,
            &keys,
        )?;

        // The SAs, as the Responder will derive them.
        let sp_store = SpStore::new(offer.policies);
        let params = sp_store.params();
        let sps = |no: u8| {
            params
                .iter()
                .find(|(n, _)| *n == no)
                .map(|(n, p)| crate::srtp::SrtpPolicy::to_sp(*n, p))
        };
        let kv = if offer.mki.is_empty() {
            KeyValidity::Null
        } else {
            KeyValidity::Spi(offer.mki)
        };
        let sas = build_sas(
            s,
            offer.prf,
            &offer.header(DataType::PskInit, false).cs_id_map,
            sps,
            &Keying::Tgk {
                tgk: tgk.expose(),
                salt: None,
            },
            offer.csb_id,
            rand,
            &kv,
            self.policy.first_cs_id,
        )?;
        // Commit.
        self.csb_id = offer.csb_id;
        self.prf = offer.prf;
        self.t = offer.t;
        self.mac_alg = offer.mac;
        self.id_i = match offer.id_i {
            Some(id) => Some(exchange::keep(id.data)?),
            None => None,
        };
        self.auth_key = keys.auth.clone();
        self.sas = sas;
        self.state = if offer.verification {
            State::AwaitVerification
        } else {
            State::Complete
        };
        Ok(len)
    }

    /// Handles the Responder's verification message (or an Error message). A rejected
    /// message leaves the Initiator waiting.
    pub fn handle_response(&mut self, now: NtpTime, msg: &[u8]) -> Result<(), KmError> {
        if self.state != State::AwaitVerification {
            return Err(KmError::WrongState);
        }
        let s = &self.crypto;
        let (t_i, t_len) = exchange::ts_bytes(&self.t);
        let t_tail = t_i.get(..t_len).ok_or(KmError::Internal)?;
        let v_err = VKey {
            alg: self.mac_alg,
            key: self.auth_key.expose(),
            tail: [&[], &[], t_tail],
        };
        let m = steps::answer(s, msg, self.csb_id, DataType::PskResp, Some(&v_err))?;
        let id_i: &[u8] = self.id_i.as_deref().unwrap_or(&[]);
        m.check_mode_rules()?;
        steps::check_verification(
            s,
            &m,
            self.mac_alg,
            self.auth_key.expose(),
            id_i,
            &self.t,
            self.policy.libmikey_compat,
        )?;
        steps::response_t(&m, &self.t, now, &self.policy)?;
        self.state = State::Complete;
        Ok(())
    }

    /// The SRTP SAs once the exchange is complete.
    pub fn poll_keys(&self) -> Option<&SrtpSas> {
        (self.state == State::Complete).then_some(&self.sas)
    }

    /// Whether a verification message is awaited.
    pub fn is_waiting(&self) -> bool {
        self.state == State::AwaitVerification
    }
}

/// Writes `HDR, T, RAND, [IDi], [IDr], {SP}, KEMAC` with the MAC over the message.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_kemac_message<S: Symmetric + ?Sized>(
    s: &S,
    out: &mut [u8],
    header: &CommonHeader<'_>,
    offer: &Offer<'_>,
    rand: Option<&[u8]>,
    encr_data: &[u8],
    encr: EncrAlg,
    keys: &KemacKeys,
) -> Result<usize, KmError> {
    let zero = [0u8; 32];
    let sp_store = SpStore::new(offer.policies);
    let params = sp_store.params();
    let mut payloads = heapless::Vec::<Payload<'_>, MAX_PAYLOADS>::new();
    push_prefix(
        &mut payloads,
        offer.t,
        rand,
        offer.id_i,
        offer.id_r,
        &params,
    )?;
    let mac_len = offer.mac.mac_len().ok_or(KmError::MacRefused(offer.mac))?;
    payloads
        .push(Payload::Kemac(Kemac {
            encr_alg: encr,
            encr_data,
            mac_alg: offer.mac,
            mac: zero.get(..mac_len).ok_or(KmError::Internal)?,
        }))
        .map_err(|_| KmError::Internal)?;
    let mut w = MessageWriter::new(out, header);
    for p in &payloads {
        w.push(p);
    }
    let n = w.finish().map_err(|_| KmError::Internal)?;
    fill_kemac_mac(
        s,
        out,
        n,
        offer.mac,
        keys.auth.expose(),
        KemacScope::Message,
    )?;
    Ok(n)
}

/// Computes and writes the KEMAC MAC of `out[..n]` over what `scope` names.
pub(crate) fn fill_kemac_mac<S: Symmetric + ?Sized>(
    s: &S,
    out: &mut [u8],
    n: usize,
    alg: MacAlg,
    key: &[u8],
    scope: KemacScope,
) -> Result<(), KmError> {
    if alg == MacAlg::Null {
        // MIKEY-NULL senders (RTSPS peers): nothing to fill; no receiver here accepts it.
        return Ok(());
    }
    let m = Message::parse(out.get(..n).ok_or(KmError::Internal)?)?;
    let cov = m.kemac_covered().ok_or(KmError::Internal)?;
    let d = exchange::mac(s, alg, key, &cov.input(scope))?;
    let range = cov.mac;
    let len = range.len();
    out.get_mut(range)
        .ok_or(KmError::Internal)?
        .copy_from_slice(d.as_bytes().get(..len).ok_or(KmError::Internal)?);
    Ok(())
}

/// What a responder accepted.
#[derive(Debug, Clone)]
pub struct Accepted {
    /// The bundle's CSB ID.
    pub csb_id: u32,
    /// The SRTP SAs.
    pub sas: SrtpSas,
    /// Bytes of `out` holding the response to send (verification / R_MESSAGE), if any.
    pub reply_len: Option<usize>,
    /// The Initiator's identity, if it sent one.
    pub peer: Option<OwnedId>,
}

/// The PSK Responder: stateless per exchange except for its replay cache of `N`
/// time-stamped messages and `P` per-peer counters.
///
/// The Responder also holds the buffer its KEMAC key data is decrypted into (1 KiB, wiped
/// before [`PskResponder::handle`] returns), so that a firmware keeping the Responder in
/// static memory does not need that buffer on the stack of every message.
pub struct PskResponder<C, const N: usize = 32, const P: usize = 16> {
    crypto: C,
    policy: Policy,
    cache: ReplayCache<N, P>,
    id_r: Option<OwnedId>,
    plain: SecretBuf<MAX_KEMAC_PLAIN>,
}

/// Wipes the buffer it borrows when dropped: on every way out of a function.
struct WipeOnExit<'a, const N: usize>(&'a mut SecretBuf<N>);

impl<const N: usize> Drop for WipeOnExit<'_, N> {
    fn drop(&mut self) {
        self.0.clear();
    }
}

impl<C, const N: usize, const P: usize> core::fmt::Debug for PskResponder<C, N, P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PskResponder")
            .field("policy", &self.policy)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl<C: Symmetric, const N: usize, const P: usize> PskResponder<C, N, P> {
    /// A new Responder.
    pub fn new(crypto: C, policy: Policy) -> Self {
        Self {
            crypto,
            policy,
            cache: ReplayCache::new(),
            id_r: None,
            plain: SecretBuf::new(),
        }
    }

    /// Sends `id` as IDr in verification messages.
    pub fn set_identity(&mut self, id: &Id<'_>) -> Result<(), KmError> {
        self.id_r = Some(OwnedId::new(id)?);
        Ok(())
    }

    /// The replay cache (read-only).
    pub fn replay_cache(&self) -> &ReplayCache<N, P> {
        &self.cache
    }

    /// Handles an I_MESSAGE at time `now`. On success the SAs and the length of the
    /// verification message written into `out` (when V was set); on failure the error and,
    /// when one should be sent, the Error message in `out`. A rejected message changes
    /// nothing.
    pub fn handle(
        &mut self,
        now: NtpTime,
        msg: &[u8],
        keys: &dyn KeyResolver,
        out: &mut [u8],
    ) -> Result<Accepted, Rejected> {
        let s = &self.crypto;
        let (m, h, t) = steps::receive(msg, DataType::PskInit, &self.policy)?;
        let rand = m.rand().ok_or(KmError::Internal)?;
        let kemac = m.kemac().ok_or(KmError::Internal)?;
        let (id_i, id_r) = exchange::ids(&m);
        let (t_b, t_len) = exchange::ts_bytes(&t);
        let t_tail = t_b.get(..t_len).unwrap_or(&[]);

        // Unauthenticated checks: no key to protect an error message with yet, except
        // where the PSK is known (then the Error message carries V).
        // No key yet: an unauthenticated Error message (RFC 3830 §5.1.2).
        let r = Reply::new(s, &h, t);
        let psk = match self
            .policy
            .check_prf(h.prf_func)
            .and_then(|()| self.policy.check_mac(kemac.mac_alg))
            .and_then(|()| keys.psk(id_i, id_r).ok_or(KmError::UnknownIdentity))
        {
            Ok(psk) => psk,
            Err(e) => return Err(r.reject(e, out, None)),
        };
        let auth_len = self.policy.auth_key_len(kemac.mac_alg);
        let encr_len = exchange::kemac_encr_key_len(kemac.encr_alg);
        let kk = KemacKeys::derive(s, h.prf_func, psk, h.csb_id, rand, encr_len, auth_len)
            .map_err(KmError::from)?;
        let err_v = VKey {
            alg: kemac.mac_alg,
            key: kk.auth.expose(),
            tail: [&[], &[], t_tail],
        };
        let fail = |e: KmError, out: &mut [u8]| r.reject(e, out, Some(&err_v));
        if let Err(e) = self.policy.check_encr(kemac.encr_alg) {
            return Err(fail(e, out));
        }
        if let Err(e) = check_window(&t, now, &self.policy.time) {
            return Err(fail(e.into(), out));
        }
        if let Err(e) = steps::check_offered_sps(&m, &self.policy) {
            return Err(fail(e, out));
        }
        let cov = m.kemac_covered().ok_or(KmError::Internal)?;
        if let Err(e) = exchange::verify_mac(
            s,
            kemac.mac_alg,
            kk.auth.expose(),
            &cov.input(KemacScope::Message),
            kemac.mac,
        ) {
            return Err(fail(e, out));
        }
        // Authenticated from here on.
        let seen = match Seen::check(
            s,
            &[b"mikey psk peer", id_i.unwrap_or(&[]), &[0], psk],
            msg,
            t,
            now,
            self.policy.time,
            &self.cache,
        ) {
            Ok(seen) => seen,
            Err(e) => return Err(fail(e, out)),
        };
        let plain = WipeOnExit(&mut self.plain);
        if let Err(e) = exchange::kemac_decrypt_into(
            s,
            kemac.encr_alg,
            &kk,
            h.csb_id,
            &t,
            kemac.encr_data,
            plain.0,
        ) {
            return Err(fail(e, out));
        }
        let mut teks = heapless::Vec::new();
        let found = match read_key_data(plain.0.expose(), PayloadType::KeyData, &mut teks) {
            Ok(f) => f,
            Err(e) => return Err(fail(e, out)),
        };
        // The SAs (about 1 KiB) are built in the Accepted returned, not in a temporary.
        let mut accepted = Accepted {
            csb_id: h.csb_id,
            sas: SrtpSas::new(),
            reply_len: None,
            peer: None,
        };
        if let Err(e) = build_sas_into(
            s,
            h.prf_func,
            &h.cs_id_map,
            |no| steps::offered_sp(&m, no),
            &found.keying,
            h.csb_id,
            rand,
            &found.kv,
            self.policy.first_cs_id,
            &mut accepted.sas,
        ) {
            return Err(fail(e.into(), out));
        }
        if let Err(e) = steps::check_srtp_sas(&accepted.sas, &self.policy) {
            return Err(fail(e, out));
        }
        accepted.peer = match steps::peer_id(&m) {
            Ok(p) => p,
            Err(e) => return Err(fail(e, out)),
        };
        accepted.reply_len = if h.v {
            let own = self.id_r.as_ref().map(OwnedId::view);
            match steps::write_verification(
                s,
                out,
                &h,
                DataType::PskResp,
                t,
                id_i,
                own,
                kemac.mac_alg,
                kk.auth.expose(),
                self.policy.libmikey_compat,
            ) {
                Ok(n) => Some(n),
                Err(e) => return Err(e.into()),
            }
        } else {
            None
        };
        // Commit last.
        seen.commit(&mut self.cache)?;
        Ok(accepted)
    }
}
