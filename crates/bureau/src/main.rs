//! The `bureau` executable; everything happens in the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    bureau::run(bureau::Cli::parse())
}
