//! One deadline mechanism per core. Every connection owns a slot in its core's
//! [`Deadlines`] table holding when its current wait (idle keep-alive, head, body, write,
//! handler) must end. One timer task per core refreshes the coarse [`Clock`] every 10 ms
//! and sweeps the table every [`SWEEP_EVERY`]: a slot past its deadline is marked fired
//! and its task woken. A connection runs each wait through [`Deadline::within`], which
//! drops the wait's future once the slot fired; dropping a monoio I/O future cancels the
//! operation (io_uring `AsyncCancel` with the `async-cancel` feature; the epoll driver
//! just deregisters). No monoio timer is armed per read, write or handler call; setting a
//! deadline is two `Cell` writes.
//!
//! Deadlines are coarse: a wait ends between its deadline and one sweep (plus one clock
//! tick) later. Shutdown fires every slot marked idle, which is how a draining worker
//! closes its idle keep-alive connections.

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Duration;

use super::clock::Clock;

/// How often the table is swept.
pub(crate) const SWEEP_EVERY: Duration = Duration::from_millis(100);

#[derive(Debug, Default)]
struct Entry {
    live: bool,
    at_ms: u64,
    idle: bool,
    fired: bool,
    waker: Option<Waker>,
}

/// The per-core table of connection deadlines, with the core's coarse clock.
#[derive(Debug)]
pub(crate) struct Deadlines {
    clock: Clock,
    entries: RefCell<Vec<Entry>>,
    free: RefCell<Vec<usize>>,
    last_sweep: Cell<u64>,
}

impl Deadlines {
    /// An empty table.
    pub fn new() -> Rc<Self> {
        let clock = Clock::new();
        let last_sweep = Cell::new(clock.now_ms());
        Rc::new(Deadlines {
            clock,
            entries: RefCell::new(Vec::new()),
            free: RefCell::new(Vec::new()),
            last_sweep,
        })
    }

    /// The core's coarse clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// A slot for one connection, freed when the handle drops.
    pub fn register(self: &Rc<Self>) -> Deadline {
        let mut entries = self.entries.borrow_mut();
        let index = match self.free.borrow_mut().pop() {
            Some(i) => i,
            None => {
                entries.push(Entry::default());
                entries.len() - 1
            }
        };
        if let Some(e) = entries.get_mut(index) {
            *e = Entry {
                live: true,
                at_ms: u64::MAX,
                ..Entry::default()
            };
        }
        Deadline {
            table: Rc::clone(self),
            index,
        }
    }

    /// Connections holding a slot.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.borrow().len() - self.free.borrow().len()
    }

    /// The timer task's step: refreshes the clock, and sweeps when [`SWEEP_EVERY`] passed
    /// since the last sweep. Returns how many slots fired.
    pub fn tick(&self) -> usize {
        self.clock.refresh();
        let now = self.clock.now_ms();
        if now.saturating_sub(self.last_sweep.get()) < millis(SWEEP_EVERY) {
            return 0;
        }
        self.last_sweep.set(now);
        self.fire(|e| e.at_ms <= now)
    }

    /// Fires every slot of a connection waiting idle (shutdown).
    pub fn fire_idle(&self) -> usize {
        self.fire(|e| e.idle)
    }

    fn fire(&self, due: impl Fn(&Entry) -> bool) -> usize {
        // Wake after the borrow ends: a waker may run code that touches the table.
        let mut woken = Vec::new();
        for e in self.entries.borrow_mut().iter_mut() {
            if e.live && !e.fired && due(e) {
                e.fired = true;
                woken.push(e.waker.take());
            }
        }
        let n = woken.len();
        woken.into_iter().flatten().for_each(Waker::wake);
        n
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// One connection's slot in its core's [`Deadlines`].
#[derive(Debug)]
pub(crate) struct Deadline {
    table: Rc<Deadlines>,
    index: usize,
}

impl Deadline {
    fn with<R>(&self, f: impl FnOnce(&mut Entry) -> R) -> Option<R> {
        self.table.entries.borrow_mut().get_mut(self.index).map(f)
    }

    /// Starts a wait that must end `after` from now (coarse clock); `idle` marks a wait
    /// that shutdown may end at once.
    pub fn set(&self, after: Duration, idle: bool) {
        let at_ms = self.table.clock.after(after);
        self.with(|e| {
            e.at_ms = at_ms;
            e.idle = idle;
            e.fired = false;
        });
    }

    /// Starts a wait that must end at `at_ms` on the core's coarse clock.
    pub fn set_at(&self, at_ms: u64) {
        self.with(|e| {
            e.at_ms = at_ms;
            e.idle = false;
            e.fired = false;
        });
    }

    /// A fine reading to time a request with ([`Deadline::since`]).
    pub fn stamp(&self) -> u64 {
        self.table.clock.stamp()
    }

    /// The time since `stamp`.
    pub fn since(&self, stamp: u64) -> Duration {
        self.table.clock.since(stamp)
    }

    /// The core's coarse clock, in milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.table.clock.now_ms()
    }

    /// Whether the current wait's deadline passed.
    pub fn fired(&self) -> bool {
        self.with(|e| e.fired).unwrap_or(true)
    }

    /// Runs `fut` until it completes (`Some`) or the deadline fires (`None`, `fut` dropped,
    /// which cancels its I/O).
    pub async fn within<F: Future>(&self, fut: F) -> Option<F::Output> {
        let mut fut = pin!(fut);
        poll_fn(|cx| {
            if self.fired() {
                return Poll::Ready(None);
            }
            if let Poll::Ready(v) = fut.as_mut().poll(cx) {
                return Poll::Ready(Some(v));
            }
            self.with(|e| match &e.waker {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => e.waker = Some(cx.waker().clone()),
            });
            Poll::Pending
        })
        .await
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        let freed = self.with(|e| *e = Entry::default()).is_some();
        if freed {
            self.table.free.borrow_mut().push(self.index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> monoio::Runtime<monoio::time::TimeDriver<monoio::LegacyDriver>> {
        monoio::RuntimeBuilder::<monoio::LegacyDriver>::new()
            .enable_timer()
            .build()
            .expect("runtime")
    }

    #[test]
    fn slots_are_reused_and_freed() {
        let t = Deadlines::new();
        let a = t.register();
        let b = t.register();
        assert_eq!(t.len(), 2);
        drop(a);
        assert_eq!(t.len(), 1);
        let c = t.register();
        assert_eq!((t.len(), c.index), (2, 0), "the freed slot is taken again");
        drop((b, c));
        assert_eq!(t.len(), 0);
    }

    #[test]
    fn a_sweep_ends_an_expired_wait_and_spares_the_others() {
        runtime().block_on(async {
            let t = Deadlines::new();
            let short = t.register();
            let long = t.register();
            short.set(Duration::ZERO, false);
            long.set(Duration::from_secs(3600), false);
            let ticker = {
                let t = Rc::clone(&t);
                monoio::spawn(async move {
                    loop {
                        monoio::time::sleep(Duration::from_millis(10)).await;
                        t.tick();
                    }
                })
            };
            let r = short.within(std::future::pending::<()>()).await;
            assert_eq!(r, None, "the pending wait was ended by the sweep");
            assert!(short.fired() && !long.fired());
            assert_eq!(long.within(async { 7 }).await, Some(7));
            drop(ticker);
        });
    }

    #[test]
    fn shutdown_fires_only_idle_waits() {
        let t = Deadlines::new();
        let idle = t.register();
        let busy = t.register();
        idle.set(Duration::from_secs(60), true);
        busy.set(Duration::from_secs(60), false);
        assert_eq!(t.fire_idle(), 1);
        assert!(idle.fired() && !busy.fired());
        idle.set(Duration::from_secs(60), false);
        assert!(!idle.fired(), "a new wait starts unfired");
    }
}
