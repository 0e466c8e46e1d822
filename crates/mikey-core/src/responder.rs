//! One Responder for every mode: dispatches on the data type to the per-mode Responders,
//! each with its own [`Policy`] (modes, algorithms, key sizes), sharing the identity
//! hooks.

use keying_crypto::{Rng, RsaPrivateKeyOps, Symmetric};

use crate::dh::DhResponder;
use crate::dhhmac::DhHmacResponder;
use crate::error::{KmError, Rejected};
use crate::hooks::KeyResolver;
use crate::hooks::{CertResolver, LocalIdentity};
use crate::pk::PkResponder;
use crate::policy::Policy;
use crate::protect;
use crate::protect::OwnedId;
use crate::psk::PskResponder;
use crate::rsa_r::RsaRResponder;
use crate::srtp::SrtpSas;
use crate::wire::header::DataType;
use crate::wire::message::Message;
use keying_crypto::Time;

/// What a responder accepted.
///
/// The SRTP SAs (about 1 KiB) stay in the Responder that derived them and are lent here,
/// so they are never copied through the stack; they are wiped when the Responder handles
/// its next message (or is dropped). Clone them to keep them longer.
#[derive(Debug, Clone)]
pub struct Accepted<'r> {
    /// The bundle's CSB ID.
    pub csb_id: u32,
    /// The SRTP SAs, held by the Responder until its next `handle`.
    pub sas: &'r SrtpSas,
    /// Bytes of `out` holding the response to send (verification / R_MESSAGE), if any.
    pub reply_len: Option<usize>,
    /// The Initiator's identity, if it sent one.
    pub peer: Option<OwnedId>,
}

impl<'r> Accepted<'r> {
    /// What a Responder accepted: bundle `csb_id`, the SAs it holds, the length of its
    /// reply and the authenticated peer.
    pub(crate) fn new(
        csb_id: u32,
        sas: &'r SrtpSas,
        reply_len: Option<usize>,
        peer: Option<OwnedId>,
    ) -> Self {
        Self {
            csb_id,
            sas,
            reply_len,
            peer,
        }
    }
}

/// Per-mode policies of a [`Responder`]; a mode whose policy does not accept its data
/// type (see [`Policy::modes`]) is refused with Error 11 (Invalid DT).
#[derive(Debug, Clone, Copy, Default)]
pub struct ModePolicies {
    /// PSK (data type 0).
    pub psk: Policy,
    /// PK (data type 2).
    pub pk: Policy,
    /// DH (data type 4).
    pub dh: Policy,
    /// DHHMAC (data type 7).
    pub dhhmac: Policy,
    /// RSA-R (data type 9).
    pub rsa_r: Policy,
}

/// The dispatching Responder.
///
/// # Example
///
/// ```
/// # #[cfg(feature = "alloc")]
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use mikey_core::keying_crypto::rustcrypto::{HashDrbg, RsaPrivate, RsaPublic, RustCrypto};
/// use mikey_core::{Hooks, ModePolicies, Offer, Policy, PskInitiator, Responder, SrtpCs};
/// use mikey_core::{StaticPsk, Time, Timestamp, TsType};
///
/// let now = Time::from_unix_secs(1_763_856_000);
/// let psk = StaticPsk::new(b"a pre-shared key of 20 bytes")?;
/// let streams = [SrtpCs { policy_no: 0, ssrc: 0xdead_beef, roc: 0 }];
/// let t = Timestamp { ts_type: TsType::NtpUtc, value: 0 };
/// let mut initiator = PskInitiator::new(RustCrypto, Policy::default());
/// let mut i_msg = [0u8; 512];
/// let n = initiator.start(
///     now,
///     &Offer::new(1, &streams, t),
///     psk.0.expose(),
///     &mut HashDrbg::new(&[1; 32]),
///     &mut i_msg,
/// )?;
///
/// // A PSK-only Responder: no private key, no certificate hook.
/// let mut responder = Responder::new(RustCrypto, ModePolicies::default())?;
/// let hooks: Hooks<'_, RsaPrivate, mikey_core::PinnedKeys<RsaPublic>> =
///     Hooks { psks: &psk, me: None, certs: &mikey_core::PinnedKeys::new(
///         &RustCrypto, [[0u8; 0]; 0], &Policy::default())? };
/// let accepted = responder.handle(
///     now, &i_msg[..n], &hooks, &mut HashDrbg::new(&[2; 32]), &mut [0u8; 512])?;
/// assert_eq!(accepted.csb_id, 1);
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "alloc"))]
/// # fn main() {}
/// ```
pub struct Responder<C, const N: usize = 32, const P: usize = 16> {
    policies: ModePolicies,
    crypto: C,
    /// The PSK Responder.
    pub psk: PskResponder<C, N, P>,
    /// The PK Responder.
    pub pk: PkResponder<C, N, P>,
    /// The DH Responder.
    pub dh: DhResponder<C, N, P>,
    /// The DHHMAC Responder.
    pub dhhmac: DhHmacResponder<C, N, P>,
    /// The RSA-R Responder (configure groups on it directly).
    pub rsa_r: RsaRResponder<C, N, P>,
}

impl<C, const N: usize, const P: usize> core::fmt::Debug for Responder<C, N, P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Responder")
            .field("policies", &self.policies)
            .finish_non_exhaustive()
    }
}

/// The identity hooks a [`Responder`] calls.
pub struct Hooks<'h, K, R> {
    /// PSKs by peer identity (PSK, DHHMAC).
    pub psks: &'h dyn KeyResolver,
    /// This side's private-key handle, certificate and ID (PK, DH, RSA-R), if any.
    pub me: Option<&'h LocalIdentity<'h, K>>,
    /// Peer certificate validation (PK, DH, RSA-R).
    pub certs: &'h R,
}

impl<K, R> core::fmt::Debug for Hooks<'_, K, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Hooks")
            .field("has_identity", &self.me.is_some())
            .finish_non_exhaustive()
    }
}

impl<C: Symmetric + Clone> Responder<C> {
    /// A Responder with `policies`; the RSA-R unicast streams / policies are empty until set
    /// on [`Responder::rsa_r`] (or use a group).
    ///
    /// The default capacities (`N` = 32 replay-cache entries, `P` = 16 peer counters);
    /// [`Responder::with_capacity`] builds others.
    pub fn new(crypto: C, policies: ModePolicies) -> Result<Self, KmError> {
        Self::with_capacity(crypto, policies)
    }
}

impl<C: Symmetric + Clone, const N: usize, const P: usize> Responder<C, N, P> {
    /// A Responder with `policies`; the RSA-R unicast streams / policies are empty until set
    /// on [`Responder::rsa_r`] (or use a group).
    pub fn with_capacity(crypto: C, policies: ModePolicies) -> Result<Self, KmError> {
        Ok(Self {
            psk: PskResponder::with_capacity(crypto.clone(), policies.psk),
            pk: PkResponder::with_capacity(crypto.clone(), policies.pk),
            dh: DhResponder::with_capacity(crypto.clone(), policies.dh),
            dhhmac: DhHmacResponder::with_capacity(crypto.clone(), policies.dhhmac),
            rsa_r: RsaRResponder::with_capacity(crypto.clone(), policies.rsa_r, &[], &[])?,
            policies,
            crypto,
        })
    }

    /// Handles any initiating message at `now`; see the per-mode `handle` methods.
    pub fn handle<K: RsaPrivateKeyOps, R: CertResolver>(
        &mut self,
        now: Time,
        msg: &[u8],
        hooks: &Hooks<'_, K, R>,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<Accepted<'_>, Rejected> {
        let m = Message::parse(msg).map_err(KmError::from)?;
        let dt = m.data_type();
        let (policy, needs_key) = match dt {
            DataType::PskInit => (&self.policies.psk, false),
            DataType::PkInit => (&self.policies.pk, true),
            DataType::DhInit => (&self.policies.dh, true),
            DataType::DhHmacInit => (&self.policies.dhhmac, false),
            DataType::RsaRInit => (&self.policies.rsa_r, true),
            _ => return Err(self.refuse(&m, out)),
        };
        if !policy.accepts(dt) {
            return Err(self.refuse(&m, out));
        }
        let me = match (needs_key, hooks.me) {
            (true, None) => return Err(self.refuse(&m, out)),
            (_, me) => me,
        };
        match (dt, me) {
            (DataType::PskInit, _) => self.psk.handle(now, msg, hooks.psks, out),
            (DataType::DhHmacInit, _) => self.dhhmac.handle(now, msg, hooks.psks, rng, out),
            (DataType::PkInit, Some(me)) => self.pk.handle(now, msg, me, hooks.certs, rng, out),
            (DataType::DhInit, Some(me)) => self.dh.handle(now, msg, me, hooks.certs, rng, out),
            (DataType::RsaRInit, Some(me)) => {
                self.rsa_r.handle(now, msg, me, hooks.certs, rng, out)
            }
            _ => Err(self.refuse(&m, out)),
        }
    }

    /// Error 11 (Invalid DT), unauthenticated, for a data type this Responder refuses.
    fn refuse(&self, m: &Message<'_>, out: &mut [u8]) -> Rejected {
        let error = KmError::UnexpectedDataType(m.data_type());
        let reply_len = m.timestamp().and_then(|t| {
            protect::write_error(
                &self.crypto,
                out,
                m.header().csb_id,
                m.header().prf_func,
                t,
                error.error_no(),
                None,
            )
            .ok()
        });
        Rejected { error, reply_len }
    }
}
