//! The network event loop: one task owning the `Swarm`, and everything it holds.
//!
//! Inbox: [`Command`]s from [`NetHandle`]s, swarm events, inbound sync and join streams,
//! document states (membership and revocations), the ends of the loop's own tasks, and a
//! one-second tick (redials with backoff, status). Each session, stream opening and join
//! runs on a task of its own, so a slow or hostile peer never stalls the loop; files are
//! written by [`remembered::Writer`]'s thread, so the disk never does either.
//!
//! The loop is one struct ([`EventLoop`]) whose methods are spread over this module's files
//! by what they deal with:
//!
//! - here: start-up, the `select!` over the inbox, supervision, commands (dial, pause,
//!   invite), document states, the tick and the published status;
//! - [`peer`]: everything held about one peer, in one [`peer::Peer`] per peer id;
//! - [`peers`]: recording and forgetting peers, who may sync, the connection gate's members,
//!   `peers.json`;
//! - [`connections`]: listening, dialling, and the swarm's events (connections, mDNS);
//! - [`sessions`]: sync sessions (which side opens, start, end, retry) and join streams;
//! - [`presence`]: who has which shared document open, told to peers and heard from them,
//!   held only here and in the sessions.
//!
//! **Supervision.** Every task the loop starts is in its [`JoinSet`], and the loop notes what
//! each one is for ([`Owner`]). However a task ends, its panic included, the loop hears of it
//! there: a session that died is cleaned up like one that ended (its peer's session removed)
//! and retried with a backoff that doubles while sessions with that peer keep failing; a
//! panic is logged as an error naming the peer. Dropping the set at shutdown aborts what is
//! still running.
//!
//! **Invariants.** Only the loop touches its fields: tasks report back through
//! [`LoopEvent`]s, never by sharing state, except the invite book and the join limiter that
//! join tasks lock briefly. At most one sync session per peer, and only with a peer that
//! [`EventLoop::allowed`] admits. Nothing about a stranger outlives its last connection
//! ([`EventLoop::forget`]). While paused, no connection is kept and nothing is dialled.

mod connections;
mod peer;
mod peers;
mod presence;
mod sessions;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bureau_doc::{DocHandle, DocState};
use bureau_sync::{Heard, Presence, Version};
use futures_util::StreamExt;
use libp2p::swarm::ConnectionId;
use libp2p::{Multiaddr, PeerId, StreamProtocol, Swarm};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

use self::peer::{BACKOFF_MIN, Peer};
use crate::addr::{announce_address, parse_addr};
use crate::code::CODE_PROTOCOL;
use crate::invite::{Grant, InviteBook, InviteCode};
use crate::join::{JOIN_PROTOCOL, RateLimiter};
use crate::nameplate::NAMEPLATE_PROTOCOL;
use crate::remembered::{self, NetState, Remembered, Source};
use crate::swarm::{Behaviour, RelayAccess, build_swarm};
use crate::{Command, HeardStatus, NetConfig, NetError, NetHandle, NetStatus};

/// How often join attempts refused without a log line each are summed up in the log.
const QUIET_SUMMARY: Duration = Duration::from_secs(60);

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
        /// The peer refused the session's protocol: it runs a release this one cannot sync
        /// with (the protocol named), or none at all.
        refused_protocol: Option<&'static str>,
    },
    /// A join exchange ended; `true` if the peer joined.
    JoinDone(PeerId, bool),
    /// A dial put off for a while (see [`Peer::head_start`]) is due.
    DialDue,
    /// A question was answered (`/bureau/nameplate/1`); nothing follows from it.
    Answered,
}

/// What a task of the loop is for, so that its end can be handled even when it panicked
/// and returned nothing.
#[derive(Clone, Copy, Debug)]
enum Owner {
    Session {
        peer: PeerId,
        generation: u64,
    },
    Open {
        peer: PeerId,
        version: Version,
    },
    Join {
        peer: PeerId,
    },
    Timer,
    /// Answering a question that changes nothing here (`/bureau/nameplate/1`).
    Answer,
}

/// The loop's state. Everything per peer is in [`EventLoop::peers`]; the rest is this node's.
struct EventLoop {
    /// The libp2p swarm: transports, connections, the behaviours ([`crate::swarm`]).
    swarm: Swarm<Behaviour>,
    /// The document: membership is read from its latest state, sessions and joins edit it.
    doc: DocHandle,
    /// Opens sync streams to peers (cloned into each opening task).
    control: libp2p_stream::Control,
    /// This node's peer id: never recorded as a peer, and compared with a peer's to decide
    /// which side opens a sync stream or dials first on a resume.
    local: PeerId,
    /// Sync is paused ("airplane mode"): no connection is kept, nothing is dialled or opened.
    paused: bool,
    /// Every peer the loop holds anything about (see [`peer`] for when an entry exists and
    /// when it goes).
    peers: HashMap<PeerId, Peer>,
    /// Addresses given without a peer id (`--peer`, the API), each with its next dial and
    /// backoff; dialled until they answer, then recorded under the peer id that answered.
    bare: Vec<(Multiaddr, Instant, Duration)>,
    /// The last session generation handed out; each new session (or opening) takes the next.
    generation: u64,
    /// Every task this loop started (sessions, stream openings, joins, timers); see
    /// "Supervision" above.
    tasks: JoinSet<LoopEvent>,
    /// What each running task is for.
    owners: HashMap<tokio::task::Id, Owner>,
    /// The sync protocols this node speaks, newest first.
    versions: Vec<Version>,
    /// Where the network status is published ([`EventLoop::publish`]).
    status_tx: watch::Sender<Arc<NetStatus>>,
    /// The invites this node gave out, shared with the join tasks that check them.
    book: Arc<Mutex<InviteBook>>,
    /// Join attempts per peer id and per address, shared with the join tasks.
    limiter: Arc<Mutex<RateLimiter>>,
    /// When join attempts refused quietly were last summed up in the log.
    quiet_logged: Instant,
    /// `net.json` as last loaded or written: listen ports, the pending bureau, the inviter.
    state: NetState,
    /// What `save_peers` last asked to write, so an unchanged list is not written again: the
    /// write is durable (two fsyncs), and asked for on every new connection.
    saved_peers: Option<BTreeMap<String, Remembered>>,
    /// Writes `peers.json` and `net.json` off the loop.
    writer: remembered::Writer,
    /// Listener id -> the configured address it came from, with the port it bound (to
    /// remember the port for the next start).
    listeners: HashMap<libp2p::core::transport::ListenerId, (Multiaddr, Option<Multiaddr>)>,
    /// The addresses this node listens on now, as the swarm reported them; published in the
    /// status and put in invite codes.
    listen_addrs: Vec<Multiaddr>,
    /// Where others reach this node, when that is not where it listens (`--announce`).
    announce: Vec<Multiaddr>,
    /// On a hub: the devices it relays circuits for, kept equal to the gate's members.
    relay_for: Option<RelayAccess>,
    /// The hubs this node holds a reservation with (or is asking for one), by the listener
    /// that listens through each: a joiner who reaches only a hub reaches this node through
    /// it ([`connections`]).
    circuits: HashMap<PeerId, (Option<libp2p::core::transport::ListenerId>, Instant)>,
    /// `bureau serve --recover`: the document was lost and is taken from a remembered member.
    recovering: bool,
    /// Ends the loop; every session's token is a child of it.
    cancel: CancellationToken,
    /// What this node knows of its direct peers' heads, told to every session that speaks
    /// `peer-heads` ([`bureau_sync::PEER_HEADS`]).
    board_tx: watch::Sender<Arc<Vec<Heard>>>,
    /// The newest word of each peer's heads that other peers told, with who told it.
    heard: HashMap<String, (Heard, PeerId)>,
    /// This node's presence, told to every session that speaks `presence`
    /// ([`bureau_sync::PRESENCE`]); see [`presence`].
    presence_tx: watch::Sender<Arc<Presence>>,
    /// When the presence was last told (changed or refreshed).
    presence_told: Instant,
    /// The editors open on this node, with their paragraphs.
    editors: presence::Editors,
    /// What the discovery doctor is told ([`crate::NetFacts`]): mDNS on, whether it found
    /// anyone, when the loop started.
    mdns: bool,
    mdns_heard: bool,
    started: Instant,
    /// The last failed dial of each address (without `/p2p/`); cleared by a connection there.
    dial_errors: HashMap<Multiaddr, DialError>,
    /// Each peer's open connections, with when each was made: a peer that dials in while an
    /// older one is open has lost that one ([`connections`]).
    conns: HashMap<PeerId, Vec<(ConnectionId, Instant)>>,
    /// Peers refused, with why (`revoked`, `not_member`) and when (Unix seconds).
    refused: HashMap<PeerId, (&'static str, i64)>,
    /// Peers that refused this node's sync protocol, with the protocol and when (Unix
    /// seconds); cleared once a session with them carries a message.
    incompatible: HashMap<PeerId, (&'static str, i64)>,
    /// Whether the routing table has a route for multicast, and when it was last read: read
    /// on the tick at most every [`ROUTE_CHECK`], not on every publish.
    multicast_route: (Option<bool>, Option<Instant>),
    /// When a member that had been away last brought the others' dials forward (see
    /// `connections::on_connected`).
    network_back: Option<Instant>,
    /// When the next peer's dial is due, as `dial_due` last saw: the loop wakes for it then,
    /// not at the next tick, so a wait spread at random is kept to the millisecond (on the
    /// one-second tick every node of a partition dialled on the same few instants).
    dial_at: Option<Instant>,
}

/// How often the routing table is read for the doctor.
const ROUTE_CHECK: Duration = Duration::from_secs(10);

/// A failed dial as the doctor is told of it: the peer it named, the error and when (Unix
/// seconds).
type DialError = (Option<PeerId>, String, i64);

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
    let relay_for: Option<RelayAccess> = config.hub.then(RelayAccess::default);
    let swarm = build_swarm(&config.identity, config.mdns, relay_for.clone())?;
    let local = *swarm.local_peer_id();
    let mut control = swarm.behaviour().stream.new_control();
    let mut state = remembered::load_state(&config.files);
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
            .map_err(|e| {
                NetError::transport(format!("accepting {} streams", version.protocol()), e)
            })?;
        sync_in.push(
            incoming
                .map(move |(peer, stream)| (peer, version, stream))
                .boxed(),
        );
    }
    let book = Arc::new(Mutex::new(InviteBook::load(config.files.clone())));
    let mut join_in = control
        .accept(StreamProtocol::new(JOIN_PROTOCOL))
        .map_err(|e| NetError::transport(format!("accepting {JOIN_PROTOCOL} streams"), e))?;
    let mut code_in = control
        .accept(StreamProtocol::new(CODE_PROTOCOL))
        .map_err(|e| NetError::transport(format!("accepting {CODE_PROTOCOL} streams"), e))?;
    let mut nameplate_in = control
        .accept(StreamProtocol::new(NAMEPLATE_PROTOCOL))
        .map_err(|e| NetError::transport(format!("accepting {NAMEPLATE_PROTOCOL} streams"), e))?;

    let (status_tx, status_rx) = watch::channel(Arc::new(NetStatus::default()));
    let (cmd_tx, mut cmd_rx) = mpsc::channel(32);
    let mut lp = EventLoop {
        swarm,
        doc,
        control,
        local,
        paused: false,
        peers: HashMap::new(),
        bare: Vec::new(),
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
        writer: remembered::Writer::spawn(config.files.clone()),
        listeners: HashMap::new(),
        listen_addrs: Vec::new(),
        relay_for,
        circuits: HashMap::new(),
        announce,
        recovering: config.recover.is_some(),
        cancel: cancel.clone(),
        board_tx: watch::channel(Arc::new(Vec::new())).0,
        heard: HashMap::new(),
        presence_tx: watch::channel(Arc::new(Presence::default())).0,
        presence_told: Instant::now(),
        editors: HashMap::new(),
        mdns: config.mdns,
        mdns_heard: false,
        started: Instant::now(),
        dial_errors: HashMap::new(),
        conns: HashMap::new(),
        refused: HashMap::new(),
        incompatible: HashMap::new(),
        network_back: None,
        dial_at: None,
        multicast_route: if config.mdns {
            (crate::addr::multicast_route(), Some(Instant::now()))
        } else {
            (None, None)
        },
    };
    lp.listen(&config.listen)?;
    // A hub's relay tells each reservation where the hub is reached, from the addresses
    // confirmed external: the announced ones (or, with none, its listen addresses as they
    // come; `connections.rs`).
    if lp.relay_for.is_some() {
        for a in lp.announce.clone() {
            lp.swarm.add_external_address(a);
        }
    }
    for (peer, r) in remembered::load_peers(&config.files) {
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
            if let Some(p) = lp.peers.get_mut(&peer) {
                p.reads_bundles = r.reads_bundles;
                p.caps_set = r.caps_set;
            }
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
            // A disabled branch's future is still made: an hour away stands for "none".
            let dial_at = lp
                .dial_at
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
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
                Some((peer, stream)) = code_in.next() => lp.on_code(peer, stream),
                Some((peer, stream)) = nameplate_in.next() => lp.on_nameplate(peer, stream),
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
                () = tokio::time::sleep_until(dial_at.into()), if lp.dial_at.is_some() => {
                    lp.dial_at = None;
                    if !lp.paused {
                        lp.dial_due();
                    }
                }
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
                refused_protocol: None,
            }),
            Owner::Open { peer, version } => self.on_event(LoopEvent::Opened(
                peer,
                version,
                Err("the task opening the stream died".to_owned()),
            )),
            Owner::Join { peer } => self.on_event(LoopEvent::JoinDone(peer, false)),
            Owner::Timer => self.on_event(LoopEvent::DialDue),
            Owner::Answer => {}
        }
    }

    fn on_event(&mut self, ev: LoopEvent) {
        match ev {
            LoopEvent::Opened(peer, version, res) => self.on_opened(peer, version, res),
            LoopEvent::SessionEnded {
                peer,
                generation,
                fault,
                failed,
                refused_protocol,
            } => {
                if let Some(protocol) = refused_protocol {
                    self.incompatible
                        .insert(peer, (protocol, jiff::Timestamp::now().as_second()));
                }
                self.on_session_ended(peer, generation, fault, failed);
            }
            LoopEvent::DialDue => self.on_tick(),
            LoopEvent::JoinDone(peer, joined) => self.on_join_done(peer, joined),
            LoopEvent::Answered => {}
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
            Command::SetPaused(paused) => self.set_paused(paused),
            Command::Invite {
                role,
                expires_in,
                member_id,
                reply,
            } => {
                let _ = reply.send(self.invite(role, expires_in, member_id));
            }
            Command::Invites { reply } => {
                let now = jiff::Timestamp::now().as_second();
                let list = self
                    .book
                    .lock()
                    .expect("the invite book lock is never poisoned")
                    .list(now);
                let _ = reply.send(list);
            }
            Command::SetPresence {
                document,
                tab,
                paragraph,
            } => self.set_presence(document, tab, paragraph),
            Command::Presence { document, reply } => {
                let _ = reply.send(self.presence_of(&document));
            }
        }
    }

    fn set_paused(&mut self, paused: bool) {
        if paused == self.paused {
            return;
        }
        self.paused = paused;
        info!(paused, "sync {}", if paused { "paused" } else { "resumed" });
        if paused {
            for p in self.peers.values_mut() {
                p.end_session();
            }
            self.prune();
            let connected: Vec<PeerId> = self.connected_peers().collect();
            for p in connected {
                let _ = self.swarm.disconnect_peer_id(p);
            }
        } else {
            let now = Instant::now();
            for p in self.peers.values_mut() {
                p.retry_at = None;
            }
            let known: Vec<PeerId> = self
                .peers
                .iter()
                .filter(|(_, p)| p.is_known())
                .map(|(id, _)| *id)
                .collect();
            self.prune();
            for b in &mut self.bare {
                b.1 = now;
            }
            self.redial_soon(&known);
        }
        self.publish();
    }

    /// Dials `peers` now, the lower peer id of each pair first (see [`Peer::head_start`]), with the
    /// shortest backoff: after a resume, and after a connection that was up was lost.
    pub(super) fn redial_soon(&mut self, peers: &[PeerId]) {
        let now = Instant::now();
        let mut later = Vec::new();
        for peer in peers {
            let Some(p) = self.peers.get_mut(peer) else {
                continue;
            };
            p.next_dial = if *peer < self.local {
                let wait = p.head_start();
                later.push(wait);
                now + wait
            } else {
                now
            };
            p.backoff = BACKOFF_MIN;
        }
        self.on_tick();
        later.sort();
        later.dedup();
        for wait in later {
            self.spawn(Owner::Timer, async move {
                tokio::time::sleep(wait).await;
                LoopEvent::DialDue
            });
        }
    }

    fn invite(
        &mut self,
        role: bureau_model::Role,
        expires_in: Duration,
        member_id: Option<String>,
    ) -> Result<crate::Invite, NetError> {
        let st = self.doc.state();
        let bureau_id = st.snapshot.meta.bureau_id.clone();
        if bureau_id.is_empty() {
            return Err(NetError::Invite(
                "this node has no bureau yet, so it cannot invite anyone".to_owned(),
            ));
        }
        bureau_model::check_invite(&st.snapshot, &st.peer_id, role, member_id.as_deref())
            .map_err(|e| NetError::Invite(e.to_string()))?;
        let now = jiff::Timestamp::now().as_second();
        let expires_at = now + i64::try_from(expires_in.as_secs()).unwrap_or(i64::MAX / 2);
        let secret = crate::random_hex(16);
        let grant = Grant {
            role,
            member_id: member_id.clone(),
        };
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
        let link = InviteCode {
            bureau_id,
            peer_id: self.local.to_base58(),
            addrs,
            secret: secret.clone(),
            role: role.as_str().to_owned(),
            expires_at,
            member_id,
            hubs: hubs_of(&st.snapshot, &self.local),
        }
        .encode();
        let code = self
            .book
            .lock()
            .expect("the invite book lock is never poisoned")
            .add(&secret, &grant, expires_at, now, &link)?;
        Ok(crate::Invite {
            code: code.to_string(),
            link,
            expires_at,
        })
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
            self.remember(peer, addrs, Source::Bureau, false);
        }
        // Revocations take effect at once: close the device's session and connections.
        let revoked: Vec<PeerId> = self
            .connected_peers()
            .filter(|p| {
                st.snapshot
                    .devices
                    .get(&p.to_base58())
                    .is_some_and(|d| d.revoked)
            })
            .collect();
        for peer in revoked {
            info!(%peer, "device revoked; disconnecting it");
            if let Some(s) = self.peers.get_mut(&peer).and_then(|p| p.session.take()) {
                s.cancel.cancel();
            }
            let _ = self.swarm.disconnect_peer_id(peer);
        }
        // A session opened with the first protocol because the peer's record listed none yet
        // (a device that just joined publishes its protocols at its first start) is started
        // again once the record lists the second: it carries the capabilities (peers' heads)
        // the first cannot. Ending it costs one exchange of heads, once per such peer.
        if self.versions.contains(&Version::V2) {
            for (id, p) in &mut self.peers {
                let Some(s) = p.session.as_ref() else {
                    continue;
                };
                let lists_v2 = st.snapshot.devices.get(&id.to_base58()).is_some_and(|d| {
                    d.protocols
                        .iter()
                        .any(|v| v.as_str() == Version::V2.protocol())
                });
                if s.version == Version::V1 && s.status.is_some() && lists_v2 {
                    tracing::debug!(peer = %id, "the peer now speaks /bureau/sync/2: starting its session again with it");
                    s.cancel.cancel();
                }
            }
        }
        if !st.snapshot.meta.bureau_id.is_empty() && self.state.pending_bureau.is_some() {
            self.state.pending_bureau = None;
            self.state.inviter = None;
            self.writer.state(self.state.clone());
        }
        self.refresh_gate();
        let connected: Vec<PeerId> = self.connected_peers().collect();
        for p in connected {
            self.maybe_open(p);
        }
        self.publish();
    }

    /// Takes in what the sessions report of their peers' heads: each peer's own (noted with
    /// the time it changed) and what it told of others (kept when newer than what is known),
    /// and publishes this node's board for the sessions to tell.
    fn refresh_board(&mut self) {
        let now = jiff::Timestamp::now().as_second();
        let local = self.local.to_base58();
        let mut told: Vec<(Heard, PeerId)> = Vec::new();
        for (id, p) in &mut self.peers {
            let Some(status) = p.session.as_ref().and_then(|s| s.status.as_ref()) else {
                continue;
            };
            let st = status.borrow();
            if let Some(ms) = st.clock_offset_ms {
                p.clock_offset_secs = Some(ms / 1000);
            }
            if !st.their_heads.is_empty() {
                // A session that carried a message speaks a protocol both sides know.
                self.incompatible.remove(id);
            }
            if !st.their_heads.is_empty()
                && p.heads.as_ref().is_none_or(|(h, _)| *h != st.their_heads)
            {
                p.heads = Some((st.their_heads.clone(), now));
            }
            told.extend(
                st.heard
                    .iter()
                    .filter(|h| h.peer != local)
                    .map(|h| (h.clone(), *id)),
            );
        }
        for (h, via) in told {
            if self.heard.get(&h.peer).is_none_or(|(old, _)| old.at < h.at) {
                self.heard.insert(h.peer.clone(), (h, via));
            }
        }
        let mut board: Vec<Heard> = self
            .peers
            .iter()
            .filter_map(|(id, p)| {
                let (heads, at) = p.heads.as_ref()?;
                Some(Heard {
                    peer: id.to_base58(),
                    heads: heads.clone(),
                    at: *at,
                })
            })
            .collect();
        board.sort_by(|a, b| a.peer.cmp(&b.peer));
        self.board_tx.send_if_modified(|old| {
            if **old == board {
                false
            } else {
                *old = Arc::new(board);
                true
            }
        });
    }

    fn on_tick(&mut self) {
        self.refresh_board();
        self.presence_tick();
        // What a running session's exchange said of the peer (bundles, short `Hello`s) is
        // written within a second, not only at the session's end, so that a node killed
        // during its first session with a peer still knows it at its next start. Unchanged,
        // nothing is written.
        self.save_peers();
        self.reserve_circuits();
        if self.mdns
            && self
                .multicast_route
                .1
                .is_none_or(|t| t.elapsed() >= ROUTE_CHECK)
        {
            self.multicast_route = (crate::addr::multicast_route(), Some(Instant::now()));
        }
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
            self.dial_due();
            let connected: Vec<PeerId> = self.connected_peers().collect();
            for p in connected {
                self.maybe_open(p);
            }
        }
        self.publish();
    }

    /// Publishes the network status if it changed: every peer known or connected, and every
    /// device of the bureau, met or not.
    fn publish(&self) {
        let st = self.doc.state();
        let mut ids: Vec<PeerId> = self
            .peers
            .iter()
            .filter(|(_, p)| p.is_known() || p.connected.is_some())
            .map(|(id, _)| *id)
            .collect();
        for d in st.snapshot.devices.keys() {
            if let Ok(p) = d.parse::<PeerId>() {
                ids.push(p);
            }
        }
        ids.sort();
        ids.dedup();
        ids.retain(|p| *p != self.local);
        let peers = ids
            .iter()
            .map(|id| {
                let device = st.snapshot.devices.get(&id.to_base58());
                let heard = self.heard.get(&id.to_base58()).map(|(h, via)| HeardStatus {
                    heads: h.heads.clone(),
                    at: peer::rfc3339(h.at),
                    via: Some(via.to_base58()),
                });
                Peer::status(id, self.peers.get(id), device.map(|d| &**d), heard.as_ref())
            })
            .collect();
        let mut dial_errors: Vec<(&Multiaddr, &DialError)> = self.dial_errors.iter().collect();
        dial_errors.sort_by_key(|(a, (_, _, at))| (std::cmp::Reverse(*at), a.to_string()));
        let mut refused: Vec<(&PeerId, &(&str, i64))> = self.refused.iter().collect();
        refused.sort_by_key(|(p, (_, at))| (std::cmp::Reverse(*at), **p));
        let mut incompatible: Vec<(&PeerId, &(&str, i64))> = self.incompatible.iter().collect();
        incompatible.sort_by_key(|(p, (_, at))| (std::cmp::Reverse(*at), **p));
        let facts = crate::NetFacts {
            incompatible: incompatible
                .into_iter()
                .map(|(p, (protocol, at))| crate::Incompatible {
                    peer_id: p.to_base58(),
                    protocol: (*protocol).to_owned(),
                    at: peer::rfc3339(*at),
                })
                .collect(),
            mdns: self.mdns,
            mdns_heard: self.mdns_heard,
            running_secs: self.started.elapsed().as_secs(),
            multicast_route: self.multicast_route.0,
            dial_errors: dial_errors
                .into_iter()
                .map(|(a, (peer, error, at))| crate::DialFailure {
                    addr: a.to_string(),
                    peer_id: peer.map(|p| p.to_base58()),
                    error: error.clone(),
                    at: peer::rfc3339(*at),
                })
                .collect(),
            refused: refused
                .into_iter()
                .map(|(p, (reason, at))| crate::Refusal {
                    peer_id: p.to_base58(),
                    reason: (*reason).to_owned(),
                    at: peer::rfc3339(*at),
                })
                .collect(),
        };
        let status = NetStatus {
            listen: self.listen_addrs.iter().map(ToString::to_string).collect(),
            paused: self.paused,
            peers,
            facts,
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
        for p in self.peers.values_mut() {
            // Keeps what each session's exchange said, for `peers.json`.
            p.end_session();
        }
        self.save_peers();
        self.writer.flush();
    }
}

/// The bureau's hubs (unrevoked relay devices with addresses, this node aside) as
/// `/.../p2p/<peer id>` addresses, for invites.
fn hubs_of(snap: &bureau_model::Snapshot, local: &PeerId) -> Vec<String> {
    let me = local.to_base58();
    snap.devices
        .iter()
        .filter(|(id, d)| **id != me && !d.revoked && d.role == bureau_model::Role::Relay)
        .flat_map(|(id, d)| d.addrs.iter().map(move |a| format!("{a}/p2p/{id}")))
        .collect()
}
