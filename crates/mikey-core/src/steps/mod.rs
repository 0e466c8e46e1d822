//! The steps the key-management modes take the same way: receiving a message, answering
//! a rejected one with an Error message, the replay check and its commit, the offered
//! SP lookup, the peer's ID, and the Diffie-Hellman Responder steps DH and DHHMAC share.
//! The steps of the signed modes (DH, PK, RSA-R) are in [`signed`].
//!
//! Each step computes; none changes a role's state except [`Seen::commit`], which the
//! roles call last.

pub(crate) mod key_data;
pub(crate) mod rsa;
pub(crate) mod signed;

use keying_crypto::{Rng, Symmetric, Time};

use crate::error::{KmError, Rejected};
use crate::modp::DhKeyPair;
use crate::offer::{Kept, MAX_PAYLOADS};
use crate::policy::Policy;
use crate::protect::{self, OwnedId, VKey};
use crate::replay::{Fingerprint, PeerKey, ReplayCache, TimePolicy, check_window};
use crate::srtp::{Keying, SrtpPolicy, SrtpSas, build_sas};
use crate::wire::dh::Dh;
use crate::wire::header::{CommonHeader, DataType, PrfFunc};
use crate::wire::id::Id;
use crate::wire::kemac::MacAlg;
use crate::wire::key_data::KeyValidity;
use crate::wire::message::Message;
use crate::wire::timestamp::Timestamp;
use crate::wire::timestamp::TsType;
use crate::wire::{Payload, PayloadType};

/// Responder: parses an I_MESSAGE, requires data type `want` (and the policy to accept
/// it) and the mode's payload rules; returns the message, its header and its T.
pub(crate) fn receive<'a, const PS: u32>(
    msg: &'a [u8],
    want: DataType,
    policy: &Policy,
) -> Result<(Message<'a, PS>, CommonHeader<'a>, Timestamp), KmError> {
    let m = Message::parse_in(msg).map_err(|e| {
        // Another data type may hold payloads outside the set this role reads: it is
        // refused for its data type, as when it parses.
        match msg.get(1).map(|&b| DataType::from(b)) {
            Some(dt) if dt != want && dt.is_known() && msg.first() == Some(&1) => {
                KmError::UnexpectedDataType(dt)
            }
            _ => KmError::from(e),
        }
    })?;
    let dt = m.data_type();
    if dt != want || !policy.accepts(dt) {
        return Err(KmError::UnexpectedDataType(dt));
    }
    m.check_mode_rules()?;
    let h = *m.header();
    let t = m
        .timestamp()
        .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Timestamp))?;
    Ok((m, h, t))
}

/// Initiator: parses the answer to an exchange with CSB ID `csb_id`, requires data type
/// `want`; an Error message is the peer's error (authenticated with `v` when given and
/// its V checks). The mode's payload rules are left to the caller.
pub(crate) fn answer<'a, S: Symmetric + ?Sized, const PS: u32>(
    s: &S,
    msg: &'a [u8],
    csb_id: u32,
    want: DataType,
    v: Option<&VKey<'_>>,
) -> Result<Message<'a, PS>, KmError> {
    let m = Message::parse_in(msg)?;
    if m.header().csb_id != csb_id {
        return Err(KmError::Mismatch);
    }
    match m.data_type() {
        dt if dt == want => Ok(m),
        DataType::Error => Err(protect::peer_error(s, &m, v)),
        other => Err(KmError::UnexpectedDataType(other)),
    }
}

/// The T of the response `m` to a message sent with T `sent`: its echo (RFC 3830 §5.2,
/// RFC 4738 §3.6). With [`Policy::libmikey_compat`], a T from the Responder's own clock is
/// accepted when it lies within the time window (the response's MAC or signature binds the
/// Initiator's message either way).
pub(crate) fn response_t<const PS: u32>(
    m: &Message<'_, PS>,
    sent: &Timestamp,
    now: Time,
    policy: &Policy,
) -> Result<Timestamp, KmError> {
    match m.timestamp() {
        Some(t) if t == *sent => Ok(t),
        Some(t) if policy.libmikey_compat => {
            check_window(&t, now, &policy.time).map_err(|_| KmError::Mismatch)?;
            Ok(t)
        }
        _ => Err(KmError::Mismatch),
    }
}

/// Initiator: checks the V payload of the verification message `m` (RFC 3830 §5.2): the
/// MAC with `alg` under `auth` over the message ‖ IDi ‖ IDr ‖ T (`t`, the I_MESSAGE's).
/// With `libmikey` ([`Policy::libmikey_compat`]) a MAC over the message ‖ T alone is
/// accepted too. The caller checks the response's T with [`response_t`].
pub(crate) fn check_verification<S: Symmetric + ?Sized, const PS: u32>(
    s: &S,
    m: &Message<'_, PS>,
    alg: MacAlg,
    auth: &[u8],
    id_i: &[u8],
    t: &Timestamp,
    libmikey: bool,
) -> Result<(), KmError> {
    let (tb, tl) = protect::ts_bytes(t);
    let t_tail = tb.get(..tl).ok_or(KmError::BufferTooSmall { needed: tl })?;
    let (id_r, _) = protect::ids(m);
    let rfc = VKey {
        alg,
        key: auth,
        tail: [id_i, id_r.unwrap_or(&[]), t_tail],
    };
    match protect::check_v(s, m, &rfc) {
        Err(KmError::AuthFailed) if libmikey => protect::check_v(
            s,
            m,
            &VKey {
                tail: [&[], &[], t_tail],
                ..rfc
            },
        )?,
        r => r?,
    }
    Ok(())
}

/// Responder: the verification message `HDR, T, [IDr], V` (RFC 3830 §5.2) of data type
/// `data_type` answering the I_MESSAGE whose header bytes are `header` (echoed, see
/// [`crate::wire::message::MessageWriter::echo`]) and whose T is `t`: V with `alg` under
/// `auth` over the message ‖ IDi ‖ IDr ‖ T (‖ T alone with `libmikey`). Returns its length
/// in `out`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_verification<S: Symmetric + ?Sized>(
    s: &S,
    out: &mut [u8],
    header: &[u8],
    data_type: DataType,
    t: Timestamp,
    id_i: Option<&[u8]>,
    id_r: Option<Id<'_>>,
    alg: MacAlg,
    auth: &[u8],
    libmikey: bool,
) -> Result<usize, KmError> {
    let (tb, tl) = protect::ts_bytes(&t);
    let ids: [&[u8]; 2] = if libmikey {
        [&[], &[]]
    } else {
        [
            id_i.unwrap_or(&[]),
            id_r.as_ref().map_or(&[][..], |i| i.data),
        ]
    };
    let v = VKey {
        alg,
        key: auth,
        tail: [ids[0], ids[1], tb.get(..tl).unwrap_or(&[])],
    };
    let body = |w: &mut crate::wire::message::MessageWriter<'_>| {
        w.push_body(&t);
        if let Some(id) = id_r {
            w.push_body(&id);
        }
    };
    protect::write_with_v(
        s,
        out,
        |out| crate::wire::message::MessageWriter::echo(out, header, data_type),
        body,
        Some(&v),
    )
}

/// How a Responder answers a message it rejects: an Error message echoing the CSB ID,
/// PRF and T of the I_MESSAGE.
pub(crate) struct Reply<'a, S: ?Sized> {
    s: &'a S,
    csb_id: u32,
    prf_func: PrfFunc,
    t: Timestamp,
}

impl<'a, S: Symmetric + ?Sized> Reply<'a, S> {
    /// Answers for the I_MESSAGE with header `h` and T `t`.
    pub(crate) fn new(s: &'a S, h: &CommonHeader<'_>, t: Timestamp) -> Self {
        Self {
            s,
            csb_id: h.csb_id,
            prf_func: h.prf_func,
            t,
        }
    }

    /// Rejects with `e`: the Error message in `out`, with V under `v` when given,
    /// unauthenticated otherwise (RFC 3830 §5.1.2).
    pub(crate) fn reject(&self, e: KmError, out: &mut [u8], v: Option<&VKey<'_>>) -> Rejected {
        let reply_len = protect::write_error(
            self.s,
            out,
            self.csb_id,
            self.prf_func,
            self.t,
            e.error_no(),
            v,
        )
        .ok();
        Rejected {
            error: e,
            reply_len,
        }
    }
}

impl<S: ?Sized> Reply<'_, S> {
    /// Rejects with `e` once a private key may answer: the Error message `HDR, T, ERR,
    /// SIGN` in `out`, signed with `key` (RFC 3830 §5.1.2: V or SIGN when a key exists).
    pub(crate) fn reject_signed<K: keying_crypto::RsaPrivateKeyOps + ?Sized>(
        &self,
        e: KmError,
        out: &mut [u8],
        key: &K,
        rng: &mut dyn Rng,
        policy: &Policy,
    ) -> Rejected {
        let header = CommonHeader {
            data_type: DataType::Error,
            v: false,
            prf_func: self.prf_func,
            csb_id: self.csb_id,
            cs_id_map: crate::wire::header::CsIdMap::SrtpId(crate::wire::list::List::Items(&[])),
        };
        let error_no = e.error_no();
        let reply_len = rsa::write_signed(
            out,
            &header,
            &[
                Payload::Timestamp(self.t),
                Payload::Err(crate::wire::err::ErrorPayload { error_no }),
            ],
            key,
            rng,
            policy,
            &[],
        )
        .ok();
        Rejected {
            error: e,
            reply_len,
        }
    }
}

/// The PRF and T window checks of a Responder.
pub(crate) fn check_prf_window(
    policy: &Policy,
    prf: PrfFunc,
    t: &Timestamp,
    now: Time,
) -> Result<(), KmError> {
    policy.check_prf(prf)?;
    Ok(check_window(t, now, &policy.time)?)
}

/// An I_MESSAGE as the replay cache sees it: looked up before it is authenticated (the
/// signed modes do so before any public-key operation), recorded only once it is
/// authenticated and accepted.
pub(crate) struct Seen {
    t: Timestamp,
    peer: PeerKey,
    fp: Fingerprint,
    now: Time,
    time: TimePolicy,
}

impl Seen {
    /// The message `msg` with T `t` from the peer identified by the digest of `peer`, if
    /// `cache` takes it (no replay, T fresh for the peer). The message is known by `mac`
    /// when that is the verified MAC over all of it ([`protect::mac_fingerprint`]), else
    /// by its digest. Read-only: nothing is recorded until [`Seen::commit`].
    ///
    /// # Errors
    /// The replay / timestamp rejection, or [`KmError::Crypto`] when the provider has no
    /// SHA-1 (the cache's message and peer digests).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn check<S: Symmetric + ?Sized, const N: usize, const P: usize>(
        s: &S,
        peer: &[&[u8]],
        msg: &[u8],
        mac: Option<&[u8]>,
        t: Timestamp,
        now: Time,
        time: TimePolicy,
        cache: &ReplayCache<N, P>,
    ) -> Result<Self, KmError> {
        // The peer's digest keys the COUNTER table only: a time-stamped message is told
        // from a replay by its own digest, and its peer's is not computed.
        let peer = match t.ts_type {
            TsType::Counter => protect::fingerprint(s, peer)?,
            _ => PeerKey::default(),
        };
        let seen = Self {
            t,
            peer,
            fp: match mac.and_then(protect::mac_fingerprint) {
                Some(fp) => fp,
                None => protect::fingerprint(s, &[msg])?,
            },
            now,
            time,
        };
        cache.check(&seen.t, &seen.peer, &seen.fp, seen.now, &seen.time)?;
        Ok(seen)
    }

    /// Records the message in `cache`, the one [`Seen::check`] looked it up in, unchanged
    /// since (the role holds it across the call): the commit, last.
    pub(crate) fn commit<const N: usize, const P: usize>(
        &self,
        cache: &mut ReplayCache<N, P>,
    ) -> Result<(), Rejected> {
        cache
            .record(&self.t, &self.peer, &self.fp, self.now, &self.time)
            .map_err(|e| Rejected::from(KmError::from(e)))
    }
}

/// An owned copy of the first ID payload of `m`, if any.
pub(crate) fn peer_id<const PS: u32>(m: &Message<'_, PS>) -> Result<Option<OwnedId>, KmError> {
    m.payloads_with(PayloadType::Id)
        .find_map(|x| match x.payload {
            Payload::Id(id) => Some(OwnedId::new(&id)),
            _ => None,
        })
        .transpose()
}

/// The cheap check of the SRTP policies `m` names, before any key work: for every crypto
/// session of the SRTP-ID map of `m`, the SP payload it names must be a usable SRTP policy
/// (RFC 3830 §6.10.1), or, when it names none, the RFC 3711 defaults
/// ([`SrtpPolicy::DEFAULT`]) are taken; either must pass [`Policy::check_srtp`]. These are
/// the policies [`crate::srtp::build_sas`] will use, so a message passing here fails there
/// only for its key data. Any other map is left to `build_sas`.
///
/// # Errors
/// [`KmError::Sp`]: Error no Invalid SP / Invalid SPpar (RFC 3830 §6.12).
pub(crate) fn check_offered_sps<const PS: u32>(
    m: &Message<'_, PS>,
    policy: &Policy,
) -> Result<(), KmError> {
    let crate::wire::header::CsIdMap::SrtpId(list) = &m.header().cs_id_map else {
        return Ok(());
    };
    for cs in list.iter() {
        let p = SrtpPolicy::offered_in(m, cs.policy_no).map_err(KmError::Sp)?;
        policy.check_srtp(&p)?;
    }
    Ok(())
}

/// The DH payloads of a message, in order.
pub(crate) fn dh_values<'a>(m: &Message<'a>) -> (Option<Dh<'a>>, Option<Dh<'a>>) {
    let mut it = m.payloads().filter_map(|p| match p.payload {
        Payload::Dh(d) => Some(d),
        _ => None,
    });
    (it.next(), it.next())
}

/// DH Responder: refuses the Initiator's group `dhi` unless the policy allows it.
pub(crate) fn check_dh_group(policy: &Policy, dhi: &Dh<'_>) -> Result<(), KmError> {
    if !policy.dh_groups.contains(dhi.group) {
        return Err(KmError::DhGroupRefused);
    }
    Ok(())
}

/// DH Responder: this side's key pair in the Initiator's group, the TGK agreed with DHi
/// and the SAs (offered SPs, the Initiator's RAND) under it.
pub(crate) fn dh_agree<S: Symmetric + ?Sized>(
    s: &S,
    m: &Message<'_>,
    h: &CommonHeader<'_>,
    dhi: &Dh<'_>,
    rand: &[u8],
    first_cs_id: u8,
    rng: &mut dyn Rng,
) -> Result<(DhKeyPair, SrtpSas), KmError> {
    let pair = DhKeyPair::generate(dhi.group, rng)?;
    let tgk = pair.agree(dhi.value)?;
    let sas = build_sas(
        s,
        &crate::srtp::SaInputs {
            prf_func: h.prf_func,
            map: &h.cs_id_map,
            policy_for: |no| SrtpPolicy::offered_in(m, no),
            keying: &Keying::Tgk {
                tgk: tgk.expose(),
                salt: None,
            },
            csb_id: h.csb_id,
            rand,
            kv: &KeyValidity::Null,
            first_cs_id,
        },
    )?;
    Ok((pair, sas))
}

/// DH Initiator: the TGK agreed with the Responder's DHr value `dhr` and the SAs of the
/// offer `kept` (own RAND) under it.
pub(crate) fn dh_initiator_sas<S: Symmetric + ?Sized>(
    s: &S,
    kept: &Kept,
    pair: &DhKeyPair,
    dhr: &[u8],
    first_cs_id: u8,
) -> Result<SrtpSas, KmError> {
    let tgk = pair.agree(dhr)?;
    kept.sas(
        s,
        &Keying::Tgk {
            tgk: tgk.expose(),
            salt: None,
        },
        &kept.rand,
        &KeyValidity::Null,
        first_cs_id,
    )
}

/// This side's DH payload: the public value of `pair` in its group.
pub(crate) fn dh_payload(pair: &DhKeyPair) -> Dh<'_> {
    Dh {
        group: pair.group(),
        value: pair.public(),
        kv: KeyValidity::Null,
    }
}

/// DH Responder: the R_MESSAGE payloads before the authentication,
/// `T, [IDr], [CERTr], IDi, DHr, DHi`.
pub(crate) fn dh_resp_payloads<'a>(
    t: Timestamp,
    id_r: Option<Id<'a>>,
    cert_r: Option<Payload<'a>>,
    m: &Message<'a>,
    pair: &'a DhKeyPair,
    dhi: Dh<'a>,
) -> heapless::Vec<Payload<'a>, MAX_PAYLOADS> {
    let mut payloads = heapless::Vec::<Payload<'_>, MAX_PAYLOADS>::new();
    let _ = payloads.push(Payload::Timestamp(t));
    if let Some(id) = id_r {
        let _ = payloads.push(Payload::Id(id));
    }
    if let Some(c) = cert_r {
        let _ = payloads.push(c);
    }
    if let Some(idi) = m.find(PayloadType::Id) {
        let _ = payloads.push(idi.payload);
    }
    let _ = payloads.push(Payload::Dh(dh_payload(pair)));
    let _ = payloads.push(Payload::Dh(dhi));
    payloads
}
