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
//!
//! **Circuits through a hub.** Every swarm can dial and listen through a circuit relay
//! (libp2p's relay v2 client), and a hub's swarm is one (the relay server), so a joiner that
//! reaches only the bureau's hub can still reach its inviter behind a NAT. Noise runs end to
//! end inside the circuit: the hub passes bytes it cannot read, and the inviter's peer id is
//! still proven to the joiner. A hub takes reservations from the bureau's devices only
//! ([`RelayAccess`]), so the peers reachable through it are members; circuits are short and
//! small (they carry a join, never a sync session).

use std::collections::HashSet;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{PeerId, Swarm, connection_limits, mdns, noise, ping, relay, tcp, yamux};
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

/// The devices a hub relays for: only they may hold a reservation, so only they can be
/// reached through it. The event loop keeps it up to date with the gate's members.
pub(crate) type RelayAccess = Arc<RwLock<HashSet<PeerId>>>;

/// A circuit carries a short-code exchange and a join: a few kilobytes, a few seconds.
const MAX_CIRCUIT_BYTES: u64 = 1 << 16;
const MAX_CIRCUIT_DURATION: Duration = Duration::from_secs(60);

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
    /// Dialling and listening through a hub's circuits.
    pub(crate) relay_client: relay::client::Behaviour,
    /// On a hub only: relaying circuits to the devices that hold a reservation here.
    relay: Toggle<relay::Behaviour>,
}

/// A swarm with this node's identity: TCP and QUIC, Noise, yamux, and mDNS if `mdns_on` (and
/// the system allows it; if not, the node runs without it and says so), and a relay for the
/// devices in `relay_for` if given (a hub).
pub(crate) fn build_swarm(
    identity: &Identity,
    mdns_on: bool,
    relay_for: Option<RelayAccess>,
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
        .with_relay_client(noise::Config::new, yamux::Config::default)
        .map_err(|e| NetError::transport("setting up circuits", e))?
        .with_behaviour(|key, relay_client| {
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
                relay_client,
                relay: Toggle::from(relay_for.map(|access| relay_server(local, access))),
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

/// A hub's relay: libp2p's limits per peer and address, a reservation for devices only, and
/// circuits sized for a join.
fn relay_server(local: PeerId, access: RelayAccess) -> relay::Behaviour {
    let mut config = relay::Config {
        max_circuit_bytes: MAX_CIRCUIT_BYTES,
        max_circuit_duration: MAX_CIRCUIT_DURATION,
        ..relay::Config::default()
    };
    config
        .reservation_rate_limiters
        // libp2p's `web_time::Instant` is the standard one off the web.
        .push(Box::new(
            move |peer: PeerId, _: &libp2p::Multiaddr, _: Instant| {
                access
                    .read()
                    .expect("the relay access lock is never poisoned")
                    .contains(&peer)
            },
        ));
    let mut relay = relay::Behaviour::new(local, config);
    // libp2p turns a relay on only once the node's external address is confirmed (by
    // AutoNAT and the like, which this node does not run); a hub is one by its role.
    relay.set_status(Some(relay::Status::Enable));
    relay
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;
    use libp2p::Multiaddr;
    use libp2p::multiaddr::Protocol;
    use libp2p::swarm::SwarmEvent;

    use super::*;

    const DEADLINE: Duration = Duration::from_secs(30);

    /// Whether a node asking `hub` (at `hub_addr`) for a reservation gets one: it listens
    /// through the circuit, or its listener closes.
    async fn reserves(hub_addr: &Multiaddr, hub: PeerId, who: &Identity) -> bool {
        let mut swarm = build_swarm(who, false, None).expect("a swarm");
        let circuit = hub_addr
            .clone()
            .with(Protocol::P2p(hub))
            .with(Protocol::P2pCircuit);
        swarm.listen_on(circuit).expect("listening through the hub");
        tokio::time::timeout(DEADLINE, async {
            loop {
                match swarm.select_next_some().await {
                    SwarmEvent::NewListenAddr { address, .. }
                        if address.iter().any(|p| p == Protocol::P2pCircuit) =>
                    {
                        return true;
                    }
                    SwarmEvent::ListenerClosed { .. } => return false,
                    _ => {}
                }
            }
        })
        .await
        .expect("the hub answered the reservation in time")
    }

    /// A hub relays for the bureau's devices only: a device gets a reservation (and with it
    /// an address through the hub), a stranger does not, so strangers cannot be reached
    /// through the bureau's hub.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_hub_takes_reservations_from_devices_only() {
        let (hub_id, device, stranger) = (
            Identity::generate(),
            Identity::generate(),
            Identity::generate(),
        );
        let access = RelayAccess::default();
        access
            .write()
            .expect("not poisoned")
            .insert(device.keypair.public().to_peer_id());
        let mut hub = build_swarm(&hub_id, false, Some(access)).expect("the hub's swarm");
        hub.listen_on("/ip4/127.0.0.1/tcp/0".parse().expect("an address"))
            .expect("listening");
        let hub_addr: Multiaddr = loop {
            if let SwarmEvent::NewListenAddr { address, .. } = hub.select_next_some().await {
                break address;
            }
        };
        hub.add_external_address(hub_addr.clone());
        let hub_peer = *hub.local_peer_id();
        let driver = tokio::spawn(async move {
            loop {
                hub.select_next_some().await;
            }
        });
        assert!(
            !reserves(&hub_addr, hub_peer, &stranger).await,
            "a stranger got a reservation"
        );
        assert!(
            reserves(&hub_addr, hub_peer, &device).await,
            "a device got no reservation"
        );
        driver.abort();
    }
}
