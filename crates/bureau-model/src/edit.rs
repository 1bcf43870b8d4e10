//! What an edit is: the [`Edit`] enum (one user intention, applied as one automerge change),
//! the fields of each editable record type, the context an edit needs from the outside world
//! ([`Ctx`]), and what applying one produced or why it was refused ([`Applied`],
//! [`EditError`]).
//!
//! Invariants:
//! - A field set to `None` is left as it is (or gets its default on create); only the fields an
//!   edit names are written.
//! - The model has no clock and no randomness: the time, the author and new ids come in through
//!   [`Ctx`], so the same edit on the same document writes the same operations.
//!
//! Validation is in `validate`, writing into the document in `write`.

use std::collections::BTreeMap;

use automerge::ScalarValue;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::records::*;

/// What an edit needs from the outside world. The model has no clock and no randomness, so the
/// caller passes them in.
pub struct Ctx<'a> {
    /// The time of the edit.
    pub now: Timestamp,
    /// Member id of the person editing; stored in `updated_by` and the like.
    pub author: &'a str,
    /// Makes a fresh random id for a new record.
    pub new_id: &'a mut dyn FnMut() -> String,
}

impl std::fmt::Debug for Ctx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("now", &self.now)
            .field("author", &self.author)
            .finish_non_exhaustive()
    }
}

/// Why an edit was refused. Nothing was written.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum EditError {
    /// A field's value is not acceptable; `field` names it as the API spells it.
    #[error("{field}: {message}")]
    Invalid {
        /// The offending field.
        field: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// The record to edit does not exist.
    #[error("no {ty} with id {id:?}")]
    NotFound {
        /// Record type looked for.
        ty: RecordType,
        /// Id looked for.
        id: String,
    },
    /// The document has no bureau yet (it was never initialised or not yet received).
    #[error("the document holds no bureau yet")]
    NoBureau,
    /// The bureau already exists.
    #[error("the document already holds a bureau")]
    AlreadyInitialised,
    /// Only an admin device may make this edit (see `authority`); the message says which.
    #[error("{message}")]
    Forbidden {
        /// What is forbidden, for people.
        message: String,
    },
    /// The edit would leave the bureau without an unrevoked admin device.
    #[error(
        "this is the bureau's last admin device: make another device admin first, so the bureau keeps one"
    )]
    LastAdmin,
    /// The edit at `index` of a [`Edit::Batch`] was refused; nothing of the batch is written.
    #[error("edit {index} of the batch: {error}")]
    InBatch {
        /// Its place in the batch, from 0.
        index: usize,
        /// Why it was refused.
        #[source]
        error: Box<EditError>,
    },
}

pub(crate) fn invalid(field: &str, message: impl Into<String>) -> EditError {
    EditError::Invalid {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// A new bureau: its settings, the founding member and that member's first device.
#[derive(Clone, Debug)]
pub struct InitBureau {
    /// Random id of the bureau.
    pub bureau_id: String,
    /// Title shown to users.
    pub title: String,
    /// IANA time zone of the venue.
    pub timezone: String,
    /// Member id of the founder (the caller's author).
    pub founder_id: String,
    /// The founder's name.
    pub founder_name: String,
    /// The founder's device (peer id) and its name.
    pub device: Option<(String, String)>,
}

/// Fields of a member; `None` leaves a field as it is (or empty on create).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs, reason = "the fields mirror Member's, documented there")]
pub struct MemberFields {
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub languages: Option<Vec<String>>,
}

/// Fields of a group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs, reason = "the fields mirror Group's, documented there")]
pub struct GroupFields {
    pub name: Option<String>,
    pub kind: Option<GroupKind>,
    pub status: Option<GroupStatus>,
    pub focal_points: Option<Vec<String>>,
}

/// Fields of a composition review. Setting `status` to recorded applies the decisions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs, reason = "the fields mirror Review's, documented there")]
pub struct ReviewFields {
    pub date: Option<String>,
    pub status: Option<ReviewStatus>,
    /// Decisions to set; other groups' decisions stay.
    pub decisions: Option<BTreeMap<String, Decision>>,
    pub notes: Option<String>,
}

/// Fields of a room.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs, reason = "the fields mirror Room's, documented there")]
pub struct RoomFields {
    pub name: Option<String>,
    pub capacity: Option<u32>,
    pub booths: Option<Vec<String>>,
    pub equipment: Option<Vec<String>>,
    pub booth_count: Option<u32>,
}

/// Fields of a meeting. Times may carry an offset or be civil times in the venue's zone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs, reason = "the fields mirror Meeting's, documented there")]
pub struct MeetingFields {
    pub title: Option<String>,
    pub kind: Option<MeetingKind>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub room_id: Option<String>,
    pub organiser: Option<String>,
    pub languages: Option<Vec<String>>,
    pub resources: Option<BTreeMap<String, ResourceState>>,
    pub status: Option<MeetingStatus>,
    pub groups: Option<Vec<String>>,
    pub members: Option<Vec<String>>,
    pub agenda: Option<String>,
    /// The seats of the meeting's booths, as keys `<language>/<interpreter id>`
    /// ([`crate::booth_key`]): a set, so that seats added on two laptops both stay.
    pub booths: Option<Vec<String>>,
    /// Whether the venue listener may show the meeting to anyone on the venue's network
    /// (programme and room pages, public feeds). Absent in a record of an earlier release,
    /// which reads as public: a meeting was on the shared programme before the flag existed.
    pub public: Option<bool>,
}

/// Fields of an interpreter. Languages and days are sets: `available` holds
/// [`Availability::key`](crate::Availability::key)s.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(
    missing_docs,
    reason = "the fields mirror Interpreter's, documented there"
)]
pub struct InterpreterFields {
    pub name: Option<String>,
    pub email: Option<String>,
    pub a_languages: Option<Vec<String>>,
    pub b_languages: Option<Vec<String>>,
    pub c_languages: Option<Vec<String>>,
    pub available: Option<Vec<String>>,
    pub team: Option<String>,
}

/// Fields of a liaison body.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs, reason = "the fields mirror Body's, documented there")]
pub struct BodyFields {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// An action item to add (no id) or change (with id).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs, reason = "the fields mirror Action's, documented there")]
pub struct ActionFields {
    pub id: Option<String>,
    pub text: Option<String>,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub done: Option<bool>,
    /// Removes the action item from the note (it stays in history).
    pub archived: Option<bool>,
}

/// Fields of a liaison note.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs, reason = "the fields mirror Note's, documented there")]
pub struct NoteFields {
    pub body_id: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
    pub date: Option<String>,
    pub content_implications: Option<bool>,
    pub plenary_consulted: Option<bool>,
    /// Action items to add or change; items not named stay as they are.
    pub actions: Option<Vec<ActionFields>>,
}

/// Fields of a shared document. Its comments, suggestions and versions are changed by
/// [`Edit::Document`]; `text` here replaces the whole text by a diff against the text as it is
/// now (a script's PATCH); a form saves it with [`DocumentOp::SaveText`] instead.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(
    missing_docs,
    reason = "the fields mirror Document's, documented there"
)]
pub struct DocumentFields {
    pub title: Option<String>,
    pub status: Option<DocumentStatus>,
    pub text: Option<String>,
}

/// One operation on a shared document. Positions count Unicode code points into the text as
/// it is now (as the latest snapshot shows it).
#[derive(Clone, Debug, PartialEq)]
pub enum DocumentOp {
    /// Deletes `delete` code points at `pos` and inserts `insert` there.
    Splice {
        /// Where.
        pos: usize,
        /// How many code points to delete.
        delete: usize,
        /// What to insert.
        insert: String,
    },
    /// Saves a whole submitted text as a three-way merge: the difference between the text at
    /// `base` (the heads the form was shown at) and `text` is applied where those words are
    /// now, so nothing a peer wrote meanwhile is undone.
    SaveText {
        /// The heads the submitted text was edited from.
        base: Vec<automerge::ChangeHash>,
        /// The whole text as submitted.
        text: String,
    },
    /// A remark on the range `start..end`.
    Comment {
        /// Start of the range.
        start: usize,
        /// End of the range (exclusive).
        end: usize,
        /// The remark.
        body: String,
    },
    /// An answer to a comment.
    Reply {
        /// The comment's id.
        comment: String,
        /// The answer.
        body: String,
    },
    /// Closes (`true`) or reopens (`false`) a comment.
    ResolveComment {
        /// The comment's id.
        comment: String,
        /// Resolved or not.
        resolved: bool,
    },
    /// Proposes `replacement` for the range `start..end`.
    Suggest {
        /// Start of the range.
        start: usize,
        /// End of the range (exclusive).
        end: usize,
        /// The proposed words.
        replacement: String,
    },
    /// Replaces the suggestion's range, as its cursors hold it now, with its replacement.
    Accept {
        /// The suggestion's id.
        suggestion: String,
    },
    /// Declines a suggestion; it stays, marked rejected.
    Reject {
        /// The suggestion's id.
        suggestion: String,
    },
    /// Names the document's current heads.
    NameVersion {
        /// The name.
        name: String,
    },
    /// Takes out the extra copies of replacements that several nodes accepted concurrently,
    /// keeping one per suggestion (the same one on every node).
    Tidy,
}

/// The fields of one record of any editable type.
#[derive(Clone, Debug)]
#[allow(missing_docs, reason = "one variant per record type")]
pub enum Fields {
    Member(MemberFields),
    Group(GroupFields),
    Review(ReviewFields),
    Room(RoomFields),
    Meeting(MeetingFields),
    Body(BodyFields),
    Note(NoteFields),
    Document(DocumentFields),
    Interpreter(InterpreterFields),
}

impl Fields {
    /// The record type these fields belong to.
    pub fn record_type(&self) -> RecordType {
        match self {
            Fields::Member(_) => RecordType::Member,
            Fields::Group(_) => RecordType::Group,
            Fields::Review(_) => RecordType::Review,
            Fields::Room(_) => RecordType::Room,
            Fields::Meeting(_) => RecordType::Meeting,
            Fields::Body(_) => RecordType::Body,
            Fields::Note(_) => RecordType::Note,
            Fields::Document(_) => RecordType::Document,
            Fields::Interpreter(_) => RecordType::Interpreter,
        }
    }
}

/// One user intention, applied as one automerge change.
#[derive(Clone, Debug)]
pub enum Edit {
    /// Creates the bureau in an empty document.
    Init(InitBureau),
    /// Brings an older document layout up to [`SCHEMA_VERSION`](crate::SCHEMA_VERSION).
    Migrate,
    /// Creates a record; required fields must be present.
    Create(Fields),
    /// Changes the given fields of a record.
    Update {
        /// The record.
        id: String,
        /// What to change.
        fields: Fields,
    },
    /// Changes the given fields of a record as [`Edit::Update`] does, saved from a form shown
    /// at `base`: its long texts ([`crate::RecordFields::LONG_TEXTS`]) are merged from there
    /// ([`crate::merge_text`]), so words a peer wrote in the same text meanwhile stay.
    UpdateMerging {
        /// The record.
        id: String,
        /// What to change.
        fields: Fields,
        /// The heads the form was shown at.
        base: Vec<automerge::ChangeHash>,
    },
    /// Hides a record without deleting it.
    Archive {
        /// Record type.
        ty: RecordType,
        /// Record id.
        id: String,
    },
    /// Brings an archived record back.
    Restore {
        /// Record type.
        ty: RecordType,
        /// Record id.
        id: String,
    },
    /// Picks one of a conflicted field's concurrent values.
    Resolve {
        /// Record type.
        ty: RecordType,
        /// Record id.
        id: String,
        /// Dotted field path as listed by [`crate::conflicts`].
        field: String,
        /// The chosen value: one of the listed values.
        value: ScalarValue,
    },
    /// Adds (or re-adds) a device to the allow-list.
    AddDevice {
        /// The device's peer id.
        peer_id: String,
        /// Owning member id (must exist).
        member_id: String,
        /// Device name.
        name: String,
        /// Editor or observer.
        role: Role,
    },
    /// Revokes a device.
    RevokeDevice {
        /// The device's peer id.
        peer_id: String,
    },
    /// Changes what a device may do.
    SetDeviceRole {
        /// The device's peer id.
        peer_id: String,
        /// Its new role.
        role: Role,
    },
    /// Merges two members who are the same person: every reference to `id` (focal points,
    /// attendees, action owners, devices) becomes one to `into`, which takes what it lacks
    /// from `id`; `id` is archived with `merged_into` naming `into`.
    MergeMembers {
        /// The member merged away.
        id: String,
        /// The member kept.
        into: String,
    },
    /// Records the actor this node writes with in its own device record (`actors`), so that
    /// every node can tell which device made a change (see `authority`). Written once per
    /// run, before the node's first other change; only the device itself writes its
    /// `actors` set, so the set, made on first use, is never made by two nodes at once.
    RegisterActor {
        /// This node's peer id.
        peer_id: String,
    },
    /// Creates a document from a draft with bracketed remarks (see `documents::import`):
    /// `[Name: remark]` and `[question?]` become comments, `word [other]` a suggestion to
    /// replace the word; the brackets leave the text.
    ImportDocument {
        /// The document's title.
        title: String,
        /// The bracketed draft.
        text: String,
    },
    /// Changes a document's text, comments, suggestions or versions.
    Document {
        /// The document's id.
        id: String,
        /// What to do.
        op: DocumentOp,
    },
    /// Records where a device can be reached and which sync protocols it speaks, so every
    /// member's node can dial every other and open a protocol it speaks (each node writes
    /// only its own record, so the `protocols` set, made on first use, is never made by two
    /// nodes at once).
    SetDeviceAddrs {
        /// The device's peer id.
        peer_id: String,
        /// Its listen addresses (multiaddrs).
        addrs: Vec<String>,
        /// The sync protocols it speaks (`/bureau/sync/1`, ...).
        protocols: Vec<String>,
    },
    /// Changes the bureau-wide settings (`crate::settings`); admins only.
    UpdateSettings(crate::SettingsFields),
    /// Several creates and updates of records written as one change: all of them or, when
    /// any is refused ([`EditError::InBatch`] says which), none. A spreadsheet import is one;
    /// one change means one entry in history and one undo-sized unit on every node.
    Batch(Vec<Edit>),
}

/// What an applied edit produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The record created or changed.
    Record(RecordType, String),
    /// The bureau (meta) as a whole.
    Bureau,
    /// Nothing needed changing (e.g. a migration of an up-to-date document).
    Nothing,
    /// The records a [`Edit::Batch`] created or changed, in its order (an edit that changed
    /// nothing is left out).
    Records(Vec<(RecordType, String)>),
}
