//! Who changed which field of a record, when.
//!
//! Automerge keeps every change; a record's history is the list of changes whose operations
//! touched the record's map or one of the objects inside it (its sets, its text, its action
//! items), each named by the record field it sits under.

use std::collections::BTreeMap;

use automerge::legacy::{Key, ObjectId};
use automerge::{Change, ObjId as ExId, ObjId, ReadDoc, Value};
use jiff::Timestamp;
use serde::Serialize;

use crate::read::map_at;
use crate::records::RecordType;

/// One change that touched a record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// When the change was made (RFC 3339, from the change's own timestamp).
    pub at: String,
    /// Member id of the author (empty if the change carries none).
    pub author: String,
    /// The change's hash.
    pub change: String,
    /// The change message (`update meeting 4f2a`).
    pub message: String,
    /// The record fields the change touched, sorted.
    pub fields: Vec<String>,
}

/// The legacy (expanded-change) spelling of an object id, to compare with decoded ops.
fn legacy_id(obj: &ExId) -> Option<ObjectId> {
    match obj {
        ExId::Root => Some(ObjectId::Root),
        ExId::Id(counter, actor, _) => Some(ObjectId::Id(automerge::legacy::OpId(
            *counter,
            actor.clone(),
        ))),
    }
}

/// Maps every object inside a record (recursively) to the record field it sits under.
fn objects_of<D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    field: Option<&str>,
    out: &mut BTreeMap<ObjectId, Option<String>>,
) {
    if let Some(id) = legacy_id(obj) {
        out.insert(id, field.map(str::to_owned));
    }
    for key in doc.keys(obj).collect::<Vec<_>>() {
        if let Ok(Some((Value::Object(_), child))) = doc.get(obj, key.as_str()) {
            let f = field.unwrap_or(key.as_str()).to_owned();
            objects_of(doc, &child, Some(&f), out);
        }
    }
}

/// The history of one record, oldest first. `changes` are all of the document's changes (from
/// `get_changes(&[])`), in causal order; each change's author is the one its actor's first
/// change names.
pub fn history<D: ReadDoc>(
    doc: &D,
    changes: &[Change],
    ty: RecordType,
    id: &str,
) -> Option<Vec<HistoryEntry>> {
    // Automerge writes the author into an actor's first change only; later changes of that
    // actor are attributed through it.
    let authors: BTreeMap<&automerge::ActorId, String> = changes
        .iter()
        .filter_map(|c| {
            let author = c.author()?;
            Some((
                c.actor_id(),
                String::from_utf8_lossy(author.as_bytes()).into_owned(),
            ))
        })
        .collect();
    history_of(doc, changes, ty, id, &|actor| authors.get(actor).cloned())
}

/// The entries of one record among `changes` (any causally ordered run of the document's
/// changes, such as those since a cached history's heads), with each change's author from
/// `author_of`. `doc` must hold every one of `changes`: the record's objects are read from it.
pub fn history_of<D: ReadDoc>(
    doc: &D,
    changes: &[Change],
    ty: RecordType,
    id: &str,
    author_of: &dyn Fn(&automerge::ActorId) -> Option<String>,
) -> Option<Vec<HistoryEntry>> {
    let coll = map_at(doc, &automerge::ROOT, ty.collection())?;
    let rec = map_at(doc, &coll, id)?;
    let coll_id = legacy_id(&coll)?;
    let mut objects = BTreeMap::new();
    objects_of(doc, &rec, None, &mut objects);
    let mut out = Vec::new();
    for change in changes {
        let expanded = change.decode();
        let mut fields: Vec<String> = Vec::new();
        for op in &expanded.operations {
            let field = if op.obj == coll_id {
                // The op that created (or replaced) the record itself.
                match &op.key {
                    Key::Map(k) if k.as_str() == id => Some("created".to_owned()),
                    _ => None,
                }
            } else {
                match objects.get(&op.obj) {
                    Some(Some(f)) => Some(f.clone()),
                    Some(None) => match &op.key {
                        Key::Map(k) => Some(k.to_string()),
                        Key::Seq(_) => None,
                    },
                    None => None,
                }
            };
            if let Some(f) = field
                && !fields.contains(&f)
            {
                fields.push(f);
            }
        }
        if fields.is_empty() {
            continue;
        }
        fields.sort();
        out.push(HistoryEntry {
            at: Timestamp::from_millisecond(change.timestamp())
                .map(|t| t.to_string())
                .unwrap_or_default(),
            author: author_of(change.actor_id()).unwrap_or_default(),
            change: change.hash().to_string(),
            message: change.message().unwrap_or_default().to_owned(),
            fields,
        });
    }
    Some(out)
}
