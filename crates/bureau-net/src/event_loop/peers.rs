//! The loop's peers as a whole: recording them, forgetting strangers, who may sync, who the
//! connection gate counts as a member, and the list kept in `peers.json`.
//!
//! **Invariants.** Whether a peer may sync ([`EventLoop::allowed`]) is decided from the
//! document's latest state every time it is asked, never stored, so a revocation or a join
//! takes effect at once; the gate's member set is recomputed from the same rule whenever the
//! document or the recorded peers change ([`EventLoop::refresh_gate`]). A peer that is not
//! worth keeping ([`EventLoop::keep`]) is forgotten whole as soon as its last connection and
//! session are gone ([`EventLoop::forget`]), so strangers cost nothing lasting. `peers.json`
//! lists only members and the inviter, and is written only when that list changed.

use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

use libp2p::{Multiaddr, PeerId};

use super::EventLoop;
use super::peer::{BACKOFF_MIN, Peer};
use crate::addr::split_p2p;
use crate::remembered::{Remembered, Source};

impl EventLoop {
    /// Records a peer and its addresses (does not dial). This node itself is never recorded.
    pub(super) fn remember(
        &mut self,
        peer: PeerId,
        addrs: Vec<Multiaddr>,
        source: Source,
        inviter: bool,
    ) {
        if peer == self.local {
            return;
        }
        self.peers
            .entry(peer)
            .or_insert_with(Peer::new)
            .record(addrs, source, inviter);
    }

    /// The peer's entry if it is known (see [`super::peer`]).
    fn known(&self, peer: &PeerId) -> Option<&Peer> {
        self.peers.get(peer).filter(|p| p.is_known())
    }

    /// The peers with a connection open.
    pub(super) fn connected_peers(&self) -> impl Iterator<Item = PeerId> + '_ {
        self.peers
            .iter()
            .filter(|(_, p)| p.connected.is_some())
            .map(|(id, _)| *id)
    }

    /// An address the user gave: recorded under its peer id and due for a dial at once, or,
    /// without one, dialled until it answers.
    pub(super) fn add_address(&mut self, addr: Multiaddr, source: Source) {
        match split_p2p(&addr) {
            (base, Some(peer)) => {
                self.remember(peer, vec![base], source, false);
                if let Some(p) = self.peers.get_mut(&peer).filter(|p| p.is_known()) {
                    p.next_dial = Instant::now();
                    p.source = Some(source);
                }
                self.refresh_gate();
            }
            (base, None) => self.bare.push((base, Instant::now(), BACKOFF_MIN)),
        }
    }

    /// Asks for `peers.json` to be written if the members and inviter with addresses changed.
    pub(super) fn save_peers(&mut self) {
        let snap = self.doc.state().snapshot.clone();
        let peers: BTreeMap<String, Remembered> = self
            .peers
            .iter()
            .filter(|(_, k)| k.is_known())
            .filter(|(p, k)| {
                k.inviter || snap.devices.get(&p.to_base58()).is_some_and(|d| !d.revoked)
            })
            .filter(|(_, k)| !k.addrs.is_empty())
            .map(|(p, k)| {
                (
                    p.to_base58(),
                    Remembered {
                        addrs: k.addrs.iter().map(ToString::to_string).collect(),
                        inviter: k.inviter,
                        reads_bundles: k.reads_bundles_now(),
                        caps_set: k.caps_set_now(),
                    },
                )
            })
            .collect();
        // A failed write is tried again at the next call.
        if self.writer.take_failed() || self.saved_peers.as_ref() != Some(&peers) {
            self.writer.peers(peers.clone());
            self.saved_peers = Some(peers);
        }
    }

    /// Whether sync with `peer` is allowed: an unrevoked device of the bureau, or, while this
    /// node has not received its bureau yet, the inviter that admitted it.
    pub(super) fn allowed(&self, peer: &PeerId) -> bool {
        let st = self.doc.state();
        if st.snapshot.meta.bureau_id.is_empty() {
            // Recovering a lost document: the members this node met before (their keys
            // proven by the transport) or was told of by hand may send it back.
            let recovering = self.recovering
                && self.known(peer).is_some_and(|k| {
                    matches!(
                        k.source,
                        Some(Source::Remembered | Source::Invite | Source::Cli | Source::Api)
                    )
                });
            return recovering
                || self.state.inviter.as_deref() == Some(peer.to_base58().as_str())
                || self.known(peer).is_some_and(|k| k.inviter);
        }
        st.snapshot
            .devices
            .get(&peer.to_base58())
            .is_some_and(|d| !d.revoked)
    }

    /// Tells the connection gate who counts as a member: every peer [`Self::allowed`] admits.
    pub(super) fn refresh_gate(&mut self) {
        let st = self.doc.state();
        let mut members: HashSet<PeerId> = st
            .snapshot
            .devices
            .iter()
            .filter(|(_, d)| !d.revoked)
            .filter_map(|(id, _)| id.parse().ok())
            .collect();
        if st.snapshot.meta.bureau_id.is_empty() {
            members.clear();
            members.extend(
                self.peers
                    .iter()
                    .filter(|(_, p)| p.is_known())
                    .map(|(id, _)| id)
                    .filter(|id| self.allowed(id))
                    .copied(),
            );
            if let Some(p) = self.state.inviter.as_deref().and_then(|p| p.parse().ok()) {
                members.insert(p);
            }
        }
        if let Some(access) = &self.relay_for {
            *access
                .write()
                .expect("the relay access lock is never poisoned") = members.clone();
        }
        self.swarm.behaviour_mut().gate.set_members(members);
    }

    /// Whether anything about `peer` is worth keeping once it is gone: a device of the bureau
    /// (revoked ones too, shown as such), the inviter, a peer the user named or mDNS found
    /// (dialled once), or one remembered from an earlier run. Everything else (a stranger
    /// that connected) is forgotten when it disconnects, so strangers cost nothing lasting.
    fn keep(&self, peer: &PeerId) -> bool {
        self.allowed(peer)
            || self
                .doc
                .state()
                .snapshot
                .devices
                .contains_key(&peer.to_base58())
            || self
                .known(peer)
                .is_some_and(|k| k.inviter || k.source != Some(Source::Inbound))
    }

    /// Drops everything the loop holds about a peer that is gone (no connection, no session)
    /// and not worth keeping.
    pub(super) fn forget(&mut self, peer: &PeerId) {
        let gone = self
            .peers
            .get(peer)
            .is_some_and(|p| p.connected.is_none() && p.session.is_none());
        if gone && !self.keep(peer) {
            self.peers.remove(peer);
        }
    }

    /// Drops the entries that hold nothing any more (see [`super::peer`]).
    pub(super) fn prune(&mut self) {
        self.peers.retain(|_, p| !p.holds_nothing());
    }

    /// Whether the connection gate counts `peer` as a member.
    pub(super) fn gate_member(&self, peer: &PeerId) -> bool {
        self.swarm.behaviour().gate.is_member(peer)
    }

    /// Whether `peer` is a device the document says is revoked.
    pub(super) fn revoked(&self, peer: &PeerId) -> bool {
        self.doc
            .state()
            .snapshot
            .devices
            .get(&peer.to_base58())
            .is_some_and(|d| d.revoked)
    }

    /// The bureau sessions sync: the document's, or, before it has arrived, the one this node
    /// joined or recovers.
    pub(super) fn doc_id(&self) -> Option<String> {
        let id = self.doc.state().snapshot.meta.bureau_id.clone();
        if !id.is_empty() {
            return Some(id);
        }
        self.state.pending_bureau.clone()
    }
}
