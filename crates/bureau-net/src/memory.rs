//! What the node remembers about the network between runs: peers' addresses (`peers.json`)
//! and its own listen addresses and pending bureau (`net.json`).

use std::collections::BTreeMap;

use bureau_store::Files;
use serde::{Deserialize, Serialize};
use tracing::warn;

const PEERS_FILE: &str = "peers.json";
const NET_FILE: &str = "net.json";

/// How the node learned of a peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Discovered on the local network by mDNS.
    Mdns,
    /// Named with `--peer` on the command line.
    Cli,
    /// Added in the UI (`POST /api/peers`).
    Api,
    /// The inviter of this node, from its invite code.
    Invite,
    /// Remembered from an earlier run.
    Remembered,
    /// It dialled us.
    Inbound,
    /// From the addresses its device published in the bureau's document.
    Bureau,
}

/// A remembered peer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Remembered {
    pub(crate) addrs: Vec<String>,
    /// Set for the inviter until the document arrives.
    #[serde(default)]
    pub(crate) inviter: bool,
}

/// The node's own network state across runs.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct NetState {
    /// Listen addresses with the ports actually bound, reused at the next start so that the
    /// addresses other members remember stay valid.
    #[serde(default)]
    pub(crate) listen: Vec<String>,
    /// The bureau this node joined but has not received yet.
    #[serde(default)]
    pub(crate) pending_bureau: Option<String>,
    /// The peer that admitted this node, trusted to send the bureau until it has arrived
    /// (however the peer is found: remembered address, mDNS, or an address typed in).
    #[serde(default)]
    pub(crate) inviter: Option<String>,
}

fn read<T: for<'de> Deserialize<'de> + Default>(files: &Files, name: &str) -> T {
    match files.read_file(name) {
        Ok(Some(bytes)) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            warn!(file = name, error = %e, "ignoring an unreadable network file");
            T::default()
        }),
        _ => T::default(),
    }
}

/// Writes `value` as `name`; whether it was saved (a failure is logged).
fn write<T: Serialize>(files: &Files, name: &str, value: &T) -> bool {
    let bytes = serde_json::to_vec_pretty(value).expect("network state always serialises");
    match files.write_file(name, &bytes, 0o600) {
        Ok(()) => true,
        Err(e) => {
            warn!(file = name, error = %e, "could not save network state");
            false
        }
    }
}

pub(crate) fn load_peers(files: &Files) -> BTreeMap<String, Remembered> {
    read(files, PEERS_FILE)
}

/// Saves the remembered peers; whether they were saved.
pub(crate) fn save_peers(files: &Files, peers: &BTreeMap<String, Remembered>) -> bool {
    write(files, PEERS_FILE, peers)
}

pub(crate) fn load_state(files: &Files) -> NetState {
    read(files, NET_FILE)
}

pub(crate) fn save_state(files: &Files, state: &NetState) {
    write(files, NET_FILE, state);
}
