//! Crash safety: `kill -9` at random moments while several clients write; every edit the node
//! acknowledged must be there, with the acknowledged content, after every restart.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::{Node, Rng, file_names, http};

/// Cycles of start, write, kill -9 (override with `BUREAU_CRASH_CYCLES`).
const CYCLES: usize = 50;
const WRITERS: usize = 4;
/// The kill comes 0..=MAX_DELAY_MS after the writers start.
const MAX_DELAY_MS: u64 = 300;

/// The fields a writer sends and expects back.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Content {
    name: String,
    organisation: String,
    email: String,
    languages: Vec<String>,
}

impl Content {
    fn json(&self) -> Value {
        json!({
            "name": self.name,
            "organisation": self.organisation,
            "email": self.email,
            "languages": self.languages,
        })
    }

    fn of(record: &Value) -> Content {
        let s = |k: &str| record[k].as_str().unwrap_or_default().to_owned();
        Content {
            name: s("name"),
            organisation: s("organisation"),
            email: s("email"),
            languages: record["languages"]
                .as_array()
                .map(|l| {
                    l.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// What a record must hold: the last acknowledged content, or the content of the one update
/// that was in flight when the node died (it may or may not have reached the disk).
#[derive(Debug, Clone)]
struct Expect {
    acked: Content,
    in_flight: Option<Content>,
    /// Cycle of the last acknowledgement, for messages.
    cycle: usize,
}

impl Expect {
    fn accepts(&self, got: &Content) -> bool {
        *got == self.acked || self.in_flight.as_ref() == Some(got)
    }
}

/// What one writer learnt in one cycle.
#[derive(Debug, Default)]
struct WriterLog {
    /// id -> acknowledged content (creates and updates, latest last).
    acked: Vec<(String, Content)>,
    /// An update sent whose answer never came.
    in_flight: Option<(String, Content)>,
    requests: usize,
}

const LANGS: [&str; 6] = ["ar", "en", "es", "fr", "ru", "zh"];

fn content(rng: &mut Rng, writer: usize, cycle: usize, n: usize, tag: &str) -> Content {
    let mut languages: Vec<String> = LANGS
        .iter()
        .filter(|_| rng.below(2) == 0)
        .map(|l| (*l).to_owned())
        .collect();
    languages.sort();
    Content {
        name: format!("{tag} w{writer} c{cycle} n{n} r{}", rng.below(1_000_000)),
        organisation: format!("Org {}", rng.below(1000)),
        email: format!("w{writer}.c{cycle}.n{n}@example.org"),
        languages,
    }
}

/// Creates members, and now and then updates one it created, until told to stop or the node
/// stops answering. Anything but a success or a dead connection fails the test.
fn writer(
    addr: SocketAddr,
    token: String,
    writer: usize,
    cycle: usize,
    mut rng: Rng,
    stop: Arc<AtomicBool>,
) -> WriterLog {
    let headers = vec![
        ("Host".to_owned(), addr.to_string()),
        ("Authorization".to_owned(), format!("Bearer {token}")),
        ("Content-Type".to_owned(), "application/json".to_owned()),
    ];
    let mut log = WriterLog::default();
    let mut mine: Vec<String> = Vec::new();
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        n += 1;
        log.requests += 1;
        if !mine.is_empty() && rng.below(4) == 0 {
            let id = mine[rng.below(mine.len() as u64) as usize].clone();
            let c = content(&mut rng, writer, cycle, n, "Updated");
            let path = format!("/api/members/{id}");
            match http(
                addr,
                "PATCH",
                &path,
                &headers,
                c.json().to_string().as_bytes(),
            ) {
                Ok(res) if res.status == 200 => {
                    let got = Content::of(&res.json());
                    assert_eq!(got, c, "PATCH {path} answered other content");
                    log.acked.push((id, c));
                }
                Ok(res) => panic!("PATCH {path} answered {}: {}", res.status, res.text()),
                Err(_) => {
                    log.in_flight = Some((id, c));
                    break;
                }
            }
        } else {
            let c = content(&mut rng, writer, cycle, n, "Member");
            match http(
                addr,
                "POST",
                "/api/members",
                &headers,
                c.json().to_string().as_bytes(),
            ) {
                Ok(res) if res.status == 201 => {
                    let body = res.json();
                    let id = body["id"].as_str().expect("a created member has an id");
                    assert_eq!(Content::of(&body), c, "POST answered other content");
                    mine.push(id.to_owned());
                    log.acked.push((id.to_owned(), c));
                }
                Ok(res) => panic!("POST /api/members answered {}: {}", res.status, res.text()),
                // A create that never got its answer may or may not exist; either is fine.
                Err(_) => break,
            }
        }
    }
    log
}

/// Checks every expected record against the node's member list, and the records of
/// `by_id` one by one through `GET /api/members/{id}`.
fn verify(node: &Node, expected: &BTreeMap<String, Expect>, by_id: &[String], when: &str) {
    let list = node.get("/api/members?archived=true").expect(200);
    let present: BTreeMap<String, Content> = list
        .as_array()
        .expect("the member list is an array")
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap_or_default().to_owned(),
                Content::of(m),
            )
        })
        .collect();
    let mut bad = Vec::new();
    for (id, exp) in expected {
        match present.get(id) {
            None => bad.push(format!(
                "{id} (acknowledged in cycle {}) is missing",
                exp.cycle
            )),
            Some(got) if !exp.accepts(got) => bad.push(format!(
                "{id} (cycle {}) holds {got:?}, acknowledged {:?} (in flight: {:?})",
                exp.cycle, exp.acked, exp.in_flight
            )),
            Some(_) => {}
        }
    }
    for id in by_id {
        let exp = &expected[id];
        let res = node.get(&format!("/api/members/{id}"));
        if res.status != 200 {
            bad.push(format!("GET /api/members/{id} answered {}", res.status));
        } else if !exp.accepts(&Content::of(&res.json())) {
            bad.push(format!(
                "GET /api/members/{id} holds {:?}, acknowledged {:?}",
                Content::of(&res.json()),
                exp.acked
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{when}: {} of {} acknowledged records are wrong:\n  {}",
        bad.len(),
        expected.len(),
        bad.iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}

/// Temp files in `doc/` with their modification times: writes a crash interrupted (or, while
/// a node runs, writes in flight). The time tells a file the crash left from a new one that
/// happens to reuse its name.
fn temp_files(dir: &Path) -> Vec<(String, Option<std::time::SystemTime>)> {
    file_names(&dir.join("doc"))
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .map(|n| {
            let modified = std::fs::metadata(dir.join("doc").join(&n))
                .and_then(|m| m.modified())
                .ok();
            (n, modified)
        })
        .collect()
}

/// After a crash and restart nothing may be quarantined, neither listed in `/api/status` nor
/// as a file in `quarantine/` (every file write is atomic, and the torn last entry a crash
/// in an append leaves was never acknowledged: the store cuts it off), and none of the temp
/// files the crash left (`left`) may remain. Temp files of writes the restarted node is
/// making right now (it publishes its addresses at start) are not the crash's.
fn check_clean(
    node: &Node,
    dir: &Path,
    bureau_id: &str,
    left: &[(String, Option<std::time::SystemTime>)],
    when: &str,
) {
    let status = node.status();
    assert_eq!(
        status["bureau_id"], bureau_id,
        "{when}: the node now serves another bureau"
    );
    assert_eq!(
        status["quarantined"],
        json!([]),
        "{when}: a crash left a file the node could not load"
    );
    let quarantined = file_names(&dir.join("quarantine"));
    assert!(
        quarantined.is_empty(),
        "{when}: files in quarantine/: {quarantined:?}"
    );
    let tmp: Vec<String> = temp_files(dir)
        .into_iter()
        .filter(|f| left.contains(f))
        .map(|(n, _)| n)
        .collect();
    assert!(tmp.is_empty(), "{when}: temp files left in doc/: {tmp:?}");
}

#[test]
fn acknowledged_edits_survive_kill_9_at_random_moments() {
    let cycles: usize = std::env::var("BUREAU_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CYCLES);
    let (mut rng, seed) = Rng::from_env_or_os("BUREAU_CRASH_SEED");
    eprintln!("crash test: seed {seed} (replay the delays with BUREAU_CRASH_SEED={seed})");
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("node");
    let mut expected: BTreeMap<String, Expect> = BTreeMap::new();
    let mut last_cycle: Vec<String> = Vec::new();
    let mut bureau_id = String::new();
    let mut total_requests = 0;
    let mut delays = Vec::new();
    // Temp files the last kill -9 left behind; the next start must sweep them.
    let mut left: Vec<(String, Option<std::time::SystemTime>)> = Vec::new();

    for cycle in 0..cycles {
        let node = Node::start(&dir, &[]);
        if cycle == 0 {
            bureau_id = node.status()["bureau_id"]
                .as_str()
                .expect("a bureau id")
                .to_owned();
            assert!(!bureau_id.is_empty(), "the first start creates the bureau");
        } else {
            let when = format!("after kill -9 number {cycle}");
            check_clean(&node, &dir, &bureau_id, &left, &when);
            verify(&node, &expected, &last_cycle, &when);
        }

        let delay = rng.below(MAX_DELAY_MS + 1);
        delays.push(delay);
        let stop = Arc::new(AtomicBool::new(false));
        let handles: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (addr, token, stop) = (node.addr, node.token.clone(), stop.clone());
                let wrng = Rng::from_seed(rng.next_u64());
                std::thread::spawn(move || writer(addr, token, w, cycle, wrng, stop))
            })
            .collect();
        // The random moment of the crash; the writers run meanwhile.
        std::thread::sleep(Duration::from_millis(delay));
        node.kill9();
        stop.store(true, Ordering::SeqCst);
        left = temp_files(&dir);

        let mut acks = 0;
        last_cycle.clear();
        for h in handles {
            let log = match h.join() {
                Ok(log) => log,
                Err(e) => std::panic::resume_unwind(e),
            };
            total_requests += log.requests;
            for (id, c) in log.acked {
                acks += 1;
                expected.insert(
                    id.clone(),
                    Expect {
                        acked: c,
                        in_flight: None,
                        cycle,
                    },
                );
                last_cycle.push(id);
            }
            if let Some((id, c)) = log.in_flight {
                expected
                    .get_mut(&id)
                    .expect("updates only go to acknowledged records")
                    .in_flight = Some(c);
            }
        }
        last_cycle.sort();
        last_cycle.dedup();
        eprintln!(
            "cycle {cycle}: killed after {delay} ms, {acks} acknowledged, {} records so far",
            expected.len()
        );
    }

    let node = Node::start(&dir, &[]);
    check_clean(&node, &dir, &bureau_id, &left, "after the last kill -9");
    let all: Vec<String> = expected.keys().cloned().collect();
    verify(&node, &expected, &all, "after the last kill -9");
    node.stop();
    let doc_files = file_names(&dir.join("doc"));
    eprintln!(
        "crash test: {cycles} kills, {} records, {total_requests} requests, {:?}; \
         compacted: {}; delays (ms) {delays:?}",
        expected.len(),
        started.elapsed(),
        doc_files.iter().any(|n| n.starts_with("snapshot-")),
    );
    assert!(
        expected.len() >= cycles,
        "too few acknowledged writes ({}) for the test to mean anything",
        expected.len()
    );
}
