//! The room form: its fields from a room and from a submitted form, and its handlers.

use super::*;
fn room_values(r: &Room) -> FormData {
    let mut f = FormData::default();
    f.push("name", &r.name);
    f.push("capacity", r.capacity.to_string());
    f.push_all("booths", &r.booths);
    f.push("equipment", r.equipment.join(", "));
    f
}

fn room_fields(v: &View, form: &FormData, errors: &mut FormErrors) -> RoomFields {
    let capacity = match form.opt("capacity") {
        None => Some(0),
        Some(c) => c.parse::<u32>().ok().or_else(|| {
            errors.add("capacity", v.tr.t("err-number"));
            None
        }),
    };
    RoomFields {
        name: Some(form.text("name").trim().to_owned()),
        capacity,
        booths: Some(languages_from(form, "booths")),
        equipment: Some(words(&form.text("equipment"))),
    }
}

fn room_page_with(
    v: &View,
    existing: Option<&Room>,
    values: &FormData,
    errors: &FormErrors,
) -> Response {
    let tr = v.tr;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = match existing {
        Some(r) => r.name.clone(),
        None => tr.t("room-new"),
    };
    let form = Form::new(tr, values, errors);
    let in_use = v
        .snap()
        .rooms
        .values()
        .flat_map(|r| r.booths.iter().cloned());
    let langs = language_options(tr, in_use);
    let action = match existing {
        Some(r) => format!("/schedule/rooms/{}", seg(&r.id)),
        None => "/schedule/rooms".to_owned(),
    };
    let body = html! {
        p.crumbs { a href="/schedule" { (tr.t("schedule-title")) } }
        h1 dir="auto" { (title) }
        @if existing.is_some_and(|r| r.stamp.archived) { p.notice.warn { (tr.t("record-archived")) } }
        div.with-aside {
            form.record method="post" action=(action) novalidate {
                (form.summary())
                (form.originals())
                (form.input(Input::Text, "name", &tr.t("field-name"), true, None))
                (form.input(Input::Number, "capacity", &tr.t("field-capacity"), false, None))
                (form.checkboxes("booths", &tr.t("field-booths"), &langs, Some(&tr.t("hint-booths"))))
                (form.input(Input::Text, "booths_other", &tr.t("field-languages-other"), false, Some(&tr.t("hint-language-codes"))))
                (form.input(Input::Text, "equipment", &tr.t("field-equipment"), false, Some(&tr.t("hint-equipment"))))
                div.buttons {
                    button type="submit" { (if existing.is_some() { tr.t("save") } else { tr.t("room-create") }) }
                    a href="/schedule" { (tr.t("cancel")) }
                }
            }
            @if let Some(r) = existing {
                aside.side {
                    (layout::record_tools(v, RecordType::Room, &r.id, r.stamp.archived))
                }
            }
        }
    };
    v.render(status, layout::page(v, Section::Schedule, &title, body))
}

/// `GET /schedule/rooms/new`.
pub(crate) async fn new_room(v: View) -> Response {
    room_page_with(&v, None, &FormData::default(), &FormErrors::default())
}

/// `GET /schedule/rooms/{id}`.
pub(crate) async fn room_page(v: View, Path(id): Path<String>) -> Response {
    let Some(r) = v.snap().rooms.get(&id) else {
        return not_found(&v);
    };
    let values = room_values(r).with_originals(&[]);
    room_page_with(&v, Some(r), &values, &FormErrors::default())
}

/// `POST /schedule/rooms`.
pub(crate) async fn create_room(v: View, raw: Result<Bytes, BytesRejection>) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let mut errors = FormErrors::default();
    let fields = room_fields(&v, &form, &mut errors);
    if !errors.is_empty() {
        return room_page_with(&v, None, &form, &errors);
    }
    match submit(&v, Edit::Create(Fields::Room(fields)), &|f| f.to_owned()).await {
        Outcome::Done(bureau_model::Applied::Record(_, id)) => {
            see_other(&format!("/schedule/rooms/{}?done=created", seg(&id)))
        }
        Outcome::Done(_) => see_other("/schedule"),
        Outcome::Invalid(errors) => room_page_with(&v, None, &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

/// `POST /schedule/rooms/{id}`.
pub(crate) async fn update_room(
    v: View,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let Some(r) = v.snap().rooms.get(&id) else {
        return not_found(&v);
    };
    let mut errors = FormErrors::default();
    let mut fields = room_fields(&v, &form, &mut errors);
    if !errors.is_empty() {
        return room_page_with(&v, Some(r), &form, &errors);
    }
    // Only what the user changed in the form is written (see `FormData::shown`).
    let shown = room_fields(
        &v,
        &form.shown(|| room_values(r), &[]),
        &mut FormErrors::default(),
    );
    keep_changed(&mut fields.name, &shown.name);
    keep_changed(&mut fields.capacity, &shown.capacity);
    fields.booths = set_edit(fields.booths, shown.booths, &r.booths);
    fields.equipment = set_edit(fields.equipment, shown.equipment, &r.equipment);
    let edit = Edit::Update {
        id: id.clone(),
        fields: Fields::Room(fields),
    };
    match submit(&v, edit, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other(&format!("/schedule/rooms/{}?done=saved", seg(&id))),
        Outcome::Invalid(errors) => room_page_with(&v, Some(r), &form, &errors),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}
