//! One allocator across the boundary.
//!
//! A `cdylib` links its own copy of std and, by default, its own global allocator; a block
//! allocated on one side and freed on the other then crashes. The entry macros install
//! [`ForwardAlloc`] as the library's `#[global_allocator]`; it calls the host's allocator
//! through the [`AllocVTable`] the host passes to `gw_init_alloc` right after the fingerprint
//! check. A library that allocates before that aborts with a clear message rather than
//! corrupting the heap.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicPtr, Ordering};

/// The host's allocator as plain C-ABI function pointers.
#[repr(C)]
#[derive(Debug)]
pub struct AllocVTable {
    /// `alloc(size, align)`.
    pub alloc: unsafe extern "C" fn(usize, usize) -> *mut u8,
    /// `alloc_zeroed(size, align)`.
    pub alloc_zeroed: unsafe extern "C" fn(usize, usize) -> *mut u8,
    /// `dealloc(ptr, size, align)`.
    pub dealloc: unsafe extern "C" fn(*mut u8, usize, usize),
    /// `realloc(ptr, size, align, new_size)`.
    pub realloc: unsafe extern "C" fn(*mut u8, usize, usize, usize) -> *mut u8,
}

unsafe extern "C" fn host_alloc(size: usize, align: usize) -> *mut u8 {
    // SAFETY: the library's GlobalAlloc forwards a valid, non-zero-size Layout.
    unsafe { std::alloc::alloc(Layout::from_size_align_unchecked(size, align)) }
}
unsafe extern "C" fn host_alloc_zeroed(size: usize, align: usize) -> *mut u8 {
    // SAFETY: as above.
    unsafe { std::alloc::alloc_zeroed(Layout::from_size_align_unchecked(size, align)) }
}
unsafe extern "C" fn host_dealloc(ptr: *mut u8, size: usize, align: usize) {
    // SAFETY: `ptr` was returned by this allocator with this layout.
    unsafe { std::alloc::dealloc(ptr, Layout::from_size_align_unchecked(size, align)) }
}
unsafe extern "C" fn host_realloc(ptr: *mut u8, size: usize, align: usize, new: usize) -> *mut u8 {
    // SAFETY: as above; `new` is non-zero per GlobalAlloc::realloc's contract.
    unsafe { std::alloc::realloc(ptr, Layout::from_size_align_unchecked(size, align), new) }
}

/// The host side: forwards to whatever the *calling* binary's global allocator is. The
/// gateway passes `&HOST_ALLOC` to every library it loads.
pub static HOST_ALLOC: AllocVTable = AllocVTable {
    alloc: host_alloc,
    alloc_zeroed: host_alloc_zeroed,
    dealloc: host_dealloc,
    realloc: host_realloc,
};

static LIBRARY_ALLOC: AtomicPtr<AllocVTable> = AtomicPtr::new(std::ptr::null_mut());

/// Library side of `gw_init_alloc`: remember the host allocator.
#[doc(hidden)]
pub fn install(vt: &'static AllocVTable) {
    LIBRARY_ALLOC.store(
        vt as *const AllocVTable as *mut AllocVTable,
        Ordering::Release,
    );
}

#[cold]
#[inline(never)]
fn not_initialised() -> ! {
    let msg = b"rust-edge-gateway-sdk: allocation in a handler library before gw_init_alloc(); \
                handler libraries must be loaded by the gateway. aborting\n";
    // SAFETY: plain write(2) of a static buffer; abort never returns. No allocation here.
    unsafe {
        libc_write(2, msg.as_ptr(), msg.len());
        libc_abort()
    }
}

extern "C" {
    #[link_name = "write"]
    fn libc_write(fd: i32, buf: *const u8, n: usize) -> isize;
    #[link_name = "abort"]
    fn libc_abort() -> !;
}

#[inline(always)]
fn vt() -> &'static AllocVTable {
    let p = LIBRARY_ALLOC.load(Ordering::Acquire);
    if p.is_null() {
        not_initialised()
    }
    // SAFETY: set once from a `&'static AllocVTable` in `install`.
    unsafe { &*p }
}

/// The forwarding global allocator every handler library uses.
#[derive(Debug)]
pub struct ForwardAlloc;

// SAFETY: forwards every call unchanged to the host's GlobalAlloc, which upholds the contract.
unsafe impl GlobalAlloc for ForwardAlloc {
    #[inline]
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { (vt().alloc)(l.size(), l.align()) }
    }
    #[inline]
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { (vt().alloc_zeroed)(l.size(), l.align()) }
    }
    #[inline]
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: forwarded contract.
        unsafe { (vt().dealloc)(p, l.size(), l.align()) }
    }
    #[inline]
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        // SAFETY: forwarded contract.
        unsafe { (vt().realloc)(p, l.size(), l.align(), n) }
    }
}
