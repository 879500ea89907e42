//! The `Date` header line (`date: ...\r\n`), formatted once per second per thread. A
//! worker's clock tick calls [`refresh`] every 10 ms, after which [`with_date_line`] reads
//! no clock at all; on a thread that never refreshes (tests, tools) every call reads the
//! system clock.

use std::cell::{Cell, RefCell};
use std::time::{SystemTime, UNIX_EPOCH};

thread_local! {
    static CACHE: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    static TICKED: Cell<bool> = const { Cell::new(false) };
}

fn store(now: SystemTime) {
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.0 != secs {
            *c = (secs, format!("date: {}\r\n", httpdate::fmt_http_date(now)));
        }
    });
}

/// Sets this thread's current time (a worker's clock tick); from now on [`with_date_line`] on
/// this thread uses it instead of reading the clock.
pub fn refresh(now: SystemTime) {
    TICKED.with(|t| t.set(true));
    store(now);
}

/// Calls `f` with the current `Date` header line: `date: `, the IMF-fixdate and CRLF.
pub fn with_date_line<R>(f: impl FnOnce(&[u8]) -> R) -> R {
    if !TICKED.with(Cell::get) {
        store(SystemTime::now());
    }
    CACHE.with(|c| f(c.borrow().1.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line() -> String {
        with_date_line(|l| String::from_utf8_lossy(l).into_owned())
    }

    #[test]
    fn a_refreshed_thread_uses_the_refreshed_time() {
        std::thread::spawn(|| {
            refresh(UNIX_EPOCH + std::time::Duration::from_secs(784_111_777));
            assert_eq!(line(), "date: Sun, 06 Nov 1994 08:49:37 GMT\r\n");
        })
        .join()
        .expect("thread");
        let today = line();
        assert!(
            today.starts_with("date: ") && today.ends_with(" GMT\r\n") && !today.contains("1994"),
            "{today}"
        );
    }
}
