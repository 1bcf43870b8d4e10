//! Liaison: the bodies the bureau liaises with, notes with their text and action items, the
//! flags for content implications and plenary consultation, and the printable report to the
//! plenary on the logistical matters of a period.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::{
    ActionFields, Body, BodyFields, Edit, Fields, Finding, FindingKind, Note, NoteFields,
    RecordType, Records, Snapshot, Stamp,
};
use jiff::ToSpan;
use jiff::civil::Date;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::findings;
use super::forms::{Form, FormData, FormErrors, Input};
use super::layout::{self, Section, query_param};
use super::pager::Pager;
use super::record::{RecordForm, UiForm, heads_value, plain_text};
use super::schedule::unix_newlines;
use super::{Outcome, View, error_page, form_action, not_found, see_other, submit};
use super::{collection_url, query_value, record_url, seg};

fn flags(v: &View, n: &Note) -> Markup {
    let tr = v.tr;
    html! {
        @if n.content_implications {
            span.badge.info { (tr.t("note-content-implications")) }
            " "
            @if n.plenary_consulted {
                span.badge.ok { (tr.t("note-plenary-consulted")) }
            } @else {
                span.badge.warn { (tr.t("note-consultation-pending")) }
            }
        }
    }
}

fn action_state(v: &View, done: bool, due: &str) -> Markup {
    let tr = v.tr;
    let overdue = !done && due.parse::<Date>().is_ok_and(|d| d < v.today());
    html! {
        @if done { span.badge.ok { (tr.t("action-done")) } }
        @else if overdue { span.badge.warn { (tr.t("action-overdue")) } }
        @else { span.badge.muted { (tr.t("action-open")) } }
    }
}

fn date_of(v: &View, s: &str) -> String {
    s.parse::<Date>()
        .map_or_else(|_| s.to_owned(), |d| v.tr.date_long(d))
}

fn note_article(v: &View, n: &Note) -> Markup {
    let tr = v.tr;
    html! {
        article.note id={"n-" (n.id)} {
            h3 { a href=(record_url(RecordType::Note, &n.id)) dir="auto" { (n.title) } }
            p.meta {
                span dir="auto" { (v.record_name(RecordType::Body, &n.body_id)) }
                @if !n.date.is_empty() { " · " (date_of(v, &n.date)) }
                " " (flags(v, n))
            }
            @if !n.text.is_empty() { p.prose dir="auto" { (n.text) } }
            @if !n.actions.is_empty() {
                ul.actions aria-label=(tr.t("actions-title")) {
                    @for a in &n.actions {
                        li {
                            (action_state(v, a.done, &a.due)) " "
                            span dir="auto" class=[a.done.then_some("done")] { (a.text) }
                            @if !a.owner.is_empty() { " · " (v.member_name(&a.owner)) }
                            @if !a.due.is_empty() { " · " (tr.ta("action-due", &[("date", date_of(v, &a.due).into())])) }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct LiaisonQuery {
    body: Option<String>,
}

fn sorted_notes<'v>(v: &'v View, body: Option<&str>) -> Vec<&'v Note> {
    let mut notes: Vec<&Note> = v
        .snap()
        .notes
        .values()
        .map(|r| &**r)
        .filter(|n| !n.stamp.archived && body.is_none_or(|b| n.body_id == b))
        .collect();
    notes.sort_by(|a, b| b.date.cmp(&a.date).then(a.title.cmp(&b.title)));
    notes
}

/// `GET /liaison?body=ID&page=N`.
pub(crate) async fn page(v: View, Query(q): Query<LiaisonQuery>) -> Response {
    let tr = v.tr;
    let snap = v.snap();
    let body = q.body.as_deref().and_then(|b| snap.bodies.get(b));
    let mut bodies: Vec<&Body> = snap
        .bodies
        .values()
        .map(|r| &**r)
        .filter(|b| !b.stamp.archived)
        .collect();
    bodies.sort_by(|a, b| a.name.cmp(&b.name));
    let notes = sorted_notes(&v, body.map(|b| b.id.as_str()));
    let pager = Pager::new(&v, "page", notes.len());
    let count = |id: &str| {
        snap.notes
            .values()
            .filter(|n| !n.stamp.archived && n.body_id == id)
            .count()
    };
    let title = tr.t("liaison-title");
    let page_body = html! {
        div.page-head {
            h1 { (title) }
            div.actions {
                a.button href={(collection_url(RecordType::Note)) "/new" @if let Some(b) = body { "?body=" (query_value(&b.id)) }} { (tr.t("note-new")) }
                a.button.secondary href="/liaison/report" { (tr.t("report-link")) }
            }
        }
        div.with-nav {
            nav.bodies #bodies aria-label=(tr.t("bodies-title")) data-live {
                h2 { (tr.t("bodies-title")) }
                ul {
                    li { a href="/liaison" aria-current=[body.is_none().then_some("page")] { (tr.t("bodies-all")) } }
                    @for b in &bodies {
                        li {
                            a href={"/liaison?body=" (query_value(&b.id))} aria-current=[body.is_some_and(|x| x.id == b.id).then_some("page")] dir="auto" {
                                (b.name) " " span.count { (count(&b.id)) }
                            }
                        }
                    }
                }
                p { a href={(collection_url(RecordType::Body)) "/new"} { (tr.t("body-new")) } }
            }
            div #notes data-live {
                @if let Some(b) = body {
                    div.body-head {
                        h2 dir="auto" { (b.name) }
                        @if !b.description.is_empty() { p dir="auto" { (b.description) } }
                        p { a href=(record_url(RecordType::Body, &b.id)) { (tr.t("body-edit")) } }
                    }
                } @else {
                    h2 { (tr.t("notes-all")) }
                }
                @if notes.is_empty() { p.empty { (tr.t("notes-none")) } }
                @for n in pager.slice(&notes) { (note_article(&v, n)) }
                (pager.nav(&v, "/liaison", &body.map_or_else(|| tr.t("notes-all"), |b| b.name.clone())))
            }
        }
    };
    v.render(
        StatusCode::OK,
        layout::page(&v, Section::Liaison, &title, page_body),
    )
}

// ---- notes ------------------------------------------------------------------------------

fn note_values(n: &Note) -> FormData {
    let mut f = FormData::default();
    f.push("title", &n.title);
    f.push("body_id", &n.body_id);
    f.push("date", &n.date);
    f.push("text", &n.text);
    f.push_flag("content_implications", n.content_implications);
    f.push_flag("plenary_consulted", n.plenary_consulted);
    f
}

fn note_fields(form: &FormData) -> NoteFields {
    NoteFields {
        body_id: Some(form.text("body_id")),
        title: Some(form.text("title").trim().to_owned()),
        text: Some(unix_newlines(&form.text("text"))),
        date: Some(form.text("date").trim().to_owned()),
        content_implications: Some(form.checked("content_implications")),
        plenary_consulted: Some(form.checked("plenary_consulted")),
        actions: None,
    }
}

/// A note's page: the note's form, and for an existing note its action items with the form
/// that adds one (`action`: its values and errors).
fn note_page(
    v: &View,
    existing: Option<&Note>,
    form: Form<'_>,
    action: (&FormData, &FormErrors),
) -> Markup {
    let tr = v.tr;
    let title = existing.map_or_else(|| tr.t("note-new"), |n| n.title.clone());
    let mut bodies: Vec<(String, String)> = v
        .snap()
        .bodies
        .values()
        .filter(|b| !b.stamp.archived || form.values.text("body_id") == b.id)
        .map(|b| (b.id.clone(), b.name.clone()))
        .collect();
    bodies.sort_by(|a, b| a.1.cmp(&b.1));
    let post_to = form_action(RecordType::Note, existing.map(|n| n.id.as_str()));
    let body = html! {
        p.crumbs { a href="/liaison" { (tr.t("liaison-title")) } }
        h1 dir="auto" { (title) }
        @if existing.is_some_and(|n| n.stamp.archived) { p.notice.warn { (tr.t("record-archived")) } }
        div.with-aside {
            div {
                form.record method="post" action=(post_to) novalidate {
                    (form.summary())
                    (form.originals())
                    (form.input(Input::Text, "title", &tr.t("field-title"), true, None))
                    div.row {
                        (form.select("body_id", &tr.t("field-body"), &bodies, None))
                        (form.input(Input::Date, "date", &tr.t("field-date"), false, None))
                    }
                    (form.textarea("text", &tr.t("field-text"), 8, None))
                    (form.checkbox("content_implications", &tr.t("field-content-implications"), Some(&tr.t("hint-content-implications"))))
                    (form.checkbox("plenary_consulted", &tr.t("field-plenary-consulted"), None))
                    div.buttons {
                        button type="submit" { (if existing.is_some() { tr.t("save") } else { tr.t("note-create") }) }
                        a href="/liaison" { (tr.t("cancel")) }
                    }
                }
                @if let Some(n) = existing { (actions_section(v, n, action.0, action.1)) }
            }
            @if let Some(n) = existing {
                aside.side {
                    section #note-findings data-live aria-labelledby="nf-h" {
                        h2 #nf-h { (tr.t("record-findings")) }
                        @let fs: Vec<&Finding> = v.st.findings.iter().filter(|f| findings::concerns(f, RecordType::Note, &n.id)).collect();
                        @if fs.is_empty() { p.ok-note { (tr.t("record-no-findings")) } }
                        (findings::list(v, &fs, Some((RecordType::Note, &n.id))))
                    }
                    (layout::record_tools(v, RecordType::Note, &n.id, n.stamp.archived))
                }
            }
        }
    };
    layout::page(v, Section::Liaison, &title, body)
}

fn actions_section(v: &View, n: &Note, values: &FormData, errors: &FormErrors) -> Markup {
    let tr = v.tr;
    let mut form = Form::new(tr, values, errors);
    form.prefix = "a";
    let mut members = v.member_options();
    members.insert(0, (String::new(), tr.t("no-owner")));
    html! {
        section #note-actions {
            h2 #actions-h { (tr.t("actions-title")) }
            div #note-action-list data-live {
                @if n.actions.is_empty() { p.empty { (tr.t("actions-none")) } }
                @else {
                    div.scroll tabindex="0" role="region" aria-labelledby="actions-h" {
                        table.stack {
                            thead { tr {
                                th scope="col" { (tr.t("field-action")) }
                                th scope="col" { (tr.t("field-owner")) }
                                th scope="col" { (tr.t("field-due")) }
                                th scope="col" { (tr.t("field-status")) }
                                th scope="col" { span.visually-hidden { (tr.t("field-change")) } }
                            } }
                            tbody {
                                @for a in &n.actions {
                                    tr {
                                        th scope="row" dir="auto" { (a.text) }
                                        td dir="auto" data-label=(tr.t("field-owner")) { @if !a.owner.is_empty() { (v.member_name(&a.owner)) } }
                                        td data-label=(tr.t("field-due")) { (date_of(v, &a.due)) }
                                        td data-label=(tr.t("field-status")) { (action_state(v, a.done, &a.due)) }
                                        td.row-tools {
                                            form method="post" action={(record_url(RecordType::Note, &n.id)) "/actions/" (seg(&a.id))} {
                                                input type="hidden" name="op" value=(if a.done { "reopen" } else { "done" });
                                                button.small type="submit" aria-label=(tr.ta(if a.done { "action-reopen-named" } else { "action-mark-done-named" }, &[("action", a.text.clone().into())])) {
                                                    (if a.done { tr.t("action-reopen") } else { tr.t("action-mark-done") })
                                                }
                                            }
                                            form method="post" action={(record_url(RecordType::Note, &n.id)) "/actions/" (seg(&a.id))} {
                                                input type="hidden" name="op" value="remove";
                                                button.small.secondary type="submit" aria-label=(tr.ta("action-remove-named", &[("action", a.text.clone().into())])) { (tr.t("action-remove")) }
                                            }
                                        }
                                    }
                                    (action_conflicts(v, &n.id, &a.id))
                                }
                            }
                        }
                    }
                }
            }
            form.record method="post" action={(record_url(RecordType::Note, &n.id)) "/actions"} novalidate {
                h3 { (tr.t("action-add")) }
                (form.summary())
                (form.input(Input::Text, "text", &tr.t("field-action"), true, None))
                div.row {
                    (form.select("owner", &tr.t("field-owner"), &members, None))
                    (form.input(Input::Date, "due", &tr.t("field-due"), false, None))
                }
                div.buttons { button type="submit" { (tr.t("action-add-button")) } }
            }
        }
    }
}

/// The conflicts of one action item, in place under its row: which of its fields holds
/// several values at once, each value with its author and a button that keeps it (the
/// buttons submit the note's resolve forms, which `layout::record_tools` renders).
fn action_conflicts(v: &View, note: &str, action: &str) -> Markup {
    let tr = v.tr;
    let prefix = format!("actions.{action}.");
    let conflicts = v.st.conflicts.of(RecordType::Note, note);
    html! {
        @for (i, c) in conflicts.iter().enumerate() {
            @if let Some(sub) = c.field.strip_prefix(&prefix) {
                @let id = format!("action-{}-conflict-{i}", seg(action));
                @let label = match sub {
                    "text" => tr.t("field-action"),
                    "owner" => tr.t("field-owner"),
                    "due" => tr.t("field-due"),
                    _ => tr.t("field-status"),
                };
                tr.conflict-row {
                    td colspan="5" {
                        div.contest.conflict-mark id=(id) role="group" aria-labelledby={(id) "-h"} {
                            p id={(id) "-h"} { strong { (label) } ": " (tr.t("conflict-mark")) }
                            ul {
                                @for (j, value) in c.values.iter().enumerate() {
                                    @let json = serde_json::to_value(&value.value).unwrap_or(Value::Null);
                                    li {
                                        strong.value id={(id) "-v" (j)} dir="auto" {
                                            (super::conflicts::value_text(v, RecordType::Note, &c.field, &json))
                                        }
                                        " "
                                        span.author id={(id) "-a" (j)} { (tr.ta("conflict-by", &[("name", v.member_name(&value.author).into())])) }
                                        @if j == 0 { " " span.badge.muted { (tr.t("conflict-shown")) } }
                                        " "
                                        button.secondary type="submit" form=(super::conflicts::resolve_form_id(i)) name="choice" value=(j)
                                            aria-describedby={(id) "-v" (j) " " (id) "-a" (j)} {
                                            (tr.t("conflict-keep"))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /liaison/notes/{id}/actions`: adds an action item.
pub(crate) async fn add_action(v: View, Path(id): Path<String>, UiForm(form): UiForm) -> Response {
    let Some(n) = v.snap().notes.get(&id) else {
        return not_found(&v);
    };
    let action = ActionFields {
        id: None,
        text: Some(form.text("text").trim().to_owned()),
        owner: Some(form.text("owner")),
        due: Some(form.text("due").trim().to_owned()),
        done: None,
        archived: None,
    };
    let fields = NoteFields {
        actions: Some(vec![action]),
        ..NoteFields::default()
    };
    // The model names action fields `actions[0].text`; the form calls them `text`.
    let field_of = |f: &str| f.rsplit('.').next().unwrap_or(f).to_owned();
    let edit = Edit::Update {
        id: id.clone(),
        fields: Fields::Note(fields),
    };
    match submit(&v, edit, &field_of).await {
        Outcome::Done(_) => see_other(&format!(
            "{}?done=saved#note-actions",
            record_url(RecordType::Note, &id)
        )),
        Outcome::Invalid(errors) => {
            let mut values = note_values(n);
            values.set("heads", heads_value(&v));
            let no_errors = FormErrors::default();
            let note_form = Form::new(v.tr, &values, &no_errors);
            let page = note_page(&v, Some(n), note_form, (&form, &errors));
            v.render(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

/// `POST /liaison/notes/{id}/actions/{action}` with `op` = done, reopen or remove.
pub(crate) async fn change_action(
    v: View,
    Path((id, action)): Path<(String, String)>,
    UiForm(form): UiForm,
) -> Response {
    let mut a = ActionFields {
        id: Some(action),
        ..ActionFields::default()
    };
    match form.get("op") {
        Some("done") => a.done = Some(true),
        Some("reopen") => a.done = Some(false),
        Some("remove") => a.archived = Some(true),
        _ => return error_page(&v, StatusCode::BAD_REQUEST, &v.tr.t("error-body")),
    }
    let fields = NoteFields {
        actions: Some(vec![a]),
        ..NoteFields::default()
    };
    let edit = Edit::Update {
        id: id.clone(),
        fields: Fields::Note(fields),
    };
    match submit(&v, edit, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other(&format!(
            "{}?done=saved#note-actions",
            record_url(RecordType::Note, &id)
        )),
        Outcome::Invalid(_) => not_found(&v),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

// ---- bodies -----------------------------------------------------------------------------

fn body_page(v: &View, existing: Option<&Body>, form: Form<'_>) -> Markup {
    let tr = v.tr;
    let title = existing.map_or_else(|| tr.t("body-new"), |b| b.name.clone());
    let action = form_action(RecordType::Body, existing.map(|b| b.id.as_str()));
    let body = html! {
        p.crumbs { a href="/liaison" { (tr.t("liaison-title")) } }
        h1 dir="auto" { (title) }
        @if existing.is_some_and(|b| b.stamp.archived) { p.notice.warn { (tr.t("record-archived")) } }
        div.with-aside {
            form.record method="post" action=(action) novalidate {
                (form.summary())
                (form.originals())
                (form.input(Input::Text, "name", &tr.t("field-name"), true, None))
                (form.input(Input::Text, "description", &tr.t("field-description"), false, None))
                div.buttons {
                    button type="submit" { (if existing.is_some() { tr.t("save") } else { tr.t("body-create") }) }
                    a href="/liaison" { (tr.t("cancel")) }
                }
            }
            @if let Some(b) = existing {
                aside.side { (layout::record_tools(v, RecordType::Body, &b.id, b.stamp.archived)) }
            }
        }
    };
    layout::page(v, Section::Liaison, &title, body)
}

fn body_values(b: &Body) -> FormData {
    let mut f = FormData::default();
    f.push("name", &b.name);
    f.push("description", &b.description);
    f
}

fn body_fields(form: &FormData) -> BodyFields {
    BodyFields {
        name: Some(form.text("name").trim().to_owned()),
        description: Some(form.text("description").trim().to_owned()),
    }
}

/// The note form.
pub(crate) struct NoteForm;

impl RecordForm for NoteForm {
    type Fields = NoteFields;
    type Record = Note;
    const TYPE: RecordType = RecordType::Note;

    fn records(snap: &Snapshot) -> &Records<Note> {
        &snap.notes
    }
    fn id(n: &Note) -> &str {
        &n.id
    }
    fn stamp(n: &Note) -> &Stamp {
        &n.stamp
    }
    fn values(_v: &View, n: &Note) -> FormData {
        note_values(n)
    }
    /// `?body=` chooses the body (from a body's list of notes); the secretariat by default.
    fn new_values(v: &View) -> FormData {
        let mut values = FormData::default();
        values.push(
            "body_id",
            query_param(v, "body").unwrap_or_else(|| "es".to_owned()),
        );
        values.push("date", v.today().to_string());
        values
    }
    fn fields(_v: &View, form: &FormData, _errors: &mut FormErrors) -> NoteFields {
        note_fields(form)
    }
    fn wrap(fields: NoteFields) -> Fields {
        Fields::Note(fields)
    }
    fn value_text(v: &View, field: &str, value: &Value) -> String {
        match (field, value.as_str()) {
            ("body_id", Some(id)) if !id.is_empty() => v.record_name(RecordType::Body, id),
            ("actions", _) => match value {
                Value::Array(items) => {
                    let words: Vec<String> = items.iter().map(|a| action_text(v, a)).collect();
                    v.tr.list(&words)
                }
                other => plain_text(v, other),
            },
            _ => plain_text(v, value),
        }
    }
    fn page(v: &View, existing: Option<&Note>, form: Form<'_>) -> Markup {
        note_page(
            v,
            existing,
            form,
            (&FormData::default(), &FormErrors::default()),
        )
    }
}

/// An action item (as a note's JSON has it) in words: its text, then its owner, due date and
/// whether it is done.
fn action_text(v: &View, action: &Value) -> String {
    let tr = v.tr;
    let field = |name: &str| action.get(name).and_then(Value::as_str).unwrap_or_default();
    let mut details = Vec::new();
    if !field("owner").is_empty() {
        details.push(v.member_name(field("owner")));
    }
    if let Ok(due) = field("due").parse::<Date>() {
        details.push(tr.ta("action-due", &[("date", tr.date_short(due).into())]));
    }
    if action.get("done").and_then(Value::as_bool) == Some(true) {
        details.push(tr.t("action-done"));
    }
    if details.is_empty() {
        field("text").to_owned()
    } else {
        format!("{} ({})", field("text"), tr.list(&details))
    }
}

/// The liaison body form.
pub(crate) struct BodyForm;

impl RecordForm for BodyForm {
    type Fields = BodyFields;
    type Record = Body;
    const TYPE: RecordType = RecordType::Body;

    fn records(snap: &Snapshot) -> &Records<Body> {
        &snap.bodies
    }
    fn id(b: &Body) -> &str {
        &b.id
    }
    fn stamp(b: &Body) -> &Stamp {
        &b.stamp
    }
    fn values(_v: &View, b: &Body) -> FormData {
        body_values(b)
    }
    fn fields(_v: &View, form: &FormData, _errors: &mut FormErrors) -> BodyFields {
        body_fields(form)
    }
    fn wrap(fields: BodyFields) -> Fields {
        Fields::Body(fields)
    }
    /// A body is shown with its notes, on the liaison page.
    fn done_url(id: &str, done: &str) -> String {
        format!("/liaison?body={}&done={done}", query_value(id))
    }
    fn page(v: &View, existing: Option<&Body>, form: Form<'_>) -> Markup {
        body_page(v, existing, form)
    }
}

// ---- the report to the plenary ----------------------------------------------------------

#[derive(Debug, Deserialize)]
pub(crate) struct ReportQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /liaison/report?from=YYYY-MM-DD&to=YYYY-MM-DD`: the logistical matters of a period,
/// laid out for printing.
pub(crate) async fn report(v: View, Query(q): Query<ReportQuery>) -> Response {
    let tr = v.tr;
    let today = v.today();
    let mut errors = FormErrors::default();
    let mut date = |name: &str, given: Option<&str>, default: Date| match given
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => default,
        Some(s) => s.parse::<Date>().unwrap_or_else(|_| {
            errors.add(name, tr.t("err-date"));
            default
        }),
    };
    let from = date(
        "from",
        q.from.as_deref(),
        today.checked_sub(7.days()).unwrap_or(today),
    );
    let to = date(
        "to",
        q.to.as_deref(),
        today.checked_add(7.days()).unwrap_or(today),
    );
    if to < from {
        errors.add("to", tr.t("err-period"));
    }
    let in_period = |d: Date| from <= d && d <= to;
    let snap = v.snap();
    let notes: Vec<&Note> = sorted_notes(&v, None)
        .into_iter()
        .filter(|n| {
            let d = n
                .date
                .parse::<Date>()
                .ok()
                .or_else(|| v.zoned(&n.stamp.updated_at).map(|z| z.date()));
            d.is_some_and(in_period)
        })
        .collect();
    let mut actions: Vec<(&Note, &bureau_model::Action)> = snap
        .notes
        .values()
        .map(|r| &**r)
        .filter(|n| !n.stamp.archived)
        .flat_map(|n| n.actions.iter().map(move |a| (n, a)))
        .filter(|(_, a)| !a.done || a.due.parse::<Date>().is_ok_and(in_period))
        .collect();
    actions.sort_by(|a, b| a.1.due.cmp(&b.1.due));
    let mut meetings: Vec<(&bureau_model::Meeting, jiff::Zoned, jiff::Zoned)> = snap
        .meetings
        .values()
        .map(|r| &**r)
        .filter(|m| !m.stamp.archived)
        .filter_map(|m| Some((m, v.zoned(&m.start)?, v.zoned(&m.end)?)))
        .filter(|(_, s, _)| in_period(s.date()))
        .collect();
    meetings.sort_by_key(|(_, s, _)| s.timestamp());
    let meeting_ids: Vec<&str> = meetings.iter().map(|(m, _, _)| m.id.as_str()).collect();
    let logistics: Vec<&Finding> =
        v.st.findings
            .iter()
            .filter(|f| {
                matches!(
                    f.kind,
                    FindingKind::RoomDoubleBooked
                        | FindingKind::InterpretationNotCovered
                        | FindingKind::ArchivedReference
                        | FindingKind::MemberDoubleBooked
                ) && f
                    .refs
                    .iter()
                    .any(|r| r.ty == RecordType::Meeting && meeting_ids.contains(&r.id.as_str()))
            })
            .collect();
    let pending: Vec<&&Note> = notes
        .iter()
        .filter(|n| n.content_implications && !n.plenary_consulted)
        .collect();
    let mut values = FormData::default();
    values.push("from", from.to_string());
    values.push("to", to.to_string());
    let form = Form::new(tr, &values, &errors);
    let title = tr.t("report-title");
    let body = html! {
        p.crumbs.no-print { a href="/liaison" { (tr.t("liaison-title")) } }
        h1 { (title) }
        p.lead { (tr.ta("report-period", &[("from", tr.date_long(from).into()), ("to", tr.date_long(to).into()), ("bureau", snap.meta.title.clone().into())])) }
        form.inline.no-print method="get" action="/liaison/report" novalidate {
            (form.summary())
            (form.input(Input::Date, "from", &tr.t("field-from"), false, None))
            (form.input(Input::Date, "to", &tr.t("field-to"), false, None))
            div.buttons {
                button type="submit" { (tr.t("report-show")) }
                button.secondary type="button" data-print hidden { (tr.t("report-print")) }
            }
        }
        section.report aria-labelledby="r-notes" {
            h2 #r-notes { (tr.t("report-notes")) " " span.count { (notes.len()) } }
            @if notes.is_empty() { p.empty { (tr.t("report-none")) } }
            @for n in &notes { (note_article(&v, n)) }
        }
        section.report aria-labelledby="r-consult" {
            h2 #r-consult { (tr.t("report-consultation")) " " span.count { (pending.len()) } }
            @if pending.is_empty() { p.empty { (tr.t("report-none")) } }
            ul { @for n in &pending { li dir="auto" { (n.title) " · " (v.record_name(RecordType::Body, &n.body_id)) } } }
        }
        section.report aria-labelledby="r-actions" {
            h2 #r-actions { (tr.t("report-actions")) " " span.count { (actions.len()) } }
            @if actions.is_empty() { p.empty { (tr.t("report-none")) } } @else {
                table.stack {
                    (layout::column_heads(tr, &["field-action", "field-note", "field-owner", "field-due", "field-status"]))
                    tbody {
                        @for (n, a) in &actions {
                            tr {
                                th scope="row" dir="auto" { (a.text) }
                                td dir="auto" data-label=(tr.t("field-note")) { (n.title) }
                                td dir="auto" data-label=(tr.t("field-owner")) { @if !a.owner.is_empty() { (v.member_name(&a.owner)) } }
                                td data-label=(tr.t("field-due")) { (date_of(&v, &a.due)) }
                                td data-label=(tr.t("field-status")) { (action_state(&v, a.done, &a.due)) }
                            }
                        }
                    }
                }
            }
        }
        section.report aria-labelledby="r-meetings" {
            h2 #r-meetings { (tr.t("report-meetings")) " " span.count { (meetings.len()) } }
            @if meetings.is_empty() { p.empty { (tr.t("report-none")) } } @else {
                table.stack {
                    (layout::column_heads(tr, &["field-date", "time", "field-title", "field-room", "field-languages", "field-status"]))
                    tbody {
                        @for (m, s, e) in &meetings {
                            tr {
                                td data-label=(tr.t("field-date")) { (tr.date_short(s.date())) }
                                td data-label=(tr.t("time")) { span.when dir="ltr" { (tr.time(s.time())) "–" (tr.time(e.time())) } }
                                th scope="row" dir="auto" { (m.title) }
                                td dir="auto" data-label=(tr.t("field-room")) { @if !m.room_id.is_empty() { (v.record_name(RecordType::Room, &m.room_id)) } }
                                td data-label=(tr.t("field-languages")) { (m.languages.join(" ")) }
                                td data-label=(tr.t("field-status")) { (tr.t(&format!("meeting-status-{}", m.status.as_str()))) }
                            }
                        }
                    }
                }
            }
        }
        section.report aria-labelledby="r-logistics" {
            h2 #r-logistics { (tr.t("report-logistics")) " " span.count { (logistics.len()) } }
            @if logistics.is_empty() { p.empty { (tr.t("report-no-issues")) } }
            (findings::list(&v, &logistics, None))
        }
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    v.render(status, layout::page(&v, Section::Liaison, &title, body))
}
