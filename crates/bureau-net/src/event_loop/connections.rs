//! Listening, dialling, and what the swarm reports: listen addresses, connections opened and
//! closed, failed dials, peers found by mDNS.
//!
//! **Invariants.** Every connection records its peer, so a connected peer is always known;
//! the address it was dialled at is remembered (one the peer listens on), an inbound one is
//! not. While paused, or to a revoked device, a connection is closed as soon as it is made.
//! When a peer's last connection closes, its session ends and, if it is a stranger, it is
//! forgotten. Each dial of a peer doubles its wait before the next (up to the maximum), and
//! a connection resets it; a stranger found by mDNS is dialled once, members and the inviter
//! until they answer. A connection whose peer stopped answering pings is closed, and so is
//! a peer's older connection when the peer dials in again: either way the other end is gone.
//! Listen ports bound by the system are written to `net.json`, so that the addresses other
//! members remember stay valid across restarts.

use std::time::{Duration, Instant};

use bureau_doc::WithCauses;
use libp2p::core::ConnectedPoint;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::ConnectionId;
use libp2p::swarm::SwarmEvent;
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::{Multiaddr, PeerId};
use libp2p::{mdns, ping};
use tracing::{debug, info, warn};

use super::EventLoop;
use super::peer::{BACKOFF_MAX, BACKOFF_MIN, MEMBER_BACKOFF_MAX, Peer, STEADY};
use crate::addr::{parse_addr, split_p2p, with_any_port, with_bound_port};
use crate::remembered::Source;
use crate::swarm::BehaviourEvent;
use crate::{DEFAULT_LISTEN, NetError};

/// How old a peer's connection must be, at the least, for a new one it dials to mean the old
/// one is lost ([`EventLoop::close_lost`]): longer than the gap between two handshakes of one
/// dial to several addresses. A lost connection younger than that is left to the pings.
const LOST_AFTER: Duration = Duration::from_secs(1);

impl EventLoop {
    /// Listens on the addresses given (`--listen`), else on those remembered in `net.json`
    /// (any port if a remembered one is taken), else on [`DEFAULT_LISTEN`]. Fails only if
    /// none of them can be listened on.
    pub(super) fn listen(&mut self, explicit: &[String]) -> Result<(), NetError> {
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
                    // libp2p's listen error says nothing itself; the system's error under it
                    // says why.
                    warn!(%addr, error = %WithCauses(&e), "remembered listen port is taken; using another");
                    self.swarm.listen_on(with_any_port(&addr))
                } else {
                    Err(e)
                }
            });
            match res {
                Ok(id) => {
                    self.listeners.insert(id, (addr, None));
                    any = true;
                }
                Err(e) => warn!(%addr, error = %WithCauses(&e), "cannot listen"),
            }
        }
        if any {
            Ok(())
        } else {
            Err(NetError::transport_alone(
                "could not listen on any address; check --listen",
            ))
        }
    }

    /// Dials every known peer that is not connected and whose next dial is due, and every
    /// bare address that is due.
    pub(super) fn dial_due(&mut self) {
        let now = Instant::now();
        let due: Vec<(PeerId, Vec<Multiaddr>)> = self
            .peers
            .iter()
            .filter(|(_, p)| {
                p.is_known() && p.connected.is_none() && now >= p.next_dial && !p.addrs.is_empty()
            })
            .map(|(id, p)| (*id, p.addrs.clone()))
            .collect();
        for (peer, addrs) in due {
            // Strangers found by mDNS are dialled once; members and inviters are kept
            // connected.
            let keep = self.allowed(&peer);
            let p = self.peers.get_mut(&peer).expect("listed above");
            if !keep && p.source == Some(Source::Mdns) && p.backoff > BACKOFF_MIN {
                continue;
            }
            p.next_dial = now + spread(p.backoff);
            p.backoff = (p.backoff * 2).min(dial_cap(keep, &p.addrs));
            let opts = DialOpts::peer_id(peer).addresses(addrs).build();
            if let Err(e) = self.swarm.dial(opts) {
                debug!(%peer, error = %e, "dial refused");
            }
        }
        self.dial_at = self
            .peers
            .values()
            .filter(|p| p.is_known() && p.connected.is_none() && !p.addrs.is_empty())
            .map(|p| p.next_dial)
            .filter(|t| *t > now)
            .min();
        for (addr, next, backoff) in &mut self.bare {
            if now >= *next {
                *next = now + *backoff;
                *backoff = (*backoff * 2).min(BACKOFF_MAX);
                if let Err(e) = self.swarm.dial(addr.clone()) {
                    debug!(%addr, error = %e, "dial refused");
                }
            }
        }
    }

    pub(super) fn on_swarm(&mut self, ev: SwarmEvent<BehaviourEvent>) {
        match ev {
            SwarmEvent::NewListenAddr {
                listener_id,
                address,
            } => {
                if address.iter().any(|p| p == Protocol::P2pCircuit) {
                    // Reachable through a hub: for joiners who reach only the hub. Not an
                    // address to announce: members sync directly or through the hub's store.
                    info!(%address, "reachable through the hub");
                    return;
                }
                info!(%address, "listening");
                if self.relay_for.is_some() && self.announce.is_empty() {
                    self.swarm.add_external_address(address.clone());
                }
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
            SwarmEvent::ListenerClosed {
                listener_id,
                reason,
                ..
            } => {
                // A reservation with a hub ended (refused, expired, or the hub went): asked
                // for again once the hub is connected and the wait is over.
                if let Some((hub, entry)) = self
                    .circuits
                    .iter_mut()
                    .find(|(_, (id, _))| *id == Some(listener_id))
                {
                    debug!(%hub, ?reason, "the reservation with a hub ended");
                    *entry = (None, Instant::now());
                }
            }
            SwarmEvent::ExpiredListenAddr { address, .. } => {
                self.listen_addrs.retain(|a| a != &address);
                self.publish();
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                connection_id,
                endpoint,
                ..
            } => {
                self.close_lost(peer_id, connection_id, &endpoint);
                self.on_connected(peer_id, &endpoint);
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                connection_id,
                num_established,
                ..
            } if num_established > 0 => self.forget_connection(peer_id, connection_id),
            SwarmEvent::ConnectionClosed {
                peer_id,
                connection_id,
                ..
            } => {
                self.forget_connection(peer_id, connection_id);
                let mut lost = false;
                if let Some(p) = self.peers.get_mut(&peer_id) {
                    p.connected = None;
                    lost = p.is_known()
                        && p.connected_since
                            .take()
                            .is_some_and(|t| t.elapsed() >= STEADY);
                    p.end_session();
                }
                if lost && !self.paused && !self.revoked(&peer_id) && self.allowed(&peer_id) {
                    info!(peer = %peer_id, "the connection to a member was lost; dialling it again at once");
                    self.redial_soon(&[peer_id]);
                }
                self.forget(&peer_id);
                if self.peers.get(&peer_id).is_some_and(Peer::holds_nothing) {
                    self.peers.remove(&peer_id);
                }
                self.publish();
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                // Nothing to schedule: the dial already set the next attempt and doubled the
                // backoff. Doubling again here made the waits 1, 4, 16, 30 s, so a peer back
                // after a few seconds was found only a quarter of a minute later.
                debug!(?peer_id, error = %error, "dial failed");
                // Kept for the doctor, address by address: which ones fail, and how.
                let now = jiff::Timestamp::now().as_second();
                match &error {
                    libp2p::swarm::DialError::Transport(errs) => {
                        for (addr, e) in errs {
                            let (base, _) = split_p2p(addr);
                            self.dial_errors
                                .insert(base, (peer_id, transport_error(e), now));
                        }
                    }
                    libp2p::swarm::DialError::WrongPeerId { obtained, address } => {
                        let (base, _) = split_p2p(address);
                        self.dial_errors.insert(
                            base,
                            (
                                peer_id,
                                format!("another node answers there ({obtained})"),
                                now,
                            ),
                        );
                    }
                    _ => {}
                }
                self.publish();
            }
            SwarmEvent::Behaviour(BehaviourEvent::Ping(ping::Event {
                peer,
                result: Ok(rtt),
                ..
            })) => {
                if let Some(p) = self.peers.get_mut(&peer) {
                    p.rtt = Some(rtt);
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Ping(ping::Event {
                peer,
                connection,
                result: Err(error),
            })) => {
                // libp2p's ping only reports: a connection whose peer vanished without a word
                // (a laptop's lid closed, its Wi-Fi gone) would otherwise stay open until TCP
                // gives up, a quarter of an hour, showing the peer connected and taking the
                // streams opened to it. Closed here, the peer is dialled again as any lost one.
                info!(%peer, %error, "a peer stopped answering pings; closing that connection");
                self.swarm.close_connection(connection);
            }
            SwarmEvent::Behaviour(BehaviourEvent::Mdns(mdns::Event::Discovered(list))) => {
                if !list.is_empty() {
                    self.mdns_heard = true;
                }
                for (peer, addr) in list {
                    debug!(%peer, %addr, "discovered on the local network");
                    self.remember(peer, vec![addr], Source::Mdns, false);
                }
                self.on_tick();
            }
            _ => {}
        }
    }

    /// A connection `id` to `peer` was made. If the peer dialled it while another of its
    /// connections here was already open, that one is lost: a node dials a peer only while it
    /// holds no connection to it, so the peer no longer has the other end (it restarted, or
    /// came back on a new network, while this side heard nothing). Left open, the dead
    /// connection shows the peer connected and takes half the streams opened to it (libp2p
    /// picks one of a peer's connections at random), which then wait in vain: a hub asking a
    /// restarted device for a short code's nameplate, a sync session opened there.
    ///
    /// "Already open" when the peer dialled is judged by age: the other connection is older
    /// than the peer's head start on a resume plus four round trips (a handshake takes 2.5),
    /// and than [`LOST_AFTER`]. Younger ones are left alone: both ends of a pair dial on a
    /// resume when the lower one's connection is slower than the higher one's head start, and
    /// closing the first of those two would end the session on it; and a peer dialling
    /// several addresses at once may finish two handshakes here before it drops the slower.
    fn close_lost(&mut self, peer: PeerId, id: ConnectionId, endpoint: &ConnectedPoint) {
        let now = Instant::now();
        let lost_after = self
            .peers
            .get(&peer)
            .and_then(|p| p.rtt.map(|rtt| p.head_start() + rtt * 4))
            .unwrap_or_default()
            .max(LOST_AFTER);
        let conns = self.conns.entry(peer).or_default();
        if !endpoint.is_dialer() {
            for (old, since) in conns.iter() {
                if now.duration_since(*since) >= lost_after {
                    debug!(%peer, "the peer dialled in again; closing its older connection, which it lost");
                    self.swarm.close_connection(*old);
                }
            }
        }
        conns.push((id, now));
    }

    /// Connection `id` to `peer` closed.
    fn forget_connection(&mut self, peer: PeerId, id: ConnectionId) {
        if let Some(conns) = self.conns.get_mut(&peer) {
            conns.retain(|(c, _)| *c != id);
            if conns.is_empty() {
                self.conns.remove(&peer);
            }
        }
    }

    /// A connection to `peer` was established (another one, perhaps).
    fn on_connected(&mut self, peer: PeerId, endpoint: &ConnectedPoint) {
        if self.revoked(&peer) {
            self.refused
                .insert(peer, ("revoked", jiff::Timestamp::now().as_second()));
        }
        if self.paused || self.revoked(&peer) {
            let _ = self.swarm.disconnect_peer_id(peer);
            return;
        }
        let remote = match endpoint {
            ConnectedPoint::Dialer { address, .. } => address.clone(),
            ConnectedPoint::Listener { send_back_addr, .. } => send_back_addr.clone(),
        };
        if endpoint.is_dialer() {
            self.dial_errors.remove(&split_p2p(&remote).0);
        }
        debug!(%peer, %remote, "connected");
        let entry = self.peers.entry(peer).or_insert_with(Peer::new);
        entry.connected = Some(remote.clone());
        entry.connected_since.get_or_insert_with(Instant::now);
        if endpoint.is_dialer() {
            // A dialled address is one the peer listens on: worth remembering.
            let (base, _) = split_p2p(&remote);
            self.bare.retain(|(a, _, _)| a != &base);
            self.remember(peer, vec![base], Source::Remembered, false);
        } else {
            self.remember(peer, Vec::new(), Source::Inbound, false);
        }
        // A member this node had been failing to reach answers again: the network that
        // kept it away (a partition, a Wi-Fi outage) is likely back for the others too, which
        // would otherwise each wait out a backoff (up to two seconds, half a minute through a
        // hub). They are dialled at once, and they do the same on this connection, so a
        // healed mesh reconnects within a few round trips of its first connection.
        let came_back = self.allowed(&peer)
            && self
                .peers
                .get(&peer)
                .is_some_and(|p| p.is_known() && p.backoff > BACKOFF_MIN);
        if let Some(p) = self.peers.get_mut(&peer) {
            if p.is_known() {
                p.backoff = BACKOFF_MIN;
            }
            // A new connection is a fresh chance: an attempt that failed on an older one
            // (say, the short-lived connection of a join) must not delay this one.
            p.retry_at = None;
        }
        if self.allowed(&peer) {
            self.save_peers();
        }
        self.maybe_open(peer);
        if came_back
            && self
                .network_back
                .is_none_or(|t| t.elapsed() >= NETWORK_BACK_EVERY)
        {
            let away: Vec<PeerId> = self
                .peers
                .iter()
                .filter(|(id, p)| {
                    **id != peer
                        && p.is_known()
                        && p.connected.is_none()
                        && p.backoff > BACKOFF_MIN
                        && !p.addrs.is_empty()
                })
                .map(|(id, _)| *id)
                .filter(|id| self.allowed(id))
                .collect();
            if !away.is_empty() {
                self.network_back = Some(Instant::now());
                debug!(%peer, others = away.len(), "a member is back; dialling the others it may have come back with");
                self.redial_soon(&away);
            }
        }
        self.reserve_circuits();
        self.publish();
    }

    /// Holds a reservation with every hub this node is connected to (not on a hub itself),
    /// so that a joiner who reaches only a hub reaches this node through it. One asked for
    /// that ended is asked for again after [`RESERVE_AGAIN`]; called on each connection and
    /// each tick.
    pub(super) fn reserve_circuits(&mut self) {
        if self.relay_for.is_some() || self.paused {
            return;
        }
        let st = self.doc.state();
        let due: Vec<(PeerId, Multiaddr)> = st
            .snapshot
            .devices
            .iter()
            .filter(|(_, d)| !d.revoked && d.role == bureau_model::Role::Relay)
            .filter_map(|(id, d)| {
                let hub: PeerId = id.parse().ok()?;
                let p = self.peers.get(&hub)?;
                p.connected.as_ref()?;
                if self
                    .circuits
                    .get(&hub)
                    .is_some_and(|(id, at)| id.is_some() || at.elapsed() < RESERVE_AGAIN)
                {
                    return None;
                }
                // The hub's own address (announced in its record, or one it was reached at).
                let base = d
                    .addrs
                    .iter()
                    .find_map(|a| a.parse::<Multiaddr>().ok())
                    .or_else(|| p.addrs.first().cloned())?;
                Some((hub, split_p2p(&base).0))
            })
            .collect();
        drop(st);
        for (hub, base) in due {
            let addr = base.with(Protocol::P2p(hub)).with(Protocol::P2pCircuit);
            match self.swarm.listen_on(addr.clone()) {
                Ok(id) => {
                    debug!(%hub, %addr, "asking the hub for a reservation");
                    self.circuits.insert(hub, (Some(id), Instant::now()));
                }
                Err(e) => {
                    debug!(%hub, %addr, error = %e, "cannot listen through the hub");
                    self.circuits.insert(hub, (None, Instant::now()));
                }
            }
        }
    }
}

/// A wait between half and all of `wait`, at random: peers cut off at the same moment (a
/// partition, a Wi-Fi outage) do not all dial again at the same moments, so when the network
/// comes back the first of many dials finds it early (and brings the others forward).
fn spread(wait: std::time::Duration) -> std::time::Duration {
    let mut b = [0u8; 2];
    if getrandom::fill(&mut b).is_err() {
        return wait;
    }
    wait.mul_f64(0.5 + f64::from(u16::from_le_bytes(b)) / f64::from(u16::MAX) / 2.0)
}

/// The longest wait between dials of a peer: short for a member this node can reach
/// directly (see [`MEMBER_BACKOFF_MAX`]), else [`BACKOFF_MAX`].
fn dial_cap(member: bool, addrs: &[Multiaddr]) -> std::time::Duration {
    let direct = addrs
        .iter()
        .any(|a| !a.iter().any(|x| x == Protocol::P2pCircuit));
    if member && direct {
        MEMBER_BACKOFF_MAX
    } else {
        BACKOFF_MAX
    }
}

/// At most one "a member is back, dial the others" per this long, so a flapping link does
/// not turn into a storm of dials.
const NETWORK_BACK_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// How long after a reservation with a hub ended (or was refused) it is asked for again.
const RESERVE_AGAIN: std::time::Duration = std::time::Duration::from_secs(30);

/// A transport error in a few words: the innermost cause ("Connection refused (os error
/// 111)") rather than libp2p's chain of wrappers.
fn transport_error(e: &libp2p::TransportError<std::io::Error>) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text = s.to_string();
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_at_a_direct_address_is_dialled_at_least_every_two_seconds() {
        let direct: Multiaddr = "/ip4/127.0.0.1/tcp/4001".parse().unwrap();
        let hub: Multiaddr = "/ip4/127.0.0.1/tcp/4002/p2p/12D3KooWDRnK2KEsHf6dLBecnt9V8imvdiGU55VBezs26LqoThED/p2p-circuit"
            .parse()
            .unwrap();
        assert_eq!(
            dial_cap(true, std::slice::from_ref(&direct)),
            MEMBER_BACKOFF_MAX
        );
        assert_eq!(
            dial_cap(true, &[hub.clone(), direct.clone()]),
            MEMBER_BACKOFF_MAX
        );
        // Through a hub only, each dial costs the hub a circuit; a stranger is not kept.
        assert_eq!(dial_cap(true, &[hub]), BACKOFF_MAX);
        assert_eq!(dial_cap(false, &[direct]), BACKOFF_MAX);
        assert_eq!(dial_cap(true, &[]), BACKOFF_MAX);
        for _ in 0..100 {
            let w = spread(MEMBER_BACKOFF_MAX);
            assert!(
                w >= MEMBER_BACKOFF_MAX / 2 && w <= MEMBER_BACKOFF_MAX,
                "{w:?}"
            );
        }
    }
}
