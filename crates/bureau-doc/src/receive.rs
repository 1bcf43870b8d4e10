//! Receiving a sync message with a walk of the recent history only.
//!
//! automerge 0.12's `receive_sync_message` trims `sent_hashes` (the changes sent to this peer
//! and not yet acknowledged) to those the peer's heads do not include, by visiting every
//! ancestor of those heads (`ChangeGraph::remove_ancestors`), for every message, whether
//! there is anything to trim or not. On a bureau with 17,000 changes that is about a
//! millisecond per message: half of receiving one edit from a peer, and again for each
//! acknowledgement.
//!
//! [`receive`] does the receive here, step for step as automerge 0.12 does it, except that
//! walk: it starts from the peer's heads and stops as soon as every sent hash is accounted for
//! or the changes left are older than all of them (a change's ancestors all have lower
//! operation counters). The sent hashes are the few changes of the last moments, so the walk
//! visits a handful of changes: none when the peer acknowledges exactly what we sent, one or
//! two when edits are pipelined. Past a budget it stops and keeps the hashes it could not
//! place, which only means they are not sent again (the peer has them or they are in
//! flight). The `matches_automerge` test runs both on random exchanges and checks that they
//! leave the same document and the same state.

use automerge::sync::{self, Capability, MessageFlags};
use automerge::{AutoCommit, AutomergeError, ChangeHash};

/// Changes a trimming walk visits at most before it keeps what it could not place.
const WALK_BUDGET: usize = 1024;

/// Applies `msg` from a peer to `doc` and `state`, as automerge 0.12's
/// `receive_sync_message_inner` does, with a short walk instead of a walk of the whole history.
pub(crate) fn receive(
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
    trim_acknowledged(doc, &heads, &mut state.sent_hashes);
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

/// Removes from `sent` every change that is one of `heads` or an ancestor of one, as automerge's
/// `filter_changes` does, walking back from the heads only as far as a sent change could be.
fn trim_acknowledged(
    doc: &mut AutoCommit,
    heads: &[ChangeHash],
    sent: &mut std::collections::BTreeSet<ChangeHash>,
) {
    sent.retain(|h| !heads.contains(h));
    if sent.is_empty() {
        return;
    }
    // A change's operations are numbered above every operation of its ancestors, so a sent
    // change can only be an ancestor of changes whose operations reach its first one (an empty
    // change's first operation is one past its last, hence the `+ 1` below).
    let Some(oldest) = sent
        .iter()
        .filter_map(|h| doc.get_change_meta_by_hash(h).map(|m| m.start_op))
        .min()
    else {
        return;
    };
    let mut stack: Vec<ChangeHash> = heads.to_vec();
    let mut visited = std::collections::HashSet::new();
    while let Some(h) = stack.pop() {
        if !visited.insert(h) {
            continue;
        }
        if visited.len() > WALK_BUDGET {
            return;
        }
        let Some(meta) = doc.get_change_meta_by_hash(&h) else {
            // Not ours (yet): automerge skips heads it does not have.
            continue;
        };
        if sent.remove(&h) && sent.is_empty() {
            return;
        }
        if meta.max_op + 1 < oldest {
            continue;
        }
        stack.extend(meta.deps.iter().copied());
    }
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
