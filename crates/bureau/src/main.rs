//! The `bureau` executable; everything happens in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    bureau::memory::configure();
    // The node runs itself as a child process to build compaction snapshots; that internal
    // mode is not part of the command line people use.
    let mut args = std::env::args();
    if args.nth(1).as_deref() == Some(bureau_doc::COMPACTION_CHILD_ARG) {
        return bureau_doc::compaction_child(&args.next().unwrap_or_default());
    }
    bureau::run(bureau::Cli::parse())
}
