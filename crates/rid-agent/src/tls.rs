//! Mutual TLS (RFC 6546 §4): certificate loading, the whitelist verifier for both roles,
//! the DNS-ID check and the peer key.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, TrustAnchor, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, OtherError, SignatureScheme,
};

use crate::Error;

/// The TLS versions offered and accepted: 1.3 and 1.2 only (RFC 8996).
pub(crate) static VERSIONS: &[&rustls::SupportedProtocolVersion] =
    &[&rustls::version::TLS13, &rustls::version::TLS12];

/// The crypto provider: aws-lc-rs.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Reads every certificate of a PEM file (the end-entity first).
pub fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(Error::Config(format!("{}: no certificate", path.display())));
    }
    Ok(certs)
}

/// Reads the private key of a PEM file (PKCS#8, PKCS#1 or SEC1).
pub fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, Error> {
    PrivateKeyDer::from_pem_file(path)
        .map_err(|e| Error::Config(format!("{}: {e}", path.display())))
}

/// The identity of a peer as the rid-https core sees it: `sha256:` and the hex SHA-256 of
/// its end-entity certificate. Both roles derive it from the same certificate (an agent
/// presents one certificate as server and as client), so a token received in a `202` as
/// client matches the callback that peer later sends to our server.
pub fn peer_key(cert: &[u8]) -> String {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, cert);
    let mut s = String::from("sha256:");
    for b in d.as_ref() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// A name for the log: the first dNSName of the certificate and the start of its key.
pub fn peer_label(cert: &[u8]) -> String {
    let key = peer_key(cert);
    let short = key.get(7..23).unwrap_or("");
    match dns_names(cert).ok().and_then(|n| n.into_iter().next()) {
        Some(n) => format!("{n} ({short})"),
        None => format!("({short})"),
    }
}

#[derive(Debug)]
struct Refusal(String);

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

/// A TLS I/O error for people: our own refusal reasons without rustls' `Debug` wrapping.
pub(crate) fn describe(e: &std::io::Error) -> String {
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
    match inner {
        Some(rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(why)))) => {
            format!("certificate refused: {why}")
        }
        Some(r) => r.to_string(),
        None => e.to_string(),
    }
}

fn refuse(msg: String) -> rustls::Error {
    rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(Refusal(msg)))))
}

/// Accepts exactly the whitelisted peer certificates (RFC 6546 §4), as client and server
/// certificate verifier: the end-entity DER must equal one of them, the chain must validate
/// against them as trust anchors (webpki: validity period, signature, key usage), no
/// dNSName may be a wildcard, and, when reference identifiers are configured, one dNSName
/// must equal one of them (ASCII case-insensitive, as DNS).
#[derive(Debug)]
pub(crate) struct PeerVerifier {
    peers: Vec<CertificateDer<'static>>,
    anchors: Vec<TrustAnchor<'static>>,
    names: Vec<String>,
    provider: Arc<CryptoProvider>,
}

impl PeerVerifier {
    pub(crate) fn new(
        peers: &[CertificateDer<'static>],
        names: &[String],
        provider: Arc<CryptoProvider>,
    ) -> Result<PeerVerifier, Error> {
        if peers.is_empty() {
            return Err(Error::Config(String::from(
                "no --peer certificate: nobody could connect",
            )));
        }
        let mut anchors = Vec::new();
        for p in peers {
            check_names(p, &[]).map_err(Error::Config)?;
            let a = webpki::anchor_from_trusted_cert(p)
                .map_err(|e| Error::Config(format!("peer certificate: {e}")))?;
            anchors.push(a.to_owned());
        }
        Ok(PeerVerifier {
            peers: peers.to_vec(),
            anchors,
            names: names.to_vec(),
            provider,
        })
    }

    fn verify(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        server: bool,
    ) -> Result<(), rustls::Error> {
        let label = peer_label(end_entity);
        if !self.peers.iter().any(|p| p.as_ref() == end_entity.as_ref()) {
            return Err(refuse(format!(
                "peer certificate {label} is not on the --peer whitelist (RFC 6546 §4)"
            )));
        }
        let ee = webpki::EndEntityCert::try_from(end_entity)
            .map_err(|e| refuse(format!("peer certificate {label}: {e}")))?;
        let algs = self.provider.signature_verification_algorithms.all;
        let r = if server {
            ee.verify_for_usage(
                algs,
                &self.anchors,
                intermediates,
                now,
                webpki::KeyUsage::server_auth(),
                None,
                None,
            )
        } else {
            ee.verify_for_usage(
                algs,
                &self.anchors,
                intermediates,
                now,
                webpki::KeyUsage::client_auth(),
                None,
                None,
            )
        };
        r.map_err(|e| refuse(format!("peer certificate {label}: chain validation: {e}")))?;
        check_names(end_entity, &self.names).map_err(refuse)
    }
}

/// Refuses wildcard dNSNames and, when `names` is not empty, a certificate none of whose
/// dNSNames equals one of `names`.
fn check_names(cert: &[u8], names: &[String]) -> Result<(), String> {
    let label = peer_label(cert);
    let dns = dns_names(cert).map_err(|e| format!("certificate {label}: {e}"))?;
    if let Some(w) = dns.iter().find(|n| n.contains('*')) {
        return Err(format!(
            "certificate {label}: wildcard dNSName {w:?} refused (RFC 6546 §4)"
        ));
    }
    if names.is_empty() {
        return Ok(());
    }
    let norm = |s: &str| s.trim_end_matches('.').to_ascii_lowercase();
    if dns.iter().any(|d| names.iter().any(|n| norm(n) == norm(d))) {
        Ok(())
    } else {
        Err(format!(
            "certificate {label}: no dNSName {dns:?} matches the reference identifier {names:?} (RFC 6546 §4)"
        ))
    }
}

impl ServerCertVerifier for PeerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verify(end_entity, intermediates, now, true)?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

impl ClientCertVerifier for PeerVerifier {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        self.verify(end_entity, intermediates, now, false)?;
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

// --- A minimal DER reader for subjectAltName dNSNames ----------------------------------

/// One TLV: (tag, contents, rest).
fn tlv(input: &[u8]) -> Result<(u8, &[u8], &[u8]), String> {
    let bad = || String::from("malformed DER");
    let (&tag, rest) = input.split_first().ok_or_else(bad)?;
    if tag & 0x1f == 0x1f {
        return Err(bad()); // high tag numbers do not occur on this path
    }
    let (&first, mut rest) = rest.split_first().ok_or_else(bad)?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return Err(bad());
        }
        let (bytes, r) = rest.split_at_checked(n).ok_or_else(bad)?;
        rest = r;
        bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
    };
    let (contents, rest) = rest.split_at_checked(len).ok_or_else(bad)?;
    Ok((tag, contents, rest))
}

/// The OID 2.5.29.17 (subjectAltName), DER contents.
const SAN_OID: &[u8] = &[0x55, 0x1d, 0x11];

/// The dNSName entries of a certificate's subjectAltName extension (RFC 5280 §4.2.1.6).
pub fn dns_names(cert: &[u8]) -> Result<Vec<String>, String> {
    let (_, certificate, _) = tlv(cert)?; // Certificate SEQUENCE
    let (_, mut tbs, _) = tlv(certificate)?; // tbsCertificate SEQUENCE
    let mut names = Vec::new();
    while !tbs.is_empty() {
        let (tag, contents, rest) = tlv(tbs)?;
        tbs = rest;
        if tag != 0xa3 {
            continue; // extensions [3] EXPLICIT
        }
        let (_, mut exts, _) = tlv(contents)?; // Extensions SEQUENCE
        while !exts.is_empty() {
            let (_, ext, rest) = tlv(exts)?;
            exts = rest;
            let (_, oid, mut fields) = tlv(ext)?;
            if oid != SAN_OID {
                continue;
            }
            let (mut tag, mut value, r) = tlv(fields)?;
            fields = r;
            if tag == 0x01 {
                (tag, value, _) = tlv(fields)?; // skip `critical`
            }
            if tag != 0x04 {
                return Err(String::from("malformed subjectAltName"));
            }
            let (_, mut general_names, _) = tlv(value)?;
            while !general_names.is_empty() {
                let (tag, name, rest) = tlv(general_names)?;
                general_names = rest;
                if tag == 0x82 {
                    names.push(String::from_utf8_lossy(name).into_owned());
                }
            }
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{dns_names, tlv};

    #[test]
    fn der_reader_refuses_truncation() {
        assert!(tlv(&[0x30]).is_err());
        assert!(tlv(&[0x30, 0x05, 0x00]).is_err());
        assert!(tlv(&[0x30, 0x85, 0, 0, 0, 0, 1]).is_err());
        assert!(dns_names(&[]).is_err());
        assert!(dns_names(b"not a certificate").is_err());
        assert_eq!(
            tlv(&[0x04, 0x81, 0x01, 0xaa, 0xbb]).unwrap(),
            (0x04, &[0xaa][..], &[0xbb][..])
        );
    }
}
