//! Sealed change bundles between real nodes that never sync: the bureau goes from A to a
//! laptop B that joined A but never ran while A did (so the two never opened a session), on a
//! file, through the CLI on B's stopped data directory; B's edit comes back through the HTTP
//! API. Refusals come back as 4xx naming why, with the document unchanged. A bundle made
//! after B's device was revoked does not open with B's data directory.

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Node, api_error, bureau_cmd, join_ok, run_with_deadline, wait_for};

/// How long a CLI command may take (debug build, busy 2-core machine).
const CLI_DEADLINE: Duration = Duration::from_secs(120);

/// `bureau --data-dir DIR ARGS...`, run to completion.
fn cli(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = bureau_cmd(dir);
    cmd.args(args);
    run_with_deadline(cmd, CLI_DEADLINE)
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "exit {}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn group_names(node: &Node) -> Vec<String> {
    let mut v: Vec<String> = node
        .get("/api/groups")
        .expect(200)
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

/// `POST /api/bundle` with the bytes.
fn post_bundle(node: &Node, bytes: &[u8]) -> crate::support::Response {
    let mut headers = node.default_headers();
    headers.push((
        "Content-Type".to_owned(),
        "application/octet-stream".to_owned(),
    ));
    node.request("POST", "/api/bundle", &headers, bytes)
}

/// The peers page's upload form, as a browser sends it (`multipart/form-data`).
fn upload(node: &Node, bytes: &[u8]) -> crate::support::Response {
    const BOUNDARY: &str = "bundle-boundary-7d1f";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.bundle\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let mut headers = node.default_headers();
    headers.push((
        "Content-Type".to_owned(),
        format!("multipart/form-data; boundary={BOUNDARY}"),
    ));
    headers.push(("Origin".to_owned(), format!("http://{}", node.host())));
    node.request("POST", "/peers/bundle", &headers, &body)
}

/// Posts a bundle that must be refused with `status` and `code`, and checks that nothing
/// changed.
fn refused(node: &Node, bytes: &[u8], status: u16, code: &str) {
    let before = node.heads();
    let res = post_bundle(node, bytes);
    assert_eq!(res.status, status, "{}", res.text());
    assert_eq!(api_error(&res).code, code);
    assert_eq!(
        node.heads(),
        before,
        "a refused bundle changed the document"
    );
}

#[test]
fn a_bundle_carries_the_bureau_both_ways_between_nodes_that_never_sync() {
    let tmp = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (tmp.path().join("a"), tmp.path().join("b"));
    let a = Node::start(&a_dir, &["--name", "Amina Diallo"]);
    // B joins (the invite exchange only: B's node does not run while A's does).
    join_ok(&b_dir, &a.invite("editor"), "Bea Mensah");
    a.post("/api/groups", &json!({"name": "Article 19"}))
        .expect(201);
    let to_b = tmp.path().join("to-b.bundle");
    let out = ok(&cli(
        &a_dir,
        &["bundle", "export", "--out", to_b.to_str().unwrap()],
    ));
    assert!(out.contains("wrote"), "{out}");
    let a_peer = a.peer_id();
    a.stop();

    // Imported on B's stopped data directory, which has not received its bureau yet: the
    // bundle is its inviter's.
    let out = ok(&cli(&b_dir, &["bundle", "import", to_b.to_str().unwrap()]));
    assert!(out.contains("imported"), "{out}");
    let b = Node::start(&b_dir, &[]);
    assert_eq!(group_names(&b), ["Article 19"]);
    b.post("/api/groups", &json!({"name": "Article 20"}))
        .expect(201);
    // Through the API: the bytes, and importing them again is harmless.
    let res = b.get("/api/bundle");
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/octet-stream"));
    let to_a = res.into_body();
    let again = post_bundle(&b, &to_a).expect(200);
    assert_eq!(again["imported_changes"], 0);
    assert!(again["already_had"].as_u64().unwrap() > 0, "{again}");
    // Only what A is not known to have: nothing is known of A's heads by sync, so all.
    let since = b.get(&format!("/api/bundle?since_peer={a_peer}"));
    assert_eq!(since.status, 200);
    let bad_peer = b.get("/api/bundle?since_peer=nobody");
    assert_eq!(bad_peer.status, 400);
    assert_eq!(api_error(&bad_peer).field.as_deref(), Some("since_peer"));
    b.stop();

    let a = Node::start(&a_dir, &[]);
    let before = a.heads();
    let imported = post_bundle(&a, &to_a).expect(200);
    assert!(
        imported["imported_changes"].as_u64().unwrap() >= 1,
        "{imported}"
    );
    assert_ne!(a.heads(), before);
    assert_eq!(group_names(&a), ["Article 19", "Article 20"]);
    assert_eq!(post_bundle(&a, &to_a).expect(200)["imported_changes"], 0);
    // The CLI goes through the running node too.
    let to_a_file = tmp.path().join("to-a.bundle");
    std::fs::write(&to_a_file, &to_a).unwrap();
    let out = ok(&cli(
        &a_dir,
        &["bundle", "import", to_a_file.to_str().unwrap()],
    ));
    assert!(out.contains("imported 0 change(s)"), "{out}");

    // The peers page offers both: the download link and the upload form, which imports.
    let page = a.get("/peers");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("href=\"/api/bundle\""), "no download link");
    assert!(html.contains("action=\"/peers/bundle\""), "no upload form");
    let res = upload(&a, &to_a);
    assert_eq!(res.status, 303, "{}", res.text());
    assert_eq!(res.header("location"), Some("/peers?done=bundle"));
    let mut bad = to_a.clone();
    bad[30] ^= 0x01;
    let res = upload(&a, &bad);
    assert_eq!(res.status, 422);
    assert!(
        res.text().contains("The bundle was refused"),
        "{}",
        res.text()
    );

    // Refusals, each with the document unchanged: a flipped byte anywhere, a cut, not a
    // bundle, another bureau's.
    for at in [0, 20, to_a.len() / 2, to_a.len() - 1] {
        let mut bad = to_a.clone();
        bad[at] ^= 0x01;
        let res = post_bundle(&a, &bad);
        assert_eq!(res.status, 422, "byte {at}: {}", res.text());
        let code = api_error(&res).code;
        assert!(["tampered", "malformed"].contains(&code.as_str()), "{code}");
        assert_eq!(group_names(&a), ["Article 19", "Article 20"]);
    }
    refused(&a, &to_a[..to_a.len() - 10], 422, "malformed");
    refused(&a, b"hello", 422, "malformed");
    let empty = post_bundle(&a, b"");
    assert_eq!(empty.status, 400);
    assert_eq!(api_error(&empty).field.as_deref(), Some("body"));
    // Over the cap: refused before it is read whole.
    let huge = vec![0u8; 64 * 1024 * 1024 + 1];
    let res = post_bundle(&a, &huge);
    assert_eq!(res.status, 413);
    assert_eq!(api_error(&res).code, "too_large");
    let z = Node::start(&tmp.path().join("z"), &["--name", "Zed Other"]);
    let theirs = z.get("/api/bundle").into_body();
    refused(&a, &theirs, 422, "other_bureau");
}

#[test]
fn a_bundle_made_after_a_revocation_does_not_open_on_the_revoked_laptop() {
    let tmp = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (tmp.path().join("a"), tmp.path().join("b"));
    let a = Node::start(&a_dir, &["--name", "Amina Diallo"]);
    join_ok(&b_dir, &a.invite("editor"), "Bea Mensah");
    // A bundle made while B is a device opens on B's stopped data directory.
    let before = tmp.path().join("before.bundle");
    ok(&cli(
        &a_dir,
        &["bundle", "export", "--out", before.to_str().unwrap()],
    ));
    ok(&cli(
        &b_dir,
        &["bundle", "import", before.to_str().unwrap()],
    ));
    let b_peer: String = a
        .get("/api/devices")
        .expect(200)
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["peer_id"].as_str().unwrap().to_owned())
        .find(|p| *p != a.peer_id())
        .expect("B's device");
    a.delete(&format!("/api/devices/{b_peer}")).expect(200);
    a.post("/api/groups", &json!({"name": "Said after the revocation"}))
        .expect(201);
    let after = tmp.path().join("after.bundle");
    ok(&cli(
        &a_dir,
        &["bundle", "export", "--out", after.to_str().unwrap()],
    ));
    let out = cli(&b_dir, &["bundle", "import", after.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(65), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no key that opens the bundle"), "{err}");
    // Made on A's stopped data directory, for B only: no more use to B.
    a.stop();
    let offline = tmp.path().join("offline.bundle");
    ok(&cli(
        &a_dir,
        &[
            "bundle",
            "export",
            "--out",
            offline.to_str().unwrap(),
            "--since-peer",
            &b_peer,
        ],
    ));
    let out = cli(&b_dir, &["bundle", "import", offline.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(65), "{out:?}");
    let out = cli(
        &a_dir,
        &[
            "bundle",
            "export",
            "--out",
            "x.bundle",
            "--since-peer",
            "nobody",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // B's document is as it was: started, it shows nothing said after the revocation.
    let b = Node::start(&b_dir, &[]);
    let names: Vec<Value> = b.get("/api/groups").expect(200).as_array().unwrap().clone();
    assert!(
        names
            .iter()
            .all(|g| g["name"] != "Said after the revocation"),
        "{names:?}"
    );
    wait_for(
        "B's node answers",
        Duration::from_secs(5),
        || (b.status()["bureau_id"].is_string()).then_some(()),
        || b.status().to_string(),
    );
}

#[test]
fn an_observer_gets_the_bureau_by_bundle_but_makes_none() {
    let tmp = tempfile::tempdir().unwrap();
    let (a_dir, o_dir) = (tmp.path().join("a"), tmp.path().join("o"));
    let a = Node::start(&a_dir, &["--name", "Amina Diallo"]);
    join_ok(&o_dir, &a.invite("observer"), "Olu Watcher");
    a.post("/api/groups", &json!({"name": "Article 19"}))
        .expect(201);
    let bundle = a.get("/api/bundle").into_body();
    a.stop();
    let file = tmp.path().join("to-o.bundle");
    std::fs::write(&file, &bundle).unwrap();
    ok(&cli(&o_dir, &["bundle", "import", file.to_str().unwrap()]));
    let o = Node::start(&o_dir, &[]);
    assert_eq!(group_names(&o), ["Article 19"]);
    let res = o.get("/api/bundle");
    assert_eq!(res.status, 403, "{}", res.text());
    assert_eq!(api_error(&res).code, "observer");
    // Its page offers the upload but no download.
    let html = o.get("/peers").text();
    assert!(!html.contains("href=\"/api/bundle\""));
    assert!(html.contains("action=\"/peers/bundle\""));
}
