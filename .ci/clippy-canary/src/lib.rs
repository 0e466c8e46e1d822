//! Calls to every RSA operation `.clippy.toml` bans, for `run.sh`: clippy must report each
//! statement marked `// banned: <path>` with that path. Lint-only, never built or run.

use rsa::rand_core::TryCryptoRng;
use rsa::sha2::Sha256;
use rsa::signature::Signer;
use rsa::traits::{Decryptor, PaddingScheme, SignatureScheme};
use rsa::{Oaep, Pkcs1v15Encrypt, Pkcs1v15Sign, PrivateKey, Pss};

/// Each unblinded private-key operation.
#[allow(deprecated)]
pub fn unblinded<R: TryCryptoRng>(key: &PrivateKey, rng: &mut R, ct: &[u8], hash: &[u8]) {
    let _ = key.decrypt(Pkcs1v15Encrypt, ct); // banned: rsa::PrivateKey::decrypt
    let _ = rsa::RsaPrivateKey::decrypt(key, Oaep::<Sha256>::new(), ct); // banned: rsa::PrivateKey::decrypt
    let _ = key.sign(Pkcs1v15Sign::new_unprefixed(), hash); // banned: rsa::PrivateKey::sign

    let dk = rsa::pkcs1v15::DecryptingKey::new(key.clone());
    let _ = dk.decrypt(ct); // banned: rsa::traits::Decryptor::decrypt
    let dk = rsa::oaep::DecryptingKey::<Sha256>::new(key.clone());
    let _ = Decryptor::decrypt(&dk, ct); // banned: rsa::traits::Decryptor::decrypt

    let _ = Pkcs1v15Encrypt.decrypt(None::<&mut R>, key, ct); // banned: rsa::traits::PaddingScheme::decrypt
    let _ = Pkcs1v15Sign::new_unprefixed().sign(None::<&mut R>, key, hash); // banned: rsa::traits::SignatureScheme::sign

    let sk = rsa::pkcs1v15::SigningKey::<Sha256>::new(key.clone()); // banned: rsa::pkcs1v15::SigningKey
    let _ = sk.try_sign(hash);

    let mut pss = Pss::<Sha256>::new();
    pss.blinded = false; // banned: rsa::Pss::blinded
    let _ = key.sign_with_rng(rng, pss, hash);
}
