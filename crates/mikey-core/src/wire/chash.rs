//! Cert hash payload (CHASH, RFC 3830 §6.8; SHA-256 from RFC 6043 §6.7).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next Payload  ! Hash func     !       Hash                    ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! The hash length follows from the hash function; an unknown function makes the payload
//! (and the message) unparseable.

use keying_tlv::{Reader, Result, WriteError, Writer, wire_enum};

use crate::error::what;
use crate::wire::{PayloadType, unknown};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const HASH_FUNC: usize = 1;
    pub const HASH: usize = 2;
}

wire_enum! {
    /// Hash func (RFC 3830 §6.8 Table 6.8; SHA-256 from RFC 6043 §6.7 Table 6.12).
    pub enum HashFunc: u8 {
        /// SHA-1 (160 bits).
        Sha1 = 0,
        /// MD5 (128 bits).
        Md5 = 1,
        /// SHA-256 (256 bits).
        Sha256 = 2,
    }
}

impl HashFunc {
    /// Hash length in bytes, `None` when unknown.
    pub const fn hash_len(self) -> Option<usize> {
        match self {
            Self::Sha1 => Some(20),
            Self::Md5 => Some(16),
            Self::Sha256 => Some(32),
            Self::Unknown(_) => None,
        }
    }
}

/// Cert hash payload (CHASH, RFC 3830 §6.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chash<'a> {
    /// Hash function.
    pub hash_func: HashFunc,
    /// The hash; its length must be the function's.
    pub hash: &'a [u8],
}

impl<'a> Codec<'a> for Chash<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Chash;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let at = r.offset();
        let hash_func = HashFunc::from(r.u8(what::HASH_FUNC)?);
        let len = hash_func
            .hash_len()
            .ok_or_else(|| unknown(at, what::HASH_FUNC, u16::from(hash_func.to_wire())))?;
        let hash = r.bytes(len, "CHASH Hash")?;
        Ok(Self { hash_func, hash })
    }

    fn write(&self, w: &mut Writer<'_>) {
        if self.hash_func.hash_len() != Some(self.hash.len()) {
            w.fail(WriteError::TooLong {
                field: "CHASH Hash",
                value: self.hash.len(),
            });
        }
        w.u8(self.hash_func.to_wire());
        w.bytes(self.hash);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::wire::Framed;
    use crate::wire::tests::check_payload;
    use keying_tlv::ErrorKind;

    #[test]
    fn sha1_chash_and_unknown_func() {
        let mut bytes = [0u8; 22];
        bytes[0] = 2;
        bytes[2..].fill(0xab);
        let p = Chash {
            hash_func: HashFunc::Sha1,
            hash: &[0xab; 20],
        };
        check_payload(&bytes, p, PayloadType::Pke);
        let e = Chash::parse(&[0, 9, 1, 2]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownType { value: 9 });
        assert_eq!(e.offset, 1);
    }
}
