//! The history of a record: who changed it, when, and each field from what to what, in the
//! reader's language. A long text shows the words removed and added, with a few words around
//! each place; a set or a map shows what went in and out.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::{FieldChange, RecordType, WordChange};
use jiff::civil::Date;
use maud::{Markup, html};
use serde_json::Value;

use super::field_label;
use crate::ui::interpretation::InterpreterForm;
use crate::ui::layout::{self, Section};
use crate::ui::liaison::{BodyForm, NoteForm};
use crate::ui::record::{RecordForm, plain_text};
use crate::ui::roster::{GroupForm, MemberForm, ReviewForm};
use crate::ui::schedule::{MeetingForm, RoomForm};
use crate::ui::{View, error_page, not_found, record_url};

/// `GET /history/{type}/{id}`.
pub(crate) async fn page(v: View, Path((ty, id)): Path<(String, String)>) -> Response {
    let tr = v.tr;
    let Ok(ty) = RecordType::parse(&ty) else {
        return not_found(&v);
    };
    let entries = match v.app.doc.history(ty, id.clone()).await {
        Ok(Some(entries)) => entries,
        Ok(None) => return not_found(&v),
        Err(e) => {
            let api = crate::ApiError::from(e);
            return error_page(&v, api.status, &tr.t("error-not-saved"));
        }
    };
    let name = v.record_name(ty, &id);
    let title = tr.ta("history-title", &[("name", name.clone().into())]);
    let body = html! {
        p.crumbs { a href=(record_url(ty, &id)) dir="auto" { (name) } }
        h1 dir="auto" { (title) }
        div.scroll tabindex="0" role="region" aria-labelledby="history-caption" {
            table.stack.history {
                caption #history-caption { (tr.ta("history-caption", &[("n", entries.len().into())])) }
                (layout::column_heads(tr, &["history-when", "history-who", "history-what", "history-fields"]))
                tbody {
                    @for e in entries.iter().rev() {
                        tr {
                            td data-label=(tr.t("history-when")) { @if let Some(z) = v.zoned(&e.at) { time datetime=(e.at) { (tr.date_time(&z)) } } }
                            td dir="auto" data-label=(tr.t("history-who")) { (v.member_name(&e.author)) }
                            td data-label=(tr.t("history-what")) { (verb(&v, &e.message)) }
                            td data-label=(tr.t("history-fields")) {
                                @if !e.fields.is_empty() {
                                    ul.changes {
                                        @for c in &e.fields { li { (field_change(&v, ty, c)) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    v.render(
        StatusCode::OK,
        layout::page(&v, Section::None, &title, body),
    )
}

/// What a document's change did, by its message's phrase before ` in document <id>`
/// (`bureau_model`'s `write/document.rs` `describe`), as the id of its words in the catalogue.
pub(crate) const DOCUMENT_VERBS: [(&str, &str); 10] = [
    ("edit text", "edit-text"),
    ("comment", "comment"),
    ("reply to a comment", "reply"),
    ("resolve a comment", "resolve-comment"),
    ("reopen a comment", "reopen-comment"),
    ("suggest wording", "suggest"),
    ("accept a suggestion", "accept"),
    ("reject a suggestion", "reject"),
    ("name a version", "name-version"),
    ("take out repeated accepted wording", "tidy"),
];

/// The verb of a change message (`update meeting 4f2a` → "Changed"; `name a version in
/// document 4f2a` → "Named a version").
fn verb(v: &View, message: &str) -> String {
    if let Some((phrase, _)) = message.split_once(" in document ")
        && let Some((_, id)) = DOCUMENT_VERBS.iter().find(|(p, _)| *p == phrase)
    {
        return v.tr.t(&format!("history-doc-{id}"));
    }
    let verb = message.split_whitespace().next().unwrap_or_default();
    let id = format!("history-verb-{verb}");
    if v.tr.has(&id) {
        v.tr.t(&id)
    } else {
        message.to_owned()
    }
}

/// A value of a field of a record of type `ty` in words, as the record's JSON (or the document)
/// holds it: an instant in the venue's zone, a date written out, the rest as the type's form
/// says it (names for ids, labels for kinds).
pub(crate) fn value_text(v: &View, ty: RecordType, field: &str, value: &Value) -> String {
    if let Some(s) = value.as_str() {
        if let Some(z) = v.zoned(s) {
            return v.tr.date_time(&z);
        }
        if s.len() == 10
            && let Ok(d) = s.parse::<Date>()
        {
            return v.tr.date_long(d);
        }
    }
    let typed: fn(&View, &str, &Value) -> String = match ty {
        RecordType::Member => MemberForm::value_text,
        RecordType::Group => GroupForm::value_text,
        RecordType::Review => ReviewForm::value_text,
        RecordType::Room => RoomForm::value_text,
        RecordType::Meeting => MeetingForm::value_text,
        RecordType::Body => BodyForm::value_text,
        RecordType::Note => NoteForm::value_text,
        RecordType::Interpreter => InterpreterForm::value_text,
        RecordType::Document => document_value_text,
        RecordType::Device => |v, _, value| plain_text(v, value),
    };
    typed(v, field, value)
}

/// A document's version, comment or suggestion as people name it: the version's name, the
/// comment's quoted words and remark, the suggestion's words and their replacement.
fn document_value_text(v: &View, field: &str, value: &Value) -> String {
    if let Value::Array(items) = value
        && matches!(field, "versions" | "comments" | "suggestions")
    {
        let texts: Vec<String> = items
            .iter()
            .map(|i| document_value_text(v, field, i))
            .collect();
        return texts.join("; ");
    }
    let s = |k: &str| value.get(k).and_then(Value::as_str).unwrap_or_default();
    match field {
        "versions" if value.is_object() => s("name").to_owned(),
        "comments" if value.is_object() => {
            let who = match s("author_name") {
                "" => v.member_name(s("author")),
                name => name.to_owned(),
            };
            format!("“{}”: {} ({who})", s("quote"), s("body"))
        }
        "suggestions" if value.is_object() => {
            format!("“{}” → “{}”", s("quote"), s("replacement"))
        }
        _ => plain_text(v, value),
    }
}

/// Nothing to show: absent, empty text, list or map.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// The arrow between an old value and a new one: read aloud as words, shown as an arrow that
/// points the way the page reads (U+2192 is not mirrored in right-to-left text).
fn arrow(v: &View) -> Markup {
    let arrow = if v.tr.lang().dir() == "rtl" {
        "←"
    } else {
        "→"
    };
    html! {
        " " span.arrow aria-hidden="true" { (arrow) } " "
        span.visually-hidden { (v.tr.t("history-became")) " " }
    }
}

/// `old → new`, or only the new value when there was none before.
fn old_new(v: &View, old: Option<String>, new: String) -> Markup {
    html! {
        @if let Some(old) = old {
            bdi.old { (old) } (arrow(v))
        }
        bdi.new { (new) }
    }
}

/// One field a change touched: its label and what it became.
fn field_change(v: &View, ty: RecordType, c: &FieldChange) -> Markup {
    let label = field_label(v, &c.field);
    let text = |value: &Value| value_text(v, ty, &c.field, value);
    html! {
        span.field-name { (label) } " "
        @if let Some(words) = &c.words {
            (word_changes(v, words))
        } @else if is_empty(&c.old) && !c.new.is_object() {
            // A first value (as the record was made): the value alone.
            (old_new(v, None, text(&c.new)))
        } @else if let (Some(old), Some(new)) = (items(&c.old), items(&c.new)) {
            (set_change(v, ty, &c.field, &old, &new))
        } @else if let (Some(old), Some(new)) = (entries(&c.old), entries(&c.new)) {
            (map_change(v, ty, &c.field, old, new))
        } @else {
            (old_new(v, (c.old != c.new).then(|| text(&c.old)), text(&c.new)))
        }
    }
}

/// A list's items (an absent list has none); `None` for any other value.
fn items(value: &Value) -> Option<Vec<Value>> {
    match value {
        Value::Array(a) => Some(a.clone()),
        Value::Null => Some(Vec::new()),
        _ => None,
    }
}

/// A map's entries (an absent map has none); `None` for any other value.
fn entries(value: &Value) -> Option<&serde_json::Map<String, Value>> {
    static EMPTY: std::sync::LazyLock<serde_json::Map<String, Value>> =
        std::sync::LazyLock::new(serde_json::Map::new);
    match value {
        Value::Object(o) => Some(o),
        Value::Null => Some(&EMPTY),
        _ => None,
    }
}

/// What went into a list and what left it; an item with an id (an action item) that is in
/// both but changed is shown old → new.
fn set_change(v: &View, ty: RecordType, field: &str, old: &[Value], new: &[Value]) -> Markup {
    let id_of = |item: &Value| item.get("id").and_then(Value::as_str).map(str::to_owned);
    let text = |items: Vec<Value>| value_text(v, ty, field, &Value::Array(items));
    let mut changed = Vec::new();
    let mut removed = Vec::new();
    for item in old.iter().filter(|i| !new.contains(i)) {
        match id_of(item).and_then(|id| new.iter().find(|n| id_of(n).as_ref() == Some(&id))) {
            Some(now) => changed.push((item.clone(), now.clone())),
            None => removed.push(item.clone()),
        }
    }
    let added: Vec<Value> = new
        .iter()
        .filter(|i| !old.contains(i) && !changed.iter().any(|(_, now)| now == *i))
        .cloned()
        .collect();
    html! {
        @for (was, now) in changed {
            span.item { (old_new(v, Some(text(vec![was])), text(vec![now]))) } " "
        }
        @if !added.is_empty() {
            ins { span.visually-hidden { (v.tr.t("history-added")) " " } bdi { (text(added)) } } " "
        }
        @if !removed.is_empty() {
            del { span.visually-hidden { (v.tr.t("history-removed")) " " } bdi { (text(removed)) } }
        }
    }
}

/// A map's entries that changed (a meeting's resources, a review's decisions), each named by
/// its key (a record's name when the key is a record's id) and shown old → new.
fn map_change(
    v: &View,
    ty: RecordType,
    field: &str,
    old: &serde_json::Map<String, Value>,
    new: &serde_json::Map<String, Value>,
) -> Markup {
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    let null = Value::Null;
    html! {
        @for key in keys {
            @let (was, now) = (old.get(key).unwrap_or(&null), new.get(key).unwrap_or(&null));
            @if was != now {
                @let entry = format!("{field}.{key}");
                span.item {
                    bdi { (key_text(v, key)) } ": "
                    (old_new(
                        v,
                        (!was.is_null()).then(|| value_text(v, ty, &entry, was)),
                        value_text(v, ty, &entry, now),
                    ))
                } " "
            }
        }
    }
}

/// A map's key in words: the name of the record it is the id of (a review's decisions are by
/// group), or the key itself (a resource's name).
fn key_text(v: &View, key: &str) -> String {
    let s = v.snap();
    for (ty, known) in [
        (RecordType::Group, s.groups.contains_key(key)),
        (RecordType::Member, s.members.contains_key(key)),
        (RecordType::Room, s.rooms.contains_key(key)),
    ] {
        if known {
            return v.record_name(ty, key);
        }
    }
    key.to_owned()
}

/// The places a long text changed: the words around each, those removed and those added.
fn word_changes(v: &View, words: &[WordChange]) -> Markup {
    let tr = v.tr;
    html! {
        @if words.is_empty() {
            span.muted { (tr.t("history-spacing")) }
        } @else {
            ul.words dir="auto" {
                @for w in words {
                    li {
                        @if !w.before.is_empty() { "… " (w.before) " " }
                        @if !w.removed.is_empty() {
                            del { span.visually-hidden { (tr.t("history-removed")) " " } (w.removed) } " "
                        }
                        @if !w.added.is_empty() {
                            ins { span.visually-hidden { (tr.t("history-added")) " " } (w.added) } " "
                        }
                        @if !w.after.is_empty() { (w.after) " …" }
                    }
                }
            }
        }
    }
}
