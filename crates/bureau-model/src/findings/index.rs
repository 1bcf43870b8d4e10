//! [`FindingsIndex`]: the findings of a snapshot kept up to date from the records each change
//! touched, part by part, with the same check functions as the full computation (the parent
//! module), and [`FindingSet`], what a published state holds.

use super::*;

/// A part of the findings: the records its findings depend on are few and known.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Part {
    /// Group, focal-point and review checks: cheap, recomputed at every update.
    Bureau,
    /// Double bookings of a room (by room id, whether or not the room exists) in which a
    /// meeting is the later of the two (in (start, id) order): a moved meeting re-checks only
    /// the meetings it overlapped or overlaps, not its whole room, which on a crowded
    /// schedule holds hundreds of double bookings.
    RoomSlot(Arc<str>, MeetingId),
    /// Double bookings of a member.
    Member(String),
    /// Interpretation and reference checks of one meeting.
    Meeting(MeetingId),
    /// Plenary and overdue-action checks of one note.
    Note(String),
    /// Double bookings, availability and daily load of one interpreter.
    Interpreter(String),
}

/// What the index remembers of a live meeting, to find the parts it was in once it changed:
/// its parsed times and the record as it was indexed. The record is the snapshot's own, shared
/// (records are immutable behind their `Arc`; a change replaces it), so the index keeps no
/// copy of its room, members, groups or interpreters: at size m those copies were about a
/// quarter of the findings' memory.
#[derive(Clone, Debug)]
struct SlotKey {
    start: Timestamp,
    end: Timestamp,
    meeting: Arc<Meeting>,
}

impl SlotKey {
    fn room(&self) -> &str {
        &self.meeting.room_id
    }

    fn members(&self) -> &[String] {
        &self.meeting.members
    }

    /// Its groups and organiser, sorted, each once.
    fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = self.meeting.groups.iter().map(String::as_str).collect();
        groups.push(&self.meeting.organiser);
        groups.sort_unstable();
        groups.dedup();
        groups
    }

    /// The interpreters seated in it.
    fn interpreters(&self) -> Vec<&str> {
        seated(&self.meeting)
    }
}

/// A live meeting's id as the index holds it: one allocation per meeting, shared by every
/// entry that names it (its room's, each member's, group's and interpreter's, its start's and
/// its slot's, its parts' keys and the findings that name it), where a `String` each cost an
/// allocation per entry.
type MeetingId = Arc<str>;

/// The smallest id, for ranges that start at a time.
fn no_id() -> MeetingId {
    Arc::from("")
}

/// Live meetings by a key (room, member, group), sorted by (start, id). A room's key is
/// shared with its double bookings' parts and findings, as meetings' ids are.
type ByKey = HashMap<Arc<str>, BTreeSet<(Timestamp, MeetingId)>>;

fn index_add(map: &mut ByKey, key: &str, start: Timestamp, id: &MeetingId) {
    let entry = (start, Arc::clone(id));
    match map.get_mut(key) {
        Some(set) => {
            set.insert(entry);
        }
        None => {
            map.insert(Arc::from(key), BTreeSet::from([entry]));
        }
    }
}

fn index_remove(map: &mut ByKey, key: &str, start: Timestamp, id: &MeetingId) {
    if let Some(set) = map.get_mut(key) {
        set.remove(&(start, Arc::clone(id)));
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
    /// The interpretation norms, as last seen; a change rebuilds everything.
    norms: Option<Norms>,
    /// The date of the last update's `now`: overdue actions move with it.
    today: Option<Date>,
    slots: HashMap<MeetingId, SlotKey>,
    /// No live meeting indexed since the last rebuild was longer: meetings overlapping one
    /// start at most this long before it.
    max_span: SignedDuration,
    by_room: ByKey,
    by_member: ByKey,
    by_group: ByKey,
    by_interpreter: ByKey,
    /// Every live meeting, by (start, id): whether any was held since a time.
    by_start: BTreeSet<(Timestamp, MeetingId)>,
    /// Member id -> notes with an action owned by them (the finding names the owner).
    note_owners: HashMap<String, BTreeSet<String>>,
    owners_of_note: HashMap<String, Vec<String>>,
    parts: imbl::OrdMap<Part, Arc<[Finding]>>,
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
        self.norms = Some(Norms::of(snap));
        self.update_touched(snap, &all, now);
    }

    /// Brings the findings up to date after a change that touched (at most) `touched`, at
    /// time `now`. With nothing touched it re-evaluates what depends on the time.
    pub fn update(&mut self, snap: &Snapshot, touched: &[(RecordType, String)], now: Timestamp) {
        if self.meta.as_ref() != Some(&meta_key(snap)) || self.norms != Some(Norms::of(snap)) {
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
                    if let Some((room, set)) = self.by_room.get_key_value(id.as_str()) {
                        for (_, m) in set {
                            dirty.insert(Part::RoomSlot(Arc::clone(room), Arc::clone(m)));
                            dirty.insert(Part::Meeting(Arc::clone(m)));
                        }
                    }
                }
                RecordType::Group => {
                    if let Some(set) = self.by_group.get(id.as_str()) {
                        dirty.extend(set.iter().map(|(_, m)| Part::Meeting(Arc::clone(m))));
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
                RecordType::Interpreter => {
                    // Its name and languages are in its meetings' checks.
                    dirty.insert(Part::Interpreter(id.clone()));
                    if let Some(set) = self.by_interpreter.get(id.as_str()) {
                        dirty.extend(set.iter().map(|(_, m)| Part::Meeting(Arc::clone(m))));
                    }
                }
                // Reviews feed the bureau-wide part, recomputed below; devices and bodies
                // are in no finding.
                RecordType::Review
                | RecordType::Device
                | RecordType::Body
                | RecordType::Document => {}
            }
        }
        for part in dirty {
            let mut out = Vec::new();
            self.compute(snap, &part, (&tz, today), &mut out);
            self.set_part(part, out);
        }
        let mut out = Vec::new();
        // The first live meeting of a set that starts at or after `from` has started by now.
        let since = |set: &BTreeSet<(Timestamp, MeetingId)>, from: Timestamp| {
            set.range((from, no_id())..)
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
        // The id the index already holds for it, if any, so that its parts share it.
        let mid: MeetingId = match self.slots.remove_entry(id) {
            Some((mid, old)) => {
                self.mark_room(old.room(), old.start, old.end, &mid, dirty);
                index_remove(&mut self.by_room, old.room(), old.start, &mid);
                for m in old.members() {
                    index_remove(&mut self.by_member, m, old.start, &mid);
                    dirty.insert(Part::Member(m.clone()));
                }
                for g in old.groups() {
                    index_remove(&mut self.by_group, g, old.start, &mid);
                }
                for i in old.interpreters() {
                    index_remove(&mut self.by_interpreter, i, old.start, &mid);
                    dirty.insert(Part::Interpreter(i.to_owned()));
                }
                self.by_start.remove(&(old.start, Arc::clone(&mid)));
                mid
            }
            None => Arc::from(id),
        };
        dirty.insert(Part::Meeting(Arc::clone(&mid)));
        let Some(meeting) = snap.meetings.get(id) else {
            return;
        };
        let Some((start, end)) = slot_of(meeting).map(|s| (s.start, s.end)) else {
            return;
        };
        let key = SlotKey {
            start,
            end,
            meeting: Arc::clone(meeting),
        };
        self.max_span = self.max_span.max(key.end.duration_since(key.start));
        let id = mid;
        if !key.room().is_empty() {
            index_add(&mut self.by_room, key.room(), key.start, &id);
            self.mark_room(key.room(), key.start, key.end, &id, dirty);
        }
        for m in key.members() {
            index_add(&mut self.by_member, m, key.start, &id);
            dirty.insert(Part::Member(m.clone()));
        }
        for g in key.groups() {
            index_add(&mut self.by_group, g, key.start, &id);
        }
        for i in key.interpreters() {
            index_add(&mut self.by_interpreter, i, key.start, &id);
            dirty.insert(Part::Interpreter(i.to_owned()));
        }
        self.by_start.insert((key.start, Arc::clone(&id)));
        self.slots.insert(id, key);
    }

    /// Marks the room parts a meeting in `room` from `start` to `end` is in: its own (where it
    /// is the later one) and those of the meetings after it that start before it ends.
    fn mark_room(
        &self,
        room: &str,
        start: Timestamp,
        end: Timestamp,
        id: &MeetingId,
        dirty: &mut BTreeSet<Part>,
    ) {
        if room.is_empty() {
            return;
        }
        let Some((room, set)) = self.by_room.get_key_value(room) else {
            dirty.insert(Part::RoomSlot(Arc::from(room), Arc::clone(id)));
            return;
        };
        dirty.insert(Part::RoomSlot(Arc::clone(room), Arc::clone(id)));
        for (_, later) in set.range((start, Arc::clone(id))..(end, no_id())) {
            if later != id {
                dirty.insert(Part::RoomSlot(Arc::clone(room), Arc::clone(later)));
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

    fn compute(
        &self,
        snap: &Snapshot,
        part: &Part,
        (tz, today): (&TimeZone, Date),
        out: &mut Vec<Finding>,
    ) {
        let norms = self.norms.unwrap_or_default();
        match part {
            Part::Bureau => {}
            Part::RoomSlot(room, id) => {
                let Some(b) = self.slots.get(id).filter(|b| b.room() == &**room) else {
                    return;
                };
                let Some(set) = self.by_room.get(room) else {
                    return;
                };
                // Every meeting before it that ends after it starts; none starts earlier
                // than the longest meeting's length before it.
                let from = b.start.checked_sub(self.max_span).unwrap_or(Timestamp::MIN);
                for (_, a) in set.range((from, no_id())..(b.start, Arc::clone(id))) {
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
                if let Some(s) = snap.meetings.get(&**id).and_then(|m| slot_of(m)) {
                    meeting_checks(snap, &s, &norms, out);
                }
            }
            Part::Note(id) => {
                if let Some(n) = snap.notes.get(id) {
                    note_checks(snap, n, today, out);
                }
            }
            Part::Interpreter(id) => {
                let seats: Vec<Seat<'_>> = self
                    .spans_in(&self.by_interpreter, id)
                    .into_iter()
                    .map(|s| Seat {
                        start: s.start,
                        end: s.end,
                        id: s.id,
                    })
                    .collect();
                interpreter_checks(snap, id, &seats, &norms, tz, out);
            }
        }
    }

    fn set_part(&mut self, part: Part, mut found: Vec<Finding>) {
        // Parts never share a finding (each kind comes from one kind of part, naming its
        // record), so deduplicating within the part keeps `len` exact.
        found.sort();
        found.dedup();
        // Kept until the part's records change, which for most parts is never: the slack of
        // each `format!`ed message and each growing list would be held as long. The list
        // itself goes into one allocation with its counts (`Arc<[_]>`): most parts hold one
        // finding, and an `Arc<Vec<_>>` cost an allocation more for each.
        for f in &mut found {
            f.message.shrink_to_fit();
            f.refs.shrink_to_fit();
        }
        let new_len = found.len();
        let old = if found.is_empty() {
            self.parts.remove(&part)
        } else {
            self.parts.insert(part, Arc::from(found))
        };
        self.len = self.len - old.map_or(0, |o| o.len()) + new_len;
    }

    /// The current findings, to publish: cheap to take (the parts are shared).
    pub fn set(&self) -> FindingSet {
        FindingSet {
            parts: self.parts.clone(),
            len: self.len,
            order: OnceLock::new(),
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

/// A published set of findings: taken in O(1) from a [`FindingsIndex`]; their sorted order
/// is worked out on first use and kept.
#[derive(Debug, Default)]
pub struct FindingSet {
    parts: imbl::OrdMap<Part, Arc<[Finding]>>,
    len: usize,
    /// The parts' lists, and every finding's place in them (list, index) in sorted order:
    /// places, not copies, for a copy of every finding (its message and references) doubled
    /// the findings' memory once a page had listed them (70 MB at the benchmark's size l).
    order: OnceLock<Order>,
}

type Order = (Vec<Arc<[Finding]>>, Vec<(u32, u32)>);

impl FindingSet {
    fn order(&self) -> &Order {
        self.order.get_or_init(|| {
            let lists: Vec<Arc<[Finding]>> = self.parts.values().cloned().collect();
            let mut order: Vec<(u32, u32)> = lists
                .iter()
                .enumerate()
                .flat_map(|(i, list)| (0..list.len()).map(move |j| (i as u32, j as u32)))
                .collect();
            let at = |&(i, j): &(u32, u32)| &lists[i as usize][j as usize];
            order.sort_by(|a, b| at(a).cmp(at(b)));
            order.dedup_by(|a, b| at(a) == at(b));
            (lists, order)
        })
    }

    /// Every finding, sorted as [`findings`] returns them.
    pub fn all(&self) -> Vec<&Finding> {
        self.iter().collect()
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
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Finding> + '_ {
        let (lists, order) = self.order();
        order
            .iter()
            .map(move |&(i, j)| &lists[i as usize][j as usize])
    }
}
