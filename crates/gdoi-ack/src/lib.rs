//! GDOI GROUPKEY-PUSH verification and the GROUPKEY-PUSH acknowledgement
//! ([RFC 8263](https://www.rfc-editor.org/rfc/rfc8263)) over GDOI
//! ([RFC 6407](https://www.rfc-editor.org/rfc/rfc6407)), for the group member (GM) and the
//! key server (GCKS). `#![no_std]`, no allocation (RSA keys from the default provider need
//! `alloc`, the codec, ECDSA P-256 and the HMAC ACK do not), Sans-IO.
//!
//! ```text
//! GCKS → GMs   HDR*, SEQ, [D,] SA, KD, SIG       GROUPKEY-PUSH (33), * = AES-CBC after HDR
//! GM   → GCKS  HDR, HASH, SEQ, ID                GROUPKEY-PUSH-ACK (35), unencrypted
//!              HASH    = prf(ack_key, SEQ | ID)
//!              ack_key = prf(base_key, "GROUPKEY-PUSH ACK\0" | I-Cookie ‖ R-Cookie | L)
//! ```
//!
//! # Role contract
//! The two roles follow the contract every protocol crate of the workspace shares (see the
//! workspace README):
//! - **Construction:** `Role::new(crypto, config, …)`; the role owns its crypto provider
//!   (pass `&provider` to share one). [`GroupMember::new`] has the default KEK capacity,
//!   [`GroupMember::with_capacity`] any other; [`Gcks::new`] takes its members table.
//! - **Input:** `handle_push(now, datagram, delivery, rng, out)`,
//!   `handle_ack(now, datagram)`, `build_push(now, target, content, rng, out)`: `now`
//!   ([`Time`]) first, then the input, its context ([`Delivery`], [`Target`]), the RNG and
//!   the output buffer.
//! - **Output / rejection:** what is written goes into `out`, the success value says how
//!   much; a rejected input is `Err(Rejected { error, reply_len: None })` ([`Rejected`]; GDOI
//!   never answers a bad message) and leaves the role exactly as it was. A short buffer is
//!   a `BufferTooSmall { needed }` variant; [`MAX_ACK_LEN`] bounds every ACK, [`MAX_PUSH_LEN`]
//!   every PUSH built from a [`PushBuilder`].
//! - **Timers:** `poll_timeout() -> Option<Time>`, then `handle_timeout(now, …)`; the
//!   GCKS's events come from [`Gcks::poll_event`].
//! - **Errors** implement `Display` and `core::error::Error`.
//!
//! # Layout
//! ```text
//! src/
//!   lib.rs        this page, re-exports (keying_crypto, Time, Rng, Rejected, roles, …)
//!   wire/         mod.rs: payload types, the ISAKMP payload chain and its framing
//!                 (from_element / emit over keying_tlv::Codec)
//!                 header.rs (ISAKMP header), message.rs (PUSH chain, ACK view),
//!                 attributes.rs (TV / TLV data attributes), sa.rs, sa_kek.rs, sa_tek.rs,
//!                 gap.rs, key_download.rs, seq.rs, hash.rs, sig.rs, nonce.rs,
//!                 identification.rs, delete.rs, notification.rs
//!   ack.rs        ack-key derivation (RFC 8263 §3.2), ACK HASH, building an ACK
//!   keys.rs       GCKS signature keys: PushSigner / PushVerifier (RSA, ECDSA P-256)
//!   push.rs       typed GROUPKEY-PUSH content (PushBuilder, EspTek, KekRollover)
//!   gm.rs         the group member role (GroupMember)
//!   gcks.rs       the key server role (Gcks)
//! ```
//!
//! # Layers
//! - **Codec** (no alloc, no crypto), built on [`keying_tlv`] with the ISAKMP framing:
//!   [`wire::header`] (the 28-octet ISAKMP header; the version is checked before the
//!   exchange type), [`wire`] (the generic chain, RESERVED octets must be 0),
//!   [`wire::attributes`] (TV / TLV), and one module per RFC 6407 payload: [`wire::sa`]
//!   (GDOI form, enclosing) [`wire::sa_kek`] (every KEK attribute incl. KEK_ACK_REQUESTED
//!   1–4), [`wire::gap`], [`wire::sa_tek`] (ESP / AH parsed, others opaque; the IPsec DOI
//!   transform and attribute names), [`wire::key_download`] (TEK / KEK key packets, the
//!   first LKH key), [`wire::seq`], [`wire::hash`], [`wire::identification`] (IPv4, IPv6,
//!   OID), [`wire::sig`], [`wire::nonce`], [`wire::delete`], [`wire::notification`];
//!   [`wire::message`] validates the whole PUSH chain and the ACK. Each payload is a
//!   zero-copy value validated once by [`Codec::read`] (accessors cannot fail) and written
//!   by [`Codec::write`]; the ISAKMP framing is [`wire::from_element`] / [`wire::emit`],
//!   once for every payload, into the caller's buffer (`BufferTooSmall { needed }`
//!   otherwise).
//! - **ACK crypto**: [`ack`] (ack key, HASH, building an ACK).
//! - **Keys**: [`keys`] — GCKS signature keys behind [`keys::PushVerifier`] /
//!   [`keys::PushSigner`]: RSA PKCS#1 v1.5 (DigestInfo, raw hash, or both) and ECDSA P-256
//!   `r ‖ s`, over `keying_crypto`'s traits (a secure element can implement them).
//! - **PUSH content**: [`push`] — TEKs, KEK rollover and deletions by name
//!   ([`PushBuilder`]), for [`Gcks::push`].
//! - **State machines**: [`GroupMember`] and [`Gcks`], each owning its crypto provider;
//!   the caller passes `now` ([`Time`]), the datagrams, an RNG and the output buffer; they
//!   return what to send and the next deadline (`poll_timeout` / `handle_timeout`). Every
//!   rejected message ([`Rejected`]) leaves the state as it was (computed into locals,
//!   committed last). Tables are fixed-capacity: the GM's inline ([`heapless`]), the key
//!   server's members table in storage the caller provides ([`Slot`]: an array, a static,
//!   or a boxed slice for 100,000 members). A full table is an error or a reported status,
//!   never a silent drop.
//!
//! # Resolutions (where the RFCs are unclear or other implementations differ)
//! | Question | Resolution |
//! |---|---|
//! | L in the ack-key KDF (RFC 8263 §3.2 says both "bits in the ack_key" and "512 for PRF-HMAC-SHA-256") | 512 for the SHA-256 types, 1024 for SHA-512 ([`ack::LEncoding::BlockBits`], default); 256 / 512 behind [`ack::LEncoding::AckKeyBits`] on both sides |
//! | What "SEQ" and "ID" in `HASH = prf(ack_key, SEQ \| ID)` cover | the whole payloads, generic headers included (IKEv1 convention; `_b` would mean bodies) |
//! | SPI in the KDF | the cookies of the PUSH being acked (the KEK that protected it), not a new SPI inside it |
//! | base_key | KEK types: the key of KEK_ALGORITHM_KEY without its leading 16-octet IV; LKH types: the caller-configured leaf key (first LKH key's data, IV stripped) |
//! | Which SA KEK governs acking | the most recent: a PUSH carrying a new SA KEK is acked (or not) per *its* KEK_ACK_REQUESTED, with the *old* KEK's cookies and key |
//! | PUSH that deletes its own KEK | still acked, with that KEK's key (RFC 8263 §4); the ACK is built before the commit |
//! | Signed header (RFC 6407 §4: "rekey" ‖ HDR ‖ payloads before SIG) | HDR with E set and Length = 28 + the unpadded chain incl. SIG (Cisco reference code); [`gm::GmConfig::wire_length_fallback`] retries with the wire Length |
//! | RSA signature encoding | RFC 6407's EMSA-PKCS1-v1_5 (DigestInfo) by default; the raw-hash form (gdoid) or both via [`keys::RsaForms`] |
//! | ECDSA encoding | fixed-width `r ‖ s` (RFC 4754); SHA-256 implied for ECDSA-256 |
//! | PUSH encryption | AES-CBC with the static IV of KEK_ALGORITHM_KEY; the GCKS pads with zeros; the GM accepts any trailing bytes < 16 after the chain |
//! | SA TEK ID Data Len | 1 octet (RFC 6407 figure and text); Wireshark reads 2 — see the tshark interop test |
//! | "DST ID Prot" in SA KEK / SA TEK text | not on the wire (absent from the figures; Wireshark and gdoid agree) |
//! | Exchange type 34 ("Known Unregistered Use") | rejected with its own message, never treated as an ACK; 35 only after the version is 0x10 (35 is IKEv2 IKE_AUTH) |
//! | Flags / Message ID | PUSH: exactly E (0x01); ACK: 0; Message ID 0 in both |
//! | Header Length vs datagram | must be equal (RFC 2408 §3.1 defines Length as the total message, so extra octets are rejected rather than tolerated) |
//! | RESERVED octets | must be 0 everywhere; stricter than ISAKMP practice because the ACK's HASH payload header is not covered by the HASH |
//! | PULL SEQ vs an already installed KEK | last SEQ is initialised from the SEQ of PULL message 4, but RFC 6407 §3.2 adds that a PULL SEQ lower than a PUSH already accepted for that KEK is stale and ignored — [`gm::GroupMember::install_kek`] keeps the maximum |
//! | LKH Key Data length (not on the wire) | [`wire::key_download::LkhDownloadArray::first_key`] takes the rest of the attribute when there is one key, else a caller-supplied length |
//! | KD type 4 (RFC 6407 table prints "Unassigned 4–127") | SID = 4; SID packets in a PUSH are rejected |
//! | KEK_ACK_REQUESTED value unknown, or LKH type without a leaf key | the PUSH is processed, no ACK ([`gm::AckStatus::Unsupported`], RFC 8263 §4); an unknown KEK *attribute* rejects the PUSH (RFC 6407 §5.3.3) |
//! | Re-acking a retransmitted PUSH (RFC 8263 never re-acks: the replay check fails first, so a lost ACK is not repaired) | off (RFC-strict); [`gm::GmConfig::re_ack`] re-sends the cached ACK for a bit-identical copy of the last accepted *unicast* PUSH, rate-limited |
//! | ACK timing | GM: multicast PUSHes jittered up to [`AckDelay::Jittered`]'s `max` (never above 5 s; [`AckDelay::Immediate`] for none), unicast immediately; GCKS: "missing" not before 10 s |
//! | ACK after its PUSH's deadline | still accepted (last acked SEQ, run of misses reset) but it does not answer that PUSH, decided by the `now` of [`Gcks::handle_ack`] (at or after the deadline: late), the same whether or not [`Gcks::handle_timeout`] already ran; an ACK under a retired KEK at or past its retention is [`AckError::UnknownGroup`] |
//! | GCKS duplicate ACKs | dropped before any crypto by the per-member last acked (KEK, SEQ) |
//! | GCKS after a PUSH replaces or deletes its KEK | the old KEK stays (for late ACKs) at least the ACK timeout, then is erased |
//! | Members that miss ACKs | [`gcks::GcksEvent::AckMissing`] every time, once per member and PUSH, none ever dropped (reports live in the members table); [`gcks::GcksEvent::MemberLost`] after `max_missed` in a row, only for members that acked at least once (RFC 8263 §6) |
//! | GM with more ACKs waiting than its queue holds | the PUSH is applied, its ACK reported as [`gm::AckStatus::QueueFull`]; queued ACKs are never dropped |
//! | "At least one TEK in each Rekey KD" (RFC 6407 §5.6.1, lowercase) | not enforced: a KEK-only rollover is accepted; each ESP/AH SA TEK must have its TEK key packet |
//!
//! # RFC 5406 checklist, for the SAs this crate installs
//! - **Selectors**: the SA KEK's source / destination ID selectors and IP protocol describe
//!   the PUSH datagrams; SA TEK selectors are handed to the caller (this crate installs no
//!   data-plane SA itself).
//! - **Mode**: the Rekey SA is a one-way (GCKS → GMs) AES-CBC + signature SA; ACKs are
//!   unencrypted, HMAC-protected.
//! - **Key management**: GDOI GROUPKEY-PULL (not implemented here: its results are passed
//!   to [`gm::GroupMember::install_kek`]) and GROUPKEY-PUSH (here); KEK rollover by a PUSH
//!   carrying a new SA KEK; KEK deletion by a Delete with Protocol-ID 0.
//! - **Identity**: GMs are named by the ID in their ACK (IPv4 / IPv6 address of their last
//!   PULL, or an OID); the GCKS by its signature key.
//! - **Authentication**: PUSH — the GCKS signature (RSA-2048+ or ECDSA P-256) over the
//!   plaintext; ACK — HMAC with a key every GM of the KEK shares (KEK types: forgeable by any
//!   member, RFC 8263 §7.1 — a liveness hint, not proof) or a per-GM LKH leaf key.
//! - **Authorization**: a PUSH is accepted only under an installed KEK, with a SEQ above the
//!   last one and a valid signature by the configured GCKS key; an ACK only from a registered
//!   member for a SEQ the GCKS sent. Nothing that failed a step is acked (no reflection).
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod ack;
pub mod gcks;
pub mod gm;
pub mod keys;
pub mod push;
pub mod wire;

pub use keying_tlv::Codec;
pub use keying_tlv::{Error as DecodeError, ErrorKind, WriteError};
pub use wire::PayloadType;

pub use keying_crypto;
pub use keying_crypto::{CryptoError, Rejected, Rng, Time};

pub use ack::LEncoding;
pub use gcks::{
    AckError, AckReceived, BuildError, Built, ContentError, Gcks, GcksConfig, GcksError, GcksEvent,
    InitialKek, MAX_KEKS, MAX_OUTSTANDING, MAX_SLOTS, MIN_ACK_TIMEOUT, MemberId, PushContent, Slot,
    Target,
};
pub use gm::{
    Accepted, AckDelay, AckStatus, Delivery, GmConfig, GmIdentity, GroupMember, InstallError,
    KekInstall, MAX_ACK_JITTER, MAX_ACK_LEN, MAX_KEK_KEY, MAX_LKH_KEY, MAX_PENDING_ACKS, Outcome,
    PolicyViolation, PushError, ReAck,
};
pub use keys::{EcdsaP256, PushSigner, PushVerifier, Rsa, RsaForms};
pub use push::{EspTek, KekRollover, MAX_PUSH_LEN, PushBuilder, Selector};
pub use wire::sa_kek::{KekAckRequested, SigAlgorithm};
pub use wire::sa_tek::{AuthAlgorithm, EncapsulationMode, EspTransform};
