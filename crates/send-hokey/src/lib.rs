//! FMIPv6 handover key over SEND ([RFC 5269](https://www.rfc-editor.org/rfc/rfc5269)):
//! the ICMPv6 FMIPv6 messages RtSolPr / PrRtAdv ([RFC 5568](https://www.rfc-editor.org/rfc/rfc5568)),
//! the SEND options ([RFC 3971](https://www.rfc-editor.org/rfc/rfc3971)), CGA
//! ([RFC 3972](https://www.rfc-editor.org/rfc/rfc3972), [RFC 4581](https://www.rfc-editor.org/rfc/rfc4581),
//! [RFC 4982](https://www.rfc-editor.org/rfc/rfc4982)), the Handover Key Request / Reply
//! options, the FBU / FBack Mobility Header with the BADF option, and the two roles:
//! [`mn::MobileNode`] and [`ar::AccessRouter`].
//!
//! `#![no_std]` always, and **no allocation anywhere in this crate**: the codec, CGA
//! verification, the BADF and both roles build for `thumbv7em-none-eabihf` without `alloc`.
//! RSA itself comes from the crypto provider (the RustCrypto one needs `alloc` for RSA).
//!
//! # Layout
//! ```text
//! src/
//!   lib.rs      these docs, the re-exports
//!   wire/       mod.rs: ND option framing (RFC 4861 §4.6) over keying_tlv::Codec, NdOption
//!               rtsolpr.rs: ICMPv6 type 154, RtSolPr / PrRtAdv (RFC 5568 §6.1)
//!               fbu.rs: Mobility Header FBU / FBack and the mobility-option framing
//!               one file per option: link_layer_address (19), ip_prefix (17), naack (20),
//!               cga (11 + CGA Parameters), rsa_signature (12), timestamp (13), nonce (14),
//!               trust_anchor (15), certificate (16), handover_key_request (27),
//!               handover_key_reply (28), badf (mobility option 21); checksum.rs
//!   cga.rs      CGA verification and generation (RFC 3972)
//!   send.rs     the SEND signature (RFC 3971 §5.2), verification in DoS order
//!   badf.rs     the BADF authenticator (RFC 5568 §6.4.5, RFC 3775 §6.2.7)
//!   steps/      what both roles share: the Timestamp cache (RFC 3971 §5.3.4), the
//!               handover-key table
//!   sizes.rs    the MAX_* size constants
//!   ar.rs       the access router role
//!   mn.rs       the mobile node role
//!   policy.rs   hooks and settings both roles take
//! ```
//! Every option body implements [`keying_tlv::Codec`]; [`wire::read_option`] and
//! [`wire::write_option`] are the one ND framing over it, gathered in [`wire::NdOption`]
//! (unknown options kept as `Unknown { type_, data }` and round-tripped). ND framing goes
//! through [`keying_tlv::Chain`] with [`keying_tlv::NdOptions`].
//!
//! Views borrow the input and are validated once ([`wire::Fmip6Message::parse`] walks
//! every option), so accessors cannot fail; every `emit` writes through
//! [`keying_tlv::Writer`] into the caller's buffer and reports `BufferTooSmall { needed }`.
//!
//! # Role contract
//! The roles follow the contract every protocol crate of this workspace shares (README,
//! "Role contract"):
//! - **Construction**: [`AccessRouter::new`] / [`MobileNode::new`] take the crypto provider
//!   (owned; pass `&C` to share one), a config and the long-lived identity
//!   ([`RouterIdentity`], [`MobileNodeIdentity`]); other capacities through
//!   `with_capacity`.
//! - **Input**: `handle_*(now, received packet, context, hooks, rng, out)`, in that order,
//!   each argument only where the call needs it; `now` is a [`Time`], the one clock of every
//!   call and deadline (the SEND [`wire::Timestamp`] option converts from and to it).
//! - **Output** goes into the caller's `out`, sized by the `MAX_*_LEN` constants
//!   ([`MAX_RTSOLPR_LEN`], [`MAX_PRRTADV_LEN`], [`MAX_FBU_LEN`], [`MAX_FBACK_LEN`]); a short
//!   buffer is [`Error::BufferTooSmall`].
//! - **Rejection** is [`Rejected`]`<`[`Error`]`>`; a rejected input leaves the role as it
//!   was (the roles compute into locals and commit as their last step; tested by flipping
//!   every bit of signed messages).
//! - **Timers**: `poll_timeout() -> Option<Time>`, `handle_timeout(now)`.
//!
//! Nothing here reads a clock, sleeps or opens a socket.
//!
//! Mobile node: [`MobileNode::build_rtsolpr`] → send (Hop Limit 255) →
//! [`MobileNode::handle_prrtadv`] for each PrRtAdv received → [`MobileNode::build_fbu`] /
//! [`MobileNode::handle_fback`] when moving; [`MobileNode::handle_timeout`] at
//! [`MobileNode::poll_timeout`]. Access router: [`AccessRouter::handle_rtsolpr`] (writes
//! the PrRtAdv), [`AccessRouter::handle_fbu`] (writes the FBack), `poll_timeout` /
//! `handle_timeout`.
//!
//! # Choices where the RFCs leave one (each a named constant or policy setting)
//! - AT values: [`wire::AuthAlgorithm`]; AT 0 = HMAC-SHA1-96 (no registry exists). The
//!   AR echoes a supported AT; the MN refuses a weaker or unknown one.
//! - BADF Option Length = 4 + authenticator length ([`wire::badf`] docs).
//! - CoA in the BADF MAC = NCoA ([`badf::BADF_COA_IS_NCOA`]).
//! - FBU / FBack Lifetime in seconds, per RFC 5568 ([`wire::fbu`] docs).
//! - Handover key: 20 random octets for HMAC-SHA1-96 ([`wire::AuthAlgorithm::key_len`]);
//!   HK-LIFETIME 43200 s ([`policy::HK_LIFETIME_SECS`]).
//! - Sec semantics: [`cga::SecPolicy`], RFC 4982 by default.
//! - Pad Length of options 11, 15, 27, 28 must be below 8 ([`wire`]; RFC 4861 §4.6
//!   framing).
//! - RSA key sizes: 2048 bits only by default; 1024-bit keys (weak) only through the
//!   explicit opt-in [`send::KeySizePolicy::LEGACY_1024`] (RFC 3971 §5.2 allows 384 to
//!   2048 bits).
//! - The access router's key table: at most [`ar::AccessRouterConfig::max_keys_per_prefix`]
//!   keys per source prefix, a short life until the first FBU
//!   ([`ar::AccessRouterConfig::unconfirmed_lifetime`]), and the least recently used
//!   unconfirmed key evicted when the table is full ([`ar::AccessRouter`]).
//!
//! # Where the RFC texts are unclear or disagree, and what this crate does
//! - **MH checksum Next Header.** RFC 3775 §6.1.1 says the pseudo-header uses Next Header
//!   *2*; the Mobility Header's protocol number is **135**, which the FBU vector
//!   (tests/vectors/send-hokey/fbu_mh.bin, checksum 0x3a21) and Wireshark use, and which
//!   RFC 6275 §6.1.1 (the successor of RFC 3775) states. This crate uses 135
//!   ([`wire::checksum::NEXT_HEADER_MOBILITY`]).
//! - **BADF Option Length.** RFC 5568 §6.4.5 says "the length of the Authenticator", which
//!   contradicts the generic mobility-option rule of RFC 3775 §6.2.1 (length of all data
//!   after the Length octet, here SPI + Authenticator).
//!   This crate follows RFC 3775 §6.2.1, the normative framing every receiver walks options
//!   with; the vector (Length 16) agrees.
//! - **Checksum in the signed data**. RFC 3971 §5.2 lists "the 16-bit Checksum field"
//!   without saying which; taken literally it is circular. This crate uses the checksum of the
//!   message truncated before the RSA Signature option, as DoCoMo sendd, NDprotector and
//!   thc-ipv6 do (the vectors' signed data embed 0x9062 / 0x345b).
//! - **Handover Key Reply layout.** RFC 5269 §4.2's figure leaves the 16 bits after Key
//!   Lifetime blank; the ciphertext starts at octet 6 here, as in Wireshark, libtins and the
//!   vectors.
//! - **Pad Length ≥ 8** is not forbidden by RFC 3971 / RFC 5269; this crate rejects it
//!   (stricter; a pad of 8 or more would be a whole unit of padding).
//! - **Timestamp, known peer.** RFC 3971 §5.3.4.2 checks a known peer only against its last
//!   timestamp; this crate additionally keeps the ±TIMESTAMP_DELTA window for known peers
//!   (stricter, never accepts what the RFC rejects).
//! - **FBU Lifetime units**: RFC 5568 (seconds) is followed over RFC 3775 (4-second units,
//!   which Wireshark uses to display FBUs).
//!
//! # The security association the handover key creates (RFC 5406 §8 checklist)
//! RFC 5269 creates a shared-key association between the MN and its PAR that protects FBU
//! and FBack with the BADF option — the RFC 3775 binding-authorisation mechanism, not IPsec
//! AH/ESP. Answered as RFC 5406 asks:
//! - *Selectors*: the association applies to Mobility Header FBU (8) and FBack (9) between
//!   the MN and the PAR, indexed on the PAR by the PCoA in the Home Address option and on the
//!   MN by (router address, own CGA); no port or protocol selectors. SPI = 0 names it.
//! - *Protocol and mode*: no AH/ESP; a MAC inside the message (BADF, last option), covering
//!   CoA (NCoA) ‖ PAR address ‖ the whole MH with checksum zero. No confidentiality.
//! - *Key management*: automatic — RFC 5269 over SEND: the AR generates a random key after
//!   SEND verification of the RtSolPr and returns it RSAES-PKCS1-v1_5-encrypted to a
//!   separate MN key pair in a signed PrRtAdv. Lifetime HK-LIFETIME (43200 s); expiry via
//!   `handle_timeout`, deletion when forwarding ends ([`ar::AccessRouter::remove_key`]) or
//!   after the handover ([`mn::MobileNode::remove_key`]). No rekeying protocol beyond a new
//!   RtSolPr.
//! - *Identification*: the MN by its CGA (RFC 3972; address ownership, not identity); the
//!   AR by its CGA plus a router authorisation decided by the caller's
//!   [`policy::RouterAuthorizer`] (certificate path via CPS/CPA, RFC 3971 §6; this crate
//!   does not parse X.509).
//! - *Authentication*: RSASSA-PKCS1-v1_5/SHA-1 signatures with CGA keys (2048 bits by
//!   default; 1024 bits only by explicit, weak opt-in), Timestamp window and Nonce matching
//!   (RFC 3971 §5.3).
//! - *Authorisation*: the AR authorises an FBU for the PCoA only with the key delivered to
//!   the owner of that CGA; the MN accepts keys only from authorised routers.
//! - *Replay*: RtSolPr / PrRtAdv: Timestamp cache and Nonce matching. FBU / FBack: the BADF
//!   has no replay protection of its own beyond the FBU Sequence number, which the PAR
//!   must track (RFC 3775 §9.5.1); this crate reports the sequence number to the caller.
//! - *Availability*: works before any IP-level key exchange is possible (ND level), which is
//!   why IKE is not used (RFC 5406 §3.3's last paragraph). CGAs cost an attacker nothing,
//!   so the AR bounds what one source prefix can hold in its key table, lets a key that no
//!   FBU confirmed expire quickly and evicts such keys first ([`ar::AccessRouter`]); both
//!   roles run every cheap check before any RSA operation.
//! - *Multicast*: an RtSolPr to ff02::2 may draw several PrRtAdv; each router's key is kept.
//!
//! # Known limits
//! - The AR answers only SEND-verified RtSolPr carrying a Handover Key Request; an unsecured
//!   RtSolPr is reported as an error and may be answered without a key by the caller.
//! - RSAES-PKCS1-v1_5 decryption in the default provider uses implicit rejection: a corrupted
//!   ciphertext yields a pseudo-random plaintext, which the MN rejects by length
//!   ([`Error::KeyDecrypt`]); in the rare case the length matches, the stored key is wrong
//!   and the FBU fails at the PAR. The PrRtAdv signature makes this reachable only by the
//!   authorised router.
//! - Keys above 2048 bits make a signed RtSolPr exceed 1280 octets (the IPv6 minimum MTU,
//!   RFC 8200 §5), so it is fragmented.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod ar;
pub mod badf;
pub mod cga;
mod error;
pub mod mn;
pub mod policy;
pub mod send;
mod sizes;
pub mod steps;
pub mod wire;

pub use keying_crypto;
#[cfg(feature = "std")]
pub use keying_crypto::OsRng;
pub use keying_crypto::{CryptoError, Rejected, Rng, Time};

pub use ar::{
    AccessRouter, AccessRouterConfig, FbuAccepted, PrRtAdvInfo, PrRtAdvOut, Received,
    RouterIdentity,
};
pub use cga::{CgaError, SecPolicy};
pub use error::Error;
pub use mn::{
    FbuOrigin, FbuRequest, KeyEstablished, MobileNode, MobileNodeConfig, MobileNodeIdentity,
};
pub use policy::{
    HK_LIFETIME_SECS, NoRateLimit, RateLimiter, RouterAuthorizer, SendPolicy, TokenBucket,
    TrustedRouterKeys,
};
pub use send::{KeySizePolicy, RsaKeyLoader};
pub use sizes::{
    MAX_CGA_PARAMS_LEN, MAX_FBACK_LEN, MAX_FBU_LEN, MAX_LLA_LEN, MAX_PRRTADV_LEN, MAX_RTSOLPR_LEN,
    MAX_SPKI_LEN, NONCE_LEN,
};
pub use steps::key_table::MAX_HK_LEN;
pub use steps::timestamp_cache::TimestampPolicy;
pub use wire::{AuthAlgorithm, FBack, IpAddrPrefix, IpAddrPrefixCode, NdOption, PrRtAdvCode};
