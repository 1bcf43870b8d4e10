//! The allocator's settings: the one place this workspace calls into the C library.

/// Sets glibc's allocator up for a long-running node; call it before any thread starts.
///
/// - One arena. By default glibc gives threads arenas of their own (up to eight per core).
///   The document thread and the runtime's workers then each keep freed memory in a heap of
///   their own, which the others never reuse, so a node held far more than its live data
///   (docs/performance.md, W6). The allocation-heavy work happens on the document thread
///   alone, and each thread's cache of small blocks needs no lock.
/// - Blocks of 256 KB and more always come from their own mappings, returned whole when
///   freed. glibc otherwise raises that threshold to the largest block freed so far, after
///   which a served page of every meeting or automerge's columns are cut from the heap and
///   leave holes in it that later small blocks keep from being returned.
#[allow(unsafe_code)]
pub fn configure() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets allocator parameters; M_ARENA_MAX and M_MMAP_THRESHOLD
    // with positive values are documented ones, and no other thread exists yet to be
    // allocating.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

/// Hands the heap's free pages back to the system.
///
/// glibc returns memory on its own only from the top of the heap. Loading a document frees
/// about as much as the document then holds, scattered below live blocks, where glibc would
/// keep it for the life of the process. The document actor
/// calls it after loading and after each large amount of written changes
/// (`bureau_doc::DocConfig::release_memory`).
#[allow(unsafe_code)]
pub(crate) fn release() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases free memory; it takes the allocator's own locks and
    // touches no live block.
    unsafe {
        libc::malloc_trim(0);
    }
}
