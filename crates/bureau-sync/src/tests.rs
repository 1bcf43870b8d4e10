//! Sessions over `tokio::io::duplex` between real document actors (each with its own store in
//! a temporary directory), and against a hand-driven hostile peer.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;
use std::time::Duration;

use bureau_doc::{DocConfig, DocError, DocHandle};
use bureau_model::automerge::sync::{self, ChunkList, MessageFlags, MessageVersion, SyncDoc};
use bureau_model::automerge::transaction::Transactable;
use bureau_model::automerge::{AutoCommit, ChangeHash, ObjType, ROOT, ReadDoc};
use bureau_model::testing::{self, peer_id};
use bureau_model::{Applied, Edit, Fields, MemberFields, RecordType, Role};
use bureau_store::Store;
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::watch;
use tokio::task::JoinHandle as Task;
use tokio_util::sync::CancellationToken;

use crate::guard::GuardError;
use crate::guard::test_data::{XorShift, bomb, chunk, rle_bomb, uleb};
use crate::{
    Heard, Incoming, Kind, MAX_FRAME, MAX_PRESENCE_FRAME, OpenDocument, PeerSync, Presence,
    SessionConfig, SessionStats, SyncError, Version, encode_clock, encode_frame, encode_hello,
    encode_peer_heads, encode_presence, encode_short_hello, encode_sync_frame, parse_incoming,
    run_session,
};

/// Upper bound for anything a test waits on; generous for a loaded CI machine.
const DEADLINE: Duration = Duration::from_secs(30);

const BUREAU: &str = testing::BUREAU_ID;

/// Room for whatever a session writes when the other side reads slowly or not at all.
const PIPE: usize = 4 * 1024 * 1024;

/// A document actor over its own store.
struct Node {
    doc: DocHandle,
    /// The actor thread; it ends once the last handle is dropped.
    _thread: JoinHandle<()>,
    peer: String,
    _dir: TempDir,
}

impl Node {
    /// A node with an empty document, or with `bytes` already in its store.
    async fn open(tag: char, bytes: Option<&[u8]>) -> Node {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).expect("open store");
        if let Some(bytes) = bytes {
            store.append(bytes).expect("seed the store");
        }
        let peer = peer_id(tag);
        let (doc, thread) = DocHandle::open(store, DocConfig::new(peer.clone()))
            .await
            .expect("open actor");
        Node {
            doc,
            _thread: thread,
            peer,
            _dir: dir,
        }
    }

    fn heads(&self) -> Vec<String> {
        sorted(self.doc.state().heads.clone())
    }

    /// The actor answers a command (not just a read of its last published state).
    async fn alive(&self) -> Vec<u8> {
        tokio::time::timeout(DEADLINE, self.doc.save())
            .await
            .expect("the actor answers in time")
            .expect("the actor is running")
    }

    async fn create_member(&self, name: &str) -> String {
        let edit = Edit::Create(Fields::Member(MemberFields {
            name: Some(name.to_owned()),
            ..MemberFields::default()
        }));
        match self.doc.edit(edit).await.expect("create member") {
            Applied::Record(RecordType::Member, id) => id,
            other => panic!("unexpected result {other:?}"),
        }
    }

    /// Adds (or re-adds) `other`'s device for `member` with `role`.
    async fn add_device(&self, other: &str, member: &str, role: Role) {
        self.doc
            .edit(Edit::AddDevice {
                peer_id: other.to_owned(),
                member_id: member.to_owned(),
                name: "phone".to_owned(),
                role,
            })
            .await
            .expect("add device");
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Node A founds the bureau and adds B's device (for a member "Bea") with `role`; node B has
/// an empty document. Returns them and Bea's member id.
async fn founded_pair(role: Role) -> (Node, Node, String) {
    let a = Node::open('A', None).await;
    let b = Node::open('B', None).await;
    a.doc
        .edit(Edit::Init(testing::founding(&a.peer)))
        .await
        .expect("init");
    let bea = a.create_member("Bea").await;
    a.add_device(&b.peer, &bea, role).await;
    (a, b, bea)
}

/// One running session and what it reports.
struct Session {
    task: Task<Result<(), SyncError>>,
    stats: Arc<SessionStats>,
    status: watch::Receiver<PeerSync>,
    cancel: CancellationToken,
}

impl Session {
    fn start(stream: DuplexStream, node: &Node, peer: &str) -> Session {
        Session::start_version(stream, node, peer, Version::V2)
    }

    fn start_version(stream: DuplexStream, node: &Node, peer: &str, version: Version) -> Session {
        Session::start_with(stream, node, peer, version, false, false)
    }

    /// A session of `version`, pushing on open if `push_on_open` (the peer read bundles in a
    /// session before) and naming its capability set if `short_hello` (the peer read short
    /// `Hello`s in a session before).
    fn start_with(
        stream: DuplexStream,
        node: &Node,
        peer: &str,
        version: Version,
        push_on_open: bool,
        short_hello: bool,
    ) -> Session {
        let stats = Arc::new(SessionStats::default());
        let (status_tx, status) = watch::channel(PeerSync::default());
        let cancel = CancellationToken::new();
        let config = SessionConfig {
            peer: peer.to_owned(),
            doc_id: BUREAU.to_owned(),
            cancel: cancel.clone(),
            version,
            board: None,
            presence: None,
            push_on_open,
            short_hello,
        };
        let task = tokio::spawn(run_session(
            stream,
            node.doc.clone(),
            config,
            stats.clone(),
            status_tx,
        ));
        Session {
            task,
            stats,
            status,
            cancel,
        }
    }

    /// How the session ended.
    async fn end(self) -> Result<(), SyncError> {
        tokio::time::timeout(DEADLINE, self.task)
            .await
            .expect("the session ends in time")
            .expect("the session task did not panic")
    }

    /// Cancels the session and waits for it to end normally.
    async fn stop(self) {
        self.cancel.cancel();
        self.end().await.expect("a cancelled session ends normally");
    }

    async fn wait_in_sync(&mut self) {
        tokio::time::timeout(DEADLINE, self.status.wait_for(|s| s.in_sync))
            .await
            .expect("the session reports in_sync in time")
            .expect("status sender alive");
    }
}

/// Sessions on both ends of one pipe: A's with B and B's with A.
fn connect(a: &Node, b: &Node) -> (Session, Session) {
    let (sa, sb) = tokio::io::duplex(PIPE);
    (
        Session::start(sa, a, &b.peer),
        Session::start(sb, b, &a.peer),
    )
}

/// Waits until `cond` holds, polling.
async fn until(what: &str, mut cond: impl FnMut() -> bool) {
    tokio::time::timeout(DEADLINE, async {
        while !cond() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("timed out waiting until {what}"));
}

async fn converge(a: &Node, b: &Node) {
    until("both heads are equal", || a.heads() == b.heads()).await;
}

/// Connects the two nodes until they converge and both sessions report in sync, then stops.
async fn sync_pair(a: &Node, b: &Node) {
    let (mut sa, mut sb) = connect(a, b);
    converge(a, b).await;
    sa.wait_in_sync().await;
    sb.wait_in_sync().await;
    sa.stop().await;
    sb.end()
        .await
        .expect("the peer's end closes the session normally");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_node_joins_and_divergent_replicas_converge() {
    let (a, b, bea) = founded_pair(Role::Editor).await;
    assert!(b.doc.state().snapshot.meta.bureau_id.is_empty());

    // B, with an empty document, accepts the inviter and learns everything.
    sync_pair(&a, &b).await;
    let st = b.doc.state();
    assert_eq!(st.snapshot.meta.bureau_id, BUREAU);
    assert_eq!(st.author.as_deref(), Some(bea.as_str()), "B writes as Bea");

    // Both edit while apart.
    let carl = a.create_member("Carl").await;
    let dora = b.create_member("Dora").await;
    assert_ne!(a.heads(), b.heads());

    let (mut sa, mut sb) = connect(&a, &b);
    converge(&a, &b).await;
    sa.wait_in_sync().await;
    sb.wait_in_sync().await;
    let (snap_a, snap_b) = (
        a.doc.state().snapshot.clone(),
        b.doc.state().snapshot.clone(),
    );
    assert_eq!(snap_a, snap_b);
    assert!(snap_a.members.contains_key(&carl) && snap_a.members.contains_key(&dora));

    // A change while connected reaches the other side too.
    let eve = b.create_member("Eve").await;
    until("A has Eve", || {
        a.doc.state().snapshot.members.contains_key(&eve)
    })
    .await;
    converge(&a, &b).await;
    sa.stop().await;
    sb.end().await.expect("normal end");
}

/// A node of the previous release speaks only `/1`; a session of this release over `/1`
/// converges with it exactly as over `/2`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_converge_over_the_first_protocol_too() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    let carl = a.create_member("Carl").await;
    let (pa, pb) = tokio::io::duplex(PIPE);
    let mut sa = Session::start_version(pa, &a, &b.peer, Version::V1);
    let mut sb = Session::start_version(pb, &b, &a.peer, Version::V1);
    converge(&a, &b).await;
    sa.wait_in_sync().await;
    sb.wait_in_sync().await;
    let dora = b.create_member("Dora").await;
    until("A has Dora", || {
        a.doc.state().snapshot.members.contains_key(&dora)
    })
    .await;
    assert!(b.doc.state().snapshot.members.contains_key(&carl));
    sa.stop().await;
    sb.end().await.expect("normal end");
}

#[test]
fn second_protocol_frames_carry_a_kind_and_unknown_kinds_are_skipped() {
    // A document frame is the `/1` frame with the kind byte in front.
    let v1 = encode_frame(BUREAU, b"msg").expect("frame");
    let v2 = encode_sync_frame(Version::V2, BUREAU, b"msg").expect("frame");
    assert_eq!(v2[4], Kind::Sync as u8);
    assert_eq!(&v2[5..], &v1[4..]);
    assert_eq!(
        u32::from_be_bytes(v2[..4].try_into().unwrap()) as usize,
        v2.len() - 4
    );
    match parse_incoming(Version::V2, v2[4..].to_vec()).expect("parses") {
        Incoming::Sync(f) => assert_eq!(
            (f.doc_id.as_str(), f.payload.as_slice()),
            (BUREAU, &b"msg"[..])
        ),
        other => panic!("not a sync frame: {other:?}"),
    }
    // The capability exchange round-trips, and bytes after the list are room to grow.
    let hello = encode_hello(&["presence", "zstd"]);
    let mut body = hello[4..].to_vec();
    body.extend_from_slice(b"later");
    assert_eq!(
        parse_incoming(Version::V2, body).expect("parses"),
        Incoming::Hello(vec!["presence".to_owned(), "zstd".to_owned()])
    );
    // A kind from a later release is skipped, not an error.
    assert_eq!(
        parse_incoming(Version::V2, vec![200, 1, 2, 3]).expect("parses"),
        Incoming::Unknown(200, 4)
    );
    // A cut-short list is refused.
    assert!(matches!(
        parse_incoming(Version::V2, vec![Kind::Hello as u8, 2, 3, b'a']),
        Err(SyncError::Malformed(_))
    ));
    // Which protocol to open: the newest both list; none listed means the first.
    let listed = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        Version::to_open(
            &Version::ALL,
            &listed(&["/bureau/sync/1", "/bureau/sync/2"])
        ),
        Version::V2
    );
    assert_eq!(Version::to_open(&Version::ALL, &listed(&[])), Version::V1);
    assert_eq!(
        Version::to_open(&[Version::V1], &listed(&["/bureau/sync/2"])),
        Version::V1
    );
}

/// A `/2` peer whose first frame is not the capability exchange is refused; one that sends a
/// frame of a kind this release does not know is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_protocol_session_wants_the_capability_exchange_first() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    let first = b
        .doc
        .sync_generate(&a.peer)
        .await
        .expect("message")
        .expect("one");

    // Hello, an unknown kind, then a real message: accepted and answered.
    let (ours, mut theirs) = tokio::io::duplex(PIPE);
    let session = Session::start_version(ours, &a, &b.peer, Version::V2);
    theirs
        .write_all(&encode_hello(&["from-the-future"]))
        .await
        .unwrap();
    theirs.write_all(&[0, 0, 0, 3, 99, 1, 2]).await.unwrap();
    theirs
        .write_all(&encode_sync_frame(Version::V2, BUREAU, &first).unwrap())
        .await
        .unwrap();
    until("A received the message", || {
        session
            .stats
            .received_messages
            .load(std::sync::atomic::Ordering::Relaxed)
            == 1
    })
    .await;
    session.cancel.cancel();
    session.end().await.expect("normal end");
    drop(theirs);

    // A sync frame first: refused as malformed.
    let (ours, mut theirs) = tokio::io::duplex(PIPE);
    let session = Session::start_version(ours, &a, &b.peer, Version::V2);
    theirs
        .write_all(&encode_sync_frame(Version::V2, BUREAU, &first).unwrap())
        .await
        .unwrap();
    match session.end().await {
        Err(SyncError::Malformed(m)) => assert!(m.contains("capability"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Edits made back to back on both sides while connected all arrive: the actor generates a
/// message into a session's outbox after each durable batch, finds it still full during a
/// burst, and the session sends what it missed once the outbox is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bursts_of_edits_on_both_sides_all_arrive() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    sync_pair(&a, &b).await;
    let (mut sa, mut sb) = connect(&a, &b);
    sa.wait_in_sync().await;
    sb.wait_in_sync().await;
    let (from_a, from_b) = tokio::join!(burst(&a.doc, 'a'), burst(&b.doc, 'b'));
    until("both sides hold all eighty new members", || {
        let (sa, sb) = (a.doc.state(), b.doc.state());
        from_a
            .iter()
            .chain(&from_b)
            .all(|id| sa.snapshot.members.contains_key(id) && sb.snapshot.members.contains_key(id))
    })
    .await;
    converge(&a, &b).await;
    assert_eq!(a.doc.state().snapshot, b.doc.state().snapshot);
    sa.stop().await;
    sb.end().await.expect("normal end");
}

/// Forty members created at once on `doc`; their ids.
async fn burst(doc: &DocHandle, tag: char) -> Vec<String> {
    let mut edits = tokio::task::JoinSet::new();
    for i in 0..40 {
        let doc = doc.clone();
        let edit = Edit::Create(Fields::Member(MemberFields {
            name: Some(format!("{tag}{i}")),
            ..MemberFields::default()
        }));
        edits.spawn(async move {
            match doc.edit(edit).await.expect("create member") {
                Applied::Record(RecordType::Member, id) => id,
                other => panic!("unexpected result {other:?}"),
            }
        });
    }
    edits.join_all().await
}

/// Sum of both sides' sent bytes for one reconnection: until both report in sync, then a
/// short quiet spell so trailing acknowledgements are counted too.
async fn reconnect_bytes(a: &Node, b: &Node) -> u64 {
    let (mut sa, mut sb) = connect(a, b);
    converge(a, b).await;
    sa.wait_in_sync().await;
    sb.wait_in_sync().await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let sent =
        sa.stats.sent_bytes.load(Ordering::Relaxed) + sb.stats.sent_bytes.load(Ordering::Relaxed);
    sa.stop().await;
    sb.end().await.expect("normal end");
    sent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_with_saved_sync_state_sends_less() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    // Enough history that summarising all of it (a fresh peer's Bloom filter) costs something.
    let edits: Vec<_> = (0..150)
        .map(|i| {
            let doc = a.doc.clone();
            tokio::spawn(async move {
                let edit = Edit::Create(Fields::Member(MemberFields {
                    name: Some(format!("Member {i}")),
                    ..MemberFields::default()
                }));
                doc.edit(edit).await.expect("create member");
            })
        })
        .collect();
    for e in edits {
        e.await.unwrap();
    }
    sync_pair(&a, &b).await;

    // A small edit on each side, then a reconnect that has the saved sync states.
    a.create_member("Carl").await;
    b.create_member("Dora").await;
    let a_bytes = a.alive().await;
    let b_bytes = b.alive().await;
    let saved = reconnect_bytes(&a, &b).await;

    // The same two documents in new data directories: no saved sync state.
    let fresh_a = Node::open('A', Some(&a_bytes)).await;
    let fresh_b = Node::open('B', Some(&b_bytes)).await;
    assert_eq!(fresh_a.heads(), sorted(heads_of(&a_bytes)));
    let fresh = reconnect_bytes(&fresh_a, &fresh_b).await;
    eprintln!("bytes sent by both sides: {saved} with saved sync state, {fresh} fresh");
    assert!(
        saved < fresh,
        "with saved state {saved} bytes, fresh {fresh} bytes"
    );
    assert_eq!(fresh_a.heads(), a.heads());
}

fn heads_of(bytes: &[u8]) -> Vec<String> {
    let mut doc = AutoCommit::load(bytes).unwrap();
    doc.get_heads().iter().map(ChangeHash::to_string).collect()
}

/// A hand-driven peer on the other end of a session: it writes raw bytes and drains
/// whatever the session sends.
struct RawPeer {
    wr: tokio::io::WriteHalf<DuplexStream>,
    _drain: Task<()>,
}

fn raw_session(node: &Node, peer: &str) -> (Session, RawPeer) {
    let (ours, theirs) = tokio::io::duplex(PIPE);
    // Raw frames below are `/1` frames (no kind byte, no capability exchange).
    let session = Session::start_version(ours, node, peer, Version::V1);
    let (mut rd, wr) = tokio::io::split(theirs);
    let drain = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut rd, &mut tokio::io::sink()).await;
    });
    (session, RawPeer { wr, _drain: drain })
}

impl RawPeer {
    async fn send(&mut self, bytes: &[u8]) {
        // The session may already have ended and closed its side; that is not our concern.
        let _ = self.wr.write_all(bytes).await;
        let _ = self.wr.flush().await;
    }

    async fn send_message(&mut self, msg: sync::Message) {
        let frame = encode_frame(BUREAU, &msg.encode()).expect("frame");
        self.send(&frame).await;
    }

    async fn close(mut self) {
        let _ = self.wr.shutdown().await;
    }
}

/// A V1 sync message carrying `chunks` and nothing else.
fn message_with(chunks: Vec<Vec<u8>>) -> sync::Message {
    sync::Message {
        heads: Vec::new(),
        need: Vec::new(),
        have: Vec::new(),
        changes: ChunkList::from(chunks),
        flags: None,
        version: MessageVersion::V1,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_frame_ends_the_session_not_the_node() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    let heads = a.heads();

    // (a) A frame announcing 1 GiB.
    let (session, mut raw) = raw_session(&a, &b.peer);
    raw.send(&(1u32 << 30).to_be_bytes()).await;
    match session.end().await {
        Err(SyncError::FrameTooLarge { len, cap }) => {
            assert_eq!((len, cap), (1 << 30, MAX_FRAME));
        }
        other => panic!("expected FrameTooLarge, got {other:?}"),
    }
    a.alive().await;

    // (b) A well-framed payload that is not a sync message.
    let (session, mut raw) = raw_session(&a, &b.peer);
    raw.send(&encode_frame(BUREAU, b"\x42garbage, not a sync message").unwrap())
        .await;
    let res = session.end().await;
    assert!(matches!(res, Err(SyncError::Malformed(_))), "{res:?}");
    a.alive().await;

    // A frame naming another document.
    let (session, mut raw) = raw_session(&a, &b.peer);
    raw.send(&encode_frame("other", &message_with(Vec::new()).encode()).unwrap())
        .await;
    let res = session.end().await;
    assert!(
        matches!(res, Err(SyncError::WrongDocument(ref d)) if d == "other"),
        "{res:?}"
    );

    // (c) A compression bomb (a 0.5 MB change chunk inflating to 512 MiB) in a sync message.
    let (session, mut raw) = raw_session(&a, &b.peer);
    raw.send_message(message_with(vec![bomb().to_vec()])).await;
    let res = session.end().await;
    assert!(
        matches!(res, Err(SyncError::Guard(GuardError::TooLarge(_)))),
        "{res:?}"
    );
    assert!(res.unwrap_err().is_peer_fault());
    a.alive().await;

    // A peer that is not a device of the bureau gets nothing.
    let (session, raw) = raw_session(&a, &peer_id('Z'));
    let res = session.end().await;
    assert!(
        matches!(res, Err(SyncError::Doc(DocError::PeerNotAllowed(_)))),
        "{res:?}"
    );
    raw.close().await;

    // Nothing reached the document, and a normal session still works.
    assert_eq!(a.heads(), heads);
    sync_pair(&a, &b).await;
    assert_eq!(b.doc.state().snapshot.meta.bureau_id, BUREAU);
}

/// SHA-256 (FIPS 180-4), to give mutated chunks a valid checksum as a hostile peer would.
fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut v = h;
        for i in 0..64 {
            let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
            let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
            let t1 = v[7]
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
            let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
            let t2 = s0.wrapping_add(maj);
            v = [
                t1.wrapping_add(t2),
                v[0],
                v[1],
                v[2],
                v[3].wrapping_add(t1),
                v[4],
                v[5],
                v[6],
            ];
        }
        for (x, y) in h.iter_mut().zip(v) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

/// A chunk around `body` with the checksum automerge expects: the first four bytes of
/// SHA-256 over type, LEB128 length and body.
fn checksummed(chunk_type: u8, body: &[u8]) -> Vec<u8> {
    let mut hashed = vec![chunk_type];
    uleb(&mut hashed, body.len() as u64);
    hashed.extend_from_slice(body);
    let hash = sha256(&hashed);
    chunk(chunk_type, [hash[0], hash[1], hash[2], hash[3]], body)
}

/// The body of a single uncompressed chunk.
fn body_of(raw: &[u8]) -> &[u8] {
    let mut i = 9;
    let mut len = 0usize;
    let mut shift = 0;
    loop {
        let b = raw[i];
        i += 1;
        len |= usize::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    assert_eq!(raw.len(), i + len);
    &raw[i..]
}

/// 1–4 random byte flips, truncations or insertions (the recipe of reliability.md 1.7).
fn mutate(rng: &mut XorShift, base: &[u8]) -> Vec<u8> {
    let mut b = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(3) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            1 if !b.is_empty() => b.truncate(rng.below(b.len())),
            _ => {
                let i = rng.below(b.len() + 1);
                b.insert(i, rng.next() as u8);
            }
        }
    }
    b
}

/// How automerge alone takes a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// The change was applied: new heads.
    Applied,
    /// Applied, but the document can no longer save the change (automerge panics in
    /// `save_after`); the node must treat it like a panic.
    Poisoned,
    /// No error and no change (automerge stops quietly at a chunk it cannot parse).
    Ignored,
    /// An error.
    Refused,
    /// A panic.
    Panicked,
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with panic messages (and their backtraces) silenced on this thread only: the
/// search below makes automerge panic hundreds of times.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let out = f();
    QUIET.with(|q| q.set(false));
    out
}

fn outcome_in(doc: &AutoCommit, msg: &sync::Message) -> Outcome {
    let mut doc = doc.clone();
    let before = doc.get_heads();
    let msg = msg.clone();
    match catch_unwind(AssertUnwindSafe(|| {
        doc.sync()
            .receive_sync_message(&mut sync::State::new(), msg)
    })) {
        Ok(Ok(())) if doc.get_heads() == before => Outcome::Ignored,
        Ok(Ok(())) => match catch_unwind(AssertUnwindSafe(|| doc.save_after(&before))) {
            Ok(_) => Outcome::Applied,
            Err(_) => Outcome::Poisoned,
        },
        Ok(Err(_)) => Outcome::Refused,
        Err(_) => Outcome::Panicked,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutated_changes_with_valid_checksums_do_not_take_the_node_down() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    let saved = a.alive().await;
    let original_heads = a.heads();

    // A real change on top of A's document, as B could make it.
    let mut fork = AutoCommit::load(&saved).unwrap();
    let before = fork.get_heads();
    let members = match fork.get(ROOT, "members").unwrap() {
        Some((_, id)) => id,
        None => panic!("no members map"),
    };
    let m = fork.put_object(&members, "e0e0e0e0", ObjType::Map).unwrap();
    fork.put(&m, "name", "Eve Mallory").unwrap();
    fork.put(&m, "email", "eve@example.org").unwrap();
    let langs = fork.put_object(&m, "languages", ObjType::List).unwrap();
    fork.insert(&langs, 0, "fr").unwrap();
    fork.insert(&langs, 1, "de").unwrap();
    fork.commit();
    let changes = fork.get_changes(&before);
    assert_eq!(changes.len(), 1);
    let raw = changes[0].raw_bytes().to_vec();
    let body = body_of(&raw).to_vec();
    assert_eq!(
        checksummed(1, &body),
        raw,
        "the test's SHA-256 agrees with automerge"
    );

    // Pick mutations by what automerge alone does with them, so every path is exercised
    // when the search finds it: panics (about 0.7% of mutations), refusals, acceptance.
    let target = AutoCommit::load(&saved).unwrap();
    let mut rng = XorShift::new(0x0bad_c0de_1234_5678);
    let mut picked: Vec<(Outcome, sync::Message)> = Vec::new();
    // One accepted mutation only, sent last: two accepted ones would be two different
    // changes with the same actor and sequence number, which is a different test.
    let want = |o: Outcome| match o {
        Outcome::Panicked => 3,
        Outcome::Refused | Outcome::Ignored => 2,
        Outcome::Applied | Outcome::Poisoned => 1,
    };
    for _ in 0..20_000 {
        let msg = message_with(vec![checksummed(1, &mutate(&mut rng, &body))]);
        let o = quietly(|| outcome_in(&target, &msg));
        if picked.iter().filter(|(p, _)| *p == o).count() < want(o) {
            picked.push((o, msg));
        }
        if picked.len() == 9 {
            break;
        }
    }
    picked.sort_by_key(|(o, _)| *o == Outcome::Applied);
    let panics = picked
        .iter()
        .filter(|(o, _)| *o == Outcome::Panicked)
        .count();
    eprintln!(
        "mutations picked: {:?}",
        picked.iter().map(|(o, _)| *o).collect::<Vec<_>>()
    );

    for (expected, msg) in picked {
        let (session, mut raw) = raw_session(&a, &b.peer);
        raw.send_message(msg).await;
        raw.close().await;
        let res = session.end().await;
        match expected {
            // The guard, automerge's error or the actor's catch_unwind refused it.
            Outcome::Panicked | Outcome::Refused | Outcome::Poisoned => {
                match &res {
                    Err(e) => assert!(e.is_peer_fault(), "{e:?}"),
                    Ok(()) => panic!("a message automerge fails on was taken"),
                }
                assert_eq!(a.heads(), original_heads);
            }
            // The guard may refuse what automerge would skip (it refuses a cut chunk).
            Outcome::Ignored => match &res {
                Err(e) => assert!(matches!(e, SyncError::Guard(_)), "{e:?}"),
                Ok(()) => assert_eq!(a.heads(), original_heads),
            },
            Outcome::Applied => {
                assert!(res.is_ok(), "{res:?}");
                assert_ne!(a.heads(), original_heads, "the valid change was applied");
            }
        }
        // The actor is alive, and its document is a valid one holding everything it had.
        let bytes = a.alive().await;
        let mut reloaded = AutoCommit::load(&bytes).expect("the document still loads");
        let heads: Vec<String> = reloaded
            .get_heads()
            .iter()
            .map(ChangeHash::to_string)
            .collect();
        assert_eq!(sorted(heads), a.heads());
        for h in &original_heads {
            let hash: ChangeHash = h.parse().unwrap();
            assert!(
                reloaded.get_change_by_hash(&hash).is_some(),
                "lost change {h}"
            );
        }
    }
    assert!(
        panics > 0,
        "the search found no mutation that panics automerge"
    );

    // A good peer still syncs with it.
    sync_pair(&a, &b).await;
    assert_eq!(a.heads(), b.heads());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_observers_changes_are_not_applied() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    sync_pair(&a, &b).await;

    // B writes while it still is an editor in its own copy; meanwhile A demotes it.
    let dora = b.create_member("Dora").await;
    let bea = b.doc.state().author.clone().expect("B writes as Bea");
    a.add_device(&b.peer, &bea, Role::Observer).await;
    let carl = a.create_member("Carl").await;
    let a_heads = a.heads();

    let (sa, sb) = connect(&a, &b);
    until("B has A's changes", || {
        let st = b.doc.state();
        st.snapshot.members.contains_key(&carl)
            && st
                .snapshot
                .devices
                .get(&b.peer)
                .is_some_and(|d| d.role == Role::Observer)
    })
    .await;
    // Give B's change every chance to travel: wait until neither side has received a
    // message for a while.
    let (stats_a, stats_b) = (sa.stats.clone(), sb.stats.clone());
    let mut last = (u64::MAX, u64::MAX);
    let mut quiet_polls = 0;
    until("both sessions are quiet", || {
        let now = (
            stats_a.received_messages.load(Ordering::Relaxed),
            stats_b.received_messages.load(Ordering::Relaxed),
        );
        if now == last {
            quiet_polls += 1;
        } else {
            quiet_polls = 0;
            last = now;
        }
        quiet_polls >= 40
    })
    .await;
    assert_eq!(a.heads(), a_heads, "A's document did not take B's change");
    assert!(!a.doc.state().snapshot.members.contains_key(&dora));
    assert!(b.doc.state().snapshot.members.contains_key(&dora));

    // B now knows it is an observer and cannot edit.
    let res = b.doc.edit(Edit::Create(Fields::Member(MemberFields {
        name: Some("Fay".to_owned()),
        ..MemberFields::default()
    })));
    let res = res.await;
    assert!(matches!(res, Err(DocError::Observer)), "{res:?}");
    sa.stop().await;
    sb.end().await.expect("normal end");
}

/// A file of the node's own whose columns claim 2^40 operations (a hundred bytes: automerge
/// would walk every claimed operation, and the node would not start for hours) is refused by
/// the check the binary passes in, quarantined, and the rest of the document loads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_file_claiming_huge_counts_is_quarantined_not_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).expect("open store");
    store
        .append(&rle_bomb(1 << 40, None))
        .expect("write the damaged entry");
    let mut config = DocConfig::new(peer_id('A'));
    config.check_stored = Some(crate::guard::check_stored);
    let (doc, thread) = tokio::time::timeout(DEADLINE, DocHandle::open(store, config))
        .await
        .expect("the node starts in time: the file never reached automerge")
        .expect("the node starts");
    let st = doc.state();
    assert_eq!(st.quarantined.len(), 1, "{:?}", st.quarantined);
    drop(st);
    drop(doc);
    let _ = thread.join();
    // The same bytes from a peer: refused as well.
    let mut rows = crate::MAX_ROWS;
    assert!(
        crate::guard::check_rows(&rle_bomb(1 << 40, None), &mut rows, crate::MAX_INFLATED).is_err()
    );
    // And an honest document of the node's passes.
    let (a, _, _) = founded_pair(Role::Editor).await;
    let saved = a.doc.save().await.expect("save");
    crate::guard::check_stored(&saved).expect("a saved document passes");
}

#[test]
fn peers_heads_frames_round_trip_and_hostile_ones_are_refused() {
    let heard = vec![
        Heard {
            peer: peer_id('C'),
            heads: vec!["ab".repeat(32), "01".repeat(32)],
            at: 1_790_000_000,
        },
        Heard {
            peer: peer_id('D'),
            heads: Vec::new(),
            at: -5,
        },
    ];
    let frame = encode_peer_heads(&heard);
    assert_eq!(frame[4], Kind::PeerHeads as u8);
    assert_eq!(
        parse_incoming(Version::V2, frame[4..].to_vec()).expect("parses"),
        Incoming::PeerHeads(heard)
    );
    // Cut short anywhere: refused, never a panic.
    for cut in 5..frame.len() {
        assert!(
            matches!(
                parse_incoming(Version::V2, frame[4..cut].to_vec()),
                Err(SyncError::Malformed(_))
            ),
            "cut at {cut}"
        );
    }
    // More entries than allowed, or more heads per entry: refused before reading them.
    let mut many = vec![Kind::PeerHeads as u8];
    many.extend_from_slice(&u16::MAX.to_be_bytes());
    assert!(matches!(
        parse_incoming(Version::V2, many),
        Err(SyncError::Malformed(_))
    ));
    let mut heads = vec![Kind::PeerHeads as u8, 0, 1, 1, b'x'];
    heads.extend_from_slice(&0i64.to_be_bytes());
    heads.push(255);
    assert!(matches!(
        parse_incoming(Version::V2, heads),
        Err(SyncError::Malformed(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_side_tells_the_other_its_peers_heads_and_their_changes() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    let heard = |at: i64| {
        Arc::new(vec![
            Heard {
                peer: peer_id('C'),
                heads: vec!["cd".repeat(32)],
                at,
            },
            // The peer's own entry is never told back to it.
            Heard {
                peer: b.peer.clone(),
                heads: Vec::new(),
                at,
            },
        ])
    };
    let (board_tx, board_rx) = watch::channel(heard(100));
    let (sa, sb) = tokio::io::duplex(PIPE);
    let stats = Arc::new(SessionStats::default());
    let (status_tx, _status) = watch::channel(PeerSync::default());
    let cancel = CancellationToken::new();
    let config = SessionConfig {
        peer: b.peer.clone(),
        doc_id: BUREAU.to_owned(),
        cancel: cancel.clone(),
        version: Version::V2,
        board: Some(board_rx),
        presence: None,
        push_on_open: false,
        short_hello: false,
    };
    let task_a = tokio::spawn(run_session(sa, a.doc.clone(), config, stats, status_tx));
    let mut sb = Session::start(sb, &b, &a.peer);
    let told = |s: &PeerSync| {
        s.heard
            .iter()
            .map(|h| (h.peer.clone(), h.at))
            .collect::<Vec<_>>()
    };
    let got = tokio::time::timeout(DEADLINE, sb.status.wait_for(|s| !s.heard.is_empty()))
        .await
        .expect("B hears A's board in time")
        .expect("status alive")
        .clone();
    assert_eq!(told(&got), [(peer_id('C'), 100)]);
    assert_eq!(got.heard[0].heads, ["cd".repeat(32)]);
    // A change of the board is told again.
    board_tx.send(heard(200)).unwrap();
    let got = tokio::time::timeout(
        DEADLINE,
        sb.status
            .wait_for(|s| s.heard.first().is_some_and(|h| h.at == 200)),
    )
    .await
    .expect("B hears the new board in time")
    .expect("status alive")
    .clone();
    assert_eq!(told(&got), [(peer_id('C'), 200)]);
    // And B reports A's heads as A announced them.
    converge(&a, &b).await;
    tokio::time::timeout(
        DEADLINE,
        sb.status
            .wait_for(|s| sorted(s.their_heads.clone()) == sorted(a.heads())),
    )
    .await
    .expect("B knows A's heads in time")
    .expect("status alive");
    cancel.cancel();
    let _ = task_a.await;
    sb.end().await.expect("the session ends normally");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peers_clock_is_told_once_and_its_distance_reported() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    let two_hours = 2 * 3600 * 1000;
    // A peer that announced the capability: its clock, two hours ahead, is reported.
    let (ours, mut theirs) = tokio::io::duplex(PIPE);
    let mut session = Session::start_version(ours, &a, &b.peer, Version::V2);
    theirs
        .write_all(&encode_hello(&[crate::CLOCK]))
        .await
        .unwrap();
    let ahead = jiff::Timestamp::now().as_millisecond() + two_hours;
    theirs.write_all(&encode_clock(ahead)).await.unwrap();
    let st = tokio::time::timeout(
        DEADLINE,
        session.status.wait_for(|s| s.clock_offset_ms.is_some()),
    )
    .await
    .expect("the clock is reported in time")
    .expect("status alive")
    .clone();
    let offset = st.clock_offset_ms.unwrap();
    assert!(
        (two_hours - 60_000..=two_hours).contains(&offset),
        "about two hours ahead: {offset}"
    );
    session.cancel.cancel();
    session.end().await.expect("normal end");
    drop(theirs);
    // One that did not announce it: its clock frame is ignored; a cut-short one is refused.
    let (ours, mut theirs) = tokio::io::duplex(PIPE);
    let session = Session::start_version(ours, &a, &b.peer, Version::V2);
    theirs.write_all(&encode_hello(&[])).await.unwrap();
    theirs.write_all(&encode_clock(ahead)).await.unwrap();
    theirs
        .write_all(&[0, 0, 0, 3, Kind::Clock as u8, 1, 2])
        .await
        .unwrap();
    match session.end().await {
        Err(SyncError::Malformed(m)) => assert!(m.contains("clock"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn presence_of(name: &str, open: &[(&str, u32)]) -> Presence {
    Presence {
        member_id: format!("m-{name}"),
        name: name.to_owned(),
        device: format!("{name}'s laptop"),
        open: open
            .iter()
            .map(|(d, p)| OpenDocument {
                document: (*d).to_owned(),
                paragraph: *p,
            })
            .collect(),
    }
}

/// A session of `node` with `peer` that tells `presence`.
fn start_present(
    stream: DuplexStream,
    node: &Node,
    peer: &str,
    version: Version,
    presence: watch::Receiver<Arc<Presence>>,
) -> Session {
    let stats = Arc::new(SessionStats::default());
    let (status_tx, status) = watch::channel(PeerSync::default());
    let cancel = CancellationToken::new();
    let config = SessionConfig {
        peer: peer.to_owned(),
        doc_id: BUREAU.to_owned(),
        cancel: cancel.clone(),
        version,
        board: None,
        presence: Some(presence),
        push_on_open: false,
        short_hello: false,
    };
    let task = tokio::spawn(run_session(
        stream,
        node.doc.clone(),
        config,
        stats.clone(),
        status_tx,
    ));
    Session {
        task,
        stats,
        status,
        cancel,
    }
}

/// A `/2` session of `node` with `peer` telling `presence`, whose other end (returned, with
/// the session) has answered with a Hello listing `caps`: a peer the test plays by hand.
async fn present_to(
    node: &Node,
    peer: &str,
    presence: watch::Receiver<Arc<Presence>>,
    caps: &[&str],
) -> (
    Session,
    tokio::io::ReadHalf<DuplexStream>,
    tokio::io::WriteHalf<DuplexStream>,
) {
    let (ours, theirs) = tokio::io::duplex(PIPE);
    let session = start_present(ours, node, peer, Version::V2, presence);
    let (rd, mut wr) = tokio::io::split(theirs);
    wr.write_all(&encode_hello(caps)).await.unwrap();
    (session, rd, wr)
}

/// Every frame body read from `rd` until the stream ends.
async fn frames_until_end(rd: &mut tokio::io::ReadHalf<DuplexStream>) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    tokio::time::timeout(DEADLINE, async {
        loop {
            let mut len = [0u8; 4];
            if rd.read_exact(&mut len).await.is_err() {
                break;
            }
            let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
            if rd.read_exact(&mut body).await.is_err() {
                break;
            }
            out.push(body);
        }
    })
    .await
    .expect("the stream ends in time");
    out
}

/// Reads frames from `rd` until one of `kind` (a `/2` stream), returning it.
async fn frame_of_kind(rd: &mut tokio::io::ReadHalf<DuplexStream>, kind: Kind) -> Vec<u8> {
    frame_of_kind_before(rd, kind, None)
        .await
        .expect("no kind to stop at")
}

/// The next frame of `kind`, or `None` if one of `not_before` comes first.
async fn frame_of_kind_before(
    rd: &mut tokio::io::ReadHalf<DuplexStream>,
    kind: Kind,
    not_before: Option<Kind>,
) -> Option<Vec<u8>> {
    tokio::time::timeout(DEADLINE, async {
        loop {
            let mut len = [0u8; 4];
            rd.read_exact(&mut len).await.expect("a frame");
            let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
            rd.read_exact(&mut body).await.expect("a frame's body");
            match body.first() {
                Some(&k) if k == kind as u8 => return Some(body),
                Some(&k) if not_before.is_some_and(|n| k == n as u8) => return None,
                _ => {}
            }
        }
    })
    .await
    .expect("the frame comes in time")
}

#[test]
fn presence_frames_round_trip_and_bad_ones_are_dropped_not_fatal() {
    let p = presence_of("Bea", &[("doc-1", 0), ("doc-2", 41)]);
    let frame = encode_presence(&p);
    match parse_incoming(Version::V2, frame[4..].to_vec()) {
        Ok(Incoming::Presence(got)) => assert_eq!(got, p),
        other => panic!("expected a presence, got {other:?}"),
    }
    // Bytes after the list are room for a later release, not an error.
    let mut longer = frame[4..].to_vec();
    longer.extend_from_slice(b"later");
    assert!(matches!(
        parse_incoming(Version::V2, longer),
        Ok(Incoming::Presence(_))
    ));
    // Too long a name is cut at a character's end, never in one.
    let long = presence_of(&"é".repeat(200), &[]);
    match parse_incoming(Version::V2, encode_presence(&long)[4..].to_vec()) {
        Ok(Incoming::Presence(got)) => assert_eq!(got.name, "é".repeat(127)),
        other => panic!("expected a presence, got {other:?}"),
    }
    let bad = |body: Vec<u8>| match parse_incoming(Version::V2, body) {
        Ok(Incoming::BadPresence(why)) => why,
        other => panic!("expected a dropped presence, got {other:?}"),
    };
    // Every cut of a good frame.
    for end in 1..frame.len() - 4 {
        assert!(bad(frame[4..4 + end].to_vec()).contains("cut short"));
    }
    // Over the cap, a name that is not UTF-8, too many documents, one listed twice.
    let mut huge = vec![Kind::Presence as u8];
    huge.resize(MAX_PRESENCE_FRAME + 1, 0);
    assert!(bad(huge).contains("limit"));
    assert!(bad(vec![Kind::Presence as u8, 0, 2, 0xff, 0xfe, 0, 0]).contains("UTF-8"));
    assert!(bad(vec![Kind::Presence as u8, 0, 1, b'\n', 0, 0]).contains("control"));
    assert!(bad(vec![Kind::Presence as u8, 0, 0, 0, 255]).contains("documents"));
    let twice = presence_of("Bea", &[("doc-1", 0), ("doc-1", 1)]);
    assert!(bad(encode_presence(&twice)[4..].to_vec()).contains("twice"));
    // Random bytes: whatever they are, a presence or a reason, never a panic.
    let mut rng = XorShift::new(0x5eed);
    for _ in 0..2000 {
        let n = (rng.next() % 64) as usize;
        let mut body = vec![Kind::Presence as u8];
        body.extend((0..n).map(|_| rng.next() as u8));
        let res = catch_unwind(|| parse_incoming(Version::V2, body));
        assert!(matches!(
            res,
            Ok(Ok(Incoming::Presence(_) | Incoming::BadPresence(_)))
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_is_exchanged_when_both_sides_speak_it_and_gone_when_the_session_ends() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    let (a_tx, a_rx) = watch::channel(Arc::new(presence_of("Ana", &[("charter", 3)])));
    let (_b_tx, b_rx) = watch::channel(Arc::new(presence_of("Bea", &[("charter", 0)])));
    let (sa, sb) = tokio::io::duplex(PIPE);
    let mut on_a = start_present(sa, &a, &b.peer, Version::V2, a_rx);
    let mut on_b = start_present(sb, &b, &a.peer, Version::V2, b_rx);
    let told = |s: &PeerSync| s.presence.as_ref().map(|h| (*h.presence).clone());
    let got = tokio::time::timeout(DEADLINE, on_b.status.wait_for(|s| s.presence.is_some()))
        .await
        .expect("B hears A's presence in time")
        .expect("status alive")
        .clone();
    assert_eq!(told(&got), Some(presence_of("Ana", &[("charter", 3)])));
    let got = tokio::time::timeout(DEADLINE, on_a.status.wait_for(|s| s.presence.is_some()))
        .await
        .expect("A hears B's presence in time")
        .expect("status alive")
        .clone();
    assert_eq!(told(&got), Some(presence_of("Bea", &[("charter", 0)])));
    // A moves to another paragraph, then closes the document: B hears both.
    a_tx.send(Arc::new(presence_of("Ana", &[("charter", 7)])))
        .unwrap();
    let at_seven = presence_of("Ana", &[("charter", 7)]);
    tokio::time::timeout(
        DEADLINE,
        on_b.status
            .wait_for(|s| told(s).as_ref() == Some(&at_seven)),
    )
    .await
    .expect("B hears A's new paragraph in time")
    .expect("status alive");
    let first = on_b.status.borrow().presence.as_ref().unwrap().at;
    // A refresh (the owner marks the same presence changed) arrives as a newer one.
    a_tx.send_modify(|_| {});
    tokio::time::timeout(
        DEADLINE,
        on_b.status
            .wait_for(|s| s.presence.as_ref().is_some_and(|h| h.at > first)),
    )
    .await
    .expect("B hears A's refresh in time")
    .expect("status alive");
    a_tx.send(Arc::new(presence_of("Ana", &[]))).unwrap();
    tokio::time::timeout(
        DEADLINE,
        on_b.status.wait_for(|s| {
            s.presence
                .as_ref()
                .is_some_and(|h| h.presence.open.is_empty())
        }),
    )
    .await
    .expect("B hears that A closed the document in time")
    .expect("status alive");
    // Sync goes on beside it, and the end of the session forgets the peer's presence.
    converge(&a, &b).await;
    on_a.stop().await;
    let mut status = on_b.status.clone();
    on_b.end()
        .await
        .expect("the peer's end closes the session normally");
    assert!(status.borrow_and_update().presence.is_none());
}

/// A node with nothing open tells no presence as a session starts (the peer holds none of it
/// yet), nor when its presence changes to another with nothing open (its member renamed);
/// the first presence frame is the one saying what opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_open_is_not_told_as_a_session_starts() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    let (tx, rx) = watch::channel(Arc::new(presence_of("Ana", &[])));
    let caps = [crate::PEER_HEADS, crate::CLOCK, crate::PRESENCE];
    let (session, mut rd, mut wr) = present_to(&a, &b.peer, rx, &caps).await;
    // The clock goes where an empty presence would have gone first.
    frame_of_kind(&mut rd, Kind::Clock).await;
    // Renamed, still nothing open; then a message from the peer, whose answer comes after
    // the session has looked at the change.
    tx.send(Arc::new(presence_of("Anna", &[]))).unwrap();
    let first = b
        .doc
        .sync_generate(&a.peer)
        .await
        .expect("message")
        .expect("one");
    wr.write_all(&encode_sync_frame(Version::V2, BUREAU, &first).unwrap())
        .await
        .unwrap();
    let answer = frame_of_kind_before(&mut rd, Kind::Sync, Some(Kind::Presence)).await;
    assert!(
        answer.is_some(),
        "an empty presence was told before A's answer"
    );
    tx.send(Arc::new(presence_of("Ana", &[("charter", 2)])))
        .unwrap();
    let got = frame_of_kind(&mut rd, Kind::Presence).await;
    assert!(matches!(
        parse_incoming(Version::V2, got),
        Ok(Incoming::Presence(p)) if p.open.len() == 1 && p.open[0].paragraph == 2
    ));
    // Closed again: that is told (the peer holds the open one), and a rename after it is not.
    tx.send(Arc::new(presence_of("Anna", &[]))).unwrap();
    let got = frame_of_kind(&mut rd, Kind::Presence).await;
    assert!(matches!(
        parse_incoming(Version::V2, got),
        Ok(Incoming::Presence(p)) if p.open.is_empty()
    ));
    session.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_does_not_speak_presence_is_never_sent_it() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    let (tx, rx) = watch::channel(Arc::new(presence_of("Ana", &[("charter", 3)])));
    // A `/2` peer of the previous release: its Hello lists the clock but not presence. The
    // session answers the Hello with its clock, where it would tell its presence too; then
    // the presence changes and the session is cancelled, and everything it wrote is read.
    let caps = [crate::PEER_HEADS, crate::CLOCK];
    let (session, mut rd, _wr) = present_to(&a, &b.peer, rx.clone(), &caps).await;
    frame_of_kind(&mut rd, Kind::Clock).await;
    tx.send(Arc::new(presence_of("Ana", &[("charter", 4)])))
        .unwrap();
    tx.send_modify(|_| {});
    session.stop().await;
    let frames = frames_until_end(&mut rd).await;
    assert!(
        frames
            .iter()
            .all(|f| f.first() != Some(&(Kind::Presence as u8))),
        "a presence frame went to a peer that did not announce presence/1"
    );
    // The same Hello with presence/1 gets it, so the test above could see one.
    let caps = [crate::PEER_HEADS, crate::CLOCK, crate::PRESENCE];
    let (session, mut rd, _wr) = present_to(&a, &b.peer, rx.clone(), &caps).await;
    let got = frame_of_kind(&mut rd, Kind::Presence).await;
    assert!(matches!(
        parse_incoming(Version::V2, got),
        Ok(Incoming::Presence(p)) if p.open[0].paragraph == 4
    ));
    session.stop().await;
    // A `/1` session: every frame it writes is a document frame of this bureau.
    let (ours, theirs) = tokio::io::duplex(PIPE);
    let session = start_present(ours, &a, &b.peer, Version::V1, rx);
    let (mut rd, _wr) = tokio::io::split(theirs);
    let mut len = [0u8; 4];
    tokio::time::timeout(DEADLINE, rd.read_exact(&mut len))
        .await
        .expect("the first message comes in time")
        .expect("a frame");
    let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
    rd.read_exact(&mut body).await.unwrap();
    tx.send(Arc::new(presence_of("Ana", &[("charter", 5)])))
        .unwrap();
    session.stop().await;
    let mut frames = vec![body];
    frames.extend(frames_until_end(&mut rd).await);
    for f in frames {
        match parse_incoming(Version::V1, f) {
            Ok(Incoming::Sync(frame)) => assert_eq!(frame.doc_id, BUREAU),
            other => panic!("a /1 session wrote something else: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_garbled_presence_frames_are_dropped_and_the_session_goes_on() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    let (ours, theirs) = tokio::io::duplex(PIPE);
    let mut session = Session::start_version(ours, &a, &b.peer, Version::V2);
    let (mut rd, mut wr) = tokio::io::split(theirs);
    let drain = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut rd, &mut tokio::io::sink()).await;
    });
    wr.write_all(&encode_hello(&[crate::PRESENCE]))
        .await
        .unwrap();
    let framed = |body: &[u8]| {
        let mut out = (body.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(body);
        out
    };
    let mut huge = vec![Kind::Presence as u8];
    huge.resize(MAX_PRESENCE_FRAME * 4, b'x');
    wr.write_all(&framed(&huge)).await.unwrap();
    wr.write_all(&framed(&[Kind::Presence as u8, 9, b'a']))
        .await
        .unwrap();
    wr.write_all(&framed(&[Kind::Presence as u8, 0, 2, 0xc3, 0x28, 0, 0]))
        .await
        .unwrap();
    wr.write_all(&framed(&[Kind::Presence as u8]))
        .await
        .unwrap();
    // A good one after them is still read: the session went on.
    let good = presence_of("Ana", &[("charter", 2)]);
    wr.write_all(&encode_presence(&good)).await.unwrap();
    let got = tokio::time::timeout(DEADLINE, session.status.wait_for(|s| s.presence.is_some()))
        .await
        .expect("the good presence arrives in time")
        .expect("status alive")
        .clone();
    assert_eq!(*got.presence.unwrap().presence, good);
    assert!(!session.task.is_finished());
    session.stop().await;
    drain.abort();
}

/// `n` members created at once on `node`, each with a long name (about 300 bytes of change
/// each): their ids.
async fn members(node: &Node, tag: &str, n: usize) {
    let edits: Vec<_> = (0..n)
        .map(|i| {
            let doc = node.doc.clone();
            let name = format!("{tag} {i} {}", "with a long name ".repeat(12));
            tokio::spawn(async move {
                let edit = Edit::Create(Fields::Member(MemberFields {
                    name: Some(name),
                    ..MemberFields::default()
                }));
                doc.edit(edit).await.expect("create member");
            })
        })
        .collect();
    for e in edits {
        e.await.unwrap();
    }
}

/// After a long time apart, what each side lacks goes as bundles between two nodes of this
/// release: an eighth of the changes' own size or less (deflated change chunks took about half).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_after_divergence_goes_as_bundles() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    // A large shared history, so that what is missing is a share of it (automerge sends the
    // whole document, one chunk, when a peer lacks most of it).
    members(&a, "Shared", 600).await;
    sync_pair(&a, &b).await;
    let base: Vec<ChangeHash> = AutoCommit::load(&a.alive().await).unwrap().get_heads();
    members(&a, "Apart", 250).await;
    let mut doc = AutoCommit::load(&a.alive().await).unwrap();
    let raw: usize = doc
        .get_changes(&base)
        .iter()
        .map(|c| c.raw_bytes().len())
        .sum();
    assert!(raw > crate::split::MAX_MESSAGE, "{raw} bytes of changes");

    let (mut sa, mut sb) = connect(&a, &b);
    converge(&a, &b).await;
    sa.wait_in_sync().await;
    sb.wait_in_sync().await;
    let sent = sa.stats.sent_bytes.load(Ordering::Relaxed) as usize;
    let messages = sa.stats.sent_messages.load(Ordering::Relaxed);
    sa.stop().await;
    sb.end().await.expect("normal end");
    eprintln!("A sent {sent} bytes in {messages} messages for {raw} bytes of changes");
    assert!(sent * 8 < raw, "{sent} bytes on the wire for {raw} bytes");
    assert_eq!(a.doc.state().snapshot, b.doc.state().snapshot);
}

/// The chunk types of a message's change entries (the byte after magic and checksum).
fn chunk_types(msg: &sync::Message) -> Vec<u8> {
    msg.changes.iter().map(|c| c[8]).collect()
}

/// B's changes that the test, playing A with a Hello listing `caps`, lacks: the sync messages
/// B's session sends with them, until the test holds B's heads (uncompressed: `caps` must not
/// list [`crate::DEFLATE`]).
async fn what_b_sends(a: &Node, b: &Node, caps: &[&str]) -> Vec<sync::Message> {
    let want = AutoCommit::load(&b.alive().await).unwrap().get_heads();
    let PlayingA {
        mut doc,
        mut state,
        session,
        mut rd,
        mut wr,
    } = play_a(a, b, caps).await;
    let mut got = Vec::new();
    while doc.get_heads() != want {
        let msg = next_sync_message(&mut rd).await;
        got.push(msg.clone());
        doc.sync().receive_sync_message(&mut state, msg).unwrap();
        if let Some(answer) = doc.sync().generate_sync_message(&mut state) {
            let frame = encode_sync_frame(Version::V2, BUREAU, &answer.encode()).unwrap();
            wr.write_all(&frame).await.unwrap();
        }
    }
    session.stop().await;
    got
}

/// Many changes go as bundles only to a peer that listed [`crate::BUNDLE`]; a peer of a
/// release without it gets change chunks, in parts of at most [`crate::split::MAX_MESSAGE`].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_peer_that_reads_bundles_gets_them() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    members(&a, "Shared", 600).await;
    sync_pair(&a, &b).await;
    members(&b, "Apart", 250).await;

    let old = what_b_sends(&a, &b, &[]).await;
    let types: Vec<u8> = old.iter().flat_map(chunk_types).collect();
    assert!(types.len() >= 250, "{} chunks", types.len());
    assert!(types.iter().all(|t| [1, 2].contains(t)), "{types:?}");
    let parts = old.iter().filter(|m| !m.changes.is_empty()).count();
    assert!(parts >= 2, "{parts} parts");
    for m in &old {
        assert!(m.clone().encode().len() <= 2 * crate::split::MAX_MESSAGE);
    }

    let new = what_b_sends(&a, &b, &[crate::BUNDLE]).await;
    let types: Vec<u8> = new.iter().flat_map(chunk_types).collect();
    // 850 changes (the test's fresh sync state has B send what its Bloom filter lacks).
    assert!(!types.is_empty() && types.len() <= 2, "{types:?}");
    assert!(types.iter().all(|t| *t == 3), "{types:?}");
    let sent: usize = new.iter().map(|m| m.clone().encode().len()).sum();
    let before: usize = old.iter().map(|m| m.clone().encode().len()).sum();
    // Chunks of changes this size are DEFLATE-compressed one by one already.
    assert!(
        sent * 3 < before,
        "{sent} bytes as a bundle, {before} as chunks"
    );
}

/// B's session with A, pushing on open if `push`, the test playing A (it has sent nothing
/// yet): B's first sync message, read before A says anything.
async fn b_opens(a: &Node, b: &Node, push: bool) -> (PlayingA, sync::Message) {
    let mut playing = b_with(a, b, push).await;
    let first = next_sync_message(&mut playing.rd).await;
    (playing, first)
}

/// A session that pushes on open (its peer read bundles last time) sends, in its first
/// message and before the peer has said anything, every change made since the heads both
/// last held, as bundles: the peer holds them all after that one message. Without the push
/// the first message carries no change (the peer's answer is awaited).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_pushes_the_changes_on_open() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    members(&a, "Shared", 300).await;
    sync_pair(&a, &b).await;
    members(&b, "Apart", 120).await;
    let want = AutoCommit::load(&b.alive().await).unwrap().get_heads();

    let (playing, first) = b_opens(&a, &b, false).await;
    assert!(first.changes.is_empty(), "{:?}", chunk_types(&first));
    playing.session.stop().await;

    let (playing, first) = b_opens(&a, &b, true).await;
    let PlayingA {
        mut doc,
        mut state,
        session,
        mut rd,
        mut wr,
    } = playing;
    let types = chunk_types(&first);
    assert!(
        !types.is_empty() && types.iter().all(|t| *t == 3),
        "{types:?}"
    );
    doc.sync().receive_sync_message(&mut state, first).unwrap();
    assert_eq!(doc.get_heads(), want, "the first message held every change");
    // The session goes on as any: A's Hello and answer, and B says it is in sync.
    wr.write_all(&encode_hello(&[crate::BUNDLE])).await.unwrap();
    let answer = doc
        .sync()
        .generate_sync_message(&mut state)
        .expect("A answers");
    let frame = encode_sync_frame(Version::V2, BUREAU, &answer.encode()).unwrap();
    wr.write_all(&frame).await.unwrap();
    let mut status = session.status.clone();
    tokio::time::timeout(DEADLINE, status.wait_for(|s| s.in_sync))
        .await
        .expect("B is in sync in time")
        .unwrap();
    assert_eq!(status.borrow().reads_bundles, Some(true));
    session.stop().await;
    // Nothing of what was pushed was sent again, up to the stream's end.
    let mut rest = Vec::new();
    tokio::time::timeout(DEADLINE, rd.read_to_end(&mut rest))
        .await
        .expect("the stream ends in time")
        .unwrap();
    let mut at = 0;
    while at + 4 <= rest.len() {
        let len = u32::from_be_bytes(rest[at..at + 4].try_into().unwrap()) as usize;
        let body = rest[at + 4..at + 4 + len].to_vec();
        at += 4 + len;
        if let Ok(Incoming::Sync(frame)) = parse_incoming(Version::V2, body) {
            let m = sync::Message::decode(&frame.payload).expect("a message");
            assert!(m.changes.is_empty(), "sent again: {:?}", chunk_types(&m));
        }
    }
    assert_eq!(at, rest.len(), "whole frames");
}

/// A session that pushed bundles on open to a peer whose capability exchange no longer
/// lists them (it runs an earlier release now) ends without blaming the peer, and says the
/// peer does not read them, so the next session waits for the exchange.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_on_open_to_a_peer_without_bundles_ends_the_session() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    members(&a, "Shared", 100).await;
    sync_pair(&a, &b).await;
    members(&b, "Apart", 40).await;
    let (mut playing, first) = b_opens(&a, &b, true).await;
    assert!(!first.changes.is_empty());
    playing.wr.write_all(&encode_hello(&[])).await.unwrap();
    let status = playing.session.status.clone();
    let err = playing.session.end().await.expect_err("the session ends");
    assert!(matches!(err, SyncError::BundlesGone), "{err}");
    assert!(!err.is_peer_fault());
    assert_eq!(status.borrow().reads_bundles, Some(false));
}

/// The next sync message a `/2` session writes to `rd`, decoded (other frames are skipped).
async fn next_sync_message(rd: &mut tokio::io::ReadHalf<DuplexStream>) -> sync::Message {
    let body = frame_of_kind(rd, Kind::Sync).await;
    match parse_incoming(Version::V2, body) {
        Ok(Incoming::Sync(frame)) => sync::Message::decode(&frame.payload).expect("a message"),
        other => panic!("expected a sync frame, got {other:?}"),
    }
}

/// The test playing A: A's document and sync state, B's session with A, and the stream's two
/// ends on the test's side.
struct PlayingA {
    doc: AutoCommit,
    state: sync::State,
    session: Session,
    rd: tokio::io::ReadHalf<DuplexStream>,
    wr: tokio::io::WriteHalf<DuplexStream>,
}

/// Starts B's session with A, the test playing A from A's saved document with a fresh sync
/// state, and sends B a Hello listing `caps`.
async fn play_a(a: &Node, b: &Node, caps: &[&str]) -> PlayingA {
    let mut playing = b_with(a, b, false).await;
    playing.wr.write_all(&encode_hello(caps)).await.unwrap();
    playing
}

/// Starts B's session with A (pushing on open if `push`), the test playing A from A's saved
/// document with a fresh sync state; A has sent nothing yet.
async fn b_with(a: &Node, b: &Node, push: bool) -> PlayingA {
    b_session(a, b, push, false).await
}

/// [`b_with`], the session naming its capability set if `short_hello`.
async fn b_session(a: &Node, b: &Node, push: bool, short_hello: bool) -> PlayingA {
    let doc = AutoCommit::load(&a.alive().await).unwrap();
    let (ours, theirs) = tokio::io::duplex(PIPE);
    let session = Session::start_with(ours, b, &a.peer, Version::V2, push, short_hello);
    let (rd, wr) = tokio::io::split(theirs);
    PlayingA {
        doc,
        state: sync::State::new(),
        session,
        rd,
        wr,
    }
}

/// The test plays A with `b`: starts B's session with A, answers it with a Hello listing
/// `caps`, and returns A's answer to B's first message, split in parts (at least two), with
/// its heads and the stream's two ends.
async fn a_split_answer(
    a: &Node,
    b: &Node,
    caps: &[&str],
) -> (
    Session,
    tokio::io::ReadHalf<DuplexStream>,
    tokio::io::WriteHalf<DuplexStream>,
    Vec<Vec<u8>>,
    Vec<ChangeHash>,
) {
    let PlayingA {
        mut doc,
        mut state,
        session,
        mut rd,
        wr,
    } = play_a(a, b, caps).await;
    let first = next_sync_message(&mut rd).await;
    doc.sync().receive_sync_message(&mut state, first).unwrap();
    let whole = doc
        .sync()
        .generate_sync_message(&mut state)
        .expect("A answers");
    let heads = whole.heads.clone();
    let parts = crate::split::split(&whole.encode(), crate::split::MAX_MESSAGE).expect("in parts");
    assert!(parts.len() >= 2, "{} parts", parts.len());
    (session, rd, wr, parts, heads)
}

/// The parts of a split message that are all there when the first is read go to the document
/// as one message: the receiver answers them once, with every change of them applied (part by
/// part, its first answer would lack the later parts' changes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parts_already_here_are_applied_as_one() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    members(&a, "Shared", 600).await;
    sync_pair(&a, &b).await;
    members(&a, "Apart", 250).await;
    let (session, mut rd, mut wr, parts, _) = a_split_answer(&a, &b, &[]).await;
    let mut all = Vec::new();
    for part in &parts {
        all.extend(encode_sync_frame(Version::V2, BUREAU, part).unwrap());
    }
    wr.write_all(&all).await.unwrap();
    let answer = next_sync_message(&mut rd).await;
    let mut theirs: Vec<String> = answer.heads.iter().map(ToString::to_string).collect();
    theirs.sort();
    assert_eq!(
        theirs,
        a.heads(),
        "B's first answer holds every part's changes"
    );
    assert_eq!(
        session.stats.received_messages.load(Ordering::Relaxed) as usize,
        parts.len()
    );
    session.stop().await;
    assert_eq!(b.heads(), a.heads());

    // A frame of another kind between two parts ends the join; it is read next, and the part
    // after it applies on its own.
    members(&a, "Later", 250).await;
    let (mut session, mut rd, mut wr, parts, all_heads) =
        a_split_answer(&a, &b, &[crate::CLOCK]).await;
    let mut all = encode_sync_frame(Version::V2, BUREAU, &parts[0]).unwrap();
    all.extend(encode_clock(1));
    for part in &parts[1..] {
        all.extend(encode_sync_frame(Version::V2, BUREAU, part).unwrap());
    }
    wr.write_all(&all).await.unwrap();
    let answer = next_sync_message(&mut rd).await;
    assert_ne!(
        answer.heads, all_heads,
        "the part before the clock went alone"
    );
    converge(&a, &b).await;
    tokio::time::timeout(
        DEADLINE,
        session.status.wait_for(|s| s.clock_offset_ms.is_some()),
    )
    .await
    .expect("the clock frame was read")
    .unwrap();
    session.stop().await;
}

/// A message split in parts: each part applies on its own, in order, and all of them leave the
/// receiver where the whole message would.
#[test]
fn a_message_split_in_parts_applies_part_by_part() {
    let mut a = AutoCommit::new();
    let list = a.put_object(ROOT, "notes", ObjType::Map).unwrap();
    for i in 0..120 {
        a.put(&list, format!("n{i}"), "x".repeat(20)).unwrap();
        a.commit();
    }
    let mut b = a.fork();
    for i in 0..30 {
        a.put(
            &list,
            format!("m{i}"),
            format!("{i} {}", "words ".repeat(60)),
        )
        .unwrap();
        a.commit();
    }
    let (mut sa, mut sb) = (sync::State::new(), sync::State::new());
    let first = b
        .sync()
        .generate_sync_message(&mut sb)
        .expect("B speaks first");
    a.sync().receive_sync_message(&mut sa, first).unwrap();
    let whole = a.sync().generate_sync_message(&mut sa).expect("A answers");
    let bytes = whole.clone().encode();
    let parts = crate::split::split(&bytes, 2_000).expect("split");
    assert!(
        parts.len() >= 4,
        "{} parts of {} bytes",
        parts.len(),
        bytes.len()
    );
    // Every part but the last says more follow (the history is one line, so only the last
    // change is a head); each continues the first, and joined they are the whole message.
    let decoded: Vec<sync::Message> = parts
        .iter()
        .map(|p| sync::Message::decode(p).unwrap())
        .collect();
    for (i, msg) in decoded.iter().enumerate() {
        let last = i + 1 == decoded.len();
        assert_eq!(crate::split::more_parts_follow(msg), !last, "part {i}");
        assert!(crate::split::continues(&decoded[0], msg), "part {i}");
    }
    assert!(!crate::split::more_parts_follow(&whole));
    let joined = decoded.iter().skip(1).fold(decoded[0].clone(), |m, more| {
        crate::split::join(m, more.clone())
    });
    let mut fresh = b.fork();
    let mut fresh_state = sb.clone();
    fresh
        .sync()
        .receive_sync_message(&mut fresh_state, joined)
        .unwrap();
    assert_eq!(fresh.get_heads(), a.get_heads());
    // A later message (other heads) or a reset does not continue a part.
    let mut reset = decoded[1].clone();
    reset.flags = Some({
        let mut f = MessageFlags::new();
        f.set(MessageFlags::SYNC_RESET);
        f
    });
    assert!(!crate::split::continues(&decoded[0], &reset));
    let mut later = decoded[1].clone();
    later.heads = b.get_heads();
    assert!(!crate::split::continues(&decoded[0], &later));
    let mut seen = b.get_heads();
    for (i, part) in parts.iter().enumerate() {
        assert!(part.len() < 2_000 + 600, "part {i}: {} bytes", part.len());
        let msg = sync::Message::decode(part).unwrap();
        assert_eq!(msg.heads, whole.heads);
        b.sync().receive_sync_message(&mut sb, msg).unwrap();
        let now = b.get_heads();
        assert_ne!(now, seen, "part {i} added nothing");
        seen = now;
    }
    assert_eq!(b.get_heads(), a.get_heads());
    // Small enough: not split.
    assert!(crate::split::split(&bytes, bytes.len()).is_none());
    // A whole document is one chunk: sent as it is.
    let doc = sync::Message {
        heads: a.get_heads(),
        need: Vec::new(),
        have: Vec::new(),
        changes: ChunkList::from(vec![a.save()]),
        flags: None,
        version: MessageVersion::V2,
    }
    .encode();
    assert!(crate::split::split(&doc, 100).is_none());
}

/// Frames deflated as one stream inflate back one by one; a bomb and garbage are refused
/// before they cost memory, without a panic.
#[test]
fn deflated_frames_round_trip_and_bombs_are_refused() {
    use crate::deflate::{Deflater, Inflater};
    let (mut z, mut un) = (Deflater::default(), Inflater::default());
    let frames: Vec<Vec<u8>> = (0..20)
        .map(|i| format!("frame {i}: {}", "the bureau's record ".repeat(i * 7)).into_bytes())
        .collect();
    let mut packed_total = 0;
    for f in &frames {
        let packed = z.deflate(f);
        packed_total += packed.len();
        assert_eq!(&un.inflate(&packed, MAX_FRAME).expect("inflates"), f);
    }
    let raw_total: usize = frames.iter().map(Vec::len).sum();
    assert!(
        packed_total * 4 < raw_total,
        "{packed_total} of {raw_total}"
    );

    let zeros = vec![0u8; 4 * 1024 * 1024];
    let bomb = Deflater::default().deflate(&zeros);
    match Inflater::default().inflate(&bomb, 1024 * 1024) {
        Err(SyncError::Malformed(m)) => assert!(m.contains("inflates past"), "{m}"),
        other => panic!("expected a refusal, got {:?}", other.map(|v| v.len())),
    }
    let mut rng = XorShift::new(7);
    for _ in 0..200 {
        let junk: Vec<u8> = (0..64).map(|_| rng.next() as u8).collect();
        let _ = Inflater::default().inflate(&junk, 1024 * 1024);
    }
    // Cut short: the first half of a frame.
    let packed = Deflater::default().deflate(&frames[19]);
    let half = Inflater::default().inflate(&packed[..packed.len() / 2], MAX_FRAME);
    assert!(half.map_or(true, |v| v != frames[19]));
}

/// With `peer-heads-delta/1` on both sides a board frame carries only the entries that changed
/// since the session's previous one (and none when nothing did), and the receiver keeps the
/// entries it was told before; a peer of the previous release, without it, gets whole lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn board_frames_carry_only_what_changed_where_both_sides_merge_them() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    let entry = |tag: char, at: i64| Heard {
        peer: peer_id(tag),
        heads: vec!["cd".repeat(32)],
        at,
    };
    let peers_in = |frame: Vec<u8>| match parse_incoming(Version::V2, frame) {
        Ok(Incoming::PeerHeads(h)) => h.into_iter().map(|h| (h.peer, h.at)).collect::<Vec<_>>(),
        other => panic!("not a board frame: {other:?}"),
    };
    for (caps, delta) in [
        (vec![crate::PEER_HEADS, crate::PEER_HEADS_DELTA], true),
        (vec![crate::PEER_HEADS], false),
    ] {
        let (board_tx, board_rx) = watch::channel(Arc::new(vec![entry('C', 100), entry('D', 100)]));
        let (ours, theirs) = tokio::io::duplex(PIPE);
        let (status_tx, mut status) = watch::channel(PeerSync::default());
        let cancel = CancellationToken::new();
        let config = SessionConfig {
            peer: b.peer.clone(),
            doc_id: BUREAU.to_owned(),
            cancel: cancel.clone(),
            version: Version::V2,
            board: Some(board_rx),
            presence: None,
            push_on_open: false,
            short_hello: false,
        };
        let stats = Arc::new(SessionStats::default());
        let task = tokio::spawn(run_session(ours, a.doc.clone(), config, stats, status_tx));
        let (mut rd, mut wr) = tokio::io::split(theirs);
        wr.write_all(&encode_hello(&caps)).await.unwrap();
        let first = peers_in(frame_of_kind(&mut rd, Kind::PeerHeads).await);
        assert_eq!(first, [(peer_id('C'), 100), (peer_id('D'), 100)]);
        board_tx
            .send(Arc::new(vec![entry('C', 100), entry('D', 200)]))
            .unwrap();
        let next = peers_in(frame_of_kind(&mut rd, Kind::PeerHeads).await);
        if delta {
            assert_eq!(next, [(peer_id('D'), 200)], "more than the change was told");
        } else {
            assert_eq!(next, [(peer_id('C'), 100), (peer_id('D'), 200)]);
        }
        // What this side is told: a list, then a frame with one entry.
        wr.write_all(&encode_peer_heads(&[entry('E', 5), entry('F', 5)]))
            .await
            .unwrap();
        wr.write_all(&encode_peer_heads(&[entry('F', 6)]))
            .await
            .unwrap();
        let want: Vec<(String, i64)> = if delta {
            vec![(peer_id('E'), 5), (peer_id('F'), 6)]
        } else {
            vec![(peer_id('F'), 6)]
        };
        let got = tokio::time::timeout(
            DEADLINE,
            status.wait_for(|s| s.heard.iter().any(|h| h.at == 6)),
        )
        .await
        .expect("the board is heard in time")
        .expect("status alive")
        .heard
        .iter()
        .map(|h| (h.peer.clone(), h.at))
        .collect::<Vec<_>>();
        assert_eq!(got, want);
        cancel.cancel();
        let _ = task.await;
    }
}

/// A short `Hello` names this release's capability set in eight bytes and reads back as its
/// names; a set this release does not know reads as no capability, and a parser of an
/// earlier release (which reads the list and skips what follows) sees an empty list.
#[test]
fn a_short_hello_names_a_capability_set() {
    let short = encode_short_hello(crate::OWN_SET);
    assert_eq!(short.len(), 8);
    let full = encode_hello(crate::CAPABILITIES);
    assert!(full.len() > 80, "{} bytes", full.len());
    let names = |caps: &[&str]| caps.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        parse_incoming(Version::V2, short[4..].to_vec()).unwrap(),
        Incoming::Hello(names(crate::CAPABILITIES))
    );
    assert_eq!(
        parse_incoming(Version::V2, encode_short_hello(200)[4..].to_vec()).unwrap(),
        Incoming::Hello(Vec::new())
    );
    assert_eq!(
        parse_incoming(Version::V2, encode_short_hello(0)[4..].to_vec()).unwrap(),
        Incoming::Hello(Vec::new())
    );
    assert!(crate::parse_hello_list(&short[5..]).unwrap().is_empty());
    // A list is its set whatever the order; one name more or less is no set.
    assert_eq!(crate::set_of(&names(crate::CAPABILITIES)), crate::OWN_SET);
    let mut reversed = names(crate::CAPABILITIES);
    reversed.reverse();
    assert_eq!(crate::set_of(&reversed), crate::OWN_SET);
    let mut more = names(crate::CAPABILITIES);
    more.push("sets/2".to_owned());
    assert_eq!(crate::set_of(&more), 0);
    assert_eq!(crate::set_of(&names(&crate::CAPABILITIES[1..])), 0);
    assert_eq!(crate::set_of(&names(&[crate::BUNDLE])), 0);
    // The set a first message relies on: it compresses, and the set says it reads short
    // `Hello`s.
    assert!(crate::CAPABILITIES.contains(&crate::DEFLATE));
    assert!(crate::CAPABILITIES.contains(&crate::SETS));
    assert_eq!(
        crate::CAPABILITY_SETS[usize::from(crate::OWN_SET) - 1],
        crate::CAPABILITIES
    );
}

/// Two sessions that both name their set instead of listing it sync as with full `Hello`s:
/// each side reads the other's capabilities from the set (bundles, short `Hello`s), each
/// side's exchange is the eight bytes of a short `Hello`, and its first message goes
/// compressed before the peer has said anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_with_short_hellos_use_every_capability_of_the_set() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    members(&a, "Shared", 40).await;
    sync_pair(&a, &b).await;
    members(&a, "Apart", 30).await;
    let (pa, pb) = tokio::io::duplex(PIPE);
    let mut sa = Session::start_with(pa, &a, &b.peer, Version::V2, true, true);
    let mut sb = Session::start_with(pb, &b, &a.peer, Version::V2, false, true);
    converge(&a, &b).await;
    sa.wait_in_sync().await;
    sb.wait_in_sync().await;
    for s in [&sa, &sb] {
        let st = s.status.borrow().clone();
        assert_eq!(st.reads_bundles, Some(true), "{st:?}");
        assert_eq!(st.caps_set, Some(crate::OWN_SET), "{st:?}");
        assert!(st.clock_offset_ms.is_some(), "{st:?}");
    }
    sa.stop().await;
    sb.end()
        .await
        .expect("the peer's end closes the session normally");

    // What B's session writes first: the short Hello, its clock, then its first sync
    // message, compressed, which inflates to a message with B's heads.
    let mut playing = b_session(&a, &b, false, true).await;
    let mut first = [0u8; 8];
    playing.rd.read_exact(&mut first).await.unwrap();
    assert_eq!(first.to_vec(), encode_short_hello(crate::OWN_SET));
    let mut clock = [0u8; 13];
    playing.rd.read_exact(&mut clock).await.unwrap();
    assert_eq!(clock[..5], [0, 0, 0, 9, Kind::Clock as u8]);
    let body = frame_of_kind_before(&mut playing.rd, Kind::SyncDeflated, Some(Kind::Sync))
        .await
        .expect("the first message goes compressed");
    let inflated = crate::deflate::Inflater::default()
        .inflate(&body[1..], MAX_FRAME)
        .unwrap();
    let frame = crate::parse_doc_frame(inflated).unwrap();
    assert_eq!(frame.doc_id, BUREAU);
    let m = sync::Message::decode(&frame.payload).unwrap();
    let heads = sorted(m.heads.iter().map(ToString::to_string).collect());
    assert_eq!(heads, b.heads());
    playing.session.stop().await;
}

/// A session that compressed its first message to a peer that read short `Hello`s before,
/// whose exchange now lacks compression (it runs an earlier release), ends without blaming
/// the peer and says the peer reads no short `Hello`s, so the next session lists its names
/// and waits for the exchange.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compressed_first_message_to_a_peer_without_deflate_ends_the_session() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    members(&a, "Shared", 20).await;
    sync_pair(&a, &b).await;
    let mut playing = b_session(&a, &b, false, true).await;
    frame_of_kind(&mut playing.rd, Kind::SyncDeflated).await;
    playing
        .wr
        .write_all(&encode_hello(&[crate::BUNDLE]))
        .await
        .unwrap();
    let status = playing.session.status.clone();
    let err = playing.session.end().await.expect_err("the session ends");
    assert!(matches!(err, SyncError::DeflateGone), "{err}");
    assert!(!err.is_peer_fault());
    assert_eq!(status.borrow().caps_set, Some(0));
}

/// A short `Hello` naming a set the node does not know (a peer that took it for a later
/// release) costs the session its capabilities, not the sync: the session goes on without
/// any and says the peer reads neither bundles nor short `Hello`s, so the next session lists
/// its names again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_hello_of_an_unknown_set_syncs_without_capabilities() {
    let (a, b, _) = founded_pair(Role::Editor).await;
    members(&a, "Shared", 20).await;
    sync_pair(&a, &b).await;
    members(&a, "Apart", 5).await;
    let want = a.heads();
    let PlayingA {
        mut doc,
        mut state,
        session,
        mut rd,
        mut wr,
    } = b_with(&a, &b, false).await;
    wr.write_all(&encode_short_hello(crate::OWN_SET + 1))
        .await
        .unwrap();
    let mut status = session.status.clone();
    // The test plays A: answers each of B's messages until B holds A's changes.
    tokio::time::timeout(DEADLINE, async {
        if let Some(m) = doc.sync().generate_sync_message(&mut state) {
            let frame = encode_sync_frame(Version::V2, BUREAU, &m.encode()).unwrap();
            wr.write_all(&frame).await.unwrap();
        }
        while b.heads() != want {
            let msg = next_sync_message(&mut rd).await;
            doc.sync().receive_sync_message(&mut state, msg).unwrap();
            if let Some(m) = doc.sync().generate_sync_message(&mut state) {
                let frame = encode_sync_frame(Version::V2, BUREAU, &m.encode()).unwrap();
                wr.write_all(&frame).await.unwrap();
            }
        }
    })
    .await
    .expect("B gets A's changes in time");
    tokio::time::timeout(DEADLINE, status.wait_for(|s| s.caps_set.is_some()))
        .await
        .expect("the exchange is read in time")
        .unwrap();
    let st = status.borrow().clone();
    assert_eq!(st.reads_bundles, Some(false), "{st:?}");
    assert_eq!(st.caps_set, Some(0), "{st:?}");
    session.stop().await;
}
