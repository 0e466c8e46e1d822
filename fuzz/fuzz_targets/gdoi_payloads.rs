//! gdoi-ack codec on arbitrary bytes: the ISAKMP header, the generic payload chain and every
//! payload view (SA with its SA KEK / GAP / SA TEK chain, KD with key packets and the LKH
//! array, SEQ, HASH, ID, SIG, NONCE, Delete, Notification) never panic; every accessor of a
//! decoded view runs; each decoded payload re-emits byte-identically (RESERVED octets must
//! be zero on input, so decoded input is canonical) and the re-emitted chain decodes to
//! equal views. The message-level parsers (PUSH header, PUSH chain as plaintext, ACK) run
//! on the same bytes.
#![no_main]

use gdoi_ack::Codec;
use gdoi_ack::gm::push_cookies;
use gdoi_ack::wire::attributes::{Attribute, AttributeValue, Attributes};
use gdoi_ack::wire::delete::Delete;
use gdoi_ack::wire::gap::Gap;
use gdoi_ack::wire::hash::HashPayload;
use gdoi_ack::wire::header::{HEADER_LEN, Header};
use gdoi_ack::wire::identification::Identification;
use gdoi_ack::wire::key_download::{KeyDownload, KeyPacket};
use gdoi_ack::wire::message::{Ack, CBC_BLOCK, PushPayloads, parse_push_header};
use gdoi_ack::wire::nonce::Nonce;
use gdoi_ack::wire::notification::Notification;
use gdoi_ack::wire::sa::Sa;
use gdoi_ack::wire::sa_kek::SaKek;
use gdoi_ack::wire::sa_tek::{SaTek, TekBody};
use gdoi_ack::wire::seq::Seq;
use gdoi_ack::wire::sig::Signature;
use gdoi_ack::wire::{PayloadType, Payloads, body_reader, emit, from_element};
use keying_tlv::{ChainWriter, Element, Reader, Writer};
use libfuzzer_sys::fuzz_target;

fn touch_attrs(a: &Attributes<'_>) {
    let mut n = 0;
    for at in a.iter() {
        n += at.buffer_len();
        match at.value {
            AttributeValue::Basic(v) => assert_eq!(at.as_basic(), Some(v)),
            AttributeValue::Variable(v) => assert_eq!(at.as_variable(), Some(v)),
        }
        assert_eq!(a.get(at.kind).map(|x| x.kind), Some(at.kind));
    }
    assert_eq!(n, a.as_bytes().len(), "attributes cover their bytes");
    assert_eq!(a.is_empty(), n == 0);
    // Re-encode the attribute list.
    let list: Vec<Attribute<'_>> = a.iter().collect();
    let mut buf = vec![0u8; n];
    let again = Attributes::encode(&list, &mut buf).expect("attributes re-encode");
    assert_eq!(again.as_bytes(), a.as_bytes());
}

fn touch_sak(k: &SaKek<'_>) {
    let _ = (
        k.management_algorithm(),
        k.kek_algorithm(),
        k.key_length_bits(),
        k.key_lifetime(),
        k.sig_hash_algorithm(),
        k.sig_algorithm(),
        k.sig_key_length_bits(),
        k.ack_requested(),
        k.unknown_attribute(),
    );
    touch_attrs(&k.attributes);
}

fn touch_gap(g: &Gap<'_>) {
    let _ = (
        g.activation_time_delay(),
        g.deactivation_time_delay(),
        g.sender_id_request(),
    );
    touch_attrs(&g.attributes);
}

fn touch_tek(t: &SaTek<'_>) {
    match t.body {
        TekBody::Ipsec(i) => {
            assert_eq!(t.spi(), Some(i.spi));
            touch_attrs(&i.attributes);
        }
        TekBody::Opaque(_) => assert_eq!(t.spi(), None),
    }
}

fn touch_packet(p: &KeyPacket<'_>) {
    let _ = (
        p.tek_algorithm_key(),
        p.tek_integrity_key(),
        p.tek_source_auth_key(),
        p.kek_algorithm_key(),
        p.sig_algorithm_key(),
    );
    if let Some(a) = p.lkh_download_array() {
        assert!(a.count >= 1);
        let _ = a.first_key(None);
        for n in [0, 16, 32] {
            if let Some(k) = a.first_key(Some(n)) {
                assert_eq!(k.key_data.len(), n);
            }
        }
    }
    touch_attrs(&p.attributes);
}

/// Decodes one element as its view, touches it, re-emits it into the chain. Returns false
/// if the element does not decode.
fn element(e: &Element<'_>, chain: &mut ChainWriter, w: &mut Writer<'_>) -> bool {
    macro_rules! view {
        ($t:ty, |$v:ident| $touch:block) => {{
            let Ok($v) = from_element::<$t>(e) else {
                return false;
            };
            $touch
            // The stand-alone parser agrees.
            assert_eq!(<$t>::read(&mut body_reader(e)).ok(), Some($v));
            emit(&$v, chain, w);
        }};
    }
    match PayloadType::from(e.kind) {
        PayloadType::Sa => view!(Sa, |sa| {
            assert_eq!(sa.doi, gdoi_ack::wire::sa::DOI_GDOI);
            if let Some(k) = &sa.kek {
                touch_sak(k);
            }
            if let Some(g) = &sa.gap {
                touch_gap(g);
            }
            let n = sa.teks.len();
            assert_eq!(sa.teks.iter().count(), n);
            assert_eq!(sa.teks.is_empty(), n == 0);
            assert!(sa.kek.is_some() || n > 0);
            for t in sa.teks.iter() {
                touch_tek(&t);
            }
        }),
        PayloadType::SaKek => view!(SaKek, |k| { touch_sak(&k) }),
        PayloadType::SaTek => view!(SaTek, |t| { touch_tek(&t) }),
        PayloadType::Gap => view!(Gap, |g| { touch_gap(&g) }),
        PayloadType::KeyDownload => view!(KeyDownload, |kd| {
            let n = kd.packets.len();
            assert_eq!(
                kd.packets.iter().count(),
                n,
                "KD packets iterate to their count"
            );
            assert_eq!(kd.packets.is_empty(), n == 0);
            let mut len = 4;
            for p in kd.packets.iter() {
                touch_packet(&p);
                len += p.buffer_len();
                let _ = kd.tek(p.spi);
            }
            assert_eq!(len + 4, e.raw.len(), "key packets fill the KD");
            let _ = (kd.kek(), kd.lkh());
        }),
        PayloadType::Seq => view!(Seq, |s| {
            assert_eq!(&s.to_payload_bytes(e.raw[0])[..], e.raw);
        }),
        PayloadType::Hash => view!(HashPayload, |h| { assert!(!h.data.is_empty()) }),
        PayloadType::Id => view!(Identification, |id| {
            assert_eq!(id.payload_len(), e.raw.len());
            let _ = id.data.id_type();
        }),
        PayloadType::Sig => view!(Signature, |s| { assert!(!s.data.is_empty()) }),
        PayloadType::Nonce => view!(Nonce, |n| { assert!(n.data.len() >= 8) }),
        PayloadType::Delete => view!(Delete, |d| {
            let n = d.spis().count();
            if d.spi_size() != 0 {
                assert_eq!(n, usize::from(d.count()));
            }
            for s in d.spis() {
                assert_eq!(s.len(), usize::from(d.spi_size()));
            }
        }),
        PayloadType::Notification => view!(Notification, |n| {
            let _ = n.notify_type;
        }),
        _ => {
            // No view (CERT, POP, unknown): carried as is.
            let p = chain.begin_isakmp(w, e.kind);
            w.bytes(e.body);
            chain.end_isakmp(w, p);
        }
    }
    true
}

/// Walks the chain starting with `first` over `r`; re-emits what decoded and compares.
fn chain(first: u8, r: Reader<'_>) {
    let start = r.offset();
    let bytes = r.rest();
    let mut buf = vec![0u8; bytes.len() + 1];
    let mut w = Writer::new(&mut buf);
    let mut cw = ChainWriter::new(w.next_payload());
    let mut all = true;
    let mut end = start;
    let mut steps = 0;
    for e in Payloads::new(first, r) {
        steps += 1;
        assert!(steps <= bytes.len() + 1, "chain did not terminate");
        let Ok(e) = e else {
            all = false;
            break;
        };
        assert_eq!(e.offset, end, "elements contiguous");
        assert_eq!(e.raw.get(1), Some(&0), "RESERVED checked");
        end += e.raw.len();
        if !element(&e, &mut cw, &mut w) {
            all = false;
            break;
        }
    }
    let n = w.finish().expect("re-emitted chain fits");
    if !all {
        return;
    }
    assert_eq!(n, 1 + end - start);
    assert_eq!(buf[0], if end == start { 0 } else { first });
    assert_eq!(
        &buf[1..n],
        &bytes[..end - start],
        "chain not re-emitted byte for byte"
    );
    // The re-emitted chain decodes to the same element sequence.
    let a = Payloads::new(first, Reader::at(bytes, start)).map(|e| e.map(|e| (e.kind, e.raw)));
    let b =
        Payloads::new(buf[0], Reader::at(&buf[1..n], start)).map(|e| e.map(|e| (e.kind, e.raw)));
    assert!(a.zip(b).all(|(a, b)| a == b));
}

fuzz_target!(|data: &[u8]| {
    // Header, then the chain it announces.
    let mut r = Reader::new(data);
    if let Ok(h) = Header::parse(&mut r) {
        assert_eq!(r.offset(), HEADER_LEN);
        assert!(h.length as usize >= HEADER_LEN);
        let (i, rc) = Header::split_cookies(&h.cookies());
        assert_eq!((i, rc), (h.initiator_cookie, h.responder_cookie));
        assert_eq!(push_cookies(data), Some(h.cookies()));
        let mut out = [0u8; HEADER_LEN];
        let mut w = Writer::new(&mut out);
        h.emit(&mut w);
        assert_eq!(w.finish(), Ok(HEADER_LEN));
        assert_eq!(&out[..], &data[..HEADER_LEN]);
        chain(h.next_payload, r.clone());
        // The chain as PUSH plaintext (what the GM sees after decryption).
        if let Ok(p) = PushPayloads::parse(h.next_payload, r.rest(), HEADER_LEN, CBC_BLOCK - 1) {
            assert!(p.chain_len <= r.rest().len());
            assert!(r.rest().len() - p.chain_len < CBC_BLOCK);
            assert_eq!(p.deletes.iter().count(), p.deletes.len());
            assert_eq!(p.sa.is_some(), p.kd.is_some());
            assert!(p.sa.is_some() || !p.deletes.is_empty());
            assert!(p.signed.len() < p.chain_len);
            assert_eq!(p.signed, &r.rest()[..p.signed.len()]);
        }
    }
    if let Ok(h) = parse_push_header(data) {
        assert_eq!(h.length as usize, data.len());
        assert_eq!((data.len() - HEADER_LEN) % CBC_BLOCK, 0);
    }
    if let Ok(a) = Ack::parse(data) {
        assert_eq!(a.header.length as usize, data.len());
        let at = data.len() - a.hashed.len();
        assert_eq!(&data[at..], a.hashed);
        // Re-emit the ACK from its parts.
        let mut out = vec![0u8; data.len()];
        let mut w = Writer::new(&mut out);
        Ack::emit(&mut w, &a.header.cookies(), a.hash.data, a.seq, &a.id);
        assert_eq!(w.finish(), Ok(data.len()));
        assert_eq!(out, data, "ACK not re-emitted byte for byte");
    }
    // Without a header: the first byte names the first payload of a bare chain.
    if let Some((&first, rest)) = data.split_first() {
        chain(first, Reader::at(rest, 1));
    }
});
