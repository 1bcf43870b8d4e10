//! The bureau document's schema: typed records and edits over automerge, findings and conflicts.
//!
//! This crate says what the shared document means. It is pure: no I/O, no async, no clock and
//! no randomness. Time, new ids and the author come in as arguments ([`Ctx`]), so the same
//! edit on the same document always writes the same operations, and tests need no mocks.
//!
//! Invariants:
//! - Reading never fails. [`Snapshot::hydrate`] turns whatever a peer wrote into typed records,
//!   falling back to defaults and reporting each oddity as a [`Problem`].
//! - [`apply`] validates an [`Edit`] completely before writing anything; a refused edit leaves
//!   the document untouched (the open transaction is rolled back).
//! - Records live in maps keyed by random ids; sets are maps `value -> true`; long prose is
//!   automerge text; nothing is deleted by an ordinary edit (records are archived).
//! - [`findings`] and [`conflicts`] depend only on the document (and `now`), so replicas with
//!   equal heads report equal results.
//!
//! - A [`Snapshot`]'s records sit in persistent maps ([`Records`]): cloning it is cheap and
//!   shares every record, so a new one can be published after every change.
//!
//! Typical flow (in the document actor): `apply(&mut doc, &edit, &mut ctx)`, then
//! `Snapshot::hydrate(&doc)` (or `refresh` for the touched records), then
//! [`FindingsIndex::update`] with the same touched records (equal to `findings(&snapshot, now)`,
//! at the cost of the change rather than of the bureau).

mod at;
mod authority;
mod bundle_keys;
mod change;
mod conflicts;
mod diff;
mod documents;
mod edit;
mod findings;
pub mod guard;
mod history;
mod planner;
mod read;
mod records;
mod saved;
mod schema;
mod sequence;
mod settings;
#[cfg(any(test, feature = "test-utils"))]
pub mod testing;
mod text;
mod validate;
mod write;

pub use at::AtHeads;
pub use authority::{Authority, SetAside, Standing, authority, check_authority, check_invite};
pub use bundle_keys::{BUNDLE_KEYS, BundleKeyRecord, add_bundle_key, bundle_keys};
pub use change::{Changes, Contested, RecordFields, changes, field_value, keep_mine, take_theirs};
pub use conflicts::{Conflict, ConflictValue, conflicts, record_conflicts};
pub use documents::{
    DiffKind, DiffPart, Draft, DraftComment, DraftSuggestion, ExportFormat, document_diff, export,
    import,
};
pub use edit::{
    ActionFields, Applied, BodyFields, Ctx, DocumentFields, DocumentOp, Edit, EditError, Fields,
    GroupFields, InitBureau, InterpreterFields, MeetingFields, MemberFields, NoteFields,
    ReviewFields, RoomFields,
};
pub use findings::{
    Finding, FindingKind, FindingSet, FindingsIndex, Ref, RefId, RefType, findings,
};
pub use history::{
    CONTEXT_WORDS, FieldChange, HistoryEntry, WordChange, history, history_of, word_changes,
};
pub use planner::{Norms, booths_needed, interpreter_days};
pub use read::{Problem, Records, Snapshot};
pub use records::*;
pub use saved::{from_saved, to_saved};
pub use schema::*;
pub use sequence::ChangeCounts;
pub use settings::{
    NORMS, Norm, SETTINGS, Settings, SettingsFields, effective as settings_effective,
    raw_values as settings_raw_values,
};
pub use text::{Splice, merge_text, splices, text_of};
pub use validate::{check_name, format_time, hidden_char, is_language_code, parse_time};
pub use write::apply;

/// Re-exported so callers name the same automerge version as the model.
pub use automerge;
/// Re-exported so callers name the same persistent map as [`Records`].
pub use imbl;

/// The member id an author's bytes stand for (authors are member ids written as UTF-8).
pub fn author_member_id(author: &[u8]) -> String {
    String::from_utf8_lossy(author).into_owned()
}

#[cfg(test)]
mod tests;
