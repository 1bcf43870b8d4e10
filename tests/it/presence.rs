//! Presence between real nodes on loopback: node A says its user has a document open in a
//! paragraph; node B lists A's member there within a deadline, and not any more once A leaves
//! or A's node stops. A node of the earlier release (`--sync-v1-only`) is never told, and
//! neither node's document gains a change from it.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Node, join_ok, wait_until};

/// How long nodes get to sync and to tell each other (debug build, busy 2-core machine).
const DEADLINE: Duration = Duration::from_secs(60);
/// How soon someone who left or whose node stopped is gone from the list.
const GONE: Duration = Duration::from_secs(20);

fn json_headers(node: &Node) -> Vec<(String, String)> {
    let mut h = node.default_headers();
    h.push(("Content-Type".to_owned(), "application/json".to_owned()));
    h
}

fn presence(node: &Node, id: &str) -> Vec<Value> {
    node.try_json(&format!("/api/documents/{id}/presence"))
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
}

fn diag(nodes: &[(&str, &Node)], id: &str) -> String {
    nodes
        .iter()
        .map(|(name, n)| {
            format!(
                "--- {name}: presence {:?}\n{}",
                presence(n, id),
                n.log_tail(40)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_peers_presence_shows_on_the_other_node_and_goes_when_it_leaves_or_stops() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Alice"]);
    let doc = a
        .post(
            "/api/documents",
            &json!({"title": "Statement", "text": "First words.\n\nSecond paragraph.\nThird one."}),
        )
        .expect(201);
    let id = doc["id"].as_str().unwrap().to_owned();
    join_ok(&tmp.path().join("b"), &a.invite("editor"), "Bob");
    let b = Node::start(&tmp.path().join("b"), &[]);
    // C plays a node of the earlier release: it speaks only /bureau/sync/1.
    join_ok(&tmp.path().join("c"), &a.invite("editor"), "Carol");
    let c = Node::start(&tmp.path().join("c"), &["--sync-v1-only"]);
    let nodes = [("A", &a), ("B", &b), ("C", &c)];
    wait_until(
        "B and C hold the document",
        DEADLINE,
        || {
            b.try_json(&format!("/api/documents/{id}")).is_some()
                && c.try_json(&format!("/api/documents/{id}")).is_some()
        },
        || diag(&nodes, &id),
    );
    // Bad input names its field.
    let res = a.request(
        "PUT",
        &format!("/api/documents/{id}/presence"),
        &json_headers(&a),
        br#"{"paragraph": "two"}"#,
    );
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["error"]["field"], "paragraph");
    let res = a.request(
        "PUT",
        "/api/documents/nope/presence",
        &json_headers(&a),
        br#"{"paragraph": 1}"#,
    );
    assert_eq!(res.status, 404);

    let put = |paragraph: u32| {
        let res = a.request(
            "PUT",
            &format!("/api/documents/{id}/presence"),
            &json_headers(&a),
            json!({ "paragraph": paragraph }).to_string().as_bytes(),
        );
        assert_eq!(res.status, 204, "{:?}", res.json());
    };
    // Every node has written its own device's addresses and holds the others': from here on
    // nothing edits the document, so any change would be presence's.
    for n in [&a, &b, &c] {
        n.wait_settled();
    }
    wait_until(
        "the three nodes hold the same document",
        DEADLINE,
        || {
            let heads = a.heads();
            b.heads() == heads && c.heads() == heads
        },
        || diag(&nodes, &id),
    );
    let heads = (a.heads(), b.heads());
    put(2);
    let alice = a.get("/api/members").expect(200);
    let alice_id = alice
        .as_array()
        .and_then(|l| l.iter().find(|m| m["name"] == "Alice"))
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .expect("Alice is a member");
    // A keeps saying so, as an open editor does, while B is watched.
    wait_until(
        "B lists Alice in paragraph 2",
        DEADLINE,
        || {
            put(2);
            presence(&b, &id).iter().any(|p| {
                p["name"] == "Alice" && p["member_id"] == alice_id.as_str() && p["paragraph"] == 2
            })
        },
        || diag(&nodes, &id),
    );
    // The node of the earlier release is never told: its sessions speak /1.
    assert!(presence(&c, &id).is_empty(), "{}", diag(&nodes, &id));
    // Presence is never stored: neither document has a change more.
    assert_eq!(
        (a.heads(), b.heads()),
        heads,
        "presence wrote to a document"
    );
    // A leaves: gone from B.
    a.delete(&format!("/api/documents/{id}/presence"))
        .expect(204);
    wait_until(
        "Alice is gone from B's list after she left",
        GONE,
        || presence(&b, &id).is_empty(),
        || diag(&nodes, &id),
    );
    // Back, then A's node stops: gone within seconds.
    wait_until(
        "B lists Alice again",
        DEADLINE,
        || {
            put(0);
            presence(&b, &id).iter().any(|p| p["paragraph"] == 0)
        },
        || diag(&nodes, &id),
    );
    assert!(presence(&c, &id).is_empty(), "{}", diag(&nodes, &id));
    a.stop();
    wait_until(
        "Alice is gone from B's list once her node stopped",
        GONE,
        || presence(&b, &id).is_empty(),
        || diag(&[("B", &b), ("C", &c)], &id),
    );
}
