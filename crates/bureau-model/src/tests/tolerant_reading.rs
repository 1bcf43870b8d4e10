//! Reading whatever a peer wrote: odd values become defaults plus problems with paths, and
//! the rest of the document is still read.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc};

use super::support::*;
use crate::*;

fn problem_at<'a>(snap: &'a Snapshot, path: &str) -> Vec<&'a Problem> {
    snap.problems.iter().filter(|p| p.path == path).collect()
}

#[test]
fn odd_values_become_problems_and_the_rest_is_read() {
    let mut r = Replica::init("founder");
    let good = r.ok(new_member("Good"));
    let room = r.ok(new_room("Hall", &["en"]));
    let meeting = r.ok(new_meeting(
        "Fine",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        &room,
    ));

    let doc = &mut r.doc;
    let members = crate::read::map_at(doc, &ROOT, "members").unwrap();
    let rooms = crate::read::map_at(doc, &ROOT, "rooms").unwrap();
    let meetings = crate::read::map_at(doc, &ROOT, "meetings").unwrap();
    // A number where the name belongs.
    let numbered = doc.put_object(&members, "numbered", ObjType::Map).unwrap();
    doc.put(&numbered, "name", 42_i64).unwrap();
    // Languages as a list (accepted) and as a plain string (not a set).
    let listed = doc.put_object(&members, "listed", ObjType::Map).unwrap();
    doc.put(&listed, "name", "Listed").unwrap();
    let langs = doc.put_object(&listed, "languages", ObjType::List).unwrap();
    for (i, l) in ["fr", "en", "fr"].iter().enumerate() {
        doc.insert(&langs, i, *l).unwrap();
    }
    let stringy = doc.put_object(&members, "stringy", ObjType::Map).unwrap();
    doc.put(&stringy, "name", "Stringy").unwrap();
    doc.put(&stringy, "languages", "en, fr").unwrap();
    doc.put(&stringy, "archived", "yes").unwrap();
    // A record that is not a map.
    doc.put(&rooms, "flat", "Room 3").unwrap();
    // An unknown status, and a start that is an object.
    let odd = doc.put_object(&meetings, "odd", ObjType::Map).unwrap();
    doc.put(&odd, "title", "Odd").unwrap();
    doc.put(&odd, "status", "postponed").unwrap();
    doc.put_object(&odd, "start", ObjType::Map).unwrap();
    doc.put(&odd, "end", "2025-11-16T10:00:00+01:00").unwrap();
    doc.commit();

    let snap = r.snap();
    // The good records are all there.
    assert_eq!(snap.members[&good].name, "Good");
    assert_eq!(snap.rooms[&room].booths, strings(&["en"]));
    assert_eq!(snap.meetings[&meeting].title, "Fine");
    assert_eq!(snap.members["founder"].name, "Founder");
    assert_eq!(snap.bodies.len(), SEEDED_BODIES.len());

    // The odd ones are read as far as possible.
    assert_eq!(snap.members["numbered"].name, "");
    let at = problem_at(&snap, "members.numbered.name");
    assert!(
        at.iter().any(|p| p.message.contains("expected text")),
        "{at:?}"
    );
    assert_eq!(
        at[0].record,
        Some((RecordType::Member, "numbered".to_owned()))
    );

    assert_eq!(snap.members["listed"].languages, strings(&["en", "fr"]));
    assert!(problem_at(&snap, "members.listed.languages").is_empty());

    assert_eq!(snap.members["stringy"].languages, Vec::<String>::new());
    assert_eq!(problem_at(&snap, "members.stringy.languages").len(), 1);
    assert!(!snap.members["stringy"].stamp.archived);
    assert_eq!(problem_at(&snap, "members.stringy.archived").len(), 1);

    assert!(!snap.rooms.contains_key("flat"));
    let at = problem_at(&snap, "rooms.flat");
    assert_eq!(at.len(), 1, "{:?}", snap.problems);
    assert_eq!(at[0].record, Some((RecordType::Room, "flat".to_owned())));

    let odd = &snap.meetings["odd"];
    assert_eq!(odd.status, MeetingStatus::Proposed);
    assert_eq!(odd.start, "");
    let at = problem_at(&snap, "meetings.odd.status");
    assert!(
        at[0].message.contains("postponed") && at[0].message.contains("cancelled"),
        "{at:?}"
    );
    assert!(!problem_at(&snap, "meetings.odd.start").is_empty());

    // Problems come sorted by path, and findings skip what cannot be read.
    let paths: Vec<&str> = snap.problems.iter().map(|p| p.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    let _ = findings(&snap, ts(NOW));
    let _ = doc_conflicts(&r.doc);
    // The model still edits around the odd records.
    r.ok(Edit::Update {
        id: "numbered".to_owned(),
        fields: Fields::Member(MemberFields {
            name: Some("Fixed".to_owned()),
            ..Default::default()
        }),
    });
    let snap = r.snap();
    assert_eq!(snap.members["numbered"].name, "Fixed");
    assert!(problem_at(&snap, "members.numbered.name").is_empty());
}

#[test]
fn a_document_without_meta_or_with_odd_collections() {
    let mut doc = AutoCommit::new();
    let members = doc.put_object(ROOT, "members", ObjType::Map).unwrap();
    let m = doc.put_object(&members, "m1", ObjType::Map).unwrap();
    doc.put(&m, "name", "Orphan").unwrap();
    doc.put(ROOT, "rooms", "not a collection").unwrap();
    doc.put_object(ROOT, "meetings", ObjType::List).unwrap();
    doc.commit();

    let snap = Snapshot::hydrate(&doc);
    assert_eq!(snap.members["m1"].name, "Orphan");
    assert!(snap.rooms.is_empty() && snap.meetings.is_empty());
    let paths: Vec<&str> = snap.problems.iter().map(|p| p.path.as_str()).collect();
    assert!(
        paths.contains(&"rooms") && paths.contains(&"meetings"),
        "{paths:?}"
    );
    assert!(snap.problems.iter().all(|p| p.record.is_none()));
    // Without meta, reading falls back to the defaults.
    assert_eq!(snap.meta.bureau_id, "");
    let _ = findings(&snap, ts(NOW));
    assert_eq!(doc_conflicts(&doc), vec![]);

    // Meta that is there but odd.
    let meta = doc.put_object(ROOT, "meta", ObjType::Map).unwrap();
    doc.put(&meta, "schema", "one").unwrap();
    doc.put(&meta, "timezone", "Mars/Olympus_Mons").unwrap();
    doc.put(&meta, "review_interval_days", -5_i64).unwrap();
    doc.commit();
    let snap = Snapshot::hydrate(&doc);
    assert_eq!(snap.meta.schema, 0);
    assert_eq!(snap.meta.review_interval_days, DEFAULT_REVIEW_INTERVAL_DAYS);
    let paths: Vec<&str> = snap.problems.iter().map(|p| p.path.as_str()).collect();
    for want in ["meta.schema", "meta.bureau_id", "meta.review_interval_days"] {
        assert!(paths.contains(&want), "{want} missing from {paths:?}");
    }
    // An unknown zone falls back to UTC for findings instead of failing.
    let _ = findings(&snap, ts(NOW));
    // Edits still work on it: the odd zone falls back to UTC.
    let mut r = Replica::init("founder");
    r.doc = doc;
    r.ok(new_member("Someone"));
}

#[test]
fn a_meeting_without_the_public_field_is_public_and_a_closed_one_reads_closed() {
    let mut r = Replica::init("founder");
    let room = r.ok(new_room("Hall", &["en"]));
    let open = r.ok(new_meeting(
        "Open",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        &room,
    ));
    // Written as a node of the previous release would: no field at all.
    let meetings = crate::read::map_at(&r.doc, &ROOT, "meetings").unwrap();
    let obj = crate::read::map_at(&r.doc, &meetings, &open).unwrap();
    assert!(r.doc.get(&obj, "public").unwrap().is_none());
    assert!(r.snap().meetings[&open].public);
    r.ok(update_meeting(
        &open,
        MeetingFields {
            public: Some(false),
            ..MeetingFields::default()
        },
    ));
    assert!(!r.snap().meetings[&open].public);
    // A value that is not a flag is a problem and reads as public.
    r.doc.put(&obj, "public", "no").unwrap();
    r.doc.commit();
    let snap = r.snap();
    assert!(snap.meetings[&open].public);
    assert_eq!(
        problem_at(&snap, &format!("meetings.{open}.public")).len(),
        1
    );
}
