//! `Snapshot::refresh` over the touched records equals a full `hydrate`.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;

use super::convergence::touched;
use super::support::*;
use crate::*;

/// Applies an edit and refreshes `snap` with just the record the edit reports.
fn apply_and_refresh(r: &mut Replica, snap: &mut Snapshot, edit: Edit) -> String {
    let applied = r.apply(&edit).expect("edit applies");
    let Applied::Record(ty, id) = applied else {
        panic!("expected a record, got {applied:?}");
    };
    snap.refresh(&r.doc, &[(ty, id.clone())]);
    assert_eq!(*snap, r.snap(), "refresh after {edit:?}");
    id
}

#[test]
fn refresh_of_the_applied_record_equals_hydrate() {
    let mut r = Replica::init("founder");
    let mut snap = r.snap();
    let room = apply_and_refresh(&mut r, &mut snap, new_room("Room 1", &["en"]));
    let amina = apply_and_refresh(&mut r, &mut snap, new_member("Amina"));
    let group = apply_and_refresh(&mut r, &mut snap, new_group("Youth", &[&amina]));
    let m = apply_and_refresh(
        &mut r,
        &mut snap,
        new_meeting("Briefing", "2025-11-16T09:00", "2025-11-16T10:00", &room),
    );
    apply_and_refresh(
        &mut r,
        &mut snap,
        update_meeting(
            &m,
            MeetingFields {
                title: Some("Morning briefing".to_owned()),
                agenda: Some("1. Rooms\n2. Passes".to_owned()),
                languages: Some(strings(&["en", "fr"])),
                groups: Some(vec![group.clone()]),
                members: Some(vec![amina.clone()]),
                resources: Some(BTreeMap::from([(
                    "projector".to_owned(),
                    ResourceState::Requested,
                )])),
                ..Default::default()
            },
        ),
    );
    let note = apply_and_refresh(&mut r, &mut snap, new_note("Passes", "es"));
    apply_and_refresh(
        &mut r,
        &mut snap,
        update_note(
            &note,
            NoteFields {
                actions: Some(vec![ActionFields {
                    text: Some("Ask for passes".to_owned()),
                    owner: Some(amina.clone()),
                    due: Some("2025-11-18".to_owned()),
                    ..Default::default()
                }]),
                ..Default::default()
            },
        ),
    );
    apply_and_refresh(
        &mut r,
        &mut snap,
        Edit::Archive {
            ty: RecordType::Room,
            id: room.clone(),
        },
    );
    apply_and_refresh(
        &mut r,
        &mut snap,
        Edit::Restore {
            ty: RecordType::Room,
            id: room,
        },
    );
    apply_and_refresh(
        &mut r,
        &mut snap,
        Edit::Archive {
            ty: RecordType::Body,
            id: "wgf".to_owned(),
        },
    );
    assert_eq!(snap.meetings[&m].title, "Morning briefing");
    assert_eq!(snap.notes[&note].actions.len(), 1);
}

#[test]
fn refresh_over_the_diff_covers_side_effects_and_merges() {
    let mut r = Replica::init("founder");
    let g1 = r.ok(new_group("One", &[]));
    let g2 = r.ok(new_group("Two", &[]));
    let mut snap = r.snap();

    // Recording a review changes the groups it decided on, not only the review.
    let before = r.doc.get_heads();
    r.ok(Edit::Create(Fields::Review(ReviewFields {
        date: Some("2025-11-10".to_owned()),
        status: Some(ReviewStatus::Recorded),
        decisions: Some(BTreeMap::from([
            (g1.clone(), Decision::Remove),
            (g2.clone(), Decision::Inactive),
        ])),
        ..Default::default()
    })));
    let t = touched(&mut r.doc, &before);
    assert!(t.contains(&(RecordType::Group, g1.clone())), "{t:?}");
    assert!(t.contains(&(RecordType::Group, g2.clone())), "{t:?}");
    snap.refresh(&r.doc, &t);
    assert_eq!(snap, r.snap());
    assert_eq!(snap.groups[&g1].status, GroupStatus::Removed);

    // Changes received from another replica.
    let mut other = r.fork("o", "member-o");
    other.ok(new_member("Remote"));
    other.ok(Edit::Update {
        id: g2.clone(),
        fields: Fields::Group(GroupFields {
            name: Some("Two (renamed)".to_owned()),
            ..Default::default()
        }),
    });
    let before = r.doc.get_heads();
    r.merge_from(&mut other);
    let t = touched(&mut r.doc, &before);
    snap.refresh(&r.doc, &t);
    assert_eq!(snap, r.snap());
    assert_eq!(snap.groups[&g2].name, "Two (renamed)");
}

#[test]
fn refresh_keeps_problems_of_untouched_records_and_drops_fixed_ones() {
    let mut r = Replica::init("founder");
    let m1 = r.ok(new_member("First"));
    let m2 = r.ok(new_member("Second"));
    // A foreign writer puts a number where the name belongs.
    let members = crate::read::map_at(&r.doc, &automerge::ROOT, "members").unwrap();
    let rec = crate::read::map_at(&r.doc, &members, &m1).unwrap();
    r.doc.put(&rec, "name", 42_i64).unwrap();
    r.doc.commit();
    let mut snap = r.snap();
    assert!(
        snap.problems
            .iter()
            .any(|p| p.path == format!("members.{m1}.name"))
    );

    r.ok(Edit::Update {
        id: m2.clone(),
        fields: Fields::Member(MemberFields {
            name: Some("Second!".to_owned()),
            ..Default::default()
        }),
    });
    snap.refresh(&r.doc, &[(RecordType::Member, m2)]);
    assert_eq!(snap, r.snap());
    assert!(
        snap.problems
            .iter()
            .any(|p| p.path == format!("members.{m1}.name"))
    );

    r.ok(Edit::Update {
        id: m1.clone(),
        fields: Fields::Member(MemberFields {
            name: Some("First, fixed".to_owned()),
            ..Default::default()
        }),
    });
    snap.refresh(&r.doc, &[(RecordType::Member, m1.clone())]);
    assert_eq!(snap, r.snap());
    assert!(snap.problems.is_empty(), "{:?}", snap.problems);
    assert_eq!(snap.members[&m1].name, "First, fixed");
}

#[test]
fn refresh_keeps_problems_of_broken_collections() {
    let mut r = Replica::init("founder");
    let m1 = r.ok(new_member("First"));
    let m2 = r.ok(new_member("Second"));
    // A foreign writer replaced the rooms and meetings collections with plain values.
    r.doc.put(automerge::ROOT, "rooms", "gone").unwrap();
    r.doc.put(automerge::ROOT, "meetings", 7_i64).unwrap();
    r.doc.commit();
    let mut snap = r.snap();
    assert_eq!(snap.problems.len(), 2, "{:?}", snap.problems);

    // A change to members only: the broken collections are still reported.
    r.ok(Edit::Update {
        id: m1.clone(),
        fields: Fields::Member(MemberFields {
            name: Some("First!".to_owned()),
            ..Default::default()
        }),
    });
    snap.refresh(&r.doc, &[(RecordType::Member, m1)]);
    assert_eq!(snap, r.snap());

    // Touching several records of a broken collection reports it once.
    snap.refresh(
        &r.doc,
        &[
            (RecordType::Room, "x".to_owned()),
            (RecordType::Room, "y".to_owned()),
            (RecordType::Member, m2),
        ],
    );
    assert_eq!(snap, r.snap());
}

/// Which records `refresh` proves free of conflicts: a record whose field two replicas set
/// concurrently is not, nor one whose set two replicas added the same value to (the walk
/// then finds equal values, which is no conflict); a record edited on one side only is.
#[test]
fn refresh_says_which_records_need_no_conflicts_walk() {
    let mut a = Replica::init("founder");
    let room = a.ok(new_room("Room 1", &["en"]));
    let m = a.ok(new_meeting(
        "Briefing",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        &room,
    ));
    let calm = a.ok(new_member("Amina"));
    let mut b = a.fork("second", "second-author");
    let title = |t: &str| {
        update_meeting(
            &m,
            MeetingFields {
                title: Some(t.to_owned()),
                languages: Some(strings(&["en", "fr"])),
                ..Default::default()
            },
        )
    };
    a.ok(title("Morning briefing"));
    b.ok(title("Early briefing"));
    a.ok(Edit::Update {
        id: calm.clone(),
        fields: Fields::Member(MemberFields {
            phone: Some("+216 71 000 000".to_owned()),
            ..Default::default()
        }),
    });
    a.merge_from(&mut b);
    let mut snap = Snapshot::default();
    let touched = vec![
        (RecordType::Meeting, m.clone()),
        (RecordType::Member, calm.clone()),
        (RecordType::Room, room.clone()),
        (RecordType::Member, "nobody".to_owned()),
    ];
    let clean = snap.refresh(&a.doc, &touched);
    assert_eq!(clean, [false, true, true, true]);
    assert!(record_conflicts(&a.doc, RecordType::Member, &calm, &|_| None).is_empty());
    let walked = record_conflicts(&a.doc, RecordType::Meeting, &m, &|_| None);
    assert_eq!(
        walked.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
        ["title"],
        "the concurrently added language is no conflict"
    );
}
