//! The bureau's settings between real nodes on loopback: an admin's change of a norm and of
//! the feed secret reaches an editor's node, whose findings follow it and whose feed addresses
//! open there too (a key is the same on every node); the editor's own attempt is refused with
//! 403 and changes nothing anywhere.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Node, join_ok, wait_until};

const DEADLINE: Duration = Duration::from_secs(60);

/// The `booth-team-too-small` findings a node shows.
fn too_small(node: &Node) -> usize {
    node.try_json("/api/findings")
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter(|f| f["kind"] == "booth-team-too-small")
        .count()
}

fn solo(node: &Node) -> Value {
    node.try_json("/api/settings")
        .map(|v| v["interpretation"]["booth_solo_max_minutes"]["value"].clone())
        .unwrap_or(Value::Null)
}

#[test]
fn an_admins_settings_reach_every_node_and_an_editors_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Alice"]);
    let id = |v: Value| v["id"].as_str().expect("an id").to_owned();
    let room = id(a
        .post(
            "/api/rooms",
            &json!({"name": "Hall", "booths": ["en", "fr"]}),
        )
        .expect(201));
    let interpreter = id(a
        .post(
            "/api/interpreters",
            &json!({"name": "Nadia", "languages": {"a": ["fr"], "b": ["en"]}}),
        )
        .expect(201));
    let meeting = id(a
        .post(
            "/api/meetings",
            &json!({"title": "An hour", "start": "2026-12-07T09:00", "end": "2026-12-07T10:00",
                    "room_id": room, "languages": ["en", "fr"]}),
        )
        .expect(201));
    a.patch(
        &format!("/api/meetings/{meeting}"),
        &json!({"booths": [{"language": "fr", "interpreters": [interpreter]}]}),
    )
    .expect(200);
    assert_eq!(too_small(&a), 1, "an hour alone is past the default norm");

    join_ok(&tmp.path().join("b"), &a.invite("editor"), "Bob");
    let b = Node::start(&tmp.path().join("b"), &[]);
    let diag = || format!("--- A\n{}\n--- B\n{}", a.log_tail(30), b.log_tail(30));
    wait_until("B shows the finding", DEADLINE, || too_small(&b) == 1, diag);

    // The admin turns the norm and the feeds on; B follows.
    a.patch("/api/settings", &json!({"booth_solo_max_minutes": 60}))
        .expect(200);
    let feeds = a.post("/api/feeds/rotate", &json!({})).expect(200);
    wait_until(
        "B has the new norm and no finding",
        DEADLINE,
        || solo(&b) == 60 && too_small(&b) == 0,
        diag,
    );
    assert_eq!(too_small(&a), 0);
    // A feed key is the same on every node: A's room address opens on B's own address.
    let path = feeds["rooms"][&room]
        .as_str()
        .and_then(|u| u.split_once("/cal/"))
        .map(|(_, rest)| format!("/cal/{rest}"))
        .expect("the room's feed");
    wait_until(
        "B serves the room's feed with A's key",
        DEADLINE,
        || {
            let res = b.request("GET", &path, &[("Host".to_owned(), b.host())], b"");
            res.status == 200 && String::from_utf8_lossy(&res.body).contains("An hour")
        },
        diag,
    );

    // The editor cannot change a setting or the secret. (Both nodes settled and equal first,
    // so that a change arriving late is not taken for one of these.)
    a.wait_settled();
    b.wait_settled();
    wait_until(
        "A and B hold the same document",
        DEADLINE,
        || a.heads() == b.heads(),
        diag,
    );
    let heads = b.heads();
    let res = b.patch("/api/settings", &json!({"booth_solo_max_minutes": 30}));
    assert_eq!(res.status, 403, "{:?}", String::from_utf8_lossy(&res.body));
    let res = b.post("/api/feeds/rotate", &json!({}));
    assert_eq!(res.status, 403, "{:?}", String::from_utf8_lossy(&res.body));
    assert_eq!(b.heads(), heads, "nothing written on B");
    assert_eq!(solo(&b), 60);
    assert_eq!(solo(&a), 60);
}
