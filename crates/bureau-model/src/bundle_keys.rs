//! The bureau's bundle keys: the root collection `bundle_keys`, one record per key, each holding
//! the key sealed to every device it was made for (`sealed`: peer id -> bytes). The secret is
//! never in the document in the clear; sealing and opening are `bureau-net`'s.
//!
//! The collection is created later than the founding, by the first node that makes a key, so
//! two nodes may each create it while apart (DESIGN §6, "Objects created concurrently"):
//! - every read unions all the maps automerge keeps at the key (`get_all`);
//! - a new key goes into the map `get` shows, and is created with its `sealed` map in the same
//!   change, never filled in later;
//! - a record found in several maps (it cannot be, with random ids, but a read must not
//!   depend on that) has its sealed copies united.

use std::collections::BTreeMap;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value, ValueRef};
use jiff::Timestamp;

use crate::edit::{EditError, invalid};
use crate::read::map_at;

/// The root key of the collection.
pub const BUNDLE_KEYS: &str = "bundle_keys";

/// One bundle key as the document holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleKeyRecord {
    /// Its id (the key of its record), named by the bundles it encrypts.
    pub id: String,
    /// When it was made (RFC 3339), as its maker said.
    pub created_at: String,
    /// The peer id of the device that made it.
    pub created_by: String,
    /// The key sealed to each device it was made for.
    pub sealed: BTreeMap<String, Vec<u8>>,
}

/// Every map at the root key, in `get_all`'s order (the one `get` shows last).
fn collections<D: ReadDoc>(doc: &D) -> Vec<ObjId> {
    doc.get_all(automerge::ROOT, BUNDLE_KEYS)
        .unwrap_or_default()
        .into_iter()
        .filter(|(v, _)| matches!(v, Value::Object(ObjType::Map)))
        .map(|(_, id)| id)
        .collect()
}

/// Every bundle key in the document, sorted by id. Entries that are not what a key record
/// holds are skipped: reading never fails.
pub fn bundle_keys<D: ReadDoc>(doc: &D) -> Vec<BundleKeyRecord> {
    let mut keys: BTreeMap<String, BundleKeyRecord> = BTreeMap::new();
    for coll in collections(doc) {
        let records: Vec<(String, ObjId)> = doc
            .map_range(&coll, ..)
            .filter(|item| matches!(item.value, ValueRef::Object(ObjType::Map)))
            .map(|item| (item.key.to_string(), item.id()))
            .collect();
        for (id, rec) in records {
            let text = |key: &str| match doc.get(&rec, key) {
                Ok(Some((Value::Scalar(v), _))) => v.as_str().unwrap_or_default().to_owned(),
                _ => String::new(),
            };
            let entry = keys.entry(id.clone()).or_insert_with(|| BundleKeyRecord {
                id,
                created_at: text("created_at"),
                created_by: text("created_by"),
                sealed: BTreeMap::new(),
            });
            if let Some(sealed) = map_at(doc, &rec, "sealed") {
                for s in doc.map_range(&sealed, ..) {
                    if let Value::Scalar(v) = s.value.into_value()
                        && let ScalarValue::Bytes(b) = v.as_ref()
                    {
                        entry.sealed.insert(s.key.to_string(), b.clone());
                    }
                }
            }
        }
    }
    keys.into_values().collect()
}

/// Adds a bundle key and commits it as one change: the record, with its `sealed` map filled,
/// in the collection `get` shows, which this change creates if there is none. Refused when
/// the id is empty or taken, or when it is sealed to no device.
pub fn add_bundle_key(
    doc: &mut AutoCommit,
    key: &BundleKeyRecord,
    now: Timestamp,
) -> Result<(), EditError> {
    if key.id.is_empty() || !key.id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(invalid("id", "must be letters and digits"));
    }
    if key.sealed.is_empty() {
        return Err(invalid(
            "sealed",
            "must seal the key to at least one device",
        ));
    }
    if bundle_keys(&*doc).iter().any(|k| k.id == key.id) {
        return Err(invalid("id", "is taken by another bundle key"));
    }
    let coll = match collections(&*doc).pop() {
        Some(c) => c,
        None => doc
            .put_object(automerge::ROOT, BUNDLE_KEYS, ObjType::Map)
            .expect("the root is a map"),
    };
    let put = |doc: &mut AutoCommit, obj: &ObjId, k: &str, v: ScalarValue| {
        doc.put(obj, k, v)
            .expect("putting into a map this change made cannot fail");
    };
    let rec = doc
        .put_object(&coll, key.id.as_str(), ObjType::Map)
        .expect("the collection is a map");
    put(doc, &rec, "created_at", key.created_at.as_str().into());
    put(doc, &rec, "created_by", key.created_by.as_str().into());
    let sealed = doc
        .put_object(&rec, "sealed", ObjType::Map)
        .expect("the record is a map this change made");
    for (peer, bytes) in &key.sealed {
        put(doc, &sealed, peer, ScalarValue::Bytes(bytes.clone()));
    }
    doc.commit_with(
        CommitOptions::default()
            .with_message(format!("add bundle key {}", key.id))
            .with_time(now.as_millisecond()),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(id: &str, peers: &[&str]) -> BundleKeyRecord {
        BundleKeyRecord {
            id: id.to_owned(),
            created_at: "2026-12-03T10:00:00Z".to_owned(),
            created_by: peers[0].to_owned(),
            sealed: peers
                .iter()
                .map(|p| ((*p).to_owned(), p.as_bytes().to_vec()))
                .collect(),
        }
    }

    #[test]
    fn a_key_is_read_back_with_every_sealed_copy() {
        let mut doc = AutoCommit::new();
        assert!(bundle_keys(&doc).is_empty());
        let k = key("k1", &["peerA", "peerB"]);
        add_bundle_key(&mut doc, &k, Timestamp::UNIX_EPOCH).unwrap();
        assert_eq!(bundle_keys(&doc), vec![k.clone()]);
        assert!(add_bundle_key(&mut doc, &k, Timestamp::UNIX_EPOCH).is_err());
        assert!(add_bundle_key(&mut doc, &key("", &["p"]), Timestamp::UNIX_EPOCH).is_err());
        let mut none = key("k2", &["p"]);
        none.sealed.clear();
        assert!(add_bundle_key(&mut doc, &none, Timestamp::UNIX_EPOCH).is_err());
        assert_eq!(bundle_keys(&doc).len(), 1);
    }

    #[test]
    fn something_else_at_the_root_key_is_read_as_no_keys() {
        let mut doc = AutoCommit::new();
        doc.put(automerge::ROOT, BUNDLE_KEYS, "text").unwrap();
        assert!(bundle_keys(&doc).is_empty());
    }

    proptest! {
        /// Two replicas of one bureau (founded before the collection existed) each make keys
        /// while apart, the first of each creating the collection; after merging either way,
        /// every key of both is there with every sealed copy.
        #[test]
        fn keys_made_apart_all_survive_the_merge(
            a_keys in 1usize..4,
            b_keys in 1usize..4,
            a_first in any::<bool>(),
        ) {
            let mut base = AutoCommit::new();
            base.put(automerge::ROOT, "meta", "founded").unwrap();
            base.commit();
            let mut a = base.fork().with_actor(automerge::ActorId::from(b"aaaa".to_vec()));
            let mut b = base.fork().with_actor(automerge::ActorId::from(b"bbbb".to_vec()));
            let mut want = Vec::new();
            for i in 0..a_keys {
                let k = key(&format!("a{i}"), &["peerA", "peerB"]);
                add_bundle_key(&mut a, &k, Timestamp::UNIX_EPOCH).unwrap();
                want.push(k);
            }
            for i in 0..b_keys {
                let k = key(&format!("b{i}"), &["peerB", "peerC"]);
                add_bundle_key(&mut b, &k, Timestamp::UNIX_EPOCH).unwrap();
                want.push(k);
            }
            want.sort_by(|x, y| x.id.cmp(&y.id));
            let (first, second) = if a_first { (&mut a, &mut b) } else { (&mut b, &mut a) };
            first.merge(second).unwrap();
            prop_assert_eq!(collections(&*first).len(), 2, "each replica made its own map");
            prop_assert_eq!(bundle_keys(&*first), want.clone());
            // A key made after the merge goes into one of the maps and is read with the rest.
            let k = key("after", &["peerA"]);
            add_bundle_key(first, &k, Timestamp::UNIX_EPOCH).unwrap();
            want.push(k);
            want.sort_by(|x, y| x.id.cmp(&y.id));
            second.merge(first).unwrap();
            prop_assert_eq!(bundle_keys(&*second), want);
        }
    }
}
