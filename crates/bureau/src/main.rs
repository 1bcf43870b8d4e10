//! The `bureau` executable; everything happens in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    bureau::allocator::configure();
    // Panics inside the input guard are errors about the input, reported by the guard's caller
    // in those words; every other panic is a defect and prints as usual.
    bureau_model::guard::install_panic_hook();
    // The node runs itself as a child process to build compaction snapshots; that internal
    // mode is not part of the command line people use.
    let mut args = std::env::args();
    if args.nth(1).as_deref() == Some(bureau_doc::COMPACTION_CHILD_ARG) {
        return bureau_doc::compaction_child(&args.next().unwrap_or_default());
    }
    bureau::run(bureau::Cli::parse())
}
