//! Common header payload (HDR, RFC 3830 §6.1; data types, PRF func and the GENERIC-ID map
//! from RFC 6043 §6.1; data types of RFC 4650, RFC 4738 and RFC 6509).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !  version      !  data type    ! next payload  !V! PRF func    !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !                         CSB ID                                !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! #CS           ! CS ID map type! CS ID map info                ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!
//! SRTP-ID map info, #CS times:   Policy_no (8) | SSRC (32) | ROC (32)
//! GENERIC-ID map info, #CS times (RFC 6043 §6.1.1):
//!   CS ID (8) | Prot type (8) | S (1) #P (7) | Ps (#P bytes) |
//!   Session Data Length (16) | Session Data | SPI Length (8) | SPI
//! Empty map info: nothing.
//! ```

use keying_tlv::{NextPayload, Reader, Result, WriteError, Writer, wire_enum};

use crate::error::what;
use crate::wire::list::{List, WireItem};
use crate::wire::sp::ProtType;
use crate::wire::{check_bits, read_len8, read_len16, unknown, write_len};

#[allow(dead_code)]
mod field {
    pub const VERSION: usize = 0;
    pub const DATA_TYPE: usize = 1;
    pub const NEXT: usize = 2;
    pub const V_PRF: usize = 3;
    pub const CSB_ID: core::ops::Range<usize> = 4..8;
    pub const N_CS: usize = 8;
    pub const MAP_TYPE: usize = 9;
    pub const MAP_INFO: usize = 10;
}

/// Length of the header without map info.
pub const MIN_LEN: usize = field::MAP_INFO;

/// The only MIKEY version (RFC 3830 §6.1).
pub const VERSION: u8 = 1;

wire_enum! {
    /// Data type (RFC 3830 §6.1 Table 6.1.a; 7-8 RFC 4650 §4.1; 9-10 RFC 4738 §3.9.1;
    /// 11-18 RFC 6043 §6.1 Table 6.1; 26 RFC 6509 §4.1).
    pub enum DataType: u8 {
        /// Initiator's pre-shared key message.
        PskInit = 0,
        /// Verification message of a pre-shared key message.
        PskResp = 1,
        /// Initiator's public-key transport message.
        PkInit = 2,
        /// Verification message of a public-key message.
        PkResp = 3,
        /// Initiator's DH exchange message.
        DhInit = 4,
        /// Responder's DH exchange message.
        DhResp = 5,
        /// Error message.
        Error = 6,
        /// DHHMAC initiator message (RFC 4650).
        DhHmacInit = 7,
        /// DHHMAC responder message (RFC 4650).
        DhHmacResp = 8,
        /// RSA-R I_MESSAGE (RFC 4738).
        RsaRInit = 9,
        /// RSA-R R_MESSAGE (RFC 4738).
        RsaRResp = 10,
        /// Ticket request initial message, PSK (RFC 6043).
        RequestInitPsk = 11,
        /// Ticket request initial message, PK (RFC 6043).
        RequestInitPk = 12,
        /// Ticket request response message (RFC 6043).
        RequestResp = 13,
        /// Ticket transfer initial message (RFC 6043).
        TransferInit = 14,
        /// Ticket transfer response message (RFC 6043).
        TransferResp = 15,
        /// Ticket resolve initial message, PSK (RFC 6043).
        ResolveInitPsk = 16,
        /// Ticket resolve initial message, PK (RFC 6043).
        ResolveInitPk = 17,
        /// Ticket resolve response message (RFC 6043).
        ResolveResp = 18,
        /// SAKKE message (RFC 6509).
        Sakke = 26,
    }
}

impl DataType {
    /// Whether this is one of the RFC 6043 (MIKEY-TICKET) data types.
    pub const fn is_ticket(self) -> bool {
        matches!(self.to_wire(), 11..=18)
    }
}

wire_enum! {
    /// PRF func (RFC 3830 §6.1 Table 6.1.b; RFC 6043 §6.1 Table 6.3), 7 bits.
    pub enum PrfFunc: u8 {
        /// MIKEY-1 (HMAC-SHA-1 based).
        Mikey1 = 0,
        /// PRF-HMAC-SHA-256 (RFC 6043).
        HmacSha256 = 1,
    }
}

wire_enum! {
    /// CS ID map type (RFC 3830 §6.1 Table 6.1.d; GENERIC-ID from RFC 6043 §6.1
    /// Table 6.4; Empty map as registered with IANA and used by 3GPP MIKEY-SAKKE).
    pub enum CsIdMapType: u8 {
        /// SRTP-ID.
        SrtpId = 0,
        /// Empty map: no map info.
        Empty = 1,
        /// GENERIC-ID (RFC 6043).
        GenericId = 2,
    }
}

/// One SRTP-ID map entry (RFC 3830 §6.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SrtpCs {
    /// The SP payload's Policy no for this crypto session.
    pub policy_no: u8,
    /// The stream's SSRC (0 if not yet known to the Initiator).
    pub ssrc: u32,
    /// The stream's rollover counter.
    pub roc: u32,
}

impl WireItem<'_> for SrtpCs {
    #[inline(always)]
    fn read(r: &mut Reader<'_>) -> Result<Self> {
        // The 9-byte entry in one read.
        let [policy_no, s0, s1, s2, s3, r0, r1, r2, r3] = r.array("SRTP-ID entry")?;
        Ok(Self {
            policy_no,
            ssrc: u32::from_be_bytes([s0, s1, s2, s3]),
            roc: u32::from_be_bytes([r0, r1, r2, r3]),
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.policy_no);
        w.u32(self.ssrc);
        w.u32(self.roc);
    }
}

/// One GENERIC-ID map entry (RFC 6043 §6.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenericCs<'a> {
    /// CS ID of the crypto session.
    pub cs_id: u8,
    /// Security protocol.
    pub prot_type: ProtType,
    /// S flag (for SRTP: ROC and SEQ present in the session data).
    pub s: bool,
    /// Policy numbers (#P of them, at most 127).
    pub policies: &'a [u8],
    /// Session data (for SRTP see [`GenericCs::srtp_session`]).
    pub session_data: &'a [u8],
    /// SPI / MKI.
    pub spi: &'a [u8],
}

/// SRTP session data of a GENERIC-ID entry (RFC 6043 §6.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SrtpSessionData {
    /// SSRC.
    pub ssrc: u32,
    /// ROC and SEQ, present when S is set.
    pub roc_seq: Option<(u32, u16)>,
}

impl GenericCs<'_> {
    /// The SRTP session data, when Prot type is SRTP and the data has the shape S says.
    pub fn srtp_session(&self) -> Option<SrtpSessionData> {
        if self.prot_type != ProtType::Srtp {
            return None;
        }
        let mut r = Reader::new(self.session_data);
        let ssrc = r.u32("SSRC").ok()?;
        let roc_seq = if self.s {
            Some((r.u32("ROC").ok()?, r.u16("SEQ").ok()?))
        } else {
            None
        };
        r.finish("session data").ok()?;
        Some(SrtpSessionData { ssrc, roc_seq })
    }
}

impl<'a> WireItem<'a> for GenericCs<'a> {
    #[inline]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        // CS ID, Prot type and S / #P in one read.
        let [cs_id, prot_type, sp] = r.array("GENERIC-ID entry")?;
        let prot_type = ProtType::from(prot_type);
        let policies = r.bytes(usize::from(sp & 0x7f), "GENERIC-ID Ps")?;
        let session_data = read_len16(r, "GENERIC-ID Session Data")?;
        let spi = read_len8(r, "GENERIC-ID SPI")?;
        Ok(Self {
            cs_id,
            prot_type,
            s: sp & 0x80 != 0,
            policies,
            session_data,
            spi,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.cs_id);
        w.u8(self.prot_type.to_wire());
        let n = u8::try_from(self.policies.len()).unwrap_or(u8::MAX);
        let n = check_bits(w, n, 7, "GENERIC-ID #P");
        w.u8((u8::from(self.s) << 7) | (n & 0x7f));
        w.bytes(self.policies);
        write_len(
            w,
            self.session_data.len(),
            2,
            "GENERIC-ID Session Data Length",
        );
        w.bytes(self.session_data);
        write_len(w, self.spi.len(), 1, "GENERIC-ID SPI Length");
        w.bytes(self.spi);
    }
}

/// The CS ID map (map type, #CS and map info).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsIdMap<'a> {
    /// SRTP-ID map (RFC 3830 §6.1.1); #CS is the number of entries.
    SrtpId(List<'a, SrtpCs>),
    /// Empty map: no map info, #CS carried as is (0 in 3GPP MIKEY-SAKKE).
    Empty {
        /// #CS.
        n_cs: u8,
    },
    /// GENERIC-ID map (RFC 6043 §6.1.1); #CS is the number of entries.
    GenericId(List<'a, GenericCs<'a>>),
}

impl CsIdMap<'_> {
    /// The map type.
    pub fn map_type(&self) -> CsIdMapType {
        match self {
            Self::SrtpId(_) => CsIdMapType::SrtpId,
            Self::Empty { .. } => CsIdMapType::Empty,
            Self::GenericId(_) => CsIdMapType::GenericId,
        }
    }

    /// #CS: the number of crypto sessions.
    pub fn n_cs(&self) -> usize {
        match self {
            Self::SrtpId(l) => l.len(),
            Self::Empty { n_cs } => usize::from(*n_cs),
            Self::GenericId(l) => l.len(),
        }
    }
}

/// Common header payload (HDR, RFC 3830 §6.1). Version is always 1; the next payload
/// field is owned by the message ([`crate::Message`], [`crate::MessageWriter`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommonHeader<'a> {
    /// Message type.
    pub data_type: DataType,
    /// V flag: a verification (response) message is requested.
    pub v: bool,
    /// PRF used for key derivation (7 bits).
    pub prf_func: PrfFunc,
    /// Crypto session bundle ID.
    pub csb_id: u32,
    /// The CS ID map.
    pub cs_id_map: CsIdMap<'a>,
}

impl<'a> CommonHeader<'a> {
    /// Reads the header; returns it and the type of the first payload.
    #[inline]
    pub fn read(r: &mut Reader<'a>) -> Result<(Self, u8)> {
        let at = r.offset();
        // The fixed part, version to CS ID map type, in one read: one bounds check.
        let [
            version,
            data_type,
            next,
            v_prf,
            c0,
            c1,
            c2,
            c3,
            n_cs,
            map_type,
        ] = r.array::<10>("HDR")?;
        if version != VERSION {
            return Err(keying_tlv::Error::new(
                at,
                what::VERSION,
                keying_tlv::ErrorKind::InvalidValue {
                    value: u32::from(version),
                },
            ));
        }
        let data_type = DataType::from(data_type);
        let csb_id = u32::from_be_bytes([c0, c1, c2, c3]);
        let map_at = r.offset() - 1;
        let map_type = CsIdMapType::from(map_type);
        let n = Some(usize::from(n_cs));
        let cs_id_map = match map_type {
            CsIdMapType::SrtpId => CsIdMap::SrtpId(List::read(r, n)?),
            CsIdMapType::Empty => CsIdMap::Empty { n_cs },
            CsIdMapType::GenericId => CsIdMap::GenericId(List::read(r, n)?),
            CsIdMapType::Unknown(t) => return Err(unknown(map_at, what::MAP_TYPE, u16::from(t))),
        };
        Ok((
            Self {
                data_type,
                v: v_prf & 0x80 != 0,
                prf_func: PrfFunc::from(v_prf & 0x7f),
                csb_id,
                cs_id_map,
            },
            next,
        ))
    }

    /// Writes the header; returns its next payload slot (initially 0, "Last payload").
    pub fn write(&self, w: &mut Writer<'_>) -> NextPayload {
        w.u8(VERSION);
        w.u8(self.data_type.to_wire());
        let next = w.next_payload();
        let prf = check_bits(w, self.prf_func.to_wire(), 7, "HDR PRF func");
        w.u8((u8::from(self.v) << 7) | (prf & 0x7f));
        w.u32(self.csb_id);
        let n_cs = self.cs_id_map.n_cs();
        match u8::try_from(n_cs) {
            Ok(n) => w.u8(n),
            Err(_) => {
                w.fail(WriteError::TooLong {
                    field: "HDR #CS",
                    value: n_cs,
                });
                w.u8(0);
            }
        }
        w.u8(self.cs_id_map.map_type().to_wire());
        match &self.cs_id_map {
            CsIdMap::SrtpId(l) => l.write(w),
            CsIdMap::Empty { .. } => {}
            CsIdMap::GenericId(l) => l.write(w),
        }
        next
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    use keying_tlv::ErrorKind;

    fn roundtrip(bytes: &[u8], expected: CommonHeader<'_>, next: u8) {
        let mut r = Reader::new(bytes);
        let (h, n) = CommonHeader::read(&mut r).unwrap();
        assert!(r.is_empty());
        assert_eq!(h, expected);
        assert_eq!(n, next);
        let mut buf = [0x2a; 600];
        let mut w = Writer::new(&mut buf);
        let slot = expected.write(&mut w);
        w.set_next(slot, next);
        let len = w.finish().unwrap();
        assert_eq!(&buf[..len], bytes);
        for cut in 0..bytes.len() {
            let mut r = Reader::new(&bytes[..cut]);
            let e = CommonHeader::read(&mut r).unwrap_err();
            assert!(matches!(e.kind, ErrorKind::Truncated { .. }), "{e:?}");
        }
    }

    #[test]
    fn gstreamer_unit_test_headers() {
        // The headers of GStreamer 1.22's unit test tests/check/libs/mikey.c.
        let h = CommonHeader {
            data_type: DataType::PskInit,
            v: false,
            prf_func: PrfFunc::Mikey1,
            csb_id: 0x1234_5678,
            cs_id_map: CsIdMap::SrtpId(List::Items(&[])),
        };
        roundtrip(&hex_literal::hex!("01 00 00 00 12345678 00 00"), h, 0);
        let cs = [
            SrtpCs {
                policy_no: 1,
                ssrc: 0x1234_5678,
                roc: 0,
            },
            SrtpCs {
                policy_no: 2,
                ssrc: 0x2345_6789,
                roc: 1,
            },
        ];
        let h2 = CommonHeader {
            cs_id_map: CsIdMap::SrtpId(List::Items(&cs)),
            ..h
        };
        roundtrip(
            &hex_literal::hex!(
                "01 00 00 00 12345678 02 00 01 12345678 00000000 02 23456789 00000001"
            ),
            h2,
            0,
        );
    }

    #[test]
    fn generic_id_and_empty_maps() {
        // Streamwide CSK message header: SAKKE, PRF 1, GENERIC-ID with one CS.
        let cs = [GenericCs {
            cs_id: 6,
            prot_type: ProtType::Srtp,
            s: false,
            policies: &[0],
            session_data: &[],
            spi: &hex_literal::hex!("2ddd5bf0"),
        }];
        let h = CommonHeader {
            data_type: DataType::Sakke,
            v: false,
            prf_func: PrfFunc::HmacSha256,
            csb_id: 0x2ddd_5bf0,
            cs_id_map: CsIdMap::GenericId(List::Items(&cs)),
        };
        roundtrip(
            &hex_literal::hex!("01 1a 05 01 2ddd5bf0 01 02 06 00 01 00 0000 04 2ddd5bf0"),
            h,
            5,
        );
        assert_eq!(cs[0].srtp_session(), None);
        let with_ssrc = GenericCs {
            s: true,
            session_data: &hex_literal::hex!("deadbeef 00000007 0102"),
            ..cs[0]
        };
        assert_eq!(
            with_ssrc.srtp_session(),
            Some(SrtpSessionData {
                ssrc: 0xdead_beef,
                roc_seq: Some((7, 0x0102))
            })
        );
        let h = CommonHeader {
            data_type: DataType::Sakke,
            v: true,
            prf_func: PrfFunc::HmacSha256,
            csb_id: 0x1699_2638,
            cs_id_map: CsIdMap::Empty { n_cs: 0 },
        };
        roundtrip(&hex_literal::hex!("01 1a 05 81 16992638 00 01"), h, 5);
    }

    #[test]
    fn bad_version_and_map_type() {
        let mut r = Reader::new(&[2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let e = CommonHeader::read(&mut r).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidValue { value: 2 });
        let mut r = Reader::new(&[1, 0, 0, 0, 0, 0, 0, 0, 0, 7]);
        let e = CommonHeader::read(&mut r).unwrap_err();
        assert_eq!((e.offset, e.kind), (9, ErrorKind::UnknownType { value: 7 }));
    }
}
