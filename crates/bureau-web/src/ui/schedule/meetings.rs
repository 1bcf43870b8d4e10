//! The meeting form: its fields from a meeting and from a submitted form (with each error
//! beside its field), and its page.
//!
//! Times are entered as civil times in the venue's time zone, which the model stores with the
//! zone's offset.

use super::*;
use crate::ui::picker::picker;
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
    f.push_flag("public", m.public);
    f
}

/// The resources of a meeting form: each listed one (`res-N`, in the state `res-N-state`)
/// unless `res-N-remove` is ticked, and the one typed in `res-new` (`res-new-state`).
fn resources_from(
    form: &FormData,
    errors: &mut FormErrors,
    tr: crate::ui::i18n::Tr,
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
    tr: crate::ui::i18n::Tr,
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
        public: Some(form.checked("public")),
        // Seated on the interpretation plan's own form.
        booths: None,
    }
}

/// The resources part of the meeting form: each resource with its state and a box to remove
/// it, then a line to add one.
fn resources_fieldset(form: &Form<'_>, values: &FormData) -> Markup {
    let tr = form.tr;
    let states = choices(
        tr,
        ResourceState::ALL,
        ResourceState::as_str,
        "resource-state",
    );
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
pub(super) fn resources_line(v: &View, m: &Meeting) -> String {
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

fn meeting_form(v: &View, existing: Option<&Meeting>, form: Form<'_>) -> Markup {
    let tr = v.tr;
    let values = form.values;
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
    let kinds = choices(tr, MeetingKind::ALL, MeetingKind::as_str, "meeting-kind");
    let statuses = choices(
        tr,
        MeetingStatus::ALL,
        MeetingStatus::as_str,
        "meeting-status",
    );
    let action = form_action(RecordType::Meeting, existing.map(|m| m.id.as_str()));
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
            (picker(&form, "groups", &tr.t("field-groups"), &groups, None))
            (picker(&form, "members", &tr.t("field-members"), &members, None))
            (resources_fieldset(&form, values))
            (form.textarea("agenda", &tr.t("field-agenda"), 5, None))
            (form.checkbox("public", &tr.t("field-public"), Some(&tr.t("hint-public"))))
            div.buttons {
                button type="submit" { (if existing.is_some() { tr.t("save") } else { tr.t("meeting-create") }) }
                a href="/schedule" { (tr.t("cancel")) }
            }
        }
    }
}

fn meeting_page(v: &View, existing: Option<&Meeting>, form: Form<'_>) -> Markup {
    let tr = v.tr;
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
            (meeting_form(v, existing, form))
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
    layout::page(v, Section::Schedule, &title, body)
}

/// The form field of a model field: a refused resource is the one being added (those listed
/// were accepted before); a contested one is the state of its line.
fn meeting_field(field: &str, form: &FormData) -> String {
    let Some(rest) = field.strip_prefix("resources") else {
        return field.to_owned();
    };
    let line = rest.strip_prefix('.').and_then(|name| {
        (0..)
            .map(|i| format!("res-{i}"))
            .take_while(|key| form.get(key).is_some())
            .find(|key| form.get(key).map(str::trim) == Some(name))
    });
    line.map_or_else(|| "res-new".to_owned(), |key| format!("{key}-state"))
}

/// The meeting form.
pub(crate) struct MeetingForm;

impl RecordForm for MeetingForm {
    type Fields = MeetingFields;
    type Record = Meeting;
    const TYPE: RecordType = RecordType::Meeting;

    fn records(snap: &Snapshot) -> &Records<Meeting> {
        &snap.meetings
    }
    fn id(m: &Meeting) -> &str {
        &m.id
    }
    fn stamp(m: &Meeting) -> &Stamp {
        &m.stamp
    }
    fn values(v: &View, m: &Meeting) -> FormData {
        meeting_values(v, m)
    }
    /// `?day=` and `?room=` choose the day and room (from the timetable's empty slots).
    fn new_values(v: &View) -> FormData {
        let mut values = FormData::default();
        values.push("kind", MeetingKind::Other.as_str());
        values.push("status", MeetingStatus::Proposed.as_str());
        let day = query_param(v, "day")
            .and_then(|d| d.parse::<Date>().ok())
            .unwrap_or_else(|| v.today());
        values.push("date", day.to_string());
        values.push("room_id", query_param(v, "room").unwrap_or_default());
        values.push_flag("public", true);
        values
    }
    fn fields(v: &View, form: &FormData, errors: &mut FormErrors) -> MeetingFields {
        meeting_fields(v, form, errors)
    }
    fn wrap(fields: MeetingFields) -> Fields {
        Fields::Meeting(fields)
    }
    fn form_field(field: &str, form: &FormData) -> String {
        meeting_field(field, form)
    }
    fn value_text(v: &View, field: &str, value: &Value) -> String {
        let tr = v.tr;
        let text = value.as_str().unwrap_or_default();
        match field {
            "kind" => tr.t(&format!("meeting-kind-{text}")),
            "status" => tr.t(&format!("meeting-status-{text}")),
            "start" | "end" => match text.parse::<jiff::civil::DateTime>() {
                Ok(at) => format!("{} {}", tr.date_long(at.date()), tr.time(at.time())),
                Err(_) => plain_text(v, value),
            },
            "room_id" if !text.is_empty() => v.record_name(RecordType::Room, text),
            "organiser" if !text.is_empty() => v.record_name(RecordType::Group, text),
            "members" => names_of(v, value),
            "booths" => crate::ui::interpretation::booths_text(v, value),
            "groups" | "languages" => {
                let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
                let words: Vec<String> = items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|id| match field {
                        "groups" => v.record_name(RecordType::Group, id),
                        _ => tr.language(id),
                    })
                    .collect();
                tr.list(&words)
            }
            f if f.starts_with("resources.") && !text.is_empty() => {
                tr.t(&format!("resource-state-{text}"))
            }
            _ => plain_text(v, value),
        }
    }
    fn page(v: &View, existing: Option<&Meeting>, form: Form<'_>) -> Markup {
        meeting_page(v, existing, form)
    }
}
