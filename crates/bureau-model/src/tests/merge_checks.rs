//! Merging two members who are the same person: every reference moves to the member kept,
//! what it lacks comes from the other, the other is archived and leads to it; a merge that
//! cannot be is refused and writes nothing.

use super::support::*;
use crate::*;

#[test]
fn merging_a_member_moves_every_reference_and_keeps_what_was_known() {
    let mut r = Replica::init("founder");
    let kept = r.ok(Edit::Create(Fields::Member(MemberFields {
        name: Some("Carmen Ortiz".to_owned()),
        email: Some("carmen@example.org".to_owned()),
        languages: Some(strings(&["es"])),
        ..Default::default()
    })));
    let twin = r.ok(Edit::Create(Fields::Member(MemberFields {
        name: Some("Carmen Ortiz".to_owned()),
        phone: Some("+216 71 000 001".to_owned()),
        email: Some("other@example.org".to_owned()),
        languages: Some(strings(&["en", "es"])),
        ..Default::default()
    })));
    let other = r.ok(new_member("Bea"));
    let group = r.ok(new_group("Gender caucus", &[&twin, &other]));
    let both = r.ok(new_group("Media caucus", &[&twin, &kept]));
    let meeting = r.ok(new_meeting(
        "Caucus",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        "",
    ));
    r.ok(update_meeting(
        &meeting,
        MeetingFields {
            members: Some(vec![twin.clone(), other.clone()]),
            ..Default::default()
        },
    ));
    let note = r.ok(new_note("Badges", "es"));
    r.ok(update_note(
        &note,
        NoteFields {
            actions: Some(vec![ActionFields {
                text: Some("Ask the secretariat".to_owned()),
                owner: Some(twin.clone()),
                ..Default::default()
            }]),
            ..Default::default()
        },
    ));
    r.ok(Edit::AddDevice {
        peer_id: "12D3KooWCarmenPhone000001".to_owned(),
        member_id: twin.clone(),
        name: "phone".to_owned(),
        role: Role::Editor,
    });

    let applied = r.apply(&Edit::MergeMembers {
        id: twin.clone(),
        into: kept.clone(),
    });
    assert_eq!(
        applied,
        Ok(Applied::Record(RecordType::Member, kept.clone()))
    );
    let s = r.snap();
    let g = &s.groups[&group];
    assert_eq!(
        g.focal_points
            .iter()
            .collect::<std::collections::BTreeSet<_>>(),
        [&kept, &other].into_iter().collect()
    );
    assert_eq!(s.groups[&both].focal_points, vec![kept.clone()]);
    let m = &s.meetings[&meeting];
    assert!(
        m.members.contains(&kept) && !m.members.contains(&twin),
        "{m:?}"
    );
    assert_eq!(s.notes[&note].actions[0].owner, kept);
    assert_eq!(s.devices["12D3KooWCarmenPhone000001"].member_id, kept);
    let k = &s.members[&kept];
    assert_eq!(k.email, "carmen@example.org", "the kept value stays");
    assert_eq!(k.phone, "+216 71 000 001", "what it lacked is taken");
    assert_eq!(k.languages, strings(&["en", "es"]));
    assert!(!k.stamp.archived);
    let t = &s.members[&twin];
    assert!(t.stamp.archived);
    assert_eq!(t.merged_into.as_deref(), Some(kept.as_str()));

    // Again, or into itself, into nobody, or into an archived member: refused, nothing
    // written.
    let e = r.refused(Edit::MergeMembers {
        id: twin.clone(),
        into: kept.clone(),
    });
    assert!(
        matches!(&e, EditError::Invalid { field, .. } if field == "id"),
        "{e:?}"
    );
    for (id, into) in [
        (&kept, &kept),
        (&other, &"ghost".to_owned()),
        (&other, &twin),
    ] {
        let e = r.refused(Edit::MergeMembers {
            id: id.clone(),
            into: into.clone(),
        });
        assert!(
            matches!(&e, EditError::Invalid { field, .. } if field == "into"),
            "{e:?}"
        );
    }
    let e = r.refused(Edit::MergeMembers {
        id: "ghost".to_owned(),
        into: kept.clone(),
    });
    assert!(matches!(e, EditError::NotFound { .. }), "{e:?}");
}
