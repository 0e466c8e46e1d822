//! The access router (PAR) side of RFC 5269 (§3.2, §3.5): verify a SEND-protected
//! RtSolPr, provision and encrypt the handover key, answer with a signed PrRtAdv; verify
//! FBU authenticators and answer with an authenticated FBack.
//!
//! Sans-IO: the caller passes received bytes with their IPv6 addresses and Hop Limit and
//! the current [`Time`]; the router owns its crypto provider and writes replies into the
//! caller's buffer. Every `handle_*` method verifies into locals and
//! changes state only as its last step, so a rejected message leaves the router exactly as
//! it was (RFC 5269 §5: no key state before SEND verification succeeds).

use core::net::Ipv6Addr;

use keying_crypto::{
    Rejected, Rng, RsaEncryptionPadding, RsaPrivateKeyOps, RsaPublicKeyOps, SecretBuf, Symmetric,
    Time,
};
use keying_tlv::Writer;

use crate::{
    Error,
    badf::{self, BadfKey},
    policy::{HK_LIFETIME_SECS, ND_HOP_LIMIT, RateLimiter, SendPolicy, after},
    send::{self, MAX_SIGNATURE_LEN, RsaKeyLoader, SendSigner, Unverified},
    sizes::{MAX_CGA_PARAMS_LEN, MAX_LLA_LEN},
    steps::key_table::{KeyEntry, KeyTable, MAX_HK_LEN, PrefixLimit, Slot},
    steps::timestamp_cache::{TimestampCache, TimestampUpdate},
    wire::fbu::{FBACK_ACCEPTED, emit_fast_binding},
    wire::{
        AuthAlgorithm, CgaOption, CgaParams, FBack, FastBinding, Fmip6Header, Fmip6Message,
        Fmip6Subtype, HandoverKeyReply, HandoverKeyRequest, LinkLayerAddress, LlaCode,
        MobilityMessage, NdOption, Nonce, PrRtAdvCode, Timestamp,
    },
};

/// A received IPv6 payload with the header fields the protocol checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received<'a> {
    /// IPv6 Source Address.
    pub src: Ipv6Addr,
    /// IPv6 Destination Address.
    pub dst: Ipv6Addr,
    /// IPv6 Hop Limit.
    pub hop_limit: u8,
    /// The ICMPv6 message (from its Type octet) or the Mobility Header.
    pub bytes: &'a [u8],
}

/// The access router's settings.
///
/// # Key-table rules
/// CGAs cost an attacker on the link nothing (RFC 3972 §4: with Sec 0 a new address is
/// one hash away), and every RtSolPr that passes SEND verification would otherwise hold a
/// key-table slot for HK-LIFETIME. Three rules keep one source from starving the others;
/// the caller's [`RateLimiter`] stays in front of them:
///
/// - **Per-prefix bound** ([`AccessRouterConfig::max_keys_per_prefix`] keys per
///   [`AccessRouterConfig::prefix_len`]-bit source prefix). A CGA's interface identifier
///   is a hash of its public key and modifier (RFC 3972 §4), so an attacker makes as many
///   addresses as it likes *within* its prefix, but not outside it. When a prefix is at
///   its bound, a new address from it replaces that prefix's least recently used key not
///   yet confirmed by an FBU; if every key of the prefix is confirmed, it is refused with
///   [`Error::PrefixLimit`]. Where all mobile nodes of a link form their CGAs in one
///   prefix, the bound caps the whole link: size it to the number of nodes expected to
///   hand over at once.
/// - **Short life until the first FBU** ([`AccessRouterConfig::unconfirmed_lifetime`]).
///   A key no authenticated FBU has used yet expires after this time; the first FBU that
///   verifies with it confirms it, and it then lives HK-LIFETIME from when it was sent, as
///   the Handover Key Reply announced (RFC 5269 §3.7). The key serves the FBU of an
///   imminent handover (RFC 5568 §3: the mobile node solicits the PrRtAdv when a
///   link-layer trigger announces the handover, and the FBU follows), a matter of seconds.
/// - **Eviction** when the table is full: an expired slot first; otherwise the least
///   recently used (last RtSolPr or FBU) key not confirmed by an FBU. A confirmed, live key
///   is never evicted; with every slot confirmed and live, a new mobile node is refused
///   with [`Error::TableFull`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessRouterConfig {
    /// SEND settings.
    pub policy: SendPolicy,
    /// HK-LIFETIME sent in the Handover Key Reply, seconds (default 43200, RFC 5269 §3.7).
    pub hk_lifetime: u16,
    /// How long a key lives until an FBU confirms it, seconds (default 60,
    /// [`UNCONFIRMED_LIFETIME_SECS`]; capped at `hk_lifetime`). A mobile node that asks for
    /// its key longer ahead than this must ask again before its FBU.
    pub unconfirmed_lifetime: u16,
    /// Most keys one source prefix may hold (default 4, [`MAX_KEYS_PER_PREFIX`]; 0 refuses
    /// every new key).
    pub max_keys_per_prefix: usize,
    /// Length of the source prefix [`AccessRouterConfig::max_keys_per_prefix`] counts per,
    /// bits (default 64, the CGA subnet prefix of RFC 3972 §3; values above 128 count as
    /// 128, one address).
    pub prefix_len: u8,
}

/// Default life of a key no FBU has confirmed yet: 60 seconds.
///
/// Long enough for the FBU of the handover that prompted the RtSolPr, including its
/// retransmissions (RFC 5568 §3); short enough that a slot held by an RtSolPr alone turns
/// over 720 times within the default HK-LIFETIME.
pub const UNCONFIRMED_LIFETIME_SECS: u16 = 60;

/// Default bound on the keys one source prefix may hold: 4.
pub const MAX_KEYS_PER_PREFIX: usize = 4;

impl Default for AccessRouterConfig {
    fn default() -> Self {
        Self {
            policy: SendPolicy::default(),
            hk_lifetime: HK_LIFETIME_SECS,
            unconfirmed_lifetime: UNCONFIRMED_LIFETIME_SECS,
            max_keys_per_prefix: MAX_KEYS_PER_PREFIX,
            prefix_len: 64,
        }
    }
}

/// What the router adds to a PrRtAdv besides the SEND and handover-key options.
#[derive(Debug, Clone, Copy)]
pub struct PrRtAdvInfo<'a> {
    /// PrRtAdv Code.
    pub code: PrRtAdvCode,
    /// Options after the copied New AP LLA options, in order (NAR LLA, NAR IP address,
    /// NAR prefix... per Code, RFC 5568 §6.1.2).
    pub options: &'a [NdOption<'a>],
}

/// A PrRtAdv written into the caller's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrRtAdvOut {
    /// Length written.
    pub len: usize,
    /// IPv6 destination: the RtSolPr source (Hop Limit 255, source: the router address).
    pub dst: Ipv6Addr,
    /// The PCoA (MN CGA) whose key was provisioned.
    pub pcoa: Ipv6Addr,
}

/// An accepted FBU and the FBack written for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FbuAccepted {
    /// Length of the FBack Mobility Header written.
    pub len: usize,
    /// The PCoA (Home Address option).
    pub pcoa: Ipv6Addr,
    /// The NCoA (Alternate CoA, or the source when sent from the NAR link): forward the
    /// PCoA's traffic here; also the FBack destination.
    pub ncoa: Ipv6Addr,
    /// FBU sequence number.
    pub sequence: u16,
    /// Requested lifetime, seconds.
    pub lifetime: u16,
}

/// The access router's long-lived identity: its link-local CGA, the CGA Parameters, the
/// CGA private key, and the link-layer address it advertises.
#[derive(Clone, Copy)]
pub struct RouterIdentity<'k> {
    /// The router's link-local CGA (the PrRtAdv source).
    pub address: Ipv6Addr,
    /// Its CGA Parameters (at most [`crate::MAX_CGA_PARAMS_LEN`] octets).
    pub cga_params: &'k [u8],
    /// The CGA private key (signs every PrRtAdv).
    pub signer: &'k dyn RsaPrivateKeyOps,
    /// The link-layer address for the Source Link-Layer Address option (at most
    /// [`crate::MAX_LLA_LEN`] octets), if any.
    pub source_lla: Option<&'k [u8]>,
}

impl core::fmt::Debug for RouterIdentity<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RouterIdentity")
            .field("address", &self.address)
            .field("source_lla", &self.source_lla)
            .finish_non_exhaustive()
    }
}

/// Default number of handover keys an [`AccessRouter`] holds.
pub const DEFAULT_KEYS: usize = 32;
/// Default number of peers an [`AccessRouter`]'s timestamp cache holds.
pub const DEFAULT_TIMESTAMP_PEERS: usize = 32;

/// What the cheap checks of an RtSolPr found: everything the later steps need.
struct RtSolPrPlan<'m> {
    u: Unverified<'m>,
    nonce: &'m [u8],
    ts: TimestampUpdate,
    request: HandoverKeyRequest<'m>,
    at: AuthAlgorithm,
    key_len: usize,
    slot: Slot,
}

/// The access router. `C` is its crypto provider (owned; pass `&C` to share one), `N`
/// handover keys (one per PCoA), `T` timestamp-cache peers.
///
/// The key table follows the rules of [`AccessRouterConfig`]: a per-prefix bound, a short
/// life until the first FBU, and eviction of the least recently used unconfirmed key when
/// full; a confirmed, live key is never evicted.
///
/// # Example
/// One RtSolPr from a [`crate::MobileNode`] answered with a PrRtAdv carrying the
/// handover key (the 1024-bit test keys of tests/vectors/send-hokey, accepted only with
/// the weak opt-in [`crate::KeySizePolicy::LEGACY_1024`]):
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
/// let mut ar_config = AccessRouterConfig::default();
/// ar_config.policy.key_sizes = KeySizePolicy::LEGACY_1024;
/// let mut ar = AccessRouter::new(RustCrypto, ar_config, RouterIdentity {
///     address: ar_addr,
///     cga_params: v!("ar1_ll.cga.params"),
///     signer: &ar_key,
///     source_lla: None,
/// })?;
/// # let mut mn_config = MobileNodeConfig::default();
/// # mn_config.policy.key_sizes = KeySizePolicy::LEGACY_1024;
/// # let mut mn = MobileNode::new(RustCrypto, mn_config, MobileNodeIdentity {
/// #     address: mn_addr, cga_params: v!("mn1.cga.params"), signer: &mn_key,
/// #     hk_spki: v!("mn2.pub.der"), hk_key: &hk_key, source_lla: None,
/// # })?;
/// # let mut rtsolpr = [0u8; MAX_RTSOLPR_LEN];
/// # let n = mn.build_rtsolpr(now, &ar_addr, None, &mut rng, &mut rtsolpr)?;
/// // An RtSolPr received from the mobile node, Hop Limit 255:
/// let rx = Received { src: mn_addr, dst: ar_addr, hop_limit: 255, bytes: &rtsolpr[..n] };
/// let info = PrRtAdvInfo { code: PrRtAdvCode::NoNewRouterInfo, options: &[] };
/// let mut out = [0u8; MAX_PRRTADV_LEN];
/// let prrtadv = ar.handle_rtsolpr(now, &rx, &info, &mut NoRateLimit, &mut rng, &mut out)?;
/// assert_eq!(prrtadv.dst, mn_addr); // send out[..prrtadv.len] there
/// assert_eq!(ar.key_count(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct AccessRouter<
    'k,
    C,
    const N: usize = DEFAULT_KEYS,
    const T: usize = DEFAULT_TIMESTAMP_PEERS,
> {
    crypto: C,
    identity: RouterIdentity<'k>,
    signer: SendSigner<'k>,
    config: AccessRouterConfig,
    keys: KeyTable<N>,
    timestamps: TimestampCache<T>,
}

impl<C, const N: usize, const T: usize> core::fmt::Debug for AccessRouter<'_, C, N, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AccessRouter")
            .field("address", &self.identity.address)
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl<'k, C: Symmetric> AccessRouter<'k, C> {
    /// A router with [`DEFAULT_KEYS`] key slots and [`DEFAULT_TIMESTAMP_PEERS`] timestamp
    /// peers; other capacities: [`AccessRouter::with_capacity`].
    ///
    /// # Errors
    /// As [`AccessRouter::with_capacity`].
    pub fn new(
        crypto: C,
        config: AccessRouterConfig,
        identity: RouterIdentity<'k>,
    ) -> Result<Self, Error> {
        Self::with_capacity(crypto, config, identity)
    }
}

impl<'k, C: Symmetric, const N: usize, const T: usize> AccessRouter<'k, C, N, T> {
    /// A router with `N` key slots and `T` timestamp peers
    /// (`AccessRouter::<_, 64, 64>::with_capacity(..)`), signing with the identity's CGA
    /// key.
    ///
    /// # Errors
    /// [`Error::Cga`] if the address is not a CGA of the parameters under the policy;
    /// [`Error::KeySize`] if the signer is outside the policy's key-size window (the
    /// router's own key is held to the same rule as its peers', RFC 3971 §5.2);
    /// [`Error::TooLong`] for CGA Parameters or a link-layer address longer than
    /// [`crate::MAX_CGA_PARAMS_LEN`] / [`crate::MAX_LLA_LEN`].
    pub fn with_capacity(
        crypto: C,
        config: AccessRouterConfig,
        identity: RouterIdentity<'k>,
    ) -> Result<Self, Error> {
        check_len("CGA Parameters", identity.cga_params, MAX_CGA_PARAMS_LEN)?;
        check_len(
            "link-layer address",
            identity.source_lla.unwrap_or_default(),
            MAX_LLA_LEN,
        )?;
        let p = crate::cga::verify(
            &crypto,
            identity.cga_params,
            &identity.address,
            config.policy.sec,
        )?;
        config
            .policy
            .key_sizes
            .check(identity.signer.modulus_len())?;
        let mut timestamps = TimestampCache::new();
        timestamps.policy = config.policy.timestamps;
        Ok(Self {
            signer: SendSigner {
                key: identity.signer,
                key_hash: send::key_hash(&crypto, p.public_key),
            },
            crypto,
            identity,
            config,
            keys: KeyTable::new(),
            timestamps,
        })
    }
}

/// [`Error::TooLong`] if `value` is longer than `max`.
pub(crate) const fn check_len(what: &'static str, value: &[u8], max: usize) -> Result<(), Error> {
    if value.len() > max {
        Err(Error::TooLong { what, max })
    } else {
        Ok(())
    }
}

impl<'k, C, const N: usize, const T: usize> AccessRouter<'k, C, N, T> {
    /// The router's address (the PrRtAdv source).
    #[must_use]
    pub const fn address(&self) -> Ipv6Addr {
        self.identity.address
    }

    /// The crypto provider.
    #[must_use]
    pub const fn crypto(&self) -> &C {
        &self.crypto
    }

    /// Number of handover keys held.
    #[must_use]
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// The AT and expiry of the key for `pcoa`.
    #[must_use]
    pub fn key_info(&self, pcoa: &Ipv6Addr) -> Option<(AuthAlgorithm, Time)> {
        self.keys.get(pcoa).map(|k| (k.at, k.expires))
    }

    /// Whether the key for `pcoa` equals `key` (constant time; for tests and diagnostics).
    #[must_use]
    pub fn key_matches(&self, pcoa: &Ipv6Addr, key: &[u8]) -> bool {
        self.keys.get(pcoa).is_some_and(|k| k.key.ct_eq(key))
    }

    /// Whether the key for `pcoa` has been confirmed by an accepted FBU (and so lives its
    /// full HK-LIFETIME); `None` without a key.
    #[must_use]
    pub fn key_confirmed(&self, pcoa: &Ipv6Addr) -> Option<bool> {
        self.keys.get(pcoa).map(|k| k.confirmed)
    }

    /// Deletes the key for `pcoa` (FMIPv6 forwarding for it ended, RFC 5269 §3.5).
    pub fn remove_key(&mut self, pcoa: &Ipv6Addr) {
        self.keys.remove(pcoa);
    }

    /// The next key expiry.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Time> {
        self.keys.next_expiry()
    }

    /// Deletes the keys whose time has passed: HK-LIFETIME for a confirmed key,
    /// [`AccessRouterConfig::unconfirmed_lifetime`] for one no FBU has used.
    pub fn handle_timeout(&mut self, now: Time) {
        self.keys.expire(now);
    }

    /// The router's CGA parameters.
    ///
    /// # Errors
    /// Never for a router built by [`AccessRouter::new`].
    pub fn cga_params(&self) -> Result<CgaParams<'k>, Error> {
        Ok(CgaParams::parse(self.identity.cga_params)?)
    }

    /// When a key sent at `issued` expires: HK-LIFETIME once confirmed, the shorter
    /// unconfirmed lifetime before.
    fn expiry(&self, issued: Time, confirmed: bool) -> Time {
        let life = if confirmed {
            self.config.hk_lifetime
        } else {
            self.config
                .unconfirmed_lifetime
                .min(self.config.hk_lifetime)
        };
        after(issued, u32::from(life))
    }

    fn chosen_at(&self, requested: AuthAlgorithm) -> AuthAlgorithm {
        // Echo a supported request; otherwise our preference (RFC 5269 §3.2: equal or
        // greater strength; the MN refuses a weaker one).
        if requested.strength().is_some() {
            requested
        } else {
            self.config.policy.at.0
        }
    }

    /// Step 2: the SEND options gathered without crypto, the timestamp (read-only), the
    /// Handover Key Request, room in the key table. No SHA-1, no RSA.
    fn plan_rtsolpr<'m>(
        &self,
        now: Time,
        rx: &Received<'_>,
        msg: &Fmip6Message<'m>,
    ) -> Result<RtSolPrPlan<'m>, Error> {
        let u = Unverified::collect(msg)?;
        let nonce = u.nonce.filter(|n| n.len() >= 6).ok_or(Error::Nonce)?;
        let ts = self.timestamps.check(&rx.src, u.timestamp, now)?;
        let mut request = None;
        for o in msg.send_options() {
            if let NdOption::HandoverKeyRequest(h) = o.option {
                match request {
                    None => request = Some(h),
                    Some(r) if r == h => {}
                    Some(_) => return Err(Error::ConflictingOption("Handover Key Request")),
                }
            }
        }
        let request = request.ok_or(Error::MissingOption("Handover Key Request"))?;
        let at = self.chosen_at(request.at);
        let key_len = at.key_len().ok_or(Error::WeakerAlgorithm)?;
        let limit = PrefixLimit {
            max_keys: self.config.max_keys_per_prefix,
            prefix_len: self.config.prefix_len,
        };
        let slot = self.keys.slot(&rx.src, now, Some(limit))?;
        Ok(RtSolPrPlan {
            u,
            nonce,
            ts,
            request,
            at,
            key_len,
            slot,
        })
    }

    /// Step 4: the live key for this CGA with the same AT, or a fresh random one; whether
    /// it is confirmed.
    fn draw_key(
        &self,
        now: Time,
        plan: &RtSolPrPlan<'_>,
        rng: &mut dyn Rng,
    ) -> Result<(SecretBuf<MAX_HK_LEN>, bool), Error> {
        let mut hk = SecretBuf::<MAX_HK_LEN>::zeroed(plan.key_len).map_err(Error::Crypto)?;
        let live = match plan.slot {
            Slot::Own(i) => self
                .keys
                .at(i)
                .filter(|e| e.at == plan.at && e.expires > now && e.key.len() == plan.key_len),
            Slot::Push | Slot::Replace(_) => None,
        };
        match live {
            Some(e) => {
                hk.expose_mut().copy_from_slice(e.key.expose());
                Ok((hk, e.confirmed))
            }
            None => {
                rng.fill_bytes(hk.expose_mut()).map_err(Error::Crypto)?;
                Ok((hk, false))
            }
        }
    }

    /// Step 5: the PrRtAdv, signed (the private-key step): header, source LLA, the
    /// RtSolPr's New AP LLA options, the caller's options, CGA, Timestamp, Nonce, Handover
    /// Key Reply, RSA Signature.
    fn emit_prrtadv(
        &self,
        ctx: &PrRtAdvContext<'_, '_>,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let mut w = Writer::new(out);
        Fmip6Header {
            subtype: Fmip6Subtype::PrRtAdv,
            code: ctx.info.code.to_wire(),
            identifier: ctx.msg.header.identifier,
        }
        .emit(&mut w);
        if let Some(a) = self.identity.source_lla {
            NdOption::LinkLayerAddress(LinkLayerAddress {
                code: LlaCode::Source,
                address: a,
            })
            .emit(&mut w);
        }
        for o in ctx.msg.send_options() {
            if let NdOption::LinkLayerAddress(l) = o.option
                && matches!(l.code, LlaCode::NewAccessPoint | LlaCode::Wildcard)
            {
                o.option.emit(&mut w);
            }
        }
        for o in ctx.info.options {
            o.emit(&mut w);
        }
        NdOption::Cga(CgaOption {
            parameters: self.identity.cga_params,
        })
        .emit(&mut w);
        NdOption::Timestamp(Timestamp::from(ctx.now)).emit(&mut w);
        NdOption::Nonce(Nonce { nonce: ctx.nonce }).emit(&mut w);
        NdOption::HandoverKeyReply(ctx.reply).emit(&mut w);
        let n = send::finish_unsigned(w, self.signer.key.modulus_len())?;
        send::sign_in_place(&self.signer, rng, out, n, &self.identity.address, ctx.dst)
    }
}

/// What the PrRtAdv is built from.
struct PrRtAdvContext<'a, 'm> {
    now: Time,
    msg: &'a Fmip6Message<'m>,
    info: &'a PrRtAdvInfo<'a>,
    nonce: &'m [u8],
    reply: HandoverKeyReply<'a>,
    dst: &'a Ipv6Addr,
}

/// Step 1: Hop Limit, checksum, framing, subtype, Code.
fn parse_rtsolpr<'m>(rx: &Received<'m>) -> Result<Fmip6Message<'m>, Error> {
    if rx.hop_limit != ND_HOP_LIMIT {
        return Err(Error::HopLimit {
            found: rx.hop_limit,
        });
    }
    let msg = Fmip6Message::parse(rx.bytes, &rx.src, &rx.dst)?;
    if msg.header.subtype != Fmip6Subtype::RtSolPr {
        return Err(Error::UnexpectedMessage {
            found: msg.header.subtype.to_wire(),
        });
    }
    if msg.header.code != 0 {
        return Err(Error::UnexpectedCode {
            found: msg.header.code,
        });
    }
    Ok(msg)
}

impl<'k, C: Symmetric + RsaKeyLoader, const N: usize, const T: usize> AccessRouter<'k, C, N, T> {
    /// Processes an RtSolPr and writes the signed PrRtAdv carrying the Handover Key Reply
    /// into `out` (at most [`crate::MAX_PRRTADV_LEN`] octets plus `info.options`).
    ///
    /// Cheapest checks first, so that a message failing any of them costs no RSA
    /// operation:
    ///
    /// 1. Hop Limit, checksum, framing, subtype, Code; the rate limiter (`rate`);
    /// 2. the SEND options gathered without crypto: a Nonce of at least 6 octets (RFC 3971
    ///    §5.3.2), the timestamp (RFC 3971 §5.3.4, read-only), one Handover Key Request;
    ///    room in the key table for this source ([`AccessRouterConfig`]);
    /// 3. SEND verification (CGA, Key Hash, key size, RSA signature), then the Handover Key
    ///    Request's key (same modulus size as the CGA key, within the window, not the CGA
    ///    key): the public-key steps;
    /// 4. the key is chosen (the existing one for this CGA, or a fresh random one from
    ///    `rng`) and encrypted;
    /// 5. the PrRtAdv is signed (the private-key step), and everything committed.
    ///
    /// # Errors
    /// Any [`Error`] (never with a reply); [`Error::BufferTooSmall`] gives the whole
    /// PrRtAdv's length. The router's state is unchanged on error.
    pub fn handle_rtsolpr(
        &mut self,
        now: Time,
        rx: &Received<'_>,
        info: &PrRtAdvInfo<'_>,
        rate: &mut dyn RateLimiter,
        rng: &mut dyn Rng,
        out: &mut [u8],
    ) -> Result<PrRtAdvOut, Rejected<Error>> {
        let msg = parse_rtsolpr(rx)?;
        if !rate.allow(&rx.src, now) {
            return Err(Error::RateLimited.into());
        }
        let plan = self.plan_rtsolpr(now, rx, &msg)?;
        let hk_pub = self.verify_rtsolpr(rx, &msg, &plan)?;
        let (hk, confirmed) = self.draw_key(now, &plan, rng)?;
        let mut ct = [0u8; MAX_SIGNATURE_LEN];
        let ct = ct
            .get_mut(..hk_pub.modulus_len())
            .ok_or(Error::HandoverKeyPolicy)?;
        hk_pub
            .encrypt(rng, RsaEncryptionPadding::Pkcs1v15, hk.expose(), ct)
            .map_err(Error::Crypto)?;
        let ctx = PrRtAdvContext {
            now,
            msg: &msg,
            info,
            nonce: plan.nonce,
            reply: HandoverKeyReply {
                at: plan.at,
                lifetime: self.config.hk_lifetime,
                encrypted_key: ct,
            },
            dst: &rx.src,
        };
        let len = self.emit_prrtadv(&ctx, rng, out)?;

        // Commit.
        let entry = KeyEntry {
            peer: rx.src,
            key: hk,
            at: plan.at,
            issued: now,
            expires: self.expiry(now, confirmed),
            last_used: now,
            confirmed,
        };
        self.keys.commit(plan.slot, entry);
        self.timestamps.commit(plan.ts);
        Ok(PrRtAdvOut {
            len,
            dst: rx.src,
            pcoa: rx.src,
        })
    }

    /// Step 3: SEND verification, then the Handover Key Request's key (RFC 5269 §4.1: same
    /// parameters as the CGA key; §3.1: a separate key pair). The public-key steps.
    fn verify_rtsolpr(
        &self,
        rx: &Received<'_>,
        msg: &Fmip6Message<'_>,
        plan: &RtSolPrPlan<'_>,
    ) -> Result<C::PublicKey, Error> {
        let policy = self.config.policy;
        let v = plan.u.verify(
            &self.crypto,
            msg,
            &rx.src,
            &rx.dst,
            policy.sec,
            policy.key_sizes,
        )?;
        let hk_pub = self
            .crypto
            .load_spki(plan.request.public_key, policy.key_sizes.max_bits)
            .map_err(|_| Error::HandoverKeyPolicy)?;
        let k = hk_pub.modulus_len();
        if k != v.public_key.modulus_len()
            || k * 8 < policy.key_sizes.min_bits
            || plan.request.public_key == v.cga.public_key
        {
            return Err(Error::HandoverKeyPolicy);
        }
        Ok(hk_pub)
    }
}

impl<'k, C: Symmetric, const N: usize, const T: usize> AccessRouter<'k, C, N, T> {
    /// Verifies an FBU (`rx.bytes` = its Mobility Header, `rx.dst` = this router's address
    /// the MN sent it to) whose Home Address option carries `home_address` (the PCoA), and
    /// writes the FBack Mobility Header into `out` (at most [`crate::MAX_FBACK_LEN`]
    /// octets; send it from `rx.dst` to [`FbuAccepted::ncoa`]).
    ///
    /// Without a live key for the PCoA, or with a bad BADF, the FBU is refused and
    /// forwarding must not change (RFC 5269 §3.5). An accepted FBU confirms the key: it
    /// then lives HK-LIFETIME from when it was sent ([`AccessRouterConfig`]).
    ///
    /// # Errors
    /// [`Error::NoKey`], [`Error::Badf`], [`Error::BadAuthenticator`],
    /// [`Error::BufferTooSmall`], decoding errors; never with a reply.
    pub fn handle_fbu(
        &mut self,
        now: Time,
        rx: &Received<'_>,
        home_address: &Ipv6Addr,
        out: &mut [u8],
    ) -> Result<FbuAccepted, Rejected<Error>> {
        let m = MobilityMessage::parse(rx.bytes, home_address, &rx.dst)?;
        let FastBinding::Fbu(fbu) = m.message else {
            return Err(Error::UnexpectedMessage { found: 9 }.into());
        };
        let i = self.keys.live(home_address, now).ok_or(Error::NoKey)?;
        let key = self.keys.at(i).ok_or(Error::NoKey)?;
        let ncoa = m.alternate_coa().unwrap_or(rx.src);
        let k = BadfKey {
            at: key.at,
            key: key.key.expose(),
            coa: &ncoa,
            par: &rx.dst,
        };
        badf::verify(&self.crypto, k, &m)?;
        let mac_len = key.at.mac_len().ok_or(Error::WeakerAlgorithm)?;
        let fback = FastBinding::FBack(FBack {
            status: FBACK_ACCEPTED,
            key_mgmt: false,
            sequence: fbu.sequence,
            lifetime: fbu.lifetime,
        });
        let mut w = Writer::new(out);
        let auth_at = emit_fast_binding(&mut w, &fback, None, badf::SPI_SEND_HANDOVER_KEY, mac_len);
        let len = w.finish().map_err(Error::from)?;
        let mh = out.get_mut(..len).ok_or(Error::Badf)?;
        badf::authenticate_in_place(&self.crypto, k, mh, auth_at, (&rx.dst, &ncoa))?;
        // Commit: the key is confirmed and lives HK-LIFETIME from when it was sent.
        let expires = self.expiry(key.issued, true);
        self.keys.confirm(i, expires, now);
        Ok(FbuAccepted {
            len,
            pcoa: *home_address,
            ncoa,
            sequence: fbu.sequence,
            lifetime: fbu.lifetime,
        })
    }
}
