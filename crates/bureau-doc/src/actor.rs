//! The actor loop: one thread, one document, one store. It holds the loop and the commands it
//! serves; what it derives from the document is in [`crate::view`], loading the files in
//! [`crate::load`], and its side of sync sessions in [`sessions`].
//!
//! Inbox: [`DocCommand`]s from every [`DocHandle`]. States: loading (the store's files read,
//! bad ones quarantined), then serving until every handle is gone. Each turn of the loop takes
//! one command plus whatever else is already queued (up to [`MAX_BATCH`]) and handles them as
//! one batch sharing one fsync.
//!
//! Invariants:
//! - Only this thread touches the document.
//! - A write's reply, a sync message generated for a peer and a published state all wait until
//!   the changes they show are durable; a batch that cannot be written is undone in memory and
//!   each of its writes refused.

mod bundles;
mod prepared;
mod sessions;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use automerge::sync;
use automerge::{AutoCommit, ChangeHash};
use bureau_model::automerge;
use bureau_model::{Applied, Ctx, Edit, EditError, Role};
use bureau_store::{Store, StoreError};
use jiff::Timestamp;
use tokio::sync::{mpsc, oneshot, watch};
use tracing::{debug, error, info};

use crate::compaction::Compactor;
use crate::load::{DamageTrack, LoadedDoc, load_files};
use crate::replica::{Read, Replica};
use crate::saved_view;
use crate::view::{View, read_all};
use crate::{
    COMMAND_QUEUE, ConflictSet, DocCommand, DocConfig, DocError, DocHandle, DocState, ImportReport,
    SyncProgress,
};

/// The changes a chunk being written holds and the heads they follow, when they were kept
/// from a probe (see [`Actor::probe`]).
type WrittenChanges<'a> = Option<(&'a [ChangeHash], &'a [automerge::Change])>;

/// Chunks accumulated before compacting into a snapshot, however small they are. Start-up
/// loads all chunks in one automerge call, so many chunks cost little more to load than a
/// few; compacting rewrites the whole document, so it should not happen every few edits.
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
    /// The changes between two heads (`persisted` then, the document's then) as last
    /// serialised while probing a received message: the next chunk, unless either moved
    /// since, and what the view's refresh reads to find the records they wrote.
    probed: Option<(Vec<ChangeHash>, Vec<ChangeHash>, Vec<automerge::Change>)>,
    state_tx: watch::Sender<Arc<DocState>>,
    /// Bytes of changes written since memory was last handed back to the system.
    written_since_release: usize,
    /// Live sessions' outboxes, by peer id (see [`crate::Outbox`]).
    outboxes: HashMap<String, std::sync::Weak<crate::Outbox>>,
    /// The sessions that may feed this node changes it lacks, each with when it last heard
    /// from the peer, and the sessions whose next message waits until they are done (see
    /// `actor::sessions`: one feeder at a time, so a mesh moves each change about once).
    feeders: HashMap<String, std::time::Instant>,
    waiting: std::collections::BTreeSet<String>,
    /// How the actor rings itself when a feeder's quiet time is over (the runtime it was
    /// spawned from and a sender that does not keep it alive), and when it will.
    ring: Option<(tokio::runtime::Handle, mpsc::WeakSender<DocCommand>)>,
    ring_at: Option<std::time::Instant>,
    /// The copy of the document that whole-document reads (history, full saves) run on, off
    /// this thread.
    replica: Replica,
    /// When the published view is saved for the next start.
    saved_view: saved_view::Keeper,
    /// A saved view was shown at start and its memory is not handed back yet: a page being
    /// served may still hold it when the loaded view replaces it.
    saved_view_shown: bool,
    /// When a batch last changed the document (see [`prepared::PREPARE_IDLE`]).
    last_write: std::time::Instant,
    /// Peers whose sessions read bundles, in this run.
    bundle_readers: std::collections::HashSet<String>,
    /// The one among them whose session ended last, and the push prepared for it.
    last_gone_reader: Option<String>,
    prepared: Option<prepared::PreparedPush>,
    /// When the actor has asked to be woken to prepare it.
    idle_ring: Option<std::time::Instant>,
}

pub(crate) async fn spawn(
    store: Store,
    config: DocConfig,
) -> Result<(DocHandle, std::thread::JoinHandle<()>), DocError> {
    let (tx, rx) = mpsc::channel(COMMAND_QUEUE);
    let (ready_tx, ready_rx) = oneshot::channel();
    // Weak: how background compactions ring the actor without keeping it alive.
    let wake = tx.downgrade();
    let rt = tokio::runtime::Handle::current();
    let thread = std::thread::Builder::new()
        .name("bureau-doc".to_owned())
        .spawn(move || {
            let (state_tx, state_rx) = watch::channel(Arc::new(DocState::default()));
            // Sent once: when a saved view is shown, or when the document has loaded.
            let mut ready_tx = Some(ready_tx);
            let mut ready = |res: Result<(), DocError>| {
                if let Some(tx) = ready_tx.take() {
                    let _ = tx.send(res.map(|()| state_rx.clone()));
                }
            };
            match Actor::load(store, config, state_tx, &mut ready) {
                Ok(actor) => {
                    ready(Ok(()));
                    actor.run(rx, wake, rt);
                }
                Err(e) => ready(Err(e)),
            }
        })
        .map_err(|e| {
            DocError::Storage(crate::Cause::new(std::io::Error::new(
                e.kind(),
                format!("cannot start the document thread: {e}"),
            )))
        })?;
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
        other => DocError::Storage(crate::Cause::new(other)),
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
    Import(
        oneshot::Sender<Result<ImportReport, DocError>>,
        Result<ImportReport, DocError>,
    ),
    Key(oneshot::Sender<Result<(), DocError>>, Result<(), DocError>),
}

impl Pending {
    /// Turns a success into the storage failure that undid it.
    fn fail(&mut self, e: &DocError) {
        let err = || match e {
            DocError::DiskFull => DocError::DiskFull,
            DocError::Storage(cause) => DocError::Storage(cause.clone()),
            other => DocError::Storage(crate::Cause::new(std::io::Error::other(other.to_string()))),
        };
        match self {
            Pending::Edit(_, res) if res.is_ok() => *res = Err(err()),
            Pending::Sync(_, _, res) if res.is_ok() => *res = Err(err()),
            Pending::Import(_, res) if res.is_ok() => *res = Err(err()),
            Pending::Key(_, res) if res.is_ok() => *res = Err(err()),
            _ => {}
        }
    }
}

/// A new random record id: 64 bits, hex. Collisions between offline nodes are what random
/// ids are for; 2^-32 odds at four billion records is plenty for a bureau.
fn random_id() -> String {
    let mut buf = [0u8; 8];
    getrandom::fill(&mut buf).expect("the operating system's random source is available");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

impl Actor {
    /// Loads the document. When the store's files are those a saved view was saved from,
    /// that view is published first and `ready` called before automerge loads anything.
    fn load(
        mut store: Store,
        config: DocConfig,
        state_tx: watch::Sender<Arc<DocState>>,
        ready: &mut dyn FnMut(Result<(), DocError>),
    ) -> Result<Actor, DocError> {
        let started = std::time::Instant::now();
        let files_read = store.load().map_err(crate::load::load_error)?;
        let mut version = 0;
        let saved = saved_view::read(&store);
        // The view on disk stays the one for these files only when it was saved from exactly
        // them; an older one is saved again once the document has loaded.
        let shown_at = saved
            .as_ref()
            .filter(|s| !s.older)
            .map(|_| store.position());
        if let Some(saved) = saved {
            let now = Timestamp::now();
            let findings = bureau_model::FindingsIndex::new(&saved.snapshot, now).set();
            saved_view::log_shown(&saved, started.elapsed().as_millis());
            version += 1;
            state_tx.send_replace(Arc::new(DocState {
                snapshot: Arc::new(saved.snapshot),
                findings,
                conflicts: ConflictSet {
                    parts: saved.conflicts,
                    len: saved.conflict_count,
                    all: Default::default(),
                },
                heads: saved.heads,
                peer_id: config.peer_id.clone(),
                author: saved.author,
                quarantined: store.quarantined().unwrap_or_default(),
                damage: None,
                version,
                loading: true,
                loading_older: saved.older,
            }));
            #[cfg(any(test, feature = "test-hooks"))]
            let gate = config.load_gate.clone();
            ready(Ok(()));
            #[cfg(any(test, feature = "test-hooks"))]
            if let Some(gate) = gate
                && let Ok(rx) = gate.lock()
            {
                let _ = rx.recv();
            }
        }
        let LoadedDoc {
            mut doc,
            last_seq,
            files,
            damaged,
        } = load_files(&mut store, files_read, config.check_stored)?;
        let quarantined = store.quarantined().unwrap_or_default();
        // The view on disk stays the one to show next time unless loading moved a file.
        let keeper = saved_view::Keeper::new(
            store.files(),
            shown_at
                .filter(|at| *at == store.position())
                .map(|_| Self::mark_of(&store, last_seq)),
            config.release_memory,
        );
        let persisted = doc.get_heads();
        let loaded = started.elapsed();
        let view = read_all(&mut doc, Timestamp::now());
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
        let release = config.release_memory;
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
            version,
            sync_states: HashMap::new(),
            sync_dirty: HashMap::new(),
            sync_saved: HashMap::new(),
            probed: None,
            state_tx,
            written_since_release: 0,
            outboxes: HashMap::new(),
            feeders: HashMap::new(),
            waiting: std::collections::BTreeSet::new(),
            ring: None,
            ring_at: None,
            replica: Replica::new(release),
            saved_view: keeper,
            saved_view_shown: version > 0,
            last_write: std::time::Instant::now(),
            bundle_readers: std::collections::HashSet::new(),
            last_gone_reader: None,
            prepared: None,
            idle_ring: None,
        };
        actor.adopt_author();
        actor.publish(None);
        // Loading freed as much as the document holds; the node starts without it.
        actor.release_memory();
        Ok(actor)
    }

    /// The store's files as [`saved_view::Keeper`] compares them; `last_seq` moves on every
    /// write, the chunk count on every compaction.
    fn mark_of(store: &Store, last_seq: u64) -> saved_view::Mark {
        (store.chunk_count(), store.chunk_bytes(), last_seq)
    }

    /// Saves the published view once the files have been quiet for a while (see
    /// [`saved_view`]), or at once when `stopping`.
    fn maybe_save_view(&mut self, stopping: bool) {
        if !self.damage.is_empty() {
            return;
        }
        let mark = Self::mark_of(&self.store, self.last_seq);
        let due = if stopping {
            !self.saved_view.is_saved(mark)
        } else {
            self.saved_view.due(mark, std::time::Instant::now())
        };
        if due {
            let position = self.store.position();
            self.saved_view
                .save(self.state_tx.borrow().clone(), position, mark);
        }
    }

    fn run(
        mut self,
        mut rx: mpsc::Receiver<DocCommand>,
        wake: mpsc::WeakSender<DocCommand>,
        rt: tokio::runtime::Handle,
    ) {
        self.ring = Some((rt, wake.clone()));
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
            self.maybe_save_view(false);
            if self.written_since_release >= crate::RELEASE_AFTER_BYTES {
                self.release_memory();
            }
        }
        debug!("every document handle is gone; the actor stops");
        compactor.stop(&mut self.store);
        self.maybe_save_view(true);
        self.saved_view.finish();
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
        let mut received = false;
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
                    received |= res.is_ok();
                    writes.push(Pending::Sync(reply, peer, res));
                }
                DocCommand::ImportChanges {
                    chunks,
                    signer,
                    inviter,
                    reply,
                } => {
                    // A bundle may make automerge fail, after which the document is reloaded
                    // from disk, as for a sync message: what came before goes to disk first.
                    self.flush(&mut writes[unflushed..], &base, None);
                    unflushed = writes.len();
                    base = self.doc.get_heads();
                    let res = self.import_changes(chunks, &signer, inviter.as_deref());
                    received |= res.is_ok();
                    writes.push(Pending::Import(reply, res));
                }
                DocCommand::AddBundleKey { key, reply } => {
                    let res = self.add_bundle_key(&key);
                    writes.push(Pending::Key(reply, res));
                }
                other => reads.push(other),
            }
        }
        let received = received && self.doc.get_heads() != before;
        let applied = started.elapsed();
        // The view catches up with the batch while the disk syncs its last chunk, so neither
        // waits for the other, and nothing of the new view is shown before the chunk is
        // durable.
        let now = Timestamp::now();
        let refreshed = self.flush(&mut writes[unflushed..], &base, Some((&before, now)));
        let flushed = started.elapsed();
        if self.doc.get_heads() != before {
            self.last_write = std::time::Instant::now();
            self.ring_when_idle();
            // Peers get the new changes first; publishing the view can wait that long.
            self.fill_outboxes();
            if !refreshed {
                self.view.refresh(&mut self.doc, &before, now, None);
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
        // A feeder that finished (or went quiet) lets a waiting session go on; after the
        // flush, like every message this node sends.
        self.wake_waiting();
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
                Pending::Import(reply, res) => {
                    let _ = reply.send(res);
                }
                Pending::Key(reply, res) => {
                    let _ = reply.send(res);
                }
            }
        }
        for cmd in reads {
            match cmd {
                DocCommand::Edit { .. }
                | DocCommand::SyncReceive { .. }
                | DocCommand::ImportChanges { .. }
                | DocCommand::AddBundleKey { .. } => {
                    unreachable!("writes were taken out above")
                }
                DocCommand::BundleChanges { since_peer, reply } => {
                    // Every change may be every change of the bureau: the reader thread
                    // walks them, on its copy.
                    let heads = since_peer.map(|p| self.known_heads(&p)).unwrap_or_default();
                    self.replica
                        .read(&mut self.doc, Read::Changes { heads, reply });
                }
                DocCommand::BundleKeys { reply } => {
                    let _ = reply.send(self.bundle_keys());
                }
                DocCommand::Save { reply } => {
                    self.replica.read(&mut self.doc, Read::Save { reply });
                }
                DocCommand::History { ty, id, reply } => {
                    self.replica
                        .read(&mut self.doc, Read::History { ty, id, reply });
                }
                DocCommand::RecordAt {
                    ty,
                    id,
                    heads,
                    reply,
                } => {
                    let read = Read::RecordAt {
                        ty,
                        id,
                        heads,
                        reply,
                    };
                    self.replica.read(&mut self.doc, read);
                }
                DocCommand::DocumentDiff {
                    id,
                    from,
                    to,
                    reply,
                } => {
                    let read = Read::DocumentDiff {
                        id,
                        from,
                        to,
                        reply,
                    };
                    self.replica.read(&mut self.doc, read);
                }
                DocCommand::Behind { heads, reply } => {
                    // A peer holding every head of this node (and perhaps changes of its
                    // own beyond them) lacks nothing. That is the usual answer (peers in
                    // sync), and giving it here spares the reader's copy of the document,
                    // which costs the document's size in memory for minutes: the peers page
                    // asks for every device each time it is shown.
                    let ours = self.doc.get_heads();
                    if heads.iter().all(|set| ours.iter().all(|h| set.contains(h))) {
                        let _ = reply.send(vec![0; heads.len()]);
                    } else {
                        self.replica
                            .read(&mut self.doc, Read::Behind { heads, reply });
                    }
                }
                DocCommand::ChangeCounts { ty, reply } => {
                    self.replica
                        .read(&mut self.doc, Read::ChangeCounts { ty, reply });
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
                #[cfg(test)]
                DocCommand::PreparedChanges(reply) => {
                    let _ = reply.send(self.prepared_changes());
                }
                DocCommand::SaveSyncStates => {
                    self.save_due_sync_states(true);
                    // The saved view shown at start, replaced since the last tick and freed
                    // off this thread, is handed back now, after its holders are done with
                    // it; otherwise it stays in the heap. (The reader's thread hands back its
                    // own copy when it lets it go.)
                    if std::mem::take(&mut self.saved_view_shown) {
                        self.release_memory();
                    }
                    // A feeder that went quiet no longer holds the others back.
                    self.wake_waiting();
                }
                DocCommand::SyncGenerate { peer, reply } => {
                    let _ = reply.send(self.generate(&peer));
                }
                DocCommand::SyncGone { peer } => {
                    // Not `remove(peer)`: a new session with the same peer may already have
                    // put its outbox here. The ended session's outbox is dropped by now.
                    self.outboxes.retain(|_, o| o.strong_count() > 0);
                    // If one has, the state in memory is that session's: leave it.
                    if !self.outboxes.contains_key(&peer) {
                        if self.bundle_readers.contains(&peer) {
                            self.last_gone_reader = Some(peer.clone());
                            self.ring_when_idle();
                        }
                        self.save_sync_state(&peer);
                        self.feeders.remove(&peer);
                        self.waiting.remove(&peer);
                        self.wake_waiting();
                    }
                }
                DocCommand::SyncOutbox { peer, outbox } => {
                    // A new session starts from the saved state, as after any reconnection.
                    // The previous session's state may still be here (a peer that reconnects
                    // at once replaces a session before it has ended), and with it we would
                    // take what that session sent into the dropped connection as received,
                    // and answer a peer that we believe in sync with nothing at all.
                    self.save_sync_state(&peer);
                    self.feeders.remove(&peer);
                    self.waiting.remove(&peer);
                    self.outboxes.insert(peer, outbox);
                }
                // Only a wake-up: `run` commits the compaction after the batch.
                DocCommand::Compacted => {}
                DocCommand::FeederQuiet => {
                    self.ring_at = None;
                    self.wake_waiting();
                }
                DocCommand::Idle => {
                    self.idle_ring = None;
                    self.prepare_push();
                }
            }
        }
        if received {
            self.tidy_documents();
        }
    }

    /// After changes from a peer: where a suggestion's wording went into a document's text
    /// more than once (two nodes accepted it while apart), takes the extra copies out, as an
    /// edit of this node's own in a batch of its own (durable, published and sent to peers
    /// like any edit). Every node that may write does this on receiving such changes; they
    /// all keep the same copy, so tidies made at once on several nodes agree. Done here,
    /// where every received change arrives, rather than by a task watching the published
    /// state: nothing else to start, supervise or wire, and it happens whatever runs the
    /// actor (the node, a hub, a test). The nested batch holds no received message, so it
    /// does not come back here.
    fn tidy_documents(&mut self) {
        if self.check_may_edit().is_err() {
            return;
        }
        let batch: Vec<DocCommand> = self
            .view
            .snapshot
            .documents
            .values()
            .filter(|d| d.suggestions.iter().any(|s| s.applied > 1))
            .map(|d| {
                // Nobody waits for the answer; a refusal leaves the copies for the next time.
                let (reply, _) = oneshot::channel();
                DocCommand::Edit {
                    edit: Edit::Document {
                        id: d.id.clone(),
                        op: bureau_model::DocumentOp::Tidy,
                    },
                    reply,
                }
            })
            .collect();
        if !batch.is_empty() {
            debug!(documents = batch.len(), "taking out wording accepted twice");
            self.handle_batch(batch);
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
        let res = self.persist_while(|doc, view, written| {
            if let Some((before, now)) = refresh {
                // The changes being written, if they are exactly those since `before`.
                let known = written
                    .filter(|(since, _)| *since == before)
                    .map(|(_, changes)| changes);
                view.refresh(doc, before, now, known);
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

    /// Replaces the in-memory document with what is on disk.
    fn reload(&mut self) {
        let read = self.store.load().map_err(crate::load::load_error);
        let doc = match read
            .and_then(|read| load_files(&mut self.store, read, self.config.check_stored))
        {
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
            bureau_model::check_authority(&self.view.snapshot, &self.config.peer_id, edit)?;
            self.register_actor(edit)?;
        }
        self.apply_unchecked(edit)
    }

    /// Records this run's actor in this node's device record before its first other change
    /// (see [`Edit::RegisterActor`]), so every node knows the changes that follow as this
    /// device's. Its own change: a change needing an admin must find the actor recorded at
    /// its parents.
    fn register_actor(&mut self, edit: &Edit) -> Result<(), DocError> {
        if matches!(edit, Edit::RegisterActor { .. }) {
            return Ok(());
        }
        self.ensure_actor_registered()
    }

    /// Records this run's actor in this node's device record unless it is there.
    fn ensure_actor_registered(&mut self) -> Result<(), DocError> {
        let actor = self.doc.get_actor().to_hex_string();
        let recorded = self
            .view
            .snapshot
            .devices
            .get(&self.config.peer_id)
            .is_some_and(|d| d.actors.contains(&actor));
        if !recorded {
            self.apply_unchecked(&Edit::RegisterActor {
                peer_id: self.config.peer_id.clone(),
            })?;
        }
        Ok(())
    }

    fn apply_unchecked(&mut self, edit: &Edit) -> Result<Applied, DocError> {
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

    /// Only an unrevoked editor or admin device of a member may write.
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

    /// Serialises the changes after `persisted` inside the input guard's call (see
    /// [`Self::receive`]): automerge accepts some mutated changes it then cannot serialise,
    /// which must fail there, not when the batch is written. They are kept for the write and
    /// for the view's refresh.
    fn probe(&mut self) {
        let changes = self.doc.get_changes(&self.persisted);
        self.probed = Some((self.persisted.clone(), self.doc.get_heads(), changes));
    }

    /// Writes every change after `persisted` as one durable chunk, running `meanwhile` while
    /// the disk syncs it (see [`bureau_store::Store::append_while`]); returns whether there
    /// was a chunk to write, and so whether `meanwhile` ran. On an error it did.
    fn persist_while(
        &mut self,
        meanwhile: impl FnOnce(&mut AutoCommit, &mut View, WrittenChanges<'_>),
    ) -> Result<bool, DocError> {
        let heads = self.doc.get_heads();
        // A received message was already serialised when it was probed; doing it again would
        // cost as much again, in proportion to the changes.
        let (bytes, changes) = match self.probed.take() {
            Some((from, to, changes)) if from == self.persisted && to == heads => {
                let bytes = changes
                    .iter()
                    .flat_map(|c| c.raw_bytes())
                    .copied()
                    .collect();
                (bytes, Some(changes))
            }
            _ => (self.doc.save_after(&self.persisted), None),
        };
        if bytes.is_empty() {
            self.persisted = heads;
            return Ok(false);
        }
        let (doc, view) = (&mut self.doc, &mut self.view);
        let written = changes.as_deref().map(|c| (self.persisted.as_slice(), c));
        let (res, ()) = self
            .store
            .append_while(&bytes, || meanwhile(doc, view, written));
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
    /// chunks have accumulated. Both are only bookkeeping for the actor; saving, verifying
    /// and deleting happen on the compaction thread, from the files (see the `compaction`
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
        self.view = read_all(&mut self.doc, now);
    }

    /// Refreshes the typed view after a change from `before` (or only re-evaluates what
    /// depends on the time when `before` is `None`) and publishes it.
    fn publish(&mut self, before: Option<&[ChangeHash]>) {
        let now = Timestamp::now();
        match before {
            None => self.view.findings.update(&self.view.snapshot, &[], now),
            Some(before) => {
                self.view.refresh(&mut self.doc, before, now, None);
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
            loading: false,
            loading_older: false,
        };
        // The previous state is dropped by whichever reader lets go of it last, or here; with
        // shared structure that is only the few nodes this change replaced.
        self.state_tx.send_replace(Arc::new(state));
    }
}
