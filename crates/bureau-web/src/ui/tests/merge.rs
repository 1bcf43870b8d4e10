//! The member page's merge form, the agenda's place in the navigation, and an action
//! item's conflicts marked under its row.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn a_member_is_merged_into_another_from_its_page() {
    let ui = ui().await;
    let (bea, cem) = (ui.ids.bea.clone(), ui.ids.cem.clone());
    let cem_name = ui.snap().members[&cem].name.clone();
    // The page offers every other live member, and posts to the merge address.
    let html = ui.page(&format!("/roster/members/{bea}")).await;
    let action = format!("action=\"/roster/members/{bea}/merge\"");
    assert!(html.contains(&action), "{}", excerpt(&html));
    assert!(
        html.contains(&format!("<option value=\"{cem}\"")),
        "{}",
        excerpt(&html)
    );
    assert_clean_page("/roster/members/{id}", &html, Lang::En);

    let loc = ui
        .post_ok(&format!("/roster/members/{bea}/merge"), &[("into", &cem)])
        .await;
    assert_eq!(loc, format!("/roster/members/{cem}?done=merged"));
    let snap = ui.snap();
    assert!(
        snap.members[&bea].stamp.archived,
        "the merged member is archived"
    );
    assert!(!snap.members[&cem].stamp.archived);
    assert_eq!(snap.members[&cem].name, cem_name);
    let html = ui.page(&loc).await;
    assert!(
        html.contains("The two members are merged"),
        "{}",
        excerpt(&html)
    );
    // An archived member offers no merge; a member into itself is refused with a message.
    let html = ui.page(&format!("/roster/members/{bea}")).await;
    assert!(!html.contains(&action));
    let (status, _, html) = ui
        .send(post(
            &format!("/roster/members/{cem}/merge"),
            &[("into", &cem)],
        ))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{}", excerpt(&html));
}

#[tokio::test(flavor = "multi_thread")]
async fn my_agenda_is_in_the_navigation_and_marked_there() {
    let ui = ui().await;
    let html = ui.page("/").await;
    assert!(html.contains("href=\"/agenda\""), "{}", excerpt(&html));
    let html = ui.page("/agenda").await;
    let nav = around(&html, "nav");
    assert!(
        nav.contains("href=\"/agenda\" aria-current=\"page\""),
        "{nav}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_action_item_changed_on_two_laptops_is_marked_under_its_row_and_resolved_there() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _ta) = open(&tmp.path().join("a"), 'A').await;
    let (b, _tb) = open(&tmp.path().join("b"), 'B').await;
    init(&a).await;
    add_bea_with_laptop(&a).await;
    let body = edit(
        &a,
        Edit::Create(Fields::Body(BodyFields {
            name: Some("Secretariat".to_owned()),
            ..BodyFields::default()
        })),
    )
    .await;
    let note = edit(
        &a,
        Edit::Create(Fields::Note(NoteFields {
            body_id: Some(body),
            title: Some("Badges".to_owned()),
            date: Some("2026-11-30".to_owned()),
            actions: Some(vec![ActionFields {
                text: Some("Send the list".to_owned()),
                ..ActionFields::default()
            }]),
            ..NoteFields::default()
        })),
    )
    .await;
    let (pa, pb) = (peer('A'), peer('B'));
    sync_directly((&a, &pa), (&b, &pb)).await;
    let action = a.state().snapshot.notes[&note].actions[0].id.clone();
    let retext = |text: &str| Edit::Update {
        id: note.clone(),
        fields: Fields::Note(NoteFields {
            actions: Some(vec![ActionFields {
                id: Some(action.clone()),
                text: Some(text.to_owned()),
                ..ActionFields::default()
            }]),
            ..NoteFields::default()
        }),
    };
    a.edit(retext("Send the list by Monday")).await.unwrap();
    b.edit(retext("Send the list to the secretariat"))
        .await
        .unwrap();
    sync_directly((&a, &pa), (&b, &pb)).await;
    assert_eq!(a.state().conflicts.len(), 1, "one conflicted action text");

    let cancel = CancellationToken::new();
    let app = app_over(&a, &cancel);
    let url = format!("/liaison/notes/{note}");
    let (status, _, html) = send_to(&app, get(&url)).await;
    assert_eq!(status, StatusCode::OK);
    let mark = part(&html, &format!("action-{action}-conflict-0"), "</ul>");
    assert!(
        mark.contains("Send the list by Monday")
            && mark.contains("Send the list to the secretariat"),
        "both values under the action's row: {mark}"
    );
    assert!(
        mark.contains("by Ada Founder") && mark.contains("by Bea"),
        "{mark}"
    );
    assert_eq!(
        mark.matches("form=\"resolve-0\" name=\"choice\"").count(),
        2,
        "{mark}"
    );
    assert!(
        html.contains("id=\"resolve-0\""),
        "the resolve form is on the page"
    );
    assert_clean_page("/liaison/notes/{id}", &html, Lang::En);
    // Keeping the second value resolves it for everyone, back on the note's page.
    let second =
        serde_json::to_value(&a.state().conflicts.of(RecordType::Note, &note)[0].values[1].value)
            .unwrap();
    let form = form_of(&html, "/conflicts/resolve");
    let mut fields = pairs(&form);
    fields.push(("choice", "1"));
    let (status, headers, _) = send_to(&app, post("/conflicts/resolve", &fields)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with(&url),
        "{headers:?}"
    );
    assert!(a.state().conflicts.is_empty());
    let kept = a.state().snapshot.notes[&note].actions[0].text.clone();
    assert_eq!(second, kept.as_str(), "the value picked is kept");
}

/// A note's form open on one laptop while a peer edits another sentence of the note's text:
/// saving the form merges the user's words into the text as it is now, so both edits are
/// kept, on both laptops; and a meeting's agenda the same way.
#[tokio::test(flavor = "multi_thread")]
async fn a_long_text_saved_while_a_peer_edited_another_sentence_keeps_both() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _ta) = open(&tmp.path().join("a"), 'A').await;
    let (b, _tb) = open(&tmp.path().join("b"), 'B').await;
    init(&a).await;
    add_bea_with_laptop(&a).await;
    let body = edit(
        &a,
        Edit::Create(Fields::Body(BodyFields {
            name: Some("Secretariat".to_owned()),
            ..BodyFields::default()
        })),
    )
    .await;
    let note = edit(
        &a,
        Edit::Create(Fields::Note(NoteFields {
            body_id: Some(body),
            title: Some("Badges".to_owned()),
            text: Some("Badges are ready. Collect them at the desk.".to_owned()),
            ..NoteFields::default()
        })),
    )
    .await;
    sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;
    let cancel = CancellationToken::new();
    let app = app_over(&a, &cancel);
    let url = format!("/liaison/notes/{note}");
    let (_, _, html) = send_to(&app, get(&url)).await;
    let mut form = form_of(&html, &url);

    // The peer edits the second sentence while the form is open.
    b.edit(Edit::Update {
        id: note.clone(),
        fields: Fields::Note(NoteFields {
            text: Some("Badges are ready. Collect them at the front desk from 9:00.".to_owned()),
            ..NoteFields::default()
        }),
    })
    .await
    .unwrap();
    sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;

    // The user edits the first sentence in the form shown before.
    set_field(
        &mut form,
        "text",
        "Badges for observers are ready. Collect them at the desk.",
    );
    let (status, _, html) = send_to(&app, post(&url, &pairs(&form))).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", excerpt(&html));
    let both = "Badges for observers are ready. Collect them at the front desk from 9:00.";
    assert_eq!(a.state().snapshot.notes[&note].text, both);
    sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;
    assert_eq!(b.state().snapshot.notes[&note].text, both);

    // A meeting's agenda: the peer adds an item at the end, the user rewords the first.
    let meeting = edit(
        &a,
        Edit::Create(Fields::Meeting(MeetingFields {
            title: Some("Caucus".to_owned()),
            start: Some("2026-12-01T10:00".to_owned()),
            end: Some("2026-12-01T11:00".to_owned()),
            agenda: Some("1. Welcome\n2. Badges".to_owned()),
            ..MeetingFields::default()
        })),
    )
    .await;
    sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;
    let url = format!("/schedule/meetings/{meeting}");
    let (_, _, html) = send_to(&app, get(&url)).await;
    let mut form = form_of(&html, &url);
    b.edit(Edit::Update {
        id: meeting.clone(),
        fields: Fields::Meeting(MeetingFields {
            agenda: Some("1. Welcome\n2. Badges\n3. Any other business".to_owned()),
            ..MeetingFields::default()
        }),
    })
    .await
    .unwrap();
    sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;
    set_field(&mut form, "agenda", "1. Welcome by the chair\n2. Badges");
    let (status, _, html) = send_to(&app, post(&url, &pairs(&form))).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", excerpt(&html));
    assert_eq!(
        a.state().snapshot.meetings[&meeting].agenda,
        "1. Welcome by the chair\n2. Badges\n3. Any other business"
    );
}
