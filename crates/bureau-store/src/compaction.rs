//! Compaction: one new snapshot generation replaces the chunks up to a sequence number and
//! the older generations; and the sequence floor, which remembers the numbers it used up.
//!
//! Split in three so that only the cheap parts need the store: [`Store::begin_compaction`]
//! reserves, the [`CompactionJob`] reads the inputs and writes and verifies the snapshot on
//! any thread, [`Store::commit_compaction`] commits, and the [`Cleanup`] deletes.
//!
//! Invariants: nothing is deleted before the new snapshot was read back from disk, its
//! framing checked, its bytes compared with what was written and accepted by the caller's
//! verify callback; until then it lives under a temp name that `load` ignores. Every snapshot
//! generation is an input, since an older or renamed one may hold what the newest lacks. The
//! floor is durable before any chunk it covers is deleted, because afterwards it is the only
//! record that those sequence numbers were used. The two newest generations are kept. A job
//! and a cleanup each hold a duplicate of the directory's lock.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

use tracing::{debug, error, info, warn};

use crate::error::io_error;
use crate::files::{
    read_frame_file, read_if_exists, remove_if_exists, sync_dir, write_durable_in, write_tmp,
};
use crate::frame::{self, Kind};
use crate::layout::*;
use crate::sys::{self, File};
use crate::{Place, Store, StoreError, StoredFile};

/// How many snapshot generations compaction keeps: the new one plus the
/// previous one as a fallback should the newest turn out bad later.
const SNAPSHOT_GENERATIONS_KEPT: usize = 2;

/// Reads `doc/seq-floor.bin`. A missing or corrupt floor reads as 0: at
/// worst sequence numbers of already-deleted chunks get reused, which
/// loses no data; the next compaction rewrites it.
pub(crate) fn read_seq_floor(doc_dir: &Path) -> Result<u64, StoreError> {
    let path = doc_dir.join(SEQ_FLOOR_FILE);
    let payload = match read_frame_file(&path, Kind::State) {
        Ok(payload) => payload,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io_error("read", &path, e)),
    };
    match payload.map(|p| <[u8; 8]>::try_from(p.as_slice())) {
        Ok(Ok(floor)) if u64::from_le_bytes(floor) > frame::MAX_NUMBER => {
            warn!(
                path = %path.display(),
                floor = u64::from_le_bytes(floor),
                "sequence floor is beyond any number the store gives out; ignoring it"
            );
            Ok(0)
        }
        Ok(Ok(floor)) => Ok(u64::from_le_bytes(floor)),
        Ok(Err(_)) => {
            warn!(path = %path.display(), "sequence floor has the wrong size; ignoring it");
            Ok(0)
        }
        Err(reason) => {
            warn!(path = %path.display(), %reason, "sequence floor is corrupt; ignoring it");
            Ok(0)
        }
    }
}

/// A compaction reserved by [`Store::begin_compaction`]: the slow part,
/// which needs no `&Store` and may run on any thread.
///
/// It reads the newest snapshot and the covered chunks
/// ([`CompactionJob::read_inputs`]) and writes and verifies the new
/// snapshot ([`CompactionJob::write_snapshot`]); the store's owner commits
/// the result with [`Store::commit_compaction`] and runs the [`Cleanup`].
/// Until then nothing deletes a file the job reads (only a cleanup of an
/// earlier compaction or a quarantine can remove one), and the new
/// snapshot's names are the job's alone. The job holds a
/// duplicate of the data directory's lock, so the directory stays locked as
/// long as the job lives, even if the store is dropped first.
#[derive(Debug)]
pub struct CompactionJob {
    doc_dir: PathBuf,
    generation: u64,
    covers_through_seq: u64,
    /// Generations of the snapshots in `doc/` when the job began, newest first: all of them,
    /// since an older one may hold changes the newest lacks (a damaged or renamed file), and
    /// the new snapshot replaces them all.
    bases: Vec<u64>,
    /// Seqs of the covered chunks kept as files, ascending.
    chunks: Vec<u64>,
    /// Numbers of the log segments holding covered entries, ascending; no
    /// append goes to them any more.
    logs: Vec<u64>,
    /// A duplicate of the store's lock file descriptor: flock locks belong
    /// to the open file, so the lock is held until this closes too.
    _lock: File,
}

/// The files a [`CompactionJob`] replaces, read by
/// [`CompactionJob::read_inputs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompactionInputs {
    /// The snapshots in `doc/` when the job began, newest first (none in a new store).
    pub snapshots: Vec<StoredFile>,
    /// The covered chunks (files and log entries), in ascending sequence
    /// order.
    pub chunks: Vec<StoredFile>,
    /// Names of snapshots, covered chunk files and log segments that were
    /// no longer there.
    pub missing: Vec<String>,
}

/// A new snapshot that [`CompactionJob::write_snapshot`] wrote, read back and
/// verified, and renamed to its final name; [`Store::commit_compaction`]
/// makes it replace the files it was built from (those it read; a chunk in
/// [`CompactionInputs::missing`] is simply forgotten).
#[derive(Debug)]
#[must_use = "nothing is deleted until the snapshot is committed with Store::commit_compaction"]
pub struct VerifiedSnapshot {
    generation: u64,
    covers_through_seq: u64,
    chunks: Vec<u64>,
    logs: Vec<u64>,
    len: usize,
}

impl VerifiedSnapshot {
    /// The new snapshot's generation.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

/// The disk work of a committed compaction, from [`Store::commit_compaction`]:
/// persisting the sequence floor, then deleting the chunks the new snapshot
/// replaced and the old snapshot generations. Needs no `&Store`, so it can
/// run on another thread (deleting hundreds of files can take a while on a
/// busy disk); like a [`CompactionJob`] it holds the directory's lock.
///
/// Run cleanups one at a time, in the order of their commits, so the floor
/// on disk only grows. A cleanup that never runs (a crash, an error) leaves
/// only files that are safe to load and that a later compaction removes.
#[derive(Debug)]
#[must_use = "the replaced files stay on disk until the cleanup runs"]
pub struct Cleanup {
    doc_dir: PathBuf,
    generation: u64,
    covers_through_seq: u64,
    len: usize,
    /// The new sequence floor, if it rises.
    floor: Option<u64>,
    chunks: Vec<u64>,
    /// Log segments all of whose entries the new snapshot holds.
    logs: Vec<u64>,
    old_generations: Vec<u64>,
    _lock: File,
}

impl Cleanup {
    /// Writes the sequence floor durably (if it rises), then deletes the
    /// replaced files and fsyncs the directory. Stops at the first error,
    /// which leaves only surplus files behind; in particular nothing is
    /// deleted unless the floor is on disk, since once the covered chunks
    /// are gone the floor is the only record that their seqs were used.
    pub fn run(self) -> Result<(), StoreError> {
        if let Some(floor) = self.floor {
            // The generation makes the temp name unique; `Store` itself never
            // writes the floor.
            write_durable_in(
                &self.doc_dir,
                SEQ_FLOOR_FILE,
                &[
                    &frame::header(Kind::State, &floor.to_le_bytes()),
                    &floor.to_le_bytes(),
                ],
                FILE_MODE,
                self.generation,
            )?;
        }
        for &seq in &self.chunks {
            remove_if_exists(&self.doc_dir.join(chunk_name(seq)))?;
        }
        for &number in &self.logs {
            remove_if_exists(&self.doc_dir.join(log_name(number)))?;
        }
        for &old in &self.old_generations {
            remove_if_exists(&self.doc_dir.join(snapshot_name(old)))?;
        }
        sync_dir(&self.doc_dir)?;
        info!(
            generation = self.generation,
            covers_through_seq = self.covers_through_seq,
            len = self.len,
            chunks_deleted = self.chunks.len(),
            logs_deleted = self.logs.len(),
            snapshots_deleted = self.old_generations.len(),
            "compacted document"
        );
        Ok(())
    }
}

impl CompactionJob {
    /// The generation the new snapshot will be written as.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The highest chunk seq the new snapshot covers.
    pub fn covers_through_seq(&self) -> u64 {
        self.covers_through_seq
    }

    /// Reads the files the new snapshot replaces: every snapshot generation
    /// (newest first) and every covered chunk, framing checked and stripped.
    ///
    /// Bad framing or a missing snapshot fails the read with an I/O error
    /// (kind `InvalidData` for framing); nothing is quarantined here, that is
    /// left to the store's next [`Store::load`]. Drop the job after a
    /// failure. A chunk that is gone is listed in
    /// [`CompactionInputs::missing`] instead: the cleanup of the previous
    /// compaction may have deleted it after a [`Store::load`] had counted it
    /// again, and then the snapshot holds it. Whether what was read is whole
    /// is the caller's to check, e.g. by comparing heads.
    pub fn read_inputs(&self) -> Result<CompactionInputs, StoreError> {
        let mut inputs = CompactionInputs {
            snapshots: Vec::with_capacity(self.bases.len()),
            chunks: Vec::with_capacity(self.chunks.len()),
            missing: Vec::new(),
        };
        for &generation in &self.bases {
            let name = snapshot_name(generation);
            match read_framed(&self.doc_dir, &name, Kind::Snapshot) {
                Ok(file) => inputs.snapshots.push(file),
                // Gone from outside: what the others hold must then reach the caller's heads.
                Err(StoreError::Io {
                    op: "read", source, ..
                }) if source.kind() == io::ErrorKind::NotFound => inputs.missing.push(name),
                Err(e) => return Err(e),
            }
        }
        for &seq in &self.chunks {
            let name = chunk_name(seq);
            match read_framed(&self.doc_dir, &name, Kind::Chunk) {
                Ok(file) => inputs.chunks.push(file),
                Err(StoreError::Io {
                    op: "read", source, ..
                }) if source.kind() == io::ErrorKind::NotFound => {
                    inputs.missing.push(name);
                }
                Err(e) => return Err(e),
            }
        }
        for &number in &self.logs {
            let name = log_name(number);
            let path = self.doc_dir.join(&name);
            let Some(bytes) = read_if_exists(&path)? else {
                inputs.missing.push(name);
                continue;
            };
            let (entries, bad) = frame::decode_entries(&bytes);
            if let Some(first) = bad.first() {
                return Err(StoreError::Io {
                    op: "read",
                    path,
                    source: io::Error::new(io::ErrorKind::InvalidData, first.reason.clone()),
                });
            }
            // Entries after the covered range stay for a later compaction.
            for e in entries
                .into_iter()
                .filter(|e| e.seq <= self.covers_through_seq)
            {
                inputs.chunks.push(StoredFile {
                    name: chunk_name(e.seq),
                    bytes: bytes[e.chunk].to_vec(),
                });
            }
        }
        inputs.chunks.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(inputs)
    }

    /// Writes `snapshot` as the job's generation and verifies it.
    ///
    /// The bytes go to a temp file in `doc/` that is fsynced, read back
    /// from disk (as far as the page cache lets us), its framing checked,
    /// compared with what was written, and handed to `verify`. Only if all
    /// that passes is it renamed to its final name and the directory
    /// fsynced. Any failure (also a panicking `verify`) removes what was
    /// written and returns [`StoreError::VerifyFailed`] or the I/O error; no
    /// other file is touched either way.
    pub fn write_snapshot(
        self,
        snapshot: &[u8],
        verify: impl FnOnce(&[u8]) -> bool,
    ) -> Result<VerifiedSnapshot, StoreError> {
        let name = snapshot_name(self.generation);
        let path = self.doc_dir.join(&name);
        // Hidden and `.tmp`-suffixed like every temp file: a crash before
        // the rename leaves something `load` ignores and `open` sweeps.
        let tmp = self.doc_dir.join(format!(".{name}.compact{TMP_SUFFIX}"));
        let mut guard = RemoveOnDrop {
            path: tmp.clone(),
            dir: &self.doc_dir,
            armed: true,
        };
        let header = frame::header(Kind::Snapshot, snapshot);
        write_tmp(&tmp, &[&header, snapshot], FILE_MODE)?;

        // Read back what the disk returns rather than trusting the buffer
        // we wrote from.
        let read_back = sys::read(&tmp).map_err(|e| io_error("read back", &tmp, e))?;
        let payload = match frame::decode(&read_back, Kind::Snapshot) {
            Ok(payload) => payload,
            Err(reason) => {
                warn!(path = %tmp.display(), %reason, "new snapshot is corrupt on read-back");
                return Err(StoreError::VerifyFailed);
            }
        };
        if payload != snapshot {
            warn!(path = %tmp.display(), "new snapshot differs from what was written");
            return Err(StoreError::VerifyFailed);
        }
        if !verify(payload) {
            warn!(path = %tmp.display(), "verify callback rejected the new snapshot");
            return Err(StoreError::VerifyFailed);
        }
        sys::rename(&tmp, &path).map_err(|e| io_error("rename", &tmp, e))?;
        // Renamed: on failure from here on, the file to take away is the
        // final one.
        guard.path = path;
        sync_dir(&self.doc_dir)?;
        guard.armed = false;
        drop(guard);
        debug!(
            generation = self.generation,
            len = snapshot.len(),
            "wrote and verified a new snapshot"
        );
        Ok(VerifiedSnapshot {
            generation: self.generation,
            covers_through_seq: self.covers_through_seq,
            chunks: self.chunks,
            logs: self.logs,
            len: snapshot.len(),
        })
    }
}

/// Reads `dir/name` and checks that it is one frame of `kind`. Unlike
/// `Store::read_doc_file` nothing is quarantined: bad framing is an error.
fn read_framed(dir: &Path, name: &str, kind: Kind) -> Result<StoredFile, StoreError> {
    let path = dir.join(name);
    let bytes = match read_frame_file(&path, kind).map_err(|e| io_error("read", &path, e))? {
        Ok(bytes) => bytes,
        Err(reason) => {
            return Err(StoreError::Io {
                op: "read",
                path,
                source: io::Error::new(io::ErrorKind::InvalidData, reason),
            });
        }
    };
    Ok(StoredFile {
        name: name.to_owned(),
        bytes,
    })
}

/// Removes a freshly written file when dropped unless disarmed. Used by
/// compaction so that every way out before the new snapshot is verified and
/// durably in place (error, rejected verify, even a panicking verify
/// callback) takes it away again.
struct RemoveOnDrop<'a> {
    path: PathBuf,
    dir: &'a Path,
    armed: bool,
}

impl Drop for RemoveOnDrop<'_> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        match remove_if_exists(&self.path)
            .and_then(|removed| if removed { sync_dir(self.dir) } else { Ok(()) })
        {
            Ok(()) => debug!(path = %self.path.display(), "removed unverified snapshot"),
            // Loud, though harmless: a temp file is swept at the next open,
            // and a final name is only ever reached by a verified snapshot.
            Err(err) => error!(
                path = %self.path.display(),
                error = %err,
                "could not remove unverified snapshot"
            ),
        }
    }
}

impl Store {
    /// Replaces the chunks up to `covers_through_seq` by a new snapshot, in
    /// one call on this thread: [`Store::begin_compaction`],
    /// [`CompactionJob::write_snapshot`], [`Store::commit_compaction`] and
    /// [`Cleanup::run`].
    ///
    /// Writes `snapshot` as the next generation durably, reads it back from
    /// disk, checks its framing and that it matches what was written, and
    /// calls `verify` with the payload read back. If any of that fails the
    /// new snapshot is removed and [`StoreError::VerifyFailed`] (or the I/O
    /// error) returned, with nothing else touched. Only after success are
    /// chunks with seq `<= covers_through_seq` deleted and all but the newest
    /// two snapshot generations removed. Chunks appended after the caller
    /// took its snapshot have a higher seq and are kept.
    pub fn compact(
        &mut self,
        snapshot: &[u8],
        covers_through_seq: u64,
        verify: impl FnOnce(&[u8]) -> bool,
    ) -> Result<(), StoreError> {
        let job = self.begin_compaction(covers_through_seq)?;
        let verified = job.write_snapshot(snapshot, verify)?;
        self.commit_compaction(verified)?.run()
    }

    /// Reserves a compaction replacing the newest snapshot and the chunks
    /// with seq `<= covers_through_seq` by one new snapshot. The returned
    /// job does the slow part (reading those files, writing and verifying
    /// the new snapshot) and may run on another thread while this store
    /// keeps appending; [`Store::commit_compaction`] then finishes it.
    ///
    /// Cheap: no file is read or written. It reserves the next snapshot
    /// generation, notes which files the job replaces, and moves the next
    /// sequence number past `covers_through_seq`, so a chunk appended while
    /// the job runs can never count as covered. A job dropped unfinished
    /// leaves nothing but unused numbers behind. The job holds a duplicate of
    /// the directory's lock (see the crate docs), which is the only way this
    /// can fail (no file descriptor left).
    pub fn begin_compaction(
        &mut self,
        covers_through_seq: u64,
    ) -> Result<CompactionJob, StoreError> {
        let lock = self
            .lock
            .try_clone()
            .map_err(|e| io_error("duplicate the lock", &self.data_dir.join(LOCK_FILE), e))?;
        let generation = take_number(&mut self.next_gen, "snapshot generation", &self.doc_dir)?;
        self.next_seq = self.next_seq.max(covers_through_seq.saturating_add(1));
        let mut chunks = Vec::new();
        let mut logs = BTreeSet::new();
        for (&seq, info) in self.chunks.range(..=covers_through_seq) {
            match info.place {
                Place::File => chunks.push(seq),
                Place::Log(number) => {
                    logs.insert(number);
                }
            }
        }
        // The job reads these segments while appends go on: they must go
        // elsewhere, to a new segment.
        if self
            .writer
            .as_ref()
            .is_some_and(|w| logs.contains(&w.number))
        {
            self.writer = None;
        }
        Ok(CompactionJob {
            doc_dir: self.doc_dir.clone(),
            generation,
            covers_through_seq,
            bases: self.snapshots.iter().rev().copied().collect(),
            chunks,
            logs: logs.into_iter().collect(),
            _lock: lock,
        })
    }

    /// Commits a compaction whose new snapshot [`CompactionJob::write_snapshot`]
    /// wrote and verified: from now on the store counts the new generation
    /// and no longer counts the chunks it was built from, nor the snapshot
    /// generations beyond the newest two. Chunks appended since the job
    /// began are kept.
    ///
    /// Touches no file but a `stat` of the new snapshot: if it is no longer
    /// in `doc/` (someone moved it away meanwhile), the error is returned
    /// and nothing changes. The disk work (the sequence floor, then the
    /// deletions) is the returned [`Cleanup`], for any thread. Until it has
    /// run, or if it never does, the replaced files merely stay on disk:
    /// harmless, since the new snapshot holds everything they hold, and a
    /// later compaction removes them.
    pub fn commit_compaction(&mut self, verified: VerifiedSnapshot) -> Result<Cleanup, StoreError> {
        let VerifiedSnapshot {
            generation,
            covers_through_seq,
            chunks,
            logs,
            len,
        } = verified;
        let path = self.doc_dir.join(snapshot_name(generation));
        let present = sys::stat(&path).map_err(|e| io_error("stat", &path, e))?;
        if !present.is_file {
            return Err(StoreError::Io {
                op: "commit",
                path,
                source: io::Error::other("the new snapshot is not a regular file"),
            });
        }
        let lock = self
            .lock
            .try_clone()
            .map_err(|e| io_error("duplicate the lock", &self.data_dir.join(LOCK_FILE), e))?;

        self.snapshots.insert(generation);
        let floor = (covers_through_seq > self.seq_floor).then_some(covers_through_seq);
        self.seq_floor = self.seq_floor.max(covers_through_seq);
        self.next_seq = self.next_seq.max(covers_through_seq.saturating_add(1));
        // Exactly the chunks the snapshot was built from: all of them were
        // read and went into it.
        for &seq in &chunks {
            self.remove_chunk(seq);
        }
        let covered: Vec<u64> = self
            .chunks
            .range(..=covers_through_seq)
            .filter(|(_, info)| matches!(info.place, Place::Log(n) if logs.contains(&n)))
            .map(|(&seq, _)| seq)
            .collect();
        for seq in covered {
            self.remove_chunk(seq);
        }
        // A segment goes only if the snapshot holds all of it; one with
        // later entries (a caller covering less than it appended) stays, and
        // `load` skips its covered entries (they are at or below the floor).
        let logs: Vec<u64> = logs
            .into_iter()
            .filter(|&n| {
                self.writer.as_ref().is_none_or(|w| w.number != n)
                    && !self.chunks.values().any(|c| c.place == Place::Log(n))
            })
            .collect();
        for number in &logs {
            self.logs.remove(number);
        }
        let keep_from = self
            .snapshots
            .len()
            .saturating_sub(SNAPSHOT_GENERATIONS_KEPT);
        let old_generations: Vec<u64> = self.snapshots.iter().take(keep_from).copied().collect();
        for old in &old_generations {
            self.snapshots.remove(old);
        }
        debug!(generation, covers_through_seq, "committed a compaction");
        Ok(Cleanup {
            doc_dir: self.doc_dir.clone(),
            generation,
            covers_through_seq,
            len,
            floor,
            chunks,
            logs,
            old_generations,
            _lock: lock,
        })
    }
}
