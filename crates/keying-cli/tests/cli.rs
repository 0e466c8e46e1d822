//! The command line itself: per-subcommand help, shell completions, version.
#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

mod common;
use common::*;

#[test]
fn every_subcommand_has_its_own_help() {
    for (args, wants) in [
        (
            vec!["mikey", "decode", "--help"],
            vec!["--psk <HEX>", "--json", "<INPUT>"],
        ),
        (
            vec!["mikey", "psk-init", "--help"],
            vec!["--ssrc <N>", "--csb-id <N>", "--time <NTP>", "--sdp"],
        ),
        (
            vec!["gdoi", "decode", "--help"],
            vec!["--kek <HEX>", "--gcks-key <FILE>"],
        ),
        (
            vec!["nd", "decode", "-h"],
            vec!["--src <ADDR>", "--dst <ADDR>"],
        ),
        (
            vec!["decode", "--help"],
            vec![
                "--psk <HEX>",
                "--kek <HEX>",
                "--gcks-key <FILE>",
                "<CAPTURE>",
            ],
        ),
        (vec!["help", "gdoi", "decode"], vec!["--kek <HEX>"]),
        (vec!["completions", "--help"], vec!["bash", "zsh", "fish"]),
    ] {
        let r = keying(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.err);
        for w in wants {
            assert!(r.out.contains(w), "{args:?}: no {w:?} in\n{}", r.out);
        }
    }
    let r = keying(&["--version"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.out, format!("keying {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = keying(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.err);
        for w in ["gcks-key", "psk-init", "completions"] {
            assert!(r.out.contains(w), "{shell}: no {w:?}");
        }
    }
    let r = keying(&["completions", "tcsh"]);
    assert_eq!(r.code, 2);
    assert!(r.err.starts_with("keying: "), "{}", r.err);
}
