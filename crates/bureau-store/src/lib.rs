//! Bytes on disk for one bureau node.
//!
//! `bureau-store` keeps the node's document as opaque byte blobs: a few
//! snapshots plus a run of incremental chunks appended since. It knows no
//! schema and nothing about automerge; deciding what the bytes mean, when to
//! compact and whether a payload is healthy is the caller's job.
//!
//! # On-disk layout
//!
//! ```text
//! <data_dir>/                          0700
//!   lock                               exclusive flock, holds the owner's pid
//!   doc/snapshot-{gen:016x}.bin        snapshot generations (newest two kept)
//!   doc/log-{n:016x}.bin               log segments: chunks appended since
//!   doc/chunk-{seq:016x}.bin           chunks as single files (older stores)
//!   doc/seq-floor.bin                  highest seq ever covered by a compaction
//!   quarantine/<name>[.<n>]            files taken out of service
//!   quarantine/<name>[.<n>].reason     why, in plain text
//!   state/<key>.bin                    small per-key blobs (e.g. sync states)
//!   <name>                             small named files from `write_file`
//! ```
//!
//! Every doc and state file is framed as `b"BUR1"`, a kind byte (1 snapshot,
//! 2 chunk, 3 state), the payload length (u64 LE), the CRC-32/IEEE of the
//! payload (u32 LE), then the payload. A log segment is a run of such frames
//! of kind 4, each holding one chunk: its sequence number (u64 LE), then its
//! bytes. Anything that does not match exactly is corrupt and gets
//! quarantined rather than deleted, so a human can still look at it: a bad
//! file whole, a segment with bad stretches whole (its good entries move to a
//! new segment), a chunk the caller cannot use as `chunk-{seq}.bin`, the name
//! it would have had as a single file. The one exception is what a crash
//! leaves, which is not damage: a torn last entry of the newest segment (shorter
//! than its header declares, nothing after it) was never acknowledged, and
//! `load` cuts it off. Files are created 0600 and directories 0700.
//!
//! Chunks are appended to one open log segment, one frame per append, so an
//! acknowledged append costs one `fdatasync` of that file. Writing each chunk
//! as a file of its own costs two (the file, then its directory entry) and
//! an inode; older stores wrote chunks that way, and their files are still
//! read, compacted and quarantined like entries.
//!
//! # Invariants
//!
//! - Acknowledged means durable: a write returns `Ok` only after the data was
//!   written to a temp file in the target directory, the file was fsynced,
//!   renamed over its final name, and the directory itself was fsynced. A
//!   crash at any point leaves either the old state or the new one, never a
//!   partial final file; leftover `*.tmp` files are removed at the next open.
//!   Appends are the exception that keeps the rule: a segment's directory
//!   entry is made durable when it is created, empty, and each append returns
//!   only after `fdatasync` of the segment. A crash in an append leaves at
//!   most a torn last frame in the newest segment, never acknowledged, which
//!   the next load cuts off in place (a segment left empty is removed) and
//!   logs at `info`; nothing is quarantined for it. A torn frame anywhere
//!   else, or one followed by more bytes, is damage and quarantined.
//! - A file in `doc/` other than the open segment is never rewritten in
//!   place: a changed segment gets a new number, and the old one is removed
//!   (or quarantined) only after the new one is durable. The one exception is
//!   cutting a torn last entry off the newest segment, which leaves the bytes
//!   kept untouched: a crash before the cut is durable leaves the same torn
//!   segment, still the newest, for the next load (moving its entries to a
//!   new segment could leave it behind as an older segment, torn, which is
//!   damage).
//! - Compaction never deletes anything before the new snapshot has been read
//!   back from disk, its framing checked and the caller's verify callback has
//!   accepted the bytes that were read back. The new snapshot is written and
//!   verified under a temp name and renamed to its final name only then, so
//!   a crash never leaves an unverified snapshot where `load` looks. A
//!   verified snapshot whose compaction was not committed yet (a crash in
//!   between) is harmless: it holds exactly what the files it replaces hold,
//!   and those are all still there.
//! - Sequence numbers only grow, also across restarts and compactions, so a
//!   compaction covering `..=seq` can never delete a chunk written after it.
//!   Numbers (sequence numbers, generations, segment numbers) read from names
//!   or entries are believed only up to 2^48; a doc file named beyond that is
//!   quarantined, a quarantined one ignored, and a counter at the bound refuses
//!   to write rather than wrap (a wrapped seq would fall below the floor).
//! - Reading a file costs the memory its framing vouches for: a single-frame
//!   file whose header declares another length than the file has is refused
//!   from its header; a log segment's headers are walked before it is read, and
//!   more than 64 MiB after the last one that chains from the start is not read
//!   (the segment is quarantined with its good entries kept).
//! - A compaction reads every snapshot generation, not only the newest: an
//!   older or renamed one may hold what the newest lacks, and all of them but
//!   the two newest are deleted afterwards.
//! - One node per data directory: `Store` holds an exclusive lock for its
//!   whole lifetime, and a [`CompactionJob`] holds it too until it is
//!   dropped, so a job outliving its store never writes into a directory
//!   another node has opened.
//! - File content never makes `load` fail; only real I/O errors do.
//!
//! # Testing the crash rules
//!
//! Every file-system call goes through `sys.rs`: in a normal build plain
//! `std::fs` calls and a `std::fs::File`, nothing more. Test builds can send
//! the calls on a path to a simulated disk instead (`sim_disk.rs`) that loses
//! power after any given operation and keeps only what was made durable;
//! `power_loss.rs` cuts random work at random operations, and one compaction
//! after each of its operations, and checks that every acknowledged append
//! loads and nothing is quarantined.
//!
//! # Threading
//!
//! All operations are blocking `std::fs` calls including fsyncs, which can
//! take a long time on slow disks. Call them from `spawn_blocking` or from a
//! dedicated thread, never directly on an async executor.
//!
//! Compaction comes in two forms. [`Store::compact`] does it all in one
//! call. Split up, the owner of the store only reserves the compaction
//! ([`Store::begin_compaction`]) and later commits it
//! ([`Store::commit_compaction`]), both without writing anything, while on
//! any other thread, concurrently with appends, the [`CompactionJob`] in
//! between reads the files it replaces and writes and verifies the new
//! snapshot, and the [`Cleanup`] after it persists the sequence floor and
//! deletes the replaced files. The job touches only files nothing else
//! writes or deletes meanwhile; the cleanup only files the store no longer
//! counts.
//!
//! # Modules
//!
//! - `lib.rs`: the [`Store`] itself, with the types of its fields, so that the
//!   `impl Store` blocks of the modules below share them.
//! - `open.rs`: opening a data directory (the lock, the directories, the
//!   counters derived from names) and [`Store::load`].
//! - `segments.rs`: log segments: appends, reading with bounded memory, the
//!   torn last entry cut off at load.
//! - `compaction.rs`: snapshot generations replacing chunks, the sequence
//!   floor, the split job and its cleanup.
//! - `quarantine.rs`: taking files out of service, setting `doc/` aside.
//! - `files.rs`: the durable write path, temp files, the ownership check of
//!   directories, named files ([`Files`]) and state blobs.
//! - `layout.rs`: directory and file names and the numbers in them.
//! - `frame.rs`: the `BUR1` framing and its CRC.
//! - `error.rs`: [`StoreError`].
//! - `sys.rs`: the file-system calls; `sim_disk.rs` and `power_loss.rs`: the
//!   simulated disk and the power-loss tests (test builds only).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;

mod compaction;
mod error;
mod files;
mod frame;
mod layout;
mod open;
#[cfg(test)]
mod power_loss;
mod quarantine;
mod segments;
#[cfg(test)]
mod sim_disk;
mod sys;
#[cfg(test)]
mod tests;

pub use compaction::{Cleanup, CompactionInputs, CompactionJob, VerifiedSnapshot};
pub use error::StoreError;
pub use files::Files;
pub use open::{Loaded, StoredFile, chunk_names};

use layout::snapshot_name;
use sys::File;

/// The on-disk store of one bureau node. Holds the exclusive lock on the
/// data directory until dropped.
// Defined in the crate root so that its fields, private here, are seen by the
// `impl Store` blocks of every module without being widened.
#[derive(Debug)]
pub struct Store {
    data_dir: PathBuf,
    doc_dir: PathBuf,
    quarantine_dir: PathBuf,
    state_dir: PathBuf,
    /// Chunks currently in `doc/`, files and log entries, by seq.
    chunks: BTreeMap<u64, ChunkInfo>,
    /// Sum of the chunks' `len`.
    chunk_total: u64,
    /// Log segments currently in `doc/`.
    logs: BTreeSet<u64>,
    /// The segment appends go to; none until the first append after an open,
    /// a load or the start of a compaction covering its entries.
    writer: Option<LogWriter>,
    /// The thread that makes appends durable, started at the first append.
    syncer: Option<segments::Syncer>,
    /// Next log segment number; only ever grows.
    next_log: u64,
    /// Snapshot generations currently in `doc/`.
    snapshots: BTreeSet<u64>,
    /// Next chunk seq to hand out; only ever grows.
    next_seq: u64,
    /// Next snapshot generation to write; only ever grows.
    next_gen: u64,
    /// Highest `covers_through_seq` persisted in `doc/seq-floor.bin`.
    seq_floor: u64,
    /// Makes temp names unique when `&self` writers run concurrently.
    tmp_counter: AtomicU64,
    /// Held only for its flock; released when the store and every
    /// [`CompactionJob`] (which hold duplicates of it) are dropped.
    lock: File,
}

/// Where a chunk is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A file of its own, `chunk-{seq}.bin`.
    File,
    /// An entry of the log segment with this number.
    Log(u64),
}

/// A chunk the store counts: where it is and how many bytes it takes there.
#[derive(Debug, Clone, Copy)]
struct ChunkInfo {
    place: Place,
    len: u64,
}

/// The log segment appends go to, open for writing.
#[derive(Debug)]
struct LogWriter {
    number: u64,
    /// Shared with the fsync thread during an append.
    file: std::sync::Arc<File>,
    /// Bytes written and acknowledged; the next entry starts here.
    len: u64,
}

impl Store {
    /// The data directory this store was opened on.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Number of chunks (files and log entries) currently in `doc/`.
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// Total size in bytes (framing included) of the chunks currently in
    /// `doc/`.
    pub fn chunk_bytes(&self) -> u64 {
        self.chunk_total
    }

    /// Size in bytes (framing included) of the newest snapshot file, 0 if there
    /// is none (or it cannot be read).
    pub fn snapshot_bytes(&self) -> u64 {
        self.snapshots.last().map_or(0, |&generation| {
            sys::stat(&self.doc_dir.join(snapshot_name(generation))).map_or(0, |m| m.len)
        })
    }

    /// Names what `doc/` holds: the snapshot generations and each chunk's sequence number
    /// and length. Equal positions mean equal files: generations and sequence numbers are
    /// never handed out twice, and a chunk is never rewritten (a torn entry cut off at a load
    /// is gone from the position). Whoever keeps something derived from the files (the
    /// document actor's saved view) stores the position beside it and trusts it only while
    /// the store's position is the same.
    pub fn position(&self) -> String {
        use std::fmt::Write;
        let mut out = String::from("s");
        for generation in &self.snapshots {
            let _ = write!(out, " {generation}");
        }
        out.push_str(" c");
        for (seq, info) in &self.chunks {
            let _ = write!(out, " {seq}:{}", info.len);
        }
        out
    }

    fn add_chunk(&mut self, seq: u64, place: Place, len: u64) {
        if let Some(old) = self.chunks.insert(seq, ChunkInfo { place, len }) {
            self.chunk_total -= old.len;
        }
        self.chunk_total += len;
    }

    fn remove_chunk(&mut self, seq: u64) -> Option<ChunkInfo> {
        let old = self.chunks.remove(&seq)?;
        self.chunk_total -= old.len;
        Some(old)
    }
}
