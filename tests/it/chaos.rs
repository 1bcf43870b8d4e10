//! Convergence under chaos: five real nodes, each behind a cutting proxy it announces as its
//! only address, edit through the HTTP API while rounds of random faults hit them: sync paused
//! and resumed, the process stopped (SIGSTOP) and continued, killed (SIGKILL) or terminated
//! (SIGTERM) and restarted on its data directory, a connection cut by the proxy in the middle
//! of the stream. Then everything heals, and every edit any node acknowledged must be on every
//! node, all heads equal, every pair of nodes connected and in sync again, nothing
//! quarantined, and no node may have printed `panicked`.
//!
//! The schedule of faults and edits is drawn from a seed, printed at the start and on
//! failure: `BUREAU_CHAOS_SEED` replays one (alone, unless `BUREAU_CHAOS_SEEDS` says more),
//! `BUREAU_CHAOS_SEEDS=N` runs N seeds in sequence (the first from `BUREAU_CHAOS_SEED` or the
//! OS, the next ones drawn from it), `BUREAU_CHAOS_ROUNDS` sets the rounds per seed. Timing
//! still varies from run to run (which bytes a cut falls in, how far a sync got when a node
//! died), so a replay repeats the faults, not every interleaving.
//!
//! Every wait polls a condition with a deadline meant for a debug build on a busy two-core
//! machine. A failure names the seed and prints each node's log tail (the running processes'
//! through `Node`'s drop, earlier incarnations' from here).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::proxy::Proxy;
use crate::support::{Node, Response, Rng, http, join, send_signal, sorted_heads, wait_until};

/// Nodes in the bureau.
const NODES: usize = 5;
/// Seeds run when neither `BUREAU_CHAOS_SEEDS` nor `BUREAU_CHAOS_SEED` is set.
const DEFAULT_SEEDS: usize = 3;
/// Rounds of faults per seed unless `BUREAU_CHAOS_ROUNDS` says otherwise.
const DEFAULT_ROUNDS: usize = 10;
/// How long five nodes get to find each other and form a synced mesh, and to converge after
/// the heal. Generous: a member that failed to dial is tried again within 2 s, but a session
/// that keeps failing waits up to 30 s before the next, and the machine may be busy.
const CONVERGE: Duration = Duration::from_secs(150);
/// Most nodes stopped or down at once, so the bureau keeps some life.
const MAX_OUT: usize = 2;
/// How many log bytes of an earlier incarnation are kept for a failure's report.
const TAIL: usize = 6000;

/// Where a node's process is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Life {
    Up,
    /// SIGSTOP: the process exists but does not run.
    Frozen,
    /// Killed or terminated, not restarted yet.
    Down,
}

/// What an editor thread may talk to; `up` is false while the node is frozen or down.
#[derive(Debug, Clone)]
struct Endpoint {
    addr: SocketAddr,
    token: String,
    up: bool,
}

/// One node of the bureau across its restarts.
struct Slot {
    label: String,
    dir: PathBuf,
    node: Option<Node>,
    life: Life,
    paused: bool,
    proxy: Proxy,
    endpoint: Arc<Mutex<Endpoint>>,
    incarnation: usize,
}

/// Logs of processes that are gone, and `panicked` lines found in any log; printed on
/// failure with the seed.
#[derive(Default)]
struct Record {
    seed: u64,
    past_logs: Vec<String>,
    panics: Vec<String>,
}

/// Prints the seed and the earlier incarnations' logs if the test is failing when dropped.
/// Declared before the nodes, so it is dropped after them: the seed is the last line.
struct OnFailure(Arc<Mutex<Record>>);

impl Drop for OnFailure {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let rec = self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for log in &rec.past_logs {
                eprintln!("{log}");
            }
            eprintln!(
                "chaos: FAILED with seed {} (replay: BUREAU_CHAOS_SEED={} BUREAU_CHAOS_SEEDS=1)",
                rec.seed, rec.seed
            );
        }
    }
}

/// Stops the editor threads when dropped, failing or not.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().map(|v| {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number"))
    })
}

#[test]
fn five_nodes_converge_after_rounds_of_faults() {
    let explicit = std::env::var_os("BUREAU_CHAOS_SEED").is_some();
    let (mut seeds, first) = Rng::from_env_or_os("BUREAU_CHAOS_SEED");
    let count = env_usize("BUREAU_CHAOS_SEEDS").unwrap_or(if explicit { 1 } else { DEFAULT_SEEDS });
    let rounds = env_usize("BUREAU_CHAOS_ROUNDS").unwrap_or(DEFAULT_ROUNDS);
    eprintln!("chaos: {count} seed(s) of {rounds} round(s), first seed {first}");
    let started = Instant::now();
    for i in 0..count {
        let seed = if i == 0 { first } else { seeds.next_u64() };
        run_seed(seed, rounds);
    }
    eprintln!(
        "chaos: {count} seed(s) of {rounds} round(s) passed in {:?}",
        started.elapsed()
    );
}

/// A member connection that was up and breaks (a Wi-Fi drop, here the proxy cutting it in the
/// middle of a stream) is dialled again at once, not after the backoff of an unreachable
/// peer: each node says so in its log, and an edit made after the cut arrives.
#[test]
fn a_connection_lost_mid_stream_is_dialled_again_at_once() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let (pa, pb) = (Proxy::start(), Proxy::start());
    let a = start_behind(&tmp.path().join("a"), &pa, Some("Ana"));
    let code = invite_through_proxy(&a, &pa);
    let out = join(&tmp.path().join("b"), &code, "Ben");
    assert!(
        out.status.success(),
        "B could not join: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let b = start_behind(&tmp.path().join("b"), &pb, None);
    let first = a
        .post(
            "/api/rooms",
            &json!({"name": "Room before", "capacity": 10}),
        )
        .expect(201);
    let first = first["id"].as_str().expect("an id").to_owned();
    wait_until(
        "B has the first room",
        CONVERGE,
        || b.try_json(&format!("/api/rooms/{first}")).is_some(),
        || b.log_tail(40),
    );
    // Only a connection that stayed up a while counts as lost to the link (one that a peer
    // closes at once is backed off as before): let it be that old.
    std::thread::sleep(Duration::from_millis(2_500));
    pa.arm_cut(200);
    pb.arm_cut(200);
    let second = a
        .post("/api/rooms", &json!({"name": "Room after", "capacity": 10}))
        .expect(201);
    let second = second["id"].as_str().expect("an id").to_owned();
    wait_until(
        "a cut happened",
        CONVERGE,
        || pa.cuts_done() + pb.cuts_done() > 0,
        || a.log_tail(40),
    );
    pa.disarm();
    pb.disarm();
    wait_until(
        "B has the room made around the cut",
        CONVERGE,
        || b.try_json(&format!("/api/rooms/{second}")).is_some(),
        || b.log_tail(40),
    );
    let said = |n: &Node| n.log().contains("dialling it again at once");
    wait_until(
        "a node said it dials again at once",
        CONVERGE,
        || said(&a) || said(&b),
        || format!("A:\n{}\nB:\n{}", a.log_tail(40), b.log_tail(40)),
    );
    assert!(!a.log().contains("panicked") && !b.log().contains("panicked"));
}

/// A peer that vanishes without a word (its path drops everything from then on and carries
/// no close) leaves a dead connection behind, which TCP alone would hold for a quarter of an
/// hour. When the peer comes back on a new connection, the old one is closed at once, and an
/// edit made after the return arrives; when it vanishes for good, the pings find it gone and
/// the node shows it disconnected.
#[test]
fn a_connection_whose_peer_vanished_is_closed_when_it_returns_or_stops_answering() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let pa = Proxy::start();
    let a = start_behind(&tmp.path().join("a"), &pa, Some("Ana"));
    let code = invite_through_proxy(&a, &pa);
    let dir_b = tmp.path().join("b");
    let out = join(&dir_b, &code, "Ben");
    assert!(
        out.status.success(),
        "B could not join: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // B listens on loopback but reaches A only through A's proxy, where the path vanishes.
    let b_args = ["--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"];
    let b = Node::start(&dir_b, &b_args);
    let b_id = b.peer_id();
    let bureau = a.status()["bureau_id"].clone();
    wait_until(
        "B has the bureau",
        CONVERGE,
        || {
            b.try_json("/api/status")
                .is_some_and(|st| st["bureau_id"] == bureau)
        },
        || b.log_tail(40),
    );
    // Only a connection older than a second counts as lost when its peer dials again (two
    // handshakes of one dial to several addresses finish that close together): let it age.
    std::thread::sleep(Duration::from_millis(2_500));
    pa.blackhole();
    b.kill9();
    let b = Node::start(&dir_b, &b_args);
    // The pings could not have noticed yet: they go every 15 s and wait 20 s for an answer,
    // so they close a connection no sooner than 20 s after it went silent.
    wait_until(
        "A closed the connection B lost, once B dialled again",
        Duration::from_secs(15),
        || pa.target_closed() >= 1,
        || a.log_tail(40),
    );
    let room = b
        .post(
            "/api/rooms",
            &json!({"name": "Room after the return", "capacity": 10}),
        )
        .expect(201);
    let room = room["id"].as_str().expect("an id").to_owned();
    wait_until(
        "A has the room B made after it came back",
        CONVERGE,
        || a.try_json(&format!("/api/rooms/{room}")).is_some(),
        || format!("A:\n{}\nB:\n{}", a.log_tail(40), b.log_tail(40)),
    );

    // B vanishes for good: A's pings go unanswered and A closes the connection.
    pa.blackhole();
    b.kill9();
    let shows_b = |st: &Value| {
        st["peers"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["peer_id"] == b_id.as_str() && p["connected"] == true)
    };
    wait_until(
        "A shows B disconnected after its pings went unanswered",
        Duration::from_secs(90),
        || pa.target_closed() >= 2 && a.try_json("/api/status").is_some_and(|st| !shows_b(&st)),
        || a.log_tail(40),
    );
    assert!(
        a.log().contains("stopped answering pings"),
        "{}",
        a.log_tail(40)
    );
    assert!(!a.log().contains("panicked"), "{}", a.log_tail(40));
}

// ---------------------------------------------------------------------------------------------
// Starting nodes and joining them
// ---------------------------------------------------------------------------------------------

/// Starts `bureau serve` on `dir` listening on a fresh loopback port and announcing its
/// proxy, then points the proxy at the port.
fn start_behind(dir: &Path, proxy: &Proxy, name: Option<&str>) -> Node {
    let announce = format!("/ip4/127.0.0.1/tcp/{}", proxy.port());
    let mut args = vec![
        "--listen",
        "/ip4/127.0.0.1/tcp/0",
        "--no-mdns",
        "--announce",
        &announce,
    ];
    if let Some(name) = name {
        args.extend(["--name", name]);
    }
    let node = Node::start(dir, &args);
    let listen = tcp_listen(&node);
    proxy.forward_to(listen);
    node
}

/// The node's TCP listen address on loopback.
fn tcp_listen(node: &Node) -> SocketAddr {
    let st = node.status();
    st["listen"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find_map(|a| {
            let port = a.strip_prefix("/ip4/127.0.0.1/tcp/")?.parse::<u16>().ok()?;
            Some(SocketAddr::from(([127, 0, 0, 1], port)))
        })
        .unwrap_or_else(|| panic!("the node listens on no loopback TCP port: {st}"))
}

/// An invite from `inviter` naming only its announced address, so the joiner (which
/// remembers its inviter's addresses) dials it through the proxy like everyone else.
fn invite_through_proxy(inviter: &Node, proxy: &Proxy) -> String {
    let res = inviter
        .post("/api/invites", &json!({"role": "editor"}))
        .expect(201);
    let code = res["link"].as_str().unwrap_or_default();
    let mut invite = bureau_net::InviteCode::decode(code)
        .unwrap_or_else(|e| panic!("the node made an invite code it cannot read ({e}): {code}"));
    let front = format!("/ip4/127.0.0.1/tcp/{}", proxy.port());
    assert!(
        invite.addrs.contains(&front),
        "the invite does not name the announced address {front}: {:?}",
        invite.addrs
    );
    invite.addrs = vec![front];
    invite.encode()
}

// ---------------------------------------------------------------------------------------------
// Editors
// ---------------------------------------------------------------------------------------------

/// A member's organisation as one editor knows it: the last value acknowledged, and the
/// values sent after it whose answers did not come (each may or may not have been kept).
#[derive(Debug, Clone)]
struct Org {
    acked: String,
    pending: Vec<String>,
}

/// What one editor thread learnt.
#[derive(Debug, Default)]
struct EditorLog {
    /// Members created and acknowledged: id -> name.
    created: BTreeMap<String, String>,
    /// Organisations of those members, which only this editor changes.
    orgs: BTreeMap<String, Org>,
    /// Answers by status (0 for no answer).
    statuses: BTreeMap<u16, usize>,
    /// Answers that must never come (a 5xx other than 503, a 404 for an acknowledged record).
    bad: Vec<String>,
}

impl EditorLog {
    fn acked(&self) -> usize {
        self.statuses
            .iter()
            .filter(|(s, _)| (200..300).contains(*s))
            .map(|(_, n)| n)
            .sum()
    }
}

/// An answer no edit here may get: a 404 (the record was acknowledged, or created before the
/// editors started) or a server error other than 503 (a node shutting down).
fn never(status: u16) -> bool {
    status == 404 || (status >= 500 && status != 503)
}

/// Sends one JSON request; `None` when no full answer came (refused, reset, timed out).
fn send(ep: &Endpoint, method: &str, path: &str, body: &Value) -> Option<Response> {
    let headers = vec![
        ("Host".to_owned(), ep.addr.to_string()),
        ("Authorization".to_owned(), format!("Bearer {}", ep.token)),
        ("Content-Type".to_owned(), "application/json".to_owned()),
    ];
    http(ep.addr, method, path, &headers, body.to_string().as_bytes()).ok()
}

/// Edits node `index` until told to stop: creates members, changes the organisation of
/// members it created, renames the shared room (concurrently with the others: conflicts).
fn editor(
    index: usize,
    endpoint: &Mutex<Endpoint>,
    room_id: &str,
    mut rng: Rng,
    stop: &AtomicBool,
) -> EditorLog {
    let mut log = EditorLog::default();
    let mut n = 0u64;
    while !stop.load(Ordering::SeqCst) {
        let ep = endpoint.lock().expect("endpoint").clone();
        if !ep.up {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        n += 1;
        let pick = rng.below(10);
        let mine: Vec<String> = log.orgs.keys().cloned().collect();
        if pick < 6 || mine.is_empty() {
            let name = format!("N{index} member {n}");
            let org = format!("org {index}.{n}");
            let res = send(
                &ep,
                "POST",
                "/api/members",
                &json!({"name": name, "organisation": org}),
            );
            let status = res.as_ref().map_or(0, |r| r.status);
            *log.statuses.entry(status).or_default() += 1;
            if status == 201 {
                let id = res
                    .and_then(|r| r.json()["id"].as_str().map(str::to_owned))
                    .expect("a created member has an id");
                log.created.insert(id.clone(), name);
                log.orgs.insert(
                    id,
                    Org {
                        acked: org,
                        pending: Vec::new(),
                    },
                );
            } else if let Some(r) = res.filter(|r| never(r.status)) {
                log.bad
                    .push(format!("POST /api/members: {} {}", r.status, r.text()));
            }
        } else if pick < 9 {
            let id = &mine[usize::try_from(rng.below(mine.len() as u64)).expect("an index")];
            let org = format!("org {index}.{n}");
            let path = format!("/api/members/{id}");
            log.orgs
                .get_mut(id)
                .expect("listed")
                .pending
                .push(org.clone());
            let res = send(&ep, "PATCH", &path, &json!({"organisation": org}));
            let status = res.as_ref().map_or(0, |r| r.status);
            *log.statuses.entry(status).or_default() += 1;
            if (200..300).contains(&status) {
                let o = log.orgs.get_mut(id).expect("listed");
                o.acked = org;
                o.pending.clear();
            } else if let Some(r) = res.filter(|r| never(r.status)) {
                log.bad
                    .push(format!("PATCH {path}: {} {}", r.status, r.text()));
            }
        } else {
            let path = format!("/api/rooms/{room_id}");
            let res = send(
                &ep,
                "PATCH",
                &path,
                &json!({"name": format!("Room by N{index} ({n})")}),
            );
            let status = res.as_ref().map_or(0, |r| r.status);
            *log.statuses.entry(status).or_default() += 1;
            if let Some(r) = res.filter(|r| never(r.status)) {
                log.bad
                    .push(format!("PATCH {path}: {} {}", r.status, r.text()));
            }
        }
        // Pace: a few edits a second per node keeps five debug nodes busy but not swamped.
        std::thread::sleep(Duration::from_millis(40 + rng.below(120)));
    }
    log
}

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
enum Fault {
    Pause,
    Resume,
    Freeze,
    Thaw,
    Kill,
    Term,
    Restart,
    Cut(usize),
}

impl Slot {
    fn node(&self) -> &Node {
        self.node.as_ref().expect("the node is running")
    }

    /// Notes `panicked` lines of the running process's log and, when it is about to go, keeps
    /// its tail for a failure's report.
    fn scan_log(&self, rec: &Mutex<Record>, going: bool) {
        let node = self.node();
        let log = node.log();
        let mut rec = rec.lock().expect("record");
        for line in log.lines().filter(|l| l.contains("panicked")) {
            let line = format!("{} (run {}): {line}", self.label, self.incarnation);
            if !rec.panics.contains(&line) {
                rec.panics.push(line);
            }
        }
        if going {
            rec.past_logs.push(format!(
                "log of {} run {} (pid {}, gone):\n{}",
                self.label,
                self.incarnation,
                node.pid,
                node.log_tail(TAIL)
            ));
        }
    }

    fn set_up(&self, up: bool) {
        let mut ep = self.endpoint.lock().expect("endpoint");
        if let Some(node) = &self.node {
            ep.addr = node.addr;
            ep.token.clone_from(&node.token);
        }
        ep.up = up;
    }

    fn apply(&mut self, fault: Fault, rec: &Mutex<Record>) {
        match fault {
            Fault::Pause | Fault::Resume => {
                let pause = matches!(fault, Fault::Pause);
                let path = if pause {
                    "/api/sync/pause"
                } else {
                    "/api/sync/resume"
                };
                let res = self.node().post(path, &json!({})).expect(200);
                assert_eq!(res["paused"], pause, "{}: {res}", self.label);
                self.paused = pause;
            }
            Fault::Freeze => {
                self.set_up(false);
                send_signal(self.node().pid, "STOP");
                self.life = Life::Frozen;
            }
            Fault::Thaw => {
                send_signal(self.node().pid, "CONT");
                self.life = Life::Up;
                self.set_up(true);
            }
            Fault::Kill => {
                self.set_up(false);
                self.scan_log(rec, true);
                self.node.take().expect("running").kill9();
                self.life = Life::Down;
                self.paused = false;
            }
            Fault::Term => {
                self.set_up(false);
                self.scan_log(rec, true);
                // Fails the test unless the node exits cleanly in time.
                self.node.take().expect("running").stop();
                self.life = Life::Down;
                self.paused = false;
            }
            Fault::Restart => {
                self.incarnation += 1;
                self.node = Some(start_behind(&self.dir, &self.proxy, None));
                self.life = Life::Up;
                self.set_up(true);
            }
            Fault::Cut(k) => self.proxy.arm_cut(k),
        }
    }
}

/// A fault that fits the nodes' current state, drawn from `rng`.
fn draw_fault(rng: &mut Rng, slots: &[Slot]) -> (usize, Fault) {
    let out = slots.iter().filter(|s| s.life != Life::Up).count();
    loop {
        let i = usize::try_from(rng.below(NODES as u64)).expect("an index");
        let s = &slots[i];
        let fault = match (rng.below(8), s.life) {
            (0, Life::Up) if !s.paused => Fault::Pause,
            (0 | 1, Life::Up) if s.paused => Fault::Resume,
            (1, Life::Up) if out < MAX_OUT => Fault::Freeze,
            (2, Life::Frozen) | (3, Life::Frozen) => Fault::Thaw,
            (2, Life::Up) if out < MAX_OUT => Fault::Kill,
            (3, Life::Up) if out < MAX_OUT => Fault::Term,
            (4 | 5, Life::Down) => Fault::Restart,
            (4..=7, Life::Up) => Fault::Cut(1 + usize::try_from(rng.below(4000)).expect("small")),
            _ => continue,
        };
        return (i, fault);
    }
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/// Why the nodes are not converged yet, or `None` when they are: heads equal (one bureau),
/// every acknowledged edit on every node, every node connected to every other and in sync,
/// nothing quarantined.
fn not_converged(slots: &[Slot], logs: &[EditorLog], mesh: bool) -> Option<String> {
    let mut statuses = Vec::new();
    for s in slots {
        match s.node().try_json("/api/status") {
            Some(st) => statuses.push(st),
            None => return Some(format!("{} does not answer /api/status", s.label)),
        }
    }
    let first = &statuses[0];
    if first["bureau_id"].as_str().is_none_or(str::is_empty) {
        return Some(format!("{} has no bureau", slots[0].label));
    }
    for (s, st) in slots.iter().zip(&statuses) {
        if st["bureau_id"] != first["bureau_id"] {
            return Some(format!(
                "{} holds another bureau: {}",
                s.label, st["bureau_id"]
            ));
        }
        if st["quarantined"].as_array().is_none_or(|q| !q.is_empty()) {
            return Some(format!("{} quarantined {}", s.label, st["quarantined"]));
        }
        if sorted_heads(st) != sorted_heads(first) {
            return Some(format!(
                "heads differ: {} {:?}, {} {:?}",
                slots[0].label,
                sorted_heads(first),
                s.label,
                sorted_heads(st)
            ));
        }
    }
    if mesh {
        let ids: Vec<&str> = statuses
            .iter()
            .map(|s| s["peer_id"].as_str().unwrap_or_default())
            .collect();
        for (s, st) in slots.iter().zip(&statuses) {
            for (other, id) in slots.iter().zip(&ids) {
                if other.label == s.label {
                    continue;
                }
                let entry = st["peers"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|p| p["peer_id"] == *id);
                let ok = entry.is_some_and(|p| p["connected"] == true && p["in_sync"] == true);
                if !ok {
                    return Some(format!(
                        "{} is not connected to {} and in sync: {}",
                        s.label,
                        other.label,
                        entry.cloned().unwrap_or(Value::Null)
                    ));
                }
            }
        }
    }
    for s in slots {
        let Some(list) = s.node().try_json("/api/members") else {
            return Some(format!("{} does not answer /api/members", s.label));
        };
        let members: BTreeMap<&str, &Value> = list
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| Some((m["id"].as_str()?, m)))
            .collect();
        for (editor, log) in logs.iter().enumerate() {
            for (id, name) in &log.created {
                let Some(m) = members.get(id.as_str()) else {
                    return Some(format!(
                        "{} lacks member {id} ({name:?}), acknowledged by N{editor}",
                        s.label
                    ));
                };
                if m["name"] != name.as_str() {
                    return Some(format!(
                        "{}: member {id} is named {}, N{editor} acknowledged {name:?}",
                        s.label, m["name"]
                    ));
                }
                let org = &log.orgs[id];
                let got = m["organisation"].as_str().unwrap_or_default();
                if got != org.acked && !org.pending.iter().any(|p| p == got) {
                    return Some(format!(
                        "{}: member {id} has organisation {got:?}; N{editor} acknowledged {:?} \
                         last (then sent {:?} without an answer)",
                        s.label, org.acked, org.pending
                    ));
                }
            }
        }
    }
    None
}

/// Every node's status (or why none came).
fn statuses(slots: &[Slot]) -> String {
    let mut out = String::new();
    for s in slots {
        let st = s.node.as_ref().and_then(|n| n.try_json("/api/status"));
        out.push_str(&format!(
            "===== {} ({:?}, paused {}, proxy accepted {} cut {}): {}\n",
            s.label,
            s.life,
            s.paused,
            s.proxy.accepted(),
            s.proxy.cuts_done(),
            st.map_or_else(|| "(no answer)".to_owned(), |v| v.to_string())
        ));
    }
    out
}

/// Waits until [`not_converged`] says nothing; returns how long that took.
fn wait_converged(
    what: &str,
    seed: u64,
    slots: &[Slot],
    logs: &[EditorLog],
    mesh: bool,
) -> Duration {
    let last = RefCell::new(String::new());
    wait_until(
        &format!("seed {seed}: {what}"),
        CONVERGE,
        || match not_converged(slots, logs, mesh) {
            None => true,
            Some(why) => {
                *last.borrow_mut() = why;
                false
            }
        },
        || format!("last seen: {}\n{}", last.borrow(), statuses(slots)),
    )
}

// ---------------------------------------------------------------------------------------------
// One seed
// ---------------------------------------------------------------------------------------------

fn run_seed(seed: u64, rounds: usize) {
    eprintln!("chaos: seed {seed} (replay: BUREAU_CHAOS_SEED={seed} BUREAU_CHAOS_SEEDS=1)");
    let record = Arc::new(Mutex::new(Record {
        seed,
        ..Record::default()
    }));
    let _on_failure = OnFailure(record.clone());
    let mut rng = Rng::from_seed(seed);
    let started = Instant::now();
    let tmp = tempfile::tempdir().expect("a temp dir");

    // N0 founds the bureau; each next node joins with an invite from a node already in.
    let mut slots: Vec<Slot> = Vec::new();
    for i in 0..NODES {
        let label = format!("N{i}");
        let dir = tmp.path().join(&label);
        let proxy = Proxy::start();
        let node = if i == 0 {
            start_behind(&dir, &proxy, Some(&label))
        } else {
            let inviter = &slots[usize::try_from(rng.below(i as u64)).expect("an index")];
            let code = invite_through_proxy(inviter.node(), &inviter.proxy);
            let out = join(&dir, &code, &label);
            assert!(
                out.status.success(),
                "seed {seed}: {label} could not join through {}: {}",
                inviter.label,
                String::from_utf8_lossy(&out.stderr)
            );
            let node = start_behind(&dir, &proxy, None);
            // It may invite the next one only once it holds the bureau.
            let bureau = slots[0].node().status()["bureau_id"].clone();
            wait_until(
                &format!("seed {seed}: {label} received the bureau"),
                CONVERGE,
                || {
                    node.try_json("/api/status")
                        .is_some_and(|st| st["bureau_id"] == bureau)
                },
                || statuses(&slots),
            );
            node
        };
        let endpoint = Arc::new(Mutex::new(Endpoint {
            addr: node.addr,
            token: node.token.clone(),
            up: true,
        }));
        slots.push(Slot {
            label,
            dir,
            node: Some(node),
            life: Life::Up,
            paused: false,
            proxy,
            endpoint,
            incarnation: 1,
        });
    }
    let room = slots[0]
        .node()
        .post(
            "/api/rooms",
            &json!({"name": "Shared room", "capacity": 30}),
        )
        .expect(201);
    let room_id = room["id"].as_str().expect("a room id").to_owned();
    let took = wait_converged("five nodes form a synced mesh", seed, &slots, &[], true);
    eprintln!("chaos: seed {seed}: mesh of {NODES} in sync after {took:?}");

    // Editors on every node, for the whole of the rounds.
    let stop = Arc::new(AtomicBool::new(false));
    let stop_guard = StopOnDrop(stop.clone());
    let editors: Vec<JoinHandle<EditorLog>> = slots
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (ep, stop, room_id) = (s.endpoint.clone(), stop.clone(), room_id.clone());
            let erng =
                Rng::from_seed(seed ^ (0x9E37_79B9_7F4A_7C15_u64.wrapping_mul(i as u64 + 1)));
            std::thread::spawn(move || editor(i, &ep, &room_id, erng, &stop))
        })
        .collect();

    for round in 1..=rounds {
        let mut done = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let (i, fault) = draw_fault(&mut rng, &slots);
            slots[i].apply(fault, &record);
            done.push(format!("{} {fault:?}", slots[i].label));
        }
        // The scenario, not a wait for a condition: the faults stand this long while every
        // node that runs keeps editing.
        let dwell = Duration::from_millis(300 + rng.below(1500));
        std::thread::sleep(dwell);
        eprintln!(
            "chaos: seed {seed}: round {round}/{rounds} survived: {} ({dwell:?})",
            done.join(", ")
        );
    }

    // Heal: everything runs and syncs again, no cut is pending.
    for s in &mut slots {
        s.proxy.disarm();
        match s.life {
            Life::Frozen => s.apply(Fault::Thaw, &record),
            Life::Down => s.apply(Fault::Restart, &record),
            Life::Up => {}
        }
        if s.paused {
            s.apply(Fault::Resume, &record);
        }
    }
    // A moment of editing on the healed bureau, then the editors stop.
    std::thread::sleep(Duration::from_millis(500));
    drop(stop_guard);
    let logs: Vec<EditorLog> = editors
        .into_iter()
        .map(|h| h.join().expect("an editor thread does not panic"))
        .collect();
    let acked: usize = logs.iter().map(EditorLog::acked).sum();
    let mut answers: BTreeMap<u16, usize> = BTreeMap::new();
    for log in &logs {
        for (s, n) in &log.statuses {
            *answers.entry(*s).or_default() += n;
        }
    }
    let bad: Vec<&String> = logs.iter().flat_map(|l| &l.bad).collect();
    assert!(
        bad.is_empty(),
        "seed {seed}: answers that must never come: {bad:#?}"
    );
    assert!(
        acked > 0,
        "seed {seed}: no edit was acknowledged: {answers:?}"
    );
    let cuts: usize = slots.iter().map(|s| s.proxy.cuts_done()).sum();
    eprintln!(
        "chaos: seed {seed}: healed; {acked} edits acknowledged (answers by status, 0 = none: \
         {answers:?}), {cuts} connection(s) cut mid-stream"
    );

    let took = wait_converged(
        "after the heal, every acknowledged edit everywhere, heads equal, a synced mesh",
        seed,
        &slots,
        &logs,
        true,
    );
    eprintln!("chaos: seed {seed}: converged {took:?} after the heal");
    // Equal heads mean equal documents: what is derived from them agrees too.
    let reference = slots[0].node().get("/api/members").expect(200);
    let conflicts = slots[0].node().get("/api/conflicts").expect(200);
    for s in &slots[1..] {
        assert_eq!(
            s.node().get("/api/members").expect(200),
            reference,
            "seed {seed}: {} lists other members than {}",
            s.label,
            slots[0].label
        );
        assert_eq!(
            s.node().get("/api/conflicts").expect(200),
            conflicts,
            "seed {seed}: {} lists other conflicts than {}",
            s.label,
            slots[0].label
        );
    }

    // A clean shutdown of each, then no `panicked` in any run's log.
    for s in &mut slots {
        s.scan_log(&record, false);
        s.node.take().expect("running").stop();
    }
    let panics = record.lock().expect("record").panics.clone();
    let members: BTreeSet<&str> = reference
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(
        panics.is_empty(),
        "seed {seed}: a node panicked:\n{}",
        panics.join("\n")
    );
    eprintln!(
        "chaos: seed {seed}: passed: {rounds} rounds, {} members, {cuts} cuts, {:?}",
        members.len(),
        started.elapsed()
    );
}
