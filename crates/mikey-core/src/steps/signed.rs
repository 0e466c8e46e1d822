//! The steps of the signed modes (DH, PK, RSA-R): receiving a signed message (checks,
//! replay lookup, the signer's verified key, SIGN), the Error reply before and after SIGN
//! verified, opening a PKE envelope, and emitting a message whose KEMAC MAC is filled
//! in before SIGN.

use keying_crypto::{Rng, RsaPrivateKeyOps, Symmetric};

use crate::error::{KmError, Rejected};
use crate::hooks::CertResolver;
use crate::kdf::KemacKeys;
use crate::policy::Policy;
use crate::protect::OwnedId;
use crate::replay::ReplayCache;
use crate::steps::rsa::{self, pke_decrypt, verify_sign};
use crate::wire::Payload;
use crate::wire::header::CommonHeader;
use crate::wire::kemac::MacAlg;
use crate::wire::message::{KemacScope, Message};
use crate::wire::timestamp::Timestamp;
use keying_crypto::Time;

use super::{Reply, Seen};

/// The first CERT and ID of `m` give the signer's key (checked by `peers`), which must
/// verify SIGN over the signed bytes ‖ `extra`. Returns the key and the signer's ID data.
pub(crate) fn verified_signer<'a, R: CertResolver>(
    m: &Message<'a>,
    peers: &R,
    policy: &Policy,
    extra: &[&[u8]],
) -> Result<(R::Key, Option<&'a [u8]>), KmError> {
    let (cert, id) = rsa::cert_and_id(m);
    let key = peers.verified_key(cert.as_ref(), id)?;
    verify_sign(m, &key, policy, extra)?;
    Ok((key, id))
}

/// What [`SignedIn::authenticate`] returns.
pub(crate) struct Authenticated<'a, R: CertResolver> {
    /// The Initiator's verified key.
    pub(crate) key: R::Key,
    /// Its ID data as sent.
    pub(crate) id_i: Option<&'a [u8]>,
    /// Its ID, copied for [`crate::protect::Accepted::peer`].
    pub(crate) peer_id: Option<OwnedId>,
    /// The message as the replay cache sees it.
    pub(crate) seen: Seen,
}

/// A signed-mode Responder's handling of an I_MESSAGE with header `h` and T `t`: its
/// rejections, unsigned before SIGNi verified (no private-key operation on a path any
/// sender can trigger), SIGNed with `key` afterwards.
pub(crate) struct SignedIn<'a, S: ?Sized, K: ?Sized> {
    s: &'a S,
    reply: Reply<'a, S>,
    t: Timestamp,
    key: &'a K,
    policy: Policy,
}

impl<'a, S: Symmetric + ?Sized, K: RsaPrivateKeyOps + ?Sized> SignedIn<'a, S, K> {
    /// The I_MESSAGE with header `h` and T `t`, answered with `key` under `policy`.
    pub(crate) fn new(
        s: &'a S,
        h: &CommonHeader<'_>,
        t: Timestamp,
        key: &'a K,
        policy: Policy,
    ) -> Self {
        Self {
            s,
            reply: Reply::new(s, h, t),
            t,
            key,
            policy,
        }
    }

    /// Rejects with `e` before SIGNi verified: an unsigned Error message in `out`.
    pub(crate) fn unauth(&self, e: KmError, out: &mut [u8]) -> Rejected {
        self.reply.reject(e, out, None)
    }

    /// Rejects with `e` after SIGNi verified: a SIGNed Error message in `out`.
    pub(crate) fn fail(&self, e: KmError, out: &mut [u8], rng: &mut dyn Rng) -> Rejected {
        self.reply
            .reject_signed(e, out, self.key, rng, &self.policy)
    }

    /// Authenticates the I_MESSAGE `m` (bytes `msg`): the mode's cheap checks `pre`
    /// (rejected unsigned), then the read-only replay lookup for the peer `label` ‖ IDi
    /// as the message names it, then SIGNi with the Initiator's verified key (rejected
    /// unsigned). Returns the Initiator's key, its ID data and the message as the replay
    /// cache sees it, to commit last.
    ///
    /// The replay lookup comes before any public-key operation, and a message the cache
    /// refuses (a replay, a COUNTER not increasing, a full cache) gets no Error message at
    /// all (`reply_len` is `None`): it is not authenticated, so no key may answer it
    /// (RFC 3830 §5.1.2 adds V or SIGN to an Error message only when a key exists), and
    /// any sender who saw one message in SDP could replay it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn authenticate<R: CertResolver, const N: usize, const P: usize>(
        &self,
        m: &Message<'a>,
        msg: &[u8],
        pre: Result<(), KmError>,
        peers: &R,
        label: &[u8],
        cache: &ReplayCache<N, P>,
        now: Time,
        out: &mut [u8],
    ) -> Result<Authenticated<'a, R>, Rejected> {
        if let Err(e) = pre {
            return Err(self.unauth(e, out));
        }
        // The replay key is what the message itself says (its IDi and bytes), so that it
        // is known before SIGNi is checked.
        let (_, named) = rsa::cert_and_id(m);
        let seen = Seen::check(
            self.s,
            &[label, named.unwrap_or(&[])],
            msg,
            None,
            self.t,
            now,
            self.policy.time,
            cache,
        )
        .map_err(Rejected::from)?;
        let (peer, id_i) = match verified_signer(m, peers, &self.policy, &[]) {
            Ok(x) => x,
            Err(e) => return Err(self.unauth(e, out)),
        };
        // The peer's ID is copied (and an over-long one refused) here, before the caller
        // builds any reply: a message that will be rejected costs no PKE / signature / DH
        // work. The replay commit stays the caller's last step.
        let peer_id = super::peer_id(m).map_err(Rejected::from)?;
        Ok(Authenticated {
            key: peer,
            id_i,
            peer_id,
            seen,
        })
    }
}

/// Opens the PKE envelope of `m` with this side's `key` and derives the KEMAC keys from
/// the envelope key (RFC 3830 §4.1.4) with the PRF func, CSB ID and RAND of `label` (its
/// `inkey` is not used: the envelope key takes its place), and the encr_key and auth_key
/// lengths of the message's KEMAC algorithms.
pub(crate) fn open_envelope<S: Symmetric + ?Sized, K: RsaPrivateKeyOps + ?Sized>(
    s: &S,
    m: &Message<'_>,
    key: &K,
    rng: &mut dyn Rng,
    policy: &Policy,
    label: &crate::kdf::Derivation<'_>,
) -> Result<KemacKeys, KmError> {
    let pke = m
        .payloads()
        .find_map(|x| match x.payload {
            Payload::Pke(k) => Some(k),
            _ => None,
        })
        .ok_or_else(|| crate::error::missing(m, crate::wire::PayloadType::Pke))?;
    let kemac = m
        .kemac()
        .ok_or_else(|| crate::error::missing(m, crate::wire::PayloadType::Kemac))?;
    let env = pke_decrypt(key, rng, policy.pke_padding, pke.data)?;
    Ok(KemacKeys::derive(
        s,
        &crate::kdf::Derivation {
            inkey: env.expose(),
            ..*label
        },
        crate::protect::kemac_encr_key_len(kemac.encr_alg),
        policy.auth_key_len(kemac.mac_alg),
    )?)
}

/// Writes `header` and `payloads` (KEMAC MAC zeroed, SIGN left out), fills in the KEMAC
/// MAC under `auth`, then SIGN with `key` over the message ‖ `extra`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_kemac_signed<S: Symmetric + ?Sized, K: RsaPrivateKeyOps + ?Sized>(
    s: &S,
    out: &mut [u8],
    header: &CommonHeader<'_>,
    payloads: &[Payload<'_>],
    mac_alg: MacAlg,
    auth: &[u8],
    key: &K,
    rng: &mut dyn Rng,
    policy: &Policy,
    extra: &[&[u8]],
) -> Result<usize, KmError> {
    let len = rsa::write_unsigned(out, header, payloads, key.modulus_len(), policy)?;
    crate::steps::key_data::fill_kemac_mac(s, out, len, mac_alg, auth, KemacScope::Payload)?;
    rsa::sign_in_place(out, len, key, rng, policy, extra)?;
    Ok(len)
}
