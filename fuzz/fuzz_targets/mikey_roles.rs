//! Every MIKEY initiator and responder (PSK, PK, DH, DHHMAC, RSA-R and the dispatching
//! responder) driven with arbitrary messages and time steps under the insecure provider, so
//! inputs get past MAC and signature checks. `mikey_core::fuzzing::drive` asserts the
//! commit-last rule (a rejected message changes no replay cache or role state).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mikey_core::fuzzing::drive(data));
