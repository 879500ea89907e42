//! How a node follows the store: a change listener (`LISTEN reg_changes`), a reconcile
//! loop woken by it and by a timer, and a heartbeat.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rust_edge_gateway_services::ServiceHub;
use serde_json::Value as JsonValue;
use sqlx::postgres::PgListener;
use tokio::sync::Notify;

use super::cache::{self, CachedDomain, CachedEndpoint, CachedState};
use rust_edge_gateway_dataplane::crash_record::CrashRecord;

use super::quarantine::QuarantineSync;
use super::sealing::SecretKey;
use super::services::ServiceSync;
use super::{nodes, ClusterHealth, NodeInfo};
use crate::certificates::Certificates;
use crate::lifecycle::Lifecycle;
use crate::store::{Store, StoreError};

/// The channel the store's triggers notify.
pub const CHANNEL: &str = "reg_changes";

/// A cluster node's link to the store.
#[derive(Debug)]
pub struct Cluster {
    /// This node.
    pub node: NodeInfo,
    /// How the link is.
    pub health: ClusterHealth,
    store: Store,
    store_url: String,
    lifecycle: Lifecycle,
    services: ServiceHub,
    service_locks: Arc<crate::actors::ServiceLocks>,
    service_sync: ServiceSync,
    data_dir: PathBuf,
    wake: Notify,
    interval: Duration,
    /// Whether the schema is known to be migrated (a node that booted without the store
    /// migrates on its first contact).
    migrated: std::sync::atomic::AtomicBool,
    /// The domain policies last handed to the dataplane.
    domains: std::sync::Mutex<Option<String>>,
    /// The cluster's secrets key (certificate keys in the store).
    secret_key: Option<SecretKey>,
    certificates: Arc<Certificates>,
    quarantines: QuarantineSync,
    /// This node never reconciled with a cluster before (no cached state at boot): its own
    /// API certificates are written to the store rather than dropped.
    joining: std::sync::atomic::AtomicBool,
    /// Crash records of the last run not yet applied (the store was unreachable at boot).
    crashes: std::sync::Mutex<Option<(Vec<CrashRecord>, PathBuf)>>,
}

/// What a cluster node is made of, besides its store.
#[derive(Debug)]
pub struct ClusterParts {
    /// This node.
    pub node: NodeInfo,
    /// The lifecycle it reconciles through.
    pub lifecycle: Lifecycle,
    /// Its service actors.
    pub services: ServiceHub,
    /// The API's per-service locks (the sync takes them too).
    pub service_locks: Arc<crate::actors::ServiceLocks>,
    /// Its TLS certificates.
    pub certificates: Arc<Certificates>,
    /// `--secret-key-file`, read.
    pub secret_key: Option<SecretKey>,
    /// Its data dir (the cached state).
    pub data_dir: PathBuf,
    /// `--reconcile-interval`.
    pub interval: Duration,
}

/// How often a node heartbeats.
pub const HEARTBEAT: Duration = Duration::from_secs(2);

impl Cluster {
    /// A node of the cluster whose store is at `store_url`; `migrated` when the store
    /// answered at boot.
    pub fn new(store: Store, store_url: &str, parts: ClusterParts, migrated: bool) -> Arc<Self> {
        let joining = !cache::path(&parts.data_dir).is_file();
        Arc::new(Cluster {
            node: parts.node,
            health: ClusterHealth::default(),
            store,
            store_url: store_url.to_string(),
            lifecycle: parts.lifecycle,
            services: parts.services,
            service_locks: parts.service_locks,
            service_sync: ServiceSync::default(),
            data_dir: parts.data_dir,
            wake: Notify::new(),
            interval: parts.interval,
            migrated: std::sync::atomic::AtomicBool::new(migrated),
            domains: std::sync::Mutex::new(None),
            secret_key: parts.secret_key,
            certificates: parts.certificates,
            quarantines: QuarantineSync::default(),
            joining: std::sync::atomic::AtomicBool::new(joining),
            crashes: std::sync::Mutex::new(None),
        })
    }

    /// Crash records to apply on the first contact with the store (a boot without it):
    /// the version that killed the last run is held in `error` before anything is loaded.
    pub fn hold_crashes_later(&self, records: Vec<CrashRecord>, file: PathBuf) {
        if !records.is_empty() {
            *self.crashes.lock().unwrap_or_else(|p| p.into_inner()) = Some((records, file));
        }
    }

    /// This node's API started the actor of `s`.
    pub fn service_started_here(&self, s: &crate::store::services::Service) {
        self.service_sync.started_here(s);
    }

    /// The cluster's secrets key, when the node was given one.
    pub fn secret_key(&self) -> Option<&SecretKey> {
        self.secret_key.as_ref()
    }

    /// The services running now were started from the store at boot.
    pub async fn adopt_services(&self) {
        if let Err(e) = self.service_sync.adopt(&self.store, &self.services).await {
            tracing::warn!("service actors: {e}");
        }
    }

    /// Starts the listener, the reconcile loop and the heartbeat.
    pub fn spawn(self: &Arc<Self>) {
        tokio::spawn(Arc::clone(self).listen());
        tokio::spawn(Arc::clone(self).reconcile_loop());
        tokio::spawn(Arc::clone(self).heartbeat_loop());
    }

    /// Asks for a reconcile now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    async fn listen(self: Arc<Self>) {
        loop {
            let mut listener = match PgListener::connect(&self.store_url).await {
                Ok(l) => l,
                Err(e) => {
                    self.health.unreachable(&e.to_string());
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Err(e) = listener.listen(CHANNEL).await {
                self.health.unreachable(&e.to_string());
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            // Anything may have changed while this node was not listening.
            self.wake();
            loop {
                match listener.try_recv().await {
                    Ok(Some(_)) => {
                        self.health.notified();
                        self.wake();
                    }
                    Ok(None) => {
                        // The connection dropped and was made again: notifications sent
                        // meanwhile are lost, so look at the tables.
                        self.wake();
                    }
                    Err(e) => {
                        tracing::warn!("store change listener: {e}; reconnecting");
                        self.health.unreachable(&e.to_string());
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        break;
                    }
                }
            }
        }
    }

    async fn reconcile_loop(self: Arc<Self>) {
        loop {
            tokio::select! {
                () = self.wake.notified() => {}
                () = self.lifecycle.build_finished().notified() => {}
                () = tokio::time::sleep(self.interval) => {}
            }
            if let Err(e) = self.reconcile_once().await {
                if e.is_unavailable() {
                    tracing::warn!(
                        size = self.store.pool().size(),
                        idle = self.store.pool().num_idle(),
                        "store unreachable; serving what this node has: {e}"
                    );
                    self.health.unreachable(&e.to_string());
                } else {
                    tracing::error!("reconcile: {e}");
                    self.health.failed(&e.to_string());
                }
                // Retry soon, but not in a tight loop.
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }

    /// One reconcile: endpoints, domains, services and bindings to match the store; then the
    /// cache of what serves is written.
    pub async fn reconcile_once(&self) -> Result<(), StoreError> {
        use std::sync::atomic::Ordering;
        if !self.migrated.load(Ordering::Acquire) {
            self.store.migrate().await?;
            self.migrated.store(true, Ordering::Release);
            tracing::info!("config store reachable: following it");
        }
        let pending = self
            .crashes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some((records, file)) = pending {
            match crate::crash_boot::hold(&self.store, &records).await {
                Ok(held) => {
                    tracing::warn!(
                        held,
                        "crash records of the last run applied now that the store answers"
                    );
                    if let Err(e) = rust_edge_gateway_dataplane::crash_record::clear(&file) {
                        tracing::error!("crash record {}: {e}", file.display());
                    }
                }
                Err(e) => {
                    *self.crashes.lock().unwrap_or_else(|p| p.into_inner()) = Some((records, file));
                    return Err(e);
                }
            }
        }
        let (report, endpoints) = self.lifecycle.reconcile().await?;
        if report.loaded + report.stopped + report.failed + report.building > 0 {
            tracing::info!(?report, "reconciled with the store");
        }
        let domains = self.store.list_domains().await?;
        let key = serde_json::to_string(
            &domains
                .iter()
                .map(|d| (&d.host, d.enabled, d.https_redirect, d.hsts_max_age))
                .collect::<Vec<_>>(),
        )?;
        let changed = {
            let mut last = self.domains.lock().unwrap_or_else(|p| p.into_inner());
            let changed = last.as_deref() != Some(key.as_str());
            *last = Some(key);
            changed
        };
        if changed {
            self.lifecycle.serving().publish_domains(&domains);
        }
        // Cached before the services are looked at: what serves is what matters first.
        self.save_cache(&endpoints, &domains).await;
        self.sync_quarantines().await?;
        let adopt = self.joining.load(std::sync::atomic::Ordering::Acquire);
        super::certificates::reconcile(&self.store, self.secret_key(), &self.certificates, adopt)
            .await?;
        self.joining
            .store(false, std::sync::atomic::Ordering::Release);
        self.service_sync
            .reconcile(&self.store, &self.services, &self.service_locks)
            .await?;
        self.health.reconciled();
        Ok(())
    }

    async fn save_cache(
        &self,
        endpoints: &[crate::store::endpoints::Endpoint],
        domains: &[crate::store::domains::Domain],
    ) {
        let served = self.lifecycle.serving().registry().specs();
        let cached = served
            .into_iter()
            .filter_map(|spec| {
                let ep = endpoints.iter().find(|e| e.id == spec.id)?;
                Some(CachedEndpoint {
                    library: self.lifecycle.served_library(&spec.id)?,
                    vars: ep
                        .variables
                        .iter()
                        .chain(&ep.secrets)
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    id: spec.id,
                    domain: spec.domain,
                    method: spec.method,
                    path: spec.path,
                    max_body: spec.max_body,
                    scope: spec.scope,
                    version: spec.version,
                })
            })
            .collect();
        let state = CachedState {
            saved_at: crate::store::now(),
            endpoints: cached,
            domains: domains
                .iter()
                .filter(|d| d.enabled)
                .map(|d| CachedDomain {
                    host: d.host.clone(),
                    https_redirect: d.https_redirect,
                    hsts_max_age: d.hsts_max_age.and_then(|s| u64::try_from(s).ok()),
                })
                .collect(),
        };
        let dir = self.data_dir.clone();
        let saved = tokio::task::spawn_blocking(move || cache::save(&dir, &state)).await;
        match saved {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!("{e}"),
            Err(e) => tracing::warn!("cluster state cache: {e}"),
        }
    }

    /// This node's quarantines to the store, the store's to this node.
    async fn sync_quarantines(&self) -> Result<(), StoreError> {
        let serving = self.lifecycle.serving();
        let specs = serving.registry().specs();
        self.quarantines
            .reconcile(&self.store, serving.quarantine(), &self.node.id, |scope| {
                specs
                    .iter()
                    .find(|s| s.scope == scope)
                    .map(|s| s.id.clone())
            })
            .await?;
        Ok(())
    }

    async fn heartbeat_loop(self: Arc<Self>) {
        loop {
            if self.migrated.load(std::sync::atomic::Ordering::Acquire) {
                // A quarantine this node's watchdog made reaches the others within a beat.
                if let Err(e) = self.sync_quarantines().await {
                    tracing::debug!("quarantines: {e}");
                }
                let stats = crate::api::system::counters(self.lifecycle.serving());
                if let Err(e) =
                    nodes::heartbeat(&self.store, &self.node, &self.serving_report(), &stats).await
                {
                    tracing::debug!("heartbeat: {e}");
                }
            }
            tokio::time::sleep(HEARTBEAT).await;
        }
    }

    /// Endpoint id -> `{version}` for what this node serves, `{version: null, error}` for
    /// what it fails to serve.
    pub fn serving_report(&self) -> BTreeMap<String, JsonValue> {
        nodes::serving_report(self.lifecycle.serving(), self.lifecycle.node_errors())
    }

    /// The store (for `GET /api/nodes`).
    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// A node that starts while the store is unreachable serves the state it cached: returns
/// how many endpoints it loaded and when the state was saved.
pub async fn serve_cached(
    data_dir: &std::path::Path,
    lifecycle: &Lifecycle,
    timeout: Duration,
    crashes: &[rust_edge_gateway_dataplane::crash_record::CrashRecord],
) -> Option<(usize, String)> {
    let serving = lifecycle.serving();
    let state = match cache::load(data_dir) {
        Ok(Some(s)) => s,
        Ok(None) => return None,
        Err(e) => {
            tracing::error!("{e}");
            return None;
        }
    };
    serving.publish_policies(state.policies());
    let mut loaded = 0;
    for e in state.servable(crashes) {
        rust_edge_gateway_dataplane::host::set_vars(e.scope, CachedState::vars(&e));
        match serving
            .start_spec(CachedState::spec(&e, timeout), &e.library)
            .await
        {
            Ok(_) => {
                lifecycle.served_from_cache(&e.id, &e.library);
                loaded += 1;
            }
            Err(err) => tracing::error!(endpoint = %e.id, "cached endpoint not served: {err}"),
        }
    }
    Some((loaded, state.saved_at))
}
