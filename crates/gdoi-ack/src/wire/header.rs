//! The ISAKMP header ([RFC 2408 §3.1](https://www.rfc-editor.org/rfc/rfc2408#section-3.1)) as
//! GDOI uses it ([RFC 6407 §4.2](https://www.rfc-editor.org/rfc/rfc6407#section-4.2),
//! [RFC 8263 §3.1](https://www.rfc-editor.org/rfc/rfc8263#section-3.1)).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !                          Initiator                            !
//! !                            Cookie                             !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !                          Responder                            !
//! !                            Cookie                             !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !                          Message ID                           !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !                            Length                             !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use keying_tlv::{Error, ErrorKind, LenField, NextPayload, Reader, Result, Writer};

/// Size of the ISAKMP header.
pub const HEADER_LEN: usize = 28;
/// ISAKMP version 1.0 (major 1 in the high nibble). IKEv2 uses 0x20.
pub const VERSION: u8 = 0x10;

/// Header flag: the payloads after the header are encrypted.
pub const FLAG_ENCRYPTION: u8 = 0x01;
/// Header flag: commit (useless for GDOI, RFC 6407 §4.2).
pub const FLAG_COMMIT: u8 = 0x02;
/// Header flag: authentication only.
pub const FLAG_AUTH_ONLY: u8 = 0x04;

mod field {
    pub const VERSION: usize = 17;
    pub const EXCHANGE: usize = 18;
    pub const FLAGS: usize = 19;
    pub const MESSAGE_ID: usize = 20;
    pub const LENGTH: usize = 24;
}

keying_tlv::wire_enum! {
    /// Exchange types GDOI uses ([RFC 6407 §3.2, §4](https://www.rfc-editor.org/rfc/rfc6407),
    /// [RFC 8263 §3.1, §8](https://www.rfc-editor.org/rfc/rfc8263#section-8)).
    pub enum ExchangeType: u8 {
        /// ISAKMP Informational (RFC 2408).
        Informational = 5,
        /// GROUPKEY-PULL.
        GroupkeyPull = 32,
        /// GROUPKEY-PUSH.
        GroupkeyPush = 33,
        /// "Known Unregistered Use" in the RFC 8263 registry: **not** the RFC 8263 ACK.
        KnownUnregisteredUse = 34,
        /// GROUPKEY-PUSH-ACK (RFC 8263).
        GroupkeyPushAck = 35,
    }
}

/// The ISAKMP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// Initiator cookie (GROUPKEY-PUSH / ACK: KEK SPI octets 0..8).
    pub initiator_cookie: [u8; 8],
    /// Responder cookie (GROUPKEY-PUSH / ACK: KEK SPI octets 8..16).
    pub responder_cookie: [u8; 8],
    /// Type of the first payload.
    pub next_payload: u8,
    /// Version octet; [`Header::parse`] only accepts [`VERSION`].
    pub version: u8,
    /// Exchange type.
    pub exchange: ExchangeType,
    /// Flags.
    pub flags: u8,
    /// Message ID.
    pub message_id: u32,
    /// Total message length, header included.
    pub length: u32,
}

impl Header {
    /// Parses the 28-octet header. The version is checked **before** the exchange type
    /// (35 is also IKEv2 IKE_AUTH). `length` must be at least 28; comparing it with the
    /// datagram is the message layer's job.
    ///
    /// # Errors
    /// Truncation, a version other than 0x10, a length below 28.
    pub fn parse(r: &mut Reader<'_>) -> Result<Self> {
        let start = r.offset();
        let initiator_cookie = r.array("ISAKMP initiator cookie")?;
        let responder_cookie = r.array("ISAKMP responder cookie")?;
        let next_payload = r.u8("ISAKMP next payload")?;
        let version = r.u8("ISAKMP version")?;
        if version != VERSION {
            return Err(Error::new(
                start + field::VERSION,
                "ISAKMP version 1.0 (0x10; 0x20 is IKEv2)",
                ErrorKind::InvalidValue {
                    value: u32::from(version),
                },
            ));
        }
        let exchange = ExchangeType::from(r.u8("ISAKMP exchange type")?);
        let flags = r.u8("ISAKMP flags")?;
        let message_id = r.u32("ISAKMP message ID")?;
        let length = r.u32("ISAKMP length")?;
        if (length as usize) < HEADER_LEN {
            return Err(Error::new(
                start + field::LENGTH,
                "ISAKMP length",
                ErrorKind::BadLength {
                    value: length as usize,
                },
            ));
        }
        Ok(Self {
            initiator_cookie,
            responder_cookie,
            next_payload,
            version,
            exchange,
            flags,
            message_id,
            length,
        })
    }

    /// The 16-octet cookie pair (the KEK SPI for PUSH and ACK).
    pub fn cookies(&self) -> [u8; 16] {
        let mut c = [0u8; 16];
        let (i, r) = c.split_at_mut(8);
        i.copy_from_slice(&self.initiator_cookie);
        r.copy_from_slice(&self.responder_cookie);
        c
    }

    /// Splits a 16-octet SPI into the two cookies.
    pub fn split_cookies(spi: &[u8; 16]) -> ([u8; 8], [u8; 8]) {
        let mut i = [0u8; 8];
        let mut r = [0u8; 8];
        let (a, b) = spi.split_at(8);
        i.copy_from_slice(a);
        r.copy_from_slice(b);
        (i, r)
    }

    /// Writes the header exactly as the fields say (no back-patching).
    pub fn emit(&self, w: &mut Writer<'_>) {
        w.bytes(&self.initiator_cookie);
        w.bytes(&self.responder_cookie);
        w.u8(self.next_payload);
        w.u8(self.version);
        w.u8(self.exchange.to_wire());
        w.u8(self.flags);
        w.u32(self.message_id);
        w.u32(self.length);
    }

    /// Writes the header with the Next Payload and Length fields reserved for
    /// back-patching: the chain writer fills the first, [`Writer::close_len`] the second
    /// (counting from the header's first octet). `next_payload` and `length` are ignored.
    pub fn begin(&self, w: &mut Writer<'_>) -> (NextPayload, LenField) {
        let start = w.position();
        w.bytes(&self.initiator_cookie);
        w.bytes(&self.responder_cookie);
        let next = w.next_payload();
        w.u8(self.version);
        w.u8(self.exchange.to_wire());
        w.u8(self.flags);
        w.u32(self.message_id);
        let len = w.open_len(4, start, "ISAKMP length");
        (next, len)
    }

    /// Errors of the GDOI exchange-type checks, located in the header at `base`.
    pub(crate) fn exchange_error(&self, base: usize, wanted: ExchangeType) -> Option<Error> {
        if self.exchange == wanted {
            return None;
        }
        let what = match self.exchange {
            ExchangeType::KnownUnregisteredUse => {
                "GDOI exchange type (34 is Known Unregistered Use, not RFC 8263)"
            }
            _ => "GDOI exchange type",
        };
        Some(Error::new(
            base + field::EXCHANGE,
            what,
            ErrorKind::UnknownType {
                value: u16::from(self.exchange.to_wire()),
            },
        ))
    }

    pub(crate) fn flags_error(&self, base: usize, wanted: u8) -> Option<Error> {
        (self.flags != wanted).then(|| {
            Error::new(
                base + field::FLAGS,
                "ISAKMP flags",
                ErrorKind::InvalidValue {
                    value: u32::from(self.flags),
                },
            )
        })
    }

    pub(crate) fn message_id_error(&self, base: usize) -> Option<Error> {
        (self.message_id != 0).then(|| {
            Error::new(
                base + field::MESSAGE_ID,
                "ISAKMP message ID 0",
                ErrorKind::InvalidValue {
                    value: self.message_id,
                },
            )
        })
    }

    pub(crate) fn length_error(&self, base: usize, datagram: usize) -> Option<Error> {
        (self.length as usize != datagram).then(|| {
            Error::new(
                base + field::LENGTH,
                "ISAKMP length equal to the datagram length",
                ErrorKind::BadLength {
                    value: self.length as usize,
                },
            )
        })
    }
}
