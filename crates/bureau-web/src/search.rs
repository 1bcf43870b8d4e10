//! Finding things: one search across the bureau's records, for the search page and
//! `GET /api/search`.
//!
//! A query is cut into words, and a record matches when every word of the query begins a word
//! of the record (its title, or one of the texts its source lists: a member's organisation, a
//! meeting's agenda, a note's text). Both sides are folded the same way first: lower case,
//! accents and other marks dropped, a few letters written two ways made one ("Genève" is
//! `geneve`, "cœur" is `coeur`, Arabic's hamza-carrying alefs are a bare alef), so that what a
//! delegate types on any keyboard finds what another wrote. A word may also match after
//! Arabic's article, which is written joined to its word (`مدرس` finds `المدرسة`). Records whose title holds every
//! word come first, those whose title begins with the query's first word before them, then
//! the rest; by title within each.
//!
//! The search reads the published snapshot, which is in memory, and folds character by
//! character as it compares, with no index to keep up to date and nothing allocated per word:
//! a bureau's records are searched in one pass over their text. Archived records are left
//! out, as lists leave them out.
//!
//! The sources are a list ([`SOURCES`]): a new kind of record (documents) is one more entry
//! there and one more arm in [`entries`].

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bureau_model::{RecordType, Snapshot};
use serde::Serialize;

use crate::AppState;
use crate::api::{MAX_LIMIT, TOTAL_COUNT, Window};
use crate::error::ApiError;

/// The record types searched, in the order they come in when all else is equal.
pub(crate) const SOURCES: &[RecordType] = &[
    RecordType::Meeting,
    RecordType::Member,
    RecordType::Group,
    RecordType::Room,
    RecordType::Note,
    RecordType::Body,
    RecordType::Document,
    RecordType::Interpreter,
];

/// The longest query, in characters: a search box is for a few words.
pub(crate) const MAX_QUERY_CHARS: usize = 200;

/// The most words a query may have; each costs one comparison per character searched.
pub(crate) const MAX_TERMS: usize = 16;

/// Arabic's article, written joined to its word, folded.
const ARTICLE: [char; 2] = ['ا', 'ل'];

/// Characters of context a snippet shows around the word that matched.
const SNIPPET_BEFORE: usize = 40;
const SNIPPET_AFTER: usize = 120;

/// One character of text as the search sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Folded {
    /// Between words (space, punctuation).
    Sep,
    /// Part of the word but not compared (a combining accent, Arabic's short vowels, the
    /// tatweel that only stretches a word).
    Skip,
    /// Compared as this letter.
    One(char),
    /// Compared as these two letters (`ß` is `ss`, `œ` is `oe`).
    Two(char, char),
}

/// How a character compares: lower case, without its accent.
fn fold_char(c: char) -> Folded {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Folded::One(c.to_ascii_lowercase())
        } else {
            Folded::Sep
        };
    }
    if is_mark(c) {
        return Folded::Skip;
    }
    let lower = c.to_lowercase().next().unwrap_or(c);
    let base = match lower {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' | 'ạ' | 'ả' | 'ấ' | 'ầ' | 'ẩ'
        | 'ẫ' | 'ậ' | 'ắ' | 'ằ' | 'ẳ' | 'ẵ' | 'ặ' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' | 'ð' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'ẹ' | 'ẻ' | 'ẽ' | 'ế' | 'ề' | 'ể'
        | 'ễ' | 'ệ' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' | 'ħ' => 'h',
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' | 'ỉ' | 'ị' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' | 'ơ' | 'ọ' | 'ỏ' | 'ố' | 'ồ'
        | 'ổ' | 'ỗ' | 'ộ' | 'ớ' | 'ờ' | 'ở' | 'ỡ' | 'ợ' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => 's',
        'ţ' | 'ť' | 'ŧ' | 'ț' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' | 'ǖ' | 'ǘ' | 'ǚ' | 'ǜ'
        | 'ư' | 'ụ' | 'ủ' | 'ứ' | 'ừ' | 'ử' | 'ữ' | 'ự' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' | 'ỳ' | 'ỵ' | 'ỷ' | 'ỹ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        'ß' => return Folded::Two('s', 's'),
        'æ' => return Folded::Two('a', 'e'),
        'œ' => return Folded::Two('o', 'e'),
        'þ' => return Folded::Two('t', 'h'),
        // Greek: the tonos and dialytika, and the final sigma.
        'ά' => 'α',
        'έ' => 'ε',
        'ή' => 'η',
        'ί' | 'ϊ' | 'ΐ' => 'ι',
        'ό' => 'ο',
        'ύ' | 'ϋ' | 'ΰ' => 'υ',
        'ώ' => 'ω',
        'ς' => 'σ',
        // Russian writes ё as е as often as not.
        'ё' => 'е',
        // Arabic: the alef with a hamza or madda is often typed bare, the alef maksura as a
        // ya, the ta marbuta as a ha, the hamza on a waw or ya as the letter alone.
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ئ' => 'ي',
        'ة' => 'ه',
        'ؤ' => 'و',
        other if other.is_alphanumeric() => other,
        _ => return Folded::Sep,
    };
    Folded::One(base)
}

/// Combining marks (accents written after their letter), Arabic's short vowels and other
/// marks, and the tatweel: part of a word, but not compared.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05C7}'
        | '\u{0610}'..='\u{061A}'
        | '\u{0640}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{200C}' | '\u{200D}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// Text as the search compares it: folded, words separated by one space. For sorting and for
/// tests; the search itself folds as it goes.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        match fold_char(c) {
            Folded::Sep => gap = !out.is_empty(),
            Folded::Skip => {}
            Folded::One(a) => {
                if std::mem::take(&mut gap) {
                    out.push(' ');
                }
                out.push(a);
            }
            Folded::Two(a, b) => {
                if std::mem::take(&mut gap) {
                    out.push(' ');
                }
                out.push(a);
                out.push(b);
            }
        }
    }
    out
}

/// Why a query cannot be searched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum QueryError {
    /// More than [`MAX_QUERY_CHARS`] characters.
    TooLong,
    /// More than [`MAX_TERMS`] words.
    TooManyWords,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryError::TooLong => write!(f, "at most {MAX_QUERY_CHARS} characters"),
            QueryError::TooManyWords => write!(f, "at most {MAX_TERMS} words"),
        }
    }
}

/// A query: its words, folded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Query {
    terms: Vec<Vec<char>>,
}

impl Query {
    /// Reads what was typed. A query of no word (blank, punctuation) is empty and finds
    /// nothing.
    pub(crate) fn parse(text: &str) -> Result<Query, QueryError> {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        let mut terms: Vec<Vec<char>> = Vec::new();
        for word in fold(text).split(' ').filter(|w| !w.is_empty()) {
            let word: Vec<char> = word.chars().collect();
            if !terms.contains(&word) {
                terms.push(word);
            }
        }
        if terms.len() > MAX_TERMS {
            return Err(QueryError::TooManyWords);
        }
        Ok(Query { terms })
    }

    /// Whether the query has no word.
    pub(crate) fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// Compares texts with a query's words, keeping its scratch space between texts.
struct Matcher<'q> {
    terms: &'q [Vec<char>],
    /// Per word of the query: how many of its letters the current word of the text matched
    /// so far, or `None` once it stopped matching.
    at: Vec<Option<usize>>,
}

impl<'q> Matcher<'q> {
    fn new(q: &'q Query) -> Matcher<'q> {
        Matcher {
            terms: &q.terms,
            at: vec![None; q.terms.len()],
        }
    }

    /// Marks in `found` the query's words that begin a word of `text`; the byte offset of the
    /// first word of the text that matched one not found before, if any.
    fn scan(&mut self, text: &str, found: &mut [bool]) -> Option<usize> {
        let mut first = None;
        let mut in_word = false;
        let mut word_start = 0;
        // Letters of the current word so far, and whether they are the article's.
        let mut word_len = 0;
        let mut article = false;
        for (i, c) in text.char_indices() {
            let (a, b) = match fold_char(c) {
                Folded::Sep => {
                    in_word = false;
                    continue;
                }
                Folded::Skip => continue,
                Folded::One(a) => (a, None),
                Folded::Two(a, b) => (a, Some(b)),
            };
            if !in_word {
                in_word = true;
                word_start = i;
                word_len = 0;
                article = true;
                for (at, done) in self.at.iter_mut().zip(found.iter()) {
                    *at = (!done).then_some(0);
                }
            }
            for letter in std::iter::once(a).chain(b) {
                // Arabic writes the article as the word's first letters: a word of the query
                // may begin after it, as it begins after "l'" in French.
                article &= ARTICLE.get(word_len) == Some(&letter);
                word_len += 1;
                for (t, at) in self.at.iter_mut().enumerate() {
                    let Some(n) = *at else { continue };
                    let term = &self.terms[t];
                    if term.get(n) != Some(&letter) {
                        *at = None;
                    } else if n + 1 == term.len() {
                        *at = None;
                        found[t] = true;
                        first.get_or_insert(word_start);
                    } else {
                        *at = Some(n + 1);
                    }
                }
                if article && word_len == ARTICLE.len() {
                    for (at, done) in self.at.iter_mut().zip(found.iter()) {
                        if at.is_none() && !done {
                            *at = Some(0);
                        }
                    }
                }
            }
            if found.iter().all(|f| *f) {
                break;
            }
        }
        first
    }

    /// Whether the first word of `text` begins with the query's first word.
    fn begins(&mut self, text: &str) -> bool {
        let Some(term) = self.terms.first() else {
            return false;
        };
        let mut n = 0;
        for c in text.chars() {
            let (a, b) = match fold_char(c) {
                Folded::Sep if n == 0 => continue,
                Folded::Sep => return false,
                Folded::Skip => continue,
                Folded::One(a) => (a, None),
                Folded::Two(a, b) => (a, Some(b)),
            };
            for letter in std::iter::once(a).chain(b) {
                if term.get(n) != Some(&letter) {
                    return false;
                }
                n += 1;
                if n == term.len() {
                    return true;
                }
            }
        }
        false
    }
}

/// What a record offers the search: its title and its other texts, in the order a snippet
/// is taken from them.
struct Entry<'a> {
    ty: RecordType,
    id: &'a str,
    title: &'a str,
    texts: Vec<&'a str>,
}

/// Calls `f` with every live record of a source.
fn entries<'a>(snap: &'a Snapshot, ty: RecordType, f: &mut dyn FnMut(Entry<'a>)) {
    let entry = |id: &'a str, title: &'a str, texts: Vec<&'a str>| Entry {
        ty,
        id,
        title,
        texts,
    };
    match ty {
        RecordType::Member => {
            for m in snap.members.values().filter(|m| !m.stamp.archived) {
                f(entry(&m.id, &m.name, vec![&m.organisation, &m.email]));
            }
        }
        RecordType::Group => {
            for g in snap.groups.values().filter(|g| !g.stamp.archived) {
                f(entry(&g.id, &g.name, Vec::new()));
            }
        }
        RecordType::Room => {
            for r in snap.rooms.values().filter(|r| !r.stamp.archived) {
                f(entry(
                    &r.id,
                    &r.name,
                    r.equipment.iter().map(String::as_str).collect(),
                ));
            }
        }
        RecordType::Meeting => {
            for m in snap.meetings.values().filter(|m| !m.stamp.archived) {
                let mut texts = vec![m.agenda.as_str()];
                texts.extend(m.resources.keys().map(String::as_str));
                f(entry(&m.id, &m.title, texts));
            }
        }
        RecordType::Note => {
            for n in snap.notes.values().filter(|n| !n.stamp.archived) {
                let mut texts = vec![n.text.as_str()];
                texts.extend(n.actions.iter().map(|a| a.text.as_str()));
                f(entry(&n.id, &n.title, texts));
            }
        }
        RecordType::Body => {
            for b in snap.bodies.values().filter(|b| !b.stamp.archived) {
                f(entry(&b.id, &b.name, vec![&b.description]));
            }
        }
        RecordType::Document => {
            for d in snap.documents.values().filter(|d| !d.stamp.archived) {
                f(entry(&d.id, &d.title, vec![&d.text]));
            }
        }
        RecordType::Interpreter => {
            for i in snap.interpreters.values().filter(|i| !i.stamp.archived) {
                f(entry(&i.id, &i.name, vec![&i.email, &i.team]));
            }
        }
        RecordType::Device | RecordType::Review => {}
    }
}

/// A record found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Hit {
    /// Its type.
    #[serde(rename = "type")]
    pub(crate) ty: RecordType,
    /// Its id.
    pub(crate) id: String,
    /// Its title (a member's or group's name).
    pub(crate) title: String,
    /// A line of its text: around the word that matched, or its first text when the title
    /// held every word. Empty when it has no other text.
    pub(crate) snippet: String,
    /// Whether the title holds every word of the query.
    #[serde(skip)]
    pub(crate) in_title: bool,
}

/// The records `q` finds, titles first (see the module's documentation).
pub(crate) fn search(snap: &Snapshot, q: &Query) -> Vec<Hit> {
    if q.is_empty() {
        return Vec::new();
    }
    let mut m = Matcher::new(q);
    let mut found = vec![false; q.terms.len()];
    let mut hits: Vec<(u8, String, usize, Hit)> = Vec::new();
    for (order, ty) in SOURCES.iter().enumerate() {
        entries(snap, *ty, &mut |e| {
            found.iter_mut().for_each(|f| *f = false);
            m.scan(e.title, &mut found);
            let in_title = found.iter().all(|f| *f);
            let mut at = None;
            if !in_title {
                for (i, text) in e.texts.iter().enumerate() {
                    if let Some(offset) = m.scan(text, &mut found) {
                        at.get_or_insert((i, offset));
                    }
                    if found.iter().all(|f| *f) {
                        break;
                    }
                }
                if !found.iter().all(|f| *f) {
                    return;
                }
            }
            let snippet = match at {
                Some((i, offset)) => excerpt(e.texts[i], offset),
                None => e
                    .texts
                    .iter()
                    .find(|t| !t.trim().is_empty())
                    .map(|t| excerpt(t, 0))
                    .unwrap_or_default(),
            };
            let rank = match (in_title, in_title && m.begins(e.title)) {
                (true, true) => 0,
                (true, false) => 1,
                _ => 2,
            };
            hits.push((
                rank,
                fold(e.title),
                order,
                Hit {
                    ty: e.ty,
                    id: e.id.to_owned(),
                    title: e.title.to_owned(),
                    snippet,
                    in_title,
                },
            ));
        });
    }
    hits.sort_by(|a, b| (a.0, &a.1, a.2, &a.3.id).cmp(&(b.0, &b.1, b.2, &b.3.id)));
    hits.into_iter().map(|(_, _, _, h)| h).collect()
}

/// A line of `text` around byte `at`: white space made single spaces, cut at words, with an
/// ellipsis where it was cut.
fn excerpt(text: &str, at: usize) -> String {
    let before: Vec<char> = text[..at.min(text.len())].chars().collect();
    let after: Vec<char> = text[at.min(text.len())..].chars().collect();
    let mut from = before.len().saturating_sub(SNIPPET_BEFORE);
    if from > 0 {
        // Start at a word.
        while from < before.len() && !before[from - 1].is_whitespace() {
            from += 1;
        }
    }
    let mut to = after.len().min(SNIPPET_AFTER);
    if to < after.len() {
        while to > 0 && !after[to].is_whitespace() {
            to -= 1;
        }
        if to == 0 {
            to = after.len().min(SNIPPET_AFTER);
        }
    }
    let mut raw: String = before[from..].iter().collect();
    raw.extend(&after[..to]);
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&raw.split_whitespace().collect::<Vec<_>>().join(" "));
    if to < after.len() {
        out.push('…');
    }
    out
}

/// The parameters of `GET /api/search`: `q` (required), `limit` and `offset` as lists take
/// them, each at most once.
fn parse_params(query: Option<&str>) -> Result<(Query, Window), ApiError> {
    let mut q = None;
    let mut limit = None;
    let mut offset = None;
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let slot = match &*key {
            "q" => &mut q,
            "limit" => &mut limit,
            "offset" => &mut offset,
            _ => continue,
        };
        if slot.is_some() {
            return Err(ApiError::field(&*key, "given more than once"));
        }
        *slot = Some(value.into_owned());
    }
    let q = q.ok_or_else(|| ApiError::field("q", "required: the text to search for"))?;
    let q = Query::parse(&q).map_err(|e| ApiError::field("q", e.to_string()))?;
    let number = |field: &str, value: &str| -> Result<usize, ApiError> {
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::field(
                field,
                format!("expected a non-negative integer, found {value:?}"),
            ));
        }
        Ok(value.parse().unwrap_or(usize::MAX))
    };
    let limit = limit
        .map(|l| match number("limit", &l)? {
            n if n > MAX_LIMIT => Err(ApiError::field(
                "limit",
                format!("at most {MAX_LIMIT} records a request, asked for {l}"),
            )),
            n => Ok(n),
        })
        .transpose()?;
    let offset = offset.map(|o| number("offset", &o)).transpose()?;
    Ok((
        q,
        Window {
            offset: offset.unwrap_or(0),
            limit,
        },
    ))
}

/// `GET /api/search?q=TEXT&limit=N&offset=N`: `[{type, id, title, snippet}]`, titles first;
/// every hit without `limit` and `offset`, the number of hits in `X-Total-Count` either way.
pub(crate) async fn api(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (q, window) = parse_params(query.as_deref())?;
    let snap = state.doc.state().snapshot.clone();
    let hits = search(&snap, &q);
    let total = hits.len();
    let from = window.offset.min(total);
    let to = window
        .limit
        .map_or(total, |l| from.saturating_add(l).min(total));
    let body = serde_json::to_vec(&hits[from..to]).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("the results could not be written as JSON: {e}"),
        )
    })?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (TOTAL_COUNT, HeaderValue::from(total)),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_accents_in_several_scripts() {
        assert_eq!(fold("Genève"), "geneve");
        assert_eq!(fold("GENÈVE"), "geneve");
        // The accent written as a combining mark after its letter.
        assert_eq!(fold("Gene\u{300}ve"), "geneve");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("cœur d'Œuvre"), "coeur d oeuvre");
        assert_eq!(fold("Ελληνικά"), "ελληνικα");
        assert_eq!(fold("Ёлка"), "елка");
        // Arabic: short vowels and tatweel dropped, hamza-carrying alef made bare.
        assert_eq!(fold("أَحْمَد"), "احمد");
        assert_eq!(fold("مـدرسة"), "مدرسه");
        assert_eq!(fold("  Room  C-2 "), "room c 2");
    }

    #[test]
    fn queries_are_words_and_limited() {
        assert!(Query::parse("  ,, ").unwrap().is_empty());
        assert_eq!(Query::parse("Gen gen GEN").unwrap().terms.len(), 1);
        assert_eq!(
            Query::parse(&"a ".repeat(150)).unwrap_err(),
            QueryError::TooLong
        );
        let words: Vec<String> = (0..=MAX_TERMS).map(|i| format!("w{i}")).collect();
        assert_eq!(
            Query::parse(&words.join(" ")).unwrap_err(),
            QueryError::TooManyWords
        );
    }

    fn matches(text: &str, query: &str) -> bool {
        let q = Query::parse(query).unwrap();
        let mut m = Matcher::new(&q);
        let mut found = vec![false; q.terms.len()];
        m.scan(text, &mut found);
        found.iter().all(|f| *f)
    }

    #[test]
    fn every_word_of_the_query_must_begin_a_word_of_the_text() {
        assert!(matches("Meeting in Genève", "geneve"));
        assert!(matches("Meeting in Genève", "GEN mee"));
        assert!(matches("Meeting in Genève", "genè"));
        assert!(!matches("Meeting in Genève", "eve"));
        assert!(!matches("Meeting in Genève", "geneva"));
        assert!(!matches("Meeting in Genève", "geneve tokyo"));
        assert!(matches("l'ordre du jour", "ordre"));
        assert!(matches("Straße", "strass"));
        assert!(matches("اجتماع المدرسة", "مدرسه"));
        assert!(matches("Réunion", "reunion"));
        // A word of the query that is also the start of another is found once it begins one.
        assert!(matches("gender", "gen gender"));
    }

    #[test]
    fn snippets_are_cut_at_words() {
        let text = format!("{} needle {}", "before ".repeat(20), "after ".repeat(40));
        let at = text.find("needle").unwrap();
        let s = excerpt(&text, at);
        assert!(s.starts_with("…before"), "{s}");
        assert!(s.contains("needle"), "{s}");
        assert!(s.ends_with("after…"), "{s}");
        assert_eq!(excerpt("Line one\n\nLine  two", 0), "Line one Line two");
    }
}
