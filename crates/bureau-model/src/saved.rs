//! A snapshot written out whole and read back: what a node shows while its document loads.
//!
//! Loading a large bureau's automerge document takes seconds (every change is rebuilt to be
//! hashed), and reading the records out of it seconds more. The document actor keeps the
//! records it last published on disk beside the document's files and shows them at start
//! until the document has loaded (`bureau-doc`'s `saved_view`). This module is the records'
//! part of that file: the snapshot as JSON through the same serde shapes as the API, plus the
//! one field the API never shows (the calendar feeds' secret).
//!
//! Invariant: [`from_saved`] of [`to_saved`] equals the snapshot, field for field (the model's
//! convergence test checks it on every generated bureau).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::Snapshot;

#[derive(Serialize, Deserialize)]
struct Saved<'a> {
    snapshot: Cow<'a, Snapshot>,
    /// Skipped by [`crate::Settings`]'s serde shape so that no API answer holds it.
    feed_secret: Option<Cow<'a, str>>,
}

/// The snapshot as bytes [`from_saved`] reads back.
pub fn to_saved(snapshot: &Snapshot) -> Vec<u8> {
    let saved = Saved {
        snapshot: Cow::Borrowed(snapshot),
        feed_secret: snapshot.settings.feed_secret.as_deref().map(Cow::Borrowed),
    };
    serde_json::to_vec(&saved).expect("a snapshot serialises: its maps have string keys")
}

/// Reads back what [`to_saved`] wrote; an error names what did not parse.
pub fn from_saved(bytes: &[u8]) -> Result<Snapshot, serde_json::Error> {
    let saved: Saved<'static> = serde_json::from_slice(bytes)?;
    let mut snapshot = saved.snapshot.into_owned();
    snapshot.settings.feed_secret = saved.feed_secret.map(Cow::into_owned);
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{Document, Problem, RecordType, Suggestion, Version};

    /// The fields the API's shape once left out (a version's id, how often a suggestion was
    /// applied) and the one it still leaves out (the feed secret) come back too.
    #[test]
    fn a_snapshot_reads_back_whole() {
        let mut snap = Snapshot::default();
        snap.meta.bureau_id = "b1".into();
        snap.settings.feed_secret = Some("00ff".into());
        let doc = Document {
            id: "d1".into(),
            title: "Charter".into(),
            text: "Article 1 — كل".into(),
            suggestions: vec![Suggestion {
                id: "s1".into(),
                applied: 2,
                ..Suggestion::default()
            }],
            versions: vec![Version {
                id: "v1".into(),
                name: "sent to the plenary".into(),
                ..Version::default()
            }],
            ..Document::default()
        };
        snap.documents.insert("d1".into(), Arc::new(doc));
        snap.problems.push(Problem {
            record: Some((RecordType::Document, "d1".into())),
            path: "documents.d1.x".into(),
            message: "odd".into(),
        });
        let back = from_saved(&to_saved(&snap)).unwrap();
        assert_eq!(back, snap);
        assert_eq!(back.settings.feed_secret.as_deref(), Some("00ff"));
        let err = from_saved(b"{\"snapshot\": 1}").unwrap_err();
        assert!(err.to_string().contains("invalid type"), "{err}");
    }
}
