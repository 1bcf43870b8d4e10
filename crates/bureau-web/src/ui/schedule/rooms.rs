//! The room form: its fields from a room and from a submitted form, and its page.

use super::*;
fn room_values(r: &Room) -> FormData {
    let mut f = FormData::default();
    f.push("name", &r.name);
    f.push("capacity", r.capacity.to_string());
    f.push_all("booths", &r.booths);
    f.push("equipment", r.equipment.join(", "));
    f.push("booth_count", r.booth_count.to_string());
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
    // Left empty, the count stays as it is (a new room's: one per booth language).
    let booth_count = form.opt("booth_count").and_then(|c| {
        c.parse::<u32>().ok().or_else(|| {
            errors.add("booth_count", v.tr.t("err-number"));
            None
        })
    });
    RoomFields {
        booth_count,
        name: Some(form.text("name").trim().to_owned()),
        capacity,
        booths: Some(languages_from(form, "booths")),
        equipment: Some(words(&form.text("equipment"))),
    }
}

fn room_page(v: &View, existing: Option<&Room>, form: Form<'_>) -> Markup {
    let tr = v.tr;
    let title = match existing {
        Some(r) => r.name.clone(),
        None => tr.t("room-new"),
    };
    let in_use = v
        .snap()
        .rooms
        .values()
        .flat_map(|r| r.booths.iter().cloned());
    let langs = language_options(tr, in_use);
    let action = form_action(RecordType::Room, existing.map(|r| r.id.as_str()));
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
                (form.input(Input::Number, "booth_count", &tr.t("field-booth-count"), false, Some(&tr.t("hint-booth-count"))))
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
        @if let Some(r) = existing { (super::agenda::room_meetings(v, &r.id)) }
    };
    layout::page(v, Section::Schedule, &title, body)
}

/// The room form.
pub(crate) struct RoomForm;

impl RecordForm for RoomForm {
    type Fields = RoomFields;
    type Record = Room;
    const TYPE: RecordType = RecordType::Room;

    fn records(snap: &Snapshot) -> &Records<Room> {
        &snap.rooms
    }
    fn id(r: &Room) -> &str {
        &r.id
    }
    fn stamp(r: &Room) -> &Stamp {
        &r.stamp
    }
    fn values(_v: &View, r: &Room) -> FormData {
        room_values(r)
    }
    fn fields(v: &View, form: &FormData, errors: &mut FormErrors) -> RoomFields {
        room_fields(v, form, errors)
    }
    fn wrap(fields: RoomFields) -> Fields {
        Fields::Room(fields)
    }
    fn value_text(v: &View, field: &str, value: &Value) -> String {
        match (field, value) {
            ("booths", Value::Array(codes)) => crate::ui::record::language_names(v, codes),
            _ => plain_text(v, value),
        }
    }
    fn page(v: &View, existing: Option<&Room>, form: Form<'_>) -> Markup {
        room_page(v, existing, form)
    }
}
