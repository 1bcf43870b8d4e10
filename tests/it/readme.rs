//! The README's promises, checked against a real node: its curl examples work as written, and
//! a client that never finishes its headers is cut off (the header-read timeout).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::Node;

/// The README's API walkthrough: the `sh` block that starts with `export BUREAU=`.
fn readme_api_block() -> String {
    let readme = include_str!("../../README.md");
    readme
        .split("```sh\n")
        .skip(1)
        .filter_map(|b| b.split_once("```").map(|(code, _)| code))
        .find(|code| code.starts_with("export BUREAU="))
        .expect("the README has an API walkthrough starting with `export BUREAU=`")
        .to_owned()
}

#[test]
fn readme_curl_examples_work_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo-data");
    let node = Node::start(&data, &["--demo"]);
    // The walkthrough assumes the default port and `./demo-data`; point those two lines at
    // this node and run everything else exactly as written.
    let block = readme_api_block();
    let script: String = block
        .lines()
        .map(|l| {
            if l.starts_with("export BUREAU=") {
                format!("export BUREAU=http://{}", node.host())
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(script.contains("cat demo-data/api-token"), "{script}");
    let out = Command::new("bash")
        .arg("-euo")
        .arg("pipefail")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the README's examples failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // What the walkthrough did is visible through the API.
    let meetings = node.get("/api/meetings").expect(200);
    let drafting = meetings
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["title"] == "Drafting group")
        .unwrap_or_else(|| panic!("the walkthrough's meeting exists: {stdout}"));
    assert_eq!(drafting["status"], "confirmed");
    assert_eq!(drafting["archived"], false, "archived, then restored");
    assert!(
        stdout.contains(r#""field":"start""#),
        "the bad-input example names the field: {stdout}"
    );
    let exported =
        std::fs::read(dir.path().join("bureau.automerge")).expect("the export was written");
    automerge::AutoCommit::load(&exported).expect("the export is an automerge document");
}

#[test]
fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::start(dir.path(), &[]);
    let mut slow = TcpStream::connect(node.addr).unwrap();
    slow.write_all(b"GET /api/status HTTP/1.1\r\nHost: ")
        .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 512];
    // The node closes the connection (EOF, possibly after a 408) once its header-read timeout
    // passes; a node without one would leave this read hanging until the 30 s read timeout.
    let closed = loop {
        match slow.read(&mut buf) {
            Ok(0) => break true,
            Ok(_) => continue,
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut =>
            {
                break false;
            }
            Err(_) => break true,
        }
    };
    assert!(
        closed,
        "the node kept a half-sent request open for {:?}",
        started.elapsed()
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "closed only after {:?}",
        started.elapsed()
    );
    // Meanwhile and afterwards the node serves everyone else.
    node.get("/api/status").expect(200);
}
