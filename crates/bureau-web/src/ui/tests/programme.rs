//! The printable programme: by day, by room and by group, in every language, with the
//! meetings in order and the choice of view left out of print.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_programme_is_listed_by_day_room_and_group_in_every_language() {
    let ui = ui().await;
    // A meeting of the caucus, so the group view has one.
    let caucus = ui.ids.caucus.clone();
    ui.doc
        .edit(Edit::Update {
            id: ui.ids.second.clone(),
            fields: Fields::Meeting(MeetingFields {
                groups: Some(vec![caucus.clone()]),
                ..MeetingFields::default()
            }),
        })
        .await
        .expect("edit");
    let schedule = ui.page("/schedule").await;
    assert!(
        schedule.contains("href=\"/schedule/programme?day="),
        "{}",
        excerpt(&schedule)
    );
    for lang in Lang::ALL {
        for uri in [
            "/schedule/programme",
            "/schedule/programme?by=room",
            "/schedule/programme?by=group",
        ] {
            let (status, _, html) = ui.send(get_in(uri, lang)).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
            assert_clean_page(uri, &html, lang);
        }
    }
    let html = ui.page("/schedule/programme").await;
    let first = html.find("Caucus strategy").expect("the first meeting");
    let second = html.find("Drafting the statement").expect("the second");
    assert!(first < second, "by start time");
    assert!(html.contains("Room C"));
    assert!(html.contains("10:00–11:30"), "{}", excerpt(&html));
    // By room: each room its own part; Room B has no meeting.
    let html = ui.page("/schedule/programme?by=room").await;
    assert_eq!(html.matches("class=\"programme-part\"").count(), 2);
    assert!(html.contains("No meetings."));
    // One group alone: its meeting, with the room.
    let html = ui
        .page(&format!("/schedule/programme?by=group&group={caucus}"))
        .await;
    assert_eq!(html.matches("class=\"programme-part\"").count(), 1);
    assert!(html.contains("Drafting the statement"));
    assert!(!html.contains("Caucus strategy"));
    // Another day: nothing.
    let html = ui.page("/schedule/programme?day=2001-01-01").await;
    assert!(html.contains("No meetings."));
    assert!(!html.contains("Caucus strategy"));
}
