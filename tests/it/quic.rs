//! Peer sync over QUIC alone: two nodes that listen only on QUIC join and converge, and the
//! connection in use is a QUIC one.

use std::time::Duration;

use serde_json::json;

use crate::support::{Node, join, wait_until};

const QUIC_ONLY: &[&str] = &["--listen", "/ip4/127.0.0.1/udp/0/quic-v1", "--no-mdns"];

#[test]
fn nodes_listening_only_on_quic_join_and_sync() {
    let dir = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (dir.path().join("a"), dir.path().join("b"));
    let mut args = QUIC_ONLY.to_vec();
    args.extend(["--name", "Alice"]);
    let a = Node::start(&a_dir, &args);
    assert!(
        a.status()["listen"][0]
            .as_str()
            .unwrap_or_default()
            .contains("/quic-v1"),
        "{}",
        a.status()
    );
    let invite = a
        .post(
            "/api/invites",
            &json!({"role": "editor", "expires_in": 600}),
        )
        .expect(201);
    let out = join(&b_dir, invite["link"].as_str().unwrap(), "Bob");
    assert!(
        out.status.success(),
        "join failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let b = Node::start(&b_dir, QUIC_ONLY);
    let a_id = a.peer_id();
    let diag = || {
        format!(
            "A: {}\nB: {}\nB's log:\n{}",
            a.status(),
            b.status(),
            b.log_tail(3000)
        )
    };
    wait_until(
        "B has A's bureau over QUIC",
        Duration::from_secs(30),
        || {
            let (sa, sb) = (a.status(), b.status());
            sa["heads"] == sb["heads"] && sb["bureau_id"] == sa["bureau_id"]
        },
        diag,
    );
    let peer = b.status()["peers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["peer_id"] == a_id.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("B lists A: {}", b.status()));
    assert_eq!(peer["connected"], true, "{peer}");
    assert!(
        peer["addr"]
            .as_str()
            .unwrap_or_default()
            .contains("/quic-v1"),
        "{peer}"
    );
    // A change travels the other way too.
    b.post("/api/rooms", &json!({"name": "QUIC room"}))
        .expect(201);
    wait_until(
        "A has B's room",
        Duration::from_secs(30),
        || {
            a.get("/api/rooms")
                .json()
                .as_array()
                .is_some_and(|rs| rs.iter().any(|r| r["name"] == "QUIC room"))
        },
        || format!("A: {}\nB: {}", a.status(), b.status()),
    );
}
