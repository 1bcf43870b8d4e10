//! The schedule's views: a day timetable with rooms as columns, a list view with each
//! meeting's findings beside it, and the rooms. The meeting form is in [`meetings`], the room
//! form in [`rooms`]; both use this module's helpers for the lines and badges they share with
//! the views.
//!
//! Times are shown and entered in the venue's time zone (`meta.timezone`); a form's date and
//! times are civil times there, which the model stores with the zone's offset.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::{
    Fields, Finding, Meeting, MeetingFields, MeetingKind, MeetingStatus, RecordType, Records,
    ResourceState, Room, RoomFields, Snapshot, Stamp,
};
use jiff::Zoned;
use jiff::civil::{Date, Time};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use super::findings;
use super::forms::{
    Form, FormData, FormErrors, Input, choices, language_options, languages_from, words,
};
use super::layout::{self, Section, query_param};
use super::pager::Pager;
use super::record::{RecordForm, names_of, plain_text};
use super::{View, collection_url, form_action, record_url};

mod agenda;
mod filters;
mod meetings;
mod rooms;

pub(crate) use agenda::{agenda, group_meetings};
use filters::Filters;
use meetings::resources_line;
pub(crate) use meetings::{MeetingForm, unix_newlines};
pub(crate) use rooms::RoomForm;

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
            a href=(record_url(RecordType::Meeting, &m.id)) dir="auto" class=[(m.status == MeetingStatus::Cancelled).then_some("cancelled")] { (m.title) }
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

/// The days that have meetings the filters keep, and `around` itself.
fn meeting_days(v: &View, around: Date, filters: &Filters) -> Vec<Date> {
    let mut days: BTreeSet<Date> = v
        .snap()
        .meetings
        .values()
        .filter(|m| !m.stamp.archived && filters.keeps(m))
        .filter_map(|m| v.zoned(&m.start).map(|z| z.date()))
        .collect();
    days.insert(around);
    days.into_iter().collect()
}

/// Which of the day's views a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// No `view`: both are rendered and the screen's width picks one (`app.css`): the list
    /// on a phone, where a timetable of every room does not fit, the timetable elsewhere. No
    /// script is needed, and a link to the schedule shows each reader what suits their screen.
    Auto,
    Grid,
    List,
}

impl Mode {
    fn of(view: Option<&str>) -> Mode {
        match view {
            Some("grid") => Mode::Grid,
            Some("list") => Mode::List,
            _ => Mode::Auto,
        }
    }

    fn param(self) -> Option<&'static str> {
        match self {
            Mode::Auto => None,
            Mode::Grid => Some("grid"),
            Mode::List => Some("list"),
        }
    }
}

/// `GET /schedule?day=YYYY-MM-DD&view=grid|list&page=N` (the page of the list view), with
/// the filters `room`, `group`, `member` and `language` (see [`filters`]).
pub(crate) async fn page(v: View, Query(q): Query<ScheduleQuery>) -> Response {
    let tr = v.tr;
    let day = q
        .day
        .as_deref()
        .and_then(|d| d.parse::<Date>().ok())
        .unwrap_or_else(|| v.today());
    let mode = Mode::of(q.view.as_deref());
    let filters = Filters::of_request(&v);
    let mut meetings = meetings_on(&v, day);
    meetings.retain(|(m, _, _)| filters.keeps(m));
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
    let prev = day.yesterday().unwrap_or(day);
    let next = day.tomorrow().unwrap_or(day);
    let title = tr.t("schedule-title");
    let toolbar = |shown: Mode| {
        html! {
            div.toolbar {
                h2 { (tr.date_long(day)) }
                nav.switch aria-label=(tr.t("schedule-view")) {
                    a href=(filters.href(day, Some("grid"))) aria-current=[(shown == Mode::Grid).then_some("page")] { (tr.t("view-timetable")) }
                    a href=(filters.href(day, Some("list"))) aria-current=[(shown == Mode::List).then_some("page")] { (tr.t("view-list")) }
                }
            }
        }
    };
    let grid = || {
        html! {
            (toolbar(Mode::Grid))
            div #timetable data-live { (timetable(&v, day, &meetings, filters.room.as_deref())) }
            section #day-findings data-live aria-labelledby="day-findings-h" {
                h2 #day-findings-h { (tr.t("schedule-day-findings")) }
                @if day_findings.is_empty() {
                    p.empty { (tr.t("schedule-no-findings")) }
                } @else {
                    (findings::list(&v, &day_findings, None))
                }
            }
        }
    };
    let list = || {
        html! {
            (toolbar(Mode::List))
            div #day-list data-live {
                @let pager = Pager::new(&v, "page", meetings.len());
                (day_list(&v, pager.slice(&meetings)))
                (pager.nav(&v, "/schedule", &tr.date_long(day)))
            }
        }
    };
    let body = html! {
        div.page-head {
            h1 { (title) }
            div.actions {
                a.button href={(collection_url(RecordType::Meeting)) "/new?day=" (day)} { (tr.t("meeting-new")) }
                a.button.secondary href={(collection_url(RecordType::Room)) "/new"} { (tr.t("room-new")) }
                a.button.secondary href="/agenda" { (tr.t("agenda-title")) }
                a.button.secondary href={(super::programme::URL) "?day=" (day)} { (tr.t("programme-link")) }
            }
        }
        nav.days #days aria-label=(tr.t("schedule-days")) data-live {
            a href=(filters.href(prev, mode.param())) { (layout::chevron(tr, true)) " " (tr.t("day-previous")) }
            ul {
                @for d in meeting_days(&v, day, &filters) {
                    li {
                        a href=(filters.href(d, mode.param())) aria-current=[(d == day).then_some("date")] {
                            (tr.date_short(d))
                        }
                    }
                }
            }
            a href=(filters.href(next, mode.param())) { (tr.t("day-next")) " " (layout::chevron(tr, false)) }
        }
        (filters.form(&v, day, mode.param()))
        @match mode {
            Mode::Grid => { (grid()) }
            Mode::List => { (list()) }
            Mode::Auto => {
                div.auto-grid { (grid()) }
                div.auto-list { (list()) }
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
    let rooms = live_rooms(v);
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
fn timetable(
    v: &View,
    day: Date,
    meetings: &[(&Meeting, Zoned, Zoned)],
    only_room: Option<&str>,
) -> Markup {
    let tr = v.tr;
    let mut cols = columns(v, meetings);
    // Filtered by room, the timetable is that room's column.
    if let Some(room) = only_room {
        cols.retain(|(id, _)| id == room);
    }
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
                a.slot href=(record_url(RecordType::Meeting, &m.id)) {
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
                                @if id.is_empty() { (name) } @else { a href=(record_url(RecordType::Room, id)) { (name) } }
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
                    h3 { a href=(record_url(RecordType::Meeting, &m.id)) dir="auto" class=[(m.status == MeetingStatus::Cancelled).then_some("cancelled")] { (m.title) } }
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

/// The rooms that are not archived, by name.
fn live_rooms(v: &View) -> Vec<&Room> {
    let mut rooms: Vec<&Room> = v
        .snap()
        .rooms
        .values()
        .map(|r| &**r)
        .filter(|r| !r.stamp.archived)
        .collect();
    rooms.sort_by(|a, b| a.name.cmp(&b.name));
    rooms
}

fn rooms_table(v: &View) -> Markup {
    let tr = v.tr;
    let rooms = live_rooms(v);
    html! {
        h2 #rooms-h { (tr.t("rooms-title")) }
        div.scroll tabindex="0" role="region" aria-labelledby="rooms-h" {
            table.stack {
                (layout::column_heads(tr, &["field-name", "field-capacity", "field-booths", "field-equipment"]))
                tbody {
                    @for r in &rooms {
                        tr {
                            th scope="row" dir="auto" { a href=(record_url(RecordType::Room, &r.id)) { (r.name) } }
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
