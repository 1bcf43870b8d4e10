//! Conflicts (fields edited at the same time on two devices: each value with its author, pick
//! one), here and beside the field on the record's own page, and the history of a record
//! (`history.rs`).

pub(crate) mod history;

pub(crate) use history::{page as history, value_text};

use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::automerge::ScalarValue;
use bureau_model::{Conflict, Edit, RecordType};
use maud::{Markup, html};

use super::layout::{self, Section};
use super::pager::Pager;
use super::record::UiForm;
use super::{Outcome, View, error_page, record_url, see_other, submit};

/// A conflicting value as people read it: as the record's form shows that field (a room's
/// name for a room's id, a time in the venue's zone).
fn show_value(v: &View, c: &Conflict, value: &ScalarValue) -> String {
    match value {
        ScalarValue::Str(s) if s.is_empty() => v.tr.t("value-empty"),
        ScalarValue::Null => v.tr.t("value-empty"),
        ScalarValue::Boolean(true) => v.tr.t("value-yes"),
        ScalarValue::Boolean(false) => v.tr.t("value-no"),
        ScalarValue::Str(_) | ScalarValue::Int(_) | ScalarValue::Uint(_) | ScalarValue::F64(_) => {
            match serde_json::to_value(value) {
                Ok(json) => value_text(v, c.ty, &c.field, &json),
                Err(_) => format!("{value:?}"),
            }
        }
        other => format!("{other:?}"),
    }
}

/// The id of the form that resolves a record's `i`-th conflict from its page (its conflicts
/// as the published state lists them, [`bureau_doc::ConflictSet::of`]).
pub(crate) fn resolve_form_id(i: usize) -> String {
    format!("resolve-{i}")
}

/// The forms the conflict marks of a record's page submit, one per conflict: empty but for
/// what names the field, so they sit outside the record's own form (forms cannot nest) and
/// each mark's buttons name theirs with `form` and add the value they keep.
pub(crate) fn resolve_forms(v: &View, ty: RecordType, id: &str) -> Markup {
    html! {
        @for (i, c) in v.st.conflicts.of(ty, id).iter().enumerate() {
            form.resolve id=(resolve_form_id(i)) method="post" action="/conflicts/resolve" {
                input type="hidden" name="type" value=(ty.as_str());
                input type="hidden" name="id" value=(id);
                input type="hidden" name="field" value=(c.field);
                input type="hidden" name="back" value="record";
            }
        }
    }
}

/// A field path as people read it: `title` → "Title"; action items keep their path.
pub(crate) fn field_label(v: &View, field: &str) -> String {
    let id = format!("field-{}", field.replace('_', "-"));
    if v.tr.has(&id) {
        v.tr.t(&id)
    } else {
        field.to_owned()
    }
}

fn type_label(v: &View, ty: RecordType) -> String {
    v.tr.t(&format!("type-{}", ty.as_str()))
}

fn conflict_card(v: &View, idx: usize, c: &Conflict) -> Markup {
    let tr = v.tr;
    let legend_id = format!("c{idx}-legend");
    html! {
        section.card.conflict aria-labelledby=(legend_id) {
            form method="post" action="/conflicts/resolve" {
                input type="hidden" name="type" value=(c.ty.as_str());
                input type="hidden" name="id" value=(c.id);
                input type="hidden" name="field" value=(c.field);
                fieldset.choices {
                    legend id=(legend_id) {
                        (type_label(v, c.ty)) " "
                        a href=(record_url(c.ty, &c.id)) dir="auto" { (v.record_name(c.ty, &c.id)) }
                        " · " (field_label(v, &c.field))
                    }
                    @for (i, value) in c.values.iter().enumerate() {
                        @let id = format!("c{idx}-v{i}");
                        div.check {
                            input type="radio" id=(id) name="choice" value=(i) checked[i == 0];
                            label for=(id) {
                                span.value dir="auto" { (show_value(v, c, &value.value)) }
                                " "
                                span.author { (tr.ta("conflict-by", &[("name", v.member_name(&value.author).into())])) }
                                @if i == 0 { " " span.badge.muted { (tr.t("conflict-shown")) } }
                            }
                        }
                    }
                }
                div.buttons { button type="submit" { (tr.t("conflict-keep")) } }
            }
        }
    }
}

/// `GET /conflicts?page=N`.
pub(crate) async fn page(v: View) -> Response {
    let tr = v.tr;
    let title = tr.t("conflicts-title");
    let st = v.st.clone();
    let conflicts = st.conflicts.all();
    let pager = Pager::new(&v, "page", conflicts.len());
    let first = pager.range().start;
    let body = html! {
        h1 { (title) }
        p.lead { (tr.t("conflicts-explain")) }
        div #conflict-list data-live {
            @if conflicts.is_empty() {
                p.empty { (tr.t("conflicts-none")) }
            }
            // Numbered through the whole list, so a card's ids do not depend on the page.
            @for (i, c) in pager.slice(conflicts).iter().enumerate() { (conflict_card(&v, first + i, c)) }
            (pager.nav(&v, "/conflicts", &title))
        }
    };
    v.render(
        StatusCode::OK,
        layout::page(&v, Section::Conflicts, &title, body),
    )
}

/// `POST /conflicts/resolve` with `type`, `id`, `field` and `choice` (the index of the value
/// as listed): the value is looked up again, so the form never carries a typed value. With
/// `back=record` (from the record's page) it answers with the record's page, else with the
/// conflicts page.
pub(crate) async fn resolve(v: View, UiForm(form): UiForm) -> Response {
    let ty = RecordType::parse(&form.text("type")).ok();
    let (id, field) = (form.text("id"), form.text("field"));
    let choice: Option<usize> = form.get("choice").and_then(|c| c.parse().ok());
    // The way back is built from the record's type and id, never taken from the form.
    let back = |done: &str| match ty {
        Some(ty) if form.get("back") == Some("record") && ty != RecordType::Device => {
            format!("{}?done={done}", record_url(ty, &id))
        }
        _ => format!("/conflicts?done={done}"),
    };
    let conflict = ty.and_then(|ty| v.st.conflicts.of(ty, &id).iter().find(|c| c.field == field));
    let Some(conflict) = conflict else {
        // Someone (maybe on another laptop) resolved it already.
        return see_other(&back("already"));
    };
    let Some(value) = choice.and_then(|i| conflict.values.get(i)) else {
        return error_page(&v, StatusCode::BAD_REQUEST, &v.tr.t("conflict-pick"));
    };
    let edit = Edit::Resolve {
        ty: conflict.ty,
        id: id.clone(),
        field: field.clone(),
        value: value.value.clone(),
    };
    match submit(&v, edit, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other(&back("resolved")),
        Outcome::Invalid(e) => error_page(&v, StatusCode::BAD_REQUEST, &e.summary()),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}
