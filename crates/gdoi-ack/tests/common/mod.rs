//! Helpers shared by the integration tests.
#![allow(
    dead_code,
    missing_docs,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::expect_used,
    clippy::panic
)]

/// Decodes hex, ignoring whitespace.
pub fn hex(s: &str) -> Vec<u8> {
    let s: Vec<u8> = s.bytes().filter(|b| b.is_ascii_hexdigit()).collect();
    s.chunks(2)
        .map(|c| u8::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
        .collect()
}

pub fn vector(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../tests/vectors/gdoi/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    hex(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

pub const COOKIES: [u8; 16] = hex_literal::hex!("112233445566778899aabbccddeeff00");
pub const KEK_KEY: [u8; 16] = hex_literal::hex!("2b7e151628aed2a6abf7158809cf4f3c");
pub const KEK_IV: [u8; 16] = hex_literal::hex!("000102030405060708090a0b0c0d0e0f");
pub const P256_SCALAR: [u8; 32] =
    hex_literal::hex!("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");

pub mod rekey;
