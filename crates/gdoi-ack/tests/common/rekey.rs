//! GCKS-side helpers shared by the GM ↔ GCKS tests: the KEK keys, the GCKS signing key and
//! a PUSH builder.

use gdoi_ack::Time;
use gdoi_ack::gcks::{Built, Gcks, PushContent, Slot, Target};
use gdoi_ack::keys::EcdsaP256;
use gdoi_ack::wire::attributes::{Attribute, Attributes};
use gdoi_ack::wire::delete::Delete;
use gdoi_ack::wire::identification::{IdSelector, IdType};
use gdoi_ack::wire::key_download::{KdType, KeyDownload, KeyPacket};
use gdoi_ack::wire::sa::Sa;
use gdoi_ack::wire::sa_kek::{KekAckRequested, SaKek};
use gdoi_ack::wire::sa_tek::{IpsecTek, SaTek, TekBody, TekProtocol};
use keying_crypto::rustcrypto::{HashDrbg, P256SigningKey, RustCrypto};

use super::{KEK_IV, P256_SCALAR};

/// KEK_ALGORITHM_KEY (IV ‖ AES-128 key) of the KEK with this SPI.
pub fn kek_key(spi: &[u8; 16]) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(&KEK_IV);
    k[16..].copy_from_slice(&[spi[0] ^ 0x5a; 16]);
    k
}

pub fn signer() -> P256SigningKey {
    P256SigningKey::from_scalar_bytes(&P256_SCALAR).unwrap()
}

/// Builds a PUSH: a new TEK, optionally a KEK rollover to `new_kek`, optionally deleting
/// `delete_kek`.
#[allow(clippy::too_many_arguments)]
pub fn push<T: AsRef<[Slot]> + AsMut<[Slot]>>(
    ks: &mut Gcks<RustCrypto, EcdsaP256<P256SigningKey>, T>,
    now: Time,
    target: Target,
    tek_spi: [u8; 4],
    new_kek: Option<[u8; 16]>,
    delete_kek: Option<[u8; 16]>,
    policy: KekAckRequested,
    out: &mut [u8],
) -> Built {
    let mut sak_attr = [0u8; 64];
    let sak_attrs = Attributes::encode(
        &[
            Attribute::basic(2, 3),
            Attribute::basic(3, 128),
            Attribute::variable(4, &[0, 0, 0x0e, 0x10]),
            Attribute::basic(5, 3),
            Attribute::basic(6, 4),
            Attribute::basic(9, policy.to_wire()),
        ],
        &mut sak_attr,
    )
    .unwrap();
    let mut tek_attr = [0u8; 64];
    let tek_attrs = Attributes::encode(
        &[
            Attribute::basic(1, 1),
            Attribute::basic(2, 3600),
            Attribute::basic(4, 1),
        ],
        &mut tek_attr,
    )
    .unwrap();
    let sel = IdSelector {
        id_type: IdType::Ipv4Addr,
        port: 0,
        data: &[239, 1, 1, 1],
    };
    let teks = [SaTek {
        protocol_id: TekProtocol::IpsecEsp,
        body: TekBody::Ipsec(IpsecTek {
            protocol: 0,
            src: sel,
            dst: sel,
            transform_id: 12,
            spi: tek_spi,
            attributes: tek_attrs,
        }),
    }];
    let sak = new_kek.map(|spi| SaKek {
        protocol: 17,
        src: IdSelector {
            id_type: IdType::Ipv4Addr,
            port: 848,
            data: &[192, 0, 2, 1],
        },
        dst: IdSelector {
            id_type: IdType::Ipv4Addr,
            port: 848,
            data: &[239, 192, 0, 1],
        },
        spi,
        attributes: sak_attrs,
    });
    let mut tek_key_buf = [0u8; 64];
    let tek_keys = Attributes::encode(
        &[Attribute::variable(1, &[tek_spi[3]; 16])],
        &mut tek_key_buf,
    )
    .unwrap();
    let new_key = new_kek.map(|s| kek_key(&s)).unwrap_or([0; 32]);
    let mut kek_key_buf = [0u8; 64];
    let kek_keys =
        Attributes::encode(&[Attribute::variable(1, &new_key)], &mut kek_key_buf).unwrap();
    let new_spi = new_kek.unwrap_or([0; 16]);
    let mut packets = vec![KeyPacket {
        kd_type: KdType::Tek,
        spi: &tek_spi,
        attributes: tek_keys,
    }];
    if new_kek.is_some() {
        packets.push(KeyPacket {
            kd_type: KdType::Kek,
            spi: &new_spi,
            attributes: kek_keys,
        });
    }
    let del_spi = delete_kek.unwrap_or([0; 16]);
    let deletes: Vec<Delete> = delete_kek
        .iter()
        .map(|_| Delete::new(2, 0, 16, &del_spi).unwrap())
        .collect();
    let content = PushContent {
        deletes: &deletes,
        sa: Some(Sa::new(sak, None, &teks)),
        kd: Some(KeyDownload::new(&packets)),
    };
    let mut rng = HashDrbg::new(b"gcks");
    ks.build_push(now, target, &content, &mut rng, out).unwrap()
}
