//! A record's history names each change's author and the fields it touched, each with its
//! value before and after.

use serde_json::json;

use super::support::*;
use crate::*;

/// The names of the fields an entry lists.
fn names(e: &HistoryEntry) -> Vec<&str> {
    e.fields.iter().map(|f| f.field.as_str()).collect()
}

/// The change of one field in an entry.
fn change<'e>(e: &'e HistoryEntry, field: &str) -> &'e FieldChange {
    e.fields
        .iter()
        .find(|f| f.field == field)
        .unwrap_or_else(|| panic!("{field} is not listed in {e:#?}"))
}

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
    assert_eq!(change(created, "title").old, json!(null), "{created:?}");
    assert_eq!(
        change(created, "title").new,
        json!("Opening"),
        "{created:?}"
    );
    assert_eq!(created.message, format!("create meeting {m}"));
    assert_eq!(created.at, "2025-11-02T09:00:00Z");

    let by = |author: &str| {
        h.iter()
            .find(|e| e.author == author && e.message.starts_with("update"))
            .unwrap()
    };
    let title = by("member-a");
    assert!(names(title).contains(&"title"), "{title:?}");
    assert!(!names(title).contains(&"agenda"), "{title:?}");
    assert_eq!(title.at, "2025-11-03T09:00:00Z");
    let agenda = by("member-b");
    assert!(names(agenda).contains(&"agenda"), "{agenda:?}");
    assert!(!names(agenda).contains(&"title"), "{agenda:?}");
    assert_eq!(agenda.message, format!("update meeting {m}"));
    for e in &h {
        let mut sorted = names(e);
        sorted.sort_unstable();
        assert_eq!(names(e), sorted);
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
    assert!(names(&h[1]).contains(&"actions"), "{:?}", h[1]);
    assert!(names(&h[2]).contains(&"actions"), "{:?}", h[2]);
    // The action as it was and as it is: the item whose `done` changed.
    let done = change(&h[2], "actions");
    assert_eq!(done.old[0]["done"], json!(false), "{done:?}");
    assert_eq!(done.new[0]["done"], json!(true), "{done:?}");
    assert_eq!(done.new[0]["text"], json!("Ask"), "{done:?}");
    assert!(h.iter().all(|e| e.author == "founder"));
    let h = history(&r.doc, &changes, RecordType::Meeting, &m).unwrap();
    let languages = change(&h[1], "languages");
    assert_eq!(
        (&languages.old, &languages.new),
        (&json!([]), &json!(["en", "fr"])),
        "{languages:?}"
    );
}

#[test]
fn each_change_gives_old_and_new_values_without_bookkeeping() {
    let mut base = Replica::init("founder");
    base.now = ts("2025-11-02T09:00:00Z");
    let room = base.ok(new_room("Room C", &["en"]));
    let mut a = base.fork("a", "member-a");
    let mut b = base.fork("b", "member-b");
    a.ok(Edit::Update {
        id: room.clone(),
        fields: Fields::Room(RoomFields {
            name: Some("Room C (upstairs)".to_owned()),
            capacity: Some(60),
            ..RoomFields::default()
        }),
    });
    // A concurrent change by someone else is in neither value of a's change.
    b.ok(Edit::Update {
        id: room.clone(),
        fields: Fields::Room(RoomFields {
            booths: Some(strings(&["en", "fr"])),
            ..RoomFields::default()
        }),
    });
    a.merge_from(&mut b);
    a.ok(Edit::Archive {
        ty: RecordType::Room,
        id: room.clone(),
    });

    let changes = a.doc.get_changes(&[]);
    let h = history(&a.doc, &changes, RecordType::Room, &room).unwrap();
    assert_eq!(h.len(), 4, "{h:#?}");
    for e in &h {
        for hidden in ["updated_at", "updated_by", "archived_at", "archived_by"] {
            assert!(!names(e).contains(&hidden), "{hidden} is listed: {e:#?}");
        }
    }
    // Made: each field with a value, from nothing (the empty equipment list is left out).
    assert_eq!(names(&h[0]), ["booths", "capacity", "name"], "{:#?}", h[0]);
    assert_eq!(change(&h[0], "name").new, json!("Room C"));
    assert_eq!(change(&h[0], "booths").new, json!(["en"]));
    assert!(h[0].fields.iter().all(|f| f.old.is_null()), "{:#?}", h[0]);

    let by = |author: &str| h.iter().find(|e| e.author == author).unwrap();
    let renamed = by("member-a");
    assert_eq!(names(renamed), ["capacity", "name"], "{renamed:#?}");
    let name = change(renamed, "name");
    assert_eq!(
        (&name.old, &name.new),
        (&json!("Room C"), &json!("Room C (upstairs)"))
    );
    assert_eq!(name.words, None, "a name is not a long text");
    let booths = change(by("member-b"), "booths");
    assert_eq!(
        (&booths.old, &booths.new),
        (&json!(["en"]), &json!(["en", "fr"]))
    );

    // Archiving touched the record; what it changed is its archived flag.
    let archived = &h[3];
    assert!(archived.message.starts_with("archive"), "{archived:#?}");
    let flag = change(archived, "archived");
    assert_eq!((&flag.old, &flag.new), (&json!(false), &json!(true)));

    // The API's shape: `{field, old, new}`, `words` only for long texts.
    let v = serde_json::to_value(name).unwrap();
    assert_eq!(
        v,
        json!({"field": "name", "old": "Room C", "new": "Room C (upstairs)"})
    );
}

#[test]
fn long_texts_give_the_words_removed_and_added() {
    let mut r = Replica::init("founder");
    let m = r.ok(new_meeting("M", "2025-11-16T09:00", "2025-11-16T10:00", ""));
    let agenda = |text: &str| {
        update_meeting(
            &m,
            MeetingFields {
                agenda: Some(text.to_owned()),
                ..Default::default()
            },
        )
    };
    let first = "1. Welcome by the chair\n2. Adoption of the agenda\n3. Election of officers\n\
                 4. Timeline for the draft text\n5. Any other business";
    r.ok(agenda(first));
    r.ok(agenda(
        "1. Welcome by the co-chairs\n2. Adoption of the agenda\n3. Election of officers\n\
         4. Timeline for the draft text\n5. Closing",
    ));
    let changes = r.doc.get_changes(&[]);
    let h = history(&r.doc, &changes, RecordType::Meeting, &m).unwrap();
    assert_eq!(h.len(), 3, "{h:#?}");

    let written = change(&h[1], "agenda");
    assert_eq!(written.new, json!(first));
    let words = written.words.as_ref().expect("an agenda is a long text");
    assert_eq!(words.len(), 1, "{words:#?}");
    assert_eq!(words[0].removed, "");
    assert!(words[0].added.starts_with("1. Welcome"), "{words:#?}");

    let edited = change(&h[2], "agenda");
    let words = edited.words.as_ref().expect("an agenda is a long text");
    assert_eq!(
        words,
        &[
            WordChange {
                before: "1. Welcome by the".to_owned(),
                removed: "chair".to_owned(),
                added: "co-chairs".to_owned(),
                after: "2. Adoption of the".to_owned(),
            },
            WordChange {
                before: "the draft text 5.".to_owned(),
                removed: "Any other business".to_owned(),
                added: "Closing".to_owned(),
                after: String::new(),
            },
        ],
        "{edited:#?}"
    );
}

#[test]
fn word_changes_find_each_place_and_ignore_spacing() {
    assert_eq!(word_changes("a b c", "a  b\nc"), []);
    assert_eq!(
        word_changes(
            "one two three four five six",
            "one three four five six seven"
        ),
        [
            WordChange {
                before: "one".to_owned(),
                removed: "two".to_owned(),
                added: String::new(),
                after: "three four five six".to_owned(),
            },
            WordChange {
                before: "three four five six".to_owned(),
                removed: String::new(),
                added: "seven".to_owned(),
                after: String::new(),
            },
        ]
    );
    // A long text rewritten whole is one place, whatever its length.
    let old = vec!["old"; 3_000].join(" ");
    let new = vec!["new"; 3_000].join(" ");
    let all = word_changes(&old, &new);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].removed, old);
    assert_eq!(all[0].added, new);
}

#[test]
fn a_resolve_goes_from_the_value_shown_to_the_one_kept() {
    for kept_shown in [true, false] {
        let mut base = Replica::init("founder");
        let room = base.ok(new_room("Room C", &[]));
        let mut a = base.fork("a", "member-a");
        let mut b = base.fork("b", "member-b");
        let rename = |name: &str| Edit::Update {
            id: room.clone(),
            fields: Fields::Room(RoomFields {
                name: Some(name.to_owned()),
                ..RoomFields::default()
            }),
        };
        a.ok(rename("by A"));
        b.ok(rename("by B"));
        a.merge_from(&mut b);
        let shown = a.snap().rooms[&room].name.clone();
        let conflict = &a.conflicts()[0];
        assert_eq!(
            conflict.values[0].value,
            sv(&shown),
            "the first value is the one shown"
        );
        let kept = if kept_shown {
            shown.clone()
        } else {
            conflict.values[1].value.as_str().unwrap().to_owned()
        };
        a.ok(Edit::Resolve {
            ty: RecordType::Room,
            id: room.clone(),
            field: "name".to_owned(),
            value: sv(&kept),
        });
        let changes = a.doc.get_changes(&[]);
        let h = history(&a.doc, &changes, RecordType::Room, &room).unwrap();
        let resolved = h.last().unwrap();
        assert!(resolved.message.starts_with("resolve"), "{resolved:#?}");
        let name = change(resolved, "name");
        assert_eq!(
            (&name.old, &name.new),
            (&json!(shown), &json!(kept)),
            "{h:#?}"
        );
    }
}
