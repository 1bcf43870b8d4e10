//! Who changed which field of a record, when, from what to what.
//!
//! Automerge keeps every change; a record's history is the list of changes whose operations
//! touched the record's map or one of the objects inside it (its sets, its text, its action
//! items), each named by the record field it sits under.
//!
//! Each field a change touched comes with its value before and after the change, as the
//! record's JSON has them: the record read at the change's parents and at the change itself,
//! which is what its author saw before and after writing it (a concurrent change by someone
//! else is in neither). Bookkeeping fields are left out. A long text also gets the words
//! removed and added, so a reader need not compare two whole texts.

use std::collections::BTreeMap;

use automerge::legacy::{Key, ObjectId};
use automerge::{Change, ChangeHash, ObjId as ExId, ObjId, ReadDoc, Value};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value as Json;

use crate::change::RecordFields;
use crate::conflicts::BOOKKEEPING;
use crate::edit::{
    BodyFields, DocumentFields, GroupFields, InterpreterFields, MeetingFields, MemberFields,
    NoteFields, ReviewFields, RoomFields,
};
use crate::read::Snapshot;
use crate::records::RecordType;

/// Fields a history leaves out besides the bookkeeping every edit rewrites: a group's status
/// log, which the model appends to whenever `status` changes (the status's own change says
/// it).
const HIDDEN: &[&str] = &["status_history"];

/// Unchanged words shown on each side of a change in a long text.
pub const CONTEXT_WORDS: usize = 4;

/// The largest comparison of two long texts' changed middles (words times words) done word by
/// word; beyond it the middle is one replacement, so no text makes a history slow to read.
const MAX_CELLS: usize = 1 << 20;

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
    /// The record fields the change touched, sorted, with their values before and after;
    /// bookkeeping fields left out.
    pub fields: Vec<FieldChange>,
}

/// A field a change touched, with its value before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The field as the record's JSON names it.
    pub field: String,
    /// The value before the change, as the record's JSON has it (`null`: the record or the
    /// field did not exist).
    pub old: Json,
    /// The value after the change.
    pub new: Json,
    /// For a long text (an agenda, a note's text, a review's notes): the words removed and
    /// added, each place with a few unchanged words around it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<WordChange>>,
}

/// One place in a long text where words were removed, added or both.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WordChange {
    /// Unchanged words just before (at most [`CONTEXT_WORDS`]).
    pub before: String,
    /// The words removed, in order, separated by spaces.
    pub removed: String,
    /// The words added.
    pub added: String,
    /// Unchanged words just after (at most [`CONTEXT_WORDS`]).
    pub after: String,
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
/// `author_of`. `doc` must hold every one of `changes` and their ancestors: the record's
/// objects and its values before and after each change are read from it.
pub fn history_of<D: ReadDoc>(
    doc: &D,
    changes: &[Change],
    ty: RecordType,
    id: &str,
    author_of: &dyn Fn(&automerge::ActorId) -> Option<String>,
) -> Option<Vec<HistoryEntry>> {
    let (coll, rec) = crate::read::find_record(doc, ty, id)?;
    let coll_id = legacy_id(&coll)?;
    let mut objects = BTreeMap::new();
    objects_of(doc, &rec, None, &mut objects);
    let mut out = Vec::new();
    for change in changes {
        let expanded = change.decode();
        let mut touched = false;
        let mut fields: Vec<String> = Vec::new();
        for op in &expanded.operations {
            let field = if op.obj == coll_id {
                // The op that created (or replaced) the record itself; its fields are the
                // ops into the record's map.
                touched |= matches!(&op.key, Key::Map(k) if k.as_str() == id);
                None
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
            if let Some(f) = field {
                touched = true;
                if !fields.contains(&f) && !BOOKKEEPING.contains(&f.as_str()) {
                    fields.push(f);
                }
            }
        }
        if !touched {
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
            fields: field_changes(doc, change, ty, id, &fields),
        });
    }
    Some(out)
}

/// The fields a change touched, with their values before it (at its parents) and after it.
fn field_changes<D: ReadDoc>(
    doc: &D,
    change: &Change,
    ty: RecordType,
    id: &str,
    fields: &[String],
) -> Vec<FieldChange> {
    if fields.is_empty() {
        return Vec::new();
    }
    let before = record_json(doc, change.deps(), ty, id);
    let after = record_json(doc, &[change.hash()], ty, id);
    let value = |record: &Option<serde_json::Map<String, Json>>, f: &str| {
        record
            .as_ref()
            .and_then(|r| r.get(f))
            .cloned()
            .unwrap_or(Json::Null)
    };
    let long = long_texts(ty);
    fields
        .iter()
        .filter(|f| !HIDDEN.contains(&f.as_str()))
        .filter_map(|f| {
            let (old, new) = (value(&before, f), value(&after, f));
            // A field written empty as the record was made, or one this version does not
            // know (a newer node's): nothing a reader could see changed.
            if is_empty(&old) && is_empty(&new) {
                return None;
            }
            let words = long.contains(&f.as_str()).then(|| {
                word_changes(
                    old.as_str().unwrap_or_default(),
                    new.as_str().unwrap_or_default(),
                )
            });
            Some(FieldChange {
                field: f.clone(),
                old,
                new,
                words,
            })
        })
        .collect()
}

/// Nothing to show: absent, empty text, empty list or map, or false.
fn is_empty(v: &Json) -> bool {
    match v {
        Json::Null | Json::Bool(false) => true,
        Json::String(s) => s.is_empty(),
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.is_empty(),
        Json::Number(_) | Json::Bool(true) => false,
    }
}

/// The long texts of a record type: those a history gives word by word.
fn long_texts(ty: RecordType) -> &'static [&'static str] {
    match ty {
        RecordType::Review => ReviewFields::LONG_TEXTS,
        RecordType::Meeting => MeetingFields::LONG_TEXTS,
        RecordType::Note => NoteFields::LONG_TEXTS,
        RecordType::Document => DocumentFields::LONG_TEXTS,
        RecordType::Member => MemberFields::LONG_TEXTS,
        RecordType::Group => GroupFields::LONG_TEXTS,
        RecordType::Room => RoomFields::LONG_TEXTS,
        RecordType::Body => BodyFields::LONG_TEXTS,
        RecordType::Interpreter => InterpreterFields::LONG_TEXTS,
        RecordType::Device => &[],
    }
}

/// A record as its JSON has it, read at `heads`; `None` if it did not exist then.
fn record_json<D: ReadDoc>(
    doc: &D,
    heads: &[ChangeHash],
    ty: RecordType,
    id: &str,
) -> Option<serde_json::Map<String, Json>> {
    let snap = Snapshot::record_at(doc, heads, ty, id)?;
    match snap.record_json(ty, id)? {
        Json::Object(map) => Some(map),
        _ => None,
    }
}

/// One step of a word-by-word comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Same,
    Removed,
    Added,
}

/// The words removed and added between two texts, each place with up to [`CONTEXT_WORDS`]
/// unchanged words on either side. Words are separated by white space; a change of spacing
/// alone changes no word.
pub fn word_changes(old: &str, new: &str) -> Vec<WordChange> {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    let steps = word_steps(&a, &b);
    // Each step's word: the old text's for Same and Removed, the new one's for Added.
    let mut words: Vec<(Step, &str)> = Vec::with_capacity(steps.len());
    let (mut i, mut j) = (0, 0);
    for step in steps {
        match step {
            Step::Same => {
                words.push((step, a[i]));
                i += 1;
                j += 1;
            }
            Step::Removed => {
                words.push((step, a[i]));
                i += 1;
            }
            Step::Added => {
                words.push((step, b[j]));
                j += 1;
            }
        }
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < words.len() {
        if words[k].0 == Step::Same {
            k += 1;
            continue;
        }
        let start = k;
        while k < words.len() && words[k].0 != Step::Same {
            k += 1;
        }
        let same_before = words[..start]
            .iter()
            .rev()
            .take_while(|(s, _)| *s == Step::Same)
            .take(CONTEXT_WORDS)
            .count();
        let same_after = words[k..]
            .iter()
            .take_while(|(s, _)| *s == Step::Same)
            .take(CONTEXT_WORDS)
            .count();
        let join = |part: &[(Step, &str)], want: Step| {
            part.iter()
                .filter(|(s, _)| *s == want)
                .map(|(_, w)| *w)
                .collect::<Vec<_>>()
                .join(" ")
        };
        out.push(WordChange {
            before: join(&words[start - same_before..start], Step::Same),
            removed: join(&words[start..k], Step::Removed),
            added: join(&words[start..k], Step::Added),
            after: join(&words[k..k + same_after], Step::Same),
        });
    }
    out
}

/// A shortest edit from `a` to `b`: the common start and end as they are, the middle by the
/// longest common subsequence (or, past [`MAX_CELLS`], all removed then all added).
fn word_steps(a: &[&str], b: &[&str]) -> Vec<Step> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut steps = vec![Step::Same; prefix];
    let (n, m) = (ma.len(), mb.len());
    if n.saturating_mul(m) > MAX_CELLS {
        steps.extend(std::iter::repeat_n(Step::Removed, n));
        steps.extend(std::iter::repeat_n(Step::Added, m));
    } else {
        // lcs[i][j]: the longest common subsequence of ma[i..] and mb[j..].
        let width = m + 1;
        let mut lcs = vec![0u32; (n + 1) * width];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * width + j] = if ma[i] == mb[j] {
                    lcs[(i + 1) * width + j + 1] + 1
                } else {
                    lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && ma[i] == mb[j] {
                steps.push(Step::Same);
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
                // At one place, the removed words come before the added ones.
                steps.push(Step::Removed);
                i += 1;
            } else {
                steps.push(Step::Added);
                j += 1;
            }
        }
    }
    steps.extend(std::iter::repeat_n(Step::Same, suffix));
    steps
}
