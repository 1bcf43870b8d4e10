//! Reading the document into typed records without ever failing.
//!
//! The document may hold anything a peer wrote: a number where a string belongs, a list where a
//! map belongs, a record with no name. Every reader here falls back to a default and records a
//! [`Problem`] instead of returning an error, so one odd record never hides the rest.
//!
//! Each map object is read with one `map_range` pass into [`Fields`] rather than one `get` per
//! key: automerge seeks from the object's start for every `get`, so the cost of one `get`
//! per key grows with the object, and reading every record is most of a node's start-up.

use std::collections::BTreeMap;
use std::sync::Arc;

use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, ScalarValueRef, Value, ValueRef};
use serde::{Deserialize, Serialize};

use crate::records::*;
use crate::schema;

/// Something odd found while reading the document: reported to the user, never fatal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The record the problem is in, if any (`None` for the document's root and meta).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<(RecordType, String)>,
    /// Dotted path of the odd value, e.g. `meetings.4f2a.start`.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

/// Records of one type, keyed by id.
///
/// A persistent (structurally shared) sorted map: cloning a snapshot costs a few reference
/// counts, and a changed record copies only the path to it. So the document actor can publish
/// a new snapshot after every change without copying the bureau, and readers holding an older
/// one keep it intact.
pub type Records<T> = imbl::OrdMap<String, Arc<T>>;

/// Every record of the bureau at one point in its history, plus what was odd in it.
///
/// Records are keyed by id in sorted maps so that two replicas with equal heads produce equal
/// snapshots (and equal JSON).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The bureau's own settings.
    pub meta: Meta,
    /// People.
    pub members: Records<Member>,
    /// Nodes, keyed by peer id.
    pub devices: Records<Device>,
    /// Civil society groupings.
    pub groups: Records<Group>,
    /// Composition reviews.
    pub reviews: Records<Review>,
    /// Venue rooms.
    pub rooms: Records<Room>,
    /// The schedule.
    pub meetings: Records<Meeting>,
    /// Liaison bodies.
    pub bodies: Records<Body>,
    /// Liaison notes.
    pub notes: Records<Note>,
    /// Shared texts (the charter, statements, reports).
    pub documents: Records<Document>,
    /// Conference interpreters the bureau can seat in booths.
    pub interpreters: Records<Interpreter>,
    /// The bureau-wide settings (`crate::settings`): as read by [`Snapshot::hydrate`], and as
    /// they take effect once [`Snapshot::set_settings`] has weighed who wrote them.
    pub settings: crate::Settings,
    /// Odd data found while reading, sorted by path.
    pub problems: Vec<Problem>,
}

impl Snapshot {
    /// Reads the whole document.
    pub fn hydrate<D: ReadDoc>(doc: &D) -> Snapshot {
        let mut snap = Snapshot::default();
        let mut problems = Vec::new();
        snap.meta = read_meta(doc, &mut problems);
        snap.settings = crate::Settings::from_values(&crate::settings_raw_values(doc));
        for &ty in RecordType::ALL {
            // Concurrently created collections are read in get_all's order, so a record in
            // both (never made so, but a peer may write anything) is read from the same one
            // as `find_record` finds.
            for coll in collection_objs(doc, ty, &mut problems) {
                for item in doc.map_range(&coll, ..) {
                    let obj =
                        matches!(item.value, ValueRef::Object(ObjType::Map)).then(|| item.id());
                    snap.read_record(doc, obj, ty, &item.key, &mut problems);
                }
            }
        }
        problems.sort_by(|a, b| a.path.cmp(&b.path));
        snap.problems = problems;
        snap
    }

    /// One record (and the bureau's settings) as it was at `heads`: what an edit form showed.
    /// `None` when a head is not a change of `doc`; an empty snapshot when the record did not
    /// exist then. Reads only the record's own objects (see [`AtHeads`](crate::AtHeads)).
    pub fn record_at<D: ReadDoc>(
        doc: &D,
        heads: &[automerge::ChangeHash],
        ty: RecordType,
        id: &str,
    ) -> Option<Snapshot> {
        let at = crate::AtHeads::new(doc, heads)?;
        let mut snap = Snapshot::default();
        snap.refresh(&at, &[(ty, id.to_owned())]);
        Some(snap)
    }

    /// One record as the API shows it (its serde form), if the snapshot holds it.
    pub fn record_json(&self, ty: RecordType, id: &str) -> Option<serde_json::Value> {
        let value = match ty {
            RecordType::Member => serde_json::to_value(self.members.get(id)?),
            RecordType::Device => serde_json::to_value(self.devices.get(id)?),
            RecordType::Group => serde_json::to_value(self.groups.get(id)?),
            RecordType::Review => serde_json::to_value(self.reviews.get(id)?),
            RecordType::Room => serde_json::to_value(self.rooms.get(id)?),
            RecordType::Meeting => serde_json::to_value(self.meetings.get(id)?),
            RecordType::Body => serde_json::to_value(self.bodies.get(id)?),
            RecordType::Note => serde_json::to_value(self.notes.get(id)?),
            RecordType::Document => serde_json::to_value(self.documents.get(id)?),
            RecordType::Interpreter => serde_json::to_value(self.interpreters.get(id)?),
        };
        value.ok()
    }

    /// Re-reads only the given records (after a change that touched just them), leaving the
    /// rest as they are. Equal to a full [`Snapshot::hydrate`] when `touched` covers every
    /// record the change affected.
    ///
    /// Returns, for each of `touched`, whether the read proved that the record has no
    /// conflicted field ([`crate::record_conflicts`] would list none; a record that is gone
    /// has none): the caller can skip that walk, which visits the same maps again. False
    /// means only that the walk is needed.
    pub fn refresh<D: ReadDoc>(&mut self, doc: &D, touched: &[(RecordType, String)]) -> Vec<bool> {
        let mut problems = Vec::new();
        self.meta = read_meta(doc, &mut problems);
        self.problems.retain(|p| match &p.record {
            Some(r) => !touched.iter().any(|t| t == r),
            // Meta's problems were read again above; a broken collection's stay unless re-read.
            None => {
                p.path != "meta"
                    && !p.path.starts_with("meta.")
                    && !touched.iter().any(|(ty, _)| p.path == ty.collection())
            }
        });
        // Each collection is looked up once, not once per touched record; a broken one is
        // reported once, however many of its records were touched.
        let mut collections: Vec<(RecordType, Vec<ObjId>)> = Vec::new();
        let mut clean = Vec::with_capacity(touched.len());
        for (ty, id) in touched {
            let colls = match collections.iter().find(|(t, _)| t == ty) {
                Some((_, colls)) => colls.clone(),
                None => {
                    let colls = collection_objs(doc, *ty, &mut problems);
                    collections.push((*ty, colls.clone()));
                    colls
                }
            };
            // The last collection holding the record, as `hydrate` reads them in order.
            let obj = colls
                .iter()
                .rev()
                .map(|coll| doc.get(coll, id.as_str()))
                .find(|got| matches!(got, Ok(Some(_))));
            clean.push(match obj {
                // Reading the record replaces the old one: one tree update, not two.
                Some(Ok(Some((Value::Object(ObjType::Map), obj)))) => {
                    self.read_record(doc, Some(obj), *ty, id, &mut problems)
                }
                Some(Ok(Some(_))) => {
                    self.remove(*ty, id);
                    self.read_record(doc, None, *ty, id, &mut problems)
                }
                _ => {
                    self.remove(*ty, id);
                    true
                }
            });
        }
        self.problems.extend(problems);
        self.problems.sort_by(|a, b| a.path.cmp(&b.path));
        clean
    }

    fn remove(&mut self, ty: RecordType, id: &str) {
        match ty {
            RecordType::Member => drop(self.members.remove(id)),
            RecordType::Device => drop(self.devices.remove(id)),
            RecordType::Group => drop(self.groups.remove(id)),
            RecordType::Review => drop(self.reviews.remove(id)),
            RecordType::Room => drop(self.rooms.remove(id)),
            RecordType::Meeting => drop(self.meetings.remove(id)),
            RecordType::Body => drop(self.bodies.remove(id)),
            RecordType::Note => drop(self.notes.remove(id)),
            RecordType::Document => drop(self.documents.remove(id)),
            RecordType::Interpreter => drop(self.interpreters.remove(id)),
        }
    }

    /// Reads one record from its map object (`None`: the entry is there but not a map).
    /// True when the read proves the record has no conflicted field: no key it read holds
    /// several values and every map in it was read whole (a map this release does not read,
    /// such as a later release's field, leaves the answer false).
    fn read_record<D: ReadDoc>(
        &mut self,
        doc: &D,
        obj: Option<ObjId>,
        ty: RecordType,
        id: &str,
        problems: &mut Vec<Problem>,
    ) -> bool {
        let mut r = Reader {
            doc,
            problems,
            record: Some((ty, id.to_owned())),
            path: format!("{}.{}", ty.collection(), id),
            clean: Vec::new(),
        };
        let Some(obj) = obj else {
            r.not_a_map();
            return false;
        };
        let rec = obj;
        let obj = Fields::read(doc, &rec);
        let id = id.to_owned();
        match ty {
            RecordType::Member => {
                let m = Member {
                    name: r.req_str(&obj, "name"),
                    organisation: r.str(&obj, "organisation"),
                    email: r.str(&obj, "email"),
                    phone: r.str(&obj, "phone"),
                    languages: r.set(&obj, "languages"),
                    merged_into: Some(r.str(&obj, "merged_into")).filter(|s| !s.is_empty()),
                    stamp: r.stamp(&obj),
                    id,
                };
                self.members.insert(m.id.clone(), Arc::new(m));
            }
            RecordType::Device => {
                let d = Device {
                    member_id: r.req_str(&obj, "member_id"),
                    name: r.str(&obj, "name"),
                    role: r.enumerated(&obj, "role", Role::parse),
                    revoked: r.bool(&obj, "revoked"),
                    added_at: r.str(&obj, "added_at"),
                    added_by: r.str(&obj, "added_by"),
                    addrs: r.set(&obj, "addrs"),
                    protocols: r.set(&obj, "protocols"),
                    actors: r.set(&obj, "actors"),
                    peer_id: id,
                };
                self.devices.insert(d.peer_id.clone(), Arc::new(d));
            }
            RecordType::Group => {
                let g = Group {
                    name: r.req_str(&obj, "name"),
                    kind: r.enumerated(&obj, "kind", GroupKind::parse),
                    status: r.enumerated(&obj, "status", GroupStatus::parse),
                    focal_points: r.set(&obj, "focal_points"),
                    status_history: r.status_history(&obj),
                    stamp: r.stamp(&obj),
                    id,
                };
                self.groups.insert(g.id.clone(), Arc::new(g));
            }
            RecordType::Review => {
                let rv = Review {
                    date: r.req_str(&obj, "date"),
                    status: r.enumerated(&obj, "status", ReviewStatus::parse),
                    decisions: r.enum_map(&obj, "decisions", Decision::parse),
                    notes: r.text(&obj, "notes"),
                    stamp: r.stamp(&obj),
                    id,
                };
                self.reviews.insert(rv.id.clone(), Arc::new(rv));
            }
            RecordType::Room => {
                let booths = r.set(&obj, "booths");
                let room = Room {
                    name: r.req_str(&obj, "name"),
                    capacity: r.u32(&obj, "capacity"),
                    // Rooms recorded before booths were counted have one per booth language.
                    booth_count: match obj.get("booth_count") {
                        Some(_) => r.u32(&obj, "booth_count"),
                        None => u32::try_from(booths.len()).unwrap_or(u32::MAX),
                    },
                    booths,
                    equipment: r.set(&obj, "equipment"),
                    stamp: r.stamp(&obj),
                    id,
                };
                self.rooms.insert(room.id.clone(), Arc::new(room));
            }
            RecordType::Meeting => {
                let m = Meeting {
                    title: r.req_str(&obj, "title"),
                    kind: r.enumerated(&obj, "kind", MeetingKind::parse),
                    start: r.req_str(&obj, "start"),
                    end: r.req_str(&obj, "end"),
                    room_id: r.str(&obj, "room_id"),
                    organiser: r.str(&obj, "organiser"),
                    languages: r.set(&obj, "languages"),
                    resources: r.enum_map(&obj, "resources", ResourceState::parse),
                    status: r.enumerated(&obj, "status", MeetingStatus::parse),
                    groups: r.set(&obj, "groups"),
                    members: r.set(&obj, "members"),
                    agenda: r.text(&obj, "agenda"),
                    booths: booths_of_keys(r.union_set(&rec, "booths").iter().map(String::as_str)),
                    public: r.bool_or(&obj, "public", true),
                    stamp: r.stamp(&obj),
                    id,
                };
                self.meetings.insert(m.id.clone(), Arc::new(m));
            }
            RecordType::Body => {
                let b = Body {
                    name: r.req_str(&obj, "name"),
                    description: r.str(&obj, "description"),
                    stamp: r.stamp(&obj),
                    id,
                };
                self.bodies.insert(b.id.clone(), Arc::new(b));
            }
            RecordType::Note => {
                let n = Note {
                    body_id: r.req_str(&obj, "body_id"),
                    title: r.req_str(&obj, "title"),
                    text: r.text(&obj, "text"),
                    date: r.str(&obj, "date"),
                    content_implications: r.bool(&obj, "content_implications"),
                    plenary_consulted: r.bool(&obj, "plenary_consulted"),
                    actions: r.actions(&obj),
                    stamp: r.stamp(&obj),
                    id,
                };
                self.notes.insert(n.id.clone(), Arc::new(n));
            }
            RecordType::Document => {
                let d = r.document(&obj, id);
                self.documents.insert(d.id.clone(), Arc::new(d));
            }
            RecordType::Interpreter => {
                let mut available: Vec<Availability> = r
                    .set(&obj, "available")
                    .iter()
                    .map(|k| Availability::from_key(k))
                    .collect();
                available.sort();
                let i = Interpreter {
                    name: r.req_str(&obj, "name"),
                    email: r.str(&obj, "email"),
                    languages: LanguageCombination {
                        a: r.set(&obj, "a_languages"),
                        b: r.set(&obj, "b_languages"),
                        c: r.set(&obj, "c_languages"),
                    },
                    available,
                    team: r.str(&obj, "team"),
                    stamp: r.stamp(&obj),
                    id,
                };
                self.interpreters.insert(i.id.clone(), Arc::new(i));
            }
        }
        // The conflicts walk (`conflicts::walk`) leaves the bookkeeping fields out at the
        // record's level and looks only at flagged keys and into maps.
        obj.free_of_conflicts(crate::conflicts::BOOKKEEPING, &r.clean)
    }
}

fn read_meta<D: ReadDoc>(doc: &D, problems: &mut Vec<Problem>) -> Meta {
    let mut r = Reader {
        doc,
        problems,
        record: None,
        path: "meta".to_owned(),
        clean: Vec::new(),
    };
    let obj = match doc.get(automerge::ROOT, "meta") {
        Ok(Some((Value::Object(ObjType::Map), obj))) => Fields::read(doc, &obj),
        Ok(None) => return Meta::default(),
        _ => {
            r.not_a_map();
            return Meta::default();
        }
    };
    Meta {
        schema: r.u64(&obj, "schema"),
        bureau_id: r.req_str(&obj, "bureau_id"),
        title: r.str(&obj, "title"),
        timezone: {
            let tz = r.str(&obj, "timezone");
            if tz.is_empty() { "UTC".to_owned() } else { tz }
        },
        review_interval_days: match r.u32(&obj, "review_interval_days") {
            0 => schema::DEFAULT_REVIEW_INTERVAL_DAYS,
            n => n,
        },
        created_at: r.str(&obj, "created_at"),
    }
}

/// Every root map of one record type: one, unless two nodes each created the collection
/// offline (a collection added after the bureau was founded, such as `documents`), when
/// automerge keeps both at the same key and `get` shows only one. In `get_all`'s order (the
/// one `get` shows last). A problem if the key holds something else and no map.
pub(crate) fn collection_objs<D: ReadDoc>(
    doc: &D,
    ty: RecordType,
    problems: &mut Vec<Problem>,
) -> Vec<ObjId> {
    let all = doc
        .get_all(automerge::ROOT, ty.collection())
        .unwrap_or_default();
    let maps: Vec<ObjId> = all
        .iter()
        .filter(|(v, _)| matches!(v, Value::Object(ObjType::Map)))
        .map(|(_, id)| id.clone())
        .collect();
    if maps.is_empty() && !all.is_empty() {
        problems.push(Problem {
            record: None,
            path: ty.collection().to_owned(),
            message: "is not a map; its records cannot be read".to_owned(),
        });
    }
    maps
}

/// The collection map holding a record and the record's map: the record is edited in the
/// object where it lives, whichever of several concurrently created collections that is.
pub(crate) fn find_record<D: ReadDoc>(doc: &D, ty: RecordType, id: &str) -> Option<(ObjId, ObjId)> {
    collection_objs(doc, ty, &mut Vec::new())
        .into_iter()
        .rev()
        .find_map(|coll| map_at(doc, &coll, id).map(|rec| (coll, rec)))
}

/// The map at `key` in `obj`, if that is a map.
pub(crate) fn map_at<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Option<ObjId> {
    match doc.get(obj, key) {
        Ok(Some((Value::Object(ObjType::Map), m))) => Some(m),
        _ => None,
    }
}

/// The entries of one map object, read in a single pass, sorted by key.
struct Fields {
    items: Vec<(String, Value<'static>, Option<ObjId>)>,
    /// The keys automerge flagged as holding several values (the conflicts walk looks at
    /// these only).
    conflicted: Vec<String>,
}

impl Fields {
    fn read<D: ReadDoc>(doc: &D, obj: &ObjId) -> Fields {
        let mut conflicted = Vec::new();
        let mut items: Vec<(String, Value<'static>, Option<ObjId>)> = doc
            .map_range(obj, ..)
            .map(|item| {
                if item.conflict {
                    conflicted.push(item.key.to_string());
                }
                // The object id is only needed to descend, and costs a lookup to build.
                let id = matches!(item.value, ValueRef::Object(_)).then(|| item.id());
                (item.key.into_owned(), item.value.into_value(), id)
            })
            .collect();
        // map_range yields keys in order; sorting again is cheap and makes lookups safe.
        items.sort_by(|a, b| a.0.cmp(&b.0));
        Fields { items, conflicted }
    }

    /// Whether the conflicts walk of this map would find nothing, skipping `skip` keys: no
    /// other key holds several values, and every map in it is one of `clean` (read whole,
    /// with no key holding several values and no map inside).
    fn free_of_conflicts(&self, skip: &[&str], clean: &[ObjId]) -> bool {
        self.conflicted.iter().all(|k| skip.contains(&k.as_str()))
            && self.items.iter().all(|(_, v, id)| match (v, id) {
                (Value::Object(ObjType::Map), Some(id)) => clean.contains(id),
                _ => true,
            })
    }

    fn get(&self, key: &str) -> Option<(&Value<'static>, Option<&ObjId>)> {
        let i = self
            .items
            .binary_search_by(|(k, _, _)| k.as_str().cmp(key))
            .ok()?;
        let (_, v, id) = &self.items[i];
        Some((v, id.as_ref()))
    }

    fn keys(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|(k, _, _)| k.as_str())
    }
}

/// Tolerant typed reads of one record, collecting problems under its path.
struct Reader<'a, D> {
    doc: &'a D,
    problems: &'a mut Vec<Problem>,
    record: Option<(RecordType, String)>,
    path: String,
    /// The maps read whole in which no key holds several values and no map sits: the
    /// conflicts walk would find nothing in them ([`Snapshot::refresh`] says which records
    /// need no walk at all).
    clean: Vec<ObjId>,
}

impl<D: ReadDoc> Reader<'_, D> {
    fn problem(&mut self, key: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            record: self.record.clone(),
            path: format!("{}.{}", self.path, key),
            message: message.into(),
        });
    }

    fn not_a_map(&mut self) {
        self.problems.push(Problem {
            record: self.record.clone(),
            path: self.path.clone(),
            message: "is not a map".to_owned(),
        });
    }

    fn scalar(&mut self, obj: &Fields, key: &str) -> Option<ScalarValue> {
        match obj.get(key) {
            Some((Value::Scalar(v), _)) => Some(v.as_ref().clone()),
            Some((Value::Object(ObjType::Text), Some(text_obj))) => self
                .doc
                .text(text_obj)
                .ok()
                .map(|s| ScalarValue::Str(s.into())),
            Some((Value::Object(_), _)) => {
                self.problem(key, "expected a single value, found an object");
                None
            }
            None => None,
        }
    }

    fn str(&mut self, obj: &Fields, key: &str) -> String {
        match self.scalar(obj, key) {
            Some(ScalarValue::Str(s)) => s.to_string(),
            None => String::new(),
            Some(other) => {
                self.problem(key, format!("expected text, found {other}"));
                String::new()
            }
        }
    }

    fn req_str(&mut self, obj: &Fields, key: &str) -> String {
        let s = self.str(obj, key);
        if s.is_empty() {
            self.problem(key, "is missing");
        }
        s
    }

    /// Collaborative text (or a plain string, which older or foreign writers may have used).
    fn text(&mut self, obj: &Fields, key: &str) -> String {
        self.str(obj, key)
    }

    fn bool(&mut self, obj: &Fields, key: &str) -> bool {
        self.bool_or(obj, key, false)
    }

    /// A flag whose absence means `default` (a field added after records were written).
    fn bool_or(&mut self, obj: &Fields, key: &str, default: bool) -> bool {
        match self.scalar(obj, key) {
            Some(ScalarValue::Boolean(b)) => b,
            None => default,
            Some(other) => {
                self.problem(key, format!("expected true or false, found {other}"));
                default
            }
        }
    }

    fn u64(&mut self, obj: &Fields, key: &str) -> u64 {
        match self.scalar(obj, key) {
            Some(ScalarValue::Uint(n)) => n,
            Some(ScalarValue::Int(n)) if n >= 0 => n as u64,
            None => 0,
            Some(other) => {
                self.problem(key, format!("expected a whole number, found {other}"));
                0
            }
        }
    }

    fn u32(&mut self, obj: &Fields, key: &str) -> u32 {
        let n = self.u64(obj, key);
        u32::try_from(n).unwrap_or_else(|_| {
            self.problem(key, format!("{n} is too large"));
            u32::MAX
        })
    }

    fn enumerated<T: Default>(
        &mut self,
        obj: &Fields,
        key: &str,
        parse: fn(&str) -> Result<T, String>,
    ) -> T {
        let s = self.str(obj, key);
        if s.is_empty() {
            return T::default();
        }
        parse(&s).unwrap_or_else(|e| {
            self.problem(key, e);
            T::default()
        })
    }

    /// A set stored as a map `value -> true`. A list of strings is accepted too.
    fn set(&mut self, obj: &Fields, key: &str) -> Vec<String> {
        match obj.get(key) {
            Some((Value::Object(ObjType::Map), Some(set))) => {
                let mut out = self.set_members(set);
                out.sort();
                out
            }
            Some((Value::Object(ObjType::List), Some(list))) => {
                let mut out: Vec<String> = (0..self.doc.length(list))
                    .filter_map(|i| match self.doc.get(list, i) {
                        Ok(Some((Value::Scalar(v), _))) => v.as_str().map(str::to_owned),
                        _ => None,
                    })
                    .collect();
                out.sort();
                out.dedup();
                out
            }
            None => Vec::new(),
            _ => {
                self.problem(key, "expected a set");
                Vec::new()
            }
        }
    }

    /// A set that a later release added to records made before it (a meeting's `booths`):
    /// two nodes may each have made it for the same record offline, so every map at the key
    /// is read and their keys united (DESIGN section 6, objects created concurrently).
    fn union_set(&mut self, rec: &ObjId, key: &str) -> Vec<String> {
        let all = self.doc.get_all(rec, key).unwrap_or_default();
        let mut out = Vec::new();
        let mut odd = false;
        for (v, set) in &all {
            if !matches!(v, Value::Object(ObjType::Map)) {
                odd = true;
                continue;
            }
            out.extend(self.set_members(set));
        }
        if odd && out.is_empty() {
            self.problem(key, "expected a set");
        }
        out.sort();
        out.dedup();
        out
    }

    /// The members of a set map (keys whose value is neither `false` nor null), noting the
    /// map as clean when no key holds several values and no map is inside.
    fn set_members(&mut self, set: &ObjId) -> Vec<String> {
        let mut clean = true;
        let mut out = Vec::new();
        for item in self.doc.map_range(set, ..) {
            clean &= !item.conflict && !matches!(item.value, ValueRef::Object(ObjType::Map));
            if !matches!(
                item.value,
                ValueRef::Scalar(ScalarValueRef::Boolean(false) | ScalarValueRef::Null)
            ) {
                out.push(item.key.into_owned());
            }
        }
        if clean {
            self.clean.push(set.clone());
        }
        out
    }

    /// A map `name -> enum value`, skipping (and reporting) values outside the enum.
    fn enum_map<T>(
        &mut self,
        obj: &Fields,
        key: &str,
        parse: fn(&str) -> Result<T, String>,
    ) -> BTreeMap<String, T> {
        let mut out = BTreeMap::new();
        let Some(map) = self.sub_map(obj, key) else {
            return out;
        };
        for k in map.keys() {
            let path = format!("{key}.{k}");
            match self.scalar(&map, k) {
                Some(ScalarValue::Str(s)) => match parse(&s) {
                    Ok(v) => {
                        out.insert(k.to_owned(), v);
                    }
                    Err(e) => self.problem(&path, e),
                },
                Some(ScalarValue::Null) | None => {}
                Some(other) => self.problem(&path, format!("unexpected value {other}")),
            }
        }
        out
    }

    fn sub_map(&mut self, obj: &Fields, key: &str) -> Option<Fields> {
        match obj.get(key) {
            Some((Value::Object(ObjType::Map), Some(m))) => {
                let fields = Fields::read(self.doc, m);
                if fields.free_of_conflicts(&[], &[]) {
                    self.clean.push(m.clone());
                }
                Some(fields)
            }
            None => None,
            _ => {
                self.problem(key, "expected a map");
                None
            }
        }
    }

    fn stamp(&mut self, obj: &Fields) -> Stamp {
        let archived = self.bool(obj, "archived");
        let opt = |s: String| (!s.is_empty()).then_some(s);
        Stamp {
            archived,
            archived_at: if archived {
                opt(self.str(obj, "archived_at"))
            } else {
                None
            },
            archived_by: if archived {
                opt(self.str(obj, "archived_by"))
            } else {
                None
            },
            updated_at: self.str(obj, "updated_at"),
            updated_by: self.str(obj, "updated_by"),
        }
    }

    fn status_history(&mut self, obj: &Fields) -> Vec<StatusChange> {
        let Some(map) = self.sub_map(obj, "status_history") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for k in map.keys() {
            let Some(entry) = self.sub_map(&map, k) else {
                continue;
            };
            let opt = |s: String| (!s.is_empty()).then_some(s);
            out.push(StatusChange {
                status: self.enumerated(&entry, "status", StatusEvent::parse),
                at: self.str(&entry, "at"),
                by: self.str(&entry, "by"),
                review_id: opt(self.str(&entry, "review_id")),
            });
        }
        // Keys are random, so order by time (then the rest) for a stable, readable history.
        out.sort_by(|a, b| (&a.at, a.status, &a.by).cmp(&(&b.at, b.status, &b.by)));
        out
    }

    /// A shared document, with its comments' and suggestions' ranges where their cursors are
    /// now.
    fn document(&mut self, obj: &Fields, id: String) -> Document {
        let text_obj = match obj.get("text") {
            Some((Value::Object(ObjType::Text), Some(t))) => Some(t.clone()),
            _ => None,
        };
        let text = self.text(obj, "text");
        let chars = text_obj
            .as_ref()
            .map(|t| crate::text::chars_of(self.doc, t, None))
            .unwrap_or_default();
        let mut comments = Vec::new();
        if let Some(map) = self.sub_map(obj, "comments") {
            for k in map.keys() {
                let Some(c) = self.sub_map(&map, k) else {
                    continue;
                };
                let (start, end) =
                    self.anchored(&c, text_obj.as_ref(), &chars, &format!("comments.{k}"));
                let mut replies = Vec::new();
                if let Some(rs) = self.sub_map(&c, "replies") {
                    for rk in rs.keys() {
                        let Some(r) = self.sub_map(&rs, rk) else {
                            continue;
                        };
                        replies.push(Reply {
                            author: self.str(&r, "author"),
                            body: self.str(&r, "body"),
                            at: self.str(&r, "at"),
                            id: rk.to_owned(),
                        });
                    }
                }
                replies.sort_by(|a, b| (&a.at, &a.id).cmp(&(&b.at, &b.id)));
                comments.push(Comment {
                    start,
                    end,
                    quote: self.str(&c, "quote"),
                    author: self.str(&c, "author"),
                    author_name: self.str(&c, "author_name"),
                    body: self.str(&c, "body"),
                    resolved: self.bool(&c, "resolved"),
                    at: self.str(&c, "at"),
                    own_line: self.bool(&c, "own_line"),
                    replies,
                    id: k.to_owned(),
                });
            }
        }
        // In the order of the text (then of writing), as a reader meets them.
        comments
            .sort_by(|a, b| (a.start, a.end, &a.at, &a.id).cmp(&(b.start, b.end, &b.at, &b.id)));
        let mut suggestions = Vec::new();
        if let Some(map) = self.sub_map(obj, "suggestions") {
            for k in map.keys() {
                let Some(sg) = self.sub_map(&map, k) else {
                    continue;
                };
                let (start, end) =
                    self.anchored(&sg, text_obj.as_ref(), &chars, &format!("suggestions.{k}"));
                let applied = self.sub_map(&sg, "applied").map_or(0, |m| m.keys().count());
                let status = self.enumerated(&sg, "status", SuggestionStatus::parse);
                suggestions.push(Suggestion {
                    start,
                    end,
                    quote: self.str(&sg, "quote"),
                    replacement: self.str(&sg, "replacement"),
                    author: self.str(&sg, "author"),
                    author_name: self.str(&sg, "author_name"),
                    // Its replacement is in the text: accepted, whatever a concurrent
                    // rejection wrote.
                    status: if applied > 0 {
                        SuggestionStatus::Accepted
                    } else {
                        status
                    },
                    at: self.str(&sg, "at"),
                    decided_by: self.str(&sg, "decided_by"),
                    applied,
                    id: k.to_owned(),
                });
            }
        }
        suggestions
            .sort_by(|a, b| (a.start, a.end, &a.at, &a.id).cmp(&(b.start, b.end, &b.at, &b.id)));
        let mut versions = Vec::new();
        if let Some(map) = self.sub_map(obj, "versions") {
            for k in map.keys() {
                let Some(v) = self.sub_map(&map, k) else {
                    continue;
                };
                let heads = self.str(&v, "heads");
                versions.push(Version {
                    name: self.str(&v, "name"),
                    heads: heads
                        .split(',')
                        .filter(|h| !h.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    at: self.str(&v, "at"),
                    author: self.str(&v, "author"),
                    id: k.to_owned(),
                });
            }
        }
        versions.sort_by(|a, b| (&a.at, &a.name, &a.id).cmp(&(&b.at, &b.name, &b.id)));
        Document {
            title: self.req_str(obj, "title"),
            status: self.enumerated(obj, "status", DocumentStatus::parse),
            text,
            comments,
            suggestions,
            versions,
            stamp: self.stamp(obj),
            id,
        }
    }

    /// Where the range anchored by `start` and `end` (characters of the text) of a comment or
    /// suggestion is now, in code points of `chars`; `0..0` with a problem if they are not of
    /// this text.
    fn anchored(
        &mut self,
        obj: &Fields,
        text_obj: Option<&ObjId>,
        chars: &[(char, crate::text::Elem)],
        path: &str,
    ) -> (usize, usize) {
        let anchor = crate::text::Anchor {
            start: self.str(obj, "start"),
            end: self.str(obj, "end"),
            heads: self.str(obj, "heads"),
        };
        match text_obj.and_then(|t| crate::text::resolve(self.doc, t, chars, &anchor)) {
            Some(range) => range,
            None => {
                self.problem(path, "its place in the text cannot be found");
                (0, 0)
            }
        }
    }

    fn actions(&mut self, obj: &Fields) -> Vec<Action> {
        let Some(map) = self.sub_map(obj, "actions") else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for k in map.keys() {
            let Some(a) = self.sub_map(&map, k) else {
                continue;
            };
            if self.bool(&a, "archived") {
                continue;
            }
            out.push(Action {
                text: self.str(&a, "text"),
                owner: self.str(&a, "owner"),
                due: self.str(&a, "due"),
                done: self.bool(&a, "done"),
                id: k.to_owned(),
            });
        }
        out
    }
}
