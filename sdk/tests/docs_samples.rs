//! Every ```rust block of `docs/*.md` and of the README is a handler that compiles against
//! this SDK, checked the way the gateway builds endpoints.

mod common;

use std::path::Path;

fn rust_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```rust") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

#[test]
fn every_docs_sample_compiles() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files: Vec<_> = std::fs::read_dir(repo.join("docs"))
        .expect("docs/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files.push(repo.join("README.md"));
    let mut samples = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read markdown");
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("doc")
            .to_ascii_lowercase();
        for (i, block) in rust_blocks(&text).into_iter().enumerate() {
            samples.push((format!("doc_{stem}_{i}"), block, String::new()));
        }
    }
    assert!(
        samples.len() >= 9,
        "expected the guide's samples, found {}",
        samples.len()
    );
    common::check_samples("docs-samples", &samples);
}
