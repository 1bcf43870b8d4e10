//! Power loss: the store on a simulated disk (`sim_disk.rs`) that keeps, when the power goes,
//! only what was made durable (file contents as of their last sync, with a random prefix of what
//! was appended since; directory entries as of their directory's last fsync, with a random
//! prefix of the changes since). After every cut the store must open, load every acknowledged
//! append with its content, and quarantine nothing: the only residue a crash may leave is a
//! torn last entry of the newest segment (cut off), unverified temp files (swept) and files a
//! cleanup had not removed yet (harmless).
//!
//! Two tests: random work (appends, split compactions with appends in between, loads,
//! reopens) cut at random operations, many seeds; and one compaction cut after each of its
//! operations in turn. A failure names the seed (replay it with `BUREAU_POWER_SEED=<n>`) or
//! the operation, and shows the disk's last operations.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::layout::{DIR_MODE, DocName, FILE_MODE, parse_doc_name};
use crate::sim_disk::{Disk, Rng};

/// Seeds the random test runs (override with `BUREAU_POWER_SEEDS`; replay one with
/// `BUREAU_POWER_SEED`).
const SEEDS: u64 = 400;
/// Power cuts per seed, each followed by a reboot; then one life runs to its end.
const CUTS_PER_SEED: usize = 4;
/// Steps of work a life tries before it ends on its own.
const STEPS_PER_LIFE: usize = 40;
/// A cut comes within this many disk operations of the life's start.
const MAX_OPS_BEFORE_CUT: u64 = 160;

/// A chunk that says which one it is: its id, then bytes derived from the id, so that
/// anything loaded can be checked without remembering every payload.
fn chunk(id: u64, len: usize) -> Vec<u8> {
    let mut bytes = id.to_le_bytes().to_vec();
    bytes.extend((0..len).map(|i| (id.wrapping_mul(31).wrapping_add(i as u64) % 251) as u8));
    bytes
}

/// The id of a chunk made by [`chunk`], if it is one, whole.
fn chunk_id(bytes: &[u8]) -> Option<u64> {
    let id = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
    (chunk(id, bytes.len() - 8) == bytes).then_some(id)
}

/// A snapshot is the chunks it holds: seq, length, bytes.
fn encode(content: &BTreeMap<u64, Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    for (seq, bytes) in content {
        out.extend_from_slice(&seq.to_le_bytes());
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

fn decode(mut bytes: &[u8]) -> Result<BTreeMap<u64, Vec<u8>>, String> {
    let mut content = BTreeMap::new();
    while !bytes.is_empty() {
        let (head, rest) = bytes
            .split_at_checked(12)
            .ok_or("a snapshot ends in the middle of a chunk's header")?;
        let seq = u64::from_le_bytes(head[..8].try_into().expect("8 bytes"));
        let len = u32::from_le_bytes(head[8..].try_into().expect("4 bytes")) as usize;
        let (chunk, rest) = rest
            .split_at_checked(len)
            .ok_or("a snapshot ends in the middle of a chunk")?;
        content.insert(seq, chunk.to_vec());
        bytes = rest;
    }
    Ok(content)
}

fn seq_of(name: &str) -> Result<u64, String> {
    match parse_doc_name(name) {
        Some(DocName::Chunk(seq)) => Ok(seq),
        _ => Err(format!("a loaded chunk is named {name}")),
    }
}

/// What the test knows the store acknowledged.
#[derive(Debug, Default)]
struct Model {
    /// seq -> chunk id of every acknowledged append.
    acked: BTreeMap<u64, u64>,
    next_id: u64,
}

impl Model {
    fn chunk(&mut self, rng: &mut Rng) -> (u64, Vec<u8>) {
        self.next_id += 1;
        let len = rng.below(48) as usize;
        (self.next_id, chunk(self.next_id, len))
    }

    /// What a caller would load: the newest snapshot's chunks and the chunks beside it. All
    /// of it must be whole, and hold every acknowledged append.
    fn check(&self, store: &Store, loaded: &Loaded) -> Result<(), String> {
        if !loaded.quarantined_now.is_empty() {
            return Err(format!("quarantined at load: {:?}", loaded.quarantined_now));
        }
        let quarantined = store.quarantined().map_err(|e| e.to_string())?;
        if !quarantined.is_empty() {
            return Err(format!("in quarantine/: {quarantined:?}"));
        }
        let mut content = BTreeMap::new();
        for (i, snapshot) in loaded.snapshots.iter().enumerate() {
            let held = decode(&snapshot.bytes).map_err(|e| format!("{}: {e}", snapshot.name))?;
            if i + 1 == loaded.snapshots.len() {
                content = held;
            }
        }
        for file in &loaded.chunks {
            let seq = seq_of(&file.name)?;
            if let Some(old) = content.insert(seq, file.bytes.clone())
                && old != file.bytes
            {
                return Err(format!("seq {seq} loaded with two contents"));
            }
        }
        for (seq, bytes) in &content {
            if chunk_id(bytes).is_none() {
                return Err(format!("seq {seq} holds bytes no append wrote"));
            }
        }
        for (seq, id) in &self.acked {
            match content.get(seq).map(|b| chunk_id(b)) {
                Some(Some(got)) if got == *id => {}
                Some(got) => {
                    return Err(format!("acknowledged seq {seq} (chunk {id}) holds {got:?}"));
                }
                None => return Err(format!("acknowledged seq {seq} (chunk {id}) is missing")),
            }
        }
        Ok(())
    }

    /// The snapshot a compaction builds from what its job read: it must hold every
    /// acknowledged chunk it covers (a caller checks this with the document's heads).
    fn build(&self, inputs: &CompactionInputs, covers: u64) -> Result<Vec<u8>, String> {
        let mut content = BTreeMap::new();
        // Oldest first, so that a newer generation's entries win.
        for s in inputs.snapshots.iter().rev() {
            content.extend(decode(&s.bytes).map_err(|e| format!("{}: {e}", s.name))?);
        }
        for file in &inputs.chunks {
            content.insert(seq_of(&file.name)?, file.bytes.clone());
        }
        for (seq, id) in self.acked.range(..=covers) {
            if content.get(seq).and_then(|b| chunk_id(b)) != Some(*id) {
                return Err(format!(
                    "a compaction covering ..={covers} read no chunk {id} for seq {seq} (missing: {:?})",
                    inputs.missing
                ));
            }
        }
        Ok(encode(&content))
    }
}

/// Where a split compaction stands between steps.
#[derive(Debug)]
enum Compaction {
    Idle,
    Begun(CompactionJob, u64),
    Verified(VerifiedSnapshot),
    Committed(Cleanup),
}

/// Turns a store error into the end of a life if the power is off, and into a failure if
/// it is not: on a powered disk nothing here may fail.
fn io<T>(disk: &Disk, what: &str, res: Result<T, StoreError>) -> Result<Option<T>, String> {
    match res {
        Ok(v) => Ok(Some(v)),
        Err(_) if disk.is_off() => Ok(None),
        Err(e) => Err(format!("{what} failed with the power on: {e}")),
    }
}

/// Runs `$e`; ends the life (Ok) if the power went off.
macro_rules! or_cut {
    ($disk:expr, $what:expr, $e:expr) => {
        match io($disk, $what, $e)? {
            Some(v) => v,
            None => return Ok(()),
        }
    };
}

/// One life of the node: open, load and check, then random work until the power goes off or
/// `steps` are done.
fn life(
    disk: &Disk,
    dir: &Path,
    rng: &mut Rng,
    model: &mut Model,
    steps: usize,
) -> Result<(), String> {
    let mut store = or_cut!(disk, "open", Store::open(dir));
    let loaded = or_cut!(disk, "load", store.load());
    model.check(&store, &loaded)?;
    let mut compaction = Compaction::Idle;
    let mut last_seq = model.acked.keys().next_back().copied();
    for _ in 0..steps {
        match rng.below(100) {
            0..60 => {
                let (id, bytes) = model.chunk(rng);
                let seq = or_cut!(disk, "append", store.append(&bytes));
                model.acked.insert(seq, id);
                last_seq = Some(seq);
            }
            60..80 => {
                compaction = match compaction {
                    Compaction::Idle => match last_seq {
                        Some(covers) => Compaction::Begun(
                            or_cut!(disk, "begin", store.begin_compaction(covers)),
                            covers,
                        ),
                        None => Compaction::Idle,
                    },
                    Compaction::Begun(job, covers) => {
                        let inputs = or_cut!(disk, "read inputs", job.read_inputs());
                        let bytes = model.build(&inputs, covers)?;
                        let verified = job.write_snapshot(&bytes, |read| read == bytes.as_slice());
                        Compaction::Verified(or_cut!(disk, "write snapshot", verified))
                    }
                    Compaction::Verified(verified) => Compaction::Committed(or_cut!(
                        disk,
                        "commit",
                        store.commit_compaction(verified)
                    )),
                    Compaction::Committed(cleanup) => {
                        or_cut!(disk, "cleanup", cleanup.run());
                        Compaction::Idle
                    }
                }
            }
            80..90 => {
                if matches!(compaction, Compaction::Idle) {
                    let loaded = or_cut!(disk, "load", store.load());
                    model.check(&store, &loaded)?;
                }
            }
            _ => {
                // A clean restart: whatever compaction was under way is dropped unfinished.
                drop(compaction);
                compaction = Compaction::Idle;
                drop(store);
                store = or_cut!(disk, "open", Store::open(dir));
                let loaded = or_cut!(disk, "load", store.load());
                model.check(&store, &loaded)?;
            }
        }
    }
    Ok(())
}

fn run_seed(seed: u64) -> Result<(), String> {
    let disk = Disk::new();
    let dir = disk.root().join("data");
    let mut rng = Rng::new(seed);
    let mut model = Model::default();
    let on_disk =
        |disk: &Arc<Disk>, e: String| format!("{e}\nlast disk operations:\n{}", disk.trace());
    for cut in 0..CUTS_PER_SEED {
        disk.cut_power_after(rng.below(MAX_OPS_BEFORE_CUT));
        life(&disk, &dir, &mut rng, &mut model, STEPS_PER_LIFE)
            .map_err(|e| on_disk(&disk, format!("life {cut}: {e}")))?;
        // Mostly with torn writes and half-journalled directories; sometimes only the
        // durable state, the harshest case for the directory entries.
        let torn = rng.below(4) != 0;
        let mut reboot_rng = Rng::new(rng.next_u64());
        disk.reboot(torn.then_some(&mut reboot_rng));
    }
    life(&disk, &dir, &mut rng, &mut model, STEPS_PER_LIFE)
        .map_err(|e| on_disk(&disk, format!("last life: {e}")))?;
    if disk.is_off() {
        return Err("the last life ran out of power, but none was cut".to_owned());
    }
    Ok(())
}

/// Runs `f`, naming `what` if it fails or panics.
fn named(what: &str, f: impl FnOnce() -> Result<(), String>) {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("{what}: {e}"),
        Err(panic) => {
            eprintln!("{what} panicked");
            resume_unwind(panic);
        }
    }
}

#[test]
fn acknowledged_appends_survive_power_loss_at_random_moments() {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    let seeds = match env("BUREAU_POWER_SEED") {
        Some(seed) => seed..seed + 1,
        None => 0..env("BUREAU_POWER_SEEDS").unwrap_or(SEEDS),
    };
    let n = seeds.end - seeds.start;
    for seed in seeds {
        named(
            &format!("seed {seed} (replay with BUREAU_POWER_SEED={seed})"),
            || run_seed(seed),
        );
    }
    eprintln!("power loss: {n} seeds, {CUTS_PER_SEED} cuts each, all acknowledged appends kept");
}

/// The store a compaction is then cut in: two compactions done (so the one under test
/// removes the oldest snapshot generation and raises the floor), covered and uncovered
/// entries in two segments.
fn compaction_setup(
    disk: &Disk,
    dir: &Path,
    rng: &mut Rng,
    model: &mut Model,
) -> Result<Store, String> {
    let powered = |what: &str, e: StoreError| format!("setup: {what}: {e}");
    let mut store = Store::open(dir).map_err(|e| powered("open", e))?;
    store.load().map_err(|e| powered("load", e))?;
    for round in 0..2 {
        for _ in 0..3 {
            let (id, bytes) = model.chunk(rng);
            let seq = store.append(&bytes).map_err(|e| powered("append", e))?;
            model.acked.insert(seq, id);
        }
        let covers = *model.acked.keys().next_back().expect("appended");
        let job = store
            .begin_compaction(covers)
            .map_err(|e| powered("begin", e))?;
        let inputs = job.read_inputs().map_err(|e| powered("read", e))?;
        let bytes = model.build(&inputs, covers)?;
        let verified = job
            .write_snapshot(&bytes, |_| true)
            .map_err(|e| powered("write", e))?;
        let cleanup = store
            .commit_compaction(verified)
            .map_err(|e| powered("commit", e))?;
        cleanup.run().map_err(|e| powered("cleanup", e))?;
        if round == 0 {
            // A restart: the next appends go to a segment of their own.
            drop(store);
            store = Store::open(dir).map_err(|e| powered("reopen", e))?;
            store.load().map_err(|e| powered("load", e))?;
        }
    }
    for _ in 0..2 {
        let (id, bytes) = model.chunk(rng);
        let seq = store.append(&bytes).map_err(|e| powered("append", e))?;
        model.acked.insert(seq, id);
    }
    drop(store);
    let mut store = Store::open(dir).map_err(|e| powered("reopen", e))?;
    let loaded = store.load().map_err(|e| powered("load", e))?;
    model.check(&store, &loaded)?;
    for _ in 0..2 {
        let (id, bytes) = model.chunk(rng);
        let seq = store.append(&bytes).map_err(|e| powered("append", e))?;
        model.acked.insert(seq, id);
    }
    if disk.is_off() {
        return Err("setup: the power went off".to_owned());
    }
    Ok(store)
}

/// The compaction under test, split as the document actor and its worker run it, with an
/// append between each of its steps.
fn compaction_under_test(
    disk: &Disk,
    mut store: Store,
    rng: &mut Rng,
    model: &mut Model,
) -> Result<(), String> {
    let mut append = |store: &mut Store, model: &mut Model| -> Result<bool, String> {
        let (id, bytes) = model.chunk(rng);
        match io(disk, "append", store.append(&bytes))? {
            Some(seq) => {
                model.acked.insert(seq, id);
                Ok(true)
            }
            None => Ok(false),
        }
    };
    let covers = *model.acked.keys().next_back().expect("the setup appended");
    let job = or_cut!(disk, "begin", store.begin_compaction(covers));
    if !append(&mut store, model)? {
        return Ok(());
    }
    let inputs = or_cut!(disk, "read inputs", job.read_inputs());
    let bytes = model.build(&inputs, covers)?;
    let verified = or_cut!(
        disk,
        "write snapshot",
        job.write_snapshot(&bytes, |read| read == bytes.as_slice())
    );
    if !append(&mut store, model)? {
        return Ok(());
    }
    let cleanup = or_cut!(disk, "commit", store.commit_compaction(verified));
    if !append(&mut store, model)? {
        return Ok(());
    }
    or_cut!(disk, "cleanup", cleanup.run());
    Ok(())
}

/// After a reboot: the store loads everything acknowledged, quarantines nothing, and a
/// compaction and a restart after that still do.
fn recover(disk: &Disk, dir: &Path, rng: &mut Rng, model: &mut Model) -> Result<(), String> {
    let mut store = Store::open(dir).map_err(|e| format!("open after the cut: {e}"))?;
    let loaded = store
        .load()
        .map_err(|e| format!("load after the cut: {e}"))?;
    model.check(&store, &loaded)?;
    compaction_under_test(disk, store, rng, model)?;
    if disk.is_off() {
        return Err("the power went off after the reboot".to_owned());
    }
    let mut store = Store::open(dir).map_err(|e| format!("reopen: {e}"))?;
    let loaded = store.load().map_err(|e| format!("reload: {e}"))?;
    model.check(&store, &loaded)
}

/// Power cut after each operation of one compaction in turn (operation 0: before the first),
/// each with only the durable state surviving and with three random torn states.
#[test]
fn a_compaction_cut_after_any_of_its_operations_loses_nothing() {
    let count = |cut: Option<u64>| -> Result<u64, String> {
        let disk = Disk::new();
        let dir = disk.root().join("data");
        let mut rng = Rng::new(7);
        let mut model = Model::default();
        let store = compaction_setup(&disk, &dir, &mut rng, &mut model)?;
        let before = disk.ops();
        if let Some(k) = cut {
            disk.cut_power_after(k);
        }
        compaction_under_test(&disk, store, &mut rng, &mut model)?;
        Ok(disk.ops() - before)
    };
    let n = count(None).unwrap_or_else(|e| panic!("without a cut: {e}"));
    assert!(
        n > 10,
        "a compaction of {n} operations is not the one meant"
    );
    for k in 0..=n {
        for variant in 0..4u64 {
            named(
                &format!("power cut after operation {k} of {n} (variant {variant})"),
                || {
                    let disk = Disk::new();
                    let dir = disk.root().join("data");
                    let mut rng = Rng::new(7);
                    let mut model = Model::default();
                    let store = compaction_setup(&disk, &dir, &mut rng, &mut model)?;
                    disk.cut_power_after(k);
                    compaction_under_test(&disk, store, &mut rng, &mut model)?;
                    if k < n && !disk.is_off() {
                        return Err("the power was not cut".to_owned());
                    }
                    let mut torn = Rng::new(variant);
                    disk.reboot((variant > 0).then_some(&mut torn));
                    recover(&disk, &dir, &mut rng, &mut model)
                        .map_err(|e| format!("{e}\nlast disk operations:\n{}", disk.trace()))
                },
            );
        }
    }
    eprintln!(
        "compaction: power cut after each of its {n} operations (and before the first), 4 ways each"
    );
}

#[test]
fn the_simulated_disk_keeps_only_what_was_made_durable() {
    let disk = Disk::new();
    let dir: PathBuf = disk.root().join("d");
    sys::create_dir(&dir, DIR_MODE).unwrap();
    sys::sync_dir(disk.root()).unwrap();
    let synced = dir.join("synced");
    let mut f = sys::create_new(&synced, FILE_MODE).unwrap();
    f.write_all(b"durable").unwrap();
    f.sync_all().unwrap();
    sys::sync_dir(&dir).unwrap();
    f.write_all(b" lost").unwrap();
    let unsynced_dir_entry = dir.join("new");
    let g = sys::create_new(&unsynced_dir_entry, FILE_MODE).unwrap();
    g.sync_all().unwrap();
    disk.reboot(None);
    assert_eq!(sys::read(&synced).unwrap(), b"durable");
    assert!(!sys::try_exists(&unsynced_dir_entry).unwrap());
    assert!(
        f.sync_all().is_err(),
        "a file opened before the cut is closed"
    );
    // A cut fails the operation it falls on and everything after, until the reboot.
    disk.cut_power_after(1);
    sys::remove_file(&synced).unwrap();
    assert!(sys::sync_dir(&dir).is_err());
    assert!(sys::read(&synced).is_err());
    disk.reboot(None);
    assert_eq!(sys::read(&synced).unwrap(), b"durable");
    // Torn: some prefix of the unsynced append.
    let f = sys::open_write(&synced).unwrap();
    f.write_all_at(b"-more", 7).unwrap();
    disk.reboot(Some(&mut Rng::new(3)));
    let got = sys::read(&synced).unwrap();
    assert!(
        b"durable-more".starts_with(&got) && got.len() >= 7,
        "{got:?}"
    );
}
