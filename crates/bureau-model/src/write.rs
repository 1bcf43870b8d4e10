//! Writing an edit into the document: [`apply`] and the edits that are not about one record's
//! fields (the bureau's creation, migrations, devices), plus the small helpers over automerge
//! that writing uses. The fields of one record are written by [`record::Writer`].
//!
//! Invariants:
//! - [`apply`] validates an [`Edit`] against the current document first and writes only when
//!   the whole edit is valid, so a rejected edit leaves no trace: the open transaction is
//!   rolled back.
//! - Each applied edit is one automerge change carrying the author (set on the document by the
//!   caller), the time from [`Ctx`] and a message naming the kind of edit and its record,
//!   which [`crate::history`] shows.
//! - A new bureau gets every collection at once: two replicas each creating a missing one at
//!   the same key would make one hide the other, with its records.

mod document;
mod merge;
mod record;

use std::collections::BTreeSet;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value};
use jiff::tz::TimeZone;

use crate::edit::{Applied, Ctx, Edit, EditError, InitBureau, invalid};
use crate::read::map_at;
use crate::records::*;
use crate::schema::{self, SCHEMA_VERSION};
use crate::validate::{check_name, check_peer_id, check_required, check_set};
use record::Writer;

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
        Applied::Bureau | Applied::Nothing | Applied::Records(_) => "bureau".to_owned(),
    };
    match edit {
        Edit::Init(_) => "create bureau".to_owned(),
        Edit::Migrate => format!("migrate to schema {SCHEMA_VERSION}"),
        Edit::Create(_) => format!("create {target}"),
        Edit::Update { .. } | Edit::UpdateMerging { .. } => format!("update {target}"),
        Edit::Archive { .. } => format!("archive {target}"),
        Edit::Restore { .. } => format!("restore {target}"),
        Edit::Resolve { field, .. } => format!("resolve {target} {field}"),
        Edit::AddDevice { .. } => format!("add {target}"),
        Edit::RevokeDevice { .. } => format!("revoke {target}"),
        Edit::SetDeviceRole { role, .. } => format!("set role of {target} to {role}"),
        Edit::RegisterActor { .. } => format!("record the actor of {target}"),
        Edit::MergeMembers { id, .. } => format!("merge member {id} into {target}"),
        Edit::SetDeviceAddrs { .. } => format!("update addresses of {target}"),
        Edit::UpdateSettings(f) => {
            let mut names: Vec<&str> = f.numbers.keys().map(String::as_str).collect();
            if f.feed_secret.is_some() {
                names.push("feed_secret");
            }
            format!("update settings {}", names.join(" "))
        }
        Edit::ImportDocument { .. } => format!("import {target}"),
        Edit::Document { op, .. } => format!("{} in {target}", document::describe(op)),
        Edit::Batch(edits) => {
            let made = edits
                .iter()
                .filter(|e| matches!(e, Edit::Create(_)))
                .count();
            format!(
                "{} edits as one change: create {made}, update {}",
                edits.len(),
                edits.len() - made
            )
        }
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
        Edit::UpdateMerging { id, fields, base } => {
            if crate::AtHeads::new(&*doc, base).is_none() {
                return Err(invalid(
                    "heads",
                    "are not all changes this node holds; open the record again and redo your changes",
                ));
            }
            let ty = fields.record_type();
            let mut w = Writer::new(doc, ctx, &meta, ty, id, false)?;
            w.merging_from(base);
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
            put_anew(doc, &dev, "revoked", true);
            put(doc, &dev, "revoked_at", ctx.now.to_string());
            put(doc, &dev, "revoked_by", ctx.author);
            Ok(Applied::Record(RecordType::Device, peer_id.clone()))
        }
        Edit::SetDeviceRole { peer_id, role } => {
            let devices = collection(doc, RecordType::Device);
            let Some(dev) = map_at(doc, &devices, peer_id) else {
                return Err(EditError::NotFound {
                    ty: RecordType::Device,
                    id: peer_id.clone(),
                });
            };
            put_anew(doc, &dev, "role", role.as_str());
            Ok(Applied::Record(RecordType::Device, peer_id.clone()))
        }
        Edit::MergeMembers { id, into } => merge::merge_members(doc, id, into, ctx),
        Edit::ImportDocument { title, text } => document::import(doc, &meta, title, text, ctx),
        Edit::Batch(edits) => {
            let mut out = Vec::with_capacity(edits.len());
            for (index, edit) in edits.iter().enumerate() {
                let at = |error: EditError| EditError::InBatch {
                    index,
                    error: Box::new(error),
                };
                if !matches!(edit, Edit::Create(_) | Edit::Update { .. }) {
                    return Err(at(invalid(
                        "edits",
                        "a batch holds creates and updates of records only",
                    )));
                }
                // The caller rolls the whole transaction back on an error.
                match apply_inner(doc, edit, ctx).map_err(at)? {
                    Applied::Record(ty, id) => out.push((ty, id)),
                    Applied::Bureau | Applied::Nothing | Applied::Records(_) => {}
                }
            }
            if out.is_empty() {
                Ok(Applied::Nothing)
            } else {
                Ok(Applied::Records(out))
            }
        }
        Edit::Document { id, op } => document::apply_op(doc, &meta, id, op, ctx),
        Edit::UpdateSettings(fields) => {
            let (current, _) = crate::settings_effective(doc.document());
            if crate::settings::write(doc, fields, &current)? {
                Ok(Applied::Bureau)
            } else {
                Ok(Applied::Nothing)
            }
        }
        Edit::RegisterActor { peer_id } => {
            let devices = collection(doc, RecordType::Device);
            let Some(dev) = map_at(doc, &devices, peer_id) else {
                return Err(EditError::NotFound {
                    ty: RecordType::Device,
                    id: peer_id.clone(),
                });
            };
            let actor = doc.get_actor().to_hex_string();
            let actors = get_or_put_map(doc, &dev, "actors");
            if matches!(doc.get(&actors, actor.as_str()), Ok(Some(_))) {
                return Ok(Applied::Nothing);
            }
            put(doc, &actors, &actor, true);
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
        // The founding device is the first admin, and its actor is recorded with it, so the
        // founder's changes are known as an admin's from the start (see `authority`).
        put(doc, &dev, "role", Role::Admin.as_str());
        put(doc, &dev, "revoked", false);
        put(doc, &dev, "added_at", ctx.now.to_string());
        put(doc, &dev, "added_by", init.founder_id.as_str());
        let actors = put_map(doc, &dev, "actors");
        let actor = doc.get_actor().to_hex_string();
        put(doc, &actors, &actor, true);
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

/// Writes `v` at `key` as an operation of this change even when the document already shows
/// that value. automerge writes nothing for a value equal to the current one, but a device's
/// `role` or `revoked` may show a value from a change that took no effect (see
/// `authority`): an admin's edit must be a change of its own to count.
fn put_anew<V: Into<ScalarValue>>(doc: &mut AutoCommit, obj: &ObjId, key: &str, v: V) {
    if matches!(doc.get(obj, key), Ok(Some(_))) {
        doc.delete(obj, key)
            .expect("deleting a key of a map the edit itself resolved cannot fail");
    }
    put(doc, obj, key, v);
}

fn put_map(doc: &mut AutoCommit, obj: &ObjId, key: &str) -> ObjId {
    doc.put_object(obj, key, ObjType::Map)
        .expect("creating a map in a map the edit itself resolved cannot fail")
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
    crate::read::find_record(doc, ty, id).is_some()
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
