//! The typed records of a bureau, as read out of the document.
//!
//! These are plain values: a [`crate::Snapshot`] holds them, the web layer serialises them, and
//! nothing here touches automerge. Field names are part of the public API contract.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Defines a closed set of string values with its wire names, a parser that names the allowed
/// values in its error, and serde (de)serialisation as the wire name.
macro_rules! str_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? } default $default:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $(
                #[doc = concat!("`", $wire, "`")]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used in the document and on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// Parses a wire name; the error lists the allowed values.
            pub fn parse(s: &str) -> Result<Self, String> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(format!(
                        "unknown value {:?}; expected one of: {}",
                        s,
                        [$($wire),+].join(", ")
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::parse(&s).map_err(serde::de::Error::custom)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }
    };
}

str_enum!(
    /// The kind of civil society grouping the charter names.
    GroupKind { Family = "family", Caucus = "caucus", WorkingGroup = "working-group", Other = "other" } default Other
);

str_enum!(
    /// A group's standing in the bureau's composition.
    GroupStatus { Active = "active", Inactive = "inactive", Removed = "removed" } default Active
);
str_enum!(
    /// An entry of a group's status history; `returned` marks a removed group coming back.
    StatusEvent { Active = "active", Inactive = "inactive", Removed = "removed", Returned = "returned" } default Active
);
str_enum!(
    /// Whether a meeting is only asked for, agreed, or called off.
    MeetingStatus { Proposed = "proposed", Confirmed = "confirmed", Cancelled = "cancelled" } default Proposed
);
str_enum!(
    /// What sort of meeting it is.
    MeetingKind {
        Bureau = "bureau",
        Plenary = "plenary",
        Caucus = "caucus",
        WorkingGroup = "working-group",
        Family = "family",
        Liaison = "liaison",
        Briefing = "briefing",
        Other = "other",
    } default Other
);
str_enum!(
    /// A resource a meeting asked for, and whether the venue confirmed it.
    ResourceState { Requested = "requested", Confirmed = "confirmed" } default Requested
);
str_enum!(
    /// What a composition review decided for one group.
    Decision { Keep = "keep", Inactive = "inactive", Remove = "remove", Return = "return" } default Keep
);
str_enum!(
    /// A review is open while the bureau discusses it, and recorded once its decisions apply.
    ReviewStatus { Open = "open", Recorded = "recorded" } default Open
);
str_enum!(
    /// A shared text is a draft while the bureau writes it, and adopted once agreed.
    DocumentStatus { Draft = "draft", Adopted = "adopted" } default Draft
);
str_enum!(
    /// A suggested wording is open until someone accepts it (the text is replaced) or rejects
    /// it (it stays, for the record).
    SuggestionStatus { Open = "open", Accepted = "accepted", Rejected = "rejected" } default Open
);
str_enum!(
    /// What a device may do: admins also manage devices and roles (see `authority`),
    /// editors' changes are accepted, observers only read.
    Role { Admin = "admin", Editor = "editor", Observer = "observer", Relay = "relay" } default Editor
);

/// The kinds of record, one per collection in the document root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordType {
    /// `members`
    Member,
    /// `devices`
    Device,
    /// `groups`
    Group,
    /// `reviews`
    Review,
    /// `rooms`
    Room,
    /// `meetings`
    Meeting,
    /// `bodies`
    Body,
    /// `notes`
    Note,
    /// `documents`
    Document,
    /// `interpreters`
    Interpreter,
}

impl RecordType {
    /// Every record type.
    pub const ALL: &'static [RecordType] = &[
        RecordType::Member,
        RecordType::Device,
        RecordType::Group,
        RecordType::Review,
        RecordType::Room,
        RecordType::Meeting,
        RecordType::Body,
        RecordType::Note,
        RecordType::Document,
        RecordType::Interpreter,
    ];

    /// The singular name used in findings, conflicts and errors.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::Member => "member",
            RecordType::Device => "device",
            RecordType::Group => "group",
            RecordType::Review => "review",
            RecordType::Room => "room",
            RecordType::Meeting => "meeting",
            RecordType::Body => "body",
            RecordType::Note => "note",
            RecordType::Document => "document",
            RecordType::Interpreter => "interpreter",
        }
    }

    /// The key of this type's map in the document root (also the API path segment).
    pub fn collection(self) -> &'static str {
        match self {
            RecordType::Member => "members",
            RecordType::Device => "devices",
            RecordType::Group => "groups",
            RecordType::Review => "reviews",
            RecordType::Room => "rooms",
            RecordType::Meeting => "meetings",
            RecordType::Body => "bodies",
            RecordType::Note => "notes",
            RecordType::Document => "documents",
            RecordType::Interpreter => "interpreters",
        }
    }

    /// Parses a singular name (`meeting`) or a collection name (`meetings`).
    pub fn parse(s: &str) -> Result<RecordType, String> {
        RecordType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s || t.collection() == s)
            .ok_or_else(|| {
                format!(
                    "unknown record type {s:?}; expected one of: {}",
                    RecordType::ALL
                        .iter()
                        .map(|t| t.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Bookkeeping every record carries: archive state and who touched it last.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stamp {
    /// Archived records are hidden from lists but kept, so concurrent edits to them survive.
    pub archived: bool,
    /// When the record was archived (RFC 3339), if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_at: Option<String>,
    /// Member id of whoever archived it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_by: Option<String>,
    /// Time of the last edit (RFC 3339, UTC).
    pub updated_at: String,
    /// Member id of the last editor.
    pub updated_by: String,
}

/// The bureau itself: identity, venue time zone, schema version.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// Version of the document layout; see [`crate::SCHEMA_VERSION`].
    pub schema: u64,
    /// Random id of the bureau, shared by every member's node.
    pub bureau_id: String,
    /// Human title, e.g. "Civil Society Bureau".
    pub title: String,
    /// IANA time zone of the venue; meetings are shown in it.
    pub timezone: String,
    /// Days between composition reviews before one is overdue.
    pub review_interval_days: u32,
    /// When the bureau was created (RFC 3339).
    pub created_at: String,
}

/// A person: delegate, focal point, secretariat contact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// Random record id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Organisation the person belongs to.
    pub organisation: String,
    /// E-mail address, may be empty.
    pub email: String,
    /// Phone number, may be empty.
    pub phone: String,
    /// Language codes the person works in.
    pub languages: Vec<String>,
    /// For a member merged into another (the same person, recorded twice), that member's id;
    /// this one is archived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
    /// Archive and edit bookkeeping.
    #[serde(flatten)]
    pub stamp: Stamp,
}

/// The name a device gets when its node records it (the founder's, a joiner's): the member's
/// name and the end of its peer id, which tells two laptops of one member apart. The name is
/// stored in the document and read by every member, so it has no words of any one language
/// (it was "Amina Diallo's device" for everyone, Arabic and French readers included).
pub fn default_device_name(member_name: &str, peer_id: &str) -> String {
    let tail: String = {
        let chars: Vec<char> = peer_id.chars().collect();
        chars[chars.len().saturating_sub(6)..].iter().collect()
    };
    format!("{member_name} · {tail}")
}

/// A node (laptop) of a member; the devices map is the sync allow-list.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// The device's libp2p peer id; also its key in the document.
    pub peer_id: String,
    /// Member who owns the device.
    pub member_id: String,
    /// A name for the device ("Amina's laptop").
    pub name: String,
    /// What the device may do.
    pub role: Role,
    /// A revoked device is cut off and its later changes are refused.
    pub revoked: bool,
    /// When the device was added (RFC 3339).
    pub added_at: String,
    /// Member id of whoever added it.
    pub added_by: String,
    /// Where the device listens (multiaddrs), as it last said; other members' nodes dial these.
    pub addrs: Vec<String>,
    /// The sync protocols the device speaks, as it last said (empty for a node of a release
    /// that did not say: it speaks `/bureau/sync/1`).
    pub protocols: Vec<String>,
    /// The automerge actor ids (hex) the device writes with, one per run of its node: how
    /// every node knows which device made a change (see `authority`).
    pub actors: Vec<String>,
}

/// One change of a group's standing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The new standing.
    pub status: StatusEvent,
    /// When (RFC 3339).
    pub at: String,
    /// Member id of whoever made the change.
    pub by: String,
    /// Review that decided it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_id: Option<String>,
}

/// A civil society grouping represented in the bureau by its focal points.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Random record id.
    pub id: String,
    /// Name of the grouping.
    pub name: String,
    /// Family, caucus, working group, other.
    pub kind: GroupKind,
    /// Current standing.
    pub status: GroupStatus,
    /// Member ids of the focal points.
    pub focal_points: Vec<String>,
    /// Every change of standing, oldest first.
    pub status_history: Vec<StatusChange>,
    /// Archive and edit bookkeeping.
    #[serde(flatten)]
    pub stamp: Stamp,
}

/// A dated composition review with a decision per group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// Random record id.
    pub id: String,
    /// The day of the review (YYYY-MM-DD).
    pub date: String,
    /// Open while discussed; recorded once its decisions were applied to the groups.
    pub status: ReviewStatus,
    /// Decision per group id.
    pub decisions: BTreeMap<String, Decision>,
    /// Free notes of the discussion.
    pub notes: String,
    /// Archive and edit bookkeeping.
    #[serde(flatten)]
    pub stamp: Stamp,
}

/// A meeting room of the venue.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Room {
    /// Random record id.
    pub id: String,
    /// Name or number of the room.
    pub name: String,
    /// Seats.
    pub capacity: u32,
    /// Languages with an interpretation booth in the room.
    pub booths: Vec<String>,
    /// Equipment available (projector, microphones, ...).
    pub equipment: Vec<String>,
    /// Physical interpretation booths; the number of booth languages when never set.
    pub booth_count: u32,
    /// Archive and edit bookkeeping.
    #[serde(flatten)]
    pub stamp: Stamp,
}

/// A meeting in the schedule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    /// Random record id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Sort of meeting.
    pub kind: MeetingKind,
    /// Start, RFC 3339 with the venue's offset.
    pub start: String,
    /// End, RFC 3339 with the venue's offset.
    pub end: String,
    /// Room id, empty when no room is booked yet.
    pub room_id: String,
    /// Organising group id, empty if none.
    pub organiser: String,
    /// Working languages (interpretation is needed when there are several).
    pub languages: Vec<String>,
    /// Resources asked for, and whether they are confirmed.
    pub resources: BTreeMap<String, ResourceState>,
    /// Proposed, confirmed or cancelled.
    pub status: MeetingStatus,
    /// Attending group ids.
    pub groups: Vec<String>,
    /// Attending member ids.
    pub members: Vec<String>,
    /// The agenda, collaborative text.
    pub agenda: String,
    /// Shown on the venue listener (the programme for people who run no node). A meeting
    /// written before the field existed has none and is public.
    pub public: bool,
    /// Interpreters per booth (the language the booth works into), sorted by language.
    pub booths: Vec<Booth>,
    /// Archive and edit bookkeeping.
    #[serde(flatten)]
    pub stamp: Stamp,
}

/// A body the bureau liaises with (Executive Secretariat, Inter-Governmental Bureau, ...).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// Record id (the seeded bodies have short stable ids).
    pub id: String,
    /// Full name.
    pub name: String,
    /// What the bureau's relationship with it is.
    pub description: String,
    /// Archive and edit bookkeeping.
    #[serde(flatten)]
    pub stamp: Stamp,
}

/// A follow-up task attached to a liaison note.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// Random id within the note.
    pub id: String,
    /// What to do.
    pub text: String,
    /// Member id responsible, empty if none.
    pub owner: String,
    /// Due date (YYYY-MM-DD), empty if none.
    pub due: String,
    /// Whether it is done.
    pub done: bool,
}

/// A liaison note about one body.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// Random record id.
    pub id: String,
    /// The body the note is about.
    pub body_id: String,
    /// Title.
    pub title: String,
    /// The note itself, collaborative text.
    pub text: String,
    /// The day the note refers to (YYYY-MM-DD), empty if none.
    pub date: String,
    /// The matter has content implications, so the plenary must be consulted.
    pub content_implications: bool,
    /// The plenary was consulted.
    pub plenary_consulted: bool,
    /// Follow-up tasks, ordered by id for determinism.
    pub actions: Vec<Action>,
    /// Archive and edit bookkeeping.
    #[serde(flatten)]
    pub stamp: Stamp,
}

/// A shared text the bureau drafts together (the charter, a statement, a report): its body is
/// automerge text, merged character by character; comments and suggested wording are anchored
/// to its words by cursors, so they stay on them while anyone edits around or inside them.
///
/// Positions (`start`, `end`) are offsets into `text` as it is in this snapshot, counted in
/// Unicode code points.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Random record id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Draft or adopted.
    pub status: DocumentStatus,
    /// The text itself, collaborative text.
    pub text: String,
    /// Remarks on ranges of the text, in the order of the text.
    pub comments: Vec<Comment>,
    /// Proposed wording for ranges of the text, in the order of the text.
    pub suggestions: Vec<Suggestion>,
    /// Named versions: the document's heads when someone named them, oldest first.
    pub versions: Vec<Version>,
    /// Archive and edit bookkeeping.
    #[serde(flatten)]
    pub stamp: Stamp,
}

/// A remark on a range of a document's text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    /// Random id within the document.
    pub id: String,
    /// Where the range starts now (code points into the text).
    pub start: usize,
    /// Where it ends now (exclusive).
    pub end: usize,
    /// The words the comment was made on, as they were: shown even once they are deleted.
    pub quote: String,
    /// Member id of whoever wrote it in the bureau (empty for an imported remark).
    pub author: String,
    /// The name the remark was signed with in an imported draft (`[Sean: ...]`), if any.
    pub author_name: String,
    /// The remark.
    pub body: String,
    /// Whether the discussion is closed.
    pub resolved: bool,
    /// When it was written (RFC 3339).
    pub at: String,
    /// An imported remark that stood on a line of its own (it goes back there on export).
    pub own_line: bool,
    /// Answers, oldest first.
    pub replies: Vec<Reply>,
}

/// An answer to a comment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    /// Random id within the comment.
    pub id: String,
    /// Member id of its author.
    pub author: String,
    /// The answer.
    pub body: String,
    /// When (RFC 3339).
    pub at: String,
}

/// Proposed wording: replace a range of the text (an empty range is an insertion, an empty
/// replacement a deletion).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Random id within the document.
    pub id: String,
    /// Where the range starts now (code points into the text).
    pub start: usize,
    /// Where it ends now (exclusive).
    pub end: usize,
    /// The words it proposes to replace, as they were when it was made.
    pub quote: String,
    /// The proposed words.
    pub replacement: String,
    /// Member id of whoever proposed it (empty for an imported one).
    pub author: String,
    /// The name an imported suggestion was signed with, if any.
    pub author_name: String,
    /// Open, accepted or rejected. A suggestion whose replacement is in the text reads as
    /// accepted, whatever a concurrent rejection wrote.
    pub status: SuggestionStatus,
    /// When it was made (RFC 3339).
    pub at: String,
    /// Member id of whoever accepted or rejected it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub decided_by: String,
    /// How many times its replacement went into the text: more than one only between two
    /// nodes' concurrent accepts and the tidying that keeps one of them.
    pub applied: usize,
}

/// A named version of a document: the whole document's heads at that moment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Version {
    /// Random id within the document.
    pub id: String,
    /// The name given ("sent to the plenary").
    pub name: String,
    /// The document's heads (hex change hashes, sorted).
    pub heads: Vec<String>,
    /// When it was named (RFC 3339).
    pub at: String,
    /// Member id of whoever named it.
    pub author: String,
}

/// The interpreters of one booth of a meeting: the booth works into `language`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booth {
    /// The language the booth interprets into.
    pub language: String,
    /// Interpreter ids, sorted.
    pub interpreters: Vec<String>,
}

/// The key of one interpreter's seat in a meeting's `booths` set: `<language>/<interpreter id>`.
/// A set of such keys (rather than a map of lists) lets two laptops each staff the same booth
/// offline and keep both interpreters after the merge.
pub fn booth_key(language: &str, interpreter: &str) -> String {
    format!("{language}/{interpreter}")
}

/// The keys of a meeting's booths, as its `booths` set holds them.
pub fn booth_keys(booths: &[Booth]) -> Vec<String> {
    let mut keys: Vec<String> = booths
        .iter()
        .flat_map(|b| b.interpreters.iter().map(|i| booth_key(&b.language, i)))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Booths from the keys of a `booths` set; a key without `/` is not a seat and is skipped.
pub fn booths_of_keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> Vec<Booth> {
    let mut by_lang: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for key in keys {
        if let Some((lang, id)) = key.split_once('/')
            && !lang.is_empty()
            && !id.is_empty()
        {
            by_lang
                .entry(lang.to_owned())
                .or_default()
                .push(id.to_owned());
        }
    }
    by_lang
        .into_iter()
        .map(|(language, mut interpreters)| {
            interpreters.sort();
            interpreters.dedup();
            Booth {
                language,
                interpreters,
            }
        })
        .collect()
}

/// An interpreter's languages in the profession's terms.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageCombination {
    /// A: mother tongue (or its equal), interpreted into from all their other languages.
    pub a: Vec<String>,
    /// B: an active language, interpreted into though not the mother tongue.
    pub b: Vec<String>,
    /// C: passive languages, understood fully and interpreted from, never into.
    pub c: Vec<String>,
}

impl LanguageCombination {
    /// Whether they may work into `lang` (it is an A or B language).
    pub fn works_into(&self, lang: &str) -> bool {
        self.a.iter().chain(&self.b).any(|l| l == lang)
    }

    /// Whether they understand `lang` (A, B or C).
    pub fn understands(&self, lang: &str) -> bool {
        self.works_into(lang) || self.c.iter().any(|l| l == lang)
    }
}

/// A day an interpreter is available, all of it unless `from` or `to` narrow it (times of day
/// in the venue's zone, `HH:MM`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Availability {
    /// The day (YYYY-MM-DD).
    pub date: String,
    /// Available from this time of day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Available until this time of day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl Availability {
    /// The key in the document's `available` set: `2025-11-16`, or `2025-11-16/09:00-13:00`
    /// with either time left empty when open.
    pub fn key(&self) -> String {
        match (&self.from, &self.to) {
            (None, None) => self.date.clone(),
            (from, to) => format!(
                "{}/{}-{}",
                self.date,
                from.as_deref().unwrap_or(""),
                to.as_deref().unwrap_or("")
            ),
        }
    }

    /// Reads a key of the `available` set (no check of the date or times).
    pub fn from_key(key: &str) -> Availability {
        let (date, times) = key.split_once('/').unwrap_or((key, ""));
        let (from, to) = times.split_once('-').unwrap_or((times, ""));
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        Availability {
            date: date.to_owned(),
            from: opt(from),
            to: opt(to),
        }
    }
}

/// A conference interpreter the bureau can seat in meetings' booths.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Interpreter {
    /// Random record id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// E-mail address, may be empty.
    pub email: String,
    /// Their A, B and C languages.
    pub languages: LanguageCombination,
    /// The days (and hours) they are available, sorted; empty when not given, which the
    /// planner takes as available whenever asked.
    pub available: Vec<Availability>,
    /// The team they belong to, may be empty.
    pub team: String,
    /// Archive and edit bookkeeping.
    #[serde(flatten)]
    pub stamp: Stamp,
}
