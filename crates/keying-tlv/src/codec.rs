//! The one codec trait every payload, option and message body of the protocol crates
//! implements.

use crate::error::Error;
use crate::reader::Reader;
use crate::writer::Writer;

/// The body codec of one wire structure: a MIKEY payload, an ISAKMP / GDOI payload, an
/// ND or Mobility option. It reads and writes the bytes *after* the framing header (MIKEY:
/// the Next payload byte; ISAKMP: the 4-byte generic header; ND / Mobility options: type
/// and length); the framing itself belongs to [`crate::Chain`] and [`crate::ChainWriter`],
/// so each protocol crate adds its framing once, for every structure, on top of this trait.
///
/// Decoders validate everything once, so the accessors of a decoded view cannot fail, and
/// never panic on any input.
pub trait Codec<'a>: Sized {
    /// The protocol's type-code enum (`mikey_core::PayloadType`, …).
    type Kind: Copy;
    /// The type code this structure is announced with on the wire.
    const KIND: Self::Kind;
    /// The error decoding reports: [`Error`] or a protocol error wrapping it.
    type Error: From<Error>;

    /// Reads the body from the front of `r`, leaving `r` after it (or, for structures whose
    /// length the framing gives, at the end of the body). Reader offsets are absolute, so
    /// errors point into the whole message.
    ///
    /// # Errors
    /// Truncated, oversized, inconsistent or unknown data.
    fn read(r: &mut Reader<'a>) -> Result<Self, Self::Error>;

    /// Writes the body. Writing past the end of the buffer is recorded by the [`Writer`]
    /// and reported by [`Writer::finish`].
    fn write(&self, w: &mut Writer<'_>);
}
