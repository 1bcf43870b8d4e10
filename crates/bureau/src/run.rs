//! Running a command line: the tracing subscriber, the async runtime, dispatch to the
//! commands ([`crate::serve`], [`crate::commands`]) and the process's exit code.
//!
//! Invariants: automerge's own log lines are off unless the filter names automerge; an error
//! a command returns ends the process with the sysexits code of the [`Exit`] in its chain (1
//! when there is none) and is printed once, as its chain of causes, without that `Exit`.

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::{Cli, Command};
use crate::commands::{doctor, init, invite, join, merge_members, status};
use crate::data_dir::default_data_dir;
use crate::serve::{NetArgs, announce_addresses, serve};

/// An error with the exit code it should end the process with.
#[derive(Debug)]
pub(crate) struct Exit(pub(crate) u8);

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}", self.0)
    }
}
impl std::error::Error for Exit {}

/// Runs a parsed command line and returns the process's exit code.
pub fn run(cli: Cli) -> ExitCode {
    let default_level = match cli.command {
        Command::Serve { .. } => "info",
        _ => "warn",
    };
    // automerge's own log lines are off unless a filter names automerge: they report, as
    // errors, states that are normal while loading chunks one by one, every real automerge
    // failure is reported by the node itself, and at `info` its instrumented functions format
    // their arguments into spans, among them the whole change graph for every received sync
    // message, which on a large bureau costs more than handling the message.
    // `BUREAU_LOG=automerge=debug` brings them back.
    let given = std::env::var("BUREAU_LOG")
        .ok()
        .filter(|f| !f.trim().is_empty())
        .or_else(|| {
            std::env::var("RUST_LOG")
                .ok()
                .filter(|f| !f.trim().is_empty())
        });
    let directives = match given {
        Some(f) if f.contains("automerge") => f,
        Some(f) => format!("{f},automerge=off"),
        None => format!("{default_level},hyper=warn,automerge=off"),
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&directives).unwrap_or_else(|e| {
        eprintln!("warning: ignoring the log filter {directives:?}: {e}");
        tracing_subscriber::EnvFilter::new(format!("{default_level},hyper=warn,automerge=off"))
    });
    // Colour only for a person at a terminal: a log written to a file (a service, a test, a
    // redirect) must read as text, not as escape codes. A hub has no person at it: its log is
    // its output, on standard output, where a service manager's journal takes it.
    if matches!(cli.command, Command::Serve { hub: true, .. }) {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stdout)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = e.downcast_ref::<Exit>().map_or(1, |x| x.0);
            eprintln!("error: {}", message(&e));
            ExitCode::from(code)
        }
    }
}

/// An error's chain as one line, each cause after the error it explains, without the [`Exit`]
/// and without a cause the line already shows: the libraries' errors name their cause in their
/// own message and keep it as their source too.
fn message(e: &anyhow::Error) -> String {
    // The chain's links are anyhow's private context wrappers, so `downcast_ref` on them
    // never sees an `Exit`; anyhow's own `downcast_ref` looks through contexts.
    let exit = e.downcast_ref::<Exit>().map(ToString::to_string);
    let mut line = String::new();
    for link in e.chain().map(ToString::to_string) {
        if Some(&link) == exit.as_ref() || line.contains(&link) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&link);
    }
    line
}

async fn dispatch(cli: Cli) -> Result<()> {
    let data_dir = match cli.data_dir {
        Some(d) => d,
        None => default_data_dir().context(Exit(78))?,
    };
    match cli.command {
        Command::Init {
            name,
            title,
            timezone,
        } => init(&data_dir, &name, &title, &timezone).await,
        Command::Serve {
            http,
            demo,
            name,
            timezone,
            listen,
            peer,
            announce,
            no_mdns,
            sync_v1_only,
            recover,
            hub,
            backup_dir,
            backup_keep,
            backup_every,
            venue,
            venue_tls,
        } => {
            let backups = backup_dir.map(|dir| crate::backup::AutoBackup {
                dir,
                keep: backup_keep,
                every: std::time::Duration::from_secs(backup_every.max(1)),
            });
            let net = NetArgs {
                listen,
                peers: peer,
                announce: announce_addresses(&announce).context(Exit(78))?,
                mdns: !no_mdns,
                sync_versions: if sync_v1_only {
                    vec![bureau_net::SyncVersion::V1]
                } else {
                    bureau_net::SyncVersion::ALL.to_vec()
                },
            };
            let venue = venue.map(|addr| crate::serve::VenueArgs {
                addr,
                tls: venue_tls.and_then(|files| match files.as_slice() {
                    [cert, key] => Some((cert.clone(), key.clone())),
                    _ => None,
                }),
            });
            serve(
                &data_dir, http, demo, name, &timezone, net, recover, hub, backups, venue,
            )
            .await
        }
        Command::Invite {
            role,
            member,
            expires,
        } => invite(&data_dir, &role, member.as_deref(), &expires).await,
        Command::Join { code, name, peer } => join(&data_dir, &code, name.as_deref(), &peer).await,
        Command::MergeMembers { id, into } => merge_members(&data_dir, &id, &into).await,
        Command::Status { json } => status(&data_dir, json).await,
        Command::Bundle { action } => match action {
            crate::cli::BundleAction::Export { out, since_peer } => {
                crate::bundle::export(&data_dir, &out, since_peer).await
            }
            crate::cli::BundleAction::Import { file } => {
                crate::bundle::import(&data_dir, &file).await
            }
        },
        Command::Doctor => doctor(&data_dir).await,
        Command::Backup { out, with_identity } => {
            crate::backup::backup(&data_dir, &out, with_identity).await
        }
        Command::Restore { file } => crate::backup::restore(&data_dir, &file).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cause the error's own message names is printed once; one it does not name is added,
    /// and the exit code's link is left out.
    #[test]
    fn the_message_names_each_cause_once() {
        let io = std::io::Error::new(std::io::ErrorKind::AddrInUse, "address in use");
        let net = bureau_net::NetError::Transport {
            what: "listening".to_owned(),
            source: Some(Box::new(io)),
        };
        let e = anyhow::Error::new(net).context(Exit(78));
        assert_eq!(
            message(&e),
            "network setup failed: listening: address in use"
        );
        assert_eq!(e.downcast_ref::<Exit>().map(|x| x.0), Some(78));

        let store = bureau_store::StoreError::Io {
            op: "read",
            path: "/data/doc/snapshot-1.bin".into(),
            source: std::io::Error::other("disk on fire"),
        };
        let e = anyhow::Error::new(store).context("cannot open /data");
        assert_eq!(
            message(&e),
            "cannot open /data: failed to read /data/doc/snapshot-1.bin: disk on fire"
        );
    }
}
