//! The payload TLV engine shared by the `keying` protocol crates.
//!
//! Three framings occur in the protocols this workspace implements, and this crate knows all
//! three so the protocol crates never walk bytes by hand:
//!
//! - **MIKEY chain** ([`Mikey`], RFC 3830 §6): a payload's first byte names the type of the
//!   next payload; its length follows from its own fields (the protocol supplies the length
//!   function).
//! - **ISAKMP chain** ([`Isakmp`], RFC 2408 §3.2): `next payload | reserved | length`.
//! - **ND options** ([`NdOptions`], RFC 4861 §4.6): `type | length in 8-octet units`.
//! - **Mobility options** ([`MobilityOptions`], RFC 6275 §6.2.1): `type | length in octets`,
//!   with the one-byte Pad1 (the FMIPv6 FBU / FBack options).
//!
//! Reading: [`Reader`] (a shrinking slice with checked big-endian reads) and [`Chain`] (one
//! iterator for all three framings). Writing: [`Writer`] over the caller's `&mut [u8]`,
//! with back-patched lengths ([`LenField`]) and next-payload bytes ([`ChainWriter`]).
//! Structures: every payload or option implements [`Codec`]. Wire enums: [`wire_enum!`]. Every error carries the absolute byte offset and what was
//! expected; no input makes anything here panic.
//!
//! ```
//! use keying_tlv::{Chain, ChainWriter, Isakmp, Reader, Writer};
//!
//! let mut buf = [0u8; 64];
//! let mut w = Writer::new(&mut buf);
//! let first = w.next_payload();              // a header's next-payload byte
//! let mut chain = ChainWriter::new(first);
//! for (kind, body) in [(8u8, &b"hash"[..]), (16, &b"notify!"[..])] {
//!     let p = chain.begin_isakmp(&mut w, kind);
//!     w.bytes(body);
//!     chain.end_isakmp(&mut w, p);
//! }
//! let n = w.finish().unwrap();
//!
//! let mut r = Reader::new(&buf[..n]);
//! let first = r.u8("next payload").unwrap();
//! let kinds: Vec<_> = Chain::new(Isakmp, first, r).map(|e| e.unwrap().kind).collect();
//! assert_eq!(kinds, [8, 16]);
//! ```
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod chain;
mod codec;
mod error;
mod macros;
mod reader;
mod writer;

pub use chain::{
    Chain, Element, Framing, ISAKMP_GENERIC_HEADER_LEN, Isakmp, LAST, MH_PAD1, Mikey, MikeyLenFn,
    MikeyPayloads, MobilityOptions, NdOptions,
};
pub use codec::Codec;
pub use error::{Error, ErrorKind, Result, WriteError};
pub use reader::Reader;
pub use writer::{ChainWriter, IsakmpPayload, LenField, NdOption, NextPayload, Writer};
