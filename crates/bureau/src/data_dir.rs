//! The data directory: where it is, the files the binary keeps in it (the identity key, the
//! api-token, the host label, the `bureau-id` marker, `runtime.json`, the web layer's
//! `sessions.json`), opening it with its store, and the document actor's settings.
//!
//! Invariants: a secret is made once (mode 0600) and a file of another form stops the node
//! (exit 78) rather than being adopted or replaced; the marker is written once and never
//! rewritten, and a directory with a marker and no loadable document is a lost bureau, never a
//! new one ([`check_marker`]); `runtime.json` is replaced whole, so no reader sees half of it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use bureau_doc::{DocConfig, DocHandle};
use bureau_model::{Edit, InitBureau};
use bureau_net::{Identity, KEY_FILE, random_hex};
use bureau_store::{Store, StoreError};
use tokio_util::sync::CancellationToken;
use tracing::warn;

use crate::run::Exit;

/// Name of the token file; scripts read it to call the API.
pub(crate) const TOKEN_FILE: &str = "api-token";
/// Name of the file describing the running node.
pub(crate) const RUNTIME_FILE: &str = "runtime.json";
/// Which bureau this data directory holds, written durably once it holds one (founded,
/// received after a join, or found at start by a node of an earlier release). A directory
/// with this file and no loadable document is a lost bureau, never a new one.
pub(crate) const MARKER_FILE: &str = "bureau-id";

/// Name of the file holding the label of this node's own host name for the browser,
/// `<label>.localhost`: made once per data directory, never published.
pub(crate) const HOST_LABEL_FILE: &str = "host-label";

/// `$XDG_DATA_HOME/bureau`, else `~/.local/share/bureau`.
pub(crate) fn default_data_dir() -> Result<PathBuf> {
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(xdg).join("bureau"));
    }
    let home = std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| anyhow!("no data directory: set --data-dir or BUREAU_HOME"))?;
    Ok(PathBuf::from(home).join(".local/share/bureau"))
}

/// The store, identity and token of a data directory, created where missing.
pub(crate) struct Opened {
    pub(crate) store: Store,
    pub(crate) identity: Identity,
    pub(crate) token: String,
    pub(crate) host_label: String,
}

pub(crate) fn open_dir(data_dir: &Path) -> Result<Opened> {
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
pub(crate) struct SessionsOnDisk(pub(crate) bureau_store::Files);

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

/// The bureau id the data directory's marker names, checked for the form ids have.
pub(crate) fn read_marker(store: &Store) -> Result<Option<String>> {
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
pub(crate) fn check_marker(
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
pub(crate) fn remember_bureau(
    files: bureau_store::Files,
    doc: DocHandle,
    cancel: CancellationToken,
) {
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

pub(crate) fn write_runtime(data_dir: &Path, runtime: &serde_json::Value) -> Result<()> {
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

/// The running node's address and token, or exit 69.
pub(crate) fn running_node(data_dir: &Path) -> Result<(String, String)> {
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

/// The document actor's settings: snapshots are built by a child process of this very
/// executable (see `bureau_doc::compaction_child`), so the memory that takes is returned to
/// the system after each compaction.
pub(crate) fn doc_config(peer_id: String) -> DocConfig {
    let mut config = DocConfig::new(peer_id);
    config.compact_exe = std::env::current_exe().ok();
    config.release_memory = Some(crate::allocator::release);
    config.check_stored = Some(bureau_sync::guard::check_stored);
    config
}

/// Creates the bureau in an empty document, with this device as the founder's.
pub(crate) async fn create_bureau(
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
