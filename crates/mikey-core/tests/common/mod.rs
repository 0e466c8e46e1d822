// Shared by the integration tests (included with `mod`).
#![allow(
    dead_code,
    unused_macros,
    unused_imports,
    clippy::unwrap_used,
    clippy::panic
)]

/// Decodes a .hex vector file (hex digits, white space ignored).
pub fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len().is_multiple_of(2), "odd hex length");
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

macro_rules! vector {
    ($name:literal) => {
        crate::common::hex(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/vectors/mikey/",
            $name,
            ".hex"
        )))
    };
}
pub(crate) use vector;
