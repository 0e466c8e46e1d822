//! Key data sub-payload (RFC 3830 §6.13; GTGK, GTGK+SALT and MPK from RFC 6043 §6.2.1)
//! and the key validity data shared with the DH payload (RFC 3830 §6.14).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !  Next Payload ! Type  ! KV    ! Key data len                  !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !                         Key data                              ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Salt len (optional)           ! Salt data (optional)          ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !                        KV data (optional)                     ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!
//! KV data, KV = SPI/MKI:   SPI Length (8) | SPI (SPI Length)
//! KV data, KV = Interval:  VF Length (8) | Valid From | VT Length (8) | Valid To
//! ```
//! Salt len / Salt data are present exactly for the "+SALT" key types. The layout depends
//! on Type and KV, so unknown values make the sub-payload unparseable.

use keying_tlv::{Codec, Reader, Result, Writer, wire_enum};

use crate::error::what;
use crate::wire::{PayloadType, check_bits, read_len8, read_len16, unknown, write_len};

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const TYPE_KV: usize = 1;
    pub const KEY_DATA_LEN: core::ops::Range<usize> = 2..4;
    pub const KEY_DATA: usize = 4;
}

wire_enum! {
    /// Key data Type (RFC 3830 §6.13 Table 6.13.a; 4-6 from RFC 6043 §6.2.1), 4 bits.
    pub enum KeyType: u8 {
        /// TEK Generation Key.
        Tgk = 0,
        /// TGK with a salt.
        TgkSalt = 1,
        /// Traffic-encrypting key.
        Tek = 2,
        /// TEK with a salt.
        TekSalt = 3,
        /// Group TGK (RFC 6043).
        Gtgk = 4,
        /// Group TGK with a salt (RFC 6043).
        GtgkSalt = 5,
        /// MIKEY protection key (RFC 6043).
        Mpk = 6,
    }
}

impl KeyType {
    /// Whether Salt len / Salt data follow the key (`None` for unknown types).
    pub const fn has_salt(self) -> Option<bool> {
        match self {
            Self::TgkSalt | Self::TekSalt | Self::GtgkSalt => Some(true),
            Self::Tgk | Self::Tek | Self::Gtgk | Self::Mpk => Some(false),
            Self::Unknown(_) => None,
        }
    }
}

wire_enum! {
    /// KV, the key validity type (RFC 3830 §6.13 Table 6.13.b), 4 bits.
    pub enum Kv: u8 {
        /// No validity data.
        Null = 0,
        /// SPI / MKI.
        Spi = 1,
        /// Validity interval.
        Interval = 2,
    }
}

/// Key validity data (RFC 3830 §6.14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyValidity<'a> {
    /// No validity data (KV = Null).
    Null,
    /// SPI, or the MKI for SRTP (KV = SPI/MKI).
    Spi(&'a [u8]),
    /// Validity interval (KV = Interval); for SRTP the bounds are packet indexes.
    Interval {
        /// Valid from.
        from: &'a [u8],
        /// Valid to.
        to: &'a [u8],
    },
}

impl<'a> KeyValidity<'a> {
    /// The KV value announcing this data.
    pub const fn kv(&self) -> Kv {
        match self {
            Self::Null => Kv::Null,
            Self::Spi(_) => Kv::Spi,
            Self::Interval { .. } => Kv::Interval,
        }
    }

    /// Reads the KV data announced by `kv` (whose 4-bit field sat at `at`).
    #[inline(always)]
    pub(crate) fn read(kv: Kv, at: usize, r: &mut Reader<'a>) -> Result<Self> {
        match kv {
            Kv::Null => Ok(Self::Null),
            Kv::Spi => Ok(Self::Spi(read_len8(r, "KV SPI")?)),
            Kv::Interval => {
                let from = read_len8(r, "KV Valid From")?;
                let to = read_len8(r, "KV Valid To")?;
                Ok(Self::Interval { from, to })
            }
            Kv::Unknown(v) => Err(unknown(at, what::KV, u16::from(v))),
        }
    }

    /// Writes the KV data (not the KV field).
    pub(crate) fn write(&self, w: &mut Writer<'_>) {
        match self {
            Self::Null => {}
            Self::Spi(spi) => {
                write_len(w, spi.len(), 1, "SPI Length");
                w.bytes(spi);
            }
            Self::Interval { from, to } => {
                write_len(w, from.len(), 1, "VF Length");
                w.bytes(from);
                write_len(w, to.len(), 1, "VT Length");
                w.bytes(to);
            }
        }
    }
}

/// Key data sub-payload (RFC 3830 §6.13), carried inside the KEMAC Encr data. `Debug`
/// shows the key type, the key and salt lengths and the KV data, never the key or salt.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KeyData<'a> {
    /// Key type.
    pub key_type: KeyType,
    /// The key.
    pub key: &'a [u8],
    /// The salt, present exactly for the "+SALT" types.
    pub salt: Option<&'a [u8]>,
    /// Key validity.
    pub kv: KeyValidity<'a>,
}

impl core::fmt::Debug for KeyData<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyData")
            .field("key_type", &self.key_type)
            .field("key_len", &self.key.len())
            .field("salt_len", &self.salt.map(<[u8]>::len))
            .field("kv", &self.kv)
            .finish()
    }
}

impl<'a> Codec<'a> for KeyData<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::KeyData;
    type Error = keying_tlv::Error;

    #[inline]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let at = r.offset();
        let b = r.u8("Key data Type / KV")?;
        let key_type = KeyType::from(b >> 4);
        let kv = Kv::from(b & 0x0f);
        let has_salt = key_type
            .has_salt()
            .ok_or_else(|| unknown(at, what::KEY_TYPE, u16::from(b >> 4)))?;
        let key = read_len16(r, "Key data")?;
        let salt = if has_salt {
            Some(read_len16(r, "Salt data")?)
        } else {
            None
        };
        let kv = KeyValidity::read(kv, at, r)?;
        Ok(Self {
            key_type,
            key,
            salt,
            kv,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        let t = check_bits(w, self.key_type.to_wire(), 4, "Key data Type");
        if self.key_type.has_salt() != Some(self.salt.is_some()) {
            w.fail(keying_tlv::WriteError::TooLong {
                field: "Salt data",
                value: self.salt.map_or(0, <[u8]>::len),
            });
        }
        w.u8((t << 4) | self.kv.kv().to_wire());
        write_len(w, self.key.len(), 2, "Key data len");
        w.bytes(self.key);
        if let Some(salt) = self.salt {
            write_len(w, salt.len(), 2, "Salt len");
            w.bytes(salt);
        }
        self.kv.write(w);
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
    fn tek_salt_key_data_with_kv_interval_from_vector() {
        // Key data of tests/vectors/mikey/m3_psk_null_interval.hex: TEK+SALT, KV Interval.
        let bytes = hex_literal::hex!(
            "00 32 0010 202122232425262728292a2b2c2d2e2f 000e 404142434445464748494a4b4c4d
             06 000000000000 06 0000ffffffff"
        );
        let p = KeyData {
            key_type: KeyType::TekSalt,
            key: &hex_literal::hex!("202122232425262728292a2b2c2d2e2f"),
            salt: Some(&hex_literal::hex!("404142434445464748494a4b4c4d")),
            kv: KeyValidity::Interval {
                from: &[0; 6],
                to: &hex_literal::hex!("0000ffffffff"),
            },
        };
        check_payload(&bytes, p, PayloadType::Last);
    }

    #[test]
    fn tgk_null_kv_and_unknowns() {
        let bytes = hex_literal::hex!("00 00 0004 11111111");
        let p = KeyData {
            key_type: KeyType::Tgk,
            key: &[0x11; 4],
            salt: None,
            kv: KeyValidity::Null,
        };
        check_payload(&bytes, p, PayloadType::Last);
        let e = KeyData::parse(&hex_literal::hex!("00 70 0000")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownType { value: 7 });
        let e = KeyData::parse(&hex_literal::hex!("00 03 0000")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownType { value: 3 });
        assert_eq!(e.expected, what::KV);
    }
}
