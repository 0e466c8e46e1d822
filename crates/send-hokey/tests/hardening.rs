//! Hardening of the two roles against cheap attacks from the link:
//!
//! - key sizes: the default policy refuses 1024-bit RSA CGA keys on both sides (RFC 3971
//!   §5.2 allows them; today they are too weak), with an explicit opt-in;
//! - the access router's key table: a per-prefix bound, a short life until the first FBU,
//!   and eviction of the least recently used unconfirmed key when full;
//! - cheap checks before RSA: a recording crypto provider and recording private keys count
//!   every RSA verify, encrypt, sign and decrypt (and every key load), and show that a
//!   message refused by a cheap check costs none.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use core::cell::Cell;
use core::net::Ipv6Addr;
use keying_crypto::rustcrypto::{HashDrbg, RsaPrivate, RsaPublic, RustCrypto};
use keying_crypto::{
    CryptoError, Digest, HashAlg, Rng, RsaEncryptionPadding, RsaKeyLoader, RsaPrivateKeyOps,
    RsaPublicKeyOps, RsaSignatureScheme, Symmetric,
};
use send_hokey::send::SendSigner;
use send_hokey::{
    Error,
    ar::{AccessRouter, AccessRouterConfig, PrRtAdvInfo, Received, UNCONFIRMED_LIFETIME_SECS},
    mn::{MobileNode, MobileNodeConfig},
    policy::{HK_LIFETIME_SECS, NoRateLimit, TrustedRouterKeys},
    send::{self, KeySizePolicy},
    wire::NdOption,
    wire::rtsolpr::{Fmip6Message, PrRtAdvCode},
    {cga, wire::CgaParams},
};
use send_hokey::{FbuOrigin, FbuRequest, MobileNodeIdentity, RouterIdentity, Time};

const C: RustCrypto = RustCrypto;
/// 2025-01-01T00:00:00Z.
const T0: u64 = 1_735_689_600;

fn t(secs: u64) -> Time {
    Time::from_unix_secs(T0 + secs)
}

const ROUTERS: TrustedRouterKeys<'static> = TrustedRouterKeys(&[AR1_PUB]);

fn info() -> PrRtAdvInfo<'static> {
    PrRtAdvInfo {
        code: PrRtAdvCode::Tuple,
        options: &[],
    }
}

fn rx(src: Ipv6Addr, dst: Ipv6Addr, bytes: &[u8]) -> Received<'_> {
    Received {
        src,
        dst,
        hop_limit: 255,
        bytes,
    }
}

struct Keys {
    mn1: RsaPrivate,
    mn2: RsaPrivate,
    ar1: RsaPrivate,
}

fn keys() -> Keys {
    Keys {
        mn1: RsaPrivate::from_pkcs1_der(MN1_KEY).unwrap(),
        mn2: RsaPrivate::from_pkcs1_der(MN2_KEY).unwrap(),
        ar1: RsaPrivate::from_pkcs1_der(AR1_KEY).unwrap(),
    }
}

// ---------------------------------------------------------------------------------------
// Recording crypto.

/// Every RSA operation and key load a role asked for.
#[derive(Debug, Default)]
struct Counts {
    verify: Cell<u32>,
    encrypt: Cell<u32>,
    sign: Cell<u32>,
    decrypt: Cell<u32>,
    load: Cell<u32>,
}

impl Counts {
    fn bump(c: &Cell<u32>) {
        c.set(c.get() + 1);
    }

    /// (verify, encrypt, sign, decrypt, load_spki).
    fn get(&self) -> (u32, u32, u32, u32, u32) {
        (
            self.verify.get(),
            self.encrypt.get(),
            self.sign.get(),
            self.decrypt.get(),
            self.load.get(),
        )
    }

    fn reset(&self) {
        for c in [
            &self.verify,
            &self.encrypt,
            &self.sign,
            &self.decrypt,
            &self.load,
        ] {
            c.set(0);
        }
    }
}

const NONE: (u32, u32, u32, u32, u32) = (0, 0, 0, 0, 0);

/// RustCrypto, with its RSA key loader handing out counted public keys.
struct Rec<'a>(&'a Counts);

impl Symmetric for Rec<'_> {
    fn hash(&self, alg: HashAlg, parts: &[&[u8]]) -> Digest {
        C.hash(alg, parts)
    }
    fn hmac(&self, alg: HashAlg, key: &[u8], parts: &[&[u8]]) -> Digest {
        C.hmac(alg, key, parts)
    }
    fn aes_ctr(&self, key: &[u8], iv: &[u8; 16], data: &mut [u8]) -> Result<(), CryptoError> {
        C.aes_ctr(key, iv, data)
    }
    fn aes_cbc_encrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError> {
        C.aes_cbc_encrypt(key, iv, data)
    }
    fn aes_cbc_decrypt(
        &self,
        key: &[u8],
        iv: &[u8; 16],
        data: &mut [u8],
    ) -> Result<(), CryptoError> {
        C.aes_cbc_decrypt(key, iv, data)
    }
    fn aes_kw_wrap(&self, kek: &[u8], key: &[u8], out: &mut [u8]) -> Result<usize, CryptoError> {
        C.aes_kw_wrap(kek, key, out)
    }
    fn aes_kw_unwrap(
        &self,
        kek: &[u8],
        wrapped: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        C.aes_kw_unwrap(kek, wrapped, out)
    }
}

impl<'a> RsaKeyLoader for Rec<'a> {
    type PublicKey = RecPub<'a>;
    fn load_spki(&self, spki: &[u8], max_bits: usize) -> Result<RecPub<'a>, CryptoError> {
        Counts::bump(&self.0.load);
        Ok(RecPub {
            key: C.load_spki(spki, max_bits)?,
            c: self.0,
        })
    }
}

/// A public key loaded through [`Rec`], counted.
#[derive(Debug)]
struct RecPub<'a> {
    key: RsaPublic,
    c: &'a Counts,
}

impl RsaPublicKeyOps for RecPub<'_> {
    fn modulus_len(&self) -> usize {
        self.key.modulus_len()
    }
    fn verify(
        &self,
        scheme: RsaSignatureScheme,
        msg_parts: &[&[u8]],
        sig: &[u8],
    ) -> Result<(), CryptoError> {
        Counts::bump(&self.c.verify);
        self.key.verify(scheme, msg_parts, sig)
    }
    fn encrypt(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        Counts::bump(&self.c.encrypt);
        self.key.encrypt(rng, padding, plaintext, out)
    }
}

/// A private key, counted.
struct RecKey<'a> {
    key: &'a RsaPrivate,
    c: &'a Counts,
}

impl RsaPrivateKeyOps for RecKey<'_> {
    fn modulus_len(&self) -> usize {
        self.key.modulus_len()
    }
    fn sign(
        &self,
        rng: &mut dyn Rng,
        scheme: RsaSignatureScheme,
        msg_parts: &[&[u8]],
        sig_out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        Counts::bump(&self.c.sign);
        self.key.sign(rng, scheme, msg_parts, sig_out)
    }
    fn decrypt(
        &self,
        rng: &mut dyn Rng,
        padding: RsaEncryptionPadding,
        ciphertext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CryptoError> {
        Counts::bump(&self.c.decrypt);
        self.key.decrypt(rng, padding, ciphertext, out)
    }
}

/// An RNG that first hands out scripted bytes (the vector's nonce and identifier), then
/// deterministic ones.
struct Scripted {
    script: Vec<Vec<u8>>,
    rest: HashDrbg,
}

impl Rng for Scripted {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), CryptoError> {
        if self.script.is_empty() {
            return self.rest.fill_bytes(dest);
        }
        let next = self.script.remove(0);
        assert_eq!(next.len(), dest.len());
        dest.copy_from_slice(&next);
        Ok(())
    }
}

fn scripted() -> Scripted {
    Scripted {
        script: vec![NONCE.to_vec(), vec![0x12, 0x34]],
        rest: HashDrbg::new(b"hardening"),
    }
}

/// Replaces the part before the RSA Signature of a signed message and re-signs it with
/// `key` (a validly signed message that differs from the vector).
fn resign(
    msg: &[u8],
    key: &RsaPrivate,
    src: Ipv6Addr,
    dst: Ipv6Addr,
    edit: impl FnOnce(&mut Vec<u8>),
) -> Vec<u8> {
    let m = Fmip6Message::parse(msg, &src, &dst).unwrap();
    let sig_at = m
        .options()
        .find(|o| matches!(o.option, NdOption::RsaSignature(_)))
        .unwrap()
        .offset;
    let kh: [u8; 16] = msg[sig_at + 4..sig_at + 20].try_into().unwrap();
    let mut body = msg[..sig_at].to_vec();
    edit(&mut body);
    let n = body.len();
    body.resize(n + 400, 0);
    let mut rng = HashDrbg::new(b"resign");
    let total = send::sign_in_place(
        &SendSigner { key, key_hash: kh },
        &mut rng,
        &mut body,
        n,
        &src,
        &dst,
    )
    .unwrap();
    body.truncate(total);
    body
}

/// Offset of the first option of type `ty`.
fn find(msg: &[u8], ty: u8) -> usize {
    Fmip6Message::parse_unchecked(msg)
        .unwrap()
        .options()
        .find(|o| o.raw[0] == ty)
        .unwrap()
        .offset
}

// ---------------------------------------------------------------------------------------
// Key sizes.

#[test]
fn default_key_size_policy_is_2048_bits_and_1024_is_an_explicit_opt_in() {
    assert_eq!(
        KeySizePolicy::default(),
        KeySizePolicy {
            min_bits: 2048,
            max_bits: 2048
        }
    );
    assert_eq!(KeySizePolicy::LEGACY_1024.min_bits, 1024);
    assert_eq!(
        AccessRouterConfig::default().policy.key_sizes,
        KeySizePolicy::DEFAULT
    );
    assert_eq!(
        MobileNodeConfig::default().policy.key_sizes,
        KeySizePolicy::DEFAULT
    );
}

macro_rules! mikey {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/mikey/",
            $name
        ))
    };
}

/// 2048-bit test keys (the MIKEY vectors'): the router's, the mobile node's CGA key and
/// its handover-key encryption key.
struct Keys2048 {
    ar: RsaPrivate,
    mn: RsaPrivate,
    hk: RsaPrivate,
}

const AR_2048_PUB: &[u8] = mikey!("rsa2048_sender.spki.der");
const MN_2048_PUB: &[u8] = mikey!("rsa2048_recv1.spki.der");
const HK_2048_PUB: &[u8] = mikey!("rsa2048_recv2.spki.der");

fn keys2048() -> Keys2048 {
    Keys2048 {
        ar: RsaPrivate::from_pkcs1_der(mikey!("rsa2048_sender.pkcs1.der")).unwrap(),
        mn: RsaPrivate::from_pkcs1_der(mikey!("rsa2048_recv1.pkcs1.der")).unwrap(),
        hk: RsaPrivate::from_pkcs1_der(mikey!("rsa2048_recv2.pkcs1.der")).unwrap(),
    }
}

/// CGA Parameters for `spki` in the /64 of `prefix`, Sec 0, modifier all `modifier`.
fn params_for(prefix: Ipv6Addr, modifier: u8, spki: &[u8]) -> Vec<u8> {
    let mut p = vec![modifier; 16];
    p.extend_from_slice(&prefix.octets()[..8]);
    p.push(0);
    p.extend_from_slice(spki);
    p
}

fn address_of(params: &[u8]) -> Ipv6Addr {
    cga::address(&C, &CgaParams::parse(params).unwrap(), 0)
}

fn ar_2048<'k>(
    k: &'k Keys2048,
    params: &'k [u8],
    config: AccessRouterConfig,
) -> AccessRouter<'k, &'static RustCrypto, 4, 4> {
    AccessRouter::with_capacity(
        &C,
        config,
        RouterIdentity {
            address: address_of(params),
            cga_params: params,
            signer: &k.ar,
            source_lla: None,
        },
    )
    .unwrap()
}

fn mn_2048<'k>(k: &'k Keys2048, params: &'k [u8], config: MobileNodeConfig) -> Mn<'k> {
    MobileNode::with_capacity(
        &C,
        config,
        MobileNodeIdentity {
            address: address_of(params),
            cga_params: params,
            signer: &k.mn,
            hk_spki: HK_2048_PUB,
            hk_key: &k.hk,
            source_lla: None,
        },
    )
    .unwrap()
}

/// `mn` sends an RtSolPr to the router at `router`; `ar` answers; returns the PrRtAdv.
fn solicit<const N: usize, const T: usize>(
    mn: &mut Mn<'_>,
    ar: &mut AccessRouter<'_, &'static RustCrypto, N, T>,
    rng: &mut HashDrbg,
    now: Time,
) -> Result<Vec<u8>, Error> {
    let mut out = [0u8; 1500];
    let n = mn
        .build_rtsolpr(now, &ar.address(), None, rng, &mut out)
        .unwrap();
    let mut reply = vec![0u8; 1500];
    let r = ar
        .handle_rtsolpr(
            now,
            &rx(mn.address(), ar.address(), &out[..n]),
            &info(),
            &mut NoRateLimit,
            rng,
            &mut reply,
        )
        .map_err(|r| r.error)?;
    reply.truncate(r.len);
    Ok(reply)
}

/// The mobile node of the vectors (CGA mn1, encryption key mn2).
fn vector_mn(k: &Keys, config: MobileNodeConfig) -> Mn<'_> {
    MobileNode::with_capacity(
        &C,
        config,
        MobileNodeIdentity {
            address: mn_cga(),
            cga_params: MN1_PARAMS,
            signer: &k.mn1,
            hk_spki: MN2_PUB,
            hk_key: &k.mn2,
            source_lla: Some(&[2, 0, 0, 0, 0, 1]),
        },
    )
    .unwrap()
}

#[test]
fn default_access_router_refuses_a_1024_bit_cga_key() {
    let k = keys();
    let k2 = keys2048();
    let mut rng = HashDrbg::new(b"ar-1024");
    let mut reply = [0u8; 1500];
    // A router on a 2048-bit key; the vector RtSolPr is signed with a 1024-bit CGA key.
    let ar_params = params_for(addr("fe80::"), 7, AR_2048_PUB);
    let mut ar = ar_2048(&k2, &ar_params, AccessRouterConfig::default());
    assert_eq!(
        ar.handle_rtsolpr(
            t(0),
            &rx(mn_cga(), ar_ll(), RTSOLPR),
            &info(),
            &mut NoRateLimit,
            &mut rng,
            &mut reply
        ),
        Err(Error::KeySize { bits: 1024 }.into())
    );
    assert_eq!(ar.key_count(), 0);
    // Opting in to the weak legacy window accepts it.
    let mut ar = ar_2048(&k2, &ar_params, ar_config());
    let r = ar
        .handle_rtsolpr(
            t(0),
            &rx(mn_cga(), ar_ll(), RTSOLPR),
            &info(),
            &mut NoRateLimit,
            &mut rng,
            &mut reply,
        )
        .unwrap();
    assert_eq!(r.pcoa, mn_cga());
    assert_eq!(ar.key_count(), 1);
    // The router's own key is held to the same window.
    assert_eq!(
        AccessRouter::<'_, _, 4, 4>::with_capacity(
            &C,
            AccessRouterConfig::default(),
            RouterIdentity {
                address: ar_ll(),
                cga_params: AR1_PARAMS,
                signer: &k.ar1,
                source_lla: None,
            },
        )
        .map(|_| ()),
        Err(Error::KeySize { bits: 1024 })
    );
}

#[test]
fn default_mobile_node_refuses_a_1024_bit_router_key() {
    let k = keys();
    let k2 = keys2048();
    let mut rng = HashDrbg::new(b"mn-1024");
    // A 2048-bit mobile node and a legacy router on the 1024-bit vector key.
    let mn_params = params_for(addr("2001:db8:1::"), 1, MN_2048_PUB);
    let mut ar: AccessRouter<'_, &'static RustCrypto, 4, 4> = AccessRouter::with_capacity(
        &C,
        ar_config(),
        RouterIdentity {
            address: ar_ll(),
            cga_params: AR1_PARAMS,
            signer: &k.ar1,
            source_lla: None,
        },
    )
    .unwrap();
    let mut mn = mn_2048(&k2, &mn_params, MobileNodeConfig::default());
    let reply = solicit(&mut mn, &mut ar, &mut rng, t(0)).unwrap();
    assert_eq!(
        mn.handle_prrtadv(t(0), &rx(ar_ll(), mn.address(), &reply), &ROUTERS, &mut rng),
        Err(Error::KeySize { bits: 1024 }.into())
    );
    assert_eq!(mn.pending_count(), 1);
    assert_eq!(mn.key_info(&ar_ll()), None);
    // Opting in to the weak legacy window accepts it.
    let mut mn = mn_2048(&k2, &mn_params, mn_config());
    let reply = solicit(&mut mn, &mut ar, &mut rng, t(1)).unwrap();
    mn.handle_prrtadv(t(1), &rx(ar_ll(), mn.address(), &reply), &ROUTERS, &mut rng)
        .unwrap();
    assert!(mn.key_info(&ar_ll()).is_some());
    // The node's own 1024-bit keys need the opt-in too.
    assert_eq!(
        MobileNode::<'_, _, 4, 4, 4>::with_capacity(
            &C,
            MobileNodeConfig::default(),
            MobileNodeIdentity {
                address: mn_cga(),
                cga_params: MN1_PARAMS,
                signer: &k.mn1,
                hk_spki: MN2_PUB,
                hk_key: &k.mn2,
                source_lla: None,
            },
        )
        .map(|_| ()),
        Err(Error::KeySize { bits: 1024 })
    );
    // The vector PrRtAdv (1024-bit router key): refused by the default window, accepted by
    // an opted-in node whose request it answers.
    let m = Fmip6Message::parse(PRRTADV, &ar_ll(), &mn_cga()).unwrap();
    assert!(matches!(
        send::verify(
            &C,
            &m,
            &ar_ll(),
            &mn_cga(),
            cga::SecPolicy::default(),
            KeySizePolicy::default()
        ),
        Err(Error::KeySize { bits: 1024 })
    ));
    let mut mn = vector_mn(&k, mn_config());
    let mut rng = scripted();
    let mut out = [0u8; 1500];
    mn.build_rtsolpr(
        t(0),
        &ar_ll(),
        Some(&[2, 0, 0, 0, 0, 0xaa]),
        &mut rng,
        &mut out,
    )
    .unwrap();
    mn.handle_prrtadv(t(1), &rx(ar_ll(), mn_cga(), PRRTADV), &ROUTERS, &mut rng)
        .unwrap();
    assert!(mn.key_matches(&ar_ll(), &HK));
}

#[test]
fn default_policy_runs_the_whole_exchange_with_2048_bit_keys() {
    let k2 = keys2048();
    let mut rng = HashDrbg::new(b"2048");
    let ar_params = params_for(addr("fe80::"), 7, AR_2048_PUB);
    let mn_params = params_for(addr("2001:db8:1::"), 1, MN_2048_PUB);
    let mut ar = ar_2048(&k2, &ar_params, AccessRouterConfig::default());
    let mut mn = mn_2048(&k2, &mn_params, MobileNodeConfig::default());
    let reply = solicit(&mut mn, &mut ar, &mut rng, t(0)).unwrap();
    let routers = TrustedRouterKeys(&[AR_2048_PUB]);
    mn.handle_prrtadv(
        t(0),
        &rx(ar.address(), mn.address(), &reply),
        &routers,
        &mut rng,
    )
    .unwrap();
    let mut fbu = [0u8; 128];
    let n = mn
        .build_fbu(
            t(1),
            &FbuRequest {
                router: ar.address(),
                par: par(),
                ncoa: ncoa(),
                sequence: 1,
                lifetime: 60,
                origin: FbuOrigin::ParLink,
            },
            &mut fbu,
        )
        .unwrap();
    let mut fback = [0u8; 128];
    let acc = ar
        .handle_fbu(
            t(1),
            &rx(mn.address(), par(), &fbu[..n]),
            &mn.address(),
            &mut fback,
        )
        .unwrap();
    assert_eq!(acc.pcoa, mn.address());
    assert_eq!(ar.key_confirmed(&mn.address()), Some(true));
}

// ---------------------------------------------------------------------------------------
// Cheap checks before RSA.

#[test]
fn mobile_node_spends_no_rsa_on_an_unauthorised_router_or_an_unmatched_nonce() {
    let k = keys();
    let counts = Counts::default();
    let rec = Rec(&counts);
    let hk = RecKey {
        key: &k.mn2,
        c: &counts,
    };
    let mut mn: MobileNode<'_, &Rec<'_>, 4, 4, 4> = MobileNode::with_capacity(
        &rec,
        mn_config(),
        MobileNodeIdentity {
            address: mn_cga(),
            cga_params: MN1_PARAMS,
            signer: &k.mn1,
            hk_spki: MN2_PUB,
            hk_key: &hk,
            source_lla: None,
        },
    )
    .unwrap();
    let mut rng = scripted();
    let mut out = [0u8; 1500];
    mn.build_rtsolpr(
        t(0),
        &ar_ll(),
        Some(&[2, 0, 0, 0, 0, 0xaa]),
        &mut rng,
        &mut out,
    )
    .unwrap();
    counts.reset();

    // A validly signed PrRtAdv from a key that is not a router's.
    assert_eq!(
        mn.handle_prrtadv(
            t(1),
            &rx(ar_ll(), mn_cga(), PRRTADV),
            &TrustedRouterKeys(&[MN2_PUB]),
            &mut rng
        ),
        Err(Error::UnauthorizedRouter.into())
    );
    assert_eq!(counts.get(), NONE);
    // A validly signed PrRtAdv whose nonce matches no request.
    let nonce_at = find(PRRTADV, 14);
    let wrong_nonce = resign(PRRTADV, &k.ar1, ar_ll(), mn_cga(), |b| {
        b[nonce_at + 2] ^= 1;
    });
    assert_eq!(
        mn.handle_prrtadv(
            t(1),
            &rx(ar_ll(), mn_cga(), &wrong_nonce),
            &ROUTERS,
            &mut rng
        ),
        Err(Error::Nonce.into())
    );
    assert_eq!(counts.get(), NONE);
    // A stale timestamp.
    assert_eq!(
        mn.handle_prrtadv(t(400), &rx(ar_ll(), mn_cga(), PRRTADV), &ROUTERS, &mut rng),
        Err(Error::Timestamp.into())
    );
    assert_eq!(counts.get(), NONE);
    assert_eq!(mn.pending_count(), 1);
    assert_eq!(mn.key_info(&ar_ll()), None);

    // The genuine reply costs one signature verification and one decryption.
    mn.handle_prrtadv(t(1), &rx(ar_ll(), mn_cga(), PRRTADV), &ROUTERS, &mut rng)
        .unwrap();
    assert_eq!(counts.get(), (1, 0, 0, 1, 1));
    assert!(mn.key_matches(&ar_ll(), &HK));
}

#[test]
fn access_router_spends_no_rsa_on_a_missing_nonce_or_a_stale_timestamp() {
    let k = keys();
    let counts = Counts::default();
    let rec = Rec(&counts);
    let signer = RecKey {
        key: &k.ar1,
        c: &counts,
    };
    let mut ar: AccessRouter<'_, &Rec<'_>, 4, 4> = AccessRouter::with_capacity(
        &rec,
        ar_config(),
        RouterIdentity {
            address: ar_ll(),
            cga_params: AR1_PARAMS,
            signer: &signer,
            source_lla: None,
        },
    )
    .unwrap();
    counts.reset();
    let mut rng = HashDrbg::new(b"ar-cheap");
    let mut reply = [0u8; 1500];
    let mut handle = |ar: &mut AccessRouter<'_, &Rec<'_>, 4, 4>, bytes: &[u8], now: Time| {
        ar.handle_rtsolpr(
            now,
            &rx(mn_cga(), ar_ll(), bytes),
            &info(),
            &mut NoRateLimit,
            &mut rng,
            &mut reply,
        )
        .map(|_| ())
    };

    // A validly signed RtSolPr without a Nonce option (its type changed to an unknown one).
    let nonce_at = find(RTSOLPR, 14);
    let no_nonce = resign(RTSOLPR, &k.mn1, mn_cga(), ar_ll(), |b| b[nonce_at] = 99);
    assert_eq!(handle(&mut ar, &no_nonce, t(0)), Err(Error::Nonce.into()));
    assert_eq!(counts.get(), NONE);
    // The vector RtSolPr (timestamp t(0)) received outside the window, late and early.
    assert_eq!(
        handle(&mut ar, RTSOLPR, t(300)),
        Err(Error::Timestamp.into())
    );
    assert_eq!(counts.get(), NONE);
    assert_eq!(
        handle(&mut ar, RTSOLPR, Time::from_unix_secs(T0 - 300)),
        Err(Error::Timestamp.into())
    );
    assert_eq!(counts.get(), NONE);
    assert_eq!(ar.key_count(), 0);

    // The genuine request: one verification, two key loads (CGA key, encryption key), one
    // encryption, one signature.
    handle(&mut ar, RTSOLPR, t(0)).unwrap();
    assert_eq!(counts.get(), (1, 1, 1, 0, 2));
    assert_eq!(ar.key_count(), 1);
}

// ---------------------------------------------------------------------------------------
// The access router's key table.

type Mn<'k> = MobileNode<'k, &'static RustCrypto, 4, 4, 4>;

/// CGA Parameters for the mn1 key in 2001:db8:`subnet`::/64 with a modifier made of
/// `modifier` (Sec 0: any modifier gives a valid CGA, each a different address).
fn params(subnet: u16, modifier: u8) -> Vec<u8> {
    let mut p = vec![modifier; 16];
    p.extend_from_slice(&Ipv6Addr::new(0x2001, 0xdb8, subnet, 0, 0, 0, 0, 0).octets()[..8]);
    p.push(0);
    p.extend_from_slice(MN1_PUB);
    p
}

/// A mobile node on the CGA of `params` (CGA key mn1, handover-key encryption key mn2).
fn node<'k>(k: &'k Keys, params: &'k [u8]) -> Mn<'k> {
    let address = cga::address(&C, &CgaParams::parse(params).unwrap(), 0);
    MobileNode::with_capacity(
        &C,
        mn_config(),
        MobileNodeIdentity {
            address,
            cga_params: params,
            signer: &k.mn1,
            hk_spki: MN2_PUB,
            hk_key: &k.mn2,
            source_lla: None,
        },
    )
    .unwrap()
}

/// `mn` asks `ar` for a key at `now`; on success it takes the PrRtAdv.
fn request<C: Symmetric + RsaKeyLoader, const N: usize>(
    mn: &mut Mn<'_>,
    ar: &mut AccessRouter<'_, C, N, 16>,
    rng: &mut HashDrbg,
    now: Time,
) -> Result<(), Error> {
    let mut out = [0u8; 1500];
    let n = mn
        .build_rtsolpr(now, &ar_ll(), None, rng, &mut out)
        .unwrap();
    let mut reply = [0u8; 1500];
    let r = ar
        .handle_rtsolpr(
            now,
            &rx(mn.address(), ar_ll(), &out[..n]),
            &info(),
            &mut NoRateLimit,
            rng,
            &mut reply,
        )
        .map_err(|r| r.error)?;
    mn.handle_prrtadv(
        now,
        &rx(ar_ll(), mn.address(), &reply[..r.len]),
        &ROUTERS,
        rng,
    )
    .unwrap();
    Ok(())
}

/// `mn` sends an FBU authenticated with its key to `ar` at `now`.
fn fbu<C: Symmetric, const N: usize>(
    mn: &Mn<'_>,
    ar: &mut AccessRouter<'_, C, N, 16>,
    now: Time,
) -> Result<(), Error> {
    let mut fbu = [0u8; 128];
    let n = mn
        .build_fbu(
            now,
            &FbuRequest {
                router: ar_ll(),
                par: par(),
                ncoa: ncoa(),
                sequence: 1,
                lifetime: 60,
                origin: FbuOrigin::ParLink,
            },
            &mut fbu,
        )
        .unwrap();
    let mut fback = [0u8; 128];
    ar.handle_fbu(
        now,
        &rx(mn.address(), par(), &fbu[..n]),
        &mn.address(),
        &mut fback,
    )
    .map(|_| ())
    .map_err(|r| r.error)
}

fn router<const N: usize>(
    k: &Keys,
    config: AccessRouterConfig,
) -> AccessRouter<'_, &'static RustCrypto, N, 16> {
    router_with(k, &C, config)
}

fn router_with<C: Symmetric, const N: usize>(
    k: &Keys,
    crypto: C,
    config: AccessRouterConfig,
) -> AccessRouter<'_, C, N, 16> {
    AccessRouter::with_capacity(
        crypto,
        config,
        RouterIdentity {
            address: ar_ll(),
            cga_params: AR1_PARAMS,
            signer: &k.ar1,
            source_lla: None,
        },
    )
    .unwrap()
}

#[test]
fn one_prefix_cannot_take_more_than_its_share_of_the_key_table() {
    let k = keys();
    let mut rng = HashDrbg::new(b"per-prefix");
    let config = ar_config();
    assert_eq!(config.max_keys_per_prefix, 4);
    // RSA operations counted through the router's provider.
    let counts = Counts::default();
    let rec = Rec(&counts);
    let mut ar = router_with::<_, 8>(&k, &rec, config);
    // The attacker: ten CGAs in its own /64, each with a valid RtSolPr.
    let attacker_params: Vec<Vec<u8>> = (1..=10).map(|m| params(0xbad, m)).collect();
    let mut attackers: Vec<Mn<'_>> = attacker_params.iter().map(|p| node(&k, p)).collect();
    let addrs: Vec<Ipv6Addr> = attackers.iter().map(Mn::address).collect();
    let mut distinct = addrs.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 10, "ten different CGAs");
    let held = |ar: &AccessRouter<'_, &Rec<'_>, 8, 16>| {
        addrs.iter().filter(|a| ar.key_info(a).is_some()).count()
    };
    for (i, a) in attackers.iter_mut().enumerate() {
        // Each is served, but only by taking the place of the same prefix's oldest key.
        request(a, &mut ar, &mut rng, t(i as u64)).unwrap();
        assert_eq!(held(&ar), (i + 1).min(4), "after attacker {i}");
    }
    assert_eq!(ar.key_count(), 4);
    // The four most recent ones hold the prefix's slots.
    for (i, a) in attackers.iter().enumerate() {
        assert_eq!(ar.key_info(&a.address()).is_some(), i >= 6, "attacker {i}");
    }
    // An honest node from another prefix still gets a key.
    let honest_params = params(0x600d, 1);
    let mut honest = node(&k, &honest_params);
    request(&mut honest, &mut ar, &mut rng, t(20)).unwrap();
    assert_eq!(ar.key_count(), 5);
    fbu(&honest, &mut ar, t(21)).unwrap();

    // With all four of its keys confirmed by FBUs, the prefix gets no more: refused before
    // any RSA work, no state change.
    for a in &attackers[6..] {
        fbu(a, &mut ar, t(22)).unwrap();
    }
    let mut out = [0u8; 1500];
    let n = attackers[0]
        .build_rtsolpr(t(23), &ar_ll(), None, &mut rng, &mut out)
        .unwrap();
    counts.reset();
    let mut reply = [0u8; 1500];
    assert_eq!(
        ar.handle_rtsolpr(
            t(23),
            &rx(attackers[0].address(), ar_ll(), &out[..n]),
            &info(),
            &mut NoRateLimit,
            &mut rng,
            &mut reply
        ),
        Err(Error::PrefixLimit.into())
    );
    assert_eq!(counts.get(), NONE);
    assert_eq!(ar.key_count(), 5);
    assert_eq!(ar.key_info(&attackers[0].address()), None);
}

#[test]
fn a_key_no_fbu_confirmed_expires_after_the_short_lifetime() {
    let k = keys();
    let mut rng = HashDrbg::new(b"short-life");
    let mut ar = router::<4>(&k, ar_config());
    let (pa, pb) = (params(1, 1), params(2, 1));
    let (mut a, mut b) = (node(&k, &pa), node(&k, &pb));
    request(&mut a, &mut ar, &mut rng, t(0)).unwrap();
    let unconfirmed = u64::from(UNCONFIRMED_LIFETIME_SECS);
    assert_eq!(unconfirmed, 60);
    assert_eq!(ar.poll_timeout(), Some(t(unconfirmed)));
    assert_eq!(ar.key_confirmed(&a.address()), Some(false));
    // B asks at 10 and sends its FBU at 20: its key lives HK-LIFETIME from 10.
    request(&mut b, &mut ar, &mut rng, t(10)).unwrap();
    fbu(&b, &mut ar, t(20)).unwrap();
    assert_eq!(ar.key_confirmed(&b.address()), Some(true));
    let life = u64::from(HK_LIFETIME_SECS);
    assert_eq!(ar.key_info(&b.address()).map(|i| i.1), Some(t(10 + life)));
    // Drive the clock through poll_timeout / handle_timeout.
    let deadline = ar.poll_timeout().unwrap();
    assert_eq!(deadline, t(unconfirmed));
    ar.handle_timeout(t(unconfirmed - 1));
    assert_eq!(ar.key_count(), 2);
    ar.handle_timeout(deadline);
    assert_eq!(ar.key_info(&a.address()), None);
    assert_eq!(ar.key_count(), 1);
    assert_eq!(ar.poll_timeout(), Some(t(10 + life)));
    // A's late FBU finds no key; B's still verifies.
    assert_eq!(fbu(&a, &mut ar, t(61)), Err(Error::NoKey));
    fbu(&b, &mut ar, t(61)).unwrap();

    // The short lifetime is a setting.
    let mut config = ar_config();
    config.unconfirmed_lifetime = 5;
    let mut ar = router::<4>(&k, config);
    request(&mut a, &mut ar, &mut rng, t(100)).unwrap();
    assert_eq!(ar.poll_timeout(), Some(t(105)));
    ar.handle_timeout(t(105));
    assert_eq!(ar.key_count(), 0);
}

#[test]
fn a_full_table_evicts_the_least_recently_used_unconfirmed_key() {
    let k = keys();
    let mut rng = HashDrbg::new(b"lru");
    let mut ar = router::<4>(&k, ar_config());
    let ps: Vec<Vec<u8>> = (1..=6).map(|s| params(s, 1)).collect();
    let mut n: Vec<Mn<'_>> = ps.iter().map(|p| node(&k, p)).collect();
    // Four nodes from four prefixes fill the table; node 1 confirms its key at once (so it
    // is the least recently used of all, but confirmed).
    for i in 0..4 {
        request(&mut n[i], &mut ar, &mut rng, t(i as u64)).unwrap();
        if i == 1 {
            fbu(&n[1], &mut ar, t(1)).unwrap();
        }
    }
    // Node 0 asks again: its key is used again.
    request(&mut n[0], &mut ar, &mut rng, t(5)).unwrap();
    assert_eq!(ar.key_count(), 4);
    // Node 4 takes the slot of node 2, the least recently used unconfirmed key.
    request(&mut n[4], &mut ar, &mut rng, t(6)).unwrap();
    assert_eq!(ar.key_count(), 4);
    for (i, kept) in [(0, true), (1, true), (2, false), (3, true), (4, true)] {
        assert_eq!(ar.key_info(&n[i].address()).is_some(), kept, "node {i}");
    }
    assert_eq!(fbu(&n[2], &mut ar, t(7)), Err(Error::NoKey));
    // Once every key is confirmed and live, a new node is refused and nothing changes.
    for i in [0, 3, 4] {
        fbu(&n[i], &mut ar, t(8)).unwrap();
    }
    assert_eq!(
        request(&mut n[5], &mut ar, &mut rng, t(9)),
        Err(Error::TableFull)
    );
    for i in [0, 1, 3, 4] {
        assert_eq!(ar.key_confirmed(&n[i].address()), Some(true), "node {i}");
    }
    assert_eq!(ar.key_info(&n[5].address()), None);
}
