//! Changes per record (a calendar's `SEQUENCE`): every node counts the same, whether all at
//! once or a batch at a time, and a change to a meeting makes its count grow.

use super::support::*;
use crate::*;

fn counted(doc: &mut automerge::AutoCommit) -> ChangeCounts {
    let mut c = ChangeCounts::new(RecordType::Meeting);
    c.add(&doc.get_changes(&[]));
    c
}

#[test]
fn each_change_to_a_meeting_counts_once_and_every_node_counts_alike() {
    let mut a = Replica::init("founder");
    let m = a.ok(new_meeting(
        "Opening",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        "",
    ));
    let other = a.ok(new_meeting(
        "Other",
        "2025-11-17T09:00",
        "2025-11-17T10:00",
        "",
    ));
    let first = counted(&mut a.doc);
    assert_eq!(first.get(&m), 1, "made in one change");
    assert_eq!(first.get(&other), 1);
    assert_eq!(first.get("nothing-of-the-kind"), 0);

    // A batch at a time, as the reader thread does after each edit.
    let mut incremental = ChangeCounts::new(RecordType::Meeting);
    let heads = a.doc.get_heads();
    incremental.add(&a.doc.get_changes(&[]));

    let mut b = a.fork("b", "member-b");
    a.ok(update_meeting(
        &m,
        MeetingFields {
            start: Some("2025-11-16T11:00".to_owned()),
            end: Some("2025-11-16T12:00".to_owned()),
            ..Default::default()
        },
    ));
    b.ok(update_meeting(
        &m,
        MeetingFields {
            agenda: Some("1. Welcome".to_owned()),
            languages: Some(strings(&["en", "fr"])),
            ..Default::default()
        },
    ));
    a.ok(new_member("Someone"));
    a.merge_from(&mut b);
    b.merge_from(&mut a);
    a.ok(Edit::Archive {
        ty: RecordType::Meeting,
        id: m.clone(),
    });
    b.merge_from(&mut a);
    incremental.add(&a.doc.get_changes(&heads));

    let whole_a = counted(&mut a.doc);
    let whole_b = counted(&mut b.doc);
    assert_eq!(whole_a.get(&m), 4, "made, moved, agenda, archived");
    assert_eq!(whole_a.get(&other), 1, "untouched by the others' edits");
    assert_eq!(whole_a.counts(), whole_b.counts());
    assert_eq!(whole_a.counts(), incremental.counts());
    assert!(
        whole_a.get(&m) > first.get(&m),
        "a moved meeting's count grows"
    );
}
