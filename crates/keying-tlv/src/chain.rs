//! One iterator over chained elements, parameterised by the three framings the protocols use.
//!
//! | framing | who names an element's type | length | end |
//! |---|---|---|---|
//! | [`Mikey`] (RFC 3830 §6) | the previous element's first byte (the header names the first) | type-specific: the protocol's [`MikeyPayloads`] parses the payload | next payload 0, or a terminal type (SIGN) |
//! | [`Isakmp`] (RFC 2408 §3.2) | the previous element's generic header | 16-bit, header included, ≥ 4 | next payload 0 |
//! | [`NdOptions`] (RFC 4861 §4.6) | the element itself | 8-bit, in units of 8 octets, 0 invalid | end of input |
//! | [`MobilityOptions`] (RFC 6275 §6.2.1) | the element itself | 8-bit, octets of data; Pad1 is one byte | end of input |
//!
//! Every element consumes at least one byte, so a chain ends after at most as many steps as
//! it has bytes, whatever the input. After the first error the iterator yields nothing more.

use crate::error::{Error, ErrorKind, Result};
use crate::reader::Reader;

/// NEXT-payload value meaning "no further element" (MIKEY "Last payload", ISAKMP "NONE").
pub const LAST: u8 = 0;

/// One element of a chain, borrowed from the input. `V` is what the framing parsed out of
/// the element on the way (the protocol's payload view for [`Mikey`]; nothing for the
/// length-prefixed framings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element<'a, V = ()> {
    /// The element's type: announced by its predecessor (chained framings) or its own
    /// first byte (ND options).
    pub kind: u8,
    /// The type this element announces for its successor ([`LAST`] for none); `None` for
    /// ND options and for MIKEY terminal payloads.
    pub next: Option<u8>,
    /// Absolute offset of the element's first byte.
    pub offset: usize,
    /// The whole element, header included.
    pub raw: &'a [u8],
    /// The element without its framing header (MIKEY: without the next-payload byte;
    /// ISAKMP: without the 4-byte generic header; ND: without type and length).
    pub body: &'a [u8],
    /// What the framing parsed while delimiting the element.
    pub view: V,
}

/// A way elements are delimited. Implemented by [`Mikey`], [`Isakmp`], [`NdOptions`] and
/// [`MobilityOptions`].
pub trait Framing {
    /// Whether each element names its own type (ND) rather than its successor's.
    const SELF_TYPED: bool;
    /// What reading an element yields besides its extent.
    type View<'a>;
    /// Reads one element of type `kind` (ignored when self-typed) from the front of `r`.
    fn read<'a>(&self, kind: u8, r: &mut Reader<'a>) -> Result<Element<'a, Self::View<'a>>>;
}

/// How a protocol reads its MIKEY-style payloads. A payload's length follows from its own
/// type-specific fields, so the only way to find where it ends is to parse it: the framing
/// hands the protocol a reader at the payload's first byte (its next-payload byte, or the
/// first byte of a terminal payload) and keeps what it parsed as the element's view, so
/// every payload is parsed exactly once.
pub trait MikeyPayloads {
    /// The parsed payload.
    type View<'a>;
    /// Reads the payload of type `kind` from the front of `r`, leaving `r` after it, or
    /// fails (e.g. [`ErrorKind::UnknownType`]: MIKEY payloads cannot be skipped).
    fn read<'a>(&self, kind: u8, r: &mut Reader<'a>) -> Result<Self::View<'a>>;
}

/// Length of a MIKEY payload of type `kind` starting at the reader's position (its
/// next-payload byte), computed from the payload's own fields: a [`MikeyPayloads`] for
/// callers that only need extents.
pub type MikeyLenFn = fn(kind: u8, payload: Reader<'_>) -> Result<usize>;

impl MikeyPayloads for MikeyLenFn {
    type View<'a> = ();

    fn read<'a>(&self, kind: u8, r: &mut Reader<'a>) -> Result<()> {
        let len = self(kind, r.clone())?;
        r.bytes(len, "MIKEY payload").map(drop)
    }
}

/// The MIKEY payload chain (RFC 3830 §6.1): a payload's first byte names the next payload's
/// type and its length follows from its own type-specific fields.
#[derive(Debug, Clone, Copy)]
pub struct Mikey<P = MikeyLenFn> {
    /// The protocol's payload reader.
    pub payloads: P,
    /// A payload type with no next-payload field that must end the chain (SIGN, type 4);
    /// `None` inside KEMAC.
    pub terminal: Option<u8>,
}

impl<P: MikeyPayloads> Framing for Mikey<P> {
    const SELF_TYPED: bool = false;
    type View<'a> = P::View<'a>;

    #[inline]
    fn read<'a>(&self, kind: u8, r: &mut Reader<'a>) -> Result<Element<'a, P::View<'a>>> {
        let offset = r.offset();
        let start = r.rest();
        let mut after = r.clone();
        let view = self.payloads.read(kind, &mut after)?;
        let len = start.len() - after.remaining();
        let Some((raw, _)) = start.split_at_checked(len).filter(|_| len > 0) else {
            return Err(Error::new(
                offset,
                "MIKEY payload length",
                ErrorKind::BadLength { value: len },
            ));
        };
        *r = after;
        let (next, body) = match (self.terminal == Some(kind), raw.split_first()) {
            (false, Some((&next, body))) => (Some(next), body),
            _ => (None, raw),
        };
        Ok(Element {
            kind,
            next,
            offset,
            raw,
            body,
            view,
        })
    }
}

/// The ISAKMP generic payload chain (RFC 2408 §3.2): `next payload (8) | reserved (8) |
/// payload length (16)`, the length covering the 4-byte header.
#[derive(Debug, Clone, Copy, Default)]
pub struct Isakmp;

/// Size of the ISAKMP generic payload header.
pub const ISAKMP_GENERIC_HEADER_LEN: usize = 4;

impl Framing for Isakmp {
    const SELF_TYPED: bool = false;
    type View<'a> = ();

    fn read<'a>(&self, kind: u8, r: &mut Reader<'a>) -> Result<Element<'a>> {
        let offset = r.offset();
        let mut h = r.clone();
        let next = h.u8("ISAKMP next payload")?;
        h.u8("ISAKMP reserved")?;
        let len = usize::from(h.u16("ISAKMP payload length")?);
        if len < ISAKMP_GENERIC_HEADER_LEN {
            return Err(Error::new(
                offset + 2,
                "ISAKMP payload length",
                ErrorKind::BadLength { value: len },
            ));
        }
        let raw = r.bytes(len, "ISAKMP payload")?;
        let body = raw.get(ISAKMP_GENERIC_HEADER_LEN..).unwrap_or_default();
        Ok(Element {
            kind,
            next: Some(next),
            offset,
            raw,
            body,
            view: (),
        })
    }
}

/// IPv6 Neighbor Discovery options (RFC 4861 §4.6): `type (8) | length (8)`, the length in
/// units of 8 octets including the header; 0 is invalid.
#[derive(Debug, Clone, Copy, Default)]
pub struct NdOptions;

impl Framing for NdOptions {
    const SELF_TYPED: bool = true;
    type View<'a> = ();

    fn read<'a>(&self, _kind: u8, r: &mut Reader<'a>) -> Result<Element<'a>> {
        let offset = r.offset();
        let mut h = r.clone();
        let kind = h.u8("ND option type")?;
        let units = h.u8("ND option length")?;
        if units == 0 {
            return Err(Error::new(
                offset + 1,
                "ND option length",
                ErrorKind::ZeroLength,
            ));
        }
        let raw = r.bytes(usize::from(units) * 8, "ND option")?;
        let body = raw.get(2..).unwrap_or_default();
        Ok(Element {
            kind,
            next: None,
            offset,
            raw,
            body,
            view: (),
        })
    }
}

/// Mobility Header options (RFC 6275 §6.2.1), laid out like IPv6 extension-header options
/// (RFC 8200 §4.2): `type (8) | length (8, octets of data after the header) | data`, except
/// Pad1 (type 0), which is a single byte with no length.
#[derive(Debug, Clone, Copy, Default)]
pub struct MobilityOptions;

/// The Pad1 mobility option type: one octet, no length field.
pub const MH_PAD1: u8 = 0;

impl Framing for MobilityOptions {
    const SELF_TYPED: bool = true;
    type View<'a> = ();

    fn read<'a>(&self, _kind: u8, r: &mut Reader<'a>) -> Result<Element<'a>> {
        let offset = r.offset();
        let mut h = r.clone();
        let kind = h.u8("mobility option type")?;
        let len = if kind == MH_PAD1 {
            1
        } else {
            2 + usize::from(h.u8("mobility option length")?)
        };
        let raw = r.bytes(len, "mobility option")?;
        let body = raw.get(len.min(2)..).unwrap_or_default();
        Ok(Element {
            kind,
            next: None,
            offset,
            raw,
            body,
            view: (),
        })
    }
}

/// Iterator over the elements of a chain; yields `Err` once and then stops on malformed
/// input. Trailing bytes after the last element are an error unless allowed.
#[derive(Debug, Clone)]
pub struct Chain<'a, F> {
    framing: F,
    r: Reader<'a>,
    next: Option<u8>,
    allow_trailing: bool,
}

impl<'a, F: Framing> Chain<'a, F> {
    /// A chain over `r`'s remaining bytes whose first element has type `first` (ignored
    /// for self-typed framings; for chained framings [`LAST`] means an empty chain).
    pub fn new(framing: F, first: u8, r: Reader<'a>) -> Self {
        Self {
            framing,
            r,
            next: Some(first),
            allow_trailing: false,
        }
    }

    /// Lets bytes follow the last element (e.g. block-cipher padding after an ISAKMP
    /// chain); they are then available from [`Chain::rest`].
    pub fn allow_trailing(mut self) -> Self {
        self.allow_trailing = true;
        self
    }

    /// The bytes not consumed so far.
    pub fn rest(&self) -> &'a [u8] {
        self.r.rest()
    }

    /// Absolute offset of the next unread byte.
    pub fn offset(&self) -> usize {
        self.r.offset()
    }

    /// Whether the chain has ended (successfully or not).
    pub fn is_done(&self) -> bool {
        self.next.is_none()
    }

    fn ended(&mut self) -> Option<Result<Element<'a, F::View<'a>>>> {
        self.next = None;
        match self.r.remaining() {
            0 => None,
            _ if self.allow_trailing => None,
            len => Some(Err(self
                .r
                .error("end of chain", ErrorKind::TrailingBytes { len }))),
        }
    }
}

impl<'a, F: Framing> Iterator for Chain<'a, F> {
    type Item = Result<Element<'a, F::View<'a>>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let kind = self.next?;
        if F::SELF_TYPED {
            if self.r.is_empty() {
                self.next = None;
                return None;
            }
        } else if kind == LAST {
            return self.ended();
        }
        match self.framing.read(kind, &mut self.r) {
            Ok(e) => {
                // A MIKEY terminal payload (no next field) ends the chain like LAST does.
                self.next = Some(e.next.unwrap_or(LAST));
                Some(Ok(e))
            }
            Err(e) => {
                self.next = None;
                Some(Err(e))
            }
        }
    }
}

impl<P: MikeyPayloads> core::iter::FusedIterator for Chain<'_, Mikey<P>> {}
impl core::iter::FusedIterator for Chain<'_, Isakmp> {}
impl core::iter::FusedIterator for Chain<'_, NdOptions> {}
impl core::iter::FusedIterator for Chain<'_, MobilityOptions> {}
