//! GCKS-side helpers shared by the GM ↔ GCKS tests: the KEK keys, the GCKS signing key and
//! a PUSH builder.

use gdoi_ack::push::{EspTek, KekRollover, PushBuilder, Selector};
use gdoi_ack::wire::sa_kek::SigAlgorithm;
use gdoi_ack::{Built, EcdsaP256, Gcks, KekAckRequested, Slot, Target, Time};
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

/// One rekey's content: a new TEK, optionally a KEK rollover to `new_kek` (with the ack
/// policy `policy`), optionally deleting `delete_kek`.
#[derive(Clone, Copy)]
pub struct Rekey {
    pub tek_spi: [u8; 4],
    pub new_kek: Option<[u8; 16]>,
    pub delete_kek: Option<[u8; 16]>,
    pub policy: KekAckRequested,
}

/// Builds the PUSH of `r`.
pub fn push<T: AsRef<[Slot]> + AsMut<[Slot]>>(
    ks: &mut Gcks<RustCrypto, EcdsaP256<P256SigningKey>, T>,
    now: Time,
    target: Target,
    r: Rekey,
    out: &mut [u8],
) -> Built {
    let Rekey {
        tek_spi,
        new_kek,
        delete_kek,
        policy,
    } = r;
    let group = Selector::ipv4([239, 1, 1, 1], 0);
    let tek_key = [tek_spi[3]; 16];
    let new_key = new_kek.map(|s| kek_key(&s)).unwrap_or([0; 32]);
    let mut content = PushBuilder::new()
        .tek(EspTek::aes_cbc(tek_spi, group, group, &tek_key))
        .unwrap();
    if let Some(spi) = new_kek {
        content = content.kek(KekRollover::aes_cbc(
            spi,
            Selector::ipv4([192, 0, 2, 1], 848),
            Selector::ipv4([239, 192, 0, 1], 848),
            &new_key,
            SigAlgorithm::Ecdsa256,
            Some(policy),
        ));
    }
    if let Some(spi) = delete_kek {
        content = content.delete_kek(spi).unwrap();
    }
    let mut rng = HashDrbg::new(b"gcks");
    ks.push(now, target, &content, &mut rng, out).unwrap()
}
