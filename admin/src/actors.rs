//! Glue between the config store, the dataplane's service bridge and the service actors.
//!
//! A handler's call reaches the [`ServiceHub`], which resolves the name and queues it on the
//! actor's bounded queue (never blocking: a full queue is a 503 at once); the reply goes
//! straight back to the waiting handler through the call's one-shot channel. Name
//! resolutions (`ctx.cache(name)`) are answered on the worker without a round trip.
//!
//! Two ways across, chosen by `REG_SERVICE_BRIDGE`: `direct` (default) queues on the actor
//! from the worker thread itself; `channel` goes through the dataplane's bounded crossbeam
//! channel and one dispatcher thread (one more thread hop; `loadtest/services.sh` measures
//! both).

use std::collections::HashMap;

use rust_edge_gateway_dataplane::host::{
    connect_services, serve_calls_from, set_immediate, ServiceRequest,
};
use rust_edge_gateway_services::{ServiceDef, ServiceHub};

use crate::store::services::Service;
use crate::store::{Store, StoreError};

/// Calls waiting for the dispatcher; beyond this, handlers get 503 (backpressure).
const BRIDGE_QUEUE: usize = 8192;

/// Connects the dataplane's service calls to `hub`.
pub fn connect(hub: &ServiceHub) -> std::io::Result<()> {
    if std::env::var("REG_SERVICE_BRIDGE").as_deref() != Ok("channel") {
        serve_calls_from(hub);
        return Ok(());
    }
    let answering = hub.clone();
    set_immediate(Box::new(move |scope, call| {
        answering.answer_now(scope, call)
    }));
    let (tx, rx) = crossbeam_channel::bounded::<ServiceRequest>(BRIDGE_QUEUE);
    if !connect_services(tx) {
        tracing::warn!("service bridge already connected");
        return Ok(());
    }
    let hub = hub.clone();
    std::thread::Builder::new()
        .name("reg-services".into())
        .spawn(move || {
            for req in rx {
                let reply = req.reply;
                hub.submit(req.scope, req.call, Box::new(move |r| reply.send(r)));
            }
        })
        .map(drop)
}

/// The hub's view of a stored service (secrets included).
pub fn def(s: &Service) -> ServiceDef {
    ServiceDef {
        id: s.id.clone(),
        name: s.name.clone(),
        service_type: s.service_type.clone(),
        config: s.config.clone(),
    }
}

/// Reloads the bindings of one endpoint (or all) into the hub.
pub async fn refresh_bindings(
    store: &Store,
    hub: &ServiceHub,
    endpoint_id: Option<&str>,
    scope_of_endpoint: Option<i64>,
) -> Result<(), StoreError> {
    let rows = store.scoped_bindings(endpoint_id).await?;
    let mut by_scope: HashMap<u64, Vec<(String, String)>> = HashMap::new();
    if let Some(scope) = scope_of_endpoint {
        by_scope
            .entry(u64::try_from(scope).unwrap_or(0))
            .or_default();
    }
    for (scope, pool_id, service_id) in rows {
        by_scope
            .entry(u64::try_from(scope).unwrap_or(0))
            .or_default()
            .push((pool_id, service_id));
    }
    for (scope, bindings) in by_scope {
        hub.set_bindings(scope, bindings);
    }
    Ok(())
}

/// At boot: every service known to the hub, the active ones running again (connecting in
/// the background, so a backend that is still down does not stop the gateway), all bindings.
pub async fn restore(store: &Store, hub: &ServiceHub) -> Result<usize, StoreError> {
    let mut active = 0;
    for s in store.services_with_secrets().await? {
        hub.define(&s.id, &s.name, &s.service_type);
        if s.active {
            match hub.activate(&def(&s), false).await {
                Ok(()) => active += 1,
                Err(e) => tracing::error!(service = %s.name, error = %e, "service not restored"),
            }
        }
    }
    refresh_bindings(store, hub, None, None).await?;
    Ok(active)
}

/// One lock per service id: activate, deactivate, update and delete of the same service
/// run one after another, so that the store's `active` flag and the hub always agree
/// (a deactivate cannot slip between an activation's connect and its bookkeeping).
#[derive(Debug, Default)]
pub struct ServiceLocks {
    locks: std::sync::Mutex<HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>,
}

impl ServiceLocks {
    /// Waits for the service's lock.
    pub async fn lock(&self, id: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut map = self
                .locks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // Forget locks nobody holds or waits for (a held or awaited lock has more
            // than the map's reference).
            map.retain(|_, l| std::sync::Arc::strong_count(l) > 1);
            std::sync::Arc::clone(map.entry(id.to_string()).or_default())
        };
        lock.lock_owned().await
    }
}
