//! Shared helpers for the `keying-bench` benchmarks (see `BENCHMARKS.md`): loading the
//! committed test vectors, the list of MIKEY messages every parser is measured on, and the
//! full MIKEY exchanges with their recorded primitive calls ([`exchange`]), and a GDOI key
//! server with 100,000 members and their ACKs ([`gcks`]).
//!
//! The benchmarks themselves live in `benches/`; run them with `cargo bench -p keying-bench`
//! or `crates/keying-bench/scripts/run.sh`.

use std::path::PathBuf;

pub mod exchange;
pub mod gcks;

/// The MIKEY vectors measured (file stem under `tests/vectors/mikey/`), with a short label.
/// `g1_gst_psk_null` is the 113-byte PSK-mode I_MESSAGE with a KEMAC carrying a Key data
/// sub-payload (TEK+SALT, SPI) that the product target is stated for.
pub const MIKEY_VECTORS: &[(&str, &str)] = &[
    ("g1_gst_psk_null", "PSK init, KEMAC(TEK+SALT,SPI), 113 B"),
    ("gortsplib_case_a", "PSK init, GStreamer-style, 112 B"),
    (
        "m3_psk_null_interval",
        "PSK init, KEMAC(TEK+SALT,Interval), 122 B",
    ),
    ("m10_two_cs_counter_genext", "PSK init, 2 CS, GenExt, 92 B"),
    ("m5_dhhmac_init", "DHHMAC init, 251 B"),
    ("m9_error", "Error + V, 59 B"),
    ("streamwide_gmk", "MIKEY-SAKKE GMK, 701 B"),
];

/// The workspace root (two levels above this crate).
#[must_use]
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Path of a committed vector, e.g. `vector_path("mikey", "g1_gst_psk_null.hex")`.
#[must_use]
pub fn vector_path(dir: &str, file: &str) -> PathBuf {
    workspace_root().join("tests/vectors").join(dir).join(file)
}

/// Decodes hex, ignoring whitespace; `None` on a non-hex digit or an odd count.
#[must_use]
pub fn hex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|p| {
            let s = std::str::from_utf8(p).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

/// Reads a `.hex` vector file.
///
/// # Errors
/// The file cannot be read or is not hex.
pub fn hex_vector(dir: &str, file: &str) -> std::io::Result<Vec<u8>> {
    let path = vector_path(dir, file);
    let text = std::fs::read_to_string(&path)?;
    hex(&text).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: not hex", path.display()),
        )
    })
}

/// Reads a binary vector file.
///
/// # Errors
/// The file cannot be read.
pub fn bin_vector(dir: &str, file: &str) -> std::io::Result<Vec<u8>> {
    std::fs::read(vector_path(dir, file))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn hex_decodes_and_vectors_load() {
        assert_eq!(hex("01 ab\nFF"), Some(vec![1, 0xab, 0xff]));
        assert_eq!(hex("1"), None);
        assert_eq!(hex("zz"), None);
        for (stem, _) in MIKEY_VECTORS {
            let v = hex_vector("mikey", &format!("{stem}.hex")).unwrap();
            assert!(v.len() > 10, "{stem}");
        }
        assert_eq!(
            hex_vector("mikey", "g1_gst_psk_null.hex").unwrap().len(),
            113
        );
    }
}
