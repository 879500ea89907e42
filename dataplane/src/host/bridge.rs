//! Service calls from handlers to the control side.
//!
//! A call becomes a [`ServiceRequest`] on a bounded crossbeam channel read by the service
//! actors on the tokio runtime; the reply comes back on a one-shot channel that the handler
//! awaits on its worker (or, for blocking handlers, waits on). Until the control side
//! connects with [`connect_services`], every call fails with `Unavailable` and says why.

use std::cell::Cell;
use std::future::ready;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use crossbeam_channel::{Sender, TrySendError};
use futures_channel::oneshot;
use rust_edge_gateway_sdk::abi::host::{
    FaultKind, HostFuture, ServiceCall, ServiceFault, ServiceResult,
};

/// Where a reply goes.
#[derive(Debug)]
pub enum ReplyTo {
    /// An awaiting async handler.
    Async(oneshot::Sender<ServiceResult>),
    /// A blocked synchronous handler.
    Blocking(crossbeam_channel::Sender<ServiceResult>),
}

impl ReplyTo {
    /// Delivers the result (a caller that went away is ignored).
    pub fn send(self, result: ServiceResult) {
        match self {
            ReplyTo::Async(tx) => {
                let _ = tx.send(result);
            }
            ReplyTo::Blocking(tx) => {
                let _ = tx.send(result);
            }
        }
    }
}

/// A service call on its way to the control side.
#[derive(Debug)]
pub struct ServiceRequest {
    /// The scope the host gave the calling request (identifies the endpoint).
    pub scope: u64,
    /// What to do.
    pub call: ServiceCall,
    /// Where to answer.
    pub reply: ReplyTo,
}

/// Where calls go: a bounded channel read by a dispatcher, or a non-blocking function of
/// the control side called on the worker itself (one thread hop fewer).
enum Sink {
    Channel(Sender<ServiceRequest>),
    Direct(DirectSink),
}

/// A control-side function that takes a call without blocking and answers it later.
pub type DirectSink = Box<dyn Fn(ServiceRequest) + Send + Sync>;

/// A control-side function that answers some calls at once, without blocking (a name
/// resolution, say), or returns `None` to let the call travel.
pub type Immediate = Box<dyn Fn(u64, &ServiceCall) -> Option<ServiceResult> + Send + Sync>;

static SERVICES: OnceLock<Sink> = OnceLock::new();
static IMMEDIATE: OnceLock<Immediate> = OnceLock::new();

thread_local! {
    static ON_WORKER: Cell<bool> = const { Cell::new(false) };
}

/// Connects the service actors through a channel; returns `false` if they were already
/// connected.
pub fn connect_services(tx: Sender<ServiceRequest>) -> bool {
    SERVICES.set(Sink::Channel(tx)).is_ok()
}

/// Connects the service actors through a function that queues a call without blocking
/// (called on the worker thread); returns `false` if they were already connected.
pub fn connect_services_direct(sink: DirectSink) -> bool {
    SERVICES.set(Sink::Direct(sink)).is_ok()
}

/// Installs the function that answers calls needing no I/O on the calling thread.
pub fn set_immediate(f: Immediate) -> bool {
    IMMEDIATE.set(f).is_ok()
}

fn immediate(scope: u64, call: &ServiceCall) -> Option<ServiceResult> {
    IMMEDIATE.get().and_then(|f| f(scope, call))
}

/// Marks the current thread as a dataplane I/O worker, where blocking calls are refused.
pub fn mark_worker_thread() {
    ON_WORKER.with(|w| w.set(true));
}

fn fault(kind: FaultKind, message: impl Into<String>) -> ServiceFault {
    ServiceFault {
        kind,
        message: message.into(),
    }
}

fn not_connected() -> ServiceFault {
    fault(
        FaultKind::Unavailable,
        "no service actors are running in this gateway, so no service can be reached",
    )
}

fn submit(scope: u64, call: ServiceCall, reply: ReplyTo) -> Result<(), ServiceFault> {
    let tx = match SERVICES.get().ok_or_else(not_connected)? {
        Sink::Channel(tx) => tx,
        Sink::Direct(f) => {
            f(ServiceRequest { scope, call, reply });
            return Ok(());
        }
    };
    match tx.try_send(ServiceRequest { scope, call, reply }) {
        Ok(()) => Ok(()),
        Err(TrySendError::Full(_)) => Err(fault(
            FaultKind::Unavailable,
            "service queue is full (backpressure); retry later",
        )),
        Err(TrySendError::Disconnected(_)) => Err(fault(
            FaultKind::Unavailable,
            "service actors have shut down",
        )),
    }
}

fn lost() -> ServiceFault {
    fault(
        FaultKind::Unavailable,
        "the service actor dropped the call without answering",
    )
}

/// `HostVTable::call`.
pub(super) fn call(scope: u64, call: ServiceCall) -> HostFuture<ServiceResult> {
    let started = catch_unwind(AssertUnwindSafe(move || {
        if let Some(answer) = immediate(scope, &call) {
            return Ok(Err(answer));
        }
        let (tx, rx) = oneshot::channel();
        submit(scope, call, ReplyTo::Async(tx)).map(|()| Ok(rx))
    }));
    match started {
        Ok(Ok(Err(answer))) => Box::pin(ready(answer)),
        Ok(Ok(Ok(rx))) => Box::pin(async move { rx.await.unwrap_or_else(|_| Err(lost())) }),
        Ok(Err(f)) => Box::pin(ready(Err(f))),
        Err(_) => Box::pin(ready(Err(fault(
            FaultKind::Internal,
            "gateway error while sending a service call",
        )))),
    }
}

/// `HostVTable::call_blocking`.
pub(super) fn call_blocking(scope: u64, call: ServiceCall) -> ServiceResult {
    if ON_WORKER.with(Cell::get) {
        return Err(fault(
            FaultKind::Internal,
            "a blocking service call (DbPool, RedisPool, Storage, ...) from an async handler would stall a gateway worker; use the async ctx.database()/ctx.cache()/... API, or a synchronous handler",
        ));
    }
    catch_unwind(AssertUnwindSafe(move || {
        if let Some(answer) = immediate(scope, &call) {
            return answer;
        }
        let (tx, rx) = crossbeam_channel::bounded(1);
        submit(scope, call, ReplyTo::Blocking(tx))?;
        rx.recv().unwrap_or_else(|_| Err(lost()))
    }))
    .unwrap_or_else(|_| {
        Err(fault(
            FaultKind::Internal,
            "gateway error during a service call",
        ))
    })
}
