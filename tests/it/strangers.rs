//! Strangers on the LAN: peers with no device in the bureau, as many fresh identities as they
//! like, all from one address (127.0.0.1, like a venue's NAT). They may present invites and
//! nothing else, and whatever they do:
//!
//! - an honest `bureau join` with a valid code still succeeds (no limit shared by everyone);
//! - a member that must dial in still connects and syncs (strangers have a budget of their
//!   own and never take a member's connection slot);
//! - nothing about them stays in the node once they are gone (`/api/status` and `/api/peers`
//!   list none of them, and stay small);
//! - a name the inviter would refuse (a line break in it) does not use the invite up.
//!
//! The test plays the strangers itself, over raw libp2p connections
//! (`bureau_net::testing`), each with an identity of its own.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bureau_net::testing::{join_exchange, raw_conn, raw_stream};
use bureau_net::{Identity, JOIN_PROTOCOL};
use serde_json::json;
use tokio::io::AsyncReadExt;

use crate::support::{Node, join, wait_for};

/// How long a join, a sync or a connection may take on a busy 2-core machine.
const DEADLINE: Duration = Duration::from_secs(90);

/// Largest `/api/status` of a node with one or two members, whatever strangers did before.
const STATUS_MAX_BYTES: usize = 16 * 1024;

/// A node that founded a bureau, with its peer id and loopback TCP address.
struct Inviter {
    node: Node,
    peer: String,
    addr: String,
    bureau_id: String,
}

impl Inviter {
    fn start(dir: &Path) -> Inviter {
        let node = Node::start(dir, &[]);
        let bureau_id = node.status()["bureau_id"]
            .as_str()
            .expect("the node holds a bureau")
            .to_owned();
        let (peer, addr) = node.p2p_tcp();
        Inviter {
            node,
            peer,
            addr,
            bureau_id,
        }
    }

    fn invite(&self) -> String {
        self.node.invite("editor")
    }

    /// The peer ids `/api/status` lists.
    fn listed(&self) -> (Vec<String>, usize) {
        let res = self.node.get("/api/status");
        let status = res.expect(200);
        let ids = status["peers"]
            .as_array()
            .expect("status lists peers")
            .iter()
            .map(|p| p["peer_id"].as_str().expect("a peer id").to_owned())
            .collect();
        (ids, res.body.len())
    }
}

/// `bureau join CODE --name NAME` into `dir`: its exit code and what it printed.
fn bureau_join(dir: &Path, code: &str, name: &str) -> (Option<i32>, String) {
    let out = join(dir, code, name);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

/// One join attempt as a fresh identity with a forged secret, retried while the node refuses
/// the connection itself (the strangers' budget is full of the other forgers). Returns the
/// forger's peer id once the node answered, and checks that it refused.
async fn forge_one(peer: &str, addr: &str) -> String {
    let identity = Identity::generate();
    let until = Instant::now() + DEADLINE;
    loop {
        let attempt = async {
            let mut stream = raw_stream(&identity, peer, addr, JOIN_PROTOCOL).await?;
            join_exchange(&mut stream, &bureau_net::random_hex(16), "Mallory").await
        };
        match attempt.await {
            Ok(answer) => {
                assert_eq!(
                    answer["ok"], false,
                    "a forged secret was accepted: {answer}"
                );
                return identity.peer_id();
            }
            Err(e) => {
                assert!(
                    Instant::now() < until,
                    "a forger never got an answer in {DEADLINE:?}: {e}"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_joins_from_fresh_identities_block_no_one_and_leave_nothing_behind() {
    /// Far more than the 60 attempts a minute that once were the limit for everyone.
    const FORGERS: usize = 200;
    const PARALLEL: usize = 4;
    let tmp = tempfile::tempdir().expect("a temp dir");
    let a = Inviter::start(&tmp.path().join("a"));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..PARALLEL {
        let (peer, addr) = (a.peer.clone(), a.addr.clone());
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for _ in 0..FORGERS / PARALLEL {
                ids.push(forge_one(&peer, &addr).await);
            }
            ids
        }));
    }
    let mut forgers = Vec::new();
    for t in tasks {
        forgers.extend(t.await.expect("a forging task"));
    }
    eprintln!(
        "{} forged join attempts answered in {:?}",
        forgers.len(),
        started.elapsed()
    );

    // An honest joiner from the same address, right after, with a valid code.
    let (code, out) = bureau_join(&tmp.path().join("b"), &a.invite(), "Honest Joiner");
    assert_eq!(code, Some(0), "the valid join was refused:\n{out}");

    // Every forger is gone, and nothing about them is left.
    let (listed, bytes) = wait_for(
        "the node forgets every forger once it is gone",
        DEADLINE,
        || {
            let (listed, bytes) = a.listed();
            let left = listed.iter().filter(|p| forgers.contains(p)).count();
            (left == 0).then_some((listed, bytes))
        },
        String::new,
    );
    eprintln!(
        "/api/status after {FORGERS} forgers: {bytes} bytes, {} peers listed",
        listed.len()
    );
    assert!(
        bytes < STATUS_MAX_BYTES,
        "/api/status is {bytes} bytes after the forgers left"
    );
    let peers = a.node.get("/api/peers").expect(200);
    let peers = peers.as_array().expect("a list");
    assert!(
        peers
            .iter()
            .all(|p| !forgers.iter().any(|f| p["peer_id"] == f.as_str())),
        "/api/peers still lists a forger: {peers:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn strangers_holding_connections_do_not_lock_a_member_out() {
    /// More than every inbound connection a node once took from anyone (128), and more than
    /// the strangers' budget.
    const STRANGERS: usize = 136;
    let tmp = tempfile::tempdir().expect("a temp dir");
    let a = Inviter::start(&tmp.path().join("a"));
    // B joins before the strangers come, and starts once they hold their connections: B
    // has no bureau yet and A does not know where B listens, so B must dial in.
    let b_dir = tmp.path().join("b");
    let (code, out) = bureau_join(&b_dir, &a.invite(), "Member Bea");
    assert_eq!(code, Some(0), "B could not join:\n{out}");

    let stop = Arc::new(AtomicBool::new(false));
    // Strangers that have held a stream open or been refused at least once.
    let settled = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..STRANGERS {
        let (peer, addr) = (a.peer.clone(), a.addr.clone());
        let (stop, settled) = (stop.clone(), settled.clone());
        tasks.push(tokio::spawn(async move {
            // Spread the strangers' first dials over a few seconds (as a patient attacker
            // does), so that they come one handshake at a time.
            tokio::time::sleep(Duration::from_millis(40 * i as u64)).await;
            hold_a_connection(&peer, &addr, &stop, &settled).await;
        }));
    }
    // Once every stranger got a connection or was refused, the strangers hold all A lets
    // them hold; only then does B come.
    wait_for(
        "every stranger got a connection or was refused",
        DEADLINE,
        || (settled.load(Ordering::SeqCst) >= STRANGERS).then_some(()),
        String::new,
    );
    let held = wait_for(
        "strangers hold connections to A",
        DEADLINE,
        || {
            let connected = a.node.status()["peers"]
                .as_array()
                .expect("peers")
                .iter()
                .filter(|p| p["connected"] == true && p["member_id"].is_null())
                .count();
            (connected >= 8).then_some(connected)
        },
        String::new,
    );
    eprintln!("{STRANGERS} strangers, {held} holding a connection to A");

    let b = Node::start(&b_dir, &[]);
    wait_for(
        "B, dialling in, receives the bureau from A",
        DEADLINE,
        || (b.status()["bureau_id"] == a.bureau_id.as_str()).then_some(()),
        String::new,
    );
    let id = a
        .node
        .post("/api/members", &json!({ "name": "Written On A" }))
        .expect(201)["id"]
        .as_str()
        .expect("a member id")
        .to_owned();
    wait_for(
        "an edit on A reaches B",
        DEADLINE,
        || (b.get(&format!("/api/members/{id}")).status == 200).then_some(()),
        String::new,
    );
    stop.store(true, Ordering::SeqCst);
    for t in tasks {
        t.await.expect("a stranger's task");
    }
}

/// How often a stranger opens a new stream, and how long it waits to reconnect.
const REOPEN: Duration = Duration::from_secs(5);

/// A stranger that keeps a connection to the node for as long as it is let: it opens a join
/// stream and sends nothing, again and again on the same connection (every stream keeps an
/// idle connection alive), and reconnects whenever the node drops it or refuses it.
async fn hold_a_connection(peer: &str, addr: &str, stop: &AtomicBool, settled: &AtomicUsize) {
    let identity = Identity::generate();
    let mut counted = false;
    let mut settle = || {
        if !std::mem::replace(&mut counted, true) {
            settled.fetch_add(1, Ordering::SeqCst);
        }
    };
    while !stop.load(Ordering::SeqCst) {
        if let Ok(mut conn) = raw_conn(&identity, peer, addr).await {
            while !stop.load(Ordering::SeqCst) {
                let opened = conn.open(JOIN_PROTOCOL).await;
                settle();
                let Ok(mut stream) = opened else {
                    break;
                };
                // Held until the node answers or ends it (it waits a while for a request),
                // and a new one opened every few seconds.
                let next = tokio::time::Instant::now() + REOPEN;
                let mut buf = [0u8; 256];
                let _ = tokio::time::timeout_at(next, stream.read(&mut buf)).await;
                tokio::time::sleep_until(next).await;
            }
        }
        // Dropped or refused: try again a little later, as a patient attacker does.
        settle();
        tokio::time::sleep(REOPEN).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_name_with_a_line_break_does_not_use_the_invite_up() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let a = Inviter::start(&tmp.path().join("a"));
    let code = a.invite();
    let secret = bureau_net::InviteCode::decode(&code)
        .expect("the node's own code decodes")
        .secret;
    let devices = || {
        a.node
            .get("/api/devices")
            .expect(200)
            .as_array()
            .map_or(0, Vec::len)
    };
    let before = devices();

    // The joiner's side: refused before anything is sent, with what to fix.
    let b_dir = tmp.path().join("b");
    let (exit, out) = bureau_join(&b_dir, &code, "Bea\nHonest");
    assert_eq!(exit, Some(2), "a name with a line break: {out}");
    assert!(
        out.contains("line break"),
        "the message says what to fix: {out}"
    );

    // The inviter's side, for a joiner that does not check: refused, the code still valid.
    let answer = {
        let mut stream = raw_stream(&Identity::generate(), &a.peer, &a.addr, JOIN_PROTOCOL)
            .await
            .expect("a join stream to A");
        join_exchange(&mut stream, &secret, "Bea\nHonest")
            .await
            .expect("A answers")
    };
    assert_eq!(answer["ok"], false, "{answer}");
    let error = answer["error"].as_str().unwrap_or_default();
    assert!(error.contains("still valid"), "{answer}");
    assert_eq!(devices(), before, "no device was added");

    // The corrected retry joins with the same code.
    let (exit, out) = bureau_join(&b_dir, &code, "Bea Honest");
    assert_eq!(exit, Some(0), "the corrected join was refused:\n{out}");
    assert_eq!(devices(), before + 1);
}
