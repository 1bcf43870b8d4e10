//! Shared documents (the charter, statements, the report to the plenary): the list, a
//! document's page with its text and, in place, its comments (highlighted words, the comment
//! beside them) and suggested wording (the old words struck, the new ones inserted), the
//! forms that comment, reply, resolve, suggest, accept, reject and name a version, the text's
//! editor, and the comparison of two versions with who wrote each change.
//!
//! Invariants:
//! - The editor's form carries the heads it was rendered at; saving it is a three-way merge
//!   from those heads (`DocumentOp::SaveText`), so a peer's edit that arrived while the form
//!   was open stays, wherever it is in the text. While it is open, the live script asks for
//!   the splices since those heads ([`splices`]) after every change, applies them to the
//!   text area around what is being typed and moves the form's heads on.
//! - A range is chosen by its words (`quote`): the live script fills `start` and `end` from
//!   the reader's selection; without them, or when the text moved under them, the words are
//!   looked up in the text as it is now. The model anchors the range to its characters.
//! - Controls that write are shown only to a device that may write (an observer reads), and
//!   the document actor refuses an observer's write anyway (403).

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::automerge::ChangeHash;
use bureau_model::{
    Comment, DiffKind, Document, DocumentFields, DocumentOp, DocumentStatus, Edit, Fields,
    RecordType, Records, Role, Snapshot, Stamp, Suggestion, SuggestionStatus,
};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::forms::{Form, FormData, FormErrors, Input};
use super::layout::{self, Section};
use super::record::{RecordForm, UiForm, heads_value, plain_text};
use super::schedule::unix_newlines;
use super::{
    Outcome, View, error_page, form_action, not_found, record_url, see_other, seg, submit,
};

/// Whether this node's device may write: a member's unrevoked editor or admin device.
pub(crate) fn can_write(v: &View) -> bool {
    v.st.author.is_some()
        && v.snap()
            .devices
            .get(&v.st.peer_id)
            .is_some_and(|d| !d.revoked && d.role != Role::Observer)
}

fn status_label(v: &View, s: DocumentStatus) -> String {
    v.tr.t(match s {
        DocumentStatus::Draft => "document-status-draft",
        DocumentStatus::Adopted => "document-status-adopted",
    })
}

fn status_badge(v: &View, s: DocumentStatus) -> Markup {
    let class = match s {
        DocumentStatus::Draft => "badge muted",
        DocumentStatus::Adopted => "badge ok",
    };
    html! { span class=(class) { (status_label(v, s)) } }
}

/// Who wrote a comment or suggestion: the member, or the name an imported remark was signed
/// with, or nobody.
fn author_of(v: &View, author: &str, signed: &str) -> Option<String> {
    if !signed.is_empty() {
        Some(signed.to_owned())
    } else if author.is_empty() {
        None
    } else {
        Some(v.member_name(author))
    }
}

fn when(v: &View, at: &str) -> String {
    v.zoned(at).map_or_else(String::new, |z| v.tr.date_time(&z))
}

fn open_comments(d: &Document) -> Vec<&Comment> {
    d.comments.iter().filter(|c| !c.resolved).collect()
}

/// The open suggestions shown in the text: one per stretch, an overlapping one listed beside
/// the text only.
fn shown_suggestions(d: &Document) -> Vec<&Suggestion> {
    let mut open: Vec<&Suggestion> = d
        .suggestions
        .iter()
        .filter(|s| s.status == SuggestionStatus::Open)
        .collect();
    open.sort_by_key(|s| (s.start, s.end));
    let mut kept: Vec<&Suggestion> = Vec::new();
    for s in open {
        if kept
            .last()
            .is_none_or(|k| k.end <= s.start && k.start != s.start)
        {
            kept.push(s);
        }
    }
    kept
}

/// The text with its open comments highlighted (a numbered mark after each comment's words,
/// linking to the comment) and open suggestions in place.
fn text_view(v: &View, d: &Document) -> Markup {
    let tr = v.tr;
    let text: Vec<char> = d.text.chars().collect();
    let len = text.len();
    let comments = open_comments(d);
    let suggestions = shown_suggestions(d);
    let mut cuts: Vec<usize> = vec![0, len];
    for s in &suggestions {
        cuts.extend([s.start.min(len), s.end.min(len)]);
    }
    for c in &comments {
        cuts.extend([c.start.min(len), c.end.min(len)]);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let piece = |a: usize, b: usize| -> String { text[a..b].iter().collect() };
    let inserted = |s: &Suggestion| {
        html! {
            ins.suggestion id={"s-at-" (s.id)} {
                span.visually-hidden { (tr.t("document-inserted")) " " }
                (s.replacement)
            }
        }
    };
    html! {
        @for s in suggestions.iter().filter(|s| s.start == 0 && s.end == 0) { (inserted(s)) }
        @for w in cuts.windows(2) {
            @let (a, b) = (w[0], w[1]);
            @let on: Vec<&&Comment> = comments.iter().filter(|c| c.start <= a && b <= c.end).collect();
            @let sugg = suggestions.iter().find(|s| s.start <= a && b <= s.end);
            @let words = html! {
                @if sugg.is_some() {
                    del.suggestion { span.visually-hidden { (tr.t("document-deleted")) " " } (piece(a, b)) }
                } @else {
                    (piece(a, b))
                }
            };
            @if on.is_empty() {
                (words)
            } @else {
                mark class=(if on.len() > 1 { "comment many" } else { "comment" }) { (words) }
            }
            @if let Some(s) = sugg.filter(|s| s.end == b) { (inserted(s)) }
            @for s in suggestions.iter().filter(|s| s.start == b && s.end == b && b > 0) { (inserted(s)) }
            @for (n, c) in comments.iter().enumerate().filter(|(_, c)| c.end.min(len) == b) {
                sup.comment-ref { a href={"#comment-" (c.id)} aria-label=(tr.ta("document-comment-n", &[("n", (n + 1).into())])) { (n + 1) } }
            }
        }
    }
}

/// One of the page's forms shown again: which, with what was typed and its errors.
#[derive(Default)]
pub(crate) struct Shown {
    /// Which form (`comment`, `suggest`, `version`, `reply-{cid}`).
    which: String,
    values: FormData,
    errors: FormErrors,
}

fn shown_for<'a>(
    tr: super::i18n::Tr,
    shown: &'a Shown,
    which: &str,
    empty: &'a (FormData, FormErrors),
) -> Form<'a> {
    if shown.which == which {
        Form::new(tr, &shown.values, &shown.errors)
    } else {
        Form::new(tr, &empty.0, &empty.1)
    }
}

fn comment_item(v: &View, d: &Document, c: &Comment, shown: &Shown) -> Markup {
    let tr = v.tr;
    let base = record_url(RecordType::Document, &d.id);
    let write = can_write(v);
    let empty = (FormData::default(), FormErrors::default());
    let which = format!("reply-{}", c.id);
    let mut form = shown_for(tr, shown, &which, &empty);
    let prefix = format!("r-{}", seg(&c.id));
    form.prefix = &prefix;
    html! {
        li.comment id={"comment-" (c.id)} {
            p.meta {
                strong dir="auto" { (author_of(v, &c.author, &c.author_name).unwrap_or_else(|| tr.t("document-unsigned"))) }
                @let at = when(v, &c.at);
                @if !at.is_empty() { " · " (at) }
            }
            @if !c.quote.is_empty() {
                blockquote dir="auto" { (c.quote) }
                @if c.start == c.end { p.hint { (tr.t("document-words-deleted")) } }
            }
            p.prose dir="auto" { (c.body) }
            @if !c.replies.is_empty() {
                ul.replies {
                    @for r in &c.replies {
                        li {
                            strong dir="auto" { (v.member_name(&r.author)) } ": "
                            span.prose dir="auto" { (r.body) }
                        }
                    }
                }
            }
            @if write {
                form.reply method="post" action={(base) "/comments/" (seg(&c.id)) "/replies"} novalidate {
                    (form.summary())
                    (form.textarea("body", &tr.t("document-reply"), 2, None))
                    div.buttons {
                        button.small type="submit" { (tr.t("document-reply-button")) }
                    }
                }
                form method="post" action={(base) "/comments/" (seg(&c.id)) (if c.resolved { "/reopen" } else { "/resolve" })} {
                    button.small.secondary type="submit" { (if c.resolved { tr.t("document-reopen") } else { tr.t("document-resolve") }) }
                }
            }
        }
    }
}

fn suggestion_item(v: &View, d: &Document, s: &Suggestion) -> Markup {
    let tr = v.tr;
    let base = record_url(RecordType::Document, &d.id);
    let what = match (s.quote.is_empty(), s.replacement.is_empty()) {
        (true, _) => tr.ta(
            "document-suggest-insert",
            &[("new", s.replacement.clone().into())],
        ),
        (false, true) => tr.ta(
            "document-suggest-delete",
            &[("old", s.quote.clone().into())],
        ),
        (false, false) => tr.ta(
            "document-suggest-replace",
            &[
                ("old", s.quote.clone().into()),
                ("new", s.replacement.clone().into()),
            ],
        ),
    };
    let status = match s.status {
        SuggestionStatus::Open => html! { span.badge.info { (tr.t("document-suggestion-open")) } },
        SuggestionStatus::Accepted => {
            html! { span.badge.ok { (tr.t("document-suggestion-accepted")) } }
        }
        SuggestionStatus::Rejected => {
            html! { span.badge.muted { (tr.t("document-suggestion-rejected")) } }
        }
    };
    html! {
        li.suggestion id={"suggestion-" (s.id)} {
            p.meta {
                strong dir="auto" { (author_of(v, &s.author, &s.author_name).unwrap_or_else(|| tr.t("document-unsigned"))) }
                " " (status)
            }
            p dir="auto" { (what) }
            @if s.status == SuggestionStatus::Open && can_write(v) {
                div.buttons {
                    form method="post" action={(base) "/suggestions/" (seg(&s.id)) "/accept"} {
                        button.small type="submit" { (tr.t("document-accept")) }
                    }
                    form method="post" action={(base) "/suggestions/" (seg(&s.id)) "/reject"} {
                        button.small.secondary type="submit" { (tr.t("document-reject")) }
                    }
                }
            }
        }
    }
}

/// A document's page: the text with its remarks, the lists beside it, the forms, versions
/// and exports; `meta` is the record's own form (title and status).
fn document_page(v: &View, d: &Document, meta: Form<'_>, shown: &Shown) -> Markup {
    let tr = v.tr;
    let base = record_url(RecordType::Document, &d.id);
    let write = can_write(v);
    let comments = open_comments(d);
    let resolved: Vec<&Comment> = d.comments.iter().filter(|c| c.resolved).collect();
    let (open_s, decided_s): (Vec<&Suggestion>, Vec<&Suggestion>) = d
        .suggestions
        .iter()
        .partition(|s| s.status == SuggestionStatus::Open);
    let empty = (FormData::default(), FormErrors::default());
    let mut cform = shown_for(tr, shown, "comment", &empty);
    cform.prefix = "c";
    let mut sform = shown_for(tr, shown, "suggest", &empty);
    sform.prefix = "s";
    let mut vform = shown_for(tr, shown, "version", &empty);
    vform.prefix = "v";
    let body = html! {
        p.crumbs { a href="/documents" { (tr.t("documents-title")) } }
        h1 dir="auto" { (d.title) }
        p.meta {
            (status_badge(v, d.status))
            @if d.stamp.archived { " " span.badge.warn { (tr.t("record-archived")) } }
        }
        div.with-aside.document {
            div {
                @if write {
                    p.actions { a.button href={(base) "/edit"} { (tr.t("document-edit-text")) } }
                }
                div #doc-text .doc-text .prose dir="auto" data-live data-document=(d.id) {
                    (text_view(v, d))
                }
                @if write {
                    section #doc-remark aria-labelledby="doc-remark-h" {
                        h2 #doc-remark-h { (tr.t("document-remark-title")) }
                        p.hint { (tr.t("document-select-hint")) }
                        div.cards {
                            form.record.card #comment-form method="post" action={(base) "/comments"} novalidate data-range {
                                h3 { (tr.t("document-comment-title")) }
                                (cform.summary())
                                input type="hidden" name="start" value=(cform.values.text("start"));
                                input type="hidden" name="end" value=(cform.values.text("end"));
                                (cform.input(Input::Text, "quote", &tr.t("document-quote"), true, None))
                                (cform.textarea("body", &tr.t("document-comment"), 3, None))
                                div.buttons { button type="submit" { (tr.t("document-comment-button")) } }
                            }
                            form.record.card #suggest-form method="post" action={(base) "/suggestions"} novalidate data-range {
                                h3 { (tr.t("document-suggest-title")) }
                                (sform.summary())
                                input type="hidden" name="start" value=(sform.values.text("start"));
                                input type="hidden" name="end" value=(sform.values.text("end"));
                                (sform.input(Input::Text, "quote", &tr.t("document-quote"), true, None))
                                (sform.input(Input::Text, "replacement", &tr.t("document-replacement"), false, Some(&tr.t("document-replacement-hint"))))
                                div.buttons { button type="submit" { (tr.t("document-suggest-button")) } }
                            }
                        }
                    }
                }
                section #doc-versions aria-labelledby="doc-versions-h" {
                    h2 #doc-versions-h { (tr.t("document-versions")) }
                    div #doc-version-list data-live {
                        @if d.versions.is_empty() { p.empty { (tr.t("document-versions-none")) } }
                        @else {
                            ul {
                                @for ver in d.versions.iter().rev() {
                                    li {
                                        strong dir="auto" { (ver.name) }
                                        " · " (when(v, &ver.at)) " · " span dir="auto" { (v.member_name(&ver.author)) }
                                        " · " a href={(base) "/compare?from=" (super::query_value(&ver.name)) "&to=now"} { (tr.t("document-compare-now")) }
                                    }
                                }
                            }
                        }
                    }
                    @if write {
                        form.record.inline method="post" action={(base) "/versions"} novalidate {
                            (vform.summary())
                            (vform.input(Input::Text, "name", &tr.t("document-version-name"), true, Some(&tr.t("document-version-hint"))))
                            div.buttons { button type="submit" { (tr.t("document-version-button")) } }
                        }
                    }
                    p { a href={(base) "/compare"} { (tr.t("document-compare")) } }
                }
                section #doc-export aria-labelledby="doc-export-h" {
                    h2 #doc-export-h { (tr.t("document-export")) }
                    ul {
                        li { a href={"/api/documents/" (seg(&d.id)) "/export?format=md"} download { (tr.t("document-export-md")) } }
                        li { a href={"/api/documents/" (seg(&d.id)) "/export?format=md-comments"} download { (tr.t("document-export-md-comments")) } }
                        li { a href={"/api/documents/" (seg(&d.id)) "/export?format=html"} { (tr.t("document-export-html")) } }
                    }
                }
                @if write {
                    section #doc-meta aria-labelledby="doc-meta-h" {
                        h2 #doc-meta-h { (tr.t("document-details")) }
                        form.record method="post" action=(form_action(RecordType::Document, Some(&d.id))) novalidate {
                            (meta.summary())
                            (meta.originals())
                            (meta.input(Input::Text, "title", &tr.t("field-title"), true, None))
                            (meta.select("status", &tr.t("field-status"), &status_options(v), None))
                            div.buttons { button type="submit" { (tr.t("save")) } }
                        }
                    }
                }
            }
            aside.side {
                section #doc-comments data-live aria-labelledby="doc-comments-h" {
                    h2 #doc-comments-h { (tr.t("document-comments")) " " span.count { (comments.len()) } }
                    @if comments.is_empty() { p.empty { (tr.t("document-comments-none")) } }
                    ol.comments {
                        @for c in &comments { (comment_item(v, d, c, shown)) }
                    }
                    @if !resolved.is_empty() {
                        details {
                            summary { (tr.ta("document-resolved-count", &[("n", resolved.len().into())])) }
                            ul.comments { @for c in &resolved { (comment_item(v, d, c, shown)) } }
                        }
                    }
                }
                section #doc-suggestions data-live aria-labelledby="doc-suggestions-h" {
                    h2 #doc-suggestions-h { (tr.t("document-suggestions")) " " span.count { (open_s.len()) } }
                    @if open_s.is_empty() { p.empty { (tr.t("document-suggestions-none")) } }
                    ul.suggestions { @for s in &open_s { (suggestion_item(v, d, s)) } }
                    @if !decided_s.is_empty() {
                        details {
                            summary { (tr.ta("document-decided-count", &[("n", decided_s.len().into())])) }
                            ul.suggestions { @for s in &decided_s { (suggestion_item(v, d, s)) } }
                        }
                    }
                }
                @if write { (layout::record_tools(v, RecordType::Document, &d.id, d.stamp.archived)) }
                @else {
                    div.tools { a href={"/history/document/" (seg(&d.id))} { (tr.t("history-link")) } }
                }
            }
        }
    };
    layout::page(v, Section::Documents, &d.title, body)
}

fn status_options(v: &View) -> Vec<(String, String)> {
    DocumentStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), status_label(v, *s)))
        .collect()
}

fn new_page(v: &View, form: Form<'_>) -> Markup {
    let tr = v.tr;
    let title = tr.t("document-new");
    let body = html! {
        p.crumbs { a href="/documents" { (tr.t("documents-title")) } }
        h1 { (title) }
        form.record method="post" action=(form_action(RecordType::Document, None)) novalidate {
            (form.summary())
            (form.input(Input::Text, "title", &tr.t("field-title"), true, None))
            (form.textarea("text", &tr.t("field-text"), 16, Some(&tr.t("document-text-hint"))))
            (form.checkbox("bracketed", &tr.t("document-bracketed"), Some(&tr.t("document-bracketed-hint"))))
            div.buttons {
                button type="submit" { (tr.t("document-create")) }
                a href="/documents" { (tr.t("cancel")) }
            }
        }
    };
    layout::page(v, Section::Documents, &title, body)
}

/// The document form: its title and status on its page; a new one's title and text.
pub(crate) struct DocumentForm;

impl RecordForm for DocumentForm {
    type Fields = DocumentFields;
    type Record = Document;
    const TYPE: RecordType = RecordType::Document;

    fn records(snap: &Snapshot) -> &Records<Document> {
        &snap.documents
    }
    fn id(d: &Document) -> &str {
        &d.id
    }
    fn stamp(d: &Document) -> &Stamp {
        &d.stamp
    }
    /// The text is not a field of this form: the editor saves it by merge.
    fn values(_v: &View, d: &Document) -> FormData {
        let mut f = FormData::default();
        f.push("title", &d.title);
        f.push("status", d.status.as_str());
        f
    }
    fn fields(v: &View, form: &FormData, errors: &mut FormErrors) -> DocumentFields {
        let status = form.get("status").and_then(|s| {
            DocumentStatus::parse(s)
                .map_err(|_| errors.add("status", v.tr.t("error-body")))
                .ok()
        });
        DocumentFields {
            title: Some(form.text("title").trim().to_owned()),
            status,
            text: form.get("text").map(unix_newlines),
        }
    }
    fn wrap(fields: DocumentFields) -> Fields {
        Fields::Document(fields)
    }
    fn value_text(v: &View, field: &str, value: &Value) -> String {
        match (field, value.as_str().map(DocumentStatus::parse)) {
            ("status", Some(Ok(s))) => status_label(v, s),
            _ => plain_text(v, value),
        }
    }
    fn page(v: &View, existing: Option<&Document>, form: Form<'_>) -> Markup {
        match existing {
            Some(d) => document_page(v, d, form, &Shown::default()),
            None => new_page(v, form),
        }
    }
}

// ---- the list ---------------------------------------------------------------------------

/// `GET /documents`.
pub(crate) async fn list(v: View) -> Response {
    let tr = v.tr;
    let mut docs: Vec<&Document> = v
        .snap()
        .documents
        .values()
        .map(|d| &**d)
        .filter(|d| !d.stamp.archived)
        .collect();
    docs.sort_by(|a, b| a.title.cmp(&b.title).then(a.id.cmp(&b.id)));
    let title = tr.t("documents-title");
    let body = html! {
        div.page-head {
            h1 { (title) }
            @if can_write(&v) {
                div.actions { a.button href="/documents/new" { (tr.t("document-new")) } }
            }
        }
        p.lead { (tr.t("documents-explain")) }
        div #documents data-live {
            @if docs.is_empty() { p.empty { (tr.t("documents-none")) } }
            @else {
                table.stack {
                    (layout::column_heads(tr, &["field-title", "field-status", "document-comments", "document-suggestions", "document-updated"]))
                    tbody {
                        @for d in &docs {
                            tr {
                                th scope="row" { a href=(record_url(RecordType::Document, &d.id)) dir="auto" { (d.title) } }
                                td data-label=(tr.t("field-status")) { (status_badge(&v, d.status)) }
                                td data-label=(tr.t("document-comments")) { (open_comments(d).len()) }
                                td data-label=(tr.t("document-suggestions")) { (d.suggestions.iter().filter(|s| s.status == SuggestionStatus::Open).count()) }
                                td data-label=(tr.t("document-updated")) { (when(&v, &d.stamp.updated_at)) }
                            }
                        }
                    }
                }
            }
        }
    };
    v.render(
        StatusCode::OK,
        layout::page(&v, Section::Documents, &title, body),
    )
}

/// `GET /documents/new`.
pub(crate) async fn new(v: View) -> Response {
    let (values, errors) = (FormData::default(), FormErrors::default());
    let page = new_page(&v, Form::new(v.tr, &values, &errors));
    v.render(StatusCode::OK, page)
}

/// `POST /documents` with `title`, `text` and `bracketed`: a new document, its text as
/// typed or, when `bracketed` is ticked, read as a draft whose brackets become comments and
/// suggestions.
pub(crate) async fn create_or_import(v: View, UiForm(form): UiForm) -> Response {
    let title = form.text("title").trim().to_owned();
    let text = unix_newlines(&form.text("text"));
    let edit = if form.checked("bracketed") {
        Edit::ImportDocument { title, text }
    } else {
        Edit::Create(Fields::Document(DocumentFields {
            title: Some(title),
            status: None,
            text: Some(text),
        }))
    };
    match submit(&v, edit, &|f| f.to_owned()).await {
        Outcome::Done(bureau_model::Applied::Record(_, id)) => see_other(&format!(
            "{}?done=created",
            record_url(RecordType::Document, &id)
        )),
        Outcome::Done(_) => see_other("/documents"),
        Outcome::Invalid(errors) => {
            let page = new_page(&v, Form::new(v.tr, &form, &errors));
            v.render(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

// ---- remarks ----------------------------------------------------------------------------

/// The range a remark's form names: `start` and `end` when they hold the quoted words now,
/// else the first place the words are in the text. `None` when they are nowhere.
fn range_of(text: &str, form: &FormData) -> Option<(usize, usize)> {
    let quote = form.text("quote");
    let chars: Vec<char> = text.chars().collect();
    let q: Vec<char> = quote.chars().collect();
    if q.is_empty() {
        return None;
    }
    let given = (
        form.get("start").and_then(|s| s.parse::<usize>().ok()),
        form.get("end").and_then(|s| s.parse::<usize>().ok()),
    );
    if let (Some(s), Some(e)) = given
        && s <= e
        && e <= chars.len()
        && chars[s..e] == q[..]
    {
        return Some((s, e));
    }
    (0..=chars.len().saturating_sub(q.len()))
        .find(|&i| chars[i..].starts_with(&q))
        .map(|i| (i, i + q.len()))
}

/// The document's page again with one of its forms' errors (422), or the error page.
fn shown_again(v: &View, id: &str, shown: Shown) -> Response {
    let Some(d) = v.snap().documents.get(id).cloned() else {
        return not_found(v);
    };
    let mut values = DocumentForm::values(v, &d);
    values.set("heads", heads_value(v));
    let none = FormErrors::default();
    let meta = Form::new(v.tr, &values, &none);
    v.render(
        StatusCode::UNPROCESSABLE_ENTITY,
        document_page(v, &d, meta, &shown),
    )
}

/// Applies an operation from one of the page's forms (`which`), mapping the model's field
/// names to the form's; back to the page at `anchor` when done.
async fn apply(
    v: &View,
    id: &str,
    op: DocumentOp,
    which: &str,
    form: FormData,
    anchor: &str,
) -> Response {
    let field_of = |f: &str| match f {
        "start" | "end" => "quote".to_owned(),
        other => other.to_owned(),
    };
    let edit = Edit::Document {
        id: id.to_owned(),
        op,
    };
    match submit(v, edit, &field_of).await {
        Outcome::Done(_) => see_other(&format!(
            "{}?done=saved#{anchor}",
            record_url(RecordType::Document, id)
        )),
        Outcome::Invalid(errors) => {
            // A refusal about a comment or suggestion named in the address (unknown, already
            // decided) has no field in the form: it is said in the form's summary.
            shown_again(
                v,
                id,
                Shown {
                    which: which.to_owned(),
                    values: form,
                    errors,
                },
            )
        }
        Outcome::Failed(status, msg) => error_page(v, status, &msg),
    }
}

/// The form shown again with one error on its `quote` field.
fn quote_not_found(v: &View, id: &str, which: &str, form: FormData) -> Response {
    let mut errors = FormErrors::default();
    errors.add("quote", v.tr.t("document-quote-not-found"));
    shown_again(
        v,
        id,
        Shown {
            which: which.to_owned(),
            values: form,
            errors,
        },
    )
}

fn text_now(v: &View, id: &str) -> Option<String> {
    v.snap().documents.get(id).map(|d| d.text.clone())
}

/// `POST /documents/{id}/comments` with `quote` (and `start`, `end`) and `body`.
pub(crate) async fn comment(v: View, Path(id): Path<String>, UiForm(form): UiForm) -> Response {
    let Some(text) = text_now(&v, &id) else {
        return not_found(&v);
    };
    let Some((start, end)) = range_of(&text, &form) else {
        return quote_not_found(&v, &id, "comment", form);
    };
    let op = DocumentOp::Comment {
        start,
        end,
        body: form.text("body").trim().to_owned(),
    };
    apply(&v, &id, op, "comment", form, "doc-comments").await
}

/// `POST /documents/{id}/suggestions` with `quote` (and `start`, `end`) and `replacement`.
pub(crate) async fn suggest(v: View, Path(id): Path<String>, UiForm(form): UiForm) -> Response {
    let Some(text) = text_now(&v, &id) else {
        return not_found(&v);
    };
    let Some((start, end)) = range_of(&text, &form) else {
        return quote_not_found(&v, &id, "suggest", form);
    };
    let op = DocumentOp::Suggest {
        start,
        end,
        replacement: unix_newlines(&form.text("replacement")),
    };
    apply(&v, &id, op, "suggest", form, "doc-suggestions").await
}

/// `POST /documents/{id}/comments/{cid}/replies` with `body`.
pub(crate) async fn reply(
    v: View,
    Path((id, cid)): Path<(String, String)>,
    UiForm(form): UiForm,
) -> Response {
    let op = DocumentOp::Reply {
        comment: cid.clone(),
        body: form.text("body").trim().to_owned(),
    };
    let which = format!("reply-{cid}");
    apply(&v, &id, op, &which, form, &format!("comment-{cid}")).await
}

/// `POST /documents/{id}/comments/{cid}/{resolve|reopen}`.
pub(crate) async fn resolve(
    v: View,
    Path((id, cid, verb)): Path<(String, String, String)>,
) -> Response {
    let resolved = match verb.as_str() {
        "resolve" => true,
        "reopen" => false,
        _ => return not_found(&v),
    };
    let op = DocumentOp::ResolveComment {
        comment: cid.clone(),
        resolved,
    };
    decided(&v, &id, op, "doc-comments").await
}

/// `POST /documents/{id}/suggestions/{sid}/{accept|reject}`.
pub(crate) async fn decide(
    v: View,
    Path((id, sid, verb)): Path<(String, String, String)>,
) -> Response {
    let op = match verb.as_str() {
        "accept" => DocumentOp::Accept { suggestion: sid },
        "reject" => DocumentOp::Reject { suggestion: sid },
        _ => return not_found(&v),
    };
    decided(&v, &id, op, "doc-suggestions").await
}

/// A button's operation: back to the page, or the error page saying why not (the comment or
/// suggestion is unknown, already decided, or its words are gone).
async fn decided(v: &View, id: &str, op: DocumentOp, anchor: &str) -> Response {
    let edit = Edit::Document {
        id: id.to_owned(),
        op,
    };
    match submit(v, edit, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other(&format!(
            "{}?done=saved#{anchor}",
            record_url(RecordType::Document, id)
        )),
        Outcome::Invalid(e) => error_page(v, StatusCode::BAD_REQUEST, &e.summary()),
        Outcome::Failed(status, msg) => error_page(v, status, &msg),
    }
}

/// `POST /documents/{id}/versions` with `name`.
pub(crate) async fn name_version(
    v: View,
    Path(id): Path<String>,
    UiForm(form): UiForm,
) -> Response {
    let op = DocumentOp::NameVersion {
        name: form.text("name").trim().to_owned(),
    };
    apply(&v, &id, op, "version", form, "doc-versions").await
}

// ---- the editor -------------------------------------------------------------------------

fn editor_page(
    v: &View,
    d: &Document,
    values: &FormData,
    errors: &FormErrors,
    here: Markup,
) -> Markup {
    let tr = v.tr;
    let base = record_url(RecordType::Document, &d.id);
    let form = Form::new(tr, values, errors);
    let title = tr.ta("document-editing", &[("title", d.title.clone().into())]);
    let body = html! {
        p.crumbs {
            a href="/documents" { (tr.t("documents-title")) } " › "
            a href=(base) dir="auto" { (d.title) }
        }
        h1 dir="auto" { (title) }
        p.lead { (tr.t("document-editor-explain")) }
        (here)
        form.record.editor method="post" action={(base) "/text"} novalidate data-editor=(d.id) {
            (form.summary())
            input type="hidden" name="heads" value=(values.text("heads"));
            (form.textarea("text", &tr.t("field-text"), 24, None))
            div.buttons {
                button type="submit" { (tr.t("save")) }
                a href=(base) { (tr.t("cancel")) }
            }
        }
    };
    layout::page(v, Section::Documents, &title, body)
}

/// `GET /documents/{id}/edit`: the text in a text area, with the heads it shows.
pub(crate) async fn edit_page(v: View, Path(id): Path<String>) -> Response {
    let Some(d) = v.snap().documents.get(&id).cloned() else {
        return not_found(&v);
    };
    let mut values = FormData::default();
    values.push("heads", heads_value(&v));
    values.push("text", &d.text);
    let here = super::presence::section(&v, &d).await;
    v.render(
        StatusCode::OK,
        editor_page(&v, &d, &values, &FormErrors::default(), here),
    )
}

/// Heads as a form carries them; `None` when they are not heads at all.
fn parse_heads(text: &str) -> Option<Vec<ChangeHash>> {
    let heads: Vec<ChangeHash> = text
        .split(',')
        .filter(|h| !h.is_empty())
        .map(str::parse::<ChangeHash>)
        .collect::<Result<_, _>>()
        .ok()?;
    (!heads.is_empty() && heads.len() <= 64).then_some(heads)
}

/// `POST /documents/{id}/text` with `heads` and `text`: saved as a three-way merge from the
/// heads the editor showed, so a peer's edits made meanwhile stay.
pub(crate) async fn save_text(v: View, Path(id): Path<String>, UiForm(form): UiForm) -> Response {
    let Some(d) = v.snap().documents.get(&id).cloned() else {
        return not_found(&v);
    };
    let base = match form.get("heads") {
        Some(h) => match parse_heads(h) {
            Some(heads) => heads,
            None => {
                return error_page(&v, StatusCode::CONFLICT, &v.tr.t("error-form-heads"));
            }
        },
        // A form without heads (a script): the text as it is now is the base.
        None => v.st.heads.iter().filter_map(|h| h.parse().ok()).collect(),
    };
    let op = DocumentOp::SaveText {
        base,
        text: unix_newlines(&form.text("text")),
    };
    let edit = Edit::Document { id: id.clone(), op };
    match submit(&v, edit, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other(&format!(
            "{}?done=saved",
            record_url(RecordType::Document, &id)
        )),
        Outcome::Invalid(errors) if errors.get("base_heads").is_some() => {
            error_page(&v, StatusCode::CONFLICT, &v.tr.t("error-form-heads"))
        }
        Outcome::Invalid(errors) => {
            let here = super::presence::section(&v, &d).await;
            v.render(
                StatusCode::UNPROCESSABLE_ENTITY,
                editor_page(&v, &d, &form, &errors, here),
            )
        }
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct SplicesQuery {
    since: Option<String>,
}

/// `GET /documents/{id}/splices?since=HEADS`: what changed in the text since the heads an
/// open editor shows, as splices (`{heads, splices: [{pos, delete, insert}]}`, positions in
/// code points of the text at `since`), with the heads they bring it to. The live script
/// applies them to the text area around what is being typed, so a peer's edit shows without
/// replacing the text area or moving its caret. Unknown heads are a 409 (the editor is
/// reopened).
pub(crate) async fn splices(
    v: View,
    Path(id): Path<String>,
    Query(q): Query<SplicesQuery>,
) -> Response {
    use axum::response::IntoResponse;
    let st = v.st.clone();
    let Some(now) = st.snapshot.documents.get(&id).map(|d| d.text.clone()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(since) = q.since.as_deref().and_then(parse_heads) else {
        return (StatusCode::BAD_REQUEST, "since: heads, comma-separated").into_response();
    };
    let then = match v
        .app
        .doc
        .record_at(RecordType::Document, id.clone(), since)
        .await
    {
        Ok(Some(snap)) => snap.documents.get(&id).map(|d| d.text.clone()),
        Ok(None) => None,
        Err(e) => {
            tracing::error!(error = %e, "the text an editor shows could not be read");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let Some(then) = then else {
        return (StatusCode::CONFLICT, "since: not heads of this document").into_response();
    };
    axum::Json(serde_json::json!({
        "heads": st.heads.join(","),
        "splices": bureau_model::splices(&then, &now),
    }))
    .into_response()
}

// ---- comparing versions -----------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub(crate) struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /documents/{id}/compare?from=NAME&to=NAME|now`: the words changed from one version
/// to the other, with who wrote or deleted each change. Without `from`, the newest version;
/// without `to`, now.
pub(crate) async fn compare(
    v: View,
    Path(id): Path<String>,
    Query(q): Query<CompareQuery>,
) -> Response {
    let tr = v.tr;
    let Some(d) = v.snap().documents.get(&id).cloned() else {
        return not_found(&v);
    };
    let base = record_url(RecordType::Document, &d.id);
    let mut errors = FormErrors::default();
    let heads_of = |name: &str| -> Option<Vec<ChangeHash>> {
        if name == "now" {
            return Some(v.st.heads.iter().filter_map(|h| h.parse().ok()).collect());
        }
        let ver = d.versions.iter().rev().find(|x| x.name == name)?;
        ver.heads.iter().map(|h| h.parse().ok()).collect()
    };
    let from = q
        .from
        .clone()
        .filter(|s| !s.is_empty())
        .or_else(|| d.versions.last().map(|x| x.name.clone()));
    let to =
        q.to.clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "now".to_owned());
    let from_heads = from.as_deref().and_then(|f| {
        let h = heads_of(f);
        if h.is_none() {
            errors.add("from", tr.t("document-no-such-version"));
        }
        h
    });
    let to_heads = heads_of(&to);
    if to_heads.is_none() {
        errors.add("to", tr.t("document-no-such-version"));
    }
    let parts = match (from_heads, to_heads) {
        (Some(f), Some(t)) => match v.app.doc.document_diff(id.clone(), f, t).await {
            Ok(parts) => parts,
            Err(e) => {
                tracing::error!(error = %e, "a document's versions could not be compared");
                return error_page(&v, StatusCode::SERVICE_UNAVAILABLE, &tr.t("error-closed"));
            }
        },
        _ => None,
    };
    let mut options: Vec<(String, String)> = d
        .versions
        .iter()
        .rev()
        .map(|x| (x.name.clone(), x.name.clone()))
        .collect();
    let mut to_options = vec![("now".to_owned(), tr.t("document-now"))];
    to_options.append(&mut options.clone());
    options.dedup();
    let mut values = FormData::default();
    values.push("from", from.clone().unwrap_or_default());
    values.push("to", to.clone());
    let form = Form::new(tr, &values, &errors);
    let title = tr.ta(
        "document-compare-title",
        &[("title", d.title.clone().into())],
    );
    let who = |authors: &[String]| -> String {
        let names: Vec<String> = authors.iter().map(|a| v.member_name(a)).collect();
        tr.list(&names)
    };
    let body = html! {
        p.crumbs {
            a href="/documents" { (tr.t("documents-title")) } " › "
            a href=(base) dir="auto" { (d.title) }
        }
        h1 dir="auto" { (title) }
        @if d.versions.is_empty() {
            p.empty { (tr.t("document-versions-none")) }
        } @else {
            form.inline method="get" action={(base) "/compare"} novalidate {
                (form.summary())
                (form.select("from", &tr.t("document-from"), &options, None))
                (form.select("to", &tr.t("document-to"), &to_options, None))
                div.buttons { button type="submit" { (tr.t("document-compare-button")) } }
            }
        }
        @if let Some(parts) = &parts {
            @if parts.iter().all(|p| p.kind == DiffKind::Same) {
                p.empty { (tr.t("document-no-changes")) }
            }
            div.doc-text.prose.diff dir="auto" {
                @for p in parts {
                    @match p.kind {
                        DiffKind::Same => { (p.text) }
                        DiffKind::Added => {
                            ins { span.visually-hidden { (tr.t("document-inserted")) " " } (p.text) }
                            @if !p.authors.is_empty() { " " span.who { "(" (tr.ta("document-by", &[("name", who(&p.authors).into())])) ")" } }
                        }
                        DiffKind::Removed => {
                            del { span.visually-hidden { (tr.t("document-deleted")) " " } (p.text) }
                            @if !p.authors.is_empty() { " " span.who { "(" (tr.ta("document-by", &[("name", who(&p.authors).into())])) ")" } }
                        }
                    }
                }
            }
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    v.render(status, layout::page(&v, Section::Documents, &title, body))
}
