//! A realistic sample bureau for newcomers (`bureau serve --demo`).
//!
//! Twenty civil society groupings of the three kinds, forty members, six rooms with booths,
//! three days of meetings from today on (with real clashes, so findings show), a recorded
//! composition review and liaison notes. Every name is invented. Everything goes through the
//! same typed edits as the UI, so the demo also exercises validation.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow};
use bureau_doc::DocHandle;
use bureau_model::*;
use jiff::ToSpan;
use jiff::tz::TimeZone;

mod interpretation;

/// The founder's name when `serve --demo` creates the bureau.
pub(crate) const FOUNDER: &str = "Amina Diallo";

const MEMBERS: &[(&str, &str, &str)] = &[
    ("Kwame Mensah", "Open Knowledge Ghana", "en"),
    ("Lucía Fernández", "Red de Derechos Digitales", "es en"),
    (
        "Rachid Benali",
        "Association Tunisienne des Libertés",
        "ar fr",
    ),
    ("Ingrid Solberg", "Nordic Library Alliance", "en"),
    ("Chen Wei", "Asia Community Radio Network", "zh en"),
    ("Olga Petrova", "Free Media Foundation", "ru en"),
    ("Fatou Ndiaye", "Women's Net West Africa", "fr en"),
    ("Marco Bianchi", "Università per la Società", "en fr"),
    ("Priya Raman", "Digital Equity India", "en"),
    ("Tomás Herrera", "Sindicato de Comunicaciones", "es"),
    ("Aisha Karimi", "Youth for ICT", "en ar"),
    ("Jean-Pierre Lefèvre", "Villes Numériques", "fr"),
    ("Nomvula Dlamini", "Disability Rights Africa", "en"),
    ("Samuel Okafor", "Community Networks Nigeria", "en"),
    ("Elena Vasquez", "Indigenous Media Alliance", "es en"),
    ("Yusuf Demir", "Privacy First Collective", "en"),
    ("Hannah Becker", "Science Commons Europe", "en fr"),
    ("Ravi Menon", "Free Software Asia", "en"),
    ("Mariam Haddad", "Arab Bloggers Network", "ar en"),
    ("Pierre Dubois", "Communication Rights Coalition", "fr en"),
    ("Grace Wanjiru", "Kenya ICT Action", "en"),
    ("Diego Salazar", "Telecentros de América Latina", "es"),
    ("Sofia Lindqvist", "Gender and ICT Network", "en"),
    ("Hiroshi Tanaka", "Japan Internet Users Association", "en"),
    ("Leila Mansour", "Cyber Rights Maghreb", "ar fr"),
    ("Ana Costa", "Instituto Cultura Livre", "es en"),
    ("Daniel Cohen", "Open Spectrum Project", "en"),
    ("Zainab Bello", "Africa Youth Digital", "en fr"),
    ("Mikhail Ivanov", "Eurasian Media Watch", "ru"),
    ("Claire Martin", "Bibliothèques sans Frontières", "fr"),
    ("Oluwaseun Adeyemi", "Health Information Network", "en"),
    ("Carmen Ortiz", "Mujeres en Red", "es"),
    (
        "Ahmed Khalil",
        "Egyptian Initiative for Digital Rights",
        "ar en",
    ),
    ("Nadia Rahman", "South Asia Media Forum", "en"),
    ("Erik Johansson", "Trade Union Digital Desk", "en"),
    ("Mei Lin", "Cities for Digital Inclusion", "zh en"),
    ("Joseph Mwangi", "Pan-African Telecentre Network", "en fr"),
    (
        "Isabel Moreau",
        "Executive Secretariat liaison office",
        "fr en",
    ),
    ("Victor Alvarez", "Financing Mechanisms Watch", "es en"),
];

/// Groups: name, kind, indices of focal points into MEMBERS (founder is -1 via `None`).
const GROUPS: &[(&str, GroupKind, &[usize])] = &[
    ("Academia and Research family", GroupKind::Family, &[7, 16]),
    ("Trade Unions family", GroupKind::Family, &[9, 34]),
    ("Media family", GroupKind::Family, &[5]),
    ("NGO family", GroupKind::Family, &[0]),
    ("Youth family", GroupKind::Family, &[10, 27]),
    (
        "Cities and Local Authorities family",
        GroupKind::Family,
        &[11, 35],
    ),
    ("Indigenous Peoples family", GroupKind::Family, &[14]),
    ("Gender Caucus", GroupKind::Caucus, &[6, 22]),
    ("Human Rights Caucus", GroupKind::Caucus, &[2, 32]),
    ("African Caucus", GroupKind::Caucus, &[13, 20]),
    (
        "Latin America and Caribbean Caucus",
        GroupKind::Caucus,
        &[1, 21],
    ),
    ("Asia-Pacific Caucus", GroupKind::Caucus, &[8, 23]),
    ("Arab Region Caucus", GroupKind::Caucus, &[18]),
    ("Disability Caucus", GroupKind::Caucus, &[12]),
    (
        "Internet Governance Working Group",
        GroupKind::WorkingGroup,
        &[15, 26],
    ),
    (
        "Financing Mechanisms Working Group",
        GroupKind::WorkingGroup,
        &[38],
    ),
    (
        "Communication Rights Working Group",
        GroupKind::WorkingGroup,
        &[19],
    ),
    (
        "Scientific Information Working Group",
        GroupKind::WorkingGroup,
        &[16],
    ),
    (
        "Patents, Copyright and Trademarks Working Group",
        GroupKind::WorkingGroup,
        &[17, 25],
    ),
    ("Health Working Group", GroupKind::WorkingGroup, &[]),
];

const ROOMS: &[(&str, u32, &str, &str)] = &[
    (
        "Plenary Hall",
        400,
        "en fr es ar ru zh",
        "microphones projector webcast",
    ),
    ("Room B", 120, "en fr es", "microphones projector"),
    ("Room C", 60, "en fr", "projector"),
    ("Room D", 40, "", "projector"),
    ("Room E", 30, "", "whiteboard"),
    ("Civil Society Office", 15, "", "printer"),
];

/// Meetings: day offset, start, end, title, kind, room index, organiser group index,
/// languages, attending groups, attending members. Day 0 has a room clash in Room C and a
/// member expected in two places; day 1 asks for Arabic where Room B has no booth.
#[allow(clippy::type_complexity, reason = "a table of sample data")]
const MEETINGS: &[(
    i64,
    &str,
    &str,
    &str,
    MeetingKind,
    usize,
    usize,
    &str,
    &[usize],
    &[usize],
)] = &[
    (
        0,
        "08:30",
        "09:30",
        "Bureau morning coordination",
        MeetingKind::Bureau,
        5,
        3,
        "en",
        &[3, 7, 14],
        &[0, 6, 15],
    ),
    (
        0,
        "10:00",
        "11:30",
        "Gender Caucus strategy session",
        MeetingKind::Caucus,
        2,
        7,
        "en fr",
        &[7],
        &[6, 22, 31],
    ),
    (
        0,
        "11:00",
        "12:30",
        "Human Rights Caucus: drafting the statement",
        MeetingKind::Caucus,
        2,
        8,
        "en fr",
        &[8],
        &[2, 32, 6],
    ),
    (
        0,
        "13:00",
        "14:00",
        "Briefing by the Executive Secretariat",
        MeetingKind::Briefing,
        1,
        3,
        "en fr es",
        &[3, 9, 10],
        &[37, 0],
    ),
    (
        0,
        "14:30",
        "16:00",
        "Internet Governance Working Group",
        MeetingKind::WorkingGroup,
        3,
        14,
        "en",
        &[14],
        &[15, 26, 17],
    ),
    (
        0,
        "16:30",
        "18:00",
        "Civil Society Plenary",
        MeetingKind::Plenary,
        0,
        3,
        "en fr es ar ru zh",
        &[0, 1, 2, 3, 4, 7, 8, 9, 10, 11, 12],
        &[0, 1, 2, 6],
    ),
    (
        1,
        "08:30",
        "09:30",
        "Bureau morning coordination",
        MeetingKind::Bureau,
        5,
        3,
        "en",
        &[3],
        &[0, 6, 15],
    ),
    (
        1,
        "10:00",
        "12:00",
        "Arab Region Caucus with the Inter-Governmental Bureau",
        MeetingKind::Liaison,
        1,
        12,
        "ar en fr",
        &[12, 8],
        &[18, 24, 32],
    ),
    (
        1,
        "10:30",
        "12:00",
        "Youth family: side event planning",
        MeetingKind::Family,
        4,
        4,
        "en",
        &[4],
        &[10, 27],
    ),
    (
        1,
        "13:30",
        "15:00",
        "Financing Mechanisms Working Group",
        MeetingKind::WorkingGroup,
        3,
        15,
        "en es",
        &[15],
        &[38, 21],
    ),
    (
        1,
        "15:00",
        "16:30",
        "African Caucus",
        MeetingKind::Caucus,
        2,
        9,
        "en fr",
        &[9],
        &[13, 20, 36],
    ),
    (
        1,
        "16:30",
        "18:00",
        "Media family: press freedom statement",
        MeetingKind::Family,
        3,
        2,
        "en ru",
        &[2],
        &[5, 28],
    ),
    (
        2,
        "08:30",
        "09:30",
        "Bureau morning coordination",
        MeetingKind::Bureau,
        5,
        3,
        "en",
        &[3],
        &[0, 6, 15],
    ),
    (
        2,
        "09:30",
        "11:00",
        "Latin America and Caribbean Caucus",
        MeetingKind::Caucus,
        1,
        10,
        "es en",
        &[10],
        &[1, 21, 31],
    ),
    (
        2,
        "11:00",
        "12:30",
        "Communication Rights Working Group",
        MeetingKind::WorkingGroup,
        2,
        16,
        "en fr",
        &[16],
        &[19, 29],
    ),
    (
        2,
        "14:00",
        "15:30",
        "Liaison with the Group of the Friends of the Chair",
        MeetingKind::Liaison,
        1,
        3,
        "en fr",
        &[3],
        &[0, 19],
    ),
    (
        2,
        "16:00",
        "18:00",
        "Civil Society Plenary: report of the bureau",
        MeetingKind::Plenary,
        0,
        3,
        "en fr es ar ru zh",
        &[0, 2, 3, 5, 7, 9, 13, 14],
        &[0, 6, 15],
    ),
];

/// A liaison note of the sample: body id, title, text, content implications, plenary
/// consulted, and action items (text, owner index, due in days from today, done).
type NoteRow = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
    &'static [(&'static str, usize, i64, bool)],
);

fn langs(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_owned).collect()
}

fn record_id(applied: Applied) -> Result<String> {
    match applied {
        Applied::Record(_, id) => Ok(id),
        other => Err(anyhow!("expected a record, got {other:?}")),
    }
}

/// Fills a freshly created bureau.
pub(crate) async fn populate(doc: &DocHandle) -> Result<()> {
    let state = doc.state();
    let tz = TimeZone::get(&state.snapshot.meta.timezone).unwrap_or(TimeZone::UTC);
    let founder = state.author.clone().unwrap_or_default();
    let today = jiff::Timestamp::now().to_zoned(tz).date();
    drop(state);
    doc.edit(Edit::Update {
        id: founder.clone(),
        fields: Fields::Member(MemberFields {
            organisation: Some("Civil Society Bureau secretariat".to_owned()),
            email: Some("amina.diallo@example.org".to_owned()),
            languages: Some(langs("fr en")),
            ..MemberFields::default()
        }),
    })
    .await?;

    let mut members = Vec::new();
    for (name, org, l) in MEMBERS {
        let email = format!(
            "{}@example.org",
            name.to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '.' })
                .collect::<String>()
        );
        let id = record_id(
            doc.edit(Edit::Create(Fields::Member(MemberFields {
                name: Some((*name).to_owned()),
                organisation: Some((*org).to_owned()),
                email: Some(email),
                phone: Some(format!(
                    "+216 70 {:03} {:03}",
                    members.len() * 7 % 1000,
                    members.len() * 13 % 1000
                )),
                languages: Some(langs(l)),
            })))
            .await?,
        )?;
        members.push(id);
    }
    // The founder is member 40 for the tables above: index 0 in MEETINGS' member lists is
    // the first invented member, and the founder joins the coordination meetings below.
    let mut groups = Vec::new();
    for (name, kind, fps) in GROUPS {
        let id = record_id(
            doc.edit(Edit::Create(Fields::Group(GroupFields {
                name: Some((*name).to_owned()),
                kind: Some(*kind),
                status: None,
                focal_points: Some(fps.iter().map(|i| members[*i].clone()).collect()),
            })))
            .await?,
        )?;
        groups.push(id);
    }
    let mut rooms = Vec::new();
    for (name, capacity, booths, equipment) in ROOMS {
        let id = record_id(
            doc.edit(Edit::Create(Fields::Room(RoomFields {
                name: Some((*name).to_owned()),
                capacity: Some(*capacity),
                booths: Some(langs(booths)),
                equipment: Some(langs(equipment)),
                booth_count: None,
            })))
            .await?,
        )?;
        rooms.push(id);
    }
    // A review forty days ago; the groups that met since are active, the others are flagged.
    let review_day = today.checked_sub(40.days())?;
    let mut decisions = BTreeMap::new();
    decisions.insert(groups[19].clone(), Decision::Inactive);
    decisions.insert(groups[6].clone(), Decision::Keep);
    doc.edit(Edit::Create(Fields::Review(ReviewFields {
        date: Some(review_day.to_string()),
        status: Some(ReviewStatus::Recorded),
        decisions: Some(decisions),
        notes: Some(
            "Health Working Group has not met since the last preparatory meeting.".to_owned(),
        ),
    })))
    .await?;
    // A meeting yesterday, so that attendance since the review is not empty.
    let yesterday = today.checked_sub(1.day())?;
    doc.edit(Edit::Create(Fields::Meeting(MeetingFields {
        title: Some("Preparatory bureau meeting".to_owned()),
        kind: Some(MeetingKind::Bureau),
        start: Some(format!("{yesterday}T15:00")),
        end: Some(format!("{yesterday}T17:00")),
        room_id: Some(rooms[5].clone()),
        organiser: Some(groups[3].clone()),
        groups: Some(groups[..14].to_vec()),
        status: Some(MeetingStatus::Confirmed),
        agenda: Some("1. Room allocations\n2. Interpretation requests\n3. Badges".to_owned()),
        ..MeetingFields::default()
    })))
    .await?;
    for (n, (day, start, end, title, kind, room, org, l, gs, ms)) in MEETINGS.iter().enumerate() {
        let date = today.checked_add(day.days())?;
        let mut attendees: Vec<String> = ms.iter().map(|i| members[*i].clone()).collect();
        if *kind == MeetingKind::Bureau {
            attendees.push(founder.clone());
        }
        doc.edit(Edit::Create(Fields::Meeting(MeetingFields {
            title: Some((*title).to_owned()),
            kind: Some(*kind),
            start: Some(format!("{date}T{start}")),
            end: Some(format!("{date}T{end}")),
            room_id: Some(rooms[*room].clone()),
            organiser: Some(groups[*org].clone()),
            languages: Some(langs(l)),
            resources: Some(BTreeMap::from([(
                "projector".to_owned(),
                if n % 2 == 0 {
                    ResourceState::Confirmed
                } else {
                    ResourceState::Requested
                },
            )])),
            status: Some(if n % 3 == 2 {
                MeetingStatus::Proposed
            } else {
                MeetingStatus::Confirmed
            }),
            groups: Some(gs.iter().map(|i| groups[*i].clone()).collect()),
            members: Some(attendees),
            agenda: Some(format!(
                "Agenda of \u{201c}{title}\u{201d}\n1. Welcome\n2. Updates\n3. Next steps"
            )),
            booths: None,
            // The bureau's own meetings are closed: the venue's programme leaves them out.
            public: Some(*kind != MeetingKind::Bureau),
        })))
        .await?;
    }
    // Interpreters and the first day's booths; the joint session is in Room C, which has two.
    interpretation::populate(doc, today, &rooms[2], &groups[8]).await?;
    // Room E is being given back to the venue: archived, though one meeting still uses it.
    doc.edit(Edit::Archive {
        ty: RecordType::Room,
        id: rooms[4].clone(),
    })
    .await?;

    let notes: &[NoteRow] = &[
        (
            "es",
            "Badges for civil society observers",
            "The Secretariat can issue 120 more badges if names arrive by the deadline.",
            false,
            false,
            &[
                ("Send the consolidated list of names", 37, -1, false),
                ("Confirm pick-up desk hours", 0, 2, false),
            ],
        ),
        (
            "igb",
            "Speaking slots in the plenary",
            "The Inter-Governmental Bureau proposes two civil society speaking slots per session; the order of speakers has content implications.",
            true,
            false,
            &[("Ask the caucuses for speaker nominations", 2, 1, false)],
        ),
        (
            "wgig",
            "Consultation on the working definition",
            "Open consultation next week; written input accepted until the end of the session.",
            true,
            true,
            &[("Circulate the draft input", 15, -3, true)],
        ),
        (
            "wgf",
            "Side event on financing mechanisms",
            "The Working Group on Financing offers a shared side event with the Financing Mechanisms Working Group.",
            false,
            false,
            &[("Agree on a date with the organisers", 38, 3, false)],
        ),
        (
            "plenary",
            "Report on logistics, first week",
            "Rooms, interpretation and badges: summary for the plenary.",
            false,
            false,
            &[],
        ),
        (
            "fotc",
            "Access to the drafting sessions",
            "Observers may attend the drafting sessions without speaking rights.",
            true,
            false,
            &[("Draft a request for speaking rights", 19, -2, false)],
        ),
    ];
    for (body, title, text, implications, consulted, actions) in notes {
        let actions = actions
            .iter()
            .map(|(t, owner, due, done)| {
                Ok(ActionFields {
                    id: None,
                    text: Some((*t).to_owned()),
                    owner: Some(members[*owner].clone()),
                    due: Some(today.checked_add(due.days())?.to_string()),
                    done: Some(*done),
                    archived: None,
                })
            })
            .collect::<Result<Vec<_>, jiff::Error>>()?;
        doc.edit(Edit::Create(Fields::Note(NoteFields {
            body_id: Some((*body).to_owned()),
            title: Some((*title).to_owned()),
            text: Some((*text).to_owned()),
            date: Some(today.to_string()),
            content_implications: Some(*implications),
            plenary_consulted: Some(*consulted),
            actions: Some(actions),
        })))
        .await?;
    }
    // The bureau's charter as its reviewers annotated it offline: its remarks and suggested
    // wording become comments and a suggestion on the shared text.
    doc.edit(Edit::ImportDocument {
        title: "Charter of the Civil Society Bureau".to_owned(),
        text: CHARTER.to_owned(),
    })
    .await?;
    // Calendar feeds on, so that every room's, group's and member's page shows its feed.
    let secret = bureau_web::new_feed_secret_edit().map_err(|e| anyhow!(e.message))?;
    doc.edit(secret).await?;
    Ok(())
}

/// The charter's draft with its bracketed remarks (`seed/charter.txt`).
const CHARTER: &str = include_str!("../../../seed/charter.txt");
