//! Builds an endpoint's code into a handler library.
//!
//! Each endpoint is a cargo crate under `<data-dir>/handlers/<id>/` (its code verbatim in
//! `src/lib.rs`, so compiler diagnostics point at the user's own lines) depending on the
//! SDK by path plus the endpoint's `dependencies`. All crates share one target dir, so
//! dependencies build once; builds are queued, never two cargo processes at a time. A
//! successful build is installed content-addressed under `<data-dir>/libs/`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use rust_edge_gateway_dataplane::library::install;
use serde_json::Value as JsonValue;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tokio::sync::Mutex;

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// The code did not compile: rustc's diagnostics.
    #[error("{0}")]
    Failed(String),
    /// `dependencies` is not a valid dependency table.
    #[error("invalid dependencies: {0}")]
    InvalidDependencies(String),
    /// Files or cargo could not be handled.
    #[error("compiler I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Installing the built library failed.
    #[error(transparent)]
    Install(#[from] rust_edge_gateway_dataplane::LoadError),
}

/// A successful build.
#[derive(Debug, Clone)]
pub struct Built {
    /// The installed library.
    pub library: PathBuf,
    /// How long cargo took.
    pub duration: Duration,
}

/// The build queue.
#[derive(Debug)]
pub struct Compiler {
    data_dir: PathBuf,
    target: PathBuf,
    sdk: PathBuf,
    queue: Mutex<()>,
    stats: CompileStats,
}

/// Counters of the builds run so far (for `/metrics`).
#[derive(Debug, Default)]
pub struct CompileStats {
    /// Builds that produced a library.
    pub succeeded: std::sync::atomic::AtomicU64,
    /// Builds that failed (compile errors included).
    pub failed: std::sync::atomic::AtomicU64,
    /// Sum of the cargo run times, milliseconds.
    pub total_ms: std::sync::atomic::AtomicU64,
}

const ALLOWED_KEYS: &[&str] = &[
    "version",
    "features",
    "optional",
    "default-features",
    "package",
];

/// Checks a `dependencies` object: registry crates only (`"1.0"` or a table with version,
/// features, optional, default-features, package), never `path` or `git`.
pub fn validate_dependencies(deps: &JsonValue) -> Result<(), String> {
    let obj = deps
        .as_object()
        .ok_or("dependencies must be a JSON object")?;
    for (name, spec) in obj {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!("invalid crate name {name:?}"));
        }
        match spec {
            JsonValue::String(_) => {}
            JsonValue::Object(t) => {
                if let Some(k) = t.keys().find(|k| !ALLOWED_KEYS.contains(&k.as_str())) {
                    return Err(format!(
                        "dependency {name}: key `{k}` is not allowed (allowed: {})",
                        ALLOWED_KEYS.join(", ")
                    ));
                }
            }
            _ => {
                return Err(format!(
                    "dependency {name}: expected a version string or a table"
                ))
            }
        }
    }
    Ok(())
}

fn crate_name(id: &str) -> String {
    format!("handler_{}", id.replace('-', "_"))
}

fn manifest(id: &str, sdk: &Path, deps: &JsonValue) -> Result<String, CompileError> {
    validate_dependencies(deps).map_err(CompileError::InvalidDependencies)?;
    let mut dependencies = toml::Table::new();
    let mut sdk_dep = toml::Table::new();
    sdk_dep.insert(
        "path".into(),
        toml::Value::String(sdk.display().to_string()),
    );
    dependencies.insert("rust-edge-gateway-sdk".into(), toml::Value::Table(sdk_dep));
    let mut serde_dep = toml::Table::new();
    serde_dep.insert("version".into(), "1".into());
    serde_dep.insert("features".into(), toml::Value::Array(vec!["derive".into()]));
    dependencies.insert("serde".into(), toml::Value::Table(serde_dep));
    dependencies.insert("serde_json".into(), "1".into());
    for (name, spec) in deps.as_object().into_iter().flatten() {
        let v = toml::Value::try_from(spec)
            .map_err(|e| CompileError::InvalidDependencies(e.to_string()))?;
        dependencies.insert(name.clone(), v);
    }
    let doc = toml::toml! {
        [package]
        version = "0.1.0"
        edition = "2021"
        publish = false

        [lib]
        crate-type = ["cdylib"]

        [profile.release]
        codegen-units = 1

        [workspace]
    };
    let mut doc = doc;
    if let Some(toml::Value::Table(p)) = doc.get_mut("package") {
        p.insert("name".into(), toml::Value::String(crate_name(id)));
    }
    doc.insert("dependencies".into(), toml::Value::Table(dependencies));
    toml::to_string(&doc).map_err(|e| CompileError::InvalidDependencies(e.to_string()))
}

/// Keeps what helps a person: errors, warnings, their source excerpts; drops progress lines.
fn diagnostics(stderr: &str) -> String {
    let keep: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("Compiling ")
                || t.starts_with("Updating ")
                || t.starts_with("Downloading ")
                || t.starts_with("Downloaded ")
                || t.starts_with("Locking ")
                || t.starts_with("Adding ")
                || t.starts_with("Blocking "))
        })
        .collect();
    keep.join("\n").trim().to_string()
}

impl Compiler {
    /// A compiler keeping crates under `data_dir`, building into the shared cargo target
    /// dir `target`, against the SDK at `sdk`.
    pub fn new(data_dir: &Path, target: &Path, sdk: &Path) -> Self {
        Compiler {
            data_dir: data_dir.to_path_buf(),
            target: target.to_path_buf(),
            sdk: sdk.to_path_buf(),
            queue: Mutex::new(()),
            stats: CompileStats::default(),
        }
    }

    /// Build counters.
    pub fn stats(&self) -> &CompileStats {
        &self.stats
    }

    /// Writes the crate for endpoint `id` and builds it (queued behind other builds).
    pub async fn compile(
        &self,
        id: &str,
        code: &str,
        deps: &JsonValue,
    ) -> Result<Built, CompileError> {
        self.compile_with_progress(id, code, deps, |_| {}).await
    }

    /// As [`Compiler::compile`], handing each line cargo prints to `progress` as it comes
    /// (the admin UI shows them live).
    pub async fn compile_with_progress(
        &self,
        id: &str,
        code: &str,
        deps: &JsonValue,
        mut progress: impl FnMut(&str) + Send,
    ) -> Result<Built, CompileError> {
        let manifest = manifest(id, &self.sdk, deps)?;
        let _turn = self.queue.lock().await;
        let dir = self.data_dir.join("handlers").join(id);
        tokio::fs::create_dir_all(dir.join("src")).await?;
        tokio::fs::write(dir.join("Cargo.toml"), manifest).await?;
        tokio::fs::write(dir.join("src/lib.rs"), code).await?;
        let target = &self.target;
        let started = Instant::now();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut child = Command::new(cargo)
            .arg("build")
            .arg("--release")
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("RUSTFLAGS")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let mut stderr = String::new();
        if let Some(pipe) = child.stderr.take() {
            let mut reader = BufReader::new(pipe);
            let mut raw = Vec::new();
            while reader.read_until(b'\n', &mut raw).await? > 0 {
                let line = String::from_utf8_lossy(&raw);
                let line = line.trim_end_matches(['\r', '\n']);
                progress(line);
                stderr.push_str(line);
                stderr.push('\n');
                raw.clear();
            }
        }
        let status = child.wait().await?;
        let duration = started.elapsed();
        {
            use std::sync::atomic::Ordering::Relaxed;
            let ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
            self.stats.total_ms.fetch_add(ms, Relaxed);
            let outcome = if status.success() {
                &self.stats.succeeded
            } else {
                &self.stats.failed
            };
            outcome.fetch_add(1, Relaxed);
        }
        if !status.success() {
            return Err(CompileError::Failed(diagnostics(&stderr)));
        }
        let built = target
            .join("release")
            .join(format!("lib{}.so", crate_name(id)));
        let library = install(&built, &self.data_dir.join("libs"))?;
        Ok(Built { library, duration })
    }

    /// Removes an endpoint's crate directory.
    pub async fn forget(&self, id: &str) {
        let _ = tokio::fs::remove_dir_all(self.data_dir.join("handlers").join(id)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dependencies_are_registry_crates_only() {
        assert!(validate_dependencies(
            &json!({"regex": "1.10", "chrono": {"version": "0.4", "features": ["serde"]}})
        )
        .is_ok());
        assert!(validate_dependencies(&json!({"x": {"path": "/etc"}})).is_err());
        assert!(validate_dependencies(&json!({"x": {"git": "https://example.com/x"}})).is_err());
        assert!(validate_dependencies(&json!(["regex"])).is_err());
        assert!(validate_dependencies(&json!({"../x": "1"})).is_err());
    }

    #[test]
    fn manifest_has_sdk_user_deps_and_cdylib() {
        let m = manifest(
            "ab-cd",
            Path::new("/sdk"),
            &json!({"tokio": {"version": "1", "optional": true}}),
        )
        .expect("manifest");
        assert!(m.contains("name = \"handler_ab_cd\""), "{m}");
        assert!(m.contains("crate-type = [\"cdylib\"]"), "{m}");
        assert!(m.contains("path = \"/sdk\""), "{m}");
        assert!(m.contains("optional = true"), "{m}");
    }
}
