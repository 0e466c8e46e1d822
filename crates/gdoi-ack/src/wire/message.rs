//! Whole messages: the GROUPKEY-PUSH payload chain
//! ([RFC 6407 §4](https://www.rfc-editor.org/rfc/rfc6407#section-4)) and the
//! GROUPKEY-PUSH-ACK ([RFC 8263 §3](https://www.rfc-editor.org/rfc/rfc8263#section-3)).
//!
//! ```text
//! GROUPKEY-PUSH:      HDR*, SEQ, [D,] SA, KD, SIG      (or the delete-only HDR*, SEQ, D+, SIG)
//! GROUPKEY-PUSH-ACK:  HDR, HASH, SEQ, ID
//! ```

use keying_tlv::{ChainWriter, Error, ErrorKind, Reader, Result, Writer};

use crate::wire::delete::Delete;
use crate::wire::hash::HashPayload;
use crate::wire::header::{ExchangeType, FLAG_ENCRYPTION, HEADER_LEN, Header, VERSION};
use crate::wire::identification::{Identification, check_ack_id};
use crate::wire::key_download::KeyDownload;
use crate::wire::sa::Sa;
use crate::wire::seq::Seq;
use crate::wire::sig::Signature;
use crate::wire::{PayloadType, Payloads, emit, from_element, inconsistent};

/// AES block size: the largest padding a PUSH may carry after its payload chain.
pub const CBC_BLOCK: usize = 16;

/// The Delete payloads of a PUSH (contiguous in the chain). `Debug` lists the Delete
/// payloads only, not the rest of the chain they borrow (the KD's keys).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Deletes<'a> {
    raw: &'a [u8],
    base: usize,
    count: usize,
}

impl core::fmt::Debug for Deletes<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> Deletes<'a> {
    /// Iterates over the Delete payloads.
    pub fn iter(&self) -> impl Iterator<Item = Delete<'a>> + 'a {
        Payloads::new(
            PayloadType::Delete.to_wire(),
            Reader::at(self.raw, self.base),
        )
        .allow_trailing()
        .take(self.count)
        .map_while(|e| e.ok())
        .map_while(|e| from_element::<Delete>(&e).ok())
    }

    /// Number of Delete payloads.
    pub const fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// The decrypted payload chain of a GROUPKEY-PUSH, validated. `Debug` shows the length of
/// `signed`, not its bytes (they include the KD).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PushPayloads<'a> {
    /// The sequence number.
    pub seq: Seq,
    /// The Delete payloads.
    pub deletes: Deletes<'a>,
    /// The SA (absent in the delete-only form).
    pub sa: Option<Sa<'a>>,
    /// The KD (absent in the delete-only form).
    pub kd: Option<KeyDownload<'a>>,
    /// The signature.
    pub signature: Signature<'a>,
    /// The payloads before SIG (what the signature covers after "rekey" ‖ HDR).
    pub signed: &'a [u8],
    /// Length of the whole chain, SIG included (padding excluded).
    pub chain_len: usize,
}

impl core::fmt::Debug for PushPayloads<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PushPayloads")
            .field("seq", &self.seq)
            .field("deletes", &self.deletes)
            .field("sa", &self.sa)
            .field("kd", &self.kd)
            .field("signature", &self.signature)
            .field("signed_len", &self.signed.len())
            .field("chain_len", &self.chain_len)
            .finish()
    }
}

impl<'a> PushPayloads<'a> {
    /// Parses the decrypted chain `plain` whose first payload has type `first` (the
    /// header's Next Payload); `base` is its absolute offset (28 after a header). Up to
    /// `max_padding` trailing octets after the chain are tolerated (CBC padding).
    ///
    /// Order: SEQ, D*, then SA and KD together (or neither if there is at least one D),
    /// then SIG, which must be last.
    ///
    /// # Errors
    /// Any chain or payload error, a payload out of order, too much padding.
    pub fn parse(first: u8, plain: &'a [u8], base: usize, max_padding: usize) -> Result<Self> {
        let mut chain = Payloads::new(first, Reader::at(plain, base)).allow_trailing();
        let mut seq = None;
        let mut deletes = Deletes {
            raw: &[],
            base,
            count: 0,
        };
        let mut sa = None;
        let mut kd = None;
        let mut sig = None;
        // 0 start, 1 after SEQ, 2 in D, 3 after SA, 4 after KD, 5 after SIG
        let mut stage = 0u8;
        for e in chain.by_ref() {
            let e = e?;
            let rel = e.offset - base;
            match (PayloadType::from(e.kind), stage) {
                (PayloadType::Seq, 0) => {
                    seq = Some(from_element::<Seq>(&e)?);
                    stage = 1;
                }
                (PayloadType::Delete, 1 | 2) => {
                    from_element::<Delete>(&e)?;
                    if deletes.count == 0 {
                        deletes.raw = plain.get(rel..).unwrap_or_default();
                        deletes.base = e.offset;
                    }
                    deletes.count += 1;
                    stage = 2;
                }
                (PayloadType::Sa, 1 | 2) => {
                    sa = Some(from_element::<Sa>(&e)?);
                    stage = 3;
                }
                (PayloadType::KeyDownload, 3) => {
                    kd = Some(from_element::<KeyDownload>(&e)?);
                    stage = 4;
                }
                (PayloadType::Sig, 2 | 4) => {
                    sig = Some((from_element::<Signature>(&e)?, rel, e.raw.len()));
                    stage = 5;
                }
                (k, _) => {
                    let what = if stage == 0 {
                        "SEQ as the first PUSH payload"
                    } else if stage == 5 {
                        "SIG as the last PUSH payload"
                    } else {
                        "PUSH payload order SEQ, [D,] SA, KD, SIG / SEQ, D+, SIG"
                    };
                    return Err(if k.is_known() {
                        inconsistent(e.offset, what)
                    } else {
                        Error::new(
                            e.offset,
                            what,
                            ErrorKind::UnknownType {
                                value: u16::from(e.kind),
                            },
                        )
                    });
                }
            }
        }
        let pad = chain.rest().len();
        let (Some(seq), Some((signature, sig_at, sig_len))) = (seq, sig) else {
            return Err(inconsistent(
                base + plain.len() - pad,
                "PUSH ending with SIG",
            ));
        };
        if pad > max_padding {
            return Err(Error::new(
                base + plain.len() - pad,
                "PUSH padding shorter than one block",
                ErrorKind::TrailingBytes { len: pad },
            ));
        }
        Ok(Self {
            seq,
            deletes,
            sa,
            kd,
            signature,
            signed: plain.get(..sig_at).unwrap_or_default(),
            chain_len: sig_at + sig_len,
        })
    }
}

/// Parses and checks a GROUPKEY-PUSH header: version 0x10 (before the exchange type),
/// exchange 33 (34 is rejected as "Known Unregistered Use"), flags exactly E, Message ID 0,
/// Length equal to the datagram length, and a ciphertext that is a non-empty whole number
/// of AES blocks.
///
/// # Errors
/// The first failed check, located in the header.
pub fn parse_push_header(datagram: &[u8]) -> Result<Header> {
    let mut r = Reader::new(datagram);
    let h = Header::parse(&mut r)?;
    if let Some(e) = h
        .exchange_error(0, ExchangeType::GroupkeyPush)
        .or_else(|| h.flags_error(0, FLAG_ENCRYPTION))
        .or_else(|| h.message_id_error(0))
        .or_else(|| h.length_error(0, datagram.len()))
    {
        return Err(e);
    }
    let ct = datagram.len() - HEADER_LEN;
    if ct == 0 || !ct.is_multiple_of(CBC_BLOCK) {
        return Err(Error::new(
            HEADER_LEN,
            "PUSH ciphertext of whole AES blocks",
            ErrorKind::BadLength { value: ct },
        ));
    }
    Ok(h)
}

/// A parsed GROUPKEY-PUSH-ACK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack<'a> {
    /// The header (exchange 35, flags 0, Message ID 0 checked).
    pub header: Header,
    /// The HASH.
    pub hash: HashPayload<'a>,
    /// The acknowledged sequence number.
    pub seq: Seq,
    /// The GM identity.
    pub id: Identification<'a>,
    /// The bytes the HASH covers: the whole SEQ and ID payloads.
    pub hashed: &'a [u8],
}

impl<'a> Ack<'a> {
    /// Parses an ACK: header checks as for the PUSH but exchange 35 and flags 0; then
    /// exactly HASH, SEQ, ID with no trailing bytes; ID type IPv4 / IPv6 / OID with
    /// protocol and port 0.
    ///
    /// # Errors
    /// The first failed check.
    pub fn parse(datagram: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(datagram);
        let header = Header::parse(&mut r)?;
        if let Some(e) = header
            .exchange_error(0, ExchangeType::GroupkeyPushAck)
            .or_else(|| header.flags_error(0, 0))
            .or_else(|| header.message_id_error(0))
            .or_else(|| header.length_error(0, datagram.len()))
        {
            return Err(e);
        }
        let mut it = Payloads::new(header.next_payload, r);
        let mut next = |want: PayloadType, what: &'static str| -> Result<keying_tlv::Element<'a>> {
            match it.next() {
                Some(Ok(e)) if e.kind == want.to_wire() => Ok(e),
                Some(Ok(e)) => Err(Error::new(
                    e.offset,
                    what,
                    ErrorKind::UnknownType {
                        value: u16::from(e.kind),
                    },
                )),
                Some(Err(e)) => Err(e),
                None => Err(inconsistent(datagram.len(), what)),
            }
        };
        let h = next(PayloadType::Hash, "ACK HASH payload")?;
        let s = next(PayloadType::Seq, "ACK SEQ payload")?;
        let i = next(PayloadType::Id, "ACK ID payload")?;
        if let Some(e) = it.next() {
            return Err(match e {
                Err(e) => e,
                Ok(e) => inconsistent(e.offset, "ACK ending after ID"),
            });
        }
        let id = from_element::<Identification>(&i)?;
        check_ack_id(&id, i.offset + 4)?;
        Ok(Self {
            header,
            hash: from_element::<HashPayload>(&h)?,
            seq: from_element::<Seq>(&s)?,
            id,
            hashed: datagram.get(s.offset..).unwrap_or_default(),
        })
    }

    /// Writes an ACK `HDR, HASH, SEQ, ID` with `hash` as the HASH data (use
    /// the ack key over the SEQ and ID payloads to compute it).
    pub fn emit(
        w: &mut Writer<'_>,
        cookies: &[u8; 16],
        hash: &[u8],
        seq: Seq,
        id: &Identification<'_>,
    ) {
        let (i, r) = Header::split_cookies(cookies);
        let h = Header {
            initiator_cookie: i,
            responder_cookie: r,
            next_payload: 0,
            version: VERSION,
            exchange: ExchangeType::GroupkeyPushAck,
            flags: 0,
            message_id: 0,
            length: 0,
        };
        let (first, len) = h.begin(w);
        let mut chain = ChainWriter::new(first);
        emit(&HashPayload { data: hash }, &mut chain, w);
        emit(&seq, &mut chain, w);
        emit(id, &mut chain, w);
        w.close_len(len);
    }
}
