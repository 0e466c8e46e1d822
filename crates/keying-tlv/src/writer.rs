//! [`Writer`]: a bounded emitter over the caller's buffer, with back-patching.

use crate::error::WriteError;

/// Writes big-endian fields into a caller-provided `&mut [u8]`; never allocates.
///
/// Writes never fail one by one: past the end of the buffer the writer keeps counting
/// without storing, and the first value that does not fit its field is remembered. The
/// emitter calls [`Writer::finish`] once, which returns the length written or
/// [`WriteError::BufferTooSmall`] with the size the *whole* output needs, so a caller can
/// retry once with a big enough buffer.
///
/// Lengths and next-payload bytes are back-patched through [`LenField`] and
/// [`NextPayload`], so an emitter never computes a length before writing the body.
#[derive(Debug)]
pub struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
    error: Option<WriteError>,
}

/// A reserved length field, filled in by [`Writer::close_len`].
#[derive(Debug)]
#[must_use = "a reserved length must be closed"]
pub struct LenField {
    at: usize,
    from: usize,
    width: usize,
    field: &'static str,
}

/// A reserved next-payload byte (initially 0, "last"), set when the next element begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextPayload {
    at: usize,
}

impl<'a> Writer<'a> {
    /// A writer over `buf`, starting at its first byte.
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self {
            buf,
            pos: 0,
            error: None,
        }
    }

    /// Number of bytes written (or counted) so far.
    pub const fn position(&self) -> usize {
        self.pos
    }

    /// Records `e` unless an earlier error is already recorded.
    pub fn fail(&mut self, e: WriteError) {
        self.error.get_or_insert(e);
    }

    /// Ends writing: the number of bytes written, or the first error.
    pub fn finish(self) -> Result<usize, WriteError> {
        match self.error {
            Some(e) => Err(e),
            None if self.pos > self.buf.len() => {
                Err(WriteError::BufferTooSmall { needed: self.pos })
            }
            None => Ok(self.pos),
        }
    }

    /// Writes `data` at the current position.
    pub fn bytes(&mut self, data: &[u8]) {
        let end = self.pos.saturating_add(data.len());
        if let Some(dst) = self.buf.get_mut(self.pos..end) {
            dst.copy_from_slice(data);
        }
        self.pos = end;
    }

    /// Writes `n` zero bytes.
    pub fn zeros(&mut self, n: usize) {
        let end = self.pos.saturating_add(n);
        if let Some(dst) = self.buf.get_mut(self.pos..end) {
            dst.fill(0);
        }
        self.pos = end;
    }

    /// Writes one byte.
    pub fn u8(&mut self, v: u8) {
        self.bytes(&[v]);
    }

    /// Writes a big-endian `u16`.
    pub fn u16(&mut self, v: u16) {
        self.bytes(&v.to_be_bytes());
    }

    /// Writes a big-endian 24-bit value; a value above `0xff_ffff` is a [`WriteError::TooLong`].
    pub fn u24(&mut self, v: u32, field: &'static str) {
        let [hi, a, b, c] = v.to_be_bytes();
        if hi != 0 {
            self.fail(WriteError::TooLong {
                field,
                value: v as usize,
            });
        }
        self.bytes(&[a, b, c]);
    }

    /// Writes a big-endian `u32`.
    pub fn u32(&mut self, v: u32) {
        self.bytes(&v.to_be_bytes());
    }

    /// Writes a big-endian `u64`.
    pub fn u64(&mut self, v: u64) {
        self.bytes(&v.to_be_bytes());
    }

    /// Writes `v` into `width` bytes (1, 2 or 3), recording [`WriteError::TooLong`] if it
    /// does not fit.
    pub fn uint(&mut self, v: usize, width: usize, field: &'static str) {
        let at = self.pos;
        self.zeros(width);
        self.patch_uint(at, v, width, field);
    }

    /// Writes `v` as `width` big-endian bytes at `at`, recording [`WriteError::TooLong`] if
    /// it does not fit.
    fn patch_uint(&mut self, at: usize, v: usize, width: usize, field: &'static str) {
        let be = (v as u64).to_be_bytes();
        match be.split_at_checked(8usize.saturating_sub(width)) {
            Some((high, low)) if high.iter().all(|&b| b == 0) => self.patch(at, low),
            _ => self.fail(WriteError::TooLong { field, value: v }),
        }
    }

    /// Overwrites already-written bytes at `at` (ignored where the buffer was too small:
    /// [`Writer::finish`] reports that).
    pub fn patch(&mut self, at: usize, data: &[u8]) {
        if let Some(dst) = self.buf.get_mut(at..at.saturating_add(data.len())) {
            dst.copy_from_slice(data);
        }
    }

    /// Reserves a `width`-byte length field (1, 2 or 3 bytes) that will count the bytes from
    /// absolute position `from` to the position at [`Writer::close_len`].
    pub fn open_len(&mut self, width: usize, from: usize, field: &'static str) -> LenField {
        let at = self.pos;
        self.zeros(width);
        LenField {
            at,
            from,
            width,
            field,
        }
    }

    /// Reserves a `width`-byte length field counting the bytes that follow it.
    pub fn open_len_after(&mut self, width: usize, field: &'static str) -> LenField {
        let from = self.pos + width;
        self.open_len(width, from, field)
    }

    /// Fills a reserved length with the byte count since its start, divided by `unit`
    /// (1 for byte lengths, 8 for ND options, 4 for 32-bit-word lengths). The count must be
    /// a multiple of `unit`.
    pub fn close_len_in(&mut self, f: LenField, unit: usize) {
        let count = self.pos.saturating_sub(f.from);
        let unit = unit.max(1);
        if !count.is_multiple_of(unit) {
            self.fail(WriteError::TooLong {
                field: f.field,
                value: count,
            });
            return;
        }
        self.patch_uint(f.at, count / unit, f.width, f.field);
    }

    /// Fills a reserved byte length.
    pub fn close_len(&mut self, f: LenField) {
        self.close_len_in(f, 1);
    }

    /// Reserves a next-payload byte at the current position, written as 0 ("last").
    pub fn next_payload(&mut self) -> NextPayload {
        let at = self.pos;
        self.u8(0);
        NextPayload { at }
    }

    /// Sets a reserved next-payload byte.
    pub fn set_next(&mut self, slot: NextPayload, kind: u8) {
        self.patch(slot.at, &[kind]);
    }
}

/// Emits a chain of elements whose type is announced by the previous element (MIKEY and
/// ISAKMP framings): each `begin_*` writes the new element's type into the previous
/// element's next-payload byte. The chain's first slot is the header's next-payload byte.
#[derive(Debug)]
pub struct ChainWriter {
    pending: Option<NextPayload>,
}

/// An ISAKMP payload being written; close it with [`ChainWriter::end_isakmp`].
#[derive(Debug)]
#[must_use = "an ISAKMP payload must be ended"]
pub struct IsakmpPayload {
    len: LenField,
}

/// An ND option being written; close it with [`Writer::end_nd_option`].
#[derive(Debug)]
#[must_use = "an ND option must be ended"]
pub struct NdOption {
    len: LenField,
}

impl ChainWriter {
    /// A chain whose first element's type goes into `first` (the header's next-payload byte).
    pub const fn new(first: NextPayload) -> Self {
        Self {
            pending: Some(first),
        }
    }

    fn announce(&mut self, w: &mut Writer<'_>, kind: u8) {
        match self.pending.take() {
            Some(slot) => w.set_next(slot, kind),
            None => w.fail(WriteError::TooLong {
                field: "element after the last one",
                value: 0,
            }),
        }
    }

    /// MIKEY: begins a payload of type `kind` whose first byte is its next-payload field.
    pub fn begin_mikey(&mut self, w: &mut Writer<'_>, kind: u8) {
        self.announce(w, kind);
        self.pending = Some(w.next_payload());
    }

    /// MIKEY: begins a payload that carries no next-payload field and so ends the chain
    /// (the SIGN payload, RFC 3830 §6.5).
    pub fn begin_mikey_terminal(&mut self, w: &mut Writer<'_>, kind: u8) {
        self.announce(w, kind);
    }

    /// ISAKMP: begins a payload with the generic header (RFC 2408 §3.2).
    pub fn begin_isakmp(&mut self, w: &mut Writer<'_>, kind: u8) -> IsakmpPayload {
        self.announce(w, kind);
        let start = w.position();
        self.pending = Some(w.next_payload());
        w.u8(0);
        IsakmpPayload {
            len: w.open_len(2, start, "ISAKMP payload length"),
        }
    }

    /// ISAKMP: ends a payload, back-patching its length (header included).
    pub fn end_isakmp(&mut self, w: &mut Writer<'_>, p: IsakmpPayload) {
        w.close_len(p.len);
    }
}

impl Writer<'_> {
    /// ND: begins an option of type `kind` (RFC 4861 §4.6).
    pub fn begin_nd_option(&mut self, kind: u8) -> NdOption {
        let start = self.pos;
        self.u8(kind);
        NdOption {
            len: self.open_len(1, start, "ND option length"),
        }
    }

    /// ND: ends an option, zero-padding it to a multiple of 8 octets and back-patching its
    /// length in units of 8 octets.
    pub fn end_nd_option(&mut self, o: NdOption) {
        let len = self.pos.saturating_sub(o.len.from);
        self.zeros((8 - len % 8) % 8);
        self.close_len_in(o.len, 8);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn counts_past_the_end_and_reports_total_need() {
        let mut buf = [0x2a; 4];
        let mut w = Writer::new(&mut buf);
        w.u16(0x0102);
        w.u32(0x03040506);
        w.u8(7);
        assert_eq!(w.finish(), Err(WriteError::BufferTooSmall { needed: 7 }));
    }

    #[test]
    fn patches_lengths_and_reports_overflow() {
        let mut buf = [0x2a; 300];
        let mut w = Writer::new(&mut buf);
        let l = w.open_len_after(1, "len8");
        w.zeros(255);
        w.close_len(l);
        let l = w.open_len_after(1, "len8");
        w.zeros(1);
        w.close_len(l);
        assert_eq!(w.finish(), Ok(258));
        assert_eq!(buf[0], 255);
        assert_eq!(buf[256], 1);
        assert_eq!(buf[257], 0);

        let mut w = Writer::new(&mut buf);
        let l = w.open_len_after(1, "len8");
        w.zeros(256);
        w.close_len(l);
        assert_eq!(
            w.finish(),
            Err(WriteError::TooLong {
                field: "len8",
                value: 256
            })
        );

        let mut w = Writer::new(&mut buf);
        w.u24(0x0100_0000, "u24");
        assert_eq!(
            w.finish(),
            Err(WriteError::TooLong {
                field: "u24",
                value: 0x0100_0000
            })
        );

        let mut w = Writer::new(&mut buf);
        w.uint(0x1_0000, 2, "u16");
        w.uint(0xffff, 2, "ok");
        assert_eq!(
            w.finish(),
            Err(WriteError::TooLong {
                field: "u16",
                value: 0x1_0000
            })
        );
    }

    #[test]
    fn nd_option_pads_with_zeros() {
        let mut buf = [0x2a; 16];
        let mut w = Writer::new(&mut buf);
        let o = w.begin_nd_option(14);
        w.bytes(&[1, 2, 3, 4, 5, 6, 7]);
        w.end_nd_option(o);
        assert_eq!(w.finish(), Ok(16));
        assert_eq!(buf, [14, 2, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0, 0, 0, 0]);
    }
}
