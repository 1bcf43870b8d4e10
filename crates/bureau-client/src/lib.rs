//! A small HTTP/1.1 client for a node's loopback API, shared by the CLI (`bureau status`,
//! `bureau invite`), the integration tests and the benchmark.
//!
//! The node is on loopback and speaks plain HTTP/1.1, so a client needs little: a request
//! head, a body with its length, and an answer framed by `Content-Length`, by chunks, or by
//! the end of the connection. It is written on `std::net` with `serde_json` as its only
//! dependency rather than on hyper-util's client: that would bring hyper's client half into
//! the binary for two requests, and the tests need a client that writes exactly the head it
//! is given (no `Host`, a forged one, a body the node refuses before reading it).
//!
//! Two ways to send:
//! - [`exchange`]: one request on a fresh connection with `Connection: close`; the body is
//!   written from a second thread while the answer is read, since a node refusing a large body
//!   answers before reading it.
//! - [`Connection`]: one kept-alive connection for many requests in a row, as a browser or a
//!   script would hold it (the benchmark's requests).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Duration;

use serde_json::Value;

/// An answer as it came off the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers in the order sent, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as (lossy) text, for messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Result<Value> {
        serde_json::from_slice(&self.body)
    }

    /// What an error answer says: the API's `error.message`, else the body as text.
    pub fn error_message(&self) -> String {
        self.json()
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
            .unwrap_or_else(|| self.text())
    }

    /// The JSON body of a 2xx answer (`null` if it is empty); any other status is an error
    /// naming it and what the node said.
    pub fn ok_json(&self) -> io::Result<Value> {
        if !self.is_success() {
            return Err(io::Error::other(format!(
                "status {}: {}",
                self.status,
                self.error_message()
            )));
        }
        if self.body.is_empty() {
            return Ok(Value::Null);
        }
        self.json()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A connection to `addr`, with `timeout` for connecting and for every read and write, and
/// small writes sent at once (a request is a head and a body).
pub fn connect(addr: SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// Whether an I/O error is a socket timeout running out (`WouldBlock` on Unix).
pub fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// A request head: the request line, exactly `headers`, `Content-Length` when there is a body
/// or the method is one that carries one, and `Connection: close` if `close`.
pub fn request_head<K: AsRef<str>, V: AsRef<str>>(
    method: &str,
    path: &str,
    headers: &[(K, V)],
    body_len: usize,
    close: bool,
) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{}: {}\r\n", k.as_ref(), v.as_ref()));
    }
    if body_len > 0 || !matches!(method, "GET" | "HEAD" | "DELETE") {
        head.push_str(&format!("Content-Length: {body_len}\r\n"));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    head
}

/// One exchange on `stream` (from [`connect`]) with `Connection: close`: sends exactly
/// `headers` (plus `Content-Length` and `Connection`) and `body`, and reads the answer.
///
/// The body is written from another thread while the answer is read: a node that refuses a
/// body answers before reading it, and its answer is the result even if the rest of the body
/// could not be written. There is no half-close after the body: hyper drops a connection
/// whose client shuts its write side.
pub fn exchange<K: AsRef<str>, V: AsRef<str>>(
    stream: TcpStream,
    method: &str,
    path: &str,
    headers: &[(K, V)],
    body: &[u8],
) -> io::Result<Response> {
    let head = request_head(method, path, headers, body.len(), true);
    let mut writer = stream.try_clone()?;
    let (written, answer) = std::thread::scope(|s| {
        let w = s.spawn(move || -> io::Result<()> {
            writer.write_all(head.as_bytes())?;
            writer.write_all(body)?;
            writer.flush()
        });
        let answer = read_response(&mut BufReader::new(&stream), method);
        // The answer is in (or never will be): a writer still pushing a body the node will
        // not read stops here rather than at its timeout.
        let _ = stream.shutdown(Shutdown::Both);
        (w.join().expect("the writer thread does not panic"), answer)
    });
    match (answer, written) {
        // The connection ended before a whole answer: why the body could not be written
        // says more than the end of the stream.
        (Err(e), Err(w)) if e.kind() == io::ErrorKind::UnexpectedEof => Err(w),
        (answer, _) => answer,
    }
}

/// Reads one answer to a `method` request: the head, then the body as the head frames it
/// (none for `HEAD`, 1xx, 204 and 304; chunks; `Content-Length`; else up to the end of the
/// connection, where an error after some bytes ends the body like the end would).
pub fn read_response<R: BufRead>(r: &mut R, method: &str) -> io::Result<Response> {
    let (status, headers) = read_head(r)?;
    let chunked =
        header(&headers, "transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let body = if method == "HEAD" || (100..200).contains(&status) || matches!(status, 204 | 304) {
        Vec::new()
    } else if chunked {
        read_chunked(r)?
    } else if let Some(len) = header(&headers, "content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| malformed(format!("Content-Length {len:?}")))?;
        let mut body = vec![0u8; len];
        r.read_exact(&mut body)?;
        body
    } else {
        let mut body = Vec::new();
        if let Err(e) = r.read_to_end(&mut body)
            && body.is_empty()
        {
            return Err(e);
        }
        body
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn malformed(what: String) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("malformed HTTP answer: {what}"),
    )
}

/// Reads one CRLF-terminated line; the end of the stream before it is `UnexpectedEof`.
fn read_line<R: BufRead>(r: &mut R, line: &mut String) -> io::Result<()> {
    line.clear();
    if r.read_line(line)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the connection ended before the answer did",
        ));
    }
    Ok(())
}

/// Reads a status line and headers: the status code and the headers (names and values
/// trimmed, lines without a colon left out).
pub fn read_head<R: BufRead>(r: &mut R) -> io::Result<(u16, Vec<(String, String)>)> {
    let mut line = String::new();
    read_line(r, &mut line)?;
    let mut parts = line.trim_end().splitn(3, ' ');
    let status = match (parts.next(), parts.next()) {
        (Some(version), Some(code)) if version.starts_with("HTTP/1.") => code.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| malformed(format!("status line {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        read_line(r, &mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            return Ok((status, headers));
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
}

/// Reads a chunked body up to its last chunk and the (ignored) trailers after it.
fn read_chunked<R: BufRead>(r: &mut R) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        read_line(r, &mut line)?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| malformed(format!("chunk size {size_text:?}")))?;
        if size == 0 {
            loop {
                read_line(r, &mut line)?;
                if line.trim_end().is_empty() {
                    return Ok(body);
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        read_line(r, &mut line)?;
    }
}

/// How long a kept-alive [`Connection`] waits to connect.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a kept-alive [`Connection`] waits for a read: a whole document's save at the
/// benchmark's largest size included.
const READ_TIMEOUT: Duration = Duration::from_secs(120);

/// One kept-alive connection to a node's API, carrying its `Host` and bearer token; JSON
/// bodies.
#[derive(Debug)]
pub struct Connection {
    addr: SocketAddr,
    headers: [(String, String); 3],
    conn: Option<BufReader<TcpStream>>,
}

impl Connection {
    /// A client of the node at `addr` (connects on the first request).
    pub fn new(addr: SocketAddr, token: &str) -> Connection {
        Connection {
            addr,
            headers: [
                ("Host".to_owned(), addr.to_string()),
                ("Authorization".to_owned(), format!("Bearer {token}")),
                ("Content-Type".to_owned(), "application/json".to_owned()),
            ],
            conn: None,
        }
    }

    fn connect(&mut self) -> io::Result<&mut BufReader<TcpStream>> {
        if self.conn.is_none() {
            let s = TcpStream::connect_timeout(&self.addr, CONNECT_TIMEOUT)?;
            s.set_nodelay(true)?;
            s.set_read_timeout(Some(READ_TIMEOUT))?;
            // Large enough that a whole page of records is read in few calls.
            self.conn = Some(BufReader::with_capacity(256 * 1024, s));
        }
        Ok(self.conn.as_mut().expect("connected above"))
    }

    /// One request; retried once on a fresh connection if the kept-alive one failed (the
    /// node closed it meanwhile).
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> io::Result<Response> {
        let body = body.map(Value::to_string).unwrap_or_default();
        match self.try_request(method, path, body.as_bytes()) {
            Ok(a) => Ok(a),
            Err(_) => {
                self.conn = None;
                self.try_request(method, path, body.as_bytes())
            }
        }
    }

    fn try_request(&mut self, method: &str, path: &str, body: &[u8]) -> io::Result<Response> {
        let mut request = request_head(method, path, &self.headers, body.len(), false).into_bytes();
        request.extend_from_slice(body);
        let conn = self.connect()?;
        conn.get_mut().write_all(&request)?;
        let answer = read_response(conn, method);
        let keep = answer.as_ref().is_ok_and(|a| {
            !a.header("connection")
                .is_some_and(|v| v.eq_ignore_ascii_case("close"))
        });
        if !keep {
            self.conn = None;
        }
        answer
    }

    /// `GET path`: the JSON body of a 2xx answer, else an error naming the status.
    pub fn get_json(&mut self, path: &str) -> io::Result<Value> {
        self.request("GET", path, None)?.ok_json()
    }
}

/// The `heads` an answer lists (`/api/status`, a `change` event), sorted, so that two
/// nodes' heads compare equal whatever order each lists them in; none if it lists none.
pub fn sorted_heads(answer: &Value) -> Vec<String> {
    let mut heads: Vec<String> = answer["heads"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h.as_str().map(str::to_owned))
        .collect();
    heads.sort();
    heads
}

#[cfg(test)]
mod tests;
