//! Recording a composition review changes the groups' standing, with history.

use std::collections::{BTreeMap, BTreeSet};

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

/// A meeting at `start` (civil, an hour long) attended by `groups`.
fn held(r: &mut Replica, title: &str, start: &str, groups: &[&String]) -> String {
    let end = start.replace("T09:00", "T10:00");
    let id = r.ok(new_meeting(title, start, &end, ""));
    r.ok(update_meeting(
        &id,
        MeetingFields {
            groups: Some(groups.iter().map(|g| (*g).clone()).collect()),
            ..Default::default()
        },
    ));
    id
}

/// The groups flagged for no attendance at `now`, with what each finding refers to (the full
/// computation and the incremental index agree).
fn quiet(r: &Replica, now: &str) -> BTreeMap<String, Vec<Ref>> {
    let snap = r.snap();
    let found = findings(&snap, ts(now));
    let indexed = FindingsIndex::new(&snap, ts(now))
        .set()
        .iter()
        .cloned()
        .collect::<Vec<_>>();
    assert_eq!(found, indexed, "the index agrees with the full computation");
    of_kind(&found, FindingKind::GroupInactive)
        .into_iter()
        .map(|f| (f.refs[0].id.to_string(), f.refs.clone()))
        .collect()
}

fn names(r: &Replica, quiet: &BTreeMap<String, Vec<Ref>>) -> BTreeSet<String> {
    let snap = r.snap();
    quiet.keys().map(|g| snap.groups[g].name.clone()).collect()
}

/// The whole sequence of a review after an earlier one: attendance is counted from the
/// previous review (or a group's creation, if later), the review just recorded flags none of
/// the groups it kept, and a return is refused for an active group.
#[test]
fn attendance_is_counted_from_the_previous_review_or_the_groups_creation() {
    let mut r = Replica::init("founder");
    let founder = "founder".to_owned();
    let busy = r.ok(new_group("Busy", &[&founder]));
    let kept = r.ok(new_group("Kept", &[&founder]));
    let idle = r.ok(new_group("Idle", &[&founder]));

    // The earlier review, recorded on 3 November.
    r.now = ts("2025-11-03T10:00:00Z");
    let first = r.ok(Edit::Create(Fields::Review(ReviewFields {
        date: Some("2025-11-03".to_owned()),
        status: Some(ReviewStatus::Recorded),
        decisions: Some(BTreeMap::from([(busy.clone(), Decision::Keep)])),
        ..Default::default()
    })));
    // A meeting on the review's own day belongs to the period that review looked at.
    held(&mut r, "Same day", "2025-11-03T09:00", &[&kept]);
    assert!(
        quiet(&r, "2025-11-04T12:00:00Z").is_empty(),
        "no meeting held since the review: nobody has missed one"
    );
    held(&mut r, "Plenary", "2025-11-05T09:00", &[&busy]);

    // A group created on 10 November is counted from then: the plenary before it does not
    // count against it, the meeting it attended on the 12th counts for it.
    r.now = ts("2025-11-10T10:00:00Z");
    let newcomer = r.ok(new_group("Newcomer", &[&founder]));
    held(&mut r, "Welcome", "2025-11-12T09:00", &[&newcomer]);
    // One created on the 13th missed the meeting of the 14th; one created on the 15th has
    // missed nothing yet.
    r.now = ts("2025-11-13T10:00:00Z");
    let latecomer = r.ok(new_group("Latecomer", &[&founder]));
    held(&mut r, "Drafting", "2025-11-14T09:00", &[&busy]);
    r.now = ts("2025-11-15T10:00:00Z");
    let fresh = r.ok(new_group("Fresh", &[&founder]));

    let before = quiet(&r, "2025-11-20T11:00:00Z");
    assert_eq!(
        names(&r, &before),
        BTreeSet::from(["Idle", "Kept", "Latecomer"].map(String::from))
    );
    assert_eq!(
        before[&kept],
        vec![rf(RecordType::Group, &kept), rf(RecordType::Review, &first)]
    );
    assert_eq!(
        before[&latecomer],
        vec![rf(RecordType::Group, &latecomer)],
        "counted from its creation, not from the review that predates it"
    );
    let snap = findings(&r.snap(), ts("2025-11-20T11:00:00Z"));
    let message = &of_kind(&snap, FindingKind::GroupInactive)
        .into_iter()
        .find(|f| f.refs[0].id == latecomer)
        .unwrap()
        .message;
    assert!(
        message.contains("since it was created on 2025-11-13"),
        "{message}"
    );
    assert!(!before.contains_key(&newcomer) && !before.contains_key(&fresh));
    assert!(!before.contains_key(&busy));

    // The new review: a return is refused for an active group, by the field it concerns.
    r.now = ts("2025-11-20T11:00:00Z");
    let second = r.ok(Edit::Create(Fields::Review(ReviewFields {
        date: Some("2025-11-20".to_owned()),
        ..Default::default()
    })));
    let err = r.refused(Edit::Update {
        id: second.clone(),
        fields: Fields::Review(ReviewFields {
            decisions: Some(BTreeMap::from([
                (idle.clone(), Decision::Inactive),
                (busy.clone(), Decision::Return),
            ])),
            ..Default::default()
        }),
    });
    assert!(
        matches!(&err, EditError::Invalid { field, .. } if *field == format!("decisions.{busy}")),
        "{err:?}"
    );
    // Recorded keeping two quiet groups and making one inactive.
    r.now = ts("2025-11-20T12:00:00Z");
    r.ok(Edit::Update {
        id: second.clone(),
        fields: Fields::Review(ReviewFields {
            status: Some(ReviewStatus::Recorded),
            decisions: Some(BTreeMap::from([
                (kept.clone(), Decision::Keep),
                (latecomer.clone(), Decision::Keep),
                (idle.clone(), Decision::Inactive),
            ])),
            ..Default::default()
        }),
    });
    assert_eq!(r.snap().groups[&idle].status, GroupStatus::Inactive);
    for now in ["2025-11-20T12:01:00Z", "2025-11-21T08:00:00Z"] {
        assert_eq!(
            quiet(&r, now),
            BTreeMap::new(),
            "the review just recorded flags none of the groups it kept ({now})"
        );
    }

    // Once a meeting is held after the review, the groups that missed it are flagged again,
    // counted from this review; a group created after that meeting is not.
    held(
        &mut r,
        "Side event",
        "2025-11-21T09:00",
        &[&busy, &newcomer],
    );
    r.now = ts("2025-11-21T18:00:00Z");
    r.ok(new_group("Admitted late", &[&founder]));
    let after = quiet(&r, "2025-11-22T12:00:00Z");
    let mut want = BTreeMap::new();
    for g in [&kept, &latecomer, &fresh] {
        want.insert(
            g.clone(),
            vec![rf(RecordType::Group, g), rf(RecordType::Review, &second)],
        );
    }
    assert_eq!(after, want);

    // An inactive group can return.
    let third = r.ok(Edit::Create(Fields::Review(ReviewFields {
        date: Some("2025-11-22".to_owned()),
        decisions: Some(BTreeMap::from([(idle.clone(), Decision::Return)])),
        ..Default::default()
    })));
    assert_eq!(r.snap().reviews[&third].decisions[&idle], Decision::Return);
}
