//! Writing the fields of one record ([`Writer`]): creating and updating each editable record
//! type, archiving and restoring, and resolving a conflicted field.
//!
//! Invariants:
//! - Every field is checked before the first one is written, so a refused edit has written
//!   nothing (and [`super::apply`] rolls the transaction back whatever happened).
//! - An optional string field is written only when its value changes: a new operation for an
//!   unchanged value could turn a concurrent edit into a conflict nobody made.
//! - Sets are written as additions and removals, texts as diffs, so concurrent changes by
//!   others survive the merge; nested maps are made with the record.

use std::collections::{BTreeMap, BTreeSet};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ObjId, ReadDoc, ScalarValue, Value};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{
    collection, get_or_put_map, get_str, put, put_map, put_set, put_text, record_exists,
    resolve_path, stamp,
};
use crate::edit::{
    BodyFields, Ctx, DocumentFields, EditError, Fields, GroupFields, InterpreterFields,
    MeetingFields, MemberFields, NoteFields, ReviewFields, RoomFields, invalid,
};
use crate::read::map_at;
use crate::records::*;
use crate::schema::SET_MAX;
use crate::validate::{
    check_languages, check_name, check_required, check_set, check_short, check_text, format_time,
    parse_date, parse_time,
};

/// The sets and maps a record of each type holds, created along with the record.
fn nested_maps(ty: RecordType) -> &'static [&'static str] {
    match ty {
        RecordType::Member => &["languages"],
        RecordType::Group => &["focal_points", "status_history"],
        RecordType::Review => &["decisions"],
        RecordType::Room => &["booths", "equipment"],
        RecordType::Meeting => &["languages", "resources", "groups", "members", "booths"],
        RecordType::Note => &["actions"],
        RecordType::Document => &["comments", "suggestions", "versions"],
        RecordType::Interpreter => &["a_languages", "b_languages", "c_languages", "available"],
        RecordType::Device | RecordType::Body => &[],
    }
}

/// An entry of an interpreter's `available` set ([`Availability::key`]): a real day, and
/// times of day that are real and in order.
fn check_availability(key: &str) -> Result<(), EditError> {
    let a = Availability::from_key(key);
    parse_date("available", &a.date)?;
    let time = |t: &Option<String>| -> Result<Option<jiff::civil::Time>, EditError> {
        match t {
            None => Ok(None),
            Some(t) => t
                .parse::<jiff::civil::Time>()
                .map(Some)
                .map_err(|_| invalid("available", format!("{t:?} is not a time like 09:30"))),
        }
    };
    if let (Some(from), Some(to)) = (time(&a.from)?, time(&a.to)?)
        && to <= from
    {
        return Err(invalid(
            "available",
            format!("on {}, {} must come after {}", a.date, to, from),
        ));
    }
    if a.key() != key {
        return Err(invalid(
            "available",
            format!("{key:?} is not a day like 2025-11-16 or 2025-11-16/09:00-13:00"),
        ));
    }
    Ok(())
}

/// Makes a set that may be held by several concurrently created maps (a meeting's `booths`,
/// added to meetings made before it existed) equal `values`: a value gone is deleted from
/// every map holding it, a new one is put into the map `get` shows (made if there is none).
fn put_union_set(doc: &mut AutoCommit, obj: &ObjId, key: &str, values: &[String]) {
    let maps: Vec<ObjId> = doc
        .get_all(obj, key)
        .unwrap_or_default()
        .into_iter()
        .filter(|(v, _)| matches!(v, Value::Object(automerge::ObjType::Map)))
        .map(|(_, id)| id)
        .collect();
    let want: BTreeSet<&str> = values.iter().map(String::as_str).collect();
    let mut have = BTreeSet::new();
    for m in &maps {
        for k in doc.keys(m).collect::<Vec<_>>() {
            if !want.contains(k.as_str()) {
                let _ = doc.delete(m, k.as_str());
            } else {
                have.insert(k);
            }
        }
    }
    let missing: Vec<&str> = want.into_iter().filter(|v| !have.contains(*v)).collect();
    if missing.is_empty() {
        return;
    }
    let set = get_or_put_map(doc, obj, key);
    for v in missing {
        put(doc, &set, v, true);
    }
}

/// Writes the fields of one record, validating each before anything is written.
pub(super) struct Writer<'d, 'c, 'a> {
    doc: &'d mut AutoCommit,
    ctx: &'c mut Ctx<'a>,
    tz: TimeZone,
    ty: RecordType,
    id: String,
    /// The record's map; `None` until a create writes its first field.
    obj: Option<ObjId>,
    creating: bool,
    /// The heads a form was shown at: long texts are merged from there rather than
    /// replaced ([`Edit::UpdateMerging`](crate::Edit::UpdateMerging)).
    merge_from: Option<Vec<ChangeHash>>,
}

impl<'d, 'c, 'a> Writer<'d, 'c, 'a> {
    pub(super) fn new(
        doc: &'d mut AutoCommit,
        ctx: &'c mut Ctx<'a>,
        meta: &ObjId,
        ty: RecordType,
        id: &str,
        creating: bool,
    ) -> Result<Self, EditError> {
        let tz_name = match doc.get(meta, "timezone") {
            Ok(Some((Value::Scalar(v), _))) => v.as_str().unwrap_or("UTC").to_owned(),
            _ => "UTC".to_owned(),
        };
        let tz = TimeZone::get(&tz_name).unwrap_or(TimeZone::UTC);
        let obj = if creating {
            None
        } else {
            // Edited where it lives, whichever of concurrently created collections that is.
            let (_, rec) =
                crate::read::find_record(doc, ty, id).ok_or_else(|| EditError::NotFound {
                    ty,
                    id: id.to_owned(),
                })?;
            Some(rec)
        };
        Ok(Writer {
            doc,
            ctx,
            tz,
            ty,
            id: id.to_owned(),
            obj,
            creating,
            merge_from: None,
        })
    }

    /// Long texts from here on are merged from `base` (heads of the document).
    pub(super) fn merging_from(&mut self, base: &[ChangeHash]) {
        self.merge_from = Some(base.to_vec());
    }

    /// Writes a long text: as a diff against the text now, or, when saving from a form
    /// ([`Writer::merging_from`]), as the difference between the text at the form's heads
    /// and `text`, applied where those words are now, so a peer's words written meanwhile
    /// stay. The caller checked `text`.
    fn put_long_text(&mut self, obj: &ObjId, key: &str, text: &str) -> Result<(), EditError> {
        if let Some(base) = &self.merge_from
            && let Some(t) = crate::text::text_obj(&*self.doc, obj, key)
        {
            return match crate::text::merge_text(self.doc, &t, base, text) {
                Ok(_) => Ok(()),
                Err(crate::text::MergeError::UnknownHeads) => Err(invalid(
                    "heads",
                    "are not all changes this node holds; open the record again and redo your changes",
                )),
                Err(crate::text::MergeError::Automerge(e)) => {
                    Err(invalid(key, format!("the text could not be changed: {e}")))
                }
            };
        }
        put_text(self.doc, obj, key, text);
        Ok(())
    }

    /// The record's map, created on first use when creating.
    fn obj(&mut self) -> ObjId {
        if let Some(obj) = &self.obj {
            return obj.clone();
        }
        let coll = collection(self.doc, self.ty);
        let obj = put_map(self.doc, &coll, &self.id);
        self.obj = Some(obj.clone());
        obj
    }

    fn current_str(&self, key: &str) -> String {
        self.obj
            .as_ref()
            .and_then(|o| get_str(self.doc, o, key))
            .unwrap_or_default()
    }

    fn finish(&mut self) {
        let obj = self.obj();
        stamp(self.doc, &obj, self.ctx);
    }

    pub(super) fn fields(&mut self, fields: &Fields) -> Result<(), EditError> {
        match fields {
            Fields::Member(f) => self.member(f),
            Fields::Group(f) => self.group(f),
            Fields::Review(f) => self.review(f),
            Fields::Room(f) => self.room(f),
            Fields::Meeting(f) => self.meeting(f),
            Fields::Body(f) => self.body(f),
            Fields::Note(f) => self.note(f),
            Fields::Document(f) => self.document(f),
            Fields::Interpreter(f) => self.interpreter(f),
        }?;
        if self.creating {
            // Nested maps are made with the record: if two replicas each made a missing one
            // concurrently, one map (and everything put into it) would lose the merge.
            let obj = self.obj();
            for key in nested_maps(self.ty) {
                get_or_put_map(self.doc, &obj, key);
            }
        }
        self.finish();
        Ok(())
    }

    fn required(&self, field: &str, value: &Option<String>) -> Result<(), EditError> {
        match value {
            Some(v) => check_required(field, v),
            None if self.creating => Err(invalid(field, "is required")),
            None => Ok(()),
        }
    }

    fn member(&mut self, f: &MemberFields) -> Result<(), EditError> {
        self.required("name", &f.name)?;
        for (field, v) in [
            ("name", &f.name),
            ("organisation", &f.organisation),
            ("email", &f.email),
            ("phone", &f.phone),
        ] {
            if let Some(v) = v {
                check_short(field, v)?;
            }
        }
        if let Some(name) = &f.name {
            check_name("name", name)?;
        }
        if let Some(email) = f.email.as_deref().filter(|e| !e.is_empty()) {
            let ok = email
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !email.contains(' '));
            if !ok {
                return Err(invalid(
                    "email",
                    format!("{email:?} is not an e-mail address"),
                ));
            }
        }
        if let Some(langs) = &f.languages {
            check_languages("languages", langs)?;
        }
        let obj = self.obj();
        self.put_opt_str(&obj, "name", &f.name);
        self.put_opt_str(&obj, "organisation", &f.organisation);
        self.put_opt_str(&obj, "email", &f.email);
        self.put_opt_str(&obj, "phone", &f.phone);
        if let Some(langs) = &f.languages {
            put_set(self.doc, &obj, "languages", langs);
        }
        Ok(())
    }

    fn group(&mut self, f: &GroupFields) -> Result<(), EditError> {
        self.required("name", &f.name)?;
        if let Some(name) = &f.name {
            check_name("name", name)?;
        }
        if let Some(fps) = &f.focal_points {
            self.check_refs("focal_points", RecordType::Member, fps)?;
        }
        let old_status = GroupStatus::parse(&self.current_str("status")).ok();
        let obj = self.obj();
        self.put_opt_str(&obj, "name", &f.name);
        if let Some(kind) = f.kind {
            put(self.doc, &obj, "kind", kind.as_str());
        } else if self.creating {
            put(self.doc, &obj, "kind", GroupKind::Other.as_str());
        }
        let new_status = f.status.or(self.creating.then_some(GroupStatus::Active));
        if let Some(status) = new_status
            && old_status != Some(status)
        {
            put(self.doc, &obj, "status", status.as_str());
            let event = match (old_status, status) {
                (Some(GroupStatus::Removed), GroupStatus::Active) => StatusEvent::Returned,
                (_, GroupStatus::Active) => StatusEvent::Active,
                (_, GroupStatus::Inactive) => StatusEvent::Inactive,
                (_, GroupStatus::Removed) => StatusEvent::Removed,
            };
            self.push_status(&obj, event, None);
        }
        if let Some(fps) = &f.focal_points {
            put_set(self.doc, &obj, "focal_points", fps);
        }
        Ok(())
    }

    fn push_status(&mut self, group: &ObjId, event: StatusEvent, review: Option<&str>) {
        let history = get_or_put_map(self.doc, group, "status_history");
        let key = (self.ctx.new_id)();
        let entry = put_map(self.doc, &history, &key);
        put(self.doc, &entry, "status", event.as_str());
        put(self.doc, &entry, "at", self.ctx.now.to_string());
        put(self.doc, &entry, "by", self.ctx.author);
        if let Some(review) = review {
            put(self.doc, &entry, "review_id", review);
        }
    }

    fn review(&mut self, f: &ReviewFields) -> Result<(), EditError> {
        self.required("date", &f.date)?;
        if let Some(date) = &f.date {
            parse_date("date", date)?;
        }
        if let Some(notes) = &f.notes {
            check_text("notes", notes)?;
        }
        if let Some(decisions) = &f.decisions {
            let ids: Vec<String> = decisions.keys().cloned().collect();
            self.check_refs("decisions", RecordType::Group, &ids)?;
            self.check_returns(decisions)?;
        }
        let was = ReviewStatus::parse(&self.current_str("status")).unwrap_or_default();
        let obj = self.obj();
        self.put_opt_str(&obj, "date", &f.date);
        if let Some(notes) = &f.notes {
            self.put_long_text(&obj, "notes", notes)?;
        } else if self.creating {
            put_text(self.doc, &obj, "notes", "");
        }
        if let Some(decisions) = &f.decisions {
            let map = get_or_put_map(self.doc, &obj, "decisions");
            for (group, decision) in decisions {
                put(self.doc, &map, group.as_str(), decision.as_str());
            }
        }
        let status = f.status.unwrap_or(was);
        if self.creating || f.status.is_some() {
            put(self.doc, &obj, "status", status.as_str());
        }
        if status == ReviewStatus::Recorded && (self.creating || was == ReviewStatus::Open) {
            self.apply_decisions(&obj)?;
        }
        Ok(())
    }

    /// Only a group that is inactive or removed can return; a return decided for an active
    /// group would mean nothing, and was offered by mistake.
    fn check_returns(&self, decisions: &BTreeMap<String, Decision>) -> Result<(), EditError> {
        let groups = map_at(self.doc, &automerge::ROOT, RecordType::Group.collection());
        for (id, decision) in decisions {
            if *decision != Decision::Return {
                continue;
            }
            let status = groups
                .as_ref()
                .and_then(|groups| map_at(self.doc, groups, id))
                .and_then(|g| get_str(self.doc, &g, "status"))
                .and_then(|s| GroupStatus::parse(&s).ok())
                .unwrap_or_default();
            if status == GroupStatus::Active {
                return Err(invalid(
                    &format!("decisions.{id}"),
                    "only an inactive or removed group can return; this group is active",
                ));
            }
        }
        Ok(())
    }

    /// Recording a review changes the standing of each group it decided on.
    fn apply_decisions(&mut self, review: &ObjId) -> Result<(), EditError> {
        let Some(decisions) = map_at(self.doc, review, "decisions") else {
            return Ok(());
        };
        let groups = collection(self.doc, RecordType::Group);
        let review_id = self.id.clone();
        for group_id in self.doc.keys(&decisions).collect::<Vec<_>>() {
            let Some(decision) =
                get_str(self.doc, &decisions, &group_id).and_then(|d| Decision::parse(&d).ok())
            else {
                continue;
            };
            let Some(group) = map_at(self.doc, &groups, &group_id) else {
                continue;
            };
            let old = get_str(self.doc, &group, "status")
                .and_then(|s| GroupStatus::parse(&s).ok())
                .unwrap_or_default();
            let (status, event) = match decision {
                Decision::Keep => continue,
                Decision::Inactive => (GroupStatus::Inactive, StatusEvent::Inactive),
                Decision::Remove => (GroupStatus::Removed, StatusEvent::Removed),
                Decision::Return => (GroupStatus::Active, StatusEvent::Returned),
            };
            if old == status {
                continue;
            }
            put(self.doc, &group, "status", status.as_str());
            self.push_status(&group, event, Some(&review_id));
            stamp(self.doc, &group, self.ctx);
        }
        Ok(())
    }

    fn room(&mut self, f: &RoomFields) -> Result<(), EditError> {
        self.required("name", &f.name)?;
        if let Some(name) = &f.name {
            check_name("name", name)?;
        }
        if let Some(cap) = f.capacity
            && cap > 100_000
        {
            return Err(invalid("capacity", "must be at most 100000"));
        }
        if let Some(booths) = &f.booths {
            check_languages("booths", booths)?;
        }
        if let Some(eq) = &f.equipment {
            check_set("equipment", eq)?;
        }
        if let Some(n) = f.booth_count
            && n > 100
        {
            return Err(invalid("booth_count", "must be at most 100"));
        }
        let obj = self.obj();
        if let Some(n) = f.booth_count {
            put(self.doc, &obj, "booth_count", u64::from(n));
        }
        self.put_opt_str(&obj, "name", &f.name);
        if let Some(cap) = f.capacity {
            put(self.doc, &obj, "capacity", u64::from(cap));
        }
        if let Some(booths) = &f.booths {
            put_set(self.doc, &obj, "booths", booths);
        }
        if let Some(eq) = &f.equipment {
            put_set(self.doc, &obj, "equipment", eq);
        }
        Ok(())
    }

    fn meeting(&mut self, f: &MeetingFields) -> Result<(), EditError> {
        self.required("title", &f.title)?;
        if let Some(title) = &f.title {
            check_name("title", title)?;
        }
        let start = match &f.start {
            Some(s) => Some(parse_time("start", s, &self.tz)?),
            None if self.creating => return Err(invalid("start", "is required")),
            None => None,
        };
        let end = match &f.end {
            Some(s) => Some(parse_time("end", s, &self.tz)?),
            None if self.creating => return Err(invalid("end", "is required")),
            None => None,
        };
        // Compare against the stored value of whichever side this edit leaves unchanged.
        let start_ts = match &start {
            Some(z) => Some(z.timestamp()),
            None => self.current_str("start").parse::<Timestamp>().ok(),
        };
        let end_ts = match &end {
            Some(z) => Some(z.timestamp()),
            None => self.current_str("end").parse::<Timestamp>().ok(),
        };
        if let (Some(s), Some(e)) = (start_ts, end_ts) {
            if e <= s {
                let field = if end.is_some() { "end" } else { "start" };
                return Err(invalid(field, "the meeting must end after it starts"));
            }
            if e.duration_since(s) > jiff::SignedDuration::from_hours(24 * 14) {
                return Err(invalid("end", "a meeting cannot last more than 14 days"));
            }
        }
        if let Some(room) = f.room_id.as_deref().filter(|r| !r.is_empty()) {
            self.check_refs("room_id", RecordType::Room, &[room.to_owned()])?;
        }
        if let Some(org) = f.organiser.as_deref().filter(|r| !r.is_empty()) {
            self.check_refs("organiser", RecordType::Group, &[org.to_owned()])?;
        }
        if let Some(langs) = &f.languages {
            check_languages("languages", langs)?;
        }
        if let Some(groups) = &f.groups {
            self.check_refs("groups", RecordType::Group, groups)?;
        }
        if let Some(members) = &f.members {
            self.check_refs("members", RecordType::Member, members)?;
        }
        if let Some(res) = &f.resources {
            let names: Vec<String> = res.keys().cloned().collect();
            check_set("resources", &names)?;
        }
        if let Some(agenda) = &f.agenda {
            check_text("agenda", agenda)?;
        }
        if let Some(seats) = &f.booths {
            self.check_seats(seats)?;
        }
        let obj = self.obj();
        if let Some(seats) = &f.booths {
            put_union_set(self.doc, &obj, "booths", seats);
        }
        self.put_opt_str(&obj, "title", &f.title);
        if let Some(kind) = f.kind {
            put(self.doc, &obj, "kind", kind.as_str());
        } else if self.creating {
            put(self.doc, &obj, "kind", MeetingKind::Other.as_str());
        }
        if let Some(z) = start {
            put(self.doc, &obj, "start", format_time(&z));
        }
        if let Some(z) = end {
            put(self.doc, &obj, "end", format_time(&z));
        }
        self.put_opt_str(&obj, "room_id", &f.room_id);
        self.put_opt_str(&obj, "organiser", &f.organiser);
        if let Some(langs) = &f.languages {
            put_set(self.doc, &obj, "languages", langs);
        }
        if let Some(res) = &f.resources {
            let map = get_or_put_map(self.doc, &obj, "resources");
            let old: Vec<String> = self.doc.keys(&map).collect();
            for k in old.iter().filter(|k| !res.contains_key(*k)) {
                let _ = self.doc.delete(&map, k.as_str());
            }
            for (name, state) in res {
                if get_str(self.doc, &map, name).as_deref() != Some(state.as_str()) {
                    put(self.doc, &map, name.as_str(), state.as_str());
                }
            }
        }
        if let Some(status) = f.status {
            put(self.doc, &obj, "status", status.as_str());
        } else if self.creating {
            put(self.doc, &obj, "status", MeetingStatus::Proposed.as_str());
        }
        if let Some(groups) = &f.groups {
            put_set(self.doc, &obj, "groups", groups);
        }
        if let Some(members) = &f.members {
            put_set(self.doc, &obj, "members", members);
        }
        if let Some(agenda) = &f.agenda {
            self.put_long_text(&obj, "agenda", agenda)?;
        } else if self.creating {
            put_text(self.doc, &obj, "agenda", "");
        }
        // Absent means public, so a new meeting gets the field only when it is closed.
        if let Some(public) = f.public {
            put(self.doc, &obj, "public", public);
        }
        Ok(())
    }

    fn body(&mut self, f: &BodyFields) -> Result<(), EditError> {
        self.required("name", &f.name)?;
        for (field, v) in [("name", &f.name), ("description", &f.description)] {
            if let Some(v) = v {
                check_short(field, v)?;
            }
        }
        if let Some(name) = &f.name {
            check_name("name", name)?;
        }
        let obj = self.obj();
        self.put_opt_str(&obj, "name", &f.name);
        self.put_opt_str(&obj, "description", &f.description);
        Ok(())
    }

    fn note(&mut self, f: &NoteFields) -> Result<(), EditError> {
        self.required("title", &f.title)?;
        self.required("body_id", &f.body_id)?;
        if let Some(title) = &f.title {
            check_name("title", title)?;
        }
        if let Some(body) = &f.body_id {
            self.check_refs("body_id", RecordType::Body, std::slice::from_ref(body))?;
        }
        if let Some(text) = &f.text {
            check_text("text", text)?;
        }
        if let Some(date) = f.date.as_deref().filter(|d| !d.is_empty()) {
            parse_date("date", date)?;
        }
        let existing_actions: BTreeSet<String> = self
            .obj
            .as_ref()
            .and_then(|o| map_at(self.doc, o, "actions"))
            .map(|m| self.doc.keys(&m).collect())
            .unwrap_or_default();
        if let Some(actions) = &f.actions {
            if actions.len() > SET_MAX {
                return Err(invalid("actions", format!("at most {SET_MAX} items")));
            }
            for (i, a) in actions.iter().enumerate() {
                let field = |name: &str| format!("actions[{i}].{name}");
                match &a.id {
                    Some(id) if !existing_actions.contains(id) => {
                        return Err(invalid(
                            &field("id"),
                            format!("no action item with id {id:?}"),
                        ));
                    }
                    None => match &a.text {
                        Some(t) if !t.trim().is_empty() => {}
                        _ => {
                            return Err(invalid(
                                &field("text"),
                                "is required for a new action item",
                            ));
                        }
                    },
                    Some(_) => {}
                }
                if let Some(t) = &a.text {
                    check_short(&field("text"), t)?;
                }
                if let Some(owner) = a.owner.as_deref().filter(|o| !o.is_empty()) {
                    self.check_refs(&field("owner"), RecordType::Member, &[owner.to_owned()])?;
                }
                if let Some(due) = a.due.as_deref().filter(|d| !d.is_empty()) {
                    parse_date(&field("due"), due)?;
                }
            }
        }
        let obj = self.obj();
        self.put_opt_str(&obj, "body_id", &f.body_id);
        self.put_opt_str(&obj, "title", &f.title);
        if let Some(text) = &f.text {
            self.put_long_text(&obj, "text", text)?;
        } else if self.creating {
            put_text(self.doc, &obj, "text", "");
        }
        self.put_opt_str(&obj, "date", &f.date);
        for (key, v) in [
            ("content_implications", f.content_implications),
            ("plenary_consulted", f.plenary_consulted),
        ] {
            if let Some(v) = v {
                put(self.doc, &obj, key, v);
            } else if self.creating {
                put(self.doc, &obj, key, false);
            }
        }
        if let Some(actions) = &f.actions {
            let map = get_or_put_map(self.doc, &obj, "actions");
            for a in actions {
                let item = match &a.id {
                    Some(id) => map_at(self.doc, &map, id).expect("checked above"),
                    None => {
                        let id = (self.ctx.new_id)();
                        let item = put_map(self.doc, &map, &id);
                        put(self.doc, &item, "done", false);
                        item
                    }
                };
                self.put_opt_str(&item, "text", &a.text);
                self.put_opt_str(&item, "owner", &a.owner);
                self.put_opt_str(&item, "due", &a.due);
                if let Some(done) = a.done {
                    put(self.doc, &item, "done", done);
                }
                if let Some(archived) = a.archived {
                    put(self.doc, &item, "archived", archived);
                }
            }
        }
        Ok(())
    }

    fn document(&mut self, f: &DocumentFields) -> Result<(), EditError> {
        self.required("title", &f.title)?;
        if let Some(title) = &f.title {
            check_name("title", title)?;
        }
        if let Some(text) = &f.text {
            check_text("text", text)?;
        }
        let obj = self.obj();
        self.put_opt_str(&obj, "title", &f.title);
        if let Some(status) = f.status {
            if get_str(self.doc, &obj, "status").as_deref() != Some(status.as_str()) {
                put(self.doc, &obj, "status", status.as_str());
            }
        } else if self.creating {
            put(self.doc, &obj, "status", DocumentStatus::Draft.as_str());
        }
        if let Some(text) = &f.text {
            self.put_long_text(&obj, "text", text)?;
        } else if self.creating {
            put_text(self.doc, &obj, "text", "");
        }
        Ok(())
    }

    /// Seats of booths (`<language>/<interpreter id>`): a language code and an interpreter.
    fn check_seats(&self, seats: &[String]) -> Result<(), EditError> {
        check_set("booths", seats)?;
        for seat in seats {
            let Some((lang, id)) = seat.split_once('/') else {
                return Err(invalid(
                    "booths",
                    format!("{seat:?} is not a seat like \"fr/<interpreter id>\""),
                ));
            };
            check_languages("booths", &[lang.to_owned()])?;
            self.check_refs("booths", RecordType::Interpreter, &[id.to_owned()])?;
        }
        Ok(())
    }

    fn interpreter(&mut self, f: &InterpreterFields) -> Result<(), EditError> {
        self.required("name", &f.name)?;
        for (field, v) in [("name", &f.name), ("email", &f.email), ("team", &f.team)] {
            if let Some(v) = v {
                check_short(field, v)?;
            }
        }
        if let Some(name) = &f.name {
            check_name("name", name)?;
        }
        if let Some(email) = f.email.as_deref().filter(|e| !e.is_empty()) {
            let ok = email
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !email.contains(' '));
            if !ok {
                return Err(invalid(
                    "email",
                    format!("{email:?} is not an e-mail address"),
                ));
            }
        }
        for (field, langs) in [
            ("languages.a", &f.a_languages),
            ("languages.b", &f.b_languages),
            ("languages.c", &f.c_languages),
        ] {
            if let Some(langs) = langs {
                check_languages(field, langs)?;
            }
        }
        if let Some(days) = &f.available {
            check_set("available", days)?;
            for key in days {
                check_availability(key)?;
            }
        }
        let obj = self.obj();
        self.put_opt_str(&obj, "name", &f.name);
        self.put_opt_str(&obj, "email", &f.email);
        self.put_opt_str(&obj, "team", &f.team);
        for (key, langs) in [
            ("a_languages", &f.a_languages),
            ("b_languages", &f.b_languages),
            ("c_languages", &f.c_languages),
            ("available", &f.available),
        ] {
            if let Some(values) = langs {
                put_set(self.doc, &obj, key, values);
            }
        }
        Ok(())
    }

    pub(super) fn archive(&mut self, archive: bool) -> Result<(), EditError> {
        let obj = self.obj();
        put(self.doc, &obj, "archived", archive);
        if archive {
            put(self.doc, &obj, "archived_at", self.ctx.now.to_string());
            put(self.doc, &obj, "archived_by", self.ctx.author);
        } else {
            let _ = self.doc.delete(&obj, "archived_at");
            let _ = self.doc.delete(&obj, "archived_by");
        }
        self.finish();
        Ok(())
    }

    pub(super) fn resolve(&mut self, field: &str, value: &ScalarValue) -> Result<(), EditError> {
        let obj = self.obj();
        let (parent, key) = resolve_path(self.doc, &obj, field)
            .ok_or_else(|| invalid("field", format!("{field:?} is not a field of this record")))?;
        let values = self.doc.get_all(&parent, key.as_str()).unwrap_or_default();
        let scalars: Vec<ScalarValue> = values
            .iter()
            .filter_map(|(v, _)| match v {
                Value::Scalar(s) => Some(s.as_ref().clone()),
                Value::Object(_) => None,
            })
            .collect();
        if scalars.len() < 2 {
            return Err(invalid(
                "field",
                format!("{field:?} has no conflict to resolve"),
            ));
        }
        if !scalars.contains(value) {
            return Err(invalid(
                "value",
                "must be one of the conflicting values listed for this field",
            ));
        }
        put(self.doc, &parent, key.as_str(), value.clone());
        self.finish();
        Ok(())
    }

    fn put_opt_str(&mut self, obj: &ObjId, key: &str, v: &Option<String>) {
        if let Some(v) = v {
            // Writing an unchanged value would still make a new op and could turn a later
            // concurrent edit into a spurious conflict, so only changes are written.
            if get_str(self.doc, obj, key).as_deref() != Some(v.as_str()) {
                put(self.doc, obj, key, v.as_str());
            }
        }
    }

    fn check_refs(&self, field: &str, ty: RecordType, ids: &[String]) -> Result<(), EditError> {
        if ids.len() > SET_MAX {
            return Err(invalid(field, format!("at most {SET_MAX} entries")));
        }
        for id in ids {
            if !record_exists(self.doc, ty, id) {
                return Err(invalid(field, format!("no {ty} with id {id:?}")));
            }
        }
        Ok(())
    }
}
