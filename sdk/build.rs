//! Computes the ABI fingerprint that the gateway and every handler library embed.
//!
//! Two builds of the SDK agree on the fingerprint only when they were made by the same
//! compiler (release, commit, LLVM), for the same target, with the same panic strategy,
//! from the same SDK version and the same SDK and macro sources. The loader refuses a
//! library whose fingerprint differs from its own (see `src/abi/mod.rs`).
use std::{env, fs, path::Path, process::Command};

/// FNV-1a: tiny, dependency-free and stable across Rust releases (unlike `DefaultHasher`).
fn fnv1a(h: &mut u64, bytes: &[u8]) {
    for b in bytes {
        *h ^= u64::from(*b);
        *h = h.wrapping_mul(0x0100_0000_01b3);
    }
}

/// Hashes every `.rs` file below `dir` in a stable (sorted) order, names included.
fn hash_tree(h: &mut u64, dir: &Path) {
    let mut entries: Vec<_> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(_) => return,
    };
    entries.sort();
    for path in entries {
        if path.is_dir() {
            hash_tree(h, &path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            println!("cargo:rerun-if-changed={}", path.display());
            fnv1a(
                h,
                path.file_name()
                    .map(|n| n.as_encoded_bytes())
                    .unwrap_or_default(),
            );
            fnv1a(h, &fs::read(&path).unwrap_or_default());
        }
    }
}

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let manifest = Path::new(&manifest);
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=../sdk-macros/src");

    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let vv = Command::new(&rustc)
        .arg("-vV")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let field = |k: &str| {
        vv.lines()
            .find_map(|l| l.strip_prefix(k).map(|s| s.trim().to_string()))
            .unwrap_or_else(|| "?".into())
    };
    let commit = field("commit-hash:");

    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    hash_tree(&mut h, &manifest.join("src"));
    hash_tree(&mut h, &manifest.join("../sdk-macros/src"));
    fnv1a(
        &mut h,
        &fs::read(manifest.join("Cargo.toml")).unwrap_or_default(),
    );

    let fp = format!(
        "rega1|rustc {} ({})|llvm {}|{}|panic={}|sdk {}|alloc=forward|src {:016x}",
        field("release:"),
        &commit[..commit.len().min(9)],
        field("LLVM version:"),
        env::var("TARGET").unwrap_or_default(),
        env::var("CARGO_CFG_PANIC").unwrap_or_else(|_| "?".into()),
        env::var("CARGO_PKG_VERSION").unwrap_or_default(),
        h,
    );
    println!("cargo:rustc-env=REG_ABI_FINGERPRINT={fp}");
}
