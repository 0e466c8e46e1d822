//! Mobile node ↔ access router over a virtual clock: full exchange, FBU/FBack, key expiry,
//! retransmitted RtSolPr, two MNs, and tamper / bad-input cases, each a typed error with no
//! state change.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use core::net::Ipv6Addr;
use keying_crypto::rustcrypto::{HashDrbg, RsaPrivate, RustCrypto};
use send_hokey::send::SendSigner;
use send_hokey::{
    Error,
    ar::{AccessRouter, AccessRouterConfig, PrRtAdvInfo, Received},
    mn::MobileNode,
    policy::{HK_LIFETIME_SECS, NoRateLimit, TokenBucket, TrustedRouterKeys},
    send,
    wire::AuthAlgorithm,
    wire::NdOption,
    wire::ip_prefix::{IpAddrPrefix, IpAddrPrefixCode},
    wire::rtsolpr::{PrRtAdvCode, fill_checksum},
};
use send_hokey::{FbuOrigin, FbuRequest, MobileNodeIdentity, Rejected, RouterIdentity, Time};

const C: RustCrypto = RustCrypto;
/// 2025-01-01T00:00:00Z.
const T0: u64 = 1_735_689_600;

fn t(secs: u64) -> Time {
    Time::from_unix_secs(T0 + secs)
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

type Mn<'k> = MobileNode<'k, &'static RustCrypto, 4, 4, 4>;
type Ar<'k> = AccessRouter<'k, &'static RustCrypto, 4, 8>;

const MN_MAC: [u8; 6] = [2, 0, 0, 0, 0, 1];
const AR_MAC: [u8; 6] = [2, 0, 0, 0, 0, 0xfe];
const NEW_AP: [u8; 6] = [2, 0, 0, 0, 0, 0xaa];

/// MN with CGA mn1 and HK encryption key mn2 (the setup of the vector exchange in
/// tests/vectors/send-hokey).
fn mn1(k: &Keys) -> Mn<'_> {
    MobileNode::with_capacity(
        &C,
        mn_config(),
        MobileNodeIdentity {
            address: mn_cga(),
            cga_params: MN1_PARAMS,
            signer: &k.mn1,
            hk_spki: MN2_PUB,
            hk_key: &k.mn2,
            source_lla: Some(&MN_MAC),
        },
    )
    .unwrap()
}

/// A second MN: CGA mn2, HK encryption key mn1.
fn mn2(k: &Keys) -> Mn<'_> {
    MobileNode::with_capacity(
        &C,
        mn_config(),
        MobileNodeIdentity {
            address: addr("2003::206d:250:e986:4ab4"),
            cga_params: MN2_PARAMS,
            signer: &k.mn2,
            hk_spki: MN1_PUB,
            hk_key: &k.mn1,
            source_lla: None,
        },
    )
    .unwrap()
}

fn ar(k: &Keys) -> Ar<'_> {
    ar_with(k, ar_config())
}

fn ar_with(k: &Keys, config: AccessRouterConfig) -> Ar<'_> {
    AccessRouter::with_capacity(
        &C,
        config,
        RouterIdentity {
            address: ar_ll(),
            cga_params: AR1_PARAMS,
            signer: &k.ar1,
            source_lla: Some(&AR_MAC),
        },
    )
    .unwrap()
}

const NAR_OPTS: [NdOption<'static>; 1] = [NdOption::IpAddrPrefix(IpAddrPrefix {
    code: IpAddrPrefixCode::NarPrefix,
    prefix_len: 64,
    address: Ipv6Addr::new(0x2004, 0, 0, 0, 0, 0, 0, 0),
})];

fn info() -> PrRtAdvInfo<'static> {
    PrRtAdvInfo {
        code: PrRtAdvCode::Tuple,
        options: &NAR_OPTS,
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

const ROUTERS: TrustedRouterKeys<'static> = TrustedRouterKeys(&[AR1_PUB]);

/// One RtSolPr / PrRtAdv round; returns (rtsolpr, prrtadv).
fn exchange(mn: &mut Mn<'_>, ar: &mut Ar<'_>, rng: &mut HashDrbg, now: Time) -> (Vec<u8>, Vec<u8>) {
    let mut out = vec![0u8; 1500];
    let n = mn
        .build_rtsolpr(now, &ar_ll(), Some(&NEW_AP), rng, &mut out)
        .unwrap();
    out.truncate(n);
    let mut reply = vec![0u8; 1500];
    let r = ar
        .handle_rtsolpr(
            now,
            &rx(mn.address(), ar_ll(), &out),
            &info(),
            &mut NoRateLimit,
            rng,
            &mut reply,
        )
        .unwrap();
    reply.truncate(r.len);
    assert_eq!(r.dst, mn.address());
    (out, reply)
}

#[test]
fn full_exchange_then_fbu_and_fback() {
    let k = keys();
    let mut rng = HashDrbg::new(b"full");
    let mut mn = mn1(&k);
    let mut ar = ar(&k);
    let (_, reply) = exchange(&mut mn, &mut ar, &mut rng, t(0));
    assert_eq!(mn.pending_count(), 1);
    let est = mn
        .handle_prrtadv(t(0), &rx(ar_ll(), mn_cga(), &reply), &ROUTERS, &mut rng)
        .unwrap();
    assert_eq!(est.router, ar_ll());
    assert_eq!(est.at, AuthAlgorithm::HmacSha1_96);
    assert_eq!(est.expires, t(u64::from(HK_LIFETIME_SECS)));
    assert_eq!(mn.pending_count(), 0);
    assert_eq!(ar.key_count(), 1);

    // Both sides hold the same key: the FBU verifies at the AR and the FBack at the MN.
    let mut fbu = [0u8; 128];
    let n = mn
        .build_fbu(
            t(10),
            &FbuRequest {
                router: ar_ll(),
                par: par(),
                ncoa: ncoa(),
                sequence: 7,
                lifetime: 60,
                origin: FbuOrigin::ParLink,
            },
            &mut fbu,
        )
        .unwrap();
    let mut fback = [0u8; 128];
    let acc = ar
        .handle_fbu(
            t(10),
            &rx(mn_cga(), par(), &fbu[..n]),
            &mn_cga(),
            &mut fback,
        )
        .unwrap();
    assert_eq!(
        (acc.pcoa, acc.ncoa, acc.sequence, acc.lifetime),
        (mn_cga(), ncoa(), 7, 60)
    );
    let fb = mn
        .handle_fback(
            t(10),
            &rx(par(), ncoa(), &fback[..acc.len]),
            &ar_ll(),
            &ncoa(),
        )
        .unwrap();
    assert_eq!((fb.status, fb.sequence), (0, 7));

    // From the NAR link: no Alternate CoA, source NCoA.
    let n = mn
        .build_fbu(
            t(11),
            &FbuRequest {
                router: ar_ll(),
                par: par(),
                ncoa: ncoa(),
                sequence: 8,
                lifetime: 60,
                origin: FbuOrigin::NarLink,
            },
            &mut fbu,
        )
        .unwrap();
    let acc = ar
        .handle_fbu(t(11), &rx(ncoa(), par(), &fbu[..n]), &mn_cga(), &mut fback)
        .unwrap();
    assert_eq!(acc.ncoa, ncoa());

    // A wrong authenticator (bit flipped, checksum fixed) is refused.
    let n = mn
        .build_fbu(
            t(12),
            &FbuRequest {
                router: ar_ll(),
                par: par(),
                ncoa: ncoa(),
                sequence: 9,
                lifetime: 60,
                origin: FbuOrigin::ParLink,
            },
            &mut fbu,
        )
        .unwrap();
    let mut bad = fbu[..n].to_vec();
    bad[n - 1] ^= 1;
    bad[4..6].fill(0);
    let c = send_hokey::wire::checksum::pseudo_header_checksum(
        &mn_cga(),
        &par(),
        send_hokey::wire::checksum::NEXT_HEADER_MOBILITY,
        &[&bad],
    );
    bad[4..6].copy_from_slice(&c.to_be_bytes());
    assert_eq!(
        ar.handle_fbu(t(12), &rx(mn_cga(), par(), &bad), &mn_cga(), &mut fback),
        Err(Error::BadAuthenticator.into())
    );
    // Unknown PCoA: no key.
    assert_eq!(
        ar.handle_fbu(t(12), &rx(mn_cga(), par(), &fbu[..n]), &ncoa(), &mut fback)
            .unwrap_err()
            .error,
        Error::Checksum {
            found: u16::from_be_bytes([fbu[4], fbu[5]]),
            computed: {
                let mut z = fbu[..n].to_vec();
                z[4..6].fill(0);
                send_hokey::wire::checksum::pseudo_header_checksum(&ncoa(), &par(), 135, &[&z])
            }
        }
    );
}

/// Sends one FBU from `mn` that `ar` accepts, confirming the key (full HK-LIFETIME).
fn confirm(mn: &Mn<'_>, ar: &mut Ar<'_>, now: Time) {
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
    .unwrap();
    assert_eq!(ar.key_confirmed(&mn.address()), Some(true));
}

#[test]
fn keys_expire_through_handle_timeout() {
    let k = keys();
    let mut rng = HashDrbg::new(b"expiry");
    let mut mn = mn1(&k);
    let mut ar = ar(&k);
    let (_, reply) = exchange(&mut mn, &mut ar, &mut rng, t(0));
    mn.handle_prrtadv(t(1), &rx(ar_ll(), mn_cga(), &reply), &ROUTERS, &mut rng)
        .unwrap();
    // Until an FBU confirms it, the AR keeps the key for the short unconfirmed lifetime.
    assert_eq!(ar.poll_timeout(), Some(t(60)));
    confirm(&mn, &mut ar, t(2));
    let life = u64::from(HK_LIFETIME_SECS);
    assert_eq!(ar.poll_timeout(), Some(t(life)));
    assert_eq!(mn.poll_timeout(), Some(t(1 + life)));
    let mut fbu = [0u8; 128];
    // Just before expiry the key works; at expiry it does not.
    assert!(
        mn.build_fbu(
            t(life),
            &FbuRequest {
                router: ar_ll(),
                par: par(),
                ncoa: ncoa(),
                sequence: 1,
                lifetime: 60,
                origin: FbuOrigin::ParLink
            },
            &mut fbu
        )
        .is_ok()
    );
    assert_eq!(
        mn.build_fbu(
            t(life + 1),
            &FbuRequest {
                router: ar_ll(),
                par: par(),
                ncoa: ncoa(),
                sequence: 1,
                lifetime: 60,
                origin: FbuOrigin::ParLink
            },
            &mut fbu
        ),
        Err(Error::NoKey)
    );
    ar.handle_timeout(t(life));
    mn.handle_timeout(t(life + 1));
    assert_eq!(ar.key_count(), 0);
    assert_eq!(mn.key_info(&ar_ll()), None);
    assert_eq!(ar.poll_timeout(), None);
    assert_eq!(mn.poll_timeout(), None);
}

#[test]
fn unanswered_request_expires() {
    let k = keys();
    let mut rng = HashDrbg::new(b"pending");
    let mut mn = mn1(&k);
    let mut out = [0u8; 1500];
    mn.build_rtsolpr(t(0), &ar_ll(), None, &mut rng, &mut out)
        .unwrap();
    assert_eq!(mn.poll_timeout(), Some(t(4)));
    mn.handle_timeout(t(4));
    assert_eq!(mn.pending_count(), 0);
}

#[test]
fn retransmitted_rtsolpr_gets_the_same_key() {
    let k = keys();
    let mut rng = HashDrbg::new(b"retransmit");
    let mut mn = mn1(&k);
    let mut ar = ar(&k);
    let (_, r1) = exchange(&mut mn, &mut ar, &mut rng, t(0));
    let (_, r2) = exchange(&mut mn, &mut ar, &mut rng, t(1));
    assert_eq!(mn.pending_count(), 2);
    assert_eq!(ar.key_count(), 1);
    // The first reply arrives late, after the second; both are accepted, same key.
    mn.handle_prrtadv(t(1), &rx(ar_ll(), mn_cga(), &r2), &ROUTERS, &mut rng)
        .unwrap();
    mn.handle_prrtadv(t(1), &rx(ar_ll(), mn_cga(), &r1), &ROUTERS, &mut rng)
        .unwrap();
    assert_eq!(mn.pending_count(), 0);
    // A replayed reply no longer matches a request.
    assert_eq!(
        mn.handle_prrtadv(t(2), &rx(ar_ll(), mn_cga(), &r1), &ROUTERS, &mut rng),
        Err(Error::Nonce.into())
    );
    let mut fbu = [0u8; 128];
    let n = mn
        .build_fbu(
            t(3),
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
    ar.handle_fbu(t(3), &rx(mn_cga(), par(), &fbu[..n]), &mn_cga(), &mut fback)
        .unwrap();
}

#[test]
fn two_mobile_nodes_get_different_keys() {
    let k = keys();
    let mut rng = HashDrbg::new(b"two");
    let mut a = mn1(&k);
    let mut b = mn2(&k);
    let mut ar = ar(&k);
    let (_, ra) = exchange(&mut a, &mut ar, &mut rng, t(0));
    let (_, rb) = exchange(&mut b, &mut ar, &mut rng, t(0));
    assert_eq!(ar.key_count(), 2);
    a.handle_prrtadv(t(0), &rx(ar_ll(), a.address(), &ra), &ROUTERS, &mut rng)
        .unwrap();
    // B's reply is not for A.
    assert!(
        a.handle_prrtadv(t(0), &rx(ar_ll(), a.address(), &rb), &ROUTERS, &mut rng)
            .is_err()
    );
    b.handle_prrtadv(t(0), &rx(ar_ll(), b.address(), &rb), &ROUTERS, &mut rng)
        .unwrap();
    let mut fbu = [0u8; 128];
    let mut fback = [0u8; 128];
    for m in [&a, &b] {
        let n = m
            .build_fbu(
                t(5),
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
        ar.handle_fbu(
            t(5),
            &rx(m.address(), par(), &fbu[..n]),
            &m.address(),
            &mut fback,
        )
        .unwrap();
        // A's FBU claiming B's PCoA fails (B's key, and the checksum's home address).
        let other = if m.address() == a.address() {
            b.address()
        } else {
            a.address()
        };
        assert!(
            ar.handle_fbu(t(5), &rx(m.address(), par(), &fbu[..n]), &other, &mut fback)
                .is_err()
        );
    }
}

/// Replaces the part before the RSA Signature of a signed message and re-signs it with
/// `key` (so tampering reaches the checks after the signature).
fn resign(
    msg: &[u8],
    key: &RsaPrivate,
    src: Ipv6Addr,
    dst: Ipv6Addr,
    edit: impl FnOnce(&mut Vec<u8>),
) -> Vec<u8> {
    let m = send_hokey::wire::rtsolpr::Fmip6Message::parse(msg, &src, &dst).unwrap();
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

fn find(msg: &[u8], ty: u8) -> usize {
    send_hokey::wire::rtsolpr::Fmip6Message::parse_unchecked(msg)
        .unwrap()
        .options()
        .find(|o| o.raw[0] == ty)
        .unwrap()
        .offset
}

#[test]
fn mobile_node_rejects_bad_prrtadv_without_state_change() {
    let k = keys();
    let mut rng = HashDrbg::new(b"mn-bad");
    let mut mn = mn1(&k);
    let mut ar = ar(&k);
    let (_, reply) = exchange(&mut mn, &mut ar, &mut rng, t(0));
    let ok = rx(ar_ll(), mn_cga(), &reply);
    let check = |mn: &mut Mn<'_>, rng: &mut HashDrbg, bytes: &[u8], now: Time, want: Error| {
        let r = mn.handle_prrtadv(now, &rx(ar_ll(), mn_cga(), bytes), &ROUTERS, rng);
        assert_eq!(r, Err(want.into()));
        assert_eq!(mn.pending_count(), 1);
        assert_eq!(mn.key_info(&ar_ll()), None);
    };
    // Every bit flip (checksum fixed up, except flips of the checksum itself).
    let sig_at = find(&reply, 12);
    for i in 0..(reply.len() - 4) * 8 {
        let byte = i / 8;
        if byte == sig_at + 2 || byte == sig_at + 3 {
            continue;
        }
        let mut b = reply.clone();
        b[byte] ^= 1 << (i % 8);
        if byte != 2 && byte != 3 {
            fill_checksum(&mut b, &ar_ll(), &mn_cga());
        }
        let r = mn.handle_prrtadv(t(0), &rx(ar_ll(), mn_cga(), &b), &ROUTERS, &mut rng);
        assert!(r.is_err(), "bit {i}");
        assert_eq!(mn.pending_count(), 1);
    }
    // Hop limit.
    let mut hl = ok;
    hl.hop_limit = 254;
    assert_eq!(
        mn.handle_prrtadv(t(0), &hl, &ROUTERS, &mut rng),
        Err(Error::HopLimit { found: 254 }.into())
    );
    // Unauthorised router key (a valid CGA and signature, but not a router key).
    assert_eq!(
        mn.handle_prrtadv(t(0), &ok, &TrustedRouterKeys(&[MN2_PUB]), &mut rng),
        Err(Error::UnauthorizedRouter.into())
    );
    // Stale timestamp.
    check(&mut mn, &mut rng, &reply, t(301), Error::Timestamp);
    // Wrong nonce, validly signed.
    let nonce_at = find(&reply, 14);
    let b = resign(&reply, &k.ar1, ar_ll(), mn_cga(), |b| b[nonce_at + 2] ^= 1);
    check(&mut mn, &mut rng, &b, t(0), Error::Nonce);
    // Wrong identifier.
    let b = resign(&reply, &k.ar1, ar_ll(), mn_cga(), |b| b[7] ^= 1);
    check(&mut mn, &mut rng, &b, t(0), Error::Nonce);
    // A weaker / unsupported AT.
    let hk_at = find(&reply, 28);
    let b = resign(&reply, &k.ar1, ar_ll(), mn_cga(), |b| b[hk_at + 3] = 0x30);
    check(&mut mn, &mut rng, &b, t(0), Error::WeakerAlgorithm);
    // A corrupted ciphertext: uniform decryption failure.
    let b = resign(&reply, &k.ar1, ar_ll(), mn_cga(), |b| b[hk_at + 20] ^= 0x55);
    check(&mut mn, &mut rng, &b, t(0), Error::KeyDecrypt);
    // No Handover Key Reply.
    let b = resign(&reply, &k.ar1, ar_ll(), mn_cga(), |b| b[hk_at] = 99);
    check(
        &mut mn,
        &mut rng,
        &b,
        t(0),
        Error::MissingOption("Handover Key Reply"),
    );
    // Pad length too large / zero-length option.
    let mut b = reply.clone();
    b[hk_at + 2] = 8;
    fill_checksum(&mut b, &ar_ll(), &mn_cga());
    assert!(matches!(
        mn.handle_prrtadv(t(0), &rx(ar_ll(), mn_cga(), &b), &ROUTERS, &mut rng),
        Err(Rejected { error: Error::Decode(e), reply_len: None }) if e.kind == keying_tlv::ErrorKind::BadLength { value: 8 }
    ));
    let mut b = reply.clone();
    b[hk_at + 1] = 0;
    fill_checksum(&mut b, &ar_ll(), &mn_cga());
    assert!(matches!(
        mn.handle_prrtadv(t(0), &rx(ar_ll(), mn_cga(), &b), &ROUTERS, &mut rng),
        Err(Rejected { error: Error::Decode(e), reply_len: None }) if e.kind == keying_tlv::ErrorKind::ZeroLength
    ));
    // After all that, the genuine reply is still accepted.
    mn.handle_prrtadv(t(0), &ok, &ROUTERS, &mut rng).unwrap();
}

#[test]
fn access_router_rejects_bad_rtsolpr_without_state_change() {
    let k = keys();
    let mut rng = HashDrbg::new(b"ar-bad");
    let mut mn = mn1(&k);
    let mut ar = ar(&k);
    let mut req = vec![0u8; 1500];
    let n = mn
        .build_rtsolpr(t(0), &ar_ll(), Some(&NEW_AP), &mut rng, &mut req)
        .unwrap();
    req.truncate(n);
    let mut out = vec![0u8; 1500];
    let handle = |ar: &mut Ar<'_>, bytes: &[u8], now: Time, rng: &mut HashDrbg| {
        let mut out = vec![0u8; 1500];
        ar.handle_rtsolpr(
            now,
            &rx(mn_cga(), ar_ll(), bytes),
            &info(),
            &mut NoRateLimit,
            rng,
            &mut out,
        )
        .map(|_| ())
    };
    let sig_at = find(&req, 12);
    for i in 0..(req.len() - 4) * 8 {
        let byte = i / 8;
        if byte == sig_at + 2 || byte == sig_at + 3 {
            continue;
        }
        let mut b = req.clone();
        b[byte] ^= 1 << (i % 8);
        if byte != 2 && byte != 3 {
            fill_checksum(&mut b, &mn_cga(), &ar_ll());
        }
        assert!(handle(&mut ar, &b, t(0), &mut rng).is_err(), "bit {i}");
        assert_eq!(ar.key_count(), 0);
    }
    // Stale and future timestamps.
    assert_eq!(
        handle(&mut ar, &req, t(300), &mut rng),
        Err(Error::Timestamp.into())
    );
    assert_eq!(
        handle(&mut ar, &req, Time::from_unix_secs(T0 - 300), &mut rng),
        Err(Error::Timestamp.into())
    );
    // No nonce (validly signed).
    let nonce_at = find(&req, 14);
    let b = resign(&req, &k.mn1, mn_cga(), ar_ll(), |b| b[nonce_at] = 99);
    assert_eq!(
        handle(&mut ar, &b, t(0), &mut rng),
        Err(Error::Nonce.into())
    );
    // HK encryption key of another size than the CGA key: the RFC 3972 example 512-bit key.
    let hk_at = find(&req, 27);
    let b = resign(&req, &k.mn1, mn_cga(), ar_ll(), |b| {
        b.truncate(hk_at);
        let mut w = vec![0u8; 200];
        let mut wr = keying_tlv::Writer::new(&mut w);
        NdOption::HandoverKeyRequest(send_hokey::wire::HandoverKeyRequest {
            at: AuthAlgorithm::HmacSha1_96,
            public_key: &RFC_PARAMS[25..],
        })
        .emit(&mut wr);
        let n = wr.finish().unwrap();
        b.extend_from_slice(&w[..n]);
    });
    assert_eq!(
        handle(&mut ar, &b, t(0), &mut rng),
        Err(Error::HandoverKeyPolicy.into())
    );
    // Oversized keys: a router capped at 1000 bits cannot even use its own 1024-bit key
    // (a peer's oversized CGA key is refused by SEND verification, tests/send.rs).
    let mut cfg = ar_config();
    cfg.policy.key_sizes.max_bits = 1000;
    assert_eq!(
        Ar::with_capacity(
            &C,
            cfg,
            RouterIdentity {
                address: ar_ll(),
                cga_params: AR1_PARAMS,
                signer: &k.ar1,
                source_lla: Some(&AR_MAC)
            }
        )
        .map(|_| ()),
        Err(Error::KeySize { bits: 1024 })
    );
    // Rate limit: one per second.
    let mut bucket = TokenBucket::new(1, 1);
    let mut ar2 = ar_with(&k, ar_config());
    ar2.handle_rtsolpr(
        t(0),
        &rx(mn_cga(), ar_ll(), &req),
        &info(),
        &mut bucket,
        &mut rng,
        &mut out,
    )
    .unwrap();
    assert_eq!(
        ar2.handle_rtsolpr(
            t(0),
            &rx(mn_cga(), ar_ll(), &req),
            &info(),
            &mut bucket,
            &mut rng,
            &mut out
        ),
        Err(Error::RateLimited.into())
    );
    // Hop limit.
    let mut hl = rx(mn_cga(), ar_ll(), &req);
    hl.hop_limit = 64;
    assert_eq!(
        ar.handle_rtsolpr(t(0), &hl, &info(), &mut NoRateLimit, &mut rng, &mut out),
        Err(Error::HopLimit { found: 64 }.into())
    );
    // Output buffer too small: an error, no key.
    let mut tiny = [0u8; 100];
    assert!(matches!(
        ar.handle_rtsolpr(
            t(0),
            &rx(mn_cga(), ar_ll(), &req),
            &info(),
            &mut NoRateLimit,
            &mut rng,
            &mut tiny
        ),
        Err(Rejected {
            error: Error::BufferTooSmall { .. },
            reply_len: None
        })
    ));
    assert_eq!(ar.key_count(), 0);
    // Finally the genuine request is served.
    handle(&mut ar, &req, t(0), &mut rng).unwrap();
    assert_eq!(ar.key_count(), 1);
}

#[test]
fn prrtadv_layout_follows_rfc5568() {
    let k = keys();
    let mut rng = HashDrbg::new(b"layout");
    let mut mn = mn1(&k);
    let mut ar = ar(&k);
    let (_, reply) = exchange(&mut mn, &mut ar, &mut rng, t(0));
    let m = send_hokey::wire::rtsolpr::Fmip6Message::parse(&reply, &ar_ll(), &mn_cga()).unwrap();
    let types: Vec<u8> = m.options().map(|o| o.raw[0]).collect();
    assert_eq!(types, [19, 19, 17, 11, 13, 14, 28, 12]);
    assert_eq!(reply.len() % 8, 0);
}

/// An RNG that first hands out scripted bytes (the vector's nonce and identifier), then
/// deterministic ones.
struct Scripted {
    script: Vec<Vec<u8>>,
    rest: HashDrbg,
}

impl keying_crypto::Rng for Scripted {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), keying_crypto::CryptoError> {
        if self.script.is_empty() {
            return self.rest.fill_bytes(dest);
        }
        let next = self.script.remove(0);
        assert_eq!(next.len(), dest.len());
        dest.copy_from_slice(&next);
        Ok(())
    }
}

#[test]
fn the_vector_exchange_through_the_roles() {
    let k = keys();
    let mut mn = mn1(&k);
    let mut rng = Scripted {
        script: vec![NONCE.to_vec(), vec![0x12, 0x34]],
        rest: HashDrbg::new(b"vectors"),
    };
    // The MN's RtSolPr is the vector, byte for byte.
    let mut out = [0u8; 1500];
    let n = mn
        .build_rtsolpr(t(0), &ar_ll(), Some(&NEW_AP), &mut rng, &mut out)
        .unwrap();
    assert_eq!(&out[..n], RTSOLPR);
    // The vector's PrRtAdv is accepted and hk_ciphertext.bin decrypts to the known key.
    let est = mn
        .handle_prrtadv(t(1), &rx(ar_ll(), mn_cga(), PRRTADV), &ROUTERS, &mut rng)
        .unwrap();
    assert_eq!(est.at, AuthAlgorithm::HmacSha1_96);
    assert!(mn.key_matches(&ar_ll(), &HK));
    // And the FBU is the vector's.
    let mut fbu = [0u8; 128];
    let n = mn
        .build_fbu(
            t(2),
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
    assert_eq!(&fbu[..n], FBU_MH);
    // The AR accepts the vector RtSolPr (no state before that).
    let mut ar = ar(&k);
    let mut reply = [0u8; 1500];
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
}

/// Drives two MNs and the AR on one virtual clock, jumping to each `poll_timeout`
/// deadline in turn (the quinn-proto `Pair` pattern), and checks what expires when.
#[test]
fn virtual_clock_drives_expiry_of_two_mobile_nodes() {
    let k = keys();
    let mut rng = HashDrbg::new(b"clock");
    let mut a = mn1(&k);
    let mut b = mn2(&k);
    let cfg = AccessRouterConfig {
        hk_lifetime: 600,
        ..ar_config()
    };
    let mut ar = ar_with(&k, cfg);
    let (_, ra) = exchange(&mut a, &mut ar, &mut rng, t(0));
    a.handle_prrtadv(t(0), &rx(ar_ll(), a.address(), &ra), &ROUTERS, &mut rng)
        .unwrap();
    confirm(&a, &mut ar, t(1));
    let (_, rb) = exchange(&mut b, &mut ar, &mut rng, t(100));
    b.handle_prrtadv(t(100), &rx(ar_ll(), b.address(), &rb), &ROUTERS, &mut rng)
        .unwrap();
    confirm(&b, &mut ar, t(100));

    let mut now = t(100);
    let mut events = Vec::new();
    loop {
        let next = [ar.poll_timeout(), a.poll_timeout(), b.poll_timeout()]
            .into_iter()
            .flatten()
            .min();
        let Some(deadline) = next else { break };
        assert!(deadline >= now, "time never goes backwards");
        now = deadline;
        ar.handle_timeout(now);
        a.handle_timeout(now);
        b.handle_timeout(now);
        events.push((
            now.unix_secs() - T0,
            ar.key_count(),
            a.key_info(&ar_ll()).is_some(),
            b.key_info(&ar_ll()).is_some(),
        ));
    }
    // A's key (t=0) expires at 600 on both sides, B's (t=100) at 700.
    assert_eq!(events, [(600, 1, false, true), (700, 0, false, false)]);
}

/// Every message the roles write fits the published size constants.
#[test]
fn roles_write_no_more_than_the_size_constants() {
    use send_hokey::{MAX_FBACK_LEN, MAX_FBU_LEN, MAX_PRRTADV_LEN, MAX_RTSOLPR_LEN};
    let k = keys();
    let mut rng = HashDrbg::new(b"sizes");
    let mut mn = mn1(&k);
    let mut ar = ar(&k);
    let (req, reply) = exchange(&mut mn, &mut ar, &mut rng, t(0));
    assert!(req.len() <= MAX_RTSOLPR_LEN, "RtSolPr {}", req.len());
    let extra: usize = info().options.iter().map(NdOption::buffer_len).sum();
    assert!(
        reply.len() <= MAX_PRRTADV_LEN + extra,
        "PrRtAdv {}",
        reply.len()
    );
    // Exactly the constants' buffers suffice.
    let mut out = [0u8; MAX_RTSOLPR_LEN];
    let n = mn
        .build_rtsolpr(t(1), &ar_ll(), Some(&NEW_AP), &mut rng, &mut out)
        .unwrap();
    // A short buffer reports the whole signed message's length.
    let mut tiny = [0u8; 10];
    assert_eq!(
        mn.build_rtsolpr(t(1), &ar_ll(), Some(&NEW_AP), &mut rng, &mut tiny),
        Err(Error::BufferTooSmall { needed: n })
    );
    let too_small = ar.handle_rtsolpr(
        t(1),
        &rx(mn.address(), ar_ll(), &out[..n]),
        &info(),
        &mut NoRateLimit,
        &mut rng,
        &mut tiny,
    );
    let mut prrtadv = vec![0u8; MAX_PRRTADV_LEN + extra];
    let p = ar
        .handle_rtsolpr(
            t(1),
            &rx(mn.address(), ar_ll(), &out[..n]),
            &info(),
            &mut NoRateLimit,
            &mut rng,
            &mut prrtadv,
        )
        .unwrap();
    assert_eq!(
        too_small,
        Err(Rejected::silent(Error::BufferTooSmall { needed: p.len }))
    );
    mn.handle_prrtadv(t(1), &rx(ar_ll(), mn.address(), &reply), &ROUTERS, &mut rng)
        .unwrap();
    for origin in [FbuOrigin::ParLink, FbuOrigin::NarLink] {
        let mut fbu = [0u8; MAX_FBU_LEN];
        let req = FbuRequest {
            router: ar_ll(),
            par: par(),
            ncoa: ncoa(),
            sequence: 1,
            lifetime: 60,
            origin,
        };
        let n = mn.build_fbu(t(2), &req, &mut fbu).unwrap();
        assert!(n <= MAX_FBU_LEN);
        let src = if origin == FbuOrigin::ParLink {
            mn_cga()
        } else {
            ncoa()
        };
        let mut fback = [0u8; MAX_FBACK_LEN];
        let a = ar
            .handle_fbu(t(2), &rx(src, par(), &fbu[..n]), &mn_cga(), &mut fback)
            .unwrap();
        assert!(a.len <= MAX_FBACK_LEN);
    }
}
