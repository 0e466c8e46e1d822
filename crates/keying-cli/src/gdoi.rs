//! `keying gdoi decode`: an ISAKMP / GDOI message; with the KEK, a GROUPKEY-PUSH is
//! decrypted and a GROUPKEY-PUSH-ACK's HASH checked.

use gdoi_ack::PayloadType;
use gdoi_ack::ack::{AckKey, AckType, LEncoding};
use gdoi_ack::wire::attributes::{AttributeValue, Attributes};
use gdoi_ack::wire::delete::Delete;
use gdoi_ack::wire::from_element;
use gdoi_ack::wire::gap::{Gap, GapAttribute};
use gdoi_ack::wire::hash::HashPayload;
use gdoi_ack::wire::header::{
    ExchangeType, FLAG_AUTH_ONLY, FLAG_COMMIT, FLAG_ENCRYPTION, HEADER_LEN, Header,
};
use gdoi_ack::wire::identification::{IdData, IdSelector, Identification};
use gdoi_ack::wire::key_download::{
    KdType, KekKeyAttribute, KeyDownload, LkhKeyAttribute, TekKeyAttribute, split_kek_algorithm_key,
};
use gdoi_ack::wire::message::{Ack, CBC_BLOCK, PushPayloads, parse_push_header};
use gdoi_ack::wire::nonce::Nonce;
use gdoi_ack::wire::notification::Notification;
use gdoi_ack::wire::sa::Sa;
use gdoi_ack::wire::sa_kek::SigHashAlgorithm;
use gdoi_ack::wire::sa_kek::{KekAckRequested, KekAttribute, SaKek};
use gdoi_ack::wire::sa_tek::{SaTek, TekBody};
use gdoi_ack::wire::seq::Seq;
use gdoi_ack::wire::sig::Signature;
use gdoi_ack::{EcdsaP256, PushVerifier as _, Rsa, RsaForms};
use keying_crypto::rustcrypto::{P256VerifyingKey, RsaPublic, RustCrypto};
use keying_crypto::{HashAlg, RsaPublicKeyOps as _, Symmetric};
use keying_tlv::{Element, Reader};
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::value::{Obj, Value, named};
use crate::{Budget, CliError, Report, en, plain_error, tlv_error};

/// Checks the shape of `--kek`: IV (16) ‖ AES key (16, 24 or 32).
///
/// # Errors
/// A usage error naming the expected lengths.
pub fn check_kek(k: &[u8]) -> Result<(), CliError> {
    if split_kek_algorithm_key(k).is_some() {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "--kek is KEK_ALGORITHM_KEY: a 16-octet IV then a 16-, 24- or 32-octet AES key \
             (32, 40 or 48 octets), got {} octets",
            k.len()
        )))
    }
}

fn header_obj(h: &Header, datagram_len: usize) -> Obj {
    Obj::new()
        .with("initiator_cookie", &h.initiator_cookie[..])
        .with("responder_cookie", &h.responder_cookie[..])
        .with("next_payload", en!(PayloadType::from(h.next_payload)))
        .with("version", h.version)
        .with("exchange", en!(h.exchange))
        .with(
            "flags",
            Obj::new()
                .with("value", h.flags)
                .with("encryption", h.flags & FLAG_ENCRYPTION != 0)
                .with("commit", h.flags & FLAG_COMMIT != 0)
                .with("auth_only", h.flags & FLAG_AUTH_ONLY != 0),
        )
        .with("message_id", h.message_id)
        .with("length", h.length)
        .with(
            "length_ok",
            usize::try_from(h.length).is_ok_and(|l| l == datagram_len),
        )
}

struct Out {
    o: Obj,
    error: Option<(Value, String)>,
    failed: Vec<String>,
}

impl Out {
    fn report(self) -> Report {
        // The fields in their documented order, null when not applicable.
        let mut o = Obj::new();
        for k in [
            "header",
            "encrypted",
            "decrypted",
            "ciphertext_length",
            "payloads",
            "padding",
            "hash_check",
            "sig_ok",
        ] {
            o.set(k, self.o.get(k).cloned().unwrap_or(Value::Null));
        }
        let (v, m) = match self.error {
            Some((v, m)) => (v, Some(m)),
            None => (Value::Null, None),
        };
        o.set("error", v);
        Report {
            value: o,
            error: m,
            failed: self.failed,
        }
    }
}

/// Decodes an ISAKMP / GDOI datagram; `kek` (IV ‖ key, checked by [`check_kek`]) decrypts
/// a PUSH and checks an ACK.
///
/// # Errors
/// None today (malformed input is a [`Report`] with `error` set); kept fallible like the
/// other decoders.
pub fn decode(bytes: &[u8], kek: Option<&[u8]>) -> Result<Report, CliError> {
    decode_with(bytes, kek, None)
}

/// The keys a decode may use.
#[derive(Clone, Copy)]
struct Keys<'a> {
    kek: Option<&'a [u8]>,
    gcks: Option<&'a GcksKey>,
}

/// [`decode`], and with `gcks` the SIG payload of a PUSH decrypted with `kek` is verified
/// (`sig_ok`; false, and a failed check, when it does not verify or cannot be checked).
///
/// # Errors
/// As [`decode`].
pub fn decode_with(
    bytes: &[u8],
    kek: Option<&[u8]>,
    gcks: Option<&GcksKey>,
) -> Result<Report, CliError> {
    let mut out = Out {
        o: Obj::new(),
        error: None,
        failed: Vec::new(),
    };
    let mut r = Reader::new(bytes);
    let h = match Header::parse(&mut r) {
        Ok(h) => h,
        Err(e) => {
            out.o.set("header", Value::Null);
            out.error = Some(tlv_error(&e));
            return Ok(out.report());
        }
    };
    out.o.set("header", header_obj(&h, bytes.len()));
    let encrypted = h.flags & FLAG_ENCRYPTION != 0;
    out.o.set("encrypted", encrypted);
    let body = bytes.get(HEADER_LEN..).unwrap_or_default();
    let b = Budget::new();
    if h.exchange == ExchangeType::GroupkeyPush && encrypted {
        push(&mut out, bytes, &h, Keys { kek, gcks }, &b);
    } else if encrypted {
        out.o.set("decrypted", false);
        out.error = Some(plain_error(format!(
            "an encrypted {:?} exchange: only GROUPKEY-PUSH (33) can be decrypted",
            h.exchange
        )));
    } else {
        out.o.set("decrypted", false);
        let (list, err, _) = walk(h.next_payload, body, HEADER_LEN, false, &b);
        out.o.set("payloads", Value::List(list));
        out.error = err.map(|e| tlv_error(&e));
        if out.error.is_none() && b.exceeded() {
            out.error = Some(b.error());
        }
        if out.error.is_none() && h.exchange == ExchangeType::GroupkeyPushAck {
            ack(&mut out, bytes, kek);
        }
    }
    Ok(out.report())
}

fn push(out: &mut Out, bytes: &[u8], h: &Header, keys: Keys<'_>, b: &Budget) {
    let (kek, gcks) = (keys.kek, keys.gcks);
    if let Err(e) = parse_push_header(bytes) {
        out.error = Some(tlv_error(&e));
        return;
    }
    let Some((iv, key)) = kek.and_then(split_kek_algorithm_key) else {
        if gcks.is_some() {
            out.o.set("sig_ok", false);
            out.failed.push(
                "the PUSH signature covers the plaintext: --gcks-key needs --kek to check it"
                    .to_owned(),
            );
        }
        out.o.set("decrypted", false);
        out.o
            .set("ciphertext_length", bytes.len().saturating_sub(HEADER_LEN));
        return;
    };
    let mut plain = bytes.get(HEADER_LEN..).unwrap_or_default().to_vec();
    if let Err(e) = RustCrypto.aes_cbc_decrypt(key, &iv, &mut plain) {
        out.o.set("decrypted", false);
        out.error = Some(plain_error(format!("AES-CBC decryption failed: {e}")));
        return;
    }
    out.o.set("decrypted", true);
    let (list, err, rest) = walk(h.next_payload, &plain, HEADER_LEN, true, b);
    out.o.set("payloads", Value::List(list));
    out.o.set("padding", rest.as_deref());
    if let Some(e) = err {
        let (v, m) = tlv_error(&e);
        out.error = Some((v, format!("{m} (after decryption: is the KEK right?)")));
        return;
    }
    if b.exceeded() {
        out.error = Some(b.error());
        return;
    }
    match PushPayloads::parse(h.next_payload, &plain, HEADER_LEN, CBC_BLOCK - 1) {
        Err(e) => out.error = Some(tlv_error(&e)),
        Ok(p) => {
            if let Some(g) = gcks {
                signature(out, bytes, &p, g);
            }
        }
    }
}

/// Checks the SIG payload of a decrypted PUSH with the GCKS key: over `"rekey"` ‖ the
/// header with its Length set to the unpadded message (header and payload chain) ‖ the
/// payloads before SIG (RFC 6407 §4); implementations that sign the header as sent
/// (its Length including the CBC padding) are accepted too.
fn signature(out: &mut Out, datagram: &[u8], p: &PushPayloads<'_>, g: &GcksKey) {
    let mut hdr = [0u8; HEADER_LEN];
    if let Some(h) = datagram.get(..HEADER_LEN) {
        hdr.copy_from_slice(h);
    }
    let signed_len = u32::try_from(HEADER_LEN + p.chain_len).unwrap_or(u32::MAX);
    if let Some(l) = hdr.get_mut(24..28) {
        l.copy_from_slice(&signed_len.to_be_bytes());
    }
    let hash =
        p.sa.as_ref()
            .and_then(|sa| sa.kek.as_ref())
            .and_then(SaKek::sig_hash_algorithm);
    let wire = datagram.get(..HEADER_LEN).unwrap_or_default();
    let sig = p.signature.data;
    let ok = g.verify(hash, &[b"rekey", &hdr, p.signed], sig)
        || g.verify(hash, &[b"rekey", wire, p.signed], sig);
    if !ok {
        out.failed.push(format!(
            "the PUSH SIG payload ({} octets) does not verify with the GCKS key ({})",
            sig.len(),
            g.describe()
        ));
    }
    out.o.set("sig_ok", ok);
}

/// The key server's public key (`--gcks-key`), which signs GROUPKEY-PUSH messages
/// (RFC 6407 §5.3.7: RSA, or ECDSA P-256 with SHA-256 as RFC 4754 encodes it).
#[derive(Debug, Clone)]
pub enum GcksKey {
    /// An RSA key: PKCS#1 v1.5 signatures (with DigestInfo, or over the bare hash as
    /// IKEv1-style implementations sign), the hash SIG_HASH_ALGORITHM names.
    Rsa(RsaPublic),
    /// An ECDSA P-256 key.
    P256(P256VerifyingKey),
}

impl GcksKey {
    /// Reads a PEM (`-----BEGIN PUBLIC KEY-----`) or DER SubjectPublicKeyInfo file.
    ///
    /// # Errors
    /// An unreadable file (exit 1); anything but an RSA or P-256 public key (exit 2).
    pub fn load(path: &std::path::Path) -> Result<Self, CliError> {
        let raw = std::fs::read(path)
            .map_err(|e| CliError::io(format!("cannot read {}: {e}", path.display())))?;
        Self::from_file_bytes(&raw)
    }

    /// [`GcksKey::load`] on the file's bytes.
    ///
    /// # Errors
    /// Anything but a PEM or DER SubjectPublicKeyInfo of an RSA or P-256 key (exit 2).
    pub fn from_file_bytes(raw: &[u8]) -> Result<Self, CliError> {
        const BEGIN: &str = "-----BEGIN PUBLIC KEY-----";
        const END: &str = "-----END PUBLIC KEY-----";
        let pem = std::str::from_utf8(raw)
            .ok()
            .and_then(|t| t.split_once(BEGIN))
            .and_then(|(_, rest)| rest.split_once(END))
            .map(|(body, _)| body);
        let der = match pem {
            Some(b) => crate::input::base64(b)
                .map_err(|e| CliError::usage(format!("--gcks-key: PEM body: {}", e.message)))?,
            None => raw.to_vec(),
        };
        if let Ok(k) = P256VerifyingKey::from_spki_der(&der) {
            return Ok(Self::P256(k));
        }
        RsaPublic::from_spki_der(&der).map(Self::Rsa).map_err(|_| {
            CliError::usage(
                "--gcks-key: not a PEM or DER SubjectPublicKeyInfo of an RSA or ECDSA P-256 key",
            )
        })
    }

    /// Whether `sig` verifies over the concatenation of `parts`; `hash` is the PUSH's
    /// SIG_HASH_ALGORITHM (SHA-256 when absent; ECDSA P-256 always uses SHA-256).
    fn verify(&self, hash: Option<SigHashAlgorithm>, parts: &[&[u8]], sig: &[u8]) -> bool {
        match self {
            Self::P256(k) => EcdsaP256(*k).verify(parts, sig).is_ok(),
            Self::Rsa(k) => {
                let hash = match hash {
                    Some(SigHashAlgorithm::Sha1) => HashAlg::Sha1,
                    Some(SigHashAlgorithm::Sha384) => HashAlg::Sha384,
                    Some(SigHashAlgorithm::Sha512) => HashAlg::Sha512,
                    _ => HashAlg::Sha256,
                };
                Rsa {
                    key: k.clone(),
                    hash,
                    forms: RsaForms::Both,
                }
                .verify(parts, sig)
                .is_ok()
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::P256(_) => "ECDSA P-256".to_owned(),
            Self::Rsa(k) => format!("RSA {} bits", k.modulus_len() * 8),
        }
    }
}

fn ack(out: &mut Out, bytes: &[u8], kek: Option<&[u8]>) {
    let a = match Ack::parse(bytes) {
        Ok(a) => a,
        Err(e) => {
            out.error = Some(tlv_error(&e));
            return;
        }
    };
    let Some((_, key)) = kek.and_then(split_kek_algorithm_key) else {
        return;
    };
    let value = match a.hash.data.len() {
        32 => KekAckRequested::KekSha256,
        64 => KekAckRequested::KekSha512,
        _ => KekAckRequested::Unknown(0),
    };
    let spi = a.header.cookies();
    let mut found = None;
    if let Some(ty) = AckType::new(value) {
        for enc in [LEncoding::BlockBits, LEncoding::AckKeyBits] {
            let k = AckKey::derive(&RustCrypto, ty, key, &spi, enc);
            if k.verify(&RustCrypto, &a) {
                found = Some((ty, enc));
                break;
            }
        }
    }
    let check = match found {
        Some((ty, enc)) => Obj::new()
            .with("ok", true)
            .with("ack_type", en!(ty.value))
            .with("l_encoding", format!("{enc:?}")),
        None => {
            out.failed.push(format!(
                "the ACK HASH ({} octets) does not verify with the KEK (tried the KEK ACK \
                 type of that length with both L encodings)",
                a.hash.data.len()
            ));
            Obj::new()
                .with("ok", false)
                .with("ack_type", Value::Null)
                .with("l_encoding", Value::Null)
        }
    };
    out.o.set("hash_check", check);
}

/// Walks a payload chain; returns the objects, the first error and the trailing bytes (none
/// after an error).
fn walk(
    first: u8,
    data: &[u8],
    base: usize,
    allow_trailing: bool,
    b: &Budget,
) -> (Vec<Value>, Option<keying_tlv::Error>, Option<Vec<u8>>) {
    let mut it = gdoi_ack::wire::Payloads::new(first, Reader::at(data, base));
    if allow_trailing {
        it = it.allow_trailing();
    }
    let mut list = Vec::new();
    let mut err = None;
    for e in it.by_ref() {
        if let Ok(el) = &e
            && !b.admit_at(el.offset)
        {
            break;
        }
        match e.and_then(|e| element(&e, b)) {
            Ok(v) => list.push(v.into()),
            Err(e) => {
                err = Some(e);
                break;
            }
        }
        if b.exceeded() {
            break;
        }
    }
    let rest = if err.is_none() {
        Some(it.rest().to_vec())
    } else {
        None
    };
    (list, err, rest)
}

fn attributes(a: &Attributes<'_>, name: fn(u16) -> Value, b: &Budget) -> Value {
    Value::List(
        a.iter()
            .take_while(|_| b.admit())
            .map(|at| {
                let (format, value) = match at.value {
                    AttributeValue::Basic(v) => ("TV", Value::from(v)),
                    AttributeValue::Variable(b) => ("TLV", Value::from(b)),
                };
                Obj::new()
                    .with("type", name(at.kind))
                    .with("format", format)
                    .with("value", value)
                    .into()
            })
            .collect(),
    )
}

fn plain_name(k: u16) -> Value {
    named(k.into(), None)
}
/// IPsec DOI SA attributes (RFC 2407 §4.5), as SA TEK ESP / AH attributes use them.
fn ipsec_attr_name(k: u16) -> Value {
    let name = match k {
        1 => Some("SaLifeType"),
        2 => Some("SaLifeDuration"),
        3 => Some("GroupDescription"),
        4 => Some("EncapsulationMode"),
        5 => Some("AuthenticationAlgorithm"),
        6 => Some("KeyLength"),
        7 => Some("KeyRounds"),
        8 => Some("CompressDictionarySize"),
        9 => Some("CompressPrivateAlgorithm"),
        _ => None,
    };
    named(k.into(), name)
}
fn kek_attr_name(k: u16) -> Value {
    en!(KekAttribute::from(k))
}
fn gap_attr_name(k: u16) -> Value {
    en!(GapAttribute::from(k))
}
fn tek_key_name(k: u16) -> Value {
    en!(TekKeyAttribute::from(k))
}
fn kek_key_name(k: u16) -> Value {
    en!(KekKeyAttribute::from(k))
}
fn lkh_key_name(k: u16) -> Value {
    en!(LkhKeyAttribute::from(k))
}

fn ipv4(b: &[u8]) -> Option<String> {
    <[u8; 4]>::try_from(b)
        .ok()
        .map(|a| Ipv4Addr::from(a).to_string())
}

fn ipv6(b: &[u8]) -> Option<String> {
    <[u8; 16]>::try_from(b)
        .ok()
        .map(|a| Ipv6Addr::from(a).to_string())
}

/// The addresses of identification data (RFC 2407 §4.6.2.1): `(address, mask, end)`. A
/// subnet is an address then a netmask, a range a start then an end address; anything of
/// the wrong length, or another type, has none.
fn addresses(
    id_type: gdoi_ack::wire::identification::IdType,
    data: &[u8],
) -> (Option<String>, Option<String>, Option<String>) {
    use gdoi_ack::wire::identification::IdType;
    let halves = |n: usize, f: fn(&[u8]) -> Option<String>| match (data.len() == 2 * n)
        .then(|| data.split_at(n))
    {
        Some((a, b)) => (f(a), f(b)),
        None => (None, None),
    };
    match id_type {
        IdType::Ipv4Addr => (ipv4(data), None, None),
        IdType::Ipv6Addr => (ipv6(data), None, None),
        IdType::Ipv4AddrSubnet => {
            let (a, m) = halves(4, ipv4);
            (a, m, None)
        }
        IdType::Ipv6AddrSubnet => {
            let (a, m) = halves(16, ipv6);
            (a, m, None)
        }
        IdType::Ipv4AddrRange => {
            let (a, e) = halves(4, ipv4);
            (a, None, e)
        }
        IdType::Ipv6AddrRange => {
            let (a, e) = halves(16, ipv6);
            (a, None, e)
        }
        _ => (None, None, None),
    }
}

fn selector(s: &IdSelector<'_>) -> Obj {
    let (address, mask, end) = addresses(s.id_type, s.data);
    Obj::new()
        .with("id_type", en!(s.id_type))
        .with("port", s.port)
        .with("data", s.data)
        .with("address", address)
        .with("mask", mask)
        .with("end_address", end)
}

fn sa_kek(k: &SaKek<'_>, b: &Budget) -> Obj {
    Obj::new()
        .with("protocol", k.protocol)
        .with("src", selector(&k.src))
        .with("dst", selector(&k.dst))
        .with("spi", &k.spi[..])
        .with("ack_requested", k.ack_requested().map(|a| en!(a)))
        .with("attributes", attributes(&k.attributes, kek_attr_name, b))
}

fn sa_tek(t: &SaTek<'_>, b: &Budget) -> Obj {
    let o = Obj::new().with("protocol_id", en!(t.protocol_id));
    match t.body {
        TekBody::Ipsec(i) => o
            .with("protocol", i.protocol)
            .with("src", selector(&i.src))
            .with("dst", selector(&i.dst))
            .with("transform_id", i.transform_id)
            .with("spi", &i.spi[..])
            .with("attributes", attributes(&i.attributes, ipsec_attr_name, b)),
        TekBody::Opaque(b) => o.with("data", b),
    }
}

fn gap(g: &Gap<'_>, b: &Budget) -> Obj {
    Obj::new().with("attributes", attributes(&g.attributes, gap_attr_name, b))
}

/// The key packets of a KD payload, their attributes named by KD type.
fn key_download(o: Obj, kd: &KeyDownload<'_>, b: &Budget) -> Obj {
    let packets = kd
        .packets
        .iter()
        .take_while(|_| b.admit())
        .map(|p| {
            let name: fn(u16) -> Value = match p.kd_type {
                KdType::Tek => tek_key_name,
                KdType::Kek => kek_key_name,
                KdType::Lkh => lkh_key_name,
                _ => plain_name,
            };
            Obj::new()
                .with("kd_type", en!(p.kd_type))
                .with("spi", p.spi)
                .with("attributes", attributes(&p.attributes, name, b))
                .into()
        })
        .collect();
    o.with("packets", Value::List(packets))
}

/// The fields of an ID payload, its address written out.
fn identification(o: Obj, id: &Identification<'_>) -> Obj {
    let o = o
        .with("id_type", en!(id.data.id_type()))
        .with("protocol", id.protocol)
        .with("port", id.port);
    match id.data {
        IdData::Ipv4(a) => o.with("address", Ipv4Addr::from(a).to_string()),
        IdData::Ipv6(a) => o.with("address", Ipv6Addr::from(a).to_string()),
        IdData::Oid { oid, payload } => o.with("oid", oid).with("oid_payload", payload),
        IdData::Other { data, .. } => {
            let (address, mask, end) = addresses(id.data.id_type(), data);
            let o = o.with("data", data);
            match (address, mask, end) {
                (Some(a), m, e) => o.with("address", a).with("mask", m).with("end_address", e),
                _ => o,
            }
        }
    }
}

/// The fields of a Delete payload with its SPIs.
fn delete(o: Obj, d: &Delete<'_>, b: &Budget) -> Obj {
    o.with("doi", d.doi)
        .with("protocol_id", d.protocol_id)
        .with("spi_size", d.spi_size())
        .with("count", d.count())
        .with(
            "spis",
            Value::List(
                d.spis()
                    .take_while(|_| b.admit())
                    .map(Value::from)
                    .collect(),
            ),
        )
}

fn element(e: &Element<'_>, b: &Budget) -> keying_tlv::Result<Obj> {
    let kind = PayloadType::from(e.kind);
    let o = Obj::new()
        .with("type", en!(kind))
        .with("offset", e.offset)
        .with("length", e.raw.len());
    Ok(match kind {
        PayloadType::Sa => {
            let sa = from_element::<Sa>(e)?;
            o.with("doi", sa.doi)
                .with("situation", sa.situation)
                .with("kek", sa.kek.as_ref().map(|k| sa_kek(k, b)))
                .with("gap", sa.gap.as_ref().map(|g| gap(g, b)))
                .with(
                    "teks",
                    Value::List(
                        sa.teks
                            .iter()
                            .take_while(|_| b.admit())
                            .map(|t| sa_tek(&t, b).into())
                            .collect(),
                    ),
                )
        }
        PayloadType::SaKek => {
            let k = from_element::<SaKek>(e)?;
            let mut o = o;
            o.0.extend(sa_kek(&k, b).0);
            o
        }
        PayloadType::SaTek => {
            let t = from_element::<SaTek>(e)?;
            let mut o = o;
            o.0.extend(sa_tek(&t, b).0);
            o
        }
        PayloadType::Gap => {
            let g = from_element::<Gap>(e)?;
            let mut o = o;
            o.0.extend(gap(&g, b).0);
            o
        }
        PayloadType::KeyDownload => key_download(o, &from_element::<KeyDownload>(e)?, b),
        PayloadType::Seq => o.with("seq", from_element::<Seq>(e)?.0),
        PayloadType::Hash => o.with("data", from_element::<HashPayload>(e)?.data),
        PayloadType::Sig => o.with("data", from_element::<Signature>(e)?.data),
        PayloadType::Nonce => o.with("data", from_element::<Nonce>(e)?.data),
        PayloadType::Id => identification(o, &from_element::<Identification>(e)?),
        PayloadType::Notification => {
            let n = from_element::<Notification>(e)?;
            o.with("doi", n.doi)
                .with("protocol_id", n.protocol_id)
                .with("notify_type", en!(n.notify_type))
                .with("spi", n.spi)
                .with("data", n.data)
        }
        PayloadType::Delete => delete(o, &from_element::<Delete>(e)?, b),
        _ => o.with("body", e.body),
    })
}
