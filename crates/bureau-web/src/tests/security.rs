//! Router tests of the web layer's defences, each a regression test of a way in that was
//! open: an empty token or cookie, the token as the cookie, the login link only on `/`, an
//! Undo form pointed at another action, a node revoking itself, a language switch sending the
//! browser to another site, names with hidden characters, bodies that never arrive, and
//! connections without bound.

use std::io::{Read, Write};
use std::net::TcpStream;

use bureau_store::Files;

use super::*;
use crate::session::{SessionFile, Sessions};

const LABEL: &str = "bureau-0123456789abcdef0123456789abcdef";

/// A browser's form post: the node's own `Origin`, a session cookie.
fn form_post(uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    bare(Method::POST, uri)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

fn get_with_cookie(uri: &str, cookie: &str) -> Request<Body> {
    bare(Method::GET, uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

async fn text(res: Response) -> String {
    String::from_utf8(body_bytes(res).await).expect("utf-8")
}

/// Logs in through the link and answers the cookie pair (`bureau_session=<id>`).
async fn log_in(f: &Fixture) -> String {
    let res = f
        .send(
            bare(Method::GET, &format!("/?token={TOKEN}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().trim().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_token_or_cookie_lets_no_one_in() {
    // A node whose token is empty (an api-token file of blanks, trimmed) and a node with a
    // real token: an empty cookie or bearer header reads nothing and writes nothing on either.
    for token in ["", TOKEN] {
        let f = fixture_with(WebConfig::loopback(token.to_owned(), PORT), true).await;
        let before = f.member_count();
        for cookie in [format!("{SESSION_COOKIE}="), format!("{SESSION_COOKIE}= ")] {
            let res = f.send(get_with_cookie("/api/status", &cookie)).await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "token {token:?}");
            let res = f.send(get_with_cookie("/roster", &cookie)).await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "token {token:?}");
            let res = f
                .send(
                    bare(Method::POST, "/api/members")
                        .header(header::COOKIE, cookie.as_str())
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from(json!({"name": "In"}).to_string()))
                        .unwrap(),
                )
                .await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "token {token:?}");
        }
        for bearer in ["Bearer ", "Bearer    "] {
            let res = f
                .send(
                    bare(Method::GET, "/api/status")
                        .header(header::AUTHORIZATION, bearer)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "token {token:?}");
        }
        let res = f
            .send(bare(Method::GET, "/?token=").body(Body::empty()).unwrap())
            .await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "token {token:?}");
        assert!(res.headers().get(header::SET_COOKIE).is_none());
        assert_eq!(f.member_count(), before, "nothing was written");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cookie_is_a_session_and_never_the_token() {
    let f = fixture().await;
    // The token itself in the cookie is refused: only a session made by the login link counts.
    let res = f
        .send(get_with_cookie(
            "/api/status",
            &format!("{SESSION_COOKIE}={TOKEN}"),
        ))
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let a = log_in(&f).await;
    let b = log_in(&f).await;
    assert_ne!(a, b, "each login is a session of its own");
    for c in [&a, &b] {
        let res = f.send(get_with_cookie("/api/status", c)).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    // A made-up id of the right form is not a session.
    let res = f
        .send(get_with_cookie(
            "/api/status",
            &format!("{SESSION_COOKIE}={}", "0".repeat(32)),
        ))
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_login_link_works_on_any_page_and_leaves_the_address() {
    let f = fixture().await;
    let res = f
        .send(
            bare(
                Method::GET,
                &format!("/liaison/report?from=2025-11-01&token={TOKEN}&to=2025-11-30"),
            )
            .body(Body::empty())
            .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[header::LOCATION],
        "/liaison/report?from=2025-11-01&to=2025-11-30"
    );
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap();
    let pair = cookie.split(';').next().unwrap().trim().to_owned();
    let res = f
        .send(get_with_cookie(
            "/liaison/report?from=2025-11-01&to=2025-11-30",
            &pair,
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // A wrong token on a deep link is the login page, with no cookie.
    let res = f
        .send(
            bare(Method::GET, "/roster?token=nope")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get(header::SET_COOKIE).is_none());

    // A request path that a browser would read as another site is sent home instead.
    let res = f
        .send(
            bare(Method::GET, &format!("//evil.example/?token={TOKEN}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/");
}

#[tokio::test(flavor = "multi_thread")]
async fn log_out_ends_this_browser_and_log_out_every_browser_ends_all() {
    let f = fixture().await;
    let a = log_in(&f).await;
    let b = log_in(&f).await;
    let page = text(f.send(get_with_cookie("/peers", &a)).await).await;
    assert!(
        page.contains(r#"action="/logout""#),
        "log-out form on /peers"
    );
    assert!(
        page.contains(r#"action="/logout/all""#),
        "log-out-all form on /peers"
    );

    let res = f.send(form_post("/logout", &a, &[])).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cleared = res.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(
        f.send(get_with_cookie("/api/status", &a)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        f.send(get_with_cookie("/api/status", &b)).await.status(),
        StatusCode::OK,
        "another browser stays logged in"
    );

    let c = log_in(&f).await;
    let res = f.send(form_post("/logout/all", &b, &[])).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    for s in [&b, &c] {
        assert_eq!(
            f.send(get_with_cookie("/api/status", s)).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Scripts keep the token.
    let (status, _) = f.get("/api/status").await;
    assert_eq!(status, StatusCode::OK);
}

/// The table's file through the store's durable small-file writer, as the binary keeps it.
#[derive(Debug)]
struct StoreFile(Files);

impl SessionFile for StoreFile {
    fn load(&self) -> Result<Option<Vec<u8>>, String> {
        self.0
            .read_file(crate::SESSIONS_FILE)
            .map_err(|e| e.to_string())
    }
    fn save(&self, bytes: &[u8]) -> Result<(), String> {
        self.0
            .write_file(crate::SESSIONS_FILE, bytes, 0o600)
            .map_err(|e| e.to_string())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_and_log_outs_survive_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("node");
    let files = bureau_store::Store::open(&dir).unwrap().files();
    let file = Arc::new(StoreFile(files.clone()));
    let sessions = Sessions::persisted(file.clone());
    let kept = sessions.create().await.unwrap();
    let ended = sessions.create().await.unwrap();
    sessions.remove(&ended).await.unwrap();
    drop(sessions);
    let raw = String::from_utf8(files.read_file(crate::SESSIONS_FILE).unwrap().unwrap()).unwrap();
    assert!(raw.contains(&kept), "{raw}");
    assert!(!raw.contains(&ended), "{raw}");
    // A node started again on the same directory.
    let again = Sessions::persisted(file.clone());
    assert!(
        again.valid(&kept),
        "a browser stays logged in across a restart"
    );
    assert!(
        !again.valid(&ended),
        "a log-out stays done across a restart"
    );
    again.clear().await.unwrap();
    let third = Sessions::persisted(file);
    assert!(third.is_empty(), "log out everywhere stays done");
    // A damaged file costs the logins, nothing else.
    files
        .write_file(crate::SESSIONS_FILE, b"{not json", 0o600)
        .unwrap();
    let fourth = Sessions::persisted(Arc::new(StoreFile(files)));
    assert!(fourth.is_empty());
    assert!(!fourth.valid(""));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_nodes_own_host_name_is_accepted_and_no_other() {
    let config = WebConfig::loopback(TOKEN.to_owned(), PORT).with_host_label(LABEL, PORT);
    let f = fixture_with(config, true).await;
    let own = format!("{LABEL}.localhost:{PORT}");
    let res = f
        .send(
            Request::builder()
                .uri(format!("/?token={TOKEN}"))
                .header(header::HOST, own.as_str())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(!cookie.to_ascii_lowercase().contains("domain"), "{cookie}");
    let pair = cookie.split(';').next().unwrap().trim().to_owned();
    // A form posted from that origin is a write from this node's own page.
    let res = f
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/roster/members")
                .header(header::HOST, own.as_str())
                .header(header::ORIGIN, format!("http://{own}"))
                .header(header::COOKIE, pair.as_str())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("name=Via+label"))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Other names under .localhost are other sites.
    for host in [
        format!("other.localhost:{PORT}"),
        format!("{LABEL}.localhost.evil.example:{PORT}"),
        format!("x{LABEL}.localhost:{PORT}"),
    ] {
        let res = f
            .send(
                Request::builder()
                    .uri("/api/status")
                    .header(header::HOST, host.as_str())
                    .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{host}");
    }
    assert!(crate::is_host_label(LABEL));
    for bad in ["", "bureau-", "bureau-XYZ", "evil", &format!("{LABEL}0")] {
        assert!(!crate::is_host_label(bad), "{bad:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn undo_is_offered_only_for_an_archived_record_at_its_own_address() {
    let f = fixture().await;
    let s = log_in(&f).await;
    // The address from the review: an id that climbs out of /records/ to the revoke action.
    let evil = format!(
        "/roster?done=archived&type=member&id=..%2F..%2Fpeers%2Fdevices%2F{}%2Frevoke%3F",
        peer()
    );
    let page = text(f.send(get_with_cookie(&evil, &s)).await).await;
    assert!(!page.contains("/revoke"), "no form posts to a revocation");
    assert!(
        !page.contains("/restore"),
        "no undo for a record that does not exist"
    );
    for other in ["../../peers/pause#", "x/../../peers/pause", ".."] {
        let uri = format!(
            "/roster?done=archived&type=member&id={}",
            crate::ui::query_value(other)
        );
        let page = text(f.send(get_with_cookie(&uri, &s)).await).await;
        assert!(!page.contains("/restore"), "{other}");
        assert!(!page.contains("peers/pause\""), "{other}");
    }
    // A device is revoked, never "restored" from a link.
    let uri = format!("/roster?done=archived&type=device&id={}", peer());
    let page = text(f.send(get_with_cookie(&uri, &s)).await).await;
    assert!(!page.contains("/restore"));

    // A real archive: its undo names the record at its own address.
    let m = f.create("members", json!({"name": "Gone Soon"})).await;
    let id = m["id"].as_str().unwrap().to_owned();
    let uri = format!("/roster?done=archived&type=member&id={id}");
    let page = text(f.send(get_with_cookie(&uri, &s)).await).await;
    assert!(
        !page.contains("/restore"),
        "no undo for a record that is not archived"
    );
    let res = f
        .send(form_post(&format!("/records/member/{id}/archive"), &s, &[]))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()[header::LOCATION].to_str().unwrap().to_owned();
    assert_eq!(to, uri);
    let page = text(f.send(get_with_cookie(&to, &s)).await).await;
    assert!(
        page.contains(&format!(r#"action="/records/member/{id}/restore""#)),
        "the undo of a real archive"
    );
}

#[test]
fn ids_in_addresses_are_one_encoded_segment() {
    use crate::ui::seg;
    assert_eq!(seg("0a1b2c3d"), "0a1b2c3d");
    assert_eq!(
        seg("../../peers/devices/x/revoke?"),
        "%2E%2E%2F%2E%2E%2Fpeers%2Fdevices%2Fx%2Frevoke%3F"
    );
    assert_eq!(seg("a#b c"), "a%23b%20c");
    assert_eq!(seg(".."), "...");
    assert_eq!(seg("."), "...");
    assert_eq!(seg(""), "...");
    assert_eq!(seg("\u{e9}"), "%C3%A9");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_cannot_revoke_its_own_device() {
    let f = fixture().await;
    let own = peer();
    let (status, _, v) = f
        .call(Method::DELETE, &format!("/api/devices/{own}"), None)
        .await;
    let err = assert_error(status, &v, StatusCode::CONFLICT);
    assert_eq!(err["code"], "own_device");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("another member's node"),
        "{v}"
    );
    let s = log_in(&f).await;
    let res = f
        .send(form_post(&format!("/peers/devices/{own}/revoke"), &s, &[]))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let page = text(res).await;
    assert!(page.contains("another member"), "the page says who can");
    let device = &f.doc.state().snapshot.devices[&own];
    assert!(!device.revoked, "still a device of the bureau");

    // Another device can be revoked.
    let other = bureau_model::testing::peer_id('C');
    f.doc
        .edit(Edit::AddDevice {
            peer_id: other.clone(),
            member_id: FOUNDER.to_owned(),
            name: "phone".to_owned(),
            role: bureau_model::Role::Editor,
        })
        .await
        .unwrap();
    let (status, _, v) = f
        .call(Method::DELETE, &format!("/api/devices/{other}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["revoked"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_language_switch_goes_back_only_to_a_path_of_this_node() {
    let f = fixture().await;
    let s = log_in(&f).await;
    let cases = [
        ("/roster?archived=1", "/roster?archived=1"),
        ("/", "/"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("evil.example", "/"),
        ("/\u{1}", "/"),
        ("/\u{7f}x", "/"),
        ("", "/"),
    ];
    for (back, want) in cases {
        let res = f
            .send(form_post("/lang", &s, &[("lang", "fr"), ("back", back)]))
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{back:?}");
        assert_eq!(res.headers()[header::LOCATION], want, "{back:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn names_with_hidden_characters_are_refused_by_api_and_form() {
    let f = fixture().await;
    let before = f.member_count();
    for name in [
        "Amina\u{202E}inmA",
        "Ami\u{200B}na",
        "\u{2066}Amina\u{2069}",
        "Ami\u{FEFF}na",
    ] {
        let (status, _, v) = f
            .call(Method::POST, "/api/members", Some(json!({"name": name})))
            .await;
        assert_field_error(status, &v, "name");
        let (status, _, v) = f
            .call(Method::POST, "/api/rooms", Some(json!({"name": name})))
            .await;
        assert_field_error(status, &v, "name");
    }
    assert_eq!(f.member_count(), before);
    let s = log_in(&f).await;
    let res = f
        .send(form_post(
            "/roster/members",
            &s,
            &[("name", "Ami\u{200B}na")],
        ))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(res).await;
    assert!(
        page.contains("invisible or text-direction"),
        "the form says why"
    );
    assert_eq!(f.member_count(), before);
    // Joiners stay: a Persian name and an emoji sequence.
    f.create(
        "members",
        json!({"name": "\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}"}),
    )
    .await;
    f.create(
        "members",
        json!({"name": "Team \u{1F469}\u{200D}\u{1F4BB}"}),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_that_does_not_arrive_is_408_and_the_connection_closes() {
    let config = WebConfig {
        body_timeout: Duration::from_millis(200),
        ..WebConfig::loopback(TOKEN.to_owned(), PORT)
    };
    let f = fixture_with(config, true).await;
    let before = f.member_count();
    // A body that announces itself and never comes.
    let stalled = futures_util::stream::pending::<Result<axum::body::Bytes, std::io::Error>>();
    let req = bare(Method::POST, "/api/members")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(stalled))
        .unwrap();
    let res = f.send(req).await;
    assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
    assert_eq!(res.headers()[header::CONNECTION], "close");
    let (_, _, v) = parts(res).await;
    assert_eq!(v["error"]["code"], "body_timeout", "{v}");
    assert_eq!(f.member_count(), before);

    // Over a real socket: the answer comes, and then the end of the connection.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let cancel = CancellationToken::new();
    let server = tokio::spawn(crate::serve(listener, f.app.clone(), cancel.clone()));
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        write!(
            s,
            "POST /api/members HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {TOKEN}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\""
        )
        .unwrap();
        let mut out = Vec::new();
        // Reads to the end: the server closes the connection after its answer.
        s.read_to_end(&mut out).map(|_| out)
    })
    .await
    .unwrap()
    .expect("the server answers and closes before the deadline");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    cancel.cancel();
    let _ = server.await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let f = fixture().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let cancel = CancellationToken::new();
    let server = tokio::spawn(crate::serve_with(
        listener,
        f.app.clone(),
        cancel.clone(),
        2,
    ));
    let status_request = format!(
        "GET /api/status HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n"
    );
    let outcome = tokio::task::spawn_blocking(move || {
        // Two connections answered once each and kept open (keep-alive) hold both slots.
        let mut held = Vec::new();
        for _ in 0..2 {
            let mut s = TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(DEADLINE)).unwrap();
            s.write_all(status_request.as_bytes()).unwrap();
            let mut buf = [0u8; 64];
            let n = s.read(&mut buf).unwrap();
            assert!(
                buf[..n].starts_with(b"HTTP/1.1 200"),
                "held connection answered"
            );
            held.push(s);
        }
        // A third is accepted by the kernel but not served while both are held.
        let mut third = TcpStream::connect(addr).unwrap();
        third.write_all(status_request.as_bytes()).unwrap();
        third
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let mut buf = [0u8; 64];
        let early = third.read(&mut buf);
        let served_early = matches!(early, Ok(n) if n > 0);
        // Once one ends, the third is served.
        drop(held.remove(0));
        third.set_read_timeout(Some(DEADLINE)).unwrap();
        let n = third.read(&mut buf).unwrap_or(0);
        (served_early, buf[..n].starts_with(b"HTTP/1.1 200"))
    })
    .await
    .unwrap();
    assert!(
        !outcome.0,
        "a third connection was served while two held the only slots"
    );
    assert!(
        outcome.1,
        "the third connection is served once a slot is free"
    );
    cancel.cancel();
    let _ = server.await;
}
