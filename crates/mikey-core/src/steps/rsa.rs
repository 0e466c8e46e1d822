//! What the public-key modes (PK, DH, RSA-R) share: SIGN creation and checking, the
//! certificate hook, the local identity (a private-key **handle**, never key bytes), and
//! the PKE envelope (RFC 3830 §3.2, §5.2, §6.3, §6.5; RFC 4738 §3.6).
//!
//! Ordering rule (Bleichenbacher / Marvin): a receiver verifies SIGN **before** it
//! decrypts PKE, and a PKE decryption failure is reported as [`KmError::AuthFailed`],
//! the very value a KEMAC MAC failure gives — with PKCS#1 v1.5 the default provider
//! also uses implicit rejection, so a bad padding yields a random envelope key whose
//! KEMAC MAC then fails.

use keying_crypto::{
    HashAlg, Rng, RsaEncryptionPadding, RsaPrivateKeyOps, RsaPublicKeyOps, RsaSignatureScheme,
    SecretBuf, rsa_max_plaintext_len,
};

use crate::error::KmError;
use crate::policy::Policy;
use crate::wire::Payload;
use crate::wire::cert::Cert;
use crate::wire::header::CommonHeader;
use crate::wire::message::{Message, MessageWriter};
use crate::wire::sign::{SType, Sign};

/// Largest RSA modulus handled, bytes (4096 bits).
pub const MAX_RSA_LEN: usize = 512;
/// Envelope key length generated, bytes: 248 bits. RFC 3830 §3.2 leaves the length open;
/// not 32 because minisip's libmikey derives wrong keys from an inkey whose length is a
/// multiple of 32 bytes, and not above 32 because the PRF then runs twice as many HMACs
/// (RFC 3830 §4.1.2 splits the inkey into 256-bit pieces).
pub const ENV_KEY_LEN: usize = 31;

/// The signature scheme of an S type.
pub fn scheme(s_type: SType, hash: HashAlg) -> Option<RsaSignatureScheme> {
    match s_type {
        SType::RsaPkcs1 => Some(RsaSignatureScheme::Pkcs1v15(hash)),
        SType::RsaPss => Some(RsaSignatureScheme::Pss(hash)),
        _ => None,
    }
}

/// Writes `payloads` followed by SIGN; the signature covers the message up to the
/// signature field ‖ `extra` (RFC 3830 §5.2; RFC 4738 §3.6 appends IDi ‖ IDr ‖ T).
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_signed<K: RsaPrivateKeyOps + ?Sized>(
    out: &mut [u8],
    header: &CommonHeader<'_>,
    payloads: &[Payload<'_>],
    key: &K,
    rng: &mut dyn Rng,
    policy: &Policy,
    extra: &[&[u8]],
) -> Result<usize, KmError> {
    let n = write_unsigned(out, header, payloads, key.modulus_len(), policy)?;
    sign_in_place(out, n, key, rng, policy, extra)?;
    Ok(n)
}

/// Writes `payloads` and a SIGN payload with a zero signature of `k` bytes.
pub(crate) fn write_unsigned(
    out: &mut [u8],
    header: &CommonHeader<'_>,
    payloads: &[Payload<'_>],
    k: usize,
    policy: &Policy,
) -> Result<usize, KmError> {
    let zero = [0u8; MAX_RSA_LEN];
    let mut w = MessageWriter::new(out, header);
    for p in payloads {
        w.push(p);
    }
    w.push(&Payload::Sign(Sign {
        s_type: policy.sign_type,
        signature: zero.get(..k).ok_or(KmError::BufferTooSmall { needed: k })?,
    }));
    w.finish().map_err(KmError::from)
}

/// Signs the message `out[..n]` (written by [`write_unsigned`]) in place.
pub(crate) fn sign_in_place<K: RsaPrivateKeyOps + ?Sized>(
    out: &mut [u8],
    n: usize,
    key: &K,
    rng: &mut dyn Rng,
    policy: &Policy,
    extra: &[&[u8]],
) -> Result<(), KmError> {
    let scheme = scheme(policy.sign_type, policy.sign_hash).ok_or(KmError::HashRefused)?;
    let mut sig = [0u8; MAX_RSA_LEN];
    let range = {
        let m = Message::parse(out.get(..n).ok_or(KmError::BufferTooSmall { needed: n })?)?;
        let signed = m
            .signed_bytes()
            .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Sign))?;
        let mut parts: heapless::Vec<&[u8], 5> = heapless::Vec::new();
        parts
            .push(signed)
            .map_err(|_| KmError::InvalidArgument("signed parts"))?;
        for e in extra {
            parts
                .push(e)
                .map_err(|_| KmError::InvalidArgument("signed parts"))?;
        }
        key.sign(rng, scheme, &parts, &mut sig)
            .map_err(KmError::Crypto)?;
        m.signature_range()
            .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Sign))?
    };
    let len = range.len();
    let end = range.end;
    out.get_mut(range)
        .ok_or(KmError::BufferTooSmall { needed: end })?
        .copy_from_slice(
            sig.get(..len)
                .ok_or(KmError::BufferTooSmall { needed: len })?,
        );
    Ok(())
}

/// Verifies the SIGN payload of `m` with `key` over the signed bytes ‖ `extra`.
pub(crate) fn verify_sign<K: RsaPublicKeyOps + ?Sized>(
    m: &Message<'_>,
    key: &K,
    policy: &Policy,
    extra: &[&[u8]],
) -> Result<(), KmError> {
    let sign = m.sign().ok_or(KmError::AuthFailed)?;
    if scheme(sign.s_type, policy.sign_hash).is_none() {
        return Err(KmError::HashRefused);
    }
    let bits = key.modulus_len() * 8;
    if bits < policy.min_rsa_bits || bits > policy.max_rsa_bits {
        return Err(KmError::CertRejected);
    }
    let signed = m.signed_bytes().ok_or(KmError::AuthFailed)?;
    let mut parts: heapless::Vec<&[u8], 5> = heapless::Vec::new();
    parts
        .push(signed)
        .map_err(|_| KmError::InvalidArgument("signed parts"))?;
    for e in extra {
        parts
            .push(e)
            .map_err(|_| KmError::InvalidArgument("signed parts"))?;
    }
    let verified = policy.sign_verify_hashes().any(|h| {
        scheme(sign.s_type, h).is_some_and(|sc| key.verify(sc, &parts, sign.signature).is_ok())
    });
    if verified {
        Ok(())
    } else {
        Err(KmError::AuthFailed)
    }
}

/// The first CERT payload and the first ID data of a message.
pub(crate) fn cert_and_id<'a>(m: &Message<'a>) -> (Option<Cert<'a>>, Option<&'a [u8]>) {
    let cert = m.payloads().find_map(|p| match p.payload {
        Payload::Cert(c) => Some(c),
        _ => None,
    });
    (cert, crate::protect::ids(m).0)
}

/// Encrypts `env_key` to `peer` into `out` (PKE data); returns its length.
pub(crate) fn pke_encrypt<K: RsaPublicKeyOps + ?Sized>(
    peer: &K,
    rng: &mut dyn Rng,
    padding: RsaEncryptionPadding,
    env_key: &[u8],
    out: &mut [u8],
) -> Result<usize, KmError> {
    peer.encrypt(rng, padding, env_key, out)
        .map_err(|_| KmError::CertRejected)
}

/// Decrypts a PKE envelope; every failure is [`KmError::AuthFailed`] (no padding oracle).
pub(crate) fn pke_decrypt<K: RsaPrivateKeyOps + ?Sized>(
    key: &K,
    rng: &mut dyn Rng,
    padding: RsaEncryptionPadding,
    data: &[u8],
) -> Result<SecretBuf<MAX_RSA_LEN>, KmError> {
    let max = rsa_max_plaintext_len(key.modulus_len(), padding);
    let mut out = SecretBuf::<MAX_RSA_LEN>::zeroed(max)
        .map_err(|_| KmError::BufferTooSmall { needed: max })?;
    let n = key
        .decrypt(rng, padding, data, out.expose_mut())
        .map_err(|_| KmError::AuthFailed)?;
    out.set_len(n).map_err(|_| KmError::AuthFailed)?;
    if out.is_empty() {
        return Err(KmError::AuthFailed);
    }
    Ok(out)
}

/// The hash of a CHASH hash func: SHA-1 (0, RFC 3830 §6.8) or SHA-256 (2, RFC 6043 §6.7);
/// MD5 and unknown values are not supported.
pub(crate) fn chash_alg(func: crate::wire::chash::HashFunc) -> Option<HashAlg> {
    match func {
        crate::wire::chash::HashFunc::Sha1 => Some(HashAlg::Sha1),
        crate::wire::chash::HashFunc::Sha256 => Some(HashAlg::Sha256),
        _ => None,
    }
}

/// Checks a CHASH payload against this side's certificate (RFC 3830 §6.8).
pub(crate) fn check_chash<S: keying_crypto::Symmetric + ?Sized>(
    s: &S,
    m: &Message<'_>,
    own_cert: Option<&[u8]>,
) -> Result<(), KmError> {
    let Some(ch) = m.payloads().find_map(|p| match p.payload {
        Payload::Chash(c) => Some(c),
        _ => None,
    }) else {
        return Ok(());
    };
    let alg = chash_alg(ch.hash_func).ok_or(KmError::HashRefused)?;
    let cert = own_cert.ok_or(KmError::CertRejected)?;
    let own = s
        .hash(alg, &[cert])
        .checked(alg)
        .map_err(|_| KmError::HashRefused)?;
    if own.ct_eq(ch.hash) {
        Ok(())
    } else {
        Err(KmError::CertRejected)
    }
}
