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

use crate::dh::{Dh, DhGroup};
use crate::exchange::{self, KmError, OwnedId, Policy, Rejected};
use crate::header::{CommonHeader, DataType};
use crate::key_data::KeyValidity;
use crate::message::Message;
use crate::modp::DhKeyPair;
use crate::offer::{Kept, MAX_PAYLOADS, Offer, SpStore, push_prefix};
use crate::payload::{Payload, PayloadType};
use crate::pk::{self, CertResolver, LocalIdentity, verify_sign, write_signed};
use crate::psk::Accepted;
use crate::replay::{NtpTime, ReplayCache, check_window};
use crate::srtp::{Keying, SrtpSas, build_sas};

fn dh_values<'a>(m: &Message<'a>) -> (Option<Dh<'a>>, Option<Dh<'a>>) {
    let mut it = m.payloads().filter_map(|p| match p.payload {
        Payload::Dh(d) => Some(d),
        _ => None,
    });
    (it.next(), it.next())
}

/// The DH Initiator.
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
        offer: &Offer<'_>,
        group: DhGroup,
        me: &LocalIdentity<'_, K>,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<usize, KmError> {
        if self.pair.is_some() || self.sas.is_some() {
            return Err(KmError::WrongState);
        }
        offer.check()?;
        let mut rand = [0u8; exchange::MAX_RAND];
        let rand = rand.get_mut(..offer.rand_len).ok_or(KmError::Internal)?;
        rng.fill_bytes(rand).map_err(|_| KmError::Internal)?;
        let pair = DhKeyPair::generate(group, rng)?;
        let store = SpStore::new(offer.policies);
        let params = store.params();
        let mut payloads = heapless::Vec::<Payload<'_>, MAX_PAYLOADS>::new();
        let e = |_| KmError::Internal;
        push_prefix(
            &mut payloads,
            offer.t,
            Some(rand),
            me.id.or(offer.id_i),
            None,
            &[],
        )?;
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
            .push(Payload::Dh(Dh {
                group,
                value: pair.public(),
                kv: KeyValidity::Null,
            }))
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

    /// Handles the R_MESSAGE: SIGNr with the Responder's verified key, T echo, DHi echo,
    /// DHr range. A rejected message leaves the Initiator waiting.
    pub fn handle_response<R: CertResolver>(
        &mut self,
        _now: NtpTime,
        msg: &[u8],
        peers: &R,
    ) -> Result<(), KmError> {
        let (Some(kept), Some(pair)) = (&self.kept, &self.pair) else {
            return Err(KmError::WrongState);
        };
        let s = &self.crypto;
        let m = Message::parse(msg)?;
        if m.header().csb_id != kept.csb_id {
            return Err(KmError::Mismatch);
        }
        match m.data_type() {
            DataType::DhResp => {}
            DataType::Error => return Err(exchange::peer_error(s, &m, None)),
            other => return Err(KmError::UnexpectedDataType(other)),
        }
        m.check_mode_rules()?;
        let (cert, id_r) = pk::cert_and_id(&m);
        let peer = peers.verified_key(cert.as_ref(), id_r)?;
        verify_sign(&m, &peer, &self.policy, &[])?;
        if m.timestamp() != Some(kept.t) {
            return Err(KmError::Mismatch);
        }
        let (dhr, dhi) = dh_values(&m);
        let (Some(dhr), Some(dhi)) = (dhr, dhi) else {
            return Err(KmError::Mismatch);
        };
        if dhi.group != pair.group() || dhi.value != pair.public() || dhr.group != pair.group() {
            return Err(KmError::Mismatch);
        }
        let tgk = pair.agree(dhr.value)?;
        let sas = kept.sas(
            s,
            &Keying::Tgk {
                tgk: tgk.expose(),
                salt: None,
            },
            &kept.rand,
            &KeyValidity::Null,
            self.policy.first_cs_id,
        )?;
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
pub struct DhResponder<C, const N: usize = 32, const P: usize = 16> {
    crypto: C,
    policy: Policy,
    cache: ReplayCache<N, P>,
}

impl<C, const N: usize, const P: usize> core::fmt::Debug for DhResponder<C, N, P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DhResponder")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl<C: Symmetric, const N: usize, const P: usize> DhResponder<C, N, P> {
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

    /// Handles an I_MESSAGE: SIGNi first, then the DH group and value; answers with the
    /// signed R_MESSAGE in `out`. Errors after SIGNi verified are answered with a SIGNed
    /// Error message, earlier ones with an unsigned one.
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
        if dt != DataType::DhInit || !self.policy.accepts(dt) {
            return Err(KmError::UnexpectedDataType(dt).into());
        }
        m.check_mode_rules().map_err(KmError::from)?;
        let h = *m.header();
        let t = m.timestamp().ok_or(KmError::Internal)?;
        let rand = m.rand().ok_or(KmError::Internal)?;
        let policy = self.policy;
        let unauth = |e: KmError, out: &mut [u8]| -> Rejected {
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
        if let Err(e) = self
            .policy
            .check_prf(h.prf_func)
            .and_then(|()| Ok(check_window(&t, now, &self.policy.time)?))
        {
            return Err(unauth(e, out));
        }
        let (cert, id_i) = pk::cert_and_id(&m);
        let peer = match peers.verified_key(cert.as_ref(), id_i) {
            Ok(k) => k,
            Err(e) => return Err(unauth(e, out)),
        };
        if let Err(e) = verify_sign(&m, &peer, &self.policy, &[]) {
            return Err(unauth(e, out));
        }
        let peer_key = exchange::fingerprint(s, &[b"mikey dh peer", id_i.unwrap_or(&[])]);
        let fp = exchange::fingerprint(s, &[msg]);
        if let Err(e) = self.cache.check(&t, &peer_key, &fp, now, &self.policy.time) {
            return Err(fail(e.into(), out, rng));
        }
        let (dhi, _) = dh_values(&m);
        let dhi = dhi.ok_or(KmError::Internal)?;
        let g = dhi.group.to_wire();
        if g >= 8 || self.policy.dh_groups & (1 << g) == 0 {
            return Err(fail(KmError::DhGroupRefused, out, rng));
        }
        let pair = match DhKeyPair::generate(dhi.group, rng) {
            Ok(p) => p,
            Err(e) => return Err(fail(e, out, rng)),
        };
        let tgk = match pair.agree(dhi.value) {
            Ok(t) => t,
            Err(e) => return Err(fail(e, out, rng)),
        };
        let sp_for = |no: u8| {
            m.payloads().find_map(|p| match p.payload {
                Payload::Sp(sp) if sp.policy_no == no => Some(sp),
                _ => None,
            })
        };
        let sas = match build_sas(
            s,
            h.prf_func,
            &h.cs_id_map,
            sp_for,
            &Keying::Tgk {
                tgk: tgk.expose(),
                salt: None,
            },
            h.csb_id,
            rand,
            &KeyValidity::Null,
            self.policy.first_cs_id,
        ) {
            Ok(sas) => sas,
            Err(e) => return Err(fail(e.into(), out, rng)),
        };
        let mut payloads = heapless::Vec::<Payload<'_>, MAX_PAYLOADS>::new();
        let _ = payloads.push(Payload::T(t));
        if let Some(id) = me.id {
            let _ = payloads.push(Payload::Id(id));
        }
        if let Some(c) = me.cert_payload() {
            let _ = payloads.push(c);
        }
        if let Some(idi) = m.find(PayloadType::Id) {
            let _ = payloads.push(idi.payload);
        }
        let _ = payloads.push(Payload::Dh(Dh {
            group: dhi.group,
            value: pair.public(),
            kv: KeyValidity::Null,
        }));
        let _ = payloads.push(Payload::Dh(dhi));
        let header = CommonHeader {
            data_type: DataType::DhResp,
            v: false,
            ..h
        };
        let n = write_signed(out, &header, &payloads, me.key, rng, &self.policy, &[])
            .map_err(Rejected::from)?;
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
            reply_len: Some(n),
            peer: peer_id,
        })
    }
}
