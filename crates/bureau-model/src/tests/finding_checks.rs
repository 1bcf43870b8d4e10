//! Each kind of finding, from crafted data, and the cases that must not produce it.

use super::support::*;
use crate::*;

fn meeting_with(
    r: &mut Replica,
    title: &str,
    start: &str,
    end: &str,
    room: &str,
    extra: MeetingFields,
) -> String {
    let id = r.ok(new_meeting(title, start, end, room));
    r.ok(update_meeting(&id, extra));
    id
}

fn set_status(r: &mut Replica, id: &str, status: MeetingStatus) {
    r.ok(update_meeting(
        id,
        MeetingFields {
            status: Some(status),
            ..Default::default()
        },
    ));
}

#[test]
fn finding_kinds_have_their_wire_names() {
    let names: Vec<String> = [
        FindingKind::RoomDoubleBooked,
        FindingKind::MemberDoubleBooked,
        FindingKind::InterpretationNotCovered,
        FindingKind::ArchivedReference,
        FindingKind::GroupWithoutFocalPoint,
        FindingKind::ReviewOverdue,
        FindingKind::GroupInactive,
        FindingKind::PlenaryConsultationPending,
        FindingKind::ActionOverdue,
    ]
    .iter()
    .map(|k| {
        serde_json::to_value(k)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    })
    .collect();
    assert_eq!(
        names,
        [
            "room-double-booked",
            "member-double-booked",
            "interpretation-not-covered",
            "archived-reference",
            "group-without-focal-point",
            "review-overdue",
            "group-inactive",
            "plenary-consultation-pending",
            "action-overdue",
        ]
    );
}

#[test]
fn a_fresh_bureau_has_no_findings() {
    let r = Replica::init("founder");
    assert_eq!(r.findings(NOW), vec![]);
}

#[test]
fn room_double_booked() {
    let mut r = Replica::init("founder");
    let hall = r.ok(new_room("Hall", &[]));
    let a = r.ok(new_meeting(
        "A",
        "2025-11-16T09:00",
        "2025-11-16T11:00",
        &hall,
    ));
    let b = r.ok(new_meeting(
        "B",
        "2025-11-16T10:00",
        "2025-11-16T12:00",
        &hall,
    ));
    let found = r.findings(NOW);
    let rooms = of_kind(&found, FindingKind::RoomDoubleBooked);
    assert_eq!(rooms.len(), 1, "{found:?}");
    assert_eq!(
        rooms[0].refs,
        vec![
            rf(RecordType::Room, &hall),
            rf(RecordType::Meeting, &a),
            rf(RecordType::Meeting, &b)
        ]
    );
    assert!(rooms[0].message.contains("Hall"), "{}", rooms[0].message);

    // A cancelled meeting frees the room; so does an archived one.
    set_status(&mut r, &b, MeetingStatus::Cancelled);
    assert!(of_kind(&r.findings(NOW), FindingKind::RoomDoubleBooked).is_empty());
    set_status(&mut r, &b, MeetingStatus::Confirmed);
    assert_eq!(
        of_kind(&r.findings(NOW), FindingKind::RoomDoubleBooked).len(),
        1
    );
    r.ok(Edit::Archive {
        ty: RecordType::Meeting,
        id: b.clone(),
    });
    assert!(of_kind(&r.findings(NOW), FindingKind::RoomDoubleBooked).is_empty());
    r.ok(Edit::Restore {
        ty: RecordType::Meeting,
        id: b.clone(),
    });

    // Back to back (one ends when the next starts) is not a double booking.
    r.ok(update_meeting(
        &b,
        MeetingFields {
            start: Some("2025-11-16T11:00".to_owned()),
            ..Default::default()
        },
    ));
    assert!(of_kind(&r.findings(NOW), FindingKind::RoomDoubleBooked).is_empty());

    // Overlap is compared on instants: 10:30 in the venue is 09:30 UTC.
    r.ok(update_meeting(
        &b,
        MeetingFields {
            start: Some("2025-11-16T09:30:00Z".to_owned()),
            ..Default::default()
        },
    ));
    assert_eq!(
        of_kind(&r.findings(NOW), FindingKind::RoomDoubleBooked).len(),
        1
    );

    // Meetings without a room never collide; neither do meetings in different rooms.
    let other = r.ok(new_room("Annex", &[]));
    r.ok(update_meeting(
        &b,
        MeetingFields {
            room_id: Some(other),
            ..Default::default()
        },
    ));
    r.ok(new_meeting("C", "2025-11-16T09:00", "2025-11-16T11:00", ""));
    r.ok(new_meeting("D", "2025-11-16T09:00", "2025-11-16T11:00", ""));
    assert!(of_kind(&r.findings(NOW), FindingKind::RoomDoubleBooked).is_empty());
}

#[test]
fn a_long_meeting_collides_with_every_meeting_inside_it() {
    let mut r = Replica::init("founder");
    let hall = r.ok(new_room("Hall", &[]));
    let long = r.ok(new_meeting(
        "All day",
        "2025-11-16T08:00",
        "2025-11-16T18:00",
        &hall,
    ));
    let first = r.ok(new_meeting(
        "First",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        &hall,
    ));
    let second = r.ok(new_meeting(
        "Second",
        "2025-11-16T11:00",
        "2025-11-16T12:00",
        &hall,
    ));
    let found = r.findings(NOW);
    let pairs: Vec<Vec<Ref>> = of_kind(&found, FindingKind::RoomDoubleBooked)
        .iter()
        .map(|f| f.refs.clone())
        .collect();
    assert_eq!(
        pairs,
        vec![
            vec![
                rf(RecordType::Room, &hall),
                rf(RecordType::Meeting, &long),
                rf(RecordType::Meeting, &first)
            ],
            vec![
                rf(RecordType::Room, &hall),
                rf(RecordType::Meeting, &long),
                rf(RecordType::Meeting, &second)
            ],
        ]
    );
}

#[test]
fn member_double_booked() {
    let mut r = Replica::init("founder");
    let amina = r.ok(new_member("Amina"));
    let bo = r.ok(new_member("Bo"));
    let with = |members: &[&String]| MeetingFields {
        members: Some(members.iter().map(|m| (*m).clone()).collect()),
        ..Default::default()
    };
    let a = meeting_with(
        &mut r,
        "A",
        "2025-11-16T09:00",
        "2025-11-16T11:00",
        "",
        with(&[&amina, &bo]),
    );
    let b = meeting_with(
        &mut r,
        "B",
        "2025-11-16T10:00",
        "2025-11-16T12:00",
        "",
        with(&[&amina]),
    );
    // Bo's second meeting starts when the first ends.
    meeting_with(
        &mut r,
        "C",
        "2025-11-16T11:00",
        "2025-11-16T12:00",
        "",
        with(&[&bo]),
    );
    let found = r.findings(NOW);
    let doubles = of_kind(&found, FindingKind::MemberDoubleBooked);
    assert_eq!(doubles.len(), 1, "{found:?}");
    assert_eq!(
        doubles[0].refs,
        vec![
            rf(RecordType::Member, &amina),
            rf(RecordType::Meeting, &a),
            rf(RecordType::Meeting, &b)
        ]
    );
    assert!(
        doubles[0].message.contains("Amina"),
        "{}",
        doubles[0].message
    );

    set_status(&mut r, &b, MeetingStatus::Cancelled);
    assert!(of_kind(&r.findings(NOW), FindingKind::MemberDoubleBooked).is_empty());
}

#[test]
fn interpretation_not_covered() {
    let mut r = Replica::init("founder");
    let room = r.ok(new_room("Room 2", &["en", "fr"]));
    let langs = |l: &[&str]| MeetingFields {
        languages: Some(strings(l)),
        ..Default::default()
    };
    let m = meeting_with(
        &mut r,
        "Trilingual",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        &room,
        langs(&["ar", "en", "fr"]),
    );
    // Covered: all languages have booths. One language needs no interpretation at all.
    meeting_with(
        &mut r,
        "Bilingual",
        "2025-11-16T11:00",
        "2025-11-16T12:00",
        &room,
        langs(&["en", "fr"]),
    );
    meeting_with(
        &mut r,
        "Spanish only",
        "2025-11-16T13:00",
        "2025-11-16T14:00",
        &room,
        langs(&["es"]),
    );
    // No room yet: nothing to check.
    meeting_with(
        &mut r,
        "Roomless",
        "2025-11-16T13:00",
        "2025-11-16T14:00",
        "",
        langs(&["es", "ar"]),
    );
    let found = r.findings(NOW);
    let missing = of_kind(&found, FindingKind::InterpretationNotCovered);
    assert_eq!(missing.len(), 1, "{found:?}");
    assert_eq!(
        missing[0].refs,
        vec![rf(RecordType::Meeting, &m), rf(RecordType::Room, &room)]
    );
    assert!(missing[0].message.contains("ar"), "{}", missing[0].message);
    assert!(
        !missing[0].message.contains("en,"),
        "{}",
        missing[0].message
    );

    r.ok(Edit::Update {
        id: room,
        fields: Fields::Room(RoomFields {
            booths: Some(strings(&["ar", "en", "fr"])),
            ..Default::default()
        }),
    });
    assert!(of_kind(&r.findings(NOW), FindingKind::InterpretationNotCovered).is_empty());
}

#[test]
fn archived_reference() {
    let mut r = Replica::init("founder");
    let room = r.ok(new_room("Old wing", &[]));
    let founder = "founder".to_owned();
    let group = r.ok(new_group("Families", &[&founder]));
    let m = meeting_with(
        &mut r,
        "Caucus",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        &room,
        MeetingFields {
            organiser: Some(group.clone()),
            ..Default::default()
        },
    );
    assert!(of_kind(&r.findings(NOW), FindingKind::ArchivedReference).is_empty());

    r.ok(Edit::Archive {
        ty: RecordType::Room,
        id: room.clone(),
    });
    let found = r.findings(NOW);
    let refs = of_kind(&found, FindingKind::ArchivedReference);
    assert_eq!(refs.len(), 1, "{found:?}");
    assert_eq!(
        refs[0].refs,
        vec![rf(RecordType::Meeting, &m), rf(RecordType::Room, &room)]
    );
    assert!(refs[0].message.contains("Old wing"), "{}", refs[0].message);

    r.ok(Edit::Archive {
        ty: RecordType::Group,
        id: group.clone(),
    });
    assert_eq!(
        of_kind(&r.findings(NOW), FindingKind::ArchivedReference).len(),
        2
    );

    // A cancelled meeting's references do not matter any more.
    set_status(&mut r, &m, MeetingStatus::Cancelled);
    assert!(of_kind(&r.findings(NOW), FindingKind::ArchivedReference).is_empty());
}

#[test]
fn group_without_focal_point() {
    let mut r = Replica::init("founder");
    let amina = r.ok(new_member("Amina"));
    let lonely = r.ok(new_group("Lonely", &[]));
    let held = r.ok(new_group("Held", &[&amina]));
    let found = r.findings(NOW);
    let without = of_kind(&found, FindingKind::GroupWithoutFocalPoint);
    assert_eq!(without.len(), 1, "{found:?}");
    assert_eq!(without[0].refs, vec![rf(RecordType::Group, &lonely)]);

    // An archived focal point does not count.
    r.ok(Edit::Archive {
        ty: RecordType::Member,
        id: amina.clone(),
    });
    let found = r.findings(NOW);
    let mut groups: Vec<_> = of_kind(&found, FindingKind::GroupWithoutFocalPoint)
        .iter()
        .map(|f| f.refs[0].id.to_string())
        .collect();
    groups.sort();
    assert_eq!(groups, {
        let mut v = vec![lonely.clone(), held.clone()];
        v.sort();
        v
    });

    // Only active, unarchived groups need one.
    r.ok(Edit::Update {
        id: lonely.clone(),
        fields: Fields::Group(GroupFields {
            status: Some(GroupStatus::Inactive),
            ..Default::default()
        }),
    });
    r.ok(Edit::Archive {
        ty: RecordType::Group,
        id: held,
    });
    assert!(of_kind(&r.findings(NOW), FindingKind::GroupWithoutFocalPoint).is_empty());
}

#[test]
fn review_overdue_without_any_recorded_review() {
    let r = Replica::init("founder");
    // Created on 1 November with the default interval of 90 days: due on 30 January.
    assert!(
        of_kind(
            &r.findings("2026-01-30T12:00:00Z"),
            FindingKind::ReviewOverdue
        )
        .is_empty()
    );
    let found = r.findings("2026-01-31T12:00:00Z");
    let overdue = of_kind(&found, FindingKind::ReviewOverdue);
    assert_eq!(overdue.len(), 1, "{found:?}");
    assert!(overdue[0].refs.is_empty());
    assert!(
        overdue[0].message.contains("none has been recorded"),
        "{}",
        overdue[0].message
    );
}

#[test]
fn review_overdue_after_an_old_recorded_review() {
    let mut r = Replica::init("founder");
    let review = |date: &str, status| {
        Edit::Create(Fields::Review(ReviewFields {
            date: Some(date.to_owned()),
            status: Some(status),
            ..Default::default()
        }))
    };
    let old = r.ok(review("2025-01-10", ReviewStatus::Recorded));
    let found = r.findings(NOW);
    let overdue = of_kind(&found, FindingKind::ReviewOverdue);
    assert_eq!(overdue.len(), 1, "{found:?}");
    assert_eq!(overdue[0].refs, vec![rf(RecordType::Review, &old)]);
    assert!(
        overdue[0].message.contains("2025-01-10"),
        "{}",
        overdue[0].message
    );

    // An open (unrecorded) review does not reset the clock; a recorded one does.
    let open = r.ok(review("2025-11-15", ReviewStatus::Open));
    assert_eq!(
        of_kind(&r.findings(NOW), FindingKind::ReviewOverdue).len(),
        1
    );
    r.ok(Edit::Update {
        id: open,
        fields: Fields::Review(ReviewFields {
            status: Some(ReviewStatus::Recorded),
            ..Default::default()
        }),
    });
    assert!(of_kind(&r.findings(NOW), FindingKind::ReviewOverdue).is_empty());
}

#[test]
fn group_inactive_since_the_last_recorded_review() {
    let mut r = Replica::init("founder");
    let founder = "founder".to_owned();
    let busy = r.ok(new_group("Busy", &[&founder]));
    let organiser = r.ok(new_group("Organiser", &[&founder]));
    let idle = r.ok(new_group("Idle", &[&founder]));
    let late = r.ok(new_group("Late", &[&founder]));
    // Without a recorded review nobody is inactive.
    assert!(of_kind(&r.findings(NOW), FindingKind::GroupInactive).is_empty());

    let review = r.ok(Edit::Create(Fields::Review(ReviewFields {
        date: Some("2025-11-10".to_owned()),
        status: Some(ReviewStatus::Recorded),
        ..Default::default()
    })));
    // Before the review: does not count.
    meeting_with(
        &mut r,
        "Before",
        "2025-11-09T09:00",
        "2025-11-09T10:00",
        "",
        MeetingFields {
            groups: Some(vec![idle.clone()]),
            ..Default::default()
        },
    );
    meeting_with(
        &mut r,
        "Attended",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        "",
        MeetingFields {
            groups: Some(vec![busy.clone()]),
            ..Default::default()
        },
    );
    meeting_with(
        &mut r,
        "Organised",
        "2025-11-17T09:00",
        "2025-11-17T10:00",
        "",
        MeetingFields {
            organiser: Some(organiser.clone()),
            ..Default::default()
        },
    );
    // After `now`: has not happened yet.
    meeting_with(
        &mut r,
        "Next week",
        "2025-11-27T09:00",
        "2025-11-27T10:00",
        "",
        MeetingFields {
            groups: Some(vec![late.clone()]),
            ..Default::default()
        },
    );
    let found = r.findings(NOW);
    let mut inactive: Vec<Vec<Ref>> = of_kind(&found, FindingKind::GroupInactive)
        .iter()
        .map(|f| f.refs.clone())
        .collect();
    inactive.sort();
    let mut want = vec![
        vec![
            rf(RecordType::Group, &idle),
            rf(RecordType::Review, &review),
        ],
        vec![
            rf(RecordType::Group, &late),
            rf(RecordType::Review, &review),
        ],
    ];
    want.sort();
    assert_eq!(inactive, want, "{found:?}");
}

#[test]
fn plenary_consultation_pending() {
    let mut r = Replica::init("founder");
    let note = r.ok(new_note("Declaration wording", "igb"));
    r.ok(new_note("Coffee", "es"));
    assert!(of_kind(&r.findings(NOW), FindingKind::PlenaryConsultationPending).is_empty());
    r.ok(update_note(
        &note,
        NoteFields {
            content_implications: Some(true),
            ..Default::default()
        },
    ));
    let found = r.findings(NOW);
    let pending = of_kind(&found, FindingKind::PlenaryConsultationPending);
    assert_eq!(pending.len(), 1, "{found:?}");
    assert_eq!(pending[0].refs, vec![rf(RecordType::Note, &note)]);
    r.ok(update_note(
        &note,
        NoteFields {
            plenary_consulted: Some(true),
            ..Default::default()
        },
    ));
    assert!(of_kind(&r.findings(NOW), FindingKind::PlenaryConsultationPending).is_empty());
}

#[test]
fn action_overdue() {
    let mut r = Replica::init("founder");
    let amina = r.ok(new_member("Amina"));
    let note = r.ok(new_note("Follow-up", "es"));
    let action = |text: &str, due: &str| ActionFields {
        text: Some(text.to_owned()),
        due: Some(due.to_owned()),
        owner: Some(amina.clone()),
        ..Default::default()
    };
    r.ok(update_note(
        &note,
        NoteFields {
            actions: Some(vec![
                action("Send list", "2025-11-01"),
                action("Due today", "2025-11-20"),
                action("Later", "2025-12-01"),
                action("No date", ""),
            ]),
            ..Default::default()
        },
    ));
    let found = r.findings(NOW);
    let overdue = of_kind(&found, FindingKind::ActionOverdue);
    assert_eq!(overdue.len(), 1, "{found:?}");
    assert_eq!(overdue[0].refs, vec![rf(RecordType::Note, &note)]);
    assert!(overdue[0].message.contains("Send list") && overdue[0].message.contains("Amina"));

    let late = r.snap().notes[&note]
        .actions
        .iter()
        .find(|a| a.text == "Send list")
        .unwrap()
        .id
        .clone();
    r.ok(update_note(
        &note,
        NoteFields {
            actions: Some(vec![ActionFields {
                id: Some(late),
                done: Some(true),
                ..Default::default()
            }]),
            ..Default::default()
        },
    ));
    assert!(of_kind(&r.findings(NOW), FindingKind::ActionOverdue).is_empty());
}

#[test]
fn every_kind_at_once_and_findings_are_sorted() {
    let mut r = Replica::init("founder");
    let amina = r.ok(new_member("Amina"));
    let room = r.ok(new_room("Hall", &["en"]));
    r.ok(new_group("Lonely", &[]));
    r.ok(Edit::Create(Fields::Review(ReviewFields {
        date: Some("2025-01-10".to_owned()),
        status: Some(ReviewStatus::Recorded),
        ..Default::default()
    })));
    let both = MeetingFields {
        members: Some(vec![amina.clone()]),
        languages: Some(strings(&["en", "fr"])),
        ..Default::default()
    };
    meeting_with(
        &mut r,
        "A",
        "2025-11-16T09:00",
        "2025-11-16T11:00",
        &room,
        both.clone(),
    );
    meeting_with(
        &mut r,
        "B",
        "2025-11-16T10:00",
        "2025-11-16T12:00",
        &room,
        both,
    );
    r.ok(Edit::Archive {
        ty: RecordType::Room,
        id: room,
    });
    let note = r.ok(new_note("Wording", "igb"));
    r.ok(update_note(
        &note,
        NoteFields {
            content_implications: Some(true),
            actions: Some(vec![ActionFields {
                text: Some("Draft".to_owned()),
                due: Some("2025-11-02".to_owned()),
                ..Default::default()
            }]),
            ..Default::default()
        },
    ));
    // The planner's kinds: X (French, English understood only, free another day) alone in
    // the English booths of A, B and an afternoon meeting; Y in A's French booth, without
    // English.
    let interpreter = |name: &str, c: &[&str], available: &[&str]| {
        Edit::Create(Fields::Interpreter(InterpreterFields {
            name: Some(name.to_owned()),
            a_languages: Some(strings(&["fr"])),
            c_languages: Some(strings(c)),
            available: Some(strings(available)),
            ..Default::default()
        }))
    };
    let x = r.ok(interpreter("X", &["en"], &["2025-11-17"]));
    let y = r.ok(interpreter("Y", &[], &[]));
    let afternoon = meeting_with(
        &mut r,
        "C",
        "2025-11-16T13:00",
        "2025-11-16T17:00",
        "",
        MeetingFields {
            languages: Some(strings(&["en", "fr"])),
            ..Default::default()
        },
    );
    let ids: Vec<String> = r.snap().meetings.keys().cloned().collect();
    for id in &ids {
        let mut seats = vec![booth_key("en", &x)];
        if r.snap().meetings[id].title == "A" {
            seats.push(booth_key("fr", &y));
        }
        r.ok(update_meeting(
            id,
            MeetingFields {
                booths: Some(seats),
                ..Default::default()
            },
        ));
    }
    assert!(ids.contains(&afternoon));
    let found = r.findings(NOW);
    let all: Vec<FindingKind> = kinds(&found).into_iter().collect();
    assert_eq!(
        all,
        vec![
            FindingKind::RoomDoubleBooked,
            FindingKind::MemberDoubleBooked,
            FindingKind::InterpretationNotCovered,
            FindingKind::ArchivedReference,
            FindingKind::GroupWithoutFocalPoint,
            FindingKind::ReviewOverdue,
            FindingKind::GroupInactive,
            FindingKind::PlenaryConsultationPending,
            FindingKind::ActionOverdue,
            FindingKind::BoothsTooFew,
            FindingKind::BoothTeamTooSmall,
            FindingKind::InterpreterDoubleBooked,
            FindingKind::InterpreterUnavailable,
            FindingKind::InterpreterLanguageMismatch,
            FindingKind::RelayNeeded,
            FindingKind::InterpreterOverloaded,
        ]
    );
    let indexed = FindingsIndex::new(&r.snap(), ts(NOW))
        .set()
        .iter()
        .cloned()
        .collect::<Vec<_>>();
    assert_eq!(found, indexed);
    let mut sorted = found.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(found, sorted);
}
