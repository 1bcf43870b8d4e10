//! How many changes touched each record of one type: a number every node computes alike from
//! the changes it holds, which only grows as changes arrive. Calendar feeds give it as a
//! meeting's `SEQUENCE`, so that a calendar takes a moved meeting as a newer version.
//!
//! The count is a function of the set of changes alone, whatever order concurrent changes
//! arrive in and whether it is computed at once or a batch at a time: ownership of objects is
//! learned from the changes themselves (a collection made at the root, a record's map made in
//! a collection, any object made inside a record's object), never from the document as it is
//! now, where a list replaced since would no longer be found. A make operation always comes
//! causally before every operation on what it made, so causal order is all it needs.

use std::collections::{HashMap, HashSet};

use automerge::Change;
use automerge::legacy::{Key, ObjectId, OpId, OpType};

use crate::records::RecordType;

/// Changes per record of one type, built up from the document's changes in causal order.
#[derive(Clone, Debug)]
pub struct ChangeCounts {
    ty: RecordType,
    /// Every map ever made at the root under the type's collection key (concurrent ones too).
    collections: HashSet<ObjectId>,
    /// Every object made inside a record (its map included), with the record's id.
    owner: HashMap<ObjectId, String>,
    counts: HashMap<String, u64>,
}

impl ChangeCounts {
    /// No change counted yet.
    pub fn new(ty: RecordType) -> ChangeCounts {
        ChangeCounts {
            ty,
            collections: HashSet::new(),
            owner: HashMap::new(),
            counts: HashMap::new(),
        }
    }

    /// The record type counted.
    pub fn record_type(&self) -> RecordType {
        self.ty
    }

    /// Counts `changes`, which follow those counted so far in causal order (all of a
    /// document's from `get_changes(&[])`, then those since the heads counted at).
    pub fn add(&mut self, changes: &[Change]) {
        let collection = self.ty.collection();
        for change in changes {
            let expanded = change.decode();
            let start = expanded.start_op.get();
            let mut touched: Vec<String> = Vec::new();
            for (i, op) in expanded.operations.iter().enumerate() {
                let made = matches!(op.action, OpType::Make(_))
                    .then(|| ObjectId::Id(OpId(start + i as u64, expanded.actor_id.clone())));
                let record = if op.obj == ObjectId::Root {
                    if let (Some(made), Key::Map(k)) = (&made, &op.key)
                        && k.as_str() == collection
                    {
                        self.collections.insert(made.clone());
                    }
                    None
                } else if self.collections.contains(&op.obj) {
                    // A record made, replaced or removed at its key.
                    match &op.key {
                        Key::Map(k) => Some(k.to_string()),
                        Key::Seq(_) => None,
                    }
                } else {
                    self.owner.get(&op.obj).cloned()
                };
                let Some(record) = record else { continue };
                if let Some(made) = made {
                    self.owner.insert(made, record.clone());
                }
                if !touched.contains(&record) {
                    touched.push(record);
                }
            }
            for record in touched {
                *self.counts.entry(record).or_default() += 1;
            }
        }
    }

    /// The changes that touched the record `id` (its making included); 0 for one never seen.
    pub fn get(&self, id: &str) -> u64 {
        self.counts.get(id).copied().unwrap_or_default()
    }

    /// Every record's count.
    pub fn counts(&self) -> &HashMap<String, u64> {
        &self.counts
    }
}
