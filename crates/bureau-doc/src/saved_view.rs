//! The view the actor last published, kept on disk so that a node shows its records at start
//! before its document has loaded.
//!
//! Loading a large bureau takes automerge seconds (every change is rebuilt to be hashed) and
//! reading the records out of it seconds more; nobody should wait that long for the first page.
//! So the actor keeps its published records and conflicts in `state/view.bin` under the
//! store's position ([`bureau_store::Store::position`]) at the time. At start, when the
//! store's files are the same ones, that view is published at once with
//! [`DocState::loading`] set; everything that needs the document (edits, sync, histories)
//! queues until it has loaded, and the loaded view then replaces the saved one.
//!
//! Invariants:
//! - A saved view is shown only for the files it was saved from, by the same release, or for
//!   those files with log entries appended after them (a node stopped without saving its
//!   view: killed, or its laptop's battery ran out). Then the view is an earlier state of the
//!   same document, which every appended change only extends, and it is published as older
//!   ([`DocState::loading_older`]) so that the page says the newest changes are still
//!   loading. A compaction, a cut-off torn entry or a quarantine changes the files the view
//!   was saved from, and a view from another release may read the files differently: such a
//!   view is ignored, not an error, and the node starts as it always did.
//! - Only what the actor published after a load is saved, and only while no changes wait for
//!   missing ones (the saved view could not say so); writing happens on a thread of its own,
//!   after the node has been quiet for [`QUIET`] (or at most every [`EVERY`] while it is
//!   busy), and once more when the actor stops.
//! - Nothing here decides what is acknowledged: the files are the document; this is a copy of
//!   what they showed, for reading only.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bureau_model::{Conflict, RecordType, Snapshot, imbl};
use bureau_store::{Files, Store};
use serde::{Deserialize, Serialize};
use tracing::{debug, info, warn};

use crate::DocState;

/// The state key of the saved view (`state/view.bin`).
pub(crate) const KEY: &str = "view";

/// The file's layout; a file of another format is ignored.
const FORMAT: u32 = 1;

/// How long the node stays without a write before its view is saved.
pub(crate) const QUIET: Duration = Duration::from_secs(10);

/// How often a node that is never quiet saves its view anyway.
const EVERY: Duration = Duration::from_secs(300);

/// The first line of the file: what the view belongs to.
#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    release: String,
    position: String,
    heads: Vec<String>,
    author: Option<String>,
}

/// A saved view that belongs to the files being loaded.
pub(crate) struct Saved {
    pub(crate) snapshot: Snapshot,
    pub(crate) conflicts: imbl::OrdMap<(RecordType, String), Arc<Vec<Conflict>>>,
    pub(crate) conflict_count: usize,
    pub(crate) heads: Vec<String>,
    pub(crate) author: Option<String>,
    /// The files hold log entries written after the view was saved.
    pub(crate) older: bool,
}

fn release() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The file's bytes: the header, the conflicts and the records, one JSON value per line.
pub(crate) fn encode(state: &DocState, position: &str) -> Vec<u8> {
    let header = Header {
        format: FORMAT,
        release: release(),
        position: position.to_owned(),
        heads: state.heads.clone(),
        author: state.author.clone(),
    };
    let mut out = serde_json::to_vec(&header).expect("a header serialises");
    out.push(b'\n');
    serde_json::to_writer(&mut out, state.conflicts.all()).expect("conflicts serialise");
    out.push(b'\n');
    out.extend_from_slice(&bureau_model::to_saved(&state.snapshot));
    out
}

/// Reads a saved view; `Ok(None)` when it belongs to other files or another release, an
/// error when it cannot be read at all.
pub(crate) fn decode(bytes: &[u8], position: &str) -> Result<Option<Saved>, String> {
    let mut lines = bytes.splitn(3, |&b| b == b'\n');
    let header: Header = serde_json::from_slice(lines.next().unwrap_or_default())
        .map_err(|e| format!("its header: {e}"))?;
    if header.format != FORMAT || header.release != release() {
        return Ok(None);
    }
    let Some(older) = extends(position, &header.position) else {
        return Ok(None);
    };
    let list: Vec<Conflict> = serde_json::from_slice(lines.next().unwrap_or_default())
        .map_err(|e| format!("its conflicts: {e}"))?;
    let snapshot = bureau_model::from_saved(lines.next().unwrap_or_default())
        .map_err(|e| format!("its records: {e}"))?;
    let conflict_count = list.len();
    let mut conflicts: imbl::OrdMap<(RecordType, String), Arc<Vec<Conflict>>> = imbl::OrdMap::new();
    for c in list {
        let key = (c.ty, c.id.clone());
        let mut part = conflicts
            .get(&key)
            .map(|p| (**p).clone())
            .unwrap_or_default();
        part.push(c);
        conflicts.insert(key, Arc::new(part));
    }
    Ok(Some(Saved {
        snapshot,
        conflicts,
        conflict_count,
        heads: header.heads,
        author: header.author,
        older,
    }))
}

/// Whether the files at position `now` are those at `then` (`Some(false)`), or those with
/// log entries appended after them (`Some(true)`); `None` for any other files.
///
/// A position lists the snapshot generations, then each log entry as `seq:len` in sequence
/// order, and sequence numbers only grow ([`Store::position`]): the files only grew by
/// appended entries exactly when `now` is `then` followed by more entries. Equal snapshots
/// are required, so a compaction (which writes a snapshot and deletes entries), a torn entry
/// cut off or an entry quarantined all fail the test.
pub(crate) fn extends(now: &str, then: &str) -> Option<bool> {
    let rest = now.strip_prefix(then)?;
    if rest.is_empty() {
        return Some(false);
    }
    // `then` must end where an entry ends: "c 5:10" is not a prefix of "c 5:100".
    (rest.starts_with(' ') && then.contains(" c")).then_some(true)
}

/// The saved view for the files `store` has just loaded (or an earlier state of them, see
/// [`extends`]), if there is one.
pub(crate) fn read(store: &Store) -> Option<Saved> {
    let bytes = match store.get_state(KEY) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return None,
        Err(e) => {
            warn!(error = %e, "could not read the saved view; loading without it");
            return None;
        }
    };
    match decode(&bytes, &store.position()) {
        Ok(Some(saved)) if !saved.snapshot.meta.bureau_id.is_empty() => Some(saved),
        Ok(_) => {
            debug!("the saved view is of other files; loading without it");
            None
        }
        Err(e) => {
            warn!(error = %e, "the saved view could not be read; loading without it");
            None
        }
    }
}

/// What the actor knows of the store's files at one moment: it moves on every write and every
/// compaction, and costs nothing to take, so the actor compares it after every batch and
/// builds the full position only when a view is to be saved.
pub(crate) type Mark = (usize, u64, u64);

/// A view to save: the published state and the store's position it shows.
type Job = (Arc<DocState>, String);

/// Decides when the actor's view is saved, and saves it on a thread of its own.
pub(crate) struct Keeper {
    files: Files,
    release: Option<fn()>,
    writer: Option<(std::sync::mpsc::Sender<Job>, std::thread::JoinHandle<()>)>,
    /// The files' mark when the view was last handed to the writer (or found matching at
    /// start).
    saved: Option<Mark>,
    /// The files' mark last seen, and when it was first seen.
    seen: Option<(Mark, Instant)>,
    /// Since when the files have held something the saved view does not.
    dirty_since: Option<Instant>,
}

impl Keeper {
    /// `saved` is the files' mark when the view on disk matched them at start.
    /// `release` hands freed memory back to the system (the binary's allocator hook): the
    /// writer calls it after each save, whose encoding allocated about the view's size.
    pub(crate) fn new(files: Files, saved: Option<Mark>, release: Option<fn()>) -> Keeper {
        Keeper {
            files,
            release,
            writer: None,
            saved,
            seen: None,
            dirty_since: None,
        }
    }

    /// Whether the view on disk (or the one handed to the writer) is of these files.
    pub(crate) fn is_saved(&self, mark: Mark) -> bool {
        self.saved == Some(mark)
    }

    /// Whether the view should be saved now, given the files' mark.
    pub(crate) fn due(&mut self, mark: Mark, now: Instant) -> bool {
        if self.saved == Some(mark) {
            self.seen = Some((mark, now));
            self.dirty_since = None;
            return false;
        }
        let since = match self.seen {
            Some((seen, at)) if seen == mark => at,
            _ => {
                self.seen = Some((mark, now));
                now
            }
        };
        let dirty = *self.dirty_since.get_or_insert(now);
        now.duration_since(since) >= QUIET || now.duration_since(dirty) >= EVERY
    }

    /// Hands the published `state` to the writer, under the store's `position`.
    pub(crate) fn save(&mut self, state: Arc<DocState>, position: String, mark: Mark) {
        self.saved = Some(mark);
        self.dirty_since = None;
        if self.writer.is_none() {
            let (tx, rx) = std::sync::mpsc::channel::<Job>();
            let files = self.files.clone();
            let release = self.release;
            let spawned = std::thread::Builder::new()
                .name("bureau-view".to_owned())
                .spawn(move || {
                    while let Ok(mut job) = rx.recv() {
                        // Only the newest view matters.
                        while let Ok(newer) = rx.try_recv() {
                            job = newer;
                        }
                        let started = Instant::now();
                        let bytes = encode(&job.0, &job.1);
                        match files.put_state(KEY, &bytes) {
                            Ok(()) => debug!(
                                bytes = bytes.len(),
                                ms = started.elapsed().as_millis(),
                                "view saved"
                            ),
                            Err(e) => warn!(error = %e, "could not save the view"),
                        }
                        drop((job, bytes));
                        if let Some(release) = release {
                            release();
                        }
                    }
                });
            match spawned {
                Ok(thread) => self.writer = Some((tx, thread)),
                Err(e) => {
                    warn!(error = %e, "cannot start the thread that saves the view");
                    return;
                }
            }
        }
        if let Some((tx, _)) = &self.writer
            && tx.send((state, position)).is_err()
        {
            // The writer ended (it panicked): noticed here, and a new one starts next time.
            self.finish();
        }
    }

    /// Waits for the writer to finish what it was given.
    pub(crate) fn finish(&mut self) {
        if let Some((tx, thread)) = self.writer.take() {
            drop(tx);
            if thread.join().is_err() {
                warn!("the thread that saves the view panicked");
            }
        }
    }
}

/// Says at start that a saved view is shown.
pub(crate) fn log_shown(saved: &Saved, ms: u128) {
    info!(
        records = saved.snapshot.members.len()
            + saved.snapshot.meetings.len()
            + saved.snapshot.notes.len(),
        older = saved.older,
        ms,
        "showing the saved view until the document has loaded"
    );
}

#[cfg(test)]
mod tests {
    use super::extends;

    /// Only files that grew by entries after the saved ones count as an earlier state.
    #[test]
    fn files_extend_a_position_only_by_appended_entries() {
        assert_eq!(extends("s 1 c 4:10", "s 1 c 4:10"), Some(false));
        assert_eq!(extends("s 1 c 4:10 5:7", "s 1 c 4:10"), Some(true));
        assert_eq!(extends("s 1 c 4:10", "s 1 c"), Some(true));
        // An entry that grew or shrank is another file, not an appended one.
        assert_eq!(extends("s 1 c 4:100", "s 1 c 4:10"), None);
        assert_eq!(extends("s 1 c 4:1", "s 1 c 4:10"), None);
        // Another snapshot (a compaction), a lost entry, a garbled header.
        assert_eq!(extends("s 2 c 9:5", "s 1 c 4:10"), None);
        assert_eq!(extends("s 1 12 c", "s 1 c"), None);
        assert_eq!(extends("s 1 c 5:7", "s 1 c 4:10 5:7"), None);
        assert_eq!(extends("s 1 2 c", "s 1"), None);
        assert_eq!(extends("s 1 c", ""), None);
    }
}
