//! Compaction off the actor's thread.
//!
//! Compacting means rewriting the whole document as one snapshot and proving the snapshot
//! good by loading it again: seconds of automerge work on a large bureau, during which an
//! actor doing it itself would serve no edit and no sync message. So the actor only reserves
//! a compaction ([`Store::begin_compaction`]) and commits it once it is done
//! ([`Store::commit_compaction`]); neither writes a file, so both take microseconds. A worker
//! thread, `bureau-compact`, does everything else, from the durable files alone:
//!
//! 1. reads every snapshot generation and the chunks up to the actor's last written sequence
//!    number, and loads them with automerge,
//! 2. checks that no change in them waits for a dependency (it would be left out, and its
//!    file deleted), and that they give exactly the heads the actor had persisted when it
//!    reserved the compaction, so the snapshot holds everything the files it replaces held,
//! 3. saves the document, writes the bytes as the new generation under a temp name, reads
//!    them back, loads them again and compares the heads once more, and only then renames
//!    the file to its final name;
//!
//! then hands the outcome back and rings the actor through its command queue
//! ([`DocCommand::Compacted`]). After the actor's commit the worker also runs the store's
//! [`bureau_store::Cleanup`]: the sequence floor, then deleting the replaced chunks (hundreds
//! of unlinks, which a busy disk can make take most of a second).
//!
//! At most one compaction is in flight. Edits go on meanwhile: their chunks get higher
//! sequence numbers than the compaction covers and are kept. A failed compaction leaves the
//! files as they were and is retried after [`RETRY_AFTER`].
//!
//! When the actor stops, it cancels a compaction in flight and waits for the worker (it stops
//! at its next step) before releasing the store, so no thread writes into a data directory
//! the node no longer holds. A crash at any point is harmless: before the rename there is
//! only a temp file, swept at the next open; after it, a verified snapshot holding only
//! changes that were already durable in the chunks still next to it.

// A compaction's error is made at most once per compaction, off the actor; automerge's error
// in it stays unboxed, so that whoever walks the causes can downcast to it.
#![allow(clippy::result_large_err)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use automerge::{Automerge, ChangeHash};
use bureau_model::automerge;
use bureau_model::guard::guarded;
use bureau_store::{Cleanup, CompactionJob, Store, StoreError, VerifiedSnapshot};
use tokio::sync::mpsc;
use tracing::{debug, error, warn};

use crate::{DocCommand, DocConfig, WithCauses};

/// Pause after a failed compaction before the next try. Failures come from the disk (full,
/// failing) or from files that changed under us; retrying after every batch would keep a
/// core busy rewriting the document for nothing.
pub(crate) const RETRY_AFTER: Duration = Duration::from_secs(60);

/// The actor's side of compaction: the worker thread and the compaction in flight.
pub(crate) struct Compactor {
    /// Rings the actor when a compaction ends. Weak, so the worker never keeps the actor
    /// alive after every handle is gone.
    wake: mpsc::WeakSender<DocCommand>,
    /// Started with the first compaction.
    worker: Option<Worker>,
    in_flight: Option<InFlight>,
    /// No new compaction starts before this, after a failure.
    retry_at: Option<Instant>,
    hook: Hook,
    /// Where snapshots are built ([`DocConfig::compact_exe`]).
    exe: Option<std::path::PathBuf>,
}

/// The test hook handed to each compaction; empty outside tests.
#[derive(Clone, Debug, Default)]
struct Hook {
    #[cfg(test)]
    gate: Option<Arc<Gate>>,
}

struct Worker {
    /// Work in order: a cleanup queued before the next compaction runs before it.
    work: std_mpsc::Sender<Work>,
    /// Outcomes of compactions, each sent before the doorbell rings.
    done: std_mpsc::Receiver<Done>,
    thread: JoinHandle<()>,
}

struct InFlight {
    generation: u64,
    cancel: Arc<AtomicBool>,
    started: Instant,
}

enum Work {
    Compact {
        job: CompactionJob,
        heads: Vec<ChangeHash>,
        cancel: Arc<AtomicBool>,
        hook: Hook,
        exe: Option<std::path::PathBuf>,
    },
    Clean(Cleanup),
}

struct Done {
    generation: u64,
    result: Result<VerifiedSnapshot, CompactionError>,
}

/// Why a compaction failed; the files are as they were either way. The store's, the system's
/// and automerge's errors are kept as sources, and the log line shows the whole chain
/// ([`WithCauses`]). What the child process said arrives as its text.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CompactionError {
    /// Reading the files, writing the snapshot or committing it.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// automerge refused `what` (the files, or the saved snapshot).
    #[error("automerge refused {what}")]
    Refused {
        what: &'static str,
        #[source]
        source: automerge::AutomergeError,
    },
    /// automerge panicked (`what`: on which bytes, or while saving); caught by the input
    /// guard, which gives the panic's message.
    #[error("automerge failed {what}: {message}")]
    Panicked { what: &'static str, message: String },
    /// Changes in the files wait for dependencies no file holds.
    #[error("{0} changes in the files wait for changes no file holds; nothing is compacted")]
    Waiting(usize),
    /// The files do not reach the heads the actor made durable.
    #[error("the files do not hold the document the actor has on disk")]
    OtherHeads,
    /// The saved bytes do not load back to the same heads.
    #[error("the saved snapshot does not load to the same heads")]
    SavedDiffers,
    /// A head given to the child process is not a change hash.
    #[error("bad head {head:?}")]
    BadHead {
        head: String,
        #[source]
        source: automerge::ParseChangeHashError,
    },
    /// An I/O step of the child process or of talking to it: `doing` says which.
    #[error("{doing}")]
    Io {
        doing: String,
        #[source]
        source: std::io::Error,
    },
    /// The child process could not be driven (no pipes, a poisoned lock, a feeder thread
    /// that died): what went wrong.
    #[error("{0}")]
    Child(&'static str),
    /// The child process ended with a failure; what it wrote to its standard error.
    #[error("the compaction child failed ({status}): {stderr}")]
    ChildFailed {
        status: std::process::ExitStatus,
        stderr: String,
    },
    /// Some chunks were missing from the files read: said after the failure it explains
    /// (and that failure's causes).
    #[error("{} ({missing} chunks were missing)", WithCauses(source_of(.source)))]
    Missing {
        missing: usize,
        #[source]
        source: Box<CompactionError>,
    },
    /// The node is stopping.
    #[error("cancelled: the node is stopping")]
    Cancelled,
    /// A defect: the compaction panicked outside automerge's guard.
    #[error("the compaction panicked")]
    WorkerPanicked,
}

/// `source` as a plain error, for [`WithCauses`].
fn source_of(source: &CompactionError) -> &(dyn std::error::Error + 'static) {
    source
}

impl CompactionError {
    fn io(doing: impl Into<String>, source: std::io::Error) -> CompactionError {
        CompactionError::Io {
            doing: doing.into(),
            source,
        }
    }
}

impl std::fmt::Debug for Compactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compactor")
            .field("in_flight", &self.in_flight.as_ref().map(|r| r.generation))
            .field("retry_at", &self.retry_at)
            .finish()
    }
}

impl Compactor {
    pub(crate) fn new(wake: mpsc::WeakSender<DocCommand>, config: &DocConfig) -> Compactor {
        Compactor {
            wake,
            worker: None,
            in_flight: None,
            retry_at: None,
            hook: Hook {
                #[cfg(test)]
                gate: config.compaction_gate.clone(),
            },
            exe: config.compact_exe.clone(),
        }
    }

    /// Starts a background compaction of the files up to chunk `last_seq`, which together
    /// hold the document at `heads` (the actor's persisted heads), unless one is in flight
    /// or a failed one is still waiting out [`RETRY_AFTER`].
    pub(crate) fn start(&mut self, store: &mut Store, last_seq: u64, heads: &[ChangeHash]) {
        if self.in_flight.is_some() || self.retry_at.is_some_and(|t| Instant::now() < t) {
            return;
        }
        let started = Instant::now();
        if self.worker.is_none() {
            match spawn_worker(self.wake.clone()) {
                Ok(worker) => self.worker = Some(worker),
                Err(e) => {
                    warn!(error = %WithCauses(&e), "could not start the compaction thread");
                    self.retry_at = Some(started + RETRY_AFTER);
                    return;
                }
            }
        }
        let Some(worker) = &self.worker else { return };
        let job = match store.begin_compaction(last_seq) {
            Ok(job) => job,
            Err(e) => {
                warn!(error = %WithCauses(&e), "could not begin a compaction");
                self.retry_at = Some(started + RETRY_AFTER);
                return;
            }
        };
        let generation = job.generation();
        let cancel = Arc::new(AtomicBool::new(false));
        let work = Work::Compact {
            job,
            heads: heads.to_vec(),
            cancel: cancel.clone(),
            hook: self.hook.clone(),
            exe: self.exe.clone(),
        };
        if worker.work.send(work).is_err() {
            // The worker is gone (it panicked); the job was dropped with the message, so
            // nothing was written. `finish` reaps the worker.
            self.retry_at = Some(started + RETRY_AFTER);
            return;
        }
        debug!(
            generation,
            last_seq,
            actor_us = started.elapsed().as_micros() as u64,
            "started a background compaction"
        );
        self.in_flight = Some(InFlight {
            generation,
            cancel,
            started,
        });
    }

    /// Commits every compaction the worker has finished (at most one) and queues its cleanup
    /// on the worker. Cheap when there is none: a channel poll.
    pub(crate) fn finish(&mut self, store: &mut Store) {
        let Some(worker) = &self.worker else { return };
        let mut finished = Vec::new();
        let gone = loop {
            match worker.done.try_recv() {
                Ok(done) => finished.push(done),
                Err(std_mpsc::TryRecvError::Empty) => break false,
                Err(std_mpsc::TryRecvError::Disconnected) => break true,
            }
        };
        for done in finished {
            if let Some(cleanup) = self.settle(store, done) {
                self.clean(cleanup);
            }
        }
        if gone {
            error!("the compaction thread died; it is restarted with the next compaction");
            if self.in_flight.take().is_some() {
                self.retry_at = Some(Instant::now() + RETRY_AFTER);
            }
            if let Some(worker) = self.worker.take() {
                let _ = worker.thread.join();
            }
        }
    }

    /// At shutdown: cancels the compaction in flight and waits for the worker (it stops at
    /// its next step, after any queued cleanup), committing the compaction if it had already
    /// succeeded. Afterwards nothing but the actor touches the store, so dropping the store
    /// really releases the directory.
    pub(crate) fn stop(&mut self, store: &mut Store) {
        if let Some(in_flight) = &self.in_flight {
            in_flight.cancel.store(true, Ordering::Relaxed);
        }
        let Some(Worker { work, done, thread }) = self.worker.take() else {
            return;
        };
        drop(work);
        if thread.join().is_err() {
            error!("the compaction thread panicked");
        }
        while let Ok(done) = done.try_recv() {
            if let Some(cleanup) = self.settle(store, done)
                && let Err(e) = cleanup.run()
            {
                warn!(error = %WithCauses(&e), "could not delete the files a compaction replaced");
            }
        }
    }

    /// Commits a finished compaction (returning the disk work left), or records its failure.
    fn settle(&mut self, store: &mut Store, done: Done) -> Option<Cleanup> {
        let Done { generation, result } = done;
        let in_flight = self.in_flight.take();
        let cancelled = in_flight
            .as_ref()
            .is_some_and(|f| f.cancel.load(Ordering::Relaxed));
        let background_ms = in_flight.map_or(0, |f| f.started.elapsed().as_millis() as u64);
        let committing = Instant::now();
        let failure = match result {
            Ok(verified) => match store.commit_compaction(verified) {
                Ok(cleanup) => {
                    debug!(
                        generation,
                        background_ms,
                        commit_us = committing.elapsed().as_micros() as u64,
                        "committed a background compaction"
                    );
                    self.retry_at = None;
                    return Some(cleanup);
                }
                Err(e) => CompactionError::Store(e),
            },
            Err(reason) if cancelled => {
                debug!(generation, reason = %WithCauses(&reason), "compaction cancelled");
                return None;
            }
            Err(reason) => reason,
        };
        warn!(generation, reason = %WithCauses(&failure), "compaction failed; nothing was deleted, it is retried later");
        self.retry_at = Some(Instant::now() + RETRY_AFTER);
        None
    }

    /// Hands a cleanup to the worker, or runs it here if the worker is gone.
    fn clean(&mut self, cleanup: Cleanup) {
        let cleanup = match &self.worker {
            Some(worker) => {
                let Err(std_mpsc::SendError(Work::Clean(cleanup))) =
                    worker.work.send(Work::Clean(cleanup))
                else {
                    return;
                };
                cleanup
            }
            None => cleanup,
        };
        if let Err(e) = cleanup.run() {
            warn!(error = %WithCauses(&e), "could not delete the files a compaction replaced");
        }
    }
}

impl Drop for Compactor {
    /// Only matters if the actor thread dies by a panic (`stop` has emptied everything
    /// otherwise): the compaction in flight stops early, and the worker ends once its queue is
    /// done. The jobs and cleanups it still holds keep the directory locked until then.
    fn drop(&mut self) {
        if let Some(in_flight) = &self.in_flight {
            in_flight.cancel.store(true, Ordering::Relaxed);
        }
    }
}

fn spawn_worker(wake: mpsc::WeakSender<DocCommand>) -> std::io::Result<Worker> {
    let (work_tx, work_rx) = std_mpsc::channel();
    let (done_tx, done_rx) = std_mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("bureau-compact".to_owned())
        .spawn(move || work(&work_rx, &done_tx, &wake))?;
    Ok(Worker {
        work: work_tx,
        done: done_rx,
        thread,
    })
}

/// The worker's loop: runs queued work until the actor drops its sender.
fn work(
    queue: &std_mpsc::Receiver<Work>,
    done: &std_mpsc::Sender<Done>,
    wake: &mpsc::WeakSender<DocCommand>,
) {
    while let Ok(item) = queue.recv() {
        match item {
            Work::Compact {
                job,
                heads,
                cancel,
                hook,
                exe,
            } => {
                let generation = job.generation();
                let result = catch_unwind(AssertUnwindSafe(|| {
                    compact(job, &heads, &cancel, hook, exe.as_deref())
                }))
                .unwrap_or(Err(CompactionError::WorkerPanicked));
                if done.send(Done { generation, result }).is_err() {
                    return;
                }
                // The outcome is in the channel before the actor wakes. Blocking is fine on
                // this thread and cannot deadlock: while a strong sender exists the actor
                // drains the queue, and at shutdown, when it waits for this thread, none is
                // left and `upgrade` fails.
                if let Some(tx) = wake.upgrade() {
                    let _ = tx.blocking_send(DocCommand::Compacted);
                }
            }
            Work::Clean(cleanup) => match catch_unwind(AssertUnwindSafe(|| cleanup.run())) {
                Ok(Ok(())) => {}
                // Only surplus files are left; a later compaction removes them.
                Ok(Err(e)) => {
                    warn!(error = %WithCauses(&e), "could not delete the files a compaction replaced");
                }
                Err(_) => error!("deleting the files a compaction replaced panicked"),
            },
        }
    }
}

/// Loads a whole document strictly, turning an automerge panic into an error.
fn load(bytes: &[u8]) -> Result<Automerge, CompactionError> {
    let options = automerge::LoadOptions::new().on_partial_load(automerge::OnPartialLoad::Error);
    match guarded(|| Automerge::load_with_options(bytes, options)) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(source)) => Err(CompactionError::Refused { what: "it", source }),
        Err(message) => Err(CompactionError::Panicked {
            what: "on it",
            message,
        }),
    }
}

/// The automerge side of a compaction: the files' bytes (a snapshot and chunks, concatenated)
/// to the bytes of one saved document, checked to reach exactly `heads`, before and after
/// saving.
fn build_snapshot(
    files: &[u8],
    heads: &[ChangeHash],
    cancelled: &dyn Fn() -> Result<(), CompactionError>,
) -> Result<Vec<u8>, CompactionError> {
    // One call for everything: automerge then applies the chunks' changes as one batch,
    // where a call per chunk costs a pass over the whole document each. A chunk automerge
    // cannot read stops the load there; the heads below tell.
    let doc = match guarded(|| Automerge::load(files)) {
        Ok(Ok(doc)) => doc,
        Ok(Err(source)) => {
            return Err(CompactionError::Refused {
                what: "the files",
                source,
            });
        }
        Err(message) => {
            return Err(CompactionError::Panicked {
                what: "on the files",
                message,
            });
        }
    };
    // Changes that wait for dependencies no file holds would be left out of the snapshot,
    // and the files holding them deleted: never compact a file whose changes did not apply.
    let waiting = doc.queued_changes().len();
    if waiting > 0 {
        return Err(CompactionError::Waiting(waiting));
    }
    // The files must hold exactly what the actor has made durable: then the snapshot replaces
    // the chunks without losing or inventing anything. A chunk quarantined or changed since
    // the actor loaded it shows here, and so would a missing chunk the snapshot lacks.
    if doc.get_heads() != heads {
        return Err(CompactionError::OtherHeads);
    }
    cancelled()?;
    let bytes = guarded(|| doc.save()).map_err(|message| CompactionError::Panicked {
        what: "while saving",
        message,
    })?;
    drop(doc);
    cancelled()?;
    if !load(&bytes).is_ok_and(|d| d.get_heads() == heads) {
        return Err(CompactionError::SavedDiffers);
    }
    Ok(bytes)
}

/// The child process's side (see [`crate::compaction_child`]).
pub(crate) fn child(heads: &str) -> Result<(), CompactionError> {
    use std::io::{Read, Write};
    let heads: Vec<ChangeHash> = heads
        .split(',')
        .filter(|h| !h.is_empty())
        .map(|h| {
            h.parse().map_err(|source| CompactionError::BadHead {
                head: h.to_owned(),
                source,
            })
        })
        .collect::<Result<_, _>>()?;
    let mut files = Vec::new();
    std::io::stdin()
        .read_to_end(&mut files)
        .map_err(|e| CompactionError::io("cannot read the files", e))?;
    let bytes = build_snapshot(&files, &heads, &|| Ok(()))?;
    drop(files);
    let mut out = std::io::stdout().lock();
    out.write_all(&bytes)
        .and_then(|()| out.flush())
        .map_err(|e| CompactionError::io("cannot hand the snapshot over", e))
}

/// Runs [`build_snapshot`] in a child process of `exe`, so that the memory automerge needs
/// for it (several times the document's size) is returned to the system afterwards; a
/// cancellation kills the child.
fn build_in_child(
    exe: &std::path::Path,
    files: &[u8],
    heads: &[ChangeHash],
    cancel: &AtomicBool,
) -> Result<Vec<u8>, CompactionError> {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let heads_arg = heads
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let mut child = Command::new(exe)
        .arg(crate::COMPACTION_CHILD_ARG)
        .arg(heads_arg)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| CompactionError::io(format!("cannot start {}", exe.display()), e))?;
    let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(CompactionError::Child("the compaction child has no pipes"));
    };
    // Output is read on this thread while a helper feeds the input, so neither pipe can fill
    // up and stall the other side; a watcher kills the child if the node stops meanwhile.
    let child = std::sync::Mutex::new(child);
    let finished = AtomicBool::new(false);
    let result = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !finished.load(Ordering::Relaxed) {
                if cancel.load(Ordering::Relaxed) {
                    if let Ok(mut c) = child.lock() {
                        let _ = c.kill();
                    }
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let feeder = scope.spawn(move || stdin.write_all(files));
        let errors = scope.spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let mut bytes = Vec::new();
        let read = stdout.read_to_end(&mut bytes);
        let fed = feeder.join();
        let errors = errors.join().unwrap_or_default();
        finished.store(true, Ordering::Relaxed);
        (read, fed, errors, bytes)
    });
    let status = child
        .into_inner()
        .map_err(|_| CompactionError::Child("the compaction child's lock was poisoned"))?
        .wait()
        .map_err(|e| CompactionError::io("cannot wait for the compaction child", e))?;
    let (read, fed, errors, bytes) = result;
    if cancel.load(Ordering::Relaxed) {
        return Err(CompactionError::Cancelled);
    }
    if !status.success() {
        return Err(CompactionError::ChildFailed {
            status,
            stderr: errors.trim().to_owned(),
        });
    }
    read.map_err(|e| CompactionError::io("cannot read the compaction child's output", e))?;
    match fed {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            return Err(CompactionError::io(
                "cannot hand the files to the compaction child",
                e,
            ));
        }
        Err(_) => {
            return Err(CompactionError::Child(
                "cannot hand the files to the compaction child",
            ));
        }
    }
    Ok(bytes)
}

/// One compaction on the worker: the files to a verified snapshot (see the module docs).
fn compact(
    job: CompactionJob,
    heads: &[ChangeHash],
    cancel: &AtomicBool,
    hook: Hook,
    exe: Option<&std::path::Path>,
) -> Result<VerifiedSnapshot, CompactionError> {
    let cancelled = || {
        if cancel.load(Ordering::Relaxed) {
            Err(CompactionError::Cancelled)
        } else {
            Ok(())
        }
    };
    let inputs = job.read_inputs()?;
    cancelled()?;
    let files: Vec<u8> = inputs
        .snapshots
        .iter()
        .chain(&inputs.chunks)
        .flat_map(|f| f.bytes.iter().copied())
        .collect();
    let missing = inputs.missing.len();
    drop(inputs);
    let bytes = match exe {
        Some(exe) => build_in_child(exe, &files, heads, cancel),
        None => build_snapshot(&files, heads, &cancelled),
    }
    .map_err(|e| {
        if missing > 0 {
            CompactionError::Missing {
                missing,
                source: Box::new(e),
            }
        } else {
            e
        }
    })?;
    drop(files);
    #[cfg(test)]
    if let Some(gate) = &hook.gate {
        gate.pass(cancel);
    }
    #[cfg(not(test))]
    let _ = hook;
    cancelled()?;
    // `build_snapshot` loaded the bytes and compared the heads already; the store still
    // checks that what it reads back from disk is exactly those bytes.
    Ok(job.write_snapshot(&bytes, |payload| {
        !cancel.load(Ordering::Relaxed) && payload == bytes.as_slice()
    })?)
}

/// Test hook: holds a compaction after it saved the document and before it writes the
/// snapshot, until the test opens the gate or the compaction is cancelled. Lets a test act
/// while a compaction is certainly in flight.
#[cfg(test)]
#[derive(Debug, Default)]
pub(crate) struct Gate {
    /// (reached, open)
    state: std::sync::Mutex<(bool, bool)>,
    changed: std::sync::Condvar,
}

#[cfg(test)]
impl Gate {
    /// Waits until a compaction reached the gate; false if none did within `timeout`.
    pub(crate) fn wait_reached(&self, timeout: Duration) -> bool {
        let state = self.state.lock().expect("gate lock");
        let (state, _) = self
            .changed
            .wait_timeout_while(state, timeout, |s| !s.0)
            .expect("gate lock");
        state.0
    }

    /// Lets held and later compactions through.
    pub(crate) fn open(&self) {
        self.state.lock().expect("gate lock").1 = true;
        self.changed.notify_all();
    }

    fn pass(&self, cancel: &AtomicBool) {
        let mut state = self.state.lock().expect("gate lock");
        state.0 = true;
        self.changed.notify_all();
        // Polls the cancel flag, which does not notify the condition variable.
        while !state.1 && !cancel.load(Ordering::Relaxed) {
            state = self
                .changed
                .wait_timeout(state, Duration::from_millis(10))
                .expect("gate lock")
                .0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compaction's failure keeps the system's error under it, and its log line names it
    /// once, with the count of missing chunks after the whole failure as before.
    #[test]
    fn a_failed_compaction_keeps_its_cause_and_says_it_in_one_line() {
        let exe = std::path::Path::new("/nonexistent/bureau");
        let Err(err) = build_in_child(exe, b"", &[], &AtomicBool::new(false)) else {
            panic!("a program that does not exist was started");
        };
        let io = std::error::Error::source(&err)
            .and_then(|e| e.downcast_ref::<std::io::Error>())
            .expect("the system's error is kept");
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
        let line = format!("cannot start /nonexistent/bureau: {io}");
        assert_eq!(WithCauses(&err).to_string(), line);
        let missing = CompactionError::Missing {
            missing: 3,
            source: Box::new(err),
        };
        assert_eq!(
            WithCauses(&missing).to_string(),
            format!("{line} (3 chunks were missing)")
        );
        // The system's error is still in the chain under the count.
        let mut next = std::error::Error::source(&missing);
        let mut found = false;
        while let Some(e) = next {
            found |= e.is::<std::io::Error>();
            next = e.source();
        }
        assert!(found, "{missing:?}");
    }

    /// Bytes automerge refuses: its error is the cause, not text.
    #[test]
    fn files_automerge_refuses_keep_its_error() {
        let Err(err) = build_snapshot(b"not a document", &[], &|| Ok(())) else {
            panic!("garbage was compacted");
        };
        assert!(
            matches!(
                err,
                CompactionError::Refused {
                    what: "the files",
                    ..
                }
            ),
            "{err:?}"
        );
        let source = std::error::Error::source(&err).expect("automerge's error");
        assert!(source.is::<automerge::AutomergeError>(), "{source:?}");
        assert_eq!(
            WithCauses(&err).to_string(),
            format!("automerge refused the files: {source}")
        );
    }
}
