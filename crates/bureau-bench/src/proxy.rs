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
//!
//! A proxy can be given a [`Shape`] (W7, a poor link): then every read is cut into segments
//! that cross the link one after another at its bandwidth (one queue per direction, shared by
//! every connection, as on one Wi-Fi link) and arrive its one-way delay later; a direction
//! holds at most [`LINK_BUFFER`] bytes in flight before the sender's writes block, as a
//! router's buffer would. A shape with drops closes every open connection of the proxy at
//! that interval (what a Wi-Fi drop does to a TCP connection); whatever was in flight is
//! lost, and each system reconnects by its own means. A shaped segment is logged when it is
//! delivered, not when it was read.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

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
    /// The connections open now: both sockets, to close them on a drop or a partition.
    open: Vec<Open>,
    /// Connections a drop closed, over the whole run.
    dropped: usize,
}

/// An open connection: its number, both sockets, and (on a front with an owner) which
/// replica is behind that front and the port the dialler's socket has.
#[derive(Debug)]
struct Open {
    conn: usize,
    inbound: TcpStream,
    outbound: TcpStream,
    owner: Option<usize>,
    /// The dialler's end of the connection, as (its port, the front's port).
    ends: (u16, u16),
}

/// The replicas' processes, for telling who dialled a front (W8's partition), and the sides
/// the proxy keeps apart while partitioned.
#[derive(Debug, Default)]
struct Partition {
    /// The process of each replica, by index.
    pids: Vec<u32>,
    /// The side of each replica while partitioned (`true`: side B).
    sides: Option<Vec<bool>>,
    /// Connections refused because they would have crossed the partition.
    refused: usize,
}

/// A poor link: what the proxy makes of every connection while it is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Shape {
    pub(crate) name: &'static str,
    /// Bandwidth of each direction, in bits per second.
    pub(crate) bits_per_s: f64,
    /// Delay of each direction, in milliseconds.
    pub(crate) one_way_ms: f64,
    /// Every so many milliseconds, every open connection is closed.
    pub(crate) drop_every_ms: Option<f64>,
}

impl Shape {
    /// A phone's hotspot: 1 Mbit/s, 150 ms each way.
    pub(crate) const HOTSPOT: Shape = Shape {
        name: "hotspot",
        bits_per_s: 1_000_000.0,
        one_way_ms: 150.0,
        drop_every_ms: None,
    };
    /// An overloaded Wi-Fi: 256 kbit/s, 300 ms each way, and a drop every 4 s.
    pub(crate) const CONGESTED: Shape = Shape {
        name: "congested",
        bits_per_s: 256_000.0,
        one_way_ms: 300.0,
        drop_every_ms: Some(4_000.0),
    };

    /// Milliseconds `bytes` take to cross the link at its bandwidth (without the delay).
    pub(crate) fn transfer_ms(&self, bytes: f64) -> f64 {
        bytes * 8.0 / self.bits_per_s * 1e3
    }
}

/// Largest piece of a read that crosses a shaped link as one: about a TCP window's worth of
/// segments, so that a large read arrives progressively, not all at its end.
const SEGMENT: usize = 4 * 1024;
/// Bytes a shaped direction holds in flight before the sender's writes block.
pub(crate) const LINK_BUFFER: usize = 64 * 1024;

/// The shaped link, shared by every connection of a proxy.
#[derive(Debug, Default)]
struct Link {
    shape: Option<Shape>,
    /// When each direction (index: `up as usize`) is next free to send, ms since the epoch.
    free_at: [f64; 2],
    /// Counts shape changes, so that an old drop timer stops.
    generation: u64,
    /// Counts drops: a datagram queued before a drop is lost with it.
    drops: u64,
    /// Datagrams a full link buffer lost, over the whole run.
    tail_dropped: usize,
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
    link: Arc<Mutex<Link>>,
    partition: Arc<Mutex<Partition>>,
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
        self.front_of(behind, None)
    }

    /// A front with replica `owner` behind it, which a partition can keep apart from the
    /// replicas on the other side ([`Proxy::partition`]).
    pub(crate) fn owned_front(&self, owner: usize) -> std::io::Result<Front> {
        self.front_of(Behind::A, Some(owner))
    }

    fn front_of(&self, behind: Behind, owner: Option<usize>) -> std::io::Result<Front> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let front = Front {
            port: listener.local_addr()?.port(),
            target: Arc::new(OnceLock::new()),
        };
        let (l, target, link) = (self.log.clone(), front.target.clone(), self.link.clone());
        let part = self.partition.clone();
        let front_port = front.port;
        std::thread::spawn(move || {
            for inbound in listener.incoming() {
                let Ok(inbound) = inbound else { continue };
                let (l, target, link, part) =
                    (l.clone(), target.clone(), link.clone(), part.clone());
                std::thread::spawn(move || {
                    let ends = (inbound.peer_addr().map_or(0, |a| a.port()), front_port);
                    if let Some(owner) = owner
                        && crosses(&part, owner, ends)
                    {
                        part.lock().expect("proxy partition").refused += 1;
                        let _ = inbound.shutdown(Shutdown::Both);
                        return;
                    }
                    // On a shaped link, TCP's own handshake costs a round trip before the
                    // first byte, as it would on the real link.
                    let shape = link.lock().expect("proxy link").shape;
                    if let Some(sh) = shape {
                        std::thread::sleep(Duration::from_secs_f64(2.0 * sh.one_way_ms / 1e3));
                    }
                    let Some(outbound) = target.get().and_then(|t| TcpStream::connect(t).ok())
                    else {
                        let _ = inbound.shutdown(Shutdown::Both);
                        return;
                    };
                    let conn = {
                        let mut log = l.lock().expect("proxy log");
                        log.accepted.push(now_ms());
                        let conn = log.accepted.len() - 1;
                        if let (Ok(i), Ok(o)) = (inbound.try_clone(), outbound.try_clone()) {
                            log.open.push(Open {
                                conn,
                                inbound: i,
                                outbound: o,
                                owner,
                                ends,
                            });
                        }
                        conn
                    };
                    // A partition that began between the check above and the entry in the
                    // open list did not see this connection: it is checked again now that
                    // the partition sees it, so none slips across.
                    if let Some(owner) = owner
                        && crosses(&part, owner, ends)
                    {
                        l.lock().expect("proxy log").open.retain(|o| o.conn != conn);
                        part.lock().expect("proxy partition").refused += 1;
                        let _ = inbound.shutdown(Shutdown::Both);
                        let _ = outbound.shutdown(Shutdown::Both);
                        return;
                    }
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
                        let (log, link) = (l.clone(), link.clone());
                        std::thread::spawn(move || pump(from, to, up, conn, &log, &link));
                    }
                });
            }
        });
        Ok(front)
    }

    /// Opens a UDP front on 127.0.0.1 (a free port) for QUIC, logging into this proxy's log:
    /// each datagram is forwarded to the target from a socket of the proxy's own per sender
    /// (so the answers come back through it) and logged as a read. A connection is counted
    /// when a sender's QUIC Initial names a connection id not seen before ([`quic_initial`]),
    /// so a reconnect from the same socket is a new connection, as it is for QUIC.
    ///
    /// A shaped UDP front (W7) sends each datagram across the same link as TCP's segments: one
    /// queue per direction at the link's bandwidth, then the one-way delay. A datagram that
    /// finds [`LINK_BUFFER`] bytes queued ahead of it is lost, as a router's full buffer loses
    /// it (QUIC sends it again), where TCP's sender would have been made to wait. A drop loses
    /// every datagram in flight; a QUIC connection has nothing to close, so it lives on if its
    /// own timers let it (TCP connections are closed by a drop). A UDP front is not
    /// partitioned (W8 runs over TCP).
    pub(crate) fn udp_front(&self, behind: Behind) -> std::io::Result<Front> {
        let socket = UdpSocket::bind("127.0.0.1:0")?;
        let front = Front {
            port: socket.local_addr()?.port(),
            target: Arc::new(OnceLock::new()),
        };
        let (log, target, link) = (self.log.clone(), front.target.clone(), self.link.clone());
        let mut lanes = Vec::new();
        for _ in 0..2 {
            let (tx, rx) = mpsc::channel::<Datagram>();
            let (log, link) = (log.clone(), link.clone());
            std::thread::spawn(move || deliver_datagrams(&rx, &log, &link));
            lanes.push(tx);
        }
        let lanes = Arc::new(Lanes { link, lanes });
        std::thread::spawn(move || udp_pump(socket, behind, &target, &log, &lanes));
        Ok(front)
    }

    /// Datagrams lost to a full link buffer so far (a shaped UDP front).
    pub(crate) fn tail_dropped(&self) -> usize {
        self.link.lock().expect("proxy link").tail_dropped
    }

    /// Shapes every connection from now on like `shape` (or not at all), starting the drops
    /// it asks for.
    pub(crate) fn set_shape(&self, shape: Option<Shape>) {
        let generation = {
            let mut l = self.link.lock().expect("proxy link");
            l.shape = shape;
            l.generation += 1;
            l.free_at = [0.0; 2];
            l.generation
        };
        let Some(every) = shape.and_then(|s| s.drop_every_ms) else {
            return;
        };
        let (log, link) = (self.log.clone(), self.link.clone());
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs_f64(every / 1e3));
                {
                    let mut l = link.lock().expect("proxy link");
                    if l.generation != generation {
                        return;
                    }
                    l.drops += 1;
                }
                let mut log = log.lock().expect("proxy log");
                let open = std::mem::take(&mut log.open);
                log.dropped += open.len();
                for o in open {
                    let _ = o.inbound.shutdown(Shutdown::Both);
                    let _ = o.outbound.shutdown(Shutdown::Both);
                }
            }
        });
    }

    /// Names the process of each replica (by index), so that an owned front can tell which
    /// replica dialled it.
    pub(crate) fn set_pids(&self, pids: Vec<u32>) {
        self.partition.lock().expect("proxy partition").pids = pids;
    }

    /// Keeps the replicas on side B (`sides[i]`) apart from the others, as a network split
    /// would: the open connections between the two sides are closed, and new ones refused,
    /// until `None` heals it. Only connections through owned fronts are kept apart.
    pub(crate) fn partition(&self, sides: Option<Vec<bool>>) {
        let split = sides.is_some();
        self.partition.lock().expect("proxy partition").sides = sides;
        if !split {
            return;
        }
        let cut: Vec<Open> = {
            let mut log = self.log.lock().expect("proxy log");
            let open = std::mem::take(&mut log.open);
            let (cut, kept): (Vec<Open>, Vec<Open>) = open.into_iter().partition(|o| {
                o.owner
                    .is_some_and(|owner| crosses(&self.partition, owner, o.ends))
            });
            log.open = kept;
            cut
        };
        for o in cut {
            let _ = o.inbound.shutdown(Shutdown::Both);
            let _ = o.outbound.shutdown(Shutdown::Both);
        }
    }

    /// Connections refused across a partition so far.
    pub(crate) fn refused(&self) -> usize {
        self.partition.lock().expect("proxy partition").refused
    }

    /// Connections closed by drops so far.
    pub(crate) fn dropped(&self) -> usize {
        self.log.lock().expect("proxy log").dropped
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

/// Whether a connection from local port `ends.0` to the front of replica `owner` (port `ends.1`) crosses
/// the partition in force (a dialler the proxy cannot name counts as crossing: a partition
/// lets nothing through that it cannot place).
fn crosses(part: &Mutex<Partition>, owner: usize, ends: (u16, u16)) -> bool {
    let (sides, pids) = {
        let p = part.lock().expect("proxy partition");
        match &p.sides {
            Some(s) => (s.clone(), p.pids.clone()),
            None => return false,
        }
    };
    let Some(&owner_side) = sides.get(owner) else {
        return false;
    };
    match dialler(ends, &pids) {
        Some(i) => sides.get(i).is_some_and(|&s| s != owner_side),
        None => true,
    }
}

/// Which of `pids` holds the loopback TCP socket from port `ends.0` to port `ends.1`: the
/// socket's inode from `/proc/net/tcp`, then the process whose descriptors include it. Both
/// ends are matched: Linux lets sockets to different destinations share a local port, so the
/// local port alone could name another replica's socket (and let a connection across a
/// partition through).
fn dialler(ends: (u16, u16), pids: &[u32]) -> Option<usize> {
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    let (local, remote) = (format!(":{:04X}", ends.0), format!(":{:04X}", ends.1));
    let inodes: Vec<String> = table
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.get(1)?.ends_with(&local) && f.get(2)?.ends_with(&remote) {
                Some(format!("socket:[{}]", f.get(9)?))
            } else {
                None
            }
        })
        .collect();
    if inodes.is_empty() {
        return None;
    }
    pids.iter().position(|pid| {
        std::fs::read_dir(format!("/proc/{pid}/fd")).is_ok_and(|fds| {
            fds.flatten().any(|fd| {
                std::fs::read_link(fd.path())
                    .is_ok_and(|l| inodes.iter().any(|i| l.as_os_str() == i.as_str()))
            })
        })
    })
}

/// One sender of a UDP front: the proxy's socket towards the target for it, and the
/// connection its datagrams count under now.
struct UdpSession {
    upstream: Arc<UdpSocket>,
    conn: Arc<AtomicUsize>,
}

/// A datagram crossing a shaped link: when it arrives, what, and where it goes.
struct Datagram {
    at: f64,
    bytes: Vec<u8>,
    socket: Arc<UdpSocket>,
    /// `None`: the socket is connected to its destination.
    to: Option<SocketAddr>,
    conn: usize,
    up: bool,
    /// The link's drop count when it was sent: a drop since loses it.
    drops: u64,
}

/// A UDP front's way onto the link: one delivering thread per direction (index `up`).
struct Lanes {
    link: Arc<Mutex<Link>>,
    lanes: Vec<mpsc::Sender<Datagram>>,
}

impl Lanes {
    /// Sends `bytes` from `socket` (to `to`, or where it is connected) now, or, on a shaped
    /// link, queues it for its arrival; logs it when it is passed on. Returns false when the
    /// socket failed.
    fn send(
        &self,
        log: &Mutex<Log>,
        socket: &Arc<UdpSocket>,
        to: Option<SocketAddr>,
        bytes: &[u8],
        (conn, up): (usize, bool),
    ) -> bool {
        let now = now_ms();
        let queued = {
            let mut l = self.link.lock().expect("proxy link");
            match l.shape {
                None => None,
                Some(sh) => {
                    let drops = l.drops;
                    let free = l.free_at[usize::from(up)].max(now);
                    if free - now > sh.transfer_ms(LINK_BUFFER as f64) {
                        l.tail_dropped += 1;
                        return true;
                    }
                    let done = free + sh.transfer_ms(bytes.len() as f64);
                    l.free_at[usize::from(up)] = done;
                    Some((done + sh.one_way_ms, drops))
                }
            }
        };
        if let Some((at, drops)) = queued {
            let _ = self.lanes[usize::from(up)].send(Datagram {
                at,
                bytes: bytes.to_vec(),
                socket: socket.clone(),
                to,
                conn,
                up,
                drops,
            });
            return true;
        }
        // Logged before it is passed on, so that whoever saw it arrive finds it in the log.
        log.lock().expect("proxy log").chunks.push(Chunk {
            t: now,
            conn,
            up,
            bytes: bytes.len(),
        });
        match to {
            Some(to) => socket.send_to(bytes, to).is_ok(),
            None => socket.send(bytes).is_ok(),
        }
    }
}

/// Passes on the datagrams of one direction of a shaped link as they arrive, each logged when
/// it is; those a drop overtook are lost.
fn deliver_datagrams(rx: &mpsc::Receiver<Datagram>, log: &Mutex<Log>, link: &Mutex<Link>) {
    while let Ok(d) = rx.recv() {
        let wait = d.at - now_ms();
        if wait > 0.0 {
            std::thread::sleep(Duration::from_secs_f64(wait / 1e3));
        }
        if link.lock().expect("proxy link").drops != d.drops {
            continue;
        }
        log.lock().expect("proxy log").chunks.push(Chunk {
            t: now_ms(),
            conn: d.conn,
            up: d.up,
            bytes: d.bytes.len(),
        });
        let _ = match d.to {
            Some(to) => d.socket.send_to(&d.bytes, to),
            None => d.socket.send(&d.bytes),
        };
    }
}

/// Forwards the datagrams of a UDP front: from any sender to the target through that sender's
/// own upstream socket, and (on a thread per sender) the target's answers back to the sender.
fn udp_pump(
    socket: UdpSocket,
    behind: Behind,
    target: &OnceLock<SocketAddr>,
    log: &Arc<Mutex<Log>>,
    lanes: &Arc<Lanes>,
) {
    let Ok(back) = socket.try_clone() else { return };
    let back = Arc::new(back);
    let mut sessions: HashMap<SocketAddr, UdpSession> = HashMap::new();
    // Connection ids either side has used, so that only a client's first Initial of a
    // connection counts as a new one (its later Initials name the server's id).
    let known: Arc<Mutex<HashSet<Vec<u8>>>> = Arc::default();
    let towards_target_up = behind == Behind::A;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let Ok((n, from)) = socket.recv_from(&mut buf) else {
            return;
        };
        let Some(&to) = target.get() else { continue };
        let t = now_ms();
        if let std::collections::hash_map::Entry::Vacant(v) = sessions.entry(from) {
            let Ok(upstream) = UdpSocket::bind("127.0.0.1:0") else {
                continue;
            };
            let Ok(answers) = upstream.try_clone() else {
                continue;
            };
            if upstream.connect(to).is_err() {
                continue;
            }
            let conn = Arc::new(AtomicUsize::new(usize::MAX));
            let (back, c, known, log) = (back.clone(), conn.clone(), known.clone(), log.clone());
            let lanes = lanes.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 64 * 1024];
                while let Ok(n) = answers.recv(&mut buf) {
                    if let Some((_, Some(scid))) = quic_long_ids(&buf[..n]) {
                        known.lock().expect("proxy ids").insert(scid.to_vec());
                    }
                    let to = (c.load(Ordering::Relaxed), !towards_target_up);
                    if !lanes.send(&log, &back, Some(from), &buf[..n], to) {
                        return;
                    }
                }
            });
            v.insert(UdpSession {
                upstream: Arc::new(upstream),
                conn,
            });
        }
        let Some(session) = sessions.get(&from) else {
            continue;
        };
        let datagram = &buf[..n];
        if let Some(dcid) = quic_initial(datagram)
            && known.lock().expect("proxy ids").insert(dcid.to_vec())
        {
            let mut l = log.lock().expect("proxy log");
            l.accepted.push(t);
            session.conn.store(l.accepted.len() - 1, Ordering::Relaxed);
        }
        let to = (session.conn.load(Ordering::Relaxed), towards_target_up);
        lanes.send(log, &session.upstream, None, datagram, to);
    }
}

/// The destination connection id of a datagram that opens with a QUIC v1 Initial packet
/// (long header, type 0), which is how a client starts a connection.
fn quic_initial(datagram: &[u8]) -> Option<&[u8]> {
    let first = *datagram.first()?;
    if first & 0x30 != 0 {
        return None;
    }
    quic_long_ids(datagram).map(|(dcid, _)| dcid)
}

/// A QUIC long-header packet's destination and source connection ids (RFC 9000, 17.2).
fn quic_long_ids(datagram: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    let first = *datagram.first()?;
    if first & 0xC0 != 0xC0 {
        return None;
    }
    let dlen = usize::from(*datagram.get(5)?);
    let dcid = datagram.get(6..6 + dlen)?;
    let slen = datagram.get(6 + dlen).map(|&l| usize::from(l));
    let scid = slen.and_then(|l| datagram.get(7 + dlen..7 + dlen + l));
    Some((dcid, scid))
}

/// A piece of a read on a shaped link: when it arrives (ms since the epoch), and its bytes.
type Segment = (f64, Vec<u8>);

fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    up: bool,
    conn: usize,
    log: &Arc<Mutex<Log>>,
    link: &Arc<Mutex<Link>>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    // Once a shape was seen, every later read goes through the delivering thread too, so
    // that nothing overtakes what is still in flight.
    let mut shaped: Option<(mpsc::SyncSender<Segment>, std::thread::JoinHandle<()>)> = None;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let t = now_ms();
        let shape = link.lock().expect("proxy link").shape;
        if shape.is_none() && shaped.is_none() {
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
            log.lock().expect("proxy log").chunks.push(Chunk {
                t,
                conn,
                up,
                bytes: n,
            });
            continue;
        }
        let (tx, _) = shaped.get_or_insert_with(|| {
            let (tx, rx) = mpsc::sync_channel::<Segment>(LINK_BUFFER / SEGMENT);
            let (to, log) = (to.try_clone(), log.clone());
            let handle = std::thread::spawn(move || {
                if let Ok(to) = to {
                    deliver(rx, to, up, conn, &log);
                }
            });
            (tx, handle)
        });
        let mut gone = false;
        for seg in buf[..n].chunks(SEGMENT) {
            let at = {
                let mut l = link.lock().expect("proxy link");
                match l.shape {
                    Some(sh) => {
                        let free = &mut l.free_at[usize::from(up)];
                        let start = free.max(now_ms());
                        *free = start + sh.transfer_ms(seg.len() as f64);
                        *free + sh.one_way_ms
                    }
                    None => t,
                }
            };
            if tx.send((at, seg.to_vec())).is_err() {
                gone = true;
                break;
            }
        }
        if gone {
            break;
        }
    }
    match shaped {
        Some((tx, handle)) => {
            drop(tx);
            let _ = handle.join();
        }
        None => {
            let _ = to.shutdown(Shutdown::Write);
        }
    }
    let _ = from.shutdown(Shutdown::Read);
    log.lock()
        .expect("proxy log")
        .open
        .retain(|o| o.conn != conn);
}

/// Writes each segment at its arrival time; then ends the direction.
fn deliver(
    rx: mpsc::Receiver<Segment>,
    mut to: TcpStream,
    up: bool,
    conn: usize,
    log: &Mutex<Log>,
) {
    while let Ok((at, seg)) = rx.recv() {
        let wait = at - now_ms();
        if wait > 0.0 {
            std::thread::sleep(Duration::from_secs_f64(wait / 1e3));
        }
        if to.write_all(&seg).is_err() {
            break;
        }
        log.lock().expect("proxy log").chunks.push(Chunk {
            t: now_ms(),
            conn,
            up,
            bytes: seg.len(),
        });
    }
    let _ = to.shutdown(Shutdown::Write);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dialler of a connection is found by both its ends: a socket of this process is
    /// named, and the same local port towards another port is not taken for it.
    #[test]
    fn the_dialler_is_named_by_both_ends_of_its_socket() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let other = TcpListener::bind("127.0.0.1:0").unwrap();
        let front = listener.local_addr().unwrap().port();
        let stream = TcpStream::connect(("127.0.0.1", front)).unwrap();
        let local = stream.local_addr().unwrap().port();
        let me = [std::process::id()];
        assert_eq!(dialler((local, front), &me), Some(0));
        let elsewhere = other.local_addr().unwrap().port();
        assert_eq!(dialler((local, elsewhere), &me), None);
        assert_eq!(dialler((local, front), &[]), None);
    }

    /// A QUIC long header (Initial when `kind` is 0) with these connection ids.
    fn long_header(kind: u8, dcid: &[u8], scid: &[u8]) -> Vec<u8> {
        let mut d = vec![0xC0 | (kind << 4), 0, 0, 0, 1, dcid.len() as u8];
        d.extend_from_slice(dcid);
        d.push(scid.len() as u8);
        d.extend_from_slice(scid);
        d.extend_from_slice(&[0; 20]);
        d
    }

    /// A UDP front forwards both ways and counts a connection at a client's first Initial,
    /// not at its later ones (which name the server's id) nor at other packets.
    /// A shaped UDP front delivers each datagram no sooner than its transfer at the link's
    /// bandwidth plus the one-way delay, one after another, both ways; a burst larger than
    /// the link's buffer loses its tail (counted), as a router would.
    #[test]
    fn a_shaped_udp_front_delays_paces_and_loses_a_burst_beyond_its_buffer() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let proxy = Proxy::new();
        let front = proxy.udp_front(Behind::A).unwrap();
        front.forward_to(server.local_addr().unwrap());
        let shape = Shape {
            name: "test",
            bits_per_s: 8_000_000.0,
            one_way_ms: 40.0,
            drop_every_ms: None,
        };
        proxy.set_shape(Some(shape));
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client.connect(("127.0.0.1", front.port)).unwrap();
        for s in [&client, &server] {
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        }
        let mut buf = [0u8; 2048];
        // Three datagrams of 1,000 bytes: the last one leaves the link's queue after all
        // three crossed it (3 ms at 8 Mbit/s), then the delay.
        let sent = now_ms();
        for i in 0..3u8 {
            client.send(&[i; 1000]).unwrap();
        }
        let mut via = None;
        for i in 0..3u8 {
            let (n, from) = server.recv_from(&mut buf).unwrap();
            assert_eq!(&buf[..n], &[i; 1000][..], "in order");
            via = Some(from);
        }
        let took = now_ms() - sent;
        assert!(
            took >= shape.one_way_ms + shape.transfer_ms(3_000.0),
            "arrived after {took} ms"
        );
        // The answer is shaped too.
        let answered = now_ms();
        server.send_to(b"answer", via.unwrap()).unwrap();
        let n = client.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"answer");
        assert!(now_ms() - answered >= shape.one_way_ms);
        // A burst of twice the buffer at once: what finds the queue full is lost.
        assert_eq!(proxy.tail_dropped(), 0);
        for _ in 0..(2 * LINK_BUFFER / 1000) {
            client.send(&[9; 1000]).unwrap();
        }
        let mut got = 0;
        server
            .set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        while server.recv_from(&mut buf).is_ok() {
            got += 1;
        }
        let lost = proxy.tail_dropped();
        assert!(lost > 0, "nothing was lost of a burst of twice the buffer");
        // Sockets may lose some of such a burst too (their buffers are the kernel's).
        assert!(
            got + lost <= 2 * LINK_BUFFER / 1000,
            "got {got}, lost {lost}"
        );
    }

    #[test]
    fn a_udp_front_forwards_both_ways_and_counts_quic_connections() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let proxy = Proxy::new();
        let front = proxy.udp_front(Behind::A).unwrap();
        front.forward_to(server.local_addr().unwrap());
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        server
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        client.connect(("127.0.0.1", front.port)).unwrap();
        let mark = proxy.mark();
        let mut buf = [0u8; 2048];
        // The client opens with an Initial to a random id; the server answers from its own.
        let first = long_header(0, b"random01", b"client01");
        client.send(&first).unwrap();
        let (n, via) = server.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], &first[..]);
        let answer = long_header(0, b"client01", b"server01");
        server.send_to(&answer, via).unwrap();
        let n = client.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], &answer[..]);
        // Its next Initial names the server's id, then a short-header packet: the same one.
        for d in [long_header(0, b"server01", b"client01"), vec![0x40; 30]] {
            client.send(&d).unwrap();
            server.recv_from(&mut buf).unwrap();
        }
        let t = proxy.since(mark);
        assert_eq!(t.accepted.len(), 1);
        assert_eq!((t.up, t.down), (first.len() * 2 + 30, answer.len()));
        assert_eq!(t.legs, 3);
        // A reconnect from the same socket starts with a new id: a second connection.
        client
            .send(&long_header(0, b"random02", b"client02"))
            .unwrap();
        server.recv_from(&mut buf).unwrap();
        assert_eq!(proxy.since(mark).accepted.len(), 2);
        // A Handshake packet with an unseen id is not a new connection.
        client
            .send(&long_header(2, b"random03", b"client03"))
            .unwrap();
        server.recv_from(&mut buf).unwrap();
        assert_eq!(proxy.since(mark).accepted.len(), 2);
    }
}
