//! One actor per active service: a task on the control runtime that owns the backend client,
//! reads operations from a bounded queue, runs up to `concurrency` of them at once, each
//! under the service's timeout, and on shutdown finishes what was queued before it stops.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::{FuturesUnordered, StreamExt};
use rust_edge_gateway_sdk::abi::host::{FaultKind, ServiceKind, ServiceOp, ServiceResult};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::error::fault;

/// A `Send` boxed future.
pub(crate) type BoxFut<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Where the outcome of one operation goes.
pub type Reply = Box<dyn FnOnce(ServiceResult) + Send>;

/// A connected (or lazily connecting) backend client.
pub(crate) trait Backend: Send + Sync + 'static {
    /// Runs one operation.
    fn run(self: Arc<Self>, op: ServiceOp) -> BoxFut<ServiceResult>;
    /// Checks the backend answers (and prepares it: bucket created, ...).
    fn ping(self: Arc<Self>) -> BoxFut<Result<(), String>>;
    /// Whether each operation should run as its own task, so that the CPU work of many
    /// operations (decoding rows, say) spreads over the runtime's threads. Otherwise
    /// operations run inside the actor's task, which saves a task per operation for
    /// clients that mostly wait (measured: Redis GET 46k -> 59k req/s; PostgreSQL point
    /// queries 12k -> 8k req/s, hence per backend).
    fn task_per_operation(&self) -> bool {
        false
    }
}

struct Job {
    op: ServiceOp,
    reply: Reply,
}

/// Operations counted by one actor (for `/metrics`).
#[derive(Debug, Default)]
pub struct CallStats {
    /// Operations answered with a value.
    pub ok: AtomicU64,
    /// Operations that failed because the backend is down or overloaded (503).
    pub unavailable: AtomicU64,
    /// Operations that timed out.
    pub timeouts: AtomicU64,
    /// Operations the backend refused, or that were invalid.
    pub errors: AtomicU64,
    /// Sum of operation times, microseconds.
    pub total_us: AtomicU64,
}

impl CallStats {
    fn record(&self, result: &ServiceResult, took: Duration) {
        let counter = match result {
            Ok(_) => &self.ok,
            Err(f) => match f.kind {
                FaultKind::Unavailable => &self.unavailable,
                FaultKind::Timeout => &self.timeouts,
                _ => &self.errors,
            },
        };
        counter.fetch_add(1, Ordering::Relaxed);
        self.total_us.fetch_add(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }
}

/// The queue of one running actor.
pub(crate) struct ActorHandle {
    tx: mpsc::Sender<Job>,
    kind: ServiceKind,
    join: Mutex<Option<JoinHandle<()>>>,
    stats: Arc<CallStats>,
}

/// Why an operation could not be queued.
pub(crate) enum Rejected {
    /// The queue is full.
    Full(Reply),
    /// The actor is stopping.
    Closed(Reply),
}

/// Queue length per actor: enough for bursts, bounded so that an overloaded backend pushes
/// back on handlers instead of growing memory.
const QUEUE: usize = 1024;

impl ActorHandle {
    /// Starts the actor of `backend` on `runtime`.
    pub(crate) fn spawn(
        runtime: &tokio::runtime::Handle,
        name: String,
        backend_label: String,
        kind: ServiceKind,
        backend: Arc<dyn Backend>,
        concurrency: usize,
        timeout: Duration,
    ) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        let stats = Arc::new(CallStats::default());
        let join = runtime.spawn(run(
            name,
            backend_label,
            backend,
            rx,
            concurrency,
            timeout,
            Arc::clone(&stats),
        ));
        ActorHandle {
            tx,
            kind,
            join: Mutex::new(Some(join)),
            stats,
        }
    }

    /// The actor's counters.
    pub(crate) fn stats(&self) -> &Arc<CallStats> {
        &self.stats
    }

    /// Operations waiting in the queue.
    pub(crate) fn queued(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }

    /// The kind of operations this actor serves.
    pub(crate) fn kind(&self) -> ServiceKind {
        self.kind
    }

    /// Queues an operation without waiting.
    pub(crate) fn try_submit(&self, op: ServiceOp, reply: Reply) -> Result<(), Rejected> {
        self.tx.try_send(Job { op, reply }).map_err(|e| match e {
            mpsc::error::TrySendError::Full(j) => Rejected::Full(j.reply),
            mpsc::error::TrySendError::Closed(j) => Rejected::Closed(j.reply),
        })
    }

    /// Queues an operation, waiting for room (used by the admin API, not by handlers).
    pub(crate) async fn submit(&self, op: ServiceOp, reply: Reply) -> Result<(), Reply> {
        self.tx.send(Job { op, reply }).await.map_err(|e| e.0.reply)
    }

    /// The actor's task, to await its end after the last handle is gone.
    pub(crate) fn take_join(&self) -> Option<JoinHandle<()>> {
        self.join.lock().ok().and_then(|mut j| j.take())
    }
}

async fn run(
    name: String,
    backend_label: String,
    backend: Arc<dyn Backend>,
    mut rx: mpsc::Receiver<Job>,
    concurrency: usize,
    timeout: Duration,
    stats: Arc<CallStats>,
) {
    tracing::info!(service = %name, concurrency, "service actor started");
    // Operations run inside this task (no task per operation): up to `concurrency` at once,
    // new ones taken from the queue as earlier ones finish.
    let mut in_flight = FuturesUnordered::new();
    let mut open = true;
    while open || !in_flight.is_empty() {
        tokio::select! {
            job = rx.recv(), if open && in_flight.len() < concurrency => match job {
                Some(Job { op, reply }) => {
                    let spawn = backend.task_per_operation();
                    let backend = Arc::clone(&backend);
                    let stats = Arc::clone(&stats);
                    let label = backend_label.clone();
                    let work = async move {
                        let started = std::time::Instant::now();
                        let result = match tokio::time::timeout(timeout, backend.run(op)).await {
                            Ok(r) => r,
                            Err(_) => Err(fault(
                                FaultKind::Timeout,
                                format!("{label} did not answer within {} s", timeout.as_secs()),
                            )),
                        };
                        stats.record(&result, started.elapsed());
                        reply(result);
                    };
                    if spawn {
                        let task = tokio::spawn(work);
                        in_flight.push(Box::pin(async move {
                            if let Err(e) = task.await {
                                tracing::error!(error = %e, "service operation task failed");
                            }
                        }) as BoxFut<()>);
                    } else {
                        in_flight.push(Box::pin(work) as BoxFut<()>);
                    }
                }
                // The queue is closed and empty: finish what is in flight, then stop.
                None => open = false,
            },
            Some(()) = in_flight.next(), if !in_flight.is_empty() => {}
        }
    }
    tracing::info!(service = %name, "service actor stopped");
}
