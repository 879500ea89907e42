//! The endpoint lifecycle, in one place: compile the draft, deploy (start) the draft's last
//! successful build, stop, re-route, restore at boot, delete. The management API, the
//! importers, the boot restore and the admin UI's routes all go through here.
//!
//! An endpoint has a draft (its code and dependencies, edited freely) and a deployed
//! version. Compiling builds the draft and never changes what serves. Starting deploys the
//! draft's last successful build, and only while the draft is still what that build
//! compiled; the deployed version is what a restart (or a kill -9) serves again.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rust_edge_gateway_dataplane::registry::SwapResult;
use rust_edge_gateway_sdk::abi::FINGERPRINT;
use serde::Serialize;

use crate::artifacts::{ArtifactError, Artifacts};

mod node_state;
mod reconcile;

use crate::compiler::{validate_dependencies, CompileError, Compiler};
use crate::logs::EndpointLogs;
use crate::serving::{Serving, StartError};
use crate::store::endpoints::{status, Endpoint, EndpointFilter};
use crate::store::{Backend, Store, StoreError};
pub use node_state::digest;
pub use reconcile::ReconcileReport;

/// Why a lifecycle step did not happen.
#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    /// No endpoint with this id.
    #[error("no endpoint with id {0}")]
    NotFound(String),
    /// The draft was never built.
    #[error("endpoint has not been compiled yet; compile it first")]
    NotCompiled,
    /// The draft changed since its last successful build.
    #[error("the draft was edited since its last successful build (v{version}); compile it, then start (v{deployed} keeps serving)", deployed = deployed.map_or_else(|| "nothing".to_string(), |v| v.to_string()))]
    DraftChanged {
        /// The version of that build.
        version: i64,
        /// The deployed version, if any.
        deployed: Option<i64>,
    },
    /// The last build was made by a gateway with another ABI.
    #[error("the last build was made by another gateway version (ABI fingerprint differs); compile again")]
    StaleBuild,
    /// The code did not compile (rustc's diagnostics) or the build timed out.
    #[error("{0}")]
    CompileFailed(String),
    /// The dependency table is refused.
    #[error("invalid dependencies: {0}")]
    InvalidDependencies(String),
    /// The route is refused.
    #[error(transparent)]
    Route(#[from] crate::route::RouteError),
    /// Loading or routing the library failed.
    #[error(transparent)]
    Start(#[from] StartError),
    /// The compiler failed (I/O, install).
    #[error(transparent)]
    Compiler(CompileError),
    /// The config store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The artifact bucket failed (upload on compile or deploy, download before a load).
    #[error(transparent)]
    Artifacts(#[from] ArtifactError),
}

impl From<CompileError> for LifecycleError {
    fn from(e: CompileError) -> Self {
        match e {
            CompileError::Failed(_) | CompileError::TimedOut(_) => {
                LifecycleError::CompileFailed(e.to_string())
            }
            CompileError::InvalidDependencies(m) => LifecycleError::InvalidDependencies(m),
            other => LifecycleError::Compiler(other),
        }
    }
}

/// What a successful compile answers.
#[derive(Debug, Clone, Serialize)]
pub struct BuildReport {
    /// The new build's version.
    pub version: i64,
    /// How long cargo took.
    pub duration: Duration,
}

/// Hands an endpoint's variables and secrets to the handlers' `ctx.var` (the next request
/// sees them: no recompile, no swap).
pub fn publish_vars(ep: &Endpoint) {
    let vars: HashMap<String, String> = ep
        .variables
        .iter()
        .chain(&ep.secrets)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    rust_edge_gateway_dataplane::host::set_vars(u64::try_from(ep.scope).unwrap_or(0), vars);
}

/// Progress of the boot restore, for `GET /api/health`.
#[derive(Debug, Default)]
pub struct RestoreProgress {
    done: AtomicBool,
    total: AtomicUsize,
    loaded: AtomicUsize,
    rebuilt: AtomicUsize,
    failed: AtomicUsize,
    /// Changed through the API while the restore ran (stopped, deleted, deployed anew).
    skipped: AtomicUsize,
    /// Crash records found at boot (each kept a version unloaded, or named no handler).
    crash_records: AtomicUsize,
}

impl RestoreProgress {
    /// Whether every endpoint to restore has been handled.
    pub fn is_done(&self) -> bool {
        self.done.load(Ordering::Acquire)
    }

    /// Crash records found at boot.
    pub fn crash_records(&self) -> usize {
        self.crash_records.load(Ordering::Relaxed)
    }

    /// The figures as JSON: done, total, loaded, rebuilt, failed, pending, crash_records.
    pub fn snapshot(&self) -> serde_json::Value {
        let total = self.total.load(Ordering::Relaxed);
        let loaded = self.loaded.load(Ordering::Relaxed);
        let rebuilt = self.rebuilt.load(Ordering::Relaxed);
        let failed = self.failed.load(Ordering::Relaxed);
        let skipped = self.skipped.load(Ordering::Relaxed);
        serde_json::json!({
            "done": self.is_done(),
            "total": total,
            "loaded": loaded,
            "rebuilt": rebuilt,
            "failed": failed,
            "skipped": skipped,
            "pending": total.saturating_sub(loaded + rebuilt + failed + skipped),
            "crash_records": self.crash_records(),
        })
    }
}

/// One lock per endpoint: start, stop, re-route, delete and each restore step of an endpoint
/// happen one at a time, each from a fresh read of the store (a compile takes no lock: it
/// only records a build).
#[derive(Debug, Default)]
struct EndpointLocks(std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl EndpointLocks {
    async fn lock(&self, id: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
            map.retain(|_, l| Arc::strong_count(l) > 1);
            Arc::clone(map.entry(id.to_string()).or_default())
        };
        lock.lock_owned().await
    }
}

/// The endpoint lifecycle over the store, the compiler and what serves.
#[derive(Debug, Clone)]
pub struct Lifecycle {
    locks: Arc<EndpointLocks>,
    store: Store,
    compiler: Arc<Compiler>,
    serving: Serving,
    logs: Arc<EndpointLogs>,
    services: rust_edge_gateway_services::ServiceHub,
    artifacts: Arc<Artifacts>,
    /// What only this node knows in a cluster (its own builds, errors, what it loaded).
    node: Arc<node_state::NodeState>,
}

impl Lifecycle {
    /// The lifecycle of the endpoints in `store`; libraries come from `artifacts`.
    pub fn new(
        store: Store,
        compiler: Arc<Compiler>,
        serving: Serving,
        logs: Arc<EndpointLogs>,
        services: rust_edge_gateway_services::ServiceHub,
        artifacts: Arc<Artifacts>,
    ) -> Self {
        Lifecycle {
            locks: Arc::default(),
            store,
            compiler,
            serving,
            logs,
            services,
            artifacts,
            node: Arc::default(),
        }
    }

    /// Whether the store is shared with other nodes (PostgreSQL).
    fn clustered(&self) -> bool {
        self.store.backend() == Backend::Postgres
    }

    /// What serves on this node is what it serves; the store, the artifacts and the
    /// compiler it uses.
    pub fn serving(&self) -> &Serving {
        &self.serving
    }

    /// Why this node does not serve endpoints the store says run (cluster mode).
    pub fn node_errors(&self) -> HashMap<String, String> {
        self.node.errors()
    }

    async fn find(&self, id: &str) -> Result<Endpoint, LifecycleError> {
        self.store
            .get_endpoint(id)
            .await?
            .ok_or_else(|| LifecycleError::NotFound(id.to_string()))
    }

    /// Builds the endpoint's draft, handing cargo's lines to `progress`. Success records a
    /// new build (version + 1); failure records the diagnostics. What serves is untouched
    /// either way.
    pub async fn compile(
        &self,
        id: &str,
        progress: impl FnMut(&str) + Send,
    ) -> Result<BuildReport, LifecycleError> {
        let ep = self.find(id).await?;
        validate_dependencies(&ep.dependencies).map_err(LifecycleError::InvalidDependencies)?;
        match self
            .compiler
            .compile_with_progress(&ep.id, &ep.code, &ep.dependencies, progress)
            .await
        {
            Ok(built) => {
                // In a cluster the build is uploaded before it is recorded: no node is told
                // of a library it cannot fetch.
                if let Err(e) = self.artifacts.publish(&built.library).await {
                    self.compiler.settled(&built.library);
                    return Err(e.into());
                }
                let lib = built.library.display().to_string();
                let recorded = self
                    .store
                    .record_build(id, &lib, FINGERPRINT, &ep.code, &ep.dependencies)
                    .await;
                self.compiler.settled(&built.library);
                recorded?;
                self.store
                    .set_build_outcome(id, status::COMPILED, None)
                    .await?;
                self.sweep_libraries().await;
                Ok(BuildReport {
                    version: ep.version + 1,
                    duration: built.duration,
                })
            }
            Err(err) => {
                let err = LifecycleError::from(err);
                if let LifecycleError::CompileFailed(diag) = &err {
                    // A running endpoint keeps running its deployed version.
                    self.store
                        .set_build_outcome(id, status::ERROR, Some(diag))
                        .await?;
                }
                Err(err)
            }
        }
    }

    /// Loads `library` (the build of `version`) for `ep` on its current route: the route is
    /// checked before the library is opened, so a refused route never runs the library's
    /// constructors.
    async fn serve(
        &self,
        ep: &Endpoint,
        library: &str,
        version: i64,
    ) -> Result<SwapResult, LifecycleError> {
        crate::route::check(&ep.method, &ep.path, &ep.domain)?;
        let base = self
            .store
            .collection_base_path(ep.collection_id.as_deref())
            .await?;
        self.serve_at(ep, library, version, base.as_deref()).await
    }

    /// [`Lifecycle::serve`] with the collection's base path already read; the library is
    /// fetched from the artifact bucket when this node does not have it.
    async fn serve_at(
        &self,
        ep: &Endpoint,
        library: &str,
        version: i64,
        base: Option<&str>,
    ) -> Result<SwapResult, LifecycleError> {
        let local = match self.node.local_build(&ep.id, version) {
            Some(lib) => PathBuf::from(lib),
            // One node: the library is in its libs dir or the load says it is missing.
            None if !self.artifacts.is_shared() => self.artifacts.local_path(library),
            None => self.artifacts.fetch(library, FINGERPRINT).await?,
        };
        publish_vars(ep);
        let local = local.display().to_string();
        let swap = self.serving.start(ep, &local, version, base).await?;
        self.node.served_from(&ep.id, local);
        Ok(swap)
    }

    /// The library file an endpoint was last loaded from on this node.
    pub fn served_library(&self, id: &str) -> Option<String> {
        self.node.served_library(id)
    }

    /// Records what a node that started without its store loaded from its cached state.
    pub fn served_from_cache(&self, id: &str, library: &str) {
        self.node.served_from(id, library.to_string());
    }

    /// Deploys the draft's last successful build: new requests go to it at once, requests
    /// in flight on the previous version finish there. Refused (409) when the draft changed
    /// since that build.
    pub async fn start(&self, id: &str) -> Result<SwapResult, LifecycleError> {
        let _one = self.locks.lock(id).await;
        let ep = self.find(id).await?;
        let build = ep.build.clone().ok_or(LifecycleError::NotCompiled)?;
        if !ep.draft_compiled {
            if build.fingerprint != FINGERPRINT {
                return Err(LifecycleError::StaleBuild);
            }
            return Err(LifecycleError::DraftChanged {
                version: build.version,
                deployed: ep.deployed.as_ref().map(|d| d.version),
            });
        }
        // Pinned from the read until the deploy is recorded: a compile finishing meanwhile
        // replaces the draft's build, and the sweep must not take this one.
        let library = self.artifacts.local_path(&build.library);
        self.compiler.pin(&library);
        // Every node must be able to fetch what is about to be recorded as deployed: with
        // the bucket unreachable the deploy fails here and nothing changes.
        let published = if self.artifacts.is_shared() {
            match self
                .artifacts
                .fetch(&build.library, &build.fingerprint)
                .await
            {
                Ok(local) => self.artifacts.publish(&local).await.map_err(Into::into),
                Err(e) => Err(LifecycleError::from(e)),
            }
        } else {
            Ok(())
        };
        if let Err(e) = published {
            self.compiler.settled(&library);
            return Err(e);
        }
        let served = self.serve(&ep, &build.library, build.version).await;
        let recorded = match &served {
            Ok(_) => self.store.record_deploy(id, &build).await,
            Err(_) => Ok(()),
        };
        self.compiler.settled(&library);
        match served {
            Ok(swap) => {
                if self.serving.lift_quarantine(&ep) {
                    tracing::info!(endpoint = %id, "quarantine lifted by a deploy");
                }
                if self.clustered() {
                    // Lifted on every node: the others follow the store.
                    if let Err(e) = crate::cluster::quarantine::lifted(&self.store, ep.scope).await
                    {
                        tracing::warn!(endpoint = %id, "quarantine not lifted in the store: {e}");
                    }
                }
                recorded?;
                self.sweep_libraries().await;
                Ok(swap)
            }
            Err(err) => {
                if self.clustered() && ep.deployed.is_some() {
                    // The other nodes keep serving the deployed version: this node's failed
                    // load is this node's (GET /api/nodes shows it).
                    self.node.set_error(id, Some(err.to_string()));
                } else if !self.serving.is_serving(id) {
                    self.store
                        .set_status(id, status::ERROR, Some(&err.to_string()))
                        .await?;
                }
                Err(err)
            }
        }
    }

    /// Stops serving; requests in flight finish. The deployed version is kept (a later
    /// start of an unchanged draft serves it again).
    pub async fn stop(&self, id: &str) -> Result<SwapResult, LifecycleError> {
        let _one = self.locks.lock(id).await;
        self.find(id).await?;
        let swap = self.serving.stop(id);
        self.store.set_status(id, status::STOPPED, None).await?;
        Ok(swap)
    }

    /// A serving endpoint follows its (already stored) new route at once, with its deployed
    /// version. Nothing happens for one that does not serve.
    pub async fn reroute(&self, ep: &Endpoint) -> Result<(), LifecycleError> {
        let _one = self.locks.lock(&ep.id).await;
        if !self.serving.is_serving(&ep.id) {
            return Ok(());
        }
        let ep = self.find(&ep.id).await?;
        let deployed = ep.deployed.as_ref().ok_or(LifecycleError::NotCompiled)?;
        self.serve(&ep, &deployed.library, deployed.version)
            .await
            .map(|_| ())
    }

    /// After the store deleted these endpoints (`(id, scope)`): stop serving them (they
    /// drain), remove their crates, build artifacts, logs, service bindings and unreferenced
    /// libraries.
    pub async fn forget(&self, endpoints: &[(String, i64)]) {
        for (id, scope) in endpoints {
            let _one = self.locks.lock(id).await;
            let scope = u64::try_from(*scope).unwrap_or(0);
            self.serving.stop(id);
            // Scopes are never handed out twice: a deleted endpoint's quarantine goes too.
            self.serving.quarantine().lift(scope);
            self.compiler.forget(id).await;
            self.logs.forget(scope);
            rust_edge_gateway_dataplane::host::set_vars(scope, HashMap::new());
            self.services.set_bindings(scope, std::iter::empty());
            self.node.forget(id);
        }
        self.sweep_libraries().await;
    }

    /// Removes installed libraries no endpoint refers to (neither a draft's build nor a
    /// deployed version).
    pub async fn sweep_libraries(&self) {
        let store = self.store.clone();
        let artifacts = Arc::clone(&self.artifacts);
        let local = self.node.local_libraries();
        let keep = || async move {
            match store.referenced_libraries().await {
                Ok(libs) => Some(
                    libs.iter()
                        .chain(&local)
                        .map(|l| artifacts.local_path(l))
                        .collect::<HashSet<_>>(),
                ),
                Err(e) => {
                    tracing::warn!("library sweep skipped: {e}");
                    None
                }
            }
        };
        let removed = self.compiler.sweep_libraries(keep).await;
        if removed > 0 {
            tracing::debug!(removed, "unreferenced handler libraries removed");
        }
    }

    /// Before the boot restore: every endpoint whose deployed version a crash record names
    /// (it was running when a fatal signal killed the gateway) goes to `error` with the
    /// reason instead of being loaded again; a deploy or start loads it again. Then the
    /// record file is cleared (the store holds the outcome from now on). Returns how many
    /// endpoints were kept unloaded.
    pub async fn hold_crashed(
        &self,
        records: &[rust_edge_gateway_dataplane::crash_record::CrashRecord],
        record_file: &Path,
        progress: &RestoreProgress,
    ) -> usize {
        progress
            .crash_records
            .fetch_add(records.len(), Ordering::Relaxed);
        let held = crate::crash_boot::hold(&self.store, records).await;
        match held {
            Ok(held) => {
                if let Err(e) = rust_edge_gateway_dataplane::crash_record::clear(record_file) {
                    tracing::error!("crash record {}: {e}", record_file.display());
                }
                held
            }
            Err(e) => {
                // The records stay in the file: the next boot tries again.
                tracing::error!("crash records not applied: {e}");
                0
            }
        }
    }

    /// Boot restore: every endpoint that was running serves its deployed version again.
    /// Those whose library is still valid load first, all of them; rebuilds (another ABI,
    /// a missing file) queue behind them. Each failure leaves that endpoint in `error`
    /// with the reason.
    pub async fn restore(&self, progress: &RestoreProgress) {
        let rebuild = self.restore_valid(progress).await;
        self.restore_rebuilds(rebuild, progress).await;
    }

    /// The first half of [`Lifecycle::restore`]: serves every running endpoint whose deployed
    /// library is still valid (fast: a load each) and returns those that need a rebuild.
    pub async fn restore_valid(&self, progress: &RestoreProgress) -> Vec<Endpoint> {
        let endpoints = match self.store.list_endpoints(&EndpointFilter::default()).await {
            Ok(e) => e,
            Err(e) => {
                tracing::error!("boot restore: {e}");
                return Vec::new();
            }
        };
        let running: Vec<Endpoint> = endpoints
            .into_iter()
            .filter(|e| e.status == status::RUNNING)
            .collect();
        progress.total.store(running.len(), Ordering::Relaxed);
        let mut rebuild = Vec::new();
        for ep in running {
            let Some(deployed) = ep.deployed.clone() else {
                self.restore_failed(&ep.id, "nothing was deployed", progress)
                    .await;
                continue;
            };
            let reusable = deployed.fingerprint == FINGERPRINT
                && (self.artifacts.is_shared()
                    || self.artifacts.local_path(&deployed.library).is_file());
            if !reusable {
                rebuild.push(ep);
                continue;
            }
            match self.restore_serve(&ep.id, deployed.version, None).await {
                Ok(true) => {
                    progress.loaded.fetch_add(1, Ordering::Relaxed);
                }
                Ok(false) => {
                    progress.skipped.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => self.restore_failed(&ep.id, &e.to_string(), progress).await,
            }
        }
        rebuild
    }

    /// The second half of [`Lifecycle::restore`]: rebuilds, one after another, the deployed
    /// code of the endpoints `restore_valid` left, and serves each; then the restore is done.
    pub async fn restore_rebuilds(&self, rebuild: Vec<Endpoint>, progress: &RestoreProgress) {
        if self.clustered() {
            // A cluster node's reconcile builds them (it is already following the store,
            // and one build per endpoint is enough).
            progress.skipped.fetch_add(rebuild.len(), Ordering::Relaxed);
            progress.done.store(true, Ordering::Release);
            return;
        }
        for ep in rebuild {
            tracing::info!(endpoint = %ep.id, "deployed library unusable (gateway changed or file missing); rebuilding the deployed code");
            match self.rebuild_deployed(&ep).await {
                Ok(true) => {
                    progress.rebuilt.fetch_add(1, Ordering::Relaxed);
                }
                Ok(false) => {
                    progress.skipped.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => self.restore_failed(&ep.id, &e.to_string(), progress).await,
            }
        }
        progress.done.store(true, Ordering::Release);
    }

    /// Serves an endpoint being restored, from a fresh read under its lock, and only while
    /// it still runs with the deployed version the restore started from (a stop, delete or
    /// deploy made meanwhile through the API wins). With `rebuilt`, that library is recorded
    /// as the deployed version's first. Whether it was served.
    async fn restore_serve(
        &self,
        id: &str,
        version: i64,
        rebuilt: Option<&str>,
    ) -> Result<bool, LifecycleError> {
        let _one = self.locks.lock(id).await;
        let Some(ep) = self.store.get_endpoint(id).await? else {
            return Ok(false);
        };
        let current = ep.deployed.as_ref().filter(|d| d.version == version);
        let Some(deployed) = current.filter(|_| ep.status == status::RUNNING) else {
            return Ok(false);
        };
        if self.serving.is_serving(id) {
            // Deployed again through the API while the restore ran.
            return Ok(false);
        }
        let library = match rebuilt {
            Some(lib) if self.clustered() => {
                // The other nodes keep the deploying node's library; this one is ours.
                self.node.set_local_build(id, version, lib.to_string());
                lib.to_string()
            }
            Some(lib) => {
                self.store
                    .record_deployed_rebuild(id, version, lib, FINGERPRINT)
                    .await?;
                lib.to_string()
            }
            None => deployed.library.clone(),
        };
        self.serve(&ep, &library, version).await?;
        Ok(true)
    }

    async fn rebuild_deployed(&self, ep: &Endpoint) -> Result<bool, LifecycleError> {
        let deployed = ep.deployed.as_ref().ok_or(LifecycleError::NotCompiled)?;
        let built = self
            .compiler
            .compile(&ep.id, &deployed.code, &deployed.dependencies)
            .await?;
        let lib = built.library.display().to_string();
        let served = self
            .restore_serve(&ep.id, deployed.version, Some(&lib))
            .await;
        self.compiler.settled(&built.library);
        let served = served?;
        self.sweep_libraries().await;
        Ok(served)
    }

    async fn restore_failed(&self, id: &str, msg: &str, progress: &RestoreProgress) {
        progress.failed.fetch_add(1, Ordering::Relaxed);
        tracing::error!(endpoint = %id, "boot restore failed: {msg}");
        if self.clustered() {
            // One node's failure is not the cluster's: the others may serve it.
            self.node
                .set_error(id, Some(format!("restore after restart failed: {msg}")));
            return;
        }
        let _one = self.locks.lock(id).await;
        let still_running = matches!(
            self.store.get_endpoint(id).await,
            Ok(Some(ep)) if ep.status == status::RUNNING
        );
        if self.serving.is_serving(id) || !still_running {
            // Deployed anew, stopped or deleted through the API meanwhile: that stands.
            return;
        }
        let _ = self
            .store
            .set_status(
                id,
                status::ERROR,
                Some(&format!("restore after restart failed: {msg}")),
            )
            .await;
    }
}
