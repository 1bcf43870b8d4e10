//! The actor's side of sync sessions: each peer's automerge sync state, the messages it
//! generates for them, and the messages it receives from them.
//!
//! Invariants:
//! - Once the document holds a bureau, only its unrevoked devices (other than this node) are
//!   synced with; an observer's state is read-only, so nothing it sends is applied.
//! - A peer's message reaches automerge inside a guard: a refused message leaves the document
//!   as it was; a panic reloads the document from disk, where every acknowledged change is.
//! - A sync state is saved only while every change in memory is on disk (a session's end is
//!   served after its batch is durable; the periodic saves check): a saved state claims the
//!   changes both sides hold, and a claim of a change a crash could still lose would keep the
//!   peer from ever sending it again.

use std::sync::Arc;

use automerge::sync::{self, SyncDoc};
use automerge::{AutoCommit, ObjType, ReadDoc, Value};
use bureau_model::automerge;
use bureau_model::guard::guarded;
use bureau_model::{RecordType, Role};
use tracing::{debug, info, warn};

use super::{Actor, SYNC_STATE_SAVE_EVERY};
use crate::{DocCommand, DocError};

/// How long a feeder may stay silent before the sessions waiting for it go on anyway (see
/// [`Actor::must_wait`]): a few round trips of a poor link.
const FEEDER_QUIET: std::time::Duration = std::time::Duration::from_millis(500);

/// A push of more changes than this, or more bytes, to one of several peers tells only the
/// heads (see [`Actor::generate_for`]). A live edit is one change of a few hundred bytes.
const PUSH_MAX_CHANGES: usize = 16;
const PUSH_MAX_BYTES: usize = 16 * 1024;

/// Fewest changes a message carries before they go as bundles to a peer that reads them
/// ([`crate::Outbox::peer_reads_bundles`]). Building a bundle walks the operations in its
/// changes' counter range (20 to 30 ms for 2,000 changes at sizes s and m), which a live edit
/// does not repay; a reconnect's hundreds of changes shrink to a fourth of their deflated
/// size (no per-change hashes, actors or headers: W2 at size m, 2,000 changes, 209 KB
/// deflated, 60 KB as one bundle).
pub(super) const BUNDLE_MIN_CHANGES: usize = PUSH_MAX_CHANGES;

/// Largest bundle built: below the session's cap on a message part (96 KiB,
/// `bureau_sync::split::MAX_MESSAGE`), so each bundle is one part on the wire, or shares one,
/// and a drop on a congested link loses at most one.
const BUNDLE_MAX: usize = 64 * 1024;

/// Raw change bytes put in one bundle at first: a bundle of records' changes is an eighth to
/// a twelfth of them (a bigger one is halved until it fits [`BUNDLE_MAX`]).
const BUNDLE_FIRST_TRY: usize = 8 * BUNDLE_MAX;

/// Whether a message carries a bulk of changes rather than a live edit or two.
fn is_bulk(msg: &sync::Message) -> bool {
    msg.changes.len() > PUSH_MAX_CHANGES
        || msg.changes.iter().map(<[u8]>::len).sum::<usize>() > PUSH_MAX_BYTES
}

/// The hashes of a message's changes, or `None` if one of its chunks is not a change (a
/// whole document).
fn change_hashes(msg: &sync::Message) -> Option<Vec<automerge::ChangeHash>> {
    msg.changes
        .iter()
        .map(|c| {
            automerge::Change::from_bytes(c.to_vec())
                .ok()
                .map(|c| c.hash())
        })
        .collect()
}

/// Store key of a peer's saved sync state.
fn state_key(peer: &str) -> String {
    format!("sync-{peer}")
}

impl Actor {
    /// The role of a peer in the bureau, or an error if it is not an unrevoked device.
    ///
    /// A node whose document holds no bureau yet (it is joining) has no devices map to check
    /// and nothing to protect: it syncs with whichever peer the caller hands it (the network
    /// layer only does so with the inviter, after a successful join), and learns the allow-list
    /// from what it receives.
    fn peer_role(&self, peer: &str) -> Result<Role, DocError> {
        if peer != self.config.peer_id && self.view.snapshot.meta.bureau_id.is_empty() {
            return Ok(Role::Editor);
        }
        match self.view.snapshot.devices.get(peer) {
            Some(d) if !d.revoked && peer != self.config.peer_id => Ok(d.role),
            _ => Err(DocError::PeerNotAllowed(peer.to_owned())),
        }
    }

    /// The sync state of a peer: in memory, else the one saved at its last disconnect, else
    /// new. Observers get a read-only state: their changes are never applied.
    fn sync_state(&mut self, peer: &str, role: Role) -> &mut sync::State {
        if !self.sync_states.contains_key(peer) {
            let saved = self
                .store
                .get_state(&state_key(peer))
                .ok()
                .flatten()
                .and_then(|b| sync::State::decode(&b).ok())
                // A saved state claims changes both sides hold. If this document lacks one
                // (its files were damaged, or it is being recovered from nothing), the peer
                // would never send it again: start that peer's state afresh instead.
                .filter(|st| {
                    st.shared_heads
                        .iter()
                        .all(|h| self.doc.get_change_by_hash(h).is_some())
                })
                .unwrap_or_default();
            self.sync_states.insert(peer.to_owned(), saved);
        }
        let state = self.sync_states.get_mut(peer).expect("inserted above");
        state.set_read_only(role == Role::Observer);
        state
    }

    /// Generates the next message for every live session whose outbox is empty.
    ///
    /// Runs before the batch's changes are published. The view usually has the batch's roles
    /// (it was refreshed during the write), but not when the batch's last chunk had been
    /// written before a received message: then they are a batch old, so a device revoked by
    /// this very batch is checked in the document itself, and gets nothing.
    pub(super) fn fill_outboxes(&mut self) {
        self.outboxes.retain(|_, o| o.strong_count() > 0);
        let live: Vec<(String, Arc<crate::Outbox>)> = self
            .outboxes
            .iter()
            .filter_map(|(peer, o)| Some((peer.clone(), o.upgrade()?)))
            .collect();
        // What the document says only counts when an admin said it (a revocation by an
        // editor takes no effect, see `bureau_model::authority`); read once, and only when a
        // live peer's record says revoked.
        let mut authority: Option<bureau_model::Authority> = None;
        for (peer, outbox) in live {
            if outbox.is_full() {
                outbox
                    .missed
                    .store(true, std::sync::atomic::Ordering::SeqCst);
                continue;
            }
            if revoked_in(&self.doc, &peer)
                && authority
                    .get_or_insert_with(|| bureau_model::authority(self.doc.document()))
                    .devices
                    .get(&peer)
                    .is_none_or(|s| s.revoked)
            {
                continue;
            }
            if let Ok(Some(msg)) = self.generate_for(&peer, true) {
                outbox.put(msg);
            }
        }
    }

    /// Whether `peer` may hold changes this node lacks: it has not told its heads in this
    /// session yet, or it told heads this document does not hold.
    fn may_feed(&self, peer: &str) -> bool {
        match self
            .sync_states
            .get(peer)
            .and_then(|s| s.their_heads.as_ref())
        {
            None => true,
            Some(heads) => heads
                .iter()
                .any(|h| self.doc.get_change_by_hash(h).is_none()),
        }
    }

    /// Whether `peer`'s next message must wait for another session to finish feeding this
    /// node. Any message tells the peer this node's heads, and a peer that holds changes this
    /// node lacks answers with all of them: in a mesh healed from a partition every peer of
    /// the other side would send the same changes at once (the bytes grow with the square of
    /// the nodes). So one such peer at a time is told: the next is told once the first has
    /// fed what it had, and then sends only what is still missing. A feeder that has been
    /// quiet for [`FEEDER_QUIET`] no longer holds the others back, so a stalled link (or two
    /// nodes each waiting for the other's feeder) delays but never stops a session. A peer
    /// that asked for changes this node holds is answered all the same (see
    /// [`Self::is_asked_for_changes`]).
    ///
    /// Only sessions with an outbox take part: the outbox is how a waiting one is woken.
    fn must_wait(&mut self, peer: &str) -> bool {
        let live = self
            .outboxes
            .get(peer)
            .is_some_and(|o| o.strong_count() > 0);
        if !live || !self.may_feed(peer) {
            self.feeders.remove(peer);
            return false;
        }
        if self.feeders.contains_key(peer) {
            return false;
        }
        let now = std::time::Instant::now();
        if let Some(last) = self
            .feeders
            .values()
            .filter(|at| now.duration_since(**at) < FEEDER_QUIET)
            .max()
        {
            self.waiting.insert(peer.to_owned());
            self.ring_when_quiet(*last + FEEDER_QUIET);
            return true;
        }
        self.feeders.insert(peer.to_owned(), now);
        false
    }

    /// Whether `peer` has asked for changes this node holds: its last message told what it
    /// has, and the answer to it would carry changes. A waiting session still answers such a
    /// peer. The peer only asks when it chose this node as its own feeder, so in a healed
    /// mesh every node is fed by the one peer it chose; and without this, a ring of nodes
    /// each waiting for its feeder, each feeder waiting for its own, would stand still for
    /// [`FEEDER_QUIET`]. The answer tells this node's heads too, but the peer's changes
    /// come back as a bulk push to one of several peers, which tells heads only (see
    /// [`Self::generate_for`]): this node's own feeder is not doubled.
    fn is_asked_for_changes(&mut self, peer: &str) -> bool {
        let Some(state) = self.sync_states.get(peer) else {
            return false;
        };
        if state.their_have.is_none() {
            return false;
        }
        let mut peek = state.clone();
        if !peek.shared_heads.is_empty()
            && let Some(c) = peek.their_capabilities.as_mut()
        {
            c.retain(|c| *c != sync::Capability::MessageV2);
        }
        self.doc
            .sync()
            .generate_sync_message(&mut peek)
            .is_some_and(|m| !m.changes.is_empty())
    }

    /// Has the actor woken at `at` (or earlier, if it already will be), so the sessions
    /// waiting for a quiet feeder go on without waiting for other traffic.
    fn ring_when_quiet(&mut self, at: std::time::Instant) {
        if self.ring_at.is_some_and(|t| t <= at) {
            return;
        }
        let Some((rt, tx)) = self.ring.as_ref() else {
            return;
        };
        let tx = tx.clone();
        self.ring_at = Some(at);
        rt.spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            if let Some(tx) = tx.upgrade() {
                let _ = tx.send(DocCommand::FeederQuiet).await;
            }
        });
    }

    /// Gives the sessions waiting for a feeder their message, where they may go on now (see
    /// [`Self::must_wait`]). Only after a batch is durable, like every message.
    pub(super) fn wake_waiting(&mut self) {
        if self.waiting.is_empty() {
            return;
        }
        self.outboxes.retain(|_, o| o.strong_count() > 0);
        let waiting: Vec<String> = std::mem::take(&mut self.waiting).into_iter().collect();
        for peer in waiting {
            let Some(outbox) = self.outboxes.get(&peer).and_then(std::sync::Weak::upgrade) else {
                continue;
            };
            if outbox.is_full() {
                // The session asks for the next message once it has sent this one.
                outbox
                    .missed
                    .store(true, std::sync::atomic::Ordering::SeqCst);
                continue;
            }
            if let Ok(Some(msg)) = self.generate_for(&peer, false) {
                outbox.put(msg);
            }
        }
    }

    /// The next message for `peer`, as its session asks for it.
    pub(super) fn generate(&mut self, peer: &str) -> Result<Option<Vec<u8>>, DocError> {
        self.generate_for(peer, false)
    }

    /// The next message for `peer`, or none while it must wait (see [`Self::must_wait`]).
    /// `push`: this node's heads moved and nobody asked; a push of many changes to one of
    /// several peers tells only the new heads, and the peer asks for what it still lacks
    /// (others may be sending it the same changes; a single edit goes at once).
    fn generate_for(&mut self, peer: &str, push: bool) -> Result<Option<Vec<u8>>, DocError> {
        let role = self.peer_role(peer)?;
        self.sync_state(peer, role);
        if !self.bundle_readers.contains(peer)
            && self
                .outboxes
                .get(peer)
                .and_then(std::sync::Weak::upgrade)
                .is_some_and(|o| o.reads_bundles())
        {
            self.bundle_readers.insert(peer.to_owned());
        }
        if self.must_wait(peer) && !self.is_asked_for_changes(peer) {
            return Ok(None);
        }
        let announce = push && self.outboxes.len() > 1;
        let mut state = std::mem::take(self.sync_state(peer, role));
        // A peer that shares history with this node gets the changes it lacks, never the
        // whole document: automerge sends the document (one chunk) when more than a third of
        // the changes are missing and the peer reads such messages, and one chunk cannot be
        // cut in parts (`bureau_sync::split`), so on a congested link that drops every few
        // seconds a week apart would never get through. A fresh peer (nothing shared) still
        // gets the document, which is far smaller than every change.
        let caps = state.their_capabilities.clone();
        if !state.shared_heads.is_empty()
            && let Some(c) = state.their_capabilities.as_mut()
        {
            c.retain(|c| *c != sync::Capability::MessageV2);
        }
        let before = (
            state.have_responded,
            state.last_sent_heads.clone(),
            state.in_flight,
        );
        // A push on open: the peer is taken to have exactly the heads both last held, so
        // automerge picks every change since then, and forgets it again (the peer's own
        // message says what it has). The changes count as sent: when the peer's first
        // message (sent before it had them) arrives, they are not sent a second time.
        // A push prepared while the node was idle (`prepared.rs`) is taken as it is; the
        // message is then the one a session without a push starts with, plus its changes.
        let pushes = self.pushes_on_open(peer, &state);
        let taken = if pushes {
            self.take_prepared(&state.shared_heads)
        } else {
            None
        };
        let pushed = (pushes && taken.is_none()).then(|| {
            let have = sync::Have {
                last_sync: state.shared_heads.clone(),
                bloom: sync::BloomFilter::default(),
            };
            (
                state.their_have.replace(vec![have]),
                state.their_need.replace(Vec::new()),
            )
        });
        let pushed_on_open = pushed.is_some();
        let started = std::time::Instant::now();
        let mut msg = self.doc.sync().generate_sync_message(&mut state);
        let generated = started.elapsed();
        if let Some((have, need)) = pushed {
            (state.their_have, state.their_need) = (have, need);
        }
        if announce
            && let Some(m) = msg.as_ref()
            && is_bulk(m)
            && let Some(hashes) = change_hashes(m)
        {
            // Taken back as unsent, and the heads told without the changes: without the
            // peer's `have` automerge has nothing to pick changes by.
            for h in &hashes {
                state.sent_hashes.remove(h);
            }
            (state.have_responded, state.last_sent_heads, state.in_flight) = before;
            let (have, need) = (state.their_have.take(), state.their_need.take());
            msg = self.doc.sync().generate_sync_message(&mut state);
            (state.their_have, state.their_need) = (have, need);
        }
        let prepared = match (taken, msg.as_mut()) {
            (Some(t), Some(m)) => {
                info!(
                    %peer,
                    changes = t.hashes.len(),
                    bundles = t.bundles,
                    generate_us = generated.as_micros(),
                    "pushed the changes since the last sync with the session's first message, as prepared"
                );
                m.changes = sync::ChunkList::from(t.chunks);
                state.sent_hashes.extend(t.hashes);
                true
            }
            _ => false,
        };
        state.their_capabilities = caps;
        self.sync_states.insert(peer.to_owned(), state);
        if let Some(m) = msg.as_mut()
            && !prepared
            && m.changes.len() >= BUNDLE_MIN_CHANGES
            && self
                .outboxes
                .get(peer)
                .and_then(std::sync::Weak::upgrade)
                .is_some_and(|o| o.reads_bundles())
            && let Some(bundles) = self.bundled(m)
        {
            debug!(
                %peer,
                changes = m.changes.len(),
                bundles = bundles.len(),
                bytes = bundles.iter().map(Vec::len).sum::<usize>(),
                pushed_on_open,
                generate_us = generated.as_micros(),
                bundle_us = (started.elapsed() - generated).as_micros(),
                "changes go as bundles"
            );
            if pushed_on_open {
                info!(%peer, changes = m.changes.len(), "pushed the changes since the last sync with the session's first message");
            }
            m.changes = sync::ChunkList::from(bundles);
        }
        Ok(msg.map(sync::Message::encode))
    }

    /// Whether the message about to be generated for `peer` pushes the changes since the
    /// heads both last held (see [`crate::Outbox::push_on_open`]): its session asked, this is
    /// its first message, the saved state names heads this document holds, and no other
    /// session is live (in a mesh several peers could push the same changes at once, which
    /// is what [`Self::must_wait`] keeps from happening).
    fn pushes_on_open(&self, peer: &str, state: &sync::State) -> bool {
        let Some(outbox) = self.outboxes.get(peer).and_then(std::sync::Weak::upgrade) else {
            return false;
        };
        if !outbox.take_push() {
            return false;
        }
        let live = self
            .outboxes
            .values()
            .filter(|o| o.strong_count() > 0)
            .count();
        live == 1
            && outbox.reads_bundles()
            && !state.have_responded
            && state.their_heads.is_none()
            && state.their_have.as_ref().is_none_or(Vec::is_empty)
            && state.their_need.is_none()
            && !state.shared_heads.is_empty()
            && state
                .shared_heads
                .iter()
                .all(|h| self.doc.get_change_by_hash(h).is_some())
    }

    /// The changes of `msg` as bundles of at most [`BUNDLE_MAX`] bytes each, in their order
    /// (causal: a bundle depends only on earlier ones and on what the peer holds); `None` when
    /// they go as they are: a whole document, or a bundle that would not give back exactly
    /// the changes it was built from (each is read back and its changes' hashes compared
    /// before it is sent, since a change rebuilt with another hash would leave the peer
    /// unable to apply anything that depends on it).
    fn bundled(&self, msg: &sync::Message) -> Option<Vec<Vec<u8>>> {
        let hashes = change_hashes(msg)?;
        let mut bundles = Vec::new();
        let mut start = 0;
        while start < hashes.len() {
            let mut end = start;
            let mut raw = 0;
            for c in msg.changes.iter().skip(start) {
                if end > start && raw + c.len() > BUNDLE_FIRST_TRY {
                    break;
                }
                raw += c.len();
                end += 1;
            }
            self.bundle_into(&hashes[start..end], &mut bundles)?;
            start = end;
        }
        Some(bundles)
    }

    /// Appends `hashes` as one bundle, or as two halves (each the same way) if one would be
    /// larger than [`BUNDLE_MAX`].
    pub(super) fn bundle_into(
        &self,
        hashes: &[automerge::ChangeHash],
        out: &mut Vec<Vec<u8>>,
    ) -> Option<()> {
        let built = guarded(|| {
            self.doc
                .bundle(hashes.iter().copied())
                .map(|b| b.bytes().to_vec())
        });
        let bytes = match built {
            Ok(Ok(bytes)) => bytes,
            other => {
                warn!(
                    changes = hashes.len(),
                    ?other,
                    "could not bundle changes; they go as they are"
                );
                return None;
            }
        };
        if bytes.len() > BUNDLE_MAX && hashes.len() > 1 {
            let (a, b) = hashes.split_at(hashes.len() / 2);
            self.bundle_into(a, out)?;
            return self.bundle_into(b, out);
        }
        let back = guarded(|| {
            automerge::Bundle::try_from(bytes.as_slice())
                .ok()
                .and_then(|b| b.to_changes().ok())
                .map(|cs| cs.iter().map(automerge::Change::hash).collect::<Vec<_>>())
        });
        let mut back = back.ok().flatten().unwrap_or_default();
        let mut want = hashes.to_vec();
        back.sort();
        want.sort();
        if back != want {
            warn!(
                changes = hashes.len(),
                "a bundle did not give back its changes; they go as they are"
            );
            return None;
        }
        out.push(bytes);
        Some(())
    }

    pub(super) fn receive(&mut self, peer: &str, msg: sync::Message) -> Result<(), DocError> {
        let role = self.peer_role(peer)?;
        let mut state = std::mem::take(self.sync_state(peer, role));
        let announced = state.last_sent_heads.clone();
        // Changes the peer asks for did not reach it, whatever the state says was sent (a
        // message into a connection that dropped): they are sent again.
        let need = msg.need.clone();
        // Entries of the message's change list: changes, or bundles of many.
        let chunks = msg.changes.len();
        let started = std::time::Instant::now();
        let mut applied_at = started;
        let res = guarded(|| {
            crate::receive::receive(&mut self.doc, &mut state, msg)?;
            applied_at = std::time::Instant::now();
            state.sent_hashes.retain(|h| !need.contains(h));
            // A change-less message whose heads equal ours makes automerge record our heads
            // as sent, so it never answers. But we may have reached those heads through
            // another peer after our last message to this one, which then never learns that
            // we hold its heads and shows us out of sync for good. Keep what we really
            // announced, so the next message tells it (automerge's own reset to empty heads,
            // for a peer that lost its data, is left alone).
            if !state.last_sent_heads.is_empty() && state.last_sent_heads != announced {
                state.last_sent_heads = announced;
            }
            // automerge 0.12 accepts some mutated changes (valid checksum) that it then cannot
            // serialise: `save_after` panics with `MissingDep` in `collector.rs`. Found here,
            // the panic takes the reload path below; found in `persist`, it would kill the
            // actor thread and every later request would fail with `Closed`.
            self.probe();
            Ok::<(), automerge::AutomergeError>(())
        });
        if chunks > 0 {
            debug!(
                %peer,
                chunks,
                apply_us = (applied_at - started).as_micros() as u64,
                serialise_us = applied_at.elapsed().as_micros() as u64,
                "received changes applied"
            );
        }
        match res {
            Ok(Ok(())) => {
                self.sync_states.insert(peer.to_owned(), state);
                if self.feeders.contains_key(peer) {
                    if self.may_feed(peer) {
                        self.feeders
                            .insert(peer.to_owned(), std::time::Instant::now());
                    } else {
                        // Fed: the sessions waiting may go on (after this batch's flush).
                        self.feeders.remove(peer);
                    }
                }
                let since = self
                    .sync_saved
                    .get(peer)
                    .copied()
                    .unwrap_or_else(std::time::Instant::now);
                self.sync_dirty.entry(peer.to_owned()).or_insert(since);
                Ok(())
            }
            Ok(Err(e)) => {
                // automerge refused the message as a whole; the document is unchanged.
                self.sync_states.remove(peer);
                Err(DocError::PeerData {
                    peer: peer.to_owned(),
                    reason: e.to_string(),
                })
            }
            Err(failure) => {
                // A panic inside automerge may have left the document half-changed: drop it
                // and reload what is on disk (every acknowledged change is there).
                warn!(%peer, %failure, "a peer sent a change that could not be applied; reloading the document from disk");
                self.sync_states.remove(peer);
                self.reload();
                Err(DocError::PeerData {
                    peer: peer.to_owned(),
                    reason: "the message made automerge fail; the document was reloaded from disk"
                        .to_owned(),
                })
            }
        }
    }

    /// Saves the sync states that advanced at least [`SYNC_STATE_SAVE_EVERY`] after their
    /// last save (or after they first advanced), so never right on the heels of the message
    /// that advanced them: the session's answer goes first. The periodic call (`all`) saves
    /// every advanced one, so the last messages of a burst are saved within two intervals.
    /// Only while every change in memory is on disk: a saved state claims the changes both
    /// sides have, and a claim of a change a crash could still lose would keep the peer from
    /// ever sending it again.
    pub(super) fn save_due_sync_states(&mut self, all: bool) {
        if self.sync_dirty.is_empty() || self.doc.get_heads() != self.persisted {
            return;
        }
        let now = std::time::Instant::now();
        let due: Vec<String> = self
            .sync_dirty
            .iter()
            .filter(|(_, since)| all || now.duration_since(**since) >= SYNC_STATE_SAVE_EVERY)
            .map(|(p, _)| p.clone())
            .collect();
        for peer in due {
            self.sync_dirty.remove(&peer);
            let Some(state) = self.sync_states.get(&peer) else {
                continue;
            };
            if let Err(e) = self.store.put_state(&state_key(&peer), &state.encode()) {
                warn!(%peer, error = %e, "could not save a peer's sync state");
            }
            self.sync_saved.insert(peer, now);
        }
    }

    pub(super) fn save_sync_state(&mut self, peer: &str) {
        self.sync_dirty.remove(peer);
        self.sync_saved.remove(peer);
        if let Some(state) = self.sync_states.remove(peer)
            && let Err(e) = self.store.put_state(&state_key(peer), &state.encode())
        {
            warn!(%peer, error = %e, "could not save a peer's sync state");
        }
    }
}

/// Whether the document, as it is now, marks `peer`'s device revoked.
fn revoked_in(doc: &AutoCommit, peer: &str) -> bool {
    let Ok(Some((Value::Object(ObjType::Map), devices))) =
        doc.get(automerge::ROOT, RecordType::Device.collection())
    else {
        return false;
    };
    let Ok(Some((Value::Object(ObjType::Map), device))) = doc.get(&devices, peer) else {
        return false;
    };
    matches!(
        doc.get(&device, "revoked"),
        Ok(Some((Value::Scalar(v), _))) if v.as_bool() == Some(true)
    )
}
