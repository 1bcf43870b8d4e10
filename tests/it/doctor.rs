//! The discovery doctor's causes, each produced for real: a paused node, an address given by
//! hand where nothing listens, a member's laptop that went away (its addresses failing, each
//! with its error), a revoked device that keeps trying, a node of another bureau that tried to
//! sync, a member's node of another release,
//! and, in network namespaces of their own, a machine with no network address and no route for
//! multicast, and one on a network where mDNS hears no one.

use std::path::Path;

use serde_json::{Value, json};

use crate::mdns::{NsNode, bureau_in, ip, is_root, run};
use crate::support::{Node, join_ok, wait_for, wait_until};

const DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);

/// The doctor's lines of `cause`.
fn lines_of(node: &Node, cause: &str) -> Vec<Value> {
    node.get("/api/doctor").expect(200)["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter(|l| l["cause"] == cause)
        .cloned()
        .collect()
}

fn nowhere() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("/ip4/127.0.0.1/tcp/{port}")
}

#[test]
fn the_doctor_names_a_pause_a_dead_address_a_member_gone_and_a_revoked_device() {
    let tmp = tempfile::tempdir().unwrap();
    let dead = nowhere();
    let a = Node::start(
        &tmp.path().join("a"),
        &["--name", "Amina Diallo", "--peer", &dead],
    );
    // An address given by hand where nothing listens: said, with the transport's error.
    let line = wait_for(
        "the doctor names the dead address",
        DEADLINE,
        || lines_of(&a, "address_failing").into_iter().next(),
        || a.get("/api/doctor").json().to_string(),
    );
    let says = line["says"].as_str().unwrap();
    assert!(
        says.contains(&dead) && says.to_lowercase().contains("refused"),
        "{line}"
    );
    assert!(line["next"].as_str().is_some_and(|n| !n.is_empty()));
    // Paused: said, and gone once resumed.
    // The loop publishes its status after it carried the command out, which may be just after
    // the answer: each is waited for.
    a.post("/api/sync/pause", &json!({})).expect(200);
    wait_until(
        "the doctor says the node is paused",
        DEADLINE,
        || lines_of(&a, "paused").len() == 1,
        || a.get("/api/doctor").json().to_string(),
    );
    a.post("/api/sync/resume", &json!({})).expect(200);
    wait_until(
        "the doctor no longer says paused",
        DEADLINE,
        || lines_of(&a, "paused").is_empty(),
        || a.get("/api/doctor").json().to_string(),
    );

    // A member's laptop that went away: its addresses fail, each with its error.
    let b_dir = tmp.path().join("b");
    join_ok(&b_dir, &a.invite("editor"), "Bea Mensah");
    let b = Node::start(&b_dir, &[]);
    let b_id = b.peer_id();
    // B has the bureau, and A knows where B listens (B's own device record says it).
    wait_for(
        "B has the bureau and A has B's addresses",
        DEADLINE,
        || {
            let devices = a.get("/api/devices").expect(200);
            let known = devices.as_array()?.iter().any(|d| {
                d["peer_id"] == b_id.as_str()
                    && d["addrs"].as_array().is_some_and(|x| !x.is_empty())
            });
            (known && b.heads() == a.heads()).then_some(())
        },
        || format!("A: {}\nB: {}", a.status(), b.status()),
    );
    drop(b);
    let line = wait_for(
        "the doctor says B cannot be reached, and why",
        DEADLINE,
        || {
            lines_of(&a, "unreachable")
                .into_iter()
                .find(|l| l["peer_id"] == b_id.as_str())
        },
        || a.get("/api/doctor").json().to_string(),
    );
    let says = line["says"].as_str().unwrap();
    assert!(
        says.contains("Bea Mensah")
            && says.contains("127.0.0.1")
            && says.to_lowercase().contains("refused"),
        "{line}"
    );

    // B comes back, is revoked, and keeps trying: A says it refuses a revoked device.
    let b = Node::start(&b_dir, &[]);
    wait_for(
        "B is connected again",
        DEADLINE,
        || {
            a.status()["peers"]
                .as_array()?
                .iter()
                .any(|p| p["peer_id"] == b_id.as_str() && p["connected"] == true)
                .then_some(())
        },
        || a.status().to_string(),
    );
    a.delete(&format!("/api/devices/{b_id}")).expect(200);
    let line = wait_for(
        "the doctor says A refused the revoked device",
        DEADLINE,
        || {
            lines_of(&a, "refused")
                .into_iter()
                .find(|l| l["peer_id"] == b_id.as_str())
        },
        || a.get("/api/doctor").json().to_string(),
    );
    assert!(line["says"].as_str().unwrap().contains("revoked"), "{line}");
    drop(b);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_doctor_names_a_node_not_of_the_bureau_that_asked_to_sync() {
    use bureau_net::Identity;
    use bureau_net::testing::raw_stream;
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Amina Diallo"]);
    let (peer, addr) = a.p2p_tcp();
    // A node that is no device of this bureau (a laptop whose device record has not reached A
    // yet, or one of another bureau) opens a sync stream to A, as a member's node would.
    let stranger = Identity::generate();
    let s_id = stranger.peer_id();
    let mut stream = raw_stream(&stranger, &peer, &addr, bureau_sync::SYNC_PROTOCOL_V2)
        .await
        .expect("a sync stream to A");
    // The protocol is settled lazily: A hears of the stream with its first bytes.
    {
        use tokio::io::AsyncWriteExt;
        stream.write_all(&[0, 0, 0, 0]).await.expect("writing to A");
        stream.flush().await.expect("flushing");
    }
    let line = wait_for(
        "the doctor says A refused a node that is not of its bureau",
        DEADLINE,
        || {
            lines_of(&a, "refused")
                .into_iter()
                .find(|l| l["peer_id"] == s_id.as_str())
        },
        || format!("{}\n{}", a.get("/api/doctor").json(), a.log_tail(2000)),
    );
    let says = line["says"].as_str().unwrap();
    assert!(says.contains("not a device of this bureau"), "{line}");
    assert!(!says.contains("revoked"), "{line}");
    assert!(
        line["next"].as_str().is_some_and(|n| !n.is_empty()),
        "{line}"
    );
}

/// A namespace with nothing but its loopback interface up.
struct Alone(String);

impl Drop for Alone {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip")
            .args(["netns", "del", &self.0])
            .status();
    }
}

#[test]
fn the_doctor_says_a_machine_has_no_network_address_and_no_route_for_multicast() {
    if !is_root() {
        if std::env::var_os("BUREAU_SKIP_ROOT_TESTS").is_some_and(|v| v == "1") {
            eprintln!("skipped: making a network namespace needs root");
            return;
        }
        panic!(
            "this test makes a network namespace and must run as root \
             (set BUREAU_SKIP_ROOT_TESTS=1 to skip it)"
        );
    }
    let ns = Alone(format!("bureau-alone-{}", std::process::id()));
    ip(&["netns", "add", &ns.0]);
    ip(&["-n", &ns.0, "link", "set", "lo", "up"]);
    let tmp = tempfile::tempdir().unwrap();
    let dir: &Path = &tmp.path().join("a");
    let _node = NsNode::start_with(&ns.0, dir, &["--name", "Amina Diallo"]);
    let out = run(bureau_in(&ns.0, dir, &["doctor"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("no network address other than itself"),
        "{said}"
    );
    assert!(said.contains("no route for multicast"), "{said}");
    assert!(said.contains("Connect it to"), "what to do: {said}");
}

/// A member's node of a release that speaks none of this one's sync protocols: it joins, keeps
/// its connection, and refuses the session the node opens. The doctor says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_doctor_names_a_member_whose_node_refuses_every_sync_protocol() {
    use bureau_net::Identity;
    use bureau_net::testing::{join_exchange, raw_conn};

    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Amina Diallo"]);
    let a_id = a.peer_id();
    // The lower peer id opens the session: the other release's identity is picked above A's.
    let other = loop {
        let id = Identity::generate();
        if id.peer_id().len() == a_id.len() && id.peer_id() > a_id {
            break id;
        }
    };
    let link = bureau_net::InviteCode::decode(&a.invite("editor")).expect("a link");
    let (peer, addr) = a.p2p_tcp();
    let mut conn = raw_conn(&other, &peer, &addr)
        .await
        .expect("connected to A");
    let mut stream = conn
        .open(bureau_net::JOIN_PROTOCOL)
        .await
        .expect("a join stream");
    let answer = join_exchange(&mut stream, &link.secret, "Xavier Lutz")
        .await
        .expect("A answers");
    assert_eq!(answer["ok"], true, "{answer}");
    drop(stream);
    let other_id = other.peer_id();
    let line = tokio::task::spawn_blocking(move || {
        wait_for(
            "the doctor says the member's node refused the sync protocol",
            DEADLINE,
            || {
                lines_of(&a, "incompatible")
                    .into_iter()
                    .find(|l| l["peer_id"] == other_id.as_str())
            },
            || a.get("/api/doctor").json().to_string(),
        )
    })
    .await
    .expect("the wait ran");
    let says = line["says"].as_str().unwrap();
    assert!(
        says.contains("/bureau/sync/") && says.contains("cannot sync with"),
        "{line}"
    );
    drop(conn);
}

/// A machine on a network (an address, a default route) where mDNS hears no one for half a
/// minute: the doctor says multicast may be blocked, and suggests the hub or a bundle.
#[test]
fn the_doctor_says_when_mdns_hears_no_one() {
    if !is_root() {
        if std::env::var_os("BUREAU_SKIP_ROOT_TESTS").is_some_and(|v| v == "1") {
            eprintln!("skipped: making a network namespace needs root");
            return;
        }
        panic!(
            "this test makes a network namespace and must run as root \
             (set BUREAU_SKIP_ROOT_TESTS=1 to skip it)"
        );
    }
    let ns = Alone(format!("bureau-quiet-{}", std::process::id()));
    ip(&["netns", "add", &ns.0]);
    ip(&["-n", &ns.0, "link", "set", "lo", "up"]);
    // A network of one: an interface with an address and a default route, so multicast has a
    // way out, and nobody at the other end.
    // (Both ends of a veth pair inside the namespace: what leaves one arrives at the other,
    // where nothing listens.)
    ip(&[
        "-n", &ns.0, "link", "add", "quiet0", "type", "veth", "peer", "name", "quiet1",
    ]);
    ip(&["-n", &ns.0, "addr", "add", "198.18.7.1/24", "dev", "quiet0"]);
    ip(&["-n", &ns.0, "link", "set", "quiet0", "up"]);
    ip(&["-n", &ns.0, "link", "set", "quiet1", "up"]);
    ip(&["-n", &ns.0, "route", "add", "default", "dev", "quiet0"]);
    let tmp = tempfile::tempdir().unwrap();
    let dir: &Path = &tmp.path().join("a");
    let _node = NsNode::start_with(&ns.0, dir, &["--name", "Amina Diallo"]);
    let said = wait_for(
        "the doctor says mDNS heard no one",
        std::time::Duration::from_secs(90),
        || {
            let out = run(bureau_in(&ns.0, dir, &["doctor"]));
            let said = String::from_utf8_lossy(&out.stdout).into_owned();
            said.contains("has heard none").then_some(said)
        },
        || String::from_utf8_lossy(&run(bureau_in(&ns.0, dir, &["doctor"])).stdout).into_owned(),
    );
    assert!(said.contains("hub") && said.contains("bundle"), "{said}");
    assert!(
        !said.contains("no route for multicast") && !said.contains("no network address"),
        "this machine has both: {said}"
    );
}
