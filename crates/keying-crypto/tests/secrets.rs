//! Secret containers: redacted Debug, zeroization, constant-time comparison; the test DRBG.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use keying_crypto::{CryptoError, Digest, SecretBuf, SecretBytes, ct_eq};
use zeroize::Zeroize;

#[test]
fn debug_is_redacted() {
    let k = SecretBytes::new([0x41u8; 16]);
    let s = format!("{k:?}");
    assert!(s.contains("<redacted>"), "{s}");
    assert!(!s.contains("41") && !s.contains("65"), "{s}");

    let b = SecretBuf::<32>::from_slice(b"AAAA").unwrap();
    let s = format!("{b:?}");
    assert!(s.contains("<redacted>") && !s.contains("41"), "{s}");

    let d = Digest::from_slice(&[0x41; 20]).unwrap();
    let s = format!("{d:?}");
    assert!(s.contains("<redacted>") && !s.contains("41"), "{s}");
    assert_eq!(format!("{:#?}", d), s);
}

#[test]
fn zeroize_wipes() {
    let mut k = SecretBytes::new([0xa5u8; 32]);
    k.zeroize();
    assert_eq!(k.expose(), &[0u8; 32]);

    let mut b = SecretBuf::<16>::from_slice(&[0xa5; 10]).unwrap();
    b.zeroize();
    // The derive wipes the length too, so nothing is exposed afterwards.
    assert!(b.expose().iter().all(|&x| x == 0));

    let mut d = Digest::from_slice(&[0xa5; 64]).unwrap();
    d.zeroize();
    assert!(d.as_bytes().iter().all(|&x| x == 0));
}

/// Drop glue: every secret type is `ZeroizeOnDrop` (its `Drop` calls the `Zeroize` impl
/// checked in `zeroize_wipes`), and none is `Copy` (a copy would escape the wipe).
#[test]
fn zeroize_on_drop_and_not_copy() {
    fn zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    zeroize_on_drop::<SecretBytes<16>>();
    zeroize_on_drop::<SecretBuf<16>>();
    zeroize_on_drop::<Digest>();
    #[cfg(feature = "rustcrypto")]
    zeroize_on_drop::<keying_crypto::rustcrypto::HashDrbg>();

    // Compile-time "not Copy" check: the call is ambiguous (does not compile) if `T: Copy`.
    trait AmbiguousIfCopy<A> {
        fn check() {}
    }
    impl<T: ?Sized> AmbiguousIfCopy<()> for T {}
    #[allow(dead_code)]
    struct Marker;
    impl<T: Copy> AmbiguousIfCopy<Marker> for T {}
    <SecretBytes<16> as AmbiguousIfCopy<_>>::check();
    <SecretBuf<16> as AmbiguousIfCopy<_>>::check();
    <Digest as AmbiguousIfCopy<_>>::check();
}

#[test]
fn secret_bytes_api() {
    assert_eq!(
        SecretBytes::<16>::from_slice(&[1; 15]).unwrap_err(),
        CryptoError::InvalidLength
    );
    let a = SecretBytes::<4>::from_slice(&[1, 2, 3, 4]).unwrap();
    let b = a.clone();
    assert!(a.ct_eq(&b));
    assert!(!a.ct_eq(&SecretBytes::new([1, 2, 3, 5])));
    assert_eq!(SecretBytes::<4>::LEN, 4);
    let mut z = SecretBytes::<4>::zero();
    z.expose_mut().copy_from_slice(&[9, 9, 9, 9]);
    assert_eq!(z.expose(), &[9, 9, 9, 9]);
}

#[test]
fn secret_buf_api() {
    let mut b = SecretBuf::<8>::new();
    assert!(b.is_empty());
    b.extend_from_slice(&[1, 2, 3]).unwrap();
    b.extend_from_slice(&[4, 5]).unwrap();
    assert_eq!(b.expose(), &[1, 2, 3, 4, 5]);
    assert_eq!(
        b.extend_from_slice(&[0; 4]),
        Err(CryptoError::BufferTooSmall { needed: 9 })
    );
    assert_eq!(b.expose(), &[1, 2, 3, 4, 5], "unchanged on error");
    b.set_len(2).unwrap();
    assert_eq!(b.expose(), &[1, 2]);
    b.set_len(4).unwrap();
    assert_eq!(b.expose(), &[1, 2, 0, 0], "shrinking wiped the tail");
    assert!(b.ct_eq(&[1, 2, 0, 0]));
    assert!(!b.ct_eq(&[1, 2, 0]));
    assert_eq!(b.set_len(9), Err(CryptoError::BufferTooSmall { needed: 9 }));
    b.clear();
    assert!(b.is_empty());
    assert!(SecretBuf::<4>::from_slice(&[0; 5]).is_err());
    assert_eq!(SecretBuf::<4>::zeroed(3).unwrap().expose(), &[0, 0, 0]);
}

#[test]
fn ct_eq_semantics() {
    assert!(ct_eq(b"", b""));
    assert!(ct_eq(b"abc", b"abc"));
    assert!(!ct_eq(b"abc", b"abd"));
    assert!(!ct_eq(b"abc", b"ab"));
    assert!(!ct_eq(b"ab", b"abc"));
    assert!(Digest::from_slice(&[0; 65]).is_err());
    assert!(Digest::EMPTY.is_empty());
}

#[cfg(feature = "rustcrypto")]
#[test]
fn hash_drbg_is_deterministic_and_seed_dependent() {
    use keying_crypto::Rng;
    use keying_crypto::rustcrypto::HashDrbg;
    let mut a = HashDrbg::new(b"seed");
    let mut b = HashDrbg::new(b"seed");
    let mut c = HashDrbg::new(b"seee");
    let (mut x, mut y, mut z) = ([0u8; 100], [0u8; 100], [0u8; 100]);
    a.fill_bytes(&mut x).unwrap();
    b.fill_bytes(&mut y).unwrap();
    c.fill_bytes(&mut z).unwrap();
    assert_eq!(x, y);
    assert_ne!(x, z);
    // Successive outputs differ, and the 32-byte blocks within one request differ.
    a.fill_bytes(&mut y).unwrap();
    assert_ne!(x, y);
    assert_ne!(x[..32], x[32..64]);
    assert!(format!("{a:?}").contains("<redacted>"));
}

/// Only the bytes held are wiped (the rest are zero already): whatever sequence of
/// appends, shrinks and wipes came before, growing the buffer afterwards shows zeros
/// past the bytes still held, never an old secret byte.
#[test]
fn secret_buf_never_keeps_a_byte_past_its_length() {
    let mut b = SecretBuf::<64>::from_slice(&[0xaa; 40]).unwrap();
    b.set_len(8).unwrap();
    b.extend_from_slice(&[0xbb; 4]).unwrap();
    b.set_len(64).unwrap();
    let mut want = [0u8; 64];
    want[..8].fill(0xaa);
    want[8..12].fill(0xbb);
    assert_eq!(b.expose(), &want[..]);
    b.set_len(3).unwrap();
    b.set_len(64).unwrap();
    assert!(b.expose()[3..].iter().all(|&x| x == 0));
    b.zeroize();
    assert!(b.is_empty());
    b.set_len(64).unwrap();
    assert_eq!(b.expose(), &[0u8; 64][..]);
    b.clear();
    b.extend_from_slice(&[0xcc; 64]).unwrap();
    b.clear();
    b.set_len(64).unwrap();
    assert_eq!(b.expose(), &[0u8; 64][..], "clear wipes a full buffer");
}
