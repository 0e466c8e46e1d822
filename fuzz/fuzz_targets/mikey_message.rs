//! mikey-core message layer: `Message::parse` on arbitrary bytes never panics; on success the
//! mode rules and timestamp check return (either way), every covered-bytes accessor returns
//! slices of the input at the offsets it claims, every payload view's accessors run, the
//! KEMAC / TP / TICKET inner chains are walked (KEMAC Encr data taken as plaintext, with
//! both implied first types), and `emit` → `parse` gives the same header and payloads —
//! byte-identical when the input was canonical (no reserved bits set: the DH KV byte's
//! high nibble, the ERR reserved octets; lib.rs "Reserved bits").
#![no_main]

use libfuzzer_sys::fuzz_target;
use mikey_core::{
    CsIdMap, DataType, Kemac, Message, Payload, PayloadItem, PayloadType, Payloads, Sign, Sp,
    SrtpParamType, Timestamp, wire::emit_sub_payloads,
};

/// Where `s` lies inside `data` (same allocation), if it does.
fn offset_in(data: &[u8], s: &[u8]) -> Option<usize> {
    let start = data.as_ptr() as usize;
    let p = s.as_ptr() as usize;
    (p >= start && p + s.len() <= start + data.len()).then(|| p - start)
}

fn assert_prefix(data: &[u8], s: &[u8], what: &str) {
    assert!(
        s.is_empty() || offset_in(data, s) == Some(0),
        "{what} is not a prefix of the message"
    );
    assert!(s.len() <= data.len(), "{what} longer than the message");
}

/// Calls every accessor of a payload view; returns false when the payload makes the message
/// non-canonical (a reserved bit the emitter writes as zero).
fn touch(item: &PayloadItem<'_>) -> bool {
    match item.payload {
        Payload::Kemac(k) => {
            assert!(k.mac_offset() <= item.raw.len());
            assert_eq!(k.mac_offset() + k.mac.len(), item.raw.len());
            let _ = k.mac_alg.mac_len();
            let _ = k
                .plain_sub_payloads(PayloadType::KeyData)
                .map(|c| c.count());
            // Encr data as if decrypted: PSK mode's implied Key data, PK / RSA-R's ID.
            for first in [PayloadType::KeyData, PayloadType::Id] {
                let chain = Kemac::sub_payloads(k.encr_data, first);
                // A whole, canonical sub-payload chain re-emits as the Encr data.
                if let Some(subs) = walk_inner(chain, k.encr_data.len())
                    && subs.first().is_none_or(|p| p.kind() == first)
                {
                    let mut buf = vec![0x2a_u8; k.encr_data.len()];
                    let n = emit_sub_payloads(&subs, &mut buf).expect("sub-payloads re-emit");
                    assert_eq!(&buf[..n], k.encr_data, "KEMAC sub-payloads not re-emitted");
                }
            }
        }
        Payload::Dh(d) => {
            assert_eq!(d.group.value_len(), Some(d.value.len()));
            let _ = d.kv.kv();
            // KV byte: after Next, Group and the value; its high nibble is reserved.
            let kv_at = 2 + d.value.len();
            if item.raw.get(kv_at).is_some_and(|b| b & 0xf0 != 0) {
                return false;
            }
        }
        Payload::Err(_) => {
            if item.raw.get(2..4) != Some(&[0, 0]) {
                return false;
            }
        }
        Payload::Timestamp(t) => {
            touch_ts(t);
        }
        Payload::GeneralExt(g) => {
            if let Some(ids) = g.sdp_ids() {
                for id in ids {
                    assert!(!id.is_empty() && !id.contains(&b' '));
                }
            }
            let _ = g.csb_id();
        }
        Payload::Sakke(s) => {
            if let Some((a, b)) = s.encapsulated() {
                assert_eq!(a.len() + b.len(), s.data.len());
            }
        }
        Payload::Sp(sp) => touch_sp(&sp),
        Payload::Sign(s) => {
            assert_eq!(Sign::SIGNATURE_OFFSET + s.signature.len(), item.raw.len());
        }
        Payload::Tp(tp) => {
            walk_inner(tp.policy.tp_payloads(), tp.policy.tp_data.len());
        }
        Payload::Ticket(t) => {
            assert!(t.initiator_data_offset() + 2 <= item.raw.len());
            walk_inner(t.policy.tp_payloads(), t.policy.tp_data.len());
            walk_inner(t.initiator_payloads(), t.initiator_data.len());
            let _ = t.policy.flags.has(mikey_core::TicketFlags::K);
        }
        Payload::KeyData(k) => {
            assert_eq!(k.key_type.has_salt(), Some(k.salt.is_some()));
            let _ = k.kv.kv();
        }
        _ => {}
    }
    true
}

fn touch_ts(t: Timestamp) {
    let _ = t.value64();
    let _ = t.check();
    let _ = t.ts_type.value_len();
}

fn touch_sp(sp: &Sp<'_>) {
    let n = sp.params.len();
    assert_eq!(sp.params.iter().count(), n);
    assert_eq!(sp.params.is_empty(), n == 0);
    for (i, p) in sp.params.iter().enumerate() {
        assert_eq!(sp.params.get(i), Some(p));
        let _ = p.srtp_type();
        let _ = p.uint();
    }
    let _ = sp.srtp_param(SrtpParamType::EncrAlg);
    let _ = sp.srtp_auth_tag_len();
}

/// Walks an inner chain (offsets relative to its data): terminates, stays inside.
fn walk_inner<'a>(chain: Payloads<'a>, len: usize) -> Option<Vec<Payload<'a>>> {
    let mut steps = 0;
    let mut subs = Vec::new();
    let mut whole = true;
    for item in chain {
        steps += 1;
        assert!(steps <= len + 1, "inner chain did not terminate");
        match item {
            Ok(p) => {
                assert!(p.offset + p.raw.len() <= len);
                whole &= touch(&p);
                subs.push(p.payload);
            }
            Err(e) => {
                assert!(e.offset <= len + 1, "{e:?}");
                return None;
            }
        }
    }
    whole.then_some(subs)
}

fuzz_target!(|data: &[u8]| {
    let Ok(m) = Message::parse(data) else {
        return;
    };
    // Checks return, whatever they say.
    let _ = m.check_mode_rules();
    let _ = m.check_timestamp();
    assert!(m.payload_count() <= data.len());
    assert_eq!(m.bytes(), data);
    let h = m.header();
    let _ = h.data_type.is_ticket();
    let _ = h.cs_id_map.map_type();
    match h.cs_id_map {
        CsIdMap::SrtpId(l) => assert_eq!(l.iter().count(), h.cs_id_map.n_cs()),
        CsIdMap::GenericId(l) => {
            for cs in l {
                let _ = cs.srtp_session();
            }
        }
        CsIdMap::Empty { .. } => {}
    }

    // Payloads: contiguous, inside the input, each re-parsed on its own.
    let mut canonical = true;
    let mut end = None;
    let mut count = 0;
    for p in m.payloads() {
        count += 1;
        assert_eq!(offset_in(data, p.raw), Some(p.offset), "raw at its offset");
        if let Some(e) = end {
            assert_eq!(p.offset, e, "payloads contiguous");
        }
        end = Some(p.offset + p.raw.len());
        assert_eq!(p.payload.kind() == PayloadType::Sign, p.next.is_none());
        canonical &= touch(&p);
    }
    assert_eq!(count, m.payload_count());
    assert_eq!(
        end.unwrap_or(data.len()),
        data.len(),
        "payloads end the message"
    );
    let _ = m.find(PayloadType::Rand);
    let _ = m.timestamp();
    let _ = m.rand();
    let _ = m.kemac();
    let _ = m.verification();
    assert_eq!(
        m.find_all(PayloadType::Timestamp).count() >= 1,
        m.timestamp().is_some()
    );

    // Covered bytes: prefixes of the input, ending where the MAC / signature starts.
    if let Some(r) = m.signature_range() {
        assert!(r.start <= r.end && r.end == data.len());
        let s = m.signed_bytes().expect("signed bytes with a signature");
        assert_prefix(data, s, "signed bytes");
        assert_eq!(s.len(), r.start);
        assert_eq!(m.sign().map(|s| s.signature), data.get(r));
    } else {
        assert!(m.signed_bytes().is_none());
    }
    if let Some(c) = m.kemac_covered() {
        assert_prefix(data, c.message, "KEMAC covered message");
        assert_eq!(c.message.len(), c.mac.start);
        let at = offset_in(data, c.payload_fields).expect("KEMAC covered payload in the input");
        let kemac_at = m.find(PayloadType::Kemac).map(|p| p.offset);
        assert_eq!(
            kemac_at.map(|o| o + 1),
            Some(at),
            "the KEMAC fields follow its Next payload byte"
        );
        assert_eq!(at + c.payload_fields.len(), c.mac.start);
        assert_eq!(data.get(c.mac.clone()), m.kemac().map(|k| k.mac));
    }
    if let Some(r) = m.verification_mac_range() {
        assert_eq!(data.get(r.clone()), m.verification().map(|v| v.ver_data));
        let c = m.verification_covered().expect("V covered bytes");
        assert_prefix(data, c.first, "V covered first part");
        if c.second.is_empty() {
            assert_eq!(c.first.len(), r.start);
        } else {
            let second_at = offset_in(data, c.second).expect("V covered second part in the input");
            assert_eq!(m.data_type(), DataType::TransferInit);
            assert!(second_at >= c.first.len());
            assert_eq!(second_at + c.second.len(), r.start);
        }
    } else {
        assert!(m.verification_covered().is_none());
    }

    // emit → parse.
    let mut buf = vec![0x2a_u8; data.len() + 16];
    let n = m.emit(&mut buf).expect("a parsed message re-emits");
    let again = Message::parse(&buf[..n]).expect("re-emitted message parses");
    assert_eq!(again.header(), m.header());
    assert!(
        again
            .payloads()
            .map(|p| p.payload)
            .eq(m.payloads().map(|p| p.payload)),
        "payloads differ after emit → parse"
    );
    if canonical {
        assert_eq!(
            &buf[..n],
            data,
            "canonical input not re-emitted byte for byte"
        );
    } else {
        assert_eq!(n, data.len());
        let mut buf2 = vec![0u8; n];
        assert_eq!(again.emit(&mut buf2), Ok(n));
        assert_eq!(buf2, &buf[..n], "emit is not idempotent");
    }
    // A short buffer reports the size it needs.
    if n > 0 {
        let mut short = vec![0u8; n - 1];
        assert_eq!(
            m.emit(&mut short),
            Err(keying_tlv::WriteError::BufferTooSmall { needed: n })
        );
    }
});
