//! A node shows its records at start from the view it saved when it last ran (see
//! `bureau_doc::saved_view`): when the files are those it was saved from, as they are; when
//! the node was killed after writing, before it saved its view again, as an earlier state
//! (`loading_older`), and a record acknowledged since is still answered (once loaded), never
//! a 404.

use std::time::Duration;

use serde_json::json;

use crate::support::{Node, wait_until};

const DEADLINE: Duration = Duration::from_secs(60);

/// What the node logs when it shows a saved view at start.
const SHOWN: &str = "showing the saved view until the document has loaded";

/// The node's state-dir file holding the view.
const VIEW_FILE: &str = "state/view.bin";

#[test]
fn a_stopped_node_starts_from_its_saved_view_and_a_killed_one_from_an_older_one() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path().join("a");

    // First run: a few members, then a clean stop, which saves the view.
    let node = Node::start(&dir, &["--name", "Alice"]);
    node.wait_settled();
    for i in 0..3 {
        node.post("/api/members", &json!({ "name": format!("Group {i}") }))
            .expect(201);
    }
    let before = node.member_names();
    assert!(
        !node.log().contains(SHOWN),
        "a new bureau had no view to show:\n{}",
        node.log_tail(3000)
    );
    node.stop();
    assert!(
        dir.join(VIEW_FILE).is_file(),
        "a clean stop saves the view in {VIEW_FILE}"
    );

    // Second run: the saved view is shown, the document loads behind it, and the node
    // then works as always.
    let node = Node::start(&dir, &[]);
    assert!(
        node.log().contains(SHOWN),
        "a restart after a clean stop shows the saved view:\n{}",
        node.log_tail(3000)
    );
    assert_eq!(
        node.member_names(),
        before,
        "the saved view holds every member"
    );
    wait_until(
        "the document has loaded",
        DEADLINE,
        || node.status()["loading"] == json!(false),
        || node.log_tail(3000),
    );
    node.wait_settled();
    let last = node
        .post("/api/members", &json!({ "name": "Acknowledged Last" }))
        .expect(201);
    let last_id = last["id"].as_str().expect("the new member's id").to_owned();
    let acknowledged = node.member_names();
    assert!(acknowledged.iter().any(|n| n == "Acknowledged Last"));

    // Killed right after the acknowledged edit, before the node was quiet long enough to
    // save its view: the view on disk is of the files before that edit's entry. It is shown
    // as an earlier state; asked for by id, the acknowledged member is answered once the
    // document has loaded, never as missing.
    node.kill9();
    let node = Node::start(&dir, &[]);
    assert!(
        node.log().contains(SHOWN) && node.log().contains("older=true"),
        "a view older than the files is shown as older:\n{}",
        node.log_tail(3000)
    );
    let got = node.get(&format!("/api/members/{last_id}")).expect(200);
    assert_eq!(got["name"], json!("Acknowledged Last"));
    wait_until(
        "the document has loaded",
        DEADLINE,
        || node.status()["loading"] == json!(false),
        || node.log_tail(3000),
    );
    assert_eq!(node.status()["loading_older"], json!(false));
    assert_eq!(
        node.member_names(),
        acknowledged,
        "the killed node's acknowledged edit is there"
    );
    node.stop();
}
