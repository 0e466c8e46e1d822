// Shared by the key-management tests (included with `mod km;`).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use keying_crypto::rustcrypto::HashDrbg;
use mikey_core::Time;
use mikey_core::srtp::SrtpSas;
use mikey_core::{SrtpCs, Timestamp, TsType};

/// 2026-11-23 00:00:00 UTC as NTP seconds.
pub const T0: u32 = 3_972_844_800;

pub fn now(secs_after: u32) -> Time {
    Time::from_unix_secs(u64::from(T0) - keying_crypto::NTP_UNIX_OFFSET_SECS)
        .saturating_add(core::time::Duration::from_secs(u64::from(secs_after)))
}

pub fn ntp_ts(at: Time) -> Timestamp {
    Timestamp {
        ts_type: TsType::NtpUtc,
        value: at.to_ntp(),
    }
}

pub fn rng(seed: u8) -> HashDrbg {
    HashDrbg::new(&[seed; 32])
}

pub const STREAMS: [SrtpCs; 2] = [
    SrtpCs {
        policy_no: 0,
        ssrc: 0xdead_beef,
        roc: 0,
    },
    SrtpCs {
        policy_no: 1,
        ssrc: 0x1234_5678,
        roc: 3,
    },
];

pub fn assert_same(a: &SrtpSas, b: &SrtpSas) {
    assert_eq!(a.len(), b.len());
    assert!(!a.is_empty());
    for (x, y) in a.iter().zip(b.iter()) {
        assert!(x.same_keys(y), "SA {} differs", x.cs_id);
        assert_eq!(x.master_key.len(), usize::from(x.policy.encr_key_len));
    }
    // Different crypto sessions get different keys.
    if a.len() > 1 {
        assert!(!a[0].master_key.ct_eq(a[1].master_key.expose()));
    }
}

/// Every single-bit flip of `msg`.
pub fn flips(msg: &[u8]) -> impl Iterator<Item = (usize, Vec<u8>)> + '_ {
    (0..msg.len() * 8).map(move |bit| {
        let mut m = msg.to_vec();
        m[bit / 8] ^= 1 << (bit % 8);
        (bit, m)
    })
}

pub mod pki {
    use keying_crypto::RsaPrivateKeyOps;
    use keying_crypto::rustcrypto::{RsaPrivate, RsaPublic, RustCrypto};
    use mikey_core::hooks::PinnedKeys;

    pub fn der(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/../../tests/vectors/mikey/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    /// A party: private key handle, its self-signed X.509 certificate (sent as CERT), the
    /// certificate's public key (SubjectPublicKeyInfo DER, pinned by the peers) and its URI.
    pub struct Party {
        pub key: RsaPrivate,
        pub cert: Vec<u8>,
        pub spki: Vec<u8>,
        pub id: Vec<u8>,
    }

    pub fn party(name: &str) -> Party {
        Party {
            key: RsaPrivate::from_pkcs1_der(&der(&format!("rsa2048_{name}.pkcs1.der"))).unwrap(),
            cert: der(&format!("rsa2048_{name}.cert.der")),
            spki: der(&format!("rsa2048_{name}.spki.der")),
            id: format!("sip:{name}@example.com").into_bytes(),
        }
    }

    impl Party {
        pub fn me(&self) -> mikey_core::hooks::LocalIdentity<'_, RsaPrivate> {
            mikey_core::hooks::LocalIdentity {
                key: &self.key,
                cert: Some(&self.cert),
                id: Some(mikey_core::Id {
                    id_type: mikey_core::IdType::Uri,
                    data: &self.id,
                }),
            }
        }
    }

    /// Signs `msg` again with `key` as its SIGN payload's S type says (SHA-256), over the
    /// message up to the signature ‖ `extra`, so that only the part a test changed is wrong.
    pub fn resign(msg: &mut [u8], key: &RsaPrivate, extra: &[&[u8]]) {
        use keying_crypto::{HashAlg, RsaSignatureScheme};
        let m = mikey_core::Message::parse(msg).unwrap();
        let scheme = match m.sign().unwrap().s_type {
            mikey_core::SType::RsaPkcs1 => RsaSignatureScheme::Pkcs1v15(HashAlg::Sha256),
            mikey_core::SType::RsaPss => RsaSignatureScheme::Pss(HashAlg::Sha256),
            other => panic!("S type {other:?}"),
        };
        let mut parts = vec![m.signed_bytes().unwrap()];
        parts.extend_from_slice(extra);
        let mut sig = vec![0u8; key.modulus_len()];
        key.sign(&mut super::rng(99), scheme, &parts, &mut sig)
            .unwrap();
        let range = m.signature_range().unwrap();
        msg[range].copy_from_slice(&sig);
    }

    /// HMAC-SHA-1 computed by the `openssl` command-line tool, not by this workspace.
    pub fn openssl_hmac_sha1(key: &[u8], data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let hexkey: String = key.iter().map(|b| format!("{b:02x}")).collect();
        let mut child = Command::new("openssl")
            .args(["dgst", "-sha1", "-mac", "HMAC", "-macopt"])
            .arg(format!("hexkey:{hexkey}"))
            .arg("-binary")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("openssl (installed by .ci/install-tools)");
        child.stdin.take().unwrap().write_all(data).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "openssl dgst failed");
        out.stdout
    }

    /// The KEMAC MAC of a PK I_MESSAGE or RSA-R R_MESSAGE (HMAC-SHA-1-160, AES-CM, MIKEY-1
    /// PRF, PKCS#1 v1.5 envelope), recomputed outside the crate's MAC code: the envelope
    /// key is decrypted with `recipient`, the auth_key derived with the PRF (RFC 3830
    /// §4.1.4) from `csb_id` and `rand`, and the HMAC computed by `openssl`. Returns (the MAC on the wire, the MAC
    /// over the KEMAC payload with its Next payload byte set to zero as RFC 3830 §5.2 says,
    /// the MAC over the payload with its Next payload byte as sent).
    pub fn kemac_macs(
        msg: &[u8],
        recipient: &RsaPrivate,
        csb_id: u32,
        rand: &[u8],
    ) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        use keying_crypto::RsaEncryptionPadding;
        use mikey_core::{Payload, PayloadType, PrfFunc, kdf::KemacKeys};
        let m = mikey_core::Message::parse(msg).unwrap();
        let Payload::Pke(pke) = m.find(PayloadType::Pke).unwrap().payload else {
            unreachable!()
        };
        let mut env = vec![0u8; 256];
        let n = recipient
            .decrypt(
                &mut super::rng(98),
                RsaEncryptionPadding::Pkcs1v15,
                pke.data,
                &mut env,
            )
            .unwrap();
        let keys = KemacKeys::derive(
            &keying_crypto::rustcrypto::RustCrypto,
            &mikey_core::kdf::Derivation {
                prf_func: PrfFunc::Mikey1,
                inkey: &env[..n],
                csb_id,
                rand,
            },
            16,
            20,
        )
        .unwrap();
        let kemac = m.find(PayloadType::Kemac).unwrap().raw;
        let (body, wire) = kemac.split_at(kemac.len() - 20);
        let mut zeroed = body.to_vec();
        zeroed[0] = 0;
        let auth = keys.auth.expose();
        (
            wire.to_vec(),
            openssl_hmac_sha1(auth, &zeroed),
            openssl_hmac_sha1(auth, body),
        )
    }

    /// Whether `openssl dgst` verifies `sig` over `data` with the SubjectPublicKeyInfo
    /// `spki` (DER): RSASSA-PKCS1-v1_5, or RSASSA-PSS with `pss`, with hash `hash`.
    pub fn openssl_verifies(spki: &[u8], data: &[u8], sig: &[u8], hash: &str, pss: bool) -> bool {
        use std::process::Command;
        let dir = std::env::temp_dir().join(format!(
            "mikey-sig-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let (k, d, s) = (dir.join("k.der"), dir.join("d"), dir.join("s"));
        std::fs::write(&k, spki).unwrap();
        std::fs::write(&d, data).unwrap();
        std::fs::write(&s, sig).unwrap();
        let mut c = Command::new("openssl");
        c.args(["dgst", &format!("-{hash}"), "-keyform", "DER", "-verify"])
            .arg(&k)
            .arg("-signature")
            .arg(&s);
        if pss {
            c.args([
                "-sigopt",
                "rsa_padding_mode:pss",
                "-sigopt",
                "rsa_pss_saltlen:auto",
            ]);
        }
        let ok = c.arg(&d).output().unwrap().status.success();
        std::fs::remove_dir_all(&dir).unwrap();
        ok
    }

    /// Trusts exactly these public keys (SubjectPublicKeyInfo DER), found in the X.509
    /// certificate of a CERT payload.
    pub fn pinned<K: AsRef<[u8]>>(keys: impl IntoIterator<Item = K>) -> PinnedKeys<RsaPublic> {
        PinnedKeys::new(&RustCrypto, keys, &mikey_core::policy::Policy::default()).unwrap()
    }
}

/// Checks the Error no (RFC 3830 §6.12) a Responder reports for the copy of the valid
/// message `msg` with bit `bit` flipped (bit 0 = least significant bit of octet 0):
/// - the HDR version octet (RFC 3830 §6.1; the implementation reports an unknown version
///   as an unsupported data type) and the data type octet: Invalid DT (11);
/// - PRF func bits 1–6 of HDR octet 3 (values 2 to 127, none defined by RFC 3830 §6.1):
///   Invalid PRF (2);
/// - the authentication field (the KEMAC MAC, or the SIGN signature when the message is
///   signed): Auth failure (0);
/// - anywhere else the number depends on the field hit, but it is always one RFC 3830
///   §6.12 defines (0 to 12).
pub fn check_flip_error_no(msg: &[u8], bit: usize, got: mikey_core::ErrorNo) {
    use mikey_core::{ErrorNo, Message};
    let m = Message::parse(msg).unwrap();
    let auth = match m.sign() {
        Some(s) => msg.len() - s.signature.len()..msg.len(),
        None => m.kemac_covered().unwrap().mac,
    };
    let byte = bit / 8;
    let expected = if byte == 0 || byte == 1 {
        Some(ErrorNo::InvalidDt)
    } else if byte == 3 && (1..=6).contains(&(bit % 8)) {
        Some(ErrorNo::InvalidPrf)
    } else if auth.contains(&byte) {
        Some(ErrorNo::AuthFailure)
    } else {
        None
    };
    match expected {
        Some(x) => assert_eq!(got, x, "bit {bit}"),
        None => assert!(u8::from(got) <= 12, "bit {bit}: {got:?}"),
    }
}
