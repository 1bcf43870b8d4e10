//! The schedule's filters: by room, group, member and language, kept in the URL
//! (`/schedule?room=ID&group=ID&member=ID&language=CODE`; not `lang=`, which chooses the
//! UI's language on every page), so that a filtered schedule can be bookmarked or sent, the
//! live script's refetch stays filtered, and the day and view links keep them. A member's meetings are those they attend in person or through a group they are
//! a focal point of, as in their agenda ([`attendance`]).

use super::*;
use crate::ui::forms::{LONG_SELECT, select_filter};

/// How a member attends a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attendance<'m> {
    /// Named among the meeting's members.
    InPerson,
    /// As a focal point of this group, which attends or organises the meeting.
    Through(&'m str),
}

/// The live groups `member` is a focal point of.
pub(crate) fn focal_groups(snap: &Snapshot, member: &str) -> BTreeSet<String> {
    snap.groups
        .values()
        .filter(|g| !g.stamp.archived && g.focal_points.iter().any(|f| f == member))
        .map(|g| g.id.clone())
        .collect()
}

/// Whether and how `member` (a focal point of `focal_of`) attends `m`.
pub(crate) fn attendance<'m>(
    m: &'m Meeting,
    member: &str,
    focal_of: &BTreeSet<String>,
) -> Option<Attendance<'m>> {
    if m.members.iter().any(|p| p == member) {
        return Some(Attendance::InPerson);
    }
    m.groups
        .iter()
        .chain(std::iter::once(&m.organiser))
        .find(|g| focal_of.contains(g.as_str()))
        .map(|g| Attendance::Through(g.as_str()))
}

/// The filters a schedule request asks for; an empty parameter is no filter.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filters {
    pub(crate) room: Option<String>,
    pub(crate) group: Option<String>,
    pub(crate) member: Option<String>,
    pub(crate) language: Option<String>,
    /// The groups the filtered member is a focal point of.
    focal_of: BTreeSet<String>,
}

impl Filters {
    /// The filters in the request's query.
    pub(crate) fn of_request(v: &View) -> Filters {
        let param = |name: &str| query_param(v, name).filter(|s| !s.trim().is_empty());
        let member = param("member");
        let focal_of = member
            .as_deref()
            .map(|p| focal_groups(v.snap(), p))
            .unwrap_or_default();
        Filters {
            room: param("room"),
            group: param("group"),
            member,
            language: param("language"),
            focal_of,
        }
    }

    /// Whether any filter is set.
    pub(crate) fn is_empty(&self) -> bool {
        self.room.is_none()
            && self.group.is_none()
            && self.member.is_none()
            && self.language.is_none()
    }

    /// Whether `m` passes every filter.
    pub(crate) fn keeps(&self, m: &Meeting) -> bool {
        self.room.as_ref().is_none_or(|r| m.room_id == *r)
            && self
                .group
                .as_ref()
                .is_none_or(|g| m.organiser == *g || m.groups.contains(g))
            && self
                .member
                .as_ref()
                .is_none_or(|p| attendance(m, p, &self.focal_of).is_some())
            && self
                .language
                .as_ref()
                .is_none_or(|l| m.languages.contains(l))
    }

    /// The schedule's address for `day` in `view` (none: the default for the screen), with
    /// these filters.
    pub(crate) fn href(&self, day: Date, view: Option<&str>) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("day", &day.to_string());
        if let Some(view) = view {
            q.append_pair("view", view);
        }
        for (name, value) in [
            ("room", &self.room),
            ("group", &self.group),
            ("member", &self.member),
            ("language", &self.language),
        ] {
            if let Some(value) = value {
                q.append_pair(name, value);
            }
        }
        format!("/schedule?{}", q.finish())
    }

    /// The filters' form: a choice per filter, applied with a button (no script needed),
    /// and a link that clears them.
    pub(crate) fn form(&self, v: &View, day: Date, view: Option<&str>) -> Markup {
        let tr = v.tr;
        let snap = v.snap();
        let named = |ty: RecordType, list: Vec<(String, String)>, chosen: &Option<String>| {
            let mut opts = list;
            if let Some(id) = chosen
                && !opts.iter().any(|(o, _)| o == id)
            {
                opts.push((id.clone(), v.record_name(ty, id)));
            }
            opts
        };
        let mut rooms: Vec<(String, String)> = live_rooms(v)
            .iter()
            .map(|r| (r.id.clone(), r.name.clone()))
            .collect();
        rooms = named(RecordType::Room, rooms, &self.room);
        let mut groups = v.group_options();
        groups = named(RecordType::Group, groups, &self.group);
        let mut members = v.member_options();
        members = named(RecordType::Member, members, &self.member);
        let mut codes: BTreeSet<String> = snap
            .meetings
            .values()
            .filter(|m| !m.stamp.archived)
            .flat_map(|m| m.languages.iter().cloned())
            .collect();
        codes.extend(self.language.clone());
        let langs: Vec<(String, String)> = codes
            .into_iter()
            .map(|c| {
                let label = format!("{} ({c})", tr.language(&c));
                (c, label)
            })
            .collect();
        let select = |name: &str,
                      label: String,
                      any: String,
                      opts: &[(String, String)],
                      chosen: &Option<String>| {
            let id = format!("filter-{name}");
            html! {
                div.field {
                    label for=(id) { (label) }
                    @if opts.len() > LONG_SELECT { (select_filter(tr, &id)) }
                    select id=(id) name=(name) {
                        option value="" selected[chosen.is_none()] { (any) }
                        @for (value, text) in opts {
                            option value=(value) selected[chosen.as_deref() == Some(value.as_str())] dir="auto" { (text) }
                        }
                    }
                }
            }
        };
        html! {
            form.filters method="get" action="/schedule" aria-labelledby="filters-h" {
                h2 #filters-h .visually-hidden { (tr.t("filter-title")) }
                input type="hidden" name="day" value=(day);
                @if let Some(view) = view { input type="hidden" name="view" value=(view); }
                div.row {
                    (select("room", tr.t("field-room"), tr.t("filter-any-room"), &rooms, &self.room))
                    (select("group", tr.t("filter-group"), tr.t("filter-any-group"), &groups, &self.group))
                    (select("member", tr.t("filter-member"), tr.t("filter-any-member"), &members, &self.member))
                    (select("language", tr.t("filter-language"), tr.t("filter-any-language"), &langs, &self.language))
                }
                div.buttons {
                    button type="submit" { (tr.t("filter-apply")) }
                    @if !self.is_empty() {
                        a href=(Filters::default().href(day, view)) { (tr.t("filter-clear")) }
                    }
                }
            }
        }
    }
}
