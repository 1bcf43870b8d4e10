//! Receiving a sync message without walking the whole history when the walk can change
//! nothing.
//!
//! automerge 0.12's `receive_sync_message` trims `sent_hashes` (the changes sent to this peer
//! and not yet acknowledged) to those the peer's heads do not include, by visiting every
//! ancestor of those heads (`ChangeGraph::remove_ancestors`), for every message, whether
//! there is anything to trim or not. On a bureau with 17,000 changes that is about a
//! millisecond per message: half of receiving one edit from a peer, and again for each
//! acknowledgement.
//!
//! When every sent hash is itself one of the peer's heads, the walk's result is known without
//! it: all of them are acknowledged (a head is its own ancestor). That is the steady state of
//! live editing: nothing in flight, or the peer acknowledging exactly what we sent. Then
//! [`receive`] does the receive here, step for step as automerge 0.12 does it; in every other
//! case it leaves the message to automerge. The `matches_automerge` test runs both on random
//! exchanges and checks that they leave the same document and the same state.

use automerge::sync::{self, Capability, MessageFlags, SyncDoc};
use automerge::{AutoCommit, AutomergeError, ChangeHash};

/// Applies `msg` from a peer to `doc` and `state`, as `doc.sync().receive_sync_message` does.
pub(crate) fn receive(
    doc: &mut AutoCommit,
    state: &mut sync::State,
    msg: sync::Message,
) -> Result<(), AutomergeError> {
    let reset = msg
        .flags
        .is_some_and(|f| f.contains(MessageFlags::SYNC_RESET));
    let trimmed_by_heads = reset || state.sent_hashes.iter().all(|h| msg.heads.contains(h));
    if !trimmed_by_heads {
        return doc.sync().receive_sync_message(state, msg);
    }
    receive_without_walk(doc, state, msg)
}

/// automerge 0.12's `receive_sync_message_inner`, for a message whose heads include every
/// hash in `state.sent_hashes` (or that resets them).
fn receive_without_walk(
    doc: &mut AutoCommit,
    state: &mut sync::State,
    msg: sync::Message,
) -> Result<(), AutomergeError> {
    state.in_flight = false;
    let before = doc.get_heads();
    let sync::Message {
        heads,
        changes,
        need,
        have,
        flags,
        ..
    } = msg;
    if let Some(flags) = flags {
        let mut caps = vec![Capability::MessageV2];
        if flags.contains(MessageFlags::SUPPORTS_SYNC_RESET) {
            caps.push(Capability::SyncReset);
        }
        state.their_capabilities = Some(caps);
        if flags.contains(MessageFlags::SYNC_RESET) {
            state.sent_hashes.clear();
        }
        state.peer_read_only = flags.contains(MessageFlags::READ_ONLY);
    }
    let changes_is_empty = changes.is_empty();
    if !changes_is_empty && !state.read_only {
        let joined: Vec<u8> = changes.iter().flatten().copied().collect();
        doc.load_incremental(&joined)?;
        state.shared_heads = advance_heads(&before, &doc.get_heads(), &state.shared_heads);
    }
    // What automerge's walk would do: every sent hash is one of the peer's heads, and we know
    // each (we sent it), so each is an ancestor of the heads and goes.
    state.sent_hashes.clear();
    if changes_is_empty && heads == before {
        state.last_sent_heads.clone_from(&heads);
    }
    // Which of the peer's heads we hold. With nothing queued (changes waiting for missing
    // dependencies), those are exactly the heads automerge does not report missing; a queued
    // change is neither missing nor held, so then each remaining head is looked up.
    let missing = doc.get_missing_deps(&heads);
    let queued = !doc.get_missing_deps(&[]).is_empty();
    let known: Vec<ChangeHash> = heads
        .iter()
        .filter(|h| !missing.contains(h))
        .filter(|h| !queued || doc.get_change_meta_by_hash(h).is_some())
        .copied()
        .collect();
    if known.len() == heads.len() {
        state.shared_heads.clone_from(&heads);
        // The peer lost all its data: start over.
        if heads.is_empty() {
            state.last_sent_heads = Vec::new();
            state.sent_hashes = Default::default();
        }
    } else {
        let mut shared: Vec<ChangeHash> =
            state.shared_heads.iter().chain(&known).copied().collect();
        shared.sort();
        shared.dedup();
        state.shared_heads = shared;
    }
    state.their_have = Some(have);
    state.their_heads = Some(heads);
    state.their_need = Some(need);
    Ok(())
}

/// automerge's `advance_heads`: our new heads that are new, plus the old shared heads we still
/// have as heads, sorted.
fn advance_heads(old: &[ChangeHash], new: &[ChangeHash], shared: &[ChangeHash]) -> Vec<ChangeHash> {
    let mut out: Vec<ChangeHash> = new
        .iter()
        .filter(|h| !old.contains(h))
        .chain(shared.iter().filter(|h| new.contains(h)))
        .copied()
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use automerge::sync::{self, SyncDoc};
    use automerge::transaction::{CommitOptions, Transactable};
    use automerge::{AutoCommit, ROOT, ReadDoc};

    use super::receive;

    /// A tiny deterministic generator, so a failure can be replayed.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    /// One side of an exchange kept twice: with our receive and with automerge's.
    struct Twin {
        ours: (AutoCommit, sync::State),
        theirs: (AutoCommit, sync::State),
    }

    impl Twin {
        fn new(doc: &mut AutoCommit, actor: &[u8]) -> Twin {
            let a = doc.fork().with_actor(automerge::ActorId::from(actor));
            let b = a.clone();
            Twin {
                ours: (a, sync::State::new()),
                theirs: (b, sync::State::new()),
            }
        }

        fn edit(&mut self, key: &str, value: i64) {
            for (doc, _) in [&mut self.ours, &mut self.theirs] {
                doc.put(ROOT, key, value).unwrap();
                // A fixed time, so both copies make the very same change.
                doc.commit_with(CommitOptions::default().with_time(value));
            }
        }

        /// The next message of each copy; they must be the same.
        fn generate(&mut self) -> Option<sync::Message> {
            let a = self.ours.0.sync().generate_sync_message(&mut self.ours.1);
            let b = self
                .theirs
                .0
                .sync()
                .generate_sync_message(&mut self.theirs.1);
            assert_eq!(a, b, "the two copies would send different messages");
            a
        }

        fn reconnect(&mut self) {
            for (_, state) in [&mut self.ours, &mut self.theirs] {
                *state = sync::State::decode(&state.encode()).unwrap();
            }
        }

        fn receive(&mut self, msg: sync::Message) {
            receive(&mut self.ours.0, &mut self.ours.1, msg.clone()).unwrap();
            self.theirs
                .0
                .sync()
                .receive_sync_message(&mut self.theirs.1, msg)
                .unwrap();
            assert_eq!(self.ours.1, self.theirs.1, "the sync states differ");
            assert_eq!(self.ours.0.get_heads(), self.theirs.0.get_heads());
        }
    }

    #[test]
    fn matches_automerge() {
        for seed in 1..=40u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let mut base = AutoCommit::new();
            let mut x = Twin::new(&mut base, b"xxxx");
            let mut y = Twin::new(&mut base, b"yyyy");
            for step in 0..60 {
                match rng.below(5) {
                    0 => x.edit(&format!("k{}", rng.below(8)), step),
                    1 => y.edit(&format!("k{}", rng.below(8)), step),
                    2 => {
                        if let Some(m) = x.generate() {
                            y.receive(m);
                        }
                    }
                    3 => {
                        if let Some(m) = y.generate() {
                            x.receive(m);
                        }
                    }
                    // A message lost with the connection: both sides start a new session
                    // from what they persist of their states, as the node does.
                    _ => {
                        let _ = x.generate();
                        x.reconnect();
                        y.reconnect();
                    }
                }
            }
            // Then until quiet: both copies of both sides end equal.
            for _ in 0..20 {
                let mx = x.generate();
                let my = y.generate();
                if mx.is_none() && my.is_none() {
                    break;
                }
                if let Some(m) = mx {
                    y.receive(m);
                }
                if let Some(m) = my {
                    x.receive(m);
                }
            }
            assert_eq!(x.ours.0.get_heads(), y.ours.0.get_heads(), "seed {seed}");
            assert_eq!(
                x.ours
                    .0
                    .get(ROOT, "k0")
                    .unwrap()
                    .map(|(v, _)| v.to_string()),
                y.ours
                    .0
                    .get(ROOT, "k0")
                    .unwrap()
                    .map(|(v, _)| v.to_string())
            );
        }
    }
}
