//! Calling into a loaded library while keeping it alive.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use rust_edge_gateway_sdk::abi::{HandlerEntry, HandlerFuture};
use rust_edge_gateway_sdk::{Context, Request, Response};

use super::HandlerLibrary;
use crate::blocking::BlockingPool;

/// How a library's handler must be run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// Polled on the calling worker.
    Async,
    /// Run to completion on a thread that may block.
    Blocking,
}

/// A handler future that keeps its library loaded until the future is dropped.
pub struct LibraryFuture {
    // Field order matters: the future (code and vtable in the library) drops first.
    fut: HandlerFuture,
    _lib: Arc<HandlerLibrary>,
}

impl std::fmt::Debug for LibraryFuture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LibraryFuture").finish_non_exhaustive()
    }
}

impl Future for LibraryFuture {
    type Output = Response;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Response> {
        // The SDK's guard catches panics inside the library; nothing unwinds out of this.
        self.fut.as_mut().poll(cx)
    }
}

impl HandlerLibrary {
    /// How this library's handler runs.
    pub fn kind(&self) -> EntryKind {
        match self.entry() {
            HandlerEntry::Async(_) => EntryKind::Async,
            HandlerEntry::Blocking(_) => EntryKind::Blocking,
        }
    }

    /// Starts an async handler; `None` for a blocking one.
    pub fn call_async(self: &Arc<Self>, ctx: Context, req: Request) -> Option<LibraryFuture> {
        match self.entry() {
            HandlerEntry::Async(f) => Some(LibraryFuture {
                fut: f(ctx, req),
                _lib: Arc::clone(self),
            }),
            HandlerEntry::Blocking(_) => None,
        }
    }

    /// Runs a blocking handler on the current thread; `None` for an async one.
    pub fn call_blocking(self: &Arc<Self>, ctx: Context, req: Request) -> Option<Response> {
        match self.entry() {
            HandlerEntry::Blocking(f) => Some(f(ctx, req)),
            HandlerEntry::Async(_) => None,
        }
    }

    /// Like [`HandlerLibrary::invoke`] for a caller that keeps the library alive itself for
    /// the whole call (the dataplane holds it through its routing snapshot): saves an
    /// atomic reference count round trip per async request.
    pub async fn invoke_borrowed(
        self: &Arc<Self>,
        ctx: Context,
        req: Request,
        pool: &BlockingPool,
    ) -> Response {
        match self.entry() {
            HandlerEntry::Async(f) => f(ctx, req).await,
            HandlerEntry::Blocking(_) => self.invoke(ctx, req, pool).await,
        }
    }

    /// Runs the handler the way its kind requires: async ones are awaited here, blocking
    /// ones on `pool`. Never fails: a panic or a lost pool thread becomes a 500.
    pub async fn invoke(
        self: &Arc<Self>,
        ctx: Context,
        req: Request,
        pool: &BlockingPool,
    ) -> Response {
        match self.entry() {
            HandlerEntry::Async(f) => {
                LibraryFuture {
                    fut: f(ctx, req),
                    _lib: Arc::clone(self),
                }
                .await
            }
            HandlerEntry::Blocking(f) => {
                let lib = Arc::clone(self);
                // The crash record names the call on the pool thread as on the worker.
                let call = crate::crash_record::current();
                let job = move || {
                    let _call = crate::crash_record::enter_call(call);
                    let resp = f(ctx, req);
                    drop(lib);
                    resp
                };
                match pool.run(job).await {
                    Ok(resp) => resp,
                    Err(e) => {
                        Response::internal_error(format!("blocking handler did not complete: {e}"))
                    }
                }
            }
        }
    }
}
