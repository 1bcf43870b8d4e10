//! Quarantine: taking doc and state files out of service without deleting them, so that a
//! human can still look at them; and setting the whole of `doc/` aside for a recovery.
//!
//! Invariants: nothing in `quarantine/` is ever overwritten or deleted (a taken name gets a
//! `.<n>` suffix); a file is durable in quarantine before it leaves its old directory; its
//! reason is written beside it as `<name>.reason`, best effort, since the move itself is what
//! counts. A log entry is quarantined as the chunk file it would have been, after the other
//! entries of its segment were written durably to a new segment.

use std::io;
use std::path::Path;

use tracing::warn;

use crate::error::{invalid_input, io_error};
use crate::files::{ensure_dir, list_files, remove_if_exists, sync_dir};
use crate::frame::{self, Kind};
use crate::layout::*;
use crate::{Place, Store, StoreError, sys};

impl Store {
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
    pub(crate) fn move_to_quarantine(
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
}
