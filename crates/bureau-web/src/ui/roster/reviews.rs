//! The composition review: the review section of the roster (the last review, when the next
//! is due, the groups with no attendance since), starting a review, and a review's page where
//! each group gets a decision, new groups are admitted, and the review is recorded.
//!
//! Attendance is counted as the findings count it (`bureau_model::findings`): from the end of
//! the day of the previous recorded review, or from a group's creation if that is later. A
//! review's new groups are those created since the previous recorded review (for the first
//! review, since the start of its own day). Keeping a new group is admitting it: the review
//! page shows the decision as "Admit", and its form has a step to add a group, which joins the
//! roster at once with the review's decision to admit it saved in the review (recorded with
//! it). A return is offered only to inactive and removed groups; the model refuses it for an
//! active one.

use jiff::Timestamp;

use super::*;
use crate::ui::i18n::Tr;
use crate::ui::record::{self, RecordForm, UiForm};
use crate::ui::record_url;

/// The recorded (unarchived) reviews with a readable date.
fn recorded(v: &View) -> impl Iterator<Item = (&Review, Date)> {
    v.snap()
        .reviews
        .values()
        .map(|r| &**r)
        .filter(|r| !r.stamp.archived && r.status == ReviewStatus::Recorded)
        .filter_map(|r| r.date.parse::<Date>().ok().map(|d| (r, d)))
}

/// The last recorded review, if any.
fn last_review(v: &View) -> Option<(&Review, Date)> {
    recorded(v).max_by(|a, b| (a.1, &a.0.id).cmp(&(b.1, &b.0.id)))
}

/// The recorded review before `r` (by date, then id), whose end starts the period `r` reviews;
/// `None` when `r` is the first. Once `r` is recorded it is the last review, not its own
/// previous one.
fn previous_review<'v>(v: &'v View, r: &Review) -> Option<(&'v Review, Date)> {
    let date = r.date.parse::<Date>().ok()?;
    recorded(v)
        .filter(|(p, d)| p.id != r.id && (*d, &p.id) < (date, &r.id))
        .max_by(|a, b| (a.1, &a.0.id).cmp(&(b.1, &b.0.id)))
}

/// Where a review's new groups start: the day after the previous review, or the review's own
/// day for the first one.
fn new_from(v: &View, r: &Review, previous: Option<Date>) -> Timestamp {
    let day = match previous {
        Some(d) => d.tomorrow().ok(),
        None => r.date.parse::<Date>().ok(),
    };
    day.and_then(|d| d.to_zoned(v.tz.clone()).ok())
        .map_or(Timestamp::MAX, |z| z.timestamp())
}

/// Whether a group was created at or after `from` (its history's first entry).
fn is_new(g: &Group, from: Timestamp) -> bool {
    g.status_history
        .first()
        .and_then(|c| c.at.parse::<Timestamp>().ok())
        .is_some_and(|at| at >= from)
}

/// The decisions a group may get, as `(value, label)`: a return only for an inactive or
/// removed group, and keeping a new active group reads "Admit". The decision already taken
/// is offered whatever it is, so that it shows and can be changed.
fn decision_options(
    tr: Tr,
    g: &Group,
    new: bool,
    current: Option<Decision>,
) -> Vec<(String, String)> {
    let mut offered: Vec<Decision> = match g.status {
        GroupStatus::Active => vec![Decision::Keep, Decision::Inactive, Decision::Remove],
        GroupStatus::Inactive => vec![Decision::Keep, Decision::Return, Decision::Remove],
        GroupStatus::Removed => vec![Decision::Keep, Decision::Return],
    };
    if let Some(d) = current
        && !offered.contains(&d)
    {
        offered.push(d);
    }
    offered
        .into_iter()
        .map(|d| (d.as_str().to_owned(), decision_label(tr, d, new)))
        .collect()
}

/// A decision's name; keeping a new group is admitting it.
fn decision_label(tr: Tr, d: Decision, new: bool) -> String {
    if new && d == Decision::Keep {
        tr.t("review-decision-admit")
    } else {
        tr.t(&format!("decision-{}", d.as_str()))
    }
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

pub(super) fn review_section(v: &View, values: &FormData, errors: &FormErrors) -> Markup {
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
                    Some((r, d)) => { (tr.t("review-last")) " " a href=(record_url(RecordType::Review, &r.id)) { (tr.date_long(d)) } }
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
                a.button href=(record_url(RecordType::Review, &r.id)) {
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

/// `POST /roster/reviews`: starts a review on a date.
pub(crate) async fn start_review(v: View, UiForm(form): UiForm) -> Response {
    let fields = ReviewFields {
        date: Some(form.text("date").trim().to_owned()),
        status: Some(ReviewStatus::Open),
        decisions: None,
        notes: None,
    };
    match submit(&v, Edit::Create(Fields::Review(fields)), &|f| f.to_owned()).await {
        Outcome::Done(Applied::Record(_, id)) => see_other(&format!(
            "{}?done=created",
            record_url(RecordType::Review, &id)
        )),
        Outcome::Done(_) => see_other("/roster"),
        Outcome::Invalid(errors) => roster_page(&v, &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

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

/// The fields of the step that admits a new group, as `admit_<field>`.
const ADMIT_FIELDS: &[&str] = &["admit_name", "admit_kind", "admit_focal_points"];

/// The admission step's values: those typed (unless the group was just admitted, so that
/// sending the form again does not admit it twice), the kind "other" by default.
fn admit_values(values: &FormData, admitted: bool) -> FormData {
    let mut out = FormData::default();
    if !admitted {
        out.push("admit_name", values.text("admit_name"));
        out.push_all("admit_focal_points", &values.all("admit_focal_points"));
    }
    match values.get("admit_kind").filter(|_| !admitted) {
        Some(kind) => out.push("admit_kind", kind),
        None => out.push("admit_kind", GroupKind::Other.as_str()),
    }
    out
}

/// A review's page; an open review's form shows `form` (`admitted`: a group was just admitted,
/// so the admission step starts empty).
fn review_page(v: &View, r: &Review, form: Form<'_>, admitted: bool) -> Markup {
    let tr = v.tr;
    let (values, errors) = (form.values, form.errors);
    let date = r
        .date
        .parse::<Date>()
        .map_or_else(|_| r.date.clone(), |d| tr.date_long(d));
    let title = tr.ta("review-of", &[("date", date.into())]);
    let snap = v.snap();
    let since = previous_review(v, r);
    let new_since = new_from(v, r, since.map(|(_, d)| d));
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
    let (new, old): (Vec<&Group>, Vec<&Group>) =
        groups.into_iter().partition(|g| is_new(g, new_since));
    let (quiet, others): (Vec<&Group>, Vec<&Group>) = old
        .into_iter()
        .partition(|g| inactive.contains(&g.id.as_str()));
    let attended = last_attended(v);
    let admit_values = admit_values(values, admitted);
    let admit = Form::new(tr, &admit_values, errors);
    let group_block = |g: &Group| {
        let new = is_new(g, new_since);
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
        let options = decision_options(tr, g, new, r.decisions.get(&g.id).copied());
        form.radios(&decision_key(&g.id), legend, &options)
    };
    let kinds = choices(tr, GroupKind::ALL, GroupKind::as_str, "group-kind");
    let members = v.member_options();
    let body = html! {
        p.crumbs { a href="/roster" { (tr.t("roster-title")) } }
        h1 { (title) }
        p.lead {
            @if r.status == ReviewStatus::Recorded { span.badge.ok { (tr.t("review-recorded")) } }
            @else { span.badge.info { (tr.t("review-open")) } }
            " "
            @match since {
                Some((lr, d)) => { (tr.ta("review-since", &[("date", tr.date_long(d).into())])) " " a href=(record_url(RecordType::Review, &lr.id)) { (tr.t("review-see-last")) } }
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
                            @let new = snap.groups.get(gid).is_some_and(|g| is_new(g, new_since));
                            tr {
                                th scope="row" dir="auto" { a href=(record_url(RecordType::Group, gid)) { (v.record_name(RecordType::Group, gid)) } }
                                td {
                                    @if new && *d == Decision::Keep { (tr.t("review-admitted")) }
                                    @else { (tr.t(&format!("decision-{}", d.as_str()))) }
                                }
                            }
                        }
                    }
                }
            }
            @if !r.notes.is_empty() { h2 { (tr.t("field-notes")) } p.prose dir="auto" { (r.notes) } }
        } @else {
            form.record.wide method="post" action=(record_url(RecordType::Review, &r.id)) novalidate {
                (form.summary())
                (form.originals())
                @if !new.is_empty() {
                    section aria-labelledby="new-h" {
                        h2 #new-h { (tr.t("review-new-groups")) " " span.count { (new.len()) } }
                        p.hint { (tr.t("review-new-groups-hint")) }
                        @for g in &new { (group_block(g)) }
                    }
                }
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
                section #admit aria-labelledby="admit-h" {
                    h2 #admit-h { (tr.t("review-admit-title")) }
                    p.hint { (tr.t("review-admit-hint")) }
                    (admit.input(Input::Text, "admit_name", &tr.t("field-admit-name"), false, None))
                    (admit.select("admit_kind", &tr.t("field-admit-kind"), &kinds, None))
                    (admit.checkboxes("admit_focal_points", &tr.t("field-admit-focal-points"), &members, None))
                    div.buttons {
                        button type="submit" name="action" value="admit" class="secondary" { (tr.t("review-admit")) }
                    }
                }
            }
        }
        (layout::record_tools(v, RecordType::Review, &r.id, r.stamp.archived))
    };
    layout::page(v, Section::Roster, &title, body)
}

/// The review form: its decisions (one per group) and notes; recording it is the `record`
/// button (`action`), adding a group the admission step (see [`update_review`]).
pub(crate) struct ReviewForm;

impl RecordForm for ReviewForm {
    type Fields = ReviewFields;
    type Record = Review;
    const TYPE: RecordType = RecordType::Review;

    fn records(snap: &Snapshot) -> &Records<Review> {
        &snap.reviews
    }
    fn id(r: &Review) -> &str {
        &r.id
    }
    fn stamp(r: &Review) -> &Stamp {
        &r.stamp
    }
    fn values(_v: &View, r: &Review) -> FormData {
        review_values(r)
    }
    fn fields(v: &View, form: &FormData, _errors: &mut FormErrors) -> ReviewFields {
        let decisions: BTreeMap<String, Decision> = v
            .snap()
            .groups
            .keys()
            .filter_map(|g| {
                let d = form.get(&decision_key(g))?;
                Some((g.clone(), Decision::parse(d).ok()?))
            })
            .collect();
        ReviewFields {
            date: None,
            status: (form.get("action") == Some("record")).then_some(ReviewStatus::Recorded),
            decisions: Some(decisions),
            notes: Some(crate::ui::schedule::unix_newlines(&form.text("notes"))),
        }
    }
    fn wrap(fields: ReviewFields) -> Fields {
        Fields::Review(fields)
    }
    fn form_field(field: &str, _form: &FormData) -> String {
        match field.strip_prefix("decisions.") {
            Some(group) => decision_key(group),
            None if field == "decisions" => "notes".to_owned(),
            None => field.to_owned(),
        }
    }
    fn value_text(v: &View, field: &str, value: &Value) -> String {
        match value.as_str() {
            Some(d) if field.starts_with("decisions.") => v.tr.t(&format!("decision-{d}")),
            _ => plain_text(v, value),
        }
    }
    /// Reviews are started from the roster, so there is no new review's page.
    fn page(v: &View, existing: Option<&Review>, form: Form<'_>) -> Markup {
        match existing {
            Some(r) => review_page(v, r, form, false),
            None => html! { p { (v.tr.t("error-not-found")) } },
        }
    }
}

/// `GET /roster/reviews/{id}`.
pub(crate) async fn show_review(v: View, path: Path<String>) -> Response {
    record::show::<ReviewForm>(v, path).await
}

/// The same request's view of the document as it is now, after an edit it made.
fn refreshed(v: &View) -> View {
    View {
        tr: v.tr,
        st: v.app.doc.state(),
        tz: v.tz.clone(),
        now: v.now,
        net: v.net.clone(),
        here: v.here.clone(),
        lang_in_address: v.lang_in_address,
        app: v.app.clone(),
        base: v.base.clone(),
    }
}

/// `POST /roster/reviews/{id}`: saves the decisions, admits the group typed in the admission
/// step (if any), and records the review when asked.
///
/// An admission is two edits: the group is created, then the review saved with the decision
/// to admit it. If the second is refused, the group stays on the roster and the page shows it
/// among the new groups with its decision ticked, ready to be saved again.
pub(crate) async fn update_review(
    v: View,
    Path(id): Path<String>,
    UiForm(form): UiForm,
) -> Response {
    let mut errors = FormErrors::default();
    let mine = ReviewForm::fields(&v, &form, &mut errors);
    let action = form.get("action");
    let admit_name = form.text("admit_name").trim().to_owned();
    let admit_kind = GroupKind::parse(form.text("admit_kind").trim()).ok();
    if action == Some("admit") && admit_name.is_empty() {
        errors.add("admit_name", v.tr.t("err-required"));
    }
    if !admit_name.is_empty() && admit_kind.is_none() {
        errors.add("admit_kind", v.tr.t("err-choice"));
    }
    // Only what the user changed since the form was shown (contests asked first): nothing is
    // written, the admission included, before that is settled.
    let (r, mut fields) = match record::planned::<ReviewForm>(&v, &id, &form, mine, errors).await {
        Ok(plan) => plan,
        Err(page) => return page,
    };
    // Decisions are written one by one (the model keeps the others), so only those that
    // change.
    if let Some(decisions) = fields.decisions.as_mut() {
        decisions.retain(|g, d| r.decisions.get(g) != Some(d));
        if decisions.is_empty() {
            fields.decisions = None;
        }
    }
    // The form offers no return to an active group; one sent anyway (or made stale by a peer
    // who set the group active meanwhile) is refused in the reader's words.
    let mut errors = FormErrors::default();
    for (g, d) in fields.decisions.iter().flatten() {
        let active = v
            .snap()
            .groups
            .get(g)
            .is_some_and(|g| g.status == GroupStatus::Active);
        if *d == Decision::Return && active {
            errors.add(&decision_key(g), v.tr.t("review-err-return-active"));
        }
    }
    if !errors.is_empty() {
        return record::shown_again::<ReviewForm>(&v, &r, &form, &errors);
    }
    let mut admitted = None;
    if !admit_name.is_empty() {
        let group = GroupFields {
            name: Some(admit_name),
            kind: admit_kind,
            status: Some(GroupStatus::Active),
            focal_points: Some(form.all("admit_focal_points")),
        };
        let field_of = |f: &str| {
            let field = format!("admit_{f}");
            if ADMIT_FIELDS.contains(&field.as_str()) {
                field
            } else {
                "admit_name".to_owned()
            }
        };
        match submit(&v, Edit::Create(Fields::Group(group)), &field_of).await {
            Outcome::Done(Applied::Record(_, gid)) => {
                fields
                    .decisions
                    .get_or_insert_with(BTreeMap::new)
                    .insert(gid.clone(), Decision::Keep);
                admitted = Some(gid);
            }
            Outcome::Done(_) => {}
            Outcome::Invalid(errors) => {
                return record::shown_again::<ReviewForm>(&v, &r, &form, &errors);
            }
            Outcome::Failed(status, msg) => return error_page(&v, status, &msg),
        }
    }
    let record = fields.status == Some(ReviewStatus::Recorded);
    let edit = record::saved_edit(&id, Fields::Review(fields), &form);
    let field_of = |f: &str| ReviewForm::form_field(f, &form);
    match submit(&v, edit, &field_of).await {
        Outcome::Done(_) => {
            let done = match (record, &admitted) {
                (true, _) => "recorded",
                (false, Some(_)) => "admitted",
                (false, None) => "saved",
            };
            see_other(&format!(
                "{}?done={done}",
                record_url(RecordType::Review, &id)
            ))
        }
        Outcome::Invalid(errors) => match &admitted {
            None => record::shown_again::<ReviewForm>(&v, &r, &form, &errors),
            Some(gid) => {
                let now = refreshed(&v);
                let Some(r) = now.snap().reviews.get(&id) else {
                    return not_found(&now);
                };
                let mut values = form.clone();
                values.push(&decision_key(gid), Decision::Keep.as_str());
                let page = review_page(&now, r, Form::new(now.tr, &values, &errors), true);
                now.render(StatusCode::UNPROCESSABLE_ENTITY, page)
            }
        },
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}
