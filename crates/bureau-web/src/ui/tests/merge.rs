//! The member page's merge form and the agenda's place in the navigation.

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
