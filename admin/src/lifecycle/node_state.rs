//! What a cluster node knows that the shared store does not: the libraries it built for its
//! own ABI, why it does not serve an endpoint it should, what it loaded, the variables it
//! published, and which failures it is waiting to retry. None of it is ever written to the
//! store: one node's build or failure is not the cluster's.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A failed reconcile step is tried again after this long (at once for another version);
/// a build that failed is not tried again for that version.
pub const RETRY_FAILED_AFTER: Duration = Duration::from_secs(30);

/// An endpoint's failed reconcile step.
#[derive(Debug, Clone, Copy)]
struct Failure {
    version: Option<i64>,
    at: Instant,
    /// A compile error: trying again builds the same code with the same toolchain.
    for_good: bool,
}

/// See the module docs.
#[derive(Debug, Default)]
pub struct NodeState {
    local_builds: Mutex<HashMap<(String, i64), String>>,
    errors: Mutex<HashMap<String, String>>,
    served_libs: Mutex<HashMap<String, String>>,
    vars_seen: Mutex<HashMap<String, u64>>,
    failures: Mutex<HashMap<String, Failure>>,
    /// Endpoints whose deployed code this node is building for itself (in the background).
    building: Mutex<HashSet<String>>,
    /// Woken when such a build ends: the reconcile serves what it built.
    wake: tokio::sync::Notify,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A stable digest of a value (variables and secrets: what changed, whatever the clock).
pub fn digest(value: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl NodeState {
    /// The library this node built for `version` of the endpoint (another ABI's deploy).
    pub fn local_build(&self, id: &str, version: i64) -> Option<String> {
        locked(&self.local_builds)
            .get(&(id.to_string(), version))
            .cloned()
    }

    /// Records a library this node built for `version` of the endpoint; builds of earlier
    /// versions are forgotten (the sweep may remove them).
    pub fn set_local_build(&self, id: &str, version: i64, library: String) {
        let mut builds = locked(&self.local_builds);
        builds.retain(|(e, v), _| e != id || *v > version);
        builds.insert((id.to_string(), version), library);
    }

    /// Marks the endpoint as being built here; false when a build of it already runs.
    pub fn begin_build(&self, id: &str) -> bool {
        locked(&self.building).insert(id.to_string())
    }

    /// A build of the endpoint ended: the reconcile is woken to serve it.
    pub fn end_build(&self, id: &str) {
        locked(&self.building).remove(id);
        self.wake.notify_one();
    }

    /// Notified when a background build ends.
    pub fn wake(&self) -> &tokio::sync::Notify {
        &self.wake
    }

    /// Every library this node built itself (kept by the sweep).
    pub fn local_libraries(&self) -> Vec<String> {
        locked(&self.local_builds).values().cloned().collect()
    }

    /// Why this node does not serve endpoints it should, by id.
    pub fn errors(&self) -> HashMap<String, String> {
        locked(&self.errors).clone()
    }

    /// Sets or clears the endpoint's error on this node.
    pub fn set_error(&self, id: &str, error: Option<String>) {
        let mut errors = locked(&self.errors);
        match error {
            Some(e) => errors.insert(id.to_string(), e),
            None => errors.remove(id),
        };
    }

    /// Records the library an endpoint was loaded from.
    pub fn served_from(&self, id: &str, library: String) {
        locked(&self.served_libs).insert(id.to_string(), library);
    }

    /// The library an endpoint was last loaded from on this node.
    pub fn served_library(&self, id: &str) -> Option<String> {
        locked(&self.served_libs).get(id).cloned()
    }

    /// Whether `digest` differs from the variables last published for the endpoint.
    pub fn vars_changed(&self, id: &str, digest: u64) -> bool {
        locked(&self.vars_seen).get(id) != Some(&digest)
    }

    /// Records the variables published for the endpoint.
    pub fn vars_published(&self, id: &str, digest: u64) {
        locked(&self.vars_seen).insert(id.to_string(), digest);
    }

    /// Records a failed step for `version` of the endpoint.
    pub fn failed(&self, id: &str, version: Option<i64>, for_good: bool) {
        locked(&self.failures).insert(
            id.to_string(),
            Failure {
                version,
                at: Instant::now(),
                for_good,
            },
        );
    }

    /// Whether the endpoint's last step failed for this same version recently enough (or
    /// for good) that it is not tried again yet.
    pub fn backing_off(&self, id: &str, version: Option<i64>) -> bool {
        let mut failures = locked(&self.failures);
        match failures.get(id) {
            Some(f)
                if f.version == version && (f.for_good || f.at.elapsed() < RETRY_FAILED_AFTER) =>
            {
                true
            }
            Some(_) => {
                failures.remove(id);
                false
            }
            None => false,
        }
    }

    /// Forgets an endpoint that no longer exists.
    pub fn forget(&self, id: &str) {
        locked(&self.local_builds).retain(|(e, _), _| e != id);
        locked(&self.errors).remove(id);
        locked(&self.served_libs).remove(id);
        locked(&self.vars_seen).remove(id);
        locked(&self.failures).remove(id);
    }
}
