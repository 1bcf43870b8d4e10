//! Building a libp2p `Swarm`: transports, the behaviours and the limits they run under.
//!
//! One builder serves every swarm the node makes: the event loop's, the joiner's short-lived
//! one (`join.rs`) and the test client's (`testing.rs`), so all of them speak the same
//! transports and open streams the same way.
//!
//! **Invariants.** TCP and QUIC both authenticate with Noise, so a connection's peer id is the
//! proven ed25519 key and every protocol can trust it. Every stream this node opens is for a
//! protocol its peers speak, which is what makes opening them lazily (`V1Lazy`) safe; a stream
//! whose negotiation fails anyway is never touched again ([`crate::stream`]). Connection limits
//! come from two behaviours: `connection_limits` bounds pending handshakes and connections per
//! peer, and the [`gate`] gives members and strangers separate inbound budgets, so strangers
//! never take a member's place.

use std::time::Duration;

use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{Swarm, connection_limits, mdns, noise, ping, tcp, yamux};
use tracing::warn;

use crate::{Identity, NetError, gate};

/// A connection with no open stream is closed after this long. Members always have a sync
/// stream open, so this only ends strangers' and finished joiners' connections.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

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

/// Every behaviour a node's swarm runs.
#[derive(NetworkBehaviour)]
pub(crate) struct Behaviour {
    /// Pending inbound handshakes overall, connections per peer.
    limits: connection_limits::Behaviour,
    /// Inbound budgets of members and strangers; the event loop tells it who the members are.
    pub(crate) gate: gate::Gate,
    /// Streams of our own protocols (sync, join), opened and accepted through its `Control`.
    pub(crate) stream: libp2p_stream::Behaviour,
    /// Keeps connections alive and finds dead ones.
    ping: ping::Behaviour,
    /// Discovery on the local network; off when disabled or unavailable.
    mdns: Toggle<mdns::tokio::Behaviour>,
}

/// A swarm with this node's identity: TCP and QUIC, Noise, yamux, and mDNS if `mdns_on` (and
/// the system allows it; if not, the node runs without it and says so).
pub(crate) fn build_swarm(
    identity: &Identity,
    mdns_on: bool,
) -> Result<Swarm<Behaviour>, NetError> {
    let swarm = libp2p::SwarmBuilder::with_existing_identity(identity.keypair.clone())
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|e| NetError::transport("setting up TCP", e))?
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
        .map_err(|e| NetError::transport("setting up the behaviours", e))?
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
