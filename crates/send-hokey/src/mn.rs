//! The mobile node side of RFC 5269 (§3.1, §3.3, §3.4): send a SEND-protected RtSolPr with
//! a Handover Key Request, accept the matching signed PrRtAdv from an authorised router,
//! decrypt and store the handover key, then authenticate FBUs and verify FBacks with it.
//!
//! Sans-IO and commit-last, like [`crate::ar`]; the node owns its crypto provider and takes
//! the current [`Time`] on every call. Keys are indexed by the address of the
//! router that sent the PrRtAdv (its link-local CGA); the FBU goes to the PAR's routable
//! address (RFC 5568: the FBU is sent to the PAR), which the caller passes. The MN's own
//! CGA is fixed per [`MobileNode`], so (router, own CGA) is the RFC 5269 §3.3 index.

use core::net::Ipv6Addr;

use keying_crypto::{
    Rejected, Rng, RsaEncryptionPadding, RsaPrivateKeyOps, SecretBuf, Symmetric, Time,
};
use keying_tlv::Writer;
use zeroize::Zeroizing;

pub use crate::ar::Received;
use crate::{
    Error,
    ar::check_len,
    badf::{self, BadfKey},
    policy::{ND_HOP_LIMIT, RouterAuthorizer, SendPolicy, after},
    send::{self, MAX_SIGNATURE_LEN, RsaKeyLoader, SendSigner, Unverified},
    sizes::{MAX_CGA_PARAMS_LEN, MAX_LLA_LEN, MAX_SPKI_LEN, NONCE_LEN},
    steps::key_table::{KeyEntry, KeyTable, MAX_HK_LEN, Slot},
    steps::timestamp_cache::{TimestampCache, TimestampUpdate},
    wire::fbu::emit_fast_binding,
    wire::{
        AuthAlgorithm, CgaOption, FBack, FastBinding, Fbu, Fmip6Header, Fmip6Message, Fmip6Subtype,
        HandoverKeyReply, HandoverKeyRequest, LinkLayerAddress, LlaCode, MobilityMessage, NdOption,
        Nonce, Timestamp,
    },
};

/// The mobile node's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MobileNodeConfig {
    /// SEND settings; `policy.at` is the AT requested.
    pub policy: SendPolicy,
    /// How long an RtSolPr's nonce stays valid for matching a PrRtAdv, seconds.
    pub request_timeout_secs: u32,
}

impl Default for MobileNodeConfig {
    fn default() -> Self {
        Self {
            policy: SendPolicy::default(),
            request_timeout_secs: 4,
        }
    }
}

/// The mobile node's long-lived identity: its care-of CGA with parameters and private key,
/// the separate handover-key encryption key pair (RFC 5269 §3.1: never the CGA key, same
/// size), and its link-layer address.
#[derive(Clone, Copy)]
pub struct MobileNodeIdentity<'k> {
    /// The care-of CGA (the PCoA, the RtSolPr source).
    pub address: Ipv6Addr,
    /// Its CGA Parameters (at most [`crate::MAX_CGA_PARAMS_LEN`] octets).
    pub cga_params: &'k [u8],
    /// The CGA private key.
    pub signer: &'k dyn RsaPrivateKeyOps,
    /// The handover-key encryption public key, DER SubjectPublicKeyInfo (at most
    /// [`crate::MAX_SPKI_LEN`] octets).
    pub hk_spki: &'k [u8],
    /// Its private key.
    pub hk_key: &'k dyn RsaPrivateKeyOps,
    /// The link-layer address for the Source Link-Layer Address option (at most
    /// [`crate::MAX_LLA_LEN`] octets), if any.
    pub source_lla: Option<&'k [u8]>,
}

impl core::fmt::Debug for MobileNodeIdentity<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MobileNodeIdentity")
            .field("address", &self.address)
            .field("source_lla", &self.source_lla)
            .finish_non_exhaustive()
    }
}

/// A handover key just established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyEstablished {
    /// The router (PrRtAdv source) the key is shared with.
    pub router: Ipv6Addr,
    /// The AT to use.
    pub at: AuthAlgorithm,
    /// When the key expires.
    pub expires: Time,
    /// The PrRtAdv Code.
    pub code: u8,
}

/// Which link an FBU is sent from (RFC 5568 §3.1, §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FbuOrigin {
    /// From the PAR's link (predictive mode): sent from the PCoA with an Alternate CoA
    /// option carrying the NCoA.
    ParLink,
    /// From the NAR's link (reactive mode): sent from the NCoA.
    NarLink,
}

/// What an FBU registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FbuRequest {
    /// The router whose handover key authenticates the FBU (the PrRtAdv source).
    pub router: Ipv6Addr,
    /// The PAR's address (the FBU destination and the MAC's "correspondent").
    pub par: Ipv6Addr,
    /// The NCoA being registered.
    pub ncoa: Ipv6Addr,
    /// Sequence number.
    pub sequence: u16,
    /// Lifetime, seconds.
    pub lifetime: u16,
    /// Which link the FBU is sent from.
    pub origin: FbuOrigin,
}

/// Default outstanding requests of a [`MobileNode`].
pub const DEFAULT_PENDING: usize = 4;
/// Default handover keys of a [`MobileNode`].
pub const DEFAULT_KEYS: usize = 4;
/// Default timestamp-cache peers of a [`MobileNode`].
pub const DEFAULT_TIMESTAMP_PEERS: usize = 4;

#[derive(Debug, Clone, Copy)]
struct Pending {
    nonce: [u8; NONCE_LEN],
    identifier: u16,
    dst: Ipv6Addr,
    expires: Time,
}

/// What the cheap checks of a PrRtAdv found.
struct PrRtAdvPlan<'m> {
    u: Unverified<'m>,
    ts: TimestampUpdate,
    pending: usize,
    reply: HandoverKeyReply<'m>,
    key_len: usize,
    slot: Slot,
}

/// The mobile node: `C` is its crypto provider (owned; pass `&C` to share one), `P`
/// outstanding requests, `K` handover keys, `T` timestamp peers.
///
/// Full tables: a new request or key is refused with [`Error::TableFull`] unless an expired
/// entry can be reused (call [`MobileNode::handle_timeout`]).
///
/// # Example
/// One RtSolPr to a router, its PrRtAdv handled (the 1024-bit test keys of
/// tests/vectors/send-hokey, accepted only with the weak opt-in
/// [`crate::KeySizePolicy::LEGACY_1024`]):
/// ```
/// # use core::net::Ipv6Addr;
/// # use keying_crypto::rustcrypto::{RsaPrivate, RustCrypto};
/// use send_hokey::{
///     AccessRouter, AccessRouterConfig, KeySizePolicy, MobileNode, MobileNodeConfig,
///     MobileNodeIdentity, NoRateLimit, OsRng, PrRtAdvCode, PrRtAdvInfo, Received,
///     RouterIdentity, Time, TrustedRouterKeys, MAX_PRRTADV_LEN, MAX_RTSOLPR_LEN,
/// };
/// # macro_rules! v { ($n:literal) => { include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"),
/// #     "/../../tests/vectors/send-hokey/", $n)) } }
/// # let ar_addr: Ipv6Addr = "fe80::20a7:895c:2302:73f1".parse()?;
/// # let mn_addr: Ipv6Addr = "2003::3049:deeb:fd31:70b0".parse()?;
/// # let ar_key = RsaPrivate::from_pkcs1_der(v!("ar1.key.pkcs1.der"))?;
/// # let mn_key = RsaPrivate::from_pkcs1_der(v!("mn1.key.pkcs1.der"))?;
/// # let hk_key = RsaPrivate::from_pkcs1_der(v!("mn2.key.pkcs1.der"))?;
/// let now = Time::from_unix_secs(1_735_689_600);
/// let mut rng = OsRng;
/// let mut config = MobileNodeConfig::default();
/// config.policy.key_sizes = KeySizePolicy::LEGACY_1024;
/// let mut mn = MobileNode::new(RustCrypto, config, MobileNodeIdentity {
///     address: mn_addr,
///     cga_params: v!("mn1.cga.params"),
///     signer: &mn_key,
///     hk_spki: v!("mn2.pub.der"),
///     hk_key: &hk_key,
///     source_lla: None,
/// })?;
/// let mut rtsolpr = [0u8; MAX_RTSOLPR_LEN];
/// let n = mn.build_rtsolpr(now, &ar_addr, None, &mut rng, &mut rtsolpr)?;
/// // Send rtsolpr[..n] from mn_addr to ar_addr with Hop Limit 255; the router answers:
/// # let mut ar_config = AccessRouterConfig::default();
/// # ar_config.policy.key_sizes = KeySizePolicy::LEGACY_1024;
/// # let mut ar = AccessRouter::new(RustCrypto, ar_config, RouterIdentity {
/// #     address: ar_addr, cga_params: v!("ar1_ll.cga.params"), signer: &ar_key,
/// #     source_lla: None,
/// # })?;
/// # let rx = Received { src: mn_addr, dst: ar_addr, hop_limit: 255, bytes: &rtsolpr[..n] };
/// # let info = PrRtAdvInfo { code: PrRtAdvCode::NoNewRouterInfo, options: &[] };
/// # let mut prrtadv = [0u8; MAX_PRRTADV_LEN];
/// # let p = ar.handle_rtsolpr(now, &rx, &info, &mut NoRateLimit, &mut rng, &mut prrtadv)?;
/// let rx = Received { src: ar_addr, dst: mn_addr, hop_limit: 255, bytes: &prrtadv[..p.len] };
/// // The router's key, authorised by the caller (normally via its certificate path):
/// let routers = TrustedRouterKeys(&[v!("ar1.pub.der")]);
/// let key = mn.handle_prrtadv(now, &rx, &routers, &mut rng)?;
/// assert_eq!(key.router, ar_addr);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct MobileNode<
    'k,
    C,
    const P: usize = DEFAULT_PENDING,
    const K: usize = DEFAULT_KEYS,
    const T: usize = DEFAULT_TIMESTAMP_PEERS,
> {
    crypto: C,
    identity: MobileNodeIdentity<'k>,
    signer: SendSigner<'k>,
    config: MobileNodeConfig,
    pending: heapless::Vec<Pending, P>,
    keys: KeyTable<K>,
    timestamps: TimestampCache<T>,
}

impl<C, const P: usize, const K: usize, const T: usize> core::fmt::Debug
    for MobileNode<'_, C, P, K, T>
{
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MobileNode")
            .field("address", &self.identity.address)
            .field("pending", &self.pending.len())
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl<'k, C: Symmetric> MobileNode<'k, C> {
    /// A mobile node with the default capacities ([`DEFAULT_PENDING`], [`DEFAULT_KEYS`],
    /// [`DEFAULT_TIMESTAMP_PEERS`]); others: [`MobileNode::with_capacity`].
    ///
    /// # Errors
    /// As [`MobileNode::with_capacity`].
    pub fn new(
        crypto: C,
        config: MobileNodeConfig,
        identity: MobileNodeIdentity<'k>,
    ) -> Result<Self, Error> {
        Self::with_capacity(crypto, config, identity)
    }
}

impl<'k, C: Symmetric, const P: usize, const K: usize, const T: usize> MobileNode<'k, C, P, K, T> {
    /// A mobile node with `P` outstanding requests, `K` keys and `T` timestamp peers
    /// (`MobileNode::<_, 8, 8, 8>::with_capacity(..)`).
    ///
    /// # Errors
    /// [`Error::Cga`] if the address is not a CGA of the parameters;
    /// [`Error::HandoverKeyPolicy`] if the encryption key's size differs from the CGA key's
    /// or is the CGA key; [`Error::KeySize`] if the CGA key is outside the policy's
    /// key-size window (the node's own keys are held to the same rule as its peers', RFC
    /// 3971 §5.2); [`Error::TooLong`] for an identity field above its size constant.
    pub fn with_capacity(
        crypto: C,
        config: MobileNodeConfig,
        identity: MobileNodeIdentity<'k>,
    ) -> Result<Self, Error> {
        let id = identity;
        check_len("CGA Parameters", id.cga_params, MAX_CGA_PARAMS_LEN)?;
        check_len("handover-key public key", id.hk_spki, MAX_SPKI_LEN)?;
        check_len(
            "link-layer address",
            id.source_lla.unwrap_or_default(),
            MAX_LLA_LEN,
        )?;
        let p = crate::cga::verify(&crypto, id.cga_params, &id.address, config.policy.sec)?;
        if id.hk_key.modulus_len() != id.signer.modulus_len() || p.public_key == id.hk_spki {
            return Err(Error::HandoverKeyPolicy);
        }
        config.policy.key_sizes.check(id.signer.modulus_len())?;
        let mut timestamps = TimestampCache::new();
        timestamps.policy = config.policy.timestamps;
        Ok(Self {
            signer: SendSigner {
                key: id.signer,
                key_hash: send::key_hash(&crypto, p.public_key),
            },
            crypto,
            identity,
            config,
            pending: heapless::Vec::new(),
            keys: KeyTable::new(),
            timestamps,
        })
    }

    /// Writes an FBU Mobility Header (at most [`crate::MAX_FBU_LEN`] octets) authenticated
    /// with the key shared with `fbu.router`, for the PAR at `fbu.par`, registering
    /// `fbu.ncoa`. From the PAR's link the FBU carries an Alternate CoA option with the NCoA
    /// and is sent from the PCoA; from the NAR's link it is sent from the NCoA. In both
    /// cases the IPv6 packet carries a Home Address option with [`MobileNode::address`] (the
    /// PCoA), which is also the checksum's pseudo-header source (RFC 3775 §6.1.1).
    ///
    /// # Errors
    /// [`Error::NoKey`], [`Error::BufferTooSmall`] (the whole FBU's length).
    pub fn build_fbu(&self, now: Time, fbu: &FbuRequest, out: &mut [u8]) -> Result<usize, Error> {
        let key = self.live_key(now, &fbu.router)?;
        let mac_len = key.at.mac_len().ok_or(Error::WeakerAlgorithm)?;
        let message = FastBinding::Fbu(Fbu {
            sequence: fbu.sequence,
            ack: true,
            home: true,
            link_local: false,
            key_mgmt: false,
            lifetime: fbu.lifetime,
        });
        let mut w = Writer::new(out);
        let alt = (fbu.origin == FbuOrigin::ParLink).then_some(&fbu.ncoa);
        let auth_at =
            emit_fast_binding(&mut w, &message, alt, badf::SPI_SEND_HANDOVER_KEY, mac_len);
        let len = w.finish()?;
        let mh = out.get_mut(..len).ok_or(Error::Badf)?;
        let k = BadfKey {
            at: key.at,
            key: key.key.expose(),
            coa: &fbu.ncoa,
            par: &fbu.par,
        };
        badf::authenticate_in_place(
            &self.crypto,
            k,
            mh,
            auth_at,
            (&self.identity.address, &fbu.par),
        )?;
        Ok(len)
    }

    /// Verifies an FBack Mobility Header from the PAR (`rx.src`) to `rx.dst`, for the FBU
    /// that registered `ncoa` with the key shared with `router`.
    ///
    /// # Errors
    /// [`Error::NoKey`], [`Error::Badf`], [`Error::BadAuthenticator`], decoding errors;
    /// never with a reply.
    pub fn handle_fback(
        &self,
        now: Time,
        rx: &Received<'_>,
        router: &Ipv6Addr,
        ncoa: &Ipv6Addr,
    ) -> Result<FBack, Rejected<Error>> {
        let m = MobilityMessage::parse(rx.bytes, &rx.src, &rx.dst)?;
        let FastBinding::FBack(fback) = m.message else {
            return Err(Error::UnexpectedMessage { found: 8 }.into());
        };
        let key = self.live_key(now, router)?;
        let k = BadfKey {
            at: key.at,
            key: key.key.expose(),
            coa: ncoa,
            par: &rx.src,
        };
        badf::verify(&self.crypto, k, &m)?;
        Ok(fback)
    }
}

impl<'k, C, const P: usize, const K: usize, const T: usize> MobileNode<'k, C, P, K, T> {
    /// The MN's care-of CGA (the PCoA).
    #[must_use]
    pub const fn address(&self) -> Ipv6Addr {
        self.identity.address
    }

    /// The crypto provider.
    #[must_use]
    pub const fn crypto(&self) -> &C {
        &self.crypto
    }

    /// Number of outstanding requests.
    #[must_use]
    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }

    /// The AT and expiry of the key shared with `router`.
    #[must_use]
    pub fn key_info(&self, router: &Ipv6Addr) -> Option<(AuthAlgorithm, Time)> {
        self.keys.get(router).map(|k| (k.at, k.expires))
    }

    /// Whether the key shared with `router` equals `key` (constant time).
    #[must_use]
    pub fn key_matches(&self, router: &Ipv6Addr, key: &[u8]) -> bool {
        self.keys.get(router).is_some_and(|k| k.key.ct_eq(key))
    }

    /// Discards the key shared with `router` (after the binding completed on the NAR,
    /// RFC 5269 §3.4).
    pub fn remove_key(&mut self, router: &Ipv6Addr) {
        self.keys.remove(router);
    }

    /// The next deadline: a request's nonce or a key expiring.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Time> {
        self.pending
            .iter()
            .map(|p| p.expires)
            .chain(self.keys.next_expiry())
            .min()
    }

    /// Drops the requests and keys whose time has passed.
    pub fn handle_timeout(&mut self, now: Time) {
        self.pending.retain(|p| p.expires > now);
        self.keys.expire(now);
    }

    fn live_key(&self, now: Time, router: &Ipv6Addr) -> Result<&KeyEntry, Error> {
        self.keys
            .live(router, now)
            .and_then(|i| self.keys.at(i))
            .ok_or(Error::NoKey)
    }

    /// Writes the unsigned RtSolPr body: header, source LLA, New AP LLA, CGA, Timestamp,
    /// Nonce, Handover Key Request.
    fn emit_rtsolpr(
        &self,
        now: Time,
        identifier: u16,
        nonce: &[u8],
        new_ap: Option<&[u8]>,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let mut w = Writer::new(out);
        Fmip6Header {
            subtype: Fmip6Subtype::RtSolPr,
            code: 0,
            identifier,
        }
        .emit(&mut w);
        if let Some(a) = self.identity.source_lla {
            NdOption::LinkLayerAddress(LinkLayerAddress {
                code: LlaCode::Source,
                address: a,
            })
            .emit(&mut w);
        }
        NdOption::LinkLayerAddress(match new_ap {
            Some(a) => LinkLayerAddress {
                code: LlaCode::NewAccessPoint,
                address: a,
            },
            None => LinkLayerAddress {
                code: LlaCode::Wildcard,
                address: &[],
            },
        })
        .emit(&mut w);
        NdOption::Cga(CgaOption {
            parameters: self.identity.cga_params,
        })
        .emit(&mut w);
        NdOption::Timestamp(Timestamp::from(now)).emit(&mut w);
        NdOption::Nonce(Nonce { nonce }).emit(&mut w);
        NdOption::HandoverKeyRequest(HandoverKeyRequest {
            at: self.config.policy.at.0,
            public_key: self.identity.hk_spki,
        })
        .emit(&mut w);
        send::finish_unsigned(w, self.signer.key.modulus_len())
    }

    /// Writes a SEND-protected RtSolPr (at most [`crate::MAX_RTSOLPR_LEN`] octets) to `dst`
    /// (the AR, or ff02::2) into `out`: source LLA, New AP LLA (`new_ap`; `None` =
    /// wildcard), CGA, Timestamp, a fresh Nonce and Identifier from `rng`, the Handover Key
    /// Request, RSA Signature. Send it from [`MobileNode::address`] with Hop Limit 255.
    /// Each call is a new request (a retransmission carries a new nonce and timestamp;
    /// replies to either are accepted while they are outstanding).
    ///
    /// # Errors
    /// [`Error::TableFull`], [`Error::BufferTooSmall`] (the whole RtSolPr's length),
    /// [`Error::TooLong`] for a `new_ap` above [`crate::MAX_LLA_LEN`], [`Error::Crypto`];
    /// no state change on error.
    pub fn build_rtsolpr(
        &mut self,
        now: Time,
        dst: &Ipv6Addr,
        new_ap: Option<&[u8]>,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        check_len(
            "New AP link-layer address",
            new_ap.unwrap_or_default(),
            MAX_LLA_LEN,
        )?;
        let slot = if self.pending.is_full() {
            Some(
                self.pending
                    .iter()
                    .position(|p| p.expires <= now)
                    .ok_or(Error::TableFull)?,
            )
        } else {
            None
        };
        let mut nonce = [0u8; NONCE_LEN];
        let mut id = [0u8; 2];
        rng.fill_bytes(&mut nonce).map_err(Error::Crypto)?;
        rng.fill_bytes(&mut id).map_err(Error::Crypto)?;
        let identifier = u16::from_be_bytes(id);
        let n = self.emit_rtsolpr(now, identifier, &nonce, new_ap, out)?;
        let len = send::sign_in_place(&self.signer, rng, out, n, &self.identity.address, dst)?;
        let p = Pending {
            nonce,
            identifier,
            dst: *dst,
            expires: after(now, self.config.request_timeout_secs),
        };
        match slot.and_then(|i| self.pending.get_mut(i)) {
            Some(e) => *e = p,
            None => {
                let _ = self.pending.push(p);
            }
        }
        Ok(len)
    }

    /// Step 3: the timestamp (read-only), the outstanding request the PrRtAdv answers, the
    /// Handover Key Reply and room for the key. No SHA-1, no RSA.
    fn plan_prrtadv<'m>(
        &self,
        now: Time,
        rx: &Received<'_>,
        msg: &Fmip6Message<'m>,
        u: Unverified<'m>,
    ) -> Result<PrRtAdvPlan<'m>, Error> {
        let ts = self.timestamps.check(&rx.src, u.timestamp, now)?;
        let nonce = u.nonce.ok_or(Error::Nonce)?;
        let pending = self
            .pending
            .iter()
            .position(|p| {
                p.nonce == nonce
                    && p.identifier == msg.header.identifier
                    && p.expires > now
                    && (p.dst == rx.src || p.dst.is_multicast())
            })
            .ok_or(Error::Nonce)?;
        let reply = msg
            .send_options()
            .find_map(|o| match o.option {
                NdOption::HandoverKeyReply(r) => Some(r),
                _ => None,
            })
            .ok_or(Error::MissingOption("Handover Key Reply"))?;
        let requested = self.config.policy.at.0.strength().unwrap_or(0);
        match reply.at.strength() {
            Some(s) if s >= requested => {}
            _ => return Err(Error::WeakerAlgorithm),
        }
        let key_len = reply.at.key_len().ok_or(Error::WeakerAlgorithm)?;
        if reply.encrypted_key.len() != self.identity.hk_key.modulus_len() {
            return Err(Error::KeyDecrypt);
        }
        let slot = self.keys.slot(&rx.src, now, None)?;
        Ok(PrRtAdvPlan {
            u,
            ts,
            pending,
            reply,
            key_len,
            slot,
        })
    }

    /// Step 5: RSAES-PKCS1-v1_5 decryption to a key of the AT's length (the private-key
    /// step); every failure is [`Error::KeyDecrypt`].
    fn decrypt_key(
        &self,
        plan: &PrRtAdvPlan<'_>,
        rng: &mut dyn Rng,
    ) -> Result<SecretBuf<MAX_HK_LEN>, Error> {
        let k = self.identity.hk_key.modulus_len();
        let mut pt = Zeroizing::new([0u8; MAX_SIGNATURE_LEN]);
        let n = self
            .identity
            .hk_key
            .decrypt(
                rng,
                RsaEncryptionPadding::Pkcs1v15,
                plan.reply.encrypted_key,
                pt.get_mut(..k.saturating_sub(11))
                    .ok_or(Error::KeyDecrypt)?,
            )
            .map_err(|_| Error::KeyDecrypt)?;
        if n != plan.key_len {
            return Err(Error::KeyDecrypt);
        }
        SecretBuf::<MAX_HK_LEN>::from_slice(pt.get(..n).ok_or(Error::KeyDecrypt)?)
            .map_err(|_| Error::KeyDecrypt)
    }
}

impl<'k, C: Symmetric + RsaKeyLoader, const P: usize, const K: usize, const T: usize>
    MobileNode<'k, C, P, K, T>
{
    /// Processes a PrRtAdv, cheapest checks first so that a message that fails any of
    /// them costs no RSA operation:
    ///
    /// 1. Hop Limit, checksum, framing, subtype, Code, destination;
    /// 2. the SEND options gathered without crypto; the key in the CGA option must be an
    ///    authorised router key for the source (`routers`, RFC 5269 §3.3, RFC 3971 §6.3);
    /// 3. the timestamp (RFC 3971 §5.3.4, read-only); the nonce and identifier must match
    ///    an outstanding request to that router (or to a multicast address; RFC 3971
    ///    §5.3.2); the Handover Key Reply must be present, its AT supported and not weaker
    ///    than requested, its ciphertext one modulus long; room in the key table;
    /// 4. SEND verification with the source as signer (CGA, Key Hash, key size, RSA
    ///    signature: the public-key step);
    /// 5. RSAES-PKCS1-v1_5 decryption to a key of the AT's length (the private-key step,
    ///    blinded with `rng`).
    ///
    /// Then the request is consumed and the key stored (replacing an older key from the
    /// same router).
    ///
    /// # Errors
    /// Any [`Error`], never with a reply. Decryption failures are all
    /// [`Error::KeyDecrypt`]. No state change on error.
    pub fn handle_prrtadv(
        &mut self,
        now: Time,
        rx: &Received<'_>,
        routers: &dyn RouterAuthorizer,
        rng: &mut dyn Rng,
    ) -> Result<KeyEstablished, Rejected<Error>> {
        let msg = self.parse_prrtadv(rx)?;
        // Cheap policy first: no SHA-1, no RSA until the message is one we asked for from
        // a router we trust.
        let u = Unverified::collect(&msg)?;
        if !routers.is_authorized(&rx.src, u.claimed_spki()) {
            return Err(Error::UnauthorizedRouter.into());
        }
        let plan = self.plan_prrtadv(now, rx, &msg, u)?;
        let policy = self.config.policy;
        plan.u.verify(
            &self.crypto,
            &msg,
            &rx.src,
            &rx.dst,
            policy.sec,
            policy.key_sizes,
        )?;
        let key = self.decrypt_key(&plan, rng)?;

        // Commit.
        let expires = after(now, u32::from(plan.reply.lifetime));
        let entry = KeyEntry {
            peer: rx.src,
            key,
            at: plan.reply.at,
            issued: now,
            expires,
            last_used: now,
            confirmed: true,
        };
        self.keys.commit(plan.slot, entry);
        self.pending.swap_remove(plan.pending);
        self.timestamps.commit(plan.ts);
        Ok(KeyEstablished {
            router: rx.src,
            at: plan.reply.at,
            expires,
            code: msg.header.code,
        })
    }

    /// Step 1: Hop Limit, checksum, framing, subtype, Code, destination.
    fn parse_prrtadv<'m>(&self, rx: &Received<'m>) -> Result<Fmip6Message<'m>, Error> {
        if rx.hop_limit != ND_HOP_LIMIT {
            return Err(Error::HopLimit {
                found: rx.hop_limit,
            });
        }
        let msg = Fmip6Message::parse(rx.bytes, &rx.src, &rx.dst)?;
        if msg.header.subtype != Fmip6Subtype::PrRtAdv {
            return Err(Error::UnexpectedMessage {
                found: msg.header.subtype.to_wire(),
            });
        }
        if msg.header.code > 5 {
            return Err(Error::UnexpectedCode {
                found: msg.header.code,
            });
        }
        if rx.dst != self.identity.address {
            return Err(Error::WrongDestination);
        }
        Ok(msg)
    }
}
