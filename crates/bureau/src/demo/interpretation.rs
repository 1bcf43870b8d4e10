//! The demo's interpretation plan: interpreters for the six languages and a first day whose
//! booths show each of the planner's findings (a booth one interpreter short, an interpreter
//! assigned twice and over the daily limit, one not yet available, one in a booth they do not
//! work into, the Chinese booth taking relay from English, a joint session needing more
//! booths than its room has).

use anyhow::{Result, anyhow};
use bureau_doc::DocHandle;
use bureau_model::*;
use jiff::civil::Date;

/// Interpreters: name, A, B and C languages, team, and the days they are available (`day0`
/// stands for the first day of the demo, `day1` for the next; empty: any time).
const INTERPRETERS: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("Margaret Hughes", "en", "fr", "es ru ar", "Geneva pool", ""),
    ("Siobhan Kelly", "en", "es", "fr zh", "Geneva pool", ""),
    ("David Osei", "en", "", "fr ar zh", "Accra team", ""),
    ("Hélène Rousseau", "fr", "en", "es ru zh", "Geneva pool", ""),
    ("Mamadou Sow", "fr", "", "en ar es", "Dakar team", ""),
    ("Sophie Laurent", "fr", "en", "ar", "Geneva pool", ""),
    ("Carolina Ruiz", "es", "en", "fr ru zh", "Geneva pool", ""),
    (
        "Javier Molina",
        "es",
        "",
        "en fr ar",
        "Geneva pool",
        "day0/14:00- day1",
    ),
    ("Yasmine El Amrani", "ar", "fr", "en ru", "Tunis team", ""),
    ("Omar Farouk", "ar", "en", "es zh", "Tunis team", ""),
    (
        "Natalia Sokolova",
        "ru",
        "en",
        "fr es zh",
        "Geneva pool",
        "",
    ),
    ("Dmitri Orlov", "ru", "", "en ar", "Geneva pool", ""),
    ("Li Na", "zh", "en", "fr es", "Beijing team", ""),
    ("Zhang Wei", "zh", "en", "fr ru", "Beijing team", "day1"),
];

/// The first day's seats: meeting title, then `language:interpreter` by index into
/// [`INTERPRETERS`].
const SEATS: &[(&str, &[(&str, usize)])] = &[
    (
        "Gender Caucus strategy session",
        &[("en", 0), ("en", 2), ("fr", 3), ("fr", 4)],
    ),
    // Margaret Hughes again, while the Gender Caucus is still sitting.
    (
        "Human Rights Caucus: drafting the statement",
        &[("en", 0), ("en", 1)],
    ),
    // Dmitri Orlov does not work into French; Javier Molina is free only from 14:00.
    (
        "Briefing by the Executive Secretariat",
        &[
            ("en", 1),
            ("en", 2),
            ("fr", 3),
            ("fr", 11),
            ("es", 6),
            ("es", 7),
        ],
    ),
    (
        JOINT,
        &[
            ("en", 0),
            ("en", 2),
            ("fr", 5),
            ("fr", 4),
            ("ar", 8),
            ("ar", 9),
        ],
    ),
    // Li Na alone in the Chinese booth, with no Arabic or Russian: relay from English.
    (
        "Civil Society Plenary",
        &[
            ("en", 0),
            ("en", 1),
            ("fr", 3),
            ("fr", 4),
            ("es", 6),
            ("es", 7),
            ("ar", 8),
            ("ar", 9),
            ("ru", 10),
            ("ru", 11),
            ("zh", 12),
        ],
    ),
];

/// A meeting of three languages in a room with two booths.
const JOINT: &str = "Arab and African caucuses: joint session";

fn langs(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

/// Adds the interpreters, the joint session (in `room`, organised by `organiser`) and the
/// first day's seats.
pub(crate) async fn populate(
    doc: &DocHandle,
    today: Date,
    room: &str,
    organiser: &str,
) -> Result<()> {
    let tomorrow = today.tomorrow()?;
    let mut ids = Vec::new();
    for (name, a, b, c, team, days) in INTERPRETERS {
        let available = days
            .split_whitespace()
            .map(|d| {
                d.replace("day0", &today.to_string())
                    .replace("day1", &tomorrow.to_string())
            })
            .collect();
        let email = format!(
            "{}@interpreters.example.org",
            name.to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '.' })
                .collect::<String>()
        );
        let applied = doc
            .edit(Edit::Create(Fields::Interpreter(InterpreterFields {
                name: Some((*name).to_owned()),
                email: Some(email),
                a_languages: Some(langs(a)),
                b_languages: Some(langs(b)),
                c_languages: Some(langs(c)),
                available: Some(available),
                team: Some((*team).to_owned()),
            })))
            .await?;
        match applied {
            Applied::Record(_, id) => ids.push(id),
            other => return Err(anyhow!("expected an interpreter, got {other:?}")),
        }
    }
    doc.edit(Edit::Create(Fields::Meeting(MeetingFields {
        title: Some(JOINT.to_owned()),
        kind: Some(MeetingKind::Caucus),
        start: Some(format!("{today}T14:30")),
        end: Some(format!("{today}T16:15")),
        room_id: Some(room.to_owned()),
        organiser: Some(organiser.to_owned()),
        languages: Some(langs("ar en fr")),
        status: Some(MeetingStatus::Confirmed),
        ..MeetingFields::default()
    })))
    .await?;
    let snap = doc.state().snapshot.clone();
    let day = today.to_string();
    for (title, seats) in SEATS {
        let meeting = snap
            .meetings
            .values()
            .find(|m| m.title == *title && m.start.starts_with(&day))
            .ok_or_else(|| anyhow!("the demo has no meeting {title:?} on {day}"))?;
        let booths = seats
            .iter()
            .map(|(lang, i)| booth_key(lang, &ids[*i]))
            .collect();
        doc.edit(Edit::Update {
            id: meeting.id.clone(),
            fields: Fields::Meeting(MeetingFields {
                booths: Some(booths),
                ..MeetingFields::default()
            }),
        })
        .await?;
    }
    Ok(())
}
