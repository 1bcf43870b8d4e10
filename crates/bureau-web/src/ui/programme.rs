//! `/schedule/programme`: the programme to print and hand out, by day (each day's meetings in
//! order, with their rooms), by room (each room's meetings, day by day) or by group (each
//! group's meetings); `?by=day|room|group`, and `room=`/`group=`/`day=` for one of them. The
//! page is plain tables, which `web/print.css` keeps whole on paper; the choice of view is a
//! navigation that printing leaves out.

use std::collections::BTreeMap;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::{Meeting, MeetingStatus};
use jiff::Zoned;
use jiff::civil::Date;
use maud::{Markup, html};
use serde::Deserialize;

use super::View;
use super::layout::{self, Section};

/// The page's address.
pub(crate) const URL: &str = "/schedule/programme";

/// `?by=` and the one room, group or day to show.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ProgrammeQuery {
    by: Option<String>,
    room: Option<String>,
    group: Option<String>,
    day: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum By {
    Day,
    Room,
    Group,
}

type Slot<'a> = (&'a Meeting, Zoned, Zoned);

/// The live meetings, by start, as `(meeting, start, end)` in the venue's zone.
fn meetings<'v>(v: &'v View, keep: &dyn Fn(&Meeting) -> bool) -> Vec<Slot<'v>> {
    let mut out: Vec<Slot<'v>> = v
        .snap()
        .meetings
        .values()
        .map(|r| &**r)
        .filter(|m| !m.stamp.archived && keep(m))
        .filter_map(|m| Some((m, v.zoned(&m.start)?, v.zoned(&m.end)?)))
        .collect();
    out.sort_by(|a, b| (a.1.timestamp(), &a.0.title).cmp(&(b.1.timestamp(), &b.0.title)));
    out
}

fn by_day<'a>(slots: Vec<Slot<'a>>) -> BTreeMap<Date, Vec<Slot<'a>>> {
    let mut days: BTreeMap<Date, Vec<Slot<'a>>> = BTreeMap::new();
    for s in slots {
        days.entry(s.1.date()).or_default().push(s);
    }
    days
}

fn time_span(v: &View, start: &Zoned, end: &Zoned) -> String {
    let (s, e) = (v.tr.time(start.time()), v.tr.time(end.time()));
    if start.date() == end.date() {
        format!("{s}–{e}")
    } else {
        format!("{s}–{} {e}", v.tr.date_short(end.date()))
    }
}

fn group_names(v: &View, ids: &[String]) -> String {
    let mut names: Vec<String> = ids
        .iter()
        .map(|id| v.record_name(bureau_model::RecordType::Group, id))
        .collect();
    names.sort();
    v.tr.list(&names)
}

fn languages(v: &View, codes: &[String]) -> String {
    let names: Vec<String> = codes.iter().map(|c| v.tr.language(c)).collect();
    v.tr.list(&names)
}

/// One meeting's title, with its standing when it is not confirmed.
fn title(v: &View, m: &Meeting) -> Markup {
    html! {
        span dir="auto" class=[(m.status == MeetingStatus::Cancelled).then_some("cancelled")] { (m.title) }
        @if m.status != MeetingStatus::Confirmed {
            " " span.badge.muted { (v.tr.t(&format!("meeting-status-{}", m.status.as_str()))) }
        }
    }
}

/// A table of meetings with the columns asked for (`date` first; `room`; `groups`, which a
/// group's own part leaves out).
fn table(
    v: &View,
    caption: &str,
    slots: &[Slot<'_>],
    room: bool,
    date: bool,
    groups: bool,
) -> Markup {
    let tr = v.tr;
    let mut heads = Vec::new();
    if date {
        heads.push("field-date");
    }
    heads.extend(["programme-time", "type-meeting"]);
    if room {
        heads.push("field-room");
    }
    heads.push("field-languages");
    if groups {
        heads.push("field-groups");
    }
    html! {
        table.programme {
            caption.visually-hidden { (caption) }
            (layout::column_heads(tr, &heads))
            tbody {
                @for (m, start, end) in slots {
                    tr {
                        @if date { td.time { (tr.date_short(start.date())) } }
                        td.time { (time_span(v, start, end)) }
                        th scope="row" { (title(v, m)) }
                        @if room {
                            td dir="auto" { (v.snap().rooms.get(&m.room_id).map(|r| r.name.clone()).unwrap_or_default()) }
                        }
                        td { (languages(v, &m.languages)) }
                        @if groups { td dir="auto" { (group_names(v, &m.groups)) } }
                    }
                }
            }
        }
    }
}

fn days_tables(v: &View, slots: Vec<Slot<'_>>, room: bool, level3: bool) -> Markup {
    html! {
        @for (day, slots) in by_day(slots) {
            @let heading = v.tr.date_long(day);
            @if level3 { h3 { (heading) } } @else { h2 { (heading) } }
            (table(v, &heading, &slots, room, false, true))
        }
    }
}

/// `GET /schedule/programme`.
pub(crate) async fn page(v: View, Query(q): Query<ProgrammeQuery>) -> Response {
    let tr = v.tr;
    let by = match q.by.as_deref() {
        Some("room") => By::Room,
        Some("group") => By::Group,
        _ => By::Day,
    };
    let day = q.day.as_deref().and_then(|d| d.parse::<Date>().ok());
    let title = tr.t("programme-title");
    let bureau = v.snap().meta.title.clone();
    let switch = |b: By, href: &str, label: &str| {
        html! { li { a href=(href) aria-current=[(b == by).then_some("page")] { (tr.t(label)) } } }
    };
    let content = match by {
        By::Day => {
            let slots = meetings(&v, &|m| {
                day.is_none_or(|d| v.zoned(&m.start).is_some_and(|s| s.date() == d))
            });
            html! {
                @if slots.is_empty() { p.empty { (tr.t("programme-none")) } }
                (days_tables(&v, slots, true, false))
            }
        }
        By::Room => {
            let mut rooms: Vec<_> = v
                .snap()
                .rooms
                .values()
                .filter(|r| !r.stamp.archived)
                .filter(|r| q.room.as_deref().is_none_or(|id| r.id == id))
                .cloned()
                .collect();
            rooms.sort_by(|a, b| a.name.cmp(&b.name));
            html! {
                @for r in &rooms {
                    section.programme-part {
                        h2 dir="auto" { (r.name) }
                        @let slots = meetings(&v, &|m| m.room_id == r.id);
                        @if slots.is_empty() { p.empty { (tr.t("programme-none")) } }
                        (days_tables(&v, slots, false, true))
                    }
                }
            }
        }
        By::Group => {
            let mut groups: Vec<_> = v
                .snap()
                .groups
                .values()
                .filter(|g| !g.stamp.archived)
                .filter(|g| q.group.as_deref().is_none_or(|id| g.id == id))
                .cloned()
                .collect();
            groups.sort_by(|a, b| a.name.cmp(&b.name));
            html! {
                @for g in &groups {
                    section.programme-part {
                        h2 dir="auto" { (g.name) }
                        @let slots = meetings(&v, &|m| m.groups.contains(&g.id) || m.organiser == g.id);
                        @if slots.is_empty() {
                            p.empty { (tr.t("programme-none")) }
                        } @else {
                            (table(&v, &g.name, &slots, true, true, false))
                        }
                    }
                }
            }
        }
    };
    let body = html! {
        p.crumbs.no-print { a href="/schedule" { (tr.t("schedule-title")) } }
        h1 {
            (title)
            @if !bureau.is_empty() { " · " span dir="auto" { (bureau) } }
        }
        p.meta { (tr.ta("programme-as-of", &[("date", tr.date_time(&v.now.to_zoned(v.tz.clone())).into())])) }
        nav.no-print aria-label=(tr.t("programme-views")) {
            ul.tabs {
                (switch(By::Day, URL, "programme-by-day"))
                (switch(By::Room, &format!("{URL}?by=room"), "programme-by-room"))
                (switch(By::Group, &format!("{URL}?by=group"), "programme-by-group"))
            }
            p.hint { (tr.t("programme-print-hint")) }
        }
        (content)
    };
    v.render(
        StatusCode::OK,
        layout::page(&v, Section::Schedule, &title, body),
    )
}
