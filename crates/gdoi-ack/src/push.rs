//! Typed GROUPKEY-PUSH content for [`Gcks::build_push`](crate::Gcks::build_push): the TEKs,
//! KEK rollover and deletions of a rekey by name
//! ([RFC 6407 §5.3, §5.5, §5.6](https://www.rfc-editor.org/rfc/rfc6407#section-5)), encoded
//! into the SA, KD and Delete payloads on the stack, without magic numbers.
//!
//! ```
//! use gdoi_ack::{EspTek, KekAckRequested, KekRollover, PushBuilder, Selector, SigAlgorithm};
//!
//! let tek_key = [0x11; 16];
//! let new_kek = [0x22; 32]; // IV ‖ AES-128 key
//! let group = Selector::ipv4([239, 1, 1, 1], 0);
//! let push = PushBuilder::new()
//!     .tek(EspTek::aes_cbc([0, 0, 0, 7], group, group, &tek_key))?
//!     .kek(KekRollover::aes_cbc(
//!         [0xa2; 16],
//!         Selector::ipv4([192, 0, 2, 1], 848),
//!         Selector::ipv4([239, 192, 0, 1], 848),
//!         &new_kek,
//!         SigAlgorithm::Ecdsa256,
//!         Some(KekAckRequested::KekSha256),
//!     ))
//!     .delete_kek([0xa1; 16])?;
//! let teks = push.with_content(|c| c.sa.map_or(0, |sa| sa.teks.len()))?;
//! assert_eq!(teks, 1);
//! # Ok::<(), gdoi_ack::BuildError>(())
//! ```

use core::time::Duration;

use heapless::Vec;
use keying_crypto::SecretBytes;

use crate::gcks::{BuildError, ContentError, PushContent};
use crate::wire::attributes::{Attribute, Attributes};
use crate::wire::delete::{DELETE_PROTOCOL_KEK, Delete};
use crate::wire::identification::{IdSelector, IdType};
use crate::wire::key_download::{KdType, KekKeyAttribute, KeyDownload, KeyPacket, TekKeyAttribute};
use crate::wire::sa::{DOI_GDOI, Sa};
use crate::wire::sa_kek::{
    KekAckRequested, KekAlgorithm, KekAttribute, SaKek, SigAlgorithm, SigHashAlgorithm,
};
use crate::wire::sa_tek::{
    AuthAlgorithm, EncapsulationMode, EspTransform, IpsecAttribute, IpsecTek, SaLifeType, SaTek,
    TekBody, TekProtocol,
};

/// Most TEKs one [`PushBuilder`] carries.
pub const MAX_PUSH_TEKS: usize = 4;
/// Most SPIs of each kind (KEK, TEK) one [`PushBuilder`] deletes.
pub const MAX_PUSH_DELETES: usize = 4;
/// Longest TEK key (TEK_ALGORITHM_KEY, TEK_INTEGRITY_KEY each).
pub const MAX_TEK_KEY: usize = 64;
/// Longest KEK_ALGORITHM_KEY (16-octet IV ‖ AES-256 key).
pub const MAX_KEK_ALGORITHM_KEY: usize = 48;

/// Longest signature [`MAX_PUSH_LEN`] allows for (RSA-4096).
pub const MAX_SIGNATURE_LEN: usize = 512;

/// Longest GROUPKEY-PUSH [`Gcks::push`](crate::Gcks::push) writes from any [`PushBuilder`]
/// (every limit of this module reached, IPv6 selectors, lifetimes over 18 h) with a
/// signature of at most [`MAX_SIGNATURE_LEN`] octets, padding included: an `out` of this
/// size never yields [`BuildError::BufferTooSmall`].
pub const MAX_PUSH_LEN: usize = 1792;

/// Protocol-ID of an ESP SA in a Delete payload (IPsec DOI, RFC 2407 §4.4.1).
const PROTO_IPSEC_ESP: u8 = 1;
/// IP protocol UDP, of the GROUPKEY-PUSH datagrams.
const IPPROTO_UDP: u8 = 17;
/// One hour: the lifetime the constructors give.
const ONE_HOUR: Duration = Duration::from_secs(3600);

/// A traffic or rekey selector: one address and port (0 = any port).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Selector {
    /// ID_IPV4_ADDR.
    Ipv4 {
        /// The address.
        addr: [u8; 4],
        /// The port.
        port: u16,
    },
    /// ID_IPV6_ADDR.
    Ipv6 {
        /// The address.
        addr: [u8; 16],
        /// The port.
        port: u16,
    },
}

impl Selector {
    /// An IPv4 address and port.
    pub const fn ipv4(addr: [u8; 4], port: u16) -> Self {
        Self::Ipv4 { addr, port }
    }

    /// An IPv6 address and port.
    pub const fn ipv6(addr: [u8; 16], port: u16) -> Self {
        Self::Ipv6 { addr, port }
    }

    /// The wire form.
    pub fn id(&self) -> IdSelector<'_> {
        match self {
            Self::Ipv4 { addr, port } => IdSelector {
                id_type: IdType::Ipv4Addr,
                port: *port,
                data: addr,
            },
            Self::Ipv6 { addr, port } => IdSelector {
                id_type: IdType::Ipv6Addr,
                port: *port,
                data: addr,
            },
        }
    }
}

/// An ESP TEK: the SA TEK (RFC 6407 §5.5.1) and its TEK key packet (§5.6.1).
///
/// `Debug` shows the key lengths, not the keys.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EspTek<'k> {
    /// The SPI.
    pub spi: [u8; 4],
    /// The ESP transform.
    pub transform: EspTransform,
    /// Key Length attribute in bits (for transforms with a variable key length).
    pub key_length_bits: Option<u16>,
    /// Authentication Algorithm attribute (none for combined-mode transforms).
    pub auth: Option<AuthAlgorithm>,
    /// Encapsulation Mode attribute.
    pub mode: EncapsulationMode,
    /// SA lifetime (SA Life Type seconds, SA Life Duration; whole seconds).
    pub lifetime: Duration,
    /// IP protocol of the traffic (0 = any).
    pub protocol: u8,
    /// Source selector.
    pub src: Selector,
    /// Destination selector (the group address).
    pub dst: Selector,
    /// TEK_ALGORITHM_KEY (at most [`MAX_TEK_KEY`] octets).
    pub key: &'k [u8],
    /// TEK_INTEGRITY_KEY, with `auth` (at most [`MAX_TEK_KEY`] octets).
    pub integrity_key: Option<&'k [u8]>,
}

impl<'k> EspTek<'k> {
    /// ESP AES-CBC (no separate authentication), tunnel mode, one hour, any IP protocol,
    /// from `src` to `dst`, with the AES key `key`.
    pub const fn aes_cbc(spi: [u8; 4], src: Selector, dst: Selector, key: &'k [u8]) -> Self {
        Self {
            spi,
            transform: EspTransform::AesCbc,
            key_length_bits: None,
            auth: None,
            mode: EncapsulationMode::Tunnel,
            lifetime: ONE_HOUR,
            protocol: 0,
            src,
            dst,
            key,
            integrity_key: None,
        }
    }

    /// The IPsec DOI SA attributes, in RFC 2407 §4.5 order (life type before duration).
    fn attributes<'b>(&self, buf: &'b mut [u8; 32]) -> Result<Attributes<'b>, BuildError> {
        let secs = self.lifetime.as_secs();
        let secs4 = u32::try_from(secs).unwrap_or(u32::MAX).to_be_bytes();
        let duration = match u16::try_from(secs) {
            Ok(s) => Attribute::basic(IpsecAttribute::SaLifeDuration.to_wire(), s),
            Err(_) => Attribute::variable(IpsecAttribute::SaLifeDuration.to_wire(), &secs4),
        };
        let mut list: Vec<Attribute<'_>, 5> = Vec::new();
        let _ = list.push(Attribute::basic(
            IpsecAttribute::SaLifeType.to_wire(),
            SaLifeType::Seconds.to_wire(),
        ));
        let _ = list.push(duration);
        let _ = list.push(Attribute::basic(
            IpsecAttribute::EncapsulationMode.to_wire(),
            self.mode.to_wire(),
        ));
        if let Some(a) = self.auth {
            let _ = list.push(Attribute::basic(
                IpsecAttribute::AuthAlgorithm.to_wire(),
                a.to_wire(),
            ));
        }
        if let Some(bits) = self.key_length_bits {
            let _ = list.push(Attribute::basic(IpsecAttribute::KeyLength.to_wire(), bits));
        }
        Ok(Attributes::encode(&list, buf)?)
    }

    /// The TEK key packet's attributes.
    fn keys<'b>(&self, buf: &'b mut [u8]) -> Result<Attributes<'b>, BuildError> {
        let too_long = |k: &[u8]| k.len() > MAX_TEK_KEY;
        if too_long(self.key) || self.integrity_key.is_some_and(too_long) {
            return Err(BuildError::BadContent(ContentError::TekKeyTooLong));
        }
        let mut list: Vec<Attribute<'_>, 2> = Vec::new();
        let _ = list.push(Attribute::variable(
            TekKeyAttribute::AlgorithmKey.to_wire(),
            self.key,
        ));
        if let Some(k) = self.integrity_key {
            let _ = list.push(Attribute::variable(
                TekKeyAttribute::IntegrityKey.to_wire(),
                k,
            ));
        }
        Ok(Attributes::encode(&list, buf)?)
    }
}

impl core::fmt::Debug for EspTek<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EspTek")
            .field("spi", &self.spi)
            .field("transform", &self.transform)
            .field("key_length_bits", &self.key_length_bits)
            .field("auth", &self.auth)
            .field("mode", &self.mode)
            .field("lifetime", &self.lifetime)
            .field("protocol", &self.protocol)
            .field("src", &self.src)
            .field("dst", &self.dst)
            .field("key_len", &self.key.len())
            .field("integrity_key_len", &self.integrity_key.map(<[u8]>::len))
            .finish()
    }
}

/// A new KEK: the SA KEK (RFC 6407 §5.3) and its KEK key packet (§5.6.2). After the PUSH
/// it becomes the group's current KEK.
///
/// `Debug` shows the key length, not the key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KekRollover<'k> {
    /// The new KEK SPI (the cookies of later PUSHes).
    pub spi: [u8; 16],
    /// IP protocol of the PUSH datagrams.
    pub protocol: u8,
    /// Source selector (the GCKS).
    pub src: Selector,
    /// Destination selector (the rekey group address).
    pub dst: Selector,
    /// KEK_ALGORITHM (members of this crate accept AES-CBC only).
    pub algorithm: KekAlgorithm,
    /// KEK_KEY_LIFETIME (whole seconds).
    pub lifetime: Duration,
    /// SIG_HASH_ALGORITHM.
    pub sig_hash: SigHashAlgorithm,
    /// SIG_ALGORITHM: the GCKS signer's ([`crate::PushSigner::algorithm`]).
    pub sig: SigAlgorithm,
    /// KEK_ACK_REQUESTED: the group's ack policy ([`crate::GcksConfig::ack_requested`]).
    pub ack: Option<KekAckRequested>,
    /// KEK_ALGORITHM_KEY: 16-octet IV ‖ key; KEK_KEY_LENGTH is the key's length.
    pub algorithm_key: &'k [u8],
}

impl<'k> KekRollover<'k> {
    /// An AES-CBC KEK for UDP PUSHes from `src` to `dst`, one hour, SHA-256 signatures.
    pub const fn aes_cbc(
        spi: [u8; 16],
        src: Selector,
        dst: Selector,
        algorithm_key: &'k [u8],
        sig: SigAlgorithm,
        ack: Option<KekAckRequested>,
    ) -> Self {
        Self {
            spi,
            protocol: IPPROTO_UDP,
            src,
            dst,
            algorithm: KekAlgorithm::AesCbc,
            lifetime: ONE_HOUR,
            sig_hash: SigHashAlgorithm::Sha256,
            sig,
            ack,
            algorithm_key,
        }
    }

    /// The KEK attributes, in RFC 6407 §5.3 order.
    fn attributes<'b>(&self, buf: &'b mut [u8; 40]) -> Result<Attributes<'b>, BuildError> {
        if self.algorithm_key.len() > MAX_KEK_ALGORITHM_KEY || self.algorithm_key.len() <= 16 {
            return Err(BuildError::BadContent(ContentError::KekAlgorithmKey));
        }
        let bits = u16::try_from((self.algorithm_key.len() - 16) * 8).unwrap_or(u16::MAX);
        let life = u32::try_from(self.lifetime.as_secs())
            .unwrap_or(u32::MAX)
            .to_be_bytes();
        let mut list: Vec<Attribute<'_>, 6> = Vec::new();
        let basic = |a: KekAttribute, v: u16| Attribute::basic(a.to_wire(), v);
        let _ = list.push(basic(KekAttribute::Algorithm, self.algorithm.to_wire()));
        let _ = list.push(basic(KekAttribute::KeyLength, bits));
        let _ = list.push(Attribute::variable(
            KekAttribute::KeyLifetime.to_wire(),
            &life,
        ));
        let _ = list.push(basic(
            KekAttribute::SigHashAlgorithm,
            self.sig_hash.to_wire(),
        ));
        let _ = list.push(basic(KekAttribute::SigAlgorithm, self.sig.to_wire()));
        if let Some(a) = self.ack {
            let _ = list.push(basic(KekAttribute::AckRequested, a.to_wire()));
        }
        Ok(Attributes::encode(&list, buf)?)
    }
}

impl core::fmt::Debug for KekRollover<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KekRollover")
            .field("spi", &self.spi)
            .field("protocol", &self.protocol)
            .field("src", &self.src)
            .field("dst", &self.dst)
            .field("algorithm", &self.algorithm)
            .field("lifetime", &self.lifetime)
            .field("sig_hash", &self.sig_hash)
            .field("sig", &self.sig)
            .field("ack", &self.ack)
            .field("algorithm_key_len", &self.algorithm_key.len())
            .finish()
    }
}

/// The content of one GROUPKEY-PUSH, by name: up to [`MAX_PUSH_TEKS`] ESP TEKs, at most
/// one KEK rollover, and KEK / TEK deletions. It borrows the keys; the encoded payloads
/// live on the stack of [`PushBuilder::with_content`] (key material zeroized after).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushBuilder<'k> {
    teks: Vec<EspTek<'k>, MAX_PUSH_TEKS>,
    kek: Option<KekRollover<'k>>,
    delete_keks: Vec<[u8; 16], MAX_PUSH_DELETES>,
    delete_teks: Vec<[u8; 4], MAX_PUSH_DELETES>,
}

/// The encoded SA and KD of a builder (stack buffers; the key packets zeroized on drop).
struct Encoded {
    tek_attrs: [[u8; 32]; MAX_PUSH_TEKS],
    tek_keys: [SecretBytes<{ 2 * (4 + MAX_TEK_KEY) }>; MAX_PUSH_TEKS],
    kek_attrs: [u8; 40],
    kek_key: SecretBytes<{ 4 + MAX_KEK_ALGORITHM_KEY }>,
    delete_keks: [u8; 16 * MAX_PUSH_DELETES],
    delete_teks: [u8; 4 * MAX_PUSH_DELETES],
}

impl<'k> PushBuilder<'k> {
    /// An empty PUSH (add a TEK, a KEK rollover or a deletion).
    pub const fn new() -> Self {
        Self {
            teks: Vec::new(),
            kek: None,
            delete_keks: Vec::new(),
            delete_teks: Vec::new(),
        }
    }

    /// Adds an ESP TEK.
    ///
    /// # Errors
    /// [`BuildError::BadContent`] past [`MAX_PUSH_TEKS`].
    pub fn tek(mut self, tek: EspTek<'k>) -> Result<Self, BuildError> {
        self.teks
            .push(tek)
            .map_err(|_| BuildError::BadContent(ContentError::TooManyTeks))?;
        Ok(self)
    }

    /// Rolls the KEK over to `kek` (replacing an earlier call's).
    #[must_use]
    pub const fn kek(mut self, kek: KekRollover<'k>) -> Self {
        self.kek = Some(kek);
        self
    }

    /// Deletes the KEK `spi` (all KEKs: 16 zero octets).
    ///
    /// # Errors
    /// [`BuildError::BadContent`] past [`MAX_PUSH_DELETES`].
    pub fn delete_kek(mut self, spi: [u8; 16]) -> Result<Self, BuildError> {
        self.delete_keks
            .push(spi)
            .map_err(|_| BuildError::BadContent(ContentError::TooManyDeletes))?;
        Ok(self)
    }

    /// Deletes the ESP TEK `spi`.
    ///
    /// # Errors
    /// [`BuildError::BadContent`] past [`MAX_PUSH_DELETES`].
    pub fn delete_tek(mut self, spi: [u8; 4]) -> Result<Self, BuildError> {
        self.delete_teks
            .push(spi)
            .map_err(|_| BuildError::BadContent(ContentError::TooManyDeletes))?;
        Ok(self)
    }

    /// Encodes the content and hands it to `f` (typically
    /// `|c| gcks.build_push(now, target, c, rng, out)`; [`crate::Gcks::push`] does that).
    ///
    /// # Errors
    /// [`BuildError::BadContent`] for a key too long for its buffer; encoding errors.
    pub fn with_content<R>(&self, f: impl FnOnce(&PushContent<'_>) -> R) -> Result<R, BuildError> {
        let mut enc = Encoded {
            tek_attrs: [[0; 32]; MAX_PUSH_TEKS],
            tek_keys: core::array::from_fn(|_| SecretBytes::zero()),
            kek_attrs: [0; 40],
            kek_key: SecretBytes::zero(),
            delete_keks: [0; 16 * MAX_PUSH_DELETES],
            delete_teks: [0; 4 * MAX_PUSH_DELETES],
        };
        let mut sa_teks: Vec<SaTek<'_>, MAX_PUSH_TEKS> = Vec::new();
        let mut packets: Vec<KeyPacket<'_>, { MAX_PUSH_TEKS + 1 }> = Vec::new();
        let bufs = self
            .teks
            .iter()
            .zip(enc.tek_attrs.iter_mut().zip(enc.tek_keys.iter_mut()));
        for (t, (attr_buf, key_buf)) in bufs {
            let _ = sa_teks.push(SaTek {
                protocol_id: TekProtocol::IpsecEsp,
                body: TekBody::Ipsec(IpsecTek {
                    protocol: t.protocol,
                    src: t.src.id(),
                    dst: t.dst.id(),
                    transform_id: t.transform.to_wire(),
                    spi: t.spi,
                    attributes: t.attributes(attr_buf)?,
                }),
            });
            let _ = packets.push(KeyPacket {
                kd_type: KdType::Tek,
                spi: &t.spi,
                attributes: t.keys(key_buf.expose_mut())?,
            });
        }
        let sak = match &self.kek {
            Some(k) => {
                let _ = packets.push(KeyPacket {
                    kd_type: KdType::Kek,
                    spi: &k.spi,
                    attributes: Attributes::encode(
                        &[Attribute::variable(
                            KekKeyAttribute::AlgorithmKey.to_wire(),
                            k.algorithm_key,
                        )],
                        enc.kek_key.expose_mut(),
                    )?,
                });
                Some(SaKek {
                    protocol: k.protocol,
                    src: k.src.id(),
                    dst: k.dst.id(),
                    spi: k.spi,
                    attributes: k.attributes(&mut enc.kek_attrs)?,
                })
            }
            None => None,
        };
        let deletes = deletes(
            &self.delete_keks,
            &self.delete_teks,
            &mut enc.delete_keks,
            &mut enc.delete_teks,
        );
        let with_sa = !sa_teks.is_empty() || sak.is_some();
        let content = PushContent {
            deletes: &deletes,
            sa: with_sa.then(|| Sa::new(sak, None, &sa_teks)),
            kd: with_sa.then(|| KeyDownload::new(&packets)),
        };
        Ok(f(&content))
    }
}

/// The Delete payloads: one for the ESP TEKs, then one for the KEKs (each only if
/// non-empty).
fn deletes<'b>(
    keks: &[[u8; 16]],
    teks: &[[u8; 4]],
    kek_buf: &'b mut [u8; 16 * MAX_PUSH_DELETES],
    tek_buf: &'b mut [u8; 4 * MAX_PUSH_DELETES],
) -> Vec<Delete<'b>, 2> {
    for (dst, spi) in kek_buf.chunks_exact_mut(16).zip(keks) {
        dst.copy_from_slice(spi);
    }
    for (dst, spi) in tek_buf.chunks_exact_mut(4).zip(teks) {
        dst.copy_from_slice(spi);
    }
    let mut out = Vec::new();
    let kek_spis = kek_buf.get(..16 * keks.len()).unwrap_or_default();
    let tek_spis = tek_buf.get(..4 * teks.len()).unwrap_or_default();
    if let Some(d) = (!teks.is_empty())
        .then(|| Delete::new(DOI_GDOI, PROTO_IPSEC_ESP, 4, tek_spis))
        .flatten()
    {
        let _ = out.push(d);
    }
    if let Some(d) = (!keks.is_empty())
        .then(|| Delete::new(DOI_GDOI, DELETE_PROTOCOL_KEK, 16, kek_spis))
        .flatten()
    {
        let _ = out.push(d);
    }
    out
}
