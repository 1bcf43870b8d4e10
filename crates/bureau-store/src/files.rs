//! Files written so that a crash leaves the old content or the new, never a part: the one
//! write path (temp file, fsync, rename, fsync of the directory), the sweep of temp files a
//! crash left, reading a single-frame file, and the check that a directory is this user's
//! alone. Also the two kinds of small file that are not the document: named files in the data
//! directory ([`Store::write_file`], and [`Files`] for whoever holds them apart from the
//! store) and per-key state blobs in `state/` ([`Store::put_state`]).
//!
//! Invariants: a write returns `Ok` only once the directory holding its new name was fsynced;
//! a temp file is always created new (never written through a file or link left at its name)
//! and is 0600 before it gets any other mode; names and keys are refused, not sanitised, so
//! two of them never share a file and none replaces the store's own (`lock`, `doc`, ...); a
//! directory another user owns or may write to is refused before anything is written in it.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing::{info, warn};

use crate::error::{invalid_input, io_error};
use crate::frame::{self, FrameError, HEADER_LEN, Kind};
use crate::layout::*;
use crate::{Store, StoreError, sys};

/// Keeps `state/<key>.bin` and its temp name well below NAME_MAX (255).
const MAX_STATE_KEY_LEN: usize = 200;

/// Refuses a directory that another user owns or may write to.
pub(crate) fn check_ours(dir: &Path) -> Result<(), StoreError> {
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

/// Reads a file that holds exactly one frame of `kind`, refusing before reading it whole if
/// its header does not declare exactly the length it has on disk (see
/// [`frame::check_header`]): the payload, or why the framing is wrong.
pub(crate) fn read_frame_file(path: &Path, kind: Kind) -> io::Result<Result<Vec<u8>, FrameError>> {
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

/// Reads a file, `None` if it is not there.
pub(crate) fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    match sys::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error("read", path, e)),
    }
}

/// Lists the names of regular files in `dir`. Non-UTF-8 names cannot be ours
/// and are skipped; so are directories, symlinks and the like.
pub(crate) fn list_files(dir: &Path) -> Result<Vec<String>, StoreError> {
    sys::regular_files(dir).map_err(|e| io_error("list directory", dir, e))
}

/// Fsyncs a directory so that creations, renames and removals in it survive
/// a crash; without this a renamed file can vanish after power loss.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    sys::sync_dir(dir).map_err(|e| io_error("fsync directory", dir, e))
}

/// Creates `dir` with mode 0700 if missing. Returns whether it was created,
/// so the caller knows the parent directory needs an fsync.
pub(crate) fn ensure_dir(dir: &Path) -> Result<bool, StoreError> {
    match sys::create_dir(dir, DIR_MODE) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && sys::is_dir(dir) => Ok(false),
        Err(e) => Err(io_error("create directory", dir, e)),
    }
}

/// Removes `path`, treating "already gone" as success.
pub(crate) fn remove_if_exists(path: &Path) -> Result<bool, StoreError> {
    match sys::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_error("remove", path, e)),
    }
}

/// Best-effort removal for cleanup paths where we are already returning a
/// more important error.
pub(crate) fn remove_quietly(path: &Path) {
    if let Err(err) = remove_if_exists(path) {
        warn!(path = %path.display(), error = %err, "could not clean up file");
    }
}

/// Writes `parts` to a new temp file at `tmp` (mode 0600, then `mode`) and
/// fsyncs it. The caller renames it into place.
pub(crate) fn write_tmp(tmp: &Path, parts: &[&[u8]], mode: u32) -> Result<(), StoreError> {
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

/// Removes `*.tmp` files in `dir`: they are writes that crashed before their
/// rename and so were never acknowledged.
pub(crate) fn remove_stale_tmp(dir: &Path) -> Result<(), StoreError> {
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

impl Store {
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
        let n = self.tmp_counter.fetch_add(1, Ordering::Relaxed);
        put_state_in(&self.state_dir, key, bytes, n)
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
        check_state_key(&self.state_dir, op, key)
    }

    /// The one write path: temp file in the target directory, fsync, rename
    /// over the final name, fsync the directory. On failure before the rename
    /// the temp file is removed, so the final name holds either the old
    /// content or nothing.
    pub(crate) fn write_durable(
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

fn check_state_key(state_dir: &Path, op: &'static str, key: &str) -> Result<(), StoreError> {
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
            state_dir,
            key,
            "state keys must be 1 to 200 characters of [A-Za-z0-9_-]",
        ))
    }
}

/// [`Store::put_state`] into `state_dir`, with temp-name counter value `n`.
fn put_state_in(state_dir: &Path, key: &str, bytes: &[u8], n: u64) -> Result<(), StoreError> {
    check_state_key(state_dir, "write state", key)?;
    let header = frame::header(Kind::State, bytes);
    write_durable_in(
        state_dir,
        &state_file_name(key),
        &[&header, bytes],
        FILE_MODE,
        n,
    )
}

/// Writes `parts` to `dir/name` durably: temp file, fsync, rename, fsync of the directory.
pub(crate) fn write_durable_in(
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

    /// Durably stores a blob under `key` in `state/`, as [`Store::put_state`] does: for a
    /// thread that writes state while the store itself is busy elsewhere. Reading it back is
    /// the store's ([`Store::get_state`]), which sets a damaged one aside.
    pub fn put_state(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let n = self.tmp_counter.fetch_add(1, Ordering::Relaxed);
        put_state_in(&self.data_dir.join(STATE_DIR), key, bytes, n)
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
