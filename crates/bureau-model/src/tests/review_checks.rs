//! Recording a composition review changes the groups' standing, with history.

use std::collections::BTreeMap;

use super::support::*;
use crate::*;

#[test]
fn recording_a_review_applies_its_decisions() {
    let mut r = Replica::init("founder");
    let founder = "founder".to_owned();
    let g1 = r.ok(new_group("One", &[&founder]));
    let g2 = r.ok(new_group("Two", &[&founder]));
    let g3 = r.ok(new_group("Three", &[&founder]));
    r.now = ts("2025-11-10T10:00:00Z");
    let review = r.ok(Edit::Create(Fields::Review(ReviewFields {
        date: Some("2025-11-10".to_owned()),
        decisions: Some(BTreeMap::from([
            (g1.clone(), Decision::Remove),
            (g2.clone(), Decision::Inactive),
            (g3.clone(), Decision::Keep),
        ])),
        notes: Some("Discussed in plenary.".to_owned()),
        ..Default::default()
    })));
    // Open: nothing changes yet.
    let snap = r.snap();
    assert_eq!(snap.reviews[&review].status, ReviewStatus::Open);
    assert_eq!(snap.reviews[&review].notes, "Discussed in plenary.");
    assert!(
        [&g1, &g2, &g3]
            .iter()
            .all(|g| snap.groups[*g].status == GroupStatus::Active)
    );
    assert!(
        [&g1, &g2, &g3]
            .iter()
            .all(|g| snap.groups[*g].status_history.len() == 1)
    );

    r.now = ts("2025-11-11T10:00:00Z");
    r.ok(Edit::Update {
        id: review.clone(),
        fields: Fields::Review(ReviewFields {
            status: Some(ReviewStatus::Recorded),
            ..Default::default()
        }),
    });
    let snap = r.snap();
    assert_eq!(snap.reviews[&review].status, ReviewStatus::Recorded);
    let check = |g: &str, status, event| {
        let group = &snap.groups[g];
        assert_eq!(group.status, status);
        let last = group.status_history.last().unwrap();
        assert_eq!(last.status, event);
        assert_eq!(last.review_id.as_deref(), Some(review.as_str()));
        assert_eq!(last.at, "2025-11-11T10:00:00Z");
        assert_eq!(last.by, "founder");
        assert_eq!(group.stamp.updated_at, "2025-11-11T10:00:00Z");
    };
    check(&g1, GroupStatus::Removed, StatusEvent::Removed);
    check(&g2, GroupStatus::Inactive, StatusEvent::Inactive);
    assert_eq!(
        snap.groups[&g3].status_history.len(),
        1,
        "keep changes nothing"
    );
    assert_eq!(
        snap.groups[&g1].status_history[0].status,
        StatusEvent::Active
    );
    assert_eq!(snap.groups[&g1].status_history[0].review_id, None);

    // Recording again (already recorded) does not repeat the decisions.
    r.now = ts("2025-11-12T10:00:00Z");
    r.ok(Edit::Update {
        id: review.clone(),
        fields: Fields::Review(ReviewFields {
            status: Some(ReviewStatus::Recorded),
            ..Default::default()
        }),
    });
    assert_eq!(r.snap().groups[&g1].status_history.len(), 2);

    // A removed group set active again has returned.
    r.now = ts("2025-11-13T10:00:00Z");
    r.ok(Edit::Update {
        id: g1.clone(),
        fields: Fields::Group(GroupFields {
            status: Some(GroupStatus::Active),
            ..Default::default()
        }),
    });
    // An inactive group set active is merely active.
    r.ok(Edit::Update {
        id: g2.clone(),
        fields: Fields::Group(GroupFields {
            status: Some(GroupStatus::Active),
            ..Default::default()
        }),
    });
    let snap = r.snap();
    let events = |g: &str| -> Vec<StatusEvent> {
        snap.groups[g]
            .status_history
            .iter()
            .map(|c| c.status)
            .collect()
    };
    assert_eq!(
        events(&g1),
        vec![
            StatusEvent::Active,
            StatusEvent::Removed,
            StatusEvent::Returned
        ]
    );
    assert_eq!(
        events(&g2),
        vec![
            StatusEvent::Active,
            StatusEvent::Inactive,
            StatusEvent::Active
        ]
    );
    assert_eq!(snap.groups[&g1].status, GroupStatus::Active);
    assert_eq!(snap.groups[&g1].status_history[2].review_id, None);
    // Setting the same status again adds no history.
    r.ok(Edit::Update {
        id: g1.clone(),
        fields: Fields::Group(GroupFields {
            status: Some(GroupStatus::Active),
            ..Default::default()
        }),
    });
    assert_eq!(r.snap().groups[&g1].status_history.len(), 3);
}

#[test]
fn a_review_recorded_at_creation_with_a_return_decision() {
    let mut r = Replica::init("founder");
    let g = r.ok(new_group("Back", &[]));
    r.now = ts("2025-11-05T10:00:00Z");
    r.ok(Edit::Update {
        id: g.clone(),
        fields: Fields::Group(GroupFields {
            status: Some(GroupStatus::Removed),
            ..Default::default()
        }),
    });
    r.now = ts("2025-11-06T10:00:00Z");
    let review = r.ok(Edit::Create(Fields::Review(ReviewFields {
        date: Some("2025-11-06".to_owned()),
        status: Some(ReviewStatus::Recorded),
        decisions: Some(BTreeMap::from([(g.clone(), Decision::Return)])),
        ..Default::default()
    })));
    let snap = r.snap();
    let group = &snap.groups[&g];
    assert_eq!(group.status, GroupStatus::Active);
    let last = group.status_history.last().unwrap();
    assert_eq!(last.status, StatusEvent::Returned);
    assert_eq!(last.review_id.as_deref(), Some(review.as_str()));
}
