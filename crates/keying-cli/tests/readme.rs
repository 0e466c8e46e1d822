//! The worked examples of the crate's README.md: each command, run again here, prints
//! exactly the output pasted there.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

mod common;
use common::*;

const KEK: &str = "000102030405060708090a0b0c0d0e0f2b7e151628aed2a6abf7158809cf4f3c";

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

/// The README holds `out` right after the line of the command ending in `tail`.
fn pasted_after(readme: &str, tail: &str, out: &str) {
    let at = readme
        .find(tail)
        .unwrap_or_else(|| panic!("README: no command ending {tail:?}"));
    let rest = &readme[at + tail.len()..];
    let rest = rest.strip_prefix('\n').unwrap();
    assert!(
        rest.starts_with(out),
        "README: the output after {tail:?} is not what the command prints now:\n{out}"
    );
}

#[test]
fn mikey_example() {
    let text = readme();
    let line = text
        .lines()
        .find(|l| l.starts_with("$ keying mikey decode --psk "))
        .unwrap();
    let args: Vec<&str> = line.trim_start_matches("$ keying ").split(' ').collect();
    let r = keying(&args);
    assert_eq!(r.code, 0, "{}", r.err);
    pasted_after(&text, line, &r.out);
}

#[test]
fn gdoi_example() {
    let text = readme();
    let pem = std::env::temp_dir().join(format!("keying-readme-{}.der", std::process::id()));
    std::fs::write(&pem, vector("gdoi/gcks_p256_spki.hex")).unwrap();
    let push = format!("@{}", vector_path("gdoi/push_wire.hex"));
    let r = keying(&[
        "gdoi",
        "decode",
        "--kek",
        KEK,
        "--gcks-key",
        pem.to_str().unwrap(),
        &push,
    ]);
    assert_eq!(r.code, 0, "{}", r.err);
    pasted_after(
        &text,
        "--gcks-key gcks.pem @tests/vectors/gdoi/push_wire.hex",
        &r.out,
    );
}

#[test]
fn nd_example() {
    let text = readme();
    let r = keying(&[
        "nd",
        "decode",
        "--src",
        "2003::3049:deeb:fd31:70b0",
        "--dst",
        "fe80::20a7:895c:2302:73f1",
        &format!("@{}", vector_path("send-hokey/rtsolpr_icmpv6.bin")),
    ]);
    assert_eq!(r.code, 0, "{}", r.err);
    pasted_after(
        &text,
        "@tests/vectors/send-hokey/rtsolpr_icmpv6.bin",
        &r.out,
    );
}
