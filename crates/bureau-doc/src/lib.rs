//! The document actor: the only owner of the bureau's automerge document.
//!
//! One thread ([`actor`]) holds the `AutoCommit` and the [`bureau_store::Store`]. Everyone else
//! holds a cheap, cloneable [`DocHandle`]:
//!
//! - **Reads** take the latest published [`DocState`] from a `watch` channel: no queue, no lock,
//!   never waiting behind a write.
//! - **Writes** go through one bounded `mpsc` with a `oneshot` reply. The actor drains whatever
//!   is queued, applies each edit as its own change, appends one chunk for the batch to the
//!   store's open log segment (one `fdatasync`), publishes the new state, and only then
//!   replies. So an acknowledged edit is durable, concurrent edits share one `fdatasync`, and
//!   a reader that saw the acknowledgement sees the edit. While the disk syncs, the actor
//!   already re-reads the records the batch touched; it publishes them only once the chunk is
//!   durable.
//! - If the chunk cannot be written (a full disk), the batch is undone in memory and every
//!   edit in it is refused with [`DocError::Storage`]; the files on disk are untouched.
//! - **Sync sessions** get the next message for their peer in an [`Outbox`] as soon as a
//!   batch is durable, before the new state is published.
//!
//! The actor calls [`DocConfig::release_memory`] (the binary's allocator hook) after loading
//! and after each [`RELEASE_AFTER_BYTES`] written, so the memory merges and loads free goes
//! back to the system.
//!
//! The actor runs on a dedicated OS thread, so loading, saving and merging a large document
//! never blocks the async executor that serves HTTP and the network.
//!
//! Compaction (rewriting the chunks as one snapshot, seconds of work on a large document)
//! runs on a second thread, `bureau-compact`, which the actor starts with the first
//! compaction and hands one compaction at a time once enough chunks have accumulated. It
//! works from the durable files alone, never touches the actor's document, and rings the
//! actor through its command queue when done. Between two batches the actor then commits
//! it (bookkeeping only, microseconds) and the thread deletes the chunks it replaced. So
//! edits and sync messages are served throughout. When the actor stops, it cancels a
//! compaction in flight and waits for that thread before releasing the store.
//!
//! At start the store's files are loaded: every snapshot generation (the newest that loads,
//! with the older ones merged in, which costs nothing when the newest holds them), then the
//! chunks. A file automerge refuses (or panics on) is moved to `quarantine/` and reported in
//! [`DocState::quarantined`]; the node serves the rest, and peers fill the gap. Changes that
//! load but cannot apply, because changes they build on are in no file (a snapshot deleted,
//! emptied or renamed), are damage: reported in [`DocState::damage`] and the log, and while
//! there is any, nothing is compacted, so no file holding them is deleted. A peer that has
//! the missing changes sends them with the next sync, and the damage clears.

mod actor;
mod compaction;
mod load;
mod receive;
mod replica;
mod saved_view;
mod touched;
mod view;

use std::sync::{Arc, OnceLock};

use bureau_model::{
    Applied, Conflict, Edit, EditError, FindingSet, HistoryEntry, RecordType, Snapshot, imbl,
};
use thiserror::Error;
use tokio::sync::{mpsc, oneshot, watch};

pub use actor::DEFAULT_COMPACT_CHUNKS;

/// Bound of the command queue. Edits come from people and sync rounds from a handful of peers;
/// 256 absorbs a burst without letting an unbounded backlog build while the disk is slow.
pub const COMMAND_QUEUE: usize = 256;

/// Everything readers need, published after every change.
///
/// Publishing must cost little whatever the size of the bureau, since it happens after every
/// edit and every received change: the snapshot's maps and the findings' and conflicts' parts
/// are persistent structures shared with the actor's own copies, and the flat lists are
/// assembled only when a reader first asks for them.
#[derive(Debug, Default)]
pub struct DocState {
    /// The typed records.
    pub snapshot: Arc<Snapshot>,
    /// Domain findings of the snapshot.
    pub findings: FindingSet,
    /// Fields with several concurrent values.
    pub conflicts: ConflictSet,
    /// Current heads, hex.
    pub heads: Vec<String>,
    /// Peer id of this node.
    pub peer_id: String,
    /// Member id this node writes as, once the device is in the document.
    pub author: Option<String>,
    /// Files moved to `quarantine/` (now and at earlier starts).
    pub quarantined: Vec<String>,
    /// Changes the files hold that could not apply, since changes they build on are in no
    /// file (a snapshot deleted, emptied or renamed); `None` when there are none. Cleared once
    /// a peer has sent what was missing.
    pub damage: Option<Damage>,
    /// Counts every published change; lets waiters tell states apart cheaply.
    pub version: u64,
    /// The records are the view saved when the node last ran, shown while the document
    /// loads (see `saved_view`): edits, sync and histories wait until it has.
    pub loading: bool,
    /// While `loading`: the files hold changes written after that view was saved (the node
    /// was stopped without saving it, killed or out of battery), which the records do not
    /// show until the document has loaded.
    pub loading_older: bool,
}

/// Changes loaded from the files that wait, outside the document, for changes no file held.
///
/// Such changes were acknowledged once and are still on disk, but the document cannot show
/// them until the changes they build on come back from a peer. Until then the node never
/// compacts: that would write the document without them and delete the files holding them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Damage {
    /// How many changes wait.
    pub queued_changes: usize,
    /// The files holding them, as the store names them in `doc/` (a log entry as
    /// `chunk-{seq}.bin`).
    pub files: Vec<String>,
}

/// The conflicts of the document, per record; the flat list is assembled on first use.
#[derive(Debug, Default)]
pub struct ConflictSet {
    parts: imbl::OrdMap<(RecordType, String), Arc<Vec<Conflict>>>,
    len: usize,
    all: OnceLock<Vec<Conflict>>,
}

impl ConflictSet {
    /// Every conflict, by record type, record id, then field.
    pub fn all(&self) -> &[Conflict] {
        self.all.get_or_init(|| {
            self.parts
                .values()
                .flat_map(|p| p.iter().cloned())
                .collect()
        })
    }

    /// How many conflicts there are (without assembling the list).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no field has concurrent values.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The conflicts, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Conflict> {
        self.all().iter()
    }

    /// The conflicts of one record (a record's page marks them), without assembling the list.
    pub fn of(&self, ty: RecordType, id: &str) -> &[Conflict] {
        self.parts
            .get(&(ty, id.to_owned()))
            .map_or(&[], |p| p.as_slice())
    }
}

/// Why a document operation failed.
#[derive(Debug, Error)]
pub enum DocError {
    /// The edit was refused; nothing was written.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// The disk is full: the edit was undone in memory and nothing was written.
    #[error("the disk is full: free some space and try again; the edit was not saved")]
    DiskFull,
    /// The edit could not be made durable; it was undone and nothing was written. The cause
    /// (the store's error, with its I/O error under it) is kept whole for the log.
    #[error("the edit could not be saved: {0}")]
    Storage(#[source] Cause),
    /// The document's files could not be read (at start, or at a reload): which one, and why.
    /// The store's error is kept as the cause.
    #[error("could not read the document's files: {0}")]
    Load(#[source] LoadCause),
    /// This node's device is not (or no longer) a member able to edit.
    #[error("this device is not a member of the bureau; join it with an invite first")]
    NotMember,
    /// This node's device is an observer: it reads the bureau but cannot change it.
    #[error("this device is an observer: it can read the bureau but not change it")]
    Observer,
    /// The peer is not an unrevoked device of the bureau; nothing is exchanged with it.
    #[error("peer {0} is not a member of this bureau")]
    PeerNotAllowed(String),
    /// A peer's sync message was refused (malformed, or automerge failed on it); the document
    /// is as it was before the message.
    #[error("refused a sync message from {peer}: {reason}")]
    PeerData {
        /// The peer that sent it.
        peer: String,
        /// What was wrong.
        reason: String,
    },
    /// A change bundle was refused; nothing of it was written. `reason` names the case in a
    /// word (`not_member`, `revoked`, `observer`, `bad_changes`), `message` in a sentence.
    #[error("{message}")]
    BundleRefused {
        /// Why, in a word.
        reason: &'static str,
        /// Why, for people.
        message: String,
    },
    /// The actor has stopped (the node is shutting down).
    #[error("the document is closed")]
    Closed,
}

/// What importing a change bundle did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Changes the document did not hold and now does.
    pub imported_changes: usize,
    /// Changes the document already held (a bundle imported again is all of these).
    pub already_had: usize,
    /// Changes that wait for changes neither the document nor the bundle holds.
    pub waiting: usize,
}

/// What made a write fail, kept as the error it was (not its text), so that whoever logs it can
/// walk its sources. Shared: one failed write fails every edit of its batch.
#[derive(Clone, Debug)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync>);

impl Cause {
    /// Keeps `e` as the cause.
    pub fn new(e: impl std::error::Error + Send + Sync + 'static) -> Cause {
        Cause(Arc::new(e))
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Why the document's files could not be read: the store's error, kept as the error it was.
/// It reads as its whole chain (what the store was doing to which file, then the system's
/// error), since that one line is what a log or a terminal shows; its source is the store's
/// error itself, for whoever walks the chain.
#[derive(Debug)]
pub struct LoadCause(bureau_store::StoreError);

impl LoadCause {
    /// Keeps `e` as the cause.
    pub fn new(e: bureau_store::StoreError) -> LoadCause {
        LoadCause(e)
    }
}

impl std::fmt::Display for LoadCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        WithCauses(&self.0).fmt(f)
    }
}

impl std::error::Error for LoadCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Shows an error and, after it, each of its sources that the text so far does not already
/// name, `: `-separated: one line saying what failed, on which file, and what the system said,
/// for a log or a message. Errors here name their cause in their own message and keep it as
/// their source too, so a plain walk would repeat it.
#[derive(Clone, Copy, Debug)]
pub struct WithCauses<'a>(pub &'a (dyn std::error::Error + 'static));

impl std::fmt::Display for WithCauses<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut line = self.0.to_string();
        let mut next = self.0.source();
        while let Some(cause) = next {
            let text = cause.to_string();
            if !line.contains(&text) {
                // Some errors say nothing themselves (libp2p's listen error) and leave it all
                // to their source.
                if !line.is_empty() {
                    line.push_str(": ");
                }
                line.push_str(&text);
            }
            next = cause.source();
        }
        f.write_str(&line)
    }
}

/// How many bytes of changes are written between two calls of
/// [`DocConfig::release_memory`]: about a thousand edits, or one large merge.
pub const RELEASE_AFTER_BYTES: usize = 256 * 1024;

/// A check of a document file's bytes before automerge loads them: `Err` says why it was
/// refused (see [`DocConfig::check_stored`]).
pub type CheckStored = fn(&[u8]) -> Result<(), String>;

/// How to start the actor.
#[derive(Debug, Clone)]
pub struct DocConfig {
    /// This node's peer id; its device record names the member it writes as.
    pub peer_id: String,
    /// The program that builds a compaction's snapshot in a child process (see
    /// [`compaction_child`]): normally the node's own executable. `None` builds it on the
    /// compaction thread instead; the document is the same, but the memory automerge used
    /// for it stays in that thread's allocator arena for the life of the node.
    pub compact_exe: Option<std::path::PathBuf>,
    /// Compact into a new snapshot once this many chunks have accumulated.
    pub compact_chunks: usize,
    /// Hands memory the process freed back to the system (the binary owns the allocator, so
    /// it says how). Called on the document thread after loading and after every
    /// [`RELEASE_AFTER_BYTES`] of new changes written: reading and merging leave freed
    /// blocks scattered through the heap, which the allocator keeps otherwise.
    pub release_memory: Option<fn()>,
    /// Checks the bytes of a document file before automerge sees them, refusing what would
    /// make it do unbounded work (compressed parts inflating past a budget, run-length
    /// encoded columns claiming billions of rows: automerge walks every claimed operation,
    /// and a file of a hundred bytes could hold the node at start for hours). The check lives
    /// with the sync guard (`bureau_sync::guard::check_stored`), which this crate cannot
    /// depend on, so the binary passes it in; a file it refuses is quarantined.
    pub check_stored: Option<CheckStored>,
    /// Test hook holding background compactions at a gate.
    #[cfg(test)]
    pub(crate) compaction_gate: Option<Arc<compaction::Gate>>,
    /// Test hook holding the load, after a saved view was shown, until it receives (or its
    /// sender is dropped).
    #[cfg(any(test, feature = "test-hooks"))]
    pub(crate) load_gate: Option<Arc<std::sync::Mutex<std::sync::mpsc::Receiver<()>>>>,
}

impl DocConfig {
    /// Configuration with the default compaction threshold.
    pub fn new(peer_id: String) -> DocConfig {
        DocConfig {
            peer_id,
            compact_chunks: DEFAULT_COMPACT_CHUNKS,
            #[cfg(test)]
            compaction_gate: None,
            #[cfg(any(test, feature = "test-hooks"))]
            load_gate: None,
            compact_exe: None,
            release_memory: None,
            check_stored: None,
        }
    }

    /// For tests of other crates: once a saved view is shown at start, the load waits until
    /// `gate` receives (or its sender is dropped), so a test sees the node while it loads.
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn with_load_gate(mut self, gate: std::sync::mpsc::Receiver<()>) -> DocConfig {
        self.load_gate = Some(Arc::new(std::sync::Mutex::new(gate)));
        self
    }
}

pub(crate) enum DocCommand {
    Edit {
        edit: Edit,
        reply: oneshot::Sender<Result<Applied, DocError>>,
    },
    ImportChanges {
        chunks: Vec<Vec<u8>>,
        signer: String,
        inviter: Option<String>,
        reply: oneshot::Sender<Result<ImportReport, DocError>>,
    },
    AddBundleKey {
        key: bureau_model::BundleKeyRecord,
        reply: oneshot::Sender<Result<(), DocError>>,
    },
    BundleChanges {
        since_peer: Option<String>,
        reply: oneshot::Sender<Vec<u8>>,
    },
    BundleKeys {
        reply: oneshot::Sender<Vec<bureau_model::BundleKeyRecord>>,
    },
    Save {
        reply: oneshot::Sender<Vec<u8>>,
    },
    History {
        ty: RecordType,
        id: String,
        reply: oneshot::Sender<Option<Vec<HistoryEntry>>>,
    },
    RecordAt {
        ty: RecordType,
        id: String,
        heads: Vec<automerge::ChangeHash>,
        reply: oneshot::Sender<Option<Snapshot>>,
    },
    DocumentDiff {
        id: String,
        from: Vec<automerge::ChangeHash>,
        to: Vec<automerge::ChangeHash>,
        reply: oneshot::Sender<Option<Vec<bureau_model::DiffPart>>>,
    },
    Behind {
        heads: Vec<Vec<automerge::ChangeHash>>,
        reply: oneshot::Sender<Vec<usize>>,
    },
    ChangeCounts {
        ty: RecordType,
        reply: oneshot::Sender<Arc<bureau_model::ChangeCounts>>,
    },
    /// Holds the reader thread (see [`replica`]) until the sender sends or is dropped.
    #[cfg(test)]
    HoldReader(std::sync::mpsc::Receiver<()>),
    /// Drops the reader's copy as if it had been idle.
    #[cfg(test)]
    DropReader,
    /// How many changes the push prepared while idle holds (see `actor::prepared`).
    #[cfg(test)]
    PreparedChanges(oneshot::Sender<usize>),
    /// Recomputes time-dependent findings (overdue items) without a change.
    Tick,
    /// Saves the sync states that advanced since they were last saved (see
    /// `SYNC_STATE_SAVE_EVERY` in the actor).
    SaveSyncStates,
    /// The next sync message for a peer, if one is due.
    SyncGenerate {
        peer: String,
        reply: oneshot::Sender<Result<Option<Vec<u8>>, DocError>>,
    },
    /// A sync message from a peer.
    SyncReceive {
        peer: String,
        msg: automerge::sync::Message,
        reply: oneshot::Sender<Result<SyncProgress, DocError>>,
    },
    /// The peer's session ended: its sync state is saved and dropped from memory.
    SyncGone {
        peer: String,
    },
    /// Where to put the messages for a peer that the actor generates on its own.
    SyncOutbox {
        peer: String,
        outbox: std::sync::Weak<Outbox>,
    },
    /// Sent by the compaction thread when a compaction ends, so the actor wakes and commits
    /// it (see the `compaction` module).
    Compacted,
    /// A feeder's quiet time is over: the sessions waiting for it may go on (see
    /// `actor::sessions`).
    FeederQuiet,
    /// The actor has had nothing to write for a moment: time to prepare a reconnect's push
    /// (see `actor::prepared`).
    Idle,
}

/// The next sync message for a peer, generated by the actor as soon as new changes are
/// durable, before it refreshes its view of the document: a live session sends it without
/// asking, and a peer sees an edit without waiting for that refresh.
///
/// It holds one message at a time. While it is full the actor leaves it alone and notes that
/// it did ([`Outbox::take_missed`]): the session then asks for the next message itself
/// ([`DocHandle::sync_generate`]) once it has sent this one. A session writes what is here
/// before any message it asked for, since this one was generated first.
#[derive(Debug, Default)]
pub struct Outbox {
    slot: std::sync::Mutex<Option<Vec<u8>>>,
    ready: tokio::sync::Notify,
    missed: std::sync::atomic::AtomicBool,
    bundles: std::sync::atomic::AtomicBool,
    push: std::sync::atomic::AtomicBool,
}

impl Outbox {
    /// Tells the actor that the peer reads automerge bundles (chunk type 3, the changes in
    /// the document's column encoding): from now on a message carrying many changes carries
    /// them as bundles. The session says so once both sides listed the capability; a peer of
    /// a release that does not read them never lists it, and gets change chunks.
    pub fn peer_reads_bundles(&self) {
        self.bundles
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn reads_bundles(&self) -> bool {
        self.bundles.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Tells the actor that the session's first message may carry, as bundles, the changes
    /// made since the state this node and the peer last held in common (the saved sync state),
    /// without waiting for the peer to say what it has: on a poor link that saves the round
    /// trip the peer's answer takes (W7). The session says so before its first message, when
    /// the peer read bundles in its previous session with this node; it implies
    /// [`Self::peer_reads_bundles`]. The actor pushes only when this is the node's one live
    /// session: with several, others may be sending the peer the same changes.
    pub fn push_on_open(&self) {
        self.peer_reads_bundles();
        self.push.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether the first message may push (see [`Self::push_on_open`]); clears it, so only
    /// one message does.
    fn take_push(&self) -> bool {
        self.push.swap(false, std::sync::atomic::Ordering::SeqCst)
    }

    /// Takes back [`Self::peer_reads_bundles`]: the peer's capability exchange did not list
    /// them after all.
    pub fn peer_reads_no_bundles(&self) {
        self.bundles
            .store(false, std::sync::atomic::Ordering::SeqCst);
        self.push.store(false, std::sync::atomic::Ordering::SeqCst);
    }

    /// The message waiting, if any.
    pub fn take(&self) -> Option<Vec<u8>> {
        self.slot.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// Whether changes came while the outbox was full (they are in no message yet); clears it.
    pub fn take_missed(&self) -> bool {
        self.missed.swap(false, std::sync::atomic::Ordering::SeqCst)
    }

    /// Waits until a message may be waiting (a wake-up given while nobody waited is kept).
    pub async fn ready(&self) {
        self.ready.notified().await;
    }

    fn is_full(&self) -> bool {
        self.slot
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    fn put(&self, msg: Vec<u8>) {
        *self.slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(msg);
        self.ready.notify_one();
    }
}

/// Where a sync session stands after a received message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncProgress {
    /// The peer's heads as it last announced them, hex.
    pub their_heads: Vec<String>,
    /// Our heads, hex.
    pub our_heads: Vec<String>,
}

impl SyncProgress {
    /// True only when both sides' heads are equal.
    pub fn in_sync(&self) -> bool {
        let mut a = self.their_heads.clone();
        let mut b = self.our_heads.clone();
        a.sort();
        b.sort();
        a == b
    }
}

/// A cheap handle to the document actor. Cloning shares the actor.
#[derive(Clone, Debug)]
pub struct DocHandle {
    tx: mpsc::Sender<DocCommand>,
    state: watch::Receiver<Arc<DocState>>,
}

impl std::fmt::Debug for DocCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocCommand::Edit { edit, .. } => f.debug_tuple("Edit").field(edit).finish(),
            DocCommand::Save { .. } => f.write_str("Save"),
            DocCommand::History { ty, id, .. } => {
                f.debug_tuple("History").field(ty).field(id).finish()
            }
            DocCommand::RecordAt { ty, id, .. } => {
                f.debug_tuple("RecordAt").field(ty).field(id).finish()
            }
            DocCommand::DocumentDiff { id, .. } => f.debug_tuple("DocumentDiff").field(id).finish(),
            DocCommand::Behind { heads, .. } => {
                f.debug_tuple("Behind").field(&heads.len()).finish()
            }
            DocCommand::ChangeCounts { ty, .. } => f.debug_tuple("ChangeCounts").field(ty).finish(),
            #[cfg(test)]
            DocCommand::HoldReader(_) => f.write_str("HoldReader"),
            #[cfg(test)]
            DocCommand::DropReader => f.write_str("DropReader"),
            #[cfg(test)]
            DocCommand::PreparedChanges(_) => f.write_str("PreparedChanges"),
            DocCommand::Tick => f.write_str("Tick"),
            DocCommand::SaveSyncStates => f.write_str("SaveSyncStates"),
            DocCommand::SyncGenerate { peer, .. } => {
                f.debug_tuple("SyncGenerate").field(peer).finish()
            }
            DocCommand::SyncReceive { peer, .. } => {
                f.debug_tuple("SyncReceive").field(peer).finish()
            }
            DocCommand::SyncGone { peer } => f.debug_tuple("SyncGone").field(peer).finish(),
            DocCommand::SyncOutbox { peer, .. } => f.debug_tuple("SyncOutbox").field(peer).finish(),
            DocCommand::Compacted => f.write_str("Compacted"),
            DocCommand::FeederQuiet => f.write_str("FeederQuiet"),
            DocCommand::Idle => f.write_str("Idle"),
            DocCommand::ImportChanges { chunks, signer, .. } => f
                .debug_tuple("ImportChanges")
                .field(&chunks.len())
                .field(signer)
                .finish(),
            DocCommand::AddBundleKey { key, .. } => {
                f.debug_tuple("AddBundleKey").field(&key.id).finish()
            }
            DocCommand::BundleChanges { since_peer, .. } => {
                f.debug_tuple("BundleChanges").field(since_peer).finish()
            }
            DocCommand::BundleKeys { .. } => f.write_str("BundleKeys"),
        }
    }
}

impl DocHandle {
    /// Takes over `store`, loads the document on the actor's own thread and returns once it
    /// is ready. The thread ends when every handle is dropped; join it to know the store's
    /// lock is released.
    pub async fn open(
        store: bureau_store::Store,
        config: DocConfig,
    ) -> Result<(DocHandle, std::thread::JoinHandle<()>), DocError> {
        actor::spawn(store, config).await
    }

    /// The latest published state. Never waits.
    pub fn state(&self) -> Arc<DocState> {
        self.state.borrow().clone()
    }

    /// A receiver that wakes on every published state (for live events and sync).
    pub fn subscribe(&self) -> watch::Receiver<Arc<DocState>> {
        self.state.clone()
    }

    async fn request<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> DocCommand,
    ) -> Result<T, DocError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .await
            .map_err(|_| DocError::Closed)?;
        rx.await.map_err(|_| DocError::Closed)
    }

    /// Applies one edit and returns once it is durable on disk.
    ///
    /// Not cancel-safe in the usual sense: if the future is dropped after the command was
    /// queued, the edit is still applied (and durable); only the reply is lost.
    pub async fn edit(&self, edit: Edit) -> Result<Applied, DocError> {
        self.request(|reply| DocCommand::Edit { edit, reply })
            .await?
    }

    /// The whole document as standard automerge bytes.
    pub async fn save(&self) -> Result<Vec<u8>, DocError> {
        self.request(|reply| DocCommand::Save { reply }).await
    }

    /// Who changed which field of a record, when; `None` if there is no such record.
    pub async fn history(
        &self,
        ty: RecordType,
        id: String,
    ) -> Result<Option<Vec<HistoryEntry>>, DocError> {
        self.request(|reply| DocCommand::History { ty, id, reply })
            .await
    }

    /// One record (with the bureau's settings) as it was at `heads`, as
    /// [`Snapshot::record_at`] reads it, on the reader thread: what an edit form showed. `None`
    /// when a head is not a change this document holds.
    pub async fn record_at(
        &self,
        ty: RecordType,
        id: String,
        heads: Vec<automerge::ChangeHash>,
    ) -> Result<Option<Snapshot>, DocError> {
        self.request(|reply| DocCommand::RecordAt {
            ty,
            id,
            heads,
            reply,
        })
        .await
    }

    /// The words of a document's text changed from `from` to `to`, with who wrote or deleted
    /// each (see [`bureau_model::document_diff`]), on the reader thread. `None` when there is
    /// no such document or a head is not a change this document holds.
    pub async fn document_diff(
        &self,
        id: String,
        from: Vec<automerge::ChangeHash>,
        to: Vec<automerge::ChangeHash>,
    ) -> Result<Option<Vec<bureau_model::DiffPart>>, DocError> {
        self.request(|reply| DocCommand::DocumentDiff {
            id,
            from,
            to,
            reply,
        })
        .await
    }

    /// For each set of heads (hex, as peers announce them), how many of this document's changes
    /// are not among them or their ancestors, on the reader thread: how far behind a peer
    /// with those heads is. A head this document does not hold counts for nothing (the peer
    /// has a change this node lacks, which says nothing of what it lacks); one that is not hex
    /// is left out the same way.
    pub async fn behind(&self, heads: Vec<Vec<String>>) -> Result<Vec<usize>, DocError> {
        let heads = heads
            .iter()
            .map(|set| set.iter().filter_map(|h| h.parse().ok()).collect())
            .collect();
        self.request(|reply| DocCommand::Behind { heads, reply })
            .await
    }

    /// How many changes touched each record of `ty` (see [`bureau_model::ChangeCounts`]), on
    /// the reader thread, which keeps the counts and adds only the changes since it last
    /// counted. Every node holding the same changes answers the same; the counts only grow.
    pub async fn change_counts(
        &self,
        ty: RecordType,
    ) -> Result<Arc<bureau_model::ChangeCounts>, DocError> {
        self.request(|reply| DocCommand::ChangeCounts { ty, reply })
            .await
    }

    /// The next sync message for `peer` (encoded), or `None` when nothing is due. Refused
    /// for peers that are not unrevoked devices of the bureau.
    pub async fn sync_generate(&self, peer: &str) -> Result<Option<Vec<u8>>, DocError> {
        let peer = peer.to_owned();
        self.request(|reply| DocCommand::SyncGenerate { peer, reply })
            .await?
    }

    /// Applies a sync message from `peer`. The changes it carries are durable when this
    /// returns. An observer's changes are not applied.
    pub async fn sync_receive(
        &self,
        peer: &str,
        msg: automerge::sync::Message,
    ) -> Result<SyncProgress, DocError> {
        let peer = peer.to_owned();
        self.request(|reply| DocCommand::SyncReceive { peer, msg, reply })
            .await?
    }

    /// An outbox the actor fills with messages for `peer` as its changes become durable (see
    /// [`Outbox`]); dropping it stops that.
    pub async fn sync_outbox(&self, peer: &str) -> Result<Arc<Outbox>, DocError> {
        let outbox = Arc::new(Outbox::default());
        self.tx
            .send(DocCommand::SyncOutbox {
                peer: peer.to_owned(),
                outbox: Arc::downgrade(&outbox),
            })
            .await
            .map_err(|_| DocError::Closed)?;
        Ok(outbox)
    }

    /// Tells the actor the session with `peer` ended, so its sync state is saved. Cancel-safe.
    pub async fn sync_gone(&self, peer: &str) {
        let _ = self
            .tx
            .send(DocCommand::SyncGone {
                peer: peer.to_owned(),
            })
            .await;
    }

    /// Every change of the document, or only those `since_peer` is not known to hold (its
    /// sync state's shared heads; all of them when nothing is known), back to back as
    /// automerge stores them: a change bundle's payload.
    pub async fn bundle_changes(&self, since_peer: Option<String>) -> Result<Vec<u8>, DocError> {
        self.request(|reply| DocCommand::BundleChanges { since_peer, reply })
            .await
    }

    /// Applies a change bundle's changes (one automerge change per entry, already through
    /// the inflation guard), signed by the device `signer`, and returns once they are durable.
    /// Refused, with nothing written, when the signer is not an unrevoked device that may
    /// write, or automerge fails on a change.
    ///
    /// A node whose document holds no bureau yet (it joined one that has not arrived) takes
    /// changes only from `inviter`, the device that admitted it, as its sync does.
    pub async fn import_changes(
        &self,
        chunks: Vec<Vec<u8>>,
        signer: String,
        inviter: Option<String>,
    ) -> Result<ImportReport, DocError> {
        self.request(|reply| DocCommand::ImportChanges {
            chunks,
            signer,
            inviter,
            reply,
        })
        .await?
    }

    /// The bureau's bundle keys, as sealed in the document.
    pub async fn bundle_keys(&self) -> Result<Vec<bureau_model::BundleKeyRecord>, DocError> {
        self.request(|reply| DocCommand::BundleKeys { reply }).await
    }

    /// Adds a bundle key (sealed to devices by the caller) as this device's change, durable
    /// when this returns.
    pub async fn add_bundle_key(&self, key: bureau_model::BundleKeyRecord) -> Result<(), DocError> {
        self.request(|reply| DocCommand::AddBundleKey { key, reply })
            .await?
    }

    /// Asks the actor to recompute time-dependent findings. Cancel-safe.
    pub async fn tick(&self) -> Result<(), DocError> {
        self.tx
            .send(DocCommand::Tick)
            .await
            .map_err(|_| DocError::Closed)
    }
}

/// The niceness of the compaction child: it gets the CPU the node's own work leaves.
const COMPACTION_NICE: i32 = 10;

/// The command-line argument that makes the node's executable run [`compaction_child`].
pub const COMPACTION_CHILD_ARG: &str = "__bureau-compact";

/// Entry point of the compaction child process (`<exe> __bureau-compact <heads>`).
///
/// Reads the concatenated automerge files on stdin, loads them, checks that they reach exactly
/// `heads` (hex, comma-separated), saves the document, checks that the saved bytes load to the
/// same heads, and writes them to stdout. Exit code 0 on success; otherwise a message on
/// stderr and 1. Everything automerge allocated goes back to the system when it exits, and an
/// abort inside automerge costs only the child.
///
/// The child runs at a lower CPU priority (nice 10): a compaction is seconds of CPU on a
/// large bureau, and on a laptop's few cores it must not slow down the edits and syncs going
/// on meanwhile (it had doubled a thousand-change sync that happened to run beside one).
pub fn compaction_child(heads: &str) -> std::process::ExitCode {
    if let Err(e) = rustix::process::setpriority_process(None, COMPACTION_NICE) {
        eprintln!("compaction: could not lower the priority ({e}); going on");
    }
    match compaction::child(heads) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compaction: {}", WithCauses(&e));
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests;
