//! Timers from the gateway's runtime.
//!
//! A handler library has no async runtime of its own (its copy of tokio or monoio would have
//! no reactor): `tokio::time::sleep` panics inside a handler. Use these instead; they are
//! served by the worker that polls the handler.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use crate::HandlerError;

/// Waits for `duration` on the gateway's timer.
///
/// # Panics
/// Outside of the gateway (no host loaded this library), which is a programming error.
pub async fn sleep(duration: Duration) {
    match crate::__rt::host() {
        Some(host) => (host.sleep)(duration).await,
        None => panic!("rust_edge_gateway_sdk::sleep called outside of the gateway"),
    }
}

/// Runs `fut`, giving up with `ServiceUnavailable` after `limit`.
pub async fn timeout<F: Future>(limit: Duration, fut: F) -> Result<F::Output, HandlerError> {
    let race = Race {
        fut: Box::pin(fut),
        timer: Box::pin(sleep(limit)),
    };
    race.await.ok_or_else(|| {
        HandlerError::ServiceUnavailable(format!("timed out after {} ms", limit.as_millis()))
    })
}

struct Race<F, T> {
    fut: Pin<Box<F>>,
    timer: Pin<Box<T>>,
}

impl<F: Future, T: Future<Output = ()>> Future for Race<F, T> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(v) = self.fut.as_mut().poll(cx) {
            return Poll::Ready(Some(v));
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}
