//! The client against canned answers: parsed from bytes, and served over real loopback
//! sockets by a server thread that records what it was sent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::json;

use super::*;

const TIMEOUT: Duration = Duration::from_secs(20);

fn parse(raw: &[u8], method: &str) -> io::Result<Response> {
    read_response(&mut &raw[..], method)
}

#[test]
fn an_answer_is_framed_by_its_length_by_chunks_or_by_the_end() {
    let sized = parse(
        b"HTTP/1.1 201 Created\r\ncontent-length: 5\r\nX-A:  b \r\n\r\nhelloEXTRA",
        "POST",
    )
    .unwrap();
    assert_eq!(sized.status, 201);
    assert_eq!(sized.body, b"hello");
    assert_eq!(sized.header("x-a"), Some("b"));

    let chunked = parse(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
          5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n",
        "GET",
    )
    .unwrap();
    assert_eq!(chunked.body, b"hello world");

    let to_end = parse(b"HTTP/1.0 200 OK\r\n\r\nall of it", "GET").unwrap();
    assert_eq!(to_end.body, b"all of it");

    let head = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n", "HEAD").unwrap();
    assert!(head.body.is_empty());
    let no_content = parse(b"HTTP/1.1 204 No Content\r\n\r\n", "DELETE").unwrap();
    assert!(no_content.body.is_empty());
}

#[test]
fn a_cut_or_malformed_answer_is_an_error() {
    for (raw, kind) in [
        (
            &b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"[..],
            io::ErrorKind::UnexpectedEof,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
            io::ErrorKind::UnexpectedEof,
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Le",
            io::ErrorKind::UnexpectedEof,
        ),
        (b"", io::ErrorKind::UnexpectedEof),
        (b"SSH-2.0-OpenSSH\r\n\r\n", io::ErrorKind::InvalidData),
        (b"HTTP/1.1 abc OK\r\n\r\n", io::ErrorKind::InvalidData),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            io::ErrorKind::InvalidData,
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            io::ErrorKind::InvalidData,
        ),
    ] {
        let err = parse(raw, "GET").expect_err(&String::from_utf8_lossy(raw));
        assert_eq!(
            err.kind(),
            kind,
            "{:?}: {err}",
            String::from_utf8_lossy(raw)
        );
    }
}

#[test]
fn ok_json_gives_the_body_of_a_success_and_the_message_of_a_refusal() {
    let ok = parse(
        b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n{\"a\":1}\n",
        "GET",
    )
    .unwrap();
    assert_eq!(ok.ok_json().unwrap(), json!({"a": 1}));
    let empty = parse(b"HTTP/1.1 204 No Content\r\n\r\n", "POST").unwrap();
    assert_eq!(empty.ok_json().unwrap(), Value::Null);
    let body = br#"{"error":{"code":"invalid","message":"start is not a time","field":"start"}}"#;
    let mut raw = format!(
        "HTTP/1.1 400 Bad Request\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    let refused = parse(&raw, "POST").unwrap();
    assert_eq!(refused.error_message(), "start is not a time");
    let err = refused.ok_json().unwrap_err().to_string();
    assert!(
        err.contains("400") && err.contains("start is not a time"),
        "{err}"
    );
    let plain = parse(b"HTTP/1.1 502 Bad Gateway\r\n\r\nupstream", "GET").unwrap();
    assert_eq!(plain.error_message(), "upstream");
}

#[test]
fn sorted_heads_sorts_and_reads_a_missing_list_as_none() {
    assert_eq!(
        sorted_heads(&json!({"heads": ["c", "a", "b"]})),
        ["a", "b", "c"]
    );
    assert!(sorted_heads(&json!({"peer_id": "x"})).is_empty());
}

/// A server on loopback that serves `answers` (one per connection, in order) and sends back
/// each request it read (the head and as much body as it was told to read).
fn serve(
    answers: Vec<(&'static [u8], usize)>,
) -> (SocketAddr, mpsc::Receiver<Vec<u8>>, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    let thread = std::thread::spawn(move || {
        for (answer, body_to_read) in answers {
            let (stream, _) = listener.accept().unwrap();
            stream.set_read_timeout(Some(TIMEOUT)).unwrap();
            let mut r = BufReader::new(&stream);
            let mut request = Vec::new();
            loop {
                let mut line = Vec::new();
                r.read_until(b'\n', &mut line).unwrap();
                request.extend_from_slice(&line);
                if line == b"\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut body = vec![0u8; body_to_read];
            r.read_exact(&mut body).unwrap();
            request.extend_from_slice(&body);
            (&stream).write_all(answer).unwrap();
            tx.send(request).unwrap();
        }
    });
    (addr, rx, thread)
}

#[test]
fn exchange_sends_exactly_the_head_it_is_given() {
    let (addr, seen, server) = serve(vec![(
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
        4,
    )]);
    let headers = [("Host", "evil.example"), ("X-Odd", "1")];
    let res = exchange(
        connect(addr, TIMEOUT).unwrap(),
        "POST",
        "/p?q",
        &headers,
        b"body",
    )
    .unwrap();
    assert_eq!((res.status, res.text()), (200, "ok".to_owned()));
    assert_eq!(
        String::from_utf8(seen.recv().unwrap()).unwrap(),
        "POST /p?q HTTP/1.1\r\nHost: evil.example\r\nX-Odd: 1\r\n\
         Content-Length: 4\r\nConnection: close\r\n\r\nbody"
    );
    server.join().unwrap();

    let (addr, seen, server) = serve(vec![(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0)]);
    let none: [(&str, &str); 0] = [];
    exchange(connect(addr, TIMEOUT).unwrap(), "GET", "/", &none, b"").unwrap();
    assert_eq!(
        String::from_utf8(seen.recv().unwrap()).unwrap(),
        "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        "a GET without a body has no Content-Length"
    );
    server.join().unwrap();
}

#[test]
fn exchange_reads_the_answer_to_a_body_the_server_never_reads() {
    // The server answers after the head and then neither reads nor closes until the client
    // is done: the body is far larger than the socket buffers, so a client that wrote all of
    // it before reading would wait for its write timeout and fail.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (done_tx, done) = mpsc::channel::<()>();
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut r = BufReader::new(&stream);
        let mut line = String::new();
        while line != "\r\n" {
            line.clear();
            r.read_line(&mut line).unwrap();
        }
        (&stream)
            .write_all(b"HTTP/1.1 413 Payload Too Large\r\nContent-Length: 7\r\n\r\ntoo big")
            .unwrap();
        let _ = done.recv();
    });
    let body = vec![b'x'; 64 * 1024 * 1024];
    let res = exchange(
        connect(addr, TIMEOUT).unwrap(),
        "POST",
        "/api/members",
        &[("Host", "127.0.0.1")],
        &body,
    );
    done_tx.send(()).unwrap();
    let res = res.unwrap();
    assert_eq!((res.status, res.text()), (413, "too big".to_owned()));
    server.join().unwrap();
}

#[test]
fn a_connection_is_kept_alive_and_opened_again_once_the_node_closed_it() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let mut accepted = 0;
        // The first connection answers two requests and is then closed; the second, one.
        for requests in [2, 1] {
            let (stream, _) = listener.accept().unwrap();
            accepted += 1;
            stream.set_read_timeout(Some(TIMEOUT)).unwrap();
            let mut r = BufReader::new(&stream);
            for i in 0..requests {
                let mut len = 0usize;
                let mut line = String::new();
                loop {
                    line.clear();
                    r.read_line(&mut line).unwrap();
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap();
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0u8; len];
                r.read_exact(&mut body).unwrap();
                let answer = format!("{{\"n\":{i},\"conn\":{accepted},\"got\":{}}}", body.len());
                write!(
                    &stream,
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{answer}\r\n0\r\n\r\n",
                    answer.len()
                )
                .unwrap();
            }
        }
    });
    let mut c = Connection::new(addr, "t0ken");
    assert_eq!(
        c.get_json("/a").unwrap(),
        json!({"n": 0, "conn": 1, "got": 0})
    );
    let second = c.request("PATCH", "/b", Some(&json!({"x": 1}))).unwrap();
    assert_eq!(
        second.ok_json().unwrap(),
        json!({"n": 1, "conn": 1, "got": 7})
    );
    // The server closed the first connection: the request goes out again on a new one.
    assert_eq!(
        c.get_json("/c").unwrap(),
        json!({"n": 0, "conn": 2, "got": 0})
    );
    server.join().unwrap();
}

#[test]
fn connect_fails_where_nothing_listens_and_a_silent_node_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = connect(addr, TIMEOUT).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused, "{err}");

    // Accepted by the kernel, never answered.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let stream = connect(silent.local_addr().unwrap(), Duration::from_millis(200)).unwrap();
    let none: [(&str, &str); 0] = [];
    let err = exchange(stream, "GET", "/", &none, b"").unwrap_err();
    assert!(is_timeout(&err), "{err:?}");
    drop(silent);
}
