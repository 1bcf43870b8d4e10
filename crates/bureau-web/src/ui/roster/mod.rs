//! The roster: groups by kind with their focal points and standing, the members, and the
//! composition review (start one, see the groups with no attendance since the last one,
//! decide per group, record it).
//!
//! This file holds the roster's lists and the group and member forms; the review is in
//! [`reviews`].

mod reviews;

use reviews::review_section;
pub(crate) use reviews::{ReviewForm, show_review, start_review, update_review};

use std::collections::BTreeMap;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::{
    Applied, Decision, Edit, Fields, Finding, FindingKind, Group, GroupFields, GroupKind,
    GroupStatus, MeetingStatus, Member, MemberFields, RecordType, Records, Review, ReviewFields,
    ReviewStatus, Snapshot, Stamp,
};
use jiff::ToSpan;
use jiff::civil::Date;
use maud::{Markup, html};
use serde_json::Value;

use super::findings;
use super::forms::{Form, FormData, FormErrors, Input, choices, language_options, languages_from};
use super::layout::{self, Section, query_param};
use super::pager::Pager;
use super::record::{RecordForm, language_names, names_of, plain_text};
use super::{
    Outcome, View, collection_url, error_page, form_action, not_found, record_url, see_other,
    submit,
};

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

fn names(v: &View, ids: &[String]) -> String {
    let mut names: Vec<String> = ids.iter().map(|id| v.member_name(id)).collect();
    names.sort();
    v.tr.list(&names)
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
                        (layout::column_heads(tr, &["field-group", "field-focal-points", "field-status", "field-attention"]))
                        tbody {
                            @for g in &groups {
                                tr {
                                    th scope="row" dir="auto" {
                                        a href=(record_url(RecordType::Group, &g.id)) { (g.name) }
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
                (layout::column_heads(tr, &["field-name", "field-organisation", "field-languages", "field-contact", "field-focal-point-of"]))
                tbody {
                    @for m in pager.slice(&members) {
                        @let of = focal_point_of(v, &m.id);
                        tr {
                            th scope="row" dir="auto" {
                                a href=(record_url(RecordType::Member, &m.id)) { (m.name) }
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
                a.button href={(collection_url(RecordType::Group)) "/new"} { (tr.t("group-new")) }
                a.button.secondary href={(collection_url(RecordType::Member)) "/new"} { (tr.t("member-new")) }
                a.button.secondary href=(super::spreadsheets::URL) { (tr.t("spreadsheets-link")) }
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

fn group_page(v: &View, existing: Option<&Group>, form: Form<'_>) -> Markup {
    let tr = v.tr;
    let values = form.values;
    let title = existing.map_or_else(|| tr.t("group-new"), |g| g.name.clone());
    let kinds = choices(tr, GroupKind::ALL, GroupKind::as_str, "group-kind");
    let statuses = choices(tr, GroupStatus::ALL, GroupStatus::as_str, "group-status");
    let mut members: Vec<(String, String)> = v
        .snap()
        .members
        .values()
        .filter(|m| !m.stamp.archived || values.has("focal_points", &m.id))
        .map(|m| (m.id.clone(), m.name.clone()))
        .collect();
    members.sort_by(|a, b| a.1.cmp(&b.1));
    let action = form_action(RecordType::Group, existing.map(|g| g.id.as_str()));
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
                (super::picker::picker(&form, "focal_points", &tr.t("field-focal-points"), &members, None))
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
        @if let Some(g) = existing { (super::schedule::group_meetings(v, &g.id)) }
    };
    layout::page(v, Section::Roster, &title, body)
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

fn member_page(v: &View, existing: Option<&Member>, form: Form<'_>) -> Markup {
    let tr = v.tr;
    let title = existing.map_or_else(|| tr.t("member-new"), |m| m.name.clone());
    let in_use = v
        .snap()
        .members
        .values()
        .flat_map(|m| m.languages.iter().cloned());
    let langs = language_options(tr, in_use);
    let action = form_action(RecordType::Member, existing.map(|m| m.id.as_str()));
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
                    @if !m.stamp.archived { (merge_form(v, m)) }
                    (crate::ui::settings::feed_link(v, &crate::feeds::Feed::Member(&m.id)))
                }
            }
        }
    };
    layout::page(v, Section::Roster, &title, body)
}

/// Merging this member into another who is the same person (a duplicate made by a join, say):
/// every reference moves to the other, and this one is archived.
fn merge_form(v: &View, m: &Member) -> Markup {
    let tr = v.tr;
    let mut others: Vec<&Member> = v
        .snap()
        .members
        .values()
        .filter(|o| o.id != m.id && !o.stamp.archived)
        .map(|o| &**o)
        .collect();
    others.sort_by_key(|o| o.name.to_lowercase());
    html! {
        @if !others.is_empty() {
            section.merge aria-labelledby="merge-h" {
                h2 #merge-h { (tr.t("member-merge-title")) }
                p.hint { (tr.t("member-merge-hint")) }
                form method="post" action=(format!("{}/merge", record_url(RecordType::Member, &m.id))) {
                    div.field {
                        label for="merge-into" { (tr.t("member-merge-into")) }
                        select #merge-into name="into" {
                            @for o in &others {
                                option value=(o.id) dir="auto" { (o.name) }
                            }
                        }
                    }
                    div.buttons { button.danger type="submit" { (tr.t("member-merge-button")) } }
                }
            }
        }
    }
}

/// `POST /roster/members/{id}/merge` with `into`: the member `id` is merged into `into`
/// (`Edit::MergeMembers`), and the answer is the kept member's page.
pub(crate) async fn merge_member(
    v: View,
    Path(id): Path<String>,
    raw: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let form = match super::read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let into = form.text("into").trim().to_owned();
    let edit = Edit::MergeMembers {
        id,
        into: into.clone(),
    };
    match submit(&v, edit, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other(&format!(
            "{}?done=merged",
            record_url(RecordType::Member, &into)
        )),
        Outcome::Invalid(e) => error_page(&v, StatusCode::BAD_REQUEST, &e.summary()),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

/// The group form.
pub(crate) struct GroupForm;

impl RecordForm for GroupForm {
    type Fields = GroupFields;
    type Record = Group;
    const TYPE: RecordType = RecordType::Group;

    fn records(snap: &Snapshot) -> &Records<Group> {
        &snap.groups
    }
    fn id(g: &Group) -> &str {
        &g.id
    }
    fn stamp(g: &Group) -> &Stamp {
        &g.stamp
    }
    fn values(_v: &View, g: &Group) -> FormData {
        group_values(g)
    }
    fn new_values(_v: &View) -> FormData {
        let mut values = FormData::default();
        values.push("kind", GroupKind::Caucus.as_str());
        values.push("status", GroupStatus::Active.as_str());
        values
    }
    fn fields(v: &View, form: &FormData, errors: &mut FormErrors) -> GroupFields {
        group_fields(v, form, errors)
    }
    fn wrap(fields: GroupFields) -> Fields {
        Fields::Group(fields)
    }
    fn value_text(v: &View, field: &str, value: &Value) -> String {
        match (field, value.as_str()) {
            ("kind", Some(k)) => v.tr.t(&format!("group-kind-{k}")),
            ("status", Some(s)) => v.tr.t(&format!("group-status-{s}")),
            ("focal_points", _) => names_of(v, value),
            _ => plain_text(v, value),
        }
    }
    fn page(v: &View, existing: Option<&Group>, form: Form<'_>) -> Markup {
        group_page(v, existing, form)
    }
}

/// The member form.
pub(crate) struct MemberForm;

impl RecordForm for MemberForm {
    type Fields = MemberFields;
    type Record = Member;
    const TYPE: RecordType = RecordType::Member;

    fn records(snap: &Snapshot) -> &Records<Member> {
        &snap.members
    }
    fn id(m: &Member) -> &str {
        &m.id
    }
    fn stamp(m: &Member) -> &Stamp {
        &m.stamp
    }
    fn values(_v: &View, m: &Member) -> FormData {
        member_values(m)
    }
    fn fields(_v: &View, form: &FormData, _errors: &mut FormErrors) -> MemberFields {
        member_fields(form)
    }
    fn wrap(fields: MemberFields) -> Fields {
        Fields::Member(fields)
    }
    fn value_text(v: &View, field: &str, value: &Value) -> String {
        match (field, value) {
            ("languages", Value::Array(codes)) => language_names(v, codes),
            _ => plain_text(v, value),
        }
    }
    fn page(v: &View, existing: Option<&Member>, form: Form<'_>) -> Markup {
        member_page(v, existing, form)
    }
}
