//! The store's error type, and the helpers that give an I/O error its context.
//!
//! Every failure names what the store was doing and the file or directory involved, so that
//! the line in the node's log is enough to find it. A full disk (or quota) is a variant of its
//! own, [`StoreError::Full`], because it is the one failure the user can fix alone, and the
//! write that met it leaves nothing behind. An underlying error is kept as the variant's
//! `#[source]`, never flattened into the message.

use std::io;
use std::path::{Path, PathBuf};

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
pub(crate) fn io_error(op: &'static str, path: &Path, source: io::Error) -> StoreError {
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

pub(crate) fn invalid_input(op: &'static str, dir: &Path, name: &str, why: &str) -> StoreError {
    StoreError::Io {
        op,
        // Not `dir.join(name)`: an absolute `name` would replace `dir` and
        // make the message point somewhere else entirely.
        path: PathBuf::from(format!("{}/{}", dir.display(), name)),
        source: io::Error::new(io::ErrorKind::InvalidInput, why.to_owned()),
    }
}
