//! Everything the event loop holds about one peer ([`Peer`]), its sync session ([`Session`]),
//! the waits between attempts to reach it, and how it shows in the network status.
//!
//! **Known or not.** A peer is *known* once the loop has recorded it ([`Peer::record`]: it
//! connected, was dialled, named by the user, found by mDNS, listed in the document or
//! remembered from an earlier run); `source` is then `Some` and says how. An entry can exist
//! before that: a sync stream may arrive before its connection's event, and a session that
//! ends after its peer was forgotten still notes when to retry. Such an entry counts as
//! unknown everywhere (it is not dialled, listed, saved or trusted for being known), and its
//! dialling fields keep their initial values until [`Peer::record`] sets them.
//!
//! **Lifecycle.** The loop forgets a peer whole (the map entry goes) when it is gone (no
//! connection, no session) and not worth keeping: a stranger. Members, devices, the inviter
//! and peers the user named, mDNS found or an earlier run remembered stay for the whole run.
//! An entry that holds nothing at all is dropped wherever the loop clears a field; such an
//! entry would behave exactly as a missing one, since nothing is read from an entry's
//! existence alone.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bureau_model::Device;
use bureau_sync::{PeerSync, SessionStats, Version};
use libp2p::{Multiaddr, PeerId};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::remembered::Source;
use crate::{PeerStatus, SyncTotals};

/// On a resume both ends of a pair would dial at once, and two connections would shake hands
/// side by side (twice the work on both machines and twice the bytes on the link, for one of
/// them is closed unused). The lower peer id dials at once; the higher one waits at least this
/// long ([`Peer::head_start`]) and dials only if no connection came in meanwhile. Longer than a
/// handshake on a venue's Wi-Fi, short enough to go unnoticed when the lower one is not
/// dialling (still in backoff, say).
pub(super) const HEAD_START: Duration = Duration::from_millis(100);
/// The longest head start, however slow the link last was: the lower one may not be dialling
/// (it has no address of the higher one, or is in backoff).
pub(super) const HEAD_START_MAX: Duration = Duration::from_secs(1);
/// First and shortest wait between dials of an unreachable peer, and between sync sessions.
pub(super) const BACKOFF_MIN: Duration = Duration::from_secs(1);
/// Longest wait between dials of an unreachable peer, and between failing sessions.
pub(super) const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// Longest wait between dials of a member at a direct address (not through a hub). A member
/// cut off by a Wi-Fi outage or a partition is found again within this of the network's
/// return, instead of after up to half a minute: at a venue the network flaps, and a node
/// should sync the moment a path appears. A dial to a member on the same network costs a few
/// packets, and one still in flight is not repeated (libp2p's `DisconnectedAndNotDialing`),
/// so this adds no pile of pending connections. Dials through a hub keep [`BACKOFF_MAX`]: each
/// costs the hub a circuit.
pub(super) const MEMBER_BACKOFF_MAX: Duration = Duration::from_secs(2);
/// A connection that stayed up this long and then broke was lost to the link (a Wi-Fi drop),
/// not refused by the peer: it is dialled again at once instead of after the backoff. A
/// shorter one waits as usual, so a peer that closes every connection is not dialled in a
/// loop.
pub(super) const STEADY: Duration = Duration::from_secs(2);
/// How long a peer that sent bad data is left alone before it is dialled again.
pub(super) const FAULT_BACKOFF: Duration = Duration::from_secs(60);

/// One peer as the loop knows it: where to find it, its connection, its session, and when it
/// may be tried again. See the module doc for when an entry exists.
pub(super) struct Peer {
    /// How the node learned of the peer; `None` while it is unknown (see the module doc).
    /// Set once, when it becomes known, except that an address the user gives again
    /// ([`crate::NetHandle::dial`], `--peer`) names them as its source.
    pub(super) source: Option<Source>,
    /// Where it can be dialled, in the order learned; empty for a peer only ever met inbound.
    pub(super) addrs: Vec<Multiaddr>,
    /// It is the inviter that admitted this node (from the invite code, remembered in
    /// `peers.json`): trusted to send the bureau before it has arrived, and never forgotten.
    pub(super) inviter: bool,
    /// It is not dialled before this.
    pub(super) next_dial: Instant,
    /// The wait after the next dial: doubles with each dial up to [`BACKOFF_MAX`] (a member at
    /// a direct address: [`MEMBER_BACKOFF_MAX`]), back to
    /// [`BACKOFF_MIN`] on a connection or a resume. An mDNS stranger is dialled only while it
    /// is still at the minimum, that is once.
    pub(super) backoff: Duration,
    /// Sessions with this peer that failed in a row, while known; the retry waits double with
    /// each, and a clean end resets it.
    pub(super) session_failures: u32,
    /// The remote address of the connection in use; `None` while no connection is open
    /// (libp2p may hold two to one peer; this is the newest, cleared when the last closes).
    pub(super) connected: Option<Multiaddr>,
    /// Since when a connection to it has been open without a break; `None` while none is.
    pub(super) connected_since: Option<Instant>,
    /// The sync session running, or being opened; at most one per peer.
    pub(super) session: Option<Session>,
    /// Sync traffic with the peer since the node started, shared by all of its sessions;
    /// `None` until its first session starts.
    pub(super) traffic: Option<Arc<SessionStats>>,
    /// When its last ended session last applied a sync message (RFC 3339), shown while no
    /// session runs and handed to the next one.
    pub(super) last_sync: Option<String>,
    /// No session is opened to it before this, after a failed or ended one; a new connection
    /// and a resume clear it.
    pub(super) retry_at: Option<Instant>,
    /// It sent bad data or was refused: no session is opened to it before this, connection
    /// or not.
    pub(super) faulty_until: Option<Instant>,
    /// Its heads as it last announced them in a session (hex), and when they were new (Unix
    /// seconds): what this node tells other peers of it, and how far behind the board says
    /// it is.
    pub(super) heads: Option<(Vec<String>, i64)>,
    /// How far its clock is ahead of this node's, in seconds, as its last session said.
    pub(super) clock_offset_secs: Option<i64>,
    /// Its last session's capability exchange listed bundles: the next session pushes the
    /// changes since the heads both last held with its first message
    /// ([`bureau_sync::SessionConfig::push_on_open`]). Kept in `peers.json` too, so that the
    /// first session after a restart pushes as well.
    pub(super) reads_bundles: bool,
    /// Which capability set its last session's exchange listed ([`bureau_sync::set_of`]; 0:
    /// none this release knows): if it is this release's own, the next session names the set
    /// instead of listing the names and compresses its first message
    /// ([`bureau_sync::SessionConfig::short_hello`]). Kept in `peers.json` beside
    /// `reads_bundles`.
    pub(super) caps_set: u8,
    /// The round trip its last answered ping took: how long a handshake with it lasts, for
    /// the head start of a resume ([`Peer::head_start`]). Kept in memory only.
    pub(super) rtt: Option<Duration>,
}

/// A running (or opening) sync session.
pub(super) struct Session {
    /// Tells this session's end from that of the one that replaced it: the loop counts every
    /// session it starts, and an end is handled only if it names the peer's current one.
    pub(super) generation: u64,
    /// Ends the session (a child of the loop's token, so shutdown ends it too).
    pub(super) cancel: CancellationToken,
    /// What the session reports (in sync, last sync); `None` while the stream is being
    /// opened.
    pub(super) status: Option<watch::Receiver<PeerSync>>,
    /// The protocol it speaks (or is being opened with).
    pub(super) version: Version,
}

impl Session {
    /// Whether its capability exchange listed bundles; `None` until the exchange came.
    fn reads_bundles(&self) -> Option<bool> {
        self.status
            .as_ref()
            .and_then(|st| st.borrow().reads_bundles)
    }

    /// Which capability set its exchange listed; `None` until the exchange came.
    fn caps_set(&self) -> Option<u8> {
        self.status.as_ref().and_then(|st| st.borrow().caps_set)
    }
}

impl Peer {
    /// An unknown peer the loop holds nothing about yet.
    pub(super) fn new() -> Peer {
        Peer {
            source: None,
            addrs: Vec::new(),
            inviter: false,
            next_dial: Instant::now(),
            backoff: BACKOFF_MIN,
            session_failures: 0,
            connected: None,
            connected_since: None,
            session: None,
            traffic: None,
            last_sync: None,
            retry_at: None,
            faulty_until: None,
            heads: None,
            clock_offset_secs: None,
            reads_bundles: false,
            caps_set: 0,
            rtt: None,
        }
    }

    /// How long the higher peer id of a pair waits on a resume before it dials this peer
    /// (the lower one dials at once): [`HEAD_START`], or on a slower link three of its round
    /// trips (TCP's handshake and Noise's take two and a half), so that the lower one's
    /// connection is in before the wait is over and the link carries one handshake, not two
    /// at once (over QUIC, 18 KB of a 1 Mbit/s hotspot's first 300 ms). At most
    /// [`HEAD_START_MAX`], should the lower one not be dialling.
    pub(super) fn head_start(&self) -> Duration {
        self.rtt.map_or(HEAD_START, |rtt| {
            (rtt * 3).clamp(HEAD_START, HEAD_START_MAX)
        })
    }

    /// Cancels the running session, if any (nothing to cancel once it has ended), keeping
    /// what its capability exchange said.
    pub(super) fn end_session(&mut self) {
        if let Some(s) = self.session.take() {
            s.cancel.cancel();
            self.remember_capabilities(&s);
        }
    }

    /// Whether the peer reads bundles, as its running session's exchange said, or else as
    /// its last one did: what `peers.json` keeps.
    pub(super) fn reads_bundles_now(&self) -> bool {
        self.session
            .as_ref()
            .and_then(Session::reads_bundles)
            .unwrap_or(self.reads_bundles)
    }

    /// Which capability set the peer listed, as its running session's exchange said, or else
    /// as its last one did: what `peers.json` keeps.
    pub(super) fn caps_set_now(&self) -> u8 {
        self.session
            .as_ref()
            .and_then(Session::caps_set)
            .unwrap_or(self.caps_set)
    }

    /// Keeps what `session`'s capability exchange said for the next session (nothing if the
    /// exchange never came).
    fn remember_capabilities(&mut self, session: &Session) {
        if let Some(reads) = session.reads_bundles() {
            self.reads_bundles = reads;
        }
        if let Some(sets) = session.caps_set() {
            self.caps_set = sets;
        }
    }

    /// Whether the loop has recorded this peer (see the module doc).
    pub(super) fn is_known(&self) -> bool {
        self.source.is_some()
    }

    /// Records the peer with what was just learned of it: `addrs` are added to those known,
    /// `inviter` is kept once set. A peer that becomes known here takes `source`, is due
    /// for a dial at once and starts with the shortest backoff and no failed session.
    pub(super) fn record(&mut self, addrs: Vec<Multiaddr>, source: Source, inviter: bool) {
        if !self.is_known() {
            self.source = Some(source);
            self.addrs.clear();
            self.inviter = false;
            self.next_dial = Instant::now();
            self.backoff = BACKOFF_MIN;
            self.session_failures = 0;
        }
        self.inviter |= inviter;
        for a in addrs {
            if !self.addrs.contains(&a) {
                self.addrs.push(a);
            }
        }
    }

    /// Whether a session may be opened to it now, as far as its last failures go.
    pub(super) fn may_retry(&self, now: Instant) -> bool {
        self.retry_at.is_none_or(|t| now >= t) && self.faulty_until.is_none_or(|t| now >= t)
    }

    /// Whether the entry holds nothing: unknown, not connected, no session, nothing noted.
    pub(super) fn holds_nothing(&self) -> bool {
        !self.is_known()
            && self.connected.is_none()
            && self.session.is_none()
            && self.traffic.is_none()
            && self.last_sync.is_none()
            && self.retry_at.is_none()
            && self.faulty_until.is_none()
    }

    /// How `id` shows in the network status, from its entry (if the loop has one) and its
    /// device record (if it is a device of the bureau).
    pub(super) fn status(
        id: &PeerId,
        peer: Option<&Peer>,
        device: Option<&Device>,
        heard: Option<&crate::HeardStatus>,
    ) -> PeerStatus {
        let session = peer
            .and_then(|p| p.session.as_ref())
            .and_then(|s| s.status.as_ref())
            .map(|s| s.borrow().clone());
        let connected = peer.and_then(|p| p.connected.as_ref());
        PeerStatus {
            name: device.map(|d| d.name.clone()),
            member_id: device.map(|d| d.member_id.clone()),
            role: device.map(|d| d.role.as_str().to_owned()),
            revoked: device.is_some_and(|d| d.revoked),
            connected: connected.is_some(),
            in_sync: connected.is_some() && session.as_ref().is_some_and(|s| s.in_sync),
            last_sync: session
                .and_then(|s| s.last_sync)
                .or_else(|| peer.and_then(|p| p.last_sync.clone())),
            // An unknown peer has no addresses, so this is the connection's or none.
            addr: connected
                .or_else(|| peer.and_then(|p| p.addrs.first()))
                .map(ToString::to_string),
            source: peer.and_then(|p| p.source),
            sync: peer
                .and_then(|p| p.traffic.as_deref())
                .map(totals)
                .unwrap_or_default(),
            protocol: peer
                .and_then(|p| p.session.as_ref())
                .filter(|s| s.status.is_some())
                .map(|s| s.version.protocol().to_owned()),
            heads: peer
                .and_then(|p| p.heads.as_ref())
                .map(|(h, at)| crate::HeardStatus {
                    heads: h.clone(),
                    at: rfc3339(*at),
                    via: None,
                }),
            heard: heard.cloned(),
            clock_offset_secs: peer.and_then(|p| p.clock_offset_secs),
            peer_id: id.to_base58(),
        }
    }
}

/// Unix seconds as RFC 3339, empty for a time out of range.
pub(super) fn rfc3339(at: i64) -> String {
    jiff::Timestamp::from_second(at)
        .map(|t| t.to_string())
        .unwrap_or_default()
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
