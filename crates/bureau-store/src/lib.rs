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
//! the calls on a path to a simulated disk instead (`sim.rs`) that loses
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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing::{debug, error, info, warn};

mod frame;
#[cfg(test)]
mod power_loss;
#[cfg(test)]
mod sim;
mod sys;
#[cfg(test)]
mod tests;

use frame::{FrameError, HEADER_LEN, Kind};
use sys::File;

const LOCK_FILE: &str = "lock";
const DOC_DIR: &str = "doc";
const QUARANTINE_DIR: &str = "quarantine";
const STATE_DIR: &str = "state";
/// Persists the highest `covers_through_seq` of any compaction, because once
/// the covered chunks are deleted nothing else on disk remembers that those
/// sequence numbers were used.
const SEQ_FLOOR_FILE: &str = "seq-floor.bin";
const SNAPSHOT_PREFIX: &str = "snapshot-";
const CHUNK_PREFIX: &str = "chunk-";
const LOG_PREFIX: &str = "log-";
const DOC_SUFFIX: &str = ".bin";
const TMP_SUFFIX: &str = ".tmp";
const REASON_SUFFIX: &str = ".reason";
/// Names `write_file` & co. refuse because they would clobber the store's
/// own bookkeeping (replacing `lock` by rename would silently drop the lock).
const RESERVED_NAMES: [&str; 4] = [LOCK_FILE, DOC_DIR, QUARANTINE_DIR, STATE_DIR];
const FILE_MODE: u32 = 0o600;
const DIR_MODE: u32 = 0o700;
/// Keeps `state/<key>.bin` and its temp name well below NAME_MAX (255).
const MAX_STATE_KEY_LEN: usize = 200;
/// How many snapshot generations compaction keeps: the new one plus the
/// previous one as a fallback should the newest turn out bad later.
const SNAPSHOT_GENERATIONS_KEPT: usize = 2;

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process (most likely another bureau node) holds the lock on
    /// the data directory. `pid` is what that process wrote into the lock
    /// file, if it could be read.
    #[error(
        "another bureau node is using this data directory{}; stop it or choose another --data-dir",
        pid_suffix(.pid)
    )]
    Locked {
        /// Pid of the lock holder, if known.
        pid: Option<u32>,
    },
    /// The disk (or the user's quota) is full. Temp files were removed, so
    /// nothing of the failed write is left behind.
    #[error("the disk is full: free some space and try again; nothing was written")]
    Full,
    /// Any other I/O error. Invalid file names and state keys are reported
    /// as this variant with `source.kind() == io::ErrorKind::InvalidInput`.
    #[error("failed to {op} {}", path.display())]
    Io {
        /// What the store was doing, e.g. `"fsync"` or `"rename"`.
        op: &'static str,
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The new snapshot did not survive being read back (bad framing, or
    /// bytes differing from what was written) or the compaction's verify
    /// callback rejected it. The new snapshot was removed; nothing else was
    /// touched.
    #[error("the new snapshot failed verification after being read back; nothing was deleted")]
    VerifyFailed,
    /// The data directory, or a directory in it, is not this user's alone: another user could
    /// plant a token or change the document's files there.
    #[error(
        "{} {reason}, so other users could plant or change files in it; make it yours alone \
         (chmod 700 {}) or choose another --data-dir",
        path.display(),
        path.display()
    )]
    NotOurs {
        /// The directory.
        path: PathBuf,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// Refuses a directory that another user owns or may write to.
fn check_ours(dir: &Path) -> Result<(), StoreError> {
    let (uid, mode) = sys::owner_and_mode(dir).map_err(|e| io_error("stat", dir, e))?;
    let reason = if uid != rustix::process::geteuid().as_raw() {
        Some("belongs to another user")
    } else if mode & 0o022 != 0 {
        Some("is writable by other users")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(StoreError::NotOurs {
            path: dir.to_path_buf(),
            reason,
        }),
        None => Ok(()),
    }
}

fn pid_suffix(pid: &Option<u32>) -> String {
    pid.map(|pid| format!(" (pid {pid})")).unwrap_or_default()
}

/// True for "no space left" and "quota exceeded": both mean the user has to
/// free space, which is what `StoreError::Full` tells them.
fn is_disk_full(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(code) if code == libc::ENOSPC || code == libc::EDQUOT)
        || err.kind() == io::ErrorKind::StorageFull
}

/// Wraps an I/O error with context, turning disk-full into `StoreError::Full`.
fn io_error(op: &'static str, path: &Path, source: io::Error) -> StoreError {
    if is_disk_full(&source) {
        StoreError::Full
    } else {
        StoreError::Io {
            op,
            path: path.to_path_buf(),
            source,
        }
    }
}

fn invalid_input(op: &'static str, dir: &Path, name: &str, why: &str) -> StoreError {
    StoreError::Io {
        op,
        // Not `dir.join(name)`: an absolute `name` would replace `dir` and
        // make the message point somewhere else entirely.
        path: PathBuf::from(format!("{}/{}", dir.display(), name)),
        source: io::Error::new(io::ErrorKind::InvalidInput, why.to_owned()),
    }
}

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

/// A doc file name we recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocName {
    Snapshot(u64),
    Chunk(u64),
    Log(u64),
}

/// Parses `<prefix><16 lowercase hex digits><rest>` and returns the number
/// and `rest`. Strict on purpose: only names we generate count, so two
/// spellings (upper case, `+` sign, fewer digits) can never map to one number.
///
/// Numbers beyond [`frame::MAX_NUMBER`] are not the store's: counters are derived from these
/// names, and one near the end of `u64` would make the next number wrap (see
/// [`out_of_range`], which finds such names to report them).
fn parse_numbered<'a>(name: &'a str, prefix: &str) -> Option<(u64, &'a str)> {
    parse_any_number(name, prefix).filter(|&(number, _)| number <= frame::MAX_NUMBER)
}

/// A doc file name of ours but for its number, which is beyond [`frame::MAX_NUMBER`]: the
/// number, for the report.
fn out_of_range(name: &str) -> Option<u64> {
    [SNAPSHOT_PREFIX, CHUNK_PREFIX, LOG_PREFIX]
        .iter()
        .find_map(|prefix| parse_any_number(name, prefix))
        .filter(|&(number, rest)| number > frame::MAX_NUMBER && rest.starts_with(DOC_SUFFIX))
        .map(|(number, _)| number)
}

/// [`parse_numbered`] without the bound.
fn parse_any_number<'a>(name: &'a str, prefix: &str) -> Option<(u64, &'a str)> {
    let tail = name.strip_prefix(prefix)?;
    let digits = tail.get(..16)?;
    if !digits
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    let number = u64::from_str_radix(digits, 16).ok()?;
    Some((number, &tail[16..]))
}

fn parse_doc_name(name: &str) -> Option<DocName> {
    if let Some((generation, DOC_SUFFIX)) = parse_numbered(name, SNAPSHOT_PREFIX) {
        return Some(DocName::Snapshot(generation));
    }
    if let Some((seq, DOC_SUFFIX)) = parse_numbered(name, CHUNK_PREFIX) {
        return Some(DocName::Chunk(seq));
    }
    if let Some((number, DOC_SUFFIX)) = parse_numbered(name, LOG_PREFIX) {
        return Some(DocName::Log(number));
    }
    None
}

fn snapshot_name(generation: u64) -> String {
    format!("{SNAPSHOT_PREFIX}{generation:016x}{DOC_SUFFIX}")
}

fn chunk_name(seq: u64) -> String {
    format!("{CHUNK_PREFIX}{seq:016x}{DOC_SUFFIX}")
}

fn log_name(number: u64) -> String {
    format!("{LOG_PREFIX}{number:016x}{DOC_SUFFIX}")
}

/// Hands out `counter`'s number and moves it on. Refuses, rather than wrap, past
/// [`frame::MAX_NUMBER`]: a wrapped sequence number would fall below the compaction floor and
/// its chunk be skipped at the next load.
fn take_number(counter: &mut u64, what: &str, dir: &Path) -> Result<u64, StoreError> {
    let number = *counter;
    if number > frame::MAX_NUMBER {
        return Err(StoreError::Io {
            op: "number a new file in",
            path: dir.to_path_buf(),
            source: io::Error::other(format!(
                "{what} numbers are used up (next {number:#x}); nothing was written"
            )),
        });
    }
    *counter = number + 1;
    Ok(number)
}

/// Reads a file that holds exactly one frame of `kind`, refusing before reading it whole if
/// its header does not declare exactly the length it has on disk (see
/// [`frame::check_header`]): the payload, or why the framing is wrong.
fn read_frame_file(path: &Path, kind: Kind) -> io::Result<Result<Vec<u8>, FrameError>> {
    let read = sys::read_checked(path, HEADER_LEN, |head, len| {
        frame::check_header(head, kind, len)
    })?;
    Ok(read.and_then(|mut bytes| {
        frame::decode(&bytes, kind)?;
        // Strip the header in place rather than copying a possibly large payload.
        bytes.drain(..HEADER_LEN);
        Ok(bytes)
    }))
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
    file: File,
    /// Bytes written and acknowledged; the next entry starts here.
    len: u64,
}

/// Reads a file, `None` if it is not there.
fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    match sys::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error("read", path, e)),
    }
}

/// How many bytes of a log segment are read although no entry header vouches for them: enough
/// to find the good entries after a damaged one (bit rot, a torn write) in any segment the
/// store writes, too few for a sparse file of gigabytes to cost that much memory.
const UNVOUCHED_READ: u64 = 64 << 20;

/// A log segment as [`read_log`] read it: the bytes read, and the rest left unread, if any.
type LogBytes = (Vec<u8>, Option<frame::BadRange>);

/// Reads a log segment, `None` if it is not there, with memory bounded by what its entries
/// declare: the headers are walked first (a read of each header, none of the payloads), and
/// the bytes after the last header that chains from the start are read only if they are at
/// most [`UNVOUCHED_READ`]. Otherwise they are left unread and returned as a bad stretch, so
/// the segment is quarantined (whole, kept) with the entries before them.
fn read_log(path: &Path) -> Result<Option<LogBytes>, StoreError> {
    let file = match sys::open_read(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("open", path, e)),
    };
    let len = file.len().map_err(|e| io_error("stat", path, e))?;
    let header_len = HEADER_LEN as u64;
    let mut vouched = 0u64;
    let mut head = [0u8; HEADER_LEN];
    while len - vouched >= header_len {
        file.read_exact_at(&mut head, vouched)
            .map_err(|e| io_error("read", path, e))?;
        if head[..4] != frame::MAGIC || head[4] != Kind::Entry as u8 {
            break;
        }
        let declared = u64::from_le_bytes(head[5..13].try_into().expect("8-byte slice"));
        if declared > len - vouched - header_len {
            break;
        }
        vouched += header_len + declared;
    }
    let keep = if len - vouched <= UNVOUCHED_READ {
        len
    } else {
        vouched
    };
    let too_large = || io_error("read", path, io::Error::from(io::ErrorKind::OutOfMemory));
    let keep_len = usize::try_from(keep).map_err(|_| too_large())?;
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(keep_len).map_err(|_| too_large())?;
    bytes.resize(keep_len, 0);
    file.read_exact_at(&mut bytes, 0)
        .map_err(|e| io_error("read", path, e))?;
    let rest = (keep < len).then(|| frame::BadRange {
        range: keep_len..usize::try_from(len).unwrap_or(usize::MAX),
        reason: FrameError::Unvouched { len: len - keep },
    });
    Ok(Some((bytes, rest)))
}

/// Reads a log segment leniently, for bookkeeping only: its entries (seq,
/// frame length); bad stretches are skipped and left to `load`.
fn scan_log(path: &Path) -> Result<Vec<(u64, u64)>, StoreError> {
    let Some((bytes, _)) = read_log(path)? else {
        return Ok(Vec::new());
    };
    let (entries, _) = frame::decode_entries(&bytes);
    Ok(entries
        .into_iter()
        .map(|e| (e.seq, e.frame.len() as u64))
        .collect())
}

/// Reads `doc/seq-floor.bin`. A missing or corrupt floor reads as 0: at
/// worst sequence numbers of already-deleted chunks get reused, which
/// loses no data; the next compaction rewrites it.
fn read_seq_floor(doc_dir: &Path) -> Result<u64, StoreError> {
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

fn state_file_name(key: &str) -> String {
    format!("{key}{DOC_SUFFIX}")
}

/// Lists the names of regular files in `dir`. Non-UTF-8 names cannot be ours
/// and are skipped; so are directories, symlinks and the like.
fn list_files(dir: &Path) -> Result<Vec<String>, StoreError> {
    sys::regular_files(dir).map_err(|e| io_error("list directory", dir, e))
}

/// Fsyncs a directory so that creations, renames and removals in it survive
/// a crash; without this a renamed file can vanish after power loss.
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    sys::sync_dir(dir).map_err(|e| io_error("fsync directory", dir, e))
}

/// Creates `dir` with mode 0700 if missing. Returns whether it was created,
/// so the caller knows the parent directory needs an fsync.
fn ensure_dir(dir: &Path) -> Result<bool, StoreError> {
    match sys::create_dir(dir, DIR_MODE) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && sys::is_dir(dir) => Ok(false),
        Err(e) => Err(io_error("create directory", dir, e)),
    }
}

/// Removes `path`, treating "already gone" as success.
fn remove_if_exists(path: &Path) -> Result<bool, StoreError> {
    match sys::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_error("remove", path, e)),
    }
}

/// Best-effort removal for cleanup paths where we are already returning a
/// more important error.
fn remove_quietly(path: &Path) {
    if let Err(err) = remove_if_exists(path) {
        warn!(path = %path.display(), error = %err, "could not clean up file");
    }
}

/// Writes `parts` to a new temp file at `tmp` (mode 0600, then `mode`) and
/// fsyncs it. The caller renames it into place.
fn write_tmp(tmp: &Path, parts: &[&[u8]], mode: u32) -> Result<(), StoreError> {
    // create_new: never write through a file (or symlink) someone else left
    // at this name.
    let mut file = sys::create_new(tmp, FILE_MODE).map_err(|e| io_error("create", tmp, e))?;
    // Explicit chmod: the mode given at creation is filtered by the umask,
    // and 0600 first means a secret is never briefly readable by others.
    if mode != FILE_MODE {
        file.set_mode(mode)
            .map_err(|e| io_error("set permissions of", tmp, e))?;
    }
    for part in parts {
        file.write_all(part)
            .map_err(|e| io_error("write", tmp, e))?;
    }
    file.sync_all().map_err(|e| io_error("fsync", tmp, e))
}

/// Reads the pid the lock holder wrote into the lock file, if any.
fn read_lock_pid(lock: &mut File) -> Option<u32> {
    let mut text = String::new();
    lock.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
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
                    source: io::Error::new(io::ErrorKind::InvalidData, first.reason.to_string()),
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
                source: io::Error::new(io::ErrorKind::InvalidData, reason.to_string()),
            });
        }
    };
    Ok(StoredFile {
        name: name.to_owned(),
        bytes,
    })
}

/// What reading one doc file during `load` turned up.
enum DocRead {
    Good(Vec<u8>),
    Quarantined,
    Vanished,
}

/// The on-disk store of one bureau node. Holds the exclusive lock on the
/// data directory until dropped.
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
    fn scan(&mut self) -> Result<(), StoreError> {
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

    /// The data directory this store was opened on.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
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

    /// Reads log segment `number` into `chunks`.
    ///
    /// If it is the `newest` segment and ends in one torn entry, and nothing else in it is
    /// bad, the torn entry is cut off in place (see [`Store::trim_torn_tail`]): it is what a
    /// crash during an append leaves, and no append is acknowledged before it is whole and
    /// durable. Any other bad stretch (a damaged entry, a torn one followed by more bytes or
    /// in an older segment) makes it corrupt: its good entries are first written to a new
    /// segment, then it is quarantined; returns its name then.
    fn load_log(
        &mut self,
        number: u64,
        newest: bool,
        chunks: &mut BTreeMap<u64, StoredFile>,
    ) -> Result<Option<String>, StoreError> {
        let name = log_name(number);
        let path = self.doc_dir.join(&name);
        let Some((bytes, unread)) = read_log(&path)? else {
            warn!(path = %path.display(), "file vanished while loading");
            return Ok(None);
        };
        let total = bytes.len() + unread.as_ref().map_or(0, |u| u.range.len());
        let (entries, mut bad) = frame::decode_entries(&bytes);
        let mut keep_in = number;
        if newest
            && unread.is_none()
            && let Some(first) = bad.first()
            && frame::is_torn_entry(&bytes[first.range.start..])
        {
            // The torn entry declares more bytes than are left, so every later bad
            // stretch lies inside it; a whole entry decoded in there is not ours.
            let at = first.range.start;
            if entries.iter().all(|e| e.frame.end <= at) {
                self.trim_torn_tail(&path, at, bytes.len(), entries.len())?;
                bad.clear();
            }
        }
        bad.extend(unread);
        if !bad.is_empty() {
            if let Some(n) = self.write_log(&bytes, &entries)? {
                keep_in = n;
            }
            let stretches: Vec<String> = bad
                .iter()
                .map(|b| format!("bytes {}..{}: {}", b.range.start, b.range.end, b.reason))
                .collect();
            let reason = format!(
                "{} of its {} bytes are not valid entries ({}); its {} good entries were kept{}",
                bad.iter().map(|b| b.range.len()).sum::<usize>(),
                total,
                stretches.join("; "),
                entries.len(),
                if entries.is_empty() {
                    String::new()
                } else {
                    format!(" in {}", log_name(keep_in))
                },
            );
            self.move_to_quarantine(&self.doc_dir, &name, &name, &reason)?;
        } else if !entries.is_empty() || bytes.is_empty() {
            // (A segment whose only entry was torn is gone.)
            self.logs.insert(number);
        }
        // Entries a compaction covered stay in a segment that also holds
        // later ones, until a compaction covers those too; the snapshot
        // holds them.
        let floor = self.seq_floor;
        for e in entries.into_iter().filter(|e| e.seq > floor) {
            self.add_chunk(e.seq, Place::Log(keep_in), e.frame.len() as u64);
            chunks.insert(
                e.seq,
                StoredFile {
                    name: chunk_name(e.seq),
                    bytes: bytes[e.chunk].to_vec(),
                },
            );
        }
        Ok((!bad.is_empty()).then_some(name))
    }

    /// Cuts the torn last entry (from byte `at` to `len`) off the log segment at `path`,
    /// which holds `good` whole entries before it, and makes that durable; a segment left
    /// empty is removed instead.
    ///
    /// In place, unlike every other change to a file in `doc/`: the bytes kept are not
    /// touched, and a crash before the cut is durable leaves the same torn segment, still the
    /// newest, for the next load to cut. Moving the entries to a new segment instead would
    /// leave, after a crash between writing it and removing this one, a torn segment that is
    /// no longer the newest, which `load` must take for damage.
    fn trim_torn_tail(
        &mut self,
        path: &Path,
        at: usize,
        len: usize,
        good: usize,
    ) -> Result<(), StoreError> {
        if good == 0 {
            remove_if_exists(path)?;
            sync_dir(&self.doc_dir)?;
        } else {
            let file = sys::open_write(path).map_err(|e| io_error("open", path, e))?;
            file.set_len(at as u64)
                .and_then(|()| file.sync_all())
                .map_err(|e| io_error("truncate", path, e))?;
        }
        info!(
            path = %path.display(),
            kept_entries = good,
            kept_bytes = at,
            cut_bytes = len - at,
            "cut a torn last entry off the newest log segment: a write a crash interrupted, never acknowledged"
        );
        Ok(())
    }

    /// Writes `entries` (frames of the segment `bytes`) durably as a new log
    /// segment and returns its number; writes nothing for no entries.
    fn write_log(
        &mut self,
        bytes: &[u8],
        entries: &[frame::Entry],
    ) -> Result<Option<u64>, StoreError> {
        if entries.is_empty() {
            return Ok(None);
        }
        let number = take_number(&mut self.next_log, "log segment", &self.doc_dir)?;
        let frames: Vec<&[u8]> = entries.iter().map(|e| &bytes[e.frame.clone()]).collect();
        self.write_durable(&self.doc_dir, &log_name(number), &frames, FILE_MODE)?;
        self.logs.insert(number);
        Ok(Some(number))
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

    /// Durably appends one chunk and returns its sequence number.
    ///
    /// The chunk is one frame at the end of the open log segment; it returns
    /// only after `fdatasync` of the segment (and, for a new segment, after
    /// its directory entry was made durable). On error the segment is cut
    /// back to where it was, so nothing of the chunk is left behind (if even
    /// that fails, the next load quarantines the torn end), and the seq is
    /// simply skipped (sequence numbers grow but may have gaps). Disk full or
    /// quota exceeded is [`StoreError::Full`].
    ///
    /// After a failed append the next one starts a new segment. On a full
    /// disk that makes every append fail alike until there is space again,
    /// instead of a small one still fitting in the old segment's last block.
    pub fn append(&mut self, bytes: &[u8]) -> Result<u64, StoreError> {
        self.append_while(bytes, || ()).0
    }

    /// [`Store::append`], running `meanwhile` on this thread while the disk
    /// makes the chunk durable (the `fdatasync` waits on another thread), and
    /// returning what it returned as well.
    ///
    /// `meanwhile` runs whether the append succeeds or not, so it must do
    /// nothing that counts on the chunk being on disk: the caller looks at
    /// the result before letting anyone see what `meanwhile` did. It runs
    /// after the chunk's bytes were written (to the page cache), so it never
    /// delays them.
    pub fn append_while<R>(
        &mut self,
        bytes: &[u8],
        meanwhile: impl FnOnce() -> R,
    ) -> (Result<u64, StoreError>, R) {
        // Taken before writing so a seq is never handed out twice, even if a
        // failed attempt left bytes we could not take back.
        let seq = match take_number(&mut self.next_seq, "chunk sequence", &self.doc_dir) {
            Ok(seq) => seq,
            Err(e) => return (Err(e), meanwhile()),
        };
        let entry = frame::entry(seq, bytes);
        if self.writer.is_none() {
            match self.create_log() {
                Ok(w) => self.writer = Some(w),
                Err(e) => return (Err(e), meanwhile()),
            }
        }
        let w = self.writer.as_mut().expect("opened above");
        let path = self.doc_dir.join(log_name(w.number));
        let (written, out) = match w.file.write_all_at(&entry, w.len) {
            Err(e) => (Err(io_error("write", &path, e)), meanwhile()),
            Ok(()) => {
                let file = &w.file;
                let (synced, out) = std::thread::scope(|scope| {
                    match std::thread::Builder::new()
                        .name("bureau-fsync".to_owned())
                        .spawn_scoped(scope, || file.sync_data())
                    {
                        Ok(sync) => {
                            let out = meanwhile();
                            let synced = sync.join().unwrap_or_else(|_| {
                                Err(std::io::Error::other("the fsync thread panicked"))
                            });
                            (synced, out)
                        }
                        // No thread to spare: the same work, one after the other.
                        Err(_) => (file.sync_data(), meanwhile()),
                    }
                });
                (synced.map_err(|e| io_error("fsync", &path, e)), out)
            }
        };
        (
            self.finish_append(seq, written, entry.len() as u64, bytes.len()),
            out,
        )
    }

    /// Records an appended chunk, or cuts a failed one back off its segment.
    fn finish_append(
        &mut self,
        seq: u64,
        written: Result<(), StoreError>,
        entry_len: u64,
        payload_len: usize,
    ) -> Result<u64, StoreError> {
        let w = self.writer.as_mut().expect("an append has a writer");
        let path = self.doc_dir.join(log_name(w.number));
        if let Err(err) = written {
            if let Err(cut) = w.file.set_len(w.len).and_then(|()| w.file.sync_data()) {
                error!(path = %path.display(), error = %cut, "could not cut a failed append off its log segment");
            } else if w.len == 0 {
                // Nothing in it: do not leave an empty segment behind.
                let number = w.number;
                if remove_if_exists(&path).is_ok() {
                    self.logs.remove(&number);
                    let _ = sync_dir(&self.doc_dir);
                }
            }
            self.writer = None;
            return Err(err);
        }
        w.len += entry_len;
        let number = w.number;
        self.add_chunk(seq, Place::Log(number), entry_len);
        debug!(seq, len = payload_len, log = number, "appended chunk");
        Ok(seq)
    }

    /// Creates the next log segment, empty, with its directory entry durable.
    fn create_log(&mut self) -> Result<LogWriter, StoreError> {
        let number = take_number(&mut self.next_log, "log segment", &self.doc_dir)?;
        let path = self.doc_dir.join(log_name(number));
        let file = sys::create_new(&path, FILE_MODE).map_err(|e| io_error("create", &path, e))?;
        if let Err(err) = sync_dir(&self.doc_dir) {
            drop(file);
            remove_quietly(&path);
            return Err(err);
        }
        self.logs.insert(number);
        debug!(log = number, "started a log segment");
        Ok(LogWriter {
            number,
            file,
            len: 0,
        })
    }

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

    /// Moves a doc file (by the name [`Store::load`] reported) to
    /// `quarantine/` and writes `<name>.reason` next to it.
    ///
    /// For files whose framing was fine but whose payload the caller could
    /// not use. The file no longer counts as a chunk or snapshot afterwards.
    /// `name` must be a snapshot or chunk name, else an `InvalidInput` I/O
    /// error is returned.
    pub fn quarantine(&mut self, name: &str, reason: &str) -> Result<(), StoreError> {
        let doc_name = match parse_doc_name(name) {
            Some(n @ (DocName::Chunk(_) | DocName::Snapshot(_))) => n,
            _ => {
                return Err(invalid_input(
                    "quarantine",
                    &self.doc_dir,
                    name,
                    "not a snapshot or chunk file name",
                ));
            }
        };
        match doc_name {
            DocName::Chunk(seq) => match self.chunks.get(&seq).map(|c| c.place) {
                Some(Place::Log(number)) => self.quarantine_entry(seq, number, reason)?,
                _ => {
                    self.move_to_quarantine(&self.doc_dir, name, name, reason)?;
                    self.remove_chunk(seq);
                }
            },
            DocName::Snapshot(generation) => {
                self.move_to_quarantine(&self.doc_dir, name, name, reason)?;
                self.snapshots.remove(&generation);
            }
            DocName::Log(_) => unreachable!("refused above"),
        }
        Ok(())
    }

    /// Takes entry `seq` out of log segment `number`: the chunk goes to
    /// quarantine as the file it would have been (`chunk-{seq}.bin`), the
    /// other entries to a new segment, then the old segment is removed.
    fn quarantine_entry(&mut self, seq: u64, number: u64, reason: &str) -> Result<(), StoreError> {
        let path = self.doc_dir.join(log_name(number));
        let bytes = sys::read(&path).map_err(|e| io_error("read", &path, e))?;
        let (entries, _) = frame::decode_entries(&bytes);
        let Some(target) = entries.iter().find(|e| e.seq == seq) else {
            return Err(StoreError::Io {
                op: "quarantine",
                path,
                source: io::Error::new(io::ErrorKind::NotFound, format!("no entry {seq}")),
            });
        };
        let chunk = &bytes[target.chunk.clone()];
        let base = chunk_name(seq);
        let quarantined_as = self.free_quarantine_name(&base)?;
        self.write_durable(
            &self.quarantine_dir,
            &quarantined_as,
            &[&frame::header(Kind::Chunk, chunk), chunk],
            FILE_MODE,
        )?;
        if self.writer.as_ref().is_some_and(|w| w.number == number) {
            self.writer = None;
        }
        // Only entries that decode stay; a bad stretch would have been
        // quarantined with the segment by `load` already.
        let rest: Vec<frame::Entry> = entries.into_iter().filter(|e| e.seq != seq).collect();
        let keep_in = self.write_log(&bytes, &rest)?;
        remove_if_exists(&path)?;
        sync_dir(&self.doc_dir)?;
        self.logs.remove(&number);
        self.remove_chunk(seq);
        if let Some(n) = keep_in {
            for e in rest {
                if let Some(info) = self.chunks.get_mut(&e.seq) {
                    info.place = Place::Log(n);
                }
            }
        }
        warn!(file = %base, log = number, quarantined_as = %quarantined_as, reason, "moved a log entry to quarantine");
        self.write_reason(&base, &quarantined_as, reason);
        Ok(())
    }

    /// Moves the whole of `doc/` into `quarantine/` as a directory
    /// (`doc-set-aside-<n>`, the first free number) and starts an empty
    /// `doc/`, for a node that recovers its document from a peer
    /// (`bureau serve --recover`): what is left of the lost document must not
    /// mix with the one that comes back, and nothing of it is deleted.
    /// Returns the name it got in `quarantine/`.
    pub fn set_aside_doc(&mut self) -> Result<String, StoreError> {
        self.writer = None;
        let mut n = 1u32;
        let name = loop {
            let name = format!("doc-set-aside-{n}");
            let path = self.quarantine_dir.join(&name);
            if !sys::try_exists(&path).map_err(|e| io_error("stat", &path, e))? {
                break name;
            }
            n += 1;
        };
        let to = self.quarantine_dir.join(&name);
        sys::rename(&self.doc_dir, &to).map_err(|e| io_error("rename", &self.doc_dir, e))?;
        ensure_dir(&self.doc_dir)?;
        sync_dir(&self.quarantine_dir)?;
        sync_dir(&self.data_dir)?;
        self.chunks.clear();
        self.chunk_total = 0;
        self.logs.clear();
        self.snapshots.clear();
        self.scan()?;
        warn!(to = %to.display(), "set the document's files aside");
        Ok(name)
    }

    /// Names of the files in `quarantine/` (without the `.reason` files),
    /// sorted.
    pub fn quarantined(&self) -> Result<Vec<String>, StoreError> {
        let mut names: Vec<String> = list_files(&self.quarantine_dir)?
            .into_iter()
            .filter(|n| !n.ends_with(REASON_SUFFIX) && !n.ends_with(TMP_SUFFIX))
            .collect();
        names.sort();
        Ok(names)
    }

    /// Renames `src_dir/name` to `quarantine/<base>` (with a `.<n>` suffix if
    /// that name is taken), fsyncs both directories and writes the reason.
    /// Returns the name used in quarantine.
    fn move_to_quarantine(
        &self,
        src_dir: &Path,
        name: &str,
        base: &str,
        reason: &str,
    ) -> Result<String, StoreError> {
        let target = self.free_quarantine_name(base)?;
        let from = src_dir.join(name);
        let to = self.quarantine_dir.join(&target);
        sys::rename(&from, &to).map_err(|e| io_error("move to quarantine", &from, e))?;
        // Destination first: if we crash in between, the file is durably in
        // quarantine and at worst still also listed in its old directory.
        sync_dir(&self.quarantine_dir)?;
        sync_dir(src_dir)?;
        warn!(file = name, quarantined_as = %target, reason, "moved file to quarantine");
        self.write_reason(name, &target, reason);
        Ok(target)
    }

    /// `base`, or `base.<n>` if that is taken in `quarantine/`.
    fn free_quarantine_name(&self, base: &str) -> Result<String, StoreError> {
        let mut target = base.to_owned();
        let mut n = 0u32;
        // Never overwrite earlier evidence; we hold the lock, so checking
        // then renaming does not race with another bureau process.
        while sys::try_exists(&self.quarantine_dir.join(&target))
            .map_err(|e| io_error("stat", &self.quarantine_dir.join(&target), e))?
        {
            n += 1;
            target = format!("{base}.{n}");
        }
        Ok(target)
    }

    /// Writes `quarantine/<target>.reason`. The reason is diagnostics only:
    /// the quarantine itself succeeded, so a failure here (e.g. disk full)
    /// must not report it as failed.
    fn write_reason(&self, name: &str, target: &str, reason: &str) {
        let reason_text = format!("{name}: {reason}\n");
        if let Err(err) = self.write_durable(
            &self.quarantine_dir,
            &format!("{target}{REASON_SUFFIX}"),
            &[reason_text.as_bytes()],
            FILE_MODE,
        ) {
            warn!(file = %target, error = %err, "could not write quarantine reason");
        }
    }

    /// Atomically and durably writes a small named file directly in the data
    /// directory with permissions `mode` (e.g. 0o600 for secrets, 0o644 for
    /// `runtime.json`); only the permission bits (`0o777`) are used.
    ///
    /// `name` must be a plain file name: not empty, no `/`, not `.` or `..`,
    /// not ending in `.tmp` (such files are deleted at open) and not one of
    /// the store's own `lock`, `doc`, `quarantine`, `state`. Otherwise an
    /// `InvalidInput` I/O error is returned.
    pub fn write_file(&self, name: &str, bytes: &[u8], mode: u32) -> Result<(), StoreError> {
        self.check_plain_name("write", name)?;
        self.write_durable(&self.data_dir, name, &[bytes], mode & 0o777)
    }

    /// Reads a named file from the data directory; `None` if it does not
    /// exist. Same name rules as [`Store::write_file`].
    pub fn read_file(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.check_plain_name("read", name)?;
        let path = self.data_dir.join(name);
        match sys::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error("read", &path, e)),
        }
    }

    /// Durably removes a named file from the data directory; succeeds if it
    /// does not exist. Same name rules as [`Store::write_file`].
    pub fn remove_file(&self, name: &str) -> Result<(), StoreError> {
        self.check_plain_name("remove", name)?;
        if remove_if_exists(&self.data_dir.join(name))? {
            // E.g. a revoked api-token must not come back after a crash.
            sync_dir(&self.data_dir)?;
        }
        Ok(())
    }

    /// A handle for this data directory's small named files that can live apart from the
    /// store (the store itself moves into the document actor).
    pub fn files(&self) -> Files {
        Files {
            data_dir: self.data_dir.clone(),
            // A separate range of temp-name counters, so the two never pick the same name.
            tmp_counter: Arc::new(AtomicU64::new(1 << 40)),
        }
    }

    fn check_plain_name(&self, op: &'static str, name: &str) -> Result<(), StoreError> {
        check_plain_name(&self.data_dir, op, name)
    }

    /// Durably stores a small blob under `key` in `state/`, framed with a CRC
    /// like doc files. `key` must be 1 to 200 characters of `[A-Za-z0-9_-]`,
    /// else an `InvalidInput` I/O error is returned (keys are rejected rather
    /// than sanitised so that two keys can never share a file).
    pub fn put_state(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.check_state_key("write state", key)?;
        let header = frame::header(Kind::State, bytes);
        self.write_durable(
            &self.state_dir,
            &state_file_name(key),
            &[&header, bytes],
            FILE_MODE,
        )
    }

    /// Reads the blob stored under `key`; `None` if there is none. A corrupt
    /// state file is moved to quarantine (as `state-<key>.bin`) and `None`
    /// returned, since state is something the caller can rebuild.
    pub fn get_state(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.check_state_key("read state", key)?;
        let file_name = state_file_name(key);
        let path = self.state_dir.join(&file_name);
        let read = match read_frame_file(&path, Kind::State) {
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error("read", &path, e)),
        };
        match read {
            Ok(bytes) => Ok(Some(bytes)),
            Err(reason) => {
                self.quarantine_state(&file_name, &reason)?;
                Ok(None)
            }
        }
    }

    fn quarantine_state(&self, file_name: &str, reason: &FrameError) -> Result<(), StoreError> {
        // Prefixed so a state key can never be mistaken for a doc file name.
        let base = format!("state-{file_name}");
        self.move_to_quarantine(&self.state_dir, file_name, &base, &reason.to_string())?;
        Ok(())
    }

    fn check_state_key(&self, op: &'static str, key: &str) -> Result<(), StoreError> {
        let valid = !key.is_empty()
            && key.len() <= MAX_STATE_KEY_LEN
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if valid {
            Ok(())
        } else {
            Err(invalid_input(
                op,
                &self.state_dir,
                key,
                "state keys must be 1 to 200 characters of [A-Za-z0-9_-]",
            ))
        }
    }

    /// The one write path: temp file in the target directory, fsync, rename
    /// over the final name, fsync the directory. On failure before the rename
    /// the temp file is removed, so the final name holds either the old
    /// content or nothing.
    fn write_durable(
        &self,
        dir: &Path,
        name: &str,
        parts: &[&[u8]],
        mode: u32,
    ) -> Result<(), StoreError> {
        let n = self.tmp_counter.fetch_add(1, Ordering::Relaxed);
        write_durable_in(dir, name, parts, mode, n)
    }
}

fn check_plain_name(data_dir: &Path, op: &'static str, name: &str) -> Result<(), StoreError> {
    let why = if name.is_empty() {
        "file name is empty"
    } else if name == "." || name == ".." || name.contains('/') || name.contains('\0') {
        "not a plain file name"
    } else if name.ends_with(TMP_SUFFIX) {
        "names ending in .tmp are reserved for temporary files"
    } else if RESERVED_NAMES.contains(&name) {
        "name is reserved for the store itself"
    } else {
        return Ok(());
    };
    Err(invalid_input(op, data_dir, name, why))
}

/// Writes `parts` to `dir/name` durably: temp file, fsync, rename, fsync of the directory.
fn write_durable_in(
    dir: &Path,
    name: &str,
    parts: &[&[u8]],
    mode: u32,
    n: u64,
) -> Result<(), StoreError> {
    // Hidden and suffixed so it is obviously not a real file and gets swept at the next open
    // if we crash before the rename.
    let tmp = dir.join(format!(".{name}.{n}{TMP_SUFFIX}"));
    let path = dir.join(name);
    let written = write_tmp(&tmp, parts, mode)
        .and_then(|()| sys::rename(&tmp, &path).map_err(|e| io_error("rename", &tmp, e)));
    if let Err(err) = written {
        remove_quietly(&tmp);
        return Err(err);
    }
    sync_dir(dir)
}

/// The data directory's small named files (identity, token, remembered peers, invites),
/// usable by whoever the store handed it to. The store's lock keeps other nodes out; writes
/// are as durable as the store's own.
#[derive(Clone, Debug)]
pub struct Files {
    data_dir: PathBuf,
    tmp_counter: Arc<AtomicU64>,
}

impl Files {
    /// Durably writes a small named file in the data directory (same rules as
    /// [`Store::write_file`]).
    pub fn write_file(&self, name: &str, bytes: &[u8], mode: u32) -> Result<(), StoreError> {
        check_plain_name(&self.data_dir, "write", name)?;
        let n = self.tmp_counter.fetch_add(1, Ordering::Relaxed);
        write_durable_in(&self.data_dir, name, &[bytes], mode & 0o777, n)
    }

    /// Reads a named file; `None` if it does not exist.
    pub fn read_file(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        check_plain_name(&self.data_dir, "read", name)?;
        let path = self.data_dir.join(name);
        match sys::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error("read", &path, e)),
        }
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

/// Removes `*.tmp` files in `dir`: they are writes that crashed before their
/// rename and so were never acknowledged.
fn remove_stale_tmp(dir: &Path) -> Result<(), StoreError> {
    let mut removed = false;
    for name in list_files(dir)? {
        if name.ends_with(TMP_SUFFIX) {
            let path = dir.join(&name);
            if remove_if_exists(&path)? {
                removed = true;
                info!(path = %path.display(), "removed leftover temp file");
            }
        }
    }
    if removed {
        sync_dir(dir)?;
    }
    Ok(())
}
