//! Field checks shared by every edit: lengths, single lines, names that read as they show,
//! sets, language codes, peer ids, dates and meeting times (and the form times are stored in).
//!
//! Invariants:
//! - A check only reads its argument; it never touches the document, so an edit can run every
//!   check before it writes anything.
//! - A refusal is an [`EditError::Invalid`] naming the field as the API spells it, with what is
//!   expected.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use crate::edit::{EditError, invalid};
use crate::schema::{SET_MAX, SHORT_MAX, TEXT_MAX};

pub(crate) fn check_required(field: &str, v: &str) -> Result<(), EditError> {
    if v.trim().is_empty() {
        Err(invalid(field, "must not be empty"))
    } else {
        Ok(())
    }
}

pub(crate) fn check_short(field: &str, v: &str) -> Result<(), EditError> {
    if v.chars().count() > SHORT_MAX {
        return Err(invalid(
            field,
            format!("is longer than {SHORT_MAX} characters"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\t') {
        return Err(invalid(
            field,
            "must be a single line without control characters",
        ));
    }
    Ok(())
}

/// A name or title: a short single line that reads as it shows. Besides [`check_short`], it
/// refuses characters that change how the rest of the line is laid out or that show nothing:
/// the bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069),
/// with which "Amina" can be made to display as another name, and every other format
/// character (Unicode category Cf: zero-width space, word joiner, byte-order mark, soft
/// hyphen, directional marks, ...), with which two names that look the same differ. The two
/// joiners U+200C and U+200D are kept: Persian, Arabic and Indic names and emoji sequences
/// need them. The tag characters that spell a subdivision flag right after U+1F3F4 are kept
/// too, since they are part of that one emoji.
pub fn check_name(field: &str, v: &str) -> Result<(), EditError> {
    check_short(field, v)?;
    if let Some(c) = hidden_char(v) {
        return Err(invalid(
            field,
            format!(
                "contains the invisible or text-direction character U+{:04X}; remove it",
                u32::from(c)
            ),
        ));
    }
    Ok(())
}

/// The first character of `v` a name may not hold (see [`check_name`]), if any.
pub fn hidden_char(v: &str) -> Option<char> {
    // Inside a flag's tag sequence: after U+1F3F4, until the cancel tag U+E007F.
    let mut in_flag_tags = false;
    let mut prev = None;
    for c in v.chars() {
        let tag = ('\u{E0020}'..='\u{E007E}').contains(&c);
        let cancel = c == '\u{E007F}';
        if tag || cancel {
            if in_flag_tags || prev == Some('\u{1F3F4}') {
                in_flag_tags = tag;
                prev = Some(c);
                continue;
            }
            return Some(c);
        }
        in_flag_tags = false;
        if is_format_char(c) && c != '\u{200C}' && c != '\u{200D}' {
            return Some(c);
        }
        // Line and paragraph separators (Zl, Zp) break a name over lines like a newline, and
        // the Hangul fillers show nothing though they are letters.
        if matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}'
        ) {
            return Some(c);
        }
        prev = Some(c);
    }
    None
}

/// Whether `c` is in Unicode's general category Cf (format), as of Unicode 16.
fn is_format_char(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

pub(crate) fn check_text(field: &str, v: &str) -> Result<(), EditError> {
    if v.chars().count() > TEXT_MAX {
        return Err(invalid(
            field,
            format!("is longer than {TEXT_MAX} characters"),
        ));
    }
    Ok(())
}

pub(crate) fn check_set(field: &str, values: &[String]) -> Result<(), EditError> {
    if values.len() > SET_MAX {
        return Err(invalid(field, format!("at most {SET_MAX} entries")));
    }
    for v in values {
        check_required(field, v)?;
        check_short(field, v)?;
    }
    Ok(())
}

/// Language codes in the short BCP 47 form delegates use: `en`, `fr`, `ar`, `zh-Hans`.
pub(crate) fn check_languages(field: &str, langs: &[String]) -> Result<(), EditError> {
    check_set(field, langs)?;
    for l in langs {
        if !is_language_code(l) {
            return Err(invalid(
                field,
                format!("{l:?} is not a language code such as \"en\" or \"zh-Hans\""),
            ));
        }
    }
    Ok(())
}

/// Whether `s` looks like a BCP 47 language tag: 2–3 lowercase letters, then subtags.
pub fn is_language_code(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

pub(crate) fn check_peer_id(peer_id: &str) -> Result<(), EditError> {
    let ok =
        (20..=128).contains(&peer_id.len()) && peer_id.chars().all(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(invalid("peer_id", format!("{peer_id:?} is not a peer id")))
    }
}

pub(crate) fn parse_date(field: &str, s: &str) -> Result<Date, EditError> {
    s.parse::<Date>()
        .map_err(|_| invalid(field, format!("{s:?} is not a date like 2025-11-16")))
}

/// Parses a meeting time: RFC 3339 with an offset, or a civil time taken in the venue's zone.
pub fn parse_time(field: &str, s: &str, tz: &TimeZone) -> Result<Zoned, EditError> {
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Ok(ts.to_zoned(tz.clone()));
    }
    if let Ok(dt) = s.parse::<DateTime>()
        && let Ok(z) = dt.to_zoned(tz.clone())
    {
        return Ok(z);
    }
    Err(invalid(
        field,
        format!("{s:?} is not a date-time like 2025-11-16T09:00:00+01:00"),
    ))
}

/// RFC 3339 with the zone's offset at that instant, as stored in the document.
pub fn format_time(z: &Zoned) -> String {
    z.timestamp().display_with_offset(z.offset()).to_string()
}
