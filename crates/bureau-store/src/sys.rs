//! The store's one door to the file system: every system call it makes on files and
//! directories (hence `sys`).
//!
//! Every file-system call the store makes goes through here, so that its tests can run it on
//! a simulated disk that loses power (`sim_disk.rs`) as well as on the real one. In a normal
//! build each function is the `std::fs` call it names and [`File`] is an enum of one variant
//! holding a `std::fs::File`, so the seam costs the append path nothing: no trait object, no
//! branch, no lookup. Only test builds add the simulated variant, and route a path under a
//! simulated disk's root (and a file opened there) to the simulation; every other path still
//! reaches the real file system, so the tests on real temp directories are unchanged.

use std::fs::{self, DirBuilder, OpenOptions, Permissions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

#[cfg(test)]
use crate::sim_disk;

/// An open file: a real one, or (in tests) one on a simulated disk.
#[derive(Debug)]
pub(crate) enum File {
    Real(fs::File),
    #[cfg(test)]
    Sim(sim_disk::Handle),
}

/// Sends a call on a path under a simulated disk's root to the simulation (test builds only).
macro_rules! simulated {
    ($path:expr, |$at:ident| $call:expr) => {
        #[cfg(test)]
        if let Some($at) = sim_disk::find($path) {
            return $call;
        }
    };
}

/// The whole file.
pub(crate) fn read(path: &Path) -> io::Result<Vec<u8>> {
    simulated!(path, |at| at.read());
    fs::read(path)
}

/// Reads a file whole, but only once `check` has accepted its first `head` bytes (fewer if the
/// file is shorter) and its length on disk: what a file's header declares decides whether it
/// is worth the memory of reading it all. Never follows a symlink, and reads no more than the
/// length `check` saw, should the file grow meanwhile.
pub(crate) fn read_checked<E>(
    path: &Path,
    head: usize,
    check: impl FnOnce(&[u8], u64) -> Result<(), E>,
) -> io::Result<Result<Vec<u8>, E>> {
    simulated!(path, |at| at.read().map(|data| {
        check(&data[..head.min(data.len())], data.len() as u64).map(|()| data)
    }));
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    let len = file.metadata()?.len();
    let mut bytes = vec![0; usize::try_from(len).map_or(head, |len| head.min(len))];
    let mut reader = (&file).take(len);
    reader.read_exact(&mut bytes)?;
    if let Err(e) = check(&bytes, len) {
        return Ok(Err(e));
    }
    let rest = usize::try_from(len)
        .map_err(|_| io::Error::new(io::ErrorKind::OutOfMemory, "file too large"))?
        - bytes.len();
    bytes.try_reserve_exact(rest)?;
    reader.read_to_end(&mut bytes)?;
    Ok(Ok(bytes))
}

/// The names of the regular files in `dir`. Non-UTF-8 names cannot be the store's and are
/// left out; so are directories, symlinks and the like.
pub(crate) fn regular_files(dir: &Path) -> io::Result<Vec<String>> {
    simulated!(dir, |at| at.regular_files());
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        if let Ok(name) = entry.file_name().into_string() {
            names.push(name);
        }
    }
    Ok(names)
}

pub(crate) fn rename(from: &Path, to: &Path) -> io::Result<()> {
    simulated!(from, |at| at.rename(to));
    fs::rename(from, to)
}

pub(crate) fn remove_file(path: &Path) -> io::Result<()> {
    simulated!(path, |at| at.remove_file());
    fs::remove_file(path)
}

/// Creates one directory with `mode`.
pub(crate) fn create_dir(dir: &Path, mode: u32) -> io::Result<()> {
    simulated!(dir, |at| at.create_dir(false));
    DirBuilder::new().mode(mode).create(dir)
}

/// Creates a directory and its missing parents with `mode`.
pub(crate) fn create_dir_all(dir: &Path, mode: u32) -> io::Result<()> {
    simulated!(dir, |at| at.create_dir(true));
    DirBuilder::new().recursive(true).mode(mode).create(dir)
}

pub(crate) fn is_dir(path: &Path) -> bool {
    simulated!(path, |at| at.stat().is_ok_and(|s| !s.is_file));
    path.is_dir()
}

pub(crate) fn try_exists(path: &Path) -> io::Result<bool> {
    simulated!(path, |at| at.try_exists());
    path.try_exists()
}

/// What the store asks of a file's metadata.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stat {
    pub(crate) len: u64,
    pub(crate) is_file: bool,
}

pub(crate) fn stat(path: &Path) -> io::Result<Stat> {
    simulated!(path, |at| at.stat());
    let m = fs::metadata(path)?;
    Ok(Stat {
        len: m.len(),
        is_file: m.is_file(),
    })
}

/// The owner's uid and the permission bits of a directory (a simulated one is the current
/// user's, mode 0700).
pub(crate) fn owner_and_mode(path: &Path) -> io::Result<(u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    simulated!(path, |_at| Ok((rustix::process::geteuid().as_raw(), 0o700)));
    let meta = fs::metadata(path)?;
    Ok((meta.uid(), meta.mode() & 0o7777))
}

/// Fsyncs a directory, making the creations, renames and removals in it durable.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    simulated!(dir, |at| at.sync_dir());
    fs::File::open(dir)?.sync_all()
}

/// Creates a new file for writing with `mode`; fails if the name is taken (so the store never
/// writes through a file, or a symlink, someone else left there): `O_CREAT | O_EXCL`, and
/// `O_NOFOLLOW` as well, which says so once more.
pub(crate) fn create_new(path: &Path, mode: u32) -> io::Result<File> {
    simulated!(path, |at| at.open(true, false));
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW)
        .mode(mode)
        .open(path)
        .map(File::Real)
}

/// Opens a file for reading and writing, creating it with `mode` if missing, without
/// truncating it: the lock file, whose content belongs to whoever holds the lock.
pub(crate) fn open_or_create(path: &Path, mode: u32) -> io::Result<File> {
    simulated!(path, |at| at.open(false, true));
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(libc::O_NOFOLLOW)
        .mode(mode)
        .open(path)
        .map(File::Real)
}

/// Opens an existing file for reading, not through a symlink.
pub(crate) fn open_read(path: &Path) -> io::Result<File> {
    simulated!(path, |at| at.open(false, false));
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map(File::Real)
}

/// Opens an existing file for writing, not through a symlink.
pub(crate) fn open_write(path: &Path) -> io::Result<File> {
    simulated!(path, |at| at.open(false, false));
    OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map(File::Real)
}

impl File {
    /// The file's length.
    pub(crate) fn len(&self) -> io::Result<u64> {
        match self {
            File::Real(f) => f.metadata().map(|m| m.len()),
            #[cfg(test)]
            File::Sim(h) => h.len(),
        }
    }

    /// Fills `buf` from `offset`; fails if the file ends first.
    pub(crate) fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        match self {
            File::Real(f) => f.read_exact_at(buf, offset),
            #[cfg(test)]
            File::Sim(h) => h.read_at(buf, offset),
        }
    }

    pub(crate) fn write_all_at(&self, buf: &[u8], offset: u64) -> io::Result<()> {
        match self {
            File::Real(f) => f.write_all_at(buf, offset),
            #[cfg(test)]
            File::Sim(h) => h.write_at(buf, offset),
        }
    }

    /// Writes at the file's position and moves it on.
    pub(crate) fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            File::Real(f) => f.write_all(buf),
            #[cfg(test)]
            File::Sim(h) => h.write(buf),
        }
    }

    /// `fdatasync`.
    pub(crate) fn sync_data(&self) -> io::Result<()> {
        match self {
            File::Real(f) => f.sync_data(),
            #[cfg(test)]
            File::Sim(h) => h.sync(),
        }
    }

    /// `fsync`.
    pub(crate) fn sync_all(&self) -> io::Result<()> {
        match self {
            File::Real(f) => f.sync_all(),
            #[cfg(test)]
            File::Sim(h) => h.sync(),
        }
    }

    pub(crate) fn set_len(&self, len: u64) -> io::Result<()> {
        match self {
            File::Real(f) => f.set_len(len),
            #[cfg(test)]
            File::Sim(h) => h.set_len(len),
        }
    }

    /// `chmod`, only the permission bits of `mode`.
    pub(crate) fn set_mode(&self, mode: u32) -> io::Result<()> {
        match self {
            File::Real(f) => f.set_permissions(Permissions::from_mode(mode)),
            #[cfg(test)]
            File::Sim(h) => h.set_mode(),
        }
    }

    /// An exclusive `flock` if no one else holds one. A simulated disk has one process only,
    /// so there its lock is always free.
    pub(crate) fn try_lock(&self) -> Result<(), fs::TryLockError> {
        match self {
            File::Real(f) => f.try_lock(),
            #[cfg(test)]
            File::Sim(_) => Ok(()),
        }
    }

    /// A second descriptor of the same open file (and so of its lock).
    pub(crate) fn try_clone(&self) -> io::Result<File> {
        match self {
            File::Real(f) => f.try_clone().map(File::Real),
            #[cfg(test)]
            File::Sim(h) => Ok(File::Sim(h.clone())),
        }
    }

    pub(crate) fn read_to_string(&mut self, text: &mut String) -> io::Result<usize> {
        match self {
            File::Real(f) => f.read_to_string(text),
            #[cfg(test)]
            File::Sim(h) => h.read_to_string(text),
        }
    }
}
