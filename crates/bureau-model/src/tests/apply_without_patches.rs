//! The patched automerge skips, when no patch log records them, the values it tracks while it
//! walks the operations a batch of received changes lands among (`vendor/README.md`): only
//! the patch log reads them. These checks apply the same concurrent changes (map values
//! with conflicts and deletions, counters, lists, text with marks) once with a patch log and
//! once without, and require the same document, byte for byte.

use super::support::Lcg;
use automerge::marks::{ExpandMark, Mark};
use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, Automerge, ObjType, PatchLog, ROOT, ReadDoc, ScalarValue};

/// One random edit of `doc`'s map, counter, list or text.
fn edit(doc: &mut AutoCommit, rng: &mut Lcg, tag: u64) {
    let (_, map) = doc.get(ROOT, "map").unwrap().unwrap();
    let (_, list) = doc.get(ROOT, "list").unwrap().unwrap();
    let (_, text) = doc.get(ROOT, "text").unwrap().unwrap();
    let key = format!("k{}", rng.below(6));
    match rng.below(9) {
        0 => doc.put(&map, &key, format!("v{tag}")).unwrap(),
        1 => {
            if doc.get(&map, &key).unwrap().is_some() {
                doc.delete(&map, &key).unwrap();
            }
        }
        2 => doc
            .increment(&map, "count", 1 + rng.below(5) as i64)
            .unwrap(),
        3 => {
            let n = doc.length(&list);
            let at = rng.below(n as u64 + 1) as usize;
            doc.insert(&list, at, ScalarValue::Int(tag as i64)).unwrap();
        }
        4 => {
            let n = doc.length(&list);
            if n > 0 {
                let at = rng.below(n as u64) as usize;
                if rng.below(2) == 0 {
                    doc.delete(&list, at).unwrap();
                } else {
                    doc.put(&list, at, format!("p{tag}")).unwrap();
                }
            }
        }
        5 => {
            let n = doc.length(&text);
            if n > 2 {
                let at = rng.below(n as u64 - 1) as usize;
                let name = if rng.below(2) == 0 { "bold" } else { "link" };
                doc.mark(
                    &text,
                    Mark::new(name.into(), ScalarValue::Int(tag as i64), at, at + 2),
                    ExpandMark::Both,
                )
                .unwrap();
            }
        }
        _ => {
            let n = doc.length(&text);
            let at = rng.below(n as u64 + 1) as usize;
            let del = (rng.below(3) as usize).min(n - at);
            doc.splice_text(&text, at, del as isize, &format!("w{tag} "))
                .unwrap();
        }
    }
}

/// Everything a reader sees: each map key's values (all of them, and whether automerge flags
/// a conflict), the counter, each list element's values, the text and its marks.
fn contents(doc: &Automerge) -> Vec<String> {
    let mut out = Vec::new();
    let (_, map) = doc.get(ROOT, "map").unwrap().unwrap();
    for item in doc.map_range(&map, ..) {
        let all = doc.get_all(&map, item.key.as_ref()).unwrap();
        out.push(format!(
            "{}: {:?} conflict={}",
            item.key, all, item.conflict
        ));
    }
    let (_, list) = doc.get(ROOT, "list").unwrap().unwrap();
    for i in 0..doc.length(&list) {
        out.push(format!("[{i}]: {:?}", doc.get_all(&list, i).unwrap()));
    }
    let (_, text) = doc.get(ROOT, "text").unwrap().unwrap();
    out.push(doc.text(&text).unwrap());
    out.push(format!("{:?}", doc.marks(&text).unwrap()));
    out
}

#[test]
fn received_changes_apply_the_same_with_and_without_a_patch_log() {
    for seed in 1..=40u64 {
        let mut rng = Lcg(seed);
        let mut base = AutoCommit::new().with_actor(ActorId::from(vec![0u8; 16]));
        base.put_object(ROOT, "map", ObjType::Map).unwrap();
        base.put(ROOT, "count", ScalarValue::counter(0)).unwrap();
        let map = base.get(ROOT, "map").unwrap().unwrap().1;
        base.put(&map, "count", ScalarValue::counter(0)).unwrap();
        base.put_object(ROOT, "list", ObjType::List).unwrap();
        let text = base.put_object(ROOT, "text", ObjType::Text).unwrap();
        base.splice_text(&text, 0, 0, "the bureau's charter, first draft")
            .unwrap();
        for i in 0..20 {
            edit(&mut base, &mut rng, 1_000 + i);
        }
        base.commit();
        let saved = base.save();
        let heads = base.get_heads();
        // Three replicas edit apart, each in several changes.
        let mut changes = Vec::new();
        for r in 1..=3u8 {
            let mut fork = AutoCommit::load(&saved)
                .unwrap()
                .with_actor(ActorId::from(vec![r; 16]));
            for c in 0..(2 + rng.below(6)) {
                for e in 0..(1 + rng.below(4)) {
                    edit(&mut fork, &mut rng, u64::from(r) * 100 + c * 10 + e);
                }
                fork.commit();
            }
            changes.extend(fork.document().get_changes(&heads));
        }
        let mut plain = Automerge::load(&saved).unwrap();
        plain.apply_changes(changes.clone()).unwrap();
        let mut logged = Automerge::load(&saved).unwrap();
        let mut log = PatchLog::active();
        logged.apply_changes_log_patches(changes, &mut log).unwrap();
        assert_eq!(plain.get_heads(), logged.get_heads(), "seed {seed}");
        assert!(
            plain.save() == logged.save(),
            "seed {seed}: the documents differ"
        );
        assert_eq!(contents(&plain), contents(&logged), "seed {seed}");
    }
}
