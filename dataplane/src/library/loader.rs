//! Opening a handler library under the ABI checks.

use std::ffi::CStr;
use std::fmt;
use std::path::{Path, PathBuf};

use libloading::os::unix::{Library as UnixLibrary, RTLD_LOCAL, RTLD_NOW};
use libloading::Library;
use rust_edge_gateway_sdk::abi::{
    self, FingerprintFn, HandlerEntry, HostVTable, InitAllocFn, InitFn,
};

use crate::LoadError;

/// A loaded, checked and initialised handler library.
///
/// Dropping it closes the library (`dlclose`), so it must outlive every future and call
/// that runs its code: [`HandlerLibrary::call_async`] and friends keep an `Arc` to it for
/// that reason.
pub struct HandlerLibrary {
    entry: HandlerEntry,
    id: u64,
    path: PathBuf,
    // Last: dropped (closed) after everything else.
    _lib: Library,
}

impl fmt::Debug for HandlerLibrary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HandlerLibrary")
            .field("id", &self.id)
            .field("path", &self.path)
            .field("entry", &self.entry)
            .finish()
    }
}

impl HandlerLibrary {
    /// Opens the library at `path` (which should come from [`super::install`]), checks its
    /// fingerprint before calling anything in it, gives it the host allocator and `host`,
    /// and reads its entry point. `id` is reported back by the library with its log lines
    /// and panics.
    pub fn load(path: &Path, host: &'static HostVTable, id: u64) -> Result<Self, LoadError> {
        let open_err = |source| LoadError::Open {
            path: path.to_path_buf(),
            source,
        };
        // SAFETY: opening a library runs its initialisers; handler libraries built with the
        // SDK have none beyond std's. RTLD_NOW surfaces unresolved symbols here, not later.
        let lib: Library = unsafe { UnixLibrary::open(Some(path), RTLD_NOW | RTLD_LOCAL) }
            .map_err(open_err)?
            .into();
        let missing = |symbol: &'static str| LoadError::NotAHandler {
            path: path.to_path_buf(),
            symbol,
        };

        // 1. The fingerprint, through the C ABI, before any Rust-ABI symbol is touched.
        // SAFETY: the symbol type is the documented C signature; it only returns a pointer to
        // a static NUL-terminated string.
        let library_fp = unsafe {
            let f = lib
                .get::<FingerprintFn>(abi::SYMBOL_FINGERPRINT)
                .map_err(|_| missing("gw_abi_fingerprint"))?;
            let p = f();
            if p.is_null() {
                String::new()
            } else {
                CStr::from_ptr(p).to_string_lossy().into_owned()
            }
        };
        if library_fp != abi::FINGERPRINT {
            return Err(LoadError::FingerprintMismatch {
                path: path.to_path_buf(),
                library: library_fp,
                host: abi::FINGERPRINT.to_string(),
            });
        }

        // SAFETY: the fingerprint matches, so these symbols have the types this SDK build
        // declares. The allocator goes first: the library must not allocate before it.
        let entry = unsafe {
            let init_alloc = lib
                .get::<InitAllocFn>(abi::SYMBOL_INIT_ALLOC)
                .map_err(|_| missing("gw_init_alloc"))?;
            init_alloc(&crate::alloc::LIBRARY_ALLOC);
            let init = lib
                .get::<InitFn>(abi::SYMBOL_INIT)
                .map_err(|_| missing("gw_init"))?;
            init(host, id);
            let entry = lib
                .get::<*const HandlerEntry>(abi::SYMBOL_ENTRY)
                .map_err(|_| missing("handler_entry"))?;
            **entry
        };
        Ok(HandlerLibrary {
            entry,
            id,
            path: path.to_path_buf(),
            _lib: lib,
        })
    }

    /// The library's entry point.
    pub fn entry(&self) -> HandlerEntry {
        self.entry
    }

    /// The id given at load.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The path it was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
