//! The web side of the node's defences, on the real binary: a token file of the wrong form
//! stops the node, an empty cookie opens nothing, the node answers at its own host name, a
//! browser's session (not the token) survives a restart and so does a log-out, and a node
//! cannot revoke its own device.

use std::path::Path;

use crate::support::Node;

fn serve_once(dir: &Path) -> (Option<i32>, String) {
    let out = crate::support::serve_until_exit(dir, &[]);
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn a_token_file_of_the_wrong_form_stops_the_node() {
    let tmp = tempfile::tempdir().unwrap();
    let bad: [&[u8]; 6] = [
        &[b' '; 64],                                                           // trims to nothing
        b"\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n", // ditto
        b"0123456789abcdef0123456789abcdef",                                   // too short
        &[b'A'; 64], // not what the node writes
        b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0", // one too many
        &[0xff; 64], // not text
    ];
    for (i, token) in bad.iter().enumerate() {
        let dir = tmp.path().join(format!("node-{i}"));
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("api-token"), token).unwrap();
        let (code, out) = serve_once(&dir);
        assert_eq!(code, Some(78), "token file {i}: {out}");
        assert!(out.contains("api-token"), "names the file: {out}");
        assert!(out.contains("delete the file"), "says how to rotate: {out}");
        assert!(
            !dir.join("runtime.json").exists(),
            "the node never served: {out}"
        );
    }
    // A host-label file of the wrong form is refused the same way.
    let dir = tmp.path().join("label");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("host-label"), "evil").unwrap();
    let (code, out) = serve_once(&dir);
    assert_eq!(code, Some(78), "{out}");
    assert!(out.contains("host-label"), "{out}");

    // The node's own token, with the final newline an editor adds, is fine.
    let dir = tmp.path().join("edited");
    std::fs::create_dir(&dir).unwrap();
    let token = "0123456789abcdef".repeat(4);
    std::fs::write(dir.join("api-token"), format!("{token}\n")).unwrap();
    let node = Node::start(&dir, &[]);
    assert_eq!(node.token, token);
    node.status();
    node.stop();
}

/// The `bureau_session=<id>` pair of a login through the link.
fn log_in(node: &Node, host: &str) -> String {
    let res = node.request(
        "GET",
        &format!("/schedule?token={}", node.token),
        &[("Host".to_owned(), host.to_owned())],
        b"",
    );
    assert_eq!(res.status, 303, "{}", res.text());
    assert_eq!(res.header("location"), Some("/schedule"));
    let cookie = res
        .header("set-cookie")
        .expect("a session cookie")
        .to_owned();
    assert!(!cookie.contains(&node.token), "{cookie}");
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
    cookie.split(';').next().unwrap().trim().to_owned()
}

fn with_cookie(node: &Node, host: &str, method: &str, path: &str, cookie: &str) -> u16 {
    let mut headers = vec![
        ("Host".to_owned(), host.to_owned()),
        ("Cookie".to_owned(), cookie.to_owned()),
    ];
    let body: &[u8] = if method == "GET" {
        b""
    } else {
        headers.push(("Origin".to_owned(), format!("http://{host}")));
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        br#"{"name":"Cookie Monster"}"#
    };
    node.request(method, path, &headers, body).status
}

#[test]
fn sessions_live_at_the_nodes_own_host_name_and_survive_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("node");
    let node = Node::start(&dir, &["--demo"]);
    let label = std::fs::read_to_string(dir.join("host-label")).unwrap();
    assert!(
        label.starts_with("bureau-") && label.len() == 39,
        "a label of 128 random bits: {label:?}"
    );
    let own = format!("{label}.localhost:{}", node.addr.port());
    let log = node.log();
    assert!(
        log.contains(&format!("open http://{own}/?token=")),
        "the login link uses the node's own host name:\n{log}"
    );
    assert!(
        log.contains(&format!("http://{}/?token=", node.host())),
        "and names the plain address too:\n{log}"
    );
    assert!(
        !node.status().to_string().contains(&label),
        "the label is not published"
    );

    // An empty cookie reads and writes nothing.
    for host in [own.as_str(), &node.host()] {
        assert_eq!(
            with_cookie(&node, host, "GET", "/api/status", "bureau_session="),
            401
        );
        assert_eq!(
            with_cookie(&node, host, "POST", "/api/members", "bureau_session="),
            401
        );
    }

    let kept = log_in(&node, &own);
    let ended = log_in(&node, &own);
    assert_eq!(with_cookie(&node, &own, "GET", "/api/status", &kept), 200);
    assert_eq!(with_cookie(&node, &own, "POST", "/api/members", &kept), 201);
    let mut headers = vec![
        ("Host".to_owned(), own.clone()),
        ("Origin".to_owned(), format!("http://{own}")),
        ("Cookie".to_owned(), ended.clone()),
    ];
    headers.push((
        "Content-Type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    ));
    let res = node.request("POST", "/logout", &headers, b"");
    assert_eq!(res.status, 303, "{}", res.text());
    assert_eq!(with_cookie(&node, &own, "GET", "/api/status", &ended), 401);
    node.stop();

    let node = Node::start(&dir, &[]);
    let own = format!("{label}.localhost:{}", node.addr.port());
    assert_eq!(
        with_cookie(&node, &own, "GET", "/api/status", &kept),
        200,
        "the browser is still logged in after a restart"
    );
    assert_eq!(
        with_cookie(&node, &own, "GET", "/api/status", &ended),
        401,
        "and the one that logged out is still out"
    );
    let headers = vec![
        ("Host".to_owned(), own.clone()),
        ("Origin".to_owned(), format!("http://{own}")),
        ("Cookie".to_owned(), kept.clone()),
        (
            "Content-Type".to_owned(),
            "application/x-www-form-urlencoded".to_owned(),
        ),
    ];
    let res = node.request("POST", "/logout/all", &headers, b"");
    assert_eq!(res.status, 303, "{}", res.text());
    node.stop();
    let node = Node::start(&dir, &[]);
    let own = format!("{label}.localhost:{}", node.addr.port());
    assert_eq!(
        with_cookie(&node, &own, "GET", "/api/status", &kept),
        401,
        "log out every browser holds across a restart"
    );
    node.status();
    node.stop();
}

#[test]
fn a_node_cannot_revoke_its_own_device() {
    let tmp = tempfile::tempdir().unwrap();
    let node = Node::start(&tmp.path().join("node"), &["--demo"]);
    let own = node.status()["peer_id"].as_str().unwrap().to_owned();
    let res = node.delete(&format!("/api/devices/{own}"));
    let err = res.expect(409);
    assert_eq!(err["error"]["code"], "own_device", "{err}");
    let device = node.get(&format!("/api/devices/{own}")).expect(200);
    assert_eq!(device["revoked"], false);
    // It can still write.
    node.post("/api/members", &serde_json::json!({"name": "After"}))
        .expect(201);
    node.stop();
}
