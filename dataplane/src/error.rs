//! Errors of the data plane.

use std::path::PathBuf;

/// Why a handler library could not be installed or loaded. The gateway keeps serving the
/// previous version of the endpoint whenever loading a new one fails.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// Copying the library to its content-addressed path failed.
    #[error("cannot install handler library {path}: {source}")]
    Install {
        /// The file being installed.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `dlopen` failed (missing file, not a shared object, unresolved symbols).
    #[error("cannot load handler library {path}: {source}")]
    Open {
        /// The library.
        path: PathBuf,
        /// The loader's error.
        source: libloading::Error,
    },
    /// A required symbol is missing: the file is not a gateway handler library.
    #[error("{path} is not a handler library: symbol `{symbol}` not found (was it built with #[handler] or handler_loop!?)")]
    NotAHandler {
        /// The library.
        path: PathBuf,
        /// The missing symbol.
        symbol: &'static str,
    },
    /// The library was built by another compiler, target, panic strategy or SDK.
    #[error("handler library {path} has ABI fingerprint `{library}` but this gateway has `{host}`; rebuild the handler with this gateway")]
    FingerprintMismatch {
        /// The library.
        path: PathBuf,
        /// The library's fingerprint.
        library: String,
        /// The gateway's fingerprint.
        host: String,
    },
}
