//! The hub: which services exist, which are active (have an actor), and which names each
//! endpoint's bindings map to. Handler calls are resolved here and queued on the actor.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use rust_edge_gateway_sdk::abi::host::{
    FaultKind, ServiceCall, ServiceKind, ServiceOp, ServiceResult, ServiceValue,
};
use serde::Serialize;
use serde_json::Value as JsonValue;
use tokio::sync::oneshot;

use crate::actor::{ActorHandle, CallStats, Rejected, Reply};
use crate::backends;
use crate::config::ServiceConfig;
use crate::error::{fault, ServiceError};

/// A service as stored by the admin side.
#[derive(Clone, Debug)]
pub struct ServiceDef {
    /// Id.
    pub id: String,
    /// Name handlers may use when no binding matches.
    pub name: String,
    /// `postgres`, `redis`, ...
    pub service_type: String,
    /// Connection settings (secrets included).
    pub config: JsonValue,
}

/// The outcome of `POST /api/services/{id}/test`.
#[derive(Clone, Debug, Serialize)]
pub struct TestOutcome {
    /// Whether the backend answered.
    pub connected: bool,
    /// Round trip of the check, when connected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// "Connection successful".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Counters of one active service (see [`ServiceHub::call_stats`]).
#[derive(Debug, Clone)]
pub struct ServiceStats {
    /// Service id.
    pub id: String,
    /// Service name.
    pub name: String,
    /// Service type.
    pub service_type: String,
    /// Operations waiting in the actor's queue.
    pub queued: usize,
    /// Operation counters since activation.
    pub calls: Arc<CallStats>,
}

struct Known {
    name: String,
    service_type: String,
}

#[derive(Default)]
struct State {
    known: HashMap<String, Known>,
    by_name: HashMap<String, String>,
    active: HashMap<String, Arc<ActorHandle>>,
    bindings: HashMap<u64, HashMap<String, String>>,
}

struct Inner {
    state: RwLock<State>,
    data_dir: PathBuf,
    runtime: tokio::runtime::Handle,
}

/// The service actors of one gateway. Cheap to clone.
#[derive(Clone)]
pub struct ServiceHub {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for ServiceHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceHub")
            .field("data_dir", &self.inner.data_dir)
            .finish_non_exhaustive()
    }
}

/// The kind of operations a service type answers, `None` for types without an actor.
pub fn kind_of(service_type: &str) -> Option<ServiceKind> {
    Some(match service_type {
        "sqlite" | "postgres" | "mysql" => ServiceKind::Database,
        "redis" | "memcached" => ServiceKind::Cache,
        "minio" => ServiceKind::ObjectStorage,
        "ftp" => ServiceKind::FileTransfer,
        "email" => ServiceKind::Email,
        _ => return None,
    })
}

impl ServiceHub {
    /// A hub whose actors run on `runtime`; SQLite paths are relative to `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>, runtime: tokio::runtime::Handle) -> Self {
        ServiceHub {
            inner: Arc::new(Inner {
                state: RwLock::default(),
                data_dir: data_dir.into(),
                runtime,
            }),
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.inner
            .state
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.inner
            .state
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records (or renames) a service so that calls by its name resolve to it.
    pub fn define(&self, id: &str, name: &str, service_type: &str) {
        let mut s = self.write();
        if let Some(old) = s.known.get(id) {
            let old_name = old.name.clone();
            if s.by_name.get(&old_name).map(String::as_str) == Some(id) {
                s.by_name.remove(&old_name);
            }
        }
        s.known.insert(
            id.to_string(),
            Known {
                name: name.to_string(),
                service_type: service_type.to_string(),
            },
        );
        s.by_name.insert(name.to_string(), id.to_string());
    }

    /// Forgets a deleted service (deactivating it first).
    pub async fn forget(&self, id: &str) {
        self.deactivate(id).await;
        let mut s = self.write();
        if let Some(k) = s.known.remove(id) {
            if s.by_name.get(&k.name).map(String::as_str) == Some(id) {
                s.by_name.remove(&k.name);
            }
        }
        for b in s.bindings.values_mut() {
            b.retain(|_, sid| sid != id);
        }
    }

    /// Replaces the bindings (`pool_id` → service id) of the endpoint with this scope.
    pub fn set_bindings(&self, scope: u64, bindings: impl IntoIterator<Item = (String, String)>) {
        let map: HashMap<String, String> = bindings.into_iter().collect();
        let mut s = self.write();
        if map.is_empty() {
            s.bindings.remove(&scope);
        } else {
            s.bindings.insert(scope, map);
        }
    }

    /// The counters of every active service: `(id, name, service_type, queued, stats)`.
    pub fn call_stats(&self) -> Vec<ServiceStats> {
        let s = self.read();
        let mut out: Vec<ServiceStats> = s
            .active
            .iter()
            .map(|(id, a)| {
                let known = s.known.get(id);
                ServiceStats {
                    id: id.clone(),
                    name: known.map(|k| k.name.clone()).unwrap_or_default(),
                    service_type: known.map(|k| k.service_type.clone()).unwrap_or_default(),
                    queued: a.queued(),
                    calls: Arc::clone(a.stats()),
                }
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Whether the service has a running actor.
    pub fn is_active(&self, id: &str) -> bool {
        self.read().active.contains_key(id)
    }

    /// Starts the actor of `def`. With `check`, the backend must answer first (and the
    /// service stays inactive if it does not); without, the actor starts anyway and connects
    /// when the backend comes up (used when restoring services at boot).
    pub async fn activate(&self, def: &ServiceDef, check: bool) -> Result<(), ServiceError> {
        let config = ServiceConfig::parse(&def.service_type, &def.config)?;
        self.define(&def.id, &def.name, &def.service_type);
        let backend = backends::connect(&config, &self.inner.data_dir).await?;
        if check {
            let timeout = config.timeout();
            match tokio::time::timeout(timeout, Arc::clone(&backend).ping()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(ServiceError::Connect(e)),
                Err(_) => {
                    return Err(ServiceError::Connect(format!(
                        "no answer within {} s",
                        timeout.as_secs()
                    )))
                }
            }
        } else {
            // Give the backend a moment so that calls right after boot find it connected;
            // if it is down, the actor starts anyway and the client keeps reconnecting.
            let wait = config.timeout().min(Duration::from_secs(2));
            match tokio::time::timeout(wait, Arc::clone(&backend).ping()).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    tracing::warn!(service = %def.name, error = %e, "service not reachable yet; calls get 503 until it is")
                }
                Err(_) => {
                    tracing::warn!(service = %def.name, "service not reachable yet; calls get 503 until it is")
                }
            }
        }
        let actor = ActorHandle::spawn(
            &self.inner.runtime,
            def.name.clone(),
            def.service_type.clone(),
            config.kind(),
            backend,
            config.concurrency(),
            config.timeout(),
        );
        let previous = self.write().active.insert(def.id.clone(), Arc::new(actor));
        if let Some(old) = previous {
            finish(old).await;
        }
        Ok(())
    }

    /// Stops the actor: new calls get 503, queued and in-flight operations finish first.
    /// Returns whether it was active.
    pub async fn deactivate(&self, id: &str) -> bool {
        let actor = self.write().active.remove(id);
        match actor {
            Some(a) => {
                finish(a).await;
                true
            }
            None => false,
        }
    }

    /// Stops every actor (gateway shutdown).
    pub async fn shutdown(&self) {
        let all: Vec<_> = self.write().active.drain().map(|(_, a)| a).collect();
        for a in all {
            finish(a).await;
        }
    }

    /// Connects to the backend of `def` with a fresh client and checks it answers.
    pub async fn test(&self, def: &ServiceDef) -> TestOutcome {
        let failed = |e: String| TestOutcome {
            connected: false,
            latency_ms: None,
            message: None,
            error: Some(e),
        };
        let config = match ServiceConfig::parse(&def.service_type, &def.config) {
            Ok(c) => c,
            Err(e) => return failed(e.to_string()),
        };
        let started = Instant::now();
        let backend = match backends::connect(&config, &self.inner.data_dir).await {
            Ok(b) => b,
            Err(e) => return failed(e.to_string()),
        };
        let timeout = config.timeout().min(Duration::from_secs(10));
        match tokio::time::timeout(timeout, backend.ping()).await {
            Ok(Ok(())) => TestOutcome {
                connected: true,
                latency_ms: Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)),
                message: Some("Connection successful".into()),
                error: None,
            },
            Ok(Err(e)) => failed(e),
            Err(_) => failed(format!("no answer within {} s", timeout.as_secs())),
        }
    }

    /// Resolves `name` for the endpoint `scope`: a binding's `pool_id` first, then a
    /// service name.
    fn resolve(
        &self,
        scope: u64,
        name: &str,
        kind: ServiceKind,
    ) -> Result<Arc<ActorHandle>, rust_edge_gateway_sdk::abi::host::ServiceFault> {
        let s = self.read();
        let id = s
            .bindings
            .get(&scope)
            .and_then(|b| b.get(name))
            .or_else(|| s.by_name.get(name))
            .ok_or_else(|| {
                fault(
                    FaultKind::ServiceNotFound,
                    format!("no service binding (pool_id) or service named '{name}'"),
                )
            })?;
        let known = s.known.get(id);
        if let Some(k) = known {
            if kind_of(&k.service_type) != Some(kind) {
                return Err(fault(
                    FaultKind::ServiceNotFound,
                    format!(
                        "'{name}' is a {} service, not a {} service",
                        k.service_type,
                        kind.as_str()
                    ),
                ));
            }
        }
        s.active.get(id).cloned().ok_or_else(|| {
            fault(
                FaultKind::Unavailable,
                format!("service '{name}' is not active (POST /api/services/{id}/activate)"),
            )
        })
    }

    /// Answers, without I/O and without blocking, the calls that need no backend: a name
    /// resolution (`ctx.database(name)`, ...). `None` for everything else.
    pub fn answer_now(&self, scope: u64, call: &ServiceCall) -> Option<ServiceResult> {
        match call.op {
            ServiceOp::Resolve(kind) => Some(
                self.resolve(scope, &call.service, kind)
                    .map(|_| ServiceValue::Unit),
            ),
            _ => None,
        }
    }

    /// Resolves and queues a handler's call; `reply` receives the outcome (on another
    /// thread). Never blocks: a full queue is answered at once with 503.
    pub fn submit(&self, scope: u64, call: ServiceCall, reply: Reply) {
        let kind = call.op.kind();
        let actor = match self.resolve(scope, &call.service, kind) {
            Ok(a) => a,
            Err(f) => return reply(Err(f)),
        };
        debug_assert_eq!(actor.kind(), kind);
        if let ServiceOp::Resolve(_) = call.op {
            return reply(Ok(ServiceValue::Unit));
        }
        match actor.try_submit(call.op, reply) {
            Ok(()) => {}
            Err(Rejected::Full(reply)) => reply(Err(fault(
                FaultKind::Unavailable,
                format!(
                    "service '{}' is overloaded (its queue is full); retry later",
                    call.service
                ),
            ))),
            Err(Rejected::Closed(reply)) => reply(Err(fault(
                FaultKind::Unavailable,
                format!("service '{}' is being deactivated", call.service),
            ))),
        }
    }

    /// Runs one operation on the active service `id` (for the admin API's own routes).
    pub async fn call(&self, id: &str, op: ServiceOp) -> ServiceResult {
        let actor = self.read().active.get(id).cloned().ok_or_else(|| {
            fault(
                FaultKind::Unavailable,
                format!("service {id} is not active"),
            )
        })?;
        let (tx, rx) = oneshot::channel();
        let reply: Reply = Box::new(move |r| {
            let _ = tx.send(r);
        });
        if let Err(reply) = actor.submit(op, reply).await {
            reply(Err(fault(
                FaultKind::Unavailable,
                "service is being deactivated",
            )));
        }
        drop(actor);
        rx.await
            .unwrap_or_else(|_| Err(fault(FaultKind::Internal, "the service actor went away")))
    }
}

/// Drops the last queue handle and waits until the actor has finished its work.
async fn finish(actor: Arc<ActorHandle>) {
    let join = actor.take_join();
    drop(actor);
    if let Some(j) = join {
        if let Err(e) = j.await {
            tracing::warn!(error = %e, "service actor ended abnormally");
        }
    }
}
