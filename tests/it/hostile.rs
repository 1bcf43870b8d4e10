//! A hostile member: hostile frames leave the node up, its memory bounded, and its other peers
//! syncing.
//!
//! Node A founds the bureau; B is a good member running `serve`. The hostile member H joins
//! with an invite of A's (so A's document lists its device), but never runs `serve`: the test
//! plays H itself, opening raw `/bureau/sync/1` streams to A as H's identity and writing what
//! it likes. After each attack: A's process is alive, answers `/api/status`, its heads are as
//! before, its peak resident memory (`VmHWM`) is under [`RSS_BOUND`], it closed the stream,
//! and its log names the defence that ended the session. At the end, an edit on B reaches A
//! and one on A reaches B.

use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use automerge::sync::{ChunkList, Message, MessageVersion, SyncDoc};
use automerge::transaction::Transactable;
use automerge::{Automerge, ChangeHash, ObjType, ROOT, ReadDoc};
use bureau_net::Identity;
use bureau_net::testing::{RawStream, raw_stream};
use bureau_sync::{MAX_FRAME, MAX_INFLATED, SYNC_PROTOCOL};
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{Node, Rng, join_ok, wait_for};

/// Most resident memory node A may ever have reached (`VmHWM`). A debug build of the node
/// idles at a few tens of megabytes; the compression bomb unchecked takes it to gigabytes.
const RSS_BOUND_KB: u64 = 300 * 1024;
/// Shown in messages.
const RSS_BOUND: &str = "300 MB";

/// Most the compression bomb may add to A's peak resident memory (the research's criterion
/// for test T8: under 64 MiB extra).
const BOMB_EXTRA_KB: u64 = 64 * 1024;

/// How long a sync, a join or a stream closing may take on a busy 2-core machine.
const DEADLINE: Duration = Duration::from_secs(60);
/// How long A may take to end a session after the hostile bytes were written.
const CLOSE_DEADLINE: Duration = Duration::from_secs(30);

/// The first bytes of every automerge chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHUNK_CHANGE: u8 = 1;
const CHUNK_COMPRESSED_CHANGE: u8 = 2;

/// What A's log says when a session ends for each defence (the `Display` of the errors in
/// `bureau-sync` and `bureau-doc`, and the actor's panic message).
const LOG_FRAME_TOO_LARGE: &str = "bytes is over the";
const LOG_MALFORMED: &str = "not a sync message";
const LOG_BOMB: &str = "inflates past the";
const LOG_PANIC_RELOAD: &str =
    "a peer sent a change that could not be applied; reloading the document from disk";
const LOG_BAD_DATA: &str = "the peer sent bad data";

/// A field of `/proc/PID/status`, in kB.
fn proc_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_else(|e| panic!("reading /proc/{pid}/status: {e}"));
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

/// Node A with a good member B in sync with it, and the addresses to reach A.
struct Bureau {
    tmp: tempfile::TempDir,
    a: Node,
    b: Node,
    a_peer: String,
    a_addr: String,
    bureau_id: String,
}

/// A device that joined but does not run a node: the test speaks for it.
struct Hostile {
    identity: Identity,
    peer_id: String,
}

impl Bureau {
    fn new() -> Bureau {
        let tmp = tempfile::tempdir().expect("a temp dir");
        let a = Node::start(&tmp.path().join("a"), &[]);
        let bureau_id = a.status()["bureau_id"]
            .as_str()
            .expect("A holds a bureau")
            .to_owned();
        let (a_peer, a_addr) = a.p2p_tcp();

        let b_dir = tmp.path().join("b");
        join_ok(&b_dir, &a.invite("editor"), "Good Member");
        let b = Node::start(&b_dir, &[]);
        let bureau = Bureau {
            tmp,
            a,
            b,
            a_peer,
            a_addr,
            bureau_id,
        };
        bureau.wait_in_sync("B receives the bureau from A");
        bureau
    }

    fn wait_in_sync(&self, what: &str) {
        wait_for(
            what,
            DEADLINE,
            || {
                let (ha, hb) = (self.a.heads(), self.b.heads());
                (ha == hb).then_some(())
            },
            String::new,
        );
    }

    /// A device that joins with an invite of `role` but never serves.
    fn hostile(&self, name: &str, role: &str) -> Hostile {
        let dir = self.tmp.path().join(name);
        join_ok(&dir, &self.a.invite(role), name);
        let identity = Identity::from_bytes(
            &std::fs::read(dir.join(bureau_net::KEY_FILE)).expect("the joiner's identity key"),
        )
        .expect("a valid identity key");
        let peer_id = identity.peer_id();
        wait_for(
            &format!("A lists the device {peer_id}"),
            DEADLINE,
            || {
                let devices = self.a.get("/api/devices").expect(200);
                devices
                    .as_array()
                    .expect("a list")
                    .iter()
                    .find(|d| d["peer_id"] == peer_id.as_str())
                    .map(|d| assert_eq!(d["role"], role, "the device's role: {d}"))
            },
            String::new,
        );
        Hostile { identity, peer_id }
    }

    fn stream(&self, h: &Hostile) -> impl Future<Output = RawStream> {
        let (peer, addr) = (self.a_peer.clone(), self.a_addr.clone());
        let identity = h.identity.clone();
        async move {
            raw_stream(&identity, &peer, &addr, SYNC_PROTOCOL)
                .await
                .unwrap_or_else(|e| panic!("opening a raw sync stream to A at {addr}: {e}"))
        }
    }

    /// A's log: how often `needle` occurs.
    fn a_log_count(&self, needle: &str) -> usize {
        self.a.log().matches(needle).count()
    }

    /// Sends `bytes` to A on a fresh stream as `h`, then checks what an attack must leave as
    /// it was: the stream closed by A, `log` once more in A's log (the defence that ended the
    /// session), A alive and answering, its peak memory under the bound, its heads unchanged.
    async fn attack(&mut self, h: &Hostile, label: &str, bytes: &[u8], log: &str) {
        let before = self.a.heads();
        let logged_before = self.a_log_count(log);
        let started = Instant::now();
        let mut stream = self.stream(h).await;
        // A may end the session before it has read everything (an over-cap header is refused
        // after four bytes), so a failed write is not the test's failure: what A did is.
        let wrote = async {
            stream.write_all(bytes).await?;
            stream.flush().await
        }
        .await;
        expect_closed(&mut stream, label).await;
        drop(stream);
        let took = started.elapsed();
        wait_for(
            &format!("[{label}] A logs {log:?} once more"),
            CLOSE_DEADLINE,
            || (self.a_log_count(log) > logged_before).then_some(()),
            String::new,
        );
        self.check_a_healthy(label);
        let after = self.a.heads();
        assert_eq!(
            after,
            before,
            "[{label}] the attack changed A's heads; log:\n{}",
            self.a.log()
        );
        eprintln!(
            "[{label}] {} bytes sent (write: {:?}), closed after {took:?}; A: VmRSS {} kB, \
             VmHWM {} kB",
            bytes.len(),
            wrote.err().map(|e| e.kind()),
            proc_kb(self.a.pid, "VmRSS"),
            proc_kb(self.a.pid, "VmHWM"),
        );
    }

    fn check_a_healthy(&mut self, label: &str) {
        assert!(
            self.a.is_alive(),
            "[{label}] A died; log:\n{}",
            self.a.log()
        );
        let st = self.a.status();
        assert_eq!(st["bureau_id"], self.bureau_id.as_str(), "[{label}] {st}");
        let hwm = proc_kb(self.a.pid, "VmHWM");
        assert!(
            hwm < RSS_BOUND_KB,
            "[{label}] A's peak resident memory reached {hwm} kB, over {RSS_BOUND}"
        );
    }

    /// A member created on one node shows on the other: B to A, then A to B.
    fn check_good_peer_syncs(&self) {
        for (from, to, name) in [
            (&self.b, &self.a, "Written On B After The Attacks"),
            (&self.a, &self.b, "Written On A After The Attacks"),
        ] {
            let id = from
                .post("/api/members", &json!({ "name": name }))
                .expect(201)["id"]
                .as_str()
                .expect("a new member has an id")
                .to_owned();
            wait_for(
                &format!("the member {name:?} syncs"),
                DEADLINE,
                || {
                    let res = to.get(&format!("/api/members/{id}"));
                    (res.status == 200).then_some(())
                },
                String::new,
            );
        }
        self.wait_in_sync("A and B converge after the attacks");
    }
}

/// Reads until A ends the stream (end of stream or a reset); fails if it stays open.
async fn expect_closed(stream: &mut RawStream, label: &str) {
    let until = tokio::time::Instant::now() + CLOSE_DEADLINE;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match tokio::time::timeout_at(until, stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return,
            // A's own sync messages: read past them.
            Ok(Ok(_)) => {}
            Err(_) => panic!("[{label}] A did not close the stream within {CLOSE_DEADLINE:?}"),
        }
    }
}

/// One frame of the sync protocol: length, document id, payload.
fn frame(doc_id: &str, payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(1 + doc_id.len() + payload.len()).expect("a frame under 4 GiB");
    let mut out = len.to_be_bytes().to_vec();
    out.push(u8::try_from(doc_id.len()).expect("a short doc id"));
    out.extend_from_slice(doc_id.as_bytes());
    out.extend_from_slice(payload);
    out
}

fn uleb(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// SHA-256 over type ‖ uLEB length ‖ body: the hash of a change, whose first four bytes are
/// the chunk's checksum.
fn chunk_hash(chunk_type: u8, body: &[u8]) -> [u8; 32] {
    let mut head = vec![chunk_type];
    uleb(body.len() as u64, &mut head);
    let mut hasher = Sha256::new();
    hasher.update(&head);
    hasher.update(body);
    hasher.finalize().into()
}

/// A chunk: magic, checksum, type, uLEB length, body.
fn chunk(chunk_type: u8, checksum: [u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&checksum);
    out.push(chunk_type);
    uleb(body.len() as u64, &mut out);
    out.extend_from_slice(body);
    out
}

/// The body of a chunk (what follows magic, checksum, type and length) and its type.
fn chunk_body(raw: &[u8]) -> (u8, &[u8]) {
    assert_eq!(raw[..4], MAGIC, "not an automerge chunk");
    let chunk_type = raw[8];
    let mut i = 9;
    let mut len: u64 = 0;
    let mut shift = 0;
    loop {
        let b = raw[i];
        i += 1;
        len |= u64::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    let len = usize::try_from(len).expect("a small chunk");
    assert_eq!(raw.len(), i + len, "one chunk, nothing after it");
    (chunk_type, &raw[i..])
}

/// A V1 sync message carrying `chunks` as its changes.
fn message(heads: Vec<ChangeHash>, chunks: Vec<Vec<u8>>) -> Message {
    Message {
        heads,
        need: Vec::new(),
        have: Vec::new(),
        changes: ChunkList::from(chunks),
        flags: None,
        version: MessageVersion::V1,
    }
}

/// What the bomb inflates to: 1 GiB, four times the node's cap.
const BOMB_INFLATED: usize = 1 << 30;
const _: () = assert!(
    BOMB_INFLATED > MAX_INFLATED,
    "the bomb must inflate past the cap"
);

/// A compressed change chunk (type 2) whose DEFLATE stream inflates to [`BOMB_INFLATED`]
/// bytes of zeros, fed to the encoder a mebibyte at a time.
fn bomb_chunk() -> Vec<u8> {
    const BLOCK: usize = 1 << 20;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    let block = vec![0u8; BLOCK];
    for _ in 0..BOMB_INFLATED / BLOCK {
        enc.write_all(&block).expect("deflating into memory");
    }
    let body = enc.finish().expect("deflating into memory");
    let hash = chunk_hash(CHUNK_COMPRESSED_CHANGE, &body);
    chunk(
        CHUNK_COMPRESSED_CHANGE,
        [hash[0], hash[1], hash[2], hash[3]],
        &body,
    )
}

/// A's document as it is now, read back with automerge.
fn a_document(a: &Node) -> Automerge {
    let bytes = a.get("/api/doc").into_body();
    Automerge::load(&bytes).expect("A's document loads")
}

/// A real change on top of `base`: a member record with a few fields, as a node would write
/// it. Returns the change's bytes and hash.
fn member_change(base: &Automerge, name: &str) -> (Vec<u8>, ChangeHash) {
    let mut doc = base.fork();
    let mut tx = doc.transaction();
    let members = match tx.get(ROOT, "members").expect("reading the root") {
        Some((automerge::Value::Object(ObjType::Map), id)) => id,
        other => panic!("the bureau has no members map: {other:?}"),
    };
    let id: String = Sha256::digest(name.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let rec = tx
        .put_object(&members, &id, ObjType::Map)
        .expect("a record");
    for (k, v) in [
        ("id", id.as_str()),
        ("name", name),
        ("organisation", "Hostile Peers Ltd"),
        ("email", "hostile@example.org"),
        ("phone", "+216 71 000 000"),
    ] {
        tx.put(&rec, k, v).expect("a field");
    }
    let langs = tx
        .put_object(&rec, "languages", ObjType::Map)
        .expect("a map");
    tx.put(&langs, "fr", true).expect("a language");
    tx.put(&langs, "ar", true).expect("a language");
    tx.commit();
    let change = doc.get_last_local_change().expect("the change just made");
    (change.raw_bytes().to_vec(), change.hash())
}

thread_local! {
    /// Set while this thread expects panics and should not print them.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs (once) a panic hook that stays silent on threads with [`QUIET`] set and defers to
/// the previous hook everywhere else, so the hundreds of expected automerge panics do not
/// bury a real failure.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.get() {
                previous(info);
            }
        }));
    });
}

/// What automerge does with a message, run on a copy of `base` in this process.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Panics,
    Refused,
    /// Applied (or queued): not an attack A should refuse.
    Accepted,
}

fn outcome(base: &Automerge, msg: &Message) -> Outcome {
    let msg = msg.clone();
    quiet_panics();
    QUIET.set(true);
    let res = catch_unwind(AssertUnwindSafe(|| {
        let mut doc = base.clone();
        doc.receive_sync_message(&mut automerge::sync::State::new(), msg)
    }));
    QUIET.set(false);
    match res {
        Err(_) => Outcome::Panics,
        Ok(Err(_)) => Outcome::Refused,
        Ok(Ok(())) => Outcome::Accepted,
    }
}

/// Attacks (a) to (c): an over-cap frame header, garbage with the right document id, and a
/// compression bomb. Each ends the session only; B keeps syncing.
#[tokio::test(flavor = "multi_thread")]
async fn oversized_garbage_and_bomb_frames_end_only_that_session() {
    let mut bureau = Bureau::new();
    let h = bureau.hostile("hostile", "editor");
    bureau.check_a_healthy("before any attack");
    let doc_id = bureau.bureau_id.clone();

    // (a) Lengths over the cap, followed by a few bytes: refused before allocating.
    for len in [
        1u32 << 30,
        u32::try_from(MAX_FRAME + 1).expect("the cap fits a u32"),
    ] {
        let mut bytes = len.to_be_bytes().to_vec();
        bytes.extend_from_slice(&[doc_id.len() as u8]);
        bytes.extend_from_slice(doc_id.as_bytes());
        bytes.extend_from_slice(b"just a few bytes of a huge frame");
        bureau
            .attack(
                &h,
                &format!("frame of {len} bytes"),
                &bytes,
                LOG_FRAME_TOO_LARGE,
            )
            .await;
    }

    // (b) The right document id, then bytes that are no sync message.
    let mut rng = Rng::from_seed(0x5eed);
    let mut garbage: Vec<u8> = (0..512).map(|_| rng.next_u64() as u8).collect();
    garbage[0] = 0xff;
    bureau
        .attack(
            &h,
            "garbage payload",
            &frame(&doc_id, &garbage),
            LOG_MALFORMED,
        )
        .await;

    // (c) A compressed change inflating to 1 GiB, in a frame of about a megabyte.
    let started = Instant::now();
    let bomb = bomb_chunk();
    let payload = message(Vec::new(), vec![bomb]).encode();
    assert!(
        payload.len() < MAX_FRAME,
        "the bomb must fit a frame: {}",
        payload.len()
    );
    eprintln!(
        "built a {}-byte bomb in {:?}",
        payload.len(),
        started.elapsed()
    );
    let peak_before = proc_kb(bureau.a.pid, "VmHWM");
    bureau
        .attack(&h, "compression bomb", &frame(&doc_id, &payload), LOG_BOMB)
        .await;
    // The guard inflates into nothing: the bomb may cost its own megabyte and a few copies,
    // not the gigabyte it unpacks to.
    let peak_after = proc_kb(bureau.a.pid, "VmHWM");
    assert!(
        peak_after.saturating_sub(peak_before) < BOMB_EXTRA_KB,
        "the bomb raised A's peak resident memory from {peak_before} kB to {peak_after} kB"
    );

    bureau.check_good_peer_syncs();
    bureau.check_a_healthy("after the good peer synced");
    // The line that ended each session names that session: its peer and generation. (The
    // log goes to a file, so it carries no colour codes between those words.)
    let log = bureau.a.log();
    assert!(
        !log.contains('\u{1b}'),
        "a log written to a file has no terminal escape codes"
    );
    let in_span = format!("session{{peer={} generation=", h.peer_id);
    assert!(
        log.lines()
            .any(|l| l.contains(LOG_BOMB) && l.contains(&in_span)),
        "no {LOG_BOMB:?} line in a span starting {in_span:?}:\n{log}"
    );
}

/// Attack (d): change chunks with a few bytes mutated and the checksum recomputed, chosen
/// (by trying them on a copy of A's document here) so that some make automerge panic and
/// some are refused (by the node's chunk guard or by automerge). A must survive each, reload its document from disk after
/// a panic, keep its heads, and keep syncing with B.
#[tokio::test(flavor = "multi_thread")]
async fn mutated_changes_with_valid_checksums_do_not_take_the_node_down() {
    let mut bureau = Bureau::new();
    let h = bureau.hostile("hostile", "editor");
    let doc_id = bureau.bureau_id.clone();
    let base = a_document(&bureau.a);
    let (raw, _) = member_change(&base, "Mutated Member");
    let (chunk_type, body) = chunk_body(&raw);
    assert_eq!(chunk_type, CHUNK_CHANGE);

    let (mut rng, seed) = Rng::from_env_or_os("BUREAU_HOSTILE_SEED");
    eprintln!("mutation seed {seed} (set BUREAU_HOSTILE_SEED to replay)");
    const WANT_PANICS: usize = 3;
    const WANT_REFUSED: usize = 2;
    const MAX_TRIES: usize = 200_000;
    let mut panics = Vec::new();
    let mut refused = Vec::new();
    let mut tries = 0;
    let started = Instant::now();
    while (panics.len() < WANT_PANICS || refused.len() < WANT_REFUSED) && tries < MAX_TRIES {
        tries += 1;
        let mut body = body.to_vec();
        for _ in 0..=rng.below(4) {
            let i = rng.below(body.len() as u64) as usize;
            body[i] ^= 1 + rng.below(255) as u8;
        }
        let hash = chunk_hash(CHUNK_CHANGE, &body);
        let mutated = chunk(CHUNK_CHANGE, [hash[0], hash[1], hash[2], hash[3]], &body);
        let msg = message(vec![ChangeHash(hash)], vec![mutated.clone()]);
        // Only chunks the node's guard lets through reach automerge; the others are refused
        // before it.
        let mut budget = MAX_INFLATED;
        let mut rows = bureau_sync::MAX_ROWS;
        if bureau_sync::guard::check_chunk(&mutated, &mut budget).is_err()
            || bureau_sync::guard::check_rows(&mutated, &mut rows, MAX_INFLATED).is_err()
        {
            if refused.len() < WANT_REFUSED {
                refused.push(msg);
            }
            continue;
        }
        if Message::decode(&msg.clone().encode()).is_err() {
            continue;
        }
        match outcome(&base, &msg) {
            Outcome::Panics if panics.len() < WANT_PANICS => panics.push(msg),
            Outcome::Refused if refused.len() < WANT_REFUSED => refused.push(msg),
            _ => {}
        }
    }
    eprintln!(
        "{tries} mutations tried in {:?}: {} panic, {} refused",
        started.elapsed(),
        panics.len(),
        refused.len()
    );
    assert_eq!(
        panics.len(),
        WANT_PANICS,
        "found too few mutations that make automerge panic (seed {seed})"
    );
    assert_eq!(
        refused.len(),
        WANT_REFUSED,
        "found too few mutations that are refused (seed {seed})"
    );

    for (i, msg) in panics.into_iter().enumerate() {
        bureau
            .attack(
                &h,
                &format!("mutated change {i} (panics automerge)"),
                &frame(&doc_id, &msg.encode()),
                LOG_PANIC_RELOAD,
            )
            .await;
    }
    let reloads = bureau.a_log_count(LOG_PANIC_RELOAD);
    for (i, msg) in refused.into_iter().enumerate() {
        bureau
            .attack(
                &h,
                &format!("mutated change {i} (refused)"),
                &frame(&doc_id, &msg.encode()),
                LOG_BAD_DATA,
            )
            .await;
        assert_eq!(
            bureau.a_log_count(LOG_PANIC_RELOAD),
            reloads,
            "a message automerge refuses made A reload its document"
        );
    }

    bureau.check_good_peer_syncs();
    bureau.check_a_healthy("after the good peer synced");
}

/// Sends a valid change as `h`, then garbage so that A ends the session: A applies messages in
/// order, so once the stream is closed the change has been handled. Returns A's heads then.
async fn send_change_then_end(
    bureau: &mut Bureau,
    h: &Hostile,
    label: &str,
    raw: Vec<u8>,
    hash: ChangeHash,
) -> Vec<String> {
    let doc_id = bureau.bureau_id.clone();
    let mut bytes = frame(&doc_id, &message(vec![hash], vec![raw]).encode());
    bytes.extend_from_slice(&frame(&doc_id, &[0xff, 0xff, 0xff]));
    let logged = bureau.a_log_count(LOG_MALFORMED);
    let mut stream = bureau.stream(h).await;
    stream.write_all(&bytes).await.expect("writing to A");
    stream.flush().await.expect("writing to A");
    expect_closed(&mut stream, label).await;
    drop(stream);
    wait_for(
        &format!("[{label}] A logs the garbage that ended the session"),
        CLOSE_DEADLINE,
        || (bureau.a_log_count(LOG_MALFORMED) > logged).then_some(()),
        String::new,
    );
    bureau.check_a_healthy(label);
    bureau.a.heads()
}

/// Attack (e): an observer sends a real, valid change. A must not apply it; the same message
/// from an editor is applied (so the test can tell the two apart), and reaches B.
#[tokio::test(flavor = "multi_thread")]
async fn an_observer_change_is_not_applied() {
    let mut bureau = Bureau::new();
    let observer = bureau.hostile("observer", "observer");
    let editor = bureau.hostile("editor", "editor");
    assert_ne!(observer.peer_id, editor.peer_id);

    let base = a_document(&bureau.a);
    let (raw, hash) = member_change(&base, "Written By An Observer");
    let after = send_change_then_end(&mut bureau, &observer, "observer change", raw, hash).await;
    assert!(
        !after.contains(&hash.to_string()),
        "A applied an observer's change {hash}; heads {after:?}"
    );
    assert!(
        bureau
            .a
            .get("/api/members")
            .json()
            .as_array()
            .is_some_and(|m| m.iter().all(|r| r["name"] != "Written By An Observer")),
        "the observer's member shows on A"
    );

    // The control: the same kind of change from an editor is applied.
    let base = a_document(&bureau.a);
    let (raw, editor_hash) = member_change(&base, "Written By A Raw Editor");
    let after = send_change_then_end(&mut bureau, &editor, "editor change", raw, editor_hash).await;
    assert!(
        after.contains(&editor_hash.to_string()),
        "A did not apply an editor's valid change {editor_hash}; heads {after:?}"
    );
    assert!(
        !after.contains(&hash.to_string()),
        "the observer's change {hash} appeared on A"
    );

    bureau.wait_in_sync("B receives the editor's change from A");
    assert!(bureau.b.heads().contains(&editor_hash.to_string()));
    bureau.check_good_peer_syncs();
    let b_has_observer = bureau
        .b
        .get("/api/members")
        .json()
        .as_array()
        .is_some_and(|m| m.iter().any(|r| r["name"] == "Written By An Observer"));
    assert!(!b_has_observer, "the observer's member reached B");
}

/// Changes an editor's node writes on top of `base` as its device `h_peer` would: first its
/// actor recorded in its own device record (as every node of this release does), then `edit`
/// in a change of its own. Returns both changes' bytes and the last one's hash.
fn device_changes(
    base: &Automerge,
    h_peer: &str,
    edit: impl FnOnce(&mut automerge::transaction::Transaction<'_>, &automerge::ObjId),
) -> (Vec<Vec<u8>>, ChangeHash) {
    let mut doc = base.fork();
    let devices = match doc.get(ROOT, "devices").expect("reading the root") {
        Some((automerge::Value::Object(ObjType::Map), id)) => id,
        other => panic!("the bureau has no devices map: {other:?}"),
    };
    let mine = match doc.get(&devices, h_peer).expect("reading the devices") {
        Some((automerge::Value::Object(ObjType::Map), id)) => id,
        other => panic!("the hostile device is not in the bureau: {other:?}"),
    };
    let actor = doc.get_actor().to_hex_string();
    let mut tx = doc.transaction();
    let actors = match tx.get(&mine, "actors").expect("reading the device") {
        Some((automerge::Value::Object(ObjType::Map), id)) => id,
        _ => tx
            .put_object(&mine, "actors", ObjType::Map)
            .expect("an actors map"),
    };
    tx.put(&actors, actor.as_str(), true).expect("the actor");
    tx.commit();
    let first = doc.get_last_local_change().expect("the change just made");
    let mut tx = doc.transaction();
    edit(&mut tx, &devices);
    tx.commit();
    let second = doc.get_last_local_change().expect("the change just made");
    (
        vec![first.raw_bytes().to_vec(), second.raw_bytes().to_vec()],
        second.hash(),
    )
}

/// The device map of `peer` in a transaction.
fn device_in(
    tx: &automerge::transaction::Transaction<'_>,
    devices: &automerge::ObjId,
    peer: &str,
) -> automerge::ObjId {
    match tx.get(devices, peer).expect("reading the devices") {
        Some((automerge::Value::Object(ObjType::Map), id)) => id,
        other => panic!("no device {peer}: {other:?}"),
    }
}

/// An editor's node of another release (or rebuilt) sends real, valid changes that only an
/// admin may make: the founder's and B's devices revoked, itself made an admin. A applies
/// them (refusing would leave every later change waiting) but they take no effect, on A and
/// on B: nobody is cut off, and A reports them. The same revocation from a device an admin
/// made an admin takes effect.
#[tokio::test(flavor = "multi_thread")]
async fn an_editors_revocations_and_role_changes_take_no_effect_on_any_node() {
    let mut bureau = Bureau::new();
    let editor = bureau.hostile("editor", "editor");
    let a_peer = bureau.a_peer.clone();
    let b_peer = bureau.b.peer_id();

    let base = a_document(&bureau.a);
    let h_peer = editor.peer_id.clone();
    let (raws, hash) = device_changes(&base, &h_peer, |tx, devices| {
        for peer in [&a_peer, &b_peer] {
            let dev = device_in(tx, devices, peer);
            tx.put(&dev, "revoked", true).expect("a revocation");
        }
        let own = device_in(tx, devices, &h_peer);
        tx.put(&own, "role", "admin").expect("a role");
    });
    let doc_id = bureau.bureau_id.clone();
    let mut bytes = frame(&doc_id, &message(vec![hash], raws).encode());
    bytes.extend_from_slice(&frame(&doc_id, &[0xff, 0xff, 0xff]));
    let logged = bureau.a_log_count(LOG_MALFORMED);
    let mut stream = bureau.stream(&editor).await;
    stream.write_all(&bytes).await.expect("writing to A");
    stream.flush().await.expect("writing to A");
    expect_closed(&mut stream, "editor's revocations").await;
    drop(stream);
    wait_for(
        "A logs the garbage that ended the session",
        CLOSE_DEADLINE,
        || (bureau.a_log_count(LOG_MALFORMED) > logged).then_some(()),
        String::new,
    );
    assert!(
        bureau.a.heads().contains(&hash.to_string()),
        "A did not apply the editor's changes; they must be applied and take no effect"
    );
    bureau.wait_in_sync("B receives the editor's changes from A");
    for (name, node) in [("A", &bureau.a), ("B", &bureau.b)] {
        for (peer, role) in [(&a_peer, "admin"), (&b_peer, "editor"), (&h_peer, "editor")] {
            let d = node.get(&format!("/api/devices/{peer}")).expect(200);
            assert_eq!(d["revoked"], false, "{name} shows {peer} revoked: {d}");
            assert_eq!(d["role"], role, "{name}: {d}");
        }
    }
    let problems = bureau.a.status()["problems"].to_string();
    assert!(
        problems.contains("only an admin may make was set aside"),
        "A does not report the changes: {problems}"
    );
    // Nobody was cut off: B and A still sync both ways.
    bureau.check_good_peer_syncs();

    // The control: once an admin made that device an admin, its revocation of B counts.
    bureau
        .a
        .patch(&format!("/api/devices/{h_peer}"), &json!({"role": "admin"}))
        .expect(200);
    let base = a_document(&bureau.a);
    let (raws, hash) = device_changes(&base, &h_peer, |tx, devices| {
        // Written anew, as a node does: the record already shows the value the editor's
        // change wrote, and automerge writes nothing for an equal value.
        let dev = device_in(tx, devices, &b_peer);
        tx.delete(&dev, "revoked").expect("a revocation");
        tx.put(&dev, "revoked", true).expect("a revocation");
    });
    let after = send_changes_then_end(&mut bureau, &editor, "admin's revocation", raws, hash).await;
    assert!(after.contains(&hash.to_string()), "{after:?}");
    let d = bureau.a.get(&format!("/api/devices/{b_peer}")).expect(200);
    assert_eq!(
        d["revoked"], true,
        "an admin's revocation took no effect: {d}"
    );
}

/// Like [`send_change_then_end`], with several changes in one message.
async fn send_changes_then_end(
    bureau: &mut Bureau,
    h: &Hostile,
    label: &str,
    raws: Vec<Vec<u8>>,
    hash: ChangeHash,
) -> Vec<String> {
    let doc_id = bureau.bureau_id.clone();
    let mut bytes = frame(&doc_id, &message(vec![hash], raws).encode());
    bytes.extend_from_slice(&frame(&doc_id, &[0xff, 0xff, 0xff]));
    let logged = bureau.a_log_count(LOG_MALFORMED);
    let mut stream = bureau.stream(h).await;
    stream.write_all(&bytes).await.expect("writing to A");
    stream.flush().await.expect("writing to A");
    expect_closed(&mut stream, label).await;
    drop(stream);
    wait_for(
        &format!("[{label}] A logs the garbage that ended the session"),
        CLOSE_DEADLINE,
        || (bureau.a_log_count(LOG_MALFORMED) > logged).then_some(()),
        String::new,
    );
    bureau.a.heads()
}
