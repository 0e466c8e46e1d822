//! KEMAC / V protection, the MACs, and the Error message (RFC 3830 §4.2, §5.1.2, §5.2,
//! §6.12).

use keying_crypto::{AES_KW_DEFAULT_IV, CryptoError, Digest, HashAlg, SecretBuf, Symmetric};

use crate::error::Error;
use crate::error::KmError;
use crate::kdf::KemacKeys;
use crate::policy::{MAX_ID, MAX_KEMAC_PLAIN};
use crate::wire::err::{ErrorNo, ErrorPayload};
use crate::wire::header::{CommonHeader, CsIdMap, DataType, PrfFunc};
use crate::wire::id::Id;
use crate::wire::kemac::{EncrAlg, MacAlg};
use crate::wire::list::List;
use crate::wire::message::{Message, MessageWriter};
use crate::wire::timestamp::Timestamp;
use crate::wire::v::Verification;
use crate::wire::{Payload, PayloadType};

/// HMAC alg for a MAC alg.
pub(crate) fn mac_hash(alg: MacAlg) -> Option<HashAlg> {
    match alg {
        MacAlg::HmacSha1_160 => Some(HashAlg::Sha1),
        MacAlg::HmacSha256_256 => Some(HashAlg::Sha256),
        _ => None,
    }
}

/// HMAC over `parts` with `alg`, full length; [`KmError::MacRefused`] for an alg that is
/// not an HMAC or whose hash the provider lacks.
pub(crate) fn mac<S: Symmetric + ?Sized>(
    s: &S,
    alg: MacAlg,
    key: &[u8],
    parts: &[&[u8]],
) -> Result<Digest, KmError> {
    let h = mac_hash(alg).ok_or(KmError::MacRefused(alg))?;
    s.hmac(h, key, parts)
        .checked(h)
        .map_err(|_| KmError::MacRefused(alg))
}

/// Verifies a MAC in constant time.
pub(crate) fn verify_mac<S: Symmetric + ?Sized>(
    s: &S,
    alg: MacAlg,
    key: &[u8],
    parts: &[&[u8]],
    tag: &[u8],
) -> Result<(), KmError> {
    let d = mac(s, alg, key, parts)?;
    let len = alg.mac_len().ok_or(KmError::MacRefused(alg))?;
    if d.ct_eq_truncated(tag, len) {
        Ok(())
    } else {
        Err(KmError::AuthFailed)
    }
}

/// The T value as its wire bytes (8 or 4), for the V MAC input and the AES-CM IV.
pub fn ts_bytes(t: &Timestamp) -> ([u8; 8], usize) {
    let len = t.ts_type.value_len().unwrap_or(8);
    let b = t.value.to_be_bytes();
    let mut out = [0u8; 8];
    let start = 8usize.saturating_sub(len);
    if let (Some(dst), Some(src)) = (out.get_mut(..len), b.get(start..)) {
        dst.copy_from_slice(src);
    }
    (out, len)
}

/// AES-CM IV (KEMAC encryption) of RFC 3830 §4.2.3: `(salt ⊕ (0x0000 ‖ CSB ID ‖ T64)) ‖ 0x0000`.
#[inline(never)]
pub fn aes_cm_iv(salt: &[u8], csb_id: u32, t: &Timestamp) -> [u8; 16] {
    let mut block = [0u8; 14];
    let csb = csb_id.to_be_bytes();
    let tv = t.value64().to_be_bytes();
    for (i, b) in csb.iter().chain(tv.iter()).enumerate() {
        if let Some(d) = block.get_mut(i + 2) {
            *d = *b;
        }
    }
    let mut iv = [0u8; 16];
    for ((d, b), s) in iv.iter_mut().zip(block.iter()).zip(salt.iter()) {
        *d = b ^ s;
    }
    iv
}

/// The KEMAC encr_key length for `alg`, bytes, to pass to [`KemacKeys::derive`]: 32 for
/// AES-CM-256 ("a 256-bit key SHALL be used", RFC 6043 §6.2), 16 otherwise (RFC 3830
/// §4.2.3; NULL uses none).
pub const fn kemac_encr_key_len(alg: EncrAlg) -> usize {
    match alg {
        EncrAlg::AesCm256 => 32,
        _ => 16,
    }
}

/// The AES-KW-128 key wrap IV of RFC 3830 §4.2.3: "The 128-bit key and a 64-bit salt, S,
/// are derived in accordance to Section 4.1.4 and the key wrap IV is then set to S." S is
/// the salt_key (constant 0x29B88916) of 64 bits: the MIKEY PRF's output is a prefix of
/// any longer output, so S is the first 8 bytes of the 112-bit salt_key
/// [`KemacKeys::derive`] gives.
pub fn aes_kw_iv(keys: &KemacKeys) -> Result<[u8; 8], KmError> {
    let mut iv = [0u8; 8];
    iv.copy_from_slice(
        keys.salt
            .expose()
            .get(..8)
            .ok_or(KmError::BufferTooSmall { needed: 8 })?,
    );
    Ok(iv)
}

/// The AES-CM key for `alg` (AES-CM-128 or AES-CM-256): `keys.encr`, which must have the
/// algorithm's length. An encr_key derived for the other length is refused, never used
/// with the wrong AES.
fn aes_cm_key(alg: EncrAlg, keys: &KemacKeys) -> Result<&[u8], KmError> {
    let key = keys.encr.expose();
    if key.len() == kemac_encr_key_len(alg) {
        Ok(key)
    } else {
        Err(KmError::EncrRefused(alg))
    }
}

/// A provider error of AES-CM or AES-KW for `alg`: an AES key size the provider was built
/// without (e.g. AES-256 in a firmware build with `aes128` only) refuses the algorithm.
fn encr_error(alg: EncrAlg, e: CryptoError) -> KmError {
    match e {
        CryptoError::Unsupported => KmError::EncrRefused(alg),
        e => KmError::Crypto(e),
    }
}

/// Length of the KEMAC Encr data that encrypting `len` bytes of sub-payloads with `alg`
/// gives: AES-KW adds its 8-byte integrity block (RFC 3394 §2.2.1), the others keep the
/// length.
pub(crate) fn kemac_encrypted_len(alg: EncrAlg, len: usize) -> usize {
    if alg == EncrAlg::AesKw128 {
        len.saturating_add(8)
    } else {
        len
    }
}

/// Encrypts a KEMAC sub-payload chain `plain` into `dst`, which has exactly
/// [`kemac_encrypted_len`] bytes (a writer encrypts straight into the Encr data field of
/// the message it writes). AES-CM-128 / AES-CM-256 as RFC 3830 §4.2.3 (RFC 6043 §6.2);
/// AES-KW-128 wraps with IV = S ([`aes_kw_iv`]).
pub(crate) fn kemac_encrypt_to<S: Symmetric + ?Sized>(
    s: &S,
    alg: EncrAlg,
    keys: &KemacKeys,
    csb_id: u32,
    t: &Timestamp,
    plain: &[u8],
    dst: &mut [u8],
) -> Result<(), KmError> {
    let len = kemac_encrypted_len(alg, plain.len());
    if dst.len() != len {
        return Err(KmError::BufferTooSmall { needed: len });
    }
    match alg {
        EncrAlg::Null => dst.copy_from_slice(plain),
        EncrAlg::AesCm128 | EncrAlg::AesCm256 => {
            let key = aes_cm_key(alg, keys)?;
            let iv = aes_cm_iv(keys.salt.expose(), csb_id, t);
            dst.copy_from_slice(plain);
            s.aes_ctr(key, &iv, dst).map_err(|e| encr_error(alg, e))?;
        }
        EncrAlg::AesKw128 => {
            let iv = aes_kw_iv(keys)?;
            s.aes_kw_wrap_with_iv(keys.encr.expose(), &iv, plain, dst)
                .map_err(|e| match e {
                    CryptoError::Unsupported => KmError::EncrRefused(alg),
                    _ => KmError::KeyData,
                })?;
        }
        other => return Err(KmError::EncrRefused(other)),
    }
    Ok(())
}

/// Encrypts a KEMAC sub-payload chain in place (`buf[..len]`) with [`kemac_encrypt_to`];
/// returns the new length (AES-KW adds 8 bytes, `buf` must have room).
pub(crate) fn kemac_encrypt<S: Symmetric + ?Sized, const N: usize>(
    s: &S,
    alg: EncrAlg,
    keys: &KemacKeys,
    csb_id: u32,
    t: &Timestamp,
    buf: &mut SecretBuf<N>,
    len: usize,
) -> Result<usize, KmError> {
    let plain = SecretBuf::<N>::from_slice(
        buf.expose()
            .get(..len)
            .ok_or(KmError::BufferTooSmall { needed: len })?,
    )
    .map_err(|_| KmError::BufferTooSmall { needed: len })?;
    let n = kemac_encrypted_len(alg, len);
    let dst = buf
        .expose_mut()
        .get_mut(..n)
        .ok_or(KmError::BufferTooSmall { needed: n })?;
    kemac_encrypt_to(s, alg, keys, csb_id, t, plain.expose(), dst)?;
    Ok(n)
}

/// Decrypts a KEMAC payload's Encr data (RFC 3830 §6.2) into a new zeroizing buffer: the
/// plaintext sub-payload chain (key data, and an ID first in PK / RSA-R), to be read with
/// [`crate::steps::key_data::read_key_data`]. The same as [`kemac_decrypt_into`] (which the roles
/// use, to keep the 1 KiB buffer in one stack frame), returning the buffer.
///
/// # Errors
/// As [`kemac_decrypt_into`].
pub fn kemac_decrypt<S: Symmetric + ?Sized>(
    s: &S,
    alg: EncrAlg,
    keys: &KemacKeys,
    csb_id: u32,
    t: &Timestamp,
    data: &[u8],
) -> Result<SecretBuf<MAX_KEMAC_PLAIN>, KmError> {
    let mut plain = SecretBuf::new();
    kemac_decrypt_into(s, alg, keys, csb_id, t, data, &mut plain)?;
    Ok(plain)
}

/// Decrypts a KEMAC payload's Encr data (RFC 3830 §6.2) into `plain`: the plaintext
/// sub-payload chain (key data, and an ID first in PK / RSA-R), to be read with
/// [`crate::steps::key_data::read_key_data`].
///
/// Every mikey-core role decrypts with this once the KEMAC MAC verified; a caller should
/// do the same (AES-CM has no integrity of its own).
///
/// Arguments:
/// - `s`: the crypto provider.
/// - `alg`: the KEMAC's Encr alg. NULL copies the data; AES-CM-128 is §4.2.3 (key stream
///   with the IV of [`aes_cm_iv`]), AES-CM-256 the same with a 256-bit key (RFC 6043
///   §6.2); AES-KW-128 is RFC 3394 key unwrap (§4.2.3) whose integrity check accepts
///   IV = S ([`aes_kw_iv`], what §4.2.3 says and what this crate sends) or the RFC 3394
///   default IV `A6A6A6A6A6A6A6A6` (what a peer applying RFC 3394 unchanged sends). Both
///   readings are integrity-checked twice: by the KEMAC MAC, verified first, and by the
///   unwrap's 64-bit check.
/// - `keys`: the KEMAC keys (§4.1.4): [`KemacKeys::derive`] from the PSK (PSK mode) or the
///   envelope key (PK, RSA-R) with the message's PRF func, CSB ID and RAND, and an encr_key
///   of [`kemac_encr_key_len`]; `encr` is the AES key and `salt` the IV salt.
/// - `csb_id`, `t`: the common header's CSB ID and the message's T payload (in the AES-CM
///   IV; unused by NULL and AES-KW).
/// - `data`: the KEMAC's Encr data field.
/// - `plain`: receives the plaintext (its previous contents are wiped); empty on error.
///
/// # Errors
/// [`KmError::KeyData`] when `data` is longer than [`MAX_KEMAC_PLAIN`] or, for AES-KW, not
/// a multiple of 8 bytes of at least 24;
/// [`KmError::KeyUnwrapFailed`] when the AES-KW integrity check fails under both IVs
/// (wrong key or altered data: never [`KmError::AuthFailed`], the MAC having verified);
/// [`KmError::EncrRefused`] for an Encr alg this crate does not implement, an encr_key of
/// the wrong length for it, or an AES key size or IV the provider lacks;
/// [`KmError::Crypto`] when the provider fails otherwise.
pub fn kemac_decrypt_into<S: Symmetric + ?Sized>(
    s: &S,
    alg: EncrAlg,
    keys: &KemacKeys,
    csb_id: u32,
    t: &Timestamp,
    data: &[u8],
    plain: &mut SecretBuf<MAX_KEMAC_PLAIN>,
) -> Result<(), KmError> {
    plain.clear();
    let r = decrypt_into(s, alg, keys, csb_id, t, data, plain);
    if r.is_err() {
        plain.clear();
    }
    r
}

fn decrypt_into<S: Symmetric + ?Sized>(
    s: &S,
    alg: EncrAlg,
    keys: &KemacKeys,
    csb_id: u32,
    t: &Timestamp,
    data: &[u8],
    plain: &mut SecretBuf<MAX_KEMAC_PLAIN>,
) -> Result<(), KmError> {
    plain
        .extend_from_slice(data)
        .map_err(|_| KmError::KeyData)?;
    match alg {
        EncrAlg::Null => {}
        EncrAlg::AesCm128 | EncrAlg::AesCm256 => {
            let key = aes_cm_key(alg, keys)?;
            let iv = aes_cm_iv(keys.salt.expose(), csb_id, t);
            s.aes_ctr(key, &iv, plain.expose_mut())
                .map_err(|e| encr_error(alg, e))?;
        }
        EncrAlg::AesKw128 => {
            let n = aes_kw_unwrap(s, keys, data, plain.expose_mut())?;
            plain
                .set_len(n)
                .map_err(|_| KmError::BufferTooSmall { needed: n })?;
        }
        other => return Err(KmError::EncrRefused(other)),
    }
    Ok(())
}

/// AES-KW-128 unwrap of `data` into `out` with IV = S, then with the RFC 3394 default IV
/// (see [`kemac_decrypt_into`]); the plaintext length.
fn aes_kw_unwrap<S: Symmetric + ?Sized>(
    s: &S,
    keys: &KemacKeys,
    data: &[u8],
    out: &mut [u8],
) -> Result<usize, KmError> {
    let kek = keys.encr.expose();
    let first = match s.aes_kw_unwrap_with_iv(kek, &aes_kw_iv(keys)?, data, out) {
        Ok(n) => return Ok(n),
        Err(e) => e,
    };
    match (
        first,
        s.aes_kw_unwrap_with_iv(kek, &AES_KW_DEFAULT_IV, data, out),
    ) {
        (_, Ok(n)) => Ok(n),
        (CryptoError::InvalidLength, _) | (_, Err(CryptoError::InvalidLength)) => {
            Err(KmError::KeyData)
        }
        (CryptoError::DecryptFailed, Err(CryptoError::DecryptFailed)) => {
            Err(KmError::KeyUnwrapFailed)
        }
        // The provider cannot check IV = S (or lacks the key size): the wrap may be fine.
        (CryptoError::Unsupported, _) | (_, Err(CryptoError::Unsupported)) => {
            Err(KmError::EncrRefused(EncrAlg::AesKw128))
        }
        (e, _) => Err(KmError::Crypto(e)),
    }
}

/// A 16-byte digest identifying an accepted message (or a peer) in the replay cache: the
/// first 16 bytes of HMAC-SHA-1 under a fixed public key, the one primitive every MIKEY
/// firmware links anyway (MIKEY-1, RFC 3830 §4.1.2). The cache is local: it needs the same
/// message to give the same fingerprint, and two messages practically never to share one
/// (finding two would take a SHA-1 collision between messages that both authenticate: only
/// an authenticated message is recorded). [`KmError::Crypto`] when the provider has no
/// SHA-1.
pub(crate) fn fingerprint<S: Symmetric + ?Sized>(
    s: &S,
    parts: &[&[u8]],
) -> Result<[u8; 16], KmError> {
    let d = s.hmac(HashAlg::Sha1, b"mikey replay fingerprint", parts);
    if d.as_bytes().len() != HashAlg::Sha1.output_len() {
        return Err(KmError::Crypto(CryptoError::Unsupported));
    }
    Ok(first16(d.as_bytes()))
}

/// The replay-cache fingerprint of a message whose MAC over all of it was just verified:
/// the MAC's first 16 bytes (HMAC-SHA-1-160 and HMAC-SHA-256-256 tags have at least 16),
/// or `None` for a shorter tag. Under one key two messages never share a tag, and the same
/// message always gives the same one, so the tag identifies the message as
/// [`fingerprint`] does, at no cost.
pub(crate) fn mac_fingerprint(mac: &[u8]) -> Option<[u8; 16]> {
    (mac.len() >= 16).then(|| first16(mac))
}

/// The first 16 bytes of `b` (zero-padded).
fn first16(b: &[u8]) -> [u8; 16] {
    let mut fp = [0u8; 16];
    for (o, x) in fp.iter_mut().zip(b) {
        *o = *x;
    }
    fp
}

/// Copies `src` into a bounded vector.
pub(crate) fn keep<const N: usize>(src: &[u8]) -> Result<heapless::Vec<u8, N>, KmError> {
    heapless::Vec::from_slice(src).map_err(|_| KmError::KeyData)
}

/// The ID payloads' data of a message: first and second ID payload (IDi, IDr in an
/// I_MESSAGE; IDr / IDi per mode in a response).
pub(crate) fn ids<'a, const PS: u32>(m: &Message<'a, PS>) -> (Option<&'a [u8]>, Option<&'a [u8]>) {
    let mut it = m
        .payloads_with(PayloadType::Id)
        .filter_map(|p| match p.payload {
            Payload::Id(id) => Some(id.data),
            _ => None,
        });
    (it.next(), it.next())
}

/// How to authenticate an Error or verification message.
pub(crate) struct VKey<'k> {
    pub alg: MacAlg,
    pub key: &'k [u8],
    /// Appended after the message: IDi ‖ IDr ‖ T_i (RFC 3830 §5.2).
    pub tail: [&'k [u8]; 3],
}

/// Writes the header that `start` writes, the payloads `body` pushes, then V with its MAC
/// filled in when `v` is given; returns the length.
///
/// The V payload is written last (RFC 3830 §3.1: "V ... last"), so its Ver data is the
/// message's last bytes and the MAC covers everything before it (§5.2), followed by
/// `v.tail`: no parse of the message just written is needed to find either. The payloads
/// are pushed by their own types, so only the writers a role uses are linked.
pub(crate) fn write_with_v<S: Symmetric + ?Sized>(
    s: &S,
    out: &mut [u8],
    start: impl for<'b> FnOnce(&'b mut [u8]) -> MessageWriter<'b>,
    body: impl FnOnce(&mut MessageWriter<'_>),
    v: Option<&VKey<'_>>,
) -> Result<usize, KmError> {
    let zero = [0u8; 32];
    let mut w = start(out);
    body(&mut w);
    let Some(v) = v else {
        return w.finish().map_err(KmError::from);
    };
    let len = v.alg.mac_len().ok_or(KmError::MacRefused(v.alg))?;
    w.push_body(&Verification {
        auth_alg: v.alg,
        ver_data: zero
            .get(..len)
            .ok_or(KmError::BufferTooSmall { needed: len })?,
    });
    let n = w.finish().map_err(KmError::from)?;
    fill_v(
        s,
        out.get_mut(..n)
            .ok_or(KmError::BufferTooSmall { needed: n })?,
        len,
        v,
    )?;
    Ok(n)
}

/// Fills the MAC of `msg`'s last payload, a V payload whose Ver data is `len` bytes.
fn fill_v<S: Symmetric + ?Sized>(
    s: &S,
    msg: &mut [u8],
    len: usize,
    v: &VKey<'_>,
) -> Result<(), KmError> {
    let start = msg
        .len()
        .checked_sub(len)
        .ok_or(KmError::BufferTooSmall { needed: len })?;
    let (covered, ver_data) = msg.split_at_mut(start);
    let d = mac(s, v.alg, v.key, &[covered, v.tail[0], v.tail[1], v.tail[2]])?;
    ver_data.copy_from_slice(
        d.as_bytes()
            .get(..len)
            .ok_or(KmError::BufferTooSmall { needed: len })?,
    );
    Ok(())
}

/// Checks the V payload of a received message against `v`.
pub(crate) fn check_v<S: Symmetric + ?Sized, const PS: u32>(
    s: &S,
    m: &Message<'_, PS>,
    v: &VKey<'_>,
) -> Result<(), KmError> {
    let ver = m
        .verification()
        .ok_or(KmError::Message(Error::MissingPayload {
            payload: PayloadType::V,
            data_type: m.data_type(),
        }))?;
    if ver.auth_alg != v.alg {
        return Err(KmError::MacRefused(ver.auth_alg));
    }
    let cov = m
        .verification_covered()
        .ok_or_else(|| crate::error::missing(m, crate::wire::PayloadType::V))?;
    verify_mac(
        s,
        v.alg,
        v.key,
        &[cov.first, cov.second, v.tail[0], v.tail[1], v.tail[2]],
        ver.ver_data,
    )
}

/// Writes an Error message (data type 6): `HDR, T, ERR, [V]` answering the message
/// with `csb_id` and timestamp `t` (RFC 3830 §5.1.2), V-protected when `v` is given.
pub(crate) fn write_error<S: Symmetric + ?Sized>(
    s: &S,
    out: &mut [u8],
    csb_id: u32,
    prf_func: PrfFunc,
    t: Timestamp,
    error_no: ErrorNo,
    v: Option<&VKey<'_>>,
) -> Result<usize, KmError> {
    let header = CommonHeader {
        data_type: DataType::Error,
        v: false,
        prf_func,
        csb_id,
        cs_id_map: CsIdMap::SrtpId(List::Items(&[])),
    };
    write_with_v(
        s,
        out,
        |out| MessageWriter::new(out, &header),
        |w| {
            w.push_body(&t).push_body(&ErrorPayload { error_no });
        },
        v,
    )
}

/// Reads an Error message received in place of a response.
pub(crate) fn peer_error<S: Symmetric + ?Sized, const PS: u32>(
    s: &S,
    m: &Message<'_, PS>,
    v: Option<&VKey<'_>>,
) -> KmError {
    let error_no = m
        .payloads()
        .find_map(|p| match p.payload {
            Payload::Err(e) => Some(e.error_no),
            _ => None,
        })
        .unwrap_or(ErrorNo::Unspecified);
    let authenticated = match v {
        Some(v) if m.verification().is_some() => check_v(s, m, v).is_ok(),
        _ => false,
    };
    KmError::PeerError {
        error_no,
        authenticated,
    }
}

/// An owned copy of an ID payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedId {
    /// ID type.
    pub id_type: crate::wire::id::IdType,
    /// ID data.
    pub data: heapless::Vec<u8, MAX_ID>,
}

impl OwnedId {
    /// Copies an ID.
    pub fn new(id: &Id<'_>) -> Result<Self, KmError> {
        Ok(Self {
            id_type: id.id_type,
            data: keep(id.data)?,
        })
    }

    /// The payload view.
    pub fn view(&self) -> Id<'_> {
        Id {
            id_type: self.id_type,
            data: &self.data,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::cast_possible_truncation
    )]
    use super::*;
    use keying_crypto::rustcrypto::RustCrypto;

    /// A verified tag of 16 bytes or more is the message's fingerprint (its first 16
    /// bytes); a shorter one (or none) leaves the message to be digested.
    #[test]
    fn a_mac_of_sixteen_bytes_or_more_is_the_fingerprint() {
        let tag: [u8; 20] = core::array::from_fn(|i| i as u8);
        let fp = mac_fingerprint(&tag).unwrap();
        assert_eq!(fp[..], tag[..16]);
        assert_eq!(mac_fingerprint(&tag[..16]), Some(fp));
        assert_eq!(mac_fingerprint(&tag[..15]), None);
        assert_eq!(mac_fingerprint(&[]), None);
    }

    /// The digest fingerprint is HMAC-SHA-1 under the fixed key, cut to 16 bytes: the
    /// same parts give the same fingerprint, other parts another.
    #[test]
    fn the_digest_fingerprint_is_truncated_hmac_sha1() {
        let s = RustCrypto;
        let fp = fingerprint(&s, &[b"abc", b"def"]).unwrap();
        let want = s.hmac(HashAlg::Sha1, b"mikey replay fingerprint", &[b"abcdef"]);
        assert_eq!(fp[..], want.as_bytes()[..16]);
        assert_ne!(fingerprint(&s, &[b"abcdeg"]).unwrap(), fp);
    }
}
