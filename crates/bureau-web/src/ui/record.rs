//! One way to edit a record in the UI: a [`RecordForm`] per record type (its fields from a
//! record and from a form, its page), and the generic handlers that show, create and update
//! every type the same way, registered per type by [`routes`] as the JSON API does.
//!
//! Invariants:
//! - An edit form carries the heads it was rendered at (`heads`). Saving compares what was
//!   submitted with the record as it was at those heads, read on the document's reader thread
//!   ([`bureau_doc::DocHandle::record_at`]), and with the record now; what the user did not
//!   change is not written, so a peer's change that arrived while the form was open stays
//!   ([`bureau_model::changes`] decides, field by field). A long text the user changed is
//!   saved as a merge from those heads ([`saved_edit`]), so a peer's words written in the
//!   same text meanwhile stay.
//! - A field the user changed that a peer changed meanwhile to something else is not written
//!   either way: the form comes back (409) with the user's values, the other value beside the
//!   field (also carried, as `theirs.<field>`), and a choice for each such field; it is saved
//!   once each has an answer. It keeps its heads, so what the user did not change is still
//!   compared with what they were shown. "Keep mine" holds for the value shown; a field a peer
//!   changed again since is asked about again.
//! - A field that holds several values at once (a conflict: two devices wrote it at the same
//!   time) is marked on the record's page beside its form field (`form_field`), with each
//!   value in words, its author and a button that keeps it. The buttons submit a resolve form
//!   that sits outside the record's form (forms cannot nest; `layout::record_tools` renders
//!   it), so a type's page needs no code of its own for it; resolving comes back to the page.
//! - The three versions of a record (submitted, as shown, now) go through the same
//!   `values` → `fields` path, so a value shown differently from how it is stored (a time in
//!   the venue's zone) compares equal when it is.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use bureau_model::automerge::ChangeHash;
use bureau_model::{
    Applied, Edit, Fields, RecordFields, RecordType, Records, Snapshot, Stamp, changes,
    field_value, keep_mine, take_theirs,
};
use maud::Markup;
use serde_json::Value;

use super::conflicts::{resolve_form_id, value_text};
use super::forms::{Form, FormData, FormErrors};
use super::{Outcome, View, error_page, not_found, record_url, see_other, submit};
use crate::AppState;

/// A record type's edit form. Implemented once per type; the handlers below are generic.
pub(crate) trait RecordForm: 'static {
    /// The model's editable fields of the type.
    type Fields: RecordFields + Send;
    /// The record as read.
    type Record: Send + Sync + 'static;
    /// The type.
    const TYPE: RecordType;

    /// The records of the type in a snapshot.
    fn records(snap: &Snapshot) -> &Records<Self::Record>;
    /// The record's id.
    fn id(r: &Self::Record) -> &str;
    /// The record's bookkeeping (who changed it last).
    fn stamp(r: &Self::Record) -> &Stamp;
    /// The form values that show a record.
    fn values(v: &View, r: &Self::Record) -> FormData;
    /// The values of a new record's form (defaults, what the URL's query chose).
    fn new_values(_v: &View) -> FormData {
        FormData::default()
    }
    /// The fields of a form, with the errors the model cannot name (a date that is not one).
    fn fields(v: &View, form: &FormData, errors: &mut FormErrors) -> Self::Fields;
    /// The fields as an edit names them.
    fn wrap(fields: Self::Fields) -> Fields;
    /// The form field a model field is shown in (errors and contests go beside it). `field`
    /// may be an entry of a map, `field.key`.
    fn form_field(field: &str, _form: &FormData) -> String {
        field.split('.').next().unwrap_or(field).to_owned()
    }
    /// A value of a field in words, for "changed meanwhile to ...".
    fn value_text(v: &View, _field: &str, value: &Value) -> String {
        plain_text(v, value)
    }
    /// Where to go after a save (`done` is `created` or `saved`): the record's page.
    fn done_url(id: &str, done: &str) -> String {
        format!("{}?done={done}", record_url(Self::TYPE, id))
    }
    /// The whole page: the form as `form` has it, and what the type shows beside it.
    fn page(v: &View, existing: Option<&Self::Record>, form: Form<'_>) -> Markup;
}

/// A value in words, as any field shows it.
pub(crate) fn plain_text(v: &View, value: &Value) -> String {
    match value {
        Value::Null => v.tr.t("contest-removed"),
        Value::Bool(true) => v.tr.t("yes"),
        Value::Bool(false) => v.tr.t("no"),
        Value::String(s) if s.is_empty() => v.tr.t("contest-empty"),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let words: Vec<String> = items.iter().map(|i| plain_text(v, i)).collect();
            v.tr.list(&words)
        }
        other => other.to_string(),
    }
}

/// A set of member ids in words: their names.
pub(crate) fn names_of(v: &View, value: &Value) -> String {
    let mut names: Vec<String> = match value {
        Value::Array(ids) => ids
            .iter()
            .filter_map(Value::as_str)
            .map(|id| v.member_name(id))
            .collect(),
        other => return plain_text(v, other),
    };
    names.sort();
    v.tr.list(&names)
}

/// A list of language codes in words: the languages' names.
pub(crate) fn language_names(v: &View, codes: &[Value]) -> String {
    let names: Vec<String> = codes
        .iter()
        .filter_map(Value::as_str)
        .map(|c| v.tr.language(c))
        .collect();
    v.tr.list(&names)
}

/// Registers a type's pages under `base` (`/roster/groups`): the new form, the record's page,
/// create and update.
pub(crate) fn routes<R: RecordForm>(router: Router<AppState>, base: &str) -> Router<AppState> {
    router
        .route(base, post(create::<R>))
        .route(&format!("{base}/new"), get(new_page::<R>))
        .route(&format!("{base}/{{id}}"), get(show::<R>).post(update::<R>))
}

/// A field both sides changed, as the form shows it.
#[derive(Clone, Debug)]
pub(crate) struct Contest {
    /// The model's field (`field` or `field.key`): the name of its choice.
    pub(crate) field: String,
    /// The form field it is shown beside.
    pub(crate) form_field: String,
    /// The other value, in words.
    pub(crate) theirs: String,
    /// Who wrote it (the record's last editor).
    pub(crate) by: String,
}

/// A field of the record that holds several values at once (a conflict: two devices wrote it
/// at the same time), as the record's form marks it.
#[derive(Clone, Debug)]
pub(crate) struct ConflictMark {
    /// The form field it is shown beside.
    pub(crate) form_field: String,
    /// The id of the form (outside the record's own form) that resolves it: its buttons
    /// submit that form with the value they pick.
    pub(crate) form_id: String,
    /// Each value in words and who wrote it, the one shown first.
    pub(crate) values: Vec<(String, String)>,
}

/// The marks of the record's conflicts, from the published state: each beside its form field,
/// each value in words with its author.
fn conflict_marks<R: RecordForm>(v: &View, id: &str, form: &FormData) -> Vec<ConflictMark> {
    v.st.conflicts
        .of(R::TYPE, id)
        .iter()
        .enumerate()
        .map(|(i, c)| ConflictMark {
            form_field: R::form_field(&c.field, form),
            form_id: resolve_form_id(i),
            values: c
                .values
                .iter()
                .map(|value| {
                    let json = serde_json::to_value(&value.value).unwrap_or(Value::Null);
                    (
                        value_text(v, R::TYPE, &c.field, &json),
                        v.member_name(&value.author),
                    )
                })
                .collect(),
        })
        .collect()
}

/// A form body. A body the server cannot read (too large, not a form) is answered with the
/// error page, in the reader's language.
pub(crate) struct UiForm(pub(crate) FormData);

impl FromRequest<AppState> for UiForm {
    type Rejection = Response;

    async fn from_request(req: Request, app: &AppState) -> Result<UiForm, Response> {
        let (parts, body) = req.into_parts();
        let v = View::new(app, &parts);
        match Bytes::from_request(Request::from_parts(parts, body), app).await {
            Ok(bytes) => Ok(UiForm(FormData::parse(&bytes))),
            Err(rejection) => Err(error_page(&v, rejection.status(), &v.tr.t("error-body"))),
        }
    }
}

/// The page with a status: 200, 422 with errors, 409 with contests; an existing record's
/// conflicts marked beside their fields, also on a form shown again.
fn render<R: RecordForm>(
    v: &View,
    existing: Option<&R::Record>,
    values: &FormData,
    errors: &FormErrors,
    contests: &[Contest],
) -> Response {
    let conflicts = existing.map_or_else(Vec::new, |r| conflict_marks::<R>(v, R::id(r), values));
    let status = if !errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if !contests.is_empty() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let mut form = Form::new(v.tr, values, errors);
    form.contests = contests;
    form.conflicts = &conflicts;
    v.render(status, R::page(v, existing, form))
}

/// The heads a page was rendered at, as a form carries them.
pub(crate) fn heads_value(v: &View) -> String {
    v.st.heads.join(",")
}

/// `GET {base}/new`.
async fn new_page<R: RecordForm>(v: View) -> Response {
    render::<R>(&v, None, &R::new_values(&v), &FormErrors::default(), &[])
}

/// `GET {base}/{id}`.
pub(crate) async fn show<R: RecordForm>(v: View, Path(id): Path<String>) -> Response {
    let Some(r) = R::records(v.snap()).get(&id).cloned() else {
        return not_found(&v);
    };
    let mut values = R::values(&v, &r);
    values.set("heads", heads_value(&v));
    render::<R>(&v, Some(&r), &values, &FormErrors::default(), &[])
}

/// `POST {base}`.
async fn create<R: RecordForm>(v: View, UiForm(form): UiForm) -> Response {
    let mut errors = FormErrors::default();
    let fields = R::fields(&v, &form, &mut errors);
    if !errors.is_empty() {
        return render::<R>(&v, None, &form, &errors, &[]);
    }
    let field_of = |f: &str| R::form_field(f, &form);
    match submit(&v, Edit::Create(R::wrap(fields)), &field_of).await {
        Outcome::Done(Applied::Record(_, id)) => see_other(&R::done_url(&id, "created")),
        Outcome::Done(_) => see_other("/"),
        Outcome::Invalid(errors) => render::<R>(&v, None, &form, &errors, &[]),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

/// The contests a form lists (`contested`) as it shows them, with the value a field has now.
fn contests_shown<R: RecordForm>(
    v: &View,
    form: &FormData,
    fields: &[String],
    now: &R::Fields,
    record: &R::Record,
) -> Vec<Contest> {
    fields
        .iter()
        .map(|f| Contest {
            field: f.clone(),
            form_field: R::form_field(f, form),
            theirs: R::value_text(v, f, &field_value(now, f)),
            by: v.member_name(&R::stamp(record).updated_by),
        })
        .collect()
}

/// The record's fields as a form of it would submit them.
fn fields_of<R: RecordForm>(v: &View, r: &R::Record) -> R::Fields {
    R::fields(v, &R::values(v, r), &mut FormErrors::default())
}

/// `POST {base}/{id}`: writes what the user changed since the form's heads (see the module's
/// invariants).
pub(crate) async fn update<R: RecordForm>(
    v: View,
    Path(id): Path<String>,
    UiForm(form): UiForm,
) -> Response {
    let mut errors = FormErrors::default();
    let mine = R::fields(&v, &form, &mut errors);
    let (now, fields) = match planned::<R>(&v, &id, &form, mine, errors).await {
        Ok(plan) => plan,
        Err(page) => return page,
    };
    let edit = saved_edit(&id, R::wrap(fields), &form);
    let field_of = |f: &str| R::form_field(f, &form);
    match submit(&v, edit, &field_of).await {
        Outcome::Done(_) => see_other(&R::done_url(&id, "saved")),
        Outcome::Invalid(errors) => shown_again::<R>(&v, &now, &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

/// The heads a form carries (`heads`), if they are heads at all.
fn form_heads(form: &FormData) -> Option<Vec<ChangeHash>> {
    let heads: Vec<ChangeHash> = form
        .get("heads")?
        .split(',')
        .filter(|h| !h.is_empty())
        .map(str::parse::<ChangeHash>)
        .collect::<Result<_, _>>()
        .ok()?;
    (!heads.is_empty() && heads.len() <= MAX_FORM_HEADS).then_some(heads)
}

/// The most heads a form may carry (a document has as many as concurrent branches).
const MAX_FORM_HEADS: usize = 64;

/// The edit that saves what [`planned`] found to write: long texts merged from the form's
/// heads, so a peer's words written in the same text meanwhile stay; a form without heads (a
/// script) writes them as they are.
pub(crate) fn saved_edit(id: &str, fields: Fields, form: &FormData) -> Edit {
    match form_heads(form) {
        Some(base) => Edit::UpdateMerging {
            id: id.to_owned(),
            fields,
            base,
        },
        None => Edit::Update {
            id: id.to_owned(),
            fields,
        },
    }
}

/// The form shown again with errors the model found, keeping the choices it asked for.
pub(crate) fn shown_again<R: RecordForm>(
    v: &View,
    now: &R::Record,
    form: &FormData,
    errors: &FormErrors,
) -> Response {
    let asked = form.all("contested");
    let contests = contests_shown::<R>(v, form, &asked, &fields_of::<R>(v, now), now);
    render::<R>(v, Some(now), form, errors, &contests)
}

/// What saving an edit form of record `id` writes: the fields the user changed (`mine`, read
/// from the form with `errors`) since the form's heads, with the contests it asked about
/// answered; or the page to answer with instead (the form again with errors or contests, an
/// error page). With the record as it is now.
pub(crate) async fn planned<R: RecordForm>(
    v: &View,
    id: &str,
    form: &FormData,
    mut mine: R::Fields,
    mut errors: FormErrors,
) -> Result<(Arc<R::Record>, R::Fields), Response> {
    let Some(now) = R::records(v.snap()).get(id).cloned() else {
        return Err(not_found(v));
    };
    let now_fields = fields_of::<R>(v, &now);

    // The answers to the contests of the previous save.
    let asked = form.all("contested");
    let mut kept = Vec::new();
    for field in &asked {
        match form.get(&keep_name(field)) {
            Some("mine") => kept.push(field.clone()),
            Some("theirs") => {
                if take_theirs(&mut mine, &now_fields, field).is_err() {
                    return Err(error_page(
                        v,
                        StatusCode::BAD_REQUEST,
                        &v.tr.t("error-body"),
                    ));
                }
            }
            _ => errors.add(&R::form_field(field, form), v.tr.t("err-contest-choose")),
        }
    }
    if !errors.is_empty() {
        let contests = contests_shown::<R>(v, form, &asked, &now_fields, &now);
        return Err(render::<R>(v, Some(&now), form, &errors, &contests));
    }

    let base_fields = match shown_at::<R>(v, form, id).await {
        Ok(Some(base)) => fields_of::<R>(v, &base),
        // A form without heads (a script posting only fields): compared with now.
        Ok(None) => fields_of::<R>(v, &now),
        Err(response) => return Err(response),
    };
    let Ok(mut found) = changes(&mine, &base_fields, &now_fields) else {
        return Err(error_page(
            v,
            StatusCode::BAD_REQUEST,
            &v.tr.t("error-body"),
        ));
    };
    // "Keep mine" holds for the other value the user was shown; one that changed again since
    // is asked about again.
    for field in &kept {
        let shown: Option<Value> = form
            .get(&theirs_name(field))
            .and_then(|t| serde_json::from_str(t).ok());
        if shown.as_ref() == Some(&field_value(&now_fields, field))
            && keep_mine(&mut found, &mine, &now_fields, field).is_err()
        {
            return Err(error_page(
                v,
                StatusCode::BAD_REQUEST,
                &v.tr.t("error-body"),
            ));
        }
    }
    if !found.contested.is_empty() {
        // The form keeps its heads: what the user did not change is still compared with what
        // they were shown, so a peer's other changes stay.
        let fields: Vec<String> = found.contested.iter().map(|c| c.field.clone()).collect();
        let mut values = form.clone();
        values.remove("contested");
        values.remove_prefixed(KEEP_PREFIX);
        values.remove_prefixed(THEIRS_PREFIX);
        for f in &fields {
            values.push("contested", f.clone());
            values.push(&theirs_name(f), field_value(&now_fields, f).to_string());
        }
        let contests = contests_shown::<R>(v, &values, &fields, &now_fields, &now);
        return Err(render::<R>(v, Some(&now), &values, &errors, &contests));
    }
    Ok((now, found.fields))
}

/// The prefix of a contest's choice (`keep.title` = `mine` or `theirs`).
pub(crate) const KEEP_PREFIX: &str = "keep.";

/// The prefix of the other value a contest showed, as JSON (`theirs.title`).
pub(crate) const THEIRS_PREFIX: &str = "theirs.";

/// The name of the other value a contest showed.
fn theirs_name(field: &str) -> String {
    format!("{THEIRS_PREFIX}{field}")
}

/// The name of a contest's choice.
pub(crate) fn keep_name(field: &str) -> String {
    format!("{KEEP_PREFIX}{field}")
}

/// The record as the form showed it: read at the form's heads. `Ok(None)` when the form
/// carries no heads; an error page when they are not heads of this document (a form from
/// another node's page, or tampered with) or the record did not exist then.
async fn shown_at<R: RecordForm>(
    v: &View,
    form: &FormData,
    id: &str,
) -> Result<Option<Arc<R::Record>>, Response> {
    let Some(text) = form.get("heads") else {
        return Ok(None);
    };
    let stale = || error_page(v, StatusCode::CONFLICT, &v.tr.t("error-form-heads"));
    let heads: Result<Vec<ChangeHash>, _> = text
        .split(',')
        .filter(|h| !h.is_empty())
        .map(str::parse::<ChangeHash>)
        .collect();
    let Ok(heads) = heads else {
        return Err(stale());
    };
    if heads.is_empty() || heads.len() > MAX_FORM_HEADS {
        return Err(stale());
    }
    match v.app.doc.record_at(R::TYPE, id.to_owned(), heads).await {
        Ok(Some(snap)) => match R::records(&snap).get(id) {
            Some(r) => Ok(Some(r.clone())),
            None => Err(stale()),
        },
        Ok(None) => Err(stale()),
        Err(e) => {
            tracing::error!(error = %e, "the record as a form showed it could not be read");
            Err(error_page(
                v,
                StatusCode::SERVICE_UNAVAILABLE,
                &v.tr.t("error-closed"),
            ))
        }
    }
}
