//! The connection gate: inbound connections of members and of strangers come out of separate
//! budgets, so that strangers can never take a member's place.
//!
//! libp2p's `connection_limits` counts every peer alike: 128 strangers holding connections
//! left a member that had to dial in with nowhere to go. Here a connection is a member's when
//! its peer is in the set the event loop keeps up to date ([`Gate::set_members`]: the
//! unrevoked devices of the document, or, before the bureau has arrived, the inviter); every
//! other one is a stranger's. Strangers share a small budget, and one IP address may hold only
//! part of it, so one machine cannot fill it and keep others from joining. Members have a
//! budget of their own, not split by address (a venue's NAT puts many behind one).
//!
//! Connections are counted when established, since only then is the peer id known (Noise has
//! proven it). A stranger that becomes a member while connected (it joined) counts as a member
//! from then on: membership is looked up at each count, not stored with the connection.
//!
//! Before the handshake the peer is unknown; the number of pending inbound connections from
//! one address is bounded too, so that one address cannot hold every handshake slot that
//! `connection_limits` allows overall.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::net::IpAddr;
use std::task::{Context, Poll};

use libp2p::core::transport::PortUse;
use libp2p::core::{ConnectedPoint, Endpoint};
use libp2p::multiaddr::Protocol;
use libp2p::swarm::behaviour::{ConnectionEstablished, ListenFailure};
use libp2p::swarm::{
    ConnectionClosed, ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, THandler,
    THandlerInEvent, THandlerOutEvent, ToSwarm, dummy,
};
use libp2p::{Multiaddr, PeerId};

/// How many connections of each kind the gate lets in.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budgets {
    /// Inbound connections of members, all addresses together.
    pub(crate) members: usize,
    /// Inbound connections of strangers (joiners, and anyone else), all addresses together.
    pub(crate) strangers: usize,
    /// Inbound connections of strangers from one IP address.
    pub(crate) strangers_per_addr: usize,
    /// Inbound connections from one IP address still in their handshake.
    pub(crate) pending_per_addr: usize,
}

/// Why the gate refused a connection (shown in the swarm's connection error).
#[derive(Debug, thiserror::Error)]
pub(crate) enum Refused {
    #[error("no room for another member's connection ({0} are open)")]
    Members(usize),
    #[error("no room for another connection of a non-member ({0} are open)")]
    Strangers(usize),
    #[error("no room for another connection of a non-member from {addr} ({count} are open)")]
    StrangersFrom { addr: IpAddr, count: usize },
    #[error("too many handshakes under way from {addr} ({count})")]
    PendingFrom { addr: IpAddr, count: usize },
}

/// One inbound connection: whose, and from where.
#[derive(Clone, Copy, Debug)]
struct Inbound {
    peer: PeerId,
    addr: Option<IpAddr>,
}

/// The behaviour: denies inbound connections over their budget. It never denies outbound
/// ones (the node dials only peers it chose to) and sends nothing.
pub(crate) struct Gate {
    budgets: Budgets,
    members: HashSet<PeerId>,
    inbound: HashMap<ConnectionId, Inbound>,
    pending: HashMap<ConnectionId, Option<IpAddr>>,
}

/// The IP address a multiaddr starts with, if any.
pub(crate) fn ip_of(addr: &Multiaddr) -> Option<IpAddr> {
    addr.iter().find_map(|p| match p {
        Protocol::Ip4(ip) => Some(IpAddr::V4(ip)),
        Protocol::Ip6(ip) => Some(IpAddr::V6(ip)),
        _ => None,
    })
}

impl Gate {
    pub(crate) fn new(budgets: Budgets) -> Gate {
        Gate {
            budgets,
            members: HashSet::new(),
            inbound: HashMap::new(),
            pending: HashMap::new(),
        }
    }

    /// The peers whose connections count as members' from now on.
    pub(crate) fn set_members(&mut self, members: HashSet<PeerId>) {
        self.members = members;
    }

    /// Whether `peer` counts as a member.
    pub(crate) fn is_member(&self, peer: &PeerId) -> bool {
        self.members.contains(peer)
    }

    /// Whether one more inbound connection of `peer` from `addr` fits its budget.
    fn admit(&self, peer: &PeerId, addr: Option<IpAddr>) -> Result<(), Refused> {
        let member = self.is_member(peer);
        let (mut same_kind, mut same_addr) = (0, 0);
        for c in self.inbound.values() {
            if self.is_member(&c.peer) == member {
                same_kind += 1;
                if !member && addr.is_some() && c.addr == addr {
                    same_addr += 1;
                }
            }
        }
        if member {
            return if same_kind < self.budgets.members {
                Ok(())
            } else {
                Err(Refused::Members(same_kind))
            };
        }
        if same_kind >= self.budgets.strangers {
            return Err(Refused::Strangers(same_kind));
        }
        match addr {
            Some(addr) if same_addr >= self.budgets.strangers_per_addr => {
                Err(Refused::StrangersFrom {
                    addr,
                    count: same_addr,
                })
            }
            _ => Ok(()),
        }
    }
}

impl NetworkBehaviour for Gate {
    type ConnectionHandler = dummy::ConnectionHandler;
    type ToSwarm = Infallible;

    fn handle_pending_inbound_connection(
        &mut self,
        connection_id: ConnectionId,
        _local: &Multiaddr,
        remote: &Multiaddr,
    ) -> Result<(), ConnectionDenied> {
        let addr = ip_of(remote);
        if let Some(addr) = addr {
            let count = self.pending.values().filter(|a| **a == Some(addr)).count();
            if count >= self.budgets.pending_per_addr {
                return Err(ConnectionDenied::new(Refused::PendingFrom { addr, count }));
            }
        }
        self.pending.insert(connection_id, addr);
        Ok(())
    }

    fn handle_established_inbound_connection(
        &mut self,
        connection_id: ConnectionId,
        peer: PeerId,
        _local: &Multiaddr,
        remote: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.pending.remove(&connection_id);
        self.admit(&peer, ip_of(remote))
            .map_err(ConnectionDenied::new)?;
        Ok(dummy::ConnectionHandler)
    }

    fn handle_established_outbound_connection(
        &mut self,
        _connection_id: ConnectionId,
        _peer: PeerId,
        _addr: &Multiaddr,
        _role_override: Endpoint,
        _port_use: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(dummy::ConnectionHandler)
    }

    fn on_swarm_event(&mut self, event: FromSwarm<'_>) {
        match event {
            FromSwarm::ConnectionEstablished(ConnectionEstablished {
                peer_id,
                connection_id,
                endpoint: ConnectedPoint::Listener { send_back_addr, .. },
                ..
            }) => {
                self.inbound.insert(
                    connection_id,
                    Inbound {
                        peer: peer_id,
                        addr: ip_of(send_back_addr),
                    },
                );
            }
            FromSwarm::ConnectionClosed(ConnectionClosed { connection_id, .. }) => {
                self.inbound.remove(&connection_id);
            }
            FromSwarm::ListenFailure(ListenFailure { connection_id, .. }) => {
                self.pending.remove(&connection_id);
            }
            _ => {}
        }
    }

    fn on_connection_handler_event(
        &mut self,
        _peer: PeerId,
        _connection: ConnectionId,
        event: THandlerOutEvent<Self>,
    ) {
        libp2p::core::util::unreachable(event)
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUDGETS: Budgets = Budgets {
        members: 4,
        strangers: 3,
        strangers_per_addr: 2,
        pending_per_addr: 2,
    };

    fn addr(last: u8) -> Multiaddr {
        format!("/ip4/192.0.2.{last}/tcp/4001").parse().unwrap()
    }

    fn local() -> Multiaddr {
        "/ip4/192.0.2.1/tcp/9000".parse().unwrap()
    }

    /// Lets one inbound connection through the whole sequence the swarm runs, or not.
    fn connect(gate: &mut Gate, peer: PeerId, from: &Multiaddr) -> Result<ConnectionId, String> {
        let id = ConnectionId::new_unchecked(rand_id());
        gate.handle_pending_inbound_connection(id, &local(), from)
            .map_err(why)?;
        gate.handle_established_inbound_connection(id, peer, &local(), from)
            .map_err(why)?;
        let endpoint = ConnectedPoint::Listener {
            local_addr: local(),
            send_back_addr: from.clone(),
        };
        gate.on_swarm_event(FromSwarm::ConnectionEstablished(ConnectionEstablished {
            peer_id: peer,
            connection_id: id,
            endpoint: &endpoint,
            failed_addresses: &[],
            other_established: 0,
        }));
        Ok(id)
    }

    /// What the gate said, from the swarm's opaque error.
    fn why(e: ConnectionDenied) -> String {
        e.downcast::<Refused>()
            .map_or_else(|e| format!("another denial: {e}"), |r| r.to_string())
    }

    fn peer() -> PeerId {
        crate::Identity::generate().keypair.public().to_peer_id()
    }

    fn rand_id() -> usize {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(1);
        NEXT.fetch_add(1, Ordering::Relaxed)
    }

    fn close(gate: &mut Gate, peer: PeerId, id: ConnectionId, from: &Multiaddr) {
        let endpoint = ConnectedPoint::Listener {
            local_addr: local(),
            send_back_addr: from.clone(),
        };
        gate.on_swarm_event(FromSwarm::ConnectionClosed(ConnectionClosed {
            peer_id: peer,
            connection_id: id,
            endpoint: &endpoint,
            cause: None,
            remaining_established: 0,
        }));
    }

    #[test]
    fn strangers_never_take_a_members_place() {
        let mut gate = Gate::new(BUDGETS);
        let members: Vec<PeerId> = (0..BUDGETS.members).map(|_| peer()).collect();
        gate.set_members(members.iter().copied().collect());
        // Strangers from many addresses fill their own budget, and no more.
        let mut strangers = Vec::new();
        for i in 0..BUDGETS.strangers {
            let p = peer();
            let from = addr(10 + i as u8);
            strangers.push((p, connect(&mut gate, p, &from).unwrap(), from));
        }
        let err = connect(&mut gate, peer(), &addr(50)).unwrap_err();
        assert!(err.contains("non-member"), "{err}");
        // Every member still gets in, from the strangers' own address too.
        for m in &members {
            connect(&mut gate, *m, &addr(10)).unwrap();
        }
        let err = connect(&mut gate, members[0], &addr(11)).unwrap_err();
        assert!(err.contains("member's connection"), "{err}");
        // A stranger leaving frees its place for another.
        let (p, id, from) = strangers.pop().unwrap();
        close(&mut gate, p, id, &from);
        connect(&mut gate, peer(), &addr(60)).unwrap();
    }

    #[test]
    fn one_address_holds_only_part_of_the_strangers_budget() {
        let mut gate = Gate::new(BUDGETS);
        for _ in 0..BUDGETS.strangers_per_addr {
            connect(&mut gate, peer(), &addr(7)).unwrap();
        }
        let err = connect(&mut gate, peer(), &addr(7)).unwrap_err();
        assert!(err.contains("from 192.0.2.7"), "{err}");
        connect(&mut gate, peer(), &addr(8)).unwrap();
    }

    #[test]
    fn a_stranger_that_joins_counts_as_a_member() {
        let mut gate = Gate::new(BUDGETS);
        let joiner = peer();
        connect(&mut gate, joiner, &addr(7)).unwrap();
        connect(&mut gate, peer(), &addr(8)).unwrap();
        connect(&mut gate, peer(), &addr(9)).unwrap();
        assert!(connect(&mut gate, peer(), &addr(10)).is_err());
        gate.set_members(HashSet::from([joiner]));
        connect(&mut gate, peer(), &addr(10)).unwrap();
    }

    #[test]
    fn one_address_holds_only_a_few_handshakes() {
        let mut gate = Gate::new(BUDGETS);
        for _ in 0..BUDGETS.pending_per_addr {
            gate.handle_pending_inbound_connection(
                ConnectionId::new_unchecked(rand_id()),
                &local(),
                &addr(7),
            )
            .unwrap();
        }
        let id = ConnectionId::new_unchecked(rand_id());
        let err = gate
            .handle_pending_inbound_connection(id, &local(), &addr(7))
            .unwrap_err();
        let err = why(err);
        assert!(err.contains("handshakes"), "{err}");
        gate.handle_pending_inbound_connection(id, &local(), &addr(8))
            .unwrap();
    }
}
