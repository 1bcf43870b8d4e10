//! A record's history names each change's author and the fields it touched.

use super::support::*;
use crate::*;

#[test]
fn meeting_history_lists_creation_and_each_authors_updates() {
    let mut base = Replica::init("founder");
    let mut a = base.fork("a", "member-a");
    a.now = ts("2025-11-02T09:00:00Z");
    let m = a.ok(new_meeting(
        "Opening",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        "",
    ));
    base.merge_from(&mut a);
    let mut b = base.fork("b", "member-b");
    a.now = ts("2025-11-03T09:00:00Z");
    a.ok(update_meeting(
        &m,
        MeetingFields {
            title: Some("Opening plenary".to_owned()),
            ..Default::default()
        },
    ));
    b.now = ts("2025-11-04T09:00:00Z");
    b.ok(update_meeting(
        &m,
        MeetingFields {
            agenda: Some("1. Welcome".to_owned()),
            ..Default::default()
        },
    ));
    a.merge_from(&mut b);

    // Some unrelated edits that must not show up.
    a.ok(new_member("Someone"));
    let other = a.ok(new_meeting(
        "Other",
        "2025-11-17T09:00",
        "2025-11-17T10:00",
        "",
    ));

    let changes = a.doc.get_changes(&[]);
    let h = history(&a.doc, &changes, RecordType::Meeting, &m).expect("the meeting exists");
    assert_eq!(h.len(), 3, "{h:#?}");

    let created = &h[0];
    assert_eq!(created.author, "member-a");
    assert!(
        created.fields.contains(&"created".to_owned()),
        "{created:?}"
    );
    assert!(created.fields.contains(&"title".to_owned()), "{created:?}");
    assert_eq!(created.message, format!("create meeting {m}"));
    assert_eq!(created.at, "2025-11-02T09:00:00Z");

    let by = |author: &str| {
        h.iter()
            .find(|e| e.author == author && e.message.starts_with("update"))
            .unwrap()
    };
    let title = by("member-a");
    assert!(title.fields.contains(&"title".to_owned()), "{title:?}");
    assert!(!title.fields.contains(&"agenda".to_owned()), "{title:?}");
    assert_eq!(title.at, "2025-11-03T09:00:00Z");
    let agenda = by("member-b");
    assert!(agenda.fields.contains(&"agenda".to_owned()), "{agenda:?}");
    assert!(!agenda.fields.contains(&"title".to_owned()), "{agenda:?}");
    assert_eq!(agenda.message, format!("update meeting {m}"));
    for e in &h {
        let mut sorted = e.fields.clone();
        sorted.sort();
        assert_eq!(e.fields, sorted);
        assert!(!e.change.is_empty());
    }
    assert!(h.iter().all(|e| e.message.contains(&m)), "{h:#?}");
    assert!(
        history(&a.doc, &changes, RecordType::Meeting, &other)
            .unwrap()
            .len()
            == 1
    );
    assert_eq!(history(&a.doc, &changes, RecordType::Meeting, "nope"), None);

    // Authors survive saving and loading the document.
    let mut loaded = automerge::AutoCommit::load(&a.doc.save()).unwrap();
    let changes = loaded.get_changes(&[]);
    let again = history(&loaded, &changes, RecordType::Meeting, &m).unwrap();
    let authors = |h: &[HistoryEntry]| {
        let mut v: Vec<String> = h.iter().map(|e| e.author.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(authors(&again), authors(&h));
}

#[test]
fn nested_fields_are_named_by_their_record_field() {
    let mut r = Replica::init("founder");
    let note = r.ok(new_note("Passes", "es"));
    r.ok(update_note(
        &note,
        NoteFields {
            actions: Some(vec![ActionFields {
                text: Some("Ask".to_owned()),
                ..Default::default()
            }]),
            ..Default::default()
        },
    ));
    let action = r.snap().notes[&note].actions[0].id.clone();
    r.ok(update_note(
        &note,
        NoteFields {
            actions: Some(vec![ActionFields {
                id: Some(action),
                done: Some(true),
                ..Default::default()
            }]),
            ..Default::default()
        },
    ));
    let m = r.ok(new_meeting("M", "2025-11-16T09:00", "2025-11-16T10:00", ""));
    r.ok(update_meeting(
        &m,
        MeetingFields {
            languages: Some(strings(&["en", "fr"])),
            ..Default::default()
        },
    ));
    let changes = r.doc.get_changes(&[]);
    let h = history(&r.doc, &changes, RecordType::Note, &note).unwrap();
    assert_eq!(h.len(), 3, "{h:#?}");
    assert!(h[1].fields.contains(&"actions".to_owned()), "{:?}", h[1]);
    assert!(h[2].fields.contains(&"actions".to_owned()), "{:?}", h[2]);
    assert!(h.iter().all(|e| e.author == "founder"));
    let h = history(&r.doc, &changes, RecordType::Meeting, &m).unwrap();
    assert!(h[1].fields.contains(&"languages".to_owned()), "{:?}", h[1]);
}
