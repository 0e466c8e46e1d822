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
use gdoi_ack::wire::sa_kek::{KekAckRequested, KekAttribute, SaKek};
use gdoi_ack::wire::sa_tek::{SaTek, TekBody};
use gdoi_ack::wire::seq::Seq;
use gdoi_ack::wire::sig::Signature;
use keying_crypto::Symmetric;
use keying_crypto::rustcrypto::RustCrypto;
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
        push(&mut out, bytes, &h, kek, &b);
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

fn push(out: &mut Out, bytes: &[u8], h: &Header, kek: Option<&[u8]>, b: &Budget) {
    if let Err(e) = parse_push_header(bytes) {
        out.error = Some(tlv_error(&e));
        return;
    }
    let Some((iv, key)) = kek.and_then(split_kek_algorithm_key) else {
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
    out.o.set("padding", rest);
    if let Some(e) = err {
        let (v, m) = tlv_error(&e);
        out.error = Some((v, format!("{m} (after decryption: is the KEK right?)")));
        return;
    }
    if b.exceeded() {
        out.error = Some(b.error());
        return;
    }
    if let Err(e) = PushPayloads::parse(h.next_payload, &plain, HEADER_LEN, CBC_BLOCK - 1) {
        out.error = Some(tlv_error(&e));
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

/// Walks a payload chain; returns the objects, the first error and the trailing bytes.
fn walk(
    first: u8,
    data: &[u8],
    base: usize,
    allow_trailing: bool,
    b: &Budget,
) -> (Vec<Value>, Option<keying_tlv::Error>, usize) {
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
    let rest = if err.is_none() { it.rest().len() } else { 0 };
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

fn address(id_type: gdoi_ack::wire::identification::IdType, data: &[u8]) -> Value {
    use gdoi_ack::wire::identification::IdType;
    match (id_type, data.len()) {
        (IdType::Ipv4Addr, 4) => {
            let mut a = [0u8; 4];
            a.copy_from_slice(data);
            Value::from(Ipv4Addr::from(a).to_string())
        }
        (IdType::Ipv6Addr, 16) => {
            let mut a = [0u8; 16];
            a.copy_from_slice(data);
            Value::from(Ipv6Addr::from(a).to_string())
        }
        _ => Value::Null,
    }
}

fn selector(s: &IdSelector<'_>) -> Obj {
    Obj::new()
        .with("id_type", en!(s.id_type))
        .with("port", s.port)
        .with("data", s.data)
        .with("address", address(s.id_type, s.data))
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
        IdData::Other { data, .. } => o.with("data", data),
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
