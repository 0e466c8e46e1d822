//! COUNTER timestamps (RFC 3830 §5.4, §6.6): refused by default, since a counter gives no
//! freshness; when a Responder accepts them, its per-peer table of last counters (`P = 16`
//! slots by default) can never be filled for good. More authenticated peers than slots
//! are all accepted — the least recently used peer's slot is evicted — while a replay of
//! a remembered peer's counter is still refused. The price, as documented: an evicted
//! peer's old message is taken as first-seen.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod km;

use keying_crypto::rustcrypto::RustCrypto;
use km::*;
use mikey_core::error::KmError;
use mikey_core::hooks::StaticPsk;
use mikey_core::offer::Offer;
use mikey_core::policy::Policy;
use mikey_core::psk::{PskInitiator, PskResponder};
use mikey_core::replay::{ReplayCache, ReplayError, TimePolicy, TsError};
use mikey_core::{ErrorNo, Id, IdType, Timestamp, TsType};

const PSK: &[u8] = b"counter table shared secret";

/// More distinct peers than the default table has slots.
const PEERS: usize = 20;

fn counter(value: u64) -> Timestamp {
    Timestamp {
        ts_type: TsType::Counter,
        value,
    }
}

fn counter_policy() -> Policy {
    Policy {
        time: TimePolicy {
            accept_counter: true,
            ..TimePolicy::default()
        },
        ..Policy::default()
    }
}

/// An authentic I_MESSAGE from the peer named `sip:peer<n>@example.com` with COUNTER
/// `value`.
fn from_peer(n: usize, value: u64) -> Vec<u8> {
    let uri = format!("sip:peer{n}@example.com");
    let offer = Offer {
        id_i: Some(Id {
            id_type: IdType::Uri,
            data: uri.as_bytes(),
        }),
        ..Offer::new(
            0x0c00_0000 + (n as u32) * 256 + value as u32,
            &STREAMS[..1],
            counter(value),
        )
    };
    let mut buf = vec![0u8; 1024];
    let n = PskInitiator::new(RustCrypto, Policy::default())
        .start(
            mikey_core::Time::from_ntp((offer).t.value64()).unwrap_or_default(),
            &offer,
            PSK,
            &mut rng(n as u8),
            &mut buf,
        )
        .unwrap();
    buf.truncate(n);
    buf
}

#[test]
fn counter_refused_by_default() {
    assert!(!TimePolicy::default().accept_counter);
    let psk = StaticPsk::new(PSK).unwrap();
    let mut r: PskResponder<_> = PskResponder::new(RustCrypto, Policy::default());
    let mut out = vec![0u8; 1024];
    let e = r
        .handle(now(0), &from_peer(0, 1), &psk, &mut out)
        .unwrap_err();
    assert_eq!(e.error, KmError::Timestamp(TsError::CounterRefused));
    assert_eq!(e.error.error_no(), ErrorNo::InvalidTs);
    assert_eq!(r.replay_cache().counter_peers(), 0);
}

#[test]
fn more_counter_peers_than_slots_are_all_accepted_and_replays_still_refused() {
    let psk = StaticPsk::new(PSK).unwrap();
    let mut r: PskResponder<_> = PskResponder::new(RustCrypto, counter_policy());
    let mut out = vec![0u8; 1024];
    let first: Vec<Vec<u8>> = (0..PEERS).map(|n| from_peer(n, 1)).collect();
    // Peers 0..16 fill the table; peer 0 talks again, so peer 1 is the least recently
    // used when peer 16 arrives.
    for msg in &first[..16] {
        r.handle(now(0), msg, &psk, &mut out).unwrap();
    }
    assert_eq!(r.replay_cache().counter_peers(), 16);
    let again = from_peer(0, 2);
    r.handle(now(0), &again, &psk, &mut out).unwrap();
    // The 17th peer and every one after it is accepted: the table never stays full.
    for (n, msg) in first.iter().enumerate().skip(16) {
        let acc = r.handle(now(0), msg, &psk, &mut out);
        assert!(acc.is_ok(), "peer {n}: {:?}", acc.err());
        assert_eq!(r.replay_cache().counter_peers(), 16);
    }
    // Replays of remembered peers are refused: the most recent one, one in the middle,
    // and peer 0, kept because it talked again.
    for msg in [&first[PEERS - 1], &first[10], &again, &first[0]] {
        let e = r.handle(now(0), msg, &psk, &mut out).unwrap_err();
        assert_eq!(e.error, KmError::Timestamp(TsError::CounterNotIncreasing));
    }
    // The documented price: peer 1, the least recently used, was evicted first, and its old
    // message is now first-seen again.
    r.handle(now(0), &first[1], &psk, &mut out).unwrap();
    let e = r.handle(now(0), &first[1], &psk, &mut out).unwrap_err();
    assert_eq!(e.error, KmError::Timestamp(TsError::CounterNotIncreasing));
}

#[test]
fn the_counter_table_evicts_the_least_recently_used_peer() {
    let p = TimePolicy {
        accept_counter: true,
        ..TimePolicy::default()
    };
    let fp = [0u8; 16];
    let at = now(0);
    let mut c: ReplayCache<1, 2> = ReplayCache::new();
    let (a, b, x) = ([1u8; 16], [2u8; 16], [3u8; 16]);
    c.insert(&counter(5), &a, &fp, at, &p).unwrap();
    c.insert(&counter(5), &b, &fp, at, &p).unwrap();
    // `a` becomes the most recently used; `x` evicts `b`.
    c.insert(&counter(6), &a, &fp, at, &p).unwrap();
    assert_eq!(c.check(&counter(7), &x, &fp, at, &p), Ok(()));
    c.insert(&counter(7), &x, &fp, at, &p).unwrap();
    assert_eq!(c.counter_peers(), 2);
    assert_eq!(
        c.check(&counter(6), &a, &fp, at, &p),
        Err(ReplayError::Ts(TsError::CounterNotIncreasing))
    );
    assert_eq!(
        c.check(&counter(7), &x, &fp, at, &p),
        Err(ReplayError::Ts(TsError::CounterNotIncreasing))
    );
    assert_eq!(c.check(&counter(5), &b, &fp, at, &p), Ok(()));
    // A rejected insert changes nothing.
    assert_eq!(
        c.insert(&counter(1), &a, &fp, at, &p),
        Err(ReplayError::Ts(TsError::CounterNotIncreasing))
    );
    assert_eq!(
        c.check(&counter(7), &a, &fp, at, &p),
        Ok(()),
        "a's counter is still 6"
    );
    // No slots at all: no COUNTER can be told from a replay, so none is taken.
    let mut none: ReplayCache<1, 0> = ReplayCache::new();
    assert_eq!(
        none.insert(&counter(1), &a, &fp, at, &p),
        Err(ReplayError::Full)
    );
}

/// The table against a model of a least-recently-used list: 400 COUNTER messages from 7
/// peers through 3 slots, in a fixed pseudo-random order. After each, exactly the peers the
/// model keeps refuse their last counter again, and the others are first-seen.
#[test]
fn the_counter_table_keeps_the_most_recently_used_peers_in_order() {
    let p = TimePolicy {
        accept_counter: true,
        ..TimePolicy::default()
    };
    let fp = [0u8; 16];
    let at = now(0);
    let mut c: ReplayCache<1, 3> = ReplayCache::new();
    // (peer, last counter), least recently used first.
    let mut model: Vec<(u8, u64)> = Vec::new();
    let mut next = [1u64; 7];
    let mut x = 0x2545_f491_u32;
    for _ in 0..400 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let peer = u8::try_from(x % 7).unwrap();
        let value = next[usize::from(peer)];
        next[usize::from(peer)] += 1;
        c.insert(&counter(value), &[peer; 16], &fp, at, &p).unwrap();
        model.retain(|(k, _)| *k != peer);
        if model.len() == 3 {
            model.remove(0);
        }
        model.push((peer, value));
        for k in 0..7u8 {
            let kept = model.iter().find(|(m, _)| *m == k);
            let again = c.check(&counter(next[usize::from(k)] - 1), &[k; 16], &fp, at, &p);
            match kept {
                Some(_) => assert_eq!(again, Err(ReplayError::Ts(TsError::CounterNotIncreasing))),
                None => assert_eq!(again, Ok(()), "peer {k} should have been evicted"),
            }
        }
        assert_eq!(c.counter_peers(), model.len());
    }
}
