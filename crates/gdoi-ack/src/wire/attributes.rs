//! ISAKMP data attributes
//! ([RFC 2408 §3.3](https://www.rfc-editor.org/rfc/rfc2408#section-3.3)).
//!
//! ```text
//! !A!       Attribute Type        !    AF=0  Attribute Length     !
//! !F!                             !    AF=1  Attribute Value      !
//! .                   AF=0  Attribute Value                       .
//! ```
//!
//! AF = 1 is the TV ("basic") form, 4 octets; AF = 0 the TLV ("variable") form whose
//! 16-bit length must lie inside the enclosing payload.

use keying_tlv::{Error, ErrorKind, Reader, Result, Writer};

use crate::wire::emit_len_u16;

/// The Attribute Format bit.
pub const AF_BIT: u16 = 0x8000;

/// An attribute value. `Debug` shows a TLV value's length, not its bytes (key packet
/// attributes are keys, RFC 6407 §5.6).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttributeValue<'a> {
    /// TV form (AF = 1): a 16-bit value.
    Basic(u16),
    /// TLV form (AF = 0): a variable-length value.
    Variable(&'a [u8]),
}

impl core::fmt::Debug for AttributeValue<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Basic(v) => f.debug_tuple("Basic").field(v).finish(),
            Self::Variable(v) => f.debug_struct("Variable").field("len", &v.len()).finish(),
        }
    }
}

/// One data attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Attribute<'a> {
    /// The 15-bit attribute type (without the AF bit).
    pub kind: u16,
    /// The value; its variant is the AF bit.
    pub value: AttributeValue<'a>,
}

impl<'a> Attribute<'a> {
    /// A TV attribute.
    pub const fn basic(kind: u16, value: u16) -> Self {
        Self {
            kind,
            value: AttributeValue::Basic(value),
        }
    }

    /// A TLV attribute.
    pub const fn variable(kind: u16, value: &'a [u8]) -> Self {
        Self {
            kind,
            value: AttributeValue::Variable(value),
        }
    }

    /// The TV value, if this is a basic attribute.
    pub const fn as_basic(&self) -> Option<u16> {
        match self.value {
            AttributeValue::Basic(v) => Some(v),
            AttributeValue::Variable(_) => None,
        }
    }

    /// The TLV value, if this is a variable attribute.
    pub const fn as_variable(&self) -> Option<&'a [u8]> {
        match self.value {
            AttributeValue::Variable(v) => Some(v),
            AttributeValue::Basic(_) => None,
        }
    }

    /// Reads one attribute.
    ///
    /// # Errors
    /// Truncation, or a TLV length beyond the enclosing payload.
    pub fn read(r: &mut Reader<'a>) -> Result<Self> {
        let t = r.u16("attribute type")?;
        let kind = t & !AF_BIT;
        if t & AF_BIT != 0 {
            Ok(Self::basic(kind, r.u16("attribute value (TV)")?))
        } else {
            let len = r.u16("attribute length")?;
            let v = r.bytes(usize::from(len), "attribute value (TLV)")?;
            Ok(Self::variable(kind, v))
        }
    }

    /// Encoded size.
    pub const fn buffer_len(&self) -> usize {
        match self.value {
            AttributeValue::Basic(_) => 4,
            AttributeValue::Variable(v) => 4 + v.len(),
        }
    }

    /// Writes the attribute. A type above `0x7fff` or a TLV value longer than 65535
    /// octets is recorded as [`keying_tlv::WriteError::TooLong`].
    pub fn emit(&self, w: &mut Writer<'_>) {
        if self.kind & AF_BIT != 0 {
            w.fail(keying_tlv::WriteError::TooLong {
                field: "attribute type",
                value: usize::from(self.kind),
            });
        }
        match self.value {
            AttributeValue::Basic(v) => {
                w.u16(self.kind | AF_BIT);
                w.u16(v);
            }
            AttributeValue::Variable(v) => {
                w.u16(self.kind & !AF_BIT);
                emit_len_u16(w, v.len(), "attribute length");
                w.bytes(v);
            }
        }
    }
}

/// A validated run of data attributes filling a field to its end. `Debug` lists the
/// attributes (types, TV values and TLV lengths).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Attributes<'a> {
    raw: &'a [u8],
}

impl core::fmt::Debug for Attributes<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> Attributes<'a> {
    /// No attributes.
    pub const EMPTY: Attributes<'static> = Attributes { raw: &[] };

    /// Reads attributes until `r` is exhausted.
    ///
    /// # Errors
    /// Any malformed attribute (truncated, TLV length beyond the end).
    pub fn parse(mut r: Reader<'a>) -> Result<Self> {
        let raw = r.rest();
        while !r.is_empty() {
            Attribute::read(&mut r)?;
        }
        Ok(Self { raw })
    }

    /// Encodes `list` into `buf` and returns the validated view over it (for building
    /// payloads).
    ///
    /// # Errors
    /// [`keying_tlv::WriteError`] if `buf` is too small or a value does not fit.
    pub fn encode(
        list: &[Attribute<'_>],
        buf: &'a mut [u8],
    ) -> core::result::Result<Self, keying_tlv::WriteError> {
        let mut w = Writer::new(buf);
        for a in list {
            a.emit(&mut w);
        }
        let n = w.finish()?;
        let raw = buf.get(..n).unwrap_or_default();
        Ok(Self { raw })
    }

    /// The encoded attributes.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// Whether there are none.
    pub const fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Iterates over the attributes.
    pub fn iter(&self) -> AttributeIter<'a> {
        AttributeIter {
            r: Reader::new(self.raw),
        }
    }

    /// The first attribute of type `kind`.
    pub fn get(&self, kind: u16) -> Option<Attribute<'a>> {
        self.iter().find(|a| a.kind == kind)
    }

    /// Writes the attributes.
    pub fn emit(&self, w: &mut Writer<'_>) {
        w.bytes(self.raw);
    }

    /// Checks a typed attribute set: every type in `basic` must be TV, every type in
    /// `variable` TLV, and no type may appear twice. Unknown types are allowed (kept for
    /// round trip; a policy check decides about them). `base` is the absolute offset of the
    /// attributes.
    pub(crate) fn check_forms(
        &self,
        base: usize,
        basic: &[u16],
        variable: &[u16],
        what: &'static str,
    ) -> Result<()> {
        let mut r = Reader::at(self.raw, base);
        let mut seen: u128 = 0;
        while !r.is_empty() {
            let at = r.offset();
            let a = Attribute::read(&mut r)?;
            let form_ok = match a.value {
                AttributeValue::Basic(_) => !variable.contains(&a.kind),
                AttributeValue::Variable(_) => !basic.contains(&a.kind),
            };
            if !form_ok {
                return Err(Error::new(
                    at,
                    what,
                    ErrorKind::InvalidValue {
                        value: u32::from(a.kind),
                    },
                ));
            }
            if a.kind < 128 {
                let bit = 1u128 << a.kind;
                if seen & bit != 0 {
                    return Err(Error::new(at, what, ErrorKind::Inconsistent));
                }
                seen |= bit;
            }
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &Attributes<'a> {
    type Item = Attribute<'a>;
    type IntoIter = AttributeIter<'a>;

    fn into_iter(self) -> AttributeIter<'a> {
        self.iter()
    }
}

/// Iterator over validated [`Attributes`]. `Debug` shows how many octets are left.
#[derive(Clone)]
pub struct AttributeIter<'a> {
    r: Reader<'a>,
}

impl core::fmt::Debug for AttributeIter<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AttributeIter")
            .field("remaining", &self.r.remaining())
            .finish()
    }
}

impl<'a> Iterator for AttributeIter<'a> {
    type Item = Attribute<'a>;

    fn next(&mut self) -> Option<Attribute<'a>> {
        if self.r.is_empty() {
            return None;
        }
        // Validated at construction: cannot fail; stop defensively if it did.
        match Attribute::read(&mut self.r) {
            Ok(a) => Some(a),
            Err(_) => {
                self.r.take_rest();
                None
            }
        }
    }
}

/// A TLV value read as a big-endian unsigned integer (1–8 octets).
pub(crate) fn be_uint(v: &[u8]) -> Option<u64> {
    if v.is_empty() || v.len() > 8 {
        return None;
    }
    Some(v.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}
