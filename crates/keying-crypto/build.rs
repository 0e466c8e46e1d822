//! Tells the `p256cm4` module whether the `p256-cm4` assembly is linked: `cfg(p256_cm4_asm)`
//! with the `p256-cm4` feature on the two ARMv7E-M targets for which `Cargo.toml` declares
//! that dependency. (Stable Rust has no `cfg` for the ARMv7E-M DSP extension, so the target
//! name decides, as in `Cargo.toml`.)

fn main() {
    println!("cargo::rustc-check-cfg=cfg(p256_cm4_asm)");
    println!("cargo::rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    if std::env::var_os("CARGO_FEATURE_P256_CM4").is_some()
        && matches!(
            target.as_str(),
            "thumbv7em-none-eabihf" | "thumbv7em-none-eabi"
        )
    {
        println!("cargo::rustc-cfg=p256_cm4_asm");
    }
}
