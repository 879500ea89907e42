//! Counters of the dataplane's protections against slow and greedy clients: connections
//! closed by a deadline (first byte, head, body, keep-alive idle), bodies refused as too
//! large (413), requests refused because their worker's buffered bytes were at the cap
//! (503), and connections refused at accept (per client IP, per worker).
//!
//! One set per dataplane, shared by every worker. These events are rare next to requests,
//! so plain shared atomics do: no per-core slots.

use std::sync::atomic::{AtomicU64, Ordering};

/// What the protections did, counted since the dataplane started.
#[derive(Debug, Default)]
pub struct ProtectionCounters {
    first_byte: AtomicU64,
    head: AtomicU64,
    body: AtomicU64,
    keepalive: AtomicU64,
    too_large: AtomicU64,
    buffer_full: AtomicU64,
    per_ip: AtomicU64,
    per_worker: AtomicU64,
}

/// Which deadline closed a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineKind {
    /// A new connection sent no byte within `first_byte_timeout`.
    FirstByte,
    /// A head was not complete within `header_timeout` (408).
    Head,
    /// A body missed its deadline (`body_timeout` plus its rate allowance; 408).
    Body,
    /// An idle keep-alive connection reached `keepalive_timeout`.
    KeepAlive,
}

/// Why a connection was refused at accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Its client IP already had `max_connections_per_ip` open connections.
    PerIp,
    /// Its worker already had `max_connections_per_worker` open connections.
    PerWorker,
}

/// A point-in-time copy of [`ProtectionCounters`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ProtectionSnapshot {
    /// Connections closed because no first byte came in time.
    pub first_byte_timeouts: u64,
    /// Connections closed with 408 because the head was not complete in time.
    pub head_timeouts: u64,
    /// Connections closed with 408 because the body missed its deadline.
    pub body_timeouts: u64,
    /// Idle keep-alive connections closed at the keep-alive timeout.
    pub keepalive_timeouts: u64,
    /// Requests answered 413 (body above the endpoint's `max_body_bytes`).
    pub body_too_large: u64,
    /// Requests answered 503 because the worker's buffered request bytes were at the cap.
    pub buffer_full: u64,
    /// Connections closed at accept: their IP was at `max_connections_per_ip`.
    pub refused_per_ip: u64,
    /// Connections closed at accept: their worker was at `max_connections_per_worker`.
    pub refused_per_worker: u64,
}

fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

impl ProtectionCounters {
    /// Counts a connection closed by `kind`.
    pub fn deadline(&self, kind: DeadlineKind) {
        bump(match kind {
            DeadlineKind::FirstByte => &self.first_byte,
            DeadlineKind::Head => &self.head,
            DeadlineKind::Body => &self.body,
            DeadlineKind::KeepAlive => &self.keepalive,
        });
    }

    /// Counts a 413.
    pub fn too_large(&self) {
        bump(&self.too_large);
    }

    /// Counts a 503 from the buffered-bytes cap.
    pub fn buffer_full(&self) {
        bump(&self.buffer_full);
    }

    /// Counts a connection refused at accept.
    pub fn refused(&self, why: Refusal) {
        bump(match why {
            Refusal::PerIp => &self.per_ip,
            Refusal::PerWorker => &self.per_worker,
        });
    }

    /// The counts now.
    pub fn snapshot(&self) -> ProtectionSnapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        ProtectionSnapshot {
            first_byte_timeouts: get(&self.first_byte),
            head_timeouts: get(&self.head),
            body_timeouts: get(&self.body),
            keepalive_timeouts: get(&self.keepalive),
            body_too_large: get(&self.too_large),
            buffer_full: get(&self.buffer_full),
            refused_per_ip: get(&self.per_ip),
            refused_per_worker: get(&self.per_worker),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_lands_in_its_own_counter() {
        let c = ProtectionCounters::default();
        c.deadline(DeadlineKind::FirstByte);
        c.deadline(DeadlineKind::Head);
        c.deadline(DeadlineKind::Head);
        c.deadline(DeadlineKind::Body);
        c.too_large();
        c.buffer_full();
        c.refused(Refusal::PerIp);
        let s = c.snapshot();
        assert_eq!(
            (s.first_byte_timeouts, s.head_timeouts, s.body_timeouts),
            (1, 2, 1)
        );
        assert_eq!(
            (s.keepalive_timeouts, s.body_too_large, s.buffer_full),
            (0, 1, 1)
        );
        assert_eq!((s.refused_per_ip, s.refused_per_worker), (1, 0));
    }
}
