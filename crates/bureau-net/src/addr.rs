//! Addresses: the ones the user gives (`--peer`, `--listen`, the API), the ones this node
//! announces (`--announce`), and the listen addresses it remembers with their bound ports.
//!
//! **Invariants.** An address the user typed is parsed here or refused with
//! [`NetError::BadAddress`] naming it; nothing else in the crate parses user input into a
//! multiaddr. An announced address names an IP address and a port others can dial and no peer
//! id, since members dial it together with this device's own.

use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId};

use crate::NetError;

/// An address the user gave, or why it is not one.
pub(crate) fn parse_addr(addr: &str) -> Result<Multiaddr, NetError> {
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
pub(crate) fn split_p2p(addr: &Multiaddr) -> (Multiaddr, Option<PeerId>) {
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
pub(crate) fn with_bound_port(configured: &Multiaddr, bound: &Multiaddr) -> Multiaddr {
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

/// `addr` with its TCP or UDP port replaced by 0 (any port the system picks).
pub(crate) fn with_any_port(addr: &Multiaddr) -> Multiaddr {
    addr.iter()
        .map(|p| match p {
            Protocol::Tcp(_) => Protocol::Tcp(0),
            Protocol::Udp(_) => Protocol::Udp(0),
            other => other,
        })
        .collect()
}
