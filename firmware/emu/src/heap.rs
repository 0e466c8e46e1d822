//! The bump heap of the `hokey-mn` path: the rsa crate keeps its big integers on the heap
//! (as the `crypto-rsa` probe of crates/footprint). Never frees; `report` prints the
//! high-water mark, which the runner prints with the path.

use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::{AtomicUsize, Ordering};

const SIZE: usize = 128 * 1024;

struct Bump {
    next: AtomicUsize,
}

static mut ARENA: [u8; SIZE] = [0; SIZE];

// SAFETY: hands out disjoint, aligned ranges of ARENA; never frees.
unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let base = core::ptr::addr_of_mut!(ARENA).cast::<u8>();
        let start = self
            .next
            .load(Ordering::Relaxed)
            .next_multiple_of(l.align());
        match start.checked_add(l.size()) {
            Some(end) if end <= SIZE => {
                self.next.store(end, Ordering::Relaxed);
                // SAFETY: start + size <= SIZE, inside ARENA.
                unsafe { base.add(start) }
            }
            _ => core::ptr::null_mut(),
        }
    }
    unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
}

#[global_allocator]
static HEAP: Bump = Bump {
    next: AtomicUsize::new(0),
};

/// Prints `measure hokey-mn heap_bump=<octets>`: everything the path allocated (a bump
/// heap never reuses memory, so this is the total, not the live peak).
pub fn report() {
    say!("measure hokey-mn heap_bump={}", HEAP.next.load(Ordering::Relaxed));
}
