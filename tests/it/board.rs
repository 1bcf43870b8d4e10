//! Who has the latest, after partial syncs among real nodes on 127.0.0.1: A and B sync, B and
//! C sync, A and C never meet (each publishes an address where nothing listens, and neither
//! was given the other's), and D joined but never started. A's board must say that B has
//! everything, that C has everything too (through B, which told A of C's heads), that nothing
//! is known of D, and, once C is paused and A edits again, that C lacks A's new changes.

use serde_json::{Value, json};

use crate::support::{Node, join_ok, wait_for};

/// How long a change or a word of heads may take to go round (sessions report heads once a
/// second; a debug build on a busy 2-core machine is slow).
const DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);

/// A loopback address where nothing listens: a port the system handed out and took back.
fn nowhere() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("/ip4/127.0.0.1/tcp/{port}")
}

/// A's board line of the device named `device`.
fn line<'a>(board: &'a Value, device: &str) -> Option<&'a Value> {
    board
        .as_array()?
        .iter()
        .flat_map(|m| m["devices"].as_array().into_iter().flatten())
        .find(|d| d["peer_id"] == device)
}

#[test]
fn the_board_says_who_has_the_latest_directly_through_a_peer_or_not_at_all() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = |n: &str| tmp.path().join(n);
    let a = Node::start(
        &dir("a"),
        &["--name", "Amina Diallo", "--announce", &nowhere()],
    );
    let link_a = a.invite("editor");
    join_ok(&dir("b"), &link_a, "Bea Mensah");
    let b = Node::start(&dir("b"), &[]);
    wait_for(
        "B receives the bureau",
        DEADLINE,
        || {
            (b.status()["bureau_id"] == a.status()["bureau_id"] && b.heads() == a.heads())
                .then_some(())
        },
        || format!("A: {}\nB: {}", a.status(), b.status()),
    );
    let link_b = b.invite("editor");
    join_ok(&dir("c"), &link_b, "Cho Ito");
    let c = Node::start(&dir("c"), &["--announce", &nowhere()]);
    let link_d = a.invite("editor");
    join_ok(&dir("d"), &link_d, "Dina Kamau");
    let ids = [&a, &b, &c].map(|n| n.peer_id());
    let d_id = a
        .get("/api/devices")
        .expect(200)
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["peer_id"].as_str().unwrap().to_owned())
        .find(|p| !ids.contains(p))
        .expect("D's device");

    a.post("/api/groups", &json!({"name": "Article 19"}))
        .expect(201);
    let diag = || {
        format!(
            "A board: {}\nA: {}\nB: {}\nC: {}",
            a.get("/api/board").json(),
            a.status(),
            b.status(),
            c.status()
        )
    };
    wait_for(
        "B and C hold A's edit",
        DEADLINE,
        || (b.heads() == a.heads() && c.heads() == a.heads()).then_some(()),
        diag,
    );
    let board = wait_for(
        "A's board: B and C have everything (C through B), D is unknown",
        DEADLINE,
        || {
            let board = a.get("/api/board").expect(200);
            let (lb, lc, ld) = (
                line(&board, &ids[1])?,
                line(&board, &ids[2])?,
                line(&board, &d_id)?,
            );
            (lb["state"] == "current"
                && lb.get("via").is_none()
                && lc["state"] == "current"
                && lc["via"].is_string()
                && ld["state"] == "unknown")
                .then_some(board)
        },
        diag,
    );
    // A and C never met: C is known only through B.
    let lc = line(&board, &ids[2]).unwrap();
    assert!(
        lc["via"].as_str().is_some_and(|v| v.contains("Bea")),
        "C through Bea's laptop: {lc}"
    );
    let la = line(&board, &ids[0]).unwrap();
    assert_eq!(
        (la["state"].clone(), la["this"].clone()),
        (json!("current"), json!(true))
    );
    assert!(
        a.status()["peers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["peer_id"] != ids[2].as_str() || p["connected"] != true),
        "A and C are never connected: {}",
        a.status()
    );
    // Members by name, each with their devices.
    let names: Vec<&str> = board
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Amina Diallo", "Bea Mensah", "Cho Ito", "Dina Kamau"]
    );

    // C goes offline; A edits again: B gets it, and A learns from B that C has not.
    c.post("/api/sync/pause", &json!({})).expect(200);
    a.post("/api/groups", &json!({"name": "APC"})).expect(201);
    wait_for(
        "B holds A's second edit",
        DEADLINE,
        || (b.heads() == a.heads()).then_some(()),
        diag,
    );
    let board = wait_for(
        "A's board: B has everything, C lacks A's new changes",
        DEADLINE,
        || {
            let board = a.get("/api/board").expect(200);
            let (lb, lc) = (line(&board, &ids[1])?, line(&board, &ids[2])?);
            (lb["state"] == "current" && lc["state"] == "behind").then_some(board)
        },
        diag,
    );
    let lc = line(&board, &ids[2]).unwrap();
    assert!(
        lc["behind_by"].as_u64().is_some_and(|n| n >= 1),
        "C lacks at least the new group: {lc}"
    );
    assert!(lc["last_sync"].is_string(), "{lc}");
}
