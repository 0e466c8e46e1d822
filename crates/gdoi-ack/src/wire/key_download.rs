//! The Key Download payload ([RFC 6407 §5.6](https://www.rfc-editor.org/rfc/rfc6407#section-5.6)):
//! TEK and KEK key packets, and the first key of an LKH download array.
//!
//! ```text
//! ! Next Payload  !   RESERVED    !         Payload Length        !
//! !    Number of Key Packets      !            RESERVED2          !
//! ~                    Key Packets                                ~
//!
//! Key packet (Figure 10):
//! !   KD Type     !   RESERVED    !            KD Length          !
//! !    SPI Size   !                   SPI (variable)              ~
//! ~                    Key Packet Attributes                      ~
//! ```

use keying_tlv::{Error, ErrorKind, Reader, Result, Writer};

use crate::wire::attributes::Attributes;
use keying_tlv::Codec;

use crate::wire::{PayloadType, emit_len_u8, emit_len_u16, reserved, take_body};

/// Splits a KEK_ALGORITHM_KEY value (RFC 6407 §5.6.2.2: for AES-CBC KEKs, the explicit
/// 16-octet IV followed by the key) into the IV and the key; `None` unless the key is an
/// AES-128/192/256 key (16, 24 or 32 octets).
#[must_use]
pub fn split_kek_algorithm_key(value: &[u8]) -> Option<([u8; 16], &[u8])> {
    let (iv, key) = value.split_first_chunk::<16>()?;
    matches!(key.len(), 16 | 24 | 32).then_some((*iv, key))
}

keying_tlv::wire_enum! {
    /// Key Download types (RFC 6407 §5.6).
    pub enum KdType: u8 {
        /// TEK.
        Tek = 1,
        /// KEK.
        Kek = 2,
        /// LKH.
        Lkh = 3,
        /// SID (never in a PUSH).
        Sid = 4,
    }
}

keying_tlv::wire_enum! {
    /// Attribute types of TEK key packets (RFC 6407 §5.6.1; all TLV).
    pub enum TekKeyAttribute: u16 {
        /// TEK_ALGORITHM_KEY.
        AlgorithmKey = 1,
        /// TEK_INTEGRITY_KEY.
        IntegrityKey = 2,
        /// TEK_SOURCE_AUTH_KEY.
        SourceAuthKey = 3,
    }
}

keying_tlv::wire_enum! {
    /// Attribute types of KEK key packets (RFC 6407 §5.6.2; all TLV).
    pub enum KekKeyAttribute: u16 {
        /// KEK_ALGORITHM_KEY: explicit IV followed by the key.
        AlgorithmKey = 1,
        /// SIG_ALGORITHM_KEY: the GCKS public key.
        SigAlgorithmKey = 2,
    }
}

keying_tlv::wire_enum! {
    /// Attribute types of LKH key packets (RFC 6407 §5.6.3; all TLV).
    pub enum LkhKeyAttribute: u16 {
        /// LKH_DOWNLOAD_ARRAY.
        DownloadArray = 1,
        /// LKH_UPDATE_ARRAY.
        UpdateArray = 2,
        /// SIG_ALGORITHM_KEY.
        SigAlgorithmKey = 3,
    }
}

/// Smallest key packet: KD header (4) + SPI size (1).
pub const KEY_PACKET_MIN: usize = 5;
/// Size of the fixed part of an LKH Key structure (before Key Data).
pub const LKH_KEY_HEADER_LEN: usize = 16;

/// One key packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyPacket<'a> {
    /// KD type.
    pub kd_type: KdType,
    /// SPI (≤ 255 octets; TEK: 4, KEK: 16).
    pub spi: &'a [u8],
    /// Key packet attributes (checked TLV for TEK / KEK / LKH; LKH_DOWNLOAD_ARRAY header
    /// validated).
    pub attributes: Attributes<'a>,
}

impl<'a> KeyPacket<'a> {
    fn variable(&self, kind: u16) -> Option<&'a [u8]> {
        self.attributes.get(kind).and_then(|a| a.as_variable())
    }

    /// TEK_ALGORITHM_KEY (TEK packets).
    pub fn tek_algorithm_key(&self) -> Option<&'a [u8]> {
        (self.kd_type == KdType::Tek)
            .then(|| self.variable(TekKeyAttribute::AlgorithmKey.to_wire()))
            .flatten()
    }

    /// TEK_INTEGRITY_KEY (TEK packets).
    pub fn tek_integrity_key(&self) -> Option<&'a [u8]> {
        (self.kd_type == KdType::Tek)
            .then(|| self.variable(TekKeyAttribute::IntegrityKey.to_wire()))
            .flatten()
    }

    /// TEK_SOURCE_AUTH_KEY (TEK packets).
    pub fn tek_source_auth_key(&self) -> Option<&'a [u8]> {
        (self.kd_type == KdType::Tek)
            .then(|| self.variable(TekKeyAttribute::SourceAuthKey.to_wire()))
            .flatten()
    }

    /// KEK_ALGORITHM_KEY = IV ‖ key (KEK packets).
    pub fn kek_algorithm_key(&self) -> Option<&'a [u8]> {
        (self.kd_type == KdType::Kek)
            .then(|| self.variable(KekKeyAttribute::AlgorithmKey.to_wire()))
            .flatten()
    }

    /// SIG_ALGORITHM_KEY (KEK or LKH packets).
    pub fn sig_algorithm_key(&self) -> Option<&'a [u8]> {
        match self.kd_type {
            KdType::Kek => self.variable(KekKeyAttribute::SigAlgorithmKey.to_wire()),
            KdType::Lkh => self.variable(LkhKeyAttribute::SigAlgorithmKey.to_wire()),
            _ => None,
        }
    }

    /// The LKH_DOWNLOAD_ARRAY (LKH packets).
    pub fn lkh_download_array(&self) -> Option<LkhDownloadArray<'a>> {
        if self.kd_type != KdType::Lkh {
            return None;
        }
        let v = self.variable(LkhKeyAttribute::DownloadArray.to_wire())?;
        LkhDownloadArray::parse(Reader::new(v)).ok()
    }

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let at = r.offset();
        let kd_type = KdType::from(r.u8("KD type")?);
        reserved::<1>(r, "KD RESERVED")?;
        let len = usize::from(r.u16("KD length")?);
        if len < KEY_PACKET_MIN {
            return Err(Error::new(
                at + 2,
                "KD length",
                ErrorKind::BadLength { value: len },
            ));
        }
        let mut p = r.sub(len - 4, "key packet")?;
        let spi_size = p.u8("KD SPI size")?;
        let spi = p.bytes(usize::from(spi_size), "KD SPI")?;
        let base = p.offset();
        let attributes = Attributes::parse(p)?;
        match kd_type {
            KdType::Tek | KdType::Kek => {
                attributes.check_forms(base, &[], &[1, 2, 3], "key packet attribute form")?;
            }
            KdType::Lkh => {
                attributes.check_forms(base, &[], &[1, 3], "LKH attribute form")?;
                // LKH_UPDATE_ARRAY may repeat, so it is not in the no-duplicate list.
                if let Some(a) = attributes.get(LkhKeyAttribute::DownloadArray.to_wire())
                    && let Some(v) = a.as_variable()
                {
                    LkhDownloadArray::parse(Reader::at(v, base))?;
                }
            }
            _ => {}
        }
        Ok(Self {
            kd_type,
            spi,
            attributes,
        })
    }

    /// Encoded size.
    pub const fn buffer_len(&self) -> usize {
        5 + self.spi.len() + self.attributes.as_bytes().len()
    }

    /// Writes the key packet.
    pub fn emit(&self, w: &mut Writer<'_>) {
        let start = w.position();
        w.u8(self.kd_type.to_wire());
        w.u8(0);
        let len = w.open_len(2, start, "KD length");
        emit_len_u8(w, self.spi.len(), "KD SPI size");
        w.bytes(self.spi);
        self.attributes.emit(w);
        w.close_len(len);
    }
}

/// The key packets of a KD: parsed from the wire (validated) or a caller's list. `Debug`
/// lists the packets (their attributes without key bytes).
#[derive(Clone, Copy)]
pub enum KeyPackets<'a> {
    /// Validated key packets from the wire.
    Parsed {
        /// The packets, back to back.
        raw: &'a [u8],
        /// How many.
        count: u16,
    },
    /// A caller-supplied list.
    List(&'a [KeyPacket<'a>]),
}

impl<'a> KeyPackets<'a> {
    /// Iterates over the key packets.
    pub fn iter(&self) -> impl Iterator<Item = KeyPacket<'a>> + '_ {
        let (parsed, list) = match *self {
            Self::Parsed { raw, count } => {
                let mut r = Reader::new(raw);
                (
                    Some((0..count).map_while(move |_| KeyPacket::read(&mut r).ok())),
                    None,
                )
            }
            Self::List(l) => (None, Some(l.iter().copied())),
        };
        parsed
            .into_iter()
            .flatten()
            .chain(list.into_iter().flatten())
    }

    /// Number of packets.
    pub fn len(&self) -> usize {
        match *self {
            Self::Parsed { count, .. } => usize::from(count),
            Self::List(l) => l.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl core::fmt::Debug for KeyPackets<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for KeyPackets<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for KeyPackets<'_> {}

/// A Key Download payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyDownload<'a> {
    /// The key packets.
    pub packets: KeyPackets<'a>,
}

impl<'a> KeyDownload<'a> {
    /// A KD from a list of packets (for building).
    pub const fn new(packets: &'a [KeyPacket<'a>]) -> Self {
        Self {
            packets: KeyPackets::List(packets),
        }
    }

    /// The TEK packet with SPI `spi`.
    pub fn tek(&self, spi: &[u8]) -> Option<KeyPacket<'a>> {
        self.packets
            .iter()
            .find(|p| p.kd_type == KdType::Tek && p.spi == spi)
    }

    /// The KEK packet (at most one is allowed).
    pub fn kek(&self) -> Option<KeyPacket<'a>> {
        self.packets.iter().find(|p| p.kd_type == KdType::Kek)
    }

    /// The LKH packet (at most one is allowed).
    pub fn lkh(&self) -> Option<KeyPacket<'a>> {
        self.packets.iter().find(|p| p.kd_type == KdType::Lkh)
    }
}

impl<'a> Codec<'a> for KeyDownload<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::KeyDownload;
    type Error = keying_tlv::Error;

    /// The packet count is bounded by the body size before any packet is read; exactly
    /// that many packets must fill the body; at most one KEK and one LKH packet.
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let mut r = take_body(r);
        let at = r.offset();
        let count = r.u16("KD number of key packets")?;
        reserved::<2>(&mut r, "KD RESERVED2")?;
        if usize::from(count) > r.remaining() / KEY_PACKET_MIN {
            return Err(Error::new(
                at,
                "KD number of key packets (bounded by the payload)",
                ErrorKind::TooMany {
                    max: r.remaining() / KEY_PACKET_MIN,
                },
            ));
        }
        let raw = r.rest();
        let (mut keks, mut lkhs) = (0u8, 0u8);
        for _ in 0..count {
            let off = r.offset();
            let p = KeyPacket::read(&mut r)?;
            let n = match p.kd_type {
                KdType::Kek => &mut keks,
                KdType::Lkh => &mut lkhs,
                _ => continue,
            };
            *n += 1;
            if *n > 1 {
                return Err(Error::new(
                    off,
                    "at most one KEK and one LKH key packet",
                    ErrorKind::Inconsistent,
                ));
            }
        }
        r.finish("end of KD key packets")?;
        Ok(Self {
            packets: KeyPackets::Parsed { raw, count },
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        emit_len_u16(w, self.packets.len(), "KD number of key packets");
        w.u16(0);
        for p in self.packets.iter() {
            p.emit(w);
        }
    }
}

/// An LKH_DOWNLOAD_ARRAY attribute value (RFC 6407 §5.6.3.1, Figure 11). `Debug` shows
/// the key count and the length of the keys, not their bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LkhDownloadArray<'a> {
    /// Number of LKH keys (≥ 1).
    pub count: u16,
    keys: &'a [u8],
}

/// One LKH Key structure (RFC 6407 Figure 12). `Debug` shows the Key Data length, not
/// its bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LkhKey<'a> {
    /// LKH ID.
    pub id: u16,
    /// Key type (KEK_ALGORITHM value).
    pub key_type: u8,
    /// Creation date (s since 1970, 0 = none).
    pub created: u32,
    /// Expiration date (0 = none).
    pub expires: u32,
    /// Key handle.
    pub handle: u32,
    /// Key data (IV first when the mode needs one).
    pub key_data: &'a [u8],
}

impl core::fmt::Debug for LkhDownloadArray<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LkhDownloadArray")
            .field("count", &self.count)
            .field("keys_len", &self.keys.len())
            .finish()
    }
}

impl core::fmt::Debug for LkhKey<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LkhKey")
            .field("id", &self.id)
            .field("key_type", &self.key_type)
            .field("created", &self.created)
            .field("expires", &self.expires)
            .field("handle", &self.handle)
            .field("key_data_len", &self.key_data.len())
            .finish()
    }
}

impl<'a> LkhDownloadArray<'a> {
    /// Parses and bounds the array: version 1, at least one key, and `count` fixed key
    /// headers fit in the value.
    ///
    /// # Errors
    /// A bad version, a zero or unbounded count.
    pub fn parse(mut r: Reader<'a>) -> Result<Self> {
        let at = r.offset();
        let version = r.u8("LKH version")?;
        if version != 1 {
            return Err(Error::new(
                at,
                "LKH version 1",
                ErrorKind::InvalidValue {
                    value: u32::from(version),
                },
            ));
        }
        let count = r.u16("LKH number of keys")?;
        reserved::<1>(&mut r, "LKH RESERVED")?;
        if count == 0 || usize::from(count) > r.remaining() / LKH_KEY_HEADER_LEN {
            return Err(Error::new(
                at + 1,
                "LKH number of keys (≥ 1, bounded by the attribute)",
                ErrorKind::InvalidValue {
                    value: u32::from(count),
                },
            ));
        }
        Ok(Self {
            count,
            keys: r.take_rest(),
        })
    }

    /// The first LKH key (the GM's leaf key, RFC 8263 §2.2). The Key Data length depends on
    /// the key type and is not on the wire: with one key it is the rest of the attribute,
    /// otherwise the caller passes `key_data_len` (IV + key length from the policy).
    pub fn first_key(&self, key_data_len: Option<usize>) -> Option<LkhKey<'a>> {
        let mut r = Reader::new(self.keys);
        let id = r.u16("LKH ID").ok()?;
        let key_type = r.u8("LKH key type").ok()?;
        r.u8("LKH RESERVED").ok()?;
        let created = r.u32("LKH created").ok()?;
        let expires = r.u32("LKH expires").ok()?;
        let handle = r.u32("LKH handle").ok()?;
        let key_data = match (self.count, key_data_len) {
            (_, Some(n)) => r.bytes(n, "LKH key data").ok()?,
            (1, None) => r.take_rest(),
            _ => return None,
        };
        Some(LkhKey {
            id,
            key_type,
            created,
            expires,
            handle,
            key_data,
        })
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]
mod tests {
    use super::split_kek_algorithm_key;

    #[test]
    fn kek_algorithm_key_is_an_iv_then_an_aes_key() {
        let v: [u8; 48] = core::array::from_fn(|i| i as u8);
        for len in [32, 40, 48] {
            let (iv, key) = split_kek_algorithm_key(&v[..len]).unwrap();
            assert_eq!(iv, v[..16]);
            assert_eq!(key, &v[16..len]);
        }
        for len in [0, 15, 16, 31, 33, 39, 47] {
            assert!(split_kek_algorithm_key(&v[..len]).is_none(), "{len}");
        }
    }
}
