//! Payload types, the [`Payload`] sum type and the MIKEY framing (RFC 3830 §6).
//!
//! Every payload except SIGN starts with a Next payload byte naming the *following* payload;
//! its length follows from its own type-specific fields, so [`len_of`] parses the payload
//! to measure it. An unknown type cannot be skipped and ends parsing with
//! [`ErrorKind::UnknownType`] at the payload's offset.

pub mod cert;
pub mod chash;
pub mod dh;
pub mod err;
pub mod general_ext;
pub mod header;
pub mod id;
pub mod idr;
pub mod kemac;
pub mod key_data;
pub mod list;
pub mod message;
pub mod pke;
pub mod rand;
pub mod randr;
pub mod sakke;
pub mod sign;
pub mod sp;
pub mod ticket;
pub mod timestamp;
pub mod tr;
pub mod v;

use keying_tlv::{
    Chain, ChainWriter, Codec, Error as TlvError, ErrorKind, Mikey, MikeyPayloads, Reader, Result,
    WriteError, Writer, wire_enum,
};

use crate::error::what;
use crate::wire::cert::Cert;
use crate::wire::chash::Chash;
use crate::wire::dh::Dh;
use crate::wire::err::ErrorPayload;
use crate::wire::general_ext::GeneralExtension;
use crate::wire::id::Id;
use crate::wire::idr::Idr;
use crate::wire::kemac::Kemac;
use crate::wire::key_data::KeyData;
use crate::wire::pke::Pke;
use crate::wire::rand::Rand;
use crate::wire::randr::Randr;
use crate::wire::sakke::Sakke;
use crate::wire::sign::Sign;
use crate::wire::sp::Sp;
use crate::wire::ticket::{Ticket, TicketPolicy};
use crate::wire::timestamp::Timestamp;
use crate::wire::tr::Tr;
use crate::wire::v::Verification;

wire_enum! {
    /// Next payload values (RFC 3830 §6.1 Table 6.1.c; RFC 6043 §6.1 Table 6.2;
    /// RFC 6509 §4.2).
    pub enum PayloadType: u8 {
        /// Last payload: ends a chain (0).
        Last = 0,
        /// Key data transport payload (KEMAC), RFC 3830 §6.2.
        Kemac = 1,
        /// Envelope data payload (PKE), RFC 3830 §6.3.
        Pke = 2,
        /// DH data payload, RFC 3830 §6.4.
        Dh = 3,
        /// Signature payload (SIGN), RFC 3830 §6.5.
        Sign = 4,
        /// Timestamp payload (T), RFC 3830 §6.6.
        Timestamp = 5,
        /// ID payload, RFC 3830 §6.7.
        Id = 6,
        /// Certificate payload (CERT), RFC 3830 §6.7.
        Cert = 7,
        /// Cert hash payload (CHASH), RFC 3830 §6.8.
        Chash = 8,
        /// Verification message payload (V), RFC 3830 §6.9.
        V = 9,
        /// Security policy payload (SP), RFC 3830 §6.10.
        Sp = 10,
        /// RAND payload, RFC 3830 §6.11.
        Rand = 11,
        /// Error payload (ERR), RFC 3830 §6.12.
        Err = 12,
        /// Timestamp payload with role indicator (TR), RFC 6043 §6.4.
        Tr = 13,
        /// ID payload with role indicator (IDR), RFC 6043 §6.6.
        Idr = 14,
        /// RAND payload with role indicator (RANDR), RFC 6043 §6.8.
        Randr = 15,
        /// Ticket policy payload (TP), RFC 6043 §6.10.
        Tp = 16,
        /// Ticket payload (TICKET), RFC 6043 §6.10.
        Ticket = 17,
        /// Key data sub-payload, RFC 3830 §6.13.
        KeyData = 20,
        /// General extension payload, RFC 3830 §6.15.
        GeneralExt = 21,
        /// SAKKE payload, RFC 6509 §4.2.
        Sakke = 26,
    }
}

/// The MIKEY framing of one payload, for every [`Codec`] over [`PayloadType`]: the Next
/// payload byte before the body (none for SIGN, which ends a chain, RFC 3830 §6.5).
/// Implemented once, for every payload type, by a blanket impl.
pub trait Framed<'a>: Codec<'a, Kind = PayloadType, Error = TlvError> {
    /// Whether the payload starts with a Next payload byte (all but SIGN, RFC 3830 §6.5).
    fn has_next() -> bool {
        Self::KIND != PayloadType::Sign
    }

    /// Parses one stand-alone payload: returns it and the Next payload value it carries
    /// ([`PayloadType::Last`] for SIGN).
    fn parse(bytes: &'a [u8]) -> Result<(Self, PayloadType)> {
        let mut r = Reader::new(bytes);
        let next = if Self::has_next() {
            r.u8("next payload")?
        } else {
            0
        };
        let p = Self::read(&mut r)?;
        r.finish("end of MIKEY payload")?;
        Ok((p, PayloadType::from(next)))
    }

    /// Appends the payload to a chain, announcing its type in the previous payload's Next
    /// payload byte (or the header's).
    fn emit(&self, chain: &mut ChainWriter, w: &mut Writer<'_>) {
        if Self::has_next() {
            chain.begin_mikey(w, Self::KIND.to_wire());
        } else {
            chain.begin_mikey_terminal(w, Self::KIND.to_wire());
        }
        self.write(w);
    }

    /// Writes one stand-alone payload whose Next payload byte is `next` into `buf`;
    /// returns the length written.
    fn to_bytes(&self, next: PayloadType, buf: &mut [u8]) -> Result<usize, WriteError> {
        let mut w = Writer::new(buf);
        if Self::has_next() {
            w.u8(next.to_wire());
        }
        self.write(&mut w);
        w.finish()
    }
}

impl<'a, T: Codec<'a, Kind = PayloadType, Error = TlvError>> Framed<'a> for T {}

/// Writes `len` into a `width`-byte length field, recording an error if it does not fit.
pub(crate) fn write_len(w: &mut Writer<'_>, len: usize, width: usize, field: &'static str) {
    w.uint(len, width, field);
}

/// Checks that `value` fits in `bits` bits when writing a bit field.
pub(crate) fn check_bits(w: &mut Writer<'_>, value: u8, bits: u32, field: &'static str) -> u8 {
    if u32::from(value) >> bits != 0 {
        w.fail(WriteError::TooLong {
            field,
            value: usize::from(value),
        });
    }
    value
}

/// Reads a 16-bit length and that many bytes. Inlined as [`read_len8`] is.
#[cfg_attr(target_os = "none", inline(never))]
#[cfg_attr(not(target_os = "none"), inline(always))]
pub(crate) fn read_len16<'a>(r: &mut Reader<'a>, what: &'static str) -> Result<&'a [u8]> {
    let len = usize::from(r.u16(what)?);
    r.bytes(len, what)
}

/// Reads an 8-bit length and that many bytes.
///
/// Inlined on hosts, where parse speed counts (about 11 % fewer instructions per MIKEY
/// parse); one copy on bare-metal targets (`target_os = "none"`), where flash counts
/// (the PSK Responder is 1.2 KB smaller).
#[cfg_attr(target_os = "none", inline(never))]
#[cfg_attr(not(target_os = "none"), inline(always))]
pub(crate) fn read_len8<'a>(r: &mut Reader<'a>, what: &'static str) -> Result<&'a [u8]> {
    let len = usize::from(r.u8(what)?);
    r.bytes(len, what)
}

/// An "unknown value" error for a field whose value decides a length.
pub(crate) fn unknown(offset: usize, what: &'static str, value: u16) -> TlvError {
    TlvError::new(offset, what, ErrorKind::UnknownType { value })
}

macro_rules! payloads {
    ($( $variant:ident ( $ty:ty ) ),+ $(,)?) => {
        /// Any MIKEY payload, as a validated zero-copy view.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Payload<'a> {
            $(
                #[doc = concat!("A [`", stringify!($ty), "`] payload.")]
                $variant($ty),
            )+
        }

        impl<'a> Payload<'a> {
            /// The payload's type.
            pub fn kind(&self) -> PayloadType {
                match self {
                    $( Self::$variant(_) => PayloadType::$variant, )+
                }
            }

            /// Reads the fields of a payload of type `kind` (after its Next payload byte).
            /// An unknown type is [`ErrorKind::UnknownType`] at the reader's offset.
            #[inline]
            pub fn read_body(kind: PayloadType, r: &mut Reader<'a>) -> Result<Self> {
                Self::read_body_in::<ALL_PAYLOADS>(kind, r)
            }

            /// [`Payload::read_body`] for the types in the set `SET` (see [`payload_set`]):
            /// a type outside it is [`ErrorKind::UnknownType`], and the readers of the
            /// types outside it are not compiled into this function.
            #[inline]
            pub fn read_body_in<const SET: u32>(kind: PayloadType, r: &mut Reader<'a>) -> Result<Self> {
                match kind {
                    $(
                        PayloadType::$variant
                            if const { SET & (1 << PayloadType::$variant.to_wire()) != 0 } =>
                        {
                            Ok(Self::$variant(<$ty as Codec<'a>>::read(r)?))
                        }
                    )+
                    _ => Err(unknown(r.offset(), what::PAYLOAD_TYPE, u16::from(kind.to_wire()))),
                }
            }

            /// Appends the payload to a chain.
            pub fn emit(&self, chain: &mut ChainWriter, w: &mut Writer<'_>) {
                match self {
                    $( Self::$variant(p) => p.emit(chain, w), )+
                }
            }

            /// Writes the payload's fields (after the Next payload byte).
            pub fn write_body(&self, w: &mut Writer<'_>) {
                match self {
                    $( Self::$variant(p) => Codec::write(p, w), )+
                }
            }
        }

        /// Each view's `TYPE` is the `PayloadType` variant of the same name (the dispatch in
        /// [`Payload::read_body`] relies on it).
        #[cfg(test)]
        #[allow(clippy::extra_unused_lifetimes)]
        fn view_types_agree<'a>() {
            $( assert_eq!(<$ty as Codec<'a>>::KIND, PayloadType::$variant); )+
        }

        $(
            impl<'a> From<$ty> for Payload<'a> {
                fn from(p: $ty) -> Self {
                    Self::$variant(p)
                }
            }
        )+
    };
}

payloads! {
    Kemac(Kemac<'a>),
    Pke(Pke<'a>),
    Dh(Dh<'a>),
    Sign(Sign<'a>),
    Timestamp(Timestamp),
    Id(Id<'a>),
    Cert(Cert<'a>),
    Chash(Chash<'a>),
    V(Verification<'a>),
    Sp(Sp<'a>),
    Rand(Rand<'a>),
    Err(ErrorPayload),
    Tr(Tr),
    Idr(Idr<'a>),
    Randr(Randr<'a>),
    Tp(TicketPolicy<'a>),
    Ticket(Ticket<'a>),
    KeyData(KeyData<'a>),
    GeneralExt(GeneralExtension<'a>),
    Sakke(Sakke<'a>),
}

/// Every payload type: the set [`Message::parse`](message::Message::parse) and
/// [`Payloads::new`] read.
pub const ALL_PAYLOADS: u32 = u32::MAX;

/// The set of payload types `kinds`, for the parsers that take one
/// ([`Message::parse_in`](message::Message::parse_in), [`Payloads::new_in`]): bit `t` stands
/// for the type whose wire value is `t` (every known type's value is below 32). A role that
/// parses with the set of the payloads it handles links no reader for the others: on
/// firmware, the linker drops them. A payload outside the set is refused like an unknown
/// type ([`ErrorKind::UnknownType`] at its offset).
#[must_use]
pub const fn payload_set(mut kinds: &[PayloadType]) -> u32 {
    let mut mask = 0u32;
    while let [kind, rest @ ..] = kinds {
        mask |= 1u32 << (kind.to_wire() & 31);
        kinds = rest;
    }
    mask
}

/// How MIKEY payloads are read for the [`keying_tlv::Mikey`] framing: the Next payload
/// byte (absent for SIGN), then the type's fields, parsed once into a [`Payload`]. `SET`
/// is the set of payload types read (see [`payload_set`]); the others are refused.
#[derive(Debug, Clone, Copy, Default)]
pub struct MikeyDialect<const SET: u32 = ALL_PAYLOADS>;

impl<const SET: u32> MikeyPayloads for MikeyDialect<SET> {
    type View<'a> = Payload<'a>;

    #[inline]
    fn read<'a>(&self, kind: u8, r: &mut Reader<'a>) -> Result<Payload<'a>> {
        let kind = PayloadType::from(kind);
        let outside = 1u32
            .checked_shl(u32::from(kind.to_wire()))
            .is_none_or(|bit| SET & bit == 0);
        if outside || matches!(kind, PayloadType::Unknown(_) | PayloadType::Last) {
            // Named at the payload's own offset.
            return Err(unknown(
                r.offset(),
                what::PAYLOAD_TYPE,
                kind.to_wire().into(),
            ));
        }
        if kind != PayloadType::Sign {
            r.u8("next payload")?;
        }
        Payload::read_body_in::<SET>(kind, r)
    }
}

/// The length of the payload of type `kind` at the reader's position, found by validating
/// its fields (what the framing does for every payload it delimits).
pub fn len_of(kind: u8, payload: Reader<'_>) -> Result<usize> {
    let mut r = payload;
    let before = r.remaining();
    MikeyDialect::<ALL_PAYLOADS>.read(kind, &mut r)?;
    Ok(before - r.remaining())
}

/// The MIKEY framing used for messages and for the sub-payloads inside KEMAC, TP, TICKET.
pub const FRAMING: Mikey<MikeyDialect> = framing();

/// The MIKEY framing reading the payload types of `SET` (see [`payload_set`]).
#[must_use]
pub const fn framing<const SET: u32>() -> Mikey<MikeyDialect<SET>> {
    Mikey {
        payloads: MikeyDialect::<SET>,
        terminal: Some(4),
    }
}

/// One payload of a chain with where it sits. `Debug` shows the length of `raw`, not its
/// bytes (a key data sub-payload carries a key).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PayloadItem<'a> {
    /// Byte offset of the payload's first byte (its Next payload byte, or SIGN's S type).
    pub offset: usize,
    /// The whole payload, Next payload byte included.
    pub raw: &'a [u8],
    /// The Next payload value it carries (`None` for SIGN).
    pub next: Option<u8>,
    /// The payload.
    pub payload: Payload<'a>,
}

impl core::fmt::Debug for PayloadItem<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PayloadItem")
            .field("offset", &self.offset)
            .field("raw_len", &self.raw.len())
            .field("next", &self.next)
            .field("payload", &self.payload)
            .finish()
    }
}

/// Iterator over a MIKEY payload chain (a message's payloads, a KEMAC's key data
/// sub-payloads, TP / TICKET data). Walks through [`keying_tlv::Chain`]; yields `Err` once
/// and stops on malformed input, so it ends after at most as many steps as it has bytes.
/// `Debug` shows the steps taken, not the bytes (a decrypted KEMAC chain holds keys).
#[derive(Clone)]
pub struct Payloads<'a, const SET: u32 = ALL_PAYLOADS> {
    chain: Chain<'a, Mikey<MikeyDialect<SET>>>,
    steps: usize,
}

impl<const SET: u32> core::fmt::Debug for Payloads<'_, SET> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Payloads")
            .field("steps", &self.steps)
            .finish_non_exhaustive()
    }
}

impl<'a> Payloads<'a> {
    /// The chain over `bytes` (first byte at absolute offset `base`) whose first payload
    /// has type `first`.
    pub fn new(bytes: &'a [u8], base: usize, first: PayloadType) -> Self {
        Self::new_in(bytes, base, first)
    }
}

impl<'a, const SET: u32> Payloads<'a, SET> {
    /// [`Payloads::new`] reading the payload types of `SET` only (see [`payload_set`]).
    pub fn new_in(bytes: &'a [u8], base: usize, first: PayloadType) -> Self {
        Self {
            chain: Chain::new(framing::<SET>(), first.to_wire(), Reader::at(bytes, base)),
            steps: 0,
        }
    }

    /// How many chain steps were taken so far.
    pub fn steps(&self) -> usize {
        self.steps
    }
}

impl<'a, const SET: u32> Iterator for Payloads<'a, SET> {
    type Item = Result<PayloadItem<'a>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let e = self.chain.next()?;
        self.steps += 1;
        Some(e.map(|e| PayloadItem {
            offset: e.offset,
            raw: e.raw,
            next: e.next,
            payload: e.view,
        }))
    }
}

impl<const SET: u32> core::iter::FusedIterator for Payloads<'_, SET> {}

/// Writes a chain of payloads whose first type is implicit (not on the wire), as inside
/// the KEMAC Encr data (RFC 3830 §6.2: "the first payload ... is a Key data sub-payload"
/// in PSK mode, an ID payload in PK and RSA-R mode). Returns the bytes written.
pub fn emit_sub_payloads(subs: &[Payload<'_>], buf: &mut [u8]) -> Result<usize, WriteError> {
    let mut w = Writer::new(buf);
    write_sub_payloads(subs, &mut w);
    w.finish()
}

/// Writes a chain of payloads whose first type is implicit into `w`.
pub fn write_sub_payloads(subs: &[Payload<'_>], w: &mut Writer<'_>) {
    let mut iter = subs.iter();
    if let Some(first) = iter.next() {
        let slot = w.next_payload();
        first.write_body(w);
        let mut chain = ChainWriter::new(slot);
        for p in iter {
            p.emit(&mut chain, w);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
    use super::*;
    use crate::wire::Framed;
    use core::fmt::Debug;

    /// Parses `bytes` field by field into `expected`, emits `expected` into a buffer
    /// pre-filled with 0x2a and compares, and checks that every truncation is a typed
    /// `Truncated` error.
    pub(crate) fn check_payload<'a, P>(bytes: &'a [u8], expected: P, next: PayloadType)
    where
        P: Framed<'a> + PartialEq + Debug,
    {
        let (p, n) = P::parse(bytes).unwrap();
        assert_eq!(p, expected);
        assert_eq!(
            n,
            if P::has_next() {
                next
            } else {
                PayloadType::Last
            }
        );
        let mut buf = [0x2a_u8; 2048];
        let len = expected.to_bytes(next, &mut buf).unwrap();
        assert_eq!(&buf[..len], bytes);
        assert!(buf[len..].iter().all(|&b| b == 0x2a));
        // A buffer one byte short reports the total need.
        if !bytes.is_empty() {
            let mut small = [0u8; 2048];
            assert_eq!(
                expected.to_bytes(next, &mut small[..bytes.len() - 1]),
                Err(WriteError::BufferTooSmall {
                    needed: bytes.len()
                })
            );
        }
        for cut in 0..bytes.len() {
            let e = P::parse(&bytes[..cut]).unwrap_err();
            assert!(
                matches!(e.kind, ErrorKind::Truncated { .. }),
                "cut {cut}: {e:?}"
            );
            // The chain-level length function agrees.
            let e = len_of(P::KIND.to_wire(), Reader::new(&bytes[..cut])).unwrap_err();
            assert!(
                matches!(e.kind, ErrorKind::Truncated { .. }),
                "cut {cut}: {e:?}"
            );
        }
        assert_eq!(
            len_of(P::KIND.to_wire(), Reader::new(bytes)),
            Ok(bytes.len())
        );
        // Trailing bytes are rejected by the stand-alone parser.
        let mut longer = alloc::vec::Vec::from(bytes);
        longer.push(0);
        let longer: &'static [u8] = longer.leak();
        let e = P::parse(longer).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TrailingBytes { len: 1 });
    }

    #[test]
    fn view_types_agree_with_payload_types() {
        super::view_types_agree();
    }

    #[test]
    fn unknown_payload_type_names_type_and_offset() {
        let data = [0u8, 1, 2, 3];
        let e = len_of(99, Reader::at(&data, 40)).unwrap_err();
        assert_eq!(e.offset, 40);
        assert_eq!(e.kind, ErrorKind::UnknownType { value: 99 });
        assert_eq!(e.expected, what::PAYLOAD_TYPE);
    }
}
