//! Domain checks over a snapshot: what two valid offline edits can combine into.
//!
//! A CRDT merges any two edits; it cannot know that two meetings now share a room. Findings are
//! shown to people, who decide. [`findings`] computes them all from a snapshot and `now`;
//! [`FindingsIndex`] keeps the same result up to date from the records a change touched, so a
//! large bureau does not re-check 10,000 meetings after every keystroke. The result depends
//! only on the snapshot and `now`, and is sorted, so replicas with equal heads agree.
//!
//! Findings fall into parts that depend on few records each: the double bookings of one room,
//! of one member; the checks of one meeting (its room, its groups); of one note; and the
//! bureau-wide group and review checks. Both the full computation and the index build the
//! same parts with the same functions, which is what keeps them equal (a property test checks
//! it after every random edit and merge).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
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
    /// An active group attended none of the meetings held since the day of the last recorded
    /// review (or since it became active, if later).
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
#[derive(Clone, Copy)]
struct Slot<'a> {
    m: &'a Meeting,
    start: Timestamp,
    end: Timestamp,
}

/// The slot of a meeting, if it is live (not archived, not cancelled) with readable times.
fn slot_of(m: &Meeting) -> Option<Slot<'_>> {
    if m.stamp.archived || m.status == MeetingStatus::Cancelled {
        return None;
    }
    let start = m.start.parse().ok()?;
    let end = m.end.parse().ok()?;
    (end > start).then_some(Slot { m, start, end })
}

/// The bureau's time zone and the date of `now` in it.
fn today_in(snap: &Snapshot, now: Timestamp) -> (TimeZone, Date) {
    let tz = TimeZone::get(&snap.meta.timezone).unwrap_or(TimeZone::UTC);
    let today = now.to_zoned(tz.clone()).date();
    (tz, today)
}

/// Computes every finding of the snapshot at time `now`.
pub fn findings(snap: &Snapshot, now: Timestamp) -> Vec<Finding> {
    let (tz, today) = today_in(snap, now);
    let mut out = Vec::new();

    let mut slots: Vec<Slot<'_>> = snap.meetings.values().filter_map(|m| slot_of(m)).collect();
    slots.sort_by(|a, b| (a.start, &a.m.id).cmp(&(b.start, &b.m.id)));

    let mut by_room: BTreeMap<&str, Vec<Span<'_>>> = BTreeMap::new();
    let mut by_member: BTreeMap<&str, Vec<Span<'_>>> = BTreeMap::new();
    for s in &slots {
        let span = Span {
            start: s.start,
            end: s.end,
            id: &s.m.id,
        };
        if !s.m.room_id.is_empty() {
            by_room.entry(&s.m.room_id).or_default().push(span);
        }
        for member in &s.m.members {
            by_member.entry(member).or_default().push(span);
        }
    }
    for (room, list) in by_room {
        room_double_bookings(snap, room, &list, &mut out);
    }
    for (member, list) in by_member {
        member_double_bookings(snap, member, &list, &mut out);
    }
    for s in &slots {
        meeting_checks(snap, s.m, &mut out);
    }
    // The start of the newest live meeting held so far, and of the newest each group attended
    // (or organised).
    let mut held: Option<Timestamp> = None;
    let mut attended: HashMap<&str, Timestamp> = HashMap::new();
    for s in slots.iter().filter(|s| s.start <= now) {
        held = held.max(Some(s.start));
        for g in s.m.groups.iter().chain(std::iter::once(&s.m.organiser)) {
            let latest = attended.entry(g.as_str()).or_insert(s.start);
            *latest = (*latest).max(s.start);
        }
    }
    group_checks(
        snap,
        last_review(snap),
        |g, from| attended.get(g).is_some_and(|t| *t >= from),
        |from| held.is_some_and(|t| t >= from),
        &tz,
        today,
        &mut out,
    );
    for n in snap.notes.values() {
        note_checks(snap, n, today, &mut out);
    }

    out.sort();
    out.dedup();
    out
}

/// A live meeting's time, for the double-booking sweep: the index keeps these, so checking a
/// room or a member reads no meeting (and parses no time) unless it is in an overlap.
#[derive(Clone, Copy, Debug)]
struct Span<'a> {
    start: Timestamp,
    end: Timestamp,
    id: &'a str,
}

/// Overlapping pairs among meetings grouped by a key (room, member), sorted by (start, id):
/// each meeting is compared only with those that start before it ends.
fn overlapping_pairs<'a>(spans: &[Span<'a>]) -> Vec<(Span<'a>, Span<'a>)> {
    let mut pairs = Vec::new();
    for (i, a) in spans.iter().enumerate() {
        for b in &spans[i + 1..] {
            if b.start >= a.end {
                break;
            }
            pairs.push((*a, *b));
        }
    }
    pairs
}

/// A meeting's title for a finding's message.
fn title<'a>(snap: &'a Snapshot, id: &str) -> &'a str {
    snap.meetings.get(id).map_or("", |m| m.title.as_str())
}

/// Double bookings of one room, from its live meetings sorted by (start, id).
fn room_double_bookings(snap: &Snapshot, room: &str, list: &[Span<'_>], out: &mut Vec<Finding>) {
    for (a, b) in overlapping_pairs(list) {
        out.push(room_double_booking(snap, room, a.id, b.id));
    }
}

/// The finding for meetings `a` and `b` (in (start, id) order) overlapping in `room`.
fn room_double_booking(snap: &Snapshot, room: &str, a: &str, b: &str) -> Finding {
    let name = snap.rooms.get(room).map_or(room, |r| r.name.as_str());
    Finding {
        kind: FindingKind::RoomDoubleBooked,
        message: format!(
            "{name} is booked twice: \u{201c}{}\u{201d} and \u{201c}{}\u{201d} overlap",
            title(snap, a),
            title(snap, b)
        ),
        refs: vec![
            r(RecordType::Room, room),
            r(RecordType::Meeting, a),
            r(RecordType::Meeting, b),
        ],
    }
}

/// Double bookings of one member, from the live meetings expecting them sorted by (start, id).
fn member_double_bookings(
    snap: &Snapshot,
    member: &str,
    list: &[Span<'_>],
    out: &mut Vec<Finding>,
) {
    let name = snap.members.get(member).map_or(member, |m| m.name.as_str());
    for (a, b) in overlapping_pairs(list) {
        out.push(Finding {
            kind: FindingKind::MemberDoubleBooked,
            message: format!(
                "{name} is expected in \u{201c}{}\u{201d} and \u{201c}{}\u{201d} at the same time",
                title(snap, a.id),
                title(snap, b.id)
            ),
            refs: vec![
                r(RecordType::Member, member),
                r(RecordType::Meeting, a.id),
                r(RecordType::Meeting, b.id),
            ],
        });
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

/// The newest recorded (unarchived) composition review with a readable date.
fn last_review(snap: &Snapshot) -> Option<(Date, &Review)> {
    snap.reviews
        .values()
        .filter(|rv| !rv.stamp.archived && rv.status == ReviewStatus::Recorded)
        .filter_map(|rv| rv.date.parse::<Date>().ok().map(|d| (d, &**rv)))
        .max_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)))
}

/// The instant a review's day ends (the next day begins) in the bureau's time zone: the
/// meetings of a review's own day belong to the period it reviewed, so the next period starts
/// after it, and a review just recorded flags no group that has had no chance to attend since.
fn review_end(date: Date, tz: &TimeZone) -> Timestamp {
    date.tomorrow()
        .ok()
        .and_then(|d| d.to_zoned(tz.clone()).ok())
        .map_or(Timestamp::MAX, |z| z.timestamp())
}

/// When a group last became active (its creation, or its latest return or reactivation), if
/// its history says, and whether that was its creation. Attendance is not asked of a group
/// for the time before it was on the roster.
fn active_since(g: &Group) -> Option<(Timestamp, bool)> {
    let (i, change) = g
        .status_history
        .iter()
        .enumerate()
        .rev()
        .find(|(_, c)| matches!(c.status, StatusEvent::Active | StatusEvent::Returned))?;
    Some((change.at.parse().ok()?, i == 0))
}

/// The bureau-wide checks: focal points, attendance since the last review, the review itself.
///
/// A group's attendance is counted from the end of the last recorded review's day, or from
/// when the group became active if that is later. It is flagged only when meetings were held
/// in that time (`held(from)`: a live meeting started between `from` and now) and it attended
/// none of them (`attended(group, from)`): the day after a review, or the hour after a group
/// was admitted, nobody has missed anything yet.
fn group_checks(
    snap: &Snapshot,
    last_review: Option<(Date, &Review)>,
    attended: impl Fn(&str, Timestamp) -> bool,
    held: impl Fn(Timestamp) -> bool,
    tz: &TimeZone,
    today: Date,
    out: &mut Vec<Finding>,
) {
    let since_review = last_review.map(|(date, _)| review_end(date, tz));
    let live_groups = snap
        .groups
        .values()
        .filter(|g| !g.stamp.archived && g.status == GroupStatus::Active);
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
        if let (Some((date, rv)), Some(review_from)) = (&last_review, since_review) {
            // Counted from the later of the review and the group's (re)joining; the finding
            // names the review only when it counts from the review.
            let joined = active_since(g).filter(|(at, _)| *at > review_from);
            let from = joined.map_or(review_from, |(at, _)| at);
            if held(from) && !attended(g.id.as_str(), from) {
                let (message, refs) = match joined {
                    None => (
                        format!(
                            "{} has attended no meeting since the review of {date}",
                            g.name
                        ),
                        vec![r(RecordType::Group, &g.id), r(RecordType::Review, &rv.id)],
                    ),
                    Some((at, created)) => (
                        format!(
                            "{} has attended no meeting since it {} on {}",
                            g.name,
                            if created {
                                "was created"
                            } else {
                                "became active"
                            },
                            at.to_zoned(tz.clone()).date()
                        ),
                        vec![r(RecordType::Group, &g.id)],
                    ),
                };
                out.push(Finding {
                    kind: FindingKind::GroupInactive,
                    message,
                    refs,
                });
            }
        }
    }
    let interval = i64::from(snap.meta.review_interval_days);
    let (due_from, refs) = match &last_review {
        Some((date, rv)) => (Some(*date), vec![r(RecordType::Review, &rv.id)]),
        None => {
            let created = snap.meta.created_at.parse::<Timestamp>().ok();
            (created.map(|c| c.to_zoned(tz.clone()).date()), Vec::new())
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

/// The checks of one note: plenary consultation, overdue actions.
fn note_checks(snap: &Snapshot, n: &Note, today: Date, out: &mut Vec<Finding>) {
    if n.stamp.archived {
        return;
    }
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

/// A part of the findings: the records its findings depend on are few and known.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Part {
    /// Group, focal-point and review checks: cheap, recomputed at every update.
    Bureau,
    /// Double bookings of a room (by room id, whether or not the room exists) in which a
    /// meeting is the later of the two (in (start, id) order): a moved meeting re-checks only
    /// the meetings it overlapped or overlaps, not its whole room, which on a crowded
    /// schedule holds hundreds of double bookings.
    RoomSlot(String, String),
    /// Double bookings of a member.
    Member(String),
    /// Interpretation and reference checks of one meeting.
    Meeting(String),
    /// Plenary and overdue-action checks of one note.
    Note(String),
}

/// What the index remembers of a live meeting, to find the parts it was in once it changed.
#[derive(Clone, Debug)]
struct SlotKey {
    start: Timestamp,
    end: Timestamp,
    room: String,
    members: Vec<String>,
    /// Its groups and organiser.
    groups: Vec<String>,
}

/// Live meetings by a key (room, member, group), sorted by (start, id).
type ByKey = HashMap<String, BTreeSet<(Timestamp, String)>>;

fn index_add(map: &mut ByKey, key: &str, start: Timestamp, id: &str) {
    map.entry(key.to_owned())
        .or_default()
        .insert((start, id.to_owned()));
}

fn index_remove(map: &mut ByKey, key: &str, start: Timestamp, id: &str) {
    if let Some(set) = map.get_mut(key) {
        set.remove(&(start, id.to_owned()));
        if set.is_empty() {
            map.remove(key);
        }
    }
}

/// The findings of a snapshot, kept up to date from the records each change touched.
///
/// Equal to [`findings`] of the same snapshot and `now` after every [`FindingsIndex::update`].
/// Each part is recomputed only when a record it depends on was touched: a moved meeting
/// re-checks the meetings it overlapped in its old room and overlaps in its new one, its
/// members and itself; a renamed room re-checks all its meetings; the bureau-wide checks are
/// recomputed every time from small indexes.
#[derive(Clone, Debug, Default)]
pub struct FindingsIndex {
    /// The meta fields findings depend on, as last seen; a change rebuilds everything.
    meta: Option<(String, u32, String)>,
    /// The date of the last update's `now`: overdue actions move with it.
    today: Option<Date>,
    slots: HashMap<String, SlotKey>,
    /// No live meeting indexed since the last rebuild was longer: meetings overlapping one
    /// start at most this long before it.
    max_span: SignedDuration,
    by_room: ByKey,
    by_member: ByKey,
    by_group: ByKey,
    /// Every live meeting, by (start, id): whether any was held since a time.
    by_start: BTreeSet<(Timestamp, String)>,
    /// Member id -> notes with an action owned by them (the finding names the owner).
    note_owners: HashMap<String, BTreeSet<String>>,
    owners_of_note: HashMap<String, Vec<String>>,
    parts: imbl::OrdMap<Part, Arc<Vec<Finding>>>,
    len: usize,
}

impl FindingsIndex {
    /// Builds the index of a whole snapshot.
    pub fn new(snap: &Snapshot, now: Timestamp) -> FindingsIndex {
        let mut index = FindingsIndex::default();
        index.rebuild(snap, now);
        index
    }

    fn rebuild(&mut self, snap: &Snapshot, now: Timestamp) {
        *self = FindingsIndex::default();
        let all: Vec<(RecordType, String)> = snap
            .meetings
            .keys()
            .map(|id| (RecordType::Meeting, id.clone()))
            .chain(snap.notes.keys().map(|id| (RecordType::Note, id.clone())))
            .collect();
        self.meta = Some(meta_key(snap));
        self.update_touched(snap, &all, now);
    }

    /// Brings the findings up to date after a change that touched (at most) `touched`, at
    /// time `now`. With nothing touched it re-evaluates what depends on the time.
    pub fn update(&mut self, snap: &Snapshot, touched: &[(RecordType, String)], now: Timestamp) {
        if self.meta.as_ref() != Some(&meta_key(snap)) {
            self.rebuild(snap, now);
        } else {
            self.update_touched(snap, touched, now);
        }
    }

    fn update_touched(
        &mut self,
        snap: &Snapshot,
        touched: &[(RecordType, String)],
        now: Timestamp,
    ) {
        let (tz, today) = today_in(snap, now);
        let mut dirty: BTreeSet<Part> = BTreeSet::new();
        if self.today != Some(today) {
            // Overdue actions depend on the date.
            dirty.extend(snap.notes.keys().map(|id| Part::Note(id.clone())));
            self.today = Some(today);
        }
        for (ty, id) in touched {
            match ty {
                RecordType::Meeting => self.touch_meeting(snap, id, &mut dirty),
                RecordType::Room => {
                    // Its name is in every double booking and meeting check of its own.
                    if let Some(set) = self.by_room.get(id) {
                        for (_, m) in set {
                            dirty.insert(Part::RoomSlot(id.clone(), m.clone()));
                            dirty.insert(Part::Meeting(m.clone()));
                        }
                    }
                }
                RecordType::Group => {
                    if let Some(set) = self.by_group.get(id) {
                        dirty.extend(set.iter().map(|(_, m)| Part::Meeting(m.clone())));
                    }
                }
                RecordType::Member => {
                    dirty.insert(Part::Member(id.clone()));
                    if let Some(notes) = self.note_owners.get(id) {
                        dirty.extend(notes.iter().map(|n| Part::Note(n.clone())));
                    }
                }
                RecordType::Note => {
                    self.touch_note(snap, id);
                    dirty.insert(Part::Note(id.clone()));
                }
                // Reviews feed the bureau-wide part, recomputed below; devices and bodies
                // are in no finding.
                RecordType::Review | RecordType::Device | RecordType::Body => {}
            }
        }
        for part in dirty {
            let mut out = Vec::new();
            self.compute(snap, &part, today, &mut out);
            self.set_part(part, out);
        }
        let mut out = Vec::new();
        // The first live meeting of a set that starts at or after `from` has started by now.
        let since = |set: &BTreeSet<(Timestamp, String)>, from: Timestamp| {
            set.range((from, String::new())..)
                .next()
                .is_some_and(|(start, _)| *start <= now)
        };
        let attended =
            |g: &str, from: Timestamp| self.by_group.get(g).is_some_and(|set| since(set, from));
        let held = |from: Timestamp| since(&self.by_start, from);
        group_checks(
            snap,
            last_review(snap),
            attended,
            held,
            &tz,
            today,
            &mut out,
        );
        self.set_part(Part::Bureau, out);
    }

    /// Re-indexes a meeting and marks every part it was or now is in.
    fn touch_meeting(&mut self, snap: &Snapshot, id: &str, dirty: &mut BTreeSet<Part>) {
        dirty.insert(Part::Meeting(id.to_owned()));
        if let Some(old) = self.slots.remove(id) {
            self.mark_room(&old.room, old.start, old.end, id, dirty);
            index_remove(&mut self.by_room, &old.room, old.start, id);
            for m in &old.members {
                index_remove(&mut self.by_member, m, old.start, id);
                dirty.insert(Part::Member(m.clone()));
            }
            for g in &old.groups {
                index_remove(&mut self.by_group, g, old.start, id);
            }
            self.by_start.remove(&(old.start, id.to_owned()));
        }
        let Some(s) = snap.meetings.get(id).and_then(|m| slot_of(m)) else {
            return;
        };
        let mut groups: Vec<String> = s.m.groups.clone();
        groups.push(s.m.organiser.clone());
        groups.sort();
        groups.dedup();
        let key = SlotKey {
            start: s.start,
            end: s.end,
            room: s.m.room_id.clone(),
            members: s.m.members.clone(),
            groups,
        };
        self.max_span = self.max_span.max(key.end.duration_since(key.start));
        if !key.room.is_empty() {
            index_add(&mut self.by_room, &key.room, key.start, id);
            self.mark_room(&key.room, key.start, key.end, id, dirty);
        }
        for m in &key.members {
            index_add(&mut self.by_member, m, key.start, id);
            dirty.insert(Part::Member(m.clone()));
        }
        for g in &key.groups {
            index_add(&mut self.by_group, g, key.start, id);
        }
        self.by_start.insert((key.start, id.to_owned()));
        self.slots.insert(id.to_owned(), key);
    }

    /// Marks the room parts a meeting in `room` from `start` to `end` is in: its own (where it
    /// is the later one) and those of the meetings after it that start before it ends.
    fn mark_room(
        &self,
        room: &str,
        start: Timestamp,
        end: Timestamp,
        id: &str,
        dirty: &mut BTreeSet<Part>,
    ) {
        if room.is_empty() {
            return;
        }
        dirty.insert(Part::RoomSlot(room.to_owned(), id.to_owned()));
        if let Some(set) = self.by_room.get(room) {
            for (_, later) in set.range((start, id.to_owned())..(end, String::new())) {
                if later != id {
                    dirty.insert(Part::RoomSlot(room.to_owned(), later.clone()));
                }
            }
        }
    }

    /// Re-indexes the owners of a note's actions.
    fn touch_note(&mut self, snap: &Snapshot, id: &str) {
        for owner in self.owners_of_note.remove(id).unwrap_or_default() {
            if let Some(set) = self.note_owners.get_mut(&owner) {
                set.remove(id);
                if set.is_empty() {
                    self.note_owners.remove(&owner);
                }
            }
        }
        let Some(n) = snap.notes.get(id) else {
            return;
        };
        let mut owners: Vec<String> = n.actions.iter().map(|a| a.owner.clone()).collect();
        owners.sort();
        owners.dedup();
        for owner in &owners {
            self.note_owners
                .entry(owner.clone())
                .or_default()
                .insert(id.to_owned());
        }
        self.owners_of_note.insert(id.to_owned(), owners);
    }

    /// The live meetings of an index entry, sorted by (start, id), from the index alone.
    fn spans_in<'a>(&'a self, by: &'a ByKey, key: &str) -> Vec<Span<'a>> {
        by.get(key)
            .into_iter()
            .flatten()
            .filter_map(|(start, id)| {
                let end = self.slots.get(id)?.end;
                Some(Span {
                    start: *start,
                    end,
                    id,
                })
            })
            .collect()
    }

    fn compute(&self, snap: &Snapshot, part: &Part, today: Date, out: &mut Vec<Finding>) {
        match part {
            Part::Bureau => {}
            Part::RoomSlot(room, id) => {
                let Some(b) = self.slots.get(id).filter(|b| &b.room == room) else {
                    return;
                };
                let Some(set) = self.by_room.get(room) else {
                    return;
                };
                // Every meeting before it that ends after it starts; none starts earlier
                // than the longest meeting's length before it.
                let from = b.start.checked_sub(self.max_span).unwrap_or(Timestamp::MIN);
                for (_, a) in set.range((from, String::new())..(b.start, id.clone())) {
                    if self.slots.get(a).is_some_and(|a| a.end > b.start) {
                        out.push(room_double_booking(snap, room, a, id));
                    }
                }
            }
            Part::Member(member) => {
                let list = self.spans_in(&self.by_member, member);
                member_double_bookings(snap, member, &list, out);
            }
            Part::Meeting(id) => {
                if let Some(s) = snap.meetings.get(id).and_then(|m| slot_of(m)) {
                    meeting_checks(snap, s.m, out);
                }
            }
            Part::Note(id) => {
                if let Some(n) = snap.notes.get(id) {
                    note_checks(snap, n, today, out);
                }
            }
        }
    }

    fn set_part(&mut self, part: Part, mut found: Vec<Finding>) {
        // Parts never share a finding (each kind comes from one kind of part, naming its
        // record), so deduplicating within the part keeps `len` exact.
        found.sort();
        found.dedup();
        let new_len = found.len();
        let old = if found.is_empty() {
            self.parts.remove(&part)
        } else {
            self.parts.insert(part, Arc::new(found))
        };
        self.len = self.len - old.map_or(0, |o| o.len()) + new_len;
    }

    /// The current findings, to publish: cheap to take (the parts are shared).
    pub fn set(&self) -> FindingSet {
        FindingSet {
            parts: self.parts.clone(),
            len: self.len,
            all: OnceLock::new(),
        }
    }
}

fn meta_key(snap: &Snapshot) -> (String, u32, String) {
    (
        snap.meta.timezone.clone(),
        snap.meta.review_interval_days,
        snap.meta.created_at.clone(),
    )
}

/// A published set of findings: taken in O(1) from a [`FindingsIndex`]; the sorted list is
/// assembled on first use and kept.
#[derive(Debug, Default)]
pub struct FindingSet {
    parts: imbl::OrdMap<Part, Arc<Vec<Finding>>>,
    len: usize,
    all: OnceLock<Vec<Finding>>,
}

impl FindingSet {
    /// Every finding, sorted as [`findings`] returns them.
    pub fn all(&self) -> &[Finding] {
        self.all.get_or_init(|| {
            let mut all: Vec<Finding> = self
                .parts
                .values()
                .flat_map(|p| p.iter().cloned())
                .collect();
            all.sort();
            all.dedup();
            all
        })
    }

    /// How many findings there are (without assembling the list).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there is no finding.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The findings, sorted.
    pub fn iter(&self) -> std::slice::Iter<'_, Finding> {
        self.all().iter()
    }
}
