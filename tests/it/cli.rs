//! The command line: exit codes and messages a person (or a script) relies on.

use std::time::Duration;

use serde_json::Value;

use crate::support::{
    Node, bureau_cmd, file_names, run_with_deadline, serve_until_exit, wait_until,
};

const DEADLINE: Duration = Duration::from_secs(60);

fn run(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut cmd = bureau_cmd(dir);
    cmd.args(args);
    let out = run_with_deadline(cmd, DEADLINE);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `bureau --help` speaks to the person running the node: what it is and how to start,
/// not the crate's description for developers.
#[test]
fn help_opens_with_what_the_node_is_and_says_how_to_start() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(tmp.path(), &["--help"]);
    assert_eq!(code, Some(0), "stderr: {stderr}");
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("A local-first node for a coordination bureau"),
        "the help's first line: {first:?}"
    );
    assert!(
        !stdout.contains("wiring"),
        "no words meant for developers: {stdout}"
    );
    assert!(
        stdout.contains("To start: `bureau serve`") && stdout.contains("bureau join CODE"),
        "{stdout}"
    );
}

#[test]
fn status_without_a_running_node_exits_69_and_says_how_to_start_one() {
    let tmp = tempfile::tempdir().unwrap();
    for dir in [tmp.path().join("empty"), tmp.path().join("missing")] {
        if dir.ends_with("empty") {
            std::fs::create_dir(&dir).unwrap();
        }
        let (code, _, stderr) = run(&dir, &["status"]);
        assert_eq!(code, Some(69), "stderr: {stderr}");
        assert!(
            stderr.contains("no node is running")
                && stderr.contains(&format!("bureau serve --data-dir {}", dir.display())),
            "the message should say how to start a node: {stderr}"
        );
    }
    assert!(
        !tmp.path().join("missing").exists(),
        "status must not create a data directory"
    );
}

#[test]
fn status_talks_to_the_running_node_and_exits_69_once_it_is_killed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("node");
    let node = Node::start(&dir, &[]);
    let api = node.status();

    let (code, stdout, stderr) = run(&dir, &["status"]);
    assert_eq!(code, Some(0), "stderr: {stderr}");
    assert!(stdout.contains("Civil Society Bureau"), "{stdout}");
    assert!(
        stdout.contains(api["bureau_id"].as_str().unwrap()),
        "{stdout}"
    );

    let (code, stdout, stderr) = run(&dir, &["status", "--json"]);
    assert_eq!(code, Some(0), "stderr: {stderr}");
    let json: Value = serde_json::from_str(&stdout).expect("status --json prints JSON");
    assert_eq!(json["bureau_id"], api["bureau_id"]);
    assert_eq!(json["peer_id"], api["peer_id"]);

    // kill -9 leaves runtime.json behind; status must still find that nothing answers.
    node.kill9();
    assert!(dir.join("runtime.json").exists());
    let (code, _, stderr) = run(&dir, &["status"]);
    assert_eq!(code, Some(69), "stderr: {stderr}");
    assert!(
        stderr.contains("does not answer"),
        "the message should say the node does not answer: {stderr}"
    );
}

#[test]
fn second_serve_on_the_same_data_dir_exits_75_naming_the_first() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("node");
    let node = Node::start(&dir, &[]);
    let runtime_before = std::fs::read(dir.join("runtime.json")).unwrap();

    let out = serve_until_exit(&dir, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(75), "stderr: {stderr}");
    assert!(
        stderr.contains(&format!("pid {}", node.pid)),
        "the message should name the running node's pid {}: {stderr}",
        node.pid
    );
    assert!(stderr.contains("another bureau node"), "{stderr}");

    // `init` is refused the same way while the node runs.
    let (code, _, stderr) = run(&dir, &["init", "--name", "Intruder"]);
    assert_eq!(code, Some(75), "stderr: {stderr}");

    // The first node is untouched and still the one described in runtime.json.
    assert_eq!(
        std::fs::read(dir.join("runtime.json")).unwrap(),
        runtime_before
    );
    node.status();
    node.stop();
    assert!(
        !dir.join("runtime.json").exists(),
        "a clean stop removes runtime.json"
    );
}

#[test]
fn init_creates_a_bureau_once_and_refuses_a_second_time() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("node");
    let (code, stdout, stderr) = run(
        &dir,
        &[
            "init",
            "--name",
            "Xanthe Founder",
            "--bureau",
            "Test Bureau",
        ],
    );
    assert_eq!(code, Some(0), "stderr: {stderr}");
    assert!(stdout.contains("created the bureau"), "{stdout}");
    let doc_files = file_names(&dir.join("doc"));
    assert!(!doc_files.is_empty(), "init wrote the document");

    let (code, _, stderr) = run(&dir, &["init", "--name", "Someone Else"]);
    assert_ne!(code, Some(0), "a second init must fail");
    assert!(
        stderr.contains("already holds the bureau") && stderr.contains("Test Bureau"),
        "the message should say the directory already holds a bureau: {stderr}"
    );
    assert_eq!(
        file_names(&dir.join("doc")),
        doc_files,
        "the refused init wrote something"
    );

    // serve picks up the bureau init made, with its founder.
    let node = Node::start(&dir, &["--name", "Ignored Name"]);
    let status = node.status();
    assert_eq!(status["title"], "Test Bureau");
    assert!(
        stdout.contains(status["bureau_id"].as_str().unwrap()),
        "init printed the bureau id: {stdout}"
    );
    assert_eq!(node.member_names(), ["Xanthe Founder"]);
    let members = node.get("/api/members").expect(200);
    assert_eq!(status["member_id"], members[0]["id"]);
    node.stop();
}

#[test]
fn serve_publishes_the_announced_address_instead_of_its_listen_addresses() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("node");
    // A port forwarded to this node on a router: nothing listens there on this machine.
    let announced = "/ip4/203.0.113.7/tcp/4001";
    let node = Node::start(&dir, &["--announce", announced]);
    let status = node.status();
    let peer_id = status["peer_id"].as_str().unwrap().to_owned();
    let listen = status["listen"].clone();
    assert!(
        listen.as_array().is_some_and(|l| !l.is_empty()),
        "the node listens somewhere: {status}"
    );
    let device_path = format!("/api/devices/{peer_id}");
    let device = || {
        node.try_request("GET", &device_path, &node.default_headers(), b"")
            .map(|res| (res.status, res.text()))
    };
    wait_until(
        "the device record names exactly the announced address",
        DEADLINE,
        || {
            device().is_ok_and(|(status, body)| {
                status == 200
                    && serde_json::from_str::<Value>(&body)
                        .is_ok_and(|d| d["addrs"] == serde_json::json!([announced]))
            })
        },
        || {
            format!(
                "GET {device_path} said {:?}; the node listens at {listen}",
                device()
            )
        },
    );
    // The listing says the same, and no listen address leaked into it.
    let devices = node.get("/api/devices").expect(200);
    let mine = devices
        .as_array()
        .and_then(|d| d.iter().find(|d| d["peer_id"] == peer_id.as_str()))
        .unwrap_or_else(|| panic!("this device is not listed: {devices}"));
    assert_eq!(mine["addrs"], serde_json::json!([announced]), "{mine}");

    // A laptop joining from elsewhere is told the announced address first, and one on the
    // same network still gets the listen addresses.
    let res = node
        .post("/api/invites", &serde_json::json!({"role": "editor"}))
        .expect(201);
    let code = bureau_net::InviteCode::decode(res["link"].as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("the node's invite code does not decode ({e}): {res}"));
    assert_eq!(code.addrs.first().map(String::as_str), Some(announced));
    for l in listen.as_array().unwrap() {
        assert!(
            code.addrs.iter().any(|a| Some(a.as_str()) == l.as_str()),
            "the invite code lacks the listen address {l}: {:?}",
            code.addrs
        );
    }
    node.stop();
}

#[test]
fn serve_refuses_a_malformed_announce_address_with_exit_78_naming_the_option() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("node");
    let peer_id = bureau_net::Identity::generate().peer_id();
    for (bad, why) in [
        ("203.0.113.7:4001", "not a multiaddr"),
        ("/ip4/203.0.113.7", "no port"),
        (
            &format!("/ip4/203.0.113.7/tcp/4001/p2p/{peer_id}") as &str,
            "peer id",
        ),
    ] {
        let out = serve_until_exit(
            &dir,
            &["--announce", "/ip4/127.0.0.1/tcp/4001", "--announce", bad],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(78),
            "{bad:?} was not refused as bad configuration: {stderr}"
        );
        assert!(
            stderr.contains(&format!("--announce {bad:?}"))
                && stderr.contains(why)
                && stderr.contains("like /ip4/"),
            "the message should name the option and the address, say why ({why}) and show \
             what is expected: {stderr}"
        );
        assert!(
            !dir.exists(),
            "a refused --announce must not create the data directory"
        );
    }
}
