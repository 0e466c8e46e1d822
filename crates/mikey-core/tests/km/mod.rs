// Shared by the key-management tests (included with `mod km;`).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use keying_crypto::rustcrypto::HashDrbg;
use mikey_core::replay::NtpTime;
use mikey_core::srtp::SrtpSas;
use mikey_core::{SrtpCs, Timestamp, TsType};

/// 2026-11-23 00:00:00 UTC as NTP seconds.
pub const T0: u32 = 3_972_844_800;

pub fn now(secs_after: u32) -> NtpTime {
    NtpTime::from_secs(T0).plus_secs(secs_after)
}

pub fn ntp_ts(at: NtpTime) -> Timestamp {
    Timestamp {
        ts_type: TsType::NtpUtc,
        value: at.0,
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
    use keying_crypto::rustcrypto::{RsaPrivate, RsaPublic};
    use mikey_core::Cert;
    use mikey_core::exchange::KmError;
    use mikey_core::pk::CertResolver;

    pub fn der(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/../../tests/vectors/mikey/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    /// A party: private key handle and its "certificate" (here the SPKI DER, pinned by the
    /// peers' hook — certificate validation is the caller's PKI).
    pub struct Party {
        pub key: RsaPrivate,
        pub cert: Vec<u8>,
        pub id: Vec<u8>,
    }

    pub fn party(name: &str) -> Party {
        Party {
            key: RsaPrivate::from_pkcs1_der(&der(&format!("rsa2048_{name}.pkcs1.der"))).unwrap(),
            cert: der(&format!("rsa2048_{name}.spki.der")),
            id: format!("sip:{name}@example.com").into_bytes(),
        }
    }

    impl Party {
        pub fn me(&self) -> mikey_core::pk::LocalIdentity<'_, RsaPrivate> {
            mikey_core::pk::LocalIdentity {
                key: &self.key,
                cert: Some(&self.cert),
                id: Some(mikey_core::Id {
                    id_type: mikey_core::IdType::Uri,
                    data: &self.id,
                }),
            }
        }
    }

    /// Trusts exactly these certificates.
    pub struct Pinned(pub Vec<Vec<u8>>);

    impl CertResolver for Pinned {
        type Key = RsaPublic;
        fn verified_key(
            &self,
            cert: Option<&Cert<'_>>,
            _id: Option<&[u8]>,
        ) -> Result<RsaPublic, KmError> {
            let c = cert.ok_or(KmError::CertRejected)?;
            if !self.0.iter().any(|p| p == c.data) {
                return Err(KmError::CertRejected);
            }
            RsaPublic::from_spki_der(c.data).map_err(|_| KmError::CertRejected)
        }
    }
}
