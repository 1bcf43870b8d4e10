//! A reconnect's push, prepared while the node was idle: the bundles of the changes made since
//! the heads this node last shared with a peer whose session ended.
//!
//! A session that pushes on open ([`crate::Outbox::push_on_open`]) sends every change since the
//! heads both sides last held, as bundles, with its first message. Building them is automerge's
//! work on the actor's thread, in proportion to the changes (W2 at size m, 1,000 changes: about
//! 33 ms to pick and encode them, 23 ms to bundle and read the bundle back), and the peer's own
//! changes, which arrive meanwhile, wait behind it. A delegate who edits offline gives the node
//! idle seconds before the network comes back; the bundles are built then, a few changes at a
//! time as edits come, and the reconnect's first message only takes them.
//!
//! Invariants:
//! - A prepared push is used only when its `since` heads are exactly the peer's shared heads
//!   in the state its session starts from and its `upto` heads are the document's (or the
//!   changes after them are fewer than a bundle is worth, and go as they are): it then holds
//!   exactly the changes a push built at that moment would hold, already read back.
//! - It is built only after the actor was idle for [`PREPARE_IDLE`], in steps of the changes
//!   since the previous step, so a step never holds up a command by more than the changes
//!   made since the last idle moment take to bundle.
//! - It is a cache: dropping it, or never building it, changes what is sent by nothing but
//!   the time its build takes.

use automerge::ChangeHash;
use bureau_model::automerge;
use tracing::debug;

use super::Actor;
use super::sessions::BUNDLE_MIN_CHANGES;
use crate::DocCommand;

/// How long the actor must have had nothing to write before it prepares a push: longer than
/// the gap between a typist's keystrokes reaching it, shorter than a pause between edits.
pub(super) const PREPARE_IDLE: std::time::Duration = std::time::Duration::from_millis(500);

/// Changes bundled together at first when preparing (a bundle larger than
/// [`super::sessions::BUNDLE_MAX`] is halved until it fits, as for a push built at once).
const PREPARE_STEP: usize = 2_000;

/// The bundles of the changes from `since` to `upto`, in automerge's order.
#[derive(Default)]
pub(super) struct PreparedPush {
    /// The heads the peer is known to hold (sorted).
    since: Vec<ChangeHash>,
    /// The document's heads when the last step was bundled (sorted).
    upto: Vec<ChangeHash>,
    bundles: Vec<Vec<u8>>,
    /// The changes in `bundles`.
    hashes: Vec<ChangeHash>,
}

/// What a session's first message takes from a prepared push.
pub(super) struct Taken {
    /// Bundles, then any change made after the last step, as it is.
    pub(super) chunks: Vec<Vec<u8>>,
    /// Every change in `chunks`.
    pub(super) hashes: Vec<ChangeHash>,
    pub(super) bundles: usize,
}

impl Actor {
    /// Builds or extends the push for the peer whose session ended last, if it reads bundles,
    /// has no session now, the actor has been idle long enough and there are enough changes
    /// since the heads that peer holds.
    pub(super) fn prepare_push(&mut self) {
        let Some(peer) = self.push_candidate() else {
            return;
        };
        if self.last_write.elapsed() < PREPARE_IDLE {
            self.ring_when_idle();
            return;
        }
        let mut since = self.known_heads(&peer);
        since.sort();
        let heads = self.doc.get_heads();
        if since.is_empty() || since == heads {
            return;
        }
        let started = std::time::Instant::now();
        let mut prepared = match self.prepared.take() {
            Some(p) if p.since == since => p,
            _ => PreparedPush {
                upto: since.clone(),
                since,
                ..PreparedPush::default()
            },
        };
        if prepared.upto == heads {
            self.prepared = Some(prepared);
            return;
        }
        let new: Vec<ChangeHash> = self
            .doc
            .document()
            .get_changes_meta(&prepared.upto)
            .into_iter()
            .map(|m| m.hash)
            .collect();
        if new.len() < BUNDLE_MIN_CHANGES {
            // Too few to bundle on their own; they go as they are, or with a later step.
            self.prepared = (!prepared.hashes.is_empty()).then_some(prepared);
            return;
        }
        for step in new.chunks(PREPARE_STEP) {
            if self.bundle_into(step, &mut prepared.bundles).is_none() {
                // Not bundled: the push is built when the session asks, as without this.
                return;
            }
        }
        prepared.hashes.extend(new.iter().copied());
        prepared.upto = heads;
        debug!(
            %peer,
            changes = new.len(),
            prepared = prepared.hashes.len(),
            bundles = prepared.bundles.len(),
            us = started.elapsed().as_micros() as u64,
            "push prepared while idle"
        );
        self.prepared = Some(prepared);
    }

    /// The peer a push is prepared for: the one that read bundles and whose session ended
    /// last, while it has no session.
    fn push_candidate(&self) -> Option<String> {
        let peer = self.last_gone_reader.as_ref()?;
        let live = self
            .outboxes
            .get(peer)
            .is_some_and(|o| o.strong_count() > 0);
        (!live).then(|| peer.clone())
    }

    /// Has the actor woken [`PREPARE_IDLE`] after the last write, if there is a peer to
    /// prepare a push for and no wake-up is pending (one timer at a time, however many
    /// edits come: a wake-up that comes too early asks for the next).
    pub(super) fn ring_when_idle(&mut self) {
        if self.idle_ring.is_some() || self.push_candidate().is_none() {
            return;
        }
        let Some((rt, tx)) = self.ring.as_ref() else {
            return;
        };
        let tx = tx.clone();
        let at = self.last_write + PREPARE_IDLE;
        self.idle_ring = Some(at);
        rt.spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            if let Some(tx) = tx.upgrade() {
                let _ = tx.send(DocCommand::Idle).await;
            }
        });
    }

    /// How many changes the prepared push holds.
    #[cfg(test)]
    pub(super) fn prepared_changes(&self) -> usize {
        self.prepared.as_ref().map_or(0, |p| p.hashes.len())
    }

    /// The prepared push for a peer that holds `since`, if it holds every change since then
    /// but a few (see the module's invariants); it is used up.
    pub(super) fn take_prepared(&mut self, since: &[ChangeHash]) -> Option<Taken> {
        let mut since = since.to_vec();
        since.sort();
        if self.prepared.as_ref()?.since != since {
            return None;
        }
        let p = self.prepared.take()?;
        let mut chunks = p.bundles;
        let bundles = chunks.len();
        let mut hashes = p.hashes;
        if p.upto != self.doc.get_heads() {
            let rest = self.doc.document().get_changes(&p.upto);
            if rest.len() >= BUNDLE_MIN_CHANGES {
                return None;
            }
            for c in rest {
                hashes.push(c.hash());
                chunks.push(c.raw_bytes().to_vec());
            }
        }
        Some(Taken {
            chunks,
            hashes,
            bundles,
        })
    }
}
