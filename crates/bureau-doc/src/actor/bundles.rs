//! The actor's side of change bundles: which heads a peer is known to hold (a bundle for it
//! carries the changes after them, read on the reader thread), applying a bundle's changes,
//! and the bundle keys in the document. Sealing, signing and the inflation guard are
//! `bureau-net`'s (`bundle.rs`), which hands this side changes already checked.
//!
//! Invariants:
//! - A bundle's changes are applied only when its signer is an unrevoked device of the bureau
//!   that may write (not an observer), as the document says when they are applied, or, on a
//!   node whose bureau has not arrived, the device that invited it; a refused bundle writes
//!   nothing.
//! - Its changes reach automerge inside the input guard; a failure or a panic reloads the
//!   document from disk (every acknowledged change is there, the batch's earlier writes were
//!   flushed first), so nothing of a refused bundle stays in memory either.
//! - Changes the document already holds are counted, not applied again: importing a bundle
//!   twice is harmless.

use automerge::{Change, ChangeHash};
use bureau_model::automerge;
use bureau_model::guard::guarded;
use bureau_model::{BundleKeyRecord, Role};
use jiff::Timestamp;
use tracing::warn;

use super::Actor;
use crate::{DocError, ImportReport};

/// Store key of a peer's saved sync state (as `sessions.rs` writes it).
fn state_key(peer: &str) -> String {
    format!("sync-{peer}")
}

impl Actor {
    /// The heads `peer` is known to hold: those its sync state (in memory, else saved) says
    /// both sides share, kept only where this document holds them. None known: empty.
    pub(super) fn known_heads(&mut self, peer: &str) -> Vec<ChangeHash> {
        let state = self.sync_states.get(peer).cloned().or_else(|| {
            self.store
                .get_state(&state_key(peer))
                .ok()
                .flatten()
                .and_then(|b| automerge::sync::State::decode(&b).ok())
        });
        let heads = state.map(|s| s.shared_heads).unwrap_or_default();
        if heads
            .iter()
            .all(|h| self.doc.get_change_by_hash(h).is_some())
        {
            heads
        } else {
            Vec::new()
        }
    }

    /// Why `signer`'s bundle may not be applied, if it may not. Before the bureau has
    /// arrived, only the inviter's is.
    fn check_signer(&self, signer: &str, inviter: Option<&str>) -> Result<(), DocError> {
        let refuse = |reason: &'static str, message: String| {
            Err(DocError::BundleRefused { reason, message })
        };
        if self.view.snapshot.meta.bureau_id.is_empty() {
            return match inviter {
                Some(i) if i == signer => Ok(()),
                _ => refuse(
                    "not_member",
                    format!(
                        "this node has not received its bureau yet and takes it only from the device that invited it, not from {signer}"
                    ),
                ),
            };
        }
        match self.view.snapshot.devices.get(signer) {
            None => refuse(
                "not_member",
                format!("the bundle was signed by {signer}, which is not a device of this bureau"),
            ),
            Some(d) if d.revoked => refuse(
                "revoked",
                format!("the bundle was signed by {signer}, a device that was revoked"),
            ),
            Some(d) if d.role == Role::Observer => refuse(
                "observer",
                format!(
                    "the bundle was made by {signer}, an observer, which may not change the bureau"
                ),
            ),
            Some(_) => Ok(()),
        }
    }

    /// Applies a bundle's changes (each one automerge change chunk, already through the
    /// inflation guard) signed by `signer`. The caller makes them durable with the batch.
    pub(super) fn import_changes(
        &mut self,
        chunks: Vec<Vec<u8>>,
        signer: &str,
        inviter: Option<&str>,
    ) -> Result<ImportReport, DocError> {
        self.check_signer(signer, inviter)?;
        let res = guarded(|| {
            let mut new = Vec::new();
            let mut already_had = 0;
            for chunk in chunks {
                let change = Change::from_bytes(chunk)
                    .map_err(|e| format!("a change could not be read: {e}"))?;
                if self.doc.get_change_by_hash(&change.hash()).is_some()
                    || new.iter().any(|c: &Change| c.hash() == change.hash())
                {
                    already_had += 1;
                } else {
                    new.push(change);
                }
            }
            let hashes: Vec<ChangeHash> = new.iter().map(Change::hash).collect();
            self.doc
                .apply_changes(new)
                .map_err(|e| format!("automerge refused the changes: {e}"))?;
            // As for a sync message: serialising may panic on a mutated change, which must
            // happen here, inside the guard, rather than when the batch is written.
            self.probe();
            let imported = hashes
                .iter()
                .filter(|h| self.doc.get_change_by_hash(h).is_some())
                .count();
            Ok::<ImportReport, String>(ImportReport {
                imported_changes: imported,
                already_had,
                waiting: hashes.len() - imported,
            })
        });
        let reason = match res {
            Ok(Ok(report)) => return Ok(report),
            Ok(Err(reason)) => reason,
            Err(failure) => {
                warn!(%signer, %failure, "a bundle held a change that could not be applied");
                "a change in it made automerge fail".to_owned()
            }
        };
        // Whatever automerge did before it refused is dropped with the document in memory.
        self.probed = None;
        self.reload();
        Err(DocError::BundleRefused {
            reason: "bad_changes",
            message: format!(
                "the bundle's changes could not be applied ({reason}); nothing was written"
            ),
        })
    }

    /// The bundle keys in the document.
    pub(super) fn bundle_keys(&self) -> Vec<BundleKeyRecord> {
        bureau_model::bundle_keys(&self.doc)
    }

    /// Adds a bundle key as a change of this device's own. Only a device that may write
    /// makes one, and not a relay, which writes only its own device record.
    pub(super) fn add_bundle_key(&mut self, key: &BundleKeyRecord) -> Result<(), DocError> {
        self.check_may_edit()?;
        if self
            .view
            .snapshot
            .devices
            .get(&self.config.peer_id)
            .is_some_and(|d| d.role == Role::Relay)
        {
            return Err(DocError::Edit(bureau_model::EditError::Invalid {
                field: "bundle_key".to_owned(),
                message: "a relay writes only its own device record; export from a member's laptop"
                    .to_owned(),
            }));
        }
        self.ensure_actor_registered()?;
        bureau_model::add_bundle_key(&mut self.doc, key, Timestamp::now())?;
        Ok(())
    }
}
