//! Loading the document from the store's files, at start and at a reload after a panic.
//!
//! Every snapshot generation is read (the newest that loads is the base, the older ones are
//! merged into it), then the chunks. A file automerge refuses, or panics on, is quarantined
//! and the rest is served: peers fill the gap.
//!
//! Invariants:
//! - Every load of a file's bytes into automerge runs inside [`guarded`], so a hostile or
//!   damaged file is quarantined with the reason, never a panic of the node.
//! - A failed load may leave the document half-changed, so after one the document is rebuilt
//!   from the files that loaded cleanly before it.
//! - Changes that load but cannot apply (the changes they build on are in no file) are kept
//!   in automerge's queue and reported ([`DamageTrack`]); while there are any, nothing is
//!   compacted, so no file holding them is deleted.

use std::collections::HashSet;

use automerge::{AutoCommit, ChangeHash};
use bureau_model::automerge;
use bureau_model::guard::guarded;
use bureau_store::{Store, StoreError};
use tracing::{debug, error, info, warn};

use crate::DocError;

/// A failure to read the files at start (or at a reload): which file, and why, with the
/// store's error kept.
pub(crate) fn load_error(e: StoreError) -> DocError {
    match e {
        StoreError::Full => DocError::DiskFull,
        other => DocError::Load(crate::LoadCause::new(other)),
    }
}

/// Sequence number of a chunk by its name (`chunk-{seq:016x}.bin`, a log entry or a file).
fn chunk_seq(name: &str) -> Option<u64> {
    let hex = name.strip_prefix("chunk-")?.strip_suffix(".bin")?;
    u64::from_str_radix(hex, 16).ok()
}

/// Loads `bytes` into `doc`, turning an automerge panic into an error.
///
/// `load_incremental` quietly stops at the first chunk it cannot parse and keeps what came
/// before, so a file of garbage would "load" as nothing and never be quarantined. The file is
/// therefore first parsed on its own with partial loads refused; missing dependencies are fine
/// there, since a chunk builds on the files before it.
fn load_into(doc: &mut AutoCommit, bytes: &[u8]) -> Result<(), String> {
    match guarded(|| {
        parses_alone(bytes)?;
        doc.load_incremental(bytes)
    }) {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(format!("automerge refused it: {e}")),
        Err(e) => Err(format!("automerge failed on it: {e}")),
    }
}

/// Whether a chunk parses completely on its own (missing dependencies are fine: a chunk
/// builds on the files before it).
fn parses_alone(bytes: &[u8]) -> Result<(), automerge::AutomergeError> {
    let options = automerge::LoadOptions::new().on_partial_load(automerge::OnPartialLoad::Error);
    match automerge::Automerge::load_with_options(bytes, options) {
        Ok(_) | Err(automerge::AutomergeError::MissingDeps) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Loads a snapshot strictly: every byte must be a valid document, or it is refused.
fn load_snapshot(bytes: &[u8]) -> Result<AutoCommit, String> {
    let options = automerge::LoadOptions::new().on_partial_load(automerge::OnPartialLoad::Error);
    match guarded(|| AutoCommit::load_with_options(bytes, options)) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(e)) => Err(format!("automerge refused it: {e}")),
        Err(e) => Err(format!("automerge failed on it: {e}")),
    }
}

/// What [`load_files`] read.
pub(crate) struct LoadedDoc {
    pub(crate) doc: AutoCommit,
    /// The highest chunk sequence number among the files used.
    pub(crate) last_seq: u64,
    /// How many files were used.
    pub(crate) files: usize,
    /// The chunks holding changes that could not apply (see [`DamageTrack`]).
    pub(crate) damaged: DamageTrack,
}

/// Reads the store's files into a document, quarantining each file automerge refuses.
///
/// Every snapshot generation is read, not only the newest: normally each holds everything the
/// one before it did and costs nothing more than a look at its heads, but when the newest is
/// gone or renamed, an older one (or one with an older name) holds what the chunks after it
/// build on. The newest that loads is the base and the others are merged into it. Chunks are
/// then applied. Changes whose dependencies no file holds are left in automerge's queue: they
/// are damage, reported with the files that hold them ([`DamageTrack`]), never compacted away.
/// Loads into automerge what the store's `load` read (`loaded`), quarantining what it refuses.
pub(crate) fn load_files(
    store: &mut Store,
    mut loaded: bureau_store::Loaded,
    check: Option<crate::CheckStored>,
) -> Result<LoadedDoc, DocError> {
    let quarantine = |store: &mut Store, name: &str, reason: &str| {
        warn!(file = %name, %reason, "quarantining a document file");
        if let Err(e) = store.quarantine(name, reason) {
            error!(?e, file = %name, "could not quarantine a bad file");
        }
    };
    // Before automerge sees any of it: bytes that would make it work without end are refused
    // (see `DocConfig::check_stored`).
    let checking = std::time::Instant::now();
    if let Some(check) = check {
        for files in [&mut loaded.snapshots, &mut loaded.chunks] {
            let mut kept = Vec::with_capacity(files.len());
            for file in std::mem::take(files) {
                match check(&file.bytes) {
                    Ok(()) => kept.push(file),
                    Err(reason) => quarantine(store, &file.name, &reason),
                }
            }
            *files = kept;
        }
        debug!(
            ms = checking.elapsed().as_millis(),
            "document files checked"
        );
    }
    let mut doc = None;
    let mut good: Vec<&[u8]> = Vec::new();
    let mut snapshots = loaded.snapshots.iter().rev();
    for file in snapshots.by_ref() {
        match load_snapshot(&file.bytes) {
            Ok(d) => {
                doc = Some(d);
                good.push(&file.bytes);
                break;
            }
            Err(reason) => quarantine(store, &file.name, &reason),
        }
    }
    let mut doc = doc.unwrap_or_default();
    for file in snapshots {
        match merge_snapshot(&mut doc, &file.bytes) {
            Ok(merged) => {
                if merged {
                    warn!(
                        file = %file.name,
                        "an older snapshot held changes the newest lacks (a damaged or renamed \
                         file); they were merged"
                    );
                }
                good.push(&file.bytes);
            }
            Err(reason) => {
                quarantine(store, &file.name, &reason);
                doc = rebuild(&good);
            }
        }
    }
    let snapshot_files = good.len();
    let mut last_seq = 0;
    // Fast path: every chunk that parses on its own, applied in one call. automerge rebuilds
    // its indexes once per call, so chunks loaded one by one pay that rebuild once each.
    // Files that do not parse are quarantined here; if the batch still fails, the slow path
    // below finds the culprit file by file.
    let mut chunks: Vec<&bureau_store::StoredFile> = Vec::new();
    for file in &loaded.chunks {
        match guarded(|| parses_alone(&file.bytes)) {
            Ok(Ok(())) => chunks.push(file),
            Ok(Err(e)) => quarantine(store, &file.name, &format!("automerge refused it: {e}")),
            Err(e) => quarantine(store, &file.name, &format!("automerge failed on it: {e}")),
        }
    }
    let mut used: Vec<&bureau_store::StoredFile> = Vec::new();
    if !chunks.is_empty() {
        let all: Vec<u8> = chunks
            .iter()
            .flat_map(|f| f.bytes.iter().copied())
            .collect();
        if let Ok(Ok(_)) = guarded(|| doc.load_incremental(&all)) {
            used = std::mem::take(&mut chunks);
        } else {
            warn!("the chunks failed to load together; loading them one by one");
            doc = rebuild(&good);
        }
    }
    for file in chunks {
        match load_into(&mut doc, &file.bytes) {
            Ok(()) => {
                good.push(&file.bytes);
                used.push(file);
            }
            Err(reason) => {
                quarantine(store, &file.name, &reason);
                // A failed load may have left the document half-changed: rebuild it from the
                // files that loaded cleanly (they did before, so they will again).
                doc = rebuild(&good);
            }
        }
    }
    for file in &used {
        last_seq = last_seq.max(chunk_seq(&file.name).unwrap_or(0));
    }
    let damaged = DamageTrack::find(&doc, &used);
    Ok(LoadedDoc {
        doc,
        last_seq,
        files: snapshot_files + used.len(),
        damaged,
    })
}

/// Merges an older snapshot generation into `doc`; returns whether it held anything `doc`
/// lacked. One whose heads `doc` holds already holds nothing more (a snapshot holds exactly
/// what its heads reach), and costs no more than reading its heads.
fn merge_snapshot(doc: &mut AutoCommit, bytes: &[u8]) -> Result<bool, String> {
    // Parsing a file's header is automerge reading outside bytes: inside the guard too.
    let heads = match guarded(|| automerge::Automerge::saved_heads(bytes)) {
        Ok(Some(heads)) => heads,
        Ok(None) => return Err("automerge refused it: not a saved document".to_owned()),
        Err(e) => return Err(format!("automerge failed on it: {e}")),
    };
    if doc.get_missing_deps(&heads).is_empty() {
        return Ok(false);
    }
    load_into(doc, bytes)?;
    if doc.get_missing_deps(&heads).is_empty() {
        Ok(true)
    } else {
        Err("automerge did not apply all of its changes".to_owned())
    }
}

/// Changes a loaded document holds in automerge's queue, waiting for dependencies no file
/// held (a snapshot deleted, emptied or renamed, and the log entries after it build on it):
/// by chunk file, the hashes of its changes that wait. Empty when nothing waits.
///
/// While it is not empty the document is not what the files once held: nothing is compacted
/// (a compaction would write the incomplete document and delete the files holding the waiting
/// changes), and the damage is shown. A peer that holds the missing changes sends them with
/// the next sync; the waiting changes then apply and the damage clears.
#[derive(Debug, Default)]
pub(crate) struct DamageTrack {
    /// How many changes wait; what decides whether there is damage (even should no file be
    /// found to hold them).
    waiting: usize,
    files: Vec<(String, HashSet<ChangeHash>)>,
}

impl DamageTrack {
    /// The files among `chunks` that hold changes waiting in `doc`'s queue. Reads each chunk
    /// again, but only when something waits.
    fn find(doc: &AutoCommit, chunks: &[&bureau_store::StoredFile]) -> DamageTrack {
        let queued: HashSet<ChangeHash> = doc.queued_changes().into_iter().collect();
        if queued.is_empty() {
            return DamageTrack::default();
        }
        let mut files: Vec<(String, HashSet<ChangeHash>)> = Vec::new();
        for file in chunks {
            let mut alone = automerge::Automerge::new();
            if !matches!(guarded(|| alone.load_incremental(&file.bytes)), Ok(Ok(_))) {
                continue;
            }
            let waiting: HashSet<ChangeHash> = alone
                .get_changes(&[])
                .iter()
                .map(|c| c.hash())
                .chain(alone.queued_changes())
                .filter(|h| queued.contains(h))
                .collect();
            if !waiting.is_empty() {
                files.push((file.name.clone(), waiting));
            }
        }
        let track = DamageTrack {
            waiting: queued.len(),
            files,
        };
        warn!(
            queued_changes = queued.len(),
            files = ?track.names(),
            "damaged document files: these changes wait for changes no file holds (a snapshot \
             deleted, emptied or renamed?); nothing is compacted until a peer sends what is \
             missing"
        );
        track
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.waiting == 0
    }

    fn names(&self) -> Vec<String> {
        self.files.iter().map(|(name, _)| name.clone()).collect()
    }

    /// Brings the report up to `doc` after changes arrived: files whose changes all applied
    /// drop out. Returns the damage left, if any.
    pub(crate) fn update(&mut self, doc: &AutoCommit) -> Option<crate::Damage> {
        if self.waiting == 0 {
            return None;
        }
        let queued: HashSet<ChangeHash> = doc.queued_changes().into_iter().collect();
        self.waiting = queued.len();
        for (_, waiting) in &mut self.files {
            waiting.retain(|h| queued.contains(h));
        }
        self.files.retain(|(_, waiting)| !waiting.is_empty());
        if queued.is_empty() {
            self.files.clear();
            info!(
                "the changes missing from the document's files arrived from a peer; nothing waits any more"
            );
            return None;
        }
        Some(crate::Damage {
            queued_changes: queued.len(),
            files: self.names(),
        })
    }
}

/// A document from files that loaded cleanly before, after a failed load may have left the
/// previous one half-changed.
fn rebuild(good: &[&[u8]]) -> AutoCommit {
    let mut doc = AutoCommit::new();
    for bytes in good {
        let _ = load_into(&mut doc, bytes);
    }
    doc
}
