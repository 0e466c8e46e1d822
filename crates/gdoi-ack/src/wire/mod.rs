//! The ISAKMP generic payload chain as GDOI uses it
//! ([RFC 2408 §3.2](https://www.rfc-editor.org/rfc/rfc2408#section-3.2),
//! [RFC 6407 §5](https://www.rfc-editor.org/rfc/rfc6407#section-5)).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next Payload  !   RESERVED    !         Payload Length        !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! All walking goes through [`keying_tlv::Chain`] with the [`Isakmp`] framing; this module
//! adds the GDOI rule that the RESERVED octet is zero (a non-zero value is rejected, so that
//! no bit of an unauthenticated generic header — e.g. the ACK's HASH payload — can change
//! without the message being rejected).

pub mod attributes;
pub mod delete;
pub mod gap;
pub mod hash;
pub mod header;
pub mod identification;
pub mod key_download;
pub mod message;
pub mod nonce;
pub mod notification;
pub mod sa;
pub mod sa_kek;
pub mod sa_tek;
pub mod seq;
pub mod sig;

use keying_tlv::{
    Chain, ChainWriter, Codec, Element, Error, ErrorKind, ISAKMP_GENERIC_HEADER_LEN, Isakmp,
    Reader, Result, Writer,
};

keying_tlv::wire_enum! {
    /// ISAKMP / GDOI payload types (the Next Payload values), [RFC 2408 §3.1] and
    /// [RFC 6407 §5](https://www.rfc-editor.org/rfc/rfc6407#section-5).
    pub enum PayloadType: u8 {
        /// NONE: end of the chain.
        Last = 0,
        /// Security Association (GDOI form, RFC 6407 §5.2).
        Sa = 1,
        /// Identification (RFC 2408 §3.8, RFC 6407 §5.1).
        Id = 5,
        /// Certificate.
        Cert = 6,
        /// Hash.
        Hash = 8,
        /// Signature.
        Sig = 9,
        /// Nonce.
        Nonce = 10,
        /// Notification.
        Notification = 11,
        /// Delete.
        Delete = 12,
        /// SA KEK (RFC 6407 §5.3).
        SaKek = 15,
        /// SA TEK (RFC 6407 §5.5).
        SaTek = 16,
        /// Key Download (RFC 6407 §5.6).
        KeyDownload = 17,
        /// Sequence Number (RFC 6407 §5.7).
        Seq = 18,
        /// Proof of Possession (removed by RFC 6407).
        Pop = 19,
        /// Group Associated Policy (RFC 6407 §5.4).
        Gap = 22,
    }
}

/// Decodes the body of a chain element (the bytes after its 4-octet generic header) as
/// payload `P`: the ISAKMP framing of every [`Codec`] payload of this crate, in one place.
///
/// # Errors
/// `P`'s decoding error, naming the field and the absolute byte offset.
pub fn from_element<'a, P: Codec<'a, Kind = PayloadType>>(e: &Element<'a>) -> Result<P, P::Error> {
    P::read(&mut body_reader(e))
}

/// Writes `p` as the next element of `chain`: the generic header (Next Payload of the
/// previous element set to `P::KIND`, RESERVED 0, Payload Length) and the body.
pub fn emit<'a, P: Codec<'a, Kind = PayloadType>>(
    p: &P,
    chain: &mut ChainWriter,
    w: &mut Writer<'_>,
) {
    let at = chain.begin_isakmp(w, P::KIND.to_wire());
    p.write(w);
    chain.end_isakmp(w, at);
}

/// For a [`Codec::read`] whose body the framing delimits: a reader over the rest of `r`
/// (same absolute offsets), leaving `r` at its end.
pub(crate) fn take_body<'a>(r: &mut Reader<'a>) -> Reader<'a> {
    let body = Reader::at(r.rest(), r.offset());
    r.take_rest();
    body
}

/// A reader over an element's body with absolute offsets.
pub fn body_reader<'a>(e: &Element<'a>) -> Reader<'a> {
    Reader::at(e.body, e.offset + ISAKMP_GENERIC_HEADER_LEN)
}

/// The generic payload chain starting with type `first`, rejecting a non-zero RESERVED
/// octet. Wraps [`Chain`] with the [`Isakmp`] framing. `Debug` does not show the bytes
/// (a decrypted PUSH chain holds keys).
#[derive(Clone)]
pub struct Payloads<'a> {
    chain: Chain<'a, Isakmp>,
    failed: bool,
}

impl core::fmt::Debug for Payloads<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Payloads")
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl<'a> Payloads<'a> {
    /// A chain over `r`'s remaining bytes; trailing bytes after the last payload are an error.
    pub fn new(first: u8, r: Reader<'a>) -> Self {
        Self {
            chain: Chain::new(Isakmp, first, r),
            failed: false,
        }
    }

    /// Allows bytes after the last payload (block-cipher padding); see [`Payloads::rest`].
    pub fn allow_trailing(mut self) -> Self {
        self.chain = self.chain.allow_trailing();
        self
    }

    /// The bytes not consumed so far.
    pub fn rest(&self) -> &'a [u8] {
        self.chain.rest()
    }

    /// Absolute offset of the next unread byte.
    pub fn offset(&self) -> usize {
        self.chain.offset()
    }
}

impl<'a> Iterator for Payloads<'a> {
    type Item = Result<Element<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let item = self.chain.next()?;
        let checked = item.and_then(|e| match e.raw.get(1) {
            Some(0) => Ok(e),
            Some(&v) => Err(Error::new(
                e.offset + 1,
                "ISAKMP payload RESERVED",
                ErrorKind::InvalidValue {
                    value: u32::from(v),
                },
            )),
            None => Err(Error::new(
                e.offset,
                "ISAKMP payload",
                ErrorKind::Truncated { needed: 2 },
            )),
        });
        if checked.is_err() {
            self.failed = true;
        }
        Some(checked)
    }
}

impl core::iter::FusedIterator for Payloads<'_> {}

/// An error "expected `what`" of kind [`ErrorKind::Inconsistent`] at `offset`.
pub(crate) const fn inconsistent(offset: usize, what: &'static str) -> Error {
    Error::new(offset, what, ErrorKind::Inconsistent)
}

/// Reads a zero-valued reserved field of `N` octets.
pub(crate) fn reserved<const N: usize>(r: &mut Reader<'_>, what: &'static str) -> Result<()> {
    let at = r.offset();
    let v: [u8; N] = r.array(what)?;
    match v.iter().position(|&b| b != 0) {
        None => Ok(()),
        Some(i) => Err(Error::new(
            at + i,
            what,
            ErrorKind::InvalidValue {
                value: v.get(i).copied().map_or(0, u32::from),
            },
        )),
    }
}

/// Writes a length as a `u16`, recording `TooLong` when it does not fit.
pub(crate) fn emit_len_u8(w: &mut Writer<'_>, len: usize, field: &'static str) {
    w.uint(len, 1, field);
}

/// Writes a count as a `u16`, recording `TooLong` when it does not fit.
pub(crate) fn emit_len_u16(w: &mut Writer<'_>, len: usize, field: &'static str) {
    w.uint(len, 2, field);
}
