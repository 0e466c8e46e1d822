//! The mobile node side of RFC 5269 (§3.1, §3.3, §3.4): send a SEND-protected RtSolPr with
//! a Handover Key Request, accept the matching signed PrRtAdv from an authorised router,
//! decrypt and store the handover key, then authenticate FBUs and verify FBacks with it.
//!
//! Sans-IO and commit-last, like [`crate::ar`]. Keys are indexed by the address of the
//! router that sent the PrRtAdv (its link-local CGA); the FBU goes to the PAR's routable
//! address (RFC 5568: the FBU is sent to the PAR), which the caller passes. The MN's own
//! CGA is fixed per [`MobileNode`], so (router, own CGA) is the RFC 5269 §3.3 index.

use core::net::Ipv6Addr;

use keying_crypto::{Rng, RsaEncryptionPadding, RsaPrivateKeyOps, SecretBuf, Symmetric};
use keying_tlv::Writer;
use zeroize::Zeroizing;

pub use crate::ar::Received;
use crate::{
    Error,
    ar::MAX_HK_LEN,
    badf,
    policy::{ND_HOP_LIMIT, RouterAuthorizer, SendPolicy, after},
    send::{self, MAX_SIGNATURE_LEN, RsaKeyLoader},
    steps::timestamp_cache::TimestampCache,
    wire::fbu::emit_fast_binding,
    wire::{
        AuthAlgorithm, CgaOption, FBack, FastBinding, Fbu, Fmip6Header, Fmip6Message, Fmip6Subtype,
        HandoverKeyRequest, LinkLayerAddress, LlaCode, MobilityMessage, NdOption, Nonce, Timestamp,
    },
};

/// Length of the nonces this MN sends (14 octets: a 16-octet option).
pub const NONCE_LEN: usize = 14;

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

/// A handover key just established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyEstablished {
    /// The router (PrRtAdv source) the key is shared with.
    pub router: Ipv6Addr,
    /// The AT to use.
    pub at: AuthAlgorithm,
    /// When the key expires.
    pub expires: Timestamp,
    /// The PrRtAdv Code.
    pub code: u8,
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    nonce: [u8; NONCE_LEN],
    identifier: u16,
    dst: Ipv6Addr,
    expires: Timestamp,
}

#[derive(Debug)]
struct MnKey {
    router: Ipv6Addr,
    key: SecretBuf<MAX_HK_LEN>,
    at: AuthAlgorithm,
    expires: Timestamp,
}

/// The mobile node: `P` outstanding requests, `K` handover keys, `T` timestamp peers.
///
/// Full tables: a new request or key is refused with [`Error::TableFull`] unless an expired
/// entry can be reused (call [`MobileNode::handle_timeout`]).
pub struct MobileNode<'k, const P: usize, const K: usize, const T: usize> {
    address: Ipv6Addr,
    cga_params: &'k [u8],
    key_hash: [u8; 16],
    signer: &'k dyn RsaPrivateKeyOps,
    hk_spki: &'k [u8],
    hk_key: &'k dyn RsaPrivateKeyOps,
    source_lla: Option<&'k [u8]>,
    config: MobileNodeConfig,
    pending: heapless::Vec<Pending, P>,
    keys: heapless::Vec<MnKey, K>,
    timestamps: TimestampCache<T>,
}

impl<const P: usize, const K: usize, const T: usize> core::fmt::Debug for MobileNode<'_, P, K, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("MobileNode")
            .field("address", &self.address)
            .field("pending", &self.pending.len())
            .field("keys", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl<'k, const P: usize, const K: usize, const T: usize> MobileNode<'k, P, K, T> {
    /// A mobile node on care-of CGA `address` (`cga_params`, signing with `signer`), with
    /// a separate handover-key encryption key pair (`hk_spki`, `hk_key`) of the same size
    /// (RFC 5269 §3.1: never the CGA key).
    ///
    /// # Errors
    /// [`Error::Cga`] if `address` is not a CGA of `cga_params`;
    /// [`Error::HandoverKeyPolicy`] if the encryption key's size differs from the CGA key's;
    /// [`Error::KeySize`] if the CGA key is outside the policy's key-size window (the node's
    /// own keys are held to the same rule as its peers', RFC 3971 §5.2).
    #[allow(clippy::too_many_arguments)]
    pub fn new<S: Symmetric + ?Sized>(
        crypto: &S,
        address: Ipv6Addr,
        cga_params: &'k [u8],
        signer: &'k dyn RsaPrivateKeyOps,
        hk_spki: &'k [u8],
        hk_key: &'k dyn RsaPrivateKeyOps,
        source_lla: Option<&'k [u8]>,
        config: MobileNodeConfig,
    ) -> Result<Self, Error> {
        let p = crate::cga::verify(crypto, cga_params, &address, config.policy.sec)?;
        if hk_key.modulus_len() != signer.modulus_len() || p.public_key == hk_spki {
            return Err(Error::HandoverKeyPolicy);
        }
        config.policy.key_sizes.check(signer.modulus_len())?;
        let mut timestamps = TimestampCache::new();
        timestamps.policy = config.policy.timestamps;
        Ok(Self {
            address,
            cga_params,
            key_hash: send::key_hash(crypto, p.public_key),
            signer,
            hk_spki,
            hk_key,
            source_lla,
            config,
            pending: heapless::Vec::new(),
            keys: heapless::Vec::new(),
            timestamps,
        })
    }

    /// The MN's care-of CGA (the PCoA).
    #[must_use]
    pub const fn address(&self) -> Ipv6Addr {
        self.address
    }

    /// Number of outstanding requests.
    #[must_use]
    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }

    /// The AT and expiry of the key shared with `router`.
    #[must_use]
    pub fn key_info(&self, router: &Ipv6Addr) -> Option<(AuthAlgorithm, Timestamp)> {
        self.keys
            .iter()
            .find(|k| k.router == *router)
            .map(|k| (k.at, k.expires))
    }

    /// Whether the key shared with `router` equals `key` (constant time).
    #[must_use]
    pub fn key_matches(&self, router: &Ipv6Addr, key: &[u8]) -> bool {
        self.keys
            .iter()
            .find(|k| k.router == *router)
            .is_some_and(|k| k.key.ct_eq(key))
    }

    /// Discards the key shared with `router` (after the binding completed on the NAR,
    /// RFC 5269 §3.4).
    pub fn remove_key(&mut self, router: &Ipv6Addr) {
        self.keys.retain(|k| k.router != *router);
    }

    /// The next deadline: a request's nonce or a key expiring.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        self.pending
            .iter()
            .map(|p| p.expires)
            .chain(self.keys.iter().map(|k| k.expires))
            .min()
    }

    /// Drops the requests and keys whose time has passed.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        self.pending.retain(|p| p.expires > now);
        self.keys.retain(|k| k.expires > now);
    }

    /// Writes a SEND-protected RtSolPr to `dst` (the AR, or ff02::2) into `out`: source
    /// LLA, New AP LLA (`new_ap`; `None` = wildcard), CGA, Timestamp, a fresh Nonce, the
    /// Handover Key Request, RSA Signature. Send it from [`MobileNode::address`] with Hop
    /// Limit 255. Each call is a new request (a retransmission carries a new nonce and
    /// timestamp; replies to either are accepted while they are outstanding).
    ///
    /// # Errors
    /// [`Error::TableFull`], [`Error::Write`], [`Error::Crypto`]; no state change on error.
    pub fn build_rtsolpr(
        &mut self,
        now: Timestamp,
        rng: &mut dyn Rng,
        dst: &Ipv6Addr,
        new_ap: Option<&[u8]>,
        out: &mut [u8],
    ) -> Result<usize, Error> {
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
        let mut w = Writer::new(out);
        Fmip6Header {
            subtype: Fmip6Subtype::RtSolPr,
            code: 0,
            identifier,
        }
        .emit(&mut w);
        if let Some(a) = self.source_lla {
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
            parameters: self.cga_params,
        })
        .emit(&mut w);
        NdOption::Timestamp(now).emit(&mut w);
        NdOption::Nonce(Nonce { nonce: &nonce }).emit(&mut w);
        NdOption::HandoverKeyRequest(HandoverKeyRequest {
            at: self.config.policy.at.0,
            public_key: self.hk_spki,
        })
        .emit(&mut w);
        let n = w.finish()?;
        let len = send::sign_in_place(rng, self.signer, self.key_hash, out, n, &self.address, dst)?;
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
    /// 5. RSAES-PKCS1-v1_5 decryption to a key of the AT's length (the private-key step).
    ///
    /// Then the request is consumed and the key stored (replacing an older key from the
    /// same router).
    ///
    /// # Errors
    /// Any [`Error`]. Decryption failures are all [`Error::KeyDecrypt`]. No state change on
    /// error.
    pub fn handle_prrtadv<C: Symmetric + RsaKeyLoader + ?Sized>(
        &mut self,
        now: Timestamp,
        crypto: &C,
        rng: &mut dyn Rng,
        routers: &dyn RouterAuthorizer,
        rx: &Received<'_>,
    ) -> Result<KeyEstablished, Error> {
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
        if rx.dst != self.address {
            return Err(Error::WrongDestination);
        }
        let policy = self.config.policy;
        // Cheap policy first: no SHA-1, no RSA until the message is one we asked for from
        // a router we trust.
        let u = send::Unverified::collect(&msg)?;
        if !routers.is_authorized(&rx.src, u.claimed_spki()) {
            return Err(Error::UnauthorizedRouter);
        }
        let ts_update = self.timestamps.check(&rx.src, u.timestamp, now)?;
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
        let requested = policy.at.0.strength().unwrap_or(0);
        match reply.at.strength() {
            Some(s) if s >= requested => {}
            _ => return Err(Error::WeakerAlgorithm),
        }
        let key_len = reply.at.key_len().ok_or(Error::WeakerAlgorithm)?;
        let k = self.hk_key.modulus_len();
        if reply.encrypted_key.len() != k {
            return Err(Error::KeyDecrypt);
        }
        let slot = self
            .keys
            .iter()
            .position(|e| e.router == rx.src)
            .or_else(|| (!self.keys.is_full()).then_some(usize::MAX))
            .or_else(|| self.keys.iter().position(|e| e.expires <= now))
            .ok_or(Error::TableFull)?;
        // Public-key step.
        u.verify(crypto, &msg, &rx.src, &rx.dst, policy.sec, policy.key_sizes)?;
        // Private-key step.
        let mut pt = Zeroizing::new([0u8; MAX_SIGNATURE_LEN]);
        let n = self
            .hk_key
            .decrypt(
                rng,
                RsaEncryptionPadding::Pkcs1v15,
                reply.encrypted_key,
                pt.get_mut(..k.saturating_sub(11))
                    .ok_or(Error::KeyDecrypt)?,
            )
            .map_err(|_| Error::KeyDecrypt)?;
        if n != key_len {
            return Err(Error::KeyDecrypt);
        }
        let key = SecretBuf::<MAX_HK_LEN>::from_slice(pt.get(..n).ok_or(Error::KeyDecrypt)?)
            .map_err(|_| Error::KeyDecrypt)?;

        // Commit.
        let expires = after(now, u32::from(reply.lifetime));
        let entry = MnKey {
            router: rx.src,
            key,
            at: reply.at,
            expires,
        };
        match self.keys.get_mut(slot) {
            Some(e) => *e = entry,
            None => {
                let _ = self.keys.push(entry);
            }
        }
        self.pending.swap_remove(pending);
        self.timestamps.commit(ts_update);
        Ok(KeyEstablished {
            router: rx.src,
            at: reply.at,
            expires,
            code: msg.header.code,
        })
    }

    /// Writes an FBU Mobility Header authenticated with the key shared with `router`,
    /// for the PAR at `par` (destination and MAC "correspondent"), registering `ncoa`.
    /// With `from_par_link` the FBU carries an Alternate CoA option with `ncoa` and is sent
    /// from the PCoA; otherwise it is sent from `ncoa`. In both cases the IPv6 packet
    /// carries a Home Address option with [`MobileNode::address`] (the PCoA), which is
    /// also the checksum's pseudo-header source (RFC 3775 §6.1.1).
    ///
    /// # Errors
    /// [`Error::NoKey`], [`Error::Write`].
    #[allow(clippy::too_many_arguments)]
    pub fn build_fbu<S: Symmetric + ?Sized>(
        &self,
        now: Timestamp,
        crypto: &S,
        router: &Ipv6Addr,
        par: &Ipv6Addr,
        ncoa: &Ipv6Addr,
        sequence: u16,
        lifetime: u16,
        from_par_link: bool,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        let key = self.live_key(now, router)?;
        let mac_len = key.at.mac_len().ok_or(Error::WeakerAlgorithm)?;
        let fbu = FastBinding::Fbu(Fbu {
            sequence,
            ack: true,
            home: true,
            link_local: false,
            key_mgmt: false,
            lifetime,
        });
        let mut w = Writer::new(out);
        let alt = from_par_link.then_some(ncoa);
        let auth_at = emit_fast_binding(&mut w, &fbu, alt, badf::SPI_SEND_HANDOVER_KEY, mac_len);
        let len = w.finish()?;
        let mh = out.get_mut(..len).ok_or(Error::Badf)?;
        badf::authenticate_in_place(
            crypto,
            key.at,
            key.key.expose(),
            ncoa,
            par,
            mh,
            auth_at,
            (&self.address, par),
        )?;
        Ok(len)
    }

    /// Verifies an FBack Mobility Header from the PAR (`rx.src`) to `rx.dst`, for the FBU
    /// that registered `ncoa` with the key shared with `router`.
    ///
    /// # Errors
    /// [`Error::NoKey`], [`Error::Badf`], [`Error::BadAuthenticator`], decoding errors.
    pub fn handle_fback<S: Symmetric + ?Sized>(
        &self,
        now: Timestamp,
        crypto: &S,
        router: &Ipv6Addr,
        ncoa: &Ipv6Addr,
        rx: &Received<'_>,
    ) -> Result<FBack, Error> {
        let m = MobilityMessage::parse(rx.bytes, &rx.src, &rx.dst)?;
        let FastBinding::FBack(fback) = m.message else {
            return Err(Error::UnexpectedMessage { found: 8 });
        };
        let key = self.live_key(now, router)?;
        badf::verify(crypto, key.at, key.key.expose(), ncoa, &rx.src, &m)?;
        Ok(fback)
    }

    fn live_key(&self, now: Timestamp, router: &Ipv6Addr) -> Result<&MnKey, Error> {
        self.keys
            .iter()
            .find(|k| k.router == *router && k.expires > now)
            .ok_or(Error::NoKey)
    }
}
