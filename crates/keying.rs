//! `keying`: one facade over the key-management crates — Sans-IO, `no_std`, byte-exact
//! with the RFCs, no panic on any input.
//!
//! | module | crate | what |
//! |---|---|---|
//! | [`mikey`] | `mikey-core` | MIKEY (RFC 3830) and its modes: PSK, PK, DH, DHHMAC (RFC 4650), RSA-R (RFC 4738); SRTP keys; SDP / RTSP carriage (RFC 4567) |
//! | [`gdoi`] | `gdoi-ack` | GDOI GROUPKEY-PUSH and its acknowledgement (RFC 8263, RFC 6407): group member and key server |
//! | [`hokey`] | `send-hokey` | the FMIPv6 handover key over SEND (RFC 5269, 5568, 3971, 3972): mobile node and access router |
//! | [`crypto`] | `keying-crypto` | the crypto traits and providers (RustCrypto by default, aws-lc-rs for servers), [`crypto::Time`], [`crypto::Rejected`] |
//! | [`tlv`] | `keying-tlv` | the payload TLV engine and the [`tlv::Codec`] trait every payload implements |
//!
//! # Where to start
//!
//! Pick the role you play and read its page: each has a runnable example. Every role is
//! driven the same way — `Role::new(crypto, config, …)`, then
//! `handle_<message>(now, input, context, hooks, rng, out)` for each message received, with
//! output written into your buffer and a rejected input returned as
//! [`crypto::Rejected`] that leaves the role unchanged; roles with timers add
//! `poll_timeout()` / `handle_timeout(now, …)`. Your program owns the sockets, the clock
//! and the timers.
//!
//! A MIKEY pre-shared-key exchange with verification, both ends:
//!
//! ```
//! # #[cfg(all(feature = "mikey", feature = "rustcrypto"))] {
//! use keying::crypto::rustcrypto::{HashDrbg, RustCrypto};
//! use keying::mikey::{Offer, Policy, PskInitiator, PskResponder, SrtpCs, StaticPsk};
//! use keying::mikey::{Time, Timestamp, TsType};
//!
//! let now = Time::from_unix_secs(1_763_856_000); // your clock
//! let psk = b"a pre-shared key of 20 bytes";
//! let streams = [SrtpCs { policy_no: 0, ssrc: 0x1234_5678, roc: 0 }];
//! let t = Timestamp { ts_type: TsType::NtpUtc, value: 0 }; // stamped from `now`
//! let offer = Offer { verification: true, ..Offer::new(7, &streams, t) };
//!
//! let mut initiator = PskInitiator::new(RustCrypto, Policy::default());
//! let mut responder = PskResponder::new(RustCrypto, Policy::default());
//! let (mut i_msg, mut r_msg) = ([0u8; 512], [0u8; 512]);
//! let n = initiator.start(now, &offer, psk, &mut HashDrbg::new(&[1; 32]), &mut i_msg).unwrap();
//! let accepted = responder.handle(now, &i_msg[..n], &StaticPsk::new(psk).unwrap(), &mut r_msg).unwrap();
//! initiator.handle_response(now, &r_msg[..accepted.reply_len.unwrap()]).unwrap();
//! assert!(initiator.poll_keys().unwrap()[0].same_keys(&accepted.sas[0]));
//! # }
//! ```
//!
//! Features: `mikey`, `gdoi`, `hokey` (which protocol crates, default all), `rustcrypto`
//! (the default provider, no heap), `rustcrypto-rsa` (RSA, needs `alloc`), `aws-lc` (the
//! server provider, needs `std`), `p256-cm4` (ECDSA P-256 verification on the p256-cm4
//! assembly for ARMv7E-M firmware), `alloc`, `std`. The repository README draws the layout
//! every crate follows and gives the footprint and performance figures.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use keying_crypto as crypto;
pub use keying_tlv as tlv;

#[cfg(feature = "gdoi")]
pub use gdoi_ack as gdoi;
#[cfg(feature = "mikey")]
pub use mikey_core as mikey;
#[cfg(feature = "hokey")]
pub use send_hokey as hokey;
