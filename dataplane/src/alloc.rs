//! The gateway's allocator: mimalloc, for the gateway itself and, through the allocator
//! vtable, for every handler library it loads.
//!
//! Declaring the global allocator here (rather than in the binary) is what makes
//! [`LIBRARY_ALLOC`] sound: any program that links the dataplane allocates with mimalloc,
//! so a block a library allocates through this vtable can be freed by the gateway with
//! `mi_free`, and the other way round. Handing libraries these entry points directly,
//! instead of a shim that re-enters `std::alloc`, saves two calls per allocation on the
//! request path.
//!
//! Layouts whose alignment mimalloc's plain `mi_malloc` already guarantees (at most 16
//! bytes, and no more than the size: the rule of std's own system allocator) go to
//! `mi_malloc`; only larger alignments take `mi_malloc_aligned`, whose extra checks and
//! occasional generic path cost about 40 instructions per allocation (measured with
//! callgrind: 18 allocations per hello request, 1,041 instructions in all before).

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;
use rust_edge_gateway_sdk::abi::AllocVTable;

/// The alignment every `mi_malloc` block of at least this size has (`MI_MAX_ALIGN_SIZE`).
const PLAIN_ALIGN: usize = 16;

/// Whether `mi_malloc(size)` already returns blocks aligned to `align`.
#[inline(always)]
fn plain(size: usize, align: usize) -> bool {
    align <= PLAIN_ALIGN && align <= size
}

/// mimalloc as the global allocator, taking the plain entry points where they suffice.
#[derive(Debug, Clone, Copy, Default)]
struct GatewayAlloc;

#[global_allocator]
static GLOBAL: GatewayAlloc = GatewayAlloc;

// SAFETY: every block comes from mimalloc with at least the layout's size and alignment
// (see `plain`), and every block is freed with `mi_free`, which takes blocks from any of
// mimalloc's allocation functions.
unsafe impl GlobalAlloc for GatewayAlloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        unsafe { alloc(layout.size(), layout.align()) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        unsafe { alloc_zeroed(layout.size(), layout.align()) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator.
        unsafe { dealloc(ptr, layout.size(), layout.align()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`.
        unsafe { realloc(ptr, layout.size(), layout.align(), new_size) }
    }
}

unsafe extern "C" fn alloc(size: usize, align: usize) -> *mut u8 {
    // SAFETY: `plain` holds only where mi_malloc's blocks have the alignment asked for.
    unsafe {
        if plain(size, align) {
            mi::mi_malloc(size).cast()
        } else {
            mi::mi_malloc_aligned(size, align).cast()
        }
    }
}

unsafe extern "C" fn alloc_zeroed(size: usize, align: usize) -> *mut u8 {
    // SAFETY: as `alloc`.
    unsafe {
        if plain(size, align) {
            mi::mi_zalloc(size).cast()
        } else {
            mi::mi_zalloc_aligned(size, align).cast()
        }
    }
}

unsafe extern "C" fn dealloc(ptr: *mut u8, _size: usize, _align: usize) {
    // SAFETY: `ptr` came from mimalloc (library or gateway side alike).
    unsafe { mi::mi_free(ptr.cast::<c_void>()) }
}

unsafe extern "C" fn realloc(ptr: *mut u8, _size: usize, align: usize, new_size: usize) -> *mut u8 {
    // SAFETY: `ptr` came from mimalloc; the new block keeps the alignment asked for.
    unsafe {
        if plain(new_size, align) {
            mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
        } else {
            mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, align).cast()
        }
    }
}

/// The allocator vtable passed to every handler library: mimalloc's own entry points.
pub static LIBRARY_ALLOC: AllocVTable = AllocVTable {
    alloc,
    alloc_zeroed,
    dealloc,
    realloc,
};
