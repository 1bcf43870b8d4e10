//! The composition review: the review section of the roster (the last review, when the next
//! is due, the groups with no attendance since), starting a review, and a review's page where
//! each group gets a decision and the review is recorded.

use super::*;
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
    let mut notes = Some(crate::ui::schedule::unix_newlines(&form.text("notes")));
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
