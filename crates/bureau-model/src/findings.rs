//! Domain checks over a snapshot: what two valid offline edits can combine into.
//!
//! A CRDT merges any two edits; it cannot know that two meetings now share a room. Findings are
//! recomputed from the snapshot after every change and shown to people, who decide. The result
//! depends only on the snapshot and `now`, and is sorted, so replicas with equal heads agree.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

use crate::read::Snapshot;
use crate::records::*;

/// The kinds of finding; their wire names are fixed by the API contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// Two live meetings overlap in one room.
    RoomDoubleBooked,
    /// A member is expected in two overlapping meetings.
    MemberDoubleBooked,
    /// A meeting's languages have no booth in its room.
    InterpretationNotCovered,
    /// A meeting refers to an archived (or unknown) room or group.
    ArchivedReference,
    /// An active group has no unarchived focal point.
    GroupWithoutFocalPoint,
    /// The last composition review is older than the bureau's interval.
    ReviewOverdue,
    /// An active group attended nothing since the last recorded review.
    GroupInactive,
    /// A note has content implications and the plenary was not consulted yet.
    PlenaryConsultationPending,
    /// An action item is past its due date and not done.
    ActionOverdue,
}

/// A record a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Ref {
    /// Record type.
    #[serde(rename = "type")]
    pub ty: RecordType,
    /// Record id.
    pub id: String,
}

/// One finding, in the API's shape.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    /// What kind of problem.
    pub kind: FindingKind,
    /// A sentence for people.
    pub message: String,
    /// The records concerned.
    pub refs: Vec<Ref>,
}

fn r(ty: RecordType, id: &str) -> Ref {
    Ref {
        ty,
        id: id.to_owned(),
    }
}

/// A live meeting with parsed times; meetings with unreadable times are skipped (the snapshot
/// already reports them as problems).
struct Slot<'a> {
    m: &'a Meeting,
    start: Timestamp,
    end: Timestamp,
}

/// Computes every finding of the snapshot at time `now`.
pub fn findings(snap: &Snapshot, now: Timestamp) -> Vec<Finding> {
    let tz = TimeZone::get(&snap.meta.timezone).unwrap_or(TimeZone::UTC);
    let today = now.to_zoned(tz.clone()).date();
    let mut out = Vec::new();

    let mut slots: Vec<Slot<'_>> = snap
        .meetings
        .values()
        .filter(|m| !m.stamp.archived && m.status != MeetingStatus::Cancelled)
        .filter_map(|m| {
            let start = m.start.parse().ok()?;
            let end = m.end.parse().ok()?;
            (end > start).then_some(Slot { m, start, end })
        })
        .collect();
    slots.sort_by(|a, b| (a.start, &a.m.id).cmp(&(b.start, &b.m.id)));

    double_bookings(snap, &slots, &mut out);
    for s in &slots {
        meeting_checks(snap, s.m, &mut out);
    }
    group_checks(snap, &slots, now, today, &mut out);
    note_checks(snap, today, &mut out);

    out.sort();
    out.dedup();
    out
}

/// Overlapping pairs among meetings grouped by a key (room, member). Sorting by start lets each
/// meeting be compared only with those that start before it ends.
fn overlapping_pairs<'a>(slots: &[&'a Slot<'a>]) -> Vec<(&'a Slot<'a>, &'a Slot<'a>)> {
    let mut pairs = Vec::new();
    for (i, a) in slots.iter().enumerate() {
        for b in &slots[i + 1..] {
            if b.start >= a.end {
                break;
            }
            pairs.push((*a, *b));
        }
    }
    pairs
}

fn double_bookings(snap: &Snapshot, slots: &[Slot<'_>], out: &mut Vec<Finding>) {
    let mut by_room: BTreeMap<&str, Vec<&Slot<'_>>> = BTreeMap::new();
    let mut by_member: BTreeMap<&str, Vec<&Slot<'_>>> = BTreeMap::new();
    for s in slots {
        if !s.m.room_id.is_empty() {
            by_room.entry(&s.m.room_id).or_default().push(s);
        }
        for member in &s.m.members {
            by_member.entry(member).or_default().push(s);
        }
    }
    for (room, list) in by_room {
        let name = snap.rooms.get(room).map_or(room, |r| r.name.as_str());
        for (a, b) in overlapping_pairs(&list) {
            out.push(Finding {
                kind: FindingKind::RoomDoubleBooked,
                message: format!(
                    "{name} is booked twice: \u{201c}{}\u{201d} and \u{201c}{}\u{201d} overlap",
                    a.m.title, b.m.title
                ),
                refs: vec![
                    r(RecordType::Room, room),
                    r(RecordType::Meeting, &a.m.id),
                    r(RecordType::Meeting, &b.m.id),
                ],
            });
        }
    }
    for (member, list) in by_member {
        let name = snap.members.get(member).map_or(member, |m| m.name.as_str());
        for (a, b) in overlapping_pairs(&list) {
            out.push(Finding {
                kind: FindingKind::MemberDoubleBooked,
                message: format!(
                    "{name} is expected in \u{201c}{}\u{201d} and \u{201c}{}\u{201d} at the same time",
                    a.m.title, b.m.title
                ),
                refs: vec![
                    r(RecordType::Member, member),
                    r(RecordType::Meeting, &a.m.id),
                    r(RecordType::Meeting, &b.m.id),
                ],
            });
        }
    }
}

fn meeting_checks(snap: &Snapshot, m: &Meeting, out: &mut Vec<Finding>) {
    if let Some(room) = snap.rooms.get(&m.room_id) {
        // One working language needs no interpretation; with several, each needs a booth.
        if m.languages.len() > 1 {
            let missing: Vec<&str> = m
                .languages
                .iter()
                .filter(|l| !room.booths.contains(l))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                out.push(Finding {
                    kind: FindingKind::InterpretationNotCovered,
                    message: format!(
                        "\u{201c}{}\u{201d} needs interpretation in {} but {} has no booth for it",
                        m.title,
                        missing.join(", "),
                        room.name
                    ),
                    refs: vec![r(RecordType::Meeting, &m.id), r(RecordType::Room, &room.id)],
                });
            }
        }
    }
    let mut refs: Vec<(RecordType, &str, &str)> = Vec::new();
    if !m.room_id.is_empty() {
        refs.push((RecordType::Room, &m.room_id, "room"));
    }
    if !m.organiser.is_empty() {
        refs.push((RecordType::Group, &m.organiser, "organising group"));
    }
    for g in &m.groups {
        refs.push((RecordType::Group, g, "group"));
    }
    for (ty, id, what) in refs {
        let state = match ty {
            RecordType::Room => snap
                .rooms
                .get(id)
                .map(|x| (x.stamp.archived, x.name.as_str())),
            _ => snap
                .groups
                .get(id)
                .map(|x| (x.stamp.archived, x.name.as_str())),
        };
        let message = match state {
            Some((false, _)) => continue,
            Some((true, name)) => format!(
                "\u{201c}{}\u{201d} refers to the archived {what} {name}",
                m.title
            ),
            None => format!("\u{201c}{}\u{201d} refers to an unknown {what}", m.title),
        };
        out.push(Finding {
            kind: FindingKind::ArchivedReference,
            message,
            refs: vec![r(RecordType::Meeting, &m.id), r(ty, id)],
        });
    }
}

fn group_checks(
    snap: &Snapshot,
    slots: &[Slot<'_>],
    now: Timestamp,
    today: Date,
    out: &mut Vec<Finding>,
) {
    let live_groups = snap
        .groups
        .values()
        .filter(|g| !g.stamp.archived && g.status == GroupStatus::Active);
    let last_review = snap
        .reviews
        .values()
        .filter(|rv| !rv.stamp.archived && rv.status == ReviewStatus::Recorded)
        .filter_map(|rv| rv.date.parse::<Date>().ok().map(|d| (d, rv)))
        .max_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    // Groups that attended (or organised) a live meeting since the last review, up to now.
    let attended: BTreeSet<&str> = match last_review {
        Some((since, _)) => {
            let tz = TimeZone::get(&snap.meta.timezone).unwrap_or(TimeZone::UTC);
            let since = since
                .to_zoned(tz)
                .map(|z| z.timestamp())
                .unwrap_or(Timestamp::MIN);
            slots
                .iter()
                .filter(|s| s.start >= since && s.start <= now)
                .flat_map(|s| s.m.groups.iter().chain(std::iter::once(&s.m.organiser)))
                .map(String::as_str)
                .collect()
        }
        None => BTreeSet::new(),
    };
    for g in live_groups {
        let has_focal = g
            .focal_points
            .iter()
            .any(|id| snap.members.get(id).is_some_and(|m| !m.stamp.archived));
        if !has_focal {
            out.push(Finding {
                kind: FindingKind::GroupWithoutFocalPoint,
                message: format!("{} has no active focal point", g.name),
                refs: vec![r(RecordType::Group, &g.id)],
            });
        }
        if let Some((date, rv)) = &last_review
            && !attended.contains(g.id.as_str())
        {
            out.push(Finding {
                kind: FindingKind::GroupInactive,
                message: format!(
                    "{} has attended no meeting since the review of {date}",
                    g.name
                ),
                refs: vec![r(RecordType::Group, &g.id), r(RecordType::Review, &rv.id)],
            });
        }
    }
    let interval = i64::from(snap.meta.review_interval_days);
    let (due_from, refs) = match &last_review {
        Some((date, rv)) => (Some(*date), vec![r(RecordType::Review, &rv.id)]),
        None => {
            let created = snap.meta.created_at.parse::<Timestamp>().ok();
            let tz = TimeZone::get(&snap.meta.timezone).unwrap_or(TimeZone::UTC);
            (created.map(|c| c.to_zoned(tz).date()), Vec::new())
        }
    };
    if let Some(from) = due_from
        && let Ok(due) = from.checked_add(interval.days())
        && today > due
    {
        out.push(Finding {
            kind: FindingKind::ReviewOverdue,
            message: match &last_review {
                Some(_) => {
                    format!("a composition review was due on {due}; the last one was on {from}")
                }
                None => {
                    format!("a composition review was due on {due}; none has been recorded")
                }
            },
            refs,
        });
    }
}

fn note_checks(snap: &Snapshot, today: Date, out: &mut Vec<Finding>) {
    for n in snap.notes.values().filter(|n| !n.stamp.archived) {
        if n.content_implications && !n.plenary_consulted {
            out.push(Finding {
                kind: FindingKind::PlenaryConsultationPending,
                message: format!(
                    "\u{201c}{}\u{201d} has content implications: the plenary has not been consulted yet",
                    n.title
                ),
                refs: vec![r(RecordType::Note, &n.id)],
            });
        }
        for a in &n.actions {
            let Ok(due) = a.due.parse::<Date>() else {
                continue;
            };
            if !a.done && due < today {
                let owner = snap
                    .members
                    .get(&a.owner)
                    .map(|m| format!(" ({})", m.name))
                    .unwrap_or_default();
                out.push(Finding {
                    kind: FindingKind::ActionOverdue,
                    message: format!("\u{201c}{}\u{201d}{owner} was due on {due}", a.text),
                    refs: vec![r(RecordType::Note, &n.id)],
                });
            }
        }
    }
}
