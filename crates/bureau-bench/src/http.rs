//! A minimal HTTP/1.1 client for the node's loopback API: one keep-alive connection, JSON
//! bodies, `Content-Length` or chunked answers; and a reader of the node's server-sent
//! `change` events that stamps each with the time it arrived.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::util::now_ms;

/// One keep-alive connection to a node.
#[derive(Debug)]
pub(crate) struct Client {
    addr: SocketAddr,
    token: String,
    conn: Option<BufReader<TcpStream>>,
}

/// An answer: status and body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn json(&self) -> io::Result<Value> {
        serde_json::from_slice(&self.body)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
    }

    /// The JSON body of a 2xx answer, else an error naming the status and body.
    pub(crate) fn ok_json(&self) -> io::Result<Value> {
        if !(200..300).contains(&self.status) {
            return Err(io::Error::other(format!(
                "status {}: {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )));
        }
        if self.body.is_empty() {
            return Ok(Value::Null);
        }
        self.json()
    }
}

impl Client {
    pub(crate) fn new(addr: SocketAddr, token: &str) -> Client {
        Client {
            addr,
            token: token.to_owned(),
            conn: None,
        }
    }

    fn connect(&mut self) -> io::Result<&mut BufReader<TcpStream>> {
        if self.conn.is_none() {
            let s = TcpStream::connect_timeout(&self.addr, Duration::from_secs(10))?;
            s.set_nodelay(true)?;
            s.set_read_timeout(Some(Duration::from_secs(120)))?;
            self.conn = Some(BufReader::with_capacity(256 * 1024, s));
        }
        Ok(self.conn.as_mut().expect("connected above"))
    }

    /// One request; retried once on a fresh connection if the kept-alive one was closed.
    pub(crate) fn request(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> io::Result<Answer> {
        match self.try_request(method, path, body) {
            Ok(a) => Ok(a),
            Err(_) => {
                self.conn = None;
                self.try_request(method, path, body)
            }
        }
    }

    fn try_request(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> io::Result<Answer> {
        let host = self.addr.to_string();
        let token = self.token.clone();
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let conn = self.connect()?;
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let s = conn.get_mut();
        s.write_all(head.as_bytes())?;
        s.write_all(body.as_bytes())?;
        let (status, headers) = read_head(conn)?;
        let get = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let body = if get("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            read_chunked(conn)?
        } else {
            let len: usize = get("content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let mut b = vec![0u8; len];
            conn.read_exact(&mut b)?;
            b
        };
        if get("connection").is_some_and(|v| v.eq_ignore_ascii_case("close")) {
            self.conn = None;
        }
        Ok(Answer { status, body })
    }

    pub(crate) fn get_json(&mut self, path: &str) -> io::Result<Value> {
        self.request("GET", path, None)?.ok_json()
    }
}

fn read_head(r: &mut BufReader<TcpStream>) -> io::Result<(u16, Vec<(String, String)>)> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed",
        ));
    }
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bad status line {line:?}"),
            )
        })?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    Ok((status, headers))
}

fn read_chunked(r: &mut BufReader<TcpStream>) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        r.read_line(&mut line)?;
        let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
        if size == 0 {
            line.clear();
            r.read_line(&mut line)?;
            return Ok(body);
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        line.clear();
        r.read_line(&mut line)?;
    }
}

/// The heads a node published, as its `change` events arrive.
#[derive(Debug, Default)]
struct Seen {
    /// Sorted heads of the latest event and when it arrived.
    heads: Vec<String>,
    at: f64,
    /// Every event: arrival time and sorted heads.
    history: Vec<(f64, Vec<String>)>,
    closed: bool,
}

/// Follows `GET /api/events` of a node on a thread of its own.
#[derive(Debug, Clone)]
pub(crate) struct Events {
    seen: Arc<(Mutex<Seen>, Condvar)>,
}

impl Events {
    pub(crate) fn follow(addr: SocketAddr, token: &str) -> io::Result<Events> {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        let mut w = s.try_clone()?;
        w.write_all(
            format!(
                "GET /api/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
                 Accept: text/event-stream\r\n\r\n"
            )
            .as_bytes(),
        )?;
        let seen = Arc::new((Mutex::new(Seen::default()), Condvar::new()));
        let s2 = seen.clone();
        std::thread::spawn(move || {
            let mut r = BufReader::new(s);
            let _ = read_head(&mut r);
            let mut event = String::new();
            let mut line = String::new();
            // The body is chunked; event lines are read straight through the chunk framing
            // (chunk-size lines never start with "event:" or "data:").
            loop {
                line.clear();
                match r.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                let l = line.trim_end();
                if let Some(e) = l.strip_prefix("event:") {
                    event = e.trim().to_owned();
                } else if let Some(d) = l.strip_prefix("data:")
                    && event == "change"
                {
                    let t = now_ms();
                    let Ok(v) = serde_json::from_str::<Value>(d.trim()) else {
                        continue;
                    };
                    let mut heads: Vec<String> = v["heads"]
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|h| h.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default();
                    heads.sort();
                    let (m, cv) = &*s2;
                    let mut seen = m.lock().expect("events lock");
                    seen.history.push((t, heads.clone()));
                    seen.heads = heads;
                    seen.at = t;
                    cv.notify_all();
                }
            }
            let (m, cv) = &*s2;
            m.lock().expect("events lock").closed = true;
            cv.notify_all();
        });
        Ok(Events { seen })
    }

    /// The time (ms since the epoch) of the first event at or after `since` whose heads are
    /// `want` (sorted), waiting up to `limit`; also true if the current heads already are.
    pub(crate) fn wait_heads(&self, want: &[String], since: f64, limit: Duration) -> Option<f64> {
        let (m, cv) = &*self.seen;
        let until = std::time::Instant::now() + limit;
        let mut seen = m.lock().expect("events lock");
        loop {
            if let Some((t, _)) = seen.history.iter().find(|(t, h)| *t >= since && h == want) {
                return Some(*t);
            }
            if seen.heads == want {
                return Some(seen.at.max(since));
            }
            let now = std::time::Instant::now();
            if now >= until || seen.closed {
                return None;
            }
            seen = cv.wait_timeout(seen, until - now).expect("events lock").0;
        }
    }

    /// Forgets old events (they accumulate over a run).
    pub(crate) fn clear_history(&self) {
        self.seen.0.lock().expect("events lock").history.clear();
    }
}
