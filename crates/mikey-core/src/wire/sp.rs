//! Security policy payload (SP, RFC 3830 §6.10) and the SRTP policy parameters
//! (RFC 3830 §6.10.1; type 13 from RFC 4771, type 20 from RFC 7714).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next payload  ! Policy no     ! Prot type     ! Policy param  ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ~ length (cont) ! Policy param                                  ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!
//! Policy param:  Type (8) | Length (8) | Value (Length)
//! ```

use keying_tlv::{Reader, Result, Writer, wire_enum};

use crate::error::what;
use crate::wire::list::{List, WireItem};
use crate::wire::{PayloadType, write_len};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const POLICY_NO: usize = 1;
    pub const PROT_TYPE: usize = 2;
    pub const PARAM_LEN: core::ops::Range<usize> = 3..5;
    pub const PARAMS: usize = 5;
}

wire_enum! {
    /// Prot type (RFC 3830 §6.10 Table 6.10; TESLA from RFC 4442).
    pub enum ProtType: u8 {
        /// SRTP.
        Srtp = 0,
        /// TESLA (RFC 4442).
        Tesla = 1,
    }
}

wire_enum! {
    /// SRTP policy parameter types (RFC 3830 §6.10.1 Table 6.10.1.a; 13 from RFC 4771
    /// §5; 20 from RFC 7714 §14.2). 3GPP MCX messages also carry 18 and 19, whose
    /// meaning no specification available to us defines; they stay `Unknown` and
    /// round-trip.
    pub enum SrtpParamType: u8 {
        /// Encryption algorithm ([`SrtpEncrAlg`]).
        EncrAlg = 0,
        /// Session encryption key length (bytes).
        SessionEncrKeyLen = 1,
        /// Authentication algorithm ([`SrtpAuthAlg`]).
        AuthAlg = 2,
        /// Session authentication key length (bytes; 20 for HMAC-SHA-1).
        SessionAuthKeyLen = 3,
        /// Session salt key length (bytes).
        SessionSaltKeyLen = 4,
        /// SRTP pseudo-random function (0 = AES-CM).
        SrtpPrf = 5,
        /// Key derivation rate.
        KeyDerivationRate = 6,
        /// SRTP encryption off (0) / on (1).
        SrtpEncryption = 7,
        /// SRTCP encryption off (0) / on (1).
        SrtcpEncryption = 8,
        /// Sender's FEC order (0 = FEC then SRTP).
        FecOrder = 9,
        /// SRTP authentication off (0) / on (1).
        SrtpAuthentication = 10,
        /// Authentication tag length (bytes; 10 for _80, 4 for _32).
        AuthTagLen = 11,
        /// SRTP prefix length (bytes).
        SrtpPrefixLen = 12,
        /// ROC transmission rate (RFC 4771).
        RocTransmissionRate = 13,
        /// AEAD authentication tag length (bytes, RFC 7714).
        AeadAuthTagLen = 20,
    }
}

wire_enum! {
    /// SRTP encryption algorithm values (RFC 3830 §6.10.1 Table 6.10.1.b; AES-GCM as sent
    /// by GStreamer ≥ 1.16 and 3GPP).
    pub enum SrtpEncrAlg: u8 {
        /// NULL.
        Null = 0,
        /// AES-CM.
        AesCm = 1,
        /// AES-F8.
        AesF8 = 2,
        /// AES-GCM (RFC 7714 usage).
        AesGcm = 6,
    }
}

wire_enum! {
    /// SRTP authentication algorithm values (RFC 3830 §6.10.1 Table 6.10.1.c; RCCm1-3 from
    /// RFC 4771).
    pub enum SrtpAuthAlg: u8 {
        /// NULL.
        Null = 0,
        /// HMAC-SHA-1.
        HmacSha1 = 1,
        /// RCCm1 (RFC 4771).
        Rccm1 = 2,
        /// RCCm2 (RFC 4771).
        Rccm2 = 3,
        /// RCCm3 (RFC 4771).
        Rccm3 = 4,
    }
}

/// One policy parameter: `Type | Length | Value`. The meaning of `kind` depends on the
/// SP's Prot type ([`SrtpParamType`] for SRTP).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpParam<'a> {
    /// Parameter type.
    pub kind: u8,
    /// Parameter value.
    pub value: &'a [u8],
}

impl<'a> SpParam<'a> {
    /// The type as an SRTP parameter type.
    pub fn srtp_type(&self) -> SrtpParamType {
        SrtpParamType::from(self.kind)
    }

    /// The value as a big-endian unsigned integer (1 to 8 bytes), e.g. a key derivation
    /// rate sent in 1, 2, 4 or 8 bytes.
    pub fn uint(&self) -> Option<u64> {
        if self.value.is_empty() || self.value.len() > 8 {
            return None;
        }
        Some(
            self.value
                .iter()
                .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
        )
    }
}

impl<'a> WireItem<'a> for SpParam<'a> {
    #[inline(always)]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let kind = r.u8(what::SP_PARAM)?;
        let len = usize::from(r.u8(what::SP_PARAM)?);
        let value = r.bytes(len, what::SP_PARAM)?;
        Ok(Self { kind, value })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.kind);
        write_len(w, self.value.len(), 1, "SP policy param length");
        w.bytes(self.value);
    }
}

/// Security policy payload (SP, RFC 3830 §6.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sp<'a> {
    /// Policy number, referenced from the CS ID map.
    pub policy_no: u8,
    /// Security protocol.
    pub prot_type: ProtType,
    /// Parameters, in wire order.
    pub params: List<'a, SpParam<'a>>,
}

impl<'a> Sp<'a> {
    /// The first parameter of SRTP type `t`.
    pub fn srtp_param(&self, t: SrtpParamType) -> Option<SpParam<'a>> {
        self.params.iter().find(|p| p.srtp_type() == t)
    }

    /// The SRTP authentication tag length in bytes, accepting the common deviation: RFC
    /// 3830 puts it in type 11; GStreamer-style peers (and gortsplib before its #827 fix)
    /// put 4 or 10 in type 3 ("session auth. key length", 20 per the RFC) and omit 11.
    pub fn srtp_auth_tag_len(&self) -> Option<u64> {
        if let Some(p) = self.srtp_param(SrtpParamType::AuthTagLen) {
            return p.uint();
        }
        self.srtp_param(SrtpParamType::SessionAuthKeyLen)
            .and_then(|p| p.uint())
            .filter(|&v| v == 4 || v == 10)
    }
}

impl<'a> Codec<'a> for Sp<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Sp;
    type Error = keying_tlv::Error;

    #[inline]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        // Policy no, Prot type and Policy param length in one read.
        let [policy_no, prot_type, l0, l1] = r.array("SP")?;
        let prot_type = ProtType::from(prot_type);
        let len = usize::from(u16::from_be_bytes([l0, l1]));
        let mut params = r.sub(len, what::SP_PARAM)?;
        let params = List::read(&mut params, None)?;
        Ok(Self {
            policy_no,
            prot_type,
            params,
        })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.policy_no);
        w.u8(self.prot_type.to_wire());
        let len = w.open_len_after(2, "SP Policy param length");
        self.params.write(w);
        w.close_len(len);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::wire::Framed;
    use crate::wire::tests::check_payload;

    #[test]
    fn capture_g1_sp() {
        let bytes = hex_literal::hex!("01 00 00 000f 000101 010110 020101 030114 04010e");
        let params = [
            SpParam {
                kind: 0,
                value: &[1],
            },
            SpParam {
                kind: 1,
                value: &[16],
            },
            SpParam {
                kind: 2,
                value: &[1],
            },
            SpParam {
                kind: 3,
                value: &[20],
            },
            SpParam {
                kind: 4,
                value: &[14],
            },
        ];
        let p = Sp {
            policy_no: 0,
            prot_type: ProtType::Srtp,
            params: List::Items(&params),
        };
        check_payload(&bytes, p, PayloadType::Kemac);
        let (parsed, _) = Sp::parse(&bytes).unwrap();
        assert_eq!(parsed.params.len(), 5);
        assert!(matches!(parsed.params, List::Wire(_)));
        assert_eq!(
            parsed
                .srtp_param(SrtpParamType::SessionSaltKeyLen)
                .unwrap()
                .uint(),
            Some(14)
        );
        // No type 11 and type 3 = 20: no tag length from the deviation.
        assert_eq!(parsed.srtp_auth_tag_len(), None);
    }

    #[test]
    fn param_overrunning_the_policy_length_is_an_error() {
        let bytes = hex_literal::hex!("00 00 00 0003 000201");
        assert!(Sp::parse(&bytes).is_err());
    }
}
