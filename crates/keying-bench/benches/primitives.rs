//! The RustCrypto primitives the protocols use, through `keying_crypto::rustcrypto`
//! (the provider's trait methods, as the protocol crates call them). Compared against
//! `openssl speed` by `scripts/openssl-speed.sh` and `scripts/tabulate.py`.
//! `cargo bench -p keying-bench --bench primitives`.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use keying_crypto::rustcrypto::{HashDrbg, P256SigningKey, RsaPrivate, RustCrypto};
use keying_crypto::{
    EcdsaP256Signer, EcdsaP256Verifier, HashAlg, RsaEncryptionPadding, RsaPrivateKeyOps,
    RsaPublicKeyOps, RsaSignatureScheme, Symmetric,
};

const P256_SCALAR: [u8; 32] = [
    0xC9, 0xAF, 0xA9, 0xD8, 0x45, 0xBA, 0x75, 0x16, 0x6B, 0x5C, 0x21, 0x57, 0x67, 0xB1, 0xD6, 0x93,
    0x4E, 0x50, 0xC3, 0xDB, 0x36, 0xE8, 0x9B, 0x12, 0x7B, 0x8A, 0x62, 0x2B, 0x12, 0x0F, 0x67, 0x21,
];

fn symmetric(c: &mut Criterion) {
    let data = [0x5au8; 1024];
    let key = [0x0bu8; 20];
    let mut g = c.benchmark_group("prim");
    for (name, alg) in [("sha1", HashAlg::Sha1), ("sha256", HashAlg::Sha256)] {
        for len in [64usize, 1024] {
            g.bench_function(format!("{name}_{len}"), |b| {
                b.iter(|| RustCrypto.hash(alg, &[black_box(&data[..len])]))
            });
            g.bench_function(format!("hmac_{name}_{len}"), |b| {
                b.iter(|| RustCrypto.hmac(alg, &key, &[black_box(&data[..len])]))
            });
        }
    }
    let mut buf = [0u8; 1024];
    let iv = [7u8; 16];
    g.bench_function("aes128_ctr_1024", |b| {
        b.iter(|| {
            RustCrypto
                .aes_ctr(&key[..16], &iv, black_box(&mut buf))
                .unwrap()
        })
    });
    g.bench_function("aes128_cbc_decrypt_1024", |b| {
        b.iter(|| {
            RustCrypto
                .aes_cbc_decrypt(&key[..16], &iv, black_box(&mut buf))
                .unwrap()
        })
    });
    g.finish();
}

fn asymmetric(c: &mut Criterion) {
    let msg = [0x42u8; 64];
    let mut rng = HashDrbg::new(b"keying-bench rsa-2048");
    let mut g = c.benchmark_group("prim");
    for bits in [1024usize, 2048] {
        let sk = RsaPrivate::generate(&mut rng, bits).unwrap();
        let pk = sk.public_key();
        let k = bits / 8;
        let scheme = RsaSignatureScheme::Pkcs1v15(HashAlg::Sha256);
        let mut sig = vec![0u8; k];
        sk.sign(&mut rng, scheme, &[&msg], &mut sig).unwrap();
        pk.verify(scheme, &[&msg], &sig).unwrap();
        let mut ct = vec![0u8; k];
        pk.encrypt(
            &mut rng,
            RsaEncryptionPadding::Pkcs1v15,
            &msg[..16],
            &mut ct,
        )
        .unwrap();
        let mut pt = vec![0u8; k];
        g.bench_function(format!("rsa{bits}_sign_pkcs1v15_sha256"), |b| {
            b.iter(|| {
                sk.sign(&mut rng, scheme, &[black_box(&msg)], &mut sig)
                    .unwrap()
            })
        });
        g.bench_function(format!("rsa{bits}_verify_pkcs1v15_sha256"), |b| {
            b.iter(|| pk.verify(scheme, &[black_box(&msg)], &sig).unwrap())
        });
        let mut ct2 = vec![0u8; k];
        g.bench_function(format!("rsa{bits}_encrypt_pkcs1v15"), |b| {
            b.iter(|| {
                pk.encrypt(
                    &mut rng,
                    RsaEncryptionPadding::Pkcs1v15,
                    black_box(&msg[..16]),
                    &mut ct2,
                )
                .unwrap()
            })
        });
        g.bench_function(format!("rsa{bits}_decrypt_pkcs1v15"), |b| {
            b.iter(|| {
                sk.decrypt(
                    &mut rng,
                    RsaEncryptionPadding::Pkcs1v15,
                    black_box(&ct),
                    &mut pt,
                )
                .unwrap()
            })
        });
    }
    let sk = P256SigningKey::from_scalar_bytes(&P256_SCALAR).unwrap();
    let vk = sk.verifying_key();
    let sig = sk.sign(&[&msg]).unwrap();
    g.bench_function("ecdsa_p256_sign", |b| {
        b.iter(|| sk.sign(&[black_box(&msg)]).unwrap())
    });
    g.bench_function("ecdsa_p256_verify", |b| {
        b.iter(|| vk.verify(&[black_box(&msg)], &sig).unwrap())
    });
    g.finish();
}

criterion_group!(benches, symmetric, asymmetric);
criterion_main!(benches);
