//! Opening a data directory and loading the document's files from it.
//!
//! [`Store::open`] creates the directories, refuses any that another user could write to,
//! takes the lock, sweeps the temp files a crash left, and derives the counters from the
//! names on disk. [`Store::load`] reads every snapshot, chunk file and log segment and
//! quarantines what is damaged.
//!
//! Invariants: what a file contains never makes either fail, only real I/O errors do.
//! Counters never go back: quarantined names and the compaction floor count as used numbers,
//! so a sequence number, generation or segment number is never handed out twice.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::Path;
use std::sync::atomic::AtomicU64;

use tracing::{debug, info, warn};

use crate::compaction::read_seq_floor;
use crate::error::io_error;
use crate::files::{
    check_ours, ensure_dir, list_files, read_frame_file, remove_stale_tmp, sync_dir,
};
use crate::frame::{self, HEADER_LEN, Kind};
use crate::layout::*;
use crate::segments::scan_log;
use crate::sys::{self, File};
use crate::{Place, Store, StoreError};

/// One doc file as read by [`Store::load`]: its file name in `doc/` (which
/// is what [`Store::quarantine`] takes) and its payload without framing.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// File name inside `doc/`, e.g. `chunk-000000000000002a.bin`.
    pub name: String,
    /// The payload, framing already checked and stripped.
    pub bytes: Vec<u8>,
}

// Manual impl: the payload may be megabytes, and dumping it into a log line
// helps nobody.
impl fmt::Debug for StoredFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredFile")
            .field("name", &self.name)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// Everything [`Store::load`] found in `doc/`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// Snapshots with valid framing, oldest generation first, newest LAST.
    pub snapshots: Vec<StoredFile>,
    /// Chunks with valid framing, in ascending sequence order.
    pub chunks: Vec<StoredFile>,
    /// Names (as they were in `doc/`) of files moved to quarantine during
    /// this load because their framing was bad.
    pub quarantined_now: Vec<String>,
}

/// What reading one doc file during `load` turned up.
enum DocRead {
    Good(Vec<u8>),
    Quarantined,
    Vanished,
}

/// Reads the pid the lock holder wrote into the lock file, if any.
fn read_lock_pid(lock: &mut File) -> Option<u32> {
    let mut text = String::new();
    lock.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// The names (`chunk-{seq:016x}.bin`) of the chunks in a data directory,
/// whether kept as files or as log entries, in sequence order. For looking
/// at a directory from outside (tests, diagnostics): it takes no lock, reads
/// leniently and quarantines nothing.
pub fn chunk_names(data_dir: &Path) -> Result<Vec<String>, StoreError> {
    let doc_dir = data_dir.join(DOC_DIR);
    let floor = read_seq_floor(&doc_dir)?;
    let mut seqs = BTreeSet::new();
    for name in list_files(&doc_dir)? {
        match parse_doc_name(&name) {
            Some(DocName::Chunk(seq)) => {
                seqs.insert(seq);
            }
            Some(DocName::Log(_)) => {
                let entries = scan_log(&doc_dir.join(&name))?;
                seqs.extend(entries.into_iter().map(|(s, _)| s).filter(|&s| s > floor));
            }
            _ => {}
        }
    }
    Ok(seqs.into_iter().map(chunk_name).collect())
}

impl Store {
    /// Opens (creating if needed) the data directory and takes its lock.
    ///
    /// Creates `data_dir`, `doc/`, `quarantine/` and `state/` with mode 0700,
    /// takes an exclusive lock on `data_dir/lock` and writes our pid into it,
    /// and removes `*.tmp` files a crash may have left behind. Fails with
    /// [`StoreError::Locked`] if another process holds the lock.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        let existed = sys::try_exists(data_dir).map_err(|e| io_error("stat", data_dir, e))?;
        if !existed {
            sys::create_dir_all(data_dir, DIR_MODE)
                .map_err(|e| io_error("create directory", data_dir, e))?;
            // Make the new directory's entry durable. Best effort: the parent
            // is outside our directory and may not be readable to us.
            let parent = match data_dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            if let Err(err) = sync_dir(parent) {
                warn!(error = %err, "could not fsync parent of the data directory");
            }
        }

        // Nothing in a directory others can write to is trusted: not the token, not the
        // document. Checked before the lock is taken, so nothing is written there either.
        check_ours(data_dir)?;
        let lock_path = data_dir.join(LOCK_FILE);
        // No truncate: until we hold the lock the file belongs to whoever
        // does, and its pid is what makes the Locked error useful.
        let mut lock = sys::open_or_create(&lock_path, FILE_MODE)
            .map_err(|e| io_error("open", &lock_path, e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Locked {
                    pid: read_lock_pid(&mut lock),
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_error("lock", &lock_path, e)),
        }
        // The pid is informational only (the flock is what excludes), so it
        // is not fsynced.
        lock.set_len(0)
            .and_then(|()| lock.write_all_at(format!("{}\n", std::process::id()).as_bytes(), 0))
            .map_err(|e| io_error("write", &lock_path, e))?;

        let doc_dir = data_dir.join(DOC_DIR);
        let quarantine_dir = data_dir.join(QUARANTINE_DIR);
        let state_dir = data_dir.join(STATE_DIR);
        let mut created_any = false;
        for dir in [&doc_dir, &quarantine_dir, &state_dir] {
            created_any |= ensure_dir(dir)?;
            check_ours(dir)?;
        }
        if created_any {
            sync_dir(data_dir)?;
        }

        for dir in [data_dir, &doc_dir, &state_dir, &quarantine_dir] {
            remove_stale_tmp(dir)?;
        }

        let mut store = Store {
            data_dir: data_dir.to_path_buf(),
            doc_dir,
            quarantine_dir,
            state_dir,
            chunks: BTreeMap::new(),
            chunk_total: 0,
            logs: BTreeSet::new(),
            writer: None,
            syncer: None,
            next_log: 1,
            snapshots: BTreeSet::new(),
            next_seq: 1,
            next_gen: 1,
            seq_floor: 0,
            tmp_counter: AtomicU64::new(0),
            lock,
        };
        store.scan()?;
        debug!(
            data_dir = %store.data_dir.display(),
            chunks = store.chunks.len(),
            snapshots = store.snapshots.len(),
            next_seq = store.next_seq,
            "opened store"
        );
        Ok(store)
    }

    /// Builds the in-memory view of `doc/` from names and sizes, and the
    /// entries of log segments (the only content read: segments are at most
    /// a fraction of the snapshot, and `load` reads them again), and derives
    /// the counters so they never go back: quarantined files and the
    /// compaction floor count as used numbers.
    pub(crate) fn scan(&mut self) -> Result<(), StoreError> {
        self.seq_floor = read_seq_floor(&self.doc_dir)?;
        for name in list_files(&self.doc_dir)? {
            match parse_doc_name(&name) {
                Some(DocName::Chunk(seq)) => {
                    let path = self.doc_dir.join(&name);
                    let len = sys::stat(&path)
                        .map_err(|e| io_error("stat", &path, e))?
                        .len;
                    self.add_chunk(seq, Place::File, len);
                }
                Some(DocName::Log(number)) => {
                    self.logs.insert(number);
                    for (seq, len) in scan_log(&self.doc_dir.join(&name))? {
                        if seq > self.seq_floor {
                            self.add_chunk(seq, Place::Log(number), len);
                        }
                    }
                }
                Some(DocName::Snapshot(generation)) => {
                    self.snapshots.insert(generation);
                }
                None => {}
            }
        }

        let mut max_seq = self.seq_floor;
        let mut max_gen = 0;
        let mut max_log = self.logs.last().copied().unwrap_or(0);
        for name in list_files(&self.quarantine_dir)? {
            if let Some(number) = out_of_range(&name) {
                // Not ours (the store never gives out such a number): counting it would move
                // the counter to the end of its range.
                warn!(
                    file = %self.quarantine_dir.join(&name).display(),
                    number,
                    "ignoring a quarantined file whose number is beyond any the store gives out"
                );
            }
            // Quarantined names may carry a `.<n>` collision suffix.
            if let Some((seq, rest)) = parse_numbered(&name, CHUNK_PREFIX)
                && rest.starts_with(DOC_SUFFIX)
            {
                max_seq = max_seq.max(seq);
            }
            if let Some((generation, rest)) = parse_numbered(&name, SNAPSHOT_PREFIX)
                && rest.starts_with(DOC_SUFFIX)
            {
                max_gen = max_gen.max(generation);
            }
            if let Some((number, rest)) = parse_numbered(&name, LOG_PREFIX)
                && rest.starts_with(DOC_SUFFIX)
            {
                max_log = max_log.max(number);
            }
        }
        self.next_log = self.next_log.max(max_log.saturating_add(1));
        if let Some(&seq) = self.chunks.keys().next_back() {
            max_seq = max_seq.max(seq);
        }
        if let Some(&generation) = self.snapshots.last() {
            max_gen = max_gen.max(generation);
        }
        self.next_seq = self.next_seq.max(max_seq.saturating_add(1));
        self.next_gen = self.next_gen.max(max_gen.saturating_add(1));
        Ok(())
    }

    /// Reads every snapshot and chunk in `doc/`.
    ///
    /// Files whose framing is bad (wrong magic or kind, truncated or extended,
    /// CRC mismatch) are moved to `quarantine/` with a `.reason` file and
    /// listed in [`Loaded::quarantined_now`]; the rest are returned. A torn
    /// last entry of the newest log segment, what a crash in an append leaves,
    /// is cut off instead (logged at `info`, not listed). A log segment with
    /// any other bad stretch (a damaged entry, a torn one followed by more
    /// bytes or in an older segment, bit rot) is quarantined whole after its
    /// good entries were written to a new segment. Unknown
    /// files are left alone. Fails only on real I/O errors, never because of
    /// what a file contains.
    ///
    /// Appends after a load go to a new segment.
    pub fn load(&mut self) -> Result<Loaded, StoreError> {
        self.writer = None;
        let mut snapshot_names = BTreeMap::new();
        let mut chunk_names = BTreeMap::new();
        let mut log_numbers = BTreeSet::new();
        let mut out_of_range_names = Vec::new();
        for name in list_files(&self.doc_dir)? {
            match parse_doc_name(&name) {
                Some(DocName::Snapshot(generation)) => {
                    snapshot_names.insert(generation, name);
                }
                Some(DocName::Chunk(seq)) => {
                    chunk_names.insert(seq, name);
                }
                Some(DocName::Log(number)) => {
                    log_numbers.insert(number);
                }
                None if out_of_range(&name).is_some() => {
                    // Read, it would move a counter to the end of its range; kept for a human
                    // to look at, like every file the store cannot use.
                    self.move_to_quarantine(
                        &self.doc_dir,
                        &name,
                        &name,
                        &format!(
                            "its number is beyond any the store gives out ({:#x}), so it is \
                             not a file the store wrote",
                            frame::MAX_NUMBER
                        ),
                    )?;
                    out_of_range_names.push(name);
                }
                None => debug!(name, "ignoring unknown file in doc directory"),
            }
        }

        let mut loaded = Loaded {
            quarantined_now: out_of_range_names,
            ..Loaded::default()
        };
        let mut snapshots = BTreeSet::new();
        for (generation, name) in snapshot_names {
            match self.read_doc_file(&name, Kind::Snapshot)? {
                DocRead::Good(bytes) => {
                    snapshots.insert(generation);
                    loaded.snapshots.push(StoredFile { name, bytes });
                }
                DocRead::Quarantined => loaded.quarantined_now.push(name),
                DocRead::Vanished => {}
            }
        }
        self.chunks.clear();
        self.chunk_total = 0;
        self.logs.clear();
        let mut chunks = BTreeMap::new();
        for (seq, name) in chunk_names {
            match self.read_doc_file(&name, Kind::Chunk)? {
                DocRead::Good(bytes) => {
                    self.add_chunk(seq, Place::File, (HEADER_LEN + bytes.len()) as u64);
                    chunks.insert(seq, StoredFile { name, bytes });
                }
                DocRead::Quarantined => loaded.quarantined_now.push(name),
                DocRead::Vanished => {}
            }
        }
        // Appends go to the newest segment only (each run, load and compaction starts a new
        // one), so only there can a crash have cut an entry short.
        let newest = log_numbers.last().copied();
        for number in log_numbers {
            if let Some(name) = self.load_log(number, newest == Some(number), &mut chunks)? {
                loaded.quarantined_now.push(name);
            }
        }
        loaded.chunks = chunks.into_values().collect();

        // Counters only move forward: a quarantined highest chunk must not
        // have its seq handed out again.
        if let Some(&seq) = self.chunks.keys().next_back() {
            self.next_seq = self.next_seq.max(seq.saturating_add(1));
        }
        if let Some(&generation) = snapshots.last() {
            self.next_gen = self.next_gen.max(generation.saturating_add(1));
        }
        self.snapshots = snapshots;

        info!(
            snapshots = loaded.snapshots.len(),
            chunks = loaded.chunks.len(),
            logs = self.logs.len(),
            quarantined = loaded.quarantined_now.len(),
            "loaded document files"
        );
        Ok(loaded)
    }

    /// Reads one doc file and checks its framing; bad framing sends it to
    /// quarantine.
    fn read_doc_file(&self, name: &str, kind: Kind) -> Result<DocRead, StoreError> {
        let path = self.doc_dir.join(name);
        let read = match read_frame_file(&path, kind) {
            Ok(read) => read,
            // We hold the lock, so only something outside bureau can have
            // removed it; there is nothing left to load or quarantine.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                warn!(path = %path.display(), "file vanished while loading");
                return Ok(DocRead::Vanished);
            }
            Err(e) => return Err(io_error("read", &path, e)),
        };
        match read {
            Ok(bytes) => Ok(DocRead::Good(bytes)),
            Err(reason) => {
                self.move_to_quarantine(&self.doc_dir, name, name, &reason.to_string())?;
                Ok(DocRead::Quarantined)
            }
        }
    }
}
