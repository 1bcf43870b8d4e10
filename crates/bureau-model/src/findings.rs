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
//!
//! This file holds the findings' types, the full computation and each part's checks; the
//! index that keeps them current is in [`index`].

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
    /// A meeting needs more booths than its room has.
    BoothsTooFew,
    /// A booth has fewer interpreters than the meeting's length and languages need.
    BoothTeamTooSmall,
    /// An interpreter is seated in two overlapping meetings.
    InterpreterDoubleBooked,
    /// An interpreter is seated in a meeting outside their availability.
    InterpreterUnavailable,
    /// An interpreter sits in a booth whose language is not their A or B.
    InterpreterLanguageMismatch,
    /// Nobody in a booth understands one of the meeting's languages: it must take relay.
    RelayNeeded,
    /// An interpreter's minutes in a booth on one day are over the limit.
    InterpreterOverloaded,
}

/// What a finding's reference names: a record, or a language (a booth's, the floor's).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RefType {
    /// A record of the bureau.
    Record(RecordType),
    /// A language code.
    Language,
}

impl RefType {
    /// The record type, for a reference to a record.
    pub fn record(self) -> Option<RecordType> {
        match self {
            RefType::Record(ty) => Some(ty),
            RefType::Language => None,
        }
    }

    /// The wire name: the record type's, or `language`.
    pub fn as_str(self) -> &'static str {
        match self {
            RefType::Record(ty) => ty.as_str(),
            RefType::Language => "language",
        }
    }
}

impl From<RecordType> for RefType {
    fn from(ty: RecordType) -> RefType {
        RefType::Record(ty)
    }
}

impl PartialEq<RecordType> for RefType {
    fn eq(&self, other: &RecordType) -> bool {
        *self == RefType::Record(*other)
    }
}

impl Serialize for RefType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A record a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Ref {
    /// Record type, or `language`.
    #[serde(rename = "type")]
    pub ty: RefType,
    /// Record id.
    pub id: RefId,
}

/// The id a [`Ref`] names, shared: the findings index hands every finding that names a
/// meeting or a room the one copy of its id it keeps itself. A crowded schedule holds a
/// double booking for every overlapping pair, each naming its room and two meetings (at the
/// benchmark's size l, about 154,000 of them), and an id of its own per reference held about
/// 15 of the findings' 100 MB there. Compares, orders and serialises as the string.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RefId(Arc<str>);

impl RefId {
    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for RefId {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for RefId {
    fn from(id: &str) -> RefId {
        RefId(Arc::from(id))
    }
}

impl From<&String> for RefId {
    fn from(id: &String) -> RefId {
        RefId(Arc::from(id.as_str()))
    }
}

impl From<String> for RefId {
    fn from(id: String) -> RefId {
        RefId(Arc::from(id))
    }
}

impl From<&Arc<str>> for RefId {
    fn from(id: &Arc<str>) -> RefId {
        RefId(Arc::clone(id))
    }
}

impl PartialEq<&str> for RefId {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for RefId {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
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

fn r(ty: RecordType, id: impl Into<RefId>) -> Ref {
    Ref {
        ty: RefType::Record(ty),
        id: id.into(),
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
    let norms = Norms::of(snap);
    let mut out = Vec::new();

    let mut slots: Vec<Slot<'_>> = snap.meetings.values().filter_map(|m| slot_of(m)).collect();
    slots.sort_by(|a, b| (a.start, &a.m.id).cmp(&(b.start, &b.m.id)));

    let mut by_room: BTreeMap<&str, Vec<Span<'_>>> = BTreeMap::new();
    let mut by_member: BTreeMap<&str, Vec<Span<'_>>> = BTreeMap::new();
    let mut by_interpreter: BTreeMap<&str, Vec<Seat<'_>>> = BTreeMap::new();
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
        for i in seated(s.m) {
            by_interpreter.entry(i).or_default().push(Seat {
                start: s.start,
                end: s.end,
                id: &s.m.id,
            });
        }
    }
    for (i, seats) in by_interpreter {
        interpreter_checks(snap, i, &seats, &norms, &tz, &mut out);
    }
    for (room, list) in by_room {
        room_double_bookings(snap, room, &list, &mut out);
    }
    for (member, list) in by_member {
        member_double_bookings(snap, member, &list, &mut out);
    }
    for s in &slots {
        meeting_checks(snap, s, &norms, &mut out);
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
    let room: Arc<str> = Arc::from(room);
    for (a, b) in overlapping_pairs(list) {
        out.push(room_double_booking(
            snap,
            &room,
            &Arc::from(a.id),
            &Arc::from(b.id),
        ));
    }
}

/// The finding for meetings `a` and `b` (in (start, id) order) overlapping in `room`. Its
/// references share the ids given (the index's own).
fn room_double_booking(snap: &Snapshot, room: &Arc<str>, a: &Arc<str>, b: &Arc<str>) -> Finding {
    let name = snap.rooms.get(&**room).map_or(&**room, |r| r.name.as_str());
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

/// The interpreters seated in a meeting, each once, sorted.
fn seated(m: &Meeting) -> Vec<&str> {
    let mut ids: Vec<&str> = m
        .booths
        .iter()
        .flat_map(|b| b.interpreters.iter().map(String::as_str))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn meeting_checks(snap: &Snapshot, s: &Slot<'_>, norms: &Norms, out: &mut Vec<Finding>) {
    let m = s.m;
    meeting_plan_checks(snap, m, s.start, s.end, norms, out);
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

mod index;

pub use index::{FindingSet, FindingsIndex};

use crate::planner::{Norms, Seat, interpreter_checks, meeting_plan_checks};
