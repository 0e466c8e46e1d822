//! Shared by the MIKEY examples: hex output, SA printing, the two RSA test identities and a
//! pinned-certificate resolver. (A directory module, so Cargo does not build it as an
//! example of its own.)

// Each example uses a subset.
#![allow(dead_code)]

use keying::crypto::rustcrypto::{RsaPrivate, RsaPublic};
use keying::mikey::exchange::KmError;
use keying::mikey::pk::{CertResolver, LocalIdentity};
use keying::mikey::srtp::SrtpSas;
use keying::mikey::{Cert, Id, IdType};

/// Alice's (the initiator's) RSA-2048 key and SPKI "certificate".
pub const A_KEY: &[u8] = include_bytes!("../../tests/vectors/mikey/rsa2048_recv1.pkcs1.der");
pub const A_CERT: &[u8] = include_bytes!("../../tests/vectors/mikey/rsa2048_recv1.spki.der");
/// Bob's (the responder's) RSA-2048 key and SPKI "certificate".
pub const B_KEY: &[u8] = include_bytes!("../../tests/vectors/mikey/rsa2048_sender.pkcs1.der");
pub const B_CERT: &[u8] = include_bytes!("../../tests/vectors/mikey/rsa2048_sender.spki.der");

/// Trusts a set of pinned "certificates" (SPKIs here; a real deployment validates X.509).
pub struct Pinned(pub Vec<&'static [u8]>);

impl CertResolver for Pinned {
    type Key = RsaPublic;
    fn verified_key(
        &self,
        cert: Option<&Cert<'_>>,
        _: Option<&[u8]>,
    ) -> Result<RsaPublic, KmError> {
        match cert {
            Some(c) if self.0.contains(&c.data) => {
                RsaPublic::from_spki_der(c.data).map_err(|_| KmError::CertRejected)
            }
            _ => Err(KmError::CertRejected),
        }
    }
}

/// A local identity: private-key handle, certificate and SIP URI.
pub fn identity<'a>(
    key: &'a RsaPrivate,
    cert: &'a [u8],
    uri: &'a [u8],
) -> LocalIdentity<'a, RsaPrivate> {
    LocalIdentity {
        key,
        cert: Some(cert),
        id: Some(Id {
            id_type: IdType::Uri,
            data: uri,
        }),
    }
}

/// Lower-case hex.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Prints each SRTP security association one side derived.
pub fn show(who: &str, sas: &SrtpSas) {
    for sa in sas {
        println!(
            "{who}: CS {} SSRC {:08x} ROC {} key {} salt {} ({:?} {}-byte key, tag {})",
            sa.cs_id,
            sa.ssrc,
            sa.roc,
            hex(sa.master_key.expose()),
            hex(sa.master_salt.expose()),
            sa.policy.encr_alg,
            sa.policy.encr_key_len,
            sa.policy.auth_tag_len
        );
    }
}

/// Whether two sides hold the same SRTP keys for every crypto session.
pub fn same(a: &SrtpSas, b: &SrtpSas) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_keys(y))
}
