//! Tests of the document actor over a real store in a temporary directory.

use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

use bureau_model::testing::{self, peer_id as peer};
use bureau_model::{
    Applied, Edit, EditError, Fields, InitBureau, MeetingFields, MemberFields, RecordType,
};
use bureau_store::Store;

use crate::{DocConfig, DocError, DocHandle};

/// Upper bound for anything a test waits on; generous for a loaded CI machine.
const DEADLINE: Duration = Duration::from_secs(20);

const FOUNDER: &str = testing::FOUNDER_ID;

async fn open_with(dir: &Path, config: DocConfig) -> (DocHandle, JoinHandle<()>) {
    let store = Store::open(dir).expect("open store");
    DocHandle::open(store, config).await.expect("open actor")
}

async fn open(dir: &Path) -> (DocHandle, JoinHandle<()>) {
    open_with(dir, DocConfig::new(peer('A'))).await
}

/// Drops the handle and waits for the actor thread, so the store's lock is released.
async fn close(doc: DocHandle, thread: JoinHandle<()>) {
    drop(doc);
    tokio::time::timeout(DEADLINE, tokio::task::spawn_blocking(move || thread.join()))
        .await
        .expect("the actor thread ends once every handle is gone")
        .expect("join task")
        .expect("the actor thread did not panic");
}

/// The test bureau's founding, with `device` as the founder's device (or none).
fn init_edit(device: Option<(String, String)>) -> Edit {
    Edit::Init(InitBureau {
        device,
        ..testing::founding(&peer('A'))
    })
}

async fn init(doc: &DocHandle) {
    let applied = doc
        .edit(init_edit(Some((peer('A'), "laptop".to_owned()))))
        .await
        .expect("init");
    assert_eq!(applied, Applied::Bureau);
}

fn member(name: &str) -> Edit {
    Edit::Create(Fields::Member(MemberFields {
        name: Some(name.to_owned()),
        ..MemberFields::default()
    }))
}

/// Creates member `name` with an editor device `peer(tag)`; returns the member's id.
async fn add_editor(doc: &DocHandle, tag: char, name: &str) -> String {
    let member = create_member(doc, name).await;
    doc.edit(Edit::AddDevice {
        peer_id: peer(tag),
        member_id: member.clone(),
        name: "laptop".to_owned(),
        role: bureau_model::Role::Editor,
    })
    .await
    .expect("add device");
    member
}

async fn create_member(doc: &DocHandle, name: &str) -> String {
    match doc.edit(member(name)).await.expect("create member") {
        Applied::Record(RecordType::Member, id) => id,
        other => panic!("unexpected result {other:?}"),
    }
}

/// Names of the files in `dir/doc` starting with `prefix`.
/// Names of the files in `doc/` starting with `prefix`; for `"chunk-"`, the names of the
/// chunks, whether log entries or files.
fn doc_files(dir: &Path, prefix: &str) -> Vec<String> {
    if prefix == "chunk-" {
        return bureau_store::chunk_names(dir).expect("list chunks");
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.join("doc"))
        .expect("read doc dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn init_then_create_records() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    assert!(doc.state().snapshot.meta.bureau_id.is_empty());
    assert_eq!(doc.state().author, None);

    init(&doc).await;
    let st = doc.state();
    assert_eq!(st.snapshot.meta.bureau_id, "b0b0b0b0");
    assert_eq!(st.snapshot.meta.title, "Test bureau");
    assert_eq!(st.author.as_deref(), Some(FOUNDER));
    assert_eq!(st.peer_id, peer('A'));
    assert!(st.snapshot.members.contains_key(FOUNDER));
    assert!(st.snapshot.devices.contains_key(&peer('A')));
    assert_eq!(st.heads.len(), 1);

    let id = create_member(&doc, "Grace").await;
    let meeting = doc
        .edit(Edit::Create(Fields::Meeting(MeetingFields {
            title: Some("Bureau call".to_owned()),
            start: Some("2025-11-16T09:00:00+01:00".to_owned()),
            end: Some("2025-11-16T10:00:00+01:00".to_owned()),
            members: Some(vec![id.clone()]),
            ..MeetingFields::default()
        })))
        .await
        .expect("create meeting");
    let Applied::Record(RecordType::Meeting, mid) = meeting else {
        panic!("unexpected result {meeting:?}");
    };
    let st = doc.state();
    assert_eq!(st.snapshot.members[&id].name, "Grace");
    assert_eq!(st.snapshot.members[&id].stamp.updated_by, FOUNDER);
    assert_eq!(st.snapshot.meetings[&mid].title, "Bureau call");
    assert_eq!(st.snapshot.meetings[&mid].members, vec![id]);

    // A second init is refused.
    let err = doc.edit(init_edit(None)).await.unwrap_err();
    assert!(
        matches!(err, DocError::Edit(EditError::AlreadyInitialised)),
        "{err:?}"
    );
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn acknowledged_edit_is_visible_immediately() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    for i in 0..10 {
        let before = doc.state().version;
        let name = format!("Member {i}");
        let id = create_member(&doc, &name).await;
        // No waiting: the state was published before the reply was sent.
        let st = doc.state();
        assert!(st.version > before, "version did not move");
        assert_eq!(
            st.snapshot.members.get(&id).map(|m| m.name.as_str()),
            Some(name.as_str()),
            "edit {i} not visible right after its acknowledgement"
        );
        let renamed = format!("Renamed {i}");
        doc.edit(Edit::Update {
            id: id.clone(),
            fields: Fields::Member(MemberFields {
                name: Some(renamed.clone()),
                ..MemberFields::default()
            }),
        })
        .await
        .expect("update");
        assert_eq!(doc.state().snapshot.members[&id].name, renamed);
    }
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn many_concurrent_edits_all_land() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let doc = doc.clone();
            tokio::spawn(async move {
                let name = format!("Concurrent {i}");
                let id = create_member(&doc, &name).await;
                // Read-your-writes holds for each writer even in a shared batch.
                assert_eq!(
                    doc.state()
                        .snapshot
                        .members
                        .get(&id)
                        .map(|m| m.name.clone()),
                    Some(name.clone())
                );
                (id, name)
            })
        })
        .collect();
    let mut created = Vec::new();
    for t in tasks {
        created.push(
            tokio::time::timeout(DEADLINE, t)
                .await
                .expect("edit within deadline")
                .expect("task"),
        );
    }
    let ids: std::collections::BTreeSet<&String> = created.iter().map(|(id, _)| id).collect();
    assert_eq!(ids.len(), 50, "ids must be distinct");
    let st = doc.state();
    assert_eq!(st.snapshot.members.len(), 51, "50 members plus the founder");
    for (id, name) in &created {
        assert_eq!(&st.snapshot.members[id].name, name);
    }
    close(doc, thread).await;

    // Durable too.
    let (doc, thread) = open(tmp.path()).await;
    let st = doc.state();
    assert_eq!(st.snapshot.members.len(), 51);
    for (id, name) in &created {
        assert_eq!(&st.snapshot.members[id].name, name);
    }
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn reopening_shows_every_record() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push((create_member(&doc, &format!("Durable {i}")).await, i));
    }
    doc.edit(Edit::Archive {
        ty: RecordType::Member,
        id: ids[0].0.clone(),
    })
    .await
    .expect("archive");
    let heads = doc.state().heads.clone();
    close(doc, thread).await;

    let (doc, thread) = open(tmp.path()).await;
    let st = doc.state();
    assert_eq!(st.heads, heads);
    assert_eq!(st.snapshot.meta.bureau_id, "b0b0b0b0");
    assert_eq!(
        st.author.as_deref(),
        Some(FOUNDER),
        "author adopted from device"
    );
    for (id, i) in &ids {
        assert_eq!(st.snapshot.members[id].name, format!("Durable {i}"));
    }
    assert!(st.snapshot.members[&ids[0].0].stamp.archived);
    assert!(st.quarantined.is_empty());
    // The reopened node can keep editing.
    let id = create_member(&doc, "After restart").await;
    assert!(doc.state().snapshot.members.contains_key(&id));
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_edits_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    let id = create_member(&doc, "Existing").await;
    let before = doc.state();
    let chunks_before = doc_files(tmp.path(), "chunk-");

    let err = doc.edit(member("   ")).await.unwrap_err();
    assert!(
        matches!(&err, DocError::Edit(EditError::Invalid { field, .. }) if field == "name"),
        "{err:?}"
    );
    let err = doc
        .edit(Edit::Update {
            id: id.clone(),
            fields: Fields::Member(MemberFields {
                email: Some("not an address".to_owned()),
                ..MemberFields::default()
            }),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DocError::Edit(EditError::Invalid { field, .. }) if field == "email"),
        "{err:?}"
    );
    let err = doc
        .edit(Edit::Update {
            id: "nope".to_owned(),
            fields: Fields::Member(MemberFields::default()),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, DocError::Edit(EditError::NotFound { .. })),
        "{err:?}"
    );
    let err = doc
        .edit(Edit::Create(Fields::Meeting(MeetingFields {
            title: Some("Backwards".to_owned()),
            start: Some("2025-11-16T10:00:00+01:00".to_owned()),
            end: Some("2025-11-16T09:00:00+01:00".to_owned()),
            ..MeetingFields::default()
        })))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DocError::Edit(EditError::Invalid { field, .. }) if field == "end"),
        "{err:?}"
    );

    let after = doc.state();
    assert_eq!(after.heads, before.heads);
    assert_eq!(after.version, before.version, "nothing was published");
    assert_eq!(after.snapshot.members.len(), before.snapshot.members.len());
    assert_eq!(after.snapshot.members[&id].email, "");
    assert_eq!(
        doc_files(tmp.path(), "chunk-"),
        chunks_before,
        "nothing written"
    );
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn edit_before_any_bureau_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    let err = doc.edit(member("Too early")).await.unwrap_err();
    assert!(
        matches!(err, DocError::Edit(EditError::NoBureau)),
        "{err:?}"
    );
    assert!(doc.state().heads.is_empty());
    assert!(doc_files(tmp.path(), "chunk-").is_empty());
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn node_outside_the_devices_is_not_a_member() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    // The bureau is founded with another device's peer id: this node may not edit.
    doc.edit(init_edit(Some((peer('B'), "other laptop".to_owned()))))
        .await
        .expect("init");
    let heads = doc.state().heads.clone();
    let err = doc.edit(member("Intruder")).await.unwrap_err();
    assert!(matches!(err, DocError::NotMember), "{err:?}");
    assert_eq!(doc.state().heads, heads);
    close(doc, thread).await;

    // Also after a restart, and also without any device at all.
    let (doc, thread) = open(tmp.path()).await;
    let err = doc.edit(member("Intruder")).await.unwrap_err();
    assert!(matches!(err, DocError::NotMember), "{err:?}");
    close(doc, thread).await;

    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    doc.edit(init_edit(None)).await.expect("init");
    let err = doc.edit(member("Nobody")).await.unwrap_err();
    assert!(matches!(err, DocError::NotMember), "{err:?}");
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribe_wakes_after_an_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    let mut rx = doc.subscribe();
    let seen = rx.borrow_and_update().version;

    let writer = {
        let doc = doc.clone();
        tokio::spawn(async move { create_member(&doc, "Wake up").await })
    };
    // Woken (possibly more than once) until a state holding the edit arrives.
    let st = tokio::time::timeout(DEADLINE, async {
        loop {
            rx.changed().await.expect("actor alive");
            let st = rx.borrow_and_update().clone();
            if st.snapshot.members.values().any(|m| m.name == "Wake up") {
                return st;
            }
        }
    })
    .await
    .expect("woken with the edit before the deadline");
    assert!(st.version > seen);
    let id = writer.await.expect("writer");
    assert!(st.snapshot.members.contains_key(&id));
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn compaction_replaces_chunks_by_a_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let config = DocConfig {
        compact_chunks: 5,
        ..DocConfig::new(peer('A'))
    };
    let (doc, thread) = open_with(tmp.path(), config.clone()).await;
    init(&doc).await;
    let mut ids = Vec::new();
    for i in 0..20 {
        // Sequential, so every edit is its own batch and its own chunk.
        ids.push(create_member(&doc, &format!("Compact {i}")).await);
    }
    let heads = doc.state().heads.clone();
    // Compactions run in the background and are committed when they end; the last one
    // may still be in flight.
    poll_until("a compaction left fewer than 5 chunks", || {
        doc_files(tmp.path(), "chunk-").len() < 5 && !doc_files(tmp.path(), "snapshot-").is_empty()
    })
    .await;
    close(doc, thread).await;

    let chunks = doc_files(tmp.path(), "chunk-");
    let snapshots = doc_files(tmp.path(), "snapshot-");
    assert!(
        chunks.len() < 5,
        "21 chunks were written; compaction should have left fewer than 5, found {chunks:?}"
    );
    assert!(!snapshots.is_empty(), "no snapshot written");
    assert!(
        snapshots.len() <= 2,
        "at most two generations kept: {snapshots:?}"
    );

    let (doc, thread) = open_with(tmp.path(), config).await;
    let st = doc.state();
    assert_eq!(st.heads, heads);
    assert_eq!(st.snapshot.members.len(), 21);
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(st.snapshot.members[id].name, format!("Compact {i}"));
    }
    assert!(st.quarantined.is_empty());
    // Writing after a compaction and a restart still works and survives another restart.
    let id = create_member(&doc, "After compaction").await;
    let heads = doc.state().heads.clone();
    close(doc, thread).await;
    let (doc, thread) = open(tmp.path()).await;
    assert_eq!(doc.state().heads, heads);
    assert!(doc.state().snapshot.members.contains_key(&id));
    close(doc, thread).await;
}

/// The state once the document has loaded (a saved view may be shown until then).
async fn loaded(doc: &DocHandle) -> std::sync::Arc<crate::DocState> {
    let mut states = doc.subscribe();
    tokio::time::timeout(DEADLINE, states.wait_for(|st| !st.loading))
        .await
        .expect("the document loaded in time")
        .expect("the actor runs")
        .clone()
}

/// Polls `done` until it holds; fails the test after [`DEADLINE`].
async fn poll_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + DEADLINE;
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A configuration compacting at 5 chunks whose compactions wait at the returned gate (after
/// saving the document, before writing the snapshot) until it is opened.
fn gated_config() -> (DocConfig, std::sync::Arc<crate::compaction::Gate>) {
    let gate = std::sync::Arc::new(crate::compaction::Gate::default());
    let config = DocConfig {
        compact_chunks: 5,
        compaction_gate: Some(gate.clone()),
        ..DocConfig::new(peer('A'))
    };
    (config, gate)
}

/// Waits (off the executor) until a compaction is held at `gate`.
async fn wait_reached(gate: &std::sync::Arc<crate::compaction::Gate>) {
    let gate = gate.clone();
    let reached = tokio::task::spawn_blocking(move || gate.wait_reached(DEADLINE))
        .await
        .expect("join");
    assert!(reached, "no compaction started");
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_are_served_while_a_compaction_is_in_flight() {
    let tmp = tempfile::tempdir().unwrap();
    let (config, gate) = gated_config();
    let (doc, thread) = open_with(tmp.path(), config).await;
    init(&doc).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(create_member(&doc, &format!("Before {i}")).await);
    }
    // Five chunks: a compaction started, and is now held in the middle of its work.
    wait_reached(&gate).await;
    let covered = doc_files(tmp.path(), "chunk-");
    assert_eq!(covered.len(), 5);

    // The actor keeps acknowledging edits (each durable in its own chunk) meanwhile.
    for i in 0..3 {
        ids.push(create_member(&doc, &format!("During {i}")).await);
    }
    let during: Vec<String> = doc_files(tmp.path(), "chunk-")
        .into_iter()
        .filter(|n| !covered.contains(n))
        .collect();
    assert_eq!(during.len(), 3);
    assert!(doc_files(tmp.path(), "snapshot-").is_empty());
    let st = doc.state();
    assert_eq!(st.snapshot.members.len(), 8);

    // Let it finish: the actor commits it; the chunks written meanwhile are kept (and are
    // below the threshold, so no second compaction starts).
    gate.open();
    poll_until("the compaction was committed", || {
        doc_files(tmp.path(), "chunk-") == during
    })
    .await;
    assert_eq!(doc_files(tmp.path(), "snapshot-").len(), 1);
    let heads = doc.state().heads.clone();
    close(doc, thread).await;

    let (doc, thread) = open(tmp.path()).await;
    let st = doc.state();
    assert_eq!(st.heads, heads);
    assert!(st.quarantined.is_empty());
    assert_eq!(st.snapshot.members.len(), 8);
    for id in &ids {
        assert!(st.snapshot.members.contains_key(id));
    }
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stopping_during_a_compaction_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (config, gate) = gated_config();
    let (doc, thread) = open_with(tmp.path(), config).await;
    init(&doc).await;
    for i in 0..4 {
        create_member(&doc, &format!("Before {i}")).await;
    }
    wait_reached(&gate).await;
    let id = create_member(&doc, "During").await;
    let heads = doc.state().heads.clone();
    // The gate is never opened: stopping cancels the compaction, and the actor thread ends
    // only after the compaction's thread did, releasing the lock.
    close(doc, thread).await;
    assert!(doc_files(tmp.path(), "snapshot-").is_empty());
    assert!(
        doc_files(tmp.path(), ".").is_empty(),
        "a temp file was left behind"
    );
    assert_eq!(doc_files(tmp.path(), "chunk-").len(), 6);

    let (doc, thread) = open(tmp.path()).await;
    let st = doc.state();
    assert_eq!(st.heads, heads);
    assert!(st.quarantined.is_empty());
    assert!(st.snapshot.members.contains_key(&id));
    assert_eq!(st.snapshot.members.len(), 6);
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_written_but_never_committed_loads_fine() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    for i in 0..3 {
        create_member(&doc, &format!("Member {i}")).await;
    }
    let heads = doc.state().heads.clone();
    close(doc, thread).await;

    // What a crash between the compaction's rename and the actor's commit leaves: a
    // verified new snapshot next to every chunk it was built from.
    {
        let mut store = Store::open(tmp.path()).expect("open store");
        let loaded = store.load().expect("load");
        let mut whole = bureau_model::automerge::Automerge::new();
        for file in &loaded.chunks {
            whole.load_incremental(&file.bytes).expect("chunk loads");
        }
        // A fresh directory numbers its chunks from 1.
        let last_seq = loaded.chunks.len() as u64;
        let job = store.begin_compaction(last_seq).expect("begin");
        let verified = job.write_snapshot(&whole.save(), |_| true).expect("write");
        drop(verified);
    }
    assert_eq!(doc_files(tmp.path(), "snapshot-").len(), 1);
    assert_eq!(doc_files(tmp.path(), "chunk-").len(), 4);

    let config = DocConfig {
        compact_chunks: 5,
        ..DocConfig::new(peer('A'))
    };
    let (doc, thread) = open_with(tmp.path(), config).await;
    let st = doc.state();
    assert_eq!(st.heads, heads);
    assert!(st.quarantined.is_empty());
    assert_eq!(st.snapshot.members.len(), 4);
    // The next compaction builds on it and removes the chunks as usual.
    let id = create_member(&doc, "After").await;
    poll_until("the next compaction was committed", || {
        doc_files(tmp.path(), "chunk-").is_empty()
    })
    .await;
    let heads = doc.state().heads.clone();
    close(doc, thread).await;
    let (doc, thread) = open(tmp.path()).await;
    assert_eq!(doc.state().heads, heads);
    assert!(doc.state().snapshot.members.contains_key(&id));
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_payload_is_quarantined_and_the_rest_survives() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    let a = create_member(&doc, "Survivor A").await;
    let b = create_member(&doc, "Survivor B").await;
    let heads = doc.state().heads.clone();
    close(doc, thread).await;

    // A chunk whose store framing (magic, kind, length, CRC) is valid but whose payload is
    // not automerge: the store accepts it, automerge must not.
    let bad_seq = {
        let mut store = Store::open(tmp.path()).expect("open store");
        store.load().expect("load");
        store
            .append(b"this is certainly not an automerge change chunk")
            .expect("append")
    };
    let bad_name = format!("chunk-{bad_seq:016x}.bin");
    assert!(doc_files(tmp.path(), "chunk-").contains(&bad_name));

    let (doc, thread) = open(tmp.path()).await;
    // The saved view (of the files before the bad entry) may be shown while they load.
    let st = loaded(&doc).await;
    assert!(
        st.quarantined.iter().any(|q| q.starts_with(&bad_name)),
        "quarantined: {:?}",
        st.quarantined
    );
    assert!(!doc_files(tmp.path(), "chunk-").contains(&bad_name));
    assert!(tmp.path().join("quarantine").join(&bad_name).exists());
    assert_eq!(st.heads, heads);
    assert_eq!(st.snapshot.members[&a].name, "Survivor A");
    assert_eq!(st.snapshot.members[&b].name, "Survivor B");
    // The node keeps working, and the report survives a restart.
    let c = create_member(&doc, "Survivor C").await;
    close(doc, thread).await;
    let (doc, thread) = open(tmp.path()).await;
    let st = doc.state();
    assert!(st.quarantined.iter().any(|q| q.starts_with(&bad_name)));
    assert!(st.snapshot.members.contains_key(&c));
    assert!(st.snapshot.members.contains_key(&a));
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn valid_changes_followed_by_garbage_are_quarantined() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    let a = create_member(&doc, "Kept").await;
    let heads = doc.state().heads.clone();
    close(doc, thread).await;

    // The last chunk's automerge bytes with junk after them, stored with valid framing:
    // automerge's incremental load would take the valid prefix and silently drop the rest.
    let bad_seq = {
        let mut store = Store::open(tmp.path()).expect("open store");
        let loaded = store.load().expect("load");
        let mut bytes = loaded.chunks.last().expect("a chunk").bytes.clone();
        bytes.extend_from_slice(b"trailing junk that is no automerge chunk");
        store.append(&bytes).expect("append")
    };
    let bad_name = format!("chunk-{bad_seq:016x}.bin");

    let (doc, thread) = open(tmp.path()).await;
    // The saved view (of the files before the bad entry) may be shown while they load.
    let st = loaded(&doc).await;
    assert!(
        st.quarantined.iter().any(|q| q.starts_with(&bad_name)),
        "quarantined: {:?}",
        st.quarantined
    );
    assert_eq!(st.heads, heads);
    assert_eq!(st.snapshot.members[&a].name, "Kept");
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_as_the_only_file_is_quarantined() {
    let tmp = tempfile::tempdir().unwrap();
    {
        let mut store = Store::open(tmp.path()).expect("open store");
        store.load().expect("load");
        store
            .append(&[0x85, 0x6f, 0x4a, 0x83, 1, 2, 3])
            .expect("append");
    }
    let (doc, thread) = open(tmp.path()).await;
    let st = doc.state();
    assert_eq!(st.quarantined.len(), 1, "{:?}", st.quarantined);
    assert!(st.heads.is_empty());
    // The node can still found a bureau.
    init(&doc).await;
    create_member(&doc, "Fresh").await;
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_record_is_read_at_the_heads_a_form_was_shown_at() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    let id = create_member(&doc, "As shown").await;
    let shown: Vec<bureau_model::automerge::ChangeHash> = doc
        .state()
        .heads
        .iter()
        .map(|h| h.parse().expect("hex heads"))
        .collect();
    doc.edit(Edit::Update {
        id: id.clone(),
        fields: Fields::Member(MemberFields {
            name: Some("Renamed since".to_owned()),
            ..MemberFields::default()
        }),
    })
    .await
    .expect("update");
    let then = doc
        .record_at(RecordType::Member, id.clone(), shown)
        .await
        .expect("the reader answers")
        .expect("the heads are known");
    assert_eq!(then.members[&id].name, "As shown");
    let unknown = vec![bureau_model::automerge::ChangeHash([9; 32])];
    let none = doc.record_at(RecordType::Member, id, unknown).await;
    assert!(matches!(none, Ok(None)), "{none:?}");
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn history_lists_changes_with_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    let id = create_member(&doc, "Historic").await;
    doc.edit(Edit::Update {
        id: id.clone(),
        fields: Fields::Member(MemberFields {
            email: Some("historic@example.org".to_owned()),
            ..MemberFields::default()
        }),
    })
    .await
    .expect("update");

    let entries = doc
        .history(RecordType::Member, id.clone())
        .await
        .expect("history")
        .expect("the record exists");
    assert_eq!(entries.len(), 2, "{entries:#?}");
    assert!(
        entries[0].fields.iter().any(|f| f.field == "name"),
        "{entries:#?}"
    );
    assert_eq!(entries[0].message, format!("create member {id}"));
    assert!(
        entries[1].fields.iter().any(|f| f.field == "email"),
        "{entries:#?}"
    );
    assert!(
        !entries[1].fields.iter().any(|f| f.field == "name"),
        "{entries:#?}"
    );
    assert_eq!(entries[1].message, format!("update member {id}"));
    for e in &entries {
        assert_eq!(e.author, FOUNDER);
        assert!(!e.at.is_empty());
        assert_eq!(e.change.len(), 64, "a change hash in hex");
    }

    let missing = doc
        .history(RecordType::Member, "missing".to_owned())
        .await
        .expect("history");
    assert!(missing.is_none());
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn save_returns_a_loadable_document() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    create_member(&doc, "Saved").await;
    let bytes = doc.save().await.expect("save");
    let mut loaded = bureau_model::automerge::AutoCommit::load(&bytes).expect("load");
    let heads: Vec<String> = loaded.get_heads().iter().map(|h| h.to_string()).collect();
    assert_eq!(heads, doc.state().heads);
    close(doc, thread).await;
}

/// A record's history as a full read of the saved document computes it.
async fn history_from_scratch(doc: &DocHandle, id: &str) -> Vec<bureau_model::HistoryEntry> {
    let bytes = doc.save().await.expect("save");
    let mut loaded = bureau_model::automerge::AutoCommit::load(&bytes).expect("load");
    let changes = loaded.get_changes(&[]);
    bureau_model::history(&loaded, &changes, RecordType::Member, id).expect("the record exists")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_history_in_progress_does_not_hold_up_edits() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    let id = create_member(&doc, "Historic").await;
    // The reader thread is kept busy; on the document's thread this request would block
    // every command behind it.
    let (release, held) = std::sync::mpsc::channel::<()>();
    doc.tx
        .send(crate::DocCommand::HoldReader(held))
        .await
        .expect("actor");
    let reading = {
        let doc = doc.clone();
        let id = id.clone();
        tokio::spawn(async move { doc.history(RecordType::Member, id).await })
    };
    // Edits and their acknowledgements go on while the history waits.
    for n in 0..3 {
        tokio::time::timeout(DEADLINE, create_member(&doc, &format!("During {n}")))
            .await
            .expect("an edit is acknowledged while a history is being read");
    }
    assert!(
        !reading.is_finished(),
        "the history waits for the held reader"
    );
    release.send(()).expect("reader");
    let entries = tokio::time::timeout(DEADLINE, reading)
        .await
        .expect("the history arrives once the reader is free")
        .expect("task")
        .expect("history")
        .expect("the record exists");
    assert_eq!(entries.len(), 1, "{entries:#?}");
    assert_eq!(entries[0].message, format!("create member {id}"));
    close(doc, thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cached_history_takes_in_later_changes_from_this_node_and_peers() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, ta) = open(tmp.path()).await;
    init(&a).await;
    let id = create_member(&a, "Cached").await;
    let first = a
        .history(RecordType::Member, id.clone())
        .await
        .expect("history")
        .expect("exists");
    assert_eq!(first, history_from_scratch(&a, &id).await);

    // A second node edits the same record; its change arrives by sync, with an author the
    // cached history has never seen.
    let other = add_editor(&a, 'B', "Bea Other").await;
    let tmp_b = tempfile::tempdir().unwrap();
    let (b, tb) = open_with(tmp_b.path(), DocConfig::new(peer('B'))).await;
    sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;
    update(
        &b,
        &id,
        Fields::Member(MemberFields {
            email: Some("cached@example.org".to_owned()),
            ..MemberFields::default()
        }),
    )
    .await;
    sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;
    update(
        &a,
        &id,
        Fields::Member(MemberFields {
            name: Some("Cached Again".to_owned()),
            ..MemberFields::default()
        }),
    )
    .await;

    let later = a
        .history(RecordType::Member, id.clone())
        .await
        .expect("history")
        .expect("exists");
    assert_eq!(later, history_from_scratch(&a, &id).await);
    assert_eq!(later.len(), 3, "{later:#?}");
    assert_eq!(later[1].author, other, "the peer's change is its author's");
    assert_eq!(later[2].author, FOUNDER);
    // Asked again with nothing new: the same answer.
    let again = a
        .history(RecordType::Member, id.clone())
        .await
        .expect("history")
        .expect("exists");
    assert_eq!(again, later);

    // The copy dropped (as when idle) is made again on the next read.
    a.tx.send(crate::DocCommand::DropReader)
        .await
        .expect("actor");
    update(
        &a,
        &id,
        Fields::Member(MemberFields {
            email: Some("after@example.org".to_owned()),
            ..MemberFields::default()
        }),
    )
    .await;
    let after = a
        .history(RecordType::Member, id.clone())
        .await
        .expect("history")
        .expect("exists");
    assert_eq!(after.len(), 4, "{after:#?}");
    assert_eq!(after, history_from_scratch(&a, &id).await);
    close(a, ta).await;
    close(b, tb).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_releases_the_lock_and_ends_subscriptions() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    let mut rx = doc.subscribe();
    rx.borrow_and_update();
    close(doc, thread).await;
    // The store's lock is free again once the thread was joined.
    let store = Store::open(tmp.path()).expect("lock released");
    drop(store);
    // A subscriber outliving the actor sees the channel closed, not a hang.
    let res = tokio::time::timeout(DEADLINE, rx.changed())
        .await
        .expect("no hang");
    assert!(res.is_err());
}

/// Exchanges sync messages between two actors until neither has anything to send.
async fn sync_directly(x: (&DocHandle, &str), y: (&DocHandle, &str)) {
    use bureau_model::automerge::sync::Message;
    for _ in 0..100 {
        let mut quiet = true;
        for ((from, from_id), (to, to_id)) in [(x, y), (y, x)] {
            if let Some(bytes) = from.sync_generate(to_id).await.expect("generate") {
                let msg = Message::decode(&bytes).expect("decode");
                to.sync_receive(from_id, msg).await.expect("receive");
                quiet = false;
            }
        }
        if quiet {
            return;
        }
    }
    panic!("the two actors never stopped sending");
}

fn rename(id: &str, name: &str) -> Edit {
    Edit::Update {
        id: id.to_owned(),
        fields: Fields::Member(MemberFields {
            name: Some(name.to_owned()),
            ..MemberFields::default()
        }),
    }
}

/// A third concurrent value of an already conflicted field that arrives as a loser changes
/// nothing automerge's diff reports (the shown value and the conflict flag stay), yet the
/// conflicts list must show it: replicas with equal heads list the same conflicts.
#[tokio::test(flavor = "multi_thread")]
async fn a_third_losing_value_of_a_conflicted_field_is_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, ta) = open(&tmp.path().join("a")).await;
    let (b, tb) = open_with(&tmp.path().join("b"), DocConfig::new(peer('B'))).await;
    let (c, tc) = open_with(&tmp.path().join("c"), DocConfig::new(peer('C'))).await;
    init(&a).await;
    for (tag, name) in [('B', "Bea"), ('C', "Cem")] {
        add_editor(&a, tag, name).await;
    }
    let m = create_member(&a, "Original").await;
    let (pa, pb, pc) = (peer('A'), peer('B'), peer('C'));
    sync_directly((&a, &pa), (&b, &pb)).await;
    sync_directly((&a, &pa), (&c, &pc)).await;
    sync_directly((&b, &pb), (&c, &pc)).await;
    assert_eq!(c.state().heads, a.state().heads);

    // B and C write more first, so their renames carry higher op counters than A's: A's
    // value will lose on every replica.
    for (doc, tag) in [(&b, "B"), (&c, "C")] {
        for i in 0..3 {
            create_member(doc, &format!("{tag} extra {i}")).await;
        }
        doc.edit(rename(&m, &format!("Name by {tag}")))
            .await
            .expect("rename");
    }
    a.edit(rename(&m, "Name by A")).await.expect("rename");
    sync_directly((&b, &pb), (&c, &pc)).await;
    assert_eq!(b.state().conflicts.len(), 1, "{:?}", b.state().conflicts);
    // A's value reaches B after B already holds the B/C conflict.
    sync_directly((&a, &pa), (&b, &pb)).await;
    let (sa, sb) = (a.state(), b.state());
    assert_eq!(sa.heads, sb.heads);
    assert_eq!(sa.conflicts.len(), 1, "{:?}", sa.conflicts);
    assert_eq!(sa.conflicts.all()[0].values.len(), 3, "{:?}", sa.conflicts);
    assert_eq!(
        sb.conflicts.all(),
        sa.conflicts.all(),
        "equal heads, different conflicts"
    );
    close(a, ta).await;
    close(b, tb).await;
    close(c, tc).await;
}

/// A peer that caught up with us through a third node, and then gets a change-less message
/// with our (now equal) heads, must still tell us it holds them: automerge alone records its
/// heads as sent and stays silent, and we would show that peer out of sync for good.
#[tokio::test(flavor = "multi_thread")]
async fn a_peer_that_caught_up_through_another_still_announces_its_heads() {
    use bureau_model::automerge::sync::Message;
    let tmp = tempfile::tempdir().unwrap();
    let (a, ta) = open(&tmp.path().join("a")).await;
    let (b, tb) = open_with(&tmp.path().join("b"), DocConfig::new(peer('B'))).await;
    let (c, tc) = open_with(&tmp.path().join("c"), DocConfig::new(peer('C'))).await;
    init(&a).await;
    for (tag, name) in [('B', "Bea"), ('C', "Cem")] {
        add_editor(&a, tag, name).await;
    }
    let (pa, pb, pc) = (peer('A'), peer('B'), peer('C'));
    sync_directly((&a, &pa), (&b, &pb)).await;
    sync_directly((&a, &pa), (&c, &pc)).await;
    // The A-B session ends (its states are saved and dropped), as when a connection drops.
    a.sync_gone(&pb).await;
    b.sync_gone(&pa).await;

    create_member(&a, "Xavier").await;
    // A new A-B session: both first messages are on the wire, crossing.
    let decode = |bytes: Vec<u8>| Message::decode(&bytes).expect("decode");
    let a_first = a
        .sync_generate(&pb)
        .await
        .unwrap()
        .expect("A's first message");
    let b_first = b
        .sync_generate(&pa)
        .await
        .unwrap()
        .expect("B's first message");
    // Meanwhile B catches up through C.
    sync_directly((&a, &pa), (&c, &pc)).await;
    sync_directly((&c, &pc), (&b, &pb)).await;
    assert_eq!(b.state().heads, a.state().heads);
    let mut a_knows = a.sync_receive(&pb, decode(b_first)).await.expect("receive");
    b.sync_receive(&pa, decode(a_first)).await.expect("receive");
    for _ in 0..100 {
        let mut quiet = true;
        if let Some(m) = b.sync_generate(&pa).await.unwrap() {
            a_knows = a.sync_receive(&pb, decode(m)).await.expect("receive");
            quiet = false;
        }
        if let Some(m) = a.sync_generate(&pb).await.unwrap() {
            b.sync_receive(&pa, decode(m)).await.expect("receive");
            quiet = false;
        }
        if quiet {
            break;
        }
    }
    assert!(
        a_knows.in_sync(),
        "A never learnt that B holds its heads: {a_knows:?}"
    );
    close(a, ta).await;
    close(b, tb).await;
    close(c, tc).await;
}

/// Creates a record and returns its id.
async fn create(doc: &DocHandle, fields: Fields) -> String {
    match doc.edit(Edit::Create(fields)).await.expect("create") {
        Applied::Record(_, id) => id,
        other => panic!("expected a record, got {other:?}"),
    }
}

async fn update(doc: &DocHandle, id: &str, fields: Fields) {
    doc.edit(Edit::Update {
        id: id.to_owned(),
        fields,
    })
    .await
    .expect("update");
}

/// The published state, kept up to date record by record (the records a change touched are
/// found through the actor's object index), equals a full read of the same document.
async fn assert_published_equals_a_full_read(doc: &DocHandle) {
    use bureau_model::automerge::{ActorId, AutoCommit};
    let st = doc.state();
    let full = AutoCommit::load(&doc.save().await.expect("save")).expect("load");
    let snapshot = bureau_model::Snapshot::hydrate(&full);
    assert_eq!(*st.snapshot, snapshot, "published snapshot differs");
    let now = jiff::Timestamp::now();
    assert_eq!(
        st.findings.iter().cloned().collect::<Vec<_>>(),
        bureau_model::findings(&snapshot, now).as_slice(),
        "published findings differ"
    );
    let author_for = |a: &ActorId| {
        full.get_author_for_actor(a)
            .map(|x| bureau_model::author_member_id(x.as_bytes()))
    };
    let key = |c: &bureau_model::Conflict| (c.ty, c.id.clone(), c.field.clone());
    let mut published = st.conflicts.all().to_vec();
    let mut read = bureau_model::conflicts(&full, &author_for);
    published.sort_by_key(key);
    read.sort_by_key(key);
    assert_eq!(published, read, "published conflicts differ");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_published_state_after_merges_equals_a_full_read() {
    use bureau_model::{ActionFields, NoteFields, RoomFields};
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let tmp = tempfile::tempdir().unwrap();
    let (a, ta) = open(&tmp.path().join("a")).await;
    let (b, tb) = open_with(&tmp.path().join("b"), DocConfig::new(peer('B'))).await;
    let (pa, pb) = (peer('A'), peer('B'));
    init(&a).await;
    let bea = add_editor(&a, 'B', "Bea").await;
    let room = |name: &str| {
        Fields::Room(RoomFields {
            name: Some(name.to_owned()),
            booths: Some(strings(&["en"])),
            ..RoomFields::default()
        })
    };
    let hall = create(&a, room("Hall")).await;
    let annex = create(&a, room("Annex")).await;
    let meeting = |title: &str, room: &str| {
        Fields::Meeting(MeetingFields {
            title: Some(title.to_owned()),
            start: Some("2030-01-10T09:00".to_owned()),
            end: Some("2030-01-10T10:00".to_owned()),
            room_id: Some(room.to_owned()),
            languages: Some(strings(&["en", "fr"])),
            members: Some(vec![bea.clone()]),
            ..MeetingFields::default()
        })
    };
    let m1 = create(&a, meeting("Briefing", &hall)).await;
    create(&a, meeting("Caucus", &hall)).await;
    let body = a
        .state()
        .snapshot
        .bodies
        .keys()
        .next()
        .expect("a body")
        .clone();
    let note = create(
        &a,
        Fields::Note(NoteFields {
            body_id: Some(body),
            title: Some("Passes".to_owned()),
            text: Some("Badges are ready at the desk.".to_owned()),
            content_implications: Some(true),
            ..NoteFields::default()
        }),
    )
    .await;
    sync_directly((&a, &pa), (&b, &pb)).await;

    // Apart: B adds a clashing meeting, moves one, gives the note an overdue action and
    // renames Bea; A renames the hall, archives the annex and renames Bea too.
    create(&b, meeting("Side event", &hall)).await;
    update(
        &b,
        &m1,
        Fields::Meeting(MeetingFields {
            room_id: Some(annex.clone()),
            ..MeetingFields::default()
        }),
    )
    .await;
    update(
        &b,
        &note,
        Fields::Note(NoteFields {
            text: Some("Badges are ready at the front desk.".to_owned()),
            actions: Some(vec![ActionFields {
                text: Some("Collect badges".to_owned()),
                owner: Some(bea.clone()),
                due: Some("2020-01-01".to_owned()),
                ..ActionFields::default()
            }]),
            ..NoteFields::default()
        }),
    )
    .await;
    b.edit(rename(&bea, "Bea by B")).await.expect("rename");
    update(
        &a,
        &hall,
        Fields::Room(RoomFields {
            name: Some("Main hall".to_owned()),
            ..RoomFields::default()
        }),
    )
    .await;
    a.edit(Edit::Archive {
        ty: RecordType::Room,
        id: annex.clone(),
    })
    .await
    .expect("archive");
    a.edit(rename(&bea, "Bea by A")).await.expect("rename");
    for doc in [&a, &b] {
        assert_published_equals_a_full_read(doc).await;
    }

    sync_directly((&a, &pa), (&b, &pb)).await;
    let (sa, sb) = (a.state(), b.state());
    assert_eq!(sa.heads, sb.heads);
    assert!(!sa.conflicts.is_empty(), "the two renames conflict");
    assert!(!sa.findings.is_empty(), "the clashes are found");
    for doc in [&a, &b] {
        assert_published_equals_a_full_read(doc).await;
    }
    close(a, ta).await;
    close(b, tb).await;
}

/// Calls of the test's memory-release hook (only the test below installs it).
static RELEASES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn count_release() {
    RELEASES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

#[tokio::test]
async fn freed_memory_is_handed_back_after_loading_and_after_much_is_written() {
    use std::sync::atomic::Ordering::SeqCst;
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut config = DocConfig::new(peer('A'));
    config.release_memory = Some(count_release);
    let (doc, thread) = open_with(tmp.path(), config).await;
    assert_eq!(RELEASES.load(SeqCst), 1, "once the document is loaded");
    init(&doc).await;
    // Text that compresses little, so the bytes written follow the text's length.
    let mut seed: u64 = 1;
    let mut noise = |n: usize| -> String {
        (0..n)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                char::from(b'0' + (seed >> 58) as u8)
            })
            .collect()
    };
    let quarter = crate::RELEASE_AFTER_BYTES / 4;
    let create = async |i: usize, text: String| {
        doc.edit(Edit::Create(Fields::Meeting(MeetingFields {
            title: Some(format!("Meeting {i}")),
            start: Some("2025-11-16T09:00:00+01:00".to_owned()),
            end: Some("2025-11-16T10:00:00+01:00".to_owned()),
            agenda: Some(text),
            ..MeetingFields::default()
        })))
        .await
        .expect("create");
    };
    // A quarter of the threshold (even uncompressed) hands nothing back.
    create(0, noise(quarter)).await;
    assert_eq!(
        RELEASES.load(SeqCst),
        1,
        "a quarter of the threshold written"
    );
    // Writing on does, once the threshold is passed.
    let mut written = quarter;
    for i in 1..16 {
        create(i, noise(quarter)).await;
        written += quarter;
        if RELEASES.load(SeqCst) > 1 {
            break;
        }
    }
    poll_until("memory handed back once the threshold is passed", || {
        RELEASES.load(SeqCst) > 1
    })
    .await;
    assert!(
        RELEASES.load(SeqCst) <= 1 + written / crate::RELEASE_AFTER_BYTES,
        "at most once per threshold's worth of writes"
    );
    close(doc, thread).await;
}

/// The actor fills a session's outbox before it publishes: a device revoked ahead of an edit
/// (in the same batch or the one before) must get neither. Its view usually has the batch's
/// roles by then (refreshed during the write); when it could not be refreshed, the document
/// itself is checked, a path this test reaches only when batching puts the revoke and the
/// edit before a received message.
#[tokio::test(flavor = "multi_thread")]
async fn a_device_revoked_before_an_edit_gets_no_outbox_message() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, ta) = open(tmp.path()).await;
    init(&a).await;
    add_editor(&a, 'B', "Bea").await;
    let outbox = a.sync_outbox(&peer('B')).await.expect("outbox");
    // A session starts by asking: this makes the peer's sync state.
    a.sync_generate(&peer('B')).await.expect("generate");
    // A change while B is a device reaches its outbox unasked.
    create_member(&a, "Before").await;
    assert!(
        outbox.take().is_some(),
        "an edit fills a live session's outbox"
    );

    // The revocation is queued first, the edit right behind it.
    let revoke = a.edit(Edit::RevokeDevice { peer_id: peer('B') });
    let later = a.edit(member("After"));
    let (revoked, created) = tokio::join!(revoke, later);
    revoked.expect("revoke");
    created.expect("create");
    assert!(
        outbox.take().is_none(),
        "the revoked device's outbox got a message"
    );
    drop(outbox);
    close(a, ta).await;
}

/// How the newest snapshot of a stopped node is damaged.
#[derive(Debug, Clone, Copy)]
enum SnapshotDamage {
    /// The two generations' names swapped: the newest name holds the older document.
    Swapped,
    Deleted,
    ReplacedByDirectory,
    ZeroFilled,
}

/// Two snapshot generations and a log after them lost acknowledged edits without a word when
/// the newest snapshot was damaged: the log's changes build on it, so they waited in
/// automerge's queue, unreported, and the next compaction wrote the incomplete document and
/// deleted the log (and, swapped, the file that held the newest generation). Now every
/// generation is loaded, waiting changes are reported as damage and never compacted away, and
/// a peer that holds what is missing clears the damage.
async fn damaged_newest_snapshot(how: SnapshotDamage) {
    let tmp = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (tmp.path().join("a"), tmp.path().join("b"));
    let config = |tag| DocConfig {
        compact_chunks: 5,
        ..DocConfig::new(peer(tag))
    };
    let (a, a_thread) = open_with(&a_dir, config('A')).await;
    let (b, b_thread) = open_with(&b_dir, config('B')).await;
    init(&a).await;
    add_editor(&a, 'B', "Bea").await;
    let mut ids = Vec::new();
    let (mut a, mut a_thread) = (a, a_thread);
    // Sequential edits, one chunk each, until two generations and a few chunks after them,
    // as the stopped node leaves them (a compaction cut short by the stop can leave a third,
    // verified but uncommitted: then the node runs again until it is gone).
    let members = loop {
        while doc_files(&a_dir, "snapshot-").len() < 2 || doc_files(&a_dir, "chunk-").len() < 3 {
            assert!(
                ids.len() < 400,
                "no two generations after {} edits",
                ids.len()
            );
            ids.push(create_member(&a, &format!("Kept {}", ids.len())).await);
        }
        sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;
        let members = a.state().snapshot.members.len();
        close(a, a_thread).await;
        if doc_files(&a_dir, "snapshot-").len() == 2 && doc_files(&a_dir, "chunk-").len() >= 3 {
            break members;
        }
        (a, a_thread) = open_with(&a_dir, config('A')).await;
        ids.push(create_member(&a, &format!("Kept {}", ids.len())).await);
    };

    let doc_dir = a_dir.join("doc");
    let snapshots = doc_files(&a_dir, "snapshot-");
    let (older, newest) = (doc_dir.join(&snapshots[0]), doc_dir.join(&snapshots[1]));
    match how {
        SnapshotDamage::Swapped => {
            let aside = doc_dir.join("aside");
            std::fs::rename(&newest, &aside).unwrap();
            std::fs::rename(&older, &newest).unwrap();
            std::fs::rename(&aside, &older).unwrap();
        }
        SnapshotDamage::Deleted => std::fs::remove_file(&newest).unwrap(),
        SnapshotDamage::ReplacedByDirectory => {
            std::fs::remove_file(&newest).unwrap();
            std::fs::create_dir(&newest).unwrap();
        }
        SnapshotDamage::ZeroFilled => {
            let len = std::fs::metadata(&newest).unwrap().len() as usize;
            std::fs::write(&newest, vec![0u8; len]).unwrap();
        }
    }

    let (a, a_thread) = open_with(&a_dir, config('A')).await;
    let st = a.state();
    let damaged = !matches!(how, SnapshotDamage::Swapped);
    if damaged {
        let damage = st.damage.clone().expect("the waiting changes are reported");
        assert!(damage.queued_changes > 0, "{damage:?}");
        assert!(!damage.files.is_empty(), "{damage:?}");
        assert!(st.snapshot.members.len() < members);
    } else {
        // The older name held the newest generation: merged, nothing is missing.
        assert_eq!(st.damage, None);
        assert_eq!(st.snapshot.members.len(), members);
    }
    // Enough edits for several compactions: none may drop what waits.
    for i in 0..20 {
        ids.push(create_member(&a, &format!("After damage {i}")).await);
    }
    close(a, a_thread).await;
    let (a, a_thread) = open_with(&a_dir, config('A')).await;
    if damaged {
        assert!(
            a.state().damage.is_some(),
            "the files holding waiting changes are all still there"
        );
        // The peer holds what is missing: the waiting changes apply and the damage clears.
        sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;
        assert_eq!(a.state().damage, None);
        for i in 0..10 {
            ids.push(create_member(&a, &format!("After sync {i}")).await);
        }
    }
    let st = a.state();
    for id in &ids {
        assert!(st.snapshot.members.contains_key(id), "member {id} lost");
    }
    close(a, a_thread).await;
    let (a, a_thread) = open_with(&a_dir, config('A')).await;
    let st = a.state();
    assert_eq!(st.damage, None);
    for id in &ids {
        assert!(
            st.snapshot.members.contains_key(id),
            "member {id} lost after a restart"
        );
    }
    close(a, a_thread).await;
    close(b, b_thread).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn swapped_snapshot_generations_lose_nothing() {
    damaged_newest_snapshot(SnapshotDamage::Swapped).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_newest_snapshot_is_damage_kept_until_a_peer_fills_it() {
    damaged_newest_snapshot(SnapshotDamage::Deleted).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_newest_snapshot_replaced_by_a_directory_is_damage_kept_until_a_peer_fills_it() {
    damaged_newest_snapshot(SnapshotDamage::ReplacedByDirectory).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_zero_filled_newest_snapshot_is_damage_kept_until_a_peer_fills_it() {
    damaged_newest_snapshot(SnapshotDamage::ZeroFilled).await;
}

/// A file that cannot be read at start was reported as "the edit could not be saved"; the
/// message now says the document's files could not be read, which one and why.
#[test]
fn a_read_failure_at_start_says_which_file_could_not_be_read() {
    let err = crate::load::load_error(bureau_store::StoreError::Io {
        op: "read",
        path: "/data/doc/log-0000000000000003.bin".into(),
        source: std::io::Error::from_raw_os_error(5),
    });
    assert!(matches!(err, DocError::Load(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with("could not read the document's files: failed to read /data/doc/log-0000000000000003.bin: "),
        "{text}"
    );
    assert!(text.contains("Input/output error"), "{text}");
    assert!(!text.contains("edit"), "{text}");
    // The causes are kept as errors, not only as text: the store's, and the system's under it.
    let cause = std::error::Error::source(&err).expect("the load's cause");
    let store = cause.source().expect("the store's error");
    assert!(
        matches!(
            store.downcast_ref::<bureau_store::StoreError>(),
            Some(bureau_store::StoreError::Io { op: "read", .. })
        ),
        "{store:?}"
    );
    let io = store.source().expect("the system's error under it");
    assert_eq!(
        io.downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::raw_os_error),
        Some(5)
    );
    // Walked for one line, the chain names each cause once.
    assert_eq!(crate::WithCauses(&err).to_string(), text);
}

/// A storage failure keeps its cause as an error, not as text: the store's error (which file,
/// doing what) and, under it, the system's.
#[test]
fn a_storage_failure_keeps_its_causes() {
    // The error a failing disk gives.
    const EIO: i32 = 5;
    let store_error = bureau_store::StoreError::Io {
        op: "fsync",
        path: std::path::PathBuf::from("/data/doc/log-0000000000000001.seg"),
        source: std::io::Error::from_raw_os_error(EIO),
    };
    let err = DocError::Storage(crate::Cause::new(store_error));
    let cause = std::error::Error::source(&err).expect("the store's error");
    assert!(
        cause.to_string().contains("log-0000000000000001.seg"),
        "{cause}"
    );
    let io = cause.source().expect("the system's error under it");
    assert_eq!(
        io.downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::raw_os_error),
        Some(EIO)
    );
}

/// One line for an error and its causes: each named once, though the errors here name their
/// cause in their own message too, and an error that says nothing itself (libp2p's listen
/// error) leaves the line to its source, without a stray separator.
#[test]
fn with_causes_names_each_cause_once() {
    let store_error = bureau_store::StoreError::Io {
        op: "fsync",
        path: std::path::PathBuf::from("/data/doc/log-0000000000000001.seg"),
        source: std::io::Error::other("disk on fire"),
    };
    let err = DocError::Storage(crate::Cause::new(store_error));
    assert_eq!(
        crate::WithCauses(&err).to_string(),
        "the edit could not be saved: failed to fsync /data/doc/log-0000000000000001.seg: \
         disk on fire"
    );

    #[derive(Debug)]
    struct Silent(std::io::Error);
    impl std::fmt::Display for Silent {
        fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            Ok(())
        }
    }
    impl std::error::Error for Silent {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    let silent = Silent(std::io::Error::other("address in use"));
    assert_eq!(crate::WithCauses(&silent).to_string(), "address in use");
}

#[tokio::test(flavor = "multi_thread")]
async fn how_far_behind_a_peers_heads_are_is_counted_in_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    let then = doc.state().heads.clone();
    create_member(&doc, "One").await;
    create_member(&doc, "Two").await;
    let now = doc.state().heads.clone();
    let all = doc
        .behind(vec![Vec::new()])
        .await
        .expect("the reader answers")[0];
    let unknown = "09".repeat(32);
    let counts = doc
        .behind(vec![
            then.clone(),
            now,
            Vec::new(),
            vec![unknown.clone()],
            vec![unknown, then[0].clone()],
            vec!["not hex".to_owned()],
        ])
        .await
        .expect("the reader answers");
    assert_eq!(counts, [2, 0, all, all, 2, all]);
    assert!(all > 2, "the founding made changes too: {all}");

    // Peers at this node's heads (one with a change of its own beyond them) are answered
    // without the reader's copy: with the reader held, the answer still comes.
    let (release, held) = std::sync::mpsc::channel::<()>();
    doc.tx
        .send(crate::DocCommand::HoldReader(held))
        .await
        .expect("actor");
    let now = doc.state().heads.clone();
    let ahead: Vec<String> = now.iter().cloned().chain(["0a".repeat(32)]).collect();
    let counts = tokio::time::timeout(DEADLINE, doc.behind(vec![now.clone(), ahead]))
        .await
        .expect("answered while the reader is held")
        .expect("answer");
    assert_eq!(counts, [0, 0]);
    release.send(()).expect("reader");
    close(doc, thread).await;
}

/// Two laptops accept the same suggestion while apart: after they sync, the wording is in the
/// text once on both, since the first to receive the other's accept takes its extra copy out
/// by itself.
#[tokio::test(flavor = "multi_thread")]
async fn a_suggestion_accepted_on_two_nodes_apart_is_in_the_text_once_after_sync() {
    use bureau_model::{DocumentFields, DocumentOp};
    let tmp = tempfile::tempdir().unwrap();
    let (a, ta) = open(&tmp.path().join("a")).await;
    let (b, tb) = open_with(&tmp.path().join("b"), DocConfig::new(peer('B'))).await;
    init(&a).await;
    add_editor(&a, 'B', "Bea").await;
    let id = create(
        &a,
        Fields::Document(DocumentFields {
            title: Some("Charter".to_owned()),
            status: None,
            text: Some("To deal with procedures.".to_owned()),
        }),
    )
    .await;
    let op = |op: DocumentOp| Edit::Document { id: id.clone(), op };
    a.edit(op(DocumentOp::Suggest {
        start: 3,
        end: 7,
        replacement: "facilitate".to_owned(),
    }))
    .await
    .unwrap();
    sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;
    let sid = a.state().snapshot.documents[&id].suggestions[0].id.clone();
    // Apart, each accepts it.
    for node in [&a, &b] {
        node.edit(op(DocumentOp::Accept {
            suggestion: sid.clone(),
        }))
        .await
        .unwrap();
        assert_eq!(
            node.state().snapshot.documents[&id].text,
            "To facilitate with procedures."
        );
    }
    sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;
    for node in [&a, &b] {
        let st = node.state();
        let d = &st.snapshot.documents[&id];
        assert_eq!(d.text, "To facilitate with procedures.");
        assert_eq!(d.suggestions[0].applied, 1);
    }
    assert_eq!(a.state().heads, b.state().heads);
    close(a, ta).await;
    close(b, tb).await;
}

/// Changes each side of [`sync_with_outbox`] sent.
struct Sent {
    /// By the node with the outbox.
    by_holder: usize,
    /// By the peer driven directly.
    by_peer: usize,
}

/// Runs a session between `a`, which has an outbox for `y` as a node's session does, and `y`,
/// driven directly, until both are quiet. Returns how many changes each sent.
async fn sync_with_outbox(a: (&DocHandle, &str, &crate::Outbox), y: (&DocHandle, &str)) -> Sent {
    use bureau_model::automerge::sync::Message;
    let (a, a_id, outbox) = a;
    let (y, y_id) = y;
    let mut sent = Sent {
        by_holder: 0,
        by_peer: 0,
    };
    for _ in 0..100 {
        let mut quiet = true;
        let from_a = match outbox.take() {
            Some(m) => Some(m),
            None => a.sync_generate(y_id).await.expect("generate"),
        };
        if let Some(m) = from_a {
            let m = Message::decode(&m).expect("decode");
            sent.by_holder += m.changes.len();
            y.sync_receive(a_id, m).await.expect("receive");
            quiet = false;
        }
        if let Some(m) = y.sync_generate(a_id).await.expect("generate") {
            let m = Message::decode(&m).expect("decode");
            sent.by_peer += m.changes.len();
            a.sync_receive(y_id, m).await.expect("receive");
            quiet = false;
        }
        if quiet {
            return sent;
        }
    }
    panic!("the two actors never stopped sending");
}

/// How many changes `doc`'s push prepared while idle holds.
async fn prepared(doc: &DocHandle) -> usize {
    let (tx, rx) = tokio::sync::oneshot::channel();
    doc.tx
        .send(crate::DocCommand::PreparedChanges(tx))
        .await
        .expect("the actor runs");
    rx.await.expect("the actor answers")
}

/// A reconnect's push is prepared while the node is idle after the session of a peer that
/// reads bundles ended (`actor::prepared`): the next session's first message carries the
/// bundles as prepared, then, as they are, the changes made after they were, and the peer
/// holds every change after that one message.
#[tokio::test(flavor = "multi_thread")]
async fn a_push_prepared_while_idle_carries_every_change() {
    use bureau_model::automerge::sync::Message;
    let tmp = tempfile::tempdir().unwrap();
    let (a, ta) = open(&tmp.path().join("a")).await;
    let (b, tb) = open_with(&tmp.path().join("b"), DocConfig::new(peer('B'))).await;
    init(&a).await;
    add_editor(&a, 'B', "Bea").await;
    let (pa, pb) = (peer('A'), peer('B'));
    sync_directly((&a, &pa), (&b, &pb)).await;
    a.sync_gone(&pb).await;
    b.sync_gone(&pa).await;
    // B's session with A, which reads bundles, runs and ends.
    let outbox = b.sync_outbox(&pa).await.expect("outbox");
    outbox.peer_reads_bundles();
    sync_with_outbox((&b, &pb, &outbox), (&a, &pa)).await;
    drop(outbox);
    a.sync_gone(&pb).await;
    b.sync_gone(&pa).await;
    assert_eq!(a.state().heads, b.state().heads);

    for i in 0..40 {
        create_member(&b, &format!("Apart {i}")).await;
    }
    let deadline = std::time::Instant::now() + DEADLINE;
    while prepared(&b).await < 40 {
        assert!(
            std::time::Instant::now() < deadline,
            "no push was prepared for A while B was idle"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // One more edit after the push was prepared: it goes as it is, after the bundles.
    create_member(&b, "Late").await;

    let outbox = b.sync_outbox(&pa).await.expect("outbox");
    outbox.push_on_open();
    let first = b
        .sync_generate(&pa)
        .await
        .unwrap()
        .expect("B's first message");
    let first = Message::decode(&first).expect("decode");
    let types: Vec<u8> = first.changes.iter().map(|c| c[8]).collect();
    assert_eq!(types.first(), Some(&3), "a bundle first: {types:?}");
    assert!(
        types.iter().any(|t| *t != 3),
        "the late change as it is: {types:?}"
    );
    assert_eq!(prepared(&b).await, 0, "the prepared push is used up");
    a.sync_receive(&pb, first).await.expect("receive");
    assert_eq!(
        a.state().heads,
        b.state().heads,
        "the first message held every change"
    );
    // The session goes on as any; nothing of the push is sent again.
    let resent = sync_with_outbox((&b, &pb, &outbox), (&a, &pa)).await;
    assert_eq!(resent.by_holder, 0, "changes of the push were sent again");
    drop(outbox);
    assert_eq!(a.state().snapshot, b.state().snapshot);
    close(a, ta).await;
    close(b, tb).await;
}

/// Two peers hold the same changes this node lacks (a mesh healed from a partition): one
/// feeds them, and the other is told this node's heads only once that is done, so it sends
/// none of them again. Without the wait its answer would carry all thirty.
#[tokio::test(flavor = "multi_thread")]
async fn of_two_peers_with_the_same_changes_one_sends_them() {
    use bureau_model::automerge::sync::Message;
    let tmp = tempfile::tempdir().unwrap();
    let (a, ta) = open(&tmp.path().join("a")).await;
    let (b, tb) = open_with(&tmp.path().join("b"), DocConfig::new(peer('B'))).await;
    let (c, tc) = open_with(&tmp.path().join("c"), DocConfig::new(peer('C'))).await;
    init(&a).await;
    for (tag, name) in [('B', "Bea"), ('C', "Cem")] {
        add_editor(&a, tag, name).await;
    }
    let (pa, pb, pc) = (peer('A'), peer('B'), peer('C'));
    sync_directly((&a, &pa), (&b, &pb)).await;
    sync_directly((&a, &pa), (&c, &pc)).await;
    for (x, px, y, py) in [(&a, &pa, &b, &pb), (&a, &pa, &c, &pc)] {
        x.sync_gone(py).await;
        y.sync_gone(px).await;
    }
    // B and C edit while A is away, and share their edits.
    for i in 0..30 {
        create_member(&b, &format!("Member {i}")).await;
    }
    sync_directly((&b, &pb), (&c, &pc)).await;
    assert_eq!(b.state().heads, c.state().heads);

    // A's sessions with both start at once.
    let ob = a.sync_outbox(&pb).await.expect("outbox");
    let oc = a.sync_outbox(&pc).await.expect("outbox");
    let to_b = a
        .sync_generate(&pb)
        .await
        .unwrap()
        .expect("A's first message to B");
    assert!(
        a.sync_generate(&pc).await.unwrap().is_none(),
        "A told C its heads while B may still feed it"
    );
    // C's first message arrives: A's answer still waits.
    let from_c = c
        .sync_generate(&pa)
        .await
        .unwrap()
        .expect("C's first message");
    a.sync_receive(&pc, Message::decode(&from_c).unwrap())
        .await
        .expect("receive");
    assert!(a.sync_generate(&pc).await.unwrap().is_none());
    assert!(oc.take().is_none());

    b.sync_receive(&pa, Message::decode(&to_b).unwrap())
        .await
        .expect("receive");
    let by_b = sync_with_outbox((&a, &pa, &ob), (&b, &pb)).await.by_peer;
    assert!(by_b >= 30, "B fed A its thirty changes: {by_b}");
    let by_c = sync_with_outbox((&a, &pa, &oc), (&c, &pc)).await.by_peer;
    assert_eq!(by_c, 0, "C sent A changes that B had already sent");
    assert_eq!(a.state().heads, c.state().heads);
    drop((ob, oc));
    close(a, ta).await;
    close(b, tb).await;
    close(c, tc).await;
}

/// A node waiting for its feeder still answers a peer that asked it for changes it holds (a
/// healed partition: each side lacks the other's changes, and each node chose one peer of the
/// other side to feed it). Without the answer, a ring of nodes each waiting for a feeder that
/// waits for its own stands still until the feeders count as quiet. The asking peer's own
/// changes come back as heads only, so this node's feeder is not doubled.
#[tokio::test(flavor = "multi_thread")]
async fn a_node_waiting_for_its_feeder_still_feeds_a_peer_that_asked() {
    use bureau_model::automerge::sync::Message;
    let tmp = tempfile::tempdir().unwrap();
    let (a, ta) = open(&tmp.path().join("a")).await;
    let (b, tb) = open_with(&tmp.path().join("b"), DocConfig::new(peer('B'))).await;
    let (c, tc) = open_with(&tmp.path().join("c"), DocConfig::new(peer('C'))).await;
    init(&a).await;
    for (tag, name) in [('B', "Bea"), ('C', "Cem"), ('D', "Dai")] {
        add_editor(&a, tag, name).await;
    }
    let (pa, pb, pc, pd) = (peer('A'), peer('B'), peer('C'), peer('D'));
    sync_directly((&a, &pa), (&b, &pb)).await;
    sync_directly((&a, &pa), (&c, &pc)).await;
    for (x, px, y, py) in [(&a, &pa, &b, &pb), (&a, &pa, &c, &pc)] {
        x.sync_gone(py).await;
        y.sync_gone(px).await;
    }
    // Apart: A edits on its side, B and C on theirs.
    for i in 0..30 {
        create_member(&a, &format!("Side one {i}")).await;
        create_member(&b, &format!("Side two {i}")).await;
    }
    sync_directly((&b, &pb), (&c, &pc)).await;

    // A chose B to feed it; C (with a second live session, to D) chose A.
    let ob = a.sync_outbox(&pb).await.expect("outbox");
    let oc = a.sync_outbox(&pc).await.expect("outbox");
    let c_oa = c.sync_outbox(&pa).await.expect("outbox");
    let c_od = c.sync_outbox(&pd).await.expect("outbox");
    let to_b = a.sync_generate(&pb).await.unwrap().expect("A asks B");
    assert!(a.sync_generate(&pc).await.unwrap().is_none());
    let from_c = c.sync_generate(&pa).await.unwrap().expect("C asks A");
    a.sync_receive(&pc, Message::decode(&from_c).unwrap())
        .await
        .expect("receive");
    // The waiting session is woken by C's message and its answer put in its outbox. On a
    // slow machine B may already count as quiet (`FEEDER_QUIET`) when C's message comes: the
    // outbox then holds what that wake-up made, from before C asked and so without changes,
    // and the answer is the next message, as the session would ask for it (`take_missed`).
    let mut answer = None;
    for _ in 0..2 {
        let m = match oc.take() {
            Some(m) => m,
            None => a
                .sync_generate(&pc)
                .await
                .unwrap()
                .expect("A answers C while B has not fed it yet"),
        };
        let m = Message::decode(&m).unwrap();
        if !m.changes.is_empty() {
            answer = Some(m);
            break;
        }
    }
    let answer = answer.expect("A answered C with changes");
    assert!(
        answer.changes.len() >= 30,
        "A's answer to C carried {} changes",
        answer.changes.len()
    );
    c.sync_receive(&pa, answer).await.expect("receive");
    assert!(
        c.state().heads.len() >= 2,
        "C holds both sides' heads: {:?}",
        c.state().heads
    );
    let back = Message::decode(&c_oa.take().expect("C tells A its new heads")).unwrap();
    assert!(
        back.changes.is_empty(),
        "C pushed {} changes to A, which B is feeding",
        back.changes.len()
    );
    a.sync_receive(&pc, back).await.expect("receive");

    // B feeds A; C then has nothing left to send it.
    b.sync_receive(&pa, Message::decode(&to_b).unwrap())
        .await
        .expect("receive");
    let by_b = sync_with_outbox((&a, &pa, &ob), (&b, &pb)).await.by_peer;
    assert!(by_b >= 30, "B fed A its thirty changes: {by_b}");
    let by_c = sync_with_outbox((&a, &pa, &oc), (&c, &pc)).await.by_peer;
    assert_eq!(by_c, 0, "C sent A changes that B had already sent");
    assert_eq!(a.state().heads, c.state().heads);
    assert_eq!(a.state().heads, b.state().heads);
    drop((ob, oc, c_oa, c_od));
    close(a, ta).await;
    close(b, tb).await;
    close(c, tc).await;
}

/// A node with several live sessions that takes in many changes at once tells its peers only
/// its new heads, and each asks for what it still lacks (another peer may be sending it the
/// same); a single edit goes at once.
#[tokio::test(flavor = "multi_thread")]
async fn a_bulk_of_changes_is_announced_to_several_peers_and_a_single_edit_sent() {
    use bureau_model::automerge::sync::Message;
    let tmp = tempfile::tempdir().unwrap();
    let (a, ta) = open(&tmp.path().join("a")).await;
    let (b, tb) = open_with(&tmp.path().join("b"), DocConfig::new(peer('B'))).await;
    let (c, tc) = open_with(&tmp.path().join("c"), DocConfig::new(peer('C'))).await;
    let (d, td) = open_with(&tmp.path().join("d"), DocConfig::new(peer('D'))).await;
    init(&a).await;
    for (tag, name) in [('B', "Bea"), ('C', "Cem"), ('D', "Dai")] {
        add_editor(&a, tag, name).await;
    }
    let (pa, pb, pc, pd) = (peer('A'), peer('B'), peer('C'), peer('D'));
    sync_directly((&a, &pa), (&d, &pd)).await;
    let ob = a.sync_outbox(&pb).await.expect("outbox");
    let oc = a.sync_outbox(&pc).await.expect("outbox");
    sync_with_outbox((&a, &pa, &ob), (&b, &pb)).await;
    sync_with_outbox((&a, &pa, &oc), (&c, &pc)).await;
    assert_eq!(a.state().heads, b.state().heads);

    // D brings thirty changes made apart.
    a.sync_gone(&pd).await;
    d.sync_gone(&pa).await;
    for i in 0..30 {
        create_member(&d, &format!("Member {i}")).await;
    }
    sync_directly((&a, &pa), (&d, &pd)).await;
    let told = Message::decode(&ob.take().expect("A tells B of its new heads")).unwrap();
    assert!(
        told.changes.is_empty(),
        "A pushed {} changes to one of several peers",
        told.changes.len()
    );
    let told_heads: Vec<String> = told.heads.iter().map(ToString::to_string).collect();
    assert_eq!(told_heads, a.state().heads);
    b.sync_receive(&pa, told).await.expect("receive");
    let asked = b.sync_generate(&pa).await.unwrap().expect("B asks");
    a.sync_receive(&pb, Message::decode(&asked).unwrap())
        .await
        .expect("receive");
    sync_with_outbox((&a, &pa, &ob), (&b, &pb)).await;
    assert_eq!(b.state().heads, a.state().heads, "B got what it asked for");

    create_member(&a, "One more").await;
    let edit = Message::decode(&ob.take().expect("the edit is pushed")).unwrap();
    assert_eq!(edit.changes.len(), 1, "a single edit goes at once");
    drop((ob, oc));
    close(a, ta).await;
    close(b, tb).await;
    close(c, tc).await;
    close(d, td).await;
}

mod saved_view;
