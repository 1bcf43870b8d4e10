//! The bureau node: command line, configuration, wiring, shutdown.
//!
//! This is the only crate that reads the environment and the command line, installs the
//! tracing subscriber, uses `anyhow`, or calls the C library ([`allocator`]: the allocator's
//! settings, the workspace's only `unsafe`). It resolves the raw arguments into per-crate
//! configuration ([`bureau_doc::DocConfig`], [`bureau_web::WebConfig`]) and wires the crates:
//!
//! ```text
//! serve: open store (lock) -> identity key -> api-token -> bind HTTP -> runtime.json
//!        -> document actor (loads) -> init/demo if new -> web server
//!        ... ctrl-c / SIGTERM -> cancel -> web stops -> actor drains and stops -> runtime.json removed
//! ```
//!
//! Exit codes follow sysexits: 0 ok, 1 error, 2 usage, 65 bad input data (not an invite code,
//! a name the bureau cannot take), 69 node not running (for `join`: the inviter unreachable),
//! 75 data directory in use or too many attempts for now, 77 invite refused, 78 bad
//! configuration.

pub mod allocator;
mod backup;
mod bundle;
pub mod cli;
mod client;
mod commands;
mod data_dir;
mod demo;
mod netglue;
mod run;
mod serve;
mod supervise;

pub use cli::Cli;
pub use run::run;
