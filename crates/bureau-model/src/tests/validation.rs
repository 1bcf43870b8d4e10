//! Refused edits: the error names the field, and nothing is written.

use automerge::AutoCommit;

use super::support::*;
use crate::*;

#[track_caller]
fn assert_invalid(err: &EditError, want_field: &str) {
    match err {
        EditError::Invalid { field, message } => {
            assert_eq!(field, want_field, "message: {message}");
            assert!(!message.is_empty());
        }
        other => panic!("expected Invalid{{field: {want_field}}}, got {other:?}"),
    }
}

#[test]
fn missing_required_fields() {
    let mut r = Replica::init("founder");
    let e = r.refused(Edit::Create(Fields::Member(MemberFields::default())));
    assert_invalid(&e, "name");
    let e = r.refused(Edit::Create(Fields::Member(MemberFields {
        name: Some("   ".to_owned()),
        ..Default::default()
    })));
    assert_invalid(&e, "name");
    let e = r.refused(Edit::Create(Fields::Group(GroupFields::default())));
    assert_invalid(&e, "name");
    let e = r.refused(Edit::Create(Fields::Room(RoomFields::default())));
    assert_invalid(&e, "name");
    let e = r.refused(Edit::Create(Fields::Review(ReviewFields::default())));
    assert_invalid(&e, "date");
    let e = r.refused(Edit::Create(Fields::Body(BodyFields::default())));
    assert_invalid(&e, "name");
    let e = r.refused(Edit::Create(Fields::Note(NoteFields {
        body_id: Some("es".to_owned()),
        ..Default::default()
    })));
    assert_invalid(&e, "title");
    let e = r.refused(Edit::Create(Fields::Note(NoteFields {
        title: Some("Orphan".to_owned()),
        ..Default::default()
    })));
    assert_invalid(&e, "body_id");
    let e = r.refused(Edit::Create(Fields::Meeting(MeetingFields {
        start: Some("2025-11-16T09:00".to_owned()),
        end: Some("2025-11-16T10:00".to_owned()),
        ..Default::default()
    })));
    assert_invalid(&e, "title");
    let e = r.refused(Edit::Create(Fields::Meeting(MeetingFields {
        title: Some("No start".to_owned()),
        end: Some("2025-11-16T10:00".to_owned()),
        ..Default::default()
    })));
    assert_invalid(&e, "start");
    let e = r.refused(Edit::Create(Fields::Meeting(MeetingFields {
        title: Some("No end".to_owned()),
        start: Some("2025-11-16T10:00".to_owned()),
        ..Default::default()
    })));
    assert_invalid(&e, "end");

    // On update a missing field is left alone, but an emptied required one is refused.
    let m = r.ok(new_member("Amina"));
    r.ok(Edit::Update {
        id: m.clone(),
        fields: Fields::Member(MemberFields::default()),
    });
    let e = r.refused(Edit::Update {
        id: m,
        fields: Fields::Member(MemberFields {
            name: Some(String::new()),
            ..Default::default()
        }),
    });
    assert_invalid(&e, "name");
    // A new action item needs a text.
    let note = r.ok(new_note("Note", "es"));
    let e = r.refused(update_note(
        &note,
        NoteFields {
            actions: Some(vec![ActionFields::default()]),
            ..Default::default()
        },
    ));
    assert_invalid(&e, "actions[0].text");
}

#[test]
fn meeting_times() {
    let mut r = Replica::init("founder");
    let e = r.refused(new_meeting(
        "Backwards",
        "2025-11-16T10:00",
        "2025-11-16T09:00",
        "",
    ));
    assert_invalid(&e, "end");
    let e = r.refused(new_meeting(
        "Empty",
        "2025-11-16T10:00",
        "2025-11-16T10:00",
        "",
    ));
    assert_invalid(&e, "end");
    let e = r.refused(new_meeting(
        "Forever",
        "2025-11-16T10:00",
        "2025-12-16T10:00",
        "",
    ));
    assert_invalid(&e, "end");
    for bad in ["tomorrow", "16/11/2025 09:00", "2025-11-16T25:00", ""] {
        let e = r.refused(new_meeting("Garbled", bad, "2025-11-16T10:00", ""));
        assert_invalid(&e, "start");
    }
    let e = r.refused(new_meeting(
        "Garbled end",
        "2025-11-16T09:00",
        "ten o'clock",
        "",
    ));
    assert_invalid(&e, "end");

    // Changing one side is checked against the stored other side.
    let m = r.ok(new_meeting(
        "Ok",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        "",
    ));
    let e = r.refused(update_meeting(
        &m,
        MeetingFields {
            start: Some("2025-11-16T11:00".to_owned()),
            ..Default::default()
        },
    ));
    assert_invalid(&e, "start");
    let e = r.refused(update_meeting(
        &m,
        MeetingFields {
            end: Some("2025-11-16T08:00".to_owned()),
            ..Default::default()
        },
    ));
    assert_invalid(&e, "end");
    r.ok(update_meeting(
        &m,
        MeetingFields {
            end: Some("2025-11-16T12:00".to_owned()),
            ..Default::default()
        },
    ));
    r.ok(update_meeting(
        &m,
        MeetingFields {
            start: Some("2025-11-16T11:00".to_owned()),
            ..Default::default()
        },
    ));
}

#[test]
fn references_must_exist() {
    let mut r = Replica::init("founder");
    let e = r.refused(new_meeting(
        "Lost",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        "no-such-room",
    ));
    assert_invalid(&e, "room_id");
    // A group id is not a room id.
    let g = r.ok(new_group("Group", &[]));
    let e = r.refused(new_meeting(
        "Lost",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        &g,
    ));
    assert_invalid(&e, "room_id");
    let e = r.refused(Edit::Create(Fields::Meeting(MeetingFields {
        title: Some("T".to_owned()),
        start: Some("2025-11-16T09:00".to_owned()),
        end: Some("2025-11-16T10:00".to_owned()),
        members: Some(strings(&["founder", "ghost"])),
        ..Default::default()
    })));
    assert_invalid(&e, "members");
    let e = r.refused(new_group("G", &["ghost"]));
    assert_invalid(&e, "focal_points");
    let e = r.refused(new_note("N", "no-such-body"));
    assert_invalid(&e, "body_id");
    let e = r.refused(Edit::Create(Fields::Review(ReviewFields {
        date: Some("2025-11-10".to_owned()),
        decisions: Some([("ghost-group".to_owned(), Decision::Remove)].into()),
        ..Default::default()
    })));
    assert_invalid(&e, "decisions");
    let note = r.ok(new_note("N", "es"));
    let e = r.refused(update_note(
        &note,
        NoteFields {
            actions: Some(vec![ActionFields {
                id: Some("no-such-action".to_owned()),
                done: Some(true),
                ..Default::default()
            }]),
            ..Default::default()
        },
    ));
    assert_invalid(&e, "actions[0].id");
    let e = r.refused(Edit::AddDevice {
        peer_id: "12D3KooWSomeOtherLaptop00".to_owned(),
        member_id: "ghost".to_owned(),
        name: "laptop".to_owned(),
        role: Role::Editor,
    });
    assert_invalid(&e, "member_id");
}

#[test]
fn enums_name_their_allowed_values() {
    let err = GroupKind::parse("x").unwrap_err();
    assert!(err.contains("\"x\""), "{err}");
    for allowed in ["family", "caucus", "working-group", "other"] {
        assert!(err.contains(allowed), "{err}");
    }
    assert_eq!(
        GroupKind::parse("working-group"),
        Ok(GroupKind::WorkingGroup)
    );
    let err = MeetingStatus::parse("postponed").unwrap_err();
    assert!(err.contains("proposed, confirmed, cancelled"), "{err}");
    let err = RecordType::parse("meating").unwrap_err();
    assert!(err.contains("meeting") && err.contains("note"), "{err}");
    assert_eq!(RecordType::parse("meetings"), Ok(RecordType::Meeting));
    for kind in MeetingKind::ALL {
        assert_eq!(MeetingKind::parse(kind.as_str()), Ok(*kind));
    }
}

#[test]
fn languages_and_emails() {
    let mut r = Replica::init("founder");
    for bad in ["EN", "english", "e", "en_GB", "en-", "", "fr-toolongsubtag"] {
        let e = r.refused(Edit::Create(Fields::Member(MemberFields {
            name: Some("Polyglot".to_owned()),
            languages: Some(vec!["en".to_owned(), bad.to_owned()]),
            ..Default::default()
        })));
        assert_invalid(&e, "languages");
        assert!(!is_language_code(bad), "{bad}");
    }
    for good in ["en", "fr", "ar", "zh-Hans", "pt-BR", "yue"] {
        assert!(is_language_code(good), "{good}");
    }
    let e = r.refused(new_room("Room", &["EN"]));
    assert_invalid(&e, "booths");
    for bad in ["no-at-sign", "@example.org", "amina@", "amina @example.org"] {
        let e = r.refused(Edit::Create(Fields::Member(MemberFields {
            name: Some("Mail".to_owned()),
            email: Some(bad.to_owned()),
            ..Default::default()
        })));
        assert_invalid(&e, "email");
    }
    // An empty e-mail means none.
    r.ok(Edit::Create(Fields::Member(MemberFields {
        name: Some("Mail".to_owned()),
        email: Some(String::new()),
        ..Default::default()
    })));
    r.ok(Edit::Create(Fields::Member(MemberFields {
        name: Some("Mail".to_owned()),
        email: Some("amina@example.org".to_owned()),
        languages: Some(strings(&["ar", "fr"])),
        ..Default::default()
    })));
}

#[test]
fn lengths_and_control_characters() {
    let mut r = Replica::init("founder");
    let e = r.refused(new_member(&"x".repeat(SHORT_MAX + 1)));
    assert_invalid(&e, "name");
    r.ok(new_member(&"x".repeat(SHORT_MAX)));
    let e = r.refused(new_member("two\nlines"));
    assert_invalid(&e, "name");
    let e = r.refused(Edit::Create(Fields::Room(RoomFields {
        name: Some("Huge".to_owned()),
        capacity: Some(100_001),
        ..Default::default()
    })));
    assert_invalid(&e, "capacity");
    let e = r.refused(Edit::Create(Fields::Review(ReviewFields {
        date: Some("10 November".to_owned()),
        ..Default::default()
    })));
    assert_invalid(&e, "date");
}

#[test]
fn names_refuse_direction_overrides_and_invisible_characters() {
    let mut r = Replica::init("founder");
    let refused = [
        "Amina\u{202E}inmA",      // right-to-left override
        "\u{202A}Amina",          // left-to-right embedding
        "Amina\u{2066}x\u{2069}", // isolates
        "Ami\u{200B}na",          // zero-width space
        "Ami\u{2060}na",          // word joiner
        "\u{FEFF}Amina",          // byte-order mark
        "Ami\u{00AD}na",          // soft hyphen (Cf)
        "Amina\u{200F}",          // right-to-left mark (Cf)
        "Amina\u{2028}Diallo",    // line separator
        "Amina\u{E0041}",         // a tag character outside a flag
    ];
    for name in refused {
        let e = r.refused(new_member(name));
        assert_invalid(&e, "name");
        let e = r.refused(new_group(name, &[]));
        assert_invalid(&e, "name");
        let e = r.refused(new_room(name, &[]));
        assert_invalid(&e, "name");
        let e = r.refused(Edit::Create(Fields::Body(BodyFields {
            name: Some(name.to_owned()),
            ..Default::default()
        })));
        assert_invalid(&e, "name");
        let e = r.refused(Edit::Create(Fields::Meeting(MeetingFields {
            title: Some(name.to_owned()),
            start: Some("2025-11-16T09:00".to_owned()),
            end: Some("2025-11-16T10:00".to_owned()),
            ..Default::default()
        })));
        assert_invalid(&e, "title");
        let e = r.refused(Edit::AddDevice {
            peer_id: crate::testing::peer_id('B'),
            member_id: "founder".to_owned(),
            name: name.to_owned(),
            role: Role::Editor,
        });
        assert_invalid(&e, "name");
    }
    // What names in other scripts and emoji need is kept: the two joiners, and a subdivision
    // flag's tag sequence.
    let kept = [
        "\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}", // Persian with ZWNJ
        "\u{0915}\u{094D}\u{200D}\u{0937}",                                 // Devanagari with ZWJ
        "Team \u{1F469}\u{200D}\u{1F4BB}",                                  // emoji ZWJ sequence
        "Wales \u{1F3F4}\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}",
        "\u{0623}\u{0645}\u{064A}\u{0646}\u{0629} Diallo", // Arabic and Latin
    ];
    for name in kept {
        r.ok(new_member(name));
        r.ok(new_group(name, &[]));
    }
}

#[test]
fn unknown_ids_are_not_found() {
    let mut r = Replica::init("founder");
    let e = r.refused(update_meeting(
        "nope",
        MeetingFields {
            title: Some("X".to_owned()),
            ..Default::default()
        },
    ));
    assert_eq!(
        e,
        EditError::NotFound {
            ty: RecordType::Meeting,
            id: "nope".to_owned()
        }
    );
    // The id must belong to the type named by the fields.
    let m = r.ok(new_member("Amina"));
    let e = r.refused(Edit::Update {
        id: m.clone(),
        fields: Fields::Group(GroupFields {
            name: Some("G".to_owned()),
            ..Default::default()
        }),
    });
    assert_eq!(
        e,
        EditError::NotFound {
            ty: RecordType::Group,
            id: m
        }
    );
    let e = r.refused(Edit::Archive {
        ty: RecordType::Room,
        id: "nope".to_owned(),
    });
    assert_eq!(
        e,
        EditError::NotFound {
            ty: RecordType::Room,
            id: "nope".to_owned()
        }
    );
    let e = r.refused(Edit::Restore {
        ty: RecordType::Note,
        id: "nope".to_owned(),
    });
    assert_eq!(
        e,
        EditError::NotFound {
            ty: RecordType::Note,
            id: "nope".to_owned()
        }
    );
    let e = r.refused(Edit::Archive {
        ty: RecordType::Device,
        id: "12D3KooWFounderLaptop0001".to_owned(),
    });
    assert_invalid(&e, "type");
}

#[test]
fn bureau_must_exist_once() {
    let mut empty = Replica::init("founder");
    empty.doc = AutoCommit::new();
    let e = empty.refused(new_member("Amina"));
    assert_eq!(e, EditError::NoBureau);
    assert!(empty.doc.get_heads().is_empty());

    let mut r = Replica::init("founder");
    let e = r.refused(Edit::Init(InitBureau {
        bureau_id: "again".to_owned(),
        title: "Again".to_owned(),
        timezone: TZ.to_owned(),
        founder_id: "founder".to_owned(),
        founder_name: "Founder".to_owned(),
        device: None,
    }));
    assert_eq!(e, EditError::AlreadyInitialised);
    // A fresh bureau is already at the current schema.
    let heads = r.doc.get_heads();
    assert_eq!(r.apply(&Edit::Migrate), Ok(Applied::Nothing));
    assert_eq!(r.doc.get_heads(), heads);
    assert_eq!(r.snap().meta.schema, SCHEMA_VERSION);
}

#[test]
fn a_refused_edit_after_partial_validation_writes_nothing() {
    // The meeting's title and room are fine; the members are not. Nothing may be written,
    // not even the fields validated before the failure.
    let mut r = Replica::init("founder");
    let room = r.ok(new_room("Hall", &[]));
    let m = r.ok(new_meeting(
        "Kept",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        &room,
    ));
    let e = r.refused(update_meeting(
        &m,
        MeetingFields {
            title: Some("Changed".to_owned()),
            languages: Some(strings(&["en", "fr"])),
            members: Some(strings(&["ghost"])),
            ..Default::default()
        },
    ));
    assert_invalid(&e, "members");
    assert_eq!(r.snap().meetings[&m].title, "Kept");
    // The same document accepts the next valid edit.
    r.ok(update_meeting(
        &m,
        MeetingFields {
            title: Some("Changed".to_owned()),
            ..Default::default()
        },
    ));
    assert_eq!(r.snap().meetings[&m].title, "Changed");
}
