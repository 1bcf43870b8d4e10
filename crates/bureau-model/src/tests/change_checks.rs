//! What a save from a form writes ([`crate::changes`]) and the record as a form showed it
//! ([`Snapshot::record_at`]).

use std::collections::BTreeMap;

use super::support::*;
use crate::*;

fn meeting(title: &str, langs: &[&str], res: &[(&str, ResourceState)]) -> MeetingFields {
    MeetingFields {
        title: Some(title.to_owned()),
        status: Some(MeetingStatus::Proposed),
        languages: Some(strings(langs)),
        resources: Some(
            res.iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect::<BTreeMap<_, _>>(),
        ),
        agenda: Some("Agenda".to_owned()),
        ..MeetingFields::default()
    }
}

#[test]
fn only_what_the_user_changed_is_written_and_a_peers_change_stays() {
    use ResourceState::*;
    let base = meeting("Caucus", &["en", "fr"], &[("Projector", Requested)]);
    // A peer renamed it, added Arabic, confirmed the projector and added catering.
    let now = meeting(
        "Caucus, renamed",
        &["ar", "en", "fr"],
        &[("Projector", Confirmed), ("Catering", Requested)],
    );
    // The user changed the status, unticked French, added microphones, left the rest.
    let mut mine = meeting(
        "Caucus",
        &["en"],
        &[("Projector", Requested), ("Microphones", Confirmed)],
    );
    mine.status = Some(MeetingStatus::Confirmed);
    let c = changes(&mine, &base, &now).unwrap();
    assert!(c.contested.is_empty(), "{:?}", c.contested);
    assert_eq!(c.fields.title, None, "the peer's title stays");
    assert_eq!(c.fields.agenda, None, "an untouched text is not written");
    assert_eq!(c.fields.status, Some(MeetingStatus::Confirmed));
    assert_eq!(c.fields.languages, Some(strings(&["ar", "en"])));
    assert_eq!(
        c.fields.resources,
        Some(BTreeMap::from([
            ("Catering".to_owned(), Requested),
            ("Microphones".to_owned(), Confirmed),
            ("Projector".to_owned(), Confirmed),
        ]))
    );
}

#[test]
fn a_field_changed_on_both_sides_is_contested_and_not_written() {
    use ResourceState::*;
    let base = meeting("Caucus", &["en"], &[("Projector", Requested)]);
    let now = meeting("Caucus (peer)", &["en"], &[]);
    let mine = meeting("Caucus (mine)", &["en"], &[("Projector", Confirmed)]);
    let c = changes(&mine, &base, &now).unwrap();
    assert_eq!(c.fields.title, None);
    assert_eq!(c.fields.resources, None);
    let fields: Vec<&str> = c.contested.iter().map(|x| x.field.as_str()).collect();
    assert_eq!(fields, ["resources.Projector", "title"]);
    assert_eq!(c.contested[1].mine, "Caucus (mine)");
    assert_eq!(c.contested[1].theirs, "Caucus (peer)");
    assert_eq!(c.contested[0].theirs, serde_json::Value::Null);
    assert!(c.is_contested("resources") && c.is_contested("title"));
    assert!(!c.is_contested("res"));
}

#[test]
fn both_sides_making_the_same_change_or_a_long_text_is_no_contest() {
    let base = meeting("Caucus", &["en"], &[]);
    let mut now = meeting("Same", &["en"], &[]);
    now.agenda = Some("The peer's agenda".to_owned());
    let mut mine = meeting("Same", &["en"], &[]);
    mine.agenda = Some("My agenda".to_owned());
    let c = changes(&mine, &base, &now).unwrap();
    assert!(c.contested.is_empty());
    assert_eq!(c.fields.title, None, "already what the user wants");
    assert_eq!(c.fields.agenda.as_deref(), Some("My agenda"));
}

#[test]
fn a_field_added_to_a_record_type_takes_part_without_being_listed() {
    // Every field of the struct goes through: a change to each one is written.
    let base = NoteFields::default();
    let now = NoteFields::default();
    let mine = NoteFields {
        body_id: Some("b".to_owned()),
        title: Some("t".to_owned()),
        text: Some("x".to_owned()),
        date: Some("2025-11-20".to_owned()),
        content_implications: Some(true),
        plenary_consulted: Some(false),
        actions: None,
    };
    let c = changes(&mine, &base, &now).unwrap();
    let written = serde_json::to_value(&c.fields).unwrap();
    let mine = serde_json::to_value(&mine).unwrap();
    assert_eq!(written, mine);
}

#[test]
fn a_record_is_read_as_it_was_at_older_heads() {
    let mut r = Replica::init("founder");
    let room = r.ok(new_room("Room A", &["en"]));
    let id = r.ok(new_meeting(
        "Caucus",
        "2025-11-20T09:00",
        "2025-11-20T10:00",
        &room,
    ));
    let shown = r.doc.get_heads();
    r.ok(update_meeting(
        &id,
        MeetingFields {
            title: Some("Renamed".to_owned()),
            agenda: Some("New agenda".to_owned()),
            languages: Some(strings(&["ar"])),
            ..MeetingFields::default()
        },
    ));
    let then = Snapshot::record_at(&r.doc, &shown, RecordType::Meeting, &id).unwrap();
    let m = &then.meetings[&id];
    assert_eq!(m.title, "Caucus");
    assert_eq!(m.agenda, "");
    assert!(m.languages.is_empty());
    assert_eq!(then.meta.timezone, TZ);
    assert_eq!(r.snap().meetings[&id].title, "Renamed");
    // Before the meeting existed: no record. Unknown heads: no answer.
    let first = vec![r.doc.get_changes(&[])[0].hash()];
    let before = Snapshot::record_at(&r.doc, &first, RecordType::Meeting, &id).unwrap();
    assert!(before.meetings.is_empty());
    let unknown = [automerge::ChangeHash([7; 32])];
    assert!(Snapshot::record_at(&r.doc, &unknown, RecordType::Meeting, &id).is_none());
}

#[test]
fn taking_their_value_leaves_nothing_to_write_for_it() {
    use ResourceState::*;
    let base = meeting("Caucus", &["en"], &[("Projector", Requested)]);
    let now = meeting("Caucus (peer)", &["en"], &[("Projector", Confirmed)]);
    let mut mine = meeting("Caucus (mine)", &["en"], &[]);
    assert_eq!(field_value(&now, "resources.Projector"), "confirmed");
    assert_eq!(
        field_value(&mine, "resources.Projector"),
        serde_json::Value::Null
    );
    take_theirs(&mut mine, &now, "title").unwrap();
    take_theirs(&mut mine, &now, "resources.Projector").unwrap();
    assert_eq!(mine.title.as_deref(), Some("Caucus (peer)"));
    let c = changes(&mine, &base, &now).unwrap();
    assert!(c.contested.is_empty(), "{:?}", c.contested);
    assert_eq!(c.fields.title, None);
    assert_eq!(c.fields.resources, None);
}

#[test]
fn keeping_my_value_writes_it_and_leaves_the_other_changes_as_they_were() {
    use ResourceState::*;
    let base = meeting("Caucus", &["en"], &[("Projector", Requested)]);
    let now = meeting("Caucus (peer)", &["en", "fr"], &[("Projector", Confirmed)]);
    let mine = meeting("Caucus (mine)", &["en"], &[]);
    let mut c = changes(&mine, &base, &now).unwrap();
    assert_eq!(c.contested.len(), 2);
    keep_mine(&mut c, &mine, &now, "title").unwrap();
    keep_mine(&mut c, &mine, &now, "resources.Projector").unwrap();
    assert!(c.contested.is_empty());
    assert_eq!(c.fields.title.as_deref(), Some("Caucus (mine)"));
    assert_eq!(
        c.fields.resources,
        Some(BTreeMap::new()),
        "the projector removed"
    );
    assert_eq!(c.fields.languages, None, "the peer's French stays");
}

/// A long text saved from a form (a note's text, a meeting's agenda, a review's notes) is
/// merged from the heads the form was shown at: a peer's words written meanwhile in another
/// sentence of the same text stay, where a plain update would have taken them out again.
#[test]
fn long_texts_saved_from_a_form_keep_a_peers_words_written_meanwhile() {
    let mut a = Replica::init("founder");
    let body = a.ok(Edit::Create(Fields::Body(BodyFields {
        name: Some("Secretariat".to_owned()),
        ..BodyFields::default()
    })));
    let note = a.ok(new_note("Badges", &body));
    let meeting = a.ok(new_meeting(
        "Caucus",
        "2026-12-01T10:00",
        "2026-12-01T11:00",
        "",
    ));
    let review = a.ok(Edit::Create(Fields::Review(ReviewFields {
        date: Some("2026-12-01".to_owned()),
        ..ReviewFields::default()
    })));
    let base_text = "First sentence. Second sentence.";
    let texts = |text: &str| {
        [
            update_note(
                &note,
                NoteFields {
                    text: Some(text.to_owned()),
                    ..NoteFields::default()
                },
            ),
            update_meeting(
                &meeting,
                MeetingFields {
                    agenda: Some(text.to_owned()),
                    ..MeetingFields::default()
                },
            ),
            Edit::Update {
                id: review.clone(),
                fields: Fields::Review(ReviewFields {
                    notes: Some(text.to_owned()),
                    ..ReviewFields::default()
                }),
            },
        ]
    };
    for e in texts(base_text) {
        a.ok(e);
    }
    // The form is shown at these heads; a peer then edits the second sentence of each.
    let shown = a.heads();
    let mut b = a.fork("b", "peer");
    for e in texts("First sentence. Second sentence, by the peer.") {
        b.ok(e);
    }
    a.merge_from(&mut b);
    // The user edits the first sentence in the form and saves.
    for e in texts("First sentence, by the user. Second sentence.") {
        let Edit::Update { id, fields } = e else {
            unreachable!()
        };
        a.ok(Edit::UpdateMerging {
            id,
            fields,
            base: shown.clone(),
        });
    }
    let both = "First sentence, by the user. Second sentence, by the peer.";
    let snap = a.snap();
    assert_eq!(snap.notes[&note].text, both);
    assert_eq!(snap.meetings[&meeting].agenda, both);
    assert_eq!(snap.reviews[&review].notes, both);
    // Heads this document does not have: refused naming them, nothing written.
    let err = a.refused(Edit::UpdateMerging {
        id: note.clone(),
        fields: Fields::Note(NoteFields {
            text: Some("Else".to_owned()),
            ..NoteFields::default()
        }),
        base: vec![automerge::ChangeHash([7; 32])],
    });
    assert!(
        matches!(err, EditError::Invalid { ref field, .. } if field == "heads"),
        "{err:?}"
    );
}
