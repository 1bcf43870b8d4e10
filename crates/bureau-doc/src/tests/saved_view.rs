//! The view saved for the next start (`crate::saved_view`): shown at once when the files are
//! the ones it was saved from, never otherwise, and replaced by the loaded document.

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

/// A view saved from other files (here: before the last edit) is never shown, whatever it
/// holds; the node starts from its files as it always did.
#[tokio::test(flavor = "multi_thread")]
async fn a_view_of_other_files_is_not_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, thread) = open(tmp.path()).await;
    init(&doc).await;
    close(doc, thread).await;
    let old = std::fs::read(view_file(tmp.path())).expect("a saved view");

    let (doc, thread) = open(tmp.path()).await;
    let later = create_member(&doc, "Written after the old view").await;
    close(doc, thread).await;
    std::fs::write(view_file(tmp.path()), &old).unwrap();

    let (config, _gate) = gated();
    let (doc, thread) = open_with(tmp.path(), config).await;
    let state = doc.state();
    assert!(!state.loading, "the old view was shown");
    assert!(state.snapshot.members.contains_key(&later));
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
