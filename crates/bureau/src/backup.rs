//! Backups: `bureau backup` writes a copy of the bureau's document to a file, `bureau restore`
//! makes a node's data directory from one, and `serve --backup-dir` writes them on its own.
//!
//! The file (version 1) is a magic line, one line of JSON ([`Header`]: the bureau, when, the
//! lengths of what follows), then the document's bytes as automerge saves them and, in a backup
//! made `--with-identity`, the device key. A backup holding a device key is a credential (it
//! lets whoever has it act as that laptop), so such a file is the whole of that encrypted with
//! a passphrase, in age's scrypt mode: a restore tells the two kinds apart by age's own first
//! line.
//!
//! Invariants: a backup is checked to load, and to hold a bureau, before it is written, and it
//! is written whole (temp file, fsync, rename), so a file under a backup's name is a backup;
//! a restore never writes into a directory that holds anything, and takes away what it made
//! when it fails; the restored document goes in as a snapshot through the store, so the node
//! loads it like any other.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use age::secrecy::SecretString;
use anyhow::{Context, Result, anyhow, bail};
use bureau_doc::DocHandle;
use bureau_model::Snapshot;
use bureau_model::automerge::AutoCommit;
use bureau_net::{Identity, KEY_FILE};
use bureau_store::{Store, StoreError};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::data_dir::{MARKER_FILE, doc_config, open_dir, running_node};
use crate::run::Exit;

/// The first line of a backup file of this format's version 1.
const MAGIC: &[u8] = b"bureau-backup 1\n";
/// The first line of every age file: a backup holding a device key.
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";
/// The header line is short; anything longer is not a backup of ours.
const MAX_HEADER: usize = 64 * 1024;
/// The environment variable a script gives the passphrase in.
pub(crate) const PASSPHRASE_VAR: &str = "BUREAU_BACKUP_PASSPHRASE";

/// What a backup says about itself, before the bytes it describes.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    bureau_id: String,
    title: String,
    /// When the backup was made (RFC 3339, UTC).
    created_at: String,
    /// The document's heads, sorted (as `GET /api/status` lists them).
    #[serde(default)]
    heads: Vec<String>,
    /// Whether the device key follows the document.
    identity: bool,
    /// The device whose key this is, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    peer_id: Option<String>,
    /// Length of the document's bytes.
    document_bytes: usize,
    /// Length of the device key's bytes (0 without one).
    #[serde(default)]
    identity_bytes: usize,
}

/// A backup read back: the header and the parts it describes.
#[derive(Debug)]
struct Backup {
    header: Header,
    document: Vec<u8>,
    identity: Option<Vec<u8>>,
}

/// What a document's bytes hold, as a backup's header names it.
#[derive(Debug)]
struct Described {
    bureau_id: String,
    title: String,
    heads: Vec<String>,
}

/// The bureau's id, title and heads in `bytes`, which must load (inside the input guard: a
/// backup file is outside bytes).
fn describe(bytes: &[u8]) -> Result<Described> {
    bureau_sync::guard::check_stored(bytes).map_err(|e| anyhow!("the document is damaged: {e}"))?;
    let mut doc = bureau_model::guard::guarded(|| AutoCommit::load(bytes))
        .map_err(|e| anyhow!("the document could not be loaded: {e}"))?
        .map_err(|e| anyhow!("the document could not be loaded: {e}"))?;
    let snapshot = bureau_model::guard::guarded(|| Snapshot::hydrate(&doc))
        .map_err(|e| anyhow!("the document could not be read: {e}"))?;
    let mut heads: Vec<String> = doc.get_heads().iter().map(ToString::to_string).collect();
    heads.sort();
    Ok(Described {
        bureau_id: snapshot.meta.bureau_id,
        title: snapshot.meta.title,
        heads,
    })
}

/// The bytes of a version-1 backup file of `document` (and the device `key`).
fn encode(document: &[u8], key: Option<&[u8]>) -> Result<(Header, Vec<u8>)> {
    let Described {
        bureau_id,
        title,
        heads,
    } = describe(document)?;
    if bureau_id.is_empty() {
        bail!("the document holds no bureau yet: there is nothing to back up");
    }
    let peer_id = match key {
        Some(k) => Some(
            Identity::from_bytes(k)
                .context("the device key in the data directory is damaged")?
                .peer_id(),
        ),
        None => None,
    };
    let now = jiff::Timestamp::now();
    let header = Header {
        bureau_id,
        title,
        created_at: jiff::Timestamp::from_second(now.as_second())
            .unwrap_or(now)
            .to_string(),
        heads,
        identity: key.is_some(),
        peer_id,
        document_bytes: document.len(),
        identity_bytes: key.map_or(0, <[u8]>::len),
    };
    let mut out = Vec::with_capacity(document.len() + 512);
    out.extend_from_slice(MAGIC);
    serde_json::to_writer(&mut out, &header)?;
    out.push(b'\n');
    out.extend_from_slice(document);
    out.extend_from_slice(key.unwrap_or_default());
    Ok((header, out))
}

/// Reads a version-1 backup file's bytes (decrypted already).
fn decode(bytes: &[u8]) -> Result<Backup> {
    let not_ours = || anyhow!("this is not a bureau backup (or of a newer, unknown version)");
    let rest = bytes.strip_prefix(MAGIC).ok_or_else(not_ours)?;
    let end = rest
        .iter()
        .take(MAX_HEADER)
        .position(|&b| b == b'\n')
        .ok_or_else(not_ours)?;
    let header: Header = serde_json::from_slice(&rest[..end])
        .map_err(|e| anyhow!("the backup's header is damaged: {e}"))?;
    let body = &rest[end + 1..];
    let identity_bytes = if header.identity {
        header.identity_bytes
    } else {
        0
    };
    if header.document_bytes.checked_add(identity_bytes) != Some(body.len()) {
        bail!(
            "the backup is cut short or damaged: its header announces {} bytes, the file holds {}",
            header.document_bytes.saturating_add(identity_bytes),
            body.len()
        );
    }
    let (document, key) = body.split_at(header.document_bytes);
    Ok(Backup {
        identity: header.identity.then(|| key.to_vec()),
        document: document.to_vec(),
        header,
    })
}

/// The passphrase: `BUREAU_BACKUP_PASSPHRASE` when set, else from the terminal without echo
/// (asked twice when it makes a backup, so a typo cannot lock the file), else one line of
/// standard input.
fn passphrase(confirm: bool) -> Result<SecretString> {
    let given = match std::env::var(PASSPHRASE_VAR) {
        Ok(p) if !p.is_empty() => p,
        _ if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
            let p = rpassword::prompt_password("Passphrase for the backup: ")
                .context("reading the passphrase")?;
            if confirm {
                let again = rpassword::prompt_password("The same passphrase again: ")
                    .context("reading the passphrase")?;
                if again != p {
                    return Err(anyhow!("the two passphrases differ; nothing was written")
                        .context(Exit(65)));
                }
            }
            p
        }
        _ => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the passphrase from standard input")?;
            line.trim_end_matches(['\n', '\r']).to_owned()
        }
    };
    if given.is_empty() {
        return Err(anyhow!(
            "a backup with the device key needs a passphrase: type it when asked, or set \
             {PASSPHRASE_VAR}"
        )
        .context(Exit(65)));
    }
    Ok(SecretString::from(given))
}

/// Writes `bytes` to `path` whole: a temp file beside it (mode 0600: a backup holds the whole
/// record, contact details included), fsynced, renamed over the name, the directory fsynced.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| anyhow!("{} names no file", path.display()))?;
    let tmp = dir.join(format!(".{}.part", name.to_string_lossy()));
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok::<_, std::io::Error>(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow!("cannot write {}: {e}", path.display()));
    }
    Ok(())
}

/// The document's bytes: from the node running on `data_dir` (`GET /api/doc`), else loaded
/// from the directory itself.
async fn document_of(data_dir: &Path) -> Result<Vec<u8>> {
    if let Ok((http, token)) = running_node(data_dir) {
        match crate::client::get_bytes(&http, "/api/doc", &token).await {
            Ok(bytes) => return Ok(bytes),
            // A runtime.json left by a node that was killed: read the directory instead.
            Err(e) => warn!(error = %e, "the node named in runtime.json does not answer"),
        }
    }
    if !data_dir.join(MARKER_FILE).is_file() && !data_dir.join("doc").is_dir() {
        return Err(anyhow!(
            "{} holds no node's data; give the node's data directory with --data-dir",
            data_dir.display()
        )
        .context(Exit(78)));
    }
    let store = Store::open(data_dir).map_err(|e| match e {
        StoreError::Locked { .. } => anyhow!(
            "a node runs in {} but does not answer; try again once it has started, or stop it",
            data_dir.display()
        )
        .context(Exit(75)),
        other => anyhow!(other).context(format!("cannot open {}", data_dir.display())),
    })?;
    let peer_id = match store.read_file(KEY_FILE)? {
        Some(k) => Identity::from_bytes(&k).context(Exit(78))?.peer_id(),
        None => "backup".to_owned(),
    };
    let (doc, thread) = DocHandle::open(store, doc_config(peer_id)).await?;
    let quarantined = doc.state().quarantined.len();
    if quarantined > 0 {
        eprintln!(
            "warning: {quarantined} file(s) of {} could not be loaded (see quarantine/ there); \
             the backup holds what loads",
            data_dir.display()
        );
    }
    let bytes = doc.save().await;
    drop(doc);
    let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    Ok(bytes?)
}

/// `bureau backup --out FILE [--with-identity]`.
pub(crate) async fn backup(data_dir: &Path, out: &Path, with_identity: bool) -> Result<()> {
    let key = if with_identity {
        let key = std::fs::read(data_dir.join(KEY_FILE)).with_context(|| {
            format!(
                "{} holds no device key to back up",
                data_dir.join(KEY_FILE).display()
            )
        })?;
        Some(key)
    } else {
        None
    };
    let document = document_of(data_dir).await?;
    let (header, mut bytes) = encode(&document, key.as_deref()).context(Exit(78))?;
    if with_identity {
        let secret = passphrase(true)?;
        let plain = bytes;
        bytes = tokio::task::spawn_blocking(move || {
            age::encrypt(&age::scrypt::Recipient::new(secret), &plain)
        })
        .await?
        .map_err(|e| anyhow!("encrypting the backup failed: {e}"))?;
    }
    write_whole(out, &bytes)?;
    println!(
        "backed up the bureau {:?} ({}) to {}{}",
        header.title,
        header.bureau_id,
        out.display(),
        if with_identity {
            ", with this device's key, encrypted with the passphrase: keep the file and the \
             passphrase apart"
        } else {
            ""
        }
    );
    Ok(())
}

/// Reads a backup file, decrypting it with the passphrase when it holds a device key.
async fn read_backup(file: &Path) -> Result<Backup> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let plain = if bytes.starts_with(AGE_MAGIC) {
        let secret = passphrase(false)?;
        tokio::task::spawn_blocking(move || {
            age::decrypt(&age::scrypt::Identity::new(secret), &bytes)
        })
        .await?
        .map_err(|e| {
            use age::DecryptError as D;
            let what = match e {
                D::DecryptionFailed | D::KeyDecryptionFailed | D::NoMatchingKeys => {
                    "the passphrase does not open this backup; give the one it was made with"
                        .to_owned()
                }
                D::ExcessiveWork { .. } => {
                    "this backup was encrypted with more work than this machine accepts".to_owned()
                }
                other => format!("the backup is damaged: {other}"),
            };
            anyhow!("{what}").context(Exit(65))
        })?
    } else {
        bytes
    };
    let backup = decode(&plain).context(Exit(65))?;
    let bureau_id = describe(&backup.document).context(Exit(65))?.bureau_id;
    if bureau_id != backup.header.bureau_id {
        return Err(anyhow!(
            "the backup's document is of the bureau {bureau_id:?}, its header says {:?}: it is damaged",
            backup.header.bureau_id
        )
        .context(Exit(65)));
    }
    if let Some(key) = &backup.identity {
        Identity::from_bytes(key)
            .map_err(|e| anyhow!("the backup's device key is damaged: {e}").context(Exit(65)))?;
    }
    Ok(backup)
}

/// `bureau restore FILE`: a node's data directory made from a backup.
pub(crate) async fn restore(data_dir: &Path, file: &Path) -> Result<()> {
    let created = match std::fs::read_dir(data_dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(anyhow!(
                    "{} is not empty: a restore never writes over a node's data. Restore into a \
                     new directory (--data-dir NEW), or stop the node there and move its \
                     directory aside first",
                    data_dir.display()
                )
                .context(Exit(78)));
            }
            false
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => bail!("cannot read {}: {e}", data_dir.display()),
    };
    let backup = read_backup(file).await?;
    if created {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create {}", data_dir.display()))?;
    }
    let restored = restore_into(data_dir, &backup).await;
    if restored.is_err() {
        let cleaned = if created {
            std::fs::remove_dir_all(data_dir)
        } else {
            remove_entries(data_dir)
        };
        if let Err(e) = cleaned {
            eprintln!(
                "warning: could not remove what the failed restore made in {}: {e}",
                data_dir.display()
            );
        }
    }
    let peer_id = restored?;
    let h = &backup.header;
    println!(
        "restored the bureau {:?} ({}) as backed up at {} into {}",
        h.title,
        h.bureau_id,
        h.created_at,
        data_dir.display()
    );
    if h.identity {
        println!(
            "this is the backed-up device {peer_id}: start it with `bureau serve --data-dir {}` \
             (and never run the old copy of this device again)",
            data_dir.display()
        );
    } else {
        println!(
            "this is a new device, {peer_id}, which the bureau does not know: the node shows \
             the bureau as it was backed up but cannot edit or sync it. To take part again, \
             ask an admin for an invite for your member and join from an empty directory."
        );
    }
    Ok(())
}

/// Removes every entry of `dir` (which was empty before the restore).
fn remove_entries(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Writes the backup's parts into the empty `data_dir`, then opens it as a node would and
/// checks that the bureau loads; returns the device's peer id.
async fn restore_into(data_dir: &Path, backup: &Backup) -> Result<String> {
    {
        let mut store = Store::open(data_dir)
            .map_err(|e| anyhow!(e).context(format!("cannot open {}", data_dir.display())))?;
        if let Some(key) = &backup.identity {
            store.write_file(KEY_FILE, key, 0o600)?;
        }
        // The store checks its own framing on the way back; the document loaded already.
        store
            .compact(&backup.document, 0, |b| b == backup.document.as_slice())
            .context("writing the document")?;
        store.write_file(MARKER_FILE, backup.header.bureau_id.as_bytes(), 0o600)?;
    }
    let opened = open_dir(data_dir)?;
    let peer_id = opened.identity.peer_id();
    let (doc, thread) = DocHandle::open(opened.store, doc_config(peer_id.clone())).await?;
    let loaded = doc.state().snapshot.meta.bureau_id.clone();
    let quarantined = doc.state().quarantined.len();
    drop(doc);
    let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    if loaded != backup.header.bureau_id || quarantined > 0 {
        bail!("the restored document did not load back as the bureau it holds");
    }
    Ok(peer_id)
}

/// Settings of `serve --backup-dir`.
#[derive(Clone, Debug)]
pub(crate) struct AutoBackup {
    pub(crate) dir: PathBuf,
    /// How many backups to keep (the newest).
    pub(crate) keep: usize,
    /// At most one backup per this interval, and only after a change.
    pub(crate) every: Duration,
}

/// Starts the supervised task that writes a backup into `settings.dir` after changes, at most
/// once per interval, keeping the `keep` newest. The first one is written at start, so a
/// folder of backups always holds the bureau as this node last saw it.
pub(crate) fn start_auto(settings: AutoBackup, doc: DocHandle, cancel: CancellationToken) {
    crate::supervise::helper("automatic backups", cancel.clone(), move || {
        let (settings, doc, cancel) = (settings.clone(), doc.clone(), cancel.clone());
        async move {
            let mut states = doc.subscribe();
            let mut written: Option<Vec<String>> = None;
            loop {
                let (heads, has_bureau) = {
                    let st = states.borrow_and_update();
                    (st.heads.clone(), !st.snapshot.meta.bureau_id.is_empty())
                };
                if has_bureau && written.as_ref() != Some(&heads) {
                    match write_auto(&settings, &doc).await {
                        Ok(path) => info!(backup = %path.display(), "wrote a backup"),
                        Err(e) => {
                            warn!(error = %e, dir = %settings.dir.display(), "could not write a backup");
                        }
                    }
                    // Also after a failure: the next try waits its interval too.
                    written = Some(heads);
                    tokio::select! {
                        () = tokio::time::sleep(settings.every) => {}
                        () = cancel.cancelled() => return,
                    }
                    continue;
                }
                tokio::select! {
                    changed = states.changed() => if changed.is_err() { return },
                    () = cancel.cancelled() => return,
                }
            }
        }
    });
}

/// Writes one automatic backup and removes all but the newest `keep`.
async fn write_auto(settings: &AutoBackup, doc: &DocHandle) -> Result<PathBuf> {
    let document = doc.save().await?;
    let (header, bytes) = encode(&document, None)?;
    std::fs::create_dir_all(&settings.dir)
        .with_context(|| format!("cannot create {}", settings.dir.display()))?;
    // Names sort by time: the stamp is UTC to the second, and backups are at least a second
    // apart (a counter only where the clock went back).
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let prefix = format!("bureau-{}-", header.bureau_id);
    let mut path = settings.dir.join(format!("{prefix}{stamp}.backup"));
    let mut n = 1;
    while path.exists() {
        path = settings.dir.join(format!("{prefix}{stamp}-{n}.backup"));
        n += 1;
    }
    write_whole(&path, &bytes)?;
    let mut ours: Vec<String> = std::fs::read_dir(&settings.dir)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(&prefix) && n.ends_with(".backup"))
        .collect();
    ours.sort();
    let excess = ours.len().saturating_sub(settings.keep.max(1));
    for old in &ours[..excess] {
        if let Err(e) = std::fs::remove_file(settings.dir.join(old)) {
            warn!(error = %e, file = %old, "could not remove an old backup");
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header that announces more or fewer bytes than follow, or a file of another kind,
    /// is refused before anything is loaded.
    #[test]
    fn files_that_are_not_whole_backups_are_refused() {
        assert!(decode(b"hello").is_err());
        let mut file = MAGIC.to_vec();
        file.extend_from_slice(
            br#"{"bureau_id":"b","title":"t","created_at":"x","identity":false,"document_bytes":4}"#,
        );
        file.push(b'\n');
        file.extend_from_slice(b"abc");
        let e = decode(&file).expect_err("cut short");
        assert!(e.to_string().contains("cut short"), "{e}");
        file.extend_from_slice(b"de");
        assert!(decode(&file).is_err(), "one byte too many");
        file.pop();
        let b = decode(&file).expect("whole");
        assert_eq!(b.document, b"abcd");
        assert!(b.identity.is_none());
    }
}
