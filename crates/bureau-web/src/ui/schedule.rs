//! The schedule: a day timetable with rooms as columns, a list view with each meeting's
//! findings beside it, the rooms, and the meeting and room forms.
//!
//! Times are shown and entered in the venue's time zone (`meta.timezone`); a form's date and
//! times are civil times there, which the model stores with the zone's offset.

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::{
    Edit, Fields, Finding, Meeting, MeetingFields, MeetingKind, MeetingStatus, RecordType, Room,
    RoomFields,
};
use jiff::Zoned;
use jiff::civil::{Date, Time};
use maud::{Markup, html};
use serde::Deserialize;

use super::findings;
use super::forms::{Form, FormData, FormErrors, Input, language_options, languages_from, words};
use super::layout::{self, Section};
use super::{Outcome, View, error_page, not_found, read_form, see_other, submit};

/// Live meetings starting on `day` (venue time), by start.
pub(crate) fn meetings_on(v: &View, day: Date) -> Vec<(&Meeting, Zoned, Zoned)> {
    let mut out: Vec<(&Meeting, Zoned, Zoned)> = v
        .snap()
        .meetings
        .values()
        .filter(|m| !m.stamp.archived)
        .filter_map(|m| {
            let start = v.zoned(&m.start)?;
            let end = v.zoned(&m.end)?;
            (start.date() == day).then_some((m, start, end))
        })
        .collect();
    out.sort_by(|a, b| (a.1.timestamp(), &a.0.title).cmp(&(b.1.timestamp(), &b.0.title)));
    out
}

/// The findings about a meeting.
fn meeting_findings<'v>(v: &'v View, id: &str) -> Vec<&'v Finding> {
    v.st.findings
        .iter()
        .filter(|f| findings::concerns(f, RecordType::Meeting, id))
        .collect()
}

fn span(v: &View, start: &Zoned, end: &Zoned) -> Markup {
    let tr = v.tr;
    html! {
        time datetime=(start.timestamp()) { (tr.time(start.time())) }
        "–"
        time datetime=(end.timestamp()) {
            @if end.date() != start.date() { (tr.date_short(end.date())) " " }
            (tr.time(end.time()))
        }
    }
}

fn room_name(v: &View, room_id: &str) -> Option<String> {
    (!room_id.is_empty()).then(|| v.record_name(RecordType::Room, room_id))
}

fn status_badge(v: &View, status: MeetingStatus) -> Markup {
    let class = match status {
        MeetingStatus::Proposed => "badge muted",
        MeetingStatus::Confirmed => "badge ok",
        MeetingStatus::Cancelled => "badge warn",
    };
    html! { span class=(class) { (v.tr.t(&format!("meeting-status-{}", status.as_str()))) } }
}

/// One meeting on a line: time, title, room, status, and a mark when it has findings.
pub(crate) fn meeting_line(
    v: &View,
    m: &Meeting,
    start: &Zoned,
    end: &Zoned,
    with_room: bool,
) -> Markup {
    let tr = v.tr;
    let n = meeting_findings(v, &m.id).len();
    let now = v.now;
    let ongoing = start.timestamp() <= now && now < end.timestamp();
    html! {
        span.when dir="ltr" { (span(v, start, end)) }
        " "
        a href={"/schedule/meetings/" (m.id)} dir="auto" class=[(m.status == MeetingStatus::Cancelled).then_some("cancelled")] { (m.title) }
        @if with_room { @if let Some(room) = room_name(v, &m.room_id) { " · " span dir="auto" { (room) } } }
        @if ongoing { " " span.badge.info { (tr.t("meeting-now")) } }
        @if m.status != MeetingStatus::Confirmed { " " (status_badge(v, m.status)) }
        @if n > 0 { " " span.badge.warn { "⚠ " (tr.ta("findings-count", &[("n", n.into())])) } }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ScheduleQuery {
    day: Option<String>,
    view: Option<String>,
}

/// The days that have meetings, and `around` itself.
fn meeting_days(v: &View, around: Date) -> Vec<Date> {
    let mut days: BTreeSet<Date> = v
        .snap()
        .meetings
        .values()
        .filter(|m| !m.stamp.archived)
        .filter_map(|m| v.zoned(&m.start).map(|z| z.date()))
        .collect();
    days.insert(around);
    days.into_iter().collect()
}

/// `GET /schedule?day=YYYY-MM-DD&view=grid|list`.
pub(crate) async fn page(v: View, Query(q): Query<ScheduleQuery>) -> Response {
    let tr = v.tr;
    let day = q
        .day
        .as_deref()
        .and_then(|d| d.parse::<Date>().ok())
        .unwrap_or_else(|| v.today());
    let list_view = q.view.as_deref() == Some("list");
    let meetings = meetings_on(&v, day);
    let day_ids: BTreeSet<&str> = meetings.iter().map(|(m, _, _)| m.id.as_str()).collect();
    let day_findings: Vec<&Finding> =
        v.st.findings
            .iter()
            .filter(|f| {
                f.refs
                    .iter()
                    .any(|r| r.ty == RecordType::Meeting && day_ids.contains(r.id.as_str()))
            })
            .collect();
    let view_q = if list_view { "list" } else { "grid" };
    let prev = day.yesterday().unwrap_or(day);
    let next = day.tomorrow().unwrap_or(day);
    let title = tr.t("schedule-title");
    let body = html! {
        div.page-head {
            h1 { (title) }
            div.actions {
                a.button href={"/schedule/meetings/new?day=" (day)} { (tr.t("meeting-new")) }
                a.button.secondary href="/schedule/rooms/new" { (tr.t("room-new")) }
            }
        }
        nav.days #days aria-label=(tr.t("schedule-days")) data-live {
            a href={"?day=" (prev) "&view=" (view_q)} { "‹ " (tr.t("day-previous")) }
            ul {
                @for d in meeting_days(&v, day) {
                    li {
                        a href={"?day=" (d) "&view=" (view_q)} aria-current=[(d == day).then_some("date")] {
                            (tr.date_short(d))
                        }
                    }
                }
            }
            a href={"?day=" (next) "&view=" (view_q)} { (tr.t("day-next")) " ›" }
        }
        div.toolbar {
            h2 { (tr.date_long(day)) }
            nav.switch aria-label=(tr.t("schedule-view")) {
                a href={"?day=" (day) "&view=grid"} aria-current=[(!list_view).then_some("page")] { (tr.t("view-timetable")) }
                a href={"?day=" (day) "&view=list"} aria-current=[list_view.then_some("page")] { (tr.t("view-list")) }
            }
        }
        @if list_view {
            div #day-list data-live { (day_list(&v, &meetings)) }
        } @else {
            div #timetable data-live { (timetable(&v, day, &meetings)) }
            section #day-findings data-live aria-labelledby="day-findings-h" {
                h2 #day-findings-h { (tr.t("schedule-day-findings")) }
                @if day_findings.is_empty() {
                    p.empty { (tr.t("schedule-no-findings")) }
                } @else {
                    (findings::list(&v, &day_findings, None))
                }
            }
        }
        section #rooms data-live { (rooms_table(&v)) }
    };
    v.render(
        StatusCode::OK,
        layout::page(&v, Section::Schedule, &title, body),
    )
}

/// The columns of a day's timetable: live rooms, then rooms the day's meetings use that are
/// archived or unknown, then "no room" when a meeting has none.
fn columns(v: &View, meetings: &[(&Meeting, Zoned, Zoned)]) -> Vec<(String, String)> {
    let mut rooms: Vec<&Room> = v
        .snap()
        .rooms
        .values()
        .filter(|r| !r.stamp.archived)
        .collect();
    rooms.sort_by(|a, b| a.name.cmp(&b.name));
    let mut cols: Vec<(String, String)> = rooms
        .iter()
        .map(|r| (r.id.clone(), r.name.clone()))
        .collect();
    for (m, _, _) in meetings {
        if !m.room_id.is_empty() && !cols.iter().any(|(id, _)| *id == m.room_id) {
            let name = v.record_name(RecordType::Room, &m.room_id);
            cols.push((
                m.room_id.clone(),
                format!("{name} ({})", v.tr.t("archived-mark")),
            ));
        }
    }
    if meetings.iter().any(|(m, _, _)| m.room_id.is_empty()) {
        cols.push((String::new(), v.tr.t("no-room")));
    }
    cols
}

fn timetable(v: &View, day: Date, meetings: &[(&Meeting, Zoned, Zoned)]) -> Markup {
    let tr = v.tr;
    let cols = columns(v, meetings);
    let first = meetings
        .iter()
        .map(|(_, s, _)| s.hour())
        .min()
        .unwrap_or(8)
        .min(8);
    let last = meetings
        .iter()
        .map(|(_, s, e)| {
            if e.date() != s.date() {
                23
            } else {
                e.hour() - i8::from(e.minute() == 0)
            }
        })
        .max()
        .unwrap_or(17)
        .max(17);
    html! {
        div.scroll tabindex="0" role="region" aria-labelledby="timetable-caption" {
            table.timetable {
                caption #timetable-caption .visually-hidden { (tr.ta("timetable-caption", &[("date", tr.date_long(day).into())])) }
                thead {
                    tr {
                        th scope="col" { (tr.t("time")) }
                        @for (id, name) in &cols {
                            th scope="col" dir="auto" {
                                @if id.is_empty() { (name) } @else { a href={"/schedule/rooms/" (id)} { (name) } }
                            }
                        }
                    }
                }
                tbody {
                    @for hour in first..=last {
                        tr {
                            th scope="row" { (tr.time(Time::constant(hour, 0, 0, 0))) }
                            @for (room, _) in &cols {
                                td {
                                    @for (m, s, e) in meetings.iter().filter(|(m, s, _)| m.room_id == *room && s.hour() == hour) {
                                        @let n = meeting_findings(v, &m.id).len();
                                        a href={"/schedule/meetings/" (m.id)}
                                            class={"slot " (m.status.as_str()) @if n > 0 { " flagged" }} {
                                            span.when dir="ltr" { (span(v, s, e)) }
                                            span.title dir="auto" { (m.title) }
                                            @if m.status != MeetingStatus::Confirmed { (status_badge(v, m.status)) }
                                            @if n > 0 { span.flag { "⚠ " (tr.ta("findings-count", &[("n", n.into())])) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if meetings.is_empty() { p.empty { (tr.t("schedule-no-meetings")) } }
    }
}

fn day_list(v: &View, meetings: &[(&Meeting, Zoned, Zoned)]) -> Markup {
    let tr = v.tr;
    html! {
        @if meetings.is_empty() { p.empty { (tr.t("schedule-no-meetings")) } }
        @for (m, s, e) in meetings {
            @let fs = meeting_findings(v, &m.id);
            article.meeting id={"m-" (m.id)} {
                div.info {
                    h3 { a href={"/schedule/meetings/" (m.id)} dir="auto" class=[(m.status == MeetingStatus::Cancelled).then_some("cancelled")] { (m.title) } }
                    p.when { span dir="ltr" { (span(v, s, e)) } " " (status_badge(v, m.status)) }
                    dl.facts {
                        dt { (tr.t("field-room")) }
                        dd dir="auto" { (room_name(v, &m.room_id).unwrap_or_else(|| tr.t("no-room"))) }
                        @if !m.languages.is_empty() {
                            dt { (tr.t("field-languages")) }
                            dd { (m.languages.iter().map(|l| tr.language(l)).collect::<Vec<_>>().join(", ")) }
                        }
                        @if !m.organiser.is_empty() {
                            dt { (tr.t("field-organiser")) }
                            dd dir="auto" { (v.record_name(RecordType::Group, &m.organiser)) }
                        }
                        dt { (tr.t("field-attendees")) }
                        dd { (tr.ta("attendees-count", &[("groups", m.groups.len().into()), ("members", m.members.len().into())])) }
                    }
                }
                aside.beside aria-label=(tr.ta("findings-about", &[("name", m.title.clone().into())])) {
                    @if fs.is_empty() {
                        p.ok-note { (tr.t("meeting-no-findings")) }
                    } @else {
                        (findings::list(v, &fs, Some((RecordType::Meeting, &m.id))))
                    }
                }
            }
        }
    }
}

fn rooms_table(v: &View) -> Markup {
    let tr = v.tr;
    let mut rooms: Vec<&Room> = v
        .snap()
        .rooms
        .values()
        .filter(|r| !r.stamp.archived)
        .collect();
    rooms.sort_by(|a, b| a.name.cmp(&b.name));
    html! {
        h2 #rooms-h { (tr.t("rooms-title")) }
        div.scroll tabindex="0" role="region" aria-labelledby="rooms-h" {
            table {
                thead { tr {
                    th scope="col" { (tr.t("field-name")) }
                    th scope="col" { (tr.t("field-capacity")) }
                    th scope="col" { (tr.t("field-booths")) }
                    th scope="col" { (tr.t("field-equipment")) }
                } }
                tbody {
                    @for r in &rooms {
                        tr {
                            th scope="row" dir="auto" { a href={"/schedule/rooms/" (r.id)} { (r.name) } }
                            td.num { (r.capacity) }
                            td { (r.booths.iter().map(|l| tr.language(l)).collect::<Vec<_>>().join(", ")) }
                            td dir="auto" { (r.equipment.join(", ")) }
                        }
                    }
                }
            }
        }
    }
}

// ---- the meeting form -------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub(crate) struct NewMeetingQuery {
    day: Option<String>,
    room: Option<String>,
}

fn meeting_values(v: &View, m: &Meeting) -> FormData {
    let mut f = FormData::default();
    f.push("title", &m.title);
    f.push("kind", m.kind.as_str());
    f.push("status", m.status.as_str());
    if let (Some(s), Some(e)) = (v.zoned(&m.start), v.zoned(&m.end)) {
        f.push("date", s.date().to_string());
        f.push("start", v.tr.time(s.time()));
        f.push("end", v.tr.time(e.time()));
        if e.date() != s.date() {
            f.push("end_date", e.date().to_string());
        }
    }
    f.push("room_id", &m.room_id);
    f.push("organiser", &m.organiser);
    f.push_all("languages", &m.languages);
    f.push_all("groups", &m.groups);
    f.push_all("members", &m.members);
    f.push("agenda", &m.agenda);
    f
}

/// Browsers send new lines in text areas as CRLF; the document keeps LF.
pub(crate) fn unix_newlines(s: &str) -> String {
    s.replace("\r\n", "\n")
}

fn parse_time_field(
    form: &FormData,
    name: &str,
    errors: &mut FormErrors,
    tr: super::i18n::Tr,
) -> Option<Time> {
    match form.opt(name) {
        None => {
            errors.add(name, tr.t("err-required"));
            None
        }
        Some(t) => match t.parse::<Time>() {
            Ok(t) => Some(t),
            Err(_) => {
                errors.add(name, tr.t("err-time"));
                None
            }
        },
    }
}

/// The meeting's fields from a form; errors the model cannot name (a date or time that is not
/// one) are found here.
fn meeting_fields(v: &View, form: &FormData, errors: &mut FormErrors) -> MeetingFields {
    let tr = v.tr;
    // Checked here too, so that a form missing several things says so all at once.
    if form.opt("title").is_none() {
        errors.add("title", tr.t("err-required"));
    }
    let date = match form.opt("date") {
        None => {
            errors.add("date", tr.t("err-required"));
            None
        }
        Some(d) => d.parse::<Date>().ok().or_else(|| {
            errors.add("date", tr.t("err-date"));
            None
        }),
    };
    let end_date = match form.opt("end_date") {
        None => date,
        Some(d) => d.parse::<Date>().ok().or_else(|| {
            errors.add("end_date", tr.t("err-date"));
            None
        }),
    };
    let start = parse_time_field(form, "start", errors, tr);
    let end = parse_time_field(form, "end", errors, tr);
    let at = |d: Option<Date>, t: Option<Time>| match (d, t) {
        (Some(d), Some(t)) => Some(d.to_datetime(t).to_string()),
        _ => None,
    };
    let kind = MeetingKind::parse(&form.text("kind")).ok();
    if kind.is_none() {
        errors.add("kind", tr.t("err-choice"));
    }
    let status = MeetingStatus::parse(&form.text("status")).ok();
    if status.is_none() {
        errors.add("status", tr.t("err-choice"));
    }
    MeetingFields {
        title: Some(form.text("title").trim().to_owned()),
        kind,
        start: at(date, start),
        end: at(end_date, end),
        room_id: Some(form.text("room_id")),
        organiser: Some(form.text("organiser")),
        languages: Some(languages_from(form, "languages")),
        resources: None,
        status,
        groups: Some(form.all("groups")),
        members: Some(form.all("members")),
        agenda: Some(unix_newlines(&form.text("agenda"))),
    }
}

/// Whether a form's list holds the same values as the record's, in any order.
pub(crate) fn same_set(new: &Option<Vec<String>>, old: &[String]) -> bool {
    new.as_ref().is_some_and(|n| {
        let a: BTreeSet<&String> = n.iter().collect();
        let b: BTreeSet<&String> = old.iter().collect();
        a == b
    })
}

fn same_instant(v: &View, new: &Option<String>, old: &str) -> bool {
    let Some(new) = new else { return true };
    let parsed = bureau_model::parse_time("t", new, &v.tz).ok();
    parsed.is_some_and(|z| Some(z.timestamp()) == old.parse().ok())
}

/// Leaves out what the form did not change, so that saving a form writes only the fields the
/// user changed and never makes a conflict of a field nobody touched.
fn only_changes(v: &View, f: &mut MeetingFields, m: &Meeting) {
    if f.title.as_deref() == Some(m.title.as_str()) {
        f.title = None;
    }
    if f.kind == Some(m.kind) {
        f.kind = None;
    }
    if f.status == Some(m.status) {
        f.status = None;
    }
    if same_instant(v, &f.start, &m.start) {
        f.start = None;
    }
    if same_instant(v, &f.end, &m.end) {
        f.end = None;
    }
    if f.room_id.as_deref() == Some(m.room_id.as_str()) {
        f.room_id = None;
    }
    if f.organiser.as_deref() == Some(m.organiser.as_str()) {
        f.organiser = None;
    }
    if same_set(&f.languages, &m.languages) {
        f.languages = None;
    }
    if same_set(&f.groups, &m.groups) {
        f.groups = None;
    }
    if same_set(&f.members, &m.members) {
        f.members = None;
    }
    if f.agenda.as_deref() == Some(m.agenda.as_str()) {
        f.agenda = None;
    }
}

fn meeting_form(
    v: &View,
    existing: Option<&Meeting>,
    values: &FormData,
    errors: &FormErrors,
) -> Markup {
    let tr = v.tr;
    let form = Form::new(tr, values, errors);
    let snap = v.snap();
    let current_room = values.text("room_id");
    let mut rooms: Vec<&Room> = snap
        .rooms
        .values()
        .filter(|r| !r.stamp.archived || r.id == current_room)
        .collect();
    rooms.sort_by(|a, b| a.name.cmp(&b.name));
    let mut room_opts = vec![(String::new(), tr.t("no-room"))];
    room_opts.extend(rooms.iter().map(|r| {
        let booths = if r.booths.is_empty() {
            tr.t("no-booths")
        } else {
            r.booths.join(", ")
        };
        let label = tr.ta(
            "room-option",
            &[
                ("name", r.name.clone().into()),
                ("capacity", i64::from(r.capacity).into()),
                ("booths", booths.into()),
            ],
        );
        (r.id.clone(), label)
    }));
    let mut groups: Vec<(String, String)> = snap
        .groups
        .values()
        .filter(|g| {
            !g.stamp.archived || values.has("groups", &g.id) || values.text("organiser") == g.id
        })
        .map(|g| (g.id.clone(), g.name.clone()))
        .collect();
    groups.sort_by(|a, b| a.1.cmp(&b.1));
    let mut organisers = vec![(String::new(), tr.t("no-organiser"))];
    organisers.extend(groups.iter().cloned());
    let mut members: Vec<(String, String)> = snap
        .members
        .values()
        .filter(|m| !m.stamp.archived || values.has("members", &m.id))
        .map(|m| (m.id.clone(), m.name.clone()))
        .collect();
    members.sort_by(|a, b| a.1.cmp(&b.1));
    let in_use = snap
        .rooms
        .values()
        .flat_map(|r| r.booths.iter().cloned())
        .chain(
            snap.meetings
                .values()
                .flat_map(|m| m.languages.iter().cloned()),
        );
    let langs = language_options(tr, in_use);
    let kinds: Vec<(String, String)> = MeetingKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_owned(),
                tr.t(&format!("meeting-kind-{}", k.as_str())),
            )
        })
        .collect();
    let statuses: Vec<(String, String)> = MeetingStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_owned(),
                tr.t(&format!("meeting-status-{}", s.as_str())),
            )
        })
        .collect();
    let action = match existing {
        Some(m) => format!("/schedule/meetings/{}", m.id),
        None => "/schedule/meetings".to_owned(),
    };
    html! {
        form.record method="post" action=(action) novalidate {
            (form.summary())
            (form.input(Input::Text, "title", &tr.t("field-title"), true, None))
            div.row {
                (form.select("kind", &tr.t("field-kind"), &kinds, None))
                (form.select("status", &tr.t("field-status"), &statuses, None))
            }
            div.row {
                (form.input(Input::Date, "date", &tr.t("field-date"), true, None))
                (form.input(Input::Time, "start", &tr.t("field-start"), true, None))
                (form.input(Input::Time, "end", &tr.t("field-end"), true, None))
            }
            p.hint.under-row { (tr.ta("venue-time", &[("zone", snap.meta.timezone.clone().into())])) }
            (form.input(Input::Date, "end_date", &tr.t("field-end-date"), false, Some(&tr.t("hint-end-date"))))
            (form.select("room_id", &tr.t("field-room"), &room_opts, None))
            (form.select("organiser", &tr.t("field-organiser"), &organisers, None))
            (form.checkboxes("languages", &tr.t("field-languages"), &langs, Some(&tr.t("hint-languages"))))
            (form.input(Input::Text, "languages_other", &tr.t("field-languages-other"), false, Some(&tr.t("hint-language-codes"))))
            (form.checkboxes("groups", &tr.t("field-groups"), &groups, None))
            (form.checkboxes("members", &tr.t("field-members"), &members, None))
            (form.textarea("agenda", &tr.t("field-agenda"), 5, None))
            div.buttons {
                button type="submit" { (if existing.is_some() { tr.t("save") } else { tr.t("meeting-create") }) }
                a href="/schedule" { (tr.t("cancel")) }
            }
        }
    }
}

fn meeting_page_with(
    v: &View,
    existing: Option<&Meeting>,
    values: &FormData,
    errors: &FormErrors,
) -> Response {
    let tr = v.tr;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = match existing {
        Some(m) => m.title.clone(),
        None => tr.t("meeting-new"),
    };
    let body = html! {
        p.crumbs { a href="/schedule" { (tr.t("schedule-title")) } }
        h1 dir="auto" { (title) }
        @if let Some(m) = existing {
            @if m.stamp.archived { p.notice.warn { (tr.t("record-archived")) } }
        }
        div.with-aside {
            (meeting_form(v, existing, values, errors))
            @if let Some(m) = existing {
                aside.side {
                    section #meeting-findings data-live aria-labelledby="mf-h" {
                        h2 #mf-h { (tr.t("meeting-findings")) }
                        @let fs = meeting_findings(v, &m.id);
                        @if fs.is_empty() {
                            p.ok-note { (tr.t("meeting-no-findings")) }
                        } @else {
                            (findings::list(v, &fs, Some((RecordType::Meeting, &m.id))))
                        }
                    }
                    section #meeting-summary data-live aria-labelledby="ms-h" {
                        h2 #ms-h { (tr.t("meeting-as-saved")) }
                        p.saved-title dir="auto" { strong { (m.title) } }
                        @if let (Some(s), Some(e)) = (v.zoned(&m.start), v.zoned(&m.end)) {
                            p { (tr.date_long(s.date())) br; (span(v, &s, &e)) " " (status_badge(v, m.status)) }
                        }
                        @if let Some(room) = room_name(v, &m.room_id) { p dir="auto" { (room) } }
                        p.meta { (tr.ta("updated-by", &[("name", v.member_name(&m.stamp.updated_by).into()), ("when", v.zoned(&m.stamp.updated_at).map(|z| tr.date_time(&z)).unwrap_or_default().into())])) }
                    }
                    (layout::record_tools(v, RecordType::Meeting, &m.id, m.stamp.archived))
                }
            }
        }
    };
    v.render(status, layout::page(v, Section::Schedule, &title, body))
}

/// `GET /schedule/meetings/new?day=&room=`.
pub(crate) async fn new_meeting(v: View, Query(q): Query<NewMeetingQuery>) -> Response {
    let mut values = FormData::default();
    values.push("kind", MeetingKind::Other.as_str());
    values.push("status", MeetingStatus::Proposed.as_str());
    let day = q
        .day
        .as_deref()
        .and_then(|d| d.parse::<Date>().ok())
        .unwrap_or_else(|| v.today());
    values.push("date", day.to_string());
    values.push("room_id", q.room.unwrap_or_default());
    meeting_page_with(&v, None, &values, &FormErrors::default())
}

/// `GET /schedule/meetings/{id}`.
pub(crate) async fn meeting_page(v: View, Path(id): Path<String>) -> Response {
    let Some(m) = v.snap().meetings.get(&id) else {
        return not_found(&v);
    };
    meeting_page_with(&v, Some(m), &meeting_values(&v, m), &FormErrors::default())
}

/// `POST /schedule/meetings`.
pub(crate) async fn create_meeting(v: View, raw: Result<Bytes, BytesRejection>) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let mut errors = FormErrors::default();
    let fields = meeting_fields(&v, &form, &mut errors);
    if !errors.is_empty() {
        return meeting_page_with(&v, None, &form, &errors);
    }
    match submit(&v, Edit::Create(Fields::Meeting(fields)), &|f| f.to_owned()).await {
        Outcome::Done(bureau_model::Applied::Record(_, id)) => {
            see_other(&format!("/schedule/meetings/{id}?done=created"))
        }
        Outcome::Done(_) => see_other("/schedule"),
        Outcome::Invalid(errors) => meeting_page_with(&v, None, &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

/// `POST /schedule/meetings/{id}`.
pub(crate) async fn update_meeting(
    v: View,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let Some(m) = v.snap().meetings.get(&id) else {
        return not_found(&v);
    };
    let mut errors = FormErrors::default();
    let mut fields = meeting_fields(&v, &form, &mut errors);
    if !errors.is_empty() {
        return meeting_page_with(&v, Some(m), &form, &errors);
    }
    only_changes(&v, &mut fields, m);
    let edit = Edit::Update {
        id: id.clone(),
        fields: Fields::Meeting(fields),
    };
    match submit(&v, edit, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other(&format!("/schedule/meetings/{id}?done=saved")),
        Outcome::Invalid(errors) => meeting_page_with(&v, Some(m), &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

// ---- the room form ----------------------------------------------------------------------

fn room_values(r: &Room) -> FormData {
    let mut f = FormData::default();
    f.push("name", &r.name);
    f.push("capacity", r.capacity.to_string());
    f.push_all("booths", &r.booths);
    f.push("equipment", r.equipment.join(", "));
    f
}

fn room_fields(v: &View, form: &FormData, errors: &mut FormErrors) -> RoomFields {
    let capacity = match form.opt("capacity") {
        None => Some(0),
        Some(c) => c.parse::<u32>().ok().or_else(|| {
            errors.add("capacity", v.tr.t("err-number"));
            None
        }),
    };
    RoomFields {
        name: Some(form.text("name").trim().to_owned()),
        capacity,
        booths: Some(languages_from(form, "booths")),
        equipment: Some(words(&form.text("equipment"))),
    }
}

fn room_page_with(
    v: &View,
    existing: Option<&Room>,
    values: &FormData,
    errors: &FormErrors,
) -> Response {
    let tr = v.tr;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = match existing {
        Some(r) => r.name.clone(),
        None => tr.t("room-new"),
    };
    let form = Form::new(tr, values, errors);
    let in_use = v
        .snap()
        .rooms
        .values()
        .flat_map(|r| r.booths.iter().cloned());
    let langs = language_options(tr, in_use);
    let action = match existing {
        Some(r) => format!("/schedule/rooms/{}", r.id),
        None => "/schedule/rooms".to_owned(),
    };
    let body = html! {
        p.crumbs { a href="/schedule" { (tr.t("schedule-title")) } }
        h1 dir="auto" { (title) }
        @if existing.is_some_and(|r| r.stamp.archived) { p.notice.warn { (tr.t("record-archived")) } }
        div.with-aside {
            form.record method="post" action=(action) novalidate {
                (form.summary())
                (form.input(Input::Text, "name", &tr.t("field-name"), true, None))
                (form.input(Input::Number, "capacity", &tr.t("field-capacity"), false, None))
                (form.checkboxes("booths", &tr.t("field-booths"), &langs, Some(&tr.t("hint-booths"))))
                (form.input(Input::Text, "booths_other", &tr.t("field-languages-other"), false, Some(&tr.t("hint-language-codes"))))
                (form.input(Input::Text, "equipment", &tr.t("field-equipment"), false, Some(&tr.t("hint-equipment"))))
                div.buttons {
                    button type="submit" { (if existing.is_some() { tr.t("save") } else { tr.t("room-create") }) }
                    a href="/schedule" { (tr.t("cancel")) }
                }
            }
            @if let Some(r) = existing {
                aside.side {
                    (layout::record_tools(v, RecordType::Room, &r.id, r.stamp.archived))
                }
            }
        }
    };
    v.render(status, layout::page(v, Section::Schedule, &title, body))
}

/// `GET /schedule/rooms/new`.
pub(crate) async fn new_room(v: View) -> Response {
    room_page_with(&v, None, &FormData::default(), &FormErrors::default())
}

/// `GET /schedule/rooms/{id}`.
pub(crate) async fn room_page(v: View, Path(id): Path<String>) -> Response {
    let Some(r) = v.snap().rooms.get(&id) else {
        return not_found(&v);
    };
    room_page_with(&v, Some(r), &room_values(r), &FormErrors::default())
}

/// `POST /schedule/rooms`.
pub(crate) async fn create_room(v: View, raw: Result<Bytes, BytesRejection>) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let mut errors = FormErrors::default();
    let fields = room_fields(&v, &form, &mut errors);
    if !errors.is_empty() {
        return room_page_with(&v, None, &form, &errors);
    }
    match submit(&v, Edit::Create(Fields::Room(fields)), &|f| f.to_owned()).await {
        Outcome::Done(bureau_model::Applied::Record(_, id)) => {
            see_other(&format!("/schedule/rooms/{id}?done=created"))
        }
        Outcome::Done(_) => see_other("/schedule"),
        Outcome::Invalid(errors) => room_page_with(&v, None, &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

/// `POST /schedule/rooms/{id}`.
pub(crate) async fn update_room(
    v: View,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let Some(r) = v.snap().rooms.get(&id) else {
        return not_found(&v);
    };
    let mut errors = FormErrors::default();
    let mut fields = room_fields(&v, &form, &mut errors);
    if !errors.is_empty() {
        return room_page_with(&v, Some(r), &form, &errors);
    }
    if fields.name.as_deref() == Some(r.name.as_str()) {
        fields.name = None;
    }
    if fields.capacity == Some(r.capacity) {
        fields.capacity = None;
    }
    if same_set(&fields.booths, &r.booths) {
        fields.booths = None;
    }
    if same_set(&fields.equipment, &r.equipment) {
        fields.equipment = None;
    }
    let edit = Edit::Update {
        id: id.clone(),
        fields: Fields::Room(fields),
    };
    match submit(&v, edit, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other(&format!("/schedule/rooms/{id}?done=saved")),
        Outcome::Invalid(errors) => room_page_with(&v, Some(r), &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}
