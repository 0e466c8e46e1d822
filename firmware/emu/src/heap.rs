//! The heap of the `hokey-mn` path: the rsa crate keeps its big integers on the heap (as
//! the `crypto-rsa` probe of crates/footprint does). embedded-alloc's linked-list
//! first-fit allocator over a static arena, wrapped to record the peak of live octets.

use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicUsize, Ordering};

use embedded_alloc::LlffHeap;

const SIZE: usize = 128 * 1024;

static mut ARENA: [u8; SIZE] = [0; SIZE];

struct Peak {
    heap: LlffHeap,
    peak: AtomicUsize,
}

// SAFETY: every call is forwarded to embedded-alloc's allocator; only bookkeeping is added.
unsafe impl GlobalAlloc for Peak {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.heap.alloc(l) };
        self.peak.fetch_max(self.heap.used(), Ordering::Relaxed);
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.heap.dealloc(p, l) }
    }
}

#[global_allocator]
static HEAP: Peak = Peak {
    heap: LlffHeap::empty(),
    peak: AtomicUsize::new(0),
};

/// Gives the allocator its arena; called once, before the first allocation.
pub fn init() {
    // SAFETY: called once at start-up; ARENA is used by nothing else.
    unsafe {
        HEAP.heap
            .init(core::ptr::addr_of_mut!(ARENA) as usize, SIZE)
    }
}

/// Prints `measure hokey-mn heap peak=<octets> live=<octets>`: the most live heap at any
/// point of the path, and what is still allocated (the two RSA keys, the MN).
pub fn report() {
    say!(
        "measure hokey-mn heap peak={} live={}",
        HEAP.peak.load(Ordering::Relaxed),
        HEAP.heap.used()
    );
}
