//! What an Initiator offers: the crypto session bundle, its SRTP policies, algorithms,
//! identities and timestamp; and the shared I_MESSAGE prefix `HDR, T, RAND, [IDi],
//! [IDr], {SP}` (RFC 3830 §3).

use crate::error::KmError;
use crate::srtp::{MAX_CS, SP_WIRE_LEN, SrtpPolicy};
use crate::wire::header::{CommonHeader, CsIdMap, DataType, PrfFunc, SrtpCs};
use crate::wire::id::Id;
use crate::wire::kemac::{EncrAlg, MacAlg};
use crate::wire::list::List;
use crate::wire::message::MessageWriter;
use crate::wire::rand::Rand;
use crate::wire::sp::Sp;
use crate::wire::timestamp::Timestamp;
use crate::wire::{Framed, Payload};

/// Most payloads an I_MESSAGE built here holds.
pub(crate) const MAX_PAYLOADS: usize = 24;

/// An Initiator's offer.
#[derive(Debug, Clone, Copy)]
pub struct Offer<'a> {
    /// CSB ID (random per bundle; the caller picks it, e.g. from its RNG).
    pub csb_id: u32,
    /// The crypto sessions: SRTP-ID map entries (policy no, SSRC, ROC). CS IDs are their
    /// 1-based positions.
    pub streams: &'a [SrtpCs],
    /// SP payloads to send: (policy no, policy). A stream whose policy no has no SP uses
    /// [`SrtpPolicy::DEFAULT`].
    pub policies: &'a [(u8, SrtpPolicy)],
    /// PRF func.
    pub prf: PrfFunc,
    /// KEMAC Encr alg (ignored by DHHMAC, which carries no key data).
    pub encr: EncrAlg,
    /// KEMAC / V MAC alg.
    pub mac: MacAlg,
    /// The Initiator's identity, sent as IDi.
    pub id_i: Option<Id<'a>>,
    /// The Responder's identity, sent as IDr.
    pub id_r: Option<Id<'a>>,
    /// MKI sent as the key data's KV SPI (empty: KV NULL).
    pub mki: &'a [u8],
    /// TGK length to generate (PSK / PK); DH modes ignore it.
    pub tgk_len: usize,
    /// Request a verification message (V flag; PSK and PK).
    pub verification: bool,
    /// The timestamp: NTP-UTC from the caller's clock, or the next COUNTER value. Must be
    /// unique per Initiator (RFC 3830 §5.4).
    pub t: Timestamp,
    /// RAND length (at least 16 bytes, RFC 3830 §6.11).
    pub rand_len: usize,
}

impl<'a> Offer<'a> {
    /// An offer with MIKEY-1, AES-CM-128, HMAC-SHA-1-160, a 16-byte TGK, 16-byte RAND.
    pub fn new(csb_id: u32, streams: &'a [SrtpCs], t: Timestamp) -> Self {
        Self {
            csb_id,
            streams,
            policies: &[],
            prf: PrfFunc::Mikey1,
            encr: EncrAlg::AesCm128,
            mac: MacAlg::HmacSha1_160,
            id_i: None,
            id_r: None,
            mki: &[],
            tgk_len: 16,
            verification: false,
            t,
            rand_len: 16,
        }
    }

    /// The HDR for `data_type`.
    pub(crate) fn header(&self, data_type: DataType, v: bool) -> CommonHeader<'a> {
        CommonHeader {
            data_type,
            v,
            prf_func: self.prf,
            csb_id: self.csb_id,
            cs_id_map: CsIdMap::SrtpId(List::Items(self.streams)),
        }
    }

    /// A fresh RAND of the offered length, in `buf`.
    pub(crate) fn fresh_rand<'b>(
        &self,
        buf: &'b mut [u8; crate::policy::MAX_RAND],
        rng: &mut dyn keying_crypto::Rng,
    ) -> Result<&'b [u8], KmError> {
        let rand = buf
            .get_mut(..self.rand_len)
            .ok_or(KmError::BufferTooSmall {
                needed: self.rand_len,
            })?;
        rng.fill_bytes(rand).map_err(KmError::Crypto)?;
        Ok(rand)
    }

    pub(crate) fn check(&self) -> Result<(), KmError> {
        if self.streams.len() > MAX_CS
            || self.policies.len() > MAX_CS
            || !(16..=crate::policy::MAX_RAND).contains(&self.rand_len)
        {
            return Err(KmError::InvalidArgument(
                "offer: more than MAX_CS streams or policies, or RAND length outside 16..=MAX_RAND",
            ));
        }
        Ok(())
    }
}

/// The SP payloads of an offer's policies, kept as wire bytes (no parameter arrays built
/// per message).
pub(crate) struct SpStore {
    values: heapless::Vec<(u8, [u8; SP_WIRE_LEN]), MAX_CS>,
}

impl SpStore {
    pub(crate) fn new(policies: &[(u8, SrtpPolicy)]) -> Self {
        let mut values = heapless::Vec::new();
        for (no, p) in policies {
            let _ = values.push((*no, p.sp_wire()));
        }
        Self { values }
    }

    /// The SP payloads, in the order of the policies.
    pub(crate) fn sps(&self) -> impl Iterator<Item = Sp<'_>> + '_ {
        self.values
            .iter()
            .map(|(no, wire)| SrtpPolicy::to_sp(*no, wire))
    }
}

/// Where [`push_prefix`] puts payloads: a payload list (for messages that are signed or
/// carry more payloads after these), or straight into a [`MessageWriter`].
pub(crate) trait PayloadSink<'p> {
    /// Appends `p`, given as its own type: a message writer then links only the writers
    /// of the payload types it is given, not every type's through [`Payload`].
    fn put<P: Framed<'p> + Into<Payload<'p>>>(&mut self, p: P) -> Result<(), KmError>;
}

impl<'p> PayloadSink<'p> for heapless::Vec<Payload<'p>, MAX_PAYLOADS> {
    fn put<P: Framed<'p> + Into<Payload<'p>>>(&mut self, p: P) -> Result<(), KmError> {
        self.push(p.into())
            .map_err(|_| KmError::InvalidArgument("more payloads than an I_MESSAGE holds"))
    }
}

impl<'p> PayloadSink<'p> for MessageWriter<'_> {
    fn put<P: Framed<'p> + Into<Payload<'p>>>(&mut self, p: P) -> Result<(), KmError> {
        self.push_body(&p);
        Ok(())
    }
}

/// Pushes `T, [RAND], [IDi], [IDr]` in RFC order (the SP payloads follow, after any CERT
/// and IDr a mode puts between: [`SpStore::sps`]).
pub(crate) fn push_prefix<'p>(
    out: &mut impl PayloadSink<'p>,
    t: Timestamp,
    rand: Option<&'p [u8]>,
    id_i: Option<Id<'p>>,
    id_r: Option<Id<'p>>,
) -> Result<(), KmError> {
    out.put(t)?;
    if let Some(r) = rand {
        out.put(Rand { rand: r })?;
    }
    if let Some(id) = id_i {
        out.put(id)?;
    }
    if let Some(id) = id_r {
        out.put(id)?;
    }
    Ok(())
}

/// What an Initiator keeps of its offer while waiting for the response.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    pub csb_id: u32,
    pub prf: PrfFunc,
    pub mac: MacAlg,
    pub t: Timestamp,
    pub streams: heapless::Vec<SrtpCs, MAX_CS>,
    pub policies: heapless::Vec<(u8, SrtpPolicy), MAX_CS>,
    pub rand: heapless::Vec<u8, { crate::policy::MAX_RAND }>,
    #[allow(dead_code)]
    pub id_i: Option<crate::protect::OwnedId>,
    #[allow(dead_code)]
    pub id_r: Option<crate::protect::OwnedId>,
}

impl Kept {
    pub(crate) fn new(offer: &Offer<'_>, rand: &[u8]) -> Result<Self, KmError> {
        let e = |_| {
            KmError::InvalidArgument("offer: RAND, ID or stream list longer than the role keeps")
        };
        Ok(Self {
            csb_id: offer.csb_id,
            prf: offer.prf,
            mac: offer.mac,
            t: offer.t,
            streams: heapless::Vec::from_slice(offer.streams).map_err(e)?,
            policies: heapless::Vec::from_slice(offer.policies).map_err(e)?,
            rand: heapless::Vec::from_slice(rand).map_err(e)?,
            id_i: offer
                .id_i
                .as_ref()
                .map(crate::protect::OwnedId::new)
                .transpose()?,
            id_r: offer
                .id_r
                .as_ref()
                .map(crate::protect::OwnedId::new)
                .transpose()?,
        })
    }

    /// The SAs of the offered bundle under `keying` (offered policies).
    pub(crate) fn sas<S: keying_crypto::Symmetric + ?Sized>(
        &self,
        s: &S,
        keying: &crate::srtp::Keying<'_>,
        rand: &[u8],
        kv: &crate::wire::key_data::KeyValidity<'_>,
        first_cs_id: u8,
    ) -> Result<crate::srtp::SrtpSas, KmError> {
        bundle_sas(
            s,
            &Bundle {
                prf: self.prf,
                streams: &self.streams,
                policies: &self.policies,
                keying,
                csb_id: self.csb_id,
                rand,
                kv,
                first_cs_id,
            },
        )
    }
}

/// A bundle whose SAs [`bundle_sas`] derives: the streams (SRTP-ID map) and their policies
/// (what is sent as SP), the keying, the CSB ID and RAND.
pub(crate) struct Bundle<'a> {
    pub prf: PrfFunc,
    pub streams: &'a [SrtpCs],
    pub policies: &'a [(u8, SrtpPolicy)],
    pub keying: &'a crate::srtp::Keying<'a>,
    pub csb_id: u32,
    pub rand: &'a [u8],
    pub kv: &'a crate::wire::key_data::KeyValidity<'a>,
    pub first_cs_id: u8,
}

/// The SAs of the bundle `b`.
pub(crate) fn bundle_sas<S: keying_crypto::Symmetric + ?Sized>(
    s: &S,
    b: &Bundle<'_>,
) -> Result<crate::srtp::SrtpSas, KmError> {
    let Bundle {
        prf,
        streams,
        policies,
        keying,
        csb_id,
        rand,
        kv,
        first_cs_id,
    } = *b;
    Ok(crate::srtp::build_sas(
        s,
        &crate::srtp::SaInputs {
            prf_func: prf,
            map: &CsIdMap::SrtpId(List::Items(streams)),
            policy_for: |no| SrtpPolicy::offered(policies, no),
            keying,
            csb_id,
            rand,
            kv,
            first_cs_id,
        },
    )?)
}
