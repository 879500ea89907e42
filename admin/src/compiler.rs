//! Builds an endpoint's code into a handler library.
//!
//! Each endpoint is a cargo crate under `<data-dir>/handlers/<id>/` (its code verbatim in
//! `src/lib.rs`, so compiler diagnostics point at the user's own lines) depending on the
//! SDK by path plus the endpoint's `dependencies`. All crates share one target dir, so
//! dependencies build once; builds are queued, never two cargo processes at a time. A
//! successful build is installed content-addressed under `<data-dir>/libs/`.
//!
//! Cargo runs with a cleared environment plus an allowlist ([`BUILD_ENV_ALLOWLIST`]): the
//! gateway's admin token, cloud credentials and the like never reach a dependency's build
//! script or proc macro. A build that outlives its timeout is killed with its whole process
//! group (cargo, rustc, build scripts) and reported as failed.

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
    /// The build ran past its timeout and was killed.
    #[error("the build did not finish within {0} s and was stopped (--build-timeout)")]
    TimedOut(u64),
}

/// How handler builds run.
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions {
    /// A build running longer is killed.
    pub timeout: Duration,
    /// cargo's `-j`.
    pub jobs: usize,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            timeout: Duration::from_secs(300),
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// Environment variables a handler build keeps (every other one is cleared): where the
/// toolchain is, the CA bundles cargo's downloads need, cargo's registry and network
/// settings, and proxies. Names ending in `*` are prefixes.
pub const BUILD_ENV_ALLOWLIST: &[&str] = &[
    "PATH",
    "HOME",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN",
    "TMPDIR",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "CARGO_HTTP_*",
    "CARGO_NET_*",
    "CARGO_REGISTRY_*",
    "CARGO_REGISTRIES_*",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "all_proxy",
];

/// Whether a build keeps the environment variable `name`. Registry tokens
/// (`CARGO_REGISTRY_TOKEN`, `CARGO_REGISTRIES_<NAME>_TOKEN`) never pass: a build needs to
/// download, not to publish.
pub fn build_env_allowed(name: &str) -> bool {
    if name.ends_with("_TOKEN") {
        return false;
    }
    BUILD_ENV_ALLOWLIST
        .iter()
        .any(|a| match a.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => name == *a,
        })
}

/// Crate names a handler may not declare as dependencies: the SDK's own crates (a
/// dependency named like the SDK could stand in for it) and the standard library's.
pub const RESERVED_DEPENDENCIES: &[&str] = &[
    "rust-edge-gateway-sdk",
    "rust-edge-gateway-sdk-macros",
    "std",
    "core",
    "alloc",
    "proc_macro",
    "test",
];

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
    options: BuildOptions,
    queue: Mutex<()>,
    /// Libraries in use by a step not recorded in the store yet (a build's new library, a
    /// library being loaded), counted: the library sweep leaves them alone.
    pinned: std::sync::Mutex<std::collections::HashMap<PathBuf, usize>>,
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
        // The name, and the package a table renames it from.
        let package = spec.get("package").and_then(JsonValue::as_str);
        for n in std::iter::once(name.as_str()).chain(package) {
            let canonical = n.replace('_', "-");
            if RESERVED_DEPENDENCIES
                .iter()
                .any(|r| r.replace('_', "-") == canonical)
            {
                return Err(format!(
                    "dependency {name}: {n} is reserved (the SDK's and the standard library's crates are provided by the gateway)"
                ));
            }
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
    pub fn new(data_dir: &Path, target: &Path, sdk: &Path, options: BuildOptions) -> Self {
        Compiler {
            data_dir: data_dir.to_path_buf(),
            target: target.to_path_buf(),
            sdk: sdk.to_path_buf(),
            options,
            queue: Mutex::new(()),
            pinned: std::sync::Mutex::default(),
            stats: CompileStats::default(),
        }
    }

    /// Where installed libraries live (`<data-dir>/libs`).
    pub fn libs_dir(&self) -> PathBuf {
        self.data_dir.join("libs")
    }

    fn pins(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<PathBuf, usize>> {
        self.pinned.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps `library` from the sweep until [`Compiler::settled`] (counted).
    pub fn pin(&self, library: &Path) {
        *self.pins().entry(library.to_path_buf()).or_insert(0) += 1;
    }

    /// What pinned `library` is recorded in the store (or dropped): the library sweep may
    /// judge it by the store again.
    pub fn settled(&self, library: &Path) {
        let mut pins = self.pins();
        if let Some(n) = pins.get_mut(library) {
            *n -= 1;
            if *n == 0 {
                pins.remove(library);
            }
        }
    }

    /// Removes installed libraries that `keep` (asked for once no build can install and the
    /// pins are read) does not name and nothing pins; returns how many went. A library
    /// still mapped by a draining version stays valid after its file is removed (the
    /// mapping holds it).
    pub async fn sweep_libraries<F, Fut>(&self, keep: F) -> usize
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Option<std::collections::HashSet<PathBuf>>>,
    {
        // No build installs while the sweep runs; pins first, then the store: whatever is
        // recorded after the pins were read was pinned when they were read.
        let _turn = self.queue.lock().await;
        let fresh: std::collections::HashSet<PathBuf> = self.pins().keys().cloned().collect();
        let Some(keep) = keep().await else {
            return 0;
        };
        let Ok(entries) = std::fs::read_dir(self.libs_dir()) else {
            return 0;
        };
        let mut removed = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            let is_library = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("libhandler-") && n.ends_with(".so"));
            if is_library
                && !keep.contains(&path)
                && !fresh.contains(&path)
                && std::fs::remove_file(&path).is_ok()
            {
                removed += 1;
            }
        }
        removed
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
        let mut command = Command::new(cargo);
        command
            .env_clear()
            .envs(std::env::vars_os().filter(|(k, _)| k.to_str().is_some_and(build_env_allowed)))
            .arg("build")
            .arg("--release")
            .arg("-j")
            .arg(self.options.jobs.max(1).to_string())
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_TERM_COLOR", "never")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            // Its own process group, so a timeout stops build scripts and rustc too.
            .process_group(0)
            .kill_on_drop(true);
        let mut child = command.spawn()?;
        let mut stderr = String::new();
        let pipe = child.stderr.take();
        let run = async {
            if let Some(pipe) = pipe {
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
            child.wait().await
        };
        let outcome = tokio::time::timeout(self.options.timeout, run).await;
        let status = match outcome {
            Ok(status) => status?,
            Err(_) => {
                kill_group(&mut child).await;
                self.stats
                    .failed
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return Err(CompileError::TimedOut(self.options.timeout.as_secs()));
            }
        };
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
        let library = install(&built, &self.libs_dir())?;
        self.pin(&library);
        Ok(Built { library, duration })
    }

    /// Removes an endpoint's crate directory and its build artifacts in the shared target
    /// dir (the dependencies it shares with other handlers stay).
    pub async fn forget(&self, id: &str) {
        let _turn = self.queue.lock().await;
        let _ = tokio::fs::remove_dir_all(self.data_dir.join("handlers").join(id)).await;
        let name = crate_name(id);
        let release = self.target.join("release");
        let _ = tokio::fs::remove_file(release.join(format!("lib{name}.so"))).await;
        let _ = tokio::fs::remove_file(release.join(format!("lib{name}.d"))).await;
        for sub in [".fingerprint", "deps", "incremental", "build"] {
            let Ok(entries) = std::fs::read_dir(release.join(sub)) else {
                continue;
            };
            for entry in entries.flatten() {
                let file = entry.file_name();
                let Some(file) = file.to_str() else { continue };
                let stem = file.strip_prefix("lib").unwrap_or(file);
                if stem.starts_with(&format!("{name}-")) || stem.starts_with(&format!("{name}.")) {
                    let path = entry.path();
                    let _ = if path.is_dir() {
                        std::fs::remove_dir_all(&path)
                    } else {
                        std::fs::remove_file(&path)
                    };
                }
            }
        }
    }
}

/// Kills a timed-out build's whole process group (cargo, rustc, build scripts), then reaps
/// cargo.
async fn kill_group(child: &mut tokio::process::Child) {
    if let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) {
        // SAFETY: kill(2) with a negative pid signals the process group cargo leads (it was
        // spawned with process_group(0)); no memory is touched.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill().await;
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
        for reserved in [
            "rust-edge-gateway-sdk",
            "rust_edge_gateway_sdk",
            "std",
            "core",
            "alloc",
        ] {
            let mut deps = serde_json::Map::new();
            deps.insert(reserved.to_string(), json!("1"));
            let err = validate_dependencies(&JsonValue::Object(deps)).expect_err(reserved);
            assert!(err.contains("reserved"), "{err}");
        }
        let renamed = validate_dependencies(
            &json!({"mysdk": {"version": "1", "package": "rust-edge-gateway-sdk"}}),
        )
        .expect_err("renamed SDK");
        assert!(renamed.contains("reserved"), "{renamed}");
    }

    #[test]
    fn builds_keep_only_allowlisted_variables() {
        for kept in [
            "PATH",
            "HOME",
            "CARGO_HOME",
            "SSL_CERT_FILE",
            "CARGO_HTTP_CAINFO",
            "https_proxy",
            "CARGO_REGISTRIES_MINE_INDEX",
        ] {
            assert!(build_env_allowed(kept), "{kept}");
        }
        for cleared in [
            "REG_ADMIN_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "CARGO_REGISTRY_TOKEN",
            "CARGO_REGISTRIES_MINE_TOKEN",
            "RUSTFLAGS",
            "CARGO_TARGET_DIR",
            "DATABASE_URL",
            "PATHX",
        ] {
            assert!(!build_env_allowed(cleared), "{cleared}");
        }
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
