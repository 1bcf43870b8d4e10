//! Peer sync between real nodes on loopback: joining through invite codes, concurrent edits
//! while paused and their convergence (conflicts, findings, resolution), a `kill -9` in the
//! middle of sync, and membership (strangers, bad invites, revocation, observers).
//!
//! Every wait polls a condition with a deadline; a missed deadline prints every node's
//! `/api/status` and the tail of its log.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::support::{
    Node, Rng, api_error, bureau_cmd, join, join_ok, run_with_deadline, sorted_heads, wait_until,
};

/// How long nodes get to converge (debug build, busy 2-core machine).
const CONVERGE: Duration = Duration::from_secs(30);
/// How long a revoked device's connections may stay open on the members that know of it.
const CUT_OFF: Duration = Duration::from_secs(5);
/// How soon a restarted node must be reconnected to a peer that kept dialling it.
const RECONNECT: Duration = Duration::from_secs(8);
/// How long the absence of something that must never arrive is watched for.
const WATCH_ABSENCE: Duration = Duration::from_secs(3);
/// How long a CLI command may run.
const CLI_DEADLINE: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A node with a label for messages.
type Named<'a> = (&'a str, &'a Node);

fn try_status(node: &Node) -> Option<Value> {
    node.try_json("/api/status")
}

/// Every node's status and log tail.
fn diag(nodes: &[Named<'_>]) -> String {
    let mut out = String::new();
    for (label, node) in nodes {
        let status = try_status(node).map_or_else(
            || "(no answer)".to_owned(),
            |s| serde_json::to_string_pretty(&s).unwrap_or_default(),
        );
        let get = |path: &str| {
            node.try_request("GET", path, &node.default_headers(), b"")
                .map_or_else(|e| format!("({e})"), |r| r.text())
        };
        out.push_str(&format!(
            "===== {label} ({}) status:\n{status}\n===== {label} conflicts: {}\n\
             ===== {label} findings: {}\n===== {label} log tail:\n{}\n",
            node.dir.display(),
            get("/api/conflicts"),
            get("/api/findings"),
            node.log_tail(4000)
        ));
    }
    out
}

/// The entry for `peer_id` in a status's `peers`.
fn peer_entry<'a>(status: &'a Value, peer_id: &str) -> Option<&'a Value> {
    status["peers"]
        .as_array()?
        .iter()
        .find(|p| p["peer_id"] == peer_id)
}

fn is_connected(status: &Value, peer_id: &str) -> bool {
    peer_entry(status, peer_id).is_some_and(|p| p["connected"] == true)
}

/// Whether every node answers, holds the same bureau (not none) and has equal heads.
fn same_heads(statuses: &[Value]) -> bool {
    let first = &statuses[0];
    first["bureau_id"].as_str().is_some_and(|b| !b.is_empty())
        && statuses
            .iter()
            .all(|s| s["bureau_id"] == first["bureau_id"] && sorted_heads(s) == sorted_heads(first))
}

/// Whether `statuses` (one per node, in order) show every link `(i, j)` connected both ways,
/// and every connected peer of every node in sync.
fn links_in_sync(statuses: &[Value], links: &[(usize, usize)]) -> bool {
    let ids: Vec<&str> = statuses
        .iter()
        .map(|s| s["peer_id"].as_str().unwrap_or_default())
        .collect();
    let linked = links
        .iter()
        .all(|&(i, j)| is_connected(&statuses[i], ids[j]) && is_connected(&statuses[j], ids[i]));
    let all_in_sync = statuses.iter().all(|s| {
        s["peers"].as_array().is_some_and(|peers| {
            peers
                .iter()
                .filter(|p| p["connected"] == true)
                .all(|p| p["in_sync"] == true)
        })
    });
    linked && all_in_sync
}

/// Statuses of all nodes, or `None` if one does not answer.
fn all_statuses(nodes: &[Named<'_>]) -> Option<Vec<Value>> {
    nodes.iter().map(|(_, n)| try_status(n)).collect()
}

/// Waits until all nodes have equal heads, the links are up both ways, and every connected
/// peer is in sync; `extra` must hold too. Returns how long it took.
fn wait_converged(
    what: &str,
    nodes: &[Named<'_>],
    links: &[(usize, usize)],
    mut extra: impl FnMut() -> bool,
) -> Duration {
    wait_until(
        what,
        CONVERGE,
        || {
            all_statuses(nodes).is_some_and(|st| same_heads(&st) && links_in_sync(&st, links))
                && extra()
        },
        || diag(nodes),
    )
}

/// `bureau invite ARGS` against the running node; returns the code it prints.
fn invite_cli(node: &Node, args: &[&str]) -> String {
    let mut cmd = bureau_cmd(&node.dir);
    cmd.arg("invite").args(args);
    let out = run_with_deadline(cmd, CLI_DEADLINE);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "invite {args:?} failed with {}: {stderr}",
        out.status
    );
    // The short code to type, then the link.
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines.len() == 2
            && matches!(bureau_net::ShortCode::parse(lines[0]), Ok(Some(_)))
            && lines[1].starts_with("bureau1-"),
        "invite printed something else than a code and a link on stdout: {stdout:?}"
    );
    lines[1].to_owned()
}

/// `POST /api/invites`; returns the link (the short code is checked for its shape and length).
fn invite_api(node: &Node, body: &Value) -> String {
    let res = node.post("/api/invites", body).expect(201);
    let short = res["code"].as_str().unwrap_or_default();
    assert!(
        short.len() < 40 && matches!(bureau_net::ShortCode::parse(short), Ok(Some(_))),
        "{res}"
    );
    let code = res["link"].as_str().unwrap_or_default().to_owned();
    assert!(code.starts_with("bureau1-"), "{res}");
    assert!(
        res["expires_at"].as_str().is_some_and(|e| !e.is_empty()),
        "{res}"
    );
    code
}

/// Fails unless `join` exits non-zero with a message containing `want`.
fn join_refused(dir: &Path, code: &str, name: &str, want: &str) {
    let out = join(dir, code, name);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "join as {name} should fail ({want}) but succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr.to_lowercase().contains(want),
        "join as {name} failed ({}) without saying {want:?}: {stderr}",
        out.status
    );
}

/// Live members: id -> name.
fn members(node: &Node) -> BTreeMap<String, String> {
    node.get("/api/members")
        .expect(200)
        .as_array()
        .expect("members is a list")
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap_or_default().to_owned(),
                m["name"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn member_names(node: &Node) -> BTreeSet<String> {
    members(node).into_values().collect()
}

/// Members by id, or `None` if the node does not answer (while polling).
fn try_members(node: &Node) -> Option<BTreeMap<String, String>> {
    let list = node.try_json("/api/members")?;
    Some(
        list.as_array()?
            .iter()
            .map(|m| {
                (
                    m["id"].as_str().unwrap_or_default().to_owned(),
                    m["name"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
    )
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn unix_now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs();
    i64::try_from(secs).expect("a sane clock")
}

const B64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding, written here rather than borrowed from the crate under test.
fn b64url_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = B64URL
            .iter()
            .position(|&x| x == c)
            .unwrap_or_else(|| panic!("{c:?} is not base64url"));
        acc = (acc << 6) | u32::try_from(v).expect("under 64");
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).expect("a byte"));
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn b64url_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(B64URL[((acc >> bits) & 63) as usize] as char);
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(B64URL[((acc << (6 - bits)) & 63) as usize] as char);
    }
    out
}

/// The JSON inside an invite code.
fn decode_code(code: &str) -> Value {
    let body = code
        .strip_prefix("bureau1-")
        .unwrap_or_else(|| panic!("not a code: {code}"));
    serde_json::from_slice(&b64url_decode(body))
        .unwrap_or_else(|e| panic!("the code's body is not JSON ({e}): {code}"))
}

fn encode_code(v: &Value) -> String {
    format!(
        "bureau1-{}",
        b64url_encode(&serde_json::to_vec(v).expect("JSON"))
    )
}

/// Starts a founder `A` and joins a second node `B` with an invite from `A`; returns both,
/// synced.
fn founder_and_joiner(root: &Path, founder: &str, joiner: &str) -> (Node, Node) {
    let a = Node::start(&root.join("a"), &["--name", founder]);
    let code = invite_cli(&a, &[]);
    join_ok(&root.join("b"), &code, joiner);
    let b = Node::start(&root.join("b"), &[]);
    wait_converged(
        "B received the bureau from A",
        &[("A", &a), ("B", &b)],
        &[(0, 1)],
        || true,
    );
    (a, b)
}

// ---------------------------------------------------------------------------------------------
// 1. Three nodes: invites, concurrent edits while paused, conflicts, findings, resolution
// ---------------------------------------------------------------------------------------------

#[test]
fn three_nodes_join_by_invite_edit_while_paused_and_converge() {
    let (mut rng, seed) = Rng::from_env_or_os("BUREAU_SYNC_SEED");
    eprintln!("seed {seed} (replay with BUREAU_SYNC_SEED={seed})");
    let tmp = tempfile::tempdir().unwrap();
    let started = Instant::now();

    // A founds the bureau; B joins with A's invite; C joins with B's.
    let (a, b) = founder_and_joiner(tmp.path(), "Alice", "Bob");
    let code_c = invite_cli(&b, &["--role", "editor", "--expires", "10m"]);
    join_ok(&tmp.path().join("c"), &code_c, "Carol");
    let c = Node::start(&tmp.path().join("c"), &[]);
    // Nothing tells A and C about each other (no mDNS here): C adds A by address, making a
    // full mesh.
    let res = c.post("/api/peers", &json!({"addr": a.p2p_addr()}));
    res.expect(202);
    let nodes = [("A", &a), ("B", &b), ("C", &c)];
    let mesh = [(0, 1), (1, 2), (0, 2)];
    let everyone = names(&["Alice", "Bob", "Carol"]);
    let took = wait_converged("three nodes form a synced mesh", &nodes, &mesh, || {
        [&a, &b, &c].iter().all(|n| {
            try_members(n).is_some_and(|m| m.into_values().collect::<BTreeSet<_>>() == everyone)
        })
    });
    eprintln!("mesh of three in sync {took:?} after C started");
    // Each knows the others by name and role.
    let sa = a.status();
    for (label, node) in [("B", &b), ("C", &c)] {
        let p = peer_entry(&sa, &node.peer_id())
            .cloned()
            .unwrap_or_default();
        assert_eq!(p["role"], "editor", "A's view of {label}: {p}");
        assert_eq!(p["revoked"], false, "A's view of {label}: {p}");
        assert!(p["last_sync"].is_string(), "A's view of {label}: {p}");
    }
    let member_ids: BTreeSet<String> = [&a, &b, &c]
        .iter()
        .map(|n| {
            n.status()["member_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        member_ids.len(),
        3,
        "three distinct members: {member_ids:?}"
    );

    // A room everyone knows.
    let room = a
        .post("/api/rooms", &json!({"name": "Room 1", "capacity": 40}))
        .expect(201);
    let room_id = room["id"].as_str().unwrap().to_owned();
    wait_converged("the room reached everyone", &nodes, &mesh, || {
        [&a, &b, &c]
            .iter()
            .all(|n| n.try_json(&format!("/api/rooms/{room_id}")).is_some())
    });

    // Airplane mode on all three: every connection is cut.
    for (label, node) in nodes {
        let res = node.post("/api/sync/pause", &json!({})).expect(200);
        assert_eq!(res["paused"], true, "{label}: {res}");
    }
    wait_until(
        "all three are paused with no connection",
        CONVERGE,
        || {
            all_statuses(&nodes).is_some_and(|st| {
                st.iter().all(|s| {
                    s["paused"] == true
                        && s["peers"]
                            .as_array()
                            .is_some_and(|p| p.iter().all(|p| p["connected"] == false))
                })
            })
        },
        || diag(&nodes),
    );

    // Concurrent edits: the same field of one record, and overlapping meetings in that room.
    // Every pair of these overlaps (times in the bureau's zone, Africa/Tunis).
    let slots = [("09:00", "10:00"), ("09:30", "10:30"), ("09:45", "11:00")];
    let mut meeting_ids = BTreeSet::new();
    for ((label, node), (start, end)) in nodes.iter().zip(slots) {
        let renamed = node
            .patch(
                &format!("/api/rooms/{room_id}"),
                &json!({"name": format!("Room 1 ({label})")}),
            )
            .expect(200);
        assert_eq!(renamed["name"], format!("Room 1 ({label})"));
        let m = node
            .post(
                "/api/meetings",
                &json!({"title": format!("{label}'s meeting"),
                        "start": format!("2025-11-17T{start}"),
                        "end": format!("2025-11-17T{end}"), "room_id": room_id}),
            )
            .expect(201);
        meeting_ids.insert(m["id"].as_str().unwrap().to_owned());
    }
    // Still apart: each node has only its own meeting and no conflict.
    for (label, node) in nodes {
        let meetings = node.get("/api/meetings").expect(200);
        assert_eq!(
            meetings.as_array().map(Vec::len),
            Some(1),
            "{label} saw another node's meeting while paused: {meetings}"
        );
        assert_eq!(node.get("/api/conflicts").expect(200), json!([]), "{label}");
    }

    for (label, node) in nodes {
        let res = node.post("/api/sync/resume", &json!({})).expect(200);
        assert_eq!(res["paused"], false, "{label}: {res}");
    }
    let values = names(&["Room 1 (A)", "Room 1 (B)", "Room 1 (C)"]);
    let has_conflict_and_findings = |n: &Node| -> bool {
        let (Some(c), Some(f)) = (n.try_json("/api/conflicts"), n.try_json("/api/findings")) else {
            return false;
        };
        let conflict_ok = c.as_array().is_some_and(|list| {
            list.iter().any(|x| {
                x["type"] == "room"
                    && x["id"] == room_id.as_str()
                    && x["field"] == "name"
                    && x["values"].as_array().is_some_and(|vals| {
                        let got: BTreeSet<String> = vals
                            .iter()
                            .filter_map(|v| v["value"].as_str().map(str::to_owned))
                            .collect();
                        let authors: BTreeSet<String> = vals
                            .iter()
                            .filter_map(|v| v["author"].as_str().map(str::to_owned))
                            .collect();
                        vals.len() == 3 && got == values && authors == member_ids
                    })
            })
        });
        let double_booked = f
            .as_array()
            .map(|list| {
                list.iter()
                    .filter(|x| {
                        x["kind"] == "room-double-booked"
                            && x["refs"].as_array().is_some_and(|refs| {
                                refs.iter()
                                    .any(|r| r["type"] == "room" && r["id"] == room_id.as_str())
                            })
                    })
                    .count()
            })
            .unwrap_or(0);
        // Three meetings overlapping pairwise: three double bookings.
        conflict_ok && double_booked == 3
    };
    let took = wait_converged(
        "after resuming, all three converge with the conflict and the double booking",
        &nodes,
        &mesh,
        || [&a, &b, &c].iter().all(|n| has_conflict_and_findings(n)),
    );
    eprintln!("converged {took:?} after resuming");
    // Replicas with equal heads agree on everything derived from the document.
    let conflicts_a = a.get("/api/conflicts").expect(200);
    let findings_a = a.get("/api/findings").expect(200);
    for (label, node) in [("B", &b), ("C", &c)] {
        assert_eq!(
            node.get("/api/conflicts").expect(200),
            conflicts_a,
            "{label}"
        );
        assert_eq!(node.get("/api/findings").expect(200), findings_a, "{label}");
        let ids: BTreeSet<String> = node
            .get("/api/meetings")
            .expect(200)
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids, meeting_ids, "{label} has all three meetings");
    }

    // One node resolves; the resolution reaches the others.
    let listed: Vec<String> = conflicts_a
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["type"] == "room" && x["field"] == "name")
        .unwrap()["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap().to_owned())
        .collect();
    let pick = listed[usize::try_from(rng.below(3)).unwrap()].clone();
    let (resolver_label, resolver) = nodes[usize::try_from(rng.below(3)).unwrap()];
    eprintln!("{resolver_label} resolves the room's name to {pick:?}");
    let resolved = resolver
        .post(
            "/api/conflicts/resolve",
            &json!({"type": "room", "id": room_id, "field": "name", "value": pick}),
        )
        .expect(200);
    assert_eq!(resolved["name"], pick.as_str(), "{resolved}");
    let took = wait_converged("the resolution reached everyone", &nodes, &mesh, || {
        [&a, &b, &c].iter().all(|n| {
            let room = n.try_json(&format!("/api/rooms/{room_id}"));
            let conflicts = n.try_json("/api/conflicts");
            room.is_some_and(|r| r["name"] == pick.as_str())
                && conflicts.is_some_and(|c| {
                    c.as_array().is_some_and(|l| {
                        !l.iter()
                            .any(|x| x["id"] == room_id.as_str() && x["field"] == "name")
                    })
                })
        })
    });
    eprintln!(
        "resolution everywhere {took:?} later; test took {:?}",
        started.elapsed()
    );
    // Live sessions do not hold up a clean shutdown.
    for node in [a, b, c] {
        node.stop();
    }
}

// ---------------------------------------------------------------------------------------------
// 2. kill -9 in the middle of sync
// ---------------------------------------------------------------------------------------------

/// `editor` creates members in a loop; `victim` is killed with SIGKILL after a random number
/// of them (once they are flowing to it), stays down for `downtime`, is restarted on its data
/// directory with no `--listen` and no `--peer`, and must come back on the same ports,
/// reconnect within [`RECONNECT`] of answering again, and end up with every acknowledged
/// edit. Returns the restarted node.
fn crash_during_sync(
    label: &str,
    editor: (&str, &Node),
    victim: (&str, Node),
    downtime: Duration,
    rng: &mut Rng,
) -> Node {
    let (editor_label, editor) = editor;
    let (victim_label, victim) = victim;
    let victim_dir = victim.dir.clone();
    let victim_id = victim.peer_id();
    let editor_id = editor.peer_id();
    let listen_before = victim.status()["listen"].clone();
    let kill_after = 5 + usize::try_from(rng.below(40)).unwrap();
    eprintln!("{label}: {victim_label} is killed after {kill_after} acknowledged edits");

    let acked: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
    let count = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    /// Stops the writer when the test leaves the scope, failing or not (the scope waits for
    /// the writer).
    struct StopOnDrop<'a>(&'a AtomicBool);
    impl Drop for StopOnDrop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let restarted = std::thread::scope(|s| {
        let _stop_writer = StopOnDrop(&stop);
        let writer = s.spawn(|| {
            for i in 0..5000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let name = format!("{label} delegate {i}");
                let res = editor.post("/api/members", &json!({"name": name}));
                assert_eq!(res.status, 201, "edit {i} refused: {}", res.text());
                let id = res.json()["id"].as_str().unwrap().to_owned();
                acked.lock().unwrap().push((id, name));
                count.fetch_add(1, Ordering::Relaxed);
            }
        });
        // It is killed while syncing: the edits are reaching it.
        wait_until(
            "the victim received the first edits",
            CONVERGE,
            || {
                let first = acked.lock().unwrap().first().cloned();
                first.is_some_and(|(id, _)| {
                    try_members(&victim).is_some_and(|m| m.contains_key(&id))
                })
            },
            || diag(&[(editor_label, editor), (victim_label, &victim)]),
        );
        wait_until(
            "the editor made its edits before the kill",
            CONVERGE,
            || count.load(Ordering::Relaxed) >= kill_after || writer.is_finished(),
            || diag(&[(editor_label, editor), (victim_label, &victim)]),
        );
        victim.kill9();
        // The scenario, not a wait for a condition: the node stays down this long while the
        // other goes on editing (and dialling it).
        std::thread::sleep(downtime);
        let restarted = Node::start_exact(&victim_dir, &["--no-mdns"]);
        // The ports it listened on are remembered, so the addresses others hold stay valid.
        assert_eq!(
            restarted.status()["listen"],
            listen_before,
            "{victim_label} came back on other ports"
        );
        let took = wait_until(
            "the restarted node reconnected by itself (no --peer)",
            RECONNECT,
            || {
                try_status(&restarted).is_some_and(|s| is_connected(&s, &editor_id))
                    && try_status(editor).is_some_and(|s| is_connected(&s, &victim_id))
            },
            || diag(&[(editor_label, editor), (victim_label, &restarted)]),
        );
        eprintln!("{label}: reconnected {took:?} after the restart answered");
        // A few more edits while connected, then stop.
        let seen = count.load(Ordering::Relaxed);
        wait_until(
            "the editor went on after the reconnection",
            CONVERGE,
            || count.load(Ordering::Relaxed) >= seen + 5 || writer.is_finished(),
            || diag(&[(editor_label, editor), (victim_label, &restarted)]),
        );
        stop.store(true, Ordering::Relaxed);
        writer.join().expect("the writer thread does not panic");
        restarted
    });
    let acked = acked.into_inner().unwrap();
    eprintln!(
        "{label}: {} edits acknowledged by {editor_label}",
        acked.len()
    );
    assert!(acked.len() >= kill_after, "the editor stopped early");
    let pair = [(editor_label, editor), (victim_label, &restarted)];
    let took = wait_converged(
        "the restarted node converged with the editor",
        &pair,
        &[(0, 1)],
        || {
            try_members(&restarted).is_some_and(|m| {
                acked
                    .iter()
                    .all(|(id, name)| m.get(id).map(String::as_str) == Some(name.as_str()))
            })
        },
    );
    eprintln!("{label}: converged {took:?} after the edits stopped");
    assert_eq!(
        members(&restarted),
        members(editor),
        "{label}: the members differ"
    );
    restarted
}

#[test]
fn a_node_killed_during_sync_restarts_from_disk_and_converges() {
    let (mut rng, seed) = Rng::from_env_or_os("BUREAU_SYNC_SEED");
    eprintln!("seed {seed} (replay with BUREAU_SYNC_SEED={seed})");
    let tmp = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (a, b) = founder_and_joiner(tmp.path(), "Alice", "Bob");
    // The joiner dies; it dials its remembered inviter when it comes back.
    let b = crash_during_sync("round 1", ("A", &a), ("B", b), Duration::ZERO, &mut rng);
    // The founder dies and stays down a while; it knows no address of the joiner (which
    // dialled in), so the joiner, which failed to reach it meanwhile, must find it again on
    // its remembered port soon after it is back.
    let a = crash_during_sync(
        "round 2",
        ("B", &b),
        ("A", a),
        Duration::from_secs(6),
        &mut rng,
    );
    let sa = a.status();
    let sb = b.status();
    assert_eq!(sorted_heads(&sa), sorted_heads(&sb));
    eprintln!("kill -9 test took {:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------------
// 3. Membership
// ---------------------------------------------------------------------------------------------

#[test]
fn an_uninvited_node_gets_no_data_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Alice"]);
    a.post("/api/members", &json!({"name": "Secret Delegate"}))
        .expect(201);
    let before = a.status();
    let a_members = member_names(&a);
    let a_id = a.peer_id();

    let stranger = Node::start(
        &tmp.path().join("stranger"),
        &["--name", "Stranger", "--peer", &a.p2p_addr()],
    );
    let s_id = stranger.peer_id();
    let nodes = [("A", &a), ("stranger", &stranger)];
    wait_until(
        "the stranger is connected to A",
        CONVERGE,
        || {
            try_status(&stranger).is_some_and(|s| is_connected(&s, &a_id))
                && try_status(&a).is_some_and(|s| is_connected(&s, &s_id))
        },
        || diag(&nodes),
    );
    // A member would have the bureau within a second of connecting; the stranger never
    // does, and nothing of it reaches A.
    let watch = Instant::now();
    while watch.elapsed() < WATCH_ABSENCE {
        let s = stranger.status();
        assert_ne!(s["bureau_id"], before["bureau_id"], "{}", diag(&nodes));
        let got = member_names(&stranger);
        assert_eq!(
            got,
            names(&["Stranger"]),
            "the stranger's document holds A's records\n{}",
            diag(&nodes)
        );
        let now = a.status();
        assert_eq!(
            sorted_heads(&now),
            sorted_heads(&before),
            "A's document changed\n{}",
            diag(&nodes)
        );
        assert_eq!(member_names(&a), a_members, "{}", diag(&nodes));
        for (st, other) in [(&s, &a_id), (&now, &s_id)] {
            let p = peer_entry(st, other).cloned().unwrap_or_default();
            assert_ne!(p["in_sync"], true, "{p}\n{}", diag(&nodes));
            assert!(p["role"].is_null(), "a stranger has no role: {p}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn expired_used_forged_and_garbage_invites_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Alice"]);
    let devices_before = a.get("/api/devices").expect(200);

    // Expired: valid for one second.
    let expiring = invite_cli(&a, &["--expires", "1s"]);
    let expires_at = decode_code(&expiring)["e"]
        .as_i64()
        .expect("the code carries its expiry");
    let also_expiring = invite_api(&a, &json!({"role": "editor", "expires_in": 1}));
    let expires_at_api = decode_code(&also_expiring)["e"].as_i64().unwrap();
    wait_until(
        "the invites' expiry passed",
        Duration::from_secs(10),
        || unix_now() > expires_at.max(expires_at_api),
        || format!("now {} expires_at {expires_at}", unix_now()),
    );
    join_refused(&tmp.path().join("late"), &expiring, "Late", "expired");
    join_refused(&tmp.path().join("late2"), &also_expiring, "Late", "expired");

    // Forged: a valid code with another secret.
    let genuine = invite_api(&a, &json!({"role": "editor"}));
    let mut forged = decode_code(&genuine);
    let secret = forged["s"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 32, "{forged}");
    let other: String = secret
        .chars()
        .map(|c| if c == '0' { '1' } else { '0' })
        .collect();
    forged["s"] = json!(other);
    join_refused(
        &tmp.path().join("forger"),
        &encode_code(&forged),
        "Forger",
        "not valid",
    );
    // The forgery burnt nothing: the genuine code still works, once.
    join_ok(&tmp.path().join("bob"), &genuine, "Bob");
    join_refused(&tmp.path().join("again"), &genuine, "Again", "already used");

    // Garbage.
    for text in [
        "hello",
        "bureau1-",
        "bureau1-!!!!",
        &genuine[..genuine.len() / 2],
    ] {
        join_refused(
            &tmp.path().join("garbage"),
            text,
            "Garbage",
            "not a bureau invite",
        );
    }

    // Only Bob was added.
    let devices = a.get("/api/devices").expect(200);
    assert_eq!(
        devices.as_array().map(Vec::len),
        devices_before.as_array().map(|d| d.len() + 1),
        "{devices}"
    );
    assert_eq!(member_names(&a), names(&["Alice", "Bob"]));
}

#[test]
fn a_revoked_device_is_cut_off_and_its_later_edits_reach_no_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = founder_and_joiner(tmp.path(), "Alice", "Bob");
    let code = invite_cli(&b, &[]);
    join_ok(&tmp.path().join("c"), &code, "Carol");
    let c = Node::start(&tmp.path().join("c"), &[]);
    c.post("/api/peers", &json!({"addr": a.p2p_addr()}))
        .expect(202);
    let nodes = [("A", &a), ("B", &b), ("C", &c)];
    wait_converged(
        "three nodes form a synced mesh",
        &nodes,
        &[(0, 1), (1, 2), (0, 2)],
        || true,
    );
    let c_id = c.peer_id();

    let revoked = a.delete(&format!("/api/devices/{c_id}")).expect(200);
    assert_eq!(revoked["revoked"], true, "{revoked}");
    let took = wait_until(
        "A and B closed the revoked device's connections",
        CUT_OFF,
        || {
            [&a, &b].iter().all(|n| {
                try_status(n).is_some_and(|s| {
                    peer_entry(&s, &c_id)
                        .is_some_and(|p| p["revoked"] == true && p["connected"] == false)
                })
            })
        },
        || diag(&nodes),
    );
    eprintln!("C was cut off {took:?} after the revocation");

    // C edits. If it heard of its revocation its API refuses; if not, it accepts, and the
    // edit must never reach A or B.
    let res = c.post("/api/members", &json!({"name": "Late Addition"}));
    match res.status {
        201 => eprintln!("C did not hear of its revocation and accepted the edit"),
        403 => {
            let e = api_error(&res);
            assert_eq!(e.code, "not_member", "{}", res.text());
            eprintln!("C knows it is revoked: {}", e.message);
        }
        other => panic!("unexpected answer {other} from C: {}", res.text()),
    }
    // A and B agree with each other...
    wait_converged(
        "A and B converged with each other",
        &[("A", &a), ("B", &b)],
        &[(0, 1)],
        || true,
    );
    // ...and C's edit never arrives, nor does C get back in.
    let watch = Instant::now();
    while watch.elapsed() < WATCH_ABSENCE {
        for (label, node) in [("A", &a), ("B", &b)] {
            assert!(
                !member_names(node).contains("Late Addition"),
                "the revoked device's edit reached {label}\n{}",
                diag(&nodes)
            );
            let st = node.status();
            assert!(
                !is_connected(&st, &c_id),
                "{label} let the revoked device back in\n{}",
                diag(&nodes)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn an_observer_receives_the_bureau_and_cannot_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Alice"]);
    a.post("/api/members", &json!({"name": "Dana Delegate"}))
        .expect(201);
    let code = invite_cli(&a, &["--role", "observer"]);
    assert_eq!(decode_code(&code)["r"], "observer");
    join_ok(&tmp.path().join("o"), &code, "Olga");
    let o = Node::start(&tmp.path().join("o"), &[]);
    let nodes = [("A", &a), ("observer", &o)];
    wait_converged(
        "the observer received the bureau",
        &nodes,
        &[(0, 1)],
        || try_members(&o).is_some_and(|m| try_members(&a).is_some_and(|ma| ma == m)),
    );
    assert_eq!(member_names(&o), names(&["Alice", "Dana Delegate", "Olga"]));
    let o_id = o.peer_id();
    let seen_by_a = peer_entry(&a.status(), &o_id).cloned().unwrap_or_default();
    assert_eq!(seen_by_a["role"], "observer", "{seen_by_a}");

    let heads = sorted_heads(&o.status());
    let member = members(&o)
        .into_iter()
        .find(|(_, n)| n == "Dana Delegate")
        .unwrap()
        .0;
    for res in [
        o.post("/api/members", &json!({"name": "Sneaky"})),
        o.patch(
            &format!("/api/members/{member}"),
            &json!({"name": "Renamed"}),
        ),
        o.delete(&format!("/api/members/{member}")),
        o.post("/api/rooms", &json!({"name": "Room O"})),
    ] {
        assert_eq!(res.status, 403, "{}", res.text());
        assert_eq!(api_error(&res).code, "observer", "{}", res.text());
    }
    assert_eq!(
        sorted_heads(&o.status()),
        heads,
        "a refused edit left a trace"
    );
    assert_eq!(sorted_heads(&a.status()), heads);
}

// ---------------------------------------------------------------------------------------------
// 7. Devices publish their addresses in the document, so members meet without being introduced
// ---------------------------------------------------------------------------------------------

#[test]
fn a_device_that_joined_through_another_member_is_dialled_directly() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = founder_and_joiner(tmp.path(), "Alice", "Bob");
    // C is invited by B and told nothing about A.
    let code = invite_cli(&b, &[]);
    join_ok(&tmp.path().join("c"), &code, "Carol");
    let c = Node::start(&tmp.path().join("c"), &[]);
    let nodes = [("A", &a), ("B", &b), ("C", &c)];
    let c_id = c.peer_id();
    // Every node's device record carries its listen addresses ...
    wait_until(
        "C's device record names C's listen address, as seen on A",
        CONVERGE,
        || {
            a.try_json(&format!("/api/devices/{c_id}"))
                .is_some_and(|d| {
                    let listen = try_status(&c)
                        .map(|s| s["listen"].clone())
                        .unwrap_or_default();
                    d["addrs"].as_array().is_some_and(|addrs| {
                        !addrs.is_empty()
                            && addrs
                                .iter()
                                .all(|x| listen.as_array().is_some_and(|l| l.contains(x)))
                    })
                })
        },
        || diag(&nodes),
    );
    // ... so A and C connect directly, with no address given to either, and sync.
    wait_converged(
        "A and C connect directly through the published addresses",
        &nodes,
        &[(0, 1), (1, 2), (0, 2)],
        || {
            try_status(&a)
                .is_some_and(|s| peer_entry(&s, &c_id).is_some_and(|p| p["connected"] == true))
        },
    );
    let via = try_status(&a)
        .and_then(|s| peer_entry(&s, &c_id).cloned())
        .unwrap_or_default();
    assert!(
        via["source"] == "bureau" || via["source"] == "inbound",
        "A learned of C from the document (or C dialled A after learning of A there): {via}"
    );
}

// ---------------------------------------------------------------------------------------------
// 8. Two releases in one bureau: a node that speaks only /bureau/sync/1
// ---------------------------------------------------------------------------------------------

/// The sync protocol `node`'s running session with `peer_id` speaks, if one runs.
fn session_protocol(node: &Node, peer_id: &str) -> Option<String> {
    let st = try_status(node)?;
    peer_entry(&st, peer_id)?["protocol"]
        .as_str()
        .map(str::to_owned)
}

/// The protocols a device's record lists, as `node` reads it.
fn listed_protocols(node: &Node, peer_id: &str) -> Vec<String> {
    node.try_json(&format!("/api/devices/{peer_id}"))
        .and_then(|d| {
            d["protocols"].as_array().map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str().map(str::to_owned))
                    .collect()
            })
        })
        .unwrap_or_default()
}

#[test]
fn a_node_that_speaks_only_the_first_sync_protocol_syncs_with_the_new_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Alice"]);
    let code = invite_cli(&a, &[]);
    join_ok(&tmp.path().join("b"), &code, "Bob");
    // B plays a node of the previous release: it speaks and lists only /1.
    let b = Node::start(&tmp.path().join("b"), &["--sync-v1-only"]);
    let code = invite_cli(&a, &[]);
    join_ok(&tmp.path().join("c"), &code, "Carol");
    let c = Node::start(&tmp.path().join("c"), &[]);
    let nodes = [("A", &a), ("B", &b), ("C", &c)];
    let ids = [a.peer_id(), b.peer_id(), c.peer_id()];
    let both = vec!["/bureau/sync/1".to_owned(), "/bureau/sync/2".to_owned()];
    wait_until(
        "every device record says which protocols it speaks, as seen on A",
        CONVERGE,
        || {
            listed_protocols(&a, &ids[0]) == both
                && listed_protocols(&a, &ids[1]) == ["/bureau/sync/1"]
                && listed_protocols(&a, &ids[2]) == both
        },
        || diag(&nodes),
    );
    // Sessions opened before the records said so spoke /1; a reconnect picks per peer.
    for (_, n) in &nodes {
        n.post("/api/sync/pause", &json!({})).expect(200);
    }
    let mut edits = Vec::new();
    for (i, (label, n)) in nodes.iter().enumerate() {
        let res = n.post(
            "/api/members",
            &json!({ "name": format!("Offline member {i} of {label}") }),
        );
        edits.push(res.expect(201)["id"].as_str().unwrap().to_owned());
    }
    for (_, n) in &nodes {
        n.post("/api/sync/resume", &json!({})).expect(200);
    }
    let pairs = [(0, 1), (0, 2), (1, 2)];
    wait_converged("the three nodes converge", &nodes, &pairs, || {
        pairs.iter().all(|&(i, j)| {
            session_protocol(nodes[i].1, &ids[j]).is_some()
                && session_protocol(nodes[j].1, &ids[i]).is_some()
        })
    });
    for (_, n) in &nodes {
        let have = members(n);
        for id in &edits {
            assert!(
                have.contains_key(id),
                "a member made offline is missing: {id}"
            );
        }
    }
    // /2 between the two new nodes, /1 with the old one, on both ends of each link.
    let want = |i: usize, j: usize| {
        if i == 1 || j == 1 {
            "/bureau/sync/1"
        } else {
            "/bureau/sync/2"
        }
    };
    for &(i, j) in &pairs {
        for (x, y) in [(i, j), (j, i)] {
            assert_eq!(
                session_protocol(nodes[x].1, &ids[y]).as_deref(),
                Some(want(x, y)),
                "{} with {}:\n{}",
                nodes[x].0,
                nodes[y].0,
                diag(&nodes)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 9. Sync states are saved while a session runs, so a crash costs a reconnect no more
// ---------------------------------------------------------------------------------------------

/// Sync bytes A exchanged with `peer_id` since A started, once the count stopped moving (the
/// node publishes its counters with its once-a-second status).
fn settled_sync_bytes(a: &Node, peer_id: &str, nodes: &[Named<'_>]) -> u64 {
    let read = || {
        try_status(a).and_then(|st| {
            let p = peer_entry(&st, peer_id)?;
            Some(p["sync"]["sent_bytes"].as_u64()? + p["sync"]["received_bytes"].as_u64()?)
        })
    };
    let mut last = None;
    let mut value = 0;
    wait_until(
        "A's sync counters for the peer settle",
        CONVERGE,
        || {
            let now = read();
            let settled = now.is_some() && now == last;
            last = now;
            value = now.unwrap_or_default();
            if !settled {
                // Counters are published once a second: look again after that.
                std::thread::sleep(Duration::from_millis(1_100));
            }
            settled
        },
        || diag(nodes),
    );
    value
}

/// Reconnect bytes after B was stopped (cleanly or with kill -9) right after syncing forty
/// edits from A, and A made three more while B was down.
fn reconnect_bytes_after(root: &Path, kill: bool) -> u64 {
    let (a, b) = founder_and_joiner(root, "Alice", "Bob");
    let b_id = b.peer_id();
    // B's sync state advances with the last of these edits, after this time.
    let mut last_edit_at = SystemTime::now();
    for i in 0..40 {
        last_edit_at = SystemTime::now();
        a.post("/api/members", &json!({ "name": format!("Member {i}") }))
            .expect(201);
    }
    wait_converged(
        "B has A's forty members",
        &[("A", &a), ("B", &b)],
        &[(0, 1)],
        || true,
    );
    let b_dir = b.dir.clone();
    let a_id = a.peer_id();
    if kill {
        // The session's state must be on disk before the crash: wait until B saved it after
        // the last edit was made (no sleep: the file's time is the condition).
        wait_until(
            "B saved its sync state with A while the session ran",
            CONVERGE,
            || {
                std::fs::read_dir(b_dir.join("state")).is_ok_and(|rd| {
                    rd.filter_map(Result::ok).any(|e| {
                        e.file_name().to_string_lossy().contains(&a_id)
                            && e.metadata()
                                .and_then(|m| m.modified())
                                .is_ok_and(|t| t >= last_edit_at)
                    })
                })
            },
            || diag(&[("A", &a), ("B", &b)]),
        );
        b.kill9();
    } else {
        b.stop();
    }
    let before = settled_sync_bytes(&a, &b_id, &[("A", &a)]);
    for i in 0..3 {
        a.post("/api/members", &json!({ "name": format!("Later {i}") }))
            .expect(201);
    }
    let b = Node::start(&b_dir, &[]);
    wait_converged(
        "B catches up after its restart",
        &[("A", &a), ("B", &b)],
        &[(0, 1)],
        || true,
    );
    settled_sync_bytes(&a, &b_id, &[("A", &a), ("B", &b)]) - before
}

/// What a node logs when a session's first message pushed the changes since the last sync.
const LOG_PUSHED: &str = "pushed the changes since the last sync";

/// After a pause, the node with changes the other lacks sends them with the reconnected
/// session's first message (its peer read bundles in the session before), and the other has
/// them all.
#[test]
fn a_reconnect_after_a_pause_pushes_the_changes_on_open() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = founder_and_joiner(tmp.path(), "Alice", "Bob");
    let nodes = [("A", &a), ("B", &b)];
    // Two rounds: the sessions right after the join may speak `/1` (B's record did not list
    // `/2` yet), which has no capability exchange, so the first resume may not push yet; by
    // the second, a `/2` session has told A that B reads bundles. Nothing is pushed before
    // the first pause (a live edit is one change, and a push of fewer than sixteen is no
    // bundle and says nothing).
    for round in 0..2 {
        if round == 0 {
            assert!(!a.log().contains(LOG_PUSHED), "{}", a.log());
        }
        a.post("/api/members", &json!({ "name": format!("Round {round}") }))
            .expect(201);
        wait_converged("B has A's members", &nodes, &[(0, 1)], || true);
        for n in [&a, &b] {
            n.post("/api/sync/pause", &json!({})).expect(200);
        }
        for i in 0..30 {
            a.post(
                "/api/members",
                &json!({ "name": format!("Paused {round} {i}") }),
            )
            .expect(201);
        }
        for n in [&a, &b] {
            n.post("/api/sync/resume", &json!({})).expect(200);
        }
        wait_converged("B has A's thirty members", &nodes, &[(0, 1)], || true);
    }
    wait_until(
        "A logs that its first message pushed them",
        CONVERGE,
        || a.log().contains(LOG_PUSHED),
        || diag(&nodes),
    );
}

/// Two rounds of an edit, a pause and a resume, ending in sync: the sessions right after a
/// join may speak `/1` (B's record did not list `/2` yet), which has no capability exchange;
/// by the second round a `/2` session has told each what the other reads.
fn exchange_on_v2(a: &Node, b: &Node) {
    for round in 0..2 {
        a.post("/api/members", &json!({ "name": format!("Round {round}") }))
            .expect(201);
        wait_converged("B has A's member", &[("A", a), ("B", b)], &[(0, 1)], || {
            true
        });
        for n in [a, b] {
            n.post("/api/sync/pause", &json!({})).expect(200);
        }
        for n in [a, b] {
            n.post("/api/sync/resume", &json!({})).expect(200);
        }
    }
    wait_converged("A and B in sync", &[("A", a), ("B", b)], &[(0, 1)], || true);
}

/// A node remembers across a restart which peers read bundles (`peers.json`): its first
/// session after the restart pushes the changes the peer lacks on open, as a session after a
/// pause does, instead of waiting a round trip for the peer's exchange.
#[test]
fn the_first_session_after_a_restart_pushes_the_changes_on_open() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = founder_and_joiner(tmp.path(), "Alice", "Bob");
    let b_id = b.peer_id();
    let a_dir = a.dir.clone();
    exchange_on_v2(&a, &b);
    b.post("/api/sync/pause", &json!({})).expect(200);
    // The ended session's exchange is written down.
    let remembered = || {
        std::fs::read_to_string(a_dir.join("peers.json")).is_ok_and(|text| {
            serde_json::from_str::<serde_json::Value>(&text)
                .is_ok_and(|v| v[&b_id]["reads_bundles"] == json!(true))
        })
    };
    wait_until(
        "A's peers.json says B reads bundles",
        CONVERGE,
        remembered,
        || diag(&[("A", &a), ("B", &b)]),
    );
    for i in 0..30 {
        a.post("/api/members", &json!({ "name": format!("Offline {i}") }))
            .expect(201);
    }
    a.stop();
    assert!(remembered(), "A's clean stop kept what it knew");
    let a = Node::start(&a_dir, &[]);
    assert!(!a.log().contains(LOG_PUSHED));
    b.post("/api/sync/resume", &json!({})).expect(200);
    let nodes = [("A", &a), ("B", &b)];
    wait_converged("B has A's thirty members", &nodes, &[(0, 1)], || true);
    wait_until(
        "A's first session after its restart pushed them on open",
        CONVERGE,
        || a.log().contains(LOG_PUSHED),
        || diag(&nodes),
    );
}

/// A node names its capability set in an eight-byte `Hello` to a peer whose earlier session
/// said it reads that (`sets/1`), instead of listing the names (83 bytes), and it remembers
/// so across a restart (`peers.json`, written while the session still runs, so a `kill -9`
/// does not lose it). The test speaks for B over a raw stream, as B's identity, and reads
/// the first frame A sends.
#[test]
fn a_node_names_its_capability_set_to_a_peer_that_read_it_before() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = founder_and_joiner(tmp.path(), "Alice", "Bob");
    let b_id = b.peer_id();
    let (a_dir, b_dir) = (a.dir.clone(), b.dir.clone());
    exchange_on_v2(&a, &b);
    let remembered = || {
        std::fs::read_to_string(a_dir.join("peers.json")).is_ok_and(|text| {
            serde_json::from_str::<Value>(&text).is_ok_and(|v| v[&b_id]["caps_set"] == json!(1))
        })
    };
    wait_until(
        "A's peers.json says B reads short Hellos",
        CONVERGE,
        remembered,
        || a.log_tail(4000),
    );
    // A forgets it (a file as an earlier release wrote it) and meets B again: the running
    // session's exchange is written down before the session ends.
    a.stop();
    let path = a_dir.join("peers.json");
    let mut peers: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    peers[&b_id].as_object_mut().unwrap().remove("caps_set");
    std::fs::write(&path, peers.to_string()).unwrap();
    assert!(!remembered());
    let a = Node::start(&a_dir, &[]);
    wait_converged(
        "A and B in sync again",
        &[("A", &a), ("B", &b)],
        &[(0, 1)],
        || true,
    );
    wait_until(
        "A's peers.json says B reads short Hellos, while the session runs",
        CONVERGE,
        remembered,
        || a.log_tail(4000),
    );
    a.kill9();
    b.stop();
    let a = Node::start(&a_dir, &[]);
    let (a_peer, a_addr) = a.p2p_tcp();
    let identity = bureau_net::Identity::from_bytes(
        &std::fs::read(b_dir.join(bureau_net::KEY_FILE)).expect("B's identity key"),
    )
    .expect("a valid identity key");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let first = rt.block_on(async {
        use tokio::io::AsyncReadExt;
        let mut stream = bureau_net::testing::raw_stream(
            &identity,
            &a_peer,
            &a_addr,
            bureau_sync::SYNC_PROTOCOL_V2,
        )
        .await
        .unwrap_or_else(|e| panic!("opening a sync stream to A as B: {e}"));
        let mut first = [0u8; 8];
        tokio::time::timeout(CONVERGE, stream.read_exact(&mut first))
            .await
            .expect("A writes its first frame in time")
            .expect("A's first frame");
        first
    });
    // A length of four, then the `Hello` kind, an empty list, the set tag and set 1.
    assert_eq!(
        first,
        [0, 0, 0, 4, 0, 0, 1, 1],
        "A's first frame; log:\n{}",
        a.log_tail(4000)
    );
}

#[test]
fn a_reconnect_after_kill_9_costs_what_one_after_a_clean_stop_costs() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = reconnect_bytes_after(&tmp.path().join("clean"), false);
    let crashed = reconnect_bytes_after(&tmp.path().join("crashed"), true);
    eprintln!("reconnect bytes: after a clean stop {clean}, after kill -9 {crashed}");
    assert!(
        crashed <= 2 * clean,
        "a reconnect after kill -9 moved {crashed} bytes, more than twice the {clean} after a \
         clean stop: the sync state was not saved while the session ran"
    );
}
