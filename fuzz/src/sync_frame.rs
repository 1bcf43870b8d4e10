//! `sync_frame`: the sync protocol's framing and the check every received message gets.
//!
//! The input (see [`PeerInput`]) is read as one frame's body by `parse_incoming` (both
//! versions) and as a stream of frames by `read_incoming` and `read_frame`. Every document frame
//! then gets what a session does before the actor sees it: `Message::decode` inside the guard
//! `guard::check_chunk` on each change entry under one [`MAX_INFLATED`] budget, and
//! `guard::check_rows` under one [`MAX_ROWS`] budget. A message
//! that passes is applied to an empty automerge document inside the guard, as the actor does
//! with what a member sent, so that what the check lets through (columns claiming huge counts,
//! say) is fuzzed as well.

use bureau_model::automerge::AutoCommit;
use bureau_model::automerge::sync::{Message, State, SyncDoc};
use bureau_model::guard::guarded;
use bureau_sync::{Incoming, MAX_FRAME, MAX_INFLATED, MAX_ROWS, Version, guard};

use crate::common::{Body, PeerInput, runtime};

/// One input.
pub fn run(data: &[u8]) {
    crate::setup();
    let Some(input) = PeerInput::decode(data) else {
        return;
    };
    match &input.body {
        Body::Raw(body) => {
            // A frame's body as either version reads it.
            for v in [Version::V1, Version::V2] {
                if let Ok(Incoming::Sync(frame)) = bureau_sync::parse_incoming(v, body.clone()) {
                    check(&frame.payload);
                }
            }
            // The same bytes as a stream of frames.
            read_stream(body, input.version);
        }
        Body::Messages(msgs) => {
            for m in msgs {
                check(m);
            }
            read_stream(&input.wire(), input.version);
        }
    }
}

/// Reads frames off `wire` until its end or the first error, as a session's reader does, and
/// checks each document frame's message.
fn read_stream(wire: &[u8], version: Version) {
    runtime().block_on(async {
        let mut r = wire;
        while let Ok(Some(incoming)) = bureau_sync::read_incoming(&mut r, version, MAX_FRAME).await
        {
            if let Incoming::Sync(frame) = incoming {
                check(&frame.payload);
            }
        }
        let mut r = wire;
        while let Ok(Some(frame)) = bureau_sync::read_frame(&mut r, MAX_FRAME).await {
            check(&frame.payload);
        }
    });
}

/// The session's check of a message (as `bureau_sync`'s private `decode` does it: decode in
/// the guard, the inflate and row budgets over every change entry, each `have`'s Bloom
/// filter), then the message applied to an empty document.
pub fn check(payload: &[u8]) {
    let Ok(Ok(msg)) = guarded(|| Message::decode(payload)) else {
        return;
    };
    let mut budget = MAX_INFLATED;
    for chunk in msg.changes.iter() {
        if guard::check_chunk(chunk, &mut budget).is_err() {
            return;
        }
    }
    let mut rows = MAX_ROWS;
    for chunk in msg.changes.iter() {
        if guard::check_rows(chunk, &mut rows, MAX_INFLATED).is_err() {
            return;
        }
    }
    if msg
        .have
        .iter()
        .any(|h| guard::check_bloom(&h.bloom.to_bytes()).is_err())
    {
        return;
    }
    let _ = guarded(move || {
        let mut doc = AutoCommit::new();
        let mut state = State::new();
        let _ = doc.sync().receive_sync_message(&mut state, msg);
    });
}
