//! A counting TCP proxy on 127.0.0.1: every system's replicas reach each other (or their sync
//! server) through one, so bytes, message legs and timings are taken at the same place for all.
//!
//! A proxy has one log and any number of fronts: a front is a listening port forwarding to one
//! target. The bureau nodes each sit behind a front of their own and announce it as their
//! address, so whichever side dials, the bytes pass the proxy; one log over both fronts keeps
//! the sums, legs and times of all links together, as if there were a single link.
//!
//! Each accepted connection is forwarded to its front's target with `TCP_NODELAY` on both
//! sides; each read is logged with its time, direction and size. Blocking threads, one per
//! direction: the traffic here is a handful of connections.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, OnceLock};

use crate::util::now_ms;

/// One read on a proxied connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chunk {
    /// Milliseconds since the Unix epoch.
    pub(crate) t: f64,
    /// Which accepted connection (0, 1, …, over all fronts).
    pub(crate) conn: usize,
    /// Towards replica A (or the sync server): sent by B, or by a replica to the server.
    pub(crate) up: bool,
    pub(crate) bytes: usize,
}

#[derive(Debug, Default)]
struct Log {
    chunks: Vec<Chunk>,
    /// Accept time of each connection.
    accepted: Vec<f64>,
}

/// What stands behind a front, which says how its two directions are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Behind {
    /// Replica A, or a sync server: bytes towards it count as `up`.
    A,
    /// Replica B: bytes towards it were sent by A, so they count as `down`.
    B,
}

/// The proxy's log; its fronts run until the process ends (their threads only hold sockets).
#[derive(Debug, Clone, Default)]
pub(crate) struct Proxy {
    log: Arc<Mutex<Log>>,
}

/// One listening port of a proxy.
#[derive(Debug, Clone)]
pub(crate) struct Front {
    pub(crate) port: u16,
    target: Arc<OnceLock<SocketAddr>>,
}

impl Front {
    /// Where accepted connections go; the first target set stays. Until it is set they are
    /// closed at once: a bureau node has to be told its front's port (to announce it) before
    /// it starts, and its own listen port is known only once it runs.
    pub(crate) fn forward_to(&self, target: SocketAddr) {
        let _ = self.target.set(target);
    }
}
/// A position in the proxy's log, to look at what happened after it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    chunks: usize,
    conns: usize,
}

impl Mark {
    /// The start of the log.
    pub(crate) fn zero() -> Mark {
        Mark {
            chunks: 0,
            conns: 0,
        }
    }
}

/// Traffic after a mark, over every front of the proxy.
#[derive(Debug, Clone, Default)]
pub(crate) struct Traffic {
    /// Bytes towards replica A (sent by B), or towards the sync server.
    pub(crate) up: usize,
    /// Bytes towards replica B (sent by A), or from the sync server.
    pub(crate) down: usize,
    /// Direction changes + 1, summed over connections (on all fronts).
    pub(crate) legs: usize,
    pub(crate) first: Option<f64>,
    pub(crate) last: Option<f64>,
    /// Accept times of connections opened after the mark, in order, on any front.
    pub(crate) accepted: Vec<f64>,
}

impl Traffic {
    pub(crate) fn total(&self) -> usize {
        self.up + self.down
    }
}

impl Proxy {
    /// A proxy with no front yet.
    pub(crate) fn new() -> Proxy {
        Proxy::default()
    }

    /// A proxy with one front forwarding to `target` (replica A or a sync server).
    pub(crate) fn start(target: SocketAddr) -> std::io::Result<(Proxy, Front)> {
        let proxy = Proxy::new();
        let front = proxy.front(Behind::A)?;
        front.forward_to(target);
        Ok((proxy, front))
    }

    /// Opens a front on 127.0.0.1 (a free port) logging into this proxy's log; it forwards
    /// once [`Front::forward_to`] has named the target.
    pub(crate) fn front(&self, behind: Behind) -> std::io::Result<Front> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let front = Front {
            port: listener.local_addr()?.port(),
            target: Arc::new(OnceLock::new()),
        };
        let (l, target) = (self.log.clone(), front.target.clone());
        std::thread::spawn(move || {
            for inbound in listener.incoming() {
                let Ok(inbound) = inbound else { continue };
                let Some(outbound) = target.get().and_then(|t| TcpStream::connect(t).ok()) else {
                    let _ = inbound.shutdown(Shutdown::Both);
                    continue;
                };
                let conn = {
                    let mut log = l.lock().expect("proxy log");
                    log.accepted.push(now_ms());
                    log.accepted.len() - 1
                };
                let _ = inbound.set_nodelay(true);
                let _ = outbound.set_nodelay(true);
                // Towards the target is `up` before A (or a server), `down` before B.
                let towards_target_up = behind == Behind::A;
                for (from, to, up) in [
                    (inbound.try_clone(), outbound.try_clone(), towards_target_up),
                    (
                        outbound.try_clone(),
                        inbound.try_clone(),
                        !towards_target_up,
                    ),
                ] {
                    let (Ok(from), Ok(to)) = (from, to) else {
                        continue;
                    };
                    let log = l.clone();
                    std::thread::spawn(move || pump(from, to, up, conn, &log));
                }
            }
        });
        Ok(front)
    }

    pub(crate) fn mark(&self) -> Mark {
        let log = self.log.lock().expect("proxy log");
        Mark {
            chunks: log.chunks.len(),
            conns: log.accepted.len(),
        }
    }

    /// What went through after `mark`.
    pub(crate) fn since(&self, mark: Mark) -> Traffic {
        let log = self.log.lock().expect("proxy log");
        let mut t = Traffic {
            accepted: log.accepted[mark.conns..].to_vec(),
            ..Traffic::default()
        };
        let mut last_dir: std::collections::HashMap<usize, bool> = Default::default();
        for c in &log.chunks[mark.chunks..] {
            if c.up {
                t.up += c.bytes;
            } else {
                t.down += c.bytes;
            }
            // Threads of several connections append: the log is nearly, not strictly, in
            // time order.
            t.first = Some(t.first.map_or(c.t, |f| f.min(c.t)));
            t.last = Some(t.last.map_or(c.t, |l| l.max(c.t)));
            if last_dir.insert(c.conn, c.up) != Some(c.up) {
                t.legs += 1;
            }
        }
        t
    }

    /// Writes what went through after `mark`, a line per read (milliseconds after the first
    /// accept, connection, direction, bytes), for looking into where a run's time went.
    pub(crate) fn dump(&self, mark: Mark, path: &std::path::Path) -> std::io::Result<()> {
        use std::fmt::Write as _;
        let log = self.log.lock().expect("proxy log");
        let t0 = log.accepted.get(mark.conns).copied().unwrap_or(0.0);
        let mut out = String::new();
        for (i, t) in log.accepted[mark.conns..].iter().enumerate() {
            let _ = writeln!(out, "{:9.3} accept {}", t - t0, mark.conns + i);
        }
        let mut chunks = log.chunks[mark.chunks..].to_vec();
        chunks.sort_by(|a, b| a.t.total_cmp(&b.t));
        for c in chunks {
            let dir = if c.up { "to-A" } else { "to-B" };
            let _ = writeln!(out, "{:9.3} conn {} {dir} {}", c.t - t0, c.conn, c.bytes);
        }
        std::fs::write(path, out)
    }

    /// Time of the last chunk logged, if any.
    pub(crate) fn last_activity(&self) -> Option<f64> {
        self.log
            .lock()
            .expect("proxy log")
            .chunks
            .last()
            .map(|c| c.t)
    }
}

fn pump(mut from: TcpStream, mut to: TcpStream, up: bool, conn: usize, log: &Mutex<Log>) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let t = now_ms();
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        log.lock().expect("proxy log").chunks.push(Chunk {
            t,
            conn,
            up,
            bytes: n,
        });
    }
    let _ = to.shutdown(Shutdown::Write);
    let _ = from.shutdown(Shutdown::Read);
}
