//! mDNS discovery between two nodes in two network namespaces joined by a veth pair, with no
//! address given to either node.
//!
//! The test makes the namespaces itself (it must run as root): `bureau-a-PID` and
//! `bureau-b-PID`, joined by a veth pair on 198.18.213.0/24 (a benchmark range). Node A
//! serves in the first; B joins in the second with A's short code (`7-orbit-lantern`), which
//! holds no address: B finds A by the code's number over mDNS and proves the code by SPAKE2,
//! forgets every address it learned (`peers.json` is deleted; `net.json` still names A as
//! its inviter, by peer id only) and serves with no `--peer`. B can only find A by mDNS on the veth, and must get the whole bureau from it.
//!
//! The nodes' HTTP listens on loopback inside their namespaces, out of the test's reach, so
//! they are asked through `ip netns exec NS bureau status --json`, as a person would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{Process, bureau_bin, run_with_deadline, runtime_of, wait_for};

/// How long one `ip` or `bureau` command may take.
const CMD_DEADLINE: Duration = Duration::from_secs(30);
/// How long discovery, connection and the first sync may take (mDNS probes start within a
/// second; a debug build on a busy 2-core machine is slow).
const DISCOVERY_DEADLINE: Duration = Duration::from_secs(60);

const ADDR_A: &str = "198.18.213.1/24";
const ADDR_B: &str = "198.18.213.2/24";

pub(crate) fn run(cmd: Command) -> Output {
    run_with_deadline(cmd, CMD_DEADLINE)
}

/// Runs `ip ARGS...`; fails the test unless it succeeds.
pub(crate) fn ip(args: &[&str]) -> String {
    let mut cmd = Command::new("ip");
    cmd.args(args).stdin(Stdio::null());
    let out = run(cmd);
    assert!(
        out.status.success(),
        "ip {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether this process runs as root, by `id -u`.
pub(crate) fn is_root() -> bool {
    let mut cmd = Command::new("id");
    cmd.arg("-u").stdin(Stdio::null());
    let out = run(cmd);
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// Two namespaces joined by a veth pair. Dropping it deletes the namespaces, which destroys
/// the veth ends inside them; the root-namespace end is deleted too in case setup stopped
/// before moving it.
struct Lan {
    a: String,
    b: String,
    veth_a: String,
    veth_b: String,
}

impl Lan {
    fn new() -> Lan {
        let pid = std::process::id();
        let lan = Lan {
            a: format!("bureau-a-{pid}"),
            b: format!("bureau-b-{pid}"),
            // Interface names are at most 15 bytes.
            veth_a: format!("bva{pid}"),
            veth_b: format!("bvb{pid}"),
        };
        ip(&["netns", "add", &lan.a]);
        ip(&["netns", "add", &lan.b]);
        ip(&[
            "link",
            "add",
            &lan.veth_a,
            "type",
            "veth",
            "peer",
            "name",
            &lan.veth_b,
        ]);
        ip(&["link", "set", &lan.veth_a, "netns", &lan.a]);
        ip(&["link", "set", &lan.veth_b, "netns", &lan.b]);
        for (ns, dev, addr) in [(&lan.a, &lan.veth_a, ADDR_A), (&lan.b, &lan.veth_b, ADDR_B)] {
            ip(&["-n", ns, "addr", "add", addr, "dev", dev]);
            ip(&["-n", ns, "link", "set", "lo", "up"]);
            ip(&["-n", ns, "link", "set", dev, "up"]);
        }
        for (ns, dev) in [(&lan.a, &lan.veth_a), (&lan.b, &lan.veth_b)] {
            wait_for(
                &format!("{dev} in {ns} is up, with multicast"),
                CMD_DEADLINE,
                || {
                    let link = ip(&["-n", ns, "-o", "link", "show", dev]);
                    let flags = link.split(['<', '>']).nth(1).unwrap_or_default().to_owned();
                    let flags: Vec<&str> = flags.split(',').collect();
                    (flags.contains(&"MULTICAST") && flags.contains(&"LOWER_UP")).then_some(())
                },
                || ip(&["-n", ns, "-o", "link", "show", dev]),
            );
        }
        lan
    }
}

impl Drop for Lan {
    fn drop(&mut self) {
        for args in [
            vec!["netns", "del", self.a.as_str()],
            vec!["netns", "del", self.b.as_str()],
            vec!["link", "del", self.veth_a.as_str()],
        ] {
            let _ = Command::new("ip")
                .args(&args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// `ip netns exec NS bureau --data-dir DIR ARGS...`, with no inherited `BUREAU_*` settings.
pub(crate) fn bureau_in(ns: &str, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", ns])
        .arg(bureau_bin())
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("BUREAU_HOME")
        .env_remove("BUREAU_LOG")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    cmd
}

/// `bureau status --json` of the node serving `dir` in `ns`, once it answers.
pub(crate) fn status(ns: &str, dir: &Path) -> Option<Value> {
    let out = run(bureau_in(ns, dir, &["status", "--json"]));
    if !out.status.success() {
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

/// `bureau serve` in a namespace, with mDNS on and the default listen addresses (every
/// interface). Dropping it kills the process ([`Process`]).
pub(crate) struct NsNode {
    process: Process,
    ns: String,
    dir: PathBuf,
}

impl NsNode {
    fn start(ns: &str, dir: &Path) -> NsNode {
        NsNode::start_with(ns, dir, &[])
    }

    /// [`NsNode::start`] with more arguments to `serve`.
    pub(crate) fn start_with(ns: &str, dir: &Path, extra: &[&str]) -> NsNode {
        let mut args = vec!["serve", "--http", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut cmd = bureau_in(ns, dir, &args);
        cmd.env(
            "BUREAU_LOG",
            "info,hyper=warn,bureau_net=debug,libp2p_mdns=debug",
        );
        // `ip netns exec` execs the command in place: the child's pid is the node's.
        let what = format!("bureau serve in {ns}");
        let (process, ()) = Process::start(cmd, &what, dir, |pid| {
            runtime_of(dir, pid)?;
            status(ns, dir).map(drop)
        });
        NsNode {
            process,
            ns: ns.to_owned(),
            dir: dir.to_path_buf(),
        }
    }

    pub(crate) fn status(&self) -> Option<Value> {
        status(&self.ns, &self.dir)
    }

    /// What the node wrote so far.
    pub(crate) fn log(&self) -> String {
        self.process.log()
    }
}

/// The entry for `peer_id` in a status's peer list.
fn peer<'a>(status: &'a Value, peer_id: &str) -> Option<&'a Value> {
    status["peers"]
        .as_array()?
        .iter()
        .find(|p| p["peer_id"] == peer_id)
}

#[test]
fn a_joined_node_that_forgot_every_address_finds_its_inviter_by_mdns() {
    if !is_root() {
        if std::env::var_os("BUREAU_SKIP_ROOT_TESTS").is_some_and(|v| v == "1") {
            eprintln!(
                "skipped: making network namespaces needs root, and BUREAU_SKIP_ROOT_TESTS=1"
            );
            return;
        }
        panic!(
            "this test makes network namespaces and must run as root \
             (set BUREAU_SKIP_ROOT_TESTS=1 to skip it)"
        );
    }
    let lan = Lan::new();
    let tmp = tempfile::tempdir().expect("a temp dir");
    let (dir_a, dir_b) = (tmp.path().join("a"), tmp.path().join("b"));

    let a = NsNode::start(&lan.a, &dir_a);
    let st_a = a.status().expect("A answers");
    let a_id = st_a["peer_id"].as_str().expect("A's peer id").to_owned();
    let bureau_id = st_a["bureau_id"].as_str().expect("A's bureau").to_owned();
    assert!(!bureau_id.is_empty(), "A holds a bureau: {st_a}");
    let listen = st_a["listen"].to_string();
    assert!(
        listen.contains("/ip4/198.18.213.1/"),
        "A listens on every interface, the veth included: {listen}"
    );

    let out = run(bureau_in(&lan.a, &dir_a, &["invite"]));
    assert!(
        out.status.success(),
        "invite failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The short code, the first line: no address in it, so B must find A by mDNS.
    let code = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(
        code.len() < 40 && !code.contains('/'),
        "a short code: {code:?}"
    );
    let out = run(bureau_in(&lan.b, &dir_b, &["join", &code, "--name", "Bob"]));
    assert!(
        out.status.success(),
        "join over the veth with the short code {code} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // B forgets where A is; it still knows who admitted it.
    let peers_json = dir_b.join("peers.json");
    assert!(
        std::fs::read_to_string(&peers_json).is_ok_and(|p| p.contains(&a_id)),
        "join remembers the inviter's addresses in peers.json"
    );
    std::fs::remove_file(&peers_json).expect("deleting B's peers.json");
    let net: Value = serde_json::from_slice(
        &std::fs::read(dir_b.join("net.json")).expect("B's net.json after joining"),
    )
    .expect("net.json is JSON");
    assert_eq!(
        net["inviter"],
        a_id.as_str(),
        "net.json names the inviter: {net}"
    );
    assert!(
        !net.to_string().contains("198.18.213.1"),
        "net.json holds no address of A: {net}"
    );

    let started = Instant::now();
    let b = NsNode::start(&lan.b, &dir_b);
    let b_id = b.status().expect("B answers")["peer_id"]
        .as_str()
        .expect("B's peer id")
        .to_owned();
    let diag = || {
        format!(
            "A: {}\nB: {}",
            a.status().unwrap_or_default(),
            b.status().unwrap_or_default()
        )
    };
    let st_b = wait_for(
        "B finds A by mDNS, connects and receives the bureau",
        DISCOVERY_DEADLINE,
        || {
            let st_b = b.status()?;
            let pa = peer(&st_b, &a_id)?;
            let heads_a = a.status()?["heads"].clone();
            (pa["source"] == "mdns"
                && pa["connected"] == true
                && st_b["bureau_id"] == bureau_id.as_str()
                && heads_a.as_array().is_some_and(|h| !h.is_empty())
                && st_b["heads"] == heads_a)
                .then_some(st_b)
        },
        diag,
    );
    eprintln!(
        "B found A by mDNS and synced in {:?}: {}",
        started.elapsed(),
        peer(&st_b, &a_id).expect("listed above")
    );
    let addr = peer(&st_b, &a_id).expect("listed above")["addr"].to_string();
    assert!(
        addr.contains("198.18.213.1"),
        "B reaches A over the veth: {addr}"
    );
    assert_eq!(st_b["title"], st_a["title"]);

    wait_for(
        "A lists B as connected",
        DISCOVERY_DEADLINE,
        || {
            let st_a = a.status()?;
            (peer(&st_a, &b_id)?["connected"] == true).then_some(())
        },
        diag,
    );
}
