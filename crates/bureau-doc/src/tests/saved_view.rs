//! The view saved for the next start (`crate::saved_view`): shown at once when the files are
//! the ones it was saved from (or those with entries appended since, as older), never
//! otherwise, and replaced by the loaded document.

use std::sync::{Arc, Mutex};

use super::*;

/// A config whose load, once a saved view was shown, waits for the returned sender.
fn gated() -> (DocConfig, std::sync::mpsc::Sender<()>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let config = DocConfig {
        load_gate: Some(Arc::new(Mutex::new(rx))),
        ..DocConfig::new(peer('A'))
    };
    (config, tx)
}

fn view_file(dir: &Path) -> std::path::PathBuf {
    dir.join("state").join("view.bin")
}

/// A bureau with a conflict in it, written by two replicas; A's files are left in `dir/a`.
async fn bureau_with_a_conflict(dir: &Path) -> Arc<crate::DocState> {
    let (a, ta) = open(&dir.join("a")).await;
    let (b, tb) = open_with(&dir.join("b"), DocConfig::new(peer('B'))).await;
    init(&a).await;
    add_editor(&a, 'B', "Bea").await;
    let m = create_member(&a, "Original").await;
    let (pa, pb) = (peer('A'), peer('B'));
    sync_directly((&a, &pa), (&b, &pb)).await;
    a.edit(rename(&m, "Name by A")).await.expect("rename");
    b.edit(rename(&m, "Name by B")).await.expect("rename");
    sync_directly((&a, &pa), (&b, &pb)).await;
    let state = a.state();
    assert_eq!(state.conflicts.len(), 1, "{:?}", state.conflicts);
    close(a, ta).await;
    close(b, tb).await;
    state
}

/// The records, conflicts, heads and author shown before the load are the ones the node
/// showed when it stopped; an edit waits for the load and then applies to the document.
#[tokio::test(flavor = "multi_thread")]
async fn a_restart_shows_the_saved_view_until_the_document_has_loaded() {
    let tmp = tempfile::tempdir().unwrap();
    let before = bureau_with_a_conflict(tmp.path()).await;
    let dir = tmp.path().join("a");
    assert!(
        view_file(&dir).exists(),
        "the stopping actor saved its view"
    );

    let (config, gate) = gated();
    let (doc, thread) = open_with(&dir, config).await;
    let shown = doc.state();
    assert!(shown.loading);
    assert_eq!(shown.snapshot, before.snapshot);
    assert_eq!(shown.conflicts.all(), before.conflicts.all());
    assert_eq!(shown.heads, before.heads);
    assert_eq!(shown.author, before.author);
    assert_eq!(shown.findings.all(), before.findings.all());
    assert!(
        shown.version > 0,
        "a waiter can tell it from the empty state"
    );

    let writer = doc.clone();
    let mut edit = tokio::spawn(async move { create_member(&writer, "Cem").await });
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut edit)
            .await
            .is_err(),
        "an edit applied before the document had loaded"
    );
    gate.send(()).expect("the load waits at the gate");
    let id = tokio::time::timeout(DEADLINE, edit)
        .await
        .expect("the edit is applied once the document has loaded")
        .expect("edit task");
    let state = doc.state();
    assert!(!state.loading);
    assert!(state.version > shown.version);
    assert!(state.snapshot.members.contains_key(&id));
    assert_eq!(state.conflicts.all(), before.conflicts.all());
    close(doc, thread).await;
}

/// A node stopped without saving its view (killed, or its battery ran out) after writing:
/// its files are the saved view's with log entries appended. That view is an earlier state of
/// the same document, so it is shown at once, marked as older, and the load then shows what
/// was written after it; the view is saved again for the files as they now are.
#[tokio::test(flavor = "multi_thread")]
async fn a_view_older_than_the_files_is_shown_as_older_until_the_load() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    let first = create_member(&doc, "Written before the view was saved").await;
    close(doc, thread).await;
    // What a kill leaves: the view of the files before the next run's writes.
    let old = std::fs::read(view_file(tmp.path())).expect("a saved view");
    let (doc, thread) = open(tmp.path()).await;
    let later = create_member(&doc, "Written after the view was saved").await;
    let heads = doc.state().heads.clone();
    close(doc, thread).await;
    std::fs::write(view_file(tmp.path()), &old).unwrap();

    let (config, gate) = gated();
    let (doc, thread) = open_with(tmp.path(), config).await;
    let shown = doc.state();
    assert!(
        shown.loading && shown.loading_older,
        "the older view was not shown as older"
    );
    assert!(shown.snapshot.members.contains_key(&first));
    assert!(!shown.snapshot.members.contains_key(&later));
    assert_ne!(shown.heads, heads);
    gate.send(()).expect("the load waits at the gate");
    let state = loaded(&doc).await;
    assert!(!state.loading_older);
    assert!(state.snapshot.members.contains_key(&later));
    assert_eq!(state.heads, heads);
    close(doc, thread).await;

    // The stop saved the view of the files as they are: the next start shows it as current.
    let (config, gate) = gated();
    let (doc, thread) = open_with(tmp.path(), config).await;
    let shown = doc.state();
    assert!(shown.loading && !shown.loading_older);
    assert!(shown.snapshot.members.contains_key(&later));
    gate.send(()).expect("the load waits at the gate");
    close(doc, thread).await;
}

/// A view of files that did not only grow since (here: compacted into a new snapshot) is
/// never shown, whatever it holds; the node starts from its files as it always did.
#[tokio::test(flavor = "multi_thread")]
async fn a_view_of_other_files_is_not_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let compacting = || DocConfig {
        compact_chunks: 5,
        ..DocConfig::new(peer('A'))
    };
    let (doc, thread) = open_with(tmp.path(), compacting()).await;
    init(&doc).await;
    close(doc, thread).await;
    let old = std::fs::read(view_file(tmp.path())).expect("a saved view");
    let snapshots = doc_files(tmp.path(), "snapshot-");

    let (doc, thread) = open_with(tmp.path(), compacting()).await;
    let mut later = Vec::new();
    for i in 0..8 {
        later.push(create_member(&doc, &format!("Written after the old view {i}")).await);
    }
    poll_until("a compaction wrote a new snapshot", || {
        doc_files(tmp.path(), "snapshot-") != snapshots
    })
    .await;
    close(doc, thread).await;
    std::fs::write(view_file(tmp.path()), &old).unwrap();

    let (config, _gate) = gated();
    let (doc, thread) = open_with(tmp.path(), config).await;
    let state = doc.state();
    assert!(
        !state.loading,
        "the view of the files before the compaction was shown"
    );
    for id in &later {
        assert!(state.snapshot.members.contains_key(id));
    }
    close(doc, thread).await;
}

/// A damaged view file is set aside; the node loads from its files.
#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_view_is_set_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    let id = create_member(&doc, "Amina").await;
    close(doc, thread).await;
    let path = view_file(tmp.path());
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 0x20;
    std::fs::write(&path, &bytes).unwrap();

    let (config, _gate) = gated();
    let (doc, thread) = open_with(tmp.path(), config).await;
    let state = doc.state();
    assert!(!state.loading);
    assert!(state.snapshot.members.contains_key(&id));
    let quarantined: Vec<String> = std::fs::read_dir(tmp.path().join("quarantine"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        quarantined.iter().any(|n| n.contains("view")),
        "{quarantined:?}"
    );
    close(doc, thread).await;
}
