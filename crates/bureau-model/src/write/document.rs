//! Writing a shared document's text, comments, suggestions and versions ([`apply_op`]), and
//! creating one from a bracketed draft ([`import`]).
//!
//! Invariants:
//! - Every position is checked against the text as it is now before anything is written.
//! - Comments and suggestions hold their range by cursors (`crate::text::Anchor`), never by
//!   offsets; each is made with its own `replies` or `applied` map, so no two nodes ever make
//!   one of those concurrently.
//! - Accepting a suggestion replaces its range as its cursors hold it now, and records which
//!   characters it inserted (`applied`), so that the copies left by accepts made concurrently
//!   on two nodes can be told apart and all but one taken out again ([`DocumentOp::Tidy`]),
//!   the same one on every node.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, ChangeHash, ObjId, ReadDoc};

use super::record::Writer;
use super::{get_or_put_map, get_str, put, put_map, stamp};
use crate::edit::{Applied, Ctx, DocumentFields, DocumentOp, EditError, Fields, invalid};
use crate::read::{find_record, map_at};
use crate::records::*;
use crate::schema::TEXT_MAX;
use crate::text::{self, Anchor, MergeError};
use crate::validate::{check_name, check_required, check_text};

/// The change message's verb for an operation.
pub(super) fn describe(op: &DocumentOp) -> &'static str {
    match op {
        DocumentOp::Splice { .. } | DocumentOp::SaveText { .. } => "edit text",
        DocumentOp::Comment { .. } => "comment",
        DocumentOp::Reply { .. } => "reply to a comment",
        DocumentOp::ResolveComment { resolved: true, .. } => "resolve a comment",
        DocumentOp::ResolveComment {
            resolved: false, ..
        } => "reopen a comment",
        DocumentOp::Suggest { .. } => "suggest wording",
        DocumentOp::Accept { .. } => "accept a suggestion",
        DocumentOp::Reject { .. } => "reject a suggestion",
        DocumentOp::NameVersion { .. } => "name a version",
        DocumentOp::Tidy => "take out repeated accepted wording",
    }
}

/// Creates a document from a bracketed draft: its text in one change, then a comment or
/// suggestion per bracket in a second (the edit's own), whose anchors name the heads after the
/// first: an anchor's heads must hold its characters. Everything is checked before the first
/// is written, and the node makes both durable together.
pub(super) fn import(
    doc: &mut AutoCommit,
    meta: &ObjId,
    title: &str,
    bracketed: &str,
    ctx: &mut Ctx<'_>,
) -> Result<Applied, EditError> {
    check_text("text", bracketed)?;
    let draft = crate::documents::import(bracketed);
    for c in &draft.comments {
        check_text("text", &c.body)?;
    }
    let id = (ctx.new_id)();
    {
        let mut w = Writer::new(doc, ctx, meta, RecordType::Document, &id, true)?;
        w.fields(&Fields::Document(DocumentFields {
            title: Some(title.to_owned()),
            status: None,
            text: Some(draft.text.clone()),
        }))?;
    }
    doc.commit_with(
        CommitOptions::default()
            .with_message(format!("create document {id}"))
            .with_time(ctx.now.as_millisecond()),
    );
    let heads = doc.get_heads();
    let (rec, t) = record(doc, &id)?;
    let elems = text::chars_of(&*doc, &t, None);
    let chars: Vec<char> = draft.text.chars().collect();
    let quote = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
    let comments = get_or_put_map(doc, &rec, "comments");
    for c in &draft.comments {
        let a = text::anchor(&elems, c.start, c.end, &heads);
        let key = (ctx.new_id)();
        let obj = put_map(doc, &comments, &key);
        put_anchor(doc, &obj, &a);
        put(doc, &obj, "quote", quote(c.start, c.end));
        put(doc, &obj, "author", "");
        put(doc, &obj, "author_name", c.author_name.as_str());
        put(doc, &obj, "body", c.body.as_str());
        put(doc, &obj, "resolved", false);
        put(doc, &obj, "own_line", c.own_line);
        put(doc, &obj, "at", ctx.now.to_string());
        put_map(doc, &obj, "replies");
    }
    let suggestions = get_or_put_map(doc, &rec, "suggestions");
    for s in &draft.suggestions {
        let a = text::anchor(&elems, s.start, s.end, &heads);
        let key = (ctx.new_id)();
        let obj = put_map(doc, &suggestions, &key);
        put_anchor(doc, &obj, &a);
        put(doc, &obj, "quote", quote(s.start, s.end));
        put(doc, &obj, "replacement", s.replacement.as_str());
        put(doc, &obj, "author", "");
        put(doc, &obj, "author_name", "");
        put(doc, &obj, "status", SuggestionStatus::Open.as_str());
        put(doc, &obj, "at", ctx.now.to_string());
        put_map(doc, &obj, "applied");
    }
    Ok(Applied::Record(RecordType::Document, id))
}

/// Applies one operation to the document `id`.
pub(super) fn apply_op(
    doc: &mut AutoCommit,
    _meta: &ObjId,
    id: &str,
    op: &DocumentOp,
    ctx: &mut Ctx<'_>,
) -> Result<Applied, EditError> {
    // Every character the anchors below name is in the text at these heads (taken before
    // anything of this edit is written: on an AutoCommit, reading the heads ends the open
    // transaction).
    let heads = doc.get_heads();
    let (rec, t) = record(doc, id)?;
    let applied = Applied::Record(RecordType::Document, id.to_owned());
    let now_text = doc.text(&t).unwrap_or_default();
    let len = now_text.chars().count();
    match op {
        DocumentOp::Splice {
            pos,
            delete,
            insert,
        } => {
            if *pos > len {
                return Err(invalid(
                    "pos",
                    format!("is past the end of the text ({len} characters)"),
                ));
            }
            if pos + delete > len {
                return Err(invalid(
                    "delete",
                    format!(
                        "reaches past the end of the text ({} characters after pos)",
                        len - pos
                    ),
                ));
            }
            if *delete == 0 && insert.is_empty() {
                return Ok(Applied::Nothing);
            }
            if len - delete + insert.chars().count() > TEXT_MAX {
                return Err(invalid(
                    "insert",
                    format!("the text would be longer than {TEXT_MAX} characters"),
                ));
            }
            check_inserted("insert", insert)?;
            text::splice(doc, &t, *pos, *delete, insert).map_err(internal)?;
        }
        DocumentOp::SaveText { base, text } => {
            check_text("text", text)?;
            match text::merge_text(doc, &t, base, text) {
                Ok(true) => {}
                Ok(false) => return Ok(Applied::Nothing),
                Err(MergeError::UnknownHeads) => {
                    return Err(invalid(
                        "base_heads",
                        "are not all changes this node holds; reload the document and edit it again",
                    ));
                }
                Err(MergeError::Automerge(e)) => return Err(internal(e)),
            }
        }
        DocumentOp::Comment { start, end, body } => {
            check_range(*start, *end, len)?;
            if start == end {
                return Err(invalid(
                    "end",
                    "a comment is on some words: end must be after start",
                ));
            }
            check_required("body", body)?;
            check_text("body", body)?;
            let a = text::anchor(&text::chars_of(&*doc, &t, None), *start, *end, &heads);
            let comments = get_or_put_map(doc, &rec, "comments");
            let key = (ctx.new_id)();
            let obj = put_map(doc, &comments, &key);
            put_anchor(doc, &obj, &a);
            put(doc, &obj, "quote", slice(&now_text, *start, *end));
            put(doc, &obj, "author", ctx.author);
            put(doc, &obj, "body", body.as_str());
            put(doc, &obj, "resolved", false);
            put(doc, &obj, "at", ctx.now.to_string());
            put_map(doc, &obj, "replies");
        }
        DocumentOp::Reply { comment, body } => {
            check_required("body", body)?;
            check_text("body", body)?;
            let c = item(doc, &rec, "comments", "comment", comment)?;
            let replies = get_or_put_map(doc, &c, "replies");
            let key = (ctx.new_id)();
            let r = put_map(doc, &replies, &key);
            put(doc, &r, "author", ctx.author);
            put(doc, &r, "body", body.as_str());
            put(doc, &r, "at", ctx.now.to_string());
        }
        DocumentOp::ResolveComment { comment, resolved } => {
            let c = item(doc, &rec, "comments", "comment", comment)?;
            let was = matches!(
                doc.get(&c, "resolved"),
                Ok(Some((automerge::Value::Scalar(v), _)))
                    if matches!(v.as_ref(), automerge::ScalarValue::Boolean(true))
            );
            if was == *resolved {
                return Ok(Applied::Nothing);
            }
            put(doc, &c, "resolved", *resolved);
            put(doc, &c, "resolved_by", ctx.author);
            put(doc, &c, "resolved_at", ctx.now.to_string());
        }
        DocumentOp::Suggest {
            start,
            end,
            replacement,
        } => {
            check_range(*start, *end, len)?;
            check_text("replacement", replacement)?;
            check_inserted("replacement", replacement)?;
            if start == end && replacement.is_empty() {
                return Err(invalid(
                    "replacement",
                    "an empty replacement of no words changes nothing",
                ));
            }
            if slice(&now_text, *start, *end) == *replacement {
                return Err(invalid(
                    "replacement",
                    "is the same as the words it replaces",
                ));
            }
            let a = text::anchor(&text::chars_of(&*doc, &t, None), *start, *end, &heads);
            let suggestions = get_or_put_map(doc, &rec, "suggestions");
            let key = (ctx.new_id)();
            let obj = put_map(doc, &suggestions, &key);
            put_anchor(doc, &obj, &a);
            put(doc, &obj, "quote", slice(&now_text, *start, *end));
            put(doc, &obj, "replacement", replacement.as_str());
            put(doc, &obj, "author", ctx.author);
            put(doc, &obj, "status", SuggestionStatus::Open.as_str());
            put(doc, &obj, "at", ctx.now.to_string());
            put_map(doc, &obj, "applied");
        }
        DocumentOp::Accept { suggestion } => {
            let s = item(doc, &rec, "suggestions", "suggestion", suggestion)?;
            check_open(doc, &s)?;
            let a = read_anchor(doc, &s);
            let chars = text::chars_of(&*doc, &t, None);
            let (start, end) = text::resolve(&*doc, &t, &chars, &a)
                .ok_or_else(|| invalid("suggestion", "its place in the text cannot be found"))?;
            let quote = get_str(doc, &s, "quote").unwrap_or_default();
            if start == end && !quote.is_empty() {
                return Err(invalid(
                    "suggestion",
                    "the words it would replace were deleted; suggest again where they are now",
                ));
            }
            let replacement = get_str(doc, &s, "replacement").unwrap_or_default();
            text::splice(doc, &t, start, end - start, &replacement).map_err(internal)?;
            let applied = get_or_put_map(doc, &s, "applied");
            let key = (ctx.new_id)();
            let entry = put_map(doc, &applied, &key);
            let n = replacement.chars().count();
            // The inserted characters: consecutive operations of this change, from the
            // first one's cursor.
            if n > 0
                && let Some((_, first)) = text::chars_of(&*doc, &t, None).get(start)
            {
                put(doc, &entry, "first", text::elem_str(first));
            }
            put(doc, &entry, "len", n as u64);
            put(doc, &s, "status", SuggestionStatus::Accepted.as_str());
            put(doc, &s, "decided_by", ctx.author);
            put(doc, &s, "decided_at", ctx.now.to_string());
        }
        DocumentOp::Reject { suggestion } => {
            let s = item(doc, &rec, "suggestions", "suggestion", suggestion)?;
            check_open(doc, &s)?;
            put(doc, &s, "status", SuggestionStatus::Rejected.as_str());
            put(doc, &s, "decided_by", ctx.author);
            put(doc, &s, "decided_at", ctx.now.to_string());
        }
        DocumentOp::NameVersion { name } => {
            check_required("name", name)?;
            check_name("name", name)?;
            let versions = get_or_put_map(doc, &rec, "versions");
            let taken = doc
                .keys(&versions)
                .collect::<Vec<_>>()
                .into_iter()
                .filter_map(|k| map_at(doc, &versions, &k))
                .any(|v| get_str(doc, &v, "name").as_deref() == Some(name.as_str()));
            if taken {
                return Err(invalid("name", format!("{name:?} already names a version")));
            }
            let mut heads: Vec<ChangeHash> = doc.get_heads();
            heads.sort();
            let heads: Vec<String> = heads.iter().map(ToString::to_string).collect();
            let key = (ctx.new_id)();
            let v = put_map(doc, &versions, &key);
            put(doc, &v, "name", name.as_str());
            put(doc, &v, "heads", heads.join(","));
            put(doc, &v, "at", ctx.now.to_string());
            put(doc, &v, "author", ctx.author);
        }
        DocumentOp::Tidy => {
            if !tidy(doc, &rec, &t)? {
                return Ok(Applied::Nothing);
            }
        }
    }
    stamp(doc, &rec, ctx);
    Ok(applied)
}

/// Takes out every copy but one of each suggestion's replacement: the one of the smallest
/// key stays, so every node that tidies keeps the same one, and two nodes tidying at once
/// delete the same characters.
fn tidy(doc: &mut AutoCommit, rec: &ObjId, t: &ObjId) -> Result<bool, EditError> {
    let Some(suggestions) = map_at(doc, rec, "suggestions") else {
        return Ok(false);
    };
    let mut changed = false;
    for key in doc.keys(&suggestions).collect::<Vec<_>>() {
        let Some(s) = map_at(doc, &suggestions, &key) else {
            continue;
        };
        let Some(applied) = map_at(doc, &s, "applied") else {
            continue;
        };
        let mut keys: Vec<String> = doc.keys(&applied).collect();
        keys.sort();
        for extra in keys.iter().skip(1) {
            if let Some(entry) = map_at(doc, &applied, extra) {
                delete_inserted(doc, t, &entry)?;
            }
            doc.delete(&applied, extra.as_str()).map_err(internal)?;
            changed = true;
        }
    }
    Ok(changed)
}

/// Deletes the characters one accept inserted that are still there: `len` operations from
/// the element `first`, all of one actor with consecutive counters.
fn delete_inserted(doc: &mut AutoCommit, t: &ObjId, entry: &ObjId) -> Result<(), EditError> {
    let Some((ctr, actor)) = get_str(doc, entry, "first").and_then(|f| text::parse_elem(&f)) else {
        return Ok(());
    };
    let n = match doc.get(entry, "len") {
        Ok(Some((automerge::Value::Scalar(v), _))) => match v.as_ref() {
            automerge::ScalarValue::Uint(n) => *n,
            automerge::ScalarValue::Int(n) => u64::try_from(*n).unwrap_or(0),
            _ => 0,
        },
        _ => 0,
    };
    let inserted = ctr..ctr.saturating_add(n);
    let mut places: Vec<usize> = text::chars_of(&*doc, t, None)
        .iter()
        .enumerate()
        .filter(|(_, (_, (c, a)))| *a == actor && inserted.contains(c))
        .map(|(i, _)| i)
        .collect();
    places.dedup();
    for i in places.into_iter().rev() {
        text::splice(doc, t, i, 1, "").map_err(internal)?;
    }
    Ok(())
}

/// The document's map and its text object.
fn record(doc: &mut AutoCommit, id: &str) -> Result<(ObjId, ObjId), EditError> {
    let (_, rec) =
        find_record(doc, RecordType::Document, id).ok_or_else(|| EditError::NotFound {
            ty: RecordType::Document,
            id: id.to_owned(),
        })?;
    let t = match text::text_obj(doc, &rec, "text") {
        Some(t) => t,
        // A foreign writer left the text out, or wrote a plain string: text from here on,
        // holding what the string held.
        None => {
            let old = get_str(doc, &rec, "text").unwrap_or_default();
            let t = doc
                .put_object(&rec, "text", automerge::ObjType::Text)
                .map_err(internal)?;
            doc.splice_text(&t, 0, 0, &old).map_err(internal)?;
            t
        }
    };
    Ok((rec, t))
}

/// A comment or suggestion by id; an unknown one is refused naming `field`.
fn item(
    doc: &AutoCommit,
    rec: &ObjId,
    map: &str,
    field: &str,
    key: &str,
) -> Result<ObjId, EditError> {
    map_at(doc, rec, map)
        .and_then(|m| map_at(doc, &m, key))
        .ok_or_else(|| {
            invalid(
                field,
                format!("no {field} with id {key:?} in this document"),
            )
        })
}

fn check_open(doc: &AutoCommit, s: &ObjId) -> Result<(), EditError> {
    let applied = map_at(doc, s, "applied").is_some_and(|m| doc.keys(&m).next().is_some());
    let status = get_str(doc, s, "status").unwrap_or_default();
    if applied || status == SuggestionStatus::Accepted.as_str() {
        return Err(invalid("suggestion", "was already accepted"));
    }
    if status == SuggestionStatus::Rejected.as_str() {
        return Err(invalid("suggestion", "was rejected"));
    }
    Ok(())
}

fn check_range(start: usize, end: usize, len: usize) -> Result<(), EditError> {
    if start > len {
        return Err(invalid(
            "start",
            format!("is past the end of the text ({len} characters)"),
        ));
    }
    if end > len {
        return Err(invalid(
            "end",
            format!("is past the end of the text ({len} characters)"),
        ));
    }
    if end < start {
        return Err(invalid("end", "must not be before start"));
    }
    Ok(())
}

/// Text going into a document: no control characters but line breaks and tabs.
fn check_inserted(field: &str, s: &str) -> Result<(), EditError> {
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(invalid(field, "must not hold control characters"));
    }
    Ok(())
}

fn slice(s: &str, start: usize, end: usize) -> String {
    s.chars().skip(start).take(end - start).collect()
}

fn put_anchor(doc: &mut AutoCommit, obj: &ObjId, a: &Anchor) {
    put(doc, obj, "start", a.start.as_str());
    put(doc, obj, "end", a.end.as_str());
    put(doc, obj, "heads", a.heads.as_str());
}

fn read_anchor(doc: &AutoCommit, obj: &ObjId) -> Anchor {
    Anchor {
        start: get_str(doc, obj, "start").unwrap_or_default(),
        end: get_str(doc, obj, "end").unwrap_or_default(),
        heads: get_str(doc, obj, "heads").unwrap_or_default(),
    }
}

/// automerge refused an operation the edit checked beforehand: a defect or a peer's odd
/// data, refused like a bad field rather than a panic.
fn internal(e: impl std::fmt::Display) -> EditError {
    invalid("edit", format!("the document could not be changed: {e}"))
}
