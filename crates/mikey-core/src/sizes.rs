//! Output sizes: how large an `out` buffer the roles need (RFC 3830 §6 payload sizes).
//!
//! Each bound adds up the payloads a role writes, at the largest size the crate's limits
//! allow ([`MAX_CS`] crypto sessions, [`MAX_ID`]-byte identities, a [`MAX_RAND`]-byte
//! RAND, a [`MAX_TGK`]-byte TGK with a [`MAX_MKI`]-byte MKI, HMAC-SHA-256-256 MACs). A
//! payload's size includes its 1-byte Next payload field. A buffer of the bound never
//! gives [`crate::KmError::BufferTooSmall`].

use crate::policy::{MAX_ID, MAX_RAND};
use crate::srtp::{MAX_CS, MAX_MKI};
use crate::steps::key_data::MAX_TGK;

/// HDR (RFC 3830 §6.1): version, data type, next payload, V / PRF func, CSB ID (4),
/// #CS, CS ID map type = 10 bytes, plus the SRTP-ID map: 9 bytes (Policy no, SSRC, ROC)
/// per crypto session, at most [`MAX_CS`].
pub const MAX_HDR_LEN: usize = 10 + 9 * MAX_CS;
/// HDR of an Error message (RFC 3830 §6.1): an empty SRTP-ID map.
pub const ERROR_HDR_LEN: usize = 10;
/// T (RFC 3830 §6.6): next payload, TS type, an 8-byte NTP / COUNTER value.
pub const MAX_T_LEN: usize = 1 + 1 + 8;
/// RAND (RFC 3830 §6.11): next payload, RAND len, at most [`MAX_RAND`] bytes.
pub const MAX_RAND_PAYLOAD_LEN: usize = 1 + 1 + MAX_RAND;
/// ID (RFC 3830 §6.7): next payload, ID type, ID len (2), at most [`MAX_ID`] bytes.
pub const MAX_ID_PAYLOAD_LEN: usize = 1 + 1 + 2 + MAX_ID;
/// SP (RFC 3830 §6.10) as the roles write it: next payload, Policy no, Prot type, Policy
/// param length (2) and the 12 SRTP parameters of RFC 3830 §6.10.1, each type, length and
/// a 1-byte value.
pub const SP_PAYLOAD_LEN: usize = 1 + 1 + 1 + 2 + 12 * 3;
/// The largest MAC / Ver data: HMAC-SHA-256-256 (RFC 6043 §6.2), 32 bytes.
pub const MAX_MAC_LEN: usize = 32;
/// V (RFC 3830 §6.9): next payload, Auth alg, the MAC.
pub const MAX_V_LEN: usize = 1 + 1 + MAX_MAC_LEN;
/// ERR (RFC 3830 §6.12): next payload, Error no, Reserved (2).
pub const ERR_PAYLOAD_LEN: usize = 1 + 1 + 2;
/// The key data chain in a KEMAC (RFC 3830 §6.13): one TGK key data sub-payload (next
/// payload, Type / KV, Key data len (2), at most [`MAX_TGK`] bytes of key, KV data: SPI
/// length and an SPI of at most [`MAX_MKI`] bytes), plus the 8 bytes AES-KW-128 adds
/// (RFC 3394).
pub const MAX_KEY_DATA_CHAIN_LEN: usize = 1 + 1 + 2 + MAX_TGK + 1 + MAX_MKI + 8;
/// KEMAC (RFC 3830 §6.2): next payload, Encr alg, Encr data len (2), the encrypted key
/// data chain, MAC alg, the MAC.
pub const MAX_KEMAC_LEN: usize = 1 + 1 + 2 + MAX_KEY_DATA_CHAIN_LEN + 1 + MAX_MAC_LEN;

/// The largest DH value (RFC 3830 §6.4): OAKLEY 5, 1536 bits.
pub const MAX_DH_VALUE_LEN: usize = 192;
/// The largest KV data (RFC 3830 §6.13): an interval, VF length, VF (at most 255),
/// VT length, VT (at most 255).
pub const MAX_KV_DATA_LEN: usize = 1 + 255 + 1 + 255;
/// DH (RFC 3830 §6.4) as the roles write their own: next payload, DH-Group, the value,
/// KV (no KV data).
pub const MAX_DH_PAYLOAD_LEN: usize = 1 + 1 + MAX_DH_VALUE_LEN + 1;
/// The MAC-only KEMAC of DHHMAC (RFC 4650 §3): next payload, Encr alg (NULL), Encr data
/// len (2, zero), MAC alg, the MAC.
pub const MAX_DHHMAC_KEMAC_LEN: usize = 1 + 1 + 2 + 1 + MAX_MAC_LEN;

/// The largest DHHMAC I_MESSAGE (RFC 4650 §3) a [`crate::DhHmacInitiator`] writes for an
/// offer whose identities are at most [`MAX_ID`] bytes: HDR, T, RAND, IDi, IDr,
/// [`MAX_CS`] × SP, DHi, KEMAC = 82 + 10 + 66 + 2 × 132 + 8 × 41 + 195 + 37 = 982 bytes.
pub const MAX_DHHMAC_I_MESSAGE_LEN: usize = MAX_HDR_LEN
    + MAX_T_LEN
    + MAX_RAND_PAYLOAD_LEN
    + 2 * MAX_ID_PAYLOAD_LEN
    + MAX_CS * SP_PAYLOAD_LEN
    + MAX_DH_PAYLOAD_LEN
    + MAX_DHHMAC_KEMAC_LEN;

/// The largest DHHMAC R_MESSAGE (RFC 4650 §3) a [`crate::DhHmacResponder`] writes: HDR
/// (the I_MESSAGE's map), T, IDr, IDi (echoed), DHr, DHi (echoed as received, with at
/// most [`MAX_KV_DATA_LEN`] bytes of KV data), KEMAC =
/// 82 + 10 + 132 + 132 + 195 + (195 + 512) + 37 = 1295 bytes.
pub const MAX_DHHMAC_R_MESSAGE_LEN: usize = MAX_HDR_LEN
    + MAX_T_LEN
    + 2 * MAX_ID_PAYLOAD_LEN
    + 2 * MAX_DH_PAYLOAD_LEN
    + MAX_KV_DATA_LEN
    + MAX_DHHMAC_KEMAC_LEN;

/// The largest PSK I_MESSAGE (RFC 3830 §3.1) a [`crate::PskInitiator`] writes for an
/// offer whose identities are at most [`MAX_ID`] bytes:
/// HDR, T, RAND, IDi, IDr, [`MAX_CS`] × SP, KEMAC =
/// 82 + 10 + 66 + 2 × 132 + 8 × 41 + 322 = 1072 bytes.
pub const MAX_PSK_I_MESSAGE_LEN: usize = MAX_HDR_LEN
    + MAX_T_LEN
    + MAX_RAND_PAYLOAD_LEN
    + 2 * MAX_ID_PAYLOAD_LEN
    + MAX_CS * SP_PAYLOAD_LEN
    + MAX_KEMAC_LEN;

/// The largest PSK verification message (RFC 3830 §3.1, data type 1) a
/// [`crate::PskResponder`] writes: HDR (the I_MESSAGE's map), T, IDr, V =
/// 82 + 10 + 132 + 34 = 258 bytes.
pub const MAX_PSK_RESPONSE_LEN: usize = MAX_HDR_LEN + MAX_T_LEN + MAX_ID_PAYLOAD_LEN + MAX_V_LEN;

/// The largest unsigned or V-protected Error message (RFC 3830 §5.1.2, data type 6) a
/// Responder writes: HDR (empty map), T, ERR, V = 10 + 10 + 4 + 34 = 58 bytes. A
/// SIGNed Error message is [`max_signed_error_len`].
pub const MAX_ERROR_MESSAGE_LEN: usize = ERROR_HDR_LEN + MAX_T_LEN + ERR_PAYLOAD_LEN + MAX_V_LEN;

/// SIGN (RFC 3830 §6.5): S type / Signature len (2), the signature (the RSA modulus
/// length), without a Next payload field (SIGN is last).
pub const fn sign_payload_len(modulus_len: usize) -> usize {
    2 + modulus_len
}

/// The largest SIGNed Error message (RFC 3830 §5.1.2) a PK / DH / RSA-R Responder writes
/// with a private key of `modulus_len` bytes: HDR (empty map), T, ERR, SIGN =
/// 10 + 10 + 4 + 2 + `modulus_len` bytes.
pub const fn max_signed_error_len(modulus_len: usize) -> usize {
    ERROR_HDR_LEN + MAX_T_LEN + ERR_PAYLOAD_LEN + sign_payload_len(modulus_len)
}

/// The largest Error message any Responder writes with a private key of at most
/// `modulus_len` bytes (0 without one): the larger of [`MAX_ERROR_MESSAGE_LEN`] and
/// [`max_signed_error_len`].
pub const fn max_error_message_len(modulus_len: usize) -> usize {
    let signed = max_signed_error_len(modulus_len);
    if signed > MAX_ERROR_MESSAGE_LEN {
        signed
    } else {
        MAX_ERROR_MESSAGE_LEN
    }
}
