//! Conflicts: concurrent different values are listed with their authors; equal ones and
//! bookkeeping are not; `Resolve` picks one of them and the pick travels back.

use automerge::ScalarValue;

use super::support::*;
use crate::*;

/// A bureau with one meeting, forked into two members' replicas.
fn two_replicas() -> (Replica, Replica, String) {
    let mut base = Replica::init("founder");
    let m = base.ok(new_meeting(
        "Opening",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        "",
    ));
    let a = base.fork("a", "member-a");
    let b = base.fork("b", "member-b");
    (a, b, m)
}

fn exchange(a: &mut Replica, b: &mut Replica) {
    a.merge_from(b);
    b.merge_from(a);
    assert_eq!(a.heads(), b.heads());
}

fn title(id: &str, t: &str) -> Edit {
    update_meeting(
        id,
        MeetingFields {
            title: Some(t.to_owned()),
            ..Default::default()
        },
    )
}

#[test]
fn concurrent_different_titles_are_a_conflict_with_both_authors() {
    let (mut a, mut b, m) = two_replicas();
    a.ok(title(&m, "Opening plenary"));
    b.ok(title(&m, "Opening session"));
    assert!(a.conflicts().is_empty(), "no conflict before merging");
    exchange(&mut a, &mut b);

    let cs = a.conflicts();
    assert_eq!(cs, b.conflicts());
    assert_eq!(
        cs.len(),
        1,
        "only the title, never updated_at/updated_by: {cs:?}"
    );
    let c = &cs[0];
    assert_eq!(
        (c.ty, c.id.as_str(), c.field.as_str()),
        (RecordType::Meeting, m.as_str(), "title")
    );
    let mut got: Vec<(String, String)> = c
        .values
        .iter()
        .map(|v| (v.author.clone(), v.value.as_str().unwrap().to_owned()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("member-a".to_owned(), "Opening plenary".to_owned()),
            ("member-b".to_owned(), "Opening session".to_owned()),
        ]
    );
    // The first listed value is the one the snapshot shows.
    assert_eq!(
        a.snap().meetings[&m].title,
        c.values[0].value.as_str().unwrap()
    );

    let json = serde_json::to_value(c).unwrap();
    assert_eq!(json["type"], "meeting");
    assert_eq!(json["id"], m.as_str());
    assert_eq!(json["field"], "title");
    assert_eq!(json["values"].as_array().unwrap().len(), 2);
}

#[test]
fn equal_concurrent_values_and_bookkeeping_are_not_conflicts() {
    let (mut a, mut b, m) = two_replicas();
    // Both confirm the meeting and both archive it: same values, written twice.
    for r in [&mut a, &mut b] {
        r.ok(update_meeting(
            &m,
            MeetingFields {
                status: Some(MeetingStatus::Confirmed),
                ..Default::default()
            },
        ));
        r.now = ts(if r.tag == "a" {
            "2025-11-02T10:00:00Z"
        } else {
            "2025-11-02T11:00:00Z"
        });
        r.ok(Edit::Archive {
            ty: RecordType::Meeting,
            id: m.clone(),
        });
    }
    exchange(&mut a, &mut b);
    // updated_at, updated_by, archived_at and archived_by differ but are never listed.
    assert_eq!(a.conflicts(), vec![]);
    let coll = crate::read::map_at(&a.doc, &automerge::ROOT, "meetings").unwrap();
    let rec = crate::read::map_at(&a.doc, &coll, &m).unwrap();
    use automerge::ReadDoc;
    assert_eq!(
        a.doc.get_all(&rec, "updated_at").unwrap().len(),
        2,
        "the bookkeeping did conflict"
    );
    assert_eq!(
        a.doc.get_all(&rec, "status").unwrap().len(),
        2,
        "the status was written twice"
    );
}

#[test]
fn concurrent_additions_to_a_set_both_survive() {
    let (mut a, mut b, m) = two_replicas();
    a.ok(update_meeting(
        &m,
        MeetingFields {
            languages: Some(strings(&["en"])),
            ..Default::default()
        },
    ));
    b.ok(update_meeting(
        &m,
        MeetingFields {
            languages: Some(strings(&["fr"])),
            ..Default::default()
        },
    ));
    exchange(&mut a, &mut b);
    assert_eq!(a.snap().meetings[&m].languages, strings(&["en", "fr"]));
    assert_eq!(a.conflicts(), vec![]);
}

#[test]
fn concurrent_action_items_on_a_new_note_both_survive() {
    let mut base = Replica::init("founder");
    let note = base.ok(new_note("Passes", "es"));
    let mut a = base.fork("a", "member-a");
    let mut b = base.fork("b", "member-b");
    let add = |text: &str| {
        update_note(
            &note,
            NoteFields {
                actions: Some(vec![ActionFields {
                    text: Some(text.to_owned()),
                    ..Default::default()
                }]),
                ..Default::default()
            },
        )
    };
    a.ok(add("Ask the secretariat"));
    b.ok(add("Collect names"));
    exchange(&mut a, &mut b);
    let mut texts: Vec<String> = a.snap().notes[&note]
        .actions
        .iter()
        .map(|x| x.text.clone())
        .collect();
    texts.sort();
    assert_eq!(texts, strings(&["Ask the secretariat", "Collect names"]));
}

#[test]
fn resolve_clears_the_conflict_on_both_replicas() {
    let (mut a, mut b, m) = two_replicas();
    a.ok(title(&m, "Opening plenary"));
    b.ok(title(&m, "Opening session"));
    exchange(&mut a, &mut b);

    // A value nobody wrote is refused, and nothing is written.
    let err = a.refused(Edit::Resolve {
        ty: RecordType::Meeting,
        id: m.clone(),
        field: "title".to_owned(),
        value: sv("Something else"),
    });
    assert!(
        matches!(&err, EditError::Invalid { field, .. } if field == "value"),
        "{err:?}"
    );
    // A field without a conflict cannot be resolved.
    let err = a.refused(Edit::Resolve {
        ty: RecordType::Meeting,
        id: m.clone(),
        field: "kind".to_owned(),
        value: sv("other"),
    });
    assert!(
        matches!(&err, EditError::Invalid { field, .. } if field == "field"),
        "{err:?}"
    );

    // Pick the value that did not win by default, to see the choice stick.
    let losing = a.conflicts()[0].values[1].value.clone();
    a.ok(Edit::Resolve {
        ty: RecordType::Meeting,
        id: m.clone(),
        field: "title".to_owned(),
        value: losing.clone(),
    });
    assert_eq!(a.conflicts(), vec![]);
    assert_eq!(b.conflicts().len(), 1);
    exchange(&mut a, &mut b);
    assert_eq!(a.conflicts(), vec![]);
    assert_eq!(b.conflicts(), vec![]);
    for r in [&a, &b] {
        assert_eq!(
            ScalarValue::Str(r.snap().meetings[&m].title.clone().into()),
            losing
        );
    }
    let changes = a.doc.get_changes(&[]);
    let history = history(&a.doc, &changes, RecordType::Meeting, &m).unwrap();
    assert!(
        history
            .iter()
            .any(|h| h.message == format!("resolve meeting {m} title")),
        "{history:?}"
    );
}

#[test]
fn conflicts_inside_action_items_are_listed_by_dotted_path_and_resolvable() {
    let mut base = Replica::init("founder");
    let note = base.ok(new_note("Passes", "es"));
    base.ok(update_note(
        &note,
        NoteFields {
            actions: Some(vec![ActionFields {
                text: Some("Ask".to_owned()),
                ..Default::default()
            }]),
            ..Default::default()
        },
    ));
    let action = base.snap().notes[&note].actions[0].id.clone();
    let mut a = base.fork("a", "member-a");
    let mut b = base.fork("b", "member-b");
    for (r, text) in [(&mut a, "Ask the secretariat"), (&mut b, "Ask the chair")] {
        r.ok(update_note(
            &note,
            NoteFields {
                actions: Some(vec![ActionFields {
                    id: Some(action.clone()),
                    text: Some(text.to_owned()),
                    ..Default::default()
                }]),
                ..Default::default()
            },
        ));
    }
    exchange(&mut a, &mut b);
    let cs = a.conflicts();
    assert_eq!(cs.len(), 1, "{cs:?}");
    assert_eq!(cs[0].ty, RecordType::Note);
    assert_eq!(cs[0].field, format!("actions.{action}.text"));
    a.ok(Edit::Resolve {
        ty: RecordType::Note,
        id: note.clone(),
        field: cs[0].field.clone(),
        value: sv("Ask the chair"),
    });
    exchange(&mut a, &mut b);
    assert_eq!(b.conflicts(), vec![]);
    assert_eq!(b.snap().notes[&note].actions[0].text, "Ask the chair");
}

#[test]
fn a_resource_whose_name_holds_a_dot_can_be_resolved() {
    let mut base = Replica::init("founder");
    let m = base.ok(new_meeting(
        "Opening",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        "",
    ));
    let res = |pairs: &[(&str, ResourceState)]| {
        update_meeting(
            &m,
            MeetingFields {
                resources: Some(pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()),
                ..Default::default()
            },
        )
    };
    base.ok(res(&[("mics", ResourceState::Requested)]));
    let mut a = base.fork("a", "member-a");
    let mut b = base.fork("b", "member-b");
    a.ok(res(&[
        ("mics", ResourceState::Requested),
        ("screen 2.5m", ResourceState::Requested),
    ]));
    b.ok(res(&[
        ("mics", ResourceState::Requested),
        ("screen 2.5m", ResourceState::Confirmed),
    ]));
    exchange(&mut a, &mut b);
    let cs = a.conflicts();
    let c = cs
        .iter()
        .find(|c| c.field == "resources.screen 2.5m")
        .unwrap_or_else(|| panic!("{cs:?}"));
    a.ok(Edit::Resolve {
        ty: RecordType::Meeting,
        id: m.clone(),
        field: c.field.clone(),
        value: sv("confirmed"),
    });
    assert_eq!(a.conflicts(), vec![]);
    assert_eq!(
        a.snap().meetings[&m].resources["screen 2.5m"],
        ResourceState::Confirmed
    );
}
