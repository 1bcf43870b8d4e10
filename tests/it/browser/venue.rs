//! The venue listener as a phone at the venue meets it: the node runs in a network namespace
//! of its own with `--venue` on a non-loopback address (198.18.214.1, a benchmark range), and
//! the browser and the test's requests come from outside it over a veth pair, as a phone on the
//! venue's Wi-Fi would. The browser loads the programme; every address that is not the public
//! programme is a 404 there; a closed meeting and a member's contact details are absent; a
//! burst from one client gets 429 with `Retry-After` (from a second address, so the browser's
//! own allowance is untouched); and when the node stops, the open page keeps the programme on
//! screen and says it is offline.
//!
//! Making the namespace needs root, as the mDNS test does (`BUREAU_SKIP_ROOT_TESTS=1` skips).

use std::net::{IpAddr, SocketAddr};

use super::*;
use crate::mdns::{bureau_in, ip, is_root};
use crate::support::{Process, http, runtime_of};

/// The node's side of the link, where the venue listener listens.
const NODE_IP: &str = "198.18.214.1";
/// The phones' side (the root namespace): the browser's address, and a second one for the
/// burst.
const PHONE_IP: &str = "198.18.214.2";
const BURST_IP: &str = "198.18.214.3";
const VENUE_PORT: u16 = 8080;

/// A namespace for the node joined to the root namespace by a veth pair; deleted on drop.
struct Venue {
    ns: String,
    outside: String,
}

impl Venue {
    fn new() -> Venue {
        let pid = std::process::id();
        let venue = Venue {
            ns: format!("bureau-venue-{pid}"),
            outside: format!("bvo{pid}"),
        };
        let inside = format!("bvi{pid}");
        ip(&["netns", "add", &venue.ns]);
        ip(&[
            "link",
            "add",
            &venue.outside,
            "type",
            "veth",
            "peer",
            "name",
            &inside,
        ]);
        ip(&["link", "set", &inside, "netns", &venue.ns]);
        ip(&[
            "-n",
            &venue.ns,
            "addr",
            "add",
            &format!("{NODE_IP}/24"),
            "dev",
            &inside,
        ]);
        ip(&["-n", &venue.ns, "link", "set", "lo", "up"]);
        ip(&["-n", &venue.ns, "link", "set", &inside, "up"]);
        for addr in [PHONE_IP, BURST_IP] {
            ip(&["addr", "add", &format!("{addr}/24"), "dev", &venue.outside]);
        }
        ip(&["link", "set", &venue.outside, "up"]);
        venue
    }
}

impl Drop for Venue {
    fn drop(&mut self) {
        for args in [
            vec!["netns", "del", self.ns.as_str()],
            vec!["link", "del", self.outside.as_str()],
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

/// One GET to the venue listener from `from`, on a socket bound there; the status and the
/// `Retry-After` header.
async fn get_from(from: &str, venue: SocketAddr, path: &str) -> (u16, Option<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    let local: IpAddr = from.parse().expect("an address");
    socket
        .bind(SocketAddr::new(local, 0))
        .expect("binding the burst's address");
    let mut stream = tokio::time::timeout(DEADLINE, socket.connect(venue))
        .await
        .expect("connected before the deadline")
        .expect("connecting to the venue listener");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {venue}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("writing");
    let mut answer = Vec::new();
    tokio::time::timeout(DEADLINE, stream.read_to_end(&mut answer))
        .await
        .expect("answered before the deadline")
        .expect("reading");
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let retry = text.lines().take_while(|l| !l.is_empty()).find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("retry-after:")
            .map(|v| v.trim().to_owned())
    });
    (status, retry)
}

#[test]
fn a_phone_at_the_venue_reads_the_public_programme_and_keeps_it_when_the_node_stops() {
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
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("node");
    // The bureau is made on loopback first: a room, a public and a closed meeting, a member
    // with contact details.
    let node = Node::start(&dir, &["--name", "Alice"]);
    let room = node
        .post("/api/rooms", &json!({"name": "Room Baobab"}))
        .expect(201)["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    node.post(
        "/api/members",
        &json!({"name": "Amal Haddad", "email": "amal.haddad@example.org", "phone": "+41 22 555 0100"}),
    )
    .expect(201);
    for (title, public, start, end) in [
        (
            "Opening plenary",
            true,
            "2026-12-07T09:00",
            "2026-12-07T10:30",
        ),
        (
            "Bureau strategy (closed)",
            false,
            "2026-12-07T11:00",
            "2026-12-07T12:00",
        ),
        ("Youth caucus", true, "2026-12-08T14:00", "2026-12-08T15:00"),
    ] {
        node.post(
            "/api/meetings",
            &json!({"title": title, "start": start, "end": end, "room_id": room, "public": public}),
        )
        .expect(201);
    }
    node.stop();

    let link = Venue::new();
    let listen = format!("{NODE_IP}:{VENUE_PORT}");
    let venue: SocketAddr = listen.parse().expect("an address");
    let cmd = bureau_in(
        &link.ns,
        &dir,
        &["serve", "--http", "127.0.0.1:0", "--venue", &listen],
    );
    // `ip netns exec` execs the command in place: the child's pid is the node's.
    let (mut process, ()) = Process::start(cmd, "bureau serve --venue", &dir, |pid| {
        let runtime = runtime_of(&dir, pid)?;
        (runtime["venue"] == listen.as_str()).then_some(())?;
        http(
            venue,
            "GET",
            "/version",
            &[("Host".to_owned(), listen.clone())],
            b"",
        )
        .ok()
        .filter(|res| res.status == 200)
        .map(drop)
    });

    // Only the public programme is served here.
    for path in [
        "/api/status",
        "/api/meetings",
        "/api/members",
        "/api/feeds",
        "/roster",
        "/schedule",
        "/liaison",
        "/documents",
        "/settings",
        "/peers",
        "/login",
        "/events",
        "/doc",
        "/cal/members/x.ics",
        "/cal/interpreters/x.ics",
        "/cal/anything",
        "/../../etc/passwd",
    ] {
        let res = http(
            venue,
            "GET",
            path,
            &[("Host".to_owned(), listen.clone())],
            b"",
        )
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        assert_eq!(res.status, 404, "{path} on the venue listener");
    }

    with_browser("venue", |b| async move {
        let page = format!("http://{listen}/?lang=en");
        b.goto(&page).await;
        b.wait_until(
            "the public programme is on screen",
            "document.body.innerText.includes('Opening plenary') \
             && document.body.innerText.includes('Youth caucus')",
        )
        .await;
        let text = b
            .js("return document.body.innerText")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        for absent in ["Bureau strategy", "amal.haddad@example.org", "555 0100"] {
            assert!(
                !text.contains(absent),
                "{absent} on the venue page:\n{text}"
            );
        }
        assert!(text.contains("Room Baobab"), "{text}");
        b.screenshots("venue-programme").await;

        // A burst from another client of the same network is cut off; the browser is not.
        let mut limited = None;
        for _ in 0..200 {
            let (status, retry) = get_from(BURST_IP, venue, "/version").await;
            if status == 429 {
                limited = Some(retry);
                break;
            }
            assert_eq!(status, 200, "a request within the allowance");
        }
        let retry = limited.expect("429 within 200 requests of one client");
        let secs: u64 = retry
            .as_deref()
            .and_then(|r| r.parse().ok())
            .unwrap_or_else(|| panic!("a Retry-After in seconds: {retry:?}"));
        assert!(secs >= 1, "{secs}");
        let (status, _) = get_from(PHONE_IP, venue, "/version").await;
        assert_eq!(status, 200, "another client keeps its own allowance");

        // The node stops: the page keeps the programme and says it is offline.
        process.stop();
        b.wait_until(
            "the page says it is offline",
            "document.body.classList.contains('offline') \
             && /offline/i.test(document.getElementById('venue-status').textContent)",
        )
        .await;
        let text = b
            .js("return document.body.innerText")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            text.contains("Opening plenary") && text.contains("Youth caucus"),
            "the programme stays on screen:\n{text}"
        );
        b.screenshots("venue-offline").await;
    });
    drop(link);
}
