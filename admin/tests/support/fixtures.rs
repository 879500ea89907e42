//! Fixture dependencies for the build tests, made at run time: they reach a handler through
//! a `[patch.crates-io]` in `.cargo/config.toml` of the gateway's working directory, which
//! cargo reads as it would a user's own configuration.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::{versioned_code, Gateway};

/// Writes the fixture crates under `root` and the cargo config that points at them.
/// `reg-envprobe-fixture`'s build script writes the names and values of the variables it
/// sees to `env_out`; `reg-hang-fixture`'s never ends while `hang_marker` exists.
pub fn fixtures(root: &Path, env_out: &Path, hang_marker: &Path) {
    let krate = |name: &str, build: String| {
        let dir = root.join(name);
        std::fs::create_dir_all(dir.join("src")).expect("fixture dir");
        std::fs::write(
            dir.join("Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\nbuild = \"build.rs\"\n\n[workspace]\n"),
        )
        .expect("manifest");
        std::fs::write(dir.join("src/lib.rs"), "").expect("lib");
        std::fs::write(dir.join("build.rs"), build).expect("build.rs");
    };
    krate(
        "reg-envprobe-fixture",
        format!(
            "fn main() {{\n    let seen: Vec<String> = std::env::vars().map(|(k, v)| format!(\"{{k}}={{v}}\")).collect();\n    std::fs::write({:?}, seen.join(\"\\n\")).expect(\"record\");\n    println!(\"cargo:rerun-if-changed=build.rs\");\n}}\n",
            env_out.display().to_string()
        ),
    );
    krate(
        "reg-hang-fixture",
        format!(
            "fn main() {{\n    println!(\"cargo:rerun-if-changed={marker}\");\n    while std::path::Path::new({marker:?}).exists() {{\n        std::thread::sleep(std::time::Duration::from_millis(200));\n    }}\n}}\n",
            marker = hang_marker.display().to_string()
        ),
    );
    std::fs::create_dir_all(root.join(".cargo")).expect("cargo dir");
    std::fs::write(
        root.join(".cargo/config.toml"),
        format!(
            "[patch.crates-io]\nreg-envprobe-fixture = {{ path = {:?} }}\nreg-hang-fixture = {{ path = {:?} }}\n",
            root.join("reg-envprobe-fixture").display().to_string(),
            root.join("reg-hang-fixture").display().to_string()
        ),
    )
    .expect("config");
}

/// A working directory with the fixtures, and where the gateway keeps its data.
pub struct Setup {
    _root: tempfile::TempDir,
    /// The gateway's working directory (holds `.cargo/config.toml`).
    pub cwd: PathBuf,
    /// Its data dir.
    pub data: PathBuf,
    /// What the env probe recorded.
    pub env_out: PathBuf,
    /// While this file exists the hang fixture's build never ends.
    pub marker: PathBuf,
}

/// Fixtures in a new temporary directory.
pub fn setup() -> Setup {
    let root = tempfile::tempdir().expect("tempdir");
    let cwd = root.path().join("work");
    let env_out = root.path().join("build-env.txt");
    let marker = root.path().join("HANG");
    fixtures(&cwd, &env_out, &marker);
    Setup {
        data: root.path().join("data"),
        cwd,
        env_out,
        marker,
        _root: root,
    }
}

/// Creates an endpoint at `path` answering `version`, depending on `dep`.
pub fn with_dependency(gw: &Gateway, path: &str, version: u32, dep: &str) -> String {
    let (s, v) = gw.api(
        "POST",
        "/endpoints",
        Some(
            json!({"name": path, "path": path, "method": "GET", "domain": "*",
            "code": versioned_code(version), "dependencies": {dep: "0.1"}}),
        ),
    );
    assert_eq!(s, 200, "{v}");
    v["data"]["id"].as_str().expect("id").to_string()
}
