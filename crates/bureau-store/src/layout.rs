//! The data directory's layout: the names of its directories and files, and the numbers in
//! those names (see the crate docs for the tree).
//!
//! Invariants: only names the store writes count as its own, `<prefix><16 lowercase hex
//! digits>.bin`, parsed strictly so that two spellings never map to one number. Counters are
//! derived from these names, so a number is believed only up to [`frame::MAX_NUMBER`], and a
//! counter at that bound refuses to hand out another rather than wrap below the compaction
//! floor.

use std::io;
use std::path::Path;

use crate::StoreError;
use crate::frame;

pub(crate) const LOCK_FILE: &str = "lock";
pub(crate) const DOC_DIR: &str = "doc";
pub(crate) const QUARANTINE_DIR: &str = "quarantine";
pub(crate) const STATE_DIR: &str = "state";
/// Persists the highest `covers_through_seq` of any compaction, because once
/// the covered chunks are deleted nothing else on disk remembers that those
/// sequence numbers were used.
pub(crate) const SEQ_FLOOR_FILE: &str = "seq-floor.bin";
pub(crate) const SNAPSHOT_PREFIX: &str = "snapshot-";
pub(crate) const CHUNK_PREFIX: &str = "chunk-";
pub(crate) const LOG_PREFIX: &str = "log-";
pub(crate) const DOC_SUFFIX: &str = ".bin";
pub(crate) const TMP_SUFFIX: &str = ".tmp";
pub(crate) const REASON_SUFFIX: &str = ".reason";
/// Names `write_file` & co. refuse because they would clobber the store's
/// own bookkeeping (replacing `lock` by rename would silently drop the lock).
pub(crate) const RESERVED_NAMES: [&str; 4] = [LOCK_FILE, DOC_DIR, QUARANTINE_DIR, STATE_DIR];
pub(crate) const FILE_MODE: u32 = 0o600;
pub(crate) const DIR_MODE: u32 = 0o700;

/// A doc file name we recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocName {
    Snapshot(u64),
    Chunk(u64),
    Log(u64),
}

/// Parses `<prefix><16 lowercase hex digits><rest>` and returns the number
/// and `rest`. Strict on purpose: only names we generate count, so two
/// spellings (upper case, `+` sign, fewer digits) can never map to one number.
///
/// Numbers beyond [`frame::MAX_NUMBER`] are not the store's: counters are derived from these
/// names, and one near the end of `u64` would make the next number wrap (see
/// [`out_of_range`], which finds such names to report them).
pub(crate) fn parse_numbered<'a>(name: &'a str, prefix: &str) -> Option<(u64, &'a str)> {
    parse_any_number(name, prefix).filter(|&(number, _)| number <= frame::MAX_NUMBER)
}

/// A doc file name of ours but for its number, which is beyond [`frame::MAX_NUMBER`]: the
/// number, for the report.
pub(crate) fn out_of_range(name: &str) -> Option<u64> {
    [SNAPSHOT_PREFIX, CHUNK_PREFIX, LOG_PREFIX]
        .iter()
        .find_map(|prefix| parse_any_number(name, prefix))
        .filter(|&(number, rest)| number > frame::MAX_NUMBER && rest.starts_with(DOC_SUFFIX))
        .map(|(number, _)| number)
}

/// [`parse_numbered`] without the bound.
fn parse_any_number<'a>(name: &'a str, prefix: &str) -> Option<(u64, &'a str)> {
    let tail = name.strip_prefix(prefix)?;
    let digits = tail.get(..16)?;
    if !digits
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    let number = u64::from_str_radix(digits, 16).ok()?;
    Some((number, &tail[16..]))
}

pub(crate) fn parse_doc_name(name: &str) -> Option<DocName> {
    if let Some((generation, DOC_SUFFIX)) = parse_numbered(name, SNAPSHOT_PREFIX) {
        return Some(DocName::Snapshot(generation));
    }
    if let Some((seq, DOC_SUFFIX)) = parse_numbered(name, CHUNK_PREFIX) {
        return Some(DocName::Chunk(seq));
    }
    if let Some((number, DOC_SUFFIX)) = parse_numbered(name, LOG_PREFIX) {
        return Some(DocName::Log(number));
    }
    None
}

pub(crate) fn snapshot_name(generation: u64) -> String {
    format!("{SNAPSHOT_PREFIX}{generation:016x}{DOC_SUFFIX}")
}

pub(crate) fn chunk_name(seq: u64) -> String {
    format!("{CHUNK_PREFIX}{seq:016x}{DOC_SUFFIX}")
}

pub(crate) fn log_name(number: u64) -> String {
    format!("{LOG_PREFIX}{number:016x}{DOC_SUFFIX}")
}

/// Hands out `counter`'s number and moves it on. Refuses, rather than wrap, past
/// [`frame::MAX_NUMBER`]: a wrapped sequence number would fall below the compaction floor and
/// its chunk be skipped at the next load.
pub(crate) fn take_number(counter: &mut u64, what: &str, dir: &Path) -> Result<u64, StoreError> {
    let number = *counter;
    if number > frame::MAX_NUMBER {
        return Err(StoreError::Io {
            op: "number a new file in",
            path: dir.to_path_buf(),
            source: io::Error::other(format!(
                "{what} numbers are used up (next {number:#x}); nothing was written"
            )),
        });
    }
    *counter = number + 1;
    Ok(number)
}

pub(crate) fn state_file_name(key: &str) -> String {
    format!("{key}{DOC_SUFFIX}")
}
