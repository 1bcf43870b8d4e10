//! The three systems under test, each as two replicas of the fixture connected through a
//! counting proxy, behind one interface the workloads drive.
//!
//! - **bureau**: two `bureau serve` processes, each behind a front of the proxy of its own
//!   that it announces (`--announce`) as its address in the document; B is started with A's
//!   front as `--peer` (libp2p TCP, Noise, yamux). Either node may dial the other on a
//!   reconnect, and both fronts log into one log, so every connection is counted with the
//!   right direction. Edits go through the HTTP API; "disconnect" is the node's own pause
//!   (airplane mode), which ends the session and saves the peer's sync state.
//! - **automerge-repo**: a WebSocket sync server and two replicas, each a Node.js process with
//!   NodeFS storage; both replicas reach the server through the proxy.
//! - **samod**: two samod repos (this executable as `samod-peer`); B dials A through the proxy
//!   with samod's TCP transport.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use bureau_client::{Connection, sorted_heads};
use serde_json::{Value, json};

use crate::events::Events;
use crate::fixture::{EditOp, Rng, Share, State};
use crate::peer::ChildPeer;
use crate::proxy::{Behind, Front, Proxy};
use crate::util::{Proc, now_ms, poll};

pub(crate) type Res<T> = Result<T, String>;

/// Long enough for a size-m document to load in the slowest system on a busy 2-core machine.
pub(crate) const START_LIMIT: Duration = Duration::from_secs(300);
const CALL_LIMIT: Duration = Duration::from_secs(600);

/// What a cold start measured.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ColdStart {
    /// Spawn to the first page received.
    pub(crate) ms: f64,
    pub(crate) page_bytes: f64,
}

/// Sync traffic counted by the system itself (protocol messages without the transport's
/// own framing), summed over both replicas' sending side.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SyncCount {
    pub(crate) bytes: f64,
    pub(crate) messages: f64,
}

/// Two connected replicas of one system.
pub(crate) trait System {
    fn proxy(&self) -> &Proxy;
    /// Every process of the system (for CPU time).
    fn pids(&self) -> Vec<u32>;
    /// The process of replica `r` (0 = A, 1 = B).
    fn pid(&self, r: usize) -> u32;
    /// Makes `n` edits of a script on replica `r`, each as its own change (advancing
    /// `state`); returns the latency of each where the system answers per edit.
    fn edits(
        &mut self,
        r: usize,
        state: &mut State,
        rng: &mut Rng,
        share: Share,
        n: usize,
    ) -> Res<Vec<f64>>;
    /// One edit on replica `r`: the time just before it was asked for, and the heads after.
    fn edit(&mut self, r: usize, state: &State, op: &EditOp) -> Res<(f64, Vec<String>)>;
    /// When replica `r` first had exactly `want` at or after `since` (ms since the epoch).
    fn wait_heads(&mut self, r: usize, want: &[String], since: f64, limit: Duration) -> Res<f64>;
    fn heads(&mut self, r: usize) -> Res<Vec<String>>;
    fn disconnect(&mut self) -> Res<()>;
    fn connect(&mut self) -> Res<()>;
    /// Saves replica `r`'s document to `path`: (milliseconds, bytes).
    fn save(&mut self, r: usize, path: &Path) -> Res<(f64, usize)>;
    /// Protocol-level sync traffic so far, if the system counts it.
    fn sync_count(&mut self) -> Res<Option<SyncCount>>;
    fn stop(self: Box<Self>);
}

// ---- bureau --------------------------------------------------------------------------------

struct Node {
    proc: Proc,
    client: Connection,
    events: Events,
    peer_id: String,
}

pub(crate) struct Bureau {
    nodes: Vec<Node>,
    proxy: Proxy,
}

fn runtime_of(dir: &Path, pid: u32) -> Option<(SocketAddr, String, String, String)> {
    let rt: Value = serde_json::from_slice(&std::fs::read(dir.join("runtime.json")).ok()?).ok()?;
    if rt["pid"].as_u64() != Some(u64::from(pid)) {
        return None;
    }
    let addr = rt["http"].as_str()?.parse().ok()?;
    let token = std::fs::read_to_string(dir.join("api-token")).ok()?;
    let listen = rt["listen"].as_array()?.first()?.as_str()?.to_owned();
    Some((
        addr,
        token.trim().to_owned(),
        rt["peer_id"].as_str()?.to_owned(),
        listen,
    ))
}

/// Starts `bureau serve` on `dir` behind `front`, which it announces as its only address (so
/// the other node never learns, and never dials, its real listen address), and returns once
/// `GET /api/meetings` (the first page) has been answered in full, with the time that took
/// from spawning.
fn start_node(
    bin: &Path,
    dir: &Path,
    log: &Path,
    front: &Front,
    peer: Option<&str>,
    transport: Transport,
) -> Res<(Node, ColdStart)> {
    let mut cmd = Command::new(bin);
    cmd.arg("--data-dir")
        .arg(dir)
        .args([
            "serve",
            "--http",
            "127.0.0.1:0",
            "--listen",
            transport.at(0).as_str(),
            "--no-mdns",
            "--announce",
            transport.at(front.port).as_str(),
        ])
        .env_remove("BUREAU_HOME")
        .env_remove("RUST_LOG")
        .env(
            "BUREAU_LOG",
            std::env::var("BUREAU_BENCH_NODE_LOG").unwrap_or_else(|_| "warn".to_owned()),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).map_err(|e| e.to_string())?);
    if let Some(p) = peer {
        cmd.args(["--peer", p]);
    }
    let t0 = now_ms();
    let mut proc = Proc::new(
        cmd.spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?,
        "bureau",
    );
    let pid = proc.pid();
    let mut exited = None;
    let found = poll(START_LIMIT, Duration::from_millis(2), || {
        if let Some(s) = proc.exited() {
            exited = Some(s);
            return Some(None);
        }
        runtime_of(dir, pid).map(Some)
    })
    .flatten();
    let Some((addr, token, peer_id, p2p)) = found else {
        return Err(format!(
            "bureau serve did not start ({exited:?}); its log:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        ));
    };
    // As soon as the node listens, before it has published its address (that waits for
    // runtime.json) and long before the other node could dial it there.
    front.forward_to(transport.target(&p2p)?);
    let mut client = Connection::new(addr, &token);
    let page = poll(START_LIMIT, Duration::from_millis(2), || {
        client
            .request("GET", "/api/meetings", None)
            .ok()
            .filter(|a| a.status == 200)
    })
    .ok_or("GET /api/meetings never answered")?;
    let ms = now_ms() - t0;
    let events = Events::follow(addr, &token).map_err(|e| e.to_string())?;
    Ok((
        Node {
            proc,
            client,
            events,
            peer_id,
        },
        ColdStart {
            ms,
            page_bytes: page.body.len() as f64,
        },
    ))
}

/// How the bureau nodes' member connections go: libp2p's TCP (Noise, yamux), or QUIC (TLS 1.3
/// in one round trip, its own streams) through UDP fronts of the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    Tcp,
    Quic,
}

impl Transport {
    /// The loopback address at `port` (0: any free one) on this transport.
    fn at(self, port: u16) -> String {
        match self {
            Transport::Tcp => format!("/ip4/127.0.0.1/tcp/{port}"),
            Transport::Quic => format!("/ip4/127.0.0.1/udp/{port}/quic-v1"),
        }
    }

    /// Where a front forwards to: the node's listen address on this transport.
    fn target(self, listen: &str) -> Res<SocketAddr> {
        let (prefix, suffix) = match self {
            Transport::Tcp => ("/ip4/127.0.0.1/tcp/", ""),
            Transport::Quic => ("/ip4/127.0.0.1/udp/", "/quic-v1"),
        };
        let port = listen
            .strip_prefix(prefix)
            .and_then(|p| p.strip_suffix(suffix))
            .and_then(|p| p.parse::<u16>().ok())
            .ok_or_else(|| format!("the node listens at {listen}, not at {}", self.at(0)))?;
        Ok(SocketAddr::from(([127, 0, 0, 1], port)))
    }
}

impl Bureau {
    /// Starts the proxy's two fronts, replica A behind the first (measuring its cold start),
    /// and replica B behind the second, dialling A's front; returns once both report the
    /// other connected and in sync.
    pub(crate) fn start(
        bin: &Path,
        dirs: [&Path; 2],
        logs: &Path,
        transport: Transport,
    ) -> Res<(Bureau, ColdStart)> {
        let proxy = Proxy::new();
        let front = |behind| match transport {
            Transport::Tcp => proxy.front(behind),
            Transport::Quic => proxy.udp_front(behind),
        };
        let fronts = [
            front(Behind::A).map_err(|e| e.to_string())?,
            front(Behind::B).map_err(|e| e.to_string())?,
        ];
        let log = |r: &str| logs.join(format!("bureau-{r}.log"));
        let (a, cold) = start_node(bin, dirs[0], &log("a"), &fronts[0], None, transport)?;
        let peer = format!("{}/p2p/{}", transport.at(fronts[0].port), a.peer_id);
        let (b, _) = start_node(bin, dirs[1], &log("b"), &fronts[1], Some(&peer), transport)?;
        let mut sys = Bureau {
            nodes: vec![a, b],
            proxy,
        };
        sys.wait_in_sync()?;
        Ok((sys, cold))
    }

    /// W1 as a delegate's laptop usually starts: a node that ran on this directory before
    /// (here: started on the fixture and stopped cleanly, which saves its view for the next
    /// start) started again, until its first page; and as it starts after a crash: that node,
    /// once it has written an edit, killed (SIGKILL, as a flat battery would stop it) before
    /// it saved its view again, and started a third time. The times in ms of the second and
    /// third starts.
    pub(crate) fn restart_ms(bin: &Path, dir: &Path, logs: &Path) -> Res<(f64, f64)> {
        let proxy = Proxy::new();
        let front = proxy.front(Behind::A).map_err(|e| e.to_string())?;
        let log = |run: &str| logs.join(format!("bureau-restart-{run}.log"));
        let (first, _) = start_node(bin, dir, &log("1"), &front, None, Transport::Tcp)?;
        first.proc.stop(Duration::from_secs(60));
        let (mut again, cold) = start_node(bin, dir, &log("2"), &front, None, Transport::Tcp)?;
        // Acknowledged once the document has loaded behind the saved view and the edit is
        // durable; the view is saved only after 10 quiet seconds, so the kill comes first.
        let res = again
            .client
            .request(
                "POST",
                "/api/members",
                Some(&json!({ "name": "Written before a crash" })),
            )
            .map_err(|e| e.to_string())?;
        if res.status != 201 {
            return Err(format!("the edit before the crash answered {}", res.status));
        }
        again.proc.kill();
        let (third, crashed) = start_node(bin, dir, &log("3"), &front, None, Transport::Tcp)?;
        third.proc.stop(Duration::from_secs(60));
        Ok((cold.ms, crashed.ms))
    }

    /// W8: one node per directory, each behind an owned front of one proxy (so that a
    /// partition can keep them apart). Node 0 starts first and every other with node 0's
    /// front as `--peer`; each announces its own front in the document, where the others
    /// find it: a full mesh. Returns once every node has every other connected and in sync.
    pub(crate) fn start_mesh(bin: &Path, dirs: &[PathBuf], logs: &Path) -> Res<Bureau> {
        let proxy = Proxy::new();
        let fronts = (0..dirs.len())
            .map(|i| proxy.owned_front(i))
            .collect::<std::io::Result<Vec<Front>>>()
            .map_err(|e| e.to_string())?;
        let mut nodes = Vec::with_capacity(dirs.len());
        let mut first = None;
        for (i, (dir, front)) in dirs.iter().zip(&fronts).enumerate() {
            let log = logs.join(format!("bureau-{i}.log"));
            let (node, _) = start_node(bin, dir, &log, front, first.as_deref(), Transport::Tcp)?;
            if i == 0 {
                first = Some(format!(
                    "/ip4/127.0.0.1/tcp/{}/p2p/{}",
                    front.port, node.peer_id
                ));
            }
            nodes.push(node);
        }
        proxy.set_pids(nodes.iter().map(|n| n.proc.pid()).collect());
        let mut sys = Bureau { nodes, proxy };
        sys.wait_in_sync()?;
        Ok(sys)
    }

    /// Waits until each node lists every other as connected and in sync.
    fn wait_in_sync(&mut self) -> Res<()> {
        let others = self.nodes.len() - 1;
        poll(START_LIMIT, Duration::from_millis(10), || {
            let ok = self.nodes.iter_mut().all(|n| {
                n.client.get_json("/api/peers").is_ok_and(|p| {
                    p.as_array().is_some_and(|a| {
                        a.iter()
                            .filter(|x| x["connected"] == true && x["in_sync"] == true)
                            .count()
                            >= others
                    })
                })
            });
            ok.then_some(())
        })
        .ok_or_else(|| "the bureau nodes did not connect and sync".to_owned())
    }

    pub(crate) fn client(&mut self, r: usize) -> &mut Connection {
        &mut self.nodes[r].client
    }

    fn patch(&mut self, r: usize, state: &State, op: &EditOp) -> Res<()> {
        let (path, body) = state.op_request(op);
        self.nodes[r]
            .client
            .request("PATCH", &path, Some(&body))
            .and_then(|a| a.ok_json())
            .map(|_| ())
            .map_err(|e| format!("PATCH {path}: {e}"))
    }
}

impl System for Bureau {
    fn proxy(&self) -> &Proxy {
        &self.proxy
    }

    fn pids(&self) -> Vec<u32> {
        self.nodes.iter().map(|n| n.proc.pid()).collect()
    }

    fn pid(&self, r: usize) -> u32 {
        self.nodes[r].proc.pid()
    }

    fn edits(
        &mut self,
        r: usize,
        state: &mut State,
        rng: &mut Rng,
        share: Share,
        n: usize,
    ) -> Res<Vec<f64>> {
        let mut lat = Vec::with_capacity(n);
        for _ in 0..n {
            let op = state.next_edit(rng, share);
            let t0 = now_ms();
            self.patch(r, state, &op)?;
            lat.push(now_ms() - t0);
        }
        Ok(lat)
    }

    fn edit(&mut self, r: usize, state: &State, op: &EditOp) -> Res<(f64, Vec<String>)> {
        let t0 = now_ms();
        self.patch(r, state, op)?;
        let heads = self.heads(r)?;
        Ok((t0, heads))
    }

    fn wait_heads(&mut self, r: usize, want: &[String], since: f64, limit: Duration) -> Res<f64> {
        self.nodes[r]
            .events
            .wait_heads(want, since, limit)
            .ok_or_else(|| format!("bureau node {r} did not reach the heads within {limit:?}"))
    }

    fn heads(&mut self, r: usize) -> Res<Vec<String>> {
        let st = self.nodes[r]
            .client
            .get_json("/api/status")
            .map_err(|e| e.to_string())?;
        Ok(sorted_heads(&st))
    }

    fn disconnect(&mut self) -> Res<()> {
        for n in &mut self.nodes {
            n.client
                .request("POST", "/api/sync/pause", Some(&json!({})))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn connect(&mut self) -> Res<()> {
        // Both know the other's front from the document. The node with the lower peer id
        // dials at once and the other only if no connection came; if both do, there is a
        // connection through each front, and both are counted.
        for n in &mut self.nodes {
            n.client
                .request("POST", "/api/sync/resume", Some(&json!({})))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    fn save(&mut self, r: usize, path: &Path) -> Res<(f64, usize)> {
        let t0 = now_ms();
        let a = self.nodes[r]
            .client
            .request("GET", "/api/doc", None)
            .map_err(|e| e.to_string())?;
        let ms = now_ms() - t0;
        std::fs::write(path, &a.body).map_err(|e| e.to_string())?;
        Ok((ms, a.body.len()))
    }

    fn sync_count(&mut self) -> Res<Option<SyncCount>> {
        let mut c = SyncCount::default();
        for n in &mut self.nodes {
            let peers = n.client.get_json("/api/peers").map_err(|e| e.to_string())?;
            for p in peers.as_array().into_iter().flatten() {
                c.bytes += p["sync"]["sent_bytes"].as_f64().unwrap_or(0.0);
                c.messages += p["sync"]["sent_messages"].as_f64().unwrap_or(0.0);
            }
        }
        Ok(Some(c))
    }

    fn stop(self: Box<Self>) {
        for n in self.nodes {
            n.proc.stop(Duration::from_secs(20));
        }
    }
}

impl Bureau {
    pub(crate) fn clear_events(&self) {
        for n in &self.nodes {
            n.events.clear_history();
        }
    }
}

impl Mesh for Bureau {
    fn len(&self) -> usize {
        self.nodes.len()
    }

    fn split(&mut self, side_b: &[bool]) -> Res<bool> {
        self.proxy.partition(Some(side_b.to_vec()));
        Ok(true)
    }

    fn heal(&mut self, _side_b: &[bool]) -> Res<()> {
        self.proxy.partition(None);
        Ok(())
    }

    fn stop_mesh(self: Box<Self>) {
        System::stop(self);
    }
}

/// Many replicas of one system (W8), which a partition can split in two.
pub(crate) trait Mesh: System {
    fn len(&self) -> usize;
    /// Splits the replicas on side B (`side_b[i]`) from the others; returns whether the
    /// replicas of side B still reach each other (a mesh), or are each alone (a star whose
    /// server is on side A).
    fn split(&mut self, side_b: &[bool]) -> Res<bool>;
    fn heal(&mut self, side_b: &[bool]) -> Res<()>;
    fn stop_mesh(self: Box<Self>);
}

impl Mesh for Children {
    fn len(&self) -> usize {
        self.peers.len()
    }

    fn split(&mut self, side_b: &[bool]) -> Res<bool> {
        if self.server.is_none() {
            self.proxy.partition(Some(side_b.to_vec()));
            return Ok(true);
        }
        // automerge-repo's server stays with side A; side B's replicas lose it.
        for (i, &b) in side_b.iter().enumerate() {
            if b {
                self.peers[i].call("disconnect", json!({}), CALL_LIMIT)?;
            }
        }
        Ok(false)
    }

    fn heal(&mut self, side_b: &[bool]) -> Res<()> {
        if self.server.is_none() {
            self.proxy.partition(None);
            return Ok(());
        }
        for (i, &b) in side_b.iter().enumerate() {
            if b {
                self.connect_one(i)?;
            }
        }
        Ok(())
    }

    fn stop_mesh(self: Box<Self>) {
        System::stop(self);
    }
}

// ---- replicas in child processes (automerge-repo, samod) -------------------------------------

/// Two replicas driven over JSON lines, plus (for automerge-repo) the sync server.
pub(crate) struct Children {
    name: &'static str,
    peers: Vec<ChildPeer>,
    server: Option<ChildPeer>,
    proxy: Proxy,
    /// Where replicas connect: the proxy's URL.
    url: String,
    /// Which replicas dial (the others accept).
    dialers: Vec<usize>,
    /// W8's samod mesh: the fronts replica `i` dials (those of every replica before it);
    /// empty where every dialler dials `url`.
    mesh_urls: Vec<Vec<String>>,
    author: String,
}

/// How to start the JS and samod processes.
#[derive(Debug, Clone)]
pub(crate) struct Launch {
    pub(crate) node: String,
    pub(crate) js_dir: PathBuf,
    pub(crate) self_exe: PathBuf,
}

impl Children {
    /// automerge-repo: the sync server on its storage, replica A (cold start measured), then
    /// replica B; both connect to the server through the proxy.
    pub(crate) fn automerge_repo(
        launch: &Launch,
        dirs: [&Path; 3],
        doc_id: &str,
        author: &str,
        logs: &Path,
    ) -> Res<(Children, ColdStart)> {
        let mut server = Command::new(&launch.node);
        server
            .arg(launch.js_dir.join("server.mjs"))
            .arg("--storage")
            .arg(dirs[2]);
        let (server, ev) = ChildPeer::spawn(
            server,
            "automerge-repo sync server",
            &logs.join("jsr-server.log"),
            "listening",
            START_LIMIT,
        )?;
        let port = ev["port"].as_u64().ok_or("the sync server named no port")? as u16;
        // The server counts as A: only the totals of automerge-repo's two links are reported.
        let (proxy, front) =
            Proxy::start(SocketAddr::from(([127, 0, 0, 1], port))).map_err(|e| e.to_string())?;
        let mut peers = Vec::new();
        let mut cold = None;
        for (i, dir) in dirs[..2].iter().enumerate() {
            let mut cmd = Command::new(&launch.node);
            cmd.arg(launch.js_dir.join("peer.mjs"))
                .arg("--storage")
                .arg(dir)
                .args(["--doc", doc_id, "--peer-id", &format!("bench-replica-{i}")]);
            let t0 = now_ms();
            let (p, ev) = ChildPeer::spawn(
                cmd,
                &format!("automerge-repo replica {i}"),
                &logs.join(format!("jsr-{i}.log")),
                "ready",
                START_LIMIT,
            )?;
            if i == 0 {
                cold = Some(ColdStart {
                    ms: now_ms() - t0,
                    page_bytes: ev["page_bytes"].as_f64().unwrap_or(0.0),
                });
            }
            peers.push(p);
        }
        let mut c = Children {
            name: "automerge-repo",
            peers,
            server: Some(server),
            url: format!("ws://127.0.0.1:{}", front.port),
            proxy,
            dialers: vec![0, 1],
            mesh_urls: Vec::new(),
            author: author.to_owned(),
        };
        c.connect()?;
        c.wait_equal()?;
        Ok((c, cold.expect("replica A started")))
    }

    /// samod: replica A accepts TCP (cold start measured), replica B dials it through the
    /// proxy.
    pub(crate) fn samod(
        launch: &Launch,
        dirs: [&Path; 2],
        doc_id: &str,
        author: &str,
        logs: &Path,
    ) -> Res<(Children, ColdStart)> {
        let mut peers = Vec::new();
        let mut cold = None;
        let mut port = 0;
        for (i, dir) in dirs.iter().enumerate() {
            let mut cmd = Command::new(&launch.self_exe);
            cmd.arg("samod-peer").arg("--storage").arg(dir).args([
                "--doc",
                doc_id,
                "--name",
                &format!("bench-replica-{i}"),
            ]);
            if i == 0 {
                cmd.arg("--listen");
            }
            let t0 = now_ms();
            let (p, ev) = ChildPeer::spawn(
                cmd,
                &format!("samod replica {i}"),
                &logs.join(format!("samod-{i}.log")),
                "ready",
                START_LIMIT,
            )?;
            if i == 0 {
                cold = Some(ColdStart {
                    ms: now_ms() - t0,
                    page_bytes: ev["page_bytes"].as_f64().unwrap_or(0.0),
                });
                port = ev["port"].as_u64().unwrap_or(0) as u16;
            }
            peers.push(p);
        }
        let (proxy, front) =
            Proxy::start(SocketAddr::from(([127, 0, 0, 1], port))).map_err(|e| e.to_string())?;
        let mut c = Children {
            name: "samod",
            peers,
            server: None,
            url: format!("tcp://127.0.0.1:{}", front.port),
            proxy,
            dialers: vec![1],
            mesh_urls: Vec::new(),
            author: author.to_owned(),
        };
        c.connect()?;
        c.wait_equal()?;
        Ok((c, cold.expect("replica A started")))
    }

    /// W8 for automerge-repo: the sync server on `server_dir` and one replica per directory,
    /// each connected to the server through the proxy (automerge-repo's own topology: it has
    /// no mesh).
    pub(crate) fn automerge_repo_star(
        launch: &Launch,
        dirs: &[PathBuf],
        server_dir: &Path,
        doc_id: &str,
        author: &str,
        logs: &Path,
    ) -> Res<Children> {
        let mut server = Command::new(&launch.node);
        server
            .arg(launch.js_dir.join("server.mjs"))
            .arg("--storage")
            .arg(server_dir);
        let (server, ev) = ChildPeer::spawn(
            server,
            "automerge-repo sync server",
            &logs.join("jsr-server.log"),
            "listening",
            START_LIMIT,
        )?;
        let port = ev["port"].as_u64().ok_or("the sync server named no port")? as u16;
        let (proxy, front) =
            Proxy::start(SocketAddr::from(([127, 0, 0, 1], port))).map_err(|e| e.to_string())?;
        let mut peers = Vec::new();
        for (i, dir) in dirs.iter().enumerate() {
            let mut cmd = Command::new(&launch.node);
            cmd.arg(launch.js_dir.join("peer.mjs"))
                .arg("--storage")
                .arg(dir)
                .args(["--doc", doc_id, "--peer-id", &format!("bench-replica-{i}")]);
            let (p, _) = ChildPeer::spawn(
                cmd,
                &format!("automerge-repo replica {i}"),
                &logs.join(format!("jsr-{i}.log")),
                "ready",
                START_LIMIT,
            )?;
            peers.push(p);
        }
        let mut c = Children {
            name: "automerge-repo",
            dialers: (0..peers.len()).collect(),
            peers,
            server: Some(server),
            url: format!("ws://127.0.0.1:{}", front.port),
            proxy,
            mesh_urls: Vec::new(),
            author: author.to_owned(),
        };
        c.connect()?;
        c.wait_equal()?;
        Ok(c)
    }

    /// W8 for samod: one replica per directory, each listening behind an owned front of one
    /// proxy, and each dialling the fronts of every replica before it: a full mesh.
    pub(crate) fn samod_mesh(
        launch: &Launch,
        dirs: &[PathBuf],
        doc_id: &str,
        author: &str,
        logs: &Path,
    ) -> Res<Children> {
        let proxy = Proxy::new();
        let mut peers = Vec::new();
        let mut urls = Vec::new();
        for (i, dir) in dirs.iter().enumerate() {
            let mut cmd = Command::new(&launch.self_exe);
            cmd.arg("samod-peer")
                .arg("--storage")
                .arg(dir)
                .args(["--doc", doc_id, "--name", &format!("bench-replica-{i}")])
                .arg("--listen");
            let (p, ev) = ChildPeer::spawn(
                cmd,
                &format!("samod replica {i}"),
                &logs.join(format!("samod-{i}.log")),
                "ready",
                START_LIMIT,
            )?;
            let port = ev["port"].as_u64().unwrap_or(0) as u16;
            let front = proxy.owned_front(i).map_err(|e| e.to_string())?;
            front.forward_to(SocketAddr::from(([127, 0, 0, 1], port)));
            urls.push(format!("tcp://127.0.0.1:{}", front.port));
            peers.push(p);
        }
        proxy.set_pids(peers.iter().map(ChildPeer::pid).collect());
        let mesh_urls = (0..peers.len()).map(|i| urls[..i].to_vec()).collect();
        let mut c = Children {
            name: "samod",
            dialers: (1..peers.len()).collect(),
            peers,
            server: None,
            url: String::new(),
            proxy,
            mesh_urls,
            author: author.to_owned(),
        };
        c.connect()?;
        c.wait_equal()?;
        Ok(c)
    }

    /// Connects replica `i` the way it was set up: to every front of the mesh before it, or
    /// to the one URL.
    fn connect_one(&mut self, i: usize) -> Res<()> {
        let urls = match self.mesh_urls.get(i) {
            Some(u) => u.clone(),
            None => vec![self.url.clone()],
        };
        for url in urls {
            self.peers[i].call("connect", json!({ "url": url }), CALL_LIMIT)?;
        }
        Ok(())
    }

    /// Waits for every replica to report the same heads and for the link to go quiet.
    fn wait_equal(&mut self) -> Res<()> {
        poll(START_LIMIT, Duration::from_millis(20), || {
            let a = self.heads(0).ok()?;
            let mut same = true;
            for r in 1..self.peers.len() {
                same &= self.heads(r).ok()? == a;
            }
            (same
                && !self
                    .proxy
                    .since(crate::proxy::Mark::zero())
                    .accepted
                    .is_empty())
            .then_some(())
        })
        .ok_or_else(|| format!("{}: the replicas did not converge", self.name))
    }
}

impl System for Children {
    fn proxy(&self) -> &Proxy {
        &self.proxy
    }

    fn pids(&self) -> Vec<u32> {
        let mut p: Vec<u32> = self.peers.iter().map(ChildPeer::pid).collect();
        if let Some(s) = &self.server {
            p.push(s.pid());
        }
        p
    }

    fn pid(&self, r: usize) -> u32 {
        self.peers[r].pid()
    }

    fn edits(
        &mut self,
        r: usize,
        state: &mut State,
        rng: &mut Rng,
        share: Share,
        n: usize,
    ) -> Res<Vec<f64>> {
        let mut edits = Vec::with_capacity(n);
        for _ in 0..n {
            let op = state.next_edit(rng, share);
            edits.push(state.op_json(&op));
        }
        let author = self.author.clone();
        self.peers[r].call(
            "edits",
            json!({"edits": edits, "author": author}),
            CALL_LIMIT,
        )?;
        Ok(Vec::new())
    }

    fn edit(&mut self, r: usize, state: &State, op: &EditOp) -> Res<(f64, Vec<String>)> {
        let author = self.author.clone();
        let v = self.peers[r].call(
            "edit",
            json!({"edit": state.op_json(op), "author": author}),
            CALL_LIMIT,
        )?;
        Ok((v["t0"].as_f64().unwrap_or(0.0), sorted_heads(&v)))
    }

    fn wait_heads(&mut self, r: usize, want: &[String], since: f64, limit: Duration) -> Res<f64> {
        let v = self.peers[r].call(
            "wait_heads",
            json!({"heads": want, "since": since, "timeout_ms": limit.as_millis() as u64}),
            limit + Duration::from_secs(5),
        )?;
        v["t"]
            .as_f64()
            .ok_or_else(|| "no time in the answer".to_owned())
    }

    fn heads(&mut self, r: usize) -> Res<Vec<String>> {
        Ok(sorted_heads(&self.peers[r].call(
            "heads",
            json!({}),
            CALL_LIMIT,
        )?))
    }

    fn disconnect(&mut self) -> Res<()> {
        for &i in &self.dialers.clone() {
            self.peers[i].call("disconnect", json!({}), CALL_LIMIT)?;
        }
        Ok(())
    }

    fn connect(&mut self) -> Res<()> {
        for i in self.dialers.clone() {
            self.connect_one(i)?;
        }
        Ok(())
    }

    fn save(&mut self, r: usize, path: &Path) -> Res<(f64, usize)> {
        let v = self.peers[r].call("save", json!({ "path": path }), CALL_LIMIT)?;
        Ok((
            v["ms"].as_f64().unwrap_or(f64::NAN),
            v["bytes"].as_u64().unwrap_or(0) as usize,
        ))
    }

    fn sync_count(&mut self) -> Res<Option<SyncCount>> {
        if self.server.is_none() {
            // samod's TCP transport has no framing of its own beyond length prefixes: its
            // protocol traffic is what the proxy counts.
            return Ok(None);
        }
        let mut c = SyncCount::default();
        for p in &mut self.peers {
            let v = p.call("stats", json!({}), CALL_LIMIT)?;
            // Both directions of each replica's link to the server.
            c.bytes += v["sent_bytes"].as_f64().unwrap_or(0.0)
                + v["received_bytes"].as_f64().unwrap_or(0.0);
            c.messages += v["sent_messages"].as_f64().unwrap_or(0.0)
                + v["received_messages"].as_f64().unwrap_or(0.0);
        }
        Ok(Some(c))
    }

    fn stop(self: Box<Self>) {
        let me = *self;
        for mut p in me.peers {
            let _ = p.call("quit", json!({}), Duration::from_secs(5));
            p.proc.stop(Duration::from_secs(5));
        }
        if let Some(s) = me.server {
            s.proc.stop(Duration::from_secs(5));
        }
    }
}
