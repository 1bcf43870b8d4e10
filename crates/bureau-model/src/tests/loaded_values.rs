//! The patched automerge cuts a loaded document's values into slabs at their boundaries
//! (`vendor/README.md`), so that an edit after a load moves one slab, not the whole column. A
//! cut in the wrong place would split a value between two slabs, which automerge reads as a
//! panic or a wrong value; these checks edit a loaded document everywhere and compare it with
//! the same edits on the document it was saved from, which was never cut that way.

use super::support::Lcg;
use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjType, ROOT, ReadDoc, ScalarValue, Value};

/// A string of `len` bytes that names where it was written.
fn text(tag: u64, len: usize) -> String {
    let mut s = format!("{tag}:");
    while s.len() < len {
        s.push(char::from(b'a' + (s.len() % 26) as u8));
    }
    s.truncate(len.max(1));
    s
}

/// Values of every size: empty, small, around the 4 KiB edit budget and past it, now and then
/// one past the 64 KiB slab of a loaded column, and non-strings.
fn value(rng: &mut Lcg, tag: u64) -> ScalarValue {
    match rng.below(10) {
        0 => ScalarValue::Str("".into()),
        1 => ScalarValue::Int(rng.next() as i64 - (1 << 30)),
        2 => ScalarValue::Str(text(tag, 4_000 + rng.below(200) as usize).into()),
        3 if rng.below(30) == 0 => ScalarValue::Str(text(tag, 70_000).into()),
        3 => ScalarValue::Str(text(tag, 9_000).into()),
        _ => ScalarValue::Str(text(tag, 1 + rng.below(300) as usize).into()),
    }
}

/// Every key of the map and the note's text, as read.
fn contents(doc: &AutoCommit, map: &automerge::ObjId, note: &automerge::ObjId) -> Vec<String> {
    let mut out: Vec<String> = doc
        .keys(map)
        .map(|k| {
            let v = match doc.get(map, &k).expect("a key reads") {
                Some((Value::Scalar(s), _)) => format!("{s:?}"),
                other => format!("{other:?}"),
            };
            format!("{k}={v}")
        })
        .collect();
    out.push(doc.text(note).expect("the note reads"));
    out
}

#[test]
fn a_loaded_document_edits_like_the_one_it_was_saved_from() {
    for seed in 1..=3u64 {
        let mut rng = Lcg(seed);
        let mut orig = AutoCommit::new();
        orig.set_actor(ActorId::from(&[1u8; 16][..]));
        let map = orig.put_object(ROOT, "records", ObjType::Map).unwrap();
        let note = orig.put_object(ROOT, "note", ObjType::Text).unwrap();
        orig.splice_text(&note, 0, 0, &text(seed, 20_000)).unwrap();
        for i in 0..2_000u64 {
            let v = value(&mut rng, i);
            orig.put(&map, format!("k{i:05}"), v).unwrap();
        }
        orig.commit();
        let bytes = orig.save();
        let mut loaded = AutoCommit::load(&bytes).expect("the saved document loads");
        loaded.set_actor(ActorId::from(&[1u8; 16][..]));
        assert_eq!(contents(&loaded, &map, &note), contents(&orig, &map, &note));
        // The same edits on both: overwrites, deletes and new keys everywhere in the map, and
        // typing into and cutting out of the note, committed in small batches.
        for round in 0..600u64 {
            let tag = 100_000 + round;
            let key = format!("k{:05}", rng.below(2_300));
            let op = rng.below(10);
            let v = value(&mut rng, tag);
            let at = rng.below(19_000) as usize;
            let cut = rng.below(40) as isize;
            for doc in [&mut orig, &mut loaded] {
                match op {
                    0 => {
                        let _ = doc.delete(&map, key.as_str());
                    }
                    1 => {
                        doc.splice_text(&note, at, cut, &text(tag, 30)).unwrap();
                    }
                    _ => doc.put(&map, key.as_str(), v.clone()).unwrap(),
                }
                if round % 7 == 0 {
                    doc.commit();
                }
            }
        }
        orig.commit();
        loaded.commit();
        assert_eq!(
            contents(&loaded, &map, &note),
            contents(&orig, &map, &note),
            "seed {seed}"
        );
        assert_eq!(loaded.get_heads(), orig.get_heads(), "seed {seed}");
        assert_eq!(loaded.save(), orig.save(), "seed {seed}");
    }
}
