//! Shared documents outside the document store: drafts with bracketed remarks read into a
//! text with comments and suggestions ([`import`]), a document written out again
//! ([`export`]), and the words changed between two versions with who changed them
//! ([`document_diff`]).
//!
//! The bracket rules, as bureaus annotate drafts offline:
//! - `[Name: remark]` is a comment by Name (a name: up to four words of letters);
//! - `[remark?]`, with no name and ending in a question mark, is a comment with no author;
//! - `word [other]`, with no colon and no question mark, suggests `other` instead of `word`;
//! - a comment inside a line is on the words before it, back to the start of their sentence
//!   or clause (after `.`, `;` or `,` followed by a space, or a bullet); a bracket on a line of
//!   its own is on the nearest non-empty line above it;
//! - the brackets leave the text, with the space before them (and a bracket's own line with
//!   its line break).
//!
//! Positions count Unicode code points.

use std::collections::{BTreeMap, HashMap, HashSet};

use automerge::legacy::{ElementId, Key, ObjectId, OpId, OpType};
use automerge::{Change, ChangeHash, ObjId, ReadDoc, ScalarValueRef, ValueRef};
use serde::Serialize;

use crate::diff;
use crate::records::{Document, SuggestionStatus};

/// A draft read out of its brackets: the clean text and what the brackets said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    /// The text without its brackets.
    pub text: String,
    /// The remarks, in the order of the text.
    pub comments: Vec<DraftComment>,
    /// The suggested wordings, in the order of the text.
    pub suggestions: Vec<DraftSuggestion>,
}

/// A remark of an imported draft.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DraftComment {
    /// Start of the words it is on (code points into [`Draft::text`]).
    pub start: usize,
    /// Their end (exclusive).
    pub end: usize,
    /// The name it was signed with, empty if none.
    pub author_name: String,
    /// The remark.
    pub body: String,
    /// It stood on a line of its own.
    pub own_line: bool,
}

/// A suggested wording of an imported draft.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DraftSuggestion {
    /// Start of the word it would replace.
    pub start: usize,
    /// Its end (exclusive).
    pub end: usize,
    /// The proposed words.
    pub replacement: String,
}

/// Bullets that open a list item, and so a clause.
const BULLETS: &[char] = &['·', '•', '◦', '▪', '‣', '●', '*', '–'];

/// Reads a bracketed draft (the rules are in the module's documentation). A `[` without its
/// `]` on the same line is text.
pub fn import(bracketed: &str) -> Draft {
    let mut out: Vec<char> = Vec::new();
    let mut comments = Vec::new();
    let mut suggestions = Vec::new();
    // The last non-empty line written so far: its range in `out`.
    let mut last_line: Option<(usize, usize)> = None;
    let lines: Vec<&str> = bracketed.split('\n').collect();
    for (n, line) in lines.iter().enumerate() {
        let last = n + 1 == lines.len();
        let trimmed = line.trim();
        if let Some(body) = trimmed
            .strip_prefix('[')
            .and_then(|r| r.strip_suffix(']'))
            .filter(|b| !b.contains('[') && !b.contains(']'))
        {
            // A bracket on a line of its own: on the nearest non-empty line above; the line
            // leaves the text with its line break.
            let (start, end) = last_line.unwrap_or((0, 0));
            let (author_name, body) = remark(body);
            comments.push(DraftComment {
                start,
                end,
                author_name,
                body,
                own_line: true,
            });
            if last && out.last() == Some(&'\n') {
                out.pop();
            }
            continue;
        }
        let line_start = out.len();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let close = (chars[i] == '[')
                .then(|| chars[i + 1..].iter().position(|&c| c == ']' || c == '['))
                .flatten()
                .filter(|&p| chars[i + 1 + p] == ']');
            let Some(p) = close else {
                out.push(chars[i]);
                i += 1;
                continue;
            };
            let body: String = chars[i + 1..i + 1 + p].iter().collect();
            i += p + 2;
            // The space before the bracket leaves with it.
            while out.len() > line_start && matches!(out.last(), Some(' ' | '\t')) {
                out.pop();
            }
            let end = out.len();
            let word_start = (line_start..end)
                .rev()
                .find(|&k| out[k].is_whitespace())
                .map_or(line_start, |k| k + 1);
            let is_suggestion = !body.contains(':') && !body.trim_end().ends_with('?');
            if is_suggestion && word_start < end {
                suggestions.push(DraftSuggestion {
                    start: word_start,
                    end,
                    replacement: body.trim().to_owned(),
                });
            } else {
                let (author_name, body) = remark(&body);
                comments.push(DraftComment {
                    start: clause_start(&out, line_start, end),
                    end,
                    author_name,
                    body,
                    own_line: false,
                });
            }
        }
        let (s, e) = trim_line(&out, line_start, out.len());
        if s < e {
            last_line = Some((s, e));
        }
        if !last {
            out.push('\n');
        }
    }
    Draft {
        text: out.into_iter().collect(),
        comments,
        suggestions,
    }
}

/// A remark's signature and body: `Name: remark` when what precedes the first colon reads as
/// a name, otherwise no name and the whole remark.
fn remark(body: &str) -> (String, String) {
    if let Some((name, rest)) = body.split_once(':') {
        let name = name.trim();
        let words: Vec<&str> = name.split_whitespace().collect();
        let is_name = !words.is_empty()
            && words.len() <= 4
            && name.chars().count() <= 40
            // A name starts with a capital (or a letter of a script without case): "see the
            // list: below" is a remark, not a signature.
            && name.chars().next().is_some_and(|c| c.is_alphabetic() && !c.is_lowercase())
            && words.iter().all(|w| {
                w.chars().next().is_some_and(char::is_alphabetic)
                    && w.chars().all(|c| c.is_alphabetic() || "-.'’".contains(c))
            });
        if is_name {
            return (name.to_owned(), rest.trim().to_owned());
        }
    }
    (String::new(), body.trim().to_owned())
}

/// Where the clause ending at `end` starts: after the last `.`, `;` or `,` followed by white
/// space, or bullet, between the line's start and `end` that leaves some words before `end`;
/// white space skipped.
fn clause_start(text: &[char], line_start: usize, end: usize) -> usize {
    let has_words = |from: usize| text[from..end].iter().any(|c| !c.is_whitespace());
    let mut k = end;
    while k > line_start {
        k -= 1;
        let c = text[k];
        let boundary = BULLETS.contains(&c)
            && (k + 1 == end || text[k + 1].is_whitespace())
            && text[line_start..k].iter().all(|c| c.is_whitespace())
            || matches!(c, '.' | ';' | ',') && k + 1 < end && text[k + 1].is_whitespace();
        if boundary && has_words(k + 1) {
            return skip_space(text, k + 1, end);
        }
    }
    skip_space(text, line_start, end)
}

fn skip_space(text: &[char], mut i: usize, end: usize) -> usize {
    while i < end && text[i].is_whitespace() {
        i += 1;
    }
    i
}

/// A line's words: without the white space around them and a leading bullet.
fn trim_line(text: &[char], start: usize, end: usize) -> (usize, usize) {
    let mut s = skip_space(text, start, end);
    if s < end && BULLETS.contains(&text[s]) && (s + 1 == end || text[s + 1].is_whitespace()) {
        s = skip_space(text, s + 1, end);
    }
    let mut e = end;
    while e > s && text[e - 1].is_whitespace() {
        e -= 1;
    }
    (s, e)
}

/// How a document is written out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// The title and the text, as Markdown.
    Markdown,
    /// Markdown with open comments as footnotes and open suggestions marked in place
    /// (CriticMarkup: `{~~old~>new~~}`).
    MarkdownComments,
    /// The text with open comments and suggestions as brackets, as [`import`] reads them.
    Bracketed,
}

impl ExportFormat {
    /// Parses `md`, `md-comments` or `bracketed`.
    pub fn parse(s: &str) -> Result<ExportFormat, String> {
        match s {
            "md" => Ok(ExportFormat::Markdown),
            "md-comments" => Ok(ExportFormat::MarkdownComments),
            "bracketed" => Ok(ExportFormat::Bracketed),
            _ => Err(format!(
                "unknown format {s:?}; expected one of: md, md-comments, bracketed, html"
            )),
        }
    }
}

/// A remark in brackets: no bracket inside, on one line.
fn bracket_safe(s: &str) -> String {
    s.replace('[', "(")
        .replace(']', ")")
        .replace("\r\n", " ")
        .replace(['\n', '\r'], " ")
}

/// Writes a document out. `name_of` gives a member's name from their id, for signatures.
pub fn export(
    doc: &Document,
    format: ExportFormat,
    name_of: &dyn Fn(&str) -> Option<String>,
) -> String {
    let signature = |author: &str, author_name: &str| -> String {
        if !author_name.is_empty() {
            author_name.to_owned()
        } else if author.is_empty() {
            String::new()
        } else {
            name_of(author).unwrap_or_else(|| author.to_owned())
        }
    };
    let text: Vec<char> = doc.text.chars().collect();
    let len = text.len();
    // What goes in at each position, in order of position, then of creation.
    let mut inserts: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    match format {
        ExportFormat::Markdown => {
            format!("# {}\n\n{}", doc.title, doc.text)
        }
        ExportFormat::Bracketed => {
            for c in doc.comments.iter().filter(|c| !c.resolved) {
                let who = signature(&c.author, &c.author_name);
                let body = bracket_safe(&c.body);
                let bracket = if who.is_empty() {
                    format!("[{body}]")
                } else {
                    format!("[{}: {body}]", bracket_safe(&who))
                };
                if c.own_line {
                    // After the line holding the end of its words.
                    let last = c.end.saturating_sub(1).min(len);
                    match (last..len).find(|&k| text[k] == '\n') {
                        Some(nl) => inserts
                            .entry(nl + 1)
                            .or_default()
                            .push(format!("{bracket}\n")),
                        None => inserts.entry(len).or_default().push(format!("\n{bracket}")),
                    }
                } else {
                    inserts
                        .entry(c.end.min(len))
                        .or_default()
                        .push(format!(" {bracket}"));
                }
            }
            for s in doc
                .suggestions
                .iter()
                .filter(|s| s.status == SuggestionStatus::Open)
            {
                inserts
                    .entry(s.end.min(len))
                    .or_default()
                    .push(format!(" [{}]", bracket_safe(&s.replacement)));
            }
            let mut out = String::new();
            let mut i = 0;
            for (at, items) in inserts {
                out.extend(&text[i..at]);
                for item in items {
                    out.push_str(&item);
                }
                i = at;
            }
            out.extend(&text[i..]);
            out
        }
        ExportFormat::MarkdownComments => {
            let mut notes: Vec<String> = Vec::new();
            // Suggestions replace their range; those overlapping an earlier one are left out.
            let mut replaced: Vec<(usize, usize, String)> = Vec::new();
            for s in doc
                .suggestions
                .iter()
                .filter(|s| s.status == SuggestionStatus::Open)
            {
                let (a, b) = (s.start.min(len), s.end.min(len));
                if replaced
                    .iter()
                    .any(|(x, y, _)| a < *y && *x < b || a == *x && b == *y)
                {
                    continue;
                }
                let old: String = text[a..b].iter().collect();
                let mark = match (old.is_empty(), s.replacement.is_empty()) {
                    (true, _) => format!("{{++{}++}}", s.replacement),
                    (false, true) => format!("{{--{old}--}}"),
                    (false, false) => format!("{{~~{old}~>{}~~}}", s.replacement),
                };
                replaced.push((a, b, mark));
            }
            replaced.sort_by_key(|(a, b, _)| (*a, *b));
            for c in doc.comments.iter().filter(|c| !c.resolved) {
                let n = notes.len() + 1;
                let who = signature(&c.author, &c.author_name);
                let mut note = if who.is_empty() {
                    format!("[^{n}]: {}", c.body)
                } else {
                    format!("[^{n}]: **{who}**: {}", c.body)
                };
                for r in &c.replies {
                    let who = signature(&r.author, "");
                    note.push_str(&format!("\n    — {who}: {}", r.body));
                }
                notes.push(note);
                // A marker inside a suggestion's range goes after it.
                let mut at = c.end.min(len);
                if let Some((_, b, _)) = replaced.iter().find(|(a, b, _)| *a < at && at < *b) {
                    at = *b;
                }
                inserts.entry(at).or_default().push(format!("[^{n}]"));
            }
            let mut out = format!("# {}\n\n", doc.title);
            let mut i = 0;
            let mut sugg = replaced.iter().peekable();
            let positions: Vec<usize> = inserts.keys().copied().collect();
            let mut markers = inserts;
            // Walk the text, writing suggestions in place of their ranges and markers where
            // their ranges end.
            let mut points: Vec<usize> = positions;
            points.extend(replaced.iter().map(|(a, _, _)| *a));
            points.sort_unstable();
            points.dedup();
            for p in points {
                if p < i {
                    continue;
                }
                out.extend(&text[i..p]);
                i = p;
                if let Some(m) = markers.remove(&p) {
                    out.push_str(&m.concat());
                }
                while let Some((a, b, mark)) = sugg.peek() {
                    if *a != p {
                        break;
                    }
                    out.push_str(mark);
                    i = *b;
                    sugg.next();
                    if let Some(m) = markers.remove(b) {
                        out.push_str(&m.concat());
                    }
                }
            }
            out.extend(&text[i.min(len)..]);
            for (_, m) in markers {
                out.push_str(&m.concat());
            }
            if !notes.is_empty() {
                out.push_str("\n\n");
                out.push_str(&notes.join("\n"));
                out.push('\n');
            }
            out
        }
    }
}

/// Whether a stretch of a version comparison is in both versions, or only in one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffKind {
    /// In both.
    Same,
    /// Only in the later version.
    Added,
    /// Only in the earlier one.
    Removed,
}

/// A stretch of a comparison between two versions of a text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffPart {
    /// Same, added or removed.
    pub kind: DiffKind,
    /// The words.
    pub text: String,
    /// Member ids of who wrote (added) or deleted (removed) them, sorted; empty for the same.
    pub authors: Vec<String>,
}

/// The words of a document's text that changed from `from` to `to` (heads of `doc`), with who
/// added or deleted each stretch. `changes` are the document's changes after `from` (those
/// not reachable from `to` are ignored); `author_of` maps an actor to its author's member id.
/// `None` if there is no such document or a head is not a change of `doc`.
pub fn document_diff<D: ReadDoc>(
    doc: &D,
    changes: &[Change],
    id: &str,
    from: &[ChangeHash],
    to: &[ChangeHash],
    author_of: &dyn Fn(&automerge::ActorId) -> Option<String>,
) -> Option<Vec<DiffPart>> {
    crate::AtHeads::new(doc, from)?;
    crate::AtHeads::new(doc, to)?;
    let (_, rec) = crate::read::find_record(doc, crate::RecordType::Document, id)?;
    let text = crate::text::text_obj(doc, &rec, "text")?;
    // Each version's characters, with the id of the operation that inserted each.
    let chars_at = |heads: &[ChangeHash]| -> Vec<(char, ObjId)> {
        let mut out = Vec::new();
        for item in doc.list_range_at(&text, .., heads) {
            if let ValueRef::Scalar(ScalarValueRef::Str(s)) = &item.value {
                let id = item.id();
                out.extend(s.chars().map(|c| (c, id.clone())));
            }
        }
        out
    };
    let old = chars_at(from);
    let new = chars_at(to);
    // Who deleted each character: the delete operations of the changes between the two.
    let wanted: HashSet<ChangeHash> = {
        let by_hash: HashMap<ChangeHash, &Change> = changes.iter().map(|c| (c.hash(), c)).collect();
        let mut seen = HashSet::new();
        let mut stack: Vec<ChangeHash> = to.to_vec();
        while let Some(h) = stack.pop() {
            if let Some(c) = by_hash.get(&h)
                && seen.insert(h)
            {
                stack.extend(c.deps().iter().copied());
            }
        }
        seen
    };
    let text_legacy = match &text {
        ObjId::Id(counter, actor, _) => ObjectId::Id(OpId(*counter, actor.clone())),
        ObjId::Root => ObjectId::Root,
    };
    let mut deleted_by: HashMap<(u64, automerge::ActorId), String> = HashMap::new();
    for c in changes.iter().filter(|c| wanted.contains(&c.hash())) {
        let author = author_of(c.actor_id()).unwrap_or_default();
        for op in c.decode().operations {
            if op.obj == text_legacy
                && matches!(op.action, OpType::Delete)
                && let Key::Seq(ElementId::Id(OpId(ctr, actor))) = op.key
            {
                deleted_by.insert((ctr, actor), author.clone());
            }
        }
    }
    let written_by = |id: &ObjId| match id {
        ObjId::Id(_, actor, _) => author_of(actor).unwrap_or_default(),
        ObjId::Root => String::new(),
    };
    let removed_by = |id: &ObjId| match id {
        ObjId::Id(ctr, actor, _) => deleted_by
            .get(&(*ctr, actor.clone()))
            .cloned()
            .unwrap_or_default(),
        ObjId::Root => String::new(),
    };
    let oc: Vec<char> = old.iter().map(|(c, _)| *c).collect();
    let nc: Vec<char> = new.iter().map(|(c, _)| *c).collect();
    // Whole words: a word changed in part is shown removed and added whole.
    let ta = diff::tokens(&oc);
    let tb = diff::tokens(&nc);
    let wa: Vec<&[char]> = ta.iter().map(|r| &oc[r.clone()]).collect();
    let wb: Vec<&[char]> = tb.iter().map(|r| &nc[r.clone()]).collect();
    let mut parts: Vec<DiffPart> = Vec::new();
    let mut push = |kind: DiffKind, chars: &[(char, ObjId)], who: &dyn Fn(&ObjId) -> String| {
        if chars.is_empty() {
            return;
        }
        let text: String = chars.iter().map(|(c, _)| *c).collect();
        let mut authors: Vec<String> = if kind == DiffKind::Same {
            Vec::new()
        } else {
            chars
                .iter()
                .map(|(_, id)| who(id))
                .filter(|a| !a.is_empty())
                .collect()
        };
        authors.sort();
        authors.dedup();
        match parts.last_mut() {
            Some(p) if p.kind == kind && p.authors == authors => p.text.push_str(&text),
            _ => parts.push(DiffPart {
                kind,
                text,
                authors,
            }),
        }
    };
    let at_a = |i: usize| ta.get(i).map_or(oc.len(), |t| t.start);
    let at_b = |i: usize| tb.get(i).map_or(nc.len(), |t| t.start);
    let none = |_: &ObjId| String::new();
    let mut i = 0;
    for h in diff::compare(&wa, &wb) {
        let (a0, a1) = (at_a(h.a.start), at_a(h.a.end));
        let (b0, b1) = (at_b(h.b.start), at_b(h.b.end));
        push(DiffKind::Same, &old[i..a0], &none);
        push(DiffKind::Removed, &old[a0..a1], &removed_by);
        push(DiffKind::Added, &new[b0..b1], &written_by);
        i = a1;
    }
    push(DiffKind::Same, &old[i..], &none);
    Some(parts)
}
