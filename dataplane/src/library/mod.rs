//! Handler libraries: install under a unique path, load with the ABI checks, call, close.
//!
//! The order of operations is the contract of `rust_edge_gateway_sdk::abi`:
//! 1. [`install`] copies a freshly built `.so` to a content-addressed path by rename, so a
//!    loaded file is never overwritten and a new version never reuses an old path (glibc
//!    matches loaded libraries by path string).
//! 2. [`HandlerLibrary::load`] opens it, reads the C-ABI fingerprint before anything else and
//!    refuses a mismatch, then hands the library the host allocator and the host vtable.
//! 3. Every call holds an `Arc<HandlerLibrary>` until its future and response are done, so
//!    the library is closed only when nothing from it is alive.
//! 4. After the close, [`mapped_copies`] tells whether the dynamic linker really unmapped it
//!    (a handler thread-local with a destructor pins it).

mod call;
mod install;
mod loader;
mod maps;

pub use call::{EntryKind, LibraryFuture};
pub use install::install;
pub use loader::HandlerLibrary;
pub use maps::mapped_copies;
