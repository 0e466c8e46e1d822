//! The RFC 8263 ack key and HASH
//! ([RFC 8263 §3.2](https://www.rfc-editor.org/rfc/rfc8263#section-3.2)).
//!
//! ```text
//! ack_key = prf(base_key, "GROUPKEY-PUSH ACK\0" | I-Cookie ‖ R-Cookie | L)
//! HASH    = prf(ack_key, SEQ | ID)            SEQ, ID = whole payloads incl. generic headers
//! ```
//!
//! L is two octets; by default 512 for the SHA-256 types and 1024 for the SHA-512 types
//! (the RFC's explicit "i.e., 512 bits for PRF-HMAC-SHA-256"); [`LEncoding::AckKeyBits`]
//! selects the other reading (256 / 512, "the number of bits in the ack_key").

use keying_crypto::{Digest, HashAlg, Symmetric};
use keying_tlv::{WriteError, Writer};

use crate::wire::header::HEADER_LEN;
use crate::wire::identification::Identification;
use crate::wire::message::Ack;
use crate::wire::sa_kek::KekAckRequested;
use crate::wire::seq::Seq;

/// The KDF label: "GROUPKEY-PUSH ACK" with its terminating NUL (18 octets).
pub const ACK_LABEL: &[u8; 18] = b"GROUPKEY-PUSH ACK\0";

/// How L is encoded in the ack-key derivation (RFC 8263 §3.2 is ambiguous: it says both
/// "the number of bits in the ack_key" and "512 bits for PRF-HMAC-SHA-256").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LEncoding {
    /// 512 (SHA-256 types) / 1024 (SHA-512 types): the prf block size in bits, per the
    /// RFC's "i.e., 512 bits for PRF-HMAC-SHA-256". The default.
    #[default]
    BlockBits,
    /// 256 / 512: the number of bits in the ack_key.
    AckKeyBits,
}

/// What an ACK type needs: the prf hash and whether the base key is the LKH leaf key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AckType {
    /// The KEK_ACK_REQUESTED value.
    pub value: KekAckRequested,
    /// PRF-HMAC-SHA-256 or -512.
    pub prf: HashAlg,
    /// Base key = first LKH key (else the KEK key).
    pub lkh: bool,
}

impl AckType {
    /// The type for a KEK_ACK_REQUESTED value; `None` for values this crate does not
    /// support (RFC 8263 §4: the GM then participates without acking).
    pub const fn new(value: KekAckRequested) -> Option<Self> {
        let (prf, lkh) = match value {
            KekAckRequested::KekSha256 => (HashAlg::Sha256, false),
            KekAckRequested::LkhSha256 => (HashAlg::Sha256, true),
            KekAckRequested::KekSha512 => (HashAlg::Sha512, false),
            KekAckRequested::LkhSha512 => (HashAlg::Sha512, true),
            KekAckRequested::Unknown(_) => return None,
        };
        Some(Self { value, prf, lkh })
    }

    /// The L value.
    pub const fn l(&self, enc: LEncoding) -> u16 {
        match (self.prf, enc) {
            (HashAlg::Sha512, LEncoding::BlockBits) => 1024,
            (HashAlg::Sha512, LEncoding::AckKeyBits) | (_, LEncoding::BlockBits) => 512,
            (_, LEncoding::AckKeyBits) => 256,
        }
    }

    /// HASH length in octets.
    pub const fn hash_len(&self) -> usize {
        self.prf.output_len()
    }
}

/// A derived ack key (zeroized on drop through [`Digest`]).
#[derive(Debug, Clone)]
pub struct AckKey {
    /// The ACK type it was derived for.
    pub ty: AckType,
    /// The SPI (PUSH cookies) it was derived for.
    pub spi: [u8; 16],
    key: Digest,
}

impl AckKey {
    /// `ack_key = prf(base_key, label | SPI | L)`. `base_key` is the KEK key **without** its
    /// IV (KEK types) or the first LKH key's data without IV (LKH types).
    pub fn derive<S: Symmetric + ?Sized>(
        crypto: &S,
        ty: AckType,
        base_key: &[u8],
        spi: &[u8; 16],
        enc: LEncoding,
    ) -> Self {
        let l = ty.l(enc).to_be_bytes();
        let key = crypto.hmac(ty.prf, base_key, &[ACK_LABEL, spi, &l]);
        Self { ty, spi: *spi, key }
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.key.as_bytes()
    }

    /// `HASH = prf(ack_key, SEQ | ID)` over the whole SEQ and ID payloads.
    pub fn hash<S: Symmetric + ?Sized>(&self, crypto: &S, seq_and_id: &[u8]) -> Digest {
        crypto.hmac(self.ty.prf, self.key.as_bytes(), &[seq_and_id])
    }

    /// Constant-time check of a received ACK's HASH.
    pub fn verify<S: Symmetric + ?Sized>(&self, crypto: &S, ack: &Ack<'_>) -> bool {
        self.hash(crypto, ack.hashed)
            .ct_eq_truncated(ack.hash.data, self.ty.hash_len())
    }

    /// Builds the ACK `HDR, HASH, SEQ, ID` for `seq` into `out`, returning its length.
    ///
    /// # Errors
    /// [`WriteError::BufferTooSmall`] with the size needed (`out` unspecified).
    pub fn emit_ack<S: Symmetric + ?Sized>(
        &self,
        crypto: &S,
        seq: Seq,
        id: &Identification<'_>,
        out: &mut [u8],
    ) -> Result<usize, WriteError> {
        let hlen = self.ty.hash_len();
        let zeros = [0u8; Digest::MAX_LEN];
        let mut w = Writer::new(out);
        Ack::emit(
            &mut w,
            &self.spi,
            zeros.get(..hlen).unwrap_or_default(),
            seq,
            id,
        );
        let n = w.finish()?;
        let hash_at = HEADER_LEN + 4;
        let covered = out.get(hash_at + hlen..n).unwrap_or_default();
        let h = self.hash(crypto, covered);
        // A provider that cannot compute this PRF (e.g. one built without SHA-512) returns a
        // digest of another length: no ACK rather than a wrong one (or a panic).
        if h.as_bytes().len() != hlen {
            return Err(WriteError::TooLong {
                field: "ACK HASH from the crypto provider",
                value: h.as_bytes().len(),
            });
        }
        if let Some(dst) = out.get_mut(hash_at..hash_at + hlen) {
            dst.copy_from_slice(h.as_bytes());
        }
        Ok(n)
    }
}
