//! The size constants: every buffer a role writes into fits these, so callers never guess.
//!
//! The bounds hold for the identities the roles accept at construction (CGA Parameters of at
//! most [`MAX_CGA_PARAMS_LEN`] octets, link-layer addresses of at most [`MAX_LLA_LEN`],
//! keys of at most 4096 bits: [`crate::send::MAX_SIGNATURE_LEN`]).

use crate::send::MAX_SIGNATURE_LEN;

/// An ND option of `fixed + payload` octets after Type and Length, padded to 8 octets.
const fn nd_option(body: usize) -> usize {
    (2 + body).div_ceil(8) * 8
}

/// Longest link-layer address the roles put into a Link-Layer Address option (a 16-octet
/// option; RFC 5568 §6.4.3).
pub const MAX_LLA_LEN: usize = 13;

/// Longest DER SubjectPublicKeyInfo of an RSA key of up to 4096 bits (550 octets).
pub const MAX_SPKI_LEN: usize = 550;

/// Longest CGA Parameters a role accepts for itself: the fixed 25 octets, a 4096-bit RSA
/// SubjectPublicKeyInfo and 65 octets of extension fields (RFC 4581).
pub const MAX_CGA_PARAMS_LEN: usize = 640;

/// Length of the nonce the mobile node sends (a 16-octet Nonce option).
pub const NONCE_LEN: usize = 14;

const HEADER: usize = crate::wire::rtsolpr::HEADER_LEN;
const LLA: usize = nd_option(1 + MAX_LLA_LEN);
const CGA: usize = nd_option(2 + MAX_CGA_PARAMS_LEN);
const TIMESTAMP: usize = 16;
const NONCE: usize = nd_option(NONCE_LEN);
const SIGNATURE: usize = nd_option(18 + MAX_SIGNATURE_LEN);

/// Longest RtSolPr [`crate::mn::MobileNode::build_rtsolpr`] writes: header, source and New
/// AP Link-Layer Address, CGA, Timestamp, Nonce, Handover Key Request, RSA Signature.
pub const MAX_RTSOLPR_LEN: usize =
    HEADER + 2 * LLA + CGA + TIMESTAMP + NONCE + nd_option(2 + MAX_SPKI_LEN) + SIGNATURE;

/// Longest PrRtAdv [`crate::ar::AccessRouter::handle_rtsolpr`] writes for an RtSolPr such as
/// [`crate::mn::MobileNode::build_rtsolpr`] sends (one New Access Point Link-Layer Address
/// option, a [`NONCE_LEN`]-octet nonce), **before** the caller's
/// [`crate::ar::PrRtAdvInfo::options`]: add their lengths
/// ([`crate::wire::NdOption::buffer_len`]). The router echoes the RtSolPr's New AP
/// Link-Layer Address options and nonce, so an RtSolPr carrying more or longer ones makes
/// the PrRtAdv longer by as many octets.
pub const MAX_PRRTADV_LEN: usize =
    HEADER + 2 * LLA + CGA + TIMESTAMP + NONCE + nd_option(4 + MAX_SIGNATURE_LEN) + SIGNATURE;

/// Longest FBU Mobility Header [`crate::mn::MobileNode::build_fbu`] writes (Alternate CoA
/// and a BADF option with a 12-octet HMAC-SHA1-96 authenticator).
pub const MAX_FBU_LEN: usize = 56;

/// Longest FBack Mobility Header [`crate::ar::AccessRouter::handle_fbu`] writes (a BADF
/// option with a 12-octet HMAC-SHA1-96 authenticator).
pub const MAX_FBACK_LEN: usize = 32;
