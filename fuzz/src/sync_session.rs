//! `sync_session`: a real sync session of a real document actor, fed the input as a member's
//! bytes over a `tokio::io::duplex`.
//!
//! The node founds a bureau and adds the fuzzing peer's device as an editor, so that what the
//! peer sends is applied. The input (see [`PeerInput`]) is written to the session, whose
//! output is read and dropped; then the peer closes its side. The session must end with `Ok`
//! or `Err`, never a panic, and the node must still answer: its state, then an edit. A node
//! serves [`INPUTS_PER_NODE`] inputs and is then replaced by a fresh one, so that what earlier
//! inputs left in its document (a revoked device, say) does not narrow later runs for long.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use bureau_doc::{DocConfig, DocError, DocHandle};
use bureau_model::{Applied, Edit, Fields, InitBureau, MemberFields, RecordType, Role};
use bureau_store::Store;
use bureau_sync::{PeerSync, SessionConfig, SessionStats, run_session};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::common::{BUREAU, PeerInput, peer, runtime, scratch_dir};

/// Inputs a node serves before a fresh one replaces it.
pub const INPUTS_PER_NODE: u64 = 500;

/// Upper bound for a session or an answer; generous for a loaded machine.
const DEADLINE: Duration = Duration::from_secs(60);

/// A document actor with a founded bureau.
struct Node {
    doc: DocHandle,
    thread: JoinHandle<()>,
    /// The member whose name the liveness edit changes.
    member: String,
    served: u64,
    _dir: tempfile::TempDir,
}

impl Node {
    async fn open() -> Node {
        let dir = scratch_dir();
        let store = Store::open(dir.path()).expect("open the store");
        let (doc, thread) = DocHandle::open(store, DocConfig::new(peer('A')))
            .await
            .expect("open the actor");
        doc.edit(Edit::Init(InitBureau {
            bureau_id: BUREAU.to_owned(),
            title: "Fuzz bureau".to_owned(),
            timezone: "Europe/Zurich".to_owned(),
            founder_id: "founder".to_owned(),
            founder_name: "Ada Founder".to_owned(),
            device: Some((peer('A'), "laptop".to_owned())),
        }))
        .await
        .expect("found the bureau");
        let member = match doc
            .edit(Edit::Create(Fields::Member(MemberFields {
                name: Some("Bea".to_owned()),
                ..MemberFields::default()
            })))
            .await
            .expect("create a member")
        {
            Applied::Record(RecordType::Member, id) => id,
            other => panic!("unexpected result {other:?}"),
        };
        doc.edit(Edit::AddDevice {
            peer_id: peer('B'),
            member_id: member.clone(),
            name: "phone".to_owned(),
            role: Role::Editor,
        })
        .await
        .expect("add the peer's device");
        Node {
            doc,
            thread,
            member,
            served: 0,
            _dir: dir,
        }
    }

    fn close(self) {
        let Node { doc, thread, .. } = self;
        drop(doc);
        thread.join().expect("the actor thread ends cleanly");
    }
}

/// The node of this process, replaced every [`INPUTS_PER_NODE`] inputs.
static NODE: Mutex<Option<Node>> = Mutex::new(None);

/// One input.
pub fn run(data: &[u8]) {
    crate::setup();
    let Some(input) = PeerInput::decode(data) else {
        return;
    };
    let wire = input.wire();
    let mut slot = NODE.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        if slot.as_ref().is_some_and(|n| n.served >= INPUTS_PER_NODE)
            && let Some(old) = slot.take()
        {
            old.close();
        }
        if slot.is_none() {
            *slot = Some(Node::open().await);
        }
        let node = slot.as_mut().expect("a node");
        node.served += 1;
        session(node, input.version, &wire).await;
        alive(node).await;
    });
}

/// Runs one session with `wire` as everything the peer sends.
async fn session(node: &Node, version: bureau_sync::Version, wire: &[u8]) {
    let (ours, theirs) = tokio::io::duplex(1 << 20);
    let (status_tx, _status) = watch::channel(PeerSync::default());
    let config = SessionConfig {
        peer: peer('B'),
        doc_id: BUREAU.to_owned(),
        cancel: CancellationToken::new(),
        version,
        board: None,
        presence: None,
        // Half the inputs as a session that pushes on open: a Hello without bundles then
        // ends it (the input decides, so a crash replays).
        push_on_open: wire.len() % 2 == 1,
        short_hello: wire.len() % 3 == 1,
    };
    let task = tokio::spawn(run_session(
        ours,
        node.doc.clone(),
        config,
        Arc::new(SessionStats::default()),
        status_tx,
    ));
    let (mut rd, mut wr) = tokio::io::split(theirs);
    let write = async {
        let _ = wr.write_all(wire).await;
        let _ = wr.shutdown().await;
    };
    let drain = async {
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n) = rd.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    };
    let ended = async {
        tokio::time::timeout(DEADLINE, task)
            .await
            .expect("the session ends in time")
            .expect("the session's task did not panic")
    };
    let ((), (), res) = tokio::join!(write, drain, ended);
    // Ok or an error about the peer's bytes: either is fine; what matters is that it ended.
    let _ = res;
}

/// The node still answers: its published state, then an edit.
async fn alive(node: &Node) {
    let _ = node.doc.state();
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let edit = Edit::Update {
        id: node.member.clone(),
        fields: Fields::Member(MemberFields {
            name: Some(format!("Bea {n}")),
            ..MemberFields::default()
        }),
    };
    let res = tokio::time::timeout(DEADLINE, node.doc.edit(edit))
        .await
        .expect("the actor answers an edit in time");
    // The peer may have archived or changed the member; only a closed actor is a failure.
    assert!(
        !matches!(res, Err(DocError::Closed)),
        "the document actor stopped: {res:?}"
    );
}
