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
