//! Log segments: chunks appended to the open segment `log-{n}.bin`, one frame each; segments
//! read back with memory bounded by what their headers declare; and the torn last entry a
//! crash in an append leaves, cut off at load.
//!
//! Invariants: an append returns its sequence number only after `fdatasync` of the segment,
//! whose directory entry was made durable when it was created, empty. A failed append is cut
//! back off its segment, and the next one starts a new segment. Each run, load and
//! compaction starts a new segment, so no segment written before is ever appended to, and
//! only in the newest can a crash have cut an entry short. That torn last entry, never
//! acknowledged, is the only thing ever cut off a segment in place; any other bad stretch is
//! damage: the segment's good entries are first written durably to a new segment, then it is
//! quarantined whole.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};

use tracing::{debug, error, info, warn};

use crate::error::io_error;
use crate::files::{remove_if_exists, remove_quietly, sync_dir};
use crate::frame::{self, FrameError, HEADER_LEN, Kind};
use crate::layout::*;
use crate::sys::File;
use crate::{LogWriter, Place, Store, StoreError, StoredFile, sys};

/// How many bytes of a log segment are read although no entry header vouches for them: enough
/// to find the good entries after a damaged one (bit rot, a torn write) in any segment the
/// store writes, too few for a sparse file of gigabytes to cost that much memory.
const UNVOUCHED_READ: u64 = 64 << 20;

/// The thread that runs each append's `fdatasync` while the appending thread goes on
/// ([`Store::append_while`]). One thread for the store's life, woken per append: a thread
/// started per append had to be scheduled anew each time, and on a laptop whose cores are
/// busy a new thread waits longer for a core than one that wakes.
#[derive(Debug)]
pub(crate) struct Syncer {
    jobs: mpsc::Sender<Arc<File>>,
    /// Behind a lock only so that the store stays `Sync`; one append at a time uses it.
    done: Mutex<mpsc::Receiver<io::Result<()>>>,
}

/// An `fdatasync` under way on the [`Syncer`]'s thread.
struct Pending<'a>(&'a Syncer);

impl Pending<'_> {
    fn wait(self) -> io::Result<()> {
        self.0
            .done
            .lock()
            .map_err(|_| io::Error::other("the fsync thread's lock is poisoned"))?
            .recv()
            .unwrap_or_else(|_| Err(io::Error::other("the fsync thread ended")))
    }
}

impl Syncer {
    fn start() -> io::Result<Syncer> {
        let (jobs, job_rx) = mpsc::channel::<Arc<File>>();
        let (done_tx, done) = mpsc::channel();
        std::thread::Builder::new()
            .name("bureau-fsync".to_owned())
            .spawn(move || {
                // Ends when the store (and with it the sender) is dropped.
                while let Ok(file) = job_rx.recv() {
                    let res = file.sync_data();
                    drop(file);
                    if done_tx.send(res).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Syncer {
            jobs,
            done: Mutex::new(done),
        })
    }

    /// Hands `file` to the thread; `Err` if the thread is gone (the caller syncs itself).
    fn start_sync(&self, file: Arc<File>) -> Result<Pending<'_>, ()> {
        self.jobs.send(file).map_err(drop)?;
        Ok(Pending(self))
    }
}

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
pub(crate) fn scan_log(path: &Path) -> Result<Vec<(u64, u64)>, StoreError> {
    let Some((bytes, _)) = read_log(path)? else {
        return Ok(Vec::new());
    };
    let (entries, _) = frame::decode_entries(&bytes);
    Ok(entries
        .into_iter()
        .map(|e| (e.seq, e.frame.len() as u64))
        .collect())
}

impl Store {
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
                let file = Arc::clone(&w.file);
                let syncer = match &self.syncer {
                    Some(s) => Some(s),
                    None => {
                        self.syncer = Syncer::start().ok();
                        self.syncer.as_ref()
                    }
                };
                let (synced, out) = match syncer.map(|s| s.start_sync(file.clone())) {
                    Some(Ok(pending)) => {
                        let out = meanwhile();
                        (pending.wait(), out)
                    }
                    // No thread to spare: the same work, one after the other.
                    _ => (file.sync_data(), meanwhile()),
                };
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
            file: Arc::new(file),
            len: 0,
        })
    }

    /// Reads log segment `number` into `chunks`.
    ///
    /// If it is the `newest` segment and ends in one torn entry, and nothing else in it is
    /// bad, the torn entry is cut off in place (see [`Store::trim_torn_tail`]): it is what a
    /// crash during an append leaves, and no append is acknowledged before it is whole and
    /// durable. Any other bad stretch (a damaged entry, a torn one followed by more bytes or
    /// in an older segment) makes it corrupt: its good entries are first written to a new
    /// segment, then it is quarantined; returns its name then.
    pub(crate) fn load_log(
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
    pub(crate) fn write_log(
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
}
