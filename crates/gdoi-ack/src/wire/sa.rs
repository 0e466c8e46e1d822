//! The Security Association payload in its GDOI form
//! ([RFC 6407 §5.2](https://www.rfc-editor.org/rfc/rfc6407#section-5.2)), enclosing the SA KEK,
//! GAP and SA TEK payloads.
//!
//! ```text
//! ! Next Payload  !   RESERVED    !         Payload Length        !
//! !                    DOI = 2 (GDOI)                             !
//! !                    Situation = 0                              !
//! ! SA Attribute Next Payload     !           RESERVED2           !
//! ~              SA Attribute Payloads ([SAK] [GAP] SAT*)         ~
//! ```
//!
//! The SA payload's length covers the enclosed payloads; its own Next Payload names the
//! payload after the group. The SA Attribute Next Payload field is **two** octets.

use keying_tlv::{ChainWriter, Error, ErrorKind, Reader, Result, Writer};

use crate::wire::gap::Gap;
use crate::wire::sa_kek::SaKek;
use crate::wire::sa_tek::SaTek;
use keying_tlv::Codec;

use crate::wire::{PayloadType, Payloads, emit, from_element, inconsistent, reserved, take_body};

/// The GDOI Domain of Interpretation.
pub const DOI_GDOI: u32 = 2;

/// The SA TEK payloads of an SA: either parsed from the wire (validated) or a caller's list
/// (for building).
#[derive(Debug, Clone, Copy)]
pub enum SaTeks<'a> {
    /// Validated SA TEK chain from the wire.
    Parsed {
        /// The SAT payloads, generic headers included.
        raw: &'a [u8],
        /// Absolute offset of `raw`.
        base: usize,
    },
    /// A caller-supplied list.
    List(&'a [SaTek<'a>]),
}

impl<'a> SaTeks<'a> {
    /// Iterates over the SA TEKs.
    pub fn iter(&self) -> impl Iterator<Item = SaTek<'a>> + '_ {
        let (parsed, list) = match *self {
            Self::Parsed { raw, base } => (
                Some(
                    Payloads::new(PayloadType::SaTek.to_wire(), Reader::at(raw, base))
                        .map_while(|e| e.ok())
                        .map_while(|e| from_element::<SaTek>(&e).ok()),
                ),
                None,
            ),
            Self::List(l) => (None, Some(l.iter().copied())),
        };
        parsed
            .into_iter()
            .flatten()
            .chain(list.into_iter().flatten())
    }

    /// Number of SA TEKs.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

impl PartialEq for SaTeks<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for SaTeks<'_> {}

/// An SA payload (GDOI form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sa<'a> {
    /// DOI (always [`DOI_GDOI`] after parsing).
    pub doi: u32,
    /// Situation (0).
    pub situation: u32,
    /// The SA KEK, if any.
    pub kek: Option<SaKek<'a>>,
    /// The GAP, if any.
    pub gap: Option<Gap<'a>>,
    /// The SA TEKs.
    pub teks: SaTeks<'a>,
}

impl<'a> Sa<'a> {
    /// A GDOI SA from parts (for building).
    pub const fn new(kek: Option<SaKek<'a>>, gap: Option<Gap<'a>>, teks: &'a [SaTek<'a>]) -> Self {
        Self {
            doi: DOI_GDOI,
            situation: 0,
            kek,
            gap,
            teks: SaTeks::List(teks),
        }
    }
}

impl<'a> Codec<'a> for Sa<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Sa;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let mut r = take_body(r);
        let at = r.offset();
        let doi = r.u32("SA DOI")?;
        if doi != DOI_GDOI {
            return Err(Error::new(
                at,
                "SA DOI 2 (GDOI)",
                ErrorKind::InvalidValue { value: doi },
            ));
        }
        let at = r.offset();
        let situation = r.u32("SA situation")?;
        if situation != 0 {
            return Err(Error::new(
                at,
                "SA situation 0",
                ErrorKind::InvalidValue { value: situation },
            ));
        }
        let at = r.offset();
        let first = r.u16("SA attribute next payload")?;
        let first = match u8::try_from(first) {
            Ok(f @ (15 | 16 | 22)) => f,
            _ => {
                return Err(Error::new(
                    at,
                    "SA attribute next payload (SAK, SAT or GAP)",
                    ErrorKind::UnknownType { value: first },
                ));
            }
        };
        reserved::<2>(&mut r, "SA RESERVED2")?;
        let inner = r.rest();
        let inner_base = r.offset();
        let mut kek = None;
        let mut gap = None;
        let mut tek_start: Option<usize> = None;
        // 0: expect SAK/GAP/SAT, 1: after SAK, 2: after GAP, 3: in SATs.
        let mut stage = 0u8;
        for e in Payloads::new(first, r) {
            let e = e?;
            match (PayloadType::from(e.kind), stage) {
                (PayloadType::SaKek, 0) => {
                    kek = Some(from_element::<SaKek>(&e)?);
                    stage = 1;
                }
                (PayloadType::Gap, 0 | 1) => {
                    gap = Some(from_element::<Gap>(&e)?);
                    stage = 2;
                }
                (PayloadType::SaTek, _) => {
                    from_element::<SaTek>(&e)?;
                    tek_start.get_or_insert(e.offset);
                    stage = 3;
                }
                (PayloadType::SaKek | PayloadType::Gap, _) => {
                    return Err(inconsistent(
                        e.offset,
                        "SA attribute order [SAK] [GAP] SAT*",
                    ));
                }
                _ => {
                    return Err(Error::new(
                        e.offset,
                        "SA attribute payload (SAK, GAP or SAT)",
                        ErrorKind::UnknownType {
                            value: u16::from(e.kind),
                        },
                    ));
                }
            }
        }
        if kek.is_none() && tek_start.is_none() {
            return Err(inconsistent(inner_base, "SA with an SA KEK or an SA TEK"));
        }
        let teks = match tek_start {
            Some(start) => SaTeks::Parsed {
                raw: inner
                    .get(start.saturating_sub(inner_base)..)
                    .unwrap_or_default(),
                base: start,
            },
            None => SaTeks::Parsed {
                raw: &[],
                base: inner_base + inner.len(),
            },
        };
        Ok(Self {
            doi,
            situation,
            kek,
            gap,
            teks,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u32(self.doi);
        w.u32(self.situation);
        w.u8(0);
        let first = w.next_payload();
        w.u16(0);
        let mut chain = ChainWriter::new(first);
        if let Some(k) = &self.kek {
            emit(k, &mut chain, w);
        }
        if let Some(g) = &self.gap {
            emit(g, &mut chain, w);
        }
        for t in self.teks.iter() {
            emit(&t, &mut chain, w);
        }
    }
}
