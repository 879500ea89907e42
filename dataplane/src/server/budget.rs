//! The per-worker cap on buffered request bytes: every connection of one worker charges
//! what its read buffer holds beyond its first [`BASE`] bytes (a head being read, a body
//! being read) to the worker's [`ByteBudget`]; a charge that would take the worker over
//! its cap is refused, and the session answers 503 with `Retry-After`. A body with a
//! known `Content-Length` is charged whole before it is read; a chunked body as it grows.
//! A [`Charge`] gives its bytes back when it shrinks or drops (the body handed to the
//! handler, the connection gone).

use std::cell::Cell;
use std::rc::Rc;

use crate::protections::ProtectionCounters;
use std::sync::Arc;

/// What a connection's read buffer may hold without being charged: an idle or small-request
/// connection costs its worker nothing here (the connection cap bounds those).
pub(crate) const BASE: usize = 4096;

/// One worker's buffered request bytes and their cap.
#[derive(Debug)]
pub(crate) struct ByteBudget {
    cap: usize,
    used: Cell<usize>,
}

impl ByteBudget {
    /// A budget of `cap` bytes.
    pub fn new(cap: usize) -> Self {
        ByteBudget {
            cap,
            used: Cell::new(0),
        }
    }

    /// The cap.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// Bytes charged now.
    #[cfg(test)]
    pub fn used(&self) -> usize {
        self.used.get()
    }
}

/// What a session needs from its worker beyond the stream: the byte budget and the
/// protection counters.
#[derive(Debug)]
pub(crate) struct WorkerGuards {
    /// The worker's buffered-bytes budget.
    pub budget: ByteBudget,
    /// Counters shared by every worker.
    pub counters: Arc<ProtectionCounters>,
}

impl WorkerGuards {
    /// Guards with a budget of `cap` bytes, counting into `counters`.
    pub fn new(cap: usize, counters: Arc<ProtectionCounters>) -> Self {
        WorkerGuards {
            budget: ByteBudget::new(cap),
            counters,
        }
    }
}

impl Default for WorkerGuards {
    /// The default cap, fresh counters (tests).
    fn default() -> Self {
        Self::new(
            crate::config::DataplaneConfig::default().max_buffered_bytes_per_worker,
            Arc::default(),
        )
    }
}

/// The bytes one connection holds charged to its worker's budget: its read buffer beyond
/// [`BASE`], plus a body held apart from it (a chunked body being decoded).
#[derive(Debug)]
pub(crate) struct Charge {
    guards: Rc<WorkerGuards>,
    buffer: usize,
    held: usize,
    /// The read buffer is charged at least this (a body's whole length, before it came).
    floor: usize,
    bytes: usize,
}

impl Charge {
    /// Nothing charged yet.
    pub fn new(guards: Rc<WorkerGuards>) -> Self {
        Charge {
            guards,
            buffer: 0,
            held: 0,
            floor: 0,
            bytes: 0,
        }
    }

    /// The guards this charge draws on.
    pub fn guards(&self) -> &WorkerGuards {
        &self.guards
    }

    /// Makes the charge cover a read buffer of `capacity` bytes (everything above
    /// [`BASE`]). See [`Charge::set`].
    pub fn cover(&mut self, capacity: usize) -> bool {
        self.set(capacity, self.held)
    }

    /// Makes the charge cover `bytes` held apart from the read buffer. See [`Charge::set`].
    pub fn hold(&mut self, bytes: usize) -> bool {
        self.set(self.buffer, bytes)
    }

    /// Charges the read buffer as if it held `capacity` bytes already (a body's whole
    /// length, charged before it arrives; the buffer itself grows as bytes come, so a
    /// stalled upload holds its budget, not its memory). 0 ends it. See [`Charge::set`].
    pub fn expect(&mut self, capacity: usize) -> bool {
        let floor = std::mem::replace(&mut self.floor, capacity);
        let ok = self.set(self.buffer, self.held);
        if !ok {
            self.floor = floor;
        }
        ok
    }

    /// A smaller charge gives bytes back and always succeeds; a larger one succeeds only
    /// while the worker stays within its cap, and otherwise changes nothing.
    fn set(&mut self, buffer: usize, held: usize) -> bool {
        let want = buffer
            .max(self.floor)
            .saturating_sub(BASE)
            .saturating_add(held);
        let budget = &self.guards.budget;
        let used = budget.used.get();
        if want <= self.bytes {
            budget.used.set(used - (self.bytes - want));
        } else {
            let extra = want - self.bytes;
            if used.saturating_add(extra) > budget.cap {
                return false;
            }
            budget.used.set(used + extra);
        }
        (self.buffer, self.held, self.bytes) = (buffer, held, want);
        true
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        self.floor = 0;
        self.set(0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_share_one_cap_and_give_back_on_drop() {
        let guards = Rc::new(WorkerGuards::new(10_000, Arc::default()));
        let mut a = Charge::new(Rc::clone(&guards));
        let mut b = Charge::new(Rc::clone(&guards));
        assert!(a.cover(BASE), "the base is free");
        assert_eq!(guards.budget.used(), 0);
        assert!(a.cover(BASE + 6_000));
        assert!(!b.cover(BASE + 5_000), "6,000 + 5,000 is over 10,000");
        assert_eq!(
            guards.budget.used(),
            6_000,
            "a refused charge changes nothing"
        );
        assert!(b.cover(BASE + 4_000));
        assert!(a.cover(BASE + 1_000), "shrinking always succeeds");
        assert_eq!(guards.budget.used(), 5_000);
        assert!(!b.hold(6_000), "1,000 + 4,000 + 6,000 held is over 10,000");
        assert!(b.hold(1_000));
        assert_eq!(guards.budget.used(), 6_000);
        drop(a);
        assert_eq!(guards.budget.used(), 5_000);
        drop(b);
        assert_eq!(guards.budget.used(), 0);
    }
}
