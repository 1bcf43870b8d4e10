//! Conflicts (fields with several concurrent values) and per-record history.

use automerge::{ObjId as ExId, ObjId, ObjType, ReadDoc, ScalarValue, Value, ValueRef};
use serde::{Deserialize, Serialize};

use crate::records::RecordType;

/// Fields every edit rewrites; concurrent edits always "conflict" on them, which says nothing
/// a person needs to decide, so they are never listed.
pub(crate) const BOOKKEEPING: &[&str] = &["updated_at", "updated_by", "archived_at", "archived_by"];

/// One of a conflicted field's values and who wrote it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConflictValue {
    /// The value as JSON-compatible scalar.
    pub value: ScalarValue,
    /// Member id of the author of the change that wrote it (empty if unknown).
    pub author: String,
}

/// A field holding several concurrent values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// Record type.
    #[serde(rename = "type")]
    pub ty: RecordType,
    /// Record id.
    pub id: String,
    /// Dotted path of the field within the record (`title`, `actions.<id>.done`).
    pub field: String,
    /// The concurrent values, in automerge's order (the first is the one shown by default).
    pub values: Vec<ConflictValue>,
}

/// The member id recorded as the author of the op `op`, or empty.
fn author_of(op: &ExId, author_for: &dyn Fn(&automerge::ActorId) -> Option<String>) -> String {
    match op {
        ExId::Id(_, actor, _) => author_for(actor).unwrap_or_default(),
        ExId::Root => String::new(),
    }
}

/// Lists every conflicted field of every record. `author_for` maps an actor to its author's
/// member id (the document's author table).
pub fn conflicts<D: ReadDoc>(
    doc: &D,
    author_for: &dyn Fn(&automerge::ActorId) -> Option<String>,
) -> Vec<Conflict> {
    let mut out = Vec::new();
    for &ty in RecordType::ALL {
        for coll in crate::read::collection_objs(doc, ty, &mut Vec::new()) {
            for item in doc.map_range(&coll, ..) {
                if matches!(item.value, ValueRef::Object(ObjType::Map)) {
                    let rec = item.id();
                    walk(doc, ty, &item.key, &rec, "", 0, author_for, &mut out);
                }
            }
        }
    }
    out
}

/// The conflicted fields of one record (empty if it does not exist).
pub fn record_conflicts<D: ReadDoc>(
    doc: &D,
    ty: RecordType,
    id: &str,
    author_for: &dyn Fn(&automerge::ActorId) -> Option<String>,
) -> Vec<Conflict> {
    let mut out = Vec::new();
    if let Some((_, rec)) = crate::read::find_record(doc, ty, id) {
        walk(doc, ty, id, &rec, "", 0, author_for, &mut out);
    }
    out
}

#[allow(clippy::too_many_arguments, reason = "a private recursive walker")]
fn walk<D: ReadDoc>(
    doc: &D,
    ty: RecordType,
    id: &str,
    obj: &ObjId,
    prefix: &str,
    depth: usize,
    author_for: &dyn Fn(&automerge::ActorId) -> Option<String>,
    out: &mut Vec<Conflict>,
) {
    // One pass over the map; automerge flags the keys holding several values, and only those
    // need `get_all` (a per-key `get_all` would seek from the object's start every time).
    for item in doc.map_range(obj, ..) {
        let key = item.key.as_ref();
        if depth == 0 && BOOKKEEPING.contains(&key) {
            continue;
        }
        let field = || {
            if prefix.is_empty() {
                key.to_owned()
            } else {
                format!("{prefix}.{key}")
            }
        };
        if item.conflict {
            let all = doc.get_all(obj, key).unwrap_or_default();
            let mut values: Vec<ConflictValue> = Vec::new();
            for (v, op) in &all {
                if let Value::Scalar(s) = v {
                    values.push(ConflictValue {
                        value: s.as_ref().clone(),
                        author: author_of(op, author_for),
                    });
                }
            }
            let distinct = values
                .iter()
                .enumerate()
                .filter(|(i, v)| !values[..*i].iter().any(|w| w.value == v.value))
                .count();
            if distinct > 1 {
                // get_all lists the values oldest op first; the one shown by default is the
                // last.
                values.reverse();
                out.push(Conflict {
                    ty,
                    id: id.to_owned(),
                    field: field(),
                    values,
                });
                continue;
            }
        }
        // Nested maps (action items, status history) can hold conflicts of their own; sets
        // and text cannot, so only maps are entered, and not deeper than records go.
        if depth < 2 && matches!(item.value, ValueRef::Object(ObjType::Map)) {
            let child = item.id();
            walk(doc, ty, id, &child, &field(), depth + 1, author_for, out);
        }
    }
}
