//! Which records a batch of changes touched: read from the changes' own operations, with an
//! index from every object of the document to the record that holds it ([`ObjIndex`]).
//!
//! Invariants:
//! - Finding the records costs in proportion to the changes, not to the document: an object
//!   the index knows is a lookup, and only an object the changes just made is looked up in
//!   automerge (its path), then indexed.
//! - The index is a shortcut, brought up to date with the records that got new objects: an
//!   object it does not know is looked up in the document, so no touched record is missed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use automerge::{AutoCommit, ChangeHash, ObjType, ReadDoc, Value, ValueRef};
use bureau_model::RecordType;
use bureau_model::automerge;

/// What the changes after some heads wrote.
pub(crate) struct Written {
    /// The records whose maps (or maps nested in them) they wrote into.
    pub(crate) records: Vec<(RecordType, String)>,
    /// Those of them that got a new object (a new record, a set or text made anew): the
    /// object index reads these again; the others hold no object it does not know.
    pub(crate) made: Vec<(RecordType, String)>,
    /// Whether they wrote into the bureau's settings (a map at the root key `settings`, which
    /// holds no records), which are then read again.
    pub(crate) settings: bool,
}

/// What the changes after `before` (`known`, if the caller has them) wrote (see
/// [`Written`]), or `None` if a change wrote at the root other than `meta` (a collection
/// created or replaced), which needs a full read. `meta` is re-read at every refresh anyway.
pub(crate) fn written_records(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    known: Option<&[automerge::Change]>,
    index: &mut ObjIndex,
) -> Option<Written> {
    use automerge::legacy::{Key, ObjectId, OpId, OpType};
    use automerge::{ObjId, Prop};
    // Each object written into, with the keys written (which name records when the object
    // is a collection), and whether an object was made in it.
    let mut objs: BTreeMap<(u64, automerge::ActorId), (Vec<String>, bool)> = BTreeMap::new();
    let taken;
    let changes = match known {
        Some(c) => c,
        None => {
            taken = doc.get_changes(before);
            &taken
        }
    };
    for change in changes {
        for op in change.decode().operations {
            match op.obj {
                ObjectId::Id(OpId(counter, actor)) => {
                    let (keys, made) = objs.entry((counter, actor)).or_default();
                    *made |= matches!(op.action, OpType::Make(_));
                    if let Key::Map(k) = op.key
                        && !keys.iter().any(|x| x == k.as_str())
                    {
                        keys.push(k.to_string());
                    }
                }
                ObjectId::Root => match op.key {
                    Key::Map(k) if k.as_str() == "meta" => {}
                    _ => return None,
                },
            }
        }
    }
    let mut out: Vec<(RecordType, String)> = Vec::new();
    let mut settings = false;
    let mut seen: HashSet<(RecordType, String)> = HashSet::new();
    let mut made_in: HashSet<(RecordType, String)> = HashSet::new();
    let mut add = |ty: RecordType, id: String, made: bool| {
        if made {
            made_in.insert((ty, id.clone()));
        }
        if seen.insert((ty, id.clone())) {
            out.push((ty, id));
        }
    };
    for (key, (keys, made)) in objs {
        // Objects the index knows (every record's objects, as of the last read) cost an
        // index lookup; `parents` costs a walk of the document's operations, once per object,
        // which for a large sync would outweigh the rest of taking it in.
        let known = index.known(key.0, &key.1);
        if let Some(ty) = known.and_then(|k| index.collections.get(&k)) {
            for id in keys {
                add(*ty, id, made);
            }
            continue;
        }
        if let Some((ty, id)) = known.and_then(|k| index.object(k)) {
            add(ty, id.to_string(), made);
            continue;
        }
        // An object the changes just created. The actor index is only a hint; automerge
        // looks the actor up when it is wrong.
        let Ok(parents) = doc.parents(ObjId::Id(key.0, key.1.clone(), 0)) else {
            continue;
        };
        let path = parents.path();
        let Some((_, Prop::Map(coll))) = path.first() else {
            continue;
        };
        if coll == bureau_model::SETTINGS {
            settings = true;
            continue;
        }
        let Ok(ty) = RecordType::parse(coll) else {
            continue;
        };
        let key = (key.0, index.intern(&key.1));
        match path.get(1) {
            Some((_, Prop::Map(id))) => {
                let record = index.number(ty, id);
                index.insert(key, record);
                add(ty, id.clone(), made);
            }
            None => {
                index.collections.insert(key, ty);
                for id in keys {
                    add(ty, id, made);
                }
            }
            Some(_) => {}
        }
    }
    Some(Written {
        records: out,
        made: made_in.into_iter().collect(),
        settings,
    })
}

/// Which record every object of the document belongs to, by the object's id: lets
/// [`written_records`] name the records a change wrote into without asking automerge for
/// each object's path.
///
/// Kept small, for it covers every object of the document (six or so per record at the
/// benchmark's sizes, 35 MB at size l as a B-tree of full keys and shared ids): an object
/// is keyed by its counter and an interned actor number packed into one `u64`, and maps to
/// its record's number, in a B-tree (no empty hash buckets); each record's type and id are
/// held once. An object whose counter or actor number does not fit the packing (a peer may
/// send any counter) is not indexed: it is looked up in the document like a new one.
#[derive(Debug, Default)]
pub(crate) struct ObjIndex {
    /// The actors of indexed objects, numbered in the order they were first seen.
    actors: HashMap<automerge::ActorId, u32>,
    /// The collections (`members`, `meetings`, ...): their keys are record ids.
    collections: HashMap<ObjKey, RecordType>,
    /// Record maps and the objects inside them (sets, texts, nested maps and their objects),
    /// packed ([`pack`]), to their record's number in `records`.
    objects: BTreeMap<u64, u32>,
    /// Every record indexed, by number.
    records: Vec<(RecordType, Arc<str>)>,
    /// The number of each record in `records`.
    numbers: HashMap<(RecordType, Arc<str>), u32>,
}

/// An object's counter and its actor's number in [`ObjIndex::actors`].
type ObjKey = (u64, u32);

/// Bits of a packed key that hold the actor's number; the counter takes the rest.
const ACTOR_BITS: u32 = 24;

/// An object's key as one `u64`, if its counter and actor number fit.
fn pack((counter, actor): ObjKey) -> Option<u64> {
    (counter < 1 << (64 - ACTOR_BITS) && actor < 1 << ACTOR_BITS)
        .then(|| counter << ACTOR_BITS | u64::from(actor))
}

impl ObjIndex {
    /// Indexes every record of `doc`.
    pub(crate) fn build<D: ReadDoc>(doc: &D) -> ObjIndex {
        let mut index = ObjIndex::default();
        for &ty in RecordType::ALL {
            let Ok(Some((Value::Object(ObjType::Map), coll))) =
                doc.get(automerge::ROOT, ty.collection())
            else {
                continue;
            };
            if let Some(key) = index.key_of(&coll) {
                index.collections.insert(key, ty);
            }
            for item in doc.map_range(&coll, ..) {
                if matches!(item.value, ValueRef::Object(ObjType::Map)) {
                    let rec = item.id();
                    index.add_record(doc, ty, &item.key, &rec);
                }
            }
        }
        index
    }

    /// Indexes (again) records that got new objects.
    pub(crate) fn refresh<D: ReadDoc>(&mut self, doc: &D, touched: &[(RecordType, String)]) {
        for (ty, id) in touched {
            let Ok(Some((Value::Object(ObjType::Map), coll))) =
                doc.get(automerge::ROOT, ty.collection())
            else {
                continue;
            };
            if let Ok(Some((Value::Object(ObjType::Map), rec))) = doc.get(&coll, id.as_str()) {
                self.add_record(doc, *ty, id, &rec);
            }
        }
    }

    /// A record's map, the objects in it and the objects in its nested maps (records go no
    /// deeper: action items and status changes hold only values).
    fn add_record<D: ReadDoc>(
        &mut self,
        doc: &D,
        ty: RecordType,
        id: &str,
        rec: &automerge::ObjId,
    ) {
        let record = self.number(ty, id);
        let add = |index: &mut ObjIndex, obj: &automerge::ObjId| {
            if let Some(key) = index.key_of(obj) {
                index.insert(key, record);
            }
        };
        add(self, rec);
        for item in doc.map_range(rec, ..) {
            let ValueRef::Object(kind) = item.value else {
                continue;
            };
            let child = item.id();
            add(self, &child);
            if kind == ObjType::Map {
                for sub in doc.map_range(&child, ..) {
                    if matches!(sub.value, ValueRef::Object(_)) {
                        add(self, &sub.id());
                    }
                }
            }
        }
    }

    /// The number of a record, given one if it has none yet.
    fn number(&mut self, ty: RecordType, id: &str) -> u32 {
        let key = (ty, Arc::from(id));
        if let Some(&n) = self.numbers.get(&key) {
            return n;
        }
        let n = self.records.len() as u32;
        self.records.push(key.clone());
        self.numbers.insert(key, n);
        n
    }

    /// Indexes an object of record number `record` (nothing if its key does not pack).
    fn insert(&mut self, key: ObjKey, record: u32) {
        if let Some(packed) = pack(key) {
            self.objects.insert(packed, record);
        }
    }

    /// The record an indexed object belongs to.
    fn object(&self, key: ObjKey) -> Option<(RecordType, &Arc<str>)> {
        let n = *self.objects.get(&pack(key)?)?;
        self.records.get(n as usize).map(|(ty, id)| (*ty, id))
    }

    /// The key of an object, numbering its actor if it is new (`None` for the root).
    fn key_of(&mut self, obj: &automerge::ObjId) -> Option<ObjKey> {
        match obj {
            automerge::ObjId::Id(counter, actor, _) => Some((*counter, self.intern(actor))),
            automerge::ObjId::Root => None,
        }
    }

    fn intern(&mut self, actor: &automerge::ActorId) -> u32 {
        if let Some(&n) = self.actors.get(actor) {
            return n;
        }
        let n = self.actors.len() as u32;
        self.actors.insert(actor.clone(), n);
        n
    }

    /// The key of an object, if its actor has been seen (else nothing is indexed for it).
    fn known(&self, counter: u64, actor: &automerge::ActorId) -> Option<ObjKey> {
        self.actors.get(actor).map(|&n| (counter, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;

    #[test]
    fn keys_that_do_not_pack_are_left_to_the_document() {
        assert_eq!(pack((5, 3)), Some(5 << ACTOR_BITS | 3));
        assert_ne!(pack((5, 3)), pack((5, 4)));
        assert_ne!(pack((5, 3)), pack((6, 3)));
        assert!(pack(((1 << 40) - 1, (1 << 24) - 1)).is_some());
        assert_eq!(pack((1 << 40, 0)), None, "a counter past 40 bits");
        assert_eq!(pack((u64::MAX, 0)), None);
        assert_eq!(pack((0, 1 << 24)), None, "an actor number past 24 bits");
    }

    #[test]
    fn a_write_into_a_nested_object_names_its_record_indexed_or_not() {
        let mut doc = AutoCommit::new();
        let coll = doc
            .put_object(
                automerge::ROOT,
                RecordType::Member.collection(),
                ObjType::Map,
            )
            .unwrap();
        let rec = doc.put_object(&coll, "m1", ObjType::Map).unwrap();
        let langs = doc.put_object(&rec, "languages", ObjType::List).unwrap();
        let other = doc.put_object(&coll, "m2", ObjType::Map).unwrap();
        doc.put(&other, "name", "Two").unwrap();
        doc.commit();
        let mut index = ObjIndex::build(&doc);
        assert_eq!(index.records.len(), 2);
        assert_eq!(index.objects.len(), 3, "two records and the list");

        let before = doc.get_heads();
        doc.insert(&langs, 0, "fr").unwrap();
        doc.commit();
        let m1 = vec![(RecordType::Member, "m1".to_owned())];
        let written = written_records(&mut doc, &before, None, &mut index).expect("records");
        assert_eq!(written.records, m1);
        // An object the index does not hold (as one whose key does not pack) is found in
        // the document, and indexed.
        index.objects.clear();
        let written = written_records(&mut doc, &before, None, &mut index).expect("records");
        assert_eq!(written.records, m1);
        assert_eq!(index.objects.len(), 1);
        // Indexing a record again does not number it twice.
        index.refresh(&doc, &m1);
        assert_eq!(index.records.len(), 2);
        assert_eq!(index.objects.len(), 2, "the record's map and its list");
    }
}
