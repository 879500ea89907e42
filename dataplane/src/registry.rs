//! Endpoint registry: which handler version serves which route, swapped RCU-style.
//!
//! The control side owns the master copy ([`Registry`]). Every change builds a new
//! immutable [`Snapshot`] (router plus endpoints) and sends it to each core's inbox over
//! crossbeam; a core adopts the newest snapshot between requests (and on a 10 ms tick when
//! idle), so a lookup never takes a lock shared between cores. Each handler [`Version`]
//! counts its in-flight requests in one padded slot per core. A swap moves the old version
//! to the draining list; a background task releases it once every core's count is zero or
//! the drain timeout passed. The library itself is closed only when the last reference goes
//! (every in-flight future holds one), so even a timed-out drain never unmaps live code.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;

use crate::domain_policy::{DomainPolicies, DomainPolicy};
use crate::library::HandlerLibrary;
use crate::metrics::{EndpointMetrics, MetricsSnapshot};
use crate::router::{RouteError, Router};

/// Pads a counter to its own cache line so cores never contend on one.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Slot(AtomicU64);

/// One loaded version of an endpoint's handler, with per-core in-flight counters.
#[derive(Debug)]
pub struct Version {
    /// The library.
    pub lib: Arc<HandlerLibrary>,
    inflight: Box<[Slot]>,
}

impl Version {
    /// A version for `cores` cores.
    pub fn new(lib: Arc<HandlerLibrary>, cores: usize) -> Self {
        Version {
            lib,
            inflight: (0..cores.max(1)).map(|_| Slot::default()).collect(),
        }
    }

    /// Counts a request on `core` until the guard drops, without touching the version's
    /// reference count (the caller keeps the version alive, e.g. through its snapshot).
    pub fn enter(&self, core: usize) -> InflightGuard<'_> {
        let core = core.min(self.inflight.len() - 1);
        self.inflight[core].0.fetch_add(1, Ordering::Relaxed);
        InflightGuard {
            version: self,
            core,
        }
    }

    /// Requests in flight on all cores.
    pub fn inflight(&self) -> u64 {
        self.inflight
            .iter()
            .map(|s| s.0.load(Ordering::Acquire))
            .sum()
    }
}

/// Decrements the in-flight count of a version when dropped.
#[derive(Debug)]
pub struct InflightGuard<'a> {
    version: &'a Version,
    core: usize,
}

impl Drop for InflightGuard<'_> {
    fn drop(&mut self) {
        self.version.inflight[self.core]
            .0
            .fetch_sub(1, Ordering::Release);
    }
}

/// What the dataplane needs to serve one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSpec {
    /// Stable id (the admin's endpoint id).
    pub id: String,
    /// Host pattern: exact, `*.suffix` or `*`.
    pub domain: String,
    /// HTTP method.
    pub method: String,
    /// Full path pattern (collection `base_path` already prefixed).
    pub path: String,
    /// Largest request body accepted (413 above).
    pub max_body: usize,
    /// Handler timeout (504 after, the handler future is dropped).
    pub timeout: Duration,
    /// Scope passed to the host with this endpoint's service calls.
    pub scope: u64,
    /// The deployed version number (the store's), recorded by the crash record so a boot
    /// knows which version crashed the process.
    pub version: u64,
}

/// A served endpoint: its spec and current version.
#[derive(Debug)]
pub struct Endpoint {
    /// The spec.
    pub spec: EndpointSpec,
    /// The version serving new requests.
    pub version: Arc<Version>,
    /// Counters, kept across versions.
    pub metrics: Arc<EndpointMetrics>,
}

/// An immutable routing table shared with every core.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Route lookups give indexes into `endpoints`.
    pub router: Router<usize>,
    /// The endpoints.
    pub endpoints: Vec<Arc<Endpoint>>,
    /// Per-domain HTTPS redirect and HSTS.
    pub policies: Arc<DomainPolicies>,
}

/// The product docs' `swap_graceful` result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SwapResult {
    /// Whether the new version now takes new requests.
    pub swapped: bool,
    /// Requests still running on the old version.
    pub old_requests_pending: u64,
    /// Whether the old version is draining.
    pub draining: bool,
}

/// The product docs' registry statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RegistryStats {
    /// Endpoints with a loaded handler.
    pub loaded_count: usize,
    /// Old versions still draining.
    pub draining_count: usize,
    /// Requests in flight on current versions.
    pub active_requests: u64,
    /// Requests in flight on draining versions.
    pub draining_requests: u64,
    /// Deploys that replaced a running version (hot swaps) since start.
    pub swaps: u64,
}

#[derive(Debug)]
struct Draining {
    endpoint: String,
    version: Arc<Version>,
    deadline: Instant,
}

#[derive(Debug, Default)]
struct Master {
    endpoints: HashMap<String, Arc<Endpoint>>,
    draining: Vec<Draining>,
    swaps: u64,
    policies: Arc<DomainPolicies>,
}

/// The control side's master copy and the publisher to every core.
#[derive(Debug)]
pub struct Registry {
    master: Mutex<Master>,
    inboxes: Vec<Sender<Arc<Snapshot>>>,
    epoch: Arc<AtomicU64>,
    cores: usize,
    drain_timeout: Duration,
}

impl Registry {
    /// A registry publishing to these per-core inboxes; `epoch` is bumped on every publish.
    pub fn new(
        inboxes: Vec<Sender<Arc<Snapshot>>>,
        epoch: Arc<AtomicU64>,
        drain_timeout: Duration,
    ) -> Self {
        let cores = inboxes.len().max(1);
        Registry {
            master: Mutex::new(Master::default()),
            inboxes,
            epoch,
            cores,
            drain_timeout,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Master> {
        self.master.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn publish(&self, master: &Master) -> Result<(), RouteError> {
        let mut snap = Snapshot {
            policies: Arc::clone(&master.policies),
            ..Snapshot::default()
        };
        let mut ids: Vec<&String> = master.endpoints.keys().collect();
        ids.sort();
        for id in ids {
            let ep = &master.endpoints[id];
            snap.router.insert(
                &ep.spec.domain,
                &ep.spec.method,
                &ep.spec.path,
                snap.endpoints.len(),
            )?;
            snap.endpoints.push(Arc::clone(ep));
        }
        let snap = Arc::new(snap);
        for inbox in &self.inboxes {
            let _ = inbox.send(Arc::clone(&snap));
        }
        self.epoch.fetch_add(1, Ordering::Release);
        Ok(())
    }

    /// Serves `spec` with `lib`: a new endpoint, or a graceful swap of an existing one (new
    /// requests go to `lib`, the old version drains). A route conflict changes nothing.
    pub fn deploy(
        &self,
        spec: EndpointSpec,
        lib: Arc<HandlerLibrary>,
    ) -> Result<SwapResult, RouteError> {
        let mut master = self.lock();
        let version = Arc::new(Version::new(lib, self.cores));
        let metrics = master
            .endpoints
            .get(&spec.id)
            .map(|e| Arc::clone(&e.metrics))
            .unwrap_or_else(|| Arc::new(EndpointMetrics::new(self.cores)));
        let new = Arc::new(Endpoint {
            spec: spec.clone(),
            version,
            metrics,
        });
        let old = master.endpoints.insert(spec.id.clone(), new);
        if let Err(e) = self.publish(&master) {
            match old {
                Some(o) => master.endpoints.insert(spec.id.clone(), o),
                None => master.endpoints.remove(&spec.id),
            };
            return Err(e);
        }
        if old.is_some() {
            master.swaps += 1;
        }
        Ok(self.retire(&mut master, old))
    }

    /// Replaces every domain's HTTPS redirect and HSTS policy; the next request on each
    /// core sees the new table. Redirects point to `tls_port` (none without one).
    pub fn set_domain_policies(&self, policies: Vec<DomainPolicy>, tls_port: Option<u16>) {
        let mut master = self.lock();
        master.policies = Arc::new(DomainPolicies::new(policies, tls_port));
        // The routes are unchanged, so they cannot conflict.
        let _ = self.publish(&master);
    }

    /// Stops serving an endpoint; its version drains.
    pub fn remove(&self, id: &str) -> SwapResult {
        let mut master = self.lock();
        let old = master.endpoints.remove(id);
        if old.is_some() {
            // Removing a route cannot create a conflict.
            let _ = self.publish(&master);
        }
        let mut r = self.retire(&mut master, old);
        r.swapped = false;
        r
    }

    fn retire(&self, master: &mut Master, old: Option<Arc<Endpoint>>) -> SwapResult {
        match old {
            Some(ep) => {
                let pending = ep.version.inflight();
                master.draining.push(Draining {
                    endpoint: ep.spec.id.clone(),
                    version: Arc::clone(&ep.version),
                    deadline: Instant::now() + self.drain_timeout,
                });
                SwapResult {
                    swapped: true,
                    old_requests_pending: pending,
                    draining: true,
                }
            }
            None => SwapResult {
                swapped: true,
                old_requests_pending: 0,
                draining: false,
            },
        }
    }

    /// Releases drained versions (and those past the drain timeout); how many.
    pub fn cleanup_drained(&self) -> usize {
        let mut master = self.lock();
        let now = Instant::now();
        let before = master.draining.len();
        master
            .draining
            .retain(|d| d.version.inflight() > 0 && now < d.deadline);
        before - master.draining.len()
    }

    /// Counts for monitoring.
    pub fn stats(&self) -> RegistryStats {
        let master = self.lock();
        RegistryStats {
            loaded_count: master.endpoints.len(),
            draining_count: master.draining.len(),
            active_requests: master
                .endpoints
                .values()
                .map(|e| e.version.inflight())
                .sum(),
            draining_requests: master.draining.iter().map(|d| d.version.inflight()).sum(),
            swaps: master.swaps,
        }
    }

    /// Ids of the endpoints with an old version still draining (sorted, deduplicated).
    pub fn draining_ids(&self) -> Vec<String> {
        let master = self.lock();
        let mut ids: Vec<String> = master
            .draining
            .iter()
            .filter(|d| d.version.inflight() > 0)
            .map(|d| d.endpoint.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Counters of every served endpoint, by id.
    pub fn metrics(&self) -> Vec<(String, MetricsSnapshot)> {
        let master = self.lock();
        let mut all: Vec<_> = master
            .endpoints
            .iter()
            .map(|(id, e)| (id.clone(), e.metrics.snapshot()))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// The spec of every served endpoint (what a cluster node compares with the store).
    pub fn specs(&self) -> Vec<EndpointSpec> {
        self.lock()
            .endpoints
            .values()
            .map(|e| e.spec.clone())
            .collect()
    }

    /// The spec an endpoint serves with.
    pub fn spec(&self, id: &str) -> Option<EndpointSpec> {
        self.lock().endpoints.get(id).map(|e| e.spec.clone())
    }

    /// The current version of an endpoint.
    pub fn current(&self, id: &str) -> Option<Arc<Version>> {
        self.lock()
            .endpoints
            .get(id)
            .map(|e| Arc::clone(&e.version))
    }
}
