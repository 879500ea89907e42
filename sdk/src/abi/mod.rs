//! The contract between the gateway and a handler library (`cdylib`).
//!
//! Rust has no stable ABI, so the gateway compiles every handler itself with the same
//! toolchain and this same SDK source, and guards the seam with these rules:
//!
//! 1. **Fingerprint.** Every library exports [`FINGERPRINT`] through the C-ABI symbol
//!    `gw_abi_fingerprint`. The loader reads it before touching anything else and refuses a
//!    library whose fingerprint differs from its own, naming both.
//! 2. **One allocator.** The entry macros install a forwarding `#[global_allocator]` in the
//!    library ([`alloc`]); the loader passes the host allocator through `gw_init_alloc` right
//!    after the fingerprint check. Memory then moves freely in both directions.
//! 3. **Panics stay inside the library.** The generated entry catches panics on the call, on
//!    every poll and on drop of the handler future, and turns them into a 500 [`Response`]
//!    (a panic cannot unwind from one copy of std into another).
//! 4. **Plain data only.** What crosses is [`Request`], [`Response`], the plain-data service
//!    messages of [`host`], and the [`HostVTable`] of function pointers. The library never
//!    runs host internals through its own copies of crates.
//! 5. **Unique paths.** The gateway installs every build under its own content-addressed
//!    path and keeps a library mapped while any future from it is alive.
//! 6. **No runtime of its own.** Handler futures are polled by the gateway's worker; timers
//!    and service calls come from the host through the vtable ([`crate::sleep`],
//!    [`crate::Context`]).
//! 7. **Blocking handlers** (synchronous functions) are marked [`HandlerEntry::Blocking`] and
//!    run where they cannot stall a worker.
//!
//! [`Request`]: crate::Request
//! [`Response`]: crate::Response

pub mod alloc;
pub mod host;

use std::ffi::CStr;
use std::future::Future;
use std::pin::Pin;

pub use alloc::AllocVTable;
pub use host::{CallScope, HostVTable};

use crate::{Context, Request, Response};

/// The ABI fingerprint of this SDK build: compiler release, commit and LLVM version, target
/// triple, panic strategy, SDK version, allocator policy and a hash of the SDK and macro
/// sources. Computed by `build.rs`.
pub const FINGERPRINT: &str = env!("REG_ABI_FINGERPRINT");

/// [`FINGERPRINT`] as a NUL-terminated C string, as returned by `gw_abi_fingerprint`.
pub const FINGERPRINT_C: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("REG_ABI_FINGERPRINT"), "\0").as_bytes()) {
        Ok(c) => c,
        Err(_) => panic!("fingerprint contains a NUL byte"),
    };

/// Name of the C-ABI symbol returning the fingerprint (`extern "C" fn() -> *const c_char`).
pub const SYMBOL_FINGERPRINT: &[u8] = b"gw_abi_fingerprint\0";
/// Name of the C-ABI symbol taking the host allocator (`extern "C" fn(&'static AllocVTable)`).
pub const SYMBOL_INIT_ALLOC: &[u8] = b"gw_init_alloc\0";
/// Name of the Rust-ABI symbol taking the host vtable ([`InitFn`]).
pub const SYMBOL_INIT: &[u8] = b"gw_init\0";
/// Name of the static [`HandlerEntry`] every handler library exports.
pub const SYMBOL_ENTRY: &[u8] = b"handler_entry\0";

/// A boxed handler future, polled on the worker that called the handler.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response> + 'static>>;

/// Type of `gw_abi_fingerprint`.
pub type FingerprintFn = unsafe extern "C" fn() -> *const std::os::raw::c_char;
/// Type of `gw_init_alloc`.
pub type InitAllocFn = unsafe extern "C" fn(&'static AllocVTable);
/// Type of `gw_init`: the host vtable and the id the host gave this library (used to
/// attribute panics and log lines).
pub type InitFn = fn(&'static HostVTable, u64);
/// An asynchronous entry point: returns at once with a future; never unwinds.
pub type AsyncEntryFn = fn(Context, Request) -> HandlerFuture;
/// A blocking entry point: runs the handler to completion; never unwinds.
pub type BlockingEntryFn = fn(Context, Request) -> Response;

/// What a handler library exports as `handler_entry`.
#[derive(Clone, Copy)]
pub enum HandlerEntry {
    /// `async fn` handlers: polled on a dataplane worker.
    Async(AsyncEntryFn),
    /// Synchronous handlers: run on a thread that may block.
    Blocking(BlockingEntryFn),
}

impl std::fmt::Debug for HandlerEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HandlerEntry::Async(_) => f.write_str("HandlerEntry::Async"),
            HandlerEntry::Blocking(_) => f.write_str("HandlerEntry::Blocking"),
        }
    }
}
