//! The network event loop: one task owning the `Swarm`.
//!
//! Inbox: [`Command`]s from [`NetHandle`]s, swarm events, inbound sync and join streams,
//! document states (membership and revocations), the ends of the loop's own tasks, and a
//! one-second tick (redials with backoff, status). Each session, stream opening and join
//! runs on a task of its own, so a slow or hostile peer never stalls the loop; files are
//! written by [`memory::Writer`]'s thread, so the disk never does either.
//!
//! **Supervision.** Every task the loop starts is in its [`JoinSet`], and the loop notes what
//! each one is for ([`Owner`]). However a task ends, its panic included, the loop hears of it
//! there: a session that died is cleaned up like one that ended (its peer's entry removed)
//! and retried with a backoff that doubles while sessions with that peer keep failing; a
//! panic is logged as an error naming the peer. Dropping the set at shutdown aborts what is
//! still running.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bureau_doc::{DocHandle, DocState};
use bureau_sync::{PeerSync, SessionConfig, SessionStats, SyncError, Version};
use futures_util::StreamExt;
use libp2p::core::ConnectedPoint;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{
    Multiaddr, PeerId, StreamProtocol, Swarm, connection_limits, mdns, noise, ping, tcp, yamux,
};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{debug, error, info, warn};

use crate::gate::{self, ip_of};
use crate::invite::{InviteBook, InviteCode};
use crate::join::{
    JOIN_PROTOCOL, JoinAnswer, JoinRequest, RateLimiter, read_json, serve_join, write_json,
};
use crate::memory::{self, NetState, Remembered, Source};
use crate::stream::guard;
use crate::{
    Command, DEFAULT_LISTEN, Identity, Joined, NetConfig, NetError, NetHandle, NetStatus,
    PeerStatus, SyncTotals,
};

/// A connection with no open stream is closed after this long. Members always have a sync
/// stream open, so this only ends strangers' and finished joiners' connections.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// First and longest wait between dials of an unreachable peer.
const BACKOFF_MIN: Duration = Duration::from_secs(1);
/// On a resume both ends of a pair would dial at once, and two connections would shake hands
/// side by side (twice the work on both machines, and slower, for one of them is closed
/// unused). The lower peer id dials at once; the higher one waits this long and dials only if
/// no connection came in meanwhile. Longer than a handshake on a venue's Wi-Fi, short enough
/// to go unnoticed when the lower one is not dialling (still in backoff, say).
const HEAD_START: Duration = Duration::from_millis(100);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// How long a peer that sent bad data is left alone before it is dialled again.
const FAULT_BACKOFF: Duration = Duration::from_secs(60);

/// Bounds on connections: a venue LAN has tens of laptops, not thousands; the limits keep a
/// flood of strangers from exhausting sockets and handshakes. Members and strangers have
/// budgets of their own ([`gate`]), so strangers never take a member's place.
const MAX_PENDING_INCOMING: u32 = 32;
const MAX_PER_PEER: u32 = 2;
const BUDGETS: gate::Budgets = gate::Budgets {
    members: 128,
    // Enough for a queue of laptops joining at once; a stranger's connection lasts one join
    // (it is dropped when refused) or until idle.
    strangers: 32,
    strangers_per_addr: 8,
    pending_per_addr: 16,
};

/// How often join attempts refused without a log line each are summed up in the log.
const QUIET_SUMMARY: Duration = Duration::from_secs(60);

/// How long a refused joiner gets to read its answer before its connection is dropped.
const JOIN_LINGER: Duration = Duration::from_secs(5);

/// How long `join` waits for the inviter.
const JOIN_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(NetworkBehaviour)]
pub(crate) struct Behaviour {
    limits: connection_limits::Behaviour,
    gate: gate::Gate,
    pub(crate) stream: libp2p_stream::Behaviour,
    ping: ping::Behaviour,
    mdns: Toggle<mdns::tokio::Behaviour>,
}

/// What the loop's tasks tell it when they end.
enum LoopEvent {
    /// A sync stream was opened to the peer (or could not be).
    Opened(PeerId, Version, Result<libp2p::Stream, String>),
    /// A sync session ended.
    SessionEnded {
        peer: PeerId,
        generation: u64,
        /// The peer sent bad data or was refused: leave it alone for a while.
        fault: bool,
        /// The session failed (not a clean end): retry with a growing backoff.
        failed: bool,
    },
    /// A join exchange ended; `true` if the peer joined.
    JoinDone(PeerId, bool),
    /// A dial put off for a while (see [`HEAD_START`]) is due.
    DialDue,
}

/// What a task of the loop is for, so that its end can be handled even when it panicked
/// and returned nothing.
#[derive(Clone, Copy, Debug)]
enum Owner {
    Session { peer: PeerId, generation: u64 },
    Open { peer: PeerId, version: Version },
    Join { peer: PeerId },
    Timer,
}

/// A known peer: where to find it and when to try next.
struct Known {
    addrs: Vec<Multiaddr>,
    source: Source,
    inviter: bool,
    next_dial: Instant,
    backoff: Duration,
    /// Sessions with this peer that failed in a row; the retry waits double with each.
    session_failures: u32,
}

/// A running (or opening) sync session.
struct Session {
    generation: u64,
    cancel: CancellationToken,
    /// `None` while the stream is being opened.
    status: Option<watch::Receiver<PeerSync>>,
    /// The protocol it speaks (or is being opened with).
    version: Version,
}

struct EventLoop {
    swarm: Swarm<Behaviour>,
    doc: DocHandle,
    control: libp2p_stream::Control,
    local: PeerId,
    paused: bool,
    known: HashMap<PeerId, Known>,
    /// Addresses given without a peer id (`--peer`), dialled until they answer.
    bare: Vec<(Multiaddr, Instant, Duration)>,
    /// Open connections: the remote address in use.
    connected: HashMap<PeerId, Multiaddr>,
    sessions: HashMap<PeerId, Session>,
    /// Sync traffic per peer, shared by all of its sessions.
    traffic: HashMap<PeerId, Arc<SessionStats>>,
    /// Last sync status of peers whose session ended, for `last_sync`.
    last_sync: HashMap<PeerId, String>,
    /// No session is opened to a peer before this, after a failed attempt; a new connection
    /// clears it.
    retry_at: HashMap<PeerId, Instant>,
    /// Peers that sent bad data (or were refused) are left alone until this, connection or not.
    faulty_until: HashMap<PeerId, Instant>,
    generation: u64,
    /// Every task this loop started (sessions, stream openings, joins, timers); see
    /// "Supervision" above.
    tasks: JoinSet<LoopEvent>,
    /// What each running task is for.
    owners: HashMap<tokio::task::Id, Owner>,
    /// The sync protocols this node speaks, newest first.
    versions: Vec<Version>,
    status_tx: watch::Sender<Arc<NetStatus>>,
    book: Arc<Mutex<InviteBook>>,
    limiter: Arc<Mutex<RateLimiter>>,
    /// When join attempts refused quietly were last summed up in the log.
    quiet_logged: Instant,
    state: NetState,
    /// What `save_peers` last asked to write, so an unchanged list is not written again: the
    /// write is durable (two fsyncs), and asked for on every new connection.
    saved_peers: Option<BTreeMap<String, Remembered>>,
    /// Writes `peers.json` and `net.json` off the loop.
    writer: memory::Writer,
    /// Listener id -> the configured address it came from, with the port it bound (to
    /// remember the port for the next start).
    listeners: HashMap<libp2p::core::transport::ListenerId, (Multiaddr, Option<Multiaddr>)>,
    listen_addrs: Vec<Multiaddr>,
    /// Where others reach this node, when that is not where it listens (`--announce`).
    announce: Vec<Multiaddr>,
    /// `bureau serve --recover`: the document was lost and is taken from a remembered member.
    recovering: bool,
    cancel: CancellationToken,
}

pub(crate) fn build_swarm(
    identity: &Identity,
    mdns_on: bool,
) -> Result<Swarm<Behaviour>, NetError> {
    let transport_err = |e: &dyn std::fmt::Display| NetError::Transport(e.to_string());
    let swarm = libp2p::SwarmBuilder::with_existing_identity(identity.keypair.clone())
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|e| transport_err(&e))?
        .with_quic()
        .with_behaviour(|key| {
            let local = key.public().to_peer_id();
            let mdns = if mdns_on {
                match mdns::tokio::Behaviour::new(mdns::Config::default(), local) {
                    Ok(b) => Some(b),
                    Err(e) => {
                        warn!(error = %e, "mDNS is unavailable; peers must be added by address");
                        None
                    }
                }
            } else {
                None
            };
            Behaviour {
                limits: connection_limits::Behaviour::new(
                    connection_limits::ConnectionLimits::default()
                        .with_max_pending_incoming(Some(MAX_PENDING_INCOMING))
                        .with_max_established_per_peer(Some(MAX_PER_PEER)),
                ),
                gate: gate::Gate::new(BUDGETS),
                stream: libp2p_stream::Behaviour::new(),
                ping: ping::Behaviour::default(),
                mdns: Toggle::from(mdns),
            }
        })
        .map_err(|e| transport_err(&e))?
        .with_swarm_config(|c| {
            c.with_idle_connection_timeout(IDLE_TIMEOUT)
                // Every protocol this node opens a stream for (sync, join, ping) is one its
                // peers speak, so a stream's first bytes go with its protocol's name instead of
                // a round trip later, once the peer confirmed it. A peer that does not speak it
                // still refuses it: the stream fails on its first read, as it would have failed
                // to open.
                .with_substream_upgrade_protocol_override(libp2p::core::upgrade::Version::V1Lazy)
        })
        .build();
    Ok(swarm)
}

fn parse_addr(addr: &str) -> Result<Multiaddr, NetError> {
    addr.trim()
        .parse::<Multiaddr>()
        .map_err(|e| NetError::BadAddress {
            addr: addr.to_owned(),
            reason: e.to_string(),
        })
}

/// An address others can dial this node at (`--announce`): see [`crate::announce_address`].
pub(crate) fn announce_address(addr: &str) -> Result<Multiaddr, NetError> {
    let bad = |reason: String| NetError::BadAddress {
        addr: addr.to_owned(),
        reason,
    };
    let parsed: Multiaddr = addr
        .trim()
        .parse()
        .map_err(|e| bad(format!("not a multiaddr ({e})")))?;
    let (mut host, mut tcp, mut udp, mut quic) = (false, false, false, false);
    for p in parsed.iter() {
        match p {
            Protocol::Ip4(ip) => host = !ip.is_unspecified(),
            Protocol::Ip6(ip) => host = !ip.is_unspecified(),
            Protocol::Tcp(port) => tcp = port != 0,
            Protocol::Udp(port) => udp = port != 0,
            Protocol::QuicV1 => quic = udp,
            Protocol::P2p(_) => {
                return Err(bad(
                    "it names a peer id (/p2p/…), and members dial it with this device's own"
                        .to_owned(),
                ));
            }
            _ => {}
        }
    }
    if !host {
        return Err(bad(
            "it names no IP address others can dial (/ip4/… or /ip6/…; not 0.0.0.0 or ::, \
             and host names are not dialled)"
                .to_owned(),
        ));
    }
    if !tcp && !quic {
        return Err(bad(
            "it names no port others can dial (/tcp/PORT or /udp/PORT/quic-v1, not port 0)"
                .to_owned(),
        ));
    }
    Ok(parsed)
}

/// The peer id an address names with `/p2p/…`, and the address without it.
fn split_p2p(addr: &Multiaddr) -> (Multiaddr, Option<PeerId>) {
    let mut base = Multiaddr::empty();
    let mut peer = None;
    for p in addr.iter() {
        match p {
            Protocol::P2p(id) => peer = Some(id),
            other => base.push(other),
        }
    }
    (base, peer)
}

/// `configured` with its port 0 replaced by the port `bound` has.
fn with_bound_port(configured: &Multiaddr, bound: &Multiaddr) -> Multiaddr {
    let port = bound.iter().find_map(|p| match p {
        Protocol::Tcp(n) | Protocol::Udp(n) => Some(n),
        _ => None,
    });
    configured
        .iter()
        .map(|p| match (p, port) {
            (Protocol::Tcp(0), Some(n)) => Protocol::Tcp(n),
            (Protocol::Udp(0), Some(n)) => Protocol::Udp(n),
            (other, _) => other,
        })
        .collect()
}

fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).expect("the operating system's random source is available");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn start(
    config: NetConfig,
    doc: DocHandle,
    cancel: CancellationToken,
) -> Result<(NetHandle, tokio::task::JoinHandle<()>), NetError> {
    let announce = config
        .announce
        .iter()
        .map(|a| announce_address(a))
        .collect::<Result<Vec<_>, _>>()?;
    let swarm = build_swarm(&config.identity, config.mdns)?;
    let local = *swarm.local_peer_id();
    let mut control = swarm.behaviour().stream.new_control();
    let mut state = memory::load_state(&config.files);
    if let Some(bureau_id) = &config.recover {
        // Frames name the bureau being recovered until its document arrives.
        state.pending_bureau = Some(bureau_id.clone());
    }

    // Inbound streams are taken off libp2p's queue by the loop itself (libp2p drops them if
    // nobody polls), one queue per protocol this node speaks.
    let versions = if config.sync_versions.is_empty() {
        Version::ALL.to_vec()
    } else {
        config.sync_versions.clone()
    };
    let mut sync_in = futures_util::stream::SelectAll::new();
    for &version in &versions {
        let incoming = control
            .accept(StreamProtocol::new(version.protocol()))
            .map_err(|e| NetError::Transport(e.to_string()))?;
        sync_in.push(
            incoming
                .map(move |(peer, stream)| (peer, version, stream))
                .boxed(),
        );
    }
    let book = Arc::new(Mutex::new(InviteBook::load(config.files.clone())));
    let mut join_in = control
        .accept(StreamProtocol::new(JOIN_PROTOCOL))
        .map_err(|e| NetError::Transport(e.to_string()))?;

    let (status_tx, status_rx) = watch::channel(Arc::new(NetStatus::default()));
    let (cmd_tx, mut cmd_rx) = mpsc::channel(32);
    let mut lp = EventLoop {
        swarm,
        doc,
        control,
        local,
        paused: false,
        known: HashMap::new(),
        bare: Vec::new(),
        connected: HashMap::new(),
        sessions: HashMap::new(),
        traffic: HashMap::new(),
        last_sync: HashMap::new(),
        retry_at: HashMap::new(),
        faulty_until: HashMap::new(),
        generation: 0,
        tasks: JoinSet::new(),
        owners: HashMap::new(),
        versions,
        status_tx,
        book,
        limiter: Arc::new(Mutex::new(RateLimiter::default())),
        quiet_logged: Instant::now(),
        state,
        saved_peers: None,
        writer: memory::Writer::spawn(config.files.clone()),
        listeners: HashMap::new(),
        listen_addrs: Vec::new(),
        announce,
        recovering: config.recover.is_some(),
        cancel: cancel.clone(),
    };
    lp.listen(&config.listen)?;
    for (peer, r) in memory::load_peers(&config.files) {
        if let Ok(peer) = peer.parse::<PeerId>() {
            let addrs = r.addrs.iter().filter_map(|a| a.parse().ok()).collect();
            lp.remember(
                peer,
                addrs,
                if r.inviter {
                    Source::Invite
                } else {
                    Source::Remembered
                },
                r.inviter,
            );
        }
    }
    for addr in &config.peers {
        lp.add_address(parse_addr(addr)?, Source::Cli);
    }
    lp.refresh_gate();
    let mut doc_states = lp.doc.subscribe();
    let task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                ev = lp.swarm.select_next_some() => lp.on_swarm(ev),
                cmd = cmd_rx.recv() => match cmd {
                    Some(cmd) => lp.on_command(cmd),
                    None => break,
                },
                Some((peer, version, stream)) = sync_in.next() => {
                    lp.on_inbound(peer, version, stream);
                }
                Some((peer, stream)) = join_in.next() => lp.on_join(peer, stream),
                Some(done) = lp.tasks.join_next_with_id(), if !lp.tasks.is_empty() => {
                    lp.on_task_end(done);
                }
                changed = doc_states.changed() => {
                    if changed.is_err() {
                        break;
                    }
                    let st = doc_states.borrow_and_update().clone();
                    lp.on_doc(&st);
                }
                _ = tick.tick() => lp.on_tick(),
                () = lp.cancel.cancelled() => break,
            }
        }
        lp.shutdown();
    });
    Ok((
        NetHandle {
            tx: cmd_tx,
            status: status_rx,
        },
        task,
    ))
}

impl EventLoop {
    fn listen(&mut self, explicit: &[String]) -> Result<(), NetError> {
        let wanted: Vec<String> = if !explicit.is_empty() {
            explicit.to_vec()
        } else if !self.state.listen.is_empty() {
            self.state.listen.clone()
        } else {
            DEFAULT_LISTEN.iter().map(|s| (*s).to_owned()).collect()
        };
        let remembered = explicit.is_empty() && !self.state.listen.is_empty();
        let mut any = false;
        for addr in &wanted {
            let addr = parse_addr(addr)?;
            let res = self.swarm.listen_on(addr.clone()).or_else(|e| {
                if remembered {
                    // The remembered port is taken: take any port rather than not listening.
                    let fresh: Multiaddr = addr
                        .iter()
                        .map(|p| match p {
                            Protocol::Tcp(_) => Protocol::Tcp(0),
                            Protocol::Udp(_) => Protocol::Udp(0),
                            other => other,
                        })
                        .collect();
                    warn!(%addr, error = %e, "remembered listen port is taken; using another");
                    self.swarm.listen_on(fresh)
                } else {
                    Err(e)
                }
            });
            match res {
                Ok(id) => {
                    self.listeners.insert(id, (addr, None));
                    any = true;
                }
                Err(e) => warn!(%addr, error = %e, "cannot listen"),
            }
        }
        if any {
            Ok(())
        } else {
            Err(NetError::Transport(
                "could not listen on any address; check --listen".to_owned(),
            ))
        }
    }

    /// Records a peer and its addresses (does not dial).
    fn remember(&mut self, peer: PeerId, addrs: Vec<Multiaddr>, source: Source, inviter: bool) {
        if peer == self.local {
            return;
        }
        let entry = self.known.entry(peer).or_insert_with(|| Known {
            addrs: Vec::new(),
            source,
            inviter,
            next_dial: Instant::now(),
            backoff: BACKOFF_MIN,
            session_failures: 0,
        });
        entry.inviter |= inviter;
        for a in addrs {
            if !entry.addrs.contains(&a) {
                entry.addrs.push(a);
            }
        }
    }

    fn add_address(&mut self, addr: Multiaddr, source: Source) {
        match split_p2p(&addr) {
            (base, Some(peer)) => {
                self.remember(peer, vec![base], source, false);
                if let Some(k) = self.known.get_mut(&peer) {
                    k.next_dial = Instant::now();
                    k.source = source;
                }
                self.refresh_gate();
            }
            (base, None) => self.bare.push((base, Instant::now(), BACKOFF_MIN)),
        }
    }

    fn save_peers(&mut self) {
        let snap = self.doc.state().snapshot.clone();
        let peers: BTreeMap<String, Remembered> = self
            .known
            .iter()
            .filter(|(p, k)| {
                k.inviter || snap.devices.get(&p.to_base58()).is_some_and(|d| !d.revoked)
            })
            .filter(|(_, k)| !k.addrs.is_empty())
            .map(|(p, k)| {
                (
                    p.to_base58(),
                    Remembered {
                        addrs: k.addrs.iter().map(ToString::to_string).collect(),
                        inviter: k.inviter,
                    },
                )
            })
            .collect();
        // A failed write is tried again at the next call.
        if self.writer.take_failed() || self.saved_peers.as_ref() != Some(&peers) {
            self.writer.peers(peers.clone());
            self.saved_peers = Some(peers);
        }
    }

    /// Whether sync with `peer` is allowed: an unrevoked device of the bureau, or, while this
    /// node has not received its bureau yet, the inviter that admitted it.
    fn allowed(&self, peer: &PeerId) -> bool {
        let st = self.doc.state();
        if st.snapshot.meta.bureau_id.is_empty() {
            // Recovering a lost document: the members this node met before (their keys
            // proven by the transport) or was told of by hand may send it back.
            let recovering = self.recovering
                && self.known.get(peer).is_some_and(|k| {
                    matches!(
                        k.source,
                        Source::Remembered | Source::Invite | Source::Cli | Source::Api
                    )
                });
            return recovering
                || self.state.inviter.as_deref() == Some(peer.to_base58().as_str())
                || self.known.get(peer).is_some_and(|k| k.inviter);
        }
        st.snapshot
            .devices
            .get(&peer.to_base58())
            .is_some_and(|d| !d.revoked)
    }

    /// Tells the connection gate who counts as a member: every peer [`Self::allowed`] admits.
    fn refresh_gate(&mut self) {
        let st = self.doc.state();
        let mut members: std::collections::HashSet<PeerId> = st
            .snapshot
            .devices
            .iter()
            .filter(|(_, d)| !d.revoked)
            .filter_map(|(id, _)| id.parse().ok())
            .collect();
        if st.snapshot.meta.bureau_id.is_empty() {
            members.clear();
            members.extend(self.known.keys().filter(|p| self.allowed(p)).copied());
            if let Some(p) = self.state.inviter.as_deref().and_then(|p| p.parse().ok()) {
                members.insert(p);
            }
        }
        self.swarm.behaviour_mut().gate.set_members(members);
    }

    /// Whether anything about `peer` is worth keeping once it is gone: a device of the bureau
    /// (revoked ones too, shown as such), the inviter, a peer the user named or mDNS found
    /// (dialled once), or one remembered from an earlier run. Everything else (a stranger
    /// that connected) is forgotten when it disconnects, so strangers cost nothing lasting.
    fn keep(&self, peer: &PeerId) -> bool {
        self.allowed(peer)
            || self
                .doc
                .state()
                .snapshot
                .devices
                .contains_key(&peer.to_base58())
            || self
                .known
                .get(peer)
                .is_some_and(|k| k.inviter || k.source != Source::Inbound)
    }

    /// Drops everything the loop holds about a peer that is gone and not worth keeping.
    fn forget(&mut self, peer: &PeerId) {
        if self.connected.contains_key(peer) || self.sessions.contains_key(peer) || self.keep(peer)
        {
            return;
        }
        self.known.remove(peer);
        self.traffic.remove(peer);
        self.last_sync.remove(peer);
        self.retry_at.remove(peer);
        self.faulty_until.remove(peer);
    }

    /// Whether the connection gate counts `peer` as a member.
    fn gate_member(&self, peer: &PeerId) -> bool {
        self.swarm.behaviour().gate.is_member(peer)
    }

    fn revoked(&self, peer: &PeerId) -> bool {
        self.doc
            .state()
            .snapshot
            .devices
            .get(&peer.to_base58())
            .is_some_and(|d| d.revoked)
    }

    fn doc_id(&self) -> Option<String> {
        let id = self.doc.state().snapshot.meta.bureau_id.clone();
        if !id.is_empty() {
            return Some(id);
        }
        self.state.pending_bureau.clone()
    }

    /// Opens a sync stream to `peer` if this side should (the lower peer id opens).
    fn maybe_open(&mut self, peer: PeerId) {
        if self.paused
            || !self.connected.contains_key(&peer)
            || self.sessions.contains_key(&peer)
            || self.local >= peer
            || !self.allowed(&peer)
            || self
                .retry_at
                .get(&peer)
                .is_some_and(|t| Instant::now() < *t)
            || self
                .faulty_until
                .get(&peer)
                .is_some_and(|t| Instant::now() < *t)
        {
            return;
        }
        // `/2` only to a peer that says it speaks it: a stream of a protocol the peer does
        // not speak is a failed negotiation, found only at the first read.
        let listed = self
            .doc
            .state()
            .snapshot
            .devices
            .get(&peer.to_base58())
            .map(|d| d.protocols.clone())
            .unwrap_or_default();
        let version = Version::to_open(&self.versions, &listed);
        self.generation += 1;
        self.sessions.insert(
            peer,
            Session {
                generation: self.generation,
                cancel: self.cancel.child_token(),
                status: None,
                version,
            },
        );
        let mut control = self.control.clone();
        self.spawn(Owner::Open { peer, version }, async move {
            let res = control
                .open_stream(peer, StreamProtocol::new(version.protocol()))
                .await
                .map_err(|e| e.to_string());
            LoopEvent::Opened(peer, version, res)
        });
    }

    /// Starts a task owned by this loop (see "Supervision" in the module doc).
    fn spawn(
        &mut self,
        owner: Owner,
        task: impl std::future::Future<Output = LoopEvent> + Send + 'static,
    ) {
        let handle = self.tasks.spawn(task);
        self.owners.insert(handle.id(), owner);
    }

    /// A task of the loop ended: its event, or, if it panicked, the cleanup its event would
    /// have brought.
    fn on_task_end(&mut self, done: Result<(tokio::task::Id, LoopEvent), tokio::task::JoinError>) {
        let (id, event) = match done {
            Ok((id, event)) => (id, Some(event)),
            Err(e) => (e.id(), None),
        };
        let owner = self.owners.remove(&id);
        if let Some(event) = event {
            self.on_event(event);
            return;
        }
        let Some(owner) = owner else { return };
        error!(
            ?owner,
            "a task of the network loop died; cleaning up and retrying"
        );
        match owner {
            Owner::Session { peer, generation } => self.on_event(LoopEvent::SessionEnded {
                peer,
                generation,
                fault: false,
                failed: true,
            }),
            Owner::Open { peer, version } => self.on_event(LoopEvent::Opened(
                peer,
                version,
                Err("the task opening the stream died".to_owned()),
            )),
            Owner::Join { peer } => self.on_event(LoopEvent::JoinDone(peer, false)),
            Owner::Timer => self.on_event(LoopEvent::DialDue),
        }
    }

    /// A join stream from anyone: the inviter's side of `/bureau/join/1`, on a task.
    fn on_join(&mut self, peer: PeerId, stream: libp2p::Stream) {
        let (doc, book, limiter) = (self.doc.clone(), self.book.clone(), self.limiter.clone());
        let addr = self.connected.get(&peer).and_then(ip_of);
        self.spawn(Owner::Join { peer }, async move {
            let mut stream = guard(stream);
            let res = serve_join(&mut stream, &peer.to_base58(), addr, &doc, &book, &limiter).await;
            // The answer is on its way before the loop may drop the connection.
            let _ = tokio::io::AsyncWriteExt::shutdown(&mut stream).await;
            if res.is_err() {
                // A refused joiner's connection is dropped when this task ends; the answer
                // may still sit in the connection's buffers then (seen on a busy machine:
                // the joiner read the end of the stream instead of "already used"). The
                // joiner closes its side once it has read the answer: wait for that, a few
                // seconds at most.
                let _ = tokio::time::timeout(JOIN_LINGER, async {
                    let mut buf = [0u8; 256];
                    while let Ok(n) = tokio::io::AsyncReadExt::read(&mut stream, &mut buf).await {
                        if n == 0 {
                            break;
                        }
                    }
                })
                .await;
            }
            match res {
                Ok(_) => LoopEvent::JoinDone(peer, true),
                Err(e) => {
                    // Logged (or counted) by `serve_join`.
                    debug!(%peer, error = %e, "join refused");
                    LoopEvent::JoinDone(peer, false)
                }
            }
        });
    }

    /// A sync stream a peer opened.
    fn on_inbound(&mut self, peer: PeerId, version: Version, stream: libp2p::Stream) {
        if self.paused || !self.allowed(&peer) {
            debug!(%peer, "refused a sync stream");
            drop(stream);
            return;
        }
        // A new stream from the peer replaces an old session: the peer restarted, or its old
        // connection died without us noticing yet.
        self.start_session(peer, stream, version);
    }

    fn start_session(&mut self, peer: PeerId, stream: libp2p::Stream, version: Version) {
        let Some(doc_id) = self.doc_id() else {
            debug!(%peer, "no bureau to sync yet");
            return;
        };
        if let Some(old) = self.sessions.remove(&peer) {
            old.cancel.cancel();
        }
        self.generation += 1;
        let generation = self.generation;
        let cancel = self.cancel.child_token();
        let (status_tx, status_rx) = watch::channel(PeerSync {
            in_sync: false,
            last_sync: self.last_sync.get(&peer).cloned(),
        });
        self.sessions.insert(
            peer,
            Session {
                generation,
                cancel: cancel.clone(),
                status: Some(status_rx),
                version,
            },
        );
        let config = SessionConfig {
            peer: peer.to_base58(),
            doc_id,
            cancel,
            version,
        };
        let doc = self.doc.clone();
        let stats = self.traffic.entry(peer).or_default().clone();
        self.spawn(Owner::Session { peer, generation }, async move {
            let res = bureau_sync::run_session(guard(stream), doc, config, stats, status_tx).await;
            let fault = res.as_ref().err().is_some_and(SyncError::is_peer_fault)
                || matches!(
                    res,
                    Err(SyncError::Doc(bureau_doc::DocError::PeerNotAllowed(_)))
                );
            LoopEvent::SessionEnded {
                peer,
                generation,
                fault,
                failed: res.is_err(),
            }
        });
        self.publish();
    }

    fn on_event(&mut self, ev: LoopEvent) {
        match ev {
            LoopEvent::Opened(peer, version, res) => {
                let still_wanted = self.sessions.get(&peer).is_some_and(|s| s.status.is_none());
                match res {
                    Ok(stream) if still_wanted && !self.paused => {
                        self.start_session(peer, stream, version);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        debug!(%peer, error = %e, "could not open a sync stream");
                        if still_wanted {
                            self.sessions.remove(&peer);
                            self.retry_at.insert(peer, Instant::now() + BACKOFF_MIN * 2);
                        }
                    }
                }
            }
            LoopEvent::SessionEnded {
                peer,
                generation,
                fault,
                failed,
            } => {
                if let Some(s) = self.sessions.get(&peer)
                    && s.generation == generation
                {
                    if let Some(last) = s
                        .status
                        .as_ref()
                        .and_then(|st| st.borrow().last_sync.clone())
                    {
                        self.last_sync.insert(peer, last);
                    }
                    self.sessions.remove(&peer);
                }
                let failures = match self.known.get_mut(&peer) {
                    Some(k) if failed => {
                        k.session_failures = k.session_failures.saturating_add(1);
                        k.session_failures
                    }
                    Some(k) => {
                        k.session_failures = 0;
                        0
                    }
                    None => 0,
                };
                if fault {
                    // Bad data or a refusal: leave the peer alone for a while.
                    self.faulty_until
                        .insert(peer, Instant::now() + FAULT_BACKOFF);
                    let _ = self.swarm.disconnect_peer_id(peer);
                } else {
                    // 1 s after a clean end or a first failure, then 2, 4, ... up to 30 s
                    // while sessions with this peer keep failing.
                    let wait = BACKOFF_MIN
                        .saturating_mul(1 << failures.saturating_sub(1).min(5))
                        .min(BACKOFF_MAX);
                    self.retry_at.insert(peer, Instant::now() + wait);
                }
                self.publish();
            }
            LoopEvent::DialDue => self.on_tick(),
            LoopEvent::JoinDone(peer, true) => {
                let addr = self.connected.get(&peer).cloned();
                self.remember(peer, Vec::new(), Source::Inbound, false);
                debug!(%peer, ?addr, "joined; waiting for its sync stream");
                self.maybe_open(peer);
            }
            LoopEvent::JoinDone(peer, false) => {
                // A refused stranger has nothing more to do here: its connection goes, and
                // with it the place it held in the strangers' budget.
                if !self.gate_member(&peer) && self.connected.contains_key(&peer) {
                    debug!(%peer, "dropping the connection of a refused joiner");
                    let _ = self.swarm.disconnect_peer_id(peer);
                }
            }
        }
    }

    fn on_swarm(&mut self, ev: SwarmEvent<BehaviourEvent>) {
        match ev {
            SwarmEvent::NewListenAddr {
                listener_id,
                address,
            } => {
                info!(%address, "listening");
                if !self.listen_addrs.contains(&address) {
                    self.listen_addrs.push(address.clone());
                }
                if let Some((configured, bound)) = self.listeners.get_mut(&listener_id)
                    && bound.is_none()
                {
                    *bound = Some(with_bound_port(configured, &address));
                    let mut listen: Vec<String> = self
                        .listeners
                        .values()
                        .map(|(c, b)| b.as_ref().unwrap_or(c).to_string())
                        .collect();
                    listen.sort();
                    if listen != self.state.listen {
                        self.state.listen = listen;
                        self.writer.state(self.state.clone());
                    }
                }
                self.publish();
            }
            SwarmEvent::ExpiredListenAddr { address, .. } => {
                self.listen_addrs.retain(|a| a != &address);
                self.publish();
            }
            SwarmEvent::ConnectionEstablished {
                peer_id, endpoint, ..
            } => {
                if self.paused || self.revoked(&peer_id) {
                    let _ = self.swarm.disconnect_peer_id(peer_id);
                    return;
                }
                let remote = match &endpoint {
                    ConnectedPoint::Dialer { address, .. } => address.clone(),
                    ConnectedPoint::Listener { send_back_addr, .. } => send_back_addr.clone(),
                };
                debug!(peer = %peer_id, %remote, "connected");
                self.connected.insert(peer_id, remote.clone());
                if endpoint.is_dialer() {
                    // A dialled address is one the peer listens on: worth remembering.
                    let (base, _) = split_p2p(&remote);
                    self.bare.retain(|(a, _, _)| a != &base);
                    self.remember(peer_id, vec![base], Source::Remembered, false);
                } else {
                    self.remember(peer_id, Vec::new(), Source::Inbound, false);
                }
                if let Some(k) = self.known.get_mut(&peer_id) {
                    k.backoff = BACKOFF_MIN;
                }
                // A new connection is a fresh chance: an attempt that failed on an older one
                // (say, the short-lived connection of a join) must not delay this one.
                self.retry_at.remove(&peer_id);
                if self.allowed(&peer_id) {
                    self.save_peers();
                }
                self.maybe_open(peer_id);
                self.publish();
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established: 0,
                ..
            } => {
                self.connected.remove(&peer_id);
                if let Some(s) = self.sessions.remove(&peer_id) {
                    s.cancel.cancel();
                }
                self.forget(&peer_id);
                self.publish();
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                // Nothing to schedule: the dial already set the next attempt and doubled the
                // backoff. Doubling again here made the waits 1, 4, 16, 30 s, so a peer back
                // after a few seconds was found only a quarter of a minute later.
                debug!(?peer_id, error = %error, "dial failed");
            }
            SwarmEvent::Behaviour(BehaviourEvent::Mdns(mdns::Event::Discovered(list))) => {
                for (peer, addr) in list {
                    debug!(%peer, %addr, "discovered on the local network");
                    let fresh = !self.known.contains_key(&peer);
                    self.remember(peer, vec![addr], Source::Mdns, false);
                    if fresh && let Some(k) = self.known.get_mut(&peer) {
                        k.source = Source::Mdns;
                    }
                }
                self.on_tick();
            }
            _ => {}
        }
    }

    fn on_command(&mut self, cmd: Command) {
        match cmd {
            Command::Dial { addr, reply } => {
                let res = parse_addr(&addr).map(|a| {
                    self.add_address(a, Source::Api);
                    self.on_tick();
                });
                let _ = reply.send(res);
            }
            Command::SetPaused(paused) => {
                if paused == self.paused {
                    return;
                }
                self.paused = paused;
                info!(paused, "sync {}", if paused { "paused" } else { "resumed" });
                if paused {
                    for (_, s) in self.sessions.drain() {
                        s.cancel.cancel();
                    }
                    let peers: Vec<PeerId> = self.connected.keys().copied().collect();
                    for p in peers {
                        let _ = self.swarm.disconnect_peer_id(p);
                    }
                } else {
                    let now = Instant::now();
                    let mut later = false;
                    for (peer, k) in &mut self.known {
                        // The lower peer id dials first (see `HEAD_START`).
                        k.next_dial = if *peer < self.local {
                            later = true;
                            now + HEAD_START
                        } else {
                            now
                        };
                        k.backoff = BACKOFF_MIN;
                    }
                    for b in &mut self.bare {
                        b.1 = now;
                    }
                    self.retry_at.clear();
                    self.on_tick();
                    if later {
                        self.spawn(Owner::Timer, async move {
                            tokio::time::sleep(HEAD_START).await;
                            LoopEvent::DialDue
                        });
                    }
                }
                self.publish();
            }
            Command::Invite {
                role,
                expires_in,
                reply,
            } => {
                let _ = reply.send(self.invite(role, expires_in));
            }
        }
    }

    fn invite(
        &mut self,
        role: bureau_model::Role,
        expires_in: Duration,
    ) -> Result<(String, i64), NetError> {
        let bureau_id = self.doc.state().snapshot.meta.bureau_id.clone();
        if bureau_id.is_empty() {
            return Err(NetError::Invite(
                "this node has no bureau yet, so it cannot invite anyone".to_owned(),
            ));
        }
        let now = jiff::Timestamp::now().as_second();
        let expires_at = now + i64::try_from(expires_in.as_secs()).unwrap_or(i64::MAX / 2);
        let secret = random_hex(16);
        self.book
            .lock()
            .expect("the invite book lock is never poisoned")
            .add(&secret, role, expires_at, now)?;
        // Announced addresses first: a laptop joining from elsewhere reaches the node there,
        // one on the same network at a listen address.
        let mut addrs: Vec<String> = Vec::new();
        for a in self.announce.iter().chain(&self.listen_addrs) {
            let a = a.to_string();
            if !addrs.contains(&a) {
                addrs.push(a);
            }
        }
        if self.listen_addrs.is_empty() {
            return Err(NetError::Invite(
                "this node is not listening yet; try again in a moment".to_owned(),
            ));
        }
        let code = InviteCode {
            bureau_id,
            peer_id: self.local.to_base58(),
            addrs,
            secret,
            role: role.as_str().to_owned(),
            expires_at,
        };
        Ok((code.encode(), expires_at))
    }

    fn on_doc(&mut self, st: &DocState) {
        // Every device says where it listens; members are dialled there even if they were
        // never met directly (a device that joined through another member, say).
        for (id, device) in &st.snapshot.devices {
            if device.revoked || device.addrs.is_empty() {
                continue;
            }
            let Ok(peer) = id.parse::<PeerId>() else {
                continue;
            };
            let addrs: Vec<Multiaddr> =
                device.addrs.iter().filter_map(|a| a.parse().ok()).collect();
            let fresh = !self.known.contains_key(&peer);
            self.remember(peer, addrs, Source::Bureau, false);
            if fresh && let Some(k) = self.known.get_mut(&peer) {
                k.source = Source::Bureau;
            }
        }
        // Revocations take effect at once: close the device's session and connections.
        let revoked: Vec<PeerId> = self
            .connected
            .keys()
            .filter(|p| {
                st.snapshot
                    .devices
                    .get(&p.to_base58())
                    .is_some_and(|d| d.revoked)
            })
            .copied()
            .collect();
        for peer in revoked {
            info!(%peer, "device revoked; disconnecting it");
            if let Some(s) = self.sessions.remove(&peer) {
                s.cancel.cancel();
            }
            let _ = self.swarm.disconnect_peer_id(peer);
        }
        if !st.snapshot.meta.bureau_id.is_empty() && self.state.pending_bureau.is_some() {
            self.state.pending_bureau = None;
            self.state.inviter = None;
            self.writer.state(self.state.clone());
        }
        self.refresh_gate();
        let peers: Vec<PeerId> = self.connected.keys().copied().collect();
        for p in peers {
            self.maybe_open(p);
        }
        self.publish();
    }

    fn on_tick(&mut self) {
        if self.quiet_logged.elapsed() >= QUIET_SUMMARY {
            self.quiet_logged = Instant::now();
            let quiet = self
                .limiter
                .lock()
                .expect("the rate limiter lock is never poisoned")
                .take_quiet();
            if quiet > 0 {
                warn!(
                    refused = quiet,
                    "join attempts over the limits of their peer or address were refused \
                     without a log line each; valid invites still join"
                );
            }
        }
        if !self.paused {
            let now = Instant::now();
            let due: Vec<(PeerId, Vec<Multiaddr>)> = self
                .known
                .iter()
                .filter(|(p, k)| {
                    !self.connected.contains_key(p) && now >= k.next_dial && !k.addrs.is_empty()
                })
                .map(|(p, k)| (*p, k.addrs.clone()))
                .collect();
            for (peer, addrs) in due {
                // Strangers found by mDNS are dialled once; members and inviters are kept
                // connected.
                let keep = self.allowed(&peer);
                let k = self.known.get_mut(&peer).expect("listed above");
                if !keep && k.source == Source::Mdns && k.backoff > BACKOFF_MIN {
                    continue;
                }
                k.next_dial = now + k.backoff;
                k.backoff = (k.backoff * 2).min(BACKOFF_MAX);
                let opts = DialOpts::peer_id(peer).addresses(addrs).build();
                if let Err(e) = self.swarm.dial(opts) {
                    debug!(%peer, error = %e, "dial refused");
                }
            }
            for (addr, next, backoff) in &mut self.bare {
                if now >= *next {
                    *next = now + *backoff;
                    *backoff = (*backoff * 2).min(BACKOFF_MAX);
                    if let Err(e) = self.swarm.dial(addr.clone()) {
                        debug!(%addr, error = %e, "dial refused");
                    }
                }
            }
            let peers: Vec<PeerId> = self.connected.keys().copied().collect();
            for p in peers {
                self.maybe_open(p);
            }
        }
        self.publish();
    }

    fn publish(&self) {
        let st = self.doc.state();
        let mut ids: Vec<PeerId> = self.known.keys().copied().collect();
        ids.extend(self.connected.keys().copied());
        for d in st.snapshot.devices.keys() {
            if let Ok(p) = d.parse::<PeerId>() {
                ids.push(p);
            }
        }
        ids.sort();
        ids.dedup();
        ids.retain(|p| *p != self.local);
        let peers = ids
            .into_iter()
            .map(|p| {
                let id = p.to_base58();
                let device = st.snapshot.devices.get(&id);
                let session = self
                    .sessions
                    .get(&p)
                    .and_then(|s| s.status.as_ref())
                    .map(|s| s.borrow().clone());
                let connected = self.connected.contains_key(&p);
                PeerStatus {
                    name: device.map(|d| d.name.clone()),
                    member_id: device.map(|d| d.member_id.clone()),
                    role: device.map(|d| d.role.as_str().to_owned()),
                    revoked: device.is_some_and(|d| d.revoked),
                    connected,
                    in_sync: connected && session.as_ref().is_some_and(|s| s.in_sync),
                    last_sync: session
                        .and_then(|s| s.last_sync)
                        .or_else(|| self.last_sync.get(&p).cloned()),
                    addr: self
                        .connected
                        .get(&p)
                        .or_else(|| self.known.get(&p).and_then(|k| k.addrs.first()))
                        .map(ToString::to_string),
                    source: self.known.get(&p).map(|k| k.source),
                    sync: self.traffic.get(&p).map(|t| totals(t)).unwrap_or_default(),
                    protocol: self
                        .sessions
                        .get(&p)
                        .filter(|s| s.status.is_some())
                        .map(|s| s.version.protocol().to_owned()),
                    peer_id: id,
                }
            })
            .collect();
        let status = NetStatus {
            listen: self.listen_addrs.iter().map(ToString::to_string).collect(),
            paused: self.paused,
            peers,
        };
        self.status_tx.send_if_modified(|old| {
            if **old == status {
                false
            } else {
                *old = Arc::new(status);
                true
            }
        });
    }

    fn shutdown(&mut self) {
        for (_, s) in self.sessions.drain() {
            s.cancel.cancel();
        }
        self.save_peers();
        self.writer.flush();
    }
}

fn totals(t: &SessionStats) -> SyncTotals {
    use std::sync::atomic::Ordering::Relaxed;
    SyncTotals {
        sent_bytes: t.sent_bytes.load(Relaxed),
        received_bytes: t.received_bytes.load(Relaxed),
        sent_messages: t.sent_messages.load(Relaxed),
        received_messages: t.received_messages.load(Relaxed),
    }
}

/// The joiner's side: a short-lived swarm that dials the inviter and presents the secret.
pub(crate) async fn join(
    identity: &Identity,
    files: &bureau_store::Files,
    code: &str,
    name: &str,
) -> Result<Joined, NetError> {
    // Before the invite is presented: a name the inviter would refuse leaves it unused.
    let name = crate::check_join_name(name)?;
    let code = InviteCode::decode(code)?;
    let inviter: PeerId = code.peer_id.parse().map_err(|_| {
        NetError::Invite("the invite names no valid inviter; ask for a new one".to_owned())
    })?;
    let addrs: Vec<Multiaddr> = code.addrs.iter().filter_map(|a| a.parse().ok()).collect();
    if addrs.is_empty() {
        return Err(NetError::Invite(
            "the invite holds no address; ask for a new one".to_owned(),
        ));
    }
    let mut swarm = build_swarm(identity, false)?;
    let mut control = swarm.behaviour().stream.new_control();
    swarm
        .dial(DialOpts::peer_id(inviter).addresses(addrs.clone()).build())
        .map_err(|e| NetError::Join(e.to_string()))?;
    let driver = tokio::spawn(async move {
        loop {
            if let SwarmEvent::OutgoingConnectionError { error, .. } =
                swarm.select_next_some().await
            {
                debug!(error = %error, "dialling the inviter failed");
            }
        }
    });
    let exchange = async {
        let stream = control
            .open_stream(inviter, StreamProtocol::new(JOIN_PROTOCOL))
            .await
            .map_err(|e| {
                NetError::Join(format!(
                    "cannot reach the inviting node ({e}); is it running and reachable?"
                ))
            })?;
        let mut stream = guard(stream);
        write_json(
            &mut stream,
            &JoinRequest {
                secret: code.secret.clone(),
                name: name.clone(),
            },
        )
        .await
        .map_err(|e| NetError::Join(e.to_string()))?;
        let answer: JoinAnswer = read_json(&mut stream).await?;
        Ok::<_, NetError>(answer)
    };
    let answer = tokio::time::timeout(JOIN_TIMEOUT, exchange).await;
    driver.abort();
    let answer = answer.map_err(|_| {
        NetError::Join(
            "the inviting node did not answer in time; is it running and reachable?".to_owned(),
        )
    })??;
    if !answer.ok {
        return Err(NetError::Invite(
            answer
                .error
                .unwrap_or_else(|| "the invite was refused".to_owned()),
        ));
    }
    let bureau_id = answer.bureau_id.unwrap_or_default();
    let mut peers = memory::load_peers(files);
    peers.insert(
        inviter.to_base58(),
        Remembered {
            addrs: code.addrs.clone(),
            inviter: true,
        },
    );
    memory::save_peers(files, &peers);
    let mut state = memory::load_state(files);
    state.pending_bureau = Some(bureau_id.clone());
    state.inviter = Some(inviter.to_base58());
    memory::save_state(files, &state);
    Ok(Joined {
        bureau_id,
        member_id: answer.member_id.unwrap_or_default(),
        inviter: inviter.to_base58(),
    })
}
