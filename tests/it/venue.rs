//! The venue listener over TLS (`serve --venue ADDR --venue-tls CERT KEY`), on loopback: a
//! certificate made for the test, a client that trusts only it reads the programme and the
//! service worker over TLS 1.3, and a plain-HTTP request to the same port gets no page.
//! Certificate files that cannot serve stop the node with the file named.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::support::{Node, serve_until_exit};

const IO: Duration = Duration::from_secs(30);

/// A certificate for 127.0.0.1 and its key, as PEM files in `dir`; the certificate's DER.
fn certificate(dir: &Path) -> (String, String, Vec<u8>) {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])
        .expect("a self-signed certificate");
    let cert = dir.join("venue.crt");
    let key = dir.join("venue.key");
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.key_pair.serialize_pem()).unwrap();
    (
        cert.display().to_string(),
        key.display().to_string(),
        made.cert.der().to_vec(),
    )
}

/// `GET path` over TLS to `addr`, trusting only `der`: the status and the body.
fn https_get(addr: SocketAddr, der: &[u8], path: &str) -> (u16, String) {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(der.to_vec()))
        .expect("the test's certificate as a root");
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .expect("TLS 1.3")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::IpAddress(addr.ip().into());
    let conn = rustls::ClientConnection::new(Arc::new(config), name).expect("a TLS client");
    let tcp = TcpStream::connect_timeout(&addr, IO).expect("connecting");
    tcp.set_read_timeout(Some(IO)).unwrap();
    tcp.set_write_timeout(Some(IO)).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    write!(
        tls,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("writing over TLS");
    let mut answer = Vec::new();
    match tls.read_to_end(&mut answer) {
        Ok(_) => {}
        // A server that closes without close_notify still gave the whole answer.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !answer.is_empty() => {}
        Err(e) => panic!("reading over TLS: {e}"),
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    (status, text)
}

#[test]
fn the_venue_listener_serves_the_programme_over_tls_with_the_given_certificate() {
    let tmp = tempfile::tempdir().unwrap();
    let (cert, key, der) = certificate(tmp.path());
    let dir = tmp.path().join("node");
    let node = Node::start(
        &dir,
        &["--venue", "127.0.0.1:0", "--venue-tls", &cert, &key],
    );
    let room = node
        .post("/api/rooms", &json!({"name": "Room Baobab"}))
        .expect(201);
    node.post(
        "/api/meetings",
        &json!({"title": "Opening plenary", "start": "2026-12-07T09:00",
                "end": "2026-12-07T10:30", "room_id": room["id"]}),
    )
    .expect(201);
    let runtime: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("runtime.json")).unwrap()).unwrap();
    let venue: SocketAddr = runtime["venue"]
        .as_str()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("runtime.json names the venue listener: {runtime}"));

    let (status, page) = https_get(venue, &der, "/?lang=en");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Opening plenary"), "{page}");
    let (status, worker) = https_get(venue, &der, "/sw.js");
    assert_eq!(status, 200, "{worker}");
    assert!(
        worker
            .to_ascii_lowercase()
            .contains("content-type: text/javascript")
            || worker
                .to_ascii_lowercase()
                .contains("content-type: application/javascript"),
        "{worker}"
    );
    // Plain HTTP to the TLS port gets no page.
    let mut plain = TcpStream::connect_timeout(&venue, IO).unwrap();
    plain.set_read_timeout(Some(IO)).unwrap();
    let _ = write!(
        plain,
        "GET / HTTP/1.1\r\nHost: {venue}\r\nConnection: close\r\n\r\n"
    );
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(!answer.contains("Opening plenary"), "{answer}");
    node.stop();
}

#[test]
fn certificate_files_that_cannot_serve_stop_the_node_naming_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (cert, _key, _) = certificate(tmp.path());
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let (_, other_key, _) = certificate(&other);
    let missing = tmp.path().join("missing.key").display().to_string();
    for (n, (key, code, says)) in [
        (missing.as_str(), 66, "missing.key"),
        (other_key.as_str(), 78, "--venue-tls"),
        (cert.as_str(), 78, "--venue-tls"),
    ]
    .into_iter()
    .enumerate()
    {
        let dir = tmp.path().join(format!("node-{n}"));
        let out = serve_until_exit(&dir, &["--venue", "127.0.0.1:0", "--venue-tls", &cert, key]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{key}: {stderr}");
        assert!(stderr.contains(says), "{key}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
