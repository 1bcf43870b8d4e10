//! The allocator's settings: the one place this workspace calls into the C library.

/// Sets glibc's allocator up for a long-running node; call it before any thread starts.
///
/// - One arena. By default glibc gives threads arenas of their own (up to eight per core).
///   The document thread and the runtime's workers then each keep freed memory in a heap of
///   their own, which the others never reuse: holding the size-m bureau of the benchmark after
///   a reconnect, a node sat at 142 MB with the default and 113 MB with one arena, with the
///   same live data. The allocation-heavy work happens on the document thread alone, and
///   each thread's cache of small blocks needs no lock.
/// - Blocks of 256 KB and more always come from their own mappings, returned whole when
///   freed. glibc otherwise raises that threshold to the largest block freed so far (up to
///   32 MB), after which a served page of every meeting (4.5 MB of JSON at size m) or
///   automerge's columns are cut from the heap and leave holes in it: the benchmark's node
///   ended its workloads at 114 MB with the moving threshold and at 90 MB with this one.
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
/// about as much as the document then holds, scattered below live blocks: a node holding the
/// size-m bureau sat at 141 MB after start and at 98 MB once this ran. The document actor
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
