//! The gateway's allocator: mimalloc, for the gateway itself and, through the allocator
//! vtable, for every handler library it loads.
//!
//! Declaring the global allocator here (rather than in the binary) is what makes
//! [`LIBRARY_ALLOC`] sound: any program that links the dataplane allocates with mimalloc,
//! so a block a library allocates through `mi_malloc_aligned` can be freed by the gateway
//! with `mi_free`, and the other way round. Handing libraries mimalloc's entry points
//! directly, instead of a shim that re-enters `std::alloc`, saves two calls per allocation
//! on the request path.

use std::ffi::c_void;

use libmimalloc_sys as mi;
use rust_edge_gateway_sdk::abi::AllocVTable;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" fn alloc(size: usize, align: usize) -> *mut u8 {
    // SAFETY: same call as `MiMalloc::alloc` with the layout the library's GlobalAlloc got.
    unsafe { mi::mi_malloc_aligned(size, align).cast() }
}

unsafe extern "C" fn alloc_zeroed(size: usize, align: usize) -> *mut u8 {
    // SAFETY: as `MiMalloc::alloc_zeroed`.
    unsafe { mi::mi_zalloc_aligned(size, align).cast() }
}

unsafe extern "C" fn dealloc(ptr: *mut u8, _size: usize, _align: usize) {
    // SAFETY: `ptr` came from mimalloc (library or gateway side alike).
    unsafe { mi::mi_free(ptr.cast::<c_void>()) }
}

unsafe extern "C" fn realloc(ptr: *mut u8, _size: usize, align: usize, new_size: usize) -> *mut u8 {
    // SAFETY: as `MiMalloc::realloc`.
    unsafe { mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, align).cast() }
}

/// The allocator vtable passed to every handler library: mimalloc's own entry points.
pub static LIBRARY_ALLOC: AllocVTable = AllocVTable {
    alloc,
    alloc_zeroed,
    dealloc,
    realloc,
};
