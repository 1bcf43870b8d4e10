//! Merging two members who are the same person ([`merge_members`]): every reference to the
//! one merged away is made a reference to the one kept, what the kept record lacks is taken
//! from the other, and the one merged away is archived with `merged_into` naming the other.
//!
//! References moved: groups' focal points, meetings' attendees, the owners of notes' action
//! items, and the member of each device (so a person's laptops all belong to the one member).
//! Not moved: who wrote what (`updated_by`, `archived_by`, a device's `added_by`, a status
//! change's `by`, and the automerge authors of history): those say who did something then,
//! and the merged member's record stays, archived, so the names still read; `merged_into`
//! leads from it to the member kept.
//!
//! One change, so a peer sees the merge whole. A reference a peer adds concurrently to the
//! member merged away still names that (archived) member; merging again moves it.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value, ValueRef};

use super::{collection, get_or_put_map, get_str, put, stamp};
use crate::edit::{Applied, Ctx, EditError, invalid};
use crate::read::map_at;
use crate::records::RecordType;

/// Merges the member `from` into the member `into` (see the module's comment).
pub(super) fn merge_members(
    doc: &mut AutoCommit,
    from: &str,
    into: &str,
    ctx: &Ctx<'_>,
) -> Result<Applied, EditError> {
    if from == into {
        return Err(invalid("into", "a member cannot be merged into itself"));
    }
    let members = collection(doc, RecordType::Member);
    let Some(from_obj) = map_at(doc, &members, from) else {
        return Err(EditError::NotFound {
            ty: RecordType::Member,
            id: from.to_owned(),
        });
    };
    let Some(into_obj) = map_at(doc, &members, into) else {
        return Err(invalid("into", format!("no member with id {into:?}")));
    };
    if is_true(doc, &into_obj, "archived") {
        return Err(invalid(
            "into",
            "that member is archived: restore it first, or merge into another",
        ));
    }
    if let Some(other) = get_str(doc, &from_obj, "merged_into") {
        return Err(invalid(
            "id",
            format!("this member was already merged into {other:?}"),
        ));
    }

    // What the kept record lacks, from the other: short fields it leaves empty, and every
    // language either works in.
    for key in ["organisation", "email", "phone"] {
        let kept = get_str(doc, &into_obj, key).unwrap_or_default();
        let theirs = get_str(doc, &from_obj, key).unwrap_or_default();
        if kept.trim().is_empty() && !theirs.trim().is_empty() {
            put(doc, &into_obj, key, theirs.as_str());
        }
    }
    if let Some(theirs) = map_at(doc, &from_obj, "languages") {
        let langs: Vec<String> = doc.keys(&theirs).collect();
        if !langs.is_empty() {
            let kept = get_or_put_map(doc, &into_obj, "languages");
            for l in langs {
                if !matches!(doc.get(&kept, l.as_str()), Ok(Some(_))) {
                    put(doc, &kept, &l, true);
                }
            }
        }
    }

    // The references.
    for (ty, set) in [
        (RecordType::Group, "focal_points"),
        (RecordType::Meeting, "members"),
    ] {
        for rec in records(doc, ty) {
            let Some(set) = map_at(doc, &rec, set) else {
                continue;
            };
            if matches!(doc.get(&set, from), Ok(Some(_))) {
                doc.delete(&set, from)
                    .expect("deleting from a set the edit itself resolved cannot fail");
                if !matches!(doc.get(&set, into), Ok(Some(_))) {
                    put(doc, &set, into, true);
                }
                stamp(doc, &rec, ctx);
            }
        }
    }
    for note in records(doc, RecordType::Note) {
        let Some(actions) = map_at(doc, &note, "actions") else {
            continue;
        };
        let items: Vec<ObjId> = doc
            .keys(&actions)
            .filter_map(|k| map_at(doc, &actions, &k))
            .collect();
        let mut moved = false;
        for item in items {
            if get_str(doc, &item, "owner").as_deref() == Some(from) {
                put(doc, &item, "owner", into);
                moved = true;
            }
        }
        if moved {
            stamp(doc, &note, ctx);
        }
    }
    for device in records(doc, RecordType::Device) {
        if get_str(doc, &device, "member_id").as_deref() == Some(from) {
            put(doc, &device, "member_id", into);
        }
    }

    // The member merged away: archived, leading to the one kept.
    put(doc, &from_obj, "merged_into", into);
    if !is_true(doc, &from_obj, "archived") {
        put(doc, &from_obj, "archived", true);
        put(doc, &from_obj, "archived_at", ctx.now.to_string());
        put(doc, &from_obj, "archived_by", ctx.author);
    }
    stamp(doc, &from_obj, ctx);
    stamp(doc, &into_obj, ctx);
    Ok(Applied::Record(RecordType::Member, into.to_owned()))
}

/// The maps of every record of one type.
fn records(doc: &AutoCommit, ty: RecordType) -> Vec<ObjId> {
    let Some(coll) = map_at(doc, &automerge::ROOT, ty.collection()) else {
        return Vec::new();
    };
    // One pass over the collection: a `get` per key seeks from the map's start each time.
    doc.map_range(&coll, ..)
        .filter(|item| matches!(item.value, ValueRef::Object(ObjType::Map)))
        .map(|item| item.id())
        .collect()
}

fn is_true(doc: &AutoCommit, obj: &ObjId, key: &str) -> bool {
    matches!(
        doc.get(obj, key),
        Ok(Some((Value::Scalar(v), _))) if matches!(v.as_ref(), ScalarValue::Boolean(true))
    )
}
