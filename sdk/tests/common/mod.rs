//! Checks handler samples the way the gateway builds endpoints: one `cdylib` crate per
//! sample, depending on this SDK by path, all `cargo check`ed at once in a scratch workspace
//! under the target dir.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// `cargo check`s every `(name, source, extra Cargo.toml dependency lines)` in the scratch
/// workspace `scratch`; panics with the compiler's errors.
pub fn check_samples(scratch: &str, samples: &[(String, String, String)]) {
    let root = target_dir().join(scratch);
    let _ = std::fs::remove_dir_all(root.join("crates"));
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .expect("sdk dir");
    let mut members = String::new();
    for (name, source, deps) in samples {
        let dir = root.join("crates").join(name);
        std::fs::create_dir_all(dir.join("src")).expect("mkdir");
        std::fs::write(dir.join("src/lib.rs"), source).expect("write lib.rs");
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\n\
             rust-edge-gateway-sdk = {{ path = {sdk:?} }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n{deps}"
        );
        std::fs::write(dir.join("Cargo.toml"), manifest).expect("write Cargo.toml");
        let _ = write!(members, "\"crates/{name}\", ");
    }
    std::fs::write(
        root.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [{members}]\n"),
    )
    .expect("write workspace");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&root)
        .args([
            "check",
            "--workspace",
            "--quiet",
            "--message-format",
            "short",
        ])
        .env("CARGO_TARGET_DIR", target_dir().join("samples-target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo check");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    assert!(
        out.status.success(),
        "{} samples checked in {scratch}; cargo check failed:\n{}",
        samples.len(),
        errors.join("\n")
    );
}
