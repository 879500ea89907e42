//! Timers for handlers, from the worker's monoio runtime.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use rust_edge_gateway_sdk::abi::host::HostFuture;

/// `HostVTable::sleep`: a monoio timer on the polling worker. Outside a monoio runtime with
/// timers (a test polling by hand), it degrades to blocking the thread rather than
/// panicking into the library.
pub(super) fn sleep(d: Duration) -> HostFuture<()> {
    Box::pin(async move {
        let timer = catch_unwind(AssertUnwindSafe(|| monoio::time::sleep(d)));
        match timer {
            Ok(t) => t.await,
            Err(_) => {
                tracing::warn!("handler sleep outside a monoio runtime; blocking the thread");
                std::thread::sleep(d);
            }
        }
    })
}
