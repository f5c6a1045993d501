//! The binary's memory allocator: mimalloc for small blocks, the system's
//! for large ones.
//!
//! Builds allocate many small strings on all cores at once, and the
//! system allocator spent a sixth of a thousand-page build on them, so
//! small blocks come from mimalloc. Large blocks are few: a chart's pixels
//! (about 5 MB), the web fonts' Brotli tables (34 MB), and each page's
//! body and HTML (40 to 60 KB). mimalloc kept them in memory long after
//! they were freed, and a page's body freed in one size class was not
//! reused for its HTML in the next: a thousand pages with their charts
//! peaked at 160 to 196 MB with mimalloc alone, 131 to 155 MB with blocks
//! from 1 MB on from the system, and 109 to 114 MB from 32 KB on, in the
//! same time. A one-page edit kept its time too, where the system
//! allocator for every block made it 10 to 25 % slower.

use std::alloc::{GlobalAlloc, Layout, System};

use mimalloc::MiMalloc;

/// From this size on, a block is the system's.
const LARGE: usize = 32 << 10;

pub struct Split;

impl Split {
    /// Which allocator a block of `size` bytes belongs to. A block is freed
    /// with the size it was allocated with, so it returns to the same one.
    fn of(size: usize) -> &'static dyn GlobalAlloc {
        if size >= LARGE { &System } else { &MiMalloc }
    }
}

// SAFETY: each call goes to the allocator that owns the block by its size,
// and a block whose size crosses `LARGE` is moved from one to the other.
unsafe impl GlobalAlloc for Split {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { Split::of(layout.size()).alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { Split::of(layout.size()).alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { Split::of(layout.size()).dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if (layout.size() >= LARGE) == (new_size >= LARGE) {
            return unsafe { Split::of(new_size).realloc(ptr, layout, new_size) };
        }
        // SAFETY: the caller guarantees `new_size`, rounded up to the
        // alignment, does not overflow.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::LARGE;

    #[test]
    fn a_block_growing_past_the_limit_and_back_keeps_its_bytes() {
        let mut bytes: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let start = bytes.clone();
        bytes.extend((0..LARGE as u32 * 2).map(|i| (i % 241) as u8));
        assert!(bytes.capacity() >= LARGE);
        bytes.truncate(start.len());
        bytes.shrink_to_fit();
        assert!(bytes.capacity() < LARGE);
        assert_eq!(bytes, start);
        let zeroed = vec![0u64; LARGE];
        assert!(zeroed.iter().all(|&x| x == 0));
    }
}
