//! Long texts as automerge text: positions in Unicode code points, ranges anchored to their
//! characters by cursors, and saving a whole submitted text as a three-way merge.
//!
//! Invariants:
//! - Positions outside this module count Unicode code points (the API's unit). automerge
//!   counts in the unit of the document's text encoding, a setting of the process; the
//!   conversion happens here only ([`units`]); characters are read one by one
//!   ([`chars_of`]), so their positions are code points.
//! - An anchor names characters, not offsets: its start is the cursor of the range's first
//!   character, its end the cursor of its last, so the range keeps its words while anyone
//!   edits before, after or inside it, and shrinks as its own characters are deleted.
//! - [`merge_text`] deletes only characters the base text had, and inserts each new stretch
//!   after the base character it followed, wherever that is now: what a peer wrote meanwhile
//!   stays, as if the save had been made on a fork at the base heads and merged.

use std::collections::HashMap;

use automerge::transaction::Transactable;
use automerge::{
    ActorId, AutoCommit, AutomergeError, ChangeHash, ObjId, ObjType, ReadDoc, ScalarValueRef,
    TextEncoding, Value, ValueRef,
};

use crate::diff;

/// How many automerge units `s` takes in the encoding `enc`.
fn width(enc: TextEncoding, s: &str) -> usize {
    match enc {
        TextEncoding::Utf8CodeUnit => s.len(),
        TextEncoding::Utf16CodeUnit => s.encode_utf16().count(),
        // Grapheme clusters are never chosen by this project's nodes; counting code points
        // for them keeps every position inside the text.
        TextEncoding::UnicodeCodePoint | TextEncoding::GraphemeCluster => s.chars().count(),
    }
}

/// The automerge index of the code point `cp` of `text` (clamped to its end).
pub(crate) fn units(enc: TextEncoding, text: &str, cp: usize) -> usize {
    if matches!(enc, TextEncoding::UnicodeCodePoint) {
        return cp.min(text.chars().count());
    }
    let byte = text.char_indices().nth(cp).map_or(text.len(), |(b, _)| b);
    width(enc, &text[..byte])
}

/// The text object at `key` of `obj`, if it is one.
pub(crate) fn text_obj<D: ReadDoc>(doc: &D, obj: &ObjId, key: &str) -> Option<ObjId> {
    match doc.get(obj, key) {
        Ok(Some((Value::Object(ObjType::Text), t))) => Some(t),
        _ => None,
    }
}

/// The text of a record's text field as it was at `heads` (a form's base), or `None` if a head
/// is not a change of `doc`.
pub fn text_of<D: ReadDoc>(doc: &D, text: &ObjId, heads: &[ChangeHash]) -> Option<String> {
    crate::AtHeads::new(doc, heads)?;
    Some(doc.text_at(text, heads).unwrap_or_default())
}

/// A character of a text as automerge names it: the counter and actor of the operation that
/// inserted it. It never changes, whatever is inserted or deleted around it.
pub(crate) type Elem = (u64, ActorId);

/// An element's text form, `counter@actor` (automerge's own form for a cursor).
pub(crate) fn elem_str(e: &Elem) -> String {
    format!("{}@{}", e.0, e.1)
}

/// Reads `counter@actor`; `None` for anything else.
pub(crate) fn parse_elem(s: &str) -> Option<Elem> {
    let (ctr, actor) = s.split_once('@')?;
    Some((ctr.parse().ok()?, actor.parse().ok()?))
}

/// The characters of the text object `text` (as `doc` reads it, or at `heads`), each with
/// the element that holds it, in order. A text written by a node that stores grapheme
/// clusters holds several characters in one element; each of them is listed.
pub(crate) fn chars_of<D: ReadDoc>(
    doc: &D,
    text: &ObjId,
    heads: Option<&[ChangeHash]>,
) -> Vec<(char, Elem)> {
    let mut out = Vec::new();
    let mut add = |item: automerge::iter::ListRangeItem<'_>| {
        if let (ValueRef::Scalar(ScalarValueRef::Str(s)), ObjId::Id(ctr, actor, _)) =
            (&item.value, item.id())
        {
            out.extend(s.chars().map(|c| (c, (ctr, actor.clone()))));
        }
    };
    match heads {
        Some(h) => doc.list_range_at(text, .., h).for_each(&mut add),
        None => doc.list_range(text, ..).for_each(&mut add),
    }
    out
}

/// A range of a text held by its first and last characters (their elements), as stored. An
/// empty range at `p` holds the characters on either side of `p`; `s` and `e` stand for the
/// text's very start and end. `heads` are heads at which both characters exist, so that one
/// deleted since can be placed by its neighbours then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Anchor {
    /// The first character (`e`: a range at the very end).
    pub(crate) start: String,
    /// The last character (`s`: a range at the very start).
    pub(crate) end: String,
    /// Heads at which both exist (hex, comma-separated).
    pub(crate) heads: String,
}

/// Anchors the range `start..end` (code points) of `chars` (a text's characters now, as
/// [`chars_of`] lists them); `heads` must hold every one of them.
pub(crate) fn anchor(
    chars: &[(char, Elem)],
    start: usize,
    end: usize,
    heads: &[ChangeHash],
) -> Anchor {
    let start = chars
        .get(start)
        .map_or_else(|| "e".to_owned(), |(_, e)| elem_str(e));
    let end = match end.checked_sub(1) {
        Some(last) => chars
            .get(last)
            .map_or_else(|| "e".to_owned(), |(_, e)| elem_str(e)),
        None => "s".to_owned(),
    };
    let mut heads = heads.to_vec();
    heads.sort();
    Anchor {
        start,
        end,
        heads: heads
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// Where an anchor's range is now, in code points of `chars` (the text's characters as `doc`
/// reads it). A range keeps every character of it still there, and whatever was written
/// between them; one whose characters were all deleted is empty where they were. `None` if
/// an end is not a character this text ever held (a peer wrote something else).
pub(crate) fn resolve<D: ReadDoc>(
    doc: &D,
    text: &ObjId,
    chars: &[(char, Elem)],
    a: &Anchor,
) -> Option<(usize, usize)> {
    let len = chars.len();
    let index: std::collections::HashMap<&Elem, usize> = chars
        .iter()
        .enumerate()
        .rev()
        .map(|(i, (_, e))| (e, i))
        .collect();
    // The characters when the anchor was made, read only when an end was deleted since.
    let mut then: Option<Vec<(char, Elem)>> = None;
    let mut then_chars = || -> Option<Vec<(char, Elem)>> {
        if then.is_none() {
            let heads: Vec<ChangeHash> = a
                .heads
                .split(',')
                .map(str::parse)
                .collect::<Result<_, _>>()
                .ok()?;
            crate::AtHeads::new(doc, &heads)?;
            then = Some(chars_of(doc, text, Some(&heads)));
        }
        then.clone()
    };
    let start = match a.start.as_str() {
        "s" => 0,
        "e" => len,
        s => {
            let elem = parse_elem(s)?;
            match index.get(&elem) {
                Some(&i) => i,
                // Deleted: the range starts at the next character of then that is still here.
                None => {
                    let then = then_chars()?;
                    let k = then.iter().position(|(_, e)| *e == elem)?;
                    then[k + 1..]
                        .iter()
                        .find_map(|(_, e)| index.get(e).copied())
                        .unwrap_or(len)
                }
            }
        }
    };
    let end = match a.end.as_str() {
        "s" => 0,
        "e" => len,
        s => {
            let elem = parse_elem(s)?;
            match index.get(&elem) {
                // After the last character the element holds.
                Some(&i) => {
                    let mut j = i + 1;
                    while j < len && chars[j].1 == elem {
                        j += 1;
                    }
                    j
                }
                // Deleted: the range ends after the last character before it still here.
                None => {
                    let then = then_chars()?;
                    let k = then.iter().position(|(_, e)| *e == elem)?;
                    then[..k]
                        .iter()
                        .rev()
                        .find_map(|(_, e)| index.get(e).map(|i| i + 1))
                        .unwrap_or(0)
                }
            }
        }
    };
    Some(if end < start {
        (end, end)
    } else {
        (start, end)
    })
}

/// Replaces `delete` code points at `pos` with `insert`. The caller checked the range.
pub(crate) fn splice(
    doc: &mut AutoCommit,
    text: &ObjId,
    pos: usize,
    delete: usize,
    insert: &str,
) -> Result<(), AutomergeError> {
    let enc = doc.text_encoding();
    let now = doc.text(text)?;
    let from = units(enc, &now, pos);
    let to = units(enc, &now, pos + delete);
    doc.splice_text(text, from, (to - from) as isize, insert)
}

/// Saves `submitted` into the text object `text` as a three-way merge from `base`: the
/// difference between the text at `base` and `submitted` is applied where the base's
/// characters are now. Returns whether anything was written; `Ok(false)` also when the
/// submitted text equals the base text (a peer's edits since stay as they are).
///
/// Each base character is found now by its element id (one pass over each version of the
/// text), so the cost is the text's length plus the difference's, whatever edits came
/// between.
pub fn merge_text(
    doc: &mut AutoCommit,
    text: &ObjId,
    base: &[ChangeHash],
    submitted: &str,
) -> Result<bool, MergeError> {
    if crate::AtHeads::new(&*doc, base).is_none() {
        return Err(MergeError::UnknownHeads);
    }
    // The base's characters with their ids; a text made after the base heads had none.
    let mut base_chars: Vec<char> = Vec::new();
    let mut base_ids: Vec<ObjId> = Vec::new();
    for item in doc.list_range_at(text, .., base) {
        let id = item.id();
        if let automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) = &item.value {
            for c in s.chars() {
                base_chars.push(c);
                base_ids.push(id.clone());
            }
        }
    }
    let new_chars: Vec<char> = submitted.chars().collect();
    let hunks = diff::hunks(&base_chars, &new_chars);
    if hunks.is_empty() {
        return Ok(false);
    }
    // Where each character is now, in automerge units.
    let enc = doc.text_encoding();
    let mut now: HashMap<ObjId, (usize, usize)> = HashMap::new();
    for item in doc.list_range(text, ..) {
        if let automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) = &item.value {
            now.insert(item.id(), (item.index, width(enc, s)));
        }
    }
    // From the last place to the first: each writes only at or after its own insertion
    // point, which no earlier place's characters are beyond.
    for h in hunks.iter().rev() {
        let at = (0..h.a.start)
            .rev()
            .find_map(|k| now.get(&base_ids[k]).map(|(i, w)| i + w))
            .unwrap_or(0);
        let mut dels: Vec<(usize, usize)> = base_ids[h.a.clone()]
            .iter()
            .filter_map(|id| now.get(id).copied())
            .collect();
        dels.sort_unstable();
        // Runs of neighbouring characters, deleted from the last.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for (i, w) in dels {
            match runs.last_mut() {
                Some((s, len)) if *s + *len == i => *len += w,
                _ => runs.push((i, w)),
            }
        }
        for (s, len) in runs.into_iter().rev() {
            doc.splice_text(text, s, len as isize, "")?;
        }
        let insert: String = new_chars[h.b.clone()].iter().collect();
        if !insert.is_empty() {
            doc.splice_text(text, at, 0, &insert)?;
        }
    }
    Ok(true)
}

/// Why a three-way save could not be made.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A base head is not a change of this document.
    #[error("the base heads are not all changes this node holds")]
    UnknownHeads,
    /// automerge refused an operation on the text.
    #[error("the text could not be changed: {0}")]
    Automerge(#[from] AutomergeError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ROOT;

    fn doc_with(text: &str) -> (AutoCommit, ObjId) {
        let mut doc = AutoCommit::new();
        let t = doc.put_object(ROOT, "t", ObjType::Text).unwrap();
        doc.splice_text(&t, 0, 0, text).unwrap();
        doc.commit();
        (doc, t)
    }

    #[test]
    fn this_node_counts_code_points() {
        assert!(matches!(
            AutoCommit::new().text_encoding(),
            TextEncoding::UnicodeCodePoint
        ));
        let s = "a‘b’·c";
        assert_eq!(units(TextEncoding::UnicodeCodePoint, s, 2), 2);
        assert_eq!(units(TextEncoding::Utf8CodeUnit, s, 2), 4);
        assert_eq!(units(TextEncoding::Utf16CodeUnit, "😀x", 1), 2);
    }

    #[test]
    fn an_anchor_keeps_its_words_through_edits_around_and_inside() {
        let (mut doc, t) = doc_with("one ‘two’ three");
        let heads = doc.get_heads();
        // "‘two’" is 4..9.
        let a = anchor(&chars_of(&doc, &t, None), 4, 9, &heads);
        let at = |doc: &AutoCommit, a: &Anchor| resolve(doc, &t, &chars_of(doc, &t, None), a);
        assert_eq!(at(&doc, &a), Some((4, 9)));
        doc.splice_text(&t, 0, 0, "zero ").unwrap();
        assert_eq!(at(&doc, &a), Some((9, 14)));
        // Typed inside: the range grows; typed just after: it does not.
        doc.splice_text(&t, 11, 0, "X").unwrap();
        doc.splice_text(&t, 15, 0, "Y").unwrap();
        assert_eq!(doc.text(&t).unwrap(), "zero one ‘tXwo’Y three");
        assert_eq!(at(&doc, &a), Some((9, 15)));
        // Its first and last characters deleted: it shrinks to what is left.
        doc.splice_text(&t, 14, 1, "").unwrap();
        doc.splice_text(&t, 9, 1, "").unwrap();
        assert_eq!(doc.text(&t).unwrap(), "zero one tXwoY three");
        assert_eq!(at(&doc, &a), Some((9, 13)));
        // All of it deleted: empty, where it was.
        doc.splice_text(&t, 9, 4, "").unwrap();
        assert_eq!(at(&doc, &a), Some((9, 9)));
        // The words at the very end deleted: empty at the end.
        doc.commit();
        let heads = doc.get_heads();
        let n = doc.length(&t);
        let last = anchor(&chars_of(&doc, &t, None), n - 5, n, &heads);
        doc.splice_text(&t, n - 5, 5, "").unwrap();
        assert_eq!(at(&doc, &last), Some((n - 5, n - 5)));
        // Empty ranges at the start and at the end stay there.
        let s = doc.text(&t).unwrap();
        let len = s.chars().count();
        doc.commit();
        let heads = doc.get_heads();
        let at_start = anchor(&chars_of(&doc, &t, None), 0, 0, &heads);
        let at_end = anchor(&chars_of(&doc, &t, None), len, len, &heads);
        doc.splice_text(&t, 0, 0, "A").unwrap();
        doc.splice_text(&t, len + 1, 0, "Z").unwrap();
        assert_eq!(at(&doc, &at_start), Some((0, 0)));
        // Text typed at the very end comes after a point that was after the last character.
        assert_eq!(at(&doc, &at_end), Some((len + 1, len + 1)));
        // A character this text never held.
        let odd = Anchor {
            start: "3@abcd".to_owned(),
            end: "e".to_owned(),
            heads: String::new(),
        };
        assert_eq!(at(&doc, &odd), None);
    }

    #[test]
    fn a_three_way_save_keeps_what_a_peer_wrote_meanwhile() {
        let (mut doc, t) = doc_with("The bureau deals with procedures. It meets daily.");
        let base = doc.get_heads();
        let mut peer = doc.fork();
        let dot = "The bureau deals with procedures. It meets daily"
            .chars()
            .count();
        peer.splice_text(&t, dot, 0, " at noon").unwrap();
        peer.splice_text(&t, 0, 4, "").unwrap();
        peer.commit();
        doc.merge(&mut peer).unwrap();
        assert_eq!(
            doc.text(&t).unwrap(),
            "bureau deals with procedures. It meets daily at noon."
        );
        // The form was shown the base text; its user changed one word.
        let changed = merge_text(
            &mut doc,
            &t,
            &base,
            "The bureau facilitates procedures. It meets daily.",
        )
        .unwrap();
        assert!(changed);
        doc.commit();
        assert_eq!(
            doc.text(&t).unwrap(),
            "bureau facilitates procedures. It meets daily at noon."
        );
        // The same text again writes nothing.
        let heads = doc.get_heads();
        let again = merge_text(
            &mut doc,
            &t,
            &heads,
            "bureau facilitates procedures. It meets daily at noon.",
        )
        .unwrap();
        assert!(!again);
        assert!(matches!(
            merge_text(&mut doc, &t, &[ChangeHash([7; 32])], "x"),
            Err(MergeError::UnknownHeads)
        ));
    }
}

/// A change to a text: `delete` code points at `pos` replaced with `insert`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Splice {
    /// Where, in code points of the text before this change.
    pub pos: usize,
    /// How many code points go.
    pub delete: usize,
    /// What comes in their place.
    pub insert: String,
}

/// The splices that turn `old` into `new`: the places where they differ (words first, then
/// the characters inside each changed stretch), in order, none overlapping, positions in
/// code points of `old`; applied from the last to the first, they give `new`. What an open
/// editor applies to the text it shows, so that a peer's edit arrives without replacing what
/// is being typed.
pub fn splices(old: &str, new: &str) -> Vec<Splice> {
    let old: Vec<char> = old.chars().collect();
    let new: Vec<char> = new.chars().collect();
    diff::hunks(&old, &new)
        .into_iter()
        .map(|h| Splice {
            pos: h.a.start,
            delete: h.a.len(),
            insert: new[h.b].iter().collect(),
        })
        .collect()
}

#[cfg(test)]
mod splice_tests {
    use super::*;

    fn apply(old: &str, splices: &[Splice]) -> String {
        let mut chars: Vec<char> = old.chars().collect();
        for s in splices.iter().rev() {
            chars.splice(s.pos..s.pos + s.delete, s.insert.chars());
        }
        chars.into_iter().collect()
    }

    #[test]
    fn splices_turn_the_old_text_into_the_new_one_place_by_place() {
        let cases = [
            ("", ""),
            ("", "new"),
            ("old", ""),
            (
                "First sentence. Second one.",
                "First words. Second one, longer.",
            ),
            (
                "« Café » – ‘naïve’ 🎉 text",
                "« Cafés » – ‘naive’ 🎉🎉 text!",
            ),
            ("a b c d e", "a x c d y"),
        ];
        for (old, new) in cases {
            let s = splices(old, new);
            assert_eq!(apply(old, &s), new, "{old:?} -> {new:?}: {s:?}");
            assert!(
                s.windows(2).all(|w| w[0].pos + w[0].delete < w[1].pos),
                "{s:?}"
            );
        }
        // Two places far apart are two splices, so what lies between them is not touched.
        assert_eq!(splices("a b c d e", "a x c d y").len(), 2);
    }
}
