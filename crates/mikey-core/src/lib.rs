//! MIKEY message layer: the common header, every payload of RFC 3830 and of RFC 4650
//! (DHHMAC), RFC 4738 (RSA-R), RFC 6043 (MIKEY-TICKET) and RFC 6509 (MIKEY-SAKKE) as
//! zero-copy views with emitters, the message view with per-mode checks and the MAC /
//! signature covered bytes, and the SDP / RTSP carriage of RFC 4567.
//!
//! Parsing walks the payload chain through [`keying_tlv::Chain`] with the MIKEY framing;
//! emitting writes into the caller's buffer through [`keying_tlv::Writer`]. Nothing here
//! allocates or panics.
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
//! w.push(&Payload::T(Timestamp { ts_type: TsType::Counter, value: 1 }));
//! w.push(&Payload::Rand(Rand { rand: &[7; 16] }));
//! let n = w.finish().unwrap();
//!
//! let msg = Message::parse(&buf[..n]).unwrap();
//! assert_eq!(msg.header().csb_id, 0x1234_5678);
//! assert!(msg.find(PayloadType::Rand).is_some());
//! ```
//!
//! # Where the sources disagree, and what this crate does
//!
//! RFC text wins; a common deviation is accepted on input where that is safe.
//!
//! - **MIKEY-TICKET data types** ([`DataType`]): RFC 6043 Table 6.1 assigns 11
//!   REQUEST_INIT_PSK, 12 REQUEST_INIT_PK, 13 REQUEST_RESP, 14 TRANSFER_INIT,
//!   15 TRANSFER_RESP, 16 RESOLVE_INIT_PSK, 17 RESOLVE_INIT_PK, 18 RESOLVE_RESP. The team
//!   digest (§1.3) lists six types 11-16 with other numbers; its vector M11 (type 13,
//!   labelled TRANSFER_INIT) therefore reads as REQUEST_RESP here.
//! - **RFC 6043 additions** the digest lacks or marks unverified, taken from the RFC text:
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
//! - **KEMAC MAC coverage**: whole message up to the MAC in PSK and DHHMAC; the KEMAC
//!   payload alone in PK and RSA-R (minisip also zeroes its Next payload byte). Both are
//!   exposed ([`KemacCoverage`]); the caller picks by mode.
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
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(any(feature = "std", test))]
extern crate std;

#[cfg(test)]
#[macro_use]
extern crate alloc;

pub mod base64;
pub mod cert;
pub mod chash;
pub mod dh;
pub mod err;
pub mod error;
pub mod general_ext;
pub mod header;
pub mod id;
pub mod idr;
pub mod kemac;
pub mod key_data;
pub mod key_mgmt;
pub mod list;
pub mod message;
pub mod payload;
pub mod pke;
pub mod rand;
pub mod randr;
pub mod sakke;
pub mod sign;
pub mod sp;
pub mod ticket;
pub mod timestamp;
pub mod tr;
pub mod verification;

pub use cert::{Cert, CertType};
pub use chash::{Chash, HashFunc};
pub use dh::{Dh, DhGroup};
pub use err::{ErrorNo, ErrorPayload};
pub use error::Error;
pub use general_ext::{GenExtType, GeneralExtension};
pub use header::{
    CommonHeader, CsIdMap, CsIdMapType, DataType, GenericCs, PrfFunc, SrtpCs, SrtpSessionData,
};
pub use id::{Id, IdType};
pub use idr::{IdRole, Idr};
pub use kemac::{EncrAlg, Kemac, MacAlg};
pub use key_data::{KeyData, KeyType, KeyValidity, Kv};
pub use list::List;
pub use message::{Covered, KemacCoverage, Message, MessageWriter};
pub use payload::{Payload, PayloadBody, PayloadItem, PayloadType, Payloads};
pub use pke::{Pke, PkeCache};
pub use rand::Rand;
pub use randr::{RandRole, Randr};
pub use sakke::{Sakke, SakkeIdScheme, SakkeParams};
pub use sign::{SType, Sign};
pub use sp::{ProtType, Sp, SpParam, SrtpAuthAlg, SrtpEncrAlg, SrtpParamType};
pub use ticket::{Ticket, TicketFlags, TicketPolicy, TicketPolicyFields, TicketType};
pub use timestamp::{Timestamp, TimestampProblem, TsType};
pub use tr::{Tr, TsRole};
pub use verification::Verification;
