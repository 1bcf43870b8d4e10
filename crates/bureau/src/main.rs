//! The `bureau` executable; everything happens in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    one_malloc_arena();
    // The node runs itself as a child process to build compaction snapshots; that internal
    // mode is not part of the command line people use.
    let mut args = std::env::args();
    if args.nth(1).as_deref() == Some(bureau_doc::COMPACTION_CHILD_ARG) {
        return bureau_doc::compaction_child(&args.next().unwrap_or_default());
    }
    bureau::run(bureau::Cli::parse())
}

/// Keeps glibc's allocator to one arena; called before any thread starts.
///
/// By default glibc gives threads arenas of their own (up to eight per core). The document
/// thread and the runtime's workers then each keep freed memory in a heap of their own, which
/// the others never reuse: holding the size-m bureau of the benchmark after a reconnect, a
/// node sat at 142 MB with the default and 113 MB with one arena, with the same live data.
/// The allocation-heavy work happens on the document thread alone, and each thread's cache
/// of small blocks still needs no lock, so the shared lock costs no measurable time (README,
/// Performance).
#[allow(unsafe_code)]
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets an allocator parameter, M_ARENA_MAX with a positive value
    // is a documented one, and no other thread exists yet to be allocating.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
