//! Library-side runtime used by the code the entry macros generate. Not public API.
//!
//! Everything here runs inside the handler library: the panic guards that keep unwinding
//! from crossing into the gateway, the thread-local call scope the synchronous service API
//! uses, and the library's panic hook.

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::task::{Context as TaskContext, Poll};

use crate::abi::host::LogLevel;
use crate::abi::{CallScope, HandlerFuture, HostVTable};
use crate::{Context, HandlerError, Response};

static HOST: AtomicPtr<HostVTable> = AtomicPtr::new(std::ptr::null_mut());
static LIBRARY_ID: AtomicU64 = AtomicU64::new(0);
static PANICS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    // `Cell<Option<Copy>>` has no destructor, so touching it does not pin the library in
    // memory after dlclose (a thread-local with a destructor would).
    static CURRENT: Cell<Option<CallScope>> = const { Cell::new(None) };
}

/// `gw_init`: remember the host and install this library's panic hook.
///
/// The library has its own copy of std, hence its own panic hook: the gateway's hook never
/// sees a handler's panics, so this one forwards them to the host log.
pub fn init(host: &'static HostVTable, library_id: u64) {
    HOST.store(
        host as *const HostVTable as *mut HostVTable,
        Ordering::Release,
    );
    LIBRARY_ID.store(library_id, Ordering::Release);
    std::panic::set_hook(Box::new(|info| {
        PANICS.fetch_add(1, Ordering::Relaxed);
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let msg = format!(
            "handler panicked{location}: {}",
            payload_text(info.payload())
        );
        log(LogLevel::Panic, &msg);
    }));
}

/// The host vtable, once `gw_init` ran.
pub fn host() -> Option<&'static HostVTable> {
    let p = HOST.load(Ordering::Acquire);
    // SAFETY: only ever set from a `&'static HostVTable` in `init`.
    (!p.is_null()).then(|| unsafe { &*p })
}

/// Panics seen by this library since it was loaded.
pub fn panics_seen() -> u64 {
    PANICS.load(Ordering::Relaxed)
}

/// Sends a log line to the host (dropped when not running inside the gateway).
pub fn log(level: LogLevel, msg: &str) {
    if let Some(h) = host() {
        (h.log)(LIBRARY_ID.load(Ordering::Relaxed), level, msg);
    }
}

/// A line a handler printed: to the host log, and to the process's stdout or stderr.
pub fn print_line(level: LogLevel, line: String) {
    use std::io::Write;
    log(level, &line);
    // Unlike println!, a closed stdout or stderr must not turn into a handler panic.
    let _ = if level == LogLevel::Info {
        writeln!(std::io::stdout(), "{line}")
    } else {
        writeln!(std::io::stderr(), "{line}")
    };
}

/// The scope of the handler call running on this thread, if any.
pub fn current_scope() -> Option<CallScope> {
    CURRENT.with(Cell::get)
}

struct ScopeGuard(Option<CallScope>);
impl ScopeGuard {
    fn enter(scope: CallScope) -> Self {
        ScopeGuard(CURRENT.with(|c| c.replace(Some(scope))))
    }
}
impl Drop for ScopeGuard {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.0));
    }
}

fn payload_text(p: &(dyn Any + Send)) -> &str {
    if let Some(s) = p.downcast_ref::<&str>() {
        s
    } else if let Some(s) = p.downcast_ref::<String>() {
        s
    } else {
        "<non-string panic payload>"
    }
}

/// Turns a caught panic into a 500. The payload was allocated by this library's std and is
/// dropped here too (a panicking payload destructor is contained as well).
fn panic_response(stage: &str, payload: Box<dyn Any + Send>) -> Response {
    let text = format!(
        "handler panicked during {stage}: {}",
        payload_text(&*payload)
    );
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(again);
    }
    Response::json(500, serde_json::json!({ "error": text }))
        .with_header("x-gateway-error", "handler-panic")
}

/// What a handler function may return.
pub trait IntoHandlerResponse {
    /// Converts into the response sent to the client.
    fn into_handler_response(self) -> Response;
}

impl IntoHandlerResponse for Response {
    fn into_handler_response(self) -> Response {
        self
    }
}

impl<E: Into<HandlerError>> IntoHandlerResponse for Result<Response, E> {
    fn into_handler_response(self) -> Response {
        match self {
            Ok(r) => r,
            Err(e) => e.into().to_response(),
        }
    }
}

/// The user future, wrapped so that every poll and the final drop run under `catch_unwind`.
///
/// No call scope is installed while polling: the blocking service API is for synchronous
/// handlers only (on a worker it would stall every request of the core), and without a
/// scope it says so instead of blocking.
struct Guarded<F> {
    inner: ManuallyDrop<F>,
    done: bool,
}

impl<F> Future for Guarded<F>
where
    F: Future,
    F::Output: IntoHandlerResponse,
{
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Response> {
        // SAFETY: `inner` is structurally pinned: it is never moved out of `self`.
        let this = unsafe { self.get_unchecked_mut() };
        if this.done {
            return Poll::Ready(Response::internal_error(
                "handler future polled after completion",
            ));
        }
        // SAFETY: see above; `inner` stays in place until dropped in `Drop`.
        let inner = unsafe { Pin::new_unchecked(&mut *this.inner) };
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(out)) => {
                this.done = true;
                match catch_unwind(AssertUnwindSafe(|| out.into_handler_response())) {
                    Ok(r) => Poll::Ready(r),
                    Err(p) => Poll::Ready(panic_response("conversion", p)),
                }
            }
            Err(p) => {
                this.done = true;
                Poll::Ready(panic_response("poll", p))
            }
        }
    }
}

impl<F> Drop for Guarded<F> {
    fn drop(&mut self) {
        let inner = &mut self.inner;
        // SAFETY: dropped exactly once, here.
        let dropped = catch_unwind(AssertUnwindSafe(|| unsafe { ManuallyDrop::drop(inner) }));
        if let Err(p) = dropped {
            // A panicking destructor in handler state: contained, never unwinds into the host.
            if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(p))) {
                std::mem::forget(again);
            }
        }
    }
}

/// Entry of an asynchronous handler: builds the future under `catch_unwind`, directly in
/// its box (the state of a handler future is often over a kilobyte; building it in place
/// saves copying it on every request), wrapped in a [`Guarded`].
pub fn run_async<Fut>(ctx: Context, make: impl FnOnce(Context) -> Fut) -> HandlerFuture
where
    Fut: Future + 'static,
    Fut::Output: IntoHandlerResponse,
{
    let mut slot: Box<std::mem::MaybeUninit<Guarded<Fut>>> = Box::new_uninit();
    let at = slot.as_mut_ptr();
    let built = catch_unwind(AssertUnwindSafe(move || {
        let inner = ManuallyDrop::new(make(ctx));
        // SAFETY: `at` points to the box's uninitialised, properly aligned storage.
        unsafe { at.write(Guarded { inner, done: false }) };
    }));
    match built {
        // SAFETY: the closure completed, so the slot was written.
        Ok(()) => Box::into_pin(unsafe { slot.assume_init() }),
        Err(p) => Box::pin(std::future::ready(panic_response("call", p))),
    }
}

/// Entry of a blocking handler: runs it to completion under `catch_unwind`, with the call
/// scope installed for the synchronous service API.
pub fn run_blocking<R: IntoHandlerResponse>(
    ctx: Context,
    f: impl FnOnce(Context) -> R,
) -> Response {
    let _scope = ScopeGuard::enter(ctx.scope());
    match catch_unwind(AssertUnwindSafe(move || f(ctx).into_handler_response())) {
        Ok(r) => r,
        Err(p) => panic_response("call", p),
    }
}
