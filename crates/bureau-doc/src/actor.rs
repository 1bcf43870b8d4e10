//! The actor loop: one thread, one document, one store.
//!
//! Inbox: [`DocCommand`]s from every [`DocHandle`]. States: loading (files read one by one,
//! bad ones quarantined), then serving until every handle is gone. Each turn of the loop takes
//! one command plus whatever else is already queued (up to [`MAX_BATCH`]) and handles them as
//! one batch sharing one fsync.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use automerge::sync::{self, SyncDoc};
use automerge::{AutoCommit, ChangeHash, ObjType, ReadDoc, Value, ValueRef};
use bureau_model::automerge;
use bureau_model::guard::guarded;
use bureau_model::{
    Applied, Conflict, Ctx, Edit, EditError, FindingsIndex, RecordType, Role, Snapshot,
    author_member_id, conflicts, imbl, record_conflicts,
};
use bureau_store::{Store, StoreError};
use jiff::Timestamp;
use tokio::sync::{mpsc, oneshot, watch};
use tracing::{debug, error, info, warn};

use crate::compaction::Compactor;
use crate::replica::{Read, Replica};
use crate::{
    COMMAND_QUEUE, ConflictSet, DocCommand, DocConfig, DocError, DocHandle, DocState, SyncProgress,
};

/// Chunks accumulated before compacting into a snapshot, however small they are. Start-up
/// loads all chunks in one automerge call (243 chunks: 0.4 s on a 2,000-member bureau, where
/// loading them one by one took seconds); compacting rewrites the whole document, so it
/// should not happen every few edits.
pub const DEFAULT_COMPACT_CHUNKS: usize = 1024;

/// Below [`DEFAULT_COMPACT_CHUNKS`], the chunks are compacted once their bytes reach this
/// fraction (1/N) of the snapshot's. A compaction costs time in proportion to the document,
/// so triggering it on bytes in proportion to the document keeps its cost per edit the same
/// for a small bureau and a large one (with a fixed count, a large bureau spent more on
/// compacting than on the edits themselves).
const COMPACT_FRACTION: u64 = 4;

/// Fewest chunks worth a compaction: a tiny bureau is not rewritten every few edits.
const MIN_COMPACT_CHUNKS: usize = 64;

/// Most commands handled in one batch; bounds the latency added to the first of them.
const MAX_BATCH: usize = 64;

/// Beyond this many touched records a batch is treated as "everything changed": one full
/// read is cheaper than thousands of record refreshes.
const FULL_REFRESH_RECORDS: usize = 2_000;

/// How often time-dependent findings (overdue reviews and actions) are recomputed without a
/// change. They move by the day, so a minute is plenty.
const TICK: std::time::Duration = std::time::Duration::from_secs(60);

/// How often a running session's sync state is saved while it advances. Saved only at the
/// session's end, a kill -9 lost it, and the reconnect after the crash started from the
/// previous session's state (everything since then sent again). A save is one small
/// durable write; at most one per peer per interval keeps it off the path of every edit.
const SYNC_STATE_SAVE_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

struct Actor {
    /// The document: only this thread ever touches it.
    doc: AutoCommit,
    /// The files on disk.
    store: Store,
    config: DocConfig,
    /// Heads whose changes are all on disk; the next chunk holds everything after them.
    persisted: Vec<ChangeHash>,
    /// Highest chunk sequence number written or loaded; what a compaction covers.
    last_seq: u64,
    /// Typed view of the document, refreshed per touched record.
    view: View,
    /// Member id this node writes as.
    author: Option<String>,
    quarantined: Vec<String>,
    /// Changes waiting for dependencies no file held, by file (see [`DamageTrack`]).
    damage: DamageTrack,
    version: u64,
    /// Automerge sync state per connected peer (by peer id).
    sync_states: HashMap<String, sync::State>,
    /// Peers whose sync state advanced since it was last saved, with when it was last saved
    /// (or, if not yet in this session, when it first advanced).
    sync_dirty: HashMap<String, std::time::Instant>,
    /// When each peer's sync state was last saved while its session ran.
    sync_saved: HashMap<String, std::time::Instant>,
    /// The bytes between two heads (`persisted` then, the document's then) as last serialised
    /// while probing a received message: the next chunk, unless either moved since.
    probed: Option<(Vec<ChangeHash>, Vec<ChangeHash>, Vec<u8>)>,
    state_tx: watch::Sender<Arc<DocState>>,
    /// Bytes of changes written since memory was last handed back to the system.
    written_since_release: usize,
    /// Live sessions' outboxes, by peer id (see [`crate::Outbox`]).
    outboxes: HashMap<String, std::sync::Weak<crate::Outbox>>,
    /// The copy of the document that whole-document reads (history, full saves) run on, off
    /// this thread.
    replica: Replica,
}

pub(crate) async fn spawn(
    store: Store,
    config: DocConfig,
) -> Result<(DocHandle, std::thread::JoinHandle<()>), DocError> {
    let (tx, rx) = mpsc::channel(COMMAND_QUEUE);
    let (ready_tx, ready_rx) = oneshot::channel();
    // Weak: how background compactions ring the actor without keeping it alive.
    let wake = tx.downgrade();
    let thread = std::thread::Builder::new()
        .name("bureau-doc".to_owned())
        .spawn(move || match Actor::load(store, config) {
            Ok((actor, state_rx)) => {
                let _ = ready_tx.send(Ok(state_rx));
                actor.run(rx, wake);
            }
            Err(e) => {
                let _ = ready_tx.send(Err(e));
            }
        })
        .map_err(|e| DocError::Storage(format!("cannot start the document thread: {e}")))?;
    let state = ready_rx.await.map_err(|_| DocError::Closed)??;
    // The ticker holds only a weak sender, so it never keeps the actor alive on its own.
    let weak = tx.downgrade();
    tokio::spawn(async move {
        let mut since_tick = std::time::Duration::ZERO;
        loop {
            tokio::time::sleep(SYNC_STATE_SAVE_EVERY).await;
            since_tick += SYNC_STATE_SAVE_EVERY;
            let Some(tx) = weak.upgrade() else { break };
            if tx.send(DocCommand::SaveSyncStates).await.is_err() {
                break;
            }
            if since_tick >= TICK {
                since_tick = std::time::Duration::ZERO;
                if tx.send(DocCommand::Tick).await.is_err() {
                    break;
                }
            }
        }
    });
    Ok((DocHandle { tx, state }, thread))
}

fn storage_error(e: StoreError) -> DocError {
    match e {
        StoreError::Full => DocError::DiskFull,
        other => DocError::Storage(other.to_string()),
    }
}

/// A failure to read the files at start (or at a reload): which file, and why.
pub(crate) fn load_error(e: StoreError) -> DocError {
    match e {
        StoreError::Full => DocError::DiskFull,
        other => {
            let mut text = other.to_string();
            let mut source = std::error::Error::source(&other);
            while let Some(cause) = source {
                text.push_str(": ");
                text.push_str(&cause.to_string());
                source = cause.source();
            }
            DocError::Load(text)
        }
    }
}

/// A write waiting for the batch to be durable before its reply is sent.
enum Pending {
    Edit(
        oneshot::Sender<Result<Applied, DocError>>,
        Result<Applied, DocError>,
    ),
    Sync(
        oneshot::Sender<Result<SyncProgress, DocError>>,
        String,
        Result<(), DocError>,
    ),
}

impl Pending {
    /// Turns a success into the storage failure that undid it.
    fn fail(&mut self, e: &DocError) {
        let err = || match e {
            DocError::DiskFull => DocError::DiskFull,
            other => DocError::Storage(other.to_string()),
        };
        match self {
            Pending::Edit(_, res) if res.is_ok() => *res = Err(err()),
            Pending::Sync(_, _, res) if res.is_ok() => *res = Err(err()),
            _ => {}
        }
    }
}

/// Store key of a peer's saved sync state.
fn state_key(peer: &str) -> String {
    format!("sync-{peer}")
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
struct LoadedDoc {
    doc: AutoCommit,
    /// The highest chunk sequence number among the files used.
    last_seq: u64,
    /// How many files were used.
    files: usize,
    /// The chunks holding changes that could not apply (see [`DamageTrack`]).
    damaged: DamageTrack,
}

/// Reads the store's files into a document, quarantining each file automerge refuses.
///
/// Every snapshot generation is read, not only the newest: normally each holds everything the
/// one before it did and costs nothing more than a look at its heads, but when the newest is
/// gone or renamed, an older one (or one with an older name) holds what the chunks after it
/// build on. The newest that loads is the base and the others are merged into it. Chunks are
/// then applied. Changes whose dependencies no file holds are left in automerge's queue: they
/// are damage, reported with the files that hold them ([`DamageTrack`]), never compacted away.
fn load_files(store: &mut Store, check: Option<crate::CheckStored>) -> Result<LoadedDoc, DocError> {
    let mut loaded = store.load().map_err(load_error)?;
    let quarantine = |store: &mut Store, name: &str, reason: &str| {
        warn!(file = %name, %reason, "quarantining a document file");
        if let Err(e) = store.quarantine(name, reason) {
            error!(?e, file = %name, "could not quarantine a bad file");
        }
    };
    // Before automerge sees any of it: bytes that would make it work without end are refused
    // (see `DocConfig::check_stored`).
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
    // its indexes once per call, so 256 chunks one by one cost seconds on a large bureau
    // where one call costs a fraction of that. Files that do not parse are quarantined here;
    // if the batch still fails, the slow path below finds the culprit file by file.
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
    let Some(heads) = automerge::Automerge::saved_heads(bytes) else {
        return Err("automerge refused it: not a saved document".to_owned());
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

    fn is_empty(&self) -> bool {
        self.waiting == 0
    }

    fn names(&self) -> Vec<String> {
        self.files.iter().map(|(name, _)| name.clone()).collect()
    }

    /// Brings the report up to `doc` after changes arrived: files whose changes all applied
    /// drop out. Returns the damage left, if any.
    fn update(&mut self, doc: &AutoCommit) -> Option<crate::Damage> {
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

/// A new random record id: 64 bits, hex. Collisions between offline nodes are what random
/// ids are for; 2^-32 odds at four billion records is plenty for a bureau.
fn random_id() -> String {
    let mut buf = [0u8; 8];
    getrandom::fill(&mut buf).expect("the operating system's random source is available");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

impl Actor {
    fn load(
        mut store: Store,
        config: DocConfig,
    ) -> Result<(Actor, watch::Receiver<Arc<DocState>>), DocError> {
        let started = std::time::Instant::now();
        let LoadedDoc {
            mut doc,
            last_seq,
            files,
            damaged,
        } = load_files(&mut store, config.check_stored)?;
        let quarantined = store.quarantined().unwrap_or_default();
        let persisted = doc.get_heads();
        let loaded = started.elapsed();
        let view = read_all(&doc, Timestamp::now());
        info!(
            records = view.snapshot.members.len()
                + view.snapshot.meetings.len()
                + view.snapshot.notes.len(),
            files,
            quarantined = quarantined.len(),
            load_ms = loaded.as_millis(),
            read_ms = (started.elapsed() - loaded).as_millis(),
            "document loaded"
        );
        let (state_tx, state_rx) = watch::channel(Arc::new(DocState::default()));
        let mut actor = Actor {
            doc,
            store,
            config,
            persisted,
            last_seq,
            view,
            author: None,
            quarantined,
            damage: damaged,
            version: 0,
            sync_states: HashMap::new(),
            sync_dirty: HashMap::new(),
            sync_saved: HashMap::new(),
            probed: None,
            state_tx,
            written_since_release: 0,
            outboxes: HashMap::new(),
            replica: Replica::new(),
        };
        actor.adopt_author();
        actor.publish(None);
        // Loading freed as much as the document holds; the node starts without it.
        actor.release_memory();
        Ok((actor, state_rx))
    }

    fn run(mut self, mut rx: mpsc::Receiver<DocCommand>, wake: mpsc::WeakSender<DocCommand>) {
        let mut compactor = Compactor::new(wake, &self.config);
        while let Some(first) = rx.blocking_recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(cmd) => batch.push(cmd),
                    Err(_) => break,
                }
            }
            self.handle_batch(batch);
            self.save_due_sync_states(false);
            self.maybe_compact(&mut compactor);
            if self.written_since_release >= crate::RELEASE_AFTER_BYTES {
                self.release_memory();
            }
        }
        debug!("every document handle is gone; the actor stops");
        compactor.stop(&mut self.store);
    }

    fn handle_batch(&mut self, batch: Vec<DocCommand>) {
        let started = std::time::Instant::now();
        let commands = batch.len();
        let before = self.doc.get_heads();
        // Writes (edits and received sync messages) are applied in order; their replies wait
        // until the batch is durable. Reads and outgoing sync messages are served after that,
        // so nothing this node sends or shows is lost by a crash.
        let mut writes = Vec::new();
        let mut reads = Vec::new();
        // Writes from this index on are not on disk yet; `base` is the heads they start from.
        let mut unflushed = 0;
        let mut base = before.clone();
        for cmd in batch {
            match cmd {
                DocCommand::Edit { edit, reply } => {
                    let res = self.apply(&edit);
                    writes.push(Pending::Edit(reply, res));
                }
                DocCommand::SyncReceive { peer, msg, reply } => {
                    // A peer's message may make automerge panic, after which the document is
                    // reloaded from disk: what came before it must be on disk first, or an
                    // acknowledged edit would vanish with the reload.
                    self.flush(&mut writes[unflushed..], &base, None);
                    unflushed = writes.len();
                    base = self.doc.get_heads();
                    let res = self.receive(&peer, msg);
                    writes.push(Pending::Sync(reply, peer, res));
                }
                other => reads.push(other),
            }
        }
        let applied = started.elapsed();
        // The view catches up with the batch while the disk syncs its last chunk: for one
        // edit both take about a millisecond on a large bureau, and nothing of the new view
        // is shown before the chunk is durable.
        let now = Timestamp::now();
        let refreshed = self.flush(&mut writes[unflushed..], &base, Some((&before, now)));
        let flushed = started.elapsed();
        if self.doc.get_heads() != before {
            // Peers get the new changes first; publishing the view can wait that long.
            self.fill_outboxes();
            if !refreshed {
                self.view.refresh(&mut self.doc, &before, now);
            }
            self.adopt_author();
            self.send_state();
            debug!(
                commands,
                refreshed_while_syncing = refreshed,
                apply_us = applied.as_micros() as u64,
                flush_us = (flushed - applied).as_micros() as u64,
                publish_us = (started.elapsed() - flushed).as_micros() as u64,
                "batch written"
            );
        }
        let our_heads: Vec<String> = self.doc.get_heads().iter().map(|h| h.to_string()).collect();
        for w in writes {
            match w {
                Pending::Edit(reply, res) => {
                    let _ = reply.send(res);
                }
                Pending::Sync(reply, peer, res) => {
                    let res = res.map(|()| SyncProgress {
                        their_heads: self
                            .sync_states
                            .get(&peer)
                            .and_then(|s| s.their_heads.clone())
                            .unwrap_or_default()
                            .iter()
                            .map(|h| h.to_string())
                            .collect(),
                        our_heads: our_heads.clone(),
                    });
                    let _ = reply.send(res);
                }
            }
        }
        for cmd in reads {
            match cmd {
                DocCommand::Edit { .. } | DocCommand::SyncReceive { .. } => {
                    unreachable!("writes were taken out above")
                }
                DocCommand::Save { reply } => {
                    self.replica.read(&mut self.doc, Read::Save { reply });
                }
                DocCommand::History { ty, id, reply } => {
                    self.replica
                        .read(&mut self.doc, Read::History { ty, id, reply });
                }
                #[cfg(test)]
                DocCommand::HoldReader(release) => {
                    self.replica.read(&mut self.doc, Read::Hold(release));
                }
                DocCommand::Tick => {
                    self.publish(None);
                    self.replica.drop_if_idle(crate::replica::IDLE);
                }
                #[cfg(test)]
                DocCommand::DropReader => self.replica.drop_if_idle(std::time::Duration::ZERO),
                DocCommand::SaveSyncStates => self.save_due_sync_states(true),
                DocCommand::SyncGenerate { peer, reply } => {
                    let _ = reply.send(self.generate(&peer));
                }
                DocCommand::SyncGone { peer } => {
                    // Not `remove(peer)`: a new session with the same peer may already have
                    // put its outbox here. The ended session's outbox is dropped by now.
                    self.outboxes.retain(|_, o| o.strong_count() > 0);
                    // If one has, the state in memory is that session's: leave it.
                    if !self.outboxes.contains_key(&peer) {
                        self.save_sync_state(&peer);
                    }
                }
                DocCommand::SyncOutbox { peer, outbox } => {
                    // A new session starts from the saved state, as after any reconnection.
                    // The previous session's state may still be here (a peer that reconnects
                    // at once replaces a session before it has ended), and with it we would
                    // take what that session sent into the dropped connection as received,
                    // and answer a peer that we believe in sync with nothing at all.
                    self.save_sync_state(&peer);
                    self.outboxes.insert(peer, outbox);
                }
                // Only a wake-up: `run` commits the compaction after the batch.
                DocCommand::Compacted => {}
            }
        }
    }

    /// Makes every change since `base` durable; if that fails, drops them from memory and
    /// turns the successes among `writes` (the commands that made them) into the failure.
    ///
    /// With `refresh`, the view is brought up to the document (from those heads, at that
    /// time) while the disk syncs; returns whether it was. It is not when there was nothing
    /// to write, nor when the write failed: the view, which had taken in the undone changes,
    /// is then read anew from the document.
    fn flush(
        &mut self,
        writes: &mut [Pending],
        base: &[ChangeHash],
        refresh: Option<(&[ChangeHash], Timestamp)>,
    ) -> bool {
        if self.doc.get_heads() == base {
            return false;
        }
        let res = self.persist_while(|doc, view| {
            if let Some((before, now)) = refresh {
                view.refresh(doc, before, now);
            }
        });
        match res {
            Ok(ran) => ran && refresh.is_some(),
            Err(e) => {
                error!(error = %e, "could not make changes durable; they were undone");
                self.undo_to(base);
                if refresh.is_some() {
                    self.read_all(Timestamp::now());
                }
                // Peers' states may now believe we hold changes we dropped; start afresh.
                self.sync_states.clear();
                for w in writes.iter_mut() {
                    w.fail(&e);
                }
                false
            }
        }
    }

    /// The role of a peer in the bureau, or an error if it is not an unrevoked device.
    ///
    /// A node whose document holds no bureau yet (it is joining) has no devices map to check
    /// and nothing to protect: it syncs with whichever peer the caller hands it (the network
    /// layer only does so with the inviter, after a successful join), and learns the allow-list
    /// from what it receives.
    fn peer_role(&self, peer: &str) -> Result<Role, DocError> {
        if peer != self.config.peer_id && self.view.snapshot.meta.bureau_id.is_empty() {
            return Ok(Role::Editor);
        }
        match self.view.snapshot.devices.get(peer) {
            Some(d) if !d.revoked && peer != self.config.peer_id => Ok(d.role),
            _ => Err(DocError::PeerNotAllowed(peer.to_owned())),
        }
    }

    /// The sync state of a peer: in memory, else the one saved at its last disconnect, else
    /// new. Observers get a read-only state: their changes are never applied.
    fn sync_state(&mut self, peer: &str, role: Role) -> &mut sync::State {
        if !self.sync_states.contains_key(peer) {
            let saved = self
                .store
                .get_state(&state_key(peer))
                .ok()
                .flatten()
                .and_then(|b| sync::State::decode(&b).ok())
                // A saved state claims changes both sides hold. If this document lacks one
                // (its files were damaged, or it is being recovered from nothing), the peer
                // would never send it again: start that peer's state afresh instead.
                .filter(|st| {
                    st.shared_heads
                        .iter()
                        .all(|h| self.doc.get_change_by_hash(h).is_some())
                })
                .unwrap_or_default();
            self.sync_states.insert(peer.to_owned(), saved);
        }
        let state = self.sync_states.get_mut(peer).expect("inserted above");
        state.set_read_only(role == Role::Observer);
        state
    }

    /// Generates the next message for every live session whose outbox is empty.
    ///
    /// Runs before the batch's changes are published. The view usually has the batch's roles
    /// (it was refreshed during the write), but not when the batch's last chunk had been
    /// written before a received message: then they are a batch old, so a device revoked by
    /// this very batch is checked in the document itself, and gets nothing.
    fn fill_outboxes(&mut self) {
        self.outboxes.retain(|_, o| o.strong_count() > 0);
        let live: Vec<(String, Arc<crate::Outbox>)> = self
            .outboxes
            .iter()
            .filter_map(|(peer, o)| Some((peer.clone(), o.upgrade()?)))
            .collect();
        for (peer, outbox) in live {
            if outbox.is_full() {
                outbox
                    .missed
                    .store(true, std::sync::atomic::Ordering::SeqCst);
                continue;
            }
            if revoked_in(&self.doc, &peer) {
                continue;
            }
            if let Ok(Some(msg)) = self.generate(&peer) {
                outbox.put(msg);
            }
        }
    }

    fn generate(&mut self, peer: &str) -> Result<Option<Vec<u8>>, DocError> {
        let role = self.peer_role(peer)?;
        let mut state = std::mem::take(self.sync_state(peer, role));
        let msg = self.doc.sync().generate_sync_message(&mut state);
        self.sync_states.insert(peer.to_owned(), state);
        Ok(msg.map(sync::Message::encode))
    }

    fn receive(&mut self, peer: &str, msg: sync::Message) -> Result<(), DocError> {
        let role = self.peer_role(peer)?;
        let mut state = std::mem::take(self.sync_state(peer, role));
        let announced = state.last_sent_heads.clone();
        // Changes the peer asks for did not reach it, whatever the state says was sent (a
        // message into a connection that dropped): they are sent again.
        let need = msg.need.clone();
        let res = guarded(|| {
            crate::receive::receive(&mut self.doc, &mut state, msg)?;
            state.sent_hashes.retain(|h| !need.contains(h));
            // A change-less message whose heads equal ours makes automerge record our heads
            // as sent, so it never answers. But we may have reached those heads through
            // another peer after our last message to this one, which then never learns that
            // we hold its heads and shows us out of sync for good. Keep what we really
            // announced, so the next message tells it (automerge's own reset to empty heads,
            // for a peer that lost its data, is left alone).
            if !state.last_sent_heads.is_empty() && state.last_sent_heads != announced {
                state.last_sent_heads = announced;
            }
            // automerge 0.12 accepts some mutated changes (valid checksum) that it then cannot
            // serialise: `save_after` panics with `MissingDep` in `collector.rs`. Found here,
            // the panic takes the reload path below; found in `persist`, it would kill the
            // actor thread and every later request would fail with `Closed`.
            let bytes = self.doc.save_after(&self.persisted);
            self.probed = Some((self.persisted.clone(), self.doc.get_heads(), bytes));
            Ok::<(), automerge::AutomergeError>(())
        });
        match res {
            Ok(Ok(())) => {
                self.sync_states.insert(peer.to_owned(), state);
                let since = self
                    .sync_saved
                    .get(peer)
                    .copied()
                    .unwrap_or_else(std::time::Instant::now);
                self.sync_dirty.entry(peer.to_owned()).or_insert(since);
                Ok(())
            }
            Ok(Err(e)) => {
                // automerge refused the message as a whole; the document is unchanged.
                self.sync_states.remove(peer);
                Err(DocError::PeerData {
                    peer: peer.to_owned(),
                    reason: e.to_string(),
                })
            }
            Err(failure) => {
                // A panic inside automerge may have left the document half-changed: drop it
                // and reload what is on disk (every acknowledged change is there).
                warn!(%peer, %failure, "a peer sent a change that could not be applied; reloading the document from disk");
                self.sync_states.remove(peer);
                self.reload();
                Err(DocError::PeerData {
                    peer: peer.to_owned(),
                    reason: "the message made automerge fail; the document was reloaded from disk"
                        .to_owned(),
                })
            }
        }
    }

    /// Saves the sync states that advanced at least [`SYNC_STATE_SAVE_EVERY`] after their
    /// last save (or after they first advanced), so never right on the heels of the message
    /// that advanced them: the session's answer goes first. The periodic call (`all`) saves
    /// every advanced one, so the last messages of a burst are saved within two intervals.
    /// Only while every change in memory is on disk: a saved state claims the changes both
    /// sides have, and a claim of a change a crash could still lose would keep the peer from
    /// ever sending it again.
    fn save_due_sync_states(&mut self, all: bool) {
        if self.sync_dirty.is_empty() || self.doc.get_heads() != self.persisted {
            return;
        }
        let now = std::time::Instant::now();
        let due: Vec<String> = self
            .sync_dirty
            .iter()
            .filter(|(_, since)| all || now.duration_since(**since) >= SYNC_STATE_SAVE_EVERY)
            .map(|(p, _)| p.clone())
            .collect();
        for peer in due {
            self.sync_dirty.remove(&peer);
            let Some(state) = self.sync_states.get(&peer) else {
                continue;
            };
            if let Err(e) = self.store.put_state(&state_key(&peer), &state.encode()) {
                warn!(%peer, error = %e, "could not save a peer's sync state");
            }
            self.sync_saved.insert(peer, now);
        }
    }

    fn save_sync_state(&mut self, peer: &str) {
        self.sync_dirty.remove(peer);
        self.sync_saved.remove(peer);
        if let Some(state) = self.sync_states.remove(peer)
            && let Err(e) = self.store.put_state(&state_key(peer), &state.encode())
        {
            warn!(%peer, error = %e, "could not save a peer's sync state");
        }
    }

    /// Replaces the in-memory document with what is on disk.
    fn reload(&mut self) {
        let doc = match load_files(&mut self.store, self.config.check_stored) {
            Ok(loaded) => {
                self.damage = loaded.damaged;
                loaded.doc
            }
            Err(e) => {
                error!(error = %e, "could not reread the document files");
                return;
            }
        };
        self.quarantined = self.store.quarantined().unwrap_or_default();
        self.doc = doc;
        self.persisted = self.doc.get_heads();
        if let Some(author) = self.author.take() {
            self.set_author(author);
        }
        self.sync_states.clear();
        self.read_all(Timestamp::now());
        self.publish(None);
        self.release_memory();
    }

    fn apply(&mut self, edit: &Edit) -> Result<Applied, DocError> {
        if let Edit::Init(init) = edit {
            self.set_author(init.founder_id.clone());
        } else {
            self.check_may_edit()?;
        }
        let author = self.author.clone().unwrap_or_default();
        let mut new_id = random_id;
        let mut ctx = Ctx {
            now: Timestamp::now(),
            author: &author,
            new_id: &mut new_id,
        };
        // The model expects no panic, but one must not take the whole node down: the open
        // transaction is rolled back and only this edit fails.
        match catch_unwind(AssertUnwindSafe(|| {
            bureau_model::apply(&mut self.doc, edit, &mut ctx)
        })) {
            Ok(res) => Ok(res?),
            Err(_) => {
                self.doc.rollback();
                error!(?edit, "applying an edit panicked; it was rolled back");
                Err(DocError::Edit(EditError::Invalid {
                    field: "edit".to_owned(),
                    message: "the edit could not be applied".to_owned(),
                }))
            }
        }
    }

    /// Only an unrevoked editor device of a member may write.
    fn check_may_edit(&self) -> Result<(), DocError> {
        if self.view.snapshot.meta.bureau_id.is_empty() {
            return Err(DocError::Edit(EditError::NoBureau));
        }
        match self.view.snapshot.devices.get(&self.config.peer_id) {
            Some(d) if !d.revoked && d.role == Role::Observer => Err(DocError::Observer),
            Some(d) if !d.revoked && self.author.is_some() => Ok(()),
            _ => Err(DocError::NotMember),
        }
    }

    fn set_author(&mut self, member_id: String) {
        if self.author.as_deref() != Some(member_id.as_str()) {
            // automerge gives the document a fresh actor id with a new author; a fresh actor
            // per run also means a crash can never make us reuse a sequence number.
            self.doc
                .set_author(Some(automerge::Author::from(member_id.as_bytes().to_vec())));
            self.author = Some(member_id);
        }
    }

    /// Takes the author from this device's record, once the document has one.
    fn adopt_author(&mut self) {
        if let Some(dev) = self.view.snapshot.devices.get(&self.config.peer_id)
            && !dev.member_id.is_empty()
        {
            self.set_author(dev.member_id.clone());
        }
    }

    /// Writes every change after `persisted` as one durable chunk, running `meanwhile` while
    /// the disk syncs it (see [`bureau_store::Store::append_while`]); returns whether there
    /// was a chunk to write, and so whether `meanwhile` ran. On an error it did.
    fn persist_while(
        &mut self,
        meanwhile: impl FnOnce(&mut AutoCommit, &mut View),
    ) -> Result<bool, DocError> {
        let heads = self.doc.get_heads();
        // A received message was already serialised when it was probed; doing it again costs
        // tens of milliseconds for a thousand changes.
        let bytes = match self.probed.take() {
            Some((from, to, bytes)) if from == self.persisted && to == heads => bytes,
            _ => self.doc.save_after(&self.persisted),
        };
        if bytes.is_empty() {
            self.persisted = heads;
            return Ok(false);
        }
        let (doc, view) = (&mut self.doc, &mut self.view);
        let (res, ()) = self.store.append_while(&bytes, || meanwhile(doc, view));
        let seq = res.map_err(storage_error)?;
        self.last_seq = self.last_seq.max(seq);
        self.persisted = heads;
        self.written_since_release += bytes.len();
        Ok(true)
    }

    /// Hands freed memory back to the system (see [`DocConfig::release_memory`]).
    fn release_memory(&mut self) {
        self.written_since_release = 0;
        if let Some(release) = self.config.release_memory {
            let started = std::time::Instant::now();
            release();
            debug!(
                us = started.elapsed().as_micros() as u64,
                "freed memory handed back"
            );
        }
    }

    /// Drops every change after `heads` from memory (they never reached the disk).
    fn undo_to(&mut self, heads: &[ChangeHash]) {
        match self.doc.fork_at(heads) {
            Ok(doc) => {
                self.doc = doc;
                if let Some(author) = self.author.take() {
                    self.set_author(author);
                }
            }
            Err(e) => error!(?e, "could not undo unwritten changes in memory"),
        }
    }

    /// Commits a background compaction that has ended, then starts the next one if enough
    /// chunks have accumulated. Both take the actor microseconds; saving, verifying and
    /// deleting happen on the compaction thread, from the files (see the `compaction`
    /// module).
    fn maybe_compact(&mut self, compactor: &mut Compactor) {
        compactor.finish(&mut self.store);
        if !self.damage.is_empty() {
            // The document lacks changes some files hold: a compaction would write it as it
            // is and delete those files. The compaction child checks this again, from the
            // files themselves.
            return;
        }
        let chunks = self.store.chunk_count();
        let due = chunks >= self.config.compact_chunks
            || (chunks >= MIN_COMPACT_CHUNKS.min(self.config.compact_chunks)
                && self.store.chunk_bytes() >= self.store.snapshot_bytes() / COMPACT_FRACTION);
        if due {
            // Every chunk up to `last_seq` is on disk, and with the snapshot they hold
            // exactly the `persisted` heads.
            compactor.start(&mut self.store, self.last_seq, &self.persisted);
        }
    }

    /// Reads the whole document again (see [`read_all`]).
    fn read_all(&mut self, now: Timestamp) {
        self.view = read_all(&self.doc, now);
    }

    /// Refreshes the typed view after a change from `before` (or only re-evaluates what
    /// depends on the time when `before` is `None`) and publishes it.
    fn publish(&mut self, before: Option<&[ChangeHash]>) {
        let now = Timestamp::now();
        match before {
            None => self.view.findings.update(&self.view.snapshot, &[], now),
            Some(before) => {
                self.view.refresh(&mut self.doc, before, now);
                self.adopt_author();
            }
        }
        self.send_state();
    }

    /// Publishes the view as it is.
    fn send_state(&mut self) {
        self.version += 1;
        let state = DocState {
            snapshot: Arc::new(self.view.snapshot.clone()),
            findings: self.view.findings.set(),
            conflicts: ConflictSet {
                parts: self.view.conflicts.clone(),
                len: self.view.conflict_count,
                all: Default::default(),
            },
            heads: self.doc.get_heads().iter().map(|h| h.to_string()).collect(),
            peer_id: self.config.peer_id.clone(),
            author: self.author.clone(),
            quarantined: self.quarantined.clone(),
            damage: self.damage.update(&self.doc),
            version: self.version,
        };
        // The previous state is dropped by whichever reader lets go of it last, or here; with
        // shared structure that is only the few nodes this change replaced.
        self.state_tx.send_replace(Arc::new(state));
    }
}

/// Whether the document, as it is now, marks `peer`'s device revoked.
fn revoked_in(doc: &AutoCommit, peer: &str) -> bool {
    let Ok(Some((Value::Object(ObjType::Map), devices))) =
        doc.get(automerge::ROOT, RecordType::Device.collection())
    else {
        return false;
    };
    let Ok(Some((Value::Object(ObjType::Map), device))) = doc.get(&devices, peer) else {
        return false;
    };
    matches!(
        doc.get(&device, "revoked"),
        Ok(Some((Value::Scalar(v), _))) if v.as_bool() == Some(true)
    )
}

/// Everything the actor derives from the whole document.
struct View {
    snapshot: Snapshot,
    findings: FindingsIndex,
    objects: ObjIndex,
    conflicts: imbl::OrdMap<(RecordType, String), Arc<Vec<Conflict>>>,
    conflict_count: usize,
}

impl View {
    /// Brings the view up to the document after the changes since `before`.
    ///
    /// The cost follows the size of the change, not of the bureau: touched records are
    /// re-read, their conflicts and the findings parts they feed recomputed, and the new
    /// state shares everything else with the previous one.
    fn refresh(&mut self, doc: &mut AutoCommit, before: &[ChangeHash], now: Timestamp) {
        // The records to re-read are taken from the new changes' operations: the cost
        // follows the size of the changes. (`diff(before, after)` walks every operation of
        // the document instead: tens of milliseconds per edit on a large bureau.) Reading
        // what the changes wrote also catches a change that only adds one more losing value
        // to a field, which a diff is silent about but the conflicts list must show.
        match written_records(doc, before, &mut self.objects) {
            Some(Written {
                records: touched,
                made,
            }) if touched.len() <= FULL_REFRESH_RECORDS => {
                let t = std::time::Instant::now();
                self.snapshot.refresh(&*doc, &touched);
                self.objects.refresh(&*doc, &made);
                let refreshed = t.elapsed();
                for (ty, id) in &touched {
                    self.set_record_conflicts(doc, *ty, id);
                }
                let conflicted = t.elapsed();
                self.findings.update(&self.snapshot, &touched, now);
                if touched.len() > 1 {
                    debug!(
                        records = touched.len(),
                        refresh_us = refreshed.as_micros() as u64,
                        conflicts_us = (conflicted - refreshed).as_micros() as u64,
                        findings_us = (t.elapsed() - conflicted).as_micros() as u64,
                        "records refreshed"
                    );
                }
            }
            _ => *self = read_all(doc, now),
        }
    }

    fn set_record_conflicts(&mut self, doc: &AutoCommit, ty: RecordType, id: &str) {
        let author_for = |actor: &automerge::ActorId| {
            doc.get_author_for_actor(actor)
                .map(|a| author_member_id(a.as_bytes()))
        };
        let list = record_conflicts(doc, ty, id, &author_for);
        let key = (ty, id.to_owned());
        let old = if list.is_empty() {
            self.conflicts.remove(&key)
        } else {
            let n = list.len();
            self.conflict_count += n;
            self.conflicts.insert(key, Arc::new(list))
        };
        self.conflict_count -= old.map_or(0, |o| o.len());
    }
}

/// Reads every record, finding and conflict of `doc`: at start, after a reload, after a
/// change too large to follow record by record.
///
/// The records read (then the findings) on this thread, the conflicts walk and the object
/// index on a second one: they visit the same fields independently, and together they are
/// most of a large bureau's start-up after automerge's own load.
fn read_all(doc: &AutoCommit, now: Timestamp) -> View {
    let author_for = |actor: &automerge::ActorId| {
        doc.get_author_for_actor(actor)
            .map(|a| author_member_id(a.as_bytes()))
    };
    let (snapshot, (conflicts, conflict_count, objects)) = std::thread::scope(|scope| {
        let walk = scope.spawn(|| {
            let t = std::time::Instant::now();
            let mut map: BTreeMap<(RecordType, String), Vec<Conflict>> = BTreeMap::new();
            for c in conflicts(doc, &author_for) {
                map.entry((c.ty, c.id.clone())).or_default().push(c);
            }
            let count = map.values().map(Vec::len).sum::<usize>();
            let parts: imbl::OrdMap<_, _> =
                map.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
            debug!(ms = t.elapsed().as_millis(), count, "conflicts read");
            let t = std::time::Instant::now();
            let objects = ObjIndex::build(doc);
            debug!(ms = t.elapsed().as_millis(), "objects indexed");
            (parts, count, objects)
        });
        let t = std::time::Instant::now();
        let snapshot = Snapshot::hydrate(doc);
        debug!(ms = t.elapsed().as_millis(), "records read");
        // A panic in the walk is a bug in the model; it must not pass unnoticed.
        let walked = walk
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (snapshot, walked)
    });
    let t = std::time::Instant::now();
    let findings = FindingsIndex::new(&snapshot, now);
    debug!(ms = t.elapsed().as_millis(), "findings computed");
    View {
        snapshot,
        findings,
        objects,
        conflicts,
        conflict_count,
    }
}

/// What the changes after some heads wrote.
struct Written {
    /// The records whose maps (or maps nested in them) they wrote into.
    records: Vec<(RecordType, String)>,
    /// Those of them that got a new object (a new record, a set or text made anew): the
    /// object index reads these again; the others hold no object it does not know.
    made: Vec<(RecordType, String)>,
}

/// What the changes after `before` wrote (see [`Written`]), or `None` if a change wrote at
/// the root other than `meta` (a collection created or replaced), which needs a full read.
/// `meta` is re-read at every refresh anyway.
fn written_records(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    index: &mut ObjIndex,
) -> Option<Written> {
    use automerge::legacy::{Key, ObjectId, OpId, OpType};
    use automerge::{ObjId, Prop};
    // Each object written into, with the keys written (which name records when the object
    // is a collection), and whether an object was made in it.
    let mut objs: BTreeMap<(u64, automerge::ActorId), (Vec<String>, bool)> = BTreeMap::new();
    for change in doc.get_changes(before) {
        for op in change.decode().operations {
            match op.obj {
                ObjectId::Id(OpId(counter, actor)) => {
                    let (keys, made) = objs.entry((counter, actor)).or_default();
                    *made |= matches!(op.action, OpType::Make(_));
                    if let Key::Map(k) = op.key
                        && !keys.iter().any(|x| x == k.as_str())
                    {
                        keys.push(k.to_string());
                    }
                }
                ObjectId::Root => match op.key {
                    Key::Map(k) if k.as_str() == "meta" => {}
                    _ => return None,
                },
            }
        }
    }
    let mut out: Vec<(RecordType, String)> = Vec::new();
    let mut seen: HashSet<(RecordType, String)> = HashSet::new();
    let mut made_in: HashSet<(RecordType, String)> = HashSet::new();
    let mut add = |ty: RecordType, id: String, made: bool| {
        if made {
            made_in.insert((ty, id.clone()));
        }
        if seen.insert((ty, id.clone())) {
            out.push((ty, id));
        }
    };
    for (key, (keys, made)) in objs {
        // Objects the index knows (every record's objects, as of the last read) cost an
        // index lookup; `parents` costs a walk of the document's operations (a quarter of a
        // millisecond each on a large bureau: most of a thousand-change sync).
        let known = index.known(key.0, &key.1);
        if let Some(ty) = known.and_then(|k| index.collections.get(&k)) {
            for id in keys {
                add(*ty, id, made);
            }
            continue;
        }
        if let Some((ty, id)) = known.and_then(|k| index.objects.get(&k)) {
            add(*ty, id.to_string(), made);
            continue;
        }
        // An object the changes just created. The actor index is only a hint; automerge
        // looks the actor up when it is wrong.
        let Ok(parents) = doc.parents(ObjId::Id(key.0, key.1.clone(), 0)) else {
            continue;
        };
        let path = parents.path();
        let Some((_, Prop::Map(coll))) = path.first() else {
            continue;
        };
        let Ok(ty) = RecordType::parse(coll) else {
            continue;
        };
        let key = (key.0, index.intern(&key.1));
        match path.get(1) {
            Some((_, Prop::Map(id))) => {
                index.objects.insert(key, (ty, Arc::from(id.as_str())));
                add(ty, id.clone(), made);
            }
            None => {
                index.collections.insert(key, ty);
                for id in keys {
                    add(ty, id, made);
                }
            }
            Some(_) => {}
        }
    }
    Some(Written {
        records: out,
        made: made_in.into_iter().collect(),
    })
}

/// Which record every object of the document belongs to, by the object's id: lets
/// [`written_records`] name the records a change wrote into without asking automerge for
/// each object's path.
///
/// Kept small, for it covers every object of the document (three to four per record): an
/// object is keyed by its counter and an interned actor number, in a B-tree (no empty hash
/// buckets), and the objects of one record share its id. At size m this is 3 MB, where a hash
/// map of actor ids and owned strings took 11 MB.
#[derive(Debug, Default)]
struct ObjIndex {
    /// The actors of indexed objects, numbered in the order they were first seen.
    actors: HashMap<automerge::ActorId, u32>,
    /// The collections (`members`, `meetings`, ...): their keys are record ids.
    collections: HashMap<ObjKey, RecordType>,
    /// Record maps and the objects inside them (sets, texts, nested maps and their objects).
    objects: BTreeMap<ObjKey, (RecordType, Arc<str>)>,
}

/// An object's counter and its actor's number in [`ObjIndex::actors`].
type ObjKey = (u64, u32);

impl ObjIndex {
    /// Indexes every record of `doc`.
    fn build<D: ReadDoc>(doc: &D) -> ObjIndex {
        let mut index = ObjIndex::default();
        for &ty in RecordType::ALL {
            let Ok(Some((Value::Object(ObjType::Map), coll))) =
                doc.get(automerge::ROOT, ty.collection())
            else {
                continue;
            };
            if let Some(key) = index.key_of(&coll) {
                index.collections.insert(key, ty);
            }
            for item in doc.map_range(&coll, ..) {
                if matches!(item.value, ValueRef::Object(ObjType::Map)) {
                    let rec = item.id();
                    index.add_record(doc, ty, &item.key, &rec);
                }
            }
        }
        index
    }

    /// Indexes (again) records that got new objects.
    fn refresh<D: ReadDoc>(&mut self, doc: &D, touched: &[(RecordType, String)]) {
        for (ty, id) in touched {
            let Ok(Some((Value::Object(ObjType::Map), coll))) =
                doc.get(automerge::ROOT, ty.collection())
            else {
                continue;
            };
            if let Ok(Some((Value::Object(ObjType::Map), rec))) = doc.get(&coll, id.as_str()) {
                self.add_record(doc, *ty, id, &rec);
            }
        }
    }

    /// A record's map, the objects in it and the objects in its nested maps (records go no
    /// deeper: action items and status changes hold only values).
    fn add_record<D: ReadDoc>(
        &mut self,
        doc: &D,
        ty: RecordType,
        id: &str,
        rec: &automerge::ObjId,
    ) {
        let id: Arc<str> = Arc::from(id);
        let add = |index: &mut ObjIndex, obj: &automerge::ObjId| {
            if let Some(key) = index.key_of(obj) {
                index.objects.insert(key, (ty, id.clone()));
            }
        };
        add(self, rec);
        for item in doc.map_range(rec, ..) {
            let ValueRef::Object(kind) = item.value else {
                continue;
            };
            let child = item.id();
            add(self, &child);
            if kind == ObjType::Map {
                for sub in doc.map_range(&child, ..) {
                    if matches!(sub.value, ValueRef::Object(_)) {
                        add(self, &sub.id());
                    }
                }
            }
        }
    }

    /// The key of an object, numbering its actor if it is new (`None` for the root).
    fn key_of(&mut self, obj: &automerge::ObjId) -> Option<ObjKey> {
        match obj {
            automerge::ObjId::Id(counter, actor, _) => Some((*counter, self.intern(actor))),
            automerge::ObjId::Root => None,
        }
    }

    fn intern(&mut self, actor: &automerge::ActorId) -> u32 {
        if let Some(&n) = self.actors.get(actor) {
            return n;
        }
        let n = self.actors.len() as u32;
        self.actors.insert(actor.clone(), n);
        n
    }

    /// The key of an object, if its actor has been seen (else nothing is indexed for it).
    fn known(&self, counter: u64, actor: &automerge::ActorId) -> Option<ObjKey> {
        self.actors.get(actor).map(|&n| (counter, n))
    }
}
