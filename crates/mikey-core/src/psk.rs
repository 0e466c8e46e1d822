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

use crate::error::{KmError, Rejected};
use crate::hooks::KeyResolver;
use crate::kdf::{KemacKeys, MAX_OUT};
use crate::offer::Offer;
use crate::policy::{MAX_ID, MAX_KEMAC_PLAIN, MAX_RAND, Policy};
use crate::protect::{self, OwnedId, VKey};
use crate::replay::{ReplayCache, check_window};
use crate::responder::Accepted;
use crate::srtp::{Keying, SrtpPolicy, SrtpSas, build_sas_into};
use crate::steps::key_data::{
    FoundKeys, MAX_TGK, key_data_chain, read_key_data_in, tgk_len_for, write_kemac_message,
};
use crate::steps::{self, Reply, Seen};
use crate::wire::header::CommonHeader;
use crate::wire::header::{DataType, PrfFunc};
use crate::wire::id::Id;
use crate::wire::kemac::Kemac;
use crate::wire::kemac::MacAlg;
use crate::wire::key_data::KeyValidity;
use crate::wire::message::{KemacScope, Message};
use crate::wire::timestamp::Timestamp;
use crate::wire::{PayloadType, payload_set};
use keying_crypto::Time;

/// The payload types a PSK Responder reads: in an I_MESSAGE, RFC 3830 §3.1's `HDR, T,
/// RAND, [IDi], [IDr], {SP}, KEMAC`, and General Extension payloads (§6.15); in the
/// decrypted KEMAC, Key data sub-payloads (§6.13). Any other type is refused as unknown
/// (Error no Unspecified), and its reader is not linked into a firmware that runs only the
/// PSK roles. One set for both levels, so that one parser serves both; a Key data payload
/// outside the KEMAC is refused as misplaced.
pub const PSK_INIT_PAYLOADS: u32 = payload_set(&[
    PayloadType::Timestamp,
    PayloadType::Rand,
    PayloadType::Id,
    PayloadType::Sp,
    PayloadType::Kemac,
    PayloadType::GeneralExt,
    PayloadType::KeyData,
]);

/// An authenticated I_MESSAGE as the PSK Responder has it once the MAC is checked: the
/// message, its header, T, RAND, KEMAC, and the KEMAC keys.
type Parsed<'a, 'm> = (
    &'a Message<'m, PSK_INIT_PAYLOADS>,
    &'a CommonHeader<'m>,
    &'a Timestamp,
    &'m [u8],
    &'a Kemac<'m>,
    &'a KemacKeys,
);

/// The payload types a PSK Initiator reads in the answer: the verification message
/// (RFC 3830 §3.1: `HDR, T, [IDr], V`), an Error message (§5.1.2: `HDR, T, {ERR}, [V]`),
/// and General Extension payloads (§6.15).
pub const PSK_RESP_PAYLOADS: u32 = payload_set(&[
    PayloadType::Timestamp,
    PayloadType::Id,
    PayloadType::V,
    PayloadType::Err,
    PayloadType::GeneralExt,
]);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    AwaitVerification,
    Complete,
}

/// The PSK Initiator.
///
/// # Example
///
/// ```
/// use mikey_core::keying_crypto::rustcrypto::{HashDrbg, RustCrypto};
/// use mikey_core::{Offer, Policy, PskInitiator, PskResponder, SrtpCs, StaticPsk, Time};
/// use mikey_core::{Timestamp, TsType};
///
/// let now = Time::from_unix_secs(1_763_856_000);
/// let psk = b"a pre-shared key of 20 bytes";
/// let streams = [SrtpCs { policy_no: 0, ssrc: 0xdead_beef, roc: 0 }];
/// // An NTP-UTC timestamp: `start` takes its value from `now`.
/// let t = Timestamp { ts_type: TsType::NtpUtc, value: 0 };
/// let offer = Offer { verification: true, ..Offer::new(0x1234_5678, &streams, t) };
/// let mut initiator = PskInitiator::new(RustCrypto, Policy::default());
/// let mut responder = PskResponder::new(RustCrypto, Policy::default());
///
/// let mut i_msg = [0u8; 512];
/// let n = initiator.start(now, &offer, psk, &mut HashDrbg::new(&[1; 32]), &mut i_msg)?;
/// let mut r_msg = [0u8; 512];
/// let accepted = responder.handle(now, &i_msg[..n], &StaticPsk::new(psk)?, &mut r_msg)?;
/// let m = accepted.reply_len.expect("a verification message");
/// initiator.handle_response(now, &r_msg[..m])?;
/// assert!(initiator.poll_keys().expect("complete")[0].same_keys(&accepted.sas[0]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
                ts_type: crate::wire::timestamp::TsType::Counter,
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
        now: Time,
        offer: &Offer<'_>,
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
        let mut rand = [0u8; MAX_RAND];
        let rand = offer.fresh_rand(&mut rand, rng)?;
        let kv_overhead = 4 + if offer.mki.is_empty() {
            0
        } else {
            1 + offer.mki.len()
        };
        let tgk_len = tgk_len_for(offer.encr, offer.tgk_len, kv_overhead);
        let mut tgk = SecretBuf::<MAX_TGK>::zeroed(tgk_len)
            .map_err(|_| KmError::InvalidArgument("TGK length above MAX_TGK"))?;
        rng.fill_bytes(tgk.expose_mut()).map_err(KmError::Crypto)?;
        let (len, auth_key) = write_i_message(
            s,
            offer,
            psk,
            rand,
            tgk.expose(),
            self.policy.auth_key_len(offer.mac),
            out,
        )?;

        let id_i = match offer.id_i {
            Some(id) => Some(protect::keep(id.data)?),
            None => None,
        };
        // The SAs, as the Responder will derive them, built in place: the last fallible
        // step (on failure they are left empty, as they were in `Idle`).
        initiator_sas(s, offer, rand, tgk.expose(), &self.policy, &mut self.sas)?;
        // Commit.
        self.csb_id = offer.csb_id;
        self.prf = offer.prf;
        self.t = offer.t;
        self.mac_alg = offer.mac;
        self.id_i = id_i;
        self.auth_key = auth_key;
        self.state = if offer.verification {
            State::AwaitVerification
        } else {
            State::Complete
        };
        Ok(len)
    }

    /// Handles the Responder's verification message (or an Error message). A rejected
    /// message leaves the Initiator waiting.
    pub fn handle_response(&mut self, now: Time, msg: &[u8]) -> Result<(), KmError> {
        if self.state != State::AwaitVerification {
            return Err(KmError::WrongState);
        }
        let s = &self.crypto;
        let (t_i, t_len) = protect::ts_bytes(&self.t);
        let t_tail = t_i
            .get(..t_len)
            .ok_or(KmError::BufferTooSmall { needed: t_len })?;
        let v_err = VKey {
            alg: self.mac_alg,
            key: self.auth_key.expose(),
            tail: [&[], &[], t_tail],
        };
        let m = steps::answer::<_, PSK_RESP_PAYLOADS>(
            s,
            msg,
            self.csb_id,
            DataType::PskResp,
            Some(&v_err),
        )?;
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

/// Writes the Initiator's I_MESSAGE for `offer` into `out` (RFC 3830 §3.1: the KEMAC
/// keys derived from `psk` and `rand`, the key data carrying `tgk` encrypted, the MAC
/// filled); returns the message length and the KEMAC's auth_key, kept for the
/// verification message. Out of line: the key-data buffer and the KEMAC keys live in
/// this frame, not in the caller's while it derives the SRTP SAs.
#[inline(never)]
fn write_i_message<S: Symmetric + ?Sized>(
    s: &S,
    offer: &Offer<'_>,
    psk: &[u8],
    rand: &[u8],
    tgk: &[u8],
    auth_len: usize,
    out: &mut [u8],
) -> Result<(usize, SecretBuf<MAX_OUT>), KmError> {
    let encr_len = protect::kemac_encr_key_len(offer.encr);
    let label = crate::kdf::Derivation::new(offer.prf, psk, offer.csb_id, rand);
    let keys = KemacKeys::derive(s, &label, encr_len, auth_len)?;

    let mut plain =
        SecretBuf::<KEY_DATA_ROOM>::zeroed(KEY_DATA_ROOM).map_err(|_| KmError::BufferTooSmall {
            needed: KEY_DATA_ROOM,
        })?;
    let n = key_data_chain(None, tgk, offer.mki, plain.expose_mut())?;
    let len = write_kemac_message(
        s,
        out,
        &offer.header(DataType::PskInit, offer.verification),
        offer,
        Some(rand),
        plain.expose(),
        n,
        offer.encr,
        &keys,
    )?;
    Ok((len, keys.auth.clone()))
}

/// The SAs of `offer`, as the Responder will derive them from `tgk`, into `sas` (empty on
/// error).
#[inline(always)]
fn initiator_sas<S: Symmetric + ?Sized>(
    s: &S,
    offer: &Offer<'_>,
    rand: &[u8],
    tgk: &[u8],
    policy: &Policy,
    sas: &mut SrtpSas,
) -> Result<(), KmError> {
    let kv = if offer.mki.is_empty() {
        KeyValidity::Null
    } else {
        KeyValidity::Spi(offer.mki)
    };
    Ok(build_sas_into(
        s,
        &crate::srtp::SaInputs {
            prf_func: offer.prf,
            map: &offer.header(DataType::PskInit, false).cs_id_map,
            policy_for: |no| SrtpPolicy::offered(offer.policies, no),
            keying: &Keying::Tgk { tgk, salt: None },
            csb_id: offer.csb_id,
            rand,
            kv: &kv,
            first_cs_id: policy.first_cs_id,
        },
        sas,
    )?)
}

/// Room for the PSK I_MESSAGE's key data chain: one TGK key data sub-payload (RFC 3830
/// §6.13: a 4-byte header, a TGK of at most [`MAX_TGK`] bytes, an SPI of at most 255 bytes
/// after its length byte) and AES-KW's 8-byte integrity block.
const KEY_DATA_ROOM: usize = 4 + MAX_TGK + 1 + 255 + 8;

/// The PSK Responder: stateless per exchange except for its replay cache of `N`
/// time-stamped messages and `P` per-peer counters.
///
/// The Responder also holds the buffer its KEMAC key data is decrypted into (1 KiB, wiped
/// before [`PskResponder::handle`] returns) and the SRTP SAs it lends through
/// [`Accepted`] (about 1 KiB, wiped at the next `handle`), so that a firmware keeping the
/// Responder in static memory needs neither on the stack of every message.
///
/// # Example
///
/// ```
/// use mikey_core::keying_crypto::rustcrypto::{HashDrbg, RustCrypto};
/// use mikey_core::{Offer, Policy, PskInitiator, PskResponder, SrtpCs, StaticPsk, Time};
/// use mikey_core::{Timestamp, TsType};
///
/// let now = Time::from_unix_secs(1_763_856_000);
/// let psk = b"a pre-shared key of 20 bytes";
/// let streams = [SrtpCs { policy_no: 0, ssrc: 0xdead_beef, roc: 0 }];
/// // An NTP-UTC timestamp: `start` takes its value from `now`.
/// let t = Timestamp { ts_type: TsType::NtpUtc, value: 0 };
/// let offer = Offer { verification: true, ..Offer::new(0x1234_5678, &streams, t) };
/// let mut initiator = PskInitiator::new(RustCrypto, Policy::default());
/// let mut responder = PskResponder::new(RustCrypto, Policy::default());
///
/// let mut i_msg = [0u8; 512];
/// let n = initiator.start(now, &offer, psk, &mut HashDrbg::new(&[1; 32]), &mut i_msg)?;
/// let mut r_msg = [0u8; 512];
/// let accepted = responder.handle(now, &i_msg[..n], &StaticPsk::new(psk)?, &mut r_msg)?;
/// let m = accepted.reply_len.expect("a verification message");
/// initiator.handle_response(now, &r_msg[..m])?;
/// assert!(initiator.poll_keys().expect("complete")[0].same_keys(&accepted.sas[0]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct PskResponder<C, const N: usize = 32, const P: usize = 16> {
    crypto: C,
    policy: Policy,
    cache: ReplayCache<N, P>,
    id_r: Option<OwnedId>,
    plain: SecretBuf<MAX_KEMAC_PLAIN>,
    /// The SAs of the last message accepted, lent to its [`Accepted`].
    sas: SrtpSas,
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

impl<C: Symmetric> PskResponder<C> {
    /// A new Responder.
    ///
    /// The default capacities (`N` = 32 replay-cache entries, `P` = 16 peer counters);
    /// [`PskResponder::with_capacity`] builds others.
    pub fn new(crypto: C, policy: Policy) -> Self {
        Self::with_capacity(crypto, policy)
    }
}

impl<C: Symmetric, const N: usize, const P: usize> PskResponder<C, N, P> {
    /// A new Responder.
    pub fn with_capacity(crypto: C, policy: Policy) -> Self {
        Self {
            crypto,
            policy,
            cache: ReplayCache::new(),
            id_r: None,
            plain: SecretBuf::new(),
            sas: SrtpSas::new(),
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
        now: Time,
        msg: &[u8],
        keys: &dyn KeyResolver,
        out: &mut [u8],
    ) -> Result<Accepted<'_>, Rejected> {
        self.handle_with(now, msg, keys, None, out)
    }

    /// [`PskResponder::handle`], also showing `inspect` the key data of the KEMAC (the TGK
    /// or TEKs, with their validity and SPI) once the message has authenticated and its
    /// SRTP SAs are derived — for diagnostic tools that display the keys; the key data is
    /// wiped right after. A message rejected before that point is never shown; the replay
    /// cache is committed after the call (the replay check itself has already passed).
    pub fn handle_inspect(
        &mut self,
        now: Time,
        msg: &[u8],
        keys: &dyn KeyResolver,
        inspect: &mut dyn FnMut(&FoundKeys<'_>),
        out: &mut [u8],
    ) -> Result<Accepted<'_>, Rejected> {
        self.handle_with(now, msg, keys, Some(inspect), out)
    }

    #[inline(always)]
    fn handle_with(
        &mut self,
        now: Time,
        msg: &[u8],
        keys: &dyn KeyResolver,
        inspect: Option<&mut dyn FnMut(&FoundKeys<'_>)>,
        out: &mut [u8],
    ) -> Result<Accepted<'_>, Rejected> {
        // The last exchange's SAs are not kept past its `Accepted`.
        self.sas.clear();
        let s = &self.crypto;
        let (m, h, t) = steps::receive::<PSK_INIT_PAYLOADS>(msg, DataType::PskInit, &self.policy)?;
        if m.has(PayloadType::KeyData) {
            return Err(KmError::Message(m.misplaced(PayloadType::KeyData)).into());
        }
        // `receive` checked the payloads the data type requires.
        let (rand, kemac, cov) = match (m.rand(), m.kemac(), m.kemac_covered()) {
            (Some(rand), Some(kemac), Some(cov)) => (rand, kemac, cov),
            (None, ..) => return Err(crate::error::missing(&m, PayloadType::Rand).into()),
            _ => return Err(crate::error::missing(&m, PayloadType::Kemac).into()),
        };
        let (id_i, id_r) = protect::ids(&m);
        let (t_b, t_len) = protect::ts_bytes(&t);
        // No key yet: an unauthenticated Error message (RFC 3830 §5.1.2); once the PSK is
        // known, the Error message carries V.
        let r = Reply::new(s, &h, t);
        // Insecure opt-in: no PSK, no MAC (the keys then protect nothing).
        let unprotected = self
            .policy
            .takes_unprotected_kemac(kemac.encr_alg, kemac.mac_alg);
        let psk = self
            .psk(h.prf_func, kemac.mac_alg, unprotected, keys, id_i, id_r)
            .map_err(|e| r.reject(e, out, None))?;
        let auth_len = self.policy.auth_key_len(kemac.mac_alg);
        let encr_len = protect::kemac_encr_key_len(kemac.encr_alg);
        let label = crate::kdf::Derivation::new(h.prf_func, psk, h.csb_id, rand);
        let kk = KemacKeys::derive(s, &label, encr_len, auth_len).map_err(KmError::from)?;
        let err_v = VKey {
            alg: kemac.mac_alg,
            key: kk.auth.expose(),
            tail: [&[], &[], t_b.get(..t_len).unwrap_or(&[])],
        };
        let fail = |e: KmError, out: &mut [u8]| r.reject(e, out, (!unprotected).then_some(&err_v));
        // In this order (`KmError::stage`): Encr alg, T window, offered SPs, MAC.
        let checked = match unprotected {
            true => Ok(()),
            false => self.policy.check_encr(kemac.encr_alg),
        }
        .and_then(|()| Ok(check_window(&t, now, &self.policy.time)?))
        .and_then(|()| steps::check_offered_sps(&m, &self.policy))
        .and_then(|()| match unprotected {
            true => Ok(()),
            false => protect::verify_mac(
                s,
                kemac.mac_alg,
                kk.auth.expose(),
                &cov.input(KemacScope::Message),
                kemac.mac,
            ),
        });
        checked.map_err(|e| fail(e, out))?;
        // Authenticated from here on (or, unprotected, taken as sent).
        let seen = self
            .seen(now, msg, (!unprotected).then_some(kemac.mac), t, id_i, psk)
            .map_err(|e| fail(e, out))?;
        let peer = Self::keys_into(
            s,
            &self.policy,
            &mut self.plain,
            &mut self.sas,
            (&m, &h, &t, rand, &kemac, &kk),
            inspect,
        )
        .map_err(|e| fail(e, out));
        let reply = peer.and_then(|p| match h.v {
            true => Ok((
                Some(self.verification(m.header_bytes(), t, id_i, kemac.mac_alg, &kk, out)?),
                p,
            )),
            false => Ok((None, p)),
        });
        // Commit last; a rejection wipes the SAs.
        match reply.and_then(|r| seen.commit(&mut self.cache).map(|()| r)) {
            Ok((n, p)) => Ok(Accepted::new(
                h.csb_id,
                &self.sas,
                n,
                p.filter(|_| !unprotected),
            )),
            Err(e) => {
                self.sas.clear();
                Err(e)
            }
        }
    }

    /// The key data of the authenticated I_MESSAGE `m` (header `h`, T `t`, RAND `rand`,
    /// KEMAC `kemac` under the keys `kk`) decrypted into `plain`, its SRTP SAs built into
    /// `sas` (in place: about 1 KiB), shown to `inspect`, and wiped on return; the peer's
    /// identity. Not inlined: the key data and its parse are off the stack while the
    /// verification message is written.
    #[inline(never)]
    fn keys_into(
        s: &C,
        policy: &Policy,
        plain: &mut SecretBuf<MAX_KEMAC_PLAIN>,
        sas: &mut SrtpSas,
        (m, h, t, rand, kemac, kk): Parsed<'_, '_>,
        inspect: Option<&mut dyn FnMut(&FoundKeys<'_>)>,
    ) -> Result<Option<OwnedId>, KmError> {
        let plain = WipeOnExit(plain);
        decrypt(s, kemac, kk, h.csb_id, t, plain.0)?;
        let mut teks = heapless::Vec::new();
        let found = read_key_data_in::<PSK_INIT_PAYLOADS>(
            plain.0.expose(),
            PayloadType::KeyData,
            &mut teks,
        )?;
        // The SAs take the offered SPs of the SRTP-ID map (`SrtpPolicy::offered_in`), each
        // one checked against the policy before any key work (`check_offered_sps`).
        sas_into(s, policy, m, h, rand, &found, sas)?;
        let peer = steps::peer_id(m)?;
        if let Some(inspect) = inspect {
            inspect(&found);
        }
        Ok(peer)
    }

    /// The PSK of the peer, once the PRF and the MAC algorithm pass the policy. For an
    /// `unprotected` message ([`Policy::takes_unprotected_kemac`]) no PSK is looked up: the
    /// KEMAC keys are derived from a fixed placeholder, protect nothing and are used for
    /// nothing (NULL encryption, no MAC checked, Error messages sent without V).
    #[inline(always)]
    fn psk<'k>(
        &self,
        prf: PrfFunc,
        mac: MacAlg,
        unprotected: bool,
        keys: &'k dyn KeyResolver,
        id_i: Option<&[u8]>,
        id_r: Option<&[u8]>,
    ) -> Result<&'k [u8], KmError> {
        self.policy.check_prf(prf)?;
        if unprotected {
            return Ok(&[0]);
        }
        self.policy
            .check_mac(mac)
            .and_then(|()| keys.psk(id_i, id_r).ok_or(KmError::UnknownIdentity))
    }

    /// The replay cache's verdict on the I_MESSAGE `msg` with T `t` from the peer `id_i`
    /// holding `psk` (looked up, not yet recorded); `mac` is the KEMAC MAC when it was
    /// verified (it then identifies the message).
    #[cfg_attr(not(target_os = "none"), inline(always))]
    fn seen(
        &self,
        now: Time,
        msg: &[u8],
        mac: Option<&[u8]>,
        t: Timestamp,
        id_i: Option<&[u8]>,
        psk: &[u8],
    ) -> Result<Seen, KmError> {
        Seen::check(
            &self.crypto,
            &[b"mikey psk peer", id_i.unwrap_or(&[]), &[0], psk],
            msg,
            mac,
            t,
            now,
            self.policy.time,
            &self.cache,
        )
    }

    /// The verification message answering the I_MESSAGE with header bytes `header`, T `t`
    /// and IDi `id_i`, MACed with `alg` under the KEMAC keys' auth key, into `out`.
    #[cfg_attr(not(target_os = "none"), inline(never))]
    fn verification(
        &self,
        header: &[u8],
        t: Timestamp,
        id_i: Option<&[u8]>,
        alg: MacAlg,
        kk: &KemacKeys,
        out: &mut [u8],
    ) -> Result<usize, KmError> {
        steps::write_verification(
            &self.crypto,
            out,
            header,
            DataType::PskResp,
            t,
            id_i,
            self.id_r.as_ref().map(OwnedId::view),
            alg,
            kk.auth.expose(),
            self.policy.libmikey_compat,
        )
    }
}

/// The SAs of the I_MESSAGE `m` (header `h`, RAND `rand`) from its key data `found`, into
/// `sas`.
#[inline(always)]
fn sas_into<S: Symmetric + ?Sized, const PS: u32>(
    s: &S,
    policy: &Policy,
    m: &Message<'_, PS>,
    h: &CommonHeader<'_>,
    rand: &[u8],
    found: &FoundKeys<'_>,
    sas: &mut SrtpSas,
) -> Result<(), crate::srtp::SaError> {
    build_sas_into(
        s,
        &crate::srtp::SaInputs {
            prf_func: h.prf_func,
            map: &h.cs_id_map,
            policy_for: |no| crate::srtp::SrtpPolicy::offered_in(m, no),
            keying: &found.keying,
            csb_id: h.csb_id,
            rand,
            kv: &found.kv,
            first_cs_id: policy.first_cs_id,
        },
        sas,
    )
}

/// The KEMAC's Encr data decrypted into `plain`.
#[inline(always)]
fn decrypt<S: Symmetric + ?Sized>(
    s: &S,
    kemac: &Kemac<'_>,
    kk: &KemacKeys,
    csb_id: u32,
    t: &Timestamp,
    plain: &mut SecretBuf<MAX_KEMAC_PLAIN>,
) -> Result<(), KmError> {
    protect::kemac_decrypt_into(s, kemac.encr_alg, kk, csb_id, t, kemac.encr_data, plain)
}
