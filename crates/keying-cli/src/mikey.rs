//! `keying mikey`: decode every payload and field of a MIKEY message; with `--psk`, check
//! its MAC and show the keys ([`psk_keys`]); build a PSK-mode I_MESSAGE ([`psk_init`]).
//!
//! All key derivation and KEMAC crypto is mikey-core's: the MAC check and the SRTP keys
//! come from its PSK Responder ([`PskResponder`]) run once on the message with a fresh
//! one-message replay cache, a policy that accepts every algorithm the crate knows, and the
//! message's own timestamp as "now" — so the CLI never judges freshness or replay (a
//! receiver must). The TGK / TEK shown is the key data the Responder decrypted
//! ([`PskResponder::handle_inspect`]); only a message whose KEMAC MAC alg is NULL (which no
//! Responder accepts: it authenticates nothing) has its key data decrypted here, with the
//! functions the Responder uses ([`KemacKeys::derive`], [`kemac_decrypt`],
//! [`read_key_data`]), and its SRTP keys derived through [`build_sas`], shown as
//! unauthenticated.

use keying_crypto::OsRng;
use keying_crypto::Rng as _;
use keying_crypto::rustcrypto::RustCrypto;
use keying_tlv::Reader;
use mikey_core::Time;
use mikey_core::dhhmac::DhHmacResponder;
use mikey_core::error::{KmError, Stage};
use mikey_core::hooks::StaticPsk;
use mikey_core::kdf::KemacKeys;
use mikey_core::offer::Offer;
use mikey_core::policy::{MAX_PSK, Policy};
use mikey_core::protect::{kemac_decrypt, kemac_encr_key_len};
use mikey_core::psk::{PskInitiator, PskResponder};
use mikey_core::replay::{TimePolicy, ts_as_ntp};
use mikey_core::srtp::{Keying, SrtpPolicy, SrtpSa, build_sas};
use mikey_core::{
    CommonHeader, CsIdMap, DataType, EncrAlg, GeneralExtension, Kemac, KeyValidity, MacAlg,
    Message, Payload, PayloadItem, PayloadType, Payloads, ProtType, Sp, SrtpCs, Timestamp, TsType,
};
use mikey_core::{FoundKeys, TekList, read_key_data};

use crate::value::{Obj, Value, named};
use crate::{Budget, CliError, Report, en, plain_error, tlv_error};

/// How deep payloads nested in KEMAC / TP / TICKET data are decoded.
const MAX_DEPTH: u8 = 3;

/// Room for what a Responder writes back (verification / Error message), discarded.
const REPLY_ROOM: usize = 2048;

/// Room for a built I_MESSAGE.
const MESSAGE_ROOM: usize = 2048;

/// Seconds from 1900-01-01 (NTP) to 1970-01-01 (Unix).
const NTP_UNIX_OFFSET: u64 = 2_208_988_800;

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

impl SrtpKeys {
    fn from_sa(sa: &SrtpSa) -> Self {
        Self {
            ssrc: sa.ssrc,
            master_key: sa.master_key.expose().to_vec(),
            master_salt: sa.master_salt.expose().to_vec(),
            policy: sa.policy_no,
        }
    }
}

/// What `--psk` computes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskKeys {
    /// Whether the KEMAC MAC verified (false also when it could not be checked: see
    /// `problem`).
    pub mac_ok: bool,
    /// The TGK (or the first TEK) from the KEMAC key data, decrypted with the KEMAC keys
    /// derived from the PSK (any Encr alg: NULL, AES-CM-128, AES-KW-128).
    pub tgk: Option<Vec<u8>>,
    /// The derived SRTP keys per crypto session.
    pub srtp: Vec<SrtpKeys>,
    /// A failed check (exit 1): why the MAC did not verify or was not checked, or why no
    /// keys came out of a verified message.
    pub problem: Option<String>,
    /// Something the output does not show, and why (a warning).
    pub note: Option<String>,
}

/// The Responder policy `--psk` runs with: everything mikey-core knows is accepted (NULL
/// encryption and every DH group included), and the timestamp window is as wide as it goes
/// (the message's own T is "now" anyway).
fn decode_policy() -> Policy {
    Policy {
        allow_null_encryption: true,
        allow_aes_kw: true,
        allow_prf_sha256: true,
        allow_hmac_sha256: true,
        allow_null_srtp_encryption: true,
        allow_null_srtp_auth: true,
        min_srtp_key_len: 0,
        dh_groups: mikey_core::DhGroups::ALL,
        time: TimePolicy {
            skew_secs: u32::MAX,
            accept_counter: true,
            ntp_local_offset_secs: 0,
        },
        ..Policy::default()
    }
}

/// Why the MAC was not checked, or did not verify.
fn rejection(e: &KmError) -> PskKeys {
    let (mac_ok, problem) = match e {
        KmError::AuthFailed => (
            false,
            "the MAC does not verify with the given PSK".to_owned(),
        ),
        e => match e.stage() {
            Stage::AfterMac => (
                true,
                format!("the MAC verifies but no keys can be derived: {e}"),
            ),
            Stage::BeforeMac => (false, format!("the MAC was not checked: {e}")),
            _ => (
                false,
                format!("rejected, and the error does not say whether the MAC verified: {e}"),
            ),
        },
    };
    PskKeys {
        mac_ok,
        tgk: None,
        srtp: Vec::new(),
        problem: Some(problem),
        note: None,
    }
}

/// Verifies the MAC of `msg` with `psk`, decrypts its KEMAC and derives the SRTP master key
/// and salt of each crypto session (RFC 3830 §4.1, §5.2), through mikey-core's PSK
/// Responder (data type 0) or DHHMAC Responder (data type 7: MAC only — its TGK is the
/// Diffie-Hellman secret, which needs the Responder's private value).
///
/// Freshness and replay are not judged: the message's own timestamp is "now" and the
/// replay cache is new for every call.
///
/// # Errors
/// A usage error for a PSK longer than mikey-core takes, and "not supported" (exit 2) for
/// data types whose MAC key needs another message: a verification message, R_MESSAGE or
/// Error message is MACed with keys derived from the I_MESSAGE's RAND, which it does not
/// carry.
pub fn psk_keys(msg: &Message<'_>, psk: &[u8]) -> Result<PskKeys, CliError> {
    if psk.len() > MAX_PSK {
        return Err(CliError::usage(format!(
            "--psk: at most {MAX_PSK} bytes, got {}",
            psk.len()
        )));
    }
    let keys = StaticPsk::new(psk).map_err(|e| CliError::usage(format!("--psk: {e}")))?;
    let policy = decode_policy();
    let now = msg
        .timestamp()
        .and_then(|t| ts_as_ntp(&t, &policy.time).ok().flatten())
        .and_then(Time::from_ntp)
        .unwrap_or_default();
    let mut reply = vec![0u8; REPLY_ROOM];
    match msg.data_type() {
        DataType::PskInit => {
            let mut r: PskResponder<_, 1, 1> = PskResponder::with_capacity(RustCrypto, policy);
            // The TGK (or first TEK) as the Responder decrypted it, once it authenticated.
            let mut tgk = None;
            let mut show = |found: &FoundKeys<'_>| tgk = first_key(found);
            match r.handle_inspect(now, msg.bytes(), &keys, &mut show, &mut reply) {
                Ok(acc) => Ok(PskKeys {
                    mac_ok: true,
                    note: None,
                    tgk,
                    srtp: acc.sas.iter().map(SrtpKeys::from_sa).collect(),
                    problem: None,
                }),
                // No Responder accepts a NULL MAC (it authenticates nothing): the key data
                // is read here, once, and shown as unauthenticated.
                Err(rej) => match msg.kemac() {
                    Some(k) if k.mac_alg == MacAlg::Null => {
                        match KeyData::decrypt(msg, psk, &policy) {
                            Ok(key_data) => Ok(unauthenticated(key_data)),
                            Err(_) => Ok(rejection(&rej.error)),
                        }
                    }
                    _ => Ok(rejection(&rej.error)),
                },
            }
        }
        DataType::DhHmacInit => {
            let mut r: DhHmacResponder<_, 1, 1> =
                DhHmacResponder::with_capacity(RustCrypto, policy);
            let mut rng = OsRng;
            let res = r.handle(now, msg.bytes(), &keys, &mut rng, &mut reply);
            let mut k = match res {
                Ok(_) => PskKeys {
                    mac_ok: true,
                    tgk: None,
                    srtp: Vec::new(),
                    problem: None,
                    note: None,
                },
                Err(rej) => rejection(&rej.error),
            };
            k.note = Some(
                "--psk: DHHMAC keys come from the Diffie-Hellman secret, which needs the \
                 Responder's private value: only the MAC is checked"
                    .to_owned(),
            );
            Ok(k)
        }
        other => Err(CliError::unsupported(format!(
            "--psk checks a PSK I_MESSAGE (data type 0) or a DHHMAC I_MESSAGE (7), not {other:?}: \
             a verification message, R_MESSAGE or Error message is MACed with keys derived \
             from the I_MESSAGE's RAND, which it does not carry; decode without --psk"
        ))),
    }
}

/// The TGK of key data, or its first TEK.
fn first_key(found: &FoundKeys<'_>) -> Option<Vec<u8>> {
    match found.keying {
        Keying::Tgk { tgk, .. } => Some(tgk.to_vec()),
        Keying::Teks(teks) => teks.first().map(|(tek, _)| tek.to_vec()),
    }
}

/// What the KEMAC key data of a PSK I_MESSAGE gives, read the Responder's way.
#[derive(Debug)]
struct KeyData {
    /// The TGK, or the first TEK.
    tgk: Option<Vec<u8>>,
    /// The SRTP keys per crypto session ([`build_sas`]), or why there are none.
    srtp: Result<Vec<SrtpKeys>, String>,
}

impl KeyData {
    /// Decrypts the KEMAC of `msg` with the KEMAC keys derived from `psk` and the
    /// message's PRF func, CSB ID and RAND (RFC 3830 §4.1.4), reads its key data and
    /// derives the SRTP keys per crypto session (§4.1.3) — each step with the mikey-core
    /// function the PSK Responder calls, and the CS ID of `policy`. Call after (or
    /// regardless of) the MAC check: nothing here authenticates.
    fn decrypt(msg: &Message<'_>, psk: &[u8], policy: &Policy) -> Result<Self, String> {
        let h = msg.header();
        let kemac = msg.kemac().ok_or("no KEMAC payload")?;
        // NULL encryption uses neither (a message without RAND, like ONVIF PR #555's, still
        // shows its TEKs); the AES-CM IV needs T, every KEMAC key RAND.
        let clear = kemac.encr_alg == EncrAlg::Null;
        let rand = match msg.rand() {
            Some(r) => Some(r),
            None if clear => None,
            None => return Err("no RAND payload: the KEMAC keys cannot be derived".to_owned()),
        };
        let t = match msg.timestamp() {
            Some(t) => t,
            None if clear => Timestamp {
                ts_type: TsType::Counter,
                value: 0,
            },
            None => return Err("no T payload: the AES-CM IV cannot be formed".to_owned()),
        };
        let auth_len = policy.auth_key_len(kemac.mac_alg);
        let kk = KemacKeys::derive(
            &RustCrypto,
            &mikey_core::kdf::Derivation::new(h.prf_func, psk, h.csb_id, rand.unwrap_or_default()),
            kemac_encr_key_len(kemac.encr_alg),
            auth_len,
        )
        .map_err(|e| format!("KEMAC keys: {e:?}"))?;
        let plain = kemac_decrypt(
            &RustCrypto,
            kemac.encr_alg,
            &kk,
            h.csb_id,
            &t,
            kemac.encr_data,
        )
        .map_err(|e| format!("KEMAC decryption: {e}"))?;
        let mut teks = TekList::new();
        let found = read_key_data(plain.expose(), PayloadType::KeyData, &mut teks)
            .map_err(|e| format!("KEMAC key data: {e}"))?;
        let tgk = first_key(&found);
        let srtp = match (found.keying, rand) {
            (Keying::Tgk { .. }, None) => Err("a TGK without RAND cannot be expanded".to_owned()),
            (keying, rand) => build_sas(
                &RustCrypto,
                &mikey_core::srtp::SaInputs {
                    prf_func: h.prf_func,
                    map: &h.cs_id_map,
                    policy_for: |no| SrtpPolicy::offered_in(msg, no),
                    keying: &keying,
                    csb_id: h.csb_id,
                    rand: rand.unwrap_or_default(),
                    kv: &found.kv,
                    first_cs_id: policy.first_cs_id,
                },
            )
            .map(|sas| sas.iter().map(SrtpKeys::from_sa).collect())
            .map_err(|e| KmError::from(e).to_string()),
        };
        Ok(Self { tgk, srtp })
    }
}

/// Keys of a message whose KEMAC MAC alg is NULL: nothing authenticates them, so `mac_ok`
/// is false; they are shown as the key data carries them (TEKs) or derived from its TGK,
/// per CS as RFC 3830 §4.1.3 says.
fn unauthenticated(key_data: KeyData) -> PskKeys {
    let (srtp, problem) = match key_data.srtp {
        Ok(s) => (s, String::new()),
        Err(e) => (Vec::new(), format!("; no SRTP keys: {e}")),
    };
    PskKeys {
        mac_ok: false,
        tgk: key_data.tgk,
        srtp,
        problem: Some(format!(
            "the KEMAC MAC alg is NULL: nothing authenticates this message (keys shown as \
             the KEMAC carries them){problem}"
        )),
        note: None,
    }
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

/// The current time as a 64-bit NTP timestamp.
fn ntp_now() -> u64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs().saturating_add(NTP_UNIX_OFFSET);
    let frac = (u64::from(d.subsec_nanos()) << 32) / 1_000_000_000;
    (secs << 32) | frac
}

/// Builds a PSK-mode I_MESSAGE with mikey-core's PSK Initiator: one crypto session (policy
/// 0, sent as an SP payload with the RFC 3711 defaults: AES-CM-128, HMAC-SHA-1-80), a
/// random 16-byte TGK and RAND, KEMAC AES-CM-128 with HMAC-SHA-1-160, MIKEY-1 PRF, NTP-UTC
/// timestamp, no verification request. Randomness: the operating system's generator
/// ([`OsRng`], `getrandom`).
///
/// # Errors
/// A PSK longer than mikey-core takes (usage), no operating-system randomness, or the
/// Initiator failing.
pub fn psk_init(args: &PskInit) -> Result<Vec<u8>, CliError> {
    if args.psk.len() > MAX_PSK {
        return Err(CliError::usage(format!(
            "--psk: at most {MAX_PSK} bytes, got {}",
            args.psk.len()
        )));
    }
    let mut rng = OsRng;
    let csb_id = match args.csb_id {
        Some(c) => c,
        None => {
            let mut b = [0u8; 4];
            rng.fill_bytes(&mut b)
                .map_err(|e| CliError::io(format!("random CSB ID: {e:?}")))?;
            u32::from_be_bytes(b)
        }
    };
    let streams = [SrtpCs {
        policy_no: 0,
        ssrc: args.ssrc,
        roc: args.roc,
    }];
    let policies = [(0, SrtpPolicy::DEFAULT)];
    let offer = Offer {
        policies: &policies,
        ..Offer::new(
            csb_id,
            &streams,
            Timestamp {
                ts_type: TsType::NtpUtc,
                value: args.time.unwrap_or_else(ntp_now),
            },
        )
    };
    let mut initiator = PskInitiator::new(RustCrypto, Policy::default());
    let mut out = vec![0u8; MESSAGE_ROOM];
    let n = initiator
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            &args.psk,
            &mut rng,
            &mut out,
        )
        .map_err(|e| CliError::io(format!("cannot build the I_MESSAGE: {e}")))?;
    out.truncate(n);
    Ok(out)
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
    o.set("version", mikey_core::wire::header::VERSION);
    o.set("data_type", en!(h.data_type));
    o.set("v", h.v);
    o.set("prf_func", en!(h.prf_func));
    o.set("csb_id", h.csb_id);
    o.set("cs_id_map", cs_id_map(&h.cs_id_map));
    let mut payloads = Vec::new();
    let mut error = None;
    let b = Budget::new();
    for item in Payloads::new(r.rest(), r.offset(), PayloadType::from(first)) {
        match item {
            Ok(p) if !b.admit_at(p.offset) => break,
            Ok(p) => payloads.push(payload(&p, h.data_type, 0, &b).into()),
            Err(e) => {
                error = Some(tlv_error(&e));
                break;
            }
        }
        if b.exceeded() {
            break;
        }
    }
    if error.is_none() && b.exceeded() {
        error = Some(b.error());
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
    if let Some(n) = keys.as_ref().and_then(|k| k.note.as_ref()) {
        warnings.push(Value::from(n.as_str()));
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
            if let Some(p) = &k.problem {
                failed.push(p.clone());
            } else if !k.mac_ok {
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

fn sub_payloads(
    data: &[u8],
    base: usize,
    first: PayloadType,
    dt: DataType,
    depth: u8,
    b: &Budget,
) -> Value {
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
            Ok(p) if !b.admit_at(p.offset) => break,
            Ok(p) => out.push(payload(&p, dt, depth + 1, b).into()),
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

/// The fields of a KEMAC payload at `offset`; its key data chain when not encrypted.
fn kemac(o: Obj, k: &Kemac<'_>, offset: usize, dt: DataType, depth: u8, b: &Budget) -> Obj {
    let first = match dt {
        DataType::PkInit | DataType::RsaRResp => PayloadType::Id,
        _ => PayloadType::KeyData,
    };
    let subs = if k.encr_alg == mikey_core::EncrAlg::Null {
        sub_payloads(k.encr_data, offset + 4, first, dt, depth, b)
    } else {
        Value::Null
    };
    o.with("encr_alg", en!(k.encr_alg))
        .with("encr_data", k.encr_data)
        .with("mac_alg", en!(k.mac_alg))
        .with("mac", k.mac)
        .with("sub_payloads", subs)
}

/// The fields of an SP payload, its parameters named for SRTP.
fn sp_payload(o: Obj, sp: &Sp<'_>, b: &Budget) -> Obj {
    let params: Vec<Value> = sp
        .params
        .iter()
        .take_while(|_| b.admit())
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

/// The fields of a General Extension payload, with its SDP IDs / CSB ID when it has them.
fn general_ext(o: Obj, g: &GeneralExtension<'_>, b: &Budget) -> Obj {
    let sdp_ids = g.sdp_ids().map(|ids| {
        Value::List(
            ids.take_while(|_| b.admit())
                .map(|id| Obj::new().with("data", id).with("text", text(id)).into())
                .collect(),
        )
    });
    o.with("ext_type", en!(g.ext_type))
        .with("data", g.data)
        .with("sdp_ids", sdp_ids)
        .with("csb_id", g.csb_id())
}

/// One payload as an object.
fn payload(item: &PayloadItem<'_>, dt: DataType, depth: u8, b: &Budget) -> Obj {
    let o = Obj::new()
        .with("type", en!(item.payload.kind()))
        .with("offset", item.offset)
        .with("length", item.raw.len())
        .with("next", item.next.map(|n| en!(PayloadType::from(n))));
    match item.payload {
        Payload::Kemac(k) => kemac(o, &k, item.offset, dt, depth, b),
        Payload::Pke(p) => o.with("cache", en!(p.cache)).with("data", p.data),
        Payload::Dh(d) => o
            .with("group", en!(d.group))
            .with("value", d.value)
            .with("key_validity", kv(&d.kv)),
        Payload::Sign(s) => o
            .with("s_type", en!(s.s_type))
            .with("signature", s.signature),
        Payload::Timestamp(t) => timestamp(o, &t),
        Payload::Id(i) => o
            .with("id_type", en!(i.id_type))
            .with("data", i.data)
            .with("text", text(i.data)),
        Payload::Cert(c) => o.with("cert_type", en!(c.cert_type)).with("data", c.data),
        Payload::Chash(c) => o.with("hash_func", en!(c.hash_func)).with("hash", c.hash),
        Payload::V(v) => o
            .with("auth_alg", en!(v.auth_alg))
            .with("ver_data", v.ver_data),
        Payload::Sp(sp) => sp_payload(o, &sp, b),
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
                collect_nested(tp.policy.tp_payloads(), dt, depth, b)
            } else {
                Value::Null
            };
            ticket_policy(o, &tp.policy).with("tp_payloads", subs)
        }
        Payload::Ticket(t) => {
            let subs = if depth < MAX_DEPTH {
                collect_nested(t.initiator_payloads(), dt, depth, b)
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
        Payload::GeneralExt(g) => general_ext(o, &g, b),
        Payload::Sakke(s) => o
            .with("params", en!(s.params))
            .with("id_scheme", en!(s.id_scheme))
            .with("data", s.data),
        _ => o.with("raw", item.raw),
    }
}

/// Payloads nested in TP / TICKET data (offsets relative to that data).
fn collect_nested(it: Payloads<'_>, dt: DataType, depth: u8, b: &Budget) -> Value {
    let mut out = Vec::new();
    for item in it {
        match item {
            Ok(p) if !b.admit_at(p.offset) => break,
            Ok(p) => out.push(payload(&p, dt, depth + 1, b).into()),
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
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
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
