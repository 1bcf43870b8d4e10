//! Router tests of finding things: the search box on every page and its results page, the
//! schedule's filters in the URL and the day's view a phone gets, a room's and a group's
//! meetings on their pages, the device's member's agenda, and pickers that list the chosen
//! first and filter without breaking the form.

use jiff::civil::Date;

use super::*;

/// A meeting on `day` from `from` to `to` (venue times).
struct At<'a> {
    title: &'a str,
    day: Date,
    from: &'a str,
    to: &'a str,
    room: &'a str,
    groups: Vec<String>,
    organiser: &'a str,
    members: Vec<String>,
    langs: &'a [&'a str],
    agenda: &'a str,
}

impl Default for At<'_> {
    fn default() -> Self {
        At {
            title: "",
            day: Date::default(),
            from: "09:00",
            to: "10:00",
            room: "",
            groups: Vec::new(),
            organiser: "",
            members: Vec::new(),
            langs: &[],
            agenda: "",
        }
    }
}

async fn meeting(ui: &Ui, at: At<'_>) -> String {
    edit(
        &ui.doc,
        Edit::Create(Fields::Meeting(MeetingFields {
            title: Some(at.title.to_owned()),
            start: Some(format!("{}T{}", at.day, at.from)),
            end: Some(format!("{}T{}", at.day, at.to)),
            room_id: Some(at.room.to_owned()),
            organiser: Some(at.organiser.to_owned()),
            languages: Some(at.langs.iter().map(|l| (*l).to_owned()).collect()),
            groups: Some(at.groups),
            members: Some(at.members),
            status: Some(MeetingStatus::Confirmed),
            agenda: Some(at.agenda.to_owned()),
            ..MeetingFields::default()
        })),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_search_box_finds_records_whatever_the_case_and_accents_by_word_start_titles_first() {
    let ui = ui().await;
    let i = &ui.ids;
    let geneva = meeting(
        &ui,
        At {
            title: "Réunion à Genève",
            day: ui.today,
            ..At::default()
        },
    )
    .await;
    let visas = edit(
        &ui.doc,
        Edit::Create(Fields::Note(NoteFields {
            body_id: Some("es".to_owned()),
            title: Some("Visas".to_owned()),
            text: Some("The consulate in GENÈVE asks for the list by Friday.".to_owned()),
            date: Some(ui.today.to_string()),
            ..NoteFields::default()
        })),
    )
    .await;

    // Every page has the box in its header.
    for uri in [
        "/".to_owned(),
        "/roster".to_owned(),
        "/schedule".to_owned(),
        format!("/schedule/meetings/{}", i.first),
        "/peers".to_owned(),
    ] {
        let html = ui.page(&uri).await;
        let top = &html[..html.find("id=\"main\"").unwrap()];
        assert!(
            top.contains("role=\"search\" method=\"get\" action=\"/search\""),
            "{uri} has no search box in its header"
        );
        assert!(
            top.contains("<input id=\"site-search\" type=\"search\" name=\"q\""),
            "{uri}"
        );
    }

    // "geneve" finds the meeting by its title, then the note by its text, with the line.
    let html = ui.page("/search?q=geneve").await;
    let results = part(&html, "results", "</section>");
    let titles = linked_names(results, "/");
    assert_eq!(titles, ["Réunion à Genève", "Visas"], "{results}");
    assert!(results.contains(&format!("href=\"/schedule/meetings/{geneva}\"")));
    assert!(results.contains(&format!("href=\"/liaison/notes/{visas}\"")));
    assert!(
        results.contains("The consulate in GENÈVE asks for the list by Friday."),
        "{results}"
    );
    assert!(results.contains("2 results"), "{results}");
    // The header's box keeps the words searched.
    assert!(html.contains("<input id=\"site-search\" type=\"search\" name=\"q\" value=\"geneve\""));

    // Capitals and accents aside, the start of a word is enough, several words narrow.
    for q in ["GEN%C3%88VE", "gen", "r%C3%A9union+gen", "REUNION"] {
        let html = ui.page(&format!("/search?q={q}")).await;
        assert!(
            part(&html, "results", "</section>")
                .contains(&format!("href=\"/schedule/meetings/{geneva}\"")),
            "{q}"
        );
    }
    let html = ui.page("/search?q=reunion+visas").await;
    assert!(part(&html, "results", "</section>").contains("Nothing matches"));
    // Inside a word is not its start.
    let html = ui.page("/search?q=eneve").await;
    assert!(part(&html, "results", "</section>").contains("No results"));
    // Other kinds of record: a member, a group, a room.
    for (q, href) in [
        ("bea", format!("/roster/members/{}", i.bea)),
        ("caucus", format!("/roster/groups/{}", i.caucus)),
        ("room+b", format!("/schedule/rooms/{}", i.room_b)),
    ] {
        let html = ui.page(&format!("/search?q={q}")).await;
        assert!(
            part(&html, "results", "</section>").contains(&format!("href=\"{href}\"")),
            "{q}"
        );
    }
    // The page in every language; a query it cannot search is a 400 with the error beside
    // the field.
    for lang in Lang::ALL {
        let uri = "/search?q=gen%C3%A8ve";
        let (status, _, html) = ui.send(get_in(uri, lang)).await;
        assert_eq!(status, StatusCode::OK, "{lang:?}");
        assert_clean_page(uri, &html, lang);
        let uri = format!(
            "/search?q={}",
            "a".repeat(crate::search::MAX_QUERY_CHARS + 1)
        );
        let (status, _, html) = ui.send(get_in(&uri, lang)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{lang:?}");
        assert_clean_page(&uri, &html, lang);
        let field = part(&html, "search-q-hint", "</form>");
        assert!(
            field.contains("<p class=\"error\" id=\"search-q-error\">"),
            "{field}"
        );
        assert!(
            field.contains(
                "aria-invalid=\"true\" aria-describedby=\"search-q-hint search-q-error\""
            ),
            "{field}"
        );
    }
    let html = ui.page("/search").await;
    assert!(!html.contains("id=\"results\""), "no results without words");
}
