//! Typed, validated edits of the bureau document.
//!
//! [`apply`] validates an [`Edit`] against the current document first and writes only when the
//! whole edit is valid, so a rejected edit leaves no trace. Each applied edit is one automerge
//! change carrying the author (set on the document by the caller), the time from [`Ctx`] and a
//! message naming the record and fields, which [`crate::history`] shows.

use std::collections::{BTreeMap, BTreeSet};

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value};
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use thiserror::Error;

use crate::records::*;
use crate::schema::{self, SCHEMA_VERSION, SET_MAX, SHORT_MAX, TEXT_MAX};

/// What an edit needs from the outside world. The model has no clock and no randomness, so the
/// caller passes them in.
pub struct Ctx<'a> {
    /// The time of the edit.
    pub now: Timestamp,
    /// Member id of the person editing; stored in `updated_by` and the like.
    pub author: &'a str,
    /// Makes a fresh random id for a new record.
    pub new_id: &'a mut dyn FnMut() -> String,
}

impl std::fmt::Debug for Ctx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("now", &self.now)
            .field("author", &self.author)
            .finish_non_exhaustive()
    }
}

/// Why an edit was refused. Nothing was written.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EditError {
    /// A field's value is not acceptable; `field` names it as the API spells it.
    #[error("{field}: {message}")]
    Invalid {
        /// The offending field.
        field: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// The record to edit does not exist.
    #[error("no {ty} with id {id:?}")]
    NotFound {
        /// Record type looked for.
        ty: RecordType,
        /// Id looked for.
        id: String,
    },
    /// The document has no bureau yet (it was never initialised or not yet received).
    #[error("the document holds no bureau yet")]
    NoBureau,
    /// The bureau already exists.
    #[error("the document already holds a bureau")]
    AlreadyInitialised,
}

fn invalid(field: &str, message: impl Into<String>) -> EditError {
    EditError::Invalid {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// A new bureau: its settings, the founding member and that member's first device.
#[derive(Clone, Debug)]
pub struct InitBureau {
    /// Random id of the bureau.
    pub bureau_id: String,
    /// Title shown to users.
    pub title: String,
    /// IANA time zone of the venue.
    pub timezone: String,
    /// Member id of the founder (the caller's author).
    pub founder_id: String,
    /// The founder's name.
    pub founder_name: String,
    /// The founder's device (peer id) and its name.
    pub device: Option<(String, String)>,
}

/// Fields of a member; `None` leaves a field as it is (or empty on create).
#[derive(Clone, Debug, Default)]
#[allow(missing_docs, reason = "the fields mirror Member's, documented there")]
pub struct MemberFields {
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub languages: Option<Vec<String>>,
}

/// Fields of a group.
#[derive(Clone, Debug, Default)]
#[allow(missing_docs, reason = "the fields mirror Group's, documented there")]
pub struct GroupFields {
    pub name: Option<String>,
    pub kind: Option<GroupKind>,
    pub status: Option<GroupStatus>,
    pub focal_points: Option<Vec<String>>,
}

/// Fields of a composition review. Setting `status` to recorded applies the decisions.
#[derive(Clone, Debug, Default)]
#[allow(missing_docs, reason = "the fields mirror Review's, documented there")]
pub struct ReviewFields {
    pub date: Option<String>,
    pub status: Option<ReviewStatus>,
    /// Decisions to set; other groups' decisions stay.
    pub decisions: Option<BTreeMap<String, Decision>>,
    pub notes: Option<String>,
}

/// Fields of a room.
#[derive(Clone, Debug, Default)]
#[allow(missing_docs, reason = "the fields mirror Room's, documented there")]
pub struct RoomFields {
    pub name: Option<String>,
    pub capacity: Option<u32>,
    pub booths: Option<Vec<String>>,
    pub equipment: Option<Vec<String>>,
}

/// Fields of a meeting. Times may carry an offset or be civil times in the venue's zone.
#[derive(Clone, Debug, Default)]
#[allow(missing_docs, reason = "the fields mirror Meeting's, documented there")]
pub struct MeetingFields {
    pub title: Option<String>,
    pub kind: Option<MeetingKind>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub room_id: Option<String>,
    pub organiser: Option<String>,
    pub languages: Option<Vec<String>>,
    pub resources: Option<BTreeMap<String, ResourceState>>,
    pub status: Option<MeetingStatus>,
    pub groups: Option<Vec<String>>,
    pub members: Option<Vec<String>>,
    pub agenda: Option<String>,
}

/// Fields of a liaison body.
#[derive(Clone, Debug, Default)]
#[allow(missing_docs, reason = "the fields mirror Body's, documented there")]
pub struct BodyFields {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// An action item to add (no id) or change (with id).
#[derive(Clone, Debug, Default)]
#[allow(missing_docs, reason = "the fields mirror Action's, documented there")]
pub struct ActionFields {
    pub id: Option<String>,
    pub text: Option<String>,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub done: Option<bool>,
    /// Removes the action item from the note (it stays in history).
    pub archived: Option<bool>,
}

/// Fields of a liaison note.
#[derive(Clone, Debug, Default)]
#[allow(missing_docs, reason = "the fields mirror Note's, documented there")]
pub struct NoteFields {
    pub body_id: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub date: Option<String>,
    pub content_implications: Option<bool>,
    pub plenary_consulted: Option<bool>,
    /// Action items to add or change; items not named stay as they are.
    pub actions: Option<Vec<ActionFields>>,
}

/// The fields of one record of any editable type.
#[derive(Clone, Debug)]
#[allow(missing_docs, reason = "one variant per record type")]
pub enum Fields {
    Member(MemberFields),
    Group(GroupFields),
    Review(ReviewFields),
    Room(RoomFields),
    Meeting(MeetingFields),
    Body(BodyFields),
    Note(NoteFields),
}

impl Fields {
    /// The record type these fields belong to.
    pub fn record_type(&self) -> RecordType {
        match self {
            Fields::Member(_) => RecordType::Member,
            Fields::Group(_) => RecordType::Group,
            Fields::Review(_) => RecordType::Review,
            Fields::Room(_) => RecordType::Room,
            Fields::Meeting(_) => RecordType::Meeting,
            Fields::Body(_) => RecordType::Body,
            Fields::Note(_) => RecordType::Note,
        }
    }
}

/// One user intention, applied as one automerge change.
#[derive(Clone, Debug)]
pub enum Edit {
    /// Creates the bureau in an empty document.
    Init(InitBureau),
    /// Brings an older document layout up to [`SCHEMA_VERSION`].
    Migrate,
    /// Creates a record; required fields must be present.
    Create(Fields),
    /// Changes the given fields of a record.
    Update {
        /// The record.
        id: String,
        /// What to change.
        fields: Fields,
    },
    /// Hides a record without deleting it.
    Archive {
        /// Record type.
        ty: RecordType,
        /// Record id.
        id: String,
    },
    /// Brings an archived record back.
    Restore {
        /// Record type.
        ty: RecordType,
        /// Record id.
        id: String,
    },
    /// Picks one of a conflicted field's concurrent values.
    Resolve {
        /// Record type.
        ty: RecordType,
        /// Record id.
        id: String,
        /// Dotted field path as listed by [`crate::conflicts`].
        field: String,
        /// The chosen value: one of the listed values.
        value: ScalarValue,
    },
    /// Adds (or re-adds) a device to the allow-list.
    AddDevice {
        /// The device's peer id.
        peer_id: String,
        /// Owning member id (must exist).
        member_id: String,
        /// Device name.
        name: String,
        /// Editor or observer.
        role: Role,
    },
    /// Revokes a device.
    RevokeDevice {
        /// The device's peer id.
        peer_id: String,
    },
    /// Records where a device can be reached and which sync protocols it speaks, so every
    /// member's node can dial every other and open a protocol it speaks (each node writes
    /// only its own record, so the `protocols` set, made on first use, is never made by two
    /// nodes at once).
    SetDeviceAddrs {
        /// The device's peer id.
        peer_id: String,
        /// Its listen addresses (multiaddrs).
        addrs: Vec<String>,
        /// The sync protocols it speaks (`/bureau/sync/1`, ...).
        protocols: Vec<String>,
    },
}

/// What an applied edit produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The record created or changed.
    Record(RecordType, String),
    /// The bureau (meta) as a whole.
    Bureau,
    /// Nothing needed changing (e.g. a migration of an up-to-date document).
    Nothing,
}

/// Validates and applies one edit as one change. On error nothing is written.
pub fn apply(doc: &mut AutoCommit, edit: &Edit, ctx: &mut Ctx<'_>) -> Result<Applied, EditError> {
    let res = apply_inner(doc, edit, ctx);
    match &res {
        Ok(Applied::Nothing) | Err(_) => {
            doc.rollback();
        }
        Ok(applied) => {
            let msg = describe(edit, applied);
            doc.commit_with(
                CommitOptions::default()
                    .with_message(msg)
                    .with_time(ctx.now.as_millisecond()),
            );
        }
    }
    res
}

/// The change message: what kind of edit, on which record, touching which fields.
fn describe(edit: &Edit, applied: &Applied) -> String {
    let target = match applied {
        Applied::Record(ty, id) => format!("{ty} {id}"),
        Applied::Bureau | Applied::Nothing => "bureau".to_owned(),
    };
    match edit {
        Edit::Init(_) => "create bureau".to_owned(),
        Edit::Migrate => format!("migrate to schema {SCHEMA_VERSION}"),
        Edit::Create(_) => format!("create {target}"),
        Edit::Update { .. } => format!("update {target}"),
        Edit::Archive { .. } => format!("archive {target}"),
        Edit::Restore { .. } => format!("restore {target}"),
        Edit::Resolve { field, .. } => format!("resolve {target} {field}"),
        Edit::AddDevice { .. } => format!("add {target}"),
        Edit::RevokeDevice { .. } => format!("revoke {target}"),
        Edit::SetDeviceAddrs { .. } => format!("update addresses of {target}"),
    }
}

fn apply_inner(doc: &mut AutoCommit, edit: &Edit, ctx: &mut Ctx<'_>) -> Result<Applied, EditError> {
    if let Edit::Init(init) = edit {
        return init_bureau(doc, init, ctx);
    }
    let Some(meta) = map_at(doc, &automerge::ROOT, "meta") else {
        return Err(EditError::NoBureau);
    };
    match edit {
        Edit::Init(_) => unreachable!("handled above"),
        Edit::Migrate => migrate(doc, &meta),
        Edit::Create(fields) => {
            let ty = fields.record_type();
            let id = (ctx.new_id)();
            let mut w = Writer::new(doc, ctx, &meta, ty, &id, true)?;
            w.fields(fields)?;
            Ok(Applied::Record(ty, id))
        }
        Edit::Update { id, fields } => {
            let ty = fields.record_type();
            let mut w = Writer::new(doc, ctx, &meta, ty, id, false)?;
            w.fields(fields)?;
            Ok(Applied::Record(ty, id.clone()))
        }
        Edit::Archive { ty, id } | Edit::Restore { ty, id } => {
            if *ty == RecordType::Device {
                return Err(invalid("type", "devices are revoked, not archived"));
            }
            let archive = matches!(edit, Edit::Archive { .. });
            let mut w = Writer::new(doc, ctx, &meta, *ty, id, false)?;
            w.archive(archive)?;
            Ok(Applied::Record(*ty, id.clone()))
        }
        Edit::Resolve {
            ty,
            id,
            field,
            value,
        } => {
            let mut w = Writer::new(doc, ctx, &meta, *ty, id, false)?;
            w.resolve(field, value)?;
            Ok(Applied::Record(*ty, id.clone()))
        }
        Edit::AddDevice {
            peer_id,
            member_id,
            name,
            role,
        } => {
            check_name("name", name)?;
            check_peer_id(peer_id)?;
            if !record_exists(doc, RecordType::Member, member_id) {
                return Err(invalid(
                    "member_id",
                    format!("no member with id {member_id:?}"),
                ));
            }
            let devices = collection(doc, RecordType::Device);
            let dev = put_map(doc, &devices, peer_id);
            put(doc, &dev, "member_id", member_id.as_str());
            put(doc, &dev, "name", name.as_str());
            put(doc, &dev, "role", role.as_str());
            put(doc, &dev, "revoked", false);
            put(doc, &dev, "added_at", ctx.now.to_string());
            put(doc, &dev, "added_by", ctx.author);
            Ok(Applied::Record(RecordType::Device, peer_id.clone()))
        }
        Edit::RevokeDevice { peer_id } => {
            let devices = collection(doc, RecordType::Device);
            let Some(dev) = map_at(doc, &devices, peer_id) else {
                return Err(EditError::NotFound {
                    ty: RecordType::Device,
                    id: peer_id.clone(),
                });
            };
            put(doc, &dev, "revoked", true);
            put(doc, &dev, "revoked_at", ctx.now.to_string());
            put(doc, &dev, "revoked_by", ctx.author);
            Ok(Applied::Record(RecordType::Device, peer_id.clone()))
        }
        Edit::SetDeviceAddrs {
            peer_id,
            addrs,
            protocols,
        } => {
            if addrs.len() > MAX_DEVICE_ADDRS {
                return Err(invalid(
                    "addrs",
                    format!("at most {MAX_DEVICE_ADDRS} addresses"),
                ));
            }
            check_set("addrs", addrs)?;
            if protocols.len() > MAX_DEVICE_ADDRS {
                return Err(invalid(
                    "protocols",
                    format!("at most {MAX_DEVICE_ADDRS} protocols"),
                ));
            }
            check_set("protocols", protocols)?;
            let devices = collection(doc, RecordType::Device);
            let Some(dev) = map_at(doc, &devices, peer_id) else {
                return Err(EditError::NotFound {
                    ty: RecordType::Device,
                    id: peer_id.clone(),
                });
            };
            let have: BTreeSet<String> = map_at(doc, &dev, "addrs")
                .map(|m| doc.keys(&m).collect())
                .unwrap_or_default();
            let want: BTreeSet<String> = addrs.iter().cloned().collect();
            let have_protocols: BTreeSet<String> = map_at(doc, &dev, "protocols")
                .map(|m| doc.keys(&m).collect())
                .unwrap_or_default();
            let want_protocols: BTreeSet<String> = protocols.iter().cloned().collect();
            if have == want && have_protocols == want_protocols {
                return Ok(Applied::Nothing);
            }
            if have != want {
                put_set(doc, &dev, "addrs", addrs);
            }
            if have_protocols != want_protocols {
                put_set(doc, &dev, "protocols", protocols);
            }
            Ok(Applied::Record(RecordType::Device, peer_id.clone()))
        }
    }
}

/// Most addresses a device may list: a laptop has a few interfaces, each with TCP and QUIC.
const MAX_DEVICE_ADDRS: usize = 16;

fn init_bureau(
    doc: &mut AutoCommit,
    init: &InitBureau,
    ctx: &mut Ctx<'_>,
) -> Result<Applied, EditError> {
    if doc.get(automerge::ROOT, "meta").ok().flatten().is_some() {
        return Err(EditError::AlreadyInitialised);
    }
    check_name("title", &init.title)?;
    check_required("title", &init.title)?;
    check_required("name", &init.founder_name)?;
    check_name("name", &init.founder_name)?;
    TimeZone::get(&init.timezone)
        .map_err(|_| invalid("timezone", format!("unknown time zone {:?}", init.timezone)))?;
    let meta = put_map(doc, &automerge::ROOT, "meta");
    put(doc, &meta, "schema", SCHEMA_VERSION);
    put(doc, &meta, "bureau_id", init.bureau_id.as_str());
    put(doc, &meta, "title", init.title.as_str());
    put(doc, &meta, "timezone", init.timezone.as_str());
    put(
        doc,
        &meta,
        "review_interval_days",
        u64::from(schema::DEFAULT_REVIEW_INTERVAL_DAYS),
    );
    put(doc, &meta, "created_at", ctx.now.to_string());
    // Every collection exists from the start: if two offline nodes each created a missing
    // collection map, one of the two maps (and its records) would lose the merge.
    for ty in RecordType::ALL {
        put_map(doc, &automerge::ROOT, ty.collection());
    }
    let members = collection(doc, RecordType::Member);
    let founder = put_map(doc, &members, &init.founder_id);
    put(doc, &founder, "name", init.founder_name.as_str());
    stamp(doc, &founder, ctx);
    let bodies = collection(doc, RecordType::Body);
    for (id, name, description) in schema::SEEDED_BODIES {
        let body = put_map(doc, &bodies, id);
        put(doc, &body, "name", *name);
        put(doc, &body, "description", *description);
        stamp(doc, &body, ctx);
    }
    if let Some((peer_id, name)) = &init.device {
        let devices = collection(doc, RecordType::Device);
        let dev = put_map(doc, &devices, peer_id);
        put(doc, &dev, "member_id", init.founder_id.as_str());
        put(doc, &dev, "name", name.as_str());
        put(doc, &dev, "role", Role::Editor.as_str());
        put(doc, &dev, "revoked", false);
        put(doc, &dev, "added_at", ctx.now.to_string());
        put(doc, &dev, "added_by", init.founder_id.as_str());
    }
    Ok(Applied::Bureau)
}

/// Migrations, one per schema step. Version 0 is a document written before `meta.schema`
/// existed; it has the same layout as version 1.
fn migrate(doc: &mut AutoCommit, meta: &ObjId) -> Result<Applied, EditError> {
    let current = match doc.get(meta, "schema") {
        Ok(Some((Value::Scalar(v), _))) => match v.as_ref() {
            ScalarValue::Uint(n) => *n,
            ScalarValue::Int(n) => u64::try_from(*n).unwrap_or(0),
            _ => 0,
        },
        _ => 0,
    };
    if current >= SCHEMA_VERSION {
        return Ok(Applied::Nothing);
    }
    // 0 -> 1: nothing moves; the version number is written so later steps know the start.
    put(doc, meta, "schema", SCHEMA_VERSION);
    Ok(Applied::Bureau)
}

/// The sets and maps a record of each type holds, created along with the record.
fn nested_maps(ty: RecordType) -> &'static [&'static str] {
    match ty {
        RecordType::Member => &["languages"],
        RecordType::Group => &["focal_points", "status_history"],
        RecordType::Review => &["decisions"],
        RecordType::Room => &["booths", "equipment"],
        RecordType::Meeting => &["languages", "resources", "groups", "members"],
        RecordType::Note => &["actions"],
        RecordType::Device | RecordType::Body => &[],
    }
}

/// Writes the fields of one record, validating each before anything is written.
struct Writer<'d, 'c, 'a> {
    doc: &'d mut AutoCommit,
    ctx: &'c mut Ctx<'a>,
    tz: TimeZone,
    ty: RecordType,
    id: String,
    /// The record's map; `None` until a create writes its first field.
    obj: Option<ObjId>,
    creating: bool,
}

impl<'d, 'c, 'a> Writer<'d, 'c, 'a> {
    fn new(
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
            let coll = collection(doc, ty);
            Some(map_at(doc, &coll, id).ok_or_else(|| EditError::NotFound {
                ty,
                id: id.to_owned(),
            })?)
        };
        Ok(Writer {
            doc,
            ctx,
            tz,
            ty,
            id: id.to_owned(),
            obj,
            creating,
        })
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

    fn fields(&mut self, fields: &Fields) -> Result<(), EditError> {
        match fields {
            Fields::Member(f) => self.member(f),
            Fields::Group(f) => self.group(f),
            Fields::Review(f) => self.review(f),
            Fields::Room(f) => self.room(f),
            Fields::Meeting(f) => self.meeting(f),
            Fields::Body(f) => self.body(f),
            Fields::Note(f) => self.note(f),
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
        }
        let was = ReviewStatus::parse(&self.current_str("status")).unwrap_or_default();
        let obj = self.obj();
        self.put_opt_str(&obj, "date", &f.date);
        if let Some(notes) = &f.notes {
            put_text(self.doc, &obj, "notes", notes);
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
        let obj = self.obj();
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
        let obj = self.obj();
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
            put_text(self.doc, &obj, "agenda", agenda);
        } else if self.creating {
            put_text(self.doc, &obj, "agenda", "");
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
            put_text(self.doc, &obj, "text", text);
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

    fn archive(&mut self, archive: bool) -> Result<(), EditError> {
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

    fn resolve(&mut self, field: &str, value: &ScalarValue) -> Result<(), EditError> {
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

/// Finds the map and key that a dotted conflict path (`name`, `actions.<id>.done`) names.
/// Keys may hold dots themselves (a resource named `screen 2.5m`), so each reading of the path
/// as nested keys is tried until one names an existing value.
pub(crate) fn resolve_path<D: ReadDoc>(
    doc: &D,
    record: &ObjId,
    path: &str,
) -> Option<(ObjId, String)> {
    if matches!(doc.get(record, path), Ok(Some(_))) {
        return Some((record.clone(), path.to_owned()));
    }
    path.match_indices('.').find_map(|(i, _)| {
        let child = map_at(doc, record, &path[..i])?;
        resolve_path(doc, &child, &path[i + 1..])
    })
}

fn stamp(doc: &mut AutoCommit, obj: &ObjId, ctx: &Ctx<'_>) {
    put(doc, obj, "updated_at", ctx.now.to_string());
    put(doc, obj, "updated_by", ctx.author);
}

// ---- small helpers over automerge ----------------------------------------------------------

fn put<V: Into<ScalarValue>>(doc: &mut AutoCommit, obj: &ObjId, key: &str, v: V) {
    doc.put(obj, key, v)
        .expect("putting a scalar into a map the edit itself resolved cannot fail");
}

fn put_map(doc: &mut AutoCommit, obj: &ObjId, key: &str) -> ObjId {
    doc.put_object(obj, key, ObjType::Map)
        .expect("creating a map in a map the edit itself resolved cannot fail")
}

pub(crate) fn map_at<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Option<ObjId> {
    match doc.get(obj, key) {
        Ok(Some((Value::Object(ObjType::Map), m))) => Some(m),
        _ => None,
    }
}

fn get_or_put_map(doc: &mut AutoCommit, obj: &ObjId, key: &str) -> ObjId {
    map_at(doc, obj, key).unwrap_or_else(|| put_map(doc, obj, key))
}

fn get_str<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Option<String> {
    match doc.get(obj, key) {
        Ok(Some((Value::Scalar(v), _))) => v.as_str().map(str::to_owned),
        _ => None,
    }
}

/// The root map of a collection, created if a foreign writer left it out.
fn collection(doc: &mut AutoCommit, ty: RecordType) -> ObjId {
    get_or_put_map(doc, &automerge::ROOT, ty.collection())
}

pub(crate) fn record_exists<D: ReadDoc>(doc: &D, ty: RecordType, id: &str) -> bool {
    map_at(doc, &automerge::ROOT, ty.collection())
        .and_then(|c| map_at(doc, &c, id))
        .is_some()
}

/// Makes the set stored at `key` equal `values`: adds what is new and removes what is gone,
/// so that concurrent additions by others survive the merge.
fn put_set(doc: &mut AutoCommit, obj: &ObjId, key: &str, values: &[String]) {
    let set = get_or_put_map(doc, obj, key);
    let want: BTreeSet<&str> = values.iter().map(String::as_str).collect();
    let have: Vec<String> = doc.keys(&set).collect();
    for k in &have {
        if !want.contains(k.as_str()) {
            let _ = doc.delete(&set, k.as_str());
        }
    }
    for v in want {
        if !have.iter().any(|h| h == v) {
            put(doc, &set, v, true);
        }
    }
}

/// Replaces collaborative text by diffing, so concurrent typing elsewhere in it survives.
fn put_text(doc: &mut AutoCommit, obj: &ObjId, key: &str, text: &str) {
    let text_obj = match doc.get(obj, key) {
        Ok(Some((Value::Object(ObjType::Text), t))) => t,
        _ => doc
            .put_object(obj, key, ObjType::Text)
            .expect("creating text in a map the edit itself resolved cannot fail"),
    };
    doc.update_text(&text_obj, text)
        .expect("updating a text object the edit itself resolved cannot fail");
}

// ---- validation ------------------------------------------------------------------------------

fn check_required(field: &str, v: &str) -> Result<(), EditError> {
    if v.trim().is_empty() {
        Err(invalid(field, "must not be empty"))
    } else {
        Ok(())
    }
}

fn check_short(field: &str, v: &str) -> Result<(), EditError> {
    if v.chars().count() > SHORT_MAX {
        return Err(invalid(
            field,
            format!("is longer than {SHORT_MAX} characters"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\t') {
        return Err(invalid(
            field,
            "must be a single line without control characters",
        ));
    }
    Ok(())
}

/// A name or title: a short single line that reads as it shows. Besides [`check_short`], it
/// refuses characters that change how the rest of the line is laid out or that show nothing:
/// the bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069),
/// with which "Amina" can be made to display as another name, and every other format
/// character (Unicode category Cf: zero-width space, word joiner, byte-order mark, soft
/// hyphen, directional marks, ...), with which two names that look the same differ. The two
/// joiners U+200C and U+200D are kept: Persian, Arabic and Indic names and emoji sequences
/// need them. The tag characters that spell a subdivision flag right after U+1F3F4 are kept
/// too, since they are part of that one emoji.
pub fn check_name(field: &str, v: &str) -> Result<(), EditError> {
    check_short(field, v)?;
    if let Some(c) = hidden_char(v) {
        return Err(invalid(
            field,
            format!(
                "contains the invisible or text-direction character U+{:04X}; remove it",
                u32::from(c)
            ),
        ));
    }
    Ok(())
}

/// The first character of `v` a name may not hold (see [`check_name`]), if any.
pub fn hidden_char(v: &str) -> Option<char> {
    // Inside a flag's tag sequence: after U+1F3F4, until the cancel tag U+E007F.
    let mut in_flag_tags = false;
    let mut prev = None;
    for c in v.chars() {
        let tag = ('\u{E0020}'..='\u{E007E}').contains(&c);
        let cancel = c == '\u{E007F}';
        if tag || cancel {
            if in_flag_tags || prev == Some('\u{1F3F4}') {
                in_flag_tags = tag;
                prev = Some(c);
                continue;
            }
            return Some(c);
        }
        in_flag_tags = false;
        if is_format_char(c) && c != '\u{200C}' && c != '\u{200D}' {
            return Some(c);
        }
        // Line and paragraph separators (Zl, Zp) break a name over lines like a newline, and
        // the Hangul fillers show nothing though they are letters.
        if matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}'
        ) {
            return Some(c);
        }
        prev = Some(c);
    }
    None
}

/// Whether `c` is in Unicode's general category Cf (format), as of Unicode 16.
fn is_format_char(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

fn check_text(field: &str, v: &str) -> Result<(), EditError> {
    if v.chars().count() > TEXT_MAX {
        return Err(invalid(
            field,
            format!("is longer than {TEXT_MAX} characters"),
        ));
    }
    Ok(())
}

fn check_set(field: &str, values: &[String]) -> Result<(), EditError> {
    if values.len() > SET_MAX {
        return Err(invalid(field, format!("at most {SET_MAX} entries")));
    }
    for v in values {
        check_required(field, v)?;
        check_short(field, v)?;
    }
    Ok(())
}

/// Language codes in the short BCP 47 form delegates use: `en`, `fr`, `ar`, `zh-Hans`.
fn check_languages(field: &str, langs: &[String]) -> Result<(), EditError> {
    check_set(field, langs)?;
    for l in langs {
        if !is_language_code(l) {
            return Err(invalid(
                field,
                format!("{l:?} is not a language code such as \"en\" or \"zh-Hans\""),
            ));
        }
    }
    Ok(())
}

/// Whether `s` looks like a BCP 47 language tag: 2–3 lowercase letters, then subtags.
pub fn is_language_code(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn check_peer_id(peer_id: &str) -> Result<(), EditError> {
    let ok =
        (20..=128).contains(&peer_id.len()) && peer_id.chars().all(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(invalid("peer_id", format!("{peer_id:?} is not a peer id")))
    }
}

fn parse_date(field: &str, s: &str) -> Result<Date, EditError> {
    s.parse::<Date>()
        .map_err(|_| invalid(field, format!("{s:?} is not a date like 2025-11-16")))
}

/// Parses a meeting time: RFC 3339 with an offset, or a civil time taken in the venue's zone.
pub fn parse_time(field: &str, s: &str, tz: &TimeZone) -> Result<Zoned, EditError> {
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Ok(ts.to_zoned(tz.clone()));
    }
    if let Ok(dt) = s.parse::<DateTime>()
        && let Ok(z) = dt.to_zoned(tz.clone())
    {
        return Ok(z);
    }
    Err(invalid(
        field,
        format!("{s:?} is not a date-time like 2025-11-16T09:00:00+01:00"),
    ))
}

/// RFC 3339 with the zone's offset at that instant, as stored in the document.
pub fn format_time(z: &Zoned) -> String {
    z.timestamp().display_with_offset(z.offset()).to_string()
}
