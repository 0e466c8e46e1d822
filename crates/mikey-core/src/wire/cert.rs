//! Certificate payload (CERT, RFC 3830 §6.7).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ! Next Payload  !   Cert Type   !           Cert len            !
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! !                         Certificate                           ~
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```

use keying_tlv::{Reader, Result, Writer, wire_enum};

use crate::error::what;
use crate::wire::{PayloadType, read_len16, write_len};
use keying_tlv::Codec;

#[allow(dead_code)]
mod field {
    pub const NEXT: usize = 0;
    pub const CERT_TYPE: usize = 1;
    pub const CERT_LEN: core::ops::Range<usize> = 2..4;
    pub const CERT: usize = 4;
}

wire_enum! {
    /// Cert type (RFC 3830 §6.7 Table 6.7.b).
    pub enum CertType: u8 {
        /// X.509v3 (DER).
        X509v3 = 0,
        /// X.509v3 URL (the default in RSA-R, RFC 4738 §3.8).
        X509v3Url = 1,
        /// X.509v3 signature certificate.
        X509v3Sign = 2,
        /// X.509v3 encryption certificate.
        X509v3Encr = 3,
    }
}

/// Certificate payload (CERT, RFC 3830 §6.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cert<'a> {
    /// Cert type.
    pub cert_type: CertType,
    /// The certificate (DER) or URL.
    pub data: &'a [u8],
}

impl<'a> Codec<'a> for Cert<'a> {
    type Kind = PayloadType;
    const KIND: PayloadType = PayloadType::Cert;
    type Error = keying_tlv::Error;

    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let cert_type = CertType::from(r.u8(what::CERT_TYPE)?);
        let data = read_len16(r, "Certificate")?;
        Ok(Self { cert_type, data })
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.u8(self.cert_type.to_wire());
        write_len(w, self.data.len(), 2, "Cert len");
        w.bytes(self.data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::wire::tests::check_payload;

    #[test]
    fn url_cert() {
        let bytes = b"\x04\x01\x00\x13http://a.example/c1";
        let c = Cert {
            cert_type: CertType::X509v3Url,
            data: b"http://a.example/c1",
        };
        check_payload(bytes, c, PayloadType::Sign);
    }
}
