//! Service actors follow the store on every node: each node runs its own actor (its own
//! connections) for every active service, whichever node activated or changed it. Each
//! change takes the service's lock, as the API does, so the two never interleave.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rust_edge_gateway_services::ServiceHub;

use crate::actors::{self, ServiceLocks};
use crate::lifecycle::digest;
use crate::store::services::Service;
use crate::store::{Store, StoreError};

/// A service whose actor failed to start here is tried again after this long.
const RETRY_AFTER: Duration = Duration::from_secs(30);

/// What this node last did with each service.
#[derive(Debug, Default)]
pub struct ServiceSync {
    /// Service id -> digest of the definition its actor was started with.
    started: Mutex<HashMap<String, u64>>,
    /// Service id -> digest and time of a failed start.
    failed: Mutex<HashMap<String, (u64, Instant)>>,
    /// The endpoint scopes that had bindings at the last reconcile.
    bound: Mutex<HashSet<u64>>,
}

fn definition(s: &Service) -> u64 {
    digest(&(&s.name, &s.service_type, s.config.to_string(), s.enabled))
}

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl ServiceSync {
    /// Marks the services running at boot as current (the boot restore started them).
    pub async fn adopt(&self, store: &Store, hub: &ServiceHub) -> Result<(), StoreError> {
        let services = store.services_with_secrets().await?;
        let mut started = locked(&self.started);
        for s in services.iter().filter(|s| hub.is_active(&s.id)) {
            started.insert(s.id.clone(), definition(s));
        }
        Ok(())
    }

    /// This node's API started the actor of `s` (an activation, or a restart with new
    /// settings): the reconcile must not start it again.
    pub fn started_here(&self, s: &Service) {
        locked(&self.started).insert(s.id.clone(), definition(s));
        locked(&self.failed).remove(&s.id);
    }

    /// Starts, restarts (a changed definition) and stops actors to match the store, and
    /// loads every binding again. Returns how many actors changed.
    pub async fn reconcile(
        &self,
        store: &Store,
        hub: &ServiceHub,
        locks: &ServiceLocks,
    ) -> Result<usize, StoreError> {
        let listed = store.services_with_secrets().await?;
        let mut changed = 0;
        for s in &listed {
            let def = definition(s);
            let current = locked(&self.started).get(&s.id) == Some(&def);
            let needs_start = s.active && !(current && hub.is_active(&s.id));
            let needs_stop = !s.active && hub.is_active(&s.id);
            if !(needs_start || needs_stop) {
                continue;
            }
            if needs_start
                && locked(&self.failed)
                    .get(&s.id)
                    .is_some_and(|(d, at)| *d == def && at.elapsed() < RETRY_AFTER)
            {
                continue;
            }
            let _one = locks.lock(&s.id).await;
            // A fresh read under the lock: the API may have changed it meanwhile.
            let Some(s) = store.service_with_secrets(&s.id).await? else {
                continue;
            };
            let def = definition(&s);
            hub.define(&s.id, &s.name, &s.service_type);
            if s.active && !(locked(&self.started).get(&s.id) == Some(&def) && hub.is_active(&s.id))
            {
                if hub.is_active(&s.id) && !locked(&self.started).contains_key(&s.id) {
                    // Activated through this node's API: its actor is the store's.
                    locked(&self.started).insert(s.id.clone(), def);
                    continue;
                }
                match hub.activate(&actors::def(&s), false).await {
                    Ok(()) => {
                        locked(&self.started).insert(s.id.clone(), def);
                        locked(&self.failed).remove(&s.id);
                        tracing::info!(service = %s.name, "service actor started to follow the store");
                        changed += 1;
                    }
                    Err(e) => {
                        locked(&self.failed).insert(s.id.clone(), (def, Instant::now()));
                        tracing::error!(service = %s.name, error = %e, "service not started on this node");
                    }
                }
            } else if !s.active && hub.is_active(&s.id) {
                hub.deactivate(&s.id).await;
                locked(&self.started).remove(&s.id);
                changed += 1;
            }
        }
        let known: Vec<String> = locked(&self.started).keys().cloned().collect();
        for id in known {
            if !listed.iter().any(|s| s.id == id) {
                let _one = locks.lock(&id).await;
                hub.forget(&id).await;
                locked(&self.started).remove(&id);
                changed += 1;
            }
        }
        let mut by_scope: HashMap<u64, Vec<(String, String)>> = HashMap::new();
        for (scope, pool_id, service_id) in store.scoped_bindings(None).await? {
            by_scope
                .entry(u64::try_from(scope).unwrap_or(0))
                .or_default()
                .push((pool_id, service_id));
        }
        let mut bound = locked(&self.bound);
        for gone in bound.iter().filter(|s| !by_scope.contains_key(s)) {
            hub.set_bindings(*gone, std::iter::empty());
        }
        *bound = by_scope.keys().copied().collect();
        for (scope, bindings) in by_scope {
            hub.set_bindings(scope, bindings);
        }
        Ok(changed)
    }
}
