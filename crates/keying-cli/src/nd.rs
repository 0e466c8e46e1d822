//! `keying nd decode`: an ICMPv6 message (FMIPv6 RtSolPr / PrRtAdv, or RS / RA / NS / NA /
//! Redirect), an FBU / FBack Mobility Header, or a bare ND option list; CGA verification
//! with the source address, checksum and SEND verification with both addresses.

use std::net::Ipv6Addr;

use keying_crypto::rustcrypto::RustCrypto;
use keying_tlv::Reader;
use send_hokey::cga::{self, SecPolicy};
use send_hokey::send::{self, KeySizePolicy};
use send_hokey::wire::checksum::{
    NEXT_HEADER_ICMPV6, NEXT_HEADER_MOBILITY, pseudo_header_checksum,
};
use send_hokey::wire::fbu::{FastBinding, MhOption, MobilityMessage};
use send_hokey::wire::rtsolpr::{Fmip6Message, Fmip6Subtype, ICMPV6_TYPE_FMIPV6, PrRtAdvCode};
use send_hokey::wire::{NdOption, NdOptionIter, PlacedOption};

use crate::value::{Obj, Value, named};
use crate::{Budget, CliError, Report, en, plain_error, tlv_error};

/// The ND messages decoded besides FMIPv6: type, name, fixed length (header included).
const ND_MESSAGES: &[(u8, &str, usize)] = &[
    (133, "Router Solicitation", 8),
    (134, "Router Advertisement", 16),
    (135, "Neighbor Solicitation", 24),
    (136, "Neighbor Advertisement", 24),
    (137, "Redirect", 40),
];

/// Payload Proto of a Mobility Header with no next header (IPPROTO_NONE).
const IPPROTO_NONE: u8 = 59;

struct Out {
    o: Obj,
    options: Vec<Value>,
    error: Option<(Value, String)>,
    failed: Vec<String>,
    cga: Option<bool>,
    budget: Budget,
}

fn hokey_error(e: &send_hokey::Error) -> (Value, String) {
    match e {
        send_hokey::Error::Decode(t) => tlv_error(t),
        other => plain_error(other.to_string()),
    }
}

fn ip(b: &[u8]) -> Value {
    <[u8; 16]>::try_from(b).map_or(Value::Null, |a| Ipv6Addr::from(a).to_string().into())
}

/// A 48.16 fixed-point time (RFC 3971 §5.3.1) as exact decimal seconds, and the fraction
/// digits alone (empty for a whole second): each 1/65536 s is 0.0000152587890625 s, so 16
/// digits hold every fraction exactly (trailing zeros trimmed).
pub fn fixed_48_16(value: u64) -> (String, String) {
    let secs = value >> 16;
    let digits = format!("{:016}", (value & 0xffff) * 152_587_890_625);
    let frac = digits.trim_end_matches('0').to_owned();
    if frac.is_empty() {
        (secs.to_string(), frac)
    } else {
        (format!("{secs}.{frac}"), frac)
    }
}

fn mac48(b: &[u8]) -> Value {
    if b.len() != 6 {
        return Value::Null;
    }
    Value::from(
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

impl Out {
    /// Decodes one option, checking a CGA option against `src`.
    fn option(&mut self, p: &PlacedOption<'_>, src: Option<&Ipv6Addr>) {
        let o = Obj::new()
            .with("type", en!(p.option.option_type()))
            .with("offset", p.offset)
            .with("length", p.raw.len());
        let o = match p.option {
            NdOption::LinkLayerAddress(l) => o
                .with("code", en!(l.code))
                .with("address", l.address)
                .with("mac", l.mac48().map(|m| mac48(&m))),
            NdOption::IpAddrPrefix(a) => o
                .with("code", en!(a.code))
                .with("prefix_len", a.prefix_len)
                .with("address", a.address.to_string()),
            NdOption::Naack(n) => o
                .with("code", n.code)
                .with("status", n.status)
                .with("new_coa", n.new_coa.map(|a| a.to_string())),
            NdOption::Cga(c) => {
                let params = match c.params() {
                    Ok(pp) => Obj::new()
                        .with("modifier", &pp.modifier[..])
                        .with("subnet_prefix", &pp.subnet_prefix[..])
                        .with("collision_count", pp.collision_count)
                        .with("public_key", pp.public_key)
                        .with("extensions", pp.extensions)
                        .into(),
                    Err(_) => Value::Null,
                };
                let check = src.map(|a| {
                    let r = cga::verify(&RustCrypto, c.parameters, a, SecPolicy::default());
                    let ok = r.is_ok();
                    self.cga = Some(self.cga.unwrap_or(true) && ok);
                    let err = r.err().map(|e| format!("{e:?}"));
                    if let Some(e) = &err {
                        self.failed.push(format!(
                            "CGA option at byte {}: {a} is not a CGA of its parameters ({e})",
                            p.offset
                        ));
                    }
                    Obj::new().with("ok", ok).with("error", err)
                });
                o.with("parameters", c.parameters)
                    .with("params", params)
                    .with("cga_check", check)
            }
            NdOption::RsaSignature(s) => o
                .with("key_hash", &s.key_hash[..])
                .with("signature_and_padding", s.signature_and_padding),
            NdOption::Timestamp(t) => {
                let (secs, frac) = fixed_48_16(t.value);
                let utc = crate::mikey::ntp_to_utc((t.secs() + 2_208_988_800) << 32);
                let utc = match utc.strip_suffix('Z') {
                    Some(u) if !frac.is_empty() => format!("{u}.{frac}Z"),
                    _ => utc,
                };
                o.with("timestamp", t.value)
                    .with("seconds", t.secs())
                    .with("fraction", t.value & 0xffff)
                    .with("seconds_decimal", secs)
                    .with("utc", utc)
            }
            NdOption::Nonce(n) => o.with("nonce", n.nonce),
            NdOption::TrustAnchor(t) => o.with("name_type", t.name_type).with("name", t.name),
            NdOption::Certificate(c) => o.with("cert_type", c.cert_type).with("data", c.data),
            NdOption::HandoverKeyRequest(h) => {
                o.with("at", en!(h.at)).with("public_key", h.public_key)
            }
            NdOption::HandoverKeyReply(h) => o
                .with("at", en!(h.at))
                .with("lifetime", h.lifetime)
                .with("encrypted_key", h.encrypted_key),
            NdOption::Unknown { data, .. } => o.with("data", data),
        };
        self.options.push(o.into());
    }

    fn options(&mut self, bytes: &[u8], base: usize, src: Option<&Ipv6Addr>) {
        for item in NdOptionIter::new(bytes, base) {
            match item {
                Ok(p) if !self.budget.admit_at(p.offset) => break,
                Ok(p) => self.option(&p, src),
                Err(e) => {
                    self.error = Some(tlv_error(&e));
                    break;
                }
            }
        }
    }

    fn report(mut self, checksum_ok: Option<bool>, send: Value) -> Report {
        if checksum_ok == Some(false) {
            self.failed.push("wrong checksum".to_owned());
        }
        if self.error.is_none() && self.budget.exceeded() {
            self.error = Some(self.budget.error());
        }
        let mut o = self.o;
        if o.get("message").is_none() {
            o.set("message", Value::Null);
        }
        o.set("options", Value::List(self.options));
        o.set("checksum_ok", checksum_ok);
        o.set("cga_ok", self.cga);
        o.set("send", send);
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

/// The checksum of `msg` (its field at `at` taken as zero) under the pseudo-header.
fn checksum(
    msg: &[u8],
    at: usize,
    next_header: u8,
    src: &Ipv6Addr,
    dst: &Ipv6Addr,
) -> Option<(u16, u16)> {
    let found = u16::from_be_bytes([*msg.get(at)?, *msg.get(at + 1)?]);
    let computed = pseudo_header_checksum(
        src,
        dst,
        next_header,
        &[msg.get(..at)?, &[0, 0], msg.get(at + 2..)?],
    );
    Some((found, computed))
}

/// Decodes `bytes`; `src` enables CGA checks, `src` and `dst` the checksum and SEND checks.
///
/// # Errors
/// None today (malformed input is a [`Report`] with `error` set).
pub fn decode(
    bytes: &[u8],
    src: Option<Ipv6Addr>,
    dst: Option<Ipv6Addr>,
) -> Result<Report, CliError> {
    let mut out = Out {
        o: Obj::new(),
        options: Vec::new(),
        error: None,
        failed: Vec::new(),
        cga: None,
        budget: Budget::new(),
    };
    let first = bytes.first().copied();
    let input = Input {
        bytes,
        src,
        addrs: src.zip(dst),
    };
    if first == Some(ICMPV6_TYPE_FMIPV6) {
        return Ok(decode_fmipv6(out, &input));
    }
    if let Some(m) = ND_MESSAGES.iter().find(|m| Some(m.0) == first) {
        return Ok(decode_nd_message(out, &input, *m));
    }
    if first == Some(IPPROTO_NONE) && matches!(bytes.get(2), Some(8 | 9)) {
        return Ok(decode_mobility(out, &input));
    }
    out.o.set("kind", "options");
    out.options(bytes, 0, src.as_ref());
    if bytes.is_empty() {
        out.error = Some(plain_error("empty option list".to_owned()));
    }
    Ok(out.report(None, Value::Null))
}

/// What [`decode`] was given.
struct Input<'a> {
    bytes: &'a [u8],
    src: Option<Ipv6Addr>,
    addrs: Option<(Ipv6Addr, Ipv6Addr)>,
}

impl Input<'_> {
    /// Whether the checksum field at `at` is right, when both addresses are known.
    fn checksum_ok(&self, at: usize, next_header: u8) -> Option<bool> {
        self.addrs
            .and_then(|(s, d)| checksum(self.bytes, at, next_header, &s, &d))
            .map(|(f, c)| f == c)
    }
}

/// An FMIPv6 message (ICMPv6 type 154): header, options, checksum, SEND verification.
fn decode_fmipv6(mut out: Out, input: &Input<'_>) -> Report {
    let (bytes, src) = (input.bytes, input.src);
    out.o.set("kind", "fmipv6");
    let m = match Fmip6Message::parse_unchecked(bytes) {
        Ok(m) => m,
        Err(e) => {
            out.error = Some(hokey_error(&e));
            // Show the options that did decode.
            if bytes.len() >= send_hokey::wire::rtsolpr::HEADER_LEN {
                let opts = bytes
                    .get(send_hokey::wire::rtsolpr::HEADER_LEN..)
                    .unwrap_or_default();
                let keep = out.error.take();
                out.options(opts, send_hokey::wire::rtsolpr::HEADER_LEN, src.as_ref());
                out.error = keep;
            }
            return out.report(None, Value::Null);
        }
    };
    let code = if m.header.subtype == Fmip6Subtype::PrRtAdv {
        en!(PrRtAdvCode::from(m.header.code))
    } else {
        named(m.header.code.into(), None)
    };
    out.o.set(
        "message",
        Obj::new()
            .with("type", named(ICMPV6_TYPE_FMIPV6.into(), Some("FMIPv6")))
            .with("code", code)
            .with("checksum", m.checksum)
            .with("subtype", en!(m.header.subtype))
            .with("identifier", m.header.identifier),
    );
    for p in m.options() {
        if !out.budget.admit_at(p.offset) {
            break;
        }
        out.option(&p, src.as_ref());
    }
    let ck = input.checksum_ok(2, NEXT_HEADER_ICMPV6);
    let has_send = m
        .options()
        .any(|p| matches!(p.option, NdOption::RsaSignature(_) | NdOption::Cga(_)));
    let send_v = match input.addrs {
        Some((s, d)) if has_send => send_verdict(&mut out, &m, &s, &d),
        _ => Value::Null,
    };
    out.report(ck, send_v)
}

/// SEND verification of an FMIPv6 message, as the `send` member.
fn send_verdict(out: &mut Out, m: &Fmip6Message<'_>, s: &Ipv6Addr, d: &Ipv6Addr) -> Value {
    match send::verify(
        &RustCrypto,
        m,
        s,
        d,
        SecPolicy::default(),
        // A decoder reports what it finds: captures of deployed SEND use
        // 1024-bit keys, so the weak legacy window is accepted here (the key
        // size is reported in `key_bits`).
        KeySizePolicy::LEGACY_1024,
    ) {
        Ok(v) => Obj::new()
            .with("ok", true)
            .with("error", Value::Null)
            .with(
                "key_bits",
                keying_crypto::RsaPublicKeyOps::modulus_len(&v.public_key) * 8,
            )
            .with("timestamp", v.timestamp.value)
            .with("nonce", v.nonce)
            .into(),
        Err(e) => {
            out.failed.push(format!("SEND verification: {e}"));
            Obj::new()
                .with("ok", false)
                .with("error", e.to_string())
                .with("key_bits", Value::Null)
                .with("timestamp", Value::Null)
                .with("nonce", Value::Null)
                .into()
        }
    }
}

/// An RS / RA / NS / NA / Redirect: fixed fields, options, checksum.
fn decode_nd_message(
    mut out: Out,
    input: &Input<'_>,
    (t, name, fixed): (u8, &str, usize),
) -> Report {
    let bytes = input.bytes;
    out.o.set("kind", "icmpv6");
    match nd_fields(bytes, t, name) {
        Ok(m) => {
            out.o.set("message", m);
            out.options(
                bytes.get(fixed..).unwrap_or_default(),
                fixed,
                input.src.as_ref(),
            );
        }
        Err(e) => out.error = Some(tlv_error(&e)),
    }
    let ck = input.checksum_ok(2, NEXT_HEADER_ICMPV6);
    out.report(ck, Value::Null)
}

/// The fixed fields of ND message type `t` (RFC 4861 §4).
fn nd_fields(bytes: &[u8], t: u8, name: &str) -> keying_tlv::Result<Obj> {
    let mut r = Reader::new(bytes);
    r.u8("ICMPv6 type")?;
    let mut m = Obj::new()
        .with("type", named(t.into(), Some(name)))
        .with("code", r.u8("ICMPv6 code")?)
        .with("checksum", r.u16("ICMPv6 checksum")?);
    match t {
        133 => {
            r.u32("RS reserved")?;
        }
        134 => {
            m.set("cur_hop_limit", r.u8("RA Cur Hop Limit")?);
            m.set("flags", r.u8("RA flags")?);
            m.set("router_lifetime", r.u16("RA Router Lifetime")?);
            m.set("reachable_time", r.u32("RA Reachable Time")?);
            m.set("retrans_timer", r.u32("RA Retrans Timer")?);
        }
        136 => {
            let f = r.u32("NA flags")?;
            m.set("flags", f >> 29);
            m.set("target", ip(r.bytes(16, "NA Target Address")?));
        }
        _ => {
            r.u32("reserved")?;
            m.set("target", ip(r.bytes(16, "Target Address")?));
            if t == 137 {
                m.set("destination", ip(r.bytes(16, "Destination Address")?));
            }
        }
    }
    Ok(m)
}

/// An FBU / FBack Mobility Header: fixed fields, mobility options, checksum.
fn decode_mobility(mut out: Out, input: &Input<'_>) -> Report {
    out.o.set("kind", "mobility");
    match MobilityMessage::parse_unchecked(input.bytes) {
        Ok(m) => {
            out.o.set("message", mobility_fields(&m));
            for (offset, opt) in m.options() {
                if !out.budget.admit_at(offset) {
                    break;
                }
                out.options.push(mh_option(offset, opt));
            }
        }
        Err(e) => out.error = Some(hokey_error(&e)),
    }
    let ck = input.checksum_ok(4, NEXT_HEADER_MOBILITY);
    out.report(ck, Value::Null)
}

/// The header and fixed fields of an FBU / FBack.
fn mobility_fields(m: &MobilityMessage<'_>) -> Obj {
    let o = Obj::new()
        .with("payload_proto", m.payload_proto)
        .with("checksum", m.checksum);
    match m.message {
        FastBinding::Fbu(f) => o
            .with("mh_type", named(8, Some("FBU")))
            .with("sequence", f.sequence)
            .with("ack", f.ack)
            .with("home", f.home)
            .with("link_local", f.link_local)
            .with("key_mgmt", f.key_mgmt)
            .with("lifetime", f.lifetime),
        FastBinding::FBack(f) => o
            .with("mh_type", named(9, Some("FBack")))
            .with("status", f.status)
            .with("key_mgmt", f.key_mgmt)
            .with("sequence", f.sequence)
            .with("lifetime", f.lifetime),
    }
}

/// One mobility option at `offset`.
fn mh_option(offset: usize, opt: MhOption<'_>) -> Value {
    let (kind, name) = match opt {
        MhOption::Pad1 => (0, Some("Pad1")),
        MhOption::PadN(_) => (1, Some("PadN")),
        MhOption::AlternateCoa(_) => (3, Some("AlternateCoa")),
        MhOption::Badf(_) => (21, Some("Badf")),
        MhOption::Unknown { type_, .. } => (type_, None),
    };
    let o = Obj::new()
        .with("type", named(kind.into(), name))
        .with("offset", offset);
    let o = match opt {
        MhOption::Pad1 => o,
        MhOption::PadN(d) | MhOption::Unknown { data: d, .. } => o.with("data", d),
        MhOption::AlternateCoa(a) => o.with("address", a.to_string()),
        MhOption::Badf(b) => o.with("spi", b.spi).with("authenticator", b.authenticator),
    };
    o.into()
}
