//! Interoperability with minisip's libmikey, the other open implementation of MIKEY's PSK,
//! public-key and RSA-R modes, in both directions: our Initiator against its Responder and
//! its Initiator against ours, for PSK (RFC 3830 §3.1), PK (RFC 3830 §3.2) and RSA-R
//! (RFC 4738), and signed DH (RFC 3830 §3.3) up to the shared secret. Each exchange asserts that libmikey's TGK gives our SRTP master keys and
//! salts under our key derivation (RFC 3830 §4.1.3), that libmikey's own derivation
//! (`KeyAgreement::genTek` / `genSalt`) gives the same keys, and that a flipped bit in
//! the MAC / signature is refused by the receiving side.
//!
//! libmikey and its command-line harness are built from `tests/interop/minisip` by
//! `build.sh` (about 1.5 minutes the first time); the tests FAIL when that build fails.
//! libmikey reads its own clock and refuses a timestamp more than about an hour away, so
//! these tests run on the real current time. Its PRF is wrong for inkeys that are a
//! multiple of 32 bytes, so the TGKs here are 16 bytes. Our side runs with the choices
//! libmikey makes (see `docs/interop.md`): signatures RSASSA-PKCS1-v1_5 (S type 0) with
//! SHA-1, PKE envelope RSAES-PKCS1-v1_5, no CHASH (libmikey cannot parse one), and
//! `Policy::libmikey_compat` where libmikey's verification messages and RSA-R R_MESSAGEs are
//! involved (the tests also show that the default, RFC-only Policy refuses them).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation,
    missing_docs
)]

mod km;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use keying_crypto::HashAlg;
use keying_crypto::rustcrypto::{RsaPrivate, RsaPublic, RustCrypto};
use km::{STREAMS, ntp_ts, rng};
use mikey_core::Time;
use mikey_core::dh::{DhInitiator, DhResponder};
use mikey_core::error::KmError;
use mikey_core::hooks::StaticPsk;
use mikey_core::hooks::{LocalIdentity, PinnedKeys};
use mikey_core::kdf::{self, C_TEK, C_TGK_SALT};
use mikey_core::offer::Offer;
use mikey_core::pk::{PkInitiator, PkResponder};
use mikey_core::policy::Policy;
use mikey_core::psk::{PskInitiator, PskResponder};
use mikey_core::rsa_r::{RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
use mikey_core::srtp::{SrtpPolicy, SrtpSas};
use mikey_core::{DhGroup, Id, IdType, Message, PrfFunc, SType, SrtpCs};

const PSK: &[u8] = b"0123456789abcdef0123";
const TGK: [u8; 16] = *b"minisip-tgk-0001";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn out_dir() -> PathBuf {
    root().join("target/minisip")
}

/// Builds libmikey and the harness once per test binary; a failed build fails the test.
fn harness() -> &'static Path {
    static H: OnceLock<PathBuf> = OnceLock::new();
    H.get_or_init(|| {
        let out = out_dir();
        std::fs::create_dir_all(&out).unwrap();
        let log = out.join("build-tests.log");
        let f = std::fs::File::create(&log).unwrap();
        let status = Command::new("bash")
            .arg(root().join("tests/interop/minisip/build.sh"))
            .arg(&out)
            .stdout(f.try_clone().unwrap())
            .stderr(f)
            .status();
        match status {
            Ok(s) if s.success() => out.join("bin/minisip-harness"),
            other => panic!(
                "building minisip's libmikey and its harness failed ({other:?}); build log: {}",
                log.display()
            ),
        }
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// What one harness run printed.
struct Run {
    ok: bool,
    kv: HashMap<String, String>,
    text: String,
}

impl Run {
    fn get(&self, k: &str) -> &str {
        self.kv
            .get(k)
            .unwrap_or_else(|| panic!("harness printed no {k}:\n{}", self.text))
    }

    fn bytes(&self, k: &str) -> Vec<u8> {
        unhex(self.get(k))
    }

    fn error(&self) -> &str {
        self.kv.get("ERROR").map_or("", String::as_str)
    }
}

fn run(args: &[&str]) -> Run {
    let o = Command::new(harness()).args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let kv = stdout
        .lines()
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| {
            k.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Run {
        ok: o.status.success(),
        kv,
        text: format!("{stdout}{}", String::from_utf8_lossy(&o.stderr)),
    }
}

/// libmikey's own decoding of a message, for failure reports.
fn dump(msg: &[u8]) -> String {
    run(&["dump", &hex(msg)]).text
}

/// A harness run that must succeed; on failure the report carries libmikey's ERROR= line
/// and its dump of `msg`.
fn must(args: &[&str], msg: &[u8]) -> Run {
    let r = run(args);
    assert!(
        r.ok,
        "harness {} failed: ERROR={}\n--- output\n{}\n--- libmikey's dump of the message\n{}",
        args[0],
        r.error(),
        r.text,
        dump(msg)
    );
    r
}

/// The real current time (libmikey checks T against its own clock).
fn now() -> Time {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    Time::from_unix_secs(
        u64::from((d.as_secs() + 2_208_988_800) as u32) - keying_crypto::NTP_UNIX_OFFSET_SECS,
    )
}

/// A party (`km::pki::party`: key, X.509 certificate, its SPKI, SIP URI) and the same key
/// and certificate as PEM files for the harness.
struct Party {
    p: km::pki::Party,
    pem_cert: String,
    pem_key: String,
}

impl Party {
    fn me(&self) -> LocalIdentity<'_, RsaPrivate> {
        self.p.me()
    }

    /// This party with a certificate but no ID payload: libmikey's verification MAC
    /// covers no identities (see `docs/interop.md`).
    fn anon(&self) -> LocalIdentity<'_, RsaPrivate> {
        LocalIdentity {
            id: None,
            ..self.me()
        }
    }

    fn id(&self) -> Id<'_> {
        Id {
            id_type: IdType::Uri,
            data: &self.p.id,
        }
    }

    fn uri(&self) -> &str {
        std::str::from_utf8(&self.p.id).unwrap()
    }

    fn public(&self) -> RsaPublic {
        RsaPublic::from_spki_der(&self.p.spki).unwrap()
    }

    /// Trusts exactly this party's key, found in the certificate of a CERT payload.
    fn pinned(&self) -> PinnedKeys<RsaPublic> {
        km::pki::pinned([&self.p.spki])
    }
}

/// The test keys, with PEM files converted by `openssl` once per test binary (each file
/// written under a temporary name and renamed, so that concurrent runs never read half a
/// file).
fn party(name: &str) -> Party {
    static PEM: OnceLock<PathBuf> = OnceLock::new();
    let dir = PEM.get_or_init(|| {
        let dir = out_dir().join("pem");
        std::fs::create_dir_all(&dir).unwrap();
        for n in ["sender", "recv1", "recv2"] {
            let v = root().join("tests/vectors/mikey");
            for (tool, input, output) in [
                ("x509", format!("rsa2048_{n}.cert.der"), format!("{n}.crt")),
                ("rsa", format!("rsa2048_{n}.pkcs1.der"), format!("{n}.key")),
            ] {
                let tmp = dir.join(format!("{output}.{}", std::process::id()));
                let st = Command::new("openssl")
                    .args([tool, "-inform", "DER", "-in"])
                    .arg(v.join(&input))
                    .arg("-out")
                    .arg(&tmp)
                    .output()
                    .expect("openssl is needed to convert the test keys to PEM");
                assert!(st.status.success(), "openssl {tool} {input}: {st:?}");
                std::fs::rename(&tmp, dir.join(&output)).unwrap();
            }
        }
        dir
    });
    let path = |f: String| dir.join(f).to_str().unwrap().to_owned();
    Party {
        p: km::pki::party(name),
        pem_cert: path(format!("{name}.crt")),
        pem_key: path(format!("{name}.key")),
    }
}

/// Our Policy for libmikey: it signs and verifies RSASSA-PKCS1-v1_5 (S type 0) with SHA-1,
/// uses RSAES-PKCS1-v1_5 for the envelope key, and cannot parse a CHASH payload.
fn minisip_policy() -> Policy {
    Policy {
        sign_type: SType::RsaPkcs1,
        sign_hash: HashAlg::Sha1,
        pke_padding: keying_crypto::RsaEncryptionPadding::Pkcs1v15,
        chash: None,
        ..Policy::default()
    }
}

/// [`minisip_policy`] with `libmikey_compat`: what our side needs to accept libmikey's
/// verification messages and RSA-R R_MESSAGEs, and to sign R_MESSAGEs the way libmikey
/// verifies them (see `docs/interop.md`).
fn compat_policy() -> Policy {
    Policy {
        libmikey_compat: true,
        ..minisip_policy()
    }
}

/// The TGK, RAND and CSB ID libmikey ended with give our SAs under our derivation
/// (RFC 3830 §4.1.3: TEK and salt from the TGK, CS ID, CSB ID and RAND), and libmikey's own
/// derivation (SRTP_<cs>=SSRC:KEY:SALT) gives the same keys.
fn assert_keys(ours: &SrtpSas, r: &Run, csb_id: u32, rand: &[u8]) {
    assert!(
        derived_from(ours, &r.bytes("TGK"), csb_id, rand),
        "our SAs are not derived from libmikey's TGK:\n{}",
        r.text
    );
    assert_eq!(r.get("CSB_ID"), format!("{csb_id:08x}"), "CSB ID");
    assert_eq!(r.bytes("RAND"), rand, "RAND");
    for sa in ours {
        let line = r.get(&format!("SRTP_{}", sa.cs_id));
        let parts: Vec<&str> = line.split(':').collect();
        assert_eq!(parts.len(), 3, "{line}");
        assert_eq!(
            parts[0],
            format!("{:08x}", sa.ssrc),
            "SSRC of CS {}",
            sa.cs_id
        );
        assert_eq!(
            unhex(parts[1]),
            sa.master_key.expose(),
            "libmikey's SRTP master key of CS {}",
            sa.cs_id
        );
        assert_eq!(
            unhex(parts[2]),
            sa.master_salt.expose(),
            "libmikey's SRTP master salt of CS {}",
            sa.cs_id
        );
    }
    assert!(
        !r.kv.contains_key(&format!("SRTP_{}", ours.len() + 1)),
        "libmikey has more crypto sessions than we do:\n{}",
        r.text
    );
}

/// Every SA's master key and salt is what our derivation gives from `tgk`.
fn derived_from(ours: &SrtpSas, tgk: &[u8], csb_id: u32, rand: &[u8]) -> bool {
    assert!(!ours.is_empty());
    ours.iter().all(|sa| {
        let d = |c, len| {
            kdf::derive(
                &RustCrypto,
                &mikey_core::kdf::Derivation {
                    prf_func: PrfFunc::Mikey1,
                    inkey: tgk,
                    csb_id,
                    rand,
                },
                c,
                sa.cs_id,
                len,
            )
            .unwrap()
        };
        let (key, salt) = (sa.master_key.expose(), sa.master_salt.expose());
        d(C_TEK, key.len()).expose() == key && d(C_TGK_SALT, salt.len()).expose() == salt
    })
}

/// DH: libmikey's TGK is the shared secret, but it does not pad it to the group size: when
/// the secret starts with a zero byte (one exchange in 256) its TGK holds the secret
/// shifted left by one byte. Either way our SAs must come from the same secret. Its own
/// SRTP keys cannot equal ours: the secret's length is a multiple of 32 bytes, which its
/// PRF gets wrong (`docs/interop.md`).
fn assert_dh_keys(ours: &SrtpSas, r: &Run, csb_id: u32, rand: &[u8]) {
    let tgk = r.bytes("TGK");
    let padded: Vec<u8> = [&[0u8][..], &tgk[..tgk.len() - 1]].concat();
    assert!(
        derived_from(ours, &tgk, csb_id, rand) || derived_from(ours, &padded, csb_id, rand),
        "our SAs are not derived from libmikey's DH secret:\n{}",
        r.text
    );
    assert_eq!(tgk.len() % 32, 0);
    let line = r.get(&format!("SRTP_{}", ours[0].cs_id));
    assert!(
        !line.contains(&hex(ours[0].master_key.expose())),
        "libmikey's PRF got a {}-byte inkey right",
        tgk.len()
    );
}

/// The message's CSB ID and RAND.
fn csb_rand(msg: &[u8]) -> (u32, Vec<u8>) {
    let m = Message::parse(msg).unwrap();
    (m.header().csb_id, m.rand().unwrap().to_vec())
}

/// `msg` with one bit of its last byte flipped (the KEMAC MAC, V MAC or signature).
fn flip_last(msg: &[u8]) -> Vec<u8> {
    let mut m = msg.to_vec();
    *m.last_mut().unwrap() ^= 0x01;
    m
}

fn csb(seed: u8) -> u32 {
    0x6d69_0000 | u32::from(seed)
}

// ---------------------------------------------------------------------------------------
// PSK

/// Our PSK Initiator's I_MESSAGE (no verification requested, two crypto sessions) to
/// libmikey's Responder.
#[test]
fn psk_our_initiator_to_minisip_responder() {
    let offer = Offer::new(csb(1), &STREAMS, ntp_ts(now()));
    let mut i = PskInitiator::new(RustCrypto, Policy::default());
    let mut buf = [0u8; 1024];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            PSK,
            &mut rng(1),
            &mut buf,
        )
        .unwrap();
    let msg = buf[..n].to_vec();
    let r = must(&["psk-verify", &hex(PSK), &hex(&msg)], &msg);
    assert!(!r.kv.contains_key("R_MESSAGE"));
    let (c, rand) = csb_rand(&msg);
    assert_eq!(i.poll_keys().unwrap().len(), 2);
    assert_keys(i.poll_keys().unwrap(), &r, c, &rand);
    // A flipped KEMAC MAC is refused by libmikey.
    let bad = run(&["psk-verify", &hex(PSK), &hex(&flip_last(&msg))]);
    assert!(!bad.ok && bad.error().contains("MAC"), "{}", bad.text);
}

/// Our PSK Initiator requests verification and checks libmikey's V R_MESSAGE.
#[test]
fn psk_our_initiator_checks_minisip_verification() {
    let offer = Offer {
        verification: true,
        ..Offer::new(csb(11), &STREAMS[..1], ntp_ts(now()))
    };
    let mut i = PskInitiator::new(RustCrypto, compat_policy());
    let mut buf = [0u8; 1024];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            PSK,
            &mut rng(11),
            &mut buf,
        )
        .unwrap();
    let msg = buf[..n].to_vec();
    let r = must(&["psk-verify", &hex(PSK), &hex(&msg)], &msg);
    let reply = r.bytes("R_MESSAGE");
    // Without `libmikey_compat` the RFC form is required: T echoed, and refused here.
    let mut strict = PskInitiator::new(RustCrypto, Policy::default());
    let n2 = strict
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            PSK,
            &mut rng(11),
            &mut buf,
        )
        .unwrap();
    assert_eq!(buf[..n2], msg[..]);
    assert_eq!(
        strict.handle_response(now(), &reply),
        Err(KmError::Mismatch)
    );
    assert!(i.handle_response(now(), &flip_last(&reply)).is_err());
    assert!(i.poll_keys().is_none());
    i.handle_response(now(), &reply)
        .unwrap_or_else(|e| panic!("{e:?}\n{}", dump(&reply)));
    let (c, rand) = csb_rand(&msg);
    assert_keys(i.poll_keys().unwrap(), &r, c, &rand);
}

#[test]
fn psk_minisip_initiator_to_our_responder() {
    let r = must(
        &["psk-init", &hex(PSK), &hex(&TGK), "cafe0001,cafe0011"],
        &[],
    );
    let msg = r.bytes("I_MESSAGE");
    assert!(Message::parse(&msg).unwrap().header().v);
    let psk = StaticPsk::new(PSK).unwrap();
    let mut out = [0u8; 1024];
    // A flipped KEMAC MAC is refused.
    let mut resp: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
    let e = resp
        .handle(now(), &flip_last(&msg), &psk, &mut out)
        .unwrap_err();
    assert_eq!(e.error, KmError::AuthFailed);
    let acc = resp
        .handle(now(), &msg, &psk, &mut out)
        .unwrap_or_else(|e| panic!("{e:?}\n{}", dump(&msg)));
    assert_eq!(r.bytes("TGK"), TGK);
    let (c, rand) = csb_rand(&msg);
    assert_keys(acc.sas, &r, c, &rand);
    assert_eq!(acc.sas.len(), 2);
    assert_eq!(acc.sas[1].ssrc, 0xcafe_0011);
    // libmikey's Initiator checks our verification message (V flag set).
    let reply = out[..acc.reply_len.unwrap()].to_vec();
    let v = must(&["psk-finish", &hex(PSK), &hex(&msg), &hex(&reply)], &reply);
    assert_eq!(v.get("V"), "ok");
    let bad = run(&[
        "psk-finish",
        &hex(PSK),
        &hex(&msg),
        &hex(&flip_last(&reply)),
    ]);
    assert!(!bad.ok && bad.error().contains("MAC"), "{}", bad.text);
}

// ---------------------------------------------------------------------------------------
// Public-key mode

/// Our PK Initiator's I_MESSAGE (CERT, KEMAC, PKE, SIGN) to libmikey's Responder.
#[test]
fn pk_our_initiator_to_minisip_responder() {
    let a = party("recv1");
    let b = party("sender");
    let offer = Offer::new(csb(2), &STREAMS, ntp_ts(now()));
    let mut i = PkInitiator::new(RustCrypto, minisip_policy());
    let mut buf = vec![0u8; 4096];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &a.me(),
            &b.public(),
            None,
            &mut rng(2),
            &mut buf,
        )
        .unwrap();
    let msg = buf[..n].to_vec();
    // A flipped signature is refused by libmikey.
    let bad = run(&["pk-verify", &b.pem_cert, &b.pem_key, &hex(&flip_last(&msg))]);
    assert!(!bad.ok, "{}", bad.text);
    let r = must(&["pk-verify", &b.pem_cert, &b.pem_key, &hex(&msg)], &msg);
    let (c, rand) = csb_rand(&msg);
    assert_keys(i.poll_keys().unwrap(), &r, c, &rand);
}

/// Our PK Initiator requests verification and checks libmikey's V R_MESSAGE.
#[test]
fn pk_our_initiator_checks_minisip_verification() {
    let a = party("recv1");
    let b = party("sender");
    let offer = Offer {
        verification: true,
        ..Offer::new(csb(12), &STREAMS[..1], ntp_ts(now()))
    };
    let mut i = PkInitiator::new(RustCrypto, compat_policy());
    let mut buf = vec![0u8; 4096];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &a.me(),
            &b.public(),
            None,
            &mut rng(12),
            &mut buf,
        )
        .unwrap();
    let msg = buf[..n].to_vec();
    let r = must(&["pk-verify", &b.pem_cert, &b.pem_key, &hex(&msg)], &msg);
    let reply = r.bytes("R_MESSAGE");
    assert!(i.handle_response(now(), &flip_last(&reply)).is_err());
    i.handle_response(now(), &reply)
        .unwrap_or_else(|e| panic!("{e:?}\n{}", dump(&reply)));
    let (c, rand) = csb_rand(&msg);
    assert_keys(i.poll_keys().unwrap(), &r, c, &rand);
}

/// libmikey's PK Initiator (V flag set) to our Responder; libmikey checks our V message.
#[test]
fn pk_minisip_initiator_to_our_responder() {
    let a = party("recv1");
    let b = party("sender");
    let r = must(
        &[
            "pk-init",
            &a.pem_cert,
            &a.pem_key,
            &b.pem_cert,
            &hex(&TGK),
            "cafe0002,cafe0012",
        ],
        &[],
    );
    let msg = r.bytes("I_MESSAGE");
    let mut out = vec![0u8; 4096];
    let mut resp: PkResponder<_> = PkResponder::new(RustCrypto, minisip_policy());
    // A flipped signature is refused.
    let e = resp
        .handle(
            now(),
            &flip_last(&msg),
            &b.me(),
            &a.pinned(),
            &mut rng(3),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error, KmError::AuthFailed);
    let acc = resp
        .handle(now(), &msg, &b.anon(), &a.pinned(), &mut rng(4), &mut out)
        .unwrap_or_else(|e| panic!("{e:?}\n{}", dump(&msg)));
    let (c, rand) = csb_rand(&msg);
    assert_keys(acc.sas, &r, c, &rand);
    // libmikey's Initiator checks our verification message.
    let reply = out[..acc.reply_len.unwrap()].to_vec();
    let env = r.get("ENV_KEY");
    let v = must(&["pk-finish", env, &hex(&msg), &hex(&reply)], &reply);
    assert_eq!(v.get("V"), "ok");
    let bad = run(&["pk-finish", env, &hex(&msg), &hex(&flip_last(&reply))]);
    assert!(!bad.ok && bad.error().contains("MAC"), "{}", bad.text);
    // With our IDr in the verification message, libmikey (whose V MAC covers no
    // identities) accepts it only from a Responder with `libmikey_compat`.
    for (policy, accepted) in [(minisip_policy(), false), (compat_policy(), true)] {
        let mut resp: PkResponder<_> = PkResponder::new(RustCrypto, policy);
        let acc = resp
            .handle(now(), &msg, &b.me(), &a.pinned(), &mut rng(5), &mut out)
            .unwrap();
        let reply = out[..acc.reply_len.unwrap()].to_vec();
        assert!(
            Message::parse(&reply)
                .unwrap()
                .payloads()
                .any(|p| matches!(p.payload, mikey_core::Payload::Id(_)))
        );
        let v = run(&["pk-finish", env, &hex(&msg), &hex(&reply)]);
        assert_eq!(v.ok, accepted, "{}", v.text);
    }
}

// ---------------------------------------------------------------------------------------
// RSA-R

/// Our receiver (RSA-R Initiator) asks libmikey's sender (Responder) for its keys.
#[test]
fn rsa_r_our_initiator_to_minisip_responder() {
    let recv = party("recv1");
    let sender = party("sender");
    let streams = [SrtpCs {
        policy_no: 0,
        ssrc: 0xcafe_0003,
        roc: 0,
    }];
    let offer = RsaROffer {
        streams: &streams,
        id_r: Some(sender.id()),
        ..RsaROffer::new(csb(3), ntp_ts(now()), RsaRMode::Unicast)
    };
    let mut i = RsaRInitiator::new(RustCrypto, compat_policy());
    let mut buf = vec![0u8; 4096];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &recv.me(),
            &mut rng(5),
            &mut buf,
        )
        .unwrap();
    let msg = buf[..n].to_vec();
    let bad = run(&[
        "rsar-respond",
        &sender.pem_cert,
        &sender.pem_key,
        &hex(&flip_last(&msg)),
        sender.uri(),
        &hex(&TGK),
    ]);
    assert!(!bad.ok, "{}", bad.text);
    let r = must(
        &[
            "rsar-respond",
            &sender.pem_cert,
            &sender.pem_key,
            &hex(&msg),
            sender.uri(),
            &hex(&TGK),
        ],
        &msg,
    );
    let reply = r.bytes("R_MESSAGE");
    let pin = sender.pinned();
    // Without `libmikey_compat` the RFC 4738 form is required, and this R_MESSAGE refused.
    let mut strict = RsaRInitiator::new(RustCrypto, minisip_policy());
    let n2 = strict
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &recv.me(),
            &mut rng(5),
            &mut buf,
        )
        .unwrap();
    assert_eq!(buf[..n2], msg[..]);
    assert!(
        strict
            .handle_response(now(), &reply, &recv.me(), &pin, &mut rng(6))
            .is_err()
    );
    assert!(
        i.handle_response(now(), &flip_last(&reply), &recv.me(), &pin, &mut rng(6))
            .is_err()
    );
    i.handle_response(now(), &reply, &recv.me(), &pin, &mut rng(7))
        .unwrap_or_else(|e| panic!("{e:?}\n{}", dump(&reply)));
    let (c, keys) = i.poll_keys().unwrap();
    assert_eq!(c, csb(3));
    let rand = Message::parse(&msg).unwrap().rand().unwrap().to_vec();
    assert_keys(keys, &r, c, &rand);
}

/// libmikey's receiver (RSA-R Initiator) asks our sender (Responder) for its keys.
#[test]
fn rsa_r_minisip_initiator_to_our_responder() {
    let recv = party("recv2");
    let sender = party("sender");
    let r = must(
        &[
            "rsar-init",
            &recv.pem_cert,
            &recv.pem_key,
            recv.uri(),
            sender.uri(),
            "",
        ],
        &[],
    );
    let msg = r.bytes("I_MESSAGE");
    let streams = [SrtpCs {
        policy_no: 0,
        ssrc: 0xcafe_0004,
        roc: 0,
    }];
    let pol = [(0, SrtpPolicy::DEFAULT)];
    let mut out = vec![0u8; 4096];
    // Without `libmikey_compat` our SIGNr has the RFC 4738 form, which libmikey refuses.
    let mut strict: RsaRResponder<RustCrypto> =
        RsaRResponder::new(RustCrypto, minisip_policy(), &streams, &pol).unwrap();
    let acc = strict
        .handle(
            now(),
            &msg,
            &sender.me(),
            &recv.pinned(),
            &mut rng(7),
            &mut out,
        )
        .unwrap();
    let reply = out[..acc.reply_len.unwrap()].to_vec();
    let bad = run(&[
        "rsar-finish",
        &recv.pem_cert,
        &recv.pem_key,
        &hex(&msg),
        &hex(&reply),
    ]);
    assert!(
        !bad.ok && bad.text.contains("SIGN payload failed"),
        "{}",
        bad.text
    );
    let mut resp: RsaRResponder<RustCrypto> =
        RsaRResponder::new(RustCrypto, compat_policy(), &streams, &pol).unwrap();
    let e = resp
        .handle(
            now(),
            &flip_last(&msg),
            &sender.me(),
            &recv.pinned(),
            &mut rng(8),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error, KmError::AuthFailed);
    let acc = resp
        .handle(
            now(),
            &msg,
            &sender.me(),
            &recv.pinned(),
            &mut rng(9),
            &mut out,
        )
        .unwrap_or_else(|e| panic!("{e:?}\n{}", dump(&msg)));
    let reply = out[..acc.reply_len.unwrap()].to_vec();
    let bad = run(&[
        "rsar-finish",
        &recv.pem_cert,
        &recv.pem_key,
        &hex(&msg),
        &hex(&flip_last(&reply)),
    ]);
    assert!(!bad.ok, "{}", bad.text);
    let f = must(
        &[
            "rsar-finish",
            &recv.pem_cert,
            &recv.pem_key,
            &hex(&msg),
            &hex(&reply),
        ],
        &reply,
    );
    let rand = Message::parse(&msg).unwrap().rand().unwrap().to_vec();
    assert_keys(acc.sas, &f, acc.csb_id, &rand);
}

// ---------------------------------------------------------------------------------------
// Signed Diffie-Hellman (RFC 3830 §3.3): the messages and the shared secret interoperate;
// the SRTP keys cannot (see `assert_dh_keys`).

/// Our DH Initiator to libmikey's Responder.
#[test]
fn dh_our_initiator_to_minisip_responder() {
    let a = party("recv1");
    let b = party("sender");
    let offer = Offer::new(csb(6), &STREAMS[..1], ntp_ts(now()));
    let mut i = DhInitiator::new(RustCrypto, compat_policy());
    let mut buf = vec![0u8; 4096];
    let n = i
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            DhGroup::Oakley5,
            &a.me(),
            &mut rng(20),
            &mut buf,
        )
        .unwrap();
    let msg = buf[..n].to_vec();
    let bad = run(&[
        "dh-respond",
        &b.pem_cert,
        &b.pem_key,
        &hex(&flip_last(&msg)),
    ]);
    assert!(!bad.ok, "{}", bad.text);
    let r = must(&["dh-respond", &b.pem_cert, &b.pem_key, &hex(&msg)], &msg);
    let reply = r.bytes("R_MESSAGE");
    // Without `libmikey_compat` the echo of our T is required, and this R_MESSAGE refused.
    let mut strict = DhInitiator::new(RustCrypto, minisip_policy());
    let n2 = strict
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            DhGroup::Oakley5,
            &a.me(),
            &mut rng(20),
            &mut buf,
        )
        .unwrap();
    assert_eq!(buf[..n2], msg[..]);
    assert!(strict.handle_response(now(), &reply, &b.pinned()).is_err());
    assert!(
        i.handle_response(now(), &flip_last(&reply), &b.pinned())
            .is_err()
    );
    i.handle_response(now(), &reply, &b.pinned())
        .unwrap_or_else(|e| panic!("{e:?}\n{}", dump(&reply)));
    let (c, rand) = csb_rand(&msg);
    assert_dh_keys(i.poll_keys().unwrap(), &r, c, &rand);
}

/// libmikey's DH Initiator (which keeps its private value: it reads our R_MESSAGE on
/// stdin) to our Responder.
#[test]
fn dh_minisip_initiator_to_our_responder() {
    let a = party("recv1");
    let b = party("sender");
    let mut child = Command::new(harness())
        .args(["dh-init", &a.pem_cert, &a.pem_key, "0", "cafe0006"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut msg = Vec::new();
    let mut line = String::new();
    while stdout.read_line(&mut line).unwrap() > 0 {
        if let Some(h) = line.trim_end().strip_prefix("I_MESSAGE=") {
            msg = unhex(h);
            break;
        }
        line.clear();
    }
    assert!(
        !msg.is_empty(),
        "libmikey's DH Initiator printed no I_MESSAGE"
    );
    let mut out = vec![0u8; 4096];
    let mut resp: DhResponder<_> = DhResponder::new(RustCrypto, minisip_policy());
    let e = resp
        .handle(
            now(),
            &flip_last(&msg),
            &b.me(),
            &a.pinned(),
            &mut rng(21),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(e.error, KmError::AuthFailed);
    let acc = resp
        .handle(now(), &msg, &b.me(), &a.pinned(), &mut rng(22), &mut out)
        .unwrap_or_else(|e| panic!("{e:?}\n{}", dump(&msg)));
    let reply = out[..acc.reply_len.unwrap()].to_vec();
    writeln!(child.stdin.take().unwrap(), "{}", hex(&reply)).unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let ok = child.wait().unwrap().success();
    let kv = rest
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let r = Run { ok, kv, text: rest };
    assert!(
        r.ok,
        "libmikey's DH Initiator refused our R_MESSAGE: {}\n{}",
        r.text,
        dump(&reply)
    );
    let (c, rand) = csb_rand(&msg);
    assert_dh_keys(acc.sas, &r, c, &rand);
}
