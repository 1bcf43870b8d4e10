//! A counting TCP proxy on 127.0.0.1: every system's replicas reach each other (or their sync
//! server) through one, so bytes, message legs and timings are taken at the same place for all.
//!
//! Each accepted connection is forwarded to the target with `TCP_NODELAY` on both sides; each
//! read is logged with its time, direction and size. Blocking threads, one per direction: the
//! traffic here is a handful of connections.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use crate::util::now_ms;

/// One read on a proxied connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chunk {
    /// Milliseconds since the Unix epoch.
    pub(crate) t: f64,
    /// Which accepted connection (0, 1, …).
    pub(crate) conn: usize,
    /// From the dialling side to the target (`true`), or back.
    pub(crate) up: bool,
    pub(crate) bytes: usize,
}

#[derive(Debug, Default)]
struct Log {
    chunks: Vec<Chunk>,
    /// Accept time of each connection.
    accepted: Vec<f64>,
}

/// The proxy; it runs until the process ends (its threads only hold sockets).
#[derive(Debug, Clone)]
pub(crate) struct Proxy {
    pub(crate) port: u16,
    log: Arc<Mutex<Log>>,
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

/// Traffic after a mark.
#[derive(Debug, Clone, Default)]
pub(crate) struct Traffic {
    pub(crate) up: usize,
    pub(crate) down: usize,
    /// Direction changes + 1, summed over connections.
    pub(crate) legs: usize,
    pub(crate) first: Option<f64>,
    pub(crate) last: Option<f64>,
    /// Accept times of connections opened after the mark.
    pub(crate) accepted: Vec<f64>,
}

impl Traffic {
    pub(crate) fn total(&self) -> usize {
        self.up + self.down
    }
}

impl Proxy {
    /// Listens on 127.0.0.1 (a free port) and forwards to `target`.
    pub(crate) fn start(target: SocketAddr) -> std::io::Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let log = Arc::new(Mutex::new(Log::default()));
        let l = log.clone();
        std::thread::spawn(move || {
            for inbound in listener.incoming() {
                let Ok(inbound) = inbound else { continue };
                let Ok(outbound) = TcpStream::connect(target) else {
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
                for (from, to, up) in [
                    (inbound.try_clone(), outbound.try_clone(), true),
                    (outbound.try_clone(), inbound.try_clone(), false),
                ] {
                    let (Ok(from), Ok(to)) = (from, to) else {
                        continue;
                    };
                    let log = l.clone();
                    std::thread::spawn(move || pump(from, to, up, conn, &log));
                }
            }
        });
        Ok(Proxy { port, log })
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
            t.first.get_or_insert(c.t);
            t.last = Some(c.t);
            if last_dir.insert(c.conn, c.up) != Some(c.up) {
                t.legs += 1;
            }
        }
        t
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
