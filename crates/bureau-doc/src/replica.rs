//! A second copy of the document on a thread of its own, for the reads that walk all of it or
//! its past: a record's history (every change decoded), a full save, and a record as it was at
//! an edit form's heads. On the actor they held up every
//! edit and sync message behind them; here the actor only hands over what changed since the
//! copy last caught up.
//!
//! Invariants:
//! - The copy only ever holds changes that were durable when it was handed them: the actor
//!   serves reads after its batch's chunk is on disk.
//! - The actor owns the thread. A copy that died (a panic in a read) or was dropped after being
//!   idle is made again, from the whole document, on the next read; the reads queued behind a
//!   panic get [`DocError::Closed`](crate::DocError::Closed) and nothing else is lost.
//! - A record's history is cached with the heads it was computed at; the next request for it
//!   decodes only the changes since then. The change counts of a record type (a calendar
//!   feed's `SEQUENCE`) are kept the same way, as a whole.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use automerge::{AutoCommit, Automerge, Change, ChangeHash};
use bureau_model::automerge;
use bureau_model::{ChangeCounts, HistoryEntry, RecordType, Snapshot, history_of};
use tokio::sync::oneshot;
use tracing::{debug, error};

/// Records whose history is kept; the least recently asked for is dropped first.
const CACHED_RECORDS: usize = 256;

/// A copy nobody has read for this long is dropped (it costs as much memory as the document);
/// the next read makes it again.
pub(crate) const IDLE: Duration = Duration::from_secs(300);

/// What the copy is asked to do.
pub(crate) enum Read {
    History {
        ty: RecordType,
        id: String,
        reply: oneshot::Sender<Option<Vec<HistoryEntry>>>,
    },
    Save {
        reply: oneshot::Sender<Vec<u8>>,
    },
    /// The changes not among `heads` or their ancestors, back to back (a bundle's payload).
    Changes {
        heads: Vec<ChangeHash>,
        reply: oneshot::Sender<Vec<u8>>,
    },
    /// A record as it was at some heads (an edit form's).
    RecordAt {
        ty: RecordType,
        id: String,
        heads: Vec<ChangeHash>,
        reply: oneshot::Sender<Option<Snapshot>>,
    },
    /// A document's words changed between two heads, with their authors.
    DocumentDiff {
        id: String,
        from: Vec<ChangeHash>,
        to: Vec<ChangeHash>,
        reply: oneshot::Sender<Option<Vec<bureau_model::DiffPart>>>,
    },
    /// For each set of heads, how many of this document's changes are not among them or their
    /// ancestors: how far a peer that announced those heads is behind.
    Behind {
        heads: Vec<Vec<ChangeHash>>,
        reply: oneshot::Sender<Vec<usize>>,
    },
    /// How many changes touched each record of a type (calendar feeds' `SEQUENCE`).
    ChangeCounts {
        ty: RecordType,
        reply: oneshot::Sender<Arc<ChangeCounts>>,
    },
    /// Holds the thread until the sender is dropped or sends: lets a test show that a read in
    /// progress does not hold up the actor.
    #[cfg(test)]
    Hold(std::sync::mpsc::Receiver<()>),
}

enum Job {
    /// Replaces the copy (and forgets every cached history).
    Whole(Box<Automerge>),
    /// Changes since the copy's heads, in causal order.
    Changes(Vec<Change>),
    Read(Read),
    /// Forget the copy and the cache until the next `Whole`.
    Drop,
}

/// The actor's side: the thread and what the copy holds.
pub(crate) struct Replica {
    worker: Option<(mpsc::Sender<Job>, std::thread::JoinHandle<()>)>,
    /// Heads of the copy, as last handed over; `None` when it holds nothing.
    heads: Option<Vec<ChangeHash>>,
    last_read: Instant,
    /// When a read other than a whole-document one (a history, an edit form's record, a
    /// diff, the board's or the feeds' counts) last came: someone is using the copy.
    last_browsed: Option<Instant>,
    /// The binary's allocator hook ([`crate::DocConfig::release_memory`]): the thread calls
    /// it right after letting its copy go, or the freed copy (the document's size) would stay
    /// in the heap until something else handed memory back.
    release: Option<fn()>,
}

impl Replica {
    pub(crate) fn new(release: Option<fn()>) -> Self {
        Replica {
            worker: None,
            heads: None,
            last_read: Instant::now(),
            last_browsed: None,
            release,
        }
    }

    /// Brings the copy up to `doc` and queues `read` on it.
    ///
    /// A whole-document read (a save: a backup or an export; a bundle's changes) while nobody
    /// has browsed the copy for [`IDLE`] drops it again right after: such reads come hours
    /// apart, and the copy costs as much memory as the document (15 MB at the benchmark's
    /// size m), which it would otherwise hold for five minutes each time.
    pub(crate) fn read(&mut self, doc: &mut AutoCommit, read: Read) {
        let now = Instant::now();
        self.last_read = now;
        let whole = matches!(read, Read::Save { .. } | Read::Changes { .. });
        if !whole {
            self.last_browsed = Some(now);
        }
        let lone = whole && self.last_browsed.is_none_or(|at| at.elapsed() >= IDLE);
        let mut job = Some(Job::Read(read));
        // Twice at most: a thread found dead is replaced once.
        for _ in 0..2 {
            let Some(update) = self.update(doc) else {
                return;
            };
            let Some((tx, _)) = &self.worker else { return };
            let sent = match update {
                Some(u) => tx.send(u).is_ok(),
                None => true,
            };
            if sent && let Some(j) = job.take() {
                match tx.send(j) {
                    Ok(()) => {
                        // After the read, in order: the thread answers it first.
                        if lone && tx.send(Job::Drop).is_ok() {
                            self.heads = None;
                        }
                        return;
                    }
                    Err(mpsc::SendError(j)) => job = Some(j),
                }
            }
            // The thread is gone (a read panicked): reap it and start again from the whole
            // document.
            self.reap();
        }
        if let Some(Job::Read(read)) = job {
            error!("the document's reader thread cannot be started; the read is refused");
            drop(read);
        }
    }

    /// The update that brings the copy to `doc` (`Some(None)`: none needed), starting the
    /// thread if there is none. `None` if no thread can be started.
    fn update(&mut self, doc: &mut AutoCommit) -> Option<Option<Job>> {
        if self.worker.is_none() {
            let (tx, rx) = mpsc::channel();
            let release = self.release;
            let thread = std::thread::Builder::new()
                .name("bureau-doc-reader".to_owned())
                .spawn(move || work(rx, release));
            match thread {
                Ok(handle) => self.worker = Some((tx, handle)),
                Err(e) => {
                    error!(%e, "cannot start the document's reader thread");
                    return None;
                }
            }
            self.heads = None;
        }
        let now = doc.get_heads();
        let update = match &self.heads {
            Some(h) if *h == now => None,
            // Every head the copy has must still be in the document (a reload after a
            // refused peer message rebuilds it from disk, which holds all the copy was given;
            // checked rather than trusted, since `get_changes` from unknown heads would send
            // everything as if new).
            Some(h) if h.iter().all(|x| doc.get_change_meta_by_hash(x).is_some()) => {
                Some(Job::Changes(doc.get_changes(h)))
            }
            _ => Some(Job::Whole(Box::new(doc.document().clone()))),
        };
        self.heads = Some(now);
        Some(update)
    }

    fn reap(&mut self) {
        if let Some((tx, handle)) = self.worker.take() {
            drop(tx);
            // The thread has ended (its receiver is gone) or ends now that its sender is.
            if handle.join().is_err() {
                debug!("the document's reader thread had panicked");
            }
        }
        self.heads = None;
    }

    /// Lets go of the copy's memory when nobody has read from it for `idle` ([`IDLE`]).
    pub(crate) fn drop_if_idle(&mut self, idle: Duration) {
        if self.heads.is_some()
            && self.last_read.elapsed() >= idle
            && let Some((tx, _)) = &self.worker
        {
            if tx.send(Job::Drop).is_err() {
                self.reap();
            }
            self.heads = None;
        }
    }
}

/// The change counts of one record type, with the heads they were counted at.
struct Counted {
    heads: Vec<ChangeHash>,
    counts: Arc<ChangeCounts>,
}

/// What the thread keeps between reads, forgotten whenever the copy is replaced.
#[derive(Default)]
struct Caches {
    histories: HashMap<(RecordType, String), Cached>,
    counts: HashMap<RecordType, Counted>,
}

impl Caches {
    fn clear(&mut self) {
        self.histories.clear();
        self.counts.clear();
    }
}

/// One cached history.
struct Cached {
    heads: Vec<ChangeHash>,
    entries: Option<Vec<HistoryEntry>>,
    used: u64,
}

/// The thread: applies updates in order and answers reads from its copy.
fn work(rx: mpsc::Receiver<Job>, release: Option<fn()>) {
    let mut doc: Option<Automerge> = None;
    let mut cache = Caches::default();
    let mut clock = 0u64;
    while let Ok(job) = rx.recv() {
        let done = catch_unwind(AssertUnwindSafe(|| match job {
            Job::Whole(d) => {
                doc = Some(*d);
                cache.clear();
                true
            }
            Job::Changes(changes) => {
                if let Some(d) = doc.as_mut()
                    && let Err(e) = d.apply_changes(changes)
                {
                    // They were applied on the actor, so this is a defect: start afresh.
                    error!(%e, "the document's reader could not apply changes the actor holds");
                    return false;
                }
                true
            }
            Job::Drop => {
                doc = None;
                cache.clear();
                if let Some(release) = release {
                    release();
                }
                true
            }
            Job::Read(read) => {
                let Some(d) = doc.as_ref() else {
                    // Only after a `Drop` that the actor's next read always follows with
                    // `Whole`; answering nothing is the safe side.
                    return true;
                };
                clock += 1;
                answer(d, &mut cache, clock, read);
                true
            }
        }));
        match done {
            Ok(true) => {}
            Ok(false) => return,
            Err(_) => {
                error!(
                    "a read of the whole document failed; its copy is made again on the next read"
                );
                return;
            }
        }
    }
}

fn answer(doc: &Automerge, cache: &mut Caches, clock: u64, read: Read) {
    match read {
        Read::Save { reply } => {
            let _ = reply.send(doc.save());
        }
        Read::Changes { heads, reply } => {
            let mut out = Vec::new();
            for c in doc.get_changes(&heads) {
                out.extend_from_slice(c.raw_bytes());
            }
            let _ = reply.send(out);
        }
        Read::History { ty, id, reply } => {
            let _ = reply.send(history(doc, &mut cache.histories, clock, ty, id));
        }
        Read::ChangeCounts { ty, reply } => {
            let _ = reply.send(change_counts(doc, &mut cache.counts, ty));
        }
        Read::RecordAt {
            ty,
            id,
            heads,
            reply,
        } => {
            let _ = reply.send(Snapshot::record_at(doc, &heads, ty, &id));
        }
        Read::DocumentDiff {
            id,
            from,
            to,
            reply,
        } => {
            let author_of = |actor: &automerge::ActorId| {
                doc.get_author_for_actor(actor)
                    .map(|a| String::from_utf8_lossy(a.as_bytes()).into_owned())
            };
            // Changes after `from` only: unknown heads are refused by the diff itself.
            let known = from
                .iter()
                .all(|h| automerge::ReadDoc::get_change_by_hash(doc, h).is_some());
            let changes = if known {
                doc.get_changes(&from)
            } else {
                Vec::new()
            };
            let _ = reply.send(bureau_model::document_diff(
                doc, &changes, &id, &from, &to, &author_of,
            ));
        }
        Read::Behind { heads, reply } => {
            let counts = heads
                .iter()
                .map(|set| {
                    // Heads this copy does not hold are changes the peer has and this node
                    // lacks: they say nothing of what the peer lacks, so only the known ones
                    // count.
                    let known: Vec<ChangeHash> = set
                        .iter()
                        .filter(|h| automerge::ReadDoc::get_change_by_hash(doc, h).is_some())
                        .copied()
                        .collect();
                    doc.get_changes(&known).len()
                })
                .collect();
            let _ = reply.send(counts);
        }
        #[cfg(test)]
        Read::Hold(release) => {
            let _ = release.recv();
        }
    }
}

/// The counts of `ty` at the copy's heads: those kept, with the changes since added (a copy
/// only ever gains changes until it is replaced, which forgets the counts).
fn change_counts(
    doc: &Automerge,
    cache: &mut HashMap<RecordType, Counted>,
    ty: RecordType,
) -> Arc<ChangeCounts> {
    let heads = doc.get_heads();
    let counted = cache.entry(ty).or_insert_with(|| Counted {
        heads: Vec::new(),
        counts: Arc::new(ChangeCounts::new(ty)),
    });
    if counted.heads != heads {
        let newer = doc.get_changes(&counted.heads);
        Arc::make_mut(&mut counted.counts).add(&newer);
        counted.heads = heads;
    }
    counted.counts.clone()
}

fn history(
    doc: &Automerge,
    cache: &mut HashMap<(RecordType, String), Cached>,
    clock: u64,
    ty: RecordType,
    id: String,
) -> Option<Vec<HistoryEntry>> {
    let heads = doc.get_heads();
    let author_of = |actor: &automerge::ActorId| {
        doc.get_author_for_actor(actor)
            .map(|a| String::from_utf8_lossy(a.as_bytes()).into_owned())
    };
    let key = (ty, id);
    let entries = match cache.get(&key) {
        Some(c) if c.heads == heads => c.entries.clone(),
        // Only what came since: a record that existed then still does (records are archived,
        // never removed), so its entries grow at the end.
        Some(Cached {
            heads: was,
            entries: Some(old),
            ..
        }) => {
            let newer = doc.get_changes(was);
            history_of(doc, &newer, ty, &key.1, &author_of).map(|more| {
                let mut all = old.clone();
                all.extend(more);
                all
            })
        }
        _ => history_of(doc, &doc.get_changes(&[]), ty, &key.1, &author_of),
    };
    if cache.len() >= CACHED_RECORDS
        && !cache.contains_key(&key)
        && let Some(oldest) = cache
            .iter()
            .min_by_key(|(_, c)| c.used)
            .map(|(k, _)| k.clone())
    {
        cache.remove(&oldest);
    }
    cache.insert(
        key,
        Cached {
            heads,
            entries: entries.clone(),
            used: clock,
        },
    );
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn save(replica: &mut Replica, doc: &mut AutoCommit) -> Vec<u8> {
        let (reply, rx) = oneshot::channel();
        replica.read(doc, Read::Save { reply });
        rx.blocking_recv().expect("the save is answered")
    }

    fn history(replica: &mut Replica, doc: &mut AutoCommit) {
        let (reply, rx) = oneshot::channel();
        let (ty, id) = (RecordType::Member, "m1".to_owned());
        replica.read(doc, Read::History { ty, id, reply });
        rx.blocking_recv().expect("the history is answered");
    }

    /// A lone save (a backup) answers and lets the copy go; once someone browses histories,
    /// the copy stays for the next read, saves included, until it has been idle.
    #[test]
    fn a_lone_save_lets_the_copy_go_and_browsing_keeps_it() {
        let mut doc = AutoCommit::new();
        automerge::transaction::Transactable::put(&mut doc, automerge::ROOT, "k", "v")
            .expect("put");
        static RELEASED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        fn release() {
            RELEASED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        let released = || RELEASED.load(std::sync::atomic::Ordering::SeqCst);
        let mut replica = Replica::new(Some(release));

        let saved = save(&mut replica, &mut doc);
        assert_eq!(saved, doc.save(), "the save is the document's");
        assert!(replica.heads.is_none(), "a lone save keeps no copy");
        // The thread drops the copy after answering, then hands the memory back.
        let deadline = Instant::now() + Duration::from_secs(10);
        while released() == 0 {
            assert!(
                Instant::now() < deadline,
                "the copy's memory was not handed back"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(replica.worker.is_some(), "the thread stays, empty");

        history(&mut replica, &mut doc);
        assert!(replica.heads.is_some(), "a history keeps the copy");
        save(&mut replica, &mut doc);
        assert!(
            replica.heads.is_some(),
            "a save while browsing keeps it too"
        );
        assert_eq!(released(), 1, "nothing was let go while browsing");

        // Browsing long ago: the next save is lone again.
        replica.last_browsed = Instant::now().checked_sub(IDLE);
        save(&mut replica, &mut doc);
        assert!(replica.heads.is_none());
        while released() < 2 {
            assert!(
                Instant::now() < deadline,
                "the copy's memory was not handed back"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        // And the copy is made again for the next read.
        history(&mut replica, &mut doc);
        assert!(replica.heads.is_some());
        replica.reap();
    }
}
