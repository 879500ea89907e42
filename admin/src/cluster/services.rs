//! Service actors follow the store on every node: each node runs its own actor (its own
//! connections) for every active service, whichever node activated or changed it.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use rust_edge_gateway_services::ServiceHub;

use crate::actors;
use crate::store::{Store, StoreError};

/// The `updated_at` of each service as this node last started its actor.
#[derive(Debug, Default)]
pub struct ServiceSync {
    started: Mutex<HashMap<String, String>>,
    /// The endpoint scopes that had bindings at the last reconcile.
    bound: Mutex<HashSet<u64>>,
}

impl ServiceSync {
    fn started(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.started.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks the services running at boot as current (the boot restore started them).
    pub async fn adopt(&self, store: &Store, hub: &ServiceHub) -> Result<(), StoreError> {
        let services = store.services_with_secrets().await?;
        let mut started = self.started();
        for s in services.iter().filter(|s| hub.is_active(&s.id)) {
            started.insert(s.id.clone(), s.updated_at.clone());
        }
        Ok(())
    }

    /// Starts, restarts (a changed config) and stops actors to match the store, and loads
    /// every binding again. Returns how many actors changed.
    pub async fn reconcile(&self, store: &Store, hub: &ServiceHub) -> Result<usize, StoreError> {
        let services = store.services_with_secrets().await?;
        let mut changed = 0;
        for s in &services {
            hub.define(&s.id, &s.name, &s.service_type);
            if s.active && hub.is_active(&s.id) && !self.started().contains_key(&s.id) {
                // Activated through this node's API: its actor is the store's.
                self.started().insert(s.id.clone(), s.updated_at.clone());
                continue;
            }
            let current = self.started().get(&s.id) == Some(&s.updated_at);
            if s.active && !(current && hub.is_active(&s.id)) {
                match hub.activate(&actors::def(s), false).await {
                    Ok(()) => {
                        self.started().insert(s.id.clone(), s.updated_at.clone());
                        tracing::info!(service = %s.name, "service actor started to follow the store");
                        changed += 1;
                    }
                    Err(e) => {
                        tracing::error!(service = %s.name, error = %e, "service not started on this node")
                    }
                }
            } else if !s.active && hub.is_active(&s.id) {
                hub.deactivate(&s.id).await;
                self.started().remove(&s.id);
                changed += 1;
            }
        }
        let known: Vec<String> = self.started().keys().cloned().collect();
        for id in known {
            if !services.iter().any(|s| s.id == id) {
                hub.forget(&id).await;
                self.started().remove(&id);
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
        let mut bound = self.bound.lock().unwrap_or_else(|p| p.into_inner());
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
