//! `saved_view`: the records' part of a saved view (`state/view.bin`), read back as the node
//! does at start before it shows them (`bureau_doc`'s `saved_view`, `bureau_model::from_saved`).
//!
//! The file is the node's own, framed with a CRC-32 like every state blob, so a damaged one
//! is set aside before it is parsed; this target is for what gets past that: a file written by
//! another build, or edited by hand. Whatever parses must not panic where the node uses it
//! next (the findings computed from it, shown on every page), and must write back as it was
//! read (`to_saved`), the invariant the model's convergence test checks on generated bureaus.

use bureau_model::{FindingsIndex, from_saved, to_saved};

/// The moment the findings are computed at: the day before the seeds' meetings.
fn now() -> jiff::Timestamp {
    "2025-11-15T12:00:00Z".parse().expect("a timestamp")
}

/// One input.
pub fn run(data: &[u8]) {
    crate::setup();
    let Ok(snapshot) = from_saved(data) else {
        return;
    };
    let findings = FindingsIndex::new(&snapshot, now()).set();
    let _ = findings.len();
    let again = from_saved(&to_saved(&snapshot)).expect("a snapshot read back writes back");
    assert!(
        again == snapshot,
        "a saved view read back does not write back as it was read"
    );
}
