//! Key data transport payload (KEMAC, RFC 3830 §6.2; AES-CM-256 and HMAC-SHA-256-256
//! from RFC 6043 §6.2).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next payload  ! Encr alg      ! Encr data len                 !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !                        Encr data                              ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Mac alg       !        MAC                                    ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//! The MAC length follows from the MAC algorithm. Encr data holds a chain of sub-payloads
//! (key data, and an ID first in PK / RSA-R mode) whose *first* type is not on the wire:
//! see [`Kemac::sub_payloads`].

use keying_tlv::{Reader, Result, WriteError, Writer, wire_enum};

use crate::error::what;
use crate::wire::{PayloadType, Payloads, read_len16, unknown, write_len};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const ENCR_ALG: usize = 1;
    pub const ENCR_DATA_LEN: core::ops::Range<usize> = 2..4;
    pub const ENCR_DATA: usize = 4;
}

wire_enum! {
    /// Encr alg (RFC 3830 §6.2 Table 6.2.a; AES-CM-256 from RFC 6043 §6.2 Table 6.5).
    pub enum EncrAlg: u8 {
        /// No encryption.
        Null = 0,
        /// AES counter mode, 128-bit key (the default).
        AesCm128 = 1,
        /// AES key wrap, 128-bit key.
        AesKw128 = 2,
        /// AES counter mode, 256-bit key (RFC 6043).
        AesCm256 = 3,
    }
}

wire_enum! {
    /// MAC alg, also the V payload's Auth alg (RFC 3830 §6.2 Table 6.2.b;
    /// HMAC-SHA-256-256 from RFC 6043 §6.2 Table 6.6). RFC 4650 §4.2 prints these two
    /// values swapped; every implementation and this crate follow RFC 3830.
    pub enum MacAlg: u8 {
        /// No MAC (0 bytes): never "authenticated".
        Null = 0,
        /// HMAC-SHA-1, 160-bit output (the default).
        HmacSha1_160 = 1,
        /// HMAC-SHA-256, 256-bit output (RFC 6043).
        HmacSha256_256 = 2,
    }
}

impl MacAlg {
    /// MAC length in bytes, `None` when unknown.
    pub const fn mac_len(self) -> Option<usize> {
        match self {
            Self::Null => Some(0),
            Self::HmacSha1_160 => Some(20),
            Self::HmacSha256_256 => Some(32),
            Self::Unknown(_) => None,
        }
    }
}

/// Reads a MAC alg and its MAC.
#[inline(always)]
pub(crate) fn read_mac<'a>(r: &mut Reader<'a>) -> Result<(MacAlg, &'a [u8])> {
    let at = r.offset();
    let alg = MacAlg::from(r.u8(what::MAC_ALG)?);
    let len = alg
        .mac_len()
        .ok_or_else(|| unknown(at, what::MAC_ALG, u16::from(alg.to_wire())))?;
    Ok((alg, r.bytes(len, "MAC")?))
}

/// Writes a MAC alg and its MAC, recording an error when the length does not match.
pub(crate) fn write_mac(w: &mut Writer<'_>, alg: MacAlg, mac: &[u8]) {
    if alg.mac_len() != Some(mac.len()) {
        w.fail(WriteError::TooLong {
            field: "MAC",
            value: mac.len(),
        });
    }
    w.u8(alg.to_wire());
    w.bytes(mac);
}

/// Key data transport payload (KEMAC, RFC 3830 §6.2). `Debug` shows the Encr data length
/// only: with the NULL encryption algorithm it is the key data in the clear.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Kemac<'a> {
    /// Encryption algorithm of `encr_data`.
    pub encr_alg: EncrAlg,
    /// The (encrypted) sub-payload chain.
    pub encr_data: &'a [u8],
    /// MAC algorithm.
    pub mac_alg: MacAlg,
    /// The MAC (length given by `mac_alg`).
    pub mac: &'a [u8],
}

impl core::fmt::Debug for Kemac<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Kemac")
            .field("encr_alg", &self.encr_alg)
            .field("encr_data_len", &self.encr_data.len())
            .field("mac_alg", &self.mac_alg)
            .field("mac", &self.mac)
            .finish()
    }
}

impl<'a> Kemac<'a> {
    /// Length of everything before the MAC, Next payload byte included: the MAC starts at
    /// this offset within the payload.
    pub fn mac_offset(&self) -> usize {
        4 + self.encr_data.len() + 1
    }

    /// Walks a plaintext sub-payload chain: `encr_data` itself when Encr alg is NULL, or
    /// the caller's decryption of it. `first` is the implied type of the first sub-payload
    /// (RFC 3830 §6.2: Key data (20) in PSK mode, ID (6) in PK and RSA-R mode); offsets are
    /// relative to the start of `plain`. Empty Encr data (as in DHHMAC, RFC 4650 §3)
    /// is an empty chain.
    pub fn sub_payloads(plain: &'a [u8], first: PayloadType) -> Payloads<'a> {
        Self::sub_payloads_in(plain, first)
    }

    /// [`Kemac::sub_payloads`] reading the payload types of `SET` only (see
    /// [`crate::wire::payload_set`]).
    pub fn sub_payloads_in<const SET: u32>(
        plain: &'a [u8],
        first: PayloadType,
    ) -> Payloads<'a, SET> {
        let first = if plain.is_empty() {
            PayloadType::Last
        } else {
            first
        };
        Payloads::new_in(plain, 0, first)
    }

    /// The sub-payloads of a NULL-encrypted KEMAC (`None` when encrypted).
    pub fn plain_sub_payloads(&self, first: PayloadType) -> Option<Payloads<'a>> {
        (self.encr_alg == EncrAlg::Null).then(|| Self::sub_payloads(self.encr_data, first))
    }
}

impl<'a> Codec<'a> for Kemac<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Kemac;
    type Error = keying_tlv::Error;

    #[inline]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let encr_alg = EncrAlg::from(r.u8(what::ENCR_ALG)?);
        let encr_data = read_len16(r, "KEMAC Encr data")?;
        let (mac_alg, mac) = read_mac(r)?;
        Ok(Self {
            encr_alg,
            encr_data,
            mac_alg,
            mac,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.encr_alg.to_wire());
        write_len(w, self.encr_data.len(), 2, "KEMAC Encr data len");
        w.bytes(self.encr_data);
        write_mac(w, self.mac_alg, self.mac);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::wire::Framed;
    use crate::wire::key_data::{KeyData, KeyType, KeyValidity};
    use crate::wire::tests::check_payload;
    use crate::wire::{Payload, emit_sub_payloads};
    use alloc::vec::Vec;

    #[test]
    fn null_kemac_from_the_gstreamer_built_vector() {
        // KEMAC of tests/vectors/mikey/g1_gst_psk_null.hex (built with GStreamer 1.22):
        // NULL, 41 bytes of key data (TEK+SALT, SPI), NULL MAC.
        let bytes = hex_literal::hex!(
            "00 00 0029 00310010202122232425262728292a2b2c2d2e2f000e
             404142434445464748494a4b4c4d040000000100"
        );
        let (k, next) = Kemac::parse(&bytes).unwrap();
        assert_eq!(next, PayloadType::Last);
        assert_eq!(k.encr_alg, EncrAlg::Null);
        assert_eq!(k.mac_alg, MacAlg::Null);
        assert_eq!(k.encr_data.len(), 41);
        assert_eq!(k.mac_offset(), bytes.len());
        check_payload(&bytes, k, PayloadType::Last);
        let subs: Vec<_> = k
            .plain_sub_payloads(PayloadType::KeyData)
            .unwrap()
            .map(|p| p.unwrap().payload)
            .collect();
        let kd = KeyData {
            key_type: KeyType::TekSalt,
            key: &hex_literal::hex!("202122232425262728292a2b2c2d2e2f"),
            salt: Some(&hex_literal::hex!("404142434445464748494a4b4c4d")),
            kv: KeyValidity::Spi(&[0, 0, 0, 1]),
        };
        assert_eq!(subs, [Payload::KeyData(kd)]);
        let mut buf = [0x2a; 64];
        let n = emit_sub_payloads(&subs, &mut buf).unwrap();
        assert_eq!(&buf[..n], k.encr_data);
    }

    #[test]
    fn mac_length_follows_alg() {
        let mut bytes = [0u8; 25];
        bytes[4] = 1;
        let (k, _) = Kemac::parse(&bytes).unwrap();
        assert_eq!(k.mac_alg, MacAlg::HmacSha1_160);
        assert_eq!(k.mac.len(), 20);
        // Wrong MAC length on emit.
        let bad = Kemac { mac: &[0; 3], ..k };
        let mut buf = [0u8; 32];
        assert!(bad.to_bytes(PayloadType::Last, &mut buf).is_err());
    }
}
