//! The FMIPv6 handover key over SEND (RFC 5269) between a mobile node (MN) and its access
//! router (AR): RtSolPr (with a Handover Key Request) → PrRtAdv (with the key encrypted to
//! the MN) → FBU authenticated with the key → FBack authenticated with it. Prints every
//! message in hex, then shows that both sides hold the same handover key; exits non-zero if
//! they do not.
//!
//! `cargo run --example handover_key`
//!
//! Keys and CGA parameters are the committed test vectors (tests/vectors/send-hokey/: the
//! DoCoMo SEND example keys): public test keys, never use them for anything else.

// An example over its own fixed buffers, not wire input from a peer.
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use std::net::Ipv6Addr;

use keying::crypto::rustcrypto::{HashDrbg, RsaPrivate, RustCrypto};
use keying::crypto::{RsaEncryptionPadding, RsaPrivateKeyOps, rsa_max_plaintext_len};
use keying::hokey::wire::Fmip6Message;
use keying::hokey::{
    AccessRouter, AccessRouterConfig, FbuOrigin, FbuRequest, IpAddrPrefix, IpAddrPrefixCode,
    KeySizePolicy, MobileNode, MobileNodeConfig, MobileNodeIdentity, NdOption, NoRateLimit,
    PrRtAdvCode, PrRtAdvInfo, Received, RouterIdentity, SendPolicy, Time, TrustedRouterKeys,
};

macro_rules! vector {
    ($name:literal) => {
        include_bytes!(concat!("../tests/vectors/send-hokey/", $name))
    };
}

/// The MN's CGA and signing key (mn1), and its separate handover-key encryption key (mn2).
const MN_PARAMS: &[u8] = vector!("mn1.cga.params");
const MN_KEY: &[u8] = vector!("mn1.key.pkcs1.der");
const MN_HK_PUB: &[u8] = vector!("mn2.pub.der");
const MN_HK_KEY: &[u8] = vector!("mn2.key.pkcs1.der");
/// The AR's link-local CGA and key (ar1).
const AR_PARAMS: &[u8] = vector!("ar1_ll.cga.params");
const AR_KEY: &[u8] = vector!("ar1.key.pkcs1.der");
const AR_PUB: &[u8] = vector!("ar1.pub.der");

const MN_MAC: [u8; 6] = [2, 0, 0, 0, 0, 1];
const AR_MAC: [u8; 6] = [2, 0, 0, 0, 0, 0xfe];
const NEW_AP: [u8; 6] = [2, 0, 0, 0, 0, 0xaa];
/// 2025-01-01T00:00:00Z.
const T0: u64 = 1_735_689_600;

fn addr(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn wire(label: &str, src: &Ipv6Addr, dst: &Ipv6Addr, b: &[u8]) {
    println!("{label}: {src} → {dst}, {} octets", b.len());
    for chunk in b.chunks(32) {
        println!("    {}", hex(chunk));
    }
    println!("  (decode it: cargo run -p keying-cli -- nd decode --src {src} --dst {dst} <hex>)");
}

fn rx<'a>(src: Ipv6Addr, dst: Ipv6Addr, bytes: &'a [u8]) -> Received<'a> {
    Received {
        src,
        dst,
        hop_limit: 255,
        bytes,
    }
}

fn main() {
    let mut rng = HashDrbg::new(b"handover_key example");
    let mn_key = RsaPrivate::from_pkcs1_der(MN_KEY).unwrap();
    let mn_hk_key = RsaPrivate::from_pkcs1_der(MN_HK_KEY).unwrap();
    let ar_key = RsaPrivate::from_pkcs1_der(AR_KEY).unwrap();
    // The example keys are RSA-1024 (the DoCoMo SEND examples). 1024-bit RSA is weak and
    // both roles refuse it by default (2048 bits); this explicit opt-in accepts it.
    let policy = SendPolicy {
        key_sizes: KeySizePolicy::LEGACY_1024,
        ..SendPolicy::default()
    };
    let pcoa = addr("2003::3049:deeb:fd31:70b0"); // the MN's CGA on the PAR link
    let ar_ll = addr("fe80::20a7:895c:2302:73f1"); // the AR's link-local CGA
    let par = addr("2003::1"); // the AR's global address (FBU destination)
    let ncoa = addr("2004::3049:deeb:fd31:70b0"); // the MN's address on the NAR link

    let mut mn = MobileNode::new(
        RustCrypto,
        MobileNodeConfig {
            policy,
            ..MobileNodeConfig::default()
        },
        MobileNodeIdentity {
            address: pcoa,
            cga_params: MN_PARAMS,
            signer: &mn_key,
            hk_spki: MN_HK_PUB,
            hk_key: &mn_hk_key,
            source_lla: Some(&MN_MAC),
        },
    )
    .unwrap();
    let mut ar = AccessRouter::new(
        RustCrypto,
        AccessRouterConfig {
            policy,
            ..AccessRouterConfig::default()
        },
        RouterIdentity {
            address: ar_ll,
            cga_params: AR_PARAMS,
            signer: &ar_key,
            source_lla: Some(&AR_MAC),
        },
    )
    .unwrap();
    let now = Time::from_unix_secs(T0);

    // 1. MN → AR: RtSolPr, SEND-signed, asking for a handover key.
    let mut rtsolpr = [0u8; 1280];
    let n = mn
        .build_rtsolpr(now, &ar_ll, Some(&NEW_AP), &mut rng, &mut rtsolpr)
        .unwrap();
    let rtsolpr = &rtsolpr[..n];
    wire("RtSolPr", &pcoa, &ar_ll, rtsolpr);

    // 2. AR: verifies it, picks a key, encrypts it to the MN's HK key, signs a PrRtAdv.
    let nar = [NdOption::IpAddrPrefix(IpAddrPrefix {
        code: IpAddrPrefixCode::NarPrefix,
        prefix_len: 64,
        address: addr("2004::"),
    })];
    let info = PrRtAdvInfo {
        code: PrRtAdvCode::Tuple,
        options: &nar,
    };
    let mut prrtadv = [0u8; 1280];
    let out = ar
        .handle_rtsolpr(
            now,
            &rx(pcoa, ar_ll, rtsolpr),
            &info,
            &mut NoRateLimit,
            &mut rng,
            &mut prrtadv,
        )
        .unwrap();
    let prrtadv = &prrtadv[..out.len];
    wire("PrRtAdv", &ar_ll, &out.dst, prrtadv);

    // 3. MN: verifies the router's signature and CGA, decrypts and stores the key.
    let routers = TrustedRouterKeys(&[AR_PUB]);
    let est = mn
        .handle_prrtadv(now, &rx(ar_ll, pcoa, prrtadv), &routers, &mut rng)
        .unwrap();
    println!(
        "MN: handover key from {} (AT {:?}), valid until {} s after the epoch",
        est.router,
        est.at,
        est.expires.unix_secs()
    );

    // What crossed the wire, decrypted here as only the MN could (with its HK private
    // key): the key both sides should now hold.
    let msg = Fmip6Message::parse_unchecked(prrtadv).unwrap();
    let reply = msg
        .options()
        .find_map(|o| match o.option {
            NdOption::HandoverKeyReply(r) => Some(r),
            _ => None,
        })
        .unwrap();
    let mut hk = vec![0u8; rsa_max_plaintext_len(128, RsaEncryptionPadding::Pkcs1v15)];
    let len = mn_hk_key
        .decrypt(
            &mut rng,
            RsaEncryptionPadding::Pkcs1v15,
            reply.encrypted_key,
            &mut hk,
        )
        .unwrap();
    hk.truncate(len);
    println!(
        "handover key in the PrRtAdv ({} octets): {}",
        hk.len(),
        hex(&hk)
    );
    let mn_has = mn.key_matches(&ar_ll, &hk);
    let ar_has = ar.key_matches(&pcoa, &hk);
    println!("MN holds it: {mn_has}; AR holds it (for PCoA {pcoa}): {ar_has}");

    // 4. MN → PAR: FBU from the PAR link, BADF-authenticated with the key.
    let later = Time::from_unix_secs(T0 + 10);
    let mut fbu = [0u8; 256];
    let n = mn
        .build_fbu(
            later,
            &FbuRequest {
                router: ar_ll,
                par,
                ncoa,
                sequence: 7,
                lifetime: 60,
                origin: FbuOrigin::ParLink,
            },
            &mut fbu,
        )
        .unwrap();
    let fbu = &fbu[..n];
    wire("FBU", &pcoa, &par, fbu);

    // 5. PAR: checks the BADF with the key of the PCoA, answers with an FBack.
    let mut fback = [0u8; 256];
    let acc = ar
        .handle_fbu(later, &rx(pcoa, par, fbu), &pcoa, &mut fback)
        .unwrap();
    println!(
        "AR: FBU accepted: PCoA {} → NCoA {}, sequence {}, lifetime {} s",
        acc.pcoa, acc.ncoa, acc.sequence, acc.lifetime
    );
    let fback = &fback[..acc.len];
    wire("FBack", &par, &ncoa, fback);

    // 6. MN (now on the NAR link): checks the FBack's BADF with the same key.
    let fb = mn
        .handle_fback(later, &rx(par, ncoa, fback), &ar_ll, &ncoa)
        .unwrap();
    println!(
        "MN: FBack status {} for sequence {}",
        fb.status, fb.sequence
    );

    if mn_has && ar_has {
        println!("MN and AR hold the same handover key: {}", hex(&hk));
    } else {
        eprintln!("the MN and the AR hold different handover keys");
        std::process::exit(1);
    }
}
