//! The declarative entry macros: `handler_loop!` and friends (the v1 style), and the
//! export block every entry point shares.

/// Exports the symbols of a handler library around an entry. Used by `#[handler]` and the
/// `handler_loop*!` macros; not for direct use.
#[cfg(not(feature = "embed"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __export_library {
    ($entry:expr) => {
        #[global_allocator]
        static __REG_GLOBAL_ALLOC: $crate::abi::alloc::ForwardAlloc =
            $crate::abi::alloc::ForwardAlloc;

        #[doc(hidden)]
        #[unsafe(no_mangle)]
        pub extern "C" fn gw_abi_fingerprint() -> *const ::std::os::raw::c_char {
            $crate::abi::FINGERPRINT_C.as_ptr()
        }

        #[doc(hidden)]
        #[unsafe(no_mangle)]
        pub extern "C" fn gw_init_alloc(vt: &'static $crate::abi::AllocVTable) {
            $crate::abi::alloc::install(vt)
        }

        #[doc(hidden)]
        #[unsafe(no_mangle)]
        pub fn gw_init(host: &'static $crate::abi::HostVTable, library_id: u64) {
            $crate::__rt::init(host, library_id)
        }

        #[doc(hidden)]
        #[unsafe(no_mangle)]
        #[allow(non_upper_case_globals)]
        pub static handler_entry: $crate::abi::HandlerEntry = $entry;
    };
}

/// With the `embed` feature, handler sources compile into the host itself (benchmarks
/// comparing a direct call with the library path): no exports, no allocator.
#[cfg(feature = "embed")]
#[doc(hidden)]
#[macro_export]
macro_rules! __export_library {
    ($entry:expr) => {
        #[allow(dead_code)]
        const _: $crate::abi::HandlerEntry = $entry;
    };
}

/// Exports a synchronous `fn(Request) -> Response` as the library's handler (v1 style).
///
/// The function runs on a thread that may block, so it can use the blocking `DbPool`,
/// `RedisPool`, `FtpPool`, `EmailPool` and `Storage` clients.
#[macro_export]
macro_rules! handler_loop {
    ($f:path) => {
        #[doc(hidden)]
        fn __reg_blocking_entry(ctx: $crate::Context, req: $crate::Request) -> $crate::Response {
            $crate::__rt::run_blocking(ctx, move |_ctx| $f(req))
        }
        $crate::__export_library!($crate::abi::HandlerEntry::Blocking(__reg_blocking_entry));
    };
}

/// Exports a synchronous `fn(Request) -> Result<Response, HandlerError>`; an `Err` becomes
/// the error's response.
#[macro_export]
macro_rules! handler_loop_result {
    ($f:path) => {
        $crate::handler_loop!($f);
    };
}

/// Exports an `async fn(Request) -> Result<Response, HandlerError>`.
#[macro_export]
macro_rules! handler_loop_async_result {
    ($f:path) => {
        #[doc(hidden)]
        fn __reg_async_entry(
            ctx: $crate::Context,
            req: $crate::Request,
        ) -> $crate::abi::HandlerFuture {
            $crate::__rt::run_async(ctx, move |_ctx| $f(req))
        }
        $crate::__export_library!($crate::abi::HandlerEntry::Async(__reg_async_entry));
    };
}

/// What `eprintln!` inside a `#[handler]` function becomes: the line goes to the gateway's
/// per-endpoint log (`GET /api/endpoints/{id}/logs`) and to stderr as usual.
#[doc(hidden)]
#[macro_export]
macro_rules! __captured_eprintln {
    () => { $crate::__rt::print_line($crate::abi::host::LogLevel::Error, ::std::string::String::new()) };
    ($($arg:tt)*) => { $crate::__rt::print_line($crate::abi::host::LogLevel::Error, ::std::format!($($arg)*)) };
}

/// What `println!` inside a `#[handler]` function becomes (see `__captured_eprintln`).
#[doc(hidden)]
#[macro_export]
macro_rules! __captured_println {
    () => { $crate::__rt::print_line($crate::abi::host::LogLevel::Info, ::std::string::String::new()) };
    ($($arg:tt)*) => { $crate::__rt::print_line($crate::abi::host::LogLevel::Info, ::std::format!($($arg)*)) };
}
