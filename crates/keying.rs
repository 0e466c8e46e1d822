//! `keying`: one facade over the key-management crates.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use keying_crypto as crypto;
pub use keying_tlv as tlv;

#[cfg(feature = "gdoi")]
pub use gdoi_ack as gdoi;
#[cfg(feature = "mikey")]
pub use mikey_core as mikey;
#[cfg(feature = "hokey")]
pub use send_hokey as hokey;
