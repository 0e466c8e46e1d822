//! The payload TLV engine on its own: builds one message in each of the three framings the
//! protocols use, prints the bytes that would cross the wire, and walks them back.
//!
//! `cargo run --example tlv_chains`

// An example over its own fixed buffers, not wire input from a peer.
#![allow(clippy::indexing_slicing, clippy::unwrap_used)]

use keying_tlv::{Chain, ChainWriter, Element, Isakmp, Mikey, NdOptions, Reader, Writer};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// RFC 3830 §6.6 ID payload (type 6) and §6.11 RAND payload (type 11): the only two layouts
/// this example needs, enough to show a type-specific length function.
fn mikey_len(kind: u8, mut r: Reader<'_>) -> keying_tlv::Result<usize> {
    r.u8("next payload")?;
    match kind {
        6 => {
            r.u8("ID type")?;
            Ok(4 + usize::from(r.u16("ID len")?))
        }
        11 => Ok(2 + usize::from(r.u8("RAND len")?)),
        _ => Err(r.error(
            "payload type",
            keying_tlv::ErrorKind::UnknownType { value: kind.into() },
        )),
    }
}

fn show<'a>(
    framing: &str,
    bytes: &[u8],
    items: impl Iterator<Item = keying_tlv::Result<Element<'a>>>,
) {
    println!(
        "{framing}: {} bytes on the wire: {}",
        bytes.len(),
        hex(bytes)
    );
    for e in items {
        match e {
            Ok(e) => println!(
                "  type {:>3} at offset {:>2}: body {}",
                e.kind,
                e.offset,
                hex(e.body)
            ),
            Err(e) => println!("  error: {e}"),
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // MIKEY: a one-byte "header" naming the first payload, then ID (URI) and RAND.
    let mut buf = [0u8; 128];
    let mut w = Writer::new(&mut buf);
    let mut chain = ChainWriter::new(w.next_payload());
    chain.begin_mikey(&mut w, 6);
    w.u8(1); // ID type: URI
    let len = w.open_len_after(2, "ID len");
    w.bytes(b"sip:alice@example.com");
    w.close_len(len);
    chain.begin_mikey(&mut w, 11);
    let len = w.open_len_after(1, "RAND len");
    w.bytes(&[0x5a; 16]);
    w.close_len(len);
    let n = w.finish()?;
    let mut r = Reader::new(&buf[..n]);
    let first = r.u8("next payload")?;
    show(
        "MIKEY",
        &buf[..n],
        Chain::new(
            Mikey {
                payloads: mikey_len as keying_tlv::MikeyLenFn,
                terminal: Some(4),
            },
            first,
            r,
        ),
    );

    // ISAKMP: a HASH (8) and a SEQ (GDOI, 18) behind a one-byte "header".
    let mut buf = [0u8; 64];
    let mut w = Writer::new(&mut buf);
    let mut chain = ChainWriter::new(w.next_payload());
    let p = chain.begin_isakmp(&mut w, 8);
    w.bytes(&[0xab; 32]);
    chain.end_isakmp(&mut w, p);
    let p = chain.begin_isakmp(&mut w, 18);
    w.u32(7);
    chain.end_isakmp(&mut w, p);
    let n = w.finish()?;
    let mut r = Reader::new(&buf[..n]);
    let first = r.u8("next payload")?;
    show("ISAKMP", &buf[..n], Chain::new(Isakmp, first, r));

    // ND options: a Nonce (14) and a Timestamp (13), padded to 8-octet units.
    let mut buf = [0u8; 64];
    let mut w = Writer::new(&mut buf);
    let o = w.begin_nd_option(14);
    w.bytes(&[1, 2, 3, 4, 5, 6]);
    w.end_nd_option(o);
    let o = w.begin_nd_option(13);
    w.zeros(6);
    w.u64(0x0000_6560_0000_0000);
    w.end_nd_option(o);
    let n = w.finish()?;
    show(
        "ND",
        &buf[..n],
        Chain::new(NdOptions, 0, Reader::new(&buf[..n])),
    );

    // A buffer too small is reported with the size the whole message needs.
    let mut small = [0u8; 8];
    let mut w = Writer::new(&mut small);
    w.bytes(&buf[..n]);
    println!("into an 8-byte buffer: {}", w.finish().unwrap_err());
    Ok(())
}
