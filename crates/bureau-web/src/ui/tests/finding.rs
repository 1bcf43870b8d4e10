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

fn days(day: Date, n: i64) -> Date {
    day.checked_add(n.days()).unwrap()
}

/// The titles of the meetings in a day's list, in order (their headings).
fn day_list_titles(html: &str) -> Vec<String> {
    let list = part(html, "day-list", "id=\"rooms\"");
    let mut out = Vec::new();
    let needle = "<h3><a href=\"/schedule/meetings/";
    let mut rest = list;
    while let Some(at) = rest.find(needle) {
        rest = &rest[at..];
        let text = &rest[rest.find('>').unwrap() + 1..];
        let text = &text[text.find('>').unwrap() + 1..];
        out.push(text[..text.find('<').unwrap()].to_owned());
        rest = &rest[needle.len()..];
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn schedule_filters_in_the_url_narrow_the_days_meetings_and_are_kept_by_its_links() {
    let ui = ui().await;
    let i = &ui.ids;
    let day = ui.today;
    meeting(
        &ui,
        At {
            title: "Health briefing",
            day,
            from: "14:00",
            to: "15:00",
            room: &i.room_b,
            groups: vec![i.health.clone()],
            langs: &["es"],
            ..At::default()
        },
    )
    .await;
    meeting(
        &ui,
        At {
            title: "Caucus lunch",
            day,
            from: "12:45",
            to: "13:30",
            groups: vec![i.caucus.clone()],
            langs: &["en"],
            ..At::default()
        },
    )
    .await;
    meeting(
        &ui,
        At {
            title: "Tomorrow in B",
            day: days(day, 1),
            room: &i.room_b,
            ..At::default()
        },
    )
    .await;
    let ui = &ui;
    let list = |q: String| async move {
        let html = ui.page(&format!("/schedule?day={day}&view=list{q}")).await;
        (day_list_titles(&html), html)
    };
    let (all, _) = list(String::new()).await;
    assert_eq!(
        all,
        [
            "Caucus strategy",
            "Drafting the statement",
            "Caucus lunch",
            "Health briefing"
        ]
    );
    for (q, expected) in [
        (format!("&room={}", i.room_b), vec!["Health briefing"]),
        (
            format!("&room={}", i.room_c),
            vec!["Caucus strategy", "Drafting the statement"],
        ),
        ("&language=ar".to_owned(), vec!["Caucus strategy"]),
        (format!("&group={}", i.caucus), vec!["Caucus lunch"]),
        (format!("&group={}", i.health), vec!["Health briefing"]),
        // A member's meetings: in person, or through a group they are a focal point of.
        (format!("&member={}", i.cem), vec!["Caucus lunch"]),
        (
            format!("&member={}", i.bea),
            vec!["Caucus strategy", "Drafting the statement"],
        ),
        (
            format!("&room={}&language=en", i.room_c),
            vec!["Caucus strategy", "Drafting the statement"],
        ),
        (format!("&room={}&language=es", i.room_c), vec![]),
        // An empty choice is no filter.
        (
            "&room=&group=&member=&language=".to_owned(),
            all.iter().map(String::as_str).collect(),
        ),
    ] {
        let (titles, _) = list(q.clone()).await;
        assert_eq!(titles, expected, "{q}");
    }

    // The filters stay in the day links and the view switch; the days listed are those with
    // meetings the filters keep; the form shows them chosen, with a way to clear them.
    let (_, html) = list(format!("&room={}", i.room_b)).await;
    let nav = part(&html, "days", "</nav>");
    let tomorrow = days(day, 1);
    assert!(
        nav.contains(&format!(
            "href=\"/schedule?day={tomorrow}&amp;view=list&amp;room={}\"",
            i.room_b
        )),
        "{nav}"
    );
    assert_eq!(nav.matches("<li>").count(), 2, "today and tomorrow: {nav}");
    assert!(html.contains(&format!(
        "href=\"/schedule?day={day}&amp;view=grid&amp;room={}\"",
        i.room_b
    )));
    let form = &html[html.find("<form class=\"filters\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(
        form.contains(&format!("<option value=\"{}\" selected", i.room_b)),
        "{form}"
    );
    assert!(form.contains(&format!("<a href=\"/schedule?day={day}&amp;view=list\">")));
    let fields = form_of(&html, "/schedule");
    assert_eq!(
        pairs(&fields),
        [
            ("day", day.to_string().as_str()),
            ("view", "list"),
            ("room", i.room_b.as_str()),
            ("group", ""),
            ("member", ""),
            ("language", "")
        ]
    );
    // Filtered by room, the timetable is that room's column.
    let html = ui
        .page(&format!("/schedule?day={day}&view=grid&room={}", i.room_b))
        .await;
    let head = part(&html, "timetable", "</thead>");
    assert!(
        head.contains("Room B") && !head.contains("Room C"),
        "{head}"
    );
    assert!(part(&html, "timetable", "</table>").contains("Health briefing"));
    assert!(!part(&html, "timetable", "</table>").contains("Caucus strategy"));
    // In every language.
    for lang in Lang::ALL {
        let uri = format!("/schedule?day={day}&member={}&language=en", i.bea);
        let (status, _, html) = ui.send(get_in(&uri, lang)).await;
        assert_eq!(status, StatusCode::OK);
        assert_clean_page(&uri, &html, lang);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_chosen_view_the_width_picks_it_the_list_on_a_phone() {
    let ui = ui().await;
    let day = ui.today;
    let html = ui.page(&format!("/schedule?day={day}")).await;
    let grid = html
        .find("<div class=\"auto-grid\">")
        .expect("the timetable's part");
    let list = html
        .find("<div class=\"auto-list\">")
        .expect("the list's part");
    assert!(grid < html.find("id=\"timetable\"").unwrap());
    assert!(list < html.find("id=\"day-list\"").unwrap());
    // Each part's switch marks its own view.
    assert!(html[grid..list].contains("aria-current=\"page\">Timetable"));
    assert!(html[list..].contains("aria-current=\"page\">List"));
    // Day links keep the choice to the screen.
    assert!(
        part(&html, "days", "</nav>").contains(&format!("href=\"/schedule?day={}\"", days(day, 1)))
    );
    // A chosen view is that view alone.
    let html = ui.page(&format!("/schedule?day={day}&view=list")).await;
    assert!(!html.contains("id=\"timetable\"") && !html.contains("auto-list"));
    let html = ui.page(&format!("/schedule?day={day}&view=grid")).await;
    assert!(!html.contains("id=\"day-list\"") && !html.contains("auto-grid"));
    // The style sheet hides the timetable on a phone and the list elsewhere.
    let css = include_str!("../../../../../web/app.css");
    assert!(css.contains("@media (max-width: 40rem) { .auto-grid { display: none; } }"));
    assert!(
        css.contains("@media not all and (max-width: 40rem) { .auto-list { display: none; } }")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rooms_and_a_groups_page_list_their_meetings_coming_first() {
    let ui = ui().await;
    let i = &ui.ids;
    let day = ui.today;
    meeting(
        &ui,
        At {
            title: "Last week in B",
            day: days(day, -7),
            room: &i.room_b,
            groups: vec![i.health.clone()],
            ..At::default()
        },
    )
    .await;
    meeting(
        &ui,
        At {
            title: "Yesterday in B",
            day: days(day, -1),
            room: &i.room_b,
            groups: vec![i.health.clone()],
            ..At::default()
        },
    )
    .await;
    meeting(
        &ui,
        At {
            title: "Day after in B",
            day: days(day, 2),
            room: &i.room_b,
            ..At::default()
        },
    )
    .await;
    meeting(
        &ui,
        At {
            title: "Tomorrow in B",
            day: days(day, 1),
            room: &i.room_b,
            organiser: &i.health,
            ..At::default()
        },
    )
    .await;
    let html = ui.page(&format!("/schedule/rooms/{}", i.room_b)).await;
    // Beside the form, not in it.
    assert!(html.find("id=\"room-meetings\"").unwrap() > html.find("</form>").unwrap());
    let upcoming = part(&html, "room-meetings-upcoming", "room-meetings-past");
    assert_eq!(
        linked_names(upcoming, "/schedule/meetings/"),
        ["Tomorrow in B", "Day after in B"]
    );
    let past = part(&html, "room-meetings-past", "</section>");
    assert_eq!(
        linked_names(past, "/schedule/meetings/"),
        ["Yesterday in B", "Last week in B"]
    );
    let html = ui.page(&format!("/schedule/rooms/{}", i.room_c)).await;
    let section = part(&html, "room-meetings", "</section>");
    assert!(!section.contains("in B") && section.contains("Caucus strategy"));

    // A group's: those it attends or organises.
    let html = ui.page(&format!("/roster/groups/{}", i.health)).await;
    assert_eq!(
        linked_names(
            part(&html, "group-meetings-upcoming", "group-meetings-past"),
            "/schedule/meetings/"
        ),
        ["Tomorrow in B"]
    );
    assert_eq!(
        linked_names(
            part(&html, "group-meetings-past", "</section>"),
            "/schedule/meetings/"
        ),
        ["Yesterday in B", "Last week in B"]
    );
    let html = ui.page(&format!("/roster/groups/{}", i.caucus)).await;
    assert!(!part(&html, "group-meetings", "</section>").contains("in B"));
    for lang in Lang::ALL {
        for uri in [
            format!("/schedule/rooms/{}", i.room_b),
            format!("/roster/groups/{}", i.health),
        ] {
            let (status, _, html) = ui.send(get_in(&uri, lang)).await;
            assert_eq!(status, StatusCode::OK);
            assert_clean_page(&uri, &html, lang);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rooms_meetings_are_paged_at_the_rooms_address_even_on_a_refused_form() {
    let ui = ui().await;
    let room = ui.ids.room_b.clone();
    for n in 1..=51 {
        meeting(
            &ui,
            At {
                title: &format!("Session {n:02}"),
                day: days(ui.today, n),
                room: &room,
                ..At::default()
            },
        )
        .await;
    }
    let uri = format!("/schedule/rooms/{room}");
    let next = format!("href=\"{uri}?upcoming_page=2\"");
    let html = ui.page(&uri).await;
    let upcoming = part(&html, "room-meetings-upcoming", "room-meetings-past");
    assert_eq!(linked_names(upcoming, "/schedule/meetings/").len(), 50);
    assert!(pager_of(upcoming).contains(&next), "{}", pager_of(upcoming));
    let html = ui.page(&format!("{uri}?upcoming_page=2")).await;
    let upcoming = part(&html, "room-meetings-upcoming", "room-meetings-past");
    assert_eq!(
        linked_names(upcoming, "/schedule/meetings/"),
        ["Session 51"]
    );
    // The form posted with an error comes back at the room's address: its links stay there.
    let mut fields = form_of(&ui.page(&uri).await, &uri);
    set_field(&mut fields, "name", "");
    let html = ui.post_invalid(&uri, &pairs(&fields)).await;
    let upcoming = part(&html, "room-meetings-upcoming", "room-meetings-past");
    assert!(pager_of(upcoming).contains(&next), "{}", pager_of(upcoming));
}

#[tokio::test(flavor = "multi_thread")]
async fn my_agenda_lists_the_devices_members_meetings_coming_first() {
    let ui = ui().await;
    let i = &ui.ids;
    let day = ui.today;
    let me = testing::FOUNDER_ID.to_owned();
    let youth = edit(
        &ui.doc,
        Edit::Create(Fields::Group(GroupFields {
            name: Some("Youth Caucus".to_owned()),
            kind: Some(GroupKind::Caucus),
            status: None,
            focal_points: Some(vec![me.clone()]),
        })),
    )
    .await;
    for (title, n, groups, members) in [
        ("Youth session", 2, vec![youth.clone()], vec![]),
        ("Ada in person", 1, vec![], vec![me.clone()]),
        ("Ada last week", -7, vec![], vec![me.clone()]),
        (
            "Not for Ada",
            1,
            vec![i.health.clone()],
            vec![i.bea.clone()],
        ),
    ] {
        meeting(
            &ui,
            At {
                title,
                day: days(day, n),
                groups,
                members,
                ..At::default()
            },
        )
        .await;
    }
    let html = ui.page("/agenda").await;
    assert!(html.contains("<h1>My agenda</h1>"));
    assert!(
        html.contains("Ada Founder") && html.contains("You are a focal point of Youth Caucus.")
    );
    let upcoming = part(&html, "agenda-upcoming", "agenda-past");
    assert_eq!(
        linked_names(upcoming, "/schedule/meetings/"),
        ["Ada in person", "Youth session"]
    );
    assert!(upcoming.contains("in person") && upcoming.contains("with Youth Caucus"));
    assert_eq!(
        linked_names(
            part(&html, "agenda-past", "</section>"),
            "/schedule/meetings/"
        ),
        ["Ada last week"]
    );
    assert!(!html.contains("Not for Ada"));
    // The schedule links to it.
    assert!(ui.page("/schedule").await.contains("href=\"/agenda\""));
    for lang in Lang::ALL {
        let (status, _, html) = ui.send(get_in("/agenda", lang)).await;
        assert_eq!(status, StatusCode::OK);
        assert_clean_page("/agenda", &html, lang);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pickers_list_the_chosen_first_with_a_filter_and_post_as_before() {
    let ui = ui().await;
    let i = &ui.ids;
    let id = meeting(
        &ui,
        At {
            title: "Picked",
            day: ui.today,
            groups: vec![i.health.clone()],
            members: vec![i.cem.clone()],
            ..At::default()
        },
    )
    .await;
    let uri = format!("/schedule/meetings/{id}");
    let html = ui.page(&uri).await;
    // By name: Ada Founder, Bea Delegate, Cem Focal; Cem is chosen, so first. A checkbox's
    // id follows its place by name.
    let members = part(&html, "f-members-options", "</fieldset>");
    let order: Vec<usize> = ["Cem Focal", "Ada Founder", "Bea Delegate"]
        .iter()
        .map(|n| members.find(&format!(">{n}</label>")).unwrap())
        .collect();
    assert!(order.is_sorted(), "the chosen first: {members}");
    assert!(members.contains("<input id=\"f-members-2\" name=\"members\" type=\"checkbox\""));
    let groups = part(&html, "f-groups-options", "</fieldset>");
    assert!(
        groups.find("Health Working Group").unwrap() < groups.find("Gender Caucus").unwrap(),
        "{groups}"
    );
    // The filter box waits hidden for the script, and has no name: it is never posted.
    let fieldset = part(&html, "f-members", "f-members-options");
    assert!(fieldset.contains("data-picker-filter hidden"), "{fieldset}");
    let filter = part(&html, "f-members-filter", ">");
    assert!(!filter.contains("name="), "{filter}");
    assert!(part(&html, "f-members", "</fieldset>").contains("1 chosen, listed first"));
    // Posted back as it is, the form changes nothing.
    let fields = form_of(&html, &uri);
    assert_eq!(
        ui.post_ok(&uri, &pairs(&fields)).await,
        format!("{uri}?done=saved")
    );
    let m = ui.snap().meetings.get(&id).unwrap().clone();
    assert_eq!(m.members, std::slice::from_ref(&i.cem));
    assert_eq!(m.groups, std::slice::from_ref(&i.health));

    // A group's focal points too.
    let html = ui.page(&format!("/roster/groups/{}", i.caucus)).await;
    let fps = part(&html, "f-focal_points-options", "</fieldset>");
    assert!(
        fps.find("Cem Focal").unwrap() < fps.find("Ada Founder").unwrap(),
        "{fps}"
    );
    assert!(html.contains("id=\"f-focal_points-filter\""));
}
