//! send-hokey CGA: `cga::verify` on arbitrary parameters and address under both Sec
//! policies, and the CGA Parameters parse → emit round trip.
//!
//! Input: one control octet (bit 0: derive the address from the parameters with
//! `cga::address`, so verification gets past Hash1; bits 5–7: the Sec used then), 16 octets
//! of address, the parameters.
#![no_main]

use std::net::Ipv6Addr;

use keying_crypto::rustcrypto::RustCrypto;
use keying_tlv::Writer;
use libfuzzer_sys::fuzz_target;
use send_hokey::cga::{self, CgaError, MAX_COLLISION_COUNT, SecPolicy};
use send_hokey::wire::CgaParams;

const C: RustCrypto = RustCrypto;

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let Some((addr, params)) = rest.split_first_chunk::<16>() else {
        return;
    };
    let parsed = CgaParams::parse(params);

    // Round trip: the view keeps every octet, so emitting it gives the input back.
    if let Ok(p) = parsed {
        assert_eq!(p.buffer_len(), params.len());
        let mut buf = vec![0u8; p.buffer_len()];
        let mut w = Writer::new(&mut buf);
        p.emit(&mut w);
        assert_eq!(w.finish(), Ok(params.len()));
        assert_eq!(buf, params);
        assert_eq!(CgaParams::parse(&buf), Ok(p));
    }

    let mut address = Ipv6Addr::from(*addr);
    if control & 1 != 0
        && let Ok(p) = parsed
    {
        address = cga::address(&C, &p, control >> 5);
        assert_eq!(address.octets()[..8], p.subnet_prefix);
    }

    for policy in [SecPolicy::Rfc4982, SecPolicy::Rfc3972] {
        let r = cga::verify(&C, params, &address, policy);
        // Malformed exactly when the parameters do not decode.
        assert_eq!(matches!(r, Err(CgaError::Malformed)), parsed.is_err());
        if let Ok(p) = r {
            assert_eq!(Ok(p), parsed);
            assert!(p.collision_count <= MAX_COLLISION_COUNT);
            assert_eq!(address.octets()[..8], p.subnet_prefix);
            assert_eq!(address, {
                let sec = address.octets()[8] >> 5;
                let mut a = cga::address(&C, &p, sec).octets();
                // cga::address clears u and g; verification ignores them.
                a[8] |= address.octets()[8] & 0x03;
                Ipv6Addr::from(a)
            });
        }
        if control & 1 != 0
            && let Ok(p) = parsed
            && p.collision_count <= MAX_COLLISION_COUNT
        {
            // A derived address always passes the prefix and Hash1 steps.
            assert!(
                matches!(r, Ok(_) | Err(CgaError::UnsupportedSec | CgaError::Hash2)),
                "{r:?}"
            );
        }
        // The u and g bits are ignored (RFC 3972 §5 step 4).
        let mut flipped = address.octets();
        flipped[8] ^= 0x03;
        let r2 = cga::verify(&C, params, &Ipv6Addr::from(flipped), policy);
        assert_eq!(r.is_ok(), r2.is_ok());
        assert_eq!(r.err(), r2.err());
    }
    // RFC 4982 accepts a subset of what RFC 3972 accepts.
    if cga::verify(&C, params, &address, SecPolicy::Rfc4982).is_ok() {
        assert!(cga::verify(&C, params, &address, SecPolicy::Rfc3972).is_ok());
    }
});
