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

/// What the changes after `before` wrote (see [`Written`]), or `None` if a change wrote at
/// the root other than `meta` (a collection created or replaced), which needs a full read.
/// `meta` is re-read at every refresh anyway.
pub(crate) fn written_records(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    index: &mut ObjIndex,
) -> Option<Written> {
    use automerge::legacy::{Key, ObjectId, OpId, OpType};
    use automerge::{ObjId, Prop};
    // Each object written into, with the keys written (which name records when the object
    // is a collection), and whether an object was made in it.
    let mut objs: BTreeMap<(u64, automerge::ActorId), (Vec<String>, bool)> = BTreeMap::new();
    for change in doc.get_changes(before) {
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
        if let Some((ty, id)) = known.and_then(|k| index.objects.get(&k)) {
            add(*ty, id.to_string(), made);
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
                index.objects.insert(key, (ty, Arc::from(id.as_str())));
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
/// Kept small, for it covers every object of the document (three to four per record): an
/// object is keyed by its counter and an interned actor number, in a B-tree (no empty hash
/// buckets), and the objects of one record share its id, rather than in a hash map of full
/// actor ids and owned strings.
#[derive(Debug, Default)]
pub(crate) struct ObjIndex {
    /// The actors of indexed objects, numbered in the order they were first seen.
    actors: HashMap<automerge::ActorId, u32>,
    /// The collections (`members`, `meetings`, ...): their keys are record ids.
    collections: HashMap<ObjKey, RecordType>,
    /// Record maps and the objects inside them (sets, texts, nested maps and their objects).
    objects: BTreeMap<ObjKey, (RecordType, Arc<str>)>,
}

/// An object's counter and its actor's number in [`ObjIndex::actors`].
type ObjKey = (u64, u32);

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
        let id: Arc<str> = Arc::from(id);
        let add = |index: &mut ObjIndex, obj: &automerge::ObjId| {
            if let Some(key) = index.key_of(obj) {
                index.objects.insert(key, (ty, id.clone()));
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
