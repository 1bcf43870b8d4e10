//! Finding things in a real browser: the search box in the header, a picker's filter (the
//! live script's), and the day's view a phone gets without choosing one.

use fantoccini::key::Key;

use super::*;

/// The options of a picker shown, by label.
async fn shown_options(b: &Browser, picker: &str) -> Value {
    b.js(&format!(
        "return [...document.querySelectorAll('#{picker}-options [data-picker-option]')]
           .filter(e => e.offsetParent !== null)
           .map(e => e.querySelector('label').textContent);"
    ))
    .await
}

#[test]
fn the_search_box_a_pickers_filter_and_the_list_on_a_phone() {
    with_browser("finding things", |b| async move {
        let tmp = tempfile::tempdir().unwrap();
        let node = Node::start(&tmp.path().join("a"), &["--demo"]);
        log_in(&b, &node).await;
        let mut violations = Vec::new();

        // The header's box: "lefevre" finds Jean-Pierre Lefèvre.
        b.goto(&url(&node, "/roster")).await;
        b.client
            .find(Locator::Id("site-search"))
            .await
            .expect("the search box")
            .send_keys("lefevre")
            .await
            .unwrap();
        b.client
            .find(Locator::Css("form.search-box button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.wait_until("the results page", "location.pathname === '/search'")
            .await;
        assert_eq!(
            b.js("return [...document.querySelectorAll('#results ol a')].map(a => a.textContent)")
                .await,
            json!(["Jean-Pierre Lefèvre"])
        );
        assert_eq!(
            b.js("return document.getElementById('site-search').value")
                .await,
            json!("lefevre")
        );
        violations.extend(b.axe("search").await);
        b.screenshots("search").await;

        // A picker: the filter box appears with the script, narrows the options as one types,
        // and what is ticked while filtered stays ticked when the filter is cleared.
        b.goto(&url(&node, "/schedule/meetings/new")).await;
        b.wait_until(
            "the members' filter shown",
            "!document.querySelector('#f-members [data-picker-filter]').hidden",
        )
        .await;
        let all = shown_options(&b, "f-members").await;
        assert!(all.as_array().unwrap().len() > 20, "{all}");
        let filter = b
            .client
            .find(Locator::Id("f-members-filter"))
            .await
            .unwrap();
        filter.send_keys("LEFE").await.unwrap();
        b.wait_until(
            "one member shown",
            "[...document.querySelectorAll('#f-members-options [data-picker-option]')].filter(e => e.offsetParent !== null).length === 1",
        )
        .await;
        assert_eq!(
            shown_options(&b, "f-members").await,
            json!(["Jean-Pierre Lefèvre"])
        );
        violations.extend(b.axe("meeting-form-filtered").await);
        // Enter in the filter does not send the form.
        b.js("window.stillHere = true; return true;").await;
        filter
            .send_keys(&char::from(Key::Enter).to_string())
            .await
            .unwrap();
        assert_eq!(b.js("return window.stillHere === true").await, json!(true));
        b.client
            .find(Locator::Css(
                "#f-members-options [data-picker-option]:not([hidden]) input",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // Nothing matches: said so.
        filter.send_keys("zzz").await.unwrap();
        b.wait_until(
            "no match said",
            "document.querySelector('#f-members .picker-none').textContent.length > 0",
        )
        .await;
        b.js("const i = document.getElementById('f-members-filter'); i.value = ''; i.dispatchEvent(new Event('input', {bubbles: true})); return true;")
            .await;
        assert_eq!(shown_options(&b, "f-members").await, all);
        assert_eq!(
            b.js("return [...document.querySelectorAll('#f-members-options input:checked')].map(i => i.labels[0].textContent)")
                .await,
            json!(["Jean-Pierre Lefèvre"])
        );

        // The schedule without a chosen view: the list on a phone, the timetable on a laptop.
        let day = demo_meetings(&node)
            .into_iter()
            .find(|m| m.1 == "Gender Caucus strategy session")
            .expect("a demo meeting")
            .3;
        let shown = "[getComputedStyle(document.querySelector('.auto-grid')).display !== 'none',
                      getComputedStyle(document.querySelector('.auto-list')).display !== 'none',
                      document.querySelectorAll('#day-list article.meeting').length > 0]";
        b.client.set_window_size(390, 844).await.unwrap();
        b.goto(&url(&node, &format!("/schedule?day={day}"))).await;
        assert_eq!(
            b.js(&format!("return {shown}")).await,
            json!([false, true, true])
        );
        b.client.set_window_size(1366, 900).await.unwrap();
        b.goto(&url(&node, &format!("/schedule?day={day}"))).await;
        assert_eq!(
            b.js(&format!("return {shown}")).await,
            json!([true, false, true])
        );
        b.screenshots("schedule-default").await;

        // The schedule's member filter: a box narrows the long list of people.
        b.wait_until(
            "the member filter's box shown",
            "!document.querySelector('[data-select-filter=\"filter-member\"]').hidden",
        )
        .await;
        let visible = "[...document.getElementById('filter-member').options]\
                       .filter(o => o.value && !o.hidden).map(o => o.textContent)";
        let before = b.js(&format!("return {visible}")).await;
        assert!(before.as_array().unwrap().len() > 10, "{before}");
        b.client
            .find(Locator::Id("filter-member-find"))
            .await
            .expect("the member filter's box")
            .send_keys("lefe")
            .await
            .unwrap();
        b.wait_until(
            "one person left in the member filter",
            &format!("{visible}.length === 1"),
        )
        .await;
        assert_eq!(
            b.js(&format!("return {visible}")).await,
            json!(["Jean-Pierre Lefèvre"])
        );

        // Filters and agenda pages at both widths, and their accessibility.
        let room = first_id(&node, "rooms");
        for (name, path) in [
            (
                "schedule-filtered",
                format!("/schedule?day={day}&view=list&room={room}&lang=en"),
            ),
            ("agenda", "/agenda".to_owned()),
            ("room-meetings", format!("/schedule/rooms/{room}")),
        ] {
            b.goto(&url(&node, &path)).await;
            b.wait_until(name, "document.readyState === 'complete'")
                .await;
            violations.extend(b.axe(name).await);
            b.screenshots(name).await;
        }
        assert!(
            violations.is_empty(),
            "serious or critical accessibility violations:\n{}",
            violations.join("\n")
        );
    });
}
