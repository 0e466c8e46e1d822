//! Puts memory.x where cortex-m-rt's link.x finds it, and points the firmware at the
//! directory of host-generated inputs (`FW_VECTORS`, default ../target/vectors).
use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    if let Err(e) = std::fs::copy(manifest.join("memory.x"), out.join("memory.x")) {
        println!("cargo::error=memory.x: {e}");
    }
    println!("cargo::rustc-link-search={}", out.display());
    println!("cargo::rerun-if-changed=memory.x");
    let vectors = std::env::var_os("FW_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../target/vectors"));
    println!("cargo::rustc-env=FW_VECTORS={}", vectors.display());
    println!("cargo::rerun-if-env-changed=FW_VECTORS");
    println!("cargo::rerun-if-changed={}", vectors.display());
}
