//! The interpretation planner: the day's plan (`/interpretation`: each meeting that needs
//! interpretation, its room, languages, booths and who sits in each, with the planner's
//! findings beside it), the same as a sheet to print (`/interpretation/sheet`), the
//! interpreters' records (their form: `RecordForm`), one interpreter's day
//! (`/interpretation/interpreters/{id}/day`) and the form that seats interpreters in a
//! meeting's booths (`/interpretation/meetings/{id}`).
//!
//! Seating is saved as the reader's additions and removals to the seats as they are now (the
//! form carries the seats it showed), so seats a peer added or removed meanwhile stay as the
//! peer left them: the same rule as every set in a record form.

use std::collections::BTreeSet;

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use bureau_model::{
    Availability, Edit, Fields, Finding, FindingKind, Interpreter, InterpreterFields, Meeting,
    MeetingFields, MeetingStatus, RecordType, Records, Snapshot, Stamp, booth_key, booth_keys,
    interpreter_days,
};
use jiff::Zoned;
use jiff::civil::Date;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::findings;
use super::forms::{Form, FormData, FormErrors, Input, language_options, languages_from};
use super::layout::{self, Section};
use super::record::{RecordForm, UiForm, plain_text};
use super::{Outcome, View, error_page, form_action, not_found, record_url, see_other, submit};
use crate::AppState;

/// The plan's address.
pub(crate) const URL: &str = "/interpretation";

/// The planner's pages.
pub(crate) fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = super::record::routes::<InterpreterForm>(
        router,
        super::collection_url(RecordType::Interpreter),
    );
    router
        .route(URL, get(plan))
        .route("/interpretation/sheet", get(sheet))
        .route(
            "/interpretation/interpreters/{id}/day",
            get(interpreter_day),
        )
        .route(
            "/interpretation/meetings/{id}",
            get(seats_page).post(save_seats),
        )
}

/// `?date=`: the day shown.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DayQuery {
    date: Option<String>,
}

/// Whether a live meeting is the planner's business: several languages, or seats already.
fn interpreted(m: &Meeting) -> bool {
    !m.stamp.archived
        && m.status != MeetingStatus::Cancelled
        && (m.languages.len() > 1 || !m.booths.is_empty())
}

/// The day asked for; else today if it has interpreted meetings, else the next day that has,
/// else the last one, else today.
fn day_of(v: &View, q: &DayQuery) -> Date {
    if let Some(d) = q.date.as_deref().and_then(|d| d.parse::<Date>().ok()) {
        return d;
    }
    let days: BTreeSet<Date> = v
        .snap()
        .meetings
        .values()
        .filter(|m| interpreted(m))
        .filter_map(|m| v.zoned(&m.start).map(|z| z.date()))
        .collect();
    let today = v.today();
    days.range(today..)
        .next()
        .or_else(|| days.iter().next_back())
        .copied()
        .unwrap_or(today)
}

/// The interpreted meetings starting on `day`, by start.
fn day_meetings(v: &View, day: Date) -> Vec<(&Meeting, Zoned, Zoned)> {
    super::schedule::meetings_on(v, day)
        .into_iter()
        .filter(|(m, _, _)| interpreted(m))
        .collect()
}

/// The planner's findings, and the missing booths, that concern a record.
fn plan_findings<'a>(v: &'a View, ty: RecordType, id: &str) -> Vec<&'a Finding> {
    v.st.findings
        .iter()
        .filter(|f| {
            matches!(
                f.kind,
                FindingKind::InterpretationNotCovered
                    | FindingKind::BoothsTooFew
                    | FindingKind::BoothTeamTooSmall
                    | FindingKind::InterpreterDoubleBooked
                    | FindingKind::InterpreterUnavailable
                    | FindingKind::InterpreterLanguageMismatch
                    | FindingKind::RelayNeeded
                    | FindingKind::InterpreterOverloaded
            )
        })
        .filter(|f| findings::concerns(f, ty, id))
        .collect()
}

fn time_span(v: &View, start: &Zoned, end: &Zoned) -> String {
    format!("{}–{}", v.tr.time(start.time()), v.tr.time(end.time()))
}

fn language_list(v: &View, codes: &[String]) -> String {
    let names: Vec<String> = codes.iter().map(|c| v.tr.language(c)).collect();
    v.tr.list(&names)
}

/// The previous and next day's links, around the day's name.
fn day_nav(v: &View, base: &str, day: Date) -> Markup {
    let tr = v.tr;
    let link = |d: Option<Date>| d.map(|d| format!("{base}?date={d}"));
    html! {
        nav.day-nav.no-print aria-label=(tr.t("interp-days")) {
            @if let Some(href) = link(day.yesterday().ok()) {
                a href=(href) rel="prev" { (layout::chevron(tr, true)) " " (tr.t("interp-previous-day")) }
            }
            " "
            @if let Some(href) = link(day.tomorrow().ok()) {
                a href=(href) rel="next" { (tr.t("interp-next-day")) " " (layout::chevron(tr, false)) }
            }
        }
    }
}

/// Each booth of a meeting with the names of those in it.
fn booths_cell(v: &View, m: &Meeting) -> Markup {
    let tr = v.tr;
    html! {
        @if m.booths.is_empty() {
            span.muted { (tr.t("interp-no-seats")) }
        } @else {
            ul.booths {
                @for b in &m.booths {
                    li {
                        span.booth-language { (tr.language(&b.language)) } ": "
                        @for (i, id) in b.interpreters.iter().enumerate() {
                            @if i > 0 { ", " }
                            a href=(record_url(RecordType::Interpreter, id)) dir="auto" {
                                (v.record_name(RecordType::Interpreter, id))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The day's table: one row per meeting, its findings in the last column.
fn plan_table(v: &View, day: Date, sheet: bool) -> Markup {
    let tr = v.tr;
    let slots = day_meetings(v, day);
    html! {
        @if slots.is_empty() {
            p.empty { (tr.t("interp-none")) }
        } @else {
            table.stack.plan {
                caption { (tr.ta("interp-caption", &[("date", tr.date_long(day).into())])) }
                (layout::column_heads(tr, &["interp-col-time", "interp-col-meeting", "field-room", "field-languages", "interp-col-booths", "interp-col-findings"]))
                tbody {
                    @for (m, start, end) in &slots {
                        tr id={"m-" (m.id)} {
                            td data-label=(tr.t("interp-col-time")) { (time_span(v, start, end)) }
                            th scope="row" data-label=(tr.t("interp-col-meeting")) {
                                a href=(record_url(RecordType::Meeting, &m.id)) dir="auto" { (m.title) }
                                @if !sheet {
                                    br;
                                    a.no-print href={"/interpretation/meetings/" (super::seg(&m.id))} {
                                        (tr.t("interp-seat"))
                                        span.visually-hidden { " · " (m.title) }
                                    }
                                }
                            }
                            td data-label=(tr.t("field-room")) dir="auto" {
                                @if m.room_id.is_empty() { span.muted { (tr.t("no-room")) } }
                                @else { (v.record_name(RecordType::Room, &m.room_id)) }
                            }
                            td data-label=(tr.t("field-languages")) { (language_list(v, &m.languages)) }
                            td data-label=(tr.t("interp-col-booths")) { (booths_cell(v, m)) }
                            td data-label=(tr.t("interp-col-findings")) {
                                @let fs = plan_findings(v, RecordType::Meeting, &m.id);
                                @if fs.is_empty() { span.muted { (tr.t("interp-ok")) } }
                                (findings::list(v, &fs, Some((RecordType::Meeting, &m.id))))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The interpreters, by name, with a link to each one's day.
fn interpreters_table(v: &View, day: Date) -> Markup {
    let tr = v.tr;
    let mut list: Vec<&Interpreter> = v
        .snap()
        .interpreters
        .values()
        .map(|i| &**i)
        .filter(|i| !i.stamp.archived)
        .collect();
    list.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    html! {
        section aria-labelledby="interpreters-heading" {
            h2 id="interpreters-heading" { (tr.t("interp-interpreters")) }
            p.no-print { a href={(super::collection_url(RecordType::Interpreter)) "/new"} { (tr.t("interpreter-new")) } }
            @if list.is_empty() {
                p.empty { (tr.t("interp-no-interpreters")) }
            } @else {
                table.stack.interpreters {
                    (layout::column_heads(tr, &["field-name", "field-a-languages", "field-b-languages", "field-c-languages", "field-team", "interp-col-day"]))
                    tbody {
                        @for i in &list {
                            tr {
                                th scope="row" data-label=(tr.t("field-name")) {
                                    a href=(record_url(RecordType::Interpreter, &i.id)) dir="auto" { (i.name) }
                                }
                                td data-label=(tr.t("field-a-languages")) { (language_list(v, &i.languages.a)) }
                                td data-label=(tr.t("field-b-languages")) { (language_list(v, &i.languages.b)) }
                                td data-label=(tr.t("field-c-languages")) { (language_list(v, &i.languages.c)) }
                                td data-label=(tr.t("field-team")) dir="auto" { (i.team) }
                                td data-label=(tr.t("interp-col-day")) {
                                    a href={"/interpretation/interpreters/" (super::seg(&i.id)) "/day?date=" (day)} {
                                        (tr.t("interp-their-day"))
                                        span.visually-hidden { " · " (i.name) }
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

/// `GET /interpretation?date=`: the day's plan and the interpreters.
pub(crate) async fn plan(v: View, Query(q): Query<DayQuery>) -> Response {
    let tr = v.tr;
    let day = day_of(&v, &q);
    let title = tr.t("interp-title");
    let body = html! {
        h1 { (title) ": " (tr.date_long(day)) }
        (day_nav(&v, URL, day))
        p.no-print { a href={"/interpretation/sheet?date=" (day)} { (tr.t("interp-sheet")) } }
        div data-live id="plan" { (plan_table(&v, day, false)) }
        div data-live id="interpreters" { (interpreters_table(&v, day)) }
    };
    v.render(
        StatusCode::OK,
        layout::page(&v, Section::Interpretation, &title, body),
    )
}

/// `GET /interpretation/sheet?date=`: the day's plan to print.
pub(crate) async fn sheet(v: View, Query(q): Query<DayQuery>) -> Response {
    let tr = v.tr;
    let day = day_of(&v, &q);
    let title = tr.t("interp-sheet-title");
    let body = html! {
        p.crumbs.no-print { a href={(URL) "?date=" (day)} { (tr.t("interp-title")) } }
        h1 { (title) ": " (tr.date_long(day)) }
        p.meta { (tr.ta("programme-as-of", &[("date", tr.date_time(&v.now.to_zoned(v.tz.clone())).into())])) }
        p.hint.no-print { (tr.t("programme-print-hint")) }
        (plan_table(&v, day, true))
    };
    v.render(
        StatusCode::OK,
        layout::page(&v, Section::Interpretation, &title, body),
    )
}

/// `GET /interpretation/interpreters/{id}/day?date=`: where one interpreter sits that day.
pub(crate) async fn interpreter_day(
    v: View,
    Path(id): Path<String>,
    Query(q): Query<DayQuery>,
) -> Response {
    let tr = v.tr;
    let Some(i) = v.snap().interpreters.get(&id).cloned() else {
        return not_found(&v);
    };
    let days = interpreter_days(v.snap(), &id);
    let day = q
        .date
        .as_deref()
        .and_then(|d| d.parse::<Date>().ok())
        .or_else(|| days.range(v.today()..).next().map(|(d, _)| *d))
        .unwrap_or_else(|| v.today());
    let (minutes, ids) = days.get(&day).cloned().unwrap_or_default();
    let limit = bureau_model::Norms::of(v.snap()).interpreter_daily_minutes;
    let available: Vec<&Availability> = i
        .available
        .iter()
        .filter(|a| a.date == day.to_string())
        .collect();
    let rows: Vec<(&Meeting, Zoned, Zoned)> = ids
        .iter()
        .filter_map(|m| v.snap().meetings.get(m))
        .filter_map(|m| Some((&**m, v.zoned(&m.start)?, v.zoned(&m.end)?)))
        .collect();
    let title = tr.ta(
        "interp-day-title",
        &[
            ("name", i.name.clone().into()),
            ("date", tr.date_long(day).into()),
        ],
    );
    let base = format!("/interpretation/interpreters/{}/day", super::seg(&id));
    let body = html! {
        p.crumbs { a href={(URL) "?date=" (day)} { (tr.t("interp-title")) } " · "
            a href=(record_url(RecordType::Interpreter, &id)) dir="auto" { (i.name) } }
        h1 dir="auto" { (title) }
        (day_nav(&v, &base, day))
        (super::settings::feed_link(&v, &crate::feeds::Feed::Interpreter(&id)))
        p {
            (tr.ta("interp-day-minutes", &[("minutes", minutes.into()), ("limit", limit.into())]))
        }
        p {
            @if i.available.is_empty() {
                (tr.t("interp-available-always"))
            } @else if available.is_empty() {
                (tr.t("interp-available-not"))
            } @else {
                (tr.t("interp-available")) " "
                (tr.list(&available.iter().map(|a| availability_text(&v, a)).collect::<Vec<_>>()))
            }
        }
        div data-live id="day" {
            @if rows.is_empty() {
                p.empty { (tr.t("interp-day-none")) }
            } @else {
                table.stack.plan {
                    (layout::column_heads(tr, &["interp-col-time", "interp-col-meeting", "field-room", "interp-col-booth", "interp-col-colleagues"]))
                    tbody {
                        @for (m, start, end) in &rows {
                            @let booth = m.booths.iter().find(|b| b.interpreters.contains(&id));
                            tr {
                                td data-label=(tr.t("interp-col-time")) { (time_span(&v, start, end)) }
                                th scope="row" data-label=(tr.t("interp-col-meeting")) {
                                    a href=(record_url(RecordType::Meeting, &m.id)) dir="auto" { (m.title) }
                                }
                                td data-label=(tr.t("field-room")) dir="auto" {
                                    @if m.room_id.is_empty() { span.muted { (tr.t("no-room")) } }
                                    @else { (v.record_name(RecordType::Room, &m.room_id)) }
                                }
                                td data-label=(tr.t("interp-col-booth")) {
                                    (booth.map(|b| tr.language(&b.language)).unwrap_or_default())
                                }
                                td data-label=(tr.t("interp-col-colleagues")) dir="auto" {
                                    @let others: Vec<String> = booth.map(|b| b.interpreters.iter()
                                        .filter(|x| **x != id)
                                        .map(|x| v.record_name(RecordType::Interpreter, x))
                                        .collect()).unwrap_or_default();
                                    (tr.list(&others))
                                }
                            }
                        }
                    }
                }
            }
            @let fs = plan_findings(&v, RecordType::Interpreter, &id);
            @if !fs.is_empty() {
                h2 { (tr.t("interp-findings")) }
                (findings::list(&v, &fs, Some((RecordType::Interpreter, &id))))
            }
        }
    };
    v.render(
        StatusCode::OK,
        layout::page(&v, Section::Interpretation, &title, body),
    )
}

fn availability_text(v: &View, a: &Availability) -> String {
    match (&a.from, &a.to) {
        (None, None) => v.tr.t("interp-all-day"),
        (from, to) => format!(
            "{}–{}",
            from.as_deref().unwrap_or("00:00"),
            to.as_deref().unwrap_or("24:00")
        ),
    }
}

/// A meeting's booths in words, as a history or a contest shows them: each booth's language
/// and who sits in it. Takes the record's booths (`[{language, interpreters}]`) or seats
/// (`<language>/<interpreter id>`).
pub(crate) fn booths_text(v: &View, value: &Value) -> String {
    let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
    let mut booths: Vec<(String, Vec<String>)> = Vec::new();
    let mut seat = |language: &str, id: &str| {
        let name = v.record_name(RecordType::Interpreter, id);
        match booths.iter_mut().find(|(l, _)| l == language) {
            Some((_, names)) => names.push(name),
            None => booths.push((language.to_owned(), vec![name])),
        }
    };
    for item in items {
        match item {
            Value::String(key) => {
                if let Some((language, id)) = key.split_once('/') {
                    seat(language, id);
                }
            }
            Value::Object(b) => {
                let language = b
                    .get("language")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                for id in b
                    .get("interpreters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    seat(language, id);
                }
            }
            _ => {}
        }
    }
    let parts: Vec<String> = booths
        .iter()
        .map(|(language, names)| format!("{}: {}", v.tr.language(language), v.tr.list(names)))
        .collect();
    v.tr.list(&parts)
}

/// The interpreters a booth offers: those who work into its language, and whoever sits in it
/// already; each labelled with their languages.
fn booth_options(v: &View, m: &Meeting, language: &str) -> Vec<(String, String)> {
    let tr = v.tr;
    let seated: Vec<&String> = m
        .booths
        .iter()
        .filter(|b| b.language == language)
        .flat_map(|b| &b.interpreters)
        .collect();
    let mut list: Vec<&Interpreter> = v
        .snap()
        .interpreters
        .values()
        .map(|i| &**i)
        .filter(|i| {
            seated.contains(&&i.id) || (!i.stamp.archived && i.languages.works_into(language))
        })
        .collect();
    list.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    list.into_iter()
        .map(|i| {
            let combination = tr.ta(
                "interp-combination",
                &[
                    ("a", i.languages.a.join(" ").into()),
                    ("b", i.languages.b.join(" ").into()),
                    ("c", i.languages.c.join(" ").into()),
                ],
            );
            (
                booth_key(language, &i.id),
                format!("{} ({combination})", i.name),
            )
        })
        .collect()
}

/// The booths a meeting's form offers: one per meeting language, and any other it has seats in.
fn booth_languages(m: &Meeting) -> Vec<String> {
    let mut langs: Vec<String> = m.languages.clone();
    langs.extend(m.booths.iter().map(|b| b.language.clone()));
    langs.sort();
    langs.dedup();
    langs
}

fn seats_form(v: &View, m: &Meeting, values: &FormData, errors: &FormErrors) -> Markup {
    let tr = v.tr;
    let form = Form::new(tr, values, errors);
    let title = tr.ta("interp-seat-title", &[("meeting", m.title.clone().into())]);
    let day = v.zoned(&m.start).map(|z| z.date());
    let back = day.map_or_else(|| URL.to_owned(), |d| format!("{URL}?date={d}"));
    let body = html! {
        p.crumbs { a href=(back) { (tr.t("interp-title")) } }
        h1 dir="auto" { (title) }
        div data-live id="seat-findings" {
            (findings::list(v, &plan_findings(v, RecordType::Meeting, &m.id), Some((RecordType::Meeting, &m.id))))
        }
        form.record method="post" action={"/interpretation/meetings/" (super::seg(&m.id))} novalidate {
            (form.summary())
            @for seat in values.all("shown") {
                input type="hidden" name="shown" value=(seat);
            }
            @if booth_languages(m).is_empty() {
                p.empty { (tr.t("interp-no-languages")) }
            }
            @for language in booth_languages(m) {
                @let options = booth_options(v, m, &language);
                @let legend = tr.ta("interp-booth", &[("language", tr.language(&language).into())]);
                @if options.is_empty() {
                    fieldset.choices {
                        legend { (legend) }
                        p.empty { (tr.t("interp-no-candidates")) }
                    }
                } @else {
                    (form.checkboxes("seat", &legend, &options, None))
                }
            }
            div.buttons {
                button type="submit" { (tr.t("save")) }
                a href=(back) { (tr.t("cancel")) }
            }
        }
    };
    layout::page(v, Section::Interpretation, &title, body)
}

fn seats_values(m: &Meeting) -> FormData {
    let mut f = FormData::default();
    let seats = booth_keys(&m.booths);
    f.push_all("seat", &seats);
    f.push_all("shown", &seats);
    f
}

/// `GET /interpretation/meetings/{id}`: who sits in each of a meeting's booths.
pub(crate) async fn seats_page(v: View, Path(id): Path<String>) -> Response {
    let Some(m) = v.snap().meetings.get(&id).cloned() else {
        return not_found(&v);
    };
    v.render(
        StatusCode::OK,
        seats_form(&v, &m, &seats_values(&m), &FormErrors::default()),
    )
}

/// `POST /interpretation/meetings/{id}`: the seats ticked and unticked since the form was
/// shown, applied to the seats as they are now.
pub(crate) async fn save_seats(v: View, Path(id): Path<String>, UiForm(form): UiForm) -> Response {
    let Some(m) = v.snap().meetings.get(&id).cloned() else {
        return not_found(&v);
    };
    let ticked: BTreeSet<String> = form.all("seat").into_iter().collect();
    let shown: BTreeSet<String> = form.all("shown").into_iter().collect();
    let mut seats: BTreeSet<String> = booth_keys(&m.booths).into_iter().collect();
    seats.extend(ticked.difference(&shown).cloned());
    for gone in shown.difference(&ticked) {
        seats.remove(gone);
    }
    let edit = Edit::Update {
        id: id.clone(),
        fields: Fields::Meeting(MeetingFields {
            booths: Some(seats.into_iter().collect()),
            ..Default::default()
        }),
    };
    let field_of = |_: &str| "seat".to_owned();
    match submit(&v, edit, &field_of).await {
        Outcome::Done(_) => {
            let day = v.zoned(&m.start).map(|z| z.date());
            let back = day.map_or_else(|| URL.to_owned(), |d| format!("{URL}?date={d}"));
            see_other(&format!("{back}&done=saved#m-{id}"))
        }
        Outcome::Invalid(errors) => v.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            seats_form(&v, &m, &form, &errors),
        ),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

// ---- the interpreter's form -----------------------------------------------------------------

/// An availability as a line of the form: `2025-11-16`, or `2025-11-16 09:00-13:00` with either
/// time left out when open.
fn availability_line(a: &Availability) -> String {
    match (&a.from, &a.to) {
        (None, None) => a.date.clone(),
        (from, to) => format!(
            "{} {}-{}",
            a.date,
            from.as_deref().unwrap_or(""),
            to.as_deref().unwrap_or("")
        ),
    }
}

fn interpreter_values(i: &Interpreter) -> FormData {
    let mut f = FormData::default();
    f.push("name", &i.name);
    f.push("email", &i.email);
    f.push("team", &i.team);
    f.push_all("a_languages", &i.languages.a);
    f.push_all("b_languages", &i.languages.b);
    f.push_all("c_languages", &i.languages.c);
    let lines: Vec<String> = i.available.iter().map(availability_line).collect();
    f.push("available", lines.join("\n"));
    f
}

/// The availability keys of the form's lines; a line that is not a day is an error beside
/// the field.
fn available_from(v: &View, form: &FormData, errors: &mut FormErrors) -> Vec<String> {
    let mut keys = Vec::new();
    for line in form.text("available").lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (date, times) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let times = times.trim();
        let (from, to) = times.split_once('-').unwrap_or((times, ""));
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        let a = Availability {
            date: date.to_owned(),
            from: opt(from),
            to: opt(to),
        };
        // A time of day as people type it (9:00, 09:00, 9h30 aside): hours and minutes.
        let time = |t: &Option<String>| -> Result<Option<String>, ()> {
            let Some(t) = t else { return Ok(None) };
            let (h, m) = t.split_once(':').ok_or(())?;
            let (h, m) = (
                h.parse::<i8>().map_err(|_| ())?,
                m.parse::<i8>().map_err(|_| ())?,
            );
            let t = jiff::civil::Time::new(h, m, 0, 0).map_err(|_| ())?;
            Ok(Some(format!("{:02}:{:02}", t.hour(), t.minute())))
        };
        let (from, to) = match (time(&a.from), time(&a.to)) {
            (Ok(from), Ok(to))
                if date.parse::<Date>().is_ok() && (times.is_empty() || times.contains('-')) =>
            {
                (from, to)
            }
            _ => {
                errors.add(
                    "available",
                    v.tr.ta("err-availability", &[("line", line.to_owned().into())]),
                );
                continue;
            }
        };
        keys.push(Availability { from, to, ..a }.key());
    }
    keys.sort();
    keys.dedup();
    keys
}

fn interpreter_fields(v: &View, form: &FormData, errors: &mut FormErrors) -> InterpreterFields {
    if form.opt("name").is_none() {
        errors.add("name", v.tr.t("err-required"));
    }
    InterpreterFields {
        name: Some(form.text("name").trim().to_owned()),
        email: Some(form.text("email").trim().to_owned()),
        a_languages: Some(languages_from(form, "a_languages")),
        b_languages: Some(languages_from(form, "b_languages")),
        c_languages: Some(languages_from(form, "c_languages")),
        available: Some(available_from(v, form, errors)),
        team: Some(form.text("team").trim().to_owned()),
    }
}

fn interpreter_page(v: &View, existing: Option<&Interpreter>, form: Form<'_>) -> Markup {
    let tr = v.tr;
    let title = match existing {
        Some(i) => i.name.clone(),
        None => tr.t("interpreter-new"),
    };
    let in_use = v.snap().interpreters.values().flat_map(|i| {
        let l = &i.languages;
        l.a.iter()
            .chain(&l.b)
            .chain(&l.c)
            .cloned()
            .collect::<Vec<_>>()
    });
    let langs = language_options(tr, in_use);
    let action = form_action(RecordType::Interpreter, existing.map(|i| i.id.as_str()));
    let body = html! {
        p.crumbs { a href=(URL) { (tr.t("interp-title")) } }
        h1 dir="auto" { (title) }
        @if existing.is_some_and(|i| i.stamp.archived) { p.notice.warn { (tr.t("record-archived")) } }
        div.with-aside {
            form.record method="post" action=(action) novalidate {
                (form.summary())
                (form.originals())
                (form.input(Input::Text, "name", &tr.t("field-name"), true, None))
                (form.input(Input::Email, "email", &tr.t("field-email"), false, None))
                (form.checkboxes("a_languages", &tr.t("field-a-languages"), &langs, Some(&tr.t("hint-a-languages"))))
                (form.input(Input::Text, "a_languages_other", &tr.t("field-languages-other"), false, Some(&tr.t("hint-language-codes"))))
                (form.checkboxes("b_languages", &tr.t("field-b-languages"), &langs, Some(&tr.t("hint-b-languages"))))
                (form.input(Input::Text, "b_languages_other", &tr.t("field-languages-other"), false, Some(&tr.t("hint-language-codes"))))
                (form.checkboxes("c_languages", &tr.t("field-c-languages"), &langs, Some(&tr.t("hint-c-languages"))))
                (form.input(Input::Text, "c_languages_other", &tr.t("field-languages-other"), false, Some(&tr.t("hint-language-codes"))))
                (form.textarea("available", &tr.t("field-available"), 5, Some(&tr.t("hint-available"))))
                (form.input(Input::Text, "team", &tr.t("field-team"), false, None))
                div.buttons {
                    button type="submit" { (if existing.is_some() { tr.t("save") } else { tr.t("interpreter-create") }) }
                    a href=(URL) { (tr.t("cancel")) }
                }
            }
            @if let Some(i) = existing {
                aside.side {
                    (layout::record_tools(v, RecordType::Interpreter, &i.id, i.stamp.archived))
                    p { a href={"/interpretation/interpreters/" (super::seg(&i.id)) "/day"} { (tr.t("interp-their-day")) } }
                    (findings::list(v, &plan_findings(v, RecordType::Interpreter, &i.id), Some((RecordType::Interpreter, &i.id))))
                }
            }
        }
    };
    layout::page(v, Section::Interpretation, &title, body)
}

/// The interpreter form.
pub(crate) struct InterpreterForm;

impl RecordForm for InterpreterForm {
    type Fields = InterpreterFields;
    type Record = Interpreter;
    const TYPE: RecordType = RecordType::Interpreter;

    fn records(snap: &Snapshot) -> &Records<Interpreter> {
        &snap.interpreters
    }
    fn id(i: &Interpreter) -> &str {
        &i.id
    }
    fn stamp(i: &Interpreter) -> &Stamp {
        &i.stamp
    }
    fn values(_v: &View, i: &Interpreter) -> FormData {
        interpreter_values(i)
    }
    fn fields(v: &View, form: &FormData, errors: &mut FormErrors) -> InterpreterFields {
        interpreter_fields(v, form, errors)
    }
    fn wrap(fields: InterpreterFields) -> Fields {
        Fields::Interpreter(fields)
    }
    fn form_field(field: &str, _form: &FormData) -> String {
        match field {
            "languages.a" => "a_languages",
            "languages.b" => "b_languages",
            "languages.c" => "c_languages",
            other => other.split('.').next().unwrap_or(other),
        }
        .to_owned()
    }
    fn value_text(v: &View, field: &str, value: &Value) -> String {
        match (field, value) {
            ("a_languages" | "b_languages" | "c_languages", Value::Array(codes)) => {
                super::record::language_names(v, codes)
            }
            ("available", Value::Array(keys)) => {
                let days: Vec<String> = keys
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|k| availability_line(&Availability::from_key(k)))
                    .collect();
                v.tr.list(&days)
            }
            _ => plain_text(v, value),
        }
    }
    fn page(v: &View, existing: Option<&Interpreter>, form: Form<'_>) -> Markup {
        interpreter_page(v, existing, form)
    }
}
