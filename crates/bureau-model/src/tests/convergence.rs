//! Property: replicas that edit independently and then exchange everything, in any order,
//! end with equal heads, equal snapshots, equal findings and equal conflicts. Along the way a
//! snapshot kept up to date with `refresh` (over the records each change touched) always
//! equals a full `hydrate`.

use std::collections::{BTreeMap, BTreeSet};

use automerge::{AutoCommit, ChangeHash, Prop};
use jiff::Timestamp;
use proptest::collection::vec;
use proptest::prelude::*;

use super::support::*;
use crate::*;

const NAMES: &[&str] = &["Amina", "Bo", "Chen", "Dalia", "Eli", "Farah"];
const LANGS: &[&str] = &["en", "fr", "ar", "es", "zh-Hans"];
/// One resource name holds a dot, as real ones ("screen 2.5m") may.
const RESOURCES: &[&str] = &["projector", "mics", "screen 2.5m"];
const ARCHIVABLE: &[RecordType] = &[
    RecordType::Member,
    RecordType::Group,
    RecordType::Room,
    RecordType::Meeting,
    RecordType::Note,
    RecordType::Review,
    RecordType::Body,
];

#[derive(Clone, Debug)]
enum Op {
    NewMember {
        name: u8,
        langs: Vec<u8>,
    },
    NewGroup {
        name: u8,
        focal: Option<u8>,
    },
    NewRoom {
        name: u8,
        booths: Vec<u8>,
    },
    NewMeeting {
        title: u8,
        room: Option<u8>,
        day: u8,
        slot: u8,
        len: u8,
        form: u8,
        langs: Vec<u8>,
        members: Vec<u8>,
    },
    NewNote {
        title: u8,
        implications: bool,
    },
    NewReview {
        day: u8,
        decisions: Vec<(u8, u8)>,
        recorded: bool,
    },
    MemberName {
        which: u8,
        name: u8,
    },
    MemberLangs {
        which: u8,
        langs: Vec<u8>,
    },
    GroupFocal {
        which: u8,
        focal: Vec<u8>,
    },
    GroupStatus {
        which: u8,
        status: u8,
    },
    RoomBooths {
        which: u8,
        booths: Vec<u8>,
    },
    MeetingTitle {
        which: u8,
        title: u8,
    },
    MeetingTime {
        which: u8,
        day: u8,
        start: Option<u8>,
        end: Option<u8>,
        form: u8,
    },
    MeetingRoom {
        which: u8,
        room: u8,
    },
    MeetingStatus {
        which: u8,
        status: u8,
    },
    MeetingLangs {
        which: u8,
        langs: Vec<u8>,
    },
    MeetingMembers {
        which: u8,
        members: Vec<u8>,
    },
    MeetingResources {
        which: u8,
        resources: Vec<(u8, bool)>,
    },
    MeetingAgenda {
        which: u8,
        text: u8,
    },
    NoteFlags {
        which: u8,
        implications: Option<bool>,
        consulted: Option<bool>,
    },
    AddAction {
        which: u8,
        text: u8,
        due: Option<u8>,
        owner: Option<u8>,
    },
    ChangeAction {
        which: u8,
        action: u8,
        done: Option<bool>,
        text: Option<u8>,
        archived: bool,
    },
    ReviewDecision {
        which: u8,
        group: u8,
        decision: u8,
    },
    RecordReview {
        which: u8,
    },
    Archive {
        ty: u8,
        which: u8,
    },
    Restore {
        ty: u8,
        which: u8,
    },
    Resolve {
        which: u8,
        pick: u8,
    },
    Sync {
        from: u8,
    },
    Bad {
        kind: u8,
        which: u8,
    },
}

fn idx() -> impl Strategy<Value = u8> {
    any::<u8>()
}

fn langs() -> impl Strategy<Value = Vec<u8>> {
    vec(0..LANGS.len() as u8, 0..4)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (idx(), langs()).prop_map(|(name, langs)| Op::NewMember { name, langs }),
        1 => (idx(), proptest::option::of(idx())).prop_map(|(name, focal)| Op::NewGroup { name, focal }),
        1 => (idx(), langs()).prop_map(|(name, booths)| Op::NewRoom { name, booths }),
        3 => (idx(), proptest::option::of(idx()), idx(), 0..20u8, 0..5u8, idx(), langs(), vec(idx(), 0..3))
            .prop_map(|(title, room, day, slot, len, form, langs, members)| Op::NewMeeting {
                title, room, day, slot, len, form, langs, members,
            }),
        1 => (idx(), any::<bool>()).prop_map(|(title, implications)| Op::NewNote { title, implications }),
        1 => (idx(), vec((idx(), idx()), 0..3), any::<bool>())
            .prop_map(|(day, decisions, recorded)| Op::NewReview { day, decisions, recorded }),
        2 => (idx(), idx()).prop_map(|(which, name)| Op::MemberName { which, name }),
        1 => (idx(), langs()).prop_map(|(which, langs)| Op::MemberLangs { which, langs }),
        2 => (idx(), vec(idx(), 0..3)).prop_map(|(which, focal)| Op::GroupFocal { which, focal }),
        1 => (idx(), idx()).prop_map(|(which, status)| Op::GroupStatus { which, status }),
        1 => (idx(), langs()).prop_map(|(which, booths)| Op::RoomBooths { which, booths }),
        4 => (idx(), idx()).prop_map(|(which, title)| Op::MeetingTitle { which, title }),
        3 => (idx(), idx(), proptest::option::of(0..20u8), proptest::option::of(0..20u8), idx())
            .prop_map(|(which, day, start, end, form)| Op::MeetingTime { which, day, start, end, form }),
        2 => (idx(), idx()).prop_map(|(which, room)| Op::MeetingRoom { which, room }),
        2 => (idx(), idx()).prop_map(|(which, status)| Op::MeetingStatus { which, status }),
        2 => (idx(), langs()).prop_map(|(which, langs)| Op::MeetingLangs { which, langs }),
        1 => (idx(), vec(idx(), 0..3)).prop_map(|(which, members)| Op::MeetingMembers { which, members }),
        2 => (idx(), vec((idx(), any::<bool>()), 0..3))
            .prop_map(|(which, resources)| Op::MeetingResources { which, resources }),
        2 => (idx(), idx()).prop_map(|(which, text)| Op::MeetingAgenda { which, text }),
        2 => (idx(), proptest::option::of(any::<bool>()), proptest::option::of(any::<bool>()))
            .prop_map(|(which, implications, consulted)| Op::NoteFlags { which, implications, consulted }),
        2 => (idx(), idx(), proptest::option::of(idx()), proptest::option::of(idx()))
            .prop_map(|(which, text, due, owner)| Op::AddAction { which, text, due, owner }),
        2 => (idx(), idx(), proptest::option::of(any::<bool>()), proptest::option::of(idx()), prop::bool::weighted(0.15))
            .prop_map(|(which, action, done, text, archived)| Op::ChangeAction { which, action, done, text, archived }),
        1 => (idx(), idx(), idx()).prop_map(|(which, group, decision)| Op::ReviewDecision { which, group, decision }),
        1 => idx().prop_map(|which| Op::RecordReview { which }),
        1 => (idx(), idx()).prop_map(|(ty, which)| Op::Archive { ty, which }),
        1 => (idx(), idx()).prop_map(|(ty, which)| Op::Restore { ty, which }),
        2 => (idx(), idx()).prop_map(|(which, pick)| Op::Resolve { which, pick }),
        2 => idx().prop_map(|from| Op::Sync { from }),
        2 => (idx(), idx()).prop_map(|(kind, which)| Op::Bad { kind, which }),
    ]
}

fn pick<V: Clone>(map: &crate::Records<V>, i: u8) -> Option<String> {
    if map.is_empty() {
        None
    } else {
        map.keys().nth(usize::from(i) % map.len()).cloned()
    }
}

fn pick_many<V: Clone>(map: &crate::Records<V>, is: &[u8]) -> Vec<String> {
    is.iter().filter_map(|i| pick(map, *i)).collect()
}

fn name(i: u8) -> String {
    NAMES[usize::from(i) % NAMES.len()].to_owned()
}

fn lang_codes(is: &[u8]) -> Vec<String> {
    is.iter()
        .map(|i| LANGS[usize::from(*i) % LANGS.len()].to_owned())
        .collect()
}

/// A meeting time on 16 or 17 November, in half hours from 08:00, written in one of the
/// accepted forms (civil in the venue's zone, with its offset, or in UTC).
fn time(day: u8, slot: u8, form: u8) -> String {
    let day = 16 + day % 2;
    let minutes = 8 * 60 + u32::from(slot) * 30;
    let (h, m) = (minutes / 60, minutes % 60);
    match form % 3 {
        0 => format!("2025-11-{day}T{h:02}:{m:02}"),
        1 => format!("2025-11-{day}T{h:02}:{m:02}:00+01:00"),
        _ => format!("2025-11-{day}T{:02}:{m:02}:00Z", h - 1),
    }
}

fn date(day: u8) -> String {
    format!("2025-11-{:02}", 1 + day % 28)
}

/// The edit an op stands for on a replica in the state `snap` (None when it has no target).
fn edit_for(op: &Op, snap: &Snapshot, r: &Replica) -> Option<Edit> {
    let upd = |id: String, fields: Fields| Some(Edit::Update { id, fields });
    match op {
        Op::NewMember { name: n, langs } => Some(Edit::Create(Fields::Member(MemberFields {
            name: Some(name(*n)),
            languages: (!langs.is_empty()).then(|| lang_codes(langs)),
            ..Default::default()
        }))),
        Op::NewGroup { name: n, focal } => Some(Edit::Create(Fields::Group(GroupFields {
            name: Some(format!("{} caucus", name(*n))),
            focal_points: focal.map(|f| pick_many(&snap.members, &[f])),
            ..Default::default()
        }))),
        Op::NewRoom { name: n, booths } => Some(Edit::Create(Fields::Room(RoomFields {
            name: Some(format!("Room {}", name(*n))),
            booths: (!booths.is_empty()).then(|| lang_codes(booths)),
            ..Default::default()
        }))),
        Op::NewMeeting {
            title,
            room,
            day,
            slot,
            len,
            form,
            langs,
            members,
        } => Some(Edit::Create(Fields::Meeting(MeetingFields {
            title: Some(format!("Meeting {}", name(*title))),
            start: Some(time(*day, *slot, *form)),
            end: Some(time(*day, slot + len, form.wrapping_add(1))),
            room_id: room.and_then(|i| pick(&snap.rooms, i)),
            languages: (!langs.is_empty()).then(|| lang_codes(langs)),
            members: (!members.is_empty()).then(|| pick_many(&snap.members, members)),
            ..Default::default()
        }))),
        Op::NewNote {
            title,
            implications,
        } => Some(Edit::Create(Fields::Note(NoteFields {
            title: Some(format!("Note {}", name(*title))),
            body_id: pick(&snap.bodies, *title),
            content_implications: Some(*implications),
            ..Default::default()
        }))),
        Op::NewReview {
            day,
            decisions,
            recorded,
        } => Some(Edit::Create(Fields::Review(ReviewFields {
            date: Some(date(*day)),
            decisions: Some(
                decisions
                    .iter()
                    .filter_map(|(g, d)| {
                        Some((
                            pick(&snap.groups, *g)?,
                            Decision::ALL[usize::from(*d) % Decision::ALL.len()],
                        ))
                    })
                    .collect(),
            ),
            status: recorded.then_some(ReviewStatus::Recorded),
            ..Default::default()
        }))),
        Op::MemberName { which, name: n } => upd(
            pick(&snap.members, *which)?,
            Fields::Member(MemberFields {
                name: Some(name(*n)),
                ..Default::default()
            }),
        ),
        Op::MemberLangs { which, langs } => upd(
            pick(&snap.members, *which)?,
            Fields::Member(MemberFields {
                languages: Some(lang_codes(langs)),
                ..Default::default()
            }),
        ),
        Op::GroupFocal { which, focal } => upd(
            pick(&snap.groups, *which)?,
            Fields::Group(GroupFields {
                focal_points: Some(pick_many(&snap.members, focal)),
                ..Default::default()
            }),
        ),
        Op::GroupStatus { which, status } => upd(
            pick(&snap.groups, *which)?,
            Fields::Group(GroupFields {
                status: Some(GroupStatus::ALL[usize::from(*status) % GroupStatus::ALL.len()]),
                ..Default::default()
            }),
        ),
        Op::RoomBooths { which, booths } => upd(
            pick(&snap.rooms, *which)?,
            Fields::Room(RoomFields {
                booths: Some(lang_codes(booths)),
                ..Default::default()
            }),
        ),
        Op::MeetingTitle { which, title } => upd(
            pick(&snap.meetings, *which)?,
            Fields::Meeting(MeetingFields {
                title: Some(format!("Meeting {}", name(*title))),
                ..Default::default()
            }),
        ),
        Op::MeetingTime {
            which,
            day,
            start,
            end,
            form,
        } => upd(
            pick(&snap.meetings, *which)?,
            Fields::Meeting(MeetingFields {
                start: start.map(|s| time(*day, s, *form)),
                end: end.map(|e| time(*day, e, *form)),
                ..Default::default()
            }),
        ),
        Op::MeetingRoom { which, room } => upd(
            pick(&snap.meetings, *which)?,
            Fields::Meeting(MeetingFields {
                // Index 0 of every 7 clears the room.
                room_id: Some(if room % 7 == 0 {
                    String::new()
                } else {
                    pick(&snap.rooms, *room)?
                }),
                ..Default::default()
            }),
        ),
        Op::MeetingStatus { which, status } => upd(
            pick(&snap.meetings, *which)?,
            Fields::Meeting(MeetingFields {
                status: Some(MeetingStatus::ALL[usize::from(*status) % MeetingStatus::ALL.len()]),
                ..Default::default()
            }),
        ),
        Op::MeetingLangs { which, langs } => upd(
            pick(&snap.meetings, *which)?,
            Fields::Meeting(MeetingFields {
                languages: Some(lang_codes(langs)),
                ..Default::default()
            }),
        ),
        Op::MeetingMembers { which, members } => upd(
            pick(&snap.meetings, *which)?,
            Fields::Meeting(MeetingFields {
                members: Some(pick_many(&snap.members, members)),
                ..Default::default()
            }),
        ),
        Op::MeetingResources { which, resources } => upd(
            pick(&snap.meetings, *which)?,
            Fields::Meeting(MeetingFields {
                resources: Some(
                    resources
                        .iter()
                        .map(|(i, confirmed)| {
                            let state = if *confirmed {
                                ResourceState::Confirmed
                            } else {
                                ResourceState::Requested
                            };
                            (
                                RESOURCES[usize::from(*i) % RESOURCES.len()].to_owned(),
                                state,
                            )
                        })
                        .collect(),
                ),
                ..Default::default()
            }),
        ),
        Op::MeetingAgenda { which, text } => {
            let id = pick(&snap.meetings, *which)?;
            let old = &snap.meetings[&id].agenda;
            let agenda = format!("{old}\n{} ({})", name(*text), r.tag);
            upd(
                id,
                Fields::Meeting(MeetingFields {
                    agenda: Some(agenda),
                    ..Default::default()
                }),
            )
        }
        Op::NoteFlags {
            which,
            implications,
            consulted,
        } => upd(
            pick(&snap.notes, *which)?,
            Fields::Note(NoteFields {
                content_implications: *implications,
                plenary_consulted: *consulted,
                ..Default::default()
            }),
        ),
        Op::AddAction {
            which,
            text,
            due,
            owner,
        } => upd(
            pick(&snap.notes, *which)?,
            Fields::Note(NoteFields {
                actions: Some(vec![ActionFields {
                    text: Some(format!("Call {}", name(*text))),
                    due: due.map(date),
                    owner: owner.and_then(|o| pick(&snap.members, o)),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
        ),
        Op::ChangeAction {
            which,
            action,
            done,
            text,
            archived,
        } => {
            let id = pick(&snap.notes, *which)?;
            let actions = &snap.notes[&id].actions;
            if actions.is_empty() {
                return None;
            }
            let a = &actions[usize::from(*action) % actions.len()];
            upd(
                id,
                Fields::Note(NoteFields {
                    actions: Some(vec![ActionFields {
                        id: Some(a.id.clone()),
                        done: *done,
                        text: text.map(|t| format!("Write to {}", name(t))),
                        archived: archived.then_some(true),
                        ..Default::default()
                    }]),
                    ..Default::default()
                }),
            )
        }
        Op::ReviewDecision {
            which,
            group,
            decision,
        } => upd(
            pick(&snap.reviews, *which)?,
            Fields::Review(ReviewFields {
                decisions: Some(BTreeMap::from([(
                    pick(&snap.groups, *group)?,
                    Decision::ALL[usize::from(*decision) % Decision::ALL.len()],
                )])),
                ..Default::default()
            }),
        ),
        Op::RecordReview { which } => upd(
            pick(&snap.reviews, *which)?,
            Fields::Review(ReviewFields {
                status: Some(ReviewStatus::Recorded),
                ..Default::default()
            }),
        ),
        Op::Archive { ty, which } | Op::Restore { ty, which } => {
            let ty = ARCHIVABLE[usize::from(*ty) % ARCHIVABLE.len()];
            let id = match ty {
                RecordType::Member => pick(&snap.members, *which),
                RecordType::Group => pick(&snap.groups, *which),
                RecordType::Room => pick(&snap.rooms, *which),
                RecordType::Meeting => pick(&snap.meetings, *which),
                RecordType::Note => pick(&snap.notes, *which),
                RecordType::Review => pick(&snap.reviews, *which),
                _ => pick(&snap.bodies, *which),
            }?;
            Some(if matches!(op, Op::Archive { .. }) {
                Edit::Archive { ty, id }
            } else {
                Edit::Restore { ty, id }
            })
        }
        Op::Bad { kind, which } => Some(bad_edit(*kind, *which, snap)),
        Op::Resolve { .. } | Op::Sync { .. } => unreachable!("handled by the runner"),
    }
}

/// An edit that must be refused.
fn bad_edit(kind: u8, which: u8, snap: &Snapshot) -> Edit {
    let meeting = pick(&snap.meetings, which).unwrap_or_default();
    match kind % 9 {
        0 => Edit::Update {
            id: "no-such-id".to_owned(),
            fields: Fields::Member(MemberFields {
                name: Some("X".to_owned()),
                ..Default::default()
            }),
        },
        1 => new_meeting(
            "Lost",
            "2025-11-16T09:00",
            "2025-11-16T10:00",
            "no-such-room",
        ),
        2 => Edit::Create(Fields::Member(MemberFields {
            name: Some("Upper".to_owned()),
            languages: Some(strings(&["EN"])),
            ..Default::default()
        })),
        3 => Edit::Create(Fields::Member(MemberFields {
            name: Some("Mail".to_owned()),
            email: Some("not-an-address".to_owned()),
            ..Default::default()
        })),
        4 => new_group("Nobody's", &["no-such-member"]),
        5 => new_meeting("Backwards", "2025-11-16T10:00", "2025-11-16T09:00", ""),
        6 => new_note("Nowhere", "no-such-body"),
        7 => Edit::Resolve {
            ty: RecordType::Meeting,
            id: meeting.clone(),
            field: "title".to_owned(),
            value: sv("a title nobody wrote"),
        },
        _ => update_meeting(
            &meeting,
            MeetingFields {
                start: Some("sometime tomorrow".to_owned()),
                ..Default::default()
            },
        ),
    }
}

/// The records a set of changes touched, read from automerge's diff between two heads.
pub(super) fn touched(doc: &mut AutoCommit, before: &[ChangeHash]) -> Vec<(RecordType, String)> {
    let after = doc.get_heads();
    let mut out = BTreeSet::new();
    for p in doc.diff(before, &after) {
        let (coll, id) = match p.path.as_slice() {
            [] => continue,
            [(_, coll)] => match &p.action {
                automerge::PatchAction::PutMap { key, .. }
                | automerge::PatchAction::DeleteMap { key } => {
                    (coll.clone(), Prop::Map(key.clone()))
                }
                _ => continue,
            },
            [(_, coll), (_, id), ..] => (coll.clone(), id.clone()),
        };
        let (Prop::Map(coll), Prop::Map(id)) = (coll, id) else {
            continue;
        };
        if let Ok(ty) = RecordType::parse(&coll) {
            out.insert((ty, id.to_string()));
        }
    }
    out.into_iter().collect()
}

/// Three replicas of one bureau with a few shared records each may edit concurrently.
fn three_replicas() -> Vec<Replica> {
    let mut base = Replica::init("founder");
    let room = base.ok(new_room("Main hall", &["en", "fr"]));
    let ana = base.ok(new_member("Ana"));
    base.ok(new_member("Bo"));
    base.ok(new_group("Youth caucus", &[&ana]));
    let m = base.ok(new_meeting(
        "Opening",
        "2025-11-16T09:00",
        "2025-11-16T10:00",
        &room,
    ));
    base.ok(update_meeting(
        &m,
        MeetingFields {
            members: Some(vec![ana]),
            ..Default::default()
        },
    ));
    let note = base.ok(new_note("Logistics", "es"));
    base.ok(update_note(
        &note,
        NoteFields {
            actions: Some(vec![ActionFields {
                text: Some("Book rooms".to_owned()),
                ..Default::default()
            }]),
            ..Default::default()
        },
    ));
    let a = base.fork("a", "member-a");
    let b = base.fork("b", "member-b");
    let c = base.fork("c", "member-c");
    vec![a, b, c]
}

/// Runs one op on replica `i`, checking the invariants every single step must keep.
fn step(
    reps: &mut [Replica],
    running: &mut [(Snapshot, FindingsIndex)],
    i: usize,
    op: &Op,
    now: Timestamp,
) -> Result<(), TestCaseError> {
    let before = reps[i].doc.get_heads();
    match op {
        Op::Sync { from } => {
            let j = (i + 1 + usize::from(*from % 2)) % 3;
            merge_at(reps, i, j);
        }
        Op::Resolve { which, pick } => {
            let cs = reps[i].conflicts();
            if !cs.is_empty() {
                let c = &cs[usize::from(*which) % cs.len()];
                let value = c.values[usize::from(*pick) % c.values.len()].value.clone();
                let edit = Edit::Resolve {
                    ty: c.ty,
                    id: c.id.clone(),
                    field: c.field.clone(),
                    value,
                };
                let res = reps[i].apply(&edit);
                prop_assert!(
                    res.is_ok(),
                    "resolving {c:?} with a listed value failed: {res:?}"
                );
                let left = reps[i].conflicts();
                prop_assert!(
                    !left
                        .iter()
                        .any(|l| l.ty == c.ty && l.id == c.id && l.field == c.field),
                    "{c:?} still listed after resolving it"
                );
            }
        }
        Op::Bad { .. } => {
            let snap = reps[i].snap();
            let edit = edit_for(op, &snap, &reps[i]).expect("bad edits always exist");
            let res = reps[i].apply(&edit);
            prop_assert!(res.is_err(), "{edit:?} should be refused, got {res:?}");
            prop_assert_eq!(reps[i].doc.get_heads(), before.clone());
        }
        _ => {
            let snap = reps[i].snap();
            if let Some(edit) = edit_for(op, &snap, &reps[i])
                && reps[i].apply(&edit).is_err()
            {
                prop_assert_eq!(
                    reps[i].doc.get_heads(),
                    before.clone(),
                    "refused {:?} wrote",
                    edit
                );
            }
        }
    }
    let touched = touched(&mut reps[i].doc, &before);
    let (snap, index) = &mut running[i];
    let clean = snap.refresh(&reps[i].doc, &touched);
    // A record the read proved free of conflicts has none for the walk either.
    prop_assert_eq!(clean.len(), touched.len());
    for ((ty, id), clean) in touched.iter().zip(clean) {
        if clean {
            let walked = record_conflicts(&reps[i].doc, *ty, id, &|_| None);
            prop_assert!(
                walked.is_empty(),
                "refresh said {ty:?} {id} has no conflict, the walk found {walked:?} after {op:?}"
            );
        }
    }
    prop_assert_eq!(
        &*snap,
        &reps[i].snap(),
        "refresh({:?}) differs from hydrate after {:?}",
        touched,
        op
    );
    // The index kept from touched records equals a full computation, at a `now` that moves
    // (so overdue actions and attendance change between steps too).
    index.update(snap, &touched, now);
    let set = index.set();
    let full = findings(snap, now);
    prop_assert_eq!(
        set.iter().cloned().collect::<Vec<_>>(),
        full.as_slice(),
        "index differs after {:?} at {}",
        op,
        now
    );
    prop_assert_eq!(set.len(), full.len());
    Ok(())
}

const PERMUTATIONS: [[usize; 3]; 6] = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_whatever_the_edits_and_merge_order(
        ops in vec((0..3usize, op()), 0..60),
        merges in vec((0..3usize, any::<bool>()), 0..8),
        order in 0..6usize,
    ) {
        let mut reps = three_replicas();
        let start = ts(NOW);
        let mut running: Vec<(Snapshot, FindingsIndex)> = reps
            .iter()
            .map(|r| {
                let snap = r.snap();
                let index = FindingsIndex::new(&snap, start);
                (snap, index)
            })
            .collect();
        for (n, (i, op)) in ops.iter().enumerate() {
            // Seven hours a step: days pass, meetings start, actions fall due.
            let now = start + jiff::SignedDuration::from_hours(7 * n as i64);
            step(&mut reps, &mut running, *i, op, now)?;
        }
        // Some partial exchanges in a random order ...
        for (into, other) in &merges {
            let from = (into + 1 + usize::from(*other)) % 3;
            merge_at(&mut reps, *into, from);
        }
        // ... then one full round in a random order, after which everyone has everything.
        let perm = PERMUTATIONS[order];
        for &x in &perm {
            for &y in &perm {
                if x != y {
                    merge_at(&mut reps, x, y);
                }
            }
        }
        let heads: Vec<_> = reps.iter_mut().map(Replica::heads).collect();
        prop_assert_eq!(&heads[0], &heads[1]);
        prop_assert_eq!(&heads[0], &heads[2]);
        let snaps: Vec<Snapshot> = reps.iter().map(Replica::snap).collect();
        prop_assert_eq!(&snaps[0], &snaps[1]);
        prop_assert_eq!(&snaps[0], &snaps[2]);
        prop_assert!(snaps[0].problems.is_empty(), "valid edits read back with problems: {:?}", snaps[0].problems);
        // What a node shows while its document loads is this snapshot read back from disk.
        let saved = saved_round_trip(&snaps[0]);
        prop_assert_eq!(&saved, &snaps[0]);
        let now = ts(NOW);
        let found: Vec<_> = snaps.iter().map(|s| findings(s, now)).collect();
        prop_assert_eq!(&found[0], &found[1]);
        prop_assert_eq!(&found[0], &found[2]);
        let cs: Vec<_> = reps.iter().map(Replica::conflicts).collect();
        prop_assert_eq!(&cs[0], &cs[1]);
        prop_assert_eq!(&cs[0], &cs[2]);
        for c in &cs[0] {
            prop_assert!(!["updated_at", "updated_by", "archived_at", "archived_by"].contains(&c.field.as_str()));
            prop_assert!(c.values.iter().all(|v| !v.author.is_empty()), "conflict without authors: {c:?}");
        }
    }
}

fn saved_round_trip(snap: &Snapshot) -> Snapshot {
    crate::from_saved(&crate::to_saved(snap)).expect("a saved snapshot reads back")
}
