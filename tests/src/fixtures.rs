//! Builds the handler crates of `tests/fixtures/handlers` with cargo, once per test process.
//!
//! They have their own workspace and target dir (`<target>/handler-fixtures`), as user
//! endpoints do, so the gateway's own build never shares compiled SDK artifacts with them.
//! `fx_async` is also built with its `v2` feature, to test version swaps.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The built libraries, copied out of cargo's output so later builds cannot change them.
#[derive(Debug)]
pub struct Fixtures {
    dir: PathBuf,
}

impl Fixtures {
    /// The v1 build of fixture crate `name` (`fx_async`, `fx_blocking`, `fx_loop`, `fx_tls`).
    pub fn lib(&self, name: &str) -> PathBuf {
        self.dir.join("v1").join(format!("lib{name}.so"))
    }

    /// The `v2` feature build of `fx_async`.
    pub fn async_v2(&self) -> PathBuf {
        self.dir.join("v2").join("libfx_async.so")
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn cargo_build(fixture_target: &Path, extra: &[&str]) {
    let manifest = workspace_root().join("tests/fixtures/handlers/Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!(
        "building handler fixtures: cargo build --release {}",
        extra.join(" ")
    );
    let status = Command::new(cargo)
        .arg("build")
        .arg("--release")
        .arg("--manifest-path")
        .arg(&manifest)
        .args(extra)
        .env("CARGO_TARGET_DIR", fixture_target)
        .env_remove("RUSTFLAGS")
        .status()
        .expect("run cargo");
    assert!(
        status.success(),
        "building the handler fixtures failed (see cargo's output above)"
    );
}

fn copy_out(from: &Path, to_dir: &Path, names: &[&str]) {
    std::fs::create_dir_all(to_dir).expect("mkdir fixtures out");
    for name in names {
        // Copy then rename: a library another test process has mapped is never rewritten.
        let file = format!("lib{name}.so");
        let tmp = to_dir.join(format!(".{file}.{}", std::process::id()));
        std::fs::copy(from.join(&file), &tmp).expect("copy fixture library");
        std::fs::rename(&tmp, to_dir.join(&file)).expect("rename fixture library");
    }
}

/// Builds (once per process) and returns the fixture libraries.
pub fn fixtures() -> &'static Fixtures {
    static BUILT: OnceLock<Fixtures> = OnceLock::new();
    BUILT.get_or_init(|| {
        let target = target_dir().join("handler-fixtures");
        let release = target.join("release");
        let out = target.join("out");
        let all = ["fx_async", "fx_blocking", "fx_loop", "fx_tls"];
        cargo_build(&target, &["-p", "fx_async", "--features", "v2"]);
        copy_out(&release, &out.join("v2"), &["fx_async"]);
        cargo_build(&target, &["--workspace"]);
        copy_out(&release, &out.join("v1"), &all);
        Fixtures { dir: out }
    })
}
