//! The only crate that knows libp2p: identity, transports, discovery, the membership gate,
//! the join protocol, one sync stream per member, reconnects and peer status.
//!
//! [`start`] runs the network event loop (`event_loop`) on its own task and returns a
//! [`NetHandle`]. The loop owns the libp2p `Swarm` (`swarm.rs` builds it):
//!
//! - **Transports:** TCP and QUIC, Noise (the peer id is the proven ed25519 key), yamux.
//! - **Discovery:** mDNS on the LAN (optional), addresses remembered in `peers.json`, `--peer`
//!   addresses, and addresses added through the API. Listen ports are remembered in
//!   `net.json` so that the addresses others remember stay valid across restarts.
//! - **Membership:** the document's `devices` map is the allow-list. Anyone may connect, but
//!   a stranger can only present an invite on `/bureau/join/1` (limited per peer id and per
//!   address, never for everyone at once); sync streams are opened and accepted only for
//!   unrevoked devices. When the document says a device is revoked, its connections are
//!   closed at once.
//! - **Strangers are cheap and forgotten:** inbound connections of members and of strangers
//!   come out of separate budgets (`gate`), so strangers never take a member's place; a
//!   refused joiner's connection is dropped; nothing about a stranger is kept once it
//!   disconnects.
//! - **Sync:** one session per member peer ([`bureau_sync::run_session`]); the peer with the
//!   lower id opens the stream, so there is never more than one. Reconnection with backoff.
//! - **Pause** cuts every connection and stops dialling until resumed. On a resume the lower
//!   peer id dials first and the higher one a moment later, only if still unconnected.
//! - **Files:** `peers.json` and `net.json` are written by a thread of their own, never on the
//!   loop (each is two fsyncs).
//!
//! Only this crate names libp2p types; the rest of the node sees peer ids and addresses as
//! strings.

mod addr;
pub mod bundle;
mod code;
mod event_loop;
mod gate;
mod invite;
mod join;
mod nameplate;
mod remembered;
mod stream;
mod swarm;
#[cfg(feature = "test-utils")]
pub mod testing;
mod words;

/// The join protocol's frame reader, for fuzz targets only (feature `fuzzing`): the frame
/// types stay private to the crate, so what is exposed is "read one request" and "read one
/// answer", each as the node reads it.
#[cfg(feature = "fuzzing")]
pub mod fuzzing {
    use tokio::io::AsyncRead;

    use crate::NetError;
    use crate::join::{JoinAnswer, JoinRequest, read_json};

    /// Reads one `/bureau/join/1` request frame as the inviter does.
    pub async fn read_join_request<R: AsyncRead + Unpin>(r: &mut R) -> Result<(), NetError> {
        read_json::<_, JoinRequest>(r).await.map(drop)
    }

    /// Reads one `/bureau/join/1` answer frame as the joiner does.
    pub async fn read_join_answer<R: AsyncRead + Unpin>(r: &mut R) -> Result<(), NetError> {
        read_json::<_, JoinAnswer>(r).await.map(drop)
    }
}

use std::sync::Arc;
use std::time::Duration;

use bureau_doc::DocHandle;
use bureau_model::Role;
use bureau_store::Files;
use libp2p::identity::Keypair;
use serde::Serialize;
use thiserror::Error;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;

/// Which sync protocol a session speaks (`/bureau/sync/1` or `/2`).
pub use bureau_sync::Version as SyncVersion;
pub use code::CODE_PROTOCOL;
pub use invite::{CODE_PREFIX, InviteCode, InviteInfo, JoinCode, ShortCode};
pub use join::JOIN_PROTOCOL;
pub use remembered::Source;

/// Name of the key file in the data directory.
pub const KEY_FILE: &str = "identity.key";

/// Addresses a node listens on when told nothing and remembering nothing: every interface
/// (mDNS only announces addresses of real interfaces), ports picked by the system.
pub const DEFAULT_LISTEN: &[&str] = &["/ip4/0.0.0.0/tcp/0", "/ip4/0.0.0.0/udp/0/quic-v1"];

/// Why a network operation failed.
#[derive(Debug, Error)]
pub enum NetError {
    /// The key file could not be used.
    #[error(
        "the identity key file is damaged ({0}); restore it from a backup, or move it away to start this node as a new device"
    )]
    Damaged(String),
    /// An address the user gave is not a multiaddr.
    #[error("{addr:?} is not a peer address like /ip4/192.168.1.20/tcp/4001: {reason}")]
    BadAddress {
        /// What was given.
        addr: String,
        /// Why it was refused.
        reason: String,
    },
    /// An invite code was malformed, or the inviter refused it.
    #[error("{0}")]
    Invite(String),
    /// The name a joiner gave cannot be a member's name; the message says what to fix.
    #[error("{0}")]
    BadName(String),
    /// The join exchange failed.
    #[error("joining failed: {0}")]
    Join(String),
    /// The inviter refused the join. `reason` says why in a word (`used`, `expired`,
    /// `unknown`, `name`, `name_taken`, `member_gone`, `not_allowed`, `limit`, `failed`, or
    /// `refused` from an inviter of the earlier release), `message` in a sentence.
    #[error("{message}")]
    Refused {
        /// Why, in a word.
        reason: String,
        /// Why, for people.
        message: String,
    },
    /// The transport could not be set up (in the test client: a connection or stream could
    /// not be opened). libp2p's error, where there is one, is kept as the cause and named in
    /// the message too, since the message alone is what the log and the terminal show.
    #[error("network setup failed: {what}{}", cause_suffix(.source.as_deref()))]
    Transport {
        /// What failed.
        what: String,
        /// libp2p's (or the system's) error, if one said why.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A file of the network state could not be written; the store's error (with the
    /// system's under it) is kept as the cause.
    #[error("could not save network state: {0}")]
    Storage(#[source] bureau_store::StoreError),
    /// The document refused something.
    #[error(transparent)]
    Doc(#[from] bureau_doc::DocError),
    /// The network loop has stopped.
    #[error("the network is shut down")]
    Closed,
}

impl NetError {
    /// A transport failure: `what` failed because of `source`, which is kept.
    pub(crate) fn transport(
        what: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> NetError {
        NetError::Transport {
            what: what.into(),
            source: Some(source.into()),
        }
    }

    /// A transport failure no other error explains.
    pub(crate) fn transport_alone(what: impl Into<String>) -> NetError {
        NetError::Transport {
            what: what.into(),
            source: None,
        }
    }
}

/// `: ` and the cause's message, or nothing without a cause.
fn cause_suffix(source: Option<&(dyn std::error::Error + Send + Sync)>) -> String {
    source.map(|e| format!(": {e}")).unwrap_or_default()
}

/// This node's long-term identity.
#[derive(Clone, Debug)]
pub struct Identity {
    keypair: Keypair,
}

impl Identity {
    /// A fresh random identity.
    pub fn generate() -> Identity {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the operating system's random source is available");
        Identity {
            keypair: Keypair::ed25519_from_bytes(secret)
                .expect("any 32 bytes are an ed25519 secret"),
        }
    }

    /// Decodes a key written by [`Identity::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Identity, NetError> {
        Keypair::from_protobuf_encoding(bytes)
            .map(|keypair| Identity { keypair })
            .map_err(|e| NetError::Damaged(e.to_string()))
    }

    /// The key in libp2p's protobuf encoding, for the key file.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.keypair
            .to_protobuf_encoding()
            .expect("ed25519 keys always encode")
    }

    /// The peer id (base58), the node's public name.
    pub fn peer_id(&self) -> String {
        self.keypair.public().to_peer_id().to_base58()
    }
}

/// `n` random bytes from the operating system, as `2n` lowercase hex digits: invite secrets
/// here, and the binary's API token and new bureau ids.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).expect("the operating system's random source is available");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// How to run the network.
#[derive(Clone, Debug)]
pub struct NetConfig {
    /// The node's key.
    pub identity: Identity,
    /// The data directory's small files (remembered peers, listen ports, invites).
    pub files: Files,
    /// Addresses to listen on; empty means the remembered ones, else [`DEFAULT_LISTEN`].
    pub listen: Vec<String>,
    /// Addresses to dial at start (`--peer`).
    pub peers: Vec<String>,
    /// Where others reach this node when that is not where it listens (`--announce`: a port
    /// forwarded on a router, a proxy in front of it); invite codes name these first, ahead
    /// of the listen addresses. Each must pass [`announce_address`].
    pub announce: Vec<String>,
    /// Discover peers on the local network.
    pub mdns: bool,
    /// The sync protocols to speak, newest first; empty means every one this release
    /// speaks. Fewer only to play a node of an earlier release in tests.
    pub sync_versions: Vec<bureau_sync::Version>,
    /// `Some(bureau id)` when the node recovers a lost document (`bureau serve --recover`):
    /// until the bureau arrives, the members it remembers may send it.
    pub recover: Option<String>,
    /// This node is the bureau's hub (`serve --hub`): it relays circuits to the devices that
    /// hold a reservation with it, so that a joiner who reaches only the hub reaches its
    /// inviter, and it finds an invite's holder by its nameplate for such a joiner.
    pub hub: bool,
}

/// One peer as the node sees it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PeerStatus {
    /// The peer id.
    pub peer_id: String,
    /// The device's name in the document, if it is a device of the bureau.
    pub name: Option<String>,
    /// The member owning it.
    pub member_id: Option<String>,
    /// Its role.
    pub role: Option<String>,
    /// Whether it is revoked.
    pub revoked: bool,
    /// A connection is open.
    pub connected: bool,
    /// Both sides' heads are equal.
    pub in_sync: bool,
    /// When a sync message from it was last applied (RFC 3339).
    pub last_sync: Option<String>,
    /// The address of the connection in use, or the one that would be dialled.
    pub addr: Option<String>,
    /// How the node learned of it.
    pub source: Option<Source>,
    /// Sync traffic with this peer since the node started (all sessions): bytes of sync
    /// frames (length prefix, document id and automerge message; not the transport's
    /// encryption and multiplexing) and messages, each way. Updated at most once a second.
    pub sync: SyncTotals,
    /// The sync protocol of the running session (`/bureau/sync/2`, or `/bureau/sync/1` with
    /// a node of an earlier release), if one runs.
    pub protocol: Option<String>,
    /// Its heads as it last announced them to this node, and when they were new.
    pub heads: Option<HeardStatus>,
    /// Its heads as another peer last told of them (the newest such word), with that peer.
    pub heard: Option<HeardStatus>,
    /// How far its clock is ahead of this node's (negative: behind), in seconds, as it said
    /// in its last session.
    pub clock_offset_secs: Option<i64>,
}

/// A peer's heads as known at a time, directly or through another peer.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HeardStatus {
    /// Its heads, hex.
    pub heads: Vec<String>,
    /// When it held them (RFC 3339).
    pub at: String,
    /// The peer that told of them; `None` for what it announced itself.
    pub via: Option<String>,
}

/// Counts of sync frames exchanged with one peer.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct SyncTotals {
    /// Bytes sent.
    pub sent_bytes: u64,
    /// Bytes received.
    pub received_bytes: u64,
    /// Messages sent.
    pub sent_messages: u64,
    /// Messages received.
    pub received_messages: u64,
}

/// The network at a glance, published after every change.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct NetStatus {
    /// Addresses this node listens on.
    pub listen: Vec<String>,
    /// Sync is paused ("airplane mode").
    pub paused: bool,
    /// Known peers, by peer id.
    pub peers: Vec<PeerStatus>,
    /// What the discovery doctor needs to say why this node is not syncing.
    pub facts: NetFacts,
}

/// Facts about the network that explain a node not syncing (`bureau doctor`).
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct NetFacts {
    /// mDNS discovery is on.
    pub mdns: bool,
    /// mDNS found at least one other node since the start.
    pub mdns_heard: bool,
    /// Seconds since the network started.
    pub running_secs: u64,
    /// Whether the system has a route that multicast (mDNS's 224.0.0.251) can take; `None`
    /// where the routing table cannot be read.
    pub multicast_route: Option<bool>,
    /// The last error of each address whose last dial failed, newest first.
    pub dial_errors: Vec<DialFailure>,
    /// Peers refused since the start (not a device of the bureau, or revoked), newest first.
    pub refused: Vec<Refusal>,
    /// Peers that refused this node's sync protocol (another release), newest first.
    pub incompatible: Vec<Incompatible>,
}

/// A peer that refused this node's sync protocol.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Incompatible {
    /// The peer.
    pub peer_id: String,
    /// The protocol it refused.
    pub protocol: String,
    /// When (RFC 3339).
    pub at: String,
}

/// An address whose last dial failed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DialFailure {
    /// The address, without `/p2p/`.
    pub addr: String,
    /// The peer dialled there, if the dial named one.
    pub peer_id: Option<String>,
    /// What the transport said.
    pub error: String,
    /// When (RFC 3339).
    pub at: String,
}

/// A peer this node refused.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Refusal {
    /// The peer.
    pub peer_id: String,
    /// `revoked` or `not_member`.
    pub reason: String,
    /// When (RFC 3339).
    pub at: String,
}

#[derive(Debug)]
pub(crate) enum Command {
    Dial {
        addr: String,
        reply: oneshot::Sender<Result<(), NetError>>,
    },
    SetPaused(bool),
    Invite {
        role: Role,
        expires_in: Duration,
        member_id: Option<String>,
        reply: oneshot::Sender<Result<Invite, NetError>>,
    },
    Invites {
        reply: oneshot::Sender<Vec<InviteInfo>>,
    },
    SetPresence {
        document: String,
        tab: String,
        paragraph: Option<u32>,
    },
    Presence {
        document: String,
        reply: oneshot::Sender<Vec<PeerPresence>>,
    },
}

/// A peer that has a shared document open, as this node heard it over sync (presence is
/// never stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeerPresence {
    /// The peer's device.
    pub peer_id: String,
    /// Its member (a member record's id), as this node's document gives it.
    pub member_id: String,
    /// The member's name.
    pub name: String,
    /// The device's name.
    pub device: String,
    /// The paragraph it is in, from 0 (the text's non-empty lines).
    pub paragraph: u32,
    /// How long ago the peer last told it, in milliseconds.
    pub seen_ms_ago: u64,
}

/// An invite just made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invite {
    /// The short code to read out or type (`7-orbit-lantern`).
    pub code: String,
    /// The link (`bureau1-...`): the inviter's addresses and the secret, for the QR code and
    /// for joining where the inviter cannot be found by its nameplate.
    pub link: String,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
}

/// A handle to the network loop.
#[derive(Clone, Debug)]
pub struct NetHandle {
    tx: mpsc::Sender<Command>,
    status: watch::Receiver<Arc<NetStatus>>,
}

impl NetHandle {
    /// The latest network status.
    pub fn status(&self) -> Arc<NetStatus> {
        self.status.borrow().clone()
    }

    /// Wakes on every status change.
    pub fn subscribe(&self) -> watch::Receiver<Arc<NetStatus>> {
        self.status.clone()
    }

    /// Dials an address (remembered if it names the peer with `/p2p/…`).
    pub async fn dial(&self, addr: &str) -> Result<(), NetError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Command::Dial {
                addr: addr.to_owned(),
                reply,
            })
            .await
            .map_err(|_| NetError::Closed)?;
        rx.await.map_err(|_| NetError::Closed)?
    }

    /// Pauses (cuts all peer traffic) or resumes sync.
    pub async fn set_paused(&self, paused: bool) -> Result<(), NetError> {
        self.tx
            .send(Command::SetPaused(paused))
            .await
            .map_err(|_| NetError::Closed)
    }

    /// Makes a one-time invite code for a device of `role`, joining as the member
    /// `member_id` or (with `None`) as a new member it names; returns its short code, its
    /// link and its expiry. Refused when this device may not make that invite
    /// ([`bureau_model::check_invite`]).
    pub async fn invite(
        &self,
        role: Role,
        expires_in: Duration,
        member_id: Option<String>,
    ) -> Result<Invite, NetError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Command::Invite {
                role,
                expires_in,
                member_id,
                reply,
            })
            .await
            .map_err(|_| NetError::Closed)?;
        rx.await.map_err(|_| NetError::Closed)?
    }

    /// The invites this node made that its book still holds (open ones, and closed ones
    /// for a day after they expire), newest expiry first.
    pub async fn invites(&self) -> Result<Vec<InviteInfo>, NetError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Command::Invites { reply })
            .await
            .map_err(|_| NetError::Closed)?;
        rx.await.map_err(|_| NetError::Closed)
    }

    /// Says that an editor of `document` on this node (`tab` tells it from the node's other
    /// editors) is in `paragraph`, or, with `None`, has left. Peers that speak presence hear
    /// it; an editor that stops saying so is forgotten after a few seconds.
    pub async fn set_presence(
        &self,
        document: String,
        tab: String,
        paragraph: Option<u32>,
    ) -> Result<(), NetError> {
        self.tx
            .send(Command::SetPresence {
                document,
                tab,
                paragraph,
            })
            .await
            .map_err(|_| NetError::Closed)
    }

    /// The peers that have `document` open now, by name.
    pub async fn presence(&self, document: String) -> Result<Vec<PeerPresence>, NetError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Command::Presence { document, reply })
            .await
            .map_err(|_| NetError::Closed)?;
        rx.await.map_err(|_| NetError::Closed)
    }
}

/// Starts the network loop (on the current tokio runtime). It runs until `cancel` fires or
/// every handle is dropped.
pub fn start(
    config: NetConfig,
    doc: DocHandle,
    cancel: CancellationToken,
) -> Result<(NetHandle, tokio::task::JoinHandle<()>), NetError> {
    event_loop::start(config, doc, cancel)
}

/// Most addresses a node may announce: the document keeps at most 16 per device.
pub const MAX_ANNOUNCE: usize = 16;

/// Checks an address to announce to the other members (`--announce`) and returns it in the
/// canonical form the document keeps. It must name an IP address (the node has no DNS
/// transport) with a TCP port or a QUIC address that others can dial, and no `/p2p/…`: members dial it together with this device's own
/// peer id, so a peer id written there could only ever be a wrong one.
pub fn announce_address(addr: &str) -> Result<String, NetError> {
    addr::announce_address(addr).map(|a| a.to_string())
}

/// The bureau this node joined but has not received yet, if any.
pub fn pending_bureau(files: &Files) -> Option<String> {
    remembered::load_state(files).pending_bureau
}

/// What a successful join returns.
#[derive(Clone, Debug)]
pub struct Joined {
    /// The bureau joined.
    pub bureau_id: String,
    /// The member this device belongs to (made for it, or the one the invite named).
    pub member_id: String,
    /// That member's name, from an inviter that says it.
    pub member_name: Option<String>,
    /// The inviter's peer id.
    pub inviter: String,
    /// The inviter's addresses, as the joiner remembers them.
    pub inviter_addrs: Vec<String>,
    /// The bureau's hubs the invite named (`/.../p2p/<peer id>`), remembered beside the
    /// inviter.
    pub hubs: Vec<String>,
}

/// Writes again what a join left in the data directory for the next `serve` (the inviter and
/// its addresses, the pending bureau): for a node that joined while it ran, whose network
/// loop may have saved its own view of those files over them while it stopped.
pub fn record_join(files: &Files, joined: &Joined) {
    join::remember_join(files, joined);
}

/// Checks the name a joiner gives, as the inviter will, and returns it as it will be stored
/// (trimmed): one line of 1 to 200 characters, no control characters, no bidirectional
/// overrides or invisible characters other than the zero-width joiners. A name refused here
/// never reaches the inviter, so the invite stays valid.
pub fn check_join_name(name: &str) -> Result<String, NetError> {
    join::check_name(name).map_err(NetError::BadName)
}

/// Joins with an invite: a short code (`7-orbit-lantern`) is first proven to the node whose
/// open invite has its nameplate, found at `peers` or, with none, by mDNS (`/bureau/join-code/1`),
/// which hands over the invite's link; a link (`bureau1-...`) names its inviter and addresses
/// (`peers` are tried first). The link is then presented over `/bureau/join/1` and, when
/// accepted, the inviter is remembered so that the next `serve` syncs the bureau from it. An
/// invite made for a member needs no name (the device joins as that member); any other needs
/// one, and a name that [`check_join_name`] refuses is refused here, before anything is sent.
pub async fn join(
    identity: &Identity,
    files: &Files,
    code: &str,
    name: Option<&str>,
    peers: &[String],
) -> Result<Joined, NetError> {
    join::join(identity, files, code, name, peers).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_round_trips_and_damage_is_reported() {
        let id = Identity::generate();
        let back = Identity::from_bytes(&id.to_bytes()).expect("own encoding decodes");
        assert_eq!(id.peer_id(), back.peer_id());
        assert!(id.peer_id().starts_with("12D3KooW"), "{}", id.peer_id());
        let err = Identity::from_bytes(b"not a key").unwrap_err();
        assert!(err.to_string().contains("damaged"), "{err}");
        assert_ne!(Identity::generate().peer_id(), id.peer_id());
    }

    /// A transport failure keeps libp2p's error as its source (and names it in its message,
    /// which is all a log line shows).
    #[test]
    fn a_transport_failure_keeps_libp2ps_error() {
        let mut control = libp2p_stream::Behaviour::new().new_control();
        let protocol = libp2p::StreamProtocol::new(JOIN_PROTOCOL);
        let Ok(_taken) = control.accept(protocol.clone()) else {
            panic!("the first accept failed");
        };
        let Err(err) = control
            .accept(protocol)
            .map_err(|e| NetError::transport(format!("accepting {JOIN_PROTOCOL} streams"), e))
        else {
            panic!("a protocol was accepted twice");
        };
        let source = std::error::Error::source(&err).expect("libp2p's error is kept");
        assert!(
            source.is::<libp2p_stream::AlreadyRegistered>(),
            "{source:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("network setup failed: accepting {JOIN_PROTOCOL} streams: {source}")
        );
        let alone = NetError::transport_alone("could not listen on any address");
        assert!(std::error::Error::source(&alone).is_none());
        assert_eq!(
            alone.to_string(),
            "network setup failed: could not listen on any address"
        );
    }

    #[test]
    fn announced_addresses_must_be_dialable_without_a_peer_id() {
        for ok in [
            "/ip4/203.0.113.7/tcp/4001",
            " /ip6/2001:db8::7/udp/4002/quic-v1 ",
        ] {
            let got = announce_address(ok).unwrap_or_else(|e| panic!("{ok:?}: {e}"));
            assert_eq!(got, ok.trim());
        }
        let peer = Identity::generate().peer_id();
        for (bad, why) in [
            ("203.0.113.7:4001", "multiaddr"),
            ("/ip4/203.0.113.7", "port"),
            ("/ip4/203.0.113.7/tcp/0", "port"),
            ("/ip4/203.0.113.7/udp/4002", "port"),
            ("/tcp/4001", "IP address"),
            ("/dns4/bureau.example.org/tcp/443", "IP address"),
            ("/ip4/0.0.0.0/tcp/4001", "IP address"),
            (&format!("/ip4/203.0.113.7/tcp/4001/p2p/{peer}"), "/p2p/"),
        ] {
            match announce_address(bad) {
                Err(NetError::BadAddress { addr, reason }) => {
                    assert_eq!(addr, bad);
                    assert!(reason.contains(why), "{bad:?}: {reason}");
                }
                other => panic!("{bad:?} was accepted: {other:?}"),
            }
        }
    }
}
