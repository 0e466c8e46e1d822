//! The SA KEK payload ([RFC 6407 §5.3](https://www.rfc-editor.org/rfc/rfc6407#section-5.3))
//! with the KEK attributes, including KEK_ACK_REQUESTED
//! ([RFC 8263 §2](https://www.rfc-editor.org/rfc/rfc8263#section-2)).
//!
//! ```text
//! ! Next Payload  !   RESERVED    !         Payload Length        !
//! !    Protocol   !  SRC ID Type  !         SRC ID Port           !
//! !SRC ID Data Len!          SRC Identification Data              ~
//! ! DST ID Type   !         DST ID Port           !DST ID Data Len!
//! !                    DST Identification Data                    ~
//! !                                                               !
//! ~                              SPI (16 octets)                  ~
//! !                                                               !
//! !                          RESERVED2 (4)                        !
//! ~                        KEK Attributes                         ~
//! ```
//!
//! The "DST ID Prot" octet mentioned in the RFC text but absent from Figure 5 is not read
//! (Wireshark and gdoid follow the figure).

use keying_tlv::{Reader, Result, Writer};

use crate::wire::attributes::{Attributes, be_uint};
use crate::wire::identification::IdSelector;
use keying_tlv::Codec;

use crate::wire::{PayloadType, reserved, take_body};

keying_tlv::wire_enum! {
    /// KEK attribute types (RFC 6407 §5.3.1–5.3.9, RFC 8263 §8).
    pub enum KekAttribute: u16 {
        /// KEK_MANAGEMENT_ALGORITHM (B).
        ManagementAlgorithm = 1,
        /// KEK_ALGORITHM (B).
        Algorithm = 2,
        /// KEK_KEY_LENGTH in bits (B).
        KeyLength = 3,
        /// KEK_KEY_LIFETIME in seconds (V).
        KeyLifetime = 4,
        /// SIG_HASH_ALGORITHM (B).
        SigHashAlgorithm = 5,
        /// SIG_ALGORITHM (B).
        SigAlgorithm = 6,
        /// SIG_KEY_LENGTH in bits (B).
        SigKeyLength = 7,
        /// KEK_ACK_REQUESTED (B), RFC 8263.
        AckRequested = 9,
    }
}

keying_tlv::wire_enum! {
    /// KEK_MANAGEMENT_ALGORITHM values.
    pub enum KekManagement: u16 {
        /// Logical Key Hierarchy.
        Lkh = 1,
    }
}

keying_tlv::wire_enum! {
    /// KEK_ALGORITHM values (RFC 6407 §5.3.3).
    pub enum KekAlgorithm: u16 {
        /// DES-CBC (deprecated).
        DesCbc = 1,
        /// 3DES-CBC.
        TripleDesCbc = 2,
        /// AES-CBC (MUST).
        AesCbc = 3,
    }
}

keying_tlv::wire_enum! {
    /// SIG_HASH_ALGORITHM values (RFC 6407 §5.3.6).
    pub enum SigHashAlgorithm: u16 {
        /// MD5.
        Md5 = 1,
        /// SHA-1.
        Sha1 = 2,
        /// SHA-256 (MUST).
        Sha256 = 3,
        /// SHA-384.
        Sha384 = 4,
        /// SHA-512.
        Sha512 = 5,
    }
}

keying_tlv::wire_enum! {
    /// SIG_ALGORITHM values (RFC 6407 §5.3.7).
    pub enum SigAlgorithm: u16 {
        /// RSA with EMSA-PKCS1-v1_5 (MUST).
        Rsa = 1,
        /// DSS.
        Dss = 2,
        /// ECDSS (deprecated).
        Ecdss = 3,
        /// ECDSA with P-256 and SHA-256 (RFC 4754).
        Ecdsa256 = 4,
        /// ECDSA with P-384.
        Ecdsa384 = 5,
        /// ECDSA with P-521.
        Ecdsa521 = 6,
    }
}

keying_tlv::wire_enum! {
    /// KEK_ACK_REQUESTED values ([RFC 8263 §2, §8](https://www.rfc-editor.org/rfc/rfc8263#section-8)).
    pub enum KekAckRequested: u16 {
        /// REKEY_ACK_KEK_SHA256: HMAC-SHA-256, base key = KEK key.
        KekSha256 = 1,
        /// REKEY_ACK_LKH_SHA256: HMAC-SHA-256, base key = first LKH key.
        LkhSha256 = 2,
        /// REKEY_ACK_KEK_SHA512: HMAC-SHA-512, base key = KEK key.
        KekSha512 = 3,
        /// REKEY_ACK_LKH_SHA512: HMAC-SHA-512, base key = first LKH key.
        LkhSha512 = 4,
    }
}

const BASIC: &[u16] = &[1, 2, 3, 5, 6, 7, 9];
const VARIABLE: &[u16] = &[4];

/// An SA KEK payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SaKek<'a> {
    /// IP protocol of the GROUPKEY-PUSH datagram (e.g. 17).
    pub protocol: u8,
    /// Source selector.
    pub src: IdSelector<'a>,
    /// Destination selector.
    pub dst: IdSelector<'a>,
    /// The new KEK SPI = the PUSH cookie pair.
    pub spi: [u8; 16],
    /// KEK attributes (forms checked: TV for all but KEK_KEY_LIFETIME; no duplicates).
    pub attributes: Attributes<'a>,
}

impl<'a> SaKek<'a> {
    fn basic(&self, a: KekAttribute) -> Option<u16> {
        self.attributes.get(a.to_wire()).and_then(|a| a.as_basic())
    }

    /// KEK_MANAGEMENT_ALGORITHM.
    pub fn management_algorithm(&self) -> Option<KekManagement> {
        self.basic(KekAttribute::ManagementAlgorithm)
            .map(Into::into)
    }

    /// KEK_ALGORITHM.
    pub fn kek_algorithm(&self) -> Option<KekAlgorithm> {
        self.basic(KekAttribute::Algorithm).map(Into::into)
    }

    /// KEK_KEY_LENGTH in bits.
    pub fn key_length_bits(&self) -> Option<u16> {
        self.basic(KekAttribute::KeyLength)
    }

    /// KEK_KEY_LIFETIME in seconds (`None` if absent or longer than 8 octets).
    pub fn key_lifetime(&self) -> Option<u64> {
        self.attributes
            .get(KekAttribute::KeyLifetime.to_wire())
            .and_then(|a| a.as_variable())
            .and_then(be_uint)
    }

    /// SIG_HASH_ALGORITHM.
    pub fn sig_hash_algorithm(&self) -> Option<SigHashAlgorithm> {
        self.basic(KekAttribute::SigHashAlgorithm).map(Into::into)
    }

    /// SIG_ALGORITHM.
    pub fn sig_algorithm(&self) -> Option<SigAlgorithm> {
        self.basic(KekAttribute::SigAlgorithm).map(Into::into)
    }

    /// SIG_KEY_LENGTH in bits.
    pub fn sig_key_length_bits(&self) -> Option<u16> {
        self.basic(KekAttribute::SigKeyLength)
    }

    /// KEK_ACK_REQUESTED.
    pub fn ack_requested(&self) -> Option<KekAckRequested> {
        self.basic(KekAttribute::AckRequested).map(Into::into)
    }

    /// The first attribute type this crate does not know, if any (RFC 6407 §5.3.3: a GM
    /// must abort on an attribute it does not understand).
    pub fn unknown_attribute(&self) -> Option<u16> {
        self.attributes
            .iter()
            .map(|a| a.kind)
            .find(|&k| !KekAttribute::from(k).is_known())
    }
}

impl<'a> Codec<'a> for SaKek<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::SaKek;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let mut r = take_body(r);
        let protocol = r.u8("SA KEK protocol")?;
        let src = IdSelector::read(&mut r, "SA KEK source ID")?;
        let dst = IdSelector::read(&mut r, "SA KEK destination ID")?;
        let spi = r.array("SA KEK SPI")?;
        reserved::<4>(&mut r, "SA KEK RESERVED2")?;
        let base = r.offset();
        let attributes = Attributes::parse(r)?;
        attributes.check_forms(base, BASIC, VARIABLE, "KEK attribute form")?;
        Ok(Self {
            protocol,
            src,
            dst,
            spi,
            attributes,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.protocol);
        self.src.emit(w);
        self.dst.emit(w);
        w.bytes(&self.spi);
        w.u32(0);
        self.attributes.emit(w);
    }
}
