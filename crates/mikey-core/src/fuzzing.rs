//! Fuzzing entry point (feature `insecure-fuzzing`): drives every Responder and Initiator
//! with arbitrary messages and time steps over [`keying_crypto::insecure::InsecureFuzzing`],
//! under which every MAC and signature verifies, so the fuzzer reaches the code behind
//! them. **Never enable in a product.**
//!
//! A `cargo fuzz` target is one line: `fuzz_target!(|data: &[u8]| mikey_core::fuzzing::drive(data));`

use keying_crypto::insecure::{InsecureFuzzing, InsecureRsaKey};
use keying_crypto::{CryptoError, Rng};

use crate::dh::{DhInitiator, DhResponder};
use crate::dhhmac::{DhHmacInitiator, DhHmacResponder};
use crate::error::KmError;
use crate::hooks::StaticPsk;
use crate::hooks::{CertResolver, LocalIdentity};
use crate::offer::Offer;
use crate::pk::{PkInitiator, PkResponder};
use crate::policy::Policy;
use crate::psk::{PskInitiator, PskResponder};
use crate::rsa_r::{RsaRInitiator, RsaRMode, RsaROffer, RsaRResponder};
use crate::wire::cert::Cert;
use crate::wire::dh::DhGroup;
use crate::wire::header::SrtpCs;
use crate::wire::id::{Id, IdType};
use crate::wire::timestamp::{Timestamp, TsType};
use keying_crypto::Time;

/// A deterministic generator for fuzzing.
#[derive(Debug, Clone)]
pub struct CounterRng(pub u64);

impl Rng for CounterRng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), CryptoError> {
        for b in dest {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            *b = self.0.to_be_bytes()[0];
        }
        Ok(())
    }
}

/// Trusts every certificate.
#[derive(Debug, Clone, Copy)]
pub struct TrustAll;

impl CertResolver for TrustAll {
    type Key = InsecureRsaKey;
    fn verified_key(
        &self,
        _: Option<&Cert<'_>>,
        _: Option<&[u8]>,
    ) -> Result<InsecureRsaKey, KmError> {
        Ok(InsecureRsaKey { modulus_len: 256 })
    }
}

/// The policy the fuzzer runs every role with: every path reachable (weak groups, NULL
/// encryption and SRTP, NULL-protected PSK I_MESSAGEs, COUNTER timestamps).
fn fuzz_policy() -> Policy {
    Policy {
        allow_null_encryption: true,
        insecure_accept_unprotected_kemac: true,
        allow_null_srtp_encryption: true,
        allow_null_srtp_auth: true,
        time: crate::replay::TimePolicy {
            accept_counter: true,
            ..crate::replay::TimePolicy::default()
        },
        dh_groups: crate::policy::DhGroups::ALL,
        min_rsa_bits: 0,
        ..Policy::default()
    }
}

/// One Initiator of each mode, each having sent its I_MESSAGE for `offer` at `now`.
type Initiators = (
    PskInitiator<InsecureFuzzing>,
    DhHmacInitiator<InsecureFuzzing>,
    PkInitiator<InsecureFuzzing>,
    DhInitiator<InsecureFuzzing>,
    RsaRInitiator<InsecureFuzzing>,
);

/// The Initiators waiting for their responses (their I_MESSAGEs are dropped).
fn initiators(
    policy: Policy,
    now: Time,
    offer: &Offer<'_>,
    me: &LocalIdentity<'_, InsecureRsaKey>,
    rng: &mut CounterRng,
) -> Initiators {
    let s = InsecureFuzzing;
    let mut buf = [0u8; 2048];
    let mut psk_i = PskInitiator::new(s, policy);
    let _ = psk_i.start(now, offer, b"fuzz psk", rng, &mut buf);
    let mut dhh_i = DhHmacInitiator::new(s, policy);
    let _ = dhh_i.start(now, offer, DhGroup::Oakley1, b"fuzz psk", rng, &mut buf);
    let mut pk_i = PkInitiator::new(s, policy);
    let _ = pk_i.start(now, offer, me, me.key, None, rng, &mut buf);
    let mut dh_i = DhInitiator::new(s, policy);
    let _ = dh_i.start(now, offer, DhGroup::Oakley1, me, rng, &mut buf);
    let mut rr_i = RsaRInitiator::new(s, policy);
    let rsa_offer = RsaROffer::new(7, offer.t, RsaRMode::Group);
    let _ = rr_i.start(now, &rsa_offer, me, rng, &mut buf);
    (psk_i, dhh_i, pk_i, dh_i, rr_i)
}

/// Runs one fuzz input: a sequence of `target (1) ‖ time step (1, seconds) ‖ length (2) ‖
/// message` records, each handed to one role at the advanced virtual time. Checks the
/// rejection rule (a rejected message does not grow a replay cache) and never panics
/// otherwise.
#[allow(clippy::too_many_lines, clippy::panic)]
pub fn drive(data: &[u8]) {
    let s = InsecureFuzzing;
    let policy = fuzz_policy();
    let key = InsecureRsaKey { modulus_len: 256 };
    let me = LocalIdentity {
        key: &key,
        cert: Some(b"cert"),
        id: Some(Id {
            id_type: IdType::Uri,
            data: b"sip:fuzz@example.com",
        }),
    };
    let psk = match StaticPsk::new(b"fuzz psk") {
        Ok(p) => p,
        Err(_) => return,
    };
    let mut rng = CounterRng(1);
    let mut now = Time::from_unix_secs(3_972_844_800 - keying_crypto::NTP_UNIX_OFFSET_SECS);
    let t = Timestamp {
        ts_type: TsType::NtpUtc,
        value: now.to_ntp(),
    };
    let streams = [SrtpCs {
        policy_no: 0,
        ssrc: 1,
        roc: 0,
    }];
    let offer = Offer {
        verification: true,
        ..Offer::new(7, &streams, t)
    };
    let mut out = [0u8; 4096];
    let mut psk_r: PskResponder<_, 4, 4> = PskResponder::with_capacity(s, policy);
    let mut dhh_r: DhHmacResponder<_, 4, 4> = DhHmacResponder::with_capacity(s, policy);
    let mut pk_r: PkResponder<_, 4, 4> = PkResponder::with_capacity(s, policy);
    let mut dh_r: DhResponder<_, 4, 4> = DhResponder::with_capacity(s, policy);
    let Ok(mut rr_r) = RsaRResponder::<_, 4, 4>::with_capacity(s, policy, &streams, &[]) else {
        return;
    };
    if data.first().is_some_and(|b| b & 1 == 1)
        && rr_r.serve_group(&streams, &[], 16, &mut rng).is_err()
    {
        return;
    }
    let (mut psk_i, mut dhh_i, mut pk_i, mut dh_i, mut rr_i) =
        initiators(policy, now, &offer, &me, &mut rng);
    let mut rest = data.get(1..).unwrap_or_default();
    while let [target, step, hi, lo, tail @ ..] = rest {
        let len = usize::from(u16::from_be_bytes([*hi, *lo])).min(tail.len());
        let (msg, next) = tail.split_at(len);
        rest = next;
        now = now.saturating_add(core::time::Duration::from_secs(u64::from(u32::from(*step))));
        macro_rules! responder {
            ($r:expr, $call:expr) => {{
                let before = $r.replay_cache().len();
                if $call.is_err() && $r.replay_cache().len() > before {
                    panic!("a rejected message changed the replay cache");
                }
            }};
        }
        match target % 10 {
            0 => responder!(psk_r, psk_r.handle(now, msg, &psk, &mut out)),
            1 => responder!(dhh_r, dhh_r.handle(now, msg, &psk, &mut rng, &mut out)),
            2 => responder!(
                pk_r,
                pk_r.handle(now, msg, &me, &TrustAll, &mut rng, &mut out)
            ),
            3 => responder!(
                dh_r,
                dh_r.handle(now, msg, &me, &TrustAll, &mut rng, &mut out)
            ),
            4 => responder!(
                rr_r,
                rr_r.handle(now, msg, &me, &TrustAll, &mut rng, &mut out)
            ),
            5 => {
                let _ = psk_i.handle_response(now, msg);
            }
            6 => {
                let _ = dhh_i.handle_response(now, msg);
            }
            7 => {
                let _ = pk_i.handle_response(now, msg);
            }
            8 => {
                let _ = dh_i.handle_response(now, msg, &TrustAll);
            }
            _ => {
                let _ = rr_i.handle_response(now, msg, &me, &TrustAll, &mut rng);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drive_survives_garbage_and_echoes() {
        drive(&[]);
        drive(&[1, 0, 0, 0, 3, 1, 2, 3]);
        let mut data = vec![0u8];
        for target in 0..10u8 {
            data.extend([target, 1, 0, 12]);
            data.extend([1, target, 5, 0, 0, 0, 0, 7, 0, 0, 0, 0]);
        }
        drive(&data);
    }
}
