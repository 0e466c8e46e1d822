//! The MIKEY message (RFC 3830 §3, §5, §6): header, payload iteration, per-mode payload
//! rules, and the bytes each MAC or signature covers.

use core::ops::Range;

use keying_tlv::{Chain, ChainWriter, ErrorKind, Reader, WriteError, Writer};

use crate::error::{Error, what};
use crate::wire::header::{CommonHeader, DataType};
use crate::wire::kemac::Kemac;
use crate::wire::sign::Sign;
use crate::wire::timestamp::Timestamp;
use crate::wire::v::Verification;
use crate::wire::{
    ALL_PAYLOADS, Framed, Payload, PayloadItem, PayloadType, Payloads, framing, payload_set,
};

/// A validated MIKEY message borrowing its bytes. Construction walks the whole payload
/// chain once and records which payload types occur (so the rule checks and absent
/// payloads cost no walk), the last payload, and the KEMAC; accessors afterwards cannot
/// fail.
///
/// `SET` is the set of payload types it may hold (see [`crate::wire::payload_set`]; every
/// type by default): a role parses with the set it handles, so that the readers of the
/// others are not linked.
///
/// `Debug` shows the message length, not its bytes (a KEMAC with the NULL encryption
/// algorithm carries its key data in the clear).
#[derive(Clone, Copy)]
pub struct Message<'a, const SET: u32 = ALL_PAYLOADS> {
    bytes: &'a [u8],
    header: CommonHeader<'a>,
    first: PayloadType,
    payloads_at: u32,
    count: u32,
    index: Index,
    /// The first KEMAC and its offset, kept from the walk: every mode that carries keys
    /// reads it and the bytes its MAC covers.
    kemac: Option<(Kemac<'a>, u32)>,
}

impl<const SET: u32> core::fmt::Debug for Message<'_, SET> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Message")
            .field("len", &self.bytes.len())
            .field("header", &self.header)
            .field("first", &self.first)
            .field("payloads_at", &self.payloads_at)
            .field("count", &self.count)
            .field("index", &self.index)
            .field("kemac", &self.kemac)
            .finish()
    }
}

/// What [`Message::parse`] records about the chain.
#[derive(Debug, Clone, Copy)]
struct Index {
    /// Bit `t` is set when a payload of type `t` occurs (every known type is below 32;
    /// parsing fails on unknown ones).
    seen: u32,
    /// Number of DH payloads (saturating).
    dh: u8,
    /// The last payload's type and offset.
    last: Option<(PayloadType, u32)>,
}

/// The payload types a data type requires, in the order they are reported missing, and
/// their bit set.
macro_rules! required {
    ($($p:ident),+) => {
        (
            &[$(PayloadType::$p),+],
            const { payload_set(&[$(PayloadType::$p),+]) },
        )
    };
}

/// An offset into a message whose length [`Message::parse`] checked to fit in `u32`.
fn offset32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl Index {
    const EMPTY: Self = Self {
        seen: 0,
        dh: 0,
        last: None,
    };

    /// The bit of payload type `kind` (wire value); 0 for values beyond the set.
    fn bit(kind: u8) -> u32 {
        1u32.checked_shl(u32::from(kind)).unwrap_or(0)
    }

    fn has(&self, kind: PayloadType) -> bool {
        self.seen & Self::bit(kind.to_wire()) != 0
    }

    #[inline]
    fn record(&mut self, kind: u8, offset: u32) {
        self.seen |= Self::bit(kind);
        if kind == PayloadType::Dh.to_wire() {
            self.dh = self.dh.saturating_add(1);
        }
        self.last = Some((PayloadType::from_wire(kind), offset));
    }
}

/// What a KEMAC MAC covers, which depends on the mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KemacScope {
    /// The whole message up to the MAC field: PSK (RFC 3830 §3.1: "The MAC is a Message
    /// Authentication Code covering the entire MIKEY message") and DHHMAC (RFC 4650 §3).
    Message,
    /// The KEMAC payload alone up to the MAC field, its Next payload byte set to zero: the
    /// PK I_MESSAGE (RFC 3830 §3.2) and the RSA-R R_MESSAGE (RFC 4738 §3.6). RFC 3830 §5.2:
    /// "The MAC is calculated over the entire Key data transport payload except the MAC
    /// field. Before calculating the MAC, the Next payload field is set to zero."
    Payload,
}

/// Bytes a KEMAC MAC covers (RFC 3830 §5.2); [`KemacCoverage::input`] gives the MAC input
/// for a [`KemacScope`]. `Debug` shows lengths, not bytes (they include the KEMAC Encr
/// data, key data in the clear under NULL encryption).
#[derive(Clone, PartialEq, Eq)]
pub struct KemacCoverage<'a> {
    /// The whole message up to the MAC field.
    pub message: &'a [u8],
    /// The KEMAC payload up to the MAC field, without its Next payload byte (the MAC input
    /// of [`KemacScope::Payload`] is a zero byte followed by these).
    pub payload_fields: &'a [u8],
    /// Where the MAC sits in the message.
    pub mac: Range<usize>,
}

impl core::fmt::Debug for KemacCoverage<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KemacCoverage")
            .field("message_len", &self.message.len())
            .field("payload_fields_len", &self.payload_fields.len())
            .field("mac", &self.mac)
            .finish()
    }
}

impl<'a> KemacCoverage<'a> {
    /// The MAC input for `scope`, as the parts to feed the HMAC in order.
    pub fn input(&self, scope: KemacScope) -> [&'a [u8]; 2] {
        match scope {
            KemacScope::Message => [self.message, &[]],
            KemacScope::Payload => [&[0], self.payload_fields],
        }
    }
}

/// Covered bytes that may be split in two (the V MAC of an RFC 6043 TRANSFER_INIT skips
/// the TICKET's Initiator Data, RFC 6043 §5.5). MAC the concatenation `first ‖ second`.
/// `Debug` shows the lengths, not the bytes (they may include a KEMAC).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Covered<'a> {
    /// Covered bytes before the gap (all of them when there is none).
    pub first: &'a [u8],
    /// Covered bytes after the gap (empty when there is none).
    pub second: &'a [u8],
}

impl core::fmt::Debug for Covered<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Covered")
            .field("first_len", &self.first.len())
            .field("second_len", &self.second.len())
            .finish()
    }
}

impl<'a> Message<'a> {
    /// Parses and validates a message: the header and every payload, up to the Last
    /// payload (or SIGN), with no trailing bytes. An unknown payload type ends parsing with
    /// [`ErrorKind::UnknownType`] naming the type and its offset.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        Self::parse_in(bytes)
    }
}

impl<'a, const SET: u32> Message<'a, SET> {
    /// [`Message::parse`] for a message of the payload types in `SET` (see
    /// [`crate::wire::payload_set`]): another type ends parsing as an unknown one does.
    pub fn parse_in(bytes: &'a [u8]) -> Result<Self, Error> {
        if u32::try_from(bytes.len()).is_err() {
            return Err(Error::Decode(keying_tlv::Error::new(
                0,
                "MIKEY message",
                ErrorKind::BadLength { value: bytes.len() },
            )));
        }
        let mut r = Reader::new(bytes);
        let (header, first) = CommonHeader::read(&mut r)?;
        let payloads_at = r.offset();
        let first = PayloadType::from(first);
        let mut count = 0u32;
        let mut index = Index::EMPTY;
        let mut kemac = None;
        for e in Chain::new(framing::<SET>(), first.to_wire(), r) {
            let e = e?;
            let at = offset32(e.offset);
            if let (Payload::Kemac(k), None) = (e.view, kemac) {
                kemac = Some((k, at));
            }
            index.record(e.kind, at);
            count += 1;
        }
        Ok(Self {
            bytes,
            header,
            first,
            payloads_at: offset32(payloads_at),
            count,
            index,
            kemac,
        })
    }

    /// The message bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The common header.
    pub fn header(&self) -> &CommonHeader<'a> {
        &self.header
    }

    /// The common header as received (version to CS ID map), for
    /// [`MessageWriter::echo`].
    pub fn header_bytes(&self) -> &'a [u8] {
        self.bytes
            .get(..self.payloads_at as usize)
            .unwrap_or_default()
    }

    /// The data type.
    pub fn data_type(&self) -> DataType {
        self.header.data_type
    }

    /// Number of payloads (chain steps taken by [`Message::parse`]; at most the number of
    /// bytes, whatever the input).
    pub fn payload_count(&self) -> usize {
        self.count as usize
    }

    /// The payloads in wire order.
    pub fn payloads(&self) -> impl Iterator<Item = PayloadItem<'a>> + 'a {
        self.payloads_if(true)
    }

    /// The payloads in wire order when the message has a payload of type `kind`, else
    /// none (without a step of the chain): for walks that look for that type.
    pub fn payloads_with(&self, kind: PayloadType) -> impl Iterator<Item = PayloadItem<'a>> + 'a {
        self.payloads_if(self.index.has(kind))
    }

    #[cfg_attr(target_os = "none", inline(never))]
    fn payloads_if(&self, walk: bool) -> impl Iterator<Item = PayloadItem<'a>> + 'a {
        let at = match walk {
            true => self.payloads_at as usize,
            false => self.bytes.len(),
        };
        let rest = self.bytes.get(at..).unwrap_or_default();
        // Validated in `parse`: no item is an error (and none at all past the end).
        Payloads::<SET>::new_in(rest, at, self.first).filter_map(Result::ok)
    }

    /// The payload of type `kind` at `offset` (validated in `parse`).
    fn item_at(&self, kind: PayloadType, offset: usize) -> Option<PayloadItem<'a>> {
        let rest = self.bytes.get(offset..)?;
        Payloads::<SET>::new_in(rest, offset, kind).next()?.ok()
    }

    /// Whether the message has a payload of type `kind`.
    pub fn has(&self, kind: PayloadType) -> bool {
        self.index.has(kind)
    }

    /// The first payload of type `kind`.
    pub fn find(&self, kind: PayloadType) -> Option<PayloadItem<'a>> {
        if !self.index.has(kind) {
            return None;
        }
        self.payloads().find(|p| p.payload.kind() == kind)
    }

    /// Every payload of type `kind`.
    pub fn find_all(&self, kind: PayloadType) -> impl Iterator<Item = PayloadItem<'a>> + 'a {
        self.payloads_with(kind)
            .filter(move |p| p.payload.kind() == kind)
    }

    /// The last payload.
    pub fn last(&self) -> Option<PayloadItem<'a>> {
        let (kind, at) = self.index.last?;
        self.item_at(kind, at as usize)
    }

    /// The T payload.
    pub fn timestamp(&self) -> Option<Timestamp> {
        match self.find(PayloadType::Timestamp)?.payload {
            Payload::Timestamp(t) => Some(t),
            _ => None,
        }
    }

    /// The RAND payload's bytes.
    pub fn rand(&self) -> Option<&'a [u8]> {
        match self.find(PayloadType::Rand)?.payload {
            Payload::Rand(r) => Some(r.rand),
            _ => None,
        }
    }

    /// The KEMAC payload.
    pub fn kemac(&self) -> Option<Kemac<'a>> {
        self.kemac.map(|(k, _)| k)
    }

    /// The SIGN payload.
    pub fn sign(&self) -> Option<Sign<'a>> {
        match self.find(PayloadType::Sign)?.payload {
            Payload::Sign(s) => Some(s),
            _ => None,
        }
    }

    /// The V payload.
    pub fn verification(&self) -> Option<Verification<'a>> {
        match self.find(PayloadType::V)?.payload {
            Payload::V(v) => Some(v),
            _ => None,
        }
    }

    /// Where the signature sits (SIGN is always last).
    pub fn signature_range(&self) -> Option<Range<usize>> {
        let item = self
            .last()
            .filter(|p| p.payload.kind() == PayloadType::Sign)?;
        Some(item.offset + Sign::SIGNATURE_OFFSET..item.offset + item.raw.len())
    }

    /// The bytes the SIGN signature covers: the message up to, excluding, the signature
    /// field, i.e. including SIGN's S type / Signature len (RFC 3830 §5.2 "the entire
    /// MIKEY message except the signature field itself"; RFC 6043 §5.5). Extra inputs that
    /// follow it in some modes (RSA-R SIGNr: ‖ IDi ‖ IDr ‖ T, RFC 4738 §3.6; RFC 6043 §5.5)
    /// are the key-management layer's.
    pub fn signed_bytes(&self) -> Option<&'a [u8]> {
        let r = self.signature_range()?;
        self.bytes.get(..r.start)
    }

    /// The bytes a KEMAC MAC covers (see [`KemacCoverage`] for which applies per mode).
    pub fn kemac_covered(&self) -> Option<KemacCoverage<'a>> {
        let (k, offset) = self.kemac?;
        let offset = offset as usize;
        let start = offset + k.mac_offset();
        Some(KemacCoverage {
            message: self.bytes.get(..start)?,
            payload_fields: self.bytes.get(offset + 1..start)?,
            mac: start..start + k.mac.len(),
        })
    }

    /// Where the V payload's Ver data sits.
    pub fn verification_mac_range(&self) -> Option<Range<usize>> {
        let p = self.find(PayloadType::V)?;
        let Payload::V(v) = p.payload else {
            return None;
        };
        let start = p.offset + Verification::MAC_OFFSET;
        Some(start..start + v.ver_data.len())
    }

    /// The message bytes the V MAC covers: everything before the Ver data (RFC 3830
    /// §5.2), minus a TRANSFER_INIT's TICKET Initiator Data length and data
    /// (RFC 6043 §5.5). The inputs appended after it (IDi ‖ IDr ‖ T of the Initiator for
    /// a verification message, RFC 3830 §5.2; the initial message for RFC 6043
    /// responses) are the key-management layer's.
    pub fn verification_covered(&self) -> Option<Covered<'a>> {
        let mac = self.verification_mac_range()?;
        let prefix = self.bytes.get(..mac.start)?;
        if self.header.data_type == DataType::TransferInit {
            let gap = self.payloads().find_map(|p| match p.payload {
                Payload::Ticket(t) if p.offset < mac.start => {
                    Some(p.offset + t.initiator_data_offset()..p.offset + p.raw.len())
                }
                _ => None,
            });
            if let Some(gap) = gap {
                return Some(Covered {
                    first: self.bytes.get(..gap.start)?,
                    second: self.bytes.get(gap.end..mac.start)?,
                });
            }
        }
        Some(Covered {
            first: prefix,
            second: &[],
        })
    }

    /// Checks the data type's mandatory payloads and placement rules:
    ///
    /// | data type | required | placement |
    /// |---|---|---|
    /// | PSK init (RFC 3830 §3.1) | T, RAND, KEMAC | KEMAC last |
    /// | PSK / PK verification (§3.1, §3.2) | T, V | V last |
    /// | PK init (§3.2) | T, RAND, KEMAC, PKE, SIGN | KEMAC before PKE |
    /// | DH init (§3.3) | T, RAND, DH, SIGN | |
    /// | DH resp (§3.3) | T, DH ×2, SIGN | |
    /// | Error (§5.1.2) | T, ERR | V / SIGN last |
    /// | DHHMAC init / resp (RFC 4650 §3) | T, RAND (init), DH (×2 resp), KEMAC | KEMAC last |
    /// | RSA-R init (RFC 4738 §3.1) | T, SIGN | |
    /// | RSA-R resp (RFC 4738 §3.1) | T, KEMAC, PKE, SIGN | KEMAC before PKE |
    /// | MIKEY-TICKET (RFC 6043 §4) | T | no ID payloads (IDR instead) |
    /// | SAKKE (RFC 6509 §2.1) | T, RAND, SAKKE, SIGN | |
    ///
    /// For every data type: a V payload is last, and SIGN is last (enforced by parsing).
    /// Unknown data types fail with Error no "Invalid DT".
    pub fn check_mode_rules(&self) -> Result<(), Error> {
        use PayloadType as P;
        let dt = self.header.data_type;
        let (required, mask): (&[PayloadType], u32) = match dt {
            DataType::PskInit => required!(Timestamp, Rand, Kemac),
            DataType::PskResp | DataType::PkResp => required!(Timestamp, V),
            DataType::PkInit => required!(Timestamp, Rand, Kemac, Pke, Sign),
            DataType::DhInit => required!(Timestamp, Rand, Dh, Sign),
            DataType::DhResp => required!(Timestamp, Dh, Sign),
            DataType::Error => required!(Timestamp, Err),
            DataType::DhHmacInit => required!(Timestamp, Rand, Dh, Kemac),
            DataType::DhHmacResp => required!(Timestamp, Dh, Kemac),
            DataType::RsaRInit => required!(Timestamp, Sign),
            DataType::RsaRResp => required!(Timestamp, Kemac, Pke, Sign),
            DataType::Sakke => required!(Timestamp, Rand, Sakke, Sign),
            DataType::RequestInitPsk
            | DataType::RequestInitPk
            | DataType::RequestResp
            | DataType::TransferInit
            | DataType::TransferResp
            | DataType::ResolveInitPsk
            | DataType::ResolveInitPk
            | DataType::ResolveResp => required!(Timestamp),
            DataType::Unknown(v) => {
                return Err(Error::Decode(keying_tlv::Error::new(
                    1,
                    what::DATA_TYPE,
                    ErrorKind::UnknownType {
                        value: u16::from(v),
                    },
                )));
            }
        };
        let ix = &self.index;
        if ix.seen & mask != mask {
            return Err(self.missing(required));
        }
        if matches!(dt, DataType::DhResp | DataType::DhHmacResp) && ix.dh < 2 {
            return Err(Error::MissingPayload {
                payload: P::Dh,
                data_type: dt,
            });
        }
        let last_kind = ix.last.map(|(k, _)| k);
        let misplaced = |payload| self.misplaced(payload);
        if ix.has(P::V) && last_kind != Some(P::V) {
            return Err(misplaced(P::V));
        }
        if matches!(
            dt,
            DataType::PskInit | DataType::DhHmacInit | DataType::DhHmacResp
        ) && last_kind != Some(P::Kemac)
            && ix.has(P::Kemac)
        {
            return Err(misplaced(P::Kemac));
        }
        if matches!(dt, DataType::PkInit | DataType::RsaRResp)
            && ix.has(P::Pke)
            && let (Some(k), Some(pke)) = (self.find(P::Kemac), self.find(P::Pke))
            && pke.offset < k.offset
        {
            return Err(misplaced(P::Pke));
        }
        if dt.is_ticket() && ix.has(P::Id) {
            return Err(misplaced(P::Id));
        }
        Ok(())
    }

    /// The first of `required` that is missing.
    #[cold]
    #[inline(always)]
    fn missing(&self, required: &[PayloadType]) -> Error {
        let payload = required
            .iter()
            .copied()
            .find(|&p| !self.index.has(p))
            .unwrap_or(PayloadType::Last);
        Error::MissingPayload {
            payload,
            data_type: self.header.data_type,
        }
    }

    /// The first `payload` is not where it must be.
    #[cold]
    #[inline(always)]
    pub(crate) fn misplaced(&self, payload: PayloadType) -> Error {
        Error::Misplaced {
            payload,
            offset: self.find(payload).map(|p| p.offset).unwrap_or_default(),
        }
    }

    /// Checks the T payload's value (see [`Timestamp::check`]): e.g. the ONVIF example's
    /// Windows FILETIME in an NTP-UTC field is [`Error::MalformedTimestamp`].
    pub fn check_timestamp(&self) -> Result<(), Error> {
        for p in self.payloads() {
            if let Payload::Timestamp(t) = p.payload {
                t.check().map_err(|problem| Error::MalformedTimestamp {
                    offset: p.offset,
                    problem,
                })?;
            }
        }
        Ok(())
    }

    /// Re-emits the message from its parsed fields into `buf`; byte-identical to the input
    /// when the input was canonical (reserved bits zero).
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WriteError> {
        let mut w = MessageWriter::new(buf, &self.header);
        for p in self.payloads() {
            w.push(&p.payload);
        }
        w.finish()
    }
}

/// Builds a message into the caller's buffer: the header, then payloads in order, with
/// the Next payload bytes back-patched. To fill a MAC or signature, emit it zeroed,
/// [`Message::parse`] the result, compute over the covered bytes
/// ([`Message::kemac_covered`], [`Message::verification_covered`],
/// [`Message::signed_bytes`]) and write it at the returned range.
#[derive(Debug)]
pub struct MessageWriter<'b> {
    w: Writer<'b>,
    chain: ChainWriter,
}

impl<'b> MessageWriter<'b> {
    /// Starts a message with `header`.
    pub fn new(buf: &'b mut [u8], header: &CommonHeader<'_>) -> Self {
        let mut w = Writer::new(buf);
        let slot = header.write(&mut w);
        Self {
            w,
            chain: ChainWriter::new(slot),
        }
    }

    /// Starts a message whose header echoes `header`, the header bytes of a received
    /// message ([`Message::header_bytes`]), with data type `data_type` and the V flag
    /// clear: what a Responder's verification message carries (RFC 3830 §3.1, §5.2: the
    /// I_MESSAGE's CSB ID, PRF func and CS ID map). The bytes are written as received
    /// (they parsed), so the CS ID map is neither re-read nor re-counted.
    pub fn echo(buf: &'b mut [u8], header: &[u8], data_type: DataType) -> Self {
        let mut w = Writer::new(buf);
        let (version, rest) = header.split_first().unwrap_or((&1, &[]));
        // Data type and next payload replaced; then V ‖ PRF func with V clear.
        let (v_prf, rest) = rest
            .get(2..)
            .unwrap_or(&[])
            .split_first()
            .unwrap_or((&0, &[]));
        w.u8(*version);
        w.u8(data_type.to_wire());
        let slot = w.next_payload();
        w.u8(v_prf & 0x7f);
        w.bytes(rest);
        Self {
            w,
            chain: ChainWriter::new(slot),
        }
    }

    /// Appends a payload. A payload after SIGN is an error reported by
    /// [`MessageWriter::finish`].
    pub fn push(&mut self, p: &Payload<'_>) -> &mut Self {
        p.emit(&mut self.chain, &mut self.w);
        self
    }

    /// Appends a payload given as its view type.
    pub fn push_body<'p, P: Framed<'p>>(&mut self, p: &P) -> &mut Self {
        p.emit(&mut self.chain, &mut self.w);
        self
    }

    /// Bytes written so far.
    pub fn position(&self) -> usize {
        self.w.position()
    }

    /// Ends the message: its length, or [`WriteError::BufferTooSmall`] with the size
    /// needed.
    pub fn finish(self) -> Result<usize, WriteError> {
        self.w.finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;
    use crate::wire::err::{ErrorNo, ErrorPayload};
    use crate::wire::header::{CsIdMap, PrfFunc};
    use crate::wire::id::{Id, IdType};
    use crate::wire::kemac::{EncrAlg, MacAlg};
    use crate::wire::list::List;
    use crate::wire::pke::{Pke, PkeCache};
    use crate::wire::rand::Rand;
    use crate::wire::sign::SType;
    use crate::wire::ticket::{Ticket, TicketFlags, TicketPolicyFields, TicketType};
    use crate::wire::timestamp::TsType;
    use alloc::vec::Vec;

    const T: Payload<'static> = Payload::Timestamp(Timestamp {
        ts_type: TsType::Counter,
        value: 5,
    });
    const RAND: Payload<'static> = Payload::Rand(Rand { rand: &[9; 16] });
    const KEMAC: Payload<'static> = Payload::Kemac(Kemac {
        encr_alg: EncrAlg::Null,
        encr_data: &[],
        mac_alg: MacAlg::HmacSha1_160,
        mac: &[0xab; 20],
    });
    const V: Payload<'static> = Payload::V(Verification {
        auth_alg: MacAlg::HmacSha1_160,
        ver_data: &[0xcd; 20],
    });
    const SIGN: Payload<'static> = Payload::Sign(Sign {
        s_type: SType::RsaPss,
        signature: &[0xef; 8],
    });
    const PKE: Payload<'static> = Payload::Pke(Pke {
        cache: PkeCache::NoCache,
        data: &[1; 8],
    });
    const ID: Payload<'static> = Payload::Id(Id {
        id_type: IdType::Nai,
        data: b"a@b",
    });
    const ERR: Payload<'static> = Payload::Err(ErrorPayload {
        error_no: ErrorNo::InvalidTs,
    });

    fn msg(data_type: DataType, payloads: &[Payload<'_>]) -> Vec<u8> {
        let h = CommonHeader {
            data_type,
            v: false,
            prf_func: PrfFunc::Mikey1,
            csb_id: 0xabcd_0123,
            cs_id_map: CsIdMap::SrtpId(List::Items(&[])),
        };
        let mut buf = vec![0x2a; 512];
        let mut w = MessageWriter::new(&mut buf, &h);
        for p in payloads {
            w.push(p);
        }
        let n = w.finish().unwrap();
        buf.truncate(n);
        buf
    }

    fn rules(data_type: DataType, payloads: &[Payload<'_>]) -> Result<(), Error> {
        let b = msg(data_type, payloads);
        Message::parse(&b).unwrap().check_mode_rules()
    }

    /// `MessageWriter::echo` writes what the header writer writes for the received header
    /// with the data type replaced and V clear, for every kind of CS ID map and PRF.
    #[test]
    fn an_echoed_header_is_the_received_header_rewritten() {
        use crate::wire::header::{GenericCs, SrtpCs};
        use crate::wire::sp::ProtType;
        let srtp = [
            SrtpCs {
                policy_no: 0,
                ssrc: 0x1122_3344,
                roc: 5,
            },
            SrtpCs {
                policy_no: 1,
                ssrc: 0xdead_beef,
                roc: 0,
            },
        ];
        let generic = [GenericCs {
            cs_id: 1,
            prot_type: ProtType::Srtp,
            s: true,
            policies: &[0, 2],
            session_data: &[1, 2, 3, 4, 0, 0, 0, 9, 0, 7],
            spi: &[0xaa, 0xbb],
        }];
        let maps = [
            CsIdMap::SrtpId(List::Items(&srtp)),
            CsIdMap::GenericId(List::Items(&generic)),
            CsIdMap::Empty { n_cs: 3 },
        ];
        for (map, prf) in
            maps.into_iter()
                .zip([PrfFunc::Mikey1, PrfFunc::HmacSha256, PrfFunc::Mikey1])
        {
            let sent = CommonHeader {
                data_type: DataType::PskInit,
                v: true,
                prf_func: prf,
                csb_id: 0x0102_0304,
                cs_id_map: map,
            };
            let mut buf = [0u8; 256];
            let mut w = MessageWriter::new(&mut buf, &sent);
            w.push(&T).push(&RAND).push(&KEMAC);
            let n = w.finish().unwrap();
            let m = Message::parse(&buf[..n]).unwrap();

            let mut echoed = [0u8; 256];
            let mut w = MessageWriter::echo(&mut echoed, m.header_bytes(), DataType::PskResp);
            w.push(&T).push(&V);
            let e = w.finish().unwrap();
            let mut expected = [0u8; 256];
            let reply = CommonHeader {
                data_type: DataType::PskResp,
                v: false,
                ..*m.header()
            };
            let mut w = MessageWriter::new(&mut expected, &reply);
            w.push(&T).push(&V);
            let x = w.finish().unwrap();
            assert_eq!(echoed[..e], expected[..x], "{map:?}");
            let r = Message::parse(&echoed[..e]).unwrap();
            assert_eq!(r.header(), &reply);
            assert!(!r.header().v);
        }
    }

    #[test]
    fn mandatory_payloads_per_mode() {
        use PayloadType as P;
        assert_eq!(rules(DataType::PskInit, &[T, RAND, KEMAC]), Ok(()));
        assert_eq!(
            rules(DataType::PskInit, &[T, KEMAC]),
            Err(Error::MissingPayload {
                payload: P::Rand,
                data_type: DataType::PskInit
            })
        );
        assert_eq!(rules(DataType::PskResp, &[T, ID, V]), Ok(()));
        assert_eq!(
            rules(DataType::PkInit, &[T, RAND, KEMAC, PKE, SIGN]),
            Ok(())
        );
        assert!(matches!(
            rules(DataType::PkInit, &[T, RAND, PKE, KEMAC, SIGN]),
            Err(Error::Misplaced {
                payload: P::Pke,
                ..
            })
        ));
        assert_eq!(
            rules(DataType::Error, &[T, V]),
            Err(Error::MissingPayload {
                payload: P::Err,
                data_type: DataType::Error
            })
        );
        assert_eq!(rules(DataType::Error, &[T, ERR, ERR, SIGN]), Ok(()));
        let e = rules(DataType::PskResp, &[ID, V]).unwrap_err();
        assert_eq!(e.error_no(), ErrorNo::InvalidTs);
        assert_eq!(rules(DataType::RsaRInit, &[T, RAND, ID, SIGN]), Ok(()));
        assert_eq!(rules(DataType::RsaRResp, &[T, KEMAC, PKE, SIGN]), Ok(()));
        assert!(rules(DataType::DhResp, &[T, SIGN]).is_err());
        assert_eq!(rules(DataType::TransferResp, &[T]), Ok(()));
        let e = rules(DataType::Unknown(40), &[T]).unwrap_err();
        assert_eq!(e.error_no(), ErrorNo::InvalidDt);
    }

    #[test]
    fn placement_rules() {
        use PayloadType as P;
        // V must be last.
        assert!(matches!(
            rules(DataType::PskResp, &[T, V, ID]),
            Err(Error::Misplaced { payload: P::V, .. })
        ));
        // KEMAC last in PSK (its MAC covers everything before it).
        assert!(matches!(
            rules(DataType::PskInit, &[T, RAND, KEMAC, ID]),
            Err(Error::Misplaced {
                payload: P::Kemac,
                ..
            })
        ));
        // MIKEY-TICKET messages use IDR, not ID (RFC 6043 §6.6).
        assert!(matches!(
            rules(DataType::RequestInitPsk, &[T, ID]),
            Err(Error::Misplaced { payload: P::Id, .. })
        ));
    }

    #[test]
    fn a_payload_set_refuses_the_types_outside_it_like_unknown_ones() {
        use PayloadType as P;
        const SET: u32 = payload_set(&[P::Timestamp, P::Rand, P::Kemac]);
        let b = msg(DataType::PskInit, &[T, RAND, KEMAC]);
        let all = Message::parse(&b).unwrap();
        let only = Message::<SET>::parse_in(&b).unwrap();
        assert!(all.payloads().eq(only.payloads()));
        assert_eq!(only.kemac(), all.kemac());
        // An ID payload is well formed, but outside the set: refused at its offset, as an
        // unknown type is.
        let b = msg(DataType::PskInit, &[T, RAND, ID, KEMAC]);
        let id_at = Message::parse(&b).unwrap().find(P::Id).unwrap().offset;
        let Err(Error::Decode(e)) = Message::<SET>::parse_in(&b) else {
            panic!("an ID payload outside the set was read");
        };
        assert_eq!(e.kind, ErrorKind::UnknownType { value: 6 });
        assert_eq!(e.offset, id_at);
    }

    #[test]
    fn recorded_kinds_answer_like_a_walk() {
        use PayloadType as P;
        // Two KEMACs, two DHs: the first of each is the one found; misplacement errors name
        // the offset of the first offending payload.
        let second = Payload::Kemac(Kemac {
            mac: &[0xcd; 20],
            ..match KEMAC {
                Payload::Kemac(k) => k,
                _ => unreachable!(),
            }
        });
        let payloads = [T, KEMAC, RAND, second, ID];
        let b = msg(DataType::PskInit, &payloads);
        let m = Message::parse(&b).unwrap();
        let walked: Vec<_> = m.payloads().collect();
        for kind in [P::Timestamp, P::Kemac, P::Rand, P::Id, P::V, P::Sign, P::Dh] {
            let first = walked.iter().find(|p| p.payload.kind() == kind).copied();
            assert_eq!(m.find(kind), first, "{kind:?}");
            assert_eq!(m.has(kind), first.is_some(), "{kind:?}");
            assert_eq!(
                m.find_all(kind).count(),
                walked.iter().filter(|p| p.payload.kind() == kind).count()
            );
            // Every payload when the message has one of `kind`, else none.
            let with: Vec<_> = m.payloads_with(kind).collect();
            match first {
                Some(_) => assert_eq!(with, walked, "{kind:?}"),
                None => assert!(with.is_empty(), "{kind:?}"),
            }
        }
        assert_eq!(
            m.kemac(),
            Some(match KEMAC {
                Payload::Kemac(k) => k,
                _ => unreachable!(),
            })
        );
        assert_eq!(m.last(), walked.last().copied());
        assert_eq!(
            m.check_mode_rules(),
            Err(Error::Misplaced {
                payload: P::Kemac,
                offset: walked[1].offset
            })
        );
        let b = msg(DataType::PkInit, &[T, RAND, PKE, KEMAC, SIGN]);
        let m = Message::parse(&b).unwrap();
        let pke = m.find(P::Pke).unwrap().offset;
        assert_eq!(
            m.check_mode_rules(),
            Err(Error::Misplaced {
                payload: P::Pke,
                offset: pke
            })
        );
        let b = msg(DataType::PskResp, &[T, V, ID]);
        let m = Message::parse(&b).unwrap();
        assert_eq!(
            m.check_mode_rules(),
            Err(Error::Misplaced {
                payload: P::V,
                offset: m.find(P::V).unwrap().offset
            })
        );
        // DH responses carry both DH values (RFC 3830 §3.3).
        let value = [7u8; 96];
        let dh = Payload::Dh(crate::wire::dh::Dh {
            group: crate::wire::dh::DhGroup::Oakley1,
            value: &value,
            kv: crate::wire::key_data::KeyValidity::Null,
        });
        let missing_dh = Err(Error::MissingPayload {
            payload: P::Dh,
            data_type: DataType::DhResp,
        });
        assert_eq!(rules(DataType::DhResp, &[T, dh, SIGN]), missing_dh);
        assert_eq!(rules(DataType::DhResp, &[T, dh, dh, SIGN]), Ok(()));
        // Missing payloads are reported in the listed order.
        let b = msg(DataType::PkInit, &[RAND, SIGN]);
        assert_eq!(
            Message::parse(&b).unwrap().check_mode_rules(),
            Err(Error::MissingPayload {
                payload: P::Timestamp,
                data_type: DataType::PkInit
            })
        );
    }

    #[test]
    fn sign_is_last_and_covered_bytes() {
        let b = msg(DataType::DhInit, &[T, RAND, SIGN]);
        let m = Message::parse(&b).unwrap();
        let r = m.signature_range().unwrap();
        assert_eq!(r, b.len() - 8..b.len());
        assert_eq!(m.signed_bytes().unwrap(), &b[..b.len() - 8]);
        // The S type / length bytes are covered.
        assert_eq!(&b[r.start - 2..r.start], &[0x10, 0x08]);
        // Bytes after SIGN: rejected.
        let mut longer = b.clone();
        longer.push(0);
        let Err(Error::Decode(e)) = Message::parse(&longer) else {
            panic!()
        };
        assert_eq!(e.kind, keying_tlv::ErrorKind::TrailingBytes { len: 1 });
        // Nothing can be emitted after SIGN.
        let mut buf = [0u8; 128];
        let h = *m.header();
        let mut w = MessageWriter::new(&mut buf, &h);
        w.push(&SIGN).push(&T);
        assert!(matches!(w.finish(), Err(WriteError::TooLong { .. })));
    }

    #[test]
    fn kemac_and_v_coverage() {
        let b = msg(DataType::PskInit, &[T, RAND, ID, KEMAC]);
        let m = Message::parse(&b).unwrap();
        let cov = m.kemac_covered().unwrap();
        assert_eq!(cov.mac, b.len() - 20..b.len());
        assert_eq!(cov.message, &b[..b.len() - 20]);
        let kemac_at = m.find(PayloadType::Kemac).unwrap().offset;
        assert_eq!(cov.payload_fields, &b[kemac_at + 1..b.len() - 20]);
        assert_eq!(cov.payload_fields, &[0, 0, 0, 1]);
        assert_eq!(cov.input(KemacScope::Message), [&b[..b.len() - 20], &[]]);
        assert_eq!(cov.input(KemacScope::Payload), [&[0][..], &[0, 0, 0, 1]]);
        let b = msg(DataType::PskResp, &[T, V]);
        let m = Message::parse(&b).unwrap();
        let cov = m.verification_covered().unwrap();
        assert_eq!(cov.first, &b[..b.len() - 20]);
        assert!(cov.second.is_empty());
        assert_eq!(m.verification_mac_range(), Some(b.len() - 20..b.len()));
    }

    #[test]
    fn transfer_init_v_skips_initiator_data() {
        let policy = TicketPolicyFields {
            ticket_type: TicketType::MikeyBase,
            subtype: 1,
            version: 1,
            prf_func: PrfFunc::Mikey1,
            flags: TicketFlags(TicketFlags::I),
            reserved: 0,
            tp_data: &[],
        };
        let ticket = Payload::Ticket(Ticket {
            policy,
            ticket_data: &[7; 4],
            initiator_data: &[0x0b, 0, 1, 0xaa],
        });
        let b = msg(DataType::TransferInit, &[T, RAND, ticket, V]);
        let m = Message::parse(&b).unwrap();
        let cov = m.verification_covered().unwrap();
        let t_at = m.find(PayloadType::Ticket).unwrap().offset;
        // Ticket: next(1) fixed(7) TP len(2) TP(0) ticket len(2) ticket(4), then the gap:
        // Initiator Data length (2) + data (4).
        let gap_start = t_at + 1 + 7 + 2 + 2 + 4;
        assert_eq!(cov.first, &b[..gap_start]);
        assert_eq!(cov.second, &b[gap_start + 6..b.len() - 20]);
        let inner: Vec<_> = match m.find(PayloadType::Ticket).unwrap().payload {
            Payload::Ticket(t) => t.initiator_payloads().map(|p| p.unwrap().payload).collect(),
            _ => panic!(),
        };
        assert_eq!(inner, [Payload::Rand(Rand { rand: &[0xaa] })]);
    }

    #[test]
    fn every_truncation_is_a_typed_error() {
        let b = msg(DataType::PkInit, &[T, RAND, ID, KEMAC, PKE, SIGN]);
        for cut in 0..b.len() {
            let Err(Error::Decode(e)) = Message::parse(&b[..cut]) else {
                panic!("cut {cut}")
            };
            assert!(e.offset <= cut, "cut {cut}: {e:?}");
            assert!(
                matches!(e.kind, keying_tlv::ErrorKind::Truncated { .. }),
                "cut {cut}: {e:?}"
            );
        }
    }
}
