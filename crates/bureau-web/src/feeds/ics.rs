//! iCalendar (RFC 5545) text, written by hand: content lines ending in CRLF and folded at 75
//! octets (never inside a character), TEXT values escaped, times in the venue's zone with a
//! `VTIMEZONE` that gives its offsets over the feed's span (from the zone database, as
//! observed transitions without rules, which every reader understands), or in UTC when the
//! bureau names no zone this node knows.

use std::fmt::Write as _;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan as _, Zoned};

/// Longest content line, in octets, CRLF not counted (RFC 5545, 3.1).
const LINE_OCTETS: usize = 75;

/// A calendar being written.
pub(crate) struct Calendar {
    out: String,
}

impl Calendar {
    /// `BEGIN:VCALENDAR` with the product, version and the calendar's name.
    pub(crate) fn new(name: &str) -> Calendar {
        let mut c = Calendar { out: String::new() };
        c.line("BEGIN:VCALENDAR");
        c.line("VERSION:2.0");
        c.line("PRODID:-//bureau//calendar feeds//EN");
        c.line("CALSCALE:GREGORIAN");
        c.line("METHOD:PUBLISH");
        c.text("X-WR-CALNAME", name);
        c
    }

    /// One content line, folded.
    pub(crate) fn line(&mut self, line: &str) {
        fold_into(&mut self.out, line);
    }

    /// A property whose value is TEXT, escaped.
    pub(crate) fn text(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{}", escape(value)));
    }

    /// `END:VCALENDAR`, and the text.
    pub(crate) fn finish(mut self) -> String {
        self.line("END:VCALENDAR");
        self.out
    }
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545, 3.3.11).
/// Other control characters are not allowed in TEXT and are left out.
pub(crate) fn escape(value: &str) -> String {
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded at [`LINE_OCTETS`] octets, each continuation starting with a space
/// (which counts towards its line's octets), never splitting a character, then CRLF.
fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if used + n > LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(ch);
        used += n;
    }
    out.push_str("\r\n");
}

/// How times are written: in a named zone (with its `VTIMEZONE`) or in UTC.
pub(crate) enum Times {
    Zone { name: String, tz: TimeZone },
    Utc,
}

impl Times {
    /// The venue's zone when this node knows it (a fixed offset or UTC itself is written as
    /// UTC: there is nothing a `VTIMEZONE` would add).
    pub(crate) fn of(name: &str) -> Times {
        match TimeZone::get(name) {
            Ok(tz) if tz.iana_name().is_some_and(|n| n != "UTC" && n != "Etc/UTC") => Times::Zone {
                name: name.to_owned(),
                tz,
            },
            _ => Times::Utc,
        }
    }

    /// A `DTSTART`/`DTEND` property (`name`) for `at`.
    pub(crate) fn property(&self, name: &str, at: Timestamp) -> String {
        match self {
            Times::Zone { name: zone, tz } => {
                let local = at.to_zoned(tz.clone());
                format!(
                    "{name};TZID={}:{}",
                    param(zone),
                    local.strftime("%Y%m%dT%H%M%S")
                )
            }
            Times::Utc => format!("{name}:{}", utc(at)),
        }
    }

    /// The `VTIMEZONE` that covers `from` to `to`: the offset in effect at `from` and every
    /// transition until `to`. Nothing for UTC.
    pub(crate) fn vtimezone(&self, cal: &mut Calendar, from: Timestamp, to: Timestamp) {
        let Times::Zone { name, tz } = self else {
            return;
        };
        cal.line("BEGIN:VTIMEZONE");
        cal.line(&format!("TZID:{}", escape(name)));
        // The transition that set the offset in effect at `from`, if the zone had one.
        let first = tz
            .preceding(from.saturating_add(1.second()).unwrap_or(from))
            .next();
        match &first {
            Some(t) => observance(cal, tz, t.timestamp()),
            None => {
                let offset = tz.to_offset(from);
                let kind = "STANDARD";
                cal.line(&format!("BEGIN:{kind}"));
                cal.line("DTSTART:19700101T000000");
                cal.line(&format!("TZOFFSETFROM:{}", offset_text(offset)));
                cal.line(&format!("TZOFFSETTO:{}", offset_text(offset)));
                cal.line(&format!("END:{kind}"));
            }
        }
        for t in tz.following(from) {
            if t.timestamp() > to {
                break;
            }
            observance(cal, tz, t.timestamp());
        }
        cal.line("END:VTIMEZONE");
    }
}

/// One `STANDARD` or `DAYLIGHT` observance: the transition at `at`, its onset in the local
/// time before it, the offsets before and after, and the zone's abbreviation after.
fn observance(cal: &mut Calendar, tz: &TimeZone, at: Timestamp) {
    let info = tz.to_offset_info(at);
    let (after, dst, abbreviation) = (info.offset(), info.dst(), info.abbreviation());
    let before = tz.to_offset(at.saturating_sub(1.second()).unwrap_or(at));
    let kind = if dst.is_dst() { "DAYLIGHT" } else { "STANDARD" };
    let onset = at.to_zoned(TimeZone::fixed(before));
    cal.line(&format!("BEGIN:{kind}"));
    cal.line(&format!("DTSTART:{}", onset.strftime("%Y%m%dT%H%M%S")));
    cal.line(&format!("TZOFFSETFROM:{}", offset_text(before)));
    cal.line(&format!("TZOFFSETTO:{}", offset_text(after)));
    if !abbreviation.is_empty() {
        cal.text("TZNAME", abbreviation);
    }
    cal.line(&format!("END:{kind}"));
}

/// `+hhmm` or `+hhmmss` (RFC 5545, 3.3.14).
fn offset_text(offset: jiff::tz::Offset) -> String {
    let secs = offset.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = format!("{sign}{h:02}{m:02}");
    if s != 0 {
        let _ = write!(out, "{s:02}");
    }
    out
}

/// A UTC date-time (`20251116T080000Z`).
pub(crate) fn utc(at: Timestamp) -> String {
    at.to_zoned(TimeZone::UTC)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// A parameter value: quoted when it holds a character a bare one may not (RFC 5545, 3.1);
/// double quotes, which no quoting can carry, are left out.
fn param(value: &str) -> String {
    let value: String = value
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    if value.contains([';', ':', ',']) {
        format!("\"{value}\"")
    } else {
        value
    }
}

/// An instant from RFC 3339 text, if it is one.
pub(crate) fn instant(text: &str) -> Option<Timestamp> {
    text.parse::<Timestamp>()
        .ok()
        .or_else(|| text.parse::<Zoned>().ok().map(|z| z.timestamp()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_folded_at_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        let long = format!("DESCRIPTION:{}", "é".repeat(100));
        fold_into(&mut out, &long);
        assert!(out.ends_with("\r\n"));
        let lines: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() > 2);
        for (i, l) in lines.iter().enumerate() {
            assert!(l.len() <= LINE_OCTETS, "line {i} has {} octets", l.len());
            assert_eq!(i > 0, l.starts_with(' '));
        }
        let unfolded: String = lines
            .iter()
            .enumerate()
            .map(|(i, l)| if i == 0 { *l } else { &l[1..] })
            .collect();
        assert_eq!(unfolded, long);
    }

    #[test]
    fn text_escapes_commas_semicolons_backslashes_and_newlines() {
        assert_eq!(
            escape("a,b;c\\d\r\ne\rf\ng\u{7}"),
            "a\\,b\\;c\\\\d\\ne\\nf\\ng"
        );
    }

    #[test]
    fn offsets_are_written_as_rfc_5545_has_them() {
        assert_eq!(offset_text(jiff::tz::offset(1)), "+0100");
        assert_eq!(
            offset_text(jiff::tz::Offset::from_seconds(-(3 * 3600 + 30 * 60)).unwrap()),
            "-0330"
        );
    }
}
