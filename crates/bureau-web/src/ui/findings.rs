//! Findings in the reader's language, with links to the records they concern.
//!
//! The model's findings carry an English sentence for the API; the UI writes its own from the
//! finding's kind and the records it names, so that they read well in every catalogue.

use bureau_model::{Finding, FindingKind, Norms, RecordType, RefType, StatusEvent};
use fluent_bundle::FluentValue;
use jiff::ToSpan;
use jiff::civil::Date;
use maud::{Markup, html};

use super::{View, record_url};

/// The wire name of a kind, also the suffix of its catalogue messages.
pub(crate) fn kind_name(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::RoomDoubleBooked => "room-double-booked",
        FindingKind::MemberDoubleBooked => "member-double-booked",
        FindingKind::InterpretationNotCovered => "interpretation-not-covered",
        FindingKind::ArchivedReference => "archived-reference",
        FindingKind::GroupWithoutFocalPoint => "group-without-focal-point",
        FindingKind::ReviewOverdue => "review-overdue",
        FindingKind::GroupInactive => "group-inactive",
        FindingKind::PlenaryConsultationPending => "plenary-consultation-pending",
        FindingKind::ActionOverdue => "action-overdue",
        FindingKind::BoothsTooFew => "booths-too-few",
        FindingKind::BoothTeamTooSmall => "booth-team-too-small",
        FindingKind::InterpreterDoubleBooked => "interpreter-double-booked",
        FindingKind::InterpreterUnavailable => "interpreter-unavailable",
        FindingKind::InterpreterLanguageMismatch => "interpreter-language-mismatch",
        FindingKind::RelayNeeded => "relay-needed",
        FindingKind::InterpreterOverloaded => "interpreter-overloaded",
    }
}

/// Whether a finding concerns a record.
pub(crate) fn concerns(f: &Finding, ty: RecordType, id: &str) -> bool {
    f.refs.iter().any(|r| r.ty == ty && r.id == id)
}

/// The languages a finding names (a booth's, the floor's, a relay's), in order.
fn languages(f: &Finding) -> Vec<&str> {
    f.refs
        .iter()
        .filter(|r| r.ty == RefType::Language)
        .map(|r| r.id.as_str())
        .collect()
}

/// The records of a kind a finding names, in order.
fn ids(f: &Finding, ty: RecordType) -> Vec<&str> {
    f.refs
        .iter()
        .filter(|r| r.ty == ty)
        .map(|r| r.id.as_str())
        .collect()
}

fn date_text(v: &View, s: &str) -> String {
    s.parse::<Date>()
        .map_or_else(|_| s.to_owned(), |d| v.tr.date_long(d))
}

/// Marks where a name goes in a translated sentence, around its index among the names: two
/// private-use characters, which no catalogue and no escaping ever produce.
const NAME_START: char = '\u{E000}';
const NAME_END: char = '\u{E001}';

/// The sentence of a finding in the reader's language, with every name the user typed
/// (records, people, actions) isolated in `<bdi>`: a sentence keeps the direction of the page's
/// language, and a Latin name at the start of an Arabic sentence no longer turns it left to
/// right (as `dir="auto"` on the whole sentence did).
pub(crate) fn sentence(v: &View, f: &Finding) -> Markup {
    let names = std::cell::RefCell::new(Vec::new());
    let text = sentence_text(v, f, &|s: String| {
        let mut names = names.borrow_mut();
        names.push(s);
        format!("{NAME_START}{}{NAME_END}", names.len() - 1).into()
    });
    isolate_names(&text, &names.into_inner())
}

/// `text` as markup, each marked name replaced by the name in `<bdi>`; all of it escaped.
fn isolate_names(text: &str, names: &[String]) -> Markup {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(NAME_START) {
        let (before, after) = rest.split_at(start);
        let after = &after[NAME_START.len_utf8()..];
        let Some(end) = after.find(NAME_END) else {
            break;
        };
        parts.push((before, after[..end].parse::<usize>().ok()));
        rest = &after[end + NAME_END.len_utf8()..];
    }
    html! {
        @for (before, index) in &parts {
            (before)
            @if let Some(name) = index.and_then(|i| names.get(i)) { bdi { (name) } }
        }
        (rest)
    }
}

/// The sentence's text, with each user-typed name passed through `mark`.
fn sentence_text(v: &View, f: &Finding, mark: &dyn Fn(String) -> FluentValue<'static>) -> String {
    let tr = v.tr;
    let name = |ty: RecordType, i: usize| -> FluentValue<'static> {
        mark(
            ids(f, ty)
                .get(i)
                .map(|id| v.record_name(ty, id))
                .unwrap_or_default(),
        )
    };
    let snap = v.snap();
    match f.kind {
        FindingKind::RoomDoubleBooked => tr.ta(
            "finding-room-double-booked",
            &[
                ("room", name(RecordType::Room, 0)),
                ("a", name(RecordType::Meeting, 0)),
                ("b", name(RecordType::Meeting, 1)),
            ],
        ),
        FindingKind::MemberDoubleBooked => tr.ta(
            "finding-member-double-booked",
            &[
                ("member", name(RecordType::Member, 0)),
                ("a", name(RecordType::Meeting, 0)),
                ("b", name(RecordType::Meeting, 1)),
            ],
        ),
        FindingKind::InterpretationNotCovered => {
            let meeting = ids(f, RecordType::Meeting)
                .first()
                .and_then(|id| snap.meetings.get(*id));
            let room = ids(f, RecordType::Room)
                .first()
                .and_then(|id| snap.rooms.get(*id));
            let missing: Vec<String> = match (meeting, room) {
                (Some(m), Some(r)) => m
                    .languages
                    .iter()
                    .filter(|l| !r.booths.contains(l))
                    .map(|l| tr.language(l))
                    .collect(),
                _ => Vec::new(),
            };
            tr.ta(
                "finding-interpretation-not-covered",
                &[
                    ("meeting", name(RecordType::Meeting, 0)),
                    ("room", name(RecordType::Room, 0)),
                    ("languages", tr.list(&missing).into()),
                ],
            )
        }
        FindingKind::ArchivedReference => {
            let (ty, which) = if ids(f, RecordType::Room).is_empty() {
                (RecordType::Group, "group")
            } else {
                (RecordType::Room, "room")
            };
            let target = ids(f, ty).first().copied().unwrap_or_default();
            let known = match ty {
                RecordType::Room => snap.rooms.contains_key(target),
                _ => snap.groups.contains_key(target),
            };
            let id = if known {
                format!("finding-archived-{which}")
            } else {
                format!("finding-unknown-{which}")
            };
            tr.ta(
                &id,
                &[
                    ("meeting", name(RecordType::Meeting, 0)),
                    ("name", name(ty, 0)),
                ],
            )
        }
        FindingKind::GroupWithoutFocalPoint => tr.ta(
            "finding-group-without-focal-point",
            &[("group", name(RecordType::Group, 0))],
        ),
        FindingKind::ReviewOverdue => {
            let interval = i64::from(snap.meta.review_interval_days);
            let from = match ids(f, RecordType::Review).first() {
                Some(id) => snap
                    .reviews
                    .get(*id)
                    .and_then(|r| r.date.parse::<Date>().ok()),
                None => v.zoned(&snap.meta.created_at).map(|z| z.date()),
            };
            let due = from.and_then(|d| d.checked_add(interval.days()).ok());
            tr.ta(
                "finding-review-overdue",
                &[(
                    "date",
                    due.map(|d| tr.date_long(d)).unwrap_or_default().into(),
                )],
            )
        }
        FindingKind::GroupInactive => match ids(f, RecordType::Review).first() {
            Some(id) => {
                let date = snap
                    .reviews
                    .get(*id)
                    .map(|r| date_text(v, &r.date))
                    .unwrap_or_default();
                tr.ta(
                    "finding-group-inactive",
                    &[("group", name(RecordType::Group, 0)), ("date", date.into())],
                )
            }
            // No review named: counted from when the group was created or became active
            // again, the newest entry of its history that made it active.
            None => {
                let group = ids(f, RecordType::Group)
                    .first()
                    .and_then(|id| snap.groups.get(*id));
                let joined = group.and_then(|g| {
                    g.status_history.iter().enumerate().rev().find(|(_, c)| {
                        matches!(c.status, StatusEvent::Active | StatusEvent::Returned)
                    })
                });
                let date = joined
                    .and_then(|(_, c)| v.zoned(&c.at))
                    .map(|z| tr.date_long(z.date()))
                    .unwrap_or_default();
                let id = match joined {
                    Some((0, _)) | None => "finding-group-inactive-created",
                    Some(_) => "finding-group-inactive-active-again",
                };
                tr.ta(
                    id,
                    &[("group", name(RecordType::Group, 0)), ("date", date.into())],
                )
            }
        },
        FindingKind::PlenaryConsultationPending => tr.ta(
            "finding-plenary-consultation-pending",
            &[("note", name(RecordType::Note, 0))],
        ),
        FindingKind::BoothsTooFew
        | FindingKind::BoothTeamTooSmall
        | FindingKind::InterpreterDoubleBooked
        | FindingKind::InterpreterUnavailable
        | FindingKind::InterpreterLanguageMismatch
        | FindingKind::RelayNeeded
        | FindingKind::InterpreterOverloaded => planner_sentence(v, f, &name),
        FindingKind::ActionOverdue => {
            // The finding names the note; its message starts with the action's quoted text.
            let action = ids(f, RecordType::Note)
                .first()
                .and_then(|id| snap.notes.get(*id))
                .and_then(|n| {
                    n.actions.iter().find(|a| {
                        f.message
                            .starts_with(&format!("\u{201c}{}\u{201d}", a.text))
                    })
                });
            match action {
                Some(a) => tr.ta(
                    "finding-action-overdue",
                    &[
                        ("action", mark(a.text.clone())),
                        ("owner", mark(v.member_name(&a.owner))),
                        ("date", date_text(v, &a.due).into()),
                    ],
                ),
                None => tr.ta(
                    "finding-action-overdue-note",
                    &[("note", name(RecordType::Note, 0))],
                ),
            }
        }
    }
}

/// One finding as a list item: its sentence, then links to the records it names (except
/// `here`, the record of the page showing it).
pub(crate) fn item(v: &View, f: &Finding, here: Option<(RecordType, &str)>) -> Markup {
    let links: Vec<(String, String)> = f
        .refs
        .iter()
        .filter_map(|r| Some((r.ty.record()?, r)))
        .filter(|(ty, r)| here != Some((*ty, r.id.as_str())))
        .filter(|(ty, r)| *ty != RecordType::Member || v.snap().members.contains_key(r.id.as_str()))
        .map(|(ty, r)| (record_url(ty, &r.id), v.record_name(ty, &r.id)))
        .collect();
    html! {
        li class={"finding " (kind_name(f.kind))} {
            span.sentence { (sentence(v, f)) }
            @if !links.is_empty() {
                " "
                span.refs {
                    @for (i, (href, label)) in links.iter().enumerate() {
                        @if i > 0 { " · " }
                        a href=(href) dir="auto" { (label) }
                    }
                }
            }
        }
    }
}

/// A list of findings, or nothing when there are none.
pub(crate) fn list(v: &View, findings: &[&Finding], here: Option<(RecordType, &str)>) -> Markup {
    html! {
        @if !findings.is_empty() {
            ul.findings {
                @for f in findings { (item(v, f, here)) }
            }
        }
    }
}

/// The sentence of one of the interpretation planner's findings.
fn planner_sentence(
    v: &View,
    f: &Finding,
    name: &dyn Fn(RecordType, usize) -> FluentValue<'static>,
) -> String {
    let tr = v.tr;
    let snap = v.snap();
    let langs = languages(f);
    let language = |i: usize| -> FluentValue<'static> {
        langs
            .get(i)
            .map(|l| tr.language(l))
            .unwrap_or_default()
            .into()
    };
    let meeting = ids(f, RecordType::Meeting)
        .first()
        .and_then(|id| snap.meetings.get(*id));
    match f.kind {
        FindingKind::BoothsTooFew => {
            let needed = meeting.map_or(0, |m| bureau_model::booths_needed(snap, m));
            let count = ids(f, RecordType::Room)
                .first()
                .and_then(|id| snap.rooms.get(*id))
                .map_or(0, |r| r.booth_count);
            tr.ta(
                "finding-booths-too-few",
                &[
                    ("meeting", name(RecordType::Meeting, 0)),
                    ("room", name(RecordType::Room, 0)),
                    ("needed", needed.into()),
                    ("count", count.into()),
                ],
            )
        }
        FindingKind::BoothTeamTooSmall => {
            let needed = meeting
                .and_then(|m| {
                    let (s, e) = (v.zoned(&m.start)?, v.zoned(&m.end)?);
                    let minutes = e.timestamp().duration_since(s.timestamp()).as_mins();
                    Some(Norms::of(snap).team_size(minutes, m.languages.len()))
                })
                .unwrap_or_default();
            tr.ta(
                "finding-booth-team-too-small",
                &[
                    ("meeting", name(RecordType::Meeting, 0)),
                    ("language", language(0)),
                    ("size", ids(f, RecordType::Interpreter).len().into()),
                    ("needed", needed.into()),
                ],
            )
        }
        FindingKind::InterpreterDoubleBooked => tr.ta(
            "finding-interpreter-double-booked",
            &[
                ("interpreter", name(RecordType::Interpreter, 0)),
                ("a", name(RecordType::Meeting, 0)),
                ("b", name(RecordType::Meeting, 1)),
            ],
        ),
        FindingKind::InterpreterUnavailable => tr.ta(
            "finding-interpreter-unavailable",
            &[
                ("interpreter", name(RecordType::Interpreter, 0)),
                ("meeting", name(RecordType::Meeting, 0)),
            ],
        ),
        FindingKind::InterpreterLanguageMismatch => tr.ta(
            "finding-interpreter-language-mismatch",
            &[
                ("interpreter", name(RecordType::Interpreter, 0)),
                ("meeting", name(RecordType::Meeting, 0)),
                ("language", language(0)),
            ],
        ),
        FindingKind::RelayNeeded => {
            let id = if langs.len() > 2 {
                "finding-relay-needed"
            } else {
                "finding-relay-needed-none"
            };
            tr.ta(
                id,
                &[
                    ("meeting", name(RecordType::Meeting, 0)),
                    ("booth", language(0)),
                    ("floor", language(1)),
                    ("from", language(2)),
                ],
            )
        }
        FindingKind::InterpreterOverloaded => {
            let interpreter = ids(f, RecordType::Interpreter)
                .first()
                .copied()
                .unwrap_or_default();
            let meetings = ids(f, RecordType::Meeting);
            let day = bureau_model::interpreter_days(snap, interpreter)
                .into_iter()
                .find(|(_, (_, ms))| meetings.iter().all(|m| ms.iter().any(|x| x == m)));
            let (date, minutes) =
                day.map_or((String::new(), 0), |(d, (min, _))| (tr.date_long(d), min));
            tr.ta(
                "finding-interpreter-overloaded",
                &[
                    ("interpreter", name(RecordType::Interpreter, 0)),
                    ("minutes", minutes.into()),
                    ("date", date.into()),
                    ("limit", Norms::of(snap).interpreter_daily_minutes.into()),
                ],
            )
        }
        _ => f.message.clone(),
    }
}
