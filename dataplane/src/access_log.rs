//! The optional access log: one JSON object per answered request (`ts_ms`, `method`, `path`,
//! `status`, `duration_us`, `request_id`, `client_ip`, `endpoint`), off by default.
//!
//! Each worker writes through its own buffer to the same file opened in append mode (no lock
//! shared between cores; a flush writes whole lines), flushed when the buffer fills and on
//! the worker's 10 ms tick, so a line reaches the file within about 10 ms.

use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::{BufWriter, Write};

/// One request, as logged.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Entry<'a> {
    pub ts_ms: u64,
    pub method: &'a str,
    pub path: &'a str,
    pub status: u16,
    pub duration_us: u64,
    pub request_id: &'a str,
    pub client_ip: &'a str,
    pub endpoint: &'a str,
}

/// A worker's writer.
#[derive(Debug)]
pub(crate) struct AccessLog {
    out: RefCell<BufWriter<File>>,
    line: RefCell<Vec<u8>>,
    dirty: Cell<bool>,
    failed: Cell<bool>,
}

impl AccessLog {
    pub(crate) fn new(file: File) -> Self {
        AccessLog {
            out: RefCell::new(BufWriter::with_capacity(64 * 1024, file)),
            line: RefCell::new(Vec::with_capacity(512)),
            dirty: Cell::new(false),
            failed: Cell::new(false),
        }
    }

    /// Appends one line (the first write error is logged, later ones are dropped quietly).
    /// The line is formatted first and goes to the file whole: the buffer is flushed
    /// before a line that would not fit, so workers sharing the file never split lines.
    pub(crate) fn record(&self, entry: &Entry<'_>) {
        let mut line = self.line.borrow_mut();
        line.clear();
        if serde_json::to_writer(&mut *line, entry).is_err() {
            return;
        }
        line.push(b'\n');
        let mut out = self.out.borrow_mut();
        let r = if out.buffer().len() + line.len() > out.capacity() {
            out.flush().and_then(|()| out.write_all(&line))
        } else {
            out.write_all(&line)
        };
        self.dirty.set(true);
        if let Err(e) = r {
            if !self.failed.replace(true) {
                tracing::error!("access log write failed: {e}");
            }
        }
    }

    /// Writes buffered lines to the file.
    pub(crate) fn flush(&self) {
        if self.dirty.replace(false) {
            if let Err(e) = self.out.borrow_mut().flush() {
                if !self.failed.replace(true) {
                    tracing::error!("access log write failed: {e}");
                }
            }
        }
    }
}
