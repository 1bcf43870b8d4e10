//! The workload: a seeded bureau document built through the node's own model, and seeded edit
//! scripts that every system applies in the same order.
//!
//! The document is built once per run with `bureau_model::apply` (one change per record, as the
//! node would write it), saved, and the same bytes are loaded by every system: the bureau nodes
//! from their store, samod and automerge-repo from their storage folders. So the three systems
//! start from byte-identical documents.

use std::collections::BTreeMap;

use bureau_model::automerge::{self, AutoCommit};
use bureau_model::{
    Ctx, Edit, Fields, InitBureau, MeetingFields, MeetingKind, MemberFields, NoteFields, Role,
    RoomFields,
};
use jiff::Timestamp;
use serde_json::{Value, json};

/// The mulberry32 generator of the research note (§2.1), so the workload is reproducible from
/// its seed in any language.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u32);

impl Rng {
    pub(crate) fn new(seed: u32) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_add(0x6D2B_79F5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        t ^ (t >> 14)
    }

    /// Uniform in `0..n`.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (f64::from(self.next_u32()) / 4_294_967_296.0 * n as f64) as usize
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }

    fn hex(&mut self, bytes: usize) -> String {
        (0..bytes)
            .map(|_| format!("{:02x}", self.next_u32() & 0xff))
            .collect()
    }
}

const WORDS: &[&str] = &[
    "access",
    "agenda",
    "bureau",
    "caucus",
    "charter",
    "civil",
    "content",
    "council",
    "delegate",
    "digital",
    "draft",
    "equity",
    "family",
    "finance",
    "forum",
    "gender",
    "global",
    "human",
    "inclusion",
    "liaison",
    "media",
    "network",
    "open",
    "plenary",
    "policy",
    "press",
    "public",
    "report",
    "review",
    "rights",
    "room",
    "schedule",
    "science",
    "session",
    "society",
    "speech",
    "summit",
    "text",
    "union",
    "venue",
    "vote",
    "women",
    "working",
    "youth",
];
const LANGS: &[&str] = &["en", "fr", "es", "ar", "ru", "zh", "pt", "de", "sw", "hi"];

/// How big the bureau is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Size {
    pub(crate) name: &'static str,
    pub(crate) members: usize,
    pub(crate) meetings: usize,
    pub(crate) notes: usize,
}

impl Size {
    pub(crate) fn parse(s: &str) -> Option<Size> {
        match s {
            "s" => Some(Size {
                name: "s",
                members: 200,
                meetings: 1_000,
                notes: 500,
            }),
            "m" => Some(Size {
                name: "m",
                members: 2_000,
                meetings: 10_000,
                notes: 5_000,
            }),
            // Five times size m: a bureau late in a multi-week process.
            "l" => Some(Size {
                name: "l",
                members: 10_000,
                meetings: 50_000,
                notes: 25_000,
            }),
            _ => None,
        }
    }
}

/// The fields the edit scripts change, as they are in the fixture.
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub(crate) members: Vec<String>,
    pub(crate) meetings: Vec<String>,
    pub(crate) notes: Vec<String>,
    pub(crate) rooms: Vec<String>,
    pub(crate) room_of: Vec<String>,
    pub(crate) langs_of: Vec<Vec<String>>,
    pub(crate) text_of: Vec<String>,
    /// Member id the nodes write as (the founder); the other systems stamp the same one.
    pub(crate) author: String,
    phone_counter: u64,
}

/// The saved fixture and what the harness needs to know about it.
#[derive(Debug)]
pub(crate) struct Fixture {
    pub(crate) bytes: Vec<u8>,
    pub(crate) changes: usize,
    pub(crate) state: State,
    pub(crate) build_ms: f64,
}

fn words(rng: &mut Rng, min_chars: usize) -> String {
    let mut s = String::new();
    while s.len() < min_chars {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(rng.pick(WORDS));
    }
    s
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// Builds the bureau of `size`, with `device_a` as the founder's device and `device_b` as a
/// second editor device, through the same typed edits the node applies.
pub(crate) fn build(size: Size, device_a: &str, device_b: &str) -> Fixture {
    build_for(size, &[device_a.to_owned(), device_b.to_owned()])
}

/// [`build`] with any number of devices (at least one): the first the founder's, every other
/// an editor's (W8's mesh). With two devices it is exactly [`build`]'s bureau.
pub(crate) fn build_for(size: Size, devices: &[String]) -> Fixture {
    let (device_a, others) = devices.split_first().expect("at least one device");
    let started = std::time::Instant::now();
    let mut rng = Rng::new(42);
    let mut doc = AutoCommit::new();
    let founder = rng.hex(8);
    doc.set_author(Some(automerge::Author::from(founder.as_bytes().to_vec())));
    let now: Timestamp = "2025-11-10T08:00:00Z".parse().expect("a valid timestamp");
    let mut ids = Rng::new(7);
    let mut new_id = move || ids.hex(8);
    let mut apply = |doc: &mut AutoCommit, edit: Edit| -> String {
        let mut ctx = Ctx {
            now,
            author: &founder,
            new_id: &mut new_id,
        };
        match bureau_model::apply(doc, &edit, &mut ctx) {
            Ok(bureau_model::Applied::Record(_, id)) => id,
            Ok(_) => String::new(),
            Err(e) => panic!("the fixture's edit {edit:?} was refused: {e}"),
        }
    };
    apply(
        &mut doc,
        Edit::Init(InitBureau {
            // Fixed, but as random as `bureau init`'s (16 random bytes in hex): every sync
            // frame names it, and a repetitive id would compress better than a real one.
            bureau_id: "9c4e1f7a2b6d83e05a1c7f94d2b8e630".to_owned(),
            title: "Benchmark Bureau".to_owned(),
            timezone: "Africa/Tunis".to_owned(),
            founder_id: founder.clone(),
            founder_name: "Amina Diallo".to_owned(),
            device: Some((device_a.to_owned(), "bench node A".to_owned())),
        }),
    );
    for (i, device) in others.iter().enumerate() {
        let name = match i {
            0 => "bench node B".to_owned(),
            _ => format!("bench node {}", i + 1),
        };
        apply(
            &mut doc,
            Edit::AddDevice {
                peer_id: device.clone(),
                member_id: founder.clone(),
                name,
                role: Role::Editor,
            },
        );
    }
    let mut rooms = Vec::new();
    for i in 0..25 {
        let booths: Vec<String> = (0..1 + rng.below(4))
            .map(|_| rng.pick(LANGS).to_owned())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        rooms.push(apply(
            &mut doc,
            Edit::Create(Fields::Room(RoomFields {
                name: Some(format!("Room {i:02}")),
                capacity: Some(20 + 10 * (i % 20) as u32),
                booths: Some(booths),
                equipment: Some(vec!["projector".to_owned()]),
                booth_count: None,
            })),
        ));
    }
    let mut members = Vec::new();
    for i in 0..size.members {
        let langs: Vec<String> = (0..1 + rng.below(3))
            .map(|_| rng.pick(LANGS).to_owned())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let first = capitalised(rng.pick(WORDS));
        let last = capitalised(rng.pick(WORDS));
        members.push(apply(
            &mut doc,
            Edit::Create(Fields::Member(MemberFields {
                name: Some(format!("{first} {last}")),
                organisation: Some(capitalised(&words(&mut rng, 20))),
                email: Some(format!("p{i:05}@example.org")),
                phone: Some(format!("+216 70 {:06}", rng.below(1_000_000))),
                languages: Some(langs),
            })),
        ));
    }
    let kinds = [
        MeetingKind::Bureau,
        MeetingKind::Caucus,
        MeetingKind::WorkingGroup,
        MeetingKind::Briefing,
        MeetingKind::Liaison,
    ];
    let mut meetings = Vec::new();
    let mut room_of = Vec::new();
    let mut langs_of = Vec::new();
    let day0: jiff::civil::Date = "2025-11-16".parse().expect("a valid date");
    for _ in 0..size.meetings {
        let day = day0 + jiff::Span::new().days(rng.below(90) as i64);
        let start_min = 8 * 60 + 15 * rng.below(40);
        let len = 30 + 15 * rng.below(7);
        let fmt = |m: usize| format!("{day}T{:02}:{:02}", m / 60, m % 60);
        let room = rooms[rng.below(rooms.len())].clone();
        let langs: Vec<String> = (0..2 + rng.below(2))
            .map(|_| rng.pick(LANGS).to_owned())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let attendees: Vec<String> = (0..2 + rng.below(3))
            .map(|_| members[rng.below(members.len())].clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let id = apply(
            &mut doc,
            Edit::Create(Fields::Meeting(MeetingFields {
                title: Some(capitalised(&words(&mut rng, 40))),
                kind: Some(kinds[rng.below(kinds.len())]),
                start: Some(fmt(start_min)),
                end: Some(fmt(start_min + len)),
                room_id: Some(room.clone()),
                languages: Some(langs.clone()),
                members: Some(attendees),
                ..MeetingFields::default()
            })),
        );
        meetings.push(id);
        room_of.push(room);
        langs_of.push(langs);
    }
    let bodies: Vec<&str> = bureau_model::SEEDED_BODIES
        .iter()
        .map(|(id, _, _)| *id)
        .collect();
    let mut notes = Vec::new();
    let mut text_of = Vec::new();
    for _ in 0..size.notes {
        let text = capitalised(&words(&mut rng, 500));
        let id = apply(
            &mut doc,
            Edit::Create(Fields::Note(NoteFields {
                body_id: Some(rng.pick(&bodies).to_owned()),
                title: Some(capitalised(&words(&mut rng, 30))),
                text: Some(text.clone()),
                date: Some(format!(
                    "{}",
                    day0 + jiff::Span::new().days(rng.below(90) as i64)
                )),
                ..NoteFields::default()
            })),
        );
        notes.push(id);
        text_of.push(text);
    }
    let changes = doc.get_changes(&[]).len();
    let bytes = doc.save();
    Fixture {
        bytes,
        changes,
        build_ms: started.elapsed().as_secs_f64() * 1e3,
        state: State {
            members,
            meetings,
            notes,
            rooms,
            room_of,
            langs_of,
            text_of,
            author: founder,
            phone_counter: 0,
        },
    }
}

/// One edit, concrete enough for every system to apply it the same way.
#[derive(Debug, Clone)]
pub(crate) enum EditOp {
    /// Moves a meeting to another room.
    Room { meeting: usize, room: String },
    /// Changes a member's phone number.
    Phone { member: usize, phone: String },
    /// Types a word into a note at a character position.
    Text {
        note: usize,
        pos: usize,
        word: String,
    },
    /// Adds a language to a meeting.
    Lang { meeting: usize, lang: String },
}

/// Which records a script may touch: every record, or only the even or odd ones, so two
/// replicas editing apart never touch the same record and the harness can track the fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Share {
    All,
    Even,
    Odd,
}

impl State {
    fn index(rng: &mut Rng, n: usize, share: Share) -> usize {
        let i = rng.below(n);
        match share {
            Share::All => i,
            Share::Even => i & !1,
            Share::Odd if n < 2 => 0,
            Share::Odd if (i | 1) >= n => (i | 1) - 2,
            Share::Odd => i | 1,
        }
    }

    /// The next edit of a script: 40 % room moves, 20 % phone changes, 30 % typing into a
    /// note, 10 % an added language (the mix of the research note's §2.1). Updates the
    /// tracked fields.
    pub(crate) fn next_edit(&mut self, rng: &mut Rng, share: Share) -> EditOp {
        let roll = rng.below(10);
        if roll < 4 {
            let meeting = Self::index(rng, self.meetings.len(), share);
            let mut room = self.rooms[rng.below(self.rooms.len())].clone();
            if room == self.room_of[meeting] {
                room = self.rooms[(self.rooms.iter().position(|r| *r == room).unwrap_or(0) + 1)
                    % self.rooms.len()]
                .clone();
            }
            self.room_of[meeting] = room.clone();
            EditOp::Room { meeting, room }
        } else if roll < 6 {
            let member = Self::index(rng, self.members.len(), share);
            self.phone_counter += 1;
            let phone = format!("+216 71 {:06}", self.phone_counter);
            EditOp::Phone { member, phone }
        } else if roll < 9 {
            let note = Self::index(rng, self.notes.len(), share);
            let picked = rng.pick(WORDS);
            let word = format!("{} ", &picked[..4.min(picked.len())]);
            let text = &mut self.text_of[note];
            // Insert at a word boundary, so every diff names the same position.
            let mut pos = rng.below(text.len() + 1);
            while pos > 0 && !text[..pos].ends_with(' ') {
                pos -= 1;
            }
            text.insert_str(pos, &word);
            EditOp::Text { note, pos, word }
        } else {
            let meeting = Self::index(rng, self.meetings.len(), share);
            let have = &mut self.langs_of[meeting];
            let lang = LANGS
                .iter()
                .find(|l| !have.iter().any(|h| h == *l))
                .map(|l| (*l).to_owned())
                .unwrap_or_else(|| format!("en-b{}", have.len()));
            have.push(lang.clone());
            EditOp::Lang { meeting, lang }
        }
    }

    /// The edit as the JSON the automerge-repo and samod replicas apply.
    pub(crate) fn op_json(&self, op: &EditOp) -> Value {
        match op {
            EditOp::Room { meeting, room } => {
                json!({"k": "room", "id": self.meetings[*meeting], "v": room})
            }
            EditOp::Phone { member, phone } => {
                json!({"k": "phone", "id": self.members[*member], "v": phone})
            }
            EditOp::Text { note, pos, word } => {
                json!({"k": "text", "id": self.notes[*note], "pos": pos, "v": word})
            }
            EditOp::Lang { meeting, lang } => {
                json!({"k": "lang", "id": self.meetings[*meeting], "v": lang})
            }
        }
    }

    /// The edit as a request to the bureau node's API: method, path and body. Text edits send
    /// the whole new text, which the node diffs into the same insertion.
    pub(crate) fn op_request(&self, op: &EditOp) -> (String, Value) {
        match op {
            EditOp::Room { meeting, room } => (
                format!("/api/meetings/{}", self.meetings[*meeting]),
                json!({ "room_id": room }),
            ),
            EditOp::Phone { member, phone } => (
                format!("/api/members/{}", self.members[*member]),
                json!({ "phone": phone }),
            ),
            EditOp::Text { note, .. } => (
                format!("/api/notes/{}", self.notes[*note]),
                json!({ "text": self.text_of[*note] }),
            ),
            EditOp::Lang { meeting, .. } => (
                format!("/api/meetings/{}", self.meetings[*meeting]),
                json!({ "languages": self.langs_of[*meeting] }),
            ),
        }
    }
}

/// How many changes a document holds beyond `base` heads, and their raw, deflated and bundled
/// size.
pub(crate) fn changes_since(
    doc_bytes: &[u8],
    base: &[String],
) -> Option<(usize, usize, usize, usize)> {
    use std::io::Write;
    let doc = automerge::Automerge::load(doc_bytes).ok()?;
    let heads: Vec<automerge::ChangeHash> = base.iter().filter_map(|h| h.parse().ok()).collect();
    let changes = doc.get_changes(&heads);
    let mut raw = Vec::new();
    for c in &changes {
        raw.extend_from_slice(c.raw_bytes());
    }
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&raw).ok()?;
    let deflated = enc.finish().ok()?.len();
    // The same changes as one automerge bundle (what a node sends a peer that reads them):
    // a limit for every system, as the deflated size is.
    let bundled = doc
        .bundle(changes.iter().map(|c| c.hash()))
        .ok()
        .map_or(0, |b| b.bytes().len());
    Some((changes.len(), raw.len(), deflated, bundled))
}

/// Every live meeting as JSON, read straight from the document: the "first page" of the
/// samod replica, matching what the node's `GET /api/meetings` and the JS replica serve.
pub(crate) fn meetings_page<D: automerge::ReadDoc>(doc: &D) -> String {
    use automerge::{ObjType, Value as AmValue};
    fn to_json<D: automerge::ReadDoc>(doc: &D, obj: &automerge::ObjId) -> Value {
        match doc.object_type(obj) {
            Ok(ObjType::Map) | Ok(ObjType::Table) => {
                let mut m = serde_json::Map::new();
                for item in doc.map_range(obj, ..) {
                    let id = item.id();
                    m.insert(
                        item.key.to_string(),
                        value(doc, item.value.into_value(), id),
                    );
                }
                Value::Object(m)
            }
            Ok(ObjType::Text) => Value::String(doc.text(obj).unwrap_or_default()),
            Ok(ObjType::List) => Value::Array(
                doc.list_range(obj, ..)
                    .map(|item| {
                        let id = item.id();
                        value(doc, item.value.into_value(), id)
                    })
                    .collect(),
            ),
            Err(_) => Value::Null,
        }
    }
    fn value<D: automerge::ReadDoc>(doc: &D, v: AmValue<'_>, id: automerge::ObjId) -> Value {
        match v {
            AmValue::Object(_) => to_json(doc, &id),
            AmValue::Scalar(s) => match s.as_ref() {
                automerge::ScalarValue::Str(s) => Value::String(s.to_string()),
                automerge::ScalarValue::Int(i) => json!(i),
                automerge::ScalarValue::Uint(u) => json!(u),
                automerge::ScalarValue::F64(f) => json!(f),
                automerge::ScalarValue::Boolean(b) => json!(b),
                automerge::ScalarValue::Timestamp(t) => json!(t),
                _ => Value::Null,
            },
        }
    }
    let Ok(Some((_, meetings))) = doc.get(automerge::ROOT, "meetings") else {
        return "[]".to_owned();
    };
    let list: Vec<Value> = doc
        .map_range(&meetings, ..)
        .filter_map(|item| {
            let id = item.id();
            let m = value(doc, item.value.into_value(), id);
            (m.get("archived") != Some(&Value::Bool(true))).then_some(m)
        })
        .collect();
    serde_json::to_string(&list).unwrap_or_default()
}

/// Sorted hex heads of a document.
pub(crate) fn heads_hex(heads: &[automerge::ChangeHash]) -> Vec<String> {
    let mut h: Vec<String> = heads.iter().map(ToString::to_string).collect();
    h.sort();
    h
}

/// The sorted union of two head sets: what two replicas that diverged converge to.
pub(crate) fn union(a: &[String], b: &[String]) -> Vec<String> {
    let mut all: BTreeMap<&str, ()> = BTreeMap::new();
    for h in a.iter().chain(b) {
        all.insert(h, ());
    }
    all.keys().map(|s| (*s).to_owned()).collect()
}
