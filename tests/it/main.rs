//! Integration tests of the `bureau` binary: the real executable, real loopback sockets, real
//! files. Build the binary first (`cargo build -p bureau`), or point `BUREAU_BIN` at one.

mod backup;
mod bad_input;
mod board;
mod browser;
mod bundle;
mod chaos;
mod cli;
mod corrupt;
mod crash;
mod doc_export;
mod doctor;
mod full_disk;
mod hostile;
mod hub;
mod interpretation;
mod joining;
mod mdns;
mod package;
mod presence;
mod proxy;
mod quic;
mod readme;
mod recover;
mod saved_view;
mod settings;
mod strangers;
mod support;
mod sync;
mod venue;
mod web_security;
