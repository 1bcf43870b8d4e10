//! The interpretation planner: interpreters and booths as records, each planner finding on
//! both sides of its threshold with the norms table's values, the index kept equal to the full
//! computation, and what two laptops planning offline keep after a merge.

use automerge::{ROOT, ReadDoc, transaction::Transactable};
use proptest::prelude::*;

use super::support::*;
use crate::*;

/// An interpreter with A, B and C languages and the given availability keys.
fn new_interpreter(name: &str, a: &[&str], b: &[&str], c: &[&str], available: &[&str]) -> Edit {
    Edit::Create(Fields::Interpreter(InterpreterFields {
        name: Some(name.to_owned()),
        a_languages: Some(strings(a)),
        b_languages: Some(strings(b)),
        c_languages: Some(strings(c)),
        available: Some(strings(available)),
        ..Default::default()
    }))
}

/// Seats `(language, interpreter)` in a meeting's booths (replacing its seats).
fn seat(id: &str, seats: &[(&str, &str)]) -> Edit {
    update_meeting(
        id,
        MeetingFields {
            booths: Some(seats.iter().map(|(l, i)| booth_key(l, i)).collect()),
            ..Default::default()
        },
    )
}

fn meeting(
    r: &mut Replica,
    title: &str,
    start: &str,
    end: &str,
    room: &str,
    langs: &[&str],
) -> String {
    let id = r.ok(new_meeting(title, start, end, room));
    r.ok(update_meeting(
        &id,
        MeetingFields {
            languages: Some(strings(langs)),
            ..Default::default()
        },
    ));
    id
}

/// The findings, checked equal to an index built anew and to one kept up to date from the
/// records touched since `index` was built.
fn planner_findings(r: &Replica) -> Vec<Finding> {
    let snap = r.snap();
    let found = findings(&snap, ts(NOW));
    assert_eq!(
        found,
        FindingsIndex::new(&snap, ts(NOW))
            .set()
            .iter()
            .cloned()
            .collect::<Vec<_>>()
    );
    found
        .into_iter()
        .filter(|f| {
            matches!(
                f.kind,
                FindingKind::BoothsTooFew
                    | FindingKind::BoothTeamTooSmall
                    | FindingKind::InterpreterDoubleBooked
                    | FindingKind::InterpreterUnavailable
                    | FindingKind::InterpreterLanguageMismatch
                    | FindingKind::RelayNeeded
                    | FindingKind::InterpreterOverloaded
            )
        })
        .collect()
}

fn lang(code: &str) -> Ref {
    Ref {
        ty: RefType::Language,
        id: code.into(),
    }
}

#[test]
fn the_new_kinds_have_their_wire_names() {
    let names: Vec<String> = [
        FindingKind::BoothsTooFew,
        FindingKind::BoothTeamTooSmall,
        FindingKind::InterpreterDoubleBooked,
        FindingKind::InterpreterUnavailable,
        FindingKind::InterpreterLanguageMismatch,
        FindingKind::RelayNeeded,
        FindingKind::InterpreterOverloaded,
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
            "booths-too-few",
            "booth-team-too-small",
            "interpreter-double-booked",
            "interpreter-unavailable",
            "interpreter-language-mismatch",
            "relay-needed",
            "interpreter-overloaded",
        ]
    );
    assert_eq!(
        serde_json::to_value(lang("fr")).unwrap(),
        serde_json::json!({"type": "language", "id": "fr"})
    );
}

#[test]
fn the_norms_table_gives_the_team_size_on_both_sides_of_each_threshold() {
    let n = Norms::default();
    assert_eq!(
        (
            n.booth_solo_max_minutes,
            n.booth_pair_max_minutes,
            n.booth_pair_from_languages,
            n.interpreter_daily_minutes
        ),
        (40, 180, 3, 360)
    );
    assert_eq!(n.team_size(40, 2), 1);
    assert_eq!(n.team_size(41, 2), 2);
    assert_eq!(n.team_size(180, 2), 2);
    assert_eq!(n.team_size(181, 2), 3);
    // Three languages: two per booth at any length, three beyond three hours.
    assert_eq!(n.team_size(30, 3), 2);
    assert_eq!(n.team_size(180, 3), 2);
    assert_eq!(n.team_size(181, 3), 3);
    // Other numbers move the thresholds with them.
    let other = Norms {
        booth_solo_max_minutes: 30,
        booth_pair_max_minutes: 120,
        booth_pair_from_languages: 4,
        interpreter_daily_minutes: 300,
    };
    assert_eq!(other.team_size(31, 2), 2);
    assert_eq!(other.team_size(121, 2), 3);
    assert_eq!(other.team_size(30, 3), 1);
    assert_eq!(other.team_size(30, 4), 2);
}

#[test]
fn an_interpreter_is_a_record_with_a_language_combination_and_days() {
    let mut r = Replica::init("founder");
    let id = r.ok(new_interpreter(
        "Nadia Haddad",
        &["ar"],
        &["fr"],
        &["en"],
        &["2025-11-16", "2025-11-17/09:00-13:00", "2025-11-18/-12:00"],
    ));
    let snap = r.snap();
    let i = &snap.interpreters[&id];
    assert_eq!(i.name, "Nadia Haddad");
    assert_eq!(i.languages.a, ["ar"]);
    assert!(i.languages.works_into("fr") && !i.languages.works_into("en"));
    assert!(i.languages.understands("en") && !i.languages.understands("es"));
    assert_eq!(
        i.available,
        [
            Availability {
                date: "2025-11-16".into(),
                from: None,
                to: None
            },
            Availability {
                date: "2025-11-17".into(),
                from: Some("09:00".into()),
                to: Some("13:00".into())
            },
            Availability {
                date: "2025-11-18".into(),
                from: None,
                to: Some("12:00".into())
            },
        ]
    );
    assert!(snap.problems.is_empty(), "{:?}", snap.problems);
    // Refusals name the field.
    for (edit, field) in [
        (new_interpreter("", &[], &[], &[], &[]), "name"),
        (
            new_interpreter("X", &["english"], &[], &[], &[]),
            "languages.a",
        ),
        (new_interpreter("X", &[], &[], &["EN"], &[]), "languages.c"),
        (
            new_interpreter("X", &[], &[], &[], &["2025-13-01"]),
            "available",
        ),
        (
            new_interpreter("X", &[], &[], &[], &["2025-11-16/13:00-09:00"]),
            "available",
        ),
        (
            new_interpreter("X", &[], &[], &[], &["2025-11-16/9h-"]),
            "available",
        ),
    ] {
        match r.refused(edit) {
            EditError::Invalid { field: f, .. } => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
    }
    let m = r.ok(new_meeting("M", "2025-11-16T09:00", "2025-11-16T10:00", ""));
    for (seats, what) in [
        (vec!["fr".to_owned()], "no interpreter"),
        (vec![format!("French/{id}")], "not a language"),
        (vec!["fr/nobody".to_owned()], "unknown interpreter"),
    ] {
        let e = r.refused(update_meeting(
            &m,
            MeetingFields {
                booths: Some(seats),
                ..Default::default()
            },
        ));
        assert!(
            matches!(&e, EditError::Invalid { field, .. } if field == "booths"),
            "{what}: {e:?}"
        );
    }
}

#[test]
fn a_room_has_one_booth_per_booth_language_unless_counted() {
    let mut r = Replica::init("founder");
    let hall = r.ok(new_room("Hall", &["en", "fr", "ar"]));
    assert_eq!(r.snap().rooms[&hall].booth_count, 3);
    r.ok(Edit::Update {
        id: hall.clone(),
        fields: Fields::Room(RoomFields {
            booth_count: Some(2),
            ..Default::default()
        }),
    });
    assert_eq!(r.snap().rooms[&hall].booth_count, 2);
}

#[test]
fn booths_too_few_counts_retour_booths_as_serving_two_languages() {
    let mut r = Replica::init("founder");
    let hall = r.ok(new_room("Hall", &["en", "fr"]));
    let m = meeting(
        &mut r,
        "Plenary",
        "2025-11-16T09:00",
        "2025-11-16T09:30",
        &hall,
        &["en", "fr", "es"],
    );
    // Three languages, no retour: three booths in a room with two.
    let found = planner_findings(&r);
    let too_few = of_kind(&found, FindingKind::BoothsTooFew);
    assert_eq!(too_few.len(), 1);
    assert_eq!(
        too_few[0].refs,
        vec![rf(RecordType::Meeting, &m), rf(RecordType::Room, &hall)]
    );
    // An English booth whose interpreters all work into Spanish too serves both.
    let ana = r.ok(new_interpreter("Ana", &["es"], &["en"], &["fr"], &[]));
    let ben = r.ok(new_interpreter("Ben", &["en"], &["es"], &["fr"], &[]));
    r.ok(seat(&m, &[("en", &ana), ("en", &ben)]));
    assert!(of_kind(&planner_findings(&r), FindingKind::BoothsTooFew).is_empty());
    // Unless one of them does not: then Spanish needs a booth of its own again.
    let cal = r.ok(new_interpreter("Cal", &["en"], &[], &["es", "fr"], &[]));
    r.ok(seat(&m, &[("en", &ana), ("en", &ben), ("en", &cal)]));
    assert_eq!(
        of_kind(&planner_findings(&r), FindingKind::BoothsTooFew).len(),
        1
    );
    // Two booths needed, and the room counted down to one.
    r.ok(seat(&m, &[("en", &ana), ("en", &ben)]));
    r.ok(Edit::Update {
        id: hall.clone(),
        fields: Fields::Room(RoomFields {
            booth_count: Some(1),
            ..Default::default()
        }),
    });
    assert_eq!(
        of_kind(&planner_findings(&r), FindingKind::BoothsTooFew).len(),
        1
    );
    // One language needs no booth.
    r.ok(update_meeting(
        &m,
        MeetingFields {
            languages: Some(strings(&["en"])),
            booths: Some(Vec::new()),
            ..Default::default()
        },
    ));
    assert!(of_kind(&planner_findings(&r), FindingKind::BoothsTooFew).is_empty());
}

#[test]
fn booth_team_too_small_on_both_sides_of_each_length_and_language_threshold() {
    let mut r = Replica::init("founder");
    let hall = r.ok(new_room("Hall", &["en", "fr", "es"]));
    let fr: Vec<String> = (0..3)
        .map(|i| {
            r.ok(new_interpreter(
                &format!("F{i}"),
                &["fr"],
                &["en"],
                &["es"],
                &[],
            ))
        })
        .collect();
    let team =
        |n: usize| -> Vec<(&str, &str)> { fr[..n].iter().map(|i| ("fr", i.as_str())).collect() };
    // (minutes, languages, team, too small?)
    let cases: [(u32, &[&str], usize, bool); 10] = [
        (40, &["en", "fr"], 1, false),
        (41, &["en", "fr"], 1, true),
        (41, &["en", "fr"], 2, false),
        (180, &["en", "fr"], 2, false),
        (181, &["en", "fr"], 2, true),
        (181, &["en", "fr"], 3, false),
        (30, &["en", "fr", "es"], 1, true),
        (30, &["en", "fr", "es"], 2, false),
        (181, &["en", "fr", "es"], 2, true),
        (181, &["en", "fr", "es"], 3, false),
    ];
    for (n, (minutes, langs, size, small)) in cases.into_iter().enumerate() {
        let day = 10 + n;
        let start = jiff::civil::date(2025, 12, day as i8).at(9, 0, 0, 0);
        let end = start + jiff::Span::new().minutes(i64::from(minutes));
        let m = meeting(
            &mut r,
            &format!("M{n}"),
            &start.to_string(),
            &end.to_string(),
            &hall,
            langs,
        );
        r.ok(seat(&m, &team(size)));
        let found = planner_findings(&r);
        let this: Vec<&Finding> = of_kind(&found, FindingKind::BoothTeamTooSmall)
            .into_iter()
            .filter(|f| f.refs[0].id == m)
            .collect();
        assert_eq!(
            !this.is_empty(),
            small,
            "{minutes} min, {langs:?}, {size}: {this:?}"
        );
        if small {
            assert_eq!(this[0].refs[..2], [rf(RecordType::Meeting, &m), lang("fr")]);
            assert_eq!(this[0].refs.len(), 2 + size);
        }
        r.ok(Edit::Archive {
            ty: RecordType::Meeting,
            id: m,
        });
    }
}

#[test]
fn an_interpreter_in_a_booth_they_do_not_work_into_is_a_mismatch() {
    let mut r = Replica::init("founder");
    let m = meeting(
        &mut r,
        "M",
        "2025-11-16T09:00",
        "2025-11-16T09:30",
        "",
        &["en", "fr"],
    );
    // French is only a C language: understood, never worked into.
    let c_only = r.ok(new_interpreter("C only", &["en"], &[], &["fr"], &[]));
    let b_fr = r.ok(new_interpreter("B French", &["en"], &["fr"], &[], &[]));
    r.ok(seat(&m, &[("fr", &c_only)]));
    let found = planner_findings(&r);
    let mismatch = of_kind(&found, FindingKind::InterpreterLanguageMismatch);
    assert_eq!(mismatch.len(), 1);
    assert_eq!(
        mismatch[0].refs,
        vec![
            rf(RecordType::Meeting, &m),
            lang("fr"),
            rf(RecordType::Interpreter, &c_only)
        ]
    );
    r.ok(seat(&m, &[("fr", &b_fr)]));
    assert!(
        of_kind(
            &planner_findings(&r),
            FindingKind::InterpreterLanguageMismatch
        )
        .is_empty()
    );
}

#[test]
fn relay_is_needed_where_a_booth_does_not_understand_the_floor_and_says_from_which_booth() {
    let mut r = Replica::init("founder");
    let m = meeting(
        &mut r,
        "M",
        "2025-11-16T09:00",
        "2025-11-16T09:30",
        "",
        &["ar", "en", "fr"],
    );
    // The French booth understands English, not Arabic; the English booth understands Arabic.
    let f1 = r.ok(new_interpreter("F1", &["fr"], &[], &["en"], &[]));
    let f2 = r.ok(new_interpreter("F2", &["fr"], &["en"], &[], &[]));
    let e1 = r.ok(new_interpreter("E1", &["en"], &[], &["ar", "fr"], &[]));
    let e2 = r.ok(new_interpreter("E2", &["en"], &["ar"], &["fr"], &[]));
    let a1 = r.ok(new_interpreter("A1", &["ar"], &["en"], &["fr"], &[]));
    let a2 = r.ok(new_interpreter("A2", &["ar"], &["en"], &[], &[]));
    r.ok(seat(
        &m,
        &[
            ("fr", &f1),
            ("fr", &f2),
            ("en", &e1),
            ("en", &e2),
            ("ar", &a1),
            ("ar", &a2),
        ],
    ));
    let found = planner_findings(&r);
    let relay = of_kind(&found, FindingKind::RelayNeeded);
    assert_eq!(relay.len(), 1, "{relay:?}");
    assert_eq!(
        relay[0].refs,
        vec![
            rf(RecordType::Meeting, &m),
            lang("fr"),
            lang("ar"),
            lang("en")
        ]
    );
    assert!(
        relay[0].message.contains("from the en booth"),
        "{}",
        relay[0].message
    );
    // One French interpreter with Arabic as a C language is enough: no relay.
    let f3 = r.ok(new_interpreter("F3", &["fr"], &[], &["ar", "en"], &[]));
    r.ok(seat(
        &m,
        &[
            ("fr", &f1),
            ("fr", &f3),
            ("en", &e1),
            ("en", &e2),
            ("ar", &a1),
            ("ar", &a2),
        ],
    ));
    assert!(of_kind(&planner_findings(&r), FindingKind::RelayNeeded).is_empty());
    // No booth that the French booth understands takes Arabic: relay, from nowhere.
    r.ok(seat(
        &m,
        &[("fr", &f1), ("fr", &f2), ("ar", &a1), ("ar", &a2)],
    ));
    let found = planner_findings(&r);
    let relay = of_kind(&found, FindingKind::RelayNeeded);
    assert_eq!(relay.len(), 1, "{relay:?}");
    assert_eq!(
        relay[0].refs,
        vec![rf(RecordType::Meeting, &m), lang("fr"), lang("ar")]
    );
}

#[test]
fn an_interpreter_in_overlapping_meetings_is_double_booked_and_back_to_back_is_not() {
    let mut r = Replica::init("founder");
    let x = r.ok(new_interpreter("X", &["fr"], &["en"], &[], &[]));
    let a = meeting(
        &mut r,
        "A",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        "",
        &["en", "fr"],
    );
    let b = meeting(
        &mut r,
        "B",
        "2025-11-16T10:00",
        "2025-11-16T11:00",
        "",
        &["en", "fr"],
    );
    r.ok(seat(&a, &[("fr", &x)]));
    r.ok(seat(&b, &[("fr", &x)]));
    assert!(of_kind(&planner_findings(&r), FindingKind::InterpreterDoubleBooked).is_empty());
    r.ok(update_meeting(
        &b,
        MeetingFields {
            start: Some("2025-11-16T09:59".into()),
            ..Default::default()
        },
    ));
    let found = planner_findings(&r);
    let double = of_kind(&found, FindingKind::InterpreterDoubleBooked);
    assert_eq!(double.len(), 1);
    assert_eq!(
        double[0].refs,
        vec![
            rf(RecordType::Interpreter, &x),
            rf(RecordType::Meeting, &a),
            rf(RecordType::Meeting, &b)
        ]
    );
}

#[test]
fn an_interpreter_outside_their_availability_is_flagged_to_the_minute() {
    let mut r = Replica::init("founder");
    let x = r.ok(new_interpreter(
        "X",
        &["fr"],
        &["en"],
        &[],
        &["2025-11-16/09:00-12:00", "2025-11-17"],
    ));
    let free = r.ok(new_interpreter("Free", &["fr"], &["en"], &[], &[]));
    let m = meeting(
        &mut r,
        "M",
        "2025-11-16T09:00",
        "2025-11-16T12:00",
        "",
        &["en", "fr"],
    );
    r.ok(seat(&m, &[("fr", &x), ("fr", &free)]));
    assert!(of_kind(&planner_findings(&r), FindingKind::InterpreterUnavailable).is_empty());
    for (start, end) in [
        ("2025-11-16T08:59", "2025-11-16T12:00"),
        ("2025-11-16T09:00", "2025-11-16T12:01"),
        ("2025-11-18T09:00", "2025-11-18T10:00"),
    ] {
        r.ok(update_meeting(
            &m,
            MeetingFields {
                start: Some(start.into()),
                end: Some(end.into()),
                ..Default::default()
            },
        ));
        let found = planner_findings(&r);
        let un = of_kind(&found, FindingKind::InterpreterUnavailable);
        // Only the one who gave days; one who gave none is taken as available.
        assert_eq!(un.len(), 1, "{start}–{end}");
        assert_eq!(
            un[0].refs,
            vec![
                rf(RecordType::Interpreter, &x),
                rf(RecordType::Meeting, &m),
                lang("fr")
            ]
        );
    }
    // The whole day given: any hours.
    r.ok(update_meeting(
        &m,
        MeetingFields {
            start: Some("2025-11-17T07:00".into()),
            end: Some("2025-11-17T21:00".into()),
            ..Default::default()
        },
    ));
    assert!(of_kind(&planner_findings(&r), FindingKind::InterpreterUnavailable).is_empty());
}

#[test]
fn a_day_over_the_daily_minutes_overloads_an_interpreter() {
    let mut r = Replica::init("founder");
    let x = r.ok(new_interpreter("X", &["fr"], &["en"], &[], &[]));
    // 180 + 180 = 360 minutes: at the limit, not over it.
    let a = meeting(
        &mut r,
        "A",
        "2025-11-16T09:00",
        "2025-11-16T12:00",
        "",
        &["en", "fr"],
    );
    let b = meeting(
        &mut r,
        "B",
        "2025-11-16T14:00",
        "2025-11-16T17:00",
        "",
        &["en", "fr"],
    );
    r.ok(seat(&a, &[("fr", &x)]));
    r.ok(seat(&b, &[("fr", &x)]));
    assert!(of_kind(&planner_findings(&r), FindingKind::InterpreterOverloaded).is_empty());
    r.ok(update_meeting(
        &b,
        MeetingFields {
            end: Some("2025-11-16T17:01".into()),
            ..Default::default()
        },
    ));
    let found = planner_findings(&r);
    let over = of_kind(&found, FindingKind::InterpreterOverloaded);
    assert_eq!(over.len(), 1);
    assert_eq!(
        over[0].refs,
        vec![
            rf(RecordType::Interpreter, &x),
            rf(RecordType::Meeting, &a),
            rf(RecordType::Meeting, &b)
        ]
    );
    // Another day's minutes are not added.
    r.ok(update_meeting(
        &b,
        MeetingFields {
            start: Some("2025-11-17T14:00".into()),
            end: Some("2025-11-17T17:01".into()),
            ..Default::default()
        },
    ));
    assert!(of_kind(&planner_findings(&r), FindingKind::InterpreterOverloaded).is_empty());
}

#[test]
fn the_index_follows_planner_edits_one_touched_record_at_a_time() {
    let mut r = Replica::init("founder");
    let mut snap = r.snap();
    let now = ts(NOW);
    let mut index = FindingsIndex::new(&snap, now);
    let mut step = |r: &mut Replica, edit: Edit| -> String {
        let before = r.doc.get_heads();
        let id = r.ok(edit);
        let ty = match r
            .doc
            .get_changes(&before)
            .last()
            .and_then(|c| c.message().map(str::to_owned))
        {
            Some(m) if m.contains("interpreter") => RecordType::Interpreter,
            Some(m) if m.contains("room") => RecordType::Room,
            _ => RecordType::Meeting,
        };
        let touched = [(ty, id.clone())];
        snap.refresh(&r.doc, &touched);
        index.update(&snap, &touched, now);
        assert_eq!(
            index.set().iter().cloned().collect::<Vec<_>>(),
            findings(&snap, now)
        );
        id
    };
    let hall = step(&mut r, new_room("Hall", &["en"]));
    let x = step(
        &mut r,
        new_interpreter("X", &["fr"], &["en"], &[], &["2025-11-16"]),
    );
    let a = step(
        &mut r,
        new_meeting("A", "2025-11-16T09:00", "2025-11-16T13:00", &hall),
    );
    let b = step(
        &mut r,
        new_meeting("B", "2025-11-16T12:00", "2025-11-16T16:00", &hall),
    );
    for id in [&a, &b] {
        step(
            &mut r,
            update_meeting(
                id,
                MeetingFields {
                    languages: Some(strings(&["en", "fr", "ar"])),
                    booths: Some(vec![booth_key("fr", &x), booth_key("ar", &x)]),
                    ..Default::default()
                },
            ),
        );
    }
    // Every planner kind but one is there now; renaming the interpreter, taking away their
    // day and moving a meeting each re-check what they feed.
    step(
        &mut r,
        Edit::Update {
            id: x.clone(),
            fields: Fields::Interpreter(InterpreterFields {
                name: Some("Renamed".into()),
                available: Some(strings(&["2025-11-17"])),
                ..Default::default()
            }),
        },
    );
    step(
        &mut r,
        update_meeting(
            &b,
            MeetingFields {
                start: Some("2025-11-17T12:00".into()),
                end: Some("2025-11-17T13:00".into()),
                ..Default::default()
            },
        ),
    );
    step(
        &mut r,
        Edit::Update {
            id: hall,
            fields: Fields::Room(RoomFields {
                booth_count: Some(5),
                ..Default::default()
            }),
        },
    );
    let found = planner_findings(&r);
    assert!(
        found.iter().all(|f| !f.message.starts_with("X ")),
        "{found:?}"
    );
}

#[test]
fn two_replicas_seating_one_interpreter_in_overlapping_meetings_both_see_it_until_one_unseats() {
    let mut base = Replica::init("founder");
    let x = base.ok(new_interpreter("X", &["fr"], &["en"], &[], &[]));
    let a = meeting(
        &mut base,
        "A",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        "",
        &["en", "fr"],
    );
    let b = meeting(
        &mut base,
        "B",
        "2025-11-16T09:30",
        "2025-11-16T10:30",
        "",
        &["en", "fr"],
    );
    let mut one = base.fork("one", "member-one");
    let mut two = base.fork("two", "member-two");
    one.ok(seat(&a, &[("fr", &x)]));
    two.ok(seat(&b, &[("fr", &x)]));
    for r in [&one, &two] {
        assert!(of_kind(&planner_findings(r), FindingKind::InterpreterDoubleBooked).is_empty());
    }
    one.merge_from(&mut two);
    two.merge_from(&mut one);
    for r in [&one, &two] {
        assert_eq!(
            of_kind(&planner_findings(r), FindingKind::InterpreterDoubleBooked).len(),
            1
        );
    }
    two.ok(seat(&b, &[]));
    one.merge_from(&mut two);
    for r in [&one, &two] {
        assert!(of_kind(&planner_findings(r), FindingKind::InterpreterDoubleBooked).is_empty());
    }
}

/// A meeting as the previous release made it: no `booths` map.
fn older_meeting(r: &mut Replica) -> String {
    let m = meeting(
        r,
        "Old",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        "",
        &["en", "fr"],
    );
    let (_, rec) = crate::read::find_record(&r.doc, RecordType::Meeting, &m).unwrap();
    r.doc.delete(&rec, "booths").unwrap();
    r.doc.commit();
    assert!(r.doc.get(&rec, "booths").unwrap().is_none());
    m
}

#[test]
fn two_replicas_staffing_the_same_booth_offline_keep_both_interpreters() {
    for older in [false, true] {
        let mut base = Replica::init("founder");
        let x = base.ok(new_interpreter("X", &["fr"], &["en"], &[], &[]));
        let y = base.ok(new_interpreter("Y", &["fr"], &["en"], &[], &[]));
        let m = if older {
            older_meeting(&mut base)
        } else {
            meeting(
                &mut base,
                "New",
                "2025-11-16T09:00",
                "2025-11-16T10:00",
                "",
                &["en", "fr"],
            )
        };
        let mut one = base.fork("one", "member-one");
        let mut two = base.fork("two", "member-two");
        one.ok(seat(&m, &[("fr", &x)]));
        two.ok(seat(&m, &[("fr", &y)]));
        one.merge_from(&mut two);
        two.merge_from(&mut one);
        let mut want = vec![x.clone(), y.clone()];
        want.sort();
        for r in [&mut one, &mut two] {
            let snap = r.snap();
            assert_eq!(
                snap.meetings[&m].booths,
                [Booth {
                    language: "fr".into(),
                    interpreters: want.clone()
                }],
                "older meeting: {older}"
            );
            assert!(snap.problems.is_empty(), "{:?}", snap.problems);
        }
        // Unseating one takes it out of whichever map holds it, on both.
        one.ok(seat(&m, &[("fr", &y)]));
        two.merge_from(&mut one);
        for r in [&one, &two] {
            assert_eq!(
                r.snap().meetings[&m].booths[0].interpreters,
                vec![y.clone()]
            );
        }
    }
}

/// A bureau as the release before interpreters founded it: no `interpreters` collection.
fn older_bureau() -> Replica {
    let mut r = Replica::init("founder");
    r.doc.delete(ROOT, "interpreters").unwrap();
    r.doc.commit();
    r
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Two replicas each create the first interpreters of a bureau founded before the
    /// collection existed, offline; after merging in either order both keep every one, each
    /// edited where it lives and seatable.
    #[test]
    fn interpreters_created_offline_on_two_replicas_all_survive(
        counts in (1..4usize, 1..4usize),
        edits in proptest::collection::vec((0..2usize, 0..4usize), 0..6),
        one_first in any::<bool>(),
    ) {
        let mut base = older_bureau();
        let m = meeting(&mut base, "M", "2025-11-16T09:00", "2025-11-16T10:00", "", &["en", "fr"]);
        let mut reps = [base.fork("one", "member-one"), base.fork("two", "member-two")];
        let mut made: Vec<Vec<String>> = vec![Vec::new(), Vec::new()];
        for (i, n) in [counts.0, counts.1].into_iter().enumerate() {
            for k in 0..n {
                made[i].push(reps[i].ok(new_interpreter(&format!("I{i}-{k}"), &["fr"], &["en"], &[], &[])));
            }
        }
        let (l, r) = reps.split_at_mut(1);
        if one_first {
            l[0].merge_from(&mut r[0]);
            r[0].merge_from(&mut l[0]);
        } else {
            r[0].merge_from(&mut l[0]);
            l[0].merge_from(&mut r[0]);
        }
        prop_assert_eq!(reps[0].doc.get_all(ROOT, "interpreters").unwrap().len(), 2);
        let all: Vec<String> = made.concat();
        for (who, which) in &edits {
            let id = &all[which % all.len()];
            reps[*who].ok(Edit::Update {
                id: id.clone(),
                fields: Fields::Interpreter(InterpreterFields {
                    team: Some(format!("team {who}")),
                    ..Default::default()
                }),
            });
        }
        reps[0].ok(seat(&m, &all.iter().map(|i| ("fr", i.as_str())).collect::<Vec<_>>()));
        let (l, r) = reps.split_at_mut(1);
        l[0].merge_from(&mut r[0]);
        r[0].merge_from(&mut l[0]);
        let (s0, s1) = (reps[0].snap(), reps[1].snap());
        prop_assert_eq!(&s0, &s1);
        prop_assert!(s0.problems.is_empty(), "{:?}", s0.problems);
        prop_assert_eq!(s0.interpreters.len(), all.len());
        for id in &all {
            prop_assert!(s0.interpreters.contains_key(id), "interpreter {} lost", id);
        }
        prop_assert_eq!(s0.meetings[&m].booths[0].interpreters.len(), all.len());
    }
}

#[test]
fn the_planner_works_to_the_bureaus_settings() {
    let mut r = Replica::init("founder");
    let hall = r.ok(new_room("Hall", &["en", "fr"]));
    let f = r.ok(new_interpreter("F", &["fr"], &["en"], &[], &[]));
    let m = meeting(
        &mut r,
        "Hour",
        "2025-12-10T09:00:00",
        "2025-12-10T10:00:00",
        &hall,
        &["en", "fr"],
    );
    r.ok(seat(&m, &[("fr", f.as_str())]));
    let small = |r: &Replica| of_kind(&planner_findings(r), FindingKind::BoothTeamTooSmall).len();
    // An hour is past the default 40 minutes one interpreter covers alone.
    assert_eq!(small(&r), 1);
    let solo = |minutes: u32| {
        Edit::UpdateSettings(SettingsFields {
            feed_secret: None,
            numbers: [("booth_solo_max_minutes".to_owned(), Some(minutes))].into(),
        })
    };
    assert_eq!(r.apply(&solo(60)), Ok(Applied::Bureau));
    assert_eq!(Norms::of(&r.snap()).booth_solo_max_minutes, 60);
    assert_eq!(small(&r), 0, "an hour alone is within the bureau's norm");
    assert_eq!(r.apply(&solo(59)), Ok(Applied::Bureau));
    assert_eq!(small(&r), 1);
}
