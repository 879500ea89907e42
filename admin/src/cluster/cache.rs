//! What a cluster node last reconciled, kept in its data dir (`cluster-state.json`, mode
//! 0600 like the rest of the data dir: it holds endpoint secrets, as the SQLite store of a
//! single node does). A node that starts while the store is unreachable serves this, with
//! the libraries already in its libs dir, until the store answers.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rust_edge_gateway_dataplane::crash_record::CrashRecord;
use rust_edge_gateway_dataplane::domain_policy::DomainPolicy;
use rust_edge_gateway_dataplane::registry::EndpointSpec;
use serde::{Deserialize, Serialize};

/// The cache file in a data dir.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("cluster-state.json")
}

/// One served endpoint, as the dataplane needs it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedEndpoint {
    /// Endpoint id.
    pub id: String,
    /// Host pattern.
    pub domain: String,
    /// Method.
    pub method: String,
    /// Full path (base path included).
    pub path: String,
    /// Largest body.
    pub max_body: usize,
    /// Scope.
    pub scope: u64,
    /// Deployed version.
    pub version: u64,
    /// The library this node loaded (in its libs dir).
    pub library: String,
    /// Variables and secrets (`ctx.var`).
    pub vars: BTreeMap<String, String>,
}

/// A domain's HTTPS policy.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedDomain {
    /// Host.
    pub host: String,
    /// 308 to HTTPS.
    pub https_redirect: bool,
    /// HSTS max-age.
    pub hsts_max_age: Option<u64>,
}

/// The cached state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CachedState {
    /// When it was written (RFC 3339).
    pub saved_at: String,
    /// What served.
    pub endpoints: Vec<CachedEndpoint>,
    /// The enabled domains' HTTPS policies.
    pub domains: Vec<CachedDomain>,
}

impl CachedState {
    /// The domain policies for the dataplane.
    pub fn policies(&self) -> Vec<DomainPolicy> {
        self.domains
            .iter()
            .map(|d| DomainPolicy {
                host: d.host.clone(),
                https_redirect: d.https_redirect,
                hsts_max_age: d.hsts_max_age,
            })
            .collect()
    }

    /// The endpoints to serve at a boot without the store: all but those a crash record
    /// names (the version that killed the last run is not loaded again).
    pub fn servable(&self, crashes: &[CrashRecord]) -> Vec<CachedEndpoint> {
        self.endpoints
            .iter()
            .filter(|e| !crashes.iter().any(|c| c.call == Some((e.scope, e.version))))
            .cloned()
            .collect()
    }

    /// The dataplane spec of a cached endpoint (with this node's handler timeout).
    pub fn spec(e: &CachedEndpoint, timeout: std::time::Duration) -> EndpointSpec {
        EndpointSpec {
            id: e.id.clone(),
            domain: e.domain.clone(),
            method: e.method.clone(),
            path: e.path.clone(),
            max_body: e.max_body,
            timeout,
            scope: e.scope,
            version: e.version,
        }
    }

    /// The variables of a cached endpoint, for `host::set_vars`.
    pub fn vars(e: &CachedEndpoint) -> HashMap<String, String> {
        e.vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

/// Why the cache could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The file.
    #[error("cluster state cache {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// The contents.
    #[error("cluster state cache {path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: serde_json::Error,
    },
}

/// Writes the cache (to a temporary name, then renamed: a crash never leaves half a file).
pub fn save(data_dir: &Path, state: &CachedState) -> Result<(), CacheError> {
    let target = path(data_dir);
    let tmp = data_dir.join(".cluster-state.json.tmp");
    let json = serde_json::to_vec_pretty(state).map_err(|source| CacheError::Json {
        path: target.clone(),
        source,
    })?;
    std::fs::write(&tmp, json)
        .and_then(|()| std::fs::rename(&tmp, &target))
        .map_err(|source| CacheError::Io {
            path: target,
            source,
        })
}

/// Reads the cache; `None` when there is none.
pub fn load(data_dir: &Path) -> Result<Option<CachedState>, CacheError> {
    let file = path(data_dir);
    match std::fs::read(&file) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| CacheError::Json { path: file, source }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(CacheError::Io { path: file, source }),
    }
}
