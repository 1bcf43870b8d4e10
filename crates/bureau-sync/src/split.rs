//! Sync messages capped at [`MAX_MESSAGE`] bytes: a message that carries more changes is sent
//! as several, each with a share of the changes.
//!
//! Automerge puts every change a peer lacks into one message: after a week apart that is
//! hundreds of kilobytes, many seconds on a congested link, longer than the link stays up
//! between drops, so such a message would be lost again and again and the peers would never
//! meet. In parts, each part is applied (and made durable) as it arrives, a drop loses at most
//! the part in flight, and the next session sends only what is still missing (the receiver's
//! bloom filter now lists what arrived).
//!
//! The receiving session joins the parts it already holds, or that come within a moment of
//! each other, back into one message ([`more_parts_follow`], [`continues`], [`join`]): on a
//! fast link that is one apply, one durable write and one answer for the whole message; on a
//! slow one each part still applies as it arrives.
//!
//! Invariants. Every part carries the original heads, needs, bloom filters and capability
//! flags, so whichever part the receiver reads last leaves its sync state as the whole message
//! would; only the first carries a reset (done once, before any change of the message). Changes keep their order, which is
//! causal, so a part never depends on a later one. A message whose changes are a whole
//! document (automerge sends one when the peer lacks most of it) is one chunk and is sent
//! whole.

use bureau_model::automerge::sync::{ChunkList, Message, MessageFlags, MessageVersion};

/// Largest sync message sent whole, in bytes: about a second and a half on a 256 kbit/s link
/// once compressed, so that a part crosses a congested Wi-Fi between two drops. Not smaller:
/// each part is applied, made durable and answered on its own (the answer carries a new
/// bloom filter), which a fast link pays for in time and CPU (at 32 KB, W2 on loopback took
/// twice as long).
pub const MAX_MESSAGE: usize = 96 * 1024;

/// The magic bytes that open every automerge chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// The chunk type of a whole document.
const DOCUMENT: u8 = 0;
/// The chunk types of one change, as it is and DEFLATE-compressed.
const CHANGE: u8 = 1;
const COMPRESSED_CHANGE: u8 = 2;

/// `msg` (an encoded message of this node's) as messages of at most about `cap` bytes each;
/// `None` when it is sent as it is (small enough, or not splittable).
pub fn split(msg: &[u8], cap: usize) -> Option<Vec<Vec<u8>>> {
    if msg.len() <= cap {
        return None;
    }
    let decoded = bureau_model::guard::guarded(|| Message::decode(msg))
        .ok()?
        .ok()?;
    let v2 = decoded.version == MessageVersion::V2;
    // Every change chunk, in order.
    let mut chunks: Vec<&[u8]> = Vec::new();
    for blob in decoded.changes.iter() {
        let mut rest: &[u8] = blob;
        while !rest.is_empty() {
            let len = chunk_len(rest)?;
            if rest.get(8) == Some(&DOCUMENT) {
                return None;
            }
            chunks.push(&rest[..len]);
            rest = &rest[len..];
        }
    }
    let mut groups: Vec<Vec<&[u8]>> = vec![Vec::new()];
    let mut size = 0;
    for c in chunks {
        if size + c.len() > cap && !groups.last().is_some_and(Vec::is_empty) {
            groups.push(Vec::new());
            size = 0;
        }
        size += c.len();
        groups.last_mut()?.push(c);
    }
    if groups.len() < 2 {
        return None;
    }
    let flags_after_first = decoded.flags.map(|f| {
        let mut kept = MessageFlags::new();
        for flag in [MessageFlags::READ_ONLY, MessageFlags::SUPPORTS_SYNC_RESET] {
            if f.contains(flag) {
                kept.set(flag);
            }
        }
        kept
    });
    let parts = groups
        .into_iter()
        .enumerate()
        .map(|(i, group)| {
            let changes: Vec<Vec<u8>> = if v2 {
                vec![group.concat()]
            } else {
                group.into_iter().map(<[u8]>::to_vec).collect()
            };
            Message {
                heads: decoded.heads.clone(),
                need: decoded.need.clone(),
                have: decoded.have.clone(),
                changes: ChunkList::from(changes),
                flags: if i == 0 {
                    decoded.flags
                } else {
                    flags_after_first
                },
                version: decoded.version.clone(),
            }
            .encode()
        })
        .collect();
    Some(parts)
}

/// Whether the changes of `msg` (a received message) may be a part that more parts follow.
///
/// The changes of a whole message are every change the sender thinks the receiver lacks, in
/// causal order, and every change depending on one of them is among them (automerge sends
/// the dependents of what it sends), so the last has no successor at the sender: it is one of
/// the message's heads. A message whose last change is not one of its heads is therefore a
/// part of a split message ([`split`]) with more to come. The converse does not hold (a part
/// may end at the head of a concurrent branch), which only means it is not waited on.
/// A chunk's checksum is the first four bytes of its change's hash.
pub fn more_parts_follow(msg: &Message) -> bool {
    let Some(blob) = msg.changes.iter().last() else {
        return false;
    };
    let mut rest: &[u8] = blob;
    let mut last = None;
    while !rest.is_empty() {
        let Some(len) = chunk_len(rest) else {
            return false;
        };
        last = match rest.get(8) {
            Some(&CHANGE | &COMPRESSED_CHANGE) => rest.get(4..8),
            // A whole document or a bundle: its checksum is no change's.
            _ => None,
        };
        rest = &rest[len..];
    }
    last.is_some_and(|checksum| !msg.heads.iter().any(|h| h.0[..4] == *checksum))
}

/// `more` continues `first`: both are parts of one message (same heads, needs and bloom
/// filters, and no reset after the first, see [`split`]).
pub fn continues(first: &Message, more: &Message) -> bool {
    more.heads == first.heads
        && more.need == first.need
        && more.have == first.have
        && more.version == first.version
        && !more
            .flags
            .is_some_and(|f| f.contains(MessageFlags::SYNC_RESET))
}

/// `first` with the changes of `more` (a part that [`continues`] it) after its own.
pub fn join(first: Message, more: Message) -> Message {
    let changes: Vec<Vec<u8>> = first
        .changes
        .iter()
        .chain(more.changes.iter())
        .map(<[u8]>::to_vec)
        .collect();
    Message {
        changes: ChunkList::from(changes),
        ..first
    }
}

/// The length of the chunk `bytes` starts with: magic, checksum, type, a LEB128 length and
/// that many bytes; `None` if it is not one.
fn chunk_len(bytes: &[u8]) -> Option<usize> {
    if bytes.get(..4)? != MAGIC {
        return None;
    }
    let mut len: u64 = 0;
    let mut at = 9;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(at)?;
        at += 1;
        len |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            let end = at.checked_add(usize::try_from(len).ok()?)?;
            return (end <= bytes.len()).then_some(end);
        }
    }
    None
}
