//! `Edit::Batch`: several creates and updates written as one change, or nothing at all when
//! any of them is refused, with the refused one named by its place.

use super::support::*;
use crate::*;

#[test]
fn a_batch_writes_its_creates_and_updates_as_one_change() {
    let mut r = Replica::init("founder");
    let ada = r.ok(new_member("Ada"));
    let before = r.doc.get_changes(&[]).len();
    let applied = r
        .apply(&Edit::Batch(vec![
            new_member("Bea"),
            Edit::Update {
                id: ada.clone(),
                fields: Fields::Member(MemberFields {
                    email: Some("ada@example.org".to_owned()),
                    ..Default::default()
                }),
            },
            new_group("Youth caucus", &[]),
        ]))
        .expect("applied");
    let Applied::Records(done) = applied else {
        panic!("the records: {applied:?}")
    };
    assert_eq!(done.len(), 3);
    assert_eq!(done[0].0, RecordType::Member);
    assert_eq!(done[1], (RecordType::Member, ada.clone()));
    assert_eq!(done[2].0, RecordType::Group);
    assert_eq!(r.doc.get_changes(&[]).len(), before + 1, "one change");
    let snap = r.snap();
    assert_eq!(snap.members[&done[0].1].name, "Bea");
    assert_eq!(snap.members[&ada].email, "ada@example.org");
    assert_eq!(snap.groups[&done[2].1].name, "Youth caucus");
}

#[test]
fn a_refused_edit_in_a_batch_writes_nothing_and_is_named_by_its_place() {
    let mut r = Replica::init("founder");
    let err = r.refused(Edit::Batch(vec![
        new_member("Bea"),
        new_member("Cem"),
        Edit::Update {
            id: "no-such-member".to_owned(),
            fields: Fields::Member(MemberFields {
                name: Some("Dan".to_owned()),
                ..Default::default()
            }),
        },
    ]));
    assert!(
        matches!(&err, EditError::InBatch { index: 2, error } if matches!(**error, EditError::NotFound { .. })),
        "{err:?}"
    );
    let err = r.refused(Edit::Batch(vec![new_member("Bea"), new_member("")]));
    assert!(
        matches!(&err, EditError::InBatch { index: 1, error } if matches!(**error, EditError::Invalid { ref field, .. } if field == "name")),
        "{err:?}"
    );
    // Only creates and updates of records.
    let err = r.refused(Edit::Batch(vec![
        new_member("Bea"),
        Edit::UpdateSettings(SettingsFields::default()),
    ]));
    assert!(
        matches!(&err, EditError::InBatch { index: 1, .. }),
        "{err:?}"
    );
    let err = r.refused(Edit::Batch(vec![Edit::Batch(vec![new_member("Bea")])]));
    assert!(
        matches!(&err, EditError::InBatch { index: 0, .. }),
        "{err:?}"
    );
    // An empty batch changes nothing.
    let heads = r.heads();
    assert_eq!(r.apply(&Edit::Batch(Vec::new())), Ok(Applied::Nothing));
    assert_eq!(r.heads(), heads);
}
