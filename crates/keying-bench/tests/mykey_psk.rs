//! Interop of the MIKEY PSK exchange with verification (RFC 3830 §3.1) between mikey-core
//! and the mykey 2.3.1 crate, on the inputs of the benchmarked exchange
//! (`examples/paired.rs mikey-psk-mykey` checks the same before timing).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../examples/common/mykey_psk.rs"]
#[allow(dead_code)]
mod mykey_psk;

use keying_bench::exchange::Fixture;
use keying_crypto::rustcrypto::HashDrbg;
use mikey_core::policy::Policy;
use mykey_psk::{keying_to_mykey, mykey_cache, mykey_compat, mykey_psk_exchange, mykey_to_keying};

/// mykey's own Initiator and Responder derive the same SRTP keys.
#[test]
fn mykey_sides_agree() {
    let out = mykey_psk_exchange(&mut HashDrbg::new(b"test"), &mut mykey_cache());
    assert!(out.agree());
    assert_eq!((out.i_len, out.r_len), (108, 51));
}

/// mykey's I_MESSAGE is accepted by mikey-core's Responder and its verification message
/// by mykey, with the same SRTP keys, under the mykey compatibility policy.
#[test]
fn mykey_initiator_keying_responder() {
    let f = Fixture::load().unwrap();
    mykey_to_keying(&f, mykey_compat()).unwrap();
}

/// mikey-core's I_MESSAGE is accepted by mykey's Responder and mykey's verification
/// message by mikey-core's Initiator, with the same SRTP keys, under the compatibility
/// policy.
#[test]
fn keying_initiator_mykey_responder() {
    keying_to_mykey(mykey_compat()).unwrap();
}

/// With the RFC 3830 auth_key length (mikey-core's default) the MACs differ both ways.
#[test]
fn default_policy_fails_on_the_mac() {
    let f = Fixture::load().unwrap();
    let e = mykey_to_keying(&f, Policy::default()).unwrap_err();
    assert!(e.contains("AuthFailed"), "{e}");
    let e = keying_to_mykey(Policy::default()).unwrap_err();
    assert!(e.contains("invalid MAC"), "{e}");
}
