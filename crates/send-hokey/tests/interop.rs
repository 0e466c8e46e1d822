//! Interop with outside tools: Scapy (PyPI `scapy`) builds the IPv6 packets around our
//! messages and its own SEND options, tshark (Debian `tshark`) decodes our RtSolPr, PrRtAdv
//! and FBU with correct checksums, and `openssl` verifies our signatures and decrypts our
//! Handover Key Reply with the test keys.
//!
//! These tests **fail** (they do not skip) when `python3` with Scapy, `tshark` or `openssl`
//! is missing: install them with `pip install scapy` and `apt-get install tshark openssl`.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::expect_used
)]

mod common;

use send_hokey::badf::BadfKey;
use std::{path::PathBuf, process::Command};

use common::*;
use keying_crypto::rustcrypto::{HashDrbg, RsaPrivate, RustCrypto};
use send_hokey::{FbuOrigin, FbuRequest, MobileNodeIdentity, RouterIdentity, Time};
use send_hokey::{
    ar::{AccessRouter, PrRtAdvInfo, Received},
    mn::MobileNode,
    policy::{NoRateLimit, TrustedRouterKeys},
    send::SignedData,
    wire::rtsolpr::{Fmip6Message, PrRtAdvCode},
    wire::{NdOption, NdOptionIter},
};

const C: RustCrypto = RustCrypto;

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("send-hokey-interop-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?} (is it installed?): {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn vector_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors/send-hokey")
        .join(name)
}

struct Exchange {
    rtsolpr: Vec<u8>,
    prrtadv: Vec<u8>,
    fbu: Vec<u8>,
    hk_len: usize,
}

fn exchange() -> (Exchange, Vec<u8>) {
    let mn1 = RsaPrivate::from_pkcs1_der(MN1_KEY).unwrap();
    let mn2 = RsaPrivate::from_pkcs1_der(MN2_KEY).unwrap();
    let ar1 = RsaPrivate::from_pkcs1_der(AR1_KEY).unwrap();
    let mut rng = HashDrbg::new(b"interop");
    let mac = [2, 0, 0, 0, 0, 1];
    let mut mn: MobileNode<'_, &'static RustCrypto, 2, 2, 2> = MobileNode::with_capacity(
        &C,
        mn_config(),
        MobileNodeIdentity {
            address: mn_cga(),
            cga_params: MN1_PARAMS,
            signer: &mn1,
            hk_spki: MN2_PUB,
            hk_key: &mn2,
            source_lla: Some(&mac),
        },
    )
    .unwrap();
    let armac = [2, 0, 0, 0, 0, 0xfe];
    let mut ar: AccessRouter<'_, &'static RustCrypto, 2, 2> = AccessRouter::with_capacity(
        &C,
        ar_config(),
        RouterIdentity {
            address: ar_ll(),
            cga_params: AR1_PARAMS,
            signer: &ar1,
            source_lla: Some(&armac),
        },
    )
    .unwrap();
    let now = Time::from_unix_secs(1_735_689_600);
    let mut req = vec![0u8; 1500];
    let n = mn
        .build_rtsolpr(
            now,
            &ar_ll(),
            Some(&[2, 0, 0, 0, 0, 0xaa]),
            &mut rng,
            &mut req,
        )
        .unwrap();
    req.truncate(n);
    let mut rep = vec![0u8; 1500];
    let r = ar
        .handle_rtsolpr(
            now,
            &Received {
                src: mn_cga(),
                dst: ar_ll(),
                hop_limit: 255,
                bytes: &req,
            },
            &PrRtAdvInfo {
                code: PrRtAdvCode::Tuple,
                options: &[],
            },
            &mut NoRateLimit,
            &mut rng,
            &mut rep,
        )
        .unwrap();
    rep.truncate(r.len);
    mn.handle_prrtadv(
        now,
        &Received {
            src: ar_ll(),
            dst: mn_cga(),
            hop_limit: 255,
            bytes: &rep,
        },
        &TrustedRouterKeys(&[AR1_PUB]),
        &mut rng,
    )
    .unwrap();
    let mut fbu = vec![0u8; 128];
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
    fbu.truncate(n);
    // The AR accepts the FBU: both sides hold the same key.
    let mut fback = [0u8; 128];
    ar.handle_fbu(
        now,
        &Received {
            src: mn_cga(),
            dst: par(),
            hop_limit: 64,
            bytes: &fbu,
        },
        &mn_cga(),
        &mut fback,
    )
    .unwrap();
    // The ciphertext of the Handover Key Reply, for openssl to decrypt.
    let ciphertext = {
        let m = Fmip6Message::parse(&rep, &ar_ll(), &mn_cga()).unwrap();
        m.options()
            .find_map(|o| match o.option {
                NdOption::HandoverKeyReply(h) => Some(h.encrypted_key.to_vec()),
                _ => None,
            })
            .unwrap()
    };
    let e = Exchange {
        rtsolpr: req,
        prrtadv: rep,
        fbu,
        hk_len: 20,
    };
    (e, ciphertext)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn scapy_builds_and_tshark_decodes_our_messages() {
    let (e, _) = exchange();
    let d = tmpdir("tshark");
    let input = d.join("msgs.txt");
    std::fs::write(
        &input,
        format!(
            "icmp {} {} {}\nicmp {} {} {}\nmh {} {} {} {}\n",
            mn_cga(),
            ar_ll(),
            hex(&e.rtsolpr),
            ar_ll(),
            mn_cga(),
            hex(&e.prrtadv),
            mn_cga(),
            par(),
            mn_cga(),
            hex(&e.fbu)
        ),
    )
    .unwrap();
    let pcap = d.join("ours.pcap");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/scapy_pcap.py");
    let out = run(Command::new("python3")
        .arg(&script)
        .arg(&input)
        .arg(&pcap)
        .arg(vector_path("mn1.cga.params")));

    // Scapy's checksum agrees with ours.
    let mut cksums = 0;
    let mut scapy_opts = Vec::new();
    for line in out.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.first() {
            Some(&"cksum") => {
                assert_eq!(f[1], f[2], "checksum differs from Scapy's");
                cksums += 1;
            }
            Some(&"opt") => scapy_opts.push(f[1].to_string()),
            _ => {}
        }
    }
    assert_eq!(cksums, 2);

    // Scapy-built SEND options parse with our codec and re-emit identically.
    assert_eq!(scapy_opts.len(), 4);
    for h in &scapy_opts {
        let b: Vec<u8> = (0..h.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
            .collect();
        let o = NdOptionIter::new(&b, 0).next().unwrap().unwrap();
        assert!(!matches!(o.option, NdOption::Unknown { .. }), "{h}");
        let mut buf = vec![0x2a; b.len()];
        let mut w = keying_tlv::Writer::new(&mut buf);
        o.option.emit(&mut w);
        assert_eq!(w.finish().unwrap(), b.len());
        assert_eq!(buf, b);
        if let NdOption::Cga(c) = o.option {
            assert_eq!(c.parameters, MN1_PARAMS);
        }
    }

    // tshark: correct checksums, our field values.
    let fields = run(Command::new("tshark")
        .arg("-r")
        .arg(&pcap)
        .args(["-T", "fields", "-E", "separator=|"])
        .args([
            "-e",
            "icmpv6.checksum.status",
            "-e",
            "icmpv6.fmip6.subtype",
            "-e",
            "icmpv6.opt.type",
            "-e",
            "icmpv6.opt.hkr.pad_length",
            "-e",
            "icmpv6.opt.hkr.at",
            "-e",
            "icmpv6.opt.hkr.lifetime",
            "-e",
            "icmpv6.opt.rsa.key_hash",
            "-e",
            "icmpv6.opt.cga.modifier",
            "-e",
            "mip6.badff.spi",
            "-e",
            "mip6.fbu.seqnr",
            "-e",
            "mip6.fbu.lifetime",
        ]));
    let rows: Vec<Vec<&str>> = fields.lines().map(|l| l.split('|').collect()).collect();
    assert_eq!(rows.len(), 3, "{fields}");
    assert_eq!(rows[0][0], "1", "RtSolPr checksum not Good: {fields}");
    assert_eq!(rows[0][1], "2");
    assert_eq!(rows[0][2], "19,19,11,13,14,27,12");
    assert_eq!(rows[0][3], "2");
    assert_eq!(rows[0][4], "0");
    assert_eq!(rows[0][6], "968d29712a3a07273a46558b2266a84b");
    assert_eq!(rows[0][7], "dde57abc557d4a2ecd6237a743c3b95f");
    assert_eq!(rows[1][0], "1", "PrRtAdv checksum not Good: {fields}");
    assert_eq!(rows[1][1], "3");
    assert_eq!(rows[1][2], "19,19,11,13,14,28,12");
    assert_eq!(rows[1][5], "43200");
    assert_eq!(rows[1][6], "f2f2b96b4b929dd4a10062d3170b829a");
    assert_eq!(rows[2][8], "0");
    assert_eq!(rows[2][9], "1");
    assert_eq!(rows[2][10], "60");

    // tshark -V shows the MH checksum as decoded; our FBU decodes as an FBU with the BADF.
    let v = run(Command::new("tshark").arg("-r").arg(&pcap).arg("-V"));
    assert!(v.contains("Fast Binding Update"), "{v}");
    assert!(v.contains("Binding Authorization Data for FMIPv6"), "{v}");
    assert!(v.contains("Handover Key Request"));
    assert!(v.contains("Handover Key Reply"));
    assert!(!v.contains("[incorrect"), "{v}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn openssl_verifies_our_signatures_and_decrypts_our_reply() {
    let (e, ct) = exchange();
    let d = tmpdir("openssl");
    for (name, msg, src, dst, key) in [
        ("rtsolpr", &e.rtsolpr, mn_cga(), ar_ll(), "mn1.pub.der"),
        ("prrtadv", &e.prrtadv, ar_ll(), mn_cga(), "ar1.pub.der"),
    ] {
        let m = Fmip6Message::parse(msg, &src, &dst).unwrap();
        let sig = m
            .options()
            .find(|o| matches!(o.option, NdOption::RsaSignature(_)))
            .unwrap();
        let tbs = SignedData::new(msg, sig.offset, &src, &dst)
            .parts()
            .concat();
        let sig_bytes = &sig.raw[20..20 + 128];
        let tbs_p = d.join(format!("{name}.tbs"));
        let sig_p = d.join(format!("{name}.sig"));
        std::fs::write(&tbs_p, &tbs).unwrap();
        std::fs::write(&sig_p, sig_bytes).unwrap();
        let out = run(Command::new("openssl")
            .args(["dgst", "-sha1", "-verify"])
            .arg(vector_path(key))
            .args(["-keyform", "DER", "-signature"])
            .arg(&sig_p)
            .arg(&tbs_p));
        assert!(out.contains("Verified OK"), "{out}");
    }
    let ct_p = d.join("hk.ct");
    std::fs::write(&ct_p, &ct).unwrap();
    let pt_p = d.join("hk.pt");
    run(Command::new("openssl")
        .args(["pkeyutl", "-decrypt", "-keyform", "DER", "-inkey"])
        .arg(vector_path("mn2.key.pkcs1.der"))
        .args(["-pkeyopt", "rsa_padding_mode:pkcs1", "-in"])
        .arg(&ct_p)
        .arg("-out")
        .arg(&pt_p));
    let pt = std::fs::read(&pt_p).unwrap();
    assert_eq!(pt.len(), e.hk_len);
    // The key openssl recovered authenticates the FBU we built.
    let m = send_hokey::wire::fbu::MobilityMessage::parse(&e.fbu, &mn_cga(), &par()).unwrap();
    send_hokey::badf::verify(
        &C,
        BadfKey {
            at: send_hokey::wire::AuthAlgorithm::HmacSha1_96,
            key: &pt,
            coa: &ncoa(),
            par: &par(),
        },
        &m,
    )
    .unwrap();
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn openssl_decrypts_the_vector_ciphertext_like_we_do() {
    let d = tmpdir("hkvec");
    let pt = d.join("pt");
    run(Command::new("openssl")
        .args(["pkeyutl", "-decrypt", "-keyform", "DER", "-inkey"])
        .arg(vector_path("mn2.key.pkcs1.der"))
        .args(["-pkeyopt", "rsa_padding_mode:pkcs1", "-in"])
        .arg(vector_path("hk_ciphertext.bin"))
        .arg("-out")
        .arg(&pt));
    assert_eq!(std::fs::read(&pt).unwrap(), HK);
    let _ = std::fs::remove_dir_all(&d);
}
