//! What the node remembers about the network between runs: peers' addresses (`peers.json`)
//! and its own listen addresses and pending bureau (`net.json`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

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

impl Source {
    /// Its name, as `peers.json` and the API spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Mdns => "mdns",
            Source::Cli => "cli",
            Source::Api => "api",
            Source::Invite => "invite",
            Source::Remembered => "remembered",
            Source::Inbound => "inbound",
            Source::Bureau => "bureau",
        }
    }
}

/// A remembered peer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Remembered {
    pub(crate) addrs: Vec<String>,
    /// Set for the inviter until the document arrives.
    #[serde(default)]
    pub(crate) inviter: bool,
    /// Its last session's capability exchange listed bundles: the first session after a
    /// restart pushes on open too (an earlier release ignores the field).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) reads_bundles: bool,
    /// Which capability set its last session's exchange listed (`bureau_sync::set_of`): the
    /// first session after a restart names this release's set too, if it was that. Left out
    /// when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub(crate) caps_set: u8,
}

fn is_zero(n: &u8) -> bool {
    *n == 0
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
            warn!(file = name, error = %bureau_doc::WithCauses(&e), "could not save network state");
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

/// One file for the [`Writer`] to write, or a mark to wait for.
enum Job {
    Peers(BTreeMap<String, Remembered>),
    State(NetState),
    Flush(mpsc::SyncSender<()>),
}

/// Writes the event loop's files on a thread of its own, in the order they were asked for.
///
/// Each file is a durable write (temp file, fsync, rename, fsync of the directory), a few
/// milliseconds. On the event loop that stalled every connection of the node: a first
/// connection to a peer, whose address it then remembers, held both nodes' handshakes while
/// the disk synced.
pub(crate) struct Writer {
    /// `None` if no thread could be started: then each write happens in the caller.
    tx: Option<mpsc::Sender<Job>>,
    files: Files,
    /// Set when a write of the peers failed, so the loop asks again.
    peers_failed: Arc<AtomicBool>,
}

impl Writer {
    pub(crate) fn spawn(files: Files) -> Writer {
        let (tx, rx) = mpsc::channel::<Job>();
        let peers_failed = Arc::new(AtomicBool::new(false));
        let (thread_files, failed) = (files.clone(), peers_failed.clone());
        let spawned = std::thread::Builder::new()
            .name("bureau-net-files".to_owned())
            .spawn(move || {
                // Ends when the loop drops its writer.
                for job in rx {
                    match job {
                        Job::Peers(peers) => {
                            if !save_peers(&thread_files, &peers) {
                                failed.store(true, Ordering::SeqCst);
                            }
                        }
                        Job::State(state) => save_state(&thread_files, &state),
                        Job::Flush(done) => {
                            let _ = done.send(());
                        }
                    }
                }
            });
        if let Err(e) = &spawned {
            warn!(error = %e, "no thread for the network files; they are written in the loop");
        }
        Writer {
            tx: spawned.ok().map(|_| tx),
            files,
            peers_failed,
        }
    }

    fn send(&self, job: Job) {
        let job = match &self.tx {
            Some(tx) => match tx.send(job) {
                Ok(()) => return,
                Err(mpsc::SendError(job)) => job,
            },
            None => job,
        };
        match job {
            Job::Peers(peers) => {
                if !save_peers(&self.files, &peers) {
                    self.peers_failed.store(true, Ordering::SeqCst);
                }
            }
            Job::State(state) => save_state(&self.files, &state),
            Job::Flush(_) => {}
        }
    }

    /// Saves the remembered peers, later; see [`Writer::take_failed`].
    pub(crate) fn peers(&self, peers: BTreeMap<String, Remembered>) {
        self.send(Job::Peers(peers));
    }

    /// Saves the node's network state, later.
    pub(crate) fn state(&self, state: NetState) {
        self.send(Job::State(state));
    }

    /// Whether a write of the peers failed since the last call: the list is to be sent again.
    pub(crate) fn take_failed(&self) -> bool {
        self.peers_failed.swap(false, Ordering::SeqCst)
    }

    /// Waits until every write asked for so far is done (at shutdown).
    pub(crate) fn flush(&self) {
        let (done_tx, done_rx) = mpsc::sync_channel(1);
        if let Some(tx) = &self.tx
            && tx.send(Job::Flush(done_tx)).is_ok()
        {
            let _ = done_rx.recv();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(addr: &str) -> BTreeMap<String, Remembered> {
        BTreeMap::from([(
            "peer".to_owned(),
            Remembered {
                addrs: vec![addr.to_owned()],
                ..Remembered::default()
            },
        )])
    }

    #[test]
    fn the_writer_keeps_the_order_of_writes_and_flush_waits_for_them() {
        let tmp = tempfile::TempDir::new().unwrap();
        let store = bureau_store::Store::open(tmp.path()).unwrap();
        let files = store.files();
        let writer = Writer::spawn(files.clone());
        for port in 1..=50 {
            writer.peers(peer(&format!("/ip4/127.0.0.1/tcp/{port}")));
        }
        writer.state(NetState {
            listen: vec!["/ip4/127.0.0.1/tcp/9".to_owned()],
            ..NetState::default()
        });
        writer.flush();
        assert_eq!(load_peers(&files), peer("/ip4/127.0.0.1/tcp/50"));
        assert_eq!(load_state(&files).listen, ["/ip4/127.0.0.1/tcp/9"]);
        assert!(!writer.take_failed());
    }

    /// A peer that reads bundles and short `Hello`s is written so, and read back so; a file
    /// of an earlier release (no such fields) reads as a peer not known to read either, and
    /// the fields are left out when false or 0, so that file stays as that release wrote it.
    #[test]
    fn what_a_peer_reads_survives_a_restart() {
        let tmp = tempfile::TempDir::new().unwrap();
        let store = bureau_store::Store::open(tmp.path()).unwrap();
        let files = store.files();
        let mut peers = peer("/ip4/127.0.0.1/tcp/1");
        assert!(save_peers(&files, &peers));
        let text = String::from_utf8(files.read_file(PEERS_FILE).unwrap().unwrap()).unwrap();
        assert!(!text.contains("reads_bundles"), "{text}");
        assert!(!text.contains("caps_set"), "{text}");
        assert!(!load_peers(&files)["peer"].reads_bundles);
        assert_eq!(load_peers(&files)["peer"].caps_set, 0);

        peers.get_mut("peer").unwrap().reads_bundles = true;
        peers.get_mut("peer").unwrap().caps_set = 1;
        assert!(save_peers(&files, &peers));
        assert_eq!(load_peers(&files), peers);
        assert_eq!(load_peers(&files)["peer"].caps_set, 1);

        let earlier = br#"{"peer": {"addrs": ["/ip4/127.0.0.1/tcp/1"], "inviter": false}}"#;
        files.write_file(PEERS_FILE, earlier, 0o600).unwrap();
        assert_eq!(load_peers(&files), peer("/ip4/127.0.0.1/tcp/1"));
    }
}
