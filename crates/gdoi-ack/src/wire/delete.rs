//! The Delete payload ([RFC 2408 §3.15](https://www.rfc-editor.org/rfc/rfc2408#section-3.15);
//! GDOI use: [RFC 6407 §5.9](https://www.rfc-editor.org/rfc/rfc6407#section-5.9)).
//!
//! ```text
//! ! Next Payload  !   RESERVED    !         Payload Length        !
//! !              Domain of Interpretation  (DOI)                  !
//! !  Protocol-Id  !   SPI Size    !           # of SPIs           !
//! ~               Security Parameter Index(es) (SPI)              ~
//! ```
//!
//! GDOI: Protocol-ID 0 with SPI size 16 deletes a KEK; 1 (ESP) / 2 (AH) with SPI size 4
//! delete TEKs. An all-zero SPI means "all SAs of that protocol".

use keying_tlv::{ErrorKind, Reader, Result, Writer};

use keying_tlv::Codec;

use crate::wire::{PayloadType, emit_len_u16, take_body};

/// Protocol-ID of a Delete naming the KEK (RFC 6407 §5.9).
pub const DELETE_PROTOCOL_KEK: u8 = 0;

/// A Delete payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Delete<'a> {
    /// DOI (GDOI = 2).
    pub doi: u32,
    /// Protocol-ID (0 = KEK, 1 = ESP, 2 = AH).
    pub protocol_id: u8,
    spi_size: u8,
    count: u16,
    spis: &'a [u8],
}

impl<'a> Delete<'a> {
    /// A Delete of `spis` (concatenated SPIs of `spi_size` octets each). Returns `None`
    /// unless `spis` is a whole number (≤ 65535) of SPIs.
    pub fn new(doi: u32, protocol_id: u8, spi_size: u8, spis: &'a [u8]) -> Option<Self> {
        let size = usize::from(spi_size);
        let count = if size == 0 {
            (spis.is_empty()).then_some(0)?
        } else {
            if !spis.len().is_multiple_of(size) {
                return None;
            }
            u16::try_from(spis.len() / size).ok()?
        };
        Some(Self {
            doi,
            protocol_id,
            spi_size,
            count,
            spis,
        })
    }

    /// SPI size in octets.
    pub const fn spi_size(&self) -> u8 {
        self.spi_size
    }

    /// Number of SPIs.
    pub const fn count(&self) -> u16 {
        self.count
    }

    /// The SPIs.
    pub fn spis(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let size = usize::from(self.spi_size).max(1);
        let n = if self.spi_size == 0 {
            0
        } else {
            usize::from(self.count)
        };
        self.spis.chunks_exact(size).take(n)
    }
}

impl<'a> Codec<'a> for Delete<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Delete;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let mut r = take_body(r);
        let doi = r.u32("Delete DOI")?;
        let protocol_id = r.u8("Delete protocol-ID")?;
        let spi_size = r.u8("Delete SPI size")?;
        let count = r.u16("Delete number of SPIs")?;
        let need = usize::from(spi_size) * usize::from(count);
        if r.remaining() != need {
            return Err(r.error(
                "Delete SPIs (size × count)",
                ErrorKind::BadLength {
                    value: r.remaining(),
                },
            ));
        }
        let spis = r.take_rest();
        Ok(Self {
            doi,
            protocol_id,
            spi_size,
            count,
            spis,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u32(self.doi);
        w.u8(self.protocol_id);
        w.u8(self.spi_size);
        emit_len_u16(w, usize::from(self.count), "Delete number of SPIs");
        w.bytes(self.spis);
    }
}
