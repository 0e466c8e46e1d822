//! Shared by the MIKEY examples: hex output, SA printing, the two RSA test identities and
//! the pinned keys their peers trust. (A directory module, so Cargo does not build it as an
//! example of its own.)

// Each example uses a subset.
#![allow(dead_code)]

use keying::crypto::rustcrypto::{RsaPrivate, RsaPublic, RustCrypto};
use keying::mikey::hooks::{LocalIdentity, PinnedKeys};
use keying::mikey::policy::Policy;
use keying::mikey::srtp::SrtpSas;
use keying::mikey::{Id, IdType};

/// Alice's (the initiator's) RSA-2048 key, self-signed X.509 certificate and public key.
pub const A_KEY: &[u8] = include_bytes!("../../tests/vectors/mikey/rsa2048_recv1.pkcs1.der");
pub const A_CERT: &[u8] = include_bytes!("../../tests/vectors/mikey/rsa2048_recv1.cert.der");
pub const A_SPKI: &[u8] = include_bytes!("../../tests/vectors/mikey/rsa2048_recv1.spki.der");
/// Bob's (the responder's) RSA-2048 key, self-signed X.509 certificate and public key.
pub const B_KEY: &[u8] = include_bytes!("../../tests/vectors/mikey/rsa2048_sender.pkcs1.der");
pub const B_CERT: &[u8] = include_bytes!("../../tests/vectors/mikey/rsa2048_sender.cert.der");
pub const B_SPKI: &[u8] = include_bytes!("../../tests/vectors/mikey/rsa2048_sender.spki.der");

/// Trusts the certificates that carry one of these public keys.
pub fn pinned(keys: &[&[u8]]) -> PinnedKeys<RsaPublic> {
    PinnedKeys::new(&RustCrypto, keys, &Policy::default()).unwrap()
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
