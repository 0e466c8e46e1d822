//! The hooks a role calls: identity to PSK ([`KeyResolver`]), certificate to public key
//! ([`CertResolver`]), and this side's identity ([`LocalIdentity`]).

use core::fmt;

#[cfg(feature = "alloc")]
use keying_crypto::RsaKeyLoader;
use keying_crypto::{RsaPublicKeyOps, SecretBuf};

use crate::error::KmError;
use crate::policy::MAX_PSK;
#[cfg(feature = "alloc")]
use crate::policy::Policy;
use crate::wire::Payload;
use crate::wire::cert::{Cert, CertType};

/// Resolves peer identities to keys: the hook a responder (or initiator) calls.
pub trait KeyResolver {
    /// The PSK shared with the peer named by `id_i` (the Initiator's ID data, if sent)
    /// for a message addressed to `id_r` (if sent), borrowed from the resolver's storage:
    /// the roles feed it to the PRF without copying it. `None`: unknown peer
    /// ([`KmError::UnknownIdentity`]).
    fn psk(&self, id_i: Option<&[u8]>, id_r: Option<&[u8]>) -> Option<&[u8]>;
}

/// One fixed PSK for every peer.
#[derive(Clone)]
pub struct StaticPsk(pub SecretBuf<MAX_PSK>);

impl StaticPsk {
    /// From key bytes (at most [`MAX_PSK`]).
    pub fn new(psk: &[u8]) -> Result<Self, KmError> {
        SecretBuf::from_slice(psk)
            .map(Self)
            .map_err(|_| KmError::InvalidArgument("PSK longer than MAX_PSK"))
    }
}

impl fmt::Debug for StaticPsk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticPsk(<redacted>)")
    }
}

impl KeyResolver for StaticPsk {
    fn psk(&self, _: Option<&[u8]>, _: Option<&[u8]>) -> Option<&[u8]> {
        Some(self.0.expose())
    }
}

/// Verifies a peer's certificate (chain, validity, revocation, name — the caller's PKI)
/// and returns its public key. Called with the peer's CERT payload (first one) and ID
/// data, whichever were sent. A certificate it does not trust is
/// [`KmError::CertRejected`]; an unknown identity [`KmError::UnknownIdentity`].
pub trait CertResolver {
    /// The key type.
    type Key: RsaPublicKeyOps;
    /// The verified key of the peer.
    fn verified_key(
        &self,
        cert: Option<&Cert<'_>>,
        id: Option<&[u8]>,
    ) -> Result<Self::Key, KmError>;
}

/// The SubjectPublicKeyInfo (DER) of the X.509v3 certificate a CERT payload carries (Cert
/// type 0, 2 or 3: DER certificates, RFC 3830 §6.7). A URL (type 1), an unknown type or a
/// malformed certificate is [`KmError::CertRejected`].
#[cfg(feature = "alloc")]
pub fn certificate_spki(cert: &Cert<'_>) -> Result<alloc::vec::Vec<u8>, KmError> {
    use x509_cert::der::{Decode, Encode};
    match cert.cert_type {
        CertType::X509v3 | CertType::X509v3Sign | CertType::X509v3Encr => {}
        _ => return Err(KmError::CertRejected),
    }
    let c = x509_cert::Certificate::from_der(cert.data).map_err(|_| KmError::CertRejected)?;
    c.tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|_| KmError::CertRejected)
}

/// A [`CertResolver`] that trusts a fixed set of public keys (pinning): the peer's CERT
/// payload must hold an X.509v3 certificate whose SubjectPublicKeyInfo is one of the
/// pinned ones (DER, byte for byte). The keys are loaded once, when the resolver is made,
/// with an [`RsaKeyLoader`] that refuses moduli above [`Policy::max_rsa_bits`]. The
/// certificate's own signature, validity period and names are not checked: the pin is the
/// trust decision. Where a CA or revocation decides, implement [`CertResolver`] on your
/// PKI instead.
#[cfg(feature = "alloc")]
#[derive(Debug, Clone)]
pub struct PinnedKeys<K> {
    pinned: alloc::vec::Vec<(alloc::vec::Vec<u8>, K)>,
}

#[cfg(feature = "alloc")]
impl<K: RsaPublicKeyOps + Clone> PinnedKeys<K> {
    /// Trusts the keys in `pinned` (SubjectPublicKeyInfo DER), loaded with `loader` up to
    /// `policy.max_rsa_bits`.
    ///
    /// # Errors
    /// [`KmError::CertRejected`] when a pinned key does not load (malformed, not RSA, or
    /// larger than the policy allows).
    pub fn new<L: RsaKeyLoader<PublicKey = K>, P: AsRef<[u8]>>(
        loader: &L,
        pinned: impl IntoIterator<Item = P>,
        policy: &Policy,
    ) -> Result<Self, KmError> {
        let pinned = pinned
            .into_iter()
            .map(|spki| {
                let spki = spki.as_ref();
                let key = loader
                    .load_spki(spki, policy.max_rsa_bits)
                    .map_err(|_| KmError::CertRejected)?;
                Ok((spki.to_vec(), key))
            })
            .collect::<Result<_, KmError>>()?;
        Ok(Self { pinned })
    }
}

#[cfg(feature = "alloc")]
impl<K: RsaPublicKeyOps + Clone> CertResolver for PinnedKeys<K> {
    type Key = K;

    fn verified_key(&self, cert: Option<&Cert<'_>>, _id: Option<&[u8]>) -> Result<K, KmError> {
        let spki = certificate_spki(cert.ok_or(KmError::CertRejected)?)?;
        self.pinned
            .iter()
            .find(|(p, _)| *p == spki)
            .map(|(_, key)| key.clone())
            .ok_or(KmError::CertRejected)
    }
}

/// This side's long-term identity: its private-key handle, its certificate and ID.
pub struct LocalIdentity<'a, K> {
    /// The private key, used only through [`keying_crypto::RsaPrivateKeyOps`].
    pub key: &'a K,
    /// The certificate to send as CERT (DER), if any.
    pub cert: Option<&'a [u8]>,
    /// The identity to send as ID (type and data), if any.
    pub id: Option<crate::wire::id::Id<'a>>,
}

impl<K> core::fmt::Debug for LocalIdentity<'_, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LocalIdentity")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl<K> LocalIdentity<'_, K> {
    /// The CERT payload view.
    pub(crate) fn cert_payload(&self) -> Option<Payload<'_>> {
        self.cert.map(|data| {
            Payload::Cert(Cert {
                cert_type: CertType::X509v3,
                data,
            })
        })
    }
}
