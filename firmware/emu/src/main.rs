//! The firmware paths on an emulated Cortex-M4F (QEMU `mps2-an386`): each path's inputs
//! were produced by `fw-host` and are embedded at build time; each result is printed over
//! semihosting as a line that `.ci/firmware` compares with the host's, and each operation
//! is measured (`measure <op> stack=<octets> instructions=<n>`). One path per build (cargo
//! feature), as `crates/footprint` builds them. No global allocator, except in the
//! `hokey-mn` path (RSA: `heap.rs`).
#![no_std]
#![no_main]
// Built without a path, the binary is the harness alone (its .text is the baseline of
// `.ci/firmware`'s cost column): the helpers the paths use are unused then.
#![cfg_attr(
    not(any(
        feature = "mikey-psk-mandatory",
        feature = "mikey-psk-init",
        feature = "gdoi-gm-rustcrypto",
        feature = "gdoi-gm",
        feature = "hokey",
        feature = "hokey-mn"
    )),
    allow(unused)
)]

#[cfg(feature = "hokey-mn")]
extern crate alloc;

use cortex_m_rt::{entry, exception, ExceptionFrame};
use panic_semihosting as _;

#[macro_use]
mod rt;
#[cfg(feature = "hokey-mn")]
mod heap;

#[path = "../../common/consts.rs"]
#[allow(dead_code)]
mod consts;

use rt::{fail, measure, Hex};

/// A host-generated input (`fw-host` wrote it into `$FW_VECTORS`).
macro_rules! input {
    ($name:literal) => {
        include_bytes!(concat!(env!("FW_VECTORS"), "/", $name)).as_slice()
    };
}

/// `Ok(v)` or a failed run naming what failed.
macro_rules! ok {
    ($e:expr, $what:literal) => {
        match $e {
            Ok(v) => v,
            Err(e) => fail(format_args!("{}: {:?}", $what, e)),
        }
    };
}

#[cfg(any(feature = "mikey-psk-mandatory", feature = "mikey-psk-init"))]
fn sas(path: &str, sas: &mikey_core::srtp::SrtpSas) {
    for (i, sa) in sas.iter().enumerate() {
        say!(
            "{path} sa{i} master_key={} master_salt={} roc={}",
            Hex(sa.master_key.expose()),
            Hex(sa.master_salt.expose()),
            sa.roc
        );
    }
}

/// The path name of the PSK Responder's result lines: `mikey-psk` (default policy) or
/// `mikey-psk-mandatory` (RFC 3830's mandatory algorithms only, the provider without
/// SHA-256 or key wrap).
#[cfg(feature = "mikey-psk")]
macro_rules! psk_path {
    () => {
        "mikey-psk"
    };
}
#[cfg(all(feature = "mikey-psk-mandatory", not(feature = "mikey-psk")))]
macro_rules! psk_path {
    () => {
        "mikey-psk-mandatory"
    };
}

/// The MIKEY PSK Responder (RFC 3830 §3.1): the tampered I_MESSAGE, then the real one
/// with V set: its verification message and SRTP keys. The host's I_MESSAGE uses the
/// mandatory algorithms, so both policies give the same bytes.
#[cfg(feature = "mikey-psk-mandatory")]
fn mikey_psk() {
    use keying_crypto::rustcrypto::RustCrypto;
    use mikey_core::policy::Policy;
use mikey_core::hooks::StaticPsk;
    use mikey_core::psk::PskResponder;
    use mikey_core::Time;

    #[cfg(feature = "mikey-psk")]
    let policy = Policy::default();
    #[cfg(not(feature = "mikey-psk"))]
    let policy = Policy::default().mandatory_algorithms_only();
    let now = Time::from_unix_secs(u64::from(consts::MIKEY_NOW_SECS) - keying_crypto::NTP_UNIX_OFFSET_SECS);
    let psk = ok!(StaticPsk::new(consts::MIKEY_PSK), "psk");
    let mut r: PskResponder<RustCrypto> = measure(concat!(psk_path!(), " new"), || {
        PskResponder::new(RustCrypto, policy)
    });
    let mut out = [0u8; 256];
    let bad = measure(concat!(psk_path!(), " handle_tampered"), || {
        r.handle(now, input!("mikey_i_message_bad.bin"), &psk, &mut out)
    });
    match bad {
        Ok(_) => fail(format_args!("tampered I_MESSAGE accepted")),
        Err(e) => say!(
            concat!(psk_path!(), " tampered error={:?} error_message={}"),
            e.error,
            Hex(e.reply_len.and_then(|l| out.get(..l)).unwrap_or_default())
        ),
    }
    let a = measure(concat!(psk_path!(), " handle"), || {
        r.handle(now, input!("mikey_i_message.bin"), &psk, &mut out)
    });
    let a = ok!(a, "responder");
    let reply = a.reply_len.and_then(|l| out.get(..l));
    let Some(reply) = reply else {
        fail(format_args!("no R_MESSAGE"))
    };
    say!(concat!(psk_path!(), " r_message={}"), Hex(reply));
    sas(psk_path!(), a.sas);
}

/// The MIKEY PSK Initiator: the I_MESSAGE (TGK and RAND from a fixed `HashDrbg`), the
/// tampered verification message, then the real one and the SRTP keys.
#[cfg(feature = "mikey-psk-init")]
fn mikey_psk_init() {
    use keying_crypto::rustcrypto::{HashDrbg, RustCrypto};
    use mikey_core::policy::Policy;
    use mikey_core::offer::Offer;
    use mikey_core::psk::PskInitiator;
    use mikey_core::Time;
    use mikey_core::{SrtpCs, Timestamp, TsType};

    let now = Time::from_unix_secs(u64::from(consts::MIKEY_NOW_SECS) - keying_crypto::NTP_UNIX_OFFSET_SECS);
    let streams = [SrtpCs {
        policy_no: 0,
        ssrc: consts::MIKEY_SSRC,
        roc: 0,
    }];
    let offer = Offer {
        verification: true,
        ..Offer::new(
            consts::MIKEY_CSB_ID,
            &streams,
            Timestamp {
                ts_type: TsType::NtpUtc,
                value: now.to_ntp(),
            },
        )
    };
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let mut rng = HashDrbg::new(consts::MIKEY_DRBG_SEED);
    let mut msg = [0u8; 256];
    let n = measure("mikey-psk-init start", || {
        i.start(mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(), &offer, consts::MIKEY_PSK, &mut rng, &mut msg)
    });
    let n = ok!(n, "start");
    say!(
        "mikey-psk-init i_message={}",
        Hex(msg.get(..n).unwrap_or_default())
    );
    let bad = measure("mikey-psk-init handle_response_tampered", || {
        i.handle_response(now, input!("mikey_r_message_bad.bin"))
    });
    match bad {
        Ok(()) => fail(format_args!("tampered R_MESSAGE accepted")),
        Err(e) => say!("mikey-psk-init tampered error={e:?}"),
    }
    let r = measure("mikey-psk-init handle_response", || {
        i.handle_response(now, input!("mikey_r_message.bin"))
    });
    ok!(r, "handle_response");
    match i.poll_keys() {
        Some(k) => sas("mikey-psk-init", k),
        None => fail(format_args!("no keys")),
    }
}

/// The name of the GDOI path being built, and the GCKS's P-256 key type of that path.
#[cfg(feature = "gdoi-gm-rustcrypto")]
macro_rules! gm {
    () => {
        "gdoi-gm-rustcrypto"
    };
}
#[cfg(feature = "gdoi-gm-rustcrypto")]
type GcksKey = keying_crypto::rustcrypto::P256VerifyingKey;
#[cfg(all(feature = "gdoi-gm", not(feature = "gdoi-gm-rustcrypto")))]
macro_rules! gm {
    () => {
        "gdoi-gm"
    };
}
#[cfg(all(feature = "gdoi-gm", not(feature = "gdoi-gm-rustcrypto")))]
type GcksKey = keying_crypto::p256cm4::P256VerifyingKey;

/// The Wycheproof ECDSA P-256 / SHA-256 (r ‖ s) cases the host wrote
/// (`p256_wycheproof.bin`), each verified with the `p256-cm4` key on the target: the
/// verdicts as a bitmap (bit i of octet i / 8: case i accepted), which must equal
/// RustCrypto's on the host. A record that does not parse fails the run.
#[cfg(feature = "gdoi-gm")]
fn p256_wycheproof() {
    use keying_crypto::p256cm4::{P256VerifyingKey, ASSEMBLY};
    use keying_crypto::EcdsaP256Verifier;

    /// `n` octets off the front of `rest`.
    fn take<'a>(rest: &mut &'a [u8], n: usize) -> &'a [u8] {
        match rest.split_at_checked(n) {
            Some((a, b)) => {
                *rest = b;
                a
            }
            None => fail(format_args!("p256_wycheproof.bin truncated")),
        }
    }
    fn len(b: &[u8]) -> usize {
        b.iter().fold(0, |n, &x| n << 8 | usize::from(x))
    }

    if !ASSEMBLY {
        fail(format_args!("p256cm4 is not the assembly on this target"));
    }
    let mut bits = [0u8; 64];
    let (n, accepted) = measure(concat!(gm!(), " wycheproof_all"), || {
        let mut rest = input!("p256_wycheproof.bin");
        let (mut n, mut accepted) = (0usize, 0usize);
        while !rest.is_empty() {
            let _tc_id = take(&mut rest, 2);
            let l = len(take(&mut rest, 1));
            let key = take(&mut rest, l);
            let l = len(take(&mut rest, 2));
            let msg = take(&mut rest, l);
            let l = len(take(&mut rest, 1));
            let sig = take(&mut rest, l);
            let ok = P256VerifyingKey::from_sec1_bytes(key)
                .is_ok_and(|vk| vk.verify(&[msg], sig).is_ok());
            let Some(b) = bits.get_mut(n / 8) else {
                fail(format_args!("more than {} cases", 64 * 8))
            };
            if ok {
                *b |= 1 << (n % 8);
                accepted += 1;
            }
            n += 1;
        }
        (n, accepted)
    });
    say!(
        "{} p256_wycheproof cases={n} accepted={accepted} verdicts={}",
        gm!(),
        Hex(bits.get(..n.div_ceil(8)).unwrap_or_default())
    );
}

/// The GDOI group member (RFC 6407 §4.1, RFC 8263 §3): the KEK installed, the tampered
/// PUSH, the real one (AES-CBC, ECDSA P-256), its ACK (unicast: no jitter, RFC 8263 §4).
/// `gdoi-gm-rustcrypto` verifies with RustCrypto's p256, `gdoi-gm` with the p256-cm4 assembly
/// (the same member code: both keys implement `EcdsaP256Verifier`).
#[cfg(any(feature = "gdoi-gm-rustcrypto", feature = "gdoi-gm"))]
fn gdoi_gm() {
    use gdoi_ack::gm::{GmConfig, GmIdentity, GroupMember, KekInstall, Outcome};
    use gdoi_ack::keys::EcdsaP256;
    use gdoi_ack::wire::sa_kek::KekAckRequested;
    use gdoi_ack::{Delivery, Time};
    use keying_crypto::rustcrypto::{HashDrbg, RustCrypto};

    let crypto = RustCrypto;
    let mut spi = [0u8; 16];
    spi.copy_from_slice(input!("gdoi_spi.bin"));
    let mut gm: GroupMember<RustCrypto, EcdsaP256<GcksKey>, 2> =
        GroupMember::with_capacity(crypto, GmConfig::new(GmIdentity::Ipv4([192, 0, 2, 100])));
    let installed = measure(concat!(gm!(), " install_kek"), || {
        let vk = GcksKey::from_sec1_bytes(input!("gdoi_gcks_sec1.bin"))
            .map_err(|_| "GCKS key")?;
        gm.install_kek(KekInstall {
            spi,
            algorithm_key: input!("gdoi_kek.bin"),
            last_seq: 1,
            ack_requested: Some(KekAckRequested::KekSha256),
            verifier: EcdsaP256(vk),
        })
        .map_err(|_| "install_kek")
    });
    ok!(installed, "install");
    let now = Time::from_unix_secs(consts::GDOI_NOW_SECS);
    let mut rng = HashDrbg::new(consts::GDOI_DRBG_SEED);
    let mut scratch = [0u8; 512];
    let bad = measure(concat!(gm!(), " handle_push_tampered"), || {
        gm.handle_push(
            now,
            input!("gdoi_push_bad.bin"),
            Delivery::Unicast,
            &mut rng,
            &mut scratch,
        )
        .map(|_| ())
    });
    match bad {
        Ok(()) => fail(format_args!("tampered PUSH accepted")),
        Err(e) => say!(concat!(gm!(), " tampered error={:?}"), e),
    }
    let r = measure(concat!(gm!(), " handle_push"), || {
        gm.handle_push(
            now,
            input!("gdoi_push.bin"),
            Delivery::Unicast,
            &mut rng,
            &mut scratch,
        )
    });
    match r {
        Ok(Outcome::Accepted(a)) => {
            let tek =
                a.kd.and_then(|kd| kd.packets.iter().next())
                    .and_then(|p| p.tek_algorithm_key())
                    .unwrap_or_default();
            say!(
                concat!(gm!(), " accepted seq={} kek_spi={} tek_key={} ack={:?}"),
                a.seq,
                Hex(&a.kek_spi),
                Hex(tek),
                a.ack
            );
        }
        Ok(_) => fail(format_args!("PUSH not accepted as new")),
        Err(e) => fail(format_args!("PUSH: {e:?}")),
    }
    // Key material in scratch: the firmware zeroizes it.
    scratch.fill(0);
    let Some(at) = gm.poll_timeout() else {
        fail(format_args!("no ACK scheduled"))
    };
    let mut ack = [0u8; 256];
    let mut name = concat!(gm!(), " handle_timeout");
    loop {
        let n = measure(name, || gm.handle_timeout(at, &mut ack));
        match n {
            Ok(Some(n)) => say!(concat!(gm!(), " ack={}"), Hex(ack.get(..n).unwrap_or_default())),
            Ok(None) => break,
            Err(e) => fail(format_args!("ack: {e:?}")),
        }
        // The call after the last ACK, which finds the queue empty.
        name = concat!(gm!(), " handle_timeout_empty");
    }
}

#[cfg(any(feature = "hokey", feature = "hokey-mn"))]
fn ip(a: [u16; 8]) -> core::net::Ipv6Addr {
    core::net::Ipv6Addr::new(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7])
}

/// The heap-free part of the mobile node (RFC 5269 §3.3, §3.4): the PrRtAdv's checksum,
/// options and the router's CGA (RFC 3972 §5); the FBU's BADF authenticator written and
/// the FBack's checked (RFC 5568 §6.2.5, HMAC-SHA1-96) with the handover key.
#[cfg(feature = "hokey")]
fn hokey() {
    use keying_crypto::rustcrypto::RustCrypto;
    use keying_tlv::Writer;
    use send_hokey::badf::{self, BadfKey};
    use send_hokey::cga::{self, SecPolicy};
    use send_hokey::wire::fbu::{emit_fast_binding, FastBinding, Fbu, MobilityMessage};
    use send_hokey::wire::rtsolpr::Fmip6Message;
    use send_hokey::wire::AuthAlgorithm;
    use send_hokey::wire::NdOption;

    let c = RustCrypto;
    let (pcoa, ar_ll, par, ncoa) = (
        ip(consts::HOKEY_PCOA),
        ip(consts::HOKEY_AR_LL),
        ip(consts::HOKEY_PAR),
        ip(consts::HOKEY_NCOA),
    );
    let prrtadv = input!("hokey_prrtadv.bin");
    let m = measure("hokey prrtadv_parse", || {
        Fmip6Message::parse(prrtadv, &ar_ll, &pcoa)
    });
    let m = ok!(m, "PrRtAdv");
    say!(
        "hokey prrtadv header={:?} options={}",
        m.header,
        m.options().count()
    );
    for o in m.send_options() {
        if let NdOption::Cga(g) = o.option {
            let v = measure("hokey cga_verify", || {
                cga::verify(&c, g.parameters, &ar_ll, SecPolicy::default())
            });
            match v {
                Ok(p) => say!("hokey prrtadv cga verify=ok modifier={}", Hex(&p.modifier)),
                Err(e) => say!("hokey prrtadv cga verify={e:?}"),
            }
        }
        if let NdOption::HandoverKeyReply(r) = o.option {
            say!(
                "hokey prrtadv handover_key_reply at={:?} lifetime={} encrypted_key={}",
                r.at,
                r.lifetime,
                Hex(r.encrypted_key)
            );
        }
    }
    let key = input!("hokey_key.bin");
    let at = AuthAlgorithm::DEFAULT;
    let mut fbu = [0u8; 256];
    // What `MobileNode::build_fbu` writes, from the PAR link (RFC 5568 §6.2.3).
    let n = measure("hokey fbu_authenticate", || {
        let mut w = Writer::new(&mut fbu);
        let auth_at = emit_fast_binding(
            &mut w,
            &FastBinding::Fbu(Fbu {
                sequence: consts::HOKEY_FBU_SEQ,
                ack: true,
                home: true,
                link_local: false,
                key_mgmt: false,
                lifetime: consts::HOKEY_FBU_LIFETIME,
            }),
            Some(&ncoa),
            badf::SPI_SEND_HANDOVER_KEY,
            at.mac_len().unwrap_or(12),
        );
        let len = w.finish().map_err(send_hokey::Error::from)?;
        let mh = fbu.get_mut(..len).ok_or(send_hokey::Error::Badf)?;
        badf::authenticate_in_place(
            &c,
            BadfKey {
                at,
                key,
                coa: &ncoa,
                par: &par,
            },
            mh,
            auth_at,
            (&pcoa, &par),
        )
        .map(|()| len)
    });
    let n = ok!(n, "FBU");
    say!("hokey fbu={}", Hex(fbu.get(..n).unwrap_or_default()));
    let fback = |name, bytes| {
        measure(name, || {
            let m = MobilityMessage::parse(bytes, &par, &ncoa)?;
            let FastBinding::FBack(fb) = m.message else {
                return Err(send_hokey::Error::UnexpectedMessage { found: 8 });
            };
            badf::verify(
                &c,
                BadfKey {
                    at,
                    key,
                    coa: &ncoa,
                    par: &par,
                },
                &m,
            )
            .map(|()| fb)
        })
    };
    let ok = fback("hokey fback_verify", input!("hokey_fback.bin"));
    say!("hokey fback verify={ok:?}");
    match fback("hokey fback_verify_tampered", input!("hokey_fback_bad.bin")) {
        Ok(_) => fail(format_args!("tampered FBack accepted")),
        Err(e) => say!("hokey tampered error={e:?}"),
    }
}

/// The whole mobile node with RSA (RFC 5269 §3.1, §3.3; RFC 3971 §5.2): keys loaded, the
/// SEND-signed RtSolPr with the Handover Key Request, the tampered PrRtAdv, the real one
/// (signature verified, handover key RSA-decrypted), the FBU and the FBack.
#[cfg(feature = "hokey-mn")]
fn hokey_mn() {
    use keying_crypto::rustcrypto::{HashDrbg, RsaPrivate, RustCrypto};
    use send_hokey::ar::Received;
    use send_hokey::mn::{MobileNode, MobileNodeConfig};
    use send_hokey::policy::TrustedRouterKeys;
    use send_hokey::{FbuOrigin, FbuRequest, MobileNodeIdentity, Time};

    heap::init();
    let c = RustCrypto;
    let (pcoa, ar_ll, par, ncoa) = (
        ip(consts::HOKEY_PCOA),
        ip(consts::HOKEY_AR_LL),
        ip(consts::HOKEY_PAR),
        ip(consts::HOKEY_NCOA),
    );
    let rx = |src, dst, bytes| Received {
        src,
        dst,
        hop_limit: 255,
        bytes,
    };
    let keys = measure("hokey-mn load_keys", || {
        Ok::<_, keying_crypto::CryptoError>((
            RsaPrivate::from_pkcs1_der(input!("hokey_mn_key.der"))?,
            RsaPrivate::from_pkcs1_der(input!("hokey_mn_hk_key.der"))?,
        ))
    });
    let (mn_key, hk_key) = ok!(keys, "RSA keys");
    let mn = measure("hokey-mn new", || {
        MobileNode::<'_, _, 4, 4, 4>::with_capacity(
            &c,
            {
                let mut c = MobileNodeConfig::default();
                c.policy.key_sizes = send_hokey::send::KeySizePolicy::LEGACY_1024;
                c
            },
            MobileNodeIdentity {
                address: pcoa,
                cga_params: input!("hokey_mn_params.bin"),
                signer: &mn_key,
                hk_spki: input!("hokey_mn_hk_pub.der"),
                hk_key: &hk_key,
                source_lla: Some(&consts::HOKEY_MN_MAC),
            },
        )
    });
    let mut mn = ok!(mn, "MobileNode::new");
    let now = Time::from_unix_secs(consts::HOKEY_T0);
    let mut rng = HashDrbg::new(consts::HOKEY_MN_DRBG_SEED);
    let mut buf = [0u8; 1280];
    let n = measure("hokey-mn build_rtsolpr", || {
        mn.build_rtsolpr(now, &ar_ll, Some(&consts::HOKEY_NEW_AP), &mut rng, &mut buf)
    });
    let n = ok!(n, "RtSolPr");
    say!("hokey-mn rtsolpr={}", Hex(buf.get(..n).unwrap_or_default()));
    let routers_list = [input!("hokey_ar_pub.der")];
    let routers = TrustedRouterKeys(&routers_list);
    let bad = measure("hokey-mn handle_prrtadv_tampered", || {
        mn.handle_prrtadv(
            now,
            &rx(ar_ll, pcoa, input!("hokey_prrtadv_bad.bin")),
            &routers,
            &mut rng,
        )
    });
    match bad {
        Ok(_) => fail(format_args!("tampered PrRtAdv accepted")),
        Err(e) => say!("hokey-mn tampered error={e:?}"),
    }
    let est = measure("hokey-mn handle_prrtadv", || {
        mn.handle_prrtadv(
            now,
            &rx(ar_ll, pcoa, input!("hokey_prrtadv.bin")),
            &routers,
            &mut rng,
        )
    });
    let est = ok!(est, "PrRtAdv");
    say!("hokey-mn established={est:?}");
    say!(
        "hokey-mn key_matches={}",
        mn.key_matches(&ar_ll, input!("hokey_key.bin"))
    );
    let later = Time::from_unix_secs(consts::HOKEY_T1);
    let mut fbu = [0u8; 256];
    let n = measure("hokey-mn build_fbu", || {
        mn.build_fbu(
            later,
            &FbuRequest {
                router: ar_ll,
                par,
                ncoa,
                sequence: consts::HOKEY_FBU_SEQ,
                lifetime: consts::HOKEY_FBU_LIFETIME,
                origin: FbuOrigin::ParLink,
            },
            &mut fbu,
        )
    });
    let n = ok!(n, "FBU");
    say!("hokey-mn fbu={}", Hex(fbu.get(..n).unwrap_or_default()));
    let fb = measure("hokey-mn handle_fback", || {
        mn.handle_fback(
            later,
            &rx(par, ncoa, input!("hokey_fback.bin")),
            &ar_ll,
            &ncoa,
        )
    });
    say!("hokey-mn fback={fb:?}");
    heap::report();
}

#[entry]
fn main() -> ! {
    rt::init();
    #[cfg(feature = "mikey-psk-mandatory")]
    mikey_psk();
    #[cfg(feature = "mikey-psk-init")]
    mikey_psk_init();
    #[cfg(any(feature = "gdoi-gm-rustcrypto", feature = "gdoi-gm"))]
    gdoi_gm();
    #[cfg(feature = "gdoi-gm")]
    p256_wycheproof();
    #[cfg(feature = "hokey")]
    hokey();
    #[cfg(feature = "hokey-mn")]
    hokey_mn();
    rt::done()
}

#[exception]
unsafe fn HardFault(ef: &ExceptionFrame) -> ! {
    fail(format_args!("HardFault at pc {:#010x}", ef.pc()))
}
