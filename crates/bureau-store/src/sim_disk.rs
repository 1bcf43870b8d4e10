//! A simulated disk that loses power, for the store's tests (test builds only). Not the sync
//! simulation of `bureau-doc/tests/sim.rs`, hence the name.
//!
//! [`Disk::new`] registers a root path (one that does not exist on the real file system); from
//! then on every call of `sys.rs` on a path under it, and on a file opened there, works on this
//! disk in memory instead. The disk counts and records every operation that changes it
//! (create, write, truncate, chmod, fsync, rename, remove, mkdir, directory fsync), and can be
//! told to lose power after a given number of them: that operation and everything after it fail
//! as a dead machine's would, until [`Disk::reboot`].
//!
//! What survives a power cut is only what was made durable, as POSIX promises it and no more:
//!
//! - a file's content as of its last `fsync`/`fdatasync` (a file never synced is empty), and,
//!   if the reboot is given a random source, a random prefix of the bytes appended since, which
//!   is what a disk does with a write it had only partly flushed (a torn write). A file cut or
//!   rewritten since its last sync comes back either as it was synced or as it is, at random.
//! - a directory's entries as of its last `fsync`, and with a random source a random prefix of
//!   the creations, renames and removals made in it since (file systems journal them in order).
//!   A rename between two directories is a removal in one and a creation in the other, each
//!   durable with its own directory.
//!
//! Nothing else is modelled: one process (locks always succeed), no permissions, no space
//! limit, no reordering of a file's own writes beyond the torn prefix.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

/// The disks alive, by root. A test's paths name the disk they are on.
static DISKS: Mutex<Vec<(PathBuf, Weak<Disk>)>> = Mutex::new(Vec::new());
static NEXT_DISK: AtomicU64 = AtomicU64::new(0);

/// How many operations the trace keeps for a failure message.
const TRACE_KEPT: usize = 64;

/// A simulated disk; see the module docs.
pub(crate) struct Disk {
    root: PathBuf,
    state: Mutex<State>,
}

impl fmt::Debug for Disk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Disk").field("root", &self.root).finish()
    }
}

struct State {
    /// Every file and directory ever made, by number; the root directory is number 0.
    nodes: Vec<Node>,
    /// Operations that changed something, since the disk was made.
    ops: u64,
    /// Power goes off when `ops` reaches this.
    cut_at: Option<u64>,
    off: bool,
    /// Boots so far; a file opened before a reboot is stale after it.
    boot: u64,
    /// The last operations, for failure messages.
    trace: Vec<String>,
}

enum Node {
    File {
        data: Vec<u8>,
        /// The content as of the last sync.
        durable: Vec<u8>,
    },
    Dir {
        entries: BTreeMap<String, usize>,
        /// The entries as of the last directory fsync.
        durable: BTreeMap<String, usize>,
        /// Changes since then, in order: a name now pointing at a node, or removed.
        pending: Vec<(String, Option<usize>)>,
    },
}

const ROOT: usize = 0;

fn power_off() -> io::Error {
    io::Error::other("the power is off (simulated power cut)")
}

fn not_found(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("{what}: no such file"))
}

/// A small seeded random source (SplitMix64), so that a failing seed replays exactly.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

impl Disk {
    /// A new, empty, powered disk under a fresh root path.
    pub(crate) fn new() -> Arc<Disk> {
        let n = NEXT_DISK.fetch_add(1, Ordering::Relaxed);
        let root = PathBuf::from(format!(
            "/nonexistent-bureau-sim-disk/{}/{n}",
            std::process::id()
        ));
        let disk = Arc::new(Disk {
            root: root.clone(),
            state: Mutex::new(State {
                nodes: vec![Node::Dir {
                    entries: BTreeMap::new(),
                    durable: BTreeMap::new(),
                    pending: Vec::new(),
                }],
                ops: 0,
                cut_at: None,
                off: false,
                boot: 0,
                trace: Vec::new(),
            }),
        });
        let mut disks = DISKS.lock().unwrap_or_else(PoisonError::into_inner);
        disks.retain(|(_, d)| d.strong_count() > 0);
        disks.push((root, Arc::downgrade(&disk)));
        disk
    }

    /// The disk's root directory.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Operations that changed the disk so far.
    pub(crate) fn ops(&self) -> u64 {
        self.state().ops
    }

    /// Loses power after `n` more operations: the next `n` happen, the one after fails and
    /// so does everything until [`Disk::reboot`].
    pub(crate) fn cut_power_after(&self, n: u64) {
        let mut st = self.state();
        st.cut_at = Some(st.ops + n);
    }

    /// Whether the power is off.
    pub(crate) fn is_off(&self) -> bool {
        self.state().off
    }

    /// The last operations, one a line, for a failure message.
    pub(crate) fn trace(&self) -> String {
        self.state().trace.join("\n")
    }

    /// Turns the power off now (if it is not yet) and on again: only what was durable is
    /// left (see the module docs). With `torn`, random prefixes of what was not yet durable
    /// survive too; without, nothing of it.
    pub(crate) fn reboot(&self, mut torn: Option<&mut Rng>) {
        let mut st = self.state();
        for node in &mut st.nodes {
            match node {
                Node::File { data, durable } => {
                    let kept = match torn.as_deref_mut() {
                        None => durable.clone(),
                        Some(rng) if data.starts_with(durable) => {
                            let extra = rng.below((data.len() - durable.len()) as u64 + 1);
                            data[..durable.len() + extra as usize].to_vec()
                        }
                        Some(rng) => {
                            if rng.below(2) == 0 {
                                data.clone()
                            } else {
                                durable.clone()
                            }
                        }
                    };
                    *data = kept.clone();
                    *durable = kept;
                }
                Node::Dir {
                    entries,
                    durable,
                    pending,
                } => {
                    let replayed = torn
                        .as_deref_mut()
                        .map_or(0, |rng| rng.below(pending.len() as u64 + 1) as usize);
                    let mut kept = durable.clone();
                    for (name, target) in pending.drain(..).take(replayed) {
                        match target {
                            Some(id) => kept.insert(name, id),
                            None => kept.remove(&name),
                        };
                    }
                    *entries = kept.clone();
                    *durable = kept;
                }
            }
        }
        st.off = false;
        st.cut_at = None;
        st.boot += 1;
        let line = format!("-- reboot {} --", st.boot);
        st.trace.push(line);
    }
}

impl State {
    /// Checks that the machine is on, for a read.
    fn on(&self) -> io::Result<()> {
        if self.off { Err(power_off()) } else { Ok(()) }
    }

    /// Starts an operation that changes the disk: counts and records it, or cuts the power if
    /// this is the moment.
    fn change(&mut self, what: impl FnOnce() -> String) -> io::Result<()> {
        self.on()?;
        if self.cut_at == Some(self.ops) {
            self.off = true;
            self.trace
                .push(format!("-- power cut before: {} --", what()));
            return Err(power_off());
        }
        self.ops += 1;
        let line = format!("{:>5} {}", self.ops, what());
        if self.trace.len() == TRACE_KEPT {
            self.trace.remove(0);
        }
        self.trace.push(line);
        Ok(())
    }

    fn entries(&self, dir: usize) -> io::Result<&BTreeMap<String, usize>> {
        match &self.nodes[dir] {
            Node::Dir { entries, .. } => Ok(entries),
            Node::File { .. } => Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                "not a directory",
            )),
        }
    }

    /// The node at `parts` under the root.
    fn lookup(&self, parts: &[String]) -> io::Result<usize> {
        let mut at = ROOT;
        for part in parts {
            at = *self.entries(at)?.get(part).ok_or_else(|| not_found(part))?;
        }
        Ok(at)
    }

    /// The directory holding `parts`, and its name there.
    fn parent<'p>(&self, parts: &'p [String]) -> io::Result<(usize, &'p str)> {
        let (name, dir) = parts
            .split_last()
            .ok_or_else(|| io::Error::other("the root has no parent"))?;
        let dir = self.lookup(dir)?;
        self.entries(dir)?;
        Ok((dir, name))
    }

    /// Points `name` in `dir` at `target`, or removes it.
    fn set_entry(&mut self, dir: usize, name: &str, target: Option<usize>) {
        if let Node::Dir {
            entries, pending, ..
        } = &mut self.nodes[dir]
        {
            match target {
                Some(id) => entries.insert(name.to_owned(), id),
                None => entries.remove(name),
            };
            pending.push((name.to_owned(), target));
        }
    }

    fn file(&mut self, id: usize) -> io::Result<(&mut Vec<u8>, &mut Vec<u8>)> {
        match &mut self.nodes[id] {
            Node::File { data, durable } => Ok((data, durable)),
            Node::Dir { .. } => Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            )),
        }
    }
}

/// A path on a simulated disk, as `sys.rs` hands it over.
pub(crate) struct At {
    disk: Arc<Disk>,
    parts: Vec<String>,
    shown: String,
}

/// The disk `path` is on, if it is under a simulated disk's root.
pub(crate) fn find(path: &Path) -> Option<At> {
    let disks = DISKS.lock().unwrap_or_else(PoisonError::into_inner);
    let (root, disk) = disks.iter().find(|(root, _)| path.starts_with(root))?;
    let disk = disk.upgrade()?;
    let rel = path.strip_prefix(root).ok()?;
    let parts = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    Some(At {
        disk,
        parts,
        shown: rel.display().to_string(),
    })
}

impl At {
    pub(crate) fn read(&self) -> io::Result<Vec<u8>> {
        let mut st = self.disk.state();
        st.on()?;
        let id = st.lookup(&self.parts)?;
        st.file(id).map(|(data, _)| data.clone())
    }

    pub(crate) fn regular_files(&self) -> io::Result<Vec<String>> {
        let st = self.disk.state();
        st.on()?;
        let dir = st.lookup(&self.parts)?;
        Ok(st
            .entries(dir)?
            .iter()
            .filter(|&(_, &id)| matches!(st.nodes[id], Node::File { .. }))
            .map(|(name, _)| name.clone())
            .collect())
    }

    pub(crate) fn stat(&self) -> io::Result<super::sys::Stat> {
        let st = self.disk.state();
        st.on()?;
        let id = st.lookup(&self.parts)?;
        Ok(match &st.nodes[id] {
            Node::File { data, .. } => super::sys::Stat {
                len: data.len() as u64,
                is_file: true,
            },
            Node::Dir { .. } => super::sys::Stat {
                len: 0,
                is_file: false,
            },
        })
    }

    pub(crate) fn try_exists(&self) -> io::Result<bool> {
        let st = self.disk.state();
        st.on()?;
        match st.lookup(&self.parts) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub(crate) fn rename(&self, to: &Path) -> io::Result<()> {
        let to = find(to)
            .filter(|t| Arc::ptr_eq(&t.disk, &self.disk))
            .ok_or_else(|| io::Error::other("rename across disks"))?;
        let mut st = self.disk.state();
        st.on()?;
        let (from_dir, from_name) = st.parent(&self.parts)?;
        let id = *st
            .entries(from_dir)?
            .get(from_name)
            .ok_or_else(|| not_found(&self.shown))?;
        let (to_dir, to_name) = st.parent(&to.parts)?;
        if let Some(&old) = st.entries(to_dir)?.get(to_name)
            && matches!(st.nodes[old], Node::Dir { .. })
        {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "rename over a directory",
            ));
        }
        st.change(|| format!("rename {} -> {}", self.shown, to.shown))?;
        st.set_entry(from_dir, from_name, None);
        st.set_entry(to_dir, to_name, Some(id));
        Ok(())
    }

    pub(crate) fn remove_file(&self) -> io::Result<()> {
        let mut st = self.disk.state();
        st.on()?;
        let (dir, name) = st.parent(&self.parts)?;
        let id = *st
            .entries(dir)?
            .get(name)
            .ok_or_else(|| not_found(&self.shown))?;
        st.file(id)?;
        st.change(|| format!("remove {}", self.shown))?;
        st.set_entry(dir, name, None);
        Ok(())
    }

    /// Creates the directory (and, with `parents`, the missing ones above it).
    pub(crate) fn create_dir(&self, parents: bool) -> io::Result<()> {
        let mut st = self.disk.state();
        st.on()?;
        let mut at = ROOT;
        for (i, part) in self.parts.iter().enumerate() {
            let last = i + 1 == self.parts.len();
            match st.entries(at)?.get(part) {
                Some(&id) if !last => at = id,
                Some(_) => {
                    return Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        format!("{}: exists", self.shown),
                    ));
                }
                None if !last && !parents => return Err(not_found(part)),
                None => {
                    st.change(|| format!("mkdir {}", self.parts[..=i].join("/")))?;
                    let id = st.nodes.len();
                    st.nodes.push(Node::Dir {
                        entries: BTreeMap::new(),
                        durable: BTreeMap::new(),
                        pending: Vec::new(),
                    });
                    st.set_entry(at, part, Some(id));
                    at = id;
                }
            }
        }
        Ok(())
    }

    pub(crate) fn sync_dir(&self) -> io::Result<()> {
        let mut st = self.disk.state();
        st.on()?;
        let id = st.lookup(&self.parts)?;
        st.entries(id)?;
        st.change(|| format!("fsync dir {}", self.shown))?;
        if let Node::Dir {
            entries,
            durable,
            pending,
        } = &mut st.nodes[id]
        {
            durable.clone_from(entries);
            pending.clear();
        }
        Ok(())
    }

    /// Opens the file: `new` fails if it exists; otherwise `create` makes it if missing.
    pub(crate) fn open(&self, new: bool, create: bool) -> io::Result<super::sys::File> {
        let mut st = self.disk.state();
        st.on()?;
        let (dir, name) = st.parent(&self.parts)?;
        let id = match st.entries(dir)?.get(name) {
            Some(_) if new => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{}: exists", self.shown),
                ));
            }
            Some(&id) => {
                st.file(id)?;
                id
            }
            None if !(new || create) => return Err(not_found(&self.shown)),
            None => {
                st.change(|| format!("create {}", self.shown))?;
                let id = st.nodes.len();
                st.nodes.push(Node::File {
                    data: Vec::new(),
                    durable: Vec::new(),
                });
                st.set_entry(dir, name, Some(id));
                id
            }
        };
        Ok(super::sys::File::Sim(Handle {
            disk: self.disk.clone(),
            node: id,
            boot: st.boot,
            pos: 0,
            shown: self.shown.clone(),
        }))
    }
}

/// An open file on a simulated disk.
#[derive(Debug, Clone)]
pub(crate) struct Handle {
    disk: Arc<Disk>,
    node: usize,
    /// The boot it was opened in: power loss closes every file.
    boot: u64,
    /// Where `write` writes next.
    pos: u64,
    shown: String,
}

impl Handle {
    fn state(&self) -> io::Result<MutexGuard<'_, State>> {
        let st = self.disk.state();
        st.on()?;
        if st.boot != self.boot {
            return Err(io::Error::other("a file opened before the power cut"));
        }
        Ok(st)
    }

    pub(crate) fn write_at(&self, buf: &[u8], offset: u64) -> io::Result<()> {
        let mut st = self.state()?;
        st.change(|| format!("write {} bytes at {offset} of {}", buf.len(), self.shown))?;
        let (data, _) = st.file(self.node)?;
        let end = offset as usize + buf.len();
        if data.len() < end {
            data.resize(end, 0);
        }
        data[offset as usize..end].copy_from_slice(buf);
        Ok(())
    }

    pub(crate) fn write(&mut self, buf: &[u8]) -> io::Result<()> {
        self.write_at(buf, self.pos)?;
        self.pos += buf.len() as u64;
        Ok(())
    }

    pub(crate) fn sync(&self) -> io::Result<()> {
        let mut st = self.state()?;
        st.change(|| format!("fsync {}", self.shown))?;
        let (data, durable) = st.file(self.node)?;
        durable.clone_from(data);
        Ok(())
    }

    pub(crate) fn set_len(&self, len: u64) -> io::Result<()> {
        let mut st = self.state()?;
        st.change(|| format!("truncate {} to {len}", self.shown))?;
        st.file(self.node)?.0.resize(len as usize, 0);
        Ok(())
    }

    pub(crate) fn set_mode(&self) -> io::Result<()> {
        let mut st = self.state()?;
        st.change(|| format!("chmod {}", self.shown))
    }

    pub(crate) fn len(&self) -> io::Result<u64> {
        let mut st = self.state()?;
        Ok(st.file(self.node)?.0.len() as u64)
    }

    pub(crate) fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        let mut st = self.state()?;
        let (data, _) = st.file(self.node)?;
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        let src = start
            .checked_add(buf.len())
            .and_then(|end| data.get(start..end))
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "read past the end"))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    pub(crate) fn read_to_string(&mut self, text: &mut String) -> io::Result<usize> {
        let rest = {
            let mut st = self.state()?;
            let (data, _) = st.file(self.node)?;
            data.get(self.pos as usize..).unwrap_or_default().to_vec()
        };
        let read =
            String::from_utf8(rest).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        text.push_str(&read);
        self.pos += read.len() as u64;
        Ok(read.len())
    }
}
