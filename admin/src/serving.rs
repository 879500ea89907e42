//! What is loaded and serving: loads an endpoint's installed library and hands it to the
//! dataplane registry (a graceful hot swap when the endpoint already serves), or removes it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rust_edge_gateway_dataplane::domain_policy::DomainPolicy;
use rust_edge_gateway_dataplane::host::HOST_VTABLE;
use rust_edge_gateway_dataplane::library::HandlerLibrary;
use rust_edge_gateway_dataplane::quarantine::{Quarantine, Quarantined};
use rust_edge_gateway_dataplane::registry::{EndpointSpec, Registry, SwapResult};
use rust_edge_gateway_dataplane::watchdog::Watchdog;

use crate::store::endpoints::Endpoint;

/// Why an endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Loading the library failed (fingerprint, missing file, ...).
    #[error(transparent)]
    Load(#[from] rust_edge_gateway_dataplane::LoadError),
    /// Its route conflicts with another endpoint's.
    #[error("route conflict: {0}")]
    Route(#[from] rust_edge_gateway_dataplane::router::RouteError),
    /// The loading thread failed.
    #[error("loading thread failed: {0}")]
    Join(String),
}

/// Default limits for endpoints (each endpoint's largest body is its own
/// `max_body_bytes`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Handler timeout.
    pub timeout: Duration,
}

/// The bridge from stored endpoints to the dataplane registry.
#[derive(Debug, Clone)]
pub struct Serving {
    registry: Arc<Registry>,
    watchdog: Arc<Watchdog>,
    limits: Limits,
    /// The dataplane's TLS port, where HTTPS redirects point.
    tls_port: Option<u16>,
}

/// Joins a collection base path and an endpoint path: `/v1` + `/pets` = `/v1/pets`.
pub fn full_path(base: Option<&str>, path: &str) -> String {
    let base = base.unwrap_or("").trim_end_matches('/');
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    if base.is_empty() {
        path
    } else if base.starts_with('/') {
        format!("{base}{path}")
    } else {
        format!("/{base}{path}")
    }
}

impl Serving {
    /// Serving through `registry`; `watchdog` is the dataplane's (it quarantines).
    pub fn new(registry: Arc<Registry>, watchdog: Arc<Watchdog>, limits: Limits) -> Self {
        Serving {
            registry,
            watchdog,
            limits,
            tls_port: None,
        }
    }

    /// Redirects to HTTPS point to `port` (the dataplane's bound TLS port); without one
    /// no domain is redirected.
    pub fn with_tls_port(mut self, port: Option<u16>) -> Self {
        self.tls_port = port;
        self
    }

    /// Hands every enabled domain's HTTPS redirect and HSTS setting to the dataplane.
    pub fn publish_domains(&self, domains: &[crate::store::domains::Domain]) {
        let policies = domains
            .iter()
            .filter(|d| d.enabled)
            .map(|d| DomainPolicy {
                host: d.host.clone(),
                https_redirect: d.https_redirect,
                hsts_max_age: d.hsts_max_age.and_then(|s| u64::try_from(s).ok()),
            })
            .collect();
        self.publish_policies(policies);
    }

    /// Hands these domain policies to the dataplane.
    pub fn publish_policies(&self, policies: Vec<DomainPolicy>) {
        self.registry.set_domain_policies(policies, self.tls_port);
    }

    /// The quarantined endpoints (counters for `/metrics`).
    pub fn quarantine(&self) -> &Arc<Quarantine> {
        self.watchdog.quarantine()
    }

    /// The dataplane's watchdog (counters for `/metrics`).
    pub fn watchdog(&self) -> &Arc<Watchdog> {
        &self.watchdog
    }

    /// Why the endpoint is quarantined, if it is.
    pub fn quarantined(&self, ep: &Endpoint) -> Option<Quarantined> {
        self.quarantine().get(u64::try_from(ep.scope).ok()?)
    }

    /// Shows a quarantine in the endpoint as the API returns it: status `quarantined` and
    /// the reason.
    pub fn annotate(&self, ep: &mut Endpoint) {
        if let Some(q) = self.quarantined(ep) {
            ep.status = crate::store::endpoints::EndpointStatus::Quarantined;
            ep.quarantine = Some(q.reason);
        }
    }

    /// Lifts the endpoint's quarantine (an explicit deploy or start); whether it had one.
    pub fn lift_quarantine(&self, ep: &Endpoint) -> bool {
        u64::try_from(ep.scope).is_ok_and(|scope| self.quarantine().lift(scope))
    }

    /// What the dataplane serves `version` of the endpoint with, under `base_path`.
    pub fn spec(&self, ep: &Endpoint, base_path: Option<&str>, version: i64) -> EndpointSpec {
        EndpointSpec {
            id: ep.id.clone(),
            domain: ep.domain.clone(),
            method: ep.method.clone(),
            path: full_path(base_path, &ep.path),
            max_body: usize::try_from(ep.max_body_bytes).unwrap_or(usize::MAX),
            timeout: self.limits.timeout,
            scope: u64::try_from(ep.scope).unwrap_or(0),
            version: u64::try_from(version).unwrap_or(0),
        }
    }

    /// Loads `library` (the build of `version`) for the endpoint and serves it: new requests
    /// go to it at once, requests already running on an older version finish there.
    pub async fn start(
        &self,
        ep: &Endpoint,
        library: &str,
        version: i64,
        base_path: Option<&str>,
    ) -> Result<SwapResult, StartError> {
        self.start_spec(self.spec(ep, base_path, version), library)
            .await
    }

    /// Loads `library` and serves it with `spec`.
    pub async fn start_spec(
        &self,
        spec: EndpointSpec,
        library: &str,
    ) -> Result<SwapResult, StartError> {
        let path = PathBuf::from(library);
        let scope = spec.scope;
        let lib =
            tokio::task::spawn_blocking(move || HandlerLibrary::load(&path, &HOST_VTABLE, scope))
                .await
                .map_err(|e| StartError::Join(e.to_string()))??;
        Ok(self.registry.deploy(spec, Arc::new(lib))?)
    }

    /// Stops serving; the running version drains.
    pub fn stop(&self, id: &str) -> SwapResult {
        self.registry.remove(id)
    }

    /// What an endpoint serves with now, if it serves.
    pub fn served(&self, id: &str) -> Option<EndpointSpec> {
        self.registry.spec(id)
    }

    /// Whether an endpoint is loaded.
    pub fn is_serving(&self, id: &str) -> bool {
        self.registry.current(id).is_some()
    }

    /// The registry (stats).
    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }
}

#[cfg(test)]
mod tests {
    use super::full_path;

    #[test]
    fn base_paths_join() {
        assert_eq!(full_path(None, "/pets"), "/pets");
        assert_eq!(full_path(Some("/v1/"), "/pets"), "/v1/pets");
        assert_eq!(full_path(Some("v1"), "pets"), "/v1/pets");
        assert_eq!(full_path(Some(""), "/"), "/");
    }
}
