//! Log lines and panics reported by handler libraries.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use rust_edge_gateway_sdk::abi::host::LogLevel;

/// Receives every log line of every library: `(library id, level, message)`.
pub type LogSink = Box<dyn Fn(u64, LogLevel, &str) + Send + Sync>;

static SINK: OnceLock<LogSink> = OnceLock::new();

/// Installs the receiver of library log lines (for per-endpoint logs); `false` if one was
/// already installed. Lines always go to `tracing` as well.
pub fn set_log_sink(sink: LogSink) -> bool {
    SINK.set(sink).is_ok()
}

/// `HostVTable::log`.
pub(super) fn log(library: u64, level: LogLevel, msg: &str) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        match level {
            LogLevel::Panic | LogLevel::Error => {
                tracing::error!(target: "handler", library, "{msg}")
            }
            LogLevel::Warn => tracing::warn!(target: "handler", library, "{msg}"),
            LogLevel::Info => tracing::info!(target: "handler", library, "{msg}"),
        }
        if let Some(sink) = SINK.get() {
            sink(library, level, msg);
        }
    }));
}
