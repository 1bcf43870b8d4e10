//! Meetings listed for someone or something: "My agenda" (`/agenda`, the meetings of the
//! member this device belongs to), and the meetings on a room's and a group's page. Each list
//! has the meetings still to come first, from the soonest (one under way included), then the
//! past ones from the latest; each part fifty at a time.

use super::filters::{Attendance, attendance, focal_groups};
use super::*;
use crate::feeds::Feed;

/// A meeting placed in time, with why it is listed (the agenda says how its member attends).
type Dated<'a> = (&'a Meeting, Zoned, Zoned, Option<Attendance<'a>>);

/// Splits meetings into those to come (by start) and past ones (latest first).
fn upcoming_and_past<'a>(
    v: &View,
    meetings: impl Iterator<Item = (&'a Meeting, Option<Attendance<'a>>)>,
) -> (Vec<Dated<'a>>, Vec<Dated<'a>>) {
    let (mut upcoming, mut past): (Vec<Dated<'a>>, Vec<Dated<'a>>) = meetings
        .filter(|(m, _)| !m.stamp.archived)
        .filter_map(|(m, why)| Some((m, v.zoned(&m.start)?, v.zoned(&m.end)?, why)))
        .partition(|(_, _, end, _)| end.timestamp() > v.now);
    let key = |d: &Dated<'a>| (d.1.timestamp(), d.0.title.clone(), d.0.id.clone());
    upcoming.sort_by_key(key);
    past.sort_by_key(|d| std::cmp::Reverse(key(d)));
    (upcoming, past)
}

/// One part of a list (to come, or past), with its heading and pager. `path` is the page's
/// own address (not the request's: a form posted and shown again has another).
fn part(
    v: &View,
    path: &str,
    id: &str,
    heading: &str,
    param: &'static str,
    items: &[Dated<'_>],
) -> Markup {
    let tr = v.tr;
    let pager = Pager::new(v, param, items.len());
    html! {
        h3 id=(id) { (heading) " " span.count { (items.len()) } }
        @if items.is_empty() {
            p.empty { (tr.t("agenda-none")) }
        } @else {
            ul.meetings.dated aria-labelledby=(id) {
                @for (m, s, e, why) in pager.slice(items) {
                    li {
                        span.day { (tr.date_short(s.date())) }
                        " "
                        (meeting_line(v, m, s, e, true))
                        @match why {
                            Some(Attendance::InPerson) => { " " span.why { (tr.t("agenda-in-person")) } }
                            Some(Attendance::Through(g)) => {
                                " " span.why {
                                    (tr.ta("agenda-through", &[("group", v.record_name(RecordType::Group, g).into())]))
                                }
                            }
                            None => {}
                        }
                    }
                }
            }
        }
        (pager.nav(v, path, heading))
    }
}

/// A section listing meetings, to come then past, on the page at `path`.
fn section(
    v: &View,
    path: &str,
    id: &str,
    heading: &str,
    lead: Option<Markup>,
    meetings: (Vec<Dated<'_>>, Vec<Dated<'_>>),
) -> Markup {
    let tr = v.tr;
    let (upcoming, past) = meetings;
    html! {
        section.meetings-of id=(id) data-live aria-labelledby={(id) "-h"} {
            h2 id={(id) "-h"} { (heading) }
            @if let Some(lead) = lead { (lead) }
            (part(v, path, &format!("{id}-upcoming"), &tr.t("agenda-upcoming"), "upcoming_page", &upcoming))
            (part(v, path, &format!("{id}-past"), &tr.t("agenda-past"), "past_page", &past))
        }
    }
}

/// The meetings in a room, for its page.
pub(crate) fn room_meetings(v: &View, room: &str) -> Markup {
    let listed = v
        .snap()
        .meetings
        .values()
        .filter(|m| m.room_id == room)
        .map(|m| (&**m, None));
    section(
        v,
        &record_url(RecordType::Room, room),
        "room-meetings",
        &v.tr.t("room-meetings"),
        Some(crate::ui::settings::feed_link(v, &Feed::Room(room))),
        upcoming_and_past(v, listed),
    )
}

/// The meetings a group attends or organises, for its page.
pub(crate) fn group_meetings(v: &View, group: &str) -> Markup {
    let listed = v
        .snap()
        .meetings
        .values()
        .filter(|m| m.organiser == group || m.groups.iter().any(|g| g == group))
        .map(|m| (&**m, None));
    section(
        v,
        &record_url(RecordType::Group, group),
        "group-meetings",
        &v.tr.t("group-meetings"),
        Some(crate::ui::settings::feed_link(v, &Feed::Group(group))),
        upcoming_and_past(v, listed),
    )
}

/// The member this device belongs to: its device record's member, or the member this node
/// writes as before its device record has arrived.
pub(crate) fn device_member(v: &View) -> Option<String> {
    v.snap()
        .devices
        .get(&v.st.peer_id)
        .map(|d| d.member_id.clone())
        .filter(|m| !m.is_empty())
        .or_else(|| v.st.author.clone())
}

/// `GET /agenda`: the meetings of the member this device belongs to, those they attend in
/// person and those of the groups they are a focal point of.
pub(crate) async fn agenda(v: View) -> Response {
    let tr = v.tr;
    let title = tr.t("agenda-title");
    let member = device_member(&v);
    let body = match &member {
        None => html! {
            p.crumbs { a href="/schedule" { (tr.t("schedule-title")) } }
            h1 { (title) }
            p.empty { (tr.t("agenda-no-member")) }
        },
        Some(member) => {
            let focal_of = focal_groups(v.snap(), member);
            let listed = v
                .snap()
                .meetings
                .values()
                .filter_map(|m| attendance(m, member, &focal_of).map(|why| (&**m, Some(why))));
            let mut groups: Vec<String> = focal_of
                .iter()
                .map(|g| v.record_name(RecordType::Group, g))
                .collect();
            groups.sort();
            let name = v.member_name(member);
            let lead = html! {
                p.lead {
                    (tr.ta("agenda-lead", &[("name", name.into())]))
                    " "
                    @if groups.is_empty() {
                        (tr.t("agenda-no-groups"))
                    } @else {
                        (tr.ta("agenda-groups", &[("groups", tr.list(&groups).into())]))
                    }
                }
                p { a href=(record_url(RecordType::Member, member)) { (tr.t("agenda-member-page")) } }
                (crate::ui::settings::feed_link(&v, &Feed::Member(member)))
            };
            html! {
                p.crumbs { a href="/schedule" { (tr.t("schedule-title")) } }
                h1 { (title) }
                (section(&v, "/agenda", "agenda", &tr.t("agenda-meetings"), Some(lead), upcoming_and_past(&v, listed)))
            }
        }
    };
    v.render(
        StatusCode::OK,
        layout::page(&v, Section::Agenda, &title, body),
    )
}
