//! The access router (PAR) side of RFC 5269 (§3.2, §3.5): verify a SEND-protected
//! RtSolPr, provision and encrypt the handover key, answer with a signed PrRtAdv; verify
//! FBU authenticators and answer with an authenticated FBack.
//!
//! Sans-IO: the caller passes received bytes with their IPv6 addresses and Hop Limit, the
//! current time (48.16 Unix time, [`Timestamp`]) and the crypto provider; the router writes
//! replies into the caller's buffer. Every `handle_*` method verifies into locals and
//! changes state only as its last step, so a rejected message leaves the router exactly as
//! it was (RFC 5269 §5: no key state before SEND verification succeeds).

use core::net::Ipv6Addr;

use keying_crypto::{
    Rng, RsaEncryptionPadding, RsaPrivateKeyOps, RsaPublicKeyOps, SecretBuf, Symmetric,
};
use keying_tlv::Writer;

use crate::{
    Error, badf,
    policy::{HK_LIFETIME_SECS, ND_HOP_LIMIT, RateLimiter, SendPolicy, after},
    send::{self, MAX_SIGNATURE_LEN, RsaKeyLoader},
    steps::timestamp_cache::TimestampCache,
    wire::fbu::{FBACK_ACCEPTED, emit_fast_binding},
    wire::{
        AuthAlgorithm, CgaOption, CgaParams, FBack, FastBinding, Fmip6Header, Fmip6Message,
        Fmip6Subtype, HandoverKeyReply, LinkLayerAddress, LlaCode, MobilityMessage, NdOption,
        Nonce, PrRtAdvCode, Timestamp,
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

/// Longest handover key the tables hold.
pub const MAX_HK_LEN: usize = 32;

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

#[derive(Debug)]
struct ArKey {
    pcoa: Ipv6Addr,
    key: SecretBuf<MAX_HK_LEN>,
    at: AuthAlgorithm,
    /// When the key was last sent (HK-LIFETIME runs from here).
    issued: Timestamp,
    expires: Timestamp,
    /// Last RtSolPr or accepted FBU.
    last_used: Timestamp,
    /// An FBU authenticated with the key was accepted.
    confirmed: bool,
}

/// Where a new key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// The PCoA's own slot.
    Own(usize),
    /// A new slot at the end.
    Push,
    /// An expired or evicted slot.
    Replace(usize),
}

/// Whether `a` and `b` share their first `len` bits.
fn same_prefix(a: &Ipv6Addr, b: &Ipv6Addr, len: u8) -> bool {
    let len = u32::from(len.min(128));
    let x = u128::from_be_bytes(a.octets()) ^ u128::from_be_bytes(b.octets());
    x.checked_shr(128 - len).unwrap_or(0) == 0
}

/// The access router. `N` handover keys (one per PCoA), `T` timestamp-cache peers.
///
/// The key table follows the rules of [`AccessRouterConfig`]: a per-prefix bound, a short
/// life until the first FBU, and eviction of the least recently used unconfirmed key when
/// full; a confirmed, live key is never evicted.
pub struct AccessRouter<'k, const N: usize, const T: usize> {
    address: Ipv6Addr,
    cga_params: &'k [u8],
    key_hash: [u8; 16],
    signer: &'k dyn RsaPrivateKeyOps,
    source_lla: Option<&'k [u8]>,
    config: AccessRouterConfig,
    keys: heapless::Vec<ArKey, N>,
    timestamps: TimestampCache<T>,
}

impl<const N: usize, const T: usize> core::fmt::Debug for AccessRouter<'_, N, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AccessRouter")
            .field("address", &self.address)
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl<'k, const N: usize, const T: usize> AccessRouter<'k, N, T> {
    /// A router with link-local CGA `address` for `cga_params`, signing with `signer` (the
    /// CGA key), advertising `source_lla` as its link-layer address if given.
    ///
    /// # Errors
    /// [`Error::Cga`] if `address` is not a CGA of `cga_params` under the policy;
    /// [`Error::KeySize`] if `signer` is outside the policy's key-size window (the router's
    /// own key is held to the same rule as its peers', RFC 3971 §5.2).
    pub fn new<S: Symmetric + ?Sized>(
        crypto: &S,
        address: Ipv6Addr,
        cga_params: &'k [u8],
        signer: &'k dyn RsaPrivateKeyOps,
        source_lla: Option<&'k [u8]>,
        config: AccessRouterConfig,
    ) -> Result<Self, Error> {
        let p = crate::cga::verify(crypto, cga_params, &address, config.policy.sec)?;
        config.policy.key_sizes.check(signer.modulus_len())?;
        let mut timestamps = TimestampCache::new();
        timestamps.policy = config.policy.timestamps;
        Ok(Self {
            address,
            cga_params,
            key_hash: send::key_hash(crypto, p.public_key),
            signer,
            source_lla,
            config,
            keys: heapless::Vec::new(),
            timestamps,
        })
    }

    /// The router's address (the PrRtAdv source).
    #[must_use]
    pub const fn address(&self) -> Ipv6Addr {
        self.address
    }

    /// Number of handover keys held.
    #[must_use]
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// The AT and expiry of the key for `pcoa`.
    #[must_use]
    pub fn key_info(&self, pcoa: &Ipv6Addr) -> Option<(AuthAlgorithm, Timestamp)> {
        self.keys
            .iter()
            .find(|k| k.pcoa == *pcoa)
            .map(|k| (k.at, k.expires))
    }

    /// Whether the key for `pcoa` equals `key` (constant time; for tests and diagnostics).
    #[must_use]
    pub fn key_matches(&self, pcoa: &Ipv6Addr, key: &[u8]) -> bool {
        self.keys
            .iter()
            .find(|k| k.pcoa == *pcoa)
            .is_some_and(|k| k.key.ct_eq(key))
    }

    /// Whether the key for `pcoa` has been confirmed by an accepted FBU (and so lives its
    /// full HK-LIFETIME); `None` without a key.
    #[must_use]
    pub fn key_confirmed(&self, pcoa: &Ipv6Addr) -> Option<bool> {
        self.keys
            .iter()
            .find(|k| k.pcoa == *pcoa)
            .map(|k| k.confirmed)
    }

    /// Deletes the key for `pcoa` (FMIPv6 forwarding for it ended, RFC 5269 §3.5).
    pub fn remove_key(&mut self, pcoa: &Ipv6Addr) {
        self.keys.retain(|k| k.pcoa != *pcoa);
    }

    /// The next key expiry.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        self.keys.iter().map(|k| k.expires).min()
    }

    /// Deletes the keys whose time has passed: HK-LIFETIME for a confirmed key,
    /// [`AccessRouterConfig::unconfirmed_lifetime`] for one no FBU has used.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        self.keys.retain(|k| k.expires > now);
    }

    /// The slot a key for `src` would take at `now`, by the rules of
    /// [`AccessRouterConfig`]; no state change.
    fn choose_slot(&self, src: &Ipv6Addr, now: Timestamp) -> Result<Slot, Error> {
        if let Some(i) = self.keys.iter().position(|e| e.pcoa == *src) {
            return Ok(Slot::Own(i));
        }
        let plen = self.config.prefix_len;
        let lru_unconfirmed = |same: bool| {
            self.keys
                .iter()
                .enumerate()
                .filter(|(_, e)| e.expires > now && !e.confirmed)
                .filter(|(_, e)| !same || same_prefix(&e.pcoa, src, plen))
                .min_by_key(|(_, e)| e.last_used)
                .map(|(i, _)| i)
        };
        let held = self
            .keys
            .iter()
            .filter(|e| e.expires > now && same_prefix(&e.pcoa, src, plen))
            .count();
        if held >= self.config.max_keys_per_prefix {
            return lru_unconfirmed(true)
                .map(Slot::Replace)
                .ok_or(Error::PrefixLimit);
        }
        if !self.keys.is_full() {
            return Ok(Slot::Push);
        }
        self.keys
            .iter()
            .position(|e| e.expires <= now)
            .or_else(|| lru_unconfirmed(false))
            .map(Slot::Replace)
            .ok_or(Error::TableFull)
    }

    /// When a key sent at `issued` expires: HK-LIFETIME once confirmed, the shorter
    /// unconfirmed lifetime before.
    fn expiry(&self, issued: Timestamp, confirmed: bool) -> Timestamp {
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

    /// Processes an RtSolPr and writes the signed PrRtAdv carrying the Handover Key Reply
    /// into `out`.
    ///
    /// Cheapest checks first, so that a message failing any of them costs no RSA
    /// operation:
    ///
    /// 1. Hop Limit, checksum, framing, subtype, Code; the rate limiter;
    /// 2. the SEND options gathered without crypto: a Nonce of at least 6 octets (RFC 3971
    ///    §5.3.2), the timestamp (RFC 3971 §5.3.4, read-only), one Handover Key Request;
    ///    room in the key table for this source ([`AccessRouterConfig`]);
    /// 3. SEND verification (CGA, Key Hash, key size, RSA signature), then the Handover Key
    ///    Request's key (same modulus size as the CGA key, within the window, not the CGA
    ///    key): the public-key steps;
    /// 4. the key is chosen (the existing one for this CGA, or a fresh random one),
    ///    encrypted, the PrRtAdv signed (the private-key step), and everything committed.
    ///
    /// # Errors
    /// Any [`Error`]; the router's state is unchanged on error.
    #[allow(clippy::too_many_arguments)]
    pub fn handle_rtsolpr<C: Symmetric + RsaKeyLoader + ?Sized>(
        &mut self,
        now: Timestamp,
        crypto: &C,
        rng: &mut dyn Rng,
        rate: &mut dyn RateLimiter,
        rx: &Received<'_>,
        info: &PrRtAdvInfo<'_>,
        out: &mut [u8],
    ) -> Result<PrRtAdvOut, Error> {
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
        if !rate.allow(&rx.src, now) {
            return Err(Error::RateLimited);
        }
        let policy = self.config.policy;
        // Cheap policy: no SHA-1, no RSA yet.
        let u = send::Unverified::collect(&msg)?;
        let nonce = u.nonce.filter(|n| n.len() >= 6).ok_or(Error::Nonce)?;
        let ts_update = self.timestamps.check(&rx.src, u.timestamp, now)?;
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
        let slot = self.choose_slot(&rx.src, now)?;

        // Public-key steps.
        let v = u.verify(crypto, &msg, &rx.src, &rx.dst, policy.sec, policy.key_sizes)?;
        let hk_pub = crypto
            .load_spki(request.public_key, policy.key_sizes.max_bits)
            .map_err(|_| Error::HandoverKeyPolicy)?;
        let k = hk_pub.modulus_len();
        // RFC 5269 §4.1: same parameters as the CGA key; §3.1: a separate key pair.
        if k != v.public_key.modulus_len()
            || k * 8 < policy.key_sizes.min_bits
            || request.public_key == v.cga.public_key
        {
            return Err(Error::HandoverKeyPolicy);
        }

        // The key: the live one for this CGA with the same AT, or a fresh one.
        let mut hk = SecretBuf::<MAX_HK_LEN>::zeroed(key_len).map_err(Error::Crypto)?;
        let live = match slot {
            Slot::Own(i) => self
                .keys
                .get(i)
                .filter(|e| e.at == at && e.expires > now && e.key.len() == key_len),
            Slot::Push | Slot::Replace(_) => None,
        };
        let confirmed = match live {
            Some(e) => {
                hk.expose_mut().copy_from_slice(e.key.expose());
                e.confirmed
            }
            None => {
                rng.fill_bytes(hk.expose_mut()).map_err(Error::Crypto)?;
                false
            }
        };
        let mut ct = [0u8; MAX_SIGNATURE_LEN];
        let ct = ct.get_mut(..k).ok_or(Error::HandoverKeyPolicy)?;
        hk_pub
            .encrypt(rng, RsaEncryptionPadding::Pkcs1v15, hk.expose(), ct)
            .map_err(Error::Crypto)?;

        // The PrRtAdv.
        let mut w = Writer::new(out);
        Fmip6Header {
            subtype: Fmip6Subtype::PrRtAdv,
            code: info.code.to_wire(),
            identifier: msg.header.identifier,
        }
        .emit(&mut w);
        if let Some(a) = self.source_lla {
            NdOption::LinkLayerAddress(LinkLayerAddress {
                code: LlaCode::Source,
                address: a,
            })
            .emit(&mut w);
        }
        for o in msg.send_options() {
            if let NdOption::LinkLayerAddress(l) = o.option
                && matches!(l.code, LlaCode::NewAccessPoint | LlaCode::Wildcard)
            {
                o.option.emit(&mut w);
            }
        }
        for o in info.options {
            o.emit(&mut w);
        }
        NdOption::Cga(CgaOption {
            parameters: self.cga_params,
        })
        .emit(&mut w);
        NdOption::Timestamp(now).emit(&mut w);
        NdOption::Nonce(Nonce { nonce }).emit(&mut w);
        NdOption::HandoverKeyReply(HandoverKeyReply {
            at,
            lifetime: self.config.hk_lifetime,
            encrypted_key: ct,
        })
        .emit(&mut w);
        let n = w.finish()?;
        let len = send::sign_in_place(
            rng,
            self.signer,
            self.key_hash,
            out,
            n,
            &self.address,
            &rx.src,
        )?;

        // Commit.
        let entry = ArKey {
            pcoa: rx.src,
            key: hk,
            at,
            issued: now,
            expires: self.expiry(now, confirmed),
            last_used: now,
            confirmed,
        };
        match slot {
            Slot::Own(i) | Slot::Replace(i) => {
                if let Some(e) = self.keys.get_mut(i) {
                    *e = entry;
                }
            }
            Slot::Push => {
                let _ = self.keys.push(entry);
            }
        }
        self.timestamps.commit(ts_update);
        Ok(PrRtAdvOut {
            len,
            dst: rx.src,
            pcoa: rx.src,
        })
    }

    /// Verifies an FBU (`rx.bytes` = its Mobility Header, `rx.dst` = this router's address
    /// the MN sent it to) whose Home Address option carries `home_address` (the PCoA), and
    /// writes the FBack Mobility Header into `out` (send it from `rx.dst` to
    /// [`FbuAccepted::ncoa`]).
    ///
    /// Without a live key for the PCoA, or with a bad BADF, the FBU is refused and
    /// forwarding must not change (RFC 5269 §3.5). An accepted FBU confirms the key: it
    /// then lives HK-LIFETIME from when it was sent ([`AccessRouterConfig`]).
    ///
    /// # Errors
    /// [`Error::NoKey`], [`Error::Badf`], [`Error::BadAuthenticator`], decoding errors.
    pub fn handle_fbu<S: Symmetric + ?Sized>(
        &mut self,
        now: Timestamp,
        crypto: &S,
        rx: &Received<'_>,
        home_address: &Ipv6Addr,
        out: &mut [u8],
    ) -> Result<FbuAccepted, Error> {
        let m = MobilityMessage::parse(rx.bytes, home_address, &rx.dst)?;
        let FastBinding::Fbu(fbu) = m.message else {
            return Err(Error::UnexpectedMessage { found: 9 });
        };
        let i = self
            .keys
            .iter()
            .position(|k| k.pcoa == *home_address && k.expires > now)
            .ok_or(Error::NoKey)?;
        let key = self.keys.get(i).ok_or(Error::NoKey)?;
        let ncoa = m.alternate_coa().unwrap_or(rx.src);
        badf::verify(crypto, key.at, key.key.expose(), &ncoa, &rx.dst, &m)?;
        let mac_len = key.at.mac_len().ok_or(Error::WeakerAlgorithm)?;
        let fback = FastBinding::FBack(FBack {
            status: FBACK_ACCEPTED,
            key_mgmt: false,
            sequence: fbu.sequence,
            lifetime: fbu.lifetime,
        });
        let mut w = Writer::new(out);
        let auth_at = emit_fast_binding(&mut w, &fback, None, badf::SPI_SEND_HANDOVER_KEY, mac_len);
        let len = w.finish()?;
        let mh = out.get_mut(..len).ok_or(Error::Badf)?;
        badf::authenticate_in_place(
            crypto,
            key.at,
            key.key.expose(),
            &ncoa,
            &rx.dst,
            mh,
            auth_at,
            (&rx.dst, &ncoa),
        )?;
        // Commit: the key is confirmed and lives HK-LIFETIME from when it was sent.
        let expires = self.expiry(key.issued, true);
        if let Some(e) = self.keys.get_mut(i) {
            e.confirmed = true;
            e.expires = expires;
            e.last_used = now;
        }
        Ok(FbuAccepted {
            len,
            pcoa: *home_address,
            ncoa,
            sequence: fbu.sequence,
            lifetime: fbu.lifetime,
        })
    }

    /// The router's CGA parameters.
    ///
    /// # Errors
    /// Never for a router built by [`AccessRouter::new`].
    pub fn cga_params(&self) -> Result<CgaParams<'k>, Error> {
        Ok(CgaParams::parse(self.cga_params)?)
    }
}
