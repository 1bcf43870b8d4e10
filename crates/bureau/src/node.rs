//! Running the commands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use bureau_doc::{DocConfig, DocHandle};
use bureau_model::{Edit, InitBureau};
use bureau_net::{Identity, KEY_FILE, NetConfig, random_hex};
use bureau_store::{Store, StoreError};
use bureau_web::{AppState, WebConfig};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

use crate::cli::{Cli, Command};
use crate::client;

/// Name of the token file; scripts read it to call the API.
pub(crate) const TOKEN_FILE: &str = "api-token";
/// Name of the file describing the running node.
pub(crate) const RUNTIME_FILE: &str = "runtime.json";
/// Which bureau this data directory holds, written durably once it holds one (founded,
/// received after a join, or found at start by a node of an earlier release). A directory
/// with this file and no loadable document is a lost bureau, never a new one.
pub(crate) const MARKER_FILE: &str = "bureau-id";

/// An error with the exit code it should end the process with.
#[derive(Debug)]
struct Exit(u8);

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
    // redirect) must read as text, not as escape codes.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
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
            // The chain's links are anyhow's private context wrappers, so `downcast_ref` on
            // them never sees an `Exit`; anyhow's own `downcast_ref` looks through contexts.
            let exit = e.downcast_ref::<Exit>().map(ToString::to_string);
            let code = e.downcast_ref::<Exit>().map_or(1, |x| x.0);
            let msg: Vec<String> = e
                .chain()
                .map(ToString::to_string)
                .filter(|c| Some(c) != exit.as_ref())
                .collect();
            eprintln!("error: {}", msg.join(": "));
            ExitCode::from(code)
        }
    }
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
        } => {
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
            serve(&data_dir, http, demo, name, &timezone, net, recover).await
        }
        Command::Invite { role, expires } => invite(&data_dir, &role, &expires).await,
        Command::Join { code, name } => join(&data_dir, &code, &name).await,
        Command::Status { json } => status(&data_dir, json).await,
    }
}

/// `$XDG_DATA_HOME/bureau`, else `~/.local/share/bureau`.
fn default_data_dir() -> Result<PathBuf> {
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(xdg).join("bureau"));
    }
    let home = std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| anyhow!("no data directory: set --data-dir or BUREAU_HOME"))?;
    Ok(PathBuf::from(home).join(".local/share/bureau"))
}

/// The store, identity and token of a data directory, created where missing.
struct Opened {
    store: Store,
    identity: Identity,
    token: String,
    host_label: String,
}

fn open_dir(data_dir: &Path) -> Result<Opened> {
    let store = Store::open(data_dir).map_err(|e| match e {
        StoreError::Locked { .. } => anyhow!(e).context(Exit(75)),
        StoreError::NotOurs { .. } => anyhow!(e).context(Exit(78)),
        other => anyhow!(other).context(format!("cannot open {}", data_dir.display())),
    })?;
    let identity = match store.read_file(KEY_FILE)? {
        Some(bytes) => Identity::from_bytes(&bytes).context(Exit(78))?,
        None => {
            let id = Identity::generate();
            store.write_file(KEY_FILE, &id.to_bytes(), 0o600)?;
            id
        }
    };
    let token = secret_file(&store, TOKEN_FILE, is_token, || random_hex(32))?;
    let host_label = secret_file(&store, HOST_LABEL_FILE, bureau_web::is_host_label, || {
        format!("bureau-{}", random_hex(16))
    })?;
    Ok(Opened {
        store,
        identity,
        token,
        host_label,
    })
}

/// Name of the file holding the label of this node's own host name for the browser,
/// `<label>.localhost`: made once per data directory, never published.
pub(crate) const HOST_LABEL_FILE: &str = "host-label";

/// Whether `s` has the form of a token this node makes: 64 lowercase hex digits.
fn is_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A secret kept in a file of the data directory: made by `make` when the file is missing;
/// when it is there, it must have the form `valid` accepts (a final newline, which an editor
/// adds, aside). Anything else stops the node (exit 78): a file of blanks, trimmed, was an
/// empty token that let anyone in, and a planted or damaged file must not be adopted.
fn secret_file(
    store: &Store,
    name: &str,
    valid: fn(&str) -> bool,
    make: impl FnOnce() -> String,
) -> Result<String> {
    let Some(bytes) = store.read_file(name)? else {
        let secret = make();
        store.write_file(name, secret.as_bytes(), 0o600)?;
        return Ok(secret);
    };
    let text = std::str::from_utf8(&bytes).unwrap_or_default();
    let text = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text);
    if valid(text) {
        return Ok(text.to_owned());
    }
    Err(anyhow!(
        "{} does not hold what this node writes there; delete the file to make a new one \
         (for the api-token that rotates it: scripts must read it again)",
        store.data_dir().join(name).display()
    ))
    .context(Exit(78))
}

/// Keeps the web layer's session table in the data directory, through the store's durable
/// small-file writer.
#[derive(Debug)]
struct SessionsOnDisk(bureau_store::Files);

impl bureau_web::SessionFile for SessionsOnDisk {
    fn load(&self) -> Result<Option<Vec<u8>>, String> {
        self.0
            .read_file(bureau_web::SESSIONS_FILE)
            .map_err(|e| e.to_string())
    }

    fn save(&self, bytes: &[u8]) -> Result<(), String> {
        self.0
            .write_file(bureau_web::SESSIONS_FILE, bytes, 0o600)
            .map_err(|e| e.to_string())
    }
}

/// Creates the bureau in an empty document, with this device as the founder's.
async fn create_bureau(
    doc: &DocHandle,
    identity: &Identity,
    name: &str,
    title: &str,
    timezone: &str,
) -> Result<()> {
    let host = bureau_model::default_device_name(name, &identity.peer_id());
    doc.edit(Edit::Init(InitBureau {
        bureau_id: random_hex(16),
        title: title.to_owned(),
        timezone: timezone.to_owned(),
        founder_id: random_hex(8),
        founder_name: name.to_owned(),
        device: Some((identity.peer_id(), host)),
    }))
    .await
    .map_err(|e| anyhow!(e).context(Exit(78)))?;
    Ok(())
}

async fn init(data_dir: &Path, name: &str, title: &str, timezone: &str) -> Result<()> {
    let opened = open_dir(data_dir)?;
    let marker = read_marker(&opened.store)?;
    let files = opened.store.files();
    let peer_id = opened.identity.peer_id();
    let (doc, thread) = DocHandle::open(opened.store, doc_config(peer_id.clone())).await?;
    if !doc.state().snapshot.meta.bureau_id.is_empty() {
        bail!(
            "{} already holds the bureau {:?}; use another --data-dir for a new one",
            data_dir.display(),
            doc.state().snapshot.meta.title
        );
    }
    if let Some(m) = marker {
        bail!(
            "{} held the bureau {m}, whose document could not be loaded; use another \
             --data-dir for a new one, or take it back with `bureau serve --recover`",
            data_dir.display()
        );
    }
    create_bureau(&doc, &opened.identity, name, title, timezone).await?;
    let bureau_id = doc.state().snapshot.meta.bureau_id.clone();
    files.write_file(MARKER_FILE, bureau_id.as_bytes(), 0o600)?;
    drop(doc);
    let _ = thread.join();
    println!(
        "created the bureau {title:?} ({bureau_id}) in {}",
        data_dir.display()
    );
    println!(
        "this device is {peer_id}; start it with: bureau serve --data-dir {}",
        data_dir.display()
    );
    Ok(())
}

/// Peer-to-peer options of `serve`.
struct NetArgs {
    listen: Vec<String>,
    peers: Vec<String>,
    /// Checked and in canonical form; empty publishes the listen addresses.
    announce: Vec<String>,
    mdns: bool,
    /// The sync protocols to speak and to list in this device's record.
    sync_versions: Vec<bureau_net::SyncVersion>,
}

/// The `--announce` addresses, checked before anything is opened or created, so that a typo
/// stops the node at once rather than publishing an address nobody can dial. Sorted and
/// without duplicates, as the document's set reads back.
fn announce_addresses(given: &[String]) -> Result<Vec<String>> {
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

/// The bureau id the data directory's marker names, checked for the form ids have.
fn read_marker(store: &Store) -> Result<Option<String>> {
    let Some(bytes) = store.read_file(MARKER_FILE)? else {
        return Ok(None);
    };
    let id = String::from_utf8_lossy(&bytes).trim().to_owned();
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(anyhow!(
            "{MARKER_FILE} in the data directory is damaged; it should hold the id of the \
             bureau this directory holds (see `bureau status` on another member's node) and \
             nothing else"
        )
        .context(Exit(78)));
    }
    Ok(Some(id))
}

/// What the data directory's marker and its loaded document say together: whether the node
/// may start, and what to write.
fn check_marker(
    data_dir: &Path,
    marker: Option<&str>,
    loaded: &str,
    joining: bool,
    recover: bool,
) -> Result<()> {
    match marker {
        Some(m) if recover && loaded == m => Err(anyhow!(
            "--recover is for a data directory whose bureau cannot be loaded; the bureau {m} \
             in {} loads: start it without --recover",
            data_dir.display()
        )
        .context(Exit(78))),
        Some(_) if recover => Ok(()),
        None if recover => Err(anyhow!(
            "--recover takes back a bureau this data directory held, but {} never held one; \
             to add this device to a bureau, ask a member for an invite and use `bureau join`",
            data_dir.display()
        )
        .context(Exit(78))),
        Some(m) if loaded.is_empty() && !joining => Err(anyhow!(
            "{} held the bureau {m}, but its document could not be loaded (see quarantine/ \
             there). Nothing was changed. To take the bureau back from the other members, \
             start with: bureau serve --recover --data-dir {}",
            data_dir.display(),
            data_dir.display()
        )
        .context(Exit(78))),
        Some(m) if !loaded.is_empty() && loaded != m => Err(anyhow!(
            "{} held the bureau {m}, but its document is of the bureau {loaded}; refusing to \
             serve a bureau in place of another. Restore this directory's own files from a \
             backup, or start with --recover to take the bureau {m} back from its members",
            data_dir.display()
        )
        .context(Exit(78))),
        _ => Ok(()),
    }
}

/// Writes the marker once the document holds a bureau (at once if it does, else when the
/// bureau arrives by sync), unless one is there.
fn remember_bureau(files: bureau_store::Files, doc: DocHandle, cancel: CancellationToken) {
    crate::supervise::helper("remembering the bureau's id", cancel.clone(), move || {
        let (files, doc, cancel) = (files.clone(), doc.clone(), cancel.clone());
        async move {
            let mut states = doc.subscribe();
            loop {
                let id = states.borrow_and_update().snapshot.meta.bureau_id.clone();
                if !id.is_empty() {
                    match files.read_file(MARKER_FILE) {
                        Ok(Some(_)) => return,
                        Ok(None) => match files.write_file(MARKER_FILE, id.as_bytes(), 0o600) {
                            Ok(()) => return,
                            Err(e) => warn!(error = %e, "could not write {MARKER_FILE}"),
                        },
                        Err(e) => warn!(error = %e, "could not read {MARKER_FILE}"),
                    }
                }
                tokio::select! {
                    changed = states.changed() => if changed.is_err() { return },
                    () = cancel.cancelled() => return,
                }
            }
        }
    });
}

#[allow(clippy::too_many_arguments)]
async fn serve(
    data_dir: &Path,
    http: std::net::SocketAddr,
    demo: bool,
    name: Option<String>,
    timezone: &str,
    net_args: NetArgs,
    recover: bool,
) -> Result<()> {
    let mut signals = Signals::install()?;
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
    let mut web = WebConfig::loopback(opened.token.clone(), addr.port())
        .with_host_label(&opened.host_label, addr.port());
    web.sessions = Arc::new(bureau_web::Sessions::persisted(Arc::new(SessionsOnDisk(
        files.clone(),
    ))));
    if !addr.ip().is_loopback() {
        web.allowed_hosts.push(addr.to_string());
    }
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
    if fresh {
        let name = name.unwrap_or_else(|| {
            if demo {
                crate::demo::FOUNDER.to_owned()
            } else {
                "Bureau member".to_owned()
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
    let runtime = json!({
        "pid": std::process::id(),
        "http": addr.to_string(),
        "peer_id": peer_id,
        "listen": net.status().listen,
        "bureau_id": state.snapshot.meta.bureau_id,
    });
    write_runtime(data_dir, &runtime)?;
    remember_bureau(files.clone(), doc.clone(), cancel.clone());
    crate::netglue::publish_addresses(
        doc.clone(),
        net.clone(),
        peer_id.clone(),
        net_args.announce,
        net_args
            .sync_versions
            .iter()
            .map(|v| v.protocol().to_owned())
            .collect(),
        cancel.clone(),
    );
    let app = bureau_web::router(AppState {
        net: Some(crate::netglue::adapter(net.clone(), cancel.clone())),
        doc: doc.clone(),
        config: Arc::new(web),
        cancel: cancel.clone(),
    });
    println!("bureau {:?} is running", state.snapshot.meta.title);
    for line in login_lines(addr, &opened.host_label, &opened.token) {
        println!("{line}");
    }
    drop(state);
    let mut server = tokio::spawn(bureau_web::serve(listener, app, cancel.clone()));
    let mut net_task = net_task;
    // The core tasks (see `supervise`): one that ends before a shutdown was asked for ends
    // the node with an error, so whatever runs it starts it again.
    let mut doc_states = doc.subscribe();
    let died: Option<(&str, String)> = tokio::select! {
        () = signals.wait() => None,
        res = &mut server => Some(("the web server", end_of(res))),
        res = &mut net_task => Some(("the network loop", end_of(res))),
        () = async { while doc_states.changed().await.is_ok() {} } => {
            Some(("the document actor", "its thread ended".to_owned()))
        }
    };
    match &died {
        None => info!("shutting down"),
        Some((what, why)) => {
            error!(task = what, error = %why, "a core task of the node died; shutting down");
        }
    }
    cancel.cancel();
    if !server.is_finished() || died.is_none() {
        let _ = server.await;
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
    info!("stopped");
    Ok(())
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

fn write_runtime(data_dir: &Path, runtime: &serde_json::Value) -> Result<()> {
    // Written through a temp file and rename so that a reader never sees half a file.
    // Created anew (O_EXCL, which never follows a symlink planted at that name), so the
    // node writes only a file of its own.
    use std::io::Write;
    let tmp = data_dir.join(format!("{RUNTIME_FILE}.part"));
    match std::fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)?;
    file.write_all(&serde_json::to_vec_pretty(runtime)?)?;
    drop(file);
    std::fs::rename(&tmp, data_dir.join(RUNTIME_FILE))?;
    Ok(())
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

/// The running node's address and token, or exit 69.
fn running_node(data_dir: &Path) -> Result<(String, String)> {
    let not_running = || {
        anyhow!(
            "no node is running in {}; start one with: bureau serve --data-dir {}",
            data_dir.display(),
            data_dir.display()
        )
        .context(Exit(69))
    };
    let runtime = std::fs::read(data_dir.join(RUNTIME_FILE)).map_err(|_| not_running())?;
    let runtime: serde_json::Value = serde_json::from_slice(&runtime).map_err(|_| not_running())?;
    let http = runtime["http"].as_str().ok_or_else(not_running)?.to_owned();
    let token =
        std::fs::read_to_string(data_dir.join(TOKEN_FILE)).context("cannot read the api-token")?;
    Ok((http, token.trim().to_owned()))
}

/// Parses `90`, `90s`, `30m`, `24h`, `7d` into seconds.
fn parse_duration(s: &str) -> Result<u64> {
    let s = s.trim();
    let (num, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| anyhow!("--expires {s:?}: expected a number with s, m, h or d, like 24h"))?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => bail!("--expires {s:?}: the unit must be s, m, h or d"),
    };
    Ok(n * mult)
}

async fn invite(data_dir: &Path, role: &str, expires: &str) -> Result<()> {
    let expires_in = parse_duration(expires).context(Exit(2))?;
    let (http, token) = running_node(data_dir)?;
    let body = json!({ "role": role, "expires_in": expires_in });
    let answer = client::post_json(&http, "/api/invites", &token, &body)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let code = answer["code"].as_str().unwrap_or_default();
    if let Ok(qr) = qrcode::QrCode::new(code.as_bytes()) {
        let text = qr
            .render::<qrcode::render::unicode::Dense1x2>()
            .quiet_zone(true)
            .build();
        eprintln!("{text}");
    }
    eprintln!(
        "invite for a new {role}, valid until {}; on the new laptop run:",
        answer["expires_at"].as_str().unwrap_or_default()
    );
    eprintln!("  bureau join <code> --name \"Their Name\"");
    println!("{code}");
    Ok(())
}

async fn join(data_dir: &Path, code: &str, name: &str) -> Result<()> {
    // A name the inviter would refuse is refused first (a usage error): the invite stays unused.
    let name = &bureau_net::check_join_name(name).map_err(|e| anyhow!("{e}").context(Exit(2)))?;
    let opened = open_dir(data_dir)?;
    let files = opened.store.files();
    if let Some(m) = read_marker(&opened.store)? {
        bail!(
            "{} held the bureau {m}; joining another bureau there would bury it. Take it back \
             with `bureau serve --recover`, or use another --data-dir to join a different one",
            data_dir.display()
        );
    }
    // A data directory that already holds a bureau is a member already.
    let peer_id = opened.identity.peer_id();
    let (doc, thread) = DocHandle::open(opened.store, doc_config(peer_id)).await?;
    let existing = doc.state().snapshot.meta.title.clone();
    drop(doc);
    let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    if !existing.is_empty() {
        bail!(
            "{} already holds the bureau {existing:?}; use another --data-dir to join a different one",
            data_dir.display()
        );
    }
    // Hold the directory's lock while joining, so no node starts on it half-way.
    let _lock = Store::open(data_dir).map_err(|e| anyhow!(e).context(Exit(75)))?;
    let joined = bureau_net::join(&opened.identity, &files, code, name)
        .await
        .map_err(|e| anyhow!("{e}").context(Exit(69)))?;
    println!(
        "joined the bureau {} as {name}; start this node with: bureau serve --data-dir {}",
        joined.bureau_id,
        data_dir.display()
    );
    Ok(())
}

async fn status(data_dir: &Path, as_json: bool) -> Result<()> {
    let (http, token) = running_node(data_dir)?;
    let status = client::get_json(&http, "/api/status", &token)
        .await
        .map_err(|e| anyhow!("{e}").context(Exit(69)))?;
    if as_json {
        println!("{}", serde_json::to_string_pretty(&status)?);
        return Ok(());
    }
    println!(
        "bureau:      {} ({})",
        status["title"].as_str().unwrap_or(""),
        status["bureau_id"].as_str().unwrap_or("")
    );
    println!("this device: {}", status["peer_id"].as_str().unwrap_or(""));
    match std::fs::read_to_string(data_dir.join(HOST_LABEL_FILE)) {
        Ok(label) if bureau_web::is_host_label(label.trim_end()) => {
            let port = http.rsplit(':').next().unwrap_or_default();
            println!(
                "web UI:      http://{}.localhost:{port}/?token={token}",
                label.trim_end()
            );
            println!("             (or http://{http}/?token={token})");
        }
        _ => println!("web UI:      http://{http}/?token={token}"),
    }
    println!(
        "document:    {} heads, {} findings, {} conflicts",
        status["heads"].as_array().map_or(0, Vec::len),
        status["findings"],
        status["conflicts"]
    );
    if status["paused"].as_bool() == Some(true) {
        println!("sync:        paused (resume with POST /api/sync/resume)");
    }
    for addr in status["listen"].as_array().cloned().unwrap_or_default() {
        println!("listening:   {}", addr.as_str().unwrap_or_default());
    }
    let peers = status["peers"].as_array().cloned().unwrap_or_default();
    if peers.is_empty() {
        println!("peers:       none");
    }
    for p in peers {
        let s = |k: &str| p[k].as_str().unwrap_or("-").to_owned();
        println!(
            "peer:        {} {} {}{}, last sync {}, via {} ({})",
            s("peer_id"),
            s("name"),
            if p["connected"].as_bool() == Some(true) {
                "connected"
            } else {
                "offline"
            },
            if p["in_sync"].as_bool() == Some(true) {
                ", in sync"
            } else {
                ""
            },
            s("last_sync"),
            s("addr"),
            s("source"),
        );
    }
    if let Some(q) = status["quarantined"].as_array().filter(|q| !q.is_empty()) {
        println!(
            "quarantined: {} file(s) in {}",
            q.len(),
            data_dir.join("quarantine").display()
        );
    }
    Ok(())
}

/// The document actor's settings: snapshots are built by a child process of this very
/// executable (see `bureau_doc::compaction_child`), so the memory that takes is returned to
/// the system after each compaction.
fn doc_config(peer_id: String) -> DocConfig {
    let mut config = DocConfig::new(peer_id);
    config.compact_exe = std::env::current_exe().ok();
    config.release_memory = Some(crate::allocator::release);
    config.check_stored = Some(bureau_sync::guard::check_stored);
    config
}
