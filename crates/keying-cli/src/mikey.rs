//! `keying mikey`: decode every payload and field of a MIKEY message; the PSK-mode
//! operations that need key derivation are stubs with one function each
//! ([`psk_keys`], [`psk_init`]).

use keying_tlv::Reader;
use mikey_core::{
    CommonHeader, CsIdMap, DataType, KeyValidity, Message, Payload, PayloadItem, PayloadType,
    Payloads, ProtType, TsType,
};

use crate::value::{Obj, Value, named};
use crate::{CliError, Report, en, plain_error, tlv_error};

/// How deep payloads nested in KEMAC / TP / TICKET data are decoded.
const MAX_DEPTH: u8 = 3;

/// Why `--psk` and `psk-init` stop.
pub const KDF_MISSING: &str =
    "MIKEY key derivation (the PRF of RFC 3830 §4.1) has not landed in mikey-core yet";

/// SRTP keys derived for one crypto session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrtpKeys {
    /// The crypto session's SSRC.
    pub ssrc: u32,
    /// SRTP master key.
    pub master_key: Vec<u8>,
    /// SRTP master salt.
    pub master_salt: Vec<u8>,
    /// The SP policy number.
    pub policy: u8,
}

/// What `--psk` computes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskKeys {
    /// Whether the KEMAC MAC (or V MAC) verified.
    pub mac_ok: bool,
    /// The TGK / TEK from the decrypted KEMAC.
    pub tgk: Option<Vec<u8>>,
    /// The derived SRTP keys per crypto session.
    pub srtp: Vec<SrtpKeys>,
}

/// Verifies the MAC of `msg` with `psk`, decrypts its KEMAC and derives the SRTP master key
/// and salt of each crypto session (RFC 3830 §4.1, §5.2).
///
/// # Errors
/// Not yet supported (exit 2) until mikey-core has key derivation.
pub fn psk_keys(msg: &Message<'_>, psk: &[u8]) -> Result<PskKeys, CliError> {
    let _ = (msg, psk);
    Err(CliError::unsupported(format!(
        "--psk (MAC check, KEMAC decryption, SRTP keys) is not yet supported: {KDF_MISSING}; \
         decode without --psk"
    )))
}

/// Arguments of `keying mikey psk-init`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskInit {
    /// The pre-shared key.
    pub psk: Vec<u8>,
    /// The crypto session's SSRC.
    pub ssrc: u32,
    /// Its rollover counter.
    pub roc: u32,
    /// The CSB ID (random when absent).
    pub csb_id: Option<u32>,
    /// The NTP-UTC timestamp (the current time when absent).
    pub time: Option<u64>,
}

/// Builds a PSK-mode I_MESSAGE.
///
/// # Errors
/// Not yet supported (exit 2) until mikey-core has key derivation.
pub fn psk_init(args: &PskInit) -> Result<Vec<u8>, CliError> {
    let _ = args;
    Err(CliError::unsupported(format!(
        "`keying mikey psk-init` is not yet supported: {KDF_MISSING}"
    )))
}

/// Decodes a MIKEY message; with `psk`, adds what [`psk_keys`] computes.
///
/// # Errors
/// Only what [`psk_keys`] returns; malformed input is a [`Report`] with its `error` set.
pub fn decode(bytes: &[u8], psk: Option<&[u8]>) -> Result<Report, CliError> {
    let mut o = Obj::new();
    let mut r = Reader::new(bytes);
    let header = CommonHeader::read(&mut r);
    let (h, first) = match header {
        Ok(x) => x,
        Err(e) => {
            o.set("version", bytes.first().copied());
            for k in ["data_type", "v", "prf_func", "csb_id", "cs_id_map"] {
                o.set(k, Value::Null);
            }
            o.set("payloads", Value::List(Vec::new()));
            return Ok(finish(o, Some(tlv_error(&e)), None));
        }
    };
    o.set("version", mikey_core::header::VERSION);
    o.set("data_type", en!(h.data_type));
    o.set("v", h.v);
    o.set("prf_func", en!(h.prf_func));
    o.set("csb_id", h.csb_id);
    o.set("cs_id_map", cs_id_map(&h.cs_id_map));
    let mut payloads = Vec::new();
    let mut error = None;
    for item in Payloads::new(r.rest(), r.offset(), PayloadType::from(first)) {
        match item {
            Ok(p) => payloads.push(payload(&p, h.data_type, 0).into()),
            Err(e) => {
                error = Some(tlv_error(&e));
                break;
            }
        }
    }
    o.set("payloads", Value::List(payloads));
    if error.is_some() {
        return Ok(finish(o, error, None));
    }
    let msg = match Message::parse(bytes) {
        Ok(m) => m,
        Err(e) => return Ok(finish(o, Some(mikey_error(&e)), None)),
    };
    let keys = psk.map(|k| psk_keys(&msg, k)).transpose()?;
    let mut warnings = Vec::new();
    if let Err(e) = msg.check_mode_rules() {
        warnings.push(Value::from(e.to_string()));
    }
    if let Err(e) = msg.check_timestamp() {
        warnings.push(Value::from(e.to_string()));
    }
    o.set("warnings", Value::List(warnings));
    Ok(finish(o, None, keys))
}

fn mikey_error(e: &mikey_core::Error) -> (Value, String) {
    match e {
        mikey_core::Error::Decode(t) => tlv_error(t),
        other => plain_error(other.to_string()),
    }
}

fn finish(mut o: Obj, error: Option<(Value, String)>, keys: Option<PskKeys>) -> Report {
    if o.get("warnings").is_none() {
        o.set("warnings", Value::List(Vec::new()));
    }
    let mut failed = Vec::new();
    match keys {
        None => {
            o.set("mac_ok", Value::Null);
            o.set("tgk", Value::Null);
            o.set("srtp", Value::Null);
        }
        Some(k) => {
            if !k.mac_ok {
                failed.push("the MAC does not verify with the given PSK".to_owned());
            }
            o.set("mac_ok", k.mac_ok);
            o.set("tgk", k.tgk.as_deref());
            o.set(
                "srtp",
                Value::List(
                    k.srtp
                        .iter()
                        .map(|s| {
                            Obj::new()
                                .with("ssrc", s.ssrc)
                                .with("master_key", s.master_key.as_slice())
                                .with("master_salt", s.master_salt.as_slice())
                                .with("policy", s.policy)
                                .into()
                        })
                        .collect(),
                ),
            );
        }
    }
    let (err_v, err_m) = match error {
        Some((v, m)) => (v, Some(m)),
        None => (Value::Null, None),
    };
    o.set("error", err_v);
    Report {
        value: o,
        error: err_m,
        failed,
    }
}

fn cs_id_map(m: &CsIdMap<'_>) -> Obj {
    let entries: Vec<Value> = match m {
        CsIdMap::SrtpId(l) => l
            .iter()
            .map(|cs| {
                Obj::new()
                    .with("policy_no", cs.policy_no)
                    .with("ssrc", cs.ssrc)
                    .with("roc", cs.roc)
                    .into()
            })
            .collect(),
        CsIdMap::Empty { .. } => Vec::new(),
        CsIdMap::GenericId(l) => l
            .iter()
            .map(|cs| {
                let srtp = cs.srtp_session().map(|s| {
                    let (roc, seq) = match s.roc_seq {
                        Some((r, q)) => (Value::from(r), Value::from(q)),
                        None => (Value::Null, Value::Null),
                    };
                    Obj::new()
                        .with("ssrc", s.ssrc)
                        .with("roc", roc)
                        .with("seq", seq)
                });
                Obj::new()
                    .with("cs_id", cs.cs_id)
                    .with("prot_type", en!(cs.prot_type))
                    .with("s", cs.s)
                    .with(
                        "policies",
                        Value::List(cs.policies.iter().map(|&p| Value::from(p)).collect()),
                    )
                    .with("session_data", cs.session_data)
                    .with("spi", cs.spi)
                    .with("srtp", srtp)
                    .into()
            })
            .collect(),
    };
    Obj::new()
        .with("type", en!(m.map_type()))
        .with("n_cs", m.n_cs())
        .with("entries", Value::List(entries))
}

fn kv(k: &KeyValidity<'_>) -> Obj {
    let o = Obj::new().with("kv", en!(k.kv()));
    match k {
        KeyValidity::Null => o,
        KeyValidity::Spi(spi) => o.with("spi", *spi),
        KeyValidity::Interval { from, to } => o.with("valid_from", *from).with("valid_to", *to),
    }
}

/// Printable text of an identity, when it is UTF-8 without control characters.
fn text(b: &[u8]) -> Value {
    match std::str::from_utf8(b) {
        Ok(s) if !s.chars().any(char::is_control) => Value::from(s),
        _ => Value::Null,
    }
}

/// Converts days since 1970-01-01 to (year, month, day) (proleptic Gregorian).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// An NTP timestamp (seconds since 1900 in the top 32 bits) as ISO 8601 UTC.
pub fn ntp_to_utc(value: u64) -> String {
    unix_to_utc(i64::try_from(value >> 32).unwrap_or(0) - 2_208_988_800)
}

/// Seconds since 1970-01-01T00:00:00Z as ISO 8601 UTC.
pub fn unix_to_utc(secs: i64) -> String {
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

fn timestamp(o: Obj, t: &mikey_core::Timestamp) -> Obj {
    let utc = match t.ts_type {
        TsType::NtpUtc | TsType::Ntp => Value::from(ntp_to_utc(t.value64())),
        TsType::NtpUtc32 => Value::from(ntp_to_utc(t.value64() << 32)),
        _ => Value::Null,
    };
    o.with("ts_type", en!(t.ts_type))
        .with("value", t.value)
        .with("ntp_utc", utc)
}

fn sub_payloads(data: &[u8], base: usize, first: PayloadType, dt: DataType, depth: u8) -> Value {
    if depth >= MAX_DEPTH {
        return Value::Null;
    }
    let first = if data.is_empty() {
        PayloadType::Last
    } else {
        first
    };
    let mut out = Vec::new();
    for item in Payloads::new(data, base, first) {
        match item {
            Ok(p) => out.push(payload(&p, dt, depth + 1).into()),
            Err(e) => {
                out.push(Obj::new().with("error", tlv_error(&e).0).into());
                break;
            }
        }
    }
    Value::List(out)
}

fn ticket_policy(o: Obj, p: &mikey_core::TicketPolicyFields<'_>) -> Obj {
    o.with("ticket_type", en!(p.ticket_type))
        .with("subtype", p.subtype)
        .with("ticket_version", p.version)
        .with("ticket_prf_func", en!(p.prf_func))
        .with("flags", p.flags.0)
        .with("tp_data", p.tp_data)
}

/// One payload as an object.
fn payload(item: &PayloadItem<'_>, dt: DataType, depth: u8) -> Obj {
    let o = Obj::new()
        .with("type", en!(item.payload.kind()))
        .with("offset", item.offset)
        .with("length", item.raw.len())
        .with("next", item.next.map(|n| en!(PayloadType::from(n))));
    match item.payload {
        Payload::Kemac(k) => {
            let first = match dt {
                DataType::PkInit | DataType::RsaRResp => PayloadType::Id,
                _ => PayloadType::KeyData,
            };
            let subs = if k.encr_alg == mikey_core::EncrAlg::Null {
                sub_payloads(k.encr_data, item.offset + 4, first, dt, depth)
            } else {
                Value::Null
            };
            o.with("encr_alg", en!(k.encr_alg))
                .with("encr_data", k.encr_data)
                .with("mac_alg", en!(k.mac_alg))
                .with("mac", k.mac)
                .with("sub_payloads", subs)
        }
        Payload::Pke(p) => o.with("cache", en!(p.cache)).with("data", p.data),
        Payload::Dh(d) => o
            .with("group", en!(d.group))
            .with("value", d.value)
            .with("key_validity", kv(&d.kv)),
        Payload::Sign(s) => o
            .with("s_type", en!(s.s_type))
            .with("signature", s.signature),
        Payload::T(t) => timestamp(o, &t),
        Payload::Id(i) => o
            .with("id_type", en!(i.id_type))
            .with("data", i.data)
            .with("text", text(i.data)),
        Payload::Cert(c) => o.with("cert_type", en!(c.cert_type)).with("data", c.data),
        Payload::Chash(c) => o.with("hash_func", en!(c.hash_func)).with("hash", c.hash),
        Payload::V(v) => o
            .with("auth_alg", en!(v.auth_alg))
            .with("ver_data", v.ver_data),
        Payload::Sp(sp) => {
            let params: Vec<Value> = sp
                .params
                .iter()
                .map(|p| {
                    let kind = if sp.prot_type == ProtType::Srtp {
                        en!(p.srtp_type())
                    } else {
                        named(p.kind.into(), None)
                    };
                    Obj::new()
                        .with("type", kind)
                        .with("value", p.value)
                        .with("uint", p.uint())
                        .into()
                })
                .collect();
            o.with("policy_no", sp.policy_no)
                .with("prot_type", en!(sp.prot_type))
                .with("params", Value::List(params))
                .with("srtp_auth_tag_len", sp.srtp_auth_tag_len())
        }
        Payload::Rand(r) => o.with("rand", r.rand),
        Payload::Err(e) => o.with("error_no", en!(e.error_no)),
        Payload::Tr(t) => timestamp(o.with("role", en!(t.role)), &t.ts),
        Payload::Idr(i) => o
            .with("role", en!(i.role))
            .with("id_type", en!(i.id_type))
            .with("data", i.data)
            .with("text", text(i.data)),
        Payload::Randr(r) => o.with("role", en!(r.role)).with("rand", r.rand),
        Payload::Tp(tp) => {
            let subs = if depth < MAX_DEPTH {
                collect_nested(tp.policy.tp_payloads(), dt, depth)
            } else {
                Value::Null
            };
            ticket_policy(o, &tp.policy).with("tp_payloads", subs)
        }
        Payload::Ticket(t) => {
            let subs = if depth < MAX_DEPTH {
                collect_nested(t.initiator_payloads(), dt, depth)
            } else {
                Value::Null
            };
            ticket_policy(o, &t.policy)
                .with("ticket_data", t.ticket_data)
                .with("initiator_data", t.initiator_data)
                .with("initiator_payloads", subs)
        }
        Payload::KeyData(k) => o
            .with("key_type", en!(k.key_type))
            .with("key", k.key)
            .with("salt", k.salt)
            .with("key_validity", kv(&k.kv)),
        Payload::GeneralExt(g) => {
            let sdp_ids = g.sdp_ids().map(|ids| {
                Value::List(
                    ids.map(|id| Obj::new().with("data", id).with("text", text(id)).into())
                        .collect(),
                )
            });
            o.with("ext_type", en!(g.ext_type))
                .with("data", g.data)
                .with("sdp_ids", sdp_ids)
                .with("csb_id", g.csb_id())
        }
        Payload::Sakke(s) => o
            .with("params", en!(s.params))
            .with("id_scheme", en!(s.id_scheme))
            .with("data", s.data),
        _ => o.with("raw", item.raw),
    }
}

/// Payloads nested in TP / TICKET data (offsets relative to that data).
fn collect_nested(it: Payloads<'_>, dt: DataType, depth: u8) -> Value {
    let mut out = Vec::new();
    for item in it {
        match item {
            Ok(p) => out.push(payload(&p, dt, depth + 1).into()),
            Err(e) => {
                out.push(Obj::new().with("error", tlv_error(&e).0).into());
                break;
            }
        }
    }
    Value::List(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ntp_dates() {
        assert_eq!(ntp_to_utc(0), "1900-01-01T00:00:00Z");
        assert_eq!(ntp_to_utc(2_208_988_800 << 32), "1970-01-01T00:00:00Z");
        assert_eq!(ntp_to_utc(3_913_056_000 << 32), "2024-01-01T00:00:00Z");
        assert_eq!(ntp_to_utc(u64::MAX), "2036-02-07T06:28:15Z");
        assert_eq!(unix_to_utc(1_735_689_600), "2025-01-01T00:00:00Z");
        assert!(!unix_to_utc(i64::MAX).is_empty());
        assert!(!unix_to_utc(i64::MIN).is_empty());
    }
}
