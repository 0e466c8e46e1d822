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

use keying_crypto::{Rng, RsaPrivateKeyOps, RsaPublicKeyOps, SecretBuf, Symmetric};

use crate::chash::{Chash, HashFunc};
use crate::exchange::{
    self, KmError, MAX_ID, MAX_KEMAC_PLAIN, MAX_RAND, OwnedId, Policy, Rejected, VKey,
};
use crate::header::{CommonHeader, DataType};
use crate::kdf::{KemacKeys, MAX_OUT};
use crate::kemac::{Kemac, MacAlg};
use crate::key_data::KeyValidity;
use crate::message::Message;
use crate::offer::{Kept, MAX_PAYLOADS, Offer, SpStore, push_prefix};
use crate::payload::{Payload, PayloadType};
use crate::pk::{
    self, CertResolver, ENV_KEY_LEN, LocalIdentity, MAX_RSA_LEN, pke_decrypt, pke_encrypt,
    verify_sign,
};
use crate::pke::{Pke, PkeCache};
use crate::psk::{Accepted, MAX_TGK, fill_kemac_mac, key_data_chain, read_key_data, tgk_len_for};
use crate::replay::{NtpTime, ReplayCache, check_window};
use crate::srtp::{Keying, SrtpSas, build_sas};
use crate::timestamp::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Await,
    Complete,
}

/// The PK Initiator.
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
                ts_type: crate::timestamp::TsType::Counter,
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
    /// certificate (sent as a SHA-256 CHASH when given).
    #[allow(clippy::too_many_arguments)]
    pub fn start<K: RsaPrivateKeyOps, P: RsaPublicKeyOps>(
        &mut self,
        offer: &Offer<'_>,
        me: &LocalIdentity<'_, K>,
        responder: &P,
        responder_cert: Option<&[u8]>,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<usize, KmError> {
        if self.state != State::Idle {
            return Err(KmError::WrongState);
        }
        offer.check()?;
        let s = &self.crypto;
        let id_i = me.id.or(offer.id_i).ok_or(KmError::UnknownIdentity)?;
        let mut rand = [0u8; MAX_RAND];
        let rand = rand.get_mut(..offer.rand_len).ok_or(KmError::Internal)?;
        rng.fill_bytes(rand).map_err(|_| KmError::Internal)?;
        let overhead = 4
            + 4
            + id_i.data.len()
            + if offer.mki.is_empty() {
                0
            } else {
                1 + offer.mki.len()
            };
        let tgk_len = tgk_len_for(offer.encr, offer.tgk_len, overhead);
        let mut tgk = SecretBuf::<MAX_TGK>::zeroed(tgk_len).map_err(|_| KmError::Internal)?;
        rng.fill_bytes(tgk.expose_mut())
            .map_err(|_| KmError::Internal)?;
        let mut env =
            SecretBuf::<ENV_KEY_LEN>::zeroed(ENV_KEY_LEN).map_err(|_| KmError::Internal)?;
        rng.fill_bytes(env.expose_mut())
            .map_err(|_| KmError::Internal)?;
        let auth_len = self.policy.auth_key_len(offer.mac);
        let kk = KemacKeys::derive(s, offer.prf, env.expose(), offer.csb_id, rand, 16, auth_len)?;
        let mut plain =
            SecretBuf::<MAX_KEMAC_PLAIN>::zeroed(MAX_KEMAC_PLAIN).map_err(|_| KmError::Internal)?;
        let n = key_data_chain(Some(&id_i), tgk.expose(), offer.mki, plain.expose_mut())?;
        let n = exchange::kemac_encrypt(
            s,
            offer.encr,
            &kk,
            offer.csb_id,
            &offer.t,
            plain.expose_mut(),
            n,
        )?;
        let mut pke_buf = [0u8; MAX_RSA_LEN];
        let pn = pke_encrypt(
            responder,
            rng,
            self.policy.pke_padding,
            env.expose(),
            &mut pke_buf,
        )?;
        let hash = responder_cert.map(|c| s.hash(keying_crypto::HashAlg::Sha256, &[c]));
        let store = SpStore::new(offer.policies);
        let params = store.params();
        let zero = [0u8; 32];
        let mac_len = offer.mac.mac_len().ok_or(KmError::MacRefused(offer.mac))?;
        let mut payloads = heapless::Vec::<Payload<'_>, MAX_PAYLOADS>::new();
        let e = |_| KmError::Internal;
        push_prefix(&mut payloads, offer.t, Some(rand), Some(id_i), None, &[])?;
        if let Some(c) = me.cert_payload() {
            payloads.push(c).map_err(e)?;
        }
        if let Some(idr) = offer.id_r {
            payloads.push(Payload::Id(idr)).map_err(e)?;
        }
        for (no, p) in &params {
            payloads
                .push(Payload::Sp(crate::srtp::SrtpPolicy::to_sp(*no, p)))
                .map_err(e)?;
        }
        payloads
            .push(Payload::Kemac(Kemac {
                encr_alg: offer.encr,
                encr_data: plain.expose().get(..n).ok_or(KmError::Internal)?,
                mac_alg: offer.mac,
                mac: zero.get(..mac_len).ok_or(KmError::Internal)?,
            }))
            .map_err(e)?;
        if let Some(h) = &hash {
            payloads
                .push(Payload::Chash(Chash {
                    hash_func: HashFunc::Sha256,
                    hash: h.as_bytes(),
                }))
                .map_err(e)?;
        }
        payloads
            .push(Payload::Pke(Pke {
                cache: PkeCache::NoCache,
                data: pke_buf.get(..pn).ok_or(KmError::Internal)?,
            }))
            .map_err(e)?;
        let header = offer.header(DataType::PkInit, offer.verification);
        let len = pk::write_unsigned(out, &header, &payloads, me.key.modulus_len(), &self.policy)?;
        fill_kemac_mac(s, out, len, offer.mac, kk.auth.expose(), false)?;
        pk::sign_in_place(out, len, me.key, rng, &self.policy, &[])?;
        let kept = Kept::new(offer, rand)?;
        let kv = if offer.mki.is_empty() {
            KeyValidity::Null
        } else {
            KeyValidity::Spi(offer.mki)
        };
        let sas = kept.sas(
            s,
            &Keying::Tgk {
                tgk: tgk.expose(),
                salt: None,
            },
            rand,
            &kv,
            self.policy.first_cs_id,
        )?;
        self.csb_id = offer.csb_id;
        self.t = offer.t;
        self.mac = offer.mac;
        self.id_i = exchange::keep(id_i.data)?;
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
    pub fn handle_response(&mut self, _now: NtpTime, msg: &[u8]) -> Result<(), KmError> {
        if self.state != State::Await {
            return Err(KmError::WrongState);
        }
        let s = &self.crypto;
        let m = Message::parse(msg)?;
        if m.header().csb_id != self.csb_id {
            return Err(KmError::Mismatch);
        }
        let (tb, tl) = exchange::ts_bytes(&self.t);
        let t_tail = tb.get(..tl).ok_or(KmError::Internal)?;
        match m.data_type() {
            DataType::PkResp => {}
            DataType::Error => return Err(exchange::peer_error(s, &m, None)),
            other => return Err(KmError::UnexpectedDataType(other)),
        }
        m.check_mode_rules()?;
        let (id_r, _) = exchange::ids(&m);
        let v = VKey {
            alg: self.mac,
            key: self.auth_key.expose(),
            tail: [&self.id_i, id_r.unwrap_or(&[]), t_tail],
        };
        exchange::check_v(s, &m, &v)?;
        if m.timestamp() != Some(self.t) {
            return Err(KmError::Mismatch);
        }
        self.state = State::Complete;
        Ok(())
    }

    /// The SAs once complete.
    pub fn poll_keys(&self) -> Option<&SrtpSas> {
        (self.state == State::Complete).then_some(&self.sas)
    }
}

/// The PK Responder.
pub struct PkResponder<C, const N: usize = 32, const P: usize = 16> {
    crypto: C,
    policy: Policy,
    cache: ReplayCache<N, P>,
}

impl<C, const N: usize, const P: usize> core::fmt::Debug for PkResponder<C, N, P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PkResponder")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl<C: Symmetric, const N: usize, const P: usize> PkResponder<C, N, P> {
    /// A new Responder.
    pub fn new(crypto: C, policy: Policy) -> Self {
        Self {
            crypto,
            policy,
            cache: ReplayCache::new(),
        }
    }

    /// The replay cache.
    pub fn replay_cache(&self) -> &ReplayCache<N, P> {
        &self.cache
    }

    /// Handles an I_MESSAGE: SIGNi (Initiator's key from `peers`), then PKE (own key), then
    /// the KEMAC MAC. Errors after the message parsed are answered with a SIGNed Error
    /// message in `out`.
    pub fn handle<K: RsaPrivateKeyOps, R: CertResolver>(
        &mut self,
        now: NtpTime,
        msg: &[u8],
        me: &LocalIdentity<'_, K>,
        peers: &R,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<Accepted, Rejected> {
        let s = &self.crypto;
        let m = Message::parse(msg).map_err(KmError::from)?;
        let dt = m.data_type();
        if dt != DataType::PkInit || !self.policy.accepts(dt) {
            return Err(KmError::UnexpectedDataType(dt).into());
        }
        m.check_mode_rules().map_err(KmError::from)?;
        let h = *m.header();
        let t = m.timestamp().ok_or(KmError::Internal)?;
        let policy = self.policy;
        // Before SIGNi verified: an unsigned Error message (no private-key operation on a
        // path any sender can trigger); afterwards: SIGNed.
        let unauth = |e: KmError, out: &mut [u8], _rng: &mut dyn Rng| -> Rejected {
            let reply_len =
                exchange::write_error(s, out, h.csb_id, h.prf_func, t, e.error_no(), None).ok();
            Rejected {
                error: e,
                reply_len,
            }
        };
        let fail = |e: KmError, out: &mut [u8], rng: &mut dyn Rng| -> Rejected {
            let reply_len = pk::write_error_signed(
                out,
                h.csb_id,
                h.prf_func,
                t,
                e.error_no(),
                me.key,
                rng,
                &policy,
            )
            .ok();
            Rejected {
                error: e,
                reply_len,
            }
        };
        let rand = m.rand().ok_or(KmError::Internal)?;
        let kemac = m.kemac().ok_or(KmError::Internal)?;
        let checks = (|| {
            self.policy.check_prf(h.prf_func)?;
            self.policy.check_mac(kemac.mac_alg)?;
            self.policy.check_encr(kemac.encr_alg)?;
            check_window(&t, now, &self.policy.time)?;
            pk::check_chash(s, &m, me.cert)
        })();
        if let Err(e) = checks {
            return Err(unauth(e, out, rng));
        }
        let (cert, id_i) = pk::cert_and_id(&m);
        let peer = match peers.verified_key(cert.as_ref(), id_i) {
            Ok(k) => k,
            Err(e) => return Err(unauth(e, out, rng)),
        };
        if let Err(e) = verify_sign(&m, &peer, &self.policy, &[]) {
            return Err(unauth(e, out, rng));
        }
        let peer_key = exchange::fingerprint(s, &[b"mikey pk peer", id_i.unwrap_or(&[])]);
        let fp = exchange::fingerprint(s, &[msg]);
        if let Err(e) = self.cache.check(&t, &peer_key, &fp, now, &self.policy.time) {
            return Err(fail(e.into(), out, rng));
        }
        let result = (|| -> Result<(SrtpSas, KemacKeys), KmError> {
            let pke = m
                .payloads()
                .find_map(|x| match x.payload {
                    Payload::Pke(k) => Some(k),
                    _ => None,
                })
                .ok_or(KmError::Internal)?;
            let env = pke_decrypt(me.key, rng, self.policy.pke_padding, pke.data)?;
            let auth_len = self.policy.auth_key_len(kemac.mac_alg);
            let kk = KemacKeys::derive(s, h.prf_func, env.expose(), h.csb_id, rand, 16, auth_len)?;
            let cov = m.kemac_covered().ok_or(KmError::Internal)?;
            exchange::verify_mac(
                s,
                kemac.mac_alg,
                kk.auth.expose(),
                &[cov.payload],
                kemac.mac,
            )?;
            let plain =
                exchange::kemac_decrypt(s, kemac.encr_alg, &kk, h.csb_id, &t, kemac.encr_data)?;
            let mut teks = heapless::Vec::new();
            let found = read_key_data(plain.expose(), PayloadType::Id, &mut teks)?;
            if let (Some(inner), Some(outer)) = (found.id, id_i)
                && inner.data != outer
            {
                return Err(KmError::Mismatch);
            }
            let sp_for = |no: u8| {
                m.payloads().find_map(|x| match x.payload {
                    Payload::Sp(sp) if sp.policy_no == no => Some(sp),
                    _ => None,
                })
            };
            let sas = build_sas(
                s,
                h.prf_func,
                &h.cs_id_map,
                sp_for,
                &found.keying,
                h.csb_id,
                rand,
                &found.kv,
                self.policy.first_cs_id,
            )?;
            if sas
                .iter()
                .any(|sa| sa.policy.encr_key_len < self.policy.min_srtp_key_len)
            {
                return Err(KmError::Sp(crate::srtp::SpProblem::Param(1)));
            }
            Ok((sas, kk))
        })();
        let (sas, kk) = match result {
            Ok(x) => x,
            Err(e) => return Err(fail(e, out, rng)),
        };
        let reply_len = if h.v {
            let (tb, tl) = exchange::ts_bytes(&t);
            let own = me.id;
            let v = VKey {
                alg: kemac.mac_alg,
                key: kk.auth.expose(),
                tail: [
                    id_i.unwrap_or(&[]),
                    own.map_or(&[][..], |i| i.data),
                    tb.get(..tl).unwrap_or(&[]),
                ],
            };
            let header = CommonHeader {
                data_type: DataType::PkResp,
                v: false,
                ..h
            };
            let mut payloads = heapless::Vec::<Payload<'_>, 3>::new();
            let _ = payloads.push(Payload::T(t));
            if let Some(id) = own {
                let _ = payloads.push(Payload::Id(id));
            }
            Some(
                exchange::write_with_v(s, out, &header, &payloads, Some(&v))
                    .map_err(Rejected::from)?,
            )
        } else {
            None
        };
        let peer_id = m
            .payloads()
            .find_map(|x| match x.payload {
                Payload::Id(id) => Some(OwnedId::new(&id)),
                _ => None,
            })
            .transpose()
            .map_err(Rejected::from)?;
        self.cache
            .insert(&t, &peer_key, &fp, now, &self.policy.time)
            .map_err(|e| Rejected::from(KmError::from(e)))?;
        Ok(Accepted {
            csb_id: h.csb_id,
            sas,
            reply_len,
            peer: peer_id,
        })
    }
}
