//! Remembers which handler version killed the process, across the restart.
//!
//! A handler that calls `abort()`, segfaults or overflows its stack takes the whole process
//! with it; that cannot be prevented in-process. What can be prevented is loading the same
//! version again at boot, which would let one URL drive a crash loop. So every thread that
//! calls a handler keeps, in a thread-local slot set when a call (or a poll of its future)
//! starts, the endpoint scope and the deployed version it is running ([`enter`]). A handler
//! for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT, run on an alternate signal stack (so a
//! stack overflow reaches it too), appends one line naming the crashing thread's slot to a
//! file opened at start, with `write(2)` only: no allocation, no lock. It then restores the
//! default action and raises the signal again, so the process still dies of it (core dump
//! and exit status as usual). SIGKILL and the OOM killer run no handler and record
//! nothing: a `kill -9` never keeps anything unloaded.
//!
//! At boot the control side reads the records ([`read`]) before the dataplane opens the
//! file again, keeps the recorded versions unloaded, and then clears it ([`clear`]).

use std::cell::Cell;
use std::io;
use std::os::fd::IntoRawFd;
use std::path::Path;
use std::sync::atomic::{AtomicI32, Ordering};

/// The signals that record a crash.
pub const FATAL_SIGNALS: [i32; 5] = [
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGILL,
    libc::SIGFPE,
    libc::SIGABRT,
];

/// The record file's descriptor (-1: not installed).
static FD: AtomicI32 = AtomicI32::new(-1);

thread_local! {
    /// `(scope + 1, version)` of the call this thread runs (scope + 1 = 0: none). A const
    /// initialiser and a type without a destructor make this a plain TLS slot, readable from
    /// a signal handler.
    static CALL: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

/// Restores the thread's previous call slot when dropped.
#[derive(Debug)]
pub struct CallGuard {
    prev: (u64, u64),
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        CALL.with(|c| c.set(self.prev));
    }
}

/// Marks this thread as running the handler of `scope` at deployed `version` until the
/// guard drops.
pub fn enter(scope: u64, version: u64) -> CallGuard {
    let prev = CALL.with(|c| c.replace((scope.saturating_add(1), version)));
    CallGuard { prev }
}

/// The call this thread runs, as `(scope, version)`.
pub fn current() -> Option<(u64, u64)> {
    let (tag, version) = CALL.with(Cell::get);
    tag.checked_sub(1).map(|scope| (scope, version))
}

/// Marks this thread as running `call` (from [`current`] on another thread) until the
/// guard drops: a blocking handler's job carries its worker's call to its pool thread.
pub fn enter_call(call: Option<(u64, u64)>) -> CallGuard {
    match call {
        Some((scope, version)) => enter(scope, version),
        None => {
            let prev = CALL.with(|c| c.replace((0, 0)));
            CallGuard { prev }
        }
    }
}

/// The name of a fatal signal (`SIGABRT`), or `signal N`.
pub fn signal_name(signal: i32) -> String {
    match signal {
        libc::SIGSEGV => "SIGSEGV".into(),
        libc::SIGBUS => "SIGBUS".into(),
        libc::SIGILL => "SIGILL".into(),
        libc::SIGFPE => "SIGFPE".into(),
        libc::SIGABRT => "SIGABRT".into(),
        n => format!("signal {n}"),
    }
}

/// One recorded crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrashRecord {
    /// The fatal signal.
    pub signal: i32,
    /// The endpoint scope and deployed version the crashing thread was running; `None`
    /// when it was in no handler call.
    pub call: Option<(u64, u64)>,
    /// When (seconds since the Unix epoch).
    pub unix_secs: u64,
}

/// Why the crash record could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum CrashRecordError {
    /// The record file could not be opened.
    #[error("crash record {path}: {source}")]
    Open {
        /// The file.
        path: String,
        /// The cause.
        source: io::Error,
    },
    /// A signal handler could not be installed.
    #[error("installing the fatal-signal handler for {signal}: {source}")]
    Signal {
        /// The signal's name.
        signal: String,
        /// The cause.
        source: io::Error,
    },
}

/// Opens `path` for appending and installs the fatal-signal handlers (and an alternate
/// signal stack for the calling thread; other threads call [`ensure_altstack`]). Records
/// already in the file are kept: read them with [`read`] first.
pub fn install(path: &Path) -> Result<(), CrashRecordError> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(|source| CrashRecordError::Open {
            path: path.display().to_string(),
            source,
        })?;
    let old = FD.swap(file.into_raw_fd(), Ordering::AcqRel);
    if old >= 0 {
        // SAFETY: `old` is the descriptor an earlier install took ownership of.
        unsafe { libc::close(old) };
    }
    ensure_altstack();
    for signal in FATAL_SIGNALS {
        // SAFETY: a zeroed sigaction is valid; the handler is async-signal-safe.
        let rc = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_fatal_signal as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut())
        };
        if rc != 0 {
            return Err(CrashRecordError::Signal {
                signal: signal_name(signal),
                source: io::Error::last_os_error(),
            });
        }
    }
    Ok(())
}

/// Size of an alternate signal stack made by [`ensure_altstack`].
const ALTSTACK_BYTES: usize = 64 * 1024;

/// Gives the calling thread an alternate signal stack unless it has one (std gives its
/// threads one; this does not rely on it), so a stack overflow still runs the handler.
/// The stack lives as long as the process (the threads that call it do too).
pub fn ensure_altstack() {
    // SAFETY: querying with a null new stack only reads the current one.
    let mut current: libc::stack_t = unsafe { std::mem::zeroed() };
    if unsafe { libc::sigaltstack(std::ptr::null(), &mut current) } != 0 {
        return;
    }
    if current.ss_flags & libc::SS_DISABLE == 0 {
        return;
    }
    // SAFETY: an anonymous private mapping; on failure nothing is installed.
    let stack = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            ALTSTACK_BYTES,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if stack == libc::MAP_FAILED {
        tracing::warn!(
            "no alternate signal stack for this thread: a stack overflow here is not recorded"
        );
        return;
    }
    let new = libc::stack_t {
        ss_sp: stack,
        ss_flags: 0,
        ss_size: ALTSTACK_BYTES,
    };
    // SAFETY: `new` points at a live mapping of `ALTSTACK_BYTES` never unmapped.
    if unsafe { libc::sigaltstack(&new, std::ptr::null_mut()) } != 0 {
        tracing::warn!("sigaltstack refused: a stack overflow on this thread is not recorded");
    }
}

/// A line buffer on the stack for the signal handler.
struct Line {
    buf: [u8; 160],
    len: usize,
}

impl Line {
    fn push(&mut self, s: &[u8]) {
        for &b in s {
            if self.len < self.buf.len() {
                self.buf[self.len] = b;
                self.len += 1;
            }
        }
    }

    fn num(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.push(&digits[i..]);
    }
}

/// The record line: `signal=6 scope=12 version=3 time=1700000000` (`scope=-` outside any
/// handler call).
fn format_line(signal: i32, call: Option<(u64, u64)>, unix_secs: u64) -> Line {
    let mut line = Line {
        buf: [0; 160],
        len: 0,
    };
    line.push(b"signal=");
    line.num(u64::try_from(signal).unwrap_or(0));
    match call {
        Some((scope, version)) => {
            line.push(b" scope=");
            line.num(scope);
            line.push(b" version=");
            line.num(version);
        }
        None => line.push(b" scope=- version=-"),
    }
    line.push(b" time=");
    line.num(unix_secs);
    line.push(b"\n");
    line
}

fn write_all(fd: i32, bytes: &[u8]) {
    let mut done = 0;
    while done < bytes.len() {
        // SAFETY: write(2) on a descriptor with a valid buffer; async-signal-safe.
        let n = unsafe { libc::write(fd, bytes[done..].as_ptr().cast(), bytes.len() - done) };
        if n <= 0 {
            return;
        }
        done += n as usize;
    }
}

/// The fatal-signal handler: async-signal-safe (TLS read, clock_gettime, write, sigaction,
/// raise).
extern "C" fn on_fatal_signal(signal: i32, _info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    let call = current();
    // SAFETY: a zeroed timespec is valid; clock_gettime is async-signal-safe.
    let mut now: libc::timespec = unsafe { std::mem::zeroed() };
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut now) };
    let line = format_line(signal, call, u64::try_from(now.tv_sec).unwrap_or(0));
    let fd = FD.load(Ordering::Acquire);
    if fd >= 0 {
        write_all(fd, &line.buf[..line.len]);
        // SAFETY: fsync is async-signal-safe; the record must outlive the process.
        unsafe { libc::fsync(fd) };
    }
    write_all(2, b"rust-edge-gateway: fatal signal, recorded: ");
    write_all(2, &line.buf[..line.len]);
    // SAFETY: restoring the default action and raising again is the documented way to
    // die of the signal after handling it; the signal is blocked until this returns.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = libc::SIG_DFL;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(signal, &action, std::ptr::null_mut());
        libc::raise(signal);
    }
}

fn parse_line(line: &str) -> Option<CrashRecord> {
    let mut signal = None;
    let mut scope = None;
    let mut version = None;
    let mut time = None;
    for field in line.split_whitespace() {
        let (key, value) = field.split_once('=')?;
        match key {
            "signal" => signal = value.parse().ok(),
            "scope" => scope = Some(value.parse::<u64>().ok()),
            "version" => version = Some(value.parse::<u64>().ok()),
            "time" => time = value.parse().ok(),
            _ => {}
        }
    }
    let call = match (scope?, version?) {
        (Some(s), Some(v)) => Some((s, v)),
        _ => None,
    };
    Some(CrashRecord {
        signal: signal?,
        call,
        unix_secs: time?,
    })
}

/// The records in `path` (none when it does not exist); unreadable lines are skipped.
pub fn read(path: &Path) -> io::Result<Vec<CrashRecord>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text.lines().filter_map(parse_line).collect()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Empties `path` once its records were taken over (a descriptor the handler holds keeps
/// appending from the new end).
pub fn clear(path: &Path) -> io::Result<()> {
    match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(f) => f.set_len(0),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_round_trips() {
        let line = format_line(6, Some((12, 3)), 1_700_000_000);
        let text = std::str::from_utf8(&line.buf[..line.len]).expect("utf8");
        assert_eq!(text, "signal=6 scope=12 version=3 time=1700000000\n");
        assert_eq!(
            parse_line(text),
            Some(CrashRecord {
                signal: 6,
                call: Some((12, 3)),
                unix_secs: 1_700_000_000
            })
        );
        let outside = format_line(11, None, 5);
        let text = std::str::from_utf8(&outside.buf[..outside.len]).expect("utf8");
        assert_eq!(parse_line(text).map(|r| r.call), Some(None));
        assert_eq!(parse_line("garbage"), None);
    }

    #[test]
    fn the_slot_follows_calls_and_restores() {
        assert_eq!(current(), None);
        {
            let _outer = enter(4, 2);
            assert_eq!(current(), Some((4, 2)));
            {
                let _inner = enter_call(None);
                assert_eq!(current(), None);
            }
            assert_eq!(current(), Some((4, 2)));
        }
        assert_eq!(current(), None);
    }
}
