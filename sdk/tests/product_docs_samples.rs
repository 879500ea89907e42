//! Every handler code sample of the product docs compiles against this SDK.
//!
//! The samples live in `product_docs_samples/` (re-typed from the product docs with their newlines
//! restored; `product_docs_samples/MANIFEST.md` lists each one, the blocks left out and why, and the
//! places where the product docs contradict themselves). This test generates one `cdylib` crate per
//! sample in a scratch workspace under the target dir and runs `cargo check` on all of them
//! at once, so the `#[handler]` and `handler_loop!` expansions are checked exactly as a user's
//! endpoint crate would be.

mod common;

use std::path::{Path, PathBuf};

fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/product_docs_samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read tests/product_docs_samples")
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
                other => panic!("unknown extra dependency `{other}` in a product docs sample"),
            }
        }
    }
    deps
}

#[test]
fn every_product_docs_sample_compiles() {
    let files = samples();
    assert!(
        files.len() >= 100,
        "expected the product docs' samples, found {}",
        files.len()
    );
    let samples: Vec<(String, String, String)> = files
        .iter()
        .map(|file| {
            let stem = file
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("utf-8 name");
            let source = std::fs::read_to_string(file).expect("read sample");
            let deps = extra_deps(&source);
            (format!("sample_{stem}"), source, deps)
        })
        .collect();
    common::check_samples("product-docs-samples", &samples);
}
