//! MIKEY (RFC 3830 family) for `no_std`, Sans-IO: key management for every key-exchange
//! mode (see [Key management](#key-management-sans-io-roles)) on top of the message
//! layer — the common header, every payload of RFC 3830 and of RFC 4650 (DHHMAC),
//! RFC 4738 (RSA-R), RFC 6043 (MIKEY-TICKET) and RFC 6509 (MIKEY-SAKKE) as zero-copy
//! views with emitters, the message view with per-mode checks and the MAC / signature
//! covered bytes, and the SDP / RTSP carriage of RFC 4567.
//!
//! Parsing walks the payload chain through [`keying_tlv::Chain`] with the MIKEY framing;
//! emitting writes into the caller's buffer through [`keying_tlv::Writer`]. Nothing in
//! this crate allocates or panics.
//!
//! ```
//! use mikey_core::{Message, MessageWriter, CommonHeader, DataType, PrfFunc, CsIdMap,
//!     List, Payload, Timestamp, TsType, Rand, PayloadType};
//!
//! let header = CommonHeader {
//!     data_type: DataType::PskInit,
//!     v: false,
//!     prf_func: PrfFunc::Mikey1,
//!     csb_id: 0x1234_5678,
//!     cs_id_map: CsIdMap::SrtpId(List::Items(&[])),
//! };
//! let mut buf = [0u8; 64];
//! let mut w = MessageWriter::new(&mut buf, &header);
//! w.push(&Payload::Timestamp(Timestamp { ts_type: TsType::Counter, value: 1 }));
//! w.push(&Payload::Rand(Rand { rand: &[7; 16] }));
//! let n = w.finish().unwrap();
//!
//! let msg = Message::parse(&buf[..n]).unwrap();
//! assert_eq!(msg.header().csb_id, 0x1234_5678);
//! assert!(msg.find(PayloadType::Rand).is_some());
//! ```
//!
//! # Key management (Sans-IO roles)
//!
//! On top of the message layer ([`wire`]): the MIKEY PRF and key derivation ([`kdf`]),
//! KEMAC / V protection and the MACs ([`protect`]), MODP Diffie-Hellman ([`modp`]),
//! timestamps and the replay cache ([`replay`]), SRTP output ([`srtp`]), and one Initiator
//! and one Responder per mode: [`psk`] (data types 0/1), [`pk`] (2/3), [`dh`] (4/5),
//! [`dhhmac`] (7/8, RFC 4650) and [`rsa_r`] (9/10, RFC 4738, with the
//! one-sender-many-receivers group case and group re-key), plus one dispatching
//! [`Responder`] with per-mode policy. Error messages (6) are built by every Responder.
//! Feature `insecure-fuzzing` adds `fuzzing::drive`, which drives every role with
//! arbitrary messages and time steps over the insecure test provider. Crypto goes only
//! through `keying-crypto`'s traits ([`keying_crypto::Symmetric`], the RSA key handles,
//! [`Rng`]); nothing allocates, so every role builds without `alloc` (the RSA *provider*
//! needs it, the roles do not).
//!
//! ## Layout
//!
//! ```text
//! lib.rs        this page, re-exports (a program needs `use mikey_core::…` only)
//! wire/         mod.rs: PayloadType, Payload, the chain framing (Framed over
//!               keying_tlv::Codec); header, message (view and writer), list, and one
//!               file per payload: kemac pke dh sign timestamp id cert chash v sp rand
//!               err (the Error payload) key_data general_ext tr idr randr ticket sakke
//! kdf.rs        PRF and key derivation (RFC 3830 §4.1)
//! protect.rs    KEMAC encryption, MACs, V, the Error message (RFC 3830 §4.2, §5.2)
//! modp.rs       MODP Diffie-Hellman (RFC 3830 §4.2.7)
//! error.rs      Error (message), KmError and Rejected (roles)
//! policy.rs     Policy, MAX_* sizes a role keeps
//! sizes.rs      MAX_*_LEN: the `out` buffer each role needs
//! hooks.rs      KeyResolver, StaticPsk, CertResolver, PinnedKeys, LocalIdentity
//! offer.rs      Offer; replay.rs: TimePolicy, ReplayCache; srtp.rs: SRTP SAs
//! psk.rs pk.rs dh.rs dhhmac.rs rsa_r.rs
//!               one file per mode: its Initiator and Responder
//! responder.rs  the dispatching Responder, Accepted
//! steps/        what the modes share (receive, answer, key data, SIGN / PKE steps)
//! sdp.rs        SDP / RTSP key-mgmt carriage (RFC 4567); base64.rs
//! ```
//!
//! ## Calling contract
//!
//! Every protocol crate of this workspace follows one role contract (see the README's
//! "Role contract" section). Like quinn-proto, a role never performs I/O and never reads a
//! clock:
//!
//! - **Construction**: `Role::new(crypto, policy, …)`; the role owns its provider (pass
//!   `&C` to share one). Responders keep a replay cache of `N` entries and `P` counters:
//!   `new` builds the default capacities, `with_capacity` others.
//! - **Initiator**: `start(now, offer, keys…, rng, out) -> Result<usize, KmError>` writes
//!   the I_MESSAGE into `out`; send those bytes. `handle_response(now, bytes, …)` takes the
//!   peer's answer (a response or an Error message); `poll_keys()` returns the SRTP SAs
//!   once the exchange is complete (at once for PSK / PK without a verification request).
//! - **Responder**: `handle(now, bytes, hooks…, rng, out) -> Result<Accepted<'_>, Rejected>`.
//!   [`Accepted`] lends the SAs (built in place in the Responder, wiped at its next
//!   `handle`; clone them to keep them) and gives the length of the response written into `out`
//!   (verification message, R_MESSAGE); [`Rejected`] (= [`keying_crypto::Rejected`] over
//!   [`KmError`]) carries the typed error (whose [`KmError::error_no`] is the RFC 3830
//!   §6.12 Error no) and, when one should be sent, the length of the Error message in
//!   `out` — V-protected when a PSK-derived key exists, SIGNed when the sender was
//!   authenticated by signature, unsigned before that (no private-key operation on a path
//!   any sender can trigger). A short `out` is [`KmError::BufferTooSmall`].
//! - **Time rule**: every call that judges or stamps time takes `now` ([`Time`]) from the
//!   caller. An offer's NTP timestamp is taken from the `now` given to `start`; a COUNTER
//!   is the caller's next value (unique per Initiator). MIKEY has no retransmission: an
//!   Initiator that hears nothing is dropped and a new exchange started with a new
//!   timestamp.
//! - **Rejection rule**: a rejected message leaves the role exactly as it was (every check
//!   computes into locals; the replay cache, counters and state are committed last, and
//!   only for authenticated messages). The tests flip every bit of every message of every
//!   mode and check this.
//! - **Hooks**: [`crate::hooks::KeyResolver`] maps the peer's identity (ID payload data) to a
//!   PSK; [`CertResolver`] validates a peer's certificate (chain, validity,
//!   revocation: the caller's PKI — this crate parses no X.509) and returns its public key;
//!   [`LocalIdentity`] names this side's private-key *handle*, certificate and ID.
//! - **Policy**: [`crate::policy::Policy`] says which modes, PRFs, KEMAC algorithms (NULL
//!   encryption refused by default), MAC algorithms (NULL never; the NULL-protected PSK
//!   I_MESSAGE only under the explicitly insecure
//!   [`crate::policy::Policy::insecure_accept_unprotected_kemac`]), DH groups (OAKLEY 5 only
//!   by default), RSA sizes, SRTP key sizes, NULL SRTP encryption / authentication
//!   (refused by default), COUNTER timestamps (refused by default) and the timestamp
//!   window a role accepts.
//!
//! ## The SRTP security associations MIKEY creates (RFC 5406 checklist)
//!
//! | question | answer |
//! |---|---|
//! | Protocol and services | SRTP / SRTCP (RFC 3711): confidentiality, integrity and replay protection as the SP policy says ([`srtp::SrtpPolicy`], RFC 3711 defaults when no SP is sent). |
//! | What selects an SA | One SA per crypto session of the SRTP-ID map: SSRC (and the caller's destination address / port, RFC 3711 §3.2.3), with the MKI from the key data's KV SPI when present. CS IDs are the map positions from 1 (RFC 3830 §6.1.1). |
//! | Key management | The MIKEY mode used; keys per CS from the TGK with the §4.1.3 labels (TEK, salt), or TEKs carried directly. The ROC is handed over from the map. |
//! | Peer identities | PSK: the ID payloads resolved by [`crate::hooks::KeyResolver`]; PK / DH / RSA-R: the certificate validated by [`CertResolver`]. Every SA returned is bound to an authenticated peer ([`Accepted::peer`]). |
//! | Authorization | The caller's: the hooks decide who may key which streams; MIKEY conveys no authorization beyond identity. |
//! | Algorithms | Negotiated by SP (Initiator offers, Responder accepts or answers Error 9 / 10); minimum key size by [`crate::policy::Policy::min_srtp_key_len`], NULL encryption or authentication only with [`crate::policy::Policy::allow_null_srtp_encryption`] / [`crate::policy::Policy::allow_null_srtp_auth`]. Mandatory: AES-CM-128 + HMAC-SHA1-80. |
//! | Re-keying and lifetime | A new MIKEY exchange (new timestamp) replaces the SAs; RSA-R groups re-key with [`rsa_r::RsaRResponder::rekey_group`] and receivers run the exchange again. Lifetime bounds are SRTP's (2^48 packets, key derivation rate) and the KV interval when sent. |
//! | Replay | SRTP's replay list per SA; MIKEY messages: [`replay::ReplayCache`] (time window, fixed capacity, reject-when-full; COUNTER off by default, when on strictly increasing per peer in a table that evicts its least recently used peer). |
//! | Multicast | RSA-R group mode: one sender, one group TGK / CSB ID / RAND for all receivers. |
//! | Teardown | SAs are zeroizing values the caller owns and drops; nothing persists in a role after `poll_keys`. |
//!
//! ## Where other implementations differ from the RFCs
//!
//! The RFC text is followed; interoperability knobs are explicit and off by default.
//! `docs/interop.md` in the repository says, per implementation (mykey, minisip's
//! libmikey, GStreamer), what was tested and which settings talk to it.
//!
//! - **auth_key length** (HMAC-SHA-1-160): 160 bits (RFC 3830 §4.2.4 / §6.2). mykey 2.3.1
//!   derives 32 bytes; [`crate::policy::Policy::sha1_auth_key_len`] = 32 talks to it.
//! - **CS ID in the TEK / salt labels**: 1 for the first SRTP-ID map entry (RFC 3830
//!   §6.1.1 numbers the crypto sessions from 1). mykey derives with 0; [`crate::policy::Policy::first_cs_id`] = 0 matches it.
//! - **DHHMAC R_MESSAGE**: `DHr, DHi` (RFC 4650 §3); mykey omits DHi —
//!   [`crate::policy::Policy::dhhmac_resp_without_dhi`] accepts that.
//! - **PRF**: every 256-bit chunk, a full final 32-byte one included (RFC 3830 §4.1.2);
//!   libmikey's `len % 32` bug is not copied (its keys differ at multiples of 32 bytes).
//! - **RSA-R RAND and CSB ID** (minisip keeps the I_MESSAGE RAND): per the RFC 4738 text, a group R_MESSAGE's RAND and GenExt CSB_ID
//!   are used for derivation; in unicast exactly one side sends RAND.
//! - **PK / RSA-R KEMAC MAC**: over the KEMAC payload up to the MAC with its Next payload
//!   byte set to zero (RFC 3830 §5.2, applied by RFC 4738 §3.6), as minisip does; see
//!   [`KemacScope`].
//! - **V MAC**: message ‖ IDi ‖ IDr ‖ T_i, with the identities' ID data (RFC 3830 §5.2, as
//!   mykey); minisip appends T_i only.
//! - **SIGN type and hash**: the SIGN payload names its S type but not its hash (RFC 3830
//!   §6.5). We sign with PKCS#1 v1.5 (S type 0, mandatory to implement) and SHA-256 by
//!   default ([`crate::policy::Policy::sign_type`], [`crate::policy::Policy::sign_hash`]) and verify
//!   either S type with SHA-256, then SHA-1 ([`crate::policy::Policy::sign_verify_hashes`]).
//!   RFC 3830-only peers such as minisip sign and verify with SHA-1 (MIKEY's mandatory hash,
//!   RFC 3830 §4.2.1): set `sign_hash` to SHA-1 to talk to them.
//! - **PKE padding** is not signalled: RSAES-PKCS1-v1_5 per RFC 3830 by default, OAEP by
//!   [`crate::policy::Policy::pke_padding`] on both ends.
//! - **AES-KW-128** (RFC 3830 §4.2.3) has no padding rule: the Initiator lengthens the TGK
//!   so the key data chain is a whole number of 64-bit blocks; inputs below 24 bytes are
//!   refused.
//! - **AES-KW-128 key wrap IV**: RFC 3830 §4.2.3 says "The 128-bit key and a 64-bit salt,
//!   S, are derived in accordance to Section 4.1.4 and the key wrap IV is then set to S."
//!   This side sends IV = S ([`protect::aes_kw_iv`]: the salt_key of §4.1.4, constant
//!   0x29B88916, 64 bits long, i.e. the first 8 bytes of the 112-bit AES-CM salt_key). A
//!   peer that applies RFC 3394 unchanged wraps with its default IV `A6A6A6A6A6A6A6A6`;
//!   both are accepted on input ([`protect::kemac_decrypt_into`]). That is safe: the KEMAC
//!   MAC is verified before the unwrap, and the unwrap's integrity check still has to
//!   match one of two fixed values (2 · 2^-64 for altered data). No implementation of
//!   AES-KW-128 was found to compare with (minisip's libmikey leaves it "TODO"; mykey and
//!   GStreamer have none), and the RFC 3830 errata could not be read in full here: if one
//!   settles §4.2.3 on the default IV, only the IV sent changes. An unwrap that fails under
//!   both IVs after the MAC verified is [`crate::error::KmError::KeyUnwrapFailed`] (Error no
//!   Invalid EA), never reported as a MAC failure.
//! - **AES-CM-256** (Encr alg 3): RFC 6043 §6.2 defines it "as described in Section 4.2.3
//!   of \[RFC3830\] with the only difference being that a 256-bit key SHALL be used": a
//!   256-bit encr_key from the §4.1.4 derivation ([`protect::kemac_encr_key_len`]) and the
//!   AES-CM-128 IV with its 112-bit salt. Accepted unless
//!   [`crate::policy::Policy::allow_aes_cm_256`] is off, sent when [`offer::Offer::encr`] says
//!   so; a crypto provider built without AES-256 refuses it with
//!   [`crate::error::KmError::EncrRefused`]. RFC 6043 §12 says the 256-bit algorithms "SHALL
//!   NOT be mixed with algorithms using key sizes less than 256 bits": that is the
//!   sender's choice of offer; a received mix is not refused.
//! - **COUNTER in the AES-CM IV** is right-aligned in the 64-bit T field (as mykey; RFC 3830
//!   is not explicit).
//! - **A salt sent with a TGK** (key data type TGK+SALT) is used as the SRTP master salt;
//!   otherwise the salt is derived with constant 0x39A2C14B.
//! - **Error 13** (RFC 4738 §3.5, unparseable I_MESSAGE): the RSA-R Responder reports the
//!   typed error but writes no Error message for a message it cannot parse.
//!
//! # Where the sources disagree, and what this crate does
//!
//! RFC text wins; a common deviation is accepted on input where that is safe.
//!
//! - **MIKEY-TICKET data types** ([`DataType`]): RFC 6043 Table 6.1 assigns 11
//!   REQUEST_INIT_PSK, 12 REQUEST_INIT_PK, 13 REQUEST_RESP, 14 TRANSFER_INIT,
//!   15 TRANSFER_RESP, 16 RESOLVE_INIT_PSK, 17 RESOLVE_INIT_PK, 18 RESOLVE_RESP. A message
//!   of type 13 labelled TRANSFER_INIT by its author (vector `m11_ticket_idr`) therefore
//!   reads as REQUEST_RESP here.
//! - **RFC 6043 additions**, taken from the RFC text:
//!   TS type NTP-UTC-32 (3), key data types GTGK (4) / GTGK+SALT (5) / MPK (6), Encr alg
//!   AES-CM-256 (3), MAC alg HMAC-SHA-256-256 (2), CHASH SHA-256 (2), Error no 14 / 15,
//!   the GENERIC-ID map layout (§6.1.1, with the SRTP session data SSRC ‖ [ROC ‖ SEQ] per
//!   the S flag), and the TP / TICKET layout (§6.10).
//! - **Empty CS ID map (1)**: not defined by RFC 6043 (which adds only GENERIC-ID); used by
//!   3GPP MIKEY-SAKKE with #CS = 0. Parsed as "no map info", #CS kept as sent.
//! - **MAC alg numbering**: RFC 4650 §4.2 prints NULL and HMAC-SHA-1 swapped; RFC 3830
//!   values are used (NULL = 0 is never authentication), as every implementation does.
//! - **SRTP tag length**: RFC 3830 puts it in SP type 11 with type 3 = 20;
//!   GStreamer-style peers put 4 / 10 in type 3 and omit 11.
//!   [`Sp::srtp_auth_tag_len`] accepts both; emitters write exactly what they are given.
//! - **Key ‖ salt in one TEK** (30 or 28 bytes, GStreamer / Live555 / ONVIF) is carried as
//!   is; splitting it is the key-management layer's decision.
//! - **KEMAC MAC coverage**: the whole message up to the MAC in PSK and DHHMAC; the KEMAC
//!   payload alone, its Next payload byte set to zero, in PK and RSA-R (RFC 3830 §5.2).
//!   [`KemacCoverage::input`] gives either ([`KemacScope`]); the caller picks by mode.
//! - **V MAC and SIGN coverage**: the message up to the MAC / signature field (SIGN's
//!   S type and length included). What RFC 3830 §5.2 / RFC 4738 §3.6 / RFC 6043 §5.5
//!   append after it (IDi ‖ IDr ‖ T, or the initial message) is left to the caller: the
//!   implementations disagree on the identities (mykey appends them, minisip does not).
//!   A TRANSFER_INIT's V skips the TICKET's Initiator Data ([`Covered`]).
//! - **Missing RAND** (the ONVIF PR #555 example): parsing accepts it,
//!   [`Message::check_mode_rules`] reports it. Its T value is a Windows FILETIME, reported
//!   by [`Message::check_timestamp`] as [`TimestampProblem::WindowsFiletime`].
//! - **Reserved bits** (DH, ERR) are ignored on input and written as zero, so such input
//!   is the only non-canonical input (not re-emitted byte-identically).
//! - **Values outside the registries** (3GPP IDR roles 8 / 9, SAKKE ID scheme 2, SP types
//!   18 / 19, GenExt 7 as named here) are kept as `Unknown(v)` and round-trip. Values that
//!   decide a length (payload type, MAC alg, DH group, TS type, CHASH hash func, key data
//!   Type, KV, CS ID map type) cannot be skipped and end parsing with
//!   [`keying_tlv::ErrorKind::UnknownType`] at their offset.
//! - **RFC 4738 group rules** (GenExt CSB_ID mandatory in a group R_MESSAGE and forbidden
//!   in unicast; RAND from exactly one side) need to know whether the exchange is unicast
//!   or group, so they belong to the RSA-R state machine, not to this layer.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(any(feature = "std", test))]
extern crate std;

#[cfg(test)]
#[macro_use]
extern crate alloc;
#[cfg(all(feature = "alloc", not(test)))]
extern crate alloc;

pub mod base64;
pub mod dh;
pub mod dhhmac;
pub mod error;
#[cfg(feature = "insecure-fuzzing")]
pub mod fuzzing;
pub mod hooks;
pub mod kdf;
pub mod modp;
pub mod offer;
pub mod pk;
pub mod policy;
pub mod protect;
pub mod psk;
pub mod replay;
pub mod responder;
pub mod rsa_r;
pub mod sdp;
pub mod sizes;
pub mod srtp;
mod steps;
pub mod wire;

pub use error::Error;
pub use keying_tlv::Codec;
pub use wire::cert::{Cert, CertType};
pub use wire::chash::{Chash, HashFunc};
pub use wire::dh::{Dh, DhGroup};
pub use wire::err::{ErrorNo, ErrorPayload};
pub use wire::general_ext::{GenExtType, GeneralExtension};
pub use wire::header::{
    CommonHeader, CsIdMap, CsIdMapType, DataType, GenericCs, PrfFunc, SrtpCs, SrtpSessionData,
};
pub use wire::id::{Id, IdType};
pub use wire::idr::{IdRole, Idr};
pub use wire::kemac::{EncrAlg, Kemac, MacAlg};
pub use wire::key_data::{KeyData, KeyType, KeyValidity, Kv};
pub use wire::list::List;
pub use wire::message::{Covered, KemacCoverage, KemacScope, Message, MessageWriter};
pub use wire::pke::{Pke, PkeCache};
pub use wire::rand::Rand;
pub use wire::randr::{RandRole, Randr};
pub use wire::sakke::{Sakke, SakkeIdScheme, SakkeParams};
pub use wire::sign::{SType, Sign};
pub use wire::sp::{ProtType, Sp, SpParam, SrtpAuthAlg, SrtpEncrAlg, SrtpParamType};
pub use wire::ticket::{Ticket, TicketFlags, TicketPolicy, TicketPolicyFields, TicketType};
pub use wire::timestamp::{Timestamp, TimestampProblem, TsType};
pub use wire::tr::{Tr, TsRole};
pub use wire::v::Verification;
pub use wire::{Framed, Payload, PayloadItem, PayloadType, Payloads};

pub use keying_crypto;
pub use keying_crypto::{CryptoError, Rng, Time};

pub use dh::{DhInitiator, DhResponder};
pub use dhhmac::{DhHmacInitiator, DhHmacResponder};
pub use error::{KmError, Rejected, Stage};
#[cfg(feature = "alloc")]
pub use hooks::PinnedKeys;
pub use hooks::{CertResolver, KeyResolver, LocalIdentity, StaticPsk};
pub use offer::Offer;
pub use pk::{PkInitiator, PkResponder};
pub use policy::{DhGroups, MAX_ID, MAX_KEMAC_PLAIN, MAX_PSK, MAX_RAND, Modes, Policy};
pub use protect::OwnedId;
pub use psk::{PskInitiator, PskResponder};
pub use replay::{ReplayCache, TimePolicy};
pub use responder::{Accepted, Hooks, ModePolicies, Responder};
pub use rsa_r::{GroupKeys, RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
pub use sizes::{
    MAX_DHHMAC_I_MESSAGE_LEN, MAX_DHHMAC_R_MESSAGE_LEN, MAX_ERROR_MESSAGE_LEN,
    MAX_PSK_I_MESSAGE_LEN, MAX_PSK_RESPONSE_LEN, max_error_message_len, max_signed_error_len,
};
pub use srtp::{MAX_CS, MAX_MASTER_KEY, MAX_MASTER_SALT, MAX_MKI, SrtpPolicy, SrtpSa, SrtpSas};
pub use steps::key_data::{FoundKeys, MAX_TGK, TekList, read_key_data};
pub use steps::rsa::{ENV_KEY_LEN, MAX_RSA_LEN};
