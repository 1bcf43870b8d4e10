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

/// Whether the system's routing table has a route that mDNS's multicast group 224.0.0.251 can
/// take (a default route, a multicast route, or any route covering it); `None` where the table
/// cannot be read (a system without `/proc/net/route`). Without one, sending a query fails and
/// mDNS can find no one, whatever the network.
pub(crate) fn multicast_route() -> Option<bool> {
    let table = std::fs::read_to_string("/proc/net/route").ok()?;
    Some(routes_cover(
        &table,
        u32::from(std::net::Ipv4Addr::new(224, 0, 0, 251)),
    ))
}

/// Whether any route of a `/proc/net/route` table covers `ip` (host order). The table's
/// destination and mask are hex of the address in network order read as a little-endian word.
fn routes_cover(table: &str, ip: u32) -> bool {
    table.lines().skip(1).any(|line| {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let (Some(dest), Some(mask)) = (cols.get(1), cols.get(7)) else {
            return false;
        };
        let (Ok(dest), Ok(mask)) = (u32::from_str_radix(dest, 16), u32::from_str_radix(mask, 16))
        else {
            return false;
        };
        let word = |w: u32| u32::from(std::net::Ipv4Addr::from(w.to_le_bytes()));
        let (dest, mask) = (word(dest), word(mask));
        ip & mask == dest & mask
    })
}

#[cfg(test)]
mod route_tests {
    use super::routes_cover;

    #[test]
    fn a_default_or_multicast_route_covers_mdns_and_a_subnet_route_does_not() {
        let mdns = u32::from(std::net::Ipv4Addr::new(224, 0, 0, 251));
        let head =
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";
        // 198.18.1.0/24 on a veth: 00 01 12 C6 as a little-endian word of 198.18.1.0.
        let subnet = "veth0\t000112C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
        let default = "eth0\t00000000\t010112C6\t0003\t0\t0\t0\t00000000\t0\t0\t0\n";
        let multicast = "eth0\t000000E0\t00000000\t0001\t0\t0\t0\t000000F0\t0\t0\t0\n";
        assert!(!routes_cover(head, mdns), "no route at all");
        assert!(!routes_cover(&format!("{head}{subnet}"), mdns));
        assert!(routes_cover(&format!("{head}{subnet}{default}"), mdns));
        assert!(routes_cover(&format!("{head}{multicast}"), mdns));
        assert!(!routes_cover(&format!("{head}garbage line\n"), mdns));
    }
}
