//! The per-core coarse clock: read once per tick (every 10 ms on a worker) by the core's
//! timer task, so that setting a connection deadline or stamping an access-log line costs
//! a `Cell` load instead of a `clock_gettime`.
//!
//! A request's latency is the one figure that needs a fine clock: it is two reads of the
//! CPU's time-stamp counter ([`Clock::stamp`], [`Clock::since`]; `quanta`, which checks the
//! counter is invariant and calibrates it once per process, and falls back to the
//! monotonic clock where it is not), so serving a request makes no `clock_gettime` call.

use std::cell::Cell;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Monotonic milliseconds since the core started, and wall-clock milliseconds since the
/// Unix epoch, both as of the last [`Clock::refresh`].
#[derive(Debug)]
pub(crate) struct Clock {
    origin: Instant,
    precise: quanta::Clock,
    now_ms: Cell<u64>,
    wall_ms: Cell<u64>,
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Clock {
    /// A clock reading the time now.
    pub fn new() -> Self {
        let clock = Clock {
            origin: Instant::now(),
            precise: quanta::Clock::new(),
            now_ms: Cell::new(0),
            wall_ms: Cell::new(0),
        };
        clock.refresh();
        clock
    }

    /// Reads the system clocks (the only place this module does) and refreshes the cached
    /// `Date` header value of this thread.
    pub fn refresh(&self) {
        self.now_ms.set(millis(self.origin.elapsed()));
        let wall = SystemTime::now();
        self.wall_ms
            .set(wall.duration_since(UNIX_EPOCH).map_or(0, millis));
        crate::http::date::refresh(wall);
    }

    /// Monotonic milliseconds as of the last refresh.
    pub fn now_ms(&self) -> u64 {
        self.now_ms.get()
    }

    /// Wall-clock milliseconds since the Unix epoch as of the last refresh.
    pub fn wall_ms(&self) -> u64 {
        self.wall_ms.get()
    }

    /// A fine reading for timing a request, to pass to [`Clock::since`].
    pub fn stamp(&self) -> u64 {
        self.precise.raw()
    }

    /// The time since `stamp` was read.
    pub fn since(&self, stamp: u64) -> Duration {
        self.precise.delta(stamp, self.precise.raw())
    }

    /// The monotonic time `after` from the last refresh, in milliseconds.
    pub fn after(&self, after: Duration) -> u64 {
        self.now_ms().saturating_add(millis(after))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stands_still_between_refreshes() {
        let c = Clock::new();
        let t = c.now_ms();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(c.now_ms(), t, "no clock read without a refresh");
        c.refresh();
        assert!(c.now_ms() >= t + 5);
        assert_eq!(c.after(Duration::from_secs(2)), c.now_ms() + 2000);
        assert!(c.wall_ms() > 1_600_000_000_000);
    }

    #[test]
    fn a_stamp_times_what_follows_it() {
        let c = Clock::new();
        let s = c.stamp();
        std::thread::sleep(Duration::from_millis(20));
        let took = c.since(s);
        assert!(
            took >= Duration::from_millis(19) && took < Duration::from_secs(2),
            "{took:?}"
        );
    }
}
