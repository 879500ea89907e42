//! Per-endpoint logs: what a handler prints (`eprintln!`/`println!` in its `#[handler]`
//! function) and every panic, in a bounded buffer per endpoint.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use rust_edge_gateway_sdk::abi::host::LogLevel;
use serde::Serialize;

/// Lines kept per endpoint; older ones are dropped.
pub const LINES_PER_ENDPOINT: usize = 1000;

/// One log line.
#[derive(Debug, Clone, Serialize)]
pub struct LogLine {
    /// When (RFC 3339).
    pub at: String,
    /// error, warn, info or panic.
    pub level: &'static str,
    /// The text.
    pub message: String,
}

/// Buffers by endpoint scope (the library id the gateway gave the handler at load).
#[derive(Debug, Default)]
pub struct EndpointLogs {
    buffers: Mutex<HashMap<u64, VecDeque<LogLine>>>,
}

fn level_name(l: LogLevel) -> &'static str {
    match l {
        LogLevel::Error => "error",
        LogLevel::Warn => "warn",
        LogLevel::Info => "info",
        LogLevel::Panic => "panic",
    }
}

impl EndpointLogs {
    /// Records a line for an endpoint.
    pub fn push(&self, scope: u64, level: LogLevel, message: &str) {
        let line = LogLine {
            at: crate::store::now(),
            level: level_name(level),
            message: message.to_string(),
        };
        let mut map = self.buffers.lock().unwrap_or_else(|p| p.into_inner());
        let buf = map.entry(scope).or_default();
        if buf.len() == LINES_PER_ENDPOINT {
            buf.pop_front();
        }
        buf.push_back(line);
    }

    /// An endpoint's lines, oldest first.
    pub fn lines(&self, scope: u64) -> Vec<LogLine> {
        let map = self.buffers.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&scope)
            .map(|b| b.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Forgets an endpoint's lines.
    pub fn forget(&self, scope: u64) {
        self.buffers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&scope);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_per_endpoint() {
        let logs = EndpointLogs::default();
        for i in 0..LINES_PER_ENDPOINT + 5 {
            logs.push(1, LogLevel::Info, &format!("line {i}"));
        }
        logs.push(2, LogLevel::Panic, "boom");
        let l = logs.lines(1);
        assert_eq!(l.len(), LINES_PER_ENDPOINT);
        assert_eq!(l[0].message, "line 5");
        assert_eq!(logs.lines(2)[0].level, "panic");
        assert!(logs.lines(3).is_empty());
    }
}
