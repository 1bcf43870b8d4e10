//! The interpretation planner's checks: whether each meeting has the booths and the people to
//! run it, and whether each interpreter's day holds together. They are findings like the
//! others (see `findings`): computed after every merge, so two laptops that each seated the
//! same interpreter offline both learn of it.
//!
//! Two parts, matching the findings index: the checks of one meeting (its booths against its
//! room and the norms, its interpreters' languages) and the checks of one interpreter (their
//! meetings overlapping, outside their availability, or adding up to more than a day's work).
//!
//! The numbers come from [`Norms`], the bureau's setting (DESIGN section 6, "Settings").

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

use crate::findings::{Finding, FindingKind, Ref, RefType};
use crate::read::Snapshot;
use crate::records::*;

/// The professional norms the planner checks against, as numbers.
///
/// Source: AIIC (International Association of Conference Interpreters), Professional
/// Standards (team strength) and the working conditions of its agreements with the United
/// Nations: one interpreter alone only for short meetings (up to 40 minutes), two per booth up
/// to three hours, three beyond; with three or more languages at least two per booth at any
/// length; at most six hours in the booth in a day. The table with its defaults and ranges is
/// the bureau's `settings` record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Norms {
    /// Longest meeting one interpreter covers alone, in minutes.
    pub booth_solo_max_minutes: u32,
    /// Longest meeting a booth of two covers, in minutes; beyond it, three.
    pub booth_pair_max_minutes: u32,
    /// From this many meeting languages, at least two per booth at any length.
    pub booth_pair_from_languages: u32,
    /// Most minutes in a booth for one interpreter in a day.
    pub interpreter_daily_minutes: u32,
}

impl Default for Norms {
    fn default() -> Norms {
        Norms {
            booth_solo_max_minutes: 40,
            booth_pair_max_minutes: 180,
            booth_pair_from_languages: 3,
            interpreter_daily_minutes: 360,
        }
    }
}

impl From<&crate::Settings> for Norms {
    fn from(s: &crate::Settings) -> Norms {
        Norms {
            booth_solo_max_minutes: s.booth_solo_max_minutes,
            booth_pair_max_minutes: s.booth_pair_max_minutes,
            booth_pair_from_languages: s.booth_pair_from_languages,
            interpreter_daily_minutes: s.interpreter_daily_minutes,
        }
    }
}

impl Norms {
    /// The norms a snapshot's bureau works to: its settings as they take effect.
    pub fn of(snap: &Snapshot) -> Norms {
        Norms::from(&snap.settings)
    }

    /// How many interpreters a booth needs for a meeting of `minutes` in `languages`
    /// languages.
    pub fn team_size(&self, minutes: i64, languages: usize) -> usize {
        let by_length = if minutes <= i64::from(self.booth_solo_max_minutes) {
            1
        } else if minutes <= i64::from(self.booth_pair_max_minutes) {
            2
        } else {
            3
        };
        let from = usize::try_from(self.booth_pair_from_languages).unwrap_or(usize::MAX);
        if languages >= from {
            by_length.max(2)
        } else {
            by_length
        }
    }
}

fn rec(ty: RecordType, id: &str) -> Ref {
    Ref {
        ty: RefType::Record(ty),
        id: id.into(),
    }
}

fn lang(code: &str) -> Ref {
    Ref {
        ty: RefType::Language,
        id: code.into(),
    }
}

fn interpreter_name<'a>(snap: &'a Snapshot, id: &'a str) -> &'a str {
    snap.interpreters.get(id).map_or(id, |i| i.name.as_str())
}

/// The booth languages a meeting needs: its staffed booths (whatever they serve), plus a
/// booth for each of its languages no staffed booth works into. A booth works into its own
/// language, and also into another when everyone in it works into both (a retour booth).
pub fn booths_needed(snap: &Snapshot, m: &Meeting) -> usize {
    let covered = |l: &str| {
        m.booths.iter().any(|b| {
            b.language == l
                || b.interpreters.iter().all(|i| {
                    snap.interpreters
                        .get(i)
                        .is_some_and(|x| x.languages.works_into(l))
                })
        })
    };
    m.booths.len() + m.languages.iter().filter(|l| !covered(l.as_str())).count()
}

/// The planner's checks of one live meeting: enough booths in its room, each booth's team
/// large enough, its interpreters working into its language, and relay where a booth does not
/// understand a language of the floor.
pub(crate) fn meeting_plan_checks(
    snap: &Snapshot,
    m: &Meeting,
    start: Timestamp,
    end: Timestamp,
    norms: &Norms,
    out: &mut Vec<Finding>,
) {
    // One working language needs no booth at all.
    if m.languages.len() > 1
        && let Some(room) = snap.rooms.get(&m.room_id)
    {
        let needed = booths_needed(snap, m);
        if needed > room.booth_count as usize {
            out.push(Finding {
                kind: FindingKind::BoothsTooFew,
                message: format!(
                    "\u{201c}{}\u{201d} needs {needed} booths but {} has {}",
                    m.title, room.name, room.booth_count
                ),
                refs: vec![
                    rec(RecordType::Meeting, &m.id),
                    rec(RecordType::Room, &room.id),
                ],
            });
        }
    }
    let minutes = end.duration_since(start).as_mins();
    let need = norms.team_size(minutes, m.languages.len());
    for b in &m.booths {
        if b.interpreters.len() < need {
            let mut refs = vec![rec(RecordType::Meeting, &m.id), lang(&b.language)];
            refs.extend(
                b.interpreters
                    .iter()
                    .map(|i| rec(RecordType::Interpreter, i)),
            );
            out.push(Finding {
                kind: FindingKind::BoothTeamTooSmall,
                message: format!(
                    "the {} booth of \u{201c}{}\u{201d} has {} interpreters; {minutes} minutes in {} languages need {need}",
                    b.language,
                    m.title,
                    b.interpreters.len(),
                    m.languages.len()
                ),
                refs,
            });
        }
        for i in &b.interpreters {
            let Some(x) = snap.interpreters.get(i) else {
                continue;
            };
            if !x.languages.works_into(&b.language) {
                out.push(Finding {
                    kind: FindingKind::InterpreterLanguageMismatch,
                    message: format!(
                        "{} sits in the {} booth of \u{201c}{}\u{201d} but does not work into {}",
                        x.name, b.language, m.title, b.language
                    ),
                    refs: vec![
                        rec(RecordType::Meeting, &m.id),
                        lang(&b.language),
                        rec(RecordType::Interpreter, i),
                    ],
                });
            }
        }
        let understands = |booth: &Booth, l: &str| {
            booth.interpreters.iter().any(|i| {
                snap.interpreters
                    .get(i)
                    .is_some_and(|x| x.languages.understands(l))
            })
        };
        for floor in m.languages.iter().filter(|l| **l != b.language) {
            if understands(b, floor) {
                continue;
            }
            // Another booth that takes the floor language and works into one this booth
            // understands can give relay.
            let from = m.booths.iter().find(|o| {
                o.language != b.language && understands(o, floor) && understands(b, &o.language)
            });
            let mut refs = vec![
                rec(RecordType::Meeting, &m.id),
                lang(&b.language),
                lang(floor),
            ];
            let message = match from {
                Some(o) => {
                    refs.push(lang(&o.language));
                    format!(
                        "in \u{201c}{}\u{201d} nobody in the {} booth understands {}: it takes relay from the {} booth",
                        m.title, b.language, floor, o.language
                    )
                }
                None => format!(
                    "in \u{201c}{}\u{201d} nobody in the {} booth understands {}, and no booth can give it relay",
                    m.title, b.language, floor
                ),
            };
            out.push(Finding {
                kind: FindingKind::RelayNeeded,
                message,
                refs,
            });
        }
    }
}

/// One of an interpreter's meetings: its id and times.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seat<'a> {
    pub(crate) start: Timestamp,
    pub(crate) end: Timestamp,
    pub(crate) id: &'a str,
}

/// The stretch of each day a time span covers in `tz`: (day, from, to), `to` `None` for the
/// end of the day. Empty stretches (a meeting ending at midnight) are left out.
fn days_of(start: Timestamp, end: Timestamp, tz: &TimeZone) -> Vec<(Date, Time, Option<Time>)> {
    let (s, e) = (start.to_zoned(tz.clone()), end.to_zoned(tz.clone()));
    let mut out = Vec::new();
    let mut day = s.date();
    // A meeting lasts at most fourteen days; the bound keeps odd data from looping long.
    for _ in 0..32 {
        if day > e.date() {
            break;
        }
        let from = if day == s.date() {
            s.time()
        } else {
            Time::midnight()
        };
        let to = (day == e.date()).then(|| e.time());
        if to.is_none_or(|t| t > from) {
            out.push((day, from, to));
        }
        let Ok(next) = day.tomorrow() else { break };
        day = next;
    }
    out
}

/// Whether an availability entry covers the stretch `from..to` of its day.
fn covers(a: &Availability, from: Time, to: Option<Time>) -> bool {
    let parse = |t: &Option<String>| t.as_deref().map(|t| t.parse::<Time>().ok());
    let starts_ok = match parse(&a.from) {
        None => true,
        Some(Some(f)) => f <= from,
        Some(None) => false,
    };
    let ends_ok = match (parse(&a.to), to) {
        (None, _) => true,
        (Some(Some(t)), Some(to)) => t >= to,
        _ => false,
    };
    starts_ok && ends_ok
}

/// The minutes between two times of day (`None`: the day's end).
fn minutes_between(from: Time, to: Option<Time>) -> i64 {
    let end = to.map_or(24 * 60, |t| {
        i64::from(t.hour()) * 60 + i64::from(t.minute())
    });
    end - (i64::from(from.hour()) * 60 + i64::from(from.minute()))
}

/// The checks of one interpreter over their live meetings sorted by (start, id): two that
/// overlap, one outside their availability, a day's minutes over the norm.
pub(crate) fn interpreter_checks(
    snap: &Snapshot,
    id: &str,
    seats: &[Seat<'_>],
    norms: &Norms,
    tz: &TimeZone,
    out: &mut Vec<Finding>,
) {
    let name = interpreter_name(snap, id);
    let title = |m: &str| snap.meetings.get(m).map_or("", |m| m.title.as_str());
    let seat_language = |m: &str| {
        snap.meetings.get(m).and_then(|m| {
            m.booths
                .iter()
                .find(|b| b.interpreters.iter().any(|i| i == id))
                .map(|b| b.language.clone())
        })
    };
    for (i, a) in seats.iter().enumerate() {
        for b in &seats[i + 1..] {
            if b.start >= a.end {
                break;
            }
            out.push(Finding {
                kind: FindingKind::InterpreterDoubleBooked,
                message: format!(
                    "{name} is seated in \u{201c}{}\u{201d} and \u{201c}{}\u{201d} at the same time",
                    title(a.id),
                    title(b.id)
                ),
                refs: vec![
                    rec(RecordType::Interpreter, id),
                    rec(RecordType::Meeting, a.id),
                    rec(RecordType::Meeting, b.id),
                ],
            });
        }
    }
    let interpreter = snap.interpreters.get(id);
    let mut by_day: BTreeMap<Date, (i64, Vec<&str>)> = BTreeMap::new();
    for s in seats {
        let days = days_of(s.start, s.end, tz);
        if let Some(x) = interpreter.filter(|x| !x.available.is_empty()) {
            let available = days.iter().all(|(day, from, to)| {
                let day = day.to_string();
                x.available
                    .iter()
                    .any(|a| a.date == day && covers(a, *from, *to))
            });
            if !available {
                let mut refs = vec![
                    rec(RecordType::Interpreter, id),
                    rec(RecordType::Meeting, s.id),
                ];
                refs.extend(seat_language(s.id).map(|l| lang(&l)));
                out.push(Finding {
                    kind: FindingKind::InterpreterUnavailable,
                    message: format!(
                        "{name} is seated in \u{201c}{}\u{201d} but is not available then",
                        title(s.id)
                    ),
                    refs,
                });
            }
        }
        for (day, from, to) in days {
            let entry = by_day.entry(day).or_default();
            entry.0 += minutes_between(from, to);
            entry.1.push(s.id);
        }
    }
    for (day, (minutes, meetings)) in by_day {
        if minutes > i64::from(norms.interpreter_daily_minutes) {
            let mut refs = vec![rec(RecordType::Interpreter, id)];
            refs.extend(meetings.iter().map(|m| rec(RecordType::Meeting, m)));
            out.push(Finding {
                kind: FindingKind::InterpreterOverloaded,
                message: format!(
                    "{name} is in the booth {minutes} minutes on {day}, more than {}",
                    norms.interpreter_daily_minutes
                ),
                refs,
            });
        }
    }
}

/// An interpreter's minutes in a booth per day of the venue, with the meetings of each day
/// (live meetings only, in (start, id) order), as the daily-load check counts them.
pub fn interpreter_days(snap: &Snapshot, id: &str) -> BTreeMap<Date, (i64, Vec<String>)> {
    let tz = TimeZone::get(&snap.meta.timezone).unwrap_or(TimeZone::UTC);
    let mut seats: Vec<(Timestamp, Timestamp, &str)> = snap
        .meetings
        .values()
        .filter(|m| !m.stamp.archived && m.status != MeetingStatus::Cancelled)
        .filter(|m| {
            m.booths
                .iter()
                .any(|b| b.interpreters.iter().any(|i| i == id))
        })
        .filter_map(|m| {
            let (s, e) = (m.start.parse().ok()?, m.end.parse().ok()?);
            (e > s).then_some((s, e, m.id.as_str()))
        })
        .collect();
    seats.sort();
    let mut out: BTreeMap<Date, (i64, Vec<String>)> = BTreeMap::new();
    for (s, e, m) in seats {
        for (day, from, to) in days_of(s, e, &tz) {
            let entry = out.entry(day).or_default();
            entry.0 += minutes_between(from, to);
            entry.1.push(m.to_owned());
        }
    }
    out
}
