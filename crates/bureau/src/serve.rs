//! `bureau serve`, the running node: the data directory and its document opened (recovered,
//! or the bureau founded, as the marker allows), the network started, `runtime.json` written,
//! the web server, and the orderly shutdown.
//!
//! Invariants: the signal handlers are installed before anything answers; the marker is
//! checked against what loads before anything is moved or created; a core task (the web
//! server, the network loop, the document actor) that ends unasked ends the node with an
//! error; the actor is joined only once every handle to it is dropped, so every acknowledged
//! edit is on disk before the process exits.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use bureau_doc::DocHandle;
use bureau_model::Edit;
use bureau_net::NetConfig;
use bureau_web::{AppState, WebConfig};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

use crate::data_dir::{
    RUNTIME_FILE, SessionsOnDisk, check_marker, create_bureau, doc_config, open_dir, read_marker,
    remember_bureau, write_runtime,
};
use crate::run::Exit;

/// Peer-to-peer options of `serve`.
#[derive(Clone, Debug)]
pub(crate) struct NetArgs {
    pub(crate) listen: Vec<String>,
    pub(crate) peers: Vec<String>,
    /// Checked and in canonical form; empty publishes the listen addresses.
    pub(crate) announce: Vec<String>,
    pub(crate) mdns: bool,
    /// The sync protocols to speak and to list in this device's record.
    pub(crate) sync_versions: Vec<bureau_net::SyncVersion>,
}

/// The `--announce` addresses, checked before anything is opened or created, so that a typo
/// stops the node at once rather than publishing an address nobody can dial. Sorted and
/// without duplicates, as the document's set reads back.
pub(crate) fn announce_addresses(given: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(given.len());
    for addr in given {
        let canonical = bureau_net::announce_address(addr).map_err(|e| {
            let reason = match e {
                bureau_net::NetError::BadAddress { reason, .. } => reason,
                other => other.to_string(),
            };
            anyhow!(
                "--announce {addr:?}: {reason}. Give the address the other members can dial \
                 this node at, like /ip4/203.0.113.7/tcp/4001 (no /p2p/ part)"
            )
        })?;
        out.push(canonical);
    }
    out.sort();
    out.dedup();
    if out.len() > bureau_net::MAX_ANNOUNCE {
        bail!(
            "--announce was given {} addresses; a device may publish at most {}",
            out.len(),
            bureau_net::MAX_ANNOUNCE
        );
    }
    Ok(out)
}

/// The founder's name when `--name` gives none: the account's login name, which is in no
/// language (DESIGN §6: what the node writes on its own is neutral or in its creator's), and
/// only where there is none a placeholder to change on the member's page.
fn default_founder_name(env: impl Fn(&str) -> Option<String>) -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .into_iter()
        .filter_map(env)
        .map(|n| n.trim().to_owned())
        .find(|n| !n.is_empty() && n != "root" && bureau_model::check_name("name", n).is_ok())
        .unwrap_or_else(|| "Bureau member".to_owned())
}

/// The venue listener of `serve --venue`: its address and, for https, the PEM files of its
/// certificate and key.
#[derive(Clone, Debug)]
pub(crate) struct VenueArgs {
    pub(crate) addr: std::net::SocketAddr,
    pub(crate) tls: Option<(std::path::PathBuf, std::path::PathBuf)>,
}

/// The venue's TLS configuration from the files given, read before anything is opened, so
/// that a wrong file stops the node at once and names itself.
fn venue_tls(args: &VenueArgs) -> Result<Option<Arc<bureau_web::venue::TlsConfig>>> {
    let Some((cert, key)) = &args.tls else {
        return Ok(None);
    };
    let read = |path: &std::path::Path, what: &str| {
        std::fs::read(path)
            .with_context(|| format!("cannot read the venue's {what} {}", path.display()))
            .context(Exit(66))
    };
    let config = bureau_web::venue::tls_config(&read(cert, "certificate")?, &read(key, "key")?)
        .with_context(|| {
            format!(
                "--venue-tls {} {}: the files cannot serve https",
                cert.display(),
                key.display()
            )
        })
        .context(Exit(78))?;
    Ok(Some(config))
}

/// Where a hub listens unless `--listen` says otherwise: every interface, one fixed port for
/// TCP and QUIC, so that the address in invites and device records holds across restarts.
const HUB_LISTEN: [&str; 2] = ["/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1"];

/// How one run of the node ended.
enum Ended {
    /// Asked to stop (a signal).
    Stopped,
    /// Its untouched bureau is to be set aside for the one joined from the UI; the web
    /// server listened at this address, which the next run takes again.
    Rejoin(bureau_net::Joined, std::net::SocketAddr),
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn serve(
    data_dir: &Path,
    http: std::net::SocketAddr,
    demo: bool,
    name: Option<String>,
    timezone: &str,
    net_args: NetArgs,
    recover: bool,
    hub: bool,
    backups: Option<crate::backup::AutoBackup>,
    venue: Option<VenueArgs>,
) -> Result<()> {
    let mut signals = Signals::install()?;
    let mut net_args = net_args;
    if hub && net_args.listen.is_empty() {
        // Members and invites name the hub's address: it must not move between runs.
        net_args.listen = HUB_LISTEN.iter().map(|a| (*a).to_owned()).collect();
    }
    let (mut http, mut demo, mut recover) = (http, demo, recover);
    loop {
        let ended = serve_once(
            &mut signals,
            data_dir,
            http,
            demo,
            name.clone(),
            timezone,
            net_args.clone(),
            recover,
            hub,
            backups.clone(),
            venue.clone(),
        )
        .await?;
        match ended {
            Ended::Stopped => return Ok(()),
            Ended::Rejoin(joined, bound) => {
                set_aside_for(data_dir, &joined)?;
                info!(
                    bureau = %joined.bureau_id,
                    "joined another bureau from the UI; this node's untouched bureau is set \
                     aside, and the node starts again on the one joined"
                );
                (http, demo, recover) = (bound, false, false);
            }
        }
    }
}

/// Sets the node's untouched bureau aside (in `quarantine/`, nothing deleted) for the bureau
/// it joined from the UI, and writes again what the join left for the next start: the
/// marker names the bureau joined, so the next start waits for it.
fn set_aside_for(data_dir: &Path, joined: &bureau_net::Joined) -> Result<()> {
    let mut opened = open_dir(data_dir)?;
    let aside = opened.store.set_aside_doc()?;
    opened
        .store
        .remove_file(crate::netglue::FOUNDED_FILE)
        .context("removing the founding digest")?;
    let files = opened.store.files();
    files
        .write_file(
            crate::data_dir::MARKER_FILE,
            joined.bureau_id.as_bytes(),
            0o600,
        )
        .context("writing the bureau marker")?;
    bureau_net::record_join(&files, joined);
    warn!(
        set_aside = %data_dir.join("quarantine").join(aside).display(),
        "the untouched bureau is set aside"
    );
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn serve_once(
    signals: &mut Signals,
    data_dir: &Path,
    http: std::net::SocketAddr,
    demo: bool,
    name: Option<String>,
    timezone: &str,
    net_args: NetArgs,
    recover: bool,
    hub: bool,
    backups: Option<crate::backup::AutoBackup>,
    venue: Option<VenueArgs>,
) -> Result<Ended> {
    let venue_tls = venue.as_ref().map(venue_tls).transpose()?.flatten();
    let mut opened = open_dir(data_dir)?;
    let marker = read_marker(&opened.store)?;
    let files = opened.store.files();
    let joined = crate::netglue::pending_join(&files);
    let peer_id = opened.identity.peer_id();
    let listener = tokio::net::TcpListener::bind(http)
        .await
        .with_context(|| format!("cannot listen on {http}; choose another address with --http"))
        .context(Exit(78))?;
    let addr = listener.local_addr()?;
    let venue_listener = match &venue {
        None => None,
        Some(v) => Some(
            tokio::net::TcpListener::bind(v.addr)
                .await
                .with_context(|| {
                    format!(
                        "cannot listen on {}; choose another address with --venue",
                        v.addr
                    )
                })
                .context(Exit(78))?,
        ),
    };
    let venue_addr = venue_listener
        .as_ref()
        .map(tokio::net::TcpListener::local_addr)
        .transpose()?;
    let mut web = WebConfig::loopback(opened.token.clone(), addr.port())
        .with_host_label(&opened.host_label, addr.port());
    web.sessions = Arc::new(bureau_web::Sessions::persisted(Arc::new(SessionsOnDisk(
        files.clone(),
    ))));
    if !addr.ip().is_loopback() {
        web.allowed_hosts.push(addr.to_string());
    }
    web.ui = !hub;
    web.venue = venue_addr.map(|addr| bureau_web::VenueAddress {
        addr,
        tls: venue_tls.is_some(),
    });
    if recover {
        // Decide on what loads before anything is moved: a bureau that loads is not lost.
        let (doc, thread) = DocHandle::open(opened.store, doc_config(peer_id.clone())).await?;
        let loaded = doc.state().snapshot.meta.bureau_id.clone();
        drop(doc);
        let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        check_marker(data_dir, marker.as_deref(), &loaded, joined, true)?;
        opened = open_dir(data_dir)?;
        let aside = opened.store.set_aside_doc()?;
        warn!(
            set_aside = %data_dir.join("quarantine").join(aside).display(),
            "recovering: what was left of the document is set aside; the bureau comes back \
             from the first member this node reaches, and edits wait until it has"
        );
    }
    let (doc, thread) = DocHandle::open(opened.store, doc_config(peer_id.clone())).await?;
    let loaded = doc.state().snapshot.meta.bureau_id.clone();
    if !recover {
        check_marker(data_dir, marker.as_deref(), &loaded, joined, false)?;
    }
    // A document that holds no bureau because its files were quarantined is not a new data
    // directory: founding a bureau there would bury the real one (whose changes may still
    // sit in the remaining files) under an impostor with another id. Nor is one whose marker
    // says it held a bureau (its files gone, emptied or replaced), nor one being recovered.
    let damaged = !doc.state().quarantined.is_empty();
    let fresh = loaded.is_empty() && !joined && !damaged && marker.is_none() && !recover;
    if joined && doc.state().snapshot.meta.bureau_id.is_empty() {
        info!("joined a bureau; its document arrives from the inviting node");
    }
    if damaged && !joined && doc.state().snapshot.meta.bureau_id.is_empty() {
        warn!(
            quarantine = %data_dir.join("quarantine").display(),
            "no bureau could be loaded and files were quarantined; not creating a new bureau \
             over them: restore them from a backup, or let a peer sync the bureau back"
        );
    }
    if fresh && hub {
        bail!(
            "a hub serves a bureau it joined, and {} holds none: ask an admin for a relay invite \
             (`bureau invite --role relay` on their node), run `bureau --data-dir {} join LINK` \
             here, then start the hub again",
            data_dir.display(),
            data_dir.display()
        );
    }
    if fresh {
        let name = name.unwrap_or_else(|| {
            if demo {
                crate::demo::FOUNDER.to_owned()
            } else {
                default_founder_name(|k| std::env::var(k).ok())
            }
        });
        create_bureau(
            &doc,
            &opened.identity,
            &name,
            "Civil Society Bureau",
            timezone,
        )
        .await?;
        info!("created a new bureau");
    }
    migrate(&doc).await;
    if demo {
        if fresh {
            crate::demo::populate(&doc)
                .await
                .context("filling the demo bureau")?;
            info!("filled the bureau with demo data");
        } else {
            warn!("--demo only fills a new bureau; this one already exists and was left as it is");
        }
    }
    if fresh {
        // What the bureau is before anyone edits it: while it stays so, the node may join
        // another bureau from the UI and set this one aside.
        let digest = crate::netglue::fingerprint(&doc.state().snapshot);
        files
            .write_file(crate::netglue::FOUNDED_FILE, digest.as_bytes(), 0o600)
            .context("writing the founding digest")?;
    }
    let founded = files
        .read_file(crate::netglue::FOUNDED_FILE)
        .ok()
        .flatten()
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned());
    let (restart_tx, mut restart_rx) = tokio::sync::mpsc::channel(1);
    let cancel = CancellationToken::new();
    let (net, net_task) = bureau_net::start(
        NetConfig {
            identity: opened.identity.clone(),
            files: files.clone(),
            listen: net_args.listen,
            peers: net_args.peers,
            announce: net_args.announce.clone(),
            mdns: net_args.mdns,
            sync_versions: net_args.sync_versions.clone(),
            recover: if recover { marker.clone() } else { None },
            hub,
        },
        doc.clone(),
        cancel.clone(),
    )
    .context(Exit(78))?;
    // Wait briefly for the listeners, so runtime.json names real addresses.
    let mut net_status = net.subscribe();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while net_status.borrow_and_update().listen.is_empty() {
            if net_status.changed().await.is_err() {
                break;
            }
        }
    })
    .await;
    let state = doc.state();
    let mut runtime = json!({
        "pid": std::process::id(),
        "http": addr.to_string(),
        "peer_id": peer_id,
        "listen": net.status().listen,
        "bureau_id": state.snapshot.meta.bureau_id,
    });
    if let Some(venue) = venue_addr {
        runtime["venue"] = json!(venue.to_string());
    }
    write_runtime(data_dir, &runtime)?;
    remember_bureau(files.clone(), doc.clone(), cancel.clone());
    if let Some(b) = backups {
        crate::backup::start_auto(b, doc.clone(), cancel.clone());
    }
    crate::netglue::publish_addresses(
        doc.clone(),
        net.clone(),
        peer_id.clone(),
        net_args.announce.clone(),
        net_args
            .sync_versions
            .iter()
            .map(|v| v.protocol().to_owned())
            .collect(),
        cancel.clone(),
    );
    let app = bureau_web::router(AppState {
        net: Some(crate::netglue::adapter(
            net.clone(),
            cancel.clone(),
            Some(crate::netglue::Rejoin {
                identity: opened.identity.clone(),
                files: files.clone(),
                doc: doc.clone(),
                founded,
                restart: restart_tx,
                busy: Arc::default(),
                untouched: std::sync::Mutex::default(),
            }),
        )),
        doc: doc.clone(),
        config: Arc::new(web),
        cancel: cancel.clone(),
    });
    if hub {
        let reach = if net_args.announce.is_empty() {
            net.status().listen.clone()
        } else {
            net_args.announce.clone()
        };
        info!(
            bureau = %state.snapshot.meta.title,
            addresses = %reach.join(" "),
            "the hub is running; members reach it at these addresses"
        );
    } else {
        println!("bureau {:?} is running", state.snapshot.meta.title);
        for line in login_lines(addr, &opened.host_label, &opened.token) {
            println!("{line}");
        }
    }
    if let Some(venue) = venue_addr {
        let scheme = if venue_tls.is_some() { "https" } else { "http" };
        info!(address = %format!("{scheme}://{venue}/"), "the venue programme is served");
    }
    drop(state);
    let mut server = tokio::spawn(bureau_web::serve(listener, app, cancel.clone()));
    let mut venue_server = venue_listener.map(|listener| {
        let app = bureau_web::venue::router(doc.clone(), bureau_web::venue::VenueConfig::default());
        tokio::spawn(bureau_web::venue::serve(
            listener,
            app,
            venue_tls.clone(),
            cancel.clone(),
        ))
    });
    let mut net_task = net_task;
    // The core tasks (see `supervise`): one that ends before a shutdown was asked for ends
    // the node with an error, so whatever runs it starts it again.
    let mut doc_states = doc.subscribe();
    let mut rejoin = None;
    let died: Option<(&str, String)> = tokio::select! {
        () = signals.wait() => None,
        Some(joined) = restart_rx.recv() => {
            rejoin = Some(joined);
            None
        }
        res = &mut server => Some(("the web server", end_of(res))),
        res = async {
            match venue_server.as_mut() {
                Some(task) => task.await,
                None => std::future::pending().await,
            }
        } => Some(("the venue listener", end_of(res))),
        res = &mut net_task => Some(("the network loop", end_of(res))),
        () = async { while doc_states.changed().await.is_ok() {} } => {
            Some(("the document actor", "its thread ended".to_owned()))
        }
    };
    match &died {
        None if rejoin.is_some() => info!("stopping to start again on the bureau joined"),
        None => info!("shutting down"),
        Some((what, why)) => {
            error!(task = what, error = %why, "a core task of the node died; shutting down");
        }
    }
    cancel.cancel();
    if !server.is_finished() || died.is_none() {
        let _ = server.await;
    }
    if let Some(task) = venue_server
        && (!task.is_finished() || died.is_none())
    {
        let _ = task.await;
    }
    if !net_task.is_finished() || died.is_none() {
        let _ = net_task.await;
    }
    drop(net);
    drop(doc);
    // The actor ends once every handle is gone; every acknowledged edit is already on disk.
    let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    let _ = std::fs::remove_file(data_dir.join(RUNTIME_FILE));
    if let Some((what, why)) = died {
        bail!(
            "{what} stopped unexpectedly ({why}); every acknowledged edit is on disk: start the \
             node again"
        );
    }
    if let Some(joined) = rejoin {
        return Ok(Ended::Rejoin(joined, addr));
    }
    info!("stopped");
    Ok(Ended::Stopped)
}

/// How a core task that was not asked to stop ended.
fn end_of(res: Result<(), tokio::task::JoinError>) -> String {
    match res {
        Ok(()) => "it returned".to_owned(),
        Err(e) => crate::supervise::panic_message(e),
    }
}

/// Brings a document written by an older node up to this build's schema, in a change of its
/// own. An observer cannot write; its editors' nodes migrate the shared document.
async fn migrate(doc: &DocHandle) {
    let schema = doc.state().snapshot.meta.schema;
    let has_bureau = !doc.state().snapshot.meta.bureau_id.is_empty();
    if has_bureau && schema < bureau_model::SCHEMA_VERSION {
        match doc.edit(Edit::Migrate).await {
            Ok(_) => info!(
                from = schema,
                to = bureau_model::SCHEMA_VERSION,
                "migrated the document"
            ),
            Err(e) => warn!(error = %e, "could not migrate the document; it is read as it is"),
        }
    }
}

/// The login link, at this node's own host name when it listens on loopback (a cookie set
/// there goes to no other local service), and at the address itself for browsers that do not
/// resolve `*.localhost` (and for scripts).
fn login_lines(addr: std::net::SocketAddr, label: &str, token: &str) -> Vec<String> {
    let plain = format!("http://{}/?token={token}", login_host(addr));
    if addr.ip().is_loopback() || addr.ip().is_unspecified() {
        vec![
            format!(
                "open http://{label}.localhost:{}/?token={token}",
                addr.port()
            ),
            format!("  (if that address does not open, use {plain})"),
        ]
    } else {
        vec![format!("open {plain}")]
    }
}

/// The host to put in the login link: loopback addresses as the browser will send them.
fn login_host(addr: std::net::SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("127.0.0.1:{}", addr.port())
    } else {
        addr.to_string()
    }
}

/// Handlers for Ctrl-C and SIGTERM, installed before the node answers anything: a signal that
/// arrives early must start the orderly shutdown, not kill the process outright.
struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt()).context("installing a Ctrl-C handler")?,
            terminate: signal(SignalKind::terminate()).context("installing a SIGTERM handler")?,
        })
    }

    async fn wait(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {},
            _ = self.terminate.recv() => {},
        }
    }
}

#[cfg(test)]
mod founder_name_tests {
    use super::default_founder_name;

    #[test]
    fn the_founder_is_named_by_the_login_name_else_a_placeholder() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(default_founder_name(env(&[("USER", "ngozi")])), "ngozi");
        assert_eq!(
            default_founder_name(env(&[("USER", " "), ("LOGNAME", "amal")])),
            "amal"
        );
        assert_eq!(
            default_founder_name(env(&[("USER", "root")])),
            "Bureau member"
        );
        assert_eq!(default_founder_name(env(&[])), "Bureau member");
        // A login name the model would refuse as a name is not used.
        assert_eq!(
            default_founder_name(env(&[("USER", "a\u{202e}b")])),
            "Bureau member"
        );
    }
}
