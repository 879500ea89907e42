//! Every handler code sample of the seed documentation compiles against this SDK.
//!
//! The samples live in `seed_samples/` (re-typed from the seed with their newlines
//! restored; `seed_samples/MANIFEST.md` lists each one, the blocks left out and why, and the
//! places where the seed contradicts itself). This test generates one `cdylib` crate per
//! sample in a scratch workspace under the target dir and runs `cargo check` on all of them
//! at once, so the `#[handler]` and `handler_loop!` expansions are checked exactly as a user's
//! endpoint crate would be.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/seed_samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read tests/seed_samples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files
}

fn extra_deps(source: &str) -> String {
    let mut deps = String::new();
    for line in source.lines().filter_map(|l| l.strip_prefix("//! deps:")) {
        for dep in line.split(',').map(str::trim) {
            match dep {
                "uuid" => deps.push_str("uuid = { version = \"1\", features = [\"v4\"] }\n"),
                "tokio" => deps.push_str("tokio = { version = \"1\", default-features = false, features = [\"macros\"] }\n"),
                other => panic!("unknown extra dependency `{other}` in a seed sample"),
            }
        }
    }
    deps
}

#[test]
fn every_seed_sample_compiles() {
    let files = samples();
    assert!(
        files.len() >= 100,
        "expected the seed's samples, found {}",
        files.len()
    );
    let root = target_dir().join("seed-samples");
    let _ = std::fs::remove_dir_all(root.join("crates"));
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .expect("sdk dir");

    let mut members = String::new();
    for file in &files {
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name");
        let name = format!("sample_{stem}");
        let dir = root.join("crates").join(&name);
        std::fs::create_dir_all(dir.join("src")).expect("mkdir");
        let source = std::fs::read_to_string(file).expect("read sample");
        std::fs::write(dir.join("src/lib.rs"), &source).expect("write lib.rs");
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\n\
             rust-edge-gateway-sdk = {{ path = {sdk:?} }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n{}",
            extra_deps(&source)
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
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo check");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
    assert!(
        out.status.success(),
        "{} seed samples checked; cargo check failed:\n{}",
        files.len(),
        errors.join("\n")
    );
}
