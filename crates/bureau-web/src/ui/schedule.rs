//! The schedule: a day timetable with rooms as columns, a list view with each meeting's
//! findings beside it, the rooms, and the meeting and room forms.
//!
//! Times are shown and entered in the venue's time zone (`meta.timezone`); a form's date and
//! times are civil times there, which the model stores with the zone's offset.

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::{
    Edit, Fields, Finding, Meeting, MeetingFields, MeetingKind, MeetingStatus, RecordType,
    ResourceState, Room, RoomFields,
};
use jiff::Zoned;
use jiff::civil::{Date, Time};
use maud::{Markup, html};
use serde::Deserialize;

use super::findings;
use super::forms::{
    Form, FormData, FormErrors, Input, keep_changed, keep_changed_text, language_options,
    languages_from, map_edit, set_edit, words,
};
use super::layout::{self, Section};
use super::pager::Pager;
use super::seg;
use super::{Outcome, View, error_page, not_found, read_form, see_other, submit};

/// Live meetings starting on `day` (venue time), by start.
pub(crate) fn meetings_on(v: &View, day: Date) -> Vec<(&Meeting, Zoned, Zoned)> {
    let mut out: Vec<(&Meeting, Zoned, Zoned)> = v
        .snap()
        .meetings
        .values()
        .map(|r| &**r)
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
        span.what {
            a href={"/schedule/meetings/" (seg(&m.id))} dir="auto" class=[(m.status == MeetingStatus::Cancelled).then_some("cancelled")] { (m.title) }
            @if with_room { @if let Some(room) = room_name(v, &m.room_id) { " " span.room dir="auto" { (room) } } }
            @if ongoing { " " span.badge.info { (tr.t("meeting-now")) } }
            @if m.status != MeetingStatus::Confirmed { " " (status_badge(v, m.status)) }
            @if n > 0 { " " span.badge.warn { "⚠ " (tr.ta("findings-count", &[("n", n.into())])) } }
        }
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

/// `GET /schedule?day=YYYY-MM-DD&view=grid|list&page=N` (the page of the list view).
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
            div #day-list data-live {
                @let pager = Pager::new(&v, "page", meetings.len());
                (day_list(&v, pager.slice(&meetings)))
                (pager.nav(&v, "/schedule", &tr.date_long(day)))
            }
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
        .map(|r| &**r)
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

/// Rows of the timetable are quarter hours: 96 in a day.
const QUARTERS_PER_HOUR: i32 = 4;
const QUARTERS_PER_DAY: i32 = 24 * QUARTERS_PER_HOUR;

/// A meeting's place in the day's timetable: the quarter hour it starts in (from midnight)
/// and the quarters it covers until its end (rounded up, and cut at midnight).
fn quarters(start: &Zoned, end: &Zoned) -> (i32, i32) {
    let at = |z: &Zoned| i32::from(z.hour()) * 60 + i32::from(z.minute());
    let first = at(start) / 15;
    let end_minute = if end.date() > start.date() {
        24 * 60
    } else {
        at(end)
    };
    let last = (end_minute + 14) / 15;
    (first, (last - first).max(1))
}

/// A meeting placed in the timetable.
struct Placed<'a> {
    meeting: &'a Meeting,
    start: &'a Zoned,
    end: &'a Zoned,
    /// First quarter hour of the day.
    first: i32,
    /// Quarter hours covered.
    span: i32,
    /// Side-by-side position within its room, for meetings that overlap there.
    lane: usize,
}

/// The meetings of each column, each in the first lane free at its start, and the number
/// of lanes the column needs.
fn place<'a>(
    cols: &[(String, String)],
    meetings: &'a [(&'a Meeting, Zoned, Zoned)],
) -> Vec<(Vec<Placed<'a>>, usize)> {
    cols.iter()
        .map(|(room, _)| {
            let mut lane_ends: Vec<i32> = Vec::new();
            let mut placed = Vec::new();
            // `meetings` is sorted by start.
            for (m, s, e) in meetings.iter().filter(|(m, _, _)| m.room_id == *room) {
                let (first, span) = quarters(s, e);
                let lane = match lane_ends.iter().position(|end| *end <= first) {
                    Some(free) => free,
                    None => {
                        lane_ends.push(0);
                        lane_ends.len() - 1
                    }
                };
                lane_ends[lane] = first + span;
                placed.push(Placed {
                    meeting: m,
                    start: s,
                    end: e,
                    first,
                    span,
                    lane,
                });
            }
            let lanes = lane_ends.len().max(1);
            (placed, lanes)
        })
        .collect()
}

/// The day as a table: a row per quarter hour (labelled by the hour), a column per room,
/// and each meeting one cell spanning the rows of its duration. Meetings that overlap in a
/// room (a double booking) stand side by side in it.
fn timetable(v: &View, day: Date, meetings: &[(&Meeting, Zoned, Zoned)]) -> Markup {
    let tr = v.tr;
    let cols = columns(v, meetings);
    let placed = place(&cols, meetings);
    let all = || placed.iter().flat_map(|(p, _)| p.iter());
    // Whole hours, at least 08:00 to 18:00.
    let from = all()
        .map(|p| p.first / QUARTERS_PER_HOUR * QUARTERS_PER_HOUR)
        .min()
        .unwrap_or(QUARTERS_PER_DAY)
        .min(8 * QUARTERS_PER_HOUR);
    let to = all()
        .map(|p| (p.first + p.span + QUARTERS_PER_HOUR - 1) / QUARTERS_PER_HOUR * QUARTERS_PER_HOUR)
        .max()
        .unwrap_or(0)
        .clamp(18 * QUARTERS_PER_HOUR, QUARTERS_PER_DAY);
    let covered = |col: usize, lane: usize, q: i32| {
        placed[col]
            .0
            .iter()
            .any(|p| p.lane == lane && p.first < q && q < p.first + p.span)
    };
    let cell = |p: &Placed<'_>| {
        let m = p.meeting;
        let n = meeting_findings(v, &m.id).len();
        html! {
            td rowspan=(p.span) class={"busy " (m.status.as_str()) @if n > 0 { " flagged" }} {
                a.slot href={"/schedule/meetings/" (seg(&m.id))} {
                    span.when dir="ltr" { (span(v, p.start, p.end)) }
                    span.title dir="auto" { (m.title) }
                    @if m.status != MeetingStatus::Confirmed { (status_badge(v, m.status)) }
                    @if n > 0 { span.flag { "⚠ " (tr.ta("findings-count", &[("n", n.into())])) } }
                }
            }
        }
    };
    html! {
        div.scroll tabindex="0" role="region" aria-labelledby="timetable-caption" {
            table.timetable {
                caption #timetable-caption .visually-hidden { (tr.ta("timetable-caption", &[("date", tr.date_long(day).into())])) }
                thead {
                    tr {
                        th scope="col" { (tr.t("time")) }
                        @for ((id, name), (_, lanes)) in cols.iter().zip(&placed) {
                            th scope="col" colspan=[(*lanes > 1).then_some(lanes)] dir="auto" {
                                @if id.is_empty() { (name) } @else { a href={"/schedule/rooms/" (seg(id))} { (name) } }
                            }
                        }
                    }
                }
                tbody {
                    @for q in from..to {
                        @let row_class = match q % QUARTERS_PER_HOUR {
                            0 => Some("hour"),
                            2 => Some("half"),
                            _ => None,
                        };
                        tr class=[row_class] {
                            @if q % QUARTERS_PER_HOUR == 0 {
                                th scope="row" rowspan=(QUARTERS_PER_HOUR) {
                                    (tr.time(Time::constant(i8::try_from(q / QUARTERS_PER_HOUR).unwrap_or(0), 0, 0, 0)))
                                }
                            }
                            @for (col, (in_col, lanes)) in placed.iter().enumerate() {
                                @for lane in 0..*lanes {
                                    @if let Some(p) = in_col.iter().find(|p| p.lane == lane && p.first == q) {
                                        (cell(p))
                                    } @else if !covered(col, lane, q) {
                                        td {}
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
                    h3 { a href={"/schedule/meetings/" (seg(&m.id))} dir="auto" class=[(m.status == MeetingStatus::Cancelled).then_some("cancelled")] { (m.title) } }
                    p.when { span dir="ltr" { (span(v, s, e)) } " " (status_badge(v, m.status)) }
                    dl.facts {
                        dt { (tr.t("field-room")) }
                        dd dir="auto" { (room_name(v, &m.room_id).unwrap_or_else(|| tr.t("no-room"))) }
                        @if !m.languages.is_empty() {
                            dt { (tr.t("field-languages")) }
                            dd { (tr.list(&m.languages.iter().map(|l| tr.language(l)).collect::<Vec<_>>())) }
                        }
                        @if !m.organiser.is_empty() {
                            dt { (tr.t("field-organiser")) }
                            dd dir="auto" { (v.record_name(RecordType::Group, &m.organiser)) }
                        }
                        @if !m.resources.is_empty() {
                            dt { (tr.t("field-resources")) }
                            dd dir="auto" { (resources_line(v, m)) }
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
        .map(|r| &**r)
        .filter(|r| !r.stamp.archived)
        .collect();
    rooms.sort_by(|a, b| a.name.cmp(&b.name));
    html! {
        h2 #rooms-h { (tr.t("rooms-title")) }
        div.scroll tabindex="0" role="region" aria-labelledby="rooms-h" {
            table.stack {
                thead { tr {
                    th scope="col" { (tr.t("field-name")) }
                    th scope="col" { (tr.t("field-capacity")) }
                    th scope="col" { (tr.t("field-booths")) }
                    th scope="col" { (tr.t("field-equipment")) }
                } }
                tbody {
                    @for r in &rooms {
                        tr {
                            th scope="row" dir="auto" { a href={"/schedule/rooms/" (seg(&r.id))} { (r.name) } }
                            td.num data-label=(tr.t("field-capacity")) { (r.capacity) }
                            td data-label=(tr.t("field-booths")) { (tr.list(&r.booths.iter().map(|l| tr.language(l)).collect::<Vec<_>>())) }
                            td dir="auto" data-label=(tr.t("field-equipment")) { (tr.list(&r.equipment)) }
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
    for (i, (name, state)) in m.resources.iter().enumerate() {
        f.push(&format!("res-{i}"), name);
        f.push(&format!("res-{i}-state"), state.as_str());
    }
    f.push("agenda", &m.agenda);
    f
}

/// The meeting's long text, carried by its form as a digest.
const MEETING_DIGESTED: &[&str] = &["agenda"];

/// The resources of a meeting form: each listed one (`res-N`, in the state `res-N-state`)
/// unless `res-N-remove` is ticked, and the one typed in `res-new` (`res-new-state`).
fn resources_from(
    form: &FormData,
    errors: &mut FormErrors,
    tr: super::i18n::Tr,
) -> BTreeMap<String, ResourceState> {
    let mut out = BTreeMap::new();
    let state = |key: &str, errors: &mut FormErrors| match form.get(key) {
        None => ResourceState::Requested,
        Some(s) => ResourceState::parse(s).unwrap_or_else(|_| {
            errors.add(key, tr.t("err-choice"));
            ResourceState::Requested
        }),
    };
    for i in 0.. {
        let Some(name) = form.get(&format!("res-{i}")) else {
            break;
        };
        let name = name.trim();
        if name.is_empty() || form.checked(&format!("res-{i}-remove")) {
            continue;
        }
        out.insert(name.to_owned(), state(&format!("res-{i}-state"), errors));
    }
    if let Some(name) = form.opt("res-new") {
        out.insert(name, state("res-new-state", errors));
    }
    out
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
        resources: Some(resources_from(form, errors, tr)),
        status,
        groups: Some(form.all("groups")),
        members: Some(form.all("members")),
        agenda: Some(unix_newlines(&form.text("agenda"))),
    }
}

/// Leaves out what the user did not change in the form, so that saving writes only the
/// fields they changed, and a field a peer changed while the form was open keeps the peer's
/// value. Sets and resources get what was added and removed in the form, applied to the
/// record as it is now. `shown` is what the form was rendered with ([`FormData::shown`]).
fn only_changes(v: &View, f: &mut MeetingFields, shown: &FormData, m: &Meeting) {
    let old = meeting_fields(v, shown, &mut FormErrors::default());
    keep_changed(&mut f.title, &old.title);
    keep_changed(&mut f.kind, &old.kind);
    keep_changed(&mut f.status, &old.status);
    keep_changed(&mut f.start, &old.start);
    keep_changed(&mut f.end, &old.end);
    keep_changed(&mut f.room_id, &old.room_id);
    keep_changed(&mut f.organiser, &old.organiser);
    keep_changed_text(&mut f.agenda, shown, "agenda");
    f.languages = set_edit(f.languages.take(), old.languages, &m.languages);
    f.groups = set_edit(f.groups.take(), old.groups, &m.groups);
    f.members = set_edit(f.members.take(), old.members, &m.members);
    f.resources = f
        .resources
        .take()
        .and_then(|new| map_edit(new, old.resources.unwrap_or_default(), &m.resources));
}

/// The resources part of the meeting form: each resource with its state and a box to remove
/// it, then a line to add one.
fn resources_fieldset(form: &Form<'_>, values: &FormData) -> Markup {
    let tr = form.tr;
    let states: Vec<(String, String)> = ResourceState::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_owned(),
                tr.t(&format!("resource-state-{}", s.as_str())),
            )
        })
        .collect();
    let listed: Vec<(usize, &str)> = (0..)
        .map_while(|i| values.get(&format!("res-{i}")).map(|n| (i, n)))
        .collect();
    html! {
        fieldset class={(form.class("resources")) " resources"} id=(form.id("resources"))
            aria-describedby=[form.described_by("resources", true)] {
            legend { (tr.t("field-resources")) }
            (form.hint_and_error("resources", Some(&tr.t("hint-resources"))))
            @if !listed.is_empty() {
                table.resources {
                    thead { tr {
                        th scope="col" { (tr.t("resource-name")) }
                        th scope="col" { (tr.t("field-status")) }
                        th scope="col" { (tr.t("resource-remove")) }
                    } }
                    tbody {
                        @for (i, name) in &listed {
                            @let key = format!("res-{i}");
                            @let state_key = format!("{key}-state");
                            @let remove_key = format!("{key}-remove");
                            @let current = values.text(&state_key);
                            tr {
                                th scope="row" {
                                    input type="hidden" name=(key) value=(name);
                                    label for=(form.id(&state_key)) dir="auto" { (name) }
                                }
                                td {
                                    select id=(form.id(&state_key)) name=(state_key) {
                                        @for (value, text) in &states {
                                            option value=(value) selected[*value == current] { (text) }
                                        }
                                    }
                                }
                                td {
                                    input id=(form.id(&remove_key)) name=(remove_key) type="checkbox" value="on"
                                        checked[values.checked(&remove_key)];
                                    label.visually-hidden for=(form.id(&remove_key)) {
                                        (tr.ta("resource-remove-named", &[("name", (*name).to_owned().into())]))
                                    }
                                }
                            }
                        }
                    }
                }
            }
            div.row {
                (form.input(Input::Text, "res-new", &tr.t("resource-new"), false, None))
                (form.select("res-new-state", &tr.t("resource-new-state"), &states, None))
            }
        }
    }
}

/// A meeting's resources in a line: `Microphones (confirmed), Catering (requested)`.
fn resources_line(v: &View, m: &Meeting) -> String {
    let items: Vec<String> = m
        .resources
        .iter()
        .map(|(name, state)| {
            v.tr.ta(
                "resource-with-state",
                &[
                    ("name", name.clone().into()),
                    (
                        "state",
                        v.tr.t(&format!("resource-state-{}", state.as_str())).into(),
                    ),
                ],
            )
        })
        .collect();
    v.tr.list(&items)
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
        .map(|r| &**r)
        .filter(|r| !r.stamp.archived || r.id == current_room)
        .collect();
    rooms.sort_by(|a, b| a.name.cmp(&b.name));
    let mut room_opts = vec![(String::new(), tr.t("no-room"))];
    room_opts.extend(rooms.iter().map(|r| {
        let booths = if r.booths.is_empty() {
            tr.t("no-booths")
        } else {
            tr.list(&r.booths)
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
        Some(m) => format!("/schedule/meetings/{}", seg(&m.id)),
        None => "/schedule/meetings".to_owned(),
    };
    html! {
        form.record method="post" action=(action) novalidate {
            (form.summary())
            (form.originals())
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
            (resources_fieldset(&form, values))
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
                        @if !m.resources.is_empty() { p dir="auto" { (tr.t("field-resources")) ": " (resources_line(v, m)) } }
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
    let values = meeting_values(&v, m).with_originals(MEETING_DIGESTED);
    meeting_page_with(&v, Some(m), &values, &FormErrors::default())
}

/// The form field of a model field: a refused resource is the one being added (those listed
/// were accepted before).
fn meeting_field(field: &str) -> String {
    if field.starts_with("resources") {
        "res-new".to_owned()
    } else {
        field.to_owned()
    }
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
    match submit(&v, Edit::Create(Fields::Meeting(fields)), &meeting_field).await {
        Outcome::Done(bureau_model::Applied::Record(_, id)) => {
            see_other(&format!("/schedule/meetings/{}?done=created", seg(&id)))
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
    let shown = form.shown(|| meeting_values(&v, m), MEETING_DIGESTED);
    only_changes(&v, &mut fields, &shown, m);
    let edit = Edit::Update {
        id: id.clone(),
        fields: Fields::Meeting(fields),
    };
    match submit(&v, edit, &meeting_field).await {
        Outcome::Done(_) => see_other(&format!("/schedule/meetings/{}?done=saved", seg(&id))),
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
        Some(r) => format!("/schedule/rooms/{}", seg(&r.id)),
        None => "/schedule/rooms".to_owned(),
    };
    let body = html! {
        p.crumbs { a href="/schedule" { (tr.t("schedule-title")) } }
        h1 dir="auto" { (title) }
        @if existing.is_some_and(|r| r.stamp.archived) { p.notice.warn { (tr.t("record-archived")) } }
        div.with-aside {
            form.record method="post" action=(action) novalidate {
                (form.summary())
                (form.originals())
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
    let values = room_values(r).with_originals(&[]);
    room_page_with(&v, Some(r), &values, &FormErrors::default())
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
            see_other(&format!("/schedule/rooms/{}?done=created", seg(&id)))
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
    // Only what the user changed in the form is written (see `FormData::shown`).
    let shown = room_fields(
        &v,
        &form.shown(|| room_values(r), &[]),
        &mut FormErrors::default(),
    );
    keep_changed(&mut fields.name, &shown.name);
    keep_changed(&mut fields.capacity, &shown.capacity);
    fields.booths = set_edit(fields.booths, shown.booths, &r.booths);
    fields.equipment = set_edit(fields.equipment, shown.equipment, &r.equipment);
    let edit = Edit::Update {
        id: id.clone(),
        fields: Fields::Room(fields),
    };
    match submit(&v, edit, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other(&format!("/schedule/rooms/{}?done=saved", seg(&id))),
        Outcome::Invalid(errors) => room_page_with(&v, Some(r), &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}
