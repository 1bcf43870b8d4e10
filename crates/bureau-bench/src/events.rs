//! A reader of a node's server-sent `change` events (`GET /api/events`) that stamps each
//! with the time it arrived. Requests go through [`bureau_client::Connection`].

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use bureau_client::{read_head, request_head, sorted_heads};
use serde_json::Value;

use crate::util::now_ms;

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
        let headers = [
            ("Host".to_owned(), addr.to_string()),
            ("Authorization".to_owned(), format!("Bearer {token}")),
            ("Accept".to_owned(), "text/event-stream".to_owned()),
        ];
        w.write_all(request_head("GET", "/api/events", &headers, 0, false).as_bytes())?;
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
                    let heads = sorted_heads(&v);
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
