//! The key data every KEMAC-carrying mode shares: building and reading the key data
//! chain (RFC 3830 §6.2, §6.13) and writing a KEMAC-protected message.

use keying_crypto::Symmetric;

use crate::error::KmError;
use crate::kdf::KemacKeys;
use crate::offer::{Offer, push_prefix};
use crate::protect::{self};
use crate::srtp::{Keying, SrtpPolicy};
use crate::wire::header::CommonHeader;
use crate::wire::id::Id;
use crate::wire::kemac::{EncrAlg, Kemac, MacAlg};
use crate::wire::key_data::{KeyData, KeyType, KeyValidity};
use crate::wire::message::{KemacScope, Message, MessageWriter};
use crate::wire::{Framed, Payload, PayloadType};
use keying_tlv::{ChainWriter, Codec, Writer};

/// Largest TGK this crate generates or accepts.
pub const MAX_TGK: usize = 256;

/// Builds the key data chain and the KEMAC-protected tail of an I_MESSAGE (PSK, PK):
/// returns the plaintext chain length written into `plain`.
pub(crate) fn key_data_chain(
    prefix: Option<&Id<'_>>,
    tgk: &[u8],
    mki: &[u8],
    plain: &mut [u8],
) -> Result<usize, KmError> {
    let kv = if mki.is_empty() {
        KeyValidity::Null
    } else {
        KeyValidity::Spi(mki)
    };
    let kd = KeyData {
        key_type: KeyType::Tgk,
        key: tgk,
        salt: None,
        kv,
    };
    // The chain of `write_sub_payloads`, written by type: the first payload's type is
    // implicit (RFC 3830 §6.2), each announces the next.
    let mut w = Writer::new(plain);
    let slot = w.next_payload();
    match prefix {
        Some(id) => {
            id.write(&mut w);
            kd.emit(&mut ChainWriter::new(slot), &mut w);
        }
        None => kd.write(&mut w),
    }
    w.finish().map_err(KmError::from)
}

/// TGK length adjusted so that the key data chain is a whole number of 64-bit blocks
/// (AES-KW has no padding in RFC 3830 / RFC 6043).
pub(crate) fn tgk_len_for(encr: EncrAlg, tgk_len: usize, overhead: usize) -> usize {
    if encr == EncrAlg::AesKw128 {
        let total = tgk_len + overhead;
        tgk_len + (8 - total % 8) % 8
    } else {
        tgk_len
    }
}

/// Key data found in a decrypted KEMAC chain by [`read_key_data`].
#[derive(Debug, Clone, Copy)]
pub struct FoundKeys<'p> {
    /// The TGK (the first TGK / TGK+SALT key data) or, when there is none, the TEKs (every
    /// TEK / TEK+SALT key data, in order); input of [`crate::srtp::build_sas`].
    pub keying: Keying<'p>,
    /// The Key validity of the first key data sub-payload (RFC 3830 §6.13).
    pub kv: KeyValidity<'p>,
    /// An ID sub-payload in front of the key data (PK, RSA-R: IDi / IDr).
    pub id: Option<Id<'p>>,
}

/// Room for the TEKs of a bundle, filled by [`read_key_data`] (at most
/// [`crate::srtp::MAX_CS`]).
pub type TekList<'p> = heapless::Vec<(&'p [u8], Option<&'p [u8]>), { crate::srtp::MAX_CS }>;

/// Reads the key data of a decrypted KEMAC chain (RFC 3830 §6.2, §6.13): `plain` as
/// [`crate::protect::kemac_decrypt_into`] leaves it, whose first sub-payload is `first`
/// ([`PayloadType::KeyData`] in PSK mode, [`PayloadType::Id`] in PK and RSA-R). TEKs are
/// kept in `teks`, which the result borrows.
///
/// Every mikey-core role reads its key data with this.
///
/// # Errors
/// [`KmError::KeyData`] when the chain does not parse, holds a sub-payload other than key
/// data (and one leading ID), a key type other than TGK / TEK (with or without salt), more
/// than [`crate::srtp::MAX_CS`] TEKs, an empty TGK or one longer than [`MAX_TGK`], or no
/// key at all.
pub fn read_key_data<'p: 't, 't>(
    plain: &'p [u8],
    first: PayloadType,
    teks: &'t mut TekList<'p>,
) -> Result<FoundKeys<'t>, KmError> {
    // Only key data and ID sub-payloads are taken: the others are refused while parsing.
    const SUBS: u32 = crate::wire::payload_set(&[PayloadType::KeyData, PayloadType::Id]);
    read_key_data_in::<SUBS>(plain, first, teks)
}

/// [`read_key_data`] parsing with the payload set `SET` (which must hold key data and ID):
/// a role that parses its messages with a set holding them too shares one parser.
pub(crate) fn read_key_data_in<'p: 't, 't, const SET: u32>(
    plain: &'p [u8],
    first: PayloadType,
    teks: &'t mut TekList<'p>,
) -> Result<FoundKeys<'t>, KmError> {
    let mut tgk = None;
    let mut kv = None;
    let mut id = None;
    teks.clear();
    for item in Kemac::sub_payloads_in::<SET>(plain, first) {
        let item = item.map_err(|_| KmError::KeyData)?;
        match item.payload {
            Payload::KeyData(kd) => {
                kv.get_or_insert(kd.kv);
                match kd.key_type {
                    KeyType::Tgk | KeyType::TgkSalt if tgk.is_none() => {
                        tgk = Some((kd.key, kd.salt));
                    }
                    KeyType::Tek | KeyType::TekSalt => {
                        teks.push((kd.key, kd.salt)).map_err(|_| KmError::KeyData)?;
                    }
                    _ => return Err(KmError::KeyData),
                }
            }
            Payload::Id(i) if id.is_none() => id = Some(i),
            _ => return Err(KmError::KeyData),
        }
    }
    let keying = if let Some((tgk, salt)) = tgk {
        if tgk.is_empty() || tgk.len() > MAX_TGK {
            return Err(KmError::KeyData);
        }
        Keying::Tgk { tgk, salt }
    } else if !teks.is_empty() {
        Keying::Teks(teks)
    } else {
        return Err(KmError::KeyData);
    };
    Ok(FoundKeys {
        keying,
        kv: kv.unwrap_or(KeyValidity::Null),
        id,
    })
}

/// Writes `HDR, T, RAND, [IDi], [IDr], {SP}, KEMAC` with the MAC over the message: the
/// sub-payload chain `room[..n]` is encrypted with `encr` straight into the KEMAC's Encr
/// data field in `out` (no second buffer: the Encr data is written first as the bytes of
/// `room`, which has space for AES-KW's 8 more, then overwritten; on any error before
/// that, what was written of the KEMAC is wiped), then the MAC is filled.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_kemac_message<S: Symmetric + ?Sized>(
    s: &S,
    out: &mut [u8],
    header: &CommonHeader<'_>,
    offer: &Offer<'_>,
    rand: Option<&[u8]>,
    room: &[u8],
    n: usize,
    encr: EncrAlg,
    keys: &KemacKeys,
) -> Result<usize, KmError> {
    let zero = [0u8; 32];
    let mac_len = offer.mac.mac_len().ok_or(KmError::MacRefused(offer.mac))?;
    let mac = zero
        .get(..mac_len)
        .ok_or(KmError::BufferTooSmall { needed: mac_len })?;
    let (key_data, _) = room.split_at_checked(n).ok_or(KmError::KeyData)?;
    let enc_len = protect::kemac_encrypted_len(encr, n);
    let stand_in = room.get(..enc_len).ok_or(KmError::KeyData)?;
    // Written straight into `out`: no payload list and no store of SP payloads on the
    // stack, each SP payload's parameters made as it is written.
    let mut w = MessageWriter::new(out, header);
    push_prefix(&mut w, offer.t, rand, offer.id_i, offer.id_r)?;
    for (no, policy) in offer.policies {
        w.push_body(&SrtpPolicy::to_sp(*no, &policy.sp_wire()));
    }
    let kemac_at = w.position();
    w.push_body(&Kemac {
        encr_alg: encr,
        encr_data: stand_in,
        mac_alg: offer.mac,
        mac,
    });
    let len = match w.finish() {
        Ok(len) => len,
        Err(e) => {
            // The stand-in may be in `out` though the whole message did not fit.
            if let Some(tail) = out.get_mut(kemac_at..) {
                zeroize::Zeroize::zeroize(tail);
            }
            return Err(e.into());
        }
    };
    // The KEMAC is the last payload: its Encr data ends before the Mac alg byte and MAC
    // (RFC 3830 §6.2).
    let end = len
        .checked_sub(mac_len + 1)
        .ok_or(KmError::BufferTooSmall { needed: mac_len })?;
    let dst = out
        .get_mut(end.saturating_sub(enc_len)..end)
        .ok_or(KmError::BufferTooSmall { needed: len })?;
    if let Err(e) = protect::kemac_encrypt_to(s, encr, keys, offer.csb_id, &offer.t, key_data, dst)
    {
        zeroize::Zeroize::zeroize(dst);
        return Err(e);
    }
    fill_kemac_mac(
        s,
        out,
        len,
        offer.mac,
        keys.auth.expose(),
        KemacScope::Message,
    )?;
    Ok(len)
}

/// Computes and writes the KEMAC MAC of `out[..n]` over what `scope` names.
///
/// With [`KemacScope::Message`] the KEMAC is the message's last payload (RFC 3830 §3.1,
/// RFC 4650 §3: the writers put it there), so the MAC is the last `mac_len` bytes and
/// covers all before it: nothing is parsed. [`KemacScope::Payload`] (PK, RSA-R) finds the
/// KEMAC by parsing the message written.
pub(crate) fn fill_kemac_mac<S: Symmetric + ?Sized>(
    s: &S,
    out: &mut [u8],
    n: usize,
    alg: MacAlg,
    key: &[u8],
    scope: KemacScope,
) -> Result<(), KmError> {
    if alg == MacAlg::Null {
        // MIKEY-NULL senders (RTSPS peers): nothing to fill; no receiver here accepts it.
        return Ok(());
    }
    let mac_len = alg.mac_len().ok_or(KmError::MacRefused(alg))?;
    let msg = out
        .get_mut(..n)
        .ok_or(KmError::BufferTooSmall { needed: n })?;
    let (range, d) = match scope {
        KemacScope::Message => {
            let start = n
                .checked_sub(mac_len)
                .ok_or(KmError::BufferTooSmall { needed: mac_len })?;
            let (covered, _) = msg.split_at(start);
            (start..n, protect::mac(s, alg, key, &[covered])?)
        }
        KemacScope::Payload => {
            let m = Message::parse(&*msg)?;
            let cov = m
                .kemac_covered()
                .ok_or_else(|| crate::error::missing(&m, crate::wire::PayloadType::Kemac))?;
            (
                cov.mac.clone(),
                protect::mac(s, alg, key, &cov.input(scope))?,
            )
        }
    };
    let len = range.len();
    let end = range.end;
    msg.get_mut(range)
        .ok_or(KmError::BufferTooSmall { needed: end })?
        .copy_from_slice(
            d.as_bytes()
                .get(..len)
                .ok_or(KmError::BufferTooSmall { needed: len })?,
        );
    Ok(())
}
