//! The MIKEY PSK exchange with verification through the mykey 2.3.1 crate, and the
//! interop checks between mykey and mikey-core, shared by `examples/paired.rs`
//! (`mikey-psk-mykey`, `mykey-psk-loop`) and `tests/mykey_psk.rs`.

use std::hint::black_box;
use std::time::Duration;

use keying_bench::exchange::{Fixture, NOW_SECS, PSK, PSK_CSB_ID, STREAMS, now, ts};
use keying_crypto::Rng;
use keying_crypto::rustcrypto::{HashDrbg, RustCrypto};
use mikey_core::offer::Offer;
use mikey_core::policy::Policy;
use mikey_core::psk::{PskInitiator, PskResponder};

/// [`keying_bench::exchange::now`] as the `SystemTime` mykey's timestamps and replay cache
/// take.
pub fn mykey_now() -> std::time::SystemTime {
    std::time::UNIX_EPOCH
        + Duration::from_secs(u64::from(NOW_SECS) - keying_crypto::NTP_UNIX_OFFSET_SECS)
}

/// What one PSK exchange through mykey yields: each side's SRTP master key and salt, and
/// the message lengths.
pub struct MykeyOutcome {
    pub initiator: mykey::SrtpKeyMaterial,
    pub responder: mykey::SrtpKeyMaterial,
    pub i_len: usize,
    pub r_len: usize,
}

impl MykeyOutcome {
    pub fn agree(&self) -> bool {
        self.initiator.master_key == self.responder.master_key
            && self.initiator.master_salt == self.responder.master_salt
            && self.initiator.master_key.len() == 16
            && self.initiator.master_salt.len() == 14
    }
}

/// The PSK exchange with verification (RFC 3830 §3.1) through mykey 2.3.1's PSK API, as a
/// mykey user writes it, with the inputs of the mikey-core exchange (PSK, CSB ID, SSRC,
/// NTP-UTC timestamp at the fixed clock, 16-byte RAND from a `HashDrbg`):
///
/// 1. Initiator: `MikeyMessage::new_psk_init_requiring_verification_at` (HDR with V, T,
///    RAND, KEMAC: mykey draws the TGK itself from `rand::rng()`, derives the KEMAC keys
///    with the MIKEY-1 PRF, encrypts the Key data sub-payload with AES-CM-128, appends the
///    HMAC-SHA-1-160 MAC), `to_bytes`.
/// 2. Responder: `MikeyMessage::from_bytes`, `complete_psk` (derives the auth key, checks
///    the MAC, derives enc / salt keys, decrypts, parses the key data, derives the SRTP
///    master key + salt for `AES_128_CM_SHA1_80`), `verify_fresh` (NTP window + replay
///    cache: mykey's opt-in counterpart of mikey-core's mandatory replay check),
///    `requires_verification`, `MikeyMessage::new_psk_verification` (HDR, T, V), `to_bytes`.
/// 3. Initiator: `MikeyMessage::from_bytes`, `verify_psk_verification`, then
///    `complete_psk` on its own I_MESSAGE (mykey keeps no TGK: the Initiator recovers it
///    from its own KEMAC, MAC check and decryption included).
pub fn mykey_psk_exchange(
    rng: &mut HashDrbg,
    cache: &mut mykey::replay::ReplayCache,
) -> MykeyOutcome {
    use mykey::MikeyMessage;
    let at = mykey_now();
    let suite = mykey::srtp::SrtpCryptoSuite::AES_128_CM_SHA1_80;
    let mut rand = [0u8; 16];
    rng.fill_bytes(&mut rand).unwrap();
    let init = MikeyMessage::new_psk_init_requiring_verification_at(
        PSK_CSB_ID,
        STREAMS[0].ssrc,
        &rand,
        PSK,
        mykey::payload::Timestamp::Ntp(at),
    )
    .unwrap();
    let i_msg = init.to_bytes();
    // Responder.
    let got = MikeyMessage::from_bytes(black_box(i_msg)).unwrap();
    let responder = got.complete_psk(PSK, suite).unwrap();
    got.verify_fresh(cache, at).unwrap();
    assert!(got.requires_verification());
    let resp = MikeyMessage::new_psk_verification(&got, PSK).unwrap();
    let r_msg = resp.to_bytes();
    // Initiator.
    let v = MikeyMessage::from_bytes(black_box(r_msg)).unwrap();
    v.verify_psk_verification(&init, PSK).unwrap();
    let initiator = init.complete_psk(PSK, suite).unwrap();
    MykeyOutcome {
        initiator,
        responder,
        i_len: i_msg.len(),
        r_len: r_msg.len(),
    }
}

/// A fresh mykey replay cache (window 30 s), one per exchange like mikey-core's fresh
/// roles.
pub fn mykey_cache() -> mykey::replay::ReplayCache {
    mykey::replay::ReplayCache::new(Duration::from_secs(30))
}

/// mikey-core's policy for a mykey 2.3.1 peer: 32-byte HMAC-SHA-1 auth_key and CS ID 0 for
/// the first crypto session (RFC 3830 §4.2.4 / §6.1.1 say 20 and 1).
pub fn mykey_compat() -> Policy {
    Policy {
        sha1_auth_key_len: 32,
        first_cs_id: 0,
        ..Policy::default()
    }
}

/// Whether a mikey-core SA holds mykey's SRTP key material.
pub fn same_as_mykey(sa: Option<&mikey_core::srtp::SrtpSa>, k: &mykey::SrtpKeyMaterial) -> bool {
    sa.is_some_and(|sa| {
        sa.master_key.expose() == k.master_key.as_slice()
            && sa.master_salt.expose() == k.master_salt.as_slice()
    })
}

/// mykey's I_MESSAGE into mikey-core's `PskResponder` under `policy`, its verification
/// message back into mykey: `Ok` when both accept and the SRTP keys agree, else what
/// refused.
pub fn mykey_to_keying(f: &Fixture, policy: Policy) -> Result<(), String> {
    use mykey::MikeyMessage;
    let mut rand = [0u8; 16];
    HashDrbg::new(b"interop mykey")
        .fill_bytes(&mut rand)
        .unwrap();
    let init = MikeyMessage::new_psk_init_requiring_verification_at(
        PSK_CSB_ID,
        STREAMS[0].ssrc,
        &rand,
        PSK,
        mykey::payload::Timestamp::Ntp(mykey_now()),
    )
    .map_err(|e| format!("mykey: {e}"))?;
    let mut r = PskResponder::new(RustCrypto, policy);
    let mut out = [0u8; 1024];
    let acc = r
        .handle(now(), init.to_bytes(), &f.psk, &mut out)
        .map_err(|e| format!("keying PskResponder: {}", e.error))?;
    let len = acc
        .reply_len
        .ok_or("keying PskResponder: no verification message")?;
    let r_msg = out
        .get(..len)
        .ok_or("keying PskResponder: reply longer than out")?;
    let v = MikeyMessage::from_bytes(r_msg).map_err(|e| format!("mykey parse: {e}"))?;
    v.verify_psk_verification(&init, PSK)
        .map_err(|e| format!("mykey verify_psk_verification: {e}"))?;
    let k = init
        .complete_psk(PSK, mykey::srtp::SrtpCryptoSuite::AES_128_CM_SHA1_80)
        .map_err(|e| format!("mykey complete_psk: {e}"))?;
    if same_as_mykey(acc.sas.first(), &k) && acc.sas.len() == 1 {
        Ok(())
    } else {
        Err("SRTP keys differ".into())
    }
}

/// mikey-core's I_MESSAGE (the benchmarked offer) into mykey's Responder, mykey's
/// verification message back into mikey-core's `PskInitiator` under `policy`.
pub fn keying_to_mykey(policy: Policy) -> Result<(), String> {
    use mykey::MikeyMessage;
    let offer = Offer {
        verification: true,
        ..Offer::new(PSK_CSB_ID, &STREAMS, ts())
    };
    let mut i = PskInitiator::new(RustCrypto, policy);
    let mut buf = [0u8; 1024];
    let n = i
        .start(
            now(),
            &offer,
            PSK,
            &mut HashDrbg::new(b"interop keying"),
            &mut buf,
        )
        .map_err(|e| format!("keying start: {e}"))?;
    let i_msg = buf
        .get(..n)
        .ok_or("keying start: message longer than buf")?;
    let got = MikeyMessage::from_bytes(i_msg).map_err(|e| format!("mykey parse: {e}"))?;
    let k = got
        .complete_psk(PSK, mykey::srtp::SrtpCryptoSuite::AES_128_CM_SHA1_80)
        .map_err(|e| format!("mykey complete_psk: {e}"))?;
    got.verify_fresh(&mut mykey_cache(), mykey_now())
        .map_err(|e| format!("mykey verify_fresh: {e}"))?;
    let v = MikeyMessage::new_psk_verification(&got, PSK)
        .map_err(|e| format!("mykey new_psk_verification: {e}"))?;
    i.handle_response(now(), v.to_bytes())
        .map_err(|e| format!("keying handle_response: {e}"))?;
    let sas = i.poll_keys().ok_or("keying: no keys")?;
    if same_as_mykey(sas.first(), &k) && sas.len() == 1 {
        Ok(())
    } else {
        Err("SRTP keys differ".into())
    }
}
