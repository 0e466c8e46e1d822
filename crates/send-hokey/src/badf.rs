//! Binding Authorization Data for FMIPv6 (BADF) option, mobility option type 21
//! ([RFC 5568 §6.4.5](https://www.rfc-editor.org/rfc/rfc5568#section-6.4.5)), and its
//! authenticator.
//!
//! ```text
//! | Type=21 | Option Length | SPI (32) | Authenticator ... |
//! ```
//!
//! **Option Length.** RFC 5568 §6.4.5 says "the length of the Authenticator in bytes", but
//! the generic mobility-option format (RFC 3775 §6.2.1) defines Option Length as the length
//! of everything after the Length octet, and the SPI sits in between. This crate follows the
//! generic rule (as Wireshark and the FBU vector in tests/vectors/send-hokey do):
//! **Option Length = 4 + authenticator length** (16 for HMAC-SHA1-96). An option claiming
//! 12 and carrying 16 octets does not parse as the last option and is rejected.
//!
//! **Authenticator** (RFC 3775 §6.2.7 with RFC 5568's substitutions):
//! `First(96, HMAC_SHA1(HK, CoA ‖ PAR address ‖ MH data))`, MH data being the whole Mobility
//! Header with the checksum taken as zero and without the authenticator octets. The "CoA"
//! is the address being registered: the NCoA ([`BADF_COA_IS_NCOA`]; RFC 5568
//! only says "same as RFC 3775", so this is a choice).

use core::net::Ipv6Addr;

use keying_crypto::{Digest, HashAlg, Symmetric};

use crate::{
    Error,
    wire::AuthAlgorithm,
    wire::checksum::{NEXT_HEADER_MOBILITY, checksum_with_hole},
    wire::fbu::{MH_CHECKSUM_OFFSET, MobilityMessage},
};

/// SPI value reserved for SEND-based (RFC 5269) handover keys.
pub const SPI_SEND_HANDOVER_KEY: u32 = 0;

/// Which care-of address enters the BADF MAC: `true` = the NCoA (the address being
/// registered, RFC 3775 §6.2.7's definition), the choice of this crate: RFC 5568 §6.4.5 only
/// refers to RFC 3775 and keys the association by the PCoA, so the text is ambiguous.
pub const BADF_COA_IS_NCOA: bool = true;

/// What the BADF authenticator is computed with: the handover key and its AT, and the two
/// addresses the MAC covers (RFC 3775 §6.2.7 with RFC 5568 §6.4.5's substitutions).
#[derive(Clone, Copy)]
pub struct BadfKey<'a> {
    /// The authenticator algorithm.
    pub at: AuthAlgorithm,
    /// The handover key.
    pub key: &'a [u8],
    /// The care-of address entering the MAC (the NCoA, [`BADF_COA_IS_NCOA`]).
    pub coa: &'a Ipv6Addr,
    /// The PAR's address.
    pub par: &'a Ipv6Addr,
}

impl core::fmt::Debug for BadfKey<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BadfKey")
            .field("at", &self.at)
            .field("key", &"<redacted>")
            .field("coa", self.coa)
            .field("par", self.par)
            .finish()
    }
}

/// Computes the BADF authenticator of the Mobility Header `mh` whose authenticator field
/// (`k.at.mac_len()` octets) starts at `auth_at`: `First(96, HMAC_SHA1(key, coa ‖ par ‖
/// MH data))`, MH data being `mh` with the checksum taken as zero and without the
/// authenticator octets (RFC 3775 §6.2.7, RFC 5568 §6.4.5).
///
/// # Errors
/// [`Error::WeakerAlgorithm`] for an AT this crate does not implement; [`Error::Badf`] if
/// `auth_at` does not leave room for the authenticator; [`Error::Crypto`] with
/// [`keying_crypto::CryptoError::Unsupported`] when the provider lacks the AT's hash.
#[inline]
pub fn authenticator<S: Symmetric + ?Sized>(
    crypto: &S,
    k: BadfKey<'_>,
    mh: &[u8],
    auth_at: usize,
) -> Result<Digest, Error> {
    mac(crypto, k.at, k.key, k.coa, k.par, mh, auth_at)
}

/// [`authenticator`] with the key's fields as arguments (keeps them scalar for the
/// optimiser: a known key length removes HMAC's long-key path).
fn mac<S: Symmetric + ?Sized>(
    crypto: &S,
    at: AuthAlgorithm,
    key: &[u8],
    coa: &Ipv6Addr,
    par: &Ipv6Addr,
    mh: &[u8],
    auth_at: usize,
) -> Result<Digest, Error> {
    let (hash, len) = match at {
        AuthAlgorithm::HmacSha1_96 => (HashAlg::Sha1, 12),
        AuthAlgorithm::Unknown(_) => return Err(Error::WeakerAlgorithm),
    };
    let auth_end = auth_at.checked_add(len).ok_or(Error::Badf)?;
    let (Some(head), Some(mid), Some(tail)) = (
        mh.get(..MH_CHECKSUM_OFFSET),
        mh.get(MH_CHECKSUM_OFFSET + 2..auth_at),
        mh.get(auth_end..),
    ) else {
        return Err(Error::Badf);
    };
    let mut d = crypto
        .hmac(
            hash,
            key,
            &[&coa.octets(), &par.octets(), head, &[0, 0], mid, tail],
        )
        .checked(hash)
        .map_err(Error::Crypto)?;
    d.truncate(len);
    Ok(d)
}

/// Fills the authenticator of a Mobility Header emitted by
/// [`crate::wire::fbu::emit_fast_binding`] (which returned `auth_at`), then its checksum over the
/// pseudo-header `src` / `dst` (`src` = the home address when a Home Address option is
/// present, RFC 3775 §6.1.1).
///
/// # Errors
/// As [`authenticator`].
pub fn authenticate_in_place<S: Symmetric + ?Sized>(
    crypto: &S,
    k: BadfKey<'_>,
    mh: &mut [u8],
    auth_at: usize,
    pseudo: (&Ipv6Addr, &Ipv6Addr),
) -> Result<(), Error> {
    let d = mac(crypto, k.at, k.key, k.coa, k.par, mh, auth_at)?;
    let end = auth_at.saturating_add(d.len());
    mh.get_mut(auth_at..end)
        .ok_or(Error::Badf)?
        .copy_from_slice(d.as_bytes());
    let c = checksum_with_hole(
        pseudo.0,
        pseudo.1,
        NEXT_HEADER_MOBILITY,
        mh,
        MH_CHECKSUM_OFFSET,
    );
    if let Some(f) = mh.get_mut(MH_CHECKSUM_OFFSET..MH_CHECKSUM_OFFSET + 2) {
        f.copy_from_slice(&c.to_be_bytes());
    }
    Ok(())
}

/// Verifies the BADF of a parsed FBU / FBack: present, last, SPI 0, authenticator of the
/// AT's length and equal (constant time) to the recomputed one.
///
/// # Errors
/// [`Error::Badf`] for a missing / misplaced / wrong-SPI / wrong-length option;
/// [`Error::BadAuthenticator`] for a wrong MAC; as [`authenticator`].
pub fn verify<S: Symmetric + ?Sized>(
    crypto: &S,
    k: BadfKey<'_>,
    msg: &MobilityMessage<'_>,
) -> Result<(), Error> {
    let (off, badf) = msg.last_badf().ok_or(Error::Badf)?;
    if badf.spi != SPI_SEND_HANDOVER_KEY || Some(badf.authenticator.len()) != k.at.mac_len() {
        return Err(Error::Badf);
    }
    let d = mac(crypto, k.at, k.key, k.coa, k.par, msg.as_bytes(), off + 6)?;
    if d.ct_eq(badf.authenticator) {
        Ok(())
    } else {
        Err(Error::BadAuthenticator)
    }
}
