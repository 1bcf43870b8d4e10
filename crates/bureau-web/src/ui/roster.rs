//! The roster: groups by kind with their focal points and standing, the members, and the
//! composition review (start one, see the groups with no attendance since the last one,
//! decide per group, record it).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::{
    Applied, Decision, Edit, Fields, Finding, FindingKind, Group, GroupFields, GroupKind,
    GroupStatus, MeetingStatus, Member, MemberFields, RecordType, Review, ReviewFields,
    ReviewStatus,
};
use jiff::ToSpan;
use jiff::civil::Date;
use maud::{Markup, html};

use super::findings;
use super::forms::{
    Form, FormData, FormErrors, Input, keep_changed, keep_changed_text, language_options,
    languages_from, set_edit,
};
use super::layout::{self, Section, query_param};
use super::pager::Pager;
use super::seg;
use super::{Outcome, View, error_page, not_found, read_form, see_other, submit};

fn group_findings<'v>(v: &'v View, id: &str) -> Vec<&'v Finding> {
    v.st.findings
        .iter()
        .filter(|f| findings::concerns(f, RecordType::Group, id))
        .collect()
}

fn status_badge(v: &View, status: GroupStatus) -> Markup {
    let class = match status {
        GroupStatus::Active => "badge ok",
        GroupStatus::Inactive => "badge muted",
        GroupStatus::Removed => "badge warn",
    };
    html! { span class=(class) { (v.tr.t(&format!("group-status-{}", status.as_str()))) } }
}

/// The last recorded review, if any.
fn last_review(v: &View) -> Option<(&Review, Date)> {
    v.snap()
        .reviews
        .values()
        .map(|r| &**r)
        .filter(|r| !r.stamp.archived && r.status == ReviewStatus::Recorded)
        .filter_map(|r| r.date.parse::<Date>().ok().map(|d| (r, d)))
        .max_by(|a, b| (a.1, &a.0.id).cmp(&(b.1, &b.0.id)))
}

/// When each group last attended (or organised) a live meeting that has started.
fn last_attended(v: &View) -> BTreeMap<&str, Date> {
    let mut out: BTreeMap<&str, Date> = BTreeMap::new();
    for m in v.snap().meetings.values() {
        if m.stamp.archived || m.status == MeetingStatus::Cancelled {
            continue;
        }
        let Some(start) = v.zoned(&m.start) else {
            continue;
        };
        if start.timestamp() > v.now {
            continue;
        }
        for g in m.groups.iter().chain(std::iter::once(&m.organiser)) {
            let d = start.date();
            let e = out.entry(g.as_str()).or_insert(d);
            if d > *e {
                *e = d;
            }
        }
    }
    out
}

fn names(v: &View, ids: &[String]) -> String {
    let mut names: Vec<String> = ids.iter().map(|id| v.member_name(id)).collect();
    names.sort();
    v.tr.list(&names)
}

fn review_section(v: &View, values: &FormData, errors: &FormErrors) -> Markup {
    let tr = v.tr;
    let last = last_review(v);
    let interval = i64::from(v.snap().meta.review_interval_days);
    let due = last.and_then(|(_, d)| d.checked_add(interval.days()).ok());
    let overdue =
        v.st.findings
            .iter()
            .any(|f| f.kind == FindingKind::ReviewOverdue);
    let mut open: Vec<&Review> = v
        .snap()
        .reviews
        .values()
        .map(|r| &**r)
        .filter(|r| !r.stamp.archived && r.status == ReviewStatus::Open)
        .collect();
    open.sort_by(|a, b| b.date.cmp(&a.date));
    let n_inactive =
        v.st.findings
            .iter()
            .filter(|f| f.kind == FindingKind::GroupInactive)
            .count();
    let form = Form::new(tr, values, errors);
    html! {
        h2 #review-h { (tr.t("review-title")) }
        ul.facts-list {
            li {
                @match last {
                    Some((r, d)) => { (tr.t("review-last")) " " a href={"/roster/reviews/" (seg(&r.id))} { (tr.date_long(d)) } }
                    None => { (tr.t("review-none")) }
                }
            }
            @if let Some(due) = due {
                li { (tr.ta("review-next-due", &[("date", tr.date_long(due).into())])) @if overdue { " " span.badge.warn { (tr.t("review-overdue")) } } }
            }
            @if last.is_some() {
                li { (tr.ta("review-inactive-groups", &[("n", n_inactive.into())])) }
            }
        }
        @for r in &open {
            p {
                a.button href={"/roster/reviews/" (seg(&r.id))} {
                    (tr.ta("review-continue", &[("date", r.date.parse::<Date>().map(|d| tr.date_long(d)).unwrap_or_else(|_| r.date.clone()).into())]))
                }
            }
        }
        form.inline method="post" action="/roster/reviews" novalidate {
            (form.summary())
            (form.input(Input::Date, "date", &tr.t("review-date"), true, None))
            div.buttons { button type="submit" { (tr.t("review-start")) } }
        }
    }
}

/// The groups of a kind, by name.
fn sorted_groups(v: &View, kind: GroupKind, show_archived: bool) -> Vec<&Group> {
    let mut groups: Vec<&Group> = v
        .snap()
        .groups
        .values()
        .map(|r| &**r)
        .filter(|g| g.kind == kind && (show_archived || !g.stamp.archived))
        .collect();
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    groups
}

/// The names of the live groups a member is a focal point of, sorted.
fn focal_point_of<'v>(v: &'v View, member: &str) -> Vec<&'v str> {
    let mut of: Vec<&str> = v
        .snap()
        .groups
        .values()
        .filter(|g| !g.stamp.archived && g.focal_points.iter().any(|f| f == member))
        .map(|g| g.name.as_str())
        .collect();
    of.sort_unstable();
    of
}

/// The groups to list, kind by kind and by name within a kind.
fn listed_groups(v: &View, show_archived: bool) -> Vec<&Group> {
    GroupKind::ALL
        .iter()
        .flat_map(|kind| sorted_groups(v, *kind, show_archived))
        .collect()
}

fn groups_section(v: &View, show_archived: bool) -> Markup {
    let tr = v.tr;
    let all = listed_groups(v, show_archived);
    let pager = Pager::new(v, "groups_page", all.len());
    let shown = pager.slice(&all);
    html! {
        div.section-head {
            h2 #groups-h { (tr.t("groups-title")) }
            a href=(if show_archived { "/roster" } else { "/roster?archived=1" }) {
                (if show_archived { tr.t("hide-archived") } else { tr.t("show-archived") })
            }
        }
        @for kind in GroupKind::ALL {
            @let groups: Vec<&Group> = shown.iter().copied().filter(|g| g.kind == *kind).collect();
            @if !groups.is_empty() {
                @let hid = format!("kind-{}", kind.as_str());
                @let of_kind = all.iter().filter(|g| g.kind == *kind).count();
                h3 id=(hid) { (tr.t(&format!("group-kind-plural-{}", kind.as_str()))) " " span.count { (of_kind) } }
                div.scroll tabindex="0" role="region" aria-labelledby=(hid) {
                    table.stack {
                        thead { tr {
                            th scope="col" { (tr.t("field-group")) }
                            th scope="col" { (tr.t("field-focal-points")) }
                            th scope="col" { (tr.t("field-status")) }
                            th scope="col" { (tr.t("field-attention")) }
                        } }
                        tbody {
                            @for g in &groups {
                                tr {
                                    th scope="row" dir="auto" {
                                        a href={"/roster/groups/" (seg(&g.id))} { (g.name) }
                                        @if g.stamp.archived { " " span.badge.muted { (tr.t("archived-mark")) } }
                                    }
                                    td dir="auto" data-label=(tr.t("field-focal-points")) { (names(v, &g.focal_points)) }
                                    td data-label=(tr.t("field-status")) { (status_badge(v, g.status)) }
                                    td data-label=(tr.t("field-attention")) {
                                        @for f in group_findings(v, &g.id) {
                                            span.badge.warn { (tr.t(&format!("kind-{}", findings::kind_name(f.kind)))) } " "
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (pager.nav(v, "/roster", &tr.t("groups-title")))
    }
}

fn members_section(v: &View, show_archived: bool) -> Markup {
    let tr = v.tr;
    let snap = v.snap();
    let mut members: Vec<&Member> = snap
        .members
        .values()
        .map(|r| &**r)
        .filter(|m| show_archived || !m.stamp.archived)
        .collect();
    members.sort_by(|a, b| a.name.cmp(&b.name));
    let pager = Pager::new(v, "members_page", members.len());
    html! {
        h2 #members-h { (tr.t("members-title")) " " span.count { (members.len()) } }
        div.scroll tabindex="0" role="region" aria-labelledby="members-h" {
            table.stack {
                thead { tr {
                    th scope="col" { (tr.t("field-name")) }
                    th scope="col" { (tr.t("field-organisation")) }
                    th scope="col" { (tr.t("field-languages")) }
                    th scope="col" { (tr.t("field-contact")) }
                    th scope="col" { (tr.t("field-focal-point-of")) }
                } }
                tbody {
                    @for m in pager.slice(&members) {
                        @let of = focal_point_of(v, &m.id);
                        tr {
                            th scope="row" dir="auto" {
                                a href={"/roster/members/" (seg(&m.id))} { (m.name) }
                                @if m.stamp.archived { " " span.badge.muted { (tr.t("archived-mark")) } }
                            }
                            td dir="auto" data-label=(tr.t("field-organisation")) { (m.organisation) }
                            td data-label=(tr.t("field-languages")) { (m.languages.join(" ")) }
                            td.contact data-label=(tr.t("field-contact")) {
                                @if !m.email.is_empty() { a href={"mailto:" (m.email)} { (m.email) } }
                                @if !m.email.is_empty() && !m.phone.is_empty() { br; }
                                @if !m.phone.is_empty() { span dir="ltr" { (m.phone) } }
                            }
                            td dir="auto" data-label=(tr.t("field-focal-point-of")) { (tr.list(&of)) }
                        }
                    }
                }
            }
        }
        (pager.nav(v, "/roster", &tr.t("members-title")))
    }
}

fn roster_page(v: &View, review_values: &FormData, review_errors: &FormErrors) -> Response {
    let tr = v.tr;
    let show_archived = query_param(v, "archived").is_some();
    let status = if review_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = tr.t("roster-title");
    let body = html! {
        div.page-head {
            h1 { (title) }
            div.actions {
                a.button href="/roster/groups/new" { (tr.t("group-new")) }
                a.button.secondary href="/roster/members/new" { (tr.t("member-new")) }
            }
        }
        section.card #review data-live aria-labelledby="review-h" { (review_section(v, review_values, review_errors)) }
        section #groups data-live aria-labelledby="groups-h" { (groups_section(v, show_archived)) }
        section #members data-live { (members_section(v, show_archived)) }
    };
    v.render(status, layout::page(v, Section::Roster, &title, body))
}

/// `GET /roster`.
pub(crate) async fn page(v: View) -> Response {
    let mut values = FormData::default();
    values.push("date", v.today().to_string());
    roster_page(&v, &values, &FormErrors::default())
}

// ---- groups -----------------------------------------------------------------------------

fn group_values(g: &Group) -> FormData {
    let mut f = FormData::default();
    f.push("name", &g.name);
    f.push("kind", g.kind.as_str());
    f.push("status", g.status.as_str());
    f.push_all("focal_points", &g.focal_points);
    f
}

fn group_fields(v: &View, form: &FormData, errors: &mut FormErrors) -> GroupFields {
    let kind = GroupKind::parse(&form.text("kind")).ok();
    if kind.is_none() {
        errors.add("kind", v.tr.t("err-choice"));
    }
    let status = GroupStatus::parse(&form.text("status")).ok();
    if status.is_none() {
        errors.add("status", v.tr.t("err-choice"));
    }
    GroupFields {
        name: Some(form.text("name").trim().to_owned()),
        kind,
        status,
        focal_points: Some(form.all("focal_points")),
    }
}

fn group_page_with(
    v: &View,
    existing: Option<&Group>,
    values: &FormData,
    errors: &FormErrors,
) -> Response {
    let tr = v.tr;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = existing.map_or_else(|| tr.t("group-new"), |g| g.name.clone());
    let form = Form::new(tr, values, errors);
    let kinds: Vec<(String, String)> = GroupKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_owned(),
                tr.t(&format!("group-kind-{}", k.as_str())),
            )
        })
        .collect();
    let statuses: Vec<(String, String)> = GroupStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_owned(),
                tr.t(&format!("group-status-{}", s.as_str())),
            )
        })
        .collect();
    let mut members: Vec<(String, String)> = v
        .snap()
        .members
        .values()
        .filter(|m| !m.stamp.archived || values.has("focal_points", &m.id))
        .map(|m| (m.id.clone(), m.name.clone()))
        .collect();
    members.sort_by(|a, b| a.1.cmp(&b.1));
    let action = existing.map_or_else(
        || "/roster/groups".to_owned(),
        |g| format!("/roster/groups/{}", seg(&g.id)),
    );
    let body = html! {
        p.crumbs { a href="/roster" { (tr.t("roster-title")) } }
        h1 dir="auto" { (title) }
        @if existing.is_some_and(|g| g.stamp.archived) { p.notice.warn { (tr.t("record-archived")) } }
        div.with-aside {
            form.record method="post" action=(action) novalidate {
                (form.summary())
                (form.originals())
                (form.input(Input::Text, "name", &tr.t("field-name"), true, None))
                div.row {
                    (form.select("kind", &tr.t("field-kind"), &kinds, None))
                    (form.select("status", &tr.t("field-status"), &statuses, None))
                }
                (form.checkboxes("focal_points", &tr.t("field-focal-points"), &members, None))
                div.buttons {
                    button type="submit" { (if existing.is_some() { tr.t("save") } else { tr.t("group-create") }) }
                    a href="/roster" { (tr.t("cancel")) }
                }
            }
            @if let Some(g) = existing {
                aside.side {
                    section #group-findings data-live aria-labelledby="gf-h" {
                        h2 #gf-h { (tr.t("record-findings")) }
                        @let fs = group_findings(v, &g.id);
                        @if fs.is_empty() { p.ok-note { (tr.t("record-no-findings")) } }
                        (findings::list(v, &fs, Some((RecordType::Group, &g.id))))
                    }
                    section #group-history data-live aria-labelledby="gh-h" {
                        h2 #gh-h { (tr.t("group-status-history")) }
                        ol.timeline {
                            @for c in g.status_history.iter().rev() {
                                li {
                                    (tr.t(&format!("status-event-{}", c.status.as_str())))
                                    " · " (v.zoned(&c.at).map(|z| tr.date_long(z.date())).unwrap_or_default())
                                    " · " (v.member_name(&c.by))
                                }
                            }
                        }
                    }
                    (layout::record_tools(v, RecordType::Group, &g.id, g.stamp.archived))
                }
            }
        }
    };
    v.render(status, layout::page(v, Section::Roster, &title, body))
}

/// `GET /roster/groups/new`.
pub(crate) async fn new_group(v: View) -> Response {
    let mut values = FormData::default();
    values.push("kind", GroupKind::Caucus.as_str());
    values.push("status", GroupStatus::Active.as_str());
    group_page_with(&v, None, &values, &FormErrors::default())
}

/// `GET /roster/groups/{id}`.
pub(crate) async fn group_page(v: View, Path(id): Path<String>) -> Response {
    let Some(g) = v.snap().groups.get(&id) else {
        return not_found(&v);
    };
    let values = group_values(g).with_originals(&[]);
    group_page_with(&v, Some(g), &values, &FormErrors::default())
}

/// `POST /roster/groups`.
pub(crate) async fn create_group(v: View, raw: Result<Bytes, BytesRejection>) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let mut errors = FormErrors::default();
    let fields = group_fields(&v, &form, &mut errors);
    if !errors.is_empty() {
        return group_page_with(&v, None, &form, &errors);
    }
    match submit(&v, Edit::Create(Fields::Group(fields)), &|f| f.to_owned()).await {
        Outcome::Done(Applied::Record(_, id)) => {
            see_other(&format!("/roster/groups/{}?done=created", seg(&id)))
        }
        Outcome::Done(_) => see_other("/roster"),
        Outcome::Invalid(errors) => group_page_with(&v, None, &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

/// `POST /roster/groups/{id}`.
pub(crate) async fn update_group(
    v: View,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let Some(g) = v.snap().groups.get(&id) else {
        return not_found(&v);
    };
    let mut errors = FormErrors::default();
    let mut fields = group_fields(&v, &form, &mut errors);
    if !errors.is_empty() {
        return group_page_with(&v, Some(g), &form, &errors);
    }
    // Only what the user changed in the form is written (see `FormData::shown`).
    let shown = group_fields(
        &v,
        &form.shown(|| group_values(g), &[]),
        &mut FormErrors::default(),
    );
    keep_changed(&mut fields.name, &shown.name);
    keep_changed(&mut fields.kind, &shown.kind);
    keep_changed(&mut fields.status, &shown.status);
    fields.focal_points = set_edit(fields.focal_points, shown.focal_points, &g.focal_points);
    let edit = Edit::Update {
        id: id.clone(),
        fields: Fields::Group(fields),
    };
    match submit(&v, edit, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other(&format!("/roster/groups/{}?done=saved", seg(&id))),
        Outcome::Invalid(errors) => group_page_with(&v, Some(g), &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

// ---- members ----------------------------------------------------------------------------

fn member_values(m: &Member) -> FormData {
    let mut f = FormData::default();
    f.push("name", &m.name);
    f.push("organisation", &m.organisation);
    f.push("email", &m.email);
    f.push("phone", &m.phone);
    f.push_all("languages", &m.languages);
    f
}

fn member_fields(form: &FormData) -> MemberFields {
    MemberFields {
        name: Some(form.text("name").trim().to_owned()),
        organisation: Some(form.text("organisation").trim().to_owned()),
        email: Some(form.text("email").trim().to_owned()),
        phone: Some(form.text("phone").trim().to_owned()),
        languages: Some(languages_from(form, "languages")),
    }
}

fn member_page_with(
    v: &View,
    existing: Option<&Member>,
    values: &FormData,
    errors: &FormErrors,
) -> Response {
    let tr = v.tr;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = existing.map_or_else(|| tr.t("member-new"), |m| m.name.clone());
    let form = Form::new(tr, values, errors);
    let in_use = v
        .snap()
        .members
        .values()
        .flat_map(|m| m.languages.iter().cloned());
    let langs = language_options(tr, in_use);
    let action = existing.map_or_else(
        || "/roster/members".to_owned(),
        |m| format!("/roster/members/{}", seg(&m.id)),
    );
    let body = html! {
        p.crumbs { a href="/roster" { (tr.t("roster-title")) } }
        h1 dir="auto" { (title) }
        @if existing.is_some_and(|m| m.stamp.archived) { p.notice.warn { (tr.t("record-archived")) } }
        div.with-aside {
            form.record method="post" action=(action) novalidate {
                (form.summary())
                (form.originals())
                (form.input(Input::Text, "name", &tr.t("field-name"), true, None))
                (form.input(Input::Text, "organisation", &tr.t("field-organisation"), false, None))
                div.row {
                    (form.input(Input::Email, "email", &tr.t("field-email"), false, None))
                    (form.input(Input::Tel, "phone", &tr.t("field-phone"), false, None))
                }
                (form.checkboxes("languages", &tr.t("field-languages"), &langs, None))
                (form.input(Input::Text, "languages_other", &tr.t("field-languages-other"), false, Some(&tr.t("hint-language-codes"))))
                div.buttons {
                    button type="submit" { (if existing.is_some() { tr.t("save") } else { tr.t("member-create") }) }
                    a href="/roster" { (tr.t("cancel")) }
                }
            }
            @if let Some(m) = existing {
                aside.side {
                    (layout::record_tools(v, RecordType::Member, &m.id, m.stamp.archived))
                }
            }
        }
    };
    v.render(status, layout::page(v, Section::Roster, &title, body))
}

/// `GET /roster/members/new`.
pub(crate) async fn new_member(v: View) -> Response {
    member_page_with(&v, None, &FormData::default(), &FormErrors::default())
}

/// `GET /roster/members/{id}`.
pub(crate) async fn member_page(v: View, Path(id): Path<String>) -> Response {
    let Some(m) = v.snap().members.get(&id) else {
        return not_found(&v);
    };
    let values = member_values(m).with_originals(&[]);
    member_page_with(&v, Some(m), &values, &FormErrors::default())
}

/// `POST /roster/members`.
pub(crate) async fn create_member(v: View, raw: Result<Bytes, BytesRejection>) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let edit = Edit::Create(Fields::Member(member_fields(&form)));
    match submit(&v, edit, &|f| f.to_owned()).await {
        Outcome::Done(Applied::Record(_, id)) => {
            see_other(&format!("/roster/members/{}?done=created", seg(&id)))
        }
        Outcome::Done(_) => see_other("/roster"),
        Outcome::Invalid(errors) => member_page_with(&v, None, &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

/// `POST /roster/members/{id}`.
pub(crate) async fn update_member(
    v: View,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let Some(m) = v.snap().members.get(&id) else {
        return not_found(&v);
    };
    let mut fields = member_fields(&form);
    let shown = member_fields(&form.shown(|| member_values(m), &[]));
    keep_changed(&mut fields.name, &shown.name);
    keep_changed(&mut fields.organisation, &shown.organisation);
    keep_changed(&mut fields.email, &shown.email);
    keep_changed(&mut fields.phone, &shown.phone);
    fields.languages = set_edit(fields.languages, shown.languages, &m.languages);
    let edit = Edit::Update {
        id: id.clone(),
        fields: Fields::Member(fields),
    };
    match submit(&v, edit, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other(&format!("/roster/members/{}?done=saved", seg(&id))),
        Outcome::Invalid(errors) => member_page_with(&v, Some(m), &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

// ---- composition reviews ----------------------------------------------------------------

/// `POST /roster/reviews`: starts a review on a date.
pub(crate) async fn start_review(v: View, raw: Result<Bytes, BytesRejection>) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let fields = ReviewFields {
        date: Some(form.text("date").trim().to_owned()),
        status: Some(ReviewStatus::Open),
        decisions: None,
        notes: None,
    };
    match submit(&v, Edit::Create(Fields::Review(fields)), &|f| f.to_owned()).await {
        Outcome::Done(Applied::Record(_, id)) => {
            see_other(&format!("/roster/reviews/{}?done=created", seg(&id)))
        }
        Outcome::Done(_) => see_other("/roster"),
        Outcome::Invalid(errors) => roster_page(&v, &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

/// The review's long text, carried by its form as a digest.
const REVIEW_DIGESTED: &[&str] = &["notes"];

fn decision_key(group: &str) -> String {
    format!("d-{group}")
}

fn review_values(r: &Review) -> FormData {
    let mut f = FormData::default();
    for (g, d) in &r.decisions {
        f.push(&decision_key(g), d.as_str());
    }
    f.push("notes", &r.notes);
    f
}

fn review_page_with(v: &View, r: &Review, values: &FormData, errors: &FormErrors) -> Response {
    let tr = v.tr;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let date = r
        .date
        .parse::<Date>()
        .map_or_else(|_| r.date.clone(), |d| tr.date_long(d));
    let title = tr.ta("review-of", &[("date", date.into())]);
    let snap = v.snap();
    let since = last_review(v).filter(|(lr, _)| lr.id != r.id);
    let inactive: Vec<&str> =
        v.st.findings
            .iter()
            .filter(|f| f.kind == FindingKind::GroupInactive)
            .flat_map(|f| {
                f.refs
                    .iter()
                    .filter(|x| x.ty == RecordType::Group)
                    .map(|x| x.id.as_str())
            })
            .collect();
    let mut groups: Vec<&Group> = snap
        .groups
        .values()
        .map(|r| &**r)
        .filter(|g| !g.stamp.archived || r.decisions.contains_key(&g.id))
        .collect();
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    let (quiet, others): (Vec<&Group>, Vec<&Group>) = groups
        .into_iter()
        .partition(|g| inactive.contains(&g.id.as_str()));
    let attended = last_attended(v);
    let form = Form::new(tr, values, errors);
    let decisions: Vec<(String, String)> = Decision::ALL
        .iter()
        .map(|d| {
            (
                d.as_str().to_owned(),
                tr.t(&format!("decision-{}", d.as_str())),
            )
        })
        .collect();
    let group_block = |g: &Group| {
        let legend = html! {
            span dir="auto" { (g.name) } " "
            span.small {
                (tr.t(&format!("group-kind-{}", g.kind.as_str()))) " · "
                (tr.t(&format!("group-status-{}", g.status.as_str()))) " · "
                @match attended.get(g.id.as_str()) {
                    Some(d) => { (tr.ta("review-last-attended", &[("date", tr.date_long(*d).into())])) }
                    None => { (tr.t("review-never-attended")) }
                }
            }
        };
        form.radios(&decision_key(&g.id), legend, &decisions)
    };
    let body = html! {
        p.crumbs { a href="/roster" { (tr.t("roster-title")) } }
        h1 { (title) }
        p.lead {
            @if r.status == ReviewStatus::Recorded { span.badge.ok { (tr.t("review-recorded")) } }
            @else { span.badge.info { (tr.t("review-open")) } }
            " "
            @match since {
                Some((lr, d)) => { (tr.ta("review-since", &[("date", tr.date_long(d).into())])) " " a href={"/roster/reviews/" (seg(&lr.id))} { (tr.t("review-see-last")) } }
                None => { (tr.t("review-first")) }
            }
        }
        @if r.status == ReviewStatus::Recorded {
            div.scroll tabindex="0" role="region" aria-labelledby="decisions-h" {
                table {
                    caption #decisions-h { (tr.t("review-decisions")) }
                    thead { tr { th scope="col" { (tr.t("field-group")) } th scope="col" { (tr.t("field-decision")) } } }
                    tbody {
                        @for (gid, d) in &r.decisions {
                            tr {
                                th scope="row" dir="auto" { a href={"/roster/groups/" (seg(gid))} { (v.record_name(RecordType::Group, gid)) } }
                                td { (tr.t(&format!("decision-{}", d.as_str()))) }
                            }
                        }
                    }
                }
            }
            @if !r.notes.is_empty() { h2 { (tr.t("field-notes")) } p.prose dir="auto" { (r.notes) } }
        } @else {
            form.record.wide method="post" action={"/roster/reviews/" (seg(&r.id))} novalidate {
                (form.summary())
                (form.originals())
                section aria-labelledby="quiet-h" {
                    h2 #quiet-h { (tr.t("review-quiet-groups")) " " span.count { (quiet.len()) } }
                    @if quiet.is_empty() { p.empty { (tr.t("review-no-quiet-groups")) } }
                    @for g in &quiet { (group_block(g)) }
                }
                section aria-labelledby="others-h" {
                    h2 #others-h { (tr.t("review-other-groups")) " " span.count { (others.len()) } }
                    @for g in &others { (group_block(g)) }
                }
                (form.textarea("notes", &tr.t("field-notes"), 4, None))
                div.buttons {
                    button type="submit" name="action" value="save" class="secondary" { (tr.t("review-save")) }
                    button type="submit" name="action" value="record" { (tr.t("review-record")) }
                }
                p.hint { (tr.t("review-record-hint")) }
            }
        }
        (layout::record_tools(v, RecordType::Review, &r.id, r.stamp.archived))
    };
    v.render(status, layout::page(v, Section::Roster, &title, body))
}

/// `GET /roster/reviews/{id}`.
pub(crate) async fn review_page(v: View, Path(id): Path<String>) -> Response {
    let Some(r) = v.snap().reviews.get(&id) else {
        return not_found(&v);
    };
    let values = review_values(r).with_originals(REVIEW_DIGESTED);
    review_page_with(&v, r, &values, &FormErrors::default())
}

/// `POST /roster/reviews/{id}`: saves the decisions, and records the review when asked.
pub(crate) async fn update_review(
    v: View,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let Some(r) = v.snap().reviews.get(&id) else {
        return not_found(&v);
    };
    // Only the decisions and notes the user changed in the form are written.
    let shown = form.shown(|| review_values(r), REVIEW_DIGESTED);
    let decision = |f: &FormData, g: &str| {
        f.get(&decision_key(g))
            .and_then(|d| Decision::parse(d).ok())
    };
    let mut decisions = BTreeMap::new();
    for g in v.snap().groups.keys() {
        if let Some(d) = decision(&form, g)
            && decision(&shown, g) != Some(d)
        {
            decisions.insert(g.clone(), d);
        }
    }
    let mut notes = Some(super::schedule::unix_newlines(&form.text("notes")));
    keep_changed_text(&mut notes, &shown, "notes");
    let record = form.get("action") == Some("record");
    let fields = ReviewFields {
        date: None,
        status: record.then_some(ReviewStatus::Recorded),
        decisions: (!decisions.is_empty()).then_some(decisions),
        notes,
    };
    let field_of = |f: &str| {
        if f == "decisions" {
            "notes".to_owned()
        } else {
            f.to_owned()
        }
    };
    let edit = Edit::Update {
        id: id.clone(),
        fields: Fields::Review(fields),
    };
    match submit(&v, edit, &field_of).await {
        Outcome::Done(_) => {
            let done = if record { "recorded" } else { "saved" };
            see_other(&format!("/roster/reviews/{}?done={done}", seg(&id)))
        }
        Outcome::Invalid(errors) => review_page_with(&v, r, &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}
