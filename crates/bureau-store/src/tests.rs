use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::*;
use crate::error::io_error;
use crate::frame::{FrameError, HEADER_LEN, Kind, crc32, decode, header};
use crate::layout::*;

fn open(dir: &Path) -> Store {
    Store::open(dir).expect("open store")
}

fn mode_of(path: &Path) -> u32 {
    fs::metadata(path).expect("stat").permissions().mode() & 0o7777
}

fn dir_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    names.sort();
    names
}

fn names(files: &[StoredFile]) -> Vec<&str> {
    files.iter().map(|f| f.name.as_str()).collect()
}

fn payloads(files: &[StoredFile]) -> Vec<&[u8]> {
    files.iter().map(|f| f.bytes.as_slice()).collect()
}

fn doc_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(DOC_DIR).join(name)
}

fn assert_invalid_input(result: Result<impl std::fmt::Debug, StoreError>) {
    match result {
        Err(StoreError::Io { source, .. }) => {
            assert_eq!(source.kind(), io::ErrorKind::InvalidInput);
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

/// Writes a chunk as a file of its own, the way older stores kept chunks.
fn legacy_chunk(dir: &Path, seq: u64, payload: &[u8]) {
    let mut bytes = header(Kind::Chunk, payload).to_vec();
    bytes.extend_from_slice(payload);
    fs::write(doc_path(dir, &chunk_name(seq)), bytes).unwrap();
}

/// Bytes a chunk of `len` bytes takes as a log entry.
fn entry_len(len: usize) -> u64 {
    (HEADER_LEN + 8 + len) as u64
}

fn no_tmp_files(dir: &Path) -> bool {
    dir_names(dir).iter().all(|n| !n.ends_with(".tmp"))
}

#[test]
fn crc32_matches_reference_values() {
    assert_eq!(crc32(b""), 0);
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(
        crc32(b"The quick brown fox jumps over the lazy dog"),
        0x414F_A339
    );
}

#[test]
fn framing_accepts_exact_frames_only() {
    let payload = b"hello bureau";
    let mut file = header(Kind::Chunk, payload).to_vec();
    file.extend_from_slice(payload);
    assert_eq!(decode(&file, Kind::Chunk), Ok(&payload[..]));

    assert!(matches!(
        decode(&file, Kind::Snapshot),
        Err(FrameError::WrongKind {
            found: 2,
            expected: 1
        })
    ));
    assert!(matches!(
        decode(&file[..file.len() - 1], Kind::Chunk),
        Err(FrameError::LengthMismatch { .. })
    ));
    let mut extended = file.clone();
    extended.push(0);
    assert!(matches!(
        decode(&extended, Kind::Chunk),
        Err(FrameError::LengthMismatch { .. })
    ));
    assert!(matches!(
        decode(&file[..HEADER_LEN - 1], Kind::Chunk),
        Err(FrameError::TooShort { .. })
    ));
    let mut bad_magic = file.clone();
    bad_magic[0] = b'X';
    assert_eq!(decode(&bad_magic, Kind::Chunk), Err(FrameError::BadMagic));
    let mut flipped = file.clone();
    flipped[HEADER_LEN + 3] ^= 0x10;
    assert!(matches!(
        decode(&flipped, Kind::Chunk),
        Err(FrameError::CrcMismatch { .. })
    ));
    // An empty payload is a valid frame.
    assert_eq!(decode(&header(Kind::State, b""), Kind::State), Ok(&b""[..]));
}

/// What the document actor's saved view trusts: the position a running store reports is the
/// one the same files give after a reopen, and any other write moves it.
#[test]
fn a_position_names_the_files_across_reopens() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("node");
    let running = {
        let mut store = open(&dir);
        store.load().unwrap();
        let empty = store.position();
        store.append(b"one").unwrap();
        store.append(b"two").unwrap();
        store.compact(b"snap-through-1", 1, |_| true).unwrap();
        store.append(b"three").unwrap();
        assert_ne!(store.position(), empty);
        store.position()
    };
    let mut store = open(&dir);
    store.load().unwrap();
    assert_eq!(store.position(), running);
    store.append(b"four").unwrap();
    let four = store.position();
    assert_ne!(four, running);
    drop(store);
    // A torn last entry is cut off at the next load: the position is the one before it.
    let segment = dir_names(&dir.join(DOC_DIR))
        .into_iter()
        .filter(|n| n.starts_with("log-"))
        .max()
        .unwrap();
    let path = doc_path(&dir, &segment);
    let len = fs::metadata(&path).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(len - 2)
        .unwrap();
    let mut store = open(&dir);
    store.load().unwrap();
    assert_eq!(store.position(), running);
}

#[test]
fn appends_and_snapshots_survive_reopen() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("node");
    {
        let mut store = open(&dir);
        assert_eq!(store.data_dir(), dir);
        assert_eq!(store.load().unwrap(), Loaded::default());
        assert_eq!(store.append(b"one").unwrap(), 1);
        assert_eq!(store.append(b"two").unwrap(), 2);
        assert_eq!(store.append(b"three").unwrap(), 3);
        store.compact(b"snap-through-2", 2, |_| true).unwrap();
        assert_eq!(store.append(b"four").unwrap(), 4);
        assert_eq!(store.append(b"").unwrap(), 5);
    }
    let mut store = open(&dir);
    // Accounting comes from the directory scan at open, before any load.
    assert_eq!(store.chunk_count(), 3);
    assert_eq!(
        store.chunk_bytes(),
        entry_len(5) + entry_len(4) + entry_len(0)
    );
    let loaded = store.load().unwrap();
    assert_eq!(names(&loaded.snapshots), ["snapshot-0000000000000001.bin"]);
    assert_eq!(payloads(&loaded.snapshots), [&b"snap-through-2"[..]]);
    assert_eq!(
        names(&loaded.chunks),
        [
            "chunk-0000000000000003.bin",
            "chunk-0000000000000004.bin",
            "chunk-0000000000000005.bin"
        ]
    );
    assert_eq!(
        payloads(&loaded.chunks),
        [&b"three"[..], &b"four"[..], &b""[..]]
    );
    assert!(loaded.quarantined_now.is_empty());
    assert_eq!(store.append(b"six").unwrap(), 6);
    assert!(no_tmp_files(&dir.join(DOC_DIR)));
}

#[test]
fn append_while_runs_its_work_whether_the_append_succeeds_or_fails() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("node");
    {
        let mut store = open(&dir);
        store.load().unwrap();
        let (seq, out) = store.append_while(b"one", || 7);
        assert_eq!((seq.unwrap(), out), (1, 7));
        // Make the next write fail: the open segment's handle becomes a read-only one.
        let w = store.writer.as_mut().expect("a segment is open");
        let path = store.doc_dir.join(log_name(w.number));
        w.file = sys::File::Real(fs::File::open(&path).unwrap()).into();
        let mut ran = false;
        let (res, ()) = store.append_while(b"two", || ran = true);
        assert!(res.is_err(), "a write through a read-only handle must fail");
        assert!(ran, "the work runs on a failed append too");
        assert_eq!(store.append_while(b"three", || ()).0.unwrap(), 3);
    }
    let mut store = open(&dir);
    let loaded = store.load().unwrap();
    assert_eq!(payloads(&loaded.chunks), [&b"one"[..], &b"three"[..]]);
    assert!(loaded.quarantined_now.is_empty());
}

#[test]
fn second_open_is_locked_until_the_first_is_dropped() {
    let tmp = TempDir::new().unwrap();
    let first = open(tmp.path());
    match Store::open(tmp.path()) {
        Err(err @ StoreError::Locked { pid }) => {
            assert_eq!(pid, Some(std::process::id()));
            assert_eq!(
                err.to_string(),
                format!(
                    "another bureau node is using this data directory (pid {}); \
                     stop it or choose another --data-dir",
                    std::process::id()
                )
            );
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    drop(first);
    let second = open(tmp.path());
    let pid = fs::read_to_string(tmp.path().join(LOCK_FILE)).unwrap();
    assert_eq!(pid.trim(), std::process::id().to_string());
    drop(second);
}

#[test]
fn locked_message_without_pid() {
    assert_eq!(
        StoreError::Locked { pid: None }.to_string(),
        "another bureau node is using this data directory; stop it or choose another --data-dir"
    );
}

#[test]
fn corrupt_files_are_quarantined_at_load_and_the_rest_returned() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    {
        let mut store = open(dir);
        store.compact(b"gen-1", 0, |_| true).unwrap();
        store.compact(b"gen-2", 0, |_| true).unwrap();
    }
    for i in 1..=6u8 {
        legacy_chunk(dir, u64::from(i), &[i; 32]);
    }
    let chunk = |seq| doc_path(dir, &chunk_name(seq));
    // 2: truncated by one byte (torn write).
    let len = fs::metadata(chunk(2)).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(chunk(2))
        .unwrap()
        .set_len(len - 1)
        .unwrap();
    // 3: one bit flipped in the payload.
    let mut bytes = fs::read(chunk(3)).unwrap();
    bytes[HEADER_LEN + 7] ^= 0x04;
    fs::write(chunk(3), &bytes).unwrap();
    // 4: bad magic.
    let mut bytes = fs::read(chunk(4)).unwrap();
    bytes[..4].copy_from_slice(b"NOPE");
    fs::write(chunk(4), &bytes).unwrap();
    // 5: extra trailing bytes.
    let mut bytes = fs::read(chunk(5)).unwrap();
    bytes.extend_from_slice(b"junk");
    fs::write(chunk(5), &bytes).unwrap();
    // Newest snapshot: truncated into its header.
    let snap2 = doc_path(dir, &snapshot_name(2));
    let bytes = fs::read(&snap2).unwrap();
    fs::write(&snap2, &bytes[..10]).unwrap();

    let mut store = open(dir);
    let loaded = store.load().unwrap();
    assert_eq!(names(&loaded.snapshots), ["snapshot-0000000000000001.bin"]);
    assert_eq!(payloads(&loaded.snapshots), [&b"gen-1"[..]]);
    assert_eq!(
        names(&loaded.chunks),
        ["chunk-0000000000000001.bin", "chunk-0000000000000006.bin"]
    );
    assert_eq!(payloads(&loaded.chunks), [&[1u8; 32][..], &[6u8; 32][..]]);
    let mut expected: Vec<String> = vec![snapshot_name(2)];
    expected.extend((2..=5).map(chunk_name));
    assert_eq!(loaded.quarantined_now, expected);
    assert_eq!(store.chunk_count(), 2);

    let mut sorted = expected.clone();
    sorted.sort();
    assert_eq!(store.quarantined().unwrap(), sorted);
    for name in &expected {
        assert!(!doc_path(dir, name).exists(), "{name} still in doc/");
        let reason =
            fs::read_to_string(dir.join(QUARANTINE_DIR).join(format!("{name}.reason"))).unwrap();
        assert!(reason.starts_with(name.as_str()), "{reason}");
    }
    let crc_reason = fs::read_to_string(
        dir.join(QUARANTINE_DIR)
            .join(format!("{}.reason", chunk_name(3))),
    )
    .unwrap();
    assert!(crc_reason.contains("crc mismatch"), "{crc_reason}");

    // A second load finds nothing new to quarantine.
    let again = store.load().unwrap();
    assert!(again.quarantined_now.is_empty());
    assert_eq!(again.chunks.len(), 2);
    // Numbering continues after the highest chunk.
    assert_eq!(store.append(b"seven").unwrap(), 7);
    // The next snapshot generation does not reuse the quarantined one.
    store.compact(b"gen-3", 0, |_| true).unwrap();
    assert!(doc_path(dir, &snapshot_name(3)).exists());
}

#[test]
fn quarantined_highest_chunk_seq_is_not_reused_after_reopen() {
    let tmp = TempDir::new().unwrap();
    {
        let mut store = open(tmp.path());
        store.append(b"a").unwrap();
        store.append(b"b").unwrap();
    }
    fs::write(doc_path(tmp.path(), &chunk_name(2)), b"garbage").unwrap();
    {
        let mut store = open(tmp.path());
        assert_eq!(store.load().unwrap().quarantined_now, [chunk_name(2)]);
    }
    let mut store = open(tmp.path());
    assert_eq!(store.append(b"c").unwrap(), 3);
}

#[test]
fn rejected_compaction_deletes_nothing() {
    let tmp = TempDir::new().unwrap();
    let mut store = open(tmp.path());
    for i in 0..3u8 {
        store.append(&[i]).unwrap();
    }
    store.compact(b"old", 1, |_| true).unwrap();
    let before = dir_names(&tmp.path().join(DOC_DIR));

    let mut seen = None;
    let result = store.compact(b"new snapshot", 3, |payload| {
        seen = Some(payload.to_vec());
        false
    });
    assert!(matches!(result, Err(StoreError::VerifyFailed)));
    assert_eq!(seen.as_deref(), Some(&b"new snapshot"[..]));
    assert_eq!(dir_names(&tmp.path().join(DOC_DIR)), before);
    assert_eq!(store.chunk_count(), 2);

    let loaded = store.load().unwrap();
    assert_eq!(payloads(&loaded.snapshots), [&b"old"[..]]);
    assert_eq!(payloads(&loaded.chunks), [&[1u8][..], &[2u8][..]]);
}

#[test]
fn panicking_verify_removes_the_new_snapshot_and_deletes_nothing() {
    let tmp = TempDir::new().unwrap();
    let mut store = open(tmp.path());
    store.append(b"a").unwrap();
    let before = dir_names(&tmp.path().join(DOC_DIR));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        store.compact(b"snap", 1, |_| panic!("verify blew up"))
    }));
    assert!(outcome.is_err());
    assert_eq!(dir_names(&tmp.path().join(DOC_DIR)), before);
    assert_eq!(store.load().unwrap().snapshots.len(), 0);
}

#[test]
fn compaction_deletes_covered_chunks_and_keeps_later_ones() {
    let tmp = TempDir::new().unwrap();
    let mut store = open(tmp.path());
    store.append(b"c1").unwrap();
    store.append(b"c2").unwrap();
    // The caller snapshots through seq 2; seq 3 lands before compact runs.
    store.append(b"c3-later").unwrap();
    store
        .compact(b"through-2", 2, |payload| payload == b"through-2")
        .unwrap();
    assert_eq!(store.chunk_count(), 1);
    assert_eq!(store.chunk_bytes(), entry_len(8));
    assert_eq!(store.append(b"c4").unwrap(), 4);

    let loaded = store.load().unwrap();
    assert_eq!(payloads(&loaded.snapshots), [&b"through-2"[..]]);
    assert_eq!(payloads(&loaded.chunks), [&b"c3-later"[..], &b"c4"[..]]);
    // The first segment also holds c3, so it stays until a compaction covers that too;
    // its covered entries no longer count, also from outside.
    assert_eq!(
        chunk_names(tmp.path()).unwrap(),
        [chunk_name(3), chunk_name(4)]
    );
    store.compact(b"through-4", 4, |_| true).unwrap();
    assert!(
        !dir_names(&tmp.path().join(DOC_DIR))
            .iter()
            .any(|n| n.starts_with(LOG_PREFIX)),
        "fully covered segments are deleted"
    );
    assert!(store.load().unwrap().chunks.is_empty());
}

#[test]
fn compaction_keeps_the_two_newest_snapshot_generations() {
    let tmp = TempDir::new().unwrap();
    let mut store = open(tmp.path());
    for snap in [&b"s1"[..], b"s2", b"s3"] {
        store.compact(snap, 0, |_| true).unwrap();
    }
    let snapshots = |dir: &Path| -> Vec<String> {
        dir_names(&dir.join(DOC_DIR))
            .into_iter()
            .filter(|n| n.starts_with("snapshot-"))
            .collect()
    };
    assert_eq!(snapshots(tmp.path()), [snapshot_name(2), snapshot_name(3)]);
    let loaded = store.load().unwrap();
    assert_eq!(payloads(&loaded.snapshots), [&b"s2"[..], &b"s3"[..]]);

    store.compact(b"s4", 0, |_| true).unwrap();
    assert_eq!(snapshots(tmp.path()), [snapshot_name(3), snapshot_name(4)]);
    drop(store);
    let mut store = open(tmp.path());
    let loaded = store.load().unwrap();
    assert_eq!(payloads(&loaded.snapshots), [&b"s3"[..], &b"s4"[..]]);
}

#[test]
fn seqs_stay_monotonic_after_compaction_across_reopen() {
    let tmp = TempDir::new().unwrap();
    {
        let mut store = open(tmp.path());
        for _ in 0..3 {
            store.append(b"x").unwrap();
        }
        store.compact(b"all", 3, |_| true).unwrap();
        assert_eq!(store.chunk_count(), 0);
    }
    let mut store = open(tmp.path());
    assert_eq!(store.append(b"y").unwrap(), 4);
}

#[test]
fn leftover_tmp_files_are_removed_at_open_and_unknown_files_kept() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    drop(open(dir));
    let leftovers = [
        dir.join(DOC_DIR).join(".chunk-0000000000000009.bin.0.tmp"),
        dir.join(DOC_DIR).join("chunk-0000000000000007.bin.tmp"),
        dir.join(STATE_DIR).join(".peer.bin.3.tmp"),
        dir.join(".api-token.1.tmp"),
    ];
    for path in &leftovers {
        fs::write(path, b"half a write").unwrap();
    }
    let notes = dir.join(DOC_DIR).join("notes.txt");
    fs::write(&notes, b"keep me").unwrap();

    let mut store = open(dir);
    for path in &leftovers {
        assert!(!path.exists(), "{} survived open", path.display());
    }
    assert!(notes.exists());
    let loaded = store.load().unwrap();
    assert_eq!(loaded, Loaded::default());
    assert!(notes.exists());
    // Temp files never count as used sequence numbers.
    assert_eq!(store.append(b"first").unwrap(), 1);
}

#[test]
fn write_file_is_atomic_and_applies_the_mode() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let store = open(dir);
    assert_eq!(store.read_file("api-token").unwrap(), None);

    store.write_file("api-token", b"secret-1", 0o600).unwrap();
    assert_eq!(mode_of(&dir.join("api-token")), 0o600);
    store.write_file("runtime.json", b"{}", 0o644).unwrap();
    assert_eq!(mode_of(&dir.join("runtime.json")), 0o644);
    // Overwrite replaces the whole content and keeps the requested mode.
    store
        .write_file("api-token", b"a much longer secret number two", 0o600)
        .unwrap();
    assert_eq!(
        store.read_file("api-token").unwrap().as_deref(),
        Some(&b"a much longer secret number two"[..])
    );
    assert_eq!(mode_of(&dir.join("api-token")), 0o600);
    assert!(no_tmp_files(dir));
    drop(store);

    // A crash halfway through a rewrite leaves only a temp file behind; the
    // old content stays intact and the temp file is swept at open.
    fs::write(dir.join(".api-token.42.tmp"), b"a much lon").unwrap();
    let store = open(dir);
    assert_eq!(
        store.read_file("api-token").unwrap().as_deref(),
        Some(&b"a much longer secret number two"[..])
    );
    assert!(no_tmp_files(dir));

    store.remove_file("api-token").unwrap();
    assert_eq!(store.read_file("api-token").unwrap(), None);
    store.remove_file("api-token").unwrap();
}

#[test]
fn named_files_reject_paths_and_reserved_names() {
    let tmp = TempDir::new().unwrap();
    let store = open(tmp.path());
    for bad in [
        "",
        ".",
        "..",
        "a/b",
        "../escape",
        "/etc/passwd",
        "lock",
        "doc",
        "x.tmp",
    ] {
        assert_invalid_input(store.write_file(bad, b"x", 0o600));
        assert_invalid_input(store.read_file(bad));
        assert_invalid_input(store.remove_file(bad));
    }
    // The lock file is untouched and still excludes a second node.
    assert!(matches!(
        Store::open(tmp.path()),
        Err(StoreError::Locked { .. })
    ));
    assert!(!tmp.path().parent().unwrap().join("escape").exists());
}

#[test]
fn state_round_trips_and_corruption_reads_as_none() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let store = open(dir);
    assert_eq!(store.get_state("peer-A_1").unwrap(), None);
    store.put_state("peer-A_1", b"sync state v1").unwrap();
    store.put_state("peer-A_1", b"sync state v2").unwrap();
    store.put_state("other", b"").unwrap();
    assert_eq!(
        store.get_state("peer-A_1").unwrap().as_deref(),
        Some(&b"sync state v2"[..])
    );
    assert_eq!(store.get_state("other").unwrap().as_deref(), Some(&b""[..]));
    let path = dir.join(STATE_DIR).join("peer-A_1.bin");
    assert_eq!(mode_of(&path), 0o600);

    let mut bytes = fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    fs::write(&path, &bytes).unwrap();
    assert_eq!(store.get_state("peer-A_1").unwrap(), None);
    assert!(!path.exists());
    assert_eq!(store.get_state("peer-A_1").unwrap(), None);
    assert_eq!(store.quarantined().unwrap(), ["state-peer-A_1.bin"]);

    // A second corruption of the same key does not overwrite the evidence.
    fs::write(&path, b"BUR1 nonsense").unwrap();
    assert_eq!(store.get_state("peer-A_1").unwrap(), None);
    assert_eq!(
        store.quarantined().unwrap(),
        ["state-peer-A_1.bin", "state-peer-A_1.bin.1"]
    );
    // Untouched neighbours still read fine.
    assert_eq!(store.get_state("other").unwrap().as_deref(), Some(&b""[..]));

    for bad in ["", "a/b", "a.b", "../x", "peer id", "ä", &"k".repeat(201)] {
        assert_invalid_input(store.put_state(bad, b"x"));
        assert_invalid_input(store.get_state(bad));
    }
}

#[test]
fn quarantine_moves_the_file_and_quarantined_lists_it() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let mut store = open(dir);
    store.append(b"bad payload").unwrap();
    store.append(b"good payload").unwrap();
    let loaded = store.load().unwrap();
    let bad = loaded.chunks[0].name.clone();
    assert_eq!(store.quarantined().unwrap(), Vec::<String>::new());

    store
        .quarantine(&bad, "automerge refused the change")
        .unwrap();
    assert_eq!(store.chunk_count(), 1);
    assert_eq!(store.quarantined().unwrap(), std::slice::from_ref(&bad));
    assert!(!doc_path(dir, &bad).exists());
    let moved = dir.join(QUARANTINE_DIR).join(&bad);
    assert_eq!(
        decode(&fs::read(&moved).unwrap(), Kind::Chunk).unwrap(),
        b"bad payload"
    );
    let reason =
        fs::read_to_string(dir.join(QUARANTINE_DIR).join(format!("{bad}.reason"))).unwrap();
    assert!(reason.contains("automerge refused the change"), "{reason}");

    let loaded = store.load().unwrap();
    assert_eq!(payloads(&loaded.chunks), [&b"good payload"[..]]);
    assert!(loaded.quarantined_now.is_empty());

    // Already gone: a real I/O error, not a silent success.
    match store.quarantine(&bad, "again") {
        Err(StoreError::Io { source, .. }) => assert_eq!(source.kind(), io::ErrorKind::NotFound),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_invalid_input(store.quarantine("api-token", "not a doc file"));
    assert_invalid_input(store.quarantine("../lock", "not a doc file"));
}

#[test]
fn directories_and_files_are_private() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("nested").join("node");
    let mut store = open(&dir);
    store.append(b"chunk").unwrap();
    store.compact(b"snap", 0, |_| true).unwrap();
    for sub in ["", DOC_DIR, QUARANTINE_DIR, STATE_DIR] {
        assert_eq!(mode_of(&dir.join(sub)), 0o700, "{sub}");
    }
    assert_eq!(mode_of(&dir.join(LOCK_FILE)), 0o600);
    assert_eq!(mode_of(&doc_path(&dir, &log_name(1))), 0o600);
    assert_eq!(mode_of(&doc_path(&dir, &snapshot_name(1))), 0o600);
}

#[test]
fn disk_full_errors_map_to_full() {
    let path = Path::new("/data/doc/chunk");
    for code in [libc::ENOSPC, libc::EDQUOT] {
        assert!(matches!(
            io_error("write", path, io::Error::from_raw_os_error(code)),
            StoreError::Full
        ));
    }
    assert!(matches!(
        io_error("write", path, io::Error::from(io::ErrorKind::StorageFull)),
        StoreError::Full
    ));
    let other = io_error("fsync", path, io::Error::from_raw_os_error(libc::EIO));
    assert!(matches!(other, StoreError::Io { op: "fsync", .. }));
    assert_eq!(other.to_string(), "failed to fsync /data/doc/chunk");
    assert_eq!(
        StoreError::Full.to_string(),
        "the disk is full: free some space and try again; nothing was written"
    );
}

#[test]
fn doc_names_are_parsed_strictly() {
    assert_eq!(
        parse_doc_name("chunk-000000000000002a.bin"),
        Some(DocName::Chunk(42))
    );
    assert_eq!(
        parse_doc_name("snapshot-0000000000000001.bin"),
        Some(DocName::Snapshot(1))
    );
    for other in [
        "chunk-000000000000002A.bin",
        "chunk-2a.bin",
        "chunk-+00000000000002a.bin",
        "chunk-000000000000002a.bin.tmp",
        "chunk-000000000000002a",
        "notes.txt",
        "seq-floor.bin",
    ] {
        assert_eq!(parse_doc_name(other), None, "{other}");
    }
}

#[test]
fn split_compaction_keeps_chunks_appended_while_it_runs() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let mut store = open(dir);
    store.append(b"c1").unwrap();
    store.compact(b"base", 1, |_| true).unwrap();
    store.append(b"c2").unwrap();
    store.append(b"c3").unwrap();

    let job = store.begin_compaction(3).unwrap();
    assert_eq!(job.generation(), 2);
    assert_eq!(job.covers_through_seq(), 3);
    // The owner keeps appending while the job runs (on another thread in real use).
    let worker = std::thread::spawn(move || {
        let inputs = job.read_inputs().unwrap();
        assert_eq!(
            inputs.snapshots.first().map(|f| &f.bytes[..]),
            Some(&b"base"[..])
        );
        assert_eq!(
            names(&inputs.chunks),
            ["chunk-0000000000000002.bin", "chunk-0000000000000003.bin"]
        );
        assert_eq!(payloads(&inputs.chunks), [&b"c2"[..], &b"c3"[..]]);
        job.write_snapshot(b"base+c2+c3", |payload| payload == b"base+c2+c3")
            .unwrap()
    });
    assert_eq!(store.append(b"c4").unwrap(), 4);
    let verified = worker.join().unwrap();
    assert_eq!(verified.generation(), 2);
    assert_eq!(store.append(b"c5").unwrap(), 5);
    // Nothing is deleted before the commit.
    assert_eq!(store.chunk_count(), 4);

    // The commit only updates the accounting; the cleanup does the disk work, on any thread.
    let cleanup = store.commit_compaction(verified).unwrap();
    assert_eq!(store.chunk_count(), 2);
    // The floor, two snapshots, the segment of c2 and c3 (the one of c1 went with the first
    // compaction) and the one of c4 and c5, begun when the job began.
    assert_eq!(
        dir_names(&dir.join(DOC_DIR)),
        [
            log_name(2),
            log_name(3),
            SEQ_FLOOR_FILE.to_owned(),
            snapshot_name(1),
            snapshot_name(2)
        ]
    );
    std::thread::spawn(move || cleanup.run())
        .join()
        .unwrap()
        .unwrap();
    assert!(no_tmp_files(&dir.join(DOC_DIR)));
    let loaded = store.load().unwrap();
    assert_eq!(
        payloads(&loaded.snapshots),
        [&b"base"[..], &b"base+c2+c3"[..]]
    );
    assert_eq!(payloads(&loaded.chunks), [&b"c4"[..], &b"c5"[..]]);
    drop(store);
    let mut store = open(dir);
    assert_eq!(store.append(b"c6").unwrap(), 6);
}

#[test]
fn a_chunk_appended_after_begin_is_never_covered() {
    let tmp = TempDir::new().unwrap();
    let mut store = open(tmp.path());
    store.append(b"c1").unwrap();
    // Covering seqs not handed out yet moves numbering past them at once, so a chunk
    // written while the job runs cannot fall under the commit.
    let job = store.begin_compaction(10).unwrap();
    assert_eq!(store.append(b"later").unwrap(), 11);
    let verified = job.write_snapshot(b"snap", |_| true).unwrap();
    store.commit_compaction(verified).unwrap().run().unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(payloads(&loaded.chunks), [&b"later"[..]]);
}

#[test]
fn an_unverified_snapshot_never_carries_a_name_load_reads() {
    let tmp = TempDir::new().unwrap();
    let doc = tmp.path().join(DOC_DIR);
    let mut store = open(tmp.path());
    store.append(b"c1").unwrap();
    let before = dir_names(&doc);
    let job = store.begin_compaction(1).unwrap();
    let mut during = Vec::new();
    let verified = job
        .write_snapshot(b"snap", |_| {
            during = dir_names(&doc);
            true
        })
        .unwrap();
    // While being verified the new snapshot exists only as a temp file, which `load`
    // ignores and `open` sweeps, so a crash then leaves nothing that could be mistaken
    // for a snapshot.
    let new: Vec<&String> = during.iter().filter(|n| !before.contains(n)).collect();
    assert_eq!(new.len(), 1, "{during:?}");
    assert!(new[0].ends_with(".tmp"), "{new:?}");
    assert_eq!(parse_doc_name(new[0]), None);
    assert!(!during.contains(&snapshot_name(1)));
    // Verified: renamed to its final name before the commit.
    assert!(dir_names(&doc).contains(&snapshot_name(1)));
    assert!(no_tmp_files(&doc));
    store.commit_compaction(verified).unwrap().run().unwrap();
}

#[test]
fn a_verified_but_uncommitted_snapshot_is_harmless_after_a_restart() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    {
        let mut store = open(dir);
        store.append(b"c1").unwrap();
        store.append(b"c2").unwrap();
        let job = store.begin_compaction(2).unwrap();
        let verified = job.write_snapshot(b"c1+c2", |_| true).unwrap();
        // The node stops before committing.
        drop(verified);
    }
    let mut store = open(dir);
    let loaded = store.load().unwrap();
    // The snapshot is loaded as the newest generation, and the chunks it was built from
    // are all still there: loading both holds the same changes twice, nothing less.
    assert_eq!(payloads(&loaded.snapshots), [&b"c1+c2"[..]]);
    assert_eq!(payloads(&loaded.chunks), [&b"c1"[..], &b"c2"[..]]);
    assert!(loaded.quarantined_now.is_empty());
    assert_eq!(store.append(b"c3").unwrap(), 3);
    // The next compaction builds on it and takes everything away as usual.
    store.compact(b"c1+c2+c3", 3, |_| true).unwrap();
    assert_eq!(store.chunk_count(), 0);
    let loaded = store.load().unwrap();
    assert_eq!(
        payloads(&loaded.snapshots),
        [&b"c1+c2"[..], &b"c1+c2+c3"[..]]
    );
}

#[test]
fn a_job_outliving_its_store_keeps_the_directory_locked() {
    let tmp = TempDir::new().unwrap();
    let mut store = open(tmp.path());
    store.append(b"c1").unwrap();
    let job = store.begin_compaction(1).unwrap();
    drop(store);
    assert!(matches!(
        Store::open(tmp.path()),
        Err(StoreError::Locked { .. })
    ));
    // Finishing the job is still safe: nobody else can have opened the directory.
    let verified = job.write_snapshot(b"snap", |_| true).unwrap();
    drop(verified);
    let mut store = open(tmp.path());
    let loaded = store.load().unwrap();
    assert_eq!(payloads(&loaded.snapshots), [&b"snap"[..]]);
    assert_eq!(payloads(&loaded.chunks), [&b"c1"[..]]);
}

#[test]
fn a_failed_split_compaction_changes_nothing_and_can_be_retried() {
    let tmp = TempDir::new().unwrap();
    let doc = tmp.path().join(DOC_DIR);
    let mut store = open(tmp.path());
    store.append(b"c1").unwrap();
    store.append(b"c2").unwrap();
    let before = dir_names(&doc);

    // Rejected by verify.
    let job = store.begin_compaction(2).unwrap();
    assert!(matches!(
        job.write_snapshot(b"bad", |_| false),
        Err(StoreError::VerifyFailed)
    ));
    assert_eq!(dir_names(&doc), before);

    // A covered chunk went bad after the job began: reading fails, nothing is
    // quarantined or deleted (that is for the next load).
    let job = store.begin_compaction(2).unwrap();
    let path = doc_path(tmp.path(), &log_name(1));
    let good = fs::read(&path).unwrap();
    fs::write(&path, &good[..good.len() - 3]).unwrap();
    match job.read_inputs() {
        Err(StoreError::Io { source, .. }) => {
            assert_eq!(source.kind(), io::ErrorKind::InvalidData);
            // The framing error is kept as the cause, not flattened into text.
            let cause = source
                .get_ref()
                .and_then(|e| e.downcast_ref::<FrameError>());
            assert!(cause.is_some(), "cause is not a FrameError: {source:?}");
        }
        other => panic!("expected InvalidData, got {other:?}"),
    }
    drop(job);
    assert_eq!(dir_names(&doc), before);
    fs::write(&path, &good).unwrap();

    // The snapshot vanished between verification and commit: nothing is deleted.
    let job = store.begin_compaction(2).unwrap();
    let verified = job.write_snapshot(b"snap", |_| true).unwrap();
    let generation = verified.generation();
    fs::remove_file(doc_path(tmp.path(), &snapshot_name(generation))).unwrap();
    assert!(store.commit_compaction(verified).is_err());
    assert_eq!(dir_names(&doc), before);
    assert_eq!(store.chunk_count(), 2);

    // The retry succeeds.
    let job = store.begin_compaction(2).unwrap();
    let inputs = job.read_inputs().unwrap();
    assert_eq!(payloads(&inputs.chunks), [&b"c1"[..], &b"c2"[..]]);
    let verified = job.write_snapshot(b"c1+c2", |_| true).unwrap();
    store.commit_compaction(verified).unwrap().run().unwrap();
    assert_eq!(store.chunk_count(), 0);
    let loaded = store.load().unwrap();
    assert_eq!(payloads(&loaded.snapshots), [&b"c1+c2"[..]]);
    assert!(loaded.chunks.is_empty());
}

#[test]
fn a_cleanup_that_never_ran_leaves_only_harmless_files() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    {
        let mut store = open(dir);
        store.append(b"c1").unwrap();
        store.append(b"c2").unwrap();
        let job = store.begin_compaction(2).unwrap();
        let verified = job.write_snapshot(b"c1+c2", |_| true).unwrap();
        let cleanup = store.commit_compaction(verified).unwrap();
        assert_eq!(store.chunk_count(), 0);
        assert_eq!(store.append(b"c3").unwrap(), 3);
        // The node stops before the cleanup ran.
        drop(cleanup);
    }
    let mut store = open(dir);
    // The replaced chunks are still there and count again: loading them next to the
    // snapshot holds nothing it lacks, and the next compaction takes them away.
    assert_eq!(store.chunk_count(), 3);
    let loaded = store.load().unwrap();
    assert_eq!(payloads(&loaded.snapshots), [&b"c1+c2"[..]]);
    assert_eq!(
        payloads(&loaded.chunks),
        [&b"c1"[..], &b"c2"[..], &b"c3"[..]]
    );
    store.compact(b"c1+c2+c3", 3, |_| true).unwrap();
    assert_eq!(store.chunk_count(), 0);
    assert_eq!(
        dir_names(&dir.join(DOC_DIR)),
        [
            SEQ_FLOOR_FILE.to_owned(),
            snapshot_name(1),
            snapshot_name(2)
        ]
    );
    drop(store);
    let mut store = open(dir);
    assert_eq!(store.append(b"c4").unwrap(), 4);
}

/// A compaction of c1 and c2 whose cleanup runs only after a reload and the next job's start;
/// `files` keeps c1 and c2 as chunk files of an older store instead of log entries.
fn reload_before_the_cleanup(files: bool) {
    let tmp = TempDir::new().unwrap();
    let mut store = open(tmp.path());
    if files {
        drop(store);
        legacy_chunk(tmp.path(), 1, b"c1");
        legacy_chunk(tmp.path(), 2, b"c2");
        store = open(tmp.path());
    } else {
        store.append(b"c1").unwrap();
        store.append(b"c2").unwrap();
    }
    let job = store.begin_compaction(2).unwrap();
    let verified = job.write_snapshot(b"c1+c2", |_| true).unwrap();
    let cleanup = store.commit_compaction(verified).unwrap();
    // A reload before the cleanup ran counts the replaced chunk files again (log entries at
    // or below the floor it skips: the snapshot holds them)...
    let counted = if files { 2 } else { 0 };
    assert_eq!(store.load().unwrap().chunks.len(), counted);
    store.append(b"c3").unwrap();
    let job = store.begin_compaction(3).unwrap();
    // ...and the cleanup deletes them before the next job reads.
    cleanup.run().unwrap();
    let inputs = job.read_inputs().unwrap();
    assert_eq!(
        inputs.snapshots.first().map(|f| f.bytes.clone()),
        Some(b"c1+c2".to_vec())
    );
    assert_eq!(payloads(&inputs.chunks), [&b"c3"[..]]);
    let missing: Vec<String> = if files {
        vec![chunk_name(1), chunk_name(2)]
    } else {
        Vec::new()
    };
    assert_eq!(inputs.missing, missing);
    let verified = job.write_snapshot(b"c1+c2+c3", |_| true).unwrap();
    store.commit_compaction(verified).unwrap().run().unwrap();
    assert_eq!(store.chunk_count(), 0);
    assert!(store.load().unwrap().chunks.is_empty());
}

#[test]
fn a_reload_before_the_cleanup_skips_the_covered_entries() {
    reload_before_the_cleanup(false);
}

#[test]
fn a_chunk_file_deleted_by_an_earlier_cleanup_is_reported_missing() {
    reload_before_the_cleanup(true);
}

#[test]
fn appends_go_to_one_log_segment_per_run() {
    let tmp = TempDir::new().unwrap();
    {
        let mut store = open(tmp.path());
        for i in 0..5u8 {
            store.append(&[i; 10]).unwrap();
        }
        let doc = dir_names(&tmp.path().join(DOC_DIR));
        assert_eq!(doc, [log_name(1)]);
        let bytes = fs::read(doc_path(tmp.path(), &log_name(1))).unwrap();
        assert_eq!(bytes.len() as u64, 5 * entry_len(10));
        assert_eq!(store.chunk_bytes(), 5 * entry_len(10));
    }
    // A new run never appends to an old segment: a torn end there stays where it is.
    let mut store = open(tmp.path());
    assert_eq!(store.load().unwrap().chunks.len(), 5);
    assert_eq!(store.append(b"six").unwrap(), 6);
    assert_eq!(
        dir_names(&tmp.path().join(DOC_DIR)),
        [log_name(1), log_name(2)]
    );
    assert_eq!(
        chunk_names(tmp.path()).unwrap(),
        (1..=6).map(chunk_name).collect::<Vec<_>>()
    );
}

#[test]
fn a_damaged_log_segment_is_quarantined_and_its_good_entries_kept() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    {
        let mut store = open(dir);
        for i in 1..=6u8 {
            store.append(&[i; 32]).unwrap();
        }
    }
    let log = doc_path(dir, &log_name(1));
    let mut bytes = fs::read(&log).unwrap();
    let entry = entry_len(32) as usize;
    // Entry 3: one bit flipped in its chunk. Entry 6: torn by a crash in its write.
    bytes[2 * entry + HEADER_LEN + 8 + 5] ^= 0x04;
    bytes.truncate(bytes.len() - 1);
    fs::write(&log, &bytes).unwrap();

    let mut store = open(dir);
    let loaded = store.load().unwrap();
    assert_eq!(
        payloads(&loaded.chunks),
        [
            &[1u8; 32][..],
            &[2u8; 32][..],
            &[4u8; 32][..],
            &[5u8; 32][..]
        ]
    );
    assert_eq!(
        names(&loaded.chunks),
        [chunk_name(1), chunk_name(2), chunk_name(4), chunk_name(5)]
    );
    assert_eq!(loaded.quarantined_now, [log_name(1)]);
    assert_eq!(store.quarantined().unwrap(), [log_name(1)]);
    // The damaged segment is in quarantine as it was; the good entries in a new one.
    assert_eq!(
        fs::read(dir.join(QUARANTINE_DIR).join(log_name(1))).unwrap(),
        bytes
    );
    assert_eq!(dir_names(&dir.join(DOC_DIR)), [log_name(2)]);
    let reason = fs::read_to_string(
        dir.join(QUARANTINE_DIR)
            .join(format!("{}.reason", log_name(1))),
    )
    .unwrap();
    assert!(reason.contains("crc mismatch"), "{reason}");
    assert!(
        reason.contains("kept in log-0000000000000002.bin"),
        "{reason}"
    );
    assert_eq!(store.chunk_count(), 4);
    assert_eq!(store.chunk_bytes(), 4 * entry_len(32));

    // Nothing more to quarantine on the next load; appends go on.
    assert!(store.load().unwrap().quarantined_now.is_empty());
    assert_eq!(store.append(b"next").unwrap(), 6);
    drop(store);
    let mut store = open(dir);
    let loaded = store.load().unwrap();
    assert_eq!(loaded.chunks.len(), 5);
    assert!(loaded.quarantined_now.is_empty());
}

#[test]
fn a_segment_of_garbage_is_quarantined_whole() {
    let tmp = TempDir::new().unwrap();
    open(tmp.path());
    fs::write(
        doc_path(tmp.path(), &log_name(4)),
        b"no entries here at all",
    )
    .unwrap();
    let mut store = open(tmp.path());
    let loaded = store.load().unwrap();
    assert!(loaded.chunks.is_empty());
    assert_eq!(loaded.quarantined_now, [log_name(4)]);
    assert!(dir_names(&tmp.path().join(DOC_DIR)).is_empty());
    // Segment numbers are not reused, not even a quarantined one's.
    store.append(b"c").unwrap();
    assert_eq!(dir_names(&tmp.path().join(DOC_DIR)), [log_name(5)]);
}

#[test]
fn quarantining_a_log_entry_keeps_the_others() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let mut store = open(dir);
    for c in [b"c1", b"c2", b"c3"] {
        store.append(c).unwrap();
    }
    store
        .quarantine(&chunk_name(2), "automerge refused it")
        .unwrap();
    // It is in quarantine as the file it would have been.
    let q = fs::read(dir.join(QUARANTINE_DIR).join(chunk_name(2))).unwrap();
    assert_eq!(decode(&q, Kind::Chunk), Ok(&b"c2"[..]));
    let reason = fs::read_to_string(
        dir.join(QUARANTINE_DIR)
            .join(format!("{}.reason", chunk_name(2))),
    )
    .unwrap();
    assert_eq!(reason, format!("{}: automerge refused it\n", chunk_name(2)));
    assert_eq!(store.quarantined().unwrap(), [chunk_name(2)]);
    assert_eq!(store.chunk_count(), 2);
    assert_eq!(dir_names(&dir.join(DOC_DIR)), [log_name(2)]);
    // Appends go to a segment of their own, never into the rewritten one.
    assert_eq!(store.append(b"c4").unwrap(), 4);
    assert_eq!(dir_names(&dir.join(DOC_DIR)), [log_name(2), log_name(3)]);
    let loaded = store.load().unwrap();
    assert_eq!(
        payloads(&loaded.chunks),
        [&b"c1"[..], &b"c3"[..], &b"c4"[..]]
    );
    // The last entry of a segment leaves no empty segment behind.
    store.quarantine(&chunk_name(4), "again").unwrap();
    assert_eq!(dir_names(&dir.join(DOC_DIR)), [log_name(2)]);
    assert_invalid_input(store.quarantine(&log_name(2), "whole"));
}

/// Appends chunks `[i; 32]` for each `i` in `fill` in one run (one segment) and returns that
/// segment's path.
fn one_run_of_appends(dir: &Path, fill: std::ops::RangeInclusive<u8>) -> PathBuf {
    let mut store = open(dir);
    store.load().unwrap();
    for i in fill {
        store.append(&[i; 32]).unwrap();
    }
    let number = store.writer.as_ref().expect("a segment is open").number;
    doc_path(dir, &log_name(number))
}

/// Loads `dir` and checks that nothing is or was quarantined.
fn load_clean(dir: &Path) -> (Store, Loaded) {
    let mut store = open(dir);
    let loaded = store.load().unwrap();
    assert!(loaded.quarantined_now.is_empty(), "{loaded:?}");
    assert!(store.quarantined().unwrap().is_empty());
    assert!(dir_names(&dir.join(QUARANTINE_DIR)).is_empty());
    (store, loaded)
}

#[test]
fn a_torn_last_entry_of_the_newest_segment_is_cut_off_not_quarantined() {
    let entry = entry_len(32) as usize;
    // Where a crash can cut the third entry: in its header's magic, in its length, after
    // its header, in its sequence number, one byte short.
    for keep in [2, 9, HEADER_LEN, HEADER_LEN + 3, entry - 1] {
        let tmp = TempDir::new().unwrap();
        let dir = tmp.path();
        let log = one_run_of_appends(dir, 1..=3);
        let bytes = fs::read(&log).unwrap();
        fs::write(&log, &bytes[..2 * entry + keep]).unwrap();

        let (mut store, loaded) = load_clean(dir);
        assert_eq!(
            payloads(&loaded.chunks),
            [&[1u8; 32][..], &[2u8; 32][..]],
            "cut after {keep} bytes of the entry"
        );
        // Cut in place: the same segment, holding exactly the whole entries.
        assert_eq!(dir_names(&dir.join(DOC_DIR)), [log_name(1)]);
        assert_eq!(fs::read(&log).unwrap(), &bytes[..2 * entry]);
        assert_eq!(store.chunk_count(), 2);
        assert_eq!(store.chunk_bytes(), 2 * entry as u64);
        // The torn entry's seq is not handed out again (it may have been seen by no one,
        // but a gap costs nothing).
        assert_eq!(store.append(b"four").unwrap(), 3);
        drop(store);
        let (_, loaded) = load_clean(dir);
        assert_eq!(loaded.chunks.len(), 3);
    }
}

#[test]
fn the_torn_entry_seen_in_ci_is_cut_off() {
    // A 662-byte payload of which the file holds 241 bytes, as a kill -9 in the middle of
    // the write left it.
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let log = one_run_of_appends(dir, 1..=2);
    let mut bytes = fs::read(&log).unwrap();
    let torn = frame::entry(3, &[7u8; 662 - 8]);
    assert_eq!(torn.len(), HEADER_LEN + 662);
    bytes.extend_from_slice(&torn[..HEADER_LEN + 241]);
    fs::write(&log, &bytes).unwrap();
    let (_, loaded) = load_clean(dir);
    assert_eq!(loaded.chunks.len(), 2);
}

#[test]
fn a_segment_whose_only_entry_is_torn_is_removed() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let log = one_run_of_appends(dir, 1..=1);
    let bytes = fs::read(&log).unwrap();
    fs::write(&log, &bytes[..bytes.len() - 3]).unwrap();
    let (mut store, loaded) = load_clean(dir);
    assert!(loaded.chunks.is_empty());
    assert!(dir_names(&dir.join(DOC_DIR)).is_empty());
    // Segment numbers still only grow.
    store.append(b"next").unwrap();
    assert_eq!(dir_names(&dir.join(DOC_DIR)), [log_name(2)]);
}

#[test]
fn a_torn_entry_in_an_older_segment_is_quarantined() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let old = one_run_of_appends(dir, 1..=3);
    one_run_of_appends(dir, 4..=4);
    // No append ever goes back to an older segment, so a short entry there is damage.
    let bytes = fs::read(&old).unwrap();
    fs::write(&old, &bytes[..bytes.len() - 1]).unwrap();
    let mut store = open(dir);
    let loaded = store.load().unwrap();
    assert_eq!(loaded.quarantined_now, [log_name(1)]);
    assert_eq!(
        payloads(&loaded.chunks),
        [&[1u8; 32][..], &[2u8; 32][..], &[4u8; 32][..]]
    );
}

#[test]
fn a_torn_looking_entry_followed_by_good_ones_is_quarantined() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let log = one_run_of_appends(dir, 1..=3);
    let mut bytes = fs::read(&log).unwrap();
    // Entry 2's header now declares more bytes than the segment has left, like a torn
    // entry, but a whole entry follows it: not what a crash leaves.
    let entry = entry_len(32) as usize;
    bytes[entry + 5..entry + 13].copy_from_slice(&10_000u64.to_le_bytes());
    fs::write(&log, &bytes).unwrap();
    let mut store = open(dir);
    let loaded = store.load().unwrap();
    assert_eq!(loaded.quarantined_now, [log_name(1)]);
    assert_eq!(payloads(&loaded.chunks), [&[1u8; 32][..], &[3u8; 32][..]]);
}

#[test]
fn a_last_entry_whose_checksum_fails_is_quarantined() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let log = one_run_of_appends(dir, 1..=3);
    let mut bytes = fs::read(&log).unwrap();
    // Whole length, wrong bytes: bit rot, not a write cut short.
    let last = bytes.len() - 1;
    bytes[last] ^= 0x10;
    fs::write(&log, &bytes).unwrap();
    let mut store = open(dir);
    let loaded = store.load().unwrap();
    assert_eq!(loaded.quarantined_now, [log_name(1)]);
    assert_eq!(payloads(&loaded.chunks), [&[1u8; 32][..], &[2u8; 32][..]]);
    let reason = fs::read_to_string(
        dir.join(QUARANTINE_DIR)
            .join(format!("{}.reason", log_name(1))),
    )
    .unwrap();
    assert!(reason.contains("crc mismatch"), "{reason}");
}

/// An empty file named like a quarantined chunk with the last sequence number moved the
/// counter to its end: the next appends wrapped to 0, below the floor, and were skipped at the
/// next load (every acknowledged append gone).
#[test]
fn a_quarantined_name_at_the_end_of_the_counter_does_not_wrap_it() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let mut store = open(dir);
    store.append(b"c1").unwrap();
    store.compact(b"base", 1, |_| true).unwrap();
    drop(store);
    fs::write(
        dir.join(QUARANTINE_DIR).join("chunk-ffffffffffffffff.bin"),
        b"",
    )
    .unwrap();
    fs::write(
        dir.join(QUARANTINE_DIR)
            .join("snapshot-fffffffffffffffe.bin.reason"),
        b"",
    )
    .unwrap();
    let mut store = open(dir);
    let mut acked = Vec::new();
    for i in 0..5u8 {
        let seq = store.append(&[b'e', i]).unwrap();
        assert!(seq > 1 && seq <= frame::MAX_NUMBER, "seq {seq}");
        acked.push(vec![b'e', i]);
    }
    drop(store);
    let mut store = open(dir);
    let loaded = store.load().unwrap();
    assert_eq!(
        payloads(&loaded.chunks),
        acked,
        "every acknowledged append loads"
    );
    assert!(loaded.quarantined_now.is_empty());
}

/// A doc file whose name carries a number beyond any the store gives out is not read (it
/// would move a counter to its end) but quarantined and reported, and the counters stay.
#[test]
fn doc_files_with_numbers_beyond_the_bound_are_quarantined_not_counted() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let mut store = open(dir);
    store.append(b"c1").unwrap();
    drop(store);
    legacy_chunk(dir, u64::MAX, b"evil");
    let snapshot = b"snap";
    let mut bytes = header(Kind::Snapshot, snapshot).to_vec();
    bytes.extend_from_slice(snapshot);
    fs::write(doc_path(dir, &snapshot_name(u64::MAX - 1)), bytes).unwrap();
    let mut store = open(dir);
    let mut loaded = store.load().unwrap();
    loaded.quarantined_now.sort();
    assert_eq!(
        loaded.quarantined_now,
        [chunk_name(u64::MAX), snapshot_name(u64::MAX - 1)]
    );
    assert_eq!(payloads(&loaded.chunks), [&b"c1"[..]]);
    assert!(loaded.snapshots.is_empty());
    let seq = store.append(b"c2").unwrap();
    assert_eq!(seq, 2);
    let job = store.begin_compaction(seq).unwrap();
    assert_eq!(job.generation(), 1);
    drop(job);
    drop(store);
    let mut store = open(dir);
    assert_eq!(
        payloads(&store.load().unwrap().chunks),
        [&b"c1"[..], &b"c2"[..]]
    );
}

/// A well-framed log entry whose sequence number is beyond the bound is damage: its segment
/// is quarantined (its good entries kept), and no counter moves to its end.
#[test]
fn a_log_entry_numbered_beyond_the_bound_is_damage() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let mut store = open(dir);
    store.append(b"c1").unwrap();
    drop(store);
    let segment = doc_path(dir, &log_name(1));
    let mut bytes = fs::read(&segment).unwrap();
    bytes.extend_from_slice(&frame::entry(u64::MAX, b"evil"));
    fs::write(&segment, bytes).unwrap();
    let mut store = open(dir);
    let loaded = store.load().unwrap();
    assert_eq!(loaded.quarantined_now, [log_name(1)]);
    assert_eq!(payloads(&loaded.chunks), [&b"c1"[..]]);
    let seq = store.append(b"c2").unwrap();
    assert_eq!(seq, 2);
    drop(store);
    let mut store = open(dir);
    assert_eq!(
        payloads(&store.load().unwrap().chunks),
        [&b"c1"[..], &b"c2"[..]]
    );
}

/// Counters never wrap: at the bound the store refuses to write rather than reuse a number.
#[test]
fn a_counter_at_its_bound_refuses_rather_than_wraps() {
    let tmp = TempDir::new().unwrap();
    let mut store = open(tmp.path());
    store.next_seq = frame::MAX_NUMBER;
    assert_eq!(store.append(b"last").unwrap(), frame::MAX_NUMBER);
    let err = store.append(b"one too many").unwrap_err();
    assert!(err.to_string().contains("number"), "{err}");
    assert_eq!(store.next_seq, frame::MAX_NUMBER + 1);
    store.next_gen = frame::MAX_NUMBER + 1;
    assert!(store.begin_compaction(1).is_err());
}

/// A sparse file of gigabytes in `doc/` was read whole at load. Its header (zeros) or a header
/// declaring another length than the file has is now refused after reading the header only:
/// the file is quarantined without being read (reading a GiB would fail the memory
/// limit below).
#[test]
fn a_file_larger_or_smaller_than_its_frame_declares_is_refused_before_reading_it() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let mut store = open(dir);
    store.append(b"c1").unwrap();
    store.compact(b"base", 1, |_| true).unwrap();
    drop(store);
    const BIG: u64 = 1 << 30;
    // Zeros: no header at all.
    let zeros = fs::File::create(doc_path(dir, &snapshot_name(5))).unwrap();
    zeros.set_len(BIG).unwrap();
    // A good header for a 4-byte payload, in a file of 3 GiB.
    let mut padded = fs::File::create(doc_path(dir, &chunk_name(7))).unwrap();
    io::Write::write_all(&mut padded, &header(Kind::Chunk, b"tiny")).unwrap();
    io::Write::write_all(&mut padded, b"tiny").unwrap();
    padded.set_len(BIG).unwrap();
    // A header declaring 3 GiB in a file of a few bytes.
    let mut claims = header(Kind::Chunk, b"tiny").to_vec();
    claims[5..13].copy_from_slice(&BIG.to_le_bytes());
    claims.extend_from_slice(b"tiny");
    fs::write(doc_path(dir, &chunk_name(8)), claims).unwrap();
    // A log segment with one good entry, then a GiB of zeros.
    let mut segment = fs::File::create(doc_path(dir, &log_name(9))).unwrap();
    io::Write::write_all(&mut segment, &frame::entry(20, b"kept")).unwrap();
    segment.set_len(BIG).unwrap();

    let before = peak_rss_kib();
    let mut store = open(dir);
    let mut loaded = store.load().unwrap();
    let grown = peak_rss_kib().saturating_sub(before);
    assert!(
        grown < 256 * 1024,
        "loading grew the peak memory by {grown} KiB"
    );
    loaded.quarantined_now.sort();
    assert_eq!(
        loaded.quarantined_now,
        [chunk_name(7), chunk_name(8), log_name(9), snapshot_name(5)]
    );
    assert_eq!(payloads(&loaded.chunks), [&b"kept"[..]]);
    let reason = fs::read_to_string(
        dir.join(QUARANTINE_DIR)
            .join(format!("{}.reason", log_name(9))),
    )
    .unwrap();
    assert!(reason.contains("no valid entry header"), "{reason}");
    let reason = fs::read_to_string(
        dir.join(QUARANTINE_DIR)
            .join(format!("{}.reason", chunk_name(7))),
    )
    .unwrap();
    assert!(reason.contains("declares a 4-byte payload"), "{reason}");
    assert_eq!(payloads(&loaded.snapshots), [&b"base"[..]]);
}

/// The process's peak resident memory (`VmHWM`), in KiB.
fn peak_rss_kib() -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status")
}

/// Temp files are never written through a symlink planted at their name.
#[test]
fn a_symlink_at_a_temp_name_is_not_written_through() {
    let tmp = TempDir::new().unwrap();
    let target = tmp.path().join("target");
    fs::write(&target, b"theirs").unwrap();
    let link = tmp.path().join("link.tmp");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let err = match sys::create_new(&link, FILE_MODE) {
        Err(e) => e,
        Ok(_) => panic!("created a file through a symlink"),
    };
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    assert!(sys::open_write(&link).is_err(), "opened through a symlink");
    assert_eq!(fs::read(&target).unwrap(), b"theirs");
}
